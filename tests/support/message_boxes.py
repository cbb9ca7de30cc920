"""Answering the program's real message boxes from a test, as a person would."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

POLL_MS = 10
GIVE_UP_SECONDS = 10.0  # no box by then: stop looking (the test's own checks then fail)


@dataclass
class SeenBox:
    """What the message box that was answered showed."""

    texts: list[str] = field(default_factory=list)  # its question, once answered
    buttons: list[str] = field(default_factory=list)
    default: str = ""
    stopped: bool = False

    def stop(self) -> None:
        """Stop waiting for a box (a test that expects none), so that a box opened later, by
        another test, is not answered by this one."""
        self.stopped = True


def answer_next_box(choice: str, *, after_ms: int = 0) -> SeenBox:
    """Click the button labelled ``choice`` in the next message box that opens, ``after_ms``
    after it opened (a person reading it meanwhile).

    Call it before the action that opens the box: the box runs its own event loop, in which
    the answer is given. The returned record fills in once the box has been answered. A box
    without that button is closed as with Esc, so a test fails on what it saw, never hangs.
    """
    seen = SeenBox()
    give_up_at = time.monotonic() + GIVE_UP_SECONDS

    def answer() -> None:
        if seen.stopped:
            return
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            if time.monotonic() < give_up_at:
                QTimer.singleShot(POLL_MS, answer)
            return
        seen.texts.append(box.text())
        seen.buttons = [button.text() for button in box.buttons()]
        default = box.defaultButton()
        seen.default = default.text() if default is not None else ""
        matching = [b for b in box.buttons() if b.text().replace("&", "") == choice]
        if matching:
            QTimer.singleShot(after_ms, matching[0].click)
        else:
            box.reject()

    QTimer.singleShot(0, answer)
    return seen
