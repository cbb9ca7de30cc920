"""The cycle collector runs on the UI thread only (``kombo_desktop.ui.ui_thread_gc``)."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from kombo_desktop.ui.ui_thread_gc import collect_on_the_ui_thread, collect_what_is_due


class Cycle:
    """An object only the collector frees (it refers to itself), noting the thread that did."""

    freed_on: list[str] = []  # noqa: RUF012 - shared on purpose: what each one saw

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        Cycle.freed_on.append(threading.current_thread().name)


def test_cycles_made_on_a_worker_are_freed_on_the_thread_that_collects(qtbot: QtBot) -> None:
    # A worker allocating far past the youngest generation's threshold collected there with
    # the automatic collector on, freeing whatever was garbage then (Qt wrappers too) on it.
    gc.collect()
    Cycle.freed_on = []
    parent = QObject()
    timer = collect_on_the_ui_thread(parent)
    assert not gc.isenabled() and timer.isActive()

    kept: list[list[int]] = []

    def allocate() -> None:
        for _ in range(5):
            Cycle()
        kept.extend([] for _ in range(gc.get_threshold()[0] * 5))  # counts past the threshold

    worker = threading.Thread(target=allocate, name="worker")
    worker.start()
    worker.join()
    assert Cycle.freed_on == []  # nothing collected on the worker
    qtbot.waitUntil(lambda: len(Cycle.freed_on) == 5, timeout=5000)  # the timer's turn
    assert set(Cycle.freed_on) == {threading.main_thread().name}
    timer.stop()


def test_nothing_is_collected_before_a_generation_is_due() -> None:
    gc.collect()
    Cycle.freed_on = []
    Cycle()
    collect_what_is_due()  # one new object: far from the threshold
    assert Cycle.freed_on == []
    gc.collect()
    assert Cycle.freed_on == [threading.main_thread().name]
