"""After Kombo's "too many requests", or a "not available" that named a wait, the buttons hold
the next request back until the wait asked for is over (``kombo_desktop.ui.kombo_pause``).

The window talks to a real server on 127.0.0.1 that answers the link requests with a 429 or a
503, and the server's own records prove what was sent: a press during the wait sends nothing,
one after it does. Each client makes one attempt unless a test says otherwise, so the refusal
is the final answer at once.
"""

from __future__ import annotations

from typing import Protocol

import pytest
from PySide6.QtGui import QAccessible, QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QListWidget, QPushButton
from pytestqt.qtbot import QtBot

from kombo_desktop.core.credentials import CredentialStore
from kombo_desktop.core.messages import PAUSE_OVER_MESSAGE
from kombo_desktop.core.paths import AppPaths
from kombo_desktop.core.settings import Profile, Region, Settings, SettingsStore
from kombo_desktop.ui.main_window import MainWindow
from tests.e2e.conftest import PostScript, posts
from tests.support.client_limits import GENEROUS_TIMEOUT
from tests.support.fault_server import FaultServer, RecordedRequest, Reply, Responder
from tests.ui.conftest import (
    Spoken,
    WindowFactory,
    fill_form,
    settings_of,
    wait_until_settled,
)

GOOD_LINK = "https://connect.kombo.dev/v1?token=eyJhbGciOiJIUzI1NiJ9.rate-pause.signature"
INTEGRATION_ID = "personio:8d2fQk3mZ1"
POLITE = QAccessible.AnnouncementPoliteness.Polite


class WindowAt(Protocol):
    def __call__(self, server: FaultServer, *, attempts: int = 1) -> MainWindow: ...


def too_many_requests(retry_after: str | None) -> Reply:
    headers = [("Retry-After", retry_after)] if retry_after is not None else []
    return Reply.kombo_error(429, "PLATFORM.RATE_LIMIT_EXCEEDED", "Slow down.", headers=headers)


@pytest.fixture
def window_at(open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch) -> WindowAt:
    """A window whose links go to ``server``, ``attempts`` attempts per request."""

    def build(server: FaultServer, *, attempts: int = 1) -> MainWindow:
        monkeypatch.setenv("KOMBO_API_KEY", "sk_test_rate_limit_pause")
        window = open_window("--api-base", server.base_url)
        window.setup.client_options.update({"timeout": GENEROUS_TIMEOUT, "max_attempts": attempts})
        window.use_target(window.setup.profile_target)
        return window

    return build


def assert_details_kept(window: MainWindow, refusal_details: str) -> None:
    """The status line still offers the refusal's details for support, word for word."""
    panel = window.statusPanel
    assert panel.support_text == refusal_details
    assert not panel.detailsToggle.isHidden() and not panel.copyDetailsButton.isHidden()


def press_until_answered(qtbot: QtBot, window: MainWindow, button: str) -> None:
    pressed = window.findChild(QPushButton, button)
    assert pressed is not None and pressed.isEnabled()
    pressed.click()
    assert window.busy, f"{button} did not send a request"
    qtbot.waitUntil(lambda: not window.busy, timeout=10_000)


def test_create_pressed_during_the_wait_sends_nothing_and_works_once_it_is_over(
    qtbot: QtBot, window_at: WindowAt, spoken: Spoken
) -> None:
    script = PostScript(too_many_requests("2"), then=Reply.link(GOOD_LINK))
    with FaultServer(fallback=script) as server:
        window = window_at(server)
        fill_form(window)
        press_until_answered(qtbot, window, "createButton")
        refusal = window.statusPanel.text
        assert "too many requests" in refusal and "in a few seconds" in refusal
        refusal_details = window.statusPanel.support_text
        assert "PLATFORM.RATE_LIMIT_EXCEEDED" in refusal_details
        assert len(posts(server.requests)) == 1
        spoken.clear()

        window.createButton.click()
        assert not window.busy
        assert window.createButton.isEnabled()  # usable-looking: a press explains the wait
        held = window.statusPanel.text
        assert held.startswith("Nothing was sent: Kombo asked for a pause.")
        assert "“Create link” again in 2 seconds" in held or "again in 1 second" in held
        assert "What you typed is kept." in held
        assert window.emailEdit.text() == "anna@example.com"
        assert window.organizationEdit.text() == "Acme GmbH"
        assert window.toolCombo.currentData() == "personio"
        assert_details_kept(window, refusal_details)  # what support needs, still there

        qtbot.waitUntil(lambda: window.statusPanel.text == PAUSE_OVER_MESSAGE, timeout=10_000)
        assert len(posts(server.requests)) == 1, "the press during the wait sent a request"
        assert window.statusPanel.kind == "info"
        assert_details_kept(window, refusal_details)
        # Told once per press and once at the end, politely: no ticking countdown.
        assert spoken == [(held, POLITE), (PAUSE_OVER_MESSAGE, POLITE)]

        press_until_answered(qtbot, window, "createButton")
        assert window.linkField.text() == GOOD_LINK
        assert len(posts(server.requests)) == 2


