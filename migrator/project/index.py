"""The project index: what each file holds, kept between runs by file stat and content hash.

Per file: its stat, the SHA-256 of its bytes, the prefilter's verdict, and for Python modules and
notebooks the words it mentions (as CRC-32s of its ASCII word runs, so "does it name `X`?" needs
no read). A file whose stat is unchanged is not read; one whose stat changed is read and hashed,
and keeps its facts only when the hash is unchanged. A stat taken less than `RACY_NS` after the
file's last change (`RACY_NS`; its inode's, `RACY_CTIME_NS`) cannot vouch for it (a second write in
the same timestamp tick would leave it equal): such a file is read again next time, as git does
with racy index entries.

The index lives in the result cache folder, one data-only entry per folder of files (loaded when
the walk first looks at that folder), under a key that names the folder and everything the facts
depend on (tool code, rule table, hosts), so another configuration never reads them.
"""
from __future__ import annotations

import base64
import bisect
import hashlib
import os
import stat
import time
from array import array
from dataclasses import dataclass, field
from typing import Callable, Optional

from migrator.project.cache import Cache
from migrator.project.codec import Codec
from migrator.project.names import WORD, NameSearch, word_hashes
from migrator.project.prefilter import Prefilter

RACY_NS = 2_000_000_000  # coarser than any file system's modification time tick (FAT: 2 s)
RACY_CTIME_NS = 100_000_000  # coarser than the clock Linux stamps inode changes with (a jiffy)


@dataclass
class FileFacts:
    """What the index knows about one file's bytes, and the stat that vouches for them."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    seen_ns: int  # when that stat was taken
    digest: str  # SHA-256 of the bytes, hex
    may_match: bool  # the prefilter's verdict
    words: Optional[str] = None  # base64 of the sorted CRC-32s of the ASCII word runs; None: not known
    ascii: bool = True  # no byte over 0x7f: a name with other characters cannot occur

    def vouched_by(self, status: os.stat_result) -> bool:
        """The file is known to hold the same bytes: same stat, taken long enough after its last change."""
        return (
            (self.size, self.mtime_ns, self.ctime_ns, self.inode)
            == (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
            and status.st_mtime_ns + RACY_NS < self.seen_ns
            and status.st_ctime_ns + RACY_CTIME_NS < self.seen_ns
        )

    def mentions(self, hashes: frozenset, any_non_ascii: bool) -> bool:
        """Whether the file may name a word whose CRC-32 is in `hashes` (no false negatives;
        `any_non_ascii`: some name has non-ASCII characters, which only a non-ASCII file can hold)."""
        if self.words is None or (any_non_ascii and not self.ascii):
            return True
        return not hashes.isdisjoint(array("I", base64.b64decode(self.words)))


STATS = 5  # numbers a file has in `Shard.stats`


@dataclass
class Shard:
    """The facts of the files of one folder, stored as columns (JSON arrays load fast)."""

    names: list[str] = field(default_factory=list)
    stats: list[int] = field(default_factory=list)  # size, mtime_ns, ctime_ns, inode, seen_ns of each file
    digests: list[str] = field(default_factory=list)
    may_match: list[bool] = field(default_factory=list)
    words: list[Optional[str]] = field(default_factory=list)
    ascii: list[bool] = field(default_factory=list)

    def __post_init__(self) -> None:
        columns = (self.digests, self.may_match, self.words, self.ascii)
        if any(len(column) != len(self.names) for column in columns) or len(self.stats) != STATS * len(self.names):
            raise ValueError("columns of different lengths")

    @classmethod
    def of(cls, files: dict) -> "Shard":
        shard = cls()
        for name, facts in sorted(files.items()):
            shard.names.append(name)
            shard.stats += [facts.size, facts.mtime_ns, facts.ctime_ns, facts.inode, facts.seen_ns]
            shard.digests.append(facts.digest)
            shard.may_match.append(facts.may_match)
            shard.words.append(facts.words)
            shard.ascii.append(facts.ascii)
        return shard

    def files(self) -> dict:
        """File name -> FileFacts."""
        found = {}
        for i, name in enumerate(self.names):
            size, mtime, ctime, inode, seen = self.stats[STATS * i : STATS * i + STATS]
            found[name] = FileFacts(size, mtime, ctime, inode, seen, self.digests[i], self.may_match[i],
                                    self.words[i], self.ascii[i])
        return found


INDEX = Codec()
INDEX.allow(Shard)


def _words(data: bytes) -> str:
    packed = array("I", sorted(word_hashes(set(WORD.findall(data)))))
    return base64.b64encode(packed.tobytes()).decode("ascii")


class WordIndex:
    """The words of many files (their `FileFacts`) in one buffer, searched at C speed: which of
    the files may name one of a search's names, as `FileFacts.mentions` answers for each."""

    def __init__(self, files: list):
        self.unknown = [i for i, facts in enumerate(files) if facts.words is None]
        self.non_ascii = [i for i, facts in enumerate(files) if not facts.ascii]
        self.starts: list = []  # where each file's hashes start in `data`
        chunks, size = [], 0
        for facts in files:
            self.starts.append(size)
            chunks.append(base64.b64decode(facts.words or ""))
            size += len(chunks[-1])
        self.data = b"".join(chunks)

    def mentioning(self, search: NameSearch) -> set:
        """Positions (in the files given) of the files that may name one of `search`'s names."""
        if search.everywhere:
            return set(range(len(self.starts)))
        found = set(self.unknown) | set(self.non_ascii if search.non_ascii else ())
        for needle in search.packed:
            at = self.data.find(needle)
            while at >= 0:
                if at % len(needle) == 0:  # a whole hash, not the end of one and the start of the next
                    found.add(bisect.bisect_right(self.starts, at) - 1)
                at = self.data.find(needle, at + 1)
        return found


