"""The save dialogs open where the person saved that kind of file last time, even after a
restart, and a QR code is offered as the type of file chosen last (the real Qt dialogs)."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kombo_desktop.core.credentials import CredentialStore
from kombo_desktop.core.link_request import LinkRequest
from kombo_desktop.core.settings import QrFileType, Settings
from kombo_desktop.core.vocabulary import Language
from kombo_desktop.ui.main_window import MainWindow
from kombo_desktop.ui.qr_save_dialog import chosen_type, filter_names
from kombo_desktop.ui.save_places import SavePlaces
from kombo_desktop.ui.settings_book import NEW_PROFILE_NAME, ProfileBook
from tests.support.file_dialogs import (
    SeenFileDialog,
    answer_next_file_dialog,
    own_documents_folder,
)
from tests.support.history_helpers import open_history
from tests.support.locked_files import HeldWrites
from tests.ui.conftest import WindowFactory, fill_form, make_link, wait_qr_saved

SVG = filter_names(None)[QrFileType.SVG]  # outside screen-sharing mode: every SVG listed


@pytest.fixture(autouse=True)
def documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return own_documents_folder(tmp_path, monkeypatch)


def save_qr_code(
    qtbot: QtBot, window: MainWindow, choice: Path | None, name_filter: str | None = None
) -> SeenFileDialog:
    """Press "Save QR code…" and answer its dialog; returns what the dialog offered, once
    the code is saved (on a worker thread)."""
    seen = answer_next_file_dialog(choice, name_filter)
    window.exportQrButton.click()
    assert seen.answered and seen.offered is not None
    wait_qr_saved(qtbot, window)
    return seen


def folder_offered(qtbot: QtBot, window: MainWindow) -> Path:
    """The folder "Save QR code…" opens in (its dialog is then cancelled)."""
    offered = save_qr_code(qtbot, window, None).offered
    assert offered is not None  # save_qr_code checks it
    return offered.parent


def test_the_qr_dialog_opens_where_and_as_what_the_last_code_was_saved(
    qtbot: QtBot, open_window: WindowFactory, tmp_path: Path, documents: Path
) -> None:
    customers = tmp_path / "customers"
    customers.mkdir()
    window = open_window("--demo")
    fill_form(window, organization="Acme GmbH")
    make_link(qtbot, window)
    first = save_qr_code(qtbot, window, customers / "acme", SVG)  # no extension typed
    # The first time in Documents; a demo's file says it is one.
    assert first.offered == documents / "demo-kombo-link-acme-gmbh.png"
    assert (customers / "acme.svg").is_file()

    window.close()  # the next customer, another day
    again = open_window("--demo")
    fill_form(again, email="bo@initech.example", organization="Initech")
    make_link(qtbot, again)
    second = save_qr_code(qtbot, again, None)
    assert second.offered == customers / "demo-kombo-link-initech.svg"
    assert chosen_type(second.name_filter) is QrFileType.SVG


def saved_a_code_in(qtbot: QtBot, open_window: WindowFactory, folder: Path) -> MainWindow:
    """A demo window that has made a link and saved its QR code in ``folder`` (made here)."""
    folder.mkdir()
    window = open_window("--demo")
    fill_form(window)
    make_link(qtbot, window)
    save_qr_code(qtbot, window, folder / "code.png")
    return window


def test_a_folder_that_is_gone_is_not_offered(
    qtbot: QtBot, open_window: WindowFactory, tmp_path: Path, documents: Path
) -> None:
    stick = tmp_path / "usb-stick"
    window = saved_a_code_in(qtbot, open_window, stick)
    assert folder_offered(qtbot, window) == stick
    shutil.rmtree(stick)  # taken out
    assert folder_offered(qtbot, window) == documents


def test_the_history_export_remembers_its_own_folder(
    qtbot: QtBot, open_window: WindowFactory, tmp_path: Path, documents: Path
) -> None:
    reports, codes = tmp_path / "reports", tmp_path / "codes"
    reports.mkdir()
    window = saved_a_code_in(qtbot, open_window, codes)
    feature = open_history(qtbot, window)

    first = answer_next_file_dialog(reports / "links.csv")
    feature.panel.historyExportButton.click()
    assert first.offered is not None and first.offered.parent == documents
    qtbot.waitUntil(lambda: (reports / "links.csv").is_file(), timeout=5000)
    qtbot.waitUntil(lambda: window.statusPanel.kind == "success", timeout=5000)

    second = answer_next_file_dialog(None)
    feature.panel.historyExportButton.click()
    assert second.offered is not None and second.offered.parent == reports
    assert second.offered.name.startswith("kombo-link-history-")
    assert folder_offered(qtbot, window) == codes


def test_a_folder_on_a_share_that_does_not_answer_is_not_waited_for(
    qtbot: QtBot,
    open_window: WindowFactory,
    tmp_path: Path,
    documents: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    share = tmp_path / "share"
    window = saved_a_code_in(qtbot, open_window, share)
    release = threading.Event()
    is_dir = Path.is_dir

    def hanging_share(path: Path) -> bool:
        if path == share:
            release.wait(30)  # the server does not answer
        return is_dir(path)

    monkeypatch.setattr(Path, "is_dir", hanging_share)
    started = time.monotonic()
    try:
        offered = save_qr_code(qtbot, window, None).offered
    finally:
        release.set()
    assert offered is not None and offered.parent == documents
    assert time.monotonic() - started < 5  # not the half minute the share would take


class WatchedLock:
    """A lock that notes a thread made to wait for it (``waited``): put in place of the
    settings store's, it shows when the window's change has come to the worker's write."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.waited = threading.Event()

    def __enter__(self) -> WatchedLock:
        if not self._lock.acquire(blocking=False):
            self.waited.set()
            self._lock.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._lock.release()


