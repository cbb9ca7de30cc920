"""The computer's time zone for one test, as POSIX rules (no time zone database needed: a
minimal system may have none)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

ONE_HOUR_EAST = "XXX-1"  # UTC+01:00 all year
BERLIN = "CET-1CEST,M3.5.0,M10.5.0/3"  # clocks go forward on the last Sunday of March


@contextmanager
def computer_time_zone(monkeypatch: pytest.MonkeyPatch, rules: str) -> Iterator[None]:
    """Run the block with the process's local time following ``rules``."""
    monkeypatch.setenv("TZ", rules)
    time.tzset()
    try:
        yield
    finally:
        monkeypatch.undo()
        time.tzset()
