"""Reading what Qt actually drew, for tests about text being shown whole."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit


def rightmost_ink(edit: QLineEdit) -> int:
    """The rightmost pixel column where ``edit``, drawn as it is now, has anything but its
    background inside its border: where its text, or Qt's "…" cutting it short, ends."""
    image = edit.grab().toImage()
    background = image.pixelColor(image.width() // 2, 4)  # above the text, inside the border
    inside = range(4, image.width() - 4)  # the border and its focus ring left out
    rows = range(4, image.height() - 4)
    inked = [x for x in inside if any(image.pixelColor(x, y) != background for y in rows)]
    assert inked, "nothing drawn in the field"
    return inked[-1]


def drawn_whole(edit: QLineEdit) -> bool:
    """True when ``edit`` draws its text or placeholder to the same end as it does with
    plenty of room, that is without Qt cutting it short."""
    as_shown = rightmost_ink(edit)
    width = edit.width()
    edit.resize(width + 400, edit.height())
    with_room = rightmost_ink(edit)
    edit.resize(width, edit.height())
    return as_shown == with_room
