"""PySide6's per-import source scan is answered from what is known, and only for known modules."""

from __future__ import annotations

import json
import re
from pathlib import Path

import kombo_desktop
from tests.support.python_run import last_line_printed, run_python

PACKAGE_DIR = Path(kombo_desktop.__file__).parent


def test_no_module_of_the_program_uses_pyside_feature_switches() -> None:
    """The shortcut records every program module as an ordinary PySide6 user; that is only
    true while none of them opts into ``from __feature__ import ...``."""
    users = [
        str(path.relative_to(PACKAGE_DIR))
        for path in PACKAGE_DIR.rglob("*.py")
        if re.search(r"^\s*(from|import)\s+__feature__", path.read_text("utf-8"), re.MULTILINE)
    ]
    assert users == []


def test_known_modules_are_answered_without_reading_and_others_are_still_scanned(
    tmp_path: Path, isolated_home: Path
) -> None:
    (tmp_path / "third_party_with_qt.py").write_text("import PySide6.QtCore\n", "utf-8")
    (tmp_path / "third_party_plain.py").write_text("VALUE = 1\n", "utf-8")
    printed = last_line_printed(
        "import json, linecache, sys\n"
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        # In the program's order: its entry module first, PySide6 after it.
        "from kombo_desktop.app import build_main_window\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "window = build_main_window([])\n"
        "import csv, third_party_with_qt, third_party_plain\n"
        "feature = sys.modules['shibokensupport.feature']\n"
        "answers = feature.pyside_feature_dict\n"
        "read = [name for name in linecache.cache if 'kombo_desktop' in name]\n"
        "print(json.dumps({\n"
        "    'main_window': answers.get('kombo_desktop.ui.main_window'),\n"
        "    'settings': answers.get('kombo_desktop.core.settings'),\n"
        "    'csv': answers.get('csv'),\n"
        "    'with_qt': answers.get('third_party_with_qt'),\n"
        "    'plain': answers.get('third_party_plain'),\n"
        "    'program_sources_read': read,\n"
        "}))\n",
        isolated_home,
    )
    found = json.loads(printed)
    # 0: "uses PySide6, no feature switched on"; -1: "does not use PySide6".
    assert found["main_window"] == 0
    assert found["settings"] == 0
    assert found["csv"] == -1
    # Modules that are neither the program's nor the standard library's: PySide6's own check,
    # which reads the source and finds (or not) the word PySide6.
    assert found["with_qt"] == 0
    assert found["plain"] == -1
    assert found["program_sources_read"] == []


def test_without_pyside_loaded_it_does_nothing_and_says_so() -> None:
    result = run_python(
        "import sys\n"
        "from kombo_desktop.ui import source_scan\n"
        "first = source_scan.skip_source_scan_of_known_modules()\n"
        "import PySide6.QtCore\n"
        "second = source_scan.skip_source_scan_of_known_modules()\n"
        "third = source_scan.skip_source_scan_of_known_modules()\n"
        "feature = sys.modules['shibokensupport.feature']\n"
        "check = feature._mod_uses_pyside\n"
        "print(first, second, third, check.original.__name__)\n"
    )
    assert result.returncode == 0, result.stderr
    # Installed once only: a second call does not wrap the wrapper.
    assert result.stdout.split() == ["False", "True", "True", "_mod_uses_pyside"]
