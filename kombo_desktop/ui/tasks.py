"""Runs slow work (network calls) off the UI thread and hands the outcome back on the UI thread.

The window must stay responsive while Kombo takes seconds to answer, and closing it mid-request
must neither hang nor crash. One small helper does this for every caller (create link, relink,
key check, catalog refresh), in the spirit of Anki's ``taskman`` and superqt's ``thread_worker``:

* ``TaskRunner.run(work, on_done=..., on_error=...)`` calls ``work(cancel_token)`` on a worker
  thread. The outcome travels back through a queued Qt signal, so callbacks always run on the UI
  thread, where touching widgets is allowed.
* Work with something to say while it lasts ("trying again in 9 seconds") is given
  ``on_progress`` and is called as ``work(cancel_token, tell)``: what it tells travels the same
  way as its outcome, and is dropped as a stale outcome is, so a cancelled task never speaks.
* Every task gets a ``kombo_desktop.core.cancel.CancelToken`` (a module without httpx, cheap to
  import on the start-up path). The worker makes it when it starts; ``TaskHandle.cancel()`` works
  before and after that moment.
* ``TaskRunner.shutdown()`` (called when the window closes) cancels everything, drops every
  pending callback so none fires into a deleted widget, and waits a bounded time for workers.

Workers are plain daemon ``threading.Thread``s rather than ``QThreadPool`` threads on purpose:
Qt waits for every pooled thread when the pool or the application is destroyed, so one request
stuck on a dead network would keep the program from quitting. A daemon thread never blocks exit,
and ``threading.enumerate()`` sees it, so the tests' leak check catches a worker left running.
Each runner keeps its workers for its next tasks (see ``_Workers``) and lets them go when it
shuts down or is deleted.
"""

from __future__ import annotations

import collections
import itertools
import logging
import sys
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

import shiboken6
from PySide6 import QtCore
from PySide6.QtCore import QObject, Signal, Slot

from kombo_desktop.core.cancel import CancelToken

_log = logging.getLogger(__name__)

T = TypeVar("T")

# How work given ``on_progress`` tells the person how it goes, from its worker thread.
Tell = Callable[[str], None]

_task_numbers = itertools.count(1)

# What a kept worker is called between tasks: not "kombo-task-…", which names work running.
IDLE_WORKER_NAME = "kombo-worker-idle"


class TaskHandle:
    """One running task: ask it to stop, see whether it was asked, wait for it (tests, shutdown)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._cancel_requested = False
        self._token: CancelToken | None = None
        self._ended = threading.Event()  # set once the worker is done with it, outcome sent

    def cancel(self) -> None:
        """Ask the work to stop. Thread-safe, idempotent, and never blocks."""
        with self._lock:
            self._cancel_requested = True
            token = self._token
        if token is not None:
            token.cancel()

    @property
    def cancelled(self) -> bool:
        """True once ``cancel()`` was called, whether or not the work has noticed yet."""
        with self._lock:
            return self._cancel_requested

    @property
    def running(self) -> bool:
        """True while the worker is still executing ``work`` or sending its outcome."""
        return not self._ended.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the worker is done with the task; True if it was within ``timeout``
        seconds."""
        return self._ended.wait(timeout)

    def _make_token(self) -> CancelToken:
        """Create the token on the worker thread, honouring a cancel that came earlier."""
        token = CancelToken()
        with self._lock:
            self._token = token
            if self._cancel_requested:
                token.cancel()
        return token


class _Outcome:
    """What a worker reports: its return value, or the exception it raised.

    This and ``_Pending`` are plain classes: only made and read here, they need none of the
    methods a dataclass generates, which Python 3.11 compiles from source as this module loads,
    before the window's first frame (see benchmarks/README.md, "tenth look")."""

    __slots__ = ("error", "value")

    def __init__(self, value: Any = None, error: BaseException | None = None) -> None:
        self.value = value
        self.error = error


