"""The reconnection tab says whose integration a typed id is, and whether it works, by asking
the (demo) Kombo service; in screen-sharing mode without the organisation's name."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kombo_desktop.core import messages
from kombo_desktop.core.credentials import SERVICE_NAME
from kombo_desktop.core.demo.wire import DEMO_ORGANIZATION
from kombo_desktop.core.history import HistoryEntry
from kombo_desktop.core.integrations import (
    DEMO_NOT_FOUND_TEXT,
    NOT_FOUND_SEVERAL_PROFILES_TEXT,
    NOT_FOUND_STATUS,
    NOT_FOUND_TEXT,
    REMOVED_STATUS,
    REMOVED_TEXT,
)
from kombo_desktop.core.paths import AppPaths
from kombo_desktop.core.settings import Profile, Region, Settings, SettingsStore
from kombo_desktop.core.vocabulary import Category, Language, LinkType
from kombo_desktop.ui import integration_lookup
from kombo_desktop.ui.invitation_bar import INVITATION_NOW_NAMED
from kombo_desktop.ui.main_window import MINIMUM_SIZE, NEW_LINK_TAB_TEXT, MainWindow
from kombo_desktop.ui.relink_form import ID_HINT
from kombo_desktop.ui.result_panel import file_stem_for
from kombo_desktop.ui.shown_link import ShownLink
from tests.support.fault_server import FaultServer, RecordedRequest, Reply, tools_or
from tests.support.found import central_of, content_of
from tests.support.history_helpers import open_history, shown_entries
from tests.support.history_records import record_relink, record_unchecked_relink
from tests.support.laid_out import wait_until_laid_out
from tests.support.message_boxes import answer_next_box
from tests.ui.conftest import (
    Spoken,
    SystemText,
    WindowFactory,
    fill_form,
    lookup_of,
    make_link,
    wait_for_lookup,
    wait_qr_saved,
    wait_saved,
    wait_until_ready,
    wait_until_settled,
)

INTEGRATION_ID = "personio:93fCvorjZ2jas7ZekX1V1n5d"


def hint(window: MainWindow) -> str:
    label = window.relinkForm.boxes["integration_id"].hint
    return label.text() if label.isVisible() else ""


def lookups(window: MainWindow) -> int:
    assert window.demo_server is not None
    return len(window.demo_server.requests_to("GET", f"/v1/integrations/{INTEGRATION_ID}"))


@pytest.fixture
def relink_tab(qtbot: QtBot, demo_window: MainWindow) -> MainWindow:
    demo_window.show_relink_mode()
    lookup_of(qtbot, demo_window)
    # Opened on a worker thread after the first frame: the tests write earlier links in it.
    qtbot.waitUntil(lambda: demo_window.history.is_open, timeout=10_000)
    return demo_window


def test_a_typed_id_is_described_without_names_while_sharing(
    qtbot: QtBot, relink_tab: MainWindow
) -> None:
    window = relink_tab
    usual = hint(window)
    window.relinkIntegrationEdit.setText(INTEGRATION_ID)
    wait_for_lookup(qtbot, window)
    assert hint(window).startswith("This is a Personio connection."), hint(window)
    assert "stopped working" in hint(window)
    assert DEMO_ORGANIZATION not in hint(window)  # screen-sharing mode is on at start

    window.screen_sharing.privacySwitch.click()  # off: the organisation may be named
    assert hint(window).startswith(f"This is the Personio connection of {DEMO_ORGANIZATION}.")
    assert lookups(window) == 1  # remembered, not asked again

    window.relinkIntegrationEdit.setText("personio:93fCvorjZ2jas7Zek")  # typing on
    assert hint(window) == usual


def test_an_id_the_demo_does_not_know_is_said_at_once(qtbot: QtBot, relink_tab: MainWindow) -> None:
    relink_tab.relinkIntegrationEdit.setText("nosuchtool:abc123")
    wait_for_lookup(qtbot, relink_tab)
    assert hint(relink_tab) == DEMO_NOT_FOUND_TEXT, hint(relink_tab)
    assert "region" not in hint(relink_tab)  # nothing in the demo has one


def test_an_id_kombo_does_not_know_points_to_the_dashboard_and_the_region(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOMBO_API_KEY", "test-key-5c1e9a")
    unknown = Reply.kombo_error(
        404, "PLATFORM.INTEGRATION_NOT_FOUND", "There is no integration with this id."
    )
    with FaultServer(fallback=unknown) as server:
        window = open_window("--api-base", server.base_url)
        window.show_relink_mode()
        lookup_of(qtbot, window)
        window.relinkIntegrationEdit.setText(INTEGRATION_ID)
        qtbot.waitUntil(lambda: hint(window) == NOT_FOUND_TEXT, timeout=10_000)
    assert "Kombo dashboard" in NOT_FOUND_TEXT and "region" in NOT_FOUND_TEXT
    # It sent the person to a "production or development" environment Settings never shows.
    assert "production" not in NOT_FOUND_TEXT + NOT_FOUND_SEVERAL_PROFILES_TEXT
    # Only one profile here: none other to choose in Settings.
    assert NOT_FOUND_TEXT.endswith(
        "If it was right, it may be in another Kombo account or region: ask whoever gave you "
        "the id."
    )
    assert NOT_FOUND_SEVERAL_PROFILES_TEXT.endswith(
        "If it was right, it may be in another Kombo account or region: ask whoever gave you "
        "the id which one, then choose that profile in Settings."
    )


def test_a_404_not_from_kombo_is_not_taken_for_an_unknown_id(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A wrong API address: a gateway answers 404 without Kombo's error code. The hint said
    # "Kombo has no integration with this id" (re-copy a correct id) while the button said
    # the address was wrong; the lookup now treats it as any other failure.
    monkeypatch.setenv("KOMBO_API_KEY", "test-key-5c1e9a")
    gateway = Reply.json({"message": "Not Found"}, status=404)
    with FaultServer(fallback=tools_or(gateway)) as server:
        window = open_window("--api-base", server.base_url)
        window.show_relink_mode()
        lookup_of(qtbot, window)
        usual = hint(window)
        window.relinkIntegrationEdit.setText(INTEGRATION_ID)
        lookup = window.integration_lookup
        assert lookup is not None  # made after the first frame (lookup_of waits for it)
        asked = f"/v1/integrations/{INTEGRATION_ID}"
        qtbot.waitUntil(
            lambda: any(r.path == asked for r in server.requests) and not lookup.busy,
            timeout=10_000,
        )
        assert hint(window) == usual
        window.relinkButton.click()
        qtbot.waitUntil(lambda: not window.busy, timeout=10_000)
        # The button's message about the address, adapted to an address given with a flag.
        assert window.statusLabel.text() == messages.address_set_by_message(
            messages.WRONG_ADDRESS_MESSAGE, "--api-base"
        )
        assert hint(window) == usual


NEW_LINK = "https://connect.kombo.dev/v1?token=new"


def removed_in_kombo(request: RecordedRequest) -> Reply:
    """Kombo after the integration was deleted there: it no longer knows the id."""
    if "/tools/" in request.path:
        return Reply.tools([("personio", "Personio")])
    if request.path.endswith("/connect/create-link"):
        return Reply.link(NEW_LINK)
    return Reply.kombo_error(
        404, "PLATFORM.INTEGRATION_NOT_FOUND", f"Integration {INTEGRATION_ID} not found."
    )


@pytest.fixture
def removed_window(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MainWindow]:
    """A window whose Kombo (a local server) no longer has ``INTEGRATION_ID``."""
    monkeypatch.setenv("KOMBO_API_KEY", "test-key-5c1e9a")
    with FaultServer(fallback=removed_in_kombo) as server:
        window = open_window("--api-base", server.base_url)
        lookup_of(qtbot, window)
        # Opened on a worker thread after the first frame: the tests write earlier links in it.
        qtbot.waitUntil(lambda: window.history.is_open, timeout=10_000)
        yield window


def record_earlier_reconnection(window: MainWindow, profile: str = "default") -> HistoryEntry:
    return record_relink(
        window.history.store,
        profile=profile,
        integration_id=INTEGRATION_ID,
        language=Language.EN,
        link_type=LinkType.MAGIC_LINK,
        url="https://connect.kombo.dev/v1?token=earlier",
        email="anna@acme.example",
        organization="Acme GmbH",
        category=Category.HRIS,
        tool="personio",
    )


def test_an_integration_removed_in_kombo_leads_to_a_new_link(
    qtbot: QtBot, removed_window: MainWindow
) -> None:
    # The history's own id, with this profile: "copy it again" or "check the region" could
    # not help. The integration is gone; the customer needs a new link.
    window = removed_window
    record_earlier_reconnection(window)
    fill_form(window, email="anna@acme.example", organization="Acme GmbH")
    window.createButton.click()
    qtbot.waitUntil(window.history.banner.isVisible)
    window.history.banner.relinkInsteadButton.click()
    assert window.relinkIntegrationEdit.text() == INTEGRATION_ID
    qtbot.waitUntil(lambda: hint(window) == REMOVED_TEXT, timeout=10_000)

    window.relinkButton.click()
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
    # Said under the id, with what to do; the status line said all of it a second time.
    assert window.statusPanel.text == REMOVED_STATUS
    assert hint(window) == REMOVED_TEXT
    action = window.statusPanel.statusActionButton
    assert action.isVisible() and action.text() == NEW_LINK_TAB_TEXT
    action.click()
    assert window.tabs.currentWidget() is window.linkForm
    assert window.linkForm.customer_text() == ("anna@acme.example", "Acme GmbH", "")
    # The earlier reconnection link cannot work any more: no warning offers it again.
    window.createButton.click()
    qtbot.waitUntil(lambda: window.linkField.text() == NEW_LINK, timeout=10_000)
    assert not window.history.banner.isVisible()
    wait_until_ready(qtbot, window)
    # The next customer: the removed integration's id is nothing to ask about keeping.
    asked = answer_next_box("Cancel")
    window.start_next_customer()
    asked.stop()
    assert asked.texts == []
    assert window.relinkIntegrationEdit.text() == ""


def test_the_new_link_for_a_removed_integration_is_for_the_customer_of_the_history(
    qtbot: QtBot, removed_window: MainWindow
) -> None:
    # Started from the history, with another customer's details in the new-link form.
    window = removed_window
    entry = record_earlier_reconnection(window)
    fill_form(window, email="bob@globex.example", organization="Globex Inc")
    window.history.from_history.fill_from(entry)
    qtbot.waitUntil(lambda: hint(window) == REMOVED_TEXT, timeout=10_000)

    def new_link_after_the_refusal() -> None:
        window.show_relink_mode()
        window.relinkButton.click()
        qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
        window.statusPanel.statusActionButton.click()
        assert window.tabs.currentWidget() is window.linkForm

    # Screen-sharing mode (on at start): nothing of the history comes on screen.
    new_link_after_the_refusal()
    assert window.linkForm.customer_text() == ("bob@globex.example", "Globex Inc", "")
    window.screen_sharing.set_on(False)
    # Bob's details were used for no link: they are not replaced unasked.
    asked = answer_next_box("Fill the form")
    new_link_after_the_refusal()
    assert asked.texts == [
        "Fill the form? What is typed on the “New link” tab has not been used for a link "
        "yet, and would be lost."
    ]
    assert window.linkForm.customer_text() == ("anna@acme.example", "Acme GmbH", "")
    assert window.toolCombo.currentData() == "personio"


def test_a_new_link_for_a_removed_integration_keeps_the_next_customers_typing_on_cancel(
    qtbot: QtBot, removed_window: MainWindow
) -> None:
    window = removed_window
    entry = record_earlier_reconnection(window)
    window.screen_sharing.set_on(False)
    fill_form(window, email="bob@globex.example", organization="Globex Inc")
    window.history.from_history.fill_from(entry)
    qtbot.waitUntil(lambda: hint(window) == REMOVED_TEXT, timeout=10_000)
    window.relinkButton.click()
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)

    asked = answer_next_box("Cancel")
    window.statusPanel.statusActionButton.click()
    assert len(asked.texts) == 1
    assert window.linkForm.customer_text() == ("bob@globex.example", "Globex Inc", "")
    assert window.tabs.currentWidget() is window.relinkForm
    assert window.relinkIntegrationEdit.text() == INTEGRATION_ID


def test_a_new_link_for_a_removed_integration_on_a_shared_screen_asks_for_the_details(
    qtbot: QtBot, removed_window: MainWindow
) -> None:
    # Screen-sharing mode leaves the form empty: "Check the customer's details" had nothing
    # to check.
    window = removed_window
    record_earlier_reconnection(window)
    window.show_relink_mode(INTEGRATION_ID)
    window.relinkButton.click()
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
    window.statusPanel.statusActionButton.click()
    assert window.linkForm.customer_text() == ("", "", "")
    assert window.statusPanel.text.startswith("Enter the customer's details, then press")


def test_an_id_only_another_profile_used_is_not_said_to_be_removed(
    qtbot: QtBot, removed_window: MainWindow
) -> None:
    # Another profile may be for another region or environment, where the integration is.
    window = removed_window
    record_earlier_reconnection(window, profile="US")
    window.show_relink_mode(INTEGRATION_ID)
    qtbot.waitUntil(lambda: hint(window) == NOT_FOUND_TEXT, timeout=10_000)
    window.relinkButton.click()
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
    assert window.statusPanel.text == NOT_FOUND_STATUS  # what to do is under the id
    assert hint(window) == NOT_FOUND_TEXT
    assert not window.statusPanel.statusActionButton.isVisible()


@pytest.mark.parametrize("copied_along", ["", "\u200b"], ids=["as-typed", "zero-width-space"])
def test_an_id_filled_in_from_a_removed_profiles_reconnection_says_that_profile_is_gone(
    qtbot: QtBot, removed_window: MainWindow, copied_along: str
) -> None:
    # "Fill the form" from a reconnection made with a profile removed since: the status line
    # said the profile was removed and how to reconnect the integration, while the id's hint
    # below it said to copy the id again and "choose the matching profile in Settings", which
    # lists no such profile; the refusal after the button said the same. An older version
    # kept an id with an invisible character copied along: the form gets it cleaned, and the
    # hint took the cleaned id for another one.
    window = removed_window
    if copied_along:
        earlier = record_unchecked_relink(
            window.history.store,
            profile="Sandbox",
            integration_id=INTEGRATION_ID + copied_along,
            language=Language.EN,
            link_type=LinkType.MAGIC_LINK,
            url="https://connect.kombo.dev/v1?token=earlier",
        )
    else:
        earlier = record_earlier_reconnection(window, profile="Sandbox")
    feature = open_history(qtbot, window)
    row = next(row for row, entry in enumerate(shown_entries(feature)) if entry == earlier)
    feature.panel.select_row(row)
    feature.panel.historyFillButton.click()

    assert window.relinkIntegrationEdit.text() == INTEGRATION_ID
    assert window.statusPanel.text.endswith(
        "The integration was connected with the profile “Sandbox”, which was removed: add a "
        "profile with that Kombo account's key in Settings to reconnect it."
    )
    gone = (
        "Kombo has no integration with this id for this profile. The integration was "
        "connected with the profile “Sandbox”, which was removed: add a profile with that "
        "Kombo account's key in Settings to reconnect it."
    )
    qtbot.waitUntil(lambda: hint(window) not in ("", ID_HINT), timeout=10_000)
    assert hint(window) == gone

    window.relinkButton.click()
    qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
    assert window.statusPanel.text == NOT_FOUND_STATUS  # not the words under the id again
    assert hint(window) == gone
    assert "Kombo error code: PLATFORM.INTEGRATION_NOT_FOUND" in window.statusPanel.support_text


def test_an_incomplete_id_is_not_looked_up(qtbot: QtBot, relink_tab: MainWindow) -> None:
    relink_tab.relinkIntegrationEdit.setText("personio")
    wait_for_lookup(qtbot, relink_tab)  # typing paused, and the id looked at
    wait_until_settled(qtbot, relink_tab)  # a request wrongly sent has arrived by now
    assert relink_tab.demo_server is not None
    assert not [r for r in relink_tab.demo_server.requests if r.method == "GET"]


def test_a_failed_lookup_leaves_the_usual_hint_and_the_link_still_works(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Kombo refuses the lookup (as it would a key without the right), then makes the link.
    monkeypatch.setenv("KOMBO_API_KEY", "test-key-5c1e9a")
    link = "https://connect.kombo.dev/v1?token=abc"
    refusal = Reply.kombo_error(403, "PLATFORM.AUTHENTICATION_INVALID", "Not allowed.")
    with FaultServer(fallback=refusal) as server:
        window = open_window("--api-base", server.base_url)
        window.show_relink_mode()
        lookup_of(qtbot, window)
        usual, status = hint(window), window.statusLabel.text()
        window.relinkIntegrationEdit.setText(INTEGRATION_ID)
        lookup = window.integration_lookup
        assert lookup is not None  # made after the first frame (lookup_of waits for it)
        qtbot.waitUntil(lambda: bool(server.requests) and not lookup.busy, timeout=10_000)
        # The start-up's own requests (the key's check) are done too: else the link scripted
        # next could be the answer to one of them, not to the click.
        wait_until_settled(qtbot, window)
        assert hint(window) == usual
        assert window.statusLabel.text() == status  # nothing in the person's way
        server.script(Reply.link(link))
        window.relinkButton.click()
        qtbot.waitUntil(lambda: window.linkField.text() == link, timeout=10_000)


OLD_KEY = "kombo-old-key-3c9a1d7e52"
NEW_KEY = "kombo-new-key-8b2f4e6a07"


def test_a_key_refused_by_the_lookup_is_said_as_for_a_link_and_the_next_link_reads_it_again(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    """The key was revoked after the start-up check had fetched the tool lists with it. The
    lookup of the id typed on the reconnection tab was refused (401), yet the window went on
    saying "Ready.", and once the key was replaced (``keyring set``) the reconnection link
    still went with the revoked key the window held, and was refused: only a refusal of a
    link counted. Now the lookup's refusal is said in the link's words, with the way to
    Settings, and the next request reads the key from the store again."""
    keyring.set_password(SERVICE_NAME, "default", OLD_KEY)
    revoked = threading.Event()
    refused = Reply.kombo_error(401, "PLATFORM.AUTHENTICATION_INVALID", "Invalid API key.")
    looked_up = f"/integrations/{INTEGRATION_ID}"

    def respond(request: RecordedRequest) -> Reply:
        if revoked.is_set() and request.header("Authorization") != f"Bearer {NEW_KEY}":
            return refused
        if request.path.endswith(looked_up):
            return described_by_kombo("Personio", "Acme GmbH")
        return tools_or(Reply.link(NEW_LINK))(request)

    def keys_sent(path: str) -> list[str | None]:
        return [r.header("Authorization") for r in server.requests if r.path.endswith(path)]

    with FaultServer(fallback=respond) as server:
        window = open_window("--api-base", server.base_url)
        lookup_of(qtbot, window)
        qtbot.waitUntil(lambda: bool(keys_sent("/tools/lms")) and window.runner.active == [])
        assert window.statusPanel.kind != "error"
        revoked.set()  # in the Kombo dashboard, after the start-up check
        window.show_relink_mode(INTEGRATION_ID)
        lookup = window.integration_lookup
        assert lookup is not None  # made after the first frame (lookup_of waits for it)
        qtbot.waitUntil(lambda: bool(keys_sent(looked_up)) and not lookup.busy, timeout=10_000)
        assert keys_sent(looked_up) == [f"Bearer {OLD_KEY}"]
        # What a reconnection link refused for the key says, with the same way forward.
        assert window.statusPanel.text == messages.key_refused_at_message("127.0.0.1")
        assert window.statusPanel.kind == "error"
        action = window.statusPanel.statusActionButton
        assert action.isVisible() and action.text() == "Open settings"

        keyring.set_password(SERVICE_NAME, "default", NEW_KEY)
        window.relinkButton.click()
        qtbot.waitUntil(lambda: window.linkField.text() == NEW_LINK, timeout=10_000)
        assert keys_sent("/relink") == [f"Bearer {NEW_KEY}"]
        window.close()


def test_leaving_the_demo_asks_again_where_links_now_go(
    qtbot: QtBot, relink_tab: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = relink_tab
    usual = hint(window)
    window.relinkIntegrationEdit.setText(INTEGRATION_ID)
    wait_for_lookup(qtbot, window)
    assert "Personio connection" in hint(window)
    window.leave_demo()  # the profile has no key: nothing to tell
    assert hint(window) == usual
    wait_for_lookup(qtbot, window)
    assert hint(window) == usual


def test_the_history_keeps_whose_reconnection_it_was(qtbot: QtBot, relink_tab: MainWindow) -> None:
    # Nothing in the program knew this integration's customer; Kombo named it.
    window = relink_tab
    window.relinkIntegrationEdit.setText(INTEGRATION_ID)
    wait_for_lookup(qtbot, window)
    assert "Personio connection" in hint(window)
    window.relinkButton.click()
    qtbot.waitUntil(lambda: window.linkField.text() != "", timeout=10_000)
    wait_saved(qtbot, window)  # on a worker, after the link is shown
    (entry,) = window.history.store.search(INTEGRATION_ID)
    assert entry.organization == DEMO_ORGANIZATION
    assert entry.category is Category.HRIS
    assert entry.tool == "personio"


def entries_naming(window: MainWindow, organization: str) -> list[HistoryEntry]:
    """The history's entries a search for ``organization`` finds."""
    return window.history.store.search(organization)


