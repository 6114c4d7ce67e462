"""What a terminal is shown: colour (when, and how), and text made safe to print.

Colour follows `--color auto|always|never`; `auto` honours NO_COLOR, then FORCE_COLOR, then
whether the stream is a terminal. Every human format passes file names, messages and source
lines through `printable`, so a file named `x\\n::error ...` cannot forge a line of output.
"""
from __future__ import annotations

import os
import re

import click

from migrator.engine.lazy_re import lazy

CHOICES = ("auto", "always", "never")
ROLES: dict[str, dict] = {
    "path": {"bold": True},
    "error": {"fg": "red", "bold": True},
    "warning": {"fg": "yellow", "bold": True},
    "info": {"fg": "cyan", "bold": True},
    "caret": {"fg": "red", "bold": True},
    "gutter": {"fg": "blue", "bold": True},
    "help": {"fg": "cyan"},
    "removed": {"fg": "red"},
    "added": {"fg": "green"},
    "summary": {"bold": True},
}
# C0 and C1 controls, DEL, line and paragraph separators, bidirectional overrides and isolates,
# and lone surrogates (a file name that is not UTF-8, decoded with surrogateescape).
UNPRINTABLE = lazy("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def use_color(choice: str, stream) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _escaped(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # the byte surrogateescape stood in for
        return f"\\x{code - 0xDC00:02x}"
    return char.encode("unicode_escape").decode("ascii")


def printable(text: str) -> str:
    """`text` with every character that moves the cursor, ends a line or reorders text escaped
    (`\\n`, `\\x1b`, `\\u202e`); a byte that was not UTF-8 shows as `\\xNN`. Tabs stay."""
    return UNPRINTABLE.sub(_escaped, text)


class Painter:
    """Styles text by role when colour is on; plain text otherwise."""

    def __init__(self, color: bool):
        self.color = color

    def __call__(self, text: str, role: str) -> str:
        return click.style(text, **ROLES[role]) if self.color and text else text
