"""The result's scroll area settles on its scroll bar, whatever the window's width.

With larger text (150 %) on a 1920x1080 screen, the history docked beside the window made it
1606x820; at widths from 1600 to 1615 the result's wrapped text was a line taller just where
the scroll bar took its width. Qt placed the page with the scroll bar, then without it, each
resize asking again inside the last, until Python's recursion limit and a crash as a link was
made. The window is resized here across those widths in a child process, since the crash
would take the test run with it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QScrollArea
from pytestqt.qtbot import QtBot

from kombo_desktop.ui import theme
from tests.ui.conftest import SystemText, WindowFactory, fill_form, make_link

REPO = Path(__file__).resolve().parents[2]
IN_CHILD = "KOMBO_TEST_SCROLL_BAR_CHILD"
HEIGHT = 820  # the window's height with the history docked, 1920x1040 left by the task bar
WIDTHS = range(1590, 1626)  # around 1600 to 1615, where the scroll bar came and went


class PageResizes(QObject):
    """Counts the resizes of a scroll area's page."""

    def __init__(self, page: QObject) -> None:
        super().__init__()
        self.count = 0
        page.installEventFilter(self)

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.count += 1
        return False


@pytest.mark.skipif(IN_CHILD not in os.environ, reason="runs in a child process, see below")
def test_resizing_with_larger_text_settles_the_results_scroll_bar(
    qtbot: QtBot,
    system_text: SystemText,
    open_window: WindowFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(0, 0, 1920, 1040))
    system_text(theme.usual_system_points() * 1.5)
    window = open_window("--demo")
    qtbot.waitExposed(window)
    window.resize(1606, HEIGHT)
    fill_form(window)
    make_link(qtbot, window)
    area = window.findChild(QScrollArea, "resultPage")
    assert area is not None
    page = area.widget()
    assert page is not None
    resizes = PageResizes(page)
    for width in WIDTHS:
        window.resize(width, HEIGHT)
        qtbot.wait(5)
        bar = area.verticalScrollBar()
        # Settled: the page as wide as what shows it, the scroll bar there only to scroll.
        assert page.width() == area.viewport().width(), width
        assert bar.isVisible() == (bar.maximum() > 0), width
        settled = resizes.count
        qtbot.wait(30)
        assert resizes.count == settled, f"the page is still being resized at {width}"


def test_resizing_with_larger_text_never_crashes() -> None:
    name = test_resizing_with_larger_text_settles_the_results_scroll_bar.__name__
    test = f"{Path(__file__).relative_to(REPO)}::{name}"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", test, "-q", "-p", "no:cacheprovider", "-x"],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, IN_CHILD: "1", "QT_QPA_PLATFORM": "offscreen"},
        cwd=REPO,
        check=False,
    )
    output = result.stdout + result.stderr
    assert "RecursionError" not in output, output[-3000:]
    assert result.returncode == 0, output[-3000:]
    assert "1 passed" in result.stdout, output[-3000:]
