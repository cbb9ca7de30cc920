"""How the column of actions beside the QR code fits a short window.

Four looks, tried in this order: the usual one; the buttons closer together; closer together
and slimmer; and, when even that is too tall, slimmer with more room made above the column
(the result panel drops its title). With a link and its invitation shown, the usual look
reached below the result panel on a 1366x768 laptop ("Copy QR image" cut off), the closer one
on a 1920x1080 laptop at 150 %, the most common of all, and the slim one on a 1366x768 laptop
at 125 %.

The look is chosen from the column's height in each look, added up from its parts' own sizes,
never from the column as it stands: that depends on the look in use and lags behind a change
of it until Qt lays the column out again. Deciding from it made the panel switch between two
looks without end (a thousand times a second) when the room lay between them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QPushButton, QSizePolicy

from kombo_desktop.ui import theme

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLayout, QSpacerItem, QVBoxLayout, QWidget

USUAL, CLOSER, SLIM, SLIMMEST = 0, 1, 2, 3  # the looks, from the roomiest to the most compact
SPACING, SPACING_CLOSER = theme.SPACING // 2 + 2, 3  # between two actions
GAP, GAP_CLOSER = theme.SPACING, 4  # between the link's actions and the code's


def _layout_widgets(layout: QLayout) -> list[QWidget | None]:
    """What ``layout`` holds, in order: a widget, or None for a spacer or an inner layout."""
    items = (layout.itemAt(index) for index in range(layout.count()))
    return [item.widget() for item in items if item is not None]  # None only past count()


def shown_widgets(layout: QLayout) -> list[QWidget]:
    """The widgets of ``layout`` that are not hidden: a hidden one takes neither room nor
    spacing."""
    widgets = _layout_widgets(layout)
    return [widget for widget in widgets if widget is not None and not widget.isHidden()]


def _group_layout(group: QWidget) -> QLayout:
    """The layout of a group of actions: ``ActionColumnFit.add_group`` takes a group only
    when it has one."""
    inner = group.layout()
    assert inner is not None
    return inner


class ActionColumnFit:
    """Keeps ``column`` (buttons, and groups of them such as the invitation's) within the
    room it is given, in the roomiest look that fits."""

    def __init__(self, column: QVBoxLayout, gap: QSpacerItem) -> None:
        self._column = column
        self._gap = gap  # the spacer between the link's actions and the code's
        self.look = USUAL
        # Groups of actions with their own layout, and the spacing they were made with.
        self._groups: dict[QWidget, tuple[int, int]] = {}
        self._button_heights: dict[tuple[object, ...], int] = {}

    def add_group(self, group: QWidget) -> None:
        """``group`` (in the column) has buttons of its own, to be brought closer as well."""
        inner = group.layout()
        if inner is not None:
            self._groups[group] = (inner.spacing(), inner.contentsMargins().top())

    def fit(self, room: int) -> None:
        """Take the roomiest look whose column is at most ``room`` high (the most compact if
        none is). ``room`` must not depend on the look in use: the room that ``SLIMMEST``
        makes above the column is not counted in it."""
        looks = (USUAL, CLOSER, SLIM)
        look = next((look for look in looks if self.height(look) <= room), SLIMMEST)
        if look != self.look:
            self.look = look
            self._apply(look)

    def height(self, look: int) -> int:
        """The column's height in ``look``, whichever look it has now."""
        heights = [self._part_height(widget, look) for widget in shown_widgets(self._column)]
        spacing, gap = (SPACING, GAP) if look == USUAL else (SPACING_CLOSER, GAP_CLOSER)
        return sum(heights) + spacing * max(0, len(heights) - 1) + gap

    def _part_height(self, widget: QWidget, look: int) -> int:
        inner = widget.layout()
        if widget not in self._groups or inner is None:
            return self._own_height(widget, look)
        closer = (SPACING_CLOSER, SPACING_CLOSER)
        spacing, top = self._groups[widget] if look == USUAL else closer
        parts = [self._own_height(part, look) for part in shown_widgets(inner)]
        bottom = inner.contentsMargins().bottom()
        return top + sum(parts) + spacing * max(0, len(parts) - 1) + bottom

    def _own_height(self, widget: QWidget, look: int) -> int:
        if isinstance(widget, QPushButton):
            return self._button_height(widget, slim=look >= SLIM)
        return widget.sizeHint().height()

    def _button_height(self, button: QPushButton, *, slim: bool) -> int:
        """A button's height in either look, measured once on a hidden stand-in of the same
        kind: the button itself has the height of the look in use."""
        primary = bool(button.property("primary"))
        key = (primary, slim, button.font().key(), button.logicalDpiY())
        if key not in self._button_heights:
            # Hidden: never shown. The parent by name, as ``QPushButton(text, parent)`` makes
            # PySide6 set up ``QIcon`` (for the overload with an icon), about 1.7 ms of the start.
            stand_in = QPushButton("Xg", parent=button.parentWidget())
            stand_in.setProperty("primary", primary)
            stand_in.setProperty("slim", slim)
            stand_in.ensurePolished()  # the style sheet's padding and least height
            self._button_heights[key] = stand_in.sizeHint().height()
            stand_in.deleteLater()
        return self._button_heights[key]

    def _apply(self, look: int) -> None:
        closer = look != USUAL
        self._column.setSpacing(SPACING_CLOSER if closer else SPACING)
        gap = GAP_CLOSER if closer else GAP
        self._gap.changeSize(0, gap, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        for group, (spacing, top) in self._groups.items():
            inner = _group_layout(group)
            inner.setSpacing(SPACING_CLOSER if closer else spacing)
            margins = inner.contentsMargins()
            margins.setTop(SPACING_CLOSER if closer else top)
            inner.setContentsMargins(margins)
        slim = look >= SLIM
        for button in self._buttons():
            if bool(button.property("slim")) != slim:
                button.setProperty("slim", slim)
                theme.refresh_style(button)
        self._column.invalidate()

    def _buttons(self) -> list[QPushButton]:
        widgets = _layout_widgets(self._column)
        for group in self._groups:
            widgets += _layout_widgets(_group_layout(group))
        return [widget for widget in widgets if isinstance(widget, QPushButton)]
