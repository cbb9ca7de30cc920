"""The window on small laptop screens: nothing important scrolls away or is cut off.

Staff use 1366x768 or 1440x900 screens, often at 125-150 % scaling, which leaves a window of
roughly 900x560 logical pixels. These tests shrink the real window to that size and check what
a person would see.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from kombo_desktop.ui.main_window import MINIMUM_SIZE, PREFERRED_SIZE, MainWindow, initial_size
from tests.ui.conftest import fill_form, make_link

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


def test_the_window_fits_a_small_laptop_screen() -> None:
    # 1366x768 with a task bar, and 1440x900 at 150 % scaling (960x600 logical pixels).
    for available in (QSize(1366, 728), QSize(960, 560)):
        width, height = initial_size(available)
        assert width <= available.width() and height <= available.height() - 40
    assert initial_size(QSize(2560, 1400)) == PREFERRED_SIZE


def test_nothing_is_cut_off_at_the_smallest_size(qtbot: QtBot, demo_window: MainWindow) -> None:
    demo_window.resize(*MINIMUM_SIZE)
    demo_window.linkForm.advanced.set_expanded(True)
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    qtbot.wait(50)
    central = demo_window.centralWidget()
    assert central.minimumSizeHint().width() <= MINIMUM_SIZE[0]
    # Scrolling pages scroll up and down only; their content must fit across.
    for page in (demo_window.linkForm.scrollArea, demo_window.findChild(QScrollArea, "resultPage")):
        content = page.widget()
        assert content.width() <= page.viewport().width(), page.objectName()
    for button in (demo_window.copyButton, demo_window.settingsButton, demo_window.createButton):
        assert fully_visible(button), button.objectName()
    assert not demo_window.qrView.pixmap().isNull()


def test_the_qr_code_is_never_cut_off_on_a_small_laptop(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    demo_window.resize(1093, 614)  # 1366x768 at 125 %, demo bar shown
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    qtbot.waitUntil(lambda: not demo_window.qrView.pixmap().isNull(), timeout=5000)
    qtbot.wait(50)
    assert fully_visible(demo_window.qrView)
    assert demo_window.qrView.width() >= 150