def test_reconnect_pressed_during_the_wait_sends_nothing_and_works_once_it_is_over(
    qtbot: QtBot, window_at: WindowAt
) -> None:
    script = PostScript(too_many_requests("2"), then=Reply.link(GOOD_LINK))
    with FaultServer(fallback=script) as server:
        window = window_at(server)
        window.show_relink_mode(INTEGRATION_ID)
        press_until_answered(qtbot, window, "relinkButton")
        assert "too many requests" in window.statusPanel.text
        relinks = posts(server.requests)
        assert len(relinks) == 1 and relinks[0].path.endswith("/relink")

        window.relinkForm.relinkButton.click()
        assert not window.busy
        assert "again in" in window.statusPanel.text
        assert "“Create reconnection link”" in window.statusPanel.text
        assert window.relinkForm.relinkIntegrationEdit.text() == INTEGRATION_ID

        qtbot.waitUntil(lambda: window.statusPanel.text == PAUSE_OVER_MESSAGE, timeout=10_000)
        assert len(posts(server.requests)) == 1, "the press during the wait sent a request"
        press_until_answered(qtbot, window, "relinkButton")
        assert window.linkField.text() == GOOD_LINK
        assert len(posts(server.requests)) == 2


def test_a_long_wait_is_told_in_minutes_and_holds_both_buttons(
    qtbot: QtBot, window_at: WindowAt
) -> None:
    with FaultServer(fallback=PostScript(then=too_many_requests("185"))) as server:
        window = window_at(server)
        fill_form(window)
        press_until_answered(qtbot, window, "createButton")
        assert "Try again in about 4 minutes." in window.statusPanel.text
        window.createButton.click()
        assert "“Create link” again in about 4 minutes" in window.statusPanel.text
        # Kombo's limit is the account's, whichever button asks.
        window.show_relink_mode(INTEGRATION_ID)
        window.relinkForm.relinkButton.click()
        assert "again in about 4 minutes" in window.statusPanel.text
        assert not window.busy
        assert len(posts(server.requests)) == 1


def test_copy_details_after_a_held_press_copies_kombos_refusal(
    qtbot: QtBot, window_at: WindowAt
) -> None:
    """A press during the wait took the red refusal's place, and with it "Details for
    support" and "Copy details": what support needs was gone for the rest of the wait."""
    with FaultServer(fallback=PostScript(then=too_many_requests("185"))) as server:
        window = window_at(server)
        fill_form(window)
        press_until_answered(qtbot, window, "createButton")
        refusal = window.statusPanel.text
        refusal_details = window.statusPanel.support_text
        window.createButton.click()
        window.show_relink_mode(INTEGRATION_ID)
        window.relinkForm.relinkButton.click()
        assert window.statusPanel.text.startswith("Nothing was sent: Kombo asked for a pause.")
        assert_details_kept(window, refusal_details)

        window.statusPanel.copyDetailsButton.click()
        copied = QGuiApplication.clipboard().text()
        assert copied == refusal_details
        assert f"What happened: {refusal}" in copied
        assert "HTTP status: 429" in copied
        assert "sk_test_rate_limit_pause" not in copied
        assert len(posts(server.requests)) == 1


def test_without_a_wait_named_the_window_holds_back_the_one_it_advises(
    qtbot: QtBot, window_at: WindowAt
) -> None:
    with FaultServer(fallback=PostScript(then=too_many_requests(None))) as server:
        window = window_at(server)
        fill_form(window)
        press_until_answered(qtbot, window, "createButton")
        assert "Try again in about 30 seconds." in window.statusPanel.text
        window.createButton.click()
        held = window.statusPanel.text
        assert "“Create link” again in 30 seconds" in held
        # The length is the program's own: Kombo did not ask for it.
        assert held.startswith("Nothing was sent: Kombo was busy with too many requests.")
        assert "asked" not in held
        assert len(posts(server.requests)) == 1


