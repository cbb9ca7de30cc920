"""What a search of the history looks for, asked of SQLite and of one entry alike.

The store pages through a long history with the SQL made here (:class:`SearchQuery`); the
panel takes a link just made into the list on show by :func:`entry_matches`, without reading
the file. Both follow the same rules, written down once here, so a link just made appears
exactly when reading the list again would show it:

- the text is found in one of the searched fields (organisation, e-mail, customer id, tool,
  its display name, integration id), folded as :func:`~.normalise.search_needles` says;
- or the text names the kind of system the link was made for ("recruiting", "ATS"; see
  :func:`~.normalise.categories_named`);
- or the text is the link itself, or a piece of it, pasted in (see
  :func:`~.normalise.pasted_link`).

Speed: a busy team's history holds 100,000 links, and every pause in typing asks for a page
and the count. Each condition is put in the query only when the text calls for it, and each
one is answered from an index (see :mod:`.schema`), never by reading every row: the fields
and kinds from the compact search index (``links_search``); a pasted link, or its beginning,
through the index of the links (``links_by_url``) at once. Only a piece from a link's middle
or end makes the search read that index whole: links are Kombo's long tokens, so among
100,000 links that takes some 0.1 to 0.25 s, a few times an ordinary search (on the
panel's worker thread: the window does not wait for it).

A search can also keep to the links that still work, or to those that no longer do
(:class:`WhichLinks`): "which of my links no longer work?" was a scroll through every row,
reading each one's status. Still working is what :meth:`HistoryEntry.still_works` says (not
expired, nor made by a demo service no longer running), and not refused as unsafe
(:func:`link_refused`: the table's "Unsafe link"). It is asked of each row the search reads
(its expiry is not in the search's index): the links a page shows are found as fast as before
when most of them still work; a count, or a search for the few that no longer work, reads the
rows themselves (about as long as a search for a rare text, on the worker thread), and checks
the link of each one that has not expired (some 5 microseconds a link).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Final

from kombo_desktop.core.history.entries import HistoryEntry
from kombo_desktop.core.history.normalise import (
    as_utc,
    categories_named,
    pasted_link,
    search_needles,
    search_text,
    stored_time,
)
from kombo_desktop.core.history.ordering import MADE
from kombo_desktop.core.history.schema import ENTRY_COLUMN_LIST
from kombo_desktop.core.vocabulary import Category

if TYPE_CHECKING:
    from kombo_desktop.core.link_check import LinkProblem

# instr() compares literally, so %, _ and quotes need no escaping, and the text is folded in
# Python (LIKE would fold ASCII letters only). An empty needle matches every row.
# The second needle (umlauts spelt out, see search_needles) only when it differs: a search
# without umlauts reads each row's text once.
_TEXT_MATCHES: Final = (
    "(instr(search_text, :needle) > 0"
    " OR (:spelt_out != :needle AND instr(search_text, :spelt_out) > 0))"
)
# The kinds of system the text names, one parameter for each kind there is (None for those
# not named). The search's index holds the code (schema version 7).
_CATEGORY_PARAMETERS: Final = tuple(f"category_{number}" for number in range(len(Category)))
_CATEGORY_MATCHES: Final = (
    f" OR category IN ({', '.join(f':{name}' for name in _CATEGORY_PARAMETERS)})"
)

# A pasted link (or its beginning): the links from it up to the first that does not begin
# with it, read from the index of the links; U+10FFFF sorts after any character a link has.
_LINK_BEGINS_WITH: Final = (
    " OR id IN (SELECT id FROM links WHERE url >= :link AND url < :link || char(1114111))"
)
# A piece from a link's middle or end: each link looked through once, in that index.
_LINK_CONTAINS: Final = " OR id IN (SELECT id FROM links WHERE instr(url, :link) > 0)"


# A link that still works (see WhichLinks.admits): not expired, not a demo link unless the
# demo service running (:demo_prefix, its address and "/"; NULL: none) made it, and not one
# the window refuses to hand out (see link_refused), asked last: only of the rows the rest
# admits (an expired link needs no check).
_STILL_WORKS: Final = (
    "(expires_at > :now AND NOT (demo = 1 AND"
    " (:demo_prefix IS NULL OR substr(url, 1, length(:demo_prefix)) != :demo_prefix))"
    " AND NOT kombo_link_refused(url, demo))"
)


def link_refused(url: object, demo: object) -> bool:
    """Whether the window refuses to hand out a stored link (``demo``: made by the demo
    service), as the history's table says "Unsafe link" of it and the export leaves it out
    (``link_check.link_problem``, the rule for the links in Kombo's answers): one kept by an
    older version, such as an ``http://`` link, or one holding a key learned since. Such a link
    does not work, expired or not. Asked of SQLite too (``kombo_link_refused``, see
    :func:`register_search_functions`), so a search keeps to the same links as the table: a
    few microseconds a link, on the panel's worker thread. A value that is not text (a row
    changed outside the program) is no link anyone can use."""
    if not isinstance(url, str):
        return True
    return _link_rule()(url, loopback_api=bool(demo), key=None) is not None


@cache
def _link_rule() -> Callable[..., LinkProblem | None]:
    """``link_check.link_problem``, imported when first asked for (the first frame does
    without it) and kept: an import statement run for each row took longer than the check."""
    from kombo_desktop.core.link_check import link_problem

    return link_problem


def register_search_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions a search's query calls, on a connection that reads the history. Not
    deterministic: a link is refused once the key it holds is learned."""
    conn.create_function("kombo_link_refused", 2, link_refused)


