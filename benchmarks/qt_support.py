"""Driving the real window from a benchmark: wait for a paint, make a link, count heartbeat gaps.

The same moves as the pytest-qt tests (``QTest.mouseClick`` on ``createButton``, then wait for
``linkField``), with timing taken from Qt's own signals and events rather than from polling, so
the figures are not rounded up to a polling interval. Only object names from contract.md are
used to find widgets.
"""

from __future__ import annotations

import secrets
import time
from itertools import pairwise
from typing import TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget

from benchmarks.paint_watch import DEFAULT_TIMEOUT, BenchmarkError, PaintWatch, wait_until

W = TypeVar("W", bound=QWidget)

__all__ = [
    "DEFAULT_TIMEOUT",
    "BenchmarkError",
    "Heartbeat",
    "LinkMaker",
    "PaintWatch",
    "find",
    "idle",
    "wait_until",
]


def find(window: QWidget, kind: type[W], name: str) -> W:
    """The child widget ``name`` of type ``kind``; BenchmarkError names what is missing."""
    widget = window.findChild(kind, name)
    if widget is None:
        raise BenchmarkError(f"the window has no {kind.__name__} named {name!r}")
    return widget


class LinkMaker:
    """Fills the form with a new customer and clicks Create; returns when the link is painted.

    Each call uses a different e-mail address and organisation, also across runs that share a
    history file, so the history's duplicate warning never stops a run. After the link it also
    waits for the QR code (``last_qr_seconds``, from the click): drawn, or offered large where
    the window would draw it too small to scan, and then for the code saved files use (computed
    next, on a worker). The window computes the codes after painting the link, and a next
    click while that still runs would be slowed by it in a way no person clicking by hand ever
    meets.
    """

    def __init__(self, window: QWidget, prefix: str = "bench") -> None:
        self.window = window
        self.prefix = f"{prefix}-{secrets.token_hex(4)}-"
        self.email = find(window, QLineEdit, "emailEdit")
        self.organization = find(window, QLineEdit, "organizationEdit")
        self.button = find(window, QPushButton, "createButton")
        self.link_field = find(window, QLineEdit, "linkField")
        from kombo_desktop.ui.qr_view import QrView  # here: the start-up figures load none of it

        self.qr_view = find(window, QrView, "qrView")
        self.status = window.findChild(QLabel, "statusLabel")
        self.last_qr_seconds: float | None = None
        # The last click's moment and its link's paint (``time.perf_counter``), for placing
        # what else was measured meanwhile (``scenarios.heartbeat``).
        self.last_click_at = 0.0
        self.last_shown_at = 0.0
        self._paint = PaintWatch(self.link_field)
        self.count = 0

    def make(self, timeout: float = DEFAULT_TIMEOUT) -> tuple[float, str]:
        """(seconds from the click to the link painted on screen, the link)."""
        self.count += 1
        self.email.setText(f"{self.prefix}{self.count}@example.com")
        self.organization.setText(f"Benchmark Customer {self.prefix}{self.count}")
        wait_until(self.button.isEnabled, timeout, "the Create button to be enabled")
        previous = self.link_field.text()
        changed: list[float] = []

        def on_text(text: str) -> None:
            if text and text != previous and not changed:
                changed.append(time.perf_counter())
                self._paint.arm()

        self.link_field.textChanged.connect(on_text)
        try:
            started = time.perf_counter()
            QTest.mouseClick(self.button, Qt.MouseButton.LeftButton)
            try:
                wait_until(lambda: bool(changed), timeout, "a new link in linkField")
            except BenchmarkError as error:
                status = self.status.text() if self.status is not None else "(no statusLabel)"
                raise BenchmarkError(f"{error}; the window says: {status}") from None
            shown = self._paint.wait(timeout)
            self.last_click_at, self.last_shown_at = started, shown
            # No signal tells when a pixmap is set; the 1 ms polling of wait_until is precise
            # enough for a figure given for information.
            wait_until(lambda: self.qr_view.can_enlarge, timeout, "the QR code")
            self.last_qr_seconds = time.perf_counter() - started
            wait_until(self._codes_done, timeout, "the QR code for files")
        finally:
            self.link_field.textChanged.disconnect(on_text)
        return shown - started, self.link_field.text()

    def _codes_done(self) -> bool:
        runner = getattr(self.window, "runner", None)
        return runner is None or not any(task.name.startswith("qr-code") for task in runner.active)

    def close(self) -> None:
        self._paint.close()


class Heartbeat(QObject):
    """A 10 ms timer on the UI thread; its largest gap is how long the window was frozen."""

    def __init__(self, interval_ms: int = 10) -> None:
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.ticks: list[float] = []

    def _tick(self) -> None:
        self.ticks.append(time.perf_counter())

    def start(self) -> None:
        self.ticks = [time.perf_counter()]
        self.timer.start()

    def stop(self) -> float:
        """Stop; returns the largest gap in seconds, the last stretch up to now included."""
        self.timer.stop()
        self.ticks.append(time.perf_counter())
        earlier, later = self.largest_gap_span()
        return later - earlier

    def largest_gap_span(self) -> tuple[float, float]:
        """The ticks (``time.perf_counter``) at either end of the largest gap."""
        return max(pairwise(self.ticks), key=lambda pair: pair[1] - pair[0])


def idle(seconds: float) -> None:
    """Let the event loop run for ``seconds`` with nothing else to do."""
    loop = QEventLoop()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()
