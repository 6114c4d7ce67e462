"""A result cache like ruff's: one file an analysed file, keyed by everything that can change it.

The key hashes the file's bytes, its path, its kind, the tool version, the rule table and the
options that affect analysis, so an edit (or a new version) can never serve a stale result.
Entries are written to a temporary file and renamed, so two runs can share the folder.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from typing import Optional

from migrator import __version__

CACHE_DIR = ".astro_migrate_cache"


def code_fingerprint() -> str:
    """Identifies the installed analysis code, so that an edited or reinstalled tool never
    reads entries an older one wrote (the version alone does not change in development)."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    digest = hashlib.sha256()
    for folder, _, names in sorted(os.walk(package)):
        for name in sorted(n for n in names if n.endswith(".py")):
            info = os.stat(os.path.join(folder, name))
            digest.update(f"{name}:{info.st_size}:{info.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


def key(path: str, kind: str, data: bytes, salt: str) -> str:
    digest = hashlib.sha256()
    for part in (__version__, salt, kind, path):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(data)
    return digest.hexdigest()


class Cache:
    def __init__(self, folder: str = CACHE_DIR):
        self.folder = folder

    def _file(self, entry: str) -> str:
        return os.path.join(self.folder, entry[:2], entry)

    def get(self, entry: str) -> Optional[object]:
        try:
            with open(self._file(entry), "rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None

    def put(self, entry: str, value: object) -> None:
        target = self._file(entry)
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if not os.path.exists(os.path.join(self.folder, ".gitignore")):
                with open(os.path.join(self.folder, ".gitignore"), "w") as handle:
                    handle.write("*\n")
            handle, temporary = tempfile.mkstemp(dir=os.path.dirname(target))
            with os.fdopen(handle, "wb") as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, target)
        except OSError:
            pass  # a cache that cannot be written only costs time


def clean(folder: str = CACHE_DIR) -> bool:
    import shutil

    if os.path.isdir(folder):
        shutil.rmtree(folder)
        return True
    return False
