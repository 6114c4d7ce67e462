"""Copy a fixture project, run the tool on it in-process, then import and run the fixed code.

A probe is a function of a module loader that calls the fixture's code; every URL the code
requests while a probe runs is recorded (tests/sound/standins/requests). Comparing the URLs
before and after `--fix` tells whether the fix changed what the program does beyond moving
a call to the v1 endpoint that serves it.
"""
from __future__ import annotations

import contextlib
import datetime
import importlib
import os
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Callable

from migrator.api import RunResult, check
from migrator.options import Options

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sound"
STANDINS = Path(__file__).resolve().parent / "standins"
SKIPPED_DIRS = {"__pycache__", ".astro_migrate_cache"}
TODAY = datetime.date(2026, 11, 28)  # runs never read the clock

ASTRO_V1BETA1 = re.compile(r"^(https://api\.astronomer\.io)/(?:platform|iam)/v1beta1(?=/|$)")
BLOCKED = re.compile(r"/(?:alerts|notification-channels)(?:/|\?|$)")

Loader = Callable[[str], ModuleType]  # importlib.import_module, on the fixture's import roots
Probe = Callable[[Loader], object]


@dataclass(frozen=True)
class Reported:
    """What a run says about one place in a file."""

    path: str
    line: int
    code: str
    applicability: str  # "safe", "unsafe" or "" (no fix)


def copy_project(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name.replace("/", "_")
    shutil.copytree(FIXTURES / name, target, ignore=shutil.ignore_patterns(*SKIPPED_DIRS))
    return target


def project_files(root: Path) -> list[str]:
    """The project's files, by relative path: taken before any run, so that whatever the tool
    keeps for itself later (caches, indexes) is not compared."""
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        found += [Path(folder, name).relative_to(root).as_posix() for name in sorted(names)]
    return found


def snapshot(root: Path, files: list[str]) -> dict[str, bytes | None]:
    """The bytes of `files` under `root` (None for a file that is gone)."""
    return {name: (root / name).read_bytes() if (root / name).is_file() else None for name in files}


def run(paths: list[str], **options) -> RunResult:
    """`check` with the cwd where the caller put it (the project root)."""
    return check(paths, Options(today=TODAY, **options))


def reported(result: RunResult) -> list[Reported]:
    out = []
    for file in result.files:
        for finding in file.findings:
            line = file.source.position(finding.start)[0] if file.source is not None else 0
            applicability = finding.fix.applicability if finding.fix else ""
            out.append(Reported(file.path.replace(os.sep, "/"), line, finding.code, applicability))
    return sorted(out, key=lambda r: (r.path, r.line, r.code))


def reported_for(result: RunResult, path: str) -> list[Reported]:
    return [r for r in reported(result) if r.path == path]


@contextlib.contextmanager
def fresh_imports(roots: list[Path]) -> Iterator[Loader]:
    """Import the fixture's modules from `roots` as Python would, and forget them afterwards."""
    saved_path, saved_modules = list(sys.path), set(sys.modules)
    saved_bytecode = sys.dont_write_bytecode
    sys.dont_write_bytecode = True  # no __pycache__ that could serve a stale module
    sys.path[:0] = [str(STANDINS)] + [str(root) for root in roots]
    importlib.invalidate_caches()
    try:
        yield importlib.import_module
    finally:
        sys.path[:] = saved_path
        sys.dont_write_bytecode = saved_bytecode
        folders = [str(STANDINS), *map(str, roots)]
        for name in set(sys.modules) - saved_modules:
            if _loaded_from(sys.modules[name], folders):
                del sys.modules[name]


def _loaded_from(module: ModuleType, folders: list[str]) -> bool:
    """Whether `module` (or namespace package) comes from one of `folders`."""
    places = [getattr(module, "__file__", None) or "", *getattr(module, "__path__", [])]
    return any(place.startswith(folder + os.sep) for place in places for folder in folders)


@dataclass(frozen=True)
class Program:
    """Code that runs with one set of import roots (an Astro project: its folder and dags/)."""

    roots: list[Path]
    probes: dict[str, Probe]


def astro_project(folder: Path, probes: dict[str, Probe]) -> Program:
    """An Astro project runs with its folder (for `include.…`) and `dags/` on sys.path."""
    return Program([folder, folder / "dags"], probes)


def requested(programs: list[Program]) -> dict[str, list[str]]:
    """The URLs each probe makes the fixture code request, by probe name."""
    urls = {}
    for program in programs:
        with fresh_imports(program.roots) as load:
            sent = load("requests").sent
            for name, probe in program.probes.items():
                sent.clear()
                probe(load)
                urls[name] = list(sent)
    return urls


def is_blocked(url: str) -> bool:
    return bool(BLOCKED.search(url.split("?")[0]))


def on_v1(url: str) -> str:
    """`url` moved from an Astro v1beta1 API to v1 (unchanged when it is not one)."""
    return ASTRO_V1BETA1.sub(r"\1/v1", url)


def unsound_changes(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[str]:
    """Each request whose URL the fix changed other than by moving a migratable call to v1."""
    problems = []
    for name, old_urls in before.items():
        new_urls = after.get(name, [])
        if len(new_urls) != len(old_urls):
            problems.append(f"{name}: requested {old_urls} before the fix, {new_urls} after")
            continue
        for old, new in zip(old_urls, new_urls):
            if new == old:
                continue
            if is_blocked(old):
                problems.append(f"{name}: blocked call moved from {old} to {new}")
            elif new != on_v1(old):
                problems.append(f"{name}: {old} became {new}, not its v1 equivalent")
    return problems


def still_v1beta1(urls: dict[str, list[str]]) -> list[str]:
    """The requests to an Astro v1beta1 API among `urls` (for projects that must be fully fixed)."""
    return [f"{name}: {url}" for name, found in urls.items() for url in found if ASTRO_V1BETA1.match(url)]


@dataclass
class FixOutcome:
    before: dict[str, list[str]]  # URLs requested by the untouched project
    after: dict[str, list[str]]  # and by the fixed one
    first: RunResult  # the `--fix` run
    second_changed: list[str]  # files a second `--fix` changed (must stay empty)


def fix_and_rerun(root: Path, programs: list[Program], paths: list[str]) -> FixOutcome:
    """Run the programs, `--fix` `paths` (cwd must be `root`), run them again, `--fix` once more."""
    files = project_files(root)
    before = requested(programs)
    first = run(paths, fix=True)
    after = requested(programs)
    fixed = snapshot(root, files)
    run(paths, fix=True)
    again = snapshot(root, files)
    changed = [path for path in files if fixed[path] != again[path]]
    return FixOutcome(before, after, first, changed)
