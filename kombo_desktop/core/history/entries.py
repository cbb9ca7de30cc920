"""What the history hands out: one entry per link made, and the errors it raises.

Kept free of SQLite so the window's models and the CSV export can use entries without knowing
how they are stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from kombo_desktop.core.clock_ahead import may_have_expired
from kombo_desktop.core.history.normalise import as_utc
from kombo_desktop.core.vocabulary import (
    CATEGORY_NAMES,
    CUSTOMER_CHOOSES,
    Category,
    Language,
    LinkType,
)


class EntryKind(StrEnum):
    """Whether an entry is a new link (``create-link``) or a reconnection link (``relink``)."""

    LINK = "link"
    RELINK = "relink"


class LinkStatus(StrEnum):
    """Whether a link can still be used, judged from its expiry time."""

    VALID = "valid"
    EXPIRED = "expired"


# The status of a demo link of a demo service no longer running (see
# ``HistoryEntry.from_an_ended_demo``), in the history's table and in its CSV export alike.
ENDED_DEMO_STATUS = "No longer works"


class HistoryError(Exception):
    """Reading or writing the history failed after it was opened (disk full, file locked...).

    ``str(error)`` is a plain sentence for the window. A link that was made is still valid when
    this is raised while handing it over (``HistoryStore.queue_request``: not even memory to
    keep it), so the window should show the link and this message. A link the file cannot take
    yet raises nothing: the store keeps it waiting, and ``HistoryStore.trouble`` says why.
    """


class ExportStopped(Exception):  # noqa: N818 - asked for: the window is closing, no error
    """The CSV export was stopped (its ``CancelToken`` cancelled) before it wrote its file, as
    the window is closing: nothing was written, and no file was left half written."""


# How many rows the export reads or writes between looks at whether it is to stop: a few
# milliseconds' work, and one look costs nothing beside it.
ROWS_BETWEEN_LOOKS = 1000


class WriteTrouble(StrEnum):
    """Why the history file refused a write, told apart as far as the person can do something
    about it: free some space, close the program holding the file, allow writing.

    Such trouble passes (space is freed, the other program lets go), and the history is the
    only record of the links handed out, so the store keeps a link the file refuses, in
    memory, where the duplicate check finds it, and saves it once the file takes it (the
    window tries again every few seconds, ``HistoryStore.save_waiting``), or when it closes.
    """

    DISK_FULL = "disk full"
    HELD_BY_ANOTHER_PROGRAM = "held by another program"
    READ_ONLY = "read-only"
    OTHER = "other"


def failure_words(error: BaseException, fallback: str) -> str:
    """What to tell the person about ``error``: a HistoryError's own plain sentence, otherwise
    ``fallback``. Any other exception's text (a store already closed, a slip in the code) is
    written for programmers, not for the window."""
    if isinstance(error, HistoryError) and str(error):
        return str(error)
    return fallback


@dataclass(frozen=True)
class HistoryEntry:
    """One link or reconnection link as it was made.

    ``tool`` is Kombo's tool id (e.g. ``personio``); ``tool_label`` the display name if the window
    passed one when recording. ``email`` and ``organization`` may be ``None`` only for
    reconnection links. ``is_demo`` marks links from the built-in demo service, which never
    reach a customer. The last four are a new link's advanced options, as sent. Times are
    timezone-aware UTC.
    """

    id: int
    created_at: datetime
    profile: str
    environment_id: str | None
    kind: EntryKind
    email: str | None
    organization: str | None
    origin_id: str | None
    category: Category | None
    tool: str | None
    tool_label: str | None
    language: Language
    link_type: LinkType
    url: str
    expires_at: datetime
    integration_id: str | None
    is_demo: bool = False
    remote_environment: str | None = None
    scope_config_id: str | None = None
    enable_filtering: bool = False
    enable_field_mapping: bool = False

    def tool_name(self, label_for: Callable[[str], str] | None = None) -> str:
        """The tool's display name (``label_for`` gives one for a tool id, as the window's
        list of tools does); for a new link without a tool, who chooses it and among what:
        "The customer chooses · Learning system (LMS)". The history's table and its CSV
        export say the same: the export's "Tool" cell was empty for such a link."""
        if self.tool_label:
            return self.tool_label
        if self.tool:
            return label_for(self.tool) if label_for is not None else self.tool
        if self.kind is EntryKind.LINK:
            kind = CATEGORY_NAMES[self.category] if self.category else "a system"
            return f"{CUSTOMER_CHOOSES} · {kind}"
        return ""

    def is_valid(self, now: datetime | None = None) -> bool:
        """True while the link can still be opened (before ``expires_at``)."""
        return as_utc(now or datetime.now(UTC)) < self.expires_at

    def may_have_expired(self, now: datetime | None = None) -> bool:
        """Whether the link may have stopped working although its times say it works: valid
        less than a day, and made while this computer's clock was ahead (dated later than
        ``now``, see :mod:`kombo_desktop.core.clock_ahead`). The history says "May have
        expired" of it, and its invitation promises no time it works until."""
        return may_have_expired(self.created_at, self.expires_at - self.created_at, now)

    def from_an_ended_demo(self, demo_origin: str | None) -> bool:
        """Whether this is a demo link of a demo service no longer running: each start of the
        demo gets a port of its own (``demo_origin`` is the running one's address, None when
        no demo runs), and an earlier one's links lead nowhere, valid or not."""
        return self.is_demo and (demo_origin is None or not self.url.startswith(f"{demo_origin}/"))

    def still_works(self, demo_origin: str | None) -> bool:
        """Whether the link can still be opened: not expired, nor of an ended demo."""
        return self.is_valid() and not self.from_an_ended_demo(demo_origin)

    def status(self, now: datetime | None = None) -> LinkStatus:
        """:attr:`LinkStatus.VALID` or :attr:`LinkStatus.EXPIRED` at ``now`` (default: now)."""
        return LinkStatus.VALID if self.is_valid(now) else LinkStatus.EXPIRED

    def time_left(self, now: datetime | None = None) -> timedelta:
        """How long the link stays valid from ``now``; zero once it has expired."""
        left = self.expires_at - as_utc(now or datetime.now(UTC))
        return max(left, timedelta(0))
