"""The history file's table, its versions, and how a row becomes a :class:`HistoryEntry`.

The schema is versioned with ``PRAGMA user_version`` and upgraded by :data:`MIGRATIONS`, an
ordered list of SQL steps; the missing steps run in one transaction, so an interrupted or failed
upgrade leaves the file as it was. A released step is never edited: files on users' disks
were built by it, so a change goes into a new step.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Final, TypeVar

from kombo_desktop.core.history.entries import EntryKind, HistoryEntry
from kombo_desktop.core.history.normalise import search_text
from kombo_desktop.core.history.refolding import Made, Refold, refold
from kombo_desktop.core.letters import fold, organization_key
from kombo_desktop.core.vocabulary import Category, Language, LinkType

_E = TypeVar("_E", bound=StrEnum)

# The statements of released steps that make derived columns of existing rows again. They are
# run as written when a test builds an old file; an upgrade makes what they make with
# ``REFOLDS`` instead (see :mod:`.refolding`), each column of a row once.
_FOLD_EVERY_ROW: Final = """
        UPDATE links SET
            organization_key = kombo_fold(organization),
            email_key = kombo_fold(email),
            search_text = kombo_search_text(
                organization, email, origin_id, tool, tool_label, integration_id)
        """
# The rows with a character outside printable ASCII: only those can fold differently.
_BEYOND_ASCII: Final = (
    "coalesce(organization, '') || coalesce(email, '') || coalesce(origin_id, '')\n"
    "            || coalesce(tool, '') || coalesce(tool_label, '')"
    " || coalesce(integration_id, '')\n"
    "            GLOB '*[^ -~]*'"
)
_FOLD_AGAIN_BEYOND_ASCII: Final = f"""
        UPDATE links SET
            organization_key = kombo_fold(organization),
            email_key = kombo_fold(email),
            search_text = kombo_search_text(
                organization, email, origin_id, tool, tool_label, integration_id)
        WHERE {_BEYOND_ASCII}
        """  # noqa: S608 (constant text)
_SEARCH_TEXT_AGAIN_BEYOND_ASCII: Final = f"""
        UPDATE links SET
            search_text = kombo_search_text(
                organization, email, origin_id, tool, tool_label, integration_id)
        WHERE {_BEYOND_ASCII}
        """  # noqa: S608 (constant text)
_ORGANIZATION_KEY_AGAIN: Final = (
    "UPDATE links SET organization_key = kombo_organization_key(organization)"
)

MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (
    # Version 1: one row per link or reconnection link made.
    (
        """
        CREATE TABLE links (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            profile TEXT NOT NULL,
            environment_id TEXT,
            kind TEXT NOT NULL CHECK (kind IN ('link', 'relink')),
            email TEXT,
            organization TEXT,
            origin_id TEXT,
            category TEXT,
            tool TEXT,
            language TEXT NOT NULL,
            link_type TEXT NOT NULL,
            url TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            integration_id TEXT
        )
        """,
        "CREATE INDEX links_by_time ON links (created_at, id)",
    ),
    # Version 2: normalised keys for the duplicate check, the tool's display name, a demo mark,
    # and one folded text column for search, with indexes for both. Existing rows are filled in
    # from their own values by the SQL functions registered in ``register_functions``.
    (
        "ALTER TABLE links ADD COLUMN organization_key TEXT",
        "ALTER TABLE links ADD COLUMN email_key TEXT",
        "ALTER TABLE links ADD COLUMN tool_label TEXT",
        "ALTER TABLE links ADD COLUMN search_text TEXT NOT NULL DEFAULT ''",
        # Links from the built-in demo service: shown marked, never taken for a customer's link.
        "ALTER TABLE links ADD COLUMN demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1))",
        _FOLD_EVERY_ROW,
        "CREATE INDEX links_by_origin ON links (profile, origin_id)",
        "CREATE INDEX links_by_organization ON links (profile, organization_key)",
        "CREATE INDEX links_by_email ON links (profile, email_key)",
        # Covers the search scan: newest-first order and the folded text in one index, so a
        # search reads the compact index instead of whole rows until it has a page of matches.
        "CREATE INDEX links_search ON links (created_at, id, search_text)",
    ),
    # Version 3: the new link's advanced options, so "Fill the form" can make the same link
    # again. Rows from before stay without them (none were chosen, as far as anyone knows).
    (
        "ALTER TABLE links ADD COLUMN remote_environment TEXT",
        "ALTER TABLE links ADD COLUMN scope_config_id TEXT",
        "ALTER TABLE links ADD COLUMN enable_filtering INTEGER NOT NULL DEFAULT 0"
        " CHECK (enable_filtering IN (0, 1))",
        "ALTER TABLE links ADD COLUMN enable_field_mapping INTEGER NOT NULL DEFAULT 0"
        " CHECK (enable_field_mapping IN (0, 1))",
    ),
    # Version 4: invisible formatting characters (a left-to-right mark pasted with a name) no
    # longer count when names are compared or searched; the keys of existing rows are folded
    # again by the same functions as new rows. Only rows with a character outside printable
    # ASCII can fold differently, so only those are (a large history opens at once).
    (_FOLD_AGAIN_BEYOND_ASCII,),
    # Version 5: a search finds names whatever their accents ("muller" and "Mueller" find
    # "Müller"); the searched text of rows with a character outside printable ASCII is made
    # again by the same function as for new rows.
    (_SEARCH_TEXT_AGAIN_BEYOND_ASCII,),
    # Version 6: organisations are compared without punctuation and accents, umlauts written
    # either way ("Acme GmbH." is "Acme GmbH", "Mueller" is "Müller"); every row's key is made
    # again by the same function as for new rows (punctuation is ASCII: no row can be skipped).
    (_ORGANIZATION_KEY_AGAIN,),
    # Version 7: a search finds the links made for a kind of system ("recruiting", "ATS"), by
    # the code each row stores (the words are the form's, see normalise.categories_named). The
    # search's covering index takes the code along, so that such a search, too, reads the
    # compact index rather than every row. Only an index changes: every entry stays as it was.
    (
        "DROP INDEX links_search",
        "CREATE INDEX links_search ON links (created_at, id, search_text, category)",
    ),
    # Version 8: a link pasted into the search finds its entry (a customer writes back that
    # the link does not work: whose was it, and until when is it valid?). The links get an
    # index, so that a pasted link, or its beginning, is found at once among 100,000, and a
    # piece of one is looked for in the index rather than in every row. Every entry stays.
    ("CREATE INDEX links_by_url ON links (url)",),
    # Version 9: the duplicate check also finds a link made in the same Kombo environment with
    # another profile (one made with the key given at start, KOMBO_API_KEY, while another
    # profile was chosen, is in that key's environment). Its candidates are read by these
    # indexes, as by the per-profile ones, not by going through every row. Every entry stays.
    (
        "CREATE INDEX links_by_environment_origin ON links (environment_id, origin_id)",
        "CREATE INDEX links_by_environment_organization"
        " ON links (environment_id, organization_key)",
        "CREATE INDEX links_by_environment_email ON links (environment_id, email_key)",
    ),
)

SCHEMA_VERSION: Final = len(MIGRATIONS)

# The columns the searched text is made of, in the order ``kombo_search_text`` takes them (the
# organisation and the e-mail address first): the one list that a link saved now, an upgrade
# and a recovered file all make it from (the released steps' statements above are as written).
SEARCHED_COLUMNS: Final = (
    "organization",
    "email",
    "origin_id",
    "tool",
    "tool_label",
    "integration_id",
)
# The same as named parameters, for an INSERT that binds a row's values by column name.
SEARCHED_PARAMETERS: Final = ", ".join(f":{column}" for column in SEARCHED_COLUMNS)

# What each statement that makes derived columns again makes, said for the upgrade (see
# :mod:`.refolding`): the functions ``register_functions`` gives SQL under the names the
# statements call, for the rows the statements' conditions choose.
_FOLDED: Final = (
    Made("organization_key", fold, ("organization",)),  # kombo_fold(organization)
    Made("email_key", fold, ("email",)),  # kombo_fold(email)
    Made("search_text", search_text, SEARCHED_COLUMNS),  # kombo_search_text(...)
)
REFOLDS: Final = {
    _FOLD_EVERY_ROW: Refold(_FOLDED),
    _FOLD_AGAIN_BEYOND_ASCII: Refold(_FOLDED, only_where=_BEYOND_ASCII),
    _SEARCH_TEXT_AGAIN_BEYOND_ASCII: Refold(_FOLDED[2:], only_where=_BEYOND_ASCII),
    _ORGANIZATION_KEY_AGAIN: Refold(
        (Made("organization_key", organization_key, ("organization",)),)
    ),
}

# The columns an entry is read from, in the order ``entry_from_row`` expects them. Every query
# that returns entries selects ``ENTRY_COLUMN_LIST``, so the order is written down once.
ENTRY_COLUMNS: Final = (
    "id",
    "created_at",
    "profile",
    "environment_id",
    "kind",
    "email",
    "organization",
    "origin_id",
    "category",
    "tool",
    "tool_label",
    "language",
    "link_type",
    "url",
    "expires_at",
    "integration_id",
    "demo",
    "remote_environment",
    "scope_config_id",
    "enable_filtering",
    "enable_field_mapping",
)
ENTRY_COLUMN_LIST: Final = ", ".join(ENTRY_COLUMNS)

# Computed from the other columns by the SQL functions below; never read back into an entry.
DERIVED_COLUMNS: Final = ("organization_key", "email_key", "search_text")


class UnreadableError(Exception):
    """The file is not a history this program can read; it is moved aside."""


class NewerVersionError(Exception):
    """The file was written by a newer version of the program; it is left exactly where it is,
    so that version finds it again when it is installed once more."""


def register_functions(conn: sqlite3.Connection) -> None:
    """SQL functions for the derived columns, so inserts and migrations compute them alike."""
    conn.create_function("kombo_fold", 1, fold, deterministic=True)
    conn.create_function("kombo_organization_key", 1, organization_key, deterministic=True)
    conn.create_function(
        "kombo_search_text", len(SEARCHED_COLUMNS), search_text, deterministic=True
    )


def check_version(conn: sqlite3.Connection) -> None:
    """Refuse a file written by a newer version of the program: its schema is not ours."""
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    if version > SCHEMA_VERSION:
        raise NewerVersionError(f"schema version {version} is newer than {SCHEMA_VERSION}")


def upgrade(conn: sqlite3.Connection) -> None:
    """Apply the missing migration steps, all in one transaction.

    ``BEGIN IMMEDIATE`` takes the write lock before the version is read again, so two copies of
    the program starting at once cannot both apply the same step. The statements that make
    derived columns again are made as :data:`REFOLDS` say, each column of a row once, after the
    statements that do not read those columns (see :mod:`.refolding`): upgrading a first
    version's file of 100,000 links takes 3.1 s of processor time, 4.6 s when every
    organisation's name has an umlaut (it took 5.0 s and 18.5 s, making rows again step by
    step).
    """
    (current,) = conn.execute("PRAGMA user_version").fetchone()
    if current >= len(MIGRATIONS):
        return  # no write lock needed when nothing is to be done
    conn.execute("BEGIN IMMEDIATE")
    try:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        waiting: list[Refold] = []
        for target, statements in enumerate(MIGRATIONS, start=1):
            if version >= target:
                continue
            for statement in statements:
                if statement in REFOLDS:
                    waiting.append(REFOLDS[statement])
                    continue
                if not _leaves_derived_values_alone(statement):
                    refold(conn, waiting)
                    waiting = []
                conn.execute(statement)
        refold(conn, waiting)
        if version < len(MIGRATIONS):
            conn.execute(f"PRAGMA user_version = {len(MIGRATIONS):d}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _leaves_derived_values_alone(statement: str) -> bool:
    """Whether ``statement`` neither reads nor writes the derived columns of rows, so that the
    refolds waiting can be made after it: a column added, an index made or dropped (the
    refolds keep an index up to date). Anything else runs after them, as it was written to."""
    words = [word.upper() for word in statement.split()[:4]]
    return words[:2] in (["CREATE", "INDEX"], ["DROP", "INDEX"]) or (
        words[:2] == ["ALTER", "TABLE"] and words[3:] == ["ADD"]
    )


def check_columns(conn: sqlite3.Connection) -> None:
    """A file claiming our version but lacking our table is someone else's: unreadable."""
    present = {row[1] for row in conn.execute("PRAGMA table_info(links)")}
    expected = set(ENTRY_COLUMNS) | set(DERIVED_COLUMNS)
    if not expected <= present:
        raise UnreadableError(f"missing columns: {sorted(expected - present)}")