def test_another_profile_is_not_held_back_by_the_last_ones_limit(
    qtbot: QtBot, window_at: WindowAt
) -> None:
    script = PostScript(too_many_requests("300"), then=Reply.link(GOOD_LINK))
    with FaultServer(fallback=script) as server:
        window = window_at(server)
        fill_form(window)
        press_until_answered(qtbot, window, "createButton")
        window.use_target(window.setup.profile_target)  # where links go was set anew
        press_until_answered(qtbot, window, "createButton")
        assert window.linkField.text() == GOOD_LINK
        assert len(posts(server.requests)) == 2


def not_available(retry_after: str | None) -> Reply:
    """Kombo, or a gateway in front of it, unavailable: for ``retry_after`` seconds if named."""
    reply = Reply.kombo_error(503, "PLATFORM.UNKNOWN_ERROR", "Service unavailable.")
    return reply.with_headers(("Retry-After", retry_after)) if retry_after is not None else reply


def test_create_pressed_while_kombo_is_unavailable_sends_nothing_until_the_named_wait_is_over(
    qtbot: QtBot, window_at: WindowAt
) -> None:
    """The client waited the two seconds between its own attempts; the last answer named the
    same wait, and a press right after it was sent at once, into the same refusal."""
    script = PostScript(not_available("2"), not_available("2"), then=Reply.link(GOOD_LINK))
    with FaultServer(fallback=script) as server:
        window = window_at(server, attempts=2)
        fill_form(window)
        press_until_answered(qtbot, window, "createButton")
        refusal = window.statusPanel.text
        assert refusal.startswith("Kombo is unavailable for a moment") and "few seconds" in refusal
        refusal_details = window.statusPanel.support_text
        assert "HTTP status: 503" in refusal_details
        assert len(posts(server.requests)) == 2

        window.createButton.click()
        assert not window.busy
        held = window.statusPanel.text
        assert held.startswith("Nothing was sent: Kombo said it is unavailable for a moment.")
        assert "“Create link” again in 2 seconds" in held or "again in 1 second" in held
        assert "What you typed is kept." in held
        assert window.emailEdit.text() == "anna@example.com"
        assert_details_kept(window, refusal_details)

        qtbot.waitUntil(lambda: window.statusPanel.text == PAUSE_OVER_MESSAGE, timeout=10_000)
        assert len(posts(server.requests)) == 2, "the press during the wait sent a request"
        assert_details_kept(window, refusal_details)
        press_until_answered(qtbot, window, "createButton")
        assert window.linkField.text() == GOOD_LINK
        assert len(posts(server.requests)) == 3


def test_reconnect_is_held_back_too_while_kombo_is_unavailable(
    qtbot: QtBot, window_at: WindowAt
) -> None:
    with FaultServer(fallback=PostScript(then=not_available("185"))) as server:
        window = window_at(server)
        window.show_relink_mode(INTEGRATION_ID)
        press_until_answered(qtbot, window, "relinkButton")
        assert "Try again in about 4 minutes." in window.statusPanel.text
        window.relinkForm.relinkButton.click()
        assert not window.busy
        assert "“Create reconnection link” again in about 4 minutes" in window.statusPanel.text
        assert len(posts(server.requests)) == 1


def test_an_error_page_that_named_a_wait_holds_back_without_blaming_kombo(
    qtbot: QtBot, window_at: WindowAt
) -> None:
    """A proxy's "unavailable" page: the window says an error page came back from Kombo or a
    device on the way, so the held press does not claim Kombo said anything."""
    page = Reply.html(503, "Service Unavailable").with_headers(("Retry-After", "185"))
    with FaultServer(fallback=PostScript(then=page)) as server:
        window = window_at(server)
        fill_form(window)
        press_until_answered(qtbot, window, "createButton")
        assert window.statusPanel.text.startswith("An error page came back")
        window.createButton.click()
        assert not window.busy
        assert window.statusPanel.text.startswith(
            "Nothing was sent: the last answer asked for a wait."
        )
        assert len(posts(server.requests)) == 1


def test_unavailable_without_a_wait_named_holds_nothing_back(
    qtbot: QtBot, window_at: WindowAt
) -> None:
    with FaultServer(
        fallback=PostScript(not_available(None), then=Reply.link(GOOD_LINK))
    ) as server:
        window = window_at(server)
        fill_form(window)
        press_until_answered(qtbot, window, "createButton")
        assert window.statusPanel.kind == "error"
        press_until_answered(qtbot, window, "createButton")  # sent at once
        assert window.linkField.text() == GOOD_LINK
        assert len(posts(server.requests)) == 2


