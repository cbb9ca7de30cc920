"""The history store: one SQLite connection, shared safely by the window and its workers.

Storage is one SQLite file (``AppPaths.history_file``) in WAL mode, so the window can read while
a write is in progress and a crash never leaves a half-written entry.

Threading: one connection, opened with ``check_same_thread=False`` and guarded by a lock. The
window reads on the UI thread and writes only from workers (it hands a link over with
``queue_request``, which writes nothing); every call is short (an indexed query with a
``LIMIT``, or a single-row write), so serialising them costs nothing noticeable, and a single
connection can be closed deterministically, which matters on Windows where an open handle keeps
the file from being renamed or deleted. A write that another program holds up waits with the
lock let go (see ``_write_patiently``): a read meanwhile waits at most for one try. The export
alone, which reads every entry, reads on a connection of its own, opened and closed for it (see
:mod:`.snapshot`).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Final, TypeVar

from kombo_desktop.core.cancel import CancelToken
from kombo_desktop.core.history.duplicates import DuplicateCheck
from kombo_desktop.core.history.entries import (
    ROWS_BETWEEN_LOOKS,
    EntryKind,
    ExportStopped,
    HistoryEntry,
    HistoryError,
    WriteTrouble,
)
from kombo_desktop.core.history.normalise import as_utc, optional_text, stored_time
from kombo_desktop.core.history.opening import open_history
from kombo_desktop.core.history.recording import (
    INSERT_ENTRY,
    NAME_RELINK_ORGANIZATION,
    NewEntry,
    Recording,
)
from kombo_desktop.core.history.schema import ENTRY_COLUMN_LIST, entry_from_row
from kombo_desktop.core.history.searching import (
    ALL_LINKS,
    SearchQuery,
    Showing,
    WhichLinks,
    entry_matches,
)
from kombo_desktop.core.history.snapshot import read_snapshot
from kombo_desktop.core.history.waiting import WaitingLinks, write_trouble
from kombo_desktop.core.letters import without_lone_surrogates
from kombo_desktop.core.vocabulary import Category

_T = TypeVar("_T")

# One logger for the whole history package, so its lines read the same whichever module writes.
_log = logging.getLogger(__package__)

_READ_FAILED: Final = "The link history could not be read. Try again, or restart the program."

# The queries are fixed text with bound parameters: only the constant column list is put into
# the text, never a value (the search's queries are made in .searching, the insert in
# .recording, by the same rule).
_GET: Final = f"SELECT {ENTRY_COLUMN_LIST} FROM links WHERE id = :id"  # noqa: S608

# The duplicate check's rules for where a link was made (see ``DuplicateCheck.find_duplicate``):
# the profile, or any profile in the same Kombo environment when it is known; demo or not
# (NULL: either); the Kombo environment when both are known.
_MADE_FOR_INTEGRATION: Final = """
    SELECT EXISTS (
        SELECT 1 FROM links
        WHERE (profile = :profile OR environment_id = :environment_id)
            AND integration_id = :integration_id
            AND (:demo IS NULL OR demo = :demo)
            AND (environment_id IS NULL OR :environment_id IS NULL
                 OR environment_id = :environment_id))
