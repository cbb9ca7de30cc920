"""Work that must wait until something is on screen: at start-up, and after a new link.

The window a person sees first is the real, usable form. Some start-up work shows nothing in it
(opening the link history's database, the log file); it runs right after the first frame
instead of before it, so the window appears sooner. :class:`AfterFirstPaint` runs such work on
the next turn of the event loop after the window's first paint event: by then the whole first
frame (the window and all its children) has been painted and handed to the screen.

Work that only saves a later click its wait (importing the history panel's modules before the
first click on History, see ``history_warm_up``) is handed over in small steps
(:meth:`AfterFirstPaint.add_in_idle_turns`): they run after the rest, one per turn of the event
loop, so that a key press or a click in between waits for one step at most, never for all.

Deferred work must never be a race. Anything that needs its result earlier (a link requested
before the history is open, the self-test that never shows the window) calls the owner's
ready-check itself, or :meth:`AfterFirstPaint.run_now`, which runs what is still pending at
once; each action runs exactly once either way.

:func:`after_next_paint` does the same for one widget's next paint, with a deadline: the window
uses it to compute a new link's QR code only once the link itself is painted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from kombo_desktop.ui.event_filters import reports_errors


class AfterFirstPaint(QObject):
    """Collects actions and runs them, in order, once ``window`` has been painted; then the
    steps of ``add_in_idle_turns``, one per turn of the event loop."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window: QWidget | None = window
        self._pending: list[Callable[[], None]] = []
        self._idle_steps: list[Callable[[], None]] = []
        self._next_step: QTimer | None = None  # made with the first idle step's turn
        self._scheduled = False
        window.installEventFilter(self)

    @property
    def done(self) -> bool:
        """True once the window has been painted (or run_now was called) and all ran, the
        idle steps included."""
        return self._window is None and not self._pending and not self._idle_steps

    def add_in_idle_turns(self, steps: Iterable[Callable[[], None]]) -> None:
        """Run ``steps`` after the actions, one per turn of the event loop, each once the
        events waiting then (a key press, a click, a paint) have been handled. For work that
        only spares a later click its wait: nothing may depend on it having run, and each
        step must be short (a few milliseconds), as any event coming meanwhile waits for it."""
        self._idle_steps.extend(steps)
        if self._window is None:
            self._schedule_idle_step()

    def add(self, action: Callable[[], None]) -> None:
        """Run ``action`` after the first paint; at once (now) if that moment has passed."""
        if self._window is None:
            action()
            return
        self._pending.append(action)

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._window and event.type() == QEvent.Type.Paint and not self._scheduled:
            # The rest of the frame (the children, the flush) is painted when this returns;
            # a zero-delay timer started now fires only after that.
            self._scheduled = True
            QTimer.singleShot(0, self, self.run_now)
        return False

    def run_now(self) -> None:
        """Run every pending action now; later ``add`` calls run at once. Safe to repeat. The
        idle steps follow, in turns of their own."""
        if self._window is not None:
            self._window.removeEventFilter(self)
            self._window = None
        while self._pending:
            action = self._pending.pop(0)
            try:
                action()
            except Exception:
                # The error goes on to the caller (or, from the timer, to the crash handler,
                # which logs it and tells the person); the remaining steps still run.
                if self._pending:
                    QTimer.singleShot(0, self, self.run_now)
                else:
                    self._schedule_idle_step()
                raise
        self._schedule_idle_step()

    def _schedule_idle_step(self) -> None:
        if not self._idle_steps:
            return
        if self._next_step is None:
            # A timer of no delay fires once the events already waiting (input, paints,
            # posted events) have been handled; ``QTimer.singleShot(0, ...)`` would post an
            # event, to come before those that the step starting it posted.
            self._next_step = QTimer(self)
            self._next_step.setSingleShot(True)
            self._next_step.setInterval(0)
            self._next_step.timeout.connect(self._run_idle_step)
        if not self._next_step.isActive():
            self._next_step.start()

    def _run_idle_step(self) -> None:
        if not self._idle_steps:
            return
        step = self._idle_steps.pop(0)
        try:
            step()
        finally:  # a step that fails leaves the others to run
            self._schedule_idle_step()


class _NextPaint(QObject):
    def __init__(self, widget: QWidget, action: Callable[[], None], at_the_latest_ms: int) -> None:
        super().__init__(widget)
        self._widget = widget
        self._action: Callable[[], None] | None = action
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.timeout.connect(self._run)
        self._deadline.start(at_the_latest_ms)
        widget.installEventFilter(self)
        widget.update()  # make sure a paint is coming

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            # As for the first frame: the paint is finished when the event loop is next free.
            QTimer.singleShot(0, self, self._run)
        return False

    def _run(self) -> None:
        action, self._action = self._action, None
        if action is None:
            return
        self._deadline.stop()
        self._widget.removeEventFilter(self)
        self.deleteLater()
        action()


def after_next_paint(widget: QWidget, action: Callable[[], None], at_the_latest_ms: int) -> None:
    """Run ``action`` once ``widget`` has been painted again, or after ``at_the_latest_ms``
    if it is not painted by then (a minimised window paints nothing)."""
    _NextPaint(widget, action, at_the_latest_ms)
