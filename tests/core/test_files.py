"""Files written whole or not at all, with the permissions they need, and plain words for a
disk that refuses one."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kombo_desktop.core.files import atomic_write, disk_refusal
from tests.support.locked_files import full_disk, read_only_drive


@pytest.mark.parametrize("number", [errno.ENOSPC, errno.EDQUOT])
def test_a_full_disk_or_a_used_up_quota_is_called_a_full_disk(number: int) -> None:
    words = disk_refusal(OSError(number, os.strerror(number), "/media/stick/.qr.png.tmp"))
    assert words is not None
    assert words.startswith("The disk is full.")
    assert "choose another folder" in words
    assert "Errno" not in words and "/media" not in words


def test_other_errors_are_left_to_the_caller() -> None:
    assert disk_refusal(FileNotFoundError(errno.ENOENT, "No such file or directory")) is None
    assert disk_refusal(OSError("no number")) is None


def test_a_read_only_drive_is_named() -> None:
    words = disk_refusal(OSError(errno.EROFS, os.strerror(errno.EROFS), "/media/stick/x.tmp"))
    assert words is not None
    assert words.startswith("The drive is read-only")
    assert "Nothing was changed there: choose another folder" in words


def test_a_write_protected_drive_on_windows_is_named() -> None:
    # Windows gives such a drive the same errno as a refused permission, and its own code 19.
    error = PermissionError(errno.EACCES, "The media is write protected")
    error.winerror = 19  # type: ignore[attr-defined]  # set by Python on Windows only
    assert disk_refusal(error) == disk_refusal(OSError(errno.EROFS, "Read-only file system"))


# --- atomic_write -------------------------------------------------------------------------------

posix_modes = pytest.mark.skipif(os.name == "nt", reason="Windows files have no POSIX modes")


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask while the test runs: new files readable by everyone, writable by their
    owner. The umask is the process's, so the old one is put back."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@posix_modes
def test_the_programs_own_files_are_for_their_owner_only(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "settings.json"
    atomic_write(target, b"{}")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@posix_modes
@pytest.mark.parametrize(
    ("umask", "mode"),
    [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)],
    ids=["umask 022", "umask 027", "umask 077"],
)
def test_a_file_to_share_gets_what_the_umask_allows(
    tmp_path: Path, umask_022: None, umask: int, mode: int
) -> None:
    os.umask(umask)
    target = tmp_path / "qr.png"
    atomic_write(target, b"picture", owner_only=False)
    assert stat.S_IMODE(target.stat().st_mode) == mode


@pytest.mark.parametrize("owner_only", [True, False])
def test_the_old_file_is_replaced_whole_and_nothing_else_is_left(
    tmp_path: Path, owner_only: bool
) -> None:
    target = tmp_path / "file"
    target.write_bytes(b"old")
    atomic_write(target, b"new", owner_only=owner_only)
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


@pytest.mark.parametrize("owner_only", [True, False])
def test_a_full_disk_leaves_the_old_file_and_no_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, owner_only: bool
) -> None:
    target = tmp_path / "file"
    target.write_bytes(b"old")
    full_disk(monkeypatch)
    with pytest.raises(OSError) as caught:
        atomic_write(target, b"new", owner_only=owner_only)
    assert disk_refusal(caught.value) is not None
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


@pytest.mark.parametrize("owner_only", [True, False])
def test_a_read_only_drive_is_refused_with_its_own_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, owner_only: bool
) -> None:
    # Nothing can be removed there either: the clean-up's failure must not hide the reason.
    target = tmp_path / "file"
    target.write_bytes(b"old")
    read_only_drive(monkeypatch, tmp_path)
    with pytest.raises(OSError) as caught:
        atomic_write(target, b"new", owner_only=owner_only)
    assert caught.value.errno == errno.EROFS
    assert target.read_bytes() == b"old"
