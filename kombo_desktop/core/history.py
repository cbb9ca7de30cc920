"""The local history of every link and reconnection link this program made.

Kombo keeps no list of the links it hands out and does not deduplicate them, so this file is the
only memory of what staff sent to whom. It backs the history panel (search, copy again, export)
and the duplicate warning shown before a second link for the same customer and tool is made.

Storage is one SQLite file (``AppPaths.history_file``) in WAL mode, so the window can read while a
write is in progress and a crash never leaves a half-written entry. The schema is versioned with
``PRAGMA user_version`` and upgraded by :data:`MIGRATIONS`, an ordered list of SQL steps; each step
runs in its own transaction, so an interrupted upgrade leaves the file at the previous version.

Opening never raises. A file that cannot be read (not a database, damaged, or written by a newer
version of the program) is renamed to ``history.sqlite3.unreadable-<time>`` together with its
``-wal``/``-shm`` companions and a new history is started; :attr:`HistoryStore.problem` then holds
a sentence the window shows. If the file cannot be opened at all (no permission, disk trouble), the
store keeps the history in memory for the session and says so in :attr:`HistoryStore.problem`.

Threading: one connection, opened with ``check_same_thread=False`` and guarded by a lock. The
window reads on the UI thread and may record from a worker; every call is short (an indexed query
with a ``LIMIT``, or a single-row insert), so serialising them costs nothing noticeable, and a
single connection can be closed deterministically, which matters on Windows where an open handle
keeps the file from being renamed or deleted.
"""

from __future__ import annotations

import csv
import logging
import os
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Final, TypeVar

from kombo_desktop.core.link_request import LinkRequest, RelinkRequest
from kombo_desktop.core.vocabulary import (
    CATEGORY_NAMES,
    LANGUAGE_NAMES,
    LINK_LIFETIMES,
    LINK_TYPE_NAMES,
    Category,
    Language,
    LinkType,
)

_log = logging.getLogger(__name__)
_E = TypeVar("_E", bound=StrEnum)

# Separates the fields inside ``search_text``. It is whitespace to ``str.split``, so folding a
# field or a query turns it into a plain space: a folded query can therefore never contain it and
# never match across two fields.
_FIELD_SEPARATOR: Final = "\x1f"

# SQLite primary result codes that mean "this file is not a (healthy) database".
_SQLITE_CORRUPT: Final = 11
_SQLITE_NOTADB: Final = 26

_SQLITE_HEADER: Final = b"SQLite format 3\x00"
_COMPANION_SUFFIXES: Final = ("-wal", "-shm", "-journal")

MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (
    # Version 1: one row per link or reconnection link made.
    (
        """
        CREATE TABLE links (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            profile TEXT NOT NULL,
            environment_id TEXT,
            kind TEXT NOT NULL CHECK (kind IN ('link', 'relink')),
            email TEXT,
            organization TEXT,
            origin_id TEXT,
            category TEXT,
            tool TEXT,
            language TEXT NOT NULL,
            link_type TEXT NOT NULL,
            url TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            integration_id TEXT
        )
        """,
        "CREATE INDEX links_by_time ON links (created_at, id)",
    ),
    # Version 2: normalised keys for the duplicate check, the tool's display name, a demo mark,
    # and one folded text column for search, with indexes for both. Existing rows are filled in
    # from their own values by the SQL functions registered in ``_register_functions``.
    (
        "ALTER TABLE links ADD COLUMN organization_key TEXT",
        "ALTER TABLE links ADD COLUMN email_key TEXT",
        "ALTER TABLE links ADD COLUMN tool_label TEXT",
        "ALTER TABLE links ADD COLUMN search_text TEXT NOT NULL DEFAULT ''",
        # Links from the built-in demo service: shown marked, never taken for a customer's link.
        "ALTER TABLE links ADD COLUMN demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1))",
        """
        UPDATE links SET
            organization_key = kombo_fold(organization),
            email_key = kombo_fold(email),
            search_text = kombo_search_text(
                organization, email, origin_id, tool, tool_label, integration_id)
        """,
        "CREATE INDEX links_by_origin ON links (profile, origin_id)",
        "CREATE INDEX links_by_organization ON links (profile, organization_key)",
        "CREATE INDEX links_by_email ON links (profile, email_key)",
        # Covers the search scan: newest-first order and the folded text in one index, so a
        # search reads the compact index instead of whole rows until it has a page of matches.
        "CREATE INDEX links_search ON links (created_at, id, search_text)",
    ),
)

