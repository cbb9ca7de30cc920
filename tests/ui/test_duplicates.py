"""The duplicate warning, end to end against the demo service: nothing is sent until the person
chooses, and each choice does what it says."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kombo_desktop.core.catalog import Tool
from kombo_desktop.core.credentials import SERVICE_NAME
from kombo_desktop.core.demo_server import DemoKomboServer
from kombo_desktop.core.history import EntryKind, HistoryEntry, HistoryStore
from kombo_desktop.core.link_request import LinkRequest
from kombo_desktop.core.paths import AppPaths
from kombo_desktop.core.settings import Profile, Settings, SettingsStore
from kombo_desktop.core.vocabulary import Category, Language, LinkType
from kombo_desktop.ui.duplicate_banner import duplicate_text
from kombo_desktop.ui.expiry import day_text
from kombo_desktop.ui.history_model import STATUS, WHEN, local_time, made_when, status_text
from kombo_desktop.ui.main_window import CREATE_TAB, RELINK_TAB, MainWindow
from tests.support.fault_server import FaultServer, RecordedRequest, Reply, tools_or
from tests.support.found import named
from tests.support.history_helpers import (
    history_of,
    open_history,
    record_demo_link,
    record_hour_long_link,
)
from tests.support.history_records import record_link, record_relink, record_request
from tests.ui.conftest import (
    WindowFactory,
    fill_form,
    lookup_of,
    make_link,
    settings_of,
    wait_for_lookup,
    wait_saved,
    wait_until_ready,
    wait_until_settled,
)

INTEGRATION_ID = "personio:93fCvorjZ2jas7ZekX1V1n5d"
DEVELOPMENT_KEY = "kombo-development-key-4e8a1c"
PRODUCTION_KEY = "kombo-production-key-9d3f7b"


def demo_of(window: MainWindow) -> DemoKomboServer:
    assert window.demo_server is not None
    return window.demo_server


def profile_of(window: MainWindow) -> str:
    """The profile the window makes links with (it has somewhere to send them once open)."""
    assert window.target is not None
    return window.target.profile


def banner_text(window: MainWindow) -> str:
    label = window.findChild(QLabel, "duplicateBannerLabel")
    assert label is not None
    return label.text()


def make_another(qtbot: QtBot, window: MainWindow) -> str:
    """Press Create and wait for a link other than the one shown."""
    return make_another_with(qtbot, window, window.createButton)


def make_another_with(qtbot: QtBot, window: MainWindow, button: QPushButton) -> str:
    """Press ``button`` and wait for a link other than the one shown, and for it to be saved
    in the history (on a worker, after it is shown): a test reading the store next finds it."""
    before = window.linkField.text()
    button.click()
    qtbot.waitUntil(lambda: window.linkField.text() not in ("", before), timeout=10_000)
    wait_until_ready(qtbot, window)
    wait_saved(qtbot, window)
    return window.linkField.text()


def made_a_moment_ago(text: str) -> bool:
    """Whether the warning says its link (or the latest of several) was made today ("already
    made today at 22:04"), or yesterday: midnight may have passed since the test made it."""
    made = r"(already|The latest[^.]* was) made (for .+ )?(today|yesterday) at \d\d:\d\d and "
    return re.search(made, text) is not None


def try_again(qtbot: QtBot, window: MainWindow) -> None:
    """Press Create for the same customer; the warning must appear instead of a request."""
    window.createButton.click()
    qtbot.waitUntil(lambda: history_of(window).banner.isVisible())
    # A wrongly sent request has arrived before counting: the window's work is all done.
    wait_until_settled(qtbot, window)


def test_the_same_customer_and_tool_again_shows_the_warning_and_sends_nothing(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    fill_form(demo_window, tool="personio")
    first = make_link(qtbot, demo_window)
    server = demo_of(demo_window)
    assert server.create_link_count == 1

    try_again(qtbot, demo_window)

    assert server.create_link_count == 1
    assert not demo_window.busy
    banner = history_of(demo_window).banner
    assert banner.objectName() == "duplicateBanner"
    for name in ("useExistingButton", "relinkInsteadButton", "createAnywayButton"):
        assert named(banner, QWidget, name).isVisible()
    text = banner_text(demo_window)
    assert made_a_moment_ago(text)
    assert "Nothing was sent" in demo_window.statusLabel.text()
    # The link shown is still the first one; nothing new was made.
    assert demo_window.linkField.text() == first


def test_another_customers_link_is_taken_off_screen_under_the_warning(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    fill_form(demo_window, tool="personio")
    make_link(qtbot, demo_window)
    fill_form(demo_window, email="b.meyer@globex.example", organization="Globex", tool="hibob")
    globex = make_another(qtbot, demo_window)
    fill_form(demo_window, tool="personio")  # back to the first customer

    try_again(qtbot, demo_window)

    assert demo_window.linkField.text() == ""  # Globex's link is no longer on show
    assert not demo_window.copyButton.isEnabled()
    assert globex not in demo_window.statusPanel.support_text
    history_of(demo_window).banner.useExistingButton.click()
    assert demo_window.linkField.text() == history_of(demo_window).store.search(limit=2)[1].url


def test_create_anyway_sends_the_second_request(qtbot: QtBot, demo_window: MainWindow) -> None:
    fill_form(demo_window)
    first = make_link(qtbot, demo_window)
    try_again(qtbot, demo_window)

    history_of(demo_window).banner.createAnywayButton.click()
    qtbot.waitUntil(lambda: demo_window.linkField.text() not in ("", first), timeout=10_000)
    wait_until_ready(qtbot, demo_window)
    wait_saved(qtbot, demo_window)  # written on a worker, after the link is shown
    assert history_of(demo_window).store.search(limit=1)[0].url == demo_window.linkField.text()

    server = demo_of(demo_window)
    assert server.create_link_count == 2
    assert not history_of(demo_window).banner.isVisible()
    assert history_of(demo_window).store.count() == 2
    # The bypass was for that one request: the next attempt is checked again.
    try_again(qtbot, demo_window)
    assert server.create_link_count == 2


def test_use_the_existing_link_sends_nothing_and_shows_it(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    fill_form(demo_window)
    first = make_link(qtbot, demo_window)
    demo_window.resultPanel.clear()
    try_again(qtbot, demo_window)

    history_of(demo_window).banner.useExistingButton.click()

    assert demo_of(demo_window).create_link_count == 1
    assert demo_window.linkField.text() == first
    assert not history_of(demo_window).banner.isVisible()
    assert "Nothing was sent" in demo_window.statusLabel.text()
    assert history_of(demo_window).store.count() == 1
    assert demo_window.copyButton.isEnabled()
    # Titled as when it was made: beside the reconnection tab it is not taken for one.
    assert named(demo_window, QLabel, "resultTitle").text() == "New link · Personio"


def test_a_reconnection_instead_asks_for_the_integration_id_and_keeps_the_customer(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The id of the last reconnection link made is another customer's: it goes.
    demo_window.relinkIntegrationEdit.setText("personio:leftOverFromAnotherCustomer")
    make_another_with(qtbot, demo_window, demo_window.relinkButton)
    fill_form(demo_window, email="eva@acme.example", organization="Acme GmbH")
    demo_window.languageCombo.setCurrentIndex(demo_window.languageCombo.findData("fr"))
    make_link(qtbot, demo_window)
    try_again(qtbot, demo_window)

    history_of(demo_window).banner.relinkInsteadButton.click()

    assert demo_window.tabs.currentIndex() == RELINK_TAB
    assert demo_window.relinkIntegrationEdit.text() == ""
    assert demo_window.relinkIntegrationEdit.hasFocus()
    assert demo_window.relinkLanguageCombo.currentData() == "fr"
    assert "integration id" in demo_window.statusLabel.text()
    assert "Kombo dashboard" in demo_window.statusLabel.text()
    server = demo_of(demo_window)
    assert server.create_link_count == 1
    assert server.requests_to("POST", f"/v1/integrations/{INTEGRATION_ID}/relink") == []

    demo_window.relinkIntegrationEdit.setText(INTEGRATION_ID)
    demo_window.relinkButton.click()
    qtbot.waitUntil(lambda: history_of(demo_window).store.count() == 3, timeout=10_000)
    relink = history_of(demo_window).store.search(limit=1)[0]
    assert relink.kind is EntryKind.RELINK
    assert relink.integration_id == INTEGRATION_ID
    assert (relink.email, relink.organization, relink.tool) == (
        "eva@acme.example",
        "Acme GmbH",
        "personio",
    )
    assert server.create_link_count == 1


def test_a_reconnection_instead_keeps_an_integration_id_typed_for_no_link_yet(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Pasted first, perhaps for this very customer: it was replaced with an empty field.
    lookup_of(qtbot, demo_window)
    demo_window.relinkIntegrationEdit.setText(INTEGRATION_ID)
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    try_again(qtbot, demo_window)

    history_of(demo_window).banner.relinkInsteadButton.click()

    assert demo_window.tabs.currentIndex() == RELINK_TAB
    assert demo_window.relinkIntegrationEdit.text() == INTEGRATION_ID
    assert "check that it is this customer's" in demo_window.statusLabel.text()
    # Kombo names another organisation for it than Acme's: the usual warning says so.
    wait_for_lookup(qtbot, demo_window)
    hint = demo_window.relinkForm.boxes["integration_id"].hint
    assert hint.text().startswith("Check the id: in Kombo"), hint.text()
    assert (
        demo_of(demo_window).requests_to("POST", f"/v1/integrations/{INTEGRATION_ID}/relink") == []
    )


def test_an_earlier_reconnection_fills_in_its_integration_id(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    store = history_of(demo_window).store
    record_relink(
        store,
        profile=profile_of(demo_window),
        integration_id=INTEGRATION_ID,
        language=Language.DE,
        link_type=LinkType.MAGIC_LINK,
        url=f"{demo_of(demo_window).origin}/demo/connect?token=DEMO-earlier",
        email="anna@example.com",
        organization="Acme GmbH",
        category=Category.HRIS,
        is_demo=True,
    )
    fill_form(demo_window)
    try_again(qtbot, demo_window)
    assert demo_of(demo_window).requests == []
    assert "reconnection link" in banner_text(demo_window)

    history_of(demo_window).banner.relinkInsteadButton.click()
    assert demo_window.relinkIntegrationEdit.text() == INTEGRATION_ID
    assert demo_of(demo_window).requests == []


def test_editing_the_form_closes_the_warning(qtbot: QtBot, demo_window: MainWindow) -> None:
    fill_form(demo_window, tool="personio")
    make_link(qtbot, demo_window)
    try_again(qtbot, demo_window)

    demo_window.toolCombo.setCurrentIndex(demo_window.toolCombo.findData("bamboohr"))
    assert not history_of(demo_window).banner.isVisible()

    make_another(qtbot, demo_window)  # another tool: no duplicate, sent at once
    assert demo_of(demo_window).create_link_count == 2
    sent = demo_of(demo_window).requests[-1].json
    assert isinstance(sent, dict)  # the request's JSON body
    assert sent["integration_tool"] == "bamboohr"


def field_value(field: QWidget) -> object:
    if isinstance(field, QLineEdit):
        return field.text()
    if isinstance(field, QComboBox):
        return field.currentIndex()
    assert isinstance(field, QAbstractButton), type(field).__name__
    return field.isChecked()


def set_field_value(field: QWidget, value: object) -> None:
    if isinstance(field, QLineEdit):
        field.setText(str(value))
    elif isinstance(field, QComboBox):
        field.setCurrentIndex(int(str(value)))
    else:
        assert isinstance(field, QAbstractButton)
        field.setChecked(bool(value))


def another_value(field: QWidget) -> object:
    """A value ``field`` does not hold now (for a dropdown, the next entry)."""
    value = field_value(field)
    if isinstance(field, QLineEdit):
        return f"{value}X"
    if isinstance(field, QComboBox):
        return (field.currentIndex() + 1) % field.count()
    return not value


def test_a_change_to_any_field_of_the_form_closes_the_warning(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The fields were listed by hand for this, a second list beside the form's own: a field
    # added to the form and not to that list left the warning open, and "Create anyway" sent
    # the request held, not what the form then asked for. No tool chosen: another kind of
    # system then changes that field alone (it would drop Personio, a change of its own).
    fill_form(demo_window, tool=None)
    assert demo_window.toolCombo.currentData() is None
    make_link(qtbot, demo_window)
    boxes = demo_window.linkForm.boxes
    as_made = {field: field_value(box.field) for field, box in boxes.items()}
    banner = history_of(demo_window).banner
    left_open = []
    for field, box in boxes.items():
        try_again(qtbot, demo_window)
        set_field_value(box.field, another_value(box.field))
        if banner.isVisible():
            left_open.append(field)
        for each, value in as_made.items():  # back as the link was made (category before tool)
            set_field_value(boxes[each].field, value)
    assert len(boxes) == 11  # every field of the form was changed
    assert left_open == []
    assert demo_of(demo_window).create_link_count == 1


def test_the_accounts_tool_lists_arriving_leave_the_warning_open(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The tool lists are fetched at every start and change of profile or key; arriving under
    # the warning, they put the same tool back in the form, which was taken for an edit: the
    # warning went, and the status line still pointed at it.
    fill_form(demo_window, tool="personio")
    make_link(qtbot, demo_window)
    try_again(qtbot, demo_window)
    status = demo_window.statusLabel.text()

    demo_window.linkForm.set_catalog(demo_window.linkForm.catalog)

    assert history_of(demo_window).banner.isVisible()
    assert demo_window.statusLabel.text() == status
    assert demo_window.toolCombo.currentData() == "personio"


def test_tool_lists_without_the_tool_chosen_close_the_warning_and_say_why(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The form no longer asks for the link the warning is about: "Create anyway" would send
    # another one.
    fill_form(demo_window, tool="personio")
    make_link(qtbot, demo_window)
    try_again(qtbot, demo_window)
    form = demo_window.linkForm
    offered = [Tool("bamboohr", "BambooHR", (Category.HRIS,))]

    form.set_catalog(form.catalog.with_category_tools(Category.HRIS, offered))

    assert not history_of(demo_window).banner.isVisible()
    assert demo_window.statusLabel.text().startswith("Personio is not available")
    assert "warning" not in demo_window.statusLabel.text()


def test_not_now_closes_the_warning_without_sending(qtbot: QtBot, demo_window: MainWindow) -> None:
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    try_again(qtbot, demo_window)
    history_of(demo_window).banner.dismissButton.click()
    assert not history_of(demo_window).banner.isVisible()
    assert demo_window.statusLabel.text() == "Nothing was sent."
    assert demo_of(demo_window).create_link_count == 1


@pytest.mark.parametrize("focus", ["warning", "form"])
def test_esc_closes_the_warning_as_not_now_does(
    qtbot: QtBot, demo_window: MainWindow, focus: str
) -> None:
    # Esc did nothing, on the warning's buttons or in the form: only a click on "Not now"
    # closed it.
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    try_again(qtbot, demo_window)
    banner = history_of(demo_window).banner
    focused = banner.useExistingButton if focus == "warning" else demo_window.emailEdit
    focused.setFocus()
    QTest.keyClick(focused, Qt.Key.Key_Escape)
    assert not banner.isVisible()
    assert demo_window.statusLabel.text() == "Nothing was sent."
    assert demo_window.emailEdit.hasFocus()
    assert demo_of(demo_window).create_link_count == 1


def test_esc_stops_a_reconnection_asked_for_under_the_warning_first(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The warning stays open on the other tab, where a reconnection link can be asked for.
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    try_again(qtbot, demo_window)
    demo_of(demo_window).delay_seconds = 2.0
    demo_window.tabs.setCurrentIndex(RELINK_TAB)
    demo_window.relinkIntegrationEdit.setText(INTEGRATION_ID)
    demo_window.relinkButton.click()
    qtbot.waitUntil(lambda: demo_window.link_making.request_running)
    banner = history_of(demo_window).banner
    assert banner.isVisible()
    QTest.keyClick(demo_window.relinkIntegrationEdit, Qt.Key.Key_Escape)
    assert not demo_window.link_making.request_running
    assert banner.isVisible()
    QTest.keyClick(demo_window.relinkIntegrationEdit, Qt.Key.Key_Escape)
    assert not banner.isVisible()


def test_another_customer_is_not_held(qtbot: QtBot, demo_window: MainWindow) -> None:
    fill_form(demo_window, email="anna@acme.example", organization="Acme GmbH")
    make_link(qtbot, demo_window)
    fill_form(demo_window, email="bo@globex.example", organization="Globex")
    demo_window.createButton.click()
    qtbot.waitUntil(lambda: demo_of(demo_window).create_link_count == 2, timeout=10_000)
    assert not history_of(demo_window).banner.isVisible()


def test_an_expired_earlier_link_is_not_a_duplicate(qtbot: QtBot, demo_window: MainWindow) -> None:
    record_link(
        history_of(demo_window).store,
        profile=profile_of(demo_window),
        email="anna@example.com",
        organization="Acme GmbH",
        category=Category.HRIS,
        tool="personio",
        language=Language.EN,
        link_type=LinkType.EMBEDDED,
        url="http://127.0.0.1:1/demo/connect?token=DEMO-old",
        created_at=datetime.now(UTC) - timedelta(hours=2),
        is_demo=True,
    )
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    assert demo_of(demo_window).create_link_count == 1
    assert not history_of(demo_window).banner.isVisible()


def test_an_earlier_link_the_rule_for_links_refuses_is_not_a_duplicate(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Kept by an older version, "Use the existing link" would have shown it, code and all.
    record_link(
        history_of(demo_window).store,
        profile=profile_of(demo_window),
        email="anna@example.com",
        organization="Acme GmbH",
        category=Category.HRIS,
        tool="personio",
        language=Language.EN,
        link_type=LinkType.EMBEDDED,
        url=f"{demo_of(demo_window).origin}/demo/connect?token=<h1>Call us</h1>",
        is_demo=True,
    )
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    assert demo_of(demo_window).create_link_count == 1
    assert not history_of(demo_window).banner.isVisible()


def banner_title(window: MainWindow) -> str:
    return named(window, QLabel, "duplicateBannerTitle").text()


def test_in_screen_sharing_mode_the_warning_names_only_the_forms_customer(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The earlier link was for the same organisation, sent to a colleague of the customer.
    # "A link for this customer already exists" named no one: with larger text the warning
    # pushed the form out of view, and the person chose without seeing whom it was about.
    fill_form(demo_window, email="chief@acme.example", organization="ACME  gmbh")
    demo_window.originIdEdit.setText("")
    make_link(qtbot, demo_window)
    fill_form(demo_window, email="anna@acme.example", organization="Acme GmbH")
    try_again(qtbot, demo_window)
    feature = history_of(demo_window)
    switch = demo_window.screen_sharing.privacySwitch

    assert demo_window.screen_sharing.on
    text = banner_text(demo_window)
    # As the form names them, not as the history has the earlier link's organisation.
    assert banner_title(demo_window) == "A link for Acme GmbH already exists"
    assert text.startswith("A link for Acme GmbH and Personio was already made ")
    assert made_a_moment_ago(text)
    assert "chief@acme.example" not in text and "ACME" not in text
    assert feature.banner.accessibleName() == "Warning: a link for Acme GmbH already exists"

    switch.click()  # screen-sharing mode off: the details help decide
    text = banner_text(demo_window)
    assert "chief@acme.example" in text and "ACME  gmbh" in text and "Personio" in text
    assert feature.banner.isVisible()

    switch.click()
    assert "chief@acme.example" not in banner_text(demo_window)
    assert demo_of(demo_window).create_link_count == 1


def test_a_direction_override_in_an_earlier_name_does_not_turn_the_warning_around(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # An older history holds names as typed: an override in one turned the rest of the
    # warning's sentence around.
    record_link(
        history_of(demo_window).store,
        profile=profile_of(demo_window),
        email="anna@example.com",
        organization="\u202eHbmG emcA",
        category=Category.HRIS,
        language=Language.EN,
        link_type=LinkType.MAGIC_LINK,
        tool="personio",
        url=f"{demo_of(demo_window).origin}/demo/connect?token=DEMO-turned",
        is_demo=True,
    )
    fill_form(demo_window)
    demo_window.screen_sharing.privacySwitch.click()  # off: the warning names the customer
    try_again(qtbot, demo_window)
    text = banner_text(demo_window)
    assert "was already made for HbmG emcA (anna@example.com) " in text
    assert made_a_moment_ago(text)
    assert "\u202e" not in text


def test_no_tool_chosen_matches_the_same_kind_of_system(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # "2 links for Acme GmbH and this kind of system already exist": which kind, in plain
    # words as the kind of system's list names it.
    fill_form(demo_window, tool=None)
    make_link(qtbot, demo_window)
    try_again(qtbot, demo_window)
    assert "A link for Acme GmbH (HR system) was already made " in banner_text(demo_window)
    assert demo_window.tabs.currentIndex() == CREATE_TAB
    assert demo_of(demo_window).create_link_count == 1

    make_another_with(qtbot, demo_window, history_of(demo_window).banner.createAnywayButton)
    try_again(qtbot, demo_window)
    assert banner_title(demo_window) == "2 links for Acme GmbH already exist"
    text = banner_text(demo_window)
    assert text.startswith("The latest (HR system) was made "), text
    assert "kind of system" not in text


@pytest.mark.parametrize("pasted", ["CUST-1042\u200b", "CUST-1042\u2060", "\u200eCUST-1042"])
def test_a_customer_id_pasted_with_an_invisible_character_is_still_the_same_customer(
    qtbot: QtBot, demo_window: MainWindow, pasted: str
) -> None:
    # Copied from a web CRM, the id came with a zero-width space, a word joiner or a
    # left-to-right mark: no warning, a second link, and Kombo kept a different customer id.
    fill_form(demo_window)
    demo_window.originIdEdit.setText("CUST-1042")
    make_link(qtbot, demo_window)
    demo_window.originIdEdit.setText(pasted)
    try_again(qtbot, demo_window)
    assert demo_of(demo_window).create_link_count == 1
    assert demo_window.originIdEdit.text() == pasted  # what was typed stays in the field


def test_a_warning_about_another_profiles_link_goes_when_the_profile_changes(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # No tool chosen: switching the profile then leaves the tool list's text as it was, so
    # nothing in the form changes that would close the warning on its own.
    fill_form(demo_window, tool=None)
    make_link(qtbot, demo_window)
    try_again(qtbot, demo_window)

    demo_window.leave_demo()

    banner = history_of(demo_window).banner
    assert not banner.isVisible()
    assert banner.earlier is None
    # Nothing of the demo's history can be handed out as the new profile's link.
    banner.use_existing.emit()
    assert "Showing the link made" not in demo_window.statusLabel.text()


def rename_in_settings(qtbot: QtBot, window: MainWindow, new: str) -> None:
    dialog = settings_of(qtbot, window)
    named(dialog, QLineEdit, "profileNameEdit").setText(new)
    named(dialog, QPushButton, "renameProfileButton").click()
    qtbot.waitUntil(lambda: window.setup.profile_name == new, timeout=5000)
    dialog.reject()
    # The history follows on a worker thread: until it has, earlier links keep the old name.
    qtbot.waitUntil(
        lambda: all(task.name != "history-rename-profile" for task in window.runner.active),
        timeout=5000,
    )


def test_links_made_before_a_profile_was_renamed_are_still_found(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # The history knows links by their profile's name: after "default" was renamed to
    # "Production" in Settings, every earlier link was out of the duplicate check's sight.
    with FaultServer(fallback=tools_or(Reply.link("https://connect.kombo.dev/v1?t=1"))) as kombo:
        window = open_window("--api-base", kombo.base_url)
        fill_form(window)
        link = make_link(qtbot, window)
        rename_in_settings(qtbot, window, "Production")
        assert window.target is not None and window.target.profile == "Production"
        assert window.linkField.text() == link  # a renamed profile's link is still its own
        assert {entry.profile for entry in history_of(window).store.search()} == {"Production"}
        try_again(qtbot, window)
        assert made_a_moment_ago(banner_text(window))
        assert len([r for r in kombo.requests if r.path.endswith("/create-link")]) == 1
        window.close()


def test_in_the_demo_links_follow_a_renamed_profile_too(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    fill_form(demo_window)
    link = make_link(qtbot, demo_window)
    rename_in_settings(qtbot, demo_window, "Production")
    assert demo_window.is_demo and demo_window.target is not None
    assert demo_window.target.profile == "Production"
    assert demo_window.linkField.text() == link
    try_again(qtbot, demo_window)
    assert demo_of(demo_window).create_link_count == 1


def test_after_a_key_of_another_kombo_environment_the_earlier_link_is_no_duplicate(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # A development key replaced by the production key in the same profile: "Use the existing
    # link" offered the development link, which connects to the development environment.
    store = SettingsStore(AppPaths.from_environment())
    store.save(Settings(profiles=[Profile("default", environment_id="env-dev")]))
    with FaultServer(fallback=tools_or(Reply.link("https://connect.kombo.dev/v1?t=1"))) as kombo:
        window = open_window("--api-base", kombo.base_url)
        fill_form(window)
        make_link(qtbot, window)
        assert history_of(window).store.search()[0].environment_id == "env-dev"
        store.save(Settings(profiles=[Profile("default", environment_id="env-prod")]))
        window.use_profile("default")  # what Settings does once the new key is saved
        window.createButton.click()
        qtbot.waitUntil(
            lambda: len([r for r in kombo.requests if r.path.endswith("/create-link")]) == 2,
            timeout=5000,
        )
        assert not history_of(window).banner.isVisible()
        window.close()


def test_after_the_stored_key_is_checked_in_settings_its_environment_is_followed(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # The development key replaced by the production key outside the program (``keyring
    # set``), then "Check the stored key" pressed, as Settings advises: the settings took the
    # production environment, but the window kept the development one (and key) until it was
    # restarted. The development link was taken for a duplicate of the next one, and the next
    # link went out with the development key.
    keyring.set_password(SERVICE_NAME, "default", DEVELOPMENT_KEY)
    store = SettingsStore(AppPaths.from_environment())
    store.save(Settings(profiles=[Profile("default", environment_id="env-dev")]))

    links = iter(["https://connect.kombo.dev/v1?t=dev", "https://connect.kombo.dev/v1?t=prod"])

    def respond(request: RecordedRequest) -> Reply:
        if request.path.endswith("/check-api-key"):
            return Reply.environment("env-prod")
        if request.path.endswith("/create-link"):
            return Reply.link(next(links))
        return tools_or(Reply.text(404, "not here"))(request)

    with FaultServer(fallback=respond) as kombo:
        window = open_window("--api-base", kombo.base_url)
        fill_form(window)
        make_link(qtbot, window)
        keyring.set_password(SERVICE_NAME, "default", PRODUCTION_KEY)
        dialog = settings_of(qtbot, window)
        dialog.key.checkKeyButton.click()
        qtbot.waitUntil(lambda: store.load().active.environment_id == "env-prod")
        qtbot.waitUntil(lambda: not dialog.busy)
        dialog.reject()

        def keys_sent() -> list[str | None]:
            return [r.header("Authorization") for r in kombo.requests if "/create-link" in r.path]

        window.createButton.click()
        banner = history_of(window).banner
        qtbot.waitUntil(lambda: banner.isVisible() or len(keys_sent()) == 2, timeout=5000)
        assert not banner.isVisible()
        assert keys_sent() == [f"Bearer {DEVELOPMENT_KEY}", f"Bearer {PRODUCTION_KEY}"]
        qtbot.waitUntil(lambda: window.linkField.text().endswith("t=prod"), timeout=5000)
        wait_saved(qtbot, window)  # written on a worker, after the link is shown
        entries = history_of(window).store.search()
        assert sorted(entry.environment_id or "" for entry in entries) == ["env-dev", "env-prod"]
        window.close()


def test_a_link_for_the_tools_test_system_is_no_duplicate_of_a_live_one(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    fill_form(demo_window, tool="haileyhr")
    demo_window.environmentEdit.setText("DEMO")
    make_link(qtbot, demo_window)
    demo_window.environmentEdit.clear()  # now for the live system
    make_another(qtbot, demo_window)
    assert not history_of(demo_window).banner.isVisible()
    assert demo_of(demo_window).create_link_count == 2


def test_the_warning_says_how_the_earlier_link_differs_from_the_form(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # "Use the existing link" showed a one-hour German link while the form asked for a
    # year-long French one, and the warning did not say so.
    fill_form(demo_window)
    demo_window.languageCombo.setCurrentIndex(demo_window.languageCombo.findData(Language.DE))
    demo_window.linkTypeCombo.setCurrentIndex(demo_window.linkTypeCombo.findData(LinkType.EMBEDDED))
    make_link(qtbot, demo_window)
    try_again(qtbot, demo_window)
    assert "Unlike the form" not in banner_text(demo_window)  # the same link type and language
    history_of(demo_window).banner.dismissButton.click()

    demo_window.languageCombo.setCurrentIndex(demo_window.languageCombo.findData(Language.FR))
    demo_window.linkTypeCombo.setCurrentIndex(
        demo_window.linkTypeCombo.findData(LinkType.MAGIC_LINK)
    )
    try_again(qtbot, demo_window)
    assert (
        "Unlike the form, its link type is “Embed in our app (valid 1 hour)” and its "
        "connection flow is in German."
    ) in banner_text(demo_window)
    demo_window.screen_sharing.set_on(False)  # the same words with names shown
    assert "Unlike the form, its link type" in banner_text(demo_window)


def test_a_reconnection_of_a_test_system_link_is_no_duplicate_of_a_live_one(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Reconnection links were recorded as the live system's: a new live-system link was then
    # offered the test system's reconnection link.
    fill_form(demo_window)
    demo_window.environmentEdit.setText("DEMO")
    make_link(qtbot, demo_window)
    try_again(qtbot, demo_window)
    history_of(demo_window).banner.relinkInsteadButton.click()
    demo_window.relinkIntegrationEdit.setText(INTEGRATION_ID)
    make_another_with(qtbot, demo_window, demo_window.relinkButton)
    newest = history_of(demo_window).store.search(limit=1)[0]
    assert (newest.kind, newest.remote_environment) == (EntryKind.RELINK, "DEMO")

    demo_window.show_create_mode()
    demo_window.environmentEdit.clear()  # now for the live system
    make_another(qtbot, demo_window)
    assert not history_of(demo_window).banner.isVisible()
    assert demo_of(demo_window).create_link_count == 2


def test_the_warning_is_answered_with_the_keyboard_and_the_focus_goes_on(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Enter on the focused "Use the existing link" did nothing (only Space worked), and after
    # any choice the focus fell on the tab bar.
    fill_form(demo_window)
    first = make_link(qtbot, demo_window)
    try_again(qtbot, demo_window)
    banner = history_of(demo_window).banner
    assert banner.useExistingButton.hasFocus()
    QTest.keyClick(banner.useExistingButton, Qt.Key.Key_Return)
    assert not banner.isVisible()
    assert demo_window.linkField.text() == first
    assert demo_window.linkField.hasFocus()  # the copy keys copy it, as after a new link

    try_again(qtbot, demo_window)
    banner.dismissButton.click()
    assert demo_window.emailEdit.hasFocus()

    try_again(qtbot, demo_window)
    banner.createAnywayButton.click()
    assert demo_window.cancelButton.hasFocus() or demo_window.createButton.hasFocus()
    wait_until_ready(qtbot, demo_window)
    assert demo_window.linkField.hasFocus()


def test_after_reconnect_instead_the_id_typed_is_not_taken_for_another_customer(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    try_again(qtbot, demo_window)
    history_of(demo_window).banner.useExistingButton.click()  # the earlier link on show
    try_again(qtbot, demo_window)
    history_of(demo_window).banner.relinkInsteadButton.click()
    demo_window.relinkIntegrationEdit.setText(INTEGRATION_ID)
    assert "other details" not in demo_window.statusLabel.text()


def test_a_demo_link_of_an_earlier_demo_session_is_not_offered_again(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Each start of the demo has a port of its own: "Use the existing link" offered a link
    # of the stopped demo service, which leads nowhere.
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    demo_window.leave_demo()
    demo_window.start_demo()
    fill_form(demo_window)
    link = make_link(qtbot, demo_window)
    assert not history_of(demo_window).banner.isVisible()
    assert link.startswith(demo_of(demo_window).origin + "/")
    try_again(qtbot, demo_window)  # this session's link is a duplicate as ever


def test_an_earlier_link_of_the_same_address_for_another_organisation_says_so(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # One address for several companies (an adviser's): the warning did not say the earlier
    # link was another organisation's, and "Use the existing link" invited the form's
    # organisation to connect through it.
    fill_form(demo_window, email="anna@consultancy.example", organization="Acme GmbH")
    acme_link = make_link(qtbot, demo_window)
    fill_form(demo_window, email="anna@consultancy.example", organization="Globex AG")
    try_again(qtbot, demo_window)
    text = banner_text(demo_window)
    assert "Unlike the form, it was made for another organisation." in text
    assert "Acme" not in text  # screen-sharing mode: no other customer named
    # Not "this customer", nor "another connection": the way forward is a link of its own.
    assert "this customer" not in text and "another connection" not in text
    assert "“Create a new link anyway”" in text
    title = demo_window.findChild(QLabel, "duplicateBannerTitle")
    assert title is not None and title.text() == "A link with these details already exists"

    # That link connects Acme: it is not offered for Globex (nor reconnecting it instead).
    banner = history_of(demo_window).banner
    assert not banner.useExistingButton.isVisible()
    assert not banner.relinkInsteadButton.isVisible()
    assert banner.createAnywayButton.isVisible() and banner.dismissButton.isVisible()
    assert acme_link not in demo_window.linkField.text()


def test_the_customers_own_link_is_offered_after_another_organisations_newer_one(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Acme GmbH's link, then a new one anyway for Globex AG with the same e-mail address:
    # Acme again was warned about Globex's link only ("made for another organisation"), with
    # just "Create a new link anyway", and never told of its own valid link.
    fill_form(demo_window, organization="Acme GmbH")
    acme_link = make_link(qtbot, demo_window)
    fill_form(demo_window, organization="Globex AG")
    try_again(qtbot, demo_window)
    globex_link = make_another_with(
        qtbot, demo_window, history_of(demo_window).banner.createAnywayButton
    )
    fill_form(demo_window, organization="Acme GmbH")
    try_again(qtbot, demo_window)

    banner = history_of(demo_window).banner
    assert banner.earlier is not None and banner.earlier.url == acme_link
    assert banner_title(demo_window) == "A link for Acme GmbH already exists"
    text = banner_text(demo_window)
    assert "another organisation" not in text and "Globex" not in text, text
    assert banner.useExistingButton.isVisible() and banner.relinkInsteadButton.isVisible()
    assert banner.useExistingButton.hasFocus()
    banner.useExistingButton.click()
    assert demo_window.linkField.text() == acme_link != globex_link
    assert demo_of(demo_window).create_link_count == 2


def test_for_another_organisation_enter_makes_a_new_link(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The warning said to create a new link, but "Use the existing link" was the focused,
    # primary button: one Enter put the other organisation's link and code beside the form's.
    fill_form(demo_window, email="adviser@taxfirm.example", organization="Globex Secret Corp")
    globex_link = make_link(qtbot, demo_window)
    fill_form(demo_window, email="adviser@taxfirm.example", organization="Acme GmbH")
    try_again(qtbot, demo_window)
    banner = history_of(demo_window).banner
    assert banner.createAnywayButton.hasFocus()
    assert banner.createAnywayButton.property("primary") is True
    assert not banner.useExistingButton.property("primary")
    QTest.keyClick(banner.createAnywayButton, Qt.Key.Key_Return)
    wait_until_ready(qtbot, demo_window)
    assert demo_of(demo_window).create_link_count == 2
    assert demo_window.linkField.text() not in ("", globex_link)

    # The same customer again: the existing link is the safe choice, as before.
    try_again(qtbot, demo_window)
    assert banner.useExistingButton.hasFocus()
    assert banner.useExistingButton.property("primary") is True
    assert not banner.createAnywayButton.property("primary")


@pytest.mark.parametrize("private", [True, False], ids=["screen-sharing", "not sharing"])
def test_another_organisations_link_is_never_put_beside_the_next_customer(
    qtbot: QtBot, open_window: WindowFactory, private: bool
) -> None:
    # A link for Acme (customer id CUST-1042), then Globex's e-mail and organisation typed over
    # the form, the id left: the warning (a match on the id) offered "Use the existing link",
    # which put Acme's year-long link and scannable QR code, with "Copy invitation",
    # "E-mail…" and "Save QR code…", beside Globex's details on a shared screen. Scanned, it
    # would have connected Globex's system as Acme's integration.
    keyring.set_password(SERVICE_NAME, "default", PRODUCTION_KEY)
    links = (f"https://connect.kombo.dev/v1?token=TOKEN-{n}" for n in range(1, 10))

    def respond(request: RecordedRequest) -> Reply:
        if request.path.endswith("/create-link"):
            return Reply.link(next(links))
        return tools_or(Reply.environment("env_123"))(request)

    with FaultServer(fallback=respond) as kombo:
        window = open_window("--api-base", kombo.base_url)
        window.screen_sharing.set_on(private)
        fill_form(window, email="anna.schmidt@acme.example", organization="Acme GmbH")
        window.originIdEdit.setText("CUST-1042")
        acme = make_link(qtbot, window)
        window.emailEdit.setText("li@globex.example")
        window.organizationEdit.setText("Globex Corp")
        # The id is marked as Acme's (see test_previous_customer_id); kept all the same, the
        # warning comes.
        window.linkForm.keepOriginIdButton.click()

        window.createButton.click()
        banner = history_of(window).banner
        qtbot.waitUntil(banner.isVisible)

        def acme_on_show() -> bool:
            shown = window.resultPanel.shown
            return acme in (window.linkField.text(), shown.url if shown else "")

        assert not acme_on_show() and window.qrView.pixmap().isNull()
        assert not window.copyButton.isEnabled()
        assert not banner.useExistingButton.isVisible()
        assert not banner.relinkInsteadButton.isVisible()
        # The id was kept for Globex on purpose: a new link anyway is the way forward (Enter).
        assert "“Create a new link anyway”" in banner_text(window)
        assert banner.createAnywayButton.hasFocus()
        assert banner.createAnywayButton.isVisible()
        if private:
            assert "Acme" not in banner_text(window)

        # Asked for all the same (it is not offered): Acme's link stays off the screen.
        banner.use_existing.emit()
        assert not acme_on_show() and window.qrView.pixmap().isNull()
        assert "not shown" in window.statusLabel.text()
        assert window.createButton.hasFocus()

        QTest.keyClick(window.createButton, Qt.Key.Key_Return)
        qtbot.waitUntil(banner.isVisible)
        banner.createAnywayButton.click()
        qtbot.waitUntil(lambda: window.linkField.text() not in ("", acme), timeout=5000)
        wait_until_ready(qtbot, window)
        assert not acme_on_show()
        wait_saved(qtbot, window)  # written on a worker, after the link is shown
        assert history_of(window).store.search(limit=1)[0].organization == "Globex Corp"
        window.close()


def test_the_same_organisation_written_differently_is_no_other_organisation(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    fill_form(demo_window, organization="Acme GmbH")
    make_link(qtbot, demo_window)
    fill_form(demo_window, organization="  ACME  gmbh ")
    try_again(qtbot, demo_window)
    assert "another organisation" not in banner_text(demo_window)
    history_of(demo_window).banner.useExistingButton.click()
    context = history_of(demo_window).invitationBar.context
    assert context is not None and context.organization == "ACME  gmbh"  # the form's


def test_an_earlier_link_that_expires_while_the_warning_is_open_is_not_used(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # "Use the existing link" showed it, expired, with "Showing the link ... for this customer"
    # in green, and the request held back was dropped without a word.
    fill_form(demo_window)
    earlier = record_hour_long_link(
        history_of(demo_window).store,
        f"{demo_of(demo_window).origin}/demo/connect?token=soon",
        left=timedelta(seconds=1),
        email="anna@example.com",
        tool="personio",
        is_demo=True,
    )
    try_again(qtbot, demo_window)
    qtbot.waitUntil(lambda: not earlier.is_valid())  # it expires while the warning is open
    history_of(demo_window).banner.useExistingButton.click()
    assert demo_window.linkField.text() == ""
    assert not history_of(demo_window).banner.isVisible()
    status = demo_window.statusLabel.text()
    assert "expired" in status and "“Create link”" in status
    assert demo_window.focusWidget() is demo_window.createButton


def test_a_profile_at_a_local_service_keeps_its_links_working_and_their_duplicates(
    qtbot: QtBot, open_window: WindowFactory, demo_server: DemoKomboServer
) -> None:
    # Links from this computer count as demo links: with no demo running, each one just made
    # was "No longer works" in the history, and never a duplicate (a test set-up's profile).
    window = open_window("--api-base", demo_server.base_url)
    fill_form(window)
    make_link(qtbot, window)
    try_again(qtbot, window)
    assert made_a_moment_ago(banner_text(window))
    history_of(window).banner.dismissButton.click()
    feature = open_history(qtbot, window)
    model = feature.panel.model
    model.set_compact(False)  # the whole wording, as below the form
    assert str(model.data(model.index(0, STATUS))).startswith("Valid until")


def test_the_warning_names_the_day_an_hour_long_link_ends_after_midnight(
    demo_window: MainWindow,
) -> None:
    # "... and is valid until 00:31" at 23:31 read as already expired; the result area and the
    # history said "until 00:31 on 30 Nov 2026".
    earlier = record_hour_long_link(
        history_of(demo_window).store, "https://connect.kombo.dev/v1?t=n", left=timedelta(hours=1)
    )
    night = earlier.created_at.astimezone().replace(hour=23, minute=31)
    earlier = replace(earlier, created_at=night, expires_at=night + timedelta(hours=1))
    text = duplicate_text(earlier, private=True, tool_label=None, now=night)
    assert f"is valid until 00:31 on {day_text(night + timedelta(hours=1))}." in text


def record_for_acme(window: MainWindow, token: str, made: datetime) -> HistoryEntry:
    """A demo link of this session for the form's customer (``fill_form``), made at ``made``
    by this computer's clock."""
    return record_demo_link(window, token, made)


def test_the_warning_says_how_many_links_the_customer_already_has(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Three links for Acme GmbH and Personio: the warning named only the latest, and the
    # person took it for the only one. Counted are the form's customer's own, whichever way
    # the history spells its name; another organisation's link with the same e-mail address
    # is neither counted nor named, and a link of an earlier demo session leads nowhere.
    now = datetime.now(UTC)
    record_demo_link(demo_window, "DEMO-globex", now - timedelta(hours=3), organization="Globex")
    record_demo_link(demo_window, "DEMO-ended", now - timedelta(hours=3), origin="http://[::1]:9")
    record_for_acme(demo_window, "DEMO-first", now - timedelta(hours=2))
    record_for_acme(demo_window, "DEMO-second", now - timedelta(hours=1))
    latest = record_demo_link(
        demo_window, "DEMO-latest", now - timedelta(minutes=1), organization="ACME  gmbh."
    )
    fill_form(demo_window)
    try_again(qtbot, demo_window)
    feature = history_of(demo_window)
    assert feature.banner.earlier == latest

    assert demo_window.screen_sharing.on
    assert banner_title(demo_window) == "3 links for Acme GmbH already exist"
    assert feature.banner.accessibleName() == "Warning: 3 links for Acme GmbH already exist"
    # The text goes on from the title with the latest, not saying the count again.
    text = banner_text(demo_window)
    assert re.match(
        r"The latest, for Personio, was made (today|yesterday) at \d\d:\d\d and is valid "
        r"until ",
        text,
    ), text
    assert "Acme" not in text and "ACME" not in text and "Globex" not in text, text
    assert "anna@" not in text
    use_latest = feature.banner.useExistingButton
    assert use_latest.text() == use_latest.accessibleName() == "Use the latest link"

    demo_window.screen_sharing.privacySwitch.click()  # off: the latest's details help decide
    text = banner_text(demo_window)
    assert re.match(
        r"The latest, for Personio and anna@example.com, was made (today|yesterday) at "
        r"\d\d:\d\d and is valid until ",
        text,
    ), text
    assert "Acme" not in text and "ACME" not in text and "Globex" not in text, text
    assert demo_of(demo_window).create_link_count == 0


def test_one_earlier_link_is_not_counted_aloud(qtbot: QtBot, demo_window: MainWindow) -> None:
    # Another organisation's link with the same e-mail address is not the customer's second.
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    record_demo_link(
        demo_window, "DEMO-globex", datetime.now(UTC) - timedelta(hours=1), organization="Globex"
    )
    try_again(qtbot, demo_window)
    assert banner_title(demo_window) == "A link for Acme GmbH already exists"
    assert banner_text(demo_window).startswith("A link for Acme GmbH and Personio was already")
    assert history_of(demo_window).banner.useExistingButton.text() == "Use the existing link"


def test_a_link_dated_later_than_now_is_not_offered_over_the_one_made_since(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The clock was three hours ahead when a link was made for the customer, then put right,
    # and a newer link was made since: the warning offered the older one, "made on" a day
    # still to come, and the history listed it on top.
    now = datetime.now(UTC)
    ahead = record_for_acme(demo_window, "DEMO-ahead", now + timedelta(hours=3))
    newer = record_for_acme(demo_window, "DEMO-newer", now - timedelta(minutes=10))
    fill_form(demo_window)
    try_again(qtbot, demo_window)

    assert history_of(demo_window).banner.earlier == newer
    text = banner_text(demo_window)
    assert made_a_moment_ago(text)
    assert f" at {newer.created_at.astimezone():%H:%M} and " in text
    history_of(demo_window).banner.useExistingButton.click()
    assert demo_window.linkField.text() == newer.url
    assert demo_of(demo_window).create_link_count == 0
    shown = demo_window.statusLabel.text()
    assert re.search(r"^Showing the link made (today|yesterday) at \d\d:\d\d for", shown)

    model = open_history(qtbot, demo_window).panel.model
    assert model.entries() == [newer, ahead]
    when = str(model.data(model.index(1, WHEN), Qt.ItemDataRole.ToolTipRole))
    assert "later than now, as this computer's clock was ahead when it was made" in when
    assert str(model.data(model.index(1, STATUS))).endswith(" at the latest")


def test_a_link_dated_later_than_now_is_said_to_be_made_earlier(demo_window: MainWindow) -> None:
    # "A link ... was already made on 30 Nov 2026, 15:27" at noon: a time still to come.
    now = datetime.now(UTC)
    ahead = record_for_acme(demo_window, "DEMO-ahead", now + timedelta(hours=3))
    dated = local_time(ahead.created_at)
    for private in (True, False):
        said = duplicate_text(ahead, private=private, tool_label="Personio", now=now)
        assert (
            f" earlier (it is dated {dated}, later than now: this computer's clock was ahead "
            "when it was made) and is valid until"
        ) in said
        assert " on " not in said.split(" and is valid")[0]


def test_an_hour_long_link_dated_later_than_now_is_not_said_to_work_for_hours(
    demo_window: MainWindow,
) -> None:
    # Its end was reckoned by the same clock, three hours ahead: "valid until 16:00" at noon,
    # though it was made by noon, and stops working by 13:00 at the latest. Nor is it said to
    # be valid now: "is valid until 13:00 at the latest" was said of it though the clock may
    # have been four hours ahead, the link made at 10:30 and expired since 11:30.
    noon = datetime.now().astimezone().replace(hour=12, minute=0, second=0, microsecond=0)
    ahead = record_hour_long_link(
        history_of(demo_window).store,
        "https://connect.kombo.dev/v1?t=ahead",
        left=timedelta(hours=1),
        created_at=noon + timedelta(hours=3),
    )
    said = duplicate_text(ahead, private=True, tool_label=None, now=noon)
    assert (
        "when it was made) and may have expired already; if not, it is valid until 13:00 at "
        "the latest."
    ) in said
    assert "and is valid" not in said
    assert status_text(ahead, noon) == "May have expired"


def test_a_year_long_link_dated_later_than_now_is_still_said_to_be_valid(
    demo_window: MainWindow,
) -> None:
    # It could have expired only if the clock had been more than a year ahead.
    now = datetime.now(UTC)
    ahead = record_for_acme(demo_window, "DEMO-ahead", now + timedelta(hours=3))
    said = duplicate_text(ahead, private=True, tool_label="Personio", now=now)
    until = day_text((now + timedelta(days=365)).astimezone())
    assert f"and is valid until {until} at the latest." in said
    assert status_text(ahead, now).endswith(" at the latest")
    assert "may have expired" not in said


def test_an_hour_long_link_dated_later_than_now_is_shown_as_perhaps_expired(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Shown from the history, the result area said "Valid for 1 hour, until 19:00" at 15:00,
    # by the stored time three hours ahead, and offered its code until then; the invitation
    # promised the customer "one hour", later "valid until 16:00", a time it may not reach,
    # while the table said "May have expired"; the status line and table "valid until 16:00
    # at the latest".
    made_ahead = datetime.now(UTC) + timedelta(hours=3)
    ahead = record_hour_long_link(
        history_of(demo_window).store,
        "https://connect.kombo.dev/v1?t=ahead",
        left=timedelta(hours=1),
        created_at=made_ahead,
    )
    feature = open_history(qtbot, demo_window)
    model = feature.panel.model
    assert model.data(model.index(0, STATUS)) == "May have expired"
    tip = str(model.data(model.index(0, STATUS), Qt.ItemDataRole.ToolTipRole))
    assert tip.startswith("This computer's clock was ahead when this link was made, so it may")
    feature.panel.select_row(0)
    before = datetime.now().astimezone()
    feature.panel.historyQrButton.click()
    after = datetime.now().astimezone()
    assert demo_window.linkField.text() == ahead.url  # shown: it may well still work
    bounds = {f"{moment + timedelta(hours=1):%H:%M}" for moment in (before, after)}
    label = demo_window.expiryLabel.text()
    assert any(
        label.startswith(f"May have expired (valid until {bound}") and "at the latest" in label
        for bound in bounds
    ), label
    status = demo_window.statusLabel.text()
    assert "It may have expired already; if not, it is valid until " in status
    assert "at the latest." in status
    copy_invitation = demo_window.findChild(QPushButton, "copyInvitationButton")
    assert copy_invitation is not None
    copy_invitation.click()
    invitation = QGuiApplication.clipboard().text()
    assert "one hour" not in invitation
    assert "This link may have expired already." in invitation
    assert "until" not in invitation


def test_the_warning_says_when_the_earlier_link_has_another_tool_or_options(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The earlier link let the customer choose the tool; the form asked for Personio with a
    # scope config id and field mapping. The warning said nothing of it, and "Use the existing
    # link" handed out a link without them, "for this customer".
    fill_form(demo_window, tool=None)
    make_link(qtbot, demo_window)
    demo_window.toolCombo.setCurrentIndex(demo_window.toolCombo.findData("personio"))
    demo_window.scopeConfigEdit.setText("B7yq5R7Sd9")
    demo_window.fieldMappingCheck.setChecked(True)
    unlike = (
        "Unlike the form, it lets the customer choose the tool and it was made without a "
        "scope config id or field mapping."
    )
    for private in (True, False):
        demo_window.screen_sharing.set_on(private)
        try_again(qtbot, demo_window)
        assert unlike in banner_text(demo_window)
        if private:  # not said to be for Personio: it is not
            assert banner_text(demo_window).startswith("A link for Acme GmbH was already made ")
        history_of(demo_window).banner.useExistingButton.click()
        assert unlike in demo_window.statusLabel.text()
        # Titled as what it is, not as what the form asks for.
        title = named(demo_window, QLabel, "resultTitle")
        assert title.text() == "New link · the customer chooses"
    assert demo_of(demo_window).create_link_count == 1


@pytest.mark.parametrize(
    ("earlier_has", "form_has", "unlike"),
    [
        (
            {"tool": "personio", "scope_config_id": "A1", "enable_filtering": True},
            {},
            "Unlike the form, it is only for Personio and it was made with a scope config id "
            "and employee filtering.",
        ),
        (
            {"tool": "personio", "scope_config_id": "A1", "enable_field_mapping": True},
            {"integration_tool": "bamboohr", "scope_config_id": "B2", "enable_filtering": True},
            "Unlike the form, it is for Personio and it was made without employee filtering "
            "but with another scope config id and field mapping.",
        ),
        ({"tool": "personio"}, {"integration_tool": "personio"}, ""),
        # A reconnection keeps the integration's own options, which the history does not know.
        (
            {"tool": "personio", "kind": EntryKind.RELINK},
            {"integration_tool": "personio", "scope_config_id": "B2"},
            "",
        ),
    ],
    ids=["chosen tool and options", "another tool and options", "the same", "reconnection"],
)
def test_the_warning_names_each_tool_and_option_the_earlier_link_differs_in(
    tmp_path: Path,
    earlier_has: dict[str, Any],
    form_has: dict[str, Any],
    unlike: str,
) -> None:
    form = LinkRequest(end_user_email="anna@example.com", end_user_organization_name="Acme")
    store = HistoryStore(tmp_path / "history.sqlite3")
    try:
        earlier = record_request(store, form, "https://connect.kombo.dev/v1?t=a", profile="P")
    finally:
        store.close()
    earlier = replace(earlier, **earlier_has)
    wanted = replace(form, **form_has)
    text = duplicate_text(earlier, private=True, tool_label="Personio", wanted=wanted)
    if unlike:
        assert unlike in text
    else:
        assert "Unlike" not in text


def test_a_link_letting_the_customer_choose_is_not_said_to_be_for_the_tool(
    tmp_path: Path,
) -> None:
    # "A link for these details and tool was already made ... Unlike the form, it lets the
    # customer choose the tool": the first half said the opposite of the second.
    made_for = LinkRequest(
        end_user_email="adviser@example.com",
        end_user_organization_name="Acme GmbH",
        integration_category=Category.HRIS,
    )
    store = HistoryStore(tmp_path / "history.sqlite3")
    try:
        earlier = record_request(store, made_for, "https://connect.kombo.dev/v1?t=a", profile="P")
    finally:
        store.close()
    wanted = LinkRequest(
        end_user_email="adviser@example.com",
        end_user_organization_name="Globex Corp",
        integration_tool="personio",
        integration_category=Category.HRIS,
    )
    text = duplicate_text(earlier, private=True, tool_label=None, wanted=wanted)
    assert text.startswith("A link for these details was already made "), text
    assert "it lets the customer choose the tool" in text


def test_in_screen_sharing_mode_another_organisations_tool_is_not_named(tmp_path: Path) -> None:
    # "A link for these details and tool was already made… it is only for Personio": the
    # watching customer learnt which system another company uses, and the form had no tool.
    made_for = LinkRequest(
        end_user_email="adviser@example.com",
        end_user_organization_name="Acme GmbH",
        integration_tool="personio",
    )
    store = HistoryStore(tmp_path / "history.sqlite3")
    try:
        earlier = record_request(store, made_for, "https://connect.kombo.dev/v1?t=a", profile="P")
    finally:
        store.close()
    wanted = LinkRequest(
        end_user_email="adviser@example.com", end_user_organization_name="Globex Corp"
    )
    text = duplicate_text(earlier, private=True, tool_label="Personio", wanted=wanted)
    assert "Personio" not in text
    assert "these details (HR system)" in text
    assert "it is only for one tool" in text
    shown = duplicate_text(earlier, private=False, tool_label="Personio", wanted=wanted)
    assert "it is only for Personio" in shown  # named when nobody else is watching


def test_the_warning_says_a_link_of_today_or_yesterday_was_made_today_or_yesterday(
    demo_window: MainWindow,
) -> None:
    # "A link for this customer and tool was already made on 30 Nov 2026 and is valid until
    # 23:04." of a link made a minute ago read as an old link. The clock is fixed: the words
    # must not depend on the day the test runs, nor on midnight passing while it does.
    now = datetime(2026, 11, 30, 22, 5).astimezone()  # in this computer's time zone
    minute_ago = record_for_acme(demo_window, "DEMO-today", now - timedelta(minutes=1))
    last_night = record_for_acme(demo_window, "DEMO-yesterday", now - timedelta(hours=23))
    last_week = record_for_acme(demo_window, "DEMO-last-week", now - timedelta(days=6, hours=1))

    def made(earlier: HistoryEntry, private: bool) -> str:
        said = duplicate_text(earlier, private=private, tool_label="Personio", now=now)
        return said.split("already made ")[1].split(" and ")[0]

    for private in (True, False):
        assert made(minute_ago, private).endswith("today at 22:04")
        assert made(last_night, private).endswith("yesterday at 23:05")
    assert made(last_week, private=True) == "on 24 Nov 2026"
    assert made(last_week, private=False).endswith(" on 24 Nov 2026, 21:05")


def test_a_link_dated_a_little_past_midnight_by_a_clock_ahead_is_of_today() -> None:
    # Within the minute a clock may be ahead without notice (``CLOCK_SLACK``), a link made
    # at 23:59:40 by a clock 30 s ahead is dated the next day: "made on 1 Dec 2026", a day
    # still to come, was said of it at 23:59:50.
    now = datetime(2026, 11, 30, 23, 59, 50).astimezone()
    assert made_when(now + timedelta(seconds=20), now=now) == "today at 23:59"
    assert made_when(now + timedelta(seconds=20), with_time=True, now=now) == "today at 23:59"
