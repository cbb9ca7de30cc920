"""The field that gets the keyboard is scrolled into view, however the focus comes to it.

On a laptop (1366x768, a window of 1180x712; more so at 150 %) the form scrolls. Qt scrolls to
a field only when Tab moves within the form, so after "Clear the form", Ctrl+N, the E-mail
label's Alt+E or Tab coming round from the window's last stop, the focus was in the E-mail
field while the form stayed scrolled down: what the person typed next went in out of sight.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from kombo_desktop.ui.main_window import MainWindow
from tests.support.laid_out import wait_until_laid_out
from tests.ui.conftest import wait_until_settled

LAPTOP_WINDOW = (1180, 712)


def in_view(area: QScrollArea, widget: QWidget) -> bool:
    """Whether all of ``widget`` is inside ``area``'s visible part."""
    viewport = area.viewport()
    place = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
    return viewport.rect().contains(place)


def open_advanced_options_at_laptop_size(qtbot: QtBot, window: MainWindow) -> QScrollArea:
    """The window at a laptop's size with the advanced options open: the form scrolls. Returns
    its scroll area once it has scrolled down to the options, as opening them does."""
    window.resize(*LAPTOP_WINDOW)
    window.linkForm.advanced.set_expanded(True)
    area = window.linkForm.scrollArea
    qtbot.waitUntil(lambda: area.verticalScrollBar().value() > 0)
    return area


def settled(qtbot: QtBot, window: MainWindow) -> None:
    """Until the window has nothing left to do and the form stays where it is scrolled: the
    area scrolls to a newly focused field a turn of the event loop later, and the window's
    layout can move it over more turns. Only then is a field out of view for certain, however
    slow the machine, where a fixed wait could end first."""
    wait_until_settled(qtbot, window)
    wait_until_laid_out(qtbot)


def stop_before(widget: QWidget) -> QWidget:
    """The Tab stop before ``widget`` (Tab from it comes to ``widget``)."""
    stop = widget.previousInFocusChain()
    while not (
        stop is None  # Qt's focus chain is a ring: it never ends in None
        or (stop.focusPolicy() & Qt.FocusPolicy.TabFocus and stop.isVisible() and stop.isEnabled())
    ):
        stop = stop.previousInFocusChain()
    assert stop is not None, "the focus chain came to an end"
    return stop


def press_on_focus(key: Qt.Key, modifiers: Qt.KeyboardModifier) -> None:
    focused = QApplication.focusWidget()
    assert focused is not None
    QTest.keyClick(focused, key, modifiers)


NO_KEYS = Qt.KeyboardModifier.NoModifier


def tab_round_to(widget: QWidget) -> None:
    """Tab from the stop before ``widget``, as a person coming round the window does."""
    stop_before(widget).setFocus()
    press_on_focus(Qt.Key.Key_Tab, NO_KEYS)


WAYS: dict[str, Callable[[MainWindow], None]] = {
    "clear button": lambda window: QTest.mouseClick(
        window.linkForm.clearButton, Qt.MouseButton.LeftButton
    ),
    "ctrl+n": lambda window: press_on_focus(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier),
    "alt+e": lambda window: press_on_focus(Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier),
    "tab coming round": lambda window: tab_round_to(window.emailEdit),
}


@pytest.mark.parametrize("way", list(WAYS))
def test_the_e_mail_field_is_scrolled_into_view_when_it_gets_the_focus(
    qtbot: QtBot, demo_window: MainWindow, way: str
) -> None:
    area = open_advanced_options_at_laptop_size(qtbot, demo_window)
    bar = area.verticalScrollBar()
    # Down at the form's end, with the keyboard, as a person who tabbed to the last option.
    demo_window.scopeConfigEdit.setFocus()
    qtbot.waitUntil(lambda: in_view(area, demo_window.scopeConfigEdit))
    bar.setValue(bar.maximum())
    settled(qtbot, demo_window)
    assert not in_view(area, demo_window.emailEdit)

    WAYS[way](demo_window)
    qtbot.waitUntil(demo_window.emailEdit.hasFocus)
    qtbot.waitUntil(lambda: in_view(area, demo_window.emailEdit))
    QTest.keyClicks(demo_window.emailEdit, "bob@beta.example")
    assert in_view(area, demo_window.emailEdit)  # where the person sees what they type


def test_a_field_focused_below_the_view_is_scrolled_up_into_it(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The other way round: the form at its top, a field further down gets the focus (a
    # label's Alt key, here Alt+S for the scope config id).
    area = open_advanced_options_at_laptop_size(qtbot, demo_window)
    bar = area.verticalScrollBar()
    demo_window.emailEdit.setFocus()
    bar.setValue(0)
    settled(qtbot, demo_window)
    assert not in_view(area, demo_window.scopeConfigEdit)

    press_on_focus(Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(demo_window.scopeConfigEdit.hasFocus)
    qtbot.waitUntil(lambda: in_view(area, demo_window.scopeConfigEdit))
