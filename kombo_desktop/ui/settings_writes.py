"""The window's changes to its settings file, written on worker threads one after the other.

``settings.json`` is written safely: flushed to the disk before it replaces the old file. On
a disk slow to confirm a write (0.3 s on some laptops, seconds for a home folder on a network
share) a write made on the window's thread froze the window that long. So every change the
window makes to its settings goes through here: Settings' changes of profiles
(``settings_book``) and the language and category a link was made with (``link_making``).
Each is written by a worker of the window's task runner, one at a time, in the order asked,
reading the file as the one before left it (``SettingsStore.update``), so a later change is
never undone by an earlier one written after it.

What follows a write (the dialog showing it, the window taking the settings as saved) runs on
the UI thread once it is written, as a *step* (:meth:`SettingsWrites.when_saved`): whatever
the person does meanwhile waits for it too, and starts from the settings as saved. The window,
closing, waits a while for the write under way and for what waited its turn, in order
(:meth:`SettingsWrites.wait_before_closing`).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast

from shiboken6 import isValid

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

    from kombo_desktop.ui.tasks import TaskHandle, TaskRunner

_log = logging.getLogger(__name__)
_Result = TypeVar("_Result")
# A step waiting its turn, and who asked for it (Settings; None: the window).
_Step = tuple[Callable[[], object], "QObject | None"]

# The most the window, closing, waits for a change being written: written on a home folder
# on a network share over a VPN, it takes seconds; cut off, the change was lost.
SETTINGS_CLOSE_WAIT_SECONDS = 10.0


class SettingsWrites:
    """One window's writes to its settings file, in order, each on a worker of ``tasks``."""

    def __init__(self, tasks: TaskRunner) -> None:
        self._tasks = tasks
        self._writing: TaskHandle | None = None  # the change being written now
        self._writing_for: QObject | None = None  # who asked for it (see ``saving_for``)
        self._waiting: deque[_Step] = deque()  # what waits for it, in order, and who asked
        # Set while a step runs (see ``when_saved``): what it starts goes next, in order.
        self._started_by_step: list[_Step] | None = None
        # Runs what follows the write under way, once it ended: the window closing does it
        # itself, the worker's outcome no longer delivered (see wait_before_closing).
        self._finish_writing: Callable[[], None] | None = None
        self._watchers: list[tuple[Callable[[bool], object], QObject]] = []  # see ``watch``
        # The window closing: by when its waits for the settings end, one deadline for all
        # who wait (Settings, the form's choices), and whether it passed (see wait_before_closing).
        self._closing_deadline: float | None = None
        self._gave_up = False

    @property
    def saving(self) -> bool:
        """True while a change is being written, or something waits for one to be."""
        return self._writing is not None or bool(self._waiting)

    @property
    def writing(self) -> bool:
        """True while a change is being written on a worker."""
        return self._writing is not None

    def saving_for(self, asker: QObject) -> bool:
        """True while a change ``asker`` asked for is being written, or something it asked
        for waits its turn. Settings greys out and waits to close only for its own changes:
        the form's choices being written as it opened, it said "Saving…" and "Closing once
        your changes are saved…" to someone who had changed nothing."""
        if self._writing is not None and self._writing_for is asker:
            return True
        started = self._started_by_step or []
        return any(by is asker for _step, by in (*self._waiting, *started))

    def holds_back(self, asker: QObject) -> bool:
        """True while a change is being written and ``asker``'s waits for it (or is it)."""
        return self._writing is not None and self.saving_for(asker)

    def watch(self, told: Callable[[bool], object], owner: QObject) -> None:
        """Call ``told(holding)`` whenever a write begins or ends, or ``owner`` asks for
        something while one is written, before what follows, until ``owner`` is gone;
        ``holding``: :meth:`holds_back` ``owner``. Settings holds back what a click would do
        on the settings as they were (``settings_saving``)."""
        self._watchers.append((told, owner))

    def _tell(self) -> None:
        self._watchers = [(told, owner) for told, owner in self._watchers if isValid(owner)]
        for told, owner in list(self._watchers):
            told(self.holds_back(owner))

    def when_saved(self, step: Callable[[], object], asker: QObject | None = None) -> None:
        """Run ``step`` (on the UI thread) once the changes asked for before it are written:
        at once when none is. What the person does while a change is written (another
        profile chosen, a button pressed) then starts from the settings as saved, not from
        what was shown before, and in the order they did it.

        What a step asks for itself (a change, the step after it) comes right after it,
        before anything that was waiting already: a click's whole work is done before the
        next click's begins.

        ``asker``: who asked for it (Settings), see :meth:`saving_for`."""
        if self._started_by_step is not None:
            self._started_by_step.append((step, asker))
            return
        self._waiting.append((step, asker))
        if asker is not None and self._writing is not None:
            self._tell()  # it waits for another's write: held back meanwhile
        self._go_on()

    def write(
        self,
        work: Callable[[], _Result],
        *,
        written: Callable[[_Result], object],
        failed: Callable[[BaseException], object],
        owner: QObject | None = None,
    ) -> None:
        """Run ``work`` (which reads the settings file and writes it) on a worker once the
        changes asked for before it are written; then ``written(result)`` or
        ``failed(error)`` as a step, unless ``owner`` is gone by then. What follows goes on
        either way, also when the window closes before its turn came (see
        :meth:`wait_before_closing`)."""
        self.when_saved(lambda: self._start(work, written, failed, owner), owner)

    def wait_for_write(self, seconds: float) -> bool:
        """Wait, ``seconds`` at most, for the change being written (the window closing);
        True when none is being written any longer. What would follow it is not done."""
        writing = self._writing
        return writing is None or writing.wait(seconds)

    @property
    def window_closing(self) -> bool:
        """True once the window began closing (:meth:`wait_before_closing`): what waited for a
        write is done now as the window goes, with no one left to answer a question (one
        asked then popped up over a window going away and held up its closing)."""
        return self._closing_deadline is not None

    @property
    def worth_waiting_for(self) -> bool:
        """A change is still being written on a worker, or something waits for its turn:
        the window, closing, waits for them (:meth:`wait_before_closing`)."""
        if self._gave_up:  # waited for already, as long as the window waits
            return False
        writing = self._writing
        return (writing is not None and writing.running) or bool(self._waiting)

    def wait_before_closing(self) -> None:
        """The window is closing: wait for the change being written, then do what waited for
        its turn, in order (Settings' changes, the form's choices), each write on a worker
        as before, here waited for: the program ends next, and they were lost. A change made
        in Settings behind the form's choices was dropped at closing while the choices were
        kept.

        ``SETTINGS_CLOSE_WAIT_SECONDS`` at most in all, from the first call on: Settings and
        the form's choices each waited that long for the same write, one after the other,
        and a write that hung froze the closing window twice as long. What is left when the
        time is up is not written."""
        if self._closing_deadline is None:
            self._closing_deadline = time.monotonic() + SETTINGS_CLOSE_WAIT_SECONDS
        while not self._gave_up:
            if self._writing is not None:
                left = max(0.0, self._closing_deadline - time.monotonic())
                finish = self._finish_writing
                if not self.wait_for_write(left) or finish is None:
                    self._give_up()
                    return
                self._at_closing(finish)  # its follow-up now: the window hears of it no more
            elif self._waiting:
                self._at_closing(self._go_on)
            else:
                return

    def _at_closing(self, do: Callable[[], object]) -> None:
        """Do ``do`` as the window closes: a mistake in what follows a change is logged and
        does not stop the window from closing, nor what waits from being written."""
        try:
            do()
        except Exception:
            _log.exception("What follows a change of the settings failed as the window closed")
            self._started_by_step = None

    def _give_up(self) -> None:
        self._gave_up = True
        self._waiting.clear()
        _log.warning("The settings were still being written as the window closed")

    # -- in order --------------------------------------------------------------------------------

    def _go_on(self) -> None:
        while self._writing is None and self._waiting and self._started_by_step is None:
            self._run_step(self._waiting.popleft()[0])

    def _run_step(self, step: Callable[[], object]) -> None:
        started: list[_Step] = []
        self._started_by_step = started
        try:
            step()
        finally:
            self._started_by_step = None
            self._waiting.extendleft(reversed(started))

    def _start(
        self,
        work: Callable[[], _Result],
        written: Callable[[_Result], object],
        failed: Callable[[BaseException], object],
        owner: QObject | None,
    ) -> None:
        """Start ``work`` on a worker: a step, run with nothing being written."""
        outcome: list[tuple[bool, object]] = []  # how the work ended, kept for closing

        def on_worker() -> _Result:
            try:
                result = work()
            except BaseException as error:
                outcome.append((False, error))
                raise
            outcome.append((True, result))
            return result

        def then(step: Callable[[], object]) -> None:
            if self._finish_writing is not finish:  # done already (the window closing)
                return
            self._writing = self._writing_for = None
            self._finish_writing = None
            try:
                self._tell()
                if owner is None or isValid(owner):
                    self._run_step(step)
            finally:  # what waits is not held up by a mistake in what followed this change
                self._go_on()

        def finish() -> None:
            ended, value = outcome[0] if outcome else (False, RuntimeError("not ended"))
            if ended:
                then(lambda: written(cast(_Result, value)))
            else:
                then(lambda: failed(cast(BaseException, value)))

        def dropped() -> None:  # the window is closing: nothing more is done here
            if self._finish_writing is not finish:
                return
            self._writing = self._writing_for = None
            self._finish_writing = None
            self._waiting.clear()
            self._tell()

        try:
            # No owner for the task: what waits for this write goes on when it ends, even
            # once the dialog that asked for it is gone.
            self._writing = self._tasks.run(
                lambda _cancel: on_worker(),
                on_done=lambda result: then(lambda: written(result)),
                on_error=lambda error: then(lambda: failed(error)),
                on_cancelled=dropped,
                name="settings",
            )
        except RuntimeError:  # the window is closing
            self._waiting.clear()
            return
        self._finish_writing = finish
        self._writing_for = owner
        self._tell()