SCHEMA_VERSION: Final = len(MIGRATIONS)

# The queries are fixed text with bound parameters; the column order matches ``_entry``.
_ENTRY_COLUMNS: Final = (
    "id",
    "created_at",
    "profile",
    "environment_id",
    "kind",
    "email",
    "organization",
    "origin_id",
    "category",
    "tool",
    "tool_label",
    "language",
    "link_type",
    "url",
    "expires_at",
    "integration_id",
    "demo",
)

_INSERT: Final = """
    INSERT INTO links (
        created_at, profile, environment_id, kind, email, organization, origin_id, category,
        tool, tool_label, language, link_type, url, expires_at, integration_id, demo,
        organization_key, email_key, search_text)
    VALUES (
        :created_at, :profile, :environment_id, :kind, :email, :organization, :origin_id,
        :category, :tool, :tool_label, :language, :link_type, :url, :expires_at,
        :integration_id, :demo, kombo_fold(:organization), kombo_fold(:email),
        kombo_search_text(:organization, :email, :origin_id, :tool, :tool_label, :integration_id))
    RETURNING id, created_at, profile, environment_id, kind, email, organization, origin_id,
        category, tool, tool_label, language, link_type, url, expires_at, integration_id, demo
"""

_GET: Final = """
    SELECT id, created_at, profile, environment_id, kind, email, organization, origin_id,
        category, tool, tool_label, language, link_type, url, expires_at, integration_id, demo
    FROM links WHERE id = ?
"""

# instr() compares literally, so %, _ and quotes need no escaping, and the text is folded in
# Python (LIKE would fold ASCII letters only). An empty needle matches every row.
_SEARCH: Final = """
    SELECT id, created_at, profile, environment_id, kind, email, organization, origin_id,
        category, tool, tool_label, language, link_type, url, expires_at, integration_id, demo
    FROM links WHERE instr(search_text, :needle) > 0
    ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset
"""

_COUNT: Final = "SELECT count(*) FROM links WHERE instr(search_text, :needle) > 0"

# Candidates come from the three per-profile indexes; a customer id, when both sides have one,
# decides alone. NULL parameters (no tool, no e-mail...) match nothing, as intended.
_DUPLICATE: Final = """
    SELECT id, created_at, profile, environment_id, kind, email, organization, origin_id,
        category, tool, tool_label, language, link_type, url, expires_at, integration_id, demo
    FROM links
    WHERE id IN (
            SELECT id FROM links WHERE profile = :profile AND origin_id = :origin_id
            UNION ALL
            SELECT id FROM links WHERE profile = :profile AND organization_key = :organization_key
                AND (:origin_id IS NULL OR origin_id IS NULL)
            UNION ALL
            SELECT id FROM links WHERE profile = :profile AND email_key = :email_key
                AND (:origin_id IS NULL OR origin_id IS NULL))
        AND expires_at > :now AND demo = :demo
        AND CASE WHEN :tool IS NOT NULL THEN tool = :tool ELSE category = :category END
    ORDER BY created_at DESC, id DESC LIMIT 1
"""


class EntryKind(StrEnum):
    """Whether an entry is a new link (``create-link``) or a reconnection link (``relink``)."""

    LINK = "link"
    RELINK = "relink"


class LinkStatus(StrEnum):
    """Whether a link can still be used, judged from its expiry time."""

    VALID = "valid"
    EXPIRED = "expired"


class HistoryError(Exception):
    """Reading or writing the history failed after it was opened (disk full, file locked...).

    ``str(error)`` is a plain sentence for the window. A link that was made is still valid when
    this is raised while recording it, so the window should show the link and this message.
    """


