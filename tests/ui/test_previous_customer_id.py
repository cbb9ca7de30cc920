"""The customer id ("Your customer id", their id in the Kombo customer's own systems) left from
the previous customer when the next one is typed over the form: it is marked before anything is
sent, and the duplicate warning about another organisation with the same id says the id is the
likely mistake. Sent, it made the Kombo customer's system file the next customer's integration
under the previous customer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from kombo_desktop.core.demo_server import DemoKomboServer
from kombo_desktop.core.history import HistoryStore
from kombo_desktop.core.link_request import ORIGIN_ID, LinkRequest
from kombo_desktop.ui.duplicate_banner import (
    CREATE_ANYWAY_TEXT,
    OTHER_ORGANIZATION_TITLE,
    SAME_ID_TITLE,
    duplicate_text,
)
from kombo_desktop.ui.main_window import MainWindow
from tests.support.history_helpers import history_of
from tests.support.history_records import record_request
from tests.ui.conftest import (
    fill_form,
    make_link,
    type_over,
    wait_until_ready,
    wait_until_settled,
)

ACME = {"email": "anna.schmidt@acme.example", "organization": "Acme GmbH"}
GLOBEX = {"email": "li@globex.example", "organization": "Globex Corp"}


def demo_of(window: MainWindow) -> DemoKomboServer:
    assert window.demo_server is not None
    return window.demo_server


def sent_ids(window: MainWindow) -> list[tuple[object, object]]:
    """(organisation, customer id) of each link the demo service made, oldest first."""
    return [
        (link.body.get("end_user_organization_name"), link.body.get("end_user_origin_id"))
        for link in demo_of(window).link_records
    ]


def id_problem(window: MainWindow) -> str:
    return window.linkForm.field_errors().get(ORIGIN_ID, "")


def acme_then_globex_typed_over(qtbot: QtBot, window: MainWindow, tool: str) -> None:
    """A link for Acme with its customer id, then Globex's e-mail and organisation typed over
    the form (with ``tool``), the id left as it was."""
    fill_form(window, **ACME, tool="personio")
    window.originIdEdit.setText("CUST-1042")
    make_link(qtbot, window)
    fill_form(window, **GLOBEX, tool=tool)


@pytest.mark.parametrize("tool", ["personio", "hibob"], ids=["same tool", "another tool"])
def test_the_previous_customers_id_is_marked_and_nothing_is_sent(
    qtbot: QtBot, demo_window: MainWindow, tool: str
) -> None:
    # With the same tool the duplicate warning advised "Create a new link anyway", which sent
    # Globex under Acme's id; with another tool nothing at all was said.
    acme_then_globex_typed_over(qtbot, demo_window, tool)
    # Marked at once for a name put in whole (not typed key by key), before Create.
    assert "previous customer's link" in id_problem(demo_window)
    assert "Acme" not in id_problem(demo_window)  # screen-sharing mode: no one named

    demo_window.createButton.click()
    wait_until_settled(qtbot, demo_window)  # a wrongly sent request has arrived by now

    assert sent_ids(demo_window) == [("Acme GmbH", "CUST-1042")]
    assert "Change it or clear it" in id_problem(demo_window)
    assert demo_window.originIdEdit.hasFocus()
    assert demo_window.linkForm.keepOriginIdButton.isVisible()
    assert "1 field needs your attention" in demo_window.statusLabel.text()
    assert not history_of(demo_window).banner.isVisible()
    assert demo_window.originIdEdit.text() == "CUST-1042"  # nothing typed is cleared

    # With nobody watching, the previous customer is named; on again, no longer.
    demo_window.screen_sharing.set_on(False)
    assert "previous customer's link (Acme GmbH)" in id_problem(demo_window)
    demo_window.screen_sharing.set_on(True)
    assert "Acme" not in id_problem(demo_window)


def test_the_previous_customers_id_is_not_marked_while_the_next_name_is_typed(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The id turned red from the second letter of "Globex Corp" on, while the person was
    # still typing the name on a shared screen. It is judged once they leave the field.
    acme_then_globex_typed_over(qtbot, demo_window, "personio")
    demo_window.organizationEdit.setText(ACME["organization"])
    shown: list[str] = []
    demo_window.linkForm.boxes[ORIGIN_ID].error_changed.connect(shown.append)
    type_over(qtbot, demo_window.organizationEdit, GLOBEX["organization"])
    assert [problem for problem in shown if problem] == []
    assert not demo_window.linkForm.keepOriginIdButton.isVisible()

    QTest.keyClick(demo_window.organizationEdit, Qt.Key.Key_Tab)
    assert "previous customer's link" in id_problem(demo_window)
    assert demo_window.linkForm.keepOriginIdButton.isVisible()


@pytest.mark.parametrize("new_id", ["CUST-2077", ""], ids=["changed", "cleared"])
def test_a_changed_or_cleared_id_goes_with_the_next_customers_link(
    qtbot: QtBot, demo_window: MainWindow, new_id: str
) -> None:
    acme_then_globex_typed_over(qtbot, demo_window, "personio")
    demo_window.createButton.click()
    assert id_problem(demo_window)

    demo_window.originIdEdit.setText(new_id)
    assert id_problem(demo_window) == ""
    assert not demo_window.linkForm.keepOriginIdButton.isVisible()
    assert "The marked fields are fine now" in demo_window.statusLabel.text()
    make_link(qtbot, demo_window)
    assert sent_ids(demo_window) == [("Acme GmbH", "CUST-1042"), ("Globex Corp", new_id or None)]


def test_keep_this_id_sends_it_with_this_customers_link(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The id may really be this customer's too (a group of companies under one id).
    acme_then_globex_typed_over(qtbot, demo_window, "hibob")
    keep = demo_window.linkForm.keepOriginIdButton
    assert keep.isVisible()
    QTest.keyClick(keep, Qt.Key.Key_Space)
    assert id_problem(demo_window) == ""
    assert not keep.isVisible()
    assert demo_window.originIdEdit.hasFocus()
    make_link(qtbot, demo_window)
    assert sent_ids(demo_window)[-1] == ("Globex Corp", "CUST-1042")

    # Globex's link is the previous one now: the next customer typed over is told of it.
    demo_window.screen_sharing.set_on(False)
    fill_form(demo_window, email="jo@initech.example", organization="Initech", tool="hibob")
    assert "previous customer's link (Globex Corp)" in id_problem(demo_window)


def test_another_contact_at_the_same_organisation_keeps_its_id(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The organisation tells, not the e-mail address: a new contact at Acme is still Acme.
    acme_then_globex_typed_over(qtbot, demo_window, "personio")
    fill_form(demo_window, email="lena.vogt@acme.example", organization="ACME gmbh", tool="hibob")
    assert id_problem(demo_window) == ""
    make_link(qtbot, demo_window)
    assert sent_ids(demo_window)[-1] == ("ACME gmbh", "CUST-1042")


def test_an_id_filled_in_from_the_history_is_marked_beside_another_organisation(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    fill_form(demo_window, **ACME)
    demo_window.originIdEdit.setText("CUST-1042")
    make_link(qtbot, demo_window)
    demo_window.linkForm.clear()
    history_of(demo_window).from_history.fill_from(history_of(demo_window).store.search(limit=1)[0])
    assert id_problem(demo_window) == ""
    demo_window.organizationEdit.setText("Globex Corp")
    demo_window.createButton.click()
    assert "previous customer's link" in id_problem(demo_window)
    assert demo_of(demo_window).create_link_count == 1


def test_an_id_kept_on_purpose_is_not_blamed_by_the_warning_after(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # "Keep this id", then Create with the same tool: the warning said the id was probably the
    # other organisation's and made "Change the customer id" the default, undoing the choice.
    acme_then_globex_typed_over(qtbot, demo_window, "personio")
    demo_window.linkForm.keepOriginIdButton.click()
    demo_window.createButton.click()
    banner = history_of(demo_window).banner
    qtbot.waitUntil(banner.isVisible, timeout=2000)

    text = banner.label.text()
    assert "probably that organisation's" not in text
    assert f"For the organisation in the form, choose “{CREATE_ANYWAY_TEXT}”" in text
    assert "Acme" not in text and "CUST-1042" not in text  # screen-sharing mode
    title = demo_window.findChild(QLabel, "duplicateBannerTitle")
    assert title is not None and title.text() == OTHER_ORGANIZATION_TITLE
    create = banner.createAnywayButton
    assert create.hasFocus() and create.property("primary") is True
    assert not banner.changeOriginIdButton.isVisible()
    assert not banner.useExistingButton.isVisible()

    QTest.keyClick(create, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: demo_of(demo_window).create_link_count == 2, timeout=5000)
    wait_until_ready(qtbot, demo_window)
    assert sent_ids(demo_window)[-1] == ("Globex Corp", "CUST-1042")


def _record_acme_link_of_an_earlier_session(window: MainWindow) -> None:
    """The history has Acme's link with customer id CUST-1042, made before this window was
    opened: the form knows nothing of whose id it is."""
    request = LinkRequest.from_form(
        email=ACME["email"],
        organization_name=ACME["organization"],
        origin_id="CUST-1042",
        tool="personio",
    )
    record_request(
        history_of(window).store,
        request,
        f"{demo_of(window).origin}/demo/connect?token=DEMO-earlier",
        profile="default",
        created_at=datetime.now(UTC),
        is_demo=True,
    )


def test_a_warning_found_by_the_id_alone_says_the_id_is_probably_wrong(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # It said "For the organisation in the form, choose 'Create a new link anyway'", which
    # sent Globex's link under Acme's id.
    qtbot.waitUntil(lambda: history_of(demo_window).is_open, timeout=5000)
    _record_acme_link_of_an_earlier_session(demo_window)
    fill_form(demo_window, **GLOBEX, tool="personio")
    demo_window.originIdEdit.setText("CUST-1042")
    assert id_problem(demo_window) == ""  # not known as the previous customer's
    demo_window.createButton.click()
    banner = history_of(demo_window).banner
    qtbot.waitUntil(banner.isVisible, timeout=2000)

    text = banner.label.text()
    assert "The customer id in the form is probably that organisation's" in text
    assert "change it or clear it" in text
    assert f"For the organisation in the form, choose “{CREATE_ANYWAY_TEXT}”" not in text
    assert "Acme" not in text and "CUST-1042" not in text  # screen-sharing mode
    title = demo_window.findChild(QLabel, "duplicateBannerTitle")
    assert title is not None and title.text() == SAME_ID_TITLE
    # The safest choice goes back to the id; Enter takes it.
    change = banner.changeOriginIdButton
    assert change.isVisible() and change.hasFocus() and change.property("primary") is True
    assert not banner.createAnywayButton.property("primary")
    assert not banner.useExistingButton.isVisible()

    QTest.keyClick(change, Qt.Key.Key_Return)
    assert not banner.isVisible()
    assert QApplication.focusWidget() is demo_window.originIdEdit
    assert demo_window.originIdEdit.selectedText() == "CUST-1042"  # typing replaces it
    assert "Change or clear the customer id" in demo_window.statusLabel.text()
    assert demo_of(demo_window).create_link_count == 0

    demo_window.originIdEdit.setText("CUST-2077")
    make_link(qtbot, demo_window)
    wait_until_ready(qtbot, demo_window)
    assert sent_ids(demo_window)[-1] == ("Globex Corp", "CUST-2077")


def test_the_warning_found_by_the_id_alone_names_it_with_nobody_watching(tmp_path: Path) -> None:
    made_for = LinkRequest(
        end_user_email="anna@acme.example",
        end_user_organization_name="Acme GmbH",
        end_user_origin_id="CUST-1042",
        integration_tool="personio",
    )
    store = HistoryStore(tmp_path / "history.sqlite3")
    try:
        earlier = record_request(store, made_for, "https://connect.kombo.dev/v1?t=a", profile="P")
    finally:
        store.close()
    wanted = LinkRequest(
        end_user_email="li@globex.example",
        end_user_organization_name="Globex Corp",
        end_user_origin_id="CUST-1042",
        integration_tool="personio",
    )
    now = datetime.now(UTC)
    shared = duplicate_text(earlier, private=True, tool_label="Personio", wanted=wanted, now=now)
    assert shared.startswith("A link for this customer id and tool was already made")
    shown = duplicate_text(earlier, private=False, tool_label="Personio", wanted=wanted, now=now)
    assert "Acme GmbH (anna@acme.example, customer id CUST-1042)" in shown
    assert "probably that organisation's" in shown
    # The same address for another organisation, no id: the id is not blamed.
    no_id = LinkRequest(
        end_user_email="anna@acme.example",
        end_user_organization_name="Globex Corp",
        integration_tool="personio",
    )
    other = duplicate_text(earlier, private=True, tool_label="Personio", wanted=no_id, now=now)
    assert "customer id" not in other
    assert f"For the organisation in the form, choose “{CREATE_ANYWAY_TEXT}”" in other
