"""A result cache like ruff's: one file an analysed file, keyed by everything that can change it.

The key hashes the file's bytes, its path, its kind, the tool version, the rule table and the
options that affect analysis, so an edit (or a new version) can never serve a stale result.
Entries are data only (JSON through `codec.RESULTS`): an entry that is not a regular file of
sane size, not valid, or of another schema is a miss, never an error and never code. Entries
are written to a temporary file and renamed, so two runs can share the folder; a cache folder
that is a symbolic link is neither read nor written.
"""
from __future__ import annotations

import functools
import hashlib
import os
import stat
from typing import Optional

from migrator import __version__
from migrator.project.codec import RESULTS, Codec, CodecError
from migrator.project.regular import read_regular

CACHE_DIR = ".astro_migrate_cache"
MAX_ENTRY_BYTES = 64 * 1024 * 1024


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Identifies the installed analysis code, so that an edited or reinstalled tool never
    reads entries an older one wrote (the version alone does not change in development)."""
    return folder_fingerprint(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".py")


def folder_fingerprint(folder: str, suffix: str) -> str:
    """A digest of the names, sizes and modification times of the files under `folder` whose
    names end with `suffix`."""
    digest = hashlib.sha256()
    for place, _, names in sorted(os.walk(folder)):
        for name in sorted(n for n in names if n.endswith(suffix)):
            info = os.stat(os.path.join(place, name))
            digest.update(f"{name}:{info.st_size}:{info.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


def key(path: str, kind: str, data: bytes, salt: str) -> str:
    digest = hashlib.sha256()
    for part in (__version__, salt, kind, path):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(data)
    return digest.hexdigest()


def _real_folder(path: str) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def refusal(folder: str = CACHE_DIR) -> Optional[str]:
    """Why the cache folder is not used (a one-line reason), or None: it is absent or a real
    folder. A symbolic link (`.astro_migrate_cache -> ..`) or any other kind of file in its
    place is never followed, so the cache can never write outside the folder the run is in."""
    try:
        mode = os.lstat(folder).st_mode
    except FileNotFoundError:
        return None
    except OSError as error:
        return f"cannot be read ({error.strerror or error}); the result cache is not used"
    if stat.S_ISDIR(mode):
        return None
    if stat.S_ISLNK(mode):
        try:
            target = os.readlink(folder)
        except OSError:
            target = "?"
        return f"is a symbolic link (to {target!r}), not a folder; the result cache is not used"
    return "is not a folder; the result cache is not used"


class Cache:
    """Entries under `folder/section/`; `section` keeps kinds of entries apart ("" for results)."""

    def __init__(self, folder: str = CACHE_DIR, codec: Codec = RESULTS, section: str = ""):
        self.folder = folder
        self.codec = codec
        self.section = section

    def _file(self, entry: str) -> str:
        return os.path.join(self.folder, self.section, entry[:2], entry)

    def _real_folders(self, target: str) -> bool:
        """Every folder from the cache folder down to `target`'s is a folder, none a symlink."""
        inner = os.path.dirname(target)
        folders = [self.folder, inner] + ([os.path.dirname(inner)] if self.section else [])
        return all(_real_folder(folder) for folder in folders)

    def get(self, entry: str) -> Optional[object]:
        """The value stored under `entry`, or None for anything but a valid entry."""
        target = self._file(entry)
        if not self._real_folders(target):
            return None
        data = read_regular(target, MAX_ENTRY_BYTES)
        try:
            return self.codec.decode(data) if data is not None else None
        except CodecError:
            return None

    def _make_folders(self, target: str) -> bool:
        """Create the folders down to `target`'s one level at a time, each checked to be a real
        folder before the next is made in it (a symlink anywhere: nothing is created)."""
        inner = os.path.dirname(target)
        for folder in [self.folder] + ([os.path.dirname(inner)] if self.section else []) + [inner]:
            if not os.path.lexists(folder):
                try:
                    os.mkdir(folder)
                except FileExistsError:
                    pass
            if not _real_folder(folder):
                return False
        return True

    def put(self, entry: str, value: object) -> None:
        """Store `value`; a value the codec refuses, or a folder that cannot be written, is skipped."""
        try:
            data = self.codec.encode(value)
        except CodecError:
            return
        target = self._file(entry)
        try:
            if not self._make_folders(target):
                return
            ignore = os.path.join(self.folder, ".gitignore")
            try:  # O_EXCL: never through a symlink planted in its place
                created = os.open(ignore, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
            except FileExistsError:
                pass
            else:
                with os.fdopen(created, "w") as handle:
                    handle.write("*\n")
            temporary = f"{target}.{os.urandom(6).hex()}.tmp"  # tempfile.mkstemp's way, without its imports
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            try:
                with os.fdopen(descriptor, "wb") as out:
                    out.write(data)
                os.replace(temporary, target)
            except OSError:
                os.unlink(temporary)
                raise
        except OSError:
            pass  # a cache that cannot be written only costs time


def clean(folder: str = CACHE_DIR) -> bool:
    """Remove the cache folder; a symbolic link in its place is removed, never followed."""
    if os.path.islink(folder):
        os.unlink(folder)
        return True
    if os.path.isdir(folder):
        import shutil

        shutil.rmtree(folder)
        return True
    return False
