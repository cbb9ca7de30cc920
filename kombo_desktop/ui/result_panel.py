"""The link just made, and everything staff do with it: copy, open, QR code on screen and on file.

The link is shown in a read-only field (selectable, never editable, so it cannot be changed by a
stray key press) in a large monospace font. Its Open button follows the rule the client holds
Kombo's answers to (``link_refusal``): a link just made has passed it already, and one shown
from the history, perhaps kept by an older version, must pass it too before a browser is
pointed at it (only ``https://`` addresses, and the demo service's own on this computer).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, QTimer, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QSizePolicy,
    QSpacerItem,
    QVBoxLayout,
    QWidget,
)

from kombo_desktop.core.letters import base_letters
from kombo_desktop.ui import action_fit, expiry, theme
from kombo_desktop.ui.action_fit import ActionColumnFit
from kombo_desktop.ui.event_filters import reports_errors
from kombo_desktop.ui.expiry import (
    expired_text,
    expires_at,
    expiry_text,
    latest_expiry_text,
    next_look_ms,
)
from kombo_desktop.ui.qr_view import QR_HINT, QR_HINT_SHOWN_LARGE, QR_HINT_WITH_CODE, QrView
from kombo_desktop.ui.qt_enums import set_enum
from kombo_desktop.ui.save_places import SavePlaces
from kombo_desktop.ui.tight_look import TIGHT, set_vertical_margins
from kombo_desktop.ui.widgets import (
    FitScrollArea,
    OneLineNote,
    OneLineTitle,
    chain_tab_order,
    hand_over_focus,
    height_in_view,
    plain_label,
    plain_tooltip,
    push_button,
    scroll_areas_around,
    width_with_scroll_bar,
)

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QDialog, QScrollArea

    from kombo_desktop.core.link_check import LinkProblem
    from kombo_desktop.ui.screen_sharing import ScreenSharingMode
    from kombo_desktop.ui.shown_link import ShownLink
    from kombo_desktop.ui.tasks import TaskHandle, TaskRunner

QR_VIEW_SIZE = 300  # the code's side when the panel is wide enough
# Between the expiry's line and the code, besides the usual spacing.
ROW_GAP = theme.SPACING // 2
# The panel's room above and below what it holds in the actions' slimmest look (see
# ``_fit_actions``): as little as the window's own in its tight look.
SLIMMEST_MARGIN = TIGHT.margin
# Never smaller than this, even in the smallest window, whose width it fills beside the
# form: larger, the smallest window would have to be wider. A long link's code that needs
# more is offered large instead (MIN_MODULE_PIXELS).
QR_MIN_SIZE = 150
# Room for 4-pixel modules in a Kombo-length link's code as the window draws it, at level L: 73
# modules with the quiet zone (see ``kombo_desktop.core.qr``), and up to 89 for longer links.
QR_MAX_SIZE = 360
# Screen pixels a module of the code needs, at the least, to be shown in the window. A real
# Kombo link's code scans from this screen with one or two, but a screen share scales the
# window down and compresses it: with one pixel it no longer scanned at 90 %, with two it
# failed at most sizes below 65 %; with three it scanned at nearly every size down to 50 %.
# Below that the code is offered large instead (``qr_large``).
MIN_MODULE_PIXELS = 3
QR_PLACEHOLDER = "The QR code\nwill appear here."
ACTION_MAX_WIDTH = 300  # buttons beside the code stop growing here on wide screens
COPY_TEXT = "Copy link"
SAVE_QR_TEXT = "Save QR code…"
SAVING_QR_TEXT = "Saving the QR code…"
CLOSING_SAVING_QR_TEXT = "Closing… the QR code is still being saved (a few seconds at most)."
# The most closing waits for a QR code's file still being written: a file on a network share
# over a VPN takes seconds. Closed sooner, the program ended mid-write: no file, and a hidden
# temporary one left in the customer's folder.
QR_CLOSE_WAIT_SECONDS = 10.0
COPIED_TEXT = "Copied ✓"
CONFIRMATION_MS = 2000
EMPTY_TEXT = "Your link will appear here."
TITLE_TEXT = "Your link"  # the empty panel's title
# What a link shown is, in the panel's title: "New link · Personio", "Reconnection link ·
# Personio". Said of a new link too: under "Your link", one shown beside the reconnection tab
# was taken for the reconnection link asked for.
NEW_LINK_TITLE = "New link"
RECONNECTION_TITLE = "Reconnection link"
# A new link's tool, when the customer was to choose it: as the form's tool list says it
# ("The customer chooses"), and short, so that the title is whole in the window's usual size.
TOOL_CHOSEN_BY_CUSTOMER = "the customer chooses"
DEMO_NOTE = "Demo link: it connects nothing."
DEMO_WARNING = "It connects nothing: do not send it to a customer."
# Said after copying a link that works, here and in the history.
LINK_COPIED_TEXT = "Link copied. Paste it into your message to the customer."
EXPIRED_QR_TEXT = "This link has expired,\nso its QR code\nis not shown."
QR_SHOW_LARGE_TEXT = "Click to show the QR code large enough to scan."
# A very long link's code needs more pixels than a small window leaves it, even at one pixel
# per module: cut off, it would not scan. Shown large (a click on the words), it does.
QR_TOO_LARGE_TEXT = (
    "This code is too large for the window. Click here to show it large, or make the window larger."
)


def link_refusal(url: str, is_demo: bool) -> LinkProblem | None:
    """Why ``url`` must not be shown, copied, opened or turned into a QR code, or None: the
    rule the links in Kombo's answers pass (``link_check.link_problem``: ``https://``, no
    user name or password, no host that is this computer in disguise such as ``127.1`` or
    ``%31%32%37.0.0.1``, no backslash...). A link from the history is held to it too: one
    kept before a rule was added there (or written to the file by something else) opened
    https://127.0.0.1/ for "https://127.1/". A demo link (``is_demo``) points at this
    computer, where the demo service runs, and may be ``http://``."""
    from kombo_desktop.core.link_check import link_problem  # not needed for the first frame

    return link_problem(url, loopback_api=is_demo, key=None)


