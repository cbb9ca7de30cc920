"""The history floated and docked again, by the person (the dock's own float button) or by
the program (a small screen): the list stays, the header stays in view, and the window and
the history stay on the screen.

The screens are those of ``test_short_window``: a 1366x768 laptop at 150 % with Windows' "Text
size" at 150 % leaves the window 911x485 logical pixels.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QDockWidget, QWidget
from pytestqt.qtbot import QtBot

from kombo_desktop.ui.history_dock import FLOATING_ROWS, PREFERRED_WIDTH
from kombo_desktop.ui.history_feature import HistoryFeature
from kombo_desktop.ui.history_model import ORGANISATION, STATUS, TOOL
from kombo_desktop.ui.main_window import CREATE_TAB, MainWindow
from tests.support.history_helpers import history_of, open_history
from tests.support.laid_out import wait_until_laid_out
from tests.ui.conftest import (
    SystemText,
    WindowFactory,
    fill_form,
    make_link,
    wait_until_settled,
)
from tests.ui.test_history_panel import add_demo_customers, shown_in_cell
from tests.ui.test_short_window import AT_125, AT_150, LAPTOPS, LARGER_TEXT, open_on

ROOMY = QRect(0, 0, 1920, 1040)  # 1920x1080 at 100 %, less the task bar
LAPTOP = QRect(0, 0, 1366, 728)  # 1366x768 at 100 %, less the task bar


def with_a_link_in_the_history(qtbot: QtBot, window: MainWindow) -> HistoryFeature:
    fill_form(window)
    make_link(qtbot, window)
    feature = open_history(qtbot, window)
    settled(qtbot, window)
    return feature


def settled(qtbot: QtBot, window: MainWindow) -> None:
    """Until the window has nothing left to do and neither it nor the history moves any more.
    The program places a history floated or docked by hand a turn of the event loop later
    (``HistoryPlacement._dock_top_level_changed``), and the window and the history lay out
    over more turns: a fixed wait could end before, on a loaded machine, and what the test
    then found absent (the list emptied, the window widened) could still come."""
    wait_until_settled(qtbot, window)
    wait_until_laid_out(qtbot)


def wait_placed(qtbot: QtBot, window: MainWindow, dock: QDockWidget, *, floating: bool) -> None:
    """Until the history is floating (or docked) and shown, and placed: ``settled``."""
    qtbot.waitUntil(lambda: dock.isFloating() == floating and dock.isVisible())
    settled(qtbot, window)


def float_button(dock: QDockWidget) -> QAbstractButton:
    button = dock.findChild(QAbstractButton, "qt_dockwidget_floatbutton")
    assert button is not None
    return button


def global_rect(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def covered_header_buttons(window: MainWindow, feature: HistoryFeature) -> list[str]:
    history = feature.dock.frameGeometry()
    buttons = (window.screen_sharing.privacySwitch, feature.historyButton, window.settingsButton)
    return [b.objectName() for b in buttons if history.intersects(global_rect(b))]


SCREENS = [
    pytest.param(ROOMY, 1.0, id="roomy"),
    pytest.param(AT_150, LARGER_TEXT, id="150%-text-150%"),
]


@pytest.mark.parametrize(("screen", "text_scale"), SCREENS)
def test_the_float_button_keeps_the_list_wherever_the_history_goes(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
    text_scale: float,
) -> None:
    # Qt hides the dock for a moment while it floats or docks it: that was taken for the
    # person closing it, and the list emptied and the History button came up, with the
    # panel still on screen.
    window = open_on(screen, text_scale, monkeypatch, system_text, open_window)
    feature = with_a_link_in_the_history(qtbot, window)
    dock, model = feature.dock, feature.panel.model
    assert model.rowCount() == 1
    for _ in range(2):  # floated (or docked) and back
        floating = dock.isFloating()
        float_button(dock).click()
        settled(qtbot, window)
        assert dock.isFloating() != floating or dock.isFloating()  # docked unless no room
        assert feature.history_open and dock.isVisible()
        assert model.active and model.rowCount() == 1
        assert feature.historyButton.isChecked()
    feature.historyButton.click()  # the button closes it as usual
    assert not feature.history_open and model.rowCount() == 0


def test_the_close_button_of_a_floating_history_still_closes_it(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    feature = with_a_link_in_the_history(qtbot, demo_window)
    if not feature.dock.isFloating():
        float_button(feature.dock).click()
        wait_placed(qtbot, demo_window, feature.dock, floating=True)
    feature.dock.close()
    assert not feature.historyButton.isChecked()
    assert feature.panel.model.rowCount() == 0


@pytest.mark.parametrize(("screen", "text_scale"), SCREENS)
def test_a_history_floated_by_its_button_covers_none_of_the_header(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
    text_scale: float,
) -> None:
    # Floated where Qt leaves it, it lay over the screen-sharing switch, History and
    # Settings: the way to turn screen-sharing mode back on was hidden.
    window = open_on(screen, text_scale, monkeypatch, system_text, open_window)
    feature = with_a_link_in_the_history(qtbot, window)
    dock = feature.dock
    if dock.isFloating():  # a small screen: the program floats it; docked and floated again
        float_button(dock).click()
        settled(qtbot, window)
    float_button(dock).click()
    wait_placed(qtbot, window, dock, floating=True)
    assert covered_header_buttons(window, feature) == []
    assert screen.contains(dock.frameGeometry())


@pytest.mark.parametrize("by_double_click", [False, True], ids=["float-button", "double-click"])
def test_a_history_floated_from_a_squeezed_window_covers_none_of_the_header(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    by_double_click: bool,
) -> None:
    # 1366x768 at 150 %: docked, the history squeezes the window's content, the header with
    # it. Floated again, with its float button or a double click, it was placed below where
    # the header ended while docked, 20 pixels above where it ends once the window has its
    # room back: over the screen-sharing switch.
    window = open_on(AT_150, 1.0, monkeypatch, system_text, open_window)
    feature = with_a_link_in_the_history(qtbot, window)
    dock = feature.dock
    assert dock.isFloating()  # the program floats it on this screen; docked by hand
    float_button(dock).click()
    wait_placed(qtbot, window, dock, floating=False)
    if by_double_click:
        double_click_title(qtbot, dock)
    else:
        float_button(dock).click()
    wait_placed(qtbot, window, dock, floating=True)
    assert covered_header_buttons(window, feature) == []
    assert AT_150.contains(dock.frameGeometry()), dock.frameGeometry()


def test_a_history_floated_from_the_bottom_gets_a_floating_size_beside_the_window(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
) -> None:
    # On a 1920-wide screen the history docks below the form, as wide as the window: floated
    # with its float button it kept that width (about 1180 pixels) and its docked height, lay
    # over the link and the form, and showed a single row of its table.
    window = open_on(ROOMY, 1.0, monkeypatch, system_text, open_window)
    feature = with_a_link_in_the_history(qtbot, window)
    dock = feature.dock
    assert not dock.isFloating()
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    float_button(dock).click()
    wait_placed(qtbot, window, dock, floating=True)
    history = dock.frameGeometry()
    assert ROOMY.contains(history), history
    assert not history.intersects(window.frameGeometry()), (history, window.frameGeometry())
    assert dock.width() <= max(PREFERRED_WIDTH, dock.minimumSizeHint().width())
    assert dock.height() >= window.height() - 1  # as tall as the window, as from the side
    table = feature.panel.historyTable
    assert table.viewport().height() >= 6 * table.verticalHeader().defaultSectionSize()


def double_click_title(qtbot: QtBot, dock: QDockWidget) -> None:
    """A double click on the docked history's title, left of its buttons, and the mouse
    button let go after it (which Qt's double click leaves pressed)."""
    y = float_button(dock).geometry().center().y()
    qtbot.mouseDClick(dock, Qt.MouseButton.LeftButton, pos=QPoint(3 * y, y))
    qtbot.mouseRelease(dock, Qt.MouseButton.LeftButton, pos=QPoint(3 * y, y))
    assert QGuiApplication.mouseButtons() == Qt.MouseButton.NoButton


def test_a_history_floated_by_a_double_click_is_placed_as_by_its_float_button(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
) -> None:
    # Floated with a double click on its title, the history went back where it last floated
    # (or stayed where it was docked), even when the window had been moved under it since:
    # it lay over the screen-sharing switch, History and Settings. Its float button moved it
    # clear of them.
    window = open_on(ROOMY, 1.0, monkeypatch, system_text, open_window)
    feature = with_a_link_in_the_history(qtbot, window)
    dock = feature.dock
    assert not dock.isFloating()
    float_button(dock).click()  # floated beside the window, then docked again
    wait_placed(qtbot, window, dock, floating=True)
    float_button(dock).click()
    qtbot.waitUntil(lambda: not dock.isFloating() and dock.isVisible())
    window.move(ROOMY.right() + 1 - window.frameGeometry().width(), 0)  # where it floated
    settled(qtbot, window)

    double_click_title(qtbot, dock)
    wait_placed(qtbot, window, dock, floating=True)
    by_double_click = dock.frameGeometry()
    assert covered_header_buttons(window, feature) == []
    assert ROOMY.contains(by_double_click), by_double_click
    assert feature.history_open and feature.panel.model.rowCount() == 1

    float_button(dock).click()  # docked, and floated again with its float button
    qtbot.waitUntil(lambda: not dock.isFloating() and dock.isVisible())
    float_button(dock).click()
    wait_placed(qtbot, window, dock, floating=True)
    assert dock.frameGeometry() == by_double_click


def test_on_a_small_screen_with_larger_text_the_floating_history_fits_the_screen(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
) -> None:
    # 1366x768 at 150 % with larger text: the program floated the history 684 pixels high
    # on a screen 485 high, over the header, and "Copy link", "Fill the form" and "Export"
    # were off the screen.
    window = open_on(AT_150, LARGER_TEXT, monkeypatch, system_text, open_window)
    feature = with_a_link_in_the_history(qtbot, window)
    dock = feature.dock
    assert dock.isFloating()
    assert AT_150.contains(dock.frameGeometry()), dock.frameGeometry()
    assert covered_header_buttons(window, feature) == []
    panel = feature.panel
    for button in (panel.historyCopyButton, panel.historyFillButton, panel.historyExportButton):
        assert button.isVisible() and AT_150.contains(global_rect(button)), button.objectName()
        assert button.visibleRegion().boundingRect().size() == button.size()
    assert panel.historyTable.viewport().height() > 0  # the table scrolls in what is left


def test_on_a_small_screen_with_larger_text_the_floating_history_shows_whole_rows(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
) -> None:
    # 1366x768 at 150 % with larger text, the window a little lower on the screen: the
    # history floated below the header as tall as the screen left it, and its table showed
    # less than one whole row (25 pixels of a 37-pixel row); it could be made shorter still.
    window = open_on(AT_150, LARGER_TEXT, monkeypatch, system_text, open_window)
    window.move(0, 60)
    feature = with_a_link_in_the_history(qtbot, window)
    dock, panel = feature.dock, feature.panel
    assert dock.isFloating()
    table = panel.historyTable
    rows = FLOATING_ROWS * table.verticalHeader().defaultSectionSize()
    assert table.viewport().height() >= rows, (table.viewport().height(), rows)
    assert AT_150.contains(dock.frameGeometry()), dock.frameGeometry()
    for part in (panel.historySearchEdit, panel.historyCopyButton, panel.historyExportButton):
        assert part.visibleRegion().boundingRect().size() == part.size(), part.objectName()
        assert AT_150.contains(global_rect(part)), part.objectName()
    dock.resize(dock.width(), 50)  # made as short as the person can
    wait_until_laid_out(qtbot)
    assert table.viewport().height() >= rows, (table.viewport().height(), rows)


# 1366x768 at 150 % with larger text leaves about 200 pixels between the header and the status
# line, and the history's smallest height is about 250: the header's buttons stay clear there.
_NO_ROOM_BETWEEN = "the history's smallest height does not fit between header and status line"
STATUS_LINE_SCREENS = [
    param
    if param.id != "150%-text-150%"
    else pytest.param(
        *param.values, id=param.id, marks=pytest.mark.xfail(strict=True, reason=_NO_ROOM_BETWEEN)
    )
    for param in LAPTOPS
]


@pytest.mark.parametrize(("screen", "text_scale"), STATUS_LINE_SCREENS)
def test_a_history_floating_over_the_form_leaves_the_status_line_in_view(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
    text_scale: float,
) -> None:
    # 1366x768 at 125 %: the history floated down to the screen's bottom, over the status
    # line, which said "Screen-sharing mode is off: the history can be opened. Turn it back
    # on before you share your screen." with only "…on before you share your screen." in
    # view: the reminder was cut just when it applies.
    window = open_on(screen, text_scale, monkeypatch, system_text, open_window)
    feature = with_a_link_in_the_history(qtbot, window)
    dock = feature.dock
    assert dock.isFloating()
    status = window.statusPanel
    assert "Turn it back on" in status.text
    history = dock.frameGeometry()
    assert not history.intersects(global_rect(status)), (history, global_rect(status))
    assert covered_header_buttons(window, feature) == []
    assert screen.contains(history), history
    panel = feature.panel
    for part in (panel.historySearchEdit, panel.historyCopyButton, panel.historyExportButton):
        assert part.visibleRegion().boundingRect().size() == part.size(), part.objectName()
    assert panel.historyTable.viewport().height() > 0


def test_a_history_floating_over_the_form_makes_way_for_a_longer_status_line(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
) -> None:
    # 1366x768 at 125 %: a message of three lines, shown with the history open, grew the
    # status line upwards under the history, which hid its first lines.
    window = open_on(AT_125, 1.0, monkeypatch, system_text, open_window)
    feature = with_a_link_in_the_history(qtbot, window)
    dock, status = feature.dock, window.statusPanel
    assert dock.isFloating()
    before = global_rect(status)
    window.show_status("Kombo could not be reached, the link was not made. " * 4, "error")
    qtbot.waitUntil(lambda: global_rect(status).top() < before.top())
    settled(qtbot, window)
    history = dock.frameGeometry()
    assert not history.intersects(global_rect(status)), (history, global_rect(status))
    assert covered_header_buttons(window, feature) == []
    assert feature.history_open and feature.panel.historyTable.viewport().height() > 0


def test_docking_the_history_by_hand_keeps_the_window_on_a_small_screen(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
) -> None:
    # 1366x768 at 150 % with larger text: docked with its float button, the history made the
    # window 1001 pixels wide on a screen 911 wide, and it stayed so after the history was
    # closed (the header's buttons and the status line cut off at the right).
    window = open_on(AT_150, LARGER_TEXT, monkeypatch, system_text, open_window)
    width = window.width()
    feature = with_a_link_in_the_history(qtbot, window)
    dock = feature.dock
    assert dock.isFloating()
    float_button(dock).click()  # docked, where it cannot fit: it floats again
    settled(qtbot, window)
    assert AT_150.contains(window.frameGeometry()), window.frameGeometry()
    assert window.width() == width
    assert feature.history_open and feature.panel.model.rowCount() == 1
    assert covered_header_buttons(window, feature) == []
    feature.historyButton.click()
    settled(qtbot, window)
    assert window.width() == width


def test_a_window_widened_for_the_docked_history_gets_its_width_back_when_it_closes(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
) -> None:
    window = open_on(ROOMY, 1.0, monkeypatch, system_text, open_window)
    window.resize(900, 700)
    feature = with_a_link_in_the_history(qtbot, window)
    dock = feature.dock
    if not dock.isFloating():
        float_button(dock).click()
        settled(qtbot, window)
    assert dock.isFloating()
    window.resize(900, 700)
    float_button(dock).click()  # docked by hand
    settled(qtbot, window)
    assert not dock.isFloating()
    assert ROOMY.contains(window.frameGeometry())
    feature.historyButton.click()
    settled(qtbot, window)
    assert window.width() == 900


def test_a_window_the_person_widened_with_the_history_open_keeps_its_width_when_it_closes(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
) -> None:
    # On a roomy screen the history docks at the bottom and leaves the window as wide as it
    # was; a window the person then made wider snapped back to its earlier width when the
    # history closed.
    window = open_on(ROOMY, 1.0, monkeypatch, system_text, open_window)
    feature = with_a_link_in_the_history(qtbot, window)
    assert not feature.dock.isFloating()
    width = window.width()
    window.resize(width + 300, window.height())
    settled(qtbot, window)
    chosen = window.width()
    assert chosen == width + 300
    feature.historyButton.click()
    settled(qtbot, window)
    assert not feature.history_open
    assert window.width() == chosen


def floating_with_the_keys(qtbot: QtBot, window: MainWindow) -> HistoryFeature:
    """The history opened, floated over the form, the active window, its list focused."""
    feature = open_history(qtbot, window)
    if not feature.dock.isFloating():
        float_button(feature.dock).click()
    qtbot.waitUntil(feature.dock.isFloating)
    feature.dock.activateWindow()
    feature.panel.historyTable.setFocus()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is feature.dock)
    return feature


