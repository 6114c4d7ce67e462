"""Which analyser reads a file, by name, extension and (for extension-less scripts) shebang.

`kind_of` gives the tier: "python", "text" (the text tier, notebooks included) or None (not
checked). `flavor_of` gives the text tier's syntax: it decides comment markers and how names
are defined and used. Files with a known extension are never opened here; an extension-less
file is opened only to read its first line.
"""
from __future__ import annotations

import fnmatch
import os
from typing import Optional

from migrator.project.languages import LANGUAGES

PYTHON_SUFFIXES = (".py", ".pyi", ".pyw")

# Extension, exact file name (lower-case) and name prefix -> text flavor, from the language table.
SUFFIX_FLAVORS = {suffix: lang.name for lang in LANGUAGES for suffix in lang.suffixes}
NAME_FLAVORS = {name: lang.name for lang in LANGUAGES for name in lang.names}
PREFIX_FLAVORS = tuple((prefix, lang.name) for lang in LANGUAGES for prefix in lang.prefixes)
INTERPRETER_FLAVORS = {program: lang.name for lang in LANGUAGES for program in lang.interpreters}
BINARY_SNIFF = 8192


def _builtin_flavor(name: str) -> Optional[str]:
    lower = name.lower()
    if lower in NAME_FLAVORS:
        return NAME_FLAVORS[lower]
    for prefix, flavor in PREFIX_FLAVORS:
        if lower.startswith(prefix):
            return flavor
    _, suffix = os.path.splitext(lower)
    return SUFFIX_FLAVORS.get(suffix)


def _extra_match(path: str, extra: dict) -> tuple:
    """(True, kind) for the first `extra` key that fits `path`: an extension (".j2"), a file
    name ("Jenkinsfile") or a glob ("*.tpl", "deploy/*.conf"); (False, None) when none does."""
    name = os.path.basename(path)
    posix = path.replace(os.sep, "/")
    for pattern, kind in extra.items():
        if pattern.startswith(".") and not any(c in pattern for c in "*?[") and name.endswith(pattern):
            return True, kind
        if "/" in pattern:
            if fnmatch.fnmatchcase(posix, pattern) or fnmatch.fnmatchcase(posix, "*/" + pattern.lstrip("/")):
                return True, kind
        elif fnmatch.fnmatchcase(name, pattern):
            return True, kind
    return False, None


def interpreter(path: str) -> Optional[str]:
    """The program a script's shebang names ("bash", "python3"; `env` and its flags skipped)."""
    try:
        with open(path, "rb") as handle:
            first = handle.readline(256)
    except OSError:
        return None
    if not first.startswith(b"#!"):
        return None
    words = first[2:].decode("latin-1").split()
    if words and os.path.basename(words[0]) == "env":
        words = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
    return os.path.basename(words[0]) if words else None


def kind_of(path: str, extra: Optional[dict] = None) -> Optional[str]:
    """"python", "text" or None for `path`.

    `extra` maps more file names to a tier, first match wins and overrides the built-in
    rules: {".j2": "text", "Jenkinsfile": "text", "deploy/*.tpl": "text", "*.pyt": "python"}.
    A kind of None in `extra` excludes matching files. Include globs are extra entries of kind
    "text".
    """
    if extra:
        matched, kind = _extra_match(path, extra)
        if matched:
            return kind
    name = os.path.basename(path)
    if name.endswith(PYTHON_SUFFIXES):
        return "python"
    if _builtin_flavor(name) is not None:
        return "text"
    if "." in name.lstrip("."):
        return None
    program = interpreter(path)
    if program is None:
        return None
    if program.startswith("python"):
        return "python"
    return "text" if program in INTERPRETER_FLAVORS else None


def flavor_of(path: str) -> str:
    """The text tier's syntax for `path`: "shell", "yaml", …, "notebook", or "plain"."""
    name = os.path.basename(path)
    flavor = _builtin_flavor(name)
    if flavor is not None:
        return flavor
    if "." not in name.lstrip("."):
        return INTERPRETER_FLAVORS.get(interpreter(path) or "", "plain")
    return "plain"


def is_binary(path: str) -> bool:
    """True when the file's first bytes hold a NUL byte (read at most BINARY_SNIFF bytes)."""
    try:
        with open(path, "rb") as handle:
            return b"\0" in handle.read(BINARY_SNIFF)
    except OSError:
        return False
