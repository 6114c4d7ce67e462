"""Resolve names a module imports to the templates the modules defining them export.

Used by `link` (URLs) and `fields` (JSON fields) once every module has been analysed.
"""
from __future__ import annotations

from typing import Iterable

from migrator.engine.templates import Hole, Ref, reached_via

MAX_REF_DEPTH = 10


class ModuleTails:
    """dotted name -> the files among `keys` (file keys or paths) an import of that name may load
    from some folder on PYTHONPATH: `include/astro_common.py` under `astro_common` and
    `include.astro_common`. For `namesakes`, made once per project; the files of a name are
    looked for when it is asked (among the files whose name ends the same), a few per run."""

    def __init__(self, keys: Iterable[str]):
        self._ending: dict = {}  # last dotted part -> [(key, its dotted name's parts)], in the order of `keys`
        for key in keys:
            parts = key.replace("\\", "/").split("/")
            parts[-1] = parts[-1][:-3] if parts[-1].endswith(".py") else parts[-1]
            if parts[-1] == "__init__":
                parts.pop()
            if parts:
                self._ending.setdefault(parts[-1].rpartition(".")[2], []).append((key, parts))

    def get(self, module: str, default: list) -> list:
        """The files whose dotted name ends with all of `module`'s parts, or `default`."""
        found = [key for key, parts in self._ending.get(module.rpartition(".")[2], ())
                 if any(".".join(parts[first:]) == module for first in range(len(parts)))]
        return found or default


def namesakes(module: str, tails: ModuleTails) -> list:
    """The files an import of `module` that the import roots do not place may still load (see
    `ModuleTails`): unknown is never safe, such an import may read their bases."""
    return tails.get(module, [])


class ModuleIndex:
    """Resolves imported names to the templates the defining modules export.

    `resolve_module(module, importer)` says which analysed files an import may load (see
    `project.model.Project.resolve`). An import that may load several files resolves to a Hole,
    and each file's exported base gets a read it cannot follow: `unfollowed`.
    """

    def __init__(self, facts_by_key: dict, resolve_module):
        self.facts = facts_by_key
        self.resolve_module = resolve_module
        self.unfollowed: list = []  # (exported template, defining key, reading key, start, end, why)
        self.attribute_reads: list = []  # (attribute, reading key): `CONFIG.url` of an imported object
        self._reading: tuple = ("", 0, 0)  # the use being resolved: (key, start, end)
        self._tails = ModuleTails(k for k in facts_by_key if k.endswith(".py"))

    def resolve_use(self, template: tuple, key: str, start: int, end: int) -> tuple:
        self._reading = (key, start, end)
        return self.resolve(template, key)

    def resolve(self, template: tuple, importer: str, depth: int = 0) -> tuple:
        """`template` with every Ref replaced by the exported template it names, or a Hole."""
        out = []
        for part in template:
            if not isinstance(part, Ref):
                out.append(part)
                continue
            found = self.resolve_module(part.module, importer) if depth < MAX_REF_DEPTH else None
            keys = [k for k in found.keys if k in self.facts] if found else []
            if found is not None and found.ambiguous:
                for key in keys:
                    exported = self.facts[key].exports.get(part.name)
                    if exported is not None:
                        self.unfollowed.append((self.resolve(exported, key, depth + 1), key, *self._reading,
                                                f"imported ambiguously ({found.describe()})"))
                out.append(Hole(part.name))
                continue
            if found is not None and not found.keys:
                for key in namesakes(part.module, self._tails):
                    exported = self.facts[key].exports.get(part.name)
                    if exported is not None:
                        self.unfollowed.append((self.resolve(exported, key, depth + 1), key, *self._reading,
                                                f"imported as `{part.module}`, which the import roots do not "
                                                f"place: it may be {key} (set `roots`)"))
            if found is not None and not found.keys:
                owner = part.module.rpartition(".")[0]
                if owner and self.resolve_module(owner, importer).keys:  # an attribute of an imported object
                    self.attribute_reads.append((part.name, self._reading[0]))
            exported = self.facts[keys[0]].exports.get(part.name) if len(keys) == 1 else None
            if exported is None:
                out.append(Hole(part.name))
            else:  # through the name, which another module may set (`settings.PATH = …`)
                out.extend(reached_via(self.resolve(exported, keys[0], depth + 1), (keys[0], -1, -1, part.name)))
        return tuple(out)

    def dynamic_reads(self, where: str, how: str = "") -> None:
        """A module imported by a name known only at run time may be any: every base is read.
        So may be any module's names read by string (`how`: `vars(m)`, `m.__dict__`)."""
        for defining, facts in self.facts.items():
            for exported in facts.exports.values():
                self.unfollowed.append((self.resolve(exported, defining), defining, defining, 0, 0,
                                        f"{where} {how or 'imports modules by names known only at run time'}"))

    def outside_reads(self, readers) -> None:
        """(module, notebook): every base the module exports is read in a notebook, whose imports
        the analysis does not follow (a notebook is judged on its own)."""
        for defining, notebook in readers:
            for exported in getattr(self.facts.get(defining), "exports", {}).values():
                self.unfollowed.append((self.resolve(exported, defining), defining, defining, 0, 0,
                                        f"its module is read by the notebook {notebook}"))

    def star_reads(self) -> None:
        """`from m import *`: every base `m` exports is read where analysis cannot follow it."""
        for key, facts in self.facts.items():
            for module in facts.star_imports:
                found = self.resolve_module(module, key)
                for defining in found.keys:
                    for exported in getattr(self.facts.get(defining), "exports", {}).values():
                        self.unfollowed.append((self.resolve(exported, defining), defining, key, 0, 0,
                                                f"star-imported (`from {module} import *`)"))
