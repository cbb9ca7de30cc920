"""Work that must wait until something is on screen: at start-up, and after a new link.

The window a person sees first is the real, usable form. Some start-up work shows nothing in it
(opening the link history's database, the log file); it runs right after the first frame
instead of before it, so the window appears sooner. :class:`AfterFirstPaint` starts such work
on the next turn of the event loop after the window's first paint event: by then the whole
first frame (the window and all its children) has been painted and handed to the screen.

It runs one action per turn of the event loop, so that a key press or a click in between waits
for one action at most, never for all: together they took 60-140 ms on a slow, loaded machine,
a pause over the 50 ms allowed for any (issue 6) just as the person may start typing into the
form. So each action is small (the largest, building Qt's ``Qt`` namespace, 25-40 ms there),
and longer work is added as several. Work that only saves a later click its wait (importing
the history panel's modules before the first click on History, see ``history_warm_up``) is
handed over in steps that come after all the actions (:meth:`AfterFirstPaint.add_in_idle_turns`).

Deferred work must never be a race. Anything that needs its result earlier (a link requested
before the history is open, the self-test that never shows the window) calls the owner's
ready-check itself, or :meth:`AfterFirstPaint.run_now`, which runs what is still pending at
once; each action runs exactly once either way. A click handled between two actions finds the
later ones not run yet, and what it needs of them it does itself, only more slowly: the
duplicate check opens the history, and PySide6 builds a Qt class's enums as code names it.

:func:`after_next_paint` does the same for one widget's next paint, with a deadline: the window
uses it to compute a new link's QR code only once the link itself is painted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from kombo_desktop.ui.event_filters import reports_errors


class AfterFirstPaint(QObject):
    """Collects actions and runs them, in order, once ``window`` has been painted, one per turn
    of the event loop; then the steps of ``add_in_idle_turns``, the same way."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window: QWidget | None = window
        self._pending: list[Callable[[], object]] = []
        self._idle_steps: list[Callable[[], None]] = []
        self._next_turn: QTimer | None = None  # made with the second turn
        self._scheduled = False
        window.installEventFilter(self)

    @property
    def done(self) -> bool:
        """True once the window has been painted (or run_now was called) and all ran, the
        idle steps included."""
        return self._window is None and not self._pending and not self._idle_steps

    @property
    def turns_waiting(self) -> bool:
        """True while actions or idle steps wait for turns of the event loop that will come
        (the first paint is past, or ``run_now`` was called): work such as a new key's check
        that has not started yet, which whoever waits for the window to settle waits for."""
        return self._window is None and bool(self._pending or self._idle_steps)

    def add_in_idle_turns(self, steps: Iterable[Callable[[], None]]) -> None:
        """Run ``steps`` after the actions, one per turn of the event loop, each once the
        events waiting then (a key press, a click, a paint) have been handled. For work that
        only spares a later click its wait: nothing may depend on it having run, and each
        step must be short (a few milliseconds), as any event coming meanwhile waits for it.
        Unlike the actions, ``run_now`` leaves them to their turns."""
        self._idle_steps.extend(steps)
        if self._window is None:
            self._schedule_next_turn()

    def add(self, action: Callable[[], object]) -> None:
        """Run ``action`` after the first paint, in a turn of the event loop of its own, after
        the actions added before it; at once (now) if that moment has passed and they all ran.

        Each action must be short (well under 50 ms on a slow machine): a key press or a click
        that comes meanwhile waits for it. Split longer work into several actions."""
        if self._window is None and not self._pending:
            action()
            return
        self._pending.append(action)
        if self._window is None:
            self._schedule_next_turn()

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._window and event.type() == QEvent.Type.Paint and not self._scheduled:
            # The rest of the frame (the children, the flush) is painted when this returns;
            # a zero-delay timer started now fires only after that.
            self._scheduled = True
            QTimer.singleShot(0, self, self._first_turn)
        return False

    def run_now(self) -> None:
        """Run every pending action now, for what needs their results sooner (a window never
        shown); later ``add`` calls run at once. Safe to repeat. The idle steps follow, in
        turns of their own."""
        self._stop_watching()
        while self._pending:
            action = self._pending.pop(0)
            try:
                action()
            except Exception:
                # The error goes on to the caller; the remaining actions still run, in turns.
                self._schedule_next_turn()
                raise
        self._schedule_next_turn()

    def _stop_watching(self) -> None:
        if self._window is not None:
            self._window.removeEventFilter(self)
            self._window = None

    def _first_turn(self) -> None:
        if self._window is None:
            return  # run_now came first; the turns are scheduled already
        self._stop_watching()
        self._take_turn()

    def _schedule_next_turn(self) -> None:
        if not self._pending and not self._idle_steps:
            return
        if self._next_turn is None:
            # A timer of no delay fires once the events already waiting (input, paints,
            # posted events) have been handled; ``QTimer.singleShot(0, ...)`` would post an
            # event, to come before those that the action starting it posted.
            self._next_turn = QTimer(self)
            self._next_turn.setSingleShot(True)
            self._next_turn.setInterval(0)
            self._next_turn.timeout.connect(self._take_turn)
        if not self._next_turn.isActive():
            self._next_turn.start()

    def _take_turn(self) -> None:
        """Run the next action, or else the next idle step; the rest in later turns."""
        if self._pending:
            work = self._pending.pop(0)
        elif self._idle_steps:
            work = self._idle_steps.pop(0)
        else:
            return
        try:
            work()
        finally:  # one that fails (reported by the crash handler) leaves the others to run
            self._schedule_next_turn()


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
