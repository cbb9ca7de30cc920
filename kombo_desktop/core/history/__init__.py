"""The local history of every link and reconnection link this program made.

Kombo keeps no list of the links it hands out and does not deduplicate them, so this file is the
only memory of what staff sent to whom. It backs the history panel (search, copy again, export)
and the duplicate warning shown before a second link for the same customer and tool is made.

Import everything from here; the modules behind it are split by concern:

- :mod:`.entries`: :class:`HistoryEntry` and its kind and status, :class:`HistoryError`,
  :class:`WriteTrouble`, why the file could not take a link yet, and :class:`ExportStopped`.
- :mod:`.store`: :class:`HistoryStore`, the one connection: saving the links handed over,
  reading and deleting.
- :mod:`.searching`: what a search looks for, as SQL and for one entry.
- :mod:`.snapshot`: the export's read, on a connection of its own beside the store's.
- :mod:`.ordering`: the order of the history, newest first, also for a link dated later than
  now by a clock that was ahead.
- :mod:`.recording`: how a link that was made is handed over (``queue_request``) and
  becomes a stored entry, and :class:`CustomerDetails`, whom a reconnection link is for.
- :mod:`.duplicates`: the duplicate check's rules.
- :mod:`.waiting`: the links handed over and not in the file yet (a worker writes them; a
  full disk or another program writing it makes them wait longer), and why a write was
  refused.
- :mod:`.schema`: the table, :data:`MIGRATIONS` and how a row becomes an entry.
- :mod:`.opening`: opening the file, setting aside one that cannot be read, and whether
  another program holds it locked.
- :mod:`.recovery`: carrying the links that can still be read out of a damaged file into the
  new history.
- :mod:`.refolding`: how an upgrade makes the keys and searched text of old rows again, once
  per row; :mod:`.bulk`: changing many rows at once.
- :mod:`.normalise`: how texts are cleaned and made searchable, and times stored (the fold
  and the organisation key come from :mod:`kombo_desktop.core.letters`).
- :mod:`.export`: the CSV export.
"""

from __future__ import annotations

from kombo_desktop.core.history.entries import (
    ENDED_DEMO_STATUS,
    EntryKind,
    ExportStopped,
    HistoryEntry,
    HistoryError,
    LinkStatus,
    WriteTrouble,
    failure_words,
)
from kombo_desktop.core.history.export import CSV_HEADER, csv_separator, export_csv
from kombo_desktop.core.history.opening import held_by_another_program
from kombo_desktop.core.history.recording import CustomerDetails
from kombo_desktop.core.history.schema import MIGRATIONS, SCHEMA_VERSION
from kombo_desktop.core.history.searching import ALL_LINKS, Showing, WhichLinks
from kombo_desktop.core.history.store import HistoryStore
from kombo_desktop.core.letters import fold

__all__ = [
    "ALL_LINKS",
    "CSV_HEADER",
    "ENDED_DEMO_STATUS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "CustomerDetails",
    "EntryKind",
    "ExportStopped",
    "HistoryEntry",
    "HistoryError",
    "HistoryStore",
    "LinkStatus",
    "Showing",
    "WhichLinks",
    "WriteTrouble",
    "csv_separator",
    "export_csv",
    "failure_words",
    "fold",
    "held_by_another_program",
]
