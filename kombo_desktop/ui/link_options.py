"""The new-link form's tool environment and advanced options: which of them the next link
sends, which it holds back, and which are still the previous customer's.

Why a module of its own: these options sit below the fold on a laptop (the advanced ones are
folded away), so what the person sees of them is what the form says about them: a test
system's name is one tool's own and goes when another tool is chosen, an option held back by
a rule (an environment without a tool, employee filtering for another kind of system) is said
to be left out, and options set for one customer are a problem beside the next customer's
organisation until cleared or kept (see ``previous_customer_options``). The form
(``link_form``) owns the fields and their checking; this module only reads and sets them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kombo_desktop.core import link_request as lr
from kombo_desktop.core.field_text import quoted_in_sentence, sent_text
from kombo_desktop.core.vocabulary import CATEGORY_NAMES, Category
from kombo_desktop.ui.previous_customer_options import (
    PreviousCustomerOptions,
    in_words,
    options_of,
    with_held_back,
)
from kombo_desktop.ui.widgets import relabel

if TYPE_CHECKING:
    from kombo_desktop.core.link_request import LinkRequest
    from kombo_desktop.ui.link_form import LinkForm

ENVIRONMENT_HINT = "Only when Kombo asked for one, e.g. DEMO."
ENVIRONMENT_NEEDS_TOOL = (
    "Choose a tool first: a tool environment only applies to one specific tool."
)
ENVIRONMENT_NOT_SENT = (
    "The tool environment is only sent with a chosen tool, so it is left out for now."
)
FILTERING_NOT_SENT = (
    "Employee filtering is only for HR systems, so it is left out for this kind of system."
)
# Names the kind of system as its list does: "HR system" alone is in no list.
FILTERING_NEEDS_HRIS = (
    "Employee filtering is only for HR systems. Choose "
    f"“{CATEGORY_NAMES[Category.HRIS]}” as the kind of system to use it."
)


class LinkOptions:
    """The tool environment and advanced options of ``form``: whose they are, and what the
    form says of them."""

    def __init__(self, form: LinkForm) -> None:
        self._form = form
        # Whose the options are: the previous customer's, left beside the next one's
        # organisation, are a problem of the organisation field (see
        # previous_customer_options).
        self._previous = PreviousCustomerOptions()
        # The tool the text in the tool environment field was typed (or filled in) for: sent
        # with another tool, it named a test system that tool does not have.
        self._environment_tool: str | None = None

    # --- the tool environment belongs to its tool ----------------------------------------------

    def environment_typed(self, text: str) -> None:
        """Text in the environment field (typed, or filled in) is for the tool chosen now: the
        field takes typing only while a tool is chosen."""
        if text:
            self._environment_tool = self._form.tool_id()

    def environment_left_behind(self) -> str:
        """Clear the environment typed for another tool than the one now chosen, and say so
        ("" when nothing was cleared). A test system's name ("DEMO") is one tool's own: typed
        for Hailey HR, it went with Personio once the tool was changed, below the fold and
        unseen. Through "The customer chooses" (no tool) it is only held back, for a change
        back to its tool."""
        form = self._form
        tool_id = form.tool_id()
        typed = form.environmentEdit.text()
        was_for = self._environment_tool
        if not typed or tool_id is None or was_for is None or tool_id == was_for:
            return ""
        self._environment_tool = None
        form.environmentEdit.clear()
        return (
            f"The tool environment{quoted_in_sentence(typed)} was for "
            f"{form.catalog.label_for(was_for)} and was cleared."
        )

    # --- held back by a rule -------------------------------------------------------------------

    def hold_back(self, reset: str = "") -> str:
        """Disable what a rule forbids right now, and say why in the tooltip. A disabled
        control keeps what was typed or ticked (it comes back with the rule) but is not sent:
        when that happens to something filled in, the returned sentences say so (after
        ``reset``), rather than the link silently going out without it."""
        form = self._form
        tool_id = form.tool_id()
        has_tool = tool_id is not None
        is_hris = form.category() == Category.HRIS
        dropped = [reset] if reset else []
        environment_edit, filtering_check = form.environmentEdit, form.filteringCheck
        environment = environment_edit.text()
        if environment_edit.isEnabled() and not has_tool and environment:
            dropped.append(ENVIRONMENT_NOT_SENT)
        elif not environment_edit.isEnabled() and tool_id is not None and environment:
            # Back with its own tool: "left out for now" on the status line is no longer true.
            dropped.append(
                f"The tool environment{quoted_in_sentence(environment)} is used for "
                f"{form.catalog.label_for(tool_id)} again."
            )
        if filtering_check.isEnabled() and not is_hris and filtering_check.isChecked():
            dropped.append(FILTERING_NOT_SENT)
        environment_edit.setEnabled(has_tool)
        environment_edit.setToolTip("" if has_tool else ENVIRONMENT_NEEDS_TOOL)
        filtering_check.setEnabled(is_hris)
        filtering_check.setToolTip("" if is_hris else FILTERING_NEEDS_HRIS)
        return " ".join(dropped)

    def name_in_use(self) -> None:
        """Name under the heading the advanced options the next link takes: folded away,
        options set for one customer went out unseen with the next customer's link."""
        form = self._form
        in_use = [
            name
            for name, used in (
                ("scope config id", bool(form.scopeConfigEdit.text().strip())),
                # Sent only while enabled (HR systems), as ``form_values`` has it.
                ("employee filtering", bool(form.form_values()["enable_filtering"])),
                ("field mapping", form.fieldMappingCheck.isChecked()),
            )
            if used
        ]
        form.advanced.set_summary(f"In use: {', '.join(in_use)}." if in_use else "")

    # --- the previous customer's options -------------------------------------------------------

    def as_sent(self) -> dict[str, object]:
        """The tool environment and advanced options as the next link would send them."""
        values = self._form.form_values()
        return {
            lr.REMOTE_ENVIRONMENT: sent_text(str(values["remote_environment"])),
            lr.SCOPE_CONFIG_ID: sent_text(str(values["scope_config_id"])),
            lr.ENABLE_FILTERING: values["enable_filtering"],
            lr.ENABLE_FIELD_MAPPING: values["enable_field_mapping"],
        }

    def in_form(self) -> dict[str, object]:
        """The tool environment and advanced options in the form, held back or not: an
        environment without a tool, or employee filtering for another kind of system, goes
        with a later link once a tool or HR systems are chosen again."""
        form = self._form
        return {
            lr.REMOTE_ENVIRONMENT: sent_text(form.environmentEdit.text()),
            lr.SCOPE_CONFIG_ID: sent_text(form.scopeConfigEdit.text()),
            lr.ENABLE_FILTERING: form.filteringCheck.isChecked(),
            lr.ENABLE_FIELD_MAPPING: form.fieldMappingCheck.isChecked(),
        }

    def note_sent(self, request: LinkRequest) -> None:
        """A link was made for ``request``: the options it sent, and those held back in the
        form beside it, are its organisation's from now on."""
        options = with_held_back(options_of(request), self.in_form())
        self._previous.note_owner(request.end_user_organization_name, options)

    def note_filled(self, organization: str) -> None:
        """The form was filled in with ``organization`` and its options (from the history)."""
        self._previous.note_owner(organization, self.in_form())

    def previous_problem(self, organization: str, *, private: bool) -> str | None:
        """The organisation field's problem while the options of the last link made (or filled
        in from the history) are still as they were, beside another ``organization``."""
        return self._previous.problem(organization, self.as_sent(), private=private)

    def carried(self, organization: str) -> list[str]:
        """The options (wire fields) still as they were for the previous customer, beside
        ``organization``."""
        return self._previous.carried(organization, self.as_sent())

    def offer_choice(self, shown: bool, organization: str) -> None:
        """Show "Clear them" and "Keep them" (or "it") under the organisation while it shows
        the problem of the previous customer's options (``shown``)."""
        form = self._form
        if shown:
            them = "it" if len(self.carried(organization)) == 1 else "them"
            relabel(form.clearOptionsButton, f"Clear {them}")
            relabel(form.keepOptionsButton, f"Keep {them}")
        form.clearOptionsButton.setVisible(shown)
        form.keepOptionsButton.setVisible(shown)

    def clear_carried(self, organization: str) -> str:
        """Clear the options still as they were for the previous customer; those changed for
        this customer stay. Returns what the status line says ("" when nothing was cleared):
        it names what was cleared (the options are below the fold), never its text, which may
        be a pasted key."""
        form = self._form
        carried = self.carried(organization)
        if lr.REMOTE_ENVIRONMENT in carried:
            form.environmentEdit.clear()
        if lr.SCOPE_CONFIG_ID in carried:
            form.scopeConfigEdit.clear()
        if lr.ENABLE_FILTERING in carried:
            form.filteringCheck.setChecked(False)
        if lr.ENABLE_FIELD_MAPPING in carried:
            form.fieldMappingCheck.setChecked(False)
        return f"Cleared the {in_words(carried)}." if carried else ""

    def keep(self, organization: str) -> None:
        """The options are ``organization``'s too: they go with its link."""
        self._previous.keep(organization, self.as_sent())
