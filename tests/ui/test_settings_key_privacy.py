"""Text in Settings' key field that is not shaped like a Kombo key, before it is saved or
accepted: shown, logged and written nowhere.

Text shaped like a key is handed to the log filter as soon as a check starts with it
(``logs.register_secret``); other text only once Kombo accepts it or it is saved, so that an
e-mail address typed there by mistake is not refused in the forms for the rest of the session.
Until then only the request made with it knows to mask it (``KomboClient``'s own key). So the
text is typed here in the shapes that are not taken for a key (a key of an unexpected shape, one
with a stray prefix or space, another vendor's secret), each way the check can end is made to
happen against a server on 127.0.0.1 that echoes the text back, and the text is then looked for
in the log (every record, and the log file), the errors' details, every widget's texts, tool
tips and accessible names, the clipboard, the window's status and its "Copy details", and every
file under ``KOMBO_DESKTOP_HOME``. The only place it may be is the key field itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from kombo_desktop.core.paths import AppPaths
from kombo_desktop.core.safe_text import looks_like_api_key
from kombo_desktop.ui.main_window import MainWindow
from kombo_desktop.ui.settings_dialog import CLOSE_WITHOUT_SAVING_TEXT, SettingsDialog
from kombo_desktop.ui.settings_key import KEY_FIELD_HINT, KeySection
from tests.support.fault_server import FaultServer, Reply, closed_port, tools_or
from tests.support.found import named
from tests.support.keyrings import InMemoryKeyring
from tests.support.message_boxes import SeenBox, answer_next_box
from tests.support.widget_texts import widget_texts
from tests.support.written_files import written_files
from tests.ui.conftest import WindowFactory, settings_of, wait_until_settled

WAIT_MS = 15_000
# A piece this long is the text's, not a word of the program's own.
PIECE = 12
# How a file may hold it.
_BYTES = ("utf-8", "utf-16-le")

# Sent to Kombo as they are, and not taken for a key before Kombo accepts them.
SENT_AS_TYPED = {
    "key of an unexpected shape": "Tangerine-Lighthouse-Orchard-Velvet",
    "stray prefix": "Token:Marmalade-Quokka-Harbour-Fig",
    "another vendor's secret": "qLmrTuVwxKPZE/K9NBVF/cRzSghDWEXAMPLESECRET",
}
# Refused in the dialog, never sent: the refusal must not repeat them.
REFUSED_HERE = {
    "stray space": "Saffron-Walrus Teapot-Glacier-Nimbus",
    "invisible character": "Cobalt-Pelican\u200bMeringue-Tundra",
    "letters no key has": "Käsekuchen-Schwarzwälder-Kirschtorte",
    "too long": "Lantern-Meadow-" * 90,
}


def echoing(text: str) -> dict[str, Reply]:
    """Answers to the check that repeat ``text`` wherever a server's words reach the program."""
    return {
        "Kombo refuses it": Reply.kombo_error(
            401,
            "PLATFORM.AUTHENTICATION_INVALID",
            f"The API key {text} is not valid.",
            title=f"Key {text} refused",
            log_url=f"https://app.kombo.dev/logs?key={text}",
        ),
        "Kombo has a problem": Reply.kombo_error(
            503, "PLATFORM.UNKNOWN_ERROR", f"Could not look up {text} right now."
        ),
        "a page instead of Kombo": Reply.html(502, f"Gateway refused {text}"),
    }


