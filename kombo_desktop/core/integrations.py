"""Whose an integration is and whether it works, from ``GET /integrations/{integration_id}``.

Before a reconnection link goes to a customer, the person making it should see that the id
they pasted is the customer's connection they mean, and why it needs reconnecting. Sending the
link for another customer's integration would let the wrong person sign in to it again.

Nothing from the answer is trusted: ``integration_from_answer`` takes only the fields it
needs, as short plain text (``clean``), and an answer that lacks them yields None. The
sentence for the window leaves the organisation out in screen-sharing mode.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from kombo_desktop.core.errors import ANOTHER_PLACE_TEXT, UNKNOWN_ID_TEXT, NotFoundError
from kombo_desktop.core.letters import organization_key
from kombo_desktop.core.vocabulary import NEW_LINK_TAB_TEXT, Category


class IntegrationStatus(StrEnum):
    """Kombo's ``status`` of an integration (``UNKNOWN`` for a value this program does not know)."""

    ACTIVE = "ACTIVE"  # syncing as expected
    INVALID = "INVALID"  # the customer's sign-in no longer works: what a relink fixes
    INACTIVE = "INACTIVE"  # switched off by hand in Kombo
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True)
class IntegrationInfo:
    """What the reconnection tab needs to know about an integration, as cleaned plain text."""

    integration_id: str
    tool: str  # the tool's display name (its id when Kombo sent no name)
    organization: str | None
    status: IntegrationStatus
    set_up: bool  # False while the customer has not finished the connection's set-up
    category: Category | None = None


def integration_from_answer(data: object, clean: Callable[[str], str]) -> IntegrationInfo | None:
    """The details from an answer's ``data``; None when it lacks the id or the tool.

    ``clean`` turns a text from the network into short, safe plain text ("" to leave it out).
    """
    if not isinstance(data, dict):
        return None
    tool = data.get("tool")
    integration_id = _text(data.get("id"), clean)
    tool_id = _text(tool.get("id"), clean) if isinstance(tool, dict) else None
    tool_label = _text(tool.get("label"), clean) if isinstance(tool, dict) else None
    if integration_id is None or (tool_label or tool_id) is None:
        return None
    end_user = data.get("end_user")
    organization = (
        _text(end_user.get("organization_name"), clean) if isinstance(end_user, dict) else None
    )
    raw_status = data.get("status")
    known = {status.value for status in IntegrationStatus}
    status = IntegrationStatus(raw_status) if raw_status in known else IntegrationStatus.UNKNOWN
    raw_category = data.get("category")
    categories = {category.value for category in Category}
    return IntegrationInfo(
        integration_id=integration_id,
        tool=tool_label or tool_id or "",
        organization=organization,
        status=status,
        set_up=data.get("setup_status") in (None, "COMPLETED", "FINAL_SYNC_PENDING"),
        category=Category(raw_category) if raw_category in categories else None,
    )


def _text(value: object, clean: Callable[[str], str]) -> str | None:
    if not isinstance(value, str):
        return None
    return clean(value) or None


_STATUS_SENTENCES = {
    IntegrationStatus.ACTIVE: (
        "It works; a reconnection link lets the customer sign in again anyway."
    ),
    IntegrationStatus.INVALID: (
        "It stopped working because its sign-in is no longer accepted: a reconnection link "
        "fixes this."
    ),
    IntegrationStatus.INACTIVE: (
        "It was switched off in Kombo, so a reconnection link will not help: switch it back on "
        "from its page in the Kombo dashboard."
    ),
    IntegrationStatus.UNKNOWN: "Kombo did not say whether it works.",
}


# On the status line once a reconnection link was made for an integration Kombo said is
# switched off: "ready, copy it" said the opposite of the sentence under the id.
SWITCHED_OFF_LINK_TEXT = (
    "Reconnection link made, but this integration is switched off in Kombo, so the link will "
    "not help yet: switch it back on from its page in the Kombo dashboard first."
)


def switched_off(info: IntegrationInfo | None) -> bool:
    """Whether Kombo said the integration is switched off (a reconnection link cannot help)."""
    return info is not None and info.status is IntegrationStatus.INACTIVE


