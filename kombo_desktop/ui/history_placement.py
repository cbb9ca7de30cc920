"""Where the history panel is: its dock, built at the first click, opened and closed, and the
header's History button that does it.

The panel lives in a dock (``historyDock``), closed at start, built the first time it is
opened, and opened below the form or beside it, or over it in a window of its own on a small
screen (``history_dock`` decides where). The History button (``historyToggleButton``) in the
header opens and closes it, and stays pressed exactly while it is open; the dock's own close
button, Esc over a floating history, filling the form from it and screen-sharing mode close it
too. In screen-sharing mode it cannot be opened: the button stays clickable, and a click says
on the status line why the history is hidden, with a button that turns the mode off and opens
it. A click while the database is still being opened (``history_opening``) keeps the button
pressed and opens the panel once it is, a second later at most.

It is apart from ``history_feature`` so that a fix to when the history opens, closes or gets
out of the way is made here, without reading how links are recorded and checked for
duplicates, and that one can be read without the dock's many ways of opening and closing.
The window's history (``HistoryFeature``) owns one, built with the window, as the button is in
the first frame; the panel, the dock and their modules come only with the first click (see
``history_warm_up``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QPushButton

from kombo_desktop.ui.history_opening import HistoryNotReadyError
from kombo_desktop.ui.widgets import keep_on_screen

if TYPE_CHECKING:
    from collections.abc import Callable

    from kombo_desktop.ui.history_dock import HistoryDockWidget
    from kombo_desktop.ui.history_feature import HistoryFeature
    from kombo_desktop.ui.history_panel import HistoryPanel

HISTORY_TEXT = "&History"  # Alt+H shows and hides it
HISTORY_LOCKED_TOOLTIP = (
    "The history lists other customers. Turn off screen-sharing mode to open it."
)
HISTORY_TOOLTIP = "Show or hide the links made before"
# Said when the History button is clicked in screen-sharing mode, with SHOW_HISTORY_TEXT.
HISTORY_HIDDEN_TEXT = (
    "The history is hidden while screen-sharing mode is on, as it shows other customers' "
    "names. Turn screen-sharing mode off only when no customer can see your screen."
)
SHOW_HISTORY_TEXT = "Turn off and show history"


def _look_as_docked(panel: HistoryPanel) -> None:
    """Docked (again): a floating history's slim buttons in threes and the rows its table
    keeps in view (see ``history_dock.place_floating``) would take the form's room; the
    dock's height is chosen for its rows (``history_dock.plan_dock``)."""
    panel.set_compact(False)
    panel.keep_table_height(0)


