"""A way forward for staff without access to the Kombo dashboard, whom the program is for.

Where a key or an integration id is needed, the program said only where they are in the Kombo
dashboard ("Find it in the Kombo dashboard under Integrations", "paste the key from the Kombo
dashboard (Secrets page)"): someone without a seat there was left with nowhere to turn. Each
such place now also names who can help.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from kombo_desktop.core.link_request import INTEGRATION_ID
from kombo_desktop.ui.main_window import RELINK_TAB, MainWindow
from tests.support.found import named
from tests.support.history_helpers import history_of
from tests.ui.conftest import WindowFactory, fill_form, make_link, settings_of

WHO_HELPS = "whoever manages your Kombo account"


@pytest.fixture
def window_without_key(open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    monkeypatch.delenv("KOMBO_API_KEY", raising=False)
    return open_window()


def test_the_first_start_notice_names_who_can_set_up_a_key(
    qtbot: QtBot, window_without_key: MainWindow
) -> None:
    notice = window_without_key.firstRunNotice
    qtbot.waitUntil(notice.isVisible)
    assert WHO_HELPS in notice.label.text()
    notice.set_demo_allowed(False)  # an administrator turned the demo off
    assert WHO_HELPS in notice.label.text()


def test_a_link_asked_for_without_a_key_names_who_can_set_one_up(
    qtbot: QtBot, window_without_key: MainWindow
) -> None:
    fill_form(window_without_key)
    window_without_key.createButton.click()
    status = window_without_key.statusLabel
    qtbot.waitUntil(lambda: "No API key is set" in status.text())
    # It points at the first-start notice, shown with it, which names who can help (and
    # Settings, where the key goes, says where it is in the dashboard: see the next test).
    assert "note at the top of the window" in status.text()
    notice = window_without_key.firstRunNotice
    assert notice.isVisible() and WHO_HELPS in notice.label.text()


def test_settings_without_a_key_name_who_can_set_one_up(
    qtbot: QtBot, window_without_key: MainWindow
) -> None:
    dialog = settings_of(qtbot, window_without_key)
    key_status = named(dialog, QLabel, "keyStatusLabel")
    qtbot.waitUntil(lambda: "No key is stored" in key_status.text())
    assert WHO_HELPS in key_status.text()
    key_edit = named(dialog, QLineEdit, "apiKeyEdit")
    assert WHO_HELPS in key_edit.accessibleDescription()  # what a screen reader says
    dialog.reject()


def test_the_reconnection_tab_names_who_can_give_the_integration_id(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    demo_window.tabs.setCurrentIndex(RELINK_TAB)
    form = demo_window.relinkForm
    box = form.boxes[INTEGRATION_ID]
    assert "Kombo dashboard under Integrations" in box.hint.text()
    assert WHO_HELPS in box.hint.text()
    demo_window.relinkButton.click()  # no id yet: the error line takes the hint's place
    message = form.field_errors()[INTEGRATION_ID]
    assert WHO_HELPS in message


def test_a_reconnection_instead_of_a_second_link_names_who_can_give_the_id(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    demo_window.createButton.click()  # the same customer again: the duplicate warning
    banner = history_of(demo_window).banner
    qtbot.waitUntil(banner.isVisible)
    banner.relinkInsteadButton.click()
    status = demo_window.statusLabel.text()
    assert "Kombo dashboard under Integrations" in status
    assert WHO_HELPS in status
