"""The customer a reconnection link is being made for, and whom an earlier link handed to the
form's customer names. The customer details themselves are ``customer.Customer``.

Why a module of its own: a reconnection request names no customer, only an integration id, yet
its history entry, its invitation and its QR code's file name should name the customer it is
for. That customer comes from where the reconnection was started (the duplicate warning's
"make a reconnection link instead", a history entry), else from an earlier reconnection of the
same integration in the history, else from the organisation Kombo named for the id. These rules
are used by the window's history (``history_feature``) and by the duplicate warning
(``duplicate_flow``), and are about neither's widgets.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from kombo_desktop.core.integration_id import integration_tool
from kombo_desktop.core.link_request import LinkRequest, RelinkRequest

if TYPE_CHECKING:
    from kombo_desktop.core.history import HistoryEntry
    from kombo_desktop.ui.customer import Customer
    from kombo_desktop.ui.history_opening import BackgroundHistory
    from kombo_desktop.ui.main_window import MainWindow

_log = logging.getLogger(__name__)


def organization_to_name(earlier: HistoryEntry, customer: LinkRequest) -> str | None:
    """The organisation the invitation and the QR code's file name name when ``earlier``'s
    link is handed to the form's ``customer``: the form's, or none when the link was made for
    another organisation (the same e-mail address or customer id).

    That link connects the other organisation, so the form's name would label a code that
    does not connect it; and the other organisation's name is what the warning leaves out
    (in screen-sharing mode the watching customer would read it in the save dialog, or in
    the e-mail). A neutral "kombo-link.png" and "your company" say nothing untrue and name
    no one.
    """
    from kombo_desktop.ui.duplicate_banner import made_for_another_organization

    if made_for_another_organization(earlier, customer):
        return None
    return customer.end_user_organization_name


class RelinkCustomer:
    """The customer a reconnection was started for, until the person moves on to another (the
    form is cleared, or a new link is made), and how a reconnection link made finds its
    customer."""

    def __init__(self, window: MainWindow, history: BackgroundHistory) -> None:
        self._window = window
        self._history = history
        self._customer: Customer | None = None

    def remember(self, customer: Customer) -> None:
        """A reconnection is started for ``customer`` (its integration id, when known)."""
        self._customer = customer

    def forget(self) -> None:
        self._customer = None

    def forget_unbound(self) -> None:
        """A customer remembered for "reconnect instead" whose integration id was never
        pasted belongs to that moment only; a later reconnection may be for someone else."""
        if self._customer is not None and self._customer.integration_id is None:
            self._customer = None

    def started_for(self, integration_id: str) -> str | None:
        """The organisation a reconnection was started for (the duplicate warning's "make a
        reconnection link instead", or a history entry), unless it was for another id."""
        known = self._customer
        if known is None or known.integration_id not in (None, integration_id):
            return None
        return known.organization

    def of_made(
        self, request: LinkRequest | RelinkRequest, *, named_when_asked: bool = True
    ) -> Customer:
        """The customer of a link just made: the form's, or for a reconnection link the one
        it was started for (the tool at least, from the integration id).
        ``named_when_asked``: Kombo had named the integration's organisation when the link
        was asked for, so the reconnection tab showed it (and any warning) by then."""
        # Imported here: made only once a link is, it is not loaded for the first frame.
        from kombo_desktop.ui.customer import Customer

        if isinstance(request, LinkRequest):
            self.forget_unbound()
            return Customer.of_request(request)
        from kombo_desktop.core.integrations import another_organization

        warned_for = self.started_for(request.integration_id)
        named = self._named_by_kombo(request.integration_id)
        if (
            named is not None
            and named_when_asked
            and another_organization(warned_for, named.organization)
        ):
            # Kombo names another organisation than the customer the reconnection was started
            # for (the reconnection tab said so), and the person went ahead: the link goes to
            # the one Kombo names, and its e-mail address is theirs to add, not the first
            # customer's. An answer that came only after the press was not seen: the
            # customer the reconnection was started for stays.
            known = self._customer = named
        else:
            known = self.of_integration(request.integration_id) or named or Customer()
        return replace(known, tool=known.tool or integration_tool(request.integration_id))

    def _named_by_kombo(self, integration_id: str) -> Customer | None:
        """The organisation Kombo named when the id was typed (``integration_lookup``)."""
        lookup = self._window.integration_lookup
        info = lookup.known(integration_id) if lookup is not None else None
        if info is None or not info.organization:
            return None
        from kombo_desktop.ui.customer import Customer

        return Customer(
            organization=info.organization, category=info.category, integration_id=integration_id
        )

    def of_integration(self, integration_id: str) -> Customer | None:
        """The customer a reconnection link for ``integration_id`` is for: from the form or
        history entry it was started from, else from an earlier reconnection of the same
        integration."""
        known = self._customer
        if known is not None and known.integration_id in (None, integration_id):
            # Later reconnections of this integration find these details in the history.
            self._customer = replace(known, integration_id=integration_id)
            return known
        from kombo_desktop.core.history import HistoryError
        from kombo_desktop.ui.customer import Customer

        try:
            for entry in self._history.store.search(integration_id, limit=20):
                if entry.integration_id == integration_id and (entry.email or entry.organization):
                    return Customer.of_entry(entry)
        except (HistoryError, RuntimeError) as error:
            _log.warning("Looking up the customer of %s failed: %s", integration_id, error)
        return None
