"""The link history on real SQLite files: recording, search, expiry, upgrades, damaged files,
the duplicate check and CSV export."""

from __future__ import annotations

import csv
import logging
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kombo_desktop.core.cancel import CancelToken
from kombo_desktop.core.history import (
    ALL_LINKS,
    CSV_HEADER,
    MIGRATIONS,
    SCHEMA_VERSION,
    CustomerDetails,
    EntryKind,
    ExportStopped,
    HistoryEntry,
    HistoryError,
    HistoryStore,
    LinkStatus,
    Showing,
    WhichLinks,
    WriteTrouble,
    csv_separator,
    export_csv,
    failure_words,
    opening,
    schema,
)
from kombo_desktop.core.history.searching import SearchQuery
from kombo_desktop.core.history.store import CLOSING_WAIT_SECONDS
from kombo_desktop.core.link_check import link_problem
from kombo_desktop.core.link_request import LinkRequest, RelinkRequest
from kombo_desktop.core.vocabulary import CATEGORY_NAMES, Category, Language, LinkType
from tests.support.history_records import (
    record_link,
    record_relink,
    record_request,
    record_unchecked_link,
)
from tests.support.locked_files import (
    LINK_NEEDING_A_PAGE,
    HeldRead,
    full_disk,
    history_without_room,
    read_only_drive,
    sqlite_file_held,
    sqlite_write_open,
    write_begun,
)

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)

# The version-1 schema exactly as the first release wrote it. Kept here as a frozen copy so the
# upgrade test starts from what real users have on disk, not from whatever MIGRATIONS says now.
V1_SCHEMA = """
CREATE TABLE links (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    profile TEXT NOT NULL,
    environment_id TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('link', 'relink')),
    email TEXT,
    organization TEXT,
    origin_id TEXT,
    category TEXT,
    tool TEXT,
    language TEXT NOT NULL,
    link_type TEXT NOT NULL,
    url TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    integration_id TEXT
);
CREATE INDEX links_by_time ON links (created_at, id);
PRAGMA user_version = 1;
"""
V1_COLUMNS = (
    "created_at, profile, environment_id, kind, email, organization, origin_id, category, tool, "
    "language, link_type, url, expires_at, integration_id"
)


def make_v1_file(path: Path, rows: Iterator[tuple[Any, ...]] | list[tuple[Any, ...]]) -> None:
    """Write a version-1 history with ``rows`` (in V1_COLUMNS order) in one transaction.

    Also the bulk loader for the size test: executemany in a single transaction writes 100,000
    rows in well under a second.
    """
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    with conn:
        conn.executemany(
            f"INSERT INTO links ({V1_COLUMNS}) VALUES ({', '.join('?' * 14)})",  # noqa: S608
            rows,
        )
    conn.close()


def v1_row(
    n: int,
    *,
    created_at: datetime = T0,
    lifetime: timedelta = timedelta(days=365),
    kind: str = "link",
    organization: str | None = None,
    email: str | None = None,
    tool: str | None = "personio",
    integration_id: str | None = None,
) -> tuple[Any, ...]:
    return (
        created_at.isoformat(timespec="microseconds"),
        "default",
        "env-1",
        kind,
        email if email is not None else f"person{n}@customer{n}.example",
        organization if organization is not None else f"Customer {n} GmbH",
        f"C-{n}",
        "HRIS",
        tool,
        "de",
        "MAGIC_LINK",
        f"https://connect.kombo.dev/v1?token=T{n}",
        (created_at + lifetime).isoformat(timespec="microseconds"),
        integration_id,
    )


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


