"""What a screen reader or a voice command gets: the words on screen, and what happened.

Buttons were named with a sentence other than their words ("Copy the link" for "Copy link"),
so "click Copy link" found nothing by voice; the history's "Copy link" and the result's had the
same name though they copy different links; and the status line was named "Status", the one
thing a screen reader then said about any error.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from kombo_desktop.core import link_request as lr
from kombo_desktop.core.vocabulary import Category
from kombo_desktop.ui.history_feature import HistoryFeature
from kombo_desktop.ui.link_options import (
    ENVIRONMENT_HINT,
    ENVIRONMENT_NEEDS_TOOL,
    FILTERING_NEEDS_HRIS,
)
from kombo_desktop.ui.main_window import MainWindow
from kombo_desktop.ui.relink_form import ID_HINT
from kombo_desktop.ui.result_panel import DEMO_NOTE
from kombo_desktop.ui.widgets import select_data, spoken_name
from tests.support.found import named
from tests.ui.conftest import Spoken, WindowFactory, fill_form, make_link, wait_until_settled
from tests.ui.test_link_expiry import embedded_link


def shown_buttons(root: QWidget) -> list[QAbstractButton]:
    return [b for b in root.findChildren(QAbstractButton) if b.isVisible() and b.text()]


def names_without_their_words(*roots: QWidget) -> list[str]:
    return [
        f"{button.objectName()}: {button.text()!r} named {button.accessibleName()!r}"
        for root in roots
        for button in shown_buttons(root)
        if spoken_name(button.text()).casefold() not in button.accessibleName().casefold()
    ]


def names_used_twice(root: QWidget) -> list[str]:
    usable = [b.accessibleName() for b in shown_buttons(root) if b.isEnabled()]
    return [name for name, count in Counter(usable).items() if count > 1]


def history_of(window: MainWindow) -> HistoryFeature:
    return window.history


def test_every_button_is_named_with_its_words_and_no_two_alike(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    window = demo_window
    fill_form(window)
    make_link(qtbot, window)
    history = history_of(window)
    window.screen_sharing.privacySwitch.click()  # the history's buttons are usable only with it off
    history.historyButton.click()
    table = history.panel.historyTable
    qtbot.waitUntil(lambda: history.panel.model.rowCount() == 1)
    table.selectRow(0)
    qtbot.waitUntil(lambda: history.panel.historyCopyButton.isEnabled())
    assert names_without_their_words(window) == []
    assert names_used_twice(window) == []
    assert "selected history entry" in history.panel.historyCopyButton.accessibleName()

    window.open_settings()
    qtbot.waitUntil(lambda: window.settings_dialog is not None)
    assert window.settings_dialog is not None
    assert names_without_their_words(window.settings_dialog) == []
    tops = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert names_without_their_words(*tops) == []


def heard_name(widget: QWidget) -> str:
    """The name a screen reader says for ``widget``: its accessible name, else what Qt
    makes of it (a button's words, a label's text)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name) if interface is not None else ""


def unnamed_stops(root: QWidget) -> list[str]:
    """The visible widgets of ``root`` the keyboard can reach that a screen reader would
    announce without a name, and the part of an editable drop-down that has the focus when
    it does (its typing field) when it says nothing. A drop-down that cannot be typed into
    is read on Linux by its chosen entry and the label pointing at it (Qt's own way), which
    the first check covers by its name being its entry."""
    unnamed: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        reachable = widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.focusProxy() is None
        if not (reachable and widget.isVisible() and widget.isEnabled()):
            continue
        if not heard_name(widget).strip():
            unnamed.append(f"{type(widget).__name__} {widget.objectName()!r}")
        if isinstance(widget, QComboBox) and widget.isEditable():
            interface = QAccessible.queryAccessibleInterface(widget)
            widget.setFocus()
            focused = interface.focusChild() if interface is not None else None
            if focused is None or not focused.text(QAccessible.Text.Name).strip():
                unnamed.append(f"the typing field of {widget.objectName()!r}")
    return unnamed


def test_every_place_the_keyboard_reaches_has_a_name(qtbot: QtBot, demo_window: MainWindow) -> None:
    # The tool field was read as "edit, The customer chooses" with no word of what it is for:
    # the focus is in its typing field, which had no name, and the list of matching tools
    # had none either.
    window = demo_window
    qtbot.waitUntil(lambda: window.start_up.done, timeout=5000)
    assert unnamed_stops(window) == []
    fill_form(window)
    make_link(qtbot, window)
    assert unnamed_stops(window) == []
    tool_field = window.linkForm.toolCombo.lineEdit()
    assert tool_field is not None
    assert tool_field.accessibleName() == window.linkForm.toolCombo.accessibleName()
    assert window.linkForm._tool_completer.popup().accessibleName() == "Matching tools"


