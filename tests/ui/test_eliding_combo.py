"""A dropdown too narrow for its chosen text ends it with "…" rather than mid-word."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QComboBox, QWidget
from pytestqt.qtbot import QtBot

from kombo_desktop.ui import qt_enums
from kombo_desktop.ui.main_window import MainWindow
from kombo_desktop.ui.widgets import choice_combo
from tests.support.laid_out import wait_until_laid_out

LONG = "Send to the customer (valid 1 year)"


def drawn_by_plain_dropdown(like: QComboBox, text: str) -> QImage:
    """How Qt's own dropdown, styled and sized like ``like``, draws ``text``."""
    plain = QComboBox(like.parentWidget())
    plain.setObjectName(like.objectName())
    plain.addItem(text)
    plain.setFixedSize(like.size())
    try:
        return plain.grab().toImage()
    finally:
        plain.deleteLater()


def test_a_narrow_dropdown_ends_its_text_with_an_ellipsis(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Beside the history on a 1366x768 laptop the link type read "Send to the customer (va".
    combo = demo_window.linkTypeCombo
    text = combo.currentText()
    combo.setFixedWidth(combo.fontMetrics().horizontalAdvance(text) // 2 + 60)
    wait_until_laid_out(qtbot)  # the window laid out around its new width
    drawn = combo.grab().toImage()

    assert drawn != drawn_by_plain_dropdown(combo, text)  # not cut off mid-word
    shortened = [text[:end].rstrip() + "…" for end in range(1, len(text))]
    assert any(drawn == drawn_by_plain_dropdown(combo, short) for short in shortened)


def test_a_dropdown_with_room_draws_its_text_as_qt_does(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    combo = demo_window.linkTypeCombo
    needed = combo.fontMetrics().horizontalAdvance(combo.currentText())
    # Just wide enough (the exact room is measured), comfortably wide, and wide.
    for width in (needed + 44, needed + 60, 400):
        combo.setFixedWidth(width)
        wait_until_laid_out(qtbot)
        assert combo.grab().toImage() == drawn_by_plain_dropdown(combo, combo.currentText())


class PaintCounter(QObject):
    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_before_qts_enums_are_built_it_is_drawn_as_qt_does_and_shortened_after(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The window's first frame leaves Qt's enums unbuilt (see qt_enums); a box too narrow then
    # is shortened as soon as they are.
    monkeypatch.setattr(qt_enums, "_warm", False)
    monkeypatch.setattr(qt_enums, "_waiting", [])
    combo = choice_combo("linkTypeCombo", "Link type", [(LONG, 1)], 1)
    qtbot.addWidget(combo)
    combo.setFixedWidth(140)
    paints = PaintCounter(combo)
    combo.show()
    qtbot.waitUntil(lambda: paints.count > 0)
    assert len(qt_enums._waiting) == 1  # a redraw is waiting for the enums
    combo.repaint()
    assert len(qt_enums._waiting) == 1  # asked for once

    before = paints.count
    qt_enums.warm_up()
    qtbot.waitUntil(lambda: paints.count > before)  # redrawn, now shortened
    assert qt_enums.is_warm() and qt_enums._waiting == []
