"""Where the lines of a text start and end, found once per text: the text tier asks about the
line around every use, and a one-line file (a minified bundle) must not be re-read per use.

`Work` counts the characters the per-use look-ups read (tests/test_text_linear.py asserts that
they do not grow with the line's length), and the indexes built.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from typing import Optional

BREAK = re.compile(r"[\r\n]")
# A character that may sit between a name and the value defined to it (`NAME=`, `ENV NAME `,
# `$name: string = "`, `"apiVersion": "`): every character of `tokens.defined_by` and
# `tokens.NOT_URL_KEY` matches but their first (a delimiter), a superset of them.
ASSIGNMENT_CHAR = re.compile(r"[\w\s\-\"'`:&=?+$@]")


@dataclass
class Work:
    """Characters read by per-use look-ups (look-behind windows, lines searched for a method)."""

    characters: int = 0
    indexes: int = 0


WORK = Work()


class Lines:
    """The line breaks of one text (`\\n`, `\\r\\n` and a lone `\\r` end lines); a look-up is a
    binary search. `methods` keeps the HTTP method read off each line span (`tokens.method_of`)."""

    def __init__(self, text: str):
        self.text = text
        self.breaks = [m.start() for m in BREAK.finditer(text)]
        self.methods: dict = {}
        self._matches: Optional[tuple] = None
        WORK.indexes += 1

    def start(self, offset: int) -> int:
        """Where the line holding `offset` starts."""
        index = bisect.bisect_left(self.breaks, offset)
        return self.breaks[index - 1] + 1 if index else 0

    def end(self, offset: int) -> int:
        """Where the line holding `offset` ends (its line break, or the end of the text)."""
        index = bisect.bisect_left(self.breaks, offset)
        return self.breaks[index] if index < len(self.breaks) else len(self.text)

    def assignment_start(self, offset: int) -> int:
        """Where a search for a name defined to the value at `offset` may start: the run of
        `ASSIGNMENT_CHAR`s before it, one delimiter before that, within the line."""
        start, at = self.start(offset), offset
        while at > start and ASSIGNMENT_CHAR.match(self.text, at - 1):
            at -= 1
        begin = max(start, at - 1)
        WORK.characters += offset - begin
        return begin

    def last_before(self, pattern: re.Pattern, offset: int) -> Optional[re.Match]:
        """The last match of `pattern` (one that cannot end in a shorter match) ending by `offset`,
        as `pattern.finditer(text, 0, offset)` would give it; the matches are found once."""
        if self._matches is None or self._matches[0] is not pattern:
            found = list(pattern.finditer(self.text))
            self._matches = (pattern, found, [m.end() for m in found])
        _, found, ends = self._matches
        index = bisect.bisect_right(ends, offset)
        return found[index - 1] if index else None


@functools.lru_cache(maxsize=4)
def lines_of(text: str) -> Lines:
    """The line index of `text` (str hashes are cached, so a look-up of the same text is cheap)."""
    return Lines(text)
