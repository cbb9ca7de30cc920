"""Every failure the core reports reaches the person in plain words, with the form intact.

A real HTTP(S) server on 127.0.0.1 misbehaves on cue (``tests.support.fault_server``); the
window is driven by object name exactly as in the other end-to-end tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kombo_desktop.core import messages
from kombo_desktop.core.credentials import STORE_READ_LOCKED, CredentialStore
from kombo_desktop.core.demo_server import DemoKomboServer
from kombo_desktop.core.errors import (
    AuthenticationError,
    ConnectionFailedError,
    InputRejectedError,
    IpNotAllowedError,
    KomboError,
    NotFoundError,
)
from kombo_desktop.core.integrations import NOT_FOUND_STATUS, NOT_FOUND_TEXT
from kombo_desktop.core.paths import AppPaths
from kombo_desktop.core.refusals import FORM_NAMES
from kombo_desktop.core.settings import Profile, Region, Settings, SettingsStore
from kombo_desktop.ui.main_window import MainWindow
from kombo_desktop.ui.refusal_display import NO_KEY_SEE_NOTICE_TEXT
from tests.support.client_limits import GENEROUS_TIMEOUT, SHORT_TIMEOUT
from tests.support.fault_server import FaultServer, Reply, closed_port, tools_or
from tests.support.keyrings import LockableKeyring
from tests.support.refusal_words import INVALID_EMAIL_MARK, INVALID_EMAIL_SAID
from tests.ui.conftest import Spoken, WindowFactory, fill_form, lookup_of, wait_until_settled

API_KEY = "sk-test-4f9a1c2e8b7d6a5f"
LOG_URL = "https://app.kombo.dev/logs/req_8c1f2a"
# A generous timeout: only the test of a late answer asks for a short one.
CLIENT_LIMITS = {"timeout": GENEROUS_TIMEOUT, "backoff_seconds": 0.0, "max_retry_seconds": 1.0}


@pytest.fixture
def window_for(open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    servers: list[FaultServer] = []

    def build(
        reply: Reply | None = None,
        *,
        base_url: str | None = None,
        tls: bool = False,
        key_in_settings: bool = False,
        api_key: str = API_KEY,
        timeout: float = GENEROUS_TIMEOUT,
    ):
        if base_url is None:
            server = FaultServer(fallback=tools_or(reply or Reply()), tls=tls).start()
            servers.append(server)
            base_url = server.base_url
        if key_in_settings:
            monkeypatch.delenv("KOMBO_API_KEY", raising=False)
            CredentialStore().save("default", api_key)
        else:
            monkeypatch.setenv("KOMBO_API_KEY", api_key)
        window = open_window("--api-base", base_url)
        window.setup.client_options.update({**CLIENT_LIMITS, "timeout": timeout})
        window.use_target(window.setup.profile_target)
        fill_form(window)
        return window

    yield build
    for server in servers:
        server.stop()


def assert_shown_intact(window: MainWindow, phrase: str) -> None:
    assert window.statusPanel.kind == "error"
    assert phrase in window.statusLabel.text()
    assert window.linkField.text() == ""
    assert window.emailEdit.text() == "anna@example.com"
    assert window.organizationEdit.text() == "Acme GmbH"
    assert window.toolCombo.currentData() == "personio"
    assert window.createButton.isEnabled()
    for text in (window.statusLabel.text(), window.statusPanel.support_text):
        assert API_KEY not in text
        assert "Traceback" not in text


def submit_and_wait(qtbot: QtBot, window: MainWindow) -> None:
    window.createButton.click()
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)


CASES = [
    pytest.param(
        Reply.kombo_error(401, "PLATFORM.AUTHENTICATION_INVALID", "Invalid key", log_url=LOG_URL),
        "did not accept the API key",
        id="AuthenticationError",
    ),
    pytest.param(
        Reply.kombo_error(403, "PLATFORM.IP_NOT_WHITELISTED", "IP not allowed"),
        "network address",
        id="IpNotAllowedError",
    ),
    pytest.param(
        Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", "end_user_email: Invalid email"),
        "did not accept these details",
        id="InputRejectedError",
    ),
    pytest.param(
        Reply.kombo_error(429, "PLATFORM.RATE_LIMIT_EXCEEDED", "Slow down").with_headers(
            ("Retry-After", "3600")
        ),
        "too many requests",
        id="RateLimitedError",
    ),
    pytest.param(
        Reply.kombo_error(500, "PLATFORM.UNKNOWN_ERROR", "Internal error"),
        "problem on its side",
        id="ServerError",
    ),
    # RequestTimeoutError: test_an_answer_that_comes_too_late_is_explained, with a short timeout.
    pytest.param(Reply.html(200), "did not come from Kombo", id="UnexpectedResponseError"),
    pytest.param(
        Reply.link("javascript:alert(1)"), "not a secure web address", id="UnsafeLinkError"
    ),
]


@pytest.mark.parametrize(("reply", "phrase"), CASES)
def test_kombo_failures_are_explained(
    qtbot: QtBot, window_for: object, reply: Reply, phrase: str
) -> None:
    window = window_for(reply)  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    assert_shown_intact(window, phrase)


def test_an_answer_that_comes_too_late_is_explained(qtbot: QtBot, window_for: object) -> None:
    window = window_for(Reply(delay=5.0), timeout=SHORT_TIMEOUT)  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    # The connection worked: Kombo is slow, the person's internet is not to blame.
    assert_shown_intact(window, "Kombo is slow to answer right now")
    assert "internet" not in window.statusLabel.text()


def test_a_refusal_without_a_known_code_names_the_button_that_copies_the_details(
    qtbot: QtBot, window_for: object
) -> None:
    # 'Kombo could not do this: “Conflict”' gave no way forward.
    window = window_for(Reply.kombo_error(409, None, "Conflict"))  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    assert_shown_intact(window, "Try again")
    copy = window.statusPanel.copyDetailsButton
    assert copy.isVisible() and f"“{copy.text()}”" in window.statusLabel.text()
    assert "Conflict" not in window.statusLabel.text()


def refused(message: str) -> Reply:
    return Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", message)


def test_a_field_kombo_refused_is_marked_opened_and_focused(
    qtbot: QtBot, window_for: object
) -> None:
    window = window_for(refused("scope_config_id: Unknown scope config"))  # type: ignore[operator]
    form = window.linkForm
    window.scopeConfigEdit.setText("sc_9f2")
    assert not form.advanced.expanded
    submit_and_wait(qtbot, window)
    assert_shown_intact(window, "“Scope config id: Unknown scope config”.")
    assert form.field_errors() == {
        "scope_config_id": "Kombo did not accept this: “Unknown scope config”."
    }
    assert form.advanced.expanded  # the field was folded away; now it is on screen
    qtbot.waitUntil(lambda: window.focusWidget() is window.scopeConfigEdit)
    assert window.scopeConfigEdit.text() == "sc_9f2"
    window.scopeConfigEdit.setText("sc_9f3")  # changing the field takes the mark away
    assert form.field_errors() == {}


def test_every_field_kombo_named_is_marked_until_it_changes(
    qtbot: QtBot, window_for: object
) -> None:
    window = window_for(  # type: ignore[operator]
        refused(
            "integration_tool: Personio is not enabled for this account; "
            "enable_field_mapping: not available for this tool"
        )
    )
    submit_and_wait(qtbot, window)
    form = window.linkForm
    # Each field says what Kombo said about it, not the whole refusal.
    tool_reason = "Kombo did not accept this: “Personio is not enabled for this account”."
    assert form.field_errors() == {
        "integration_tool": tool_reason,
        "enable_field_mapping": "Kombo did not accept this: “Not available for this tool”.",
    }
    qtbot.waitUntil(lambda: window.focusWidget() is window.toolCombo)  # the first one named
    window.fieldMappingCheck.setChecked(True)
    assert form.field_errors() == {"integration_tool": tool_reason}
    window.toolCombo.setCurrentIndex(0)  # "The customer chooses"
    assert form.field_errors() == {}


def test_a_refusal_naming_no_field_marks_none(qtbot: QtBot, window_for: object) -> None:
    window = window_for(refused("The tool is not enabled."))  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    assert_shown_intact(window, "The tool is not enabled.")
    assert window.linkForm.field_errors() == {}


def test_a_refused_reconnection_marks_the_integration_id(qtbot: QtBot, window_for: object) -> None:
    window = window_for(refused("integration_id: Invalid integration id"))  # type: ignore[operator]
    window.show_relink_mode("personio:abc")
    window.relinkButton.click()
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
    assert window.relinkForm.field_errors() == {
        "integration_id": "Kombo did not accept this: “Invalid integration id”."
    }
    assert window.linkForm.field_errors() == {}
    assert window.relinkIntegrationEdit.text() == "personio:abc"


# Kombo's usual validation wording: a field's path, then words for developers with the tool
# list in them, not fit to show a customer on a shared screen.
ENUM_REFUSAL = (
    "body.integration_tool: Invalid enum value. Expected 'personio' | 'bamboohr', received 'foo'"
)


def test_a_field_refused_in_technical_words_is_marked_in_plain_ones(
    qtbot: QtBot, window_for: object
) -> None:
    # "Check the fields" with no field marked left the person to guess which one.
    window = window_for(refused(ENUM_REFUSAL))  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    assert_shown_intact(window, "Kombo did not accept the tool. Check the marked field")
    assert window.linkForm.field_errors() == {"integration_tool": "Kombo did not accept this tool."}
    qtbot.waitUntil(lambda: window.focusWidget() is window.toolCombo)
    shown = window.statusLabel.text()
    assert "Expected" not in shown and "bamboohr" not in shown
    assert ENUM_REFUSAL in window.statusPanel.support_text  # Kombo's words, for support


def test_a_reconnection_refused_for_its_language_marks_the_language(
    qtbot: QtBot, window_for: object
) -> None:
    refusal = "language: Invalid enum value. Expected 'en' | 'de', received 'it'"
    window = window_for(refused(refusal))  # type: ignore[operator]
    window.show_relink_mode("personio:abc")
    window.relinkButton.click()
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
    assert "Kombo did not accept the language." in window.statusLabel.text()
    assert window.relinkForm.field_errors() == {"language": "Kombo did not accept this language."}
    qtbot.waitUntil(lambda: window.focusWidget() is window.relinkLanguageCombo)


@pytest.mark.parametrize("path", ["language", "body.language"])
def test_a_mark_quoting_kombo_leaves_out_the_fields_own_name(
    qtbot: QtBot, window_for: object, path: str
) -> None:
    # The mark under "Language" showed Kombo's words with the field's API name in front
    # ("language: not offered for this tool"), which the field's label says already.
    window = window_for(refused(f"{path}: not offered for this tool"))  # type: ignore[operator]
    window.show_relink_mode("personio:abc")
    window.relinkButton.click()
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
    assert window.relinkForm.field_errors() == {
        "language": "Kombo did not accept this: “Not offered for this tool”."
    }


@pytest.mark.parametrize("path", ["end_user_email", "body.end_user_email"])
def test_a_mark_quoting_kombo_starts_with_a_capital_letter(
    qtbot: QtBot, window_for: object, path: str
) -> None:
    window = window_for(refused(f"{path}: must be a work address"))  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    assert window.linkForm.field_errors() == {
        "end_user_email": "Kombo did not accept this: “Must be a work address”."
    }


def test_a_refused_field_says_why_after_the_status_line_has_moved_on(
    qtbot: QtBot, window_for: object
) -> None:
    # The mark said "The message at the bottom of the window says why"; switching
    # screen-sharing mode put another message there, and nothing said why any more.
    window = window_for(refused("end_user_email: Invalid email"))  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    reason = INVALID_EMAIL_MARK
    assert window.linkForm.field_errors() == {"end_user_email": reason}
    window.screen_sharing.privacySwitch.click()
    assert window.statusPanel.text.startswith("Screen-sharing mode is off")
    assert window.linkForm.field_errors() == {"end_user_email": reason}
    assert window.emailEdit.accessibleDescription() == reason  # what a screen reader says
    assert window.emailEdit.property("invalid")


def test_a_refused_field_keeps_its_mark_when_the_person_moves_on_from_it(
    qtbot: QtBot, window_for: object
) -> None:
    # Leaving the field (Tab, or the focus taken to the first of several marked fields)
    # checked it again and took Kombo's mark away, though nothing in it had changed.
    window = window_for(refused("end_user_email: Invalid email"))  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    qtbot.waitUntil(lambda: window.focusWidget() is window.emailEdit)
    qtbot.keyClick(window.emailEdit, Qt.Key.Key_Tab)
    assert window.focusWidget() is not window.emailEdit
    assert window.linkForm.field_errors() == {"end_user_email": INVALID_EMAIL_MARK}


def test_a_field_named_twice_in_a_refusal_says_both_reasons(
    qtbot: QtBot, window_for: object
) -> None:
    window = window_for(  # type: ignore[operator]
        refused(
            "scope_config_id: Unknown scope config; end_user_email: Invalid email; "
            "scope_config_id: must belong to this account"
        )
    )
    window.scopeConfigEdit.setText("sc_9f2")
    submit_and_wait(qtbot, window)
    assert window.linkForm.field_errors() == {
        "scope_config_id": (
            "Kombo did not accept this: “Unknown scope config; must belong to this account”."
        ),
        "end_user_email": INVALID_EMAIL_MARK,
    }


def test_a_refusal_that_is_one_sentence_about_several_fields_is_said_whole(
    qtbot: QtBot, window_for: object
) -> None:
    window = window_for(  # type: ignore[operator]
        refused("end_user_email and end_user_organization_name do not match")
    )
    submit_and_wait(qtbot, window)
    reason = "Kombo did not accept this: “E-mail address and organisation name do not match”."
    assert window.linkForm.field_errors() == {
        "end_user_email": reason,
        "end_user_organization_name": reason,
    }


def test_a_field_kombo_names_by_its_nested_path_is_marked(qtbot: QtBot, window_for: object) -> None:
    # "end_user.organization_name: ..." marked nothing and was quoted as it came, API names and
    # all, under "Check the fields": the person could only send the same form again.
    refusal = "end_user.organization_name: String must contain at least 1 character(s)"
    window = window_for(refused(refusal))  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    assert_shown_intact(window, "the organisation name cannot be empty. Check the fields")
    assert "end_user" not in window.statusLabel.text()
    assert window.linkForm.field_errors() == {
        "end_user_organization_name": "Kombo did not accept this: it cannot be empty."
    }
    qtbot.waitUntil(lambda: window.focusWidget() is window.organizationEdit)


def test_a_schema_checkers_wording_is_said_in_plain_words(qtbot: QtBot, window_for: object) -> None:
    # "Kombo did not accept this: “Expected string, received number”." under the customer id,
    # and "character(s)" on the status line: a schema checker's jargon, in red, on the screen
    # the customer watches.
    kombo_message = (
        "body.end_user_organization_name: String must contain at most 100 character(s); "
        "body.end_user_origin_id: Expected string, received number"
    )
    window = window_for(refused(kombo_message))  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    marks = window.linkForm.field_errors()
    assert (
        marks["end_user_organization_name"]
        == "Kombo did not accept this: it is too long (at most 100 characters)."
    )
    assert "end_user_origin_id" not in marks  # sent by the program as a number: for support
    shown = [*marks.values(), window.statusLabel.text()]
    for jargon in ("Expected string", "received", "character(s)"):
        assert not any(jargon in text for text in shown), shown
    assert f"Message: {kombo_message}" in window.statusPanel.support_text  # for support


def test_a_refused_e_mail_address_is_named_once(qtbot: QtBot, window_for: object) -> None:
    # The status line said "“E-mail address: Not a valid e-mail address”": the field twice.
    window = window_for(refused("body.end_user_email: Invalid email"))  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    assert_shown_intact(
        window, "Kombo did not accept these details: the e-mail address is not valid."
    )
    assert window.statusLabel.text().lower().count("e-mail address") == 1
    assert window.linkForm.field_errors() == {"end_user_email": INVALID_EMAIL_MARK}


def test_a_verdict_kombo_goes_on_from_is_said_once_and_only_the_rest_quoted(
    qtbot: QtBot, window_for: object
) -> None:
    # "“E-mail address: Not a valid e-mail address, please use a company address”": the
    # program's plain words for Kombo's verdict stood inside Kombo's quotes, on a screen the
    # customer watches.
    kombo_message = "end_user_email: Invalid email, please use a company address"
    window = window_for(refused(kombo_message))  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    assert_shown_intact(
        window,
        f"Kombo did not accept these details: {INVALID_EMAIL_SAID} Kombo also said: “Please use "
        "a company address”. Check the fields and try again.",
    )
    assert window.linkForm.field_errors() == {
        "end_user_email": f"{INVALID_EMAIL_MARK} Kombo also said: “Please use a company address”."
    }
    assert f"Message: {kombo_message}" in window.statusPanel.support_text  # for support


@pytest.mark.parametrize(
    ("field", "said_of_the_field"),
    [
        ("end_user_email", "Invalid email, unless it is a test account"),
        (
            "end_user_organization_name",
            "String must contain at most 100 character(s), unless you use an embedded link",
        ),
        # A bare verdict after the full stop: "the e-mail address is not in the form Kombo
        # expects. Kombo also said: “Invalid email.”".
        ("end_user_email", "Invalid email. Expected string, received number"),
    ],
)
def test_a_verdict_kombo_carries_on_is_quoted_as_kombo_wrote_it_on_both_lines(
    qtbot: QtBot, window_for: object, field: str, said_of_the_field: str
) -> None:
    # "“E-mail address: Not a valid e-mail address, unless it is a test account”", "“Organisation
    # name: At most 100 characters, unless you use an embedded link”": the program's words for
    # zod's verdict stood inside Kombo's quotes, on the status line and under the field.
    kombo_message = f"{field}: {said_of_the_field}"
    window = window_for(refused(kombo_message))  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    assert_shown_intact(
        window,
        f"Kombo did not accept these details: “{FORM_NAMES[field].capitalize()}: "
        f"{said_of_the_field}”. Check the fields and try again.",
    )
    assert window.linkForm.field_errors() == {
        field: f"Kombo did not accept this: “{said_of_the_field}”."
    }
    assert f"Message: {kombo_message}" in window.statusPanel.support_text  # for support


def test_the_programs_own_words_are_not_quoted_as_kombos(qtbot: QtBot, window_for: object) -> None:
    # "Kombo did not accept this: “At most 100 characters”.": the program's words in quotation
    # marks, under the field and on the status line, as if Kombo had said them.
    kombo_message = "body.end_user_organization_name: String must contain at most 100 character(s)"
    window = window_for(refused(kombo_message))  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    assert_shown_intact(
        window,
        "Kombo did not accept these details: the organisation name is too long (at most 100 "
        "characters). Check the fields and try again.",
    )
    mark = window.linkForm.field_errors()["end_user_organization_name"]
    assert mark == "Kombo did not accept this: it is too long (at most 100 characters)."
    for shown in (mark, window.statusLabel.text()):
        assert "“" not in shown and "”" not in shown
    assert f"Message: {kombo_message}" in window.statusPanel.support_text  # for support


def test_a_field_named_in_a_json_list_of_issues_is_marked(qtbot: QtBot, window_for: object) -> None:
    # Zod's list of issues, as Kombo's message, got only the general sentence and no mark.
    issues = [{"code": "too_small", "path": ["end_user_organization_name"], "message": "Required"}]
    window = window_for(refused(json.dumps(issues)))  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    assert_shown_intact(window, "the organisation name cannot be empty. Check the fields")
    assert window.linkForm.field_errors() == {
        "end_user_organization_name": "Kombo did not accept this: it cannot be empty."
    }
    qtbot.waitUntil(lambda: window.focusWidget() is window.organizationEdit)


def assert_told_the_typed_details_look_fine(window: MainWindow, kombo_message: str) -> None:
    status = window.statusPanel
    assert status.text == messages.PROGRAM_INPUT_REJECTED_MESSAGE
    assert "look fine" in status.text and "Check the fields" not in status.text
    copy = status.copyDetailsButton
    assert copy.isVisible() and f"“{copy.text()}”" in status.text  # named as it reads
    assert f"Message: {kombo_message}" in status.support_text  # Kombo's words, for support
    assert window.linkForm.field_errors() == {}
    assert window.relinkForm.field_errors() == {}


@pytest.mark.parametrize(
    "kombo_message",
    [
        "foo_bar: Expected string, received number",
        "end_user.name: Required",
        # A field of the reconnection form, which a new link does not have.
        "integration_id: Expected undefined, received string",
        # Quoted, "key(s)" read like the API key, under "Check the fields".
        "Unrecognized key(s) in object: 'foo_bar'",
    ],
)
def test_a_refusal_of_what_the_form_does_not_have_says_the_typed_details_look_fine(
    qtbot: QtBot, window_for: object, kombo_message: str
) -> None:
    # "Kombo did not accept these details: “foo_bar: Expected string, received number”. Check
    # the fields and try again.": no field was marked, and nothing typed could change it.
    window = window_for(refused(kombo_message))  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    assert_shown_intact(window, "The details you typed look fine")
    assert_told_the_typed_details_look_fine(window, kombo_message)
    for raw in ("foo_bar", "end_user", "integration_id"):
        assert raw not in window.statusLabel.text()


def test_a_field_sent_in_the_wrong_form_says_the_typed_details_look_fine(
    qtbot: QtBot, window_for: object
) -> None:
    # "Kombo did not accept these details: the customer id is not in the form Kombo expects.
    # Check the fields and try again.", with the field marked: the program chose the kind of
    # value it sent, and nothing the person typed could mend it.
    kombo_message = "body.end_user_origin_id: Expected string, received number"
    window = window_for(refused(kombo_message))  # type: ignore[operator]
    window.originIdEdit.setText("4711")
    submit_and_wait(qtbot, window)
    assert_shown_intact(window, "The details you typed look fine")
    assert_told_the_typed_details_look_fine(window, kombo_message)


def test_a_refusal_of_a_field_and_of_what_the_program_sent_marks_only_the_field(
    qtbot: QtBot, window_for: object
) -> None:
    # The e-mail field's mark and the status line quoted "foo_bar: Unrecognized key" too,
    # though nothing on the form could mend it.
    kombo_message = "end_user_email: Invalid email; foo_bar: Unrecognized key"
    window = window_for(refused(kombo_message))  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    assert_shown_intact(window, f"{INVALID_EMAIL_SAID} Check the fields.")
    assert window.linkForm.field_errors() == {"end_user_email": INVALID_EMAIL_MARK}
    status = window.statusPanel
    copy = status.copyDetailsButton
    assert copy.isVisible() and f"“{copy.text()}”" in status.text  # named as it reads
    assert "foo_bar" not in status.text and "key" not in status.text
    assert f"Message: {kombo_message}" in status.support_text  # Kombo's words, for support


def test_a_typed_value_kombo_quotes_in_a_fields_refusal_stays_in_the_fields_mark(
    qtbot: QtBot, window_for: object
) -> None:
    # "acme_gmbh" looks like the API name of a part of the request; it is what was typed.
    kombo_message = "end_user_organization_name: Not allowed. The name 'acme_gmbh' is blocked."
    window = window_for(refused(kombo_message))  # type: ignore[operator]
    window.organizationEdit.setText("acme_gmbh")
    submit_and_wait(qtbot, window)
    assert window.linkForm.field_errors() == {
        "end_user_organization_name": (
            "Kombo did not accept this: “Not allowed. The name 'acme_gmbh' is blocked.”"
        )
    }
    assert "Copy details" not in window.statusPanel.text


@pytest.mark.parametrize("kombo_message", ["Bad Request", "Expected string, received null"])
def test_a_refusal_that_gives_no_reason_is_said_in_general_words(
    qtbot: QtBot, window_for: object, kombo_message: str
) -> None:
    # "Kombo did not accept these details: “Bad Request”. Check the fields and try again.":
    # a gateway's status phrase was quoted as if it were Kombo's reason.
    window = window_for(Reply.kombo_error(400, None, kombo_message))  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    assert_shown_intact(window, "Kombo did not accept these details.")
    status = window.statusPanel
    assert status.text == InputRejectedError.default_message
    assert kombo_message not in status.text and "“" not in status.text
    assert status.copyDetailsButton.isVisible()
    assert f"Message: {kombo_message}" in status.support_text  # Kombo's words, for support
    assert window.linkForm.field_errors() == {}


@pytest.mark.parametrize(
    "words",
    [
        "Request blocked by company policy. Call the helpdesk on +1 555 0100 and give them "
        "your password.",
        "end_user_email: blocked by the mail filter of this network.",
    ],
    ids=["proxy-words", "naming-a-field"],
)
def test_a_400_in_words_not_kombos_is_said_as_refused_on_the_way_and_marks_nothing(
    qtbot: QtBot, window_for: object, words: str
) -> None:
    # A proxy's plain-text 400 read 'Kombo did not accept these details: “Request blocked
    # ... give them your password.” Check the fields and try again.', and the e-mail address
    # it named was marked red with its words, as if Kombo had refused what was typed.
    window = window_for(Reply.text(400, words))  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    assert_shown_intact(window, "Something between this computer and Kombo refused")
    status = window.statusPanel
    assert status.text == messages.REFUSED_ON_THE_WAY_MESSAGE
    assert "blocked" not in status.text and "Kombo did not accept" not in status.text
    assert window.linkForm.field_errors() == {}
    assert status.copyDetailsButton.isVisible()
    assert f"Message: {words}" in status.support_text  # the answer's words, for support


def test_a_refused_reconnection_naming_a_new_links_field_says_the_typed_details_look_fine(
    qtbot: QtBot, window_for: object
) -> None:
    kombo_message = "end_user_email: Required"
    window = window_for(refused(kombo_message))  # type: ignore[operator]
    window.show_relink_mode("personio:abc")
    window.relinkButton.click()
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
    assert_told_the_typed_details_look_fine(window, kombo_message)
    assert "mail" not in window.statusLabel.text()
    assert window.relinkIntegrationEdit.text() == "personio:abc"


def add_a_second_profile(window: MainWindow) -> None:
    window.setup.settings_store.save(Settings(profiles=[Profile("default"), Profile("second")]))


def test_a_refusals_marks_go_when_links_go_with_another_profile(
    qtbot: QtBot, window_for: object
) -> None:
    # Another profile is another Kombo account, which may accept what this one refused; the
    # mark stayed, pointing at a status line that now said the links go with the profile "second".
    window = window_for(refused("end_user_email: Invalid email"))  # type: ignore[operator]
    add_a_second_profile(window)
    submit_and_wait(qtbot, window)
    form = window.linkForm
    assert "end_user_email" in form.field_errors()
    window.organizationEdit.setText("")  # a problem found here, not by Kombo: it stays
    own_problem = form.field_errors()["end_user_organization_name"]

    window.use_profile("second")
    assert window.statusPanel.text.startswith("Links are now made with the profile “second”")
    assert form.field_errors() == {"end_user_organization_name": own_problem}
    assert not window.emailEdit.property("invalid")
    assert "Kombo" not in window.emailEdit.accessibleDescription()


def test_a_refused_reconnections_mark_goes_when_links_go_with_another_profile(
    qtbot: QtBot, window_for: object
) -> None:
    window = window_for(refused("integration_id: Invalid integration id"))  # type: ignore[operator]
    add_a_second_profile(window)
    window.show_relink_mode("personio:abc")
    window.relinkButton.click()
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
    assert "integration_id" in window.relinkForm.field_errors()
    window.use_profile("second")
    assert window.relinkForm.field_errors() == {}
    assert not window.relinkIntegrationEdit.property("invalid")


ANNAS_REFUSAL = "end_user_email: anna@example.com already belongs to Acme GmbH"


def test_a_refusal_arriving_after_the_next_customer_was_typed_names_and_marks_nothing(
    qtbot: QtBot, window_for: object
) -> None:
    # Kombo's words quote the details it was sent (the earlier customer's); typed over while
    # Kombo worked, the form holds someone else's, who may be watching.
    window = window_for(replace(refused(ANNAS_REFUSAL), delay=0.3))  # type: ignore[operator]
    window.createButton.click()
    fill_form(window, email="bob@globex.example", organization="Globex Inc")
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)

    status = window.statusPanel
    assert status.text.startswith("Kombo did not accept the details the form had when you")
    assert "anna" not in status.text and "Acme" not in status.text
    assert "anna" not in status.support_text  # screen-sharing mode: no details either
    assert window.linkForm.field_errors() == {}  # Bob's e-mail is not the one refused
    assert window.emailEdit.text() == "bob@globex.example"


def test_outside_screen_sharing_mode_the_typed_over_refusal_keeps_its_details(
    qtbot: QtBot, window_for: object
) -> None:
    window = window_for(replace(refused(ANNAS_REFUSAL), delay=0.3))  # type: ignore[operator]
    window.screen_sharing.set_on(False)
    window.createButton.click()
    fill_form(window, email="bob@globex.example", organization="Globex Inc")
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
    assert "anna" not in window.statusPanel.text
    assert ANNAS_REFUSAL in window.statusPanel.support_text  # for support, when asked for
    assert window.linkForm.field_errors() == {}


def test_typing_the_next_customer_over_a_refusal_takes_its_words_off_the_screen(
    qtbot: QtBot, window_for: object
) -> None:
    window = window_for(refused(ANNAS_REFUSAL))  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    assert "anna@example.com" in window.statusPanel.text  # the person reads what was wrong

    window.emailEdit.setText("bob@globex.example")
    assert "anna" not in window.statusPanel.text
    assert "anna" not in window.statusPanel.support_text
    assert window.statusPanel.text.startswith("The form holds other details now")

    # Outside screen-sharing mode Kombo's words stay while the details are corrected.
    window.screen_sharing.set_on(False)
    submit_and_wait(qtbot, window)
    refusal = window.statusPanel.text
    window.emailEdit.setText("anna@acme.example")
    assert window.statusPanel.text == refusal


def test_an_unknown_integration_answered_after_the_next_id_was_typed_marks_nothing(
    qtbot: QtBot, window_for: object
) -> None:
    missing = Reply.kombo_error(404, "PLATFORM.INTEGRATION_NOT_FOUND", "personio:abc not found")
    window = window_for(replace(missing, delay=0.3))  # type: ignore[operator]
    window.show_relink_mode("personio:abc")
    window.relinkButton.click()
    window.relinkIntegrationEdit.setText("bamboohr:xyz")
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
    assert "“Create reconnection link”" in window.statusPanel.text
    assert "personio:abc" not in window.statusPanel.text + window.statusPanel.support_text
    assert window.relinkForm.field_errors() == {}


def test_correcting_a_field_kombo_refused_keeps_the_reason_in_screen_sharing_mode(
    qtbot: QtBot, window_for: object
) -> None:
    # Its words quote no customer: one Backspace in the refused field took them away, and
    # with the field's mark gone nothing said what was wrong.
    window = window_for(refused("origin_id: must not contain spaces"))  # type: ignore[operator]
    window.originIdEdit.setText("CUST 1042")
    submit_and_wait(qtbot, window)
    reason = window.statusPanel.text
    assert "must not contain spaces" in reason
    window.originIdEdit.setText("CUST1042")
    assert window.statusPanel.text == reason


def test_a_wrong_address_answered_after_the_next_customer_was_typed_says_so(
    qtbot: QtBot, window_for: object
) -> None:
    # A 404 without Kombo's code is a wrong address, not a refusal of the details: it said
    # "Kombo did not accept the details the form had...".
    missing = Reply.kombo_error(404, None, "Not found")
    window = window_for(replace(missing, delay=0.3))  # type: ignore[operator]
    window.createButton.click()
    fill_form(window, email="bob@globex.example", organization="Globex Inc")
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
    assert "did not accept the details" not in window.statusPanel.text
    assert "address" in window.statusPanel.text


def test_typing_the_next_id_over_a_refusal_takes_its_details_off_the_screen(
    qtbot: QtBot, window_for: object
) -> None:
    # The status line did not quote the id, but the open details did ("Request: POST
    # /integrations/acmehr:Mueller-GmbH-7781/relink"), and they stayed for the next customer.
    unknown = Reply.kombo_error(
        404, "PLATFORM.INTEGRATION_NOT_FOUND", "There is no integration with that id."
    )
    window = window_for(unknown)  # type: ignore[operator]
    window.show_relink_mode("acmehr:Mueller-GmbH-7781")
    window.relinkButton.click()
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
    assert "acmehr:Mueller-GmbH-7781" in window.statusPanel.support_text
    window.relinkIntegrationEdit.setText("personio:Baeckerei-Schoen-1")
    assert "Mueller" not in window.statusPanel.text + window.statusPanel.support_text


def test_a_mark_quoting_details_typed_over_goes_with_them(qtbot: QtBot, window_for: object) -> None:
    # The e-mail's mark quotes the organisation Kombo was sent; typed over, its name must not
    # stay beside the next customer's, even once the status line has moved on (here to the
    # screen-sharing switch). A mark that quotes no customer stays.
    window = window_for(  # type: ignore[operator]
        refused(f"{ANNAS_REFUSAL}; integration_tool: Personio is not enabled for this account")
    )
    submit_and_wait(qtbot, window)
    form = window.linkForm
    assert "Acme GmbH" in form.field_errors()["end_user_email"]
    window.screen_sharing.privacySwitch.click()
    window.screen_sharing.privacySwitch.click()
    window.organizationEdit.setText("Globex Inc")
    assert form.field_errors() == {
        "integration_tool": "Kombo did not accept this: “Personio is not enabled for this account”."
    }
    assert "Acme" not in window.emailEdit.accessibleDescription()


def test_a_quote_mark_in_kombos_words_cannot_make_the_rest_read_as_the_programs(
    qtbot: QtBot, window_for: object
) -> None:
    # 'Kombo did not accept these details: “Organisation name: too long.” Your link was
    # e-mailed to the customer already. “”. Check the fields and try again.': Kombo's own
    # closing mark ended the quotation, and the rest read as the program's words.
    planted = "Your link was e-mailed to the customer already."
    window = window_for(  # type: ignore[operator]
        refused(f"end_user_organization_name: too long.” {planted} “")
    )
    submit_and_wait(qtbot, window)
    status = window.statusPanel.text
    assert status.count("“") == 1 and status.count("”") == 1
    assert status.index("“") < status.index(planted) < status.index("”")
    assert status.split("”")[1] == ". Check the fields and try again."
    mark = window.linkForm.field_errors()["end_user_organization_name"]
    assert mark.count("“") == 1 and mark.count("”") == 1
    assert mark.index("“") < mark.index(planted) < mark.index("”")
    assert_shown_intact(window, planted)


def test_a_mark_quoting_a_name_with_quote_marks_goes_when_it_is_typed_over(
    qtbot: QtBot, window_for: object
) -> None:
    # Kombo's words quoting „Nord“ GmbH read ‚Nord‘ GmbH in the mark (double marks inside
    # the quotation become single ones): the name must still be found there, or the earlier
    # customer's name stays beside the next customer's details.
    name = "Bäckerei „Nord“ GmbH"
    window = window_for(  # type: ignore[operator]
        refused(f"end_user_email: anna@example.com already belongs to {name}")
    )
    window.organizationEdit.setText(name)
    submit_and_wait(qtbot, window)
    form = window.linkForm
    assert "Bäckerei ‚Nord‘ GmbH" in form.field_errors()["end_user_email"]
    window.screen_sharing.privacySwitch.click()  # the status line moves on
    window.screen_sharing.privacySwitch.click()
    window.organizationEdit.setText("Globex Inc")
    assert form.field_errors() == {}
    assert "Nord" not in window.emailEdit.accessibleDescription()


def test_a_status_after_the_refusal_is_not_replaced_by_typing(
    qtbot: QtBot, window_for: object
) -> None:
    window = window_for(refused(ANNAS_REFUSAL))  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    window.show_status("Something else happened since.", "info")
    window.emailEdit.setText("bob@globex.example")
    assert window.statusPanel.text == "Something else happened since."


def test_an_unknown_integration_is_explained(qtbot: QtBot, window_for: object) -> None:
    reply = Reply.kombo_error(404, "PLATFORM.INTEGRATION_NOT_FOUND", "No such integration")
    window = window_for(reply)  # type: ignore[operator]
    lookup_of(qtbot, window)
    window.show_relink_mode("personio:doesnotexist")
    window.relinkButton.click()
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
    # It named an "environment (production or development)" Settings never shows, and the
    # example id in straight quotes; then it said the same as the field below the id, with an
    # example id the typed one already looked like. What to do is said there, once.
    assert window.statusLabel.text() == NOT_FOUND_STATUS
    id_hint = window.relinkForm.boxes["integration_id"].hint
    qtbot.waitUntil(lambda: id_hint.isVisible() and id_hint.text() == NOT_FOUND_TEXT)
    assert window.relinkIntegrationEdit.text() == "personio:doesnotexist"
    assert window.relinkButton.isEnabled()


def test_a_refused_connection_is_explained(qtbot: QtBot, window_for: object) -> None:
    window = window_for(base_url=f"http://127.0.0.1:{closed_port()}/v1")  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    assert_shown_intact(window, "Could not reach Kombo")


def test_an_untrusted_certificate_is_refused(qtbot: QtBot, window_for: object) -> None:
    window = window_for(Reply.link("https://connect.kombo.dev/v1?token=x"), tls=True)  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    assert_shown_intact(window, "could not be verified as secure")
    assert window.linkField.text() == ""


def test_without_a_key_the_window_says_what_to_do(qtbot: QtBot, open_window: WindowFactory) -> None:
    window = open_window()  # the real Kombo address: the client refuses before any network use
    fill_form(window)
    submit_and_wait(qtbot, window)
    assert_shown_intact(window, "No API key is set")
    assert window.firstRunNotice.isVisible()


def test_without_a_key_the_error_points_at_the_first_start_notice_instead_of_repeating_it(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # Below the notice ("To make real links, paste your company's Kombo API key in Settings
    # ...", with Open settings and Try the demo) the red error said the same again, with a
    # second "Open settings", and "Details for support" for a key that was never set.
    window = open_window()
    notice = window.firstRunNotice
    fill_form(window)
    submit_and_wait(qtbot, window)
    assert notice.isVisible() and notice.property("attention") is True  # it stands out
    assert window.statusLabel.text() == NO_KEY_SEE_NOTICE_TEXT
    assert "at the top of the window" in window.statusLabel.text()
    panel = window.statusPanel
    assert panel.statusActionButton.isHidden()  # the notice's own buttons are the way on
    assert panel.detailsToggle.isHidden() and panel.copyDetailsButton.isHidden()
    assert panel.support_text == ""
    assert notice.openSettingsButton.isVisible() and notice.tryDemoButton.isVisible()

    notice.tryDemoButton.click()  # the way on taken: the notice goes, calm again if it returns
    assert notice.isHidden() and not notice.property("attention")


def test_support_details_show_the_log_link_and_copy_without_the_key(
    qtbot: QtBot, window_for: object
) -> None:
    reply = Reply.kombo_error(
        401, "PLATFORM.AUTHENTICATION_INVALID", "Invalid key", log_url=LOG_URL
    )
    window = window_for(reply)  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    panel = window.statusPanel
    assert panel.detailsToggle.isVisible()
    assert not panel.statusDetails.isVisible()
    panel.detailsToggle.click()
    assert panel.statusDetails.isVisible()
    details = panel.statusDetails.toPlainText()
    assert LOG_URL in details
    assert "PLATFORM.AUTHENTICATION_INVALID" in details
    panel.copyDetailsButton.click()
    copied = QGuiApplication.clipboard().text()
    assert copied == details
    assert API_KEY not in copied
    # A success afterwards clears the details: they belonged to the failure.
    window.show_status("Ready.", "info")
    assert not panel.detailsToggle.isVisible()
    assert not panel.statusDetails.isVisible()


def test_a_refused_key_offers_the_way_to_settings(qtbot: QtBot, window_for: object) -> None:
    reply = Reply.kombo_error(401, "PLATFORM.AUTHENTICATION_INVALID", "Invalid key")
    window = window_for(reply, key_in_settings=True)  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    action = window.statusPanel.statusActionButton
    assert action.isVisible() and action.text() == "Open settings"
    action.click()
    qtbot.waitUntil(lambda: window.settings_dialog is not None)
    assert window.settings_dialog.isVisible()
    window.settings_dialog.reject()
    # The next message has its own way forward, or none.
    window.show_status("Ready.", "info")
    assert not action.isVisible()


def test_a_refused_key_from_the_environment_is_not_sent_to_settings(
    qtbot: QtBot, window_for: object
) -> None:
    # KOMBO_API_KEY wins over every saved key, yet the message said "Check the key in
    # Settings" (and, for a malformed one, "The saved API key ..."), and offered Settings.
    reply = Reply.kombo_error(401, "PLATFORM.AUTHENTICATION_INVALID", "Invalid key")
    window = window_for(reply)  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    words = window.statusLabel.text()
    assert "did not accept the API key set in KOMBO_API_KEY at 127.0.0.1" in words
    assert "region" not in words  # the address is not one of Kombo's regions
    assert "correct or remove KOMBO_API_KEY" in words
    assert not window.statusPanel.statusActionButton.isVisible()

    # Never sent: a key has no spaces.
    malformed = window_for(reply, api_key="sk live 4f9a")  # type: ignore[operator]
    submit_and_wait(qtbot, malformed)
    words = malformed.statusLabel.text()
    assert words.startswith("The API key set in KOMBO_API_KEY contains spaces")
    assert "saved" not in words
    assert not malformed.statusPanel.statusActionButton.isVisible()


def test_a_refusal_with_a_code_the_program_does_not_know_is_not_blamed_on_the_key(
    qtbot: QtBot, window_for: object
) -> None:
    # A 403 "PLATFORM.FEATURE_NOT_ENABLED" read "Kombo did not accept the API key at ...
    # Check the key in Settings." with "Open settings": the person changed a key that works.
    refusal = "The field mapping feature is not enabled for your plan."
    reply = Reply.kombo_error(403, "PLATFORM.FEATURE_NOT_ENABLED", refusal)
    window = window_for(reply, key_in_settings=True)  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    assert_shown_intact(window, f"Kombo could not do this: “{refusal}” No link was made.")
    assert "API key" not in window.statusLabel.text()
    assert not window.statusPanel.statusActionButton.isVisible()
    copy = window.statusPanel.copyDetailsButton
    assert copy.isVisible() and f"“{copy.text()}”" in window.statusLabel.text()
    assert "Kombo error code: PLATFORM.FEATURE_NOT_ENABLED" in window.statusPanel.support_text


def test_a_blocked_network_address_offers_no_settings_button(
    qtbot: QtBot, window_for: object
) -> None:
    window = window_for(Reply.kombo_error(403, "PLATFORM.IP_NOT_WHITELISTED", "IP"))  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    assert not window.statusPanel.statusActionButton.isVisible()  # no setting fixes this


def test_a_refused_key_points_at_the_region_only_where_a_region_decides(
    open_window: WindowFactory, demo_server: DemoKomboServer
) -> None:
    # At another address than Kombo's regions (--api-base, a profile's own address, the
    # administrator's), "meant for the other region" sent the person to a list not used.
    at_region = open_window()
    assert (
        at_region.link_making.refusals._words_for(AuthenticationError())
        == AuthenticationError.default_message
    )
    elsewhere = open_window("--api-base", demo_server.base_url)
    words = elsewhere.link_making.refusals._words_for(AuthenticationError())
    assert "did not accept the API key at 127.0.0.1" in words and "region" not in words
    ip_refused = IpNotAllowedError()
    assert elsewhere.link_making.refusals._words_for(ip_refused) == ip_refused.user_message


@pytest.mark.parametrize(
    "refusal",
    [
        Reply.kombo_error(401, "PLATFORM.AUTHENTICATION_INVALID", "Invalid API key."),
        Reply.json({"error": "unauthorized"}, status=401),
    ],
    ids=["kombo-words", "bare-401"],
)
def test_a_local_profile_without_a_key_is_told_no_key_is_saved_not_that_it_was_refused(
    qtbot: QtBot,
    open_window: WindowFactory,
    monkeypatch: pytest.MonkeyPatch,
    refusal: Reply,
) -> None:
    # A profile sending to a test service on this computer, with no key saved: requests go
    # without one there (a local service may need none), and when the service wanted one the
    # person read "Kombo did not accept the API key at 127.0.0.1. It may be mistyped or
    # revoked. Check the key in Settings." about a key there is not.
    monkeypatch.delenv("KOMBO_API_KEY", raising=False)
    with FaultServer(fallback=tools_or(refusal)) as server:
        local = Profile("Local test", Region.CUSTOM, custom_base=server.base_url)
        store = SettingsStore(AppPaths.from_environment())
        store.save(Settings(profiles=[local], active_profile="Local test"))
        window = open_window()
        fill_form(window)
        submit_and_wait(qtbot, window)
        sent = [r for r in server.requests if r.path.endswith("/connect/create-link")]
        assert [r.header("Authorization") for r in sent] == [None]
        window.close()

    words = window.statusLabel.text()
    assert words == (
        "The service at 127.0.0.1 asks for an API key, and no key is saved for this profile. "
        "Open Settings, paste the key for this profile in the API key field and save it, then "
        "try again."
    )
    assert words == messages.no_key_saved_message("127.0.0.1")
    action = window.statusPanel.statusActionButton
    assert action.text() == "Open settings"
    assert "HTTP status: 401" in window.statusPanel.support_text
    assert window.organizationEdit.text() == "Acme GmbH"  # nothing typed is lost


def a_window_showing_the_first_start_notice(
    qtbot: QtBot, open_window: WindowFactory, server: FaultServer
) -> MainWindow:
    """A window for a profile sending to ``server`` on this computer, with no key saved: the
    key's check at start found none, and the first-start notice says to add one."""
    local = Profile("Local test", Region.CUSTOM, custom_base=server.base_url)
    store = SettingsStore(AppPaths.from_environment())
    store.save(Settings(profiles=[local], active_profile="Local test"))
    window = open_window()
    qtbot.waitUntil(window.firstRunNotice.isVisible, timeout=5000)
    wait_until_settled(qtbot, window)
    return window


