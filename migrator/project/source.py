"""Source files as text: decoding that round-trips byte for byte, and offset <-> line/column."""
from __future__ import annotations

import bisect
import codecs
import io
import re
import tokenize
from dataclasses import dataclass, field

NEWLINE = re.compile(r"\r\n|\r|\n")


class DecodeError(Exception):
    """The file's bytes are not text in the encoding it declares (or UTF-8)."""


@dataclass
class SourceText:
    """A decoded file: `text` excludes the BOM; `encode()` gives back the original bytes."""

    text: str
    encoding: str = "utf-8"
    bom: bool = False
    _line_starts: list = field(default=None, repr=False)

    @classmethod
    def decode(cls, data: bytes, python: bool = False) -> "SourceText":
        bom = data.startswith(codecs.BOM_UTF8)
        encoding = "utf-8"
        if python and not bom:
            try:
                encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            except SyntaxError as error:
                raise DecodeError(str(error)) from None
            encoding = "utf-8" if encoding == "utf-8-sig" else encoding
        body = data[3:] if bom else data
        try:
            text = body.decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise DecodeError(f"not valid {encoding}: {error}") from None
        decoded = cls(text, encoding, bom)
        if decoded.encode() != data:  # a fix must change nothing but the URL bytes
            raise DecodeError(f"{encoding} does not give back the same bytes; not checked")
        return decoded

    def encode(self, text: str = None) -> bytes:
        body = (self.text if text is None else text).encode(self.encoding)
        return codecs.BOM_UTF8 + body if self.bom else body

    @property
    def line_starts(self) -> list:
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in NEWLINE.finditer(self.text)]
        return self._line_starts

    def offset(self, line: int, column: int) -> int:
        """Character offset of a 1-based line and 0-based column."""
        return self.line_starts[line - 1] + column

    def position(self, offset: int) -> tuple:
        """1-based (line, column) of a character offset."""
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def line_text(self, line: int) -> str:
        start = self.line_starts[line - 1]
        match = NEWLINE.search(self.text, start)
        return self.text[start : match.start() if match else len(self.text)]
