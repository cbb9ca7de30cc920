"""The status line: what is happening or what went wrong, in plain words, plus details for support.

The sentence is for the person at the screen (``KomboError.user_message``). The details pane,
folded away by default, holds what Kombo support asks for (``ErrorDetail.as_support_text()``:
status, error code, ``log_url``), with a "Copy details" button. Neither ever contains the key:
the core builds both texts without it.

The sentence comes first: opened in a short window, the details pane takes only the height the
window has left once the sentence has all its lines (see ``StatusPanel.fit_within``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QLayout,
    QLayoutItem,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kombo_desktop import __version__
from kombo_desktop.ui import theme
from kombo_desktop.ui.event_filters import reports_errors
from kombo_desktop.ui.qt_enums import set_enum
from kombo_desktop.ui.widgets import (
    WINDOW_FRAME,
    FitScrollArea,
    announce,
    button_row,
    keep_on_screen,
    plain_label,
    push_button,
    wrap_within_width,
)

KINDS = ("info", "success", "error", "busy")
READY_TEXT = "Ready."  # said at the start, before anything else is
DETAILS_HEIGHT = 120  # the details pane's height where the window has room for it
# With room for fewer lines than this, the details pane would show nothing useful: it stays
# folded away ("Copy details" still copies them all).
DETAILS_FEWEST_LINES = 2
NO_ROOM_FOR_DETAILS = (
    "This window is too short to show the details: make it taller, or press “Copy details” "
    "to copy them."
)


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
        self.statusDetails.setMaximumHeight(DETAILS_HEIGHT)
        self.statusDetails.hide()
        # What holds the window's layout this panel shares with the forms (see ``fit_within``).
        self._holder: QWidget | None = None

        # The buttons stay at the top when the sentence wraps onto more lines.
        self._buttons = QVBoxLayout()
        self._buttons.addLayout(
            button_row(self.statusActionButton, self.detailsToggle, self.copyDetailsButton)
        )
        self._buttons.addStretch(1)
        # The sentence and its buttons: beside it, or under it where they would leave it a
        # narrow column (see ``_place_buttons``).
        self._top = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._top.setSpacing(theme.SPACING)
        self._top.addWidget(self.statusLabel, 1)
        self._top.addLayout(self._buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, theme.SPACING, theme.MARGIN, theme.SPACING)
        layout.setSpacing(theme.SPACING)
        layout.addLayout(self._top)
        layout.addWidget(self.statusDetails)

        self.detailsToggle.toggled.connect(self._show_details)
        self.copyDetailsButton.clicked.connect(self.copy_details)
        self._support_text = ""
        self._lead = ""  # the sentence notes follow (see ``show_message``'s ``notes_follow``)
        self._notes: list[str] = []
        self._notes_details: list[str] = []  # what the notes' details say, for support or IT
        self._heard = ""  # the status as a screen reader was last told it ("" if it was not)
        self._notes_action: tuple[str, Callable[[], None]] | None = None  # see ``add_note``
        self.show_message(READY_TEXT)

    @property
    def at_rest(self) -> bool:
        """Whether the status line says only "Ready." or notes about the set-up
        (``add_note``), nothing about what someone did since: a note found in the background
        may join them, where it would replace a request's outcome or a request running."""
        return self.text == READY_TEXT or bool(self._notes)

    def show_message(
        self,
        text: str,
        kind: str = "info",
        details: str | None = None,
        action: tuple[str, Callable[[], None]] | None = None,
        *,
        after_notes: bool = False,
        notes_follow: bool = False,
        quiet: bool = False,
        support_text: str | None = None,
    ) -> None:
        """Replace the status; ``details`` (support text) enables the details pane, ``action``
        (button text, what it does) offers the next step as a button. ``after_notes``: the
        notes start-up left (see :meth:`add_note`) stay above it, as what they say may be why
        (a settings file set aside, and then a key refused). ``notes_follow``: notes added
        next go below it instead of taking its place. Said of a new key, whose check in the
        background follows a moment later: "Kombo accepted the key" was replaced by the
        store's note before the person closed Settings, and never read. ``quiet``: a screen
        reader is not told to say it now (it can still read the status line): for a step of
        something already said, such as each try again while Kombo is asked again.
        ``support_text``: the details pane's whole text as an earlier status left it
        (:attr:`support_text`), kept word for word instead of ``details``: for a sentence that
        follows from that status, such as a press held back during the wait Kombo asked for,
        whose refusal support still needs to see."""
        if kind not in KINDS:
            raise ValueError(f"unknown status kind {kind!r}")
        if after_notes and self._notes:
            text = "\n".join([*self._notes, text])
            details = "\n".join([*self._notes_details, *([details] if details else [])]) or None
        self._lead = text if notes_follow else ""
        self._notes = []
        self._notes_details = []
        self._notes_action = None
        self._action = action[1] if action is not None else None
        self.statusActionButton.setText(action[0] if action is not None else "")
        self.statusActionButton.setAccessibleName(action[0] if action is not None else "Next step")
        self.statusActionButton.setVisible(action is not None)
        self.statusLabel.setText(text)
        # A screen reader reads the name: "Status" alone never told it what happened. The
        # focus is elsewhere (on the button pressed), so it is also told to say it now.
        self.statusLabel.setAccessibleName(text or "Status")
        self._heard = text if self.isVisible() and not quiet else ""
        if self._heard:
            announce(self.statusLabel, text, urgent=kind == "error")
        theme.set_look(self.statusLabel, "kind", kind)
        if support_text is None:
            support_text = self._support_document(text, details) if details else ""
        self._support_text = support_text
        self.statusDetails.setPlainText(self._support_text)
        has_details = bool(self._support_text)
        self.detailsToggle.setVisible(has_details)
        self.copyDetailsButton.setVisible(has_details)
        if not has_details:
            self.detailsToggle.setChecked(False)
        self._place_buttons()
        self._fit_details()

    def add_note(
        self,
        text: str,
        details: str | None = None,
        action: tuple[str, Callable[[], None]] | None = None,
        *,
        quiet: bool = False,
    ) -> None:
        """Add a note about the program's set-up (a settings file that cannot be read, a history
        that cannot be opened, no API key yet) to the notes shown since the last status, one per
        line. Start-up can find several at once and each of them matters; the next status
        (``show_message``) replaces them all. ``details`` (what was wrong, for whoever can mend
        it) go in the details pane, with those of the notes before it. ``action`` (button text,
        what it does) is the way forward a note sends the person to, e.g. "Open settings" for a
        key to enter there: offered until the next status, whatever notes follow. ``quiet``: a
        screen reader is not told to say it now (it can still read the status line)."""
        if text in self._notes:
            return  # said already (the same problem found again, e.g. after a profile change)
        action = action or self._notes_action
        notes = [*self._notes, text]
        notes_details = [*self._notes_details, *([details] if details else [])]
        # The sentence notes follow stays above them, for them to follow again (not a note
        # itself: a refusal said ``after_notes`` does not repeat it).
        lead = self._lead
        said = "\n".join([lead, *notes] if lead else notes)
        heard = self._heard
        self.show_message(said, "info", "\n".join(notes_details) or None, action, quiet=True)
        # Of what the status line says now, only the note is new to someone who heard it a
        # moment ago: "Left the demo. Links are now made with …" was said again whole, with
        # "No API key is set for this profile yet." after it.
        if self.isVisible() and not quiet:
            self._heard = said
            announce(self.statusLabel, text if said == f"{heard}\n{text}" else said)
        self._lead = lead
        self._notes_action = action
        self._notes = notes
        self._notes_details = notes_details

    def replace_note(self, old: str, new: str | None) -> None:
        """A note that no longer holds (``old``, e.g. a key refused the last time, accepted
        now) gives way to ``new`` in its place, or goes (None: what is said next says it
        better), the other notes and the way forward staying as they are; nothing changes
        once another status took the notes' place."""
        if old not in self._notes:
            return
        replaced = (new if note == old else note for note in self._notes)
        notes = [note for note in replaced if note]
        lead, details, action = self._lead, self._notes_details, self._notes_action
        said = "\n".join([lead, *notes] if lead else notes)
        self.show_message(said, "info", "\n".join(details) or None, action, quiet=True)
        if self.isVisible() and new:
            self._heard = said
            announce(self.statusLabel, new)
        self._lead, self._notes_action = lead, action
        self._notes, self._notes_details = notes, details

    def follow_rename(self, old: str, new: str) -> None:
        """A profile was renamed from ``old`` to ``new``: the status naming it (“old”, as
        every sentence quotes a profile) names it “new” in its place, the rest as it was (its
        kind, its way forward, the notes after it, the details for support, which record
        what happened). The header took the new name while the status line went on saying
        that links were made with “Team US”, a profile Settings no longer listed."""
        said, wanted = f"“{old}”", f"“{new}”"
        if said not in self.text:
            return
        text = self.text.replace(said, wanted)
        self.statusLabel.setText(text)
        self.statusLabel.setAccessibleName(text)
        self._lead = self._lead.replace(said, wanted)
        self._notes = [note.replace(said, wanted) for note in self._notes]
        self._heard = self._heard.replace(said, wanted)

    def shows_buttons(self) -> bool:
        """Whether the next step, "Details for support" or "Copy details" is offered now."""
        buttons = (self.statusActionButton, self.detailsToggle, self.copyDetailsButton)
        return any(not button.isHidden() for button in buttons)

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
        self._fit_details()
        if shown:
            self._make_room_for_details()

    # --- the details pane in a short window ----------------------------------------------------

    def fit_within(self, layout: QVBoxLayout) -> None:
        """Share ``layout`` (the window's, holding this panel) so that the sentence always has
        all its lines. A window too short for all it holds squeezes each part alike: at the
        smallest size, with the details pane open, a long error lost its last lines under it.
        So the details pane takes only the height left once every other part has its least
        height and the sentence all its lines, and stays folded when that is less than a few
        lines. Opened by the person, it has the window grow for it, as far as the screen
        allows."""
        self._holder = layout.parentWidget()
        if self._holder is not None:
            self._holder.installEventFilter(self)

    @property
    def _window_layout(self) -> QLayout | None:
        """The layout of ``fit_within``; asked for each time, as it goes first when the window
        is taken down."""
        return self._holder.layout() if self._holder is not None else None

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # The window was resized, or something in it grew or shrank (a warning, an error).
        if watched is self._holder and event.type() in (
            QEvent.Type.LayoutRequest,
            QEvent.Type.Resize,
        ):
            self._place_buttons()
            self._fit_details()
        return super().eventFilter(watched, event)

    # --- the buttons beside the sentence, or under it ------------------------------------------

    def _place_buttons(self) -> None:
        """Put the buttons under the sentence where, beside it, they would leave it less than
        half the panel's width and it would take more lines there. After "Could not reach
        Kombo…" on a 1366x768 laptop at 150 % with larger text, "Details for support" and "Copy
        details" left the sentence five lines in a narrow column: the status line took a
        third of the window, and "Create link", the way to try again, went out of view.

        Decided from the panel's width and what the sentence and the buttons ask for, never
        from the sentence's place as it stands: moving the buttons cannot change what chose
        it, and the layout settles at once."""
        under = self._buttons_go_under(self._row_width())
        direction = QBoxLayout.Direction.TopToBottom if under else QBoxLayout.Direction.LeftToRight
        if self._top.direction() != direction:
            self._top.setDirection(direction)

    def _row_width(self) -> int:
        """The width the sentence and its buttons share: the panel's, less its margins."""
        own = self.layout()
        inside = own.contentsMargins() if own is not None else self.contentsMargins()
        return self.contentsRect().width() - inside.left() - inside.right()

    def _buttons_go_under(self, width: int) -> bool:
        if self._buttons.isEmpty() or width <= 0:
            return False  # no buttons shown ("Ready."), or not laid out yet
        beside = width - self._buttons.sizeHint().width() - self._top.spacing()
        if beside >= width // 2:
            return False
        label = self.statusLabel
        return beside <= 0 or label.heightForWidth(beside) > label.heightForWidth(width)

    def _fit_details(self) -> None:
        """Show the details pane (when asked for) at most as high as there is room for.

        The room is worked out from the parts' own least heights, never from the pane's own
        height or the panel's: so showing or sizing the pane cannot change the room that chose
        it, and the layout settles at once."""
        wanted = self.detailsToggle.isChecked() and bool(self._support_text)
        if not wanted:
            # Folded away, the pane takes no room; it is fitted again when opened. This runs at
            # every change of the window's layout, the start's too, where working out the room
            # cost the first frame about 0.6 ms (PySide6 setting up ``QTextDocument`` included).
            self.statusDetails.setVisible(False)
            self._say_why_not_shown("")
            return
        room = self._room_for_details()
        fits = room >= self._fewest_lines_height()
        if fits and self.statusDetails.maximumHeight() != min(room, DETAILS_HEIGHT):
            self.statusDetails.setMaximumHeight(min(room, DETAILS_HEIGHT))
        self.statusDetails.setVisible(fits)
        # Opened, and nothing appeared: said where the person looks, and to a screen reader.
        self._say_why_not_shown("" if fits else NO_ROOM_FOR_DETAILS)

    def _say_why_not_shown(self, why: str) -> None:
        if self.detailsToggle.toolTip() != why:
            self.detailsToggle.setToolTip(why)
            self.detailsToggle.setAccessibleDescription(why)

    def _room_for_details(self) -> int:
        """The height the details pane can have in the window's layout, the spacing above it
        left out: what remains once every other part has its least height and this panel its
        sentence's lines. ``DETAILS_HEIGHT`` outside a window."""
        layout, holder = self._window_layout, self._holder
        if layout is None or holder is None:
            return DETAILS_HEIGHT
        margins = layout.contentsMargins()
        width = holder.contentsRect().width() - margins.left() - margins.right()
        free = holder.contentsRect().height() - margins.top() - margins.bottom()
        shown = 0
        for index in range(layout.count()):
            item = layout.itemAt(index)
            if item is None or item.isEmpty():
                continue
            shown += 1
            free -= self._sentence_height(width) if item.widget() is self else least(item, width)
        own = self.layout()
        spacing = own.spacing() if own is not None else 0
        return free - layout.spacing() * max(shown - 1, 0) - spacing

    def _sentence_height(self, width: int) -> int:
        """This panel's height at ``width`` without the details pane: the sentence's lines
        (or its buttons, if taller) within the margins."""
        frame = self.contentsMargins()
        own = self.layout()
        inside = own.contentsMargins() if own is not None else frame
        across = frame.left() + frame.right() + inside.left() + inside.right()
        around = frame.top() + frame.bottom() + inside.top() + inside.bottom()
        return around + self._top.heightForWidth(width - across)

    def _fewest_lines_height(self) -> int:
        details = self.statusDetails
        lines = details.fontMetrics().lineSpacing() * DETAILS_FEWEST_LINES
        return lines + 2 * round(details.document().documentMargin()) + 2 * details.frameWidth()

    def _make_room_for_details(self) -> None:
        """The details pane was opened in a window too short for it: the window grows by what
        is missing, as far as the screen allows (never when maximised or full screen)."""
        if self._window_layout is None:
            return
        missing = DETAILS_HEIGHT - self._room_for_details()
        window = self.window()
        if missing <= 0 or window.isMaximized() or window.isFullScreen():
            return
        screen = window.screen()
        tallest = window.height() + missing
        if screen is not None:
            tallest = min(tallest, screen.availableGeometry().height() - WINDOW_FRAME[1])
        if tallest > window.height():
            window.resize(window.width(), tallest)
            keep_on_screen(window)

    def copy_details(self) -> None:
        if not self._support_text:
            return
        QGuiApplication.clipboard().setText(self._support_text)
        self.copyDetailsButton.setText("Copied ✓")
        # This panel is the timer's context, so the reset never fires into a deleted widget.
        QTimer.singleShot(2000, self, lambda: self.copyDetailsButton.setText("Copy details"))


def least(item: QLayoutItem, width: int) -> int:
    """The least height a layout gives ``item`` at ``width``: the lines of its wrapped text
    (a layout counts them as its least height), else its minimum. A part that scrolls (the
    forms and a warning above them) counts all it holds: the details pane is worth less
    than the form it would scroll out of view."""
    widget = item.widget()
    if isinstance(widget, FitScrollArea):
        return widget.unscrolled_height(width)
    if item.hasHeightForWidth():
        return item.heightForWidth(width)
    return item.minimumSize().height()
