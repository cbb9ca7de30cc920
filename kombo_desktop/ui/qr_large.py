"""The link's QR code as large as the screen allows, for a customer to scan from a shared screen.

Screen sharing scales the window down to fit the customer's own screen and compresses it; a
code 300 pixels wide on this screen can arrive as a small, blurred square that phones fail to
read. Shown here at most of the screen's height, each module is several times larger. Nothing
else is on it: no customer names, only the instruction, when the link stops working, and that a
demo link connects nothing. Esc or Close returns to the window.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from kombo_desktop.ui import qr_image, theme
from kombo_desktop.ui.qt_enums import set_enum

# Of the screen's smaller side: room is left for the title bar, the words and the button.
SCREEN_SHARE = 0.7
INSTRUCTION = "Scan this code with your phone's camera to open the connection link."


class LargeQrDialog(QDialog):
    """Shows ``url``'s code; ``notes`` are short lines under it (expiry, demo)."""

    def __init__(self, url: str, notes: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("largeQrDialog")
        self.setWindowTitle("QR code of the link")
        self.setAccessibleName("QR code of the link, shown large")
        self.url = url

        screen = (parent or self).screen().availableGeometry()
        side = int(min(screen.width(), screen.height()) * SCREEN_SHARE)
        self.largeQrView = QLabel()
        self.largeQrView.setObjectName("largeQrView")
        self.largeQrView.setAccessibleName("QR code of the link")
        self.largeQrView.setPixmap(qr_image.qr_pixmap(url, side, self.devicePixelRatioF()))
        set_enum(self.largeQrView, "alignment", "AlignCenter")
        self.largeQrView.setStyleSheet("background: white;")

        instruction = QLabel(INSTRUCTION)
        instruction.setObjectName("largeQrInstruction")
        instruction.setWordWrap(True)
        set_enum(instruction, "alignment", "AlignCenter")
        font = instruction.font()
        font.setPointSizeF(theme.TITLE_POINT_SIZE)
        instruction.setFont(font)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("closeLargeQrButton")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
        layout.setSpacing(theme.SPACING)
        layout.addWidget(instruction)
        layout.addWidget(self.largeQrView, 1)
        for text in notes:
            note = QLabel(text)
            note.setProperty("class", "hint")
            set_enum(note, "alignment", "AlignCenter")
            layout.addWidget(note)
        layout.addWidget(buttons)
        self.setStyleSheet("QDialog#largeQrDialog { background: white; }")
        # As wide as the code was meant to be, so the instruction above it fits on a line.
        self.setMinimumWidth(side + 2 * theme.MARGIN)
