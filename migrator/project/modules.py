"""Module names resolved to the project's files the way Python would, never by file name alone.

File keys are posix paths relative to the project root (`proj_a/include/astro_settings.py`).
An import is looked up under every import root that applies to the importing file:

- the Astro project the file lives in (a folder with `dags/` or `include/`, or `.astro/`, or a
  Dockerfile `FROM …astro-runtime…`), and its `dags/` and `plugins/` (Airflow's sys.path);
- every `src/` folder (an installed src-layout package is importable from anywhere);
- the configured `roots = [...]`, and the project root;
- the importer's own folder (a script run directly has it first on sys.path).

No file: the module is outside the project (a library, or unknown). One file: resolved.
Several different files (one under each of two roots): ambiguous, every file it may be.
"""
from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Optional

from migrator.engine.lazy_re import lazy
from migrator.project import reading

ASTRO_RUNTIME = lazy(rb"^\s*FROM\s+\S*astro-runtime", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class ImportRoot:
    """A folder imports are looked up under, for the files in its scope."""

    folder: str  # relative to the project root; "" is the root itself
    scope: str  # it applies to the files under this folder ("" = every file)
    why: str  # shown to users: "Astro project", "Airflow dags folder", "src layout", ...


@dataclass(frozen=True)
class Resolution:
    """The files an import may load."""

    module: str  # as written in the import: "a.b", ".x", ".."
    keys: tuple = ()  # the files it may be: none (outside the project), one, several (ambiguous)
    packages: tuple = ()  # the `__init__.py` files importing it runs first, outermost first

    @property
    def resolved(self) -> Optional[str]:
        return self.keys[0] if len(self.keys) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.keys) > 1

    def describe(self) -> str:
        """Why the import does not name one file, for an unsafe fix's reason."""
        if self.resolved:
            return f"`{self.module}` is {self.resolved}"
        if self.ambiguous:
            return f"`{self.module}` may be any of {', '.join(self.keys)}"
        return f"`{self.module}` is not a module of the project"


def _ancestors(key: str) -> Iterable[str]:
    folder = posixpath.dirname(key)
    while folder:
        yield folder
        folder = posixpath.dirname(folder)
    yield ""


def _folders(keys: Iterable[str]) -> set:
    """Every folder above the file keys, the root ("") included."""
    found = {""}
    for folder in {posixpath.dirname(key) for key in keys}:
        while folder not in found:  # the folders above one already found are found too
            found.add(folder)
            folder = posixpath.dirname(folder)
    return found


def _join(folder: str, relative: str) -> str:
    return f"{folder}/{relative}" if folder else relative


def _inside(key: str, folder: str) -> bool:
    return not folder or key.startswith(folder + "/")


def is_astro_project(folder: str) -> bool:
    """A folder laid out as an Astro project (absolute path)."""
    if any(os.path.isdir(os.path.join(folder, name)) for name in ("dags", "include", ".astro")):
        return True
    try:
        return ASTRO_RUNTIME.search(reading.read(os.path.join(folder, "Dockerfile"), "text")) is not None
    except OSError:  # none, or not a regular file (a FIFO must not block the run)
        return False


def import_roots(py_files: Iterable[str], root: str, configured: Iterable[str] = ()) -> tuple:
    """The ImportRoots of a project: `py_files` are file keys, `root` the project root (absolute),
    `configured` the `roots` setting as absolute folders (or relative to `root`)."""
    return ProjectRoots(py_files, root, configured).all()


def _unique(found: list) -> tuple:
    """`found` without repeats (the first reason wins), in order of folder and scope."""
    unique = {(r.folder, r.scope): r for r in reversed(found)}
    return tuple(sorted(unique.values(), key=lambda r: (r.folder, r.scope)))


class ProjectRoots:
    """The import roots of a project, looked for as they are needed: whether a folder is an Astro
    project (a few file-system calls) is asked only for the folders above the files resolved."""

    def __init__(self, py_files: Iterable[str], root: str, configured: Iterable[str] = ()):
        self.root = root
        self.folders = sorted(_folders(py_files))
        self._known = frozenset(self.folders)
        self.configured = []
        for path in configured:
            relative = os.path.relpath(os.path.join(root, path), root).replace(os.sep, "/")
            if relative != ".." and not relative.startswith("../"):
                self.configured.append(ImportRoot("" if relative == "." else relative, "", "configured"))
        self._astro: dict = {}  # folder -> the roots an Astro project there gives

    def _at(self, folder: str) -> list:
        """The roots `folder` gives: an Astro project's (with its dags and plugins), a src layout."""
        if folder not in self._astro:
            found = []
            if is_astro_project(os.path.join(self.root, folder)):
                found.append(ImportRoot(folder, folder, "Astro project"))
                for name, why in (("dags", "Airflow dags folder"), ("plugins", "Airflow plugins folder")):
                    inner = posixpath.join(folder, name)
                    if os.path.isdir(os.path.join(self.root, inner)):
                        found.append(ImportRoot(inner, folder, why))
            self._astro[folder] = found
        return self._astro[folder]

    def _everywhere(self) -> list:
        """The roots that apply to every file: src layouts, the configured ones, the project root."""
        src = [ImportRoot(folder, "", "src layout") for folder in self.folders if posixpath.basename(folder) == "src"]
        return src + self.configured + [ImportRoot("", "", "project root")]

    def all(self) -> tuple:
        found = []
        for folder in self.folders:
            found += self._at(folder)
            if posixpath.basename(folder) == "src":
                found.append(ImportRoot(folder, "", "src layout"))
        return _unique(found + self.configured + [ImportRoot("", "", "project root")])

    def applying(self, importer: str) -> tuple:
        """The roots whose scope holds `importer` (a file key), as `all()` orders them."""
        above = [root for folder in _ancestors(importer) if folder in self._known for root in self._at(folder)]
        return _unique(above + self._everywhere())


