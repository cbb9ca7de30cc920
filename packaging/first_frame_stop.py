"""End a program at its first frame, the same way for the packaged program and the bare window.

``packaging/measure.py`` times how long a packaged program takes from being started to showing
its first frame, which is what a person waits for. Both sides of the comparison run their real
start-up and call ``QApplication.exec()``; :func:`stop_at_first_frame` replaces that call, so
the event loop runs only until the shown window's first frame is painted (its paint event,
then the rest of the frame: a zero-delay timer started during the paint event fires after it).
Then one JSON line is printed and the process leaves with ``os._exit(0)``: tearing a window
down is not part of starting one. The time itself is taken from outside, as the process's wall
time, so both sides pay their interpreter's start the same way.

Only Qt is imported here, and only once ``exec()`` is called, after the window exists.
"""

from __future__ import annotations

import os
import sys


def stop_at_first_frame() -> None:
    """Make ``QApplication.exec()`` return at the first frame of the shown window, for good."""
    from PySide6.QtWidgets import QApplication

    def exec_until_first_frame(_app: QApplication) -> int:
        from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

        shown = [widget for widget in QApplication.topLevelWidgets() if widget.isVisible()]
        if len(shown) != 1:
            sys.exit(f"expected one shown window, found {len(shown)}")
        window = shown[0]

        def leave() -> None:
            print('{"first_frame": true}', flush=True)
            os._exit(0)

        class FirstPaint(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
                if watched is window and event.type() == QEvent.Type.Paint:
                    QTimer.singleShot(0, leave)
                return False

        watch = FirstPaint()
        window.installEventFilter(watch)
        window.update()  # a paint already pending merges with this one; none is missed
        QEventLoop().exec()
        return 0  # not reached

    QApplication.exec = exec_until_first_frame  # type: ignore[assignment,method-assign]
