"""Closing the window while the link history is still being opened, with links made meanwhile.

The history is opened on a worker thread after the first frame (``history_opening``); a link
made before it is open is saved once it is. Closing the window used to hand such links to the
opening's worker thread and close at once: the program then exited, the worker with it, and
the links were never saved. The history is the only record of the links handed out, and the
duplicate warning knows only what it holds.

So closing now waits for the opening, ``WAIT_SECONDS`` at most, while the status line says why
and the pointer shows the program is busy; once it is open, ``BackgroundHistory.close`` saves
the links. Still not open by then (a slow disk, another program holding the file), the person
closing the window is asked (:meth:`ClosingWithHistory.may_close`): Cancel keeps the program
open, and the links are saved as soon as the history is; "Close anyway" closes without them.
Nobody is asked when the program closes the window itself, or when the session ends (logout,
shutdown): no one may be there to answer, and the wait stays bounded.

Links the open history's file refused (a full disk, a read-only folder, a file another program
holds: see ``history_waiting``) wait in memory until it takes them; closing tries once more,
briefly, and then loses them. The status line had told the person to keep the program open, yet
closing threw them away without a word: the person closing the window is now asked about them
too (:meth:`ClosingWithHistory.refused_links`), with Cancel as the safe default. Once they
choose to close anyway, closing is as quick as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kombo_desktop.ui.history_waiting import HISTORY_HELD, before_closing_words

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from kombo_desktop.ui.history_opening import BackgroundHistory
    from kombo_desktop.ui.history_waiting import WaitingSaves
    from kombo_desktop.ui.main_window import MainWindow

# The most closing waits for the history being opened, when links made meanwhile wait for it:
# opening takes milliseconds, a few seconds on a slow disk or for a large history upgraded
# once, and a file held by another program is read without its lock after two seconds. The
# window's wait for its background tasks follows (``CLOSE_WAIT_SECONDS``, 1.5 s), the opening
# among them: for the history, closing never takes much more than three seconds in all (a QR
# code still being written adds its own wait, ``result_panel.QR_CLOSE_WAIT_SECONDS``).
WAIT_SECONDS = 2.0


def _links(count: int) -> str:
    return "The link made" if count == 1 else f"The {count} links made"


def saving_words(count: int) -> str:
    """The status while closing waits for the history to save ``count`` links in it."""
    return (
        f"Closing… {_links(count)} while the link history was being opened "
        f"{'is' if count == 1 else 'are'} saved in it first (a few seconds at most)."
    )


def question_words(count: int, *, held: bool) -> str:
    """Why closing now would leave ``count`` links out of the history (``held``: another
    program holds its file), and what keeping the program open does."""
    they, them, is_ = ("it", "it", "is") if count == 1 else ("they", "them", "are")
    why = (
        HISTORY_HELD if held else "the history is still being opened (a slow disk can take a while)"
    )
    return (
        f"Close Kombo Desktop? {_links(count)} while the link history was being opened "
        f"{is_} not saved in it yet: {why}. Closed now, the history will not have {them}, "
        f"and the duplicate warning will not know about {them}. Press Cancel to keep the "
        f"program open: {they} {is_} saved as soon as the history is open."
    )


def refused_words(count: int, why: str, first: str) -> str:
    """Why closing now would leave out of the history ``count`` links its file refused
    (``why``), and what to do ``first`` instead; said after "Close Kombo Desktop?"."""
    links, is_, them = ("1 link", "is", "it") if count == 1 else (f"{count} links", "are", "them")
    return (
        f"{links} made {is_} not saved in the history yet ({why}): closing now loses {them} "
        f"from the history, and the duplicate warning will not know about {them}. {first} "
        "first, or close anyway."
    )


def kept_open_words(count: int) -> str:
    """The status once the person chose to keep the program open for ``count`` links."""
    links, is_ = ("the link", "is") if count == 1 else (f"the {count} links", "are")
    return (
        f"Kombo Desktop stays open: {links} made while the link history was being opened "
        f"{is_} saved in it as soon as it is open. Close the program again after that."
    )


def saved_words(count: int) -> str:
    """The status once the links the program was kept open for are saved."""
    links, is_ = ("The link", "is") if count == 1 else (f"The {count} links", "are")
    return (
        f"{links} made while the link history was being opened {is_} now saved in it. "
        "Kombo Desktop can be closed."
    )


class ClosingWithHistory:
    """The window's closing, for the links made while its ``history`` is being opened
    (written by ``saves`` once it is)."""

    def __init__(self, window: MainWindow, history: BackgroundHistory, saves: WaitingSaves) -> None:
        self._window = window
        self._history = history
        self._saves = saves
        self._closing_without_them = False  # the person chose "Close anyway"

    def refused_links(self) -> str:
        """What closing now would leave out of the open history: the links its file refused
        and that still wait (see ``refused_words``); "" when none does. Links handed over and
        not tried yet are not among them: closing saves those."""
        history = self._history
        if not history.is_open or history.in_memory:
            return ""
        try:
            count, trouble = history.store.waiting, history.store.trouble
        except RuntimeError:  # closed meanwhile
            return ""
        if not count or trouble is None:
            return ""
        folder = self._window.setup.paths.history_file.parent
        return refused_words(count, *before_closing_words(trouble, folder))

    def may_close(self, *, refused_asked: bool = False) -> bool:
        """For the person closing the window (see ``MainWindow.person_may_close``): wait for
        the history being opened (``wait``), and ask whether to close without the links made
        meanwhile if it is still not open; once it is, ask whether to close without the links
        its file refused (``refused_links``), unless that was asked already (``refused_asked``).
        False: the program stays open."""
        if self.wait():
            return self._may_close_without_refused(asked=refused_asked)
        count = self._history.links_waiting_for_opening
        if not count:  # opened just now
            return self._may_close_without_refused(asked=refused_asked)
        from kombo_desktop.ui.confirm import confirm  # no message box needed to start

        question = question_words(count, held=self._history.held_by_another_program())
        if confirm(self._window, "Close Kombo Desktop?", question, "Close anyway"):
            self._closing_without_them = True
            return True
        told = kept_open_words(count)
        self._window.show_status(told, "info")
        # Once open, the links are handed to it and written on a worker thread: said after that.
        self._history.when_open(
            lambda: self._saves.when_saved(lambda: self._tell_saved(told, count))
        )
        return False

    def _may_close_without_refused(self, *, asked: bool) -> bool:
        """Ask whether to close without the links the file refused, if any wait and that was
        not ``asked`` already; False: the program stays open."""
        refused = "" if asked else self.refused_links()
        if not refused:
            return True
        from kombo_desktop.ui.confirm import confirm  # no message box needed to start

        question = f"Close Kombo Desktop? {refused}"
        return confirm(self._window, "Close Kombo Desktop?", question, "Close anyway")

    def _tell_saved(self, told: str, count: int) -> None:
        """The history is open and the links kept open for are saved: say so, unless the
        status says something else by now (a note that they could not be, say)."""
        if self._window.statusPanel.text != told or not self._history.is_open:
            return
        if self._history.in_memory:  # the note opening showed says what that means
            return
        try:
            waiting = self._history.store.waiting
        except RuntimeError:  # closed meanwhile
            return
        if waiting:  # the file could not take them yet: the status says why
            return
        self._window.show_status(saved_words(count), "success")

    def wait(self) -> bool:
        """Wait for the history being opened, ``WAIT_SECONDS`` at most, when links made
        meanwhile wait for it, the status line saying so; True when none waits any longer
        (``BackgroundHistory.close`` then saves them). Not after the person chose to close
        without them."""
        count = self._history.links_waiting_for_opening
        if not count or self._closing_without_them:
            return not count
        # Only now: the window is built without Qt's namespace (see ``qt_enums``).
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QGuiApplication

        self._window.show_status(saving_words(count), "busy")
        paint_now(self._window)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return self._history.wait_for_opening(WAIT_SECONDS)
        finally:
            QGuiApplication.restoreOverrideCursor()


def paint_now(window: QWidget) -> None:
    """Show the status just set before the UI thread waits: its layout and paint would
    otherwise come from the event loop, after the wait. Only layout requests are handled
    here, nothing a person does or a worker reports."""
    from PySide6.QtCore import QCoreApplication, QEvent

    if not window.isVisible():
        return
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    window.repaint()
