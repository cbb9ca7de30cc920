"""Child process: start a window, wait until it is painted, report, and exit at once.

    python -m benchmarks.first_show bare                # a QMainWindow doing nothing (baseline)
    python -m benchmarks.first_show app [ARGS...]       # kombo_desktop.app.main(ARGS)
    python -m benchmarks.first_show ready [ARGS...]     # the same, until its deferred work is done
    python -m benchmarks.first_show widgets             # the first frame's widgets, no program
    python -m benchmarks.first_show app --links 200 --api-base URL   # then make 200 links

The runner times the whole process from the outside, so the interpreter's own start counts the
same for both. The program runs through its real entry point, ``kombo_desktop.app.main``, with
one change: ``QApplication.exec`` is replaced (right after the program has imported PySide6
itself), so that instead of running until the window is
closed, the event loop runs only until the shown window's first frame is finished: its first
paint event, its children's, and the hand-over to the screen (see ``PaintWatch``). Then one
JSON line is printed and the process leaves with ``os._exit``: tearing a window down is not part
of starting one, and would not cost the same for both. Work the program defers until after its
first frame is not counted, it is the point of deferring it: the child leaves from inside the
callback that marks the end of the frame, before the event loop runs anything queued after it.
``ready`` waits for that deferred work as well (an information figure: when the window has
finished everything it does at start), and reports the largest gap of a 10 ms timer meanwhile
(how long a key press typed into the form just shown could wait). The JSON line has the peak
memory so far and which of the slow libraries that must stay off the start-up path were
imported by then.

Nothing is imported before the window that the bare baseline would not need (no argparse, no
json, no ``Qt`` namespace): whatever the harness costs is added to both runs, and a constant
added to both makes the ratio look better than it is.
"""

from __future__ import annotations

import os
import sys

# The libraries the window must load only later, on first use or on a worker thread.
LAZY_MODULES = ("httpx", "keyring", "qrcode", "truststore")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (ru_maxrss is KB on Linux)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _report_and_exit(result: dict[str, object]) -> None:
    import json

    print(json.dumps(result), flush=True)
    sys.stderr.flush()
    os._exit(0)


class HeartbeatTicks:
    """A 10 ms timer on the UI thread, noting when it fires. Unlike ``qt_support.Heartbeat``,
    it leaves the timer's type at Qt's default (coarse: within 5 %, half a millisecond here):
    setting it names the ``Qt`` namespace, which the program builds after its first frame,
    and doing it first would take that cost, the largest of that work, out of the measure."""

    def __init__(self) -> None:
        import time

        from PySide6.QtCore import QTimer

        self._clock = time.perf_counter
        self.ticks: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(lambda: self.ticks.append(self._clock()))

    def start(self, at: float) -> None:
        self.ticks = [at]
        self.timer.start()

    def largest_gap(self) -> float:
        """Stop; the largest gap in seconds, the last stretch up to now included."""
        from itertools import pairwise

        self.timer.stop()
        ticks = [*self.ticks, self._clock()]
        return max(later - earlier for earlier, later in pairwise(ticks))