STORED_KEY = "sk_test_pause_stored_key_1"
NEW_KEY = "sk_test_pause_new_key_2"


def checking_keys(script: PostScript) -> Responder:
    """``script`` for the link requests; Kombo accepts any key Settings checks."""

    def respond(request: RecordedRequest) -> Reply:
        if request.path.endswith("/check-api-key"):
            return Reply.environment("env-pause")
        return script(request)

    return respond


def save_key_in_settings(
    qtbot: QtBot,
    window: MainWindow,
    key: str,
    *,
    rename_to: str | None = None,
    said: str = "Kombo accepted the key",
) -> None:
    """Paste ``key`` in Settings, press its Save button, close Settings once it ``said`` so
    (letting go of the key if it is still in the field, unsaved); first rename the profile in
    use to ``rename_to``, if given."""
    dialog = settings_of(qtbot, window)
    if rename_to is not None:
        name_edit = dialog.findChild(QLineEdit, "profileNameEdit")
        rename = dialog.findChild(QAbstractButton, "renameProfileButton")
        assert name_edit is not None and rename is not None
        name_edit.setText(rename_to)
        rename.click()
        qtbot.waitUntil(lambda: window.setup.profile_name == rename_to and not dialog.busy)
    key_edit = dialog.findChild(QLineEdit, "apiKeyEdit")
    save = dialog.findChild(QAbstractButton, "saveKeyButton")
    assert key_edit is not None and save is not None
    key_edit.setText(key)
    save.click()
    qtbot.waitUntil(lambda: said in dialog.settingsStatusLabel.text())
    qtbot.waitUntil(lambda: not dialog.busy)
    key_edit.clear()
    dialog.reject()
    qtbot.waitUntil(lambda: window.settings_dialog is None)
    wait_until_settled(qtbot, window)


@pytest.fixture
def window_with_stored_key(open_window: WindowFactory) -> WindowAt:
    """A window whose links go to ``server`` with the key stored for its profile."""

    def build(server: FaultServer, *, attempts: int = 1) -> MainWindow:
        CredentialStore().save("default", STORED_KEY)
        window = open_window("--api-base", server.base_url)
        window.setup.client_options.update({"timeout": GENEROUS_TIMEOUT, "max_attempts": attempts})
        window.use_target(window.setup.profile_target)
        return window

    return build


@pytest.mark.parametrize("rename_to", [None, "Sales team"])
def test_saving_the_same_key_again_in_settings_keeps_the_pause(
    qtbot: QtBot, window_with_stored_key: WindowAt, rename_to: str | None
) -> None:
    """The same key for the same profile is the same Kombo account, with the same limit: a
    Save in Settings that changed nothing let the next press through, into another 429. A
    renamed profile is still the same place, its key moved with it: its check is not sent
    either."""
    script = PostScript(too_many_requests("300"), then=Reply.link(GOOD_LINK))
    with FaultServer(fallback=checking_keys(script)) as server:
        window = window_with_stored_key(server)
        fill_form(window)
        press_until_answered(qtbot, window, "createButton")
        assert "too many requests" in window.statusPanel.text

        paused = "Nothing was sent: Kombo asked for a pause."
        save_key_in_settings(qtbot, window, STORED_KEY, rename_to=rename_to, said=paused)

        window.createButton.click()
        assert not window.busy
        assert window.statusPanel.text.startswith("Nothing was sent: Kombo asked for a pause.")
        assert len(posts(server.requests)) == 1


def test_another_key_saved_in_settings_ends_the_pause(
    qtbot: QtBot, window_with_stored_key: WindowAt
) -> None:
    """Another key may belong to another Kombo account, with limits of its own."""
    script = PostScript(too_many_requests("300"), then=Reply.link(GOOD_LINK))
    with FaultServer(fallback=checking_keys(script)) as server:
        window = window_with_stored_key(server)
        fill_form(window)
        press_until_answered(qtbot, window, "createButton")

        save_key_in_settings(qtbot, window, NEW_KEY)

        press_until_answered(qtbot, window, "createButton")
        assert window.linkField.text() == GOOD_LINK
        assert len(posts(server.requests)) == 2


