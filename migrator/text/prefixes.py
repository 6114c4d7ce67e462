"""Host-less path prefixes in configuration: `platform_prefix: /platform/v1beta1`,
`ASTRO_IAM_PATH=/iam/v1beta1`, a compose `environment:` entry, a Helm value, an Airflow variable.

A bare `/platform/v1beta1` is Astro's only where the context says so: the setting's name or line
names Astro, or the file names an Astro API host (an Airflow connection to it, the host beside
the prefix). Elsewhere it is another API's. Whoever joins the prefix to a host is out of sight,
so its fix is never safe.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from migrator.text.lines import lines_of
from migrator.text.tokens import defined_name, line_start

CONFIGURATION = frozenset({"yaml", "env", "toml", "ini", "json", "docker", "hcl"})
UNSAFE = "a path prefix in configuration: the code that joins it to a host is out of sight"
ASTRO_WORD = re.compile(r"(?<![A-Za-z])(?i:astro(?:nomer)?)(?![a-z])")  # ASTRO_API, astroHost, astronomer


@functools.lru_cache(maxsize=4)
def _host_words(hosts: tuple) -> re.Pattern:
    alternatives = "|".join(re.escape(h) for h in hosts)
    return re.compile(rf"(?<![\w.-])(?:{alternatives})(?![\w-]|\.\w)", re.IGNORECASE)


def astro_context(text: str, offset: int, flavor: str, table) -> bool:
    """Whether the setting whose value starts at `offset` is about Astro's API: its name, the line
    before it, the YAML keys or the TOML/INI section it sits under name Astro, or the file names an
    Astro API host."""
    names = [defined_name(text, offset, flavor) or ""]
    if flavor == "yaml":
        names += _parent_keys(text, offset)
    elif flavor in ("toml", "ini"):
        section = lines_of(text).last_before(SECTION, offset)
        names += [section.group(1)] if section else []
    if _line_names_astro(text, offset) or any(ASTRO_WORD.search(name) for name in names):  # `astro: {p: …}`
        return True
    return _names_host(text, tuple(table.hosts))


def _line_names_astro(text: str, offset: int) -> bool:
    """`ASTRO_WORD.search(text[line_start:offset])`, from the text's words found once: the words
    that end well before `offset` read alike in the line and in the text; the last few characters
    (where the cut may make or break a word) are searched as the line ends there."""
    start = line_start(text, offset)
    if ASTRO_WORD.search(text, max(start, offset - 32), offset):
        return True
    spans = _astro_words(text)
    index = bisect.bisect_left(spans, (start,))
    return index < len(spans) and spans[index][1] <= offset - 16


@functools.lru_cache(maxsize=4)
def _astro_words(text: str) -> list:
    return [found.span() for found in ASTRO_WORD.finditer(text)]


@functools.lru_cache(maxsize=4)
def _names_host(text: str, hosts: tuple) -> bool:
    """Whether `text` names one of `hosts` (asked once per text, not per prefix)."""
    return _host_words(hosts).search(text) is not None


SECTION = re.compile(r"^[ \t]*\[+([^\]\r\n]+)\]+", re.MULTILINE)  # [astro], [[tool.astro]]
YAML_KEY = re.compile(r"([ \t]*)(?:-[ \t]+)?[\"']?([\w.-]+)[\"']?[ \t]*:")


@dataclass(frozen=True)
class KeyLines:
    """The lines of a YAML text that start with a key: their starts, indents, keys, and for each
    the nearest key line above it that is less indented (its parent), found in one pass."""

    starts: list
    indents: list
    keys: list
    parents: list  # index of the parent key line, or -1


@functools.lru_cache(maxsize=4)
def _key_lines(text: str) -> KeyLines:
    index = KeyLines([], [], [], [])
    stack: list = []  # key lines whose indents grow, the candidates for a parent
    for start in [0] + [found.end() for found in re.finditer(r"[\r\n]", text)]:
        found = YAML_KEY.match(text, start)
        if not found:
            continue
        indent = len(found.group(1))
        while stack and index.indents[stack[-1]] >= indent:
            stack.pop()
        index.parents.append(stack[-1] if stack else -1)
        stack.append(len(index.starts))
        index.starts.append(start)
        index.indents.append(indent)
        index.keys.append(found.group(2))
    return index


def _parent_keys(text: str, offset: int) -> list:
    """The YAML keys the line at `offset` sits under (less indented, above it), nearest first."""
    lines, start = _key_lines(text), line_start(text, offset)
    at = bisect.bisect_left(lines.starts, start)
    if at < len(lines.starts) and lines.starts[at] == start:  # the line is a key's: its parents
        parent = lines.parents[at]
    else:  # any key line above it, then that one's parents
        parent = at - 1
    keys = []
    while parent >= 0:
        keys.append(lines.keys[parent])
        parent = lines.parents[parent]
    return keys
