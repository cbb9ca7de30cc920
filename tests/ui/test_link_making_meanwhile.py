"""What the person does while a link is being made: a link shown from the history meanwhile
stays on screen when the link made arrives, and the questions on closing and filling the form
say that a link is being made for what is typed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kombo_desktop.core.demo_server import DemoKomboServer
from kombo_desktop.ui.main_window import MainWindow
from kombo_desktop.ui.qr_large import LargeQrDialog
from tests.support.history_helpers import history_of, open_history, shown_entries
from tests.support.message_boxes import answer_next_box
from tests.support.qr_decode import decode_pixmap
from tests.support.window_system import close_as_the_person_does
from tests.ui.conftest import (
    WindowFactory,
    fill_form,
    make_link,
    wait_until_ready,
    wait_until_settled,
)

# The questions quote the tabs' whole names (see ``screen_with_room``).
pytestmark = pytest.mark.usefixtures("screen_with_room")

SLOW_SECONDS = 1.5
INTEGRATION_ID = "personio:93fCvorjZ2jas7ZekX1V1n5d"


@pytest.fixture
def server() -> Iterator[DemoKomboServer]:
    with DemoKomboServer() as demo:
        yield demo


@pytest.fixture
def window(open_window: WindowFactory, server: DemoKomboServer) -> MainWindow:
    return open_window("--api-base", server.base_url)


def large_view() -> LargeQrDialog | None:
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, LargeQrDialog)]
    visible = [w for w in shown if w.isVisible()]
    return visible[0] if visible else None


def first_link_then_a_slow_one(
    qtbot: QtBot, window: MainWindow, server: DemoKomboServer, tab: str
) -> str:
    """One AG's link made and listed in the history; then another link asked for (a new
    link for Three AG, or a reconnection), Kombo slow. Returns One AG's link."""
    open_history(qtbot, window)
    fill_form(window, email="a@one.example", organization="One AG")
    first = make_link(qtbot, window)
    qtbot.waitUntil(lambda: len(shown_entries(history_of(window))) == 1, timeout=5000)
    server.delay_seconds = SLOW_SECONDS
    if tab == "create":
        fill_form(window, email="c@three.example", organization="Three AG")
        window.createButton.click()
    else:
        window.show_relink_mode(INTEGRATION_ID)
        window.relinkButton.click()
    assert window.busy
    return first


@pytest.mark.parametrize("tab", ["create", "relink"])
def test_a_link_shown_from_the_history_while_another_is_made_stays_on_screen(
    qtbot: QtBot, window: MainWindow, server: DemoKomboServer, tab: str
) -> None:
    # One AG calls back while Three AG's link is being made: their link, shown from the
    # history with its code large for them to scan, was replaced by Three AG's without a word.
    first = first_link_then_a_slow_one(qtbot, window, server, tab)
    feature = history_of(window)
    feature.panel.select_row(0)
    feature.panel.historyQrButton.click()
    assert window.linkField.text() == first
    # The status line still says a link is being made, next to the "Creating link…" button.
    status = window.statusLabel.text()
    assert "Showing the link for One AG, made" in status
    assert "still being made" in status and "history" in status
    assert window.statusPanel.kind == "busy"
    qtbot.waitUntil(lambda: not window.qrView.pixmap().isNull())
    window.resultPanel.show_large_qr()
    qtbot.waitUntil(lambda: large_view() is not None)

    qtbot.waitUntil(lambda: history_of(window).store.count() == 2, timeout=10_000)
    wait_until_ready(qtbot, window)
    # The link made would have been painted by now, and its code drawn: the code is computed
    # on a worker after the paint, which a fixed wait could end before on a loaded machine.
    wait_until_settled(qtbot, window)

    assert window.linkField.text() == first
    dialog = large_view()
    assert dialog is not None, "the large code was closed"
    assert decode_pixmap(dialog.largeQrView.pixmap()) == first
    assert decode_pixmap(window.qrView.pixmap()) == first
    status = window.statusLabel.text()
    assert "not shown" in status and "it is in the history" in status
    assert "scan" not in status.lower()  # nothing invites the customer to scan the other
    if tab == "create":
        assert "Three AG" in status
    made = history_of(window).store.search()[0]
    assert made.url != first  # the link made is kept in the history
    # Its invitation is still One AG's.
    context = feature.invitationBar.context
    assert context is not None and context.url == first
    assert feature.invitationBar.copyInvitationButton.isEnabled()
    dialog.close()


def test_a_link_made_while_nothing_was_chosen_is_shown_as_before(
    qtbot: QtBot, window: MainWindow, server: DemoKomboServer
) -> None:
    first = first_link_then_a_slow_one(qtbot, window, server, "create")
    qtbot.waitUntil(lambda: window.linkField.text() != "", timeout=10_000)
    wait_until_ready(qtbot, window)
    assert window.linkField.text() not in ("", first)
    assert window.linkField.hasFocus() or not window.isActiveWindow()
    assert window.statusLabel.text().startswith("Demo link ready")


