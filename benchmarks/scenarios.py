"""Child process: in-process measurements of the real window, one scenario per run.

    python -m benchmarks.scenarios click --count 20        # click-to-link vs a raw httpx POST
    python -m benchmarks.scenarios click --link-length 300 # the same with Kombo-length links
    python -m benchmarks.scenarios heartbeat --delay 2     # UI heartbeat while a request waits
    python -m benchmarks.scenarios qr --count 30           # QR view, PNG and SVG for a long link
    python -m benchmarks.scenarios idle --seconds 1        # CPU of a window left alone
    python -m benchmarks.scenarios history --entries 100000 --count 5  # a long link history

Each prints one JSON line of raw figures (seconds) for ``benchmarks.run`` to compare. Each runs
in a fresh process so that, say, the QR figures do not profit from imports the click scenario
already paid for, and "first click" really is the first.

The window talks to a ``DemoKomboServer`` on 127.0.0.1 started here, reached through
``--api-base`` and a throw-away ``KOMBO_API_KEY``: the same server then serves the raw httpx
baseline, so both sides pay for exactly the same server work.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QApplication, QMainWindow

from benchmarks.qt_support import (
    DEFAULT_TIMEOUT,
    BenchmarkError,
    Heartbeat,
    LinkMaker,
    PaintWatch,
    idle,
    wait_until,
)
from kombo_desktop.core.demo_server import DemoKomboServer

QR_LINK_LENGTH = 300


def shown_window(api_base: str) -> QMainWindow:
    """The program's window against ``api_base``, shown and painted once."""
    from kombo_desktop.app import build_main_window

    os.environ["KOMBO_API_KEY"] = "bench_" + secrets.token_hex(16)
    window = build_main_window(["--api-base", api_base])
    watch = PaintWatch(window)
    window.show()
    watch.arm()
    watch.wait()
    watch.close()
    return window


