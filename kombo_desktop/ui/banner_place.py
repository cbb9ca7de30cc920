"""Where the window's banners (the duplicate warning) stand: in the form's column, or across.

In the form's column, above its tabs, a warning leaves the link on show its height: across the
whole window it pushed the result down as it appeared, and on a 1366x768 laptop the QR code
shrank to a stamp while the customer watched. Only where the column cannot hold the warning's
widest button beside the result (much larger text in a narrow window) does it go across the
window again, between the header and both columns, as a button cut off would be worse.

The column must leave the result the width of its layout as it stands: with its QR code beside
its buttons, the width that keeps the code there. The result's least width (the code below the
buttons) was 5 pixels less: with 1.5 times the text in the narrowest window on a 1600x900
laptop at 125 %, the warning in the column took those 5 pixels, and the code jumped below the
buttons, out of view, and back when the warning closed.

What decides is the room there is, not where the warning stands now, so moving it never makes
it move back: the page's width as if its scroll bar showed (the warning may bring it up), less
the result's width beside the column. And the result, given that width, keeps its layout.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QBoxLayout, QWidget

from kombo_desktop.ui.widgets import width_with_scroll_bar


class BannerPlace(QObject):
    """Moves the widgets of ``column`` (the form's) to ``across`` when the ``page`` holding
    both is too narrow for them beside ``result``, and back once it is wide enough.

    ``result``'s least width (``minimumSizeHint``) is that of its layout as it stands (see
    ``ResultPanel.minimumSizeHint``), which it keeps as long as it is given as much."""

    def __init__(
        self,
        page: QWidget,
        column: QBoxLayout,
        across: QBoxLayout,
        result: QWidget,
        form: QWidget,
        spacing: int,
    ) -> None:
        super().__init__(page)
        self._page = page
        self._column = column
        self._across = across
        self._result = result
        self._form = form
        self._spacing = spacing
        page.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._page and event.type() in (
            QEvent.Type.Resize,
            QEvent.Type.LayoutRequest,
        ):
            self.place()
        return False

    def place(self) -> None:
        """Each banner where there is room for it (see the module's docstring)."""
        for layout in (self._column, self._across):
            items = [layout.itemAt(index) for index in range(layout.count())]
            for banner in [item.widget() for item in items if item is not None]:
                if banner is None:
                    continue
                target = self._column if self._fits_in_column(banner) else self._across
                if target is not layout:
                    layout.removeWidget(banner)
                    target.addWidget(banner)

    def _fits_in_column(self, banner: QWidget) -> bool:
        widest = max(banner.minimumSizeHint().width(), self._form.minimumSizeHint().width())
        beside = self._result.minimumSizeHint().width() + self._spacing
        parent = self._page.parentWidget()
        room = width_with_scroll_bar(parent) if parent is not None else self._page.width()
        return widest + beside <= room
