"""The link's QR code as large as the screen allows, for a customer to scan from a shared screen.

Screen sharing scales the window down to fit the customer's own screen and compresses it; a
code 300 pixels wide on this screen can arrive as a small, blurred square that phones fail to
read. Shown here at most of the screen's height, each module is several times larger. Nothing
else is on it: no customer names, only the instruction and when the link stops working. A demo
link's code has the amber "DEMO — connects nothing" band under it, the one its saved and copied
pictures have (``qr_image``): a grey line of small print under it went unseen by the customer
looking at it. Esc or Close returns to the window.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from kombo_desktop.ui import qr_image, theme
from kombo_desktop.ui.qt_enums import set_enum
from kombo_desktop.ui.widgets import plain_label

SCREEN_SHARE = 0.7  # of the screen's smaller side, at most
TITLE_BAR = 40  # what the system adds above a window, at most
SMALLEST_SIDE = 200  # on any screen a program runs on, there is room for this much
INSTRUCTION = "Scan this code with your phone's camera to open the connection link."


class LargeQrDialog(QDialog):
    """Shows ``url``'s code; ``notes`` are short lines under it (the expiry); a ``demo``
    link's code has the demo band under it."""

    def __init__(
        self, url: str, notes: list[str], parent: QWidget | None = None, *, demo: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("largeQrDialog")
        self.setWindowTitle("QR code of the demo link" if demo else "QR code of the link")
        self.setAccessibleName("QR code of the link, shown large")

        self.largeQrView = plain_label()
        self.largeQrView.setObjectName("largeQrView")
        self.largeQrView.setAccessibleName(
            "QR code of the demo link, which connects nothing" if demo else "QR code of the link"
        )
        set_enum(self.largeQrView, "alignment", "AlignCenter")
        self.largeQrView.setStyleSheet("background: white;")

        instruction = plain_label(INSTRUCTION)
        instruction.setObjectName("largeQrInstruction")
        instruction.setWordWrap(True)
        set_enum(instruction, "alignment", "AlignCenter")  # its size: the window's style sheet

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
            note = plain_label(text)
            note.setProperty("class", "hint")
            set_enum(note, "alignment", "AlignCenter")
            layout.addWidget(note)
        layout.addWidget(buttons)
        self.setStyleSheet("QDialog#largeQrDialog { background: white; }")

        # The code gets what the words, the notes and the button leave of the screen's height,
        # measured in the fonts the window's style sheet gives them (at show, else).
        self.ensurePolished()
        screen = (parent or self).screen().availableGeometry()
        rest = layout.sizeHint().height()  # all but the code, which is not drawn yet
        side = code_side(screen.width(), screen.height(), rest)
        # The instruction wraps at the code's width; counted on one line, the code was given
        # its height and then squeezed by it, its edges cut off, and a cut code does not scan.
        wrapped = instruction.heightForWidth(side) - instruction.sizeHint().height()
        if wrapped > 0:
            side = code_side(screen.width(), screen.height(), rest + wrapped)
        self.largeQrView.setPixmap(
            qr_image.qr_pixmap(url, side, self.devicePixelRatioF(), demo=demo)
        )
        self.largeQrView.setMinimumSize(side, side)  # never less than the whole code
        # As wide as the code was meant to be, so the instruction above it fits on a line.
        self.setMinimumWidth(side + 2 * theme.MARGIN)


def code_side(screen_width: int, screen_height: int, rest: int) -> int:
    """The code's side on a screen with that free room, when the rest of the view is ``rest``
    pixels tall: large, but the whole view, title bar included, stays on the screen."""
    share = int(min(screen_width, screen_height) * SCREEN_SHARE)
    room = screen_height - rest - TITLE_BAR
    return max(SMALLEST_SIDE, min(share, room))
