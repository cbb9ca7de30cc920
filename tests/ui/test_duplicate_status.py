"""The status line after the duplicate warning went away on its own: it no longer sends the
person to a warning that is not there. The demo service, a real history file."""

from __future__ import annotations

from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kombo_desktop.ui.main_window import MainWindow
from tests.support.history_helpers import history_of
from tests.ui.conftest import fill_form, make_link

CHOOSE_IN_WARNING = "Nothing was sent: choose what to do in the warning above."


def warning_for_anna(qtbot: QtBot, window: MainWindow) -> None:
    """Anna's link, the form cleared, her details typed again and "Create link" pressed: the
    warning, with no link on the screen."""
    fill_form(window, email="anna@acme.example", organization="Acme GmbH")
    make_link(qtbot, window)
    window.linkForm.clearButton.click()  # nothing asked: her details were used
    fill_form(window, email="anna@acme.example", organization="Acme GmbH")
    window.createButton.click()
    qtbot.waitUntil(history_of(window).banner.isVisible, timeout=5000)
    assert window.statusPanel.text == CHOOSE_IN_WARNING


def test_typing_the_next_customer_closes_the_warning_and_the_status_line_says_why(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    warning_for_anna(qtbot, demo_window)

    demo_window.emailEdit.setFocus()
    demo_window.emailEdit.selectAll()
    QTest.keyClicks(demo_window.emailEdit, "bob@other.example")

    assert not history_of(demo_window).banner.isVisible()
    assert demo_window.statusPanel.text == (
        "The form was changed, so nothing was sent. Press “Create link” when ready."
    )
    assert demo_window.statusPanel.kind == "info"


def test_a_newer_message_is_not_replaced_when_the_warning_goes(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    warning_for_anna(qtbot, demo_window)
    demo_window.show_status("Copied the link.", "success")  # said after the warning

    demo_window.emailEdit.setText("bob@other.example")

    assert not history_of(demo_window).banner.isVisible()
    assert demo_window.statusPanel.text == "Copied the link."
