"""Typing no link was made with (the next customer's details, read out on a call) is not thrown
away unasked: filling the form from the history and closing the window ask first, as "Clear
the form" does, and Cancel keeps everything. Real window, demo service, real history file."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kombo_desktop.core.history import HistoryEntry
from kombo_desktop.core.vocabulary import Category, Language, LinkType
from kombo_desktop.ui.main_window import CREATE_TAB, RELINK_TAB, MainWindow
from tests.support.history_helpers import history_of, open_history, shown_entries, wait_loaded
from tests.support.history_records import record_link, record_relink
from tests.support.message_boxes import answer_next_box
from tests.support.window_system import close_as_the_person_does
from tests.ui.conftest import WindowFactory, fill_form, make_link

# The questions quote the tabs' whole names (see ``screen_with_room``).
pytestmark = pytest.mark.usefixtures("screen_with_room")

INTEGRATION_ID = "personio:93fCvorjZ2jas7ZekX1V1n5d"
TYPED_ID = "greenhouse:BigDeal7ZekX1V1n5d93fCvo"


def link_for_anna(qtbot: QtBot, window: MainWindow) -> HistoryEntry:
    """Anna's link, made and recorded: the history entry the next customer's typing meets."""
    fill_form(window, email="anna@acme.example", organization="Acme GmbH")
    make_link(qtbot, window)
    store = history_of(window).store
    qtbot.waitUntil(lambda: store.count() == 1, timeout=5000)
    return store.search(limit=1)[0]


def link_in_the_history(window: MainWindow, name: str = "ben") -> HistoryEntry:
    """A link made earlier for ``name`` at Globex SA, as the history recorded it."""
    return record_link(
        history_of(window).store,
        profile="default",
        email=f"{name}@globex.example",
        organization="Globex SA",
        category=Category.HRIS,
        language=Language.EN,
        link_type=LinkType.MAGIC_LINK,
        url=f"https://connect.kombo.dev/v1?token={name}",
    )


def relink_in_the_history(
    window: MainWindow, integration_id: str = INTEGRATION_ID, link_id: str = "relink"
) -> HistoryEntry:
    """A reconnection link made earlier for ``integration_id``, as the history recorded it."""
    return record_relink(
        history_of(window).store,
        profile="default",
        integration_id=integration_id,
        language=Language.EN,
        link_type=LinkType.MAGIC_LINK,
        url=f"https://connect.kombo.dev/v1?token={link_id}",
    )


def fill_with(qtbot: QtBot, window: MainWindow, entry: HistoryEntry) -> None:
    """Press "Fill the form" for ``entry`` in the history panel (a floating one closes when
    the form is filled from it: opened again)."""
    feature = history_of(window)
    if window.screen_sharing.on:
        open_history(qtbot, window)
    elif not feature.history_open:
        feature.historyButton.click()
        wait_loaded(qtbot, feature)
    rows = [shown.url for shown in shown_entries(feature)]
    feature.panel.select_row(rows.index(entry.url))
    feature.panel.historyFillButton.click()


def form_text(window: MainWindow) -> tuple[str, str]:
    return window.emailEdit.text(), window.organizationEdit.text()


def test_filling_from_the_history_asks_before_replacing_the_next_customers_typing(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    anna = link_for_anna(qtbot, demo_window)
    fill_form(demo_window, email="giulia@romano.example", organization="Romano S.r.l.")

    asked = answer_next_box("Cancel")
    fill_with(qtbot, demo_window, anna)
    assert asked.texts == [
        "Fill the form? What is typed in it has not been used for a link yet, and would be lost."
    ]
    assert sorted(b.replace("&", "") for b in asked.buttons) == ["Cancel", "Fill the form"]
    assert asked.default.replace("&", "") == "Cancel"
    assert form_text(demo_window) == ("giulia@romano.example", "Romano S.r.l.")  # kept

    answer_next_box("Fill the form")
    fill_with(qtbot, demo_window, anna)
    assert form_text(demo_window) == ("anna@acme.example", "Acme GmbH")
    assert "filled in from the history" in demo_window.statusPanel.text


def test_filling_over_nothing_that_would_be_lost_asks_nothing(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    anna = link_for_anna(qtbot, demo_window)
    ben = link_in_the_history(demo_window)
    relinks = [
        relink_in_the_history(demo_window, integration_id, link_id=integration_id)
        for integration_id in (INTEGRATION_ID, TYPED_ID)
    ]
    asked = answer_next_box("Cancel")  # would keep the form, had it asked

    fill_with(qtbot, demo_window, anna)  # over Anna's details, used for her link
    fill_with(qtbot, demo_window, ben)  # over details filled in from the history
    assert form_text(demo_window) == ("ben@globex.example", "Globex SA")
    demo_window.linkForm.fill()  # an empty form
    fill_form(demo_window, email="anna@acme.example", organization="Acme GmbH")
    fill_with(qtbot, demo_window, anna)  # over the very details it puts there
    for relink in relinks:  # the second over the id the first filled in
        fill_with(qtbot, demo_window, relink)
    asked.stop()

    assert asked.texts == []
    assert form_text(demo_window) == ("anna@acme.example", "Acme GmbH")
    assert demo_window.relinkIntegrationEdit.text() == TYPED_ID


def test_filling_a_reconnection_asks_before_replacing_an_integration_id_not_used_yet(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    relink = relink_in_the_history(demo_window)
    demo_window.relinkIntegrationEdit.setText(TYPED_ID)

    asked = answer_next_box("Cancel")
    fill_with(qtbot, demo_window, relink)
    assert asked.texts == [
        "Fill the form? The integration id typed on the “Reconnect an integration” tab has not "
        "been used for a link yet, and would be lost."
    ]
    assert demo_window.relinkIntegrationEdit.text() == TYPED_ID
    assert demo_window.tabs.currentIndex() == CREATE_TAB  # nothing happened

    answer_next_box("Fill the form")
    fill_with(qtbot, demo_window, relink)
    assert demo_window.relinkIntegrationEdit.text() == INTEGRATION_ID
    assert demo_window.tabs.currentIndex() == RELINK_TAB


def test_closing_the_window_asks_before_losing_typing_and_cancel_keeps_it_open(
    open_window: WindowFactory,
) -> None:
    window = open_window("--demo")
    fill_form(window, email="olivia@bigdeal.example", organization="Big Deal Holding AG")
    window.relinkIntegrationEdit.setText(TYPED_ID)

    asked = answer_next_box("Cancel")
    assert close_as_the_person_does(window) is False
    assert asked.texts == [
        "Close Kombo Desktop? What is typed on the “New link” tab and the integration id typed "
        "on the “Reconnect an integration” tab have not been used for a link yet, and would be "
        "lost."
    ]
    assert sorted(b.replace("&", "") for b in asked.buttons) == ["Cancel", "Close"]
    assert asked.default.replace("&", "") == "Cancel"
    assert window.isVisible() and not window.closed
    assert form_text(window) == ("olivia@bigdeal.example", "Big Deal Holding AG")

    answer_next_box("Close")
    assert close_as_the_person_does(window) is True
    assert not window.isVisible() and window.closed


def test_closing_asks_nothing_when_nothing_unused_is_typed(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    asked = answer_next_box("Cancel")  # would keep it open, had it asked
    empty = open_window("--demo")
    assert close_as_the_person_does(empty) is True
    used = open_window("--demo")
    link_for_anna(qtbot, used)  # typed, but used for a link
    assert close_as_the_person_does(used) is True
    asked.stop()
    assert asked.texts == []
    assert empty.closed and used.closed


def test_the_program_closing_its_window_never_waits_for_an_answer(
    open_window: WindowFactory,
) -> None:
    # Quitting, the end of the session and tests close the window from the program: nobody
    # may be there to answer.
    window = open_window("--demo")
    fill_form(window, email="olivia@bigdeal.example", organization="Big Deal Holding AG")
    asked = answer_next_box("Cancel")

    assert window.close() is True
    asked.stop()
    assert asked.texts == []
    assert window.closed


def test_details_filled_in_from_the_history_are_asked_about_only_once_typed_over(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # "Fill the form" did not count details it had filled in as lost (the history still has
    # them), but "Clear the form" and closing the window asked about them as unused typing.
    window = open_window("--demo")
    ben = link_in_the_history(window)
    asked = answer_next_box("Cancel")  # would keep everything, had it asked
    fill_with(qtbot, window, ben)
    window.linkForm.clearButton.click()
    asked.stop()
    assert asked.texts == []
    assert form_text(window) == ("", "")

    fill_with(qtbot, window, ben)
    window.organizationEdit.setFocus()
    qtbot.keyClick(window.organizationEdit, Qt.Key.Key_End)
    qtbot.keyClicks(window.organizationEdit, " Holding")  # the next customer's, typed over
    asked = answer_next_box("Cancel")
    window.linkForm.clearButton.click()
    assert asked.texts == [
        "Clear the form? What is typed in it has not been used for a link yet, and would be lost."
    ]
    assert form_text(window) == ("ben@globex.example", "Globex SA Holding")  # kept

    window.organizationEdit.setText("Globex SA")  # what the history has again
    asked = answer_next_box("Cancel")
    assert close_as_the_person_does(window) is True
    asked.stop()
    assert asked.texts == []


def test_an_integration_id_filled_in_from_the_history_is_asked_about_only_once_typed_over(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    window = open_window("--demo")
    relink = relink_in_the_history(window)
    asked = answer_next_box("Cancel")
    fill_with(qtbot, window, relink)
    assert window.tabs.currentIndex() == RELINK_TAB
    window.relinkIntegrationEdit.setText(TYPED_ID)  # typed over
    assert close_as_the_person_does(window) is False
    assert asked.texts == [
        "Close Kombo Desktop? The integration id typed on the “Reconnect an integration” tab "
        "has not been used for a link yet, and would be lost."
    ]

    window.relinkIntegrationEdit.setText(INTEGRATION_ID)  # what the history has again
    asked = answer_next_box("Cancel")
    assert close_as_the_person_does(window) is True
    asked.stop()
    assert asked.texts == []


def delete_from_history(qtbot: QtBot, window: MainWindow, entry: HistoryEntry) -> None:
    """Delete ``entry`` with the history panel's "Delete…", answering its question."""
    feature = history_of(window)
    if not feature.history_open:  # a floating panel closes when the form is filled from it
        feature.historyButton.click()
        wait_loaded(qtbot, feature)
    rows = [shown.url for shown in shown_entries(feature)]
    feature.panel.select_row(rows.index(entry.url))
    answer_next_box("Delete")
    feature.panel.historyDeleteButton.click()
    # Deleted on a worker thread; the panel lists it no more once it is.
    qtbot.waitUntil(lambda: entry.url not in [shown.url for shown in shown_entries(feature)])
    assert feature.store.get(entry.id) is None


