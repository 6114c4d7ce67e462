"""The project a run belongs to: its root, its Python modules, and how they import each other.

Whatever paths a run names (pre-commit names a few changed files), facts come from the whole
project: the modules that define the bases a named file reads, and the modules that read the
bases a named file defines. Findings are reported for the named files only.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator, Optional

from migrator.project.discover import Candidate, discover
from migrator.project.filetypes import flavor_of
from migrator.project.root import find_root, project_key

if TYPE_CHECKING:
    from migrator.project.modules import ModuleResolver, Resolution


@dataclass
class Project:
    root: str  # absolute
    cwd: str
    configured_roots: tuple = ()  # the `roots` setting, absolute folders
    keys: dict = field(default_factory=dict)  # shown path -> file key (posix, relative to the root)
    shown: dict = field(default_factory=dict)  # file key -> shown path
    _resolver: Optional[ModuleResolver] = None

    @classmethod
    def of(cls, paths: list, configured_roots: tuple = ()) -> "Project":
        cwd = os.getcwd()
        return cls(find_root(paths or ["."], cwd), cwd, tuple(configured_roots))

    def modules(self, named: set, exclude: tuple, extensions: dict) -> Iterator[Candidate]:
        """The project's Python modules and notebooks that were not named (`named`: `absolute()`
        paths), as discovery shows them (relative to the cwd when inside it)."""
        for candidate in discover([self.root], [], exclude, extensions):
            wanted = candidate.kind == "python" or flavor_of(candidate.path) == "notebook"
            if wanted and self.absolute(candidate.path) not in named:
                yield Candidate(candidate.path, candidate.kind, False)

    def absolute(self, shown: str) -> str:
        if not os.path.isabs(shown) and "/." not in "/" + shown and "//" not in shown and os.sep == "/":
            return f"{self.cwd.rstrip('/')}/{shown}"  # already normal: the common case, without normpath
        return os.path.normpath(os.path.join(self.cwd, shown))

    def add(self, shown: str) -> None:
        absolute = self.absolute(shown)
        inside = absolute.startswith(self.root.rstrip(os.sep) + os.sep)  # the common case, without relpath
        key = absolute[len(self.root.rstrip(os.sep)) + 1 :].replace(os.sep, "/") if inside else (
            project_key(shown, self.root, self.cwd))
        if key is not None:
            self.keys[shown] = key
            self.shown[key] = shown

    def resolve(self, module: str, importer: str) -> Resolution:
        """Which analysed files (shown paths) `import module` in `importer` (a shown path) may load."""
        from migrator.project.modules import ModuleResolver, Resolution  # only once a module holds a base

        if self._resolver is None:
            self._resolver = ModuleResolver.for_project(sorted(self.shown), self.root, self.configured_roots)
        key = self.keys.get(importer)
        if key is None:
            return Resolution(module)
        found = self._resolver.resolve(module, key)
        return Resolution(module, tuple(self.shown[k] for k in found.keys if k in self.shown),
                          tuple(self.shown[k] for k in found.packages if k in self.shown))