def timed(action: Callable[[], object], count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def click(count: int, link_length: int = 0) -> dict[str, object]:
    """Click Create ``count`` times (after one first, cold click), then POST with httpx alone.

    Against the demo service, or with ``link_length`` against a server whose links are that
    long, like Kombo's (see ``long_link_server``).
    """
    from benchmarks.long_link_server import LongLinkServer

    server_kind = LongLinkServer(link_length) if link_length else DemoKomboServer()
    with server_kind as server:
        window = shown_window(server.base_url)
        maker = LinkMaker(window, prefix="click")
        first, _ = maker.make()
        clicks, codes, links = [], [], set()
        for _ in range(count):
            seconds, link = maker.make()
            clicks.append(seconds)
            assert maker.last_qr_seconds is not None
            codes.append(maker.last_qr_seconds)
            links.add(len(link))
        maker.close()
        window.close()

        # Imported only now, so that the window's first click above paid for it as it would.
        import httpx

        url = server.base_url + "/connect/create-link"
        headers = {"Authorization": f"Bearer {os.environ['KOMBO_API_KEY']}"}
        numbers = iter(range(1_000_000))

        def body() -> dict[str, str]:
            number = next(numbers)
            return {
                "end_user_email": f"raw{number}@example.com",
                "end_user_organization_name": f"Raw Customer {number}",
            }

        with httpx.Client(headers=headers) as client:
            client.post(url, json=body()).raise_for_status()  # connect once, like a warm client
            warm = timed(lambda: client.post(url, json=body()).raise_for_status(), count)
        # A new client per POST, as a program that builds one per request would pay.
        fresh = timed(
            lambda: httpx.post(url, json=body(), headers=headers).raise_for_status(), count
        )
    return {
        "link_lengths": sorted(links),
        "first_click": first,
        "click_median": statistics.median(clicks),
        "clicks": clicks,
        "qr_shown_median": statistics.median(codes),
        "httpx_warm_median": statistics.median(warm),
        "httpx_fresh_median": statistics.median(fresh),
    }


def bare_window_heartbeat(seconds: float) -> tuple[Heartbeat, float]:
    """The largest gap of a 10 ms heartbeat in a bare window left alone for ``seconds``, once
    it has painted: the baseline of every heartbeat figure, measured in the same child. The
    heartbeat is returned too, for the program's own figure to be measured with the same one."""
    bare = QMainWindow()
    watch = PaintWatch(bare)
    bare.show()
    watch.arm()
    watch.wait()
    watch.close()
    beat = Heartbeat(10)
    beat.start()
    idle(seconds)
    idle_gap = beat.stop()
    bare.close()
    return beat, idle_gap


def heartbeat(delay: float) -> dict[str, object]:
    """Largest 10 ms heartbeat gap: a bare window idle; the window's first and a later request."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    beat, idle_gap = bare_window_heartbeat(delay)

    with DemoKomboServer() as server:
        window = shown_window(server.base_url)
        maker = LinkMaker(window, prefix="heartbeat")
        server.delay_seconds = delay
        gaps, places = [], []
        for _ in range(2):  # the first request (lazy imports on the worker) and a later one
            beat.start()
            waited, _ = maker.make(timeout=delay + 30)
            gaps.append(beat.stop())
            if waited < delay:
                raise RuntimeError(f"the link came after {waited:.2f} s, before the server delay")
            places.append(largest_gap_place(beat, maker))
        maker.close()
        window.close()
    del app
    return {
        "delay": delay,
        "idle_gap": idle_gap,
        "first_gap": gaps[0],
        "later_gap": gaps[1],
        "first_gap_place": places[0],
        "later_gap_place": places[1],
    }


def largest_gap_place(beat: Heartbeat, maker: LinkMaker) -> list[float]:
    """Where ``beat``'s largest gap lay: its start and end, and when the link was painted, in
    seconds after the click. A gap at the click is the click's own handling (and whatever else
    runs then), not the wait for the server: telling them apart took probes."""
    earlier, later = beat.largest_gap_span()
    click = maker.last_click_at
    return [earlier - click, later - click, maker.last_shown_at - click]


def qr(count: int) -> dict[str, object]:
    """QR code for 300-character links: ``qrcode``'s own matrix (baseline, at the window's
    error correction, made as ``qrcode`` makes it, all eight masks laid out and scored; the
    program picks the same mask in its own quicker way, see ``core.qr_layout``), view pixmap,
    PNG, SVG.

    Timed as a person meets them: every repetition shows a link never seen before in qrView,
    then saves that same link as PNG and as SVG (the code for files is remembered by then, as
    in the window, which computes it on a worker once the code is drawn). The baseline
    encodes another fresh link; a third fresh link is saved as PNG without being shown first,
    which is what an export costs when the code is not remembered.
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from kombo_desktop.ui import qr_image
    from kombo_desktop.ui.result_panel import QR_VIEW_SIZE

    prefix = "https://connect.kombo.dev/v1/connect?token="

    def new_link() -> str:
        link = prefix + secrets.token_urlsafe(QR_LINK_LENGTH)[: QR_LINK_LENGTH - len(prefix)]
        assert len(link) == QR_LINK_LENGTH
        return link

    def view(link: str) -> object:
        # What the result panel does for qrView, at the same size.
        return qr_image.qr_pixmap(link, QR_VIEW_SIZE - 4, 1.0)

    first = timed(lambda: view(new_link()), 1)[0]  # includes importing qrcode, like a first link
    from kombo_desktop.core.qr import ON_PAPER, qr_matrix

    times: dict[str, list[float]] = {
        "matrix": [],
        "view": [],
        "png": [],
        "svg": [],
        "png_cold": [],
    }
    with tempfile.TemporaryDirectory() as folder:
        png, svg = Path(folder, "code.png"), Path(folder, "code.svg")
        cold = Path(folder, "cold.png")
        for _ in range(count):
            baseline_link, link, unseen_link = new_link(), new_link(), new_link()
            for name, action in (
                ("matrix", lambda: qrcode_matrix(baseline_link)),  # noqa: B023
                ("view", lambda: view(link)),  # noqa: B023 (runs at once)
            ):
                times[name].extend(timed(action, 1))
            # Not timed: what the window does on a worker once the code is drawn, the code for
            # files (its error correction is not the window's, see core.qr).
            qr_matrix(link, correction=ON_PAPER)
            for name, action in (
                ("png", lambda: qr_image.save_qr(link, png)),  # noqa: B023
                ("svg", lambda: qr_image.save_qr(link, svg)),  # noqa: B023
                ("png_cold", lambda: qr_image.save_qr(unseen_link, cold)),  # noqa: B023
            ):
                times[name].extend(timed(action, 1))
        sizes = {"png_bytes": png.stat().st_size, "svg_bytes": svg.stat().st_size}
    del app
    return {
        "first_view": first,
        **{f"{name}_median": statistics.median(values) for name, values in times.items()},
        **sizes,
    }


