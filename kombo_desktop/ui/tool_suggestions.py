"""The tool field's suggestion list: which tools match what is typed, and in which order.

Qt's completer keeps its model's order, so on its own it lists matches alphabetically: "work"
put Workday fourth, under ADP Workforce Now and Google Workspace. Here the completer reads the
tool list through ``RankedTools``, which puts the best matches first, as
``ToolCatalog.search`` ranks them; the combo box's own drop-down list stays alphabetical.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore
from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
)
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QWidget

from kombo_desktop.core.catalog import search_key
from kombo_desktop.ui.qt_enums import set_enum

# The item role holding a tool's search words: Qt.ItemDataRole.UserRole + 1, as a number so
# that the form's first frame does not build Qt's enums (see qt_enums).
SEARCH_ROLE = 0x0100 + 1
# Qt.ItemDataRole.UserRole, where the combo box keeps each entry's tool id (None for "the
# customer chooses").
TOOL_ID_ROLE = 0x0100
_NO_MATCH = 3  # after every rank ``ToolCatalog.rank`` gives; the completer hides these rows

# (tool id or None, the entry's name, what was typed) -> rank, as ``ToolCatalog.rank``.
Ranking = Callable[[str | None, str, str], int | None]


class RankedTools(QSortFilterProxyModel):
    """The tool list ordered by how well each entry matches the text last typed, then in the
    list's own (alphabetical) order. Filtering stays the completer's."""

    def __init__(self, ranking: Ranking, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._ranking = ranking
        self._keys: list[int] = []
        self._typed: str | None = None
        self.setDynamicSortFilter(False)  # sorted once per text typed, not at every change

    def rank_for(self, typed: str) -> None:
        """Order the entries for ``typed``; nothing happens when it is what was ranked last."""
        if typed == self._typed:
            return
        self._typed = typed
        source = self.sourceModel()
        rows = source.rowCount() if source is not None else 0
        # One number per row, compared in ``lessThan``: the rank, then the row.
        self._keys = []
        for row in range(rows):
            index = source.index(row, 0)
            rank = self._ranking(index.data(TOOL_ID_ROLE), str(index.data() or ""), typed)
            self._keys.append((_NO_MATCH if rank is None else rank) * rows + row)
        self.sort(0)

    def setSourceModel(self, source: QAbstractItemModel | None) -> None:  # noqa: N802 - Qt override
        self._typed = None  # new entries: rank them again at the next text typed
        self._keys = []
        super().setSourceModel(source)  # type: ignore[arg-type]

    def lessThan(  # noqa: N802 - Qt override
        self,
        left: QModelIndex | QPersistentModelIndex,
        right: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        # Called some n·log(n) times per text typed: kept to one comparison of two numbers.
        # Qt also sorts when it is handed a new list, before anything was typed: row order then.
        keys, left_row, right_row = self._keys, left.row(), right.row()
        if left_row < len(keys) and right_row < len(keys):
            return keys[left_row] < keys[right_row]
        return left_row < right_row


class ToolCompleter(QCompleter):
    """Matches what is typed against a tool's search words (``SEARCH_ROLE``) but puts the
    tool's name in the field: by default a completer puts there what it matched against.
    What is typed is matched without spaces or signs (see ``search_key``): "Bamboo HR" left
    the list empty, so the tool looked missing. The matches come best first (``RankedTools``).
    """

    def __init__(self, tools: QAbstractItemModel, ranking: Ranking, parent: QWidget) -> None:
        super().__init__(parent)
        self._ranked = RankedTools(ranking, self)
        self._ranked.setSourceModel(tools)
        self.setModel(self._ranked)
        set_enum(self, "filterMode", "MatchContains")
        set_enum(self, "caseSensitivity", "CaseInsensitive")
        # Matched against each tool's search words, so that "eurecia" finds Eurécia.
        self.setCompletionRole(SEARCH_ROLE)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setMaxVisibleItems(12)

    def set_tools(self, tools: QAbstractItemModel | None) -> None:
        """Read the tool list from ``tools``; None while the list is being filled (the
        completer follows every entry added, which made a long list slow to fill)."""
        self._ranked.setSourceModel(tools)

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt override
        # Qt asks for this with every text typed, before it filters: the one moment that
        # comes before the suggestions are shown, so it is where they are put in order.
        self._ranked.rank_for(path)
        return [search_key(path) or path]  # signs alone ("-") are matched as typed

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:  # noqa: N802 - Qt override
        return str(index.data(QtCore.Qt.ItemDataRole.DisplayRole) or "")


class ToolSearchEdit(QLineEdit):
    """The tool field's text: a click into a chosen entry ("The customer chooses", a tool's
    name) selects it, so that typing searches afresh, as after Tab. The click put the cursor
    into the name, and typing "work" searched for "The customer chooseswork", which found
    nothing. Text being typed is left as it is: the click goes on where it was put."""

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusInEvent(event)
        combo = self.parent()
        whole_entry = isinstance(combo, QComboBox) and combo.findText(self.text()) >= 0
        if whole_entry and event.reason() == QtCore.Qt.FocusReason.MouseFocusReason:
            # After the click has put the cursor, which would undo the selection.
            QtCore.QTimer.singleShot(0, self, self.selectAll)
