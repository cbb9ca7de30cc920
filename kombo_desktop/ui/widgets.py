"""Small building blocks shared by the forms: a field with its error line, a fold-out section.

Field errors sit directly under their input, in plain words, and never touch what the person
typed: the input only gets a red border, the text stays. Screen readers get the error through
the input's accessible description.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from itertools import pairwise
from typing import TYPE_CHECKING, TypeVar

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QPoint, QSize, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kombo_desktop.ui import qt_enums, theme
from kombo_desktop.ui.event_filters import reports_errors
from kombo_desktop.ui.qt_enums import set_enum

if TYPE_CHECKING:
    from PySide6.QtGui import QPaintEvent, QShowEvent

_Member = TypeVar("_Member", bound=StrEnum)

WINDOW_FRAME = (24, 56)  # room left for the title bar and borders the system adds


class FieldBox(QWidget):
    """An input with an optional hint below it and an error line that appears when needed."""

    error_changed = Signal(str)  # the problem now shown under the field ("" when none)

    def __init__(self, field: QWidget, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self._own_hint = hint
        self._hint_text = hint
        # What a screen reader hears of the field when no hint or problem is said (an example
        # of what goes in, see ``line_edit``); "" leaves it to Qt (a placeholder that says
        # what to do).
        self._own_description = field.accessibleDescription()
        # The sample a field made with ``line_edit(example=True)`` shows while empty ("" for
        # any other field): said only while the field is empty (see ``follow_text``).
        self._example = (
            field.placeholderText()
            if isinstance(field, QLineEdit)
            and self._own_description == example_sentence(field.placeholderText())
            else ""
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(field)
        self.hint = plain_label(hint)
        self.hint.setProperty("class", "hint")
        # Kombo's names go in here (the reconnection tab's "This is the Personio connection of
        # ..."), and an organisation's name may be one long word.
        wrap_within_width(self.hint)
        self.hint.setVisible(bool(hint))
        layout.addWidget(self.hint)
        self.error = error_label(f"{field.objectName()}Error")
        layout.addWidget(self.error)

    def set_error(self, message: str | None) -> None:
        """Show ``message`` under the field (or clear it); the field's content is never touched."""
        message = message or ""
        if self.error.text() == message and self.error.isVisible() == bool(message):
            return
        self.error.setText(message)
        self.error.setVisible(bool(message))
        # The hint and the error would say two things at once; the error matters more.
        self.hint.setVisible(bool(self._hint_text) and not message)
        describe_for_readers(self.field, message or self._quiet_description())
        theme.set_look(self.field, "invalid", bool(message))
        self.error_changed.emit(message)

    @property
    def error_text(self) -> str:
        return self.error.text() if self.error.isVisibleTo(self) else ""

    def set_hint(self, text: str | None = None, *, warning: bool = False) -> None:
        """Show ``text`` under the field instead of its own hint (None: its own again), as a
        ``warning`` if so; an error, when there is one, still comes first."""
        self._hint_text = self._own_hint if text is None else text
        self.hint.setText(self._hint_text)
        if bool(self.hint.property("warning")) != warning:  # unset reads as False: no re-polish
            theme.set_look(self.hint, "warning", warning)
        self.hint.setVisible(bool(self._hint_text) and not self.error_text)
        if not self.error_text:
            describe_for_readers(self.field, self._quiet_description())

    def describe(self) -> None:
        """Make the problem or hint under the field its description now: a field's own hint
        becomes it only with the first change otherwise (for a form shown later, a cost its
        first showing takes instead of the window's first frame; for the window's own form,
        the turn after it). Again when the field is held back or let go (see
        ``_quiet_description``)."""
        describe_for_readers(self.field, self.error_text or self._quiet_description())

    def follow_text(self) -> None:
        """The field's text changed: a field made with an example says it only while empty.
        Filled, "For example anna@example.com" was still read after the customer's own
        address, and Qt reads the placeholder when a field has no description, filled or
        not: so the example leaves the placeholder too while there is text, where Qt does not
        show it anyway. A hint or a problem stays the description."""
        field = self.field
        if not self._example or not isinstance(field, QLineEdit):
            return
        field.setPlaceholderText("" if field.text() else self._example)
        if not self.error_text:
            describe_for_readers(self.field, self._quiet_description())

    def _quiet_description(self) -> str:
        """What a screen reader hears of the field while no problem is shown: its hint, else
        its own description (an example only while the field is empty). A field the form
        holds back (disabled, with a tooltip saying why: "Choose a tool first ...") has none,
        so that Qt reads its tooltip: its hint would tell what to put in a field that cannot
        take it yet, and not why."""
        if not self.field.isEnabledTo(self) and self.field.toolTip():
            return ""
        if self._hint_text:
            return self._hint_text
        if self._example and isinstance(self.field, QLineEdit) and self.field.text():
            return ""
        return self._own_description


def name_for_readers(field: QWidget, name: str) -> None:
    """Give ``field`` the accessible ``name``, and the typing field inside it too when it is
    a drop-down one can type into. There the typing field has the focus as a screen reader
    sees it, and one without a name was read as "edit" and its text, never what it is for."""
    field.setAccessibleName(name)
    edit = field.lineEdit() if isinstance(field, QComboBox) else None
    if edit is not None:
        edit.setAccessibleName(name)


def describe_for_readers(field: QWidget, text: str) -> None:
    """Give ``field`` the accessible description ``text`` (its hint or its problem), and
    the typing field inside it too, as ``name_for_readers`` does the name: a problem put on
    the drop-down alone was not heard in the field the person is typing in."""
    field.setAccessibleDescription(text)
    edit = field.lineEdit() if isinstance(field, QComboBox) else None
    if edit is not None:
        edit.setAccessibleDescription(text)


