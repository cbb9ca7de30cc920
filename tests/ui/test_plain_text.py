"""Text from outside is shown as written, never drawn as HTML.

Qt's labels, message boxes and tooltips guess whether a text is markup. An organisation name
(a customer can choose it) or a field of Kombo's answer such as ``<a href=...>Log in again</a>``
was drawn as a clickable link or a big red heading on a screen shared with customers.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from kombo_desktop.ui import confirm as confirm_module
from kombo_desktop.ui.history_model import ORGANISATION
from kombo_desktop.ui.main_window import MainWindow
from kombo_desktop.ui.widgets import plain_tooltip
from tests.support.fault_server import FaultServer, Reply, tools_or
from tests.ui.conftest import WindowFactory, fill_form, lookup_of, make_link

INTEGRATION_ID = "personio:93fCvorjZ2jas7ZekX1V1n5d"
MARKUP_NAME = '<a href="https://evil.example/login">Click here to log in again</a>'
BIG_RED = '<span style="font-size:40pt;color:red">Personio</span>'


def labels_not_plain(*roots: QWidget) -> list[str]:
    """Every label under ``roots`` that would guess, by object name and text."""
    found = []
    for root in roots:
        for label in [root, *root.findChildren(QLabel)]:
            if isinstance(label, QLabel) and label.textFormat() != Qt.TextFormat.PlainText:
                found.append(f"{label.objectName() or type(label).__name__}: {label.text()!r}")
    return found


def shown_as(tooltip: str) -> str:
    """What a tooltip's reader sees: Qt's own rule for rich or plain text."""
    if not QtGui.Qt.mightBeRichText(tooltip):
        return tooltip
    document = QTextDocument()
    document.setHtml(tooltip)
    return document.toPlainText()


@pytest.fixture
def markup_server() -> Iterator[FaultServer]:
    details = {
        "status": "success",
        "data": {
            "id": INTEGRATION_ID,
            "tool": {"id": "personio", "label": BIG_RED},
            "status": "ACTIVE",
            "end_user": {"organization_name": MARKUP_NAME},
        },
    }
    with FaultServer(fallback=tools_or(Reply.json(details))) as server:
        yield server


def test_every_label_of_every_screen_shows_its_text_as_written(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    window = demo_window
    fill_form(window)
    make_link(qtbot, window)
    qtbot.waitUntil(lambda: window.qrView.has_code, timeout=10_000)
    window.resultPanel.show_large_qr()
    window.history.historyButton.click()
    window.show_relink_mode()
    window.open_settings()
    qtbot.waitUntil(lambda: window.settings_dialog is not None)
    tops = [w for w in QApplication.topLevelWidgets() if isinstance(w, QWidget)]
    assert len(tops) >= 3  # the window, Settings, the large code
    assert labels_not_plain(*tops) == []


def test_a_name_from_kombo_is_not_drawn_as_a_link(
    qtbot: QtBot,
    open_window: WindowFactory,
    markup_server: FaultServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KOMBO_API_KEY", "test-key-5c1e9a")
    window = open_window("--api-base", markup_server.base_url)
    window.screen_sharing.privacySwitch.click()  # names may be shown
    window.show_relink_mode()
    lookup_of(qtbot, window)
    window.relinkIntegrationEdit.setText(INTEGRATION_ID)
    hint = window.relinkForm.boxes["integration_id"].hint
    qtbot.waitUntil(lambda: MARKUP_NAME in hint.text(), timeout=10_000)
    assert BIG_RED in hint.text()
    assert hint.textFormat() == Qt.TextFormat.PlainText
    assert labels_not_plain(window) == []


def test_history_tooltips_show_names_as_typed(qtbot: QtBot, demo_window: MainWindow) -> None:
    window = demo_window
    window.screen_sharing.privacySwitch.click()
    fill_form(window, organization="<b>Acme</b> & Sons")
    make_link(qtbot, window)
    window.history.historyButton.click()
    model = window.history.panel.model
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    index = model.index(0, ORGANISATION)
    assert model.data(index, Qt.ItemDataRole.DisplayRole) == "<b>Acme</b> & Sons"
    # The cell's own words first, then the rest of the entry, as typed too.
    tooltip = shown_as(model.data(index, Qt.ItemDataRole.ToolTipRole))
    assert tooltip.startswith("<b>Acme</b> & Sons\n")
    assert "E-mail: anna@example.com" in tooltip


def test_plain_tooltip_leaves_ordinary_text_alone() -> None:
    for text in ("Acme GmbH", "a < b and c > d", "Smith & Co", "", "line\nbreak"):
        assert shown_as(plain_tooltip(text)) == text
    assert plain_tooltip("Acme GmbH") == "Acme GmbH"
    assert shown_as(plain_tooltip(MARKUP_NAME)) == MARKUP_NAME


def test_a_question_names_things_as_typed(
    qtbot: QtBot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    formats = []

    def answer(box: QMessageBox) -> int:
        formats.append(box.textFormat())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    assert not confirm_module.confirm(demo_window, "Delete?", f"Delete {MARKUP_NAME}?", "Delete")
    assert formats == [Qt.TextFormat.PlainText]


def make_link_answered_with(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch, link: str
) -> MainWindow:
    """A window whose Kombo (a local server) answers every new link with ``link``; a link
    asked for, and the answer shown."""
    monkeypatch.setenv("KOMBO_API_KEY", "test-key-5c1e9a")
    with FaultServer(fallback=tools_or(Reply.link(link))) as server:
        window = open_window("--api-base", server.base_url)
        fill_form(window)
        window.createButton.click()
        qtbot.waitUntil(lambda: window.statusPanel.kind in ("error", "success"), timeout=10_000)
    return window


def test_a_link_with_markup_is_refused_in_plain_words(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "Link ready", the link copied or sent with its words for the customer, and its tooltip
    # drawn as a big heading. No web address holds "<" or ">".
    link = "https://connect.kombo.dev/v1?token=<h1>Call_+49_30_1234_to_finish</h1>"
    window = make_link_answered_with(qtbot, open_window, monkeypatch, link)
    assert window.statusPanel.kind == "error"
    assert "not a secure web address" in window.statusLabel.text()
    assert "<h1>" not in window.statusLabel.text()
    assert window.linkField.text() == "" and window.linkField.toolTip() == ""


def test_the_links_tooltip_shows_it_as_written(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A web address may hold "&" and ";": Qt took "&lt;" for markup and showed "<" instead.
    link = "https://connect.kombo.dev/v1?token=abc&lt;b&gt;&amp;x=1"
    window = make_link_answered_with(qtbot, open_window, monkeypatch, link)
    assert window.linkField.text() == link
    assert shown_as(window.linkField.toolTip()) == link
