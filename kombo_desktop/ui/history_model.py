"""The history as a table model that reads SQLite a page at a time, off the UI thread.

A busy team makes tens of thousands of links over the years. Loading them all into a list would
make opening the panel (and every keystroke in its search box) wait for the whole file, so the
model asks :class:`~kombo_desktop.core.history.HistoryStore` for one page of the newest entries
and lets the view ask for the next (``canFetchMore``/``fetchMore``) only when the person scrolls
near the end. Each page is read on a worker thread through the window's ``TaskRunner``: most
pages take a millisecond, but a search for something rare reads the whole index, and the window
must not stutter while it does.

Every load carries a *generation* number. Typing a new search starts a new generation, and a
page that arrives for an older one is dropped, so results of a slow earlier search can never
mix with the current ones.

The model also formats what the columns show (local time, display names, "Valid until ..."),
so the panel, the tests and a screen reader all read the same words. A link the window refuses
to hand out (kept by an older version, see ``result_panel.link_refusal``) is an "Unsafe link"
in the Status column, greyed like the others that cannot be used. That check takes a fraction
of a millisecond, too much for every row of every page of a long history: it is made for a
row only when the view first draws it, and remembered while the row is loaded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from kombo_desktop.core.catalog import ToolCatalog
from kombo_desktop.core.clock_ahead import dated_ahead
from kombo_desktop.core.history import (
    ENDED_DEMO_STATUS,
    EntryKind,
    HistoryEntry,
    HistoryStore,
    Showing,
    WhichLinks,
    failure_words,
)
from kombo_desktop.core.letters import without_invisible_formatting
from kombo_desktop.core.link_check import UNSAFE_LINK_STATUS, LinkProblem
from kombo_desktop.core.vocabulary import CATEGORY_NAMES, day_text
from kombo_desktop.ui import theme
from kombo_desktop.ui.expiry import MAY_HAVE_EXPIRED
from kombo_desktop.ui.result_panel import link_refusal
from kombo_desktop.ui.tasks import TaskHandle, TaskRunner
from kombo_desktop.ui.widgets import plain_tooltip

_log = logging.getLogger(__name__)

PAGE_SIZE: Final = 200

COLUMNS: Final = ("When", "Organisation", "E-mail", "Customer id", "Tool", "Type", "Status")
WHEN, ORGANISATION, EMAIL, CUSTOMER_ID, TOOL, TYPE, STATUS = range(len(COLUMNS))
# Beside the form (see ``HistoryTableModel.set_compact``) the status column says only until
# when a link works, under this title.
COMPACT_STATUS_TITLE: Final = "Valid until"
VALID_UNTIL: Final = "Valid until "
# The order a tooltip tells the rest of an entry in (see ``HistoryTableModel.tooltip``), and
# the word before each part: the column's title, "Made" for when.
TOOLTIP_ORDER: Final = (ORGANISATION, TOOL, TYPE, WHEN, STATUS, EMAIL, CUSTOMER_ID)
TOOLTIP_LABELS: Final = {column: COLUMNS[column] for column in TOOLTIP_ORDER} | {WHEN: "Made"}

ENTRY_ROLE: Final = Qt.ItemDataRole.UserRole + 1
"""Item data role that returns the row's :class:`HistoryEntry`."""

_Index = QModelIndex | QPersistentModelIndex


# --------------------------------------------------------------------------------- wording


def local_date(moment: datetime) -> str:
    """ "3 Mar 2025" in local time: month names spelled out, so 03/04 is never read two ways."""
    return day_text(moment.astimezone())


def local_time(moment: datetime) -> str:
    """ "3 Mar 2025, 14:02" in local time."""
    return f"{local_date(moment)}, {moment.astimezone():%H:%M}"


CLOCK_WAS_AHEAD = "this computer's clock was ahead when it was made"


