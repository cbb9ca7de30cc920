"""The tools a customer can connect, with display names and categories.

The program ships Kombo's full list (``resources/tools.tsv``) so it works offline and before an API
key is set. Once a key is known, ``GET /tools/{category}`` tells which tools are enabled in that
environment; that list replaces the bundled one for its category and is cached per profile, with
the account it came from, so a start without network shows the account's tools too (a start with
network asks Kombo again).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Final, NamedTuple

from kombo_desktop.core.files import atomic_write
from kombo_desktop.core.letters import base_letters
from kombo_desktop.core.paths import ensure_private_dir
from kombo_desktop.core.resources import resource_path
from kombo_desktop.core.vocabulary import Category

_log = logging.getLogger(__name__)

# Tool ids are short lowercase words on Kombo's side ("personio", "360learning"); anything with
# spaces, slashes or quotes is not a tool id and would only confuse the request body.
_TOOL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
_MAX_LABEL = 200
# Kombo lists about 200 tools in all, at most 112 in one category (``resources/tools.tsv``).
# A list of 2,000 per category (the earlier limit) stopped the window for about a second as
# it arrived, and every key press in the tool box took a quarter of a second after; a longer
# list than this is cut to its first tools (``KomboClient.list_tools``), with a log line.
MAX_TOOLS_PER_CATEGORY: Final = 300
# How alike a name typed with a slip and a tool's name are at least (difflib's ratio, computed
# by ``likeness``; 1 for the same text) for the tool to be offered in its place: "grenhouse"
# and Greenhouse are 0.95, "persnio" and Personio 0.93, while names that merely share letters
# stay under 0.7.
_CLOSE_ENOUGH = 0.8
# Fewer letters than this are too few to guess a name from: two slips in four letters leave
# nearly any name within reach.
_SHORTEST_GUESS = 4
_CLOSEST_KEPT = 32  # answers of ``closest`` kept: a few per letter typed


class Tool(NamedTuple):
    """One connectable tool: Kombo's id (sent on the wire), its display name and categories.

    A named tuple rather than a frozen dataclass, which compiles its methods as this module
    loads, before the window's first frame (``app.Options`` says more)."""

    id: str
    label: str
    categories: tuple[Category, ...]


def is_tool_id(text: str) -> bool:
    """Whether ``text`` has the shape of a Kombo tool id (letters, digits, ``_ . -``)."""
    return _TOOL_ID.fullmatch(text) is not None


def _fold(text: str) -> str:
    """Lower case without accents, so "eurecia" finds "Eurécia" and "NOMINA" finds "Nómina"."""
    return " ".join(base_letters(text).casefold().split())


def _compact(folded: str) -> str:
    """Letters and digits only, so "bamboo hr" finds "BambooHR" and "hr4 you" finds "HR4YOU"."""
    # ``filter`` with the method itself: a generator expression took three times as long, about
    # 0.7 ms of the start-up for the bundled tools' names and ids.
    return "".join(filter(str.isalnum, folded))


def search_key(text: str) -> str:
    """Typed search text as it is matched against a tool's ``search_words``: without case,
    accents, spaces or signs, so that "Bamboo HR" finds BambooHR as "bamboohr" does."""
    return _compact(_fold(text))


def names_exactly(name: str, text: str) -> bool:
    """Whether ``text`` is ``name`` ignoring case, accents, spaces and signs: "the customer
    chooses" for the list's "The customer chooses", as ``ToolCatalog.is_called`` for a tool."""
    query = _fold(text)
    folded = _fold(name)
    return bool(query) and _same((folded, "", _compact(folded)), "", query, _compact(query))


def _same(folded: tuple[str, str, str], compact_id: str, query: str, compact_query: str) -> bool:
    """Whether the (folded) ``query`` is the name or id (``folded`` as ``_rank`` takes them),
    also without spaces and signs: "success factors" for the id "successfactors", "bamboo hr"
    for "BambooHR"."""
    label, tool_id, compact_label = folded
    if query in (label, tool_id):
        return True
    return bool(compact_query) and compact_query in (compact_label, compact_id)


def name_rank(name: str, text: str) -> int | None:
    """``ToolCatalog.rank`` for a name that is not a tool's (the list's "The customer
    chooses"), so that it takes its place among the tools typing finds."""
    folded = _fold(name)
    query = _fold(text)
    return _rank(folded, "", _compact(folded), query, _compact(query))


