"""Link code that reads a shared name (`os.getenv("ASTRO_URL")`) to the configuration that sets it.

`alternatives` gives a use's template once per value the configuration may give its shared
holes (see `project.shared_names`), each value a literal where the configuration file holds it:
so a call through a name is judged on the endpoint it reaches, and the value is judged by every
call that reads it. `merge` puts those judgements beside the text tier's own findings about the
same value: the stricter one wins, so a value a blocked call reads is never rewritten as safe.
"""
from __future__ import annotations

from dataclasses import replace
from itertools import product

from migrator.engine.findings import Finding
from migrator.engine.templates import Lit, shared_name
from migrator.policy import parts
from migrator.policy.messages import describe
from migrator.policy.reach import blocked_reach

MAX_ALTERNATIVES = 8  # a use reading several names, each set in several files


def index(definitions) -> dict:
    """(kind, name) -> definitions; Airflow names compare without case."""
    found: dict = {}
    for definition in definitions:
        found.setdefault(_key(definition.kind, definition.name), []).append(definition)
    return found


def _key(kind: str, name: str) -> tuple:
    return kind, name if kind == "env" else name.lower()


def alternatives(template: tuple, defined: dict) -> list:
    """`template` with each shared hole replaced by each value set for it (kept where none is)."""
    choices = []
    for part in template:
        named = shared_name(part)
        values = defined.get(_key(*named), ()) if named else ()
        choices.append([Lit(d.value, (d.path, d.offset)) for d in values] or [part])
    if all(len(options) == 1 for options in choices):
        return [tuple(options[0] for options in choices)]
    return [tuple(combination) for combination, _ in zip(product(*choices), range(MAX_ALTERNATIVES))]


def outside_readers(verdicts: dict, config_files: set, table, locate) -> dict:
    """(file key, offset) -> why a value a configuration file sets is not safe to rewrite: other
    processes, scripts and CI steps may read it too, and append a path to an endpoint v1 lacks."""
    out = {}
    for (key, offset), group in verdicts.items():
        lost = blocked_reach(group[0].match.api, "", table) if key in config_files else ()
        if lost:
            out[(key, offset)] = (f"{locate(key, offset)}: processes outside the project may read this value too, "
                                  f"and from there reach {', '.join(lost[:3])}, which v1 lacks")
    return out


BASE_CODES = ("AM101", "AM102", "AM103", "AM105", "AM202")
KIND_CODES = {"url": "AM101", "spec": "AM103", "path": "AM102"}


def kept_for_blocked(group: list, offset: int, locate) -> Finding:
    """A configured value only calls to endpoints v1 lacks read: it stays on v1beta1, no fix."""
    match = group[0].match
    where = ", ".join(sorted({locate(v.key, v.start) for v in group}))
    found = parts.spot(match)
    return Finding(
        KIND_CODES[match.kind],
        f"Astro API v1beta1 value read by calls to endpoints v1 lacks ({describe(match, group[0].method)}, at {where}): "
        "keep it on v1beta1 until Astronomer ships a replacement",
        offset,
        offset + (len(found.text) if found else 0),
    )


def merge(own: list, linked: list) -> list:
    """A file's findings with those linking found for it: where both judge the same value, a
    linked AM202 or a linked finding without a fix replaces the file's own finding, and a linked
    unsafe fix makes the own fix unsafe, with the linked reason."""
    out = list(own)
    for finding in linked:
        same = [i for i, f in enumerate(out) if f.start == finding.start and f.code in BASE_CODES]
        if not same:
            out.append(finding)
            continue
        for at in same:
            mine = out[at]
            if finding.code == "AM202" or finding.fix is None:
                out[at] = finding
            elif mine.fix is not None and finding.fix.applicability == "unsafe":
                out[at] = replace(mine, fix=replace(mine.fix, applicability="unsafe",
                                                    message=f"{mine.fix.message} (the code reads it: {finding.fix.message})"))
    return out

