"""Options typed or ticked for one link that would go, unseen, with the next one: the tool
environment typed for one tool, sent with another after the tool was changed. The tool
environment sits below the fold on a laptop and the advanced options are folded away, so the
person does not see them as they move on."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kombo_desktop.core.demo_server import DemoKomboServer
from kombo_desktop.core.logs import register_secret
from kombo_desktop.ui.link_form import ENVIRONMENT_NOT_SENT
from kombo_desktop.ui.main_window import MainWindow
from tests.support.found import line_edit_of
from tests.ui.conftest import fill_form, make_link


def demo_of(window: MainWindow) -> DemoKomboServer:
    assert window.demo_server is not None
    return window.demo_server


def last_sent(window: MainWindow) -> dict[str, object]:
    """The body of the last link the demo service made."""
    return dict(demo_of(window).link_records[-1].body)


def type_tool(qtbot: QtBot, window: MainWindow, typed: str) -> None:
    """Type ``typed`` over the tool box's text, key by key, then leave it with Tab."""
    edit = line_edit_of(window.toolCombo)
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    edit.selectAll()  # as a click into the chosen entry does
    QTest.keyClicks(edit, typed)
    QTest.keyClick(edit, Qt.Key.Key_Tab)


def test_an_environment_typed_for_one_tool_is_not_sent_with_the_next(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    # Hailey HR's "DEMO", then Personio typed in its place: DEMO went with Personio, and the
    # status line still said the environment was left out.
    fill_form(demo_window, tool="haileyhr")
    demo_window.environmentEdit.setText("DEMO")
    type_tool(qtbot, demo_window, "Personio")
    assert demo_window.linkForm.tool_id() == "personio"

    assert demo_window.environmentEdit.text() == ""
    status = demo_window.statusLabel.text()
    assert status == "The tool environment “DEMO” was for Hailey HR and was cleared."
    assert ENVIRONMENT_NOT_SENT not in status
    make_link(qtbot, demo_window)
    sent = last_sent(demo_window)
    assert sent["integration_tool"] == "personio"
    assert sent.get("remote_environment") is None


def test_an_environment_comes_back_with_its_own_tool(qtbot: QtBot, demo_window: MainWindow) -> None:
    # Through "The customer chooses" and back: the environment is the tool's again, and the
    # status line no longer says it is left out.
    fill_form(demo_window, tool="haileyhr")
    demo_window.environmentEdit.setText("DEMO")
    demo_window.toolCombo.setCurrentIndex(0)  # the customer chooses
    assert demo_window.statusLabel.text() == ENVIRONMENT_NOT_SENT
    fill_form(demo_window, tool="haileyhr")
    assert demo_window.environmentEdit.text() == "DEMO"
    assert ENVIRONMENT_NOT_SENT not in demo_window.statusLabel.text()
    make_link(qtbot, demo_window)
    assert last_sent(demo_window)["remote_environment"] == "DEMO"


def test_an_environment_typed_for_the_new_tool_is_sent_with_it(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    fill_form(demo_window, tool="haileyhr")
    demo_window.environmentEdit.setText("DEMO")
    fill_form(demo_window, tool="personio")
    demo_window.environmentEdit.setText("sandbox")
    make_link(qtbot, demo_window)
    assert last_sent(demo_window)["remote_environment"] == "sandbox"


def test_a_key_pasted_as_the_environment_is_not_quoted_when_cleared(
    demo_window: MainWindow,
) -> None:
    key = "kombo-key-8d2f6a1c9e3b7054"
    register_secret(key)  # as when the program read it from the password store
    fill_form(demo_window, tool="haileyhr")
    demo_window.environmentEdit.setText(key)
    fill_form(demo_window, tool="personio")
    assert demo_window.environmentEdit.text() == ""
    status = demo_window.statusLabel.text()
    assert status == "The tool environment was for Hailey HR and was cleared."
