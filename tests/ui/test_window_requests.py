"""While Kombo is slow: progress, no double submit, cancel, closing, and a responsive window."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from itertools import pairwise

import keyring
import pytest
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kombo_desktop.app import build_main_window
from kombo_desktop.core.credentials import SERVICE_NAME, STORE_UNAVAILABLE
from kombo_desktop.core.demo_server import DemoKomboServer
from kombo_desktop.core.paths import AppPaths
from kombo_desktop.core.settings import Profile, Settings, SettingsStore
from kombo_desktop.ui.history_model import TYPE
from kombo_desktop.ui.link_form import CREATE_TEXT, CREATING_TEXT, LinkForm
from kombo_desktop.ui.main_window import CANCELLED_BY_CHANGE_TEXT, CLOSE_WAIT_SECONDS, MainWindow
from kombo_desktop.ui.relink_form import RelinkForm
from tests.support.fault_server import FaultServer, RecordedRequest, Reply, tools_or
from tests.support.history_helpers import open_history
from tests.support.keyrings import BrokenKeyring, InMemoryKeyring
from tests.support.message_boxes import answer_next_box
from tests.ui.conftest import (
    WindowFactory,
    fill_form,
    make_link,
    settings_of,
    wait_saved,
    wait_until_ready,
    wait_until_settled,
)

SLOW_SECONDS = 2.0


@pytest.fixture
def slow_server() -> Iterator[DemoKomboServer]:
    with DemoKomboServer(delay_seconds=SLOW_SECONDS) as server:
        yield server


@pytest.fixture
def slow_window(open_window: WindowFactory, slow_server: DemoKomboServer) -> MainWindow:
    window = open_window("--api-base", slow_server.base_url)
    fill_form(window)
    return window


def test_the_button_shows_progress_and_cannot_be_pressed_twice(
    qtbot: QtBot, slow_window: MainWindow, slow_server: DemoKomboServer
) -> None:
    slow_window.relinkForm.relinkIntegrationEdit.setText("personio:abc")
    slow_window.createButton.click()
    assert slow_window.createButton.text() == CREATING_TEXT
    assert not slow_window.createButton.isEnabled()
    assert slow_window.cancelButton.isVisible()
    assert slow_window.statusPanel.kind == "busy"
    slow_window.createButton.click()  # disabled: ignored
    qtbot.keyClick(slow_window.emailEdit, Qt.Key.Key_Return)  # Enter while busy: ignored
    slow_window.relinkButton.click()  # one request at a time
    # Nor is the form cleared for the next customer: the link on its way would land beside it.
    assert not slow_window.linkForm.clearButton.isEnabled()
    asked = answer_next_box("Clear")  # had it gone ahead, it would ask first (nothing sent yet)
    QTest.keySequence(slow_window, QKeySequence(QKeySequence.StandardKey.New))
    asked.stop()
    assert asked.texts == []
    assert slow_window.emailEdit.text() == "anna@example.com"
    qtbot.waitUntil(lambda: slow_window.linkField.text() != "", timeout=10_000)
    wait_until_ready(qtbot, slow_window)  # the buttons follow the link's paint
    assert slow_server.create_link_count == 1
    assert len(slow_server.requests) == 1
    assert slow_window.createButton.text() == CREATE_TEXT
    assert slow_window.createButton.isEnabled()
    assert not slow_window.cancelButton.isVisible()


@pytest.mark.parametrize("how", ["button", "escape"])
def test_cancel_stops_waiting_and_keeps_the_form(
    qtbot: QtBot, slow_window: MainWindow, slow_server: DemoKomboServer, how: str
) -> None:
    slow_server.delay_seconds = 30  # far longer than the test may take
    slow_window.createButton.click()
    qtbot.waitUntil(lambda: slow_server.create_link_count == 1)
    if how == "button":
        slow_window.cancelButton.click()
    else:
        qtbot.keyClick(slow_window.emailEdit, Qt.Key.Key_Escape)
    assert slow_window.statusLabel.text() == "Cancelled. Nothing was changed."
    assert slow_window.createButton.isEnabled()
    assert slow_window.createButton.text() == CREATE_TEXT
    assert slow_window.emailEdit.text() == "anna@example.com"
    assert slow_window.toolCombo.currentData() == "personio"
    # The worker really stops (the client shuts its socket), long before the server would answer.
    qtbot.waitUntil(lambda: slow_window.runner.active == [], timeout=5000)
    assert slow_window.linkField.text() == ""


def test_a_new_request_after_cancel_gets_its_own_answer(
    qtbot: QtBot, slow_window: MainWindow, slow_server: DemoKomboServer
) -> None:
    slow_window.createButton.click()
    qtbot.waitUntil(lambda: slow_server.create_link_count == 1)
    slow_window.cancelButton.click()
    slow_server.delay_seconds = 0
    slow_window.createButton.click()
    qtbot.waitUntil(lambda: slow_window.linkField.text() != "", timeout=10_000)
    assert slow_window.statusPanel.kind == "success"


def test_closing_during_a_request_neither_hangs_nor_crashes(
    qtbot: QtBot, slow_server: DemoKomboServer
) -> None:
    slow_server.delay_seconds = 30
    window = build_main_window(["--api-base", slow_server.base_url])
    qtbot.addWidget(window)
    window.show()
    fill_form(window)
    window.createButton.click()
    qtbot.waitUntil(lambda: slow_server.create_link_count == 1)
    workers = [t for t in threading.enumerate() if t.name.startswith("kombo-task-create-link")]
    assert workers
    window.close()
    for worker in workers:
        worker.join(5)
        assert not worker.is_alive()
    # Outcomes still queued for the closed window are dropped, never delivered: what the
    # workers sent is queued by now, and handled by the turn of the event loop awaited here
    # (awaited before the workers had ended, an outcome could come after the check).
    wait_until_settled(qtbot, window)
    assert window.linkField.text() == ""


class WaitingKeyring(InMemoryKeyring):
    """A password store that waits for its user, like a keychain's "allow access?" prompt;
    ``asked_by`` names the threads that asked it."""

    def __init__(self) -> None:
        super().__init__()
        self.answered = threading.Event()
        self.asked_by: list[str] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.asked_by.append(threading.current_thread().name)
        self.answered.wait(10)
        return super().get_password(service, username)


def test_closing_while_the_password_store_waits_for_its_user_does_not_hang(
    qtbot: QtBot, slow_server: DemoKomboServer
) -> None:
    store = WaitingKeyring()
    store.set_password(SERVICE_NAME, "default", "kombo-test-key-7f3a9c2e1b4d8a6f")
    keyring.set_keyring(store)  # the autouse keyring fixture puts its own back afterwards
    window = build_main_window(["--api-base", slow_server.base_url])
    qtbot.addWidget(window)
    window.show()
    fill_form(window)
    window.createButton.click()
    # Until the request's worker asks the password store: 300 ms were given, and on a loaded
    # machine the worker was still importing the HTTP library then, so closing never met the
    # store's wait.
    qtbot.waitUntil(
        lambda: any(name.startswith("kombo-task-create-link") for name in store.asked_by),
        timeout=10_000,
    )
    workers = [t for t in threading.enumerate() if t.name.startswith("kombo-task-")]
    assert workers
    started = time.monotonic()
    try:
        window.close()
        took = time.monotonic() - started
    finally:
        store.answered.set()
    assert took < CLOSE_WAIT_SECONDS + 1.0
    for worker in workers:
        worker.join(5)
        assert not worker.is_alive()
    assert slow_server.create_link_count == 0


def test_closing_the_demo_window_stops_the_demo_service(qtbot: QtBot) -> None:
    window = build_main_window(["--demo"])
    qtbot.addWidget(window)
    window.show()
    server = window.demo_server
    assert server is not None and server.running
    window.close()
    assert not server.running
    assert window.demo_server is None


def test_the_window_stays_responsive_while_kombo_is_slow(
    qtbot: QtBot, slow_window: MainWindow
) -> None:
    """A 10 ms heartbeat keeps beating while the server holds its answer for two seconds."""
    beats: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))
    # The start-up's warm-up done (it loads the QR encoder on this thread): this measures
    # the request only.
    wait_until_settled(qtbot, slow_window)
    heartbeat.start()
    started = time.perf_counter()
    slow_window.createButton.click()
    qtbot.waitUntil(lambda: slow_window.linkField.text() != "", timeout=15_000)
    heartbeat.stop()
    assert time.perf_counter() - started >= SLOW_SECONDS * 0.9
    gaps = [later - earlier for earlier, later in pairwise(beats)]
    assert len(beats) > 50
    assert max(gaps) < 0.2, f"the UI thread stalled for {max(gaps) * 1000:.0f} ms"


def test_a_new_request_takes_the_previous_link_off_the_screen(
    qtbot: QtBot, slow_window: MainWindow, slow_server: DemoKomboServer
) -> None:
    slow_server.delay_seconds = 0
    slow_window.createButton.click()
    qtbot.waitUntil(lambda: slow_window.linkField.text() != "", timeout=10_000)
    wait_until_ready(qtbot, slow_window)
    slow_server.delay_seconds = 30
    slow_window.organizationEdit.setText("Globex AG")
    slow_window.createButton.click()
    assert slow_window.linkField.text() == ""
    assert not slow_window.copyButton.isEnabled()
    assert slow_window.qrView.pixmap().isNull()
    slow_window.cancelButton.click()
    assert slow_window.linkField.text() == ""


def test_the_keyboard_focus_goes_from_create_to_cancel_and_back(
    qtbot: QtBot, slow_window: MainWindow, slow_server: DemoKomboServer
) -> None:
    # Create disabled under the focus sent it to the empty link field, where it stayed.
    slow_server.delay_seconds = 30
    slow_window.activateWindow()
    slow_window.createButton.setFocus()
    qtbot.waitUntil(slow_window.createButton.hasFocus)
    qtbot.keyClick(slow_window.createButton, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: slow_server.create_link_count == 1)
    assert slow_window.cancelButton.hasFocus()
    qtbot.keyClick(slow_window.cancelButton, Qt.Key.Key_Escape)
    assert slow_window.statusLabel.text() == "Cancelled. Nothing was changed."
    assert slow_window.createButton.hasFocus()


def pressed_with_the_keyboard(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    """Press Create with ``key`` (its focus then goes to Cancel), once the start-up's work is
    done: its steps on the UI thread (loading modules, the QR encoder) could otherwise run
    between the two presses of the tests below, and on a loaded machine hold the second past
    the moment in which it is ignored (``early_keys``)."""
    qtbot.waitUntil(lambda: window.start_up.done)
    wait_until_settled(qtbot, window)
    window.activateWindow()
    window.createButton.setFocus()
    qtbot.waitUntil(window.createButton.hasFocus)
    qtbot.keyClick(window.createButton, key)
    assert window.cancelButton.hasFocus()


@pytest.mark.parametrize("key", [Qt.Key.Key_Space, Qt.Key.Key_Return])
def test_a_quick_second_press_of_the_key_does_not_cancel_the_link_just_asked_for(
    qtbot: QtBot, slow_window: MainWindow, slow_server: DemoKomboServer, key: Qt.Key
) -> None:
    # The focus goes from Create to Cancel on purpose: a second Space or Enter a moment
    # later, as impatient people press, landed on Cancel and stopped the request.
    pressed_with_the_keyboard(qtbot, slow_window, key)
    qtbot.wait(150)
    qtbot.keyClick(slow_window.cancelButton, key)
    assert slow_window.busy
    qtbot.waitUntil(lambda: slow_window.linkField.text() != "", timeout=10_000)
    assert slow_server.create_link_count == 1


class HandledMark(QObject):
    """Notes when Qt's ``User`` event posted to it is handled: posted events are handled in
    the order they were posted, so every one posted before it has been handled by then."""

    def __init__(self) -> None:
        super().__init__()
        self.handled = False

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.User:
            self.handled = True
            return True
        return super().event(event)


def keys_pressed_at(window: MainWindow, key: Qt.Key, *times_ms: int) -> Callable[[], bool]:
    """Queue a press and a release of ``key`` for the window at each of ``times_ms`` (the
    events' own timestamps, as the system gives them), as keys pressed while the UI thread
    is busy wait: each goes to the widget with the focus when it is handled. Returns a
    function that is true once all of them have been handled."""
    handle = window.windowHandle()
    assert handle is not None
    text = " " if key == Qt.Key.Key_Space else "\r"
    for at in times_ms:
        for kind, later in ((QEvent.Type.KeyPress, 0), (QEvent.Type.KeyRelease, 60)):
            event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text)
            event.setTimestamp(at + later)
            QApplication.postEvent(handle, event)
    mark = HandledMark()
    QApplication.postEvent(mark, QEvent(QEvent.Type.User))
    return lambda: mark.handled


@pytest.mark.parametrize("key", [Qt.Key.Key_Space, Qt.Key.Key_Return])
@pytest.mark.parametrize("busy", ["before the first press", "after the first press"])
def test_a_quick_second_press_held_up_by_a_busy_moment_does_not_cancel(
    qtbot: QtBot, slow_window: MainWindow, slow_server: DemoKomboServer, key: Qt.Key, busy: str
) -> None:
    # The moment in which the keys are ignored was counted from when the first press was
    # handled: work on the UI thread right after it (start-up steps on a slow laptop) held
    # the second press, pressed 150 ms later, past that moment, and it cancelled the link.
    slow_server.delay_seconds = 2
    qtbot.waitUntil(lambda: slow_window.start_up.done)
    wait_until_settled(qtbot, slow_window)
    slow_window.activateWindow()
    slow_window.createButton.setFocus()
    qtbot.waitUntil(slow_window.createButton.hasFocus)
    busy_for_seconds = 0.8

    def busy_moment() -> None:
        slow_window.createButton.clicked.disconnect(busy_moment)
        time.sleep(busy_for_seconds)

    if busy == "after the first press":
        slow_window.createButton.clicked.connect(busy_moment)
    both_handled = keys_pressed_at(slow_window, key, 1_000_000, 1_000_150)
    if busy == "before the first press":
        time.sleep(busy_for_seconds)
    qtbot.waitUntil(both_handled)
    assert slow_window.busy  # the second press did not cancel
    qtbot.waitUntil(lambda: slow_window.linkField.text() != "", timeout=10_000)
    assert slow_server.create_link_count == 1


@pytest.mark.parametrize("how", ["Space later", "a click", "Esc"])
def test_cancel_still_cancels_with_a_click_or_esc_at_once_and_with_space_a_moment_later(
    qtbot: QtBot, slow_window: MainWindow, slow_server: DemoKomboServer, how: str
) -> None:
    slow_server.delay_seconds = 30
    pressed_with_the_keyboard(qtbot, slow_window, Qt.Key.Key_Space)
    cancel = slow_window.cancelButton
    if how == "Space later":
        qtbot.wait(700)
        qtbot.keyClick(cancel, Qt.Key.Key_Space)
    elif how == "a click":
        QTest.mouseClick(cancel, Qt.MouseButton.LeftButton)
    else:
        qtbot.keyClick(cancel, Qt.Key.Key_Escape)
    assert not slow_window.busy
    assert slow_window.statusLabel.text() == "Cancelled. Nothing was changed."


def test_the_buttons_follow_the_link_even_when_the_window_paints_nothing(
    qtbot: QtBot, slow_window: MainWindow, slow_server: DemoKomboServer
) -> None:
    # They come back after the link's paint (LinkMaking._ready_after_link); a minimised window
    # paints nothing, and they must come all the same.
    slow_server.delay_seconds = 0
    slow_window.createButton.click()
    slow_window.hide()
    qtbot.waitUntil(lambda: slow_window.linkField.text() != "", timeout=10_000)
    qtbot.waitUntil(slow_window.createButton.isEnabled)
    assert not slow_window.busy
    assert not slow_window.cancelButton.isVisibleTo(slow_window)


def test_a_bug_while_showing_the_link_does_not_leave_the_window_busy(
    qtbot: QtBot,
    slow_window: MainWindow,
    slow_server: DemoKomboServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The buttons come back after the link's paint; an error before that was arranged left
    # the window at "Creating link…" for good.
    seen: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda *info: seen.append(info[1]))
    slow_server.delay_seconds = 0

    def broken(_link: object) -> None:
        raise RuntimeError("a bug while showing the link")

    monkeypatch.setattr(slow_window.resultPanel, "show_link", broken)
    slow_window.createButton.click()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    qtbot.waitUntil(slow_window.createButton.isEnabled)
    assert not slow_window.busy
    assert slow_window.createButton.text() == CREATE_TEXT


def test_a_link_arriving_after_the_form_was_changed_is_kept_off_the_screen(
    qtbot: QtBot, slow_window: MainWindow, slow_server: DemoKomboServer
) -> None:
    # Typing goes on while Kombo works: the next customer's details typed meanwhile stood
    # beside the earlier customer's link and scannable QR code under "Link ready".
    slow_window.createButton.click()
    qtbot.waitUntil(lambda: slow_server.create_link_count == 1)
    slow_window.emailEdit.setFocus()
    slow_window.emailEdit.setText("bob@globex.example")
    slow_window.organizationEdit.setText("Globex Inc")
    qtbot.waitUntil(lambda: not slow_window.busy, timeout=10_000)
    assert slow_window.linkField.text() == ""
    assert slow_window.qrView.pixmap().isNull()
    status = slow_window.statusLabel.text()
    # Screen-sharing mode (on at start): the next customer may be watching, so no names.
    assert status.startswith("A link was made for the details the form had when you pressed")
    assert "it is in the history" in status and "press “Create link” again" in status
    assert "Acme" not in status and "Globex" not in status
    wait_saved(qtbot, slow_window)  # on a worker, after the link came
    (made,) = slow_window.history.store.search()
    assert made.organization == "Acme GmbH"  # recorded for whom it was made
    # Nor can its invitation be handed on beside the next customer's details.
    assert not slow_window.history.invitationBar.copyInvitationButton.isEnabled()
    assert not slow_window.history.invitationBar.emailButton.isEnabled()
    assert slow_window.emailEdit.hasFocus()  # the person types on where they were
    # The details typed meanwhile are kept, and are not taken for used.
    assert slow_window.emailEdit.text() == "bob@globex.example"
    asked = answer_next_box("Cancel")
    slow_window.linkForm.clearButton.click()
    asked.stop()
    assert len(asked.texts) == 1 and slow_window.emailEdit.text() == "bob@globex.example"
    # With screen-sharing mode off, it names the customer the link was made for.
    slow_window.screen_sharing.set_on(False)
    slow_window.createButton.click()
    qtbot.waitUntil(lambda: slow_server.create_link_count == 2)
    slow_window.emailEdit.setText("carl@initech.example")
    qtbot.waitUntil(lambda: not slow_window.busy, timeout=10_000)
    assert slow_window.statusLabel.text().startswith(
        "A link was made for Globex Inc (bob@globex.example), the details the form had when"
    )


def test_a_reconnection_link_arriving_after_the_id_was_changed_is_kept_off_the_screen(
    qtbot: QtBot, slow_window: MainWindow, slow_server: DemoKomboServer
) -> None:
    slow_window.show_relink_mode("personio:first")
    slow_window.relinkButton.click()
    qtbot.waitUntil(lambda: len(slow_server.requests) >= 1)
    slow_window.relinkForm.relinkIntegrationEdit.setText("personio:second")
    qtbot.waitUntil(lambda: not slow_window.busy, timeout=10_000)
    assert slow_window.linkField.text() == ""
    status = slow_window.statusLabel.text()
    assert status.startswith("A reconnection link was made for the id the form had")
    assert "personio" not in status


def test_a_link_for_an_unchanged_form_says_only_that_it_is_ready(
    qtbot: QtBot, slow_window: MainWindow, slow_server: DemoKomboServer
) -> None:
    slow_server.delay_seconds = 0.3
    slow_window.createButton.click()
    slow_window.emailEdit.setText("anna@example.com")  # the same text typed again
    qtbot.waitUntil(lambda: slow_window.linkField.text() != "", timeout=10_000)
    assert slow_window.statusLabel.text() == "Demo link ready. It connects nothing."


def add_a_second_profile(window: MainWindow) -> None:
    """Saved settings with the window's "default" and a profile "second" to switch to."""
    window.setup.settings_store.save(Settings(profiles=[Profile("default"), Profile("second")]))


def test_a_profile_change_during_a_request_says_the_link_was_cancelled(
    qtbot: QtBot, slow_window: MainWindow, slow_server: DemoKomboServer
) -> None:
    # "Cancelled" was overwritten at once by the news of the other profile: the person was not
    # told that the link they were waiting for would not come.
    slow_server.delay_seconds = 30
    add_a_second_profile(slow_window)
    slow_window.createButton.click()
    qtbot.waitUntil(lambda: slow_server.create_link_count == 1)
    slow_window.use_profile("second")
    assert slow_window.statusLabel.text() == (
        f"Links are now made with the profile “second” (address 127.0.0.1). "
        f"{CANCELLED_BY_CHANGE_TEXT}"
    )
    assert not slow_window.busy
    assert slow_window.emailEdit.text() == "anna@example.com"


def test_renaming_the_profile_in_use_during_a_request_keeps_the_link_coming(
    qtbot: QtBot, slow_window: MainWindow, slow_server: DemoKomboServer
) -> None:
    """Renamed in Settings while Kombo made the link: the request was cancelled, and the link
    Kombo made was neither shown nor kept. A rename is still the same place and key."""
    history = open_history(qtbot, slow_window).panel.model  # open during all of it
    slow_window.createButton.click()
    qtbot.waitUntil(lambda: slow_server.create_link_count == 1)
    dialog = settings_of(qtbot, slow_window)
    name = dialog.profiles.profileNameEdit
    name.setText("Main account")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy)
    assert slow_window.busy  # still waiting for the link
    assert slow_window.profileLabel.text() == "Profile: Main account · 127.0.0.1"
    dialog.reject()
    qtbot.waitUntil(lambda: slow_window.linkField.text() != "", timeout=10_000)
    assert slow_window.statusPanel.kind == "success"
    assert slow_server.create_link_count == 1
    # Kept under the profile's new name, as the links made before the rename are.
    link = slow_window.linkField.text()
    wait_saved(qtbot, slow_window)  # on a worker, after the link is shown
    (made,) = [entry for entry in slow_window.history.store.search() if entry.url == link]
    assert made.profile == "Main account"
    # ... and the history takes it for the profile in use, not another's ("· Main account").
    qtbot.waitUntil(lambda: history.rowCount() == 1)
    assert "·" not in str(history.data(history.index(0, TYPE)))