@pytest.fixture
def store(store_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore(store_path) as opened:
        assert opened.problem is None
        yield opened


def advanced_options(entry: HistoryEntry) -> tuple[str | None, str | None, bool, bool]:
    """A new link's advanced options as stored: environment, scope config, the two switches."""
    return (
        entry.remote_environment,
        entry.scope_config_id,
        entry.enable_filtering,
        entry.enable_field_mapping,
    )


# The link ``add_link`` makes unless told otherwise.
LINK_VALUES: dict[str, Any] = {
    "profile": "default",
    "email": "anna@acme.example",
    "organization": "Acme GmbH",
    "category": Category.HRIS,
    "language": Language.DE,
    "link_type": LinkType.MAGIC_LINK,
    "url": "https://connect.kombo.dev/v1?token=abc",
    "tool": "personio",
    "created_at": T0,
}


def add_link(store: HistoryStore, **changes: Any) -> HistoryEntry:
    """A new link recorded as the window records one: from a checked request."""
    return record_link(store, **{**LINK_VALUES, **changes})


def add_unchecked_link(store: HistoryStore, **changes: Any) -> HistoryEntry:
    """Test-only: ``add_link``'s link with texts today's request refuses or cleans, stored as
    given (see ``record_unchecked_link``), for the tests of what a history can hold anyway."""
    return record_unchecked_link(store, **{**LINK_VALUES, **changes})


def user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


# ------------------------------------------------------------------------------ recording


def test_a_new_link_is_stored_with_every_field(store: HistoryStore, store_path: Path) -> None:
    entry = record_link(
        store,
        profile="default",
        environment_id="B1KaTpuDzLWQGUMKLu9iSR6b",
        email="anna@acme.example",
        organization="Acme GmbH",
        origin_id="CUST-17",
        category=Category.ATS,
        tool="greenhouse",
        tool_label="Greenhouse",
        language=Language.FR,
        link_type=LinkType.MAGIC_LINK,
        url="https://connect.kombo.dev/v1?token=abc",
        created_at=T0,
    )
    assert entry.kind is EntryKind.LINK
    assert entry.created_at == T0
    assert entry.expires_at == T0 + timedelta(days=365)
    assert (entry.email, entry.organization, entry.origin_id) == (
        "anna@acme.example",
        "Acme GmbH",
        "CUST-17",
    )
    assert (entry.category, entry.tool, entry.tool_label) == (
        Category.ATS,
        "greenhouse",
        "Greenhouse",
    )
    assert (entry.language, entry.link_type) == (Language.FR, LinkType.MAGIC_LINK)
    assert entry.environment_id == "B1KaTpuDzLWQGUMKLu9iSR6b"
    assert entry.integration_id is None
    assert store.get(entry.id) == entry

    # It is really on disk, readable by any SQLite client.
    conn = sqlite3.connect(store_path)
    row = conn.execute("SELECT kind, organization, url FROM links").fetchone()
    conn.close()
    assert row == ("link", "Acme GmbH", "https://connect.kombo.dev/v1?token=abc")


def test_entries_survive_closing_and_reopening(store_path: Path) -> None:
    with HistoryStore(store_path) as first:
        made = add_link(first)
    with HistoryStore(store_path) as again:
        assert again.problem is None
        assert again.search() == [made]


def test_a_new_link_keeps_its_advanced_options(store: HistoryStore, store_path: Path) -> None:
    made = add_link(
        store,
        remote_environment="  sandbox ",
        scope_config_id="scope-42",
        enable_filtering=True,
        enable_field_mapping=True,
    )
    assert advanced_options(made) == ("sandbox", "scope-42", True, True)
    store.close()
    with HistoryStore(store_path) as reopened:
        assert reopened.get(made.id) == made


def test_a_relink_is_stored_with_its_integration_and_tool(store: HistoryStore) -> None:
    entry = record_relink(
        store,
        profile="eu-prod",
        integration_id="  personio:93fCvorjZ2jas7ZekX1V1n5d ",
        language=Language.EN,
        link_type=LinkType.EMBEDDED,
        url="https://connect.kombo.dev/v1?token=relink",
        created_at=T0,
    )
    assert entry.kind is EntryKind.RELINK
    assert entry.integration_id == "personio:93fCvorjZ2jas7ZekX1V1n5d"
    assert entry.tool == "personio"
    assert entry.email is None and entry.organization is None and entry.category is None
    assert entry.expires_at == T0 + timedelta(hours=1)
    assert store.get(entry.id) == entry


def test_a_relink_keeps_customer_details_when_given(store: HistoryStore) -> None:
    entry = record_relink(
        store,
        profile="default",
        integration_id="workday:xyz",
        tool="workday",
        tool_label="Workday",
        category=Category.HRIS,
        email="it@beta.example",
        organization="Beta AG",
        origin_id="B-1",
        language=Language.DE,
        link_type=LinkType.MAGIC_LINK,
        url="https://connect.kombo.dev/v1?token=r",
    )
    assert (entry.organization, entry.email, entry.origin_id, entry.category) == (
        "Beta AG",
        "it@beta.example",
        "B-1",
        Category.HRIS,
    )
    assert store.search("beta ag") == [entry]


def test_blank_optional_values_are_stored_as_missing(store: HistoryStore) -> None:
    entry = add_link(store, origin_id="  ", tool="", environment_id="", organization=" Acme ")
    assert entry.origin_id is None and entry.tool is None and entry.environment_id is None
    assert entry.organization == "Acme"


def test_times_without_timezone_are_refused(store: HistoryStore) -> None:
    with pytest.raises(ValueError, match="timezone"):
        add_link(store, created_at=datetime(2025, 1, 1, 12, 0))
    assert store.count() == 0


def store_expiry_in_file(store: HistoryStore, entry: HistoryEntry, expires_at: datetime) -> None:
    """Test-only: write another expiry for ``entry`` into the history file itself.

    The program works a link's expiry out when it records it (made + the link type's lifetime);
    this writes one that differs, as a file written by another version of the program could
    hold, to see that the history takes the expiry it stored rather than working it out again.
    """
    with sqlite3.connect(store.path) as conn:
        conn.execute(
            "UPDATE links SET expires_at = ? WHERE id = ?",
            (expires_at.isoformat(timespec="microseconds"), entry.id),
        )
    conn.close()


def test_an_expiry_stored_in_the_file_is_kept(store: HistoryStore) -> None:
    made = add_link(store)
    store_expiry_in_file(store, made, T0 + timedelta(days=30))
    entry = store.get(made.id)
    assert entry is not None
    assert entry.expires_at == T0 + timedelta(days=30)


def test_delete_removes_one_entry(store: HistoryStore) -> None:
    keep = add_link(store, organization="Keep")
    gone = add_link(store, organization="Gone")
    assert store.delete(gone.id) is True
    assert store.get(gone.id) is None
    assert store.delete(gone.id) is False
    assert store.search() == [keep]


def test_closed_store_refuses_use(store_path: Path) -> None:
    opened = HistoryStore(store_path)
    opened.close()
    opened.close()
    with pytest.raises(RuntimeError):
        opened.search()


def test_the_file_uses_wal_mode(store: HistoryStore, store_path: Path) -> None:
    add_link(store)
    conn = sqlite3.connect(store_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        conn.close()


def test_records_from_several_threads_all_arrive(store: HistoryStore) -> None:
    errors: list[BaseException] = []

    def record(worker: int) -> None:
        try:
            for n in range(25):
                queue_link(store, organization=f"Worker {worker} customer {n}")
                store.save_waiting_patiently()
                store.search("customer", limit=5)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=record, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.count() == 100
    assert store.waiting == 0
    assert len(store.take_saved_late()) == 100


def test_a_link_the_file_cannot_take_waits_with_the_reason_and_the_next_is_saved(
    store_path: Path,
) -> None:
    with HistoryStore(store_path, busy_timeout=0.05) as opened:
        blocker = sqlite3.connect(store_path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            queue_link(opened)
            assert opened.save_waiting_patiently() == 1
            assert opened.trouble is WriteTrouble.HELD_BY_ANOTHER_PROGRAM
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        queue_link(opened, organization="Next AG")
        assert opened.save_waiting_patiently() == 0
        saved = opened.take_saved_late()
        assert [entry.organization for entry in saved] == ["Acme GmbH", "Next AG"]
        assert all(entry.id > 0 for entry in saved)


def organizations_in(path: Path) -> list[str]:
    """The organisations of the links in the history file at ``path``, in the order saved."""
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT organization FROM links ORDER BY id")]
    finally:
        conn.close()


def test_a_link_waiting_to_be_saved_is_newer_than_one_dated_later_than_now(
    store_path: Path,
) -> None:
    # The file held a link made while the clock was ahead; the next link, made since, waits
    # for another program to let go of the file: the check offered the older one.
    now = datetime.now(UTC)
    with HistoryStore(store_path, busy_timeout=0.05) as opened:
        add_link(opened, organization="Ahead AG", created_at=now + timedelta(hours=3))
        with sqlite_write_open(store_path):
            queue_link(opened, organization="Ahead AG", url="https://k.example/w", created_at=now)
            assert opened.save_waiting_patiently() == 1  # the file cannot take it yet
            earlier = duplicate_of(opened, organization="Ahead AG", now=now)
            assert earlier is not None
            assert earlier.url == "https://k.example/w"


def test_a_link_made_while_another_program_writes_the_file_is_saved_once_it_lets_go(
    store_path: Path,
) -> None:
    # A database tool with unwritten changes holds the file: the link was dropped for good,
    # though the next one, made once the tool let go, was saved.
    with HistoryStore(store_path, busy_timeout=0.05) as opened:
        add_link(opened, organization="First AG")
        with sqlite_write_open(store_path):
            queue_link(opened, organization="Second AG", created_at=T0 + timedelta(hours=1))
            assert opened.save_waiting_patiently() == 1
            assert opened.trouble is WriteTrouble.HELD_BY_ANOTHER_PROGRAM
            assert opened.save_waiting(wait=0) == 1  # still held: it keeps waiting
            # Made all the same: the duplicate check knows it meanwhile.
            earlier = opened.find_duplicate(
                "default",
                origin_id=None,
                organization="second ag",
                email=None,
                category=Category.HRIS,
                tool="personio",
                now=T0 + timedelta(hours=2),
            )
            assert earlier is not None
            assert earlier.organization == "Second AG"
            assert earlier.created_at == T0 + timedelta(hours=1)
            assert opened.take_saved_late() == []
        assert opened.save_waiting(wait=0) == 0
        saved = opened.take_saved_late()
        assert [(entry.organization, entry.created_at) for entry in saved] == [
            ("Second AG", T0 + timedelta(hours=1))
        ]
        assert opened.take_saved_late() == []  # handed out once
        assert opened.waiting == 0
    assert organizations_in(store_path) == ["First AG", "Second AG"]


def test_links_made_on_a_full_disk_are_saved_in_order_before_the_next_once_there_is_room(
    store: HistoryStore,
) -> None:
    add_link(store, organization="First AG")
    with history_without_room(store):
        queue_link(store, organization="Second AG", url=LINK_NEEDING_A_PAGE)
        assert store.save_waiting_patiently() == 1
        assert store.trouble is WriteTrouble.DISK_FULL
        # One that would fit waits behind it: the history keeps the order they were made in.
        queue_link(store, organization="Third AG")
        assert store.save_waiting_patiently() == 2
        assert store.trouble is WriteTrouble.DISK_FULL
        assert store.waiting == 2
    queue_link(store, organization="Fourth AG")
    assert store.save_waiting_patiently() == 0
    assert [entry.organization for entry in store.take_saved_late()] == [
        "Second AG",
        "Third AG",
        "Fourth AG",
    ]
    assert store.waiting == 0
    assert organizations_in(store.path) == ["First AG", "Second AG", "Third AG", "Fourth AG"]
    assert store.search("second")[0].url == LINK_NEEDING_A_PAGE


def queue_link(store: HistoryStore, **changes: Any) -> None:
    """A new link handed to the store as the window hands one over: kept at once, known to the
    duplicate check, and written by ``save_waiting_patiently`` on a worker thread."""
    values = {**LINK_VALUES, **changes}
    request = LinkRequest(
        end_user_email=values["email"],
        end_user_organization_name=values["organization"],
        integration_category=values["category"],
        integration_tool=values["tool"],
        language=values["language"],
        link_type=values["link_type"],
    )
    store.queue_request(
        request, values["url"], profile=values["profile"], created_at=values.get("created_at")
    )


def test_a_link_handed_over_is_known_at_once_and_written_later_in_the_order_made(
    store: HistoryStore,
) -> None:
    # The window wrote every link on its own thread, waiting for the file: it now hands the
    # link over, and a worker writes it. Meanwhile the duplicate check must know it.
    queue_link(store, organization="First AG", created_at=T0)
    queue_link(store, organization="Second AG", created_at=T0 + timedelta(minutes=1))
    assert organizations_in(store.path) == []
    assert store.waiting == 2
    assert store.trouble is None  # not tried yet: nothing refused it
    earlier = duplicate_of(store, organization="Second AG", now=T0 + timedelta(hours=1))
    assert earlier is not None and earlier.organization == "Second AG"
    assert store.save_waiting_patiently() == 0
    saved = store.take_saved_late()
    assert [entry.organization for entry in saved] == ["First AG", "Second AG"]
    assert [entry.id for entry in saved] == [entry.id for entry in reversed(store.search())]
    assert organizations_in(store.path) == ["First AG", "Second AG"]


def _in_a_thread(work: Any) -> tuple[threading.Thread, list[object]]:
    """``work()`` started on a thread of its own; what it returned or raised, once done."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_saving_while_another_program_holds_the_file_never_holds_up_reading(
    store_path: Path,
) -> None:
    # SQLite's wait for the other program ran with the store's lock held: the window, reading
    # the history meanwhile (the duplicate check on Create), waited as long.
    with HistoryStore(store_path, busy_timeout=3.0) as opened:
        queue_link(opened)
        with sqlite_write_open(store_path), write_begun(opened) as saving:
            saver, outcome = _in_a_thread(lambda: opened.save_waiting_patiently(patience=3.0))
            assert saving.wait(timeout=10), "the save never reached the file"
            assert duplicate_of(opened) is not None
            assert opened.search() == []
            assert saver.is_alive(), "the read waited for the save to give up"
        saver.join(timeout=10)
        assert outcome == [0]  # saved once the other program let go, within its patience
        assert organizations_in(store_path) == ["Acme GmbH"]


def test_saving_gives_up_after_its_patience_and_keeps_the_link_waiting(
    store_path: Path,
) -> None:
    with HistoryStore(store_path) as opened:
        queue_link(opened)
        with sqlite_write_open(store_path):
            started = time.monotonic()
            assert opened.save_waiting_patiently(patience=0.3) == 1
            assert time.monotonic() - started < 3.0
            assert opened.trouble is WriteTrouble.HELD_BY_ANOTHER_PROGRAM
        assert opened.save_waiting_patiently() == 0
        assert organizations_in(store_path) == ["Acme GmbH"]


@pytest.mark.parametrize("write", ["delete", "rename"])
def test_deleting_or_renaming_while_another_program_holds_the_file_never_holds_up_reading(
    store_path: Path, write: str
) -> None:
    # As for saving a link: deleting an entry or following a renamed profile waited for the
    # other program with the store's lock held, and every read waited with it.
    with HistoryStore(store_path, busy_timeout=3.0) as opened:
        entry = add_link(opened)
        with sqlite_write_open(store_path), write_begun(opened) as writing:
            if write == "delete":
                writer, outcome = _in_a_thread(lambda: opened.delete(entry.id))
            else:
                writer, outcome = _in_a_thread(lambda: opened.rename_profile("default", "Prod"))
            assert writing.wait(timeout=10), "the write never reached the file"
            assert opened.search() == [entry]
            assert writer.is_alive(), "the read waited for the write to give up"
        writer.join(timeout=10)
    assert outcome == ([True] if write == "delete" else [1])


def test_deleting_while_another_program_holds_the_file_gives_up_with_plain_words(
    store_path: Path,
) -> None:
    with HistoryStore(store_path, busy_timeout=0.2) as opened:
        entry = add_link(opened)
        with sqlite_write_open(store_path), pytest.raises(HistoryError, match="not be deleted"):
            opened.delete(entry.id)
        assert opened.get(entry.id) == entry


def test_closing_saves_the_links_still_waiting(store_path: Path) -> None:
    opened = HistoryStore(store_path, busy_timeout=0.05)
    with sqlite_write_open(store_path):
        queue_link(opened)
        assert opened.save_waiting_patiently() == 1
    opened.close()
    assert organizations_in(store_path) == ["Acme GmbH"]


def test_closing_while_the_file_is_still_held_gives_up_on_the_links_waiting_quickly(
    store_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    opened = HistoryStore(store_path, busy_timeout=0.05)
    with sqlite_write_open(store_path):
        queue_link(opened)
        assert opened.save_waiting_patiently() == 1
        started = time.monotonic()
        opened.close()
        assert time.monotonic() - started < CLOSING_WAIT_SECONDS + 0.5
    assert organizations_in(store_path) == []
    assert "1 link(s) could not be saved in the history before closing" in caplog.text


def test_a_read_from_a_history_another_program_broke_raises_a_plain_history_error(
    store_path: Path,
) -> None:
    with HistoryStore(store_path) as opened:
        add_link(opened)
        other = sqlite3.connect(store_path)
        other.execute("DROP TABLE links")
        other.commit()
        other.close()
        with pytest.raises(HistoryError, match="could not be read") as caught:
            opened.search("acme")
    assert failure_words(caught.value, "fallback") == str(caught.value)


def test_only_a_history_errors_own_words_are_meant_for_the_window() -> None:
    assert failure_words(HistoryError("The history is full."), "Fallback.") == (
        "The history is full."
    )
    assert failure_words(HistoryError(""), "Fallback.") == "Fallback."
    assert failure_words(RuntimeError("the history store is closed"), "Fallback.") == "Fallback."
    assert failure_words(KeyError("created_at"), "Fallback.") == "Fallback."


# ------------------------------------------------------------------------------ expiry


def test_validity_follows_the_expiry_time(store: HistoryStore) -> None:
    year = add_link(store, link_type=LinkType.MAGIC_LINK)
    hour = add_link(store, link_type=LinkType.EMBEDDED)

    assert year.is_valid(T0 + timedelta(days=364))
    assert year.status(T0 + timedelta(days=364)) is LinkStatus.VALID
    assert not year.is_valid(T0 + timedelta(days=365))
    assert year.status(T0 + timedelta(days=366)) is LinkStatus.EXPIRED

    assert hour.status(T0 + timedelta(minutes=59)) is LinkStatus.VALID
    assert hour.status(T0 + timedelta(minutes=61)) is LinkStatus.EXPIRED
    assert hour.time_left(T0 + timedelta(minutes=45)) == timedelta(minutes=15)
    assert hour.time_left(T0 + timedelta(days=2)) == timedelta(0)


def test_validity_uses_the_current_time_by_default(store: HistoryStore) -> None:
    fresh = add_link(store, created_at=datetime.now(UTC))
    old = add_link(store, created_at=datetime.now(UTC) - timedelta(days=400))
    assert fresh.status() is LinkStatus.VALID
    assert old.status() is LinkStatus.EXPIRED


def test_validity_compares_times_in_any_timezone(store: HistoryStore) -> None:
    hour = add_link(store, link_type=LinkType.EMBEDDED)
    berlin = timezone(timedelta(hours=1))
    assert hour.is_valid(datetime(2025, 3, 1, 11, 29, tzinfo=berlin))
    assert not hour.is_valid(datetime(2025, 3, 1, 11, 31, tzinfo=berlin))


# ------------------------------------------------------------------------------ search


@pytest.fixture
def sample(store: HistoryStore) -> dict[str, HistoryEntry]:
    return {
        "acme": add_link(
            store,
            organization="Acme GmbH",
            email="anna@acme.example",
            origin_id="CUST-1",
            tool="personio",
            tool_label="Personio",
            created_at=T0,
        ),
        "mueller": add_link(
            store,
            organization="Müller   Bäckerei",
            email="Info@Mueller.example",
            origin_id="CUST-2",
            tool="successfactors",
            tool_label="SAP SuccessFactors",
            created_at=T0 + timedelta(hours=1),
        ),
        "percent": add_link(
            store,
            organization="100% Growth_Partners 'quoted' \"double\" back\\slash",
            email="hello@growth.example",
            origin_id=None,
            tool=None,
            category=Category.ATS,
            created_at=T0 + timedelta(hours=2),
        ),
        "relink": record_relink(
            store,
            profile="default",
            integration_id="bamboohr:QWERTY123",
            language=Language.EN,
            link_type=LinkType.MAGIC_LINK,
            url="https://connect.kombo.dev/v1?token=r1",
            created_at=T0 + timedelta(hours=3),
        ),
    }


def found(store: HistoryStore, text: str) -> list[str]:
    return [entry.organization or entry.integration_id or "?" for entry in store.search(text)]


def test_search_is_newest_first(store: HistoryStore, sample: dict[str, HistoryEntry]) -> None:
    assert store.search() == [
        sample["relink"],
        sample["percent"],
        sample["mueller"],
        sample["acme"],
    ]
    assert store.count() == 4


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("created_at", "last tuesday"),
        # Readable, but without a time zone: comparing it with now raised where it was shown.
        ("expires_at", "2099-01-01T10:00:00"),
        ("created_at", "2026-01-01T10:00:00"),
    ],
)
def test_a_damaged_entry_is_left_out_and_the_rest_still_shows(
    store: HistoryStore,
    store_path: Path,
    caplog: pytest.LogCaptureFixture,
    column: str,
    value: str,
) -> None:
    """A row changed outside the program must not take the whole history with it."""
    good = add_link(store, organization="Good GmbH")
    damaged = add_link(store, organization="Damaged AG", created_at=T0 + timedelta(hours=1))
    other = sqlite3.connect(store_path)
    update = f"UPDATE links SET {column} = ? WHERE id = ?"  # noqa: S608 - a column of the test's
    other.execute(update, (value, damaged.id))
    other.commit()
    other.close()

    assert store.search() == [good]
    assert store.search("damaged") == []
    assert store.get(damaged.id) is None
    assert store.get(good.id) == good
    assert f"History entry {damaged.id} is damaged" in caplog.text
    assert "Damaged AG" not in caplog.text  # customer data stays out of the log


def test_search_ignores_insertion_order(store: HistoryStore) -> None:
    later = add_link(store, organization="Later", created_at=T0 + timedelta(days=1))
    earlier = add_link(store, organization="Earlier", created_at=T0)
    assert store.search() == [later, earlier]


def test_a_link_dated_later_than_now_is_listed_where_it_was_saved(store: HistoryStore) -> None:
    # The computer's clock was three hours ahead when a link was made, then put right: that
    # link stayed on top of the history, above the links truly made after it.
    now = datetime.now(UTC)
    before = add_link(store, organization="Before", created_at=now - timedelta(days=1))
    ahead = add_link(store, organization="Ahead", created_at=now + timedelta(hours=3))
    after = add_link(store, organization="After", created_at=now - timedelta(minutes=10))
    assert store.search() == [after, ahead, before]
    assert store.first_page("", 2) == ([after, ahead], 3)
    assert store.search(limit=1, offset=1) == [ahead]
    assert store.search("ahead") == [ahead]


def test_links_dated_later_than_now_come_in_the_order_they_were_saved(
    store: HistoryStore,
) -> None:
    # Nothing was made since the clock was put right: they are the newest, last saved first.
    now = datetime.now(UTC)
    before = add_link(store, organization="Before", created_at=now - timedelta(minutes=5))
    first = add_link(store, organization="First", created_at=now + timedelta(hours=3))
    second = add_link(store, organization="Second", created_at=now + timedelta(hours=2))
    assert store.search() == [second, first, before]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("acme", ["acme"]),  # organisation
        ("ACME gmbh", ["acme"]),
        ("anna@", ["acme"]),  # e-mail
        ("info@mueller", ["mueller"]),
        ("cust-2", ["mueller"]),  # customer id
        ("CUST-", ["mueller", "acme"]),
        ("personio", ["acme"]),  # tool id
        ("sap success", ["mueller"]),  # tool display name
        ("bamboohr", ["relink"]),  # tool taken from the integration id
        ("QWERTY", ["relink"]),  # integration id
        ("müller bäckerei", ["mueller"]),  # umlauts, any case, spaces collapsed
        ("MÜLLER", ["mueller"]),
        ("  müller    bäck  ", ["mueller"]),
        ("%", ["percent"]),  # LIKE wildcards taken literally
        ("_", ["percent"]),
        ("100%", ["percent"]),
        ("'quoted'", ["percent"]),
        ('"double"', ["percent"]),
        ("back\\slash", ["percent"]),
        ("connect.kombo.dev", ["relink", "percent", "mueller", "acme"]),  # a piece of each link
        ("default", []),  # nor the profile
        ("gmbh anna", []),  # never across two fields
        ("nothing like this", []),
    ],
)
def test_search_matches_the_listed_fields(
    store: HistoryStore, sample: dict[str, HistoryEntry], text: str, expected: list[str]
) -> None:
    assert store.search(text) == [sample[name] for name in expected]
    assert store.count(text) == len(expected)


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("Müller GmbH", "muller"),  # heard on a call, typed without the umlaut
        ("Müller GmbH", "Mueller"),  # the umlaut spelt out, as German names often are
        ("Mueller GmbH", "Mueller"),
        ("Müller GmbH", "MÜLLER"),
        ("Société Générale", "societe gen"),
        ("Ørsted A/S", "orsted"),
        ("Łódź Logistics", "lodz"),
        ("Straße AG", "strasse"),
        ("Mueller GmbH", "Müller"),  # typed with the umlaut, stored spelt out
        ("Jörg Hansen & Co", "joerg"),
    ],
)
def test_search_ignores_accents(store: HistoryStore, stored: str, typed: str) -> None:
    entry = add_link(store, organization=stored)
    add_link(store, organization="Other Ltd")
    assert store.search(typed) == [entry]
    assert store.count(typed) == 1


def test_a_search_with_an_umlaut_finds_the_addresses_that_spell_it_out(
    store: HistoryStore,
) -> None:
    entry = add_link(store, organization="Acme", email="j.mueller@acme.example")
    assert store.search("Müller") == [entry]
    assert store.count("Müller") == 1
    assert store.matches(entry, "Müller")


def test_a_search_without_accents_does_not_find_spelt_out_umlauts(store: HistoryStore) -> None:
    # "Mueller" is not what "Muller" was typed for: the two are different names.
    add_link(store, organization="Mueller GmbH")
    assert store.search("muller") == []


def test_blank_search_lists_everything(
    store: HistoryStore, sample: dict[str, HistoryEntry]
) -> None:
    assert len(store.search("   ")) == 4
    assert store.count("\t") == 4


def test_search_pages_with_limit_and_offset(store: HistoryStore) -> None:
    made = [
        add_link(store, organization=f"Firm {n}", created_at=T0 + timedelta(minutes=n))
        for n in range(10)
    ]
    newest_first = list(reversed(made))
    assert store.search("firm", limit=3) == newest_first[:3]
    assert store.search("firm", limit=3, offset=3) == newest_first[3:6]
    assert store.search("firm", limit=3, offset=9) == newest_first[9:]
    assert store.search("firm", limit=None) == newest_first
    assert store.search("firm", limit=0) == []
    with pytest.raises(ValueError):
        store.search("firm", limit=-1)
    with pytest.raises(ValueError):
        store.search("firm", offset=-1)


def test_a_search_keeps_to_the_links_that_still_work_or_to_those_that_no_longer_do(
    store: HistoryStore,
) -> None:
    """Staff ask "which of my links no longer work?": an expired link, or a demo link of a
    demo service no longer running, no longer works. The store finds them a page at a time,
    counts them, exports them, and says of a link just made whether it is one of them."""
    now = datetime.now(UTC)
    origin = "http://127.0.0.1:5000"
    works = add_link(store, organization="Acme works", created_at=now - timedelta(minutes=5))
    expired = add_link(store, organization="Acme expired", created_at=T0)
    demo = {"is_demo": True, "url": f"{origin}/connect?token=now"}
    running_demo = add_link(store, organization="Acme demo", **demo, created_at=now)
    ended = {"is_demo": True, "url": "http://127.0.0.1:1/connect?token=earlier"}
    ended_demo = add_link(store, organization="Acme old demo", **ended, created_at=now)
    add_link(store, organization="Globex", email="eva@globex.example", created_at=now)
    working = WhichLinks(Showing.WORKING, origin)
    not_working = WhichLinks(Showing.NOT_WORKING, origin)

    assert store.search("acme", which=working) == [running_demo, works]
    assert store.search("acme", which=not_working) == [ended_demo, expired]
    assert store.first_page("", 1, not_working) == ([ended_demo], 2)
    assert store.search("", limit=1, offset=1, which=not_working) == [expired]
    assert store.count("acme", working) == 2
    assert store.export_entries("acme", which=not_working) == [ended_demo, expired]
    # With no demo running, no demo link works.
    no_demo = WhichLinks(Showing.NOT_WORKING)
    assert store.search("acme", which=no_demo) == [ended_demo, running_demo, expired]
    # A link just made is taken into a list exactly when reading the list again shows it.
    everything = store.search(limit=None)
    for which in (ALL_LINKS, working, not_working, no_demo):
        found = store.search(limit=None, which=which)
        assert [entry for entry in everything if store.matches(entry, "", which)] == found


def test_the_next_link_found_to_stop_working_is_told_by_its_expiry(store: HistoryStore) -> None:
    """A list of the links that no longer work gains one the moment it expires: the store
    tells when the next of those found that still work does, among the search's."""
    now = datetime.now(UTC)
    origin = "http://127.0.0.1:5000"
    add_link(store, organization="Acme expired", created_at=T0)
    sooner = add_link(store, organization="Acme sooner", created_at=now - timedelta(days=9))
    add_link(store, organization="Acme later", created_at=now - timedelta(days=1))
    globex = add_link(
        store,
        organization="Globex",
        email="eva@globex.example",
        created_at=now - timedelta(days=20),
    )
    unsafe = "http://connect.kombo.dev/v1?token=plain"
    add_link(store, organization="Acme unsafe", url=unsafe, created_at=now - timedelta(days=30))
    ended = {"is_demo": True, "url": "http://127.0.0.1:1/connect?token=earlier"}
    add_link(store, organization="Acme old demo", **ended, created_at=now - timedelta(days=30))

    assert store.next_expiry("acme", origin) == sooner.expires_at
    assert store.next_expiry("", origin) == globex.expires_at
    assert store.next_expiry("initech", origin) is None


def test_a_link_refused_as_unsafe_no_longer_works_though_it_has_not_expired(
    store: HistoryStore, tmp_path: Path
) -> None:
    """Kombo answered with a link that is not https (kept by an older version): the table
    says "Unsafe link" of it, Copy and Open refuse it, the export leaves it out. It was listed
    under "Still working" all the same, and missing from "No longer working"."""
    now = datetime.now(UTC)
    works = add_link(store, organization="Acme works", created_at=now - timedelta(minutes=5))
    unsafe_url = "http://connect.kombo.dev/v1?token=plain"
    assert link_problem(unsafe_url, loopback_api=False, key=None) is not None
    unsafe = add_link(store, organization="Acme unsafe", url=unsafe_url, created_at=now)
    expired = add_link(store, organization="Acme expired", created_at=T0)
    assert unsafe.is_valid()
    working = WhichLinks(Showing.WORKING)
    not_working = WhichLinks(Showing.NOT_WORKING)

    assert store.search("acme", which=working) == [works]
    assert store.search("acme", which=not_working) == [unsafe, expired]
    assert store.count("", working) == 1
    assert store.count("", not_working) == 2
    assert store.first_page("", 1, not_working) == ([unsafe], 2)
    assert store.search("", limit=1, offset=1, which=not_working) == [expired]
    assert store.export_entries("acme", which=working) == [works]
    exported = store.export_entries("acme", which=not_working)
    assert exported == [unsafe, expired]
    target = tmp_path / "not-working.csv"
    export_csv(exported, target)
    status = CSV_HEADER.index("Status")
    assert [row[status] for row in read_csv(target)[1:]] == ["Unsafe link", "Expired"]
    # A link just made is taken into a list exactly when reading the list again shows it.
    everything = store.search(limit=None)
    for which in (working, not_working):
        found = store.search(limit=None, which=which)
        assert [entry for entry in everything if store.matches(entry, "", which)] == found


def test_a_first_page_that_holds_every_match_is_read_without_counting_again(
    store: HistoryStore, store_path: Path
) -> None:
    """The panel asks for the first page and the count together. A search for one customer or
    one link finds fewer entries than a page holds: the page is then the count, and a long
    history is read once for it instead of twice."""
    for n in range(5):
        add_link(store, organization=f"Firm {n}", created_at=T0 + timedelta(minutes=n))
    damaged = add_link(store, organization="Firm damaged", created_at=T0 + timedelta(hours=1))
    add_link(store, organization="Other")
    other = sqlite3.connect(store_path)
    other.execute("UPDATE links SET created_at = 'last tuesday' WHERE id = ?", (damaged.id,))
    other.commit()
    other.close()
    statements: list[str] = []
    assert store._conn is not None
    store._conn.set_trace_callback(statements.append)

    for text in ("firm", "firm 3", "nobody", ""):
        for limit in (1, 5, 6, 200):
            statements.clear()
            page = store.first_page(text, limit=limit)
            # What the two questions answer, the damaged entry counted but not listed.
            assert page == (store.search(text, limit=limit), store.count(text)), (text, limit)
            counted = page[1] >= limit  # a full page: there may be more
            assert sum("count(*)" in s for s in statements) == 1 + counted, (text, limit)
    with pytest.raises(ValueError):
        store.first_page("firm", limit=0)


def test_strings_python_cannot_encode_are_stored_and_searched(store: HistoryStore) -> None:
    # The form refuses such a name today; a history that holds one must still work.
    odd = add_unchecked_link(store, organization="Broken \ud800 name\x00 with nul")
    assert odd.organization == "Broken \ufffd name\x00 with nul"
    assert store.search("\ud800") == [odd]
    assert store.search("name\x00 with") == [odd]
    assert store.count("\udfff") == 1  # any lone surrogate reads as the replacement character


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text())
def test_any_search_text_works(store: HistoryStore, text: str) -> None:
    if store.count() == 0:
        add_link(store, organization="Acme")
        add_unchecked_link(store, organization="100% 'x' \"y\" _z_ \\ %% ", email="a%b@c_d.example")
    results = store.search(text, limit=10)
    assert len(results) <= 2
    assert store.count(text) == len(results)


SMALL_ALPHABET = st.text(alphabet="abAB %_'\\", max_size=6)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fields=st.lists(st.tuples(SMALL_ALPHABET, SMALL_ALPHABET), min_size=1, max_size=4),
    text=st.text(alphabet="abcAB %_'\\", max_size=4),
)
def test_search_finds_exactly_the_entries_containing_the_text(
    tmp_path_factory: pytest.TempPathFactory,
    fields: list[tuple[str, str]],
    text: str,
) -> None:
    """Checked against a plain model: lower case, runs of spaces as one, substring of a field."""

    def simple(value: str) -> str:
        return " ".join(value.lower().split())

    with HistoryStore(tmp_path_factory.mktemp("h") / "history.sqlite3") as fresh:
        made = [
            # A name of spaces only is no name: the form refuses it.
            add_link(fresh, organization=org.strip() or "x", origin_id=origin, tool=None)
            for org, origin in fields
        ]
        expected = [
            entry
            for entry in reversed(made)
            if any(
                simple(text) in simple(value)
                for value in (entry.organization, entry.origin_id, entry.email)
                if value
            )
        ]
        assert fresh.search(text) == expected
        # The list on show takes a link just made by the same rule, without reading the file.
        assert [entry for entry in reversed(made) if fresh.matches(entry, text)] == expected


@pytest.mark.parametrize("text", ["müller", "Mueller", "MULLER", "m-1", "personio", ""])
def test_matching_one_entry_agrees_with_the_search(store: HistoryStore, text: str) -> None:
    entry = add_link(store, organization="Müller GmbH", origin_id="M-1")
    other = add_link(store, organization="Other", email="x@other.example", tool="bamboohr")
    assert store.matches(entry, text) == (entry in store.search(text))
    assert store.matches(other, text) == (other in store.search(text))


# ------------------------------------------------------------------------------ kind of system


@pytest.fixture
def one_per_kind(store: HistoryStore) -> dict[Category, HistoryEntry]:
    """One link for each kind of system, for customers whose names say nothing about it."""
    tools = {Category.HRIS: "personio", Category.ATS: "greenhouse", Category.LMS: "moodle"}
    return {
        category: add_link(
            store,
            organization=f"Customer {n}",
            email=f"it@customer{n}.example",
            category=category,
            tool=tools.get(category),  # an assessment link lets the customer choose
            created_at=T0 + timedelta(hours=n),
        )
        for n, category in enumerate(Category)
    }


@pytest.mark.parametrize("category", list(Category))
def test_the_kind_of_system_finds_its_links_by_the_forms_words_and_kombos_code(
    store: HistoryStore, one_per_kind: dict[Category, HistoryEntry], category: Category
) -> None:
    """The words the form's "Kind of system" shows ("Recruiting system (ATS)"), any part of
    them ("recruiting"), and Kombo's code ("ATS"), in any case."""
    name = CATEGORY_NAMES[category]
    typed = [name, name.upper(), name.split()[0].lower(), category.value, category.value.lower()]
    for text in typed:
        assert store.search(text) == [one_per_kind[category]], text
        assert store.count(text) == 1, text
        for entry in one_per_kind.values():
            assert store.matches(entry, text) == (entry.category is category), text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("recruiting", [Category.ATS]),
        ("ATS", [Category.ATS]),
        ("learning", [Category.LMS]),
        ("lms", [Category.LMS]),
        ("HR system", [Category.HRIS]),
        ("assessment", [Category.ASSESSMENT]),
        ("HR", [Category.HRIS]),
        ("recruit", [Category.ATS]),  # the start of a word, as it is being typed
        ("Learn", [Category.LMS]),
        ("Recruiting system (ATS)", [Category.ATS]),
        ("Assessment tool", [Category.ASSESSMENT]),
        ("system", []),  # words every kind shares name none on its own
        ("tool", []),
        ("sys", []),
        ("(", []),
        ("ing", []),  # inside "recruiting" and "learning", but the start of no word
        ("as", []),  # too short to stand for the start of a word
        ("ats recruiting", [Category.ATS]),
        ("recruiting customer", []),  # never across two fields
        ("recruiting tool", []),  # nor across two kinds' names
    ],
)
def test_words_of_a_kind_of_system_find_the_links_made_for_it(
    store: HistoryStore,
    one_per_kind: dict[Category, HistoryEntry],
    text: str,
    expected: list[Category],
) -> None:
    assert store.search(text) == [one_per_kind[category] for category in expected]
    assert store.count(text) == len(expected)


