"""The top of the window: the demo warning, the active profile, and the first-start help.

The profile (name and region) is always visible because a key belongs to one Kombo region and
one environment: a person who sees "us-team · US" before clicking knows where the link goes,
and, while a key given at start is used for every profile, that it goes with that key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kombo_desktop.core.errors import WHO_MANAGES_KOMBO
from kombo_desktop.ui import theme
from kombo_desktop.ui.connection import RUN_KEY_TIP, Target
from kombo_desktop.ui.qt_enums import set_enum
from kombo_desktop.ui.widgets import (
    OneLineNote,
    OneLineTitle,
    layout_of,
    plain_label,
    push_button,
    scroll_area_around,
    wrap_within_width,
)

if TYPE_CHECKING:
    from PySide6.QtGui import QHideEvent, QResizeEvent

DEMO_TEXT = "DEMO — links made here are not real and connect nothing"
# On one line where the whole sentence would take more (larger text on a small laptop).
DEMO_SHORT_TEXT = "DEMO — links are not real"
FIRST_RUN_TEXT = (
    f"To make real links, paste your company's Kombo API key in Settings ({WHO_MANAGES_KOMBO} "
    "can set one up), or try the demo first (no key needed)."
)
FIRST_RUN_NO_DEMO_TEXT = (
    "To make links, paste your company's Kombo API key in Settings, or ask "
    f"{WHO_MANAGES_KOMBO} to set one up."
)
# The first-start notice's button, and the status line's for a problem mended in Settings
# (``AccountFeature.settings_action``), which leaves it to the notice while that is on show.
OPEN_SETTINGS_TEXT = "Open settings"

LEAVE_DEMO_TEXT = "Leave the demo"

# Alt+N and Alt+D: no other control shown at the same time uses these letters (checked in
# test_keyboard_letters).
SETTINGS_TEXT = "Setti&ngs…"
TRY_DEMO_TEXT = "Try the &demo"
# Where the system has no keys of its own for a program's settings (Windows and most Linux
# desktops), the ones most programs there use.
USUAL_SETTINGS_KEYS = "Ctrl+,"

PROFILE_TIP = "The profile new links are made with. Change it in Settings."
DEMO_PROFILE_TIP = f"New links are demo links until you press “{LEAVE_DEMO_TEXT}”."


class DemoBanner(QFrame):
    """A strong amber bar above everything, so no screen of the demo passes for the real thing.

    Its sentence keeps to one line, in short where the whole one would wrap: with twice the
    usual text on a 1366x768 laptop at 150 % it took three lines, and the window, too short
    for all its parts, took the height from the tallest of them, the status line's "Open
    settings" and "Copy details" among them, cut off at the bottom."""

    leave_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoBanner")
        self.setAccessibleName("Demo mode")
        self.label = OneLineNote("demoBannerLabel", DEMO_TEXT, DEMO_SHORT_TEXT)
        self.label.setText(DEMO_TEXT)  # until laid out, when the width chooses
        self.leaveDemoButton = push_button("leaveDemoButton", LEAVE_DEMO_TEXT)
        self.leaveDemoButton.clicked.connect(self.leave_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, 6, theme.MARGIN // 2, 6)
        layout.setSpacing(theme.SPACING)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.leaveDemoButton)
        self.hide()


