"""Issue 13 items 2-4: `--fix` writes only inside the project root, only over the bytes it read,
and keeps what the file had besides its text (extended attributes, POSIX ACLs)."""
from __future__ import annotations

import os
import struct

import pytest
from helpers import run_cli

from migrator.fix import atomic

OLD = "curl https://api.astronomer.io/iam/v1beta1/organizations/acme/users\n"
NEW = "curl https://api.astronomer.io/v1/organizations/acme/users\n"


@pytest.fixture
def layout(tmp_path):
    """A project (a git root) beside a folder it must never write into."""
    project, victim = tmp_path / "project", tmp_path / "victim"
    (project / ".git").mkdir(parents=True)
    victim.mkdir()
    (victim / "deploy.sh").write_text(OLD)
    (project / "own.sh").write_text(OLD)
    (project / "scripts").mkdir()
    (project / "scripts" / "real.sh").write_text(OLD)
    return project, victim


LINKS = {
    "relative.sh": lambda victim: "../victim/deploy.sh",
    "absolute.sh": lambda victim: str(victim / "deploy.sh"),
    "chain.sh": lambda victim: "relative.sh",
}


def test_fix_never_follows_a_symlink_out_of_the_project(layout):
    project, victim = layout
    (project / "relative.sh").symlink_to("../victim/deploy.sh")
    (project / "absolute.sh").symlink_to(victim / "deploy.sh")
    (project / "chain.sh").symlink_to("relative.sh")
    (project / "inside.sh").symlink_to("scripts/real.sh")  # inside the tree: fixed through the link
    (project / "linked").symlink_to(victim, target_is_directory=True)
    named = ["relative.sh", "absolute.sh", "chain.sh", "inside.sh", "own.sh", "linked/deploy.sh"]
    result = run_cli("check", "--fix", *named, cwd=project)
    assert (victim / "deploy.sh").read_text() == OLD
    assert (project / "own.sh").read_text() == NEW and (project / "scripts" / "real.sh").read_text() == NEW
    assert (project / "relative.sh").is_symlink() and (project / "inside.sh").is_symlink()
    errors = result.stderr.splitlines()
    for name in ("relative.sh", "absolute.sh", "chain.sh", "linked/deploy.sh"):
        (line,) = [e for e in errors if e.startswith(f"astro-migrate: error: {name}: ")]
        assert "outside the project root" in line and str(victim / "deploy.sh") in line
    assert len(errors) == 4 and result.returncode == 2
    assert not [p for p in victim.iterdir() if p.name.startswith(".astro-migrate-")]


def test_a_walked_symlink_out_of_the_project_is_reported_not_written(layout):
    project, victim = layout
    (project / "ci.sh").symlink_to("../victim/deploy.sh")
    result = run_cli("check", "--fix", "--allow-dirty", ".", cwd=project)
    assert (victim / "deploy.sh").read_text() == OLD and (project / "own.sh").read_text() == NEW
    assert [line for line in result.stderr.splitlines() if "ci.sh" in line and "outside the project root" in line]


def test_a_file_changed_since_it_was_read_is_not_replaced(tmp_path):
    target = tmp_path / "deploy.sh"
    target.write_text(OLD.replace("acme", "acmf"))  # an edit saved after the fix was computed
    with pytest.raises(atomic.NotWritten, match="changed on disk"):
        atomic.write_atomic(str(target), NEW.encode(), expected=OLD.encode())
    assert target.read_text() == OLD.replace("acme", "acmf") and os.listdir(tmp_path) == ["deploy.sh"]


def _user_xattrs_work(folder) -> bool:
    probe = folder / "probe"
    probe.write_text("")
    try:
        os.setxattr(probe, "user.probe", b"1")
        return True
    except (OSError, AttributeError):
        return False
    finally:
        probe.unlink()


def _acl(uid: int) -> bytes:
    """A POSIX ACL (as the system.posix_acl_access attribute holds it) granting `uid` read-write."""
    everyone = 0xFFFFFFFF
    entries = [(0x01, 6, everyone), (0x02, 6, uid), (0x04, 4, everyone), (0x10, 6, everyone), (0x20, 4, everyone)]
    return struct.pack("<I", 2) + b"".join(struct.pack("<HHI", tag, perm, who) for tag, perm, who in entries)


def test_fix_keeps_extended_attributes_and_acls(tmp_path):
    if not hasattr(os, "setxattr") or not _user_xattrs_work(tmp_path):
        pytest.skip("this file system refuses user extended attributes")
    target = tmp_path / "deploy.sh"
    target.write_text(OLD)
    os.setxattr(target, "user.origin", b"ci-team")
    try:
        os.setxattr(target, "system.posix_acl_access", _acl(4242))
        acl = os.getxattr(target, "system.posix_acl_access")
    except OSError:
        acl = None  # mounted without ACLs: the user attribute is still checked
    result = run_cli("check", "--fix", "deploy.sh", cwd=tmp_path)
    assert result.returncode == 0 and target.read_text() == NEW
    assert os.getxattr(target, "user.origin") == b"ci-team"
    if acl is not None:
        assert os.getxattr(target, "system.posix_acl_access") == acl
