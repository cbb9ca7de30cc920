"""Who a link is for, as far as the window knows: from the form, or from the history.

Made once a link is made or an earlier one is used; which customer a reconnection link is for
is ``link_customer``'s.

It has a module of its own so that it loads after the window's first frame, in the idle time
that follows it (see ``LinkMaking``), not before: Python 3.11 compiles a dataclass's generated
methods from source as its module loads, about 1 ms a class here.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from kombo_desktop.ui.invitation_context import InvitationContext

if TYPE_CHECKING:
    from datetime import datetime

    from kombo_desktop.core.history import CustomerDetails, HistoryEntry
    from kombo_desktop.core.link_request import LinkRequest
    from kombo_desktop.core.vocabulary import Category, Language, LinkType


@dataclass(frozen=True)
class Customer:
    """Who a link is for, as far as the window knows (from the form or the history)."""

    email: str | None = None
    organization: str | None = None
    origin_id: str | None = None
    category: Category | None = None
    tool: str | None = None
    integration_id: str | None = None  # None: not known yet (the person pastes it)
    remote_environment: str | None = None  # the tool's environment (None: its live system)

    @classmethod
    def of_request(cls, request: LinkRequest, integration_id: str | None = None) -> Customer:
        return cls(
            email=request.end_user_email,
            organization=request.end_user_organization_name,
            origin_id=request.end_user_origin_id,
            category=request.integration_category,
            tool=request.integration_tool,
            integration_id=integration_id,
            remote_environment=request.remote_environment,
        )

    def for_history(self) -> CustomerDetails:
        """These details as the history keeps them with a link made for this customer."""
        from kombo_desktop.core.history import CustomerDetails  # sqlite3: not at start

        return CustomerDetails(
            email=self.email,
            organization=self.organization,
            origin_id=self.origin_id,
            category=self.category,
            tool=self.tool,
            remote_environment=self.remote_environment,
        )

    def typed(self) -> tuple[str, str, str]:
        """E-mail, organisation and customer id as the new-link form's ``customer_text``."""
        return self.email or "", self.organization or "", self.origin_id or ""

    @classmethod
    def of_entry(cls, entry: HistoryEntry) -> Customer:
        # A history entry keeps every one of these under the same name.
        return cls(**{field.name: getattr(entry, field.name) for field in fields(cls)})

    def invitation(
        self,
        url: str,
        language: Language,
        link_type: LinkType,
        *,
        tool_label: str | None,
        is_demo: bool,
        made: datetime,
        reconnection: bool,
    ) -> InvitationContext:
        """What the invitation buttons need for ``url``, made for this customer at ``made``."""
        return InvitationContext(
            url=url,
            language=language,
            link_type=link_type,
            organization=self.organization,
            email=self.email,
            tool_label=tool_label,
            category=self.category,
            is_demo=is_demo,
            made=made,
            reconnection=reconnection,
        )
