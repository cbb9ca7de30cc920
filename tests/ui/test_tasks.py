"""The background-task helper: outcomes arrive on the UI thread, cancel works, close never hangs."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from pytestqt.qtbot import QtBot

from kombo_desktop.core.cancel import CancelToken
from kombo_desktop.ui.tasks import IDLE_WORKER_NAME, TaskRunner, Tell, _Outcome, _Relay


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[TaskRunner]:
    task_runner = TaskRunner()
    yield task_runner
    task_runner.shutdown(timeout=5)


def wait_for_cancel(token: CancelToken, limit: float = 5.0) -> str:
    deadline = time.monotonic() + limit
    while not token.cancelled:
        if time.monotonic() > deadline:
            raise AssertionError("the token was never cancelled")
        time.sleep(0.01)
    raise RuntimeError("stopped because cancelled")


def test_result_is_delivered_on_the_ui_thread(qtbot: QtBot, runner: TaskRunner) -> None:
    seen: list[tuple[object, str]] = []
    worker_names: list[str] = []

    def work(token: CancelToken) -> int:
        worker_names.append(threading.current_thread().name)
        assert isinstance(token, CancelToken)
        return 42

    runner.run(
        work,
        on_done=lambda value: seen.append((value, threading.current_thread().name)),
        name="answer",
    )
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [(42, threading.main_thread().name)]
    assert worker_names[0].startswith("kombo-task-answer-")
    assert runner.active == []


def test_exception_is_delivered_to_on_error(qtbot: QtBot, runner: TaskRunner) -> None:
    errors: list[BaseException] = []

    def work(token: CancelToken) -> None:
        raise ValueError("broken")

    runner.run(
        work, on_done=lambda _v: errors.append(AssertionError("done")), on_error=errors.append
    )
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ValueError)
    assert str(errors[0]) == "broken"


def test_words_told_arrive_on_the_ui_thread_before_the_outcome(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    heard: list[tuple[str, str]] = []

    def work(token: CancelToken, tell: Tell) -> str:
        tell("waiting 9 seconds")
        tell("asking again")
        return "made"

    runner.run(
        work,
        on_progress=lambda words: heard.append((words, threading.current_thread().name)),
        on_done=lambda value: heard.append((value, threading.current_thread().name)),
    )
    qtbot.waitUntil(lambda: len(heard) == 3)
    ui_thread = threading.main_thread().name
    assert heard == [
        ("waiting 9 seconds", ui_thread),
        ("asking again", ui_thread),
        ("made", ui_thread),
    ]


def test_words_told_after_cancel_are_dropped(qtbot: QtBot, runner: TaskRunner) -> None:
    heard: list[str] = []
    cancelled = threading.Event()

    def work(token: CancelToken, tell: Tell) -> None:
        assert cancelled.wait(5)
        tell("words of a request the person stopped")

    handle = runner.run(
        work, on_progress=heard.append, on_cancelled=lambda: heard.append("cancelled")
    )
    handle.cancel()
    cancelled.set()
    qtbot.waitUntil(lambda: bool(heard))
    assert heard == ["cancelled"]


def test_cancel_reaches_the_token_and_reports_cancelled(qtbot: QtBot, runner: TaskRunner) -> None:
    started = threading.Event()
    outcome: list[str] = []

    def work(token: CancelToken) -> str:
        started.set()
        return wait_for_cancel(token)

    handle = runner.run(
        work,
        on_done=lambda _v: outcome.append("done"),
        on_error=lambda _e: outcome.append("error"),
        on_cancelled=lambda: outcome.append("cancelled"),
    )
    assert started.wait(5)
    assert not handle.cancelled
    handle.cancel()
    assert handle.cancelled
    qtbot.waitUntil(lambda: bool(outcome))
    assert outcome == ["cancelled"]
    assert handle.wait(5)


def test_cancel_before_the_worker_made_its_token_still_counts(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    handle_ready = threading.Event()
    tokens: list[CancelToken] = []

    def work(token: CancelToken) -> None:
        tokens.append(token)

    # Cancel immediately: the worker may not even have created its token yet.
    handle = runner.run(work, on_cancelled=handle_ready.set)
    handle.cancel()
    qtbot.waitUntil(handle_ready.is_set)
    assert tokens and tokens[0].cancelled


def test_shutdown_cancels_waits_and_drops_callbacks(qtbot: QtBot) -> None:
    runner = TaskRunner()
    delivered: list[str] = []
    started = threading.Event()

    def work(token: CancelToken) -> str:
        started.set()
        return wait_for_cancel(token)

    handle = runner.run(
        work,
        on_done=lambda _v: delivered.append("done"),
        on_error=lambda _e: delivered.append("error"),
        on_cancelled=lambda: delivered.append("cancelled"),
    )
    assert started.wait(5)
    assert runner.shutdown(timeout=5) is True
    assert not handle.running
    qtbot.wait(100)  # let any queued signal arrive: nothing may be delivered after shutdown
    assert delivered == []
    with pytest.raises(RuntimeError):
        runner.run(lambda _t: None)


def test_shutdown_gives_up_on_a_worker_that_ignores_cancel(qtbot: QtBot) -> None:
    runner = TaskRunner()
    release = threading.Event()
    handle = runner.run(lambda _t: release.wait(10))
    try:
        assert runner.shutdown(timeout=0.2) is False
        assert handle.running
    finally:
        release.set()
        assert handle.wait(5)


def test_nothing_is_delivered_to_a_deleted_owner(qtbot: QtBot, runner: TaskRunner) -> None:
    owner = QObject()
    delivered: list[str] = []
    started = threading.Event()
    tokens: list[CancelToken] = []

    def work(token: CancelToken) -> str:
        tokens.append(token)
        started.set()
        return wait_for_cancel(token)

    handle = runner.run(
        work,
        on_done=lambda _v: delivered.append("done"),
        on_cancelled=lambda: delivered.append("cancelled"),
        owner=owner,
    )
    assert started.wait(5)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not handle.running)
    qtbot.waitUntil(lambda: runner.active == [])
    assert tokens[0].cancelled  # deleting the owner cancelled the request itself
    assert delivered == []


def _alive(kind: type) -> int:
    return sum(1 for thing in gc.get_objects() if isinstance(thing, kind))


@pytest.mark.parametrize("tells", [False, True], ids=["silent", "telling"])
def test_a_failed_task_leaves_nothing_for_the_garbage_collector(
    qtbot: QtBot, runner: TaskRunner, tells: bool
) -> None:
    """The exception's traceback must not keep the relay (a QObject) alive: whatever only the
    garbage collector frees, it frees on whichever thread it happens to run on, and a QObject
    destroyed off its own thread can hang the program. With the collector off, everything of a
    failed task must be gone once its error is delivered, except the error itself. Work that
    tells how it goes holds its ``tell`` in that traceback too."""
    errors: list[BaseException] = []

    def work(token: CancelToken) -> None:
        raise ValueError("broken")

    def telling_work(token: CancelToken, tell: Tell) -> None:
        tell("trying")
        raise ValueError("broken")

    # Relays of earlier tests' tasks still waiting for their deleteLater go first: their
    # going during this test made the count fall below the one it is compared with.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    relays_before, outcomes_before = _alive(_Relay), _alive(_Outcome)
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection finds stays in gc.garbage to be counted
    try:
        if tells:
            handle = runner.run(
                telling_work,
                on_error=errors.append,
                on_progress=lambda _words: None,
                name="failing",
            )
        else:
            handle = runner.run(work, on_error=errors.append, name="failing")
        qtbot.waitUntil(lambda: bool(errors))
        assert handle.wait(5)
        # The relay goes through deleteLater, so it is destroyed on the UI thread, soon.
        qtbot.waitUntil(lambda: _alive(_Relay) == relays_before, timeout=2000)
        assert _alive(_Outcome) == outcomes_before
        gc.collect()
        left_for_gc = [thing for thing in gc.garbage if isinstance(thing, _Relay | _Outcome)]
        assert left_for_gc == []
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    # The traceback itself is kept whole: the crash dialog and the log need it.
    (error,) = errors
    assert error.__traceback__ is not None
    assert "broken" in str(error)


@pytest.mark.parametrize("fails", [False, True])
def test_the_relay_is_destroyed_on_the_ui_thread_even_while_a_reference_remains(
    qtbot: QtBot, runner: TaskRunner, fails: bool
) -> None:
    """Qt, not the last Python reference, decides when the relay goes: on its own thread."""
    release = threading.Event()

    def work(token: CancelToken) -> str:
        release.wait(5)
        if fails:
            raise ValueError("broken")
        return "done"

    delivered: list[object] = []
    handle = runner.run(work, on_done=delivered.append, on_error=delivered.append)
    relay = runner._pending[handle].relay  # a reference that outlives the task, as a leak would
    destroyed_on: list[str] = []
    relay.destroyed.connect(
        lambda: destroyed_on.append(threading.current_thread().name),
        Qt.ConnectionType.DirectConnection,
    )
    release.set()
    qtbot.waitUntil(lambda: bool(delivered))
    assert handle.wait(5)
    qtbot.waitUntil(lambda: not shiboken6.isValid(relay), timeout=2000)
    assert destroyed_on == [threading.main_thread().name]


def test_a_next_task_runs_on_the_worker_kept_from_the_last_under_its_own_name(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    """Starting a thread holds the window's thread until the new one runs (1-4 ms of every
    click): a worker idle since the last task takes the next one instead. While it runs a
    task it bears that task's name, as a thread started for it did; between tasks, another."""
    ran_on: list[tuple[int, str]] = []

    def work(token: CancelToken) -> None:
        me = threading.current_thread()
        ran_on.append((me.ident or 0, me.name))

    first = runner.run(work, name="first")
    assert first.wait(5)
    (kept,) = [t for t in threading.enumerate() if t.ident == ran_on[0][0]]
    assert kept.name == IDLE_WORKER_NAME
    second = runner.run(work, name="second")
    assert second.wait(5)
    (first_thread, first_name), (second_thread, second_name) = ran_on
    assert second_thread == first_thread
    assert first_name.startswith("kombo-task-first-")
    assert second_name.startswith("kombo-task-second-")
    assert kept.name == IDLE_WORKER_NAME
    assert not any(t.name.startswith("kombo-task-") for t in threading.enumerate())