@dataclass(frozen=True)
class HistoryEntry:
    """One link or reconnection link as it was made.

    ``tool`` is Kombo's tool id (e.g. ``personio``); ``tool_label`` the display name if the window
    passed one when recording. ``email`` and ``organization`` may be ``None`` only for
    reconnection links. ``is_demo`` marks links from the built-in demo service, which never
    reach a customer. Times are timezone-aware UTC.
    """

    id: int
    created_at: datetime
    profile: str
    environment_id: str | None
    kind: EntryKind
    email: str | None
    organization: str | None
    origin_id: str | None
    category: Category | None
    tool: str | None
    tool_label: str | None
    language: Language
    link_type: LinkType
    url: str
    expires_at: datetime
    integration_id: str | None
    is_demo: bool = False

    def is_valid(self, now: datetime | None = None) -> bool:
        """True while the link can still be opened (before ``expires_at``)."""
        return _as_utc(now or datetime.now(UTC)) < self.expires_at

    def status(self, now: datetime | None = None) -> LinkStatus:
        """:attr:`LinkStatus.VALID` or :attr:`LinkStatus.EXPIRED` at ``now`` (default: now)."""
        return LinkStatus.VALID if self.is_valid(now) else LinkStatus.EXPIRED

    def time_left(self, now: datetime | None = None) -> timedelta:
        """How long the link stays valid from ``now``; zero once it has expired."""
        left = self.expires_at - _as_utc(now or datetime.now(UTC))
        return max(left, timedelta(0))


def fold(text: str | None) -> str:
    """The form of a text used for searching and comparing: case and spacing do not matter.

    Unicode-normalised (NFKC, so a name typed on a Mac matches one typed on Windows), case-folded
    (so ``Straße`` matches ``STRASSE``), and with every run of whitespace turned into one space.
    """
    if not text:
        return ""
    text = _clean(text)
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.split())


