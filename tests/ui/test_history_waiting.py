"""Links the history file could not take when they were made (a full disk, a database tool
holding the file): saved once it can, with the person told why, what to do, and when it worked.

Real SQLite files throughout: another connection holds a write open on the window's history
file, as DB Browser for SQLite does until its changes are written, or the window's own
connection is refused any page more, SQLite's own "database or disk is full".
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kombo_desktop.core.demo_server import CREATE_LINK_PATH, DemoKomboServer
from kombo_desktop.core.history import HistoryStore
from kombo_desktop.ui import history_waiting
from kombo_desktop.ui.main_window import MainWindow
from tests.support.fault_server import FaultServer, Reply, tools_or
from tests.support.history_helpers import history_of, open_history, shown_entries
from tests.support.locked_files import (
    LINK_NEEDING_A_PAGE,
    history_without_room,
    sqlite_write_open,
)
from tests.support.message_boxes import answer_next_box
from tests.support.window_system import close_as_the_person_does
from tests.ui.conftest import WindowFactory, fill_form, make_link, wait_until_ready

NOW_SAVED = "The link is now saved in the history."
NOT_SAVED_YET = "could not be saved in the history yet"


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history_waiting, "RETRY_SECONDS", 0.1)


@pytest.fixture
def no_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history_waiting, "RETRY_SECONDS", 3600.0)


def history_file(qtbot: QtBot, window: MainWindow) -> Path:
    """The window's history file, once start-up has opened it."""
    qtbot.waitUntil(lambda: history_of(window).is_open)
    return window.setup.paths.history_file


def retries_of(monkeypatch: pytest.MonkeyPatch, store: HistoryStore) -> list[int]:
    """How many links still waited after each retry the window makes from now on (on a worker
    thread, every ``RETRY_SECONDS``), counted as they end: a fixed wait saw none at all on a
    loaded machine, and proved nothing about what a retry leaves."""
    left_after: list[int] = []
    real_save = store.save_waiting

    def counted(*, wait: float | None = None) -> int:
        left = real_save(wait=wait)
        left_after.append(left)
        return left

    monkeypatch.setattr(store, "save_waiting", counted)
    return left_after


def retried(qtbot: QtBot, window: MainWindow, left_after: list[int], times: int = 3) -> None:
    """Until the window has retried ``times`` times and said what the last retry found."""
    qtbot.waitUntil(lambda: len(left_after) >= times, timeout=10_000)
    said: list[bool] = []
    history_of(window).when_saved(lambda: said.append(True))
    qtbot.waitUntil(lambda: said != [])


def links_in(path: Path) -> list[str]:
    """The links in the history file at ``path``, in the order saved."""
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT url FROM links ORDER BY id")]
    finally:
        conn.close()


