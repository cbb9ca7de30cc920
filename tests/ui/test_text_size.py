"""Text as large as the person's system makes it.

Someone who made the system's text larger (Windows' "Text size", a larger font on Linux) did it
to be able to read. The window's style sheet gave every text a fixed 11 pt, so they got the
same small text as everyone else. The window's sizes now grow in step with the system's text,
never below their usual size, and the window's pages still fit across.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from kombo_desktop.ui import theme
from kombo_desktop.ui.main_window import MINIMUM_SIZE, MainWindow
from tests.support.history_helpers import open_history
from tests.ui.conftest import SystemText, WindowFactory, fill_form, make_link

USUAL = theme.usual_system_points()
LARGER = 1.4  # e.g. Windows' "Text size" at 140 %, or 15 pt instead of 11 on Linux


@pytest.mark.parametrize(
    ("platform", "usual"), [("win32", 9), ("darwin", 13), ("linux", 10), ("linux", 11)]
)
def test_the_usual_system_text_or_a_smaller_one_keeps_the_usual_sizes(
    platform: str, usual: float
) -> None:
    for points in (usual, usual - 2):
        assert theme.text_scale(points, platform) == 1
        assert theme.text_sizes(points, platform) == theme.TextSizes()


def test_windows_text_size_setting_makes_every_size_larger_in_step() -> None:
    # "Text size" at 150 % makes Segoe UI 9 pt 13.5 pt.
    sizes = theme.text_sizes(13.5, "win32")
    assert sizes.base == pytest.approx(1.5 * theme.BASE_POINT_SIZE)
    assert sizes.title == pytest.approx(1.5 * theme.TITLE_POINT_SIZE)
    assert sizes.link == pytest.approx(1.5 * theme.LINK_POINT_SIZE)
    assert sizes.heading == pytest.approx(1.5 * theme.HEADING_POINT_SIZE)


def test_very_large_system_text_is_capped_so_the_window_still_fits_a_screen() -> None:
    for platform in ("win32", "darwin", "linux"):
        assert theme.text_scale(40, platform) == theme.LARGEST_TEXT_SCALE


def test_a_system_font_given_in_pixels_changes_nothing() -> None:
    assert theme.text_scale(-1, "win32") == 1  # QFont.pointSizeF() of a font set in pixels


def test_larger_system_text_makes_every_text_of_the_window_larger(
    qtbot: QtBot, system_text: SystemText, open_window: WindowFactory
) -> None:
    system_text(USUAL * LARGER)
    window = open_window("--demo")
    qtbot.waitExposed(window)

    def points(widget: QWidget) -> float:
        return widget.font().pointSizeF()

    for widget in (window.emailEdit, window.statusLabel, window.createButton, window.toolCombo):
        assert points(widget) == pytest.approx(LARGER * theme.BASE_POINT_SIZE), widget
    heading = window.findChild(QLabel, "headerTitle")
    assert points(heading) == pytest.approx(LARGER * theme.HEADING_POINT_SIZE)
    assert points(window.linkField) == pytest.approx(LARGER * theme.LINK_POINT_SIZE)
    banner = window.demoBanner.findChild(QLabel)
    assert points(banner) == pytest.approx(LARGER * theme.TITLE_POINT_SIZE)


def cut_off_at_the_right(window: MainWindow) -> list[str]:
    """Widgets of the form and the result that reach past their page's right edge: the pages
    scroll up and down only, so whatever is past it cannot be seen."""
    page = window.findChild(QScrollArea, "resultPage")
    form = window.linkForm.scrollArea
    widgets = {
        page: (window.linkField, window.copyButton, window.openButton, window.qrView),
        form: (window.emailEdit, window.organizationEdit, window.toolCombo),
    }
    cut = []
    for area, inside in widgets.items():
        for widget in inside:
            right = widget.mapTo(area.viewport(), QPoint(widget.width(), 0)).x()
            if right > area.viewport().width():
                cut.append(widget.objectName())
    return cut


def test_with_larger_text_the_smallest_window_cuts_nothing_off(
    qtbot: QtBot, system_text: SystemText, open_window: WindowFactory
) -> None:
    system_text(USUAL * LARGER)
    window = open_window("--demo")
    window.resize(*MINIMUM_SIZE)  # as small as a person can make it
    fill_form(window)
    make_link(qtbot, window)
    qtbot.wait(50)
    assert cut_off_at_the_right(window) == []


def test_with_larger_text_the_history_beside_the_form_cuts_nothing_off(
    qtbot: QtBot, system_text: SystemText, open_window: WindowFactory
) -> None:
    # A 1366x768 laptop, 15 pt text: the history docked beside a window content only as wide
    # as it is at 11 pt, and the fields and the result's buttons lost their right edges.
    system_text(USUAL * LARGER)
    window = open_window("--demo")
    window.resize(1342, 712)  # as wide as the laptop's screen lets it grow for the history
    fill_form(window)
    make_link(qtbot, window)
    open_history(qtbot, window)
    qtbot.wait(50)
    assert cut_off_at_the_right(window) == []
