"""The pipeline: discover -> prefilter -> analyse -> link (match against rules) -> fix.

Each stage is a module of its own; this one only moves data between them, in one direction.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from migrator.engine import deadline
from migrator.engine.findings import Finding
from migrator.options import OFF_BY_DEFAULT, Options, RunStats, selected
from migrator.policy.imports import ModuleTails, namesakes
from migrator.project import reading, shared_names, snapshot
from migrator.project.discover import Candidate, Problem, discover
from migrator.project.filetypes import flavor_of
from migrator.project.index import INDEX, Looked, ProjectIndex, WordIndex
from migrator.project.model import Project
from migrator.project.names import NameSearch
from migrator.project.prefilter import Prefilter
from migrator.project.source import DecodeError, SourceText
from migrator.workers import Workers, cost

if TYPE_CHECKING:
    from migrator import analysis


@dataclass
class FileResult:
    """One file's outcome in a run: its findings, its text, what was fixed."""

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
    """What a run gives the reports: the files with something to say and the totals."""

    files: list  # FileResult for every file that was read and has something to say
    checked: int  # files looked at
    problems: list  # discover.Problem: paths that could not be walked
    dirty: list = field(default_factory=list)  # files --fix refused to write: uncommitted changes
    root: str = "."  # the project root: --fix never writes a file whose real path lies outside it
    alone: Optional[snapshot.Stored] = None  # the named files were checked against this snapshot, not a walk
    prefilter: Optional[dict] = None  # with `alone`: the prefilter's state (`Prefilter.state`)

    @property
    def findings(self) -> list:
        return [(f, finding) for f in self.files for finding in f.findings]


@dataclass
class Scan:
    """What the look at every file found: the files to analyse, and the rest by their facts."""

    checked: int = 0  # files looked at
    order: dict = field(default_factory=dict)  # path -> position in discovery order, for files with something to say
    matching: list = field(default_factory=list)  # (Candidate, bytes, or None when not read yet)
    unread_python: list = field(default_factory=list)  # (Candidate, FileFacts) of modules that cannot match
    notebooks: list = field(default_factory=list)  # (path, FileFacts) of the project's notebooks


@dataclass
class Work:
    """A file to analyse: its bytes, its result cache entry, and its outcome once known."""

    candidate: Candidate
    data: bytes
    entry: str
    outcome: Optional[analysis.Outcome] = None


