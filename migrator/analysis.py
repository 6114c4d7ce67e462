"""Analyse one file's bytes into an `Outcome`: plain data, so it can cross processes and be cached."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
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
        from libcst import ParserSyntaxError

        from migrator.python.analyze import analyze

        try:
            return Outcome(facts=analyze(path, source, hosts))
        except (ParserSyntaxError, RecursionError) as error:
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            return Outcome(error=f"syntax error: {message}", findings=[Finding("AM901", f"cannot parse as Python: {message}", 0, 0)])
    from migrator.engine import ruletable
    from migrator.text import analyze as analyze_text

    return Outcome(findings=analyze_text.analyze(source, ruletable.load(), host_re(hosts), path))


def analyse_work(args: tuple) -> Outcome:
    """Worker entry point: (path, kind, bytes, hosts). The bytes are the ones the main process
    read and hashed for the cache, never the file read again (it may have changed since)."""
    return analyse(*args)