class HistoryStore:
    """The history file: record links, search them, find duplicates.

    How the window uses it::

        store = HistoryStore(paths.history_file)   # at start-up; show store.problem if set
        earlier = store.duplicate_of(request, profile=name)   # before sending; None: go ahead
        entry = store.record_request(request, url, profile=name, tool_label=label)  # after
        store.search(text, limit=200), store.count(text)       # the panel, newest first
        entry.status(), store.delete(entry.id), export_csv(entries, path)
        store.close()                                           # when the window closes

    Every method is thread-safe. Writing methods raise :class:`HistoryError` (a plain sentence)
    when the disk refuses; reading methods too, should the file be damaged while open.
    """

    def __init__(self, path: Path, *, busy_timeout: float = 5.0) -> None:
        """Open (creating or upgrading) the history at ``path``; never raises.

        ``busy_timeout`` is how many seconds to wait for another copy of the program that is
        writing the same file at that moment.
        """
        self.path = path
        self._busy_timeout = busy_timeout
        self.problem: str | None = None
        """A sentence for the window when the history could not be used as it was; else None."""
        self.set_aside: Path | None = None
        """Where an unreadable history file was moved, if that happened at start-up."""
        self.in_memory = False
        """True when the file could not be opened and entries last only for this session."""
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = self._open()

    # ----------------------------------------------------------------------------- opening

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                return self._connect_and_upgrade(self.path)
            except _UnreadableError as unreadable:
                _log.warning("History file %s is unreadable: %s", self.path, unreadable)
                self.set_aside = _move_aside(self.path)
                self.problem = (
                    "Your earlier link history could not be read, so it was set aside as "
                    f"{self.set_aside.name} and a new one started."
                )
                return self._connect_and_upgrade(self.path)
        except (OSError, sqlite3.Error, _UnreadableError) as error:
            _log.warning("History file %s cannot be opened: %s", self.path, error)
            self.in_memory = True
            self.problem = (
                "The link history could not be opened, so links made now will be forgotten "
                "when the program closes. Another copy of Kombo Desktop may be using it, or the "
                f"folder {self.path.parent} may not allow writing. Close other copies and "
                "restart the program."
            )
            return self._connect_and_upgrade(None)

    def _connect_and_upgrade(self, path: Path | None) -> sqlite3.Connection:
        if path is not None:
            _check_header(path)
        conn = sqlite3.connect(
            ":memory:" if path is None else str(path),
            timeout=self._busy_timeout,
            isolation_level=None,  # each statement commits alone; _upgrade opens its own
            check_same_thread=False,
        )
        try:
            _register_functions(conn)
            _check_readable(conn)
            conn.execute("PRAGMA foreign_keys = ON")
            if path is not None:
                # Stays "delete" on file systems without shared memory (some network drives);
                # the history still works there, only without concurrent readers.
                conn.execute("PRAGMA journal_mode = WAL")
            _upgrade(conn)
            _check_columns(conn)
        except sqlite3.DatabaseError as error:
            conn.close()
            code = getattr(error, "sqlite_errorcode", 0) & 0xFF  # primary code of an extended one
            if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
                raise _UnreadableError(str(error)) from error
            raise
        except BaseException:
            conn.close()
            raise
        return conn

    # ----------------------------------------------------------------------------- writing

    def record_link(
        self,
        *,
        profile: str,
        email: str,
        organization: str,
        category: Category,
        language: Language,
        link_type: LinkType,
        url: str,
        origin_id: str | None = None,
        tool: str | None = None,
        tool_label: str | None = None,
        environment_id: str | None = None,
        created_at: datetime | None = None,
        expires_at: datetime | None = None,
        is_demo: bool = False,
    ) -> HistoryEntry:
        """Remember a link made with ``create-link``; returns the stored entry.

        ``tool`` is the tool id (None when the customer chooses); pass ``tool_label`` too so the
        history can show and search the display name. ``expires_at`` defaults to ``created_at``
        (default: now) plus the lifetime Kombo documents for ``link_type``.
        """
        return self._insert(
            kind=EntryKind.LINK,
            profile=profile,
            environment_id=environment_id,
            email=email,
            organization=organization,
            origin_id=origin_id,
            category=Category(category),
            tool=tool,
            tool_label=tool_label,
            language=Language(language),
            link_type=LinkType(link_type),
            url=url,
            integration_id=None,
            created_at=created_at,
            expires_at=expires_at,
            is_demo=is_demo,
        )

    def record_relink(
        self,
        *,
        profile: str,
        integration_id: str,
        language: Language,
        link_type: LinkType,
        url: str,
        environment_id: str | None = None,
        email: str | None = None,
        organization: str | None = None,
        origin_id: str | None = None,
        category: Category | None = None,
        tool: str | None = None,
        tool_label: str | None = None,
        created_at: datetime | None = None,
        expires_at: datetime | None = None,
        is_demo: bool = False,
    ) -> HistoryEntry:
        """Remember a reconnection link made for ``integration_id``; returns the stored entry.

        The customer's details are optional (a relink request carries none); pass them when the
        form was filled from an earlier entry so the reconnection can be found by name. ``tool``
        defaults to the part of the integration id before ``:`` (``personio:93f...`` ->
        ``personio``), which is how Kombo names integrations.
        """
        integration = integration_id.strip()
        if tool is None and ":" in integration:
            tool = integration.split(":", 1)[0]
        return self._insert(
            kind=EntryKind.RELINK,
            profile=profile,
            environment_id=environment_id,
            email=email,
            organization=organization,
            origin_id=origin_id,
            category=None if category is None else Category(category),
            tool=tool,
            tool_label=tool_label,
            language=Language(language),
            link_type=LinkType(link_type),
            url=url,
            integration_id=integration,
            created_at=created_at,
            expires_at=expires_at,
            is_demo=is_demo,
        )

    def record_request(
        self,
        request: LinkRequest | RelinkRequest,
        url: str,
        *,
        profile: str,
        environment_id: str | None = None,
        tool_label: str | None = None,
        created_at: datetime | None = None,
        is_demo: bool = False,
    ) -> HistoryEntry:
        """Remember the link Kombo returned for ``request``: the usual call after a success.

        Maps a :class:`LinkRequest` to :meth:`record_link` and a :class:`RelinkRequest` to
        :meth:`record_relink`, so the window never copies fields by hand.
        """
        if isinstance(request, RelinkRequest):
            return self.record_relink(
                profile=profile,
                environment_id=environment_id,
                integration_id=request.integration_id,
                language=request.language,
                link_type=request.link_type,
                url=url,
                tool_label=tool_label,
                created_at=created_at,
                is_demo=is_demo,
            )
        return self.record_link(
            profile=profile,
            environment_id=environment_id,
            email=request.end_user_email,
            organization=request.end_user_organization_name,
            origin_id=request.end_user_origin_id,
            category=request.integration_category,
            tool=request.integration_tool,
            tool_label=tool_label,
            language=request.language,
            link_type=request.link_type,
            url=url,
            created_at=created_at,
            is_demo=is_demo,
        )

    def _insert(
        self,
        *,
        kind: EntryKind,
        profile: str,
        environment_id: str | None,
        email: str | None,
        organization: str | None,
        origin_id: str | None,
        category: Category | None,
        tool: str | None,
        tool_label: str | None,
        language: Language,
        link_type: LinkType,
        url: str,
        integration_id: str | None,
        created_at: datetime | None,
        expires_at: datetime | None,
        is_demo: bool,
    ) -> HistoryEntry:
        made = _as_utc(created_at or datetime.now(UTC))
        expires = _as_utc(expires_at) if expires_at else made + LINK_LIFETIMES[link_type]
        values = {
            "created_at": _iso(made),
            "profile": _clean(profile),
            "environment_id": _optional(environment_id),
            "kind": kind.value,
            "email": _optional(email),
            "organization": _optional(organization),
            "origin_id": _optional(origin_id),
            "category": None if category is None else category.value,
            "tool": _optional(tool),
            "tool_label": _optional(tool_label),
            "language": language.value,
            "link_type": link_type.value,
            "url": _clean(url),
            "expires_at": _iso(expires),
            "integration_id": _optional(integration_id),
            "demo": int(bool(is_demo)),
        }
        with self._locked("The link could not be saved in the history.") as conn:
            row = conn.execute(_INSERT, values).fetchone()
        return _entry(row)

    def delete(self, entry_id: int) -> bool:
        """Remove one entry; False if there was none with that id."""
        with self._locked("The entry could not be deleted from the history.") as conn:
            cursor = conn.execute("DELETE FROM links WHERE id = ?", (entry_id,))
        return cursor.rowcount > 0

    # ----------------------------------------------------------------------------- reading

    def get(self, entry_id: int) -> HistoryEntry | None:
        """The entry with this id, or None."""
        with self._locked(_READ_FAILED) as conn:
            row = conn.execute(_GET, (entry_id,)).fetchone()
        return None if row is None else _entry(row)

    def search(
        self, text: str = "", *, limit: int | None = 500, offset: int = 0
    ) -> list[HistoryEntry]:
        """Entries whose organisation, e-mail, customer id, tool or integration id contain ``text``.

        Newest first. Matching ignores case, accents written differently (NFKC) and extra
        spaces; every character, including ``%``, ``_`` and quotes, is taken literally. An empty
        or blank ``text`` returns everything. ``limit``/``offset`` page through long histories
        (``limit=None``: no limit).
        """
        if offset < 0 or (limit is not None and limit < 0):
            raise ValueError("limit and offset must not be negative")
        params = {
            "needle": fold(text),
            "limit": -1 if limit is None else limit,
            "offset": offset,
        }
        with self._locked(_READ_FAILED) as conn:
            rows = conn.execute(_SEARCH, params).fetchall()
        return [_entry(row) for row in rows]

    def count(self, text: str = "") -> int:
        """How many entries :meth:`search` would find for ``text`` without a limit."""
        with self._locked(_READ_FAILED) as conn:
            (total,) = conn.execute(_COUNT, {"needle": fold(text)}).fetchone()
        return int(total)

    def find_duplicate(
        self,
        profile: str,
        *,
        origin_id: str | None,
        organization: str | None,
        email: str | None,
        category: Category | None,
        tool: str | None,
        now: datetime | None = None,
        demo: bool = False,
    ) -> HistoryEntry | None:
        """The newest still-valid link that a new link with these details would duplicate.

        Call it before sending a create-link request. An earlier entry (new link or reconnection
        link) is a duplicate when all of these hold:

        * it was made with the same ``profile``;
        * it is for the same customer: when both it and the new request carry a customer id
          (``origin_id``) the ids must be equal; otherwise the organisation names must be equal
          ignoring case and spacing, or the e-mail addresses equal ignoring case;
        * it is for the same tool, or, when no tool is chosen now, for the same category;
        * it has not expired at ``now`` (default: the current time);
        * it is a demo link exactly when ``demo`` is true (demo and real links never match).

        So a different customer id means a different customer even under the same name, and an
        earlier entry made without a customer id is still caught by name or e-mail.
        """
        chosen_tool = _optional(tool)
        if chosen_tool is None and category is None:
            return None
        params = {
            "profile": _clean(profile),
            "origin_id": _optional(origin_id),
            # An empty name or address must not match every other empty one.
            "organization_key": fold(organization) or None,
            "email_key": fold(email) or None,
            "tool": chosen_tool,
            "category": None if category is None else Category(category).value,
            "now": _iso(_as_utc(now or datetime.now(UTC))),
            "demo": int(bool(demo)),
        }
        with self._locked(_READ_FAILED) as conn:
            row = conn.execute(_DUPLICATE, params).fetchone()
        return None if row is None else _entry(row)

    def duplicate_of(
        self,
        request: LinkRequest,
        *,
        profile: str,
        now: datetime | None = None,
        demo: bool = False,
    ) -> HistoryEntry | None:
        """:meth:`find_duplicate` for a link request about to be sent."""
        return self.find_duplicate(
            profile,
            origin_id=request.end_user_origin_id,
            organization=request.end_user_organization_name,
            email=request.end_user_email,
            category=request.integration_category,
            tool=request.integration_tool,
            now=now,
            demo=demo,
        )

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

    def _locked(self, failure_message: str) -> _Locked:
        return _Locked(self, failure_message)