class _Relay(QObject):
    """Carries one task's words and outcome from its worker to the UI thread through queued
    signals (in the order sent: all words come before the outcome).

    It has no Qt parent and the worker keeps a Python reference to it until it has emitted, so
    the C++ object can never be deleted under a running worker (e.g. when the window goes away).
    Its last act is ``deleteLater()``, called by the worker right after emitting: that hands the
    object to Qt, which destroys it on the UI thread (its own) at the next turn of the event
    loop. Neither ``_deliver`` nor ``shutdown`` deletes it: a worker may still be inside
    ``emit`` then. Nothing else may decide when it goes: a Python reference dropped on a worker
    thread, or the garbage collector running on any thread, would destroy it off its own
    thread, which can hang the program in ``QObject::~QObject``.
    """

    progressed = Signal(object, str)  # (TaskHandle, words), only for work given on_progress
    finished = Signal(object, object)  # (TaskHandle, _Outcome)


class _Pending(Generic[T]):
    """A task started and not yet delivered: where its outcome goes, on the UI thread."""

    __slots__ = ("on_cancelled", "on_done", "on_error", "on_progress", "owner", "relay")

    def __init__(
        self,
        relay: _Relay,
        on_done: Callable[[T], None] | None,
        on_error: Callable[[BaseException], None] | None,
        on_cancelled: Callable[[], None] | None,
        on_progress: Tell | None,
        owner: QObject | None,
    ) -> None:
        self.relay = relay
        self.on_done = on_done
        self.on_error = on_error
        self.on_cancelled = on_cancelled
        self.on_progress = on_progress
        self.owner = owner


