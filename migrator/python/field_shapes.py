"""Shapes that carry JSON keys in Python beyond dict subscripts: model classes (pydantic,
dataclasses, attrs, TypedDict) whose fields name a key, the calls that fill them with data, and
pandas frames whose columns are the keys (`df["type"]`, `df.query("type == 'X'")`).

Pure functions over LibCST nodes; `fields_collect.FlowCollector` decides what flows into them.
"""
from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from migrator.python.scopes import dotted

MODEL_BASES = {"BaseModel", "TypedDict", "RootModel", "Struct"}  # pydantic, typing, msgspec
MODEL_DECORATORS = {"dataclass", "dataclasses.dataclass", "define", "frozen", "attr.s", "attrs.define",
                    "attr.define", "pydantic.dataclasses.dataclass"}
ALIAS_KEYWORDS = ("alias", "validation_alias")
# Calls that make a model from data: `Model.model_validate(data)`, `parse_obj_as(list[Model], data)`.
VALIDATE_METHODS = {"model_validate", "parse_obj", "model_validate_json", "parse_raw", "validate_python",
                    "from_dict", "construct", "model_construct"}
VALIDATE_FUNCTIONS = {"parse_obj_as", "from_dict", "cast", "structure"}
FRAME_CONSTRUCTORS = {"DataFrame", "json_normalize", "from_records", "from_dict", "read_json"}
FRAME_METHODS = {"query", "head", "tail", "copy", "dropna", "fillna", "sort_values", "reset_index", "explode",
                 "drop_duplicates", "assign", "astype", "filter", "loc", "iloc"}
QUERY_WORDS = {"and", "or", "not", "in", "is", "True", "False", "None", "index"}
QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
IDENTIFIER = re.compile(r"`([^`]+)`|(?<![\w.@])([A-Za-z_]\w*)(?![\w(])")


def model_kind(node: cst.ClassDef) -> Optional[str]:
    """"typeddict", "model" (fields read by attribute), or None for an ordinary class."""
    bases = {dotted(arg.value).rsplit(".", 1)[-1] for arg in node.bases if arg.keyword is None}
    if "TypedDict" in bases:
        return "typeddict"
    decorators = {dotted(d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator)
                  for d in node.decorators}
    return "model" if bases & MODEL_BASES or decorators & MODEL_DECORATORS else None


def alias_of(value: Optional[cst.BaseExpression]) -> Optional[cst.SimpleString]:
    """The alias string of `Field(alias="workloadIdentity")` (pydantic, msgspec, attrs metadata)."""
    if not isinstance(value, cst.Call):
        return None
    for arg in value.args:
        if arg.keyword is not None and arg.keyword.value in ALIAS_KEYWORDS and isinstance(arg.value, cst.SimpleString):
            return arg.value
    return None


def fields_of(node: cst.ClassDef) -> list:
    """(name node, kind) of each field a model class declares: its alias string ("alias"), a
    TypedDict key ("key"), or the attribute name the data's key must equal ("attribute")."""
    kind = model_kind(node)
    if kind is None or not isinstance(node.body, cst.IndentedBlock):
        return []
    found: list = []
    for statement in node.body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                alias = alias_of(small.value)
                if alias is not None:
                    found.append((alias, "alias"))
                else:
                    found.append((small.target, "key" if kind == "typeddict" else "attribute"))
    return found


def annotation_names(node: Optional[cst.CSTNode]) -> list:
    """The class names an annotation mentions: `list[Token]`, `Optional["Token"]` -> Token."""
    if node is None:
        return []
    names = []

    class Names(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            names.append(name.value)

        def visit_SimpleString(self, string: cst.SimpleString) -> None:
            if string.raw_value.isidentifier():
                names.append(string.raw_value)

    node.visit(Names())
    return names


def model_of_call(node: cst.Call) -> tuple:
    """(class expression, data argument) of a call that fills a model with data, else (None, None):
    `Token(**t)`, `Token.model_validate(t)`, `parse_obj_as(list[Token], t)`, `from_dict(Token, t)`."""
    func = node.func
    positional = [a.value for a in node.args if a.keyword is None and not a.star]
    starred = [a.value for a in node.args if a.star == "**"]
    if isinstance(func, cst.Attribute) and func.attr.value in VALIDATE_METHODS and positional:
        return func.value, positional[0]
    if dotted(func).rsplit(".", 1)[-1] in VALIDATE_FUNCTIONS and len(positional) >= 2:
        return positional[0], positional[1]
    if starred and isinstance(func, (cst.Name, cst.Attribute)):
        return func, starred[0]
    return None, None


def frame_source(node: cst.Call) -> Optional[cst.BaseExpression]:
    """The data a pandas frame is built from: `pd.DataFrame(data)`, `pd.json_normalize(data)`."""
    name = dotted(node.func).rsplit(".", 1)[-1]
    positional = [a.value for a in node.args if a.keyword is None and not a.star]
    keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
    if name in FRAME_CONSTRUCTORS:
        return positional[0] if positional else keywords.get("data")
    return None


def query_columns(node: cst.SimpleString) -> list:
    """(name, offset inside the string's text) of the column names a `df.query("…")` string reads."""
    text = node.raw_value
    blank = QUOTED.sub(lambda m: " " * len(m.group(0)), text)
    out = []
    for found in IDENTIFIER.finditer(blank):
        group = 1 if found.group(1) is not None else 2
        if found.group(group) not in QUERY_WORDS:
            out.append((found.group(group), found.start(group)))
    return out
