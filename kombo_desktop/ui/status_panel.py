"""The status line: what is happening or what went wrong, in plain words, plus details for support.

The sentence is for the person at the screen (``KomboError.user_message``). The details pane,
folded away by default, holds what Kombo support asks for (``ErrorDetail.as_support_text()``:
status, error code, ``log_url``), with a "Copy details" button. Neither ever contains the key:
the core builds both texts without it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kombo_desktop import __version__
from kombo_desktop.ui import theme
from kombo_desktop.ui.qt_enums import set_enum
from kombo_desktop.ui.widgets import (
    announce,
    button_row,
    plain_label,
    push_button,
    wrap_within_width,
)

KINDS = ("info", "success", "error", "busy")


class StatusPanel(QFrame):
    """``statusLabel`` with an optional fold-out ``statusDetails`` pane and "Copy details"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusCard")
        self.statusLabel = plain_label()
        self.statusLabel.setObjectName("statusLabel")
        self.statusLabel.setAccessibleName("Status")
        wrap_within_width(self.statusLabel)
        set_enum(self.statusLabel, "textFormat", "PlainText")
        set_enum(self.statusLabel, "textInteractionFlags", "TextSelectableByMouse")

        self.detailsToggle = QToolButton()
        self.detailsToggle.setObjectName("detailsToggle")
        self.detailsToggle.setText("Details for support")
        self.detailsToggle.setAccessibleName("Show or hide details for support")
        self.detailsToggle.setCheckable(True)
        set_enum(self.detailsToggle, "toolButtonStyle", "ToolButtonTextBesideIcon")
        set_enum(self.detailsToggle, "arrowType", "RightArrow")
        # A way forward the person can take at once, e.g. "Open settings" for a refused key.
        self.statusActionButton = push_button("statusActionButton", "", "Next step")
        self.statusActionButton.hide()
        self.statusActionButton.clicked.connect(self._run_action)
        self._action: Callable[[], None] | None = None
        self.copyDetailsButton = push_button(
            "copyDetailsButton", "Copy details", "Copy details for support"
        )

        self.statusDetails = QPlainTextEdit()
        self.statusDetails.setObjectName("statusDetails")
        self.statusDetails.setAccessibleName("Details for support")
        self.statusDetails.setReadOnly(True)
        self.statusDetails.setFont(theme.link_font())
        self.statusDetails.setMaximumHeight(120)
        self.statusDetails.hide()

        # The buttons stay at the top when the sentence wraps onto more lines.
        buttons = QVBoxLayout()
        buttons.addLayout(
            button_row(self.statusActionButton, self.detailsToggle, self.copyDetailsButton)
        )
        buttons.addStretch(1)
        top = QHBoxLayout()
        top.setSpacing(theme.SPACING)
        top.addWidget(self.statusLabel, 1)
        top.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, theme.SPACING, theme.MARGIN, theme.SPACING)
        layout.setSpacing(theme.SPACING)
        layout.addLayout(top)
        layout.addWidget(self.statusDetails)

        self.detailsToggle.toggled.connect(self._show_details)
        self.copyDetailsButton.clicked.connect(self.copy_details)
        self._support_text = ""
        self._notes: list[str] = []
        self.show_message("Ready.")

    def show_message(
        self,
        text: str,
        kind: str = "info",
        details: str | None = None,
        action: tuple[str, Callable[[], None]] | None = None,
        *,
        after_notes: bool = False,
    ) -> None:
        """Replace the status; ``details`` (support text) enables the details pane, ``action``
        (button text, what it does) offers the next step as a button. ``after_notes``: the
        notes start-up left (see :meth:`add_note`) stay above it, as what they say may be why
        (a settings file set aside, and then a key refused)."""
        if kind not in KINDS:
            raise ValueError(f"unknown status kind {kind!r}")
        if after_notes and self._notes:
            text = "\n".join([*self._notes, text])
        self._notes = []
        self._action = action[1] if action is not None else None
        self.statusActionButton.setText(action[0] if action is not None else "")
        self.statusActionButton.setAccessibleName(action[0] if action is not None else "Next step")
        self.statusActionButton.setVisible(action is not None)
        self.statusLabel.setText(text)
        # A screen reader reads the name: "Status" alone never told it what happened. The
        # focus is elsewhere (on the button pressed), so it is also told to say it now.
        self.statusLabel.setAccessibleName(text or "Status")
        if self.isVisible():
            announce(self.statusLabel, text, urgent=kind == "error")
        self.statusLabel.setProperty("kind", kind)
        theme.refresh_style(self.statusLabel)
        self._support_text = self._support_document(text, details) if details else ""
        self.statusDetails.setPlainText(self._support_text)
        has_details = bool(details)
        self.detailsToggle.setVisible(has_details)
        self.copyDetailsButton.setVisible(has_details)
        if not has_details:
            self.detailsToggle.setChecked(False)
        self.statusDetails.setVisible(has_details and self.detailsToggle.isChecked())

    def add_note(self, text: str) -> None:
        """Add a note about the program's set-up (a settings file that cannot be read, a history
        that cannot be opened, no API key yet) to the notes shown since the last status, one per
        line. Start-up can find several at once and each of them matters; the next status
        (``show_message``) replaces them all."""
        if text in self._notes:
            return  # said already (the same problem found again, e.g. after a profile change)
        notes = [*self._notes, text]
        self.show_message("\n".join(notes), "info")
        self._notes = notes

    def _run_action(self) -> None:
        if self._action is not None:
            self._action()

    @property
    def kind(self) -> str:
        return str(self.statusLabel.property("kind"))

    @property
    def text(self) -> str:
        return self.statusLabel.text()

    @property
    def support_text(self) -> str:
        return self._support_text

    def _support_document(self, text: str, details: str) -> str:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"Kombo Desktop {__version__}, {stamp}\nWhat happened: {text}\n{details}"

    def _show_details(self, shown: bool) -> None:
        set_enum(self.detailsToggle, "arrowType", "DownArrow" if shown else "RightArrow")
        self.statusDetails.setVisible(shown and bool(self._support_text))

    def copy_details(self) -> None:
        if not self._support_text:
            return
        QGuiApplication.clipboard().setText(self._support_text)
        self.copyDetailsButton.setText("Copied ✓")
        # This panel is the timer's context, so the reset never fires into a deleted widget.
        QTimer.singleShot(2000, self, lambda: self.copyDetailsButton.setText("Copy details"))
