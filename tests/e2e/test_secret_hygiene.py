"""The API key, end to end: used for every request, and found nowhere else afterwards.

One whole session through the real window, with a distinctive fake key: the key is typed into
the settings dialog and stored (in-memory keyring behind keyring's real API), links and a
reconnection link are made against a demo service that accepts only that key, every kind of
failure is provoked against servers that misbehave and even echo the key back in their answers,
QR codes are exported as PNG and SVG, the history is exported as CSV, and every copy button is
pressed. Then every place the key could end up is searched: each file under
``KOMBO_DESKTOP_HOME`` and the export folder (raw bytes, in UTF-8 and UTF-16, so SQLite files,
their WAL, logs, settings and caches are covered), every log record, the history, the clipboard
after each copy, every widget's texts, tooltips, accessible names and item data, every status
and support text, and every address handed to the system to open.
"""

from __future__ import annotations

import html
import logging
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QFileDialog,
    QLineEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kombo_desktop.core.demo_server import DemoKomboServer
from kombo_desktop.core.errors import KomboError
from kombo_desktop.ui import rich_copy
from kombo_desktop.ui.main_window import MainWindow
from kombo_desktop.ui.settings_dialog import SettingsDialog
from tests.e2e.conftest import (
    CLIENT_LIMITS,
    WindowFactory,
    fill_whole_form,
    link_text,
    log_file_text,
    named,
    posts,
    press_create,
    status_text,
)
from tests.support.client_limits import SHORT_TIMEOUT
from tests.support.fault_server import FaultServer, RecordedRequest, Reply, closed_port
from tests.support.keyrings import InMemoryKeyring
from tests.support.message_boxes import answer_next_box
from tests.support.qr_decode import decode_png, decode_qimage, decode_svg
from tests.support.widget_texts import widget_texts
from tests.support.written_files import written_files

KEY = "sk_live_HYGIENE_5f3a9c2e7b81d604aa17"
INTEGRATION_ID = "personio:93fCvorjZ2jas7ZekX1V1n5d"


def settings_dialog_of(window: MainWindow) -> SettingsDialog:
    """The settings dialog the window has open (the test has just opened it)."""
    dialog = window.settings_dialog
    assert isinstance(dialog, SettingsDialog)
    return dialog


def _pieces(key: str) -> tuple[str, ...]:
    """The key, and for a long one the pieces a truncated or reformatted copy would still
    contain (in a short one, such pieces are as short as ordinary words)."""
    return (key, key[8:], key[-16:]) if len(key) >= 20 else (key,)


def _forms(text: str) -> list[bytes]:
    return [form for piece in (text,) for form in (piece.encode(), piece.encode("utf-16-le"))]


KEY_PIECES = _pieces(KEY)
KEY_BYTES = [form for piece in KEY_PIECES for form in _forms(piece)]


def contains_key(text: object) -> bool:
    return isinstance(text, str) and any(piece in text for piece in KEY_PIECES)


# --- where the key could end up ------------------------------------------------------------------


def files_with_key(*folders: Path) -> list[str]:
    return [
        str(path)
        for folder in folders
        for path, data in written_files(folder).items()
        if any(form in data for form in KEY_BYTES)
    ]


class Session:
    """Checks made along the way; each names what it looked at, so a leak says where."""

    def __init__(self, home: Path, exports: Path, caplog: pytest.LogCaptureFixture) -> None:
        self.home = home
        self.exports = exports
        self.caplog = caplog
        self.clipboard_checks = 0
        self.opened: list[str] = []
        self.leaks: list[str] = []

    def check_widgets(self, moment: str) -> None:
        texts = list(widget_texts())
        assert len(texts) > 200, "the walk found too few widgets to mean anything"
        self.leaks += [f"{moment}: widget {where}" for where, text in texts if contains_key(text)]

    def check_clipboard(self, moment: str, *, with_html: bool = False) -> None:
        """Every flavour on the clipboard; ``with_html``: the copy must have put HTML there
        (links and invitations are copied as rich text too), so that flavour is looked at."""
        clipboard = QGuiApplication.clipboard()
        mime = clipboard.mimeData()
        self.clipboard_checks += 1
        if contains_key(clipboard.text()):
            self.leaks.append(f"{moment}: clipboard text")
        if with_html:
            assert mime.hasHtml(), f"{moment}: no HTML on the clipboard"
        # Read as a mail program would: a key written as character references ("&#95;") is
        # invisible in the raw bytes but there all the same once pasted.
        if mime.hasHtml() and contains_key(html.unescape(mime.html())):
            self.leaks.append(f"{moment}: clipboard html")
        for fmt in mime.formats():
            data = bytes(mime.data(fmt).data())
            if any(form in data for form in KEY_BYTES):
                self.leaks.append(f"{moment}: clipboard {fmt}")
        image = clipboard.image()
        if not image.isNull() and contains_key(decode_qimage(image)):
            self.leaks.append(f"{moment}: clipboard image")

    def check_status(self, window: MainWindow, moment: str) -> None:
        panel = window.statusPanel
        for what, text in (
            ("status", panel.text),
            ("support text", panel.support_text),
            ("details pane", panel.statusDetails.toPlainText()),
        ):
            if contains_key(text):
                self.leaks.append(f"{moment}: {what}")

    def check_everything(self, moment: str) -> None:
        self.check_widgets(moment)
        self.leaks += [f"{moment}: file {path}" for path in files_with_key(self.home, self.exports)]
        for record in self.caplog.records:
            text = record.getMessage() + " " + str(record.args) + " " + (record.exc_text or "")
            if contains_key(text):
                self.leaks.append(f"{moment}: log record {record.name}: {record.getMessage()!r}")
        self.leaks += [f"{moment}: opened {url}" for url in self.opened if contains_key(url)]


