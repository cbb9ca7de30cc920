"""Writing the program's small files so that a crash or a full disk never leaves half a file."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import time
from pathlib import Path
from typing import BinaryIO


def atomic_write(path: Path, content: bytes, *, owner_only: bool = True) -> None:
    """Write ``content`` to ``path`` so that readers see the old file or the new, never half.

    The temporary file is created next to the target (a rename is only atomic within one file
    system) and flushed to disk before the rename: a full disk that refuses the content only
    then is seen while the old file is still in place (:func:`disk_refusal` says so).

    ``owner_only`` (the program's own files: settings, window state) makes the file readable
    by its owner alone (mode 0600). Without it the file gets the permissions any new file of
    the person's gets (what the umask allows), as a picture or list they export and share
    needs: another account on a shared computer or folder can open it.
    """
    temp, file = _new_temporary(path, owner_only=owner_only)
    try:
        with file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        _replace_with_retry(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def _new_temporary(path: Path, *, owner_only: bool) -> tuple[Path, BinaryIO]:
    """A new file beside ``path`` under a name no other file has, open for writing."""
    if owner_only:
        fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        return Path(temp_name), os.fdopen(fd, "wb")
    # mkstemp always makes 0600; a file created with open() gets what the umask allows. "x"
    # creates it or fails (never an existing file, never through a link), and the random part
    # keeps two writers apart.
    temp = path.with_name(f".{path.name}.{os.urandom(8).hex()}.tmp")
    return temp, temp.open("xb")


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
