"""The warning shown instead of sending a second link for the same customer and tool.

Kombo does not deduplicate: a customer who follows two links for the same tool ends up with two
integrations. So before a new link is sent, the window looks for a still-valid earlier one in
the history (``HistoryStore.duplicate_of``); if there is one, this banner appears and *nothing is
sent* until the person chooses: use the existing link, make a reconnection link instead, or
create a new link anyway.

The safest choice is the primary button and gets the focus, so that Enter takes it: "Use the
existing link" for the same customer, "Create a new link anyway" when the earlier link was
another organisation's (found by the same e-mail address, an adviser's, or by a customer id the
person kept for the form's organisation), since that link connects the other organisation and
the warning itself says to make a new one; "Change the customer id" when the other organisation
shares the form's customer id otherwise (see below).

An earlier link made for another organisation is not offered at all, in or out of screen-sharing
mode: "Use the existing link" put that organisation's link and scannable code beside the form's
customer, whose system would connect as the other organisation's integration, and a
reconnection "instead" would reconnect the other organisation's integration. There is nothing
of it the form's customer could use; the person who wants it for its own customer finds it in
the history. When the two share the customer id (the check then goes by the id alone), the id
is most likely the previous customer's, left in the form: the warning says so, and its safest
choice goes back to the id; unless the person kept that id for the form's organisation on
purpose ("Keep this id"), when it is the other organisation's warning like any other.

In screen-sharing mode the banner does not show the earlier entry's names or addresses: the
match may have been made on the organisation name alone, so the earlier entry's e-mail address
could belong to someone the customer watching should not see. It then says that a link for the
organisation and tool typed in the form was made on a given day, which is all the decision needs:
"A link for Acme GmbH and Personio was already made today at 04:16". Named as the form names
them, not as the history does (another spelling of the name, kept with the earlier link, is
the history's to show), and only for the form's own customer: another organisation's link
names none. With larger text the warning pushed the form out of view, and "this customer"
alone left the person deciding without seeing whom it was about.

When the form's own customer has several valid earlier links, the title says how many, named
as the form names them ("3 links for Acme GmbH already exist"), and the text goes on with the
latest, without saying the count and the name again: "The latest, for Personio, was made today
at 04:16 and ...", and its choice reads "Use the latest link". Told of the latest alone, the
person took it for the only one. They are counted in the history with one query on the
duplicate check's indexes (``HistoryStore.count_own_duplicates``), on the window's thread.

A form that lets the customer choose the tool names its kind of system in the list's plain
words: "A link for Acme GmbH (HR system) was already made".
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QPushButton, QVBoxLayout, QWidget

from kombo_desktop.core.history import EntryKind, HistoryEntry
from kombo_desktop.core.integrations import same_organization
from kombo_desktop.core.link_request import LinkRequest
from kombo_desktop.core.vocabulary import (
    CATEGORY_NAMES,
    LANGUAGE_NAMES_IN_ENGLISH,
    LINK_TYPE_NAMES,
    Category,
)
from kombo_desktop.ui import theme
from kombo_desktop.ui.flow_layout import FlowLayout
from kombo_desktop.ui.history_model import made_when, shown_text, validity_words
from kombo_desktop.ui.widgets import (
    action_button,
    grow_to_show_all,
    plain_label,
    relabel,
    scroll_area_around,
    wrap_within_width,
)

_STYLE = f"""
QFrame#duplicateBanner {{
    background: #fff6e0; border: 1px solid #d99a00; border-radius: 8px;
}}
QLabel#duplicateBannerTitle {{ font-weight: 700; color: {theme.TEXT}; }}
QLabel#duplicateBannerLabel {{ color: {theme.TEXT}; }}
"""

TITLE = "A link for this customer already exists"
# The same, naming the organisation typed in the form (see ``title_for``).
NAMED_TITLE = "A link for {organization} already exists"
# With several earlier links of the form's own customer: "3 links for Acme GmbH already exist".
SEVERAL_TITLE = "{count} links for {organization} already exist"
USE_EXISTING_TEXT = "Use the existing link"
# With several earlier links of the form's customer: the one it shows is the latest.
USE_LATEST_TEXT = "Use the latest link"
_USE_EXISTING_DOES = "Show the existing link; send nothing."
_CREATE_ANYWAY_DOES = "Send the request to Kombo anyway."
# Short, so that the warning in screen-sharing mode (on at every start) takes two lines in a
# window 900 pixels wide; "choose what to do" is left to the buttons right under it and to the
# status line. Where it needs more lines, the warning takes them (see resizeEvent).
CONSEQUENCE = (
    "A new link would let the customer set up another connection. Nothing has been sent yet."
)
# When the earlier link is another organisation's (the same e-mail address or customer id):
# the form's organisation needs a link of its own, and nothing about "this customer" holds.
OTHER_ORGANIZATION_TITLE = "A link with these details already exists"
CREATE_ANYWAY_TEXT = "Create a new link anyway"
OTHER_ORGANIZATION_CONSEQUENCE = (
    f"For the organisation in the form, choose “{CREATE_ANYWAY_TEXT}”. Nothing has been sent yet."
)
# When it is another organisation's with the form's customer id: the id is the likely mistake.
SAME_ID_TITLE = "A link with this customer id already exists"
CHANGE_ID_TEXT = "Change the customer id"
SAME_ID_CONSEQUENCE = (
    "The customer id in the form is probably that organisation's: change it or clear it. If it "
    f"is this customer's too, choose “{CREATE_ANYWAY_TEXT}”. Nothing has been sent yet."
)
_CHANGE_ID_DOES = "Go back to the customer id; send nothing."


def form_organization(wanted: LinkRequest | None) -> str:
    """The organisation typed in the form, as the warning names it ("" for none)."""
    return shown_text(wanted.end_user_organization_name) if wanted is not None else ""


def title_for(
    wanted: LinkRequest | None, *, other: bool, same_id: bool, earlier_count: int = 1
) -> str:
    """The warning's title: "A link for Acme GmbH already exists", the organisation as typed in
    the form, or "3 links for Acme GmbH already exist" when its customer has ``earlier_count``
    of them; another organisation's link (``other``, ``same_id``) is said to have these
    details, naming neither."""
    if same_id:
        return SAME_ID_TITLE
    if other:
        return OTHER_ORGANIZATION_TITLE
    organization = form_organization(wanted)
    if earlier_count > 1:
        return SEVERAL_TITLE.format(
            count=earlier_count, organization=organization or "this customer"
        )
    return NAMED_TITLE.format(organization=organization) if organization else TITLE


def category_words(category: Category | None) -> str | None:
    """The kind of system in plain words, as its list names it without the abbreviation:
    "HR system" for "HR system (HRIS)" (None when not known)."""
    return None if category is None else CATEGORY_NAMES[category].split(" (")[0]


def _for_the_form(
    earlier: HistoryEntry, wanted: LinkRequest, form_tool_label: str | None
) -> str | None:
    """Whom and what the earlier link of the form's own customer is for, as the form names
    them: "Acme GmbH and Personio"; "Acme GmbH (HR system)" when the form lets the customer
    choose (any link of the kind matched); the organisation alone when the earlier link lets
    the customer choose the tool the form names (``differences`` says so). None without an
    organisation in the form."""
    organization = form_organization(wanted)
    if not organization:
        return None
    return _with_what(organization, earlier, wanted, form_tool_label or "this tool")


def _with_what(
    whom: str, earlier: HistoryEntry, wanted: LinkRequest | None, form_tool_label: str | None
) -> str:
    """``whom`` with the tool or kind of system both the earlier link and the form are for:
    "Acme GmbH and Personio", "these details (HR system)" when the form lets the customer
    choose; ``whom`` alone when the earlier link lets the customer choose the tool the form
    names (``differences`` says so, and "and tool" would say the opposite)."""
    wanted_tool = wanted.integration_tool if wanted is not None else earlier.tool
    if wanted_tool is None:
        words = category_words(wanted.integration_category if wanted else earlier.category)
        return f"{whom} ({words})" if words else f"{whom} and kind of system"
    if earlier.tool == wanted_tool:
        return f"{whom} and {form_tool_label or 'tool'}"
    return whom


def _the_latest(
    earlier: HistoryEntry,
    wanted: LinkRequest,
    *,
    private: bool,
    form_tool_label: str | None,
    now: datetime | None,
) -> str:
    """The latest of several earlier links of the form's own customer, after the title that
    counts them ("3 links for Acme GmbH already exist"), without naming the organisation
    again: "The latest, for Personio, was made today at 04:16", "The latest (HR system) was
    made ..." when the form lets the customer choose the tool; outside screen-sharing mode
    with its e-mail address and customer id ("... for Personio and anna@acme.example, was
    made ...")."""
    latest = "The latest"
    about = ["a reconnection link"] if earlier.kind is EntryKind.RELINK else []
    for_what: list[str] = []
    if wanted.integration_tool is None:  # any link of the kind of system matched
        latest = f"The latest ({category_words(wanted.integration_category)})"
    elif earlier.tool == wanted.integration_tool:
        for_what.append(form_tool_label or "the same tool")
    contact = None if private else _contact_of(earlier)
    if contact:
        for_what.append(contact)
    if for_what:
        about.append(f"for {' and '.join(for_what)}")
    if about:
        latest = f"{latest}, {', '.join(about)},"
    when = made_when(earlier.created_at, now=now) if private else _made_when_exactly(earlier, now)
    return f"{latest} was made {when}"


def duplicate_text(
    earlier: HistoryEntry,
    *,
    private: bool,
    tool_label: str | None,
    wanted: LinkRequest | None = None,
    now: datetime | None = None,
    id_kept: bool = False,
    form_tool_label: str | None = None,
    earlier_count: int = 1,
) -> str:
    """What the banner says about ``earlier``; in screen-sharing mode naming only the form's
    organisation and tool.

    ``tool_label`` is the display name of the tool the earlier link was for (None when the
    customer was to choose the tool), ``form_tool_label`` that of the form's. ``wanted`` is
    the request held back: where the earlier link differs from it, "Use the existing link"
    would not give what the form asks for. ``id_kept``: the person kept the form's customer id
    for its organisation on purpose ("Keep this id"), so the id is not blamed for matching
    another organisation's. ``earlier_count``: how many valid earlier links the form's own
    customer has, ``earlier`` the latest ("The latest, for Personio, was made today at 04:16
    and ..." under the title that counts them).
    """
    kind = "reconnection link" if earlier.kind is EntryKind.RELINK else "link"
    # As the history says it: "is valid until 3 Mar 2026", "is valid until 00:31 on 30 Nov
    # 2026", "may have expired already; if not, ..." (made while the clock was ahead).
    valid = validity_words(earlier, now)
    other = wanted is not None and made_for_another_organization(earlier, wanted)
    same_id = (
        not id_kept
        and wanted is not None
        and another_organization_with_the_same_id(earlier, wanted)
    )
    named = (
        _for_the_form(earlier, wanted, form_tool_label)
        if wanted is not None and not (other or same_id)
        else None
    )
    who = "this customer id" if same_id else "these details" if other else "this customer"
    # The form's choice: with no tool chosen, any link of the kind of system matches.
    what = named or _with_what(who, earlier, wanted, None)
    if wanted is not None and earlier_count > 1 and not (other or same_id):
        # Counted for the form's customer only, in the title: the text goes on with the latest.
        made = _the_latest(
            earlier, wanted, private=private, form_tool_label=form_tool_label, now=now
        )
    elif private:
        made = f"A {kind} for {what} was already made {made_when(earlier.created_at, now=now)}"
    else:
        tool = f" for {tool_label}" if tool_label else ""
        made = (
            f"A {kind}{tool} was already made for {_details_of(earlier)} "
            f"{_made_when_exactly(earlier, now)}"
        )
    # Another organisation's tool is theirs to know: on a shared screen it goes unnamed.
    named_tool = None if private and other else tool_label
    unlike = differences(earlier, wanted, named_tool) if wanted is not None else ""
    if same_id:
        consequence = SAME_ID_CONSEQUENCE
    else:
        consequence = OTHER_ORGANIZATION_CONSEQUENCE if other else CONSEQUENCE
    return f"{made} and {valid}.{unlike} {consequence}"


def _details_of(earlier: HistoryEntry) -> str:
    """Whom the history says ``earlier`` was made for, outside screen-sharing mode: "Acme GmbH
    (anna@acme.example, customer id C-1)"."""
    customer = earlier.organization or earlier.email or "this customer"
    details = [earlier.email] if earlier.organization and earlier.email else []
    if earlier.origin_id:
        details.append(f"customer id {earlier.origin_id}")
    # As the history shows them: an override in an older entry's name would turn the rest of
    # the sentence around.
    return shown_text(f"{customer} ({', '.join(details)})" if details else customer)


def _contact_of(earlier: HistoryEntry) -> str:
    """The e-mail address and customer id ``earlier`` was made with, as the history shows
    them: "anna@acme.example (customer id C-1)" ("" for neither)."""
    customer_id = f"customer id {earlier.origin_id}" if earlier.origin_id else ""
    if earlier.email and customer_id:
        return shown_text(f"{earlier.email} ({customer_id})")
    return shown_text(earlier.email or customer_id)


def _made_when_exactly(earlier: HistoryEntry, now: datetime | None) -> str:
    """When ``earlier`` was made, with the time of day even for an older link."""
    return made_when(earlier.created_at, with_time=True, now=now)


def made_for_another_organization(earlier: HistoryEntry, wanted: LinkRequest) -> bool:
    """Whether the earlier link names another organisation than the form: the same e-mail
    address (an adviser's, for several companies) or customer id makes it a duplicate, but
    Kombo connects the organisation it was made for."""
    return bool(earlier.organization) and not same_organization(
        earlier.organization or "", wanted.end_user_organization_name
    )


def another_organization_with_the_same_id(earlier: HistoryEntry, wanted: LinkRequest) -> bool:
    """Whether the earlier link is another organisation's, found by the form's customer id
    (with an id on both sides the check goes by the id alone, see ``find_duplicate``). Each id
    stands for one of the Kombo customer's own customers, so one of the two is likely wrong:
    usually the form's, left over from the previous customer."""
    both_have_an_id = bool(earlier.origin_id) and bool(wanted.end_user_origin_id)
    return both_have_an_id and made_for_another_organization(earlier, wanted)


def differences(earlier: HistoryEntry, wanted: LinkRequest, tool_label: str | None = None) -> str:
    """ " Unlike the form, ..." naming the earlier link's other organisation (without its name),
    tool, advanced options, link type or flow language ("" when there is none): an hour-long
    link for an app, in German, is not what a person asking for a year-long link in French
    would hand on unawares, nor one that lets the customer choose the tool, without the scope
    config or field mapping asked for, nor one for another company what they would send this
    one. ``tool_label`` is the earlier link's tool's name."""
    parts = [
        part
        for part in (
            "it was made for another organisation"
            if made_for_another_organization(earlier, wanted)
            else "",
            _tool_difference(earlier.tool, wanted.integration_tool, tool_label),
            _options_difference(earlier, wanted),
        )
        if part
    ]
    if earlier.link_type is not wanted.link_type:
        parts.append(f"its link type is “{LINK_TYPE_NAMES[earlier.link_type]}”")
    if earlier.language is not wanted.language:
        parts.append(f"its connection flow is in {LANGUAGE_NAMES_IN_ENGLISH[earlier.language]}")
    return f" Unlike the form, {_listed(parts, 'and')}." if parts else ""


def _tool_difference(earlier: str | None, wanted: str | None, label: str | None) -> str:
    """How the earlier link's tool differs from the form's ("" when it does not).

    The duplicate check (``find_duplicate``) matches a link that let the customer choose the
    tool for a form with a chosen one, and any link of the kind of system for a form that lets
    the customer choose: either way the link handed out would not do what the form says.
    """
    if earlier == wanted:
        return ""
    if earlier is None:
        return "it lets the customer choose the tool"
    name = label or "one tool"
    return f"it is only for {name}" if wanted is None else f"it is for {name}"


def _options_difference(earlier: HistoryEntry, wanted: LinkRequest) -> str:
    """The advanced options the earlier link was made without, and with, unlike the form:
    "it was made without a scope config id or field mapping" ("" when they are the same).
    Their values are not named: the words fit the warning, and the person can look them up.
    A reconnection link keeps the options of the integration it reconnects, which the history
    does not know: nothing is said of them."""
    if earlier.kind is EntryKind.RELINK:
        return ""
    without: list[str] = []
    with_: list[str] = []
    if earlier.scope_config_id != wanted.scope_config_id:
        if earlier.scope_config_id is None:
            without.append("a scope config id")
        else:
            with_.append(
                "a scope config id" if wanted.scope_config_id is None else "another scope config id"
            )
    for name, had, asked in (
        ("employee filtering", earlier.enable_filtering, wanted.enable_filtering),
        ("field mapping", earlier.enable_field_mapping, wanted.enable_field_mapping),
    ):
        if had != asked:
            (with_ if had else without).append(name)
    if without and with_:
        return f"it was made without {_listed(without, 'or')} but with {_listed(with_, 'and')}"
    if without:
        return f"it was made without {_listed(without, 'or')}"
    return f"it was made with {_listed(with_, 'and')}" if with_ else ""


def _listed(parts: list[str], last_joint: str) -> str:
    """ "a, b and c" (or "a, b or c")."""
    if len(parts) < 2:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {last_joint} {parts[-1]}"


class DuplicateBanner(QFrame):
    """``duplicateBanner``: the earlier link, and the three ways forward (plus "Not now")."""

    use_existing = Signal()
    relink_instead = Signal()
    change_origin_id = Signal()
    create_anyway = Signal()
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicateBanner")
        self.setAccessibleName("Warning: a link for this customer already exists")
        self.setStyleSheet(_STYLE)
        self.earlier: HistoryEntry | None = None
        self._tool_label: str | None = None
        self._form_tool_label: str | None = None
        self._wanted: LinkRequest | None = None
        self._id_kept = False  # the form's customer id kept on purpose (see show_for)
        self._earlier_count = 1  # the form's customer's valid earlier links (see show_for)
        self._private = True

        title = plain_label(TITLE)
        title.setObjectName("duplicateBannerTitle")
        # In the form's column beside a docked history the warning is narrow: its title goes
        # on in a second line (it was cut after "already e").
        wrap_within_width(title)
        self._title = title
        self.label = plain_label()
        self.label.setObjectName("duplicateBannerLabel")
        # It names the organisation, the e-mail and Kombo's tool name with screen-sharing mode
        # off; one long word among them must not widen the window.
        wrap_within_width(self.label)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.changeOriginIdButton = action_button(
            "changeOriginIdButton", CHANGE_ID_TEXT, _CHANGE_ID_DOES
        )
        self.useExistingButton = action_button(
            "useExistingButton", USE_EXISTING_TEXT, _USE_EXISTING_DOES
        )
        self.relinkInsteadButton = action_button(
            "relinkInsteadButton",
            "Make a reconnection link instead",
            "Switch to reconnecting the customer's existing integration",
        )
        self.createAnywayButton = action_button(
            "createAnywayButton", CREATE_ANYWAY_TEXT, _CREATE_ANYWAY_DOES
        )
        self.dismissButton = action_button(
            "duplicateDismissButton", "Not now", "Close this warning without sending anything"
        )

        # They go on in a next line when the warning is narrow: in one row they could not, and
        # with larger system text made the window wider than a laptop's screen. "Not now" comes
        # last, after the three real choices, as the Tab key reaches it; beside the title it
        # cost the warning a line of its own in the form's column, where the form's fields pay
        # for every line the warning takes.
        buttons = FlowLayout(
            self.changeOriginIdButton,
            self.useExistingButton,
            self.relinkInsteadButton,
            self.createAnywayButton,
            self.dismissButton,
        )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, theme.SPACING, theme.MARGIN, theme.SPACING)
        layout.setSpacing(theme.SPACING // 2)
        layout.addWidget(title)
        layout.addWidget(self.label)
        layout.addLayout(buttons)

        self.changeOriginIdButton.clicked.connect(self.change_origin_id)
        self.useExistingButton.clicked.connect(self.use_existing)
        self.relinkInsteadButton.clicked.connect(self.relink_instead)
        self.createAnywayButton.clicked.connect(self.create_anyway)
        self.dismissButton.clicked.connect(self.dismissed)
        self.hide()

    def show_for(
        self,
        earlier: HistoryEntry,
        *,
        private: bool,
        tool_label: str | None,
        wanted: LinkRequest | None = None,
        id_kept: bool = False,
        form_tool_label: str | None = None,
        earlier_count: int = 1,
    ) -> None:
        """Show the warning about ``earlier`` (held back: ``wanted``, for the tool named
        ``form_tool_label``, whose customer id the person kept for its organisation on purpose
        if ``id_kept``; ``earlier_count``: how many valid earlier links its own customer has,
        ``earlier`` the latest) and put the focus on the safest choice."""
        self.earlier = earlier
        self._earlier_count = earlier_count
        self._tool_label = tool_label
        self._form_tool_label = form_tool_label
        self._wanted = wanted
        self._id_kept = id_kept
        self._private = private
        self._render()
        self.show()
        self._fit_text()  # shown again at the width it had, it gets no resize to fit by
        self._safest_choice().setFocus(Qt.FocusReason.OtherFocusReason)

    def set_private(self, private: bool) -> None:
        """Reword a shown warning when screen-sharing mode is switched."""
        self._private = private
        if self.earlier is not None:
            self._render()

    def clear(self) -> None:
        """Hide the warning and forget the earlier entry."""
        self.earlier = None
        self._tool_label = None
        self._form_tool_label = None
        self._wanted = None
        self._id_kept = False
        self._earlier_count = 1
        self.label.clear()
        self.hide()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_text()

    def _fit_text(self) -> None:
        """The text wraps: the lines it needs at this width are the warning's least height.
        Without it a short window squeezed the text under the buttons (the layout's own
        minimum counts one line per label)."""
        layout = self.layout()
        if layout is None or not self.isVisible():
            return
        needed = layout.totalHeightForWidth(self.width())
        if needed != self.minimumHeight():
            self.setMinimumHeight(needed)
            layout.invalidate()  # its own lines, laid out for the height it had before
            QTimer.singleShot(0, self._grow_window)

    def _grow_window(self) -> None:
        """A window too short for the warning and the form's tab bar and buttons (the
        smallest one, in the demo) grows to show them all, as far as the screen allows; on a
        laptop's screen what still does not fit scrolls, the warning with the forms (see
        ``MainWindow``)."""
        area = scroll_area_around(self)
        if self.isVisible() and area is not None:
            grow_to_show_all(area)

    def _for_another_organization(self) -> bool:
        return (
            self.earlier is not None
            and self._wanted is not None
            and made_for_another_organization(self.earlier, self._wanted)
        )

    def _with_the_same_id(self) -> bool:
        """Another organisation's link with the form's customer id, not kept on purpose."""
        return (
            not self._id_kept
            and self.earlier is not None
            and self._wanted is not None
            and another_organization_with_the_same_id(self.earlier, self._wanted)
        )

    def _safest_choice(self) -> QPushButton:
        """The choice Enter should take: the earlier link for the same customer; a new link
        when the earlier one connects another organisation (handed out, it would link the
        form's customer's system to that organisation, and show its code on a shared
        screen); back to the customer id when the other organisation has the same id (sent
        again, it would file this customer's integration under the other one)."""
        if self._with_the_same_id():
            return self.changeOriginIdButton
        if self._for_another_organization():
            return self.createAnywayButton
        return self.useExistingButton

    def _render(self) -> None:
        assert self.earlier is not None
        text = duplicate_text(
            self.earlier,
            private=self._private,
            tool_label=self._tool_label,
            wanted=self._wanted,
            id_kept=self._id_kept,
            form_tool_label=self._form_tool_label,
            earlier_count=self._earlier_count,
        )
        other, same_id = self._for_another_organization(), self._with_the_same_id()
        title = title_for(
            self._wanted, other=other, same_id=same_id, earlier_count=self._earlier_count
        )
        self._title.setText(title)
        self.setAccessibleName(f"Warning: {title[:1].lower()}{title[1:]}")
        # Another organisation's link is theirs: neither handed out nor reconnected for the
        # form's customer (see the module's docstring).
        self.useExistingButton.setVisible(not other)
        several = self._earlier_count > 1 and not (other or same_id)
        use_text = USE_LATEST_TEXT if several else USE_EXISTING_TEXT
        relabel(self.useExistingButton, use_text)  # what is seen is heard
        self.relinkInsteadButton.setVisible(not other)
        self.changeOriginIdButton.setVisible(same_id)
        self.label.setText(text)
        self._fit_text()  # another text may need more lines (or fewer) at the same width
        safest = self._safest_choice()
        for button, does in (
            (self.changeOriginIdButton, _CHANGE_ID_DOES),
            (self.useExistingButton, _USE_EXISTING_DOES),
            (self.createAnywayButton, _CREATE_ANYWAY_DOES),
        ):
            if bool(button.property("primary")) != (button is safest):
                button.setProperty("primary", button is safest)
                theme.refresh_style(button)
            # The focus lands on the safest choice when the warning appears; a screen reader
            # reads its description, so the warning is heard, not only seen.
            heard = f"{title}. {text} {does}" if button is safest else does
            button.setAccessibleDescription(heard)
