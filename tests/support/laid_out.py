"""Waiting until the windows on screen are laid out, instead of for a fixed time.

A change of text, size or content is laid out over several turns of the event loop: Qt posts
a layout request, a label's new height asks its parent for room, a scroll area or the
duplicate warning adjusts in a zero-delay timer (``FitScrollArea``, ``DuplicateBanner``), and
the window lays out once more. A fixed ``qtbot.wait(50)`` gave that a few turns on a quiet
machine; on a loaded one a turn alone could take longer, and the test measured the widgets
half-way, failing though nothing was wrong (or passing though something was).
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

# Places and sizes unchanged over this many turns of the event loop in a row: laid out. One
# turn may handle a request that only posts the next (a label's height for its width).
STILL_FOR_TURNS = 2

Places = list[tuple[QRect, bool]]


def _places() -> Places:
    """Where every widget of every visible window is, and whether it is shown."""
    places: Places = []
    for top in QApplication.topLevelWidgets():
        if not top.isVisible():
            continue
        for widget in (top, *top.findChildren(QWidget)):
            places.append((widget.geometry(), widget.isVisible()))
    return places


def wait_until_laid_out(qtbot: QtBot, timeout: int = 5000) -> None:
    """Until no widget of a visible window has moved, changed size, or been shown or hidden
    over ``STILL_FOR_TURNS`` turns of the event loop (``waitUntil`` runs the loop between
    its looks)."""
    seen: list[Places] = []

    def still() -> bool:
        seen.append(_places())
        del seen[: -(STILL_FOR_TURNS + 1)]
        return len(seen) > STILL_FOR_TURNS and all(places == seen[0] for places in seen)

    qtbot.waitUntil(still, timeout=timeout)
