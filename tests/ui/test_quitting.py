"""Quitting the whole program (a Mac's Cmd+Q, "Quit" in its application menu or the Dock) asks
about typing no link was made with, as closing the window does, and Cancel keeps the program
running with everything typed. Real window, demo service, real QApplication; the quit comes
in through Qt's own entry point for the system's "may this program end?"."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kombo_desktop.ui import quit_question
from kombo_desktop.ui.main_window import MainWindow
from tests.support.message_boxes import answer_next_box
from tests.support.python_run import run_python
from tests.support.window_system import (
    quit_as_the_person_does,
    skip_where_quitting_cannot_be_reached,
)
from tests.ui.conftest import WindowFactory, fill_form

CLOSE_QUESTION = (
    "Close Kombo Desktop? What is typed on the “New link” tab has not been used for a link "
    "yet, and would be lost."
)


class QuitsLetThrough(QObject):
    """On the application, installed before the window's own filter is (after its first
    frame): it sees a quit only once the window let it through, counts it and stops it there.
    A quit that went ahead in the test process would close every window and end every later
    wait of the run at once."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Quit:
            return False
        self.count += 1
        event.ignore()
        return True


@pytest.fixture(autouse=True)
def system_asks_before_quitting(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a Mac, the only system that asks a program whether it may end."""
    monkeypatch.setattr(quit_question, "SYSTEM_ASKS_BEFORE_QUITTING", True)


@pytest.fixture
def quits_let_through(qapp: QApplication) -> Iterator[QuitsLetThrough]:
    held = QuitsLetThrough()
    qapp.installEventFilter(held)
    yield held
    qapp.removeEventFilter(held)


def started(qtbot: QtBot, window: MainWindow) -> MainWindow:
    """``window`` once its first frame is shown: what waits for it (the question on quitting
    among it) is in place, as it is long before a person has typed anything."""
    qtbot.waitUntil(lambda: window.start_up.done, timeout=5000)
    return window


def test_quitting_asks_before_losing_typing_and_cancel_keeps_the_program_running(
    qtbot: QtBot, open_window: WindowFactory, quits_let_through: QuitsLetThrough
) -> None:
    window = started(qtbot, open_window("--demo"))
    fill_form(window, email="olivia@bigdeal.example", organization="Big Deal Holding AG")

    asked = answer_next_box("Cancel")
    assert quit_as_the_person_does() is False  # the quit is cancelled: the system is told so
    assert asked.texts == [CLOSE_QUESTION]
    assert sorted(b.replace("&", "") for b in asked.buttons) == ["Cancel", "Close"]
    assert asked.default.replace("&", "") == "Cancel"
    assert quits_let_through.count == 0
    assert window.isVisible() and not window.closed
    assert (window.emailEdit.text(), window.organizationEdit.text()) == (
        "olivia@bigdeal.example",
        "Big Deal Holding AG",
    )

    answer_next_box("Close")
    quit_as_the_person_does()
    assert quits_let_through.count == 1  # on its way to Qt, which ends the program


def test_quitting_asks_nothing_when_nothing_unused_is_typed_or_the_window_is_closed(
    qtbot: QtBot, open_window: WindowFactory, quits_let_through: QuitsLetThrough
) -> None:
    asked = answer_next_box("Cancel")  # would cancel the quit, had it asked
    window = started(qtbot, open_window("--demo"))
    quit_as_the_person_does()
    assert quits_let_through.count == 1

    fill_form(window, email="olivia@bigdeal.example", organization="Big Deal Holding AG")
    window.close()  # as the program (or a test's own clean-up) closes it: nobody is asked
    quit_as_the_person_does()
    asked.stop()
    assert asked.texts == []
    assert quits_let_through.count == 2


def test_where_the_system_never_asks_the_program_watches_no_event_for_it(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    open_window: WindowFactory,
    quits_let_through: QuitsLetThrough,
) -> None:
    # Windows and Linux close the window instead (it asks itself); a filter on the application
    # would only slow every event of the window down there.
    monkeypatch.setattr(quit_question, "SYSTEM_ASKS_BEFORE_QUITTING", False)
    window = started(qtbot, open_window("--demo"))
    fill_form(window, email="olivia@bigdeal.example", organization="Big Deal Holding AG")
    asked = answer_next_box("Cancel")
    quit_as_the_person_does()
    asked.stop()
    assert asked.texts == []
    assert quits_let_through.count == 1


def test_a_quit_the_program_makes_itself_never_waits_for_an_answer(
    qtbot: QtBot, qapp: QApplication, open_window: WindowFactory, quits_let_through: QuitsLetThrough
) -> None:
    # Qt posts such a quit once the last window has closed; it is not spontaneous.
    window = started(qtbot, open_window("--demo"))
    fill_form(window, email="olivia@bigdeal.example", organization="Big Deal Holding AG")
    asked = answer_next_box("Cancel")

    QCoreApplication.sendEvent(qapp, QEvent(QEvent.Type.Quit))
    asked.stop()
    assert asked.texts == []
    assert quits_let_through.count == 1


def test_the_program_ends_once_the_person_chose_to_close_it_and_asks_only_once() -> None:
    # The whole way, in the program's own event loop: Cmd+Q with typing, Cancel (it runs on),
    # Cmd+Q again, Close: Qt then closes the window itself, which asks nothing more, and the
    # program ends as it does when its window is closed.
    code = (
        "import json\n"
        "import kombo_desktop.app as app\n"
        "import kombo_desktop.ui.quit_question as quit_question\n"
        "quit_question.SYSTEM_ASKS_BEFORE_QUITTING = True  # as on a Mac\n"
        "from tests.support.message_boxes import answer_next_box\n"
        "from tests.support.window_system import quit_as_the_person_does\n"
        "real = app._build_window\n"
        "seen = {}\n"
        "def build(options, paths):\n"
        "    from PySide6.QtCore import QTimer\n"
        "    window = real(options, paths)\n"
        "    def quit_twice():\n"
        "        window.emailEdit.setText('olivia@bigdeal.example')\n"
        "        cancelled = answer_next_box('Cancel')\n"
        "        seen['after_cancel'] = quit_as_the_person_does()\n"
        "        seen['still_open'] = window.isVisible()\n"
        "        chose_close = answer_next_box('Close')\n"
        "        seen['after_close'] = quit_as_the_person_does()\n"
        "        seen['asked'] = cancelled.texts + chose_close.texts\n"
        "    window.start_up.add(lambda: QTimer.singleShot(100, quit_twice))\n"
        "    return window\n"
        "app._build_window = build\n"
        "code = app.main(['--demo'])\n"
        "print(json.dumps(seen))\n"
        "raise SystemExit(code)\n"
    )
    skip_where_quitting_cannot_be_reached()
    result = run_python(code)
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {
        "after_cancel": False,
        "still_open": True,
        "after_close": True,
        "asked": [CLOSE_QUESTION, CLOSE_QUESTION],
    }
