"""The top of the window: the demo warning, the active profile, and the first-start help.

The profile (name and region) is always visible because a key belongs to one Kombo region and
one environment: a person who sees "us-team · US" before clicking knows where the link goes,
and, while a key given at start is used for every profile, that it goes with that key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from kombo_desktop.core.errors import WHO_MANAGES_KOMBO
from kombo_desktop.ui import theme
from kombo_desktop.ui.connection import RUN_KEY_TIP, Target
from kombo_desktop.ui.qt_enums import set_enum
from kombo_desktop.ui.widgets import plain_label, push_button, wrap_within_width

if TYPE_CHECKING:
    from PySide6.QtGui import QHideEvent

DEMO_TEXT = "DEMO — links made here are not real and connect nothing"
FIRST_RUN_TEXT = (
    f"To make real links, paste your company's Kombo API key in Settings ({WHO_MANAGES_KOMBO} "
    "can set one up), or try the demo first (no key needed)."
)
FIRST_RUN_NO_DEMO_TEXT = (
    "To make links, paste your company's Kombo API key in Settings, or ask "
    f"{WHO_MANAGES_KOMBO} to set one up."
)


LEAVE_DEMO_TEXT = "Leave the demo"

PROFILE_TIP = "The profile new links are made with. Change it in Settings."
DEMO_PROFILE_TIP = f"New links are demo links until you press “{LEAVE_DEMO_TEXT}”."


class DemoBanner(QFrame):
    """A strong amber bar above everything, so no screen of the demo passes for the real thing."""

    leave_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoBanner")
        self.setAccessibleName("Demo mode")
        self.label = plain_label(DEMO_TEXT)
        self.label.setObjectName("demoBannerLabel")
        self.label.setWordWrap(True)
        self.leaveDemoButton = push_button("leaveDemoButton", LEAVE_DEMO_TEXT)
        self.leaveDemoButton.clicked.connect(self.leave_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, 6, theme.MARGIN // 2, 6)
        layout.setSpacing(theme.SPACING)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.leaveDemoButton)
        self.hide()


class HeaderBar(QWidget):
    """Program name with the active profile under it, and the Settings button.

    The profile sits under the name rather than beside the buttons: a long custom address
    then wraps instead of pushing the buttons off a small window.
    """

    settings_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = plain_label("Kombo Desktop")
        title.setObjectName("headerTitle")
        self.profileLabel = plain_label()
        self.profileLabel.setObjectName("profileLabel")
        self.profileLabel.setAccessibleName("Active profile")
        set_enum(self.profileLabel, "textFormat", "PlainText")
        wrap_within_width(self.profileLabel)  # a profile name may be one long word
        self.settingsButton = push_button("settingsButton", "Settings…", "Open settings")
        self.settingsButton.clicked.connect(self.settings_requested)
        names = QVBoxLayout()
        names.setContentsMargins(0, 0, 0, 0)
        names.setSpacing(0)
        names.addWidget(title)
        names.addWidget(self.profileLabel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(theme.SPACING)
        layout.addLayout(names, 1)
        layout.addWidget(self.settingsButton)

    def add_before_settings(self, widget: QWidget) -> None:
        """Put ``widget`` right of the others added so far, just before Settings (the
        screen-sharing switch, the history button)."""
        layout = self.layout()
        assert isinstance(layout, QHBoxLayout)
        layout.insertWidget(layout.indexOf(self.settingsButton), widget)

    def show_target(self, target: Target) -> None:
        """Show where new links go: the compact label on screen, and in words for a screen
        reader and the tooltip (they read "Active profile: Profile: default · EU" and a
        sentence fragment)."""
        self.profileLabel.setText(target.label)
        self.profileLabel.setAccessibleName(f"Active profile: {target.spoken_label}")
        tip = DEMO_PROFILE_TIP if target.demo else PROFILE_TIP
        self.profileLabel.setToolTip(f"{tip} {RUN_KEY_TIP}" if target.run_key else tip)


class FirstRunNotice(QFrame):
    """One sentence saying what to do when no key is set, with the two ways forward."""

    settings_requested = Signal()
    demo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunNotice")
        self.label = plain_label(FIRST_RUN_TEXT)
        self.label.setObjectName("firstRunLabel")
        self.label.setWordWrap(True)
        self.openSettingsButton = push_button(
            "openSettingsButton", "Open settings", "Open settings to add the API key"
        )
        self.openSettingsButton.setProperty("primary", True)
        self.tryDemoButton = push_button(
            "tryDemoButton", "Try the demo", "Try the demo without a key"
        )
        self.openSettingsButton.clicked.connect(self.settings_requested)
        self.tryDemoButton.clicked.connect(self.demo_requested)
        # The sentence and its two buttons on one row: under the sentence, the buttons made
        # the notice a row taller, which a 1366x768 laptop at 125 % did not have to spare.
        layout = QHBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, theme.SPACING, theme.MARGIN, theme.SPACING)
        layout.setSpacing(theme.SPACING)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.openSettingsButton)
        layout.addWidget(self.tryDemoButton)
        self.hide()

    def draw_attention(self) -> None:
        """Stand out (tinted, its border in the accent colour) until hidden: a link asked for
        without a key says so in short on the status line, pointing here for what to do."""
        if not self.property("attention"):
            self.setProperty("attention", True)
            theme.refresh_style(self)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        # Gone (a key was saved, the demo started): shown again, it starts out calm.
        if not event.spontaneous() and self.property("attention"):
            self.setProperty("attention", False)
            theme.refresh_style(self)
        super().hideEvent(event)

    def set_demo_allowed(self, allowed: bool) -> None:
        """An administrator can turn the demo off; then only the settings route is offered."""
        self.tryDemoButton.setVisible(allowed)
        self.label.setText(FIRST_RUN_TEXT if allowed else FIRST_RUN_NO_DEMO_TEXT)