def test_esc_in_a_floating_history_closes_it_not_the_warning_it_covers(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Esc there closed the duplicate warning hidden under the history ("Nothing was sent.",
    # unseen) and left the history open.
    from tests.ui.test_duplicates import try_again

    fill_form(demo_window)
    make_link(qtbot, demo_window)
    try_again(qtbot, demo_window)
    feature = floating_with_the_keys(qtbot, demo_window)
    QTest.keyClick(feature.panel.historyTable, Qt.Key.Key_Escape)
    assert not feature.history_open
    assert history_of(demo_window).banner.isVisible()  # now in view, still to answer
    qtbot.waitUntil(feature.historyButton.hasFocus)  # the keys back in the main window
    QTest.keyClick(feature.historyButton, Qt.Key.Key_Escape)  # the main window's turn
    assert not history_of(demo_window).banner.isVisible()
    assert demo_window.statusLabel.text() == "Nothing was sent."


def test_esc_in_a_floating_history_while_a_link_is_made_closes_it_first(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # What the person looks at closes; the next Esc, in the main window, stops the waiting.
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    fill_form(demo_window, email="bo@globex.example", organization="Globex")
    from tests.ui.test_duplicates import demo_of

    demo_of(demo_window).delay_seconds = 2.0
    demo_window.createButton.click()
    qtbot.waitUntil(lambda: demo_window.link_making.request_running)
    feature = floating_with_the_keys(qtbot, demo_window)
    QTest.keyClick(feature.panel.historyTable, Qt.Key.Key_Escape)
    assert not feature.history_open
    assert demo_window.link_making.request_running
    qtbot.waitUntil(feature.historyButton.hasFocus)
    QTest.keyClick(feature.historyButton, Qt.Key.Key_Escape)
    assert not demo_window.link_making.request_running


def test_ctrl_tab_in_a_floating_history_leaves_the_tabs_behind_it_alone(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Ctrl+Tab and Ctrl+Shift+Tab there switched the main window's tab behind the history,
    # unseen.
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    feature = floating_with_the_keys(qtbot, demo_window)
    table = feature.panel.historyTable
    control = Qt.KeyboardModifier.ControlModifier
    QTest.keyClick(table, Qt.Key.Key_Tab, control)
    assert demo_window.tabs.currentIndex() == CREATE_TAB
    QTest.keyClick(table, Qt.Key.Key_Backtab, control | Qt.KeyboardModifier.ShiftModifier)
    assert demo_window.tabs.currentIndex() == CREATE_TAB
    assert feature.history_open
    assert QApplication.activeWindow() is feature.dock


def floating_with_the_demo_customers(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
) -> dict[int, list[tuple[str, str]]]:
    """The demo's customers' history floated on ``screen``: each of its columns' texts, and
    each as the table draws it (cut to the column's width)."""
    window = open_on(screen, 1.0, monkeypatch, system_text, open_window)
    add_demo_customers(window)
    feature = open_history(qtbot, window)
    dock, model = feature.dock, feature.panel.model
    if not dock.isFloating():
        float_button(dock).click()
        wait_placed(qtbot, window, dock, floating=True)
    texts = {
        column: [str(model.index(row, column).data()) for row in range(model.rowCount())]
        for column in (ORGANISATION, STATUS, TOOL)
    }
    return {
        column: [(text, shown_in_cell(feature, text, column)) for text in column_texts]
        for column, column_texts in texts.items()
    }


FLOATING_SCREENS = pytest.mark.parametrize("screen", [ROOMY, LAPTOP], ids=["1920x1080", "1366x768"])


@FLOATING_SCREENS
def test_a_floating_history_shows_the_status_words_whole_and_the_names_where_it_can(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
) -> None:
    # Floating, the history's status column was as wide as a date: a demo link of an earlier
    # session read "No longer …".
    cells = floating_with_the_demo_customers(qtbot, monkeypatch, system_text, open_window, screen)
    assert ("No longer works", "No longer works") in cells[STATUS]
    assert all(text == seen for text, seen in cells[STATUS])
    if screen == ROOMY:  # room for the names whole
        assert all(text == seen for text, seen in cells[ORGANISATION])


@FLOATING_SCREENS
def test_a_floating_history_says_which_rows_are_reconnections(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
) -> None:
    # Floating, the type is a scroll away: a reconnection for Personio read "Personio" as a
    # new link for it does.
    cells = floating_with_the_demo_customers(qtbot, monkeypatch, system_text, open_window, screen)
    seen = dict(cells[TOOL])["Reconnection · Personio"]
    # Cut only as far as the organisations' names leave no room: still the word.
    assert seen.startswith("Reconnection" if screen == ROOMY else "Reconne")


def test_esc_in_a_docked_history_closes_it_as_in_a_floating_one_and_keeps_the_form(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Esc closed the history floating over the form, but did nothing in the same history
    # docked beside it: the person in its list had to find its close button.
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    demo_window.resize(1366, 768)
    feature = open_history(qtbot, demo_window)
    dock, table = feature.dock, feature.panel.historyTable
    assert not dock.isFloating()
    assert demo_window.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea
    typed = demo_window.linkForm.customer_text()
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    QTest.keyClick(table, Qt.Key.Key_Escape)
    assert not feature.history_open
    qtbot.waitUntil(feature.historyButton.hasFocus)  # where it opens again
    assert demo_window.linkForm.customer_text() == typed  # Esc never clears the form
    assert demo_window.resultPanel.shown is not None

    # With the keys in the form, a docked history covers nothing: Esc leaves it open.
    feature.historyButton.click()
    qtbot.waitUntil(lambda: feature.history_open and not dock.isFloating())
    demo_window.emailEdit.setFocus()
    qtbot.waitUntil(demo_window.emailEdit.hasFocus)
    QTest.keyClick(demo_window.emailEdit, Qt.Key.Key_Escape)
    assert feature.history_open
    assert demo_window.linkForm.customer_text() == typed
