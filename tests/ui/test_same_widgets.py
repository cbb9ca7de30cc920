"""The benchmark's "same widgets" window still shows what the program's first frame shows.

``benchmarks/same_widgets.py`` rebuilds the first frame's visible widgets without the program,
to tell Qt's share of the start-up from the program's. A copy can drift: a field or button
added to the window and not to the copy would make the copy cheaper and the program look
worse than it is. So the visible widgets of both are compared kind by kind.
"""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtWidgets import QApplication, QMainWindow, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from benchmarks.same_widgets import WINDOW_SIZE, build_same_widgets_window
from kombo_desktop.ui.main_window import PREFERRED_SIZE
from tests.ui.conftest import WindowFactory

# Containers, viewports and scroll bars depend on how each is put together and on the sizes;
# what a person sees is compared.
SEEN_KINDS = {
    "QLabel",
    "QLineEdit",
    "QComboBox",
    "QPushButton",
    "QToolButton",
    "QTabWidget",
    "QScrollArea",
}


def qt_kind(widget: QWidget) -> str:
    """The Qt class a widget is, whatever the program derived from it."""
    return next(k.__name__ for k in type(widget).__mro__ if k.__module__.startswith("PySide6"))


def visible_kinds(window: QMainWindow) -> Counter[str]:
    kinds = (qt_kind(child) for child in window.findChildren(QWidget) if child.isVisible())
    return Counter(kind for kind in kinds if kind in SEEN_KINDS)


def button_texts(window: QMainWindow) -> list[str]:
    buttons = window.findChildren(QPushButton)
    return sorted(button.text() for button in buttons if button.isVisible())


def test_same_widgets_as_the_programs_first_frame(
    open_window: WindowFactory, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOMBO_API_KEY", "benchmark-key")  # as the benchmark starts it
    program = open_window()
    copy = build_same_widgets_window()
    qtbot.addWidget(copy)
    copy.show()
    for window in (program, copy):
        qtbot.waitExposed(window)
    QApplication.processEvents()

    assert visible_kinds(copy) == visible_kinds(program)
    assert button_texts(copy) == button_texts(program)
    assert WINDOW_SIZE == PREFERRED_SIZE
