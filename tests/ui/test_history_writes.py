"""The window writes its link history on worker threads, never on its own.

Every link made, every entry deleted and every renamed profile was written into the history
file on the UI thread: the window froze for as long as the file took, about a second whenever
another program held it (SQLite's wait for it, then the refusal), and a slow disk's flush each
time otherwise. Real SQLite files: the window's own history, with another connection holding a
write open on it as a database tool does until its changes are written. Which thread ran each
statement is read from the window's own connection (SQLite's trace hook runs on that thread).
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kombo_desktop.core.history import HistoryStore
from kombo_desktop.ui import history_waiting
from kombo_desktop.ui.main_window import MainWindow
from tests.support.history_helpers import (
    history_of,
    open_history,
    record_hour_long_link,
    shown_entries,
    statements_by_thread,
    threads_that_ran,
)
from tests.support.locked_files import sqlite_write_open
from tests.support.message_boxes import answer_next_box
from tests.ui.conftest import fill_form, make_link
from tests.ui.test_duplicates import rename_in_settings

WINDOWS_THREAD = threading.main_thread().name
NOT_SAVED_YET = "could not be saved in the history yet"
LINK = "https://connect.kombo.dev/v1?t=1"


@pytest.fixture
def no_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history_waiting, "RETRY_SECONDS", 3600.0)


def opened_history(qtbot: QtBot, window: MainWindow) -> tuple[HistoryStore, Path]:
    """The window's history, once start-up has opened it, and its file."""
    feature = history_of(window)
    qtbot.waitUntil(lambda: feature.is_open)
    return feature.store, window.setup.paths.history_file


def links_in(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT url FROM links ORDER BY id")]
    finally:
        conn.close()


def test_a_link_made_is_written_into_the_history_off_the_windows_thread(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    store, path = opened_history(qtbot, demo_window)
    feature = open_history(qtbot, demo_window)
    with statements_by_thread(store) as ran:
        fill_form(demo_window)
        link = make_link(qtbot, demo_window)
        qtbot.waitUntil(lambda: links_in(path) == [link], timeout=5000)
        # The panel lists it once it is saved, with the number the file gave it.
        qtbot.waitUntil(lambda: [e.url for e in shown_entries(feature)] == [link], timeout=5000)
    writers = threads_that_ran(ran, "INSERT INTO links")
    assert writers, "the link was written by the window's own connection"
    assert WINDOWS_THREAD not in writers
    assert shown_entries(feature)[0].id == store.search()[0].id


def test_a_link_made_while_another_program_holds_the_history_leaves_the_window_free(
    qtbot: QtBot, demo_window: MainWindow, no_retries: None
) -> None:
    # The window froze for a second per link while a database tool held the file: SQLite's
    # wait for it ran on the window's thread, then the refusal.
    store, path = opened_history(qtbot, demo_window)
    with statements_by_thread(store) as ran:
        fill_form(demo_window)
        with sqlite_write_open(path):
            link = make_link(qtbot, demo_window)
            qtbot.waitUntil(lambda: NOT_SAVED_YET in demo_window.statusLabel.text(), timeout=5000)
            assert links_in(path) == []
        # The next link saves it first, off the window's thread too.
        fill_form(demo_window, email="bob@globex.example", organization="Globex AG")
        second = make_link(qtbot, demo_window)
        qtbot.waitUntil(lambda: links_in(path) == [link, second], timeout=5000)
    writers = threads_that_ran(ran, "INSERT INTO links")
    assert len(writers) >= 3  # refused once, then both saved
    assert WINDOWS_THREAD not in writers


def test_deleting_an_entry_writes_off_the_windows_thread(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    store, _path = opened_history(qtbot, demo_window)
    entry = record_hour_long_link(store, LINK, left=timedelta(minutes=30))
    feature = open_history(qtbot, demo_window)
    feature.panel.historyTable.selectRow(0)
    with statements_by_thread(store) as ran:
        answer_next_box("Delete")
        feature.panel.historyDeleteButton.click()
        qtbot.waitUntil(lambda: shown_entries(feature) == [], timeout=5000)
    assert store.get(entry.id) is None
    assert demo_window.statusLabel.text() == "The entry was deleted from the history."
    writers = threads_that_ran(ran, "DELETE FROM links")
    assert writers and WINDOWS_THREAD not in writers


def test_deleting_while_another_program_holds_the_history_leaves_the_window_free(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The Delete click froze the window for a second, then said it could not delete.
    store, path = opened_history(qtbot, demo_window)
    entry = record_hour_long_link(store, LINK, left=timedelta(minutes=30))
    feature = open_history(qtbot, demo_window)
    feature.panel.historyTable.selectRow(0)
    with sqlite_write_open(path):
        answer_next_box("Delete")
        feature.panel.historyDeleteButton.click()
        # The click came back before the file answered: nothing is said about it yet.
        assert "could not be deleted" not in demo_window.statusLabel.text()
        qtbot.waitUntil(
            lambda: "could not be deleted" in demo_window.statusLabel.text(), timeout=5000
        )
    assert demo_window.statusPanel.kind == "error"
    assert [e.id for e in shown_entries(feature)] == [entry.id]  # still there, as it is
    assert store.get(entry.id) is not None


def test_a_renamed_profile_is_written_into_the_history_off_the_windows_thread(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    store, path = opened_history(qtbot, demo_window)
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    qtbot.waitUntil(lambda: len(links_in(path)) == 1, timeout=5000)
    with statements_by_thread(store) as ran:
        rename_in_settings(qtbot, demo_window, "Production")
        qtbot.waitUntil(
            lambda: [entry.profile for entry in store.search()] == ["Production"], timeout=5000
        )
    writers = threads_that_ran(ran, "UPDATE links SET profile")
    assert writers and WINDOWS_THREAD not in writers
