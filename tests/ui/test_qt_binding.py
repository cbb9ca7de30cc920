"""Guards against a Qt binding release that would crash a long working session."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLineEdit


def test_void_qt_calls_do_not_leak_references_to_none(qtbot: object) -> None:
    # PySide6 6.12.0 on Python 3.10/3.11 drops one reference to None per void call; after a few
    # hundred links the count reaches zero and Python aborts ("deallocating None").
    field = QLineEdit()
    before = sys.getrefcount(None)
    for _ in range(1000):
        field.update()
    assert before - sys.getrefcount(None) < 10