def key_checks(server: FaultServer) -> int:
    """How many key checks reached Kombo."""
    return sum(request.path.endswith("/check-api-key") for request in server.requests)


def press_in_settings(qtbot: QtBot, window: MainWindow, button: str, key: str = "") -> str:
    """Open Settings, paste ``key`` if given, press ``button`` and return what the dialog said
    once it is done."""
    dialog = settings_of(qtbot, window)
    if key:
        key_edit = dialog.findChild(QLineEdit, "apiKeyEdit")
        assert key_edit is not None
        key_edit.setText(key)
    pressed = dialog.findChild(QAbstractButton, button)
    assert pressed is not None and pressed.isEnabled()
    pressed.click()
    qtbot.waitUntil(lambda: not dialog.busy)
    return dialog.settingsStatusLabel.text()


@pytest.mark.parametrize(("button", "key"), [("checkKeyButton", ""), ("saveKeyButton", STORED_KEY)])
def test_checking_the_paused_key_in_settings_sends_nothing_during_the_wait(
    qtbot: QtBot, window_with_stored_key: WindowAt, button: str, key: str
) -> None:
    """The key Kombo asked to pause for counts against the same limit in Settings: its check
    only earned another "too many requests", which Settings took for a refused key."""
    script = PostScript(too_many_requests("300"), then=Reply.link(GOOD_LINK))
    with FaultServer(fallback=checking_keys(script)) as server:
        window = window_with_stored_key(server)
        fill_form(window)
        press_until_answered(qtbot, window, "createButton")

        said = press_in_settings(qtbot, window, button, key)

        assert key_checks(server) == 0
        assert said.startswith("Nothing was sent: Kombo asked for a pause. Press “")
        assert "again in 5 minutes" in said or "again in about 5 minutes" in said


def test_another_key_is_checked_in_settings_during_the_wait(
    qtbot: QtBot, window_with_stored_key: WindowAt
) -> None:
    """Another key may belong to another Kombo account, with limits of its own."""
    script = PostScript(too_many_requests("300"), then=Reply.link(GOOD_LINK))
    with FaultServer(fallback=checking_keys(script)) as server:
        window = window_with_stored_key(server)
        fill_form(window)
        press_until_answered(qtbot, window, "createButton")

        said = press_in_settings(qtbot, window, "saveKeyButton", NEW_KEY)

        assert key_checks(server) == 1
        assert "Kombo accepted the key" in said


@pytest.mark.parametrize("address", ["the same address", "another address"])
def test_another_profiles_key_is_checked_in_settings_during_the_wait(
    qtbot: QtBot, open_window: WindowFactory, address: str
) -> None:
    """Another profile is another place, not paused, even with the same key (at the same
    address or another): its check in Settings is sent at once, and the profile in use stays
    paused."""
    script = PostScript(too_many_requests("300"), then=Reply.link(GOOD_LINK))
    with (
        FaultServer(fallback=checking_keys(script)) as server,
        FaultServer(fallback=checking_keys(script)) as other_server,
    ):
        checked = server if address == "the same address" else other_server
        profiles = [
            Profile("default", Region.CUSTOM, server.base_url),
            Profile("Sandbox", Region.CUSTOM, checked.base_url),
        ]
        SettingsStore(AppPaths.from_environment()).save(
            Settings(profiles=profiles, active_profile="default")
        )
        for profile in profiles:
            CredentialStore().save(profile.name, STORED_KEY)
        window = open_window()
        window.setup.client_options.update({"timeout": GENEROUS_TIMEOUT, "max_attempts": 1})
        window.use_target(window.setup.profile_target)
        fill_form(window)
        press_until_answered(qtbot, window, "createButton")
        assert "too many requests" in window.statusPanel.text

        dialog = settings_of(qtbot, window)
        listed = dialog.findChild(QListWidget, "profileList")
        assert listed is not None
        listed.setCurrentRow(
            next(row for row in range(listed.count()) if listed.item(row).text() == "Sandbox")
        )
        qtbot.waitUntil(lambda: not dialog.busy)
        said = press_in_settings(qtbot, window, "checkKeyButton")

        assert key_checks(checked) == 1
        assert said.startswith("Kombo accepted the stored key")
        dialog.reject()
        qtbot.waitUntil(lambda: window.settings_dialog is None)
        window.createButton.click()  # the profile in use: still waiting
        assert not window.busy
        assert window.statusPanel.text.startswith("Nothing was sent: Kombo asked for a pause.")
        assert len(posts(server.requests)) == 1
