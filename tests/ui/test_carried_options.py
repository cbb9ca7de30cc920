"""Options typed or ticked for one link that would go, unseen, with the next one: the tool
environment typed for one tool, sent with another after the tool was changed; the tool
environment and advanced options of the previous customer's link, sent with the link of the
next customer typed over it. The tool environment sits below the fold on a laptop and the
advanced options are folded away, so the person does not see them as they move on."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kombo_desktop.core.demo_server import DemoKomboServer
from kombo_desktop.core.link_request import ORGANIZATION_NAME, LinkRequest
from kombo_desktop.core.logs import register_secret
from kombo_desktop.core.vocabulary import Category
from kombo_desktop.ui.link_options import ENVIRONMENT_NOT_SENT
from kombo_desktop.ui.main_window import MainWindow
from kombo_desktop.ui.widgets import select_data
from tests.support.found import line_edit_of
from tests.ui.conftest import fill_form, make_link, type_over, wait_until_settled


def demo_of(window: MainWindow) -> DemoKomboServer:
    assert window.demo_server is not None
    return window.demo_server


def last_sent(window: MainWindow) -> dict[str, object]:
    """The body of the last link the demo service made."""
    return dict(demo_of(window).link_records[-1].body)


def type_tool(qtbot: QtBot, window: MainWindow, typed: str) -> None:
    """Type ``typed`` over the tool box's text, key by key, then leave it with Tab."""
    edit = line_edit_of(window.toolCombo)
    type_over(qtbot, edit, typed)
    QTest.keyClick(edit, Qt.Key.Key_Tab)