def made_when(moment: datetime, *, with_time: bool = False, now: datetime | None = None) -> str:
    """When a link made at ``moment`` was made, after "made" in a sentence: "today at 14:02",
    "yesterday at 14:02", and for an older one "on 3 Mar 2025" (``with_time``: "on 3 Mar 2025,
    14:02"). Today's date alone read as an old link ("already made on 30 Nov 2026" of a link
    made a minute ago). Days are this computer's, as of ``now`` (default: the current time).
    Never a time still to come: dated later than ``now`` by a clock that was ahead then, it
    was made earlier, and is said so, with the date it has (see ``core.history.ordering`` for
    its place in the history). Dated later than ``now`` by less than that, by a clock a
    little ahead, it was made just now: the next day's date would be a day still to come."""
    if dated_ahead(moment, now):
        return f"earlier (it is dated {local_time(moment)}, later than now: {CLOCK_WAS_AHEAD})"
    current = now or datetime.now(UTC)
    made = min(moment, current).astimezone()
    today = current.astimezone().date()
    if made.date() == today:
        return f"today at {made:%H:%M}"
    if made.date() == today - timedelta(days=1):
        return f"yesterday at {made:%H:%M}"
    return f"on {local_time(moment) if with_time else local_date(moment)}"


def tool_text(entry: HistoryEntry, catalog: ToolCatalog | None = None) -> str:
    """The tool's display name; for a new link without a tool, who chose it."""
    return entry.tool_name(catalog.label_for if catalog is not None else None)


def type_text(entry: HistoryEntry, current_profile: str | None = None) -> str:
    """ "New link", "Reconnection (demo)"; with the profile's name when it is not
    ``current_profile`` ("New link · Development"): one profile per Kombo environment, and
    two links for one customer would otherwise look the same."""
    kind = "New link" if entry.kind is EntryKind.LINK else "Reconnection"
    text = f"{kind} (demo)" if entry.is_demo else kind
    if current_profile is not None and entry.profile != current_profile:
        return f"{text} · {entry.profile}"
    return text


RECONNECTION_MARK: Final = "Reconnection"


def marked_reconnection(tool: str) -> str:
    """The tool's cell of a reconnection beside the form: "Reconnection · Personio" (as the
    link's own title reads "Reconnection link · Personio"), or "Reconnection" alone when no
    tool is known. The type column is a scroll away there, and a reconnection read as a new
    link for the same tool ("Personio"), its organisation often empty, or as an empty row when
    it named no tool. The word comes first: cut to the column's width in a narrow panel
    ("Reconne…"), the row still says what it is; the tooltip names the tool."""
    return f"{RECONNECTION_MARK} · {tool}" if tool else RECONNECTION_MARK


def unmarked_tool(cell: str) -> str:
    """The tool's name in a tool's cell, without the word :func:`marked_reconnection` adds."""
    if cell == RECONNECTION_MARK:
        return ""
    return cell.removeprefix(f"{RECONNECTION_MARK} · ")


def status_text(entry: HistoryEntry, now: datetime | None = None) -> str:
    """ "Valid until 3 Mar 2026" (or "until 14:32" for short-lived links), or "Expired".

    A link dated later than now (see ``core.clock_ahead``) had its end reckoned by the same
    clock, ahead by at least as much: made no later than now, it ends no later than its
    lifetime from now, which is said, "at the latest" (an hour-long link was said to work three
    hours more). How much earlier it was made can't be told, so a short-lived one "May have
    expired" (``HistoryEntry.may_have_expired``, which its invitation follows too).
    """
    moment = now or datetime.now().astimezone()
    if entry.may_have_expired(moment):
        return MAY_HAVE_EXPIRED
    if dated_ahead(entry.created_at, moment):
        return f"{status_text(_at_the_latest(entry, moment), moment)} at the latest"
    if not entry.is_valid(moment):
        return "Expired"
    if entry.time_left(moment) < timedelta(days=1):
        until = entry.expires_at.astimezone()
        same_day = until.date() == moment.astimezone().date()
        return f"Valid until {until:%H:%M}" + ("" if same_day else f" on {local_date(until)}")
    return f"Valid until {local_date(entry.expires_at)}"


