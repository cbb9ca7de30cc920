"""The window's first frame never builds Qt's ``Qt`` namespace; enum properties set by name work.

Building the namespace costs the start-up about 11 ms (see ``kombo_desktop/ui/qt_enums.py``). It
is easy to bring back by accident, with one ``Qt.AlignmentFlag`` in code that builds the window,
so the test starts the program as a person does and, if it finds the namespace built by the first
frame, says where that happened.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QToolButton
from pytestqt.qtbot import QtBot

from kombo_desktop.ui.qt_enums import set_enum
from tests.support.python_run import last_line_printed

# Runs the real entry point; ``qt_enums.warm_up`` is the first thing the window does after its
# first frame, so it is replaced by the check. One of the namespace's enums being created is
# recorded with the code that caused it.
FIRST_FRAME_CHECK = """
import enum, json, os, sys, traceback
from kombo_desktop.app import main
from kombo_desktop.ui import qt_enums
from PySide6 import QtCore

built_at = []
create_enum = enum.EnumType._create_

def recording_create(cls, class_name, *args, **kwargs):
    if class_name == "AlignmentFlag" and not built_at:  # Qt.AlignmentFlag: the namespace
        built_at.append("".join(traceback.format_stack(limit=14)[:-1]))
    return create_enum(cls, class_name, *args, **kwargs)

enum.EnumType._create_ = recording_create

def check_after_first_frame():
    print(json.dumps({"built": "Qt" in vars(QtCore), "where": built_at}), flush=True)
    os._exit(0)

qt_enums.warm_up = check_after_first_frame
main(ARGUMENTS)
print(json.dumps({"error": "the window closed before its first frame"}))
"""


@pytest.mark.parametrize("arguments", [[], ["--demo"]], ids=["first-run", "demo"])
def test_the_first_frame_does_not_build_the_qt_namespace(
    arguments: list[str], isolated_home: Path
) -> None:
    check = FIRST_FRAME_CHECK.replace("ARGUMENTS", repr(arguments))
    found = json.loads(last_line_printed(check, isolated_home))
    assert "error" not in found, found
    where = "\n".join(found["where"])
    assert not found["built"] and not where, (
        "Something on the way to the first frame used PySide6's Qt namespace, which costs the "
        "start-up about 11 ms. Set the property by name with qt_enums.set_enum, or reach "
        f"QtCore.Qt only from code that runs later. It was built here:\n{where}"
    )


def test_warm_up_builds_the_namespace_after_the_first_frame(isolated_home: Path) -> None:
    printed = last_line_printed(
        "import json\n"
        "from kombo_desktop.app import build_main_window\n"
        "from PySide6 import QtCore\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "window = build_main_window([])\n"
        "before = 'Qt' in vars(QtCore)\n"
        "window.show()\n"
        "while not window.start_up.done:\n"
        "    app.processEvents()\n"
        "print(json.dumps([before, 'Qt' in vars(QtCore)]), flush=True)\n"
        # As a person leaves: what the window started stops before the interpreter does, which
        # otherwise tears the window down after Qt and can crash there (a failed exit on CI).
        "window.close()\n",
        isolated_home,
    )
    assert json.loads(printed) == [False, True]


# The window started as a person starts it, in demo mode; once its work after the first frame
# is done, the first link is made with the buttons. Each Qt enum Python builds on the main
# thread meanwhile is recorded with the code that caused it.
FIRST_LINK_CHECK = """
import enum, json, threading, traceback
from kombo_desktop.app import build_main_window
from PySide6.QtWidgets import QApplication

app = QApplication([])
window = build_main_window(["--demo"])
window.show()
while not window.start_up.done:
    app.processEvents()
main_thread = threading.get_ident()
built = []
create_enum = enum.EnumType._create_

def recording_create(cls, class_name, *args, **kwargs):
    if threading.get_ident() == main_thread:
        built.append(class_name + ":\\n" + "".join(traceback.format_stack(limit=8)[:-1]))
    return create_enum(cls, class_name, *args, **kwargs)

