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
