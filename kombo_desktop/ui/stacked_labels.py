"""A form's labels above their fields where the form is too narrow for them side by side.

With larger text on a 1366x768 laptop at 150 % the window fits the screen only with the form
narrower than its labels and fields side by side (402 pixels of 458 at 1.5 times the usual
text, of 567 at twice it): the fields reached past the form's right edge and were cut off, as
the form scrolls only up and down. Each label then goes above its field, as on a phone.

Whether they fit is decided from the room the form's scrolling page has and the least width of
the forms with their labels beside the fields, worked out from their parts: never from the page
as it stands, which follows the arrangement shown. So the arrangement cannot change the width
that chose it, and the layout settles at once (as the tabs' names, ``tab_names``).

A form that is hidden (the folded "More options") is measured once it is shown, not before:
measuring its fields first worked out their sizes for nothing, 1.3 million instructions before
the window's first frame, as Qt lays out only what is shown. A hidden view is fitted once, as it
is shown (0.5 million: the size it got while hidden comes right before it is shown).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QScrollArea, QWidget

from kombo_desktop.ui.event_filters import reports_errors
from kombo_desktop.ui.widgets import FieldForm


class LabelsAboveWhenNarrow(QObject):
    """Keeps ``forms``' labels beside their fields while ``area``'s view has the width for
    them (less ``around``, the page's own margins), and above them where it has not."""

    def __init__(self, area: QScrollArea, forms: Sequence[FieldForm], around: int) -> None:
        viewport = area.viewport()
        super().__init__(viewport)  # goes with the view it watches
        self._viewport = viewport
        self._forms = list(forms)
        self._around = around
        self._awaited: list[QWidget] = []  # hidden forms' widgets, watched until shown
        viewport.installEventFilter(self)

    @reports_errors
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if watched is self._viewport:
            # A hidden view is fitted as it is shown, not at each size it gets meanwhile: Qt
            # sends it the size it was given while hidden right before showing it.
            if kind == QEvent.Type.Show or (
                kind == QEvent.Type.Resize and self._viewport.isVisible()
            ):
                self.fit()
        elif kind == QEvent.Type.Show and watched in self._awaited:
            self.fit()
        return False

    def fit(self) -> None:
        """Labels above their fields in every form, or beside them in every form: the fields
        of the forms line up either way. Hidden forms follow the shown ones, and count once
        they are shown (``_shown``)."""
        room = self._viewport.width() - self._around
        measured = [form for form in self._forms if self._shown(form)]
        needed = max((form.side_by_side_width() for form in measured), default=0)
        for form in self._forms:
            form.stack_labels(needed > room)

    def _shown(self, form: FieldForm) -> bool:
        """Whether ``form`` is shown with the view (or will be, when the view is); if not, its
        widget is watched, and the forms are fitted again when it is shown."""
        holder = form.parentWidget()
        if holder is None or holder.isVisibleTo(self._viewport):
            return True
        if holder not in self._awaited:
            self._awaited.append(holder)
            holder.installEventFilter(self)
        return False
