"""Writing the program's small files so that a crash or a full disk never leaves half a file."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import time
from pathlib import Path


def atomic_write(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` so that readers see the old file or the new, never half.

    The temporary file is created next to the target (a rename is only atomic within one file
    system) with mode 0600, and flushed to disk before the rename.
    """
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        _replace_with_retry(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


# A full disk, or the person's share of it (a quota) used up; Windows reports both as ENOSPC.
_DISK_FULL = frozenset(
    number for number in (errno.ENOSPC, getattr(errno, "EDQUOT", None)) if number is not None
)

# Windows reports a write-protected drive with this code, and errno EACCES as for a refused
# permission; only the code tells the two apart.
_ERROR_WRITE_PROTECT = 19


def disk_refusal(error: OSError) -> str | None:
    """Why the disk refused a file, in plain words with a way forward, if ``error`` tells (a
    full disk, a read-only drive such as a write-protected USB stick or share): ``None`` for
    any other error, whose caller says what it knows about the place instead.

    Meant for files written under a temporary name and then renamed (as :func:`atomic_write`
    does), so that the sentence may say that nothing was changed.
    """
    if error.errno in _DISK_FULL:
        return (
            "The disk is full. Nothing was changed there: free some space or choose another "
            "folder, then try again."
        )
    if error.errno == errno.EROFS or getattr(error, "winerror", None) == _ERROR_WRITE_PROTECT:
        return (
            "The drive is read-only (a write-protected USB stick or a read-only shared folder, "
            "for example). Nothing was changed there: choose another folder, then try again."
        )
    return None


def _replace_with_retry(source: Path, target: Path) -> None:
    # On Windows a virus scanner or indexer briefly holding the old file makes the rename fail
    # with PermissionError; a few short retries get past it.
    for attempt in range(5):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if attempt == 4 or os.name != "nt":
                raise
            time.sleep(0.05 * (attempt + 1))
