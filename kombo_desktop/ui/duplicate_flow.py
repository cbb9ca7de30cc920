"""The duplicate warning's flow: a new link checked against the history before it is sent, and
what each of the warning's choices does.

Why a module of its own: the window's history (``history_feature``) records links and shows
the panel; deciding whether a link may go out, holding it while the person chooses, and carrying
out the choice is a flow of its own, with its own state (the request held, where it was going, a
request sent unchecked). The warning's words and buttons
are ``duplicate_banner``, made the first time a duplicate is found; this module is built with
the window, so it imports neither the banner nor the core history before they are needed.

The flow's rules:

* nothing is sent while the warning is shown; editing the form, a refreshed tool list or
  another profile closes it, as the request held is then no longer what the form asks for (a
  form changed while the check waited for the history is not warned about either);
* the history is a safety net, not a gate: when it cannot be read (or is still being opened
  a second after the click, see ``LinkMaking``) the link is made unchecked, and the status
  line says so with the link;
* earlier links count where links go now: the same profile and Kombo environment, demo links
  only in the demo (or with a service on this computer), and not those of an integration
  removed in Kombo, whose reconnection links can no longer work, nor those the rule for links
  refuses (``result_panel.link_refusal``), which "Use the existing link" could not show.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, TypedDict

from kombo_desktop.core.errors import WHO_MANAGES_KOMBO
from kombo_desktop.ui.history_opening import HISTORY_IN_USE, HistoryNotReadyError
from kombo_desktop.ui.link_form import CREATE_TEXT
from kombo_desktop.ui.relink_form import RELINK_TEXT
from kombo_desktop.ui.result_panel import link_refusal
from kombo_desktop.ui.widgets import chain_tab_order, spoken_name

if TYPE_CHECKING:
    from kombo_desktop.core.history import HistoryEntry
    from kombo_desktop.core.link_request import LinkRequest, RelinkRequest
    from kombo_desktop.ui.connection import Target
    from kombo_desktop.ui.duplicate_banner import DuplicateBanner
    from kombo_desktop.ui.history_feature import HistoryFeature

_log = logging.getLogger(__name__)


class WhereLinksGo(TypedDict):
    """The history's arguments for which earlier links count where links go now."""

    profile: str
    demo: bool | None
    environment_id: str | None


# Said with a link made without the duplicate check, in words for anyone: what did not happen,
# then why (and what to do, when the person can do something).
UNCHECKED = "Could not look for an earlier link for this customer."
UNCHECKED_STILL_OPENING = (
    "Could not look for an earlier link for this customer: the link history was still being opened."
)
RELINK_CHECK_TYPED_HINT = (
    "The integration id you typed before is still there: check that it is this customer's, "
    f"then press “{RELINK_TEXT}”."
)
# The field's placeholder shows what an id looks like; the room that took here names who
# can give it to someone without access to the dashboard.
RELINK_PASTE_HINT = (
    "Paste the customer's integration id into “Integration id” (find it in the Kombo dashboard "
    f"under Integrations, or ask {WHO_MANAGES_KOMBO} for it), then press “{RELINK_TEXT}”."
)

# Said while the warning is shown; once it has gone, the status line stops pointing at it.
CHOOSE_IN_WARNING = "Nothing was sent: choose what to do in the warning above."
OTHER_ORGANIZATIONS_LINK_NOT_SHOWN = (
    "The earlier link was made for another organisation, so it is not shown. Nothing was "
    f"sent: press “{CREATE_TEXT}” to make a link for the organisation in the form."
)
GONE_BY_EDITING = (
    f"The form was changed, so nothing was sent. Press “{spoken_name(CREATE_TEXT)}” when ready."
)


def demo_links_count(target: Target, demo_origin: str | None) -> bool | None:
    """Which earlier links can be duplicates: demo links in the demo, real ones with a Kombo
    address, and either (None) with a service on this computer (a test set-up, see
    ``HistoryFeature.demo_origin``), whose links count as demo links when they lead to this
    computer too."""
    if target.demo:
        return True
    return None if demo_origin is not None else False


