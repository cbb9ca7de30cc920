"""Where the window's banners (the duplicate warning) stand: in the form's column, or across.

In the form's column, above its tabs, a warning leaves the link on show its height: across the
whole window it pushed the result down as it appeared, and on a 1366x768 laptop the QR code
shrank to a stamp while the customer watched. Only where the column cannot hold the warning's
widest button beside the result (much larger text in a narrow window) does it go across the
window again, between the header and both columns, as a button cut off would be worse.

What decides is the room there is, not where the warning stands now, so moving it never makes
it move back: the page's width, less the result's least width beside the column.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QBoxLayout, QWidget


class BannerPlace(QObject):
    """Moves the widgets of ``column`` (the form's) to ``across`` when the ``page`` holding
    both is too narrow for them beside ``result``, and back once it is wide enough."""

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
        return widest + beside <= self._page.width()
