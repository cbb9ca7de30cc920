"""A long link history written as the program's first version wrote it, in one transaction.

Shared by the history benchmark (``benchmarks.scenarios history``) and the tests of a history
at scale, so that what the benchmark times is exactly what the tests check. No Qt here: the
file is written before any window exists.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kombo_desktop.core.history import MIGRATIONS


def customer_name(number: int) -> str:
    """The organisation of entry ``number`` (0 is the oldest)."""
    return f"Customer {number} GmbH"


def link_of(number: int) -> str:
    """The link of entry ``number``."""
    return f"https://connect.kombo.dev/v1?token=T{number}"


def write_large_history(path: Path, total: int, *, newest: datetime | None = None) -> None:
    """A history of ``total`` links, one minute apart, written as the first program version
    did (schema step 1 of ``MIGRATIONS``); the store upgrades it when the window opens it.

    Entry ``n`` is for ``customer_name(n)`` (customer id ``C-n``), an HR system (Personio),
    with ``link_of(n)``. Bulk-writing in one transaction takes a fraction of a second, where
    ``record_link`` per row would commit 100,000 times.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    last = newest or datetime.now(UTC)
    conn = sqlite3.connect(path)
    try:
        for statement in MIGRATIONS[0]:
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")

        def rows() -> Iterator[tuple[object, ...]]:
            for n in range(total):
                made = last - timedelta(minutes=total - 1 - n)
                yield (
                    made.isoformat(timespec="microseconds"),
                    "default",
                    None,
                    "link",
                    f"person{n}@customer{n}.example",
                    customer_name(n),
                    f"C-{n}",
                    "HRIS",
                    "personio",
                    "de",
                    "MAGIC_LINK",
                    link_of(n),
                    (made + timedelta(days=365)).isoformat(timespec="microseconds"),
                    None,
                )

        with conn:
            conn.executemany(
                "INSERT INTO links (created_at, profile, environment_id, kind, email, "
                "organization, origin_id, category, tool, language, link_type, url, expires_at, "
                "integration_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows(),
            )
    finally:
        conn.close()
