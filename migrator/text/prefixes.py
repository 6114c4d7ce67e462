"""Host-less path prefixes in configuration: `platform_prefix: /platform/v1beta1`,
`ASTRO_IAM_PATH=/iam/v1beta1`, a compose `environment:` entry, a Helm value, an Airflow variable.

A bare `/platform/v1beta1` is Astro's only where the context says so: the setting's name or line
names Astro, or the file names an Astro API host (an Airflow connection to it, the host beside
the prefix). Elsewhere it is another API's. Whoever joins the prefix to a host is out of sight,
so its fix is never safe.
"""
from __future__ import annotations

import functools
import re

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
    names = [defined_name(text, offset, flavor) or "", text[line_start(text, offset) : offset]]  # `astro: {p: …}`
    if flavor == "yaml":
        names += _parent_keys(text, offset)
    elif flavor in ("toml", "ini"):
        names += [section.group(1) for section in SECTION.finditer(text, 0, offset)][-1:]
    if any(ASTRO_WORD.search(name) for name in names):
        return True
    return _host_words(tuple(table.hosts)).search(text) is not None


SECTION = re.compile(r"^[ \t]*\[+([^\]\r\n]+)\]+", re.MULTILINE)  # [astro], [[tool.astro]]
YAML_KEY = re.compile(r"([ \t]*)(?:-[ \t]+)?[\"']?([\w.-]+)[\"']?[ \t]*:")


def _parent_keys(text: str, offset: int) -> list:
    """The YAML keys the line at `offset` sits under (less indented, above it)."""
    keys, indent = [], len(text) + 1
    start = line_start(text, offset)
    found = YAML_KEY.match(text, start)
    indent = len(found.group(1)) if found else indent
    while start > 0 and indent > 0:
        start = line_start(text, start - 1)
        found = YAML_KEY.match(text, start)
        if found and len(found.group(1)) < indent:
            indent = len(found.group(1))
            keys.append(found.group(2))
    return keys
