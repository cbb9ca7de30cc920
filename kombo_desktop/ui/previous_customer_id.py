"""Whose customer id the new-link form holds, to catch the previous customer's left behind.

Staff often type the next customer's e-mail and organisation over the form rather than clear
it, and "Your customer id" is optional and easy to leave as it was. Sent, that id told the
Kombo customer's own systems, which file integrations by it, that the next customer's
integration was the previous customer's. So once a link is made (or a customer filled in from
the history), the same id beside another organisation is a problem of the id field until it is
changed, cleared, or kept on purpose ("Keep this id": one id for several companies of a group).

The organisation tells, not the e-mail address: a new contact at the same company keeps the
company's id, while a new organisation with the same id is the mistake. Names are compared as
the duplicate check compares them (``same_organization``), so "ACME gmbh" is still Acme GmbH.
"""

from __future__ import annotations

from kombo_desktop.core.letters import organization_key


class PreviousCustomerId:
    """The organisation and customer id last used together (as sent), and the organisation
    the person kept that id for."""

    def __init__(self) -> None:
        self._owner: tuple[str, str] | None = None
        self._kept: tuple[str, str] | None = None  # (organisation key, id)

    def note_owner(self, organization: str, origin_id: str | None) -> None:
        """A link was made for ``organization`` with ``origin_id`` (or the form was filled in
        with them): from now on that id belongs to it."""
        self._owner = (organization, origin_id) if origin_id else None
        self._kept = None

    def keep(self, organization: str, origin_id: str) -> None:
        """The person says ``origin_id`` is ``organization``'s too."""
        self._kept = (organization_key(organization), origin_id)

    def kept_for(self, organization: str, origin_id: str) -> bool:
        """Whether the person chose "Keep this id" for ``organization`` and ``origin_id``."""
        return self._kept == (organization_key(organization), origin_id)

    def problem(self, organization: str, origin_id: str, *, private: bool) -> str | None:
        """What to say under the id field when it holds the previous customer's id beside
        another ``organization`` (None: nothing). The previous customer is named only when
        nobody may be watching (not ``private``)."""
        if self._owner is None:
            return None
        owner, owner_id = self._owner
        if origin_id != owner_id or not another_organization(organization, owner):
            return None
        if self.kept_for(organization, origin_id):
            return None
        return (
            f"This customer id was used for {previous_link(owner, private=private)}. Change "
            "it or clear it, or keep it if it is this customer's too."
        )


def another_organization(organization: str, owner: str) -> bool:
    """Whether ``organization`` (typed) is another than ``owner``'s, the previous link's."""
    # Here, not at the top: the window's first frame has no link made yet, and the module
    # (its dataclass and enum) costs the start-up about 1.5 ms.
    from kombo_desktop.core.integrations import same_organization

    return bool(organization) and not same_organization(organization, owner)


def previous_link(owner: str, *, private: bool) -> str:
    """The words for the previous customer's link, naming ``owner`` only when nobody may be
    watching (not ``private``)."""
    return "the previous customer's link" if private else f"the previous customer's link ({owner})"