_READ_FAILED: Final = "The link history could not be read. Try again, or restart the program."


class _Locked:
    """Holds the store's lock around one use of the connection and words any failure plainly."""

    def __init__(self, store: HistoryStore, failure_message: str) -> None:
        self._store = store
        self._message = failure_message

    def __enter__(self) -> sqlite3.Connection:
        self._store._lock.acquire()
        conn = self._store._conn
        if conn is None:
            self._store._lock.release()
            raise RuntimeError("the history store is closed")
        return conn

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._store._lock.release()
        if isinstance(exc, sqlite3.Error):
            _log.warning("History operation failed: %s", exc)
            raise HistoryError(self._message) from exc


class _UnreadableError(Exception):
    """The file is not a history this program can read; it is moved aside."""


# --------------------------------------------------------------------------------- helpers


def _register_functions(conn: sqlite3.Connection) -> None:
    """SQL functions for the derived columns, so inserts and migrations compute them alike."""
    conn.create_function("kombo_fold", 1, fold, deterministic=True)
    conn.create_function("kombo_search_text", 6, _search_text, deterministic=True)


def _search_text(*fields: str | None) -> str:
    return _FIELD_SEPARATOR.join(fold(field) for field in fields if field)


def _check_header(path: Path) -> None:
    """Refuse a file that is plainly not SQLite before SQLite opens it.

    SQLite would otherwise treat a stray ``-wal`` file next to it as its own journal and delete
    it on closing; checked here, the file and its companions are set aside exactly as found.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        return
    if header and header != _SQLITE_HEADER:
        raise _UnreadableError("not an SQLite file")


def _check_readable(conn: sqlite3.Connection) -> None:
    """Raise _UnreadableError for a damaged file or one from a newer program version."""
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    if version > SCHEMA_VERSION:
        raise _UnreadableError(f"schema version {version} is newer than {SCHEMA_VERSION}")
    (verdict,) = conn.execute("PRAGMA quick_check(1)").fetchone()
    if verdict != "ok":
        raise _UnreadableError(f"quick_check: {verdict}")


def _upgrade(conn: sqlite3.Connection) -> None:
    """Apply the missing migration steps, each in its own transaction.

    ``BEGIN IMMEDIATE`` takes the write lock before the version is read again, so two copies of
    the program starting at once cannot both apply the same step.
    """
    (current,) = conn.execute("PRAGMA user_version").fetchone()
    for target, statements in enumerate(MIGRATIONS, start=1):
        if current >= target:
            continue  # no write lock needed when nothing is to be done
        conn.execute("BEGIN IMMEDIATE")
        try:
            (version,) = conn.execute("PRAGMA user_version").fetchone()
            if version < target:
                for statement in statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target:d}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def _check_columns(conn: sqlite3.Connection) -> None:
    """A file claiming our version but lacking our table is someone else's: unreadable."""
    present = {row[1] for row in conn.execute("PRAGMA table_info(links)")}
    expected = set(_ENTRY_COLUMNS) | {
        "organization_key",
        "email_key",
        "search_text",
    }
    if not expected <= present:
        raise _UnreadableError(f"missing columns: {sorted(expected - present)}")