# For an id Kombo does not know (see ``not_found_text``). The demo knows every id that starts
# with one of its tools; the dashboard and regions mean nothing there.
NOT_FOUND_TEXT = NotFoundError.default_message
# With several profiles, one of them may reach the account or region the id is in.
NOT_FOUND_SEVERAL_PROFILES_TEXT = f"{UNKNOWN_ID_TEXT} If it was right, {ANOTHER_PLACE_TEXT}"
# On the status line once Kombo refused a reconnection for an id it does not know: the field
# says what to do (one of the texts above), and the status line had said it again in other
# words, with an example id the typed one already looked like.
NOT_FOUND_STATUS = (
    "No link was made: Kombo has no integration with this id (what to do is written under "
    "“Integration id”)."
)


def not_found_text(*, several_profiles: bool) -> str:
    """Why Kombo may not know a well-formed id, and what to do: "choose the matching profile
    in Settings" only when Settings has another profile to choose."""
    return NOT_FOUND_SEVERAL_PROFILES_TEXT if several_profiles else NOT_FOUND_TEXT


# For an id Kombo does not know although this profile made a link for it (the history says
# so): copying the id again or another region cannot help, a new connection link does (made
# on the window's "New link" tab, whose name the status line's button also bears).
REMOVED_TEXT = (
    "Kombo no longer has this integration, though this profile made a link for it before: it "
    "seems to have been removed or disconnected in Kombo. The customer needs a new connection "
    f"link: make one with “{NEW_LINK_TAB_TEXT}”."
)

# On the status line once Kombo refused a reconnection for an integration removed since this
# profile made a link for it: :data:`REMOVED_TEXT` is under the id, said once there.
REMOVED_STATUS = (
    "No link was made: Kombo no longer has this integration (what to do is written under "
    "“Integration id”)."
)


def removed_profile_text(profile: str) -> str:
    """Who alone could reconnect an integration, when that is a profile removed since: only
    the key of the Kombo account it was connected in can, and "choose that profile in
    Settings" sent the person looking for a profile Settings no longer lists."""
    return (
        f"The integration was connected with the profile “{profile}”, which was removed: add "
        "a profile with that Kombo account's key in Settings to reconnect it."
    )


def not_found_for_removed_profile_text(profile: str) -> str:
    """For an id Kombo does not know with the key in use, which the history says was connected
    with ``profile``, removed since: not :data:`NOT_FOUND_TEXT`'s "copy it again" and "choose
    the matching profile", which contradicted what the status line said of that profile."""
    return (
        f"Kombo has no integration with this id for this profile. {removed_profile_text(profile)}"
    )


DEMO_NOT_FOUND_TEXT = (
    "The demo has no integration with this id. Demo ids start with a tool's name, for example "
    "personio:93fCvorjZ2jas7ZekX1V1n5d."
)


def integration_text(info: IntegrationInfo, *, private: bool) -> str:
    """What the relink tab says about the integration; without names when ``private``."""
    if private or not info.organization:
        whose = f"This is a {info.tool} connection."
    else:
        whose = f"This is the {info.tool} connection of {info.organization}."
    if not info.set_up:
        return f"{whose} The customer has not finished setting it up yet."
    return f"{whose} {_STATUS_SENTENCES[info.status]}"


def mismatch_text(info: IntegrationInfo, *, private: bool, started_for: str | None) -> str | None:
    """A warning when Kombo names another organisation for the integration than
    ``started_for``, the customer the reconnection was started for (from the duplicate warning
    or the history): the id may be another customer's. None when the names agree or either is
    unknown."""
    if not another_organization(started_for, info.organization):
        return None
    if private:
        return (
            f"Check the id: in Kombo this {info.tool} connection belongs to another "
            "organisation than the customer you started from."
        )
    return (
        f"Check the id: in Kombo this {info.tool} connection belongs to {info.organization}, "
        f"not to {started_for}, the customer you started from."
    )


def another_organization(started_for: str | None, named: str | None) -> bool:
    """Whether Kombo ``named`` another organisation than the one a reconnection was
    ``started_for``; False when either is unknown. The warning above and the window's choice
    of whom the reconnection link is for follow this one rule."""
    if not started_for or not named:
        return False
    return not same_organization(started_for, named)


def same_organization(first: str, second: str) -> bool:
    """The same name, whatever the case, spaces, punctuation and accents ("ACME gmbh." is
    "Acme GmbH"): the duplicate check's rule (``organization_key``), so that the two never
    disagree about whether a customer is the one the history knows."""
    return organization_key(first) == organization_key(second)
