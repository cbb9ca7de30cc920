"""The duplicate check: is there already a valid link for this customer and tool?

Kombo does not deduplicate links, so a second click (or a colleague who already sent one) would
otherwise hand the same customer two live links. The window asks before every new link and
offers the earlier one instead. The rules live here, apart from storage, because they are the
part that product decisions change.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Final

from kombo_desktop.core.history.entries import HistoryEntry
from kombo_desktop.core.history.normalise import as_utc, optional_text, stored_time
from kombo_desktop.core.history.ordering import MADE
from kombo_desktop.core.history.schema import ENTRY_COLUMN_LIST
from kombo_desktop.core.letters import fold, organization_key, without_lone_surrogates
from kombo_desktop.core.link_request import LinkRequest
from kombo_desktop.core.vocabulary import Category

# The earlier links a new one would duplicate (see ``find_duplicate``). Candidates come from the
# three per-profile indexes and, when the Kombo environment is known, the three per-environment
# ones; a customer id, when both sides have one, decides alone. NULL parameters (no tool, no
# e-mail, no environment...) match nothing, as intended. Only fixed text (the column list) is
# put into the queries made with it; every value is a bound parameter.
_MATCHING: Final = """
    WHERE id IN (
            SELECT id FROM links WHERE profile = :profile AND origin_id = :origin_id
            UNION ALL
            SELECT id FROM links WHERE profile = :profile AND organization_key = :organization_key
                AND (:origin_id IS NULL OR origin_id IS NULL)
            UNION ALL
            SELECT id FROM links WHERE profile = :profile AND email_key = :email_key
                AND (:origin_id IS NULL OR origin_id IS NULL)
            UNION ALL
            SELECT id FROM links WHERE environment_id = :environment_id
                AND origin_id = :origin_id
            UNION ALL
            SELECT id FROM links WHERE environment_id = :environment_id
                AND organization_key = :organization_key
                AND (:origin_id IS NULL OR origin_id IS NULL)
            UNION ALL
            SELECT id FROM links WHERE environment_id = :environment_id
                AND email_key = :email_key
                AND (:origin_id IS NULL OR origin_id IS NULL))
        AND expires_at > :now AND (:demo IS NULL OR demo = :demo)
        AND remote_environment IS :remote_environment
        AND (environment_id IS NULL OR :environment_id IS NULL
             OR environment_id = :environment_id)
        AND CASE WHEN :tool IS NULL THEN category = :category
            ELSE (tool = :tool AND (category IS NULL OR :category IS NULL
                                    OR category = :category))
                OR (tool IS NULL AND category = :category) END
"""
# The newest of them is the one made last as far as can be known (see .ordering: a link dated
# later than now, by a clock that was ahead, is not newer than one saved after it); each row
# ends with that time.
_DUPLICATE: Final = f"""
    SELECT {ENTRY_COLUMN_LIST}, {MADE} AS made FROM links {_MATCHING}
    ORDER BY made DESC, id DESC LIMIT 1
"""  # noqa: S608
# Those that are the organisation's own: made for it (as ``organization_key`` compares names)
# or naming none, as the warning tells another organisation's link apart
# (``made_for_another_organization``); and, of demo links, those of the demo service running at
# ``:demo_origin`` (``HistoryEntry.from_an_ended_demo``). Read through the same indexes.
_OWN_MATCHING: Final = f"""{_MATCHING}
        AND (coalesce(organization, '') = '' OR organization_key = :organization_key)
        AND (demo = 0 OR substr(url, 1, length(:demo_origin) + 1) = :demo_origin || '/')
"""
_COUNT_FOR_THE_ORGANIZATION: Final = f"SELECT count(*) FROM links {_OWN_MATCHING}"  # noqa: S608
# The newest of the organisation's own, as ``_DUPLICATE`` chooses.
_OWN_DUPLICATE: Final = f"""
    SELECT {ENTRY_COLUMN_LIST}, {MADE} AS made FROM links {_OWN_MATCHING}
    ORDER BY made DESC, id DESC LIMIT 1
