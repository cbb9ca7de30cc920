"""Events as the window system sends them, which Qt's public API cannot make.

``QWidget.close()`` (what the program and the tests call) sends a close event Qt marks as not
spontaneous; the window's close button and Alt+F4 reach Qt through the window system, which
marks it spontaneous. Qt's own way in for them (``QWindowSystemInterface``) is exported by
QtGui but not bound by PySide6, so it is called here through ctypes.
"""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path

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
    try:
        library = ctypes.CDLL(str(_qt_gui_library()))
        deliver = getattr(library, _HANDLE_CLOSE_EVENT)
    except (OSError, AttributeError) as error:
        pytest.skip(f"Qt's window system interface is not reachable here: {error}")
    deliver.restype = ctypes.c_bool
    deliver.argtypes = [ctypes.c_void_p]
    return bool(deliver(shiboken6.getCppPointer(handle)[0]))