def measure_and_exit(mode: str, links: int) -> None:
    """Run the event loop until the visible main window has painted; report; leave."""
    from PySide6.QtWidgets import QApplication, QMainWindow

    from benchmarks.paint_watch import BenchmarkError, PaintWatch, wait_until

    shown = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()
    ]
    if len(shown) != 1:
        raise BenchmarkError(f"expected one visible main window, found {len(shown)}")
    window = shown[0]
    # The program's queue of work for after its first frame (absent in the bare window).
    deferred = getattr(window, "start_up", None)
    result: dict[str, object] = {"mode": mode}

    def frame_done() -> None:
        assert watch.painted_at is not None and watch.frame_done_at is not None
        result["paint_to_frame_done_ms"] = round((watch.frame_done_at - watch.painted_at) * 1000, 2)
        # True would mean the deferred work ran inside the measured time: worth knowing.
        result["deferred_work_done_at_frame"] = deferred is None or bool(deferred.done)
        result["lazy_modules_loaded"] = [name for name in LAZY_MODULES if name in sys.modules]
        result["peak_rss_mb_at_show"] = round(peak_rss_mb(), 1)
        if beat is not None:
            beat.start(watch.frame_done_at)
        if mode != "ready" and not links:
            _report_and_exit(result)  # at once: whatever is queued after the frame is not run

    watch = PaintWatch(window, on_frame_done=frame_done)
    # In "ready" mode, a 10 ms timer from the end of the frame until the deferred work is done:
    # its largest gap is the longest the window could not answer a key press meanwhile.
    beat = HeartbeatTicks() if mode == "ready" else None
    watch.arm()  # a paint already pending merges with this one; none is missed
    watch.wait_frame()
    if mode == "ready":
        if deferred is None:
            raise BenchmarkError("the window has no start_up queue to wait for")
        wait_until(lambda: bool(deferred.done), 30.0, "the work deferred after the first frame")
        assert beat is not None
        result["largest_gap_after_frame_ms"] = round(beat.largest_gap() * 1000, 2)
        wait_for_pyside_code_saved()
    if links:
        import time

        from benchmarks.qt_support import LinkMaker

        maker = LinkMaker(window, prefix="memory")
        started = time.perf_counter()
        for _ in range(links):
            maker.make()
        result["links_made"] = links
        result["links_seconds"] = round(time.perf_counter() - started, 3)
        result["peak_rss_mb_after_links"] = round(peak_rss_mb(), 1)
    _report_and_exit(result)


def wait_for_pyside_code_saved() -> None:
    """Wait for the thread that writes the PySide6 code a first start compiled (in the warm-up
    run only; later runs find the file and start none), so that the runs after it find it."""
    import threading

    from kombo_desktop.ui.pyside_code_cache import SAVING_THREAD_NAME

    for thread in threading.enumerate():
        if thread.name == SAVING_THREAD_NAME:
            thread.join(30.0)


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in ("bare", "app", "ready", "widgets"):
        sys.exit(
            "usage: python -m benchmarks.first_show {bare|app|ready|widgets}"
            " [--links N] [APP ARGS...]"
        )
    mode, rest = argv[0], argv[1:]
    links = 0
    if rest[:1] == ["--links"]:
        links, rest = int(rest[1]), rest[2:]

    if mode in ("app", "ready"):
        # The program imports PySide6 itself, as ``python -m kombo_desktop`` does: first its
        # own modules (PySide6 changes how every later import works, see
        # kombo_desktop/ui/source_scan.py), then PySide6 with the code it keeps compiled from
        # the last start (kombo_desktop/ui/pyside_code_cache.py). The event loop is replaced
        # right after that import, before anything can run it.
        from kombo_desktop.app import main as program_main
        from kombo_desktop.ui.pyside_code_cache import PySideCodeCache

        import_pyside = PySideCodeCache.import_pyside

        def import_pyside_then_replace_exec(cache: PySideCodeCache) -> None:
            import_pyside(cache)
            replace_exec(mode, links)

        PySideCodeCache.import_pyside = import_pyside_then_replace_exec  # type: ignore[method-assign]
        program_main(rest)
        sys.exit("the window was never shown")
    replace_exec(mode, links)
    from PySide6.QtWidgets import QApplication, QMainWindow

    if mode == "bare":
        app = QApplication(sys.argv[:1])
        window = QMainWindow()
        window.show()
        app.exec()
    elif mode == "widgets":
        # The application made as the program makes it (style, palette, PySide6's scan spared).
        from kombo_desktop.ui.source_scan import skip_source_scan_of_known_modules

        skip_source_scan_of_known_modules()
        from benchmarks.same_widgets import build_same_widgets_window
        from kombo_desktop.ui import theme

        app = QApplication([*sys.argv[:1], "-style", theme.STYLE])
        theme.apply_to_application(app)
        window = build_same_widgets_window()
        window.show()
        app.exec()
    sys.exit("the window was never shown")


def replace_exec(mode: str, links: int) -> None:
    """Make ``QApplication.exec`` run only until the window's first frame, then report."""
    from PySide6.QtWidgets import QApplication

    def exec_until_first_paint(_app: QApplication) -> int:
        measure_and_exit(mode, links)
        return 0  # not reached

    QApplication.exec = exec_until_first_paint  # type: ignore[assignment,method-assign]


if __name__ == "__main__":
    main(sys.argv[1:])
