"""A button's shorter words where its row is narrower than the whole ones.

With twice the usual text on a laptop at 150 % the reconnection tab's form was 412 pixels
wide and "Create reconnection link" needed 449: Qt squeezed the button to the form's width and
cut its words at both ends ("reate reconnection lin"). Where the whole words do not fit, the
button shows its shorter ones, and its tooltip the whole ones (its accessible name keeps them).

Whether they fit is decided from the row's width and the button's width with its whole words,
worked out from the button as it is: never from its width as it stands, which follows the
words shown. So showing the shorter words cannot change the width that chose them, and the
layout settles at once (as the tabs' names, ``tab_names``). Nor do the whole words widen the
row: its least width counts the shorter ones (``ButtonRow``'s ``shorter``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QPushButton, QWidget

from kombo_desktop.ui.event_filters import reports_errors


class ShorterWords(QObject):
    """Shows ``button``'s ``whole`` words while ``row`` has their width (less ``beside``, the
    least room the row keeps at its sides), else ``short``."""

    def __init__(
        self, button: QPushButton, whole: str, short: str, row: QWidget, beside: int
    ) -> None:
        super().__init__(button)
        self._button = button
        self._whole, self._short = whole, short
        self._row = row
        self._beside = beside
        self.short = False
        row.installEventFilter(self)

    @property
    def text(self) -> str:
        """The words the button shows at rest, for the room it has."""
        return self._short if self.short else self._whole

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._row and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.fit()
        return False

    def fit(self) -> None:
        """Show the whole words if the row has their width, else the shorter ones; words of
        another kind (the busy "Creating link…") are left as they are."""
        button = self._button
        metrics = button.fontMetrics()
        around = button.sizeHint().width() - metrics.horizontalAdvance(button.text())
        needed = around + metrics.horizontalAdvance(self._whole)
        self.short = needed > self._row.contentsRect().width() - self._beside
        if button.text() in (self._whole, self._short) and button.text() != self.text:
            button.setText(self.text)
            button.setToolTip(self._whole if self.short else "")
