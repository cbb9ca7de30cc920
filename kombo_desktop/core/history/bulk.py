"""Changing many rows of the history at once: recovering a damaged file, upgrading an old one."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator
from contextlib import contextmanager


@contextmanager
def indexes_set_aside(
    conn: sqlite3.Connection, columns: Collection[str] | None = None
) -> Iterator[None]:
    """Drop the indexes of ``links`` (those on any of ``columns``; None: all of them) for the
    time of a change to many rows, and make them again afterwards.

    Keeping an index up to date row by row costs more than building it once over the changed
    table. Meant inside a transaction: should the change fail, rolling it back brings the
    indexes back as they were.
    """
    indexes = [
        (str(name), str(sql))
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master"
            " WHERE type = 'index' AND tbl_name = 'links' AND sql IS NOT NULL"
        ).fetchall()
    ]
    if columns is not None:
        indexes = [
            (name, sql)
            for name, sql in indexes
            if any(row[2] in columns for row in conn.execute(f'PRAGMA index_info("{name}")'))
        ]
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        conn.execute(sql)
