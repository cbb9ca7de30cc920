"""One long read of the history on a connection of its own, beside the store's: the export.

The store shares its one connection under a lock (see :mod:`.store`), which is right for its
short reads and writes. Reading a whole history of 100,000 links for the CSV export through it
held that lock for one to three seconds, and the duplicate check, which Create asks on the
window's thread, waited for it: the window froze.

In WAL mode (which :mod:`.opening` sets) a second connection reads beside the first without
holding up its reads or writes, and one statement reads one snapshot of the file: every link
saved when the statement began, each once, whatever is saved or deleted while it runs (links
saved meanwhile are left out). Reading the same in pages through the store's connection,
letting go of the lock between them, would see those changes: an offset skips or repeats rows
when others come and go before them, and the history's order (see :mod:`.ordering`) is no key
to page by, as a link's place can change while the export reads.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping
from contextlib import closing, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kombo_desktop.core.history.searching import register_search_functions

if TYPE_CHECKING:
    from kombo_desktop.core.cancel import CancelToken

# One logger for the whole history package, so its lines read the same whichever module writes.
_log = logging.getLogger(__package__)


def read_snapshot(
    path: Path,
    busy_timeout: float,
    query: str,
    parameters: Mapping[str, object],
    stop: CancelToken | None = None,
) -> list[Any] | None:
    """The rows ``query`` finds in the history at ``path``, read on a read-only connection of
    their own, or None when the file cannot be read beside the store's connection: it is not
    in WAL mode (some network drives, see :mod:`.opening`), where a reader would keep the
    store from saving links until it is done, or it cannot be opened that way. The caller
    then reads through the store. Raises :class:`sqlite3.Error` if the read itself fails, or
    is interrupted once ``stop`` is cancelled (the window is closing)."""
    try:
        reader = sqlite3.connect(
            f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=busy_timeout
        )
    except sqlite3.Error as error:
        _log.info("The history cannot be read beside its connection: %s", error)
        return None
    with closing(reader):
        try:
            (journal,) = reader.execute("PRAGMA journal_mode").fetchone()
        except sqlite3.Error as error:
            _log.info("The history cannot be read beside its connection: %s", error)
            return None
        if str(journal).lower() != "wal":
            return None
        register_search_functions(reader)  # the search's query calls them
        if stop is None:
            return reader.execute(query, parameters).fetchall()
        # SQLite stops a read when asked from another thread; never once this one has closed.
        stop_listening = stop.on_cancel(lambda: _interrupt(reader))
        try:
            return reader.execute(query, parameters).fetchall()
        finally:
            stop_listening()


def _interrupt(reader: sqlite3.Connection) -> None:
    """Stop ``reader``'s read (an ``sqlite3.OperationalError`` raised there): asked from the
    window's thread, perhaps as the read ends and its connection closes."""
    with suppress(sqlite3.ProgrammingError):  # closed meanwhile: nothing left to stop
        reader.interrupt()
