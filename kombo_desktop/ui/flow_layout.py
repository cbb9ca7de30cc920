"""A row of buttons that goes on in a next line when the width runs out.

Buttons side by side in a plain row cannot be narrower than all of them together: with larger
system text such a row (the duplicate warning's three choices) made the window wider than a
laptop's screen. Here the least width is the widest single button's, and the height needed at
a width is told through ``heightForWidth``, so the surrounding layout makes room for the lines.
A form's buttons (``ButtonRow`` in a ``ButtonBar``) keep to one line as long as the room at
their sides can give way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QMargins, QPoint, QRect, QSize
from PySide6.QtWidgets import QFrame, QLayout, QLayoutItem, QPushButton, QSizePolicy, QWidget

from kombo_desktop.ui import theme

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QResizeEvent


class _Lines(QLayout):
    """Items from the left, each at its preferred size, wrapping onto further lines.

    Without Qt's ``Qt`` namespace (``expandingDirections`` returns one of its values): a form's
    buttons are laid out in the window's first frame, which does without it (see qt_enums).
    """

    def __init__(self, *widgets: QWidget) -> None:
        super().__init__()
        self._items: list[QLayoutItem] = []
        self.setSpacing(theme.SPACING)
        self.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            self.addWidget(widget)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt override
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """All in one line."""
        shown = self._shown()
        width = sum(item.sizeHint().width() for item in shown)
        width += self.spacing() * max(len(shown) - 1, 0)
        height = max((item.sizeHint().height() for item in shown), default=0)
        margins = self.contentsMargins()
        return QSize(
            width + margins.left() + margins.right(), height + margins.top() + margins.bottom()
        )

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt override
        """The widest single item: the others go on in lines below it."""
        size = QSize()
        for item in self._shown():
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _arrange(self, rect: QRect, *, place: bool, margins: QMargins | None = None) -> int:
        """Lay the items out in ``rect`` (or only measure): the height they take. Each sits
        in the middle of its line's height, as in a row of buttons. ``margins``: other room
        around them than the layout's own."""
        if margins is None:
            margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        spacing = self.spacing()
        lines: list[list[tuple[QLayoutItem, int, QSize]]] = [[]]
        x = area.x()
        for item in self._shown():
            hint = item.sizeHint()
            width = min(hint.width(), area.width())  # never past the right edge
            if lines[-1] and x + width > area.x() + area.width():
                lines.append([])
                x = area.x()
            lines[-1].append((item, x, QSize(width, hint.height())))
            x += width + spacing
        y = area.y()
        for line in lines:
            if not line:
                continue
            height = max(size.height() for _, _, size in line)
            if place:
                for item, left, size in line:
                    top = y + (height - size.height()) // 2
                    item.setGeometry(QRect(QPoint(left, top), size))
            y += height + spacing
        used = y - spacing if any(lines) else y
        return used - rect.y() + margins.bottom()


class FlowLayout(_Lines):
    """Items from the left, each at its preferred size, wrapping onto further lines; the
    layout asks for no more room than its lines take."""

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt override
        from PySide6.QtCore import Qt

        return Qt.Orientation(0)


