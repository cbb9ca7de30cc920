"""Links the history file could not take when they were made: what the person is told, and
trying again until they are saved.

A full disk, or a database tool holding the history file open with changes it has not
written, refuses every write for as long as it lasts. The store keeps such a link
(``NotSavedYetError``) and the duplicate check knows it; this module does the window's part:

* the status line says why the link is not saved yet, in the person's terms (the disk is full,
  another program has the file open, the folder does not allow writing) and what to do, since
  each has a way out and restarting the program helps with none;
* every ``RETRY_SECONDS`` while links wait, the store tries again on a worker thread, without
  waiting for another program (a write made with the next link waits for it, as usual);
* the links saved late join the history panel, and the person, told they were not saved, is
  told once they are (in place of what they were told, or after the status shown since).

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

    from kombo_desktop.core.history import HistoryEntry, NotSavedYetError, WriteTrouble
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
    """The window's side of the links waiting to be saved in the history (``history``):
    ``not_saved`` when the store kept one, ``collect`` after every link saved."""

    def __init__(
        self,
        window: MainWindow,
        history: BackgroundHistory,
        list_saved: Callable[[HistoryEntry], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._history = history
        self._list_saved = list_saved  # the history panel takes a link saved late
        self._told: str | None = None  # the status that said links were not saved
        self._told_count = 0  # how many links it was about
        self._retrying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._retry)

    def not_saved(self, error: NotSavedYetError, *, shown: bool) -> None:
        """Say why the link just made is not saved yet, and try again until it is."""
        folder = self._window.setup.paths.history_file.parent
        words = not_saved_words(error.trouble, folder, shown=shown)
        self._window.show_status(words, "error")
        self._told = words
        self._told_count += 1
        self.collect()  # links saved before it was refused are listed; tries again later

    def collect(self) -> None:
        """List the links saved late (by the last write, or a retry) and, when none waits
        any longer, tell the person who was told they were not saved."""
        if not self._history.is_open:
            return
        try:
            store = self._history.store
            saved, waiting = store.take_saved_late(), store.waiting
        except RuntimeError:  # closed meanwhile
            return
        for entry in saved:
            self._list_saved(entry)
        if waiting:
            self._try_again_later()
        elif saved and self._told is not None:
            self._tell_saved()

    def stop(self) -> None:
        """The window closes: no more retries (closing the store tries once more)."""
        self._timer.stop()

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
        if not self._retrying and not self._window.closed:
            self._timer.start(round(RETRY_SECONDS * 1000))

    def _retry(self) -> None:
        """Try the links waiting again, on a worker thread: the store's lock is held meanwhile,
        and the window reads through it."""
        if self._window.closed or not self._history.is_open:
            return
        try:
            store = self._history.store
        except RuntimeError:
            return
        self._retrying = True
        self._window.runner.run(
            lambda _token: store.save_waiting(wait=0),
            on_done=self._retried,
            on_error=self._retried,
            name="history-save-waiting",
        )

    def _retried(self, outcome: object) -> None:
        from kombo_desktop.core.history import HistoryError

        self._retrying = False
        if isinstance(outcome, HistoryError | RuntimeError):
            _log.warning("Saving the links waiting for the history failed: %s", outcome)
        elif isinstance(outcome, BaseException):  # a slip in the code: reported, not hidden
            sys.excepthook(type(outcome), outcome, outcome.__traceback__)
        self.collect()
