"""Links not in the history file yet, kept in memory until they are written into it.

The window hands every link it made over here first (``HistoryStore.queue_request``), and a
worker thread writes it: writing waits for the disk, and for another program holding the file.

A full disk, or a database tool holding the file open with changes not yet written, refuses
every write for as long as it lasts. The link was made and handed out all the same, and the
history is the only record of it: dropped, it was gone for good, though the next link, made
once space was freed or the tool let go, was saved as usual. So such links stay here, oldest
first, and are saved once the file takes writes again (see ``HistoryStore``).

Meanwhile the duplicate check must know them, or a second link for the same customer goes out
unwarned. They are therefore also kept in a table in memory made as the file's is, with the
same functions, so the check's own query finds them by exactly the same rules.

Why a write was refused is told apart here (:func:`write_trouble`): the person can free space,
close the other program or allow writing, and is told which.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final

from kombo_desktop.core.history import schema
from kombo_desktop.core.history.entries import WriteTrouble
from kombo_desktop.core.history.recording import INSERT_ENTRY

_log = logging.getLogger(__package__)

# SQLite's primary result codes (the low byte of an extended one).
_SQLITE_PERM: Final = 3
_SQLITE_BUSY: Final = 5
_SQLITE_LOCKED: Final = 6
_SQLITE_READONLY: Final = 8
_SQLITE_IOERR: Final = 10
_SQLITE_FULL: Final = 13
_SQLITE_CANTOPEN: Final = 14

# A disk with less room than this left is full as far as the history goes: a write that fails
# with an I/O error there (growing the shared-memory file, say) failed for want of space.
_NEARLY_FULL_BYTES: Final = 1024 * 1024


def write_trouble(error: sqlite3.Error, folder: Path) -> WriteTrouble:
    """Why SQLite refused to write the history file in ``folder``, from ``error``'s code."""
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if code == _SQLITE_FULL:
        return WriteTrouble.DISK_FULL
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return WriteTrouble.HELD_BY_ANOTHER_PROGRAM
    if code in (_SQLITE_READONLY, _SQLITE_PERM, _SQLITE_CANTOPEN):
        return WriteTrouble.READ_ONLY
    if code == _SQLITE_IOERR and _nearly_full(folder):
        return WriteTrouble.DISK_FULL
    return WriteTrouble.OTHER


def _nearly_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < _NEARLY_FULL_BYTES
    except OSError:
        return False


class WaitingLinks:
    """The links waiting to be saved in the history file, oldest first, each as the values
    ``NewEntry.stored_values()`` gave when it was made (its time included), so that it is
    saved exactly as it was kept.

    Not thread-safe: the store uses it under its lock.
    """

    def __init__(self) -> None:
        self._links: list[tuple[int, Mapping[str, object]]] = []  # (id in memory, values)
        self._memory: sqlite3.Connection | None = None  # made for the first link kept
        self.trouble: WriteTrouble | None = None
        """Why the last write of the file failed, while links wait (None: not tried yet)."""

    def __len__(self) -> int:
        return len(self._links)

    def keep(self, values: Mapping[str, object]) -> None:
        """Keep a link, not written yet, after those kept before it (why earlier links wait,
        if they do, stays as it was: this one is not tried yet)."""
        memory = self._table()
        (memory_id, *_) = memory.execute(INSERT_ENTRY, values).fetchone()
        self._links.append((int(memory_id), values))

    def oldest(self) -> tuple[int, Mapping[str, object]] | None:
        """The link that has waited longest (its id here, and its values), or None."""
        return self._links[0] if self._links else None

    def saved(self, memory_id: int) -> None:
        """The link kept as ``memory_id`` is now in the file: it waits no more."""
        self._links = [link for link in self._links if link[0] != memory_id]
        if self._memory is not None:
            self._memory.execute("DELETE FROM links WHERE id = ?", (memory_id,))
        if not self._links:
            self.trouble = None

    def name_organization(self, query: str, parameters: Mapping[str, object]) -> bool:
        """Give the organisation ``parameters`` name to the reconnection link waiting with
        their ``url`` if it names no customer yet (``query``: the file's statement, see
        ``recording.NAME_RELINK_ORGANIZATION``); it is then saved with it. False when no link
        waiting is such a one."""
        for index, (memory_id, values) in enumerate(self._links):
            if values["url"] != parameters["url"] or values["kind"] != parameters["kind"]:
                continue
            if any(values[column] is not None for column in ("organization", "email", "origin_id")):
                continue
            category = values["category"]
            named = {
                **values,
                "organization": parameters["organization"],
                "category": category if category is not None else parameters["category"],
            }
            self._links[index] = (memory_id, named)
            if self._memory is not None:
                self._memory.execute(query, parameters).fetchall()
            return True
        return False

    def first_row(self, query: str, parameters: Mapping[str, object]) -> Sequence[object] | None:
        """The first row ``query`` (written for the file's table) returns from the links
        waiting; None when there is none, or none waits."""
        if not self._links or self._memory is None:
            return None
        row: Sequence[object] | None = self._memory.execute(query, parameters).fetchone()
        return row

    def close(self) -> None:
        """Forget the links still waiting (the store logs how many were lost)."""
        self._links = []
        if self._memory is not None:
            self._memory.close()
            self._memory = None

    def _table(self) -> sqlite3.Connection:
        if self._memory is None:
            memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            schema.register_functions(memory)
            schema.upgrade(memory)
            self._memory = memory
        return self._memory
