"""Saving the links made in the history file on a worker thread, what the person is told
when the file cannot take one yet, and trying again until it can.

Every link made is handed to the store (``HistoryStore.queue_request``: kept in memory, the
duplicate check knows it at once) and written on a worker thread (``save_new``), never on the
window's: writing waits for the disk, and for another program holding the file. Written on
the UI thread, each link froze the window a second while a database tool held the file.

A full disk, or a database tool holding the history file open with changes it has not
written, refuses every write for as long as it lasts. The store keeps such a link waiting;
this module does the window's part:

* the status line says why the link is not saved yet, in the person's terms (the disk is full,
  another program has the file open, the folder does not allow writing) and what to do, since
  each has a way out and restarting the program helps with none;
* every ``RETRY_SECONDS`` while links wait, the store tries again on a worker thread, without
  waiting for another program (a link made meanwhile waits for it a second, as usual);
* the links saved join the history panel, and the person, told they were not saved, is told
  once they are (in place of what they were told, or after the status shown since).

Closing tries once more, briefly (``HistoryStore.close``), and never holds the window up long.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

if TYPE_CHECKING:
    from pathlib import Path

    from kombo_desktop.core.cancel import CancelToken
    from kombo_desktop.core.history import HistoryEntry, WriteTrouble
    from kombo_desktop.ui.history_opening import BackgroundHistory
    from kombo_desktop.ui.main_window import MainWindow

_log = logging.getLogger(__name__)

# How often the links waiting are tried again: soon enough that a link is saved moments after
# space is freed or the other program lets go, seldom enough to cost nothing meanwhile.
RETRY_SECONDS = 3.0

HISTORY_HELD = (
    "another program is using the link history file (a database tool, or a second copy of "
    "Kombo Desktop)"
)
DISK_FULL = "the disk is full"
DISK_REFUSED = "the disk could not be written to"


def _why_and_way_out(trouble: WriteTrouble, folder: Path) -> tuple[str, str]:
    """Why a link was not saved (after "could not be saved in the history yet:"), and what
    to do, up to "it is saved" and when."""
    from kombo_desktop.core.history import WriteTrouble  # sqlite3 after the first frame

    if trouble is WriteTrouble.DISK_FULL:
        return (
            DISK_FULL,
            "Free some space and keep the program open: it is saved as soon as there is room",
        )
    if trouble is WriteTrouble.HELD_BY_ANOTHER_PROGRAM:
        return (
            HISTORY_HELD,
            "Close that program and keep this one open: it is saved as soon as it lets go",
        )
    if trouble is WriteTrouble.READ_ONLY:
        return (
            f"the folder {folder} may not allow writing, or its drive may be read-only",
            "Keep the program open while the folder is checked (ask IT if need be): it is "
            "saved as soon as it can be",
        )
    return DISK_REFUSED, "Keep the program open: it is saved as soon as it can be"


def before_closing_words(trouble: WriteTrouble, folder: Path) -> tuple[str, str]:
    """Why links wait to be saved (``trouble``, for the history file in ``folder``), and what
    to do before closing the program, up to "first" (see ``history_closing``)."""
    from kombo_desktop.core.history import WriteTrouble  # sqlite3 after the first frame

    why, _ = _why_and_way_out(trouble, folder)
    first = {
        WriteTrouble.DISK_FULL: "Free some space",
        WriteTrouble.HELD_BY_ANOTHER_PROGRAM: "Close that program",
        WriteTrouble.READ_ONLY: "Have the folder checked",
    }.get(trouble, "Wait a moment")
    return why, first


def not_saved_words(trouble: WriteTrouble, folder: Path, *, shown: bool) -> str:
    """The status for a link the history file (in ``folder``) could not take yet, for
    ``trouble``; ``shown``: the link is on the screen (else it was kept off it, for other
    details typed meanwhile, and the history is where it will be found)."""
    why, way_out = _why_and_way_out(trouble, folder)
    if shown:
        return f"The link is ready, but it could not be saved in the history yet: {why}. {way_out}."
    return (
        "A link was made for the details the form had when you pressed the button; the form "
        "was changed since, so it is not shown here. It could not be saved in the history "
        f"yet: {why}. {way_out}, and is then found in the history."
    )


def saved_words(count: int, *, in_place: bool) -> str:
    """What the person, told ``count`` links were not saved, is told once they are:
    ``in_place`` of that status, or after the status shown since."""
    if in_place:
        return (
            "The link is now saved in the history."
            if count == 1
            else "The links are now saved in the history."
        )
    return (
        "The earlier link is now saved in the history."
        if count == 1
        else "The earlier links are now saved in the history."
    )


class WaitingSaves(QObject):
    """The window's side of saving links in the history (``history``): ``save_new`` for every
    link handed to the store, on a worker thread; the links the file could not take yet are
    said and tried again until it can."""

    def __init__(
        self,
        window: MainWindow,
        history: BackgroundHistory,
        list_saved: Callable[[HistoryEntry], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._history = history
        self._list_saved = list_saved  # the history panel takes a link once saved
        self._told: str | None = None  # the status that said links were not saved
        self._told_count = 0  # how many links it was about
        # The links handed over since the last save ended, oldest first: whether each is on
        # the screen (what the person is told if the file cannot take it yet).
        self._new: list[bool] = []
        self._saving = False  # a save runs on a worker thread
        self._again = False  # links were handed over while it ran: save once more after it
        self._when_saved: list[Callable[[], None]] = []  # what waits for the save to end
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._retry)

    def save_new(self, *, shown: bool) -> None:
        """A link was handed to the store (``queue_request``): save it on a worker thread,
        waiting a second at most for another program writing the file, never on the UI thread.
        ``shown``: it is on the screen. Said only if the file cannot take it yet; listed in
        the panel once saved."""
        self._new.append(shown)
        self._save(patiently=True)

    def when_saved(self, then: Callable[[], None]) -> None:
        """Call ``then`` once the save running (or about to run) has ended and what it found
        is said; at once when none runs."""
        if self._saving:
            self._when_saved.append(then)
        else:
            then()

    def stop(self) -> None:
        """The window closes: no more retries (closing the store tries once more)."""
        self._timer.stop()

    def _save(self, *, patiently: bool) -> None:
        """Save the links waiting on a worker thread: the store's lock is held while it writes,
        and the window reads through it. ``patiently``: another program writing the file is
        waited for a moment, with the lock let go meanwhile (for links just made); else not
        at all (a retry every few seconds)."""
        if self._saving:
            self._again = True
            return
        if self._window.closed or not self._history.is_open:
            return  # closing the store saves them
        try:
            store = self._history.store
        except RuntimeError:
            return
        self._timer.stop()
        self._saving = True

        def work(token: CancelToken) -> int:
            if patiently:
                return store.save_waiting_patiently(cancel=token)
            return store.save_waiting(wait=0)

        try:
            self._window.runner.run(
                work, on_done=self._saved, on_error=self._saved, name="history-save"
            )
        except RuntimeError:  # the window is closing: closing the store saves them
            self._saving = False

    def _saved(self, outcome: object) -> None:
        from kombo_desktop.core.history import HistoryError

        self._saving = False
        if isinstance(outcome, HistoryError | RuntimeError):
            _log.warning("Saving the links waiting for the history failed: %s", outcome)
        elif isinstance(outcome, BaseException):  # a slip in the code: reported, not hidden
            sys.excepthook(type(outcome), outcome, outcome.__traceback__)
        if self._again:  # links handed over meanwhile: the panel lists what is saved so far
            self._again = False
            self._list(self._take_saved())
            self._save(patiently=True)
            return
        self._collect()
        waiting, self._when_saved = self._when_saved, []
        for then in waiting:
            then()

    def _collect(self) -> None:
        """List the links saved (by the last save, or a retry); say why the links just made
        that the file could not take are not saved, and try again later; when none waits any
        longer, tell the person who was told they were not saved."""
        if not self._history.is_open:
            return
        try:
            store = self._history.store
            saved, waiting, trouble = store.take_saved_late(), store.waiting, store.trouble
        except RuntimeError:  # closed meanwhile
            return
        self._list(saved)
        new, self._new = self._new, []
        # The links still waiting are the newest: those just made among them were refused.
        refused = new[len(new) - min(waiting, len(new)) :]
        for shown in refused:
            self._not_saved(trouble, shown=shown)
        if waiting:
            self._try_again_later()
        elif saved and self._told is not None:
            self._tell_saved()

    def _take_saved(self) -> list[HistoryEntry]:
        try:
            return self._history.store.take_saved_late()
        except RuntimeError:  # closed meanwhile
            return []

    def _list(self, saved: list[HistoryEntry]) -> None:
        for entry in saved:
            self._list_saved(entry)

    def _not_saved(self, trouble: WriteTrouble | None, *, shown: bool) -> None:
        """Say why a link just made is not saved yet."""
        from kombo_desktop.core.history import WriteTrouble

        folder = self._window.setup.paths.history_file.parent
        words = not_saved_words(trouble or WriteTrouble.OTHER, folder, shown=shown)
        self._window.show_status(words, "error")
        self._told = words
        self._told_count += 1

    def _tell_saved(self) -> None:
        told, count = self._told, self._told_count
        self._told, self._told_count = None, 0
        status = self._window.statusPanel
        if status.text == told:
            self._window.show_status(saved_words(count, in_place=True), "success")
        else:
            self._window.show_status(
                f"{status.text} {saved_words(count, in_place=False)}", status.kind
            )

    def _try_again_later(self) -> None:
        if not self._saving and not self._window.closed:
            self._timer.start(round(RETRY_SECONDS * 1000))

    def _retry(self) -> None:
        """Try the links waiting again, without waiting for another program."""
        self._save(patiently=False)
