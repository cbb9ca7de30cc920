"""Where the link history opens, and how big: never at the cost of the form.

The window's height goes first to what is always there: the demo bar, the header, a duplicate
warning, the status line. On a 1366x768 laptop that is half of it, and a history opened below
would leave the form a single field. So the history opens

* at the bottom when the window, grown as far as the screen allows, keeps the form's first
  three fields and its button in view and still gives the history a useful height (at most
  40 % of the window): the table then has the window's whole width. A window that grows for
  it grows until the whole form is in view again, if the screen is tall enough;
* else at the right side (at most 40 % of the window's width, the window growing sideways
  towards the history's preferred width when the screen allows), where it takes width, which
  even small screens have, and leaves the form its full height; its buttons then stand in
  pairs, so that it fits beside the form on a screen 1280 pixels wide (1920x1080 at 150 %);
* else (a small screen, or a large text scale: 1366x768 at 125 %) in a window of its own,
  over the form, where it can be moved: docked, it squeezed the form and the duplicate warning
  below the height they need (their buttons cut in half, the warning's text under its
  buttons). Its buttons are slim there, in threes where they fit, to leave the table room for
  rows. The result stays in view for "Show QR code"; the window closes when the form is
  filled from it, a duplicate warning comes (see ``history_placement``) or Esc is pressed.
  Docked, Esc closes it too, with the focus in it.

Room for the duplicate warning counts even while none is shown: it appears on the next click
for a known customer, and a history that then jumped to the other side would be disorienting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, QRect, Qt, Signal
from PySide6.QtWidgets import QDockWidget, QWidget

from kombo_desktop.ui.event_filters import reports_errors
from kombo_desktop.ui.widgets import WINDOW_FRAME, keep_on_screen

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent

    from kombo_desktop.ui.history_panel import HistoryPanel
    from kombo_desktop.ui.main_window import MainWindow
    from kombo_desktop.ui.request_form import RequestForm

MAX_SHARE = 0.4  # of the window's height (at the bottom) or width (at the side)
FIELDS_KEPT = 3  # the form keeps at least this many fields, and its button, in view
USEFUL_ROWS, PREFERRED_ROWS = 4, 6  # rows of the table in view at the bottom
PREFERRED_WIDTH = 620  # at the side: when, organisation and e-mail without scrolling
# Rows of the table a floating history keeps in view, screen permitting: two whole rows are
# what a 1366x768 laptop at 150 % with larger text leaves below the header; a third covered
# the screen-sharing switch there.
FLOATING_ROWS = 2
# The duplicate warning's height with its spacing, before it is first shown (two lines of text).
WARNING_ROOM = 180
SEPARATOR = 8  # the line between the window's content and a dock, that can be dragged
_LEFT, _RIGHT = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
_BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea
# On the docked title Qt draws, and on the title the system draws for a floating one.
_DOUBLE_CLICKS = (QEvent.Type.MouseButtonDblClick, QEvent.Type.NonClientAreaMouseButtonDblClick)


class HistoryDockWidget(QDockWidget):
    """The history's dock, which says when the person closes it (its close button): Qt also
    hides a dock for a moment while floating or docking it, which is no closing. It also
    says whether a double click on its title is floating or docking it (``double_clicked``)."""

    closed = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._double_clicked = False

    @property
    def double_clicked(self) -> bool:
        """Whether Qt is handling a double click on the title now: it floats or docks the dock
        with the mouse button still down, as when the dock is dragged off, and a history
        floated so was left where Qt put it, over the header's buttons."""
        return self._double_clicked

    def event(self, event: QEvent) -> bool:
        if event.type() not in _DOUBLE_CLICKS:
            return super().event(event)
        self._double_clicked = True
        try:
            return super().event(event)
        finally:
            self._double_clicked = False

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        super().closeEvent(event)
        if event.isAccepted():
            self.closed.emit()


class StatusLineWatch(QObject):
    """Keeps a floating history (``dock``) off the window's status line when the status line
    grows: a longer message, shown with the history open, grew it upwards under the history,
    which hid its first lines."""

    def __init__(self, window: MainWindow, dock: QDockWidget) -> None:
        super().__init__(dock)
        self._window, self._dock = window, dock
        window.statusPanel.installEventFilter(self)

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.Move, QEvent.Type.Resize):
            clear_of_the_status_line(self._window, self._dock)
        return False