@pytest.mark.parametrize("tab", ["create", "relink"])
def test_closing_while_a_link_is_made_says_so_not_that_the_typing_is_unused(
    qtbot: QtBot, window: MainWindow, server: DemoKomboServer, tab: str
) -> None:
    # It said what is typed "has not been used for a link yet", while a link was being made
    # for it that closing would stop.
    fill_form(window)
    server.delay_seconds = SLOW_SECONDS
    if tab == "create":
        window.createButton.click()
    else:
        window.show_relink_mode(INTEGRATION_ID)
        window.relinkButton.click()
    assert window.busy
    asked = answer_next_box("Cancel")
    assert close_as_the_person_does(window) is False
    if tab == "create":
        assert asked.texts == [
            "Close Kombo Desktop? A link is still being made for what is typed on the “New "
            "link” tab. Closing stops it, and what is typed would be lost."
        ]
    else:  # the new-link form's details were used for no link: asked about as before
        assert asked.texts == [
            "Close Kombo Desktop? A reconnection link is still being made for the integration "
            "id typed on the “Reconnect an integration” tab. Closing stops it, and what is "
            "typed would be lost. What is typed on the “New link” tab has not been used for a "
            "link yet, and would be lost."
        ]
    wait_until_ready(qtbot, window)  # kept open: the link still came
    assert window.linkField.text() != ""


def test_closing_with_the_form_typed_over_while_a_link_is_made_asks_about_both(
    qtbot: QtBot, window: MainWindow, server: DemoKomboServer
) -> None:
    fill_form(window)
    server.delay_seconds = SLOW_SECONDS
    window.createButton.click()
    fill_form(window, email="ben@globex.example", organization="Globex SA")
    asked = answer_next_box("Cancel")
    assert close_as_the_person_does(window) is False
    assert asked.texts == [
        "Close Kombo Desktop? A link is still being made. Closing stops it. What is typed on "
        "the “New link” tab has not been used for a link yet, and would be lost."
    ]
    wait_until_ready(qtbot, window)


def test_closing_while_a_link_is_made_with_details_used_before_asks_first(
    qtbot: QtBot, window: MainWindow, server: DemoKomboServer
) -> None:
    # A link for the same customer with another tool: the details were used for a link
    # before, so not "unused", and closing went ahead unasked, stopping the link.
    fill_form(window, tool="personio")
    make_link(qtbot, window)
    fill_form(window, tool="hibob")
    server.delay_seconds = SLOW_SECONDS
    window.createButton.click()
    assert window.link_making.request_running
    asked = answer_next_box("Cancel")
    assert close_as_the_person_does(window) is False
    assert asked.texts == ["Close Kombo Desktop? A link is still being made. Closing stops it."]
    wait_until_ready(qtbot, window)  # kept open: the link still came
    assert window.linkField.text() != ""


def test_filling_the_form_while_its_link_is_made_says_where_that_link_goes(
    qtbot: QtBot, window: MainWindow, server: DemoKomboServer
) -> None:
    first = first_link_then_a_slow_one(qtbot, window, server, "create")
    feature = history_of(window)
    feature.panel.select_row(0)
    asked = answer_next_box("Fill the form")
    feature.panel.historyFillButton.click()
    assert asked.texts == [
        "Fill the form? A link is still being made for what is typed in it. If you fill the "
        "form now, that link will not be shown when it is ready: it will be in the history, "
        "with these details."
    ]
    assert window.emailEdit.text() == "a@one.example"
    # The status line still says the link is being made, next to the "Creating link…" button,
    # and where it will go: it said only that the form was filled in.
    status = window.statusLabel.text()
    assert status.startswith("The form is filled in from the history.")
    assert "The link you asked for is still being made: it will be kept in the history" in status
    assert "press Cancel or Esc" in status
    assert window.statusPanel.kind == "busy"
    # As said: not shown, in the history with Three AG's details.
    qtbot.waitUntil(lambda: history_of(window).store.count() == 2, timeout=10_000)
    wait_until_ready(qtbot, window)
    assert window.linkField.text() in ("", first)
    made = history_of(window).store.search()[0]
    assert (made.organization, made.email) == ("Three AG", "c@three.example")
    assert "it is in the history" in window.statusLabel.text()


def test_filling_the_form_while_a_reconnection_is_made_says_it_will_be_shown(
    qtbot: QtBot, window: MainWindow, server: DemoKomboServer
) -> None:
    # One AG's details filled into the new-link form, which holds them already: the
    # reconnection link asked for is shown when it comes, and the status line says so.
    first = first_link_then_a_slow_one(qtbot, window, server, "relink")
    feature = history_of(window)
    feature.panel.select_row(0)
    feature.panel.historyFillButton.click()
    assert window.emailEdit.text() == "a@one.example"
    status = window.statusLabel.text()
    assert status.startswith("The form is filled in from the history.")
    assert (
        "The reconnection link you asked for is still being made: it will be shown here when "
        "it is ready." in status
    )
    assert window.statusPanel.kind == "busy"
    qtbot.waitUntil(lambda: window.linkField.text() not in ("", first), timeout=10_000)
    wait_until_ready(qtbot, window)
