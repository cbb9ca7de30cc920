"""First start, the demo, settings and the background tool-list refresh, as a person meets them."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kombo_desktop.core.catalog import CatalogCache, Tool, ToolCatalog, ToolListOwner
from kombo_desktop.core.credentials import SERVICE_NAME, STORE_READ_LOCKED, STORE_UNREADABLE
from kombo_desktop.core.demo_server import DemoKomboServer
from kombo_desktop.core.paths import AppPaths
from kombo_desktop.core.settings import Profile, Region, Settings, SettingsStore
from kombo_desktop.core.vocabulary import Category
from kombo_desktop.ui import link_making
from kombo_desktop.ui.header import DEMO_SHORT_TEXT, DEMO_TEXT
from kombo_desktop.ui.main_window import MainWindow
from kombo_desktop.ui.settings_dialog import SettingsDialog
from tests.support.fault_server import FaultServer, Reply
from tests.support.found import named
from tests.support.keyrings import LockableKeyring, PromptingKeyring
from tests.support.locked_files import HeldWrites
from tests.support.message_boxes import answer_next_box
from tests.ui.conftest import (
    Spoken,
    WindowFactory,
    fill_form,
    make_link,
    settings_of,
    wait_until_settled,
)

API_KEY = "kombo-test-key-7d1e44c09a"
ACME = Tool("acmehr", "Acme HR Cloud", (Category.HRIS,))


def visible_texts(window: MainWindow) -> list[str]:
    texts: list[str] = []
    for widget in window.findChildren(QWidget):
        texts += [widget.toolTip(), widget.accessibleName(), widget.accessibleDescription()]
        if isinstance(widget, QLabel | QLineEdit):
            texts.append(widget.text())
        if isinstance(widget, QPlainTextEdit):
            texts.append(widget.toPlainText())
    return texts


def test_first_start_without_a_key_says_what_to_do(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    window = open_window()
    notice = window.firstRunNotice
    qtbot.waitUntil(notice.isVisible)
    sentence = notice.label.text()
    assert sentence.count(".") == 1 and "Settings" in sentence and "demo" in sentence
    assert notice.openSettingsButton.isVisible()
    assert notice.tryDemoButton.isVisible()
    assert not window.demoBanner.isVisible()


def test_try_the_demo_switches_the_window_to_the_demo_service(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    window = open_window()
    qtbot.waitUntil(window.firstRunNotice.isVisible)
    window.firstRunNotice.tryDemoButton.click()
    assert window.demoBanner.isVisible()
    # The whole sentence, or on the tests' narrow screen its short form on one line.
    banner_label = named(window, QLabel, "demoBannerLabel")
    assert banner_label.text() in (DEMO_TEXT, DEMO_SHORT_TEXT)
    assert banner_label.accessibleName() == DEMO_TEXT
    assert not window.firstRunNotice.isVisible()
    assert window.is_demo and window.demo_server is not None
    assert window.windowTitle().endswith("DEMO")
    fill_form(window)
    link = make_link(qtbot, window)
    assert link.startswith(window.demo_server.origin)
    assert named(window, QLabel, "demoLinkNote").isVisible()

    server = window.demo_server
    window.demoBanner.leaveDemoButton.click()
    assert not server.running
    assert not window.demoBanner.isVisible()
    assert window.profileLabel.text() == "Profile: default · EU"
    # It said "Left the demo. Profile: default · EU.": the header's label inside a sentence.
    assert window.statusLabel.text() == (
        "Left the demo. Links are now made with the profile “default” (Europe)."
    )
    # The demo link went with the demo service: it stayed with "Open" and "Copy" enabled.
    assert window.linkField.text() == ""
    assert not named(window, QWidget, "openButton").isEnabled()
    assert not named(window, QLabel, "demoLinkNote").isVisible()
    qtbot.waitUntil(window.firstRunNotice.isVisible)  # still no key


def test_switching_to_a_profile_says_where_links_go_in_the_words_of_settings(
    open_window: WindowFactory,
) -> None:
    # It said "Now using Profile: US team · US.", while Settings offers "United States".
    window = open_window()
    store = window.setup.settings_store
    store.save(Settings(profiles=[Profile("default"), Profile("US team", Region.US)]))
    window.use_profile("US team")
    assert window.statusLabel.text() == (
        "Links are now made with the profile “US team” (United States)."
    )
    assert window.profileLabel.text() == "Profile: US team · US"  # compact on screen
    assert window.profileLabel.accessibleName() == "Active profile: US team, United States"


def test_settings_changed_in_the_demo_say_how_to_use_them(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # A key saved in Settings during the demo: the window went on saying "Demo ready", the
    # next link was a demo link again, and nothing said that the demo had to be left first.
    demo_window.use_profile("default")  # as Settings says when a profile's key was saved
    status = demo_window.statusLabel.text()
    assert "Leave the demo" in status and "real links" in status
    action = named(demo_window, QPushButton, "statusActionButton")
    assert action.isVisible() and action.text() == "Leave the demo"
    action.click()
    assert not demo_window.is_demo
    assert not demo_window.demoBanner.isVisible()


def test_the_demo_banner_is_on_every_tab(demo_window: MainWindow) -> None:
    for index in range(demo_window.tabs.count()):
        demo_window.tabs.setCurrentIndex(index)
        assert demo_window.demoBanner.isVisible()
        assert demo_window.profileLabel.text().startswith("Demo service")


def test_a_key_saved_in_settings_is_used_and_never_shown(
    qtbot: QtBot, open_window: WindowFactory, memory_keyring: object
) -> None:
    with DemoKomboServer(api_key=API_KEY) as server:
        window = open_window("--api-base", server.base_url)
        qtbot.waitUntil(window.firstRunNotice.isVisible)
        window.firstRunNotice.openSettingsButton.click()
        dialog = window.settings_dialog
        assert dialog is not None and dialog.isVisible()
        named(dialog, QLineEdit, "apiKeyEdit").setText(API_KEY)
        named(dialog, QAbstractButton, "saveKeyButton").click()
        qtbot.waitUntil(lambda: not window.firstRunNotice.isVisible(), timeout=10_000)
        # The profile in use only has a key now: no change of profile to speak of.
        assert window.statusLabel.text() == "Kombo accepted the key: the next link goes with it."
        dialog.reject()
        qtbot.waitUntil(lambda: window.settings_dialog is None)

        fill_form(window)
        make_link(qtbot, window)
        assert window.statusPanel.kind == "success"
        assert server.create_link_count == 1
        assert memory_keyring.secrets[("kombo-desktop", "default")] == API_KEY  # type: ignore[attr-defined]
        assert not any(API_KEY in text for text in visible_texts(window))
        window.close()


def test_a_store_locked_at_the_first_link_is_read_again_for_the_next(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    """The first link was made without the key the locked store kept from us; once it is
    unlocked, the next one is made with it (every later link failed for the whole session)."""
    store = LockableKeyring(locked=True)
    store.secrets[(SERVICE_NAME, "default")] = API_KEY
    keyring.set_keyring(store)  # conftest restores the previous one
    with DemoKomboServer(api_key=API_KEY) as server:
        window = open_window("--api-base", server.base_url)
        fill_form(window)
        window.createButton.click()
        qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
        # Said as it is: not "No API key is set" (with the first-start notice), nor a key
        # refused by Kombo, to whom nothing was sent without the key.
        assert window.statusPanel.text == STORE_READ_LOCKED
        assert not window.firstRunNotice.isVisible()
        assert server.create_link_count == 0

        store.locked = False  # the person unlocks it and tries again
        make_link(qtbot, window)
        assert window.statusPanel.kind == "success"


class FirstReadAtAPrompt(LockableKeyring):
    """A store whose first read waits for its user, as at an unlock prompt, until
    ``dismiss()``; locked or not, it stays as it was. Later reads, while the prompt is open,
    find it as it is."""

    def __init__(self, *, locked: bool) -> None:
        super().__init__(locked=locked)
        self.prompting = threading.Event()  # the first read is at the prompt
        self._dismissed = threading.Event()

    def dismiss(self) -> None:
        self._dismissed.set()

    def get_password(self, service: str, username: str) -> str | None:
        if not self.prompting.is_set():
            self.prompting.set()
            self._dismissed.wait(10)
        return super().get_password(service, username)


@contextmanager
def while_the_start_up_check_waits(
    qtbot: QtBot, window: MainWindow, store: FirstReadAtAPrompt
) -> Iterator[None]:
    """What the block does happens while the start-up key check waits at the store's prompt;
    then the prompt is dismissed, and the block ends once the check has reported."""
    try:
        qtbot.waitUntil(store.prompting.is_set)  # the start-up check waits at the prompt
        yield
    finally:
        store.dismiss()
    qtbot.waitUntil(lambda: window.runner.active == [], timeout=10_000)


def ask_for_a_link(qtbot: QtBot, window: MainWindow) -> None:
    """Fill in the form, press "Create link" and wait until its outcome is on show."""
    fill_form(window)
    window.createButton.click()
    qtbot.waitUntil(lambda: not window.busy, timeout=10_000)


def test_the_start_up_check_finding_the_store_locked_after_a_link_does_not_replace_its_error(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    """The start-up key check met the store's unlock prompt; meanwhile the person pressed
    "Create link", which found the store locked and said so with "Open settings". When the
    prompt was dismissed, the check's note took the error's place: the same words, no longer
    an error, and without the way forward."""
    store = FirstReadAtAPrompt(locked=True)
    store.secrets[(SERVICE_NAME, "default")] = API_KEY
    keyring.set_keyring(store)  # conftest restores the previous one
    with DemoKomboServer(api_key=API_KEY) as server:
        window = open_window("--api-base", server.base_url)
        with while_the_start_up_check_waits(qtbot, window, store):
            ask_for_a_link(qtbot, window)
        assert window.statusPanel.text == STORE_READ_LOCKED
        assert window.statusPanel.kind == "error"
        assert window.statusPanel.statusActionButton.text() == "Open settings"
        assert window.statusPanel.statusActionButton.isVisible()
        assert server.create_link_count == 0


def test_the_start_up_check_finding_no_key_after_a_link_does_not_replace_link_ready(
    qtbot: QtBot, open_window: WindowFactory, demo_server: DemoKomboServer
) -> None:
    """An address that needs no key (the demo service here): the link was made while the
    start-up check waited at the store's prompt, and its "No API key is set for this profile
    yet." then took the place of "Demo link ready"."""
    store = FirstReadAtAPrompt(locked=False)
    keyring.set_keyring(store)  # conftest restores the previous one
    window = open_window("--api-base", demo_server.base_url)
    with while_the_start_up_check_waits(qtbot, window, store):
        ask_for_a_link(qtbot, window)
    assert window.linkField.text() != ""
    assert window.statusPanel.kind == "success"
    assert window.statusPanel.text.startswith("Demo link ready.")
    assert window.firstRunNotice.isHidden()  # the link was made without a key