def test_the_tool_fields_problem_is_heard_in_its_typing_field(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # A problem under a field is its description; the tool field's went to the drop-down,
    # not to the typing field a screen reader is in.
    form = demo_window.linkForm
    combo = form.toolCombo
    tool_field = combo.lineEdit()
    assert tool_field is not None
    form.boxes[lr.TOOL].set_error("Pick a tool from the list.")
    assert tool_field.accessibleDescription() == "Pick a tool from the list."
    form.boxes[lr.TOOL].set_error(None)
    assert tool_field.accessibleDescription() == combo.accessibleDescription()


def description_heard(field: QWidget) -> str:
    """The description a screen reader gets for ``field``: for an empty line edit without a
    description of its own, Qt hands over its placeholder."""
    reader = QAccessible.queryAccessibleInterface(field)
    assert reader is not None
    return reader.text(QAccessible.Text.Description)


def test_the_settings_button_says_its_keys_to_a_screen_reader(demo_window: MainWindow) -> None:
    # The keys that open the settings (Ctrl+,) were named only in the tooltip; a screen
    # reader said "Settings…, Open settings", without them.
    button = demo_window.settingsButton
    assert description_heard(button) == button.toolTip()
    if not QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences):
        assert description_heard(button) == "Open settings (Ctrl+,)"


EMPTY_FIELDS_HEARD = {
    "emailEdit": "For example anna@example.com",
    "organizationEdit": "For example Acme GmbH",
    "originIdEdit": "Optional, e.g. CUST-1042",
    "toolCombo": "Type to search, or pick from the list",
    "environmentEdit": ENVIRONMENT_NEEDS_TOOL,  # its tooltip: no tool is chosen yet
    "scopeConfigEdit": "Optional, from the Kombo dashboard",
    "relinkIntegrationEdit": "e.g. personio:93fCvorjZ2jas7ZekX1V1n5d",
}


def test_no_empty_field_sounds_filled_in(qtbot: QtBot, demo_window: MainWindow) -> None:
    # The placeholders "anna@example.com" and "Acme GmbH" were what a screen reader said of
    # the empty e-mail and organisation fields, as if a customer's details were in them.
    # Also once the hints are described, right after the first frame: the tool environment,
    # held back until a tool is chosen, says why rather than its hint.
    qtbot.waitUntil(lambda: demo_window.start_up.done, timeout=5000)
    fields = [
        edit
        for form in (demo_window.linkForm, demo_window.relinkForm)
        for edit in form.findChildren(QLineEdit)
    ]
    heard = {
        (edit.objectName() or (edit.parent() or edit).objectName()): description_heard(edit)
        for edit in fields
    }
    assert heard == EMPTY_FIELDS_HEARD