class Pipeline:
    def __init__(self, options: Options, overlay: Optional[dict] = None, workers: Optional[Workers] = None,
                 keep_overlay: bool = True):
        """`overlay`: path -> bytes to analyse instead of the file's (a fix pass's texts, an
        editor's buffers); `workers`: the pool of the run this one is a fix pass of;
        `keep_overlay`: cache the analyses of the overlay's bytes (not an editor's every keystroke)."""
        self.options = options
        self.overlay = overlay
        self.keep_overlay = keep_overlay
        self.results: dict = {}  # path -> FileResult
        self.context: set = set()  # paths of the project's modules read for their facts only
        self.definitions: list = []  # values configuration files give shared names (project.shared_names)
        self._table = None
        self.use_cache = not options.no_cache
        self.stats = (options.stats if overlay is None else None) or RunStats()  # a fix pass counts nothing
        self.workers = workers
        self.project: Optional[Project] = None
        self.recording: Optional[snapshot.Recording] = None  # what the run reads, for the project snapshot
        self.alone: Optional[snapshot.Stored] = None  # the snapshot the named files were checked against
        self._tails: tuple = (-1, None)  # (files in the project, their ModuleTails)
        self._reader_names: dict = {}  # path -> its `_names_read_from`

    @property
    def table(self):
        if self._table is None:
            from migrator.engine import ruletable

            self._table = ruletable.load()
        return self._table

    def run(self, paths: list) -> RunResult:
        if self.workers is not None:  # a fix pass: the run's pool
            return self._run(paths)
        self.workers = Workers(self.options.jobs)
        try:
            return self._run(paths)
        finally:
            self.workers.close()
            if self.recording is not None:  # a run that ended early stores no snapshot
                self.recording.cancel()

    def _run(self, paths: list) -> RunResult:
        problems: list = []
        scan = Scan()
        project = self.project = Project.of(paths, self.options.roots)
        index = self._index(problems)
        salt = repr((index.salt, sorted(self.options.extensions.items()), self.options.roots))
        recording = self.recording = snapshot.Recording(project.root, salt, map(project.absolute, paths)) if (
            self.use_cache and self.overlay is None) else None
        named = set()
        for candidate in discover(paths, problems, self.options.exclude, self.options.extensions):
            scan.checked += 1
            named.add(project.absolute(candidate.path))
            if candidate.kind == "python":
                project.add(candidate.path)
            self._scan(candidate, index, scan, explicit=True)
        # Every module counts for facts, excluded ones too: `exclude` hides findings, not code that runs.
        if recording is not None and not self._covers(paths, project) and self._alone(scan, project.root, salt, named):
            recording.cancel()  # nothing was walked: the stored snapshot stays the one to compare with
            recording = None
        elif not self._covers(paths, project):
            for candidate in project.modules(named, (), self.options.extensions):
                if candidate.kind == "python":
                    project.add(candidate.path)
                    self.context.add(candidate.path)
                self._scan(candidate, index, scan, explicit=False)
        index.save()
        python_facts: dict = {}
        self.stats.lap("read")
        self._analyse_all(scan.matching, python_facts)
        scan.matching.clear()  # the bytes: from here on each file lives as its decoded text
        self.definitions = shared_names.collect(
            {path: r.source.text for path, r in self.results.items() if r.kind != "python" and r.source is not None})
        self._analyse_importers(scan.unread_python, python_facts)
        scan.unread_python.clear()
        if recording is not None:
            recording.save(self._importer_names(python_facts) | {d.reader_name for d in self.definitions})
        self.stats.lap("analyse")
        if self._linked(python_facts):
            self._link(python_facts, project, self._notebook_reads(python_facts, scan.notebooks))
        for path in [path for path, result in self.results.items() if result.context]:
            del self.results[path]
        today = self.options.today or deadline.today()
        for result in self.results.values():
            if result.source is not None:
                from migrator.policy import suppress  # only for a file with something to say

                result.findings = suppress.filter_findings(result.source, result.findings, today)
            result.findings = [f for f in result.findings if selected(f.code, result.path, self.options)]
        files = sorted(self.results.values(), key=lambda result: (scan.order.get(result.path, scan.checked), result.path))
        run = RunResult(files, scan.checked, problems, root=project.root, alone=self.alone,
                        prefilter=index.prefilter.state() if self.alone else None)
        self.stats.lap("link")
        if self.overlay is None:
            # Without a finding that has a fix, the fix stage has nothing to plan, show or write.
            if any(finding.fix is not None for _, finding in run.findings):
                from migrator.fix.run import apply_fixes

                apply_fixes(run, self.options, lambda overlay: Pipeline(self.options, overlay, self.workers).run(paths))
            self.stats.lap("fix")
        return run

    def _index(self, problems: list) -> ProjectIndex:
        """The project index, stored in the cache folder unless the cache is off or refused."""
        from migrator.engine import ruletable
        from migrator.project.cache import CACHE_DIR, Cache, code_fingerprint, folder_fingerprint, refusal

        advice = any(p.startswith(OFF_BY_DEFAULT) for p in self.options.select)
        prefilter = Prefilter(self.options.hosts, None if advice else self._field_words)
        cache = None
        if self.use_cache:  # a fix pass too: the files it does not rewrite are as the index knows them
            refused = refusal()
            if refused:
                if self.overlay is None:
                    problems.append(Problem(CACHE_DIR, refused, explicit=False))
                self.use_cache = False
            else:
                cache = Cache(codec=INDEX, section="index")
        rules = ruletable.rules_dir() or ruletable.shipped_rules_dir()
        salt = f"{code_fingerprint()}|{folder_fingerprint(str(rules), '.toml')}|{self.options.hosts}|{advice}"
        return ProjectIndex(prefilter, salt, cache)

    def _alone(self, scan: Scan, root: str, salt: str, named: set) -> bool:
        """Whether the named files can be checked without the rest of the project: none may
        match or is a notebook, the project is as the stored snapshot saw it but for them, and none
        names a name that may hold a base defined elsewhere (`project.snapshot`)."""
        if scan.matching or scan.notebooks:
            return False
        stored = snapshot.unchanged_but(root, salt, named)
        if stored is None:
            return False
        search = NameSearch(stored.names) if stored.names else None
        if search is not None and any(search.may_mention(known) and self._read_mentioning(candidate, search) is not None
                                      for candidate, known in scan.unread_python):
            return False
        self.alone = stored
        return True

    def _covers(self, paths: list, project: Project) -> bool:
        """Whether the named paths already walked the whole project (a folder that is its root,
        nothing excluded), so that walking it again would find nothing new."""
        return not self.options.exclude and any(
            os.path.isdir(path) and project.absolute(path) == project.root for path in paths)

    def _scan(self, candidate: Candidate, index: ProjectIndex, scan: "Scan", explicit: bool) -> None:
        """Look at one file through the index: the files that may match are kept for analysis
        (with their bytes when they were read), the other modules and notebooks by their facts."""
        # A notebook is known by its name; a name without an extension would make flavor_of read
        # the file for a shebang, and it may be a FIFO that nothing has refused yet.
        notebook = "." in os.path.basename(candidate.path).lstrip(".") and flavor_of(candidate.path) == "notebook"
        if self.overlay and candidate.path in self.overlay:
            data = self.overlay[candidate.path]
            looked = Looked(index.facts_of(data, candidate.kind == "python" or notebook), data)
        else:
            try:
                looked = index.look(candidate.path, lambda: self._read(candidate),
                                    candidate.kind == "python" or notebook)
            except OSError as error:
                if explicit:
                    scan.order[candidate.path] = scan.checked
                    self._unreadable(candidate, error)
                return
        if notebook:
            scan.notebooks.append((candidate.path, looked.facts))
            if not explicit:  # a notebook of the project: its imports are read, see _notebook_reads
                return
        if explicit:
            self.stats.step(read=1, matched=looked.facts.may_match)
        if looked.facts.may_match:
            if explicit:
                scan.order[candidate.path] = scan.checked
            scan.matching.append((candidate, looked.data))
        elif candidate.kind == "python":
            scan.unread_python.append((candidate, looked.facts))

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
        """Analyse (candidate, bytes or None: not read yet) pairs: from the cache, in worker
        processes, or here. A file that cannot be read now is that file's one-line error."""
        if not files:
            return
        from migrator import analysis  # LibCST and the analysers: only when a file may match
        from migrator.engine import ruletable
        from migrator.project.cache import Cache, code_fingerprint, key

        cache = Cache() if self.use_cache else None
        salt = f"{code_fingerprint()}|{ruletable.digest()}|{','.join(self.options.hosts)}"
        pending = []
        for candidate, data in files:
            if data is None:
                try:
                    data = self._read(candidate)
                except OSError as error:
                    if candidate.path not in self.context:
                        self._unreadable(candidate, error)
                    continue
            entry = key(candidate.path, candidate.kind, data, salt)
            stored = cache.get(entry) if cache else None
            pending.append(Work(candidate, data, entry, stored if isinstance(stored, analysis.Outcome) else None))
        todo = [item for item in pending if item.outcome is None]
        self.stats.step(analysed=len(pending) - len(todo), cache_hits=len(pending) - len(todo))
        work = sum(cost(item.candidate.kind, len(item.data)) for item in todo)
        if self.workers is not None and self.workers.worth_it(work):
            # The workers get the bytes that were hashed: the cache entry is for what was analysed.
            jobs = [(item.candidate.path, item.candidate.kind, item.data, self.options.hosts) for item in todo]
            for item, outcome in zip(todo, self.workers.map(analysis.analyse_work, jobs)):
                item.outcome = outcome
                self.stats.step(analysed=1)
        for item in todo:
            if item.outcome is None:
                item.outcome = analysis.analyse(item.candidate.path, item.candidate.kind, item.data, self.options.hosts)
                self.stats.step(analysed=1)
            if cache and (self.keep_overlay or not self.overlay or item.candidate.path not in self.overlay):
                cache.put(item.entry, item.outcome)
        for item in pending:
            self._record(item.candidate, item.data, item.outcome, python_facts)

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

        `unread`: (Candidate, FileFacts) of the Python modules the prefilter let go. The index
        tells which may name one of the names; only those are read, and searched for them.
        """
        words = WordIndex([known for _, known in unread])
        pending = list(range(len(unread)))  # positions in `unread` of the modules not parsed yet
        searched: set = set()
        while pending:
            names = (self._importer_names(facts) | {d.reader_name for d in self.definitions}) - searched
            if not names:
                return
            searched |= names
            search = NameSearch(names)
            mentioning = words.mentioning(search)
            importers, rest = [], []
            for at in pending:
                data = self._read_mentioning(unread[at][0], search) if at in mentioning else None
                if data is None:
                    rest.append(at)
                else:
                    importers.append((unread[at][0], data))
            self._analyse_all(importers, facts)
            pending = rest

    def _read_mentioning(self, candidate: Candidate, search: NameSearch) -> Optional[bytes]:
        """The bytes of a file that names one of the searched names, else None."""
        try:
            data = self._read(candidate)
        except OSError as error:  # deleted or replaced since it was looked at
            if candidate.path not in self.context:
                self._unreadable(candidate, error)
            return None
        return data if search.mentions(data) else None

    def _notebook_reads(self, facts: dict, notebooks: list) -> list:
        """(module, notebook) for each module whose bases a notebook may read: a notebook is judged
        alone, so what it imports from the project is a read the analysis does not follow."""
        found = []
        for path, module in facts.items():
            names = self._importer_names({path: module})
            if not names or not notebooks:
                continue
            search = NameSearch(names)
            for notebook, known in notebooks:
                if search.may_mention(known) and self._notebook_mentions(notebook, search):
                    found.append((path, notebook))
        return found

    def _notebook_mentions(self, notebook: str, search: NameSearch) -> bool:
        try:
            return search.mentions(self._read(Candidate(notebook, "text", False)))
        except OSError:
            return True  # unknown is never safe

    def _importer_names(self, facts: dict) -> set:
        """Names whose mention makes a module a possible reader of a base defined elsewhere."""
        return set().union(*(self._names_read_from(path, found) for path, found in facts.items()))

    def _names_read_from(self, path: str, found) -> frozenset:
        """The names of `_importer_names` that one module's facts give (kept: every importer round asks again)."""
        names = self._reader_names.get(path)
        if names is None:
            exported = {name for name, template in found.exports.items() if self._may_hold_base(path, template)}
            if exported or found.uses:  # its module-level names may be set or read from outside
                stem = os.path.splitext(os.path.basename(path))[0]
                exported.add(os.path.basename(os.path.dirname(path)) if stem == "__init__" else stem)
            names = self._reader_names[path] = frozenset(name for name in exported if name.isidentifier())
        return names

    def _may_hold_base(self, path: str, template: tuple) -> bool:
        """Whether a module-level name of `path` bound to `template` may hold a base. One bound
        only to names imported from outside the project (`from typing import Any`) holds none: its
        mention in every module would make every module an importer to parse."""
        from migrator.engine.templates import Ref  # only once a module holds a base

        project = self.project
        return any(not isinstance(part, Ref) or project is None or project.resolve(part.module, path).keys
                   or namesakes(part.module, self._module_tails())  # include/ on PYTHONPATH: may be the project's
                   for part in template)

    def _module_tails(self) -> ModuleTails:
        shown = self.project.shown if self.project is not None else {}
        if self._tails[0] != len(shown):
            self._tails = (len(shown), ModuleTails(key for key in shown if key.endswith(".py")))
        return self._tails[1]

    def _linked(self, facts: dict) -> bool:
        """Whether linking can find anything the run reports: it finds for the analysed modules that
        are not context (read for their facts only, dropped after) and for the configuration files
        that give shared names their values."""
        return bool(self.definitions) or any(path not in self.context for path in facts)

    def _link(self, facts: dict, project: Project, notebook_reads: list) -> None:
        from migrator.policy import shared
        from migrator.policy.link import link

        def locate(path: str, offset: int) -> str:
            line, _ = self.results[path].source.position(offset)
            return f"{path}:{line}"

        from migrator import analysis

        host_re = analysis.host_re(self.options.hosts)
        reported = {path for path in facts if path not in self.context}
        found = link(facts, self.table, host_re, locate, project.resolve, reported, notebook_reads, self.definitions)
        for path, findings in found.items():
            self.results[path].findings = shared.merge(self.results[path].findings, findings)


def check(paths: list, options: Options) -> RunResult:
    return Pipeline(options).run([os.fspath(p) for p in paths])
