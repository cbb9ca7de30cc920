"""Where the person is in the history's table: the entry selected and the one at the top of
the view, found again once the list is read again (``HistoryTableModel.refresh``: a link on
show expired, a key was learned, a link was made). Reading it again emptied the table: someone
who had scrolled down to a customer and was reading it was thrown back to the top, with
nothing selected.

Entries are found by their id, not their row: a link added on top, or one gone from the list,
moves every row below it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QTableView

from kombo_desktop.ui.history_model import HistoryTableModel


@dataclass(frozen=True)
class TablePlace:
    selected_id: int | None
    top_id: int | None  # the entry in the view's top row
    top_offset: int  # where that row starts, in pixels from the view's top edge (0 or less)
    scrolled: int  # the scroll bar's value: kept when the top entry is no longer listed


def place_in(table: QTableView, model: HistoryTableModel) -> TablePlace | None:
    """Where the person is in ``table`` now; None when nothing is listed."""
    if model.rowCount() == 0:
        return None
    selection = table.selectionModel()
    rows = selection.selectedRows() if selection is not None else []
    selected = model.entry(rows[0].row()) if rows else None
    top_row = table.rowAt(0)
    top = model.entry(top_row)
    return TablePlace(
        selected_id=selected.id if selected is not None else None,
        top_id=top.id if top is not None else None,
        top_offset=table.rowViewportPosition(top_row) if top is not None else 0,
        scrolled=table.verticalScrollBar().value(),
    )


def return_to(table: QTableView, model: HistoryTableModel, place: TablePlace) -> None:
    """Select the entry selected at ``place`` again, and scroll so that its top entry is where
    it was in the view, where they are still listed."""
    rows = {entry.id: row for row, entry in enumerate(model.entries())}
    selected = rows.get(place.selected_id) if place.selected_id is not None else None
    if selected is not None:
        table.selectRow(selected)  # scrolls to it: the place below decides
    # The rows just read are laid out now, not later: the scroll bar reaches them.
    table.updateGeometries()
    top = rows.get(place.top_id) if place.top_id is not None else None
    bar = table.verticalScrollBar()
    if top is not None:
        bar.setValue(table.verticalHeader().sectionPosition(top) - place.top_offset)
    else:
        bar.setValue(place.scrolled)
