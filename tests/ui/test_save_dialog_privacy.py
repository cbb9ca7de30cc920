"""In screen-sharing mode the "Save QR code…" dialog shows nothing about earlier customers.

It opens in the folder the last code was saved in, and there lie the codes saved for earlier
customers under the names the program suggested ("demo-kombo-link-acme-gmbh.png"): the next
customer, watching the shared screen, read every one of them in the dialog's file list. In
screen-sharing mode the dialog's file types now match only the name suggested for the link on
screen, so no other file of the folder is listed (nor offered as one types a name).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QListView
from pytestqt.qtbot import QtBot

from kombo_desktop.core.settings import QrFileType
from kombo_desktop.ui.main_window import MainWindow
from kombo_desktop.ui.qr_save_dialog import filter_names
from tests.support.file_dialogs import own_documents_folder
from tests.support.found import named
from tests.support.qr_decode import decode_png, decode_svg
from tests.ui.conftest import WindowFactory, fill_form, make_link, wait_qr_saved

EARLIER_CODES = [  # saved for earlier customers, under the names the program suggested
    "demo-kombo-link-acme-gmbh.png",
    "demo-kombo-link-initech-sarl.svg",
    "demo-kombo-link-globex-corp.png",  # the last: a PNG, so PNG is offered first
]
NEXT_STEM = "demo-kombo-link-next-customer-ab"  # the customer watching now
QR_FILTER_NAMES = filter_names(None)  # outside screen-sharing mode: every PNG or SVG listed
LOOK_SECONDS = 5.0


@pytest.fixture(autouse=True)
def documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return own_documents_folder(tmp_path, monkeypatch)


@dataclass
class AskedDialog:
    """What the program gave the save dialog."""

    offered: Path
    filters: list[str]
    selected_filter: str
    qt_dialog_only: bool  # Qt's own dialog asked for, in place of the system's


def dialog_stand_in(
    monkeypatch: pytest.MonkeyPatch,
    answer: Path | None = None,
    answer_type: QrFileType = QrFileType.PNG,
) -> list[AskedDialog]:
    """Stand in for the save dialog: record what it is given; save as ``answer`` (with the
    file type ``answer_type`` chosen), or cancel when it is None."""
    asked: list[AskedDialog] = []

    def save_dialog(
        _parent: object, _caption: str, offered: str, filters: str, selected: str, *_options: object
    ) -> tuple[str, str]:
        listed = filters.split(";;")
        only_qt = QCoreApplication.testAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)
        asked.append(AskedDialog(Path(offered), listed, selected, only_qt))
        if answer is None:
            return "", ""
        chosen = next(f for f in listed if f.startswith(QR_FILTER_NAMES[answer_type][:3]))
        return str(answer), chosen

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    return asked


def codes_saved_for_earlier_customers(
    qtbot: QtBot, window: MainWindow, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Links made and their codes saved in ``folder`` (which the next dialog opens in)."""
    folder.mkdir(exist_ok=True)
    with monkeypatch.context() as saving:  # the real dialog again afterwards
        for number, name in enumerate(EARLIER_CODES):
            fill_form(window, email=f"p{number}@earlier.example", organization=f"Earlier {number}")
            make_link(qtbot, window)
            dialog_stand_in(saving, folder / name)
            window.exportQrButton.click()
            wait_qr_saved(qtbot, window)
            assert (folder / name).is_file(), window.statusLabel.text()


def next_customer(qtbot: QtBot, window: MainWindow) -> str:
    fill_form(window, email="olaf@nextcustomer.example", organization="Next Customer AB")
    return make_link(qtbot, window)