# Starts a change of the settings as the window makes it; returns what waits for its end.
WindowChange = Callable[[MainWindow], Callable[[QtBot], None]]


def add_a_profile_in_settings(window: MainWindow) -> Callable[[QtBot], None]:
    book = ProfileBook(
        window.setup.settings_store,
        CredentialStore(environ={}),
        lambda message, kind="info", *, aloud=True: None,
        tasks=window.runner,
        current_profile=None,
        api_base_override=None,
    )
    added: list[str] = []
    book.add(then=added.append)  # written on a worker
    return lambda qtbot: qtbot.waitUntil(lambda: added == [NEW_PROFILE_NAME], timeout=10_000)


def keep_the_choices_of_a_link(window: MainWindow) -> Callable[[QtBot], None]:
    request = LinkRequest("it@acme.example", "Acme GmbH", language=Language.DE)
    window.link_making._remember_choices(request)  # written on a worker
    writes = window.settings_writes
    return lambda qtbot: qtbot.waitUntil(lambda: not writes.saving, timeout=10_000)


@pytest.mark.parametrize(
    ("window_change", "seen_after"),
    [
        (add_a_profile_in_settings, lambda s: s.profile(NEW_PROFILE_NAME) is not None),
        (keep_the_choices_of_a_link, lambda s: s.language is Language.DE),
    ],
    ids=["profile-added-in-settings", "choices-kept-after-a-link"],
)
def test_a_folder_remembered_on_a_worker_and_a_change_the_window_saved_meanwhile_are_both_kept(
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    open_window: WindowFactory,
    window_change: WindowChange,
    seen_after: Callable[[Settings], bool],
) -> None:
    # A QR code's folder is remembered on the worker that wrote the code: the settings are
    # read there, changed and written again, while the window changes them too. Either side
    # writing a copy it read before the other's write would undo that write: the worker a
    # profile the person added in Settings, the window the folder of the code just saved.
    window = open_window("--demo")
    store = window.setup.settings_store
    store.save(store.load())
    lock = WatchedLock()
    monkeypatch.setattr(store, "_saving", lock)  # one save at a time, as before
    disk = HeldWrites(monkeypatch, thread_name="remembering")
    worker = threading.Thread(
        target=SavePlaces(store).remember, args=("qr", tmp_path / "acme.png"), name="remembering"
    )
    worker.start()
    try:
        assert disk.waiting.wait(timeout=10)  # read, and being written
        finished = window_change(window)
        # The change waits for the worker's write, which it cannot undo then. A fixed wait
        # could end before the change, started on a worker too, had even begun on a loaded
        # machine: it then came after the write, and the test proved nothing.
        qtbot.waitUntil(lock.waited.is_set, timeout=10_000)
    finally:
        disk.release()
    worker.join(timeout=10)
    finished(qtbot)
    after = store.load()
    assert seen_after(after)
    assert after.qr_folder == str(tmp_path)
