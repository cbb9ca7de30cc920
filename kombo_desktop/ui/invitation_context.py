"""What an invitation for one shown link needs to know, and the invitation it makes.

The invitation buttons (``invitation_bar``) act on one of these, which the window's history
hands them with each link made (``Customer.invitation``).

It has a module of its own so that it loads after the window's first frame, in the idle time
that follows it (see ``LinkMaking``), not before: Python 3.11 compiles a dataclass's generated
methods from source as its module loads, about 1 ms a class here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from kombo_desktop.core.invitation import Invitation
    from kombo_desktop.core.vocabulary import Category, Language, LinkType


@dataclass(frozen=True)
class InvitationContext:
    """What an invitation for one shown link needs to know."""

    url: str
    language: Language
    link_type: LinkType
    organization: str | None = None
    email: str | None = None
    tool_label: str | None = None
    category: Category | None = None
    is_demo: bool = False
    made: datetime | None = None  # when the link was made: an old one says until when it works
    reconnection: bool = False  # a reconnection link asks to reconnect, not to connect

    def invitation(self) -> Invitation:
        # Imported on first use: the texts are read from files.
        from kombo_desktop.core.invitation import invitation, marked_as_demo

        made = invitation(
            self.language,
            link=self.url,
            link_type=self.link_type,
            organization=self.organization,
            tool_label=self.tool_label,
            category=self.category,
            made=self.made,
            reconnection=self.reconnection,
        )
        return marked_as_demo(made) if self.is_demo else made

    def may_have_expired(self) -> bool:
        """Whether the link may have expired already, as it was made while this computer's
        clock was ahead: the history says "May have expired" of it, and the invitation says so
        too (see ``core.clock_ahead``)."""
        if self.made is None:
            return False
        from kombo_desktop.core.clock_ahead import may_have_expired
        from kombo_desktop.core.vocabulary import LINK_LIFETIMES

        return may_have_expired(self.made, LINK_LIFETIMES[self.link_type])

    def copy_invitation(self) -> None:
        """Put the invitation on the clipboard, as plain text and as HTML (see ``rich_copy``)."""
        from kombo_desktop.ui import rich_copy

        rich_copy.copy_invitation(self.invitation().body, self.url, self.is_demo)

    @property
    def recipient(self) -> str | None:
        """Whom the e-mail goes to: the customer, but never for a demo link (it connects
        nothing, and one click on Send would hand it to a real customer)."""
        return None if self.is_demo else self.email

    def mailto(self, *, with_body: bool = True) -> str:
        from kombo_desktop.core.invitation import mailto_url

        return mailto_url(self.recipient or "", self.invitation(), with_body=with_body)
