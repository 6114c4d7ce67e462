"""Analyse one file's bytes into an `Outcome`: plain data, so it can cross processes and be cached."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import Optional

from migrator.engine.findings import Edit, Endpoint, Finding, Fix
from migrator.engine.templates import Hole, Lit, Ref
from migrator.project import codec
from migrator.project.source import DecodeError, SourceText
from migrator.python.facts import (
    ApiCall,
    ArgFlow,
    BodyExport,
    FieldUse,
    FlowExport,
    FlowRef,
    ModelFeed,
    ModelField,
    ParamRef,
    PythonFacts,
    SentBody,
    Use,
)


@dataclass
class Outcome:
    """What the analysis of one file gives (and the result cache keeps)."""

    facts: Optional[PythonFacts] = None  # for Python files
    findings: list[Finding] = field(default_factory=list)  # text-tier findings, or AM9xx problems
    error: Optional[str] = None  # why the file could not be checked


# The one list of what the result cache may hold (project/codec.py refuses every other type).
codec.RESULTS.allow(Outcome, PythonFacts, Use, ApiCall, FieldUse, Lit, Hole, Ref, Finding, Fix, Edit, Endpoint,
                    FlowRef, FlowExport, BodyExport, SentBody, ModelField, ModelFeed, ParamRef, ArgFlow)


@functools.lru_cache(maxsize=8)
def host_re(hosts: tuple):
    from migrator.engine.match import host_pattern

    return host_pattern(hosts)


def analyse(path: str, kind: str, data: bytes, hosts: tuple) -> Outcome:
    try:
        source = SourceText.decode(data, python=kind == "python")
    except DecodeError as error:
        return Outcome(error=f"cannot decode: {error}", findings=[Finding("AM902", f"cannot decode the file: {error}", 0, 0)])
    if kind == "python":
        from migrator.python.analyze import analyze
        from migrator.python.guard import Unparsable

        try:
            return Outcome(facts=analyze(path, source, hosts))
        except Unparsable as problem:
            return _unparsed(path, source, hosts, problem)
    from migrator.text.notebook import NotANotebook

    try:
        return Outcome(findings=_text_findings(path, source, hosts))
    except NotANotebook as error:
        return Outcome(error=str(error), findings=[Finding("AM901", f"not read as a notebook: {error}", 0, 0)])


def _text_findings(path: str, source: SourceText, hosts: tuple) -> list:
    from migrator.engine import ruletable
    from migrator.text import analyze as analyze_text

    return analyze_text.analyze(source, ruletable.load(), host_re(hosts), path)


def _unparsed(path: str, source: SourceText, hosts: tuple, problem) -> Outcome:
    """A Python file the Python pass cannot read (a syntax error, Python 2, nesting too deep):
    its URLs are reported through the text tier, and nothing in it is rewritten (no fix: a file
    that does not parse has no reads to follow). AM901 stands where the parser stopped."""
    offset = min(len(source.text), source.line_starts[min(problem.line, len(source.line_starts)) - 1] + problem.column - 1)
    note = "not fixed: the file does not parse as Python"
    findings = [replace(f, fix=None, message=f"{f.message} ({note})") for f in _text_findings(path, source, hosts)]
    findings.append(Finding("AM901", f"cannot parse as Python: {problem}; its URLs were read as text", offset, offset))
    return Outcome(error=f"cannot parse as Python: {problem}", findings=findings)


def analyse_work(args: tuple) -> Outcome:
    """Worker entry point: (path, kind, bytes, hosts). The bytes are the ones the main process
    read and hashed for the cache, never the file read again (it may have changed since)."""
    return analyse(*args)
