"""The workspace as the server sees it: the project on disk with the open buffers laid over it.

Every analysis is `check FILE`'s: the configuration found above the file, the same `Options`,
the `Pipeline` over the whole project model, each open buffer read in place of its file (an
overlay, so an unsaved base module changes what its importers resolve to). Which fixes `--fix`
would refuse is planned only when code actions are asked for (`actions.offerable`): planning
loads the fixed file to check it, which diagnostics do not need. Paths are shown paths, as
`check` run from the workspace root (the server's working folder) shows them.
"""
from __future__ import annotations

import datetime
import io
import os
import tokenize
from dataclasses import dataclass, field
from typing import Optional

from migrator.api import Pipeline, RunResult
from migrator.engine import deadline, ruletable
from migrator.fix.fixpoint import fixpoint
from migrator.fix.run import targets_of
from migrator.options import Options
from migrator.project import config
from migrator.project.discover import display, exclusion_spec
from migrator.project.filetypes import flavor_of, kind_of
from migrator.project.source import DecodeError, SourceText

CONFIG_FILES = (config.OWN_FILE, config.PYPROJECT)


@dataclass(frozen=True)
class Buffer:
    """An open document: the editor's text, not the file's."""

    text: str
    version: Optional[int]


@dataclass(frozen=True)
class Settings:
    """What the configuration above a file makes of a run on it."""

    config: config.Config
    options: Options
    today: datetime.date
    days_left: int


@dataclass
class Analysis:
    """One file as `check FILE` sees it, with the open buffers in place of their files."""

    path: str
    version: Optional[int]  # of the buffer analysed; None: the file on disk
    text: str  # the text the findings' offsets point into
    kind: str  # "python" or "text"
    flavor: str  # "python", or the text tier's flavor ("yaml", "notebook", ...)
    settings: Settings
    findings: list = field(default_factory=list)  # as `check` reports them
    # Worked out when code actions are first asked for (see `actions`), then kept:
    offered: Optional[tuple] = None  # the findings whose fixes may be offered
    suppressions: dict = field(default_factory=dict)  # finding index -> (offset, comment) or None


def buffer_bytes(text: str, python: bool) -> bytes:
    """The bytes a buffer would be saved as: UTF-8, or a Python module's declared encoding."""
    data = text.encode("utf-8", "surrogatepass")
    if not python:
        return data
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        return data
    if encoding in ("utf-8", "utf-8-sig"):
        return data
    try:
        return text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return data


class Workspace:
    """Open buffers over the files on disk, seen from the working folder (the workspace root);
    analyses run one at a time (see `server`)."""

    def __init__(self) -> None:
        # Replaced whole, never changed in place: an analysis in the worker thread reads one state.
        self.buffers: dict = {}  # shown path -> Buffer

    @staticmethod
    def shown(absolute: str) -> str:
        return display(os.path.normpath(absolute))

    def open(self, path: str, text: str, version: Optional[int]) -> None:
        self.buffers = {**self.buffers, path: Buffer(text, version)}

    def close(self, path: str) -> None:
        self.buffers = {p: b for p, b in self.buffers.items() if p != path}

    def text(self, path: str) -> Optional[str]:
        """The buffer's text, else the file's (None when it cannot be read as text)."""
        buffer = self.buffers.get(path)
        if buffer is not None:
            return buffer.text
        try:
            with open(path, "rb") as handle:
                return SourceText.decode(handle.read(), python=kind_of(path) == "python").text
        except (OSError, DecodeError):
            return None

    def settings(self, path: str) -> Settings:
        """Raises `config.ConfigError` for a configuration `check` would refuse."""
        found = config.load([path])
        today = deadline.today()
        end = deadline.parse_date(found.deadline or ruletable.end_of_support())
        # One process: worker processes forked from a threaded server may deadlock.
        options = found.options(today=today, jobs=1)
        return Settings(found, options, today, deadline.days_left(end, today))

    def checkable(self, path: str, settings: Settings) -> Optional[str]:
        """The kind `check` reads `path` as when it walks the folder, None when it does not."""
        if not os.path.isfile(path):
            return None
        spec = exclusion_spec(settings.options.exclude)
        if spec is not None and spec.match_file(path):
            return None
        return kind_of(path, settings.options.extensions)

    def run(self, path: str, options: Options, buffers: dict, texts: Optional[dict] = None) -> RunResult:
        """`check path` with `buffers` (and `texts`, shown path -> bytes) read in place of the files."""
        overlay = {p: buffer_bytes(b.text, kind_of(p, options.extensions) == "python") for p, b in buffers.items()}
        overlay.update(texts or {})
        return Pipeline(options, overlay, keep_overlay=False).run([path])

    def analyse(self, path: str) -> Optional[Analysis]:
        """`path` as `check` reports it; None for a file `check` does not read."""
        buffers = self.buffers
        settings = self.settings(path)
        kind = self.checkable(path, settings)
        if kind is None:
            return None
        run = self.run(path, settings.options, buffers)
        result = next((r for r in run.files if r.path == path), None)
        buffer = buffers.get(path)
        if result is not None and result.source is not None:
            text = result.source.text
        else:
            text = buffer.text if buffer else (self.text(path) or "")
        flavor = "python" if kind == "python" else flavor_of(path)
        findings = list(result.findings) if result else []
        return Analysis(path, buffer.version if buffer else None, text, kind, flavor, settings, findings)

    def fixed_text(self, analysis: Analysis) -> Optional[str]:
        """The text `check --fix FILE` leaves (the fixpoint of the safe fixes, over the open
        buffers); None when it changes nothing, or when the fixed file would have fewer blocked
        calls than now (a base that serves one was rewritten: never offered)."""
        buffers, options, path = self.buffers, analysis.settings.options, analysis.path
        run = self.run(path, options, buffers)
        sources = {result.path: result.source for result in run.files if result.source is not None}

        def again(texts: dict) -> tuple:
            encoded = {p: sources[p].encode(text) for p, text in texts.items()}
            result = self.run(path, options, buffers, encoded)
            return result, targets_of(result)

        outcome = fixpoint(targets_of(run), False, again)
        new = outcome.texts.get(path)
        if new is None or new == analysis.text:
            return None
        if outcome.analysis is not None and _blocked(outcome.analysis, path) < _blocked(run, path):
            return None
        return new


def _blocked(run: RunResult, path: str) -> int:
    return sum(1 for result in run.files if result.path == path for f in result.findings if f.code == "AM201")
