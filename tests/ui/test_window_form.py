"""The form's rules as a person meets them: plain errors, nothing cleared, forbidden = disabled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import keyring
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QCompleter,
    QLabel,
    QLineEdit,
    QScrollArea,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kombo_desktop.core.catalog import Tool
from kombo_desktop.core.credentials import SERVICE_NAME
from kombo_desktop.core.demo_server import DemoKomboServer
from kombo_desktop.core.field_text import KEY_IN_FIELD_PROBLEM
from kombo_desktop.core.link_request import (
    EMAIL,
    INTEGRATION_ID,
    ORGANIZATION_NAME,
    LinkRequest,
    RelinkRequest,
)
from kombo_desktop.core.logs import holds_registered_secret, register_secret
from kombo_desktop.core.settings import Profile, Settings
from kombo_desktop.core.vocabulary import (
    CATEGORY_NAMES,
    LANGUAGE_NAMES,
    LINK_TYPE_NAMES,
    Category,
    Language,
    LinkType,
)
from kombo_desktop.ui import theme
from kombo_desktop.ui.link_form import CUSTOMER_CHOOSES
from kombo_desktop.ui.main_window import CREATE_TAB, RELINK_TAB, MainWindow
from tests.support.found import completer_of, content_of, line_edit_of, named
from tests.support.history_helpers import open_history
from tests.support.history_records import record_link
from tests.support.keyrings import PromptingKeyring
from tests.support.laid_out import wait_until_laid_out
from tests.ui.conftest import (
    WindowFactory,
    fill_form,
    make_link,
    settings_of,
    tab_stops,
    wait_until_settled,
)

CONTRACT_NAMES = {
    "emailEdit": QLineEdit,
    "organizationEdit": QLineEdit,
    "originIdEdit": QLineEdit,
    "categoryCombo": QComboBox,
    "toolCombo": QComboBox,
    "languageCombo": QComboBox,
    "linkTypeCombo": QComboBox,
    "environmentEdit": QLineEdit,
    "scopeConfigEdit": QLineEdit,
    "filteringCheck": QCheckBox,
    "fieldMappingCheck": QCheckBox,
    "createButton": QAbstractButton,
    "linkField": QLineEdit,
    "copyButton": QAbstractButton,
    "openButton": QAbstractButton,
    "exportQrButton": QAbstractButton,
    "qrView": QLabel,
    "statusLabel": QLabel,
    "relinkIntegrationEdit": QLineEdit,
    "relinkLanguageCombo": QComboBox,
    "relinkLinkTypeCombo": QComboBox,
    "relinkButton": QAbstractButton,
    "demoBanner": QWidget,
}


def items(combo: QComboBox) -> list[tuple[str, object]]:
    return [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())]


def test_every_contract_widget_exists_once_with_the_right_type(demo_window: MainWindow) -> None:
    assert demo_window.objectName() == "mainWindow"
    for name, kind in CONTRACT_NAMES.items():
        found = demo_window.findChildren(QWidget, name)
        assert len(found) == 1, f"{name}: {len(found)} widgets"
        assert isinstance(found[0], kind), name


def test_every_named_widget_of_the_panels_is_also_the_windows(demo_window: MainWindow) -> None:
    # The window names each of its panels' widgets itself (so that type checkers know them);
    # one added to a panel and not to that list would be missing from the window.
    panels = (
        demo_window.linkForm,
        demo_window.relinkForm,
        demo_window.resultPanel,
        demo_window.statusPanel,
    )
    for panel in panels:
        for name, value in vars(panel).items():
            if isinstance(value, QWidget) and value.objectName() == name:
                assert getattr(demo_window, name, None) is value, name


def test_sentences_name_the_buttons_by_their_words(qtbot: QtBot, demo_window: MainWindow) -> None:
    # Sentences that send the person to a button name it as the button reads: they were
    # written out apart from the buttons' words, and would go on naming a renamed button.
    from kombo_desktop.ui import duplicate_flow, link_making

    window = demo_window
    create, relink = f"“{window.createButton.text()}”", f"“{window.relinkButton.text()}”"
    assert create in duplicate_flow.GONE_BY_EDITING
    assert relink in duplicate_flow.RELINK_CHECK_TYPED_HINT
    assert relink in duplicate_flow.RELINK_PASTE_HINT
    made_for: dict[str, LinkRequest | RelinkRequest] = {
        relink: RelinkRequest(integration_id="personio:93fCvorjZ2jas7ZekX1V1n5d"),
        create: LinkRequest(end_user_email="anna@acme.example", end_user_organization_name="Acme"),
    }
    for button, request in made_for.items():
        for private in (True, False):
            said = link_making._made_for_earlier_details(request, private, kept="it is kept")
            assert button in said and "“Create" not in said.replace(button, "")
    fill = f"“{open_history(qtbot, window).panel.historyFillButton.text()}”"
    entry = record_link(
        window.history.store,
        profile="default",
        email="anna@acme.example",
        organization="Acme",
        category=Category.HRIS,
        language=Language.EN,
        link_type=LinkType.MAGIC_LINK,
        url="https://connect.kombo.dev/v1?token=old",
        created_at=datetime.now(UTC) - timedelta(days=400),
    )
    window.history.from_history.show_entry(entry)
    assert fill in window.statusLabel.text()


def test_the_choices_use_plain_names_and_wire_values(demo_window: MainWindow) -> None:
    assert items(demo_window.categoryCombo) == [
        (name, category.value) for category, name in CATEGORY_NAMES.items()
    ]
    assert items(demo_window.languageCombo) == [
        (name, language.value) for language, name in LANGUAGE_NAMES.items()
    ]
    assert demo_window.languageCombo.currentData() == "en"
    assert items(demo_window.linkTypeCombo) == [
        (name, link_type.value) for link_type, name in LINK_TYPE_NAMES.items()
    ]
    assert demo_window.linkTypeCombo.currentData() == "MAGIC_LINK"
    assert items(demo_window.relinkLanguageCombo) == items(demo_window.languageCombo)
    assert items(demo_window.relinkLinkTypeCombo) == items(demo_window.linkTypeCombo)
    tools = items(demo_window.toolCombo)
    assert tools[0] == (CUSTOMER_CHOOSES, None)
    catalog = demo_window.linkForm.catalog
    assert tools[1:] == [(t.label, t.id) for t in catalog.in_category(catalog_category("HRIS"))]


def suggestions(completer: QCompleter) -> list[str]:
    """The tool names the search's suggestion list holds now, top to bottom."""
    model = completer.completionModel()
    return [model.index(row, 0).data() for row in range(completer.completionCount())]


