"""The QR code beside the link's actions, which a click shows large.

Screen sharing scales the window down and compresses it, so a code that scans well on this
screen can arrive too small and blurred on the customer's. Once a link has a code, clicking the
view (or Enter or Space while it has the keyboard focus) asks for it large (``qr_large``):
whether the code is drawn here or words stand in its place, because here it would be too small
to scan or would not fit at all. Without a code (none yet, or the link has expired) its words
say why, and it is not a tab stop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel

from kombo_desktop.ui import theme
from kombo_desktop.ui.qt_enums import set_enum

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent, QMouseEvent, QPixmap

QR_HINT = "Customers can scan the code with a phone camera."
QR_HINT_WITH_CODE = "Customers can scan it with a phone camera. Click it to show it larger."
QR_HINT_SHOWN_LARGE = "Customers can scan the code with a phone camera once it is shown large."
ENLARGE_TOOLTIP = "Show the code larger, for a customer to scan from a shared screen"


class QrView(QLabel):
    """Shows a code or words; while the link has a code (drawn here or not), emits
    ``enlarge_requested`` when clicked or when Enter or Space is pressed on it."""

    enlarge_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        set_enum(self, "textFormat", "PlainText")  # its words are ours, but see plain_label
        self._can_enlarge = False

    def show_code(self, pixmap: QPixmap) -> None:
        self.setPixmap(pixmap)
        self._set_clickable(True, QR_HINT_WITH_CODE)

    def offer_large_view(self, text: str) -> None:
        """Words instead of a code that cannot be shown here, and a click shows it large."""
        self.clear()
        self.setText(text)
        self._set_clickable(True, QR_HINT_SHOWN_LARGE)

    def show_words(self, text: str) -> None:
        """Words instead of a code: what will come, or why there is none."""
        self.clear()
        self.setText(text)
        self._set_clickable(False, QR_HINT)

    @property
    def has_code(self) -> bool:
        """Whether a code is drawn here."""
        return not self.pixmap().isNull()

    @property
    def can_enlarge(self) -> bool:
        """Whether a click shows the link's code large: it has one, drawn here or not."""
        return self._can_enlarge

    def _set_clickable(self, clickable: bool, description: str) -> None:
        self._can_enlarge = clickable
        offers = clickable and not self.has_code  # words that show the code large: a link's look
        theme.set_look(self, "offersLargeView", offers)
        set_enum(self, "focusPolicy", "StrongFocus" if clickable else "NoFocus")
        self.setToolTip(ENLARGE_TOOLTIP if clickable else "")
        self.setAccessibleDescription(description)
        if clickable:
            from PySide6 import QtCore  # not before the first link: see qt_enums

            self.setCursor(QtCore.Qt.CursorShape.PointingHandCursor)
        else:
            self.unsetCursor()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        from PySide6 import QtCore

        inside = self.rect().contains(event.position().toPoint())
        if self.can_enlarge and inside and event.button() == QtCore.Qt.MouseButton.LeftButton:
            self.enlarge_requested.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        from PySide6 import QtCore

        keys = (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter, QtCore.Qt.Key.Key_Space)
        if self.can_enlarge and event.key() in keys:
            self.enlarge_requested.emit()
            return
        super().keyPressEvent(event)