def test_an_error_below_the_first_start_notice_leaves_open_settings_to_the_notice(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # The notice at the top ("… paste your company's Kombo API key in Settings", with "Open
    # settings") was on show when the service on this computer asked for a key: the error
    # below it offered a second "Open settings", two buttons for the same thing at once.
    refusal = Reply.kombo_error(401, "PLATFORM.AUTHENTICATION_INVALID", "Invalid API key.")
    with FaultServer(fallback=tools_or(refusal)) as server:
        window = a_window_showing_the_first_start_notice(qtbot, open_window, server)
        fill_form(window)
        submit_and_wait(qtbot, window)
        assert window.statusLabel.text() == messages.no_key_saved_message("127.0.0.1")
        notice = window.firstRunNotice
        assert notice.isVisible() and notice.openSettingsButton.isVisible()
        assert window.statusPanel.statusActionButton.isHidden()
        assert "HTTP status: 401" in window.statusPanel.support_text  # still for support
        window.close()


def test_a_password_store_locked_below_the_first_start_notice_offers_no_second_open_settings(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # The notice was on show, and the password store was locked before "Create link": the
    # error saying so offered "Open settings" below the notice's own.
    store = LockableKeyring()
    keyring.set_keyring(store)  # conftest restores the previous one
    with FaultServer(fallback=tools_or(Reply())) as server:
        window = a_window_showing_the_first_start_notice(qtbot, open_window, server)
        store.locked = True
        fill_form(window)
        submit_and_wait(qtbot, window)
        assert window.statusLabel.text() == STORE_READ_LOCKED
        assert window.firstRunNotice.openSettingsButton.isVisible()
        assert window.statusPanel.statusActionButton.isHidden()
        window.close()


def test_a_wrong_address_given_at_start_is_not_sent_to_settings(
    qtbot: QtBot, window_for: object
) -> None:
    # --api-base wins over the region and address in Settings (which says so), yet a 404
    # said "Check the region or the custom API address in Settings".
    reply = Reply.kombo_error(404, None, "Cannot POST /v1/connect/create-link")
    window = window_for(reply)  # type: ignore[operator]
    submit_and_wait(qtbot, window)
    words = window.statusLabel.text()
    assert words.startswith("Kombo did not recognise the request's address.")
    assert "--api-base" in words and "Settings" not in words


@pytest.mark.parametrize(
    "error",
    [NotFoundError(messages.WRONG_ADDRESS_MESSAGE), ConnectionFailedError(messages.DNS_MESSAGE)],
)
def test_an_address_problem_points_to_whoever_set_the_address(
    open_window: WindowFactory,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    error: KomboError,
) -> None:
    # Under the administrator's address or KOMBO_API_BASE, Settings greys out the region and
    # address or says they are not used: sent there, the person was stuck.
    at_region = open_window()
    assert at_region.link_making.refusals._words_for(error) == error.user_message
    assert "Settings" in error.user_message

    monkeypatch.setenv("KOMBO_API_BASE", "https://kombo-proxy.invalid/v1")
    from_environment = open_window().link_making.refusals._words_for(error)
    assert "correct or remove KOMBO_API_BASE" in from_environment
    assert "Settings" not in from_environment

    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"fixed_api_base": "https://kombo.invalid/v1"}), "utf-8")
    monkeypatch.setenv("KOMBO_DESKTOP_POLICY", str(policy))
    from_administrator = open_window().link_making.refusals._words_for(error)
    assert "administrator" in from_administrator and "IT team" in from_administrator
    assert "KOMBO_API_BASE" not in from_administrator  # the administrator's address wins
    assert "Settings" not in from_administrator


