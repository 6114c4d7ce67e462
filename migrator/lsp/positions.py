"""Character offsets of the analysed text <-> LSP positions (lines and code units).

Lines end at `\\r\\n`, `\\r` or `\\n`, as in the protocol and in `SourceText`; a column counts
the code units of the negotiated position encoding (UTF-16 unless the client chose another).
"""
from __future__ import annotations

from lsprotocol import types

from migrator.project.source import SourceText

UNITS = {
    types.PositionEncodingKind.Utf8: lambda text: len(text.encode("utf-8", "surrogatepass")),
    types.PositionEncodingKind.Utf16: lambda text: len(text.encode("utf-16-le", "surrogatepass")) // 2,
    types.PositionEncodingKind.Utf32: len,
}


class Positions:
    """Offsets of one text in one position encoding."""

    def __init__(self, text: str, encoding=types.PositionEncodingKind.Utf16):
        self.source = SourceText(text)
        self.encoding = encoding
        self.units = UNITS.get(encoding, UNITS[types.PositionEncodingKind.Utf16])

    def position(self, offset: int) -> types.Position:
        offset = max(0, min(offset, len(self.source.text)))
        row, column = self.source.position(offset)
        return types.Position(row - 1, self.units(self.source.line_text(row)[: column - 1]))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(self.position(start), self.position(max(start, end)))

    def offset(self, position: types.Position) -> int:
        """The offset of `position`; past the end of a line: the line's end."""
        starts = self.source.line_starts
        if position.line >= len(starts):
            return len(self.source.text)
        line = self.source.line_text(position.line + 1)
        count = 0
        for column, char in enumerate(line):
            count += self.units(char)
            if count > position.character:
                return starts[position.line] + column
        return starts[position.line] + len(line)
