"""Files and folders the program may not change: a file another program holds a lock on (or a
write open on), a folder another account owns or one on a read-only disk, a full disk (or a
history with no room left); and a disk that holds writes, or a history that holds reads, up
until the test lets them go."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from kombo_desktop.core.history import HistoryStore


def refuse_reading(monkeypatch: pytest.MonkeyPatch, locked: Path) -> None:
    """Make ``Path.read_bytes`` of ``locked`` fail with "Permission denied" until the
    monkeypatch is undone (tests run as root here, so real file modes would not stop them)."""
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)


@contextmanager
def unchangeable_folder(folder: Path) -> Iterator[Path]:
    """``folder`` refusing every change, its mode and its list of files included, as a folder
    another account owns or one on a read-only disk does, until the block ends.

    Tests run as root here, and root may change any folder's mode and write anywhere; the
    immutable flag (``chattr +i``) stops root too. Where it cannot be set (an ordinary account,
    another system, a file system without it) the test is skipped.
    """
    chattr = shutil.which("chattr") or "chattr"
    try:
        subprocess.run([chattr, "+i", str(folder)], capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("the immutable flag cannot be set here (it needs root on Linux)")
    try:
        yield folder
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)  # or the folder stays forever


@contextmanager
def sqlite_file_held(path: Path, *, at_the_latest: float) -> Iterator[None]:
    """``path``, an SQLite file, held as a database tool can hold it (exclusive locking mode, a
    write open), so that no other connection can read it, until the block ends.

    Or until ``at_the_latest`` seconds have passed, on a thread of its own: code that waits
    for the file (as it must not) then goes on, and its test fails on the time it took
    instead of waiting for ever.
    """
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("PRAGMA user_version = 0")  # a write: the lock is taken and kept
    let_go_once = threading.Lock()

    def let_go() -> None:
        if let_go_once.acquire(blocking=False):
            holder.execute("ROLLBACK")
            holder.close()

    timer = threading.Timer(at_the_latest, let_go)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        let_go()


@contextmanager
def sqlite_write_open(path: Path) -> Iterator[None]:
    """``path``, an SQLite file in WAL mode, with another program's write open on it until the
    block ends, as DB Browser for SQLite keeps one after any edit until "Write Changes": the
    file can still be read, but nobody else can write it."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        holder.execute("BEGIN IMMEDIATE")  # takes the write lock, as an edit does
        yield
    finally:
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()


@contextmanager
def write_begun(store: HistoryStore) -> Iterator[threading.Event]:
    """An event set once the store's own connection begins a write (an INSERT, UPDATE or
    DELETE), until the block ends. SQLite's trace hook runs as a statement begins, before it
    asks for the file's write lock: with another program holding that lock
    (:func:`sqlite_write_open`), the writer has then reached the wait for that program, where
    a fixed pause could only guess it had."""
    begun = threading.Event()

    def trace(statement: str) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            begun.set()

    with statements_traced(store, trace):
        yield begun


@contextmanager
def statements_traced(store: HistoryStore, trace: Callable[[str], None]) -> Iterator[None]:
    """``trace`` called with each statement the store's own connection runs until the block
    ends, on the thread that runs it, as the statement begins (SQLite's trace hook)."""
    with store._lock:
        assert store._conn is not None
        store._conn.set_trace_callback(trace)
    try:
        yield
    finally:
        with store._lock:
            if store._conn is not None:
                store._conn.set_trace_callback(None)


# A link address this long does not fit in its index's page with others (about 1,000 bytes
# fit): storing it always takes a page more, which a history with no room left cannot give.
LINK_NEEDING_A_PAGE = "https://connect.kombo.dev/v1?token=" + "a" * 1500


@contextmanager
def history_without_room(store: HistoryStore) -> Iterator[None]:
    """The history ``store`` writes refusing any page more until the block ends, as on a full
    disk: SQLite's own "database or disk is full" (SQLITE_FULL), from the real file's own
    connection, for every write that needs a new page (a :data:`LINK_NEEDING_A_PAGE` does).
    Works for any account, with no disk to fill or mount."""
    with store._lock:
        connection = store._conn
        assert connection is not None
        (free,) = connection.execute("PRAGMA freelist_count").fetchone()
        assert free == 0, "a free page in the file would take the next link"
        (before,) = connection.execute("PRAGMA max_page_count").fetchone()
        (pages,) = connection.execute("PRAGMA page_count").fetchone()
        connection.execute(f"PRAGMA max_page_count = {pages:d}")
    try:
        yield
    finally:
        with store._lock:
            if store._conn is not None:
                store._conn.execute(f"PRAGMA max_page_count = {before:d}")


