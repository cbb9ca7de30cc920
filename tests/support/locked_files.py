"""A file that exists but cannot be read just now, as when another program holds a lock on it."""

from __future__ import annotations

from pathlib import Path

import pytest


def refuse_reading(monkeypatch: pytest.MonkeyPatch, locked: Path) -> None:
    """Make ``Path.read_bytes`` of ``locked`` fail with "Permission denied" until the
    monkeypatch is undone (tests run as root here, so real file modes would not stop them)."""
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
