"""A damaged history file on real SQLite files: the links that can still be read are carried
over into the new history, and the damaged file is kept for support."""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kombo_desktop.core.history import HistoryStore, schema
from kombo_desktop.core.history.schema import DERIVED_COLUMNS, ENTRY_COLUMNS
from kombo_desktop.core.vocabulary import Category, Language, LinkType
from tests.core.test_history import V1_COLUMNS, make_v1_file, v1_row
from tests.support.history_records import record_link

NOW = datetime.now(UTC).replace(microsecond=0)
ALL_COLUMNS = ", ".join((*ENTRY_COLUMNS, *DERIVED_COLUMNS))


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


def organization(n: int) -> str:
    """Every tenth customer with an umlaut, so the folded keys and search text are tested."""
    return f"Müller {n} GmbH" if n % 10 == 0 else f"Customer {n} GmbH"


def make_history(path: Path, total: int = 300) -> None:
    """A history of ``total`` links, all still valid, written into the file itself (not only
    its write-ahead log), as a history looks after the program closed."""
    with HistoryStore(path) as store:
        for n in range(total):
            record(store, n, created_at=NOW - timedelta(minutes=total - n))
    checkpoint(path)


def record(store: HistoryStore, n: int, created_at: datetime = NOW) -> None:
    """Link number ``n``: customer ``C-n``, ``organization(n)``."""
    record_link(
        store,
        profile="default",
        email=f"p{n}@customer{n}.example",
        organization=organization(n),
        origin_id=f"C-{n}",
        category=Category.HRIS,
        language=Language.DE,
        link_type=LinkType.MAGIC_LINK,
        url=f"https://connect.kombo.dev/v1?token=T{n}",
        tool="personio",
        created_at=created_at,
    )


def checkpoint(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def all_rows(path: Path) -> dict[int, tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(f"SELECT {ALL_COLUMNS} FROM links").fetchall()  # noqa: S608
    finally:
        conn.close()
    return {int(row[0]): tuple(row) for row in rows}


def page_size_and_root(path: Path, name: str) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)
        ).fetchone()
    finally:
        conn.close()
    return int(page_size), int(root)


def page_header(data: bytes, page: int, page_size: int) -> int:
    return (page - 1) * page_size + (100 if page == 1 else 0)


def varint(data: bytes, at: int) -> tuple[int, int]:
    """SQLite's variable-length integer at ``at``: its value and where the next field starts."""
    value = 0
    for i in range(9):
        byte = data[at + i]
        if i == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + i + 1
    raise AssertionError("unreachable")


def table_leaves(path: Path) -> list[int]:
    """The leaf pages of the links table in the order of their links, found from its root page
    down through the interior pages (a table of more than a page of links has them)."""
    page_size, root = page_size_and_root(path, "links")
    data = path.read_bytes()

    def leaves_under(page: int) -> list[int]:
        header = page_header(data, page, page_size)
        if data[header] == 0x0D:
            return [page]
        assert data[header] == 0x05, "an interior page of a table"
        cells = int.from_bytes(data[header + 3 : header + 5], "big")
        children = []
        for cell in range(cells):
            pointer = int.from_bytes(data[header + 12 + 2 * cell : header + 14 + 2 * cell], "big")
            start = (page - 1) * page_size + pointer
            children.append(int.from_bytes(data[start : start + 4], "big"))
        children.append(int.from_bytes(data[header + 8 : header + 12], "big"))
        return [leaf for child in children for leaf in leaves_under(child)]

    return leaves_under(root)


def ids_on_leaf(path: Path, page: int) -> set[int]:
    """The ids of the links stored on one leaf page of the table."""
    page_size, _ = page_size_and_root(path, "links")
    data = path.read_bytes()
    header = page_header(data, page, page_size)
    if data[header] != 0x0D:  # not a leaf of a table
        return set()
    cells = int.from_bytes(data[header + 3 : header + 5], "big")
    ids = set()
    for cell in range(cells):
        pointer = int.from_bytes(data[header + 8 + 2 * cell : header + 10 + 2 * cell], "big")
        _, after_size = varint(data, (page - 1) * page_size + pointer)
        rowid, _ = varint(data, after_size)
        ids.add(rowid)
    return ids


