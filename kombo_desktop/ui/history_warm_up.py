"""The history panel's modules and Qt classes, loaded while nobody waits for them.

The panel and its dock are built at the first click on History (``history_placement``), and
nothing of them is loaded with the window: the first frame does not need them. What that click
loaded for the first time froze the window meanwhile, about 200 ms on a loaded two-core machine
against a target of 50 ms for any pause (issue 6): the panel's five modules, and PySide6
building the enums of the Qt classes they name for the first time (a file dialog for "Export
to CSV…", message boxes for "Delete…", the table and its header, the dock), some 20-50 ms
there; most of the rest was PySide6 setting up every widget class it knows on being handed the
table's viewport, which the panel now makes itself (``widgets.own_viewport``).

So right after the window's start-up work (``main_window``, ``start_up``), these steps load
them, one per turn of the event loop (``AfterFirstPaint.add_in_idle_turns``): each takes a few
milliseconds (the largest, the history's model, 5-15 ms on that machine, more while a worker
competes for Python's interpreter lock), and whatever the person does meanwhile waits for one
step at most. The click
then only builds the panel. Nothing depends on them having run: a click that comes sooner
loads what is still missing itself. ``tests/ui/test_qt_enums.py`` starts the program and
fails, naming it, if the first click on History still imports a module or builds a Qt enum.
"""

from __future__ import annotations

from collections.abc import Callable

# The order matters: what a step's module imports is loaded by the steps before it, so that
# each step stays small.


def _model() -> None:
    from kombo_desktop.ui import history_model  # noqa: F401 - importing it is the point


def _confirm() -> None:
    from kombo_desktop.ui import confirm  # noqa: F401 - QMessageBox, for "Delete…"


def _columns() -> None:
    from kombo_desktop.ui import history_columns  # noqa: F401


def _file_dialog() -> None:
    from PySide6.QtWidgets import QFileDialog  # noqa: F401 - "Export to CSV…"


def _table() -> None:
    from PySide6.QtCore import QItemSelectionModel  # noqa: F401 - naming them is the point
    from PySide6.QtWidgets import QHeaderView, QTableView  # noqa: F401


def _panel() -> None:
    from kombo_desktop.ui import history_panel  # noqa: F401


def _dock() -> None:
    from PySide6.QtWidgets import QDockWidget  # noqa: F401

    from kombo_desktop.ui import history_dock  # noqa: F401


STEPS: tuple[Callable[[], None], ...] = (
    _model,
    _confirm,
    _columns,
    _file_dialog,
    _table,
    _panel,
    _dock,
)