def is_openable(url: str, is_demo: bool) -> bool:
    """Whether ``url`` may be opened in the browser: :func:`link_refusal` has nothing."""
    return link_refusal(url, is_demo) is None


def cannot_open_words(problem: LinkProblem) -> str:
    """Why a link is not opened, for the status line or a disabled Open button's tooltip."""
    return f"This link can't be opened because {problem.reason}."


def open_in_browser(url: str, is_demo: bool) -> tuple[str, str]:
    """Open ``url`` in the browser unless :func:`link_refusal` has a reason not to; the
    sentence for the status line and its kind ("info" or "error")."""
    problem = link_refusal(url, is_demo)
    if problem is not None:
        return cannot_open_words(problem), "error"
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    if QDesktopServices.openUrl(QUrl(url, QUrl.ParsingMode.StrictMode)):
        return "The link was opened in your browser.", "info"
    return (
        "No web browser could be opened. Copy the link and paste it into your browser.",
        "error",
    )


def file_stem_for(name: str, fallback: str = "kombo-link") -> str:
    """A safe, readable file name stem from an organisation name or integration id."""
    slug = file_name_words(name)
    return f"kombo-link-{slug}" if slug else fallback


def qr_file_stem(organization: str | None, integration_id: str | None = None) -> str:
    """The name a link's QR code is offered to be saved under: the organisation the link is
    for when one may be named, else the integration id of a reconnection link, else
    "kombo-link". One rule for a link just made and the same link shown again from the
    history, so that its code is not offered under two names. An organisation written in
    letters a file name cannot keep ("ООО Ромашка") names nothing: every such customer's code
    would be offered as "kombo-link", and saving one would offer to replace another's."""
    if organization and file_name_words(organization):
        return file_stem_for(organization)
    if integration_id:
        return file_stem_for(integration_id.replace(":", "-"), "kombo-relink")
    return file_stem_for("")


def file_name_words(text: str) -> str:
    """``text`` as words of a file name, safe on every system: "muller-sohne" for "Müller &
    Söhne". Accented letters keep their base letter (not "m-ller-s-hne"), so that the name
    still reads as the customer's; "" when nothing readable is left."""
    letters = base_letters(text)
    return re.sub(r"[^A-Za-z0-9]+", "-", letters).strip("-").lower()[:50].strip("-")


def _expired_look_ms() -> int:
    """An expired link's words change only with the day ("Expired at 14:32", then "Expired on
    29 Nov 2026"): looked at again hourly."""
    return int(expiry.RECHECK_LATER.total_seconds() * 1000)


class LinkField(QLineEdit):
    """The link, read-only. Copy (Ctrl+C, Cmd+C) with nothing selected copies the whole link,
    as the Copy button does: the field has the focus once a link is made, and pressing the
    copy keys at once is what most people do. A selection is copied as usual."""

    copy_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if not self.hasSelectedText() and event.matches(QKeySequence.StandardKey.Copy):
            event.accept()
            self.copy_requested.emit()
            return
        super().keyPressEvent(event)


