"""The history store: one SQLite connection, shared safely by the window and its workers.

Storage is one SQLite file (``AppPaths.history_file``) in WAL mode, so the window can read while
a write is in progress and a crash never leaves a half-written entry.

Threading: one connection, opened with ``check_same_thread=False`` and guarded by a lock. The
window reads on the UI thread and may record from a worker; every call is short (an indexed query
with a ``LIMIT``, or a single-row insert), so serialising them costs nothing noticeable, and a
single connection can be closed deterministically, which matters on Windows where an open handle
keeps the file from being renamed or deleted.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Final

from kombo_desktop.core.history.duplicates import DuplicateCheck
from kombo_desktop.core.history.entries import HistoryEntry, HistoryError
from kombo_desktop.core.history.normalise import optional_text
from kombo_desktop.core.history.opening import open_history
from kombo_desktop.core.history.recording import NewEntry, Recording
from kombo_desktop.core.history.schema import ENTRY_COLUMN_LIST, entry_from_row
from kombo_desktop.core.history.searching import SearchQuery, entry_matches
from kombo_desktop.core.letters import without_lone_surrogates

# One logger for the whole history package, so its lines read the same whichever module writes.
_log = logging.getLogger(__package__)

_READ_FAILED: Final = "The link history could not be read. Try again, or restart the program."

# The queries are fixed text with bound parameters: only the constant column list is put into
# the text, never a value (the search's queries are made in .searching by the same rule).
_INSERT: Final = f"""
    INSERT INTO links (
        created_at, profile, environment_id, kind, email, organization, origin_id, category,
        tool, tool_label, language, link_type, url, expires_at, integration_id, demo,
        remote_environment, scope_config_id, enable_filtering, enable_field_mapping,
        organization_key, email_key, search_text)
    VALUES (
        :created_at, :profile, :environment_id, :kind, :email, :organization, :origin_id,
        :category, :tool, :tool_label, :language, :link_type, :url, :expires_at,
        :integration_id, :demo,
        :remote_environment, :scope_config_id, :enable_filtering, :enable_field_mapping,
        kombo_organization_key(:organization), kombo_fold(:email),
        kombo_search_text(:organization, :email, :origin_id, :tool, :tool_label, :integration_id))
    RETURNING {ENTRY_COLUMN_LIST}
