"""Start-up work that shows nothing waits for the first frame, and is never a race.

``AfterFirstPaint`` runs such work (the history database, the log file) right after the window's
first paint; anything that needs it sooner runs it at once. These tests hold it to both halves:
nothing runs before the window is painted, and a link asked for before then is still checked
against the history. A link asked for while the history is still being opened on its worker
thread waits for it (a second at most) without the window waiting: it stays usable meanwhile.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QMainWindow, QWidget
from pytestqt.qtbot import QtBot

from kombo_desktop.app import build_main_window
from kombo_desktop.core import history as history_package
from kombo_desktop.core.demo_server import DemoKomboServer
from kombo_desktop.core.history import HistoryStore
from kombo_desktop.core.link_request import LinkRequest
from kombo_desktop.core.logs import stop_logging
from kombo_desktop.core.paths import AppPaths
from kombo_desktop.core.settings import Profile, Region, Settings, SettingsStore
from kombo_desktop.core.vocabulary import Category
from kombo_desktop.ui import history_closing, history_opening, history_waiting, qt_enums
from kombo_desktop.ui.duplicate_flow import CHOOSE_IN_WARNING, GONE_BY_EDITING
from kombo_desktop.ui.history_feature import KEPT_UNTIL_CLOSING
from kombo_desktop.ui.link_form import LinkForm
from kombo_desktop.ui.link_making import (
    CHECKING_EARLIER_LINKS_TEXT,
    OPENING_HISTORY_TEXT,
    RELINK_GONE_BY_EDITING,
)
from kombo_desktop.ui.main_window import MainWindow
from kombo_desktop.ui.start_up import AfterFirstPaint, after_next_paint
from tests.support.found import completer_of, popup_of
from tests.support.history_records import record_request
from tests.support.keyrings import InMemoryKeyring
from tests.support.locked_files import sqlite_file_held, sqlite_write_open
from tests.support.message_boxes import answer_next_box
from tests.support.python_run import last_line_printed
from tests.support.window_system import close_as_the_person_does
from tests.ui.conftest import WindowFactory, fill_form, wait_saved, wait_until_settled
from tests.ui.test_duplicates import rename_in_settings


class PaintClock(QObject):
    """Notes when ``widget`` is first painted."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.painted_at: float | None = None
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.painted_at is None:
            self.painted_at = time.perf_counter()
        return False


def painted_again(qtbot: QtBot, widget: QWidget) -> None:
    """Have ``widget`` painted again, and wait for that paint and the turn of the event loop
    after it: what the paint set off by mistake (``AfterFirstPaint`` runs its work in the
    turns after one) has run by then. A fixed wait proved nothing on a loaded machine, where
    it could end before the paint."""
    clock = PaintClock(widget)
    widget.update()
    qtbot.waitUntil(lambda: clock.painted_at is not None)
    widget.removeEventFilter(clock)
    turn: list[bool] = []
    QTimer.singleShot(0, lambda: turn.append(True))
    qtbot.waitUntil(lambda: bool(turn))


@pytest.fixture
def window(qtbot: QtBot) -> QMainWindow:
    widget = QMainWindow()
    qtbot.addWidget(widget)
    return widget


def test_actions_run_once_after_the_first_paint_in_order(qtbot: QtBot, window: QMainWindow) -> None:
    hook = AfterFirstPaint(window)
    ran: list[tuple[str, float]] = []
    hook.add(lambda: ran.append(("first", time.perf_counter())))
    hook.add(lambda: ran.append(("second", time.perf_counter())))
    clock = PaintClock(window)
    qtbot.wait(20)
    assert ran == []  # not shown, not painted: nothing runs

    window.show()
    qtbot.waitUntil(lambda: len(ran) == 2, timeout=5000)
    assert [name for name, _ in ran] == ["first", "second"]
    assert clock.painted_at is not None and clock.painted_at < ran[0][1]
    assert hook.done
    painted_again(qtbot, window)
    assert len(ran) == 2  # later paints run nothing again
    hook.add(lambda: ran.append(("late", 0.0)))
    assert ran[-1][0] == "late"  # after the first frame, at once


def test_run_now_runs_what_is_pending_without_a_paint(qtbot: QtBot, window: QMainWindow) -> None:
    hook = AfterFirstPaint(window)
    ran: list[int] = []
    hook.add(lambda: ran.append(1))
    hook.run_now()
    assert ran == [1]
    window.show()
    painted_again(qtbot, window)
    hook.run_now()
    assert ran == [1]


def test_a_failing_step_is_reported_and_the_others_still_run(
    qtbot: QtBot, window: QMainWindow
) -> None:
    hook = AfterFirstPaint(window)
    ran: list[int] = []

    def fail() -> None:
        raise OSError("disk full")

    hook.add(fail)
    hook.add(lambda: ran.append(2))
    with pytest.raises(OSError, match="disk full"):
        hook.run_now()
    qtbot.waitUntil(lambda: ran == [2])


class EventLog(QObject):
    """Notes each of Qt's ``User`` events posted to it, as the window would handle a click."""

    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self._log = log

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.User:
            self._log.append("event")
            return True
        return super().event(event)


def test_idle_steps_run_after_the_actions_one_per_turn_of_the_event_loop(
    qtbot: QtBot, window: QMainWindow
) -> None:
    hook = AfterFirstPaint(window)
    ran: list[str] = []
    events = EventLog(ran)

    def step(name: str) -> Callable[[], None]:
        def run() -> None:
            ran.append(name)
            # Something the person does meanwhile: handled before the next step, not after all.
            QCoreApplication.postEvent(events, QEvent(QEvent.Type.User))

        return run

    hook.add_in_idle_turns([step("first"), step("second")])
    hook.add(lambda: ran.append("action"))
    qtbot.wait(20)
    assert ran == []  # not painted: nothing runs

    window.show()
    qtbot.waitUntil(lambda: len(ran) == 5, timeout=5000)
    assert ran == ["action", "first", "event", "second", "event"]
    assert hook.done


def test_actions_run_one_per_turn_of_the_event_loop_with_events_handled_between(
    qtbot: QtBot, window: QMainWindow
) -> None:
    # They all ran in one turn: 60-140 ms on a slow machine, with a key press or a click into
    # the form, just shown, waiting for all of them.
    hook = AfterFirstPaint(window)
    ran: list[str] = []
    events = EventLog(ran)

    def action(name: str, then: Callable[[], None] | None = None) -> Callable[[], None]:
        def run() -> None:
            ran.append(name)
            # Something the person does meanwhile: handled before the next action.
            QCoreApplication.postEvent(events, QEvent(QEvent.Type.User))
            if then is not None:
                then()

        return run

    # One added by an action once the window is painted comes after those added before it.
    hook.add(action("first", then=lambda: hook.add(action("added"))))
    hook.add(action("second"))
    hook.add_in_idle_turns([action("idle")])
    window.show()
    qtbot.waitUntil(lambda: hook.done, timeout=5000)
    assert ran == ["first", "event", "second", "event", "added", "event", "idle", "event"]


