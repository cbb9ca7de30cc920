"""Python's cycle collector, run on the UI thread only.

The automatic collector runs on whichever thread happens to allocate once a generation's count
passes its threshold. Run on a worker (a request, the history, the password store), it freed
Qt objects there: wrappers held in reference cycles by the lambdas of their signal
connections. Qt deletes an object on its own thread only; freed on a worker, a wrapper's
disconnect held Qt's signal lock while it waited for the interpreter lock, which the UI thread
held while it waited for that signal lock, and the window stood still for good. So after
start-up the automatic collector stays off, and a timer on the UI thread collects what is due
by the same thresholds, once a second: a check of three counts when nothing is due.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QObject, QTimer

# How often the UI thread looks whether a collection is due.
COLLECT_EVERY_MS = 1000


def collect_what_is_due() -> None:
    """Collect the oldest generation whose count is past its threshold (the younger ones with
    it), as the automatic collector would, on the calling thread."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    due = [generation for generation in range(3) if counts[generation] > thresholds[generation]]
    if due:
        gc.collect(max(due))


def collect_on_the_ui_thread(parent: QObject) -> QTimer:
    """Turn the automatic collector off and collect from a timer owned by ``parent`` (the
    window, on the UI thread) instead, for as long as it lives."""
    from PySide6.QtCore import QTimer

    gc.disable()
    timer = QTimer(parent)
    timer.setObjectName("garbageCollectionTimer")
    timer.setInterval(COLLECT_EVERY_MS)
    timer.timeout.connect(collect_what_is_due)
    timer.start()
    return timer
