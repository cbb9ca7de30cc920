"""What the two forms (a new link, a reconnection link) have in common.

Both are a column of labelled fields whose errors appear under them, a primary button with a
Cancel beside it while Kombo works, and Enter in any field meaning "go". A field is checked as
the person types only after they first left it (or tried to submit): nagging about an e-mail
address that is still being typed helps nobody. After a link is made the next customer is
typed over the last one's details, and each field is again judged once it is left (see
``judge_anew``). The rules themselves come from
``kombo_desktop.core.link_request``, so a form can never disagree with the final check.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QPoint, QTimer, Signal, SignalInstance
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kombo_desktop.core.field_text import KEY_IN_FIELD_PROBLEM
from kombo_desktop.core.link_request import InvalidRequest
from kombo_desktop.core.safe_text import with_single_quote_marks
from kombo_desktop.core.vocabulary import (
    DEFAULT_LANGUAGE,
    DEFAULT_LINK_TYPE,
    LANGUAGE_NAMES,
    LINK_TYPE_NAMES,
    Language,
    LinkType,
)
from kombo_desktop.ui import theme
from kombo_desktop.ui.event_filters import reports_errors
from kombo_desktop.ui.flow_layout import ButtonBar, ButtonRow
from kombo_desktop.ui.stacked_labels import LabelsAboveWhenNarrow
from kombo_desktop.ui.widgets import (
    FieldBox,
    FieldForm,
    add_row,
    align_labels,
    announce,
    chain_tab_order,
    enum_combo,
    follow_overflow,
    hand_over_focus,
    plain_tooltip,
    press_focused_button,
    push_button,
    scrolling,
)

if TYPE_CHECKING:
    from kombo_desktop.ui.button_words import ShorterWords
    from kombo_desktop.ui.early_keys import EarlyKeysIgnored

_Request = TypeVar("_Request")

STOP_TOOLTIP = "Stop waiting for Kombo (Esc)"


def language_combo(object_name: str, default: Language = DEFAULT_LANGUAGE) -> QComboBox:
    return enum_combo(
        object_name, "Language of the customer's connection page", LANGUAGE_NAMES, default
    )


def link_type_combo(object_name: str, default: LinkType = DEFAULT_LINK_TYPE) -> QComboBox:
    return enum_combo(object_name, "How the link will be used", LINK_TYPE_NAMES, default)


def changed_signal(field: QWidget) -> SignalInstance:
    """The signal ``field`` emits whenever the person changes its value."""
    if isinstance(field, QLineEdit):
        return field.textChanged
    if isinstance(field, QComboBox):
        return field.currentTextChanged  # a choice, or typing in an editable one
    if isinstance(field, QAbstractButton):
        return field.toggled
    raise TypeError(f"no change signal known for {type(field).__name__}")


class SubmitOnEnter(QWidget):
    """A container where Enter in any field means "go" (as a dialog's default button would).

    Line edits and dropdowns pass an unused Enter on to their parent, so one handler here
    covers every field. A dropdown whose list is open keeps Enter for choosing an item. On a
    button (reached with Tab) Enter presses that button, as Space does: "Clear the form" or
    "Use this address" with the focus on them must not send a link instead.
    """

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if press_focused_button(self, event):
            return
        if event.key() in (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter):
            self.submitted.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class RequestForm(SubmitOnEnter):
    """A form tab. Emits ``submitted`` (Enter or its button) and ``cancel_requested``.

    A subclass makes its buttons with :meth:`_make_buttons`, its rows with :meth:`_add_field`,
    puts them on screen with :meth:`_assemble`, and says what is wrong with one field in
    :meth:`_field_problem`.
    """

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._touched: set[str] = set()  # checked whenever they change
        # Since a link was made (see ``judge_anew``): fields newly marked only once the person
        # has left them after typing in them, and those typed in since, not yet left.
        self._judged_when_left: set[str] = set()
        self._retyped: set[str] = set()
        self._footer_end: list[QWidget] = []  # buttons at the footer's right end
        self._rejected: set[str] = set()  # fields marked because Kombo's refusal named them
        self._followed: set[str] = set()  # fields whose changes take such a mark away
        # The problem of each field a screen reader was last told of, or that it read as the
        # focus went there (see ``_say_problem``); a field loses it when its problem goes.
        self._said: dict[str, str] = {}
        self.boxes: dict[str, FieldBox] = {}
        self.labels: list[QLabel] = []
        self.field_forms: list[FieldForm] = []  # the grids of labels and fields, in order
        self.tab_chain: list[QWidget] = []
        self._early_keys: EarlyKeysIgnored | None = None  # see set_busy
        self._primary_key_at = 0  # timestamp of the last key event on the primary button

    # --- construction ------------------------------------------------------------------------

    def _make_buttons(
        self,
        name: str,
        text: str,
        *,
        busy_text: str,
        description: str,
        cancel_name: str,
        cancel_description: str,
        short_text: str | None = None,
    ) -> tuple[QPushButton, QPushButton]:
        """The primary button (showing ``busy_text`` while Kombo works) and the Cancel button
        shown meanwhile. ``short_text``: the primary's words where the form is narrower than
        ``text`` (see ``button_words``). ``description``: what pressing it does, read by a
        screen reader after its words (never the words again: "Create link" described as
        "Create link" was said twice); ``cancel_description`` the same for Cancel."""
        self._texts = (text, busy_text)
        self._short_text = short_text
        self._primary_words: ShorterWords | None = None  # made when first shown
        self._primary = push_button(name, text, description)
        self._primary.setProperty("primary", True)
        self._primary.clicked.connect(self.submitted)
        self._primary.installEventFilter(self)  # when its keys are pressed: see eventFilter
        self._cancel = push_button(cancel_name, "Cancel", cancel_description)
        self._cancel.setToolTip(STOP_TOOLTIP)
        self._cancel.clicked.connect(self.cancel_requested)
        self._cancel.hide()
        return self._primary, self._cancel

    @property
    def submit_text(self) -> str:
        """The primary button's words as shown, for sentences that send the person to it."""
        words = self._primary_words
        return self._texts[0] if words is None else words.text

    def _add_field(
        self, form: FieldForm, field: str, label: str, widget: QWidget, hint: str = ""
    ) -> FieldBox:
        """A labelled row for the wire field ``field``, with its hint and error line."""
        box = self.boxes[field] = FieldBox(widget, hint)
        box.error_changed.connect(lambda problem: self._problem_changed(field, problem))
        if form not in self.field_forms:
            self.field_forms.append(form)
        self.labels.append(add_row(form, label, box))
        return box

    def _add_fix(
        self,
        field: str,
        name: str,
        text: str,
        suggest: Callable[[str], str | None],
        put: Callable[[str], None] | None = None,
    ) -> QPushButton:
        """A button under ``field``'s error line that puts in what the typed text stands for,
        when ``suggest`` finds exactly that (an address as a mail program copies it, an id
        inside a web address, the tool a name typed in part or with a slip means): one click
        instead of editing. Shown only while there is such a thing. The error line names it;
        the button's text stays short, as what it puts in can be wider than the form.
        ``put`` puts it in a field that is no line edit (the tool list)."""
        box = self.boxes[field]
        widget = box.field
        assert isinstance(widget, QLineEdit | QComboBox)

        def typed() -> str:
            return widget.currentText() if isinstance(widget, QComboBox) else widget.text()

        def offer(problem: str) -> None:
            value = suggest(typed()) if problem else None
            if value is not None:
                button.setToolTip(plain_tooltip(value))  # made from what was typed
                button.setAccessibleDescription(f"Puts in {value}")
            button.setVisible(value is not None)

        def apply() -> None:
            value = suggest(typed())
            if value is None:
                return
            if put is not None:
                put(value)
            elif isinstance(widget, QLineEdit):
                widget.setText(value)  # checked again at once: the error line goes
            widget.setFocus()

        button = push_button(name, text, on_click=apply)
        self._add_under(field, button)
        box.error_changed.connect(offer)
        return button

    def _add_under(self, field: str, *buttons: QPushButton) -> None:
        """Put ``buttons`` in a row under ``field``'s error line, hidden until its problem
        needs them."""
        row = QHBoxLayout()
        row.setSpacing(theme.SPACING)
        for button in buttons:
            button.hide()
            row.addWidget(button)
        row.addStretch(1)
        box_layout = self.boxes[field].layout()
        assert isinstance(box_layout, QVBoxLayout)
        box_layout.addLayout(row)

    def _watch(self, field: str, edit: QLineEdit) -> None:
        """Check ``edit`` once the person has left it, and then again at every change."""
        edit.textChanged.connect(lambda _text: self._text_changed(field))
        edit.editingFinished.connect(lambda: self._left(field))

    def _text_changed(self, field: str) -> None:
        """What a screen reader hears of the field follows its text (an example goes once
        filled in, see ``FieldBox.follow_text``); then it is checked, once left before."""
        self.boxes[field].follow_text()
        self._typed_in(field)
        self._recheck(field)

    def _typed_in(self, field: str) -> None:
        """``field``'s text changed: once left, it is judged as the person types (see
        ``_left``)."""
        if field in self._judged_when_left:
            self._retyped.add(field)

    def _assemble(
        self,
        names: tuple[str, str],
        content: Sequence[QWidget | QLayout],
        tab_chain: list[QWidget],
    ) -> None:
        """Put ``content`` in a scrolling page with the buttons below it (``names``: the
        object names of the page's content and of the scrolling page).

        The buttons sit right under the fields when there is room; when there is not (a small
        screen, error lines, the advanced options) the fields scroll and the buttons stay in
        view: the primary button never scrolls away.
        """
        fields = QWidget()
        fields.setObjectName(names[0])
        body = QVBoxLayout(fields)
        body.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.SPACING)
        body.setSpacing(theme.SECTION_SPACING)
        for part in content:
            if isinstance(part, QLayout):
                body.addLayout(part)
            else:
                body.addWidget(part)
        body.addStretch(1)  # a wrapped line measured high leaves its spare room below
        self.scrollArea = scrolling(fields, names[1])
        self.scrollArea.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        # Labels above their fields where the form is narrower than both side by side.
        self.stacked_labels = LabelsAboveWhenNarrow(
            self.scrollArea, self.field_forms, 2 * theme.MARGIN
        )
        # Each button keeps the width of its words where the form is narrow (see ButtonRow).
        shorter = None if self._short_text is None else (self._primary, self._short_text)
        buttons = ButtonRow(
            self._primary, self._cancel, *self._footer_end, end_from=2, shorter=shorter
        )
        buttons.setContentsMargins(theme.MARGIN, theme.SPACING, theme.MARGIN, theme.SPACING)
        self.footer = ButtonBar(buttons)
        self.footer.setObjectName("formFooter")
        follow_overflow(self.scrollArea, self.footer)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.scrollArea)
        layout.addWidget(self.footer)
        layout.addStretch(1)

        self.tab_chain = [*tab_chain, self._primary, self._cancel, *self._footer_end]
        chain_tab_order(self.tab_chain)

    def set_label_width(self, width: int) -> None:
        """Line the field column up with the other tab's form."""
        align_labels(self.labels, width)

    # --- checking ------------------------------------------------------------------------------

    def _field_problem(self, field: str) -> str | None:
        """What is wrong with ``field`` as it is now (None: nothing)."""
        raise NotImplementedError

    def _touch(self, field: str) -> None:
        self._touched.add(field)
        # Leaving a field Kombo refused changes nothing in it: its mark stays (checked again
        # here, it went as the person moved on, or as the focus went to the first of several
        # marked fields).
        if field not in self._rejected:
            self._recheck(field)

    def _left(self, field: str) -> None:
        """The person left ``field`` (or pressed Enter in it): check it, and say a new
        problem. Typed in since a link was made, it is checked as the person types from now
        on, as on a fresh form; left untouched (the focus moved on to the link just made),
        it still waits for them (see ``judge_anew``)."""
        if field in self._retyped:
            self._retyped.discard(field)
            self._judged_when_left.discard(field)
        self._touch(field)
        self._say_problem(field)

    def _problem_changed(self, field: str, problem: str) -> None:
        """A field whose problem went is said again when one comes back (``_say_problem``)."""
        if not problem:
            self._said.pop(field, None)

    def _say_problem(self, field: str) -> None:
        """Have a screen reader say the problem now under ``field``, which the person just
        left, unless it was said before: red words appeared under the field as the focus moved
        on, and only the next field's name was heard. Said politely, after that name; never
        while typing (the check then follows each key), and not again for the same problem.
        Not said when the field keeps the focus (Enter): the status line says then why
        nothing was sent, and the field's description holds the problem."""
        box = self.boxes[field]
        problem = box.error_text
        if not problem or box.field.hasFocus() or self._said.get(field) == problem:
            return
        self._said[field] = problem
        announce(box.field, problem)

    def _recheck(self, field: str) -> None:
        if field not in self._touched:
            return
        box = self.boxes[field]
        if not box.error_text and self._typing_before_judged(field):
            return  # judged once left; a mark already shown follows the typing
        box.set_error(self._field_problem(field))

    def _typing_before_judged(self, field: str) -> bool:
        """Whether the person is typing in ``field`` (typed in since a link was made, not
        left since, and it has the keyboard focus), which waits to be left before it is
        judged (``judge_anew``). A field the focus just came to is judged as before: the
        previous customer's id, as the next organisation is left for it."""
        if field not in self._retyped:
            return False
        widget = self.boxes[field].field
        focus = QApplication.focusWidget()
        return focus is not None and (focus is widget or widget.isAncestorOf(focus))

    def judge_anew(self) -> None:
        """A link was made: the next customer's details, typed over these, are judged as on a
        fresh form, each field once the person has left it (or pressed the button). Every
        field was checked at each key, so that the first letter of the next address turned
        red ("needs an @"), then "bob@" ("Add the domain"), and the fields below moved down
        and up as the red line came and went, on a screen shared with the customer. A mark
        already shown still follows the typing, and a field the person is not typing in is
        still checked as the others change (the previous customer's id beside a new
        organisation, say)."""
        self._judged_when_left = set(self.boxes)
        self._retyped.clear()

    def show_known_keys(self) -> None:
        """Mark every field that holds an API key the program knows, as if the key had been
        known as it was typed: the key is learned when it is read from the password store (a
        moment after the start, or after a change of profile), and one pasted before then
        passed its field's check without a word. What was typed stays; the field is checked
        as the person types from now on, so the mark goes once the key is taken out. Fields
        holding no key are left as they are, the marks of Kombo's refusal included."""
        for field, box in self.boxes.items():
            if self._field_problem(field) != KEY_IN_FIELD_PROBLEM:
                continue
            self._touched.add(field)
            self._judged_when_left.discard(field)
            self._retyped.discard(field)
            self._rejected.discard(field)
            box.set_error(KEY_IN_FIELD_PROBLEM)

    def _checked(self, make: Callable[[], _Request]) -> _Request | InvalidRequest:
        """The request ``make`` builds, or its problems (then shown next to their fields)."""
        self._touched.update(self.boxes)
        self._judged_when_left.clear()
        self._retyped.clear()
        try:
            request = make()
        except InvalidRequest as invalid:
            self.show_errors(invalid)
            return invalid
        self.show_errors(None)
        return request

    def _forget_checks(self) -> None:
        """As if nothing had been typed yet: no errors, no marks, no field visited."""
        self._touched.clear()
        self._judged_when_left.clear()
        self._retyped.clear()
        self._rejected.clear()
        for box in self.boxes.values():
            box.set_error(None)

    def show_errors(self, invalid: InvalidRequest | None) -> None:
        """Put each problem under its field and move the focus (and the view) to the first."""
        self._rejected.clear()
        first: FieldBox | None = None
        for field, box in self.boxes.items():
            message = invalid.message_for(field) if invalid is not None else None
            box.set_error(message)
            if message:
                # Read with the field as the focus gets there: not said again on leaving it.
                self._said[field] = message
                first = first or box
        if first is not None:
            self._bring_to(first)

    def mark_rejected(self, reasons: Mapping[str, str]) -> None:
        """Mark the fields Kombo's refusal named (``reasons``: each field, in the API's
        spelling, with what Kombo said about it; see ``messages.rejected_field_message``) and
        bring the first into view, so the person sees where to look and why. A mark goes as
        soon as its field is changed, with the next check, and with :meth:`unmark_rejected`."""
        marked = [field for field in reasons if field in self.boxes]
        for field in marked:
            self.boxes[field].set_error(reasons[field])
            self._said[field] = reasons[field]  # as in ``show_errors``
            self._rejected.add(field)
            self._follow_changes(field)
        if marked:
            self._bring_to(self.boxes[marked[0]])

    def unmark_rejected(self, quoting: Collection[str] | None = None) -> None:
        """Take away the marks of Kombo's refusal: all of them (links now go to another
        account, which may accept what this one refused), or, with ``quoting``, those whose
        words quote one of these details (ignoring case, and the double quotation marks a
        mark turns into single ones, see ``with_single_quote_marks``): a customer's details
        no longer in the form, which must not stay on screen beside the next customer's. A
        problem the form finds itself in the field stays."""
        quoted = [with_single_quote_marks(detail).casefold() for detail in quoting or ()]
        for field in list(self._rejected):
            shown = self.boxes[field].error.text()  # shown or folded away
            words = with_single_quote_marks(shown).casefold()
            if quoting is None or any(detail in words for detail in quoted):
                self._unmark(field)

    def _follow_changes(self, field: str) -> None:
        # Connected the first time the field is marked: most forms never are.
        if field not in self._followed:
            self._followed.add(field)
            changed_signal(self.boxes[field].field).connect(lambda *_: self._unmark(field))

    def _unmark(self, field: str) -> None:
        if field in self._rejected:
            self._rejected.discard(field)
            problem = self._field_problem(field) if field in self._touched else None
            self.boxes[field].set_error(problem)

    def _bring_to(self, box: FieldBox) -> None:
        """Focus the field of ``box`` and scroll it, with its error line, into view."""
        self._reveal(box)
        box.field.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)
        # The field with its error line, not only the input, so the reason is seen too;
        # on the next turn of the event loop, once the error lines have their place.
        QTimer.singleShot(
            0, self, lambda: self.scrollArea.ensureWidgetVisible(box, 0, theme.SPACING)
        )

    def _reveal(self, box: FieldBox) -> None:
        """Make ``box`` part of the form on screen (a folded section opens)."""

    def field_errors(self) -> dict[str, str]:
        """Errors currently shown, by wire field name (for tests and the status line)."""
        return {field: box.error_text for field, box in self.boxes.items() if box.error_text}

    # --- state ---------------------------------------------------------------------------------

    def set_busy(self, busy: bool) -> None:
        """While a request runs: no second submit, a visible Cancel in place of the footer's
        other buttons; typing stays possible.

        The keyboard focus goes along between the two buttons: Qt moves it off a button
        being disabled or hidden to the next stop, the empty link field, where it stayed (a
        screen reader said "The link, blank", and getting back took two Shift+Tabs).
        """
        primary, cancel = self._primary, self._cancel
        if not busy:
            primary.setEnabled(True)
            hand_over_focus([cancel], primary)
            if self._early_keys is not None:
                self._early_keys.stop()
            # Cancel and the longer "Creating link…" go before the other buttons come back
            # (Qt lays the footer out as each is shown): for a moment all of them side by side
            # widened the form, and with larger text the window, past a laptop's screen.
            words = self._primary_words
            primary.setText(self._texts[0] if words is None else words.text)
            cancel.setVisible(False)
            cancel.setEnabled(False)
        # The buttons at the footer's end make way for Cancel: side by side with it and the
        # longer "Creating link…", they widened the form, and on a small window the link's
        # panel lost its right edge while Kombo worked.
        for button in self._footer_end:
            button.setEnabled(not busy)
            button.setVisible(not busy)
        if busy:
            cancel.setEnabled(True)
            cancel.setVisible(True)
            if hand_over_focus([primary], cancel) is not None:
                # The button was pressed with the keyboard: a second press of the key a
                # moment later would land on Cancel and stop the request just asked for.
                self._keys_ignored_on_cancel()
            primary.setEnabled(False)
            primary.setText(self._texts[1])

    def _keys_ignored_on_cancel(self) -> None:
        from kombo_desktop.ui.early_keys import EarlyKeysIgnored  # not for the first frame

        if self._early_keys is None:
            self._early_keys = EarlyKeysIgnored(self._cancel)
        self._early_keys.start(self._primary_key_at)

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Notes when a key of the primary button was pressed or let go (the system's
        timestamp): a second press that waited behind work on the UI thread is told from a
        later one by it (``early_keys``)."""
        if watched is self._primary and event.type() in (
            QEvent.Type.KeyPress,
            QEvent.Type.KeyRelease,
        ):
            assert isinstance(event, QKeyEvent)
            self._primary_key_at = event.timestamp()
        return False

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        """The primary button's shorter words follow the footer's width from the form's
        first showing (``button_words``): the reconnection form is on the second tab, and
        made with the window, their module and class cost its first frame 0.95 million
        instructions. Qt shows the footer before the form, so its width is known here."""
        super().showEvent(event)
        if self._short_text is not None and self._primary_words is None:
            from kombo_desktop.ui.button_words import ShorterWords

            self._primary_words = ShorterWords(
                self._primary,
                self._texts[0],
                self._short_text,
                self.footer,
                2 * ButtonRow.LEAST_SIDE,
            )
            self._primary_words.fit()

    def focus_first_field(self) -> None:
        # setFocus() without a reason is OtherFocusReason, and leaves Qt's ``Qt`` namespace
        # unbuilt when the window starts in this field (see qt_enums).
        next(iter(self.boxes.values())).field.setFocus()

    def height_showing(self, count: int) -> int:
        """The form's height at which its first ``count`` fields and its buttons are in view
        (fields scrolled to the top). Meaningful once the form is laid out."""
        box = list(self.boxes.values())[count - 1]
        page = self.scrollArea.widget()
        bottom = box.mapTo(page, QPoint(0, box.height())).y() if page is not None else 0
        return bottom + theme.SPACING // 2 + self.footer.sizeHint().height()