def test_a_short_customer_name_inside_a_kinds_words_finds_only_that_customer(
    store: HistoryStore, one_per_kind: dict[Category, HistoryEntry]
) -> None:
    """ "ING" is in "Recruiting" and "Learning": a search for the customer ING Bank must not
    bring up every recruiting and learning link with it."""
    ing = add_link(store, organization="ING Bank", email="hr@bank.example", created_at=T0)
    for text in ("ING", "ing bank"):
        assert store.search(text) == [ing], text
        assert store.count(text) == 1, text
        for entry in one_per_kind.values():
            assert not store.matches(entry, text), text


def test_a_kind_of_system_finds_the_customers_named_after_it_too(
    store: HistoryStore, one_per_kind: dict[Category, HistoryEntry]
) -> None:
    named = add_link(store, organization="Top Recruiting Ltd", created_at=T0 + timedelta(days=1))
    assert store.search("recruiting") == [named, one_per_kind[Category.ATS]]


def test_a_search_for_a_kind_reads_only_the_searchs_index(store: HistoryStore) -> None:
    """Naming a kind must not make a search read every row of a long history (the code is in
    the search's covering index), nor a search that names none."""
    add_link(store)
    for text in ("recruiting", "acme"):
        search = SearchQuery.for_text(text)
        for query in (search.count_query(), search.entries_query()):
            parameters = {**search.parameters, "limit": 10, "offset": 0}
            with sqlite3.connect(store.path) as conn:
                plan = conn.execute(f"EXPLAIN QUERY PLAN {query}", parameters).fetchall()
            steps = [str(step[-1]) for step in plan]
            assert any("INDEX links_search" in step for step in steps), steps
            if "count" in query:
                assert steps == ["SCAN links USING COVERING INDEX links_search"], steps


def test_a_reconnection_link_without_a_kind_is_not_found_by_one(store: HistoryStore) -> None:
    relink = record_relink(
        store,
        profile="default",
        integration_id="greenhouse:XYZ",
        language=Language.EN,
        link_type=LinkType.MAGIC_LINK,
        url="https://connect.kombo.dev/v1?token=r1",
        created_at=T0,
    )
    assert relink.category is None
    assert store.search("recruiting") == []
    assert not store.matches(relink, "ats")
    assert store.search("greenhouse") == [relink]


# ------------------------------------------------------------------------------ pasted links

# A link as Kombo hands it out: every link starts alike (the address and the token's header).
LINK_START = "https://connect.kombo.dev/v1?token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
LINK = LINK_START + "eyJlbmRVc2VyIjoiYWNtZSJ9.Zm9vYmFyLXNpZ25hdHVyZS1fb2YtdGhlLWxpbms"
OTHER_LINK = LINK_START + "eyJlbmRVc2VyIjoib3RoZXIifQ.b3RoZXItc2lnbmF0dXJlLV9vZi1pdC14eXo"


@pytest.fixture
def two_links(store: HistoryStore) -> dict[str, HistoryEntry]:
    return {
        "acme": add_link(store, organization="Acme GmbH", url=LINK, created_at=T0),
        "other": add_link(
            store,
            organization="Other AG",
            email="x@other.example",
            url=OTHER_LINK,
            created_at=T0 + timedelta(hours=1),
        ),
    }


@pytest.mark.parametrize(
    "pasted",
    [
        LINK,
        f"  {LINK}  ",  # with the spaces around it that came with it
        f"{LINK}.",  # the end of the customer's sentence
        f"\t{LINK}.\n",
        f"<{LINK}>",  # as e-mail programs write a link
        f"({LINK}),",
        f"“{LINK}”",
        # broken over two lines in the customer's e-mail: found by its first line
        f"{LINK[:90]}\n{LINK[90:]}",
        f"this link does not work: {LINK}",  # the customer's words pasted along
        f"this link does not work: {LINK} Can you help?",  # and the words after it
        f"{LINK}\nThanks, Anna",
        f"See <{LINK}>.\n\nBest regards,\nAnna Müller",
        LINK[: len(LINK_START) + 20],  # only its beginning: cut off in the e-mail
        LINK[len(LINK_START) :],  # only the token's own part
        LINK[-20:],  # only the end
        LINK[len(LINK_START) + 5 : -5],  # a piece from the middle
        LINK.removeprefix("https://"),  # without its https://
    ],
)
def test_a_pasted_link_finds_its_entry(
    store: HistoryStore, two_links: dict[str, HistoryEntry], pasted: str
) -> None:
    assert store.search(pasted) == [two_links["acme"]]
    assert store.count(pasted) == 1
    assert store.matches(two_links["acme"], pasted)
    assert not store.matches(two_links["other"], pasted)


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("connect.kombo.dev", ["other", "acme"]),  # a piece of every link
        (LINK_START, ["other", "acme"]),
        # broken over two lines within the part every link shares: its first line is in both
        (f"{LINK[:60]}\n{LINK[60:]}", ["other", "acme"]),
        (LINK + "x", []),  # a longer link is another link
        (LINK.upper(), []),  # a token's letters are not the same in capitals
        (LINK.replace("https://", "http://"), []),
        (LINK[-20:-1] + "Q", []),
        ("kombo", []),  # a word alone is not a piece of a link
        ("token", []),
        ("https", []),
    ],
)
def test_a_pasted_link_finds_only_the_links_it_is_part_of(
    store: HistoryStore, two_links: dict[str, HistoryEntry], pasted: str, expected: list[str]
) -> None:
    assert store.search(pasted) == [two_links[name] for name in expected]
    assert store.count(pasted) == len(expected)
    for name, entry in two_links.items():
        assert store.matches(entry, pasted) == (name in expected)