def clear_of_the_status_line(window: MainWindow, dock: QDockWidget) -> None:
    """A floating history over the status line ends above it, as far as its smallest height
    allows: its table scrolls in what is left."""
    if not dock.isFloating() or dock.isHidden():
        return
    status = window.statusPanel
    history = dock.frameGeometry()
    if not history.intersects(QRect(status.mapToGlobal(QPoint(0, 0)), status.size())):
        return
    extra_height = history.height() - dock.height()
    height = _above_the_status_line(window) - history.top() - extra_height
    height = max(height, dock.minimumSizeHint().height())
    if height < dock.height():
        dock.resize(dock.width(), height)


@dataclass(frozen=True)
class Sizes:
    """What the placement depends on, in the window's pixels."""

    window: tuple[int, int]  # the window's content now
    room: tuple[int, int]  # the largest the screen lets the window's content be
    form: tuple[int, int]  # the content's height with the form's first fields, and all of it
    content_width: int  # the narrowest the content (form and result side by side) can be
    bottom: tuple[int, int]  # the history's useful and preferred height at the bottom
    side: tuple[int, int]  # its useful and preferred width at the side


@dataclass(frozen=True)
class DockPlan:
    """Where the history goes, the window's size for it, and the history's height or width."""

    side: bool  # at the right side; else at the bottom
    window: tuple[int, int]
    dock: int  # its width at the side, else its height
    floating: bool = False  # in a window of its own over the form, sized to it


def plan_dock(sizes: Sizes) -> DockPlan:
    """The first placement of the module docstring's list that fits."""
    width, height = sizes.window
    kept, whole = sizes.form
    useful, preferred = sizes.bottom
    grown = min(sizes.room[1], whole + SEPARATOR + preferred)
    for tall in (height, max(height, grown)):
        dock = min(preferred, int(tall * MAX_SHARE), tall - kept - SEPARATOR)
        if dock >= useful:
            return DockPlan(side=False, window=(width, tall), dock=dock)
    # Beside the form, the table's width is what there is to gain: the window grows towards the
    # history's preferred width whenever the screen has room, as a person would drag it.
    useful, preferred = sizes.side
    wide = max(width, min(sizes.room[0], sizes.content_width + SEPARATOR + preferred))
    dock = min(preferred, int(wide * MAX_SHARE), wide - sizes.content_width - SEPARATOR)
    if dock >= useful:
        return DockPlan(side=True, window=(wide, height), dock=dock)
    return DockPlan(side=False, window=(width, height), dock=sizes.bottom[0], floating=True)


def place_history(
    window: MainWindow, dock: QDockWidget, panel: HistoryPanel, *, warning_shown: bool
) -> None:
    """Dock the history where :func:`plan_dock` says, show it, and size it (and the window)."""
    plan = plan_dock(_measure(window, dock, panel, warning_shown=warning_shown))
    if plan.floating:
        _float_over_the_form(window, dock, panel)
        return
    area = _RIGHT if plan.side else _BOTTOM
    panel.set_narrow(plan.side)  # not compact: ``_measure`` made sure of it
    if window.dockWidgetArea(dock) != area or dock.isFloating():
        dock.setFloating(False)
        window.addDockWidget(area, dock)
    dock.show()
    if plan.window != (window.width(), window.height()):
        window.resize(*plan.window)
        keep_on_screen(window)
    orientation = Qt.Orientation.Horizontal if plan.side else Qt.Orientation.Vertical
    window.resizeDocks([dock], [plan.dock], orientation)


def _float_over_the_form(window: MainWindow, dock: QDockWidget, panel: HistoryPanel) -> None:
    """The history in a window of its own over the form (a window that fills the screen
    leaves no room beside it), so that the result next to it stays in view."""
    panel.set_narrow(True)
    tabs = window.tabs
    panel.set_compact(True, tabs.width())
    if not dock.isFloating():
        dock.setFloating(True)
    dock.show()
    # As tall as the screen leaves it below the header, not as tall as the tabs: they are as
    # tall as the whole form when the part below the header scrolls, 684 pixels on a screen
    # 485 high (1366x768 at 150 % with larger text), and the history's buttons were off it.
    below = window.screen().availableGeometry().bottom() + 1 - _below_the_header(window)
    place_floating(window, dock, panel, (tabs.width(), below))