def qrcode_matrix(link: str) -> object:
    """The code for ``link`` as ``qrcode`` alone makes it, at the window's level (L)."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_L

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_L, border=0)
    code.add_data(link)
    code.make(fit=True)
    return code.get_matrix()


# Window sizes a laptop gives: 1366x768 at 100 % (1180x712, and taller or shorter by hand),
# 1920x1080 at 150 % (about 1180x640), and the smallest window (900x560). The result panel once
# laid itself out without end at some of them, using a whole CPU while nobody touched it.
IDLE_SIZES = ((1180, 712), (1180, 770), (1180, 640), (900, 560))


def cpu_while_idle(seconds: float) -> float:
    """The share of one CPU this process used while its event loop ran ``seconds`` idle."""
    started, cpu = time.perf_counter(), time.process_time()
    idle(seconds)
    return (time.process_time() - cpu) / (time.perf_counter() - started)


def left_alone(seconds: float) -> dict[str, object]:
    """CPU while nobody touches the window: a bare window, then the program at a first start
    (no key) and with a link shown (demo service), each at every size in ``IDLE_SIZES``."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    bare = QMainWindow()
    bare.resize(*IDLE_SIZES[0])
    bare.show()
    idle(0.3)
    bare_share = cpu_while_idle(seconds)
    bare.close()

    from kombo_desktop.app import build_main_window

    shares: dict[str, float] = {}
    first_start = build_main_window([])  # no key: the first-start notice is shown
    first_start.show()
    for width, height in IDLE_SIZES:
        first_start.resize(width, height)
        idle(0.3)  # the layout settles, the work queued after the first frame is done
        shares[f"first start {width}x{height}"] = cpu_while_idle(seconds)
    first_start.close()
    with DemoKomboServer() as server:
        window = shown_window(server.base_url)
        maker = LinkMaker(window, prefix="idle")
        maker.make()
        maker.close()
        for width, height in IDLE_SIZES:
            window.resize(width, height)
            idle(0.3)
            shares[f"link shown {width}x{height}"] = cpu_while_idle(seconds)
        window.close()
    del app
    busiest = max(shares, key=lambda name: shares[name])
    return {
        "bare_share": bare_share,
        "shares": shares,
        "busiest": busiest,
        "busiest_share": shares[busiest],
    }


# A history this long must open (a first version's file: upgraded first), show its first page
# and answer searches without freezing the window (issue 6).
HISTORY_ENTRIES = 100_000
# Opening a first version's file upgrades every entry; on a loaded machine that takes a while.
HISTORY_OPEN_TIMEOUT = 300.0


def largest_gaps(ticks: list[float], phases: list[tuple[str, float]]) -> dict[str, float]:
    """The largest gap between ``ticks`` in each phase (name, start; in order), a gap counted
    in the phase in which it ended: a freeze ends once the work that caused it, started in
    that phase, is done. A phase that comes more than once counts once."""
    gaps: dict[str, float] = {}
    for earlier, later in pairwise(ticks):
        phase = phases[0][0]
        for name, started in phases:
            if started <= later:
                phase = name
        gaps[phase] = max(gaps.get(phase, 0.0), later - earlier)
    return gaps


