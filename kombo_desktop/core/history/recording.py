"""Recording the links that were made: the writing side of :class:`HistoryStore`.

The window records what it sent: a request (new link or reconnection), the link Kombo
returned, and for a reconnection the customer it was made for. It hands the link over with
``queue_request``, the one way a link enters the history: kept at once (the duplicate check
knows it), and written into the file later, on a worker thread, by
``HistoryStore.save_waiting_patiently``: writing waits for the disk, and for another program
holding the file. The request becomes one :class:`NewEntry` in one place
(:meth:`NewEntry.of_request`), so cleaning, defaults and the derived search columns are
decided once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from kombo_desktop.core.history.entries import EntryKind
from kombo_desktop.core.history.normalise import as_utc, optional_text, stored_time
from kombo_desktop.core.history.schema import ENTRY_COLUMN_LIST, SEARCHED_PARAMETERS
from kombo_desktop.core.integration_id import integration_tool
from kombo_desktop.core.letters import without_lone_surrogates
from kombo_desktop.core.link_request import LinkRequest, RelinkRequest
from kombo_desktop.core.vocabulary import LINK_LIFETIMES, Category, Language, LinkType

# Stores one entry's ``NewEntry.stored_values()``, computing the derived columns with the
# connection's functions (``schema.register_functions``), and returns it as stored. Fixed text
# with bound parameters: only constant column lists are put into it, never a value. Used for
# the history file and for the links waiting to be saved in it (``.waiting``) alike.
INSERT_ENTRY: Final = f"""
    INSERT INTO links (
        created_at, profile, environment_id, kind, email, organization, origin_id, category,
        tool, tool_label, language, link_type, url, expires_at, integration_id, demo,
        remote_environment, scope_config_id, enable_filtering, enable_field_mapping,
        organization_key, email_key, search_text)
    VALUES (
        :created_at, :profile, :environment_id, :kind, :email, :organization, :origin_id,
        :category, :tool, :tool_label, :language, :link_type, :url, :expires_at,
        :integration_id, :demo,
        :remote_environment, :scope_config_id, :enable_filtering, :enable_field_mapping,
        kombo_organization_key(:organization), kombo_fold(:email),
        kombo_search_text({SEARCHED_PARAMETERS}))
    RETURNING {ENTRY_COLUMN_LIST}
"""  # noqa: S608


# Names the organisation of a reconnection link's entry recorded before Kombo had said whose
# integration it is (see ``HistoryStore.name_relink_organization``): only an entry that names no
# customer at all, so that what the person gave is never overwritten. The derived columns are
# made from the new organisation (an UPDATE's expressions read the row's old values).
NAME_RELINK_ORGANIZATION: Final = f"""
    UPDATE links SET
        organization = :organization,
        category = coalesce(category, :category),
        organization_key = kombo_organization_key(:organization),
        search_text = kombo_search_text(
            :organization, email, origin_id, tool, tool_label, integration_id)
    WHERE url = :url AND kind = :kind
        AND organization IS NULL AND email IS NULL AND origin_id IS NULL
    RETURNING {ENTRY_COLUMN_LIST}