def catalog_category(value: str):

    return Category(value)


def test_the_tool_list_filters_by_any_part_of_the_name(demo_window: MainWindow) -> None:
    combo = demo_window.toolCombo
    assert combo.isEditable()
    completer = combo.completer()
    assert isinstance(completer, QCompleter)
    assert completer.filterMode() == Qt.MatchFlag.MatchContains
    assert completer.caseSensitivity() == Qt.CaseSensitivity.CaseInsensitive
    completer.setCompletionPrefix("ONIO")
    found = suggestions(completer)
    assert "Personio" in found
    assert all("onio" in text.lower() for text in found)


@pytest.mark.parametrize(
    ("typed", "tool"),
    [
        ("Bamboo HR", "BambooHR"),
        ("Hi Bob", "HiBob"),
        ("customer ch", CUSTOMER_CHOOSES),
        ("-", "Visma Raet - Youforce"),
    ],
)
def test_the_tool_list_finds_a_name_typed_with_a_space(
    qtbot: QtBot, demo_window: MainWindow, typed: str, tool: str
) -> None:
    # The list stayed empty, so the tool looked missing, although Create link took the name.
    edit = line_edit_of(demo_window.toolCombo)
    edit.clear()
    qtbot.keyClicks(edit, typed)
    completer = completer_of(demo_window.toolCombo)
    found = suggestions(completer)
    assert tool in found
    assert len(found) < 20  # what was typed narrows the list


@pytest.mark.parametrize(
    ("category", "typed", "first"),
    [
        ("HRIS", "work", "Workday"),  # before: ADP Workforce Now, Google Workspace, HR WORKS
        ("HRIS", "hr", "HR WORKS"),  # before: AlexisHR
        ("HRIS", "de", "Deel"),  # before: ADP Decidium
        ("ATS", "per", "Personio"),  # before: Compleet (Persy)
        ("ATS", "customer", CUSTOMER_CHOOSES),
    ],
)
def test_the_tool_list_suggests_names_starting_with_what_is_typed_first(
    qtbot: QtBot, demo_window: MainWindow, category: str, typed: str, first: str
) -> None:
    # The suggestions were alphabetical: "work" put Workday fourth, under ADP Workforce Now.
    form = demo_window.linkForm
    form.categoryCombo.setCurrentIndex(form.categoryCombo.findData(category))
    edit = line_edit_of(demo_window.toolCombo)
    edit.clear()
    qtbot.keyClicks(edit, typed)
    found = suggestions(completer_of(demo_window.toolCombo))
    assert found[0] == first
    assert found == sorted(found, key=lambda name: rank_of(name, typed))
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)  # one letter less: ranked for what is left
    assert (
        suggestions(completer_of(demo_window.toolCombo))[0]
        == sorted(
            suggestions(completer_of(demo_window.toolCombo)),
            key=lambda name: rank_of(name, typed[:-1]),
        )[0]
    )


def rank_of(name: str, typed: str) -> int:
    """0 for a name starting with ``typed``, 1 for a word in it starting so, 2 otherwise."""
    name, typed = name.casefold(), typed.casefold()
    if name.startswith(typed):
        return 0
    return 1 if any(word.startswith(typed) for word in name.split()) else 2


def test_a_tool_no_longer_offered_is_named_when_the_form_is_filled_again(
    demo_window: MainWindow,
) -> None:
    # "Fill the form" from an entry whose tool the account no longer offers put its raw id
    # ("bamboohr") in the field, and the status said only to check the form.
    form = demo_window.linkForm
    offered = [Tool("personio", "Personio", (Category.HRIS,))]
    form.set_catalog(form.catalog.with_category_tools(Category.HRIS, offered))
    note = form.fill(email="a@b.example", organization_name="B", tool="bamboohr")
    assert demo_window.toolCombo.currentText() == "BambooHR"
    assert note == (
        "BambooHR is not available in your Kombo account for “HR system (HRIS)”: choose "
        "another tool, or let the customer choose."
    )
    assert form.fill(email="a@b.example", organization_name="B", tool="personio") == ""


