"""The pipeline: discover -> prefilter -> analyse -> link (match against rules) -> fix.

Each stage is a module of its own; this one only moves data between them, in one direction.
"""
from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from typing import Optional

from migrator import analysis
from migrator.engine import deadline
from migrator.engine.findings import Finding
from migrator.engine.templates import holds_base
from migrator.fix import fixer
from migrator.options import OFF_BY_DEFAULT, Options, selected
from migrator.project import reading
from migrator.project.discover import Candidate, discover
from migrator.project.model import Project
from migrator.project.prefilter import Prefilter
from migrator.project.source import DecodeError, SourceText


@dataclass
class FileResult:
    path: str
    kind: str
    explicit: bool
    context: bool = False  # a module of the project read for its facts only, not reported
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
    dirty: list = field(default_factory=list)  # files --fix refused to write: uncommitted changes

    @property
    def findings(self) -> list:
        return [(f, finding) for f in self.files for finding in f.findings]


PARALLEL_THRESHOLD = 16  # files to analyse before worker processes pay for themselves


class Pipeline:
    def __init__(self, options: Options):
        self.options = options
        self.results: dict = {}  # path -> FileResult
        self.context: set = set()  # paths of the project's modules read for their facts only
        self._table = None
        self.use_cache = not options.no_cache

    @property
    def table(self):
        if self._table is None:
            from migrator.engine import ruletable

            self._table = ruletable.load()
        return self._table

    def run(self, paths: list) -> RunResult:
        problems: list = []
        advice = any(p.startswith(OFF_BY_DEFAULT) for p in self.options.select)
        prefilter = Prefilter(self.options.hosts, None if advice else self._field_words)
        # Memory per file that cannot match stays small (a path string for Python modules, which
        # the importer pass may read again), so a tree ten times larger costs little more.
        matching, unread_python = [], []
        order: dict = {}  # path -> position in discovery order, for files with something to say
        checked = 0
        project = Project.of(paths, self.options.roots)
        named = set()
        for candidate in discover(paths, problems, self.options.exclude, self.options.extensions):
            checked += 1
            named.add(os.path.realpath(candidate.path))
            if candidate.kind == "python":
                project.add(candidate.path)
            try:
                data = reading.read(candidate.path, candidate.kind)
            except OSError as error:
                order[candidate.path] = checked
                self._unreadable(candidate, error)
                continue
            if prefilter.may_match(data):
                order[candidate.path] = checked
                matching.append((candidate, data))
            elif candidate.kind == "python":
                unread_python.append(candidate if candidate.explicit else candidate.path)
        for candidate in project.modules(named, self.options.exclude, self.options.extensions):
            project.add(candidate.path)
            self.context.add(candidate.path)
            try:
                data = reading.read(candidate.path, candidate.kind)
            except OSError:
                continue
            if prefilter.may_match(data):
                matching.append((candidate, data))
            else:
                unread_python.append(candidate.path)
        python_facts: dict = {}
        self._analyse_all(matching, python_facts)
        matching.clear()  # the bytes: from here on each file lives as its decoded text
        self._analyse_importers(unread_python, python_facts)
        unread_python.clear()
        if python_facts:
            self._link(python_facts, project)
        for path in [path for path, result in self.results.items() if result.context]:
            del self.results[path]
        from migrator.policy import suppress

        today = self.options.today or deadline.today()
        for result in self.results.values():
            if result.source is not None:
                result.findings = suppress.filter_findings(result.source, result.findings, today)
            result.findings = [f for f in result.findings if selected(f.code, result.path, self.options)]
        refused = self._fix_all() if self.options.fix or self.options.diff else []
        files = sorted(self.results.values(), key=lambda result: (order.get(result.path, checked), result.path))
        return RunResult(files, checked, problems, refused)

    def _field_words(self) -> tuple:
        """Bytes a file on v1 must hold to have a finding: the old field names of the rule table,
        or a path segment only endpoints without a v1 equivalent have (`alerts`)."""
        from migrator.engine.match import blocked_words

        words = {change.old for change in self.table.field_changes.values()} | blocked_words(self.table)
        return tuple(word.encode() for word in words)

    def _unreadable(self, candidate: Candidate, error: OSError) -> None:
        result = FileResult(candidate.path, candidate.kind, candidate.explicit)
        result.error = error.strerror or str(error)
        result.findings.append(Finding("AM902", f"cannot read the file: {result.error}", 0, 0))
        self.results[candidate.path] = result

    def _analyse_all(self, files: list, python_facts: dict) -> None:
        """Analyse (candidate, bytes) pairs: from the cache, in worker processes, or here."""
        if not files:
            return
        from migrator.project.cache import Cache, code_fingerprint, key

        cache = Cache() if self.use_cache else None
        salt = f"{code_fingerprint()}|{self.table.digest}|{','.join(self.options.hosts)}"
        pending = []
        for candidate, data in files:
            entry = key(candidate.path, candidate.kind, data, salt)
            outcome = cache.get(entry) if cache else None
            pending.append([candidate, data, entry, outcome])
        todo = [item for item in pending if item[3] is None]
        jobs = self.options.jobs or os.cpu_count() or 1
        if jobs > 1 and len(todo) >= PARALLEL_THRESHOLD:
            from concurrent.futures import ProcessPoolExecutor

            work = [(item[0].path, item[0].kind, self.options.hosts) for item in todo]
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                for item, outcome in zip(todo, pool.map(analysis.analyse_path, work, chunksize=8)):
                    item[3] = outcome
        for item in todo:
            if item[3] is None:
                item[3] = analysis.analyse(item[0].path, item[0].kind, item[1], self.options.hosts)
            if cache:
                cache.put(item[2], item[3])
        for candidate, data, _, outcome in pending:
            self._record(candidate, data, outcome, python_facts)

    def _record(self, candidate: Candidate, data: bytes, outcome, python_facts: dict) -> None:
        context = candidate.path in self.context
        result = FileResult(candidate.path, candidate.kind, candidate.explicit, context)
        self.results[candidate.path] = result
        result.error = outcome.error
        result.findings.extend(outcome.findings)
        if outcome.error is None or outcome.facts is not None:
            try:
                result.source = SourceText.decode(data, python=candidate.kind == "python")
            except DecodeError:
                pass
        if outcome.facts is not None:
            python_facts[candidate.path] = outcome.facts

    def _analyse_importers(self, unread: list, facts: dict) -> None:
        """Parse the modules that may import a v1beta1 constant defined in another module.

        `unread`: the Python modules the prefilter let go, as Candidates or (walked) paths.
        """
        names = sorted({name for f in facts.values() for name, template in f.exports.items() if holds_base(template, self.options.hosts)})
        if not names:
            return
        encoded = [name.encode() for name in names]
        mentions = re.compile(rb"\b(?:%s)\b" % b"|".join(re.escape(n) for n in encoded))
        importers = []
        for candidate in unread:
            if isinstance(candidate, str):
                candidate = Candidate(candidate, "python", False)
            try:
                data = reading.read(candidate.path, candidate.kind)
            except OSError:
                continue
            if any(name in data for name in encoded) and mentions.search(data):
                importers.append((candidate, data))
        self._analyse_all(importers, facts)

    def _link(self, facts: dict, project: Project) -> None:
        from migrator.policy.link import link

        def locate(path: str, offset: int) -> str:
            line, _ = self.results[path].source.position(offset)
            return f"{path}:{line}"

        host_re = analysis.host_re(self.options.hosts)
        reported = {path for path in facts if path not in self.context}
        for path, findings in link(facts, self.table, host_re, locate, project.resolve, reported).items():
            self.results[path].findings.extend(findings)

    def _allowed(self, finding: Finding) -> bool:
        allowed = ("safe", "unsafe") if self.options.unsafe_fixes else ("safe",)
        return finding.fix is not None and finding.fix.applicability in allowed

    def _rewritten_bases(self) -> set:
        """(path, offset) of every v1beta1 base text this run rewrites."""
        return {
            (result.path, edit.start)
            for result in self.results.values()
            for f in result.findings
            if f.code.startswith("AM1") and self._allowed(f)
            for edit in f.fix.edits
        }

    def _plan(self, result: FileResult, rewritten: set) -> Optional[tuple]:
        """(fixes, edits, new text) for `result`, or None when nothing would change."""
        # A field rename on a v1beta1 URL is fixed only together with its base.
        fixable = [
            f
            for f in result.findings
            if self._allowed(f) and (f.extra.get("base") is None or tuple(f.extra["base"]) in rewritten)
        ]
        if not fixable or result.source is None:
            return None
        edits = [edit for f in fixable for edit in f.fix.edits]
        new_text = fixer.apply(result.source.text, edits)
        return None if new_text == result.source.text else (fixable, edits, new_text)

    def _fix_all(self) -> list:
        """Apply (or, with --diff, show) the fixes; the paths refused by the dirty-tree guard."""
        rewritten = self._rewritten_bases()
        plans = {}
        for result in self.results.values():
            plan = self._plan(result, rewritten)
            if plan is not None:
                plans[result.path] = (result, plan)
        if self.options.diff:
            for result, (fixable, _, new_text) in plans.values():
                result.fixed = len(fixable)
                result.diff = unified_diff(result.path, result.source.text, new_text)
            return []
        if not self.options.allow_dirty:
            from migrator.fix.dirty import dirty_files

            refused = dirty_files([path for path, (result, _) in plans.items() if not result.explicit])
            if refused:
                return refused
        for result, (fixable, edits, new_text) in plans.values():
            try:
                fixer.write_atomic(result.path, result.source.encode(new_text), expected=result.source.encode())
            except OSError as error:
                result.error = f"not fixed: {error.strerror or error}"
                continue
            result.fixed = len(fixable)
            remaining = [f for f in result.findings if f not in fixable]
            result.findings = [_shifted(f, edits) for f in remaining]
            result.source = SourceText(new_text, result.source.encoding, result.source.bom)
        return []


def unified_diff(path: str, old: str, new: str) -> str:
    shown = path.lstrip("/")
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=f"a/{shown}", tofile=f"b/{shown}"
        )
    )


def _shifted(finding: Finding, edits: list) -> Finding:
    """`finding` located in the text that `edits` produced."""
    from dataclasses import replace

    def move(item):
        return replace(item, start=fixer.shift(item.start, edits), end=fixer.shift(item.end, edits))

    fix = finding.fix and replace(finding.fix, edits=tuple(move(e) for e in finding.fix.edits))
    return replace(move(finding), fix=fix)


def check(paths: list, options: Options) -> RunResult:
    return Pipeline(options).run([os.fspath(p) for p in paths])
