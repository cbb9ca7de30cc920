"""Letting Qt's event loop run for a while in a child process's script, Python's lock let go.

``QTest.qWait`` keeps Python's interpreter lock while Qt waits (PySide6 6.9 and 6.11): a
worker thread of the program then runs only in the moments the script's own Python runs
between two waits. A key check importing httpx on a worker (which brings in rich and click
when they are installed, as import-linter's are) took over 30 s under a loop of
``QTest.qWait(20)``, and 0.05 s on its own. An event loop run with ``QEventLoop.exec`` lets
the lock go, as the program's own event loop does (and pytest-qt's waits).
"""

from __future__ import annotations

from PySide6.QtCore import QEventLoop, QTimer


def pause(ms: int) -> None:
    """Run Qt's event loop for ``ms`` milliseconds, other threads free to run meanwhile."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