def test_a_link_made_while_another_program_writes_the_history_is_saved_once_it_lets_go(
    qtbot: QtBot, demo_window: MainWindow, quick_retries: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It was gone from the history for good, and the status blamed nothing and said that
    # restarting might help (it does not: the other program has to let go).
    path = history_file(qtbot, demo_window)
    fill_form(demo_window)
    with sqlite_write_open(path):
        link = make_link(qtbot, demo_window)
        # Said once the worker writing it gave up waiting (a second), the window free meanwhile.
        qtbot.waitUntil(lambda: NOT_SAVED_YET in demo_window.statusLabel.text(), timeout=5000)
        status = demo_window.statusLabel.text()
        assert demo_window.statusPanel.kind == "error"
        assert status.startswith("The link is ready, but it could not be saved in the history yet")
        assert "another program is using the link history file" in status
        assert "Close that program" in status
        assert "restart" not in status
        left_after = retries_of(monkeypatch, history_of(demo_window).store)
        retried(qtbot, demo_window, left_after)  # a few tries meanwhile, each refused
        assert set(left_after) == {1}
        assert links_in(path) == []
        assert demo_window.statusLabel.text() == status
    qtbot.waitUntil(lambda: links_in(path) == [link], timeout=5000)
    qtbot.waitUntil(lambda: demo_window.statusLabel.text() == NOW_SAVED)
    assert demo_window.statusPanel.kind == "success"
    assert demo_window.linkField.text() == link  # still on show, ready to copy


def test_the_duplicate_warning_knows_a_link_that_waits_to_be_saved(
    qtbot: QtBot, demo_window: MainWindow, no_retries: None
) -> None:
    path = history_file(qtbot, demo_window)
    fill_form(demo_window)
    with sqlite_write_open(path):
        make_link(qtbot, demo_window)
        demo_window.createButton.click()
        feature = history_of(demo_window)
        qtbot.waitUntil(feature.banner.isVisible, timeout=5000)
    assert demo_window.demo_server is not None
    assert len(demo_window.demo_server.requests_to("POST", CREATE_LINK_PATH)) == 1


def test_a_link_made_while_earlier_ones_wait_saves_them_first_and_says_so(
    qtbot: QtBot, demo_window: MainWindow, no_retries: None
) -> None:
    path = history_file(qtbot, demo_window)
    fill_form(demo_window, email="one@first.example", organization="First AG")
    with sqlite_write_open(path):
        first = make_link(qtbot, demo_window)
        fill_form(demo_window, email="two@second.example", organization="Second AG")
        second = make_link(qtbot, demo_window)
        qtbot.waitUntil(
            lambda: (
                "another program is using the link history file" in demo_window.statusLabel.text()
            ),
            timeout=5000,
        )
    fill_form(demo_window, email="three@third.example", organization="Third AG")
    third = make_link(qtbot, demo_window)
    qtbot.waitUntil(lambda: links_in(path) == [first, second, third], timeout=5000)
    said = "Demo link ready. It connects nothing. The earlier links are now saved in the history."
    qtbot.waitUntil(lambda: demo_window.statusLabel.text() == said)
    # The history panel lists them all, the newest first.
    feature = open_history(qtbot, demo_window)
    assert [entry.url for entry in shown_entries(feature)] == [third, second, first]


@pytest.fixture
def long_link_window(
    open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MainWindow]:
    """A window whose links are :data:`LINK_NEEDING_A_PAGE`, from a Kombo of the test's own."""
    with FaultServer(fallback=tools_or(Reply.link(LINK_NEEDING_A_PAGE))) as kombo:
        monkeypatch.setenv("KOMBO_API_KEY", "sk-test-4f9a1c2e8b7d6a5f")
        window = open_window("--api-base", kombo.base_url)
        window.use_target(window.setup.profile_target)
        fill_form(window)
        yield window
        window.close()


def test_a_link_made_while_the_disk_is_full_is_saved_once_there_is_room(
    qtbot: QtBot,
    long_link_window: MainWindow,
    quick_retries: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = long_link_window
    path = history_file(qtbot, window)
    with history_without_room(history_of(window).store):
        assert make_link(qtbot, window) == LINK_NEEDING_A_PAGE
        qtbot.waitUntil(lambda: NOT_SAVED_YET in window.statusLabel.text(), timeout=5000)
        status = window.statusLabel.text()
        assert window.statusPanel.kind == "error"
        assert status.startswith(
            "The link is ready, but it could not be saved in the history yet: the disk is full. "
            "Free some space"
        )
        assert "restart" not in status
        left_after = retries_of(monkeypatch, history_of(window).store)
        retried(qtbot, window, left_after)  # a few tries meanwhile, each refused
        assert set(left_after) == {1}
        assert links_in(path) == []
        assert window.statusLabel.text() == status
    qtbot.waitUntil(lambda: links_in(path) == [LINK_NEEDING_A_PAGE], timeout=5000)
    qtbot.waitUntil(lambda: window.statusLabel.text() == NOW_SAVED)


def test_a_link_kept_off_the_screen_that_must_wait_is_found_in_the_history_later(
    qtbot: QtBot, open_window: WindowFactory, quick_retries: None
) -> None:
    # The next customer's details were typed while Kombo worked: the link is not shown, and
    # was said lost ("it is not kept") when the history refused it.
    with DemoKomboServer(delay_seconds=0.5) as kombo:
        window = open_window("--api-base", kombo.base_url)
        path = history_file(qtbot, window)
        fill_form(window)
        with sqlite_write_open(path):
            window.createButton.click()
            qtbot.waitUntil(lambda: kombo.create_link_count == 1)
            window.emailEdit.setText("bob@globex.example")
            qtbot.waitUntil(lambda: not window.busy, timeout=10_000)
            qtbot.waitUntil(lambda: NOT_SAVED_YET in window.statusLabel.text(), timeout=5000)
            status = window.statusLabel.text()
            assert "it is not shown here" in status
            assert "another program is using the link history file" in status
            assert "then found in the history" in status
            assert "not kept" not in status
            assert window.linkField.text() == ""
        qtbot.waitUntil(lambda: len(links_in(path)) == 1, timeout=5000)
        qtbot.waitUntil(lambda: window.statusLabel.text() == NOW_SAVED)
        wait_until_ready(qtbot, window)
        window.close()


def test_closing_the_window_saves_a_link_still_waiting(
    qtbot: QtBot, demo_window: MainWindow, no_retries: None
) -> None:
    path = history_file(qtbot, demo_window)
    fill_form(demo_window)
    with sqlite_write_open(path):
        link = make_link(qtbot, demo_window)
    demo_window.close()
    assert links_in(path) == [link]


def test_closing_the_window_while_the_history_is_still_held_does_not_wait_long(
    qtbot: QtBot, demo_window: MainWindow, no_retries: None
) -> None:
    path = history_file(qtbot, demo_window)
    fill_form(demo_window)
    with sqlite_write_open(path):
        make_link(qtbot, demo_window)
        started = time.monotonic()
        demo_window.close()
        assert time.monotonic() - started < 2.0
    assert links_in(path) == []


def test_closing_asks_before_losing_links_the_history_file_refused(
    qtbot: QtBot, demo_window: MainWindow, no_retries: None
) -> None:
    # The status line said to keep the program open until the link was saved, yet closing
    # the window threw it away at once, without a word (only a line in the log).
    window = demo_window
    path = history_file(qtbot, window)
    fill_form(window)
    with sqlite_write_open(path):
        link = make_link(qtbot, window)
        qtbot.waitUntil(lambda: NOT_SAVED_YET in window.statusLabel.text(), timeout=5000)
        told = window.statusLabel.text()
        kept = answer_next_box("Cancel")
        assert close_as_the_person_does(window) is False
        assert kept.texts == [
            "Close Kombo Desktop? 1 link made is not saved in the history yet (another program "
            "is using the link history file (a database tool, or a second copy of Kombo "
            "Desktop)): closing now loses it from the history, and the duplicate warning will "
            "not know about it. Close that program first, or close anyway."
        ]
        assert sorted(b.replace("&", "") for b in kept.buttons) == ["Cancel", "Close anyway"]
        assert kept.default.replace("&", "") == "Cancel"
        assert window.isVisible() and not window.closed
        assert window.statusLabel.text() == told
        assert history_of(window).store.waiting == 1
        closed = answer_next_box("Close anyway")
        started = time.monotonic()
        assert close_as_the_person_does(window) is True
        assert time.monotonic() - started < 2.0  # as quick as before, once the person chose
        assert len(closed.texts) == 1
    assert links_in(path) == []
    assert link  # made, and shown, all along


def test_closing_asks_about_links_refused_for_a_full_disk_in_the_words_of_its_status(
    qtbot: QtBot, long_link_window: MainWindow, no_retries: None
) -> None:
    window = long_link_window
    path = history_file(qtbot, window)
    with history_without_room(history_of(window).store):
        make_link(qtbot, window)
        qtbot.waitUntil(lambda: NOT_SAVED_YET in window.statusLabel.text(), timeout=5000)
        kept = answer_next_box("Cancel")
        assert close_as_the_person_does(window) is False
        assert kept.texts == [
            "Close Kombo Desktop? 1 link made is not saved in the history yet (the disk is "
            "full): closing now loses it from the history, and the duplicate warning will not "
            "know about it. Free some space first, or close anyway."
        ]
    # Space freed: saved at the next try, and closing no longer asks.
    assert history_of(window).store.save_waiting(wait=0) == 0  # none waits any longer
    not_asked = answer_next_box("Cancel")
    assert close_as_the_person_does(window) is True
    not_asked.stop()
    assert not_asked.texts == []
    assert links_in(path) == [LINK_NEEDING_A_PAGE]


def test_closing_with_unused_typing_and_links_refused_asks_once_about_both(
    qtbot: QtBot, demo_window: MainWindow, no_retries: None
) -> None:
    window = demo_window
    path = history_file(qtbot, window)
    fill_form(window)
    with sqlite_write_open(path):
        make_link(qtbot, window)
        qtbot.waitUntil(lambda: NOT_SAVED_YET in window.statusLabel.text(), timeout=5000)
        fill_form(window, email="bob@example.com", organization="Other GmbH")  # not used yet
        asked = answer_next_box("Close anyway")
        assert close_as_the_person_does(window) is True
        assert len(asked.texts) == 1  # one question, not one after the other
        (question,) = asked.texts
        assert "has not been used for a link yet, and would be lost." in question
        assert question.endswith(
            "1 link made is not saved in the history yet (another program is using the link "
            "history file (a database tool, or a second copy of Kombo Desktop)): closing now "
            "loses it from the history, and the duplicate warning will not know about it. "
            "Close that program first, or close anyway."
        )
        assert sorted(b.replace("&", "") for b in asked.buttons) == ["Cancel", "Close anyway"]
        assert asked.default.replace("&", "") == "Cancel"
