"""Which of the history table's columns come first, and how wide they are.

Below the form the table has the window's whole width: every column is in view, in the order
an entry is told (when, for whom, which tool, what kind, whether it still works).

Beside the form, where it stands on most laptops (1366x768, and 1920x1080 at 150 %), the
table has room for about three columns, and in the order above they were when, organisation
and half an e-mail address: what staff open the history for, "was this customer already sent a
link for this tool, and does it still work?", was a sideways scroll away. There the
organisation, the tool, when the link was made and until when it works come first and share
the width in view, the last two in their short wording (``HistoryTableModel.set_compact``:
"30 Nov, 22:15" and "30 Nov 2027" under "Valid until") and as wide as their longest usual
text, the organisation and the tool sharing the rest. The time it was made is what tells two
links for one customer and tool apart: a scroll away, with only the organisation, the tool
and the status in view, two such rows read the same. The other columns follow a scroll away,
and every cell's tooltip holds its whole text and the rest of the entry
(``HistoryTableModel.tooltip``).

Only the header's order changes, never the model's columns, so selection, tooltips, the CSV
export and screen readers' cell names are the same in both arrangements.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Final

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QTableView

from kombo_desktop.core.vocabulary import day_text
from kombo_desktop.ui.event_filters import reports_errors
from kombo_desktop.ui.history_model import (
    COLUMNS,
    COMPACT_STATUS_TITLE,
    CUSTOMER_ID,
    EMAIL,
    ORGANISATION,
    STATUS,
    TOOL,
    TYPE,
    WHEN,
    HistoryTableModel,
)

# Below the form: together narrower than the window's usual width, so "Valid until ..." is
# not cut off.
WIDE_WIDTHS: Final = {
    WHEN: 175,
    ORGANISATION: 175,
    EMAIL: 200,
    CUSTOMER_ID: 110,
    TOOL: 130,
    TYPE: 150,
    STATUS: 190,
}
WIDE_ORDER: Final = tuple(range(len(COLUMNS)))
NARROW_ORDER: Final = (ORGANISATION, TOOL, WHEN, STATUS, TYPE, EMAIL, CUSTOMER_ID)
# Narrow, the organisation and the tool keep at least this much together, which shows names
# such as "Acme GmbH" and "Personio" whole; the time made and the status have what is left up
# to their full widths (an expired entry is greyed in every column, so a cut-off status still
# says the essential).
ORGANISATION_AT_LEAST: Final = 120
TOOL_AT_LEAST: Final = 80
WHEN_AT_LEAST: Final = 60
STATUS_AT_LEAST: Final = 60
# What the organisation gets of the width the others leave it and the tool: the larger share,
# as names of organisations are longer than names of tools.
ORGANISATION_SHARE: Final = 0.62
# Room around a cell's text: Qt's margins on each side and the grid line.
CELL_PADDING: Final = 16

assert set(WIDE_WIDTHS) == set(WIDE_ORDER) == set(NARROW_ORDER)


class HistoryColumns(QObject):
    """Arranges ``table``'s columns wide (the default) or narrow (see the module docstring).

    Narrow, the first three columns are fitted again whenever the table's view changes width
    (the window resized, the dock's edge dragged, the vertical scroll bar coming or going).
    Changing a column's width never changes the view's, so this cannot feed itself.
    """

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self._table = table
        self._narrow = False
        table.viewport().installEventFilter(self)
        self._arrange()

    def set_narrow(self, narrow: bool) -> None:
        if narrow != self._narrow:
            self._narrow = narrow
            model = self._table.model()
            if isinstance(model, HistoryTableModel):
                model.set_compact(narrow)
            self._arrange()

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if self._narrow and event.type() == QEvent.Type.Resize:
            self._fit_first_columns()
        return False

    def _arrange(self) -> None:
        header = self._table.horizontalHeader()
        for place, column in enumerate(NARROW_ORDER if self._narrow else WIDE_ORDER):
            header.moveSection(header.visualIndex(column), place)
        for column, width in WIDE_WIDTHS.items():
            self._table.setColumnWidth(column, width)
        if self._narrow:
            self._fit_first_columns()

    def _fit_first_columns(self) -> None:
        width = self._table.viewport().width()
        least = ORGANISATION_AT_LEAST + TOOL_AT_LEAST
        when, status = self.when_width(), self.status_width()
        # Short of room, the time and the status give up the same width, down to their least.
        missing = max(0, least + when + status - width)
        when = max(WHEN_AT_LEAST, when - (missing + 1) // 2)
        status = max(STATUS_AT_LEAST, status - missing // 2)
        rest = max(least, width - when - status)
        organisation = max(ORGANISATION_AT_LEAST, round(rest * ORGANISATION_SHARE))
        self._table.setColumnWidth(WHEN, when)
        self._table.setColumnWidth(STATUS, status)
        self._table.setColumnWidth(ORGANISATION, organisation)
        self._table.setColumnWidth(TOOL, rest - organisation)

    def when_width(self) -> int:
        """Wide enough for the short time made ("28 May, 22:22") of any month."""
        return self._widest(lambda day: f"{day.rsplit(' ', 1)[0]}, 22:22")

    def status_width(self) -> int:
        """Wide enough for the short status (the widest date of any month) and its title."""
        title = self._table.horizontalHeader().fontMetrics().horizontalAdvance(COMPACT_STATUS_TITLE)
        return max(self._widest(lambda day: day), title + CELL_PADDING)

    def _widest(self, text: Callable[[str], str]) -> int:
        """The width of the widest ``text`` of the 28th of any month, in the table's font."""
        metrics = self._table.fontMetrics()
        widest = max(
            metrics.horizontalAdvance(text(day_text(datetime(2027, month, 28))))
            for month in range(1, 13)
        )
        return widest + CELL_PADDING