class _UrlCatcher(QObject):
    """Stands in for the browser and the e-mail program: records what would be opened."""

    def __init__(self, opened: list[str]) -> None:
        super().__init__()
        self.opened = opened

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


@pytest.fixture
def url_catcher() -> Iterator[list[str]]:
    opened: list[str] = []
    catcher = _UrlCatcher(opened)
    for scheme in ("http", "https", "mailto", "file"):
        QDesktopServices.setUrlHandler(scheme, catcher, "open")  # type: ignore[arg-type]  # PySide6 hints bytes; it takes str only
    yield opened
    for scheme in ("http", "https", "mailto", "file"):
        QDesktopServices.unsetUrlHandler(scheme)


def save_as(monkeypatch: pytest.MonkeyPatch, path: Path, chosen: str) -> None:
    """The next save dialog answers ``path`` (as if the person chose it)."""
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(path), chosen))
    )


def retarget(window: MainWindow, api_base: str) -> None:
    """Send the window's requests to ``api_base`` from now on, with the profile's stored key:
    what starting it with ``--api-base`` would do, without a restart."""
    window.setup.api_base_override = api_base
    window.use_target(window.setup.profile_target)


def click(window: QWidget, name: str) -> None:
    button = named(window, QAbstractButton, name)
    assert button.isEnabled(), f"{name} is disabled"
    button.click()


# --- the session ---------------------------------------------------------------------------------


# The session runs with keys of other shapes too: the masking, the link check and the searches
# here must know a key by what it is, not by looking like one.
SESSION_KEYS = {
    "kombo-like": KEY,
    # No digits: taken for a key only once Kombo accepts it (``safe_text.looks_like_api_key``).
    "word-like": "Pineapple-Harbour-Meadow-Lantern",
    # The shortest key the program takes (``credentials.MIN_KEY_LENGTH``).
    "shortest": "Qz7xYwP4",
}


