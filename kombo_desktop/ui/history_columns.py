"""Which of the history table's columns come first, and how wide they are.

Below the form the table has the window's whole width: every column is in view, in the order
an entry is told (when, for whom, which tool, what kind, whether it still works).

Beside the form, where it stands on most laptops (1366x768, and 1920x1080 at 150 %), the
table has room for about three columns, and in the order above they were when, organisation
and half an e-mail address: what staff open the history for, "was this customer already sent a
link for this tool, and does it still work?", was a sideways scroll away. There the
organisation, the tool and the status come first and share the width in view: the status
column as wide as its longest usual text ("Valid until 28 May 2027") when the names keep room
to be read, narrower otherwise. The other columns follow a scroll away, and every cell's
tooltip holds its whole text.

Only the header's order changes, never the model's columns, so selection, tooltips, the CSV
export and screen readers' cell names are the same in both arrangements.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QTableView

from kombo_desktop.core.vocabulary import day_text
from kombo_desktop.ui.event_filters import reports_errors
from kombo_desktop.ui.history_model import (
    COLUMNS,
    CUSTOMER_ID,
    EMAIL,
    ORGANISATION,
    STATUS,
    TOOL,
    TYPE,
    WHEN,
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
NARROW_ORDER: Final = (ORGANISATION, TOOL, STATUS, WHEN, EMAIL, CUSTOMER_ID, TYPE)
# Narrow, the organisation and the tool keep at least this much, which shows a name such as
# "Acme GmbH" or "Personio" whole; the status column has what is left up to its full width
# (an expired entry is greyed in every column, so a cut-off status still says the essential).
ORGANISATION_AT_LEAST: Final = 120
TOOL_AT_LEAST: Final = 90
STATUS_AT_LEAST: Final = 70
# What the organisation gets of the width the status leaves it and the tool (beyond the least).
ORGANISATION_SHARE: Final = 0.55
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
        status = max(STATUS_AT_LEAST, min(self.status_width(), width - least))
        rest = max(least, width - status)
        organisation = max(ORGANISATION_AT_LEAST, round(rest * ORGANISATION_SHARE))
        self._table.setColumnWidth(STATUS, status)
        self._table.setColumnWidth(ORGANISATION, organisation)
        self._table.setColumnWidth(TOOL, rest - organisation)

    def status_width(self) -> int:
        """Wide enough for "Valid until" and the widest date of any month in the table's font."""
        metrics = self._table.fontMetrics()
        widest = max(
            metrics.horizontalAdvance(f"Valid until {day_text(datetime(2027, month, 28))}")
            for month in range(1, 13)
        )
        return widest + CELL_PADDING