def history(entries: int, count: int, idle_seconds: float) -> dict[str, object]:
    """A history of ``entries`` links written as the first version did: the window opens it
    (upgrading it on a worker), shows its first page, and searches it ``count`` times for one
    customer, a kind of system and a pasted link, while a 10 ms heartbeat runs.

    Times run from the button's click (or the search asked for, without the typing pause) to
    the table painted with the page. Baselines: the heartbeat in an idle bare window, and the
    same SQL the history runs for each page, on a plain ``sqlite3`` connection to the same
    file, so the difference is what the window adds (worker hand-over, entries, the model,
    the table's paint).
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    beat, idle_gap = bare_window_heartbeat(idle_seconds)

    from benchmarks.large_history import customer_name, link_of, write_large_history
    from kombo_desktop.app import build_main_window
    from kombo_desktop.core.paths import AppPaths

    path = AppPaths.from_environment().history_file
    write_large_history(path, entries)
    customer = entries * 4242 // HISTORY_ENTRIES  # 4242 of 100,000, as in the tests
    pasted = entries - customer  # its link is the beginning of no other link
    searches = {
        "customer": customer_name(customer).lower(),
        "kind": "HR system",
        "link": f" {link_of(pasted)}. ",  # as pasted from a customer's mail
    }
    expected = {"customer": [f"C-{customer}"], "link": [f"C-{pasted}"]}

    window = build_main_window(["--demo"])
    feature = window.history
    watch = PaintWatch(window)
    window.show()
    watch.arm()
    watch.wait()
    watch.close()
    # The work queued for after the first frame (Qt's enums, the log file...) is not the
    # history's, but hands the file to a worker early on, which upgrades and opens it.
    wait_until(lambda: window.start_up.done, DEFAULT_TIMEOUT, "the work after the first frame")
    phases: list[tuple[str, float]] = [("opening", time.perf_counter())]  # the file upgraded
    beat.start()
    wait_until(lambda: feature.is_open, HISTORY_OPEN_TIMEOUT, "the history to open")
    if feature.store.problem is not None:
        raise BenchmarkError(f"the history could not be opened: {feature.store.problem}")
    if window.screen_sharing.on:  # the history is locked in screen-sharing mode
        window.screen_sharing.privacySwitch.click()

    def page_shown(action: Callable[[], object]) -> float:
        """Seconds from ``action`` to the table painted with the first page it asked for."""
        started = time.perf_counter()
        action()
        model = feature.panel.model
        shown = PaintWatch(feature.panel.historyTable.viewport())
        arrived: list[float] = []

        def on_page() -> None:
            if not arrived:
                arrived.append(time.perf_counter())
                shown.arm()

        # The page comes from a worker through the event loop: connecting now misses nothing.
        model.page_loaded.connect(on_page)
        try:
            wait_until(
                lambda: bool(arrived) and shown.painted_at is not None,
                DEFAULT_TIMEOUT,
                "the history's page on screen",
            )
        finally:
            model.page_loaded.disconnect(on_page)
            shown.close()
        if model.loading or model.total is None:
            raise BenchmarkError("the history's page did not arrive")
        assert shown.painted_at is not None
        return shown.painted_at - started

    phases.append(("first_page", time.perf_counter()))
    first_page = page_shown(feature.historyButton.click)
    model = feature.panel.model
    first_rows = model.rowCount()  # checked below: the page's size is not imported before
    if model.total != entries:
        raise BenchmarkError(f"the history counted {model.total} of {entries} links")

    def search(text: str) -> None:
        feature.panel.historySearchEdit.setText(text)
        feature.panel.apply_search()  # now, without the typing pause

    times: dict[str, list[float]] = {name: [] for name in searches}
    for _ in range(count):
        for name, text in searches.items():
            phases.append((f"search_{name}", time.perf_counter()))
            times[name].append(page_shown(lambda: search(text)))  # noqa: B023 (runs at once)
            found = [entry.origin_id for entry in model.entries()]
            if name in expected and found != expected[name]:
                raise BenchmarkError(f"the search for {text!r} found {found[:5]}")
            if name == "kind" and model.total != entries:
                raise BenchmarkError(f"the search for {text!r} found {model.total} links")
    phases.append(("search_cleared", time.perf_counter()))
    page_shown(lambda: search(""))
    beat.stop()
    gaps = largest_gaps(beat.ticks, phases)
    window.close()

    # The same SQL on a plain connection to the same file, each search once unmeasured first.
    import sqlite3

    from kombo_desktop.core.history.searching import SearchQuery
    from kombo_desktop.ui.history_model import PAGE_SIZE

    if first_rows != min(PAGE_SIZE, entries):  # one page read, not the whole file
        raise BenchmarkError(f"the first page held {first_rows} links, not {PAGE_SIZE}")
    connection = sqlite3.connect(path)

    def plain_page(text: str) -> None:
        query = SearchQuery.for_text(text)
        parameters = {**query.parameters, "limit": PAGE_SIZE, "offset": 0}
        rows = connection.execute(query.entries_query(), parameters).fetchall()
        if len(rows) == PAGE_SIZE:  # as the history's first page: the count only then
            connection.execute(query.count_query(), query.parameters).fetchone()

    plain: dict[str, list[float]] = {}
    for name, text in {"first_page": "", **searches}.items():
        plain_page(text)
        plain[name] = timed(lambda: plain_page(text), max(count, 3))  # noqa: B023 (at once)
    connection.close()
    del app
    return {
        "entries": entries,
        "idle_gap": idle_gap,
        "largest_gap": max(gaps.values()),
        "largest_gaps": gaps,  # by phase: opening, first_page, search_<name>, search_cleared
        "first_page": first_page,
        **{f"{name}_median": statistics.median(values) for name, values in times.items()},
        **{f"plain_{name}_median": statistics.median(values) for name, values in plain.items()},
        "searches": times,
        "plain_sql": plain,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenario", choices=("click", "heartbeat", "qr", "idle", "history"))
    parser.add_argument("--count", type=int, default=20, help="repetitions to take the median of")
    parser.add_argument("--delay", type=float, default=2.0, help="server delay in seconds")
    parser.add_argument("--seconds", type=float, default=1.0, help="idle: seconds per window")
    parser.add_argument(
        "--link-length", type=int, default=0, help="click: links this long instead of demo ones"
    )
    parser.add_argument(
        "--entries", type=int, default=HISTORY_ENTRIES, help="history: links in the history"
    )
    options = parser.parse_args(argv)
    if options.scenario == "heartbeat":
        QApplication(sys.argv[:1])  # the bare baseline comes first, in this application
        result = heartbeat(options.delay)
    elif options.scenario == "click":
        result = click(options.count, options.link_length)
    elif options.scenario == "idle":
        result = left_alone(options.seconds)
    elif options.scenario == "history":
        QApplication(sys.argv[:1])  # the bare baseline comes first, in this application
        result = history(options.entries, options.count, options.seconds)
    else:
        result = qr(options.count)
    result["qt"] = qVersion()
    result["pyside6"] = pyside_version
    print(json.dumps(result), flush=True)
    sys.stderr.flush()
    os._exit(0)  # no window teardown to wait for; everything was closed above


if __name__ == "__main__":
    main()