def _rank(
    label: str, tool_id: str, compact_label: str, query: str, compact_query: str
) -> int | None:
    """See ``ToolCatalog.rank``; every text here is folded already (``_fold``, ``_compact``)."""
    if not query:
        return 0
    if label.startswith(query) or (compact_query and compact_label.startswith(compact_query)):
        return 0
    # Only the id or a later word starting so: "sap" is SAP SuccessFactors before Kallidus
    # (Sapling), whose id is "sapling".
    if tool_id.startswith(query) or (compact_query and tool_id.startswith(compact_query)):
        return 1
    words = re.split(r"[^\w]+", label)
    if any(word.startswith(query) for word in words if word):
        return 1
    if query in label or query in tool_id:
        return 2
    if compact_query and (compact_query in compact_label or compact_query in tool_id):
        return 2
    return None


def _label_key(tool: Tool) -> tuple[str, str]:
    return (tool.label.casefold(), tool.id)


def _ordered(categories: Iterable[Category]) -> tuple[Category, ...]:
    """Categories in the enum's order, without repeats, so equal tools compare equal."""
    wanted = set(categories)
    return tuple(c for c in Category if c in wanted)


# Each category by its spelling in the table: one dictionary look-up per category named, where
# the enum's own look-up by value (``Category("HRIS")``) costs several times as much.
_CATEGORY_BY_NAME: Final = {category.value: category for category in Category}


def _parse_categories(text: str) -> tuple[Category, ...]:
    named = (_CATEGORY_BY_NAME.get(part.strip().upper()) for part in text.split(","))
    return _ordered(category for category in named if category is not None)


def parse_tools_tsv(text: str) -> list[Tool]:
    """Tools from the bundled table (``tool_id``, ``label``, ``categories``, ...).

    Rows without a usable id or any known category are skipped rather than failing the whole
    program: one odd row must not leave the staff without a tool list.

    The table is tab-separated text without quoting, read at every start before the first frame,
    so it is split here: the ``csv`` module took the start about 0.9 ms longer, its import
    included (``tests/core/test_catalog.py`` reads the table with ``csv`` to compare).
    """
    lines = text.splitlines()
    columns = lines[0].split("\t") if lines else []
    wanted = ("tool_id", "label", "categories")
    # A column the header lacks reads as empty in every row, and a row shorter than the header
    # as empty in the cells it lacks.
    where = [columns.index(name) if name in columns else len(columns) for name in wanted]
    # The table names a handful of category combinations over and over ("ATS", "HRIS,ATS"):
    # each is read once, which took the start-up about 1 ms less than reading every row's.
    categories_of: dict[str, tuple[Category, ...]] = {}
    tools: list[Tool] = []
    for line in lines[1:]:
        cells = line.split("\t")
        cells += [""] * (len(columns) + 1 - len(cells))
        raw_id, raw_label, raw_categories = (cells[index] for index in where)
        tool_id = raw_id.strip()
        label = " ".join(raw_label.split()) or tool_id
        categories = categories_of.get(raw_categories)
        if categories is None:
            categories = categories_of[raw_categories] = _parse_categories(raw_categories)
        if not is_tool_id(tool_id) or not categories:
            continue
        tools.append(Tool(id=tool_id, label=label, categories=categories))
    return tools


@cache
def _bundled() -> ToolCatalog:
    text = resource_path("tools.tsv").read_text(encoding="utf-8")
    return ToolCatalog(parse_tools_tsv(text))


