"""Times on screen follow the computer's time zone, also when it changes while the program runs.

Python reads the time zone once, when it starts. A laptop taken from Berlin to London (or whose
system switches zone by itself) would go on showing every time an hour off, next to the
system's clock: a link's "valid until 15:32", the history's times, an invitation's "(UTC+01:00)".
So each time the program becomes the active application again (after the lid was opened, or
when the person comes back to it) the zone is read anew. Python has no way to do that on
Windows; there the zone of the start stays until the program is restarted.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

_FOLLOWING = "komboFollowsTimeZone"


def follow_time_zone_changes(app: QGuiApplication) -> bool:
    """Read the time zone again whenever ``app`` becomes active; False where Python cannot."""
    if not hasattr(time, "tzset"):
        return False
    if not app.property(_FOLLOWING):  # once per application, however many windows it has
        app.setProperty(_FOLLOWING, True)
        app.applicationStateChanged.connect(_read_time_zone_again)
    return True


def _read_time_zone_again(state: Qt.ApplicationState) -> None:
    if state == Qt.ApplicationState.ApplicationActive:
        time.tzset()