@dataclass
class Search:
    """Where the text was found, by name; filled by :meth:`look`."""

    text: str
    home: Path
    caplog: pytest.LogCaptureFixture
    failures: list[BaseException]
    boxes: list[SeenBox] = field(default_factory=list)
    found: list[str] = field(default_factory=list)

    def holds(self, value: object) -> bool:
        """Whether ``value`` holds the text or a piece of it ``PIECE`` characters long."""
        pieces = {self.text[at : at + PIECE] for at in range(len(self.text) - PIECE + 1)}
        if isinstance(value, bytes):  # a file: as UTF-8 or UTF-16, as written or lower-cased
            forms = {
                form.encode(encoding)
                for piece in pieces
                for form in (piece, piece.casefold())
                for encoding in _BYTES
            }
            return any(form in data for data in (value, value.lower()) for form in forms)
        if isinstance(value, str):
            folded = value.casefold()
            return any(piece.casefold() in folded for piece in pieces)
        return False

    def look(self, window: MainWindow, moment: str) -> None:
        seen: dict[str, object] = {
            f"widget {where}": text
            for where, text in widget_texts(of=window)
            if where != "QLineEdit#apiKeyEdit.text"  # the field itself, holding it unsaved
        }
        assert len(seen) > 200, "the walk found too few widgets to mean anything"
        panel = window.statusPanel
        seen["window status"] = panel.text
        seen["window's Copy details"] = panel.support_text
        seen["clipboard"] = QGuiApplication.clipboard().text()
        for number, box in enumerate(self.boxes):
            seen[f"message box {number}"] = " ".join(box.texts)
        for number, error in enumerate(self.failures):
            detail = error.detail if hasattr(error, "detail") else None
            seen[f"error {number}"] = f"{error} {error!r} {getattr(error, 'user_message', '')}"
            if detail is not None:
                seen[f"error {number} details"] = detail.as_support_text()
                seen[f"error {number} log text"] = detail.as_log_text()
                seen[f"error {number} fields"] = " ".join(map(str, vars(detail).values()))
        for record in self.caplog.records:
            seen[f"log record {record.name}"] = f"{record.getMessage()} {record.exc_text or ''}"
        for path, held in written_files(self.home).items():
            seen[f"file {path.relative_to(self.home)}"] = held
        self.found += [f"{moment}: {where}" for where, value in seen.items() if self.holds(value)]


