"""The tool environment and advanced options of the previous customer's link, left in the form
for the next one.

As with the customer id (see ``previous_customer_id``), staff type the next customer's details
over the form. The tool environment sits below the fold on a laptop and the advanced options
are folded away, so a test system, a scope config id, employee filtering or field mapping set
for one customer went, unseen, with the next customer's link. So once a link is made (or a
customer filled in from the history), those options, still as they were, beside another
organisation are a problem until they are cleared, changed, or kept on purpose ("Keep them":
the next customer may need the same). An option changed since is the new customer's own.
Options held back from a link (an environment while the customer chose the tool, employee
filtering for another kind of system) stay in the form and come back with a later link, so
they are that link's customer's too.
"""

from __future__ import annotations

from collections.abc import Mapping

from kombo_desktop.core import link_request as lr
from kombo_desktop.core.letters import organization_key
from kombo_desktop.core.link_request import LinkRequest
from kombo_desktop.ui.previous_customer_id import another_organization, previous_link

# The options, in form order, as the person knows them.
OPTION_NAMES: dict[str, str] = {
    lr.REMOTE_ENVIRONMENT: "tool environment",
    lr.SCOPE_CONFIG_ID: "scope config id",
    lr.ENABLE_FILTERING: "employee filtering",
    lr.ENABLE_FIELD_MAPPING: "field mapping",
}

# Wire field -> value as sent (empty or unticked: not set, see ``options_set``).
Options = Mapping[str, object]


def options_of(request: LinkRequest) -> dict[str, object]:
    """The tool environment and advanced options ``request`` sends."""
    return {
        lr.REMOTE_ENVIRONMENT: request.remote_environment,
        lr.SCOPE_CONFIG_ID: request.scope_config_id,
        lr.ENABLE_FILTERING: request.enable_filtering,
        lr.ENABLE_FIELD_MAPPING: request.enable_field_mapping,
    }


def with_held_back(sent: Options, in_form: Options) -> dict[str, object]:
    """The options ``sent`` with a link, and beside them those ``in_form`` that it did not
    send: held back (an environment without a tool, employee filtering for another kind of
    system), they stay in the form and go with a later link once a tool or HR systems are
    chosen again, so they are that link's customer's too."""
    return {**options_set(in_form), **options_set(sent)}


def options_set(options: Options) -> dict[str, object]:
    """``options`` (wire field -> value as sent) without those not set."""
    return {field: value for field, value in options.items() if field in OPTION_NAMES and value}


def in_words(fields: list[str]) -> str:
    """The options of ``fields`` in plain words: tool environment, scope config id and field
    mapping."""
    names = [OPTION_NAMES[field] for field in fields]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


class PreviousCustomerOptions:
    """The organisation and options last used together (sent, or held back in the form beside
    it), and the options the person kept for another organisation."""

    def __init__(self) -> None:
        self._owner: tuple[str, dict[str, object]] | None = None
        self._kept: tuple[str, dict[str, object]] | None = None  # (organisation key, options)

    def note_owner(self, organization: str, options: Options) -> None:
        """A link was made for ``organization`` with ``options`` (or the form was filled in
        with them): from now on those options are its."""
        used = options_set(options)
        self._owner = (organization, used) if used else None
        self._kept = None

    def carried(self, organization: str, options: Options) -> list[str]:
        """The fields of ``options`` (the form's now) still as they were for the previous
        customer, beside another ``organization``, and not kept for it; in form order."""
        if self._owner is None:
            return []
        owner, used = self._owner
        if not another_organization(organization, owner):
            return []
        kept_for, kept = self._kept if self._kept is not None else ("", {})
        if kept_for != organization_key(organization):
            kept = {}
        now = options_set(options)
        return [
            field
            for field in OPTION_NAMES
            if field in used and now.get(field) == used[field] and kept.get(field) != used[field]
        ]

    def keep(self, organization: str, options: Options) -> None:
        """The person says ``options`` are ``organization``'s too."""
        self._kept = (organization_key(organization), options_set(options))

    def problem(self, organization: str, options: Options, *, private: bool) -> str | None:
        """What to say about the options still as they were for the previous customer beside
        another ``organization`` (None: nothing). The previous customer is named only when
        nobody may be watching (not ``private``)."""
        fields = self.carried(organization, options)
        if not fields or self._owner is None:
            return None
        were, them = ("was", "it") if len(fields) == 1 else ("were", "them")
        whose = previous_link(self._owner[0], private=private)
        return (
            f"The {in_words(fields)} {were} set for {whose}. Clear {them}, or keep {them} if "
            f"this customer needs {them} too."
        )
