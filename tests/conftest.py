"""Shared test set-up: no display, no real credential store, no files outside a temp folder."""

from __future__ import annotations

import os

# Must happen before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from tests.support.keyrings import InMemoryKeyring


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own KOMBO_DESKTOP_HOME and no inherited key or API base."""
    home = tmp_path / "kombo-home"
    monkeypatch.setenv("KOMBO_DESKTOP_HOME", str(home))
    monkeypatch.delenv("KOMBO_API_KEY", raising=False)
    monkeypatch.delenv("KOMBO_API_BASE", raising=False)
    return home


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[InMemoryKeyring]:
    """A working in-memory credential store behind keyring's real module API."""
    previous = keyring.get_keyring()
    backend = InMemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def no_log_file_left_open() -> Iterator[None]:
    """A window opens the log file in its test's folder, and only the program's exit closes
    it: detached after each test, so that the next starts without one, as a program does.
    (Left open, it made tests of the log's first moments fail when they ran after a window.)"""
    yield
    from kombo_desktop.core.logs import stop_logging

    stop_logging()


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """Fail a test that leaves a thread running (servers, workers): they hang real programs."""
    before = set(threading.enumerate())
    yield
    deadline = 5.0
    for thread in set(threading.enumerate()) - before:
        # Threads Python did not start (Qt's pool threads running Python code) cannot be joined.
        if not isinstance(thread, threading._DummyThread):
            thread.join(timeout=deadline)
    leaked = [
        t.name
        for t in set(threading.enumerate()) - before
        if t.is_alive() and not t.name.startswith(("Dummy-", "QThread"))
    ]
    assert not leaked, f"test left threads running: {leaked}"


@pytest.fixture(autouse=True)
def garbage_collected_on_the_main_thread() -> Iterator[None]:
    """Python's cycle collector runs on whichever thread happens to allocate. On a worker it
    freed a Qt object's wrapper there, whose disconnect held Qt's signal lock while waiting for
    the interpreter lock, which the main thread held while waiting for that signal lock (a
    Settings test stood still, under both Qts, until the CI limit). So the collector does not
    run by itself during a test; what is due by its usual thresholds is collected on the main
    thread after it, as the program does (``kombo_desktop.ui.ui_thread_gc``)."""
    from kombo_desktop.ui.ui_thread_gc import collect_what_is_due

    gc.disable()
    yield
    collect_what_is_due()
