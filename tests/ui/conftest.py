"""Fixtures for driving the real main window by object name, as the acceptance tests do."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAccessible, QAccessibleEvent, QFont
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from kombo_desktop.app import build_main_window
from kombo_desktop.core.demo_server import DemoKomboServer
from kombo_desktop.ui.main_window import PREFERRED_SIZE, MainWindow
from kombo_desktop.ui.result_panel import SAVING_QR_TEXT
from kombo_desktop.ui.settings_dialog import SettingsDialog
from tests.support.screens import on_a_screen_for

if TYPE_CHECKING:
    from kombo_desktop.ui.integration_lookup import IntegrationLookup

WindowFactory = Callable[..., MainWindow]


UNANSWERED_AFTER_SECONDS = 5.0


@pytest.fixture(autouse=True)
def no_unanswered_message_box(qtbot: QtBot) -> Iterator[None]:
    """A message box nobody answers (``tests.support.message_boxes`` answers the expected
    ones at once) is closed after a few seconds and fails the test, naming its question: it
    would otherwise wait for a click for ever, and the whole run with it."""
    first_seen: dict[int, float] = {}
    unanswered: list[str] = []

    def look() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            return
        seen = first_seen.setdefault(id(box), time.monotonic())
        if time.monotonic() - seen > UNANSWERED_AFTER_SECONDS:
            unanswered.append(box.text())
            box.reject()

    watch = QTimer()
    watch.setInterval(250)
    watch.timeout.connect(look)
    watch.start()
    yield
    watch.stop()
    assert not unanswered, f"a message box nobody answered: {unanswered}"


SystemText = Callable[[float], None]


@pytest.fixture
def system_text() -> Iterator[SystemText]:
    """Gives the application the font the system would give it at that many points (a larger
    text size chosen for reading, or the usual one); the font it had comes back after the test.
    Windows built afterwards size their text from it (``theme.text_sizes``)."""
    before = QFont(QApplication.font())

    def choose(points: float) -> None:
        font = QFont(before)
        font.setPointSizeF(points)
        QApplication.setFont(font)

    yield choose
    QApplication.setFont(before)


@pytest.fixture
def open_window(qtbot: QtBot) -> Iterator[WindowFactory]:
    """Build and show windows like ``kombo-desktop <argv>``; closed again after the test."""
    windows: list[MainWindow] = []

    def build(*argv: str) -> MainWindow:
        window = build_main_window(list(argv))
        assert isinstance(window, MainWindow)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield build
    for window in windows:
        window.close()


Spoken = list[tuple[str, QAccessible.AnnouncementPoliteness]]


@pytest.fixture
def spoken(monkeypatch: pytest.MonkeyPatch) -> Spoken:
    """What a screen reader running now would be asked to say at once (announcements)."""
    said: Spoken = []

    def update(event: QAccessibleEvent) -> None:
        if event.type() == QAccessible.Event.Announcement:
            said.append((event.message(), event.politeness()))  # type: ignore[attr-defined]

    monkeypatch.setattr(QAccessible, "isActive", staticmethod(lambda: True))
    monkeypatch.setattr(QAccessible, "updateAccessibility", staticmethod(update))
    return said


@pytest.fixture
def screen_with_room(monkeypatch: pytest.MonkeyPatch) -> None:
    """A screen with room for the window's usual size: its tabs have their whole names, which
    the questions about what is typed on them quote (on the tests' own screen, 800 pixels
    wide, "Reconnect an integration" is shortened to "Reconnect")."""
    on_a_screen_for(monkeypatch, PREFERRED_SIZE)


@pytest.fixture
def demo_window(open_window: WindowFactory) -> MainWindow:
    """A window started with ``--demo``."""
    return open_window("--demo")


@pytest.fixture
def demo_server() -> Iterator[DemoKomboServer]:
    """A demo service of the test's own, for windows started with ``--api-base``."""
    with DemoKomboServer() as server:
        yield server


def fill_form(
    window: MainWindow,
    *,
    email: str = "anna@example.com",
    organization: str = "Acme GmbH",
    tool: str | None = "personio",
) -> None:
    window.emailEdit.setText(email)
    window.organizationEdit.setText(organization)
    if tool is not None:
        index = window.toolCombo.findData(tool)
        assert index > 0, f"{tool} is not in the tool list"
        window.toolCombo.setCurrentIndex(index)


def type_over(qtbot: QtBot, edit: QLineEdit, typed: str) -> None:
    """Type ``typed`` over ``edit``'s text key by key, as the person does (the field's text
    selected first, as a click into a filled field and Ctrl+A do), and stay in the field."""
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    edit.selectAll()
    QTest.keyClicks(edit, typed)


def make_link(qtbot: QtBot, window: MainWindow, timeout: int = 10_000) -> str:
    """Press Create and wait for the link to be shown and the window ready again; returns
    the link."""
    window.createButton.click()
    qtbot.waitUntil(lambda: window.linkField.text() != "", timeout=timeout)
    wait_until_ready(qtbot, window)
    wait_saved(qtbot, window, timeout)
    # The form's choices, remembered for the next start on a worker too.
    qtbot.waitUntil(lambda: not window.settings_writes.saving, timeout=timeout)
    return window.linkField.text()


