"""A stored key Kombo refused is remembered from one run to the next, and nothing of the key is.

Kombo refused the key in the password store (revoked in the dashboard); the window and
Settings said so until the program closed, and the next start said a key was stored, as if it
were fine, and the first link failed again in front of the customer. Only *that* it was
refused, and when, is written to the settings file; it goes once another key is saved or Kombo
accepts the stored one (an administrator's ``keyring set`` included).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime

import keyring
import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from kombo_desktop.core.credentials import SERVICE_NAME, CredentialStore
from kombo_desktop.core.paths import AppPaths
from kombo_desktop.core.settings import SettingsStore
from kombo_desktop.ui.header import OPEN_SETTINGS_TEXT
from kombo_desktop.ui.key_verdicts import accepted_this_time_text, refused_last_time_text
from kombo_desktop.ui.main_window import MainWindow
from kombo_desktop.ui.settings_key import CHECK_STORED_TEXT, KEY_REFUSED_BEFORE_TEXT
from tests.support.fault_server import FaultServer, RecordedRequest, Reply
from tests.ui.conftest import WindowFactory, fill_form, settings_of, wait_until_settled

REVOKED_KEY = "sk-test-revoked-4f9a1c2e8b7d6a5f"
CURRENT_KEY = "sk-test-current-9b8c7d6e5f4a3b2c"
WAIT_MS = 15_000


def kombo_refusing(*, status: int) -> Callable[[RecordedRequest], Reply]:
    """Kombo as it answers once REVOKED_KEY was revoked: that key is refused (``status``, with
    Kombo's error body) at every request; CURRENT_KEY lists tools, checks and makes links."""
    refused = Reply.kombo_error(status, "PLATFORM.AUTHENTICATION_INVALID", "Invalid API key")

    def respond(request: RecordedRequest) -> Reply:
        if request.header("Authorization") != f"Bearer {CURRENT_KEY}":
            return refused
        if "/tools/" in request.path:
            return Reply.tools([("personio", "Personio")])
        if request.path.endswith("/check-api-key"):
            return Reply.environment("env-current")
        return Reply.link("https://connect.kombo.dev/v1?token=made-with-the-current-key")

    return respond


@pytest.fixture
def kombo() -> Iterator[FaultServer]:
    # A 403: the tool lists fetched at start leave it quiet (a key may lack only that right),
    # so nothing but the remembered refusal tells the person before the first link.
    with FaultServer(fallback=kombo_refusing(status=403)) as server:
        yield server


def settings_text() -> str:
    path = AppPaths.from_environment().settings_file
    return path.read_text("utf-8") if path.exists() else ""


def refused_keys_in_file() -> dict[str, str]:
    text = settings_text()
    return dict(json.loads(text).get("refused_keys", {})) if text else {}


def key_status(window: MainWindow, qtbot: QtBot) -> str:
    dialog = settings_of(qtbot, window)
    label = dialog.findChild(QLabel, "keyStatusLabel")
    assert label is not None
    return label.text()


def refuse_a_link(qtbot: QtBot, window: MainWindow) -> None:
    """Make a link that Kombo refuses for the key, and wait until that is remembered."""
    wait_until_settled(qtbot, window)
    fill_form(window)
    window.createButton.click()
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "default" in refused_keys_in_file(), timeout=WAIT_MS)


def test_a_refused_key_is_said_at_the_next_start_with_the_way_to_settings(
    qtbot: QtBot, open_window: WindowFactory, kombo: FaultServer
) -> None:
    CredentialStore().save("default", REVOKED_KEY)
    first = open_window("--api-base", kombo.base_url)
    refuse_a_link(qtbot, first)
    first.close()
    # Only when it was refused: nothing of the key, not even a part or a fingerprint of it.
    remembered = refused_keys_in_file()
    assert list(remembered) == ["default"]
    assert datetime.fromisoformat(remembered["default"]).tzinfo is not None
    assert REVOKED_KEY not in settings_text()

    asked_before = len(kombo.requests)
    window = open_window("--api-base", kombo.base_url)
    note = refused_last_time_text("default")
    qtbot.waitUntil(lambda: note in window.statusLabel.text(), timeout=WAIT_MS)
    wait_until_settled(qtbot, window)  # the tool lists were refused too (quietly, a 403)
    assert note in window.statusLabel.text()
    action = window.statusPanel.statusActionButton
    assert action.isVisible() and action.text() == "Open settings"
    # Said before any link was asked for: only the tool lists were.
    assert all("/tools/" in r.path for r in kombo.requests[asked_before:])
    # Settings says it of the stored key too, not "A key is stored" alone.
    assert KEY_REFUSED_BEFORE_TEXT in key_status(window, qtbot)
    assert REVOKED_KEY not in settings_text()
    window.close()


def test_the_note_at_start_leads_to_settings_as_settings_does() -> None:
    # It said "If the key was replaced since, just make a link": the very thing that failed in
    # front of the customer. Settings offers its check of the stored key instead.
    note = refused_last_time_text("default")
    assert "make a link" not in note
    assert OPEN_SETTINGS_TEXT in note  # the button beside the note
    assert CHECK_STORED_TEXT.replace("&", "").lower() in note.lower()