"""  # noqa: S608


@dataclass(frozen=True)
class CustomerDetails:
    """Whom a reconnection link is for, as the history keeps it.

    A relink request names only the integration; the window knows the customer from where the
    reconnection was started, an earlier reconnection, or the organisation Kombo names for the
    id. Kept with the entry, the reconnection is found by name and the duplicate check knows it.
    """

    email: str | None = None
    organization: str | None = None
    origin_id: str | None = None
    category: Category | None = None
    tool: str | None = None  # None: the part of the integration id before ":"
    remote_environment: str | None = None  # the tool's environment (None: its live system)


@dataclass(frozen=True)
class NewEntry:
    """A link about to be stored, with the values as the caller gave them."""

    kind: EntryKind
    profile: str
    language: Language
    link_type: LinkType
    url: str
    environment_id: str | None = None
    email: str | None = None
    organization: str | None = None
    origin_id: str | None = None
    category: Category | None = None
    tool: str | None = None
    tool_label: str | None = None
    integration_id: str | None = None
    created_at: datetime | None = None
    expires_at: datetime | None = None
    is_demo: bool = False
    remote_environment: str | None = None
    scope_config_id: str | None = None
    enable_filtering: bool = False
    enable_field_mapping: bool = False

    @classmethod
    def of_request(
        cls,
        request: LinkRequest | RelinkRequest,
        url: str,
        *,
        profile: str,
        environment_id: str | None = None,
        tool_label: str | None = None,
        created_at: datetime | None = None,
        is_demo: bool = False,
        customer: CustomerDetails | None = None,
    ) -> NewEntry:
        """The entry for the link Kombo returned for ``request``. A new link's request names
        its customer; ``customer`` is the one a reconnection link is for (none: unknown)."""
        if isinstance(request, RelinkRequest):
            return cls.of_relink(
                request.integration_id,
                request.language,
                request.link_type,
                url,
                customer or CustomerDetails(),
                profile=profile,
                environment_id=environment_id,
                tool_label=tool_label,
                created_at=created_at,
                is_demo=is_demo,
            )
        return cls(
            kind=EntryKind.LINK,
            profile=profile,
            environment_id=environment_id,
            email=request.end_user_email,
            organization=request.end_user_organization_name,
            origin_id=request.end_user_origin_id,
            category=request.integration_category,
            tool=request.integration_tool,
            tool_label=tool_label,
            language=request.language,
            link_type=request.link_type,
            url=url,
            created_at=created_at,
            is_demo=is_demo,
            remote_environment=request.remote_environment,
            scope_config_id=request.scope_config_id,
            enable_filtering=request.enable_filtering,
            enable_field_mapping=request.enable_field_mapping,
        )

    @classmethod
    def of_relink(
        cls,
        integration_id: str,
        language: Language,
        link_type: LinkType,
        url: str,
        customer: CustomerDetails,
        *,
        profile: str,
        environment_id: str | None = None,
        tool_label: str | None = None,
        created_at: datetime | None = None,
        expires_at: datetime | None = None,
        is_demo: bool = False,
    ) -> NewEntry:
        """A reconnection link made for ``integration_id`` and ``customer``. The tool defaults
        to the part of the id before ``:`` (``personio:93f...`` -> ``personio``), which is how
        Kombo names integrations."""
        integration = integration_id.strip()
        tool = customer.tool if customer.tool is not None else integration_tool(integration)
        return cls(
            kind=EntryKind.RELINK,
            profile=profile,
            environment_id=environment_id,
            email=customer.email,
            organization=customer.organization,
            origin_id=customer.origin_id,
            category=None if customer.category is None else Category(customer.category),
            tool=tool,
            tool_label=tool_label,
            language=Language(language),
            link_type=LinkType(link_type),
            url=url,
            integration_id=integration,
            created_at=created_at,
            expires_at=expires_at,
            is_demo=is_demo,
            remote_environment=customer.remote_environment,
        )

    def stored_values(self) -> dict[str, object]:
        """The row to insert: texts cleaned, blanks as NULL, times in UTC with their defaults.

        ``expires_at`` defaults to ``created_at`` (default: now) plus the lifetime Kombo
        documents for the link type.
        """
        made = as_utc(self.created_at or datetime.now(UTC))
        expires = (
            as_utc(self.expires_at) if self.expires_at else made + LINK_LIFETIMES[self.link_type]
        )
        return {
            "created_at": stored_time(made),
            "profile": without_lone_surrogates(self.profile),
            "environment_id": optional_text(self.environment_id),
            "kind": self.kind.value,
            "email": optional_text(self.email),
            "organization": optional_text(self.organization),
            "origin_id": optional_text(self.origin_id),
            "category": None if self.category is None else self.category.value,
            "tool": optional_text(self.tool),
            "tool_label": optional_text(self.tool_label),
            "language": self.language.value,
            "link_type": self.link_type.value,
            "url": without_lone_surrogates(self.url),
            "expires_at": stored_time(expires),
            "integration_id": optional_text(self.integration_id),
            "demo": int(bool(self.is_demo)),
            "remote_environment": optional_text(self.remote_environment),
            "scope_config_id": optional_text(self.scope_config_id),
            "enable_filtering": int(bool(self.enable_filtering)),
            "enable_field_mapping": int(bool(self.enable_field_mapping)),
        }


class Recording(ABC):
    """The history's writing side; :class:`HistoryStore` supplies the keeping."""

    @abstractmethod
    def _queue(self, new: NewEntry) -> None:
        """Keep ``new`` to be stored after the links kept before it, without writing now."""

    def queue_request(
        self,
        request: LinkRequest | RelinkRequest,
        url: str,
        *,
        profile: str,
        environment_id: str | None = None,
        tool_label: str | None = None,
        created_at: datetime | None = None,
        is_demo: bool = False,
        customer: CustomerDetails | None = None,
    ) -> None:
        """Hand over the link Kombo returned for ``request`` to be written later, after the
        links handed over before it, by ``save_waiting_patiently`` on a worker thread; the
        window's call after a success.

        ``customer`` is whom a reconnection link is for (a new link's request names its own).
        The request becomes an entry in :meth:`NewEntry.of_request`, so the window never
        copies fields by hand. Nothing is written here, so the window's thread never waits
        for the disk, nor for another program holding the file; the duplicate check knows
        the link at once all the same, and closing the store writes it if no worker has.
        """
        self._queue(
            NewEntry.of_request(
                request,
                url,
                profile=profile,
                environment_id=environment_id,
                tool_label=tool_label,
                created_at=created_at,
                is_demo=is_demo,
                customer=customer,
            )
        )