def entry_from_row(row: Sequence[object]) -> HistoryEntry:
    """The entry for one row selected as ``ENTRY_COLUMN_LIST``."""
    value = dict(zip(ENTRY_COLUMNS, row, strict=True))
    return HistoryEntry(
        id=int(str(value["id"])),
        created_at=_moment(value["created_at"]),
        profile=str(value["profile"]),
        environment_id=_text_or_none(value["environment_id"]),
        kind=EntryKind(str(value["kind"])),
        email=_text_or_none(value["email"]),
        organization=_text_or_none(value["organization"]),
        origin_id=_text_or_none(value["origin_id"]),
        category=_enum_or_none(Category, value["category"]),
        tool=_text_or_none(value["tool"]),
        tool_label=_text_or_none(value["tool_label"]),
        # Values this program did not write (a category Kombo added later, say) must not make
        # the whole history unreadable; the stored expiry still decides validity.
        language=_enum_or_none(Language, value["language"]) or Language.EN,
        link_type=_enum_or_none(LinkType, value["link_type"]) or LinkType.MAGIC_LINK,
        url=str(value["url"]),
        expires_at=_moment(value["expires_at"]),
        integration_id=_text_or_none(value["integration_id"]),
        is_demo=bool(value["demo"]),
        remote_environment=_text_or_none(value["remote_environment"]),
        scope_config_id=_text_or_none(value["scope_config_id"]),
        enable_filtering=bool(value["enable_filtering"]),
        enable_field_mapping=bool(value["enable_field_mapping"]),
    )


def _enum_or_none(enum: type[_E], value: object) -> _E | None:
    try:
        return enum(str(value)) if value is not None else None
    except ValueError:
        return None


def _moment(value: object) -> datetime:
    """A stored time; ``ValueError`` for one without its time zone. The program writes every
    time with one, and comparing one without it to the time now raised wherever the entry
    was shown (the crash dialog, again for every row painted) instead of leaving it out."""
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError("a time without its time zone")
    return moment


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)
