"""The window on small laptop screens: nothing important scrolls away or is cut off.

Staff use 1366x768 or 1440x900 screens, often at 125-150 % scaling, which leaves a window of
roughly 900x560 logical pixels. These tests shrink the real window to that size and check what
a person would see.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kombo_desktop.ui.main_window import MainWindow

SMALL = (900, 560)


def fully_visible(widget: QWidget) -> bool:
    """True when every pixel of ``widget`` is on screen inside its window (not scrolled away
    or clipped by a parent)."""
    if not widget.isVisible():
        return False
    return widget.visibleRegion().boundingRect() == QRect(QPoint(0, 0), widget.size())


def test_create_button_stays_in_view_with_errors_and_advanced_options(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    demo_window.resize(*SMALL)
    demo_window.linkForm.advanced.set_expanded(True)
    demo_window.emailEdit.setText("anna@")
    demo_window.createButton.click()  # every field error appears
    qtbot.waitUntil(lambda: len(demo_window.linkForm.field_errors()) >= 2)
    qtbot.wait(50)
    assert fully_visible(demo_window.createButton)
    assert fully_visible(demo_window.relinkButton) is False  # other tab, hidden
    demo_window.tabs.setCurrentIndex(1)
    qtbot.wait(50)
    assert fully_visible(demo_window.relinkButton)


def test_the_first_field_error_is_scrolled_into_view(qtbot: QtBot, demo_window: MainWindow) -> None:
    demo_window.resize(*SMALL)
    demo_window.emailEdit.setText("anna@example.com")
    demo_window.organizationEdit.setText("Acme GmbH")
    demo_window.linkForm.advanced.set_expanded(True)
    demo_window.scopeConfigEdit.setText("has spaces inside")
    demo_window.linkForm.scrollArea.verticalScrollBar().setValue(0)
    demo_window.createButton.click()
    qtbot.waitUntil(lambda: "scope_config_id" in demo_window.linkForm.field_errors())
    qtbot.wait(50)
    error = demo_window.linkForm.boxes["scope_config_id"].error
    assert fully_visible(error)
