"""The form for a new connection link: who the customer is and what they connect.

All rules come from ``kombo_desktop.core.link_request`` (``validate_field`` while typing,
``LinkRequest.from_form`` on submit); what both forms share (checking as the person goes, the
button that stays in view) is in ``request_form``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6 import QtCore
from PySide6.QtCore import QSignalBlocker, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QWidget,
)

from kombo_desktop.core import link_request as lr
from kombo_desktop.core.catalog import ToolCatalog, name_rank, names_exactly, search_key
from kombo_desktop.core.email_address import suggested_email
from kombo_desktop.core.field_text import sent_text
from kombo_desktop.core.link_request import (
    FieldError,
    InvalidRequest,
    LinkRequest,
    not_in_the_account,
    validate_field,
)
from kombo_desktop.core.vocabulary import (
    CATEGORY_NAMES,
    CUSTOMER_CHOOSES,
    DEFAULT_CATEGORY,
    DEFAULT_LANGUAGE,
    DEFAULT_LINK_TYPE,
    Category,
    Language,
    LinkType,
)
from kombo_desktop.ui import theme
from kombo_desktop.ui.link_options import ENVIRONMENT_HINT, LinkOptions
from kombo_desktop.ui.previous_customer_id import PreviousCustomerId
from kombo_desktop.ui.request_form import (
    RequestForm,
    changed_signal,
    language_combo,
    link_type_combo,
)
from kombo_desktop.ui.tool_fix import TOOL_FIX_TEXT, ToolFix
from kombo_desktop.ui.tool_suggestions import (
    SEARCH_ROLE,
    TOOL_ID_ROLE,
    ToolCompleter,
    ToolSearchEdit,
)
from kombo_desktop.ui.widgets import (
    Collapsible,
    FieldBox,
    FieldForm,
    enum_combo,
    label_column_width,
    line_edit,
    name_for_readers,
    push_button,
    put_text,
    select_data,
    shrinkable,
)

CREATE_TEXT = "Create link"
ADVANCED_TEXT = "Advanced options"
CREATING_TEXT = "Creating link…"

EMAIL_FIX_TEXT = "Use this address"
KEEP_ID_TEXT = "Keep this id"
MATCHING_TOOLS = "Matching tools"  # the name of the tool search's list of suggestions
CLEAR_TEXT = "Clear the form"
CLEAR_TOOLTIP = (
    "Empty the customer's details and the link shown, ready for the next customer (also the "
    "system's New keys, Ctrl+N or Cmd+N). The kind of system, language and link type stay as "
    "they are."
)


class LinkForm(RequestForm):
    """Create-link tab. Emits ``submitted`` on Enter or the button, ``notice`` for the status
    line (e.g. "the tool was reset"), ``edited`` when any field changes, and
    ``cancel_requested`` from its Cancel button."""

    notice = Signal(str)
    # Any field of ``boxes`` changed (typed, chosen, filled in): a request made from the form
    # before (the one the duplicate warning holds) is no longer what it asks for.
    edited = Signal()
    cleared = Signal()  # the form was emptied for the next customer
    tool_reset = Signal()  # a refreshed tool list lacked the tool chosen (see set_catalog)

    def __init__(
        self,
        catalog: ToolCatalog,
        *,
        default_language: Language = DEFAULT_LANGUAGE,
        default_link_type: LinkType = DEFAULT_LINK_TYPE,
        default_category: Category = DEFAULT_CATEGORY,
        tool_list_later: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        """``tool_list_later``: the tool list stays empty until ``fill_tool_list()``, for a
        window that first puts the form in its place (see there)."""
        super().__init__(parent)
        self._catalog = catalog

        self.emailEdit = line_edit(
            "emailEdit", "Customer's e-mail address", "anna@example.com", example=True
        )
        self.organizationEdit = line_edit(
            "organizationEdit", "Customer's organisation name", "Acme GmbH", example=True
        )
        self.originIdEdit = line_edit(
            "originIdEdit",
            "Your id for this customer (optional)",
            "Optional, e.g. CUST-1042",
            example=True,
        )
        self.categoryCombo = enum_combo(
            "categoryCombo",
            "Kind of system the customer connects",
            CATEGORY_NAMES,
            default_category,
        )
        self.toolCombo = self._make_tool_combo()
        self.environmentEdit = line_edit(
            "environmentEdit", "Tool environment (optional)", "Leave empty for the live system"
        )
        self.languageCombo = language_combo("languageCombo", default_language)
        self.linkTypeCombo = link_type_combo("linkTypeCombo", default_link_type)
        self.scopeConfigEdit = line_edit(
            "scopeConfigEdit", "Scope config id (optional)", "Optional, from the Kombo dashboard"
        )
        self.filteringCheck = QCheckBox("Employee filtering")
        self.filteringCheck.setObjectName("filteringCheck")
        self.filteringCheck.setAccessibleName("Employee filtering")
        self.fieldMappingCheck = QCheckBox("Field mapping")
        self.fieldMappingCheck.setObjectName("fieldMappingCheck")
        self.fieldMappingCheck.setAccessibleName("Field mapping")

        self.createButton, self.cancelButton = self._make_buttons(
            "createButton",
            CREATE_TEXT,
            busy_text=CREATING_TEXT,
            description="Ask Kombo for a link for this customer",
            cancel_name="cancelButton",
            cancel_description="Cancel making the link",
        )
        self.clearButton = push_button("clearFormButton", CLEAR_TEXT, on_click=self.ask_to_clear)
        self.clearButton.setToolTip(CLEAR_TOOLTIP)
        self._footer_end.append(self.clearButton)
        # The customer fields of the last link made from this form: clearing those loses nothing.
        self._used: tuple[str, str, str] | None = None
        # The customer's details last filled in (from the history): replacing them loses nothing.
        self._filled: tuple[str, str, str] | None = None
        # Typing elsewhere that clearing empties too (the reconnection tab's id): each names it
        # while no link was made with it ("" otherwise), and clearing then asks first, as for
        # this form's own typing.
        self.unused_elsewhere: list[Callable[[], str]] = []
        # Whose the customer id is: the previous customer's, left beside the next one's
        # organisation, is a problem of the id field (see previous_customer_id).
        self._previous_id = PreviousCustomerId()
        # The tool environment and advanced options: held back by a rule, left behind by
        # another tool, or the previous customer's (a problem of the organisation field, seen
        # as the next customer's name is typed: the options are below the fold).
        self._options = LinkOptions(self)
        self._private = True  # screen-sharing mode: those problems name no organisation
        # The person is typing a search in the tool field, not yet settled (see
        # ``_searching_tool``): the field is not newly marked meanwhile.
        self._tool_search_typed = False
        # The person is typing the organisation's name, not yet left (see
        # ``_typing_organization``): the previous customer's id and options are not newly
        # marked meanwhile.
        self._organization_typed = False
        # The hints under the fields are their descriptions (see ``describe_hints``).
        self._hints_described = False

        self._build_layout()
        self._connect()
        if not tool_list_later:
            self.fill_tool_list()

    # --- construction ------------------------------------------------------------------------

    def _make_tool_combo(self) -> QComboBox:
        combo = shrinkable(QComboBox())
        combo.setObjectName("toolCombo")
        combo.setEditable(True)
        self._tool_edit = ToolSearchEdit()
        combo.setLineEdit(self._tool_edit)
        # On the typing field too, where the focus is as a screen reader sees it.
        name_for_readers(combo, "Tool the customer connects")
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.setMaxVisibleItems(14)
        self._tool_edit.setPlaceholderText("Type to search, or pick from the list")
        self._tool_completer = ToolCompleter(combo.model(), self._suggestion_rank, combo)
        self._tool_completer.chosen.connect(self.select_tool)
        combo.setCompleter(self._tool_completer)
        # What the text typed stands for, and the button that puts it in (toolFixButton).
        self._tool_fix = ToolFix(self, self._tool_completer)
        return combo

    def _suggestion_rank(self, tool_id: str | None, name: str, typed: str) -> int | None:
        """Where an entry of the tool list stands among the suggestions for ``typed``: as
        ``ToolCatalog.rank`` has it, and among equals the entry ``typed`` names exactly
        first, as ``ToolCatalog.search`` orders them. The first is the one Enter takes:
        "talentsoft", the id of CEGID TalentSoft FrontOffice, took CEGID TalentSoft Customer."""
        if tool_id:
            rank = self._catalog.rank(tool_id, typed)
            exact = rank is not None and self._catalog.is_called(tool_id, typed)
        else:
            rank = name_rank(name, typed)
            exact = rank is not None and names_exactly(name, typed)
        return None if rank is None else 2 * rank + (0 if exact else 1)

    def style_suggestions(self) -> None:
        """Give the tool search's suggestion list the window's font and look.

        The list is a window of its own, outside the window's style sheet: without this its
        entries are small and cramped, hard to read on a shared screen. Qt makes the list on
        first use; making it here costs 1.5 ms, so the main window calls this right after its
        first frame (``start_up``), long before anyone can type a tool's name. It gets its
        name here too: a screen reader announced the list of suggestions as a nameless list.
        """
        popup = self._tool_completer.popup()
        popup.setAccessibleName(MATCHING_TOOLS)
        popup.setFont(theme.base_font())
        popup.setStyleSheet(theme.popup_style_sheet())

    def _add_search_words(self) -> None:
        """Give each tool in the list its search words (see ``ToolCatalog.search_words``):
        0.1 ms for a category's hundred tools."""
        combo = self.toolCombo
        combo.setItemData(0, f"{CUSTOMER_CHOOSES} {search_key(CUSTOMER_CHOOSES)}", SEARCH_ROLE)
        for index in range(1, combo.count()):
            words = self._catalog.search_words(combo.itemData(index))
            combo.setItemData(index, words, SEARCH_ROLE)

    def _build_layout(self) -> None:
        form = FieldForm()
        for field, label, widget, hint in (
            (lr.EMAIL, "&E-mail", self.emailEdit, ""),
            (lr.ORGANIZATION_NAME, "&Organisation", self.organizationEdit, ""),
            (lr.ORIGIN_ID, "Your customer &id", self.originIdEdit, ""),
            (lr.CATEGORY, "&Kind of system", self.categoryCombo, ""),
            (lr.TOOL, "&Tool", self.toolCombo, ""),
            (
                lr.REMOTE_ENVIRONMENT,
                "Tool en&vironment",
                self.environmentEdit,
                ENVIRONMENT_HINT,
            ),
            (lr.LANGUAGE, "&Language", self.languageCombo, ""),
            (lr.LINK_TYPE, "Link t&ype", self.linkTypeCombo, ""),
        ):
            self._add_field(form, field, label, widget, hint)
        self.emailFixButton = self._add_fix(
            lr.EMAIL, "emailFixButton", EMAIL_FIX_TEXT, suggested_email
        )
        self.keepOriginIdButton = push_button(
            "keepOriginIdButton",
            KEEP_ID_TEXT,
            "Send this customer id with this customer's link too",
            on_click=self._keep_origin_id,
        )
        self._add_under(lr.ORIGIN_ID, self.keepOriginIdButton)
        self.clearOptionsButton = push_button(
            "clearOptionsButton",
            "Clear them",
            "Clear the options set for the previous customer's link",
            on_click=self._clear_previous_options,
        )
        self.keepOptionsButton = push_button(
            "keepOptionsButton",
            "Keep them",
            "Send these options with this customer's link too",
            on_click=self._keep_previous_options,
        )
        self._add_under(lr.ORGANIZATION_NAME, self.clearOptionsButton, self.keepOptionsButton)
        self.toolFixButton = self._add_fix(
            lr.TOOL,
            "toolFixButton",
            TOOL_FIX_TEXT,
            self._tool_fix.suggested_name,
            self._tool_fix.put,
        )
        # After the fix's own reaction, which shows or hides it: its words follow what it does.
        self.boxes[lr.TOOL].error_changed.connect(lambda _problem: self._tool_fix.show_other_kind())

        advanced_form = FieldForm()
        advanced_form.setContentsMargins(0, 0, 0, 0)
        self._add_field(advanced_form, lr.SCOPE_CONFIG_ID, "&Scope config id", self.scopeConfigEdit)
        # The check boxes name the option; what it does is a hint below that wraps, so a
        # small window never cuts the sentence off.
        for field, check, hint in (
            (
                lr.ENABLE_FILTERING,
                self.filteringCheck,
                "The customer chooses which employees are shared with you.",
            ),
            (
                lr.ENABLE_FIELD_MAPPING,
                self.fieldMappingCheck,
                "The customer matches their own fields to yours while connecting.",
            ),
        ):
            self.boxes[field] = FieldBox(check, hint)
            advanced_form.add_wide_row(self.boxes[field])
        advanced_content = QWidget()
        advanced_content.setLayout(advanced_form)
        self.advanced = Collapsible(ADVANCED_TEXT, advanced_content)
        self.advanced.toggle.setObjectName("advancedToggle")
        self.set_label_width(label_column_width(self.labels))

        self._assemble(
            ("createFields", "createPage"),
            [form, self.advanced],
            [
                self.emailEdit,
                self.emailFixButton,
                self.organizationEdit,
                self.clearOptionsButton,
                self.keepOptionsButton,
                self.originIdEdit,
                self.keepOriginIdButton,
                self.categoryCombo,
                self.toolCombo,
                self.toolFixButton,
                self.environmentEdit,
                self.languageCombo,
                self.linkTypeCombo,
                self.advanced.toggle,
                self.scopeConfigEdit,
                self.filteringCheck,
                self.fieldMappingCheck,
            ],
        )

    def _connect(self) -> None:
        for field, edit in (
            (lr.EMAIL, self.emailEdit),
            (lr.ORGANIZATION_NAME, self.organizationEdit),
            (lr.ORIGIN_ID, self.originIdEdit),
            (lr.REMOTE_ENVIRONMENT, self.environmentEdit),
            (lr.SCOPE_CONFIG_ID, self.scopeConfigEdit),
        ):
            self._watch(field, edit)
        # Another organisation beside the id may make it the previous customer's.
        # Before the change of text is checked (Qt says a text was edited before it changed).
        self.organizationEdit.textEdited.connect(self._organization_typing)
        self.organizationEdit.textChanged.connect(lambda _text: self._recheck_origin_id())
        self.boxes[lr.ORIGIN_ID].error_changed.connect(self._offer_keeping_origin_id)
        self.boxes[lr.ORGANIZATION_NAME].error_changed.connect(self._offer_options_choice)
        self.categoryCombo.currentIndexChanged.connect(self._on_category_changed)
        # Before the change of text is checked (Qt says a text was edited before it changed).
        self._tool_edit.textEdited.connect(self._tool_typed)
        self.toolCombo.currentTextChanged.connect(self._on_tool_text_changed)
        self.environmentEdit.textChanged.connect(self._options.environment_typed)
        self._tool_edit.editingFinished.connect(self._tool_left)
        self.filteringCheck.toggled.connect(lambda _on: self._touch(lr.ENABLE_FILTERING))
        self.advanced.toggle.toggled.connect(self._advanced_toggled)
        self.scopeConfigEdit.textChanged.connect(self._options.name_in_use)
        self.filteringCheck.toggled.connect(self._options.name_in_use)
        self.fieldMappingCheck.toggled.connect(self._options.name_in_use)
        # Every field, from ``boxes``: a field added to the form later is covered too. Last,
        # so what the form does with a change itself comes first.
        for box in self.boxes.values():
            changed_signal(box.field).connect(self._field_edited)

    def describe_hints(self) -> None:
        """Make the hint under each field that has one its description, as a screen reader
        hears it: the check boxes' hints (what the option does) were heard only once a
        problem had come and gone, and the tool environment's never. Left out of the form's
        making (the window does it right after its first frame): Qt tells the accessibility
        layer of each change. From then on, a field held back or let go is described anew."""
        self._hints_described = True
        for box in self.boxes.values():
            if box.hint.text():
                box.describe()

    def _field_edited(self, *_value: object) -> None:
        # Any field may change which options are sent (the tool, the kind of system) or
        # left as they were for the previous customer.
        self._recheck_previous_options()
        self.edited.emit()

    def _advanced_toggled(self, expanded: bool) -> None:
        # Opened below the visible part of the form, the options would seem to do nothing.
        if expanded:
            content = self.advanced.content
            QTimer.singleShot(0, self, lambda: self.scrollArea.ensureWidgetVisible(content, 0, 0))

    # --- the next customer ---------------------------------------------------------------------

    def customer_text(self) -> tuple[str, str, str]:
        """The customer's e-mail, organisation and id as typed, without surrounding spaces."""
        edits = (self.emailEdit, self.organizationEdit, self.originIdEdit)
        email, organization, origin_id = (edit.text().strip() for edit in edits)
        return email, organization, origin_id

    def mark_used(self, request: LinkRequest) -> None:
        """A link was made for ``request``: its customer's details may be cleared unasked."""
        self._used = (
            request.end_user_email,
            request.end_user_organization_name,
            request.end_user_origin_id or "",
        )
        self._note_id_owner(request.end_user_organization_name, request.end_user_origin_id)
        self._options.note_sent(request)
        self._recheck_previous_options()
        self.judge_anew()  # the next customer is typed over these details

    def ask_to_clear(self) -> None:
        """Clear the form; first ask when it (or what clearing empties elsewhere) holds
        typing no link was made with, which clearing would lose."""
        if self.may_clear():
            self.clear()

    def may_clear(self) -> bool:
        """Whether clearing may go ahead: at once when it loses nothing, else as the person
        answers the question naming what would be lost."""
        lost = self.unused_typing()
        if not lost:
            return True
        from kombo_desktop.ui.confirm import may_lose  # no message box needed to start

        return may_lose(self.window(), lost, "Clear the form?", "Clear")

    def unused_typing(self, named: str = "what is typed in it") -> list[str]:
        """What clearing (or closing the window) would lose, named: typing no link was made
        with, here (called ``named``) and elsewhere."""
        here = [named] if self._holds_unused_typing() else []
        return here + [words for unused in self.unused_elsewhere if (words := unused())]

    def filling_loses_typing(self, customer: tuple[str, str, str]) -> bool:
        """Whether filling in ``customer``'s details (e-mail, organisation, id, from the
        history) loses typing: unused details that are not these."""
        return self._holds_unused_typing(besides=customer)

    def _holds_unused_typing(self, besides: tuple[str, str, str] | None = None) -> bool:
        """Whether the customer's details in the form would be lost if replaced: used for no
        link yet, and neither those last filled in from the history (it still has them, so
        clearing, closing or filling in others loses nothing) nor ``besides``."""
        as_sent = self._as_sent()
        return any(self.customer_text()) and as_sent not in (self._used, self._filled, besides)

    def _as_sent(self) -> tuple[str, str, str]:
        return _customer_as_sent(self.customer_text())

    def forget_filled(self, customer: tuple[str, str, str]) -> None:
        """The history no longer has ``customer``'s details (e-mail, organisation, id): their
        entry was deleted. Filled in from it, they are now kept only in the form, so clearing,
        closing or filling in others asks about them again, as about any typing."""
        if self._filled == _customer_as_sent(customer):
            self._filled = None

    def clear(self) -> None:
        """Empty the customer's details, the tool and the advanced options, for the next
        customer. The kind of system, language and link type are choices that usually stay."""
        for edit in (
            self.emailEdit,
            self.organizationEdit,
            self.originIdEdit,
            self.environmentEdit,
            self.scopeConfigEdit,
        ):
            edit.clear()
        self.select_tool(None)
        self.filteringCheck.setChecked(False)
        self.fieldMappingCheck.setChecked(False)
        self._forget_checks()
        self._update_dependent_controls()
        self.focus_first_field()
        self.cleared.emit()

    # --- tool list ---------------------------------------------------------------------------

    @property
    def catalog(self) -> ToolCatalog:
        return self._catalog

    def category(self) -> Category:
        return Category(self.categoryCombo.currentData())

    def fill_tool_list(self) -> None:
        """Fill the tool list for the kind of system chosen, as the form does when it is made
        unless told to wait (``tool_list_later``).

        The main window waits until the form is in it: Qt lays the entries of a drop-down
        list out anew whenever the list's look or font changes, even while it is closed, and
        joining the window gives the whole form the window's style sheet and font. Filled
        before, the tool list's hundred entries were laid out twice for nothing, 6.6 million
        instructions (about 2 ms) of the start; filled after, they are laid out when the list
        is first opened.
        """
        self._fill_tools()
        self._update_dependent_controls()

    def _fill_tools(self, keep_text: str | None = None) -> None:
        """Fill the tool list for the current category; optionally restore unmatched text."""
        combo = self.toolCombo
        was_blocked = combo.blockSignals(True)  # set_catalog keeps them blocked after this
        # The search keeps itself up to date with every item added; filling it once at the
        # end instead is what keeps a long list quick (20,000 items: 4 s, or 0.03 s).
        completer = self._tool_completer
        completer.set_tools(None)
        try:
            combo.clear()
            combo.addItem(CUSTOMER_CHOOSES, None)
            # A few tools share a name (Kombo lists "Carerix" twice, for two interfaces): the
            # second is told apart by its id, and the plain name stays the first one's.
            shown: set[str] = set()
            for tool in self._catalog.in_category(self.category()):
                combo.addItem(
                    tool.label if tool.label not in shown else f"{tool.label} ({tool.id})", tool.id
                )
                shown.add(tool.label)
            # Before the text is put back: setting the current item's data makes the combo
            # write that item's text ("The customer chooses") over what was typed, and a
            # misspelt name then became a link without a tool.
            self._add_search_words()
            combo.setCurrentIndex(0)
            if keep_text:
                combo.setEditText(keep_text)
        finally:
            combo.blockSignals(was_blocked)
            completer.set_tools(combo.model())

    def tool_id(self) -> str | None:
        """The chosen tool's id; None for "the customer chooses" (or nothing recognisable)."""
        tool_id, _unmatched = self._resolve_tool()
        return tool_id

    def _resolve_tool(self) -> tuple[str | None, str]:
        """(tool id or None, typed text that matches no entry or "")."""
        combo = self.toolCombo
        text = combo.currentText().strip()
        if not text:
            return None, ""
        index = combo.currentIndex()
        if index >= 0 and combo.itemText(index) == combo.currentText():
            return combo.itemData(index), ""
        index = combo.findText(text, QtCore.Qt.MatchFlag.MatchFixedString)  # case-insensitive
        if index < 0:
            index = combo.findData(text)  # a tool id typed by someone who knows it
        if index < 0:  # "eurecia", "bamboo hr": the name without its accents or spaces
            named = self._catalog.named(text, self.category())
            index = combo.findData(named.id) if named is not None else -1
        if index >= 0:
            return combo.itemData(index), ""
        return None, text

    def _tool_left(self) -> None:
        """Leaving the tool field (Tab, a click elsewhere, Enter) settles what it names, then
        checks it. A tool's name or id typed in another way shows as the list writes it
        ("eurecia" as Eurécia), and typed text for which the list shows one tool alone
        becomes that tool ("bamboo": BambooHR), as Enter or Tab in the list would have done.
        Text that fits several tools, or none, stays as typed, with the check's words under
        it. So does the name of a tool the list lacks, typed or filled in from the history:
        Greenhouse, which an account may not offer, is not swapped for Greenhouse Job Board,
        which holds its name; its message says where it is offered."""
        self._tool_search_typed = False  # the search is over: judged now
        combo = self.toolCombo
        tool_id, unmatched = self._resolve_tool()
        settled = bool(combo.currentText().strip())  # an empty field stays empty
        if unmatched:
            guess = self._catalog.named(unmatched) is None
            typed = combo.currentText() == self._tool_completer.typed_text()
            shown = self._tool_completer.matches(unmatched) if typed and guess else []
            settled = len(shown) == 1
            tool_id = shown[0] if settled else None
        index = combo.findData(tool_id) if tool_id is not None else 0
        if settled and index >= 0 and combo.itemText(index) != combo.currentText():
            self.select_tool(tool_id)
        self._left(lr.TOOL)

    def _tool_typed(self, _text: str) -> None:
        self._tool_search_typed = True
        self._typed_in(lr.TOOL)

    def _searching_tool(self) -> bool:
        """Whether the person is typing a search in the tool field: typed into it, and still
        in it (its suggestion list may be open), with no tool taken from the list yet.

        After a failed attempt the fields are checked again at every change, and the tool
        field turned red from the first letter ("“p” fits several tools…"), its message half
        hidden under the list: on a shared screen a new mistake, while the person was only
        choosing. Meanwhile it is not newly marked; it is judged when the search ends: the
        person leaves the field or presses Enter (``_tool_left``), takes a tool from the list
        (``select_tool``), or presses "Create link". A mark it already has still follows the
        typing, and goes as soon as the text names a tool."""
        edit = self._tool_edit
        return self._tool_search_typed and (edit.hasFocus() or self._tool_completer.is_open())

    def _recheck(self, field: str) -> None:
        if field == lr.TOOL and self._searching_tool() and not self.boxes[field].error_text:
            return  # not newly marked while the person searches (see ``_searching_tool``)
        super()._recheck(field)

    def select_tool(self, tool_id: str | None) -> bool:
        """Select a tool by id (None = the customer chooses); False if not in this category."""
        index = self.toolCombo.findData(tool_id) if tool_id is not None else 0
        if index < 0:
            return False
        self._tool_search_typed = False  # a tool taken: the search is over
        self.toolCombo.setCurrentIndex(index)
        self.toolCombo.setEditText(self.toolCombo.itemText(index))
        return True

    def set_catalog(self, catalog: ToolCatalog, *, demo: bool = False, quiet: bool = False) -> str:
        """Use a refreshed tool list, keeping the chosen tool when the new list still has it.

        The list arrives on its own (at start, after a change of profile or key), so putting
        the same tool back is no edit, and the tool list's signals stay quiet: taken for the
        person's typing, they closed the duplicate warning and forgot whom a reconnection was
        started for. A tool the new list lacks is reset, said in ``notice``, and
        ``tool_reset`` tells that the form now asks for another link. While the person is
        searching, the suggestion list open, nothing is reset: their text stays and the list
        shows the new list's tools for it (``ToolCompleter.search_kept``); a tool typed or
        highlighted there that the new list lacks is said.

        ``demo``: the list is the demo's, which is what lacks the tool (not the account).
        ``quiet``: what would be said in ``notice`` is only returned, for a caller that says it
        along with its own news (the status line keeps one sentence: said apart, the news
        replaced it at once). Returns it in any case ("" when nothing changed)."""
        tool_id, unmatched = self._resolve_tool()
        old_catalog = self._catalog  # names the tools the person saw, which the new may lack
        self._catalog = catalog
        with (
            QSignalBlocker(self.toolCombo),
            self._tool_completer.search_kept() as search,
            self._drop_down_kept() as browsed,
        ):
            self._fill_tools(keep_text=unmatched)
            kept = tool_id is None or self.select_tool(tool_id)
        dropped = tool_id if tool_id is not None and not kept else None
        reset = ""
        if dropped is not None and search is None:
            missing = self._missing_tool(old_catalog.label_for(dropped), demo=demo)
            reset = f"{missing}, so the tool was reset to “{CUSTOMER_CHOOSES}”."
        else:
            # The person may be typing, or looking through a list: what they typed stays
            # (nothing is reset), and a tool they typed or saw highlighted that is gone is said.
            highlighted = (
                [search.highlighted] if search is not None and search.has_highlight else []
            )
            gone = [
                tool
                for tool in (dropped, *highlighted, *browsed)
                if tool is not None and self.toolCombo.findData(tool) < 0
            ]
            if gone:
                reset = f"{self._missing_tool(old_catalog.label_for(gone[0]), demo=demo)}."
        said = self._update_dependent_controls(reset, quiet=quiet)
        self._recheck(lr.TOOL)  # what the tool list's signals did; the new list may know it now
        self._recheck(lr.REMOTE_ENVIRONMENT)
        if not kept:
            self.tool_reset.emit()
        return said

    @contextmanager
    def _drop_down_kept(self) -> Iterator[list[str | None]]:
        """Around a refill of the tool list: the tool box's own drop-down list, when open,
        keeps the tool highlighted in it (refilled, it highlighted "The customer chooses",
        and Enter took that). Yields the highlighted tool's id (None for "the customer
        chooses") in a list, empty when the list is closed or highlights nothing; a tool the
        new list lacks leaves the box's own choice highlighted."""
        combo = self.toolCombo
        # Asked only with a pop-up open: the drop-down is made on first use.
        if QApplication.activePopupWidget() is None or not combo.view().isVisible():
            yield []
            return
        view = combo.view()
        current = view.currentIndex()
        if not current.isValid():
            yield []
            return
        tool_id = current.data(TOOL_ID_ROLE)
        yield [tool_id]
        row = combo.findData(tool_id) if tool_id is not None else 0
        row = row if row >= 0 else combo.currentIndex()
        view.setCurrentIndex(combo.model().index(row, combo.modelColumn()))

    def _missing_tool(self, label: str, *, demo: bool) -> str:
        """That the (new) tool list lacks the tool named ``label`` for the kind of system, in
        the demo's words or the account's, without the full stop."""
        category = self.category()
        if demo:
            return f"The demo does not offer {label} for “{CATEGORY_NAMES[category]}”"
        return not_in_the_account(label, category)

    def _on_category_changed(self, _index: int) -> None:
        previous_tool, unmatched = self._resolve_tool()
        category = self.category()
        self._fill_tools(keep_text=unmatched)
        reset = ""
        if previous_tool is not None and not self.select_tool(previous_tool):
            reset = (
                f"{self._catalog.label_for(previous_tool)} can't be connected as "
                f"“{CATEGORY_NAMES[category]}”, so the tool was reset to “{CUSTOMER_CHOOSES}”."
            )
        self._update_dependent_controls(reset)
        self._recheck(lr.TOOL)
        self._recheck(lr.ENABLE_FILTERING)
        self._tool_fix.show_other_kind()  # the text kept may find tools of this kind now

    def _on_tool_text_changed(self, _text: str) -> None:
        self._update_dependent_controls(self._options.environment_left_behind())
        self._recheck(lr.TOOL)
        self._recheck(lr.REMOTE_ENVIRONMENT)
        self._tool_fix.show_other_kind()

    def _update_dependent_controls(self, reset: str = "", *, quiet: bool = False) -> str:
        """Disable what a rule forbids right now and say so on the status line, after
        ``reset`` (what a change of category or tool list did to the tool); see
        ``LinkOptions.hold_back``. Returns what it says; ``quiet`` only returns it."""
        said = self._options.hold_back(reset)
        if self._hints_described:  # why a field is held back, else its hint
            self.boxes[lr.REMOTE_ENVIRONMENT].describe()
            self.boxes[lr.ENABLE_FILTERING].describe()
        self._options.name_in_use()
        if said and not quiet:
            self.notice.emit(said)
        return said

    # --- checking ------------------------------------------------------------------------------

    def _field_problem(self, field: str) -> str | None:
        values = self.form_values()
        value = values[_FORM_KEYS[field]]
        if field == lr.TOOL:
            value = value or ""
        tool = values["tool"]
        assert tool is None or isinstance(tool, str)  # the tool's id or name, as typed
        problem = validate_field(
            field,
            value,  # type: ignore[arg-type]
            category=self.category(),
            tool=tool,
            catalog=self._catalog,
        )
        if problem is None and field == lr.ORIGIN_ID:
            return self._unless_newly_while_typing(field, self._previous_customers_id())
        if problem is None and field == lr.ORGANIZATION_NAME:
            return self._unless_newly_while_typing(field, self._previous_customers_options())
        return problem

    def form_values(self) -> dict[str, object]:
        """The form as ``LinkRequest.from_form`` keyword arguments (disabled controls unsent)."""
        tool_id, unmatched = self._resolve_tool()
        tool = tool_id if tool_id is not None else (unmatched or None)
        return {
            "email": self.emailEdit.text(),
            "organization_name": self.organizationEdit.text(),
            "origin_id": self.originIdEdit.text(),
            "category": self.categoryCombo.currentData(),
            "tool": tool,
            "remote_environment": self.environmentEdit.text() if tool_id else "",
            "language": self.languageCombo.currentData(),
            "link_type": self.linkTypeCombo.currentData(),
            "scope_config_id": self.scopeConfigEdit.text(),
            "enable_filtering": self.filteringCheck.isEnabled() and self.filteringCheck.isChecked(),
            "enable_field_mapping": self.fieldMappingCheck.isChecked(),
        }

    def build_request(self) -> LinkRequest | InvalidRequest:
        """The checked request, or the problems (already shown next to their fields)."""
        return self._checked(self._request_from_fields)

    def asks_for(self, request: LinkRequest) -> bool:
        """Whether the form, as it is now, makes ``request``: False once it was changed since
        (typed over while the request waited for the history, say). Marks no field."""
        try:
            return self._request_from_fields() == request
        except InvalidRequest:
            return False

    def _request_from_fields(self) -> LinkRequest:
        previous = self._previous_customer_problems()
        try:
            request = LinkRequest.from_form(
                **self.form_values(),  # type: ignore[arg-type]
                catalog=self._catalog,
            )
        except InvalidRequest as invalid:
            more = [error for error in previous if invalid.message_for(error.field) is None]
            if not more:
                raise
            raise InvalidRequest([*invalid.errors, *more]) from None
        if previous:
            raise InvalidRequest(previous)
        return request

    def _previous_customer_problems(self) -> list[FieldError]:
        """What the form holds of the previous customer's link beside the next customer's
        organisation: their customer id, their options."""
        problems = (
            (lr.ORIGIN_ID, self._previous_customers_id()),
            (lr.ORGANIZATION_NAME, self._previous_customers_options()),
        )
        return [FieldError(field, problem) for field, problem in problems if problem is not None]

    # --- the previous customer, while the next one's name is typed -----------------------------

    def _organization_typing(self, _text: str) -> None:
        self._organization_typed = True

    def _typing_organization(self) -> bool:
        """Whether the person is typing in the organisation field: typed into it, and still in
        it.

        Typing the next customer's name over the previous one's, the organisation (for the
        previous customer's options) and the customer id turned red from the second letter
        on: on a shared screen a new mistake in the middle of a word, while the person was
        only typing. Meanwhile the previous customer's id and options are not newly marked;
        they are judged when the person leaves the field or presses Enter (``_left``), or
        presses "Create link", which holds the link back until they are changed, cleared or
        kept (``_previous_customer_problems``). A mark already shown still follows the
        typing, and goes as soon as the name is the previous customer's again."""
        return self._organization_typed and self.organizationEdit.hasFocus()

    def _unless_newly_while_typing(self, field: str, problem: str | None) -> str | None:
        """``problem``, the previous customer's id or options under ``field``, unless it would
        be newly marked while the person types the organisation (see
        ``_typing_organization``)."""
        if problem is None or not self._typing_organization():
            return problem
        # Shown with its buttons to keep (or clear) what it names, whatever its words now.
        keep = self.keepOriginIdButton if field == lr.ORIGIN_ID else self.keepOptionsButton
        return problem if not keep.isHidden() else None

    def _left(self, field: str) -> None:
        if field == lr.ORGANIZATION_NAME and self._organization_typed:
            self._organization_typed = False  # the name is typed: judged now
            self._recheck_origin_id()
        super()._left(field)

    # --- the previous customer's id ------------------------------------------------------------

    def set_private(self, private: bool) -> None:
        """Screen-sharing mode is now on (``private``) or off: the previous customer's
        organisation is named beside their id only while it is off."""
        self._private = private
        self._recheck_origin_id()
        self._recheck_previous_options()

    def _previous_customers_id(self) -> str | None:
        """The id field's problem while it holds the previous customer's id (of the last link
        made, or filled in from the history) beside another organisation."""
        _email, organization, origin_id = self._as_sent()
        return self._previous_id.problem(organization, origin_id, private=self._private)

    def _note_id_owner(self, organization: str, origin_id: str | None) -> None:
        """A link was made for (or the form filled in with) ``organization`` and its id."""
        self._previous_id.note_owner(organization, origin_id)
        self._recheck_origin_id()

    def _recheck_origin_id(self) -> None:
        """Check the id again as the organisation beside it changes; not while it shows Kombo's
        refusal, whose reason stays until the id itself is changed."""
        if lr.ORIGIN_ID not in self._rejected:
            self._recheck(lr.ORIGIN_ID)

    def origin_id_kept_for(self, request: LinkRequest) -> bool:
        """Whether the person kept the previous customer's id on purpose ("Keep this id") for
        ``request``'s organisation: the duplicate warning then does not undo that choice."""
        origin_id = request.end_user_origin_id
        return bool(origin_id) and self._previous_id.kept_for(
            request.end_user_organization_name, origin_id or ""
        )

    def _offer_keeping_origin_id(self, problem: str) -> None:
        shown = bool(problem) and problem == self._previous_customers_id()
        self.keepOriginIdButton.setVisible(shown)

    def _keep_origin_id(self) -> None:
        """The id is this customer's too: it goes with their link."""
        _email, organization, origin_id = self._as_sent()
        self._previous_id.keep(organization, origin_id)
        self.boxes[lr.ORIGIN_ID].set_error(self._field_problem(lr.ORIGIN_ID))
        self.originIdEdit.setFocus()

    # --- the previous customer's options -------------------------------------------------------

    def _previous_customers_options(self) -> str | None:
        """The organisation field's problem while the options of the last link made (or filled
        in from the history) are still as they were, beside another organisation."""
        _email, organization, _origin_id = self._as_sent()
        return self._options.previous_problem(organization, private=self._private)

    def _recheck_previous_options(self) -> None:
        """Check the organisation again as the options or the organisation change; not while it
        shows Kombo's refusal, whose reason stays until the organisation itself is changed."""
        if lr.ORGANIZATION_NAME not in self._rejected:
            self._recheck(lr.ORGANIZATION_NAME)

    def _offer_options_choice(self, problem: str) -> None:
        """Show "Clear them" and "Keep them" under the organisation while it shows the problem
        of the previous customer's options."""
        shown = bool(problem) and problem == self._previous_customers_options()
        _email, organization, _origin_id = self._as_sent()
        self._options.offer_choice(shown, organization)

    def _clear_previous_options(self) -> None:
        """Clear the options still as they were for the previous customer."""
        _email, organization, _origin_id = self._as_sent()
        said = self._options.clear_carried(organization)
        self.organizationEdit.setFocus()
        if said:
            self.notice.emit(said)

    def _keep_previous_options(self) -> None:
        """The options are this customer's too: they go with their link."""
        _email, organization, _origin_id = self._as_sent()
        self._options.keep(organization)
        self.boxes[lr.ORGANIZATION_NAME].set_error(self._field_problem(lr.ORGANIZATION_NAME))
        self.organizationEdit.setFocus()

    def _reveal(self, box: FieldBox) -> None:
        if box.field in (self.scopeConfigEdit, self.filteringCheck, self.fieldMappingCheck):
            self.advanced.set_expanded(True)

    # --- filling and state ---------------------------------------------------------------------

    def fill(
        self,
        *,
        email: str = "",
        organization_name: str = "",
        origin_id: str | None = None,
        category: Category = DEFAULT_CATEGORY,
        tool: str | None = None,
        remote_environment: str | None = None,
        language: Language | None = None,
        link_type: LinkType | None = None,
        scope_config_id: str | None = None,
        enable_filtering: bool = False,
        enable_field_mapping: bool = False,
    ) -> str:
        """Put earlier values back into the form (e.g. from the history). Returns what the
        person must know about them ("" when nothing): a tool the account no longer offers
        for the category is named, and said to be unavailable (its raw id was shown).

        The texts go in as they would be sent (``sent_text``): an older history holds them as
        typed, direction overrides and other invisible characters included, and a field
        holding "\u202eHbmG emcA" shows "Acme GmbH" reversed, other than the history shows
        it and other than the link would be made for."""
        put_text(self.emailEdit, sent_text(email))
        put_text(self.organizationEdit, sent_text(organization_name))
        put_text(self.originIdEdit, sent_text(origin_id or ""))
        # Replaced below: not said to be cleared as the tool changes.
        self.environmentEdit.clear()
        tool = sent_text(tool or "") or None
        select_data(self.categoryCombo, category.value)
        note = ""
        if tool is not None and not self.select_tool(tool):
            label = self._catalog.label_for(tool)
            self.toolCombo.setEditText(label)
            note = (
                f"{not_in_the_account(label, category)}: choose another tool, or let the "
                "customer choose."
            )
        elif tool is None:
            self.select_tool(None)
        put_text(self.environmentEdit, sent_text(remote_environment or ""))
        if language is not None:
            select_data(self.languageCombo, language.value)
        if link_type is not None:
            select_data(self.linkTypeCombo, link_type.value)
        put_text(self.scopeConfigEdit, sent_text(scope_config_id or ""))
        self.filteringCheck.setChecked(enable_filtering)
        self.fieldMappingCheck.setChecked(enable_field_mapping)
        if scope_config_id or enable_filtering or enable_field_mapping:
            self.advanced.set_expanded(True)
        self._update_dependent_controls()
        self._filled = self._as_sent()
        self._note_id_owner(self._filled[1], self._filled[2])
        self._options.note_filled(self._filled[1])
        self._recheck_previous_options()
        return note


def _customer_as_sent(customer: tuple[str, str, str]) -> tuple[str, str, str]:
    """A customer's e-mail, organisation and id as sent, which is how they are compared: a
    name typed with a zero-width space was used without it."""
    email, organization, origin_id = (sent_text(text) for text in customer)
    return email, organization, origin_id


# Wire field name -> key of ``form_values``.
_FORM_KEYS: dict[str, str] = {
    lr.EMAIL: "email",
    lr.ORGANIZATION_NAME: "organization_name",
    lr.ORIGIN_ID: "origin_id",
    lr.CATEGORY: "category",
    lr.TOOL: "tool",
    lr.REMOTE_ENVIRONMENT: "remote_environment",
    lr.LANGUAGE: "language",
    lr.LINK_TYPE: "link_type",
    lr.SCOPE_CONFIG_ID: "scope_config_id",
    lr.ENABLE_FILTERING: "enable_filtering",
    lr.ENABLE_FIELD_MAPPING: "enable_field_mapping",
}
