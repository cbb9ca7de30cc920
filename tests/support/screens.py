"""The screen a test's window stands on.

The tests' own screen (the offscreen platform's) is 800 pixels wide, narrower than the window's
usual smallest width: there the window takes the screen's width, shorter names on its tabs and
buttons, and a QR code below the link's actions. A test of a window as a larger screen shows it
gives the window that screen.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QScreen

from kombo_desktop.ui.widgets import WINDOW_FRAME


def on_a_screen_for(monkeypatch: pytest.MonkeyPatch, window: tuple[int, int]) -> None:
    """The window stands on a screen with the room for its size ``window``, frame included."""
    width, height = window[0] + WINDOW_FRAME[0], window[1] + WINDOW_FRAME[1]
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(0, 0, width, height))