def test_run_now_between_the_turns_runs_the_remaining_actions_at_once(
    qtbot: QtBot, window: QMainWindow
) -> None:
    # What needs the work's results sooner gets them, whichever turn it comes in.
    hook = AfterFirstPaint(window)
    ran: list[str] = []
    events = EventLog(ran)

    def first() -> None:
        ran.append("first")
        QCoreApplication.postEvent(events, QEvent(QEvent.Type.User))
        hook.run_now()

    hook.add(first)
    hook.add(lambda: ran.append("second"))
    hook.add(lambda: ran.append("third"))
    window.show()
    qtbot.waitUntil(lambda: "event" in ran, timeout=5000)
    assert ran == ["first", "second", "third", "event"]
    assert hook.done


def test_idle_steps_added_after_the_first_frame_run_in_later_turns(
    qtbot: QtBot, window: QMainWindow
) -> None:
    hook = AfterFirstPaint(window)
    ran: list[str] = []
    hook.run_now()
    hook.add_in_idle_turns([lambda: ran.append("first"), lambda: ran.append("second")])
    assert ran == []
    assert not hook.done  # the steps count as work still to do
    qtbot.waitUntil(lambda: hook.done, timeout=5000)
    assert ran == ["first", "second"]


def test_a_failing_idle_step_is_reported_and_the_others_still_run(
    qtbot: QtBot, window: QMainWindow
) -> None:
    hook = AfterFirstPaint(window)
    ran: list[int] = []

    def fail() -> None:
        raise OSError("disk full")

    with qtbot.capture_exceptions() as exceptions:
        hook.add_in_idle_turns([fail, lambda: ran.append(2)])
        hook.run_now()
        qtbot.waitUntil(lambda: ran == [2])
    assert [str(error) for _, error, _ in exceptions] == ["disk full"]
    assert hook.done


def test_after_next_paint_waits_for_the_widgets_paint(qtbot: QtBot, window: QMainWindow) -> None:
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(20)
    clock = PaintClock(window)
    ran: list[float] = []
    after_next_paint(window, lambda: ran.append(time.perf_counter()), 5000)
    qtbot.waitUntil(lambda: len(ran) == 1, timeout=3000)
    assert clock.painted_at is not None and clock.painted_at < ran[0]
    painted_again(qtbot, window)
    assert len(ran) == 1


def test_after_next_paint_gives_up_waiting_at_the_deadline(
    qtbot: QtBot, window: QMainWindow
) -> None:
    ran: list[float] = []
    started = time.perf_counter()
    after_next_paint(window, lambda: ran.append(time.perf_counter()), 80)  # never shown
    qtbot.waitUntil(lambda: len(ran) == 1, timeout=3000)
    assert ran[0] - started >= 0.07


# --- the window ------------------------------------------------------------------------------


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    level = root.level
    yield
    stop_logging()
    root.setLevel(level)


@pytest.mark.usefixtures("restore_logging")
def test_the_history_and_the_log_file_open_right_after_the_first_frame(qtbot: QtBot) -> None:
    paths = AppPaths.from_environment()
    stop_logging()  # as in a fresh process: no log file open yet
    window = build_main_window(["--demo"])
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    logging.getLogger("kombo_desktop.tests").info("logged before the first frame")
    assert not window.history.is_open
    assert not paths.history_file.exists()
    assert not paths.log_file.exists()

    window.show()
    qtbot.waitUntil(lambda: window.start_up.done, timeout=5000)
    # The history is handed to a worker thread to open; it is open soon after.
    qtbot.waitUntil(lambda: window.history.is_open, timeout=5000)
    assert paths.history_file.exists()
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = paths.log_file.read_text(encoding="utf-8")
    assert "starting (demo: True)" in text
    assert "logged before the first frame" in text
    window.close()


@pytest.mark.usefixtures("restore_logging")
def test_a_log_file_that_cannot_be_opened_is_said_with_its_folder_and_a_way_forward(
    qtbot: QtBot,
) -> None:
    paths = AppPaths.from_environment()
    paths.log_dir.parent.mkdir(parents=True)
    paths.log_dir.write_text("a file where the log folder should be", encoding="utf-8")
    window = build_main_window(["--demo"])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.start_up.done, timeout=5000)

    note = window.statusLabel.text()
    assert "The log file could not be opened" in note
    assert str(paths.log_dir) in note and "start Kombo Desktop again" in note
    window.close()


def test_a_link_asked_for_before_the_first_frame_is_still_checked_for_duplicates(
    qtbot: QtBot, isolated_home: Path
) -> None:
    window = build_main_window(["--demo"])
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert window.demo_server is not None
    request = LinkRequest.from_form(
        email="anna@example.com", organization_name="Acme GmbH", tool="personio"
    )
    earlier = HistoryStore(AppPaths.from_environment().history_file)
    record_request(
        earlier,
        request,
        f"{window.demo_server.origin}/demo/connect?token=DEMO-earlier",  # this demo session's
        profile="default",
        created_at=datetime.now(UTC),
        is_demo=True,
    )
    earlier.close()
    fill_form(window)
    window.createButton.click()  # never shown, never painted: the history is not open yet

    assert window.history.banner.isVisibleTo(window)
    assert "Nothing was sent" in window.statusLabel.text()
    wait_until_settled(qtbot, window)  # a request wrongly sent has arrived by now
    assert window.demo_server.create_link_count == 0
    window.close()


