"""The buttons a keyboard user needs most have an Alt letter, and Settings its usual keys.

Every field of the form had its Alt letter (Alt+E for the E-mail), but Settings, History and
the first start's "Try the demo" had none: a person who works without a mouse, or with a
screen reader, had to Tab round the whole window to reach them. Nor did Ctrl+, open the
settings as it does in most programs (Windows and most Linux desktops have no system keys
for it).

A letter shown twice in one window does not press either control: Qt moves the focus between
the two instead. So no letter may be used twice by what is on show together.
"""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kombo_desktop.ui.history_placement import HISTORY_HIDDEN_TEXT
from kombo_desktop.ui.main_window import MainWindow
from kombo_desktop.ui.settings_dialog import SettingsDialog
from tests.support.found import named
from tests.support.history_helpers import panel_shown
from tests.ui.conftest import WindowFactory, fill_form, make_link, wait_until_settled


def make_active(qtbot: QtBot, window: QWidget) -> None:
    """The window has the keyboard, as the one a person works in: Alt letters and shortcuts
    act only in the active window."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def press(keys: QKeySequence) -> None:
    """Press ``keys`` where the keyboard is, as a person does."""
    focused = QApplication.focusWidget() or QApplication.activeWindow()
    assert focused is not None
    QTest.keySequence(focused, keys)


def shortcut_keys(window: MainWindow) -> list[QKeySequence]:
    """The keys of the window's shortcut to the settings."""
    return named(window, QShortcut, "settingsShortcut").keys()


def only_these_settings_were_opened(qtbot: QtBot, window: MainWindow, dialog: QWidget) -> None:
    """``dialog`` is the one Settings on show, opened once; then it is closed."""
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, SettingsDialog)]
    assert [w for w in shown if w.isVisible()] == [dialog]
    assert window.settings_dialog is dialog
    assert window.account.settings_opened == 1
    dialog.reject()
    qtbot.waitUntil(lambda: window.settings_dialog is None)


def texts_with_letters(widget: QWidget) -> list[str]:
    """The words of ``widget`` whose "&" letter Qt turns into an Alt key: a button's, a tab's,
    a group's title, and a label's that points at a field (its buddy)."""
    if isinstance(widget, QAbstractButton):
        return [widget.text()]
    if isinstance(widget, QLabel):
        return [widget.text()] if widget.buddy() is not None else []
    if isinstance(widget, QTabBar):
        return [widget.tabText(i) for i in range(widget.count()) if widget.isTabVisible(i)]
    if isinstance(widget, QGroupBox):
        return [widget.title()]
    return []


def alt_letters(window: QWidget) -> dict[str, list[str]]:
    """Each Alt key of what ``window`` shows, with the words that use it."""
    users: dict[str, list[str]] = defaultdict(list)
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        for text in texts_with_letters(widget):
            keys = QKeySequence.mnemonic(text)
            if not keys.isEmpty():
                users[keys.toString()].append(text)
    return dict(users)


def letters_used_twice(window: QWidget) -> dict[str, list[str]]:
    return {keys: texts for keys, texts in alt_letters(window).items() if len(texts) > 1}


def first_start(qtbot: QtBot, open_window: WindowFactory) -> MainWindow:
    """The window as at the very first start: no key, the notice with its two ways forward."""
    window = open_window()
    qtbot.waitUntil(window.firstRunNotice.isVisible)
    make_active(qtbot, window)
    return window


def demo_with_a_link_and_the_history(qtbot: QtBot, window: MainWindow) -> MainWindow:
    """The demo with a link made, the history open beside it and the advanced options open:
    the most the New link tab shows at once."""
    fill_form(window)
    make_link(qtbot, window)
    window.screen_sharing.privacySwitch.click()  # the history opens only with it off
    window.history.historyButton.click()
    qtbot.waitUntil(lambda: panel_shown(window.history))
    window.linkForm.advanced.set_expanded(True)
    qtbot.waitUntil(window.scopeConfigEdit.isVisible)
    return window


def test_the_new_buttons_have_their_letters(qtbot: QtBot, open_window: WindowFactory) -> None:
    window = first_start(qtbot, open_window)
    assert QKeySequence.mnemonic(window.settingsButton.text()) == QKeySequence("Alt+N")
    assert QKeySequence.mnemonic(window.history.historyButton.text()) == QKeySequence("Alt+H")
    assert QKeySequence.mnemonic(window.firstRunNotice.tryDemoButton.text()) == QKeySequence(
        "Alt+D"
    )


def test_alt_n_opens_the_settings(qtbot: QtBot, demo_window: MainWindow) -> None:
    window = demo_window
    make_active(qtbot, window)
    with qtbot.waitSignal(window.settingsButton.clicked):  # Qt clicks it a moment later
        press(QKeySequence("Alt+N"))
    dialog = window.settings_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
    qtbot.waitUntil(lambda: window.settings_dialog is None)


