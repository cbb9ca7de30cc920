"""A tighter look for a window too short for its usual one.

On a 1366x768 laptop at 150 % with larger text, the part between the header and the status
line had less height than the tab bar, a field and the form's buttons need together, and it
scrolled at start: "Create link" was below its edge until Tab or the wheel brought it. There,
the window's parts move closer together: less room above the window's content, between its
parts, in the status line's card and the form's button row, and above and below the tabs'
names. Below the window's content the room stays while the status line shows buttons: they
are the window's lowest, and keep their distance from its edge. The usual look stays wherever
it fits.

The look is chosen from how much room the middle part has to spare in the look it has now
(less than none when it scrolls), and from what each look takes, added up from the numbers
below: never from the parts' heights as they stand, which lag behind a change of look until Qt
lays the window out again. The choice cannot then change the room that made it (as in
``action_fit``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QBoxLayout, QLayout, QTabWidget, QWidget

from kombo_desktop.ui import theme
from kombo_desktop.ui.event_filters import reports_errors
from kombo_desktop.ui.widgets import FitScrollArea


class Look(NamedTuple):
    """Heights in pixels, each given above and below what it is around (but ``bottom``)."""

    margin: int  # the window's content, above it
    gap: int  # between the window's parts, and between the notices and forms in the middle
    padding: int  # the status line's text and the form's buttons, in their frames
    tab: int  # a tab's name (``theme``'s style sheet, its ``tight`` property)
    bottom: int  # the window's content, below it: under the status line


USUAL = Look(
    theme.MARGIN, theme.SECTION_SPACING - 4, theme.SPACING, theme.TAB_PADDING, theme.MARGIN
)
TIGHT = Look(8, 8, 6, theme.TIGHT_TAB_PADDING, 8)
# While the status line shows buttons they are the window's lowest, and they keep the usual
# room under them: with 8 pixels, "Copy details" sat 15 pixels from the window's bottom edge
# with larger text, and looked to stand on it.
TIGHT_OVER_BUTTONS = TIGHT._replace(bottom=theme.MARGIN)


def shown_items(layout: QBoxLayout) -> int:
    """How many of ``layout``'s items take room: hidden widgets and empty layouts take none,
    nor the spacing beside them."""
    items = (layout.itemAt(index) for index in range(layout.count()))
    return sum(item is not None and not item.isEmpty() for item in items)  # None past count()


class TightLook(QObject):
    """Gives the window the usual look where its middle part fits it, else the tight one.

    ``window`` and ``middle`` are the layouts of the window's content and of the part that
    scrolls (``area``); ``padded`` are the frames whose padding follows the look, in groups of
    which only one is seen at a time (the two forms' button rows); ``tabs`` hold the forms,
    their names in a tab bar; ``scrolled`` are the pages of the forms' fields, whose room above
    their first field follows the look's margin (they scroll: it takes none of the window's
    height, but at their least height the first field showed only in part). ``lowest`` is the
    part at the window's bottom (the status line), and ``has_buttons`` says whether it shows
    buttons now: tight, the room under it stays the usual one while it does.
    """

    def __init__(
        self,
        window: QBoxLayout,
        middle: QBoxLayout,
        area: FitScrollArea,
        padded: Sequence[Sequence[QLayout]],
        tabs: QTabWidget,
        scrolled: Sequence[QLayout] = (),
        lowest: tuple[QWidget, Callable[[], bool]] | None = None,
    ) -> None:
        super().__init__(area)
        self._window, self._middle, self._area = window, middle, area
        self._padded = [list(group) for group in padded]
        self._tabs = tabs
        self._scrolled = list(scrolled)
        self.look = USUAL
        area.installEventFilter(self)
        self._page = area.widget()
        if self._page is not None:
            self._page.installEventFilter(self)
        self._lowest: QWidget | None = None
        self._has_buttons: Callable[[], bool] = lambda: False
        if lowest is not None:
            self._lowest, self._has_buttons = lowest
            self._lowest.installEventFilter(self)  # its buttons shown or hidden

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # The window was resized, or what the middle holds grew or shrank (a warning shown),
        # or the status line's buttons came or went.
        kind = event.type()
        if (watched is self._area and kind == QEvent.Type.Resize) or (
            watched in (self._page, self._lowest) and kind == QEvent.Type.LayoutRequest
        ):
            self.fit()
        return False

    def fit(self) -> None:
        """Take the usual look if the middle part has the room for it, else the tight one."""
        spare = self._area.height() - self._area.unscrolled_height()
        tight = TIGHT_OVER_BUTTONS if self._has_buttons() else TIGHT
        look = USUAL if spare + self.height(self.look) - self.height(USUAL) >= 0 else tight
        if look != self.look:
            self.look = look
            self._apply(look)

    def height(self, look: Look) -> int:
        """What ``look`` takes of the window's height besides its parts, with the parts
        shown now."""
        gaps = max(shown_items(self._window) - 1, 0) + max(shown_items(self._middle) - 1, 0)
        padded = sum(1 for group in self._padded if group)
        around = look.margin + look.bottom + 2 * look.tab
        return around + gaps * look.gap + 2 * padded * look.padding

    def _apply(self, look: Look) -> None:
        set_vertical_margins(self._window, look.margin, look.bottom)
        self._window.setSpacing(look.gap)
        self._middle.setSpacing(look.gap)
        for group in self._padded:
            for layout in group:
                set_vertical_margins(layout, look.padding, look.padding)
        for layout in self._scrolled:
            set_vertical_margins(layout, look.margin, layout.contentsMargins().bottom())
        # Its tab bar named only here: Python's first look at it costs the first frame 2 ms.
        tab_bar = self._tabs.tabBar()
        tab_bar.setProperty("tight", look == TIGHT)
        theme.refresh_style(tab_bar)


def set_vertical_margins(layout: QLayout, top: int, bottom: int) -> None:
    """``layout``'s room above and below what it holds; left and right as they were."""
    margins = layout.contentsMargins()
    margins.setTop(top)
    margins.setBottom(bottom)
    layout.setContentsMargins(margins)
