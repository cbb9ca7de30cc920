"""A moment in which Space and Enter on a button that just took the keyboard focus do nothing.

Pressing a form's button (Create link, Create reconnection link) with the keyboard hands the
focus to the Cancel button shown in its place (``RequestForm.set_busy``), so that the focus
does not land somewhere the next key would do something unchosen. An impatient second press
of Space or Enter a moment later then landed on Cancel and stopped the request just asked
for. For ``IGNORED_FOR_MS`` after the hand-over those keys on Cancel are let go; a click and
Esc still cancel at once, and after the moment the keys do too.

It is apart from ``request_form`` so that the form's module stays about the form; it is made
the first time a request starts from the keyboard, never for the first frame.
"""

from __future__ import annotations

import time

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

from kombo_desktop.ui.event_filters import reports_errors

# Long enough for a double press of a key (people double-click within 500 ms, the usual
# double-click time), short enough that a deliberate Cancel is not noticed to wait.
IGNORED_FOR_MS = 500


class EarlyKeysIgnored(QObject):
    """Lets Space and Enter on ``button`` go unanswered for ``IGNORED_FOR_MS`` after each
    :meth:`start`. Watches ``button`` only meanwhile: no other event of it waits for this."""

    def __init__(self, button: QWidget) -> None:
        super().__init__(button)
        self._button = button
        self._until = 0.0  # time.monotonic() before which the keys are ignored; 0: not watching

    def start(self) -> None:
        """``button`` has just taken the focus from the button pressed: ignore the keys that
        would press it for a moment."""
        if not self._until:
            self._button.installEventFilter(self)
        self._until = time.monotonic() + IGNORED_FOR_MS / 1000
        QTimer.singleShot(IGNORED_FOR_MS + 10, self, self._stop_when_over)

    def _stop_when_over(self) -> None:
        if self._until and time.monotonic() >= self._until:
            self._until = 0.0
            self._button.removeEventFilter(self)

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if time.monotonic() >= self._until or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        keys = (
            QtCore.Qt.Key.Key_Space,
            QtCore.Qt.Key.Key_Return,
            QtCore.Qt.Key.Key_Enter,
            QtCore.Qt.Key.Key_Select,
        )
        return event.key() in keys
