"""Events as the window system sends them, which Qt's public API cannot make.

``QWidget.close()`` (what the program and the tests call) sends a close event Qt marks as not
spontaneous; the window's close button and Alt+F4 reach Qt through the window system, which
marks it spontaneous. A Mac's Cmd+Q (and "Quit" in the application menu or the Dock) reaches
Qt the same way, as the system asking whether the program may end: a spontaneous quit event
sent to the application, which the program may refuse. Qt's own way in for them
(``QWindowSystemInterface``) is exported by QtGui but not bound by PySide6, so it is called
here through ctypes.
"""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path
from typing import Any

import PySide6
import pytest
import shiboken6
from PySide6.QtWidgets import QWidget

# QWindowSystemInterface::handleCloseEvent<SynchronousDelivery>(QWindow*), as compilers name it.
_HANDLE_CLOSE_EVENT = (
    "??$handleCloseEvent@USynchronousDelivery@QWindowSystemInterface@@@"
    "QWindowSystemInterface@@SA_NPEAVQWindow@@@Z"
    if sys.platform == "win32"
    else "_ZN22QWindowSystemInterface16handleCloseEventINS_19SynchronousDeliveryEEEbP7QWindow"
)
# QWindowSystemInterface::handleApplicationTermination<SynchronousDelivery>(), which the Mac's
# application delegate calls when the system asks whether the program may end.
_HANDLE_APPLICATION_TERMINATION = (
    "??$handleApplicationTermination@USynchronousDelivery@QWindowSystemInterface@@@"
    "QWindowSystemInterface@@SA_NXZ"
    if sys.platform == "win32"
    else "_ZN22QWindowSystemInterface28handleApplicationTerminationINS_19SynchronousDeliveryEEEbv"
)


def _qt_gui_library() -> Path:
    qt = Path(PySide6.__file__).parent
    if sys.platform == "win32":
        return qt / "Qt6Gui.dll"
    if sys.platform == "darwin":
        return qt / "Qt" / "lib" / "QtGui.framework" / "QtGui"
    return qt / "Qt" / "lib" / "libQt6Gui.so.6"


def close_as_the_person_does(window: QWidget) -> bool:
    """Close ``window`` as its close button (or Alt+F4) does: a spontaneous close event from
    the window system, delivered at once. True when the window accepted it (it closes).
    The test is skipped where Qt's entry point cannot be found (another Qt build)."""
    handle = window.windowHandle()
    assert handle is not None, "the window is not shown"
    deliver = _window_system_entry(_HANDLE_CLOSE_EVENT)
    deliver.argtypes = [ctypes.c_void_p]
    return bool(deliver(shiboken6.getCppPointer(handle)[0]))


def quit_as_the_person_does() -> bool:
    """Quit the program as a Mac's Cmd+Q, or "Quit" in its application menu or the Dock,
    does: the system asks whether the program may end, and Qt hands that on at once as a
    spontaneous quit event to the application. True when nothing refused it (Qt then closes
    the windows and ends the event loop, as on a Mac); False when the quit was cancelled.
    In the test run's own process such a quit must be held before it goes ahead (see
    ``tests/ui/test_quitting.py``): after one, every later event loop there ends at once.
    The test is skipped where Qt's entry point cannot be found (another Qt build)."""
    return bool(_window_system_entry(_HANDLE_APPLICATION_TERMINATION)())


def skip_where_quitting_cannot_be_reached() -> None:
    """Skip the test where ``quit_as_the_person_does`` cannot reach Qt (for a test that
    quits in a program of its own)."""
    _window_system_entry(_HANDLE_APPLICATION_TERMINATION)


def _window_system_entry(name: str) -> Any:  # a ctypes function
    try:
        library = ctypes.CDLL(str(_qt_gui_library()))
        deliver = getattr(library, name)
    except (OSError, AttributeError) as error:
        pytest.skip(f"Qt's window system interface is not reachable here: {error}")
    deliver.restype = ctypes.c_bool
    return deliver