def test_alt_h_shows_the_history_and_hides_it_again(qtbot: QtBot, demo_window: MainWindow) -> None:
    window = demo_window
    history = window.history
    window.screen_sharing.privacySwitch.click()  # off: the history may be shown
    make_active(qtbot, window)

    press(QKeySequence("Alt+H"))
    qtbot.waitUntil(lambda: history.historyButton.isChecked() and panel_shown(history))

    press(QKeySequence("Alt+H"))
    qtbot.waitUntil(lambda: not history.historyButton.isChecked())
    qtbot.waitUntil(lambda: not panel_shown(history))


def test_alt_h_in_screen_sharing_mode_says_why_the_history_stays_closed(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Screen-sharing mode is on at every start: Alt+H, as a click on History, opens nothing
    # that names other customers, and the status line says why.
    window = demo_window
    history = window.history
    assert window.screen_sharing.on
    make_active(qtbot, window)

    press(QKeySequence("Alt+H"))
    qtbot.waitUntil(lambda: window.statusLabel.text() == HISTORY_HIDDEN_TEXT)
    assert not history.historyButton.isChecked() and not history.history_open
    # Nor once the history is open: no opening of the panel was left waiting for it.
    qtbot.waitUntil(lambda: history.is_open)
    wait_until_settled(qtbot, window)
    assert not panel_shown(history)


def test_alt_d_starts_the_demo_from_the_first_start_notice(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    window = first_start(qtbot, open_window)
    press(QKeySequence("Alt+D"))
    qtbot.waitUntil(lambda: window.is_demo)
    assert not window.firstRunNotice.isVisible()


def test_the_settings_keys_are_the_systems_own_or_else_ctrl_comma(
    demo_window: MainWindow,
) -> None:
    system_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences)
    if system_keys:  # Cmd+, on a Mac
        assert shortcut_keys(demo_window) == system_keys
    else:  # Windows and most Linux desktops
        assert shortcut_keys(demo_window) == [QKeySequence("Ctrl+,")]


def test_the_settings_buttons_tooltip_names_its_keys(demo_window: MainWindow) -> None:
    keys = shortcut_keys(demo_window)[0].toString(QKeySequence.SequenceFormat.NativeText)
    assert demo_window.settingsButton.toolTip() == f"Open settings ({keys})"


def test_the_settings_keys_do_nothing_more_while_the_settings_are_open(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    window = demo_window
    keys = shortcut_keys(window)[0]
    make_active(qtbot, window)

    press(keys)
    dialog = window.settings_dialog
    assert dialog is not None and dialog.isVisible()
    make_active(qtbot, dialog)
    # Pressed again, impatiently, in the settings themselves and then in the window behind.
    press(keys)
    QTest.keySequence(window, keys)
    wait_until_settled(qtbot, window)

    only_these_settings_were_opened(qtbot, window, dialog)


def test_asked_again_while_the_settings_are_open_the_same_settings_stay_the_only_ones(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Whatever asks for the settings while they are open, their keys or their button, brings
    # the open ones forward: no second one, however the request reaches the window.
    window = demo_window
    window.settingsButton.click()
    dialog = window.settings_dialog
    assert dialog is not None and dialog.isVisible()

    named(window, QShortcut, "settingsShortcut").activated.emit()
    window.settingsButton.click()
    wait_until_settled(qtbot, window)

    only_these_settings_were_opened(qtbot, window, dialog)


def test_no_letter_is_used_twice_at_the_first_start(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    window = first_start(qtbot, open_window)
    letters = alt_letters(window)
    assert {"Alt+N", "Alt+H", "Alt+D"} <= set(letters)  # what is checked is on show
    assert letters_used_twice(window) == {}


def test_no_letter_is_used_twice_in_the_demo_with_a_link_and_the_history(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    window = demo_with_a_link_and_the_history(qtbot, demo_window)
    letters = alt_letters(window)
    assert {"Alt+N", "Alt+H", "Alt+E", "Alt+S"} <= set(letters)
    assert letters_used_twice(window) == {}


def test_no_letter_is_used_twice_on_the_reconnection_tab(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    window = demo_with_a_link_and_the_history(qtbot, demo_window)
    window.tabs.setCurrentWidget(window.relinkForm)
    qtbot.waitUntil(window.relinkForm.isVisible)
    letters = alt_letters(window)
    assert {"Alt+N", "Alt+H", "Alt+I"} <= set(letters)
    assert "Alt+E" not in letters  # the other tab's fields are hidden
    assert letters_used_twice(window) == {}


def test_no_letter_is_used_twice_under_the_duplicate_warning_and_an_error(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The same customer again: the warning with its buttons, and on the status line an error
    # with "Details for support" and "Copy details".
    window = demo_with_a_link_and_the_history(qtbot, demo_window)
    window.createButton.click()
    banner = window.history.banner
    qtbot.waitUntil(banner.createAnywayButton.isVisible)
    window.statusPanel.show_message(
        "Kombo could not be reached. Check the internet connection and try again.",
        "error",
        "Connection refused (api.kombo.dev)",
    )
    qtbot.waitUntil(window.statusPanel.detailsToggle.isVisible)
    assert banner.isVisible()
    letters = alt_letters(window)
    assert {"Alt+N", "Alt+H", "Alt+E"} <= set(letters)
    assert letters_used_twice(window) == {}
