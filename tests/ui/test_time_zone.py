"""Times follow the computer's time zone when it changes while the program runs."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kombo_desktop.ui.main_window import MainWindow
from tests.support.time_zones import ONE_HOUR_EAST, computer_time_zone

pytestmark = pytest.mark.skipif(not hasattr(time, "tzset"), reason="Python cannot on Windows")


def test_a_time_zone_changed_while_running_is_followed_when_the_program_is_active_again(
    demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo_window.start_up.run_now()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    with computer_time_zone(monkeypatch, "UTC0"):  # where the laptop was when it started
        assert datetime.now().astimezone().utcoffset() == timedelta(0)
        monkeypatch.setenv("TZ", ONE_HOUR_EAST)  # the system's zone changes (travel)
        assert datetime.now().astimezone().utcoffset() == timedelta(0)  # Python read it once
        app.applicationStateChanged.emit(Qt.ApplicationState.ApplicationInactive)
        assert datetime.now().astimezone().utcoffset() == timedelta(0)
        app.applicationStateChanged.emit(Qt.ApplicationState.ApplicationActive)
        assert datetime.now().astimezone().utcoffset() == timedelta(hours=1)