def place_floating(
    window: MainWindow, dock: QDockWidget, panel: HistoryPanel, size: tuple[int, int]
) -> None:
    """Put the floating history (at least its smallest size, else about ``size``) where it
    covers none of the header's buttons (the screen-sharing switch, History, Settings) and
    stays on the screen: beside the window when the screen has room for it, else over the
    form between the header and the status line, as tall as that leaves it (its table
    scrolls). Placed over the header, it hid the buttons that turn screen-sharing mode on and
    close it again; down to the screen's bottom, it hid the status line and its reminder to
    turn that mode back on before sharing the screen.

    Its smallest height shows the search box, ``FLOATING_ROWS`` rows of its table and its
    buttons, as far as the screen's height allows: as short as Qt lets a table be, it showed
    less than one row on a 1366x768 laptop at 150 % with larger text, and could be made
    shorter still. Where that height does not fit between the header and the status line,
    its buttons go in threes (as far as the window's width allows), which makes it shorter;
    where that is not enough either (1366x768 at 150 % with larger text) it still covers
    none of the header's buttons and reaches over the top of the status line, or covers the
    least of the header it must to stay on the screen."""
    # Just floated from its dock, the history leaves the window's content room that its
    # layout hands out on the next turn: until then the header stands where the docked
    # history squeezed it (1366x768 at 150 %), and a history placed below that covered the
    # screen-sharing switch.
    _settle(window)
    screen = window.screen()
    available = screen.availableGeometry()
    frame = window.frameGeometry()
    # The border and title the system adds to the history's own window.
    extra_width = dock.frameGeometry().width() - dock.width()
    extra_height = dock.frameGeometry().height() - dock.height()

    def fitted(width: int, height: int, tallest: int = available.height()) -> tuple[int, int]:
        # The panel's buttons may just have been rearranged: its smallest size and the dock's
        # follow now, not on the next turn, or the dock could not be made as short as it can.
        layout = panel.layout()
        if layout is not None:
            layout.activate()
        QCoreApplication.sendPostedEvents(dock, QEvent.Type.LayoutRequest)
        if _keep_rows_in_view(dock, panel, tallest - extra_height):
            # The table's new least height reaches the dock through the panel's layout: left
            # for later, the dock's smallest height was the one before, and a history that
            # did not fit below the header was placed as if it did, its bottom off the screen.
            if layout is not None:
                layout.activate()
            QCoreApplication.sendPostedEvents(dock, QEvent.Type.LayoutRequest)
        smallest = dock.minimumSizeHint().expandedTo(dock.minimumSize())
        width = min(max(width, smallest.width()), available.width() - extra_width)
        height = min(max(height, smallest.height()), tallest - extra_height)
        return width, height

    width, height = fitted(*size)
    outer = width + extra_width
    if available.right() - frame.right() >= outer:  # room at the right of the window
        left, top = frame.right() + 1, frame.top()
    elif frame.left() - available.left() >= outer:  # or at its left
        left, top = frame.left() - outer, frame.top()
    else:
        left = window.tabs.mapToGlobal(QPoint(0, 0)).x() - extra_width // 2
        top = _below_the_header(window)
        bottom = min(available.bottom() + 1, _above_the_status_line(window))
        room = bottom - top - extra_height
        if dock.minimumSizeHint().height() > room:
            # Its buttons in threes, as wide as the window allows from the form's left edge.
            panel.set_compact(True, max(width, frame.right() + 1 - left - extra_width), short=True)
        # Its table keeps the rows it can between the header and the status line; where the
        # history does not fit there with none, the status line cannot be spared and the
        # table keeps its rows, screen permitting.
        width, height = fitted(*size, tallest=bottom - top)
        if dock.minimumSizeHint().height() > room:
            width, height = fitted(*size)
        height = max(min(height, room), dock.minimumSizeHint().height())
    # On the screen, whatever Qt reports of its frame meanwhile (it can lag behind).
    left = max(available.left(), min(left, available.right() + 1 - width - extra_width))
    top = max(available.top(), min(top, available.bottom() + 1 - height - extra_height))
    dock.setGeometry(left + extra_width // 2, top + extra_height - extra_width // 2, width, height)
    keep_on_screen(dock)


def _keep_rows_in_view(dock: QDockWidget, panel: HistoryPanel, tallest: int) -> bool:
    """Make the table of the floating history (its buttons arranged as they now are) no
    shorter than ``FLOATING_ROWS`` rows, under its column titles and above its scroll bar,
    unless that makes the history taller than ``tallest``; whether its smallest height
    changed."""
    table = panel.historyTable
    before = table.minimumHeight()
    table_now = table.minimumSizeHint().height() if before == 0 else before
    others = dock.minimumSizeHint().height() - table_now  # search box, buttons, margins
    titles = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
    rows = FLOATING_ROWS * table.verticalHeader().defaultSectionSize()
    wanted = titles + rows + table.horizontalScrollBar().sizeHint().height()
    height = min(wanted, tallest - others)
    if height <= table.minimumSizeHint().height():  # no room for more than Qt's smallest
        height = 0
    panel.keep_table_height(height)
    return height != before


def place_floated_by_hand(window: MainWindow, dock: QDockWidget, panel: HistoryPanel) -> None:
    """The person floated the history (its float button, a double click on its title): placed
    as :func:`place_floating` says, as big as it was docked at the side, or as it would be
    there. Docked below the form it is as wide as the window and a few rows high: floated at
    that size it lay over the link and the form, 1180 pixels wide on a screen 1920 wide, with
    one row of its table in view. Now it is as wide as at the side and as tall as the window,
    beside it where there is room."""
    size = (dock.width(), dock.height())
    if window.dockWidgetArea(dock) not in (_LEFT, _RIGHT):
        size = (PREFERRED_WIDTH, window.height())
    place_floating(window, dock, panel, size)


def _settle(window: MainWindow) -> None:
    """Lay out the window's content now, as it will be on the next turn of the event loop
    (the layouts' own requests: the window's layout, asked for here, would have PySide6 set
    up classes the first click on History is not to wait for, see ``history_warm_up``).
    The status line first: its sentence may have just changed ("Turn off and show history"
    says screen-sharing mode is off and opens the history at once), and a history placed
    above the sentence's old, shorter lines covered the new one's first line."""
    for part in (window.statusPanel, window, window.centralWidget()):
        if part is not None:
            QCoreApplication.sendPostedEvents(part, QEvent.Type.LayoutRequest)


def _below_the_header(window: MainWindow) -> int:
    """Where the header ends, on the screen: a history floating lower covers none of it."""
    header = window.header
    return header.mapToGlobal(QPoint(0, header.height())).y()


def _above_the_status_line(window: MainWindow) -> int:
    """Where the status line begins, on the screen: a history floating higher leaves it,
    its sentence and its buttons, in view."""
    return window.statusPanel.mapToGlobal(QPoint(0, 0)).y() - SEPARATOR


def _measure(
    window: MainWindow, dock: QDockWidget, panel: HistoryPanel, *, warning_shown: bool
) -> Sizes:
    content = window.centralWidget()
    assert content is not None
    # A warning shown a moment ago takes its place now, above the forms in the part that
    # scrolls.
    for part in (content, window.middleArea.widget()):
        layout = part.layout() if part is not None else None
        if layout is not None:
            layout.activate()
    # The content without the form, plus the form at the height that keeps its first fields
    # (and its button), and at the height that shows all of it.
    form: RequestForm = window.linkForm
    if window.tabs.currentWidget() is window.relinkForm:
        form = window.relinkForm
    # A warning in a window too short for it scrolls with the form: what is scrolled away
    # counts too.
    others = content.height() + window.middleArea.height_missing() - form.height()
    others += 0 if warning_shown else WARNING_ROOM
    kept = form.height_showing(FIELDS_KEPT)

    # The history's own smallest size depends on how its buttons stand, its height on the rows
    # of its table that are to be seen.
    table = panel.historyTable
    panel.set_compact(False)  # as docked: a floating history's threes would not fit beside
    panel.keep_table_height(0)  # nor the rows it keeps in view (``place_floating``)
    panel.set_narrow(False)
    smallest = dock.minimumSizeHint().height() - table.minimumSizeHint().height()
    header = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
    row = table.verticalHeader().defaultSectionSize()
    useful, preferred = (smallest + header + rows * row for rows in (USEFUL_ROWS, PREFERRED_ROWS))
    panel.set_narrow(True)
    narrowest = dock.minimumSizeHint().width()

    available = window.screen().availableGeometry()
    return Sizes(
        window=(window.width(), window.height()),
        room=(available.width() - WINDOW_FRAME[0], available.height() - WINDOW_FRAME[1]),
        form=(others + kept, others + max(kept, form.sizeHint().height())),
        content_width=max(content.minimumSizeHint().width(), content.minimumWidth()),
        bottom=(useful, preferred),
        side=(narrowest, max(narrowest, PREFERRED_WIDTH)),
    )