OLD_KEY = "kombo-old-key-3c9a1d7e52"
NEW_KEY = "kombo-new-key-8b2f4e6a07"


def test_a_key_saved_for_the_profile_in_use_during_a_request_keeps_the_link_coming(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    """A new key saved in Settings for the profile in use while Kombo made the link: the
    request was cancelled ("make it again if needed"), and a link Kombo may have made already
    was thrown away. The place is the same: the link comes, made with the key it was sent
    with (and kept under that key's environment), and the next link goes with the new key."""
    keyring.set_password(SERVICE_NAME, "default", OLD_KEY)
    store = SettingsStore(AppPaths.from_environment())
    store.save(Settings(profiles=[Profile("default", environment_id="env-old")]))
    slow_link = replace(Reply.link("https://connect.kombo.dev/v1?t=1"), delay=1.5)

    def respond(request: RecordedRequest) -> Reply:
        if request.path.endswith("/check-api-key"):
            return Reply.environment("env-new")
        return tools_or(slow_link)(request)

    def keys_sent(path: str) -> list[str | None]:
        return [r.header("Authorization") for r in kombo.requests if path in r.path]

    with FaultServer(fallback=respond) as kombo:
        window = open_window("--api-base", kombo.base_url)
        fill_form(window)
        window.createButton.click()
        qtbot.waitUntil(lambda: len(keys_sent("/create-link")) == 1)
        dialog = settings_of(qtbot, window)
        dialog.key.apiKeyEdit.setText(NEW_KEY)
        dialog.key.saveKeyButton.click()
        qtbot.waitUntil(lambda: keyring.get_password(SERVICE_NAME, "default") == NEW_KEY)
        qtbot.waitUntil(lambda: not dialog.busy)
        assert window.busy  # still waiting for the link
        assert CANCELLED_BY_CHANGE_TEXT not in window.statusLabel.text()
        dialog.reject()
        qtbot.waitUntil(lambda: window.linkField.text() != "", timeout=10_000)
        assert window.statusPanel.kind == "success"
        wait_saved(qtbot, window)  # on a worker, after the link is shown
        (made,) = window.history.store.search()
        assert made.environment_id == "env-old"  # made with the old key
        # The new key is looked at in the background, as for any change in Settings.
        qtbot.waitUntil(lambda: f"Bearer {NEW_KEY}" in keys_sent("/tools/"))
        wait_until_ready(qtbot, window)
        make_link(qtbot, window)  # another environment's link: no duplicate
        assert keys_sent("/create-link") == [f"Bearer {OLD_KEY}", f"Bearer {NEW_KEY}"]
        window.close()


REFUSED_KEY = Reply.kombo_error(401, "PLATFORM.AUTHENTICATION_INVALID", "Invalid API key.")


def kombo_accepting(
    key: str, environment_id: str, link: Reply, refusal: Reply = REFUSED_KEY
) -> Callable[[RecordedRequest], Reply]:
    """A Kombo that refuses every key but ``key`` (of ``environment_id``) with ``refusal``, and
    answers a link request with ``link``."""

    def respond(request: RecordedRequest) -> Reply:
        if request.header("Authorization") != f"Bearer {key}":
            return refusal
        if request.path.endswith("/check-api-key"):
            return Reply.environment(environment_id)
        return tools_or(link)(request)

    return respond


def test_a_revoked_key_replaced_in_the_same_environment_is_used_once_checked_in_settings(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    """The usual rotation of a revoked key: the window said Kombo did not accept it, the
    administrator replaced it (``keyring set``) with another of the same environment, and
    "Check the stored key" in Settings said Kombo accepted it. The window kept the revoked
    key: the next link was refused the same way until the program was restarted."""
    keyring.set_password(SERVICE_NAME, "default", OLD_KEY)
    store = SettingsStore(AppPaths.from_environment())
    store.save(Settings(profiles=[Profile("default", environment_id="env-prod")]))
    link = Reply.link("https://connect.kombo.dev/v1?t=1")

    with FaultServer(fallback=kombo_accepting(NEW_KEY, "env-prod", link)) as kombo:
        window = open_window("--api-base", kombo.base_url)
        qtbot.waitUntil(lambda: "did not accept the API key" in window.statusPanel.text)
        keyring.set_password(SERVICE_NAME, "default", NEW_KEY)
        dialog = settings_of(qtbot, window)
        dialog.key.checkKeyButton.click()
        qtbot.waitUntil(lambda: not dialog.busy)
        dialog.reject()
        # The refusal of the replaced key is no longer what the window says.
        assert "did not accept the API key" not in window.statusPanel.text
        fill_form(window)
        make_link(qtbot, window)
        sent = [r.header("Authorization") for r in kombo.requests if "/create-link" in r.path]
        assert sent == [f"Bearer {NEW_KEY}"]
        assert window.statusPanel.kind == "success"
        (made,) = window.history.store.search()
        assert made.environment_id == "env-prod"
        window.close()


@pytest.mark.parametrize("stored", [True, False])
def test_a_key_accepted_at_a_check_in_settings_is_named_in_the_window_as_settings_names_it(
    qtbot: QtBot, open_window: WindowFactory, stored: bool
) -> None:
    """A key the password store could not keep, kept for this session only: Settings said
    "Kombo accepted the key", and the window "Kombo accepted the stored key", which it is not.
    A key in the store is still "the stored key" in both."""
    if stored:
        keyring.set_password(SERVICE_NAME, "default", OLD_KEY)
    link = Reply.link("https://connect.kombo.dev/v1?t=1")

    with FaultServer(fallback=kombo_accepting(OLD_KEY, "env-prod", link)) as kombo:
        window = open_window("--api-base", kombo.base_url)
        dialog = settings_of(qtbot, window)
        if not stored:
            keyring.set_keyring(BrokenKeyring())  # conftest restores the previous one
            dialog.key.apiKeyEdit.setText(OLD_KEY)
            dialog.key.saveKeyButton.click()
            qtbot.waitUntil(lambda: not dialog.busy)
            assert "for this session only" in dialog.key.keyStatusLabel.text()
        dialog.key.checkKeyButton.click()
        qtbot.waitUntil(lambda: not dialog.busy)
        key = "the stored key" if stored else "the key"
        assert dialog.settingsStatusLabel.text() == f"Kombo accepted {key} (environment env-prod)."
        dialog.reject()
        # The key's check in the background follows (the store's note, where the key is kept
        # for this session only): it adds to the sentence, and does not take its place.
        wait_until_settled(qtbot, window)
        said = window.statusPanel.text.split("\n")
        assert said[0] == f"Kombo accepted {key}: the next link goes with it."
        assert said[1:] == ([] if stored else [STORE_UNAVAILABLE])
        window.close()


@pytest.mark.parametrize("run_key", [False, True])
def test_a_key_refused_at_a_check_in_settings_is_said_in_the_window_as_a_link_would(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch, run_key: bool
) -> None:
    """The key was revoked after the start; "Check the stored key" in Settings said Kombo did
    not accept it, the person closed Settings, and the window still said "Ready.": the next
    link was refused. The window now says it at once, in the words (and with the way forward)
    of that link's refusal; for KOMBO_API_KEY's key too, which Settings checks then."""
    if run_key:
        monkeypatch.setenv("KOMBO_API_KEY", OLD_KEY)
    else:
        keyring.set_password(SERVICE_NAME, "default", OLD_KEY)
    revoked = threading.Event()
    accepting = kombo_accepting(OLD_KEY, "env-prod", Reply.link("https://connect.kombo.dev/v1?t=1"))

    def respond(request: RecordedRequest) -> Reply:
        return REFUSED_KEY if revoked.is_set() else accepting(request)

    with FaultServer(fallback=respond) as kombo:
        window = open_window("--api-base", kombo.base_url)
        # The start-up's tool lists came with the key accepted: nothing said about it.
        qtbot.waitUntil(lambda: window.linkForm.catalog is not window.bundled_catalog)
        revoked.set()  # in the Kombo dashboard
        before = window.statusPanel.text
        dialog = settings_of(qtbot, window)
        dialog.key.checkKeyButton.click()
        qtbot.waitUntil(lambda: not dialog.busy)
        assert "did not accept" in dialog.settingsStatusLabel.text()
        dialog.reject()
        said, action = window.statusPanel.text, window.statusPanel.statusActionButton
        assert said != before
        assert window.statusPanel.kind == "error"
        offered = action.text() if action.isVisibleTo(window) else None
        assert offered == (None if run_key else "Open settings")

        fill_form(window)
        window.createButton.click()
        qtbot.waitUntil(lambda: not window.busy)
        assert any("/create-link" in r.path for r in kombo.requests)
        assert window.statusPanel.text == said  # the same words as the refused link's
        assert (action.text() if action.isVisibleTo(window) else None) == offered
        window.close()


def test_a_key_replaced_outside_and_refused_at_a_check_in_settings_is_the_next_links_key(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    """The window holds the key it read at start; another, which Kombo refuses, was stored
    since (``keyring set``) and refused at a check in Settings. The window says the key is
    refused: the next link goes with the key stored now, not the older one the window held,
    so what the window said holds for it."""
    keyring.set_password(SERVICE_NAME, "default", OLD_KEY)
    link = Reply.link("https://connect.kombo.dev/v1?t=1")

    with FaultServer(fallback=kombo_accepting(OLD_KEY, "env-prod", link)) as kombo:
        window = open_window("--api-base", kombo.base_url)
        qtbot.waitUntil(lambda: window.linkForm.catalog is not window.bundled_catalog)
        keyring.set_password(SERVICE_NAME, "default", NEW_KEY)
        dialog = settings_of(qtbot, window)
        dialog.key.checkKeyButton.click()
        qtbot.waitUntil(lambda: not dialog.busy)
        dialog.reject()
        said = window.statusPanel.text
        assert "did not accept" in said
        fill_form(window)
        window.createButton.click()
        qtbot.waitUntil(lambda: not window.busy)
        sent = [r.header("Authorization") for r in kombo.requests if "/create-link" in r.path]
        assert sent == [f"Bearer {NEW_KEY}"]
        assert window.statusPanel.text == said
        window.close()


def test_a_key_replaced_outside_after_a_refusal_is_used_by_the_next_link(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    """A link refused for a revoked key, the key then replaced (``keyring set``) and "Create
    link" pressed again, without a check in Settings: the window kept the revoked key it had
    read once, and every link was refused until the program was restarted."""
    keyring.set_password(SERVICE_NAME, "default", OLD_KEY)
    link = Reply.link("https://connect.kombo.dev/v1?t=1")

    def keys_sent() -> list[str | None]:
        return [r.header("Authorization") for r in kombo.requests if "/create-link" in r.path]

    with FaultServer(fallback=kombo_accepting(NEW_KEY, "env-prod", link)) as kombo:
        window = open_window("--api-base", kombo.base_url)
        fill_form(window)
        window.createButton.click()
        qtbot.waitUntil(lambda: not window.busy)
        assert "did not accept the API key" in window.statusPanel.text
        keyring.set_password(SERVICE_NAME, "default", NEW_KEY)
        make_link(qtbot, window)
        assert keys_sent() == [f"Bearer {OLD_KEY}", f"Bearer {NEW_KEY}"]
        window.close()


def test_a_key_replaced_outside_is_used_though_the_refused_key_was_read_again_meanwhile(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    """The window said Kombo did not accept the API key; the id typed on the reconnection tab
    was then looked up, which read the refused key again (it was still stored); the key was
    replaced (``keyring set``) and the reconnection link asked for. It went with the refused
    key the look-up had read, and was refused once more: the refusal counted only for the
    first reading of that key, not for the key itself."""
    keyring.set_password(SERVICE_NAME, "default", OLD_KEY)
    link = Reply.link("https://connect.kombo.dev/v1?t=1")
    integration_id = "personio:93fCvorjZ2jas7ZekX1V1n5d"

    def keys_sent(path: str) -> list[str | None]:
        return [r.header("Authorization") for r in kombo.requests if path in r.path]

    with FaultServer(fallback=kombo_accepting(NEW_KEY, "env-prod", link)) as kombo:
        window = open_window("--api-base", kombo.base_url)
        qtbot.waitUntil(lambda: "did not accept the API key" in window.statusPanel.text)
        window.show_relink_mode(integration_id)
        qtbot.waitUntil(lambda: window.integration_lookup is not None)
        lookup = window.integration_lookup
        assert lookup is not None  # waited for above
        looked_up = f"/integrations/{integration_id}"
        qtbot.waitUntil(lambda: bool(keys_sent(looked_up)) and not lookup.busy, timeout=10_000)
        assert keys_sent(looked_up) == [f"Bearer {OLD_KEY}"]  # read again, still the old key
        keyring.set_password(SERVICE_NAME, "default", NEW_KEY)
        window.relinkButton.click()
        qtbot.waitUntil(lambda: window.linkField.text() != "", timeout=10_000)
        assert keys_sent("/relink") == [f"Bearer {NEW_KEY}"]
        assert window.statusPanel.kind == "success"
        window.close()


def test_a_refusal_of_the_replaced_key_arriving_after_a_link_with_the_new_one_is_not_said(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    """The tool lists asked for at start with the revoked key were answered late (Kombo held
    them): meanwhile a link was refused, the key replaced (``keyring set``) and a link made
    with the new one. The late refusal of the old key then took the new key's client away and
    said "Kombo did not accept the API key… Check the key in Settings" over "Link ready"."""
    keyring.set_password(SERVICE_NAME, "default", OLD_KEY)
    link = Reply.link("https://connect.kombo.dev/v1?t=1")
    accepting = kombo_accepting(NEW_KEY, "env-prod", link)
    release_check = threading.Event()

    def respond(request: RecordedRequest) -> Reply:
        if "/tools/" in request.path and request.header("Authorization") == f"Bearer {OLD_KEY}":
            release_check.wait(10)  # until the test says so
        return accepting(request)

    def keys_sent(path: str) -> list[str | None]:
        return [r.header("Authorization") for r in kombo.requests if path in r.path]

    with FaultServer(fallback=respond) as kombo:
        try:
            window = open_window("--api-base", kombo.base_url)
            qtbot.waitUntil(lambda: keys_sent("/tools/") == [f"Bearer {OLD_KEY}"])  # held
            fill_form(window)
            window.createButton.click()
            qtbot.waitUntil(lambda: not window.busy, timeout=10_000)
            assert "did not accept the API key" in window.statusPanel.text
            keyring.set_password(SERVICE_NAME, "default", NEW_KEY)
            shown = make_link(qtbot, window)
            assert keys_sent("/create-link") == [f"Bearer {OLD_KEY}", f"Bearer {NEW_KEY}"]
        finally:
            release_check.set()
        qtbot.waitUntil(lambda: window.runner.active == [], timeout=10_000)
        assert window.statusPanel.kind == "success"
        assert window.linkField.text() == shown
        fill_form(window, email="bob@globex.example", organization="Globex Inc")
        make_link(qtbot, window)  # still with the new key
        assert keys_sent("/create-link")[-1] == f"Bearer {NEW_KEY}"
        window.close()


@pytest.mark.parametrize("kind", ["link", "reconnection link"])
def test_a_link_refused_for_the_key_replaced_while_it_was_made_says_to_send_it_again(
    qtbot: QtBot, open_window: WindowFactory, kind: str
) -> None:
    """A new key saved in Settings while the link was being made with the old one, which
    Kombo then refused: the window said "Kombo did not accept the API key… Check the key in
    Settings" (with "Open settings") though the new key, accepted, was stored already."""
    keyring.set_password(SERVICE_NAME, "default", OLD_KEY)
    slow_refusal = replace(REFUSED_KEY, delay=1.5)
    link = Reply.link("https://connect.kombo.dev/v1?t=1")

    def keys_sent() -> list[str | None]:
        return [r.header("Authorization") for r in kombo.requests if "link" in r.path]

    with FaultServer(fallback=kombo_accepting(NEW_KEY, "env-new", link, slow_refusal)) as kombo:
        window = open_window("--api-base", kombo.base_url)
        form: LinkForm | RelinkForm
        if kind == "link":
            fill_form(window)
            form, button = window.linkForm, window.createButton
        else:
            window.show_relink_mode("personio:abc")
            form, button = window.relinkForm, window.relinkButton
        button.click()
        qtbot.waitUntil(lambda: len(keys_sent()) == 1)
        dialog = settings_of(qtbot, window)
        dialog.key.apiKeyEdit.setText(NEW_KEY)
        dialog.key.saveKeyButton.click()
        qtbot.waitUntil(lambda: keyring.get_password(SERVICE_NAME, "default") == NEW_KEY)
        qtbot.waitUntil(lambda: not dialog.busy)
        dialog.reject()
        qtbot.waitUntil(lambda: not window.busy, timeout=10_000)
        assert window.statusPanel.text == (
            f"This {kind} was sent with the previous API key, which Kombo did not accept. The "
            f"key was changed since: press “{form.submit_text}” again to send it with the new key."
        )
        assert window.statusPanel.kind == "error"
        assert window.statusPanel.statusActionButton.isHidden()  # Settings has nothing to mend
        assert window.firstRunNotice.isHidden()
        button.click()
        qtbot.waitUntil(lambda: window.linkField.text() != "", timeout=10_000)
        assert keys_sent() == [f"Bearer {OLD_KEY}", f"Bearer {NEW_KEY}"]
        window.close()


def test_a_link_refused_for_a_key_forgotten_while_it_was_made_still_leads_to_settings(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    """No key is left to send the link again with: the way forward is a key in Settings."""
    keyring.set_password(SERVICE_NAME, "default", OLD_KEY)
    slow_refusal = replace(REFUSED_KEY, delay=1.5)
    link = Reply.link("https://connect.kombo.dev/v1?t=1")

    with FaultServer(fallback=kombo_accepting(NEW_KEY, "env-new", link, slow_refusal)) as kombo:
        window = open_window("--api-base", kombo.base_url)
        fill_form(window)
        window.createButton.click()
        qtbot.waitUntil(lambda: any("/create-link" in r.path for r in kombo.requests))
        dialog = settings_of(qtbot, window)
        answer_next_box("Forget key")
        dialog.key.forgetKeyButton.click()
        qtbot.waitUntil(lambda: keyring.get_password(SERVICE_NAME, "default") is None)
        qtbot.waitUntil(lambda: not dialog.busy)
        dialog.reject()
        qtbot.waitUntil(lambda: not window.busy, timeout=10_000)
        assert "did not accept the API key" in window.statusPanel.text
        # Offered once: by the first-start notice, on show again as no key is set any more,
        # not by a second "Open settings" on the status line below it.
        assert window.firstRunNotice.openSettingsButton.isVisible()
        assert window.statusPanel.statusActionButton.isHidden()
        window.close()


def test_the_link_stays_when_its_profile_is_applied_again_and_goes_with_another(
    qtbot: QtBot, slow_window: MainWindow, slow_server: DemoKomboServer
) -> None:
    slow_server.delay_seconds = 0
    add_a_second_profile(slow_window)
    link = make_link(qtbot, slow_window)
    slow_window.use_profile("default")  # e.g. its key saved again in Settings
    assert slow_window.linkField.text() == link
    slow_window.use_profile("second")  # another profile: the link is not one of its links
    assert slow_window.linkField.text() == ""
    assert "Links are now made with the profile “second”" in slow_window.statusLabel.text()


def test_a_reconnection_link_arriving_while_the_next_customer_is_typed_is_kept_off_the_screen(
    qtbot: QtBot, slow_window: MainWindow, slow_server: DemoKomboServer
) -> None:
    # The other tab's details count too: a reconnection link for Acme appeared beside the
    # next customer typed on "New link", and the focus jumped to it mid-word.
    slow_window.show_relink_mode("personio:first")
    slow_window.relinkButton.click()
    qtbot.waitUntil(lambda: len(slow_server.requests) >= 1)
    slow_window.show_create_mode()
    slow_window.organizationEdit.setFocus()
    slow_window.organizationEdit.setText("Beta")
    qtbot.waitUntil(lambda: not slow_window.busy, timeout=10_000)
    assert slow_window.linkField.text() == ""
    assert slow_window.organizationEdit.hasFocus()


@pytest.mark.parametrize(
    ("made_in", "changed_to", "named"), [("en", "de", "English"), ("de", "en", "German")]
)
def test_a_link_arriving_after_only_its_language_changed_is_shown(
    qtbot: QtBot,
    slow_window: MainWindow,
    slow_server: DemoKomboServer,
    made_in: str,
    changed_to: str,
    named: str,
) -> None:
    # The same customer: as for a link on show, other choices changed meanwhile do not hide
    # it (it was hidden, and "press Create again" ran into the duplicate warning).
    languages = slow_window.languageCombo
    languages.setCurrentIndex(languages.findData(made_in))
    slow_window.createButton.click()
    qtbot.waitUntil(lambda: slow_server.create_link_count == 1)
    languages.setCurrentIndex(languages.findData(changed_to))
    qtbot.waitUntil(lambda: slow_window.linkField.text() != "", timeout=10_000)
    # It says in which language the link was made ("ready" alone, beside "Deutsch" in the
    # form, hid that the customer's page would be in English), named in English ("in
    # Deutsch" mixed two languages in one sentence).
    assert slow_window.statusLabel.text().startswith(
        f"Link ready, in {named}, as the form said when you pressed the button"
    )


def test_a_link_kept_off_the_screen_that_the_history_cannot_keep_is_said_lost(
    qtbot: QtBot,
    slow_window: MainWindow,
    slow_server: DemoKomboServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The status said "Copy it now" about a link that was on no screen and in no history.
    from kombo_desktop.core.history import HistoryError

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise HistoryError("disk full")

    monkeypatch.setattr(slow_window.history.store, "queue_request", refuse)
    slow_window.createButton.click()
    qtbot.waitUntil(lambda: slow_server.create_link_count == 1)
    slow_window.emailEdit.setText("bob@globex.example")
    qtbot.waitUntil(lambda: not slow_window.busy, timeout=10_000)
    status = slow_window.statusLabel.text()
    assert status.startswith("A link was made for the details the form had")
    assert "it is not kept" in status and "Copy it now" not in status
