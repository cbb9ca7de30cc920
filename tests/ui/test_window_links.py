"""End to end against the demo service: fill, submit, and everything done with the link."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QImage, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kombo_desktop.core.demo_server import CREATE_LINK_PATH, DemoKomboServer
from kombo_desktop.ui import main_window, qr_image
from kombo_desktop.ui.main_window import CREATE_TAB, MINIMUM_SIZE, MainWindow
from kombo_desktop.ui.relink_form import ID_HINT
from kombo_desktop.ui.result_panel import QR_SHOW_LARGE_TEXT, QR_TOO_LARGE_TEXT
from tests.support.fault_server import FaultServer, Reply, tools_or
from tests.support.found import line_edit_of, named
from tests.support.history_helpers import UrlCatcher, catch_urls, history_of
from tests.support.locked_files import HeldWrites, full_disk, read_only_drive
from tests.support.message_boxes import answer_next_box
from tests.support.qr_decode import (
    decode_pixmap,
    decode_png,
    decode_qimage,
    decode_svg,
    has_demo_band,
    render_svg,
)
from tests.support.screens import on_a_screen_for
from tests.ui.conftest import (
    SystemText,
    WindowFactory,
    fill_form,
    lookup_of,
    make_link,
    tab_stops,
    wait_for_lookup,
    wait_qr_saved,
    wait_until_ready,
)
from tests.ui.test_duplicates import try_again
from tests.ui.test_short_window import AT_125, AT_150, LARGER_TEXT, open_on


def demo_of(window: MainWindow) -> DemoKomboServer:
    assert window.demo_server is not None
    return window.demo_server


def test_a_filled_form_makes_a_demo_link(qtbot: QtBot, demo_window: MainWindow) -> None:
    fill_form(demo_window, tool="personio")
    demo_window.originIdEdit.setText("CUST-1042")
    demo_window.languageCombo.setCurrentIndex(demo_window.languageCombo.findData("de"))
    link = make_link(qtbot, demo_window)

    server = demo_of(demo_window)
    assert link.startswith(server.origin + "/")
    assert "DEMO" in link
    requests = server.requests_to("POST", CREATE_LINK_PATH)
    assert len(requests) == 1
    assert requests[0].json == {
        "end_user_email": "anna@example.com",
        "end_user_organization_name": "Acme GmbH",
        "end_user_origin_id": "CUST-1042",
        "integration_category": "HRIS",
        "integration_tool": "personio",
        "language": "de",
        "enable_filtering": False,
        "enable_field_mapping": False,
        "link_type": "MAGIC_LINK",
    }
    assert isinstance(demo_window.linkField, QLineEdit)
    assert demo_window.linkField.isReadOnly()
    assert named(demo_window, QLabel, "expiryLabel").text().startswith("Valid until ")
    assert demo_window.statusLabel.text() == "Demo link ready. It connects nothing."
    assert demo_window.createButton.isEnabled()
    # The form keeps its values, ready for the next customer or a correction.
    assert demo_window.emailEdit.text() == "anna@example.com"


@pytest.mark.parametrize(
    "field", ["organizationEdit", "toolCombo", "languageCombo", "filteringCheck"]
)
def test_enter_in_a_field_submits(qtbot: QtBot, demo_window: MainWindow, field: str) -> None:
    fill_form(demo_window)
    widget = named(demo_window, QWidget, field)
    if field == "toolCombo":
        widget = line_edit_of(demo_window.toolCombo)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: demo_window.linkField.text() != "")
    assert demo_of(demo_window).create_link_count == 1


def test_an_embedded_link_says_it_lasts_an_hour(qtbot: QtBot, demo_window: MainWindow) -> None:
    fill_form(demo_window)
    demo_window.linkTypeCombo.setCurrentIndex(demo_window.linkTypeCombo.findData("EMBEDDED"))
    make_link(qtbot, demo_window)
    expiry = named(demo_window, QLabel, "expiryLabel").text()
    assert expiry.startswith("Valid for 1 hour, until ")
    sent = demo_of(demo_window).requests[-1].json
    assert isinstance(sent, dict)  # the request's JSON body
    assert sent["link_type"] == "EMBEDDED"


def test_copy_puts_the_link_on_the_clipboard(qtbot: QtBot, demo_window: MainWindow) -> None:
    fill_form(demo_window)
    link = make_link(qtbot, demo_window)
    QGuiApplication.clipboard().clear()
    demo_window.copyButton.click()
    assert QGuiApplication.clipboard().text() == link
    assert demo_window.copyButton.text() == "Copied ✓"
    assert "copied" in demo_window.statusLabel.text().lower()
    qtbot.waitUntil(lambda: demo_window.copyButton.text() == "Copy link", timeout=5000)


def test_the_copy_keys_right_after_a_link_copy_all_of_it(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The link field has the focus once a link is made, with nothing selected: Ctrl+C (Cmd+C)
    # used to copy nothing, silently.
    fill_form(demo_window)
    link = make_link(qtbot, demo_window)
    field = demo_window.linkField
    field.setFocus()
    assert not field.hasSelectedText()
    QGuiApplication.clipboard().clear()
    QTest.keySequence(field, QKeySequence(QKeySequence.StandardKey.Copy))
    assert QGuiApplication.clipboard().text() == link
    assert "copied" in demo_window.statusLabel.text().lower()

    field.setSelection(0, 8)  # a part chosen on purpose is copied as it is
    QTest.keySequence(field, QKeySequence(QKeySequence.StandardKey.Copy))
    assert QGuiApplication.clipboard().text() == link[:8]


def test_clearing_after_a_link_readies_the_form_for_the_next_customer(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    fill_form(demo_window)
    demo_window.originIdEdit.setText("CUST-7")
    demo_window.languageCombo.setCurrentIndex(demo_window.languageCombo.findData("de"))
    make_link(qtbot, demo_window)
    asked = answer_next_box("Cancel")  # would keep everything, had it asked

    demo_window.linkForm.clearButton.click()
    asked.stop()

    assert asked.texts == []  # the details were used for the link: nothing to lose
    for edit in (demo_window.emailEdit, demo_window.organizationEdit, demo_window.originIdEdit):
        assert edit.text() == "", edit.objectName()
    assert demo_window.toolCombo.currentData() is None  # the customer chooses
    assert demo_window.languageCombo.currentData() == "de"  # a choice that stays
    # The last customer's link goes too: the next customer may be watching the screen.
    assert demo_window.linkField.text() == ""
    assert demo_window.qrView.pixmap().isNull()
    assert not demo_window.copyButton.isEnabled()
    assert "next customer" in demo_window.statusLabel.text()
    assert demo_window.linkForm.field_errors() == {}
    assert demo_window.emailEdit.hasFocus()


def test_clearing_also_forgets_the_last_customers_reconnection(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The reconnection tab kept the last customer's integration id, and a reconnection made
    # there next was still addressed to them.
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    demo_window.createButton.click()  # the same customer again: the duplicate warning
    feature = history_of(demo_window)
    qtbot.waitUntil(feature.banner.isVisible)
    feature.banner.relinkInsteadButton.click()  # reconnect instead, for this customer
    integration_id = "personio:93fCvorjZ2jas7ZekX1V1n5d"
    demo_window.relinkIntegrationEdit.setText(integration_id)
    assert feature.relink_started_for(integration_id) == "Acme GmbH"

    answer_next_box("Clear")  # the id was not used for a link yet
    demo_window.start_next_customer()

    assert demo_window.relinkIntegrationEdit.text() == ""
    assert feature.relink_started_for(integration_id) is None
    assert demo_window.relinkForm.field_errors() == {}


def test_the_systems_new_keys_start_the_next_customer(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    demo_window.tabs.setCurrentIndex(1)  # anywhere in the window
    demo_window.activateWindow()
    QTest.keySequence(demo_window, QKeySequence(QKeySequence.StandardKey.New))  # Ctrl+N, Cmd+N
    assert demo_window.tabs.currentWidget() is demo_window.linkForm
    assert demo_window.emailEdit.text() == "" and demo_window.linkField.text() == ""


def test_clearing_typing_no_link_was_made_with_asks_first(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    fill_form(demo_window)
    asked = answer_next_box("Cancel")
    demo_window.linkForm.clearButton.click()
    assert "not been used for a link" in asked.texts[0]
    assert demo_window.emailEdit.text() != ""  # kept

    answer_next_box("Clear")
    demo_window.linkForm.clearButton.click()
    assert demo_window.emailEdit.text() == ""


def test_the_new_keys_on_the_reconnection_tab_stay_there_when_the_question_is_cancelled(
    demo_window: MainWindow,
) -> None:
    # The window went to "New link" before asking; after Cancel the person was left there,
    # in an empty e-mail field, away from the id they chose to keep.
    from kombo_desktop.ui.main_window import CREATE_TAB, RELINK_TAB

    demo_window.show_relink_mode()
    integration_id = "personio:93fCvorjZ2jas7ZekX1V1n5d"
    demo_window.relinkIntegrationEdit.setText(integration_id)
    demo_window.relinkIntegrationEdit.setFocus()
    answer_next_box("Cancel")
    demo_window.start_next_customer()
    assert demo_window.tabs.currentIndex() == RELINK_TAB
    assert demo_window.relinkIntegrationEdit.text() == integration_id

    answer_next_box("Clear")
    demo_window.start_next_customer()
    assert demo_window.tabs.currentIndex() == CREATE_TAB
    assert demo_window.relinkIntegrationEdit.text() == ""


def with_the_tabs_whole_names(monkeypatch: pytest.MonkeyPatch, window: MainWindow) -> None:
    """``window`` at its usual smallest size, on a screen with room for it: the questions name
    the tabs as they are shown, and on the tests' own narrower screen "Reconnect an
    integration" is shortened to "Reconnect"."""
    on_a_screen_for(monkeypatch, MINIMUM_SIZE)
    window.resize(*MINIMUM_SIZE)


