"""The window's link history database: opened in the background, and the links made meanwhile.

Why a module of its own: this is the one part of the history that runs on two threads and can
outlive the window. A large or old history file takes a while to open (a few seconds to upgrade
100,000 links once; longer on a slow disk, or when another program holds it), so start-up opens
it on a worker thread right after the first frame. Meanwhile:

* a click that needs the history (Create's duplicate check, the History button) goes on once
  it is open, or a second later at most (``OPENING_WAIT_SECONDS``) without it, saying why
  (:class:`HistoryNotReadyError`); the window is not made to wait meanwhile: the worker's word
  that the history is open reaches the UI thread through the task runner's queued signal,
  and a timer ends the wait (``when_ready``). Nothing here waits on the UI thread;
* a change the history must follow (a renamed profile) is made once it is open, however
  long that takes, and a wait for the links saved goes on then (``when_open``);
* a link made is handed to it once it is open, and saved on a worker thread
  (``history_waiting``), without making the window wait; closing
  the window gives the opening a few seconds more to finish (``wait_for_opening``, see
  ``history_closing``), then saves it, as the history is the only record of the links handed
  out. Still not open by then, the person closing the window is asked first; closed all the
  same, the opening saves it itself when it is done, unless the program has exited by then.

:class:`BackgroundHistory` is all the window's history (``history_feature``) sees of this. It
needs none of the window's widgets. Nothing here imports ``sqlite3`` or the core history at
import time: this module is loaded with the window, the database only after its first frame.
"""

from __future__ import annotations

import itertools
import logging
import threading
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QTimer

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from kombo_desktop.core.history import HistoryStore
    from kombo_desktop.ui.tasks import TaskRunner

    # Hands a link just made to the store given (``HistoryStore.queue_request``), which keeps
    # it to be written. Runs on the UI thread, or on the opening's worker thread once the
    # window has closed: it uses only the store (thread-safe) and what the window knew when
    # the link was made.
    PendingSave = Callable[[HistoryStore], None]

    # Told of a link made while the history was being opened, once it is handed to the store,
    # with whether it is on the screen: the window has it written on a worker thread, and
    # says why if the file cannot take it yet (``history_waiting``).
    Queued = Callable[[bool], None]

_log = logging.getLogger(__name__)

# The most a click waits for the history being opened on its worker thread (the window stays
# usable meanwhile, see ``BackgroundHistory.when_ready``). Opening takes milliseconds, a few
# seconds to upgrade 100,000 links once; a file another program holds locked takes the store's
# two busy waits (two seconds) before it is read without the lock, and a slow disk longer
# still: the click goes on without the history then, and says why.
OPENING_WAIT_SECONDS = 1.0
# Said while the history is still being opened, so it cannot yet be known whether it will
# have to be kept in memory: a restart helps only then (the note opening shows says so), and
# restarting while links wait to be saved loses them (``history_waiting``).
HISTORY_IN_USE = (
    "Another program is using the link history file (a database tool, or a second copy of "
    "Kombo Desktop). Close that program and keep this one open: the history is used as soon "
    "as that program lets go. Restart Kombo Desktop only if a note says links will be "
    "forgotten."
)
HISTORY_STILL_OPENING = "The link history is still being opened. Try again in a moment."
NOT_SAVED_WHILE_OPENING = (
    "A link made while the history was being opened could not be saved in it, so the "
    "duplicate warning will not know about it."
)


class _PendingLink(NamedTuple):
    """A link made while the history was being opened, to be saved once it is."""

    save: PendingSave
    shown: bool  # on the screen (else kept off it for details typed meanwhile)


class HistoryNotReadyError(RuntimeError):
    """The history is still being opened: ``str()`` says why in plain words,
    ``held_by_another_program`` which of the two reasons it is.

    A RuntimeError, as is using the history after it was closed: code that goes on without the
    history when it cannot be used (catching ``HistoryError`` and ``RuntimeError``) goes on
    without it here too.
    """

    def __init__(self, *, held_by_another_program: bool) -> None:
        super().__init__(HISTORY_IN_USE if held_by_another_program else HISTORY_STILL_OPENING)
        self.held_by_another_program = held_by_another_program