class HeaderTitle(OneLineTitle):
    """The program's name, cut with "…" where the header is narrower than the name beside its
    buttons, the whole name in its tooltip.

    With twice the usual text on a laptop at 150 % (911 pixels across) the name asked for more
    than the header had beside its buttons and Qt cut "Kombo Deskt" off at the edge, with no
    way to read the rest. It still asks for its whole width (``sizeHint``), measured from the
    whole name and never from the name as shown, so the header gives it that wherever it can.
    """

    def __init__(self, object_name: str, text: str) -> None:
        super().__init__(object_name, text)
        self.setMinimumWidth(0)  # as narrow as ``minimumSizeHint`` says, no narrower

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self._across(self.whole), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Its first word and "…": less would say nothing of what it is."""
        first_word = self.whole.split(" ", 1)[0]
        return QSize(self._across(f"{first_word}…"), super().minimumSizeHint().height())

    def _across(self, text: str) -> int:
        margins = self.contentsMargins()
        inside = self.fontMetrics().horizontalAdvance(text) + 2 * self.margin()
        return inside + margins.left() + margins.right()


class ProfileLine(QLabel):
    """The active profile under the program's name: its whole label where that fits on one
    line, else the longest of its shorter forms that does (``Target.shorter_labels``), the
    whole label then first in the tooltip. The last form wraps should even it not fit, as a
    long profile name does (it may be one long word, cut at the edge: ``wrap_within_width``).

    At 829 pixels across (a 1280x720 laptop at 150 %) the demo's "Demo service on this
    computer · no key needed" wrapped onto a second line, and with twice the usual text took
    three, which the window, too short for all its parts, took from the status line's buttons.
    It asks for the whole label's width (``sizeHint``), never for the form shown, so the form
    it shows cannot change the width that chose it."""

    def __init__(self) -> None:
        super().__init__()
        set_enum(self, "textFormat", "PlainText")
        self.setObjectName("profileLabel")
        self.setAccessibleName("Active profile")
        wrap_within_width(self)
        self._forms: tuple[str, ...] = ("",)
        self._tip = ""

    def show_forms(self, forms: tuple[str, ...], tip: str) -> None:
        """Show the first of ``forms`` (the whole label) or a shorter one; ``tip`` is what the
        tooltip says of it."""
        self._forms, self._tip = forms, tip
        self.updateGeometry()  # a new whole width (``sizeHint``)
        self._choose_text()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self._across(self._forms[0]), super().sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._choose_text()

    def _across(self, text: str) -> int:
        margins = self.contentsMargins()
        inside = self.fontMetrics().horizontalAdvance(text) + 2 * self.margin()
        return inside + margins.left() + margins.right()

    def _choose_text(self) -> None:
        forms, width = self._forms, self.width()
        shown = next((form for form in forms if self._across(form) <= width), forms[-1])
        if shown != self.text():
            self.setText(shown)
        tip = self._tip if shown == forms[0] else f"{forms[0]}\n{self._tip}"
        if tip != self.toolTip():
            self.setToolTip(tip)


def settings_keys() -> list[QKeySequence]:
    """The keys that open the settings: the system's own (Cmd+, on a Mac), else Ctrl+,.

    A keyboard user reached Settings only by tabbing round the header; the keys most programs
    use for their settings did nothing on Windows and most Linux desktops, which have none
    of their own."""
    system_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences)
    return system_keys or [QKeySequence(USUAL_SETTINGS_KEYS)]


class HeaderBar(QWidget):
    """Program name with the active profile under it, and the Settings button.

    The profile sits under the name rather than beside the buttons: a long custom address
    then wraps instead of pushing the buttons off a small window.
    """

    settings_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = HeaderTitle("headerTitle", "Kombo Desktop")
        self.profileLabel = ProfileLine()
        self.settings_shortcut_keys = settings_keys()
        # The keys as the system writes them ("Ctrl+," or "⌘,"), for whoever reads tooltips
        # and, as the button's description, for whoever hears the screen.
        keys = self.settings_shortcut_keys[0].toString(QKeySequence.SequenceFormat.NativeText)
        opens_with_keys = f"Open settings ({keys})"
        self.settingsButton = push_button("settingsButton", SETTINGS_TEXT, opens_with_keys)
        self.settingsButton.setToolTip(opens_with_keys)
        self.settingsButton.clicked.connect(self.settings_requested)
        names = QVBoxLayout()
        names.setContentsMargins(0, 0, 0, 0)
        names.setSpacing(0)
        names.addWidget(self.title)
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
        self.profileLabel.setAccessibleName(f"Active profile: {target.spoken_label}")
        tip = DEMO_PROFILE_TIP if target.demo else PROFILE_TIP
        self.profileLabel.show_forms(
            (target.label, *target.shorter_labels),
            f"{tip} {RUN_KEY_TIP}" if target.run_key else tip,
        )


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
            "openSettingsButton", OPEN_SETTINGS_TEXT, "Open settings to add the API key"
        )
        self.openSettingsButton.setProperty("primary", True)
        self.tryDemoButton = push_button(
            "tryDemoButton", TRY_DEMO_TEXT, "Try the demo without a key"
        )
        self.openSettingsButton.clicked.connect(self.settings_requested)
        self.tryDemoButton.clicked.connect(self.demo_requested)
        # The sentence and its two buttons on one row: under the sentence, the buttons made
        # the notice a row taller, which a 1366x768 laptop at 125 % did not have to spare.
        # With larger text the buttons stand one above the other where that makes the notice
        # lower (see ``_fit_buttons``).
        layout = QHBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, theme.SPACING, theme.MARGIN, theme.SPACING)
        layout.setSpacing(theme.SPACING)
        layout.addWidget(self.label, 1)
        self._buttons = QHBoxLayout()
        self._buttons.setSpacing(theme.SPACING)
        self._buttons.addStretch(1)  # one above the other, they keep together in the middle
        self._buttons.addWidget(self.openSettingsButton)
        self._buttons.addWidget(self.tryDemoButton)
        self._buttons.addStretch(1)
        layout.addLayout(self._buttons)
        self._laid_out = False  # given its width in the window yet (see set_demo_allowed)
        self.hide()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._laid_out = True
        self._fit_buttons()

    def _fit_buttons(self) -> None:
        """The buttons side by side beside the sentence, or one above the other, whichever
        makes the notice lower at its width.

        With larger text on a laptop the buttons side by side left the sentence a narrow
        column: at 150 % with the system's text at 150 % it took six lines, and at twice the
        text size ten, the notice higher (366 pixels) than the part of the window it is in
        (268). One above the other they leave it more than half the width.

        Decided from the width the notice has while the part of the window it is in shows
        its scroll bar, whether or not it shows it now: a lower notice can take that scroll
        bar away, and the wider notice must not then be laid out the other way, which could
        bring the scroll bar back."""
        width = self._width_with_scroll_bar()
        stacked = self._height(width, stacked=True) < self._height(width, stacked=False)
        direction = (
            QBoxLayout.Direction.TopToBottom if stacked else QBoxLayout.Direction.LeftToRight
        )
        if self._buttons.direction() != direction:
            self._buttons.setDirection(direction)

    def _height(self, width: int, *, stacked: bool) -> int:
        """The height of the sentence beside the buttons, or of the buttons if higher, with
        the buttons ``stacked`` or not, at the notice's ``width``."""
        hints = [button.sizeHint() for button in self._shown_buttons()]
        spacing = self._buttons.spacing() * max(len(hints) - 1, 0)
        if stacked:
            across = max((hint.width() for hint in hints), default=0)
            high = sum(hint.height() for hint in hints) + spacing
        else:
            across = sum(hint.width() for hint in hints) + spacing
            high = max((hint.height() for hint in hints), default=0)
        frame, margins = self.contentsMargins(), layout_of(self).contentsMargins()
        around = frame.left() + frame.right() + margins.left() + margins.right()
        text = width - around - across - layout_of(self).spacing()
        return max(self.label.heightForWidth(text), high)

    def _shown_buttons(self) -> list[QPushButton]:
        return [b for b in (self.openSettingsButton, self.tryDemoButton) if not b.isHidden()]

    def _width_with_scroll_bar(self) -> int:
        """The notice's width while the scroll area it is in shows its scroll bar."""
        area = scroll_area_around(self)
        if area is None:
            return self.width()
        bar = area.verticalScrollBar()
        return self.width() - (0 if bar.isVisible() else bar.sizeHint().width())

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
        # Not before the notice has its width: decided at the width Qt gives a widget not
        # yet laid out, the buttons stood one above the other until it came into view, and
        # the window's middle part scrolled for a moment as they went side by side.
        if self._laid_out:
            self._fit_buttons()
