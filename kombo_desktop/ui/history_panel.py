"""The history panel: every link made, newest first, searchable, with what staff do with one.

It lists other customers, so the window keeps it closed by default and hides it in
screen-sharing mode (see ``history_placement``). While hidden it is *deactivated*: its model drops
every loaded entry and reads nothing.

Actions on the selected entry: copy the link again, show it (link and QR code) in the window's
result area, open it, fill the form with its values, and delete it after a confirmation. A link
is copied, shown or opened only when it passes the rule the client holds Kombo's answers to
(``result_panel.link_refusal``); one kept by an older version that does not is refused with the
reason, in words. "Export to CSV" writes every entry the current search finds, not just the
rows scrolled into view.

The search box waits a moment after the last keystroke before asking the store, so typing a
name reads the file once rather than once per letter. Beside it, a choice of the links listed:
all, those that still work, or those that no longer do ("which of my links no longer work?"),
found by the store a page at a time as the search is (see ``core.history.searching``).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QItemSelection, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kombo_desktop.core.cancel import CancelToken
from kombo_desktop.core.catalog import ToolCatalog
from kombo_desktop.core.history import (
    EntryKind,
    HistoryEntry,
    HistoryError,
    HistoryStore,
    Showing,
    csv_separator,
    export_csv,
    failure_words,
)
from kombo_desktop.ui import theme
from kombo_desktop.ui.confirm import confirm
from kombo_desktop.ui.expiry import next_look_ms
from kombo_desktop.ui.history_columns import HistoryColumns
from kombo_desktop.ui.history_fill import FILL_TEXT, unusable_link_words
from kombo_desktop.ui.history_model import (
    ENDED_DEMO_WORDS,
    HistoryTableModel,
    customer_text,
    local_date,
    local_time,
)
from kombo_desktop.ui.history_place import TablePlace, place_in, return_to
from kombo_desktop.ui.result_panel import (
    DEMO_WARNING,
    LINK_COPIED_TEXT,
    cannot_open_words,
    file_name_words,
    link_refusal,
    open_in_browser,
)
from kombo_desktop.ui.save_names import may_replace, name_to_save
from kombo_desktop.ui.save_places import SavePlaces
from kombo_desktop.ui.tasks import TaskHandle, TaskRunner
from kombo_desktop.ui.widgets import (
    action_button,
    announce,
    chain_tab_order,
    enum_combo,
    hand_over_focus,
    own_viewport,
    plain_label,
    press_focused_button,
)

_log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 250
CSV_FILTER = "CSV file for spreadsheets (*.csv)"
EXPORT_DESCRIPTION = "Save the entries the search finds as a CSV file for spreadsheets"
EXPORTING_TEXT = "Saving the history…"
# The choice of the links listed, beside the search box: short, to be read whole beside the
# search's hint in a floating history on a 1366x768 laptop at 125 % ("Links that no l…").
SHOWING_NAMES = {
    Showing.ALL: "All links",
    Showing.WORKING: "Still working",
    Showing.NOT_WORKING: "No longer working",
}
# What the count says of the links it counts when one of the choices is made: one, several.
_COUNTED_LINKS = {
    Showing.WORKING: ("that still works", "that still work"),
    Showing.NOT_WORKING: ("that no longer works", "that no longer work"),
}


def count_words(total: int, searched: bool, showing: Showing) -> str:
    """What the count beside the search says of ``total`` links listed: which links it
    counts ("2 links that still work"), and "found" only of a search ("1 found that no
    longer works", "Nothing found"). It said "Nothing found" of the links that no longer
    work with nothing searched, and "6 found" of those that still work but "6 links" of all."""
    one, several = _COUNTED_LINKS.get(showing, ("", ""))
    which = one if total == 1 else several
    if searched:
        found = "Nothing found" if total == 0 else f"{total:,} found"
        return f"{found} {one if total == 0 else which}".rstrip()
    if total == 0:
        return f"No links {several}" if several else "No links made yet"
    links = "1 link" if total == 1 else f"{total:,} links"
    return f"{links} {which}".rstrip()


class _EntryTable(QTableView):
    """The entries. Arriving by keyboard selects one: Qt only marks a row as current, so the
    actions under the table stayed disabled, and Down went from that unselected newest entry
    to the second (with one entry found, the arrows selected nothing at all)."""

    def __init__(self) -> None:
        super().__init__()
        # Made here: handed Qt's own (``history_columns`` watches it), PySide6 set up every
        # widget class it knows at the history's first opening (see ``own_viewport``).
        self.setViewport(own_viewport(QPalette.ColorRole.Base))

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusInEvent(event)
        selection, model = self.selectionModel(), self.model()
        if (
            event.reason() is Qt.FocusReason.MouseFocusReason  # the click selects its own row
            or selection is None
            or selection.hasSelection()
            or model is None
            or model.rowCount() == 0
        ):
            return
        current = self.currentIndex()
        self.selectRow(current.row() if current.isValid() else 0)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        # Enter shows the entry, as a double click does. Qt does this itself except on macOS,
        # where Enter in a list only starts editing (which the table does not allow).
        current = self.currentIndex()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and current.isValid():
            self.activated.emit(current)
            event.accept()
            return
        super().keyPressEvent(event)


class HistoryPanel(QWidget):
    """Search box, table and actions. Emits ``show_requested(entry)``,
    ``fill_requested(entry)`` and ``deleted(entry)`` for the window, and ``notice(text, kind)``
    for its status line."""

    show_requested = Signal(object)  # HistoryEntry
    fill_requested = Signal(object)  # HistoryEntry
    deleted = Signal(object)  # HistoryEntry, no longer in the history
    notice = Signal(str, str)  # (plain sentence, "info" | "success" | "error" | "busy")
    # An export ended, after its notice: True when its file was saved, False when it failed.
    export_ended = Signal(bool)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Enter on a button reached with Tab presses it, as Space does; floating in a window
        of its own, the history is outside the main window's handling of it."""
        if not press_focused_button(self, event):
            super().keyPressEvent(event)

    def __init__(
        self,
        store: HistoryStore,
        runner: TaskRunner,
        catalog: Callable[[], ToolCatalog] | None = None,
        save_places: SavePlaces | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._save_places = save_places or SavePlaces()
        self.setObjectName("historyPanel")
        self.setAccessibleName("Link history")
        self._store = store
        self._runner = runner
        self._export: TaskHandle | None = None
        self._search_to_say = False  # a search was made: its count is said once it is in
        self._narrow = False
        self._compact = False  # floating over the form: see set_compact
        self._per_row = 2  # buttons in a row when narrow
        self._count_beside = False  # floating: the count beside the search box, see set_compact
        self._place: TablePlace | None = None  # see _note_place
        self.model = HistoryTableModel(store, runner, catalog, self)

        self.historySearchEdit = QLineEdit()
        self.historySearchEdit.setObjectName("historySearchEdit")
        self.historySearchEdit.setAccessibleName("Search the history")
        # Short enough to be read whole beside the form ("id": a customer or integration id).
        self.historySearchEdit.setPlaceholderText("Search: organisation, e-mail, id, tool or link")
        self.historySearchEdit.setAccessibleDescription(
            "Finds links by organisation, e-mail, customer id, tool, kind of system (such as "
            "recruiting or ATS) or integration id. Paste a link a customer sent back to see "
            "whose it is and until when it works."
        )
        self.historySearchEdit.setClearButtonEnabled(True)
        self.historyShowingCombo = enum_combo(
            "historyShowingCombo", "Which links to show", SHOWING_NAMES, Showing.ALL
        )
        # As wide as its longest choice: cut to "No longer w…", it no longer said which.
        self.historyShowingCombo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.historyShowingCombo.setAccessibleDescription(
            "Lists all links, only those that still work, or only those that no longer work: "
            "expired, or made by an earlier demo."
        )
        self.historyCountLabel = plain_label()
        self.historyCountLabel.setObjectName("historyCountLabel")
        self.historyCountLabel.setProperty("class", "hint")
        self.historyCountLabel.setTextFormat(Qt.TextFormat.PlainText)

        self.historyTable = _EntryTable()
        self.historyTable.setObjectName("historyTable")
        self.historyTable.setAccessibleName("Links made, newest first")
        self.historyTable.setModel(self.model)
        self._set_up_table()

        # They act on the entry selected here, not on the link the window shows: their
        # accessible names say so ("Copy link" is on both).
        selected = "selected history entry"
        self.historyCopyButton = action_button(
            "historyCopyButton", "Copy link", "Copy the entry's link", context=selected
        )
        self.historyQrButton = action_button(
            "historyQrButton",
            "Show QR code",
            "Show the entry's link and its QR code in the window",
            context=selected,
        )
        self.historyOpenButton = action_button(
            "historyOpenButton", "Open", "Open the entry's link in a browser", context=selected
        )
        self.historyFillButton = action_button(
            "historyFillButton",
            FILL_TEXT,
            "Fill the form with this entry's values to make a new or reconnection link",
            context=selected,
        )
        self.historyDeleteButton = action_button(
            "historyDeleteButton",
            "Delete…",
            "Delete this entry from the history",
            context=selected,
        )
        self.historyExportButton = action_button(
            "historyExportButton",
            "Export to CSV…",
            EXPORT_DESCRIPTION,
        )

        # In the order they stand in and are tabbed through.
        self._action_buttons = [
            self.historyCopyButton,
            self.historyQrButton,
            self.historyOpenButton,
            self.historyFillButton,
            self.historyDeleteButton,
            self.historyExportButton,
        ]

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        # Fires when the next loaded link expires, so that it is not shown valid any longer.
        self._expiry_timer = QTimer(self)
        self._expiry_timer.setSingleShot(True)

        self._build_layout()
        self._connect()
        self._update_actions()
        self._update_count()

    # --- construction ------------------------------------------------------------------------

    def _set_up_table(self) -> None:
        table = self.historyTable
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Tab moves on to the actions, as everywhere; the arrow keys move between rows.
        table.setTabKeyNavigation(False)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setSortingEnabled(False)  # the store decides the order: newest first
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = table.verticalHeader()
        rows.hide()
        # Fixed row heights and column widths: Qt never measures every row, so a table of
        # 100,000 entries lays out as fast as one of ten.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(table.fontMetrics().height() + 12)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.columns = HistoryColumns(table)

    def _build_layout(self) -> None:
        self._top = QGridLayout()
        self._top.setHorizontalSpacing(theme.SPACING)
        self._top.setVerticalSpacing(theme.SPACING // 2)
        self._top.setColumnStretch(0, 1)
        self._actions = QGridLayout()
        self._actions.setSpacing(theme.SPACING)
        self._arrange()

        layout = QVBoxLayout(self)
        # The same side margins as the window's content above, so the edges line up, and the
        # same below: its buttons are the window's lowest (docked, the dock reaches the window's
        # bottom edge; floating, they are its own), and with larger text they sat on the edge.
        layout.setContentsMargins(theme.MARGIN, theme.SPACING // 2, theme.MARGIN, theme.MARGIN)
        layout.setSpacing(theme.SPACING)
        layout.addLayout(self._top)
        layout.addWidget(self.historyTable, 1)
        layout.addLayout(self._actions)

        chain_tab_order(
            [
                self.historySearchEdit,
                self.historyShowingCombo,
                self.historyTable,
                *self._action_buttons,
            ]
        )

    def set_narrow(self, narrow: bool) -> None:
        """Beside the form the panel is narrow: the count of links goes under the search box,
        which keeps the panel's whole width for its hint, the buttons go in three rows of two,
        and the table's first columns are the organisation, the tool and the status (see
        ``history_columns``)."""
        if narrow != self._narrow:
            self._narrow = narrow
            self._arrange()

    def set_compact(self, compact: bool, width: int = 0, *, short: bool = False) -> None:
        """Floating over the form (a small screen, or large text: see ``history_dock``) the
        panel keeps its height for the table's rows: its buttons slim, and in rows of three
        where ``width`` (the panel's) holds three. In three rows of two at full height they
        left the table less than two rows of links on a 1366x768 laptop at 125 %. With its
        buttons in threes the count goes beside the search box where the row holds the search's
        hint whole, and, ``short`` of height for the panel (the screen's), anyway."""
        for button in self._action_buttons:
            if bool(button.property("slim")) != compact:
                button.setProperty("slim", compact)
                theme.refresh_style(button)
        per_row = 3 if compact and self._row_width(3) <= width else 2
        count_beside = compact and per_row == 3 and (short or self._top_row_width() <= width)
        if (compact, per_row, count_beside) != (self._compact, self._per_row, self._count_beside):
            self._compact, self._per_row, self._count_beside = compact, per_row, count_beside
            self._arrange()

    def keep_table_height(self, height: int) -> None:
        """Floating, the table is never made shorter than ``height`` pixels, which keep a few
        of its rows in view (see ``history_dock.place_floating``); 0 when docked, where the
        dock's height is chosen for its rows (``history_dock.plan_dock``) and the form keeps
        the rest of the window."""
        self.historyTable.setMinimumHeight(height)

    def _row_width(self, per_row: int) -> int:
        """The width of the widest row of ``per_row`` buttons, with the margins around them."""
        widths = [button.sizeHint().width() for button in self._action_buttons]
        rows = [widths[start : start + per_row] for start in range(0, len(widths), per_row)]
        widest = max(sum(row) + theme.SPACING * (len(row) - 1) for row in rows)
        return widest + 2 * theme.MARGIN

    def _top_row_width(self) -> int:
        """The width of the search box with its hint whole, the choice of links and the
        longest count beside them, with the margins around them: beside them in a floating
        history on a 1366x768 laptop at 125 %, the hint read "Search: organisation,…"."""
        edit = self.historySearchEdit
        metrics = edit.fontMetrics()
        # Qt sizes a line edit for 17 "x"s; the rest of its hint is the room around the text.
        around = edit.sizeHint().width() - 17 * metrics.horizontalAdvance("x")
        # The clear button's place, which the hint leaves free.
        search = (
            metrics.horizontalAdvance(edit.placeholderText()) + around + edit.sizeHint().height()
        )
        label = self.historyCountLabel.fontMetrics()
        count = max(
            label.horizontalAdvance(count_words(total, searched, showing))
            for total in (0, 1, 9_999)
            for searched in (False, True)
            for showing in Showing
        )
        combo = self.historyShowingCombo.sizeHint().width()
        return search + combo + count + 2 * theme.SPACING + 2 * theme.MARGIN

    def _arrange(self) -> None:
        """The count beside the search box and one row of buttons under a wide table, Export
        at its right end; the count under the search box and pairs of buttons when narrow
        (threes when compact, where they fit, with the count beside the search box again
        where it fits too)."""
        for widget in (self.historySearchEdit, self.historyShowingCombo, self.historyCountLabel):
            self._top.removeWidget(widget)
        # Floating with its buttons in threes, the panel may be wide enough for the count
        # beside the search box too (see set_compact), which leaves the table a row more on a
        # short screen. Under it, the search box keeps the panel's whole width for its hint,
        # the choice of links right of the count.
        below = self._narrow and not self._count_beside
        if below:
            self._top.addWidget(self.historySearchEdit, 0, 0, 1, 2)
            self._top.addWidget(self.historyCountLabel, 1, 0)
            self._top.addWidget(self.historyShowingCombo, 1, 1)
        else:
            self._top.addWidget(self.historySearchEdit, 0, 0)
            self._top.addWidget(self.historyShowingCombo, 0, 1)
            self._top.addWidget(self.historyCountLabel, 0, 2)
        grid, buttons = self._actions, self._action_buttons
        for button in buttons:
            grid.removeWidget(button)
        for column in range(grid.columnCount()):
            grid.setColumnStretch(column, 0)
        if self._narrow:
            per_row = self._per_row
            for index, button in enumerate(buttons):
                grid.addWidget(button, index // per_row, index % per_row)
            grid.setColumnStretch(per_row, 1)
        else:
            for index, button in enumerate(buttons[:-1]):
                grid.addWidget(button, 0, index)
            grid.setColumnStretch(len(buttons) - 1, 1)
            grid.addWidget(buttons[-1], 0, len(buttons))
        self.columns.set_narrow(self._narrow)
        layout = self.layout()
        if layout is not None:  # it keeps the old arrangement's sizes until told
            layout.invalidate()
        self.updateGeometry()

    def _connect(self) -> None:
        self.historySearchEdit.textChanged.connect(lambda _text: self._search_timer.start())
        self.historySearchEdit.returnPressed.connect(self.apply_search)
        self._search_timer.timeout.connect(self.apply_search)
        self.historyShowingCombo.currentIndexChanged.connect(self._showing_chosen)
        self.historyTable.selectionModel().selectionChanged.connect(self._selection_changed)
        # A double click, or Enter on the selected entry (as the system decides): show it.
        self.historyTable.activated.connect(lambda _index: self.show_selected())
        self.historyCopyButton.clicked.connect(self.copy_selected)
        self.historyQrButton.clicked.connect(self.show_selected)
        self.historyOpenButton.clicked.connect(self.open_selected)
        self.historyFillButton.clicked.connect(self.fill_selected)
        self.historyDeleteButton.clicked.connect(self.delete_selected)
        self.historyExportButton.clicked.connect(self.export)
        self.model.modelAboutToBeReset.connect(self._note_place)
        self.model.page_loaded.connect(self._back_in_place)  # first: the rest follows it
        self.model.modelReset.connect(self._update_actions)
        self.model.rowsRemoved.connect(lambda *_args: self._update_actions())
        self.model.page_loaded.connect(self._update_count)
        self.model.page_loaded.connect(self._say_search_result)  # once the count is shown
        self.model.page_loaded.connect(self._update_actions)  # the count decides Export
        self._expiry_timer.timeout.connect(self._links_expired)
        self.model.page_loaded.connect(self._plan_expiry_check)
        self.model.modelReset.connect(self._plan_expiry_check)
        self.model.modelReset.connect(self._update_count)
        self.model.load_failed.connect(lambda text: self.notice.emit(text, "error"))
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.historyTable)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_selected)
        copy = QShortcut(QKeySequence(QKeySequence.StandardKey.Copy), self.historyTable)
        copy.setContext(Qt.ShortcutContext.WidgetShortcut)
        copy.activated.connect(self.copy_selected)

    # --- showing -------------------------------------------------------------------------------

    def activate(self) -> None:
        """The panel is shown: read the newest entries (for the search in the box)."""
        self._search_timer.stop()
        self.model.activate(self.historySearchEdit.text())

    def deactivate(self) -> None:
        """The panel is hidden: forget every loaded entry."""
        self._search_timer.stop()
        self.model.deactivate()

    def refresh(self) -> None:
        """A link was made or deleted elsewhere: read again if shown."""
        self.model.refresh()

    def apply_search(self) -> None:
        """Search now (the box's timer calls this a moment after the last keystroke)."""
        self._search_timer.stop()
        if not self.model.active:
            return
        text = self.historySearchEdit.text()
        if text != self.model.query:
            self._search_to_say = True
            self.model.set_query(text)

    def _showing_chosen(self, _index: int) -> None:
        """List the links chosen beside the search box, with the search typed in it."""
        self._search_timer.stop()
        showing = Showing(self.historyShowingCombo.currentData())
        if not self.model.active:
            self.model.set_showing(showing)  # read when the panel is shown
            return
        self._search_to_say = True
        self.model.set_showing(showing, self.historySearchEdit.text())

    def _update_count(self) -> None:
        total = self.model.total
        searched = bool(self.model.query.strip())
        if not self.model.active:
            text = ""
        elif total is None:
            # A search, or a choice of links: what is counted is what they find.
            searching = searched or self.model.showing is not Showing.ALL
            text = "Searching…" if searching else "Loading…"
        else:
            text = count_words(total, searched, self.model.showing)
        self.historyCountLabel.setText(text)

    def _say_search_result(self) -> None:
        """Have a screen reader say what a search found ("2 found", "Nothing found") when the
        reader is free, while the person is in the search box: the count beside it changed
        without a word, so they typed a name and never heard whether it was there. Once per
        search, not as more pages load; not when the history merely opens, nor to someone
        who has moved on (a reading that failed is said on the status line)."""
        if not self._search_to_say:
            return
        self._search_to_say = False
        asking = (self.historySearchEdit, self.historyShowingCombo)
        if self.model.total is not None and any(widget.hasFocus() for widget in asking):
            announce(self.historyCountLabel, self.historyCountLabel.text())

    def _note_place(self) -> None:
        """The list is about to be emptied: where the person is in it, to go back to once it
        is read again (``_back_in_place``). Emptied again before its first page came (read
        again once more), it keeps the place noted first."""
        place = place_in(self.historyTable, self.model)
        if place is not None:
            self._place = place

    def _back_in_place(self) -> None:
        """Rows came: the list read again keeps the entry selected and the place scrolled to,
        where they are still listed. Another search or choice of links starts at the top."""
        place, self._place = self._place, None
        if place is not None and self.model.read_again:
            return_to(self.historyTable, self.model, place)

    def _plan_expiry_check(self, now: datetime | None = None) -> None:
        """Wake up when the next of the links on show expires, or sooner, as the result area
        does (see ``expiry.next_look_ms``). A page read on the worker a moment before a link
        expired may arrive a moment after: then the list is read again at once."""
        if not self.model.active:
            self._expiry_timer.stop()
            return
        now = now or datetime.now(UTC)
        if self.model.out_of_date(now):
            self._expiry_timer.start(0)
            return
        upcoming = self.model.next_expiry(now)
        if upcoming is None:
            self._expiry_timer.stop()
            return
        self._expiry_timer.start(next_look_ms(upcoming - now))

    def _links_expired(self) -> None:
        """A link on show expired (or the next look is due): it is greyed, or, under "Still
        working", where people look for links they can still send, the list is read again
        without it (its first page then plans the next look). Under "No longer working" the
        list is read again as a link found that still worked expires: it joins the list then,
        not only once the list was read again for another reason.

        The clock is read once for all of it: a timer fired a moment early found the link
        still working, and a second reading, a moment later, planned the next look without
        it, an hour away, while the expired link stayed under "Still working"."""
        now = datetime.now(UTC)
        if self.model.out_of_date(now):
            self.model.refresh()
            return
        self.model.show_statuses_again()
        self._update_actions()
        self._plan_expiry_check(now)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update_actions()

    def _update_actions(self) -> None:
        entry = self.selected_entry()
        for button in (
            self.historyCopyButton,
            self.historyQrButton,
            self.historyFillButton,
            self.historyDeleteButton,
        ):
            button.setEnabled(entry is not None)
        problem = link_refusal(entry.url, entry.is_demo) if entry is not None else None
        ended_demo = entry is not None and entry.from_an_ended_demo(self.model.demo_origin)
        valid = entry is not None and entry.is_valid()
        self.historyOpenButton.setEnabled(valid and not ended_demo and problem is None)
        if problem is not None:
            tip = cannot_open_words(problem)
        elif ended_demo:
            tip = ENDED_DEMO_WORDS
        elif entry is not None and not valid:
            tip = "This link has expired and no longer works."
        else:
            tip = "Open the link in a browser"
        self.historyOpenButton.setToolTip(tip)
        nothing = self.model.total == 0
        self.historyExportButton.setEnabled(self._export is None and not nothing)
        self.historyExportButton.setToolTip(
            "Nothing to export: the search finds no links." if nothing else EXPORT_DESCRIPTION
        )

    # --- the selected entry --------------------------------------------------------------------

    def selected_entry(self) -> HistoryEntry | None:
        selection = self.historyTable.selectionModel()
        if selection is None:
            return None
        rows = selection.selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    def select_row(self, row: int) -> None:
        """Select the entry in ``row``, as a click on it would. Only the tests call it: the
        person selects with the mouse or the arrow keys, which the table handles itself."""
        self.historyTable.selectRow(row)

    def copy_selected(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            return
        problem = link_refusal(entry.url, entry.is_demo)
        if problem is not None:  # pasted into a message, it would reach the customer
            self.notice.emit(unusable_link_words(problem), "error")
            return
        from kombo_desktop.ui import rich_copy

        rich_copy.copy_link(entry.url, entry.is_demo)
        # Why it no longer works comes first, as when the link on show is copied
        # (``ResultPanel.copy_link``): an expired demo link said only that it was a demo link.
        if entry.from_an_ended_demo(self.model.demo_origin):
            self.notice.emit(
                "Demo link copied, but it was made by an earlier demo session and no longer opens.",
                "info",
            )
        elif not entry.is_valid():
            self.notice.emit(
                f"Link copied, but it expired on {local_date(entry.expires_at)} and no longer "
                f"works. Use “{FILL_TEXT}” to make a new one.",
                "info",
            )
        elif entry.is_demo:
            self.notice.emit(f"Demo link copied. {DEMO_WARNING}", "info")
        else:
            self.notice.emit(LINK_COPIED_TEXT, "success")

    def show_selected(self) -> None:
        self._with_selected(self.show_requested.emit)

    def open_selected(self) -> None:
        def open_entry(entry: HistoryEntry) -> None:
            problem = link_refusal(entry.url, entry.is_demo)
            if problem is not None:
                self.notice.emit(cannot_open_words(problem), "error")
                return
            if entry.from_an_ended_demo(self.model.demo_origin):
                self.notice.emit(ENDED_DEMO_WORDS, "info")
                return
            if not entry.is_valid():
                self.notice.emit("This link has expired and no longer works.", "info")
                return
            self.notice.emit(*open_in_browser(entry.url, entry.is_demo))

        self._with_selected(open_entry)

    def fill_selected(self) -> None:
        self._with_selected(self.fill_requested.emit)

    def _with_selected(self, act: Callable[[HistoryEntry], object]) -> None:
        """``act`` on the selected entry; nothing when no entry is selected."""
        entry = self.selected_entry()
        if entry is not None:
            act(entry)

    def delete_selected(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            return
        what = "reconnection link" if entry.kind is EntryKind.RELINK else "link"
        if entry.is_valid():
            consequence = (
                "Only this program forgets it: the link itself keeps working until "
                f"{local_date(entry.expires_at)}, and the duplicate warning will no longer "
                "know about it."
            )
        else:
            consequence = "The link has already expired."
        question = (
            f"Delete the {what} for {customer_text(entry)} made on "
            f"{local_time(entry.created_at)} from the history?\n\n{consequence}"
        )
        if not confirm(self.window(), "Delete from the history?", question, "Delete"):
            return
        # On a worker thread: writing waits for the disk, and for another program holding
        # the file (a second, with the window frozen, when it was done on the UI thread).
        store = self._store
        try:
            self._runner.run(
                lambda _token: store.delete(entry.id),
                on_done=lambda _found: self._deleted(entry),
                on_error=lambda error: self._not_deleted(entry, error),
                owner=self,
                name="history-delete",
            )
        except RuntimeError as error:  # the window is closing
            self._not_deleted(entry, error)

    def _deleted(self, entry: HistoryEntry) -> None:
        self.model.remove_entry(entry.id)
        self._update_count()
        self.notice.emit("The entry was deleted from the history.", "success")
        self.deleted.emit(entry)

    def _not_deleted(self, entry: HistoryEntry, error: BaseException) -> None:
        if not isinstance(error, HistoryError | RuntimeError):  # a slip: reported, not hidden
            sys.excepthook(type(error), error, error.__traceback__)
        _log.warning("Deleting history entry %s failed: %s", entry.id, error)
        self.notice.emit(failure_words(error, "The entry could not be deleted."), "error")

    # --- export --------------------------------------------------------------------------------

    def export(self) -> None:
        """Ask where to save, then write the entries the current search finds (among the
        links chosen beside it) as CSV."""
        if self._export is not None:
            return
        self.apply_search()
        # Named after the search and the links chosen, if any: the file holds those links,
        # not the whole history.
        showing = self.model.showing
        chosen = "" if showing is Showing.ALL else SHOWING_NAMES[showing]
        search = file_name_words(f"{self.model.query} {chosen}")
        suggested = self._save_places.export_suggestion(
            f"kombo-link-history-{search + '-' if search else ''}{datetime.now():%Y-%m-%d}.csv"
        )
        path, _filter = QFileDialog.getSaveFileName(
            self.window(), "Export the history", suggested, CSV_FILTER
        )
        if not path:
            return  # the person closed the dialog
        typed = Path(path)
        target = name_to_save(typed, ".csv", (".csv", ".txt", ".tsv"))
        if not may_replace(self.window(), "Export the history", typed, target):
            return
        store, query, which = self._store, self.model.query, self.model.which_links()
        # The layout the spreadsheet on this computer opens in columns (see csv_separator).
        locale = QLocale()
        separator = csv_separator(target, locale.decimalPoint(), locale.name())

        def work(token: CancelToken) -> int:
            # Read beside the store's connection: Create's duplicate check need not wait.
            # Stopped when the window closes (see ``export_closing``): it then writes nothing.
            entries = store.export_entries(query, stop=token, which=which)
            # Demo links judged as the table judges them: working only where the demo runs now.
            return export_csv(
                entries, target, separator=separator, stop=token, demo_origin=which.demo_origin
            )

        def finished() -> None:
            self._export = None
            self._update_actions()

        def done(count: int) -> None:
            finished()
            self._save_places.remember("export", target)
            entries = "1 entry" if count == 1 else f"{count:,} entries"
            self.notice.emit(f"{entries} saved as {target}.", "success")
            self.export_ended.emit(True)

        def failed(error: BaseException) -> None:
            finished()
            _log.warning("Exporting the history failed: %s", error)
            self.notice.emit(failure_words(error, "The history could not be exported."), "error")
            self.export_ended.emit(False)

        try:
            self._export = self._runner.run(
                work,
                on_done=done,
                on_error=failed,
                on_cancelled=finished,
                owner=self,
                name="history-export",
            )
        except RuntimeError:  # the window is closing
            return
        # Export waits, disabled, until the file is written; the focus goes to the table
        # first, or Qt would give it to the window's first stop ("Leave the demo", "Screen-
        # sharing mode"), where the next Space left the demo or hid the history.
        hand_over_focus([self.historyExportButton], self.historyTable)
        self._update_actions()
        self.notice.emit(EXPORTING_TEXT, "busy")

    @property
    def exporting(self) -> bool:
        """Whether an export is being written (its outcome not told yet)."""
        return self._export is not None

    def stop_export(self) -> TaskHandle | None:
        """Stop the export being written, as the window closes: it writes nothing once it
        notices (a file being written is finished first). Its task while its worker still
        runs, for the window to wait for; None when there is none."""
        export = self._export
        if export is None:
            return None
        export.cancel()
        return export if export.running else None
