"""Qt enum settings by name, for the code that builds the window's first frame.

The first use of PySide6's ``Qt`` namespace (``from PySide6.QtCore import Qt`` included, or
any call that returns one of its values) builds Python ``enum`` classes for all 93 enums in
it: about 11 ms on Python 3.11, a seventh of what a bare PySide6 window takes to start. The
window's first frame does not need any of them, so:

- the widgets of the first frame set Qt enum properties by name through Qt's property system,
  as a Designer ``.ui`` file does (``set_enum(label, "alignment", "AlignLeft|AlignTop")``);
- the modules that build them reach ``Qt`` only from code that runs later, as ``QtCore.Qt``;
- right after the first frame, ``warm_up`` builds the namespace while nobody waits for it, so
  no key press or click pays for it either; ``FIRST_LINK_STEPS`` then build the enums of the
  Qt classes the first link names, each a turn of the start-up work of its own (``start_up``).

``tests/ui/test_qt_enums.py`` starts the program and fails if the namespace was built by
its first frame, naming where: a ``Qt.`` added to the start-up path shows up there at once.
Everything else uses ``Qt`` as usual.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

_warm = False  # True once warm_up has built the namespace
_waiting: list[Callable[[], None]] = []  # what is to run then


def set_enum(target: QObject, name: str, value: str) -> None:
    """Set ``target``'s enum or flags property ``name`` to ``value``, given by key names.

    Flags are joined with ``|``. A misspelt property or key raises at once instead of leaving
    a dynamic property nobody reads (Qt's ``setProperty`` reports it only by returning False).
    """
    if not target.setProperty(name, value):
        raise ValueError(f"{type(target).__name__} has no enum property {name!r} taking {value!r}")


def warm_up() -> None:
    """Build the ``Qt`` namespace now (about 11 ms, 25-40 ms on a slow, loaded machine), at a
    moment nobody waits for it; then run what was waiting for it (see ``when_warm``)."""
    global _warm
    from PySide6.QtCore import Qt  # noqa: F401 - importing it is the point

    _warm = True
    while _waiting:
        _waiting.pop(0)()


# PySide6 builds the enums of a Qt class the first time Python names the class. Those of the
# classes the first link made uses would otherwise be built while the person waits for it (29
# enums, about 25 ms, measured by wrapping ``enum.EnumType._create_``): the status line telling
# a screen reader (``QAccessible``), a dropdown drawing a shortened text (``QStyle``,
# ``QStyleOptionComboBox``, ``QStylePainter``) and the QR code's picture (``QImage``,
# ``QBuffer``). Built after ``warm_up`` in these steps, one turn of the event loop each (the
# largest, ``QStyle``, 8-15 ms on a slow, loaded machine). A first link asked for before they
# have all run still works: the classes it names are then built as it names them.


def _accessibility() -> None:
    from PySide6.QtGui import QAccessible  # noqa: F401 - naming it is the point


def _style() -> None:
    from PySide6.QtWidgets import QStyle  # noqa: F401


def _shortened_text() -> None:
    from PySide6.QtWidgets import QStyleOptionComboBox, QStylePainter  # noqa: F401


def _qr_picture() -> None:
    from PySide6.QtCore import QBuffer  # noqa: F401
    from PySide6.QtGui import QImage  # noqa: F401


FIRST_LINK_STEPS: tuple[Callable[[], None], ...] = (
    _accessibility,
    _style,
    _shortened_text,
    _qr_picture,
)


def is_warm() -> bool:
    """True once ``warm_up`` has run: from then on the namespace costs nothing."""
    return _warm


def when_warm(action: Callable[[], None]) -> None:
    """Run ``action`` once the namespace is built (at once, if it is): for something the
    first frame can do without, such as shortening a dropdown's text (see widgets)."""
    if _warm:
        action()
    else:
        _waiting.append(action)
