"""Closing the window while the history is being exported to a CSV file.

It closed at once: the export's worker was cut off with the program, the file asked for was
never written and nobody was told, or, cut off while writing, it left a half-written hidden file
beside the one chosen. Now the window stays open and usable, closes once the file is saved, or
at once when closed again, leaving nothing behind. Real window, demo service, real history file;
the export's read is held up midway (``HeldRead``) for as long as a test needs it to run.
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from kombo_desktop.core.history import CSV_HEADER, export
from kombo_desktop.core.vocabulary import Category, Language, LinkType
from kombo_desktop.ui.export_closing import (
    CLOSING_AFTER_EXPORT_TEXT,
    STAYED_OPEN_TEXT,
    WENT_ON_WORKING_TEXT,
)
from kombo_desktop.ui.history_panel import EXPORTING_TEXT
from kombo_desktop.ui.main_window import MainWindow
from tests.support.found import line_edit_of, named
from tests.support.history_helpers import history_of, open_history
from tests.support.history_records import record_link
from tests.support.locked_files import HeldRead, read_only_drive
from tests.support.message_boxes import answer_next_box
from tests.support.window_system import close_as_the_person_does
from tests.ui.conftest import fill_form, wait_until_ready, wait_until_settled

EXPORT_THREAD = "kombo-task-history-export"
LINKS = [f"https://connect.kombo.dev/v1?token=export-{number}" for number in range(5)]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Where the export is saved: the test's own folder, to see every file left in it."""
    chosen = tmp_path / "exports"
    chosen.mkdir()
    return chosen