"""


def _readable_entry(row: Sequence[object]) -> HistoryEntry | None:
    """The entry of a stored row, or None for a row whose values this program cannot read.

    Such a row was changed outside the program (or by a damaged disk); one of them must not take
    every other entry of the history with it, so it is left out and only its number is logged.
    """
    try:
        return entry_from_row(row)
    except (ValueError, TypeError) as error:
        _log.warning("History entry %s is damaged and left out: %s", row[0], type(error).__name__)
        return None


def _readable_entries(
    rows: Sequence[Sequence[object]], stop: CancelToken | None = None
) -> list[HistoryEntry]:
    """The entries of the rows a search returned (each ending with the time it is ordered
    by, see ``SearchQuery.entries_query``), leaving out those that cannot be read. Raises
    ExportStopped once ``stop`` is cancelled: 100,000 entries take a second or two."""
    if stop is None:
        entries = (_readable_entry(row[:-1]) for row in rows)
        return [entry for entry in entries if entry is not None]
    readable = []
    for start in range(0, len(rows), ROWS_BETWEEN_LOOKS):
        if stop.cancelled:
            raise ExportStopped
        readable.extend(_readable_entries(rows[start : start + ROWS_BETWEEN_LOOKS]))
    return readable


# How long a write waits for another program writing the same file (and opening, or a read,
# for one holding it locked). Another copy of this program writes for milliseconds; a database
# browser holding the file open for writing holds it until its changes are written, and a
# longer wait (it was 5 s) only put off saying so. The window writes on worker threads, which
# wait with the store's lock let go (``save_waiting_patiently``, ``_write_patiently``); when it
# wrote links on its own thread, it froze this long for every link while such a program held
# the file.
BUSY_TIMEOUT_SECONDS = 1.0
# How long a write that another program holds up pauses, the lock let go, before it tries
# again: SQLite's own wait tries about as often.
_PAUSE_SECONDS = 0.05
# How long closing waits for another program writing the file, to save the links still
# waiting (see :mod:`.waiting`): once, and briefly, as the program is ending.
CLOSING_WAIT_SECONDS = 0.5


class HistoryStore(Recording, DuplicateCheck):
    """The history file: record links, search them, find duplicates.

    How the window uses it::

        store = HistoryStore(paths.history_file)   # at start-up; show store.problem if set
        earlier = store.duplicate_of(request, profile=name)   # before sending; None: go ahead
        store.queue_request(request, url, profile=name, tool_label=label)  # after: kept
        store.save_waiting_patiently()              # on a worker: written into the file
        saved = store.take_saved_late()             # their entries, for the panel
        store.search(text, limit=200), store.count(text)       # the panel, newest first
        store.first_page(text, 200)                             # both at once
        entry.status(), export_csv(entries, path)
        store.delete(entry.id), store.rename_profile(old, new)  # on a worker, as they write
        store.close()                                           # when the window closes

    Recording comes from :class:`~.recording.Recording`, the duplicate check from
    :class:`~.duplicates.DuplicateCheck`; this class owns the connection they go through.

    Every method is thread-safe. Deleting and renaming raise :class:`HistoryError` (a plain
    sentence) when the disk refuses, and reading methods should the file be damaged while
    open; a link the file refuses is kept instead (below).

    Every link enters by ``queue_request``: it waits in memory (:mod:`.waiting`) until a
    worker writes it with :meth:`save_waiting_patiently` (or a retry with :meth:`save_waiting`),
    and the duplicate check knows it meanwhile. A link the file refuses (a full disk, another
    program writing it) is not dropped either: it keeps waiting, :attr:`trouble` says why, and
    a link handed over after it waits behind it, so that the links are saved in the order they
    were made. :meth:`close` tries once more; :meth:`take_saved_late` hands out the entries
    saved since it was last asked.
    """

    def __init__(self, path: Path, *, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> None:
        """Open (creating or upgrading) the history at ``path``; never raises.

        ``busy_timeout`` is how many seconds to wait for another copy of the program that is
        writing the same file at that moment.
        """
        self.path = path
        opened = open_history(path, busy_timeout)
        self.problem: str | None = opened.problem
        """A sentence for the window when the history could not be used as it was; else None."""
        self.set_aside: Path | None = opened.set_aside
        """Where an unreadable history file was moved, if that happened at start-up."""
        self.in_memory = opened.in_memory
        """True when the file could not be opened and entries last only for this session."""
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = opened.connection
        self._busy_timeout = busy_timeout
        self._waiting = WaitingLinks()
        self._saved_late: list[HistoryEntry] = []

    # ----------------------------------------------------------------------------- writing

    def _queue(self, new: NewEntry) -> None:
        """Keep ``new`` after the links waiting, writing nothing (see ``queue_request``)."""
        values = new.stored_values()  # once: the link is saved as it was made
        with self._lock:
            self._connection()  # closed: RuntimeError, as for a write
            try:
                self._waiting.keep(values)
            except sqlite3.Error as error:  # not even memory to spare: the link is lost
                _log.warning("A link could not be kept to be saved later: %s", error)
                raise HistoryError("The link could not be saved in the history.") from error

    @property
    def waiting(self) -> int:
        """How many links wait to be saved in the file: handed over and not written yet, or
        refused by it (see :attr:`trouble`)."""
        with self._lock:
            return len(self._waiting)

    @property
    def trouble(self) -> WriteTrouble | None:
        """Why the file refused the links waiting, while they wait; None when none waits, or
        those waiting were handed over and not tried yet."""
        with self._lock:
            return self._waiting.trouble if self._waiting else None

    def save_waiting_patiently(
        self, *, patience: float | None = None, cancel: CancelToken | None = None
    ) -> int:
        """Save the links waiting, oldest first, as :meth:`save_waiting`, for a worker thread;
        returns how many still wait.

        Another program writing the file is waited for, ``patience`` seconds at most (default:
        the store's ``busy_timeout``), with the lock let go between tries: reading meanwhile
        (the window's duplicate check) waits for one try at most, never for that program. A
        full disk or a folder that refuses writing is not waited for; nor is anything once
        ``cancel`` is cancelled (the window closes: closing the store tries once more).
        """
        deadline = time.monotonic() + (self._busy_timeout if patience is None else patience)
        while True:
            with self._locked("The links waiting could not be saved in the history.") as conn:
                if self._waiting:
                    self._save_waiting(conn, 0)
                left, trouble = len(self._waiting), self._waiting.trouble
            if (
                not left
                or trouble is not WriteTrouble.HELD_BY_ANOTHER_PROGRAM
                or time.monotonic() >= deadline
            ):
                return left
            if cancel is None:
                time.sleep(_PAUSE_SECONDS)
            elif cancel.wait(_PAUSE_SECONDS):
                return left

    def save_waiting(self, *, wait: float | None = None) -> int:
        """Try to save the links waiting, oldest first, stopping at the first the file still
        refuses; returns how many still wait. ``wait``: the seconds to wait for another
        program writing the file (default: the store's ``busy_timeout``); 0, for a retry
        made every few seconds, holds up no one reading meanwhile. The entries saved are
        handed out by :meth:`take_saved_late`."""
        with self._locked("The links waiting could not be saved in the history.") as conn:
            if self._waiting:
                self._save_waiting(conn, wait)
            return len(self._waiting)

    def take_saved_late(self) -> list[HistoryEntry]:
        """The entries of the links saved in the file since the last call, oldest first: every
        link handed over waits until a worker saves it (the window lists them, and tells the
        person who was told a link was not saved yet that it is now)."""
        with self._lock:
            saved, self._saved_late = self._saved_late, []
        return saved

    def _save_waiting(self, conn: sqlite3.Connection, wait: float | None = None) -> None:
        """Save the links waiting, oldest first, until the file refuses one; under the lock."""
        if wait is not None:
            conn.execute(f"PRAGMA busy_timeout = {round(wait * 1000):d}")
        # Every link passes through the queue; only one the file refused before is worth a line.
        refused_before = self._waiting.trouble is not None
        try:
            while (oldest := self._waiting.oldest()) is not None:
                memory_id, values = oldest
                try:
                    row = conn.execute(INSERT_ENTRY, values).fetchone()
                except sqlite3.Error as error:
                    self._waiting.trouble = write_trouble(error, self.path.parent)
                    _log.info("%d link(s) still wait to be saved: %s", len(self._waiting), error)
                    return
                self._waiting.saved(memory_id)
                self._saved_late.append(entry_from_row(row))
                if refused_before:
                    _log.info("A link that had to wait is now saved in the history")
        finally:
            if wait is not None:
                conn.execute(f"PRAGMA busy_timeout = {self._busy_milliseconds:d}")

    def delete(self, entry_id: int) -> bool:
        """Remove one entry; False if there was none with that id. Waits for another program
        writing the file as :meth:`_write_patiently` does: for a worker thread."""
        deleted = self._write_patiently(
            lambda conn: conn.execute("DELETE FROM links WHERE id = ?", (entry_id,)).rowcount,
            "The entry could not be deleted from the history.",
        )
        return deleted > 0

    def rename_profile(self, old: str, new: str) -> int:
        """The entries of profile ``old`` now belong to ``new`` (the profile was renamed): the
        duplicate check looks for earlier links by profile, and would miss all of them.
        Returns how many entries changed. Waits for another program writing the file as
        :meth:`_write_patiently` does: for a worker thread."""
        changed: int = self._write_patiently(
            lambda conn: (
                conn.execute(
                    "UPDATE links SET profile = ? WHERE profile = ?",
                    (without_lone_surrogates(new), without_lone_surrogates(old)),
                ).rowcount
            ),
            "The history could not follow the renamed profile.",
        )
        return changed

    def name_relink_organization(
        self, url: str, organization: str, category: Category | None = None
    ) -> HistoryEntry | None:
        """Name ``organization`` (and ``category``, when it has none) in the entry of the
        reconnection link ``url`` if it was recorded naming no customer: Kombo said whose
        integration it is only after the link was made (the reconnection tab asks it as the
        id is typed). Without this the entry had no organisation for good, and searching the
        history or its export for the customer missed the link.

        An entry naming a customer (from where the reconnection was started, or an earlier
        one) is left as it is. A link still waiting to be saved is saved with the name.
        Returns the entry as it is now in the file; None when it was completed while
        waiting, or there was none to complete. Waits for another program writing the file
        as :meth:`_write_patiently` does: for a worker thread."""
        name = optional_text(organization)
        if name is None:
            return None
        parameters = {
            "url": without_lone_surrogates(url),
            "kind": EntryKind.RELINK.value,
            "organization": name,
            "category": None if category is None else Category(category).value,
        }

        def write(conn: sqlite3.Connection) -> HistoryEntry | None:
            if self._waiting.name_organization(NAME_RELINK_ORGANIZATION, parameters):
                return None
            rows = conn.execute(NAME_RELINK_ORGANIZATION, parameters).fetchall()
            if not rows:
                return None
            named = entry_from_row(rows[0])
            # Saved by a worker and not listed yet: listed with the name.
            self._saved_late = [named if e.id == named.id else e for e in self._saved_late]
            return named

        return self._write_patiently(write, "The history could not name the customer.")

    def _write_patiently(
        self, write: Callable[[sqlite3.Connection], _T], failure_message: str
    ) -> _T:
        """``write`` on the connection, another program writing the file waited for as long
        as the store's ``busy_timeout``, with the lock let go between tries: SQLite's own wait
        would hold the lock, and every read with it (the window's duplicate check). Failing,
        raises :class:`HistoryError` with ``failure_message``."""
        deadline = time.monotonic() + self._busy_timeout
        while True:
            with self._lock:
                conn = self._connection()
                try:
                    conn.execute("PRAGMA busy_timeout = 0")
                    try:
                        return write(conn)
                    finally:
                        conn.execute(f"PRAGMA busy_timeout = {self._busy_milliseconds:d}")
                except sqlite3.Error as error:
                    held = (
                        write_trouble(error, self.path.parent)
                        is WriteTrouble.HELD_BY_ANOTHER_PROGRAM
                    )
                    if not held or time.monotonic() >= deadline:
                        _log.warning("History operation failed: %s", error)
                        raise HistoryError(failure_message) from error
            time.sleep(_PAUSE_SECONDS)

    @property
    def _busy_milliseconds(self) -> int:
        return round(self._busy_timeout * 1000)

    # ----------------------------------------------------------------------------- reading

    def get(self, entry_id: int) -> HistoryEntry | None:
        """The entry with this id, or None."""
        return self._first_entry(_GET, {"id": entry_id})

    def search(
        self,
        text: str = "",
        *,
        limit: int | None = 500,
        offset: int = 0,
        which: WhichLinks = ALL_LINKS,
    ) -> list[HistoryEntry]:
        """Entries whose organisation, e-mail, customer id, tool or integration id contain
        ``text``, whose kind of system it names ("recruiting", "ATS": see
        :func:`~.normalise.categories_named`), or whose link it is or has a piece of (pasted
        in: see :func:`~.normalise.pasted_link`). What is matched how: :mod:`.searching`.

        Newest first. Matching ignores case, accents (typed or not, written differently, or
        German umlauts spelt out) and extra spaces; every character, including ``%``, ``_`` and
        quotes, is taken literally. An empty or blank ``text`` returns everything.
        ``limit``/``offset`` page through long histories (``limit=None``: no limit); ``which``
        keeps to the links that still work, or to those that no longer do.
        """
        if offset < 0 or (limit is not None and limit < 0):
            raise ValueError("limit and offset must not be negative")
        search = SearchQuery.for_text(text, which=which)
        params = {
            **search.parameters,
            "limit": -1 if limit is None else limit,
            "offset": offset,
        }
        with self._locked(_READ_FAILED) as conn:
            rows = conn.execute(search.entries_query(), params).fetchall()
        return _readable_entries(rows)

    def export_entries(
        self, text: str = "", *, stop: CancelToken | None = None, which: WhichLinks = ALL_LINKS
    ) -> list[HistoryEntry]:
        """Every entry :meth:`search` finds for ``text`` among ``which`` links, newest first,
        for the CSV export: read without the store's lock, on a connection of its own (see
        :mod:`.snapshot`), so that the duplicate check and the window's other reads do not
        wait for a long history to be read. One snapshot: every entry saved when the read
        began, each once; one saved meanwhile is left out. Where the file cannot be read so (a
        history kept in memory, a file system without WAL), read through the store as
        :meth:`search` does. Raises ExportStopped soon after ``stop`` is cancelled (the window
        is closing), while the rows are read beside the store's connection or the entries made
        from them."""
        with self._lock:
            self._connection()  # RuntimeError after close(), as for every read
        if self.in_memory:
            return self.search(text, limit=None, which=which)
        if stop is not None and stop.cancelled:
            raise ExportStopped
        search = SearchQuery.for_text(text, which=which)
        parameters = {**search.parameters, "limit": -1, "offset": 0}
        try:
            rows = read_snapshot(
                self.path, self._busy_timeout, search.entries_query(), parameters, stop
            )
        except sqlite3.Error as error:
            if stop is not None and stop.cancelled:  # interrupted, as asked
                raise ExportStopped from error
            _log.warning("Reading the history for the export failed: %s", error)
            raise HistoryError(_READ_FAILED) from error
        if rows is None:
            return self.search(text, limit=None, which=which)
        return _readable_entries(rows, stop)

    def first_page(
        self, text: str, limit: int, which: WhichLinks = ALL_LINKS
    ) -> tuple[list[HistoryEntry], int]:
        """The newest ``limit`` entries :meth:`search` finds for ``text`` among ``which``
        links, and :meth:`count`.

        What the panel asks whenever the search changes. A search for one customer or one
        link finds fewer entries than a page holds, and must read a long history through to
        know there are no more: the page then tells the count, and the history is read once
        for both, not twice.
        """
        if limit < 1:
            raise ValueError("a page holds at least one entry")
        search = SearchQuery.for_text(text, which=which)
        with self._locked(_READ_FAILED) as conn:
            params = {**search.parameters, "limit": limit, "offset": 0}
            rows = conn.execute(search.entries_query(), params).fetchall()
            if len(rows) < limit:
                total = len(rows)  # damaged entries too, left out below, as count() does
            else:
                (total,) = conn.execute(search.count_query(), search.parameters).fetchone()
        return _readable_entries(rows), int(total)

    @staticmethod
    def matches(entry: HistoryEntry, text: str, which: WhichLinks = ALL_LINKS) -> bool:
        """Whether :meth:`search` for ``text`` among ``which`` links finds ``entry`` (without
        reading the file): a list on show can take a link just made without being read
        again."""
        return entry_matches(entry, text, which)

    def next_expiry(self, text: str = "", demo_origin: str | None = None) -> datetime | None:
        """When the next of the links that still work a search for ``text`` finds expires
        (demo links working where ``demo_origin`` says the demo service runs now): the moment
        it joins those that no longer work, which a list of them on show gains then. None when
        none of them works (or the time stored is not one)."""
        search = SearchQuery.for_text(text, which=WhichLinks(Showing.WORKING, demo_origin))
        with self._locked(_READ_FAILED) as conn:
            (moment,) = conn.execute(search.next_expiry_query(), search.parameters).fetchone()
        if moment is None:
            return None
        try:
            return as_utc(datetime.fromisoformat(str(moment)))
        except ValueError:
            return None

    def count(self, text: str = "", which: WhichLinks = ALL_LINKS) -> int:
        """How many entries :meth:`search` would find for ``text`` without a limit."""
        search = SearchQuery.for_text(text, which=which)
        with self._locked(_READ_FAILED) as conn:
            (total,) = conn.execute(search.count_query(), search.parameters).fetchone()
        return int(total)

    def made_for_integration(
        self,
        integration_id: str,
        *,
        profile: str,
        demo: bool | None = False,
        environment_id: str | None = None,
    ) -> bool:
        """Whether ``profile``, or any profile in the Kombo environment ``environment_id``,
        made a link for ``integration_id`` (a reconnection link): a demo link exactly when
        ``demo`` is true (None: either), in the Kombo environment ``environment_id`` when
        both it and the link's are known, as the duplicate check counts earlier links (it
        offers a link made with another profile in the same environment). Expired links
        count too: the integration was there then.

        Kombo answering "no such integration" for an id this profile made links for means
        the integration was removed in Kombo, rather than mistyped or in another region.
        """
        parameters = {
            "integration_id": integration_id.strip(),
            "profile": without_lone_surrogates(profile),
            "demo": None if demo is None else int(demo),
            "environment_id": optional_text(environment_id),
        }
        with self._locked(_READ_FAILED) as conn:
            (made,) = conn.execute(_MADE_FOR_INTEGRATION, parameters).fetchone()
        return bool(made)

    def _first_entry(self, query: str, parameters: Mapping[str, object]) -> HistoryEntry | None:
        with self._locked(_READ_FAILED) as conn:
            row = conn.execute(query, parameters).fetchone()
        return None if row is None else _readable_entry(row)

    def _newest_entry(self, query: str, parameters: Mapping[str, object]) -> HistoryEntry | None:
        """The newer of the entries of the first rows ``query`` returns from the file and
        from the links waiting to be saved in it (they were made all the same), or None. Each
        row ends with the time it counts as made (see :mod:`.ordering`).

        A link waiting is saved after every link in the file: it is the newer on a tie, and
        always newer than one dated later than ``parameters["now"]`` (its clock was ahead).
        """
        with self._locked(_READ_FAILED) as conn:
            saved = conn.execute(query, parameters).fetchone()
            waiting = self._waiting.first_row(query, parameters)
        found: list[tuple[str, int, HistoryEntry]] = []  # (made, order saved in, entry)
        for order, row in enumerate((saved, waiting)):
            entry = None if row is None else _readable_entry(row[:-1])
            if row is not None and entry is not None:
                found.append((str(row[-1]), order, entry))
        if len(found) == 2 and stored_time(found[0][2].created_at) > str(parameters["now"]):
            return found[1][2]  # saved after the link dated later than now
        return max(found, key=lambda one: one[:2])[2] if found else None

    def _total_count(self, query: str, parameters: Mapping[str, object]) -> int:
        """The count ``query`` gives in the file, and in the links waiting to be saved in it
        (the duplicate check knows them too)."""
        with self._locked(_READ_FAILED) as conn:
            (saved,) = conn.execute(query, parameters).fetchone()
            waiting = self._waiting.first_row(query, parameters)
        return int(saved) + (int(str(waiting[0])) if waiting is not None else 0)

    # ----------------------------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Close the file, after trying once more, briefly, to save the links waiting; further
        calls raise RuntimeError. Safe to call twice."""
        with self._lock:
            if self._conn is not None:
                if self._waiting:
                    try:
                        self._save_waiting(self._conn, CLOSING_WAIT_SECONDS)
                    except sqlite3.Error as error:  # setting the wait itself failed
                        _log.warning("Saving the links waiting at closing failed: %s", error)
                    if self._waiting:
                        _log.warning(
                            "%d link(s) could not be saved in the history before closing (%s)",
                            len(self._waiting),
                            self._waiting.trouble,
                        )
                self._conn.close()
                self._conn = None
            self._waiting.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _connection(self) -> sqlite3.Connection:
        """The open connection (the lock held); RuntimeError after ``close()``."""
        if self._conn is None:
            raise RuntimeError("the history store is closed")
        return self._conn

    @contextmanager
    def _locked(self, failure_message: str) -> Iterator[sqlite3.Connection]:
        """Hold the lock around one use of the connection and word any failure plainly."""
        with self._lock:
            conn = self._connection()
            try:
                yield conn
            except sqlite3.Error as error:
                _log.warning("History operation failed: %s", error)
                raise HistoryError(failure_message) from error
