"""Every file a test's program wrote, read while the program may still be writing."""

from __future__ import annotations

from pathlib import Path


def written_files(folder: Path) -> dict[Path, bytes]:
    """Every file under ``folder`` with what it holds.

    The window writes some files whole under a temporary name and renames them into place (the
    tool lists' cache, from a worker), and SQLite's journal beside the history comes and goes
    with each of its writes: a file gone between the listing and the reading is not read, and the
    folder is listed again."""
    for _ in range(100):
        try:
            return {path: path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}
        except FileNotFoundError:
            continue
    raise AssertionError(f"the files under {folder} kept changing while they were read")