"""  # noqa: S608


class DuplicateCheck(ABC):
    """The history's duplicate check; :class:`HistoryStore` supplies the reading."""

    @abstractmethod
    def _newest_entry(self, query: str, parameters: Mapping[str, object]) -> HistoryEntry | None:
        """The newest entry of the first rows ``query`` returns from the history and from the
        links waiting to be saved in it (made all the same), or None; read under the store's
        lock. Each row ends with the time it counts as made at ``parameters["now"]`` (see
        :mod:`.ordering`)."""

    @abstractmethod
    def _total_count(self, query: str, parameters: Mapping[str, object]) -> int:
        """The sum of the counts ``query`` returns from the history and from the links
        waiting to be saved in it; read under the store's lock."""

    def find_duplicate(
        self,
        profile: str,
        *,
        origin_id: str | None,
        organization: str | None,
        email: str | None,
        category: Category | None,
        tool: str | None,
        now: datetime | None = None,
        demo: bool | None = False,
        remote_environment: str | None = None,
        environment_id: str | None = None,
    ) -> HistoryEntry | None:
        """The newest still-valid link that a new link with these details would duplicate.

        Call it before sending a create-link request. An earlier entry (new link or reconnection
        link) is a duplicate when all of these hold:

        * it was made with the same ``profile``, or in the same Kombo environment
          (``environment_id``, known on both sides) with any profile: a link made with the
          key given at start (KOMBO_API_KEY) while another profile was chosen is in that
          key's environment, and a second link there for the same customer is one too many;
        * it is for the same customer: when both it and the new request carry a customer id
          (``origin_id``) the ids must be equal; otherwise the organisation names must be equal
          ignoring case, spacing, punctuation and accents (``organization_key``), or the
          e-mail addresses equal ignoring case;
        * it is for the same tool in the same category (a tool such as Personio serves several,
          and each is an integration of its own; an entry whose category is not known counts),
          or it let the customer choose the tool in this category (they may have chosen this
          one); when no tool is chosen now, any link in the same category counts;
        * it is for the same tool environment (``remote_environment``, e.g. a tool's DEMO
          system; None for the live system): an integration with a tool's test system and
          one with its live system are two wanted integrations, not one made twice;
        * it was made in the same Kombo environment (``environment_id``, the one the
          profile's key belongs to), when both are known: a profile whose key was replaced
          by one of another environment (development, then production) makes links that
          connect elsewhere;
        * it has not expired at ``now`` (default: the current time);
        * it is in the history file, or waits to be saved in it (see :mod:`.waiting`);
          of several, the one made last, as far as can be known (see :mod:`.ordering`): a
          link dated later than now, by a clock that was ahead then, is not taken for newer
          than one saved after it;
        * it is a demo link exactly when ``demo`` is true (demo and real links never match);
          ``demo=None`` takes either (a service on this computer may answer with either).

        So a different customer id means a different customer even under the same name, and an
        earlier entry made without a customer id is still caught by name or e-mail.
        """
        parameters = _parameters(
            profile,
            origin_id=origin_id,
            organization=organization,
            email=email,
            category=category,
            tool=tool,
            now=now,
            demo=demo,
            remote_environment=remote_environment,
            environment_id=environment_id,
        )
        return None if parameters is None else self._newest_entry(_DUPLICATE, parameters)

    def duplicate_of(
        self,
        request: LinkRequest,
        *,
        profile: str,
        now: datetime | None = None,
        demo: bool | None = False,
        environment_id: str | None = None,
    ) -> HistoryEntry | None:
        """:meth:`find_duplicate` for a link request about to be sent."""
        parameters = _request_parameters(request, profile, now, demo, environment_id)
        return None if parameters is None else self._newest_entry(_DUPLICATE, parameters)

    def own_duplicate_of(
        self,
        request: LinkRequest,
        *,
        profile: str,
        now: datetime | None = None,
        demo: bool | None = False,
        environment_id: str | None = None,
        demo_origin: str | None = None,
    ) -> HistoryEntry | None:
        """The newest of the links :meth:`count_own_duplicates` counts: :meth:`duplicate_of`
        limited to ``request``'s own organisation (and to demo links of the demo service at
        ``demo_origin``), or None.

        The warning is about this one when there is one, whatever newer link another
        organisation has with the same e-mail address or customer id: a link made for that
        organisation ("Create a new link anyway" for it) must not hide the form's customer's
        own valid link, the very duplicate the warning exists to stop."""
        parameters = _request_parameters(request, profile, now, demo, environment_id)
        if parameters is None:
            return None
        parameters["demo_origin"] = demo_origin
        return self._newest_entry(_OWN_DUPLICATE, parameters)

    def count_own_duplicates(
        self,
        request: LinkRequest,
        *,
        profile: str,
        now: datetime | None = None,
        demo: bool | None = False,
        environment_id: str | None = None,
        demo_origin: str | None = None,
    ) -> int:
        """How many of the still-valid earlier links :meth:`duplicate_of` chooses the newest
        of for ``request`` are for its own organisation: made for it (its name written any way
        ``organization_key`` ignores) or for no organisation named. Another organisation's,
        found by the same e-mail address or customer id, are not counted: the warning names
        the form's customer only for links of its own. Nor are demo links of a demo service
        no longer running (``demo_origin`` is the address of the one running, None when none
        does): they lead nowhere, and the warning never offers them.

        The warning says "3 links for Acme GmbH already exist": the person learns that the
        customer was sent several, not only the latest. One count through the duplicate
        check's indexes (see ``_MATCHING``), however long the history."""
        parameters = _request_parameters(request, profile, now, demo, environment_id)
        if parameters is None:
            return 0
        parameters["demo_origin"] = demo_origin
        return self._total_count(_COUNT_FOR_THE_ORGANIZATION, parameters)


def _request_parameters(
    request: LinkRequest,
    profile: str,
    now: datetime | None,
    demo: bool | None,
    environment_id: str | None,
) -> dict[str, object] | None:
    """The bound parameters of ``_MATCHING`` for a link request about to be sent."""
    return _parameters(
        profile,
        origin_id=request.end_user_origin_id,
        organization=request.end_user_organization_name,
        email=request.end_user_email,
        category=request.integration_category,
        tool=request.integration_tool,
        now=now,
        demo=demo,
        remote_environment=request.remote_environment,
        environment_id=environment_id,
    )


def _parameters(
    profile: str,
    *,
    origin_id: str | None,
    organization: str | None,
    email: str | None,
    category: Category | None,
    tool: str | None,
    now: datetime | None,
    demo: bool | None,
    remote_environment: str | None,
    environment_id: str | None,
) -> dict[str, object] | None:
    """The bound parameters of ``_MATCHING`` (see ``find_duplicate``); None when neither a
    tool nor a kind of system is given, which nothing duplicates."""
    chosen_tool = optional_text(tool)
    if chosen_tool is None and category is None:
        return None
    return {
        "profile": without_lone_surrogates(profile),
        "origin_id": optional_text(origin_id),
        # An empty name or address must not match every other empty one.
        "organization_key": organization_key(organization) or None,
        "email_key": fold(email) or None,
        "tool": chosen_tool,
        "category": None if category is None else Category(category).value,
        "now": stored_time(as_utc(now or datetime.now(UTC))),
        "demo": None if demo is None else int(demo),
        "remote_environment": optional_text(remote_environment),
        "environment_id": optional_text(environment_id),
    }