def wrap_within_width(label: QLabel) -> QLabel:
    """Wrap ``label``'s text without ever widening what holds it.

    A message may quote something long without spaces (an address, a pasted id, a web address
    in Kombo's words). A wrapped label cannot break such a word, and would ask for its width as
    its smallest: the form grew wider than its view, labels and fields sliding out of sight.
    Such a word is cut at the edge instead; selecting the text still copies all of it.
    """
    label.setWordWrap(True)
    label.setMinimumWidth(1)
    return label


def plain_label(text: str = "") -> QLabel:
    """A label that shows its text as written, never as HTML.

    Qt's labels guess: text that looks like markup (``<b>``, ``<a href=...>``) is drawn as
    rich text. Much of what labels show comes from outside (Kombo's answers, organisation
    names a customer chose), and on a shared screen a name like ``<a href=...>Log in again</a>``
    must not become a big red warning or a clickable link. Every label of the program is made
    here or sets the same (``tests/ui/test_plain_text.py`` walks them all).
    """
    label = QLabel(text)
    set_enum(label, "textFormat", "PlainText")
    return label


def plain_tooltip(text: str) -> str:
    """``text`` for a tooltip, shown as written: Qt draws a tooltip that looks like markup as
    rich text (see ``plain_label``), and a tooltip has no plain-text switch, so such text is
    escaped into rich text that shows exactly these characters."""
    if "<" not in text and "&" not in text:
        return text  # the usual case, without building Qt's namespace (see qt_enums)
    from PySide6.QtGui import Qt

    return Qt.convertFromPlainText(text) if Qt.mightBeRichText(text) else text


class OneLineNote(QLabel):
    """A note that keeps to one line: its whole ``sentence`` where that fits in the width its
    row gives it, else its ``short`` form, with the sentence in the tooltip. ``padding`` is
    what its style sheet puts left and right of the text together (Qt's label does not count
    it in its contents).

    The width comes from the row (the note stretches to fill it, and its wrapping keeps its
    smallest width small), never from the text shown, so switching the text cannot change
    the width that chose it: no layout goes back and forth.
    """

    def __init__(self, object_name: str, sentence: str, short: str, *, padding: int = 0) -> None:
        super().__init__(short)
        set_enum(self, "textFormat", "PlainText")
        self.setObjectName(object_name)
        self.sentence, self.short, self.padding = sentence, short, padding
        self.setWordWrap(True)  # the short form too, should even it not fit
        self.setAccessibleName(sentence)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._choose_text()

    def short_width(self) -> int:
        """The width the note needs for its ``short`` form on one line."""
        margins = self.contentsMargins()
        around = margins.left() + margins.right() + 2 * self.margin() + self.padding
        return self.fontMetrics().horizontalAdvance(self.short) + around

    def _choose_text(self) -> None:
        room = self.contentsRect().width() - 2 * self.margin() - self.padding
        fits = self.fontMetrics().horizontalAdvance(self.sentence) <= room
        text = self.sentence if fits else self.short
        if text != self.text():
            self.setText(text)
        self.setToolTip("" if fits else self.sentence)