@pytest.mark.parametrize("place", ["the demo", "a profile with a local address"])
def test_a_late_start_up_check_finding_no_key_shows_no_first_start_notice_where_none_is_needed(
    qtbot: QtBot, open_window: WindowFactory, demo_server: DemoKomboServer, place: str
) -> None:
    """The start-up check of the profile's key waited at the store's prompt; meanwhile the
    person switched to a place that needs no key and made a link there. When the check
    reported "no key", the first-start notice ("paste your company's Kombo API key, or try
    the demo") appeared under "Demo link ready": at a local address, a link made without a
    key shows that none is needed, and that link's outcome is the word on the key."""
    store = FirstReadAtAPrompt(locked=False)
    keyring.set_keyring(store)  # conftest restores the previous one
    window = open_window()  # the default profile, in Europe, without a key
    with while_the_start_up_check_waits(qtbot, window, store):
        if place == "the demo":
            window.start_demo()
        else:
            local = Profile("local", Region.CUSTOM, custom_base=demo_server.base_url)
            window.setup.settings_store.save(Settings(profiles=[Profile("default"), local]))
            window.use_profile("local")  # as Settings says when the profile is chosen
        ask_for_a_link(qtbot, window)
    wait_until_settled(qtbot, window)  # nothing more follows
    assert window.statusPanel.text.startswith("Demo link ready.")
    assert window.firstRunNotice.isHidden()


def test_a_store_locked_at_start_is_said_to_be_locked_not_to_have_no_key(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    """The key saved yesterday is in a store locked today: no first-start notice, no "no API
    key is set", but the store's problem and what to do about it."""
    store = LockableKeyring(locked=True)
    store.secrets[(SERVICE_NAME, "default")] = API_KEY
    keyring.set_keyring(store)  # conftest restores the previous one
    window = open_window()
    qtbot.waitUntil(lambda: STORE_READ_LOCKED in visible_texts(window), timeout=10_000)
    wait_until_settled(qtbot, window)  # nothing more follows
    assert not window.firstRunNotice.isVisible()
    assert not any("No API key" in text for text in visible_texts(window))


def test_the_settings_button_opens_one_dialog(qtbot: QtBot, demo_window: MainWindow) -> None:
    demo_window.settingsButton.click()
    first = demo_window.settings_dialog
    assert first is not None and first.isVisible()
    assert named(first, QWidget, "settingsDemoBanner").isVisible()
    demo_window.settingsButton.click()
    assert demo_window.settings_dialog is first
    first.reject()
    qtbot.waitUntil(lambda: demo_window.settings_dialog is None)


def test_the_systems_settings_keys_open_the_settings(qtbot: QtBot, demo_window: MainWindow) -> None:
    shortcut = demo_window.findChild(QShortcut, "settingsShortcut")
    assert shortcut is not None
    system_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences)
    if system_keys:  # Cmd+, on a Mac
        assert shortcut.keys() == system_keys
    else:  # Windows and most Linux desktops have none of their own
        assert shortcut.keys() == [QKeySequence("Ctrl+,")]
    shortcut.activated.emit()
    assert demo_window.settings_dialog is not None and demo_window.settings_dialog.isVisible()
    demo_window.settings_dialog.reject()
    qtbot.waitUntil(lambda: demo_window.settings_dialog is None)