def test_tasks_running_at_once_each_have_a_worker(qtbot: QtBot, runner: TaskRunner) -> None:
    """A kept worker busy with a long task never holds up the next one."""
    release = threading.Event()
    busy = runner.run(lambda _token: release.wait(10), name="long")
    done: list[str] = []
    try:
        runner.run(lambda _token: "quick", on_done=done.append, name="quick")
        qtbot.waitUntil(lambda: done == ["quick"])
        assert busy.running
    finally:
        release.set()
    assert busy.wait(5)


def test_shutdown_lets_the_kept_workers_go(qtbot: QtBot) -> None:
    """Closing the window leaves no thread behind: idle workers end at once, busy ones after
    their task."""
    runner = TaskRunner()
    release = threading.Event()
    workers: list[threading.Thread] = []

    def note_worker(token: CancelToken) -> None:
        workers.append(threading.current_thread())

    def held(token: CancelToken) -> None:
        note_worker(token)
        release.wait(10)

    assert runner.run(note_worker).wait(5)
    busy = runner.run(held)
    runner.run(note_worker)  # a second worker, for the first is busy
    qtbot.waitUntil(lambda: len(workers) == 3)
    assert runner.shutdown(timeout=0.1) is False  # the held task ignores the cancel
    release.set()
    assert busy.wait(5)
    for worker in workers:
        worker.join(5)
        assert not worker.is_alive()


def test_a_runner_deleted_without_shutdown_lets_its_kept_worker_go(qtbot: QtBot) -> None:
    """A dialog's or a panel's runner goes with its widget, with no shutdown() called."""
    owner = QObject()
    runner = TaskRunner(owner)
    workers: list[threading.Thread] = []
    assert runner.run(lambda _token: workers.append(threading.current_thread())).wait(5)
    del runner
    owner.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    (worker,) = workers
    worker.join(5)
    assert not worker.is_alive()
