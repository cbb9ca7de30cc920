"""Event filters whose errors are reported, whatever the Qt binding does with them.

PySide6 6.9, which the release builds ship (``packaging/constraints-release.txt``), drops an
exception raised in a Python ``eventFilter`` without a trace: it never reaches
``sys.excepthook``, so the crash handler never logs or shows it. 6.11 hands it on. Every event
filter of the program is decorated with :func:`reports_errors`, so a bug in one is handled the
same way with both.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import TypeVar, cast

_Filter = TypeVar("_Filter", bound=Callable[..., bool])


def reports_errors(event_filter: _Filter) -> _Filter:
    """Hand an exception raised in ``event_filter`` to ``sys.excepthook`` (the crash handler)
    and let the event through, as if the filter had not looked at it."""

    @functools.wraps(event_filter)
    def filtered(*arguments: object) -> bool:
        try:
            return event_filter(*arguments)
        except Exception:
            sys.excepthook(*sys.exc_info())
            return False

    return cast(_Filter, filtered)