class TaskRunner(QObject):
    """Starts background tasks for one window (or dialog) and delivers their outcomes to it.

    Outcome rules, applied on the UI thread:

    * the work returned and the task was not cancelled: ``on_done(value)``;
    * the task was cancelled (before or during the work): ``on_cancelled()``, whatever the work
      returned or raised, because the person has already moved on;
    * the work raised: ``on_error(exception)``; without ``on_error`` the error is logged.

    What the work tells goes to ``on_progress`` while the task is neither cancelled nor
    finished. Nothing is delivered after ``shutdown()`` or after ``owner`` (if given) was
    deleted.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: dict[TaskHandle, _Pending[Any]] = {}
        self._closed = False
        self._workers = _Workers()
        # A runner deleted without shutdown() (a dialog's, a panel's) lets its kept workers go.
        self.destroyed.connect(self._workers.close)

    @overload
    def run(
        self,
        work: Callable[[CancelToken], T],
        *,
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        on_progress: None = None,
        owner: QObject | None = None,
        name: str = "task",
    ) -> TaskHandle: ...

    @overload
    def run(
        self,
        work: Callable[[CancelToken, Tell], T],
        *,
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        on_progress: Tell,
        owner: QObject | None = None,
        name: str = "task",
    ) -> TaskHandle: ...

    def run(
        self,
        work: Callable[..., T],
        *,
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        on_progress: Tell | None = None,
        owner: QObject | None = None,
        name: str = "task",
    ) -> TaskHandle:
        """Start ``work(cancel_token)`` on a worker thread and return its handle at once; with
        ``on_progress``, ``work(cancel_token, tell)``."""
        if self._closed:
            raise RuntimeError("This window is closing; no new background work can start.")
        handle = TaskHandle(name)
        relay = _Relay()
        queued = QtCore.Qt.ConnectionType.QueuedConnection
        relay.finished.connect(self._deliver, queued)
        tell = None
        if on_progress is not None:
            relay.progressed.connect(self._deliver_progress, queued)
            tell = _teller(handle, relay)
        self._pending[handle] = _Pending(relay, on_done, on_error, on_cancelled, on_progress, owner)
        if owner is not None:
            # A dialog closed mid-check should stop its request, not just ignore the answer.
            owner.destroyed.connect(handle.cancel)

        self._workers.submit(
            _Task(f"kombo-task-{name}-{next(_task_numbers)}", work, handle, relay, tell)
        )
        return handle

    @property
    def active(self) -> list[TaskHandle]:
        """Tasks whose outcome has not been delivered yet."""
        return list(self._pending)

    def cancel_all(self) -> None:
        """Ask every task to stop; their ``on_cancelled`` callbacks follow on the UI thread."""
        for handle in list(self._pending):
            handle.cancel()

    def shutdown(self, timeout: float = 3.0) -> bool:
        """Cancel everything, drop all callbacks, and wait up to ``timeout`` seconds in total.

        Returns True when every worker ended in time. A worker that did not (a network call that
        ignores cancellation) is a daemon thread: it is abandoned and cannot block exit.
        """
        self._closed = True
        self._workers.close()
        handles = list(self._pending)
        self._pending.clear()
        for handle in handles:
            handle.cancel()
        deadline = time.monotonic() + timeout
        all_ended = True
        for handle in handles:
            if not handle.wait(max(0.0, deadline - time.monotonic())):
                _log.warning("background task %s did not stop in time; abandoning it", handle.name)
                all_ended = False
        return all_ended

    @Slot(object, str)
    def _deliver_progress(self, handle: TaskHandle, words: str) -> None:
        pending = self._pending.get(handle)
        if pending is None or self._closed or handle.cancelled or pending.on_progress is None:
            return  # finished, shut down, or the person moved on: the words are stale
        if pending.owner is not None and not shiboken6.isValid(pending.owner):
            return  # the widget that asked is gone
        pending.on_progress(words)

    @Slot(object, object)
    def _deliver(self, handle: TaskHandle, outcome: _Outcome) -> None:
        pending = self._pending.pop(handle, None)
        if pending is None or self._closed:
            return  # shut down, or already delivered
        if pending.owner is not None:
            if not shiboken6.isValid(pending.owner):
                return  # the widget that asked is gone
            pending.owner.destroyed.disconnect(handle.cancel)
        if handle.cancelled:
            if pending.on_cancelled is not None:
                pending.on_cancelled()
        elif outcome.error is None:
            if pending.on_done is not None:
                pending.on_done(outcome.value)
        elif pending.on_error is not None:
            pending.on_error(outcome.error)
        else:
            _log.error("background task %s failed", handle.name, exc_info=outcome.error)


def quiet_failure(what: str) -> Callable[[BaseException], None]:
    """An ``on_error`` for background work the window can do without (the warm-up, the tool
    list's refresh, an integration's details): Kombo or the network failing is logged in one
    line, since the person loses nothing they asked for; any other exception is a bug, and is
    reported like an uncaught one (the crash handler's dialog, and the stack in the log)
    instead of leaving a feature silently dead."""

    def failed(error: BaseException) -> None:
        from kombo_desktop.core.errors import KomboError

        if isinstance(error, KomboError | OSError):
            _log.warning("%s failed: %s", what, error)
        else:
            sys.excepthook(type(error), error, error.__traceback__)

    return failed


def _perform(work: Callable[..., Any], handle: TaskHandle, tell: Tell | None) -> _Outcome:
    """Run ``work`` and capture how it ended.

    The exception is caught here rather than in ``_work_on_thread`` so that its traceback
    starts in this frame, which holds only ``work``, ``handle`` and ``tell``: not the outcome
    (which holds the exception: a reference cycle only the garbage collector could break) and
    not the relay itself (``tell`` holds it only weakly, see ``_teller``). The traceback stays
    whole for the crash dialog and the log.
    """
    try:
        token = handle._make_token()
        return _Outcome(value=work(token) if tell is None else work(token, tell))
    except BaseException as error:
        return _Outcome(error=error)


def _teller(handle: TaskHandle, relay: _Relay) -> Tell:
    """What work given ``on_progress`` calls with its words, on its worker thread.

    It reaches the relay through a weak reference: a ``tell`` the work keeps (in a traceback,
    say) must not keep the relay, whose end only Qt decides (see ``_Relay``). Words told after
    the outcome are dropped: by the runner, which has delivered it, or here once the relay is
    gone.
    """
    relay_ref = weakref.ref(relay)

    def tell(words: str) -> None:
        live = relay_ref()
        if live is not None and shiboken6.isValid(live):
            live.progressed.emit(handle, words)

    return tell


class _Task:
    """One task handed to a worker: the name its thread bears while running it, and what
    ``_work_on_thread`` is called with."""

    __slots__ = ("handle", "relay", "tell", "thread_name", "work")

    def __init__(
        self,
        thread_name: str,
        work: Callable[..., Any],
        handle: TaskHandle,
        relay: _Relay,
        tell: Tell | None,
    ) -> None:
        self.thread_name = thread_name
        self.work = work
        self.handle = handle
        self.relay = relay
        self.tell = tell


class _Workers:
    """One runner's worker threads, kept between tasks.

    Starting a thread holds the window's thread until the new one runs: 1.2 ms on a quiet
    machine, up to 4 ms under load, at every click (see benchmarks/README.md, "Click to link
    shown"). A worker kept waiting on a queue takes the next task for the cost of a put. A
    worker is started only when none is idle, so there are about as many as the most tasks
    that ever ran at once. While it runs a task a worker bears the task's name,
    ``kombo-task-<name>-<n>``, as a thread started for it did; idle, ``IDLE_WORKER_NAME``.

    ``close()`` lets the idle ones end at once and the busy ones after their task, so that
    closing the window leaves no thread behind. They are daemon threads: one stuck on a dead
    network never keeps the program from quitting.
    """

    def __init__(self) -> None:
        # A deque and a condition rather than ``queue.SimpleQueue``: the ``queue`` module is
        # not loaded yet when the window starts, and the start-up path counts every import.
        self._wakeup = threading.Condition(threading.Lock())
        self._waiting: collections.deque[_Task] = collections.deque()
        self._idle = 0  # workers waiting for a task, not yet promised one
        self._closed = False

    def submit(self, task: _Task) -> None:
        """Hand ``task`` to an idle worker, or to a new one when none is idle."""
        with self._wakeup:
            if self._idle:
                self._idle -= 1
                self._waiting.append(task)
                self._wakeup.notify()
                return
        # The first task travels in a list the worker empties: as the thread's argument itself,
        # the thread would keep it (its work, its relay) for as long as it lives.
        first = [task]
        threading.Thread(
            target=self._serve, args=(first,), name=task.thread_name, daemon=True
        ).start()

    def close(self) -> None:
        """Let every worker go: idle ones now, busy ones once their task is done."""
        with self._wakeup:
            self._closed = True
            self._wakeup.notify_all()

    def _serve(self, first: list[_Task]) -> None:
        """A worker's life: run tasks until the runner closes."""
        me = threading.current_thread()
        task: _Task | None = first.pop()
        while task is not None:
            handle = task.handle
            me.name = task.thread_name
            stays = False
            try:
                _work_on_thread(task.work, handle, task.relay, task.tell)
                del task  # its work and relay go now, as with a thread started for it
                me.name = IDLE_WORKER_NAME
                stays = self._become_idle()
            finally:
                # Said last: once a task has ended, its worker is free for the next one.
                handle._ended.set()
            del handle
            if not stays:
                return
            task = self._next_task()

    def _become_idle(self) -> bool:
        """Count the calling worker among the idle ones; False once the runner has closed, and
        the worker ends instead."""
        with self._wakeup:
            if self._closed:
                return False
            self._idle += 1
            return True

    def _next_task(self) -> _Task | None:
        """Wait for a task; None once the runner has closed. A task handed over just before
        the close is still run, by whichever worker wakes first."""
        with self._wakeup:
            while not self._waiting:
                if self._closed:
                    return None
                self._wakeup.wait()
            return self._waiting.popleft()


def _work_on_thread(
    work: Callable[..., Any], handle: TaskHandle, relay: _Relay, tell: Tell | None
) -> None:
    """One task on its worker: do the work, send the outcome, let go of everything."""
    outcome = _perform(work, handle, tell)
    try:
        relay.finished.emit(handle, outcome)
        # The relay's last use: Qt now owns it and destroys it on the UI thread (see _Relay).
        relay.deleteLater()
    except RuntimeError:  # the application is already gone; nobody is listening
        _log.debug("task %s finished after the application quit", handle.name)
    # The UI thread holds the outcome from here on (in the queued call), until it is delivered.
    del outcome, relay