@pytest.fixture
def held_export(
    qtbot: QtBot, demo_window: MainWindow, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[HeldRead]:
    """An export of five links to ``folder / "links.csv"``, its read held up midway; let go
    after ten seconds at the latest, for a test that waits for it to fail, not hang."""
    store = history_of(demo_window).store
    for number, url in enumerate(LINKS):
        record_link(
            store,
            profile="default",
            email=f"person{number}@customer.example",
            organization=f"Customer {number} GmbH",
            category=Category.HRIS,
            tool="personio",
            language=Language.DE,
            link_type=LinkType.MAGIC_LINK,
            url=url,
        )
    feature = open_history(qtbot, demo_window)
    target = folder / "links.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(target), ""))
    read = HeldRead(monkeypatch, store, EXPORT_THREAD)
    let_go = threading.Timer(10, read.release)
    let_go.start()
    feature.panel.historyExportButton.click()
    qtbot.waitUntil(read.reading.is_set)
    assert demo_window.statusLabel.text() == EXPORTING_TEXT
    yield read
    let_go.cancel()
    read.release()


def exported_links(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [row[CSV_HEADER.index("Link")] for row in list(csv.reader(handle))[1:]]


def export_workers() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith(EXPORT_THREAD)]


def test_closing_during_an_export_waits_for_it_in_an_open_window_then_closes(
    qtbot: QtBot, demo_window: MainWindow, held_export: HeldRead, folder: Path
) -> None:
    # The window closed at once, and the file was never written.
    demo_window.emailEdit.setText("next@customer.example")  # typed before closing
    assert close_as_the_person_does(demo_window) is False
    assert not held_export.released  # answered while the export still reads: no waiting
    assert demo_window.isVisible()
    assert demo_window.statusLabel.text() == CLOSING_AFTER_EXPORT_TEXT
    assert demo_window.emailEdit.isEnabled()  # not frozen meanwhile

    asked = answer_next_box("Close")
    held_export.release()
    qtbot.waitUntil(lambda: not demo_window.isVisible(), timeout=10_000)
    assert demo_window.closed
    # Closing once the file is saved asks what closing asks: here, about the typing.
    assert len(asked.texts) == 1 and "would be lost" in asked.texts[0]
    assert sorted(exported_links(folder / "links.csv")) == sorted(LINKS)
    assert [path.name for path in folder.iterdir()] == ["links.csv"]


def test_closing_again_closes_at_once_without_the_export_and_leaves_nothing(
    demo_window: MainWindow, held_export: HeldRead, folder: Path
) -> None:
    assert close_as_the_person_does(demo_window) is False
    # Closed again: the export is stopped, and its worker ends once the read goes on.
    go_on = threading.Timer(0.3, held_export.release)
    go_on.start()
    assert close_as_the_person_does(demo_window) is True
    assert not demo_window.isVisible()
    assert export_workers() == []
    assert list(folder.iterdir()) == []


def test_keeping_the_program_open_when_closed_again_lets_the_export_finish(
    qtbot: QtBot, demo_window: MainWindow, held_export: HeldRead, folder: Path
) -> None:
    fill_form(demo_window)  # the next customer's details, no link made with them yet
    assert close_as_the_person_does(demo_window) is False
    asked = answer_next_box("Cancel")
    assert close_as_the_person_does(demo_window) is False  # asked about the typing: Cancel
    assert asked.texts and "would be lost" in asked.texts[0]
    assert demo_window.statusLabel.text() == EXPORTING_TEXT  # no longer closing

    held_export.release()
    qtbot.waitUntil(lambda: demo_window.statusPanel.kind == "success", timeout=10_000)
    wait_until_settled(qtbot, demo_window)  # a close once saved would have come by now
    assert demo_window.isVisible()
    assert sorted(exported_links(folder / "links.csv")) == sorted(LINKS)


def export_saved(window: MainWindow) -> bool:
    """The export's notice is on the status line: its file was saved."""
    return "saved as" in window.statusLabel.text()


def test_settings_open_when_the_export_is_saved_keep_the_window_open(
    qtbot: QtBot, demo_window: MainWindow, held_export: HeldRead, folder: Path
) -> None:
    # Settings opened after closing, a key typed: once the export was saved the main window
    # closed under the dialog, which then asked about the key with the window gone, could
    # not check a key any more, and the program never ended.
    assert close_as_the_person_does(demo_window) is False
    demo_window.account.open_settings()
    dialog = demo_window.settings_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    key = named(dialog, QLineEdit, "apiKeyEdit")
    key.setText("sk_live_typed_but_not_saved_123456")

    held_export.release()
    qtbot.waitUntil(lambda: export_saved(demo_window), timeout=10_000)
    wait_until_settled(qtbot, demo_window)  # a close once saved would have come by now
    assert demo_window.isVisible() and not demo_window.closed
    assert demo_window.settings_dialog is dialog and dialog.isVisible()
    assert key.text() == "sk_live_typed_but_not_saved_123456"
    assert demo_window.statusLabel.text().endswith(WENT_ON_WORKING_TEXT)
    assert sorted(exported_links(folder / "links.csv")) == sorted(LINKS)
    key.setText("")
    dialog.reject()


def test_a_link_made_after_closing_is_not_closed_away_once_the_export_is_saved(
    qtbot: QtBot, demo_window: MainWindow, held_export: HeldRead, folder: Path
) -> None:
    # A link made for the next customer after closing: once the export was saved the window
    # closed, and the link with it, without a question.
    assert close_as_the_person_does(demo_window) is False
    fill_form(demo_window, email="next@customer.example", organization="Next GmbH")
    demo_window.createButton.click()
    qtbot.waitUntil(lambda: demo_window.linkField.text() != "", timeout=10_000)
    wait_until_ready(qtbot, demo_window)
    link = demo_window.linkField.text()

    held_export.release()
    qtbot.waitUntil(lambda: export_saved(demo_window), timeout=10_000)
    wait_until_settled(qtbot, demo_window)  # a close once saved would have come by now
    assert demo_window.isVisible() and not demo_window.closed
    assert demo_window.linkField.text() == link
    assert demo_window.statusLabel.text().endswith(WENT_ON_WORKING_TEXT)
    # Nothing waits any more: closing now is closing as always.
    assert close_as_the_person_does(demo_window) is True


def test_typing_after_closing_keeps_the_window_open_once_the_export_is_saved(
    qtbot: QtBot, demo_window: MainWindow, held_export: HeldRead, folder: Path
) -> None:
    assert close_as_the_person_does(demo_window) is False
    qtbot.keyClicks(demo_window.emailEdit, "next@customer.example")  # the next customer

    asked = answer_next_box("Close")
    held_export.release()
    qtbot.waitUntil(lambda: export_saved(demo_window), timeout=10_000)
    wait_until_settled(qtbot, demo_window)  # a close once saved would have come by now
    asked.stop()
    assert asked.texts == []  # not asked about the typing: not closing at all
    assert demo_window.isVisible() and not demo_window.closed
    assert demo_window.emailEdit.text() == "next@customer.example"
    assert demo_window.statusLabel.text().endswith(WENT_ON_WORKING_TEXT)


def test_an_export_that_fails_keeps_the_window_open_saying_why(
    qtbot: QtBot,
    demo_window: MainWindow,
    held_export: HeldRead,
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    read_only_drive(monkeypatch, folder)
    assert close_as_the_person_does(demo_window) is False
    held_export.release()
    qtbot.waitUntil(lambda: demo_window.statusPanel.kind == "error", timeout=10_000)
    wait_until_settled(qtbot, demo_window)  # a close once saved would have come by now
    assert demo_window.isVisible()
    said = demo_window.statusLabel.text()
    assert "The drive is read-only" in said and said.endswith(STAYED_OPEN_TEXT)
    assert close_as_the_person_does(demo_window) is True  # nothing is being written now


def test_the_program_closing_while_the_file_is_written_waits_for_it_whole(
    qtbot: QtBot,
    demo_window: MainWindow,
    held_export: HeldRead,
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Closed by the program (or the session ending) while the worker wrote the file, the
    # program ended within 1.5 s and a half-written hidden file stayed beside the one chosen.
    writing, written = threading.Event(), threading.Event()
    real_write = export.atomic_write

    def slow_write(path: Path, content: bytes, **options: Any) -> None:
        writing.set()
        written.wait(timeout=10)  # a slow network drive
        real_write(path, content, **options)

    monkeypatch.setattr(export, "atomic_write", slow_write)
    held_export.release()
    qtbot.waitUntil(writing.is_set)
    done_writing = threading.Timer(2.5, written.set)
    done_writing.start()
    try:
        demo_window.close()  # not the person: nobody is asked, nothing waits for a click
    finally:
        done_writing.cancel()
        written.set()
    assert not demo_window.isVisible()
    assert export_workers() == []
    assert sorted(exported_links(folder / "links.csv")) == sorted(LINKS)
    assert [path.name for path in folder.iterdir()] == ["links.csv"]


def test_settings_opened_and_closed_again_meanwhile_keep_the_window_open(
    qtbot: QtBot, demo_window: MainWindow, held_export: HeldRead, folder: Path
) -> None:
    # Settings opened after closing, and closed again before the export was saved: the window
    # then closed as if nothing had happened since, under a person who had just changed a
    # key or a profile there (or looked what was set) and meant to go on.
    assert close_as_the_person_does(demo_window) is False
    demo_window.account.open_settings()
    dialog = demo_window.settings_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.reject()
    qtbot.waitUntil(lambda: demo_window.settings_dialog is None)

    held_export.release()
    qtbot.waitUntil(lambda: export_saved(demo_window), timeout=10_000)
    wait_until_settled(qtbot, demo_window)  # a close once saved would have come by now
    assert demo_window.isVisible() and not demo_window.closed
    assert demo_window.statusLabel.text().endswith(WENT_ON_WORKING_TEXT)
    assert sorted(exported_links(folder / "links.csv")) == sorted(LINKS)


def test_the_program_changing_a_field_meanwhile_is_not_going_on_working(
    qtbot: QtBot, demo_window: MainWindow, held_export: HeldRead, folder: Path
) -> None:
    # A field the program changed by itself after closing counted as the person's work, and
    # the window stayed open. Here "personi", typed in the tool search before closing, is
    # settled on the tool it stands for ("Personio") as the person switches to another
    # window (say, to find the export's folder): that is the program tidying up, not work.
    demo_window.activateWindow()
    search = line_edit_of(demo_window.toolCombo)
    search.setFocus()
    search.selectAll()
    qtbot.keyClicks(search, "personi")
    suggestions = QApplication.activePopupWidget()
    if suggestions is not None:
        qtbot.keyClick(suggestions, Qt.Key.Key_Escape)
    assert close_as_the_person_does(demo_window) is False
    elsewhere = QWidget()
    qtbot.addWidget(elsewhere)
    elsewhere.show()
    elsewhere.activateWindow()
    qtbot.waitUntil(lambda: demo_window.toolCombo.currentText() == "Personio")

    asked = answer_next_box("Close")
    held_export.release()
    qtbot.waitUntil(lambda: not demo_window.isVisible(), timeout=10_000)
    asked.stop()
    assert demo_window.closed
    assert asked.texts == []  # a tool alone is no typing that closing loses
    assert sorted(exported_links(folder / "links.csv")) == sorted(LINKS)


def fill_from_the_history(window: MainWindow) -> None:
    panel = history_of(window).panel
    panel.select_row(0)
    panel.historyFillButton.click()


def tick_field_mapping(window: MainWindow) -> None:
    window.linkForm.advanced.set_expanded(True)
    window.linkForm.fieldMappingCheck.click()


@pytest.mark.parametrize("work", [fill_from_the_history, tick_field_mapping])
def test_the_person_changing_the_form_by_a_click_keeps_the_window_open(
    qtbot: QtBot,
    demo_window: MainWindow,
    held_export: HeldRead,
    work: Callable[[MainWindow], None],
) -> None:
    # Only the person's edits count as going on working, and a click that changes the form
    # is one, though the program puts the values in.
    assert close_as_the_person_does(demo_window) is False
    work(demo_window)

    asked = answer_next_box("Close")
    held_export.release()
    qtbot.waitUntil(lambda: export_saved(demo_window), timeout=10_000)
    wait_until_settled(qtbot, demo_window)  # a close once saved would have come by now
    asked.stop()
    assert asked.texts == []
    assert demo_window.isVisible() and not demo_window.closed
    assert demo_window.statusLabel.text().endswith(WENT_ON_WORKING_TEXT)