def short_day_and_time(moment: datetime, now: datetime | None = None) -> str:
    """ "3 Mar, 14:02" in local time for a moment of this year, "3 Mar 2025, 14:02" for an
    earlier one: what tells two links of one customer apart, in the width a narrow history
    has for it."""
    local = moment.astimezone()
    this_year = (now or datetime.now()).astimezone().year
    if local.year != this_year:
        return local_time(moment)
    day_and_month = day_text(local).rsplit(" ", 1)[0]
    return f"{day_and_month}, {local:%H:%M}"


def validity_words(entry: HistoryEntry, now: datetime | None = None) -> str:
    """What a sentence says of a link's validity after "It" or "and": "is valid until 3 Mar
    2026", "is valid until 13:00 at the latest", and for a short-lived link made while the
    clock was ahead (see :func:`status_text`) "may have expired already; if not, it is valid
    until 13:00 at the latest"."""
    moment = now or datetime.now().astimezone()
    if entry.may_have_expired(moment):
        valid = status_text(_at_the_latest(entry, moment), moment)
        return (
            f"may have expired already; if not, it is {valid[0].lower()}{valid[1:]} at the latest"
        )
    valid = status_text(entry, moment)
    return f"is {valid[0].lower()}{valid[1:]}"


def _at_the_latest(entry: HistoryEntry, moment: datetime) -> HistoryEntry:
    """``entry``, dated later than ``moment``, as if made then: the latest it can have been
    made, with its end the latest it can be."""
    lead = entry.created_at - moment
    return replace(entry, created_at=moment, expires_at=entry.expires_at - lead)


ENDED_DEMO_TEXT = ENDED_DEMO_STATUS  # the CSV export says the same (core.history.export)
# Said wherever a demo link of an earlier demo session is chosen.
ENDED_DEMO_WORDS = "A demo link. It was made by an earlier demo session and no longer opens."


def shown_text(stored: str) -> str:
    """A text of a history entry as the window shows it: without direction overrides and the
    other invisible formatting characters, as the form has sent texts since it took them out
    (``field_text.sent_text``), keeping the joiners that names and emoji need.

    An older history can hold them, stored as typed: an organisation "\u202eHbmG emcA" was
    shown as a second "Acme GmbH" row, another customer's to anyone looking, and "Invoice
    \u202eFDP.exe\u202c Corp" as "Invoice exe.PDF Corp". The entry itself keeps what was
    stored (the search and the duplicate check compare without them anyway)."""
    return without_invisible_formatting(stored, keep_joiners=True)


def customer_text(entry: HistoryEntry) -> str:
    """Who an entry is for, in one phrase: organisation, e-mail, or the integration."""
    named = entry.organization or entry.email or entry.integration_id
    return shown_text(named) if named else "an unnamed customer"


# --------------------------------------------------------------------------------- model


@dataclass
class _Load:
    generation: int
    offset: int
    limit: int  # entries asked for: a page, or all those listed before (see ``refresh``)
    handle: TaskHandle | None = None


@dataclass(frozen=True)
class _Page:
    entries: list[HistoryEntry]
    total: int | None  # counted with the first page only
    # Under "No longer working", with the first page: when the next link found that still
    # works expires, and so joins the list (see ``next_expiry``).
    next_joining: datetime | None = None