class Showing(StrEnum):
    """Which links a search lists, by whether they can still be used."""

    ALL = "all"
    WORKING = "working"
    NOT_WORKING = "not working"


@dataclass(frozen=True)
class WhichLinks:
    """The links a search keeps to: all (``showing``), or those that still work or no longer
    do, demo links working only where ``demo_origin`` says the demo service runs now (None:
    none runs), as :meth:`HistoryEntry.still_works` says, and no link refused as unsafe
    (:func:`link_refused`) working."""

    showing: Showing = Showing.ALL
    demo_origin: str | None = None

    def admits(self, entry: HistoryEntry) -> bool:
        """Whether ``entry`` is one of these links (now)."""
        if self.showing is Showing.ALL:
            return True
        works = entry.still_works(self.demo_origin) and not link_refused(entry.url, entry.is_demo)
        return works == (self.showing is Showing.WORKING)

    def condition(self, condition: str) -> str:
        """``condition``, kept to these links."""
        if self.showing is Showing.ALL:
            return condition
        negation = "" if self.showing is Showing.WORKING else "NOT "
        return f"({condition}) AND {negation}{_STILL_WORKS}"

    def parameters(self) -> dict[str, object]:
        origin = self.demo_origin
        return {"demo_prefix": None if origin is None else f"{origin}/"}


ALL_LINKS: Final = WhichLinks()


@dataclass(frozen=True)
class SearchQuery:
    """What a search for one text asks SQLite: the condition, put together only from the
    constant parts above (never from a value), and the values bound to it."""

    condition: str
    parameters: dict[str, object]

    @classmethod
    def for_text(
        cls, text: str, now: datetime | None = None, which: WhichLinks = ALL_LINKS
    ) -> SearchQuery:
        """The search for ``text`` among ``which`` links; ``now`` (default: the current time)
        places the entries dated later than it (see :mod:`.ordering`), and tells which still
        work."""
        needle, spelt_out = search_needles(text)
        parameters: dict[str, object] = {
            "needle": needle,
            "spelt_out": spelt_out,
            "now": stored_time(as_utc(now or datetime.now(UTC))),
        }
        condition = _TEXT_MATCHES
        named = [category.value for category in categories_named(text)]
        if named:
            condition += _CATEGORY_MATCHES
        for number, name in enumerate(_CATEGORY_PARAMETERS):
            parameters[name] = named[number] if number < len(named) else None
        link = pasted_link(text)
        parameters["link"] = None if link is None else link.text
        if link is not None:
            condition += _LINK_BEGINS_WITH if link.is_start else _LINK_CONTAINS
        return cls(which.condition(condition), parameters | which.parameters())

    def entries_query(self) -> str:
        """The matching entries, newest first (see :mod:`.ordering`), each row ending with
        the time it is ordered by; binds ``:limit`` and ``:offset`` too.

        Two parts, merged in order as SQLite reads them: the entries dated up to now, newest
        first from the search's index as before (the ``+`` keeps SQLite on that index, which
        holds the searched text, rather than on the index of the times alone, which would read
        every row for it); and the few dated later than now, each placed by ``MADE``.
        """
        return f"""
            SELECT {ENTRY_COLUMN_LIST}, created_at AS made
            FROM links WHERE ({self.condition}) AND +created_at <= :now
            UNION ALL
            SELECT {ENTRY_COLUMN_LIST}, {MADE} AS made
            FROM links WHERE ({self.condition}) AND created_at > :now
            ORDER BY made DESC, id DESC LIMIT :limit OFFSET :offset
        """  # noqa: S608 - constant parts only, see the class

    def count_query(self) -> str:
        """How many entries match."""
        return f"SELECT count(*) FROM links WHERE {self.condition}"  # noqa: S608 - as above

    def next_expiry_query(self) -> str:
        """When the first of the matching links not expired yet expires."""
        return (
            f"SELECT min(expires_at) FROM links WHERE ({self.condition})"  # noqa: S608 - as above
            " AND expires_at > :now"
        )


def entry_matches(entry: HistoryEntry, text: str, which: WhichLinks = ALL_LINKS) -> bool:
    """Whether a search for ``text`` among ``which`` links finds ``entry``, by the rules of
    :class:`SearchQuery`."""
    return which.admits(entry) and _text_matches(entry, text)


def _text_matches(entry: HistoryEntry, text: str) -> bool:
    searched = search_text(
        entry.organization,
        entry.email,
        entry.origin_id,
        entry.tool,
        entry.tool_label,
        entry.integration_id,
    )
    if any(needle in searched for needle in search_needles(text)):
        return True
    if entry.category in categories_named(text):
        return True
    link = pasted_link(text)
    return link is not None and link.found_in(entry.url)