class OneLineTitle(QLabel):
    """A title on one line that never widens what holds it: where the width runs out its
    text is cut with "…", and the whole of it is in its accessible name and tooltip.

    For a title naming something of any length (an organisation's name): wrapped, a long one
    took two or three lines of a small window, and unbroken it widened the panel past its
    view. Its width comes from the layout, never from the text (``sizeHint``), so cutting the
    text cannot change the width that chose the cut: no layout goes back and forth."""

    def __init__(self, object_name: str, text: str = "") -> None:
        super().__init__()
        set_enum(self, "textFormat", "PlainText")
        self.setObjectName(object_name)
        self.setMinimumWidth(1)
        self.whole = ""
        self._note = ""
        self.set_title(text)

    def set_title(self, text: str, note: str = "") -> None:
        """Show ``text`` (cut if it must be); ``note`` goes in the tooltip under it."""
        self.whole, self._note = text, note
        self.setAccessibleName(text)
        self._fit_text()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(1, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(1, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_text()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._fit_text()  # hidden, it kept the whole text: its width was not known

    def _fit_text(self) -> None:
        room = self.contentsRect().width() - 2 * self.margin()
        metrics = self.fontMetrics()
        # Cut only when it must be: cutting names one of Qt's enums, which the window's first
        # frame must not build (see qt_enums), and a title that fits needs none.
        fits = metrics.horizontalAdvance(self.whole) <= room or not self.isVisible()
        text = (
            self.whole
            if fits
            else metrics.elidedText(self.whole, QtCore.Qt.TextElideMode.ElideRight, max(room, 0))
        )
        if text != self.text():
            self.setText(text)
        tip = self.whole if text != self.whole else ""
        self.setToolTip(plain_tooltip("\n".join(line for line in (tip, self._note) if line)))


def error_label(object_name: str) -> QLabel:
    """A hidden red line for a problem with one field; selectable, so it can be read out."""
    label = plain_label()
    label.setObjectName(object_name)
    label.setProperty("class", "fieldError")
    wrap_within_width(label)
    set_enum(label, "textInteractionFlags", "TextSelectableByMouse")
    label.hide()
    return label


def buddy_label(text: str, buddy: QWidget) -> QLabel:
    """A label whose mnemonic (the letter after ``&``) puts the focus on ``buddy``."""
    label = plain_label(text)
    label.setBuddy(buddy)
    return label


def notice_label(object_name: str, text: str) -> QLabel:
    """A framed sentence that explains the screen (style class ``notice``)."""
    label = plain_label(text)
    label.setObjectName(object_name)
    label.setProperty("class", "notice")
    label.setWordWrap(True)
    label.setAccessibleName(text or "Notice")
    return label


def push_button(
    object_name: str,
    text: str,
    description: str = "",
    *,
    on_click: Callable[[], object] | None = None,
    context: str = "",
) -> QPushButton:
    """A button that is never a default button: Enter in a field does that field's action.

    Its accessible name is the words on it (``spoken_name``), so what a screen reader says
    and what a voice command ("click Copy link") names are what everyone sees; ``context``
    tells it apart from a button with the same words elsewhere in the window. ``description``
    (what it does, in a sentence) is read after the name.
    """
    button = QPushButton(text)
    button.setObjectName(object_name)
    button.setAccessibleName(spoken_name(text, context))
    if description:
        button.setAccessibleDescription(description)
    button.setAutoDefault(False)
    if on_click is not None:
        button.clicked.connect(lambda _checked=False: on_click())
    return button


def press_focused_button(container: QWidget, event: QKeyEvent) -> bool:
    """Enter on a button of ``container`` reached with Tab presses it, as Space does (the
    buttons are never default buttons, see :func:`push_button`, so Qt leaves Enter unused on
    them). True when it did; the caller's ``keyPressEvent`` is then done."""
    keys = QtCore.Qt.Key  # at the first key press: the ``Qt`` namespace is slow to build
    if event.key() not in (keys.Key_Return, keys.Key_Enter):
        return False
    focused = QApplication.focusWidget()
    if not isinstance(focused, QAbstractButton) or isinstance(focused, QCheckBox):
        return False  # the focus is not on a button to press (a check box is not one)
    if not container.isAncestorOf(focused):
        return False
    focused.click()  # a disabled button ignores it, as it ignores Space
    event.accept()
    return True


def hand_over_focus(leaving: Iterable[QWidget], to: QWidget) -> QWidget | None:
    """Give the keyboard focus to ``to`` when one of ``leaving`` has it, and return that one
    (None: the focus is elsewhere, and stays there).

    For buttons about to be disabled or hidden while work runs: Qt moves the focus off them
    to the next stop in the tab order, wherever that is (the empty link field, "Open the log
    folder", "Leave the demo"), and the next Space or Enter did something the person never
    chose. Call it once ``to`` can take the focus (enabled and shown), before ``leaving`` go.
    The focus a window keeps while it is not active counts too: Qt moves that one as well.
    """
    for widget in leaving:
        if widget.hasFocus() or widget.window().focusWidget() is widget:
            to.setFocus()
            return widget
    return None


def action_button(
    object_name: str, text: str, description: str, *, context: str = ""
) -> QPushButton:
    """A :func:`push_button` whose ``description`` (what it does, in a sentence) is also its
    tooltip."""
    button = push_button(object_name, text, description, context=context)
    button.setToolTip(description)
    return button


def spoken_name(text: str, context: str = "") -> str:
    """The accessible name of a control labelled ``text``: its words without the mnemonic's
    ``&`` and a closing "…", then ``context`` if any ("Copy link, selected history entry")."""
    words = text.replace("&", "").removesuffix("…").strip()
    return f"{words}, {context}" if context and words else words or context


def relabel(button: QAbstractButton, text: str) -> None:
    """Put ``text`` on ``button`` and make it what a screen reader says of it, as
    ``push_button`` does at first: a button whose words change ("Clear them" / "Clear it")
    was heard by its first words."""
    button.setText(text)
    button.setAccessibleName(spoken_name(text))


def announce(widget: QWidget, text: str, *, urgent: bool = False) -> None:
    """Have a screen reader say ``text`` about ``widget`` now: NVDA, VoiceOver and Orca do not
    read a new name or text of a widget without the focus (the status line), so an error or a
    link made went unheard. ``urgent`` interrupts what it is saying (errors); otherwise it
    waits its turn. Nothing happens when no screen reader runs."""
    from PySide6.QtGui import QAccessible

    if not text or not QAccessible.isActive():
        return
    from PySide6.QtGui import QAccessibleAnnouncementEvent  # Qt 6.8 and newer

    event = QAccessibleAnnouncementEvent(widget, text)
    politeness = QAccessible.AnnouncementPoliteness
    event.setPoliteness(politeness.Assertive if urgent else politeness.Polite)
    QAccessible.updateAccessibility(event)


def button_row(*buttons: QWidget) -> QHBoxLayout:
    """``buttons`` side by side from the left, spaced as everywhere in the window; what is
    added to the row later sits at its right end."""
    row = QHBoxLayout()
    row.setSpacing(theme.SPACING)
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


class FieldForm(QGridLayout):
    """Labels in a column on the left, each field taking the rest of its row.

    A grid rather than a ``QFormLayout``: a form layout can arrange its rows with the heights it
    worked out for another width (it keeps them whenever the width is the one its size hint was
    made for), so a field whose error line had just wrapped onto a second line got the height
    of one line, and the sentence was cut off. A grid works its rows out for the width they get.

    Where the form is narrower than a label and a field side by side (larger text on a laptop
    at 150 %), each label goes above its field (``stack_labels``): beside them the fields
    reached past the form's right edge, cut off, as the form scrolls only up and down.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setHorizontalSpacing(theme.SECTION_SPACING)
        self.setVerticalSpacing(theme.SPACING)
        self.setColumnStretch(1, 1)
        self._rows = 0
        # Each row: its label (None: none), what it holds, and whether that spans both columns.
        self._entries: list[tuple[QWidget | None, QWidget | QLayout, bool]] = []
        self.stacked = False

    def add_row(self, label: QWidget | None, field: QWidget | QLayout) -> None:
        """``field`` in the field column, with ``label`` beside it (or nothing: an error line,
        a hint under the field above)."""
        self._entries.append((label, field, False))
        if label is not None:
            self.addWidget(label, self._rows, 0)
        self._add(field, 1, 1)

    def add_wide_row(self, field: QWidget | QLayout) -> None:
        """``field`` across both columns (a check box with its explanation, a row of buttons)."""
        self._entries.append((None, field, True))
        self._add(field, 0, 2)

    def _add(self, field: QWidget | QLayout, column: int, columns: int) -> None:
        if isinstance(field, QLayout):
            self.addLayout(field, self._rows, column, 1, columns)
        else:
            self.addWidget(field, self._rows, column, 1, columns)
        self._rows += 1

    def side_by_side_width(self) -> int:
        """The least width of the form with its labels beside their fields."""
        labels = [label for label, _, _ in self._entries if label is not None]
        fields = [_least_width(field) for _, field, wide in self._entries if not wide]
        wide = [_least_width(field) for _, field, wide in self._entries if wide]
        beside = max((_least_width(label) for label in labels), default=0)
        if beside:
            beside += self.horizontalSpacing()
        margins = self.contentsMargins()
        inside = max([beside + max(fields, default=0), *wide])
        return inside + margins.left() + margins.right()

    def stack_labels(self, stacked: bool) -> None:
        """Put each label above its field (``stacked``) or beside it, as the usual form has
        it. The same widgets in the same order: the focus and what was typed stay."""
        if stacked == self.stacked:
            return
        self.stacked = stacked
        items: dict[int, QLayoutItem] = {}
        while self.count():
            item = self.takeAt(0)
            if item is not None:
                held: QWidget | QLayout | None = item.widget() or item.layout()
                items[id(held)] = item
        row = 0
        for label, field, wide in self._entries:
            if label is not None:
                if stacked:
                    self.addItem(items[id(label)], row, 0, 1, 2)
                    row += 1
                else:
                    self.addItem(items[id(label)], row, 0, 1, 1)
            across = wide or stacked
            self.addItem(items[id(field)], row, 0 if across else 1, 1, 2 if across else 1)
            row += 1
        self._rows = row


def _least_width(part: QWidget | QLayout) -> int:
    """How narrow ``part`` can be made in a layout."""
    if isinstance(part, QLayout):
        return part.minimumSize().width()
    return max(part.minimumSizeHint().width(), part.minimumWidth())


def add_row(form: FieldForm, label_text: str, box: FieldBox) -> QLabel:
    """Add a labelled row whose label is the field's buddy (Alt+letter focuses the field)."""
    label = plain_label(label_text)
    label.setBuddy(box.field)
    set_enum(label, "alignment", "AlignLeft|AlignTop")
    # Line the label up with the input's text, not with the top of the hint/error block.
    label.setContentsMargins(0, 7, 0, 0)
    form.add_row(label, box)
    return label


class Collapsible(QWidget):
    """A heading that folds a group of rarely needed options in and out (closed by default).

    Folded, a line under the heading can say what the options hold (``set_summary``): options
    set for one customer otherwise went out unseen with the next customer's link.
    """

    def __init__(self, title: str, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.content = content
        self._title = title
        self.toggle = QToolButton()
        self.toggle.setText(title)
        self.toggle.setCheckable(True)
        set_enum(self.toggle, "toolButtonStyle", "ToolButtonTextBesideIcon")
        set_enum(self.toggle, "arrowType", "RightArrow")
        self.toggle.setAccessibleName(f"{title}: show or hide")
        self.toggle.toggled.connect(self.set_expanded)
        # Wrapped under the heading rather than in it: a longer heading widened the form past
        # a small window's edge.
        self.summary = plain_label("")
        self.summary.setProperty("class", "hint")
        self.summary.setWordWrap(True)
        self.summary.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(theme.SPACING)
        layout.addLayout(button_row(self.toggle))  # at the left, as wide as its text
        layout.addWidget(self.summary)
        layout.addWidget(content)
        content.hide()

    def set_summary(self, text: str) -> None:
        """What the folded options hold, in a few words ("" when nothing worth saying)."""
        if text == self.summary.text():
            return
        self.summary.setText(text)
        self.summary.setVisible(bool(text) and not self.expanded)
        self.toggle.setAccessibleName(
            f"{self._title}: show or hide" + (f". {text}" if text else "")
        )

    def set_expanded(self, expanded: bool) -> None:
        if self.toggle.isChecked() != expanded:
            self.toggle.setChecked(expanded)  # calls back here once more
            return
        set_enum(self.toggle, "arrowType", "DownArrow" if expanded else "RightArrow")
        self.content.setVisible(expanded)
        self.summary.setVisible(bool(self.summary.text()) and not expanded)

    @property
    def expanded(self) -> bool:
        return self.toggle.isChecked()


def grow_to_fit(window: QWidget) -> None:
    """Make a dialog tall enough for the text it shows now: never shorter, and never so tall
    that its title bar or its buttons leave the screen. Where the screen is too short for it,
    it is made wider first (up to the width it would like, within the screen): its text then
    wraps onto fewer lines. One wider than the screen (moved to a narrower one, say) is made
    narrower, as far as its minimum width allows, and one taller than the screen shorter.

    Qt gives a window its layout's minimum height, which leaves out the extra lines of wrapped
    text; at 150 % on a laptop, or after a longer message, the lines were squeezed and cut off.
    What still does not fit must scroll (see ``scrolling``).
    """
    layout = window.layout()
    screen = window.screen()
    if layout is None or screen is None:
        return
    layout.activate()
    available = screen.availableGeometry()
    tallest = available.height() - WINDOW_FRAME[1]
    widest = available.width() - WINDOW_FRAME[0]
    size = window.size()
    if window.width() > widest:
        window.resize(widest, window.height())
        layout.activate()
    if _height_needed(window) > tallest:
        wider = min(window.sizeHint().width(), widest)
        if wider > window.width():
            window.resize(wider, window.height())
            layout.activate()  # wrapped text, and what scrolls, at the new width
    needed = min(_height_needed(window), tallest)
    if needed > window.height():
        window.resize(window.width(), needed)
    elif window.height() > tallest:
        # Taller than the screen (a first size Qt took from another screen): its buttons at
        # the bottom were past the screen's bottom edge. What does not fit scrolls.
        window.resize(window.width(), tallest)
    if window.size() != size:
        keep_on_screen(window)


def _height_needed(window: QWidget) -> int:
    """The height ``window`` needs at its width: what its wrapped text needs, or, with none
    outside a scroll area, its size hint (a ``FitScrollArea`` asks for all it holds)."""
    height = window.heightForWidth(window.width())
    return height if height >= 0 else window.sizeHint().height()


def settle_layouts(widget: QWidget, up_to: QWidget) -> None:
    """Work the layouts from ``widget``'s parent up to ``up_to`` out again at once, after a
    change of ``widget``'s minimum size: until the event loop comes round, each layout on
    the way still answers with the sizes it worked out before."""
    parent = widget.parentWidget()
    while parent is not None:
        layout = parent.layout()
        if layout is not None:
            layout.activate()
        if parent is up_to:
            return
        parent = parent.parentWidget()


def keep_on_screen(window: QWidget) -> None:
    """A window that grew past the screen's edge moves back onto it."""
    screen = window.screen()
    if screen is None:
        return
    available = screen.availableGeometry()
    frame = window.frameGeometry()
    left = max(available.left(), min(frame.left(), available.right() + 1 - frame.width()))
    top = max(available.top(), min(frame.top(), available.bottom() + 1 - frame.height()))
    if (left, top) != (frame.left(), frame.top()):
        window.move(left, top)


def layout_of(widget: QWidget | None) -> QLayout:
    """The layout of ``widget``, one the program built with a layout (a scroll area's page
    too): Qt's types say any widget may be missing and any layout too."""
    layout = widget.layout() if widget is not None else None
    assert layout is not None, "built with a layout"
    return layout


def separator(*, vertical: bool = False) -> QFrame:
    """A thin line in the border colour between two groups (across, or up and down)."""
    line = QFrame()
    line.setFrameShape(QFrame.Shape.VLine if vertical else QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Plain)
    line.setStyleSheet(f"color: {theme.BORDER};")
    return line


class ElidingComboBox(QComboBox):
    """A dropdown that, when too narrow for its chosen text, ends it with "…" instead of
    cutting it mid-word ("Send to the customer (va"), so it is plain that more follows. Its list
    still shows every entry whole.

    Shortening the text takes Qt's ``Qt`` namespace and style enums, which the window's first
    frame does without (see ``qt_enums``): a box too narrow then is drawn as Qt draws it and
    redrawn shortened right after that frame.
    """

    # More than the arrow, padding and border take: text narrower than the width less this
    # fits for certain, and Qt draws the box as always, without the enums.
    _SURELY_FREE = 56

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._redraw_when_warm = False

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        text = self.currentText()
        if self.fontMetrics().horizontalAdvance(text) <= self.width() - self._SURELY_FREE:
            super().paintEvent(event)
            return
        if not qt_enums.is_warm():
            super().paintEvent(event)
            if not self._redraw_when_warm:
                self._redraw_when_warm = True
                qt_enums.when_warm(_updater(self))
            return
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QStyle, QStyleOptionComboBox, QStylePainter

        # What QComboBox.paintEvent does, with the text shortened to the room it is drawn in.
        painter = QStylePainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        room = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox,
            option,
            QStyle.SubControl.SC_ComboBoxEditField,
            self,
        )
        option.currentText = self.fontMetrics().elidedText(
            text, Qt.TextElideMode.ElideRight, room.width()
        )
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)
        painter.end()  # now, not whenever Python lets go of it: Qt warns of a painter left open


def _updater(widget: QWidget) -> Callable[[], None]:
    """``widget.update`` that does nothing once the widget is gone (it is not kept alive)."""
    import weakref

    import shiboken6

    reference = weakref.ref(widget)

    def update() -> None:
        alive = reference()
        if alive is not None and shiboken6.isValid(alive):
            alive.update()

    return update


def shrinkable(combo: QComboBox) -> QComboBox:
    """Let a dropdown become narrower than its longest entry (its list still shows it whole).

    By default a dropdown insists on the width of its longest choice; on a small laptop screen
    at 150 % that pushes the form wider than its column and the right edge is cut off.
    """
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(10)
    return combo


def label_column_width(labels: Sequence[QLabel]) -> int:
    """Width that fits every label's text at the window's font (mnemonic ``&`` left out).

    Measured with the theme's font rather than ``sizeHint()``: the style sheet that sets the
    labels' size is applied only when the window is shown, after the forms are built. A label
    asks for its text's drawn width, which can be a pixel or two more than its advance ("Tool
    environment"); the wider of the two keeps every label within the column, so the column, and
    the fields beside it, are the same in every form.
    """
    metrics = QFontMetrics(theme.base_font())

    def width(text: str) -> int:
        return max(metrics.horizontalAdvance(text), metrics.boundingRect(text).width())

    return max((width(label.text().replace("&", "")) for label in labels), default=0)


def align_labels(labels: Sequence[QLabel], width: int) -> None:
    """One label column width for several forms, so fields line up across sections and tabs."""
    for label in labels:
        label.setMinimumWidth(width)


class FitScrollArea(QScrollArea):
    """A scroll area that asks for its content's full height, and scrolls only below that.

    A plain QScrollArea asks for a fixed, moderate size whatever it holds, so a layout cannot
    tell "room for everything" from "not enough room". This one follows its content, which lets
    a form keep its buttons right under the fields when there is room, and scroll the fields
    (buttons still in view) when there is not.
    """

    def __init__(self, page: QWidget, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setViewport(own_viewport())
        self.setWidget(page)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        set_enum(self, "horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
        # Tab goes to the fields inside, and the area scrolls to show them; a stop on the area
        # itself would show no focus at all.
        set_enum(self, "focusPolicy", "NoFocus")
        self._placing_page = False  # see eventFilter
        page.installEventFilter(self)
        # Qt scrolls to a field only when Tab moves within the area. The focus also comes
        # by other ways: the form cleared (its button, Ctrl+N), a label's Alt key, Tab coming
        # round from the window's last stop, a dialog closing. The form stayed scrolled
        # down, and what the person typed went into a field out of sight.
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_moved)
        self._kept: QWidget | None = None  # see ``keep_in_view``
        self._kept_margin = theme.SPACING
        self._kept_above: QWidget | None = None
        self.verticalScrollBar().actionTriggered.connect(self._let_go)

    def _focus_moved(self, _old: QWidget | None, now: QWidget | None) -> None:
        """The keyboard focus moved to ``now``: scrolled into view if it is inside, once the
        event loop is free (the form may still be changing, as error lines go when it is
        cleared). Only a parent check until then: this runs at every change of focus."""
        page = self.widget()
        if now is not None and page is not None and page.isAncestorOf(now):
            kept = self._kept
            went_elsewhere = now is not kept and now is not self._kept_above
            if kept is not None and went_elsewhere and not kept.isAncestorOf(now):
                self._let_go()  # the person went elsewhere: that is what is shown now
            QTimer.singleShot(0, self, self._show_focus)

    def keep_in_view(
        self, widget: QWidget, margin: int = theme.SPACING, *, above: QWidget | None = None
    ) -> None:
        """Scroll ``widget`` (inside the page) into view, ``margin`` pixels from the view's
        edge, and back into view as the area or its page changes size, until the person
        scrolls or moves the focus to something else in the page. After "Could not reach
        Kombo…" the status line grew by three lines as the window laid itself out again, the
        area got shorter, and "Create link", the way to try again, went below its edge:
        scrolled to at once, it would have gone out of view again.

        ``above``: a widget over ``widget`` (the one with the focus, say) that stays in view
        with it; where the two do not fit the view together, ``above`` is the one in view."""
        self._kept = widget
        self._kept_margin = margin
        self._kept_above = above
        QTimer.singleShot(0, self, self._show_kept)

    def _let_go(self, _action: int = 0) -> None:
        self._kept = None
        self._kept_above = None

    def _show_kept(self) -> None:
        kept, above, page = self._kept, self._kept_above, self.widget()
        if kept is not None and page is not None and page.isAncestorOf(kept):
            self.ensureWidgetVisible(kept, 0, self._kept_margin)
            if above is not None and page.isAncestorOf(above):
                # Its whole height: Qt's own scroll to a line edit shows only its cursor's
                # line, and left its top border out of view.
                middle = above.mapTo(page, above.rect().center())
                self.ensureVisible(
                    middle.x(), middle.y(), 0, above.height() // 2 + self._kept_margin
                )

    def _show_focus(self) -> None:
        """Scroll the field with the keyboard focus into view, if it is inside."""
        focused = QApplication.focusWidget()
        page = self.widget()
        if focused is not None and page is not None and page.isAncestorOf(focused):
            self.ensureWidgetVisible(focused, 0, theme.SPACING)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        page = self.widget()
        if page is None:
            return super().sizeHint()
        hint = page.sizeHint()
        height = hint.height()
        width = self.viewport().width()
        if page.hasHeightForWidth() and width > 0:
            # Wrapped text is as high as the width it really gets makes it, not as sizeHint()
            # guesses; the guess left a gap under short forms.
            height = page.heightForWidth(width)
        margins = self.contentsMargins()
        scroll_bar = self.verticalScrollBar().sizeHint().width()
        return QSize(
            hint.width() + margins.left() + margins.right() + scroll_bar,
            height + margins.top() + margins.bottom(),
        )

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Never narrower than the page can be, with room for the scroll bar: the area does
        not scroll sideways, so a narrower one cut off the page's right edge (with larger
        system text, fields and buttons beside the history)."""
        hint = super().minimumSizeHint()
        page = self.widget()
        if page is None:
            return hint
        margins = self.contentsMargins()
        scroll_bar = self.verticalScrollBar().sizeHint().width()
        narrowest = max(page.minimumSizeHint().width(), page.minimumWidth())
        width = narrowest + margins.left() + margins.right() + scroll_bar
        # Qt's least height keeps room for a sideways scroll bar, which this area never shows:
        # a short window's middle part lost as much, "Create link" going below its edge.
        height = hint.height() - self.horizontalScrollBar().sizeHint().height()
        return QSize(max(hint.width(), width), height)

    def unscrolled_height(self, width: int | None = None) -> int:
        """The least height at which the area shows all of its page without scrolling, at
        ``width`` (by default the area's own): each part of the page at its least height,
        wrapped text with all its lines."""
        page = self.widget()
        margins = self.contentsMargins()
        around = margins.top() + margins.bottom()
        if page is None:
            return around
        if width is None:
            width = self.width()
        return least_height(page, width - margins.left() - margins.right()) + around

    def height_missing(self) -> int:
        """How much taller the area must be to show all of its page without scrolling (0 when
        it has the room)."""
        return max(self.unscrolled_height() - self.height(), 0)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # the height wrapped text needs depends on the width
        if self._kept is not None:
            QTimer.singleShot(0, self, self._show_kept)

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # The content grew or shrank (an error line, the advanced options): ask again.
        if watched is self.widget():
            if event.type() == QEvent.Type.LayoutRequest:
                self.updateGeometry()
            elif event.type() == QEvent.Type.Resize:
                if self._kept is not None:
                    QTimer.singleShot(0, self, self._show_kept)
                return self._place_page_once(watched, event)
        return super().eventFilter(watched, event)

    def _place_page_once(self, page: QObject, event: QEvent) -> bool:
        """Let Qt place the resized page (its size, the scroll bar), but not again for the
        resize that placing it makes.

        Qt resizes the page while it places it, which sends a resize here before that returns.
        Where the page's wrapped text is one line taller once the scroll bar takes its width
        (larger text, the result beside the history, a window 1600 to 1615 wide), Qt's answer
        changed at each step: the page went narrower and taller with the scroll bar, wider
        and lower without it, each resize asking again inside the last, until Python's
        recursion limit and a crash. The place Qt gave first stands; a later change of the
        area's or the page's size asks again."""
        if self._placing_page:
            return False
        self._placing_page = True
        try:
            return super().eventFilter(page, event)
        finally:
            self._placing_page = False


class ShrinkingPage(QWidget):
    """A page for a ``FitScrollArea`` that scrolls only once its parts are all at their least
    heights: its own scrolling parts (the forms, the result) shrink first.

    A usual page is given all the height it would like (a ``FitScrollArea`` asks for its
    content's full height), so the window's part between the header and the status line
    would have scrolled the forms whole instead of their own fields, "Create link" moving
    away with them.

    Once even their least heights do not fit, the page scrolls, and then all of it at the
    height it would like: its own scrolling parts show all they hold and scroll no more. At
    their least heights they went on scrolling inside it, two or three scroll bars for one
    form, the result's right beside the page's, each wheel turn moving one or the other.

    Across, it is always as wide as the area shows: the area still asks for the page's least
    width (see ``FitScrollArea.minimumSizeHint``), but where the screen cannot give it (the
    largest text) a wider page put the right edge of what spans it (the duplicate warning's
    "Not now") out of sight, where nothing scrolls to it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        # Qt's scroll area makes a page holding wrapped text as high as this at its width.
        least = least_height(self, width)
        return self._scrolled_height(width, least) if self._scrolls(least) else least

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # ... and one without wrapped text at least as high as this.
        hint = super().minimumSizeHint()
        least = least_height(self, self.width())
        if not self._scrolls(least):
            return hint
        return QSize(hint.width(), self._scrolled_height(self.width(), least))

    def _scrolls(self, least: int) -> bool:
        """Whether the page must scroll, its parts at their ``least`` height: decided from
        that, which scrolling does not change, so the page settles at once."""
        area = scroll_area_around(self)
        return area is not None and least > area.maximumViewportSize().height()

    def _scrolled_height(self, width: int, least: int) -> int:
        """The page's height when it scrolls: each part as high as it would like (see the
        class)."""
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            return max(layout.heightForWidth(width), least)
        return max(self.sizeHint().height(), least)


def least_height(widget: QWidget, width: int) -> int:
    """The least height ``widget`` can have at ``width`` without squeezing anything in it:
    wrapped text counts all its lines (a layout's own least height counts one line each)."""
    layout = widget.layout()
    if layout is not None and layout.hasHeightForWidth():
        return max(layout.totalMinimumHeightForWidth(width), widget.minimumHeight())
    # The layout's, as a widget's own least size is; a ``ShrinkingPage`` that scrolls says
    # more (its height when it scrolls).
    least = layout.totalMinimumSize() if layout is not None else widget.minimumSizeHint()
    return max(least.height(), widget.minimumHeight())


def scroll_area_around(widget: QWidget) -> FitScrollArea | None:
    """The nearest ``FitScrollArea`` that ``widget`` is inside of (None: it is in none)."""
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, FitScrollArea):
        parent = parent.parentWidget()
    return parent


def grow_to_show_all(area: FitScrollArea) -> None:
    """Make ``area``'s window as much taller as ``area`` needs to show all it holds without
    scrolling, as far as the screen allows (never when maximised or full screen); what still
    does not fit scrolls."""
    window = area.window()
    missing = area.height_missing()
    if missing <= 0 or window.isMaximized() or window.isFullScreen():
        return
    tallest = window.height() + missing
    screen = window.screen()
    if screen is not None:
        tallest = min(tallest, screen.availableGeometry().height() - WINDOW_FRAME[1])
    if tallest > window.height():
        window.resize(window.width(), tallest)
        keep_on_screen(window)


def own_viewport(background: QPalette.ColorRole = QPalette.ColorRole.NoRole) -> QWidget:
    """A scroll area's viewport made here, set up as Qt sets up its own; an item view's
    (a table, a list) paints the ``Base`` colour, as Qt's does.

    Qt's own viewport is created in C++; the first time Python is handed a widget it did not
    create (``viewport()``, or a page's ``parentWidget()``), PySide6 sets up every widget class
    it knows to find the right Python type, with their enums: 4-8 ms for the start-up on a
    quiet machine, 60-115 ms on a loaded one at the history's first opening. A viewport made
    in Python is already known.
    """
    viewport = QWidget()
    viewport.setObjectName("qt_scrollarea_viewport")
    viewport.setBackgroundRole(background)  # NoRole: the scroll area's, as QScrollArea's
    viewport.setAutoFillBackground(True)
    return viewport


def width_with_scroll_bar(parent: QWidget) -> int:
    """The width ``parent`` has when its scroll area shows its scroll bar, whether or not it
    shows it now.

    What is laid out by a width inside a scroll area goes by this one. The result's QR code
    once followed the width as it is: a code that made the panel a pixel too tall brought up
    the scroll bar, the narrower view made the code smaller, the bar went away and the code
    grew again, without end (the window then laid itself out a thousand times a second)."""
    area = parent.parentWidget()
    if not isinstance(area, QAbstractScrollArea) or area.viewport() is not parent:
        return parent.width()
    return area.maximumViewportSize().width() - area.verticalScrollBar().sizeHint().width()


def scroll_areas_around(widget: QWidget) -> list[QScrollArea]:
    """The scroll areas that hold ``widget`` (in their page), innermost first."""
    areas = []
    ancestor = widget.parentWidget()
    while ancestor is not None:
        if isinstance(ancestor, QScrollArea):
            page = ancestor.widget()
            if page is not None and (page is widget or page.isAncestorOf(widget)):
                areas.append(ancestor)
        ancestor = ancestor.parentWidget()
    return areas


def height_in_view(widget: QWidget, areas: list[QScrollArea] | None = None) -> int:
    """How much of ``widget``, from its top, is in view with every scroll area around it
    scrolled to its top (all of it where none cuts it off).

    Not where they are scrolled to now: what is laid out by this must not change as the
    person scrolls. A widget inside the result's scroll area, itself inside the window's,
    went by the inner area's height alone, which grows with the form beside it, and was cut
    off at the bottom of the window. ``areas``: those around ``widget``, where already known
    (``scroll_areas_around``)."""
    room = widget.height()
    for area in scroll_areas_around(widget) if areas is None else areas:
        page = area.widget()
        top = 0 if page is None or page is widget else widget.mapTo(page, QPoint(0, 0)).y()
        room = min(room, area.viewport().height() - top)
    return room


def scrolling(page: QWidget, name: str) -> FitScrollArea:
    """``page`` in a frameless scroll area that only scrolls (vertically) when space runs out."""
    return FitScrollArea(page, name)


def follow_overflow(area: QScrollArea, footer: QWidget) -> None:
    """Give ``footer`` a dividing line (style property ``overflow``) only while ``area``
    scrolls, so buttons kept in view below scrolled fields are set apart from them."""

    bar = area.verticalScrollBar()

    def apply() -> None:
        theme.set_look(footer, "overflow", bar.maximum() > 0)

    # The range changes several times while a layout settles (showing the window, opening the
    # advanced options), often only to end where it began; re-styling the footer at each step
    # is wasted work, so the line follows the range once the event loop is free again.
    settle = QTimer(footer)
    settle.setSingleShot(True)
    settle.setInterval(0)
    settle.timeout.connect(apply)
    footer.setProperty("overflow", False)
    bar.rangeChanged.connect(lambda _minimum, _maximum: settle.start())


def choice_combo(
    object_name: str, accessible_name: str, choices: list[tuple[str, object]], default: object
) -> QComboBox:
    """A non-editable dropdown of (shown text, item data) with ``default`` selected."""
    combo = shrinkable(ElidingComboBox())
    combo.setObjectName(object_name)
    combo.setAccessibleName(accessible_name)
    for text, data in choices:
        combo.addItem(text, data)
    index = combo.findData(default)
    combo.setCurrentIndex(max(index, 0))
    return combo


def enum_combo(
    object_name: str, accessible_name: str, names: Mapping[_Member, str], default: _Member
) -> QComboBox:
    """A dropdown of ``names`` (member -> shown text); item data: the member's value."""
    choices: list[tuple[str, object]] = [(name, member.value) for member, name in names.items()]
    return choice_combo(object_name, accessible_name, choices, default.value)


def put_text(edit: QLineEdit, text: str) -> None:
    """Set ``edit``'s text as a value brought back (from the history, say), showing its start.

    ``setText`` leaves the cursor after the last character, so a long organisation name would
    show only its end ("...Personaldienstleistungen mbH & Co. KG") until the field is clicked.
    """
    edit.setText(text)
    edit.setCursorPosition(0)


def select_data(combo: QComboBox, data: object) -> None:
    """Select the entry whose item data is ``data`` (none when no entry has it)."""
    combo.setCurrentIndex(combo.findData(data))


def example_sentence(example: str) -> str:
    """What a screen reader hears of an empty field whose placeholder is ``example``: as
    written when it says itself that it is one ("Optional, e.g. CUST-1042")."""
    return example if "e.g." in example else f"For example {example}"


def line_edit(
    object_name: str, accessible_name: str, placeholder: str = "", *, example: bool = False
) -> QLineEdit:
    """A text field; ``example``: its ``placeholder`` is a sample of what goes in
    ("anna@example.com"), or holds one ("Optional, e.g. CUST-1042"). A screen reader reads
    the placeholder of an empty field as its description, so an empty field sounded filled in
    with a customer's details: it hears "For example anna@example.com" instead. Either is
    said only while the field is empty (see ``FieldBox.follow_text``)."""
    edit = QLineEdit()
    edit.setObjectName(object_name)
    edit.setAccessibleName(accessible_name)
    edit.setPlaceholderText(placeholder)
    if example:
        edit.setAccessibleDescription(example_sentence(placeholder))
    edit.setClearButtonEnabled(False)
    return edit


# QLineEdit's size hint is room for 17 "x" plus its frame, padding and margins (Qt since 4.0).
_LINE_EDIT_HINT_CHARACTERS = 17


def fit_placeholder(edit: QLineEdit) -> None:
    """Keep ``edit`` at least wide enough for its whole placeholder.

    A placeholder that says where something comes from ("Paste the API key from the Kombo
    dashboard") tells nothing once Qt cuts it short with "…". The room around the text is
    taken from Qt's own size hint, after the style sheet has polished the field (its padding
    counts), so no pixel figure is repeated here.
    """
    edit.ensurePolished()
    metrics = edit.fontMetrics()
    around = edit.sizeHint().width() - _LINE_EDIT_HINT_CHARACTERS * metrics.horizontalAdvance("x")
    edit.setMinimumWidth(metrics.horizontalAdvance(edit.placeholderText()) + around)


def chain_tab_order(widgets: Sequence[QWidget]) -> None:
    """Tab moves through ``widgets`` in this order: the visual order, top to bottom."""
    for first, second in pairwise(widgets):
        QWidget.setTabOrder(first, second)
