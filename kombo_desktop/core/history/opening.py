"""Opening the history file, and setting aside a file that cannot be read.

Opening never raises. A file that cannot be read (not a database, or damaged) is renamed to
``history.sqlite3.unreadable-<time>`` together with its ``-wal``/``-shm`` companions, kept for
support, and a new history is started with every link that can still be read from it (see
:mod:`.recovery`: one damaged page hides no other link), with a sentence for the window. So is
an empty or missing file beside a write-ahead log that still holds its last links. A
file written by a newer version of the program is left where it is, untouched, and so is a file
that cannot be opened at all (no permission, disk trouble): the history is then kept in memory
for the session, again with a sentence that says so. Losing the history must never keep anyone
from making links.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from kombo_desktop.core.history import schema
from kombo_desktop.core.history.recovery import recover_links
from kombo_desktop.core.history.searching import register_search_functions
from kombo_desktop.core.paths import ensure_private_dir

# One logger for the whole history package, so its lines read the same whichever module writes.
_log = logging.getLogger(__package__)

# SQLite primary result codes that mean "this file is not a (healthy) database".
_SQLITE_CORRUPT: Final = 11
_SQLITE_NOTADB: Final = 26
# ... and those that mean "another connection holds a lock on it".
_SQLITE_BUSY: Final = 5
_SQLITE_LOCKED: Final = 6

# How long to sleep between tries to switch the journal mode while another copy holds a lock.
_JOURNAL_MODE_RETRY_SECONDS: Final = 0.01

_SQLITE_HEADER: Final = b"SQLite format 3\x00"
_COMPANION_SUFFIXES: Final = ("-wal", "-shm", "-journal")
_WAL_HEADER_SIZE: Final = 32


@dataclass(frozen=True)
class OpenedHistory:
    """A usable connection, and what the window should be told about how it was obtained."""

    connection: sqlite3.Connection
    problem: str | None = None
    set_aside: Path | None = None
    in_memory: bool = False


def open_history(path: Path, busy_timeout: float) -> OpenedHistory:
    """Open (creating or upgrading) the history at ``path``, falling back as described above."""
    set_aside: Path | None = None
    try:
        ensure_private_dir(path.parent)  # customers' e-mail addresses: this user's only
        try:
            return OpenedHistory(_connect_and_upgrade(path, busy_timeout))
        except schema.UnreadableError as unreadable:
            _log.warning("History file %s is unreadable: %s", path, unreadable)
            missing = not path.exists()
            set_aside = _move_aside(path)
            connection = _connect_and_upgrade(path, busy_timeout)
            if missing:
                return OpenedHistory(connection, _leftovers_note(set_aside), set_aside)
            recovered = recover_links(set_aside, connection)
            _log.warning("%d links were recovered from %s", recovered, set_aside)
            return OpenedHistory(connection, _set_aside_note(set_aside, recovered), set_aside)
    except schema.NewerVersionError as newer:
        # Moving it aside would hide it from the newer version too, once it is installed again
        # (an administrator rolling a release back and forth, say).
        _log.warning("History file %s is from a newer version: %s", path, newer)
        problem = (
            "Your link history was saved by a newer version of Kombo Desktop, which this "
            "version cannot read. It was left as it is and reappears with the newer version; "
            "links made now are forgotten when the program closes."
        )
        return OpenedHistory(_connect_and_upgrade(None, busy_timeout), problem, in_memory=True)
    except (OSError, sqlite3.Error, schema.UnreadableError) as error:
        _log.warning("History file %s cannot be opened: %s", path, error)
        copy = _copy_of_file(path, busy_timeout) if set_aside is None else None
        connection = copy if copy is not None else _connect_and_upgrade(None, busy_timeout)
        if _held_by_another_connection(error):
            # A database tool (or a second copy of this program) keeps it locked. The program
            # does not open the file again when the tool lets go, as the links made meanwhile
            # are in memory only: the way back is a restart.
            lost = "links made now are not saved"
            if copy is None:
                lost = f"earlier links cannot be shown or checked, and {lost}"
            problem = (
                "Another program is using the link history file (a database tool, or a second "
                f"copy of Kombo Desktop), so {lost} and will be forgotten when the program "
                "closes. Close that program, then restart Kombo Desktop."
            )
        elif copy is not None:
            # Readable but not writable (a full disk, a read-only folder): the earlier links
            # still show and the duplicate warning still knows them.
            problem = (
                "The link history can be read but not saved to, so links made now will be "
                "forgotten when the program closes. Another copy of Kombo Desktop may be "
                f"using it, the disk may be full, or the folder {path.parent} may not allow "
                "writing. Close other copies, free some space or check the folder, then "
                "restart the program."
            )
        else:
            problem = (
                "The link history could not be opened, so links made now will be forgotten "
                "when the program closes. Another copy of Kombo Desktop may be using it, the "
                f"disk may be full, or the folder {path.parent} may not allow writing. Close "
                "other copies, free some space or check the folder, then restart the program."
            )
        return OpenedHistory(connection, problem, set_aside, in_memory=True)


def _set_aside_note(set_aside: Path, recovered: int) -> str:
    """What the window says about a history file that was set aside, and what came over."""
    if recovered:
        links = "1 earlier link was" if recovered == 1 else f"{recovered} earlier links were"
        return (
            f"The link history file was damaged. {links} recovered; the damaged file was "
            f"kept as {set_aside.name} in {set_aside.parent} for support."
        )
    return (
        "The link history file could not be read, so a new one was started: earlier links "
        "are not shown, and the duplicate warning does not know them. The file was kept as "
        f"{set_aside.name} in {set_aside.parent}; support may be able to recover it."
    )


def _leftovers_note(set_aside: Path) -> str:
    """What the window says when only the companions of a missing history file were found."""
    kept = [
        Path(f"{set_aside}{suffix}").name
        for suffix in _COMPANION_SUFFIXES
        if Path(f"{set_aside}{suffix}").exists()
    ]
    return (
        "The link history file was missing, so a new one was started: earlier links are not "
        "shown, and the duplicate warning does not know them. What was left of it was kept "
        f"as {' and '.join(kept)} in {set_aside.parent}; support may be able to recover it."
    )


def _copy_of_file(path: Path, busy_timeout: float) -> sqlite3.Connection | None:
    """The history at ``path`` copied into memory, read without writing anything (not even
    a journal); None if it cannot be read that way or is not a history this version can use."""
    if not path.is_file():
        return None
    for mode in ("mode=ro", "immutable=1"):  # immutable: even without a shared-memory file
        memory = _connect_and_upgrade(None, busy_timeout)
        try:
            source = sqlite3.connect(f"{path.as_uri()}?{mode}", uri=True, timeout=busy_timeout)
            try:
                source.backup(memory, progress=_give_up_when_locked)
            finally:
                source.close()
            schema.check_version(memory)
            schema.upgrade(memory)
            schema.check_columns(memory)
            return memory
        except (sqlite3.Error, schema.UnreadableError, schema.NewerVersionError) as error:
            _log.warning("History file %s could not be read (%s): %s", path, mode, error)
            memory.close()
    return None


def held_by_another_program(path: Path) -> bool:
    """Whether another connection keeps the history at ``path`` from being read right now (a
    database tool with a write open in exclusive mode, say). Answers at once, without waiting
    for the lock: the window asks while a person waits."""
    try:
        probe = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=0)
    except sqlite3.Error:
        return False
    try:
        probe.execute("PRAGMA user_version").fetchone()
    except sqlite3.Error as error:
        return _held_by_another_connection(error)
    finally:
        probe.close()
    return False


def _give_up_when_locked(status: int, _remaining: int, _total: int) -> None:
    """Backup progress: stop at a lock that outlasted the source's busy timeout.

    SQLite's backup retries for as long as another connection holds the file locked (a
    database tool with a write open can hold it for hours), and the window waits for the
    history: it froze until the tool let go.
    """
    if status in (_SQLITE_BUSY, _SQLITE_LOCKED):
        raise sqlite3.OperationalError("database is locked")


def _held_by_another_connection(error: BaseException) -> bool:
    """Whether ``error`` says another connection holds a lock on the file."""
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF  # primary code of an extended one
    return isinstance(error, sqlite3.OperationalError) and code in (_SQLITE_BUSY, _SQLITE_LOCKED)


def _connect_and_upgrade(path: Path | None, busy_timeout: float) -> sqlite3.Connection:
    """A checked, upgraded connection to ``path``, or to a database in memory for None."""
    if path is not None:
        _check_header(path)
    conn = sqlite3.connect(
        ":memory:" if path is None else str(path),
        timeout=busy_timeout,
        isolation_level=None,  # each statement commits alone; upgrade() opens its own
        check_same_thread=False,
    )
    try:
        schema.register_functions(conn)
        register_search_functions(conn)
        schema.check_version(conn)
        _check_integrity(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        if path is not None:
            _use_write_ahead_log(conn, busy_timeout)
        schema.upgrade(conn)
        schema.check_columns(conn)
    except sqlite3.DatabaseError as error:
        conn.close()
        code = getattr(error, "sqlite_errorcode", 0) & 0xFF  # primary code of an extended one
        if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            raise schema.UnreadableError(str(error)) from error
        raise
    except BaseException:
        conn.close()
        raise
    return conn


def _use_write_ahead_log(conn: sqlite3.Connection, busy_timeout: float) -> None:
    """Switch the file to WAL, trying again for up to ``busy_timeout`` while it is locked.

    Switching needs the file to itself, and SQLite answers "locked" at once for it instead of
    waiting its busy timeout: a second copy of the program started at the same moment, meeting
    the first one writing the new history's tables, fell back to a history in memory and lost
    its links at closing. A file already in WAL (every history after its first opening) is
    left as it is. The mode stays "delete" on file systems without shared memory (some network
    drives); the history still works there, only without concurrent readers.
    """
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            (mode,) = conn.execute("PRAGMA journal_mode").fetchone()
            if str(mode).lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if not _held_by_another_connection(error) or time.monotonic() >= deadline:
                raise
            time.sleep(_JOURNAL_MODE_RETRY_SECONDS)


def _check_header(path: Path) -> None:
    """Refuse a file that is plainly not SQLite, and an empty or missing one beside a
    write-ahead log that holds pages, before SQLite opens it.

    SQLite would otherwise treat a stray ``-wal`` file next to it as its own journal and delete
    it on closing; checked here, the file and its companions are set aside exactly as found.
    An empty or missing file alone is a new history: the program makes the file empty and
    first writes to it a moment later, so a copy stopped in between (or a full disk) leaves
    one. A log with pages is not left that way (the file is written before the log is made),
    so it is what is left of a history that was lost, and is kept.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        header = b""
    if header and header != _SQLITE_HEADER:
        raise schema.UnreadableError("not an SQLite file")
    if not header and _holds_pages(Path(f"{path}-wal")):
        raise schema.UnreadableError("an empty or missing file beside a write-ahead log")


def _holds_pages(log: Path) -> bool:
    """Whether the write-ahead log ``log`` exists and holds more than its header."""
    try:
        return log.stat().st_size > _WAL_HEADER_SIZE
    except OSError:
        return False


def _check_integrity(conn: sqlite3.Connection) -> None:
    """Refuse a damaged file before anything is written to it."""
    (verdict,) = conn.execute("PRAGMA quick_check(1)").fetchone()
    if verdict != "ok":
        raise schema.UnreadableError(f"quick_check: {verdict}")


def _move_aside(path: Path) -> Path:
    """Rename ``path`` (and its -wal/-shm/-journal files) to a free ``.unreadable-<time>`` name;
    ``path`` may be missing, with only companions to rename."""
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
    if path.exists():  # only its companions were left of a missing one
        os.replace(path, target)
    return target