def test_a_key_refused_at_start_is_said_before_the_form_is_filled(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The tool lists are asked for at start; Kombo refused the key there, yet the window said
    # "Ready." and the person learnt of it only after filling in the whole form.
    refused = Reply.kombo_error(401, "PLATFORM.AUTHENTICATION_INVALID", "Invalid key")
    with FaultServer(fallback=refused) as kombo:
        monkeypatch.delenv("KOMBO_API_KEY", raising=False)
        CredentialStore().save("default", API_KEY)
        # And a settings file that could not be read: its note stays (it may be the cause).
        settings_file = AppPaths.from_environment().settings_file
        settings_file.parent.mkdir(parents=True, exist_ok=True)
        settings_file.write_text("{ not json", encoding="utf-8")
        window = open_window("--api-base", kombo.base_url)
        qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
        lines = window.statusLabel.text().splitlines()
        assert lines[0].startswith("Your saved settings could not be read")
        assert lines[-1].startswith("Kombo did not accept the API key")
        assert window.statusPanel.statusActionButton.text() == "Open settings"
        assert [r.path for r in kombo.requests] == ["/v1/tools/hris"]  # no link was asked for
        assert window.createButton.isEnabled()  # nothing is blocked
        window.close()


@pytest.mark.parametrize("given_in", ["KOMBO_API_KEY", "password store"])
def test_a_key_too_short_to_be_a_kombo_key_is_said_at_start_and_never_sent(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch, given_in: str
) -> None:
    # A key of 7 characters is not masked in the log, nor was it looked for in the links Kombo
    # sent: one carried in a link was shown, copied and saved. Set in KOMBO_API_KEY (or stored
    # with "keyring set"), it was sent all the same; now it never is, and the window says why.
    import keyring

    from kombo_desktop.core.credentials import SERVICE_NAME

    short_key = "Qz7xYw3"
    link = Reply.link(f"https://connect.kombo.dev/v1?token=abc&k={short_key}")
    with FaultServer(fallback=link) as kombo:
        if given_in == "KOMBO_API_KEY":
            monkeypatch.setenv("KOMBO_API_KEY", short_key)
        else:
            monkeypatch.delenv("KOMBO_API_KEY", raising=False)
            keyring.set_password(SERVICE_NAME, "default", short_key)
        window = open_window("--api-base", kombo.base_url)
        qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
        said_at_start = window.statusLabel.text().splitlines()[-1]
        fill_form(window)
        window.createButton.click()
        qtbot.waitUntil(lambda: not window.busy, timeout=10_000)
        assert kombo.requests == []
    assert window.linkField.text() == ""
    words = window.statusLabel.text()
    assert words == said_at_start  # the same words when Create is pressed
    if given_in == "KOMBO_API_KEY":
        assert words.startswith("The API key set in KOMBO_API_KEY is too short to be a Kombo")
        assert "correct or remove KOMBO_API_KEY" in words
        assert not window.statusPanel.statusActionButton.isVisible()
    else:
        assert words.startswith("The saved API key is too short to be a Kombo API key.")
        assert window.statusPanel.statusActionButton.text() == "Open settings"
    window.close()


def test_a_network_failure_at_start_stays_quiet(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FaultServer(fallback=Reply.kombo_error(503, "PLATFORM.UNKNOWN", "Down")) as kombo:
        monkeypatch.delenv("KOMBO_API_KEY", raising=False)
        CredentialStore().save("default", API_KEY)
        window = open_window("--api-base", kombo.base_url)
        qtbot.waitUntil(lambda: len(kombo.requests) >= 1, timeout=10_000)
        wait_until_settled(qtbot, window)  # the failed request's outcome has been acted on
        assert window.statusPanel.kind != "error"
        window.close()


def test_trying_again_by_itself_is_shown_but_said_only_at_the_start_and_the_end(
    qtbot: QtBot, window_for: object, spoken: Spoken
) -> None:
    # Each try and each wait in between was said too: about seven sentences in five seconds
    # ("Asking Kombo again (try 2 of at most 4)…" again and again) over whatever the person
    # was listening to.
    down = Reply.kombo_error(503, "PLATFORM.UNKNOWN", "Down")
    with FaultServer(fallback=tools_or(down)) as kombo:
        window = window_for(base_url=kombo.base_url)  # type: ignore[operator]
        spoken.clear()
        submit_and_wait(qtbot, window)
        tries = [r for r in kombo.requests if r.path.endswith("/create-link")]
        assert len(tries) == 4  # asked again by itself three times
        assert [words for words, _ in spoken] == [
            "Asking Kombo for the link… To stop waiting, press Cancel or Esc.",
            window.statusLabel.text(),
        ]
        assert spoken[-1][1] == QAccessible.AnnouncementPoliteness.Assertive
        window.close()


def test_kombo_unreachable_at_start_is_said_quietly_before_the_first_press(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The status line said "Ready." until the first "Create link" failed after its retries.
    monkeypatch.delenv("KOMBO_API_KEY", raising=False)
    CredentialStore().save("default", API_KEY)
    window = open_window("--api-base", f"http://127.0.0.1:{closed_port()}/v1")
    assert window.statusPanel.text == "Ready."  # the tool lists are asked for after the start
    qtbot.waitUntil(lambda: window.statusPanel.text != "Ready.", timeout=30_000)
    assert window.statusPanel.text == (
        "Kombo cannot be reached right now. Check that you are online; the form keeps what you "
        "type."
    )
    assert window.statusPanel.kind == "info"
    assert QApplication.activeModalWidget() is None  # no dialog in the way
    assert window.createButton.isEnabled()
