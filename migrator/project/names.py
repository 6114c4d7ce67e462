"""Names a file may mention, searched as whole words (the importer look-up, the project snapshot)."""
from __future__ import annotations

import re
import zlib
from array import array
from typing import Iterable


def word_hashes(words: Iterable[bytes]) -> frozenset:
    return frozenset(zlib.crc32(word) for word in words)


class NameSearch:
    """Which files name any of `names` as a whole word: an index of each file's word hashes rules
    most files out (`may_mention`, see `project.index`), the bytes of the rest are searched."""

    def __init__(self, names: Iterable[str]):
        names = sorted(names)
        self.pattern = re.compile(rb"\b(?:%s)\b" % b"|".join(re.escape(name.encode()) for name in names))
        self.hashes = word_hashes(name.encode() for name in names if name.isascii())
        self.non_ascii = any(not name.isascii() for name in names)
        self.packed = [array("I", [value]).tobytes() for value in sorted(self.hashes)]  # as the index holds them

    def may_mention(self, facts) -> bool:
        """`facts`: a `project.index.FileFacts`."""
        return facts.mentions(self.hashes, self.non_ascii)

    def mentions(self, data: bytes) -> bool:
        return self.pattern.search(data) is not None
