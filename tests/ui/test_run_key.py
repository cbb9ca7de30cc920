"""The key given when the program was started (``KOMBO_API_KEY``): it is used for every
profile, so the window says so, and the history files its links under that key's Kombo
environment, not under the one of the profile's own saved key.

Staff ran with a production key in the variable, switched to their "Sandbox" profile to make
a test link, and were told links were now made with Sandbox: the production key went out,
and the history kept the link without an environment, so the next day, without the
variable, a link for the same customer under "Production" got no duplicate warning.
"""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QListWidget
from pytestqt.qtbot import QtBot

from kombo_desktop.core.credentials import SERVICE_NAME
from kombo_desktop.core.paths import AppPaths
from kombo_desktop.core.settings import Profile, Region, Settings, SettingsStore
from kombo_desktop.ui.main_window import MainWindow
from tests.support.fault_server import FaultServer, RecordedRequest, Reply
from tests.support.found import named
from tests.support.history_helpers import history_of
from tests.support.keyrings import WatchedKeyring
from tests.ui.conftest import (
    WindowFactory,
    fill_form,
    make_link,
    settings_of,
    wait_until_ready,
    wait_until_settled,
)

PRODUCTION_KEY = "kombo-production-key-7c1d9e"
SANDBOX_KEY = "kombo-sandbox-key-3b8f2a"
ENVIRONMENT_OF_KEY = {PRODUCTION_KEY: "env-production", SANDBOX_KEY: "env-sandbox"}


def kombo_of_two_environments(request: RecordedRequest) -> Reply:
    """A Kombo that knows both keys, each of its own environment."""
    key = (request.header("Authorization") or "").removeprefix("Bearer ")
    if key not in ENVIRONMENT_OF_KEY:
        return Reply.kombo_error(401, "PLATFORM.AUTHENTICATION_INVALID", "Invalid key.")
    if request.path.endswith("/check-api-key"):
        return Reply.environment(ENVIRONMENT_OF_KEY[key])
    if "/tools/" in request.path:
        return Reply.tools([("personio", "Personio"), ("bamboohr", "BambooHR")])
    if request.path.endswith("/create-link"):
        return Reply.link(f"https://connect.kombo.dev/v1?token={len(request.path)}")
    return Reply.text(404, "not here")


@pytest.fixture
def kombo() -> Iterator[FaultServer]:
    with FaultServer(fallback=kombo_of_two_environments) as server:
        yield server


def save_profiles(kombo: FaultServer, active: str = "Production") -> SettingsStore:
    """Production and Sandbox, each with its own stored key, checked in Settings before."""
    store = SettingsStore(AppPaths.from_environment())
    production = Profile("Production", Region.CUSTOM, kombo.base_url, "env-production")
    sandbox = Profile("Sandbox", Region.CUSTOM, kombo.base_url, "env-sandbox")
    store.save(Settings(profiles=[production, sandbox], active_profile=active))
    keyring.set_password(SERVICE_NAME, "Production", PRODUCTION_KEY)
    keyring.set_password(SERVICE_NAME, "Sandbox", SANDBOX_KEY)
    return store


def keys_sent(kombo: FaultServer, path: str) -> list[str]:
    return [
        (r.header("Authorization") or "").removeprefix("Bearer ")
        for r in kombo.requests
        if r.path.endswith(path)
    ]


def key_checked(qtbot: QtBot, kombo: FaultServer, window: MainWindow) -> None:
    """Until the window has asked Kombo which environment the key belongs to."""
    qtbot.waitUntil(lambda: keys_sent(kombo, "/check-api-key") != [], timeout=10_000)
    qtbot.waitUntil(lambda: window.runner.active == [], timeout=10_000)