def test_an_environment_typed_for_one_tool_is_not_sent_with_the_next(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Hailey HR's "DEMO", then Personio typed in its place: DEMO went with Personio, and the
    # status line still said the environment was left out.
    fill_form(demo_window, tool="haileyhr")
    demo_window.environmentEdit.setText("DEMO")
    type_tool(qtbot, demo_window, "Personio")
    assert demo_window.linkForm.tool_id() == "personio"

    assert demo_window.environmentEdit.text() == ""
    status = demo_window.statusLabel.text()
    assert status == "The tool environment “DEMO” was for Hailey HR and was cleared."
    assert ENVIRONMENT_NOT_SENT not in status
    make_link(qtbot, demo_window)
    sent = last_sent(demo_window)
    assert sent["integration_tool"] == "personio"
    assert sent.get("remote_environment") is None


def test_an_environment_comes_back_with_its_own_tool(qtbot: QtBot, demo_window: MainWindow) -> None:
    # Through "The customer chooses" and back: the environment is the tool's again, and the
    # status line no longer says it is left out.
    fill_form(demo_window, tool="haileyhr")
    demo_window.environmentEdit.setText("DEMO")
    demo_window.toolCombo.setCurrentIndex(0)  # the customer chooses
    assert demo_window.statusLabel.text() == ENVIRONMENT_NOT_SENT
    fill_form(demo_window, tool="haileyhr")
    assert demo_window.environmentEdit.text() == "DEMO"
    assert ENVIRONMENT_NOT_SENT not in demo_window.statusLabel.text()
    make_link(qtbot, demo_window)
    assert last_sent(demo_window)["remote_environment"] == "DEMO"


def test_an_environment_typed_for_the_new_tool_is_sent_with_it(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    fill_form(demo_window, tool="haileyhr")
    demo_window.environmentEdit.setText("DEMO")
    fill_form(demo_window, tool="personio")
    demo_window.environmentEdit.setText("sandbox")
    make_link(qtbot, demo_window)
    assert last_sent(demo_window)["remote_environment"] == "sandbox"


def test_a_key_pasted_as_the_environment_is_not_quoted_when_cleared(
    demo_window: MainWindow,
) -> None:
    key = "kombo-key-8d2f6a1c9e3b7054"
    register_secret(key)  # as when the program read it from the password store
    fill_form(demo_window, tool="haileyhr")
    demo_window.environmentEdit.setText(key)
    fill_form(demo_window, tool="personio")
    assert demo_window.environmentEdit.text() == ""
    status = demo_window.statusLabel.text()
    assert status == "The tool environment was for Hailey HR and was cleared."


GAMMA = {"email": "greta@gamma.example", "organization": "Gamma SA"}
DELTA = {"email": "dan@delta.example", "organization": "Delta Ltd"}
ALL_OPTIONS = "tool environment, scope config id, employee filtering and field mapping"


def options_problem(window: MainWindow) -> str:
    return window.linkForm.field_errors().get(ORGANIZATION_NAME, "")


def gamma_then_delta_typed_over(qtbot: QtBot, window: MainWindow) -> None:
    """A link for Gamma SA with BambooHR, a tool environment and every advanced option, then
    Delta Ltd's e-mail, organisation and customer id typed over the form."""
    fill_form(window, **GAMMA, tool="bamboohr")
    window.environmentEdit.setText("env-123")
    window.scopeConfigEdit.setText("scope-abc")
    window.filteringCheck.setChecked(True)
    window.fieldMappingCheck.setChecked(True)
    make_link(qtbot, window)
    fill_form(window, **DELTA, tool=None)
    window.originIdEdit.setText("D-1")


def test_the_previous_customers_options_are_marked_and_nothing_is_sent(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Delta's link went out with Gamma's environment, scope config id, filtering and field
    # mapping, all below the fold, without a word.
    gamma_then_delta_typed_over(qtbot, demo_window)
    problem = options_problem(demo_window)
    assert f"The {ALL_OPTIONS} were set for the previous customer's link." in problem
    assert "Gamma" not in problem  # screen-sharing mode: no one named

    demo_window.createButton.click()
    wait_until_settled(qtbot, demo_window)  # a wrongly sent request has arrived by now
    assert len(demo_of(demo_window).link_records) == 1
    assert "1 field needs your attention" in demo_window.statusLabel.text()
    form = demo_window.linkForm
    assert form.clearOptionsButton.isVisible() and form.keepOptionsButton.isVisible()
    assert form.clearOptionsButton.text() == "Clear them"

    # With nobody watching, the previous customer is named.
    demo_window.screen_sharing.set_on(False)
    assert "the previous customer's link (Gamma SA)" in options_problem(demo_window)
    demo_window.screen_sharing.set_on(True)
    assert "Gamma" not in options_problem(demo_window)


def test_clear_them_sends_the_next_link_without_them(qtbot: QtBot, demo_window: MainWindow) -> None:
    gamma_then_delta_typed_over(qtbot, demo_window)
    form = demo_window.linkForm
    form.clearOptionsButton.click()
    assert options_problem(demo_window) == ""
    assert not form.clearOptionsButton.isVisible()
    assert demo_window.environmentEdit.text() == demo_window.scopeConfigEdit.text() == ""
    assert not demo_window.filteringCheck.isChecked()
    assert not demo_window.fieldMappingCheck.isChecked()
    make_link(qtbot, demo_window)
    sent = last_sent(demo_window)
    assert (sent["end_user_organization_name"], sent["integration_tool"]) == (
        "Delta Ltd",
        "bamboohr",
    )
    assert "remote_environment" not in sent and "scope_config_id" not in sent
    assert (sent["enable_filtering"], sent["enable_field_mapping"]) == (False, False)


def test_keep_them_sends_them_with_the_next_link(qtbot: QtBot, demo_window: MainWindow) -> None:
    # The next customer may need the same options (the same tool's test system, say).
    gamma_then_delta_typed_over(qtbot, demo_window)
    form = demo_window.linkForm
    QTest.keyClick(form.keepOptionsButton, Qt.Key.Key_Space)
    assert options_problem(demo_window) == ""
    assert not form.keepOptionsButton.isVisible()
    make_link(qtbot, demo_window)
    sent = last_sent(demo_window)
    assert sent["end_user_organization_name"] == "Delta Ltd"
    assert (sent["remote_environment"], sent["scope_config_id"]) == ("env-123", "scope-abc")
    assert (sent["enable_filtering"], sent["enable_field_mapping"]) == (True, True)


def test_only_the_options_left_as_they_were_are_named(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    gamma_then_delta_typed_over(qtbot, demo_window)
    demo_window.scopeConfigEdit.setText("scope-delta")  # chosen for Delta
    demo_window.filteringCheck.setChecked(False)
    problem = options_problem(demo_window)
    assert "The tool environment and field mapping were set for" in problem
    assert demo_window.linkForm.clearOptionsButton.isVisible()

    demo_window.linkForm.clearOptionsButton.click()
    assert demo_window.scopeConfigEdit.text() == "scope-delta"  # Delta's own stays
    make_link(qtbot, demo_window)
    sent = last_sent(demo_window)
    assert sent["scope_config_id"] == "scope-delta"
    assert "remote_environment" not in sent
    assert sent["enable_field_mapping"] is False


def test_another_contact_at_the_same_organisation_keeps_its_options(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    gamma_then_delta_typed_over(qtbot, demo_window)
    fill_form(demo_window, email="gus@gamma.example", organization="GAMMA sa", tool=None)
    assert options_problem(demo_window) == ""
    request = demo_window.linkForm.build_request()  # what Create would send (a duplicate)
    assert isinstance(request, LinkRequest) and request.scope_config_id == "scope-abc"


def test_an_option_filled_in_from_the_history_is_marked_beside_another_organisation(
    demo_window: MainWindow,
) -> None:
    demo_window.linkForm.fill(
        email=GAMMA["email"],
        organization_name=GAMMA["organization"],
        tool="haileyhr",
        remote_environment="DEMO",
    )
    demo_window.organizationEdit.setText("Delta Ltd")
    demo_window.createButton.click()
    assert options_problem(demo_window) == (
        "The tool environment was set for the previous customer's link. Clear it, or keep it "
        "if this customer needs it too."
    )
    form = demo_window.linkForm
    assert form.clearOptionsButton.text() == "Clear it"
    # What a screen reader says of the buttons is what they show (it said "Clear them").
    assert form.clearOptionsButton.accessibleName() == "Clear it"
    assert form.keepOptionsButton.accessibleName() == "Keep it"
    assert demo_window.organizationEdit.hasFocus()
    assert demo_of(demo_window).create_link_count == 0


EPSILON = {"email": "eva@epsilon.example", "organization": "Epsilon BV"}


def choose_kind(window: MainWindow, kind: Category) -> None:
    select_data(window.categoryCombo, kind.value)


def test_filtering_held_back_for_a_recruiting_system_is_marked_beside_the_next_customer(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Gamma's filtering, held back (not sent) for Delta's recruiting system, went out with
    # Epsilon's HR system link without a word: only what was sent was remembered as Delta's.
    fill_form(demo_window, **GAMMA, tool="bamboohr")
    demo_window.filteringCheck.setChecked(True)
    make_link(qtbot, demo_window)
    fill_form(demo_window, **DELTA, tool=None)
    choose_kind(demo_window, Category.ATS)
    fill_form(demo_window, **DELTA, tool="greenhouse")
    assert options_problem(demo_window) == ""  # held back: nothing of Gamma's is sent
    make_link(qtbot, demo_window)
    assert last_sent(demo_window)["enable_filtering"] is False

    fill_form(demo_window, **EPSILON, tool=None)
    choose_kind(demo_window, Category.HRIS)
    fill_form(demo_window, **EPSILON, tool="personio")
    assert options_problem(demo_window) == (
        "The employee filtering was set for the previous customer's link. Clear it, or keep "
        "it if this customer needs it too."
    )
    demo_window.createButton.click()
    wait_until_settled(qtbot, demo_window)  # a wrongly sent request has arrived by now
    assert len(demo_of(demo_window).link_records) == 2

    demo_window.linkForm.clearOptionsButton.click()
    assert demo_window.statusLabel.text() == "Cleared the employee filtering."
    make_link(qtbot, demo_window)
    sent = last_sent(demo_window)
    assert (sent["end_user_organization_name"], sent["integration_tool"]) == (
        "Epsilon BV",
        "personio",
    )
    assert sent["enable_filtering"] is False


def test_an_environment_held_back_without_a_tool_is_marked_beside_the_next_customer(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Gamma's "sandbox", held back while Delta's customer chose the tool, came back with
    # BambooHR for Epsilon and went with Epsilon's link.
    fill_form(demo_window, **GAMMA, tool="bamboohr")
    demo_window.environmentEdit.setText("sandbox")
    make_link(qtbot, demo_window)
    fill_form(demo_window, **DELTA, tool=None)
    demo_window.toolCombo.setCurrentIndex(0)  # the customer chooses
    assert options_problem(demo_window) == ""
    make_link(qtbot, demo_window)
    assert "remote_environment" not in last_sent(demo_window)

    fill_form(demo_window, **EPSILON, tool="bamboohr")
    assert options_problem(demo_window) == (
        "The tool environment was set for the previous customer's link. Clear it, or keep "
        "it if this customer needs it too."
    )
    demo_window.createButton.click()
    wait_until_settled(qtbot, demo_window)
    assert len(demo_of(demo_window).link_records) == 2

    demo_window.linkForm.clearOptionsButton.click()
    status = demo_window.statusLabel.text()
    assert status == "Cleared the tool environment."  # the text itself may be a pasted key
    assert demo_window.environmentEdit.text() == ""
    make_link(qtbot, demo_window)
    sent = last_sent(demo_window)
    assert sent["end_user_organization_name"] == "Epsilon BV"
    assert "remote_environment" not in sent


def test_clear_them_says_what_was_cleared(qtbot: QtBot, demo_window: MainWindow) -> None:
    # The options are below the fold: without a word, "Clear them" seemed to do nothing.
    gamma_then_delta_typed_over(qtbot, demo_window)
    demo_window.linkForm.clearOptionsButton.click()
    assert demo_window.statusLabel.text() == f"Cleared the {ALL_OPTIONS}."


def test_the_previous_customers_options_are_not_marked_while_the_next_name_is_typed(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Typing "Delta Ltd" over Gamma SA, the field turned red from the second letter on, a
    # new mistake on a shared screen while the person was still typing the name. It is
    # judged once they leave the field.
    gamma_then_delta_typed_over(qtbot, demo_window)
    demo_window.organizationEdit.setText(GAMMA["organization"])
    box = demo_window.linkForm.boxes[ORGANIZATION_NAME]
    shown: list[str] = []
    box.error_changed.connect(shown.append)
    type_over(qtbot, demo_window.organizationEdit, DELTA["organization"])
    assert demo_window.organizationEdit.text() == DELTA["organization"]
    assert [problem for problem in shown if problem] == []
    assert not demo_window.linkForm.clearOptionsButton.isVisible()

    QTest.keyClick(demo_window.organizationEdit, Qt.Key.Key_Tab)
    assert f"The {ALL_OPTIONS} were set for" in options_problem(demo_window)
    assert demo_window.linkForm.keepOptionsButton.isVisible()


def test_create_marks_the_previous_customers_options_typed_beside_and_sends_nothing(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    gamma_then_delta_typed_over(qtbot, demo_window)
    demo_window.organizationEdit.setText(GAMMA["organization"])
    type_over(qtbot, demo_window.organizationEdit, DELTA["organization"])
    QTest.keyClick(demo_window.organizationEdit, Qt.Key.Key_Return)  # Create, from the field
    assert f"The {ALL_OPTIONS} were set for" in options_problem(demo_window)
    wait_until_settled(qtbot, demo_window)  # a wrongly sent request has arrived by now
    assert len(demo_of(demo_window).link_records) == 1

    # Marked, it follows the typing: the same organisation again, and it goes.
    type_over(qtbot, demo_window.organizationEdit, "Gamma SA")
    assert options_problem(demo_window) == ""