def test_details_filled_in_from_an_entry_deleted_since_are_asked_about(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # The history kept the details "Fill the form" put in the form, so clearing and closing
    # asked nothing; deleting that entry left the form the only copy, and Clear still emptied
    # it unasked.
    window = open_window("--demo")
    ben = link_in_the_history(window)
    fill_with(qtbot, window, ben)
    delete_from_history(qtbot, window, ben)

    asked = answer_next_box("Cancel")
    window.linkForm.clearButton.click()
    assert asked.texts == [
        "Clear the form? What is typed in it has not been used for a link yet, and would be lost."
    ]
    assert form_text(window) == ("ben@globex.example", "Globex SA")  # kept

    asked = answer_next_box("Cancel")
    assert close_as_the_person_does(window) is False
    assert asked.texts == [
        "Close Kombo Desktop? What is typed on the “New link” tab has not been used for a link "
        "yet, and would be lost."
    ]
    assert form_text(window) == ("ben@globex.example", "Globex SA")


def test_an_integration_id_filled_in_from_an_entry_deleted_since_is_asked_about(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    window = open_window("--demo")
    relink = relink_in_the_history(window)
    fill_with(qtbot, window, relink)
    delete_from_history(qtbot, window, relink)

    asked = answer_next_box("Cancel")
    assert close_as_the_person_does(window) is False
    assert asked.texts == [
        "Close Kombo Desktop? The integration id typed on the “Reconnect an integration” tab "
        "has not been used for a link yet, and would be lost."
    ]
    assert window.relinkIntegrationEdit.text() == INTEGRATION_ID


def test_deleting_another_entry_leaves_details_filled_in_unasked(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    window = open_window("--demo")
    ben, eva = (link_in_the_history(window, name) for name in ("ben", "eva"))
    fill_with(qtbot, window, ben)
    delete_from_history(qtbot, window, eva)  # the history still has Ben's details

    asked = answer_next_box("Cancel")  # would keep the form, had it asked
    window.linkForm.clearButton.click()
    asked.stop()
    assert asked.texts == []
    assert form_text(window) == ("", "")
