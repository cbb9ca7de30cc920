"""Tab names that are never cut: a shorter name where the whole one does not fit.

With larger text on a small laptop screen (1366x768 at 150 %) the two tabs above the form were
wider than the form: Qt cut "Reconnect an integration" after "integ" and put scroll arrows
beside it. Where the whole names do not fit, a tab shows its shorter name, and its tooltip the
whole one.

Whether they fit is decided from the width the tab bar gets and the whole names' width,
measured on a hidden stand-in tab bar: never from the tabs as they are, whose width depends on
the names shown. So showing the shorter name cannot change the width that chose it, and the
layout settles at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QTabWidget

from kombo_desktop.ui.event_filters import reports_errors

# More than the style sheet puts around a tab's name (18 pixels each side, a 2-pixel border
# with the focus, 4 pixels to the next tab).
_SURELY_AROUND = 64


class TabName(NamedTuple):
    """A tab's whole name, the shorter one, and what its tooltip says besides."""

    whole: str
    short: str
    tip: str = ""


class FittingTabNames(QObject):
    """Keeps the names of ``tabs``' tabs whole where they fit, and short where they do not."""

    def __init__(self, tabs: QTabWidget, names: Sequence[TabName]) -> None:
        super().__init__(tabs)
        self._tabs = tabs
        self._names = list(names)
        self._whole_width: dict[tuple[object, ...], int] = {}
        self._short: bool | None = None
        tabs.installEventFilter(self)
        self._show(short=False)

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._tabs and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.fit()
        return False

    def fit(self) -> None:
        """Show the whole names if the tab bar has their width, else the shorter ones."""
        room = self._tabs.width()
        # Measuring takes a stand-in tab bar, a few milliseconds of the first frame: only
        # where the names may not fit.
        self._show(short=room < self._surely_enough() and self.whole_width() > room)

    def _surely_enough(self) -> int:
        """A width the whole names surely fit in: each in bold, with more room around it than
        the style sheet gives a tab (padding, border and the gap to the next)."""
        font = QFont(self._tabs.font())
        font.setBold(True)
        metrics = QFontMetrics(font)
        texts = sum(metrics.horizontalAdvance(name.whole) for name in self._names)
        return texts + _SURELY_AROUND * len(self._names)

    def whole_width(self) -> int:
        """The tab bar's width with the whole names, whichever tab is shown (its name is in
        bold): measured once per text size on a hidden stand-in, which takes the window's
        style sheet as the real one does."""
        key = (self._tabs.font().key(), self._tabs.logicalDpiX())
        if key not in self._whole_width:
            # Named only here: Python's first look at a class costs the start-up its set-up.
            from PySide6.QtWidgets import QTabBar

            # Hidden: never shown. Its parent is the tab widget, for the same style sheet.
            stand_in = QTabBar(parent=self._tabs)
            stand_in.hide()
            for name in self._names:
                stand_in.addTab(name.whole)
            stand_in.ensurePolished()
            widths = []
            for index in range(stand_in.count()):
                stand_in.setCurrentIndex(index)
                widths.append(stand_in.sizeHint().width())
            self._whole_width[key] = max(widths)
            stand_in.deleteLater()
        return self._whole_width[key]

    def _show(self, *, short: bool) -> None:
        if short == self._short:
            return
        self._short = short
        for index, name in enumerate(self._names):
            shown = name.short if short else name.whole
            self._tabs.setTabText(index, shown)
            # A shorter name has the whole one in its tooltip, above what the tab is for.
            lines = [name.whole] if shown != name.whole else []
            self._tabs.setTabToolTip(index, "\n".join([*lines, name.tip] if name.tip else lines))
