"""Where the save dialogs open: where that kind of file was saved last time, else Documents.

A person who keeps QR codes in a folder per customer, or exports the history to a reports
folder, should not have to find that folder again for every file. The folders (and whether the
last QR code was a PNG or an SVG) are kept in the settings file, best effort: settings that
cannot be written only mean that the next dialog opens in Documents again.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Literal

from kombo_desktop.core.settings import QrFileType, Settings, SettingsStore

SaveKind = Literal["qr", "export"]
FOLDER_CHECK_SECONDS = 0.5

_log = logging.getLogger(__name__)


def _documents_folder() -> str:
    """The person's Documents folder, or their home folder where there is none."""
    from PySide6.QtCore import QStandardPaths

    location = QStandardPaths.StandardLocation.DocumentsLocation
    documents = QStandardPaths.writableLocation(location)
    return documents if documents and Path(documents).is_dir() else str(Path.home())


class SavePlaces:
    """The remembered folders and QR file type; ``store=None`` remembers nothing."""

    def __init__(self, store: SettingsStore | None = None) -> None:
        self._store = store

    def qr_suggestion(self, stem: str) -> tuple[str, QrFileType]:
        """Where to offer to save a QR code called ``stem``, and as which type of file."""
        settings = self._settings()
        file_type = settings.qr_file_type
        return _in_folder(settings.qr_folder, f"{stem}.{file_type.value}"), file_type

    def export_suggestion(self, file_name: str) -> str:
        """Where to offer to save a history export called ``file_name``."""
        return _in_folder(self._settings().export_folder, file_name)

    def remember(self, kind: SaveKind, saved: Path) -> None:
        """Keep the folder ``saved`` is in (and for a QR code its type) for the next dialog.

        Thread-safe: the settings are read and written again with no other save in between
        (``SettingsStore.update``), so a QR code's folder can be remembered on the worker that
        wrote the code, without undoing a change the window saved meanwhile."""
        if self._store is None:
            return
        folder = str(saved.absolute().parent)

        def keep(settings: Settings) -> None:
            if kind == "qr":
                settings.qr_folder = folder
                suffix = saved.suffix.lower().lstrip(".")
                if suffix in (QrFileType.PNG, QrFileType.SVG):
                    settings.qr_file_type = QrFileType(suffix)
            else:
                settings.export_folder = folder

        try:
            self._store.update(keep)
        except OSError as error:
            _log.warning("Could not remember where the file was saved: %s", error)

    def _settings(self) -> Settings:
        return Settings() if self._store is None else self._store.load()


def _in_folder(folder: str | None, file_name: str) -> str:
    """``file_name`` in ``folder`` if it is still there (not removed, not on a USB stick taken
    out, not on a network share that does not answer), else in Documents."""
    if folder is None or not _still_there(folder):
        folder = _documents_folder()
    return str(Path(folder) / file_name)


def _still_there(folder: str) -> bool:
    """Whether ``folder`` exists, asked on a thread of its own: for a folder on a network share
    that does not answer, the system can take half a minute to say, and the window must not
    wait that long. After ``FOLDER_CHECK_SECONDS`` the folder counts as gone (the dialog would
    hang on it too); the question ends on its own thread."""
    answer: list[bool] = []

    def ask() -> None:
        try:
            answer.append(Path(folder).is_dir())
        except OSError:  # e.g. no permission to look: not a folder to offer
            answer.append(False)

    question = threading.Thread(target=ask, name="save-folder-check", daemon=True)
    question.start()
    question.join(FOLDER_CHECK_SECONDS)
    return bool(answer and answer[0])