class HistoryTableModel(QAbstractTableModel):
    """Entries newest first, matching ``query``, loaded a page at a time in the background.

    The model is *inactive* (empty, reads nothing) until :meth:`activate`; the panel activates
    it while it is shown and deactivates it when hidden, so nothing about other customers is
    read or kept while the history is closed.
    """

    page_loaded = Signal()  # rows arrived: a page (also an empty first one), or a link made
    load_failed = Signal(str)  # a plain sentence

    def __init__(
        self,
        store: HistoryStore,
        runner: TaskRunner,
        catalog: Callable[[], ToolCatalog] | None = None,
        parent: Any = None,
        *,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._runner = runner
        self._catalog = catalog
        self._page_size = page_size
        self._rows: list[HistoryEntry] = []
        # Where the next page starts in the stored list. Not len(_rows): the store leaves out a
        # damaged entry, so a page may bring fewer entries than rows it read.
        self._next_offset = 0
        self._query = ""
        self._showing = Showing.ALL  # see set_showing
        self._total: int | None = None
        self._exhausted = True
        self._active = False
        self._generation = 0
        self._loading: _Load | None = None
        self._read_again = False  # see ``read_again``
        self._next_joining: datetime | None = None  # see _Page
        # Why each link drawn so far is refused (None: it is not), by link: see refusal().
        self._refusals: dict[tuple[str, bool], LinkProblem | None] = {}
        from kombo_desktop.ui.known_keys import on_key_learned  # loaded after the first frame

        on_key_learned(self._check_links_again)
        # The window's profile: entries of another one say theirs (see type_text).
        self.current_profile: str | None = None
        # Where demo links work now (see HistoryFeature.demo_origin): others no longer do.
        self.demo_origin: str | None = None
        self._compact = False  # see set_compact
        self._measuring = False  # see measured_texts

    # --- state ---------------------------------------------------------------------------------

    @property
    def query(self) -> str:
        return self._query

    @property
    def showing(self) -> Showing:
        return self._showing

    def which_links(self) -> WhichLinks:
        """The links listed, by whether they still work (see :meth:`set_showing`)."""
        return WhichLinks(self._showing, self.demo_origin)

    @property
    def total(self) -> int | None:
        """How many entries match the query (None until the first page arrived)."""
        return self._total

    @property
    def loading(self) -> bool:
        """Whether a page is being read. The window never asks (an arriving page updates the
        rows and ``total`` itself); the tests and ``benchmarks/`` wait for it to end before
        they read the rows."""
        return self._loading is not None

    @property
    def active(self) -> bool:
        return self._active

    @property
    def read_again(self) -> bool:
        """Whether the rows are the same list read again (:meth:`refresh`), not another search
        or choice of links: the panel then keeps the entry selected and the place scrolled to
        (see ``history_place``)."""
        return self._read_again

    def activate(self, query: str | None = None) -> None:
        """Start showing entries (for ``query``, or the last one)."""
        self._active = True
        self.set_query(self._query if query is None else query)

    def deactivate(self) -> None:
        """Forget every loaded entry and stop reading."""
        self._active = False
        self._forget_rows()

    def set_query(self, text: str) -> None:
        """Show the entries matching ``text`` from the newest; reading starts at once."""
        self._query = text
        self._read_from_top(self._page_size)

    def _read_from_top(self, limit: int) -> None:
        """Drop the rows and read the first ``limit`` entries found."""
        self._forget_rows()
        if self._active:
            self._load(0, limit)

    def set_showing(self, showing: Showing, text: str | None = None) -> None:
        """Show all links, only those that still work, or only those that no longer do
        (expired, of a demo that ended, or an "Unsafe link"), matching ``text`` (None: the
        search set), from the newest; reading starts at once."""
        self._showing = showing
        self.set_query(self._query if text is None else text)

    def _forget_rows(self) -> None:
        """Drop every loaded entry; a page still being read is dropped when it arrives."""
        self._generation += 1
        self._read_again = False
        self._next_joining = None
        self._cancel_load()
        self.beginResetModel()
        self._rows = []
        self._refusals = {}
        self._next_offset = 0
        self._total = None
        self._exhausted = not self._active
        self.endResetModel()

    def set_current_profile(self, profile: str | None) -> None:
        """The window now makes links with ``profile``; the rows say which are another's."""
        if profile == self.current_profile:
            return
        self.current_profile = profile
        if self._rows:
            last = len(self._rows) - 1
            self.dataChanged.emit(self.index(0, TYPE), self.index(last, TYPE))

    @property
    def compact(self) -> bool:
        return self._compact

    def set_compact(self, compact: bool) -> None:
        """Beside the form (``compact``) the table has room for four short columns: the time a
        link was made says its year only when it is not this one, and the status column, titled
        "Valid until", says just the date ("30 Nov 2027"; "Expired" when it has). With the whole
        wording the time was a sideways scroll away, and two links for one customer and tool
        read the same. The tool's cell of a reconnection says so (:func:`marked_reconnection`),
        the type column being a scroll away. Their tooltips keep the whole wording."""
        if compact == self._compact:
            return
        self._compact = compact
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, STATUS))

    def next_expiry(self, now: datetime) -> datetime | None:
        """When the next of the loaded links that still work at ``now`` expires, or, under
        "No longer working", the next link found that still works, which joins the list then
        (None: none will)."""
        upcoming = [entry.expires_at for entry in self._rows if entry.is_valid(now)]
        if self._next_joining is not None:
            upcoming.append(self._next_joining)
        return min(upcoming, default=None)

    def out_of_date(self, now: datetime) -> bool:
        """Whether the list read no longer matches the links chosen at ``now``: under "Still
        working" a loaded link has expired since it was read; under "No longer working" a link
        found that still worked has (it lacks that link). Either way it is read again."""
        if self._showing is Showing.WORKING:
            return any(not entry.is_valid(now) for entry in self._rows)
        if self._showing is Showing.NOT_WORKING:
            return self._next_joining is not None and self._next_joining <= now
        return False

    def show_statuses_again(self) -> None:
        """Whether the loaded links still work has changed (one expired, the demo ended):
        their status and colour are drawn again."""
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, STATUS))

    def _check_links_again(self) -> None:
        """A key was learned (read from the password store a moment after the start, saved in
        Settings, a profile taken into use): a row drawn as "Valid" whose link holds it kept
        saying so, while Copy refused it and the export left it out. A list kept to the links
        that still work, or to those that no longer do, is read again: such a link changes
        sides."""
        self._refusals = {}
        self.show_statuses_again()
        if self._showing is not Showing.ALL:
            self.refresh()

    def set_demo_origin(self, origin: str | None) -> None:
        """Demo links work at ``origin`` now (None: nowhere)."""
        if origin == self.demo_origin:
            return
        self.demo_origin = origin
        self.show_statuses_again()
        if self._showing is not Showing.ALL:  # which demo links still work changed
            self.refresh()

    def refresh(self) -> None:
        """Read again from the newest (a link made elsewhere, one that expired or changed
        sides, a key learned), as many entries as were listed: read a page only, the entry
        the person had scrolled down to was gone, with the place in the list."""
        if not self._active:
            return
        listed = len(self._rows)
        if self._loading is not None and self._loading.offset == 0:
            listed = max(listed, self._loading.limit)  # read again before it came
        self._read_from_top(max(self._page_size, listed))
        self._read_again = True

    def add_newest(self, entry: HistoryEntry) -> None:
        """A link just made goes on top, if the search finds it. Only that row is added: the
        rows loaded, the one selected and the place scrolled to stay (reading the list again
        from the top lost all three)."""
        if not self._active:
            return
        if self._loading is not None and self._loading.offset == 0:
            self.refresh()  # the first page is still being read, maybe without it
            return
        if not self._store.matches(entry, self._query, self.which_links()):
            return
        if any(row.id == entry.id for row in self._rows):
            return  # saved on a worker thread just before the page was read: listed already
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._rows.insert(0, entry)
        self._next_offset += 1  # the stored list grew at the top
        if self._total is not None:
            self._total += 1
        self.endInsertRows()
        self.page_loaded.emit()

    def replace_entry(self, entry: HistoryEntry) -> None:
        """Show ``entry`` as it is now stored (a reconnection's customer named after it was
        listed), in its row if it is listed; the rows, the selection and the scrolling stay."""
        for row, listed in enumerate(self._rows):
            if listed.id == entry.id:
                self._rows[row] = entry
                self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
                return

    def entry(self, row: int) -> HistoryEntry | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def refusal(self, entry: HistoryEntry) -> LinkProblem | None:
        """Why ``entry``'s link is never handed out (``result_panel.link_refusal``), or None.
        Checked the first time it is asked, and remembered by the link itself (an id may be
        given again once the newest entry is deleted) until the program learns a key: a link
        holding it is refused from then on (see ``_check_links_again``)."""
        key = (entry.url, entry.is_demo)
        if key not in self._refusals:
            if self._measuring:  # see measured_texts
                return None
            self._refusals[key] = link_refusal(entry.url, entry.is_demo)
        return self._refusals[key]

    def measured_texts(self, column: int, rows: int) -> set[str]:
        """The texts the first ``rows`` rows' cells in ``column`` show, for measuring the
        column's width (``history_columns``), without checking a link not checked yet:
        measuring the first page's statuses checked every link in it, not only those in view.
        A link not checked yet counts as usable; the status of a refused one is measured apart
        (``UNSAFE_LINK_STATUS``). Read from the entries in one pass: through ``data`` and a
        model index a cell, a 200-row page took most of the columns' fitting."""
        cell_text = self.compact_cell_text if self._compact else self.cell_text
        self._measuring = True
        try:
            return {cell_text(entry, column) for entry in self._rows[:rows]}
        finally:
            self._measuring = False

    def usable(self, entry: HistoryEntry) -> bool:
        """Whether ``entry``'s link can be used now: not refused, expired or of an ended demo."""
        return entry.still_works(self.demo_origin) and self.refusal(entry) is None

    def entries(self) -> list[HistoryEntry]:
        """The entries loaded so far, newest first."""
        return list(self._rows)

    def remove_entry(self, entry_id: int) -> bool:
        """Take a deleted entry out of the table; False if it was not loaded."""
        for row, entry in enumerate(self._rows):
            if entry.id == entry_id:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self._next_offset = max(0, self._next_offset - 1)  # the stored list shrank
                if self._total is not None:
                    self._total = max(0, self._total - 1)
                self.endRemoveRows()
                return True
        return False

    # --- loading -------------------------------------------------------------------------------

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008, N802
        if parent.isValid() or not self._active or self._exhausted:
            return False
        return self._loading is None

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008, N802
        if self.canFetchMore(parent):
            self._load(self._next_offset, self._page_size)

    def _cancel_load(self) -> None:
        load, self._loading = self._loading, None
        if load is not None and load.handle is not None:
            load.handle.cancel()

    def _load(self, offset: int, limit: int) -> None:
        load = _Load(self._generation, offset, limit)
        store, query = self._store, self._query
        which = self.which_links()

        def work(_token: object) -> _Page:
            # The count reads the whole index; one page tells whether more exist, so it is
            # needed only once per query (the panel shows it), and not even then when the
            # first page holds every entry found (see HistoryStore.first_page).
            if offset == 0:
                entries, total = store.first_page(query, limit, which)
                joining = None
                if which.showing is Showing.NOT_WORKING:
                    joining = store.next_expiry(query, which.demo_origin)
                return _Page(entries, total, joining)
            return _Page(store.search(query, limit=limit, offset=offset, which=which), None)

        self._loading = load
        try:
            load.handle = self._runner.run(
                work,
                on_done=lambda page: self._page_arrived(load, page),
                on_error=lambda error: self._page_failed(load, error),
                on_cancelled=lambda: self._load_cancelled(load),
                owner=self,
                name="history-page",
            )
        except RuntimeError:  # the window is closing
            self._loading = None

    def _current(self, load: _Load) -> bool:
        return self._loading is load and load.generation == self._generation

    def _page_arrived(self, load: _Load, page: _Page) -> None:
        if not self._current(load):
            return
        self._loading = None
        if page.total is not None:
            self._total = page.total
        if load.offset == 0:
            self._next_joining = page.next_joining
        self._next_offset = load.offset + load.limit
        if self._total is not None:
            self._exhausted = self._next_offset >= self._total
        else:
            self._exhausted = len(page.entries) < load.limit
        known = {entry.id for entry in self._rows}
        fresh = [entry for entry in page.entries if entry.id not in known]
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._rows.extend(fresh)
            self.endInsertRows()
        if self._exhausted:
            # All is read: the count is what the list shows. The stored count also held any
            # damaged rows the store left out.
            self._total = len(self._rows)
        self.page_loaded.emit()

    def _page_failed(self, load: _Load, error: BaseException) -> None:
        if not self._current(load):
            return
        self._loading = None
        self._exhausted = True
        _log.warning("Reading the history failed: %s", error)
        self.load_failed.emit(failure_words(error, "The link history could not be read."))
        self.page_loaded.emit()

    def _load_cancelled(self, load: _Load) -> None:
        if self._loading is load:
            self._loading = None

    # --- table ---------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802 - Qt override
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if self._compact and section == STATUS:
                return COMPACT_STATUS_TITLE
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None:
            return None
        if role == ENTRY_ROLE:
            return entry
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if role == Qt.ItemDataRole.DisplayRole:
                if self._compact:
                    return self.compact_cell_text(entry, index.column())
                return self.cell_text(entry, index.column())
            return plain_tooltip(self.tooltip(entry, index.column()))
        if role == Qt.ItemDataRole.ForegroundRole and not self.usable(entry):
            return QColor(theme.MUTED)
        return None

    def cell_text(self, entry: HistoryEntry, column: int, *, tooltip: bool = False) -> str:
        """What the cell of ``entry`` in ``column`` shows (or its ``tooltip``): see
        :func:`shown_text` for the entry's own texts."""
        return shown_text(self._cell_text(entry, column, tooltip=tooltip))

    def tooltip(self, entry: HistoryEntry, column: int) -> str:
        """The tooltip of ``entry``'s cell in ``column``: the cell's whole text, then the rest
        of the entry, one part a line ("Made: 30 Nov 2026, 22:15"). Beside the form most of
        the columns are a scroll away, and two links for one customer and tool looked the
        same there: pointing at any of its cells now says the whole entry. Only an entry on
        show has one: in screen-sharing mode the history is closed and holds no rows."""
        own = self.cell_text(entry, column, tooltip=True)
        rest = [
            f"{TOOLTIP_LABELS[other]}: {text}"
            for other in TOOLTIP_ORDER
            if other != column and (text := self.cell_text(entry, other, tooltip=True))
        ]
        return "\n\n".join(part for part in (own, "\n".join(rest)) if part)

    def compact_cell_text(self, entry: HistoryEntry, column: int) -> str:
        """What the cell shows beside the form (see :meth:`set_compact`)."""
        if column == WHEN and not dated_ahead(entry.created_at):
            return short_day_and_time(entry.created_at)
        text = self.cell_text(entry, column)
        if column == TOOL and entry.kind is EntryKind.RELINK:
            return marked_reconnection(text)
        if column == STATUS and text.startswith(VALID_UNTIL):
            return text.removeprefix(VALID_UNTIL)
        return text

    def _cell_text(self, entry: HistoryEntry, column: int, *, tooltip: bool) -> str:
        if column == WHEN:
            if tooltip and dated_ahead(entry.created_at):
                return f"{local_time(entry.created_at)}: later than now, as {CLOCK_WAS_AHEAD}"
            return local_time(entry.created_at)
        if column == ORGANISATION:
            return entry.organization or ""
        if column == EMAIL:
            return entry.email or ""
        if column == CUSTOMER_ID:
            return entry.origin_id or ""
        if column == TOOL:
            text = tool_text(entry, self._catalog() if self._catalog else None)
            if not tooltip:
                return text
            if entry.tool and entry.category:
                # The kind the link was made for, which a search finds it by: a tool's name
                # does not say it ("Personio" is an HR and a recruiting system).
                text = f"{text} · {CATEGORY_NAMES[entry.category]}"
            if entry.integration_id:
                return f"{text} — integration {entry.integration_id}"
            return text
        if column == TYPE:
            if tooltip:
                return f"{type_text(entry)}, made with profile {entry.profile}"
            return type_text(entry, self.current_profile)
        if column == STATUS:
            problem = self.refusal(entry)
            if problem is not None:
                # Loaded with the history panel's module, before any row is drawn.
                from kombo_desktop.ui.history_fill import unusable_link_words

                return unusable_link_words(problem) if tooltip else UNSAFE_LINK_STATUS
            if entry.from_an_ended_demo(self.demo_origin):
                return ENDED_DEMO_WORDS if tooltip else ENDED_DEMO_TEXT
            if tooltip and not entry.is_valid():
                return f"Expired on {local_time(entry.expires_at)}"
            if tooltip and entry.may_have_expired():
                why = "This computer's clock was ahead when this link was made"
                return f"{why}, so it {validity_words(entry)}."
            return status_text(entry)
        return ""
