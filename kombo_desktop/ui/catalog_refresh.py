"""Refresh the tool lists from the account's own ``GET /tools/{category}``, on a worker thread.

The bundled list names every tool Kombo has; an account sees only the tools enabled in its
environment. The fresh list is cached per profile, with the account it came from (the API
address and the key's environment), so the next start (or a start without network) shows the
account's tools too, and a profile since moved to another account is not shown them. Any
failure just leaves the bundled list in place: a missing refresh must never stand between staff
and a link, so failures are logged, not shown; except a key Kombo does not know (401, or one
malformed), which would be refused for the link too: the window says so at once, before anyone
fills in the form for nothing; and Kombo out of reach, which the link would run into too after
its retries: said quietly on the status line (``UNREACHABLE_TEXT``), never in a dialog. A 403
is left quiet: a key may lack the right to list tools and still make links.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from kombo_desktop.core.catalog import CatalogCache, Tool, ToolCatalog, ToolListOwner
from kombo_desktop.core.errors import (
    AuthenticationError,
    ConnectionFailedError,
    KomboError,
    TlsError,
    is_key_unknown,
)
from kombo_desktop.core.vocabulary import Category
from kombo_desktop.ui.connection import Connection

_log = logging.getLogger(__name__)

# Said when the tool lists could not be asked for because Kombo could not be reached: "Ready."
# stayed on until the first "Create link" failed after seconds of retries.
UNREACHABLE_TEXT = (
    "Kombo cannot be reached right now. Check that you are online; the form keeps what you type."
)


@dataclass
class RefreshedCatalog:
    """Fresh (or else cached) tools per category; ``catalog``, the bundled one with them in
    place of its own lists (None when there are none), made on the worker thread, so the
    window only shows it; and a key Kombo does not know, if so (and if it is still the key
    links go with: see ``Connection.key_refused``)."""

    tools: dict[Category, list[Tool]] = field(default_factory=dict)
    catalog: ToolCatalog | None = None
    refused: AuthenticationError | None = None
    # Kombo listed the tools of at least one category: it accepted the key.
    answered: bool = False
    # No connection to Kombo could be made (an untrusted certificate is not "out of reach").
    unreachable: bool = False


def refresh_catalog(
    connection: Connection,
    cache: CatalogCache,
    cancel: object,
    *,
    environment_id: str | None,
    bundled: ToolCatalog,
) -> RefreshedCatalog:
    """Fresh (or else cached) tools per category; categories with neither are left out.

    ``environment_id`` is the Kombo environment of the connection's key, if known: with the
    connection's address it tells which account's cached lists are this profile's.
    An empty list from the server is not applied: an account without a single tool in a
    category is far likelier a glitch than a fact, and an empty dropdown would block work.
    ``bundled`` is the catalog the lists found replace their categories in (``catalog``):
    merged here, once for all of them, the UI thread only fills the tool list. Merged there
    one category at a time, each a new catalog and search index, it stopped the window for
    about a second when an answer listed 2,000 tools per category.
    """

    def owner() -> ToolListOwner:
        # Looked at each time: a profile renamed meanwhile has its lists moved to the new name.
        target = connection.target
        return ToolListOwner(target.profile, target.api_base, environment_id)

    client = connection.client()
    result = RefreshedCatalog()
    found = result.tools
    reachable = True  # after one failure the others would fail alike, only slower
    for category in Category:
        if getattr(cancel, "cancelled", False):
            break
        tools: list[Tool] = []
        if reachable:
            try:
                tools = client.list_tools(category, cancel=cancel)  # type: ignore[arg-type]
            except KomboError as error:
                reachable = False
                # The next request reads the store again (a key replaced there is used); the
                # refusal is said only while the refused key is the one links go with.
                if is_key_unknown(error) and connection.key_refused(client):
                    result.refused = error
                result.unreachable = isinstance(error, ConnectionFailedError) and not isinstance(
                    error, TlsError
                )
                _log.info(
                    "Tool lists not refreshed (%s); using the cached or bundled lists",
                    type(error).__name__,
                )
            else:
                result.answered = True
                if tools:
                    cache.save(owner(), category, tools)
        if not reachable:
            tools = cache.load(owner(), category) or []
        if tools:
            found[category] = tools
        else:
            _log.info("No tools listed for %s; keeping the bundled list", category.value)
    if found:
        result.catalog = bundled.with_lists(found)
    return result
