"""Answering the program's real save dialogs from a test, as a person would."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from tests.support.message_boxes import GIVE_UP_SECONDS, POLL_MS


@dataclass
class SeenFileDialog:
    """What the dialog offered before it was answered."""

    offered: Path | None = None  # the folder and file name it opened with
    name_filter: str = ""  # the type of file it had chosen
    answered: bool = False


def answer_next_file_dialog(choice: Path | None, name_filter: str | None = None) -> SeenFileDialog:
    """Save as ``choice`` (choosing ``name_filter`` first, if given) in the next file dialog
    that opens, or cancel it when ``choice`` is None.

    Call it before the action that opens the dialog, which runs its own event loop; the record
    fills in once the dialog has been answered. No dialog within a few seconds: nothing happens,
    so a test fails on its own checks rather than hangs.
    """
    seen = SeenFileDialog()
    give_up_at = time.monotonic() + GIVE_UP_SECONDS

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            if time.monotonic() < give_up_at:
                QTimer.singleShot(POLL_MS, answer)
            return
        seen.offered = Path(dialog.selectedFiles()[0])
        seen.name_filter = dialog.selectedNameFilter()
        seen.answered = True
        if choice is None:
            dialog.reject()
            return
        if name_filter is not None:
            dialog.selectNameFilter(name_filter)
        dialog.selectFile(str(choice))
        dialog.accept()

    QTimer.singleShot(0, answer)
    return seen


def own_documents_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of the test's own with a Documents folder, where the dialogs open the
    first time (and where Qt keeps its dialog settings); returns the Documents folder."""
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return home / "Documents"
