"""Widgets a test looks up, typed as what it found.

Qt's lookups (``findChild``, a combo box's ``lineEdit``, a field's ``completer``) may return
None. A test that asks for a widget which is not there fails here, saying which one, rather
than a line later on ``None``; and a type checker knows what the test holds.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QCompleter,
    QLineEdit,
    QMainWindow,
    QScrollArea,
    QWidget,
)

Found = TypeVar("Found", bound=QObject)


def named(parent: QObject, kind: type[Found], name: str) -> Found:
    """The ``kind`` named ``name`` among ``parent``'s children (``findChild``), which must exist."""
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r} in {parent.objectName()!r}"
    return found


def line_edit_of(combo: QComboBox) -> QLineEdit:
    """The field of a combo box that takes typing (an editable one has it)."""
    edit = combo.lineEdit()
    assert edit is not None, f"{combo.objectName()!r} takes no typing"
    return edit


def completer_of(edit: QLineEdit | QComboBox) -> QCompleter:
    """The suggestions a field (or combo box) offers as one types."""
    completer = edit.completer()
    assert completer is not None, f"{edit.objectName()!r} suggests nothing"
    return completer


def popup_of(edit: QLineEdit | QComboBox) -> QAbstractItemView:
    """The list in which a field's suggestions show."""
    popup = completer_of(edit).popup()
    assert popup is not None, f"{edit.objectName()!r} has no list for its suggestions"
    return popup


def central_of(window: QMainWindow) -> QWidget:
    """What a window shows inside its frame (it has it once built)."""
    central = window.centralWidget()
    assert central is not None, f"{window.objectName()!r} shows nothing yet"
    return central


def content_of(area: QScrollArea) -> QWidget:
    """What a scroll area scrolls."""
    content = area.widget()
    assert content is not None, f"{area.objectName()!r} scrolls nothing"
    return content


def focused() -> QWidget:
    """The widget the next key pressed goes to (one has the focus while a window is active)."""
    widget = QApplication.focusWidget()
    assert widget is not None, "no widget has the focus"
    return widget