TOKEN_LETTERS = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.",
    min_size=20,
    max_size=120,
)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    token=TOKEN_LETTERS,
    before=st.sampled_from(["", " ", "\t", "<", "(", "“", "It says: "]),
    after=st.sampled_from(["", " ", ".", ". ", ">", "),", "”", "\n"]),
    piece=st.tuples(st.integers(0, 40), st.integers(16, 80)),
)
def test_any_link_pasted_finds_its_entry_and_only_where_it_is(
    tmp_path_factory: pytest.TempPathFactory,
    token: str,
    before: str,
    after: str,
    piece: tuple[int, int],
) -> None:
    link = f"https://connect.kombo.dev/v1?token={token}"
    with HistoryStore(tmp_path_factory.mktemp("h") / "history.sqlite3") as fresh:
        entry = add_link(fresh, url=link)
        other = add_link(fresh, url=OTHER_LINK, created_at=T0 + timedelta(hours=1))
        assert fresh.search(f"{before}{link}{after}") == [entry]
        # A piece of its token: found where it is, wherever that is, and nowhere else.
        start, length = piece
        part = token[start : start + length].strip(".")
        if len(part) >= 16:
            expected = [e for e in (other, entry) if part in e.url]
            assert entry in expected
            assert fresh.search(part) == expected
            assert [e for e in (other, entry) if fresh.matches(e, part)] == expected


@pytest.mark.parametrize(
    ("pasted", "links_read"),
    [
        (f" {LINK}. ", "SEARCH links USING COVERING INDEX links_by_url (url>? AND url<?)"),
        (LINK[:50], "SEARCH links USING COVERING INDEX links_by_url (url>? AND url<?)"),
        (LINK[-30:], "SCAN links USING COVERING INDEX links_by_url"),  # each link looked at
    ],
)
def test_a_pasted_link_is_looked_up_in_the_index_of_links(
    store: HistoryStore, pasted: str, links_read: str
) -> None:
    """Not in every row of a long history: a whole link, or its beginning, is found at once."""
    add_link(store)
    search = SearchQuery.for_text(pasted)
    with sqlite3.connect(store.path) as conn:
        plan = conn.execute(f"EXPLAIN QUERY PLAN {search.count_query()}", search.parameters)
        steps = [str(step[-1]) for step in plan.fetchall()]
    assert steps == ["SCAN links USING COVERING INDEX links_search", "LIST SUBQUERY 1", links_read]


def test_a_pasted_reconnection_link_finds_its_integration(store: HistoryStore) -> None:
    relink = record_relink(
        store,
        profile="default",
        integration_id="personio:93fCvorjZ2jas7ZekX1V1n5d",
        language=Language.EN,
        link_type=LinkType.MAGIC_LINK,
        url=LINK,
        created_at=T0,
    )
    add_link(store, url=OTHER_LINK)
    assert store.search(f" {LINK}. ") == [relink]


# ------------------------------------------------------------------------------ duplicates


def duplicate_of(store: HistoryStore, **changes: Any) -> HistoryEntry | None:
    query: dict[str, Any] = {
        "origin_id": None,
        "organization": "Acme GmbH",
        "email": "anna@acme.example",
        "category": Category.HRIS,
        "tool": "personio",
        "now": T0 + timedelta(days=1),
    }
    query.update(changes)
    profile = query.pop("profile", "default")
    return store.find_duplicate(profile, **query)


def test_same_customer_id_is_a_duplicate_whatever_the_names(store: HistoryStore) -> None:
    earlier = add_link(store, origin_id="CUST-9", organization="Acme", email="a@acme.example")
    assert (
        duplicate_of(store, origin_id="CUST-9", organization="Other", email="b@other.example")
        == earlier
    )


def test_a_different_customer_id_is_a_different_customer(store: HistoryStore) -> None:
    add_link(store, origin_id="CUST-9")
    assert duplicate_of(store, origin_id="CUST-10") is None


def test_an_earlier_link_without_customer_id_is_matched_by_name(store: HistoryStore) -> None:
    earlier = add_link(store, origin_id=None)
    assert duplicate_of(store, origin_id="CUST-10", email="someone@else.example") == earlier


@pytest.mark.parametrize("invisible", ["\u200e", "\u200b", "\ufeff", "\u00ad", "\u2060"], ids=repr)
def test_invisible_characters_pasted_with_a_name_do_not_count(
    store: HistoryStore, invisible: str
) -> None:
    # A left-to-right mark, zero-width space, byte-order mark, soft hyphen or word joiner
    # comes along when a name is copied from a web page, a CRM or a chat.
    # The form takes them out since (sent_text), but an older history holds them as typed.
    earlier = add_unchecked_link(store, organization=f"{invisible}Acme Gm{invisible}bH", email=None)
    assert duplicate_of(store, organization="Acme GmbH", email="new@x.example") == earlier
    assert store.search("acme gmbh") == [earlier]
    assert earlier.organization == f"{invisible}Acme Gm{invisible}bH"  # kept as typed


def test_organisation_names_match_ignoring_case_and_spaces(store: HistoryStore) -> None:
    earlier = add_link(store, organization="  Acme   GmbH ", email="anna@acme.example")
    assert duplicate_of(store, organization="ACME gmbh", email="new@x.example") == earlier
    assert duplicate_of(store, organization="Acme\tGmbH", email="new@x.example") == earlier
    assert duplicate_of(store, organization="Acme GmbH & Co", email="new@x.example") is None


@pytest.mark.parametrize(
    ("earlier", "now"),
    [
        ("Acme GmbH", "Acme GmbH."),
        ("Acme GmbH", "Acme, GmbH"),
        ("Acme GmbH", "Acme-GmbH"),
        ("Müller Söhne GmbH", "Mueller Soehne GmbH"),
        ("Mueller Soehne GmbH", "Müller Söhne GmbH"),
        ("Société Générale", "Societe Generale"),
        ("Øresund Ltd", "Oresund Ltd"),
    ],
)
def test_organisation_names_match_ignoring_punctuation_and_accents(
    store: HistoryStore, earlier: str, now: str
) -> None:
    # Kombo does not deduplicate: "Acme GmbH." missed the link made for "Acme GmbH", and the
    # customer got a second integration.
    made = add_link(store, organization=earlier, email="anna@acme.example")
    assert duplicate_of(store, organization=now, email="new@x.example") == made


@pytest.mark.parametrize(
    "other",
    [
        "Acme GmbH & Co",
        "Acme Holding",
        "Acne GmbH",
        "Müller AG",
        "Muller GmbH",
        "Baur GmbH",
        "कोमल ट्रेडर्स",
        "Иога Студия",
    ],
)
def test_other_organisations_still_do_not_match(store: HistoryStore, other: str) -> None:
    # The key also decides whether a link is "this customer's", offered with one Enter:
    # "ue" taken for "u" made Baur GmbH Bauer GmbH, and dropped vowel signs made Komal Kamal.
    add_link(store, organization="Acme GmbH", email="anna@acme.example")
    add_link(store, organization="Müller GmbH", email="m@mueller.example")
    add_link(store, organization="Bauer GmbH", email="b@bauer.example")
    add_link(store, organization="कमल ट्रेडर्स", email="k@kamal.example")
    add_link(store, organization="Йога Студия", email="y@yoga.example")  # й is not и
    assert duplicate_of(store, organization=other, email="new@x.example") is None


def test_a_version_5_file_matches_names_written_another_way(store_path: Path) -> None:
    """Version 5 compared names with their punctuation and accents; the upgrade makes the
    keys of existing rows again."""
    store_path.parent.mkdir(parents=True)
    make_v1_file(
        store_path, [v1_row(1, organization="Acme GmbH."), v1_row(2, organization="Müller")]
    )
    conn = sqlite3.connect(store_path, isolation_level=None)
    schema.register_functions(conn)
    for step in MIGRATIONS[1:5]:
        for statement in step:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 5")
    conn.close()

    with HistoryStore(store_path) as upgraded:
        for typed in ("acme gmbh", "Mueller"):  # rows 1 and 2, as the upgrade keyed them
            found = upgraded.find_duplicate(
                "default",
                origin_id=None,
                organization=typed,
                email=None,
                category=Category.HRIS,
                tool="personio",
                now=T0,
            )
            assert found is not None, typed
    assert user_version(store_path) == SCHEMA_VERSION


def test_the_same_email_matches_ignoring_case(store: HistoryStore) -> None:
    earlier = add_link(store, organization="Acme GmbH", email="Anna@ACME.example")
    assert duplicate_of(store, organization="Renamed Ltd", email="anna@acme.example") == earlier
    assert duplicate_of(store, organization="Renamed Ltd", email="ben@acme.example") is None


def test_a_chosen_tool_must_be_the_same_tool_in_the_same_category(store: HistoryStore) -> None:
    earlier = add_link(store, tool="personio", category=Category.HRIS)
    assert duplicate_of(store, tool="personio") == earlier
    # Personio serves HR and recruiting: each is an integration of its own, so a recruiting
    # link after an HR one is no duplicate ("Use the existing link" handed out the HR one).
    assert duplicate_of(store, tool="personio", category=Category.ATS) is None
    assert duplicate_of(store, tool="bamboohr") is None


def test_an_earlier_link_that_let_the_customer_choose_counts_for_any_tool_of_its_kind(
    store: HistoryStore,
) -> None:
    # The customer may have chosen HiBob with the earlier link: a HiBob link went out unasked.
    chooses = add_link(store, tool=None, category=Category.HRIS)
    assert duplicate_of(store, tool="hibob", category=Category.HRIS) == chooses
    assert duplicate_of(store, tool="greenhouse", category=Category.ATS) is None


def test_without_a_tool_the_same_category_matches(store: HistoryStore) -> None:
    with_tool = add_link(store, tool="personio", category=Category.HRIS, created_at=T0)
    assert duplicate_of(store, tool=None, category=Category.HRIS) == with_tool
    assert duplicate_of(store, tool=None, category=Category.ATS) is None
    no_tool = add_link(store, tool=None, category=Category.ATS, created_at=T0 + timedelta(1))
    assert duplicate_of(store, tool=None, category=Category.ATS) == no_tool


def test_another_profile_is_not_a_duplicate(store: HistoryStore) -> None:
    add_link(store, profile="us-production")
    assert duplicate_of(store, profile="default") is None
    assert duplicate_of(store, profile="us-production") is not None


def test_a_link_in_the_same_kombo_environment_is_a_duplicate_under_any_profile(
    store: HistoryStore,
) -> None:
    # Made with the key given at start (KOMBO_API_KEY, a production key) while the profile
    # "Sandbox" was chosen: the link is in the production environment, and a link for the
    # same customer under "Production" would be a second one there.
    made = add_link(store, profile="Sandbox", environment_id="env-prod")
    assert duplicate_of(store, profile="Production", environment_id="env-prod") == made
    assert duplicate_of(store, profile="Production", environment_id="env-other") is None
    # Where either environment is not known, only the same profile tells.
    assert duplicate_of(store, profile="Production") is None
    add_link(store, profile="Staging", organization="Globex", email="eva@globex.example")
    assert (
        duplicate_of(
            store,
            profile="Production",
            organization="Globex",
            email="eva@globex.example",
            environment_id="env-prod",
        )
        is None
    )
    # Every way of telling the customer counts across profiles: customer id, e-mail.
    by_id = add_link(
        store,
        profile="Sandbox",
        origin_id="C-7",
        organization="Initech",
        email="x@initech.example",
        environment_id="env-prod",
    )
    assert (
        duplicate_of(
            store,
            profile="Production",
            origin_id="C-7",
            organization="Renamed",
            email="y@initech.example",
            environment_id="env-prod",
        )
        == by_id
    )
    assert (
        duplicate_of(
            store,
            profile="Production",
            origin_id="C-8",
            organization="Initech",
            email="x@initech.example",
            environment_id="env-prod",
        )
        is None
    )
    # A demo link is never taken for a real one, whatever its profile.
    add_link(
        store,
        profile="Sandbox",
        organization="Umbrella",
        is_demo=True,
        email="u@umbrella.example",
        environment_id="env-prod",
    )
    assert (
        duplicate_of(
            store,
            profile="Production",
            organization="Umbrella",
            email="u@umbrella.example",
            environment_id="env-prod",
        )
        is None
    )


def test_the_duplicate_check_in_an_environment_reads_indexes_not_every_row(
    store: HistoryStore, store_path: Path
) -> None:
    from kombo_desktop.core.history.duplicates import _DUPLICATE

    add_link(store, environment_id="env-prod")
    parameters = {
        "profile": "default",
        "origin_id": "C-1",
        "organization_key": "acme",
        "email_key": "anna@acme.example",
        "tool": "personio",
        "category": "HRIS",
        "now": "2030-01-01T00:00:00.000000Z",
        "demo": 0,
        "remote_environment": None,
        "environment_id": "env-prod",
    }
    conn = sqlite3.connect(store_path)
    try:
        plan = conn.execute(f"EXPLAIN QUERY PLAN {_DUPLICATE}", parameters).fetchall()
    finally:
        conn.close()
    steps = [row[-1] for row in plan]
    assert not [step for step in steps if step.startswith("SCAN links")], steps


ACME_PERSONIO = LinkRequest(
    end_user_email="anna@acme.example",
    end_user_organization_name="Acme GmbH",
    integration_tool="personio",
    integration_category=Category.HRIS,
)


def own_duplicates(store: HistoryStore, now: datetime = T0 + timedelta(days=1)) -> int:
    """How many earlier links of Acme GmbH's the warning for ``ACME_PERSONIO`` counts."""
    return store.count_own_duplicates(ACME_PERSONIO, profile="default", now=now)


def test_the_customers_own_earlier_links_are_counted(store: HistoryStore) -> None:
    # The warning named only the latest link: the person did not learn that the customer had
    # been sent three already.
    for n, organization in enumerate(["Acme GmbH", "ACME gmbh.", "Acme GmbH"]):
        add_link(store, organization=organization, url=f"{LINK_VALUES['url']}{n}")
    add_link(store, organization="Globex", url="https://connect.kombo.dev/v1?token=globex")
    add_link(store, tool="bamboohr", url="https://connect.kombo.dev/v1?token=bamboo")
    add_link(store, profile="other", url="https://connect.kombo.dev/v1?token=elsewhere")
    add_link(
        store,
        link_type=LinkType.EMBEDDED,  # expired an hour after T0
        url="https://connect.kombo.dev/v1?token=expired",
    )
    # Globex's link has the same e-mail address: a duplicate, but not Acme GmbH's own.
    assert own_duplicates(store) == 3
    assert duplicate_of(store) is not None


def test_the_customers_own_latest_link_is_found_under_a_newer_one_of_another_organisation(
    store: HistoryStore,
) -> None:
    # An adviser's e-mail address for Acme GmbH and then Globex AG: the newest duplicate is
    # Globex's, and the warning then never spoke of Acme's own valid link.
    older = add_link(store, url="https://connect.kombo.dev/v1?token=acme-older")
    own = add_link(
        store, url="https://connect.kombo.dev/v1?token=acme", created_at=T0 + timedelta(hours=1)
    )
    globex = add_link(
        store,
        organization="Globex AG",
        url="https://connect.kombo.dev/v1?token=globex",
        created_at=T0 + timedelta(hours=2),
    )
    now = T0 + timedelta(days=1)
    assert store.duplicate_of(ACME_PERSONIO, profile="default", now=now) == globex
    assert store.own_duplicate_of(ACME_PERSONIO, profile="default", now=now) == own
    assert own != older
    globex_request = replace(ACME_PERSONIO, end_user_organization_name="Globex AG")
    assert store.own_duplicate_of(globex_request, profile="default", now=now) == globex
    elsewhere = replace(ACME_PERSONIO, end_user_organization_name="Initech")
    assert store.own_duplicate_of(elsewhere, profile="default", now=now) is None