class ToolCatalog:
    """An immutable set of tools, looked up by id, category or name.

    Immutable so the one bundled instance can be shared by the window, the demo service and
    worker threads; a refresh makes a new catalog with ``with_lists``, on a worker thread.
    (Only the answers ``closest`` keeps change, which changes no answer.)
    """

    def __init__(self, tools: Iterable[Tool]) -> None:
        by_id: dict[str, Tool] = {}
        for tool in tools:
            by_id[tool.id] = tool
        self._by_id: Mapping[str, Tool] = by_id
        self._folded: dict[str, tuple[str, str, str]] = {}
        # Each id without its signs ("datev-lug" as "datevlug"), as a name is compared.
        self._compact_ids: dict[str, str] = {}
        for tool in by_id.values():
            folded = _fold(tool.label)
            self._folded[tool.id] = (folded, tool.id.casefold(), _compact(folded))
            self._compact_ids[tool.id] = _compact(tool.id.casefold())
        # ``closest``'s last answers, by the text asked for as it is compared.
        self._closest: dict[str, tuple[Tool, ...]] = {}
        self._sorted: list[Tool] | None = None  # see ``_in_list_order``

    @classmethod
    def bundled(cls) -> ToolCatalog:
        """Kombo's full tool list as shipped with the program (read once, then shared)."""
        return _bundled()

    def get(self, tool_id: str) -> Tool | None:
        return self._by_id.get(tool_id)

    def label_for(self, tool_id: str) -> str:
        """The display name of a tool, or its id when the catalog does not know it."""
        tool = self._by_id.get(tool_id)
        return tool.label if tool else tool_id

    def in_category(self, category: Category) -> list[Tool]:
        """Tools of one category, in the alphabetical order people expect in a list."""
        return sorted((t for t in self._by_id.values() if category in t.categories), key=_label_key)

    def search_words(self, tool_id: str) -> str:
        """What a search box may match for a tool: its name, the same without accents and
        case ("eurecia" for Eurécia), without spaces and signs too, and its id."""
        tool = self._by_id.get(tool_id)
        if tool is None:
            return tool_id
        folded, folded_id, compact = self._folded[tool_id]
        return " ".join((tool.label, folded, compact, folded_id))

    def named(self, text: str, category: Category | None = None) -> Tool | None:
        """The tool called ``text``, ignoring case, accents, spaces and signs ("nomina" for
        Nómina, "bamboo hr" for BambooHR), or whose id it is, also so ("success factors" for
        the id "successfactors"); the first in list order."""
        query = _fold(text)
        if not query:
            return None
        compact_query = _compact(query)
        for tool in self._in_list_order():
            if (category is None or category in tool.categories) and self._is_called(
                tool.id, query, compact_query
            ):
                return tool
        return None

    def _in_list_order(self) -> list[Tool]:
        """All tools in list order, sorted at the first look-up by name (not while the
        window starts: it needs none)."""
        if self._sorted is None:
            self._sorted = sorted(self._by_id.values(), key=_label_key)
        return self._sorted

    def is_called(self, tool_id: str, text: str) -> bool:
        """Whether ``text`` is the tool's name or id as ``named`` compares them: the tool is
        what was typed, not merely one that starts with it."""
        query = _fold(text)
        return bool(query) and self._is_called(tool_id, query, _compact(query))

    def _is_called(self, tool_id: str, query: str, compact_query: str) -> bool:
        known = self._folded.get(tool_id)
        if known is None:  # ranked by its id, as in ``rank``
            folded_id = tool_id.casefold()
            compact_id = _compact(folded_id)
            return _same((folded_id, folded_id, compact_id), compact_id, query, compact_query)
        return _same(known, self._compact_ids[tool_id], query, compact_query)

    def belongs(self, tool_id: str, category: Category) -> bool:
        tool = self._by_id.get(tool_id)
        return tool is not None and category in tool.categories

    def search(self, text: str, category: Category | None = None) -> list[Tool]:
        """Tools whose name or id contains ``text``, ignoring case and accents.

        Names that start with the text come first, then tools whose id or a later word of the
        name starts with it, then the rest, each group alphabetical: typing "work" shows Workday
        and Workable before tools that merely contain the word, and "sap" SAP SuccessFactors
        before Kallidus (Sapling), whose id is "sapling". A tool whose name or id is the text
        (``is_called``) comes before the others of its group: "talentsoft", the id of CEGID
        TalentSoft FrontOffice, put CEGID TalentSoft Customer first. An empty text lists
        everything (in the category).
        """
        query = _fold(text)
        compact_query = _compact(query)
        pool = (t for t in self._by_id.values() if category is None or category in t.categories)
        ranked: list[tuple[int, bool, tuple[str, str], Tool]] = []
        for tool in pool:
            rank = _rank(*self._folded[tool.id], query, compact_query)
            if rank is not None:
                inexact = not self._is_called(tool.id, query, compact_query)
                ranked.append((rank, inexact, _label_key(tool), tool))
        ranked.sort(key=lambda item: item[:3])
        return [item[3] for item in ranked]

    def closest(self, text: str, category: Category | None = None) -> list[Tool]:
        """Tools whose name or id is spelt nearly as ``text`` ("grenhouse" for Greenhouse,
        "persnio" for Personio), closest first: what a slip of the keyboard meant, for which
        ``search`` finds nothing. The start of a longer name counts too ("teamtial" for
        Teamtailor), as the search list finds names by their start. Empty for a text too
        short to guess from or like no name.

        A few milliseconds each, and the form asks several times per letter typed (its
        check, the one-click fix): the answers for the last texts are kept."""
        compact_query = _compact(_fold(text))
        if len(compact_query) < _SHORTEST_GUESS:
            return []
        found = self._closest.get(compact_query)
        if found is None:  # all tools at once: the form asks for its kind, then for all
            if len(self._closest) >= _CLOSEST_KEPT:
                self._closest.clear()
            found = self._closest[compact_query] = self._closest_to(compact_query)
        return [tool for tool in found if category is None or category in tool.categories]

    def _closest_to(self, compact_query: str) -> tuple[Tool, ...]:
        # Only after a name was not found, never at start.
        from kombo_desktop.core.likeness import Likeness

        typed = Likeness(compact_query)  # the one compared with every name: analysed once
        length = len(compact_query)

        def likeness(written: str) -> float:
            return typed.ratio(written, at_least=_CLOSE_ENOUGH)

        scored: list[tuple[float, float, tuple[str, str], Tool]] = []
        for tool in self._by_id.values():
            best = (0.0, 0.0)
            for written in dict.fromkeys((self._folded[tool.id][2], self._compact_ids[tool.id])):
                whole = likeness(written)
                start = likeness(written[:length]) if len(written) > length else 0.0
                best = max(best, (max(whole, start), whole))
            if best[0] >= _CLOSE_ENOUGH:
                scored.append((-best[0], -best[1], _label_key(tool), tool))
        scored.sort(key=lambda item: item[:3])
        return tuple(item[3] for item in scored)

    def rank(self, tool_id: str, text: str) -> int | None:
        """Where the tool stands among the tools ``text`` finds, as in ``search``: 0 when its
        name or id starts with the text, 1 when a word of its name does, 2 when either merely
        contains it, None when it does not match; a tool the catalog does not know is ranked
        by its id."""
        query = _fold(text)
        known = self._folded.get(tool_id)
        folded = known or (tool_id.casefold(), tool_id.casefold(), _compact(tool_id.casefold()))
        return _rank(*folded, query, _compact(query))

    def with_category_tools(self, category: Category, tools: Iterable[Tool]) -> ToolCatalog:
        """A copy where ``tools`` (e.g. from ``GET /tools/{category}``) are that category's
        members: ``with_lists`` for one category."""
        return self.with_lists({category: tools})

    def with_lists(self, lists: Mapping[Category, Iterable[Tool]]) -> ToolCatalog:
        """A copy where each category's tools in ``lists`` (e.g. from ``GET
        /tools/{category}``) are its members; categories not in ``lists`` keep theirs.

        Tools missing from a new list lose its category but stay known (their names are still
        needed for history entries); tools the bundle does not know yet are added. The server's
        display name wins over the bundled one (a later category's over an earlier one's).
        All the lists make one copy, and its search index is built once: one copy per
        category, on the UI thread, stopped the window for a second with long lists.
        """
        replaced = set(lists)
        labels = {tool_id: tool.label for tool_id, tool in self._by_id.items()}
        categories = {
            tool_id: [c for c in tool.categories if c not in replaced]
            for tool_id, tool in self._by_id.items()
        }
        for category, tools in lists.items():
            fresh = {tool.id: tool for tool in tools}  # an id listed twice: its last entry
            for tool in fresh.values():
                if tool.id in labels:
                    labels[tool.id] = tool.label or labels[tool.id]
                    categories[tool.id].append(category)
                else:
                    labels[tool.id] = tool.label or tool.id
                    categories[tool.id] = [category]
        return ToolCatalog(
            Tool(tool_id, label, _ordered(categories[tool_id])) for tool_id, label in labels.items()
        )

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Tool]:
        return iter(self._by_id.values())

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Tool):
            return self._by_id.get(item.id) == item
        return isinstance(item, str) and item in self._by_id

    def __repr__(self) -> str:
        return f"ToolCatalog({len(self)} tools)"