def _save_pending(
    store: HistoryStore, saves: list[_PendingLink], queued: Queued | None = None
) -> int:
    """Hand the links made while the history was being opened to ``store``, now that it is
    open; returns how many could not be handed over (each is logged).

    The store keeps them and the duplicate check knows them; ``queued`` is told of each (the
    window then has it written on a worker thread); without it (the window has closed)
    closing the store writes them."""
    from kombo_desktop.core.history import HistoryError

    failed = 0
    for pending in saves:
        try:
            pending.save(store)
        except (HistoryError, RuntimeError) as error:
            _log.warning("Recording a link in the history failed: %s", error)
            failed += 1
            continue
        if queued is not None:
            queued(pending.shown)
    return failed


def _save_then_close(store: HistoryStore, saves: list[_PendingLink]) -> None:
    """Save the links made while the history was being opened, then close it: they are
    handed to the store, and closing it writes them. The window has closed, so nobody is left
    to tell of a failure but the log."""
    _save_pending(store, saves)
    if saves and store.in_memory:
        _log.warning("%d link(s) made while the history was opened kept in memory", len(saves))
    store.close()


class _Opening:
    """The history database being opened on a worker thread (``open``); ``result`` hands it to
    the UI thread once it is, without waiting. A window closed meanwhile has it closed once it
    is open, after the links made meanwhile are saved in it."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._store: HistoryStore | None = None
        self._error: BaseException | None = None
        self._close_when_open = False
        self._saves_before_closing: list[_PendingLink] = []

    def open(self, path: Path) -> None:
        from kombo_desktop.core.history import HistoryStore

        try:
            store = HistoryStore(path)
        except BaseException as error:
            with self._lock:
                self._error, lost = error, self._saves_before_closing
            self._done.set()
            if lost:
                _log.warning("%d link(s) made while the history was opened are lost", len(lost))
            raise
        with self._lock:
            self._store, close = store, self._close_when_open
            saves, self._saves_before_closing = self._saves_before_closing, []
        self._done.set()
        if close:
            _save_then_close(store, saves)

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for the opening to end (opened or failed); True if it has."""
        return self._done.wait(seconds)

    def result(self) -> HistoryStore | None:
        """The opened history, or None while it is still being opened (it is not waited for)."""
        if not self._done.is_set():
            return None
        if self._error is not None:
            raise self._error
        assert self._store is not None
        return self._store

    def close_when_open(self, saves: list[_PendingLink]) -> None:
        """Save ``saves`` and close the database now if it is open (and unused), else as soon
        as it is (on the worker thread: the window's callback is not run after closing)."""
        with self._lock:
            store, self._close_when_open = self._store, self._store is None
            failed = self._error is not None
            if store is None and not failed:
                self._saves_before_closing.extend(saves)
        if store is not None:
            _save_then_close(store, saves)
        elif failed and saves:
            _log.warning("%d link(s) made while the history was opened are lost", len(saves))
        elif saves:
            _log.warning(
                "The history is still being opened at closing: %d link(s) made meanwhile are "
                "saved if it opens before the program exits",
                len(saves),
            )