class HeldRead:
    """The history's reads made on the thread whose name starts with ``thread_name`` (the
    export's worker, say) stop midway, inside SQLite's reading, until :meth:`release`: as
    a long read of 100,000 links does, only for as long as the test wants. Whether they
    read through the store's connection or a connection opened after this (a progress
    handler is set on each); the others' reads go on."""

    def __init__(
        self, monkeypatch: pytest.MonkeyPatch, store: HistoryStore, thread_name: str
    ) -> None:
        self.reading = threading.Event()  # a read is being held up
        self._released = threading.Event()

        def now_and_then() -> int:
            if threading.current_thread().name.startswith(thread_name):
                self.reading.set()
                self._released.wait(timeout=30)  # a test that fails leaves no thread stuck
            return 0  # go on reading

        real_connect = sqlite3.connect

        def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
            connection = real_connect(*args, **kwargs)
            connection.set_progress_handler(now_and_then, 100)
            return connection

        with store._lock:
            assert store._conn is not None
            store._conn.set_progress_handler(now_and_then, 100)
        monkeypatch.setattr(sqlite3, "connect", connect)

    @property
    def released(self) -> bool:
        return self._released.is_set()

    def release(self) -> None:
        """Let the reads held up, and every later one, go on."""
        self._released.set()


def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every ``os.fsync`` fail with "No space left on device" until the monkeypatch is
    undone: a full disk (or a used-up quota) often lets a file be created and refuses its
    content only when it is pushed to the disk. Works for any account, no disk to fill."""

    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", fsync)


class HeldWrites:
    """Every ``os.fsync`` (the last step of ``core.files.atomic_write`` before the rename)
    made off the UI thread (by the thread called ``thread_name``, if given) waits until
    :meth:`release`, as on a network share that takes seconds to confirm a write; each
    records the thread that made it. One made on the UI thread goes through at once:
    recorded, it shows that the window would have waited."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, thread_name: str | None = None) -> None:
        self.threads: list[threading.Thread] = []
        self._released = threading.Event()
        self.waiting = threading.Event()  # a write is being held up
        self._gone_through = threading.Event()  # a held write went on (released, timed out)
        real_fsync = os.fsync

        def held(thread: threading.Thread) -> bool:
            if thread_name is not None:
                return thread.name == thread_name
            return thread is not threading.main_thread()

        def fsync(fd: int) -> None:
            thread = threading.current_thread()
            self.threads.append(thread)
            if held(thread):
                self.waiting.set()
                self._released.wait(timeout=30)  # a test that fails leaves no thread stuck
                self._gone_through.set()
            real_fsync(fd)

        monkeypatch.setattr(os, "fsync", fsync)

    @property
    def on_the_ui_thread(self) -> bool:
        return threading.main_thread() in self.threads

    @property
    def holding(self) -> bool:
        """A write is being held up right now: none of those held has gone through yet."""
        return self.waiting.is_set() and not self._gone_through.is_set()

    def release(self) -> None:
        """Let every write held up, and every later one, go through."""
        self._released.set()


@contextmanager
def small_disk(folder: Path) -> Iterator[Path]:
    """A real file system of 64 KB of its own at ``folder`` (tmpfs), to fill up with
    :func:`fill_up`, until the block ends. Where it cannot be mounted (an ordinary account, a
    container without the right, another system) the test is skipped."""
    folder.mkdir(exist_ok=True)
    mount = shutil.which("mount") or "mount"
    command = [mount, "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)]
    try:
        subprocess.run(command, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("a small disk cannot be mounted here (it needs root on Linux)")
    try:
        yield folder
    finally:
        subprocess.run([shutil.which("umount") or "umount", str(folder)], check=True)


def fill_up(folder: Path) -> None:
    """Fill the disk ``folder`` is on (a :func:`small_disk`) to the last byte, as other
    programs' files do."""
    with (folder / "filler").open("ab", buffering=0) as filler, contextlib.suppress(OSError):
        while True:
            filler.write(b"x" * 512)


def read_only_drive(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make every change in ``folder`` (creating, renaming or removing a file) fail with
    "Read-only file system", as on a write-protected USB stick or a read-only share, until the
    monkeypatch is undone. Reading still works. Works for any account, nothing to mount."""

    def refuse(path: Any) -> None:
        if Path(path).parent == folder:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    real_path_open, real_os_open = Path.open, os.open
    real_replace, real_unlink = os.replace, os.unlink

    def path_open(path: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if set(mode) & set("wxa+"):
            refuse(path)
        return real_path_open(path, mode, *args, **kwargs)

    def os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            refuse(path)
        return real_os_open(path, flags, *args, **kwargs)

    def replace(source: Any, target: Any, **kwargs: Any) -> None:
        refuse(source)
        refuse(target)
        real_replace(source, target, **kwargs)

    def unlink(path: Any, **kwargs: Any) -> None:
        refuse(path)
        real_unlink(path, **kwargs)

    monkeypatch.setattr(Path, "open", path_open)
    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "rename", replace)
    monkeypatch.setattr(os, "unlink", unlink)
    monkeypatch.setattr(os, "remove", unlink)