class ResultPanel(QFrame):
    """Shows one link at a time. Emits ``notice(text, kind)`` for the status line."""

    notice = Signal(str, str)  # (plain sentence, "info" | "success" | "error")

    def __init__(
        self,
        save_places: SavePlaces | None = None,
        screen_sharing: ScreenSharingMode | None = None,
        parent: QWidget | None = None,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("resultCard")
        self.shown: ShownLink | None = None
        # Counts the links shown (and the panel cleared): the same link named meanwhile
        # (``name_organization``) is still the same showing of it, a link shown again is not.
        self._showings = 0
        self._save_places = save_places or SavePlaces()
        # Writes a saved QR code, and remembers its folder, off the UI thread: the window's,
        # which stops them when it closes. Without one (a panel on its own) the panel's own.
        if runner is None:
            from kombo_desktop.ui.tasks import TaskRunner

            runner = TaskRunner(self)
        self._runner = runner
        self._saving_qr: TaskHandle | None = None  # while a QR code's file is being written
        # The window's mode, read when the save dialog opens: in it, the dialog lists no earlier
        # customer's code (see qr_save_dialog). Without one, the panel behaves as in the mode.
        self._screen_sharing = screen_sharing
        # Set by the window: ``qr_preparer(url, draw)`` computes the link's QR code off the UI
        # thread and then calls ``draw``. Without it the code is computed here, on the UI thread.
        self.qr_preparer: Callable[[str, Callable[[], None]], None] | None = None

        # What the link is ("New link · Personio", "Reconnection link · Personio"), cut short
        # in a narrow panel.
        title = OneLineTitle("resultTitle", TITLE_TEXT)
        self._title = title  # dropped in a window too short for the actions (see _fit_actions)

        self.linkField = LinkField()
        self.linkField.setObjectName("linkField")
        self.linkField.setAccessibleName("The link")
        self.linkField.setReadOnly(True)
        self.linkField.setFont(theme.link_font())
        self.linkField.setPlaceholderText(EMPTY_TEXT)  # a tab stop once it holds a link

        self.expiryLabel = plain_label()
        self.expiryLabel.setObjectName("expiryLabel")
        # Beside the expiry, on one line: the sentence where the panel is wide enough, else
        # "Demo link" (it took two or three lines of a narrow panel, on a laptop at 125 % or
        # with the history open).
        self.demoNote = OneLineNote(
            "demoLinkNote", DEMO_NOTE, "Demo link", padding=2 * theme.NOTE_PADDING[1]
        )
        self.demoNote.hide()

        self.copyButton = push_button("copyButton", COPY_TEXT, "Copy the link")
        self.copyButton.setProperty("primary", True)
        self.openButton = push_button("openButton", "Open in browser", "Open the link in a browser")
        self.exportQrButton = push_button(
            "exportQrButton", SAVE_QR_TEXT, "Save the QR code as a PNG or SVG file"
        )
        self.copyQrButton = push_button(
            "copyQrButton", "Copy QR image", "Copy the QR code as a picture"
        )

        self.qrView = QrView()
        self.qrView.setObjectName("qrView")
        self.qrView.setAccessibleName("QR code of the link")
        self.qrView.setWordWrap(True)
        self.qrView.setFixedSize(QR_VIEW_SIZE, QR_VIEW_SIZE)
        set_enum(self.qrView, "alignment", "AlignCenter")
        # Words that show the code large when clicked look like a link, not like a note.
        self.qrView.setStyleSheet(
            f"QLabel {{ background: white; border: 1px solid {theme.BORDER}; "
            f"color: {theme.MUTED}; }} QLabel:focus {{ border: 2px solid {theme.ACCENT}; }} "
            f'QLabel[offersLargeView="true"] {{ color: {theme.ACCENT}; '
            "text-decoration: underline; }"
        )
        self.qrView.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

        self._copy_reset = QTimer(self)
        self._copy_reset.setSingleShot(True)
        self._copy_reset.setInterval(CONFIRMATION_MS)
        self._copy_reset.timeout.connect(lambda: self.copyButton.setText(COPY_TEXT))
        # A link made for the customer's session lasts an hour and may expire on screen.
        self.expired = False
        self._expiry_check = QTimer(self)
        self._expiry_check.setSingleShot(True)
        self._expiry_check.timeout.connect(self._check_expiry)
        self._link_actions: list[QWidget] = []  # added by add_link_actions
        self._large_qr: QDialog | None = None  # the code shown large, while it is open
        # The scroll areas around the panel, found again only in another window, and those
        # of their parts whose moves or resizes change what is in view: see ``_watch_the_view``.
        self._areas: list[QScrollArea] = []
        self._areas_in: QWidget | None = None  # the window they were found in
        self._watched: list[QWidget] = []
        self._watched_resizes: tuple[QWidget, ...] = ()
        self._watched_moves: tuple[QWidget, ...] = ()
        self._widest_word: tuple[tuple[str, str], int] | None = None  # see ``_hint_fits``

        qr_hint = plain_label(QR_HINT)
        qr_hint.setObjectName("qrHint")
        qr_hint.setWordWrap(True)
        qr_hint.setProperty("class", "hint")
        qr_column = QVBoxLayout()
        qr_column.setSpacing(theme.SPACING // 2)
        qr_column.addWidget(self.qrView)
        qr_column.addWidget(qr_hint)
        qr_column.addStretch(1)
        self._qr_hint = qr_hint
        self._qr_column = qr_column

        # Every action in one column beside the code: the link's own first, then (added by the
        # history) the invitation, then the code's. The code is as tall as this column anyway,
        # so it can be large without making the panel any taller.
        self.actionColumn = QVBoxLayout()
        self.actionColumn.setSpacing(action_fit.SPACING)
        self.actionColumn.addWidget(self.copyButton)
        self.actionColumn.addWidget(self.openButton)
        self._action_gap = QSpacerItem(
            0, action_fit.GAP, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed
        )
        self.actionColumn.addItem(self._action_gap)
        self._actions_fit = ActionColumnFit(self.actionColumn, self._action_gap)
        self.actionColumn.addWidget(self.exportQrButton)
        self.actionColumn.addWidget(self.copyQrButton)
        self.actionColumn.addStretch(1)
        for button in (self.copyButton, self.openButton, self.exportQrButton, self.copyQrButton):
            button.setMaximumWidth(ACTION_MAX_WIDTH)

        # The code beside the actions; below them where the panel is too narrow for both
        # side by side (``code_below``).
        self.qrRow = QHBoxLayout()
        self.qrRow.setSpacing(theme.SPACING + 4)
        self.qrRow.addLayout(qr_column)
        self.qrRow.addLayout(self.actionColumn, 1)
        self.code_below = False

        self._layout = layout = QVBoxLayout(self)  # self.layout(), known not to be None
        layout.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
        layout.setSpacing(theme.SPACING)
        layout.addWidget(title)
        layout.addWidget(self.linkField)
        status = QHBoxLayout()  # when it expires, and (demo) that it is not real, on one line
        status.setSpacing(theme.SPACING)
        status.addWidget(self.expiryLabel)
        status.addWidget(self.demoNote, 1)
        layout.addLayout(status)
        self._status_row = status
        policy = QSizePolicy.Policy
        self._row_gap = QSpacerItem(0, ROW_GAP, policy.Minimum, policy.Fixed)  # see _make_room
        layout.addItem(self._row_gap)
        layout.addLayout(self.qrRow)
        layout.addStretch(1)

        self.copyButton.clicked.connect(self.copy_link)
        self.linkField.copy_requested.connect(self.copy_link)
        self.openButton.clicked.connect(self.open_link)
        self.exportQrButton.clicked.connect(self.export_qr)
        self.copyQrButton.clicked.connect(self.copy_qr)
        self.qrView.enlarge_requested.connect(self.show_large_qr)
        if screen_sharing is not None:
            screen_sharing.changed.connect(self._name_the_link)
        chain_tab_order(self.tab_chain)
        self.clear()

    @property
    def tab_chain(self) -> list[QWidget]:
        """The panel's tab stops as it is read: the code (a tab stop while the link has a code,
        shown here or not) left of the buttons, after the link, or below the buttons, after
        the last of them, where it moves there (``_place_code``). Tab reached it last even
        where it stands first, and a screen reader heard of it after the buttons about it.
        The code's place is set again once it is a tab stop (``_put_code_in_tab_order``)."""
        buttons = [self.copyButton, self.openButton, self.exportQrButton, self.copyQrButton]
        if self.code_below:
            return [self.linkField, *buttons, self.qrView]
        return [self.linkField, self.qrView, *buttons]

    def add_link_actions(self, widget: QWidget) -> None:
        """Put more actions for the shown link (the invitation) under Copy and Open."""
        widget.setMaximumWidth(ACTION_MAX_WIDTH)
        self.actionColumn.insertWidget(self.actionColumn.indexOf(self.openButton) + 1, widget)
        self._link_actions.append(widget)
        self._actions_fit.add_group(widget)

    # --- the code's size -------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_qr()

    def event(self, event: QEvent) -> bool:
        # Inside a scroll area the panel is never narrower than its minimum, which includes
        # the code: so the code follows the area's width (the parent), not the panel's own.
        if event.type() == QEvent.Type.ParentChange:
            parent = self.parentWidget()
            if parent is not None:
                parent.installEventFilter(self)
        # Back at the window (after a sleep, a meeting): what it shows is right at once.
        if event.type() == QEvent.Type.WindowActivate:
            self._check_expiry()
        return super().event(event)

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._fit_qr()
        elif self._changes_the_view(watched, event):
            self._show_hint_if_whole(self.qrView.width())
        elif watched is self._large_qr and event.type() == QEvent.Type.WindowActivate:
            # The large code is in front when a customer scans; used again after sleep, it
            # showed an expired code until the timer woke.
            self._check_expiry()
        return super().eventFilter(watched, event)

    def _changes_the_view(self, watched: QObject, event: QEvent) -> bool:
        """Whether ``event`` changes how much of the panel is in view: a scroll area's view
        around it resized, or an inner area moved in the page of the one around it."""
        kind = event.type()
        if kind == QEvent.Type.Resize:
            return any(watched is view for view in self._watched_resizes)
        if kind == QEvent.Type.Move:
            return any(watched is area for area in self._watched_moves)
        return False

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """As narrow as the panel can become laid out as it is: the code at its smallest
        beside the actions, or below them (``code_below``) the wider of the two. The layout's
        own minimum has the code at its present size, which follows the width the panel is
        given (``_fit_qr``); the scroll area around it keeps to this width, so larger text can
        never push the actions past its right edge.

        With the code beside the actions, exactly the width that keeps it there: the layout's
        own minimum counts the buttons' least width, a few pixels less, and the duplicate
        warning, appearing beside the result, took those pixels and sent the code below."""
        hint = super().minimumSizeHint()
        if self.code_below:
            narrowest = min(hint.width(), self._around() + max(QR_MIN_SIZE, self._actions_width()))
        else:
            narrowest = self._beside_width()
        return QSize(narrowest, hint.height())

    def _around(self) -> int:
        """The panel's width around its content: the layout's margins and the frame's border."""
        margins = self._layout.contentsMargins()
        frame = self.contentsMargins()
        return margins.left() + margins.right() + frame.left() + frame.right()

    def _beside_width(self) -> int:
        """The panel's least width with the code at its smallest beside the actions: worked
        out from its parts, never from the panel as it stands, which follows where the code
        is. So where the code goes cannot change the width that chose it."""
        return self._around() + self.qrRow.spacing() + QR_MIN_SIZE + self._actions_width()

    def _actions_width(self) -> int:
        """The buttons' natural width (text and padding), not their minimum, which cuts text."""
        column = self.actionColumn
        return max(column.sizeHint().width(), column.minimumSize().width()) + 2

    def _fit_qr(self) -> None:
        """As large a code as the width leaves beside the actions: bigger modules scan more
        reliably from a shared, compressed screen. Where even the smallest code does not fit
        beside them, below them."""
        parent = self.parentWidget()
        width = width_with_scroll_bar(parent) if parent is not None else self.width()
        moved = self._place_code(below=width < self._beside_width())
        self._fit_expiry(width)
        self._fit_actions()
        if moved:
            self._layout.activate()  # the code's place now, for its size and the hint
        margins = self._layout.contentsMargins()
        room = width - margins.left() - margins.right()
        if not self.code_below:
            room -= self.qrRow.spacing() + self._actions_width()
        # Nor taller than the visible height allows: a code cut off at the bottom of a small
        # screen cannot be scanned at all, while a button below it can be scrolled to. Below
        # the actions, it is scrolled to with them, and no taller than the view.
        if parent is not None and self.qrRow.geometry().isValid():
            below = self._below_the_row() + theme.SPACING
            top = margins.top() if self.code_below else self.qrRow.geometry().top()
            room = min(room, parent.height() - top - below)
        side = max(QR_MIN_SIZE, min(QR_MAX_SIZE, room))
        if side != self.qrView.width():
            self.qrView.setFixedSize(side, side)
            self._qr_hint.setMaximumWidth(side)
            if self.shown is not None and self.qrView.can_enlarge:  # the link has a code
                self._render_qr(self.shown.url)
        self._show_hint_if_whole(side)

    def _place_code(self, *, below: bool) -> bool:
        """The code beside the actions, or below them (``below``): with twice the usual text
        on a 1366x768 laptop at 150 % the panel was 427 pixels wide inside, and the smallest
        code (150) beside the widest button (269) did not fit; the link field and the buttons
        reached past its right edge, cut off, as the panel scrolls only up and down. The
        actions come first, right under the link they hand on. Whether the code moved."""
        if below == self.code_below:
            return False
        self.code_below = below
        direction = QBoxLayout.Direction
        self.qrRow.setDirection(direction.BottomToTop if below else direction.LeftToRight)
        self._put_code_in_tab_order()
        self.updateGeometry()  # a new least width (``minimumSizeHint``)
        return True

    def _fit_expiry(self, width: int | None = None) -> None:
        """The expiry on two lines where the panel (``width``, as if its scroll bar showed)
        has no room for it on one beside the "Demo link" badge, rather than cut off: with the
        code below the actions ("Valid until 3"), and with twice the usual text in the
        narrowest window, the code still beside them ("Valid until 30 Nov 202"). Not
        otherwise: wrapped, it took a second line even where one had the room. Worked out from
        the words and the width, never from the label as it stands, so wrapping it cannot
        change the width that chose it."""
        if width is None:
            parent = self.parentWidget()
            width = width_with_scroll_bar(parent) if parent is not None else self.width()
        label = self.expiryLabel
        margins = label.contentsMargins()
        words = label.fontMetrics().horizontalAdvance(label.text())
        needed = words + margins.left() + margins.right() + 2 * label.margin()
        if not self.demoNote.isHidden():
            needed += self._status_row.spacing() + self.demoNote.short_width()
        wrap = self.code_below or needed > width - self._around()
        if wrap != label.wordWrap():
            label.setWordWrap(wrap)

    def _below_the_row(self) -> int:
        """The panel's height under the row of the code and its actions: the layout's margin
        and the frame's border (a pixel, which once made the panel scroll by one)."""
        return self._layout.contentsMargins().bottom() + self.contentsMargins().bottom()

    def _fit_actions(self) -> None:
        """The actions closer together, and then slimmer, when their column would reach below
        the visible height (see ``action_fit``); in the slimmest look the panel makes room for
        them: its title goes (the link field says what it holds), and its margins and the gap
        above the code shrink. On a 1366x768 laptop at 125 %, with a link and its invitation
        shown, the title alone left the panel 26 pixels short: it scrolled, and "Copy QR
        image" was cut off at the bottom."""
        parent = self.parentWidget()
        if parent is None or not self.qrRow.geometry().isValid():
            return
        # The room as in the usual look, whichever the panel has: the look is chosen from it.
        slimmest = self._title.isHidden()
        top = self.qrRow.geometry().top() + (self._room_made_above() if slimmest else 0)
        below = self._below_the_row() + (self._room_made_below() if slimmest else 0)
        self._actions_fit.fit(parent.height() - top - below)
        untitled = self._actions_fit.look == action_fit.SLIMMEST
        if untitled != slimmest:
            self._make_room(untitled)
            self._layout.activate()  # the row's place now, for the code's size and the hint

    def _room_made_above(self) -> int:
        """What the slimmest look takes away above the code's row: the title and its spacing,
        part of the margin, and the gap under the expiry."""
        title = self._title.sizeHint().height() + self._layout.spacing()
        return title + theme.MARGIN - SLIMMEST_MARGIN + ROW_GAP

    @staticmethod
    def _room_made_below() -> int:
        """What the slimmest look takes away below the code's row: part of the margin."""
        return theme.MARGIN - SLIMMEST_MARGIN

    def _make_room(self, slimmest: bool) -> None:
        """The panel in the actions' slimmest look (``slimmest``), or back in the usual one."""
        self._title.setHidden(slimmest)
        margin = SLIMMEST_MARGIN if slimmest else theme.MARGIN
        set_vertical_margins(self._layout, margin, margin)
        gap = 0 if slimmest else ROW_GAP
        self._row_gap.changeSize(0, gap, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self._layout.invalidate()

    def _show_hint_if_whole(self, side: int) -> None:
        """The hint under the code only when all of it is in view, with the panel's margin
        under it: on a 1366x768 laptop its second line was cut in half at the bottom, and then
        the margin made the panel scroll by a pixel. It says nothing the code does not, and the
        code's accessible description keeps it for screen readers. Not under an expired link,
        whose code is not shown, nor under a code below the actions (``code_below``): there Qt
        gave its wrapped lines the height they would like and the buttons less than theirs,
        "Copy invitation" and "E-mail…" drawn over each other."""
        parent = self.parentWidget()
        if parent is None or not self.qrRow.geometry().isValid():
            return
        self._watch_the_view()
        hint = self._qr_hint
        top = self._qr_column.geometry().top()
        bottom = top + side + self._qr_column.spacing() + hint.heightForWidth(side)
        bottom += self._below_the_row()
        in_view = bottom <= min(parent.height(), height_in_view(self, self._areas))
        hint.setHidden(self.expired or self.code_below or not in_view or not self._hint_fits(side))

    def _hint_fits(self, side: int) -> bool:
        """Whether every word of the hint fits the code's width (``side``): with twice the
        usual text "Customers" reached past the code's column, and the sentence took seven
        short lines, taller than the code; the code and its buttons say enough without it."""
        hint = self._qr_hint
        margins = hint.contentsMargins()
        room = side - margins.left() - margins.right() - 2 * hint.margin()
        return self._widest_hint_word() <= room

    def _widest_hint_word(self) -> int:
        """The width of the hint's widest word, measured again only when its text or font
        changes: the check runs at each resize of the views around the panel, several times
        before the first frame, and measuring each word each time cost more than the rest of
        the check."""
        hint = self._qr_hint
        key = (hint.text(), hint.font().key())
        if self._widest_word is None or self._widest_word[0] != key:
            metrics = hint.fontMetrics()
            widest = max((metrics.horizontalAdvance(word) for word in key[0].split()), default=0)
            self._widest_word = (key, widest)
        return self._widest_word[1]

    def _watch_the_view(self) -> None:
        """Follow the scroll areas around the panel, the window's own included: the hint is
        shown by what they show (``height_in_view``), and the window's area changes height, or
        the result moves in it (the duplicate warning across the top), without the panel's
        own view changing size.

        The areas are found once in a window, not at each check (several before the first
        frame). What is watched is what changes ``height_in_view``: each view's height (the
        innermost one is the panel's parent, watched already) and each inner area's place in
        the page around it; an area's own resize comes with its view's, and the outermost
        area's place does not matter."""
        window = self.window()
        if window is self._areas_in:
            return
        self._areas_in = window
        self._areas = scroll_areas_around(self)
        parent = self.parentWidget()
        resizes = [area.viewport() for area in self._areas]
        resizes = [view for view in resizes if view is not parent]
        moves: list[QWidget] = list(self._areas[:-1])
        for part in (*resizes, *moves):
            if not any(part is seen for seen in self._watched):
                self._watched.append(part)
                part.installEventFilter(self)
        self._watched_resizes = tuple(resizes)
        self._watched_moves = tuple(moves)

    # --- showing -------------------------------------------------------------------------------

    def _name_the_link(self) -> None:
        """Say in the title, and to screen readers on the link, what the shown link is;
        again when screen-sharing mode changes, which names or leaves out its organisation."""
        if self.shown is None:
            self._title.set_title(TITLE_TEXT)
            self.linkField.setAccessibleName("The link")
            return
        words = self.shown.title_words(self._in_screen_sharing())
        integration = self.shown.integration_id if self.shown.reconnection else None
        note = f"For the integration {integration}" if integration else ""
        self._title.set_title(" · ".join(words), note)
        what = "The reconnection link" if self.shown.reconnection else "The new link"
        self.linkField.setAccessibleName(", ".join([what, *words[1:]]))

    def clear(self) -> None:
        self.shown = None
        self._showings += 1
        self._name_the_link()
        self._expiry_check.stop()
        self._set_expired_look(False)
        self.linkField.clear()
        self.linkField.setToolTip("")
        self._let_tab_reach_the_link(False)
        self.expiryLabel.setText("")
        self.expiryLabel.hide()
        self._describe_link()
        self.demoNote.hide()
        self._show_qr_words(QR_PLACEHOLDER)
        self._set_actions_enabled(False)

    def show_link(self, link: ShownLink) -> None:
        """Show the link at once; the QR code follows when it is computed (on a worker thread,
        through ``qr_preparer``), so the link is painted without waiting for the code."""
        self.shown = link
        self._showings += 1
        self._name_the_link()
        self.linkField.setText(link.url)
        self.linkField.setCursorPosition(0)
        self._let_tab_reach_the_link(True)
        self.linkField.setToolTip(plain_tooltip(link.url))  # a "&lt;" in it stays as written
        self.expiryLabel.setText(self._expiry_words(link))
        self.expiryLabel.show()
        self.demoNote.setVisible(link.is_demo)
        self.copyButton.setText(COPY_TEXT)
        self._set_expired_look(False)
        self._set_actions_enabled(True)
        problem = link_refusal(link.url, link.is_demo)
        self.openButton.setEnabled(problem is None)
        self.openButton.setToolTip("" if problem is None else cannot_open_words(problem))
        self._show_qr_words("")
        self._check_expiry(announce=False)
        if self.expired:
            return
        url = link.url
        if self.qr_preparer is not None:
            self.qr_preparer(url, lambda: self._render_qr(url))
        else:
            QTimer.singleShot(0, self, lambda: self._render_qr(url))

    def _let_tab_reach_the_link(self, reach: bool) -> None:
        """The link field a tab stop only while it holds a link. Empty, Tab stopped on a
        field a screen reader called "The link" with nothing in it, at each pass through the
        window, while every button beside it was passed over (disabled). Its words "Your
        link will appear here." stay on screen, and a screen reader reading the window still
        finds them (as the field's description)."""
        set_enum(self.linkField, "focusPolicy", "StrongFocus" if reach else "NoFocus")

    def name_organization(self, link: ShownLink, organization: str) -> bool:
        """Name ``organization`` as the customer of ``link``, a reconnection link whose
        customer Kombo named only after it was shown: in its title (outside screen-sharing
        mode) and its QR code's file name. False, and nothing changed, when another link is
        on show by now."""
        if self.shown is not link:
            return False
        from dataclasses import replace

        self.shown = replace(link, organization=organization)
        self._name_the_link()
        return True

    def focus_link(self) -> None:
        """The keyboard on the link just shown, where the copy keys copy it at once (see
        ``LinkField``), and its QR code kept in view whole, with "Copy link" beside it.

        The focus alone scrolls the link into view, and left the code below it as it fell:
        in the demo on a 1366x768 laptop at 150 % the result had 202 pixels of height, the
        link and the code under it needed about 250, and the code was cut off at the bottom
        of the window, where no phone could scan it from a shared screen. The link is scrolled
        to first and the code after it, so both are in view wherever they fit; where they do
        not, the code is, and the link is a scroll (or Ctrl+C) away. Where the code is below
        the actions (``code_below``) it would take the link and every button out of view:
        "Copy link" is kept in view instead, under the link, wherever both fit (else the link,
        which has the focus). Scrolled to with the link alone, it was cut in half at the
        bottom of a 1280x720 laptop's window at 150 % with larger text."""
        self.linkField.setFocus()
        kept = self.copyButton if self.code_below else self.qrView
        above = self.linkField if self.code_below else None
        for area in scroll_areas_around(kept):
            if isinstance(area, FitScrollArea):
                # Its border is its edge: with room under it, a code already whole in view
                # was scrolled a few pixels all the same.
                area.keep_in_view(kept, margin=0, above=above)

    def _render_qr(self, url: str) -> None:
        if self.shown is None or self.shown.url != url or self.expired:
            return  # a newer link (or none) is shown by now, or this one has expired
        from kombo_desktop.core.qr import QrTooLongError
        from kombo_desktop.ui import qr_image

        room = self.qrView.width() - 4
        ratio = self.devicePixelRatioF()
        try:
            module_pixels = qr_image.fitting_module_pixels(url, room, ratio)
        except QrTooLongError as error:
            self._show_qr_words(str(error))
            return
        if module_pixels < MIN_MODULE_PIXELS:
            # Not drawn too small to scan (nor cut off): words in its place, which a click or
            # Enter turns into the code shown large. A large view open already stays: it shows
            # this link's code.
            words = QR_SHOW_LARGE_TEXT if module_pixels > 0 else QR_TOO_LARGE_TEXT
            self.qrView.offer_large_view(words)
            self._qr_hint.setText(QR_HINT_SHOWN_LARGE)
        else:
            self.qrView.show_code(qr_image.qr_pixmap(url, room, ratio))
            self._qr_hint.setText(QR_HINT_WITH_CODE)
        self._put_code_in_tab_order()  # a tab stop now
        self._show_hint_if_whole(self.qrView.width())  # it may need another line now

    def _put_code_in_tab_order(self) -> None:
        """Tab reaches the code where it is read (``tab_chain``): right after the link, or
        after the last button where it stands below them. Qt leaves a widget that takes no
        focus out of any order set, so this waits until the code is a tab stop."""
        QWidget.setTabOrder(self.copyQrButton if self.code_below else self.linkField, self.qrView)

    def _show_qr_words(self, text: str) -> None:
        """No code (yet): ``text`` where it would be, and no larger view of an old one."""
        self.qrView.show_words(text)
        self._qr_hint.setText(QR_HINT)
        self._close_large_qr()

    def _set_actions_enabled(self, enabled: bool) -> None:
        for button in (self.copyButton, self.openButton, self.copyQrButton):
            button.setEnabled(enabled)
        # Not while a code is being saved: a second save must not overlap the first.
        self.exportQrButton.setEnabled(enabled and self._saving_qr is None)

    # --- expiry --------------------------------------------------------------------------------

    def _check_expiry(self, announce: bool = True) -> None:
        """Show the link as expired once its time is up; until then, look again later. The
        words follow the time on screen: "Valid for 1 hour" becomes "Valid until 14:32" once
        the hour has begun, "Expired at 14:32" becomes "Expired on 29 Nov 2026" the next day."""
        if self.shown is None:
            return
        until = expires_at(self.shown.link_type, self.shown.created)
        if self.expired:
            self._show_expiry_words(self._expired_words(self.shown))
            self._expiry_check.start(_expired_look_ms())
            return
        left = until - datetime.now().astimezone()
        if left <= timedelta(0):
            self._show_expired(announce)
            self._expiry_check.start(_expired_look_ms())
            return
        self._show_expiry_words(self._expiry_words(self.shown))
        self._expiry_check.start(next_look_ms(left))

    def _show_expiry_words(self, words: str) -> None:
        """``words`` under the link ("Valid until 1 Dec 2027", "Expired at 14:32"), fitted
        to the panel (new words, perhaps longer), and said to screen readers on the link."""
        self.expiryLabel.setText(words)
        self._fit_expiry()
        self._describe_link()

    def _describe_link(self) -> None:
        """The link's description for screen readers: what is written under it, how long it
        lasts and, for a demo link, that it connects nothing (the whole sentence, which a
        narrow panel shortens on screen to "Demo link"). Read on the link, where the focus
        goes once it is made, and not elsewhere: a screen reader on the link heard the link
        again, and not whether it would still work tomorrow, or at all."""
        words = [] if self.shown is None else [self.expiryLabel.text()]
        if self.shown is not None and self.shown.is_demo:
            words.append(DEMO_NOTE)
        self.linkField.setAccessibleDescription(". ".join(word for word in words if word))

    @staticmethod
    def _expiry_words(link: ShownLink) -> str:
        if link.made_by_a_clock_ahead:
            return latest_expiry_text(link.link_type, link.created)
        return expiry_text(link.link_type, link.created)

    @staticmethod
    def _expired_words(link: ShownLink) -> str:
        until = expires_at(link.link_type, link.created)
        return expired_text(until, at_the_latest=link.made_by_a_clock_ahead)

    def link_has_expired(self) -> bool:
        """Whether the shown link has expired by the clock now, shown as expired (and said) if
        it just has. Every action that hands the link on asks here first: the timer that looks
        stands still while a laptop sleeps, so after waking an hour-long link could be past
        its time with its buttons still on, for up to ``RECHECK_SOON``."""
        if self.shown is not None and not self.expired:
            self._check_expiry()
        return self.expired

    def _show_expired(self, announce: bool) -> None:
        """Say the link has expired; take away its code and what would hand it on. The link
        stays readable and copyable (support may ask for it)."""
        assert self.shown is not None
        when = self._expired_words(self.shown)
        self._set_expired_look(True)
        self._show_expiry_words(when)  # "Expired at 14:32"
        self._show_qr_words(EXPIRED_QR_TEXT)
        for action in (self.openButton, self.exportQrButton, self.copyQrButton):
            action.setEnabled(False)
        if announce:
            self.notice.emit(
                f"The link on screen {when[0].lower()}{when[1:]} and no longer works. Make a "
                "new one if the customer still needs it.",
                "info",
            )

    def _set_expired_look(self, expired: bool) -> None:
        self.expired = expired
        theme.set_look(self.expiryLabel, "expired", expired)
        for widget in self._link_actions:
            widget.setEnabled(not expired)
        self._show_hint_if_whole(self.qrView.width())  # no scanning hint without a code

    # --- actions -------------------------------------------------------------------------------

    def show_large_qr(self) -> None:
        """The code as large as the screen allows, in a window of its own (see ``qr_large``)."""
        if self.shown is None or self.link_has_expired() or not self.qrView.can_enlarge:
            return
        from kombo_desktop.ui.qr_large import LargeQrDialog

        self._close_large_qr()
        # A demo link's code says so in its band, as its saved and copied pictures do.
        notes = [self.expiryLabel.text()]
        dialog = LargeQrDialog(self.shown.url, notes, self.window(), demo=self.shown.is_demo)
        dialog.finished.connect(self._close_large_qr)
        dialog.installEventFilter(self)
        self._large_qr = dialog
        dialog.open()

    def _close_large_qr(self) -> None:
        dialog, self._large_qr = self._large_qr, None
        if dialog is not None:
            dialog.finished.disconnect(self._close_large_qr)
            dialog.close()
            dialog.deleteLater()

    def copy_link(self) -> None:
        if self.shown is None:
            return
        expired = self.link_has_expired()  # copied all the same: support may ask for it
        from kombo_desktop.ui import rich_copy

        rich_copy.copy_link(self.shown.url, self.shown.is_demo)
        self.copyButton.setText(COPIED_TEXT)
        self._copy_reset.start()
        if expired:
            self.notice.emit(
                "Link copied, but it has expired and no longer works. Make a new one for the "
                "customer.",
                "info",
            )
            return
        if self.shown.is_demo:
            self.notice.emit(f"Demo link copied. {DEMO_WARNING}", "info")
            return
        self.notice.emit(LINK_COPIED_TEXT, "success")

    def open_link(self) -> None:
        if self.shown is not None and not self.link_has_expired():
            self.notice.emit(*open_in_browser(self.shown.url, self.shown.is_demo))

    def _in_screen_sharing(self) -> bool:
        return self._screen_sharing is None or self._screen_sharing.on

    def export_qr(self) -> None:
        if self.shown is None or self._saving_qr is not None or self.link_has_expired():
            return  # nothing to save, or the last code is still being written
        # Imported here, as the window's first frame needs none of them: the save dialog's
        # (which sets up Qt's file dialog class in PySide6) and the file names'.
        from kombo_desktop.ui import qr_image
        from kombo_desktop.ui.qr_save_dialog import ask_qr_file
        from kombo_desktop.ui.save_names import may_replace, name_to_save

        shown, showing = self.shown, self._showings
        # In the folder, and as the type, the person chose last time; a demo's file says so.
        private = self._in_screen_sharing()
        stem = shown.file_stem(private)
        stem = f"demo-{stem}" if shown.is_demo else stem
        suggested, file_type = self._save_places.qr_suggestion(stem)
        answer = ask_qr_file(self.window(), suggested, file_type, stem, screen_sharing=private)
        if answer is None:
            return  # the person closed the dialog
        path, chosen_type = answer
        if self._showings != showing:
            self.notice.emit(
                f"Another link is shown now, so no QR code was saved. Click “{SAVE_QR_TEXT}” "
                "again to save its code.",
                "error",
            )
            return
        if self.link_has_expired():  # an embedded link can expire while the dialog is open
            self.notice.emit(
                "The link expired while the save window was open, so no QR code was saved. "
                "Make a new link for the customer.",
                "error",
            )
            return
        typed = Path(path)
        target = name_to_save(typed, f".{chosen_type.value}", qr_image.KEPT_EXTENSIONS)
        if not may_replace(self.window(), "Save QR code", typed, target):
            return
        try:
            target = qr_image.qr_target(target)
        except ValueError as error:
            self.notice.emit(str(error), "error")
            return
        self._write_qr_file(shown, target)

    def _write_qr_file(self, shown: ShownLink, target: Path) -> None:
        """Make the code's file, write it, and remember its folder, on a worker thread, then
        say how it went. On the UI thread the window froze while the disk answered: 0.7 s on
        a laptop whose disk took 0.3 s to confirm a write, 25 s for a customer's folder on a
        network share over a VPN; and for a demo link's picture, its band in colour, 0.1 to
        0.15 s more to encode it. Meanwhile the status line says the code is being saved and
        the save button waits, so that a second save cannot overlap the first."""
        from kombo_desktop.ui import qr_image

        places = self._save_places
        handed_focus = False  # set below: the save button had the focus and gave it away

        def write(_token: object) -> Path:
            content = qr_image.qr_content(shown.url, target, demo=shown.is_demo)
            written = qr_image.write_qr_file(target, content)
            places.remember("qr", written)  # the next dialog opens in this folder
            return written

        def finished() -> None:
            self._saving_qr = None
            save = self.exportQrButton
            save.setEnabled(self.shown is not None and not self.expired)
            if handed_focus and save.isEnabled() and self.window().focusWidget() is self.linkField:
                save.setFocus()  # back on the button pressed, unless the person moved on

        def done(written: Path) -> None:
            finished()
            if shown.is_demo:
                self.notice.emit(f"Demo QR code saved as {written}. {DEMO_WARNING}", "info")
                return
            self.notice.emit(f"QR code saved as {written}.", "success")

        def failed(error: BaseException) -> None:
            finished()
            if not isinstance(error, OSError):  # a mistake in the program: reported as one
                sys.excepthook(type(error), error, error.__traceback__)
                error = OSError(f"The QR code could not be saved in '{target.parent}'.")
            self.notice.emit(str(error), "error")

        try:
            self._saving_qr = self._runner.run(
                write,
                on_done=done,
                on_error=failed,
                on_cancelled=finished,
                owner=self,
                name="qr-file",
            )
        except RuntimeError:  # the window is closing
            return
        # The button waits, disabled, until the file is written; the focus goes to the link
        # first, or Qt gave it to "Copy QR image", where the next Space copied the picture.
        handed_focus = hand_over_focus([self.exportQrButton], self.linkField) is not None
        self.exportQrButton.setEnabled(False)
        self.notice.emit(SAVING_QR_TEXT, "busy")

    def wait_before_closing(self) -> None:
        """Give a QR code's file still being written ``QR_CLOSE_WAIT_SECONDS`` at most to be
        saved before the window closes, the status line saying why: the window's own wait for
        its tasks (``CLOSE_WAIT_SECONDS``) is as short as for a request, and the program
        ended while the file was half written."""
        saving = self._saving_qr
        if saving is None or not saving.running:
            return
        # Only now: the window is built without Qt's namespace (see ``qt_enums``).
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QGuiApplication

        from kombo_desktop.ui.history_closing import paint_now

        self.notice.emit(CLOSING_SAVING_QR_TEXT, "busy")
        paint_now(self.window())
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            saving.wait(QR_CLOSE_WAIT_SECONDS)
        finally:
            QGuiApplication.restoreOverrideCursor()

    def copy_qr(self) -> None:
        if self.shown is None or self.link_has_expired():
            return
        from kombo_desktop.ui import qr_image

        qr_image.copy_qr_to_clipboard(self.shown.url, demo=self.shown.is_demo)
        if self.shown.is_demo:
            self.notice.emit(f"Demo QR code copied as a picture. {DEMO_WARNING}", "info")
            return
        self.notice.emit("QR code copied as a picture. Paste it into an e-mail or chat.", "success")