class BackgroundHistory:
    """One window's history database: opened on a worker thread at start-up
    (``open_in_background``), or at once when something needs it sooner (``store``); what
    needs it while it is being opened goes on once it is (``when_ready``), and a link made
    meanwhile is saved then (``save``). ``close()`` with the window.

    ``show_note`` tells the person what opening found (a file set aside, a history kept in
    memory) and of a link made meanwhile that could not be saved; ``queued`` of each link made
    meanwhile once it is handed to the store, to be written on a worker thread.
    """

    def __init__(
        self,
        path: Path,
        show_note: Callable[[str], None],
        queued: Queued | None = None,
    ) -> None:
        self._path = path
        self._show_note = show_note
        self._queued = queued
        self._store: HistoryStore | None = None
        self._opening: _Opening | None = None  # the database, opened on a worker thread
        # What goes on once it is open (``when_ready``), and the timer that ends their wait
        # (made with the opening, owned by the window's task runner).
        self._waiting: dict[int, Callable[[], None]] = {}
        self._waiting_numbers = itertools.count()
        self._wait_limit: QTimer | None = None
        self._waited_in_vain = False  # a wait reached its limit: later clicks do not wait
        self._unsaved: list[_PendingLink] = []  # links made while it was being opened
        self._when_open: list[Callable[[], None]] = []  # what waits for it (``when_open``)
        self._opening_word_taken = False  # the worker's word that it ended came (``_opened``)
        self._closed = False

    @property
    def store(self) -> HistoryStore:
        """The history database, opened now if the start-up step has not done so yet.

        A link can be requested before that step runs (a very quick click, or a window that
        is never shown, as in the self-test); the duplicate check then opens it here. While
        the worker is still opening it, this never waits: it raises :class:`HistoryNotReadyError`
        with the reason (another program holds the file, or it is still being opened). What
        should rather wait for it asks ``when_ready`` first. Raises RuntimeError after
        ``close()``.
        """
        if self._store is None:
            if self._closed:
                raise RuntimeError("the link history is closed")
            if self._opening is not None:
                store = self._opening.result()
                if store is None:
                    raise self._not_ready()
                self._store, self._opening = store, None
            else:
                from kombo_desktop.core.history import HistoryStore

                self._store = HistoryStore(self._path)
            if self._store.problem:
                self._show_note(self._store.problem)
            unsaved, self._unsaved = self._unsaved, []
            if _save_pending(self._store, unsaved, self._queued):
                self._show_note(NOT_SAVED_WHILE_OPENING)
        return self._store

    def _not_ready(self) -> HistoryNotReadyError:
        """Why the history, still being opened, cannot be used (asked at once, without waiting
        for the file's lock)."""
        from kombo_desktop.core.history import held_by_another_program

        return HistoryNotReadyError(held_by_another_program=held_by_another_program(self._path))

    @property
    def is_open(self) -> bool:
        """Whether the database is open (the start-up step opens it in the background)."""
        return self._store is not None

    @property
    def still_opening(self) -> bool:
        return self._store is None and self._opening is not None and not self._opening.done

    @property
    def links_waiting_for_opening(self) -> int:
        """How many links made while the history is being opened wait for it to be saved:
        closing the window now would leave them to the opening's worker thread, which the
        program's exit ends."""
        return len(self._unsaved) if self.still_opening else 0

    def wait_for_opening(self, seconds: float) -> bool:
        """Wait on the UI thread, ``seconds`` at most, for the history being opened: for
        closing only, which must save the links made meanwhile before the program exits (the
        window says why it waits). True once the opening has ended (``close`` then saves
        them), or when nothing is being opened."""
        if self._opening is None or not self.still_opening:
            return True
        return self._opening.wait(seconds)

    def held_by_another_program(self) -> bool:
        """Whether the history being opened is held by another program (asked at once)."""
        return self.still_opening and self._not_ready().held_by_another_program

    @property
    def worth_waiting_for(self) -> bool:
        """Whether a click that needs the history should wait for it (``when_ready``): it is
        still being opened, and no wait for it has reached its limit yet. After one has,
        clicks go on without it at once until it is open, each saying why."""
        return self.still_opening and not self._waited_in_vain

    def when_ready(self, then: Callable[[], None]) -> Callable[[], None]:
        """Call ``then`` on the UI thread once the history is open, or once
        ``OPENING_WAIT_SECONDS`` have passed without it, whichever comes first (``store``
        then says why it cannot be used); at once unless ``worth_waiting_for``. Never waits:
        the window goes on meanwhile.

        Returns what calls the wait off (Cancel): ``then`` is not called after it, nor after
        ``close()``. A wait started while another runs ends with it, at the first one's limit.
        """
        if not self.worth_waiting_for:
            then()
            return _nothing_to_call_off
        assert self._wait_limit is not None  # made with the opening
        number = next(self._waiting_numbers)
        self._waiting[number] = then
        if not self._wait_limit.isActive():
            self._wait_limit.start(round(OPENING_WAIT_SECONDS * 1000))

        def call_off() -> None:
            self._waiting.pop(number, None)
            if not self._waiting and self._wait_limit is not None:
                self._wait_limit.stop()

        return call_off

    def when_open(self, then: Callable[[], None]) -> None:
        """Call ``then`` on the UI thread once the history is open and the links made meanwhile
        are handed to it, however long that takes (at once if it is not being opened): for a
        change the history must follow (a renamed profile), which, unlike a click, nobody
        waits for and must not be dropped, and for a wait for the links saved
        (``HistoryFeature.when_saved``). An opening the worker has just ended still counts:
        until its word reaches the UI thread (``_opened``), the links wait in ``_unsaved``.
        Not called after ``close()``: what still waits then is logged."""
        if self._waiting_for_the_opening_word:
            self._when_open.append(then)
            return
        then()

    @property
    def _waiting_for_the_opening_word(self) -> bool:
        """An opening runs, or has ended on its worker with its word still on the way, and
        nothing has taken its outcome yet (``store`` takes it sooner where a click needs it)."""
        return (
            self._store is None
            and self._opening is not None
            and not self._opening_word_taken
            and not self._closed
        )

    def _waited_long_enough(self) -> None:
        """The wait's limit: what waited goes on, with the history if the worker opened it
        just now (its word is still on its way: ``store`` takes it), else without it."""
        if self.still_opening:
            self._waited_in_vain = True
        self._stop_waiting()

    def _stop_waiting(self) -> None:
        """Let what waited for the history go on, in the order it came."""
        if self._wait_limit is not None:
            self._wait_limit.stop()
        waiting, self._waiting = self._waiting, {}
        for then in waiting.values():
            then()

    @property
    def in_memory(self) -> bool:
        """True when the history is open in memory (its file could not be used): the links
        saved in it are forgotten when the program closes."""
        return self._store is not None and self._store.in_memory

    def open_in_background(self, runner: TaskRunner) -> None:
        """Open the history on a worker thread: a large file, or one a newer version of the
        program must upgrade first (a few seconds for 100,000 links), must not freeze the window."""
        if self._closed or self._store is not None or self._opening is not None:
            return
        opening = _Opening()
        path = self._path
        self._opening = opening
        self._wait_limit = QTimer(runner)  # goes with the window's runner, never fires after it
        self._wait_limit.setSingleShot(True)
        self._wait_limit.timeout.connect(self._waited_long_enough)
        runner.run(
            lambda _token: opening.open(path),
            on_done=lambda _none: self._opened(),
            on_error=self._opened,
            name="history-open",
        )

    def _opened(self, _error: object = None) -> None:
        """Take the history opened on the worker thread into use (or raise its error), then
        let what waited for it go on. Delivered on the UI thread by the task runner."""
        if self._closed:
            return
        self._opening_word_taken = True
        try:
            _ = self.store
        finally:
            changes, self._when_open = self._when_open, []
            for change in changes:
                change()
            self._stop_waiting()

    def save(self, save: PendingSave, *, shown: bool = True) -> bool:
        """Hand a link just made to the store (``save`` does, writing nothing): now (True),
        or once the history is open if it is still being opened (False; ``queued`` is told
        then), without making the window wait. ``shown``: the link is on the screen (what the
        person is told if the file cannot take it yet)."""
        if self.still_opening:
            self._unsaved.append(_PendingLink(save, shown))
            return False
        save(self.store)
        return True

    def close(self) -> None:
        """Close the history file (after the window's background tasks have stopped).

        Links made while it was being opened are saved first: closing gave the opening its
        last moments (``wait_for_opening``), and the UI callback that would have saved them is
        dropped with the window's tasks. Still not open, the opening saves them itself when it
        is, unless the program has exited by then (the person closing the window was asked).
        """
        self._closed = True
        self._waiting.clear()  # the window is going: what waited for the history goes with it
        if self._wait_limit is not None:
            self._wait_limit.stop()
        unsaved, self._unsaved = self._unsaved, []
        if self._when_open:
            _log.warning(
                "The history was still being opened at closing: %d change(s) or wait(s) for it "
                "(a renamed profile) are dropped",
                len(self._when_open),
            )
            self._when_open.clear()
        if self._store is not None:
            self._store.close()
        if self._opening is not None:
            self._opening.close_when_open(unsaved)
        elif unsaved:  # not expected: links wait only for an opening
            _log.warning("%d link(s) made while the history was opened are lost", len(unsaved))


def _nothing_to_call_off() -> None:
    """What ``BackgroundHistory.when_ready`` returns when it did not wait."""
