"""A notice or warning whose button had the keyboard focus goes away: the focus lands in the
form, where the next customer's details are typed, not on the tab bar, where typing goes
nowhere. Real windows, the demo service or a real HTTP server, Settings as a person uses it."""

from __future__ import annotations

import keyring
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QListWidget, QWidget
from pytestqt.qtbot import QtBot

from kombo_desktop.core.credentials import SERVICE_NAME
from kombo_desktop.core.demo_server import DemoKomboServer
from kombo_desktop.core.paths import AppPaths
from kombo_desktop.core.settings import Profile, Settings, SettingsStore
from kombo_desktop.ui.main_window import MainWindow
from tests.support.fault_server import FaultServer, Reply, tools_or
from tests.support.found import focused, named
from tests.support.history_helpers import history_of
from tests.ui.conftest import WindowFactory, fill_form, make_link, settings_of

API_KEY = "kombo-test-key-7d1e44c09a"


def make_active(qtbot: QtBot, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def press(button: QAbstractButton) -> None:
    """Press ``button`` as a keyboard user does: Tab to it (it takes the focus), then Space."""
    button.setFocus()
    assert QApplication.focusWidget() is button
    QTest.keyClick(button, Qt.Key.Key_Space)


def typing_goes_to_the_email_field(window: MainWindow) -> None:
    assert QApplication.focusWidget() is window.emailEdit, QApplication.focusWidget()
    QTest.keyClicks(focused(), "bob@next.example")
    assert window.emailEdit.text() == "bob@next.example"


def test_try_the_demo_from_the_first_start_notice_leaves_the_focus_in_the_form(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    window = open_window()
    make_active(qtbot, window)
    qtbot.waitUntil(window.firstRunNotice.isVisible)

    press(window.firstRunNotice.tryDemoButton)

    assert window.is_demo and not window.firstRunNotice.isVisible()
    typing_goes_to_the_email_field(window)


def test_a_key_saved_from_the_first_start_notice_leaves_the_focus_in_the_form(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    with DemoKomboServer(api_key=API_KEY) as server:
        window = open_window("--api-base", server.base_url)
        make_active(qtbot, window)
        qtbot.waitUntil(window.firstRunNotice.isVisible)
        press(window.firstRunNotice.openSettingsButton)
        dialog = window.settings_dialog
        assert dialog is not None
        make_active(qtbot, dialog)
        named(dialog, QLineEdit, "apiKeyEdit").setText(API_KEY)
        named(dialog, QAbstractButton, "saveKeyButton").click()
        qtbot.waitUntil(lambda: not window.firstRunNotice.isVisible(), timeout=10_000)
        dialog.reject()
        qtbot.waitUntil(lambda: window.settings_dialog is None)
        make_active(qtbot, window)  # the window manager gives it back the keyboard

        typing_goes_to_the_email_field(window)
        window.close()


def test_a_profile_switch_that_takes_the_warning_away_leaves_the_focus_in_the_form(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    keyring.set_password(SERVICE_NAME, "default", API_KEY)
    keyring.set_password(SERVICE_NAME, "Second", API_KEY)
    SettingsStore(AppPaths.from_environment()).save(
        Settings(profiles=[Profile("default"), Profile("Second")])
    )
    with FaultServer(fallback=tools_or(Reply.link("https://connect.kombo.dev/v1?t=1"))) as kombo:
        window = open_window("--api-base", kombo.base_url)
        make_active(qtbot, window)
        fill_form(window)
        make_link(qtbot, window)
        window.createButton.click()
        banner = history_of(window).banner
        qtbot.waitUntil(banner.isVisible, timeout=5000)
        assert QApplication.focusWidget() is banner.useExistingButton  # the safest choice

        dialog = settings_of(qtbot, window)
        make_active(qtbot, dialog)
        profiles = named(dialog, QListWidget, "profileList")
        profiles.setCurrentRow(
            next(i for i in range(profiles.count()) if profiles.item(i).text().startswith("Second"))
        )
        named(dialog, QAbstractButton, "useProfileButton").click()
        qtbot.waitUntil(lambda: not banner.isVisible())
        dialog.reject()
        qtbot.waitUntil(lambda: window.settings_dialog is None)
        make_active(qtbot, window)

        window.emailEdit.clear()
        typing_goes_to_the_email_field(window)
        window.close()


def test_leaving_the_demo_with_the_keyboard_leaves_the_focus_in_the_form(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    make_active(qtbot, demo_window)

    press(demo_window.demoBanner.leaveDemoButton)

    assert not demo_window.is_demo and not demo_window.demoBanner.isVisible()
    typing_goes_to_the_email_field(demo_window)
