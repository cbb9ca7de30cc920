"""Which of the history table's columns come first, and how wide they are.

Below the form the table has the window's whole width: every column is in view, in the order
an entry is told (when, for whom, which tool, what kind, whether it still works).

Beside the form, where it stands on most laptops (1366x768, and 1920x1080 at 150 %), the
table has room for about three columns, and in the order above they were when, organisation
and half an e-mail address: what staff open the history for, "was this customer already sent a
link for this tool, and does it still work?", was a sideways scroll away. There the
organisation, the tool, when the link was made and until when it works come first, the last two
in their short wording (``HistoryTableModel.set_compact``: "30 Nov, 22:15" and "30 Nov 2027"
under "Valid until"). The time it was made is what tells two links for one customer and tool
apart: a scroll away, with only the organisation, the tool and the status in view, two such
rows read the same. The other columns follow a scroll away, and every cell's tooltip holds its
whole text and the rest of the entry (``HistoryTableModel.tooltip``).

The four widths are measured from the texts in the table's font, with the room its style leaves
around a cell's text, so they grow with the text size chosen in the system (fixed pixel widths
cut every column at 1.5x and 2x text): the time and "Valid until" get what their longest usual
text (and title) needs, the tool what the longest name in the rows needs, and the organisation
the rest, its name elided when it must be (its tooltip says it whole). Short of room for both
the names and the longest tool, the organisation comes first: the tool keeps what the tools
named in the rows need (up to a usual long name's width, ``TOOL_USUAL_WIDEST``), and a longer
text there ("The customer chooses · HR system (HRIS)") waits until the organisation shows a long
name's first twenty-odd letters (``ORGANISATION_FAIR_TEXT``); past that the tool takes what it
needs and the organisation the rest. With the longest tool served first, a history floating
over the form at 1366x768 and 125 % showed "Customer …" for every customer whose name began so,
and "The customer ch…" beside it: the organisation is what people look for. Where even that is
too much (2x text in a narrow dock), the tool goes down to the width of a usual name
(``TOOL_SAMPLE``), the organisation down to a name's first letters or its title, whichever is
wider; then "Valid until" goes a sideways scroll away whole rather than
all four being cut: it matters least, as an expired entry is greyed in every column.

Below the form every column is as wide as the longest of its texts in the first rows needs
(up to ``WIDEST_TEXT`` characters), when the view has room for all of them, and the room left
goes to the organisation and the e-mail address, which hold the longest texts. The status gets
just what its words need: as the last column, stretched to the view's edge, it took ~900 px for
"Valid until 1 Dec 2027" at 1920x1080 while the organisation and the e-mail address were cut.
Without room for all, a column is never wider than its usual width (``WIDE_WIDTHS``), the
status's words stay whole and the rest is a sideways scroll away, as before.

Every column is at least as wide as its title in the table's font, below the form too: the
titles are the only place that says what a column holds (the cells' texts are in their
tooltips when cut, the titles' are not).

Only the header's order changes, never the model's columns, so selection, tooltips, the CSV
export and screen readers' cell names are the same in both arrangements.

A column the person makes wider or narrower (dragging its edge in the header, or double-clicking
it) keeps that width in that arrangement while the panel exists: it was fitted again, and so
snapped back, whenever a link was made, a page arrived or the dock's edge moved. The columns
not touched keep the widths they are fitted to without it: beside the form the organisation
takes the room a drag leaves, or gives room down to what its names need, and past that the
table scrolls sideways. Fitted into the view around a column dragged wider, the tool's column
shrank to "Bamb…" and "The c…" at 1366x768 with 125 % text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Final

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtWidgets import QStyle, QStyleOptionHeader, QStyleOptionViewItem, QTableView

from kombo_desktop.core.link_check import UNSAFE_LINK_STATUS
from kombo_desktop.core.vocabulary import CUSTOMER_CHOOSES, day_text
from kombo_desktop.ui.event_filters import reports_errors
from kombo_desktop.ui.history_model import (
    COLUMNS,
    CUSTOMER_ID,
    EMAIL,
    ORGANISATION,
    STATUS,
    TOOL,
    TYPE,
    WHEN,
    HistoryTableModel,
    unmarked_tool,
)

# Below the form, when the view has no room for every column's longest text: each column's
# width at most (the status's words are whole all the same).
WIDE_WIDTHS: Final = {
    WHEN: 175,
    ORGANISATION: 175,
    EMAIL: 200,
    CUSTOMER_ID: 110,
    TOOL: 130,
    TYPE: 150,
    STATUS: 190,
}
WIDE_ORDER: Final = tuple(range(len(COLUMNS)))
NARROW_ORDER: Final = (ORGANISATION, TOOL, WHEN, STATUS, TYPE, EMAIL, CUSTOMER_ID)
# Narrow, the tool is as wide as the longest of its names in the rows, and at least as wide as
# this one; the organisation keeps at least the width of this text (a name's first letters,
# the rest elided; its tooltip says it whole). Texts, not pixels, so both grow with the text
# size chosen in the system.
TOOL_SAMPLE: Final = "Personio"
# Short of room, the tool's column is as wide as the tools named in the rows, but no wider than
# this name (four in five of the tools' names are no longer).
TOOL_USUAL_WIDEST: Final = "SuccessFactors"
ORGANISATION_LEAST_TEXT: Final = "Acme G\N{HORIZONTAL ELLIPSIS}"
# Short of room, the organisation is this wide before a long tool's name grows past the width
# of a usual one (see the module docstring): a long name's first twenty-odd letters.
ORGANISATION_FAIR_TEXT: Final = "Bäckerei Schmidt GmbH & Co."
# Below the form, the widest a column grows for its texts (before it takes room left over):
# about this many characters.
WIDEST_TEXT: Final = 40
# Below the form, the columns that take the room left once every text is whole.
ROOMY_COLUMNS: Final = (ORGANISATION, EMAIL)
# The rows measured for the widths of the texts: the first page, about as many as a screen
# shows and more (a later page scrolled to fits the columns again as it comes).
MEASURED_ROWS: Final = 200

# A section's width, wider than any title, at which the header's style says how much of it
# the title may take.
_PROBE_WIDTH: Final = 1000

# The events that fit the first columns again, of the table itself (True) and of its view.
_REFITS: Final = {
    True: (QEvent.Type.FontChange, QEvent.Type.StyleChange),
    False: (QEvent.Type.Resize,),
}

assert set(WIDE_WIDTHS) == set(WIDE_ORDER) == set(NARROW_ORDER)

# The cell widths remembered at most (see HistoryColumns.cell_width): a few pages' texts.
_CELL_WIDTHS_KEPT: Final = 5_000


class HistoryColumns(QObject):
    """Arranges ``table``'s columns wide (the default) or narrow (see the module docstring).

    Narrow, the first four columns are fitted again whenever the table's view changes width
    (the window resized, the dock's edge dragged, the vertical scroll bar coming or going),
    the table's font or style changes, or rows come or go (one may name a longer tool, or
    have named the longest). Changing a column's width never changes the view's, so this
    cannot feed itself.
    """

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self._table = table
        self._narrow = False
        # The widths the person gave columns by hand, in each arrangement (narrow or not).
        self._by_hand: dict[bool, dict[int, int]] = {False: {}, True: {}}
        self._fitting = False  # the widths being set are this class's own
        # Each column's texts while the columns are fitted (see _refit), and each text's cell
        # width until the table's font or style changes (see cell_width).
        self._texts_now: dict[int, set[str]] | None = None
        self._cell_widths: dict[str, int] = {}
        # Fitted once at the end of fitted_once(), not at each change meanwhile.
        self._held = False
        self._refit_wanted = False
        table.viewport().installEventFilter(self)
        table.installEventFilter(self)  # its font or style changed: the texts' widths did
        model = table.model()
        # New rows may name a longer tool; a deleted one may have named the longest.
        for changed in (
            model.modelReset,
            model.rowsInserted,
            model.rowsRemoved,
            model.dataChanged,
            model.layoutChanged,
        ):
            changed.connect(self._refit)
        # The columns share the view exactly (see _fit_below_the_form): no last column
        # stretched to its edge.
        table.horizontalHeader().setStretchLastSection(False)
        self._arrange()
        table.horizontalHeader().sectionResized.connect(self._section_resized)

    def set_narrow(self, narrow: bool) -> None:
        if narrow != self._narrow:
            self._narrow = narrow
            model = self._table.model()
            if isinstance(model, HistoryTableModel):
                model.set_compact(narrow)
            self._arrange()

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() not in _REFITS.get(watched is self._table, ()):
            return False
        if watched is self._table:  # its font or style: the texts' widths changed
            self._cell_widths.clear()
        self._refit()
        return False

    def _section_resized(self, column: int, _old: int, width: int) -> None:
        """Keep a width the person gave ``column`` (see the module docstring). Nothing but
        this class and the person sets the columns' widths (the header's sections are
        ``Interactive``, none stretched), so a width this class did not set is the person's:
        a drag of the column's edge, or a double click on it, which fits it to its texts.
        Telling it by the mouse on the header would need the header's viewport, which Qt
        makes: handing it to Python made PySide6 set up every widget class it knows at the
        history's first opening (see ``widgets.own_viewport``)."""
        if not self._fitting:
            self._by_hand[self._narrow][column] = width

    def _set_widths(self, widths: dict[int, int]) -> None:
        """Give the columns ``widths``, but for those the person sized by hand."""
        by_hand = self._by_hand[self._narrow]
        self._fitting = True
        try:
            for column, width in widths.items():
                self._table.setColumnWidth(column, by_hand.get(column, width))
        finally:
            self._fitting = False

    @contextmanager
    def fitted_once(self) -> Iterator[None]:
        """Fit the columns once, as the block ends, however often the view changes in it: the
        history's first opening (the dock placed, floated, laid out and its list asked for)
        fitted them twelve times, about a millisecond each while the window waited."""
        self._held = True
        try:
            yield
        finally:
            self._held = False
            if self._refit_wanted:
                self._refit()

    def _refit(self, *_changed: object) -> None:
        """Fit the columns again, reading each column's texts once: a fitting asks for some
        of them two or three times, and a page of 200 rows read each time held the window
        20-30 ms (twice in a row as a page arrives: its rows, then the scroll bar they bring)."""
        if self._held:
            self._refit_wanted = True
            return
        self._refit_wanted = False
        self._texts_now = {}
        try:
            if self._narrow:
                self._fit_first_columns()
            else:
                self._fit_below_the_form()
        finally:
            self._texts_now = None

    def _arrange(self) -> None:
        header = self._table.horizontalHeader()
        for place, column in enumerate(NARROW_ORDER if self._narrow else WIDE_ORDER):
            header.moveSection(header.visualIndex(column), place)
        # Beside the form, the columns a scroll away keep these.
        self._set_widths({column: self.usual_width(column) for column in WIDE_ORDER})
        self._refit()

    def usual_width(self, column: int) -> int:
        """``column``'s width in ``WIDE_WIDTHS``, and never narrower than its title: those
        pixel widths cut "Organisation" and "Customer id" in the middle with 1.5x and 2x text."""
        return max(WIDE_WIDTHS[column], self._title(column))

    def _fit_below_the_form(self) -> None:
        """Below the form (see the module docstring): each column as wide as its texts need,
        the room left to the organisation and the e-mail address; without room for that, no
        column wider than usual but the status, whose words stay whole. A column sized by hand
        keeps its width, and the others share what it leaves."""
        by_hand = self._by_hand[False]
        needed = {column: self.text_width(column) for column in WIDE_ORDER}
        widths = {column: min(needed[column], self.usual_width(column)) for column in WIDE_ORDER}
        widths[STATUS] = needed[STATUS] = self.text_width(STATUS, widest=None)
        widths |= by_hand
        needed |= by_hand
        spare = self._table.viewport().width() - sum(widths.values())
        # What holds the most first, then the others in the order of the columns.
        for column in (*ROOMY_COLUMNS, *(c for c in WIDE_ORDER if c not in ROOMY_COLUMNS)):
            more = max(0, min(spare, needed[column] - widths[column]))
            widths[column] += more
            spare -= more
        roomy = [column for column in ROOMY_COLUMNS if column not in by_hand]
        if spare > 0 and roomy:  # every text whole, and room to spare: names and addresses
            share, rest = divmod(spare, len(roomy))
            for place, column in enumerate(roomy):
                widths[column] += share + (rest if place == 0 else 0)
        self._set_widths(widths)

    def _fit_first_columns(self) -> None:
        """Beside the form (see the module docstring). A column sized by hand keeps its
        width, and the others keep what they are given without it: the organisation takes
        the room it leaves or gives, but never less than its names need (nor than it has
        without the drag, when that is less), and the rest is a sideways scroll away. Fitted
        into the view, a column dragged wider squeezed the tool's to "Bamb…" and "The c…"."""
        by_hand = self._by_hand[True]
        widths = self._first_columns_fitted()
        organisation = widths[ORGANISATION]
        others = sum(widths.values()) - organisation
        widths |= by_hand
        if ORGANISATION not in by_hand:
            names = max(self.text_width(ORGANISATION), self.organisation_least())
            given = organisation + others - (sum(widths.values()) - widths[ORGANISATION])
            widths[ORGANISATION] = max(min(organisation, names), given)
        self._set_widths(widths)

    def _first_columns_fitted(self) -> dict[int, int]:
        """The widths of the first four columns sharing the view, as if none was sized by
        hand (see the module docstring)."""
        when, status = self.when_width(), self.status_width()
        least, least_tool = self.organisation_least(), self.tool_least()
        # What the view holds for the organisation and the tool beside the time and the status;
        # without room for the least of both, "Valid until" goes a scroll away.
        room = self._table.viewport().width() - when - status
        if least + least_tool > room:
            room += status
        # The tools named, then the organisation up to its fair share, then the tool up to its
        # longest text, and the organisation the rest (see the module docstring).
        names = self.text_width(ORGANISATION)
        named = max(least_tool, min(self.named_tools_width(), room - least))
        fair = max(least, min(names, self.organisation_fair()))
        organisation = max(least, min(fair, room - named))
        tool = max(named, min(self.tool_width(marked=False), room - organisation))
        organisation = max(organisation, room - tool)
        # The word marking reconnections takes what the organisations' names leave: taken
        # first, it cut them to "Zürich Ver…" at 1366x768 (cut, it still reads "Reconne…").
        mark = min(self.tool_width() - tool, organisation - names)
        if mark > 0:
            tool, organisation = tool + mark, organisation - mark
        return {WHEN: when, STATUS: status, TOOL: tool, ORGANISATION: organisation}

    def when_width(self) -> int:
        """Wide enough for the short time made ("28 May, 22:22") of any month, and its title."""
        return max(self._widest(lambda day: f"{day.rsplit(' ', 1)[0]}, 22:22"), self._title(WHEN))

    def status_width(self) -> int:
        """Wide enough for the short status (the widest date of any month), the status of each
        of the first rows ("No longer works" was cut to "No longer …" at 1366x768) and its
        title."""
        return max(self._widest(lambda day: day), self.text_width(STATUS, widest=None))

    def tool_width(self, *, marked: bool = True) -> int:
        """Wide enough for the tool's cell in each of the first rows, and the column's title;
        not ``marked``: for the tool's name alone, without the word marking a reconnection
        (``marked_reconnection``)."""
        return self.text_width(TOOL, widest=None, unmarked=not marked)

    def text_width(
        self, column: int, *, widest: int | None = WIDEST_TEXT, unmarked: bool = False
    ) -> int:
        """Wide enough for ``column``'s text in each of the first rows, up to ``widest``
        characters (None: whatever their length), and for its title; ``unmarked``: without
        the word marking a reconnection."""
        texts = self._texts(column)
        if unmarked:
            texts = {unmarked_tool(text) for text in texts}
        longest = max((self.cell_width(text) for text in texts), default=0)
        if widest is not None:
            longest = min(longest, self.cell_width("n" * widest))
        return max(longest, self._title(column))

    def _texts(self, column: int) -> set[str]:
        """The texts of ``column`` in the first rows, and for the status the one of a link
        never handed out, which is not known before its link is checked (see
        ``HistoryTableModel.measured_texts``); read once while the columns are fitted."""
        if self._texts_now is not None and column in self._texts_now:
            return self._texts_now[column]
        model = self._table.model()
        rows = min(model.rowCount(), MEASURED_ROWS)
        if isinstance(model, HistoryTableModel):
            texts = model.measured_texts(column, rows)
            if column == STATUS and texts:
                texts.add(UNSAFE_LINK_STATUS)
        else:
            texts = {str(model.data(model.index(row, column)) or "") for row in range(rows)}
        if self._texts_now is not None:
            self._texts_now[column] = texts
        return texts

    def named_tools_width(self) -> int:
        """Wide enough for the names of the tools in the first rows (not a reconnection's mark,
        nor "The customer chooses · ..." of a link naming none), up to ``TOOL_USUAL_WIDEST``."""
        names = {unmarked_tool(text) for text in self._texts(TOOL)}
        widest = max(
            (self.cell_width(name) for name in names if not name.startswith(CUSTOMER_CHOOSES)),
            default=0,
        )
        return min(widest, self.cell_width(TOOL_USUAL_WIDEST))

    def tool_least(self) -> int:
        return self.cell_width(TOOL_SAMPLE)

    def organisation_fair(self) -> int:
        """How wide the organisation is, short of room, before a long tool's name is whole."""
        return self.cell_width(ORGANISATION_FAIR_TEXT)

    def organisation_least(self) -> int:
        """A name's first letters, and never less than the column's title drawn whole:
        narrower, the header read "rganisatio" in a narrow dock with larger text."""
        return max(self.cell_width(ORGANISATION_LEAST_TEXT), self.title_whole(ORGANISATION))

    def title_whole(self, column: int) -> int:
        """The least width at which the header draws ``column``'s title whole, not elided: the
        title in the header's font, and the room the header's style keeps beside it (less
        than its size hint asks for, which also keeps room around the text to spare)."""
        header = self._table.horizontalHeader()
        option = QStyleOptionHeader()
        option.initFrom(header)
        option.section = column
        option.text = str(self._table.model().headerData(column, Qt.Orientation.Horizontal))
        option.rect = QRect(0, 0, _PROBE_WIDTH, header.height())
        label = header.style().subElementRect(QStyle.SubElement.SE_HeaderLabel, option, header)
        beside = _PROBE_WIDTH - label.width()
        return header.fontMetrics().horizontalAdvance(option.text) + beside

    def cell_width(self, text: str) -> int:
        """How wide a cell must be to show ``text`` whole: the text in the table's font, the
        room the table's style leaves around it (its margins, a style sheet's padding) and
        the grid line. Remembered by text until the table's font or style changes (see
        eventFilter): a page's organisations are measured as it arrives and again as the
        scroll bar it brings narrows the view."""
        known = self._cell_widths.get(text)
        if known is not None:
            return known
        if len(self._cell_widths) >= _CELL_WIDTHS_KEPT:
            self._cell_widths.clear()
        width = self._cell_widths[text] = self._measured_cell_width(text)
        return width

    def _measured_cell_width(self, text: str) -> int:
        table = self._table
        option = QStyleOptionViewItem()
        option.initFrom(table)
        option.font = table.font()
        option.fontMetrics = table.fontMetrics()
        option.text = text
        option.features = QStyleOptionViewItem.ViewItemFeature.HasDisplay
        size = table.style().sizeFromContents(
            QStyle.ContentsType.CT_ItemViewItem, option, QSize(), table
        )
        return size.width() + (1 if table.showGrid() else 0)

    def _title(self, column: int) -> int:
        """How wide ``column`` must be for its title (in its current wording) to show whole."""
        return self._table.horizontalHeader().sectionSizeHint(column)

    def _widest(self, text: Callable[[str], str]) -> int:
        """The width of the widest ``text`` of the 28th of any month, in the table's font."""
        return max(
            self.cell_width(text(day_text(datetime(2027, month, 28)))) for month in range(1, 13)
        )
