"""Carrying the links that can still be read out of a damaged history file into the new one.

A damaged page is usually one page among hundreds: a page of an index (which only speeds up
searches) or of the table itself. SQLite's check then fails for the whole file, and the file is
set aside (see :mod:`.opening`), but nearly every link in it can still be read. They are the only
memory of which customer was sent which link, and the duplicate warning depends on them, so
they are copied into the new history before the window uses it.

The table is read row by row in the order of its row ids, never through an index (an index may be
the damaged part), and its description is read even where that of an index is lost. Where a row or
a page cannot be read, the reading jumps over it: it looks for the next row id that can be read
(doubling the jump until it lands on a readable row, then halving back to the first one), so one
damaged page costs a few dozen short reads and a file whose table cannot be read at all is given
up on after about 130 of them. Each link is stored with the keys and the searched text made again
by the same functions as for a link made now, so the duplicate warning and the search find it
exactly as before.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, suppress
from pathlib import Path
from typing import Final

from kombo_desktop.core.history.bulk import indexes_set_aside
from kombo_desktop.core.history.normalise import search_text
from kombo_desktop.core.history.schema import (
    DERIVED_COLUMNS,
    ENTRY_COLUMNS,
    SEARCHED_COLUMNS,
    entry_from_row,
)
from kombo_desktop.core.letters import fold, organization_key

_log = logging.getLogger(__package__)

_SQLITE_HEADER: Final = b"SQLite format 3\x00"
_COMPANION_SUFFIXES: Final = ("-wal", "-shm")
# The ids SQLite gives the links start at 1 (the program never chooses one); reading starts
# just before, so that the search for where reading works again starts among them.
_FIRST_ROWID: Final = 0
_LAST_ROWID: Final = 2**63 - 1

# Columns added after the first version that may be missing from an older damaged file, with
# the value a row of that time has once upgraded.
_ADDED_LATER: Final = {
    "tool_label": None,
    "demo": 0,
    "remote_environment": None,
    "scope_config_id": None,
    "enable_filtering": 0,
    "enable_field_mapping": 0,
}

_COLUMNS: Final = (*ENTRY_COLUMNS, *DERIVED_COLUMNS)
_INSERT: Final = (
    f"INSERT INTO links ({', '.join(_COLUMNS)}) "  # noqa: S608 (fixed column names only)
    f"VALUES ({', '.join('?' * len(_COLUMNS))})"
)
# Where the texts the searched text is made of are in a row of ``ENTRY_COLUMNS``, in the order
# ``kombo_search_text`` takes them; the organisation and the e-mail address are the first two.
_SEARCHED: Final = tuple(ENTRY_COLUMNS.index(column) for column in SEARCHED_COLUMNS)
# Written in one transaction, in parts: a part holding a row the table refuses is written
# again row by row, without that row.
_PART: Final = 1000


def recover_links(damaged: Path, into: sqlite3.Connection) -> int:
    """Copy every link that can still be read from the history file ``damaged`` into the
    (new, empty) history ``into``; returns how many were copied. Never raises: a file of which
    nothing can be read, or a new history that cannot be written, recovers 0 links.

    ``damaged`` is only read: it stays as it was for support.
    """
    try:
        with damaged.open("rb") as handle:
            if handle.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
                return 0  # not a database at all: nothing to read
    except OSError as error:
        _log.warning("Nothing could be recovered from %s: %s", damaged, error)
        return 0
    # Reading a file in write-ahead-log mode makes its -wal and -shm files when there are none:
    # those are taken away again, so that the file is kept exactly as it was found.
    companions = [Path(f"{damaged}{suffix}") for suffix in _COMPANION_SUFFIXES]
    made_by_reading = [companion for companion in companions if not companion.exists()]
    try:
        return _recover_from(damaged, into)
    finally:
        for companion in made_by_reading:
            with suppress(OSError):
                companion.unlink(missing_ok=True)


def _recover_from(damaged: Path, into: sqlite3.Connection) -> int:
    """:func:`recover_links` once the file is known to be an SQLite database."""
    try:
        source = sqlite3.connect(f"{damaged.as_uri()}?mode=ro", uri=True, timeout=0)
    except sqlite3.Error as error:
        _log.warning("Nothing could be recovered from %s: %s", damaged, error)
        return 0
    with closing(source):
        try:
            # A file cut short (a crash or a full disk while it grew) has lost the pages of
            # the indexes made last, and SQLite then refuses to load any table of it. With
            # this, it loads what it can and reads the table all the same. The connection is
            # read-only, so nothing of the file can be changed by it.
            source.execute("PRAGMA writable_schema = ON")
            present = {str(row[1]) for row in source.execute("PRAGMA table_info(links)")}
        except sqlite3.Error as error:
            _log.warning("Nothing could be recovered from %s: %s", damaged, error)
            return 0
        columns = [column for column in ENTRY_COLUMNS if column in present and column != "id"]
        if not columns:
            return 0
        try:
            return _store(into, _readable_rows(source, columns))
        except sqlite3.Error as error:  # the new file refused (a full disk, say)
            _log.warning("The links recovered from %s could not be stored: %s", damaged, error)
        except Exception:  # a damaged file read in a way not foreseen here
            # The new history must open all the same: nobody may be kept from making links.
            _log.exception("The links of %s could not be recovered", damaged)
        return 0


def _readable_rows(source: sqlite3.Connection, columns: Sequence[str]) -> Iterator[list[object]]:
    """Every row of ``links`` that can be read, as the values of ``ENTRY_COLUMNS`` (those of
    columns the file lacks as an upgrade fills them), in row id order."""
    select = (
        f"SELECT rowid, {', '.join(columns)} FROM links NOT INDEXED "  # noqa: S608
        "WHERE rowid >= ? ORDER BY rowid"
    )

    # Where each of ENTRY_COLUMNS is in a row read (the id first), or its value if it is not.
    places = [1 + columns.index(column) if column in columns else None for column in ENTRY_COLUMNS]
    places[0] = 0
    filled = [_ADDED_LATER.get(column) for column in ENTRY_COLUMNS]

    def as_values(row: Sequence[object]) -> list[object]:
        return [
            row[place] if place is not None else value
            for place, value in zip(places, filled, strict=True)
        ]

    start: int | None = _FIRST_ROWID
    while start is not None:
        try:
            for row in source.execute(select, (start,)):
                yield as_values(row)
                start = _after(row)
            return
        except sqlite3.DatabaseError:
            pass  # said below, once the rows left out are known
        if start is None:
            return
        # Python's cursor reads a row ahead and drops the row it holds when reading the next
        # one fails, so the first row from ``start`` on may well be readable: read it alone.
        try:
            first = source.execute(f"{select} LIMIT 1", (start,)).fetchone()
        except sqlite3.DatabaseError as error:
            following = _next_readable(source, select, start)
            _log.warning(
                "History rows with ids from %d %s cannot be read and are left out: %s",
                start,
                "on" if following is None else f"to {following - 1}",
                error,
            )
            start = following
            continue
        if first is None:
            return
        yield as_values(first)
        start = _after(first)


def _after(row: Sequence[object]) -> int | None:
    """The row id after ``row``'s; None after the largest there can be (no row comes after
    it, so the reading that returned it is the last)."""
    rowid = int(str(row[0]))
    return rowid + 1 if rowid < _LAST_ROWID else None


def _next_readable(source: sqlite3.Connection, select: str, unreadable: int) -> int | None:
    """The smallest row id after ``unreadable`` from which reading works again (the next
    readable row, or the end of the table); None if none is found up to the largest row id."""

    def readable_from(rowid: int) -> bool:
        try:
            source.execute(f"{select} LIMIT 1", (rowid,)).fetchone()
        except sqlite3.DatabaseError:
            return False
        return True

    bad, jump = unreadable, 1
    while True:  # doubling the jump: at most 64 reads
        probe = min(unreadable + jump, _LAST_ROWID)
        if readable_from(probe):
            good = probe
            break
        if probe == _LAST_ROWID:
            return None
        bad, jump = probe, jump * 2
    while good - bad > 1:  # halving back: at most 64 reads more
        middle = bad + (good - bad) // 2
        if readable_from(middle):
            good = middle
        else:
            bad = middle
    return good


def _store(into: sqlite3.Connection, rows: Iterator[list[object]]) -> int:
    """Insert the rows this program can read as entries, in one transaction; how many."""
    stored = 0
    into.execute("BEGIN IMMEDIATE")
    try:
        with indexes_set_aside(into):  # built once over the recovered links
            part: list[tuple[object, ...]] = []
            for row in rows:
                complete = _with_derived_columns(row)
                if complete is not None:
                    part.append(complete)
                if len(part) >= _PART:
                    stored += _insert_part(into, part)
                    part = []
            stored += _insert_part(into, part)
        into.execute("COMMIT")
    except BaseException:
        if into.in_transaction:
            into.execute("ROLLBACK")
        raise
    return stored


def _insert_part(into: sqlite3.Connection, part: list[tuple[object, ...]]) -> int:
    """Insert ``part``; a row the table refuses (a value its checks reject) is left out."""
    into.execute("SAVEPOINT part")
    try:
        into.executemany(_INSERT, part)
        into.execute("RELEASE part")
        return len(part)
    except sqlite3.IntegrityError:
        into.execute("ROLLBACK TO part")
        into.execute("RELEASE part")
    stored = 0
    for row in part:
        try:
            into.execute(_INSERT, row)
            stored += 1
        except sqlite3.IntegrityError as error:
            _log.warning("History entry %s could not be recovered: %s", row[0], error)
    return stored


def _with_derived_columns(row: list[object]) -> tuple[object, ...] | None:
    """A row of ``ENTRY_COLUMNS`` with its keys and searched text, made by the functions a
    link made now gets them from (see ``schema.register_functions``); None for a row whose
    values a damaged page turned into something no link has."""
    if bytes in map(type, row):
        return None  # no column holds bytes: the record itself was damaged
    texts = [row[place] for place in _SEARCHED]
    searched = [text for text in texts if text is None or isinstance(text, str)]
    if len(searched) != len(texts):
        return None  # a number where a name was: the record itself was damaged
    try:
        entry_from_row(row)  # what the history panel reads it as
    except (ValueError, TypeError):
        return None
    organization, email = searched[0], searched[1]
    return (*row, organization_key(organization), fold(email), search_text(*searched))