def test_a_refreshed_list_without_the_chosen_tool_names_the_kind_of_system_as_elsewhere(
    demo_window: MainWindow,
) -> None:
    # The kind of system stood without its quotation marks here ("... account for HR system
    # (HRIS), so ..."), unlike the form's check and a form filled again.
    form = demo_window.linkForm
    assert form.select_tool("personio")
    offered = [Tool("bamboohr", "BambooHR", (Category.HRIS,))]
    form.set_catalog(form.catalog.with_category_tools(Category.HRIS, offered))
    assert demo_window.statusLabel.text() == (
        "Personio is not available in your Kombo account for “HR system (HRIS)”, so the tool "
        f"was reset to “{CUSTOMER_CHOOSES}”."
    )


def test_typing_a_tool_name_selects_it(demo_window: MainWindow) -> None:
    demo_window.toolCombo.setEditText("personio")
    assert demo_window.linkForm.tool_id() == "personio"
    demo_window.toolCombo.setEditText("")
    assert demo_window.linkForm.tool_id() is None


def test_changing_the_category_keeps_a_tool_that_fits(demo_window: MainWindow) -> None:
    form = demo_window.linkForm
    assert form.select_tool("personio")  # HR system and recruiting system
    demo_window.categoryCombo.setCurrentIndex(demo_window.categoryCombo.findData("ATS"))
    assert demo_window.toolCombo.currentData() == "personio"
    assert demo_window.toolCombo.currentText() == "Personio"


def test_changing_the_category_resets_a_tool_that_does_not_fit(demo_window: MainWindow) -> None:
    demo_window.linkForm.select_tool("personio")
    demo_window.categoryCombo.setCurrentIndex(demo_window.categoryCombo.findData("LMS"))
    assert demo_window.toolCombo.currentData() is None
    assert demo_window.toolCombo.currentText() == CUSTOMER_CHOOSES
    status = demo_window.statusLabel.text()
    assert "Personio" in status and "reset" in status and CUSTOMER_CHOOSES in status


def test_environment_needs_a_tool_and_says_so(demo_window: MainWindow) -> None:
    demo_window.toolCombo.setCurrentIndex(0)
    assert not demo_window.environmentEdit.isEnabled()
    assert "Choose a tool first" in demo_window.environmentEdit.toolTip()
    demo_window.linkForm.select_tool("haileyhr")
    assert demo_window.environmentEdit.isEnabled()
    assert demo_window.environmentEdit.toolTip() == ""


def test_filtering_is_only_offered_for_hr_systems(demo_window: MainWindow) -> None:
    assert demo_window.filteringCheck.isEnabled()
    demo_window.categoryCombo.setCurrentIndex(demo_window.categoryCombo.findData("ATS"))
    assert not demo_window.filteringCheck.isEnabled()
    # It said to choose "HR system", which the list of kinds of system does not offer.
    assert demo_window.filteringCheck.toolTip() == (
        "Employee filtering is only for HR systems. Choose “HR system (HRIS)” as the kind of "
        "system to use it."
    )


def test_submitting_an_empty_form_marks_each_field_and_sends_nothing(
    demo_window: MainWindow,
) -> None:
    demo_window.createButton.click()
    errors = demo_window.linkForm.field_errors()
    assert set(errors) == {"end_user_email", "end_user_organization_name"}
    assert "e-mail address" in errors["end_user_email"]
    email_error = named(demo_window, QLabel, "emailEditError")
    assert email_error.isVisible() and email_error.text() == errors["end_user_email"]
    assert demo_window.statusPanel.kind == "error"
    assert "2 fields" in demo_window.statusLabel.text()
    assert demo_window.focusWidget() is demo_window.emailEdit
    assert demo_window.demo_server is not None and demo_window.demo_server.requests == []


def test_errors_never_clear_what_was_typed(demo_window: MainWindow) -> None:
    fill_form(demo_window, email="anna@example", organization="   ")
    demo_window.environmentEdit.setText("DEMO")
    demo_window.createButton.click()
    errors = demo_window.linkForm.field_errors()
    assert "ending like .com" in errors["end_user_email"]
    assert "organisation" in errors["end_user_organization_name"]
    assert demo_window.emailEdit.text() == "anna@example"
    assert demo_window.organizationEdit.text() == "   "
    assert demo_window.environmentEdit.text() == "DEMO"
    assert demo_window.toolCombo.currentData() == "personio"


