"""Write a fixed file so that it is never half-written, and never over an edit made meanwhile.

What remains: the last look at the file (a `stat` right before the rename, compared with the
one taken when its bytes were compared) and the rename are two system calls; an editor that
saves between them loses that save. No portable call compares and renames in one step. The
stat compares inode, size and times, which the kernel keeps at clock-tick resolution: an edit
of the same size, in place, within the tick of the compare, also goes unseen.
"""
from __future__ import annotations

import os
import stat
from typing import Optional


class NotWritten(OSError):
    """A fixed file that was left as it was; `strerror` says why in one line."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.strerror = reason


def _identity(status: os.stat_result) -> tuple:
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def _check_unchanged(path: str, expected: bytes) -> tuple:
    """Raise `NotWritten` unless `path` holds `expected`; the identity of what was compared."""
    try:
        with open(path, "rb") as handle:
            seen = _identity(os.fstat(handle.fileno()))
            current = handle.read(len(expected) + 1)
    except FileNotFoundError:
        raise NotWritten("deleted since it was read; not fixed") from None
    if current != expected:
        raise NotWritten("changed on disk since it was read; not fixed")
    return seen


def _check_still(path: str, seen: tuple) -> None:
    """The last look before the rename: a `stat`, cheaper than reading the file again."""
    try:
        now = _identity(os.stat(path))
    except FileNotFoundError:
        raise NotWritten("deleted while it was being fixed; not fixed") from None
    if now != seen:
        raise NotWritten("changed on disk while it was being fixed; not fixed")


def _keep_owner(path: str, status: os.stat_result) -> None:
    if hasattr(os, "chown") and (status.st_uid, status.st_gid) != (os.geteuid(), os.getegid()):
        try:
            os.chown(path, status.st_uid, status.st_gid)
        except OSError:
            pass  # only root may give a file away; the user's own copy is the best we can do


def _keep_xattrs(source: str, copy: str) -> None:
    """Give `copy` the extended attributes of `source` (POSIX ACLs are `system.posix_acl_*`
    attributes, SELinux labels `security.*`); raise `NotWritten` for one that cannot be kept
    rather than drop an ACL that restricts who may read the file."""
    if not hasattr(os, "listxattr"):
        return  # no extended attributes on this platform
    try:
        names = os.listxattr(source)
    except OSError:
        return  # the file system has none
    for name in names:
        try:
            os.setxattr(copy, name, os.getxattr(source, name))
        except OSError as error:
            raise NotWritten(f"its extended attribute {name} cannot be kept ({error.strerror}); not fixed") from None


def _outside(target: str, root: str) -> Optional[str]:
    """Why `target` (a real path) may not be written for a project at `root`, or None."""
    real_root = os.path.realpath(root)
    if target == real_root or target.startswith(real_root.rstrip(os.sep) + os.sep):
        return None
    return f"it resolves to {target}, outside the project root {real_root}; not fixed"


def _verify(temporary: str, data: bytes) -> None:
    """Read the temporary file back: a short write (a full disk) must not replace the original."""
    with open(temporary, "rb") as handle:
        if handle.read(len(data) + 1) != data:
            raise NotWritten("the new text could not be written in full; not fixed")


def _sync_folder(folder: str) -> None:
    """Make the rename durable (a no-op where folders cannot be opened, as on Windows)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def write_atomic(path: str, data: bytes, expected: Optional[bytes] = None, root: Optional[str] = None) -> None:
    """Replace `path` with `data`: a temporary file in the same folder, read back, then renamed
    over it.

    The file keeps its mode, extended attributes and ACLs (and owner, where allowed); a symlink
    keeps pointing at it. With `root`, a file whose real path (every symlink resolved: the file,
    a folder on its path, chains, absolute targets) lies outside `root` is not written. With
    `expected` (the bytes the fix was computed from), a file that changed or vanished since is
    left alone. Raises `NotWritten` for these and for read-only files, OSError otherwise;
    either way the file is wholly old or wholly new, even if the process is killed.
    """
    target = os.path.realpath(path)
    reason = _outside(target, root) if root is not None else None
    if reason:
        raise NotWritten(reason)
    try:
        status = os.stat(target)
    except FileNotFoundError:
        raise NotWritten("deleted since it was read; not fixed") from None
    if not stat.S_ISREG(status.st_mode):
        raise NotWritten("no longer a regular file; not fixed")
    if not status.st_mode & stat.S_IWUSR or not os.access(target, os.W_OK):
        raise NotWritten("read-only file; not fixed")
    folder = os.path.dirname(target)
    temporary = None
    try:
        import tempfile  # only a run that writes pays for it

        handle, temporary = tempfile.mkstemp(prefix=".astro-migrate-", suffix=".tmp", dir=folder)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        _verify(temporary, data)
        os.chmod(temporary, stat.S_IMODE(status.st_mode))
        _keep_owner(temporary, status)
        _keep_xattrs(target, temporary)
        if expected is not None:
            # Compared once the temporary file is complete, then a stat right before the rename.
            _check_still(target, _check_unchanged(target, expected))
        os.replace(temporary, target)
        temporary = None
    finally:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
    _sync_folder(folder)