def test_a_first_link_asked_for_between_the_start_up_actions_is_made_checked_and_saved(
    qtbot: QtBot, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The work after the first frame runs one action per turn of the event loop, so a click
    # can come before most of it: before the history is handed to its worker, before the
    # enums the first link names are built. The link is then checked against the history
    # (opened for it at once), made, shown with its QR code and saved, only a little slower.
    clicked: list[tuple[bool, bool]] = []
    warm_up = qt_enums.warm_up
    window: MainWindow  # built below; the click comes once it is

    def warm_up_then_click() -> None:
        warm_up()

        def click() -> None:
            clicked.append((window.start_up.done, window.integration_lookup is None))
            window.createButton.click()

        QTimer.singleShot(0, click)  # the person's click, waiting as the first action ends

    monkeypatch.setattr(qt_enums, "warm_up", warm_up_then_click)
    window = build_main_window(["--demo"])
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    fill_form(window)
    window.show()
    qtbot.waitUntil(lambda: window.linkField.text() != "", timeout=10_000)
    qtbot.waitUntil(lambda: not window.qrView.pixmap().isNull(), timeout=10_000)

    assert clicked == [(False, True)]  # handled before the later actions (the id lookup) ran
    assert window.statusLabel.text().startswith("Demo link ready.")
    qtbot.waitUntil(lambda: window.start_up.done, timeout=5000)
    assert window.integration_lookup is not None
    wait_saved(qtbot, window)  # the link's save runs on a worker
    saved = window.history.store.search()
    assert [(entry.organization, entry.url) for entry in saved] == [
        ("Acme GmbH", window.linkField.text())
    ]
    window.close()


def test_a_link_asked_for_while_another_program_holds_the_history_is_made_and_said_unchecked(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # A database tool held the history file locked: Create link froze the window until the
    # tool let go (the duplicate check waited for the history), without a word; later for a
    # second, still frozen.
    HistoryStore(AppPaths.from_environment().history_file).close()
    with sqlite_file_held(AppPaths.from_environment().history_file, at_the_latest=20):
        window = open_window("--demo")
        qtbot.waitUntil(lambda: window.start_up.done, timeout=5000)  # opening on a worker
        fill_form(window)
        window.createButton.click()
        # The click came back at once, the history still being opened (it takes the store's
        # two busy waits of a second before the file is read without the lock).
        assert window.statusLabel.text() == CHECKING_EARLIER_LINKS_TEXT
        assert window.cancelButton.isVisible()
        qtbot.waitUntil(lambda: window.linkField.text() != "", timeout=10_000)
        said = window.statusLabel.text()
    assert said.startswith("Demo link ready.")
    assert "Could not look for an earlier link for this customer." in said
    assert "Another program is using the link history file" in said
    # Not "restart": while the history is being opened a restart helps only if it then has
    # to be kept in memory (a note says so), and loses the links waiting to be saved.
    assert "Close that program and keep this one open" in said
    assert "Restart Kombo Desktop only if a note says links will be forgotten." in said


@pytest.fixture
def slow_history_opening(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """A history on a slow disk: it is opened once the test sets the event (at its end at the
    latest)."""
    may_open = threading.Event()

    class SlowToOpen(HistoryStore):
        def __init__(self, path: Path, **options: float) -> None:
            may_open.wait(timeout=20)
            super().__init__(path, **options)

    monkeypatch.setattr(history_package, "HistoryStore", SlowToOpen)
    yield may_open
    may_open.set()


def _made_in_a_window_while_the_history_is_opened(
    qtbot: QtBot, open_window: WindowFactory
) -> MainWindow:
    """A window whose history (an existing file) is being opened (``slow_history_opening``),
    with a link made."""
    HistoryStore(AppPaths.from_environment().history_file).close()
    window = open_window("--demo")
    qtbot.waitUntil(lambda: window.start_up.done, timeout=5000)
    fill_form(window)
    window.createButton.click()
    qtbot.waitUntil(lambda: window.linkField.text() != "", timeout=10_000)
    return window


def test_a_link_asked_for_while_the_history_is_slow_to_open_is_made_unchecked_a_second_later(
    qtbot: QtBot, open_window: WindowFactory, slow_history_opening: threading.Event
) -> None:
    # A history on a slow disk: the window waited for it without a limit; later for a second,
    # frozen all the while.
    window = open_window("--demo")
    qtbot.waitUntil(lambda: window.start_up.done, timeout=5000)
    fill_form(window)
    window.createButton.click()
    assert window.statusLabel.text() == CHECKING_EARLIER_LINKS_TEXT
    qtbot.waitUntil(lambda: window.linkField.text() != "", timeout=10_000)
    said = window.statusLabel.text()
    slow_history_opening.set()
    assert said == (
        "Demo link ready. It connects nothing. Could not look for an earlier link for this "
        "customer: the link history was still being opened."
    )
    qtbot.waitUntil(lambda: window.history.is_open, timeout=5000)
    wait_saved(qtbot, window)  # the save runs on a worker, which may not have begun yet
    assert [entry.organization for entry in window.history.store.search()] == ["Acme GmbH"]


def test_a_link_made_while_the_history_was_opened_is_saved_when_the_window_closes_at_once(
    qtbot: QtBot, open_window: WindowFactory, slow_history_opening: threading.Event
) -> None:
    # The history opened just as the person closed the window, before the window took it into
    # use: the link made meanwhile was never saved, and the next duplicate check missed it.
    history_file = AppPaths.from_environment().history_file
    window = _made_in_a_window_while_the_history_is_opened(qtbot, open_window)
    slow_history_opening.set()
    window.close()
    with HistoryStore(history_file) as history:
        assert [entry.organization for entry in history.search()] == ["Acme GmbH"]


def test_a_link_made_while_the_history_was_opened_is_saved_when_it_opens_after_closing(
    qtbot: QtBot, open_window: WindowFactory, slow_history_opening: threading.Event
) -> None:
    # Closing does not wait long for a slow disk: the history is opened after the window
    # closed, and the link made meanwhile is saved then (it was forgotten).
    history_file = AppPaths.from_environment().history_file
    window = _made_in_a_window_while_the_history_is_opened(qtbot, open_window)
    closing = time.monotonic()
    window.close()
    # Generous: the window waits 2 s for the history, then 1.5 s for its tasks.
    assert time.monotonic() - closing < 10
    slow_history_opening.set()

    def saved() -> list[str | None]:
        with HistoryStore(history_file) as history:
            return [entry.organization for entry in history.search()]

    qtbot.waitUntil(lambda: saved() == ["Acme GmbH"], timeout=10_000)


def test_a_link_made_while_the_history_was_opened_is_saved_before_the_program_exits(
    qtbot: QtBot, open_window: WindowFactory, slow_history_opening: threading.Event
) -> None:
    # The history opened a moment after the window closed: the link made meanwhile was left
    # to the opening's worker thread, which the program's exit, right after the window
    # closed, ended first. The link was never saved, and the next duplicate check missed it.
    history_file = AppPaths.from_environment().history_file
    window = _made_in_a_window_while_the_history_is_opened(qtbot, open_window)
    # Opened 2.2 s into closing: after the window's wait for its tasks (1.5 s) had ended.
    opens = threading.Timer(2.2, slow_history_opening.set)
    opens.start()
    closing = time.monotonic()
    try:
        window.close()
    finally:
        opens.cancel()
    assert time.monotonic() - closing < 6  # a bounded wait: 2 s, then 1.5 s for the tasks
    # The program exits now: what the file holds is all there is.
    with HistoryStore(history_file) as history:
        assert [entry.organization for entry in history.search()] == ["Acme GmbH"]
    # What the person saw meanwhile (the window had nothing to say after it).
    assert window.statusLabel.text() == history_closing.saving_words(1)


def test_closing_asks_before_leaving_out_a_link_the_history_still_cannot_take(
    qtbot: QtBot,
    open_window: WindowFactory,
    slow_history_opening: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The history on a slow disk was still not open a few seconds into closing: the person is
    # asked, and keeping the program open saves the link once the history is open.
    monkeypatch.setattr(history_closing, "WAIT_SECONDS", 0.2)
    history_file = AppPaths.from_environment().history_file
    window = _made_in_a_window_while_the_history_is_opened(qtbot, open_window)
    link = window.linkField.text()

    asked = answer_next_box("Cancel")
    assert close_as_the_person_does(window) is False
    assert asked.texts == [
        "Close Kombo Desktop? The link made while the link history was being opened is not "
        "saved in it yet: the history is still being opened (a slow disk can take a while). "
        "Closed now, the history will not have it, and the duplicate warning will not know "
        "about it. Press Cancel to keep the program open: it is saved as soon as the history "
        "is open."
    ]
    assert sorted(b.replace("&", "") for b in asked.buttons) == ["Cancel", "Close anyway"]
    assert asked.default.replace("&", "") == "Cancel"
    assert window.isVisible() and not window.closed
    assert window.statusLabel.text() == history_closing.kept_open_words(1)

    slow_history_opening.set()
    qtbot.waitUntil(
        lambda: window.statusLabel.text() == history_closing.saved_words(1), timeout=10_000
    )
    with HistoryStore(history_file) as history:
        assert [entry.url for entry in history.search()] == [link]
    not_asked = answer_next_box("Cancel")
    assert close_as_the_person_does(window) is True  # nothing waits: closed at once
    not_asked.stop()
    assert not_asked.texts == []


def test_closing_anyway_without_the_link_the_history_still_cannot_take_asks_only_once(
    qtbot: QtBot,
    open_window: WindowFactory,
    slow_history_opening: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(history_closing, "WAIT_SECONDS", 0.2)
    window = _made_in_a_window_while_the_history_is_opened(qtbot, open_window)
    asked = answer_next_box("Close anyway")
    closing = time.monotonic()
    assert close_as_the_person_does(window) is True
    # Waited once before asking, not again after: the tasks' wait (1.5 s) is all that follows.
    assert time.monotonic() - closing < 3
    assert len(asked.texts) == 1
    assert window.closed


def wait_for_a_refused_retry(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Until the history, open with links it could not save, has tried them again (every
    ``RETRY_SECONDS``), been refused, and the window has taken that outcome."""
    store = window.history.store
    save_waiting = store.save_waiting
    still_waiting: list[int] = []  # after each retry, on the worker thread

    def counted(*, wait: float | None = None) -> int:
        left = save_waiting(wait=wait)
        still_waiting.append(left)
        return left

    monkeypatch.setattr(store, "save_waiting", counted)
    qtbot.waitUntil(lambda: any(left > 0 for left in still_waiting), timeout=10_000)
    taken: list[bool] = []
    window.history.when_saved(lambda: taken.append(True))
    qtbot.waitUntil(lambda: bool(taken))


def test_a_link_made_while_the_history_was_opened_that_the_file_refuses_is_saved_once_it_can(
    qtbot: QtBot,
    open_window: WindowFactory,
    slow_history_opening: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A database tool held the history file when it finished opening: the link made meanwhile
    # was said to be lost ("the duplicate warning will not know about it", though it did), and
    # it was never tried again, so it was gone once the program closed.
    monkeypatch.setattr(history_waiting, "RETRY_SECONDS", 0.1)
    history_file = AppPaths.from_environment().history_file
    window = _made_in_a_window_while_the_history_is_opened(qtbot, open_window)
    link = window.linkField.text()
    with sqlite_write_open(history_file):
        slow_history_opening.set()
        qtbot.waitUntil(lambda: window.history.is_open, timeout=10_000)
        # Written on a worker thread once it is open, which gives up waiting after a second.
        qtbot.waitUntil(
            lambda: window.statusLabel.text().startswith(
                "The link is ready, but it could not be saved in the history yet"
            ),
            timeout=5000,
        )
        said = window.statusLabel.text()
        assert "another program is using the link history file" in said
        assert history_opening.NOT_SAVED_WHILE_OPENING not in said
        # Tried again meanwhile, and refused: waited for, not a fixed time, which a loaded
        # machine could end before a retry had met the held file.
        wait_for_a_refused_retry(qtbot, window, monkeypatch)
        assert window.statusLabel.text() == said  # a refused retry says nothing new
    qtbot.waitUntil(
        lambda: window.statusLabel.text() == "The link is now saved in the history.",
        timeout=5000,
    )
    with HistoryStore(history_file) as history:
        assert [entry.url for entry in history.search()] == [link]


def test_a_profile_renamed_while_the_history_is_slow_to_open_is_followed_once_it_opens(
    qtbot: QtBot,
    open_window: WindowFactory,
    slow_history_opening: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The rename waited for the history a second at most: on a slow disk the earlier links
    # stayed under the old name ("could not be moved"), out of the duplicate check's sight.
    monkeypatch.setattr(history_opening, "OPENING_WAIT_SECONDS", 0.1)
    history_file = AppPaths.from_environment().history_file
    window = _made_in_a_window_while_the_history_is_opened(qtbot, open_window)
    rename_in_settings(qtbot, window, "Production")
    qtbot.wait(500)  # well past the limit of a click's wait
    assert not window.history.is_open
    slow_history_opening.set()
    qtbot.waitUntil(lambda: window.history.is_open, timeout=10_000)
    wait_until_settled(qtbot, window)  # the earlier links moved, or said not to be
    assert "could not be moved" not in window.statusLabel.text()
    window.close()
    with HistoryStore(history_file) as history:
        assert [entry.profile for entry in history.search()] == ["Production"]


@pytest.fixture
def opening_waited_for_long(monkeypatch: pytest.MonkeyPatch) -> None:
    """A click waits for the history being opened far longer than the test takes: what
    happens once it is open is then never a race with the wait's limit of a second."""
    monkeypatch.setattr(history_opening, "OPENING_WAIT_SECONDS", 60.0)


def _create_pressed_while_the_history_is_opened(
    qtbot: QtBot, open_window: WindowFactory
) -> MainWindow:
    """A demo window whose history is being opened (``slow_history_opening``), its form
    filled in and Create pressed: the click came back, and the window says what it waits for."""
    window = open_window("--demo")
    qtbot.waitUntil(lambda: window.start_up.done, timeout=5000)  # opening on a worker
    fill_form(window)
    window.createButton.click()
    assert not window.history.is_open
    assert window.statusLabel.text() == CHECKING_EARLIER_LINKS_TEXT
    assert window.statusPanel.kind == "busy"
    assert window.busy and window.cancelButton.isVisible()
    assert not window.createButton.isEnabled()  # no second click meanwhile
    # The window goes on: its timers fire, as they do not while it waits on its own thread.
    ticked: list[bool] = []
    QTimer.singleShot(0, window, lambda: ticked.append(True))
    qtbot.waitUntil(lambda: bool(ticked), timeout=5000)
    assert window.statusLabel.text() == CHECKING_EARLIER_LINKS_TEXT  # still waiting
    return window


def _record_earlier_demo_link(window: MainWindow) -> None:
    """The history already has a link made in this demo session for the form's customer."""
    assert window.demo_server is not None
    request = LinkRequest.from_form(
        email="anna@example.com", organization_name="Acme GmbH", tool="personio"
    )
    with HistoryStore(AppPaths.from_environment().history_file) as earlier:
        record_request(
            earlier,
            request,
            f"{window.demo_server.origin}/demo/connect?token=DEMO-earlier",
            profile="default",
            created_at=datetime.now(UTC),
            is_demo=True,
        )


@pytest.mark.usefixtures("opening_waited_for_long")
def test_create_pressed_while_the_history_is_opened_goes_on_once_it_is_open(
    qtbot: QtBot, open_window: WindowFactory, slow_history_opening: threading.Event
) -> None:
    # A history slow to open (a slow disk, antivirus, a large history upgraded) froze the
    # window at Create until it was open, a second at most.
    window = _create_pressed_while_the_history_is_opened(qtbot, open_window)
    assert window.demo_server is not None
    assert window.demo_server.create_link_count == 0  # checked first

    slow_history_opening.set()
    qtbot.waitUntil(lambda: window.linkField.text() != "", timeout=10_000)
    # Checked against the history: the link comes without a word of an unchecked one.
    assert window.statusLabel.text() == "Demo link ready. It connects nothing."
    assert window.demo_server.create_link_count == 1
    wait_saved(qtbot, window)  # on a worker, after the link is shown
    assert [entry.organization for entry in window.history.store.search()] == ["Acme GmbH"]


def finish_opening_as_the_window_waits(
    window: MainWindow, slow_history_opening: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Let the history's worker finish opening it in the very moment the window begins to
    wait for it (as it says it is checking earlier links): the race the tests below pin."""
    show_status = window.show_status

    def opened_meanwhile(text: str, kind: str = "info", details: str | None = None) -> None:
        show_status(text, kind, details)
        if text == CHECKING_EARLIER_LINKS_TEXT:  # the window begins to wait for the history
            slow_history_opening.set()
            deadline = time.monotonic() + 10
            while window.history.worth_waiting_for and time.monotonic() < deadline:
                time.sleep(0.01)  # its worker thread finishes opening it

    monkeypatch.setattr(window, "show_status", opened_meanwhile)


def test_a_history_opened_as_create_is_pressed_lets_the_next_link_be_made(
    qtbot: QtBot,
    open_window: WindowFactory,
    slow_history_opening: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Create was pressed while the history was being opened, and its worker thread finished
    # opening it in the moment the window began to wait for it. The link was made, but the
    # window went on taking itself for waiting: every later press of Create did nothing,
    # without a word. Seen now and then under load, in tests that click soon after the start.
    window = open_window("--demo")
    qtbot.waitUntil(lambda: window.start_up.done, timeout=5000)  # opening on a worker
    finish_opening_as_the_window_waits(window, slow_history_opening, monkeypatch)
    fill_form(window)
    window.createButton.click()
    qtbot.waitUntil(lambda: window.linkField.text() != "", timeout=10_000)
    first = window.linkField.text()

    fill_form(window, email="bob@globex.example", organization="Globex Inc")
    qtbot.waitUntil(lambda: window.createButton.isEnabled(), timeout=10_000)
    window.createButton.click()
    qtbot.waitUntil(lambda: window.linkField.text() not in ("", first), timeout=10_000)
    qtbot.waitUntil(lambda: not window.busy, timeout=10_000)  # ready for the one after


def test_a_link_refused_as_the_history_finished_opening_leaves_the_window_ready(
    qtbot: QtBot,
    open_window: WindowFactory,
    slow_history_opening: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As above, with no link made: the request failed (no key saved), the status said why,
    # and the window stayed busy for good, Create doing nothing. Seen in a full test run on a
    # loaded machine, after Settings had refused a key too short to be one.
    window = open_window()  # the default profile, without a key
    qtbot.waitUntil(lambda: window.start_up.done, timeout=5000)  # opening on a worker
    finish_opening_as_the_window_waits(window, slow_history_opening, monkeypatch)
    fill_form(window)
    window.createButton.click()
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
    assert window.linkField.text() == ""
    qtbot.waitUntil(lambda: not window.busy, timeout=5000)  # Create works again


class StoreTellingWorkerReads(InMemoryKeyring):
    """A store that says whose keys were read off the UI thread (by a key check, a request)."""

    def __init__(self) -> None:
        super().__init__()
        self.read_on_workers: list[str] = []

    def get_password(self, service: str, username: str) -> str | None:
        if threading.current_thread() is not threading.main_thread():
            self.read_on_workers.append(username)
        return super().get_password(service, username)


@pytest.mark.usefixtures("opening_waited_for_long")
def test_no_key_found_while_a_link_waits_for_the_history_brings_no_first_start_notice(
    qtbot: QtBot,
    open_window: WindowFactory,
    demo_server: DemoKomboServer,
    slow_history_opening: threading.Event,
) -> None:
    # A profile at a local address needs no key. Create was pressed while the history was
    # still being opened, and the profile's key check found no key during that wait: "paste
    # your company's Kombo API key, or try the demo" came up under "Demo link ready", as the
    # check counted only the links already sent to Kombo. Seen now and then under load.
    store = StoreTellingWorkerReads()
    keyring.set_keyring(store)  # conftest restores the previous one
    window = open_window()  # the default profile, without a key: the notice says so
    qtbot.waitUntil(window.firstRunNotice.isVisible, timeout=10_000)
    local = Profile("local", Region.CUSTOM, custom_base=demo_server.base_url)
    window.setup.settings_store.save(Settings(profiles=[Profile("default"), local]))
    window.use_profile("local")  # as Settings says when the profile is chosen
    fill_form(window)
    window.createButton.click()
    assert window.statusLabel.text() == CHECKING_EARLIER_LINKS_TEXT

    # The profile's key check has read the store and reported, while the link still waits.
    qtbot.waitUntil(
        lambda: (
            "local" in store.read_on_workers
            and [task.name for task in window.runner.active] == ["history-open"]
        ),
        timeout=10_000,
    )
    assert window.busy
    slow_history_opening.set()
    qtbot.waitUntil(lambda: not window.busy, timeout=10_000)
    assert window.statusLabel.text().startswith("Demo link ready.")
    assert window.firstRunNotice.isHidden()


@pytest.mark.usefixtures("opening_waited_for_long")
def test_an_earlier_link_found_once_the_history_is_open_shows_the_warning_instead(
    qtbot: QtBot, open_window: WindowFactory, slow_history_opening: threading.Event
) -> None:
    window = _create_pressed_while_the_history_is_opened(qtbot, open_window)
    _record_earlier_demo_link(window)

    slow_history_opening.set()
    qtbot.waitUntil(lambda: window.history.banner.isVisibleTo(window), timeout=10_000)
    assert window.statusLabel.text() == CHOOSE_IN_WARNING
    assert not window.busy and window.createButton.isEnabled()
    wait_until_settled(qtbot, window)  # a request wrongly sent has arrived by now
    assert window.demo_server is not None
    assert window.demo_server.create_link_count == 0


@pytest.mark.usefixtures("opening_waited_for_long")
def test_cancel_while_the_history_is_opened_sends_nothing_and_keeps_the_form(
    qtbot: QtBot, open_window: WindowFactory, slow_history_opening: threading.Event
) -> None:
    window = _create_pressed_while_the_history_is_opened(qtbot, open_window)
    window.cancelButton.click()
    assert window.statusLabel.text() == "Cancelled. Nothing was changed."
    assert not window.busy and window.createButton.isEnabled()

    slow_history_opening.set()
    qtbot.waitUntil(lambda: window.history.is_open, timeout=10_000)
    wait_until_settled(qtbot, window)  # a request wrongly sent has arrived by now
    assert window.demo_server is not None
    assert window.demo_server.create_link_count == 0
    assert window.linkField.text() == ""
    assert window.statusLabel.text() == "Cancelled. Nothing was changed."
    assert window.linkForm.customer_text() == ("anna@example.com", "Acme GmbH", "")
    assert window.history.store.count() == 0


@pytest.mark.usefixtures("opening_waited_for_long")
def test_a_form_changed_while_the_history_is_opened_gets_no_warning_about_its_old_details(
    qtbot: QtBot, open_window: WindowFactory, slow_history_opening: threading.Event
) -> None:
    # The warning holds what the form asked for at Create; typing closes it. Typed while the
    # history was being opened, it must not come up afterwards about details no longer there.
    window = _create_pressed_while_the_history_is_opened(qtbot, open_window)
    _record_earlier_demo_link(window)
    window.emailEdit.setText("bob@example.com")

    slow_history_opening.set()
    qtbot.waitUntil(lambda: window.statusLabel.text() == GONE_BY_EDITING, timeout=10_000)
    assert not window.history.banner.isVisibleTo(window)
    assert not window.busy
    wait_until_settled(qtbot, window)  # a request wrongly sent has arrived by now
    assert window.demo_server is not None
    assert window.demo_server.create_link_count == 0


@pytest.mark.usefixtures("opening_waited_for_long")
def test_a_typo_fixed_while_the_history_is_opened_sends_nothing_without_an_earlier_link(
    qtbot: QtBot, open_window: WindowFactory, slow_history_opening: threading.Event
) -> None:
    # The e-mail typo fixed during "Checking earlier links…": with no earlier link, the
    # request of the click went to Kombo and the history anyway, with the old details.
    window = _create_pressed_while_the_history_is_opened(qtbot, open_window)
    window.emailEdit.setText("anna@acme.example")

    slow_history_opening.set()
    qtbot.waitUntil(lambda: window.statusLabel.text() == GONE_BY_EDITING, timeout=10_000)
    assert not window.busy and window.createButton.isEnabled()
    wait_until_settled(qtbot, window)  # a request wrongly sent has arrived by now
    assert window.demo_server is not None
    assert window.demo_server.create_link_count == 0
    assert window.linkField.text() == ""
    assert window.history.store.count() == 0
    assert window.emailEdit.text() == "anna@acme.example"  # what was typed stays


@pytest.mark.usefixtures("opening_waited_for_long")
def test_a_reconnection_form_changed_while_the_history_is_opened_sends_nothing(
    qtbot: QtBot, open_window: WindowFactory, slow_history_opening: threading.Event
) -> None:
    window = open_window("--demo")
    qtbot.waitUntil(lambda: window.start_up.done, timeout=5000)
    window.show_relink_mode()
    window.relinkIntegrationEdit.setText("personio:93fCvorjZ2jas7ZekX1V1n5d")
    window.relinkButton.click()
    assert window.statusLabel.text() == OPENING_HISTORY_TEXT
    window.relinkIntegrationEdit.setText("personio:B7kQ2mXv9pLr4tYw8nZc3dFh")

    slow_history_opening.set()
    qtbot.waitUntil(lambda: window.statusLabel.text() == RELINK_GONE_BY_EDITING, timeout=10_000)
    assert not window.busy and window.relinkButton.isEnabled()
    wait_until_settled(qtbot, window)  # a request wrongly sent has arrived by now
    assert window.demo_server is not None
    assert [r.path for r in window.demo_server.requests if r.method == "POST"] == []
    assert window.linkField.text() == ""
    assert window.history.store.count() == 0


@pytest.mark.usefixtures("opening_waited_for_long")
def test_closing_while_the_history_is_opened_sends_nothing(
    qtbot: QtBot, open_window: WindowFactory, slow_history_opening: threading.Event
) -> None:
    window = _create_pressed_while_the_history_is_opened(qtbot, open_window)
    server = window.demo_server
    assert server is not None
    openings = [t for t in threading.enumerate() if t.name.startswith("kombo-task-history-open")]
    assert openings
    window.close()
    slow_history_opening.set()
    for opening in openings:  # the opening ends, and would have let the request go
        opening.join(timeout=10)
        assert not opening.is_alive()
    QCoreApplication.sendPostedEvents()  # what it handed back to the window, delivered
    QCoreApplication.processEvents()
    assert server.create_link_count == 0


@pytest.mark.usefixtures("opening_waited_for_long")
def test_a_reconnection_link_asked_for_while_the_history_is_opened_is_made_once_it_is_open(
    qtbot: QtBot, open_window: WindowFactory, slow_history_opening: threading.Event
) -> None:
    # Whom a reconnection link is for is looked up in the history when it comes: that froze
    # the window a second if the history was still being opened.
    window = open_window("--demo")
    qtbot.waitUntil(lambda: window.start_up.done, timeout=5000)
    window.show_relink_mode()
    window.relinkIntegrationEdit.setText("personio:93fCvorjZ2jas7ZekX1V1n5d")
    window.relinkButton.click()
    assert window.statusLabel.text() == OPENING_HISTORY_TEXT
    assert window.relinkCancelButton.isVisible()

    slow_history_opening.set()
    qtbot.waitUntil(lambda: window.linkField.text() != "", timeout=10_000)
    assert window.statusLabel.text().startswith("Demo reconnection link ready.")
    wait_saved(qtbot, window)  # on a worker, after the link is shown
    (entry,) = window.history.store.search()
    assert entry.integration_id == "personio:93fCvorjZ2jas7ZekX1V1n5d"


@pytest.mark.usefixtures("opening_waited_for_long")
def test_the_history_pressed_while_it_is_opened_opens_once_it_is(
    qtbot: QtBot, open_window: WindowFactory, slow_history_opening: threading.Event
) -> None:
    window = open_window("--demo")
    qtbot.waitUntil(lambda: window.start_up.done, timeout=5000)
    window.screen_sharing.privacySwitch.click()  # off: the history may be shown
    feature = window.history
    feature.historyButton.click()
    assert feature.historyButton.isChecked()  # came back at once, pressed
    assert not feature.history_open

    slow_history_opening.set()
    qtbot.waitUntil(lambda: feature.history_open, timeout=10_000)
    assert feature.historyButton.isChecked()


@pytest.mark.usefixtures("opening_waited_for_long")
def test_the_history_pressed_again_while_it_is_opened_stays_closed(
    qtbot: QtBot, open_window: WindowFactory, slow_history_opening: threading.Event
) -> None:
    window = open_window("--demo")
    qtbot.waitUntil(lambda: window.start_up.done, timeout=5000)
    window.screen_sharing.privacySwitch.click()
    feature = window.history
    feature.historyButton.click()
    feature.historyButton.click()  # changed their mind
    assert not feature.historyButton.isChecked()

    slow_history_opening.set()
    qtbot.waitUntil(lambda: feature.is_open, timeout=10_000)
    wait_until_settled(qtbot, window)  # a panel wrongly opened would be open by now
    assert not feature.history_open
    assert not feature.historyButton.isChecked()


def test_the_window_is_built_in_the_fusion_style_even_when_asked_for_another(
    isolated_home: Path,
) -> None:
    printed = last_line_printed(
        "from kombo_desktop.app import _application\n"
        "app = _application(('-style', 'windows'))\n"
        "print(app.style().name())\n",
        isolated_home,
    )
    assert printed == "fusion"


def test_the_tool_suggestions_get_the_windows_look_right_after_the_first_frame(
    qtbot: QtBot, isolated_home: Path
) -> None:
    from kombo_desktop.ui import theme

    window = build_main_window([])
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.start_up.done, timeout=5000)

    popup = popup_of(window.linkForm.toolCombo)
    assert popup.styleSheet() == theme.popup_style_sheet()
    assert popup.font().pointSizeF() == theme.text_sizes().base
    completer = completer_of(window.linkForm.toolCombo)
    completer.setCompletionPrefix("pers")
    completer.complete()
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    assert completer.popup() is popup  # the list shown is the one styled
    window.close()


# Qt classes the first frame does without: PySide6 takes milliseconds to set one up the first
# time Python names it (building Python enums for it), so each is named only when needed.
NOT_NEEDED_BY_THE_FIRST_FRAME = (
    "QtGui.QIcon",  # the window's icon goes to Qt as a file (app.py)
    "QtGui.QTextDocument",  # the status line's folded details pane (status_panel.py)
    "QtWidgets.QFileDialog",  # asking where to save a QR code (result_panel.py)
)

# The program's modules the first frame does without: each is imported where a link made or
# refused first needs it, as importing it (with the dataclasses, enums and patterns it defines)
# costs the start-up milliseconds.
NOT_IMPORTED_BY_THE_FIRST_FRAME = (
    "kombo_desktop.core.messages",  # the sentences for a failed request (and ``refusals``)
    "kombo_desktop.core.refusals",  # how Kombo's refusal of what was sent is read
    "kombo_desktop.core.integrations",  # whose an integration is (the reconnection tab)
    "kombo_desktop.core.error_detail",  # what support needs of a failed request
    "kombo_desktop.ui.customer",  # who a link made is for
    "kombo_desktop.ui.invitation_context",  # what the invitation buttons act on
    "kombo_desktop.ui.made_link",  # a link made, as the history is told of it
    "kombo_desktop.ui.shown_link",  # the link the result panel shows
    "kombo_desktop.ui.key_verdicts",  # what Kombo said of the stored key, remembered
    "kombo_desktop.ui.kombo_pause",  # holding presses back while Kombo asked for a pause
)

# Starts the program as a person does; the first thing the window does after its first frame
# (``qt_enums.warm_up``) is replaced by a look at that frame's window.
FIRST_FRAME_LOOK = """
import json, os, sys
import PySide6
from PySide6 import QtGui
from PySide6.QtWidgets import QApplication, QMainWindow
from kombo_desktop.app import main
from kombo_desktop.core.resources import resource_path
from kombo_desktop.ui import qt_enums

def look_after_first_frame():
    try:
        # PySide6 adds a Qt class to its module when it sets it up.
        set_up = [
            name for name in NAMES
            if name.split(".")[1] in vars(getattr(PySide6, name.split(".")[0]))
        ]
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow))
        shown = window.windowHandle().icon().pixmap(64).toImage()
        ours = QtGui.QIcon(str(resource_path("icons/kombo-desktop.png"))).pixmap(64).toImage()
        imported = [name for name in MODULES if name in sys.modules]
        print(json.dumps({
            "set_up": set_up, "icon": not shown.isNull() and shown == ours, "imported": imported
        }))
    except Exception as error:  # said, rather than left to the crash dialog nobody closes
        print(json.dumps({"error": repr(error)}))
    os._exit(0)

qt_enums.warm_up = look_after_first_frame
main([])
"""


def look_at_the_first_frame(home: Path) -> dict[str, object]:
    code = FIRST_FRAME_LOOK.replace("NAMES", repr(NOT_NEEDED_BY_THE_FIRST_FRAME)).replace(
        "MODULES", repr(NOT_IMPORTED_BY_THE_FIRST_FRAME)
    )
    found: dict[str, object] = json.loads(last_line_printed(code, home))
    assert "error" not in found, found
    return found


def test_the_first_frame_has_the_program_icon(isolated_home: Path) -> None:
    assert look_at_the_first_frame(isolated_home)["icon"] is True


def test_the_first_frame_sets_up_no_qt_class_it_does_without(isolated_home: Path) -> None:
    assert look_at_the_first_frame(isolated_home)["set_up"] == []


def test_the_first_frame_imports_none_of_the_modules_it_does_without(
    isolated_home: Path,
) -> None:
    assert look_at_the_first_frame(isolated_home)["imported"] == []


def test_the_window_takes_the_icon_as_its_own_after_the_first_frame(
    qtbot: QtBot, isolated_home: Path
) -> None:
    # Its dialogs show the window's icon; a window built in an application made elsewhere
    # (here pytest-qt's) has the icon this way only.
    window = build_main_window([])
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.start_up.done, timeout=5000)
    assert not window.windowIcon().isNull()
    window.close()


@pytest.mark.parametrize("argv", [[], ["--demo"]], ids=["first-run", "demo"])
def test_the_tool_list_is_filled_once_on_the_way_to_the_first_frame(
    qtbot: QtBot, isolated_home: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    # The form was filled with the bundled list as it was made, then again with the same list
    # when the window chose where links go: some 2 ms of the start for nothing.
    fill = LinkForm._fill_tools
    fills: list[str | None] = []

    def counted(form: LinkForm, keep_text: str | None = None) -> None:
        fills.append(keep_text)
        fill(form, keep_text)

    monkeypatch.setattr(LinkForm, "_fill_tools", counted)
    window = build_main_window(argv)
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert len(fills) == 1
    assert window.toolCombo.count() == 1 + len(window.bundled_catalog.in_category(Category.HRIS))
    assert window.linkForm.catalog is window.bundled_catalog
    window.close()


@pytest.mark.parametrize("saved", [Category.HRIS, Category.ATS], ids=["usual", "ats-saved"])
def test_the_tool_list_is_filled_once_the_form_is_in_the_window(
    qtbot: QtBot, isolated_home: Path, monkeypatch: pytest.MonkeyPatch, saved: Category
) -> None:
    # Qt lays the entries of a drop-down list out anew at each change of its look or font,
    # even while it is closed, and the form joining the window changes both: filled before,
    # the tool list's hundred entries were laid out twice for nothing, some 2 ms of the
    # start. With another kind of system saved, the list was filled a second time for it.
    store = SettingsStore(AppPaths.from_environment())
    settings = store.load()
    settings.category = saved
    store.save(settings)
    fill = LinkForm._fill_tools
    fills: list[tuple[QWidget, Category]] = []

    def watched(form: LinkForm, keep_text: str | None = None) -> None:
        fills.append((form.window(), form.category()))
        fill(form, keep_text)

    monkeypatch.setattr(LinkForm, "_fill_tools", watched)
    window = build_main_window([])
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert fills == [(window, saved)]
    assert window.linkForm.category() is saved
    assert window.toolCombo.count() == 1 + len(window.bundled_catalog.in_category(saved))
    window.close()


def test_every_problem_found_at_start_stays_in_view_until_the_next_status(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A home folder that cannot be used: settings, history and log file all fail, and no key is
    # set. Each note used to replace the one before, so only the last (no key) stayed in view
    # and the person never learnt that the history would be forgotten.
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("KOMBO_DESKTOP_HOME", str(blocker / "home"))
    stop_logging()
    window = build_main_window([])
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.start_up.done, timeout=5000)
    # The key is looked up, and the history opened, on worker threads: either may come first.
    qtbot.waitUntil(lambda: "No API key" in window.statusLabel.text(), timeout=5000)
    qtbot.waitUntil(lambda: "The link history" in window.statusLabel.text(), timeout=5000)

    shown = window.statusLabel.text().splitlines()
    assert sorted(line.split()[:3] for line in shown) == [
        ["No", "API", "key"],
        ["The", "link", "history"],
        ["The", "log", "file"],
        ["Your", "saved", "settings"],
    ]
    window.show_status("Cancelled. Nothing was changed.")  # the next status replaces them all
    assert window.statusLabel.text() == "Cancelled. Nothing was changed."
    window.show_note("No API key is set for this profile yet.")
    assert window.statusLabel.text() == "No API key is set for this profile yet."
    window.close()


@contextmanager
def window_with_history_in_memory(qtbot: QtBot, open_window: WindowFactory) -> Iterator[MainWindow]:
    """A demo window whose history lives in memory: another program holds its file locked."""
    HistoryStore(AppPaths.from_environment().history_file).close()
    with sqlite_file_held(AppPaths.from_environment().history_file, at_the_latest=20):
        window = open_window("--demo")
        qtbot.waitUntil(lambda: window.history.forgets_at_exit, timeout=10_000)
        yield window


def test_links_made_while_the_history_lives_in_memory_say_they_are_kept_until_closing(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # After the note that links are not saved, each link said only "Demo link ready", and
    # typing the next customer said the link "stays in the history", which it does not.
    with window_with_history_in_memory(qtbot, open_window) as window:
        fill_form(window)
        window.createButton.click()
        qtbot.waitUntil(lambda: window.linkField.text() != "", timeout=10_000)
        qtbot.waitUntil(lambda: window.createButton.isEnabled())
        said = window.statusLabel.text()
        window.organizationEdit.setText("Globex Corp")
        typed_over = window.statusLabel.text()
    assert said.startswith("Demo link ready.")
    assert said.endswith(KEPT_UNTIL_CLOSING)
    assert typed_over.endswith("(it is in the history until the program closes).")


def test_a_link_kept_off_the_screen_while_the_history_lives_in_memory_says_for_how_long(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # The link made for details typed over meanwhile is only in the history: it said "it is
    # in the history", and it was gone when the program closed.
    with window_with_history_in_memory(qtbot, open_window) as window:
        assert window.demo_server is not None
        window.demo_server.delay_seconds = 0.5
        fill_form(window)
        window.createButton.click()
        window.organizationEdit.setText("Globex Corp")  # the next customer, meanwhile
        qtbot.waitUntil(lambda: "not shown here" in window.statusLabel.text(), timeout=10_000)
        said = window.statusLabel.text()
    assert "it is in the history until the program closes." in said


@pytest.mark.parametrize("opened", ["before the question", "as it is asked"])
def test_waiting_for_the_links_saved_waits_for_one_made_while_the_history_is_opened(
    qtbot: QtBot,
    open_window: WindowFactory,
    slow_history_opening: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
    opened: str,
) -> None:
    # A link made while the history file is still being opened waits for it in memory, and
    # is handed to it on the UI thread once the worker's word that it is open arrives. Asked
    # whether the links handed over are saved before that word came (the file still being
    # opened, or opened a moment ago on the worker), the history said yes at once, and what
    # read the file next found the link missing.
    worker_done = threading.Event()
    open_on_worker = history_opening._Opening.open

    def open_then_tell(self: object, path: Path) -> None:
        open_on_worker(self, path)  # type: ignore[arg-type]
        worker_done.set()

    monkeypatch.setattr(history_opening._Opening, "open", open_then_tell)
    window = _made_in_a_window_while_the_history_is_opened(qtbot, open_window)
    link = window.linkField.text()
    if opened == "before the question":
        slow_history_opening.set()
        assert worker_done.wait(10)  # its word is on its way to the UI thread, not read yet
    saved: list[bool] = []
    window.history.when_saved(lambda: saved.append(True))
    assert not saved
    slow_history_opening.set()
    qtbot.waitUntil(lambda: bool(saved), timeout=10_000)
    assert [entry.url for entry in window.history.store.search()] == [link]
