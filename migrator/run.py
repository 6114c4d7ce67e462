"""The pipeline: discover -> prefilter -> analyse -> link (match against rules) -> fix.

Each stage is a module of its own; this one only moves data between them, in one direction.
"""
from __future__ import annotations

import difflib
import fnmatch
import os
from dataclasses import dataclass, field
from typing import Optional

from migrator import fixer, reading
from migrator.discover import Candidate, discover
from migrator.findings import Finding
from migrator.match import DEFAULT_HOSTS, host_pattern
from migrator.prefilter import may_match
from migrator.source import DecodeError, SourceText


@dataclass
class Options:
    select: tuple = ()
    ignore: tuple = ()
    hosts: tuple = DEFAULT_HOSTS
    exclude: tuple = ()  # gitignore-style patterns for walked files
    per_file_ignores: dict = field(default_factory=dict)  # glob -> code prefixes
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False


@dataclass
class FileResult:
    path: str
    kind: str
    explicit: bool
    source: Optional[SourceText] = None
    findings: list = field(default_factory=list)
    fixed: int = 0  # findings fixed (or, with --diff, that would be)
    diff: str = ""
    error: Optional[str] = None  # why the file could not be checked


@dataclass
class RunResult:
    files: list  # FileResult for every file that was read and has something to say
    checked: int  # files looked at
    problems: list  # discover.Problem: paths that could not be walked

    @property
    def findings(self) -> list:
        return [(f, finding) for f in self.files for finding in f.findings]


def selected(code: str, path: str, options: Options) -> bool:
    if options.select and not any(code.startswith(p) for p in options.select):
        return False
    ignored = list(options.ignore)
    for pattern, prefixes in options.per_file_ignores.items():
        if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(os.path.basename(path), pattern):
            ignored.extend(prefixes)
    return not any(code.startswith(p) for p in ignored)


class Pipeline:
    def __init__(self, options: Options):
        self.options = options
        self.host_re = host_pattern(options.hosts)
        self.results: dict = {}  # path -> FileResult
        self._table = None

    @property
    def table(self):
        if self._table is None:
            from migrator import ruletable

            self._table = ruletable.load()
        return self._table

    def _load(self, candidate: Candidate, data: bytes) -> Optional[FileResult]:
        result = FileResult(candidate.path, candidate.kind, candidate.explicit)
        self.results[candidate.path] = result
        try:
            result.source = SourceText.decode(data, python=candidate.kind == "python")
        except DecodeError as error:
            result.error = f"cannot decode: {error}"
            result.findings.append(Finding("AM902", f"cannot decode the file: {error}", 0, 0))
            return None
        return result

    def _analyse_python(self, result: FileResult, facts: dict) -> None:
        from libcst import ParserSyntaxError

        from migrator.analyze_python import analyze

        try:
            facts[result.path] = analyze(result.path, result.source)
        except (ParserSyntaxError, RecursionError) as error:
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            result.error = f"syntax error: {message}"
            result.findings.append(Finding("AM901", f"cannot parse as Python: {message}", 0, 0))

    def run(self, paths: list) -> RunResult:
        problems: list = []
        candidates = list(discover(paths, problems, self.options.exclude))
        python_facts: dict = {}
        unread_python = []
        for candidate in candidates:
            try:
                data = reading.read(candidate.path)
            except OSError as error:
                result = FileResult(candidate.path, candidate.kind, candidate.explicit)
                result.error = error.strerror or str(error)
                result.findings.append(Finding("AM902", f"cannot read the file: {result.error}", 0, 0))
                self.results[candidate.path] = result
                continue
            if not may_match(data):
                if candidate.kind == "python":
                    unread_python.append(candidate)
                continue
            result = self._load(candidate, data)
            if result is None:
                continue
            if candidate.kind == "python":
                self._analyse_python(result, python_facts)
            else:
                from migrator import analyze_text

                result.findings.extend(
                    analyze_text.analyze(result.source, self.table, self.host_re, result.path)
                )
        self._analyse_importers(unread_python, python_facts)
        if python_facts:
            self._link(python_facts)
        for result in self.results.values():
            result.findings = [f for f in result.findings if selected(f.code, result.path, self.options)]
            if self.options.fix or self.options.diff:
                self._fix(result)
        files = [self.results[c.path] for c in candidates if c.path in self.results]
        return RunResult(files, len(candidates), problems)

    def _analyse_importers(self, unread: list, facts: dict) -> None:
        """Parse the modules that may import a v1beta1 constant defined in another module."""
        names = {name.encode() for f in facts.values() for name in f.exports}
        if not names:
            return
        for candidate in unread:
            try:
                data = reading.read(candidate.path)
            except OSError:
                continue
            if any(name in data for name in names):
                result = self._load(candidate, data)
                if result is not None:
                    self._analyse_python(result, facts)

    def _link(self, facts: dict) -> None:
        from migrator.link import link

        def locate(path: str, offset: int) -> str:
            line, _ = self.results[path].source.position(offset)
            return f"{path}:{line}"

        for path, findings in link(facts, self.table, self.host_re, locate).items():
            self.results[path].findings.extend(findings)

    def _fix(self, result: FileResult) -> None:
        allowed = {"safe", "unsafe"} if self.options.unsafe_fixes else {"safe"}
        fixable = [f for f in result.findings if f.fix is not None and f.fix.applicability in allowed]
        if not fixable or result.source is None:
            return
        edits = [edit for f in fixable for edit in f.fix.edits]
        new_text = fixer.apply(result.source.text, edits)
        if new_text == result.source.text:
            return
        result.fixed = len(fixable)
        if self.options.diff:
            result.diff = "".join(
                difflib.unified_diff(
                    result.source.text.splitlines(keepends=True),
                    new_text.splitlines(keepends=True),
                    fromfile=f"a/{result.path}",
                    tofile=f"b/{result.path}",
                )
            )
            return
        fixer.write_atomic(result.path, result.source.encode(new_text))
        remaining = [f for f in result.findings if f not in fixable]
        result.findings = [_shifted(f, edits) for f in remaining]
        result.source = SourceText(new_text, result.source.encoding, result.source.bom)


def _shifted(finding: Finding, edits: list) -> Finding:
    """`finding` located in the text that `edits` produced."""
    from dataclasses import replace

    def move(item):
        return replace(item, start=fixer.shift(item.start, edits), end=fixer.shift(item.end, edits))

    fix = finding.fix and replace(finding.fix, edits=tuple(move(e) for e in finding.fix.edits))
    return replace(move(finding), fix=fix)


def check(paths: list, options: Options) -> RunResult:
    return Pipeline(options).run([os.fspath(p) for p in paths])