def _move_aside(path: Path) -> Path:
    """Rename ``path`` (and its -wal/-shm/-journal files) to a free ``.unreadable-<time>`` name."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.unreadable-{stamp}")
    counter = 1
    while any(Path(f"{target}{suffix}").exists() for suffix in ("", *_COMPANION_SUFFIXES)):
        counter += 1
        target = path.with_name(f"{path.name}.unreadable-{stamp}-{counter}")
    # Companions first: a database renamed without its WAL would look older than it is.
    for suffix in _COMPANION_SUFFIXES:
        companion = Path(f"{path}{suffix}")
        if companion.exists():
            os.replace(companion, f"{target}{suffix}")
    os.replace(path, target)
    return target


def _entry(row: Sequence[object]) -> HistoryEntry:
    (
        entry_id,
        created_at,
        profile,
        environment_id,
        kind,
        email,
        organization,
        origin_id,
        category,
        tool,
        tool_label,
        language,
        link_type,
        url,
        expires_at,
        integration_id,
        demo,
    ) = row
    return HistoryEntry(
        id=int(str(entry_id)),
        created_at=datetime.fromisoformat(str(created_at)),
        profile=str(profile),
        environment_id=_text_or_none(environment_id),
        kind=EntryKind(str(kind)),
        email=_text_or_none(email),
        organization=_text_or_none(organization),
        origin_id=_text_or_none(origin_id),
        category=_enum_or_none(Category, category),
        tool=_text_or_none(tool),
        tool_label=_text_or_none(tool_label),
        # Values this program did not write (a category Kombo added later, say) must not make
        # the whole history unreadable; the stored expiry still decides validity.
        language=_enum_or_none(Language, language) or Language.EN,
        link_type=_enum_or_none(LinkType, link_type) or LinkType.MAGIC_LINK,
        url=str(url),
        expires_at=datetime.fromisoformat(str(expires_at)),
        integration_id=_text_or_none(integration_id),
        is_demo=bool(demo),
    )


def _enum_or_none(enum: type[_E], value: object) -> _E | None:
    try:
        return enum(str(value)) if value is not None else None
    except ValueError:
        return None


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def _clean(text: str) -> str:
    """Replace lone surrogates (never valid UTF-8) so any Python string can be stored."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _optional(text: str | None) -> str | None:
    if text is None:
        return None
    stripped = _clean(text).strip()
    return stripped or None


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("times given to the history must carry a timezone")
    return moment.astimezone(UTC)