def test_a_current_key_saved_in_settings_clears_the_mark(
    qtbot: QtBot, open_window: WindowFactory, kombo: FaultServer
) -> None:
    CredentialStore().save("default", REVOKED_KEY)
    window = open_window("--api-base", kombo.base_url)
    refuse_a_link(qtbot, window)
    dialog = settings_of(qtbot, window)
    key_edit = dialog.findChild(QLineEdit, "apiKeyEdit")
    save = dialog.findChild(QAbstractButton, "saveKeyButton")
    assert key_edit is not None and save is not None
    key_edit.setText(CURRENT_KEY)
    save.click()
    qtbot.waitUntil(lambda: refused_keys_in_file() == {}, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    assert keyring.get_password(SERVICE_NAME, "default") == CURRENT_KEY
    dialog.reject()
    window.close()

    window = open_window("--api-base", kombo.base_url)
    wait_until_settled(qtbot, window)
    words = window.statusLabel.text()
    assert refused_last_time_text("default") not in words and "Kombo did not accept" not in words
    assert KEY_REFUSED_BEFORE_TEXT not in key_status(window, qtbot)
    assert CURRENT_KEY not in settings_text() and REVOKED_KEY not in settings_text()
    window.close()


def test_a_key_replaced_outside_the_program_clears_the_mark_once_kombo_accepts_it(
    qtbot: QtBot, open_window: WindowFactory, kombo: FaultServer
) -> None:
    # The administrator put the current key in the store (``keyring set kombo-desktop
    # default``) while the program was closed: the start's tool lists, fetched with it, find
    # it accepted, and the note gives way to saying so; the next start says nothing of it.
    CredentialStore().save("default", REVOKED_KEY)
    first = open_window("--api-base", kombo.base_url)
    refuse_a_link(qtbot, first)
    first.close()

    keyring.set_password(SERVICE_NAME, "default", CURRENT_KEY)
    window = open_window("--api-base", kombo.base_url)
    accepted = accepted_this_time_text("default")
    qtbot.waitUntil(lambda: accepted in window.statusLabel.text(), timeout=WAIT_MS)
    assert refused_last_time_text("default") not in window.statusLabel.text()
    qtbot.waitUntil(lambda: refused_keys_in_file() == {}, timeout=WAIT_MS)
    window.close()

    window = open_window("--api-base", kombo.base_url)
    wait_until_settled(qtbot, window)
    assert refused_last_time_text("default") not in window.statusLabel.text()
    window.close()


def test_a_key_refused_at_start_is_said_once_not_twice(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # Kombo answers the start's tool lists with a 401, which the window says at once: the
    # note about the last run, which says the same, gives way to it.
    with FaultServer(fallback=kombo_refusing(status=401)) as kombo:
        CredentialStore().save("default", REVOKED_KEY)
        store = SettingsStore(AppPaths.from_environment())
        first = open_window("--api-base", kombo.base_url)
        qtbot.waitUntil(lambda: "default" in refused_keys_in_file(), timeout=WAIT_MS)
        first.close()
        assert "default" in store.load().refused_keys

        window = open_window("--api-base", kombo.base_url)
        qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=WAIT_MS)
        wait_until_settled(qtbot, window)
        words = window.statusLabel.text()
        assert words.startswith("Kombo did not accept the API key")
        assert refused_last_time_text("default") not in words
        assert window.statusPanel.statusActionButton.text() == "Open settings"
        window.close()


def test_a_refusal_of_the_stored_key_at_a_check_in_settings_is_remembered(
    qtbot: QtBot, open_window: WindowFactory, kombo: FaultServer
) -> None:
    CredentialStore().save("default", REVOKED_KEY)
    window = open_window("--api-base", kombo.base_url)
    wait_until_settled(qtbot, window)
    dialog = settings_of(qtbot, window)
    check = dialog.findChild(QAbstractButton, "checkKeyButton")
    assert check is not None
    check.click()
    qtbot.waitUntil(lambda: "default" in refused_keys_in_file(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    dialog.reject()
    window.close()

    keyring.set_password(SERVICE_NAME, "default", CURRENT_KEY)  # replaced outside since
    window = open_window("--api-base", kombo.base_url)
    wait_until_settled(qtbot, window)
    dialog = settings_of(qtbot, window)
    check = dialog.findChild(QAbstractButton, "checkKeyButton")
    assert check is not None
    check.click()  # "… if it was replaced since, press “Check the stored key”."
    qtbot.waitUntil(lambda: refused_keys_in_file() == {}, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    label = dialog.findChild(QLabel, "keyStatusLabel")
    assert label is not None and KEY_REFUSED_BEFORE_TEXT not in label.text()
    dialog.reject()
    window.close()


def test_nothing_is_remembered_of_the_key_given_at_start(
    qtbot: QtBot, open_window: WindowFactory, kombo: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # KOMBO_API_KEY is not the key the store holds, which the next start uses.
    CredentialStore().save("default", CURRENT_KEY)
    monkeypatch.setenv("KOMBO_API_KEY", REVOKED_KEY)
    window = open_window("--api-base", kombo.base_url)
    wait_until_settled(qtbot, window)
    fill_form(window)
    window.createButton.click()
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=WAIT_MS)
    wait_until_settled(qtbot, window)
    assert refused_keys_in_file() == {}
    window.close()