def _clean_label(value: object, fallback: str) -> str:
    if not isinstance(value, str):
        return fallback
    label = " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())
    return label[:_MAX_LABEL] or fallback


def tools_from_api(category: Category, items: object) -> list[Tool]:
    """Tools from the ``data.tools`` list of a ``GET /tools/{category}`` answer.

    Kombo's answer is outside our control, so anything odd is skipped instead of raising: an item
    that is not an object or has no usable ``id`` is left out, repeated ids keep the first. A
    missing ``label`` is left empty: ``ToolCatalog.with_lists`` then keeps the name the program
    knows, or shows the id (the id in its place here hid "BambooHR" behind "bamboohr").
    """
    if not isinstance(items, list):
        return []
    tools: list[Tool] = []
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, dict):
            continue
        raw_id = item.get("id")
        if not isinstance(raw_id, str):
            continue
        tool_id = raw_id.strip()
        if not is_tool_id(tool_id) or tool_id in seen:
            continue
        seen.add(tool_id)
        tools.append(Tool(tool_id, _clean_label(item.get("label"), ""), (category,)))
    return tools


# 2: the lists are kept with the account they came from (``ToolListOwner``); the files of
# version 1 (the profile name only) read as "nothing cached" and are replaced by the next save.
_CACHE_VERSION = 2


