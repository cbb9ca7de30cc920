"""The link the result panel shows, with what its title and its QR code's file name say.

Made when a link is shown (``link_making``, or an earlier one from the history); the panel
(``result_panel``) only reads it.

It has a module of its own so that it loads after the window's first frame, in the idle time
that follows it (see ``LinkMaking``), not before: Python 3.11 compiles a dataclass's generated
methods from source as its module loads, about 1 ms a class here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kombo_desktop.ui.result_panel import (
    NEW_LINK_TITLE,
    RECONNECTION_TITLE,
    TOOL_CHOSEN_BY_CUSTOMER,
    qr_file_stem,
)

if TYPE_CHECKING:
    from datetime import datetime

    from kombo_desktop.core.vocabulary import LinkType


@dataclass(frozen=True)
class ShownLink:
    """The link the panel shows, with what its title and its QR code's file name say."""

    url: str
    link_type: LinkType
    is_demo: bool
    created: datetime
    # What the name its QR code is offered to be saved under is made from (see ``file_stem``).
    organization: str | None = None
    integration_id: str | None = None  # a reconnection link's
    # A reconnection link, and the name of its tool (None for a new link whose tool the
    # customer chooses), which the panel's title says ("Reconnection link · Acme GmbH ·
    # Personio", "New link · Personio"). Not told by ``integration_id``: shown to the form's
    # customer from the duplicate warning, a reconnection link's code is named by the
    # organisation alone.
    reconnection: bool = False
    tool_label: str | None = None
    # Made while this computer's clock was ahead (a history entry dated later than now):
    # ``created`` is then the latest it can have been made, when it was shown, and its end the
    # latest it can be (see ``expiry.latest_expiry_text``).
    made_by_a_clock_ahead: bool = False
    # Chosen from the history, not made for (or matched to) the customer in the form, which may
    # be another: the title names its organisation too, as a reconnection link's.
    chosen_from_history: bool = False

    def title_words(self, screen_sharing: bool) -> list[str]:
        """What the panel's title says the link is: ["New link", "Personio"] (or "the
        customer chooses") for a new link, so that one shown beside the reconnection
        tab is not taken for the reconnection link asked for, and its organisation when it was
        chosen from the history (the form may hold another customer, for the same tool);
        ["Reconnection link", "Acme GmbH", "Personio"] for a reconnection link, so that one
        shown beside the new-link form, or after the status line moved on, is not taken for a
        new customer's link. The organisation comes before the tool, which a narrow title
        cuts short: whose link it is matters more. A reconnection's organisation only outside
        screen-sharing mode, as the reconnection tab says it (``integrations.
        integration_text``): the id may be another customer's."""
        named = bool(self.organization) and not screen_sharing
        if self.reconnection:
            words = [RECONNECTION_TITLE]
            tool = self.tool_label or self.integration_id
        else:
            words = [NEW_LINK_TITLE]
            tool = self.tool_label or TOOL_CHOSEN_BY_CUSTOMER
            named = named and self.chosen_from_history
        if named:
            words.append(str(self.organization))
        if tool:
            words.append(tool)
        return words

    def file_stem(self, screen_sharing: bool) -> str:
        """The name, without extension, the link's QR code is offered to be saved under, by
        the rule of ``qr_file_stem``. Worked out when the save dialog opens, not when the link
        was shown, as screen-sharing mode may have been turned on since. A reconnection's
        organisation is named only outside the mode: the reconnection tab names none for the
        id then (it may be another customer's, see ``integrations.integration_text``), and the
        save dialog shows the name."""
        if self.integration_id is not None and screen_sharing:
            return qr_file_stem(None, self.integration_id)
        return qr_file_stem(self.organization, self.integration_id)