class ModuleResolver:
    """Resolves imports among `py_files` (file keys) under a project's `ProjectRoots`."""

    def __init__(self, py_files: Iterable[str], roots: ProjectRoots):
        self.files = frozenset(py_files)
        self._roots = roots
        self._applying: dict = {}  # importer's folder -> root folders, in order
        self._known: dict = {}  # (module, root folders or anchor) -> Resolution

    @property
    def roots(self) -> tuple:
        return self._roots.all()

    @classmethod
    def for_project(cls, py_files: Iterable[str], root: str, configured: Iterable[str] = ()) -> ModuleResolver:
        """The resolver of a project: its Python file keys, its root, the configured `roots`."""
        files = tuple(py_files)
        return cls(files, ProjectRoots(files, root, configured))

    def roots_for(self, importer: str) -> tuple:
        """The root folders an import in `importer` is looked up under."""
        folder = posixpath.dirname(importer)
        if folder not in self._applying:
            applying = [r.folder for r in self._roots.applying(importer)]
            self._applying[folder] = tuple(dict.fromkeys([*applying, folder]))
        return self._applying[folder]

    def resolve(self, module: str, importer: str) -> Resolution:
        level = len(module) - len(module.lstrip("."))
        parts = module[level:].split(".") if module[level:] else []
        if not all(part.isidentifier() for part in parts):
            return Resolution(module)
        if level:
            anchor = self._relative_anchor(importer, level)
            return Resolution(module) if anchor is None else self._under((anchor,), module, parts)
        return self._under(self.roots_for(importer), module, parts)

    def _relative_anchor(self, importer: str, level: int) -> Optional[str]:
        """The package folder `level` dots name from `importer`, if some root makes it a package."""
        folder = posixpath.dirname(importer)
        depths = [
            len(folder[len(root):].strip("/").split("/")) if folder != root else 0
            for root in self.roots_for(importer)
            if _inside(importer, root)
        ]
        if not depths or max(depths) < level:
            return None  # beyond the top-level package: an ImportError in Python
        for _ in range(level - 1):
            folder = posixpath.dirname(folder)
        return folder

    def _under(self, folders: tuple, module: str, parts: list) -> Resolution:
        known = self._known.get((module, folders))
        if known is not None:
            return known
        keys, packages = [], []
        for folder in folders:
            found = self._module_file(_join(folder, "/".join(parts))) if parts else self._package(folder)
            if found and found not in keys:
                keys.append(found)
                for depth in range(1, len(parts)):
                    package = self._package(_join(folder, "/".join(parts[:depth])))
                    if package and package not in packages:
                        packages.append(package)
        resolution = self._known[module, folders] = Resolution(module, tuple(keys), tuple(packages))
        return resolution

    def _package(self, folder: str) -> Optional[str]:
        init = _join(folder, "__init__.py")
        return init if init in self.files else None

    def _module_file(self, base: str) -> Optional[str]:
        """A package (`base/__init__.py`) before a module (`base.py`), as Python's finder does."""
        return self._package(base) or (base + ".py" if base + ".py" in self.files else None)

    def names_of(self, key: str) -> tuple:
        """Every dotted name under which some file may import `key` with an absolute import."""
        stem = key[: -len("/__init__.py")] if key.endswith("/__init__.py") else key[: -len(".py")]
        folders = {r.folder for r in self.roots} | {posixpath.dirname(k) for k in self.files}
        names = set()
        for folder in folders:
            if _inside(stem, folder):
                name = stem[len(folder):].strip("/").replace("/", ".")
                if name and all(part.isidentifier() for part in name.split(".")):
                    names.add(name)
        return tuple(sorted(names))

    def importers(self, key: str, imports: Mapping[str, Iterable[str]]) -> tuple:
        """The files among `imports` (file key -> modules it imports, as written; for
        `from a import b` list both `a` and `a.b`, for `from . import b` both `.` and `.b`)
        whose imports may load `key` (as the module, or as a package whose module is imported)."""
        stem = posixpath.basename(posixpath.dirname(key) if key.endswith("/__init__.py") else key[:-3])
        found = []
        for importer, modules in imports.items():
            for module in modules:
                named = module.lstrip(".")
                if named and stem not in named.split("."):
                    continue  # cannot name it: neither the module nor a package above it
                resolution = self.resolve(module, importer)
                if key in resolution.keys or key in resolution.packages:
                    found.append(importer)
                    break
        return tuple(sorted(found))
