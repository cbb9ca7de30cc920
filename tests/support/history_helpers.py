"""Helpers for the history, duplicate-warning and invitation tests of the main window."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from kombo_desktop.core.history import HistoryEntry, HistoryStore
from kombo_desktop.core.link_request import LinkRequest
from kombo_desktop.core.vocabulary import LINK_LIFETIMES, Category, Language, LinkType
from kombo_desktop.ui.history_feature import HistoryFeature
from kombo_desktop.ui.main_window import MainWindow
from tests.support.history_records import record_link, record_request
from tests.support.locked_files import statements_traced


def record_hour_long_link(
    store: HistoryStore, url: str, *, left: timedelta, **changes: Any
) -> HistoryEntry:
    """An embedded link (valid for an hour) for Acme GmbH with ``left`` of its hour to go."""
    values: dict[str, Any] = {
        "profile": "default",
        "email": "anna@acme.example",
        "organization": "Acme GmbH",
        "category": Category.HRIS,
        "language": Language.EN,
        "link_type": LinkType.EMBEDDED,
        "url": url,
        "created_at": datetime.now(UTC) - LINK_LIFETIMES[LinkType.EMBEDDED] + left,
    }
    values.update(changes)
    return record_link(store, **values)


def record_demo_link(
    window: MainWindow,
    token: str,
    made: datetime,
    *,
    organization: str = "Acme GmbH",
    origin: str | None = None,
) -> HistoryEntry:
    """A Personio link of this demo session (or of the demo service that ran at ``origin``)
    for ``organization`` (by default the customer ``fill_form`` types, with its e-mail
    address), made at ``made`` by this computer's clock, recorded as the window records one."""
    assert window.demo_server is not None and window.target is not None
    request = LinkRequest.from_form(
        email="anna@example.com", organization_name=organization, tool="personio"
    )
    return record_request(
        history_of(window).store,
        request,
        f"{origin or window.demo_server.origin}/demo/connect?token={token}",
        profile=window.target.profile,
        created_at=made,
        is_demo=True,
    )


def history_of(window: MainWindow) -> HistoryFeature:
    feature = window.history
    assert isinstance(feature, HistoryFeature)
    return feature


def panel_shown(feature: HistoryFeature) -> bool:
    """Whether the history panel is on screen, asked without building it: building it needs
    the history database, which the start-up step opens on a worker thread. Asked while that
    runs, ``feature.panel`` raised HistoryNotReadyError, as the window never does (a click
    waits for the opening, see ``HistoryPlacement.open_history``)."""
    panel = feature.placement.built_panel
    return panel is not None and panel.isVisible()


def open_history(qtbot: QtBot, window: MainWindow) -> HistoryFeature:
    """Turn screen-sharing mode off, open the panel, and wait for its first page."""
    feature = history_of(window)
    window.screen_sharing.privacySwitch.click()
    assert not window.screen_sharing.on
    feature.historyButton.click()
    assert feature.panel.isVisible()
    wait_loaded(qtbot, feature)
    return feature


def wait_loaded(qtbot: QtBot, feature: HistoryFeature, timeout: int = 5000) -> None:
    model = feature.panel.model

    def done() -> bool:
        feature.panel.apply_search()  # skip the typing pause
        return not model.loading and model.total is not None

    qtbot.waitUntil(done, timeout=timeout)


def shown_entries(feature: HistoryFeature) -> list[HistoryEntry]:
    return feature.panel.model.entries()


class UrlCatcher(QObject):
    """Stands in for the browser or mail program: QDesktopServices hands it the URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString(QUrl.ComponentFormattingOption.FullyEncoded))


def catch_urls(*schemes: str) -> Iterator[UrlCatcher]:
    catcher = UrlCatcher()
    for scheme in schemes:
        QDesktopServices.setUrlHandler(scheme, catcher, "open")  # type: ignore[arg-type]  # PySide6 hints bytes; it takes str only
    try:
        yield catcher
    finally:
        for scheme in schemes:
            QDesktopServices.unsetUrlHandler(scheme)


@contextmanager
def statements_by_thread(store: HistoryStore) -> Iterator[list[tuple[str, str]]]:
    """Every statement the store's own connection runs until the block ends, each with the
    name of the thread that ran it (SQLite's trace hook runs on that thread): which thread
    wrote the file, and which one waited for it."""
    ran: list[tuple[str, str]] = []

    def trace(statement: str) -> None:
        ran.append((" ".join(statement.split()), threading.current_thread().name))

    with statements_traced(store, trace):
        yield ran


def threads_that_ran(ran: list[tuple[str, str]], beginning: str) -> list[str]:
    """The threads that ran the statements beginning with ``beginning`` (traced by
    :func:`statements_by_thread`), in the order they ran."""
    return [thread for statement, thread in ran if statement.startswith(beginning)]
