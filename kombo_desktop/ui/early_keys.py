"""A moment in which Space and Enter on a button that just took the keyboard focus do nothing.

Pressing a form's button (Create link, Create reconnection link) with the keyboard hands the
focus to the Cancel button shown in its place (``RequestForm.set_busy``), so that the focus
does not land somewhere the next key would do something unchosen. An impatient second press
of Space or Enter a moment later then landed on Cancel and stopped the request just asked
for. For ``IGNORED_FOR_MS`` after the hand-over those keys on Cancel are let go; a click and
Esc still cancel at once, and after the moment the keys do too. The moment is the person's:
a second press held up by work on the UI thread is compared by when it was pressed (the key
events' timestamps), not only by when it was handled.

It is apart from ``request_form`` so that the form's module stays about the form; it is made
the first time a request starts from the keyboard, never for the first frame.
"""

from __future__ import annotations

import time

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

from kombo_desktop.ui.event_filters import reports_errors

# Long enough for a double press of a key (people double-click within 500 ms, the usual
# double-click time), short enough that a deliberate Cancel is not noticed to wait.
IGNORED_FOR_MS = 500


class EarlyKeysIgnored(QObject):
    """Lets Space and Enter on ``button`` go unanswered for ``IGNORED_FOR_MS`` after each
    :meth:`start`, counted from when they were handled or, where the system tells, from
    when the first press and they were pressed. Watches ``button`` from :meth:`start` to
    :meth:`stop` only (while it is shown): its other events do not wait for this."""

    def __init__(self, button: QWidget) -> None:
        super().__init__(button)
        self._button = button
        self._watching = False
        self._until = 0.0  # time.monotonic() before which the keys are ignored
        self._pressed_at = 0  # the first press's timestamp (the system's ms); 0: unknown

    def start(self, pressed_at: int = 0) -> None:
        """``button`` has just taken the focus from the button pressed: ignore the keys that
        would press it for a moment. ``pressed_at``: the timestamp of the key event that
        pressed that button (0: unknown)."""
        if not self._watching:
            self._button.installEventFilter(self)
            self._watching = True
        self._until = time.monotonic() + IGNORED_FOR_MS / 1000
        self._pressed_at = pressed_at

    def stop(self) -> None:
        """``button`` gives the focus back (the request is over): nothing more to ignore."""
        if self._watching:
            self._button.removeEventFilter(self)
            self._watching = False
        self._until = 0.0
        self._pressed_at = 0

    def _pressed_soon_after(self, event: QKeyEvent) -> bool:
        """Whether the system says ``event`` was pressed within the moment after the first
        press. Keys pressed while the UI thread was busy (start-up steps on a slow laptop)
        are handled late; counted from when they were handled, a quick second press came
        after the moment and cancelled. Test tools and some systems give no timestamp (0)."""
        if not self._pressed_at or not event.timestamp():
            return False
        return 0 <= event.timestamp() - self._pressed_at <= IGNORED_FOR_MS

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        keys = (
            QtCore.Qt.Key.Key_Space,
            QtCore.Qt.Key.Key_Return,
            QtCore.Qt.Key.Key_Enter,
            QtCore.Qt.Key.Key_Select,
        )
        if event.key() not in keys:
            return False
        return time.monotonic() < self._until or self._pressed_soon_after(event)