def test_errors_follow_the_typing_after_the_first_visit(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    edit = demo_window.emailEdit
    edit.setFocus()
    qtbot.keyClicks(edit, "anna")
    assert demo_window.linkForm.field_errors() == {}  # no nagging during the first typing
    demo_window.organizationEdit.setFocus()  # leaving the field checks it
    qtbot.waitUntil(lambda: "end_user_email" in demo_window.linkForm.field_errors())
    assert "@" in demo_window.linkForm.field_errors()["end_user_email"]
    qtbot.keyClicks(edit, "@example.com")
    assert demo_window.linkForm.field_errors() == {}


def test_the_next_customers_address_is_judged_once_typed_as_on_a_fresh_form(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # After a link, every field was checked at each key: typing the next customer's address
    # over the last one's, "b" turned red ("needs an @"), then "bob@" ("Add the domain"), and
    # the organisation below jumped down and up as the red line came and went, on a screen
    # shared with the customer.
    fill_form(demo_window, email="anna@acme.example", organization="Acme GmbH")
    make_link(qtbot, demo_window)
    form, edit = demo_window.linkForm, demo_window.emailEdit
    shown: list[str] = []
    form.boxes[EMAIL].error_changed.connect(shown.append)
    organization_top = demo_window.organizationEdit.mapTo(demo_window, QPoint(0, 0)).y()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    edit.selectAll()
    for key in "bob@beta.example":
        QTest.keyClicks(edit, key)
        assert form.field_errors() == {}, f"marked at {edit.text()!r}"
        assert demo_window.organizationEdit.mapTo(demo_window, QPoint(0, 0)).y() == (
            organization_top
        )
    assert [problem for problem in shown if problem] == []

    # Judged on leaving, as on a fresh form; a mark then shown follows the typing.
    edit.selectAll()
    QTest.keyClicks(edit, "carl@")
    assert form.field_errors() == {}
    QTest.keyClick(edit, Qt.Key.Key_Tab)
    assert "domain" in form.field_errors()[EMAIL]
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    QTest.keyClicks(edit, "gamma.example")
    assert form.field_errors() == {}


def test_the_next_customers_organisation_is_judged_once_left(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Emptied to type the next name, the organisation turned red at once.
    fill_form(demo_window, email="anna@acme.example", organization="Acme GmbH")
    make_link(qtbot, demo_window)
    form, edit = demo_window.linkForm, demo_window.organizationEdit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    edit.selectAll()
    QTest.keyClick(edit, Qt.Key.Key_Backspace)
    assert form.field_errors() == {}
    QTest.keyClick(edit, Qt.Key.Key_Tab)
    assert "organisation" in form.field_errors()[ORGANIZATION_NAME]
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    QTest.keyClicks(edit, "Beta Logistics Ltd")
    assert form.field_errors() == {}


def test_the_next_integration_id_is_judged_once_left(qtbot: QtBot, demo_window: MainWindow) -> None:
    # After a reconnection link, the next id typed over the last one was red from its first
    # letter ("starts with the tool's name and a colon") to its colon.
    window = demo_window
    window.show_relink_mode()
    window.relinkIntegrationEdit.setText("personio:93fCvorjZ2jas7ZekX1V1n5d")
    window.relinkButton.click()
    qtbot.waitUntil(lambda: window.linkField.text() != "", timeout=10_000)
    form, edit = window.relinkForm, window.relinkIntegrationEdit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    edit.selectAll()
    for key in "workday:":
        QTest.keyClicks(edit, key)
        assert form.field_errors() == {}, f"marked at {edit.text()!r}"
    # Judged on leaving, as on a fresh form: the id is not whole yet.
    QTest.keyClick(edit, Qt.Key.Key_Tab)
    assert "colon" in form.field_errors()[INTEGRATION_ID]


@pytest.mark.parametrize(
    ("typed", "address"),
    [
        ("Anna Berg <anna@example.com>", "anna@example.com"),  # as a mail program copies it
        ("juergen@müller.de", "juergen@xn--mller-kva.de"),  # as e-mail systems write it
        # Copied from a web page or a chat with an invisible character, before or after the @.
        ("anna\u200b@example.com", "anna@example.com"),
        ("\u200eanna@example.com", "anna@example.com"),
        ("anna@example.com\u200b", "anna@example.com"),
    ],
)
def test_an_address_the_text_stands_for_is_one_click_away(
    qtbot: QtBot, demo_window: MainWindow, typed: str, address: str
) -> None:
    fix = demo_window.linkForm.emailFixButton
    edit = demo_window.emailEdit
    edit.setFocus()
    edit.insert(typed)  # as a paste does (QTest cannot type "ü" on every platform plugin)
    demo_window.organizationEdit.setFocus()  # leaving the field checks it
    qtbot.waitUntil(lambda: "end_user_email" in demo_window.linkForm.field_errors())
    assert fix.isVisible() and fix.toolTip() == address
    assert address in demo_window.linkForm.field_errors()["end_user_email"]  # named there
    assert edit.text() == typed  # offered, not done behind the person's back

    qtbot.mouseClick(fix, Qt.MouseButton.LeftButton)
    assert edit.text() == address
    assert demo_window.linkForm.field_errors() == {}
    assert not fix.isVisible()


def test_a_long_address_offered_never_widens_the_form(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The offer's button once carried the address, and a long one pushed the form wider than
    # its view: the labels slid out of sight.
    long_address = "personalabteilung.zentrale@mueller-soehne-internationale-gruppe.example.com"
    demo_window.emailEdit.setFocus()
    demo_window.emailEdit.insert(f"Personalabteilung <{long_address}>")
    demo_window.organizationEdit.setFocus()
    qtbot.waitUntil(lambda: demo_window.linkForm.emailFixButton.isVisible())
    area = demo_window.linkForm.scrollArea
    page = area.widget()
    assert page is not None
    qtbot.waitUntil(lambda: page.width() <= area.viewport().width())
    wait_until_laid_out(qtbot)  # settled, not passing through
    assert page.width() <= area.viewport().width()


def test_a_long_made_up_tool_name_in_its_error_never_widens_the_form(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Quoted in its error line, a name without spaces once made the form 980 px wide in a
    # 407 px view.
    demo_window.toolCombo.setEditText("Personio" + "x" * 80)
    demo_window.createButton.click()
    assert "integration_tool" in demo_window.linkForm.field_errors()
    area = demo_window.linkForm.scrollArea
    page = area.widget()
    assert page is not None
    wait_until_laid_out(qtbot)
    assert page.width() <= area.viewport().width()


def test_no_fix_is_offered_for_an_address_that_stands_for_none(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    fill_form(demo_window, email="anna@example")
    demo_window.createButton.click()
    assert "end_user_email" in demo_window.linkForm.field_errors()
    assert not demo_window.linkForm.emailFixButton.isVisible()


def test_an_unknown_tool_name_is_an_error_that_keeps_the_text(demo_window: MainWindow) -> None:
    fill_form(demo_window, tool=None)
    demo_window.toolCombo.setEditText("Personiox")
    demo_window.createButton.click()
    assert "integration_tool" in demo_window.linkForm.field_errors()
    assert demo_window.toolCombo.currentText() == "Personiox"


@pytest.mark.parametrize("then", ["another kind of system", "a refreshed tool list"])
def test_a_misspelt_tool_name_is_kept_when_the_list_changes(
    qtbot: QtBot, demo_window: MainWindow, then: str
) -> None:
    # It became "The customer chooses", and Create link then made a link without the tool
    # the person had meant, without a word.
    fill_form(demo_window, tool=None)
    line_edit_of(demo_window.toolCombo).clear()
    qtbot.keyClicks(demo_window.toolCombo.lineEdit(), "Persnio")
    assert demo_window.toolCombo.currentText() == "Persnio"
    if then == "another kind of system":
        categories = demo_window.categoryCombo
        categories.setCurrentIndex(categories.findData(Category.ATS.value))
    else:
        demo_window.linkForm.set_catalog(demo_window.linkForm.catalog)
    assert demo_window.toolCombo.currentText() == "Persnio"
    qtbot.keyClicks(demo_window.toolCombo.lineEdit(), "x")  # typing goes on after it
    assert demo_window.toolCombo.currentText() == "Persniox"
    demo_window.createButton.click()
    assert "integration_tool" in demo_window.linkForm.field_errors()
    assert demo_window.linkField.text() == ""  # nothing was made


def test_the_advanced_section_opens_for_its_own_errors(demo_window: MainWindow) -> None:
    fill_form(demo_window)
    assert not demo_window.scopeConfigEdit.isVisible()
    demo_window.linkForm.advanced.set_expanded(True)
    demo_window.scopeConfigEdit.setText("has spaces inside")
    demo_window.linkForm.advanced.set_expanded(False)
    demo_window.createButton.click()
    assert "scope_config_id" in demo_window.linkForm.field_errors()
    assert demo_window.scopeConfigEdit.isVisible()


def test_tab_order_follows_the_form_top_to_bottom(demo_window: MainWindow) -> None:
    demo_window.linkForm.advanced.set_expanded(True)
    expected = [
        "emailEdit",
        "organizationEdit",
        "originIdEdit",
        "categoryCombo",
        "toolCombo",
        "environmentEdit",
        "languageCombo",
        "linkTypeCombo",
        "advancedToggle",
        "scopeConfigEdit",
        "filteringCheck",
        "fieldMappingCheck",
        "createButton",
    ]
    demo_window.linkForm.select_tool("personio")  # so the environment field takes focus
    seen: list[str] = []
    widget: QWidget | None = demo_window.emailEdit
    for _ in range(60):
        assert widget is not None, "the focus chain came to an end"  # Qt's is a ring
        name = widget.objectName()
        if name in expected and name not in seen:
            seen.append(name)
        widget = widget.nextInFocusChain()
    assert seen == expected


def test_the_window_starts_in_the_first_field_and_tab_never_stops_where_nothing_shows(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Focus used to start on the demo bar's "Leave the demo" (Enter or Space would have left
    # it), and Tab stopped on the form's and the result's scroll areas, which show no focus.
    assert demo_window.focusWidget() is demo_window.emailEdit
    fill_form(demo_window)
    make_link(qtbot, demo_window)  # every button of the result is enabled now
    everything = tab_stops(demo_window.emailEdit, 40)  # the whole way round
    assert "copyButton" in everything and "settingsButton" in everything
    areas = [
        name
        for name in everything
        if isinstance(demo_window.findChild(QScrollArea, name), QScrollArea)
    ]
    assert areas == []


def test_ctrl_tab_switches_tabs_from_anywhere_in_the_window(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Ctrl+Tab and Ctrl+Shift+Tab switched tabs only with the focus in a form: from the link's
    # buttons or the header they did nothing.
    window = demo_window
    fill_form(window)
    make_link(qtbot, window)
    control = Qt.KeyboardModifier.ControlModifier
    back = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    for start in (window.copyButton, window.header.settingsButton, window.emailEdit):
        window.tabs.setCurrentIndex(CREATE_TAB)
        start.setFocus()
        QTest.keyClick(start, Qt.Key.Key_Tab, control)
        assert window.tabs.currentIndex() == RELINK_TAB, start.objectName()  # one tab on
        assert window.relinkIntegrationEdit.hasFocus()
        QTest.keyClick(window.relinkIntegrationEdit, Qt.Key.Key_Backtab, back)
        assert window.tabs.currentIndex() == CREATE_TAB, start.objectName()
        assert window.emailEdit.hasFocus()


def test_every_control_has_an_accessible_name_and_fields_have_labels(
    demo_window: MainWindow,
) -> None:
    demo_window.linkForm.advanced.set_expanded(True)
    controls = [
        w
        for w in demo_window.findChildren(QWidget)
        if isinstance(w, QLineEdit | QComboBox | QAbstractButton)
        and w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and not (isinstance(w.parent(), QComboBox))  # a combo's inner line edit
    ]
    assert len(controls) > 20
    unnamed = [w.objectName() or repr(w) for w in controls if not w.accessibleName()]
    assert unnamed == []
    buddies = {label.buddy() for label in demo_window.findChildren(QLabel) if label.buddy()}
    for name in (
        "emailEdit",
        "organizationEdit",
        "originIdEdit",
        "categoryCombo",
        "toolCombo",
        "environmentEdit",
        "languageCombo",
        "linkTypeCombo",
        "scopeConfigEdit",
        "relinkIntegrationEdit",
        "relinkLanguageCombo",
        "relinkLinkTypeCombo",
    ):
        assert demo_window.findChild(QWidget, name) in buddies, name


def test_a_key_pasted_into_the_form_is_refused_and_never_sent(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    key = "kombo-key-in-the-wrong-field-8d2f6a1c9e3b7054"
    register_secret(key)  # as when the program read it from the password store
    fill_form(demo_window, organization=key)
    demo_window.createButton.click()
    qtbot.waitUntil(lambda: bool(demo_window.linkForm.field_errors()))
    assert demo_window.linkForm.field_errors() == {
        "end_user_organization_name": KEY_IN_FIELD_PROBLEM
    }
    assert demo_window.demo_server is not None
    assert demo_window.demo_server.create_link_count == 0
    assert demo_window.linkField.text() == ""


@pytest.mark.parametrize("read", ["at-start", "from-KOMBO_API_KEY", "after-a-profile-switch"])
def test_a_key_pasted_before_the_program_read_it_is_marked_once_it_is_read(
    qtbot: QtBot,
    open_window: WindowFactory,
    demo_server: DemoKomboServer,
    monkeypatch: pytest.MonkeyPatch,
    read: str,
) -> None:
    # The key is read from the password store a moment after the start (or after a switch
    # of profile), off the way to the first frame; a key pasted before then (the clipboard
    # still held it) passed its field's check, and no field ever said a word about it.
    key = f"sk_live_read_late_{read.replace('-', '_')}_5c07e1d94b2a"
    profile = "second" if read == "after-a-profile-switch" else "default"
    if read == "from-KOMBO_API_KEY":
        monkeypatch.setenv("KOMBO_API_KEY", key)
    else:
        keyring.set_password(SERVICE_NAME, profile, key)
    window = open_window("--api-base", demo_server.base_url)
    if profile == "second":
        qtbot.waitUntil(lambda: window.start_up.done)
        window.setup.settings_store.save(Settings(profiles=[Profile("default"), Profile(profile)]))
        window.use_profile(profile)
    assert not holds_registered_secret(key)  # not read yet

    window.organizationEdit.setFocus()
    QGuiApplication.clipboard().setText(key)
    window.organizationEdit.paste()
    QGuiApplication.clipboard().clear()
    window.relinkIntegrationEdit.setText(f"personio:{key}")
    assert window.linkForm.field_errors() == {}

    qtbot.waitUntil(lambda: holds_registered_secret(key), timeout=5000)
    # Each form hears of the key in a call of its own, queued from the thread that read it:
    # the second may come a moment after the first.
    qtbot.waitUntil(
        lambda: bool(window.linkForm.field_errors() and window.relinkForm.field_errors()),
        timeout=5000,
    )
    assert window.linkForm.field_errors() == {ORGANIZATION_NAME: KEY_IN_FIELD_PROBLEM}
    assert window.relinkForm.field_errors() == {INTEGRATION_ID: KEY_IN_FIELD_PROBLEM}
    assert window.organizationEdit.text() == key  # nothing typed is lost
    assert window.relinkIntegrationEdit.text() == f"personio:{key}"
    assert window.organizationEdit.hasFocus()  # the person is not moved anywhere
    # Checked as the person types from now on: the mark goes with the key.
    window.organizationEdit.setText("Acme GmbH")
    assert window.linkForm.field_errors() == {}


def test_a_key_read_as_the_link_went_out_is_not_sent_even_when_taken_out_meanwhile(
    qtbot: QtBot, open_window: WindowFactory, demo_server: DemoKomboServer
) -> None:
    # The store asks for access at the click (the first read of the key): the request waits
    # on it while the person, seeing the key in the form, replaces it. The request holds what
    # the form had at the click, key and all: it is not sent, and the status says why.
    key = "sk_live_taken_out_meanwhile_3b9d0e6f1a27"
    store = PromptingKeyring()
    store.secrets[(SERVICE_NAME, "default")] = key
    keyring.set_keyring(store)
    window = open_window("--api-base", demo_server.base_url)
    fill_form(window, organization=key, tool=None)
    window.createButton.click()
    assert window.link_making.request_running
    window.organizationEdit.setText("Acme GmbH")
    store.answer_prompt()
    qtbot.waitUntil(lambda: not window.busy, timeout=8000)

    assert demo_server.requests_to("POST", "/v1/connect/create-link") == []
    assert window.statusPanel.text == (
        "Nothing was sent: a field held an API key. Check the form and press “Create link” again."
    )
    assert window.linkForm.field_errors() == {}
    assert window.linkField.text() == ""


def test_enter_on_a_button_presses_that_button_and_sends_nothing(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Enter with the focus on "Clear the form" (reached with Tab) sent a second link and
    # cleared nothing; on "Advanced options" it sent one too.
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    server = demo_window.demo_server
    assert server is not None and server.create_link_count == 1
    advanced = demo_window.linkForm.advanced.toggle
    advanced.setFocus()
    QTest.keyClick(advanced, Qt.Key.Key_Return)
    assert demo_window.linkForm.advanced.expanded
    clear = demo_window.linkForm.clearButton
    clear.setFocus()
    QTest.keyClick(clear, Qt.Key.Key_Return)
    wait_until_settled(qtbot, demo_window)  # a request wrongly sent has arrived by now
    assert demo_window.emailEdit.text() == ""
    assert server.create_link_count == 1
    # In a field, Enter still means "go".
    fill_form(demo_window, email="ben@example.com", organization="Ben AG")
    QTest.keyClick(demo_window.organizationEdit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: server.create_link_count == 2, timeout=5000)


def test_tools_that_share_a_name_can_be_told_apart(demo_window: MainWindow) -> None:
    # "Carerix" and "Compleet" each stood twice in the recruiting list, identical.
    demo_window.categoryCombo.setCurrentIndex(demo_window.categoryCombo.findData("ATS"))
    combo = demo_window.toolCombo
    texts = [combo.itemText(index) for index in range(combo.count())]
    assert len(texts) == len(set(texts))
    assert "Carerix" in texts and "Carerix (carerixgraphql)" in texts
    assert combo.itemData(texts.index("Carerix")) == "carerix"


@pytest.mark.parametrize(
    ("typed", "suggested", "tool"),
    [
        ("eurecia", "Eurécia", "eurecia"),
        ("A3INNUVA NOMINA", "a3innuva Nómina", "a3innuvanomina"),
        ("bamboohr", "BambooHR", "bamboohr"),
    ],
)
def test_a_tool_is_found_without_its_accents_or_spaces(
    demo_window: MainWindow, typed: str, suggested: str, tool: str
) -> None:
    # "Eurecia" or "nomina" found nothing, and sending then said the tool did not exist.
    completer = completer_of(demo_window.toolCombo)
    completer.setCompletionPrefix(typed)
    found = suggestions(completer)
    assert suggested in found
    demo_window.toolCombo.setEditText(typed)
    assert demo_window.linkForm.tool_id() == tool
    demo_window.toolCombo.setEditText("bamboo hr")
    assert demo_window.linkForm.tool_id() == "bamboohr"


def test_an_option_left_out_by_a_rule_is_not_dropped_silently(demo_window: MainWindow) -> None:
    # Ticked, then greyed by another kind of system, employee filtering went out unticked
    # without a word; an environment typed before "The customer chooses" likewise.
    demo_window.linkForm.advanced.set_expanded(True)
    fill_form(demo_window, tool="personio")
    demo_window.filteringCheck.setChecked(True)
    demo_window.environmentEdit.setText("DEMO")
    demo_window.categoryCombo.setCurrentIndex(demo_window.categoryCombo.findData("ATS"))
    assert "Employee filtering is only for HR systems" in demo_window.statusLabel.text()
    assert demo_window.filteringCheck.isChecked()  # kept, for a change back
    demo_window.toolCombo.setCurrentIndex(0)  # the customer chooses
    assert "tool environment is only sent with a chosen tool" in demo_window.statusLabel.text()
    assert demo_window.environmentEdit.text() == "DEMO"


def test_a_field_error_and_the_status_line_turn_red_on_screen(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The colour comes from the style sheet once a property changes (theme.refresh_style); on
    # the Qt of the release builds the refresh did nothing and both stayed as they were.
    window = demo_window
    window.resize(1180, 800)
    window.emailEdit.setText("not an address")
    window.organizationEdit.setText("Acme GmbH")
    window.createButton.click()
    assert window.emailEdit.property("invalid") is True

    def left_edge(widget: QWidget) -> str:
        picture = widget.grab().toImage()
        return picture.pixelColor(0, picture.height() // 2).name()

    qtbot.waitUntil(lambda: left_edge(window.emailEdit) == theme.ERROR)
    text_colour = window.statusLabel.palette().color(QPalette.ColorRole.WindowText).name()
    assert text_colour == theme.ERROR
    window.emailEdit.setText("anna@example.com")
    qtbot.waitUntil(lambda: left_edge(window.emailEdit) != theme.ERROR)


def test_folded_advanced_options_say_which_ones_the_next_link_takes(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Options set for one customer went out, folded out of sight, with the next customer's
    # link: nothing under "Advanced options" said that any were set.
    form = demo_window.linkForm
    advanced = form.advanced
    assert advanced.summary.isHidden()
    advanced.set_expanded(True)
    form.scopeConfigEdit.setText("sc_acme_payroll_only")
    form.filteringCheck.setChecked(True)
    assert advanced.summary.isHidden()  # the options are in view
    advanced.set_expanded(False)
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    fill_form(demo_window, email="bob@other.example", organization="Other Ltd")
    in_use = "In use: scope config id, employee filtering."
    assert advanced.summary.isVisible()
    assert advanced.summary.text() == in_use
    assert advanced.toggle.accessibleName() == f"Advanced options: show or hide. {in_use}"
    form.fieldMappingCheck.setChecked(True)
    assert advanced.summary.text().endswith("employee filtering, field mapping.")
    # Filtering is left out for other kinds of system, and is no longer counted.
    form.categoryCombo.setCurrentIndex(form.categoryCombo.findData(Category.ATS.value))
    assert advanced.summary.text() == "In use: scope config id, field mapping."
    form.clear()
    assert advanced.summary.isHidden()
    assert advanced.toggle.accessibleName() == "Advanced options: show or hide"


def test_what_the_advanced_options_hold_does_not_widen_the_form(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Named in the heading, the options widened the form past a small window's edge.
    demo_window.resize(900, 560)
    form = demo_window.linkForm
    qtbot.waitUntil(lambda: form.scrollArea.viewport().width() > 0)
    page = content_of(form.scrollArea)
    narrow = page.minimumSizeHint().width()
    form.scopeConfigEdit.setText("sc_acme_payroll_only")
    form.filteringCheck.setChecked(True)
    form.fieldMappingCheck.setChecked(True)
    assert form.advanced.summary.isVisible()
    assert page.minimumSizeHint().width() == narrow


def test_a_tool_typed_for_another_kind_of_system_says_so(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # "Greenhouse" typed for an HR system was said not to be a tool Kombo offers at all.
    fill_form(demo_window, tool=None)
    demo_window.toolCombo.setEditText("Greenhouse")
    demo_window.createButton.click()
    qtbot.waitUntil(lambda: bool(demo_window.linkForm.field_errors()))
    message = demo_window.linkForm.field_errors()["integration_tool"]
    assert message.startswith(
        "Greenhouse can't be connected as “HR system (HRIS)”, only as “Recruiting system (ATS)”"
    )
    assert demo_window.toolCombo.currentText() == "Greenhouse"  # kept as typed


def test_enter_presses_the_header_and_status_line_buttons_as_space_does(
    demo_window: MainWindow,
) -> None:
    # The status line's "New link", "Copy details" and the header's buttons ignored Enter
    # (Space pressed them), though the status line sends people to them.
    window = demo_window
    switch = named(window, QAbstractButton, "privacySwitch")
    private = window.screen_sharing.on
    switch.setFocus()
    QTest.keyClick(switch, Qt.Key.Key_Return)
    assert window.screen_sharing.on is not private

    pressed: list[str] = []
    window.statusPanel.show_message(
        "Something went wrong.",
        "error",
        "details for support",
        ("Try this", lambda: pressed.append("x")),
    )
    action = window.statusPanel.statusActionButton
    action.setFocus()
    QTest.keyClick(action, Qt.Key.Key_Enter)
    assert pressed == ["x"]
    toggle = window.statusPanel.detailsToggle
    toggle.setFocus()
    QTest.keyClick(toggle, Qt.Key.Key_Return)
    assert window.statusPanel.statusDetails.isVisible()


def test_enter_presses_a_button_in_settings_and_in_the_history(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Settings has no default button, and the history may float in a window of its own:
    # Enter on a button reached with Tab did nothing in either.
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    feature = open_history(qtbot, demo_window)
    panel = feature.panel
    panel.historyTable.selectRow(0)
    QGuiApplication.clipboard().clear()
    panel.historyCopyButton.setFocus()
    QTest.keyClick(panel.historyCopyButton, Qt.Key.Key_Return)
    assert QGuiApplication.clipboard().text() == demo_window.linkField.text()

    dialog = settings_of(qtbot, demo_window)
    close = next(b for b in dialog.findChildren(QAbstractButton) if b.text() == "Close")
    close.setFocus()
    QTest.keyClick(close, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)


def test_once_every_marked_field_is_fixed_the_status_line_says_so(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # "Nothing was sent: 1 field needs your attention (marked in red)" stayed on after the
    # red mark went (the kind of system changed to one the tool serves).
    fill_form(demo_window, tool=None)
    demo_window.toolCombo.setEditText("Greenhouse")
    demo_window.createButton.click()
    qtbot.waitUntil(lambda: bool(demo_window.linkForm.field_errors()))
    assert demo_window.statusPanel.kind == "error"
    form = demo_window.linkForm
    form.categoryCombo.setCurrentIndex(form.categoryCombo.findData(Category.ATS.value))
    assert not form.field_errors()
    assert demo_window.statusPanel.text == (
        "The marked fields are fine now. Nothing was sent yet: press “Create link” to send."
    )
    assert demo_window.statusPanel.kind == "info"


def test_the_status_line_counts_the_fields_still_marked(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # It said "2 fields need your attention" with one left, and "The marked fields are fine
    # now" on with a field emptied again and marked red.
    fill_form(demo_window, email="", organization="")
    demo_window.createButton.click()
    status = demo_window.statusPanel
    assert (
        status.text
        == "Nothing was sent: 2 fields need your attention (what to fix is written under each)."
    )
    one_marked = "Nothing was sent: 1 field needs your attention (what to fix is written under it)."
    demo_window.emailEdit.setText("anna@example.com")
    assert status.text == one_marked
    demo_window.organizationEdit.setText("Acme GmbH")
    assert status.text.startswith("The marked fields are fine now.")
    assert status.kind == "info"
    demo_window.emailEdit.clear()
    assert list(demo_window.linkForm.field_errors()) == [EMAIL]
    assert status.text == one_marked
    assert status.kind == "error"
    demo_window.emailEdit.setText("anna@example.com")
    assert status.text.startswith("The marked fields are fine now.")


def test_a_click_into_the_tool_field_lets_typing_replace_the_chosen_tool(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # A click put the cursor into "The customer chooses", and typing "work" searched for
    # "The customer chooseswork", which found nothing.
    edit = line_edit_of(demo_window.toolCombo)
    demo_window.emailEdit.setFocus()
    QTest.mouseClick(edit, Qt.MouseButton.LeftButton, pos=edit.rect().center())
    qtbot.waitUntil(lambda: edit.selectedText() == CUSTOMER_CHOOSES)
    qtbot.keyClicks(edit, "work")
    assert edit.text() == "work"
    assert suggestions(completer_of(demo_window.toolCombo))[0] == "Workday"
    # Half-typed search text is kept as it is: a click goes on where it was put.
    demo_window.emailEdit.setFocus()
    QTest.mouseClick(edit, Qt.MouseButton.LeftButton, pos=edit.rect().center())
    qtbot.wait(50)
    assert edit.selectedText() == ""
