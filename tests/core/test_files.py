"""Plain words for a disk that refuses a file."""

from __future__ import annotations

import errno
import os

import pytest

from kombo_desktop.core.files import disk_refusal


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
