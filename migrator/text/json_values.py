"""JSON whose string values remember where they are in the raw text.

Notebooks (and JSON files that escape `/` as `\\/`) are fixed in their raw text, so a match in
a decoded string must map back to raw offsets, escapes included.
"""
from __future__ import annotations

import json
import json.decoder
import json.scanner

SURROGATE_HIGH = range(0xD800, 0xDC00)


class JStr(str):
    """A decoded JSON string; `start` is the raw offset of its opening quote, `end` past the closing one."""

    start: int
    end: int


class _Decoder(json.JSONDecoder):
    def __init__(self):
        super().__init__()
        self.parse_string = self._string
        self.scan_once = json.scanner.py_make_scanner(self)

    @staticmethod
    def _string(text: str, end: int, strict: bool = True):
        value, after = json.decoder.scanstring(text, end, strict)
        located = JStr(value)
        located.start, located.end = end - 1, after
        return located, after


def parse(text: str):
    """Like json.loads, but every string value (not key) is a JStr. Raises ValueError."""
    return _Decoder().decode(text)


def raw_offsets(raw: str, value: JStr) -> list:
    """For each character of `value`, its raw offset; one more entry: the closing quote."""
    out, pos, stop = [], value.start + 1, value.end - 1
    while pos < stop:
        out.append(pos)
        if raw[pos] != "\\":
            pos += 1
        elif raw[pos + 1] != "u":
            pos += 2
        else:
            high = int(raw[pos + 2 : pos + 6], 16) in SURROGATE_HIGH
            pos += 12 if high and raw.startswith("\\u", pos + 6) else 6
    out.append(stop)
    return out


def unescape_slashes(raw: str) -> tuple:
    """(`raw` with `\\/` read as `/`, a function mapping its offsets back to `raw`'s).

    Other escapes stay as they are, so the view keeps JSON's quotes and structure.
    """
    import bisect

    escapes = []  # view offsets where a `\\/` was folded
    pieces, pos, folded = [], 0, 0
    index = raw.find("\\/")
    while index != -1:
        if _escaped(raw, index):
            index = raw.find("\\/", index + 1)
            continue
        pieces.append(raw[pos:index])
        escapes.append(index - folded)
        folded += 1
        pos = index + 1
        index = raw.find("\\/", index + 2)
    pieces.append(raw[pos:])

    def to_raw(offset: int, end: bool = False) -> int:
        return offset + bisect.bisect_left(escapes, offset)

    return "".join(pieces), to_raw


def _escaped(raw: str, index: int) -> bool:
    """True when the backslash at `index` is itself escaped (preceded by an odd run of `\\`)."""
    run = 0
    while index - run - 1 >= 0 and raw[index - run - 1] == "\\":
        run += 1
    return run % 2 == 1
