"""The two things every benchmark child needs first: wait for a paint, wait for a condition.

Kept apart from ``qt_support`` and as light as possible, because the start-up driver imports
it before the window is built, in the bare baseline as well as in the program's run. In
particular it does not touch the ``Qt`` namespace: its first import costs PySide6 about 10 ms
of enum set-up, which a bare window never pays and which would inflate the baseline.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QWidget

DEFAULT_TIMEOUT = 30.0


class BenchmarkError(RuntimeError):
    """The window did not do what the benchmark waited for; the message says what was missing."""


def wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    """Run the event loop until ``predicate()`` holds; BenchmarkError after ``timeout`` seconds.

    The loop sleeps in Qt's event dispatcher, which wakes at once for posted events (a worker's
    queued signal), so waiting adds no delay to what is measured; the 1 ms timer only decides
    when to stop waiting.
    """
    if predicate():
        return
    loop = QEventLoop()
    check = QTimer()
    check.setInterval(1)

    def check_now() -> None:
        if predicate():
            loop.quit()

    check.timeout.connect(check_now)
    give_up = QTimer()
    give_up.setSingleShot(True)
    give_up.timeout.connect(loop.quit)
    check.start()
    give_up.start(round(timeout * 1000))
    loop.exec()
    check.stop()
    give_up.stop()
    if not predicate():
        raise BenchmarkError(f"gave up after {timeout:.0f} s waiting for {what}")


class PaintWatch(QObject):
    """Notes the moment ``widget`` next receives a paint event, i.e. is really on screen, and
    the moment that frame is finished.

    Qt paints a window's frame in one go: the paint event of the window itself comes first,
    then its children's, then the frame is handed to the screen. ``painted_at`` is the first
    of these; ``frame_done_at`` is when the event loop is next free, after the whole frame (a
    zero-delay timer started during the paint event fires only then). For a bare window the
    two are the same; for a full form the children take a few milliseconds more to paint.
    """

    def __init__(self, widget: QWidget, on_frame_done: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.widget = widget
        self.painted_at: float | None = None
        self.frame_done_at: float | None = None
        # Called the moment the frame is finished, before anything else the event loop has
        # queued by then: the start-up driver leaves from here, so that work a program
        # deliberately queues for after its first frame is not counted as part of it.
        self._on_frame_done = on_frame_done
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Paint and self.painted_at is None:
            self.painted_at = time.perf_counter()
            QTimer.singleShot(0, self._frame_done)
        return False

    def _frame_done(self) -> None:
        if self.frame_done_at is None:
            self.frame_done_at = time.perf_counter()
            if self._on_frame_done is not None:
                self._on_frame_done()

    def arm(self) -> None:
        """Wait for the next paint from now on (and make sure one is coming)."""
        self.painted_at = None
        self.frame_done_at = None
        self.widget.update()

    def wait(self, timeout: float = DEFAULT_TIMEOUT) -> float:
        """Wait for the paint event; returns its moment."""
        wait_until(
            lambda: self.painted_at is not None, timeout, f"{self.widget.objectName()} paint"
        )
        assert self.painted_at is not None
        return self.painted_at

    def wait_frame(self, timeout: float = DEFAULT_TIMEOUT) -> float:
        """Wait until the frame with that paint is finished; returns that moment."""
        wait_until(
            lambda: self.frame_done_at is not None,
            timeout,
            f"the frame with {self.widget.objectName()}'s paint",
        )
        assert self.frame_done_at is not None
        return self.frame_done_at

    def close(self) -> None:
        self.widget.removeEventFilter(self)
