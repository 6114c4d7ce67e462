"""Replay an unchanged `check`: the same command, in the same folder, over the same files, today.

A `check` that reads and writes nothing but its report (no `--fix`, `--diff`, `--output-file`,
`--write-baseline`, `--since`, `-v` or `--no-cache`, no progress line, no error, no question to
git) stores what it printed and its exit code in the cache folder, under a key of everything
outside the project's files it depended on: the arguments, the folder, today's date, the
environment variables it reads, where its output goes, the interpreter, and the identity of the
tool's code, rules and libraries (the `stat` of each file, inode and change time included).
Beside it, what `project.inputs` recorded of the project. The next run with the same key asks
the file system the same questions (a `stat` of each file read, a listing of each folder
walked: no file is opened, no analysis imported) and, when every answer is the same, prints the
stored report and exits with the stored code.

This module imports only the standard library and small modules of its own: it runs before the
command line is parsed.
A stored run is data (JSON of a fixed shape). A record planted in a repository cannot match:
its key would have to name the inodes and change times, to the nanosecond, of this machine's
install of the tool.
"""
from __future__ import annotations

import importlib.util
import json
import os
import sys
import time

from migrator import clean_replay, streams
from migrator.project import inputs
from migrator.project.records import Records

RUNS = Records("runs", schema=2, kept=16)
ENVIRONMENT = ("ASTRO_MIGRATE_AS_OF", "ASTRO_MIGRATE_RULES_DIR", "NO_COLOR", "FORCE_COLOR", "TERM")
LIBRARIES = ("libcst", "pathspec", "click")


def run_key(argv: list, cwd: str, day: str) -> str:
    """Everything a run's report depends on besides the project's files."""
    outputs = [(s.isatty(), s.encoding, s.errors) if s is not None else None for s in (sys.stdout, sys.stderr)]
    parts = [RUNS.schema, argv, cwd, day, {name: os.environ.get(name) for name in ENVIRONMENT}, outputs,
             sys.executable, sys.version, tool_identity()]
    return json.dumps(parts, ensure_ascii=True, default=repr)


def tool_identity() -> dict:
    """The `stat` of each file of the tool's code and rules, and of the libraries it runs on."""
    package = os.path.dirname(os.path.abspath(__file__))
    rules = os.environ.get("ASTRO_MIGRATE_RULES_DIR") or _package_folder("migrator.rules")
    found = {}
    for folder in dict.fromkeys(filter(None, (package, rules))):
        for place, folders, names in os.walk(folder):
            folders[:] = sorted(name for name in folders if name not in inputs.BYPRODUCTS)
            for name in sorted(names):
                if name.endswith((".py", ".toml")):
                    path = os.path.join(place, name)
                    found[path] = inputs.signature(path)
    for library in LIBRARIES:
        spec = importlib.util.find_spec(library)
        origin = spec.origin if spec is not None else None
        found[library] = inputs.signature(origin) if origin else None
    return found


def _package_folder(name: str) -> str | None:
    try:
        spec = importlib.util.find_spec(name)
    except ImportError:
        return None
    locations = spec.submodule_search_locations if spec is not None else None
    return list(locations)[0] if locations else None


class Recording:
    """A run that may be stored: what it read (once `begin` is called) and printed, in order."""

    def __init__(self, argv: list, cwd: str, day: str, started_ns: int):
        self.argv, self.cwd, self.day = argv, cwd, day
        self.key = run_key(argv, cwd, day)
        self.started_ns = started_ns
        self.output: list = []  # [stream ("out" | "err"), text]
        self.inputs: inputs.Inputs | None = None
        self.clean: tuple | None = None  # (result, paths, markers) of a clean run of files alone
        self.pinned: set = set()  # absolute paths read as more than files to check (configuration, baseline)

    def begin(self) -> None:
        """The command is a `check` that may be stored: record what it reads from now on."""
        self.inputs = inputs.start(self.started_ns)

    def cancel(self) -> None:
        """This run is not to be stored (it writes files, or shows progress, or failed)."""
        inputs.stop(self.inputs)
        self.inputs = None

    def printed(self, text: str, err: bool) -> None:
        self.output.append(["err" if err else "out", text])

    def clean_run(self, result, paths: list, markers: tuple) -> None:
        """The run checked `paths` against the project snapshot alone and found nothing: a run
        of other files in their places may replay it (`clean_replay`)."""
        self.clean = (result, paths, markers)

    def save(self, code: int) -> None:
        recorded = self.inputs
        inputs.stop(recorded)
        if recorded is None or code not in (0, 1) or _today() != self.day:
            return
        if recorded.vouched:
            RUNS.store(self.key, {"code": code, "output": self.output,
                                  "listings": recorded.listings, "probes": recorded.probes})
        if self.clean is None:
            return
        result, paths, markers = self.clean
        shape, files = clean_replay.template(self.argv)
        stored = clean_replay.record(self.output, recorded, result, paths, markers, self.pinned) if (
            files == paths) else None
        if stored is not None:
            clean_replay.CLEAN.store(run_key(shape, self.cwd, self.day), {"code": code, **stored})


RECORDING: Recording | None = None


def disarm() -> None:
    """End the recording of this run, saved or not (a run in the same process records anew)."""
    global RECORDING
    RECORDING = None
    inputs.stop()


def replay_or_record(argv: list) -> None:
    """For a `check`: print the stored report of this run and exit when nothing it depends on
    changed; else arm the recording that the command fills (`RECORDING`)."""
    global RECORDING
    if not argv or argv[0] != "check":
        return
    started_ns = time.time_ns()
    try:
        cwd = os.getcwd()
    except OSError:  # the folder was removed: the command line says so
        return
    day = _today()
    recording = Recording(argv, cwd, day, started_ns)
    stored = RUNS.load(recording.key)
    if stored is not None and _well_formed(stored) and inputs.unchanged(stored["listings"], stored["probes"]):
        _print(stored)
    shape, files = clean_replay.template(argv)
    stored = clean_replay.CLEAN.load(run_key(shape, cwd, day)) if files else None
    if stored is not None and _well_formed(stored) and clean_replay.replayable(stored, files):
        _print(stored)
    RECORDING = recording


def _print(stored: dict) -> None:
    """Print a stored run's report and exit with its code."""
    for stream, text in stored["output"]:
        streams.write(text, err=stream == "err")
    sys.exit(stored["code"])


def _today() -> str:
    """Today's date where the run is, as `engine.deadline.today()` takes it (without datetime's import)."""
    return time.strftime("%Y-%m-%d")


def _well_formed(record: dict) -> bool:
    """The shape `replay_or_record` relies on. The `stat`s and entries are only compared with
    what the file system says now: a malformed one differs, and the run is not replayed."""
    output = record.get("output")
    return (record.get("code") in (0, 1)
            and isinstance(record.get("listings"), dict) and isinstance(record.get("probes"), dict)
            and isinstance(output, list)
            and all(isinstance(item, list) and len(item) == 2 and item[0] in ("out", "err")
                    and isinstance(item[1], str) and _writable(item[1]) for item in output))


def _writable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: never printed by a run
        return False
    return True