def test_a_reconnection_link_made_before_the_pause_in_typing_names_the_customer(
    qtbot: QtBot, relink_tab: MainWindow
) -> None:
    """Pressed at once after pasting the id, before the pause in typing had asked Kombo whose
    it is: the form then named the organisation, but its history entry named no one, and a
    search for the organisation never found the link."""
    window = relink_tab
    window.relinkIntegrationEdit.setText(INTEGRATION_ID)
    window.relinkButton.click()  # long before integration_lookup.PAUSE_MS
    qtbot.waitUntil(lambda: window.linkField.text() != "", timeout=10_000)
    qtbot.waitUntil(lambda: entries_naming(window, DEMO_ORGANIZATION) != [], timeout=10_000)
    (entry,) = entries_naming(window, DEMO_ORGANIZATION)
    assert entry.integration_id == INTEGRATION_ID
    assert entry.category is Category.HRIS
    wait_until_settled(qtbot, window)
    assert lookups(window) == 1  # asked once, as the button was pressed


def test_a_reconnection_links_customer_named_by_kombo_after_the_link_reaches_the_history(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kombo names the organisation only after the link was made and saved (the real service
    answers the lookup slower than the demo): the entry, listed without a customer, is given
    it then, in the file and in the panel, and the search finds it."""
    monkeypatch.setenv("KOMBO_API_KEY", "test-key-5c1e9a")
    answer = threading.Event()
    with FaultServer(fallback=answering_late(answer)) as server:
        try:
            window = open_window("--api-base", server.base_url)
            feature = open_history(qtbot, window)
            relink_before_the_answer(qtbot, window)
            saved: list[bool] = []
            window.history.when_saved(lambda: saved.append(True))
            qtbot.waitUntil(lambda: saved != [], timeout=10_000)
            (listed,) = shown_entries(feature)
            assert listed.url == NEW_LINK and listed.organization is None
            assert entries_naming(window, "Acme GmbH") == []
        finally:
            answer.set()
        qtbot.waitUntil(lambda: entries_naming(window, "Acme GmbH") != [], timeout=10_000)
        (entry,) = entries_naming(window, "Acme GmbH")
        assert (entry.url, entry.category, entry.tool) == (NEW_LINK, Category.HRIS, "personio")
        qtbot.waitUntil(lambda: shown_entries(feature)[0].organization == "Acme GmbH")
        assert len(shown_entries(feature)) == 1
        window.close()


def test_the_reconnection_link_on_show_is_named_when_kombo_names_its_customer_late(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kombo named the organisation only after the link was made: the history entry was given
    it, but the link on show kept a title without it, and its invitation still asked "your
    company" to reconnect."""
    monkeypatch.setenv("KOMBO_API_KEY", "test-key-5c1e9a")
    answer = threading.Event()
    with FaultServer(fallback=answering_late(answer)) as server:
        try:
            window = open_window("--api-base", server.base_url)
            assert window.screen_sharing.on
            window.screen_sharing.privacySwitch.click()  # off: the title may name it
            relink_before_the_answer(qtbot, window)
            assert result_title(window).accessibleName() == "Reconnection link · Personio"
            assert "Acme GmbH" not in copied_invitation(window)
        finally:
            answer.set()
        named = "Reconnection link · Acme GmbH · Personio"
        qtbot.waitUntil(lambda: result_title(window).accessibleName() == named, timeout=10_000)
        assert window.linkField.text() == NEW_LINK
        invitation = copied_invitation(window)
        assert "Acme GmbH" in invitation and NEW_LINK in invitation
        window.close()


def test_a_late_name_is_not_given_to_a_link_made_since(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The person made another customer's link before Kombo named the reconnection's: that
    link, on show now, must not be titled or invited as the reconnection's customer's."""
    monkeypatch.setenv("KOMBO_API_KEY", "test-key-5c1e9a")
    answer = threading.Event()
    with FaultServer(fallback=answering_late(answer)) as server:
        try:
            window = open_window("--api-base", server.base_url)
            window.screen_sharing.privacySwitch.click()  # off: the title may name it
            relink_before_the_answer(qtbot, window)
            window.show_create_mode()
            fill_form(window, email="b.meyer@globex.example", organization="Globex")
            window.createButton.click()
            qtbot.waitUntil(lambda: window.linkField.text() == ANOTHER_LINK, timeout=10_000)
            wait_until_ready(qtbot, window)
            shown_before = window.resultPanel.shown
            title_before = result_title(window).accessibleName()
        finally:
            answer.set()
        # The history is given the name: the answer has come and been used.
        qtbot.waitUntil(lambda: window.history.store.search("Acme GmbH") != [], timeout=10_000)
        wait_until_settled(qtbot, window)
        assert window.resultPanel.shown is shown_before
        assert result_title(window).accessibleName() == title_before
        invitation = copied_invitation(window)
        assert ANOTHER_LINK in invitation and "Acme GmbH" not in invitation
        window.close()


def test_an_invitation_copied_before_kombo_names_the_customer_is_said_to_be_out_of_date(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch, spoken: Spoken
) -> None:
    # The person copied "... reconnect your company with us", then the invitation came to name
    # the organisation, and the status line still said to paste the copied one. Said once,
    # without the organisation's name: screen-sharing mode is on.
    monkeypatch.setenv("KOMBO_API_KEY", "test-key-5c1e9a")
    answer = threading.Event()
    with FaultServer(fallback=answering_late(answer)) as server:
        try:
            window = open_window("--api-base", server.base_url)
            assert window.screen_sharing.on
            relink_before_the_answer(qtbot, window)
            assert "Acme GmbH" not in copied_invitation(window)
            assert window.statusLabel.text().startswith("Invitation copied")
        finally:
            answer.set()
        qtbot.waitUntil(lambda: said_out_of_date(spoken) == 1, timeout=10_000)
        wait_until_settled(qtbot, window)
        assert said_out_of_date(spoken) == 1
        assert "Acme GmbH" in copied_invitation(window)
        window.close()


def test_an_invitation_not_copied_yet_is_named_without_a_word(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch, spoken: Spoken
) -> None:
    monkeypatch.setenv("KOMBO_API_KEY", "test-key-5c1e9a")
    answer = threading.Event()
    with FaultServer(fallback=answering_late(answer)) as server:
        try:
            window = open_window("--api-base", server.base_url)
            relink_before_the_answer(qtbot, window)
        finally:
            answer.set()
        bar = window.history.invitationBar
        qtbot.waitUntil(
            lambda: bar.context is not None and bar.context.organization == "Acme GmbH",
            timeout=10_000,
        )
        wait_until_settled(qtbot, window)
        assert INVITATION_NOW_NAMED not in window.statusLabel.text()
        assert said_out_of_date(spoken) == 0
        window.close()


def said_out_of_date(spoken: Spoken) -> int:
    """How many times the status line said the copied invitation no longer is the one shown."""
    return [text for text, _ in spoken].count(INVITATION_NOW_NAMED)


def test_a_qr_code_is_saved_though_kombo_named_the_customer_while_the_dialog_was_open(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Named while the person chose where to save its code, the link is still the one on show:
    # "Another link is shown now" would be untrue, and the code would not be saved.
    monkeypatch.setenv("KOMBO_API_KEY", "test-key-5c1e9a")
    answer = threading.Event()
    target = tmp_path / "code.png"
    with FaultServer(fallback=answering_late(answer)) as server:
        try:
            window = open_window("--api-base", server.base_url)
            window.screen_sharing.privacySwitch.click()  # off: the title may name it
            relink_before_the_answer(qtbot, window)
            named = "Reconnection link · Acme GmbH · Personio"

            def save_dialog(*_args: object) -> tuple[str, str]:
                answer.set()  # Kombo answers while the dialog is open
                qtbot.waitUntil(
                    lambda: result_title(window).accessibleName() == named, timeout=10_000
                )
                return str(target), "PNG picture (*.png)"

            monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
            window.exportQrButton.click()
        finally:
            answer.set()
        wait_qr_saved(qtbot, window)
        assert "Another link" not in window.statusLabel.text()
        assert target.exists()
        window.close()


ANOTHER_LINK = "https://connect.kombo.dev/v1?token=another"


def answering_late(
    answer: threading.Event, status: str = "INVALID"
) -> Callable[[RecordedRequest], Reply]:
    """Kombo answering whose ``INTEGRATION_ID`` is (Acme GmbH's) only once ``answer`` is set,
    as the real service may answer the lookup slower than the demo; a reconnection link is
    ``NEW_LINK``, a new link ``ANOTHER_LINK``."""
    described = described_by_kombo("Personio", "Acme GmbH", status=status)

    def respond(request: RecordedRequest) -> Reply:
        if request.path.endswith(f"/integrations/{INTEGRATION_ID}"):
            answer.wait(timeout=30)
            return described
        if request.path.endswith("/connect/create-link"):
            return Reply.link(ANOTHER_LINK)
        return tools_or(Reply.link(NEW_LINK))(request)

    return respond


def relink_before_the_answer(qtbot: QtBot, window: MainWindow) -> None:
    """A reconnection link for ``INTEGRATION_ID`` made before Kombo said whose it is."""
    lookup_of(qtbot, window)
    qtbot.waitUntil(lambda: window.history.is_open, timeout=10_000)
    window.show_relink_mode()
    window.relinkIntegrationEdit.setText(INTEGRATION_ID)
    window.relinkButton.click()
    qtbot.waitUntil(lambda: window.linkField.text() == NEW_LINK, timeout=10_000)
    wait_until_ready(qtbot, window)


def copied_invitation(window: MainWindow) -> str:
    """The invitation "Copy invitation" puts on the clipboard for the link on show."""
    QGuiApplication.clipboard().clear()
    copy = window.findChild(QPushButton, "copyInvitationButton")
    assert copy is not None and copy.isEnabled()
    copy.click()
    return QGuiApplication.clipboard().text()


def make_reconnection_link(qtbot: QtBot, window: MainWindow) -> ShownLink:
    """A reconnection link for INTEGRATION_ID, once Kombo has named its organisation."""
    window.relinkIntegrationEdit.setText(INTEGRATION_ID)
    wait_for_lookup(qtbot, window)
    assert "Personio connection" in hint(window)
    window.relinkButton.click()
    qtbot.waitUntil(lambda: window.linkField.text() != "", timeout=10_000)
    shown = window.resultPanel.shown
    assert shown is not None
    return shown


def test_a_reconnection_links_code_has_one_name_made_or_shown_from_the_history(
    qtbot: QtBot, relink_tab: MainWindow
) -> None:
    # Just made, the link's QR code was offered as "kombo-link-personio-93fcv….png"; the same
    # link shown again from the history, as "kombo-link-<its organisation>.png".
    window = relink_tab
    window.screen_sharing.privacySwitch.click()  # off: the organisation may be named
    made = make_reconnection_link(qtbot, window)
    wait_saved(qtbot, window)  # on a worker, after the link is shown
    (entry,) = window.history.store.search(INTEGRATION_ID)
    window.resultPanel.clear()
    window.history.from_history.show_entry(entry)
    again = window.resultPanel.shown
    assert again is not None and again.url == made.url
    assert made.file_stem(False) == again.file_stem(False) == file_stem_for(DEMO_ORGANIZATION)


def offered_file_names(qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> str:
    """The file name the save dialog offers for the shown link's code ("Save QR code…",
    then Cancel)."""
    offered: list[str] = []

    def save_dialog(_parent: object, _caption: str, name: str, *_rest: object) -> tuple[str, str]:
        offered.append(Path(name).name)
        return "", ""  # cancelled

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    window.exportQrButton.click()
    qtbot.waitUntil(lambda: len(offered) == 1)
    return offered[0]


def test_a_reconnection_links_code_names_no_organisation_once_sharing_began(
    qtbot: QtBot, relink_tab: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Made outside screen-sharing mode, the link stays on show when the mode is turned on: its
    # code was still offered as "demo-kombo-link-<its organisation>.png", on the shared screen.
    window = relink_tab
    window.screen_sharing.privacySwitch.click()  # off: the organisation may be named
    make_reconnection_link(qtbot, window)
    named = f"demo-{file_stem_for(DEMO_ORGANIZATION)}.png"
    assert offered_file_names(qtbot, window, monkeypatch) == named

    window.screen_sharing.privacySwitch.click()  # on: the customer joins the call
    assert window.linkField.text() != ""  # the link just made stays
    offered = offered_file_names(qtbot, window, monkeypatch)
    assert offered == "demo-kombo-link-personio-93fcvorjz2jas7zekx1v1n5d.png"

    window.screen_sharing.privacySwitch.click()  # off again: named again
    assert offered_file_names(qtbot, window, monkeypatch) == named


def test_while_sharing_a_reconnection_links_code_names_no_organisation(
    qtbot: QtBot, relink_tab: MainWindow
) -> None:
    # The tab names no organisation for the id while sharing (it may be another customer's),
    # and neither does the file name the save dialog offers for the link's code.
    shown = make_reconnection_link(qtbot, relink_tab)
    assert shown.file_stem(True) == "kombo-link-personio-93fcvorjz2jas7zekx1v1n5d"


def test_an_id_pasted_with_invisible_characters_or_words_around_it_still_reconnects(
    qtbot: QtBot, relink_tab: MainWindow
) -> None:
    # A zero-width space copied along from a wiki was refused as a character an id can't
    # have, "Copy it again" (the copy brought it again); a label copied with the id was
    # refused for its spaces, with no one-click fix.
    window = relink_tab
    window.relinkIntegrationEdit.setText(INTEGRATION_ID + "\u200b")
    wait_for_lookup(qtbot, window)  # looked up without it
    assert "Personio connection" in hint(window)
    window.relinkButton.click()
    qtbot.waitUntil(lambda: window.linkField.text() != "", timeout=10_000)
    assert window.demo_server is not None
    assert window.demo_server.requests_to("POST", f"/v1/integrations/{INTEGRATION_ID}/relink")
    wait_until_ready(qtbot, window)

    window.relinkIntegrationEdit.setText(f"Integration ID: {INTEGRATION_ID}")
    window.relinkButton.click()
    fix = window.relinkForm.relinkIntegrationFixButton
    assert fix.isVisible()
    assert fix.text() == "Use this id"
    fix.click()
    assert window.relinkIntegrationEdit.text() == INTEGRATION_ID
    wait_for_lookup(qtbot, window)
    assert "Personio connection" in hint(window)


def test_an_id_copied_from_a_sentence_is_offered_without_its_full_stop(
    qtbot: QtBot, relink_tab: MainWindow
) -> None:
    # "The id is personio:93fC…." copied with its full stop: the id was looked up and sent
    # with it, and Kombo said there is no such integration.
    window = relink_tab
    window.relinkIntegrationEdit.setText(INTEGRATION_ID + ".")
    window.relinkButton.click()
    box = window.relinkForm.boxes["integration_id"]
    assert box.error_text == (
        f"Enter only the integration id, {INTEGRATION_ID}, without the full stop after it."
    )
    fix = window.relinkForm.relinkIntegrationFixButton
    assert fix.isVisible()
    fix.click()
    assert window.relinkIntegrationEdit.text() == INTEGRATION_ID
    wait_for_lookup(qtbot, window)
    assert "Personio connection" in hint(window)
    assert box.error_text == ""


def result_title(window: MainWindow) -> QLabel:
    title = window.resultPanel.findChild(QLabel, "resultTitle")
    assert title is not None
    return title


def says_all_of(title: QLabel, words: str) -> bool:
    """Whether ``title`` says ``words``: on screen, cut short with "…" where the panel is
    too narrow for all of them, and to screen readers whole."""
    shown = title.text()
    return title.accessibleName() == words and words.startswith(shown.removesuffix("…"))


def test_the_panel_says_it_shows_a_reconnection_link_and_for_which_tool(
    qtbot: QtBot, relink_tab: MainWindow
) -> None:
    # The panel's title said "Your link" for a reconnection link too: only the status line
    # said what it was, until the next action replaced it, and on the "New link" tab the link
    # and its code stood beside the new customer's empty form like any link.
    window = relink_tab
    title = result_title(window)
    assert title.text() == "Your link"
    make_reconnection_link(qtbot, window)
    # In screen-sharing mode without the organisation, as the reconnection tab says the id.
    assert title.text() == "Reconnection link · Personio"
    assert title.accessibleName() == "Reconnection link · Personio"
    assert INTEGRATION_ID in title.toolTip()
    window.show_create_mode()
    assert title.text() == "Reconnection link · Personio"

    window.screen_sharing.privacySwitch.click()  # off: the organisation may be named
    assert says_all_of(title, f"Reconnection link · {DEMO_ORGANIZATION} · Personio")
    assert window.linkField.accessibleName() == (
        f"The reconnection link, {DEMO_ORGANIZATION}, Personio"
    )

    window.screen_sharing.privacySwitch.click()  # on again: the customer joins the call
    assert window.linkField.text() != ""  # the link stays, and its organisation goes
    said = [title.text(), title.accessibleName(), title.toolTip()]
    said += [window.linkField.accessibleName(), window.linkField.accessibleDescription()]
    assert not [words for words in said if DEMO_ORGANIZATION in words]
    assert title.text() == "Reconnection link · Personio"

    reconnection_link = window.linkField.text()
    wait_until_ready(qtbot, window)
    fill_form(window)
    window.createButton.click()
    qtbot.waitUntil(lambda: window.linkField.text() not in ("", reconnection_link))
    assert title.text() == "New link · Personio"
    assert "reconnection" not in window.linkField.accessibleName().casefold()


def test_a_reconnection_link_shown_from_the_history_says_so(
    qtbot: QtBot, relink_tab: MainWindow
) -> None:
    window = relink_tab
    window.screen_sharing.privacySwitch.click()  # off: the history can be opened
    make_reconnection_link(qtbot, window)
    wait_saved(qtbot, window)  # on a worker, after the link is shown
    (entry,) = window.history.store.search(INTEGRATION_ID)
    window.resultPanel.clear()
    assert result_title(window).text() == "Your link"
    window.history.from_history.show_entry(entry)
    named = f"Reconnection link · {DEMO_ORGANIZATION} · Personio"
    assert says_all_of(result_title(window), named)


def test_a_long_organisation_name_in_the_title_keeps_to_one_line_and_the_panels_width(
    qtbot: QtBot, relink_tab: MainWindow
) -> None:
    window = relink_tab
    window.screen_sharing.privacySwitch.click()  # off: the organisation is named
    make_reconnection_link(qtbot, window)
    title = result_title(window)
    one_line, width = title.height(), window.resultPanel.width()
    long_name = "Müller & Söhne Gebäudetechnik und Facility Management GmbH & Co. KG " * 3
    shown = window.resultPanel.shown
    assert shown is not None
    window.resultPanel.show_link(replace(shown, organization=long_name.strip()))
    wait_until_laid_out(qtbot)
    assert (title.height(), window.resultPanel.width()) == (one_line, width)
    assert title.text().startswith("Reconnection link · Müller")  # whose link it is, first
    assert title.text().endswith("…")
    assert says_all_of(title, f"Reconnection link · {long_name.strip()} · Personio")
    assert long_name.strip() in title.toolTip()


def test_a_reconnection_links_title_cut_short_still_names_its_organisation(
    qtbot: QtBot, relink_tab: MainWindow
) -> None:
    # "Reconnection link · Personio · Acme…": a narrow title cut its end, and with it whose
    # link it was, while a new link chosen from the history named its organisation first.
    window = relink_tab
    window.screen_sharing.privacySwitch.click()  # off: the organisation is named
    shown = make_reconnection_link(qtbot, window)
    long_tool = "Personio HR and Payroll for Mid-sized Companies in Europe " * 3
    window.resultPanel.show_link(replace(shown, tool_label=long_tool.strip()))
    wait_until_laid_out(qtbot)
    title = result_title(window)
    assert title.text().endswith("…")  # too narrow for all of it
    assert title.text().startswith("Reconnection link · Demo")  # however much of it fits
    assert says_all_of(title, f"Reconnection link · {DEMO_ORGANIZATION} · {long_tool.strip()}")
    assert window.linkField.accessibleName() == (
        f"The reconnection link, {DEMO_ORGANIZATION}, {long_tool.strip()}"
    )


@pytest.mark.parametrize(
    ("tool", "said"), [("personio", "Personio"), (None, "the customer chooses")]
)
def test_a_new_link_says_what_it_is_on_either_tab(
    qtbot: QtBot, demo_window: MainWindow, tool: str | None, said: str
) -> None:
    # Under "Your link", a new link for Acme stood beside the reconnection tab's empty
    # "Integration id" as if it were the reconnection link asked for: copied or shown to a
    # customer waiting for one, it set up a second connection instead.
    window = demo_window
    title = result_title(window)
    assert title.text() == "Your link"  # nothing shown yet
    fill_form(window, tool=tool)
    make_link(qtbot, window)
    named = f"New link · {said}"
    assert (title.text(), title.accessibleName()) == (named, named)
    assert window.linkField.accessibleName() == f"The new link, {said}"
    window.show_relink_mode()
    assert window.linkField.text() != ""
    assert title.text() == named
    assert "Acme" not in title.text() + title.toolTip()  # named by the form, not the title


@pytest.mark.parametrize(
    ("tool", "said"), [("personio", "Personio"), (None, "the customer chooses")]
)
def test_a_new_link_shown_again_from_the_history_says_what_it_is(
    qtbot: QtBot, demo_window: MainWindow, tool: str | None, said: str
) -> None:
    window = demo_window
    fill_form(window, tool=tool)
    link = make_link(qtbot, window)
    feature = open_history(qtbot, window)
    window.resultPanel.clear()
    assert result_title(window).text() == "Your link"
    (entry,) = shown_entries(feature)
    window.show_relink_mode()
    window.history.from_history.show_entry(entry)
    assert window.linkField.text() == link
    # Its organisation too, before the tool: the form may hold another customer by then.
    assert result_title(window).accessibleName() == f"New link · Acme GmbH · {said}"


def reconnect_instead_of_a_second_link(qtbot: QtBot, window: MainWindow, **customer: str) -> None:
    """A link made for ``customer``, a second one asked for, and "Make a reconnection link
    instead" chosen in the duplicate warning."""
    lookup_of(qtbot, window)
    fill_form(window, **customer)
    make_link(qtbot, window)
    window.createButton.click()
    qtbot.waitUntil(window.history.banner.isVisible)
    window.history.banner.relinkInsteadButton.click()


def test_an_id_of_another_organisation_than_the_customer_is_pointed_out(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # A link for Acme exists; "make a reconnection link instead", and the id pasted is one
    # Kombo names for another organisation: perhaps the wrong row of the dashboard.
    window = demo_window
    reconnect_instead_of_a_second_link(qtbot, window, organization="Acme GmbH")
    window.relinkIntegrationEdit.setText(INTEGRATION_ID)
    wait_for_lookup(qtbot, window)
    assert "connection" in hint(window)
    label = window.relinkForm.boxes["integration_id"].hint
    assert hint(window).startswith("Check the id: in Kombo this Personio connection belongs to")
    assert "Acme" not in hint(window)  # screen-sharing mode
    assert label.property("warning") is True  # it stands out from the hints
    window.screen_sharing.privacySwitch.click()
    assert DEMO_ORGANIZATION in hint(window) and "not to Acme GmbH" in hint(window)

    window.relinkIntegrationEdit.clear()  # back to the usual, quiet hint
    assert not label.property("warning")


def fine_now_after_a_red_mark(qtbot: QtBot, window: MainWindow, integration_id: str) -> str:
    """“Create reconnection link” pressed with no id (a red mark), then ``integration_id``
    typed: the status line says the marked fields are fine now, before Kombo's answer."""
    window.relinkButton.click()
    assert window.statusPanel.kind == "error"  # "1 field needs your attention"
    window.relinkIntegrationEdit.setText(integration_id)
    fine = window.statusLabel.text()
    assert fine.startswith("The marked fields are fine now. Nothing was sent yet")
    return fine


def test_a_warning_about_the_id_takes_back_the_status_saying_it_is_fine(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The field was marked red for want of an id; the id pasted then had Kombo name another
    # organisation, in red under it, while the status line said "The marked fields are fine
    # now. Nothing was sent yet: press “Create reconnection link” to send."
    window = demo_window
    reconnect_instead_of_a_second_link(qtbot, window, organization="Acme GmbH")
    window.relinkIntegrationEdit.clear()
    fine_now_after_a_red_mark(qtbot, window, INTEGRATION_ID)
    wait_for_lookup(qtbot, window)
    assert hint(window).startswith("Check the id: in Kombo this Personio"), hint(window)
    assert window.statusLabel.text() == integration_lookup.ANOTHER_ORGANIZATION_STATUS
    assert "fine now" not in window.statusLabel.text()
    assert "Acme" not in window.statusLabel.text()  # screen-sharing mode: no names


def test_an_id_kombo_does_not_know_takes_back_the_status_saying_it_is_fine(
    qtbot: QtBot, relink_tab: MainWindow
) -> None:
    fine_now_after_a_red_mark(qtbot, relink_tab, "nosuchtool:abc123")
    wait_for_lookup(qtbot, relink_tab)
    assert hint(relink_tab) == DEMO_NOT_FOUND_TEXT, hint(relink_tab)
    assert relink_tab.statusLabel.text() == integration_lookup.UNKNOWN_ID_STATUS


def test_an_answer_without_a_warning_leaves_the_status_saying_it_is_fine(
    qtbot: QtBot, relink_tab: MainWindow
) -> None:
    fine = fine_now_after_a_red_mark(qtbot, relink_tab, INTEGRATION_ID)
    wait_for_lookup(qtbot, relink_tab)
    assert hint(relink_tab).startswith("This is a Personio connection."), hint(relink_tab)
    assert relink_tab.statusLabel.text() == fine


@pytest.mark.parametrize("offered", ["the same tools", "no longer the tool chosen"])
def test_the_accounts_tool_lists_arriving_keep_whom_the_reconnection_is_for(
    qtbot: QtBot, demo_window: MainWindow, offered: str
) -> None:
    # The tool lists (fetched at every start and change of profile or key) put the tool back
    # in the new-link form, which was taken for the person typing there: the customer the
    # reconnection was started for was forgotten, and the id of another organisation went
    # without a warning.
    window = demo_window
    reconnect_instead_of_a_second_link(qtbot, window, organization="Acme GmbH")
    form = window.linkForm
    tools = form.catalog.in_category(Category.HRIS)
    if offered != "the same tools":
        tools = [tool for tool in tools if tool.id != "personio"]
    form.set_catalog(form.catalog.with_category_tools(Category.HRIS, tools))

    window.relinkIntegrationEdit.setText(INTEGRATION_ID)
    wait_for_lookup(qtbot, window)
    assert "connection" in hint(window)
    assert hint(window).startswith("Check the id: in Kombo this Personio connection belongs to")


def test_coming_back_to_the_tab_asks_again_once_the_answer_is_old(
    qtbot: QtBot, relink_tab: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = relink_tab
    window.relinkIntegrationEdit.setText(INTEGRATION_ID)
    wait_for_lookup(qtbot, window)
    assert lookups(window) == 1 and "connection" in hint(window)
    window.show_create_mode()
    window.show_relink_mode()  # a fresh answer is shown as it is
    wait_for_lookup(qtbot, window)
    wait_until_settled(qtbot, window)  # a request wrongly sent has arrived by now
    assert lookups(window) == 1

    monkeypatch.setattr(integration_lookup, "FRESH_SECONDS", 0.0)  # a minute later
    window.show_create_mode()
    window.show_relink_mode()
    wait_for_lookup(qtbot, window)
    assert lookups(window) == 2


def test_going_ahead_with_another_organisations_id_addresses_that_organisation(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # After the warning, the reconnection link went out as Acme's: the invitation said
    # "reconnect Acme GmbH", was addressed to Acme's contact, and the history agreed, around
    # a link for the organisation Kombo named.
    window = demo_window
    reconnect_instead_of_a_second_link(
        qtbot, window, email="anna@acme.example", organization="Acme GmbH"
    )
    window.relinkIntegrationEdit.setText(INTEGRATION_ID)
    wait_for_lookup(qtbot, window)
    assert hint(window).startswith("Check the id"), hint(window)
    before = window.linkField.text()
    window.relinkButton.click()
    qtbot.waitUntil(lambda: window.linkField.text() not in ("", before), timeout=10_000)

    context = window.history.invitationBar.context
    assert context is not None
    assert context.organization == DEMO_ORGANIZATION
    assert context.email is None  # the person adds the right address
    wait_saved(qtbot, window)  # on a worker, after the link is shown
    newest = window.history.store.search(limit=1)[0]
    assert (newest.organization, newest.email) == (DEMO_ORGANIZATION, None)


def test_a_customer_known_from_the_history_is_kept_where_no_warning_was_shown(
    qtbot: QtBot, relink_tab: MainWindow
) -> None:
    # Only a reconnection started for a customer is checked against Kombo's name; a customer
    # the history knows for the id was swapped for Kombo's name without a word.
    window = relink_tab
    record_relink(
        window.history.store,
        profile="default",
        integration_id=INTEGRATION_ID,
        language=Language.EN,
        link_type=LinkType.MAGIC_LINK,
        url="http://127.0.0.1:1/demo/connect?token=DEMO-earlier",
        email="anna@acme.example",
        organization="Acme",
        is_demo=True,
    )
    window.relinkIntegrationEdit.setText(INTEGRATION_ID)
    wait_for_lookup(qtbot, window)
    assert "Personio connection" in hint(window)
    assert not hint(window).startswith("Check the id")
    window.relinkButton.click()
    qtbot.waitUntil(lambda: window.linkField.text() != "", timeout=10_000)
    context = window.history.invitationBar.context
    assert context is not None
    assert (context.organization, context.email) == ("Acme", "anna@acme.example")


def described_by_kombo(tool_label: str, organization: str, status: str = "INVALID") -> Reply:
    """Kombo's answer about ``INTEGRATION_ID``: a Personio connection that stopped working
    (or has another ``status``)."""
    return Reply.json(
        {
            "status": "success",
            "data": {
                "id": INTEGRATION_ID,
                "tool": {"id": "personio", "label": tool_label},
                "category": "HRIS",
                "status": status,
                "setup_status": "COMPLETED",
                "end_user": {"organization_name": organization},
            },
        }
    )


@pytest.mark.parametrize(
    ("tool_label", "organization"),
    [
        ("Personio", "Versicherungsdienstleistungsgesellschaft"),
        ("Personio", "Krankenhausverwaltungsdienstleistungsgesellschaft" * 4),
        ("EmployeeCentralPayrollConnectorEnterprise", "Acme GmbH"),
    ],
    ids=["organisation of one long word", "200 letters", "long tool name"],
)
def test_a_long_name_from_kombo_never_pushes_the_form_off_a_small_window(
    qtbot: QtBot,
    open_window: WindowFactory,
    monkeypatch: pytest.MonkeyPatch,
    tool_label: str,
    organization: str,
) -> None:
    # German organisation names are often one long word. The sentence under the id asked for
    # that word's width: at 860 pixels the explanation, the id, the sentence and the dropdowns
    # went off the right edge, with no way to scroll to them.
    monkeypatch.setenv("KOMBO_API_KEY", "test-key-5c1e9a")
    with FaultServer(fallback=tools_or(described_by_kombo(tool_label, organization))) as server:
        window = open_window("--api-base", server.base_url)
        window.resize(*MINIMUM_SIZE)
        window.screen_sharing.privacySwitch.click()  # off: the organisation is named
        window.show_relink_mode()
        lookup_of(qtbot, window)
        window.relinkIntegrationEdit.setText(INTEGRATION_ID)
        qtbot.waitUntil(lambda: organization in hint(window), timeout=10_000)
    wait_until_laid_out(qtbot)
    area = window.relinkForm.scrollArea
    assert content_of(area).width() <= area.viewport().width()
    assert central_of(window).minimumSizeHint().width() <= MINIMUM_SIZE[0]
    label = window.relinkForm.boxes["integration_id"].hint
    assert label.height() >= label.heightForWidth(label.width())  # every line shown


def test_a_link_for_an_integration_switched_off_is_not_said_to_be_ready(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The hint under the id said a reconnection link would not help an integration switched
    # off in Kombo, while the status line under the link said "Reconnection link ready. Copy
    # it, or let the customer scan the QR code.", in green: two opposite messages.
    monkeypatch.setenv("KOMBO_API_KEY", "test-key-5c1e9a")

    def respond(request: RecordedRequest) -> Reply:
        if request.path.endswith(f"/integrations/{INTEGRATION_ID}"):
            return described_by_kombo("Personio", "Acme GmbH", status="INACTIVE")
        return tools_or(Reply.link(NEW_LINK))(request)

    with FaultServer(fallback=respond) as server:
        window = open_window("--api-base", server.base_url)
        window.show_relink_mode()
        lookup_of(qtbot, window)
        window.relinkIntegrationEdit.setText(INTEGRATION_ID)
        qtbot.waitUntil(lambda: "switched off" in hint(window), timeout=10_000)
        window.relinkButton.click()
        qtbot.waitUntil(lambda: window.linkField.text() == NEW_LINK, timeout=10_000)
        wait_until_ready(qtbot, window)
    status = window.statusPanel.text
    assert "ready" not in status.casefold(), status
    assert window.statusPanel.kind != "success"
    assert "switched off" in status and "switch it back on" in status, status
    assert "switched off" in hint(window)  # both still say the same


def test_a_reconnection_kombo_no_longer_knows_replaces_what_the_lookup_said(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The integration was removed in Kombo after the lookup. The status line said Kombo has
    # no such integration, while the hint under the id still said "It stopped working ... a
    # reconnection link fixes this.": the newer answer now replaces the older one there too.
    monkeypatch.setenv("KOMBO_API_KEY", "test-key-5c1e9a")
    removed = threading.Event()

    def respond(request: RecordedRequest) -> Reply:
        if removed.is_set() and "/tools/" not in request.path:
            return removed_in_kombo(request)
        if request.path.endswith(f"/integrations/{INTEGRATION_ID}"):
            return described_by_kombo("Personio", "Acme GmbH")
        return tools_or(Reply.link(NEW_LINK))(request)

    with FaultServer(fallback=respond) as server:
        window = open_window("--api-base", server.base_url)
        window.show_relink_mode()
        lookup_of(qtbot, window)
        window.relinkIntegrationEdit.setText(INTEGRATION_ID)
        qtbot.waitUntil(lambda: "stopped working" in hint(window), timeout=10_000)
        removed.set()  # in the Kombo dashboard, after the lookup
        window.relinkButton.click()
        qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
        wait_for_lookup(qtbot, window)
    assert "stopped working" not in hint(window), hint(window)
    assert hint(window) == NOT_FOUND_TEXT
    assert not window.relinkButton.isHidden() and window.relinkButton.isEnabled()


WRONG_ID = "personio:wrong123"


def not_known_by_kombo() -> Reply:
    return Reply.kombo_error(
        404, "PLATFORM.INTEGRATION_NOT_FOUND", f"The integration with id {WRONG_ID} does not exist."
    )


def test_an_id_kombo_does_not_know_is_said_once_in_few_words(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # About 55 words under the field and a near-copy in red on the status line: an example
    # id although the typed one already had that shape, and "choose the matching profile in
    # Settings" with only one profile there.
    monkeypatch.setenv("KOMBO_API_KEY", "test-key-5c1e9a")
    with FaultServer(fallback=tools_or(not_known_by_kombo())) as server:
        window = open_window("--api-base", server.base_url)
        window.show_relink_mode()
        lookup_of(qtbot, window)
        window.relinkIntegrationEdit.setText(WRONG_ID)
        qtbot.waitUntil(lambda: hint(window).startswith("Kombo has no integration"), timeout=10_000)
        said = hint(window)
        window.relinkButton.click()
        qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
        wait_for_lookup(qtbot, window)
    status = window.statusPanel.text
    assert hint(window) == said  # the field says what to do
    assert "Integration id" in status and len(status.split()) <= 20, status  # and it points there
    assert len(said.split()) <= 35, said
    for text in (said, status):
        assert "93fCvorjZ2jas7ZekX1V1n5d" not in text, text  # the typed id has the right shape
        assert "profile" not in text, text  # there is only one
    # Where the status line points, it stands out from the hints (it was grey, like them).
    assert window.relinkForm.boxes["integration_id"].hint.property("warning") is True


def test_an_id_kombo_does_not_know_points_to_the_other_profiles(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOMBO_API_KEY", "test-key-5c1e9a")
    store = SettingsStore(AppPaths.from_environment())
    store.save(Settings(profiles=[Profile("default"), Profile("us-team", Region.US)]))
    with FaultServer(fallback=tools_or(not_known_by_kombo())) as server:
        window = open_window("--api-base", server.base_url)
        window.show_relink_mode()
        lookup_of(qtbot, window)
        window.relinkIntegrationEdit.setText(WRONG_ID)
        qtbot.waitUntil(lambda: hint(window).startswith("Kombo has no integration"), timeout=10_000)
    assert hint(window) == NOT_FOUND_SEVERAL_PROFILES_TEXT


def test_a_link_made_before_kombo_says_the_integration_is_switched_off_is_no_longer_ready(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pressed before the lookup answered: "ready" stayed on the status line once the hint
    # under the id came to say a reconnection link will not help.
    monkeypatch.setenv("KOMBO_API_KEY", "test-key-5c1e9a")
    answer = threading.Event()
    with FaultServer(fallback=answering_late(answer, status="INACTIVE")) as server:
        try:
            window = open_window("--api-base", server.base_url)
            relink_before_the_answer(qtbot, window)
            assert window.statusPanel.kind == "success"  # nothing was known against it yet
        finally:
            answer.set()
        qtbot.waitUntil(lambda: "switched off" in hint(window), timeout=10_000)
        wait_until_settled(qtbot, window)
    status = window.statusPanel.text
    assert "ready" not in status.casefold() and "switched off" in status, status
    assert window.statusPanel.kind != "success"


def wholly_in_view(window: MainWindow, widget: QWidget) -> bool:
    """Whether all of ``widget`` is inside the reconnection form's visible part."""
    area = window.relinkForm.scrollArea
    top_left = widget.mapTo(area.viewport(), widget.rect().topLeft())
    return area.viewport().rect().contains(QRect(top_left, widget.size()))


def test_the_words_the_status_line_points_to_are_scrolled_into_view(
    qtbot: QtBot,
    open_window: WindowFactory,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
) -> None:
    # Larger text in the smallest window, the form scrolled to its explanation at the top:
    # "what to do is written under “Integration id”" pointed to words out of view.
    monkeypatch.setenv("KOMBO_API_KEY", "test-key-5c1e9a")
    system_text(11)
    with FaultServer(fallback=tools_or(not_known_by_kombo())) as server:
        window = open_window("--api-base", server.base_url)
        window.resize(*MINIMUM_SIZE)
        window.show_relink_mode()
        lookup_of(qtbot, window)
        window.relinkIntegrationEdit.setText(WRONG_ID)
        qtbot.waitUntil(lambda: hint(window).startswith("Kombo has no integration"), timeout=10_000)
        window.relinkForm.scrollArea.verticalScrollBar().setValue(0)
        window.relinkButton.click()
        qtbot.waitUntil(lambda: window.statusPanel.kind == "error", timeout=10_000)
        wait_until_settled(qtbot, window)
        wait_until_laid_out(qtbot)
    assert window.statusPanel.text == NOT_FOUND_STATUS
    assert wholly_in_view(window, window.relinkForm.boxes["integration_id"].hint)
    assert wholly_in_view(window, window.relinkIntegrationEdit)
