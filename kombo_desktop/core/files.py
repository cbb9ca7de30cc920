"""Writing the program's small files so that a crash or a full disk never leaves half a file."""

from __future__ import annotations

import contextlib
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