def test_a_link_waiting_to_be_saved_is_counted_too(store: HistoryStore) -> None:
    add_link(store, created_at=datetime.now(UTC) - timedelta(minutes=5))
    store.queue_request(
        ACME_PERSONIO, "https://connect.kombo.dev/v1?token=waits", profile="default"
    )
    assert store.waiting == 1
    assert own_duplicates(store, now=datetime.now(UTC)) == 2


def test_an_earlier_link_naming_no_organisation_counts_as_the_customers(
    store: HistoryStore,
) -> None:
    # Found by the e-mail address, as the warning finds it: "this customer's", not another
    # organisation's (an older history holds links made without a name).
    add_link(store)
    add_unchecked_link(store, organization=None, url="https://connect.kombo.dev/v1?token=mail")
    assert own_duplicates(store) == 2


def test_demo_links_of_an_ended_demo_are_not_counted(store: HistoryStore) -> None:
    # Each start of the demo gets an address of its own: the links of an earlier one lead
    # nowhere, and the warning never offers them.
    now = datetime.now(UTC)
    for n, origin in enumerate(["http://127.0.0.1:5001", *["http://127.0.0.1:5002"] * 2]):
        url = f"{origin}/demo/connect?token=DEMO-{n}"
        record_request(store, ACME_PERSONIO, url, profile="default", created_at=now, is_demo=True)

    def counted(demo_origin: str | None) -> int:
        return store.count_own_duplicates(
            ACME_PERSONIO, profile="default", demo=True, demo_origin=demo_origin
        )

    assert counted("http://127.0.0.1:5002") == 2
    assert counted("http://127.0.0.1:5001") == 1
    assert counted("http://127.0.0.1:500") == 0  # not the address of either
    assert counted(None) == 0  # no demo runs


def test_counting_the_customers_earlier_links_reads_indexes_not_every_row(
    store: HistoryStore, store_path: Path
) -> None:
    """With 100,000 links in the history, a count reading every row froze the window as the
    warning appeared; it reads the duplicate check's indexes only."""
    from kombo_desktop.core.history.duplicates import _COUNT_FOR_THE_ORGANIZATION

    add_link(store, environment_id="env-prod")
    parameters = {
        "profile": "default",
        "origin_id": None,
        "organization_key": "acmegmbh",
        "email_key": "anna@acme.example",
        "tool": "personio",
        "category": "HRIS",
        "now": "2030-01-01T00:00:00.000000Z",
        "demo": 0,
        "remote_environment": None,
        "environment_id": "env-prod",
        "demo_origin": None,
    }
    conn = sqlite3.connect(store_path)
    try:
        plan = conn.execute(
            f"EXPLAIN QUERY PLAN {_COUNT_FOR_THE_ORGANIZATION}", parameters
        ).fetchall()
    finally:
        conn.close()
    steps = [str(row[-1]) for row in plan]
    assert not [step for step in steps if step.startswith("SCAN links")], steps
    assert any("INDEX links_by_organization" in step for step in steps), steps


def test_an_expired_link_is_not_a_duplicate(store: HistoryStore) -> None:
    add_link(store, link_type=LinkType.EMBEDDED)
    assert duplicate_of(store, now=T0 + timedelta(minutes=30)) is not None
    assert duplicate_of(store, now=T0 + timedelta(hours=2)) is None


def test_the_newest_matching_link_is_returned(store: HistoryStore) -> None:
    add_link(store, created_at=T0)
    newest = add_link(store, created_at=T0 + timedelta(hours=5))
    add_link(store, created_at=T0 + timedelta(hours=6), tool="bamboohr")
    assert duplicate_of(store) == newest


def test_the_link_made_last_is_offered_not_one_dated_later_than_now(store: HistoryStore) -> None:
    # A link made while the clock was three hours ahead was offered as "the existing link",
    # though the customer had been sent a newer one since the clock was put right.
    now = datetime.now(UTC)
    add_link(
        store, url="https://connect.kombo.dev/v1?token=ahead", created_at=now + timedelta(hours=3)
    )
    newer = add_link(store, url="https://connect.kombo.dev/v1?token=newer", created_at=now)
    assert duplicate_of(store, now=now + timedelta(minutes=10)) == newer


def test_a_link_dated_later_than_now_is_still_an_earlier_link(store: HistoryStore) -> None:
    now = datetime.now(UTC)
    add_link(store, created_at=now - timedelta(days=1))
    ahead = add_link(
        store, url="https://connect.kombo.dev/v1?token=ahead", created_at=now + timedelta(hours=3)
    )
    assert duplicate_of(store, now=now) == ahead  # made after the older one, all the same


def test_a_valid_reconnection_link_for_the_customer_counts(store: HistoryStore) -> None:
    relink = record_relink(
        store,
        profile="default",
        integration_id="personio:abc",
        organization="Acme GmbH",
        language=Language.EN,
        link_type=LinkType.MAGIC_LINK,
        url="https://connect.kombo.dev/v1?token=r",
        created_at=T0,
    )
    assert duplicate_of(store) == relink
    # Its category is not known, so it counts for its tool in any category.
    assert relink.category is None
    assert duplicate_of(store, tool="personio", category=Category.ATS) == relink


def test_empty_names_never_match_each_other(store: HistoryStore) -> None:
    record_relink(
        store,
        profile="default",
        integration_id="personio:abc",
        language=Language.EN,
        link_type=LinkType.MAGIC_LINK,
        url="https://connect.kombo.dev/v1?token=r",
        created_at=T0,
    )
    assert duplicate_of(store, organization="", email="") is None
    assert duplicate_of(store, organization=None, email=None) is None


def test_no_tool_and_no_category_finds_nothing(store: HistoryStore) -> None:
    add_link(store)
    assert duplicate_of(store, tool=None, category=None) is None


def relink_for(store: HistoryStore, integration_id: str, **changes: Any) -> HistoryEntry:
    values: dict[str, Any] = {
        "profile": "default",
        "integration_id": integration_id,
        "language": Language.EN,
        "link_type": LinkType.MAGIC_LINK,
        "url": "https://connect.kombo.dev/v1?token=r",
        "created_at": T0,
    }
    values.update(changes)
    return record_relink(store, **values)


def test_a_profile_made_a_link_for_an_integration_where_the_duplicate_check_looks(
    store: HistoryStore,
) -> None:
    relink_for(store, "personio:abc", environment_id="env-prod")
    relink_for(store, "hibob:xyz", profile="us-production")
    relink_for(store, "factorial:demo", is_demo=True)
    made = store.made_for_integration
    assert made("personio:abc", profile="default")
    assert made(" personio:abc ", profile="default", environment_id="env-prod")
    assert not made("personio:ab", profile="default")  # the whole id, not a part of it
    assert not made("personio:abc", profile="us-production")
    assert not made("personio:abc", profile="default", environment_id="env-dev")
    assert made("hibob:xyz", profile="us-production", environment_id="env-dev")  # not known
    assert not made("hibob:xyz", profile="default")
    assert not made("factorial:demo", profile="default")  # a demo link: real ones asked for
    assert made("factorial:demo", profile="default", demo=True)
    assert made("factorial:demo", profile="default", demo=None)
    assert not made("personio:abc", profile="default", demo=True)
    # An expired link counts: the integration was there when it was made.
    relink_for(store, "personio:old", link_type=LinkType.EMBEDDED)  # expired at T0 + 1 hour
    assert made("personio:old", profile="default")


def test_a_link_made_in_the_same_kombo_environment_with_another_profile_counts_too(
    store: HistoryStore,
) -> None:
    # The duplicate check finds a reconnection link made with another profile in the same
    # Kombo environment, but this check did not: Kombo saying the integration is gone was
    # taken for a mistyped id, and the warning went on offering the dead link.
    relink_for(store, "personio:abc", profile="US team", environment_id="env-prod")
    made = store.made_for_integration
    assert made("personio:abc", profile="default", environment_id="env-prod")
    assert not made("personio:abc", profile="default", environment_id="env-dev")
    assert not made("personio:abc", profile="default")  # the environment is not known
    assert not made("personio:abc", profile="default", environment_id="env-prod", demo=True)


# ------------------------------------------------------------------------------ upgrades


def test_the_frozen_v1_schema_is_what_the_first_step_creates(tmp_path: Path) -> None:
    def shape(conn: sqlite3.Connection) -> tuple[object, ...]:
        return (
            conn.execute("PRAGMA table_info(links)").fetchall(),
            conn.execute("PRAGMA index_list(links)").fetchall(),
        )

    frozen = sqlite3.connect(tmp_path / "frozen.sqlite3")
    frozen.executescript(V1_SCHEMA)
    first_step = sqlite3.connect(tmp_path / "step.sqlite3")
    for statement in MIGRATIONS[0]:
        first_step.execute(statement)
    assert shape(frozen) == shape(first_step)
    frozen.close()
    first_step.close()