"""  # noqa: S608

_GET: Final = f"SELECT {ENTRY_COLUMN_LIST} FROM links WHERE id = :id"  # noqa: S608

# The duplicate check's rules for where a link was made (see ``DuplicateCheck.find_duplicate``):
# the profile, demo or not (NULL: either), the Kombo environment when both are known.
_MADE_FOR_INTEGRATION: Final = """
    SELECT EXISTS (
        SELECT 1 FROM links
        WHERE profile = :profile AND integration_id = :integration_id
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


# How long a write waits for another program writing the same file. Another copy of this
# program writes for milliseconds; the window records a link on its own thread, so a longer
# wait (it was 5 s) froze it that long whenever a database browser held the file open for
# writing, before saying the link could not be saved.
BUSY_TIMEOUT_SECONDS = 1.0


class HistoryStore(Recording, DuplicateCheck):
    """The history file: record links, search them, find duplicates.

    How the window uses it::

        store = HistoryStore(paths.history_file)   # at start-up; show store.problem if set
        earlier = store.duplicate_of(request, profile=name)   # before sending; None: go ahead
        entry = store.record_request(request, url, profile=name, tool_label=label)  # after
        store.search(text, limit=200), store.count(text)       # the panel, newest first
        store.first_page(text, 200)                             # both at once
        entry.status(), store.delete(entry.id), export_csv(entries, path)
        store.close()                                           # when the window closes

    Recording comes from :class:`~.recording.Recording`, the duplicate check from
    :class:`~.duplicates.DuplicateCheck`; this class owns the connection they go through.

    Every method is thread-safe. Writing methods raise :class:`HistoryError` (a plain sentence)
    when the disk refuses; reading methods too, should the file be damaged while open.
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

    # ----------------------------------------------------------------------------- writing

    def _insert(self, new: NewEntry) -> HistoryEntry:
        with self._locked("The link could not be saved in the history.") as conn:
            row = conn.execute(_INSERT, new.stored_values()).fetchone()
        return entry_from_row(row)

    def delete(self, entry_id: int) -> bool:
        """Remove one entry; False if there was none with that id."""
        with self._locked("The entry could not be deleted from the history.") as conn:
            cursor = conn.execute("DELETE FROM links WHERE id = ?", (entry_id,))
        return cursor.rowcount > 0

    def rename_profile(self, old: str, new: str) -> int:
        """The entries of profile ``old`` now belong to ``new`` (the profile was renamed): the
        duplicate check looks for earlier links by profile, and would miss all of them.
        Returns how many entries changed."""
        with self._locked("The history could not follow the renamed profile.") as conn:
            cursor = conn.execute(
                "UPDATE links SET profile = ? WHERE profile = ?",
                (without_lone_surrogates(new), without_lone_surrogates(old)),
            )
        return cursor.rowcount

    # ----------------------------------------------------------------------------- reading

    def get(self, entry_id: int) -> HistoryEntry | None:
        """The entry with this id, or None."""
        return self._first_entry(_GET, {"id": entry_id})

    def search(
        self, text: str = "", *, limit: int | None = 500, offset: int = 0
    ) -> list[HistoryEntry]:
        """Entries whose organisation, e-mail, customer id, tool or integration id contain
        ``text``, whose kind of system it names ("recruiting", "ATS": see
        :func:`~.normalise.categories_named`), or whose link it is or has a piece of (pasted
        in: see :func:`~.normalise.pasted_link`). What is matched how: :mod:`.searching`.

        Newest first. Matching ignores case, accents (typed or not, written differently, or
        German umlauts spelt out) and extra spaces; every character, including ``%``, ``_`` and
        quotes, is taken literally. An empty or blank ``text`` returns everything.
        ``limit``/``offset`` page through long histories (``limit=None``: no limit).
        """
        if offset < 0 or (limit is not None and limit < 0):
            raise ValueError("limit and offset must not be negative")
        search = SearchQuery.for_text(text)
        params = {
            **search.parameters,
            "limit": -1 if limit is None else limit,
            "offset": offset,
        }
        with self._locked(_READ_FAILED) as conn:
            rows = conn.execute(search.entries_query(), params).fetchall()
        return [entry for entry in map(_readable_entry, rows) if entry is not None]

    def first_page(self, text: str, limit: int) -> tuple[list[HistoryEntry], int]:
        """The newest ``limit`` entries :meth:`search` finds for ``text``, and :meth:`count`.

        What the panel asks whenever the search changes. A search for one customer or one
        link finds fewer entries than a page holds, and must read a long history through to
        know there are no more: the page then tells the count, and the history is read once
        for both, not twice.
        """
        if limit < 1:
            raise ValueError("a page holds at least one entry")
        search = SearchQuery.for_text(text)
        with self._locked(_READ_FAILED) as conn:
            params = {**search.parameters, "limit": limit, "offset": 0}
            rows = conn.execute(search.entries_query(), params).fetchall()
            if len(rows) < limit:
                total = len(rows)  # damaged entries too, left out below, as count() does
            else:
                (total,) = conn.execute(search.count_query(), search.parameters).fetchone()
        entries = [entry for entry in map(_readable_entry, rows) if entry is not None]
        return entries, int(total)

    @staticmethod
    def matches(entry: HistoryEntry, text: str) -> bool:
        """Whether :meth:`search` for ``text`` finds ``entry`` (without reading the file): a
        list on show can take a link just made without being read again."""
        return entry_matches(entry, text)

    def count(self, text: str = "") -> int:
        """How many entries :meth:`search` would find for ``text`` without a limit."""
        search = SearchQuery.for_text(text)
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
        """Whether ``profile`` made a link for ``integration_id`` (a reconnection link): a
        demo link exactly when ``demo`` is true (None: either), in the Kombo environment
        ``environment_id`` when both it and the link's are known, as the duplicate check
        counts earlier links. Expired links count too: the integration was there then.

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

    # ----------------------------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Close the file; further calls raise RuntimeError. Safe to call twice."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _locked(self, failure_message: str) -> Iterator[sqlite3.Connection]:
        """Hold the lock around one use of the connection and word any failure plainly."""
        with self._lock:
            conn = self._conn
            if conn is None:
                raise RuntimeError("the history store is closed")
            try:
                yield conn
            except sqlite3.Error as error:
                _log.warning("History operation failed: %s", error)
                raise HistoryError(failure_message) from error
