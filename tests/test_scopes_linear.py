"""The binder asks CPython's symtable for a scope's children once, not once per definition in it
(it did: a module of N functions cost N² symtable objects, a third of a 1,000-line module's
analysis). Counted, not timed."""
from __future__ import annotations

import symtable

import libcst as cst

from migrator.python.scopes import Binder


def test_children_of_a_scope_are_asked_for_once_and_each_def_still_gets_its_own_table(monkeypatch):
    text = "".join(f"def f{i}(x):\n    return x + {i}\n\n\nclass C{i}:\n    def m(self):\n        pass\n\n\n"
                   for i in range(150))
    text += "def f0(y):\n    return y\n"  # a second def of one name: the second table of that name
    asked = []
    original = symtable.SymbolTable.get_children

    def counted(table):
        asked.append(table.get_name())
        return original(table)

    monkeypatch.setattr(symtable.SymbolTable, "get_children", counted)
    binder = Binder(text, "m.py")
    binder.run(cst.parse_module(text))
    assert asked.count("top") == 1
    assert len(asked) <= 1 + 150  # the module, and each class once for its method
    tables = [scope.table for scope in binder.scope_of.values()]
    assert len(tables) == 451 and all(tables)
    assert len({id(table) for table in tables}) == 451
    params = sorted(t.get_parameters() for t in tables if t.get_name() == "f0")
    assert params == [("x",), ("y",)]