def extended_catalog() -> ToolCatalog:
    return ToolCatalog([*ToolCatalog.bundled(), ACME])


def window_listing_acme(qtbot: QtBot, open_window: WindowFactory, api_base: str) -> MainWindow:
    """The window started at ``api_base``, once its tool list (the account's, fetched or
    cached) has Acme HR Cloud in it."""
    window = open_window("--api-base", api_base)
    qtbot.waitUntil(lambda: window.toolCombo.findData("acmehr") > 0, timeout=10_000)
    return window


def test_the_tool_list_is_refreshed_from_the_account_and_cached(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOMBO_API_KEY", API_KEY)
    with DemoKomboServer(api_key=API_KEY, catalog=extended_catalog()) as server:
        window = window_listing_acme(qtbot, open_window, server.base_url)
        assert window.toolCombo.itemText(window.toolCombo.findData("acmehr")) == "Acme HR Cloud"
        window.close()
    cached = CatalogCache(AppPaths.from_environment().catalog_cache_dir).load(
        ToolListOwner("default", server.base_url), Category.HRIS
    )
    assert cached is not None and ("acmehr", "Acme HR Cloud") in [(t.id, t.label) for t in cached]

    # Next start, Kombo out of reach (the server stopped): the cached list is used, quietly.
    offline = window_listing_acme(qtbot, open_window, server.base_url)
    assert offline.statusPanel.kind != "error"


def test_a_refused_refresh_keeps_the_bundled_list_and_says_the_key_was_refused(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOMBO_API_KEY", "a-wrong-key-0000000")
    with DemoKomboServer(api_key=API_KEY, catalog=extended_catalog()) as server:
        window = open_window("--api-base", server.base_url)
        before = window.toolCombo.count()
        qtbot.waitUntil(lambda: len(server.requests_to("GET", "/v1/tools/hris")) == 1)
        wait_until_settled(qtbot, window)  # the refusal acted on, and no other list asked for
        assert window.toolCombo.count() == before
        assert window.toolCombo.findData("acmehr") == -1
        # Every link would be refused too: said at once (a network failure stays quiet, see
        # test_window_errors), not after the form is filled in.
        assert window.statusPanel.kind == "error"
        assert "did not accept the API key set in KOMBO_API_KEY" in window.statusLabel.text()
        # One refused category is enough to stop asking for the others.
        assert len(server.requests) == 1
        window.close()


def test_a_refresh_that_drops_the_chosen_tool_says_so(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOMBO_API_KEY", API_KEY)
    few = ToolCatalog([t for t in ToolCatalog.bundled() if t.id in {"workday", "bamboohr"}])
    with DemoKomboServer(api_key=API_KEY, catalog=few, delay_seconds=0.5) as server:
        window = open_window("--api-base", server.base_url)
        assert window.linkForm.select_tool("personio")
        qtbot.waitUntil(lambda: window.toolCombo.count() == 3, timeout=10_000)
        assert window.toolCombo.currentData() is None
        assert "Personio is not available in your Kombo account" in window.statusLabel.text()
        window.close()


def test_entering_the_demo_says_both_that_it_is_ready_and_that_the_tool_was_reset(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo has its own tool list: a tool only the account offers was reset on entering it,
    # and the sentence saying so was at once replaced by "Demo ready", so the person never
    # learnt why their tool choice was gone (and it named the tool by its id, "acmehr").
    monkeypatch.setenv("KOMBO_API_KEY", API_KEY)
    with DemoKomboServer(api_key=API_KEY, catalog=extended_catalog()) as server:
        window = window_listing_acme(qtbot, open_window, server.base_url)
        assert window.linkForm.select_tool("acmehr")
        window.start_demo()
        assert window.is_demo
        assert window.toolCombo.currentData() is None
        assert window.statusLabel.text() == (
            "Demo ready: make a link to see how it works. No key needed. The demo does not "
            "offer Acme HR Cloud for “HR system (HRIS)”, so the tool was reset to “The "
            "customer chooses”."
        )
        # A tool the demo has stays, and nothing is said about it.
        window.leave_demo()
        assert window.linkForm.select_tool("personio")
        window.start_demo()
        assert window.toolCombo.currentData() == "personio"
        assert window.statusLabel.text() == (
            "Demo ready: make a link to see how it works. No key needed."
        )
        window.close()


def test_an_administrator_can_turn_the_demo_off(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"hide_demo": True}), encoding="utf-8")
    monkeypatch.setenv("KOMBO_DESKTOP_POLICY", str(policy))
    window = open_window("--demo")
    assert not window.is_demo and window.demo_server is None
    assert not window.demoBanner.isVisible()
    assert "turned off by your administrator" in window.statusLabel.text()
    qtbot.waitUntil(window.firstRunNotice.isVisible)
    assert not window.firstRunNotice.tryDemoButton.isVisible()


def test_the_administrators_defaults_are_still_in_use_at_the_next_start(
    open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The first thing a fresh installation saved (a key's environment, a QR code's folder)
    # wrote "default" as the profile in use and English as the language, and the next start
    # used them instead of the administrator's choices.
    policy = tmp_path / "policy.json"
    defaults = {
        "profiles": [{"name": "us-team", "region": "US"}],
        "default_profile": "us-team",
        "default_language": "de",
        "default_link_type": "EMBEDDED",
    }
    policy.write_text(json.dumps(defaults), encoding="utf-8")
    monkeypatch.setenv("KOMBO_DESKTOP_POLICY", str(policy))
    for start in ("first", "next"):
        window = open_window()
        assert window.target is not None and window.target.profile == "us-team", start
        assert window.languageCombo.currentData() == "de", start
        assert window.linkTypeCombo.currentData() == "EMBEDDED", start
        window.save_places.remember("qr", tmp_path / "code.png")
        window.close()


def test_the_settings_say_where_the_administrator_sends_every_profile(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    gateway = "https://kombo-gateway.corp.example/v1"
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"fixed_api_base": gateway}), encoding="utf-8")
    monkeypatch.setenv("KOMBO_DESKTOP_POLICY", str(policy))
    window = open_window()
    assert window.target is not None and window.target.api_base == gateway
    dialog = settings_of(qtbot, window)
    notice = named(dialog, QLabel, "apiBaseOverrideLabel")
    assert notice.isVisible() and gateway in notice.text()
    assert not named(dialog, QWidget, "regionCombo").isEnabled()
    dialog.reject()


def test_a_link_to_embed_made_once_is_not_the_next_start_s_choice(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # One "Embed in our app (valid 1 hour)" link made it the preselected type at every later
    # start, and links sent by e-mail then stopped working an hour after they were made.
    window = open_window("--demo")
    fill_form(window)
    window.languageCombo.setCurrentIndex(window.languageCombo.findData("de"))
    window.linkTypeCombo.setCurrentIndex(window.linkTypeCombo.findData("EMBEDDED"))
    make_link(qtbot, window)
    window.close()
    again = open_window("--demo")
    assert again.linkTypeCombo.currentData() == "MAGIC_LINK"
    assert again.languageCombo.currentData() == "de"  # a choice that stays


def test_a_link_made_with_the_choices_already_remembered_leaves_the_settings_file_alone(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # Every link rewrote settings.json and flushed it to the disk on the window's thread,
    # though the language and kind of system were the ones it held: on a slow disk the window
    # froze that long after every link.
    settings_file = AppPaths.from_environment().settings_file
    window = open_window("--demo")
    fill_form(window)
    window.languageCombo.setCurrentIndex(window.languageCombo.findData("de"))
    make_link(qtbot, window)
    written = settings_file.stat()
    assert json.loads(settings_file.read_text(encoding="utf-8"))["preferences"]["language"] == "de"

    fill_form(window, email="bob@globex.example", organization="Globex AG")
    make_link(qtbot, window)
    unchanged = settings_file.stat()
    assert (unchanged.st_ino, unchanged.st_mtime_ns) == (written.st_ino, written.st_mtime_ns)

    # A choice changed is remembered as before.
    fill_form(window, email="carla@initech.example", organization="Initech AG")
    window.languageCombo.setCurrentIndex(window.languageCombo.findData("fr"))
    make_link(qtbot, window)
    assert json.loads(settings_file.read_text(encoding="utf-8"))["preferences"]["language"] == "fr"
    assert window.setup.settings.language == "fr"


class LinkPaints(QObject):
    """The link field's text at each of its paints, once watching begins."""

    def __init__(self, field: QLineEdit) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._field = field
        field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._field and event.type() == QEvent.Type.Paint:
            self.texts.append(self._field.text())
        return False


def test_the_choices_of_a_link_are_written_once_the_link_is_painted(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Their write starts a worker thread, which held the window's thread before the link was
    # painted: the link came later to the screen (issue 6 allows 15 ms in all).
    window = open_window("--demo")
    fill_form(window)
    window.languageCombo.setCurrentIndex(window.languageCombo.findData("fr"))
    paints = LinkPaints(window.linkField)
    writes = window.settings_writes
    write = writes.write
    painted_before_each_write: list[list[str]] = []

    def noting_write(*args: Any, **kwargs: Any) -> None:
        painted_before_each_write.append([text for text in paints.texts if text])
        write(*args, **kwargs)

    monkeypatch.setattr(writes, "write", noting_write)
    link = make_link(qtbot, window)
    assert len(painted_before_each_write) == 1
    assert link in painted_before_each_write[0]
    assert window.setup.settings_store.load().language == "fr"


def test_the_choices_of_a_link_closed_before_its_paint_are_written_at_closing(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The choices wait for the link's paint (above); a window closed before that paint
    # writes them as it closes, as it does a write under way.
    window = open_window("--demo")
    store = window.setup.settings_store
    fill_form(window)
    window.languageCombo.setCurrentIndex(window.languageCombo.findData("fr"))
    after_paint: list[Callable[[], None]] = []  # never run: the paint has not come yet
    monkeypatch.setattr(
        link_making, "after_next_paint", lambda _widget, action, _ms: after_paint.append(action)
    )
    window.createButton.click()
    qtbot.waitUntil(lambda: window.linkField.text() != "", timeout=10_000)
    assert store.load().language != "fr"
    window.close()
    assert store.load().language == "fr"


def make_link_on_a_held_disk(qtbot: QtBot, window: MainWindow, disk: HeldWrites) -> None:
    """Press Create and wait for the link, and for the form's choices to be held by ``disk``
    as they are written (never on the window's thread)."""
    window.createButton.click()
    qtbot.waitUntil(lambda: window.linkField.text() != "", timeout=10_000)
    qtbot.waitUntil(lambda: bool(disk.threads), timeout=10_000)
    assert not disk.on_the_ui_thread


def test_the_choices_of_a_link_saved_on_a_slow_disk_never_freeze_the_window(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A language other than the last link's was remembered on the window's thread, the
    # settings file flushed to the disk first: on a disk taking 0.3 s to confirm a write, the
    # window stood still that long after the link; seconds on a home folder on a network share.
    window = open_window("--demo")
    store = window.setup.settings_store
    fill_form(window)
    window.languageCombo.setCurrentIndex(window.languageCombo.findData("fr"))
    disk = HeldWrites(monkeypatch)
    try:
        make_link_on_a_held_disk(qtbot, window, disk)
        assert disk.waiting.is_set()
        ticks: list[int] = []
        heartbeat = QTimer()
        # Only the ticks while the disk holds the write (until ``release`` below) count: a
        # window waiting for it has none, however long the test waits. Counted in ticks, not
        # in a fixed wait, which a loaded machine may fill with fewer of them.
        heartbeat.timeout.connect(lambda: ticks.extend([1] if disk.holding else []))
        heartbeat.start(10)
        qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=10_000)
        heartbeat.stop()
        assert disk.holding and not disk.on_the_ui_thread
        assert store.load().language != "fr"
        # Closed while the disk takes its time: the window waits for the write.
        threading.Timer(0.3, disk.release).start()
        window.close()
    finally:
        disk.release()
    assert store.load().language == "fr"


def test_the_choices_of_a_link_waiting_behind_a_settings_change_are_saved_at_closing(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The choices are written after the change Settings is writing, in order. The window,
    # closing meanwhile, waits for that change and then writes them: both are kept.
    window = open_window("--demo")
    store = window.setup.settings_store
    fill_form(window)
    window.languageCombo.setCurrentIndex(window.languageCombo.findData("fr"))
    dialog = settings_of(qtbot, window)
    disk = HeldWrites(monkeypatch)
    try:
        dialog.profiles.addProfileButton.click()
        make_link_on_a_held_disk(qtbot, window, disk)
        assert len(disk.threads) == 1  # Settings' change; the choices wait their turn
        threading.Timer(0.3, disk.release).start()
        window.close()
    finally:
        disk.release()
    saved = store.load()
    assert saved.language == "fr"
    assert saved.profile("New profile") is not None


def settings_opened_while_french_is_written(
    qtbot: QtBot, window: MainWindow, disk: HeldWrites
) -> SettingsDialog:
    """Make a link in French on a held disk and open Settings while that choice is written."""
    fill_form(window)
    window.languageCombo.setCurrentIndex(window.languageCombo.findData("fr"))
    make_link_on_a_held_disk(qtbot, window, disk)
    window.open_settings()
    dialog = window.settings_dialog
    assert isinstance(dialog, SettingsDialog)
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_a_settings_change_waiting_behind_the_choices_of_a_link_is_saved_at_closing(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A region chosen in Settings while the form's choices were still being written on a
    # slow disk waited its turn; the window closed then (logging out) wrote the choices and
    # dropped the region: the next start used the old one.
    window = open_window("--demo")
    store = window.setup.settings_store
    disk = HeldWrites(monkeypatch)
    try:
        dialog = settings_opened_while_french_is_written(qtbot, window, disk)
        region = named(dialog, QComboBox, "regionCombo")
        region.setCurrentIndex(region.findData(Region.US.value))  # waits for the choices
        assert len(disk.threads) == 1
        # Held back meanwhile: a click would act on the settings as they were.
        hint = named(dialog, QLabel, "settingsSavingHint")
        qtbot.waitUntil(lambda: not hint.isHidden())
        threading.Timer(0.3, disk.release).start()
        window.close()
    finally:
        disk.release()
    saved = store.load()
    assert saved.language == "fr"
    assert saved.active.region is Region.US


def test_settings_opened_while_the_choices_of_a_link_are_written_waits_for_nothing(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Opened right after a link, the form's choices still being written on a slow disk,
    # Settings greyed out its profiles with "Saving…", and Close said "Closing once your
    # changes are saved…", though the person had changed nothing.
    window = open_window("--demo")
    store = window.setup.settings_store
    disk = HeldWrites(monkeypatch)
    try:
        dialog = settings_opened_while_french_is_written(qtbot, window, disk)
        # Settings' own work on opening (where the profile's key is kept, looked up on a
        # worker) is busy too: a loaded machine could still be at it when a fixed wait ended.
        qtbot.waitUntil(lambda: not dialog.key.busy)
        qtbot.wait(300)  # longer than a write takes before Settings greys out
        assert disk.waiting.is_set()  # the choices are still being written
        assert named(dialog, QLabel, "settingsSavingHint").isHidden()
        assert named(dialog, QListWidget, "profileList").isEnabled()
        assert not dialog.busy
        dialog.reject()  # Close, nothing changed
        qtbot.waitUntil(lambda: window.settings_dialog is None)
    finally:
        disk.release()
    qtbot.waitUntil(lambda: store.load().language == "fr", timeout=5000)


def test_a_link_made_with_a_newer_versions_settings_keeps_them_for_it(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # After an administrator rolled a release back, the first link made here saved the form's
    # choices and rewrote settings.json as this version knows it: the newer version's
    # settings were gone, its language too, and the file's version lowered.
    newer = {
        "version": 2,
        "active_profile": "default",
        "profiles": [{"name": "default", "region": "EU", "proxy": "http://proxy.example:8080"}],
        "preferences": {"language": "pt", "category": "HRIS", "theme": "dark"},
        "shortcuts": {"create": "Ctrl+Enter"},
    }
    settings_file = AppPaths.from_environment().settings_file
    settings_file.parent.mkdir(parents=True, exist_ok=True)
    settings_file.write_text(json.dumps(newer), encoding="utf-8")
    window = open_window("--demo")
    fill_form(window)
    make_link(qtbot, window)

    saved = json.loads(settings_file.read_text(encoding="utf-8"))
    assert saved["version"] == 2
    assert saved["shortcuts"] == {"create": "Ctrl+Enter"}
    assert saved["profiles"][0]["proxy"] == "http://proxy.example:8080"
    assert saved["preferences"]["language"] == "pt"  # the form offered English, unchanged
    assert saved["preferences"]["theme"] == "dark"


def test_a_removed_profile_takes_its_cached_tool_lists_along(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # Left behind, a new profile of the same name (perhaps another Kombo account) was shown
    # them while offline.
    store = SettingsStore(AppPaths.from_environment())
    store.save(Settings(profiles=[Profile("default"), Profile("old")]))
    cache = CatalogCache(AppPaths.from_environment().catalog_cache_dir)
    old = ToolListOwner("old", Profile("old").api_base)
    cache.save(old, Category.HRIS, [Tool("personio", "Personio", (Category.HRIS,))])
    assert cache.load(old, Category.HRIS)
    window = open_window()
    dialog = settings_of(qtbot, window)
    profiles = named(dialog, QListWidget, "profileList")
    for row in range(profiles.count()):
        if profiles.item(row).text() == "old":
            profiles.setCurrentRow(row)
    answer_next_box("Remove profile")
    named(dialog, QPushButton, "removeProfileButton").click()
    qtbot.waitUntil(lambda: "old" not in [p.name for p in store.load().profiles])
    qtbot.waitUntil(lambda: not dialog.busy)  # the window follows once it is saved
    assert cache.load(old, Category.HRIS) is None
    dialog.reject()


OTHER_KEY = "kombo-other-account-key-5c2b"
NO_TOOL_LISTS = Reply.kombo_error(403, "PLATFORM.AUTHENTICATION_INVALID", "No permission.")


def one_accounts_tools() -> FaultServer:
    """A Kombo account with a single tool enabled: its list is easy to tell from the bundled."""
    return FaultServer(fallback=Reply.tools([("euonlyhr", "EU Only HR")])).start()


def account_profile(name: str, server: FaultServer, environment: str | None = None) -> Profile:
    return Profile(name, Region.CUSTOM, server.base_url, environment_id=environment)


def refreshed(qtbot: QtBot, window: MainWindow, server: FaultServer, asked_before: int) -> None:
    """Wait until the window asked ``server`` for its tool lists again and took the answer.
    Settled, not only without work running: a request of the refresh before could come in
    between, with the new one not yet started in its turn."""
    qtbot.waitUntil(lambda: len(server.requests) > asked_before, timeout=10_000)
    wait_until_settled(qtbot, window)


@pytest.mark.parametrize("new_account", ["refused", "out of reach", "same address"])
def test_a_profile_moved_to_another_account_is_not_shown_the_old_accounts_tools(
    qtbot: QtBot, open_window: WindowFactory, new_account: str
) -> None:
    # A profile switched to another region (or given another environment's key) whose tool
    # lists could not be fetched (a 403, which may still make links, or offline) was shown
    # the lists cached for its name: the other account's, never the bundled list.
    store = SettingsStore(AppPaths.from_environment())
    old = one_accounts_tools()
    other = old
    if new_account != "same address":
        offline = new_account == "out of reach"
        other = FaultServer(fallback=Reply(disconnect=True) if offline else NO_TOOL_LISTS).start()
    try:
        store.save(Settings(profiles=[account_profile("default", old, "env_EU")]))
        keyring.set_password(SERVICE_NAME, "default", API_KEY)
        window = open_window()
        qtbot.waitUntil(lambda: window.toolCombo.findData("euonlyhr") > 0, timeout=10_000)
        if other is old:
            old.script(*[NO_TOOL_LISTS] * 4)  # the other environment's key may not list tools
        asked = len(other.requests)
        store.save(Settings(profiles=[account_profile("default", other, "env_US")]))
        keyring.set_password(SERVICE_NAME, "default", OTHER_KEY)
        window.use_profile("default")
        refreshed(qtbot, window, other, asked)
        assert window.toolCombo.findData("euonlyhr") == -1
        assert window.toolCombo.findData("personio") > 0  # the bundled list
        window.close()
    finally:
        old.stop()
        other.stop()


def test_another_environments_key_says_both_the_new_key_and_that_the_tool_was_reset(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # Another environment's key shows the bundled lists again, which may lack the chosen tool:
    # the sentence saying it was reset was at once replaced by "Links are now made with ...",
    # so the person never learnt why their tool choice was gone.
    store = SettingsStore(AppPaths.from_environment())
    server = one_accounts_tools()
    try:
        store.save(Settings(profiles=[account_profile("default", server, "env_EU")]))
        keyring.set_password(SERVICE_NAME, "default", API_KEY)
        window = open_window()
        qtbot.waitUntil(lambda: window.toolCombo.findData("euonlyhr") > 0, timeout=10_000)
        assert window.linkForm.select_tool("euonlyhr")
        server.script(*[NO_TOOL_LISTS] * 4)  # the other environment's key may not list tools
        store.save(Settings(profiles=[account_profile("default", server, "env_US")]))
        keyring.set_password(SERVICE_NAME, "default", OTHER_KEY)
        window.use_profile("default")
        assert window.toolCombo.currentData() is None
        assert window.target is not None
        assert window.statusLabel.text() == (
            "Kombo accepted the key: the next link goes with it. "
            "EU Only HR is not available in your Kombo account for “HR system (HRIS)”, so "
            "the tool was reset to “The customer chooses”."
        )
        window.close()
    finally:
        server.stop()


def test_a_renamed_profile_takes_its_cached_tool_lists_along(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # Left under the old name, a later profile of that name (at the same address) was shown
    # them when its own lists could not be fetched.
    store = SettingsStore(AppPaths.from_environment())
    server = one_accounts_tools()
    try:
        store.save(Settings(profiles=[account_profile("default", server)]))
        keyring.set_password(SERVICE_NAME, "default", API_KEY)
        window = open_window()
        qtbot.waitUntil(lambda: window.toolCombo.findData("euonlyhr") > 0, timeout=10_000)
        dialog = settings_of(qtbot, window)
        name = dialog.profiles.profileNameEdit
        name.setFocus()
        name.selectAll()
        qtbot.keyClicks(name, "EU team")
        qtbot.keyClick(name, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.setup.profile_name == "EU team", timeout=5000)
        dialog.reject()
        qtbot.waitUntil(lambda: window.settings_dialog is None, timeout=5000)
        window.close()

        server.script(*[NO_TOOL_LISTS] * 8)
        renamed = store.load().profiles
        store.save(Settings(profiles=[*renamed, account_profile("default", server)]))
        keyring.set_password(SERVICE_NAME, "default", OTHER_KEY)
        for profile, shown in (("default", False), ("EU team", True)):
            asked = len(server.requests)
            again = open_window("--profile", profile)
            refreshed(qtbot, again, server, asked)
            assert (again.toolCombo.findData("euonlyhr") > 0) is shown, profile
            again.close()
    finally:
        server.stop()


@pytest.mark.parametrize("closed_by", ["Close", "Esc"])
def test_a_profile_renamed_and_closed_at_once_is_the_windows_new_name(
    qtbot: QtBot, open_window: WindowFactory, closed_by: str
) -> None:
    """The name typed over "default" and the dialog closed at once: the settings and the key
    took the new name, but the window went on with "Profile: default", and the next Settings
    listed a "default (in use)" that no longer existed."""
    keyring.set_password(SERVICE_NAME, "default", API_KEY)
    with DemoKomboServer(api_key=API_KEY) as server:
        window = open_window("--api-base", server.base_url)
        dialog = settings_of(qtbot, window)
        name = dialog.profiles.profileNameEdit
        name.setFocus()
        name.selectAll()
        qtbot.keyClicks(name, "Main account")
        if closed_by == "Close":
            qtbot.mouseClick(
                dialog.findChild(QAbstractButton, "closeSettingsButton"), Qt.MouseButton.LeftButton
            )
        else:
            qtbot.keyClick(name, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: window.settings_dialog is None, timeout=5000)

        assert window.profileLabel.text().startswith("Profile: Main account")
        assert window.setup.profile_name == "Main account"
        qtbot.waitUntil(lambda: keyring.get_password(SERVICE_NAME, "Main account") == API_KEY)
        fill_form(window)
        make_link(qtbot, window)
        (made,) = window.history.store.search()
        assert made.profile == "Main account"


def test_closing_settings_while_a_new_key_is_saved_waits_and_the_window_uses_it(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    """Close pressed while the password store still asked "allow access?": the new key was
    saved, but the window never heard of it and went on with the old, refused one."""
    store = PromptingKeyring()
    store.answer_prompt()  # the store answers at once, until the new key is saved
    store.secrets[(SERVICE_NAME, "default")] = "kombo-revoked-key-000000"
    keyring.set_keyring(store)  # conftest restores the previous one
    with DemoKomboServer(api_key=API_KEY) as server:
        window = open_window("--api-base", server.base_url)
        dialog = settings_of(qtbot, window)
        store.answered.clear()  # from now on the store waits for its user
        store.waiting.clear()
        named(dialog, QLineEdit, "apiKeyEdit").setText(API_KEY)
        named(dialog, QAbstractButton, "saveKeyButton").click()
        # Kombo accepted the key; the store holds its saving at the prompt.
        qtbot.waitUntil(lambda: store.waiting.is_set() and dialog.key.store_work_running)
        dialog.reject()  # Close or Esc while the store asks
        assert dialog.isVisible()  # it closes once the store has answered
        store.answer_prompt()
        qtbot.waitUntil(lambda: window.settings_dialog is None, timeout=10_000)
        fill_form(window)
        make_link(qtbot, window)
        assert window.statusPanel.kind == "success"


def test_two_changes_of_profile_in_a_moment_say_the_stores_problem_once(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    """Each change scheduled a look at the key, and both looked at the newest connection: the
    locked store's note stood twice in the status line."""
    store = LockableKeyring(locked=True)
    keyring.set_keyring(store)  # conftest restores the previous one
    window = open_window()
    qtbot.waitUntil(lambda: STORE_READ_LOCKED in window.statusPanel.text, timeout=10_000)
    target = window.setup.profile_target
    window.use_target(target)
    window.use_target(target)  # e.g. a rename and a saved key, within a moment
    qtbot.waitUntil(lambda: STORE_READ_LOCKED in window.statusPanel.text, timeout=10_000)
    wait_until_settled(qtbot, window)  # a second look would have come by now
    assert window.statusPanel.text.count(STORE_READ_LOCKED) == 1


def add_profile_with_key(
    qtbot: QtBot, dialog: SettingsDialog, name: str, key: str, address: str | None = None
) -> None:
    """Press "Add profile", type its name, perhaps another address, paste its key, and press
    "Save and check key"."""
    named(dialog, QAbstractButton, "addProfileButton").click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)  # the new profile is shown
    name_edit = named(dialog, QLineEdit, "profileNameEdit")
    name_edit.selectAll()
    qtbot.keyClicks(name_edit, name)
    qtbot.keyClick(name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
    if address is not None:
        region = named(dialog, QComboBox, "regionCombo")
        region.setCurrentIndex(region.findData("CUSTOM"))
        address_edit = dialog.findChild(QLineEdit, "customBaseEdit")
        qtbot.keyClicks(address_edit, address)
        qtbot.keyClick(address_edit, Qt.Key.Key_Return)
    named(dialog, QLineEdit, "apiKeyEdit").setText(key)  # as pasted
    named(dialog, QAbstractButton, "saveKeyButton").click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)


def close_settings(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.settings_dialog
    assert dialog is not None
    qtbot.mouseClick(
        dialog.findChild(QAbstractButton, "closeSettingsButton"), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: window.settings_dialog is None, timeout=5000)


def test_a_key_saved_for_a_new_profile_on_a_first_run_is_used_at_once(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    """First run: "default" has no key, the person adds "Acme Production", pastes its key,
    Kombo accepts it, they close Settings. The window went on with the keyless "default",
    still asked for a key, and Create said that no key was set, right after one was."""
    with DemoKomboServer(api_key=API_KEY) as server:
        window = open_window("--api-base", server.base_url)
        qtbot.waitUntil(window.firstRunNotice.isVisible)
        dialog = settings_of(qtbot, window)
        add_profile_with_key(qtbot, dialog, "Acme Production", API_KEY)
        said = dialog.settingsStatusLabel.text()
        assert said.startswith("Kombo accepted the key")
        assert said.endswith(
            "Links are now made with the profile “Acme Production” (address 127.0.0.1), as "
            "“default” has no key."
        )
        listed = named(dialog, QListWidget, "profileList")
        assert [listed.item(i).text() for i in range(listed.count())] == [
            "default",
            "Acme Production (in use)",
        ]
        close_settings(qtbot, window)

        assert window.profileLabel.text().startswith("Profile: Acme Production")
        assert window.statusLabel.text() == (
            "Links are now made with the profile “Acme Production” (address 127.0.0.1)."
        )
        assert not window.firstRunNotice.isVisible()
        fill_form(window)
        make_link(qtbot, window)
        assert window.statusPanel.kind == "success"
        assert len(server.links) == 1
        (made,) = window.history.store.search()
        assert made.profile == "Acme Production"


@pytest.mark.parametrize("then", ["use it now", "close"])
def test_a_key_saved_for_a_profile_not_in_use_says_which_one_makes_links(
    qtbot: QtBot, open_window: WindowFactory, then: str
) -> None:
    """The profile "default" has its key (Europe); the person adds "US team" with the US key
    and closes Settings. Nothing said that "default" was still in use: the US customer's link
    went out with the European key. Now Settings says so and offers to use "US team" right
    there, and closing without it says in the window which profile links are still made with."""
    with DemoKomboServer(api_key=API_KEY) as europe, DemoKomboServer(api_key=OTHER_KEY) as us:
        store = SettingsStore(AppPaths.from_environment())
        store.save(Settings(profiles=[Profile("default", Region.CUSTOM, europe.base_url)]))
        keyring.set_password(SERVICE_NAME, "default", API_KEY)
        window = open_window()
        dialog = settings_of(qtbot, window)
        add_profile_with_key(qtbot, dialog, "US team", OTHER_KEY, us.base_url)
        said = dialog.settingsStatusLabel.text()
        assert said.startswith("Kombo accepted the key")
        # In the words the window uses for the profile still in use (below), place and all.
        assert said.endswith("Links are still made with the profile “default” (address 127.0.0.1).")
        use_now = named(dialog, QAbstractButton, "useSavedProfileButton")
        assert use_now.isVisible() and use_now.text() == "Use “US team” now"
        if then == "use it now":
            use_now.click()
            qtbot.waitUntil(lambda: not dialog.busy)  # saved on a worker
            assert dialog.settingsStatusLabel.text() == (
                "Links are now made with the profile “US team” (address 127.0.0.1)."
            )
            assert not use_now.isVisible()
        close_settings(qtbot, window)

        in_use = "US team" if then == "use it now" else "default"
        assert window.profileLabel.text().startswith(f"Profile: {in_use}")
        if then == "close":
            assert window.statusLabel.text() == (
                "Links are still made with the profile “default” (address 127.0.0.1), not "
                "with “US team”. To use “US team”, open Settings, select it and press “Use "
                "this profile”."
            )
        fill_form(window)
        make_link(qtbot, window)
        made_at = us if then == "use it now" else europe
        assert [len(europe.links), len(us.links)] == [int(made_at is europe), int(made_at is us)]


def test_a_profile_only_looked_at_in_settings_is_not_mentioned_on_closing(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    """Selecting another profile to look at it changes nothing: the window says nothing."""
    store = SettingsStore(AppPaths.from_environment())
    store.save(Settings(profiles=[Profile("default"), Profile("US team", Region.US)]))
    window = open_window()
    qtbot.waitUntil(window.firstRunNotice.isVisible)
    before = window.statusLabel.text()
    dialog = settings_of(qtbot, window)
    listed = named(dialog, QListWidget, "profileList")
    listed.setCurrentRow(1)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
    close_settings(qtbot, window)
    assert window.statusLabel.text() == before


def test_a_key_deleted_outside_the_program_is_not_used_once_settings_finds_it_gone(
    qtbot: QtBot, open_window: WindowFactory, memory_keyring: object
) -> None:
    """The key was deleted from the password store while the program ran (by the person, or
    by IT): Settings said "No key is stored for this profile yet.", yet the window kept the
    key it had read and went on making links with it."""
    keyring.set_password(SERVICE_NAME, "default", API_KEY)
    with DemoKomboServer(api_key=API_KEY) as server:
        window = open_window("--api-base", server.base_url)
        fill_form(window)
        make_link(qtbot, window)
        assert len(server.links) == 1
        keyring.delete_password(SERVICE_NAME, "default")  # outside the program

        dialog = settings_of(qtbot, window)
        key_status = named(dialog, QLabel, "keyStatusLabel").text()
        assert key_status.startswith("No key is stored for this profile")
        close_settings(qtbot, window)
        qtbot.waitUntil(window.firstRunNotice.isVisible, timeout=5000)
        assert "No API key is set for this profile yet." in window.statusLabel.text()

        window.start_next_customer()
        fill_form(window, email="bob@beta.example", organization="Beta Ltd")
        window.createButton.click()
        qtbot.waitUntil(lambda: not window.busy, timeout=10_000)
        assert len(server.links) == 1  # no link made with the deleted key
        last = server.requests_to("POST", "/v1/connect/create-link")[-1]
        assert last.header("Authorization") is None


def test_leaving_the_demo_is_said_once(
    qtbot: QtBot, open_window: WindowFactory, spoken: Spoken
) -> None:
    # "Left the demo. Links are now made with the profile “default” (Europe)." was said, and
    # a moment later the same again with "No API key is set for this profile yet." after it.
    window = open_window()
    qtbot.waitUntil(window.firstRunNotice.isVisible)
    window.firstRunNotice.tryDemoButton.click()
    spoken.clear()
    window.demoBanner.leaveDemoButton.click()
    no_key = "No API key is set for this profile yet."
    qtbot.waitUntil(lambda: window.statusLabel.text().endswith(no_key))
    said = [words for words, _ in spoken]
    assert said == [
        "Left the demo. Links are now made with the profile “default” (Europe).",
        no_key,
    ]
    assert "\n".join(said) == window.statusLabel.text()


REVOKED_KEY = "kombo-revoked-key-000000"


def window_with_a_revoked_key(
    qtbot: QtBot, open_window: WindowFactory, server: object
) -> MainWindow:
    """The profile "default" at ``server`` (a ``DemoKomboServer``), its key revoked since an
    earlier check remembered its environment; a link asked for and refused for the key."""
    store = SettingsStore(AppPaths.from_environment())
    base_url = server.base_url  # type: ignore[attr-defined]
    store.save(Settings(profiles=[Profile("default", Region.CUSTOM, base_url, "prod-env-1")]))
    keyring.set_password(SERVICE_NAME, "default", REVOKED_KEY)
    window = open_window()
    wait_until_settled(qtbot, window)
    fill_form(window)
    window.createButton.click()
    qtbot.waitUntil(
        lambda: "did not accept the API key" in window.statusLabel.text(), timeout=10_000
    )
    return window


def test_settings_opened_from_a_refused_key_say_it_was_refused(
    qtbot: QtBot, open_window: WindowFactory, memory_keyring: object
) -> None:
    # The window said "Kombo did not accept the API key … Check the key in Settings.", and
    # Settings then said "A key is stored …" and "Kombo environment: prod-env-1", as if it
    # were fine: the two screens contradicted each other.
    with DemoKomboServer(api_key=API_KEY) as server:
        window = window_with_a_revoked_key(qtbot, open_window, server)
        window.statusPanel.statusActionButton.click()  # "Open settings"
        dialog = window.settings_dialog
        assert isinstance(dialog, SettingsDialog)
        qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)
        key_line = named(dialog, QLabel, "keyStatusLabel").text()
        assert "Kombo refused this key just now: it may have been revoked." in key_line
        assert "prod-env-1" not in named(dialog, QLabel, "environmentIdLabel").text()
        key_field = named(dialog, QLineEdit, "apiKeyEdit")
        assert key_field.hasFocus()
        assert "Kombo refused this key" in key_field.accessibleDescription()

        key_field.setText(API_KEY)
        named(dialog, QAbstractButton, "saveKeyButton").click()
        qtbot.waitUntil(lambda: dialog.key.key_refused("default") is False, timeout=10_000)
        qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
        assert "refused" not in named(dialog, QLabel, "keyStatusLabel").text()
        dialog.reject()
        qtbot.waitUntil(lambda: window.settings_dialog is None)

        # Opened again, once the new key is in use: nothing said of a refusal.
        again = settings_of(qtbot, window)
        assert "refused" not in named(again, QLabel, "keyStatusLabel").text()
        again.reject()
        window.close()


def test_a_new_key_for_the_profile_in_use_says_it_was_accepted_not_that_links_moved(
    qtbot: QtBot, open_window: WindowFactory, memory_keyring: object
) -> None:
    # The refused key put right in Settings: the window said "Links are now made with the
    # profile “default” (address 127.0.0.1).", a change of profile nobody made.
    with DemoKomboServer(api_key=API_KEY) as server:
        window = window_with_a_revoked_key(qtbot, open_window, server)
        dialog = settings_of(qtbot, window)
        named(dialog, QLineEdit, "apiKeyEdit").setText(API_KEY)
        named(dialog, QAbstractButton, "saveKeyButton").click()
        accepted = "Kombo accepted the key: the next link goes with it."
        qtbot.waitUntil(lambda: window.statusLabel.text().startswith(accepted), timeout=10_000)
        dialog.reject()
        qtbot.waitUntil(lambda: window.settings_dialog is None)
        wait_until_settled(qtbot, window)
        assert window.statusLabel.text() == accepted
        assert window.statusPanel.kind == "info"
        assert "Links are now made" not in window.statusLabel.text()
        make_link(qtbot, window)
        assert window.statusPanel.kind == "success"
        window.close()


def test_a_password_store_that_cannot_be_read_at_start_offers_the_way_to_settings(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # "… Enter the key in Settings; it is kept until you close the program." with no way
    # there on the status line, and no word on how to stop pasting the key at every start.
    keyring.set_keyring(keyring.backends.fail.Keyring())  # conftest restores the previous one
    window = open_window()
    qtbot.waitUntil(lambda: STORE_UNREADABLE in window.statusLabel.text(), timeout=10_000)
    wait_until_settled(qtbot, window)
    assert "ask your IT team to get the password store working" in window.statusLabel.text()
    action = window.statusPanel.statusActionButton
    assert action.isVisible() and action.text() == "Open settings"
    action.click()
    qtbot.waitUntil(lambda: window.settings_dialog is not None)
    dialog = window.settings_dialog
    assert isinstance(dialog, SettingsDialog) and dialog.isVisible()
    dialog.reject()
    window.close()


def test_a_status_naming_the_profile_in_use_says_its_new_name_once_renamed(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    """ "Team US" taken into use, then renamed "Team USA": the header said "Profile: Team USA"
    while the status line went on saying that links were made with "Team US", a profile
    Settings no longer listed."""
    SettingsStore(AppPaths.from_environment()).save(
        Settings(profiles=[Profile("default"), Profile("Team US", Region.US)])
    )
    for profile in ("default", "Team US"):
        keyring.set_password(SERVICE_NAME, profile, API_KEY)
    with DemoKomboServer(api_key=API_KEY) as server:
        window = open_window("--api-base", server.base_url)
        window.use_profile("Team US")  # as "Use this profile" in Settings says
        wait_until_settled(qtbot, window)
        before = window.statusPanel.text
        assert "“Team US”" in before
        dialog = settings_of(qtbot, window)
        name = named(dialog, QLineEdit, "profileNameEdit")
        name.setFocus()
        name.selectAll()
        qtbot.keyClicks(name, "Team USA")
        qtbot.keyClick(name, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.setup.profile_name == "Team USA", timeout=5000)
        close_settings(qtbot, window)
        wait_until_settled(qtbot, window)

        assert window.profileLabel.text().startswith("Profile: Team USA")
        said = window.statusPanel.text
        assert said == before.replace("“Team US”", "“Team USA”")
        assert window.statusLabel.accessibleName() == said