@pytest.fixture(params=list(SESSION_KEYS))
def session_key(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The session's key; what the searches above look for (``KEY_PIECES``, ``KEY_BYTES``)
    is that key's for the test's length."""
    key: str = SESSION_KEYS[request.param]
    pieces = _pieces(key)
    module = sys.modules[__name__]
    monkeypatch.setattr(module, "KEY_PIECES", pieces)
    monkeypatch.setattr(module, "KEY_BYTES", [form for piece in pieces for form in _forms(piece)])
    return key


def test_a_whole_session_leaves_the_key_nowhere(
    qtbot: QtBot,
    kombo_window: WindowFactory,
    isolated_home: Path,
    tmp_path: Path,
    memory_keyring: InMemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    url_catcher: list[str],
    session_key: str,
) -> None:
    key = session_key
    caplog.set_level(logging.DEBUG)
    exports = tmp_path / "exports"
    exports.mkdir()
    session = Session(isolated_home, exports, caplog)
    session.opened = url_catcher

    with DemoKomboServer(api_key=key) as demo:
        window = kombo_window(demo.base_url, key=None)
        qtbot.waitUntil(window.firstRunNotice.isVisible)

        # 1. The key goes in through the settings dialog, typed like a person would.
        click(window, "settingsButton")
        dialog = settings_dialog_of(window)
        key_edit = named(dialog, QLineEdit, "apiKeyEdit")
        assert key_edit.echoMode() == QLineEdit.EchoMode.Password
        qtbot.keyClicks(key_edit, key)
        # The walk sees the key where it really is (here, while typed and not yet saved).
        assert [where for where, text in widget_texts() if contains_key(text)] == [
            "QLineEdit#apiKeyEdit.text"
        ]
        click(dialog, "saveKeyButton")
        qtbot.waitUntil(
            lambda: "accepted the key" in dialog.settingsStatusLabel.text(), timeout=8000
        )
        assert key_edit.text() == "", "the password field still holds the key after saving"
        assert memory_keyring.secrets[("kombo-desktop", "default")] == key
        session.check_widgets("settings saved")
        dialog.reject()
        qtbot.waitUntil(lambda: window.settings_dialog is None)

        # 2. Links with that key: the demo service accepts no other.
        fill_whole_form(window)
        press_create(qtbot, window)
        assert window.statusPanel.kind == "success", status_text(window)
        link = link_text(window)
        creates = demo.requests_to("POST", "/v1/connect/create-link")
        assert len(creates) == 1 and creates[0].header("authorization") == "Bearer [redacted]"

        for button in ("copyButton", "copyQrButton", "copyInvitationButton"):
            click(window, button)
            session.check_clipboard(f"after {button}", with_html=button != "copyQrButton")
        click(window, "openButton")
        click(window, "emailButton")
        assert any(url.startswith("mailto:") for url in session.opened)

        for name, chosen in (
            ("link.png", "PNG picture (*.png)"),
            ("link.svg", "SVG drawing (*.svg)"),
        ):
            save_as(monkeypatch, exports / name, chosen)
            click(window, "exportQrButton")
            qtbot.waitUntil(lambda: window.statusPanel.kind != "busy")  # written on a worker
            assert (exports / name).exists(), f"{name} was not written"
        assert decode_png(exports / "link.png") == link
        assert decode_svg(exports / "link.svg") == link

        window.show_relink_mode()
        named(window, QLineEdit, "relinkIntegrationEdit").setText(INTEGRATION_ID)
        # Whose integration it is, asked of Kombo with the key as the id is typed.
        hint = window.relinkForm.boxes["integration_id"].hint
        qtbot.waitUntil(lambda: "connection" in hint.text(), timeout=8000)
        lookups = demo.requests_to("GET", f"/v1/integrations/{INTEGRATION_ID}")
        assert len(lookups) == 1 and lookups[0].header("authorization") == "Bearer [redacted]"
        click(window, "relinkButton")
        qtbot.waitUntil(lambda: not window.busy, timeout=8000)
        assert window.statusPanel.kind == "success", status_text(window)
        relinks = [r for r in demo.requests if r.path.endswith("/relink")]
        assert len(relinks) == 1 and relinks[0].header("authorization") == "Bearer [redacted]"
        session.check_everything("after the demo links")

        # An integration the demo does not know: Kombo's "not found".
        named(window, QLineEdit, "relinkIntegrationEdit").setText("nosuchtool:doesNotExist")
        click(window, "relinkButton")
        qtbot.waitUntil(lambda: not window.busy, timeout=8000)
        assert window.statusPanel.kind == "error"
        _copy_details(window, session, "not found")
        window.show_create_mode()

    # 3. Every kind of failure, from servers that misbehave and echo the key back. A server
    # error is repeated by the client, so it is scripted for every attempt of its request.
    echo = f"The API key {key} is not valid here."
    server_error = Reply.kombo_error(500, "PLATFORM.UNKNOWN_ERROR", echo)
    attempts = int(CLIENT_LIMITS["max_attempts"])
    failures = [
        Reply.kombo_error(
            401,
            "PLATFORM.AUTHENTICATION_INVALID",
            echo,
            title=f"Unauthorized ({key})",
            log_url=f"https://app.kombo.dev/logs?key={key}",
        ),
        Reply.kombo_error(403, "PLATFORM.IP_NOT_WHITELISTED", echo),
        Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", f"Key {key} may not do this."),
        Reply.kombo_error(
            429, "PLATFORM.RATE_LIMIT_EXCEEDED", echo, headers=[("Retry-After", "900")]
        ),
        *[server_error] * attempts,
        Reply.kombo_error(422, None, echo, old_shape=True),
        Reply.html(200, f"Proxy login for {key}"),
        Reply.text(200, f'{{"status": "success", "data": {{"link": "{key}"', "application/json"),
        Reply.json({"status": "success", "data": {"token": key}}),
        Reply.link(f"javascript:alert('{key}')"),
        Reply.link(f"https://connect.kombo.dev/v1?token={'x' * 3000}{key}"),
        Reply.link(f"https://connect.kombo.dev/v1?token={key}"),
        Reply.text(200, f"plain words with {key}"),
        *_body_echoes(key).values(),
        Reply(200, (("Content-Type", "application/json"),), b'{"a": 1}', drop_after=3),
        Reply(disconnect=True),
    ]
    # Once the script has run out the server never answers.
    with FaultServer(fallback=_post_script(failures)) as server:
        retarget(window, server.base_url)
        for number in range(len(failures) - (attempts - 1)):
            press_create(qtbot, window)
            assert window.statusPanel.kind == "error", status_text(window)
            assert link_text(window) in ("", link)
            _copy_details(window, session, f"failure {number}")
            if window.link_making.pause.active:
                # Kombo asked for a quarter of an hour's wait (the 429): the next press would
                # send nothing until then. Where links go, set anew, ends the wait.
                retarget(window, server.base_url)
        sent = posts(server.requests)
        assert len(sent) >= len(failures)
        assert all(r.header("Authorization") == f"Bearer {key}" for r in sent)

        # No answer: the only failure here that is about time, so the only one with a short
        # timeout (a loaded machine's slow server thread made the others time out too).
        window.setup.client_options["timeout"] = SHORT_TIMEOUT
        retarget(window, server.base_url)
        press_create(qtbot, window)
        assert "took too long" in status_text(window)
        _copy_details(window, session, "no answer")
        # A slow server thread may take the request only after the window gave up on it.
        qtbot.waitUntil(lambda: len(posts(server.requests)) > len(sent))
        assert posts(server.requests)[-1].header("Authorization") == f"Bearer {key}"

        # Cancelled while waiting.
        window.setup.client_options["timeout"] = CLIENT_LIMITS["timeout"]
        retarget(window, server.base_url)
        named(window, QPushButton, "createButton").click()
        assert window.busy
        named(window, QPushButton, "cancelButton").click()
        assert not window.busy and "Cancelled" in status_text(window)
        session.check_status(window, "cancelled")

    with FaultServer(tls=True) as tls_server:
        retarget(window, tls_server.base_url)
        press_create(qtbot, window)
        assert "could not be verified as secure" in status_text(window)
        _copy_details(window, session, "tls")

    retarget(window, f"http://127.0.0.1:{closed_port()}/v1")
    press_create(qtbot, window)
    assert "Could not reach Kombo" in status_text(window)
    _copy_details(window, session, "refused")

    # The key-check in the settings against a server that echoes it back.
    refusal = Reply.kombo_error(401, "PLATFORM.AUTHENTICATION_INVALID", echo, title=key)
    with FaultServer(fallback=refusal) as server:
        retarget(window, server.base_url)
        click(window, "settingsButton")
        dialog = settings_dialog_of(window)
        qtbot.waitUntil(lambda: not dialog.busy)  # where the key is kept is read on a worker
        click(dialog, "checkKeyButton")
        qtbot.waitUntil(lambda: "did not accept" in dialog.settingsStatusLabel.text(), timeout=8000)
        session.check_widgets("stored key refused")
        assert server.requests[-1].header("Authorization") == f"Bearer {key}"
        # 4. Forget the key: the next request to Kombo says a key is missing.
        answer_next_box("Forget key")
        click(dialog, "forgetKeyButton")
        qtbot.waitUntil(lambda: not dialog.busy)
        assert ("kombo-desktop", "default") not in memory_keyring.secrets
        dialog.reject()
        qtbot.waitUntil(lambda: window.settings_dialog is None)
    retarget(window, "https://nonexistent.invalid/v1")
    press_create(qtbot, window)
    assert "No API key" in status_text(window)
    session.check_status(window, "missing key")

    # 5. The history: what was recorded, the panel, its copy button and the CSV export.
    entries = window.history.store.search("", limit=None)
    assert len(entries) == 2, [entry.url for entry in entries]
    for entry in entries:
        assert not any(contains_key(str(value)) for value in asdict(entry).values()), entry
    click(window, "privacySwitch")  # screen-sharing mode off, so the history may open
    click(window, "historyToggleButton")
    qtbot.waitUntil(lambda: window.history.panel.model.rowCount() == 2, timeout=5000)
    window.history.panel.select_row(0)
    click(window, "historyCopyButton")
    session.check_clipboard("history copy", with_html=True)
    save_as(monkeypatch, exports / "history.csv", "CSV file for spreadsheets (*.csv)")
    click(window, "historyExportButton")
    qtbot.waitUntil(lambda: (exports / "history.csv").exists(), timeout=5000)
    qtbot.waitUntil(lambda: "saved as" in status_text(window), timeout=5000)
    assert link in (exports / "history.csv").read_text(encoding="utf-8-sig")

    session.check_everything("end of the session, window open")
    window.close()
    session.check_everything("after closing")

    # The checks had something to look at: logs were written, files and copies were made.
    logs = list(isolated_home.rglob("*.log*"))
    assert logs and any(path.stat().st_size > 0 for path in logs)
    assert list(isolated_home.rglob("history.sqlite3"))
    assert session.clipboard_checks >= 20
    assert session.leaks == []


def _wrapped(text: str, columns: int) -> str:
    return "\n".join(text[start : start + columns] for start in range(0, len(text), columns))


def _body_echoes(key: str) -> dict[str, Reply]:
    """The key echoed back in an answer's body where the masking did not find it as it was
    sent."""
    half = len(key) // 2
    return {
        # A page wrapping the echoed header at 32 columns: the masking hid the first line's
        # value, the rest of the key was shown on the next.
        "header wrapped in a 401 page": Reply.text(
            401, "Request headers received:\n" + _wrapped(f"Authorization: Bearer {key}", 32)
        ),
        # Kombo's error shape with a line break inside the key: each half shown with a space.
        "kombo message, key broken": Reply.kombo_error(
            400, "PLATFORM.INPUT_INVALID", f"The key {key[:half]}\n{key[half:]} may not make links."
        ),
    }


BODY_ECHOES = _body_echoes(KEY)
# And in a header. Not in the whole session above: httpcore's debug trace of the raw headers,
# which the session captures, never reaches the log file (written from INFO up).
ECHO_SHAPES = {
    # As the way the answer is packed: quoted lower-cased and cut to 40 characters.
    "content-encoding": Reply(
        200, (("Content-Type", "application/json"), ("Content-Encoding", KEY)), b"{}"
    ),
    **BODY_ECHOES,
}
# A piece this long is the key's, not a word of the program's own.
PIECE = 12


def shows_a_piece_of_the_key(text: str) -> bool:
    """Whether ``text`` holds the key or any piece of it ``PIECE`` characters long, in any case."""
    folded = text.casefold()
    return any(
        KEY[start : start + PIECE].casefold() in folded for start in range(len(KEY) - PIECE + 1)
    )


@pytest.mark.parametrize("shape", list(ECHO_SHAPES))
def test_a_key_echoed_where_it_was_not_looked_for_is_shown_nowhere(
    qtbot: QtBot, kombo_window: WindowFactory, isolated_home: Path, shape: str
) -> None:
    """The log file, the details for support and what "Copy details" puts on the clipboard
    hold neither the key nor a piece of it, in any case, whatever shape the echo takes."""
    from tests.e2e.conftest import PostScript

    with FaultServer(fallback=PostScript(ECHO_SHAPES[shape])) as server:
        window = kombo_window(server.base_url, key=KEY)
        fill_whole_form(window)
        press_create(qtbot, window)
        assert window.statusPanel.kind == "error", status_text(window)
        assert [r.header("Authorization") for r in server.requests if r.method == "POST"] == [
            f"Bearer {KEY}"
        ]
    panel = window.statusPanel
    assert panel.copyDetailsButton.isVisible()
    panel.copyDetailsButton.click()
    copied = QGuiApplication.clipboard().text()
    assert copied == panel.support_text and "Request: POST /connect/create-link" in copied
    qtbot.waitUntil(lambda: "Request failed" in log_file_text(isolated_home), timeout=15_000)
    seen = {
        "status": panel.text,
        "details pane": panel.statusDetails.toPlainText(),
        "clipboard after Copy details": copied,
        "log file": log_file_text(isolated_home),
    }
    assert [where for where, text in seen.items() if shows_a_piece_of_the_key(text)] == []


# Text typed into Settings that is not shaped like a key (no digits): until Kombo accepts it,
# only the request made with it knows to mask it.
WORD_KEY = "Pineapple-Harbour-Meadow-Lantern"
_PORTAL = "https://portal.example/login?x="
# Echoed where the program shortens the server's text: a page's title at 100 characters, a
# redirect's address at 200, the cut falling on the key's last character.
ECHOED_ACROSS_A_CUT = {
    "html title": Reply.html(200, "A" * (100 - len(WORD_KEY)) + WORD_KEY + " sign in"),
    "redirect": Reply(
        302,
        (("Location", _PORTAL + "y" * (200 - len(_PORTAL) - len(WORD_KEY)) + WORD_KEY + "&m=1"),),
    ),
}


@pytest.mark.parametrize("shape", list(ECHOED_ACROSS_A_CUT))
def test_a_key_checked_in_settings_and_echoed_across_a_cut_is_written_nowhere(
    qtbot: QtBot, kombo_window: WindowFactory, isolated_home: Path, shape: str
) -> None:
    """Settings' check of a key not shaped like one, answered by a page whose title repeats
    it or a redirect whose address does: the text was cut before the key was masked, and the
    log file held all of the key but its last character."""
    with FaultServer(fallback=ECHOED_ACROSS_A_CUT[shape]) as server:
        window = kombo_window(server.base_url, key=None)
        click(window, "settingsButton")
        dialog = settings_dialog_of(window)
        qtbot.waitUntil(lambda: not dialog.busy)
        qtbot.keyClicks(named(dialog, QLineEdit, "apiKeyEdit"), WORD_KEY)
        click(dialog, "saveKeyButton")
        qtbot.waitUntil(lambda: "not saved" in dialog.settingsStatusLabel.text(), timeout=8000)
        checks = [r for r in server.requests if r.path.endswith("/check-api-key")]
        assert checks and all(r.header("Authorization") == f"Bearer {WORD_KEY}" for r in checks)

        def check_logged() -> bool:
            return any(
                "Request failed" in line and "GET /check-api-key" in line
                for line in log_file_text(isolated_home).splitlines()
            )

        qtbot.waitUntil(check_logged, timeout=5000)
        pieces = {WORD_KEY[start : start + 12] for start in range(len(WORD_KEY) - 11)}

        def shows_a_piece(text: object) -> bool:
            return isinstance(text, str) and any(piece in text for piece in pieces)

        logged = log_file_text(isolated_home)
        assert "[hidden]" in logged and not shows_a_piece(logged)
        # Still in the key field, unsaved, to be corrected: and nowhere else.
        assert [where for where, text in widget_texts(of=window) if shows_a_piece(text)] == [
            "QLineEdit#apiKeyEdit.text"
        ]
        named(dialog, QLineEdit, "apiKeyEdit").clear()  # closed without "not saved yet?"
        dialog.reject()
    written = list(written_files(isolated_home).values())
    assert written and not any(piece.encode() in data for data in written for piece in pieces)


# One character short of the shortest key the program takes (``credentials.MIN_KEY_LENGTH``).
SHORT_KEY = "Qz7xYw3"


@pytest.mark.parametrize("given_in", ["settings", "password store", "KOMBO_API_KEY"])
def test_a_key_too_short_to_be_hidden_is_never_used_so_no_link_carries_it(
    qtbot: QtBot,
    kombo_window: WindowFactory,
    isolated_home: Path,
    url_catcher: list[str],
    given_in: str,
) -> None:
    """A key of 7 characters that Kombo accepted: the log masks nothing that short (it would
    hide ordinary words), and the link check did not look for one, so the link Kombo sent
    with it in was shown, copied and kept in the history. Now such a key is refused where it
    is given (Settings keeps it in the field, to be corrected) and never sent."""
    import keyring

    from kombo_desktop.core.credentials import SERVICE_NAME

    def kombo(request: RecordedRequest) -> Reply:
        if request.header("Authorization") != f"Bearer {SHORT_KEY}":
            return Reply.kombo_error(401, "PLATFORM.AUTHENTICATION_INVALID", "Invalid API key.")
        if request.path.endswith("/check-api-key"):
            return Reply.environment("env-1")
        if request.method == "POST":
            return Reply.link(f"https://connect.kombo.dev/v1?token=abc&k={SHORT_KEY}")
        return Reply.kombo_error(404, "PLATFORM.UNKNOWN_ERROR", "Not part of this test.")

    with FaultServer(fallback=kombo) as server:
        if given_in == "password store":  # with "keyring set", or by an older version
            keyring.set_password(SERVICE_NAME, "default", SHORT_KEY)
        window = kombo_window(
            server.base_url, key=SHORT_KEY if given_in == "KOMBO_API_KEY" else None
        )
        if given_in == "settings":
            click(window, "settingsButton")
            dialog = settings_dialog_of(window)
            qtbot.waitUntil(lambda: not dialog.busy)
            key_edit = named(dialog, QLineEdit, "apiKeyEdit")
            qtbot.keyClicks(key_edit, SHORT_KEY)
            click(dialog, "saveKeyButton")
            qtbot.waitUntil(
                lambda: dialog.settingsStatusLabel.text().startswith(
                    "This is too short to be a Kombo API key."
                )
            )
            assert key_edit.text() == SHORT_KEY  # nothing typed is lost
            key_edit.clear()  # closed without "not saved yet?"
            dialog.reject()
            qtbot.waitUntil(lambda: window.settings_dialog is None)
        fill_whole_form(window)
        said = press_create(qtbot, window)
        assert window.statusPanel.kind == "error", said
        if given_in != "settings":  # else no key at all: "no key is saved for this profile"
            assert "too short to be a Kombo" in said
        assert link_text(window) == ""
        window.statusPanel.copyDetailsButton.click()
        assert not any(SHORT_KEY in (r.header("Authorization") or "") for r in server.requests)
        shown = [where for where, text in widget_texts(of=window) if SHORT_KEY in str(text)]
        assert shown == []
        assert SHORT_KEY not in QGuiApplication.clipboard().text()
        assert url_catcher == []
        qtbot.waitUntil(lambda: window.history.is_open, timeout=10_000)
        assert window.history.store is not None
        assert window.history.store.search("", limit=None) == []
        window.close()
    written = list(written_files(isolated_home).values())
    assert written and not any(SHORT_KEY.encode() in data for data in written)


def _post_script(replies: list[Reply], then: Reply | None = None) -> Any:
    from tests.e2e.conftest import PostScript

    return PostScript(*replies, then=then or Reply.never_answer())


def _copy_details(window: MainWindow, session: Session, moment: str) -> None:
    session.check_status(window, moment)
    button = window.statusPanel.copyDetailsButton
    if button.isVisible():
        button.click()
        session.check_clipboard(f"copy details, {moment}")
    session.check_widgets(moment)


@pytest.mark.parametrize(
    ("key", "pasted"),
    [
        ("sk_live_TOOLBOX_7b81d604aa175f3a9c2e", False),  # typed as it is
        # Pasted as a web address writes it, every character percent-encoded ("%73%6B%5F...").
        ("sk_live_PASTED_aa175f3a9c2e7b81d604", True),
    ],
    ids=["typed", "pasted-percent-encoded"],
)
def test_a_key_put_into_the_tool_box_is_refused_and_shown_nowhere_else(
    qtbot: QtBot,
    kombo_window: WindowFactory,
    isolated_home: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    key: str,
    pasted: bool,
) -> None:
    """The tool box had no key guard: its error line said "“sk_live_...” is not a tool Kombo
    offers", the key in full on a shared screen and read out by a screen reader. Now it is
    refused as in every other field, and what was typed stays in the box alone."""
    from kombo_desktop.core.field_text import KEY_IN_FIELD_PROBLEM
    from kombo_desktop.core.link_request import TOOL
    from kombo_desktop.core.logs import holds_registered_secret

    caplog.set_level(logging.DEBUG)
    typed = "".join(f"%{byte:02X}" for byte in key.encode()) if pasted else key
    # The error line quoted up to 40 characters of what was typed.
    pieces = {key, key[8:], key[-16:], typed[:24], typed[-24:]}

    def shows_it(text: object) -> bool:
        return isinstance(text, str) and any(piece in text for piece in pieces)

    with DemoKomboServer(api_key=key) as demo:
        window = kombo_window(demo.base_url, key=key)
        # The key the program runs with is known once it has read it (KOMBO_API_KEY here).
        qtbot.waitUntil(lambda: holds_registered_secret(key), timeout=8000)
        named(window, QLineEdit, "emailEdit").setText("anna.schmidt@example.com")
        named(window, QLineEdit, "organizationEdit").setText("Acme GmbH")
        tool_box = named(window, QComboBox, "toolCombo").lineEdit()
        tool_box.setFocus()
        tool_box.selectAll()
        if pasted:
            QGuiApplication.clipboard().setText(typed)
            tool_box.paste()
            QGuiApplication.clipboard().clear()
        else:
            qtbot.keyClicks(tool_box, typed)
        assert tool_box.text() == typed
        click(window, "createButton")

        assert not window.busy
        assert status_text(window) == (
            "Nothing was sent: 1 field needs your attention (what to fix is written under it)."
        )
        assert window.linkForm.field_errors() == {TOOL: KEY_IN_FIELD_PROBLEM}
        assert demo.requests_to("POST", "/v1/connect/create-link") == []
        # What was typed is in the tool box (its text, as the combo box and its line edit
        # report it) and nowhere else: not under the field, not for the screen reader, not in
        # the status line, its details, the log or the history.
        assert sorted(where for where, text in widget_texts(of=window) if shows_it(text)) == [
            "QComboBox#toolCombo.currentText",
            "ToolSearchEdit#.displayText",
            "ToolSearchEdit#.text",
        ]
        panel = window.statusPanel
        assert not any(
            shows_it(text)
            for text in (panel.text, panel.support_text, panel.statusDetails.toPlainText())
        )
        # Opened on a worker thread after the first frame (nothing waited for it here).
        qtbot.waitUntil(lambda: window.history.is_open, timeout=10_000)
        assert window.history.store.search("", limit=None) == []
        window.close()
    logged = [record.getMessage() + str(record.args) for record in caplog.records]
    assert logged and not any(shows_it(text) for text in logged)
    written = list(written_files(tmp_path).values())
    assert written and not any(
        piece.encode(encoding) in data
        for data in written
        for piece in pieces
        for encoding in ("utf-8", "utf-16-le")
    )


@pytest.mark.parametrize("tab", ["create", "relink"])
@pytest.mark.parametrize("read_from", ["password-store", "KOMBO_API_KEY"])
def test_a_key_pasted_before_the_program_read_it_is_not_sent_when_the_button_is_pressed(
    qtbot: QtBot,
    kombo_window: WindowFactory,
    monkeypatch: pytest.MonkeyPatch,
    read_from: str,
    tab: str,
) -> None:
    """The key is read a moment after the start, off the way to the first frame, or at the
    first click; pasted into the form before then, it passed the form's check, went to Kombo
    as the organisation's name (or in a reconnection's address), and its link into the
    history and the QR code's file name. Now the request is looked at again once the key is
    read, right before it would go, and nothing is sent."""
    from urllib.parse import unquote

    import keyring

    from kombo_desktop.core.credentials import SERVICE_NAME
    from kombo_desktop.core.field_text import KEY_IN_FIELD_PROBLEM
    from kombo_desktop.core.logs import holds_registered_secret

    key = f"sk_live_READ_LATE_{read_from.replace('-', '_')}_{tab}_8e3f0a6d2c71"
    answer = Reply.link("https://connect.kombo.dev/v1?token=made-for-the-pasted-key")
    with FaultServer(fallback=_post_script([], then=answer)) as server:
        if read_from == "KOMBO_API_KEY":
            window = kombo_window(server.base_url, key=key)
        else:
            monkeypatch.delenv("KOMBO_API_KEY", raising=False)
            keyring.set_password(SERVICE_NAME, "default", key)
            window = kombo_window(server.base_url, key=None)
        if tab == "create":
            field, edit, button = "end_user_organization_name", "organizationEdit", "createButton"
            named(window, QLineEdit, "emailEdit").setText("anna.schmidt@example.com")
            typed = key
            named(window, QLineEdit, edit).setFocus()
            QGuiApplication.clipboard().setText(typed)
            named(window, QLineEdit, edit).paste()
            QGuiApplication.clipboard().clear()
        else:
            field, edit, button = "integration_id", "relinkIntegrationEdit", "relinkButton"
            typed = f"personio:{key}"
            window.show_relink_mode(typed)
        assert not holds_registered_secret(key)  # the program has not read it yet
        click(window, button)
        qtbot.waitUntil(lambda: not window.busy, timeout=8000)
        qtbot.waitUntil(lambda: window.start_up.done, timeout=8000)
        # Until the key check and the reconnection tab's lookup (after a pause in typing) are
        # over, their requests at the server: a fixed 0.8 s could end before a loaded machine
        # had sent them, and the requests checked below would not yet hold a leak.
        lookup = window.integration_lookup
        qtbot.waitUntil(
            lambda: not window.runner.active and not (lookup is not None and lookup.busy),
            timeout=8000,
        )
        QCoreApplication.processEvents()  # a turn for anything their outcomes set off

        def holds_it(text: str) -> bool:
            return key in text or key in unquote(text)

        received = server.requests
        assert not any(
            holds_it(request.path) or holds_it(request.body.decode("utf-8", "replace"))
            for request in received
        ), [request.path for request in received]
        assert [request.path for request in received if request.method == "POST"] == []
        assert status_text(window) == (
            "Nothing was sent: 1 field needs your attention (what to fix is written under it)."
        )
        form = window.linkForm if tab == "create" else window.relinkForm
        assert form.field_errors() == {field: KEY_IN_FIELD_PROBLEM}
        assert named(window, QLineEdit, edit).text() == typed  # nothing typed is lost
        assert link_text(window) == ""
        assert window.resultPanel.shown is None  # no link, so no QR code to name
        assert window.history.store is not None
        assert window.history.store.search("", limit=None) == []
        window.close()


def test_errors_carry_no_key_even_when_the_server_echoes_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The same promise one level down: the typed errors the window shows, as raised, and the
    details each failure leaves in the log for support."""
    from kombo_desktop.core.client import KomboClient
    from kombo_desktop.core.link_request import LinkRequest
    from kombo_desktop.core.logs import stop_logging

    # Without the log file's masking, which would hide a leak from the records captured here.
    stop_logging()
    caplog.set_level(logging.INFO)

    echo = f"The API key {KEY} is not valid here."
    replies = [
        Reply.kombo_error(401, "PLATFORM.AUTHENTICATION_INVALID", echo, title=KEY, log_url=KEY),
        Reply.kombo_error(400, "PLATFORM.INPUT_INVALID", echo),
        Reply.html(502, KEY),
        Reply.link(f"file:///{KEY}"),
    ]
    with (
        FaultServer(*replies) as server,
        KomboClient(server.base_url, KEY, max_attempts=1) as client,
    ):
        for _ in replies:
            with pytest.raises(KomboError) as caught:
                client.create_link(LinkRequest("anna@example.com", "Acme GmbH"))
            error = caught.value
            texts = [error.user_message, str(error), repr(error), error.detail.as_support_text()]
            texts += [str(value) for value in vars(error.detail).values()]
            assert not any(contains_key(text) for text in texts), texts
        assert all(r.header("Authorization") == f"Bearer {KEY}" for r in server.requests)
    logged = [record.getMessage() for record in caplog.records]
    assert sum("Request failed" in message for message in logged) == len(replies)
    assert not any(contains_key(message) for message in logged)