@pytest.mark.parametrize("how", ["Clear the form", "the New keys"])
def test_clearing_asks_first_about_an_integration_id_no_link_was_made_with(
    qtbot: QtBot, demo_window: MainWindow, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The id typed on the reconnection tab went without a word, though only it was unused.
    with_the_tabs_whole_names(monkeypatch, demo_window)
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    integration_id = "personio:93fCvorjZ2jas7ZekX1V1n5d"
    demo_window.relinkIntegrationEdit.setText(integration_id)

    def clear() -> None:
        if how == "Clear the form":
            demo_window.linkForm.clearButton.click()
        else:
            demo_window.start_next_customer()

    asked = answer_next_box("Cancel")
    clear()
    assert asked.texts == [
        "Clear the form? The integration id typed on the “Reconnect an integration” tab has "
        "not been used for a link yet, and would be lost."
    ]
    assert demo_window.relinkIntegrationEdit.text() == integration_id  # kept
    assert demo_window.emailEdit.text() != ""

    answer_next_box("Clear")
    clear()
    assert demo_window.relinkIntegrationEdit.text() == ""
    assert demo_window.emailEdit.text() == ""


def test_clearing_asks_about_both_forms_when_neither_was_used(
    demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_the_tabs_whole_names(monkeypatch, demo_window)
    fill_form(demo_window)
    demo_window.relinkIntegrationEdit.setText("personio:93fCvorjZ2jas7ZekX1V1n5d")
    asked = answer_next_box("Cancel")
    demo_window.linkForm.clearButton.click()
    assert asked.texts == [
        "Clear the form? What is typed in it and the integration id typed on the “Reconnect "
        "an integration” tab have not been used for a link yet, and would be lost."
    ]


def test_an_integration_id_a_reconnection_link_was_made_with_is_cleared_unasked(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    demo_window.show_relink_mode()
    demo_window.relinkIntegrationEdit.setText("personio:93fCvorjZ2jas7ZekX1V1n5d")
    demo_window.relinkButton.click()
    qtbot.waitUntil(lambda: demo_window.linkField.text() != "", timeout=10_000)
    wait_until_ready(qtbot, demo_window)
    asked = answer_next_box("Cancel")  # would keep everything, had it asked

    demo_window.start_next_customer()
    asked.stop()

    assert asked.texts == []
    assert demo_window.relinkIntegrationEdit.text() == ""


RELINKED_ID = "personio:93fCvorjZ2jas7ZekX1V1n5d"


def relink_hint(window: MainWindow) -> str:
    """What the reconnection tab says under the id (the usual hint, or about the integration)."""
    return window.relinkForm.boxes["integration_id"].hint.text()


def reconnect(qtbot: QtBot, window: MainWindow, integration_id: str) -> None:
    """On the reconnection tab, ask for a reconnection link for ``integration_id``, once Kombo
    has said what it knows of it, and wait until the window is ready again."""
    window.show_relink_mode()
    lookup_of(qtbot, window)  # made after the first frame: an id typed before is not looked up
    window.relinkIntegrationEdit.setText(integration_id)
    wait_for_lookup(qtbot, window)
    window.relinkButton.click()
    qtbot.waitUntil(lambda: window.statusPanel.kind in ("success", "error"), timeout=10_000)
    wait_until_ready(qtbot, window)


def test_a_new_link_for_another_customer_clears_the_last_customers_reconnection(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The reconnection tab still held the previous customer's integration id, and what Kombo
    # said of it, while the screen was shared with the next customer.
    fill_form(demo_window)  # Acme GmbH
    make_link(qtbot, demo_window)
    reconnect(qtbot, demo_window, RELINKED_ID)
    assert demo_window.statusPanel.kind == "success"
    assert "Personio connection" in relink_hint(demo_window)

    demo_window.tabs.setCurrentIndex(CREATE_TAB)
    fill_form(demo_window, email="bo@beta.example", organization="Beta AG")
    make_link(qtbot, demo_window)
    demo_window.show_relink_mode()

    assert demo_window.relinkIntegrationEdit.text() == ""
    wait_for_lookup(qtbot, demo_window)
    assert relink_hint(demo_window) == ID_HINT
    assert demo_window.relinkForm.field_errors() == {}


@pytest.mark.parametrize(
    ("integration_id", "organization"),
    [
        # The reconnection failed: the person is still at it.
        ("nosuchtool:abc123", "Beta AG"),
        # A new link for the same customer (another tool), told as the duplicate check tells.
        (RELINKED_ID, "ACME gmbh."),
    ],
    ids=["failed-reconnection", "same-organisation"],
)
def test_the_reconnection_stays_while_the_person_is_still_working_on_it(
    qtbot: QtBot, demo_window: MainWindow, integration_id: str, organization: str
) -> None:
    fill_form(demo_window)  # Acme GmbH
    make_link(qtbot, demo_window)
    reconnect(qtbot, demo_window, integration_id)
    assert (demo_window.statusPanel.kind == "success") is (integration_id == RELINKED_ID)
    said = relink_hint(demo_window)

    demo_window.tabs.setCurrentIndex(CREATE_TAB)
    fill_form(demo_window, email="bo@beta.example", organization=organization, tool="hibob")
    make_link(qtbot, demo_window)

    assert demo_window.relinkIntegrationEdit.text() == integration_id
    assert relink_hint(demo_window) == said


@pytest.mark.parametrize(
    ("reconnected_for", "cleared"),
    [("Gamma SA", True), ("Delta Ltd", False)],
    ids=["another-organisation", "same-organisation"],
)
def test_the_existing_link_shown_for_another_customer_clears_the_last_reconnection(
    qtbot: QtBot, demo_window: MainWindow, reconnected_for: str, cleared: bool
) -> None:
    # "Use the existing link" gives the next customer their link as a new one does, but the
    # reconnection tab kept the last customer's integration id and what Kombo said of it.
    delta = {"email": "dana@delta.example", "organization": "Delta Ltd", "tool": "personio"}
    fill_form(demo_window, **delta)
    earlier = make_link(qtbot, demo_window)
    demo_window.tabs.setCurrentIndex(CREATE_TAB)
    fill_form(demo_window, email="gus@gamma.example", organization=reconnected_for, tool="bamboohr")
    reconnect(qtbot, demo_window, "bamboohr:gamma-77")
    assert demo_window.statusPanel.kind == "success"
    said = relink_hint(demo_window)
    assert said != ID_HINT

    demo_window.tabs.setCurrentIndex(CREATE_TAB)
    fill_form(demo_window, **delta)
    try_again(qtbot, demo_window)
    history_of(demo_window).banner.useExistingButton.click()
    assert demo_window.linkField.text() == earlier
    demo_window.show_relink_mode()

    if cleared:
        assert demo_window.relinkIntegrationEdit.text() == ""
        wait_for_lookup(qtbot, demo_window)
        assert relink_hint(demo_window) == ID_HINT
    else:  # the same customer: the person may still be at it
        assert demo_window.relinkIntegrationEdit.text() == "bamboohr:gamma-77"
        assert relink_hint(demo_window) == said


def test_clearing_after_a_link_for_a_name_with_an_invisible_character_asks_nothing(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The link was made with the name as sent (without the zero-width space): it was used.
    fill_form(demo_window, organization="Acme GmbH\u200b")
    demo_window.originIdEdit.setText("\u200eCUST-7")
    make_link(qtbot, demo_window)
    asked = answer_next_box("Cancel")
    demo_window.linkForm.clearButton.click()
    asked.stop()
    assert asked.texts == []
    assert demo_window.organizationEdit.text() == ""


@pytest.fixture
def browser() -> Iterator[UrlCatcher]:
    yield from catch_urls("http", "https")


def test_open_hands_the_link_to_the_browser(
    qtbot: QtBot, demo_window: MainWindow, browser: UrlCatcher
) -> None:
    fill_form(demo_window)
    link = make_link(qtbot, demo_window)
    assert demo_window.openButton.isEnabled()
    demo_window.openButton.click()
    assert browser.urls == [link]


def test_the_qr_code_on_screen_decodes_to_the_link(qtbot: QtBot, demo_window: MainWindow) -> None:
    fill_form(demo_window)
    link = make_link(qtbot, demo_window)
    qr_view = named(demo_window, QLabel, "qrView")
    qtbot.waitUntil(lambda: not qr_view.pixmap().isNull())
    assert decode_pixmap(qr_view.pixmap()) == link


def test_copy_qr_image_puts_a_scannable_picture_on_the_clipboard(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    fill_form(demo_window)
    link = make_link(qtbot, demo_window)
    named(demo_window, QPushButton, "copyQrButton").click()
    assert decode_qimage(QGuiApplication.clipboard().image()) == link


def _save_qr_as(
    qtbot: QtBot,
    window: MainWindow,
    monkeypatch: pytest.MonkeyPatch,
    path: Path,
    chosen_filter: str,
) -> None:
    """Click "Save QR code…", answer the save window with ``path`` and wait for the file."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args: (str(path), chosen_filter))
    window.exportQrButton.click()
    wait_qr_saved(qtbot, window)
    assert path.is_file()


def test_a_demo_links_qr_pictures_say_demo_wherever_they_go(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Copied or saved, the code of a demo link was a bare code of a working-looking address;
    # only the status line, which stays in the window, said it connects nothing.
    fill_form(demo_window)
    link = make_link(qtbot, demo_window)

    named(demo_window, QPushButton, "copyQrButton").click()
    _save_qr_as(qtbot, demo_window, monkeypatch, tmp_path / "qr.png", "PNG picture (*.png)")
    _save_qr_as(qtbot, demo_window, monkeypatch, tmp_path / "qr.svg", "SVG drawing (*.svg)")

    copied = QGuiApplication.clipboard().image()
    for picture in (copied, QImage(str(tmp_path / "qr.png")), render_svg(tmp_path / "qr.svg")):
        assert has_demo_band(picture)
        assert decode_qimage(picture) == link


def test_a_real_links_qr_pictures_are_plain_codes(
    qtbot: QtBot, open_window: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    link = "https://connect.kombo.dev/v1?token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJBY21lIn0"
    with FaultServer(fallback=tools_or(Reply.link(link))) as kombo:
        monkeypatch.setenv("KOMBO_API_KEY", "kombo-test-key-5d1e8a2c7b")
        window = open_window("--api-base", kombo.base_url)
        fill_form(window)
        assert make_link(qtbot, window) == link

        named(window, QPushButton, "copyQrButton").click()
        _save_qr_as(qtbot, window, monkeypatch, tmp_path / "qr.png", "PNG picture (*.png)")
        _save_qr_as(qtbot, window, monkeypatch, tmp_path / "qr.svg", "SVG drawing (*.svg)")

    copied = QGuiApplication.clipboard().image()
    for picture in (copied, QImage(str(tmp_path / "qr.png")), render_svg(tmp_path / "qr.svg")):
        assert picture.width() == picture.height()  # the code alone, no band
        assert decode_qimage(picture) == link


@pytest.mark.parametrize(
    ("file_name", "chosen_filter", "decode"),
    [
        ("qr.png", "PNG picture (*.png)", decode_png),
        ("qr.svg", "SVG drawing (*.svg)", decode_svg),
        ("qr", "SVG drawing (*.svg)", decode_svg),  # no extension typed: the filter decides
    ],
)
def test_exported_qr_files_decode_to_the_link(
    qtbot: QtBot,
    demo_window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    file_name: str,
    chosen_filter: str,
    decode: object,
) -> None:
    fill_form(demo_window, organization="Müller & Söhne")
    link = make_link(qtbot, demo_window)
    asked: list[tuple[str, str]] = []

    def save_dialog(
        parent: object, caption: str, directory: str, filters: str, *_chosen: str
    ) -> tuple[str, str]:
        asked.append((directory, filters))
        return str(tmp_path / file_name), chosen_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    demo_window.exportQrButton.click()
    wait_qr_saved(qtbot, demo_window)

    suggested, filters = asked[0]
    assert Path(suggested).name == "demo-kombo-link-muller-sohne.png"  # a demo says so
    # Both types offered (in screen-sharing mode, as on here, each matches only that name).
    assert [choice.split(" (")[0] for choice in filters.split(";;")] == [
        "PNG picture",
        "SVG drawing",
    ]
    written = tmp_path / (file_name if "." in file_name else file_name + ".svg")
    assert written.is_file()
    assert decode(written) == link  # type: ignore[operator]
    assert str(written) in demo_window.statusLabel.text()


def test_a_qr_code_is_written_on_a_worker_while_the_window_goes_on(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The picture was written, and its folder remembered in the settings, on the UI thread:
    # with a customer's folder on a network share over a VPN, taking 5 s for each file
    # operation, the window froze for 25 s.
    fill_form(demo_window)
    link = make_link(qtbot, demo_window)
    share = tmp_path / "customers-share"
    share.mkdir()
    target = share / "acme.png"
    dialogs: list[str] = []

    def save_dialog(*_args: object) -> tuple[str, str]:
        dialogs.append("asked")
        return str(target), "PNG picture (*.png)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    disk = HeldWrites(monkeypatch)
    try:
        demo_window.exportQrButton.click()  # returns while the write is held up
        # Until the write is held up: the worker records its thread a moment before it
        # stops to wait, and on a loaded machine the test could look in between.
        qtbot.waitUntil(lambda: disk.waiting.is_set() or disk.on_the_ui_thread)
        assert not disk.on_the_ui_thread
        assert not target.exists()
        assert demo_window.statusLabel.text() == "Saving the QR code…"
        assert not demo_window.exportQrButton.isEnabled()  # no second save over the first
        demo_window.resultPanel.export_qr()
        assert dialogs == ["asked"]
        ticks: list[int] = []
        QTimer.singleShot(0, lambda: ticks.append(1))
        qtbot.waitUntil(lambda: ticks == [1])  # the window goes on meanwhile
        assert demo_window.copyButton.isEnabled()
    finally:
        disk.release()

    qtbot.waitUntil(lambda: "saved as" in demo_window.statusLabel.text())
    assert demo_window.statusLabel.text() == (
        f"Demo QR code saved as {target}. It connects nothing: do not send it to a customer."
    )
    assert decode_png(target) == link
    assert demo_window.exportQrButton.isEnabled()
    assert len(disk.threads) == 2  # the picture and the settings, both on the worker
    assert not disk.on_the_ui_thread
    suggested, _type = demo_window.save_places.qr_suggestion("next")
    assert Path(suggested).parent == share  # the folder was remembered


def test_a_demo_links_qr_picture_is_drawn_on_a_worker_too(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A demo link's PNG, its amber band in colour, takes 0.1 to 0.15 s to encode (a real
    # link's, one bit a pixel, a few milliseconds): made on the UI thread before the file was
    # handed to the worker, it froze the window that long at every "Save QR code…".
    fill_form(demo_window)
    link = make_link(qtbot, demo_window)
    target = tmp_path / "acme.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_: (str(target), "PNG (*.png)"))
    encoded_on: list[threading.Thread] = []
    encode = qr_image._png_bytes

    def png_bytes(text: str, demo: bool) -> bytes:
        encoded_on.append(threading.current_thread())
        return encode(text, demo)

    monkeypatch.setattr(qr_image, "_png_bytes", png_bytes)
    disk = HeldWrites(monkeypatch)
    try:
        demo_window.exportQrButton.click()
        qtbot.waitUntil(disk.waiting.is_set)
        assert len(encoded_on) == 1
        assert encoded_on[0] is not threading.main_thread()
        assert demo_window.statusLabel.text() == "Saving the QR code…"
    finally:
        disk.release()
    wait_qr_saved(qtbot, demo_window)
    assert demo_window.statusLabel.text().startswith(f"Demo QR code saved as {target}.")
    picture = QImage(str(target))
    assert has_demo_band(picture)
    assert decode_qimage(picture) == link


def test_saving_a_qr_code_from_the_keyboard_keeps_the_focus_off_copy_qr_image(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "Save QR code…" waits, disabled, while its file is written: Qt moved the focus to the
    # next button, "Copy QR image", and a second Space copied the picture instead.
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    target = tmp_path / "acme.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_: (str(target), "PNG (*.png)"))
    save = demo_window.exportQrButton
    demo_window.activateWindow()
    save.setFocus()
    qtbot.waitUntil(save.hasFocus)
    disk = HeldWrites(monkeypatch)
    try:
        QTest.keyClick(save, Qt.Key.Key_Space)
        qtbot.waitUntil(disk.waiting.is_set)
        assert not save.isEnabled()
        assert QApplication.focusWidget() is demo_window.linkField  # Space there does nothing
    finally:
        disk.release()
    wait_qr_saved(qtbot, demo_window)
    assert save.isEnabled() and QApplication.focusWidget() is save  # back where it was


def test_closing_the_window_while_a_qr_code_is_saved_waits_for_its_file(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Closed while "Saving the QR code…" ran on a slow share, the window waited only as long
    # as for any request (1.5 s) and the program ended mid-write: the file was never saved
    # and a hidden ".acme.png.<hex>.tmp" stayed in the customer's folder.
    monkeypatch.setattr(main_window, "CLOSE_WAIT_SECONDS", 0.1)  # shorter than the write
    fill_form(demo_window)
    link = make_link(qtbot, demo_window)
    share = tmp_path / "customers-share"
    share.mkdir()
    target = share / "acme.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_: (str(target), "PNG (*.png)"))
    disk = HeldWrites(monkeypatch)
    statuses: list[str] = []
    show_message = demo_window.statusPanel.show_message

    def show_and_note(text: str, *rest: Any, **options: Any) -> None:
        statuses.append(text)
        show_message(text, *rest, **options)

    monkeypatch.setattr(demo_window.statusPanel, "show_message", show_and_note)
    try:
        demo_window.exportQrButton.click()
        qtbot.waitUntil(disk.waiting.is_set)
        slow_share = threading.Timer(0.5, disk.release)  # the share confirms the write
        slow_share.start()
        demo_window.close()
    finally:
        disk.release()

    assert decode_png(target) == link  # saved, whole, before the program went on closing
    assert sorted(path.name for path in share.iterdir()) == ["acme.png"]
    assert "Closing… the QR code is still being saved" in " ".join(statuses)


def test_closing_the_save_dialog_writes_nothing(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The dialog is cancelled: no file may appear, and the status stays as it was.
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    folder = tmp_path / "pictures"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: ("", ""))
    status = demo_window.statusLabel.text()
    demo_window.exportQrButton.click()
    assert list(folder.iterdir()) == []
    assert demo_window.statusLabel.text() == status


def test_a_qr_file_that_cannot_be_written_is_explained(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    missing = tmp_path / "no such folder" / "qr.png"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *args: (str(missing), "PNG picture (*.png)")
    )
    demo_window.exportQrButton.click()
    wait_qr_saved(qtbot, demo_window)
    assert demo_window.statusPanel.kind == "error"
    assert "could not be saved" in demo_window.statusLabel.text()


def test_a_qr_code_saved_over_an_old_one_on_a_full_disk_keeps_the_old_one_and_says_why(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_form(demo_window)
    link = make_link(qtbot, demo_window)
    target = tmp_path / "acme.png"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *args: (str(target), "PNG picture (*.png)")
    )
    demo_window.exportQrButton.click()
    wait_qr_saved(qtbot, demo_window)
    assert decode_png(target) == link
    full_disk(monkeypatch)
    demo_window.exportQrButton.click()
    wait_qr_saved(qtbot, demo_window)
    assert demo_window.statusPanel.kind == "error"
    assert "The disk is full" in demo_window.statusLabel.text()
    assert "saved as" not in demo_window.statusLabel.text()
    assert decode_png(target) == link  # the working picture, not an empty file


def test_a_qr_code_saved_on_a_read_only_drive_says_so_without_system_words(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It showed "[Errno 30] Read-only file system: '/…/.acme.png.<hex>.tmp'".
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *args: (str(tmp_path / "acme.png"), "")
    )
    read_only_drive(monkeypatch, tmp_path)
    demo_window.exportQrButton.click()
    wait_qr_saved(qtbot, demo_window)
    assert demo_window.statusPanel.kind == "error"
    text = demo_window.statusLabel.text()
    assert "The drive is read-only" in text and "choose another folder" in text
    assert "Errno" not in text and ".tmp" not in text


def test_relink_mode_makes_a_reconnection_link(qtbot: QtBot, demo_window: MainWindow) -> None:
    demo_window.show_relink_mode()
    assert demo_window.demoBanner.isVisible()
    demo_window.relinkIntegrationEdit.setText("personio:93fCvorjZ2jas7ZekX1V1n5d")
    combo = demo_window.relinkLanguageCombo
    combo.setCurrentIndex(combo.findData("fr"))
    demo_window.relinkButton.click()
    qtbot.waitUntil(lambda: demo_window.linkField.text() != "")

    server = demo_of(demo_window)
    relinks = [r for r in server.requests if r.path.endswith("/relink")]
    assert len(relinks) == 1
    assert "personio" in relinks[0].path
    assert relinks[0].json == {"language": "fr", "link_type": "MAGIC_LINK"}
    assert server.create_link_count == 0
    assert demo_window.linkField.text().startswith(server.origin)
    assert demo_window.statusLabel.text() == "Demo reconnection link ready. It connects nothing."
    qr_view = named(demo_window, QLabel, "qrView")
    qtbot.waitUntil(lambda: not qr_view.pixmap().isNull())
    assert decode_pixmap(qr_view.pixmap()) == demo_window.linkField.text()


def test_an_integration_id_inside_a_copied_web_address_is_one_click_away(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    integration_id = "personio:93fCvorjZ2jas7ZekX1V1n5d"
    address = f"https://app.kombo.dev/acme/integrations/{integration_id}/logs"
    demo_window.show_relink_mode()
    demo_window.relinkIntegrationEdit.setText(address)
    demo_window.relinkButton.click()
    fix = demo_window.relinkForm.relinkIntegrationFixButton
    assert fix.isVisible() and fix.toolTip() == integration_id
    assert integration_id in demo_window.relinkForm.field_errors()["integration_id"]
    assert demo_of(demo_window).requests == []  # nothing sent, nothing changed unasked
    assert demo_window.relinkIntegrationEdit.text() == address

    qtbot.mouseClick(fix, Qt.MouseButton.LeftButton)
    assert demo_window.relinkIntegrationEdit.text() == integration_id
    assert not fix.isVisible()
    demo_window.relinkButton.click()
    qtbot.waitUntil(lambda: demo_window.linkField.text() != "", timeout=10_000)
    assert "reconnection link ready" in demo_window.statusLabel.text().lower()


def test_an_invalid_integration_id_is_explained_and_not_sent(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    demo_window.show_relink_mode()
    demo_window.relinkIntegrationEdit.setText("https://app.kombo.dev/integrations/x")
    demo_window.relinkButton.click()
    errors = demo_window.relinkForm.field_errors()
    assert "web address" in errors["integration_id"]
    assert demo_window.relinkIntegrationEdit.text() == "https://app.kombo.dev/integrations/x"
    assert demo_of(demo_window).requests == []


def test_a_demo_link_handed_on_says_it_is_not_for_a_customer(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # "Link copied. Paste it into your message to the customer." for a link that connects
    # nothing; the QR code's messages did not warn either.
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    demo_window.copyButton.click()
    assert "Demo link copied" in demo_window.statusLabel.text()
    assert "do not send it to a customer" in demo_window.statusLabel.text()
    demo_window.resultPanel.copy_qr()
    assert "do not send it to a customer" in demo_window.statusLabel.text()


def test_a_name_typed_without_its_extension_does_not_replace_a_file_unasked(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The dialog asked about "qr", then "qr.png" was replaced without a word.
    precious = tmp_path / "qr.png"
    precious.write_bytes(b"someone's picture")
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda *_args: (str(tmp_path / "qr"), "PNG picture (*.png)"),
    )
    asked = answer_next_box("Cancel")
    demo_window.exportQrButton.click()
    asked.stop()
    assert asked.texts and "“qr.png” already exists" in asked.texts[0]
    assert precious.read_bytes() == b"someone's picture"
    asked = answer_next_box("Replace")
    demo_window.exportQrButton.click()
    asked.stop()
    wait_qr_saved(qtbot, demo_window)
    assert decode_png(precious) == demo_window.linkField.text()


def test_after_a_link_is_made_the_copy_keys_copy_it(qtbot: QtBot, demo_window: MainWindow) -> None:
    # The link field's copy keys were there for this moment, but the focus stayed in the
    # form: Ctrl+C right after Enter copied nothing.
    fill_form(demo_window)
    QTest.keyClick(demo_window.organizationEdit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: demo_window.linkField.text() != "", timeout=10_000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is demo_window.linkField)
    QGuiApplication.clipboard().clear()
    QTest.keySequence(demo_window.linkField, QKeySequence(QKeySequence.StandardKey.Copy))
    assert QGuiApplication.clipboard().text() == demo_window.linkField.text()


def test_tab_goes_from_the_reconnection_button_to_its_link(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # The reconnection tab's fields were left out of the window's order: from "Create
    # reconnection link" Tab went to the QR code and the header, not to the link and Copy.
    demo_window.show_relink_mode("personio:93fCvorjZ2jas7ZekX1V1n5d")
    demo_window.relinkButton.click()
    qtbot.waitUntil(lambda: demo_window.linkField.text() != "", timeout=10_000)
    wait_until_ready(qtbot, demo_window)  # until then Cancel is still the next stop
    qtbot.waitUntil(lambda: demo_window.qrView.can_enlarge)  # a tab stop once it has a code
    assert tab_stops(demo_window.relinkButton, 3) == ["linkField", "qrView", "copyButton"]


@pytest.mark.parametrize(
    ("screen", "text_scale", "below"),
    [
        pytest.param(AT_125, 1.0, False, id="beside"),
        pytest.param(AT_150, LARGER_TEXT, True, id="below"),
    ],
)
def test_tab_reaches_the_qr_code_where_it_is_read_beside_or_below_the_buttons(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    system_text: SystemText,
    open_window: WindowFactory,
    screen: QRect,
    text_scale: float,
    below: bool,
) -> None:
    # The code stands left of the buttons, and is read before them, but Tab reached it last,
    # after "Copy QR image": a screen reader heard of the code after the buttons about it.
    # Where the panel is too narrow, the code goes below the buttons, and Tab goes there too.
    window = open_on(screen, text_scale, monkeypatch, system_text, open_window)
    fill_form(window)
    make_link(qtbot, window)
    panel = window.resultPanel
    qtbot.waitUntil(lambda: panel.qrView.can_enlarge)  # a tab stop once it has a code
    assert panel.code_below is below
    if below:
        assert tab_stops(window.linkField, 2) == ["copyButton", "openButton"]
        assert tab_stops(panel.copyQrButton, 1) == ["qrView"]
    else:
        assert tab_stops(window.linkField, 2) == ["qrView", "copyButton"]
        assert tab_stops(panel.copyQrButton, 1) != ["qrView"]


def test_a_code_too_large_for_a_small_window_is_not_shown_cut_off(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At the smallest window the code's place is 150 px; a 2,000-character link needs more
    # even at one pixel per module, and the code shown cut off did not scan.
    long_link = "https://connect.kombo.dev/v1?token=" + "Ab9-_xYz" * 246
    with FaultServer(fallback=tools_or(Reply.link(long_link))) as kombo:
        monkeypatch.setenv("KOMBO_API_KEY", "kombo-test-key-5d1e8a2c7b")
        window = open_window("--api-base", kombo.base_url)
        window.resize(*MINIMUM_SIZE)
        fill_form(window)
        assert make_link(qtbot, window) == long_link
        qtbot.waitUntil(lambda: window.qrView.text() == QR_TOO_LARGE_TEXT, timeout=5000)
        assert not window.qrView.has_code
        # Room for it now, but at one or two pixels a module: still not drawn, as it would
        # not scan from a shared screen; offered large instead.
        window.resize(1366, 900)
        qtbot.waitUntil(lambda: window.qrView.text() == QR_SHOW_LARGE_TEXT, timeout=5000)
        assert not window.qrView.has_code


def test_the_code_for_files_is_ready_before_it_is_asked_for(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Files keep a stronger error correction than the window's code (see core.qr): computed
    # only on "Save QR code…", it would cost 15-20 ms more on the click.
    from kombo_desktop.core import qr

    fill_form(demo_window)
    link = make_link(qtbot, demo_window)
    qtbot.waitUntil(lambda: demo_window.qrView.has_code, timeout=5000)
    qtbot.waitUntil(lambda: demo_window.runner.active == [], timeout=5000)
    missed = qr._symbol.cache_info().misses
    qr.qr_matrix(link, correction=qr.ON_PAPER)
    qr.qr_matrix(link, correction=qr.ON_SCREEN)
    assert qr._symbol.cache_info().misses == missed


def test_typing_the_next_customer_over_the_form_takes_the_last_link_away(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Typed over rather than cleared, the form showed the next customer's details beside the
    # last customer's link and a scannable QR code, with Copy and the invitation enabled.
    fill_form(demo_window)
    make_link(qtbot, demo_window)
    demo_window.toolCombo.setCurrentIndex(demo_window.toolCombo.findData("bamboohr"))
    assert demo_window.linkField.text() != ""  # another tool for the same customer: it stays
    demo_window.emailEdit.setText("bob@globex.example")
    assert demo_window.linkField.text() == ""
    assert not demo_window.copyButton.isEnabled()
    qr_view = named(demo_window, QLabel, "qrView")
    assert qr_view.pixmap().isNull()
    assert demo_window.statusLabel.text().startswith("The form now holds other details")


def test_typing_another_integration_id_takes_the_last_reconnection_link_away(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    demo_window.show_relink_mode("personio:93fCvorjZ2jas7ZekX1V1n5d")
    demo_window.relinkButton.click()
    qtbot.waitUntil(lambda: demo_window.linkField.text() != "", timeout=10_000)
    wait_until_ready(qtbot, demo_window)
    demo_window.relinkIntegrationEdit.setText("bamboohr:other-customer")
    assert demo_window.linkField.text() == ""
    assert demo_window.statusLabel.text().startswith("The form now holds other details")


def test_enter_on_a_result_button_reached_with_tab_presses_it(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    fill_form(demo_window)
    link = make_link(qtbot, demo_window)
    QGuiApplication.clipboard().clear()
    demo_window.copyButton.setFocus()
    QTest.keyClick(demo_window.copyButton, Qt.Key.Key_Return)
    assert QGuiApplication.clipboard().text() == link
