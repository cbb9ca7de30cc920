"""The tool field's suggestion list: which tools match what is typed, and in which order.

Qt's completer keeps its model's order, so on its own it lists matches alphabetically: "work"
put Workday fourth, under ADP Workforce Now and Google Workspace. Here the completer reads the
tool list through ``RankedTools``, which puts the best matches first, as
``ToolCatalog.search`` ranks them; the combo box's own drop-down list stays alphabetical.

The first suggestion is highlighted as the list appears, and Enter or Tab takes the highlighted
one (``SuggestionKeys``), as in the searchable dropdowns people know from the web: Qt's own
list highlighted nothing, so Enter and Tab took nothing, and "bamboo", with BambooHR alone in
the list, was then said to be no tool Kombo offers. Down goes from the typed text into the list
at that first suggestion, as in a web page's search box, and Up from there back to the typed
text. Escape closes the list and keeps what was typed; Down opens it again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NamedTuple

from PySide6 import QtCore
from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSignalBlocker,
    QSortFilterProxyModel,
    Signal,
)
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QWidget

from kombo_desktop.core.catalog import search_key
from kombo_desktop.ui.event_filters import reports_errors
from kombo_desktop.ui.qt_enums import set_enum

if TYPE_CHECKING:  # named at run time, PySide6 would set the class up before the first frame
    from PySide6.QtWidgets import QAbstractItemView

# The item role holding a tool's search words: Qt.ItemDataRole.UserRole + 1, as a number so
# that the form's first frame does not build Qt's enums (see qt_enums).
SEARCH_ROLE = 0x0100 + 1
# Qt.ItemDataRole.UserRole, where the combo box keeps each entry's tool id (None for "the
# customer chooses").
TOOL_ID_ROLE = 0x0100
# After every place a ``Ranking`` gives (see ``LinkForm._suggestion_rank``); the completer
# hides these rows.
_NO_MATCH = 6

# (tool id or None, the entry's name, what was typed) -> its place among the suggestions
# (smaller first), or None when it does not match.
Ranking = Callable[[str | None, str, str], int | None]


class OpenSearch(NamedTuple):
    """The tool field while its suggestion list is open, as a refill of the tool list found
    it (see ``ToolCompleter.search_kept``): the text in the field, where its cursor was, and
    whether a suggestion was highlighted and which tool (its id, None for "the customer
    chooses")."""

    text: str
    cursor: int
    has_highlight: bool
    highlighted: str | None


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
    the list empty, so the tool looked missing. The matches come best first (``RankedTools``),
    the first highlighted; ``chosen`` tells the tool (its id, None for "the customer chooses")
    taken from the list with Enter or Tab (see ``SuggestionKeys``).
    """

    chosen = Signal(object)

    def __init__(self, tools: QAbstractItemModel, ranking: Ranking, parent: QWidget) -> None:
        super().__init__(parent)
        self._keys: SuggestionKeys | None = None  # made as the first text is typed
        self._typed = ""  # see ``typed_text``
        # Whether the highlighted suggestion was reached with the arrow keys, its name then in
        # the field: not when it is the one highlighted as the list appeared (see ``go_down``).
        self._arrowed = False
        edit = parent.lineEdit() if isinstance(parent, QComboBox) else None
        if edit is not None:  # None in a combo box without a field: nothing to type into
            edit.textEdited.connect(self._typing)
        self._ranked = RankedTools(ranking, self)
        self._ranked.setSourceModel(tools)
        self.setModel(self._ranked)
        set_enum(self, "filterMode", "MatchContains")
        set_enum(self, "caseSensitivity", "CaseInsensitive")
        # Matched against each tool's search words, so that "eurecia" finds Eurécia.
        self.setCompletionRole(SEARCH_ROLE)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setMaxVisibleItems(12)

    def popup(self) -> QAbstractItemView:
        """The suggestion list, never None (PySide6's type hints allow for it): Qt makes the
        list on first use, as this completer shows its suggestions in one (``PopupCompletion``)."""
        popup = super().popup()
        assert popup is not None
        return popup

    def set_tools(self, tools: QAbstractItemModel | None) -> None:
        """Read the tool list from ``tools``; None while the list is being filled (the
        completer follows every entry added, which made a long list slow to fill)."""
        self._ranked.setSourceModel(tools)

    def is_open(self) -> bool:
        """Whether the suggestion list is shown (it is made as the first text is typed)."""
        return self._keys is not None and self.popup().isVisible()

    @contextmanager
    def search_kept(self) -> Iterator[OpenSearch | None]:
        """Around a refill of the tool list (a fresh list from Kombo, say): the search the
        person is in the middle of goes on, the open list showing what the new list has for
        the text typed. Refilled, the list showed only "The customer chooses", highlighted (the
        combo box puts its first entry's name in as the search), and Enter took it in place of
        the tool the person saw highlighted. Now the field keeps its text and cursor, the list
        is filtered and ordered for the text typed again, the tool highlighted before stays
        highlighted if the new list has it (the best match otherwise), and the list closes
        when nothing matches. Yields what the open list showed, None when it was closed."""
        if not self.is_open():
            yield None
            return
        combo = self.widget()
        edit = combo.lineEdit() if isinstance(combo, QComboBox) else None
        popup = self.popup()
        current = popup.currentIndex()
        search = OpenSearch(
            text=edit.text() if edit is not None else "",
            cursor=edit.cursorPosition() if edit is not None else 0,
            has_highlight=current.isValid(),
            highlighted=current.data(TOOL_ID_ROLE) if current.isValid() else None,
        )
        arrowed = self._arrowed
        yield search
        if edit is not None:
            if edit.text() != search.text:
                edit.setText(search.text)
            edit.setCursorPosition(search.cursor)
        self.setCompletionPrefix(self._typed)  # filtered and ordered for it again
        self.complete()  # sized for the matches; closed when there are none
        if popup.isVisible():
            # Down goes on from a suggestion the arrow keys had reached, still shown.
            self._arrowed = self._highlight_again(search) and arrowed

    def _highlight_again(self, search: OpenSearch) -> bool:
        """Highlight the tool ``search`` had highlighted, or the first suggestion when none
        was or the list no longer shows it; True for the tool highlighted before."""
        model = self.completionModel()
        rows = range(model.rowCount()) if search.has_highlight else range(0)
        same = (r for r in rows if model.index(r, 0).data(TOOL_ID_ROLE) == search.highlighted)
        row = next(same, None)
        popup = self.popup()
        with QSignalBlocker(popup.selectionModel()):  # quietly, as in ``_highlight_first``
            popup.setCurrentIndex(model.index(row or 0, 0))
        popup.viewport().update()
        return row is not None

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt override
        # Qt asks for this with every text typed, before it filters: the one moment that
        # comes before the suggestions are shown, so it is where they are put in order.
        self._ranked.rank_for(path)
        return [search_key(path) or path]  # signs alone ("-") are matched as typed

    def _typing(self, text: str) -> None:
        """The person typed ``text`` (before Qt looks for its suggestions)."""
        self._typed = text
        self._arrowed = False
        if self._keys is None:
            self._take_keys()

    def go_down(self) -> None:
        """Down in the open list: from the typed text into the list, at the first suggestion.
        The first is highlighted as the list appears (for Enter), so Qt's own Down moved on
        from it to the second, and someone who pressed Down to reach the first and then
        Enter got the second. Un-highlighted, quietly, Qt's Down highlights the first and
        puts its name in the field, as the arrow keys do. Later Downs move on as usual."""
        if not self._arrowed:
            popup = self.popup()
            with QSignalBlocker(popup.selectionModel()):
                popup.selectionModel().clear()
        self._arrowed = True

    def arrowed(self) -> None:
        """An arrow key other than Down moved the highlight (see ``go_down``)."""
        self._arrowed = True

    def search_again(self, text: str) -> bool:
        """Open the list again for ``text`` in the field, its first suggestion highlighted as
        after typing it (Down in the field once Escape had closed the list); False when
        nothing matches, and the list stays closed."""
        if self._keys is None:
            self._take_keys()
        self._typed = text  # the text the suggestions are for, which Escape puts back
        self._arrowed = False
        self.setCompletionPrefix(text)
        first = self.completionModel().index(0, 0)
        if not first.isValid():
            return False
        self.complete()
        popup = self.popup()
        with QSignalBlocker(popup.selectionModel()):  # quietly, as in ``_highlight_first``
            popup.setCurrentIndex(first)
        popup.viewport().update()
        return True

    def _take_keys(self) -> None:
        """Make the list answer Enter, Tab and Escape as people expect, and highlight its
        first suggestion whenever it shows others. Done as the first text is typed, not
        while the window is made: the list itself is made after the first frame (see
        ``LinkForm.style_suggestions``), and the highlighting must follow the list's own
        reaction to new suggestions, which clears any highlight."""
        popup = self.popup()  # made now if it was not yet, with its own reactions first
        self._keys = SuggestionKeys(self, popup)
        popup.installEventFilter(self._keys)  # after the completer's own: asked first
        combo = self.widget()
        if isinstance(combo, QComboBox):  # it has the keyboard while the list is closed
            combo.installEventFilter(ClosedListKeys(self, combo))
        model = self.completionModel()
        model.modelReset.connect(self._highlight_first)
        model.layoutChanged.connect(self._highlight_first)

    def _highlight_first(self) -> None:
        """Highlight the best suggestion, so that Enter or Tab takes it. Quietly: announced,
        the completer put its name in the field at once, and the next letter typed went
        after it."""
        popup = self.popup()
        first = self.completionModel().index(0, 0)
        if not first.isValid() or popup.currentIndex().isValid():
            return
        self._arrowed = False
        with QSignalBlocker(popup.selectionModel()):
            popup.setCurrentIndex(first)
        popup.viewport().update()

    def take_highlighted(self) -> bool:
        """Close the list and tell the highlighted tool (``chosen``), the best suggestion when
        none is highlighted; False when the list is closed or shows nothing to take."""
        if not self.is_open():
            return False
        popup = self.popup()
        index = popup.currentIndex()
        if not index.isValid():
            index = self.completionModel().index(0, 0)
        if not index.isValid():
            return False
        popup.hide()
        self.chosen.emit(index.data(TOOL_ID_ROLE))
        return True

    def matches(self, typed: str) -> list[str | None]:
        """The tools the list shows for ``typed``, best first: their ids, None for "the
        customer chooses"."""
        if self.completionPrefix() != typed:
            self.setCompletionPrefix(typed)
        model = self.completionModel()
        return [model.index(row, 0).data(TOOL_ID_ROLE) for row in range(model.rowCount())]

    def typed_text(self) -> str:
        """What the person last typed into the field (not what the program put there, a
        tool filled in from the history, say): the text the suggestions are for."""
        return self._typed

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

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Enter that reaches the field while its suggestion list is open takes the
        highlighted suggestion, as Enter in the list does (``SuggestionKeys``), and goes no
        further: the field has the keyboard focus meanwhile, and Enter passed on from it to
        the form, which took it as "Create link" and made the link (or said what was
        missing) while the person was still choosing the tool. With the list closed Enter
        goes on to the form as before."""
        completer = self.completer()
        enter = event.key() in (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter)
        if enter and isinstance(completer, ToolCompleter) and completer.take_highlighted():
            event.accept()
            return
        super().keyPressEvent(event)


class ClosedListKeys(QObject):
    """Down and Up in the tool field while its suggestion list is closed.

    With text typed in the field (the list closed with Escape, say), they open the list again
    for it (``ToolCompleter.search_again``), and Down goes on into it, at the first suggestion:
    the drop-down list stepped on from the entry chosen before to the next in the alphabet, and
    the typed text was gone for a tool the person had never seen. With an entry's name in the
    field they step through the list as before, as in any drop-down list. Made as the first
    text is typed: before, the field holds no typed text.
    """

    def __init__(self, completer: ToolCompleter, combo: QComboBox) -> None:
        super().__init__(completer)
        self._completer = completer
        self._combo = combo

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is not self._combo or event.type() != QEvent.Type.KeyPress:
            return False
        keys = QtCore.Qt.Key
        key = event.key()  # type: ignore[attr-defined]  # a QKeyEvent
        plain = event.modifiers() in (  # type: ignore[attr-defined]
            QtCore.Qt.KeyboardModifier.NoModifier,
            QtCore.Qt.KeyboardModifier.KeypadModifier,
        )
        if key not in (keys.Key_Down, keys.Key_Up) or not plain or self._completer.is_open():
            return False
        combo = self._combo
        text = combo.currentText()
        if text == combo.itemText(combo.currentIndex()):
            return False  # an entry's name: the drop-down list steps on
        if self._completer.search_again(text) and key == keys.Key_Down:
            QtCore.QCoreApplication.sendEvent(self._completer.popup(), event)  # into the list
        return True  # the typed text stays, even when nothing matches it


class SuggestionKeys(QObject):
    """Enter, Tab and Escape in the tool field's suggestion list, which has the keyboard
    while it is open.

    Enter takes the highlighted suggestion, the first unless the arrow keys moved on (see
    ``ToolCompleter._highlight_first``). The first Down goes to that first suggestion,
    putting its name in the field (``ToolCompleter.go_down``), and Up from it back to the
    typed text, as Qt's own list does. Tab takes it too and then moves on to the next
    field, as in the searchable dropdowns of web forms: someone who typed "green", saw
    Greenhouse on top and pressed Tab to go on means Greenhouse, and half a name left in
    the field would only come back as an error. Escape is the way to keep what was typed:
    it closes the list and puts back the typed text when the arrow keys had put a
    suggestion's name in its place. Other keys go on to the completer, which hands them to
    the field.
    """

    def __init__(self, completer: ToolCompleter, popup: QAbstractItemView) -> None:
        super().__init__(completer)
        self._completer = completer
        self._popup = popup

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        key_events = (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)
        if watched is not self._popup or kind not in key_events:
            return False
        keys = QtCore.Qt.Key
        key = event.key()  # type: ignore[attr-defined]  # a QKeyEvent
        if kind == QEvent.Type.ShortcutOverride:
            # Escape is the window's key too (it stops waiting for Kombo): asked first, the
            # window took it, and the list stayed open.
            if key == keys.Key_Escape:
                event.accept()
                return True
            return False
        plain = event.modifiers() in (  # type: ignore[attr-defined]
            QtCore.Qt.KeyboardModifier.NoModifier,
            QtCore.Qt.KeyboardModifier.KeypadModifier,
        )
        if key in (keys.Key_Return, keys.Key_Enter):
            return self._completer.take_highlighted()
        if key == keys.Key_Down:  # with Alt too, as Qt's own list takes it
            self._completer.go_down()
            return False  # Qt's completer then moves the highlight
        if key in (keys.Key_Up, keys.Key_PageUp, keys.Key_PageDown):
            self._completer.arrowed()
            return False
        if key == keys.Key_Tab and plain:
            self._completer.take_highlighted()
            return False  # the completer then hands Tab to the field, which moves on
        if key == keys.Key_Escape:
            self._popup.hide()
            combo = self._completer.widget()
            typed = self._completer.typed_text()
            if isinstance(combo, QComboBox) and combo.currentText() != typed:
                combo.setEditText(typed)
            return True
        return False
