"""Using an earlier link from the history: showing it, filling the form with it, and the
profile a reconnection of it needs.

An entry chosen in the history panel comes here: "Show" puts its link, QR code and invitation
in the result area (not a link the rule for links refuses, nor one of a demo that has ended),
and "Fill the form" fills the new-link form with its details, or the reconnection form with its
integration, asking first when that would replace unused typing (the next customer's details,
read out on a call). A reconnection needs the key of the Kombo account the integration was
connected in: the status line says which profile that is when it is not the one in use, and
when that profile was removed since (``removed_profile_of``, which the refusal of the id then
says too). For an integration removed in Kombo, the way on is a new link for its customer,
their details filled in (``new_link_instead``). A link shown from the history is someone
else's than the form's customer: it leaves the result area when screen-sharing mode is turned
on.

It is apart from ``history_feature`` so that a fix to what an entry fills in or what the
status line says about it is made here, without reading how links are recorded and checked
for duplicates. The window's history (``HistoryFeature.from_history``) owns one, made the first
time it is needed: nothing of it is on screen at start, so this module is not on the path to
the first frame (the panel's module loads it in the idle time after it, see
``history_warm_up``). The panel's buttons reach it there, and so do the refusals of a
reconnection (``refusal_display``, ``integration_lookup``) and the duplicate warning's "Use the
existing link" (``duplicate_flow``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from kombo_desktop.core.integration_id import integration_id_as_sent, integration_tool
from kombo_desktop.core.vocabulary import DEFAULT_CATEGORY, NEW_LINK_TAB_TEXT
from kombo_desktop.ui.customer import Customer
from kombo_desktop.ui.link_customer import organization_to_name
from kombo_desktop.ui.link_form import CREATE_TEXT
from kombo_desktop.ui.relink_form import RELINK_TEXT
from kombo_desktop.ui.result_panel import link_refusal
from kombo_desktop.ui.shown_link import ShownLink

if TYPE_CHECKING:
    from kombo_desktop.core.history import HistoryEntry
    from kombo_desktop.core.link_check import LinkProblem
    from kombo_desktop.core.link_request import LinkRequest
    from kombo_desktop.ui.history_feature import HistoryFeature

# The history panel's button that fills the form with an entry; it names the question too.
FILL_TEXT = "Fill the form"
# How the question of "Fill the form" names the new-link form's typing.
TYPED_IN_IT = "what is typed in it"
# What filling the form does to a link being made for what it holds (see LinkMaking).
FILLING_KEEPS_THE_LINK_OFF_SCREEN = (
    "If you fill the form now, that link will not be shown when it is ready: it will be in "
    "the history, with these details."
)


def unusable_link_words(problem: LinkProblem) -> str:
    """Said when an entry is chosen whose link the rule for links refuses (``result_panel.
    link_refusal``): kept by an older version, it is neither shown, copied nor opened."""
    return f"This link can't be used because {problem.reason}. Use “{FILL_TEXT}” to make a new one."


class FillFromHistory:
    """What one window's history (``feature``) does with an entry chosen from it."""

    def __init__(self, feature: HistoryFeature) -> None:
        self._feature = feature
        self._window = feature.window
        # The link last shown from the history (``show_entry``), until a link is made.
        self._shown_url: str | None = None
        # The reconnection last filled in from the history ("Fill the form"): which profile
        # made it tells what Kombo not knowing its id means (``removed_profile_of``).
        self._filled_reconnection: HistoryEntry | None = None

    # --- the link shown from the history -------------------------------------------------------

    def show_entry(self, entry: HistoryEntry) -> None:
        """Show an entry's link and QR code in the result area (history panel)."""
        from kombo_desktop.ui.history_model import (
            ENDED_DEMO_WORDS,
            local_date,
            made_when,
            validity_words,
        )

        window = self._window
        problem = link_refusal(entry.url, entry.is_demo)
        if problem is not None:  # shown, its code and Copy would hand it on all the same
            window.show_status(unusable_link_words(problem), "error")
            return
        if entry.from_an_ended_demo(self._feature.demo_origin()):
            # Nothing to show: shown, it looked valid, with a code and Open that led nowhere.
            window.show_status(ENDED_DEMO_WORDS, "info")
            return
        self.show_history_link(entry)
        self._shown_url = entry.url
        target = window.target
        if target is not None and target.profile != entry.profile:
            made = f"made with profile “{entry.profile}” {made_when(entry.created_at)}"
        else:
            made = f"made {made_when(entry.created_at)}"
        if entry.is_valid():
            # "is valid until 14:32" for a link of an hour. Whose it is, as the result's title
            # says it: the form may hold another customer, with a link for the same tool.
            said = f"Showing the link{self._for_whom(entry)} {made}. It {validity_words(entry)}."
        else:
            said = (
                f"This link expired on {local_date(entry.expires_at)} and no longer works. Use "
                f"“{FILL_TEXT}” to make a new one."
            )
        self._say(said)

    def _for_whom(self, entry: HistoryEntry) -> str:
        """Whose an entry's link is, after "Showing the link": " for Acme GmbH," (outside
        screen-sharing mode, where a link from the history is shown at all); "" for an entry
        without an organisation."""
        if not entry.organization or self._window.screen_sharing.on:
            return ""
        return f" for {entry.organization},"

    def _say(self, said: str) -> None:
        """Say on the status line what was done with an entry (shown, filled in). While a link
        is being made, the status line still says so (the button says "Creating link…"), and
        where that link will go (see ``LinkMaking.making_words``)."""
        making = self._window.link_making.making_words()
        self._window.show_status(
            f"{said} {making}" if making else said, "busy" if making else "info"
        )

    def show_history_link(self, entry: HistoryEntry, customer: LinkRequest | None = None) -> None:
        """Show ``entry``'s link, for ``customer`` (the form's, after the duplicate warning) or
        else for the entry's own (from the history panel)."""
        from kombo_desktop.core.clock_ahead import dated_ahead
        from kombo_desktop.core.history import EntryKind

        # Made while this computer's clock was ahead: made by now at the latest, and said so
        # (its stored time gave an hour-long link three hours more, see ShownLink).
        ahead = dated_ahead(entry.created_at)
        created = datetime.now().astimezone() if ahead else entry.created_at.astimezone()

        feature = self._feature
        # The link's own flow language; the people are the ones in the form when there are.
        who = Customer.of_entry(entry)
        # What the code's file name is made from, by the rule of a link just made.
        if customer is not None:
            organization = organization_to_name(entry, customer)
            who = replace(who, organization=organization, email=customer.end_user_email)
            integration_id = None  # "kombo-link" when no organisation is named
        else:
            organization, integration_id = entry.organization, entry.integration_id
        reconnection = entry.kind is EntryKind.RELINK
        # The panel's title names the link's tool, as for a link just made ("New link ·
        # Personio", "Reconnection link · Personio"); a reconnection's from its integration id
        # when the entry has none.
        tool = feature.entry_tool(entry)
        if reconnection and not tool:
            tool = feature.tool_label(integration_tool(entry.integration_id or ""))
        self._window.show_link(
            ShownLink(
                url=entry.url,
                link_type=entry.link_type,
                is_demo=entry.is_demo,
                created=created,
                organization=organization,
                integration_id=integration_id,
                reconnection=reconnection,
                tool_label=tool,
                made_by_a_clock_ahead=ahead,
                chosen_from_history=customer is None,
            )
        )
        feature.invitationBar.set_context(
            who.invitation(
                entry.url,
                entry.language,
                entry.link_type,
                tool_label=feature.entry_tool(entry),
                is_demo=entry.is_demo,
                made=entry.created_at.astimezone(),
                reconnection=reconnection,
            )
        )

    def take_shown_link_off_screen(self) -> None:
        """Screen-sharing mode was turned on: a link shown from the history (not made for the
        customer in the form) goes from the result area, with its invitation."""
        result = self._window.resultPanel
        shown = result.shown
        if shown is not None and shown.url == self._shown_url:
            result.clear()
            self._feature.invitationBar.set_context(None)
        self._shown_url = None

    def link_made(self) -> None:
        """A link was just made: the link on show is no longer one from the history."""
        self._shown_url = None

    # --- the profile a reconnection needs ------------------------------------------------------

    def _profile_to_reconnect_with(
        self, profile: str, in_use: str, made_in: str | None = None
    ) -> str:
        """What the status line adds when a reconnection filled in from the history was made
        with ``profile``, not the one in use: Kombo knows an integration only in the account
        it was connected in, so only that profile's key can reconnect it. A profile removed
        since is said to be gone, with the way forward: sent to choose it in Settings, the
        person found no such profile there. Made in the Kombo environment ``made_in`` that
        the key in use is known to belong to (the key given at start, or another profile's
        key of the same account), the profile it was made with does not matter: nothing."""
        if not self._needs_another_profile(profile, in_use, made_in):
            return ""
        if self._window.setup.settings.profile(profile) is None:
            from kombo_desktop.core.integrations import removed_profile_text

            return f" {removed_profile_text(profile)}"
        return (
            f" The integration was connected with profile “{profile}”: a reconnection link "
            "can be made only with that profile (choose it in Settings)."
        )

    def _needs_another_profile(self, profile: str, in_use: str, made_in: str | None) -> bool:
        """Whether only ``profile``'s key can reconnect an integration connected with it (in
        ``made_in``), not the key of ``in_use`` (see :meth:`_profile_to_reconnect_with`)."""
        if profile == in_use:
            return False
        target = self._window.target
        return not (
            made_in is not None
            and target is not None
            and self._window.environment_id(target) == made_in
        )

    def removed_profile_of(self, integration_id: str) -> str | None:
        """The profile a reconnection of ``integration_id`` filled in from the history was
        made with, when only that profile's key could reconnect it and it was removed since
        (what the status line said on filling it in); None otherwise. Kombo not knowing the
        id with the key in use is then no mistyped id, nor a matter of choosing a profile."""
        entry = self._filled_reconnection
        # Compared as sent: the form was filled with the id cleaned (``integration_id_as_sent``)
        # of what an older version may have kept with invisible characters.
        if entry is None or entry.integration_id is None:
            return None
        if integration_id_as_sent(entry.integration_id) != integration_id_as_sent(integration_id):
            return None
        target = self._window.target
        in_use = target.profile if target is not None else entry.profile
        made_in = None if entry.is_demo else entry.environment_id
        if not self._needs_another_profile(entry.profile, in_use, made_in):
            return None
        if self._window.setup.settings.profile(entry.profile) is not None:
            return None
        return entry.profile

    def _reconnect_note(self, entry: HistoryEntry, in_use: str) -> str:
        """:meth:`_profile_to_reconnect_with` for a reconnection ``entry`` (demo links have
        no Kombo environment)."""
        made_in = None if entry.is_demo else entry.environment_id
        return self._profile_to_reconnect_with(entry.profile, in_use, made_in)

    # --- filling the forms -----------------------------------------------------------------------

    def fill_from(self, entry: HistoryEntry) -> None:
        """Fill the form with an entry: a new link's values, or a reconnection's integration.
        Typing it would replace that no link was made with (the next customer's details, read
        out on a call) is asked about first, as clearing the form does: Cancel changes nothing."""
        from kombo_desktop.core.history import EntryKind

        if not self._may_fill_over_typing(entry):
            return
        self._feature.placement.out_of_the_way()
        window = self._window
        target = window.target
        in_use = target.profile if target is not None else entry.profile
        if entry.kind is EntryKind.RELINK and entry.integration_id:
            self._feature.relink_customer.remember(Customer.of_entry(entry))
            self._filled_reconnection = entry
            window.relinkForm.fill(
                entry.integration_id, entry.language, entry.link_type, from_history=True
            )
            window.show_relink_mode()
            self._say(
                "The reconnection form is filled in from the history. Check it, then press "
                f"“{RELINK_TEXT}”.{self._reconnect_note(entry, in_use)}"
            )
            return
        tool_note = window.linkForm.fill(
            email=entry.email or "",
            organization_name=entry.organization or "",
            origin_id=entry.origin_id,
            category=entry.category or DEFAULT_CATEGORY,
            tool=entry.tool,
            remote_environment=entry.remote_environment,
            language=entry.language,
            link_type=entry.link_type,
            scope_config_id=entry.scope_config_id,
            enable_filtering=entry.enable_filtering,
            enable_field_mapping=entry.enable_field_mapping,
        )
        window.show_create_mode()
        elsewhere = (
            f" That link was made with profile “{entry.profile}”; the new one will be made with "
            f"the profile in use, “{in_use}”."
            if entry.profile != in_use
            else ""
        )
        self._say(
            f"The form is filled in from the history. Check it, then press “{CREATE_TEXT}”."
            f"{elsewhere}{f' {tool_note}' if tool_note else ''}"
        )

    def entry_deleted(self, entry: HistoryEntry) -> None:
        """Details filled in from ``entry`` were not counted as unused typing, as the history
        kept them; now that it no longer does, the forms are their only copy, and clearing or
        closing asks about them again (it emptied them unasked)."""
        window = self._window
        window.linkForm.forget_filled(Customer.of_entry(entry).typed())
        if entry.integration_id:
            window.relinkForm.forget_filled(entry.integration_id)

    def _may_fill_over_typing(self, entry: HistoryEntry) -> bool:
        """Whether ``entry`` may be filled in: at once when that replaces no unused typing (the
        same details, or those last filled in from the history, are none), else as the person
        answers (see ``confirm.may_lose``)."""
        from kombo_desktop.core.history import EntryKind

        window = self._window
        if entry.kind is EntryKind.RELINK and entry.integration_id:
            words = window.unused_relink_id()
            lost = (
                [words]
                if words and window.relinkForm.integration_id != entry.integration_id
                else []
            )
        else:
            customer = Customer.of_entry(entry).typed()
            lost = [TYPED_IN_IT] if window.linkForm.filling_loses_typing(customer) else []
        if not lost:
            return True
        from kombo_desktop.ui.confirm import may_lose

        # Typing a link is being made for is not "unused": that link is kept off the screen
        # once the form holds other details, and goes to the history (LinkMaking).
        lost, making = window.link_making.still_being_made(
            lost, typed=TYPED_IN_IT, then=FILLING_KEEPS_THE_LINK_OFF_SCREEN
        )
        return may_lose(window, lost, f"{FILL_TEXT}?", FILL_TEXT, making=making)

    def new_link_instead(self, integration_id: str) -> None:
        """The New link tab for the customer of an integration removed in Kombo: their
        details are filled in, unless the form holds them already (with the choices made
        for them there). Not in screen-sharing mode: the history's details of whoever the
        id was for stay off the screen, and the form keeps what was typed. Typing they would
        replace that no link was made with (the next customer's) is asked about first, as
        "Fill the form" does: Cancel changes nothing."""
        window = self._window
        customer = (
            None
            if window.screen_sharing.on
            else self._feature.relink_customer.of_integration(integration_id)
        )
        if customer is not None and window.linkForm.customer_text() == customer.typed():
            customer = None  # the form holds them already, with the choices made there
        if customer is not None and window.linkForm.filling_loses_typing(customer.typed()):
            from kombo_desktop.ui.confirm import may_lose

            lost = [f"what is typed on the “{NEW_LINK_TAB_TEXT}” tab"]
            if not may_lose(window, lost, f"{FILL_TEXT}?", FILL_TEXT):
                return
        window.relinkForm.let_go(integration_id)  # gone in Kombo: nothing to keep it for
        note = ""
        if customer is not None:
            note = window.linkForm.fill(
                email=customer.email or "",
                organization_name=customer.organization or "",
                origin_id=customer.origin_id,
                category=customer.category or DEFAULT_CATEGORY,
                tool=customer.tool or integration_tool(integration_id),
                remote_environment=customer.remote_environment,
            )
        window.show_create_mode()
        # An empty form (screen-sharing mode, nothing typed) has no details to check yet.
        step = "Check" if any(window.linkForm.customer_text()) else "Enter"
        window.show_status(
            f"{step} the customer's details, then press “{CREATE_TEXT}” to make a new "
            f"connection link.{f' {note}' if note else ''}",
            "info",
        )
