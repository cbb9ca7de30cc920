"""Quitting the whole program asks first when typing would be lost, as closing the window does.

On a Mac, Cmd+Q and "Quit" in the application menu or the Dock do not close the window the way
its close button does. macOS asks the program whether it may end; Qt hands that question on as
a spontaneous ``QEvent.Quit`` sent to the application, and only when nothing refuses that event
does Qt close the windows itself, with close events that are not spontaneous, which the window
lets through unasked (as it must when the program or a test closes it). So the question
("Close Kombo Desktop?") is asked here, when that event arrives; Cancel refuses the event, and
Qt then tells macOS not to end the program. A Mac's log-out ends programs the same way and
cannot be told apart from Cmd+Q: like other Mac programs holding unsaved work, this one asks,
and Cancel stops the log-out.

Quits the program makes itself are let through: the one Qt posts once the last window has
closed is not spontaneous. The one ``QCoreApplication.quit()`` sends is (Qt 6 passes it through
the window system as well), but the program never calls it: it ends by closing its window.

Only a Mac asks a program this way (Windows and Linux ask through session management, and
close the window as its close button does, which the window asks about itself), so the filter
is put in place on a Mac only (``SYSTEM_ASKS_BEFORE_QUITTING``). A filter on the application
sees every event of the main thread, a few microseconds each in Python, and the first event
for an object of a kind Python has not met yet makes PySide6 build the enums of about 130
QtCore classes on the spot (about 20 ms, more on a slow laptop; it fell inside the first link
request's wait, freezing the window): so even there it is put in place only after the first
frame (nothing can have been typed before it) and taken away when the window shuts down.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject

from kombo_desktop.ui.event_filters import reports_errors

# Whether the system asks the program whether it may end (a spontaneous quit event): a Mac's.
SYSTEM_ASKS_BEFORE_QUITTING = sys.platform == "darwin"


class QuitQuestion(QObject):
    """Asks ``may_quit`` before the application quits at the system's (the person's) request;
    a False answer cancels the quit."""

    def __init__(self, parent: QObject, may_quit: Callable[[], bool]) -> None:
        super().__init__(parent)
        self._may_quit = may_quit
        self._asking = False
        self._app = QCoreApplication.instance()
        if self._app is not None:
            self._app.installEventFilter(self)

    def stop(self) -> None:
        """Ask no more (the window shuts down); safe to call more than once."""
        if self._app is not None:
            self._app.removeEventFilter(self)
            self._app = None

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is not self._app or event.type() != QEvent.Type.Quit:
            return False
        if not event.spontaneous():
            return False
        if self._asking:
            # Cmd+Q again while the question is open: the question on screen answers it.
            event.ignore()
            return True
        self._asking = True
        try:
            if self._may_quit():
                return False
        finally:
            self._asking = False
        event.ignore()  # Qt tells the system that the program does not end
        return True