def test_in_screen_sharing_mode_the_dialog_lists_only_the_name_suggested_now(
    qtbot: QtBot, open_window: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "codes"
    window = open_window("--demo")
    assert window.screen_sharing.on  # screen-sharing mode is on from the start
    codes_saved_for_earlier_customers(qtbot, window, folder, monkeypatch)
    next_customer(qtbot, window)

    asked = dialog_stand_in(monkeypatch)
    window.exportQrButton.click()

    dialog = asked[0]
    assert dialog.offered == folder / f"{NEXT_STEM}.png"  # the last folder, as before
    assert dialog.filters == [
        f"PNG picture ({NEXT_STEM}.png)",
        f"SVG drawing ({NEXT_STEM}.svg)",
    ]
    assert dialog.selected_filter == dialog.filters[0]


def test_outside_screen_sharing_mode_the_dialog_lists_every_picture_as_before(
    qtbot: QtBot, open_window: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window("--demo")
    next_customer(qtbot, window)
    window.screen_sharing.privacySwitch.click()  # screen-sharing mode off
    assert not window.screen_sharing.on

    asked = dialog_stand_in(monkeypatch)
    window.exportQrButton.click()
    assert asked[-1].filters == list(QR_FILTER_NAMES.values())

    window.screen_sharing.privacySwitch.click()  # and on again
    window.exportQrButton.click()
    assert asked[-1].filters[0] == f"PNG picture ({NEXT_STEM}.png)"


def look_at_next_dialog(then: Callable[[QFileDialog], None]) -> dict[str, object]:
    """Once the next file dialog lists its folder's files (or after LOOK_SECONDS), record the
    names in its file list and those offered while typing "demo" as a name, then call
    ``then(dialog)`` to answer it."""
    seen: dict[str, object] = {}
    give_up_at = time.monotonic() + LOOK_SECONDS

    def listed(dialog: QFileDialog) -> list[str]:
        view = named(dialog, QListView, "listView")
        model, root = view.model(), view.rootIndex()
        return [str(model.index(row, 0, root).data()) for row in range(model.rowCount(root))]

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog) or (
            not listed(dialog) and time.monotonic() < give_up_at
        ):
            QTimer.singleShot(50, look)
            return
        QTimer.singleShot(300, lambda: record(dialog))  # let any further files come in

    def record(dialog: QFileDialog) -> None:
        seen["folder"] = Path(dialog.directory().absolutePath()).name
        seen["listed"] = listed(dialog)
        name_field = named(dialog, QLineEdit, "fileNameEdit")
        name_field.setText("demo")
        completer = name_field.completer()
        completer.setCompletionPrefix("demo")
        model = completer.completionModel()
        seen["completions"] = [str(model.index(r, 0).data()) for r in range(model.rowCount())]
        then(dialog)

    QTimer.singleShot(0, look)
    return seen


def test_the_real_dialog_lists_no_earlier_customers_code_and_saves_under_any_name(
    qtbot: QtBot, open_window: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "codes"
    window = open_window("--demo")
    codes_saved_for_earlier_customers(qtbot, window, folder, monkeypatch)
    link = next_customer(qtbot, window)
    (folder / f"{NEXT_STEM}.png").write_bytes(b"")  # saved for this customer a minute ago

    def save_as_svg_under_another_name(dialog: QFileDialog) -> None:
        svg = next(f for f in dialog.nameFilters() if f.startswith("SVG"))
        dialog.selectNameFilter(svg)
        named(dialog, QLineEdit, "fileNameEdit").setText("for-olaf")  # typed over "demo"
        dialog.accept()

    seen = look_at_next_dialog(save_as_svg_under_another_name)
    window.exportQrButton.click()
    wait_qr_saved(qtbot, window)

    assert seen["folder"] == "codes"
    assert seen["listed"] == [f"{NEXT_STEM}.png"]  # this customer's own code, nothing else
    assert seen["completions"] == [f"{NEXT_STEM}.png"]  # typing "demo" offers no other
    # The person typed a name of their own and chose SVG: that is what was written.
    assert decode_svg(folder / "for-olaf.svg") == link


def test_a_png_is_written_for_a_customer_whose_name_says_svg(
    qtbot: QtBot, open_window: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In screen-sharing mode the PNG choice names the file ("... (kombo-link-svg-studio.png)"):
    # the type chosen is not guessed from the words "svg" in it.
    window = open_window("--demo")
    fill_form(window, organization="SVG Studio")
    link = make_link(qtbot, window)
    dialog_stand_in(monkeypatch, tmp_path / "code", QrFileType.PNG)
    window.exportQrButton.click()
    wait_qr_saved(qtbot, window)
    assert decode_png(tmp_path / "code.png") == link
    assert not (tmp_path / "code.svg").exists()


def test_on_a_mac_qt_s_own_dialog_is_used_in_screen_sharing_mode(
    qtbot: QtBot, open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The Mac's own save panel shows the files a filter leaves out greyed out, names and all.
    window = open_window("--demo")
    next_customer(qtbot, window)
    asked = dialog_stand_in(monkeypatch)

    def save_on_a_mac() -> AskedDialog:
        with monkeypatch.context() as mac:
            mac.setattr(sys, "platform", "darwin")
            window.exportQrButton.click()
        return asked[-1]

    assert save_on_a_mac().qt_dialog_only
    only_qt = Qt.ApplicationAttribute.AA_DontUseNativeDialogs
    assert not QCoreApplication.testAttribute(only_qt)  # for that dialog only
    window.screen_sharing.privacySwitch.click()  # screen-sharing mode off: the Mac's own panel
    assert not save_on_a_mac().qt_dialog_only
