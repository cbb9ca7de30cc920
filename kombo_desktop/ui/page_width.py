"""Tabs as narrow as the page on show, not as the widest of their pages.

A ``QTabWidget`` is at least as wide as the least width of each of its pages, shown or not.
With larger text on a 1366x768 laptop at 150 % the hidden "Reconnect" form kept its labels
beside its fields (a form puts them above only as it is shown, ``stacked_labels``), so it
needed 515 pixels: the window opened on "New link" with a form column 66 pixels wider than
once "Reconnect" had been shown, and the customer saw a smaller QR code until then.

Qt's own way: a page that is not on show has its width ignored (``QSizePolicy.Ignored``, which
Qt's stacked layout counts as no width at all, the explicit least widths inside the page
included), and gets its own policy back as it is shown. The page shown then fits itself to the
room it gets, as "Reconnect" always has. Both forms share one label width
(``main_window._build_layout``), so their fields stay in the same place when switching.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QSizePolicy, QTabWidget, QWidget


class WidthOfPageOnShow(QObject):
    """Keeps ``tabs`` from counting the least width of the pages not on show."""

    def __init__(self, tabs: QTabWidget) -> None:
        super().__init__(tabs)
        self._tabs = tabs
        self._own: dict[QWidget, QSizePolicy.Policy] = {}  # each page's own width policy
        tabs.currentChanged.connect(self._follow)
        self._follow(tabs.currentIndex())

    def _follow(self, current: int) -> None:
        for index in range(self._tabs.count()):
            page = self._tabs.widget(index)
            if page is None:
                continue
            policy = page.sizePolicy()
            own = self._own.setdefault(page, policy.horizontalPolicy())
            wanted = own if index == current else QSizePolicy.Policy.Ignored
            if policy.horizontalPolicy() != wanted:
                policy.setHorizontalPolicy(wanted)
                page.setSizePolicy(policy)
