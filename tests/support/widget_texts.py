"""Every text a live widget holds or offers to assistive technology, for searches for a key.

A key must show nowhere on screen, nor reach a screen reader: the secret-hygiene run and the
Settings key checks walk every widget with this and look for it in what they find.
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QComboBox, QTabWidget, QWidget


def widget_texts(of: QWidget | None = None) -> Iterator[tuple[str, str]]:
    """Every text any live widget holds or offers to assistive technology; with ``of``, only
    the widgets of that window (its pop-ups and dialogs too): those of windows earlier tests
    closed may still be alive."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    for widget in app.allWidgets():
        if of is not None and not _belongs_to(widget, of):
            continue
        where = f"{type(widget).__name__}#{widget.objectName()}"
        for name in (
            "toolTip",
            "accessibleName",
            "accessibleDescription",
            "whatsThis",
            "statusTip",
            "windowTitle",
            "windowIconText",
        ):
            yield f"{where}.{name}", getattr(widget, name)()
        for name in (
            "text",
            "placeholderText",
            "toPlainText",
            "currentText",
            "displayText",
            "title",
        ):
            method = getattr(widget, name, None)
            if callable(method):
                try:
                    value = method()
                except (TypeError, RuntimeError):  # a method of that name, not a text
                    continue
                if isinstance(value, str):
                    yield f"{where}.{name}", value
        for prop in widget.dynamicPropertyNames():
            name = bytes(prop.data()).decode()
            try:
                value = widget.property(name)
            except RuntimeError:  # Qt's own bookkeeping, of a type Python cannot see
                continue
            yield f"{where}.property({name})", str(value)
        for action in widget.actions():
            yield f"{where}.action", action.text()
            yield f"{where}.action.toolTip", action.toolTip()
        if isinstance(widget, QComboBox):
            for index in range(widget.count()):
                yield f"{where}[{index}]", widget.itemText(index)
                yield f"{where}[{index}].data", str(widget.itemData(index))
                tip = widget.itemData(index, Qt.ItemDataRole.ToolTipRole)
                yield f"{where}[{index}].toolTip", str(tip)
        if isinstance(widget, QTabWidget):
            for index in range(widget.count()):
                yield f"{where}.tab[{index}]", widget.tabText(index)
                yield f"{where}.tab[{index}].toolTip", widget.tabToolTip(index)
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            root = QModelIndex()
            try:
                columns = model.columnCount(root)
            except TypeError:  # list models (a completer's) hide it: they have one column
                columns = 1
            for row in range(model.rowCount(root)):
                for column in range(columns):
                    cell = model.index(row, column)
                    for role in (
                        Qt.ItemDataRole.DisplayRole,
                        Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.AccessibleTextRole,
                        Qt.ItemDataRole.UserRole,
                    ):
                        yield f"{where}[{row},{column}]", str(model.data(cell, role))


def _belongs_to(widget: QWidget, window: QWidget) -> bool:
    parent: QWidget | None = widget
    while parent is not None and parent is not window:
        parent = parent.parentWidget()
    return parent is window