def test_a_version_1_file_is_upgraded_and_keeps_its_entries(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    make_v1_file(
        store_path,
        [
            v1_row(1, organization="  ACME   GmbH ", email="Anna@Acme.example"),
            v1_row(2, created_at=T0 + timedelta(hours=1), lifetime=timedelta(hours=1)),
            v1_row(
                3,
                created_at=T0 + timedelta(hours=2),
                kind="relink",
                tool="bamboohr",
                integration_id="bamboohr:XYZ",
            ),
        ],
    )
    assert user_version(store_path) == 1

    with HistoryStore(store_path) as upgraded:
        assert upgraded.problem is None
        entries = upgraded.search()
        assert [e.origin_id for e in entries] == ["C-3", "C-2", "C-1"]
        assert entries[0].kind is EntryKind.RELINK
        assert entries[0].integration_id == "bamboohr:XYZ"
        assert entries[1].status(T0 + timedelta(hours=3)) is LinkStatus.EXPIRED
        assert entries[2].tool_label is None
        # The new columns were filled from the old rows: search and the duplicate check work.
        assert upgraded.search("acme gmbh") == [entries[2]]
        assert upgraded.search("xyz") == [entries[0]]
        assert (
            upgraded.find_duplicate(
                "default",
                origin_id=None,
                organization="acme gmbh",
                email=None,
                category=Category.HRIS,
                tool="personio",
                now=T0,
            )
            == entries[2]
        )
        assert (
            upgraded.find_duplicate(
                "default",
                origin_id=None,
                organization=None,
                email="ANNA@acme.EXAMPLE",
                category=Category.HRIS,
                tool="personio",
                now=T0,
            )
            == entries[2]
        )
        # Rows from before the advanced options were kept come back without any.
        assert {advanced_options(e) for e in entries} == {(None, None, False, False)}
        add_link(upgraded)
        assert upgraded.count() == 4
    assert user_version(store_path) == SCHEMA_VERSION


def test_a_version_2_file_is_upgraded_and_keeps_its_entries(store_path: Path) -> None:
    """The previous release wrote version 2; its rows gain the advanced options, unset."""
    store_path.parent.mkdir(parents=True)
    make_v1_file(store_path, [v1_row(1)])
    conn = sqlite3.connect(store_path, isolation_level=None)
    schema.register_functions(conn)
    for statement in MIGRATIONS[1]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    conn.close()

    with HistoryStore(store_path) as upgraded:
        assert upgraded.problem is None
        (entry,) = upgraded.search()
        assert entry.origin_id == "C-1"
        assert entry.scope_config_id is None and not entry.enable_filtering
        made = add_link(upgraded, scope_config_id="scope-9", enable_field_mapping=True)
        assert upgraded.get(made.id) == made
    assert user_version(store_path) == SCHEMA_VERSION


def test_a_version_3_file_has_its_keys_folded_again(store_path: Path) -> None:
    """Version 3 kept invisible characters in the keys; the upgrade folds them again."""
    store_path.parent.mkdir(parents=True)
    make_v1_file(store_path, [v1_row(1, organization="\u200eAcme GmbH")])
    conn = sqlite3.connect(store_path, isolation_level=None)
    schema.register_functions(conn)
    for step in MIGRATIONS[1:3]:
        for statement in step:
            conn.execute(statement)
    conn.execute(
        "UPDATE links SET organization_key = ?, search_text = ?",
        ("\u200eacme gmbh", "\u200eacme gmbh"),
    )
    conn.execute("PRAGMA user_version = 3")
    conn.close()

    with HistoryStore(store_path) as upgraded:
        (entry,) = upgraded.search()
        assert upgraded.search("acme gmbh") == [entry]
        found = upgraded.find_duplicate(
            "default",
            origin_id=None,
            organization="Acme GmbH",
            email=None,
            category=Category.HRIS,
            tool="personio",
            now=T0,
        )
        assert found == entry
    assert user_version(store_path) == SCHEMA_VERSION


def test_a_version_4_file_is_found_without_accents(store_path: Path) -> None:
    """Version 4 searched with accents; the upgrade folds the searched text again."""
    store_path.parent.mkdir(parents=True)
    make_v1_file(store_path, [v1_row(1, organization="Müller GmbH"), v1_row(2)])
    conn = sqlite3.connect(store_path, isolation_level=None)
    schema.register_functions(conn)
    for step in MIGRATIONS[1:4]:
        for statement in step:
            conn.execute(statement)
    conn.execute("UPDATE links SET search_text = 'müller gmbh' WHERE id = 1")  # as 4 left it
    conn.execute("PRAGMA user_version = 4")
    conn.close()

    with HistoryStore(store_path) as upgraded:
        (muller,) = (entry for entry in upgraded.search() if entry.organization == "Müller GmbH")
        assert upgraded.search("mueller") == upgraded.search("muller") == [muller]
    assert user_version(store_path) == SCHEMA_VERSION


def make_v6_file(path: Path, rows: list[tuple[Any, ...]]) -> None:
    """A version-6 history, as the release before the kind of system and pasted links were
    searched left it: the first release's file, upgraded by the released steps 2 to 6."""
    path.parent.mkdir(parents=True, exist_ok=True)
    make_v1_file(path, rows)
    conn = sqlite3.connect(path, isolation_level=None)
    schema.register_functions(conn)
    for step in MIGRATIONS[1:6]:
        for statement in step:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 6")
    conn.close()


def test_a_version_6_file_keeps_every_entry_and_finds_kinds_and_pasted_links(
    store_path: Path,
) -> None:
    """Version 6 searched neither the kind of system nor the links themselves."""
    rows = [
        v1_row(n, created_at=T0 + timedelta(minutes=n), tool=None if n == 3 else "personio")
        for n in range(5)
    ]
    rows[1] = (*rows[1][:7], "ATS", "greenhouse", *rows[1][9:11], LINK, *rows[1][12:])
    rows[4] = (*rows[4][:7], "LMS", *rows[4][8:11], OTHER_LINK, *rows[4][12:])
    make_v6_file(store_path, rows)
    before = sqlite3.connect(store_path)
    stored = before.execute("SELECT * FROM links ORDER BY id").fetchall()
    before.close()
    assert user_version(store_path) == 6

    with HistoryStore(store_path) as upgraded:
        assert upgraded.problem is None and not upgraded.in_memory
        entries = upgraded.search()
        assert [e.origin_id for e in entries] == ["C-4", "C-3", "C-2", "C-1", "C-0"]
        assert [e.origin_id for e in upgraded.search("recruiting")] == ["C-1"]
        assert [e.origin_id for e in upgraded.search("learning system")] == ["C-4"]
        assert [e.origin_id for e in upgraded.search(f" {LINK}.")] == ["C-1"]
        assert [e.origin_id for e in upgraded.search(LINK[:-30])] == ["C-1"]
        assert [e.origin_id for e in upgraded.search(OTHER_LINK[-25:])] == ["C-4"]
        assert upgraded.count("customer 3 gmbh") == 1  # the search of before still works
        made = add_link(upgraded, category=Category.ATS, created_at=T0 + timedelta(days=1))
        assert upgraded.search("ATS")[0] == made
    assert user_version(store_path) == SCHEMA_VERSION == 9
    after = sqlite3.connect(store_path)
    kept = after.execute("SELECT * FROM links WHERE id <= 5 ORDER BY id").fetchall()
    after.close()
    assert kept == stored  # every entry, every value, as it was


def test_a_version_8_file_finds_a_link_of_the_same_environment_under_another_profile(
    store_path: Path,
) -> None:
    """Version 8 looked for duplicates under the same profile only; the upgrade adds the
    indexes the check by Kombo environment reads, and keeps every entry as it was."""
    make_v6_file(store_path, [v1_row(n) for n in range(3)])  # made with "default", env-1
    conn = sqlite3.connect(store_path, isolation_level=None)
    for step in MIGRATIONS[6:8]:
        for statement in step:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 8")
    stored = conn.execute("SELECT * FROM links ORDER BY id").fetchall()
    conn.close()

    with HistoryStore(store_path) as upgraded:
        found = upgraded.find_duplicate(
            "Production",
            origin_id=None,
            organization="customer 1 gmbh",
            email=None,
            category=Category.HRIS,
            tool="personio",
            now=T0,
            environment_id="env-1",
        )
        assert found is not None and found.origin_id == "C-1"
    assert user_version(store_path) == SCHEMA_VERSION
    after = sqlite3.connect(store_path)
    assert after.execute("SELECT * FROM links ORDER BY id").fetchall() == stored
    after.close()


def test_an_empty_file_becomes_a_history(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(b"")
    with HistoryStore(store_path) as opened:
        assert opened.problem is None
        add_link(opened)
    assert user_version(store_path) == SCHEMA_VERSION


def test_a_failed_upgrade_step_leaves_the_file_as_it_was(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with HistoryStore(store_path) as opened:
        made = [add_link(opened), add_link(opened)]
    # Fails on this file's data only (two entries share a profile), like a real faulty step.
    broken_step = (
        "ALTER TABLE links ADD COLUMN later TEXT",
        "CREATE UNIQUE INDEX one_per_profile ON links (profile)",
    )
    # Patched where the upgrade reads them: the package's re-exported names are copies.
    monkeypatch.setattr(schema, "MIGRATIONS", (*MIGRATIONS, broken_step))
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(MIGRATIONS) + 1)

    with HistoryStore(store_path) as failed:
        assert failed.in_memory
        assert failed.problem is not None and "could not be opened" in failed.problem
        assert failed.set_aside is None

    monkeypatch.undo()
    assert user_version(store_path) == SCHEMA_VERSION
    conn = sqlite3.connect(store_path)
    columns = [row[1] for row in conn.execute("PRAGMA table_info(links)")]
    conn.close()
    assert "later" not in columns
    with HistoryStore(store_path) as reopened:
        assert reopened.search() == made[::-1]


# ------------------------------------------------------------------------------ damaged files


def assert_fresh_store_works(opened: HistoryStore) -> None:
    assert not opened.in_memory
    assert opened.search() == []
    entry = add_link(opened)
    assert opened.search("acme") == [entry]


def test_a_file_that_is_not_a_database_is_set_aside(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    garbage = b"this is not a database, " * 500
    store_path.write_bytes(garbage)
    Path(f"{store_path}-wal").write_bytes(b"old wal")
    Path(f"{store_path}-shm").write_bytes(b"old shm")

    with HistoryStore(store_path) as opened:
        assert opened.set_aside is not None
        name = opened.set_aside.name
        assert name.startswith("history.sqlite3.unreadable-")
        assert opened.problem == (
            "The link history file could not be read, so a new one was started: earlier "
            "links are not shown, and the duplicate warning does not know them. The file was "
            f"kept as {name} in {store_path.parent}; support may be able to recover it."
        )
        assert_fresh_store_works(opened)

    assert opened.set_aside.read_bytes() == garbage
    assert Path(f"{opened.set_aside}-wal").read_bytes() == b"old wal"
    assert Path(f"{opened.set_aside}-shm").read_bytes() == b"old shm"
    with HistoryStore(store_path) as later:
        assert later.problem is None
        assert later.count() == 1


def write_ahead_log_of_a_crash(store_path: Path) -> bytes:
    """The write-ahead log a copy of the program leaves when it stops without closing (the
    links made last are only in it), after the history was closed once."""
    with HistoryStore(store_path) as first:
        add_link(first, organization="Customer before the crash")
    with HistoryStore(store_path) as crashed:
        for n in range(3):
            add_link(crashed, organization=f"Customer {n} of the last session")
        wal = Path(f"{store_path}-wal").read_bytes()
    assert len(wal) > 4096
    return wal


def test_an_emptied_history_file_beside_its_write_ahead_log_is_set_aside(
    store_path: Path,
) -> None:
    """An empty file where the history was, with the log of its last links beside it, was
    taken for a new history: nothing was said, and SQLite deleted the log on closing."""
    wal = write_ahead_log_of_a_crash(store_path)
    store_path.write_bytes(b"")
    Path(f"{store_path}-wal").write_bytes(wal)

    with HistoryStore(store_path) as opened:
        assert opened.set_aside is not None
        name = opened.set_aside.name
        assert name.startswith("history.sqlite3.unreadable-")
        assert opened.problem == (
            "The link history file could not be read, so a new one was started: earlier "
            "links are not shown, and the duplicate warning does not know them. The file was "
            f"kept as {name} in {store_path.parent}; support may be able to recover it."
        )
        assert_fresh_store_works(opened)

    assert opened.set_aside.read_bytes() == b""
    assert Path(f"{opened.set_aside}-wal").read_bytes() == wal
    with HistoryStore(store_path) as later:
        assert later.problem is None
        assert later.count() == 1


def test_the_write_ahead_log_of_a_missing_history_file_is_kept(store_path: Path) -> None:
    """The history file gone, but the log of its last links left beside where it was: a new
    history was started without a word, and SQLite deleted the log on closing."""
    wal = write_ahead_log_of_a_crash(store_path)
    store_path.unlink()
    Path(f"{store_path}-wal").write_bytes(wal)

    with HistoryStore(store_path) as opened:
        assert opened.set_aside is not None
        kept = Path(f"{opened.set_aside}-wal")
        assert opened.problem == (
            "The link history file was missing, so a new one was started: earlier links are "
            "not shown, and the duplicate warning does not know them. What was left of it was "
            f"kept as {kept.name} in {store_path.parent}; support may be able to recover it."
        )
        assert_fresh_store_works(opened)

    assert kept.read_bytes() == wal
    assert not opened.set_aside.exists()
    with HistoryStore(store_path) as later:
        assert later.problem is None
        assert later.count() == 1


def test_an_empty_history_file_alone_is_taken_for_a_new_one(store_path: Path) -> None:
    """The program makes the file empty and writes to it a moment later: a copy stopped in
    between (or a full disk) leaves an empty file, which is no loss worth a word."""
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(b"")

    with HistoryStore(store_path) as opened:
        assert opened.problem is None
        assert opened.set_aside is None
        assert_fresh_store_works(opened)
    assert sorted(p.name for p in store_path.parent.iterdir()) == [store_path.name]


def test_a_database_with_damaged_pages_is_set_aside(store_path: Path) -> None:
    with HistoryStore(store_path) as opened:
        for n in range(300):
            add_link(opened, organization=f"Customer {n} with a longer name to fill pages")
    data = bytearray(store_path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    assert len(data) > 4 * page_size
    data[page_size : 4 * page_size] = b"\xa5" * (3 * page_size)
    store_path.write_bytes(bytes(data))

    with HistoryStore(store_path) as damaged:
        assert damaged.set_aside is not None
        assert damaged.problem is not None and damaged.set_aside.name in damaged.problem
        assert_fresh_store_works(damaged)
    assert damaged.set_aside.read_bytes() == bytes(data)


def test_a_file_from_a_newer_version_is_left_where_it_is_untouched(store_path: Path) -> None:
    """After a downgrade the newer version's history must still be there when it comes back."""
    store_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(store_path)
    conn.executescript(
        "CREATE TABLE links_next (id INTEGER PRIMARY KEY, anything TEXT);"
        "INSERT INTO links_next (anything) VALUES ('from the future');"
    )
    conn.execute(f"PRAGMA user_version = {int(SCHEMA_VERSION) + 1}")
    conn.close()
    before = store_path.read_bytes()

    with HistoryStore(store_path) as opened:
        assert opened.set_aside is None
        assert opened.in_memory
        assert opened.problem is not None and "newer version" in opened.problem
        entry = add_link(opened)  # this session still records, in memory
        assert opened.search() == [entry]

    assert store_path.read_bytes() == before
    assert sorted(p.name for p in store_path.parent.iterdir()) == [store_path.name]


def test_a_database_of_our_version_without_our_table_is_set_aside(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(store_path)
    conn.executescript(f"CREATE TABLE other (x); PRAGMA user_version = {SCHEMA_VERSION};")
    conn.close()
    with HistoryStore(store_path) as opened:
        assert opened.set_aside is not None
        assert_fresh_store_works(opened)


def test_set_aside_names_never_overwrite_each_other(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    aside: list[Path] = []
    for n in range(3):
        store_path.write_bytes(f"garbage number {n}".encode() * 100)
        with HistoryStore(store_path) as opened:
            assert opened.set_aside is not None
            aside.append(opened.set_aside)
    assert len(set(aside)) == 3
    assert [p.read_bytes()[:16] for p in aside] == [
        f"garbage number {n}".encode()[:16] for n in range(3)
    ]


def test_a_file_that_cannot_be_opened_is_left_alone(store_path: Path) -> None:
    store_path.mkdir(parents=True)  # a folder where the file should be
    with HistoryStore(store_path) as opened:
        assert opened.in_memory
        assert opened.set_aside is None
        assert opened.problem is not None and "forgotten when the program closes" in opened.problem
        entry = add_link(opened)
        assert opened.search() == [entry]
    assert store_path.is_dir()


def test_a_busy_file_is_not_mistaken_for_a_damaged_one(store_path: Path) -> None:
    with HistoryStore(store_path) as first:
        made = add_link(first)
    # Another copy of the program holds the write lock while upgrading an old file.
    conn = sqlite3.connect(store_path, isolation_level=None)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("BEGIN EXCLUSIVE")
    try:
        with HistoryStore(store_path, busy_timeout=0.05) as blocked:
            assert blocked.in_memory
            assert blocked.set_aside is None
    finally:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
        conn.close()
    assert not list(store_path.parent.glob("*.unreadable-*"))
    with HistoryStore(store_path) as later:
        assert later.search() == [made]


def test_a_second_copy_started_while_the_first_creates_the_history_shares_the_file(
    store_path: Path,
) -> None:
    # Two copies started at the same moment on a fresh history: while one wrote the new
    # history's tables, switching the other's connection to WAL was refused at once, without
    # SQLite's wait, and that copy kept its links in memory only, to lose them at closing.
    store_path.parent.mkdir()
    first = sqlite3.connect(store_path, isolation_level=None, check_same_thread=False)
    first.execute("BEGIN IMMEDIATE")
    first.execute("PRAGMA user_version = 0")  # a write: the new file's lock is held
    let_go = threading.Timer(0.1, lambda: first.execute("ROLLBACK"))
    let_go.start()
    try:
        with HistoryStore(store_path) as second:
            assert not second.in_memory
            assert second.problem is None
            made = add_link(second)
    finally:
        let_go.join()
        first.close()
    with HistoryStore(store_path) as later:
        assert later.search() == [made]


def test_a_file_another_program_holds_locked_is_opened_without_waiting_for_it(
    store_path: Path,
) -> None:
    # A database tool held the file locked with a write open: copying it into memory retried
    # for as long as the tool kept it, and the window waiting for the history froze as long.
    with HistoryStore(store_path) as first:
        made = add_link(first)
    opened: list[HistoryStore] = []
    opener = threading.Thread(
        target=lambda: opened.append(HistoryStore(store_path, busy_timeout=0.05)), daemon=True
    )
    with sqlite_file_held(store_path, at_the_latest=30):
        opener.start()
        opener.join(timeout=10)  # generous: it takes a fraction of a second
        waited_for_the_other_program = opener.is_alive()
    opener.join()
    assert not waited_for_the_other_program
    with opened[0] as store:
        assert store.in_memory
        assert store.set_aside is None
        assert store.problem is not None
        assert "Another program is using the link history file" in store.problem
        assert "restart" in store.problem
        assert store.search() == [made]  # read without waiting for the lock
    assert not list(store_path.parent.glob("*.unreadable-*"))


# ------------------------------------------------------------------------------ CSV export


def test_the_exports_read_is_one_snapshot_and_holds_up_no_one(
    store: HistoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Read holding the store's one lock, the export of a long history kept the duplicate
    # check (and every other read and write) waiting, on the window's thread, for seconds.
    # Read beside it, the export must still list every link there was when it began, once.
    made = [
        add_link(
            store,
            organization=f"Customer {number}",
            email=f"it@customer{number}.example",
            url=f"https://c.kombo.dev/v1?t={number}",
            created_at=None,  # made now: the duplicate check looks for links still valid
        )
        for number in range(60)
    ]
    read = HeldRead(monkeypatch, store, "export")
    exported: list[HistoryEntry] = []
    export = threading.Thread(target=lambda: exported.extend(store.export_entries()), name="export")
    let_go = threading.Timer(10, read.release)  # a read that waits for it, to fail
    let_go.start()
    export.start()
    try:
        assert read.reading.wait(timeout=10)
        # Meanwhile, on this thread: a duplicate check, a search, a new link, a deletion.
        request = LinkRequest(
            end_user_email="it@customer7.example",
            end_user_organization_name="Customer 7",
            integration_category=LINK_VALUES["category"],
            integration_tool=LINK_VALUES["tool"],
            language=LINK_VALUES["language"],
            link_type=LINK_VALUES["link_type"],
        )
        earlier = store.duplicate_of(request, profile=LINK_VALUES["profile"])
        assert earlier is not None and earlier.id == made[7].id
        assert [entry.id for entry in store.search("Customer 12")] == [made[12].id]
        newer = add_link(store, organization="Newer", url="https://c.kombo.dev/v1?t=newer")
        assert store.delete(made[30].id)
        assert not read.released  # all of it while the export was still reading
    finally:
        let_go.cancel()
        read.release()
    export.join(timeout=10)
    # As the history was when the export began: each link once, in the history's order.
    assert [entry.id for entry in exported] == [entry.id for entry in reversed(made)]
    assert newer.id not in {entry.id for entry in exported}


def test_a_stopped_exports_read_ends_midway(
    store: HistoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Closing the window stops the export: its read of a long history went on for a second or
    # two, all of it, with the window waiting for it (or the program ending under it).
    for number in range(30):
        add_link(store, organization=f"Customer {number}", url=f"https://c.kombo.dev/v1?t={number}")
    read = HeldRead(monkeypatch, store, "export")
    stop = CancelToken()
    outcome: list[object] = []

    def export() -> None:
        try:
            outcome.append(store.export_entries(stop=stop))
        except Exception as error:
            outcome.append(error)

    reading = threading.Thread(target=export, name="export")
    let_go = threading.Timer(10, read.release)  # a read that is never stopped, to fail
    let_go.start()
    reading.start()
    try:
        assert read.reading.wait(timeout=10)
        stop.cancel()  # from another thread, as the window does
    finally:
        read.release()
        let_go.cancel()
    reading.join(timeout=10)
    assert len(outcome) == 1 and isinstance(outcome[0], ExportStopped)
    with pytest.raises(ExportStopped):  # stopped before it began: nothing is read
        store.export_entries(stop=stop)
    assert len(store.export_entries(stop=CancelToken())) == 30  # not stopped: all of it


def test_a_stopped_export_writes_nothing(store: HistoryStore, tmp_path: Path) -> None:
    for number in range(3):
        add_link(store, organization=f"Customer {number}", url=f"https://c.kombo.dev/v1?t={number}")
    entries = store.export_entries()
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "links.csv"
    stopped = CancelToken()
    stopped.cancel()
    with pytest.raises(ExportStopped):
        export_csv(entries, target, stop=stopped)

    stop = CancelToken()

    def stopped_midway() -> Iterator[HistoryEntry]:
        yield from entries[:2]
        stop.cancel()  # the window closes while the rows are written
        yield from entries[2:]

    with pytest.raises(ExportStopped):
        export_csv(stopped_midway(), target, stop=stop)
    assert list(folder.iterdir()) == []
    assert export_csv(entries, target, stop=CancelToken()) == 3


def test_the_export_reads_what_a_search_finds(store: HistoryStore) -> None:
    for number in range(5):
        add_link(
            store,
            organization=f"Acme {number}",
            email=f"it@acme{number}.example",
            url=f"https://c.kombo.dev/v1?t={number}",
        )
    add_link(
        store, organization="Globex", email="it@globex.example", url="https://c.kombo.dev/v1?t=g"
    )
    assert store.export_entries() == store.search(limit=None)
    assert len(store.export_entries()) == 6
    assert store.export_entries("acme") == store.search("acme", limit=None)
    assert len(store.export_entries("acme")) == 5
    # On a file system without WAL (some network drives): read through the store.
    with store._lock:
        assert store._conn is not None
        store._conn.execute("PRAGMA journal_mode = DELETE")
    assert store.export_entries("acme") == store.search("acme", limit=None)
    store.close()
    with pytest.raises(RuntimeError):
        store.export_entries()


def test_a_history_kept_in_memory_exports_what_it_holds(store_path: Path) -> None:
    with HistoryStore(store_path) as on_disk:
        add_link(on_disk, url="https://c.kombo.dev/v1?t=disk")
    newer = sqlite3.connect(store_path)
    newer.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")  # a newer version's file
    newer.close()
    with HistoryStore(store_path) as in_memory:
        assert in_memory.in_memory  # the file on disk is not what it holds
        add_link(in_memory, url="https://c.kombo.dev/v1?t=memory")
        assert [entry.url for entry in in_memory.export_entries()] == [
            "https://c.kombo.dev/v1?t=memory"
        ]


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_export_writes_the_entries_for_spreadsheets(store: HistoryStore, tmp_path: Path) -> None:
    # Letters beyond a to z before the @ are refused by the form today; a history may hold
    # such an address all the same, and the export must write it as it is.
    link = add_unchecked_link(
        store,
        organization='Müller, "Süd" GmbH',
        email="jürgen@müller.example",
        origin_id="M-1",
        tool="personio",
        tool_label="Personio",
        environment_id="env-9",
        scope_config_id="scope-1",
        enable_filtering=True,
    )
    relink = record_relink(
        store,
        profile="default",
        integration_id="bamboohr:X1",
        language=Language.ES,
        link_type=LinkType.EMBEDDED,
        url="https://connect.kombo.dev/v1?token=r",
        created_at=T0,
    )
    target = tmp_path / "export.csv"
    assert export_csv([link, relink], target, now=T0 + timedelta(hours=2)) == 2

    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "Müller".encode() in raw
    assert b"\r\n" in raw
    assert b'"M\xc3\xbcller, ""S\xc3\xbcd"" GmbH"' in raw  # RFC 4180 quoting

    header, first, second = read_csv(target)
    assert tuple(header) == CSV_HEADER
    row = dict(zip(header, first, strict=True))
    assert row["Made at (UTC)"] == "2025-03-01 09:30:00"
    assert row["Valid until (UTC)"] == "2026-03-01 09:30:00"
    assert row["Organisation"] == 'Müller, "Süd" GmbH'
    assert row["E-mail"] == "jürgen@müller.example"
    assert row["Customer id"] == "M-1"
    assert row["Tool"] == "Personio"
    assert row["Type"] == "New link"
    assert row["Status"] == "Valid"
    assert row["Link"] == "https://connect.kombo.dev/v1?token=abc"
    assert row["Kombo environment"] == "env-9"
    assert row["Kind of system"] == "HR system (HRIS)"
    assert row["Language"] == "Deutsch"
    assert row["Tool environment"] == ""
    assert row["Scope config id"] == "scope-1"
    assert (row["Employee filtering"], row["Field mapping"]) == ("Yes", "")
    other = dict(zip(header, second, strict=True))
    assert other["Type"] == "Reconnection link"
    assert other["Status"] == "Expired"
    assert other["Integration id"] == "bamboohr:X1"
    assert other["Organisation"] == ""
    assert other["Tool"] == "bamboohr"


def test_export_says_who_chooses_the_tool_as_the_history_does(
    store: HistoryStore, tmp_path: Path
) -> None:
    # A link that lets the customer choose the tool had an empty "Tool" cell, while the
    # history's table reads "The customer chooses · Learning system (LMS)".
    chosen = add_link(store, tool=None, category=Category.LMS, email="lms@acme.example")
    kept_without_kind = HistoryEntry(**{**chosen.__dict__, "category": None})
    target = tmp_path / "export.csv"
    export_csv([chosen, kept_without_kind], target)
    _, first, second = read_csv(target)
    tool = CSV_HEADER.index("Tool")
    assert first[tool] == "The customer chooses · Learning system (LMS)"
    assert second[tool] == "The customer chooses · a system"


@pytest.mark.parametrize(
    "organization",
    ['=HYPERLINK("http://evil")', "+49 30 1234", "-1+1", "@SUM(A1)", "\tTabbed", "\rReturn"],
)
def test_export_defuses_spreadsheet_formulas(
    store: HistoryStore, tmp_path: Path, organization: str
) -> None:
    entry = add_link(store, email="x@y.example")
    entry = HistoryEntry(**{**entry.__dict__, "organization": organization})
    target = tmp_path / "export.csv"
    export_csv([entry], target)
    _, row = read_csv(target)
    assert row[CSV_HEADER.index("Organisation")] == "'" + organization
    assert row[CSV_HEADER.index("E-mail")] == "x@y.example"


@pytest.mark.parametrize(
    ("file_name", "decimal_point", "locale_name", "separator"),
    [
        ("links.csv", ".", "en_GB", ","),  # English settings: Excel splits by commas
        ("links.csv", ",", "de_DE", ";"),  # German, French, Italian, Spanish: by semicolons
        ("links.CSV", ",", "fr_FR", ";"),
        ("links.txt", ",", "", ";"),
        ("links.csv", ".", "de_CH", ";"),  # Swiss settings: a full stop, yet semicolons
        ("links.csv", ".", "fr_CH", ";"),
        ("links.tsv", ",", "de_DE", "\t"),  # a name that says tab-separated gets tabs
        ("links.TSV", ".", "en_US", "\t"),
    ],
)
def test_the_separator_follows_the_computers_number_format(
    file_name: str, decimal_point: str, locale_name: str, separator: str
) -> None:
    assert csv_separator(Path(file_name), decimal_point, locale_name) == separator


def test_export_with_semicolons_opens_in_columns_where_commas_are_decimal_points(
    store: HistoryStore, tmp_path: Path
) -> None:
    entry = add_link(store, organization="Müller, Süd; Nord GmbH", email="anna@example.com")
    target = tmp_path / "export.csv"
    export_csv([entry], target, separator=";")

    raw = target.read_bytes().decode("utf-8-sig")
    assert raw.splitlines()[0] == ";".join(CSV_HEADER)
    assert '"Müller, Süd; Nord GmbH"' in raw  # quoted only for the separator in it
    with target.open(encoding="utf-8-sig", newline="") as handle:
        header, row = csv.reader(handle, delimiter=";")
    assert tuple(header) == CSV_HEADER
    assert row[CSV_HEADER.index("Organisation")] == "Müller, Süd; Nord GmbH"
    assert row[CSV_HEADER.index("E-mail")] == "anna@example.com"


def test_export_refuses_a_separator_spreadsheets_do_not_know(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="separator"):
        export_csv([], tmp_path / "export.csv", separator="|")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("origin_id", "00123"),  # a spreadsheet drops the zeros
        ("origin_id", "12345678901234567890"),  # ... rounds it to 15 digits
        ("origin_id", "1e5"),  # ... reads 100000
        ("origin_id", "3/4"),  # ... reads a date
        ("origin_id", "2024-01-02"),
        ("organization", "4711"),
        ("remote_environment", "2"),
        ("scope_config_id", "10.5"),
    ],
)
def test_export_keeps_ids_that_look_like_numbers_as_written(
    store: HistoryStore, tmp_path: Path, field: str, value: str
) -> None:
    entry = add_link(store)
    entry = HistoryEntry(**{**entry.__dict__, field: value})
    target = tmp_path / "export.csv"
    export_csv([entry], target)
    _, row = read_csv(target)
    column = {
        "origin_id": "Customer id",
        "organization": "Organisation",
        "remote_environment": "Tool environment",
        "scope_config_id": "Scope config id",
    }[field]
    # A formula whose result is the text itself: shown as typed, never converted.
    assert row[CSV_HEADER.index(column)] == f'="{value}"'
    # Times stay times: spreadsheets should read those as dates.
    assert row[CSV_HEADER.index("Made at (UTC)")] == "2025-03-01 09:30:00"


@pytest.mark.parametrize("value", ["CUST-1042", "3M", "A1", "x@1.example", "1. FC Köln"])
def test_export_leaves_text_a_spreadsheet_keeps_as_it_is(
    store: HistoryStore, tmp_path: Path, value: str
) -> None:
    entry = add_link(store)
    entry = HistoryEntry(**{**entry.__dict__, "origin_id": value})
    target = tmp_path / "export.csv"
    export_csv([entry], target)
    _, row = read_csv(target)
    assert row[CSV_HEADER.index("Customer id")] == value


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://127.1/steal", "it is not a secure web address"),  # opens this computer
        ("https://user:pw@host.example/", "it is not a secure web address"),
        ("http://connect.kombo.dev/v1?token=abc", "it is not a secure web address"),
        ("javascript:alert(1)", "it is not a secure web address"),
        ("https://connect.kombo.dev/v1?api_key=" + "k" * 40, "it contains an API key"),
        ("https://connect.kombo.dev/v1?token=" + "A" * 2100, "it is far too long"),
    ],
)
def test_export_leaves_out_a_link_the_window_refuses_and_says_why(
    store: HistoryStore, tmp_path: Path, url: str, reason: str
) -> None:
    # Kept by an older version, such a link is neither shown, copied nor opened by the window;
    # exported as stored, a colleague opening the file clicked it all the same.
    refused = add_link(store, url=url, organization="Refused GmbH", origin_id="R-1")
    kept = add_link(store, organization="Kept GmbH")
    demo = add_link(store, url="http://127.0.0.1:8765/demo/connect?token=d", is_demo=True)
    target = tmp_path / "export.csv"
    assert export_csv([refused, kept, demo], target, now=T0) == 3

    header, first, second, third = read_csv(target)
    row = dict(zip(header, first, strict=True))
    assert row["Link"].startswith("Left out as unsafe: ")
    assert reason in row["Link"]
    assert "://" not in row["Link"] and "127" not in row["Link"]
    assert not any("127.1" in cell or "user:pw" in cell for cell in first)
    # The rest of the row stays, for the record of who was sent what.
    assert (row["Organisation"], row["Customer id"]) == ("Refused GmbH", "R-1")
    assert row["Made at (UTC)"] == "2025-03-01 09:30:00"
    assert row["Status"] == "Unsafe link"  # not "Valid": it cannot be used
    # Links the window uses are written as they are, the demo's to this computer included.
    assert dict(zip(header, second, strict=True))["Link"] == kept.url
    assert dict(zip(header, second, strict=True))["Status"] == "Valid"
    assert dict(zip(header, third, strict=True))["Link"] == demo.url


def test_export_says_may_have_expired_of_a_short_link_made_while_the_clock_was_ahead(
    store: HistoryStore, tmp_path: Path
) -> None:
    # The clock was two hours ahead when the hour-long link was made, and has been put right
    # since: the link's own times say valid for three hours more, the window and the invitation
    # "May have expired", and so must the file a colleague reads them from.
    now = T0 + timedelta(minutes=5)
    ahead = add_link(store, link_type=LinkType.EMBEDDED, created_at=T0 + timedelta(hours=2))
    year_long_ahead = add_link(store, created_at=T0 + timedelta(hours=2))
    in_time = add_link(store, link_type=LinkType.EMBEDDED, created_at=T0)
    target = tmp_path / "export.csv"
    assert export_csv([ahead, year_long_ahead, in_time], target, now=now) == 3

    header, *rows = read_csv(target)
    first, second, third = (dict(zip(header, row, strict=True)) for row in rows)
    assert first["Status"] == "May have expired"
    # The time reckoned when it was made stays, as the record; the status says not to trust it.
    assert first["Valid until (UTC)"] == "2025-03-01 12:30:00"
    # A year-long link could not have run out that way, and one made in time is as it was.
    assert second["Status"] == "Valid"
    assert third["Status"] == "Valid"


def test_export_says_a_demo_link_of_an_ended_demo_no_longer_works_as_the_table_does(
    store: HistoryStore, tmp_path: Path
) -> None:
    # Each start of the demo gets a port of its own: the history table said "No longer works"
    # of a link made by an earlier demo, and the export "Valid".
    running = "http://127.0.0.1:50002"
    earlier = add_link(store, url="http://127.0.0.1:50001/demo/connect?token=a", is_demo=True)
    current = add_link(store, url=f"{running}/demo/connect?token=b", is_demo=True)
    target = tmp_path / "export.csv"
    entries = store.export_entries("", which=ALL_LINKS)
    assert export_csv(entries, target, now=T0, demo_origin=running) == 2

    header, *rows = read_csv(target)
    status = {row[header.index("Link")]: row[header.index("Status")] for row in rows}
    assert status == {earlier.url: "No longer works", current.url: "Valid"}
    # With no demo running, no demo link works.
    export_csv([current], target, now=T0)
    assert read_csv(target)[1][header.index("Status")] == "No longer works"


def test_export_of_nothing_writes_the_header(tmp_path: Path) -> None:
    target = tmp_path / "empty.csv"
    assert export_csv([], target) == 0
    assert read_csv(target) == [list(CSV_HEADER)]


def test_export_to_an_unwritable_place_says_so_and_leaves_nothing(
    store: HistoryStore, tmp_path: Path
) -> None:
    target = tmp_path / "no-such-folder" / "export.csv"
    with pytest.raises(HistoryError, match="could not be saved"):
        export_csv([add_link(store)], target)
    assert not target.parent.exists()


def test_export_to_a_read_only_drive_says_so_in_plain_words(
    store: HistoryStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "export.csv"
    target.write_text("old content")
    read_only_drive(monkeypatch, tmp_path)
    with pytest.raises(HistoryError) as caught:
        export_csv([add_link(store)], target)
    message = str(caught.value)
    assert message.startswith("The file export.csv could not be saved. The drive is read-only")
    assert "choose another folder" in message
    assert "Errno" not in message and ".partial" not in message
    assert target.read_text() == "old content"


def test_an_export_the_disk_refuses_at_the_end_keeps_the_older_file_and_says_so(
    store: HistoryStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The export was renamed into place without being pushed to the disk first: a disk that
    # takes a file and refuses its content only then (full, or the quota used up) left an
    # empty or cut-off list where the older export was, and the window said it was saved.
    target = tmp_path / "export.csv"
    target.write_text("old content")
    full_disk(monkeypatch)
    with pytest.raises(HistoryError) as caught:
        export_csv([add_link(store)], target)
    assert str(caught.value).startswith("The file export.csv could not be saved. The disk is full")
    assert target.read_text() == "old content"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["export.csv"]


@pytest.mark.skipif(os.name == "nt", reason="Windows files have no POSIX modes")
def test_an_export_can_be_opened_by_whoever_it_is_shared_with(
    store: HistoryStore, tmp_path: Path
) -> None:
    old_umask = os.umask(0o022)
    try:
        export_csv([add_link(store)], tmp_path / "export.csv")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((tmp_path / "export.csv").stat().st_mode) == 0o644


def test_export_replaces_an_older_file(store: HistoryStore, tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    target.write_text("old content")
    export_csv([add_link(store)], target)
    assert len(read_csv(target)) == 2
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["export.csv"]


# ------------------------------------------------------------------------------ size


@pytest.mark.slow
def test_a_history_of_100000_links_stays_usable(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    total = 100_000
    make_v1_file(
        store_path,
        (v1_row(n, created_at=T0 + timedelta(seconds=n)) for n in range(total)),
    )
    with HistoryStore(store_path) as big:
        assert big.problem is None
        assert big.count() == total
        newest = big.search(limit=50)
        assert [e.origin_id for e in newest[:2]] == [f"C-{total - 1}", f"C-{total - 2}"]
        assert [e.origin_id for e in big.search(limit=2, offset=total - 2)] == ["C-1", "C-0"]
        assert [e.origin_id for e in big.search("customer 4242 gmbh")] == ["C-4242"]
        assert big.count("customer 4242") == 11  # 4242 and 42420..42429
        assert big.search("no such customer anywhere") == []
        assert big.count("recruiting") == 0  # every link is for an HR system
        assert big.count("HR system (HRIS)") == total
        pasted = f"https://connect.kombo.dev/v1?token=T{total - 5}."
        assert [e.origin_id for e in big.search(pasted)] == [f"C-{total - 5}"]
        assert big.count(pasted) == 1
        found = [e.origin_id for e in big.search("token=T4242")]  # a piece of 11 links
        assert found == [*(f"C-{n}" for n in range(42429, 42419, -1)), "C-4242"]
        assert (
            big.find_duplicate(
                "default",
                origin_id=None,
                organization="CUSTOMER 77 GMBH",
                email=None,
                category=Category.HRIS,
                tool="personio",
                now=T0,
            )
            is not None
        )
        # Counting the customer's earlier links reads a few rows, not the history: a full
        # scan would take more than one virtual-machine step a row.
        customer_77 = LinkRequest(
            end_user_email="someone@else.example",
            end_user_organization_name="CUSTOMER 77 GMBH",
            integration_tool="personio",
            integration_category=Category.HRIS,
        )
        steps = 0

        def step() -> int:
            nonlocal steps
            steps += 1
            return 0

        assert big._conn is not None
        big._conn.set_progress_handler(step, 1)
        try:
            assert big.count_own_duplicates(customer_77, profile="default", now=T0) == 1
        finally:
            big._conn.set_progress_handler(None, 1)
        assert 0 < steps < 1_000, steps
        add_link(big, organization="Newest Customer", created_at=T0 + timedelta(days=10))
        assert big.search(limit=1)[0].organization == "Newest Customer"


# ------------------------------------------------------------------------------ from requests


def test_a_link_request_is_recorded_and_checked_for_duplicates(store: HistoryStore) -> None:
    request = LinkRequest(
        end_user_email="anna@acme.example",
        end_user_organization_name="Acme GmbH",
        end_user_origin_id="A-1",
        integration_category=Category.ATS,
        integration_tool="greenhouse",
        remote_environment="sandbox",
        language=Language.IT,
        scope_config_id="scope-7",
        enable_field_mapping=True,
        link_type=LinkType.EMBEDDED,
    )
    assert store.duplicate_of(request, profile="default", now=T0) is None

    entry = record_request(
        store,
        request,
        "https://connect.kombo.dev/v1?token=q",
        profile="default",
        environment_id="env-2",
        tool_label="Greenhouse",
        created_at=T0,
    )
    assert entry.kind is EntryKind.LINK
    assert (entry.email, entry.organization, entry.origin_id) == (
        "anna@acme.example",
        "Acme GmbH",
        "A-1",
    )
    assert (entry.category, entry.tool, entry.tool_label) == (
        Category.ATS,
        "greenhouse",
        "Greenhouse",
    )
    assert (entry.language, entry.link_type, entry.environment_id) == (
        Language.IT,
        LinkType.EMBEDDED,
        "env-2",
    )
    assert entry.expires_at == T0 + timedelta(hours=1)
    assert advanced_options(entry) == ("sandbox", "scope-7", False, True)

    again = LinkRequest(
        end_user_email="other@acme.example",
        end_user_organization_name="ACME  gmbh",
        integration_category=Category.ATS,
        integration_tool="greenhouse",
        remote_environment="sandbox",  # the same tool environment (see the test below)
    )
    assert store.duplicate_of(again, profile="default", now=T0 + timedelta(minutes=5)) == entry
    assert store.duplicate_of(again, profile="other", now=T0 + timedelta(minutes=5)) is None
    assert store.duplicate_of(again, profile="default", now=T0 + timedelta(hours=2)) is None


def test_a_relink_request_is_recorded(store: HistoryStore) -> None:
    request = RelinkRequest(
        integration_id="personio:93fCvorjZ2jas7ZekX1V1n5d", language=Language.ES
    )
    entry = record_request(
        store, request, "https://connect.kombo.dev/v1?token=r", profile="default", created_at=T0
    )
    assert entry.kind is EntryKind.RELINK
    assert entry.integration_id == "personio:93fCvorjZ2jas7ZekX1V1n5d"
    assert entry.tool == "personio"
    assert entry.language is Language.ES
    assert entry.link_type is LinkType.MAGIC_LINK


def test_a_relink_request_is_recorded_for_the_customer_it_was_made_for(
    store: HistoryStore,
) -> None:
    # The window recorded a reconnection's customer by copying the request's fields into
    # the history by hand; queue_request takes the customer, and stores the same entry.
    request = RelinkRequest(integration_id="workday:xyz", language=Language.DE)
    customer = CustomerDetails(
        email="it@beta.example",
        organization="Beta AG",
        origin_id="B-1",
        category=Category.HRIS,
        tool="workday",
        remote_environment="sandbox",
    )
    made: dict[str, Any] = {
        "profile": "default",
        "environment_id": "env-2",
        "created_at": T0,
        "is_demo": True,
    }
    entry = record_request(
        store, request, "https://connect.kombo.dev/v1?token=r", customer=customer, **made
    )
    by_hand = HistoryEntry(
        id=entry.id,
        created_at=T0,
        profile="default",
        environment_id="env-2",
        kind=EntryKind.RELINK,
        email="it@beta.example",
        organization="Beta AG",
        origin_id="B-1",
        category=Category.HRIS,
        tool="workday",
        tool_label=None,
        language=Language.DE,
        link_type=LinkType.MAGIC_LINK,
        url="https://connect.kombo.dev/v1?token=r",
        expires_at=T0 + timedelta(days=365),
        integration_id="workday:xyz",
        is_demo=True,
        remote_environment="sandbox",
    )
    assert entry == by_hand
    assert (entry.email, entry.organization, entry.remote_environment) == (
        "it@beta.example",
        "Beta AG",
        "sandbox",
    )


# ------------------------------------------------------------------------------ demo links


def test_demo_links_are_marked_and_never_duplicates_of_real_ones(
    store: HistoryStore, tmp_path: Path
) -> None:
    demo = add_link(store, url="http://127.0.0.1:5000/demo/connect?token=DEMO-1", is_demo=True)
    assert demo.is_demo
    assert store.get(demo.id) == demo
    assert duplicate_of(store) is None
    assert duplicate_of(store, demo=True) == demo

    real = add_link(store, created_at=T0 + timedelta(minutes=1))
    assert not real.is_demo
    assert duplicate_of(store) == real
    assert duplicate_of(store, demo=True) == demo

    target = tmp_path / "export.csv"
    export_csv([real, demo], target)
    kinds = [row[CSV_HEADER.index("Type")] for row in read_csv(target)[1:]]
    assert kinds == ["New link", "New link (demo)"]


def test_a_renamed_profile_takes_its_links_along(store: HistoryStore) -> None:
    earlier = add_link(store, profile="default")
    other = add_link(store, profile="us-team", organization="Other AG", email="o@other.example")
    assert store.rename_profile("default", "Production") == 1
    assert duplicate_of(store, profile="Production") == replace(earlier, profile="Production")
    assert duplicate_of(store, profile="default") is None
    assert store.get(other.id) == other


def test_a_write_waits_at_most_a_second_for_another_writer(store_path: Path) -> None:
    # Waiting 5 s for a database browser that held the file open for writing froze the window
    # that long (reading it, or writing it on its own thread as it once did). Another copy of
    # this program writes for milliseconds.
    with HistoryStore(store_path) as store:
        assert store._conn is not None
        (milliseconds,) = store._conn.execute("PRAGMA busy_timeout").fetchone()
    assert 0 < milliseconds <= 1000


def test_a_history_that_can_be_read_but_not_written_still_shows_and_warns(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On a full disk or a read-only folder opening for writing fails: the program started an
    # empty history in memory, so the earlier links vanished and the duplicate warning missed
    # them. (The disk refusing is the one thing simulated; the reading is real.)
    with HistoryStore(store_path) as first:
        earlier = add_link(first, created_at=T0)
    real_open = opening._connect_and_upgrade

    def refusing_to_write(path: Path | None, busy_timeout: float) -> sqlite3.Connection:
        if path is not None:
            raise sqlite3.OperationalError("disk I/O error")
        return real_open(path, busy_timeout)

    monkeypatch.setattr(opening, "_connect_and_upgrade", refusing_to_write)
    with HistoryStore(store_path) as readable:
        assert readable.in_memory
        assert readable.problem is not None and "can be read but not saved" in readable.problem
        assert readable.search() == [earlier]
        found = duplicate_of(readable, organization="acme gmbh", email=None, now=T0)
        assert found == earlier
        later = add_link(readable, organization="Beta AG", created_at=T0 + timedelta(hours=1))
        assert readable.search() == [later, earlier]  # kept for the session
    monkeypatch.undo()
    with HistoryStore(store_path) as after:
        assert after.search() == [earlier]  # the file was never written


def test_a_link_for_another_tool_environment_is_not_a_duplicate(store: HistoryStore) -> None:
    # "Use the existing link" handed out the tool's DEMO-system link for a live-system one.
    demo_system = add_link(store, tool="haileyhr", remote_environment="DEMO")
    assert duplicate_of(store, tool="haileyhr") is None
    assert duplicate_of(store, tool="haileyhr", remote_environment="DEMO") == demo_system
    assert duplicate_of(store, tool="haileyhr", remote_environment=" DEMO ") == demo_system
    live = add_link(store, tool="haileyhr", created_at=T0 + timedelta(minutes=1))
    assert duplicate_of(store, tool="haileyhr") == live


def test_a_link_from_another_kombo_environment_is_not_a_duplicate(store: HistoryStore) -> None:
    # The profile's development key replaced by its production key: the earlier link
    # connects to the development environment.
    development = add_link(store, environment_id="env-dev")
    assert duplicate_of(store, environment_id="env-prod") is None
    assert duplicate_of(store, environment_id="env-dev") == development
    # Unknown on either side (the key never checked, a link from before it was), it counts.
    assert duplicate_of(store) == development
    unknown = add_link(store, organization="Globex", email="eva@globex.example")
    assert (
        duplicate_of(
            store, organization="Globex", email="eva@globex.example", environment_id="env-prod"
        )
        == unknown
    )


def test_a_demo_link_works_only_while_its_demo_service_runs(store: HistoryStore) -> None:
    entry = add_link(store, is_demo=True, url="http://127.0.0.1:5123/demo/connect?token=t")
    assert not entry.from_an_ended_demo("http://127.0.0.1:5123")
    assert entry.from_an_ended_demo("http://127.0.0.1:5124")  # a later start of the demo
    assert entry.from_an_ended_demo("http://127.0.0.1:512")  # not a prefix of the port
    assert entry.from_an_ended_demo(None)  # no demo running
    real = add_link(store)
    assert not real.from_an_ended_demo(None)
    assert real.still_works(None) == real.is_valid()


def test_the_exports_columns_are_named_as_on_the_screen(
    store: HistoryStore, tmp_path: Path
) -> None:
    # "Kind", "Category" and "Environment" were names the screen never used for the history
    # table's "Type", the form's "Kind of system" and Settings' "Kombo environment".
    target = tmp_path / "export.csv"
    export_csv([add_link(store, environment_id="env-9")], target)
    header, row = read_csv(target)
    for screen_name in ("Type", "Kind of system", "Kombo environment"):
        assert screen_name in header
    for other_name in ("Kind", "Category", "Environment"):
        assert other_name not in header
    assert row[header.index("Kombo environment")] == "env-9"


def test_only_a_link_the_file_refused_before_is_logged_as_having_waited(
    store_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Every link passes through the queue, so the line "had to wait" was written for each one.
    caplog.set_level(logging.INFO, logger="kombo_desktop.core.history")
    with HistoryStore(store_path, busy_timeout=0.05) as opened:
        queue_link(opened, organization="Usual AG")
        assert opened.save_waiting_patiently() == 0
        assert "had to wait" not in caplog.text
        with sqlite_write_open(store_path):
            queue_link(opened, organization="Held AG", created_at=T0 + timedelta(hours=1))
            assert opened.save_waiting_patiently() == 1
        assert opened.save_waiting(wait=0) == 0
    assert caplog.text.count("A link that had to wait is now saved in the history") == 1


RELINK_URL = "https://connect.kombo.dev/v1?token=relink"


def queue_relink(store: HistoryStore, email: str | None = None) -> None:
    """Hand over a reconnection link of ``RELINK_URL`` as the window does, not saved yet."""
    store.queue_request(
        RelinkRequest(
            integration_id="personio:93fCvorjZ2jas7ZekX1V1n5d",
            language=Language.EN,
            link_type=LinkType.EMBEDDED,
        ),
        RELINK_URL,
        profile="default",
        customer=CustomerDetails(email=email),
    )


def test_a_reconnection_saved_without_a_customer_is_given_the_organisation_kombo_names(
    store: HistoryStore,
) -> None:
    queue_relink(store)
    assert store.save_waiting() == 0
    (listed,) = store.take_saved_late()
    named = store.name_relink_organization(RELINK_URL, "Acme GmbH", Category.HRIS)
    assert named is not None
    assert (named.id, named.organization, named.category) == (listed.id, "Acme GmbH", Category.HRIS)
    assert [entry.id for entry in store.search("acme gmbh")] == [listed.id]
    assert store.get(listed.id) == named


def test_a_reconnection_waiting_to_be_saved_is_saved_with_the_organisation(
    store: HistoryStore,
) -> None:
    queue_relink(store)
    assert store.name_relink_organization(RELINK_URL, "Acme GmbH", Category.HRIS) is None
    assert store.save_waiting() == 0
    (saved,) = store.take_saved_late()
    assert (saved.organization, saved.category) == ("Acme GmbH", Category.HRIS)
    assert [entry.id for entry in store.search("Acme")] == [saved.id]


def test_a_reconnection_saved_and_not_listed_yet_is_listed_with_the_organisation(
    store: HistoryStore,
) -> None:
    queue_relink(store)
    assert store.save_waiting() == 0
    assert store.name_relink_organization(RELINK_URL, "Acme GmbH") is not None
    (listed,) = store.take_saved_late()
    assert listed.organization == "Acme GmbH"


def test_a_reconnection_naming_its_customer_keeps_it(store: HistoryStore) -> None:
    queue_relink(store, email="anna@acme.example")
    assert store.save_waiting() == 0
    (saved,) = store.take_saved_late()
    assert store.name_relink_organization(RELINK_URL, "Other Ltd") is None
    assert store.get(saved.id) == saved
    assert store.search("Other") == []
