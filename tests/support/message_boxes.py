"""Answering the program's real message boxes from a test, as a person would."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

POLL_MS = 10
GIVE_UP_SECONDS = 10.0  # no box by then: stop looking (the test's own checks then fail)
CLICKED_WITHIN_MS = 2000  # a key that clicked nothing by then: the box is closed as with Esc


@dataclass
class SeenBox:
    """What the message box that was answered showed."""

    texts: list[str] = field(default_factory=list)  # its question, once answered
    buttons: list[str] = field(default_factory=list)
    default: str = ""
    clicked: str = ""  # the button a key pressed in it clicked (see ``press_in_next_box``)
    stopped: bool = False

    def stop(self) -> None:
        """Stop waiting for a box (a test that expects none), so that a box opened later, by
        another test, is not answered by this one."""
        self.stopped = True


def answer_next_box(
    choice: str, *, after_ms: int = 0, once: Callable[[], bool] | None = None
) -> SeenBox:
    """Click the button labelled ``choice`` in the next message box that opens, ``after_ms``
    after it opened (a person reading it meanwhile), or ``once`` what happens behind it
    meanwhile holds (a check ending while the person reads); if that has not happened
    ``GIVE_UP_SECONDS`` after this call, the button is clicked anyway (the test's own checks
    then fail), so that no test hangs.

    Call it before the action that opens the box: the box runs its own event loop, in which
    the answer is given. The returned record fills in once the box has been answered. A box
    without that button is closed as with Esc, so a test fails on what it saw, never hangs.
    """
    seen = SeenBox()
    give_up_at = time.monotonic() + GIVE_UP_SECONDS

    def answer(box: QMessageBox) -> None:
        matching = [b for b in box.buttons() if b.text().replace("&", "") == choice]
        if not matching:
            box.reject()
        elif once is None:
            QTimer.singleShot(after_ms, matching[0].click)
        else:
            click_once(matching[0].click)

    def click_once(click: Callable[[], object]) -> None:
        if once is None or once() or time.monotonic() >= give_up_at:
            click()
        else:
            QTimer.singleShot(POLL_MS, lambda: click_once(click))

    _on_next_box(seen, answer, give_up_at)
    return seen


def press_in_next_box(
    key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> SeenBox:
    """Press ``key`` (with ``modifier``: Alt for a button's letter) in the next message box that
    opens, as a person at the keyboard would: Enter picks its default button, Esc its escape
    button. The returned record fills in once the key was pressed, with the button it clicked
    (an Alt letter clicks it a moment later). A key that clicks nothing is followed by Esc,
    so that no test hangs."""
    seen = SeenBox()

    def press(box: QMessageBox) -> None:
        box.buttonClicked.connect(lambda button: setattr(seen, "clicked", button.text()))
        QTest.keyClick(box.focusWidget() or box, key, modifier)

        def unless_answered() -> None:
            if box.isVisible() and not seen.clicked:
                box.reject()

        QTimer.singleShot(CLICKED_WITHIN_MS, box, unless_answered)

    _on_next_box(seen, press, time.monotonic() + GIVE_UP_SECONDS, with_the_keyboard=True)
    return seen


def _on_next_box(
    seen: SeenBox,
    act: Callable[[QMessageBox], None],
    give_up_at: float,
    *,
    with_the_keyboard: bool = False,
) -> None:
    """Once the next message box is open (``with_the_keyboard``: and has the keyboard, which
    it is given as the system gives it to a person), note what it shows in ``seen`` and
    ``act`` on it. Looked for every ``POLL_MS`` until ``give_up_at`` (``time.monotonic``), or
    until ``seen`` is stopped."""

    def look() -> None:
        if seen.stopped:
            return
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or (with_the_keyboard and not box.isActiveWindow()):
            if isinstance(box, QMessageBox):
                box.activateWindow()  # where a key goes, as the system does for a person
            if time.monotonic() < give_up_at:
                QTimer.singleShot(POLL_MS, look)
            return
        seen.texts.append(box.text())
        seen.buttons = [button.text() for button in box.buttons()]
        default = box.defaultButton()
        seen.default = default.text() if default is not None else ""
        act(box)

    QTimer.singleShot(0, look)