@dataclass
class Looked:
    """A file as the index gives it: its facts, and its bytes when they had to be read."""

    facts: FileFacts
    data: Optional[bytes] = None


class ProjectIndex:
    """Facts of files, from the stored index where their stat vouches for them, else read."""

    def __init__(self, prefilter: Prefilter, salt: str, cache: Optional[Cache] = None):
        self.prefilter = prefilter
        self.salt = salt
        self.cache = cache
        self.shards: dict = {}  # absolute folder -> {file name: FileFacts}
        self.changed: set = set()  # folders whose shard must be stored

    def _shard(self, folder: str) -> dict:
        """File name -> FileFacts of the files in `folder`, as stored."""
        files = self.shards.get(folder)
        if files is None:
            stored = self.cache.get(self._key(folder)) if self.cache else None
            files = self.shards[folder] = stored.files() if isinstance(stored, Shard) else {}
        return files

    def _key(self, folder: str) -> str:
        digest = hashlib.sha256(f"{self.salt}\0{folder}".encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def facts_of(self, data: bytes, wants_words: bool) -> FileFacts:
        """The facts of bytes that are not a file's (a fix pass's texts): no stat vouches for them."""
        return self._facts(os.stat_result((0,) * 10), 0, data, wants_words, None)

    def _facts(self, status: os.stat_result, seen: int, data: bytes, wants_words: bool,
               known: Optional[FileFacts]) -> FileFacts:
        """Without a place to store them, only the prefilter's verdict: words are worth computing
        for a later run, but this one can search the few files that matter in their bytes."""
        stored = self.cache is not None
        digest = hashlib.sha256(data).hexdigest() if stored else ""
        if stored and known is not None and known.digest == digest:  # touched, or checked out again: same bytes
            may_match, words = known.may_match, known.words
        else:
            may_match, words = self.prefilter.may_match(data), _words(data) if wants_words and stored else None
        return FileFacts(status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino, seen, digest,
                         may_match, words, data.isascii())

    def look(self, path: str, read: Callable[[], bytes], wants_words: bool) -> Looked:
        """The facts of `path` (`read` gives its bytes; it raises OSError for a file that cannot be
        checked). `wants_words`: the file is a Python module or notebook, whose words are kept."""
        if self.cache is None:
            data = read()
            return Looked(self._facts(os.stat_result((0,) * 10), 0, data, wants_words, None), data)
        folder, name = os.path.split(os.path.abspath(path))
        shard = self._shard(folder)
        seen = time.time_ns()
        try:
            status = os.stat(path)
        except OSError:
            read()  # its error says why (a broken symlink, ...)
            raise
        regular = stat.S_ISREG(status.st_mode)
        known = shard.get(name)
        if regular and known is not None and known.vouched_by(status):
            return Looked(known)
        data = read()
        facts = self._facts(status, seen, data, wants_words, known)
        if regular:
            shard[name] = facts
            self.changed.add(folder)
        return Looked(facts, data)

    def save(self) -> None:
        """Store the shards that changed, and forget them all (memory stays flat)."""
        if self.cache is not None:
            for folder in sorted(self.changed):
                self.cache.put(self._key(folder), Shard.of(self.shards[folder]))
        self.shards.clear()
        self.changed.clear()
