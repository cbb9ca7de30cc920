"""Recording the links that were made: the writing side of :class:`HistoryStore`.

Two typed front doors, one per Kombo call (``create-link`` and ``relink``), and one for the
window that maps either request; all three end in one :class:`NewEntry`, so cleaning, defaults
and the derived search columns are decided in one place.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime

from kombo_desktop.core.history.entries import EntryKind, HistoryEntry
from kombo_desktop.core.history.normalise import as_utc, optional_text, stored_time
from kombo_desktop.core.letters import without_lone_surrogates
from kombo_desktop.core.link_request import LinkRequest, RelinkRequest, integration_tool
from kombo_desktop.core.vocabulary import LINK_LIFETIMES, Category, Language, LinkType


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
    """The history's writing side; :class:`HistoryStore` supplies the storing."""

    @abstractmethod
    def _insert(self, new: NewEntry) -> HistoryEntry:
        """Store ``new`` and return it as stored; raises HistoryError when the disk refuses."""

    def record_link(
        self,
        *,
        profile: str,
        email: str,
        organization: str,
        category: Category,
        language: Language,
        link_type: LinkType,
        url: str,
        origin_id: str | None = None,
        tool: str | None = None,
        tool_label: str | None = None,
        environment_id: str | None = None,
        created_at: datetime | None = None,
        expires_at: datetime | None = None,
        is_demo: bool = False,
        remote_environment: str | None = None,
        scope_config_id: str | None = None,
        enable_filtering: bool = False,
        enable_field_mapping: bool = False,
    ) -> HistoryEntry:
        """Remember a link made with ``create-link``; returns the stored entry.

        ``tool`` is the tool id (None when the customer chooses); pass ``tool_label`` too so the
        history can show and search the display name. ``expires_at`` defaults to ``created_at``
        (default: now) plus the lifetime Kombo documents for ``link_type``. The last four are
        the advanced options the link was made with.
        """
        return self._insert(
            NewEntry(
                kind=EntryKind.LINK,
                profile=profile,
                environment_id=environment_id,
                email=email,
                organization=organization,
                origin_id=origin_id,
                category=Category(category),
                tool=tool,
                tool_label=tool_label,
                language=Language(language),
                link_type=LinkType(link_type),
                url=url,
                created_at=created_at,
                expires_at=expires_at,
                is_demo=is_demo,
                remote_environment=remote_environment,
                scope_config_id=scope_config_id,
                enable_filtering=enable_filtering,
                enable_field_mapping=enable_field_mapping,
            )
        )

    def record_relink(
        self,
        *,
        profile: str,
        integration_id: str,
        language: Language,
        link_type: LinkType,
        url: str,
        environment_id: str | None = None,
        email: str | None = None,
        organization: str | None = None,
        origin_id: str | None = None,
        category: Category | None = None,
        tool: str | None = None,
        tool_label: str | None = None,
        created_at: datetime | None = None,
        expires_at: datetime | None = None,
        is_demo: bool = False,
        remote_environment: str | None = None,
    ) -> HistoryEntry:
        """Remember a reconnection link made for ``integration_id``; returns the stored entry.

        The customer's details are optional (a relink request carries none); pass them when the
        form was filled from an earlier entry so the reconnection can be found by name. ``tool``
        defaults to the part of the integration id before ``:`` (``personio:93f...`` ->
        ``personio``), which is how Kombo names integrations. ``remote_environment`` is the
        tool environment of the link it reconnects, when known (None: the live system), so
        that the duplicate check keeps a test system's reconnection apart from the live one's.
        """
        integration = integration_id.strip()
        if tool is None:
            tool = integration_tool(integration)
        return self._insert(
            NewEntry(
                kind=EntryKind.RELINK,
                profile=profile,
                environment_id=environment_id,
                email=email,
                organization=organization,
                origin_id=origin_id,
                category=None if category is None else Category(category),
                tool=tool,
                tool_label=tool_label,
                language=Language(language),
                link_type=LinkType(link_type),
                url=url,
                integration_id=integration,
                created_at=created_at,
                expires_at=expires_at,
                is_demo=is_demo,
                remote_environment=remote_environment,
            )
        )

    def record_request(
        self,
        request: LinkRequest | RelinkRequest,
        url: str,
        *,
        profile: str,
        environment_id: str | None = None,
        tool_label: str | None = None,
        created_at: datetime | None = None,
        is_demo: bool = False,
    ) -> HistoryEntry:
        """Remember the link Kombo returned for ``request``: the usual call after a success.

        Maps a :class:`LinkRequest` to :meth:`record_link` and a :class:`RelinkRequest` to
        :meth:`record_relink`, so the window never copies fields by hand.
        """
        if isinstance(request, RelinkRequest):
            return self.record_relink(
                profile=profile,
                environment_id=environment_id,
                integration_id=request.integration_id,
                language=request.language,
                link_type=request.link_type,
                url=url,
                tool_label=tool_label,
                created_at=created_at,
                is_demo=is_demo,
            )
        return self.record_link(
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
