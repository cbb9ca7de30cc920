"""Closing the window while the history is being exported to a CSV file.

The export is written on a worker thread (``HistoryPanel.export``): 100,000 links take a few
seconds. Closing the window meanwhile stopped nothing and waited for nothing: the program ended,
the worker with it, and the file the person had asked for was never written, without a word; or,
ended while the worker wrote, it left a half-written hidden file (".name.csv.<random>.tmp")
beside the one chosen.

Now the person closing the window (or quitting the program) while an export is written is not
kept in a frozen window: it stays open and usable, the status line says it closes as soon as
the export is saved (unless they go on working meanwhile), and it does (asking first about
typing that would be lost, as closing always does). Closing it again closes it at once, without
the export, as the status line says. An export that fails keeps it open, with the reason. So
does one saved after the person went on working (``_went_on_working``): a link asked for, the
form typed into, Settings or another question open. Closed then, the window was gone under the
open Settings (which asked about the key with no window behind it, and the program never
ended), or took the new link with it without a word; the status line now says the file is
saved, and closing is left to them. Nobody is asked or waited for when the program closes
the window itself, or when the session ends (logout, shutdown).

Only what the person does counts: typing in a form, choosing in one of its lists, pressing
one of its buttons (or Enter), clearing it or filling it in from the history. A field the
program changes by itself does not, such as a tool search settled on the tool it names as the
person switches to another window: it kept the window open, saying they went on working, when
they had only gone to look for the file.

Settings opened after asking to close count as going on working even when closed again before
the export is saved, whether anything was changed there or not. The rule is the simplest to
say, "you opened Settings since": a person who went there (to change a key or a profile, or
just to look) has turned back to the program, and the window vanishing once they are done
there would surprise them.

However the window closes, an export still being written is stopped before the program ends,
and its worker given ``EXPORT_CLOSE_WAIT_SECONDS`` at most to end
(:func:`stop_export_before_closing`): stopped, it writes nothing, and a file being written is
finished first, never left half written. It ends within a moment: its read of the history is
interrupted, and it looks whether to stop every thousand entries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit

if TYPE_CHECKING:
    from collections.abc import Callable

    from kombo_desktop.ui.history_panel import HistoryPanel
    from kombo_desktop.ui.main_window import MainWindow
    from kombo_desktop.ui.request_form import RequestForm

# What the status line says once the person closed the window during an export.
CLOSING_AFTER_EXPORT_TEXT = (
    "Kombo Desktop closes as soon as the history export is saved, unless you go on working "
    "meanwhile. To close it now without the export, close it again."
)
# Added to an export's failure when the window was to close once it was saved.
STAYED_OPEN_TEXT = "Kombo Desktop stayed open so that you can try again."
# Added to an export's success when the person went on working after asking to close.
WENT_ON_WORKING_TEXT = (
    "Kombo Desktop stayed open, as you went on working. Close it when you are ready."
)
# What the status line says while closing waits for a stopped export's worker to end.
STOPPING_EXPORT_TEXT = "Closing… The history export is being stopped."

# The most closing waits for an export's worker to end once stopped: it stops within a moment,
# but a file it is writing is finished first (a slow network drive), as for a QR code's file.
EXPORT_CLOSE_WAIT_SECONDS = 10.0


class ClosingDuringExport:
    """The window's closing, for a history export being written by ``panel()`` (the history
    panel, None until it is first opened)."""

    def __init__(self, window: MainWindow, panel: Callable[[], HistoryPanel | None]) -> None:
        self._window = window
        self._panel = panel
        self._waiting = False  # the person closed the window: it closes once the export is saved
        self._listening_to: HistoryPanel | None = None
        # The person's own edits of the forms so far, and the work done (``_work_done``) when
        # they closed the window: what tells whether they went on working since.
        self._form_edits = 0
        self._work_when_closed = (0, 0, 0)
        for form in (window.linkForm, window.relinkForm):
            self._watch_edits(form)
        window.linkForm.cleared.connect(self._form_edited)  # the "New" keys, the Clear button

    def _watch_edits(self, form: RequestForm) -> None:
        """Count what the person does in ``form`` (see the module's docstring): only the
        signals a person's typing, choosing and pressing emit, never those the program's
        own changes of a field emit too (``textChanged``, ``currentIndexChanged``)."""
        for edit in form.findChildren(QLineEdit):  # the tool list's search among them
            edit.textEdited.connect(self._form_edited)
        for combo in form.findChildren(QComboBox):
            combo.activated.connect(self._form_edited)
        for button in form.findChildren(QAbstractButton):  # check boxes, "Use this address"…
            button.clicked.connect(self._form_edited)
        form.submitted.connect(self._form_edited)  # Enter in a field

    def may_close(self) -> bool:
        """For the person closing the window (``MainWindow.person_may_close``): False while
        an export is written, the window then closing as soon as it is saved; True when none
        is, or when the person closes the window again while it waits (it is then stopped)."""
        panel = self._exporting_panel()
        if panel is None or self._waiting:
            self._waiting = False
            return True
        if self._listening_to is not panel:
            panel.export_ended.connect(self._export_ended)
            panel.fill_requested.connect(self._form_edited)  # "Fill the form" from the history
            self._listening_to = panel
        self._waiting = True
        self._work_when_closed = self._work_done()
        self._window.show_status(CLOSING_AFTER_EXPORT_TEXT, "busy")
        return False

    def called_off(self) -> None:
        """The person kept the program open after all (a later question while closing): it no
        longer closes once the export is saved, and the status line says the export goes on."""
        panel = self._exporting_panel()
        self._waiting = False
        if panel is not None and self._window.statusPanel.text == CLOSING_AFTER_EXPORT_TEXT:
            from kombo_desktop.ui.history_panel import EXPORTING_TEXT

            self._window.show_status(EXPORTING_TEXT, "busy")

    def _exporting_panel(self) -> HistoryPanel | None:
        panel = self._panel()
        return panel if panel is not None and panel.exporting else None

    def _form_edited(self, *_value: object) -> None:
        self._form_edits += 1

    def _work_done(self) -> tuple[int, int, int]:
        """Links asked for, Settings opened and the person's edits of the forms so far."""
        window = self._window
        return window.link_making.links_asked, window.account.settings_opened, self._form_edits

    def _went_on_working(self) -> bool:
        """Whether the person went on working since closing the window: closed now, it would
        close under what they are doing (Settings, a question) or take away what they did."""
        from PySide6.QtWidgets import QApplication

        if QApplication.activeModalWidget() is not None:
            return True
        settings = self._window.settings_dialog
        if settings is not None and settings.isVisible():
            return True
        return self._work_done() != self._work_when_closed

    def _export_ended(self, saved: bool) -> None:
        """The export ended (its notice said how): the window closes now if it was to, or
        stays open, saying so, when the export failed or the person went on working."""
        if not self._waiting:
            return
        self._waiting = False
        if not saved or self._went_on_working():
            status = self._window.statusPanel
            why = STAYED_OPEN_TEXT if not saved else WENT_ON_WORKING_TEXT
            self._window.show_status(f"{status.text} {why}", status.kind)
            return
        from PySide6.QtCore import QTimer

        # After the panel's own handling of the outcome, from the event loop.
        QTimer.singleShot(0, self._window, self._close)

    def _close(self) -> None:
        """Close the window the person asked to close, asking what closing always asks."""
        window = self._window
        if window.closed or not window.isVisible():
            return
        if window.person_may_close():
            window.close()


def stop_export_before_closing(window: MainWindow, panel: HistoryPanel | None) -> None:
    """Stop the export ``panel`` is writing, if any, and wait for its worker to end,
    ``EXPORT_CLOSE_WAIT_SECONDS`` at most, the status line saying why (see the module's
    docstring): the program ended while it wrote, and a half-written file stayed."""
    export = panel.stop_export() if panel is not None else None
    if export is None:
        return
    # Only now: the window is built without Qt's namespace (see ``qt_enums``).
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    from kombo_desktop.ui.history_closing import paint_now

    window.show_status(STOPPING_EXPORT_TEXT, "busy")
    paint_now(window)
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        export.wait(EXPORT_CLOSE_WAIT_SECONDS)
    finally:
        QGuiApplication.restoreOverrideCursor()
