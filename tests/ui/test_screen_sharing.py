"""Screen-sharing mode is held in one place, and every part showing customers follows it.

The mode used to be kept in four places (the history's ``private``, the switch, the result
panel's ``screen_sharing`` and the duplicate warning), kept in step only when the switch was
used: writing ``history.private = False`` opened the history while the header still said
"Screen-sharing mode: on". Now the window's ``ScreenSharingMode`` holds it, read-only, and
``set_on`` is the one way to change it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QLabel
from pytestqt.qtbot import QtBot

from kombo_desktop.ui.main_window import MainWindow
from kombo_desktop.ui.qr_save_dialog import filter_names
from kombo_desktop.ui.screen_sharing import PRIVACY_OFF_TEXT, PRIVACY_ON_TEXT
from tests.support.file_dialogs import own_documents_folder
from tests.support.history_helpers import history_of
from tests.ui.conftest import fill_form, make_link

EVERY_PICTURE = list(filter_names(None).values())  # the save dialog outside the mode


@pytest.fixture(autouse=True)
def documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return own_documents_folder(tmp_path, monkeypatch)


def save_dialog_filters(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The file types "Save QR code…" offers now (the dialog is cancelled)."""
    offered: list[str] = []

    def cancelled(
        _parent: object, _caption: str, _name: str, filters: str, *_rest: object
    ) -> tuple[str, str]:
        offered.extend(filters.split(";;"))
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", cancelled)
    window.exportQrButton.click()
    return offered


def link_and_warning(qtbot: QtBot, window: MainWindow) -> None:
    """A link made for Anna, then asked for again: the duplicate warning is shown above it,
    naming her only outside screen-sharing mode."""
    fill_form(window, email="anna@acme.example", organization="Acme GmbH")
    make_link(qtbot, window)
    window.createButton.click()
    qtbot.waitUntil(history_of(window).banner.isVisible, timeout=5000)


def warning_text(window: MainWindow) -> str:
    label = window.findChild(QLabel, "duplicateBannerLabel")
    assert label is not None
    return label.text()


def test_set_on_from_code_moves_every_part_as_the_switch_does(
    qtbot: QtBot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = demo_window
    mode, history = window.screen_sharing, history_of(window)
    link_and_warning(qtbot, window)
    assert mode.on and "anna@acme.example" not in warning_text(window)

    mode.set_on(False)
    assert not mode.privacySwitch.isChecked()
    assert mode.privacySwitch.text() == PRIVACY_OFF_TEXT
    assert mode.privacySwitch.accessibleName() == PRIVACY_OFF_TEXT
    assert "anna@acme.example" in warning_text(window)  # the warning names the customer
    assert history.historyButton.isEnabled()
    assert window.statusLabel.text().startswith("Screen-sharing mode is off")
    assert save_dialog_filters(window, monkeypatch) == EVERY_PICTURE
    assert history.open_history()

    mode.set_on(True)
    assert mode.privacySwitch.isChecked() and mode.privacySwitch.text() == PRIVACY_ON_TEXT
    assert not history.history_open and not history.historyButton.isChecked()
    assert not history.open_history()
    assert "anna@acme.example" not in warning_text(window)
    assert save_dialog_filters(window, monkeypatch) != EVERY_PICTURE
    assert window.statusLabel.text().startswith("Screen-sharing mode is on")


def test_the_mode_has_one_writable_place_so_no_part_can_disagree_with_the_switch(
    qtbot: QtBot, demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = demo_window
    mode, history = window.screen_sharing, history_of(window)
    fill_form(window)
    make_link(qtbot, window)
    with pytest.raises(AttributeError):
        mode.on = False  # type: ignore[misc]

    # Where copies of the mode were kept, written as a new feature or a test easily would:
    # the history then opened with the switch still on. Nothing reads such a copy now.
    history.private = False  # type: ignore[attr-defined]
    window.resultPanel.screen_sharing = False  # type: ignore[attr-defined]
    assert mode.on and mode.privacySwitch.isChecked()
    assert not history.open_history() and not history.history_open
    assert save_dialog_filters(window, monkeypatch) != EVERY_PICTURE