@pytest.fixture
def failures(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Every error a check of the key ended with, as the dialog got it: what it says of it,
    and the details support would see, are searched too."""
    seen: list[BaseException] = []
    dialog_failed = KeySection._on_failed

    def recorded(section: KeySection, error: BaseException, *, typed: bool) -> None:
        seen.append(error)
        dialog_failed(section, error, typed=typed)

    monkeypatch.setattr(KeySection, "_on_failed", recorded)
    return seen


@pytest.fixture
def search(
    isolated_home: Path, caplog: pytest.LogCaptureFixture, failures: list[BaseException]
) -> Search:
    """Where each test looks for its text (set as it types it)."""
    # Every record, before the log file's masking: what would reach a handler added later.
    caplog.set_level(logging.DEBUG)
    return Search("", isolated_home, caplog, failures)


def log_file(home: Path) -> str:
    """The log file the window writes under ``KOMBO_DESKTOP_HOME``."""
    path = AppPaths.from_environment().log_file
    assert path.is_relative_to(home)
    return path.read_text("utf-8") if path.exists() else ""


def type_and_save(qtbot: QtBot, dialog: SettingsDialog, text: str) -> None:
    """Put ``text`` into the key field as a person would, and press "Save and check key":
    typed, or pasted where it holds what no keyboard types (Qt's key events abort on some)."""
    key_field = named(dialog, QLineEdit, "apiKeyEdit")
    if text.isascii():
        qtbot.keyClicks(key_field, text)
    else:
        key_field.insert(text)  # as a paste puts it there
    named(dialog, QAbstractButton, "saveKeyButton").click()


def status(dialog: SettingsDialog) -> str:
    return named(dialog, QLabel, "settingsStatusLabel").text()


def close_unsaved(qtbot: QtBot, dialog: SettingsDialog, search: Search) -> None:
    """Close Settings as a person would, letting the text go unsaved when asked."""
    search.boxes.append(answer_next_box(CLOSE_WITHOUT_SAVING_TEXT))
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)


def check_logged(home: Path) -> bool:
    """Whether the failed check is in the log file: it was written, so it was searched."""
    return any(
        "Request failed" in line and "GET /check-api-key" in line
        for line in log_file(home).splitlines()
    )


def test_the_texts_here_are_not_taken_for_a_key_by_their_shape() -> None:
    # What these checks are about: text the log filter learns only once it is saved or
    # accepted. A text taken for a key as a check starts would be masked from the start.
    assert not any(map(looks_like_api_key, [*SENT_AS_TYPED.values(), *REFUSED_HERE.values()]))


@pytest.mark.parametrize("answer", list(echoing("x")))
@pytest.mark.parametrize("shape", list(SENT_AS_TYPED))
def test_text_kombo_does_not_accept_is_only_in_the_key_field(
    qtbot: QtBot,
    open_window: WindowFactory,
    search: Search,
    memory_keyring: InMemoryKeyring,
    shape: str,
    answer: str,
) -> None:
    text = search.text = SENT_AS_TYPED[shape]
    with FaultServer(fallback=tools_or(echoing(text)[answer])) as kombo:
        window = open_window("--api-base", kombo.base_url)
        dialog = settings_of(qtbot, window)
        type_and_save(qtbot, dialog, text)
        qtbot.waitUntil(lambda: "not saved" in status(dialog), timeout=WAIT_MS)
        checks = [r for r in kombo.requests if r.path.endswith("/check-api-key")]
        assert checks and all(r.header("Authorization") == f"Bearer {text}" for r in checks)
    qtbot.waitUntil(lambda: check_logged(search.home), timeout=WAIT_MS)
    assert len(search.failures) == 1
    search.look(window, "after the check failed")
    assert named(dialog, QLineEdit, "apiKeyEdit").text() == text  # kept, to be corrected
    close_unsaved(qtbot, dialog, search)
    search.look(window, "after Settings closed")
    assert search.found == []
    assert memory_keyring.secrets == {}


@pytest.mark.parametrize("shape", list(SENT_AS_TYPED))
def test_text_saved_from_the_closing_question_and_refused_is_only_in_the_key_field(
    qtbot: QtBot,
    open_window: WindowFactory,
    search: Search,
    memory_keyring: InMemoryKeyring,
    shape: str,
) -> None:
    # Settings closed with the text pasted, "Save and check key" chosen in the question:
    # Kombo refuses it, and Settings stays open saying why, the text kept in the field alone.
    text = search.text = SENT_AS_TYPED[shape]
    with FaultServer(fallback=tools_or(echoing(text)["Kombo refuses it"])) as kombo:
        window = open_window("--api-base", kombo.base_url)
        dialog = settings_of(qtbot, window)
        key_field = named(dialog, QLineEdit, "apiKeyEdit")
        qtbot.keyClicks(key_field, text)
        search.boxes.append(answer_next_box("Save and check key"))
        dialog.reject()
        qtbot.waitUntil(lambda: not dialog.busy and "not saved" in status(dialog), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: check_logged(search.home), timeout=WAIT_MS)
    assert dialog.isVisible() and key_field.text() == text
    search.look(window, "after the check from the question failed")
    close_unsaved(qtbot, dialog, search)
    search.look(window, "after Settings closed")
    assert search.found == []
    assert memory_keyring.secrets == {}


@pytest.mark.parametrize("shape", list(SENT_AS_TYPED))
def test_text_checked_while_kombo_cannot_be_reached_is_only_in_the_key_field(
    qtbot: QtBot,
    open_window: WindowFactory,
    search: Search,
    memory_keyring: InMemoryKeyring,
    shape: str,
) -> None:
    search.text = SENT_AS_TYPED[shape]
    window = open_window("--api-base", f"http://127.0.0.1:{closed_port()}/v1")
    dialog = settings_of(qtbot, window)
    type_and_save(qtbot, dialog, search.text)
    save_anyway = named(dialog, QAbstractButton, "saveAnywayButton")
    qtbot.waitUntil(save_anyway.isVisible, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: check_logged(search.home), timeout=WAIT_MS)
    search.look(window, "offered to save it without a check")
    close_unsaved(qtbot, dialog, search)
    search.look(window, "after Settings closed")
    assert search.found == []
    assert memory_keyring.secrets == {}


@pytest.mark.parametrize("shape", list(SENT_AS_TYPED))
def test_text_whose_check_was_cancelled_is_only_in_the_key_field(
    qtbot: QtBot, open_window: WindowFactory, search: Search, shape: str
) -> None:
    search.text = SENT_AS_TYPED[shape]
    with FaultServer(fallback=tools_or(Reply.never_answer())) as kombo:
        window = open_window("--api-base", kombo.base_url)
        dialog = settings_of(qtbot, window)
        type_and_save(qtbot, dialog, search.text)
        assert kombo.wait_for_requests(1)
        cancel = named(dialog, QAbstractButton, "cancelCheckButton")
        qtbot.waitUntil(cancel.isVisible, timeout=WAIT_MS)
        cancel.click()
        qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
        assert status(dialog) == "Cancelled. The key was not saved."
        search.look(window, "after the check was cancelled")
        close_unsaved(qtbot, dialog, search)
    search.look(window, "after Settings closed")
    assert search.found == []


@pytest.mark.parametrize("shape", list(REFUSED_HERE))
def test_text_refused_here_is_not_repeated_and_not_sent(
    qtbot: QtBot, open_window: WindowFactory, search: Search, shape: str
) -> None:
    search.text = REFUSED_HERE[shape]
    with FaultServer(fallback=tools_or(Reply.environment("env-never-asked"))) as kombo:
        window = open_window("--api-base", kombo.base_url)
        dialog = settings_of(qtbot, window)
        type_and_save(qtbot, dialog, search.text)
        key_field = named(dialog, QLineEdit, "apiKeyEdit")
        # Said on the status line and kept in the field's description (``_refuse_typed_key``).
        qtbot.waitUntil(
            lambda: not dialog.busy and key_field.accessibleDescription() != KEY_FIELD_HINT,
            timeout=WAIT_MS,
        )
        assert not [r for r in kombo.requests if r.path.endswith("/check-api-key")]
    assert key_field.accessibleDescription() == f"{status(dialog)} {KEY_FIELD_HINT}"
    search.look(window, "after it was refused")
    close_unsaved(qtbot, dialog, search)
    search.look(window, "after Settings closed")
    assert search.found == []


def test_the_search_finds_the_text_wherever_it_is_put(
    qtbot: QtBot, open_window: WindowFactory, search: Search
) -> None:
    """The searches above would see a leak: in a label, a tool tip, a log record, the log
    file, an error's details and a file, as UTF-8 or UTF-16 and cut short."""
    text = search.text = SENT_AS_TYPED["key of an unexpected shape"]
    window = open_window("--api-base", f"http://127.0.0.1:{closed_port()}/v1")
    dialog = settings_of(qtbot, window)
    # The log file is opened after the first frame, among the start-up steps: once they are
    # done, the record below is written to it at once (before, it was kept in memory).
    wait_until_settled(qtbot, window)
    named(dialog, QLabel, "keyStatusLabel").setToolTip(f"({text[3:]})")
    window.statusPanel.setAccessibleName(text.upper())
    logging.getLogger("probe").warning("checking %s", text[:-3])
    search.failures.append(ValueError(f"not {text}"))
    (search.home / "notes.txt").write_text(text[-PIECE:], "utf-16-le")
    search.look(window, "probe")
    assert sorted(search.found) == [
        "probe: error 0",
        "probe: file logs/kombo-desktop.log",
        "probe: file notes.txt",
        "probe: log record probe",
        "probe: widget QLabel#keyStatusLabel.toolTip",
        "probe: widget StatusPanel#statusCard.accessibleName",
    ]