def wait_saved(qtbot: QtBot, window: MainWindow, timeout: int = 10_000) -> None:
    """Until the links handed to the history are saved in its file (on a worker, which may
    not have begun yet when the link is shown) and listed by the window: a test that reads
    the store, or records links of its own next (``record_request``), finds them saved."""
    saved: list[bool] = []
    window.history.when_saved(lambda: saved.append(True))
    qtbot.waitUntil(lambda: saved != [], timeout=timeout)


def wait_qr_saved(qtbot: QtBot, window: MainWindow) -> None:
    """Until the QR code's file is written, or refused, after "Save QR code…": on a worker
    thread, while the status line says it is being saved."""
    qtbot.waitUntil(lambda: window.statusLabel.text() != SAVING_QR_TEXT)


# The reconnection tab asks Kombo about an id on a worker thread once typing has paused for
# 0.6 s (``integration_lookup``, itself made after the first frame). On a loaded two-core
# machine all of it can take longer than the 5 s ``waitUntil`` waits unless told. The tests
# wait for the lookup to end, then read the hint: a wrong hint fails with its words shown.
LOOKUP_WAIT_MS = 15_000


def lookup_of(qtbot: QtBot, window: MainWindow) -> IntegrationLookup:
    """``window``'s integration lookup, once it is made: an id typed before is not looked up."""
    qtbot.waitUntil(lambda: window.integration_lookup is not None, timeout=LOOKUP_WAIT_MS)
    assert window.integration_lookup is not None
    return window.integration_lookup


def wait_for_lookup(qtbot: QtBot, window: MainWindow) -> None:
    """Until the id in the reconnection field has been looked up and what Kombo said is shown
    under it (the usual hint stays after a failure): the tests then read the hint."""
    lookup = lookup_of(qtbot, window)
    qtbot.waitUntil(lambda: not lookup.busy, timeout=LOOKUP_WAIT_MS)


def wait_until_ready(qtbot: QtBot, window: MainWindow) -> None:
    """Until the buttons are back after a link: they follow its paint (``_ready_after_link``)."""
    qtbot.waitUntil(lambda: window.createButton.isEnabled() and window.relinkButton.isEnabled())


def wait_until_settled(qtbot: QtBot, window: MainWindow, timeout: int = 10_000) -> None:
    """Until the window has nothing left to do: no background work waiting for its outcome,
    and a turn of the event loop gone by with none started. What a test then finds absent
    (a request sent, a warning shown) did not happen, however slow the machine: a request
    started by the window has reached the server once its work is delivered, and an outcome
    has been acted on once the turn after it has run. A fixed wait proved nothing on a loaded
    machine, where the work could still be on its way when it ended. Work the window has yet
    to start in later turns of its own counts too (``window.start_up``, which begins at the
    first frame: the key check comes after its other steps): the turn waited for could pass
    before it started. A window never shown starts only what ``run_now`` left to later turns
    (``StartUp.turns_waiting``)."""
    round_: dict[str, list[bool] | None] = {"turn": None}

    def start_up_pending() -> bool:
        start_up = window.start_up
        return start_up.turns_waiting or (window.isVisible() and not start_up.done)

    def settled() -> bool:
        if window.runner.active or start_up_pending():
            round_["turn"] = None  # work (re)started: a fresh turn must follow its outcome
            return False
        if round_["turn"] is None:
            turn: list[bool] = []
            round_["turn"] = turn
            QTimer.singleShot(0, lambda: turn.append(True))
            return False
        return bool(round_["turn"])

    qtbot.waitUntil(settled, timeout=timeout)


def wait_until_drawn_or_not(qtbot: QtBot, window: MainWindow) -> None:
    """Until a QR code would have been drawn for the link on show: the window computes it once
    the link is painted (``LinkMaking.prepare_qr``), so this waits for that paint, then for
    the window's work to be done. A fixed wait could end first on a slow machine, and a code
    wrongly drawn for an expired link came after the test had looked."""
    painted: list[bool] = []

    class PaintSeen(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                painted.append(True)
            return False

    seen = PaintSeen()
    window.linkField.installEventFilter(seen)
    try:
        window.linkField.update()
        qtbot.waitUntil(lambda: bool(painted))
    finally:
        window.linkField.removeEventFilter(seen)
    wait_until_settled(qtbot, window)


def tab_stops(start: QWidget, count: int) -> list[str]:
    """Object names of the next ``count`` visible, enabled widgets Tab reaches from ``start``."""
    names: list[str] = []
    widget = start.nextInFocusChain()
    while len(names) < count and widget is not start:
        assert widget is not None, "the focus chain came to an end"  # Qt's is a ring
        if (
            widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.isVisible()
            and widget.isEnabled()
        ):
            names.append(widget.objectName())
        widget = widget.nextInFocusChain()
    return names


def settings_of(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    """Open ``window``'s Settings as its button does, once it knows where the key is kept."""
    window.open_settings()
    dialog = window.settings_dialog
    assert isinstance(dialog, SettingsDialog)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
    return dialog
