"""The reconnection tab: a new link for an integration that already exists.

When a customer's credentials changed, a new connection link would create a second
integration; Kombo's relink endpoint updates the existing one instead. All it needs is the
integration id (shown in the Kombo dashboard), the language and the link type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from kombo_desktop.core import link_request as lr
from kombo_desktop.core.errors import WHO_MANAGES_KOMBO
from kombo_desktop.core.integration_id import integration_id_as_sent, suggested_integration_id
from kombo_desktop.core.link_request import InvalidRequest, RelinkRequest, validate_field
from kombo_desktop.core.vocabulary import DEFAULT_LANGUAGE, DEFAULT_LINK_TYPE, Language, LinkType
from kombo_desktop.ui.request_form import (
    RequestForm,
    language_combo,
    link_type_combo,
)
from kombo_desktop.ui.widgets import (
    FieldForm,
    announce,
    label_column_width,
    line_edit,
    plain_label,
    put_text,
    select_data,
)

if TYPE_CHECKING:
    from PySide6.QtGui import QShowEvent

RELINK_TEXT = "Create reconnection link"
RELINK_SHORT_TEXT = "Create link"  # where the form is narrower (larger text, a small screen)
RELINKING_TEXT = "Creating link…"

ID_FIX_TEXT = "Use this id"
ID_HINT = f"Find it in the Kombo dashboard under Integrations, or ask {WHO_MANAGES_KOMBO} for it."

EXPLANATION = (
    "Use this when a customer's existing connection stopped working, for example after they "
    "changed their password. It updates that connection instead of creating a second one."
)


class RelinkForm(RequestForm):
    """Relink tab. Emits ``submitted`` (Enter or button) and ``cancel_requested``."""

    def __init__(
        self,
        *,
        default_language: Language = DEFAULT_LANGUAGE,
        default_link_type: LinkType = DEFAULT_LINK_TYPE,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.relinkIntegrationEdit = line_edit(
            "relinkIntegrationEdit",
            "Integration id to reconnect",
            "e.g. personio:93fCvorjZ2jas7ZekX1V1n5d",
        )
        self.relinkLanguageCombo = language_combo("relinkLanguageCombo", default_language)
        self.relinkLinkTypeCombo = link_type_combo("relinkLinkTypeCombo", default_link_type)
        self.relinkButton, self.relinkCancelButton = self._make_buttons(
            "relinkButton",
            RELINK_TEXT,
            busy_text=RELINKING_TEXT,
            description="Ask Kombo for a new link for this integration",
            cancel_name="relinkCancelButton",
            cancel_description="Cancel making the reconnection link",
            short_text=RELINK_SHORT_TEXT,
        )

        explanation = plain_label(EXPLANATION)
        explanation.setWordWrap(True)
        explanation.setProperty("class", "hint")
        form = FieldForm()
        self._add_field(
            form,
            lr.INTEGRATION_ID,
            "&Integration id",
            self.relinkIntegrationEdit,
            ID_HINT,
        )
        self.relinkIntegrationFixButton = self._add_fix(
            lr.INTEGRATION_ID, "relinkIntegrationFixButton", ID_FIX_TEXT, suggested_integration_id
        )
        self._add_field(form, lr.LANGUAGE, "&Language", self.relinkLanguageCombo)
        self._add_field(form, lr.LINK_TYPE, "Link t&ype", self.relinkLinkTypeCombo)
        self.set_label_width(label_column_width(self.labels))

        self._assemble(
            ("relinkFields", "relinkPage"),
            [explanation, form],
            [
                self.relinkIntegrationEdit,
                self.relinkIntegrationFixButton,
                self.relinkLanguageCombo,
                self.relinkLinkTypeCombo,
            ],
        )
        self._watch(lr.INTEGRATION_ID, self.relinkIntegrationEdit)
        # The id of the last reconnection link made from this tab: clearing it loses nothing.
        self._used_id: str | None = None
        # The id last filled in from the history: it still has it, so replacing it loses nothing.
        self._filled_id: str | None = None
        # The id a reconnection link was last made with here, and the organisations it was
        # made for (see ``mark_used``): a link given to another one clears it.
        self._made_for: tuple[str, tuple[str, ...]] | None = None

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        """The tab was opened (not the window shown again): say what goes in the id field."""
        super().showEvent(event)
        if not event.spontaneous():
            self.boxes[lr.INTEGRATION_ID].describe()
            # Once Qt has moved the focus (into the field when it was in the other tab).
            QTimer.singleShot(0, self, self._say_hint_unless_in_the_field)

    def _say_hint_unless_in_the_field(self) -> None:
        """Have a screen reader say the id field's hint (where to find the id), or its
        problem, once: the tab opened with the focus elsewhere (on the tab bar, with the
        arrow keys), and nothing said what goes in it. A field with the focus is read with
        its description, which holds the same words: not said twice then."""
        edit = self.relinkIntegrationEdit
        if not self.isVisible() or edit.hasFocus():
            return
        announce(edit, f"{edit.accessibleName()}: {edit.accessibleDescription()}")

    @property
    def integration_id(self) -> str:
        """The id as it is looked up and sent: as typed, without surrounding spaces and the
        invisible characters copying brings along (see ``integration_id_as_sent``)."""
        return integration_id_as_sent(self.relinkIntegrationEdit.text())

    def mark_used(self, request: RelinkRequest, organizations: tuple[str, ...] = ()) -> None:
        """A reconnection link was made for ``request``: its id may be cleared unasked, and is
        once a new link is made for another customer than ``organizations`` (the one Kombo
        or the history names for it, and the one the new-link form holds)."""
        self.let_go(request.integration_id)
        self._made_for = (request.integration_id, tuple(name for name in organizations if name))
        self.judge_anew()  # the next id is typed over this one

    def link_given_to(self, organization: str) -> None:
        """``organization`` was given a link: a new one made, or their existing one shown from
        the duplicate warning ("Use the existing link"). When it is another customer than the
        one the reconnection link made with the id here was for, the id and what Kombo said of
        it go, as clearing the form for the next customer empties them, so that they are not on
        the screen the next customer may be shown, nor reused for them. An id the person is
        still working on stays: one no reconnection link was made with yet (typed, or one
        that failed), or one made for this same organisation."""
        if self._made_for is None:
            return
        made_with, organizations = self._made_for
        if self.integration_id != made_with:
            return
        # Here, not at the top: not needed for the window's first frame (see
        # ``previous_customer_id``).
        from kombo_desktop.core.integrations import same_organization

        if any(same_organization(organization, known) for known in organizations):
            return
        self.clear()

    def let_go(self, integration_id: str) -> None:
        """``integration_id`` may be cleared unasked: a link was made with it, or Kombo no
        longer has it (clearing the form kept asking about an id no link can be made with)."""
        self._used_id = integration_id

    def forget_filled(self, integration_id: str) -> None:
        """The history no longer has ``integration_id`` (its entry was deleted): filled in
        from it, the id is now kept only here, so clearing or closing asks about it again."""
        if self._filled_id == integration_id_as_sent(integration_id):
            self._filled_id = None

    def holds_unused_id(self) -> bool:
        """True when the id field holds an id no reconnection link was made with (typed,
        pasted or filled in by the duplicate warning), which clearing would lose; not the one
        filled in from the history, which still has it."""
        return self.integration_id not in ("", self._used_id, self._filled_id)

    def show_integration(self, text: str | None, *, warning: bool = False) -> None:
        """What Kombo said about the integration, under its id (None: the usual hint); a
        ``warning`` stands out from the hints around it."""
        self.boxes[lr.INTEGRATION_ID].set_hint(text, warning=warning)

    def _field_problem(self, field: str) -> str | None:
        if field != lr.INTEGRATION_ID:
            return None  # the dropdowns offer only what Kombo accepts
        return validate_field(field, self.relinkIntegrationEdit.text())

    def build_request(self) -> RelinkRequest | InvalidRequest:
        """The checked request, or the problems (already shown next to their fields)."""
        return self._checked(self._request_from_fields)

    def asks_for(self, request: RelinkRequest) -> bool:
        """Whether the form, as it is now, makes ``request``: False once it was changed since
        (typed over while the request waited for the history, say). Marks no field."""
        try:
            return self._request_from_fields() == request
        except InvalidRequest:
            return False

    def _request_from_fields(self) -> RelinkRequest:
        return RelinkRequest.from_form(
            integration_id=self.relinkIntegrationEdit.text(),
            language=self.relinkLanguageCombo.currentData(),
            link_type=self.relinkLinkTypeCombo.currentData(),
        )

    def clear(self) -> None:
        """Empty the integration id (it is the last customer's) for the next customer; the
        language and link type are choices that usually stay."""
        self.relinkIntegrationEdit.clear()
        self.show_integration(None)
        self._forget_checks()
        self._made_for = None

    def fill(
        self,
        integration_id: str,
        language: Language | None = None,
        link_type: LinkType | None = None,
        *,
        from_history: bool = False,
    ) -> None:
        """Prepare a reconnection (e.g. from a history entry or the duplicate warning).
        ``from_history``: "Fill the form" put the id there, which the history still has.

        The id goes in as it would be sent (``integration_id_as_sent``): an older history holds
        it as typed, and direction overrides in it make the field show another id than the
        one it holds."""
        integration_id = integration_id_as_sent(integration_id)
        put_text(self.relinkIntegrationEdit, integration_id)
        if from_history:
            self._filled_id = integration_id
        if language is not None:
            select_data(self.relinkLanguageCombo, language.value)
        if link_type is not None:
            select_data(self.relinkLinkTypeCombo, link_type.value)