class HistoryPlacement:
    """The history panel's dock and the History button of one window's history (``feature``)."""

    def __init__(self, feature: HistoryFeature) -> None:
        self._feature = feature
        self._window = feature.window
        self._panel: HistoryPanel | None = None
        self._dock: HistoryDockWidget | None = None
        # The History button pressed while the history was being opened: what calls off
        # opening the panel once it is (``open_history``).
        self._call_off_waiting: Callable[[], None] | None = None
        # While the program itself docks or floats the history (``_place_history``).
        self._placing = False
        # The window's width before the history was opened, and the width the history left
        # it at: the first is given back when the history closes, only if the history made
        # the window wider and the person has not resized it since (``_give_back_width``).
        self._width_before: int | None = None
        self._width_with_history: int | None = None

        self.historyButton = QPushButton(HISTORY_TEXT)
        self.historyButton.setObjectName("historyToggleButton")
        self.historyButton.setAccessibleName("History")
        self.historyButton.setAccessibleDescription("Show or hide the link history")
        self.historyButton.setCheckable(True)
        self.historyButton.setAutoDefault(False)
        self._window.header.add_before_settings(self.historyButton)  # after the sharing switch
        self.historyButton.toggled.connect(self._history_button_toggled)

    # --- the panel and its dock, built at the first click -------------------------------------

    @property
    def panel(self) -> HistoryPanel:
        """The history panel, in a dock at the bottom of the window (closed until opened)."""
        if self._panel is None:
            from PySide6.QtWidgets import QDockWidget

            from kombo_desktop.ui.history_dock import HistoryDockWidget, StatusLineWatch
            from kombo_desktop.ui.history_panel import HistoryPanel

            feature, window = self._feature, self._window
            panel = HistoryPanel(
                feature.store, window.runner, lambda: window.linkForm.catalog, window.save_places
            )
            target = window.target
            panel.model.set_current_profile(target.profile if target is not None else None)
            panel.model.set_demo_origin(feature.demo_origin())
            dock = HistoryDockWidget("Link history", window)
            dock.setObjectName("historyDock")
            dock.setWidget(panel)
            dock.setFeatures(
                QDockWidget.DockWidgetFeature.DockWidgetClosable
                | QDockWidget.DockWidgetFeature.DockWidgetMovable
                | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            )
            areas = QtCore.Qt.DockWidgetArea
            window.addDockWidget(areas.BottomDockWidgetArea, dock)
            dock.hide()
            StatusLineWatch(window, dock)  # floating, it makes way for a longer status line
            # Beside the form (or floating over it) the panel is narrow (see ``history_dock``),
            # whoever put it there; docked, it is never compact as it floats.
            dock.dockLocationChanged.connect(
                lambda area: panel.set_narrow(
                    area in (areas.LeftDockWidgetArea, areas.RightDockWidgetArea)
                    or dock.isFloating()
                )
            )
            dock.topLevelChanged.connect(
                lambda floating: None if floating else _look_as_docked(panel)
            )
            dock.topLevelChanged.connect(self._dock_top_level_changed)
            panel.notice.connect(window.show_status)
            panel.show_requested.connect(feature.from_history.show_entry)
            panel.fill_requested.connect(feature.from_history.fill_from)
            panel.deleted.connect(feature.from_history.entry_deleted)
            dock.closed.connect(self.close_history)  # its own close button
            dock.visibilityChanged.connect(self._dock_visibility_changed)
            self._panel, self._dock = panel, dock
        return self._panel

    @property
    def built_panel(self) -> HistoryPanel | None:
        """The history panel if it was ever opened, without building it (None until then)."""
        return self._panel

    @property
    def dock(self) -> HistoryDockWidget:
        _ = self.panel
        assert self._dock is not None
        return self._dock

    # --- opening and closing -------------------------------------------------------------------

    def screen_sharing_changed(self, on: bool) -> None:
        """The window's screen-sharing mode is now ``on`` or off: while on, the history is
        closed and cannot be opened (the button says why when clicked)."""
        self.historyButton.setToolTip(HISTORY_LOCKED_TOOLTIP if on else HISTORY_TOOLTIP)
        if on:
            self.close_history()

    def open_history(self) -> bool:
        """Open the history panel; refused (False) in screen-sharing mode. While the history
        is still being opened, the button stays pressed, and the panel opens once it is, or
        the status line says why it cannot, a second later at most (``when_ready``); closing
        the history meanwhile (the button again, screen-sharing mode) calls that off."""
        feature = self._feature
        if self._window.screen_sharing.on:
            return False
        if feature.worth_waiting_for:
            self._set_history_button(True)
            self._stop_waiting_to_open()
            self._call_off_waiting = feature.when_ready(self._open_once_ready)
            return True
        try:
            _ = feature.store
        except HistoryNotReadyError as error:  # still being opened after the wait: said why
            self._set_history_button(False)
            self._window.show_status(str(error), "info")
            return False
        self._set_history_button(True)
        panel = self.panel
        with panel.columns.fitted_once():  # not at each step of the placing
            self._place_history()
            self.dock.raise_()
            if self.dock.isFloating():
                # A window of its own, which Qt shows without making it active (a tool
                # window: on Windows never active): without this the keys stayed in the main
                # window, and Tab, F6 or Ctrl+Tab never reached the history it covers.
                self.dock.activateWindow()
            panel.activate()
        panel.historySearchEdit.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)
        return True

    def _place_history(self) -> None:
        """Open the dock where it leaves the form its first fields (see ``history_dock``)."""
        from kombo_desktop.ui.history_dock import place_history

        self._note_width_without_history()
        self._placing = True
        try:
            place_history(
                self._window,
                self.dock,
                self.panel,
                warning_shown=self._feature.duplicates.warning_shown,
            )
        finally:
            self._placing = False
        self._width_with_history = self._window.width()

    def _note_width_without_history(self) -> None:
        """Just opened, or resized by the person since the history was last placed: the
        window's width now is the one it gets back when the history closes."""
        width = self._window.width()
        if self._width_before is None or self._width_with_history != width:
            self._width_before = width
            self._width_with_history = width

    def _open_once_ready(self) -> None:
        self._call_off_waiting = None
        self.open_history()

    def _stop_waiting_to_open(self) -> None:
        call_off, self._call_off_waiting = self._call_off_waiting, None
        if call_off is not None:
            call_off()

    def close_history(self) -> None:
        self._set_history_button(False)
        self._stop_waiting_to_open()
        if self._panel is None:
            return  # never opened: nothing to close
        held_the_keys = self.dock.isFloating() and self.dock.isActiveWindow()
        self.dock.hide()
        self.panel.deactivate()
        self._give_back_width()
        if held_the_keys:  # else no window has them (filled in from it, say): back to the form
            self._window.activateWindow()

    @property
    def history_open(self) -> bool:
        return self._dock is not None and not self._dock.isHidden()

    def _history_floats(self) -> bool:
        """Open in a window of its own, over the main window (a small screen, see
        ``history_dock``)."""
        return self.history_open and self.dock.isFloating()

    def floating_history_has_keys(self) -> bool:
        """Open in a window of its own that has the keys (the active window, or the focus in
        it): what the person sees and types in then, over the main window. The main window's
        own keys (Esc for the warning, Ctrl+Tab for its tabs) still came to it from there
        (Qt counts a floating dock as part of its main window), acting on the form unseen."""
        if not self._history_floats():
            return False
        focused = QApplication.focusWidget()
        return QApplication.activeWindow() is self.dock or (
            focused is not None and self.dock.isAncestorOf(focused)
        )

    def history_has_keys(self) -> bool:
        """Open with the keys in it: floating with them (``floating_history_has_keys``), or
        docked beside or below the form with the focus in it."""
        if self.floating_history_has_keys():
            return True
        focused = QApplication.focusWidget()
        return self.history_open and focused is not None and self.dock.isAncestorOf(focused)

    def close_floating_history(self) -> None:
        """Esc: a history floating over the form closes (see ``close_with_esc``)."""
        if self._history_floats():
            self.close_with_esc()

    def close_with_esc(self) -> None:
        """Esc: the history closes, and the focus goes to the button that opens it again (in
        the main window, which Tab then goes round). Docked, with the focus in its list, Esc
        did nothing there, while it closed the same history floating: the person had to find
        its close button. Nothing of the form changes."""
        self.close_history()
        self._window.activateWindow()
        self.historyButton.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)

    def out_of_the_way(self) -> None:
        """A history floating over the form closes when the form is filled from it, which it
        would cover (see ``history_dock``)."""
        if self._history_floats():
            self.close_history()

    def make_room_for_warning(self) -> None:
        """A duplicate warning is shown: a history floating over the window would cover its
        choices and closes; a docked one gives the warning room from the form, not the other
        way round."""
        if self._history_floats():
            self.close_history()
        elif self.history_open:
            self._place_history()

    # --- the History button and the dock's own close button ------------------------------------

    def _set_history_button(self, checked: bool) -> None:
        self.historyButton.blockSignals(True)
        self.historyButton.setChecked(checked)
        self.historyButton.blockSignals(False)

    def _history_button_toggled(self, checked: bool) -> None:
        if checked:
            if not self.open_history():
                self._set_history_button(False)
                if self._window.screen_sharing.on:
                    self._say_history_hidden()
        else:
            self.close_history()

    def _say_history_hidden(self) -> None:
        """The History button was clicked in screen-sharing mode: say why nothing opens, with
        the way on (turn the mode off, then the history opens) as the status line's button."""
        self._window.statusPanel.show_message(
            HISTORY_HIDDEN_TEXT, "info", action=(SHOW_HISTORY_TEXT, self._show_after_sharing)
        )

    def _show_after_sharing(self) -> None:
        """Turn screen-sharing mode off, which says so on the status line, and open the history
        the person asked for."""
        self._window.screen_sharing.set_on(False)
        self.open_history()

    def _dock_visibility_changed(self, visible: bool) -> None:
        """The dock was hidden by other means than its close button (which closes the history
        at once, ``closed``): looked at again on the next turn of the event loop. Qt hides
        the dock for a moment while it floats or docks it (its own float button, a double
        click on its title), and shows it again right after: taken for closed, that emptied
        the list of a panel still on screen and let the History button up. A minimised window
        only makes it invisible, not hidden."""
        if not visible:
            QtCore.QTimer.singleShot(0, self.dock, self._close_if_hidden)

    def _dock_top_level_changed(self, floating: bool) -> None:
        """Floated by the person with the dock's float button or a double click on its title,
        the history stays where Qt leaves it, which was over the header's buttons: it moves
        clear of them on the next turn, once Qt has shown it (see
        ``history_dock.place_floated_by_hand``). One dragged off by the mouse goes where it is
        dropped: the mouse button is down then, as it is during a double click, which is told
        apart by the dock (``double_clicked``)."""
        if self._placing:
            return
        if not floating:
            self._note_width_without_history()  # before Qt widens the window for the dock
            QtCore.QTimer.singleShot(0, self.dock, self._keep_the_window_on_screen)
        elif self.dock.double_clicked or not QGuiApplication.mouseButtons():
            QtCore.QTimer.singleShot(0, self.dock, self._place_floated_by_hand)

    def _keep_the_window_on_screen(self) -> None:
        """Docked by the person, the history can make the window wider or taller than the
        screen (887 to 1001 pixels on a screen 911 wide, 1366x768 at 150 % with larger text:
        the header's buttons and the status line cut off at the right). It then goes where
        the program would put it (``history_dock``): docked where it fits, else floating,
        and the window gets its earlier width back."""
        window = self._window
        if self.dock.isHidden() or self.dock.isFloating():
            return
        layout = window.layout()
        if layout is not None:
            layout.activate()  # the window's smallest size with the dock where it is now
        self._width_with_history = window.width()
        available = window.screen().availableGeometry()
        if available.contains(window.frameGeometry()):
            return
        # Out of the window first, which can then be as narrow as before, and placed as the
        # program would from there.
        self._placing = True
        try:
            self.dock.setFloating(True)
        finally:
            self._placing = False
        self._give_back_width(keep=True)
        self._place_history()
        keep_on_screen(window)

    def _give_back_width(self, *, keep: bool = False) -> None:
        """The window gets back the width it had before the history was opened, if the history
        made it wider and the person has not resized it since (a window they widened or
        maximised with the history open stays as they left it); ``keep``: the history is still
        open, and the width is given back again when it closes."""
        width, window = self._width_before, self._window
        left_by_history = self._width_with_history
        if not keep:
            self._width_before = self._width_with_history = None
        if width is None or window.width() != left_by_history or window.width() <= width:
            return
        layout = window.layout()
        if layout is not None:
            layout.activate()  # its smallest size without the history
        window.resize(max(width, window.minimumWidth()), window.height())
        if keep:
            self._width_with_history = window.width()

    def _place_floated_by_hand(self) -> None:
        from kombo_desktop.ui.history_dock import place_floated_by_hand

        dock = self.dock
        if dock.isFloating() and not dock.isHidden():
            place_floated_by_hand(self._window, dock, self.panel)

    def _close_if_hidden(self) -> None:
        if self.dock.isHidden() and self.panel.model.active:
            self.close_history()