def _iso(moment: datetime) -> str:
    """Fixed-width UTC ISO text, so comparing and sorting the strings sorts the times."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


# --------------------------------------------------------------------------------- export

CSV_HEADER: Final = (
    "Made at (UTC)",
    "Kind",
    "Profile",
    "Environment",
    "Organisation",
    "E-mail",
    "Customer id",
    "Category",
    "Tool",
    "Language",
    "Link type",
    "Link",
    "Valid until (UTC)",
    "Status",
    "Integration id",
)

_KIND_NAMES: Final = {EntryKind.LINK: "New link", EntryKind.RELINK: "Reconnection link"}
_STATUS_NAMES: Final = {LinkStatus.VALID: "Valid", LinkStatus.EXPIRED: "Expired"}

# Spreadsheet programs run a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def export_csv(entries: Iterable[HistoryEntry], path: Path, *, now: datetime | None = None) -> int:
    """Write ``entries`` to ``path`` as CSV for spreadsheets; returns the number of rows.

    UTF-8 with a byte-order mark (Excel otherwise garbles umlauts), comma-separated with RFC 4180
    quoting, and any cell that a spreadsheet would run as a formula is prefixed with ``'``. The
    file is written to a temporary name first and then renamed, so a failure never leaves half a
    file. Raises :class:`HistoryError` with a plain message if the file cannot be written.
    """
    checked_at = now or datetime.now(UTC)
    partial = path.with_name(f".{path.name}.partial")
    rows = 0
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, dialect="excel")
            writer.writerow(CSV_HEADER)
            for entry in entries:
                writer.writerow([_cell(value) for value in _csv_row(entry, checked_at)])
                rows += 1
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise HistoryError(
            f"The file {path.name} could not be saved. It may be open in another program, or "
            "the folder may not allow writing. Close it or choose another place and try again."
        ) from error
    return rows


def _csv_row(entry: HistoryEntry, now: datetime) -> list[str]:
    return [
        _spreadsheet_time(entry.created_at),
        _KIND_NAMES[entry.kind] + (" (demo)" if entry.is_demo else ""),
        entry.profile,
        entry.environment_id or "",
        entry.organization or "",
        entry.email or "",
        entry.origin_id or "",
        CATEGORY_NAMES[entry.category] if entry.category else "",
        entry.tool_label or entry.tool or "",
        LANGUAGE_NAMES[entry.language],
        LINK_TYPE_NAMES[entry.link_type],
        entry.url,
        _spreadsheet_time(entry.expires_at),
        _STATUS_NAMES[entry.status(now)],
        entry.integration_id or "",
    ]


def _spreadsheet_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value