class DuplicateFlow:
    """The duplicate warning of one window's history (``feature``): ``check`` is the window's
    create guard; the warning's choices come back here."""

    def __init__(self, feature: HistoryFeature) -> None:
        self._feature = feature
        self._window = feature.window
        self._bypass_once = False  # "Create anyway": the next check lets the request go
        self._held: LinkRequest | None = None
        self._held_for: Target | None = None  # where the held request was going
        # The request sent without the check, and why: said with its link.
        self._unchecked: tuple[LinkRequest, str] | None = None
        # Integrations this profile made links for that Kombo no longer has (removed there).
        self._removed_integrations: set[str] = set()
        self._banner: DuplicateBanner | None = None
        self._window.screen_sharing.changed.connect(self.set_private)

    @property
    def banner(self) -> DuplicateBanner:
        """The duplicate warning above the forms (hidden until a duplicate is found)."""
        if self._banner is None:
            from kombo_desktop.ui.duplicate_banner import DuplicateBanner

            window = self._window
            banner = DuplicateBanner()
            window.add_banner(banner)
            banner.set_private(window.screen_sharing.on)
            banner.change_origin_id.connect(self.change_origin_id)
            banner.use_existing.connect(self.use_existing)
            banner.relink_instead.connect(self.relink_instead)
            banner.create_anyway.connect(self.create_anyway)
            banner.dismissed.connect(self._dismiss)
            # Its choices come between the header and the forms when tabbing.
            chain_tab_order(
                [
                    window.firstRunNotice.tryDemoButton,
                    banner.changeOriginIdButton,
                    banner.useExistingButton,
                    banner.relinkInsteadButton,
                    banner.createAnywayButton,
                    banner.dismissButton,
                    window.tabs,
                ]
            )
            self._banner = banner
        return self._banner

    @property
    def warning_shown(self) -> bool:
        return self._banner is not None and not self._banner.isHidden()

    def set_private(self, private: bool) -> None:
        """Screen-sharing mode is now on (``private``) or off: in it, the warning names no one
        (see ``duplicate_banner``)."""
        if self._banner is not None:
            self._banner.set_private(private)

    # --- the check -----------------------------------------------------------------------------

    def check(self, request: LinkRequest) -> bool:
        """Create guard: False (request held, warning shown) if a valid earlier link exists."""
        self._unchecked = None
        if self._bypass_once:
            self._bypass_once = False
            return True
        window, feature = self._window, self._feature
        target = window.target
        if target is None:
            return True
        from kombo_desktop.core.history import HistoryError

        try:
            earlier = self._earlier_link(request, target)
        except (HistoryError, RuntimeError) as error:
            # The history is a safety net, not a gate: when it cannot be read, links still work.
            _log.warning("Duplicate check failed: %s", error)
            if isinstance(error, HistoryNotReadyError):  # said with its link (see ``record``)
                why = (
                    f"{UNCHECKED} {HISTORY_IN_USE}"
                    if error.held_by_another_program
                    else UNCHECKED_STILL_OPENING
                )
                self._unchecked = (request, why)
            return True
        if earlier is None:
            self.clear()
            return True
        self._held, self._held_for = request, target
        self.banner.show_for(
            earlier,
            private=window.screen_sharing.on,
            tool_label=feature.entry_tool(earlier),
            wanted=request,
            id_kept=window.linkForm.origin_id_kept_for(request),
            form_tool_label=feature.tool_label(request.integration_tool),
            earlier_count=self._own_earlier_links(request, target),
        )
        feature.placement.make_room_for_warning()
        shown = window.resultPanel.shown
        if shown is not None and shown.url != earlier.url:
            # The link on show is someone else's (the last one made): it must not sit under a
            # warning about this customer, ready to be copied or scanned for the wrong person.
            window.resultPanel.clear()
            feature.invitationBar.set_context(None)
        # One line, even in a small window: the warning above says the rest (by its place
        # and name, not its colour alone).
        window.show_status(CHOOSE_IN_WARNING)
        return False

    def _earlier_link(self, request: LinkRequest, target: Target) -> HistoryEntry | None:
        """The earlier link the warning is about: the latest of the form's own organisation
        when it has one, else the latest with these details (another organisation's, found by
        the same e-mail address or customer id). A newer link of another organisation, made
        with "Create a new link anyway", hid the customer's own one, and the warning offered
        only a new link. Raises what the history raises."""
        feature = self._feature
        where = self._where_links_go(target)
        own = feature.store.own_duplicate_of(request, **where, demo_origin=feature.demo_origin())
        if self._usable(own):
            return own
        earlier = feature.store.duplicate_of(request, **where)
        return earlier if self._usable(earlier) else None

    def _usable(self, earlier: HistoryEntry | None) -> bool:
        """Whether ``earlier`` is a link the warning can be about."""
        if earlier is None:
            return False
        if earlier.from_an_ended_demo(self._feature.demo_origin()):
            return False  # a demo service of an earlier session: its links no longer open
        if link_refusal(earlier.url, earlier.is_demo) is not None:
            return False  # kept by an older version, it can be neither shown nor copied
        # A reconnection of an integration removed in Kombo cannot work.
        return earlier.integration_id not in self._removed_integrations

    def _where_links_go(self, target: Target) -> WhereLinksGo:
        """Which earlier links count where links go now (see the module's docstring): the
        duplicate check's ``profile``, ``demo`` and ``environment_id``."""
        return WhereLinksGo(
            profile=target.profile,
            demo=demo_links_count(target, self._feature.demo_origin()),
            environment_id=self._window.environment_id(target),
        )

    def _own_earlier_links(self, request: LinkRequest, target: Target) -> int:
        """How many valid earlier links the form's own customer has where links go now (the
        warning says "3 links for Acme GmbH already exist"); 1, the one found, when the
        history cannot count them. One indexed count, on this thread like the check itself."""
        from kombo_desktop.core.history import HistoryError

        try:
            count = self._feature.store.count_own_duplicates(
                request, **self._where_links_go(target), demo_origin=self._feature.demo_origin()
            )
        except (HistoryError, RuntimeError) as error:
            _log.warning("Counting earlier links failed: %s", error)
            return 1
        return max(count, 1)

    def take_unchecked_reason(self, request: LinkRequest | RelinkRequest) -> str | None:
        """Why the link just made for ``request`` was made without the check (None when it was
        checked); said once, with the link."""
        unchecked, self._unchecked = self._unchecked, None
        if unchecked is not None and unchecked[0] == request:
            return unchecked[1]
        return None

    # --- integrations removed in Kombo ---------------------------------------------------------

    def integration_removed(self, integration_id: str) -> bool:
        """Whether Kombo's "no such integration" for ``integration_id`` means it was removed
        in Kombo: this profile (or another in the same Kombo environment) made a link for it
        before, in that environment, so neither a mistyped id nor another region or
        environment explains it. Its reconnection links can no longer work, and the warning
        stops offering them."""
        if integration_id in self._removed_integrations:
            return True
        if not self._made_here_before(integration_id):
            return False
        self._removed_integrations.add(integration_id)
        return True

    def _made_here_before(self, integration_id: str) -> bool:
        """Whether the history has a link for ``integration_id`` made where links go now (the
        check's rules: this profile or any in the same Kombo environment, and that environment
        when known)."""
        window, feature = self._window, self._feature
        target = window.target
        if target is None or target.demo:
            return False
        from kombo_desktop.core.history import HistoryError

        try:
            return feature.store.made_for_integration(
                integration_id, **self._where_links_go(target)
            )
        except (HistoryError, RuntimeError) as error:
            _log.warning("Looking up earlier links of %s failed: %s", integration_id, error)
            return False

    def target_changed(self) -> None:
        """Links go elsewhere now (another profile, key or region): what Kombo said was removed
        is asked again, and the held request and its earlier link belong to the previous
        profile (or the demo): "Use the existing link" must not hand that link out as one of
        the new profile's."""
        self._removed_integrations.clear()
        self.drop_warning()

    # --- the warning's choices -----------------------------------------------------------------

    def clear(self) -> None:
        """No request held, no warning (e.g. the reconnection link it suggested was made)."""
        self._held, self._held_for = None, None
        if self._banner is not None:
            self._banner.clear()

    def drop_warning(self, *, edited: bool = False) -> None:
        """The request held is no longer what the form asks for (the form was ``edited``, a
        refreshed tool list took its tool out, links go elsewhere): a warning shown goes.
        Gone by editing, the status line, if it still sends the person to the warning, says
        why nothing was sent instead (the other ways say what changed themselves)."""
        if self._banner is not None and self._banner.earlier is not None:
            window = self._window
            window.take_focus_from(self._banner)  # a choice of the warning may have it
            self.clear()
            if edited and window.statusPanel.text == CHOOSE_IN_WARNING:
                window.show_status(GONE_BY_EDITING, "info")

    def _dismiss(self) -> None:
        self.clear()
        self._window.show_status("Nothing was sent.", "info")
        # Back to the form (the warning's button the focus was on is gone; Qt would put it on
        # the tab bar).
        self._window.linkForm.focus_first_field()

    def change_origin_id(self) -> None:
        """Back to the customer id, which the other organisation's earlier link has too (most
        likely the previous customer's, left in the form); nothing is sent."""
        self.clear()
        window = self._window
        window.show_status(
            "Nothing was sent. Change or clear the customer id, then press "
            f"“{spoken_name(CREATE_TEXT)}”.",
            "info",
        )
        edit = window.linkForm.originIdEdit
        edit.setFocus()
        edit.selectAll()

    def use_existing(self) -> None:
        """Show the earlier link in the result area; nothing is sent."""
        earlier, request = self.banner.earlier, self._held
        self.clear()
        if earlier is None:
            return
        window = self._window
        if not earlier.is_valid():  # it expired while the warning was open
            window.show_status(
                "The earlier link has expired in the meantime, so it cannot be used. Press "
                f"“{CREATE_TEXT}” to make a new one.",
                "info",
            )
            window.linkForm.createButton.setFocus()
            return
        from kombo_desktop.ui.duplicate_banner import differences, made_for_another_organization

        if request is not None and made_for_another_organization(earlier, request):
            # Not offered for another organisation's link (the banner hides the button): a
            # safety net, that link must never sit beside the form's customer.
            window.show_status(OTHER_ORGANIZATIONS_LINK_NOT_SHOWN, "info")
            window.linkForm.createButton.setFocus()
            return
        from kombo_desktop.ui.history_model import made_when

        made = made_when(earlier.created_at)
        if request is not None:
            # The last customer's reconnection goes, as after a new link for this one. Before
            # the link is shown: the id cleared after it read as other details typed, which
            # take the link on show off the screen (``LinkMaking.customer_typed``).
            window.relinkForm.link_given_to(request.end_user_organization_name)
        self._feature.from_history.show_history_link(earlier, customer=request)
        # What the warning said of it stays said: the link handed out is not what the form
        # asks for (another tool, no scope config...), though it is this customer's.
        tool = self._feature.entry_tool(earlier)
        unlike = differences(earlier, request, tool) if request else ""
        window.show_status(
            f"Showing the link made {made} for this customer.{unlike} Nothing was sent to Kombo.",
            "info" if unlike else "success",
        )
        # On the link, as after a new one: the copy keys copy it at once, its code in view.
        window.resultPanel.focus_link()

    def relink_instead(self) -> None:
        """Switch to the reconnection tab for this customer; the integration id is asked for."""
        from kombo_desktop.ui.customer import Customer
        from kombo_desktop.ui.duplicate_banner import made_for_another_organization

        earlier, request = self.banner.earlier, self._held
        if (
            earlier is not None
            and request is not None
            and made_for_another_organization(earlier, request)
        ):
            # Not offered (the banner hides the button): that organisation's integration is not
            # this customer's to reconnect. The warning stays.
            return
        self.clear()
        if request is None:
            return
        window = self._window
        known_id = earlier.integration_id if earlier is not None else None
        self._feature.relink_customer.remember(Customer.of_request(request, known_id))
        # An id typed on the tab and not used yet may be this customer's (pasted first): it
        # stays, checked against this customer when Kombo names its organisation. One a
        # reconnection link was made with is the last customer's.
        form = window.relinkForm
        typed = form.integration_id if form.holds_unused_id() else ""
        # The earlier link on show (this customer's) makes way for the reconnection link; the
        # id typed next must not read as another customer's details (see LinkMaking.customer_typed).
        window.resultPanel.clear()
        form.fill(known_id or typed, request.language, request.link_type)
        window.show_relink_mode()
        if known_id:
            window.show_status(
                "The integration id of the earlier reconnection link is filled in. Check it, "
                f"then press “{RELINK_TEXT}”.",
                "info",
            )
        elif typed:
            window.show_status(RELINK_CHECK_TYPED_HINT, "info")
        else:
            window.show_status(RELINK_PASTE_HINT, "info")

    def create_anyway(self) -> None:
        """Send the held request after all (the form is unchanged: editing closes the warning).

        If the profile changed meanwhile (settings, demo), the check runs again for the new one.
        """
        confirmed_for = self._held_for
        self.clear()
        self._bypass_once = confirmed_for is not None and confirmed_for == self._window.target
        # From Create, the focus goes on to Cancel while Kombo works (see RequestForm.set_busy)
        # and to the link after it, as for any link.
        self._window.linkForm.createButton.setFocus()
        try:
            self._window.submit_create()
        finally:
            self._bypass_once = False