def test_the_search_finds_the_key_wherever_it_is_put(
    tmp_path: Path, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    """The searches above would see a leak: in a file as UTF-8 or UTF-16 (even cut short), on
    the clipboard, and in a widget's tooltip or list item."""
    (tmp_path / "a.log").write_bytes(b"x" + KEY.encode() + b"y")
    (tmp_path / "deep" / "b.sqlite3-wal").parent.mkdir()
    (tmp_path / "deep" / "b.sqlite3-wal").write_bytes(("key=" + KEY).encode("utf-16-le"))
    (tmp_path / "c.json").write_text(KEY[-20:])
    (tmp_path / "clean.txt").write_text("nothing here")
    assert files_with_key(tmp_path) == [
        str(tmp_path / "a.log"),
        str(tmp_path / "c.json"),
        str(tmp_path / "deep" / "b.sqlite3-wal"),
    ]
    session = Session(tmp_path, tmp_path, caplog)
    QGuiApplication.clipboard().setText(f"Bearer {KEY}")
    session.check_clipboard("probe")
    assert session.leaks == ["probe: clipboard text", "probe: clipboard text/plain"]
    session.leaks.clear()
    # In the HTML flavour alone, every letter a character reference: no bytes give it away.
    hidden = "".join(f"&#{ord(letter)};" for letter in KEY)
    # Put there as the program copies (a QMimeData that Qt made, see ``rich_copy``), then its
    # HTML rewritten: the clipboard of the tests' platform hands back that same object.
    rich_copy.copy_invitation("nothing here", "https://x.example/", is_demo=False)
    QGuiApplication.clipboard().mimeData().setHtml(f"<p>Bearer {hidden}</p>")
    assert hidden in QGuiApplication.clipboard().mimeData().html()
    session.check_clipboard("probe", with_html=True)
    assert session.leaks == ["probe: clipboard html"]
    session.leaks.clear()
    combo = QComboBox()
    qtbot.addWidget(combo)
    combo.addItem("harmless", KEY)
    assert any(contains_key(text) for _, text in widget_texts())
    # Straight to the capturing handler: the log file's masking filter, attached to the root
    # logger by earlier tests, would otherwise mask the record before it is captured.
    record = logging.LogRecord("probe", logging.WARNING, __file__, 1, "sending %s", (KEY,), None)
    caplog.handler.emit(record)
    session.leaks.clear()
    session.check_everything("probe")
    assert any("log record probe" in leak for leak in session.leaks)
    assert any("widget QComboBox#[0].data" in leak for leak in session.leaks)
    assert any(leak.endswith("a.log") for leak in session.leaks)