enum.EnumType._create_ = recording_create
window.emailEdit.setText("olivia@bigdeal.example")
window.organizationEdit.setText("Big Deal Holding AG")
window.createButton.click()
while not window.linkField.text() or window.qrView.pixmap().isNull():
    app.processEvents()
enum.EnumType._create_ = create_enum
print(json.dumps(built), flush=True)
window.close()  # as a person leaves: what the window started stops before the interpreter does
"""


def test_the_first_link_builds_no_qt_enum_while_the_person_waits(isolated_home: Path) -> None:
    # PySide6 builds a Qt class's enums the first time Python names the class: those the
    # first link needs are built right after the first frame (qt_enums.warm_up), not on the
    # click or during the request's wait, where the window could not repaint meanwhile.
    built = json.loads(last_line_printed(FIRST_LINK_CHECK, isolated_home))
    assert built == [], "Built while the first link was made:\n" + "\n".join(built)


# The same for the first opening of the history, once the window's work after its first frame
# is done (its idle steps included) and the history is open: from the click on History until
# the first page has arrived and been painted. Modules the main thread imports meanwhile are
# recorded too (worker threads go on loading what the demo's requests need).
FIRST_HISTORY_CHECK = """
import enum, json, sys, threading, traceback
from kombo_desktop.app import build_main_window
from PySide6.QtWidgets import QApplication

app = QApplication([])
window = build_main_window(["--demo"])
window.show()
feature = window.history
while not (window.start_up.done and feature.is_open):
    app.processEvents()
window.screen_sharing.privacySwitch.click()  # on at every start, which locks the history
main_thread = threading.get_ident()
built = []
create_enum = enum.EnumType._create_

def recording_create(cls, class_name, *args, **kwargs):
    if threading.get_ident() == main_thread:
        built.append(class_name + ":\\n" + "".join(traceback.format_stack(limit=8)[:-1]))
    return create_enum(cls, class_name, *args, **kwargs)

imported = []

class ImportRecorder:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if threading.get_ident() == main_thread:
            imported.append(name)
        return None  # found by the usual finders

enum.EnumType._create_ = recording_create
sys.meta_path.insert(0, ImportRecorder)
feature.historyButton.click()
while feature.panel.model.total is None:
    app.processEvents()
app.processEvents()  # the page painted
enum.EnumType._create_ = create_enum
sys.meta_path.remove(ImportRecorder)
print(json.dumps({"open": feature.history_open, "enums": built, "modules": imported}), flush=True)
window.close()
"""


def test_the_first_opening_of_the_history_loads_nothing_while_the_person_waits(
    isolated_home: Path,
) -> None:
    # The panel's modules and the enums of the Qt classes it names are loaded in the idle time
    # after the first frame (history_warm_up), and the table's viewport is made in Python
    # (widgets.own_viewport): the first click on History froze the window about 200 ms on a
    # loaded machine, loading them and PySide6 setting up every widget class it knows.
    found = json.loads(last_line_printed(FIRST_HISTORY_CHECK, isolated_home))
    assert found["open"]
    assert found["modules"] == [], f"Imported at the first click on History: {found['modules']}"
    assert found["enums"] == [], "Built at the first click on History:\n" + "\n".join(
        found["enums"]
    )


def test_set_enum_sets_flags_and_values_by_name(qtbot: QtBot) -> None:
    from PySide6.QtCore import Qt

    label = QLabel()
    qtbot.addWidget(label)
    set_enum(label, "alignment", "AlignLeft|AlignTop")
    set_enum(label, "textFormat", "PlainText")
    button = QToolButton()
    qtbot.addWidget(button)
    set_enum(button, "arrowType", "DownArrow")

    assert label.alignment() == Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert button.arrowType() == Qt.ArrowType.DownArrow


@pytest.mark.parametrize(
    ("name", "value"),
    [("alignment", "AlignSideways"), ("alignmnet", "AlignLeft"), ("textFormat", "")],
)
def test_set_enum_refuses_a_misspelt_property_or_value(qtbot: QtBot, name: str, value: str) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    with pytest.raises(ValueError, match=name):
        set_enum(label, name, value)