def test_the_window_says_at_start_that_the_key_given_at_start_is_used_for_every_profile(
    qtbot: QtBot,
    open_window: WindowFactory,
    kombo: FaultServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    save_profiles(kombo)
    monkeypatch.setenv("KOMBO_API_KEY", PRODUCTION_KEY)
    window = open_window()
    assert window.profileLabel.text() == "Profile: Production · 127.0.0.1 · key given at start"
    note = window.statusLabel.text()
    assert "key given when the program was started" in note
    assert "every profile" in note.lower()
    # The variable's name is for whoever set it up: in the header's tooltip, not in the
    # sentence shown to the person (and a customer watching the shared screen).
    assert "KOMBO_API_KEY" not in note
    assert "KOMBO_API_KEY" in window.profileLabel.toolTip()
    assert PRODUCTION_KEY not in note + window.profileLabel.toolTip()
    assert "key given at start" in window.profileLabel.accessibleName()


def test_without_the_variable_the_header_and_the_status_say_nothing_of_it(
    qtbot: QtBot,
    open_window: WindowFactory,
    kombo: FaultServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    save_profiles(kombo)
    monkeypatch.delenv("KOMBO_API_KEY", raising=False)
    window = open_window()
    assert window.profileLabel.text() == "Profile: Production · 127.0.0.1"
    assert "given when the program was started" not in window.statusLabel.text()


def test_the_note_at_start_is_true_on_a_computer_where_no_key_is_saved(
    qtbot: QtBot,
    open_window: WindowFactory,
    kombo: FaultServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A kiosk that only ever makes links with the key given at start: no profile has a key
    # saved, yet the note spoke of "the keys saved in Settings" and of starting without the
    # key given at start to use them, keys that do not exist. Whether any is saved is not
    # looked up (that reads the password store): the note says what holds either way.
    store = SettingsStore(AppPaths.from_environment())
    production = Profile("Production", Region.CUSTOM, kombo.base_url)
    store.save(Settings(profiles=[production], active_profile="Production"))
    monkeypatch.setenv("KOMBO_API_KEY", PRODUCTION_KEY)
    window = open_window()
    note = window.statusLabel.text()
    assert "key given when the program was started" in note
    assert "saved" not in note.lower()
    assert "whoever set up" in note  # who can change it


def test_with_the_key_given_at_start_the_password_store_is_not_read_at_start(
    qtbot: QtBot,
    open_window: WindowFactory,
    kombo: FaultServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A kiosk that logs in by itself: each read of its password store asks the person to
    # unlock it ("unlock your keyring"), as a locked Mac keychain does. Links go with the key
    # given at start, which needs no store: no start may ask, not even after the first frame.
    store = WatchedKeyring()
    keyring.set_keyring(store)  # conftest restores the previous one
    save_profiles(kombo)  # keys saved in Settings before, which a look for them would read
    store.calls.clear()
    monkeypatch.setenv("KOMBO_API_KEY", PRODUCTION_KEY)
    window = open_window()
    key_checked(qtbot, kombo, window)
    qtbot.waitUntil(lambda: window.start_up.done and not window.runner.active, timeout=10_000)
    wait_until_settled(qtbot, window)
    assert store.calls == []


def test_switching_profiles_says_the_key_given_at_start_is_still_the_one_used(
    qtbot: QtBot,
    open_window: WindowFactory,
    kombo: FaultServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = save_profiles(kombo)
    monkeypatch.setenv("KOMBO_API_KEY", PRODUCTION_KEY)
    window = open_window()
    settings = store.load()
    settings.active_profile = "Sandbox"
    store.save(settings)
    window.use_profile("Sandbox")  # what Settings' "Use this profile" does
    status = window.statusLabel.text()
    assert status.startswith("Links are now made with the profile “Sandbox”")
    assert "still with the key given when the program was started" in status
    assert "KOMBO_API_KEY" not in status
    assert window.profileLabel.text() == "Profile: Sandbox · 127.0.0.1 · key given at start"
    fill_form(window)
    make_link(qtbot, window)
    assert keys_sent(kombo, "/create-link") == [PRODUCTION_KEY]  # as the window said


def test_settings_and_the_window_announce_a_switch_with_the_key_given_at_start_alike(
    qtbot: QtBot,
    open_window: WindowFactory,
    kombo: FaultServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # "Use this profile" in Settings was announced twice in different words: the dialog's
    # status line named the variable (on a screen the customer may watch) and left out where
    # links go; the window's said it another way. Both now say the same sentence.
    save_profiles(kombo)
    monkeypatch.setenv("KOMBO_API_KEY", PRODUCTION_KEY)
    window = open_window()
    dialog = settings_of(qtbot, window)
    profiles = named(dialog, QListWidget, "profileList")
    profiles.setCurrentRow(
        next(row for row in range(profiles.count()) if profiles.item(row).text() == "Sandbox")
    )
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
    named(dialog, QAbstractButton, "useProfileButton").click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
    said = dialog.settingsStatusLabel.text()
    assert said == (
        "Links are now made with the profile “Sandbox” (address 127.0.0.1), but still with "
        "the key given when the program was started: it is used for every profile, whatever "
        "key is saved for this one."
    )
    assert window.statusLabel.text() == said
    # The variable's name stays in Settings' key row, for whoever set it up.
    key_row = named(dialog, QLabel, "keyStatusLabel").text()
    assert "KOMBO_API_KEY" in key_row and "every profile" in key_row


def test_a_link_made_with_the_key_given_at_start_is_recorded_in_that_keys_environment(
    qtbot: QtBot,
    open_window: WindowFactory,
    kombo: FaultServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    save_profiles(kombo, active="Sandbox")
    monkeypatch.setenv("KOMBO_API_KEY", PRODUCTION_KEY)
    window = open_window()
    key_checked(qtbot, kombo, window)
    fill_form(window)
    make_link(qtbot, window)
    (entry,) = history_of(window).store.search()
    assert (entry.profile, entry.environment_id) == ("Sandbox", "env-production")
    # Neither the header nor the history holds the key itself.
    assert PRODUCTION_KEY not in window.profileLabel.text() + window.statusLabel.text()
    window.close()

    # The next day, without the variable, the same customer under Production: the link
    # made in the production environment is on record and offered instead of a second one.
    monkeypatch.delenv("KOMBO_API_KEY")
    store = SettingsStore(AppPaths.from_environment())
    settings = store.load()
    settings.active_profile = "Production"
    store.save(settings)
    next_day = open_window()
    assert next_day.profileLabel.text() == "Profile: Production · 127.0.0.1"
    wait_until_ready(qtbot, next_day)
    fill_form(next_day)
    next_day.createButton.click()
    qtbot.waitUntil(lambda: history_of(next_day).banner.isVisible(), timeout=5000)
    wait_until_settled(qtbot, next_day)  # a request wrongly sent meanwhile has arrived now
    assert keys_sent(kombo, "/create-link") == [PRODUCTION_KEY]
