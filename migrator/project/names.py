"""Names a file may mention, searched as whole words (the importer look-up, the project snapshot)."""
from __future__ import annotations

import re
import zlib
from array import array
from collections.abc import Iterable

WORD = re.compile(rb"[A-Za-z0-9_]+")  # what `\b` in a bytes pattern delimits: the index's words


def word_hashes(words: Iterable[bytes]) -> frozenset:
    return frozenset(zlib.crc32(word) for word in words)


class NameSearch:
    """Which files name any of `names` as a whole word: an index of each file's word hashes rules
    most files out (`may_mention`, see `project.index`), the bytes of the rest are searched.

    A name is looked up in the index by its longest word (`astro` of the connection id
    `astro-api`): wherever the name stands between word boundaries, each of its words is a whole
    word of the file. A name without a word (`-`) may stand anywhere."""

    def __init__(self, names: Iterable[str]):
        names = sorted(names)
        self.pattern = re.compile(rb"\b(?:%s)\b" % b"|".join(re.escape(name.encode()) for name in names))
        words = [WORD.findall(name.encode()) for name in names if name.isascii()]
        self.everywhere = any(not found for found in words)
        self.hashes = word_hashes(max(found, key=len) for found in words if found)
        self.non_ascii = any(not name.isascii() for name in names)
        self.packed = [array("I", [value]).tobytes() for value in sorted(self.hashes)]  # as the index holds them

    def may_mention(self, facts) -> bool:
        """`facts`: a `project.index.FileFacts`."""
        return self.everywhere or facts.mentions(self.hashes, self.non_ascii)

    def mentions(self, data: bytes) -> bool:
        return self.pattern.search(data) is not None
