"""The pipeline: discover -> prefilter -> analyse -> link (match against rules) -> fix.

Each stage is a module of its own; this one only moves data between them, in one direction.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Optional

from migrator import analysis
from migrator.engine import deadline
from migrator.engine.findings import Finding
from migrator.options import OFF_BY_DEFAULT, Options, RunStats, selected
from migrator.policy import shared
from migrator.project import reading, shared_names
from migrator.project.discover import Candidate, discover
from migrator.project.filetypes import flavor_of
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
    diff: bytes = b""  # with --diff: the patch, in the file's own bytes (fix.run.unified_diff)
    error: Optional[str] = None  # why the file could not be checked


@dataclass
class RunResult:
    files: list  # FileResult for every file that was read and has something to say
    checked: int  # files looked at
    problems: list  # discover.Problem: paths that could not be walked
    dirty: list = field(default_factory=list)  # files --fix refused to write: uncommitted changes
    root: str = "."  # the project root: --fix never writes a file whose real path lies outside it

    @property
    def findings(self) -> list:
        return [(f, finding) for f in self.files for finding in f.findings]


PARALLEL_THRESHOLD = 16  # files to analyse before worker processes pay for themselves


class Pipeline:
    def __init__(self, options: Options, overlay: Optional[dict] = None):
        """`overlay`: path -> bytes to analyse instead of the file's (a fix pass's texts)."""
        self.options = options
        self.overlay = overlay
        self.results: dict = {}  # path -> FileResult
        self.context: set = set()  # paths of the project's modules read for their facts only
        self.definitions: list = []  # values configuration files give shared names (project.shared_names)
        self._table = None
        self.use_cache = not options.no_cache
        self.stats = (options.stats if overlay is None else None) or RunStats()  # a fix pass counts nothing

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
        notebooks: list = []  # (path, bytes) of the project's notebooks
        for candidate in discover(paths, problems, self.options.exclude, self.options.extensions):
            checked += 1
            named.add(project.absolute(candidate.path))
            if candidate.kind == "python":
                project.add(candidate.path)
            try:
                data = self._read(candidate)
            except OSError as error:
                order[candidate.path] = checked
                self._unreadable(candidate, error)
                continue
            if flavor_of(candidate.path) == "notebook":
                notebooks.append((candidate.path, data))
            matched = prefilter.may_match(data)
            self.stats.step(read=1, matched=matched)
            if matched:
                order[candidate.path] = checked
                matching.append((candidate, data))
            elif candidate.kind == "python":
                unread_python.append((candidate, data))
        # Every module counts for facts, excluded ones too: `exclude` hides findings, not code that runs.
        for candidate in project.modules(named, (), self.options.extensions):
            try:
                data = self._read(candidate)
            except OSError:
                continue
            if candidate.kind != "python":  # a notebook: its imports are read, see _notebook_reads
                notebooks.append((candidate.path, data))
                continue
            project.add(candidate.path)
            self.context.add(candidate.path)
            if prefilter.may_match(data):
                matching.append((candidate, data))
            else:
                unread_python.append((candidate, data))
        python_facts: dict = {}
        self.stats.lap("read")
        self._analyse_all(matching, python_facts)
        matching.clear()  # the bytes: from here on each file lives as its decoded text
        self.definitions = shared_names.collect(
            {path: r.source.text for path, r in self.results.items() if r.kind != "python" and r.source is not None})
        self._analyse_importers(unread_python, python_facts)
        unread_python.clear()
        self.stats.lap("analyse")
        if python_facts:
            self._link(python_facts, project, self._notebook_reads(python_facts, notebooks))
        for path in [path for path, result in self.results.items() if result.context]:
            del self.results[path]
        from migrator.policy import suppress

        today = self.options.today or deadline.today()
        for result in self.results.values():
            if result.source is not None:
                result.findings = suppress.filter_findings(result.source, result.findings, today)
            result.findings = [f for f in result.findings if selected(f.code, result.path, self.options)]
        files = sorted(self.results.values(), key=lambda result: (order.get(result.path, checked), result.path))
        run = RunResult(files, checked, problems, root=project.root)
        self.stats.lap("link")
        if self.overlay is None:
            from migrator.fix.run import apply_fixes

            apply_fixes(run, self.options, lambda overlay: Pipeline(self.options, overlay).run(paths))
            self.stats.lap("fix")
        return run

    def _read(self, candidate: Candidate) -> bytes:
        if self.overlay and candidate.path in self.overlay:
            return self.overlay[candidate.path]
        return reading.read(candidate.path, candidate.kind)

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
        self.stats.step(analysed=len(pending) - len(todo), cache_hits=len(pending) - len(todo))
        jobs = self.options.jobs or os.cpu_count() or 1
        if jobs > 1 and len(todo) >= PARALLEL_THRESHOLD:
            from concurrent.futures import ProcessPoolExecutor

            # The workers get the bytes that were hashed: the cache entry is for what was analysed.
            work = [(item[0].path, item[0].kind, item[1], self.options.hosts) for item in todo]
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                for item, outcome in zip(todo, pool.map(analysis.analyse_work, work, chunksize=8)):
                    item[3] = outcome
                    self.stats.step(analysed=1)
        for item in todo:
            if item[3] is None:
                item[3] = analysis.analyse(item[0].path, item[0].kind, item[1], self.options.hosts)
                self.stats.step(analysed=1)
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
        if outcome.error is None or outcome.facts is not None or outcome.findings:
            try:
                result.source = SourceText.decode(data, python=candidate.kind == "python")
            except DecodeError:
                pass
        if outcome.facts is not None:
            python_facts[candidate.path] = outcome.facts

    def _analyse_importers(self, unread: list, facts: dict) -> None:
        """Parse the modules that may read a base defined in another module, until none is left:
        those naming a module-level name that holds (or imports) a base, or naming a module that
        holds one (its objects' attributes may: `CONFIG.platform_url`).

        `unread`: (Candidate, bytes) of the Python modules the prefilter let go; each is read once.
        """
        pending = unread
        searched: set = set()
        while pending:
            names = (self._importer_names(facts) | shared.readers(self.definitions)) - searched
            if not names:
                return
            searched |= names
            mentions = _mentions(names)
            importers, rest = [], []
            for candidate, data in pending:
                found = mentions.search(data)
                (importers if found else rest).append((candidate, data))
            self._analyse_all(importers, facts)
            pending = rest

    def _notebook_reads(self, facts: dict, notebooks: list) -> list:
        """(module, notebook) for each module whose bases a notebook may read: a notebook is judged
        alone, so what it imports from the project is a read the analysis does not follow."""
        found = []
        for path, module in facts.items():
            names = self._importer_names({path: module})
            if not names or not notebooks:
                continue
            mentions = _mentions(names)
            found += [(path, notebook) for notebook, data in notebooks if mentions.search(data)]
        return found

    def _importer_names(self, facts: dict) -> set:
        """Names whose mention makes a module a possible reader of a base defined elsewhere."""
        names = set()
        for path, found in facts.items():
            exported = {name for name, template in found.exports.items() if template}
            names |= exported
            if exported or found.uses:  # its module-level names may be set or read from outside
                stem = os.path.splitext(os.path.basename(path))[0]
                names.add(os.path.basename(os.path.dirname(path)) if stem == "__init__" else stem)
        return {name for name in names if name.isidentifier()}

    def _link(self, facts: dict, project: Project, notebook_reads: list) -> None:
        from migrator.policy.link import link

        def locate(path: str, offset: int) -> str:
            line, _ = self.results[path].source.position(offset)
            return f"{path}:{line}"

        host_re = analysis.host_re(self.options.hosts)
        reported = {path for path in facts if path not in self.context}
        found = link(facts, self.table, host_re, locate, project.resolve, reported, notebook_reads, self.definitions)
        for path, findings in found.items():
            self.results[path].findings = shared.merge(self.results[path].findings, findings)


def _mentions(names: set) -> re.Pattern:
    """Bytes naming any of `names` as a whole word."""
    return re.compile(rb"\b(?:%s)\b" % b"|".join(re.escape(name.encode()) for name in sorted(names)))


def check(paths: list, options: Options) -> RunResult:
    return Pipeline(options).run([os.fspath(p) for p in paths])
