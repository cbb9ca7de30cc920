"""Making the keys and the searched text of existing rows again, once per row, in an upgrade.

Several released upgrade steps make the derived columns of existing rows again (the fold got
better, the search learnt accents, the organisation key lost its punctuation). Run as written,
each such statement called the Python functions behind its SQL once per row and column while
SQLite kept every index on those columns up to date: an old file of 100,000 links made every
row's searched text three times, and took 5.0 s of processor time to upgrade, 18.5 s when every
organisation's name had an umlaut (24 s in the window on a loaded machine).

The upgrade therefore runs those statements as a :class:`Refold`, which says what the statement
does: the other statements of the steps run as written and in order, while the refolds wait
until something could read the derived columns, or until the end. The waiting refolds are then
made in one pass over the rows: each column of a row is made once, by the last refold that
would have made it, which is the value running them one after another leaves; a row none of
them is for keeps its values. Which rows a refold is for is still decided by its own SQL
condition. The indexes on the columns made are built again afterwards, once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, TypeAlias

from kombo_desktop.core.history.bulk import indexes_set_aside

# A derived column's function, as registered for SQL: texts (None for NULL) in, a text out.
MadeBy: TypeAlias = Callable[..., str]
# Which columns of a row read (by their place) a column is made from, and by what.
_Plan: TypeAlias = list[tuple[int, MadeBy, tuple[int, ...]]]

# Rows are read and made again this many at a time, so that a large file is never in memory.
_CHUNK: Final = 5000
# From this many rows on, the indexes on the columns made are built again afterwards rather
# than kept up to date row by row.
_MANY_ROWS: Final = 1000


@dataclass(frozen=True)
class Made:
    """One derived column a refold makes: ``column = function(*inputs)``."""

    column: str
    function: MadeBy
    inputs: tuple[str, ...]


@dataclass(frozen=True)
class Refold:
    """What a released statement that makes derived columns again does: the columns it makes,
    and for which rows (an SQL condition on the row, as the statement's ``WHERE`` says it;
    None: every row). It must leave exactly what the statement leaves (a test compares them)."""

    makes: tuple[Made, ...]
    only_where: str | None = None


def refold(conn: sqlite3.Connection, refolds: Sequence[Refold]) -> None:
    """Make what ``refolds``, run in this order, would make, with each column of a row made
    once. Runs inside the caller's transaction."""
    if not refolds:
        return
    reading = _Reading(refolds)
    (rows,) = conn.execute("SELECT count(*) FROM links").fetchone()
    if rows >= _MANY_ROWS:
        with indexes_set_aside(conn, reading.columns):
            reading.make_again(conn)
    else:
        reading.make_again(conn)


class _Reading:
    """The query that reads what ``refolds`` need, and how each row is made again from it."""

    def __init__(self, refolds: Sequence[Refold]) -> None:
        self._refolds = refolds
        self.columns = list(dict.fromkeys(made.column for each in refolds for made in each.makes))
        self._inputs = list(
            dict.fromkeys(name for each in refolds for made in each.makes for name in made.inputs)
        )
        self._conditions = list(
            dict.fromkeys(each.only_where for each in refolds if each.only_where is not None)
        )
        # The row id, the columns as they are, the inputs, and whether each condition holds
        # (as a WHERE takes it: NULL and 0 do not).
        self._select = (
            f"SELECT rowid, {', '.join(self.columns)}, {', '.join(self._inputs)}"  # noqa: S608
            + "".join(f", CASE WHEN {where} THEN 1 ELSE 0 END" for where in self._conditions)
            + " FROM links WHERE rowid > ? ORDER BY rowid LIMIT ?"
        )
        self._update = (
            f"UPDATE links SET {', '.join(f'{column} = ?' for column in self.columns)}"  # noqa: S608
            " WHERE rowid = ?"
        )
        self._first_input = 1 + len(self.columns)
        self._first_condition = self._first_input + len(self._inputs)
        self._plans: dict[tuple[object, ...], _Plan] = {}

    def make_again(self, conn: sqlite3.Connection) -> None:
        """Read the rows a chunk at a time, and write the changed ones back."""
        after = -(2**63)
        while True:
            rows = conn.execute(self._select, (after, _CHUNK)).fetchall()
            if not rows:
                return
            conn.executemany(self._update, [made for made in map(self._made, rows) if made])
            after = rows[-1][0]

    def _made(self, row: Sequence[object]) -> list[object] | None:
        """The values to write for ``row`` (its id last), or None when nothing changes."""
        holds = tuple(row[self._first_condition :])
        plan = self._plans.get(holds)
        if plan is None:
            plan = self._plans[holds] = self._plan(holds)
        was = row[1 : self._first_input]
        values = list(was)
        for place, function, sources in plan:
            values[place] = function(*(row[source] for source in sources))
        return None if tuple(values) == tuple(was) else [*values, row[0]]

    def _plan(self, holds: tuple[object, ...]) -> _Plan:
        """What a row for which the conditions hold as ``holds`` has made: each column by the
        last refold for that row that makes it."""
        chosen: dict[str, Made] = {}
        for each in self._refolds:
            if each.only_where is None or holds[self._conditions.index(each.only_where)]:
                chosen.update({made.column: made for made in each.makes})
        return [
            (
                self.columns.index(column),
                made.function,
                tuple(self._first_input + self._inputs.index(name) for name in made.inputs),
            )
            for column, made in chosen.items()
        ]
