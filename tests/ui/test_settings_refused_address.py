"""The window with a settings file whose profile in use holds an API address this version
refuses: it starts with everything else kept, says which address to correct and where, sends
nothing with that profile (neither there nor to one of Kombo's regions in its stead), and
Settings shows the address as it was saved, ready to be corrected."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kombo_desktop.core import settings as settings_module
from kombo_desktop.core.credentials import CredentialStore
from kombo_desktop.core.demo_server import DemoKomboServer
from kombo_desktop.core.paths import AppPaths
from kombo_desktop.core.settings import Region
from kombo_desktop.core.vocabulary import Language
from kombo_desktop.ui.theme import usual_system_points
from tests.support.fault_server import FaultServer, Reply
from tests.ui.conftest import SystemText, WindowFactory, fill_form, make_link, settings_of

API_KEY = "sk-test-4f9a1c2e8b7d6a5f"
REFUSED = "https://xn--zz.example/v1"
FIX_IT = "Open Settings and correct the address of the profile “proxy”."


def write_settings(paths: AppPaths, address: str = REFUSED, active: str = "proxy") -> bytes:
    content = {
        "version": 1,
        "active_profile": active,
        "profiles": [
            {"name": "default", "region": "EU", "custom_base": None, "environment_id": None},
            {"name": "proxy", "region": "CUSTOM", "custom_base": address, "environment_id": None},
        ],
        "preferences": {"language": "de", "link_type": "MAGIC_LINK"},
    }
    raw = json.dumps(content, indent=2).encode("utf-8")
    paths.ensure()
    paths.settings_file.write_bytes(raw)
    return raw


@pytest.fixture
def kombo_in_place_of_the_regions(monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultServer]:
    """A server standing in for both of Kombo's regions: a request sent to one of them in
    place of the refused address (with the key saved for that address) would arrive here."""
    with FaultServer(fallback=Reply.json({"status": "success", "data": {}})) as server:
        for region in (Region.EU, Region.US):
            monkeypatch.setitem(settings_module.REGION_BASES, region, server.base_url)
        yield server


@pytest.mark.parametrize(
    "address",
    [REFUSED, "https://a\u2488b.example/v1", "https://999.1.1.1/v1", "http://corp.example/v1"],
)
def test_the_window_starts_with_the_settings_kept_and_says_what_to_correct(
    qtbot: QtBot, open_window: WindowFactory, address: str
) -> None:
    paths = AppPaths.from_environment()
    raw = write_settings(paths, address)

    window = open_window()

    assert window.setup.settings.language is Language.DE
    assert [p.name for p in window.setup.settings.profiles] == ["default", "proxy"]
    assert window.target is not None and window.target.profile == "proxy"
    status = window.statusLabel.text()
    assert FIX_IT in status
    assert "could not be read" not in status and "usual settings" not in status
    assert address not in status
    assert paths.settings_file.read_bytes() == raw  # nothing set aside or written over
    assert list(paths.config_dir.glob("settings.json.corrupt-*")) == []


def test_in_the_demo_the_address_to_correct_is_said_once_the_demo_is_left(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # "No links are made with it" under the demo's header, while demo links were made.
    write_settings(AppPaths.from_environment())
    window = open_window("--demo")
    assert FIX_IT not in window.statusLabel.text()

    window.demoBanner.leaveDemoButton.click()
    qtbot.waitUntil(lambda: FIX_IT in window.statusLabel.text(), timeout=5000)
    assert "“proxy”" in window.statusLabel.text()


def test_a_link_with_that_profile_sends_nothing_and_says_where_to_correct_it(
    qtbot: QtBot,
    open_window: WindowFactory,
    kombo_in_place_of_the_regions: FaultServer,
) -> None:
    write_settings(AppPaths.from_environment())
    CredentialStore().save("proxy", API_KEY)
    window = open_window()
    fill_form(window)

    window.createButton.click()
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)

    words = window.statusLabel.text()
    assert "“proxy”" in words and FIX_IT in words
    assert "unexpected" not in words
    assert window.statusPanel.statusActionButton.text() == "Open settings"
    assert window.organizationEdit.text() == "Acme GmbH"  # nothing typed is lost
    assert kombo_in_place_of_the_regions.requests == []  # not to Kombo's usual address


def test_settings_shows_the_saved_address_to_correct_and_links_work_once_it_is(
    qtbot: QtBot, open_window: WindowFactory, demo_server: DemoKomboServer
) -> None:
    paths = AppPaths.from_environment()
    write_settings(paths)
    window = open_window()
    dialog = settings_of(qtbot, window)
    profiles = dialog.profiles

    assert profiles.customBaseEdit.text() == REFUSED
    assert not profiles.customBaseError.isHidden()
    assert "is not a valid web address" in profiles.customBaseError.text()
    said = dialog.settingsStatusLabel.text()
    assert "“proxy”" in said and "correct its address" in said
    assert "Open Settings" not in said  # it is open

    profiles.customBaseEdit.clear()
    qtbot.keyClicks(profiles.customBaseEdit, demo_server.base_url)
    qtbot.keyClick(profiles.customBaseEdit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=5000)

    assert profiles.customBaseError.isHidden()
    saved = json.loads(paths.settings_file.read_text("utf-8"))
    assert [p["custom_base"] for p in saved["profiles"]] == [None, demo_server.base_url]
    assert saved["preferences"]["language"] == "de"
    dialog.close()
    assert window.target is not None and window.target.address_problem is None
    fill_form(window)
    assert make_link(qtbot, window).startswith("http")


def test_an_address_corrected_without_enter_is_used_once_settings_closes(
    qtbot: QtBot, open_window: WindowFactory, demo_server: DemoKomboServer
) -> None:
    # Corrected and closed with Esc: the file held the corrected address and Settings showed
    # it, while Create kept saying "Open Settings and correct the address".
    paths = AppPaths.from_environment()
    write_settings(paths)
    window = open_window()
    dialog = settings_of(qtbot, window)
    edit = dialog.profiles.customBaseEdit
    dialog.activateWindow()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    edit.selectAll()
    qtbot.keyClicks(edit, demo_server.base_url)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.settings_dialog is None, timeout=5000)

    saved = json.loads(paths.settings_file.read_text("utf-8"))
    assert [p["custom_base"] for p in saved["profiles"]] == [None, demo_server.base_url]
    assert window.target is not None and window.target.address_problem is None
    fill_form(window)
    assert make_link(qtbot, window).startswith("http")
    assert FIX_IT not in window.statusLabel.text()


def test_with_the_administrators_address_the_saved_one_is_not_news(
    qtbot: QtBot, open_window: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Links go to the administrator's address for every profile: the saved one is not used,
    # and "no links are made with it" would be untrue.
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"fixed_api_base": "https://kombo.corp.example/v1"}), "utf-8")
    monkeypatch.setenv("KOMBO_DESKTOP_POLICY", str(policy))
    write_settings(AppPaths.from_environment())

    window = open_window()

    assert window.target is not None and window.target.address_problem is None
    assert window.target.api_base == "https://kombo.corp.example/v1"
    assert "“proxy”" not in window.statusLabel.text()


def test_switching_to_that_profile_does_not_say_links_are_made_with_it(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    write_settings(AppPaths.from_environment(), active="default")
    window = open_window()
    dialog = settings_of(qtbot, window)
    profiles = dialog.profiles
    [item] = profiles.profileList.findItems("proxy", Qt.MatchFlag.MatchExactly)
    profiles.profileList.setCurrentItem(item)

    profiles.useProfileButton.click()
    qtbot.waitUntil(lambda: window.target is not None and window.target.profile == "proxy")

    for said in (dialog.settingsStatusLabel.text(), window.statusLabel.text()):
        assert said.startswith("The profile “proxy” is now in use.")
        assert FIX_IT in said
        assert "Links are now made" not in said


def test_the_header_shows_no_invisible_characters_of_a_refused_address(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # An address edited by hand with an invisible character in its host: the header names the
    # host of a custom address, and a shared screen would show what no one can see.
    write_settings(AppPaths.from_environment(), "https://kombo.corp.example\u200b/v1")

    window = open_window()

    label = window.profileLabel.text()
    assert label == "Profile: proxy · address to correct"
    assert FIX_IT in window.statusLabel.text()


AT_150 = QRect(0, 0, 911, 485)  # a 1366x768 laptop at 150 %, less the task bar


def whole_in_view(widget: QWidget) -> bool:
    return widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()


@pytest.mark.parametrize(
    ("screen", "text_scale"),
    [pytest.param(None, 1.0, id="usual"), pytest.param(AT_150, 1.5, id="150%-text-150%")],
)
def test_settings_opens_at_the_address_to_correct(
    qtbot: QtBot,
    open_window: WindowFactory,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    screen: QRect | None,
    text_scale: float,
) -> None:
    # The note says to correct the address, while the focus was in the key field, and on a
    # laptop at 150 % with larger text the address was scrolled out of view above it.
    if screen is not None:
        monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(screen))
    system_text(usual_system_points() * text_scale)
    write_settings(AppPaths.from_environment())
    window = open_window()
    dialog = settings_of(qtbot, window)
    qtbot.waitExposed(dialog)
    edit = dialog.profiles.customBaseEdit

    qtbot.waitUntil(lambda: dialog.focusWidget() is edit)
    qtbot.waitUntil(lambda: whole_in_view(edit) and whole_in_view(dialog.profiles.customBaseError))
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, "https://kombo.corp.example/v1")  # typed where the person looks
    assert edit.text() == "https://kombo.corp.example/v1"


def test_settings_opens_at_the_key_where_the_address_is_fine(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    # The profile shown (the one in use) has a usable address: the key, as most come for.
    write_settings(AppPaths.from_environment(), active="default")
    dialog = settings_of(qtbot, open_window())
    qtbot.waitExposed(dialog)

    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.key.apiKeyEdit)
