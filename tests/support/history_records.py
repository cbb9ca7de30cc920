"""Links put into a history the way the window puts them there, for tests that need entries.

The window records only what it sent: a checked :class:`LinkRequest` or :class:`RelinkRequest`
and the link Kombo returned. It hands them to the store (``HistoryStore.queue_request``), a
worker saves them (``save_waiting_patiently``) and the panel takes the entries saved
(``take_saved_late``). ``record_request`` does the same three steps, one after the other, on
the test's thread; ``record_link`` and ``record_relink`` take the values field by field, as
tests like to write them, build that request from them (so the request's own checks and
cleaning apply) and record it so, so a test's entries are ones the program can really make.
Nothing here needs Qt, so core tests can use it too.

An entry's expiry is never given: the store works it out from when the link was made and its
link type, as it does for the window. A test that needs a link that expires at a given moment
chooses ``created_at`` and ``link_type`` to match (``LINK_LIFETIMES``).

Only ``record_unchecked_link`` and ``record_unchecked_relink`` step aside from that path, for
the few tests about texts today's checks refuse or clean, which a history can hold all the same.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from kombo_desktop.core.history import CustomerDetails, EntryKind, HistoryEntry, HistoryStore
from kombo_desktop.core.history.recording import INSERT_ENTRY, NewEntry
from kombo_desktop.core.history.schema import entry_from_row, register_functions
from kombo_desktop.core.link_request import LinkRequest, RelinkRequest
from kombo_desktop.core.vocabulary import Category, Language, LinkType


def record_request(
    store: HistoryStore,
    request: LinkRequest | RelinkRequest,
    url: str,
    *,
    profile: str,
    environment_id: str | None = None,
    tool_label: str | None = None,
    created_at: datetime | None = None,
    is_demo: bool = False,
    customer: CustomerDetails | None = None,
) -> HistoryEntry:
    """Record the link Kombo returned for ``request`` as the window does, and return its entry:
    handed over (``queue_request``), saved (``save_waiting_patiently``, the window's worker's
    call) and taken from the store (``take_saved_late``, as the panel takes it).

    Only for a store with no other link waiting, nor saved and not yet taken (a window's store
    once its own saves are done): another entry taken here would be missing from the window's
    panel. The link must be saved when this returns; a test of a link the file cannot take yet
    hands it over and saves it itself, to see it wait.
    """
    assert store.waiting == 0, "links already wait: this link would be saved behind them"
    store.queue_request(
        request,
        url,
        profile=profile,
        environment_id=environment_id,
        tool_label=tool_label,
        created_at=created_at,
        is_demo=is_demo,
        customer=customer,
    )
    left = store.save_waiting_patiently()
    assert left == 0, f"the history file could not take the link yet ({store.trouble})"
    saved = store.take_saved_late()
    assert len(saved) == 1, f"expected this link's entry alone, the store gave {saved}"
    return saved[0]


def record_link(
    store: HistoryStore,
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
    is_demo: bool = False,
    remote_environment: str | None = None,
    scope_config_id: str | None = None,
    enable_filtering: bool = False,
    enable_field_mapping: bool = False,
) -> HistoryEntry:
    """Record a link made with ``create-link`` for these values; returns the stored entry.

    ``tool_label`` is the tool's display name the window passes along with the request.
    """
    request = LinkRequest(
        end_user_email=email,
        end_user_organization_name=organization,
        end_user_origin_id=origin_id,
        integration_category=category,
        integration_tool=tool,
        remote_environment=remote_environment,
        language=language,
        scope_config_id=scope_config_id,
        enable_filtering=enable_filtering,
        enable_field_mapping=enable_field_mapping,
        link_type=link_type,
    )
    return record_request(
        store,
        request,
        url,
        profile=profile,
        environment_id=environment_id,
        tool_label=tool_label,
        created_at=created_at,
        is_demo=is_demo,
    )


def record_relink(
    store: HistoryStore,
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
    is_demo: bool = False,
    remote_environment: str | None = None,
) -> HistoryEntry:
    """Record a reconnection link made for ``integration_id``; returns the stored entry.

    The customer's details, all optional, are the :class:`CustomerDetails` the window passes
    along with the request (a relink request names no customer).
    """
    request = RelinkRequest(integration_id=integration_id, language=language, link_type=link_type)
    customer = CustomerDetails(
        email=email,
        organization=organization,
        origin_id=origin_id,
        category=category,
        tool=tool,
        remote_environment=remote_environment,
    )
    return record_request(
        store,
        request,
        url,
        profile=profile,
        environment_id=environment_id,
        tool_label=tool_label,
        created_at=created_at,
        is_demo=is_demo,
        customer=customer,
    )


# --- test-only: entries the program's requests cannot make ------------------------------------


def record_unchecked_link(store: HistoryStore, **values: Any) -> HistoryEntry:
    """Test-only: a new link whose texts today's request would refuse or clean, stored as given.

    ``values`` are :class:`NewEntry`'s fields (all but ``kind``). The program never records
    such a link: it records checked requests only (``record_link`` above). Yet a history can
    hold one, written by an earlier version that took texts as typed (direction overrides,
    invisible characters) or by another program, and must still show, search, find duplicates
    of and export it safely. The entry is written the way the store writes every link (its
    ``stored_values()`` and ``INSERT_ENTRY``), on a connection of its own to the same file.
    """
    return _write_unchecked(store, NewEntry(kind=EntryKind.LINK, **values))


def record_unchecked_relink(
    store: HistoryStore,
    *,
    profile: str,
    integration_id: str,
    language: Language,
    link_type: LinkType,
    url: str,
    created_at: datetime | None = None,
) -> HistoryEntry:
    """Test-only: a reconnection link whose integration id today's request would clean, stored
    as given (see ``record_unchecked_link``); made into an entry as a request's would be
    (:meth:`NewEntry.of_relink`), for no known customer."""
    new = NewEntry.of_relink(
        integration_id,
        language,
        link_type,
        url,
        CustomerDetails(),
        profile=profile,
        created_at=created_at,
    )
    return _write_unchecked(store, new)


def _write_unchecked(store: HistoryStore, new: NewEntry) -> HistoryEntry:
    conn = sqlite3.connect(store.path)
    try:
        register_functions(conn)
        with conn:
            row = conn.execute(INSERT_ENTRY, new.stored_values()).fetchone()
    finally:
        conn.close()
    return entry_from_row(row)
