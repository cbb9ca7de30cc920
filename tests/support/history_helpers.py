"""Helpers for the history, duplicate-warning and invitation tests of the main window."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from kombo_desktop.core.history import MIGRATIONS, HistoryEntry, HistoryStore
from kombo_desktop.core.vocabulary import LINK_LIFETIMES, Category, Language, LinkType
from kombo_desktop.ui.history_feature import HistoryFeature
from kombo_desktop.ui.main_window import MainWindow


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
    return store.record_link(**values)


def history_of(window: MainWindow) -> HistoryFeature:
    feature = window.history
    assert isinstance(feature, HistoryFeature)
    return feature


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
        QDesktopServices.setUrlHandler(scheme, catcher, "open")
    try:
        yield catcher
    finally:
        for scheme in schemes:
            QDesktopServices.unsetUrlHandler(scheme)


def write_large_history(path: Path, total: int, *, newest: datetime | None = None) -> None:
    """A history of ``total`` links, one minute apart, written as the first program version
    did (schema step 1 of ``MIGRATIONS``); the store upgrades it when the window opens it.

    Bulk-writing in one transaction takes a fraction of a second, where ``record_link`` per row
    would commit 100,000 times.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    last = newest or datetime.now(UTC)
    conn = sqlite3.connect(path)
    try:
        for statement in MIGRATIONS[0]:
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")

        def rows() -> Iterator[tuple[object, ...]]:
            for n in range(total):
                made = last - timedelta(minutes=total - 1 - n)
                yield (
                    made.isoformat(timespec="microseconds"),
                    "default",
                    None,
                    "link",
                    f"person{n}@customer{n}.example",
                    f"Customer {n} GmbH",
                    f"C-{n}",
                    "HRIS",
                    "personio",
                    "de",
                    "MAGIC_LINK",
                    f"https://connect.kombo.dev/v1?token=T{n}",
                    (made + timedelta(days=365)).isoformat(timespec="microseconds"),
                    None,
                )

        with conn:
            conn.executemany(
                "INSERT INTO links (created_at, profile, environment_id, kind, email, "
                "organization, origin_id, category, tool, language, link_type, url, expires_at, "
                "integration_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows(),
            )
    finally:
        conn.close()