def overwrite_pages(path: Path, pages: Iterable[int], make_bytes: bool = False) -> None:
    page_size, _ = page_size_and_root(path, "links")
    generator = random.Random(1234)
    with path.open("r+b") as handle:
        for page in pages:
            handle.seek((page - 1) * page_size)
            if make_bytes:
                handle.write(generator.randbytes(page_size))
            else:
                handle.write(b"\xff" * 64)


def assert_damaged(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        (verdict,) = conn.execute("PRAGMA quick_check(1)").fetchone()
    except sqlite3.DatabaseError:
        verdict = "unreadable"
    finally:
        conn.close()
    assert verdict != "ok"


def recovered_note(count: int, set_aside: Path) -> str:
    return (
        f"The link history file was damaged. {count} earlier links were recovered; the "
        f"damaged file was kept as {set_aside.name} in {set_aside.parent} for support."
    )


def find_customer(store: HistoryStore, n: int) -> bool:
    found = store.find_duplicate(
        "default",
        origin_id=None,
        organization=organization(n),
        email=None,
        category=Category.HRIS,
        tool="personio",
    )
    return found is not None and found.origin_id == f"C-{n}"


def test_a_damaged_page_of_an_index_keeps_every_link(store_path: Path) -> None:
    make_history(store_path)
    before = all_rows(store_path)
    _, root = page_size_and_root(store_path, "links_by_url")
    overwrite_pages(store_path, [root])
    damaged = store_path.read_bytes()
    assert_damaged(store_path)

    with HistoryStore(store_path) as opened:
        assert opened.set_aside is not None and not opened.in_memory
        assert opened.problem == recovered_note(300, opened.set_aside)
        assert opened.count() == 300
        assert find_customer(opened, 7)  # the duplicate warning knows the customer again
        assert [e.origin_id for e in opened.search("mueller 20 gmbh")] == ["C-20"]
        assert [e.origin_id for e in opened.search("https://connect.kombo.dev/v1?token=T42")]
        assert opened.search(limit=1)[0].origin_id == "C-299"  # newest first, as before
    assert opened.set_aside.read_bytes() == damaged  # kept as it was, for support
    assert sorted(p.name for p in store_path.parent.iterdir()) == [
        store_path.name,
        opened.set_aside.name,
    ]
    # Every value, the keys and the searched text too, as the links were stored before.
    assert all_rows(store_path) == before
    conn = sqlite3.connect(store_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with HistoryStore(store_path) as later:
        assert later.problem is None
        assert later.count() == 300


def test_a_damaged_page_of_the_table_loses_only_its_own_links(store_path: Path) -> None:
    make_history(store_path)
    before = all_rows(store_path)
    leaves = table_leaves(store_path)
    assert len(leaves) > 10
    lost = ids_on_leaf(store_path, leaves[len(leaves) // 2])
    assert 0 < len(lost) < 50
    overwrite_pages(store_path, [leaves[len(leaves) // 2]])
    assert_damaged(store_path)

    with HistoryStore(store_path) as opened:
        kept = 300 - len(lost)
        assert opened.set_aside is not None
        assert opened.problem == recovered_note(kept, opened.set_aside)
        assert opened.count() == kept
    assert all_rows(store_path) == {id_: row for id_, row in before.items() if id_ not in lost}


def test_the_first_and_the_last_page_of_the_table_damaged(store_path: Path) -> None:
    make_history(store_path)
    before = all_rows(store_path)
    leaves = table_leaves(store_path)
    lost = ids_on_leaf(store_path, leaves[0]) | ids_on_leaf(store_path, leaves[-1])
    assert 1 in lost and 300 in lost
    overwrite_pages(store_path, [leaves[0], leaves[-1]])

    with HistoryStore(store_path) as opened:
        assert opened.count() == 300 - len(lost)
    assert all_rows(store_path) == {id_: row for id_, row in before.items() if id_ not in lost}


def test_random_bytes_over_two_pages_lose_only_the_links_on_them(store_path: Path) -> None:
    make_history(store_path)
    before = all_rows(store_path)
    leaves = table_leaves(store_path)
    damaged_pages = [leaves[3], leaves[3] + 1]
    lost = ids_on_leaf(store_path, damaged_pages[0]) | ids_on_leaf(store_path, damaged_pages[1])
    assert lost
    overwrite_pages(store_path, damaged_pages, make_bytes=True)
    assert_damaged(store_path)

    with HistoryStore(store_path) as opened:
        assert opened.set_aside is not None
        assert opened.problem == recovered_note(300 - len(lost), opened.set_aside)
        assert opened.count() == 300 - len(lost)
        assert find_customer(opened, 299)
    assert all_rows(store_path) == {id_: row for id_, row in before.items() if id_ not in lost}


def test_the_newest_links_still_in_the_write_ahead_log_are_recovered(tmp_path: Path) -> None:
    """The links made last are often still in the -wal file, which is set aside with the file
    (the program was killed, or the disk failed while it ran)."""
    written = tmp_path / "written" / "history.sqlite3"
    make_history(written)
    store_path = tmp_path / "data" / "history.sqlite3"
    store_path.parent.mkdir()
    with HistoryStore(written) as store:
        for n in range(300, 305):
            record(store, n)
        # The file as a killed program leaves it: the new links in the -wal file only.
        store_path.write_bytes(written.read_bytes())
        wal = Path(f"{written}-wal").read_bytes()
        assert wal
        Path(f"{store_path}-wal").write_bytes(wal)
        assert len(all_rows(written)) == 305
    first_leaf = table_leaves(store_path)[0]
    lost = ids_on_leaf(store_path, first_leaf)
    overwrite_pages(store_path, [first_leaf])

    with HistoryStore(store_path) as opened:
        assert opened.set_aside is not None
        assert opened.count() == 305 - len(lost)
        assert [e.origin_id for e in opened.search(limit=5)] == [
            f"C-{n}" for n in range(304, 299, -1)
        ]


def test_an_old_damaged_history_is_recovered_into_todays_form(store_path: Path) -> None:
    """A file of the first version (fewer columns) whose index is damaged: its links come over
    with the columns added since as an upgrade would fill them."""
    store_path.parent.mkdir(parents=True)
    make_v1_file(store_path, [v1_row(n, organization=organization(n)) for n in range(300)])
    _, root = page_size_and_root(store_path, "links_by_time")
    overwrite_pages(store_path, [root])
    assert_damaged(store_path)

    with HistoryStore(store_path) as opened:
        assert opened.set_aside is not None
        assert opened.problem == recovered_note(300, opened.set_aside)
        assert opened.count() == 300
        assert [e.origin_id for e in opened.search("mueller 10 gmbh")] == ["C-10"]
        entry = opened.search("C-5")[0]
        assert (entry.tool_label, entry.is_demo, entry.enable_filtering) == (None, False, False)


def test_rows_a_damaged_page_turned_into_something_no_link_has_are_left_out(
    store_path: Path,
) -> None:
    """What a damaged record can read as: a kind no link has, a time that is not one, bytes
    where a text was. Such rows would be refused by the table or left out of every list."""
    store_path.parent.mkdir(parents=True)
    make_v1_file(store_path, [v1_row(n, organization=organization(n)) for n in range(300)])
    conn = sqlite3.connect(store_path)
    with conn:  # written around the table's checks, as a damaged page reads
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute("UPDATE links SET kind = 'other' WHERE id = 11")
        conn.execute("UPDATE links SET created_at = 'yesterday' WHERE id = 12")
        conn.execute("UPDATE links SET organization = x'00ff' WHERE id = 13")
        conn.execute("UPDATE links SET profile = x'41' WHERE id = 14")
        conn.execute("UPDATE links SET expires_at = '2099-01-01T00:00:00' WHERE id = 15")
    conn.close()
    _, root = page_size_and_root(store_path, "links_by_time")
    overwrite_pages(store_path, [root])

    with HistoryStore(store_path) as opened:
        assert opened.set_aside is not None
        assert opened.problem == recovered_note(295, opened.set_aside)
        assert len(opened.search(limit=None)) == opened.count() == 295
        assert not {11, 12, 13, 14, 15} & {e.id for e in opened.search(limit=None)}


@pytest.mark.parametrize("kept_share", [0.95, 0.5])
def test_a_cut_off_file_keeps_the_links_before_the_cut(store_path: Path, kept_share: float) -> None:
    """A file cut short (a crash or a full disk while it grew) has lost its last pages, and
    with them the pages SQLite needs to load its list of tables: the links before the cut
    are still there all the same."""
    make_history(store_path)
    before = all_rows(store_path)
    page_size, _ = page_size_and_root(store_path, "links")
    pages_kept = int(store_path.stat().st_size * kept_share) // page_size
    kept = set().union(
        *(ids_on_leaf(store_path, leaf) for leaf in table_leaves(store_path) if leaf <= pages_kept)
    )
    assert 100 < len(kept) < 300
    with store_path.open("r+b") as handle:
        handle.truncate(pages_kept * page_size)
    cut = store_path.read_bytes()
    assert_damaged(store_path)

    with HistoryStore(store_path) as opened:
        assert opened.set_aside is not None and not opened.in_memory
        assert opened.problem == recovered_note(len(kept), opened.set_aside)
        assert opened.count() == len(kept)
    assert opened.set_aside.read_bytes() == cut  # kept as it was, for support
    assert all_rows(store_path) == {id_: row for id_, row in before.items() if id_ in kept}


def test_a_damaged_file_of_which_nothing_can_be_read_says_so(store_path: Path) -> None:
    make_history(store_path)
    _, root = page_size_and_root(store_path, "links")
    overwrite_pages(store_path, [root])  # the table's root: no link can be found

    with HistoryStore(store_path) as opened:
        assert opened.set_aside is not None and not opened.in_memory
        assert opened.count() == 0
        assert opened.problem == (
            "The link history file could not be read, so a new one was started: earlier "
            "links are not shown, and the duplicate warning does not know them. The file was "
            f"kept as {opened.set_aside.name} in {opened.set_aside.parent}; support may be "
            "able to recover it."
        )


@pytest.mark.slow
def test_a_large_damaged_history_is_recovered_whole(store_path: Path) -> None:
    total = 100_000
    with HistoryStore(store_path):
        pass  # today's table, empty
    conn = sqlite3.connect(store_path)
    schema.register_functions(conn)
    with conn:  # in one transaction: recording them one by one would take minutes
        conn.executemany(
            f"INSERT INTO links ({V1_COLUMNS}, organization_key, email_key, search_text) "  # noqa: S608
            f"VALUES ({', '.join('?' * 14)}, kombo_organization_key(?6), kombo_fold(?5), "
            "kombo_search_text(?6, ?5, ?7, ?9, NULL, ?14))",
            (v1_row(n, organization=organization(n)) for n in range(total)),
        )
    conn.close()
    checkpoint(store_path)
    _, root = page_size_and_root(store_path, "links_by_url")
    leaves = table_leaves(store_path)
    damaged_leaves = leaves[100::300]
    lost = set().union(*(ids_on_leaf(store_path, leaf) for leaf in damaged_leaves))
    overwrite_pages(store_path, [root, *damaged_leaves])

    started, working = time.monotonic(), time.process_time()
    with HistoryStore(store_path) as opened:
        took, worked = time.monotonic() - started, time.process_time() - working
        assert opened.set_aside is not None
        assert opened.count() == total - len(lost)
        assert [e.origin_id for e in opened.search("mueller 4240 gmbh")] == ["C-4240"]
    print(f"{total - len(lost)} links recovered in {took:.1f} s ({worked:.1f} s of work)")
