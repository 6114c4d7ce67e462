"""Records kept between runs: JSON data under a key, in a folder of the cache folder.

A record is read only from a regular file inside real folders (no symbolic link on the way),
of sane size, that parses as JSON and names the key and schema asked for; anything else is no
record. Records are written through a temporary file and a rename, into a cache folder that a
run's other caches made (and gave its `.gitignore`); the oldest go beyond `kept`.
"""
from __future__ import annotations

import json
import os
import stat
import time
import zlib

from migrator.project.regular import read_regular

CACHE_DIR = ".astro_migrate_cache"  # project.cache.CACHE_DIR, relative to the cwd
MAX_BYTES = 64 * 1024 * 1024
ABANDONED_SECONDS = 3600  # a temporary file this old was left by a run that was killed


class Records:
    def __init__(self, section: str, schema: int, kept: int):
        self.folder = os.path.join(CACHE_DIR, section)
        self.schema = schema
        self.kept = kept

    def path_of(self, key: str) -> str:
        """Where the record of `key` is (two keys that share it overwrite each other's record)."""
        return os.path.join(self.folder, f"{zlib.crc32(key.encode('utf-8', 'surrogateescape')):08x}.json")

    def _real_folders(self) -> bool:
        for folder in (CACHE_DIR, self.folder):
            try:
                if not stat.S_ISDIR(os.lstat(folder).st_mode):
                    return False
            except OSError:
                return False
        return True

    def load(self, key: str) -> dict | None:
        if not self._real_folders():
            return None
        data = read_regular(self.path_of(key), MAX_BYTES)
        try:
            record = json.loads(data) if data is not None else None
        except (ValueError, RecursionError):
            return None
        if not isinstance(record, dict) or record.get("schema") != self.schema or record.get("key") != key:
            return None
        return record

    def store(self, key: str, record: dict) -> None:
        """Store `record` (JSON data) under `key`; a folder that cannot be written only costs time."""
        try:
            data = json.dumps({**record, "schema": self.schema, "key": key}).encode("ascii")
            if os.path.isdir(CACHE_DIR) and not os.path.lexists(self.folder):
                os.mkdir(self.folder)
            if not self._real_folders():
                return
            import tempfile

            descriptor, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            try:
                with os.fdopen(descriptor, "wb") as out:
                    out.write(data)
                os.replace(temporary, self.path_of(key))
            except OSError:
                os.unlink(temporary)
                raise
            self._prune()
        except (OSError, ValueError):
            pass

    def _prune(self) -> None:
        """Keep the `kept` newest records; remove temporary files that killed runs left behind."""
        records, abandoned = [], time.time_ns() - ABANDONED_SECONDS * 1_000_000_000
        for entry in os.scandir(self.folder):
            changed = entry.stat(follow_symlinks=False).st_mtime_ns
            if entry.name.endswith(".json"):
                records.append((changed, entry.path))
            elif entry.name.endswith(".tmp") and changed < abandoned:
                os.unlink(entry.path)
        for _, path in sorted(records)[:-self.kept]:
            os.unlink(path)