def test_an_empty_field_is_said_to_hold_an_example_again_once_its_problem_goes(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    box = demo_window.linkForm.boxes[lr.EMAIL]
    box.set_error("Enter the customer's e-mail address.")
    assert description_heard(demo_window.emailEdit) == "Enter the customer's e-mail address."
    box.set_error(None)
    assert description_heard(demo_window.emailEdit) == "For example anna@example.com"


def test_the_duplicate_warning_names_its_buttons_with_their_words(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    window = demo_window
    fill_form(window)
    make_link(qtbot, window)
    window.createButton.click()
    banner = history_of(window).banner
    qtbot.waitUntil(banner.isVisible, timeout=2000)
    assert names_without_their_words(banner) == []
    assert names_used_twice(window) == []
    # The focus is on "Use the existing link"; its description carries the warning.
    assert banner.useExistingButton.hasFocus()
    heard = banner.useExistingButton.accessibleDescription()
    assert heard.startswith("A link for Acme GmbH already exists.")
    assert banner.label.text() in heard
    assert "yellow" not in window.statusLabel.text()


def test_the_status_line_and_the_profile_say_what_they_show(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    window = demo_window
    window.emailEdit.setText("not an address")
    window.createButton.click()
    status = window.statusLabel
    assert status.text().startswith("Nothing was sent")
    assert status.accessibleName() == status.text()
    profile = window.profileLabel
    assert (
        profile.accessibleName() == "Active profile: Demo service on this computer, no key needed"
    )


def test_the_profile_is_named_in_words_and_its_tooltip_says_what_it_is(
    open_window: WindowFactory,
) -> None:
    # The name read "Active profile: Profile: default · EU" and the tooltip was a fragment.
    window = open_window()
    profile = window.profileLabel
    assert profile.text() == "Profile: default · EU"  # compact on screen
    assert profile.accessibleName() == "Active profile: default, Europe"
    assert profile.toolTip() == "The profile new links are made with. Change it in Settings."


def test_an_error_in_the_status_line_is_said_at_once(
    qtbot: QtBot, demo_window: MainWindow, spoken: Spoken
) -> None:
    # The status line's new words were its name only; a screen reader does not read a name
    # changing on something without the focus, so the person heard "Create link" and no more.
    demo_window.emailEdit.setText("not an address")
    demo_window.createButton.click()
    assert spoken[-1] == (
        demo_window.statusLabel.text(),
        QAccessible.AnnouncementPoliteness.Assertive,
    )


def test_a_link_made_and_copied_is_said_when_the_reader_is_free(
    qtbot: QtBot, demo_window: MainWindow, spoken: Spoken
) -> None:
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    polite = QAccessible.AnnouncementPoliteness.Polite
    assert spoken[-1] == (demo_window.statusLabel.text(), polite)
    assert "link ready" in spoken[-1][0].casefold()
    demo_window.copyButton.click()  # its words change to "Copied ✓"; its name stays
    assert spoken[-1] == (demo_window.statusLabel.text(), polite)
    assert "copied" in spoken[-1][0].casefold()


def type_and_leave(qtbot: QtBot, field: QWidget, typed: str) -> None:
    """Put the focus in ``field``, type ``typed`` key by key over what it holds, and Tab on
    to the next field."""
    edit = field.lineEdit() if isinstance(field, QComboBox) else field
    assert isinstance(edit, QLineEdit)
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    if typed:
        edit.selectAll()  # as a click into a chosen tool does
    QTest.keyClicks(edit, typed)
    QTest.keyClick(QApplication.activePopupWidget() or edit, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not edit.hasFocus())


@pytest.mark.parametrize(
    ("field_name", "typed", "problem_start"),
    [
        ("emailEdit", "anna@", "Add the domain after the @"),
        ("toolCombo", "zzzq", "“zzzq” is not a tool Kombo offers"),
    ],
)
def test_a_problem_that_appears_on_leaving_a_field_is_said_once(
    qtbot: QtBot,
    demo_window: MainWindow,
    spoken: Spoken,
    field_name: str,
    typed: str,
    problem_start: str,
) -> None:
    # Red words appeared under the field as the person moved on with Tab, and a screen
    # reader said only the next field's name: the problem went unheard.
    field = named(demo_window, QWidget, field_name)
    spoken.clear()
    type_and_leave(qtbot, field, typed)
    problem = field.accessibleDescription()
    assert problem.startswith(problem_start)
    assert spoken == [(problem, QAccessible.AnnouncementPoliteness.Polite)]
    # Back in the field and out again with the same problem: it is not said again.
    type_and_leave(qtbot, field, "")
    assert spoken == [(problem, QAccessible.AnnouncementPoliteness.Polite)]


def test_a_problem_changed_by_typing_is_said_on_leaving_not_at_each_key(
    qtbot: QtBot, demo_window: MainWindow, spoken: Spoken
) -> None:
    edit = demo_window.emailEdit
    type_and_leave(qtbot, edit, "anna@")
    spoken.clear()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    QTest.keyClicks(edit, "acme")  # checked at each key now: "anna@a" is incomplete too
    assert edit.accessibleDescription().startswith("The e-mail address's domain")
    assert spoken == []
    QTest.keyClick(edit, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not edit.hasFocus())
    assert spoken == [(edit.accessibleDescription(), QAccessible.AnnouncementPoliteness.Polite)]


def test_a_field_left_without_a_problem_says_nothing(
    qtbot: QtBot, demo_window: MainWindow, spoken: Spoken
) -> None:
    spoken.clear()
    type_and_leave(qtbot, demo_window.emailEdit, "anna@example.com")
    assert spoken == []


def test_enter_in_a_field_with_a_problem_says_the_status_alone_in_words_not_colour(
    qtbot: QtBot, demo_window: MainWindow, spoken: Spoken
) -> None:
    # Enter keeps the focus in the field: the status line says why nothing was sent, and the
    # field's problem is not said over it. It said "(marked in red)": a colour, not where.
    edit = demo_window.emailEdit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    QTest.keyClicks(edit, "anna@")
    spoken.clear()
    QTest.keyClick(edit, Qt.Key.Key_Return)
    status = demo_window.statusLabel.text()
    assert spoken == [(status, QAccessible.AnnouncementPoliteness.Assertive)]
    assert "red" not in status
    assert status.endswith("(what to fix is written under each).")


@pytest.mark.parametrize(
    ("field_name", "typed", "example"),
    [
        ("emailEdit", "bob@nordwind.example", "anna@example.com"),
        ("organizationEdit", "Nordwind", "Acme GmbH"),
        ("originIdEdit", "CUST-2077", "Optional, e.g. CUST-1042"),
    ],
)
def test_a_filled_field_is_no_longer_said_to_hold_an_example(
    qtbot: QtBot, demo_window: MainWindow, field_name: str, typed: str, example: str
) -> None:
    # "For example anna@example.com" stayed the description of the e-mail field once the
    # customer's address was in it: the reader said the example after the real address. The
    # customer id field said "Optional, e.g. CUST-1042" after the id typed in it.
    field = named(demo_window, QLineEdit, field_name)
    field.setText(typed)
    assert example not in description_heard(field)
    field.clear()
    assert description_heard(field) == EMPTY_FIELDS_HEARD[field_name]
    assert field.placeholderText() == example  # shown again on the empty field


def test_a_filled_field_keeps_its_problem_as_its_description(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    edit = demo_window.emailEdit
    type_and_leave(qtbot, edit, "anna@")
    problem = edit.accessibleDescription()
    assert problem.startswith("Add the domain after the @")
    assert description_heard(edit) == problem
    edit.setText("bob@nordwind.example")  # the problem goes: nothing is said in its place
    assert description_heard(edit) == ""


def test_the_reconnection_fields_hint_is_heard_in_the_field_opened_with_ctrl_tab(
    qtbot: QtBot, demo_window: MainWindow, spoken: Spoken
) -> None:
    # Under the id field the tab says where to find the id; a screen reader in the field
    # heard only the sample id of its placeholder.
    edit = demo_window.relinkIntegrationEdit
    demo_window.emailEdit.setFocus()
    qtbot.waitUntil(demo_window.emailEdit.hasFocus)
    spoken.clear()
    QTest.keyClick(demo_window.emailEdit, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(edit.hasFocus)
    assert description_heard(edit) == ID_HINT
    wait_until_settled(qtbot, demo_window)
    assert spoken == []  # the field has the focus: its description is read with its name


def test_the_reconnection_fields_hint_is_said_once_when_the_tab_opens_elsewhere(
    qtbot: QtBot, demo_window: MainWindow, spoken: Spoken
) -> None:
    # With the keys on the tab bar, the tab opened and nothing said what goes in its field.
    bar = demo_window.tabs.tabBar()
    bar.setFocus()
    qtbot.waitUntil(bar.hasFocus)
    spoken.clear()
    QTest.keyClick(bar, Qt.Key.Key_Right)
    assert demo_window.tabs.currentWidget() is demo_window.relinkForm
    polite = QAccessible.AnnouncementPoliteness.Polite
    said = (f"Integration id to reconnect: {ID_HINT}", polite)
    qtbot.waitUntil(lambda: spoken == [said])
    assert bar.hasFocus()
    QTest.keyClick(bar, Qt.Key.Key_Left)  # back to the first tab: nothing about the id
    QTest.keyClick(bar, Qt.Key.Key_Right)  # and once more for each opening
    qtbot.waitUntil(lambda: spoken == [said, said])


def test_the_advanced_check_boxes_say_what_they_do_from_the_start(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # What each option does is written under it; a screen reader heard only "Employee
    # filtering, check box" until a problem had come and gone.
    form = demo_window.linkForm
    qtbot.waitUntil(lambda: demo_window.start_up.done, timeout=5000)
    for field, check in (
        (lr.ENABLE_FILTERING, form.filteringCheck),
        (lr.ENABLE_FIELD_MAPPING, form.fieldMappingCheck),
    ):
        hint = form.boxes[field].hint.text()
        assert hint.startswith("The customer ")
        assert description_heard(check) == hint


def test_a_field_the_form_holds_back_says_why_and_its_hint_once_usable(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The tool environment field said "Leave empty for the live system" once a tool was
    # chosen, never the hint under it; and a problem that came and went made the hint its
    # description for good, so a field held back no longer said why.
    form = demo_window.linkForm
    environment = form.environmentEdit
    box = form.boxes[lr.REMOTE_ENVIRONMENT]
    qtbot.waitUntil(lambda: demo_window.start_up.done, timeout=5000)
    assert description_heard(environment) == ENVIRONMENT_NEEDS_TOOL
    form.select_tool("personio")
    assert description_heard(environment) == box.hint.text() == ENVIRONMENT_HINT
    box.set_error("A problem.")
    box.set_error(None)
    form.clear()
    assert description_heard(environment) == ENVIRONMENT_NEEDS_TOOL

    filtering = form.filteringCheck
    select_data(form.categoryCombo, Category.ATS)
    assert description_heard(filtering) == FILTERING_NEEDS_HRIS
    select_data(form.categoryCombo, Category.HRIS)
    assert description_heard(filtering) == form.boxes[lr.ENABLE_FILTERING].hint.text()


def test_the_link_is_described_by_how_long_it_lasts_and_a_demo_links_note(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Under the link the screen said "Valid until 1 Dec 2027" and "Demo link: it connects
    # nothing."; a screen reader on the link heard neither, only the link again.
    window = demo_window
    panel = window.resultPanel
    fill_form(window)
    make_link(qtbot, window)
    assert description_heard(window.linkField) == f"{panel.expiryLabel.text()}. {DEMO_NOTE}"
    assert panel.expiryLabel.text().startswith("Valid ")

    window.show_link(embedded_link(expires_in=timedelta(minutes=30)))  # a real link, from Kombo
    assert description_heard(window.linkField) == panel.expiryLabel.text()
    assert DEMO_NOTE not in description_heard(window.linkField)

    # Its hour passes on screen: the description follows the words under it.
    shown = panel.shown
    assert shown is not None
    panel.shown = replace(shown, created=shown.created - timedelta(hours=1))
    assert panel.link_has_expired()
    assert panel.expiryLabel.text().startswith("Expired")
    assert description_heard(window.linkField) == panel.expiryLabel.text()

    panel.clear()
    assert "Valid" not in description_heard(window.linkField)
    assert "Expired" not in description_heard(window.linkField)


def test_a_reconnection_link_is_described_by_how_long_it_lasts(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    window = demo_window
    link = replace(
        embedded_link(expires_in=timedelta(minutes=40)),
        reconnection=True,
        integration_id="personio:93fCvorjZ2jas7ZekX1V1n5d",
    )
    window.show_link(link)
    assert description_heard(window.linkField) == window.resultPanel.expiryLabel.text()
    assert window.resultPanel.expiryLabel.text().startswith("Valid ")


def test_copy_invitation_says_the_invitations_language_and_no_customer_while_sharing(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # "Invitation in Spanish" was on screen under the buttons; "Copy invitation" said only
    # "Copy an invitation message with the link", and a Spanish one went to a German customer.
    window = demo_window
    fill_form(window)
    window.languageCombo.setCurrentIndex(window.languageCombo.findData("es"))
    make_link(qtbot, window)
    bar = history_of(window).invitationBar
    assert bar.languageLabel.text() == "Invitation in Spanish"
    heard = description_heard(bar.copyInvitationButton)
    assert "Spanish" in heard
    assert "Spanish" in description_heard(bar.emailButton)
    assert window.screen_sharing.on
    for button in (bar.copyInvitationButton, bar.emailButton):
        assert "Acme" not in description_heard(button)
        assert "anna@" not in description_heard(button)
    window.resultPanel.clear()  # no invitation to copy: no language said
    assert "Spanish" not in description_heard(bar.copyInvitationButton)


@pytest.mark.parametrize("button_name", ["createButton", "relinkButton"])
def test_the_buttons_that_make_a_link_do_not_say_their_name_twice(
    demo_window: MainWindow, button_name: str
) -> None:
    # "Create link" was described as "Create link": a screen reader said it twice.
    button = named(demo_window, QAbstractButton, button_name)
    heard = description_heard(button).casefold()
    assert heard != heard_name(button).casefold()
    assert heard_name(button).casefold() not in heard


def is_tab_stop(widget: QWidget) -> bool:
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)


def test_the_link_field_is_a_tab_stop_only_while_it_holds_a_link(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Before any link, Tab stopped on an empty field named "The link" that said nothing.
    window = demo_window
    assert not is_tab_stop(window.linkField)
    fill_form(window)
    make_link(qtbot, window)
    assert is_tab_stop(window.linkField)
    assert window.linkField.hasFocus()  # where the copy keys copy it at once
    window.resultPanel.clear()
    assert not is_tab_stop(window.linkField)