def _safe_profile(profile: str) -> str:
    """A file-name-safe stand-in for a profile name that stays unique for different names.

    Profile names are typed by people ("Acme / EU", "Ünal's test"); the readable part keeps files
    recognisable, the hash keeps "a/b" and "a_b" apart.
    """
    import hashlib  # here, not at the top: only the cache needs it, never the window's start

    readable = re.sub(r"[^A-Za-z0-9_-]+", "_", profile).strip("_")[:40] or "profile"
    digest = hashlib.sha256(profile.encode("utf-8")).hexdigest()[:10]
    return f"{readable}-{digest}"


class ToolListOwner(NamedTuple):
    """Whose tool lists these are: a profile, and the Kombo account its links go to.

    The account is the profile's API address and, once a key check told it, the environment
    its key belongs to. A profile switched to another region or address, or given another
    environment's key, is another account: the lists cached for its name are not its lists,
    and showing them (when its own cannot be fetched) would offer tools it does not have.
    """

    profile: str
    api_base: str
    environment_id: str | None = None


class CatalogCache:
    """The last tool lists fetched for each profile and category, kept as small JSON files.

    A file is named after its profile and holds the account it came from; a list from
    another account than the profile's now reads as "nothing cached".
    A cache is only a speed-up: a missing, unreadable or damaged file reads as "nothing cached"
    and a failed write is logged, never raised, so the bundled list remains the fallback.
    """

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir

    def path_for(self, profile: str, category: Category) -> Path:
        return self.cache_dir / f"tools-{_safe_profile(profile)}-{category.value.lower()}.json"

    def load(self, owner: ToolListOwner, category: Category) -> list[Tool] | None:
        """The cached tools, or ``None`` when nothing usable is cached for ``owner``."""
        path = self.path_for(owner.profile, category)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        if data.get("version") != _CACHE_VERSION or data.get("category") != category.value:
            return None
        if (data.get("api_base"), data.get("environment_id")) != (
            owner.api_base,
            owner.environment_id,
        ):
            return None  # another account's lists (see ``ToolListOwner``)
        tools = data.get("tools")
        if not isinstance(tools, list):
            return None
        # Cut as ``KomboClient.list_tools`` cuts a list from Kombo: a file saved by an earlier
        # version, which kept up to 2,000 tools, would stop the window as such a list did.
        return tools_from_api(category, tools)[:MAX_TOOLS_PER_CATEGORY]

    def save(self, owner: ToolListOwner, category: Category, tools: list[Tool]) -> None:
        """Store ``tools`` for the owner, readable by the person alone; written whole or not at
        all (``atomic_write``), so a crash or a full disk never leaves half a list behind."""
        document = {
            "version": _CACHE_VERSION,
            "api_base": owner.api_base,
            "environment_id": owner.environment_id,
            "category": category.value,
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "tools": [{"id": t.id, "label": t.label} for t in tools],
        }
        path = self.path_for(owner.profile, category)
        content = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
        try:
            ensure_private_dir(path.parent)
            atomic_write(path, content)
        except OSError as error:
            _log.warning("Could not save the tool list cache %s: %s", path, error)

    def forget(self, profile: str) -> None:
        """Remove everything cached for a profile (used when the profile is deleted)."""
        for category in Category:
            with contextlib.suppress(OSError):
                self.path_for(profile, category).unlink(missing_ok=True)

    def rename(self, old: str, new: str) -> None:
        """Move a renamed profile's lists to its new name: still its account's lists, and a
        later profile called ``old`` must not find them. Files are only moved, not read, so
        this may run on the UI thread; whatever cannot be moved is removed instead."""
        for category in Category:
            source, target = self.path_for(old, category), self.path_for(new, category)
            try:
                os.replace(source, target)
            except FileNotFoundError:
                # Nothing to move; a file under the new name is left from before, not this
                # profile's.
                with contextlib.suppress(OSError):
                    target.unlink(missing_ok=True)
            except OSError as error:
                _log.warning("Could not move the tool list cache %s: %s", source, error)
                with contextlib.suppress(OSError):
                    source.unlink(missing_ok=True)