class ButtonRow(_Lines):
    """A form's buttons in one row, each at its preferred size: the first from the left, those
    from ``end_from`` on at the right end.

    With larger text at 150 % on a laptop the form beside the result was narrower than its
    buttons side by side, and Qt squeezed "Create link" and "Clear the form" a few pixels
    narrower than their words, cut at both ends. Here the room at the row's sides (its
    contents margins left and right) gives way first, down to ``LEAST_SIDE``; where even that
    is too little, the buttons go on in further lines from the left, as in a ``FlowLayout``,
    which ``heightForWidth`` tells the form.
    """

    LEAST_SIDE = theme.SPACING // 2

    def __init__(
        self,
        *widgets: QWidget,
        end_from: int | None = None,
        shorter: tuple[QPushButton, str] | None = None,
    ) -> None:
        """``shorter``: a button and the shorter words it shows where its whole ones do not
        fit (``button_words``)."""
        super().__init__(*widgets)
        self._end_from = len(widgets) if end_from is None else end_from
        self._shorter = shorter

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt override
        """The widest button whole, with the least room beside it: the others go below."""
        size = QSize()
        for item in self._shown():
            size = size.expandedTo(self._least(item))
        sides = self._sides(0)
        return size + QSize(sides.left() + sides.right(), sides.top() + sides.bottom())

    def _least(self, item: QLayoutItem) -> QSize:
        """The item's least size: its preferred one, but for the button with shorter words
        the width of those. Whether the whole words fit is decided from the row's width
        (``button_words``), so they must not widen the row themselves: with twice the usual
        text the reconnection button's whole words, hidden on their tab, kept the window's
        form column wide enough for them, and the shorter ones were never shown."""
        hint = item.sizeHint()
        if self._shorter is None or item.widget() is not self._shorter[0]:
            return hint
        button, words = self._shorter
        metrics = button.fontMetrics()
        spare = metrics.horizontalAdvance(button.text()) - metrics.horizontalAdvance(words)
        return QSize(hint.width() - max(spare, 0), hint.height())

    def _sides(self, spare: int) -> QMargins:
        """The contents margins, their left and right given way as far as ``spare`` pixels
        beside the buttons need, never below ``LEAST_SIDE`` (nor above the usual)."""
        usual = self.contentsMargins()
        if spare >= usual.left() + usual.right():
            return usual
        left = min(usual.left(), max(self.LEAST_SIDE, spare // 2))
        right = min(usual.right(), max(self.LEAST_SIDE, spare - left))
        return QMargins(left, usual.top(), right, usual.bottom())

    def _arrange(self, rect: QRect, *, place: bool, margins: QMargins | None = None) -> int:
        # Each shown button with its place in the row and its preferred size.
        shown = [
            (index, item, item.sizeHint())
            for index, item in enumerate(self._items)
            if not item.isEmpty()
        ]
        spacing = self.spacing()
        widths = [hint.width() for _, _, hint in shown]
        one_line = sum(widths) + spacing * max(len(shown) - 1, 0)
        least = self._sides(0)
        if one_line > rect.width() - least.left() - least.right():
            sides = self._sides(rect.width() - max(widths, default=0))
            return super()._arrange(rect, place=place, margins=sides)
        sides = self._sides(rect.width() - one_line)
        height = max((hint.height() for _, _, hint in shown), default=0)
        if place:
            at_end = [hint.width() for index, _, hint in shown if index >= self._end_from]
            end_width = sum(at_end) + spacing * max(len(at_end) - 1, 0)
            end_x = rect.x() + rect.width() - sides.right() - end_width
            x = rect.x() + sides.left()
            for index, item, hint in shown:
                if index >= self._end_from:
                    x = max(x, end_x)  # the first at the end; the others follow it
                top = rect.y() + sides.top() + (height - hint.height()) // 2
                item.setGeometry(QRect(QPoint(x, top), hint))
                x += hint.width() + spacing
        return sides.top() + height + sides.bottom()


class ButtonBar(QFrame):
    """A frame for a ``ButtonRow``, as high as the row's lines at the frame's present width.

    Not told through ``heightForWidth``: a form's footer with a height for each width gave the
    form one too, and a tab widget holding such a form takes the height it would like as the
    least it can have (Qt's ``QTabWidget.heightForWidth``). The forms then no longer scrolled
    their own fields in a short window: the part of the window around them scrolled, and
    "Create link" went out of view below all the fields. Here the frame asks again for its
    height when a new width changes how many lines its buttons take.
    """

    def __init__(self, row: ButtonRow) -> None:
        super().__init__()
        self._row = row
        self._laid_out = False  # given its width by the form's layout yet
        self.setLayout(row)
        # As high as its lines, never higher: the row, as any layout of Qt's, would take
        # room to spare (``QLayout.expandingDirections``).
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return False

    def _across(self, row_width: int) -> int:
        """The frame's width for ``row_width`` of its row: with the border at its sides."""
        frame = self.contentsMargins()
        return row_width + frame.left() + frame.right()

    def _height(self, width: int | None = None) -> int:
        """The frame's height at ``width`` (by default its own): the row's lines and the
        frame's border. In one line until the frame is given its width."""
        if width is None:
            width = self.width() if self._laid_out else self._across(self._row.sizeHint().width())
        frame = self.contentsMargins()
        inside = width - frame.left() - frame.right()
        return self._row.heightForWidth(inside) + frame.top() + frame.bottom()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self._across(self._row.minimumSize().width()), self._height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self._across(self._row.sizeHint().width()), self._height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        before = self._height(event.oldSize().width()) if self._laid_out else None
        self._laid_out = True
        if self._height(event.size().width()) != before:
            self.updateGeometry()
