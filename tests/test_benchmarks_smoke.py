"""The benchmark runner still runs end to end and prints every figure.

Only the harness is checked here (every row produced, nothing broken, the flags work), never
speed: test machines are too noisy for timing assertions. The figures themselves live in
``benchmarks/README.md``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks.run import ROW_KEYS, SECTIONS, Report, Row, format_table, qt_versions

ROOT = Path(__file__).resolve().parent.parent


def run_benchmarks(
    *args: str, tmp_path: Path
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    output = tmp_path / "figures.json"
    env = dict(os.environ)
    env.pop("KOMBO_API_KEY", None)
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", *args, "--json", str(output)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert output.exists(), done.stderr
    return done, json.loads(output.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_quick_run_produces_every_row(tmp_path: Path) -> None:
    done, figures = run_benchmarks("--quick", tmp_path=tmp_path)

    assert done.returncode == 0, done.stderr
    assert figures["errors"] == []
    keys = [row["key"] for row in figures["rows"]]
    assert keys == [key for section in SECTIONS for key in ROW_KEYS[section]]
    for row in figures["rows"]:
        assert row["value"] and row["baseline"], row
        assert row["figure"] in done.stdout  # the printed table has the same rows
    assert "Result" in done.stdout and "uname:" in done.stdout
    for key in ("date", "uname", "cpu", "python", "qt"):
        assert figures["machine"][key]
    assert "?" not in figures["machine"]["qt"]
    # The slow libraries must not be loaded before the window first appears.
    (lazy,) = [row for row in figures["rows"] if row["key"] == "startup_lazy_modules"]
    assert lazy["value"] == "none", lazy
    # Where a request's largest pause lay: at the click, or while the server was waited for.
    for key in ("heartbeat_first", "heartbeat_later"):
        (row,) = [row for row in figures["rows"] if row["key"] == key]
        assert "ms after the click; the link painted" in row["note"], row


@pytest.mark.slow
def test_strict_fails_only_on_a_missed_target(tmp_path: Path) -> None:
    done, figures = run_benchmarks("--quick", "--strict", "--only", "qr", tmp_path=tmp_path)

    assert [row["key"] for row in figures["rows"]] == list(ROW_KEYS["qr"])
    missed = any(row["passed"] is False for row in figures["rows"])
    assert done.returncode == (1 if missed else 0), done.stdout + done.stderr


def test_versions_are_named_when_no_child_reported_them() -> None:
    # ``--only startup`` runs children that print timings only; the header said "Qt ?".
    from PySide6 import __version__ as pyside
    from PySide6.QtCore import qVersion

    assert qt_versions(Report(machine={}, settings={})) == (qVersion(), pyside)
    reported = Report(machine={}, settings={}, raw={"qr": {"qt": "6.0.1", "pyside6": "6.0.2"}})
    assert qt_versions(reported) == ("6.0.1", "6.0.2")


def test_table_marks_pass_miss_info_and_error() -> None:
    rows = [
        Row("a", "Fast thing", "1 ms", "2 ms bare", "0.5×", "≤ 1×", True),
        Row("b", "Slow thing", "9 ms", "2 ms bare", "4.5×", "≤ 1×", False),
        Row("c", "Memory", "80 MB", "50 MB bare", "+30 MB", "", None),
        Row("d", "Broken", "-", "-", "", "", None, note="child failed", error=True),
    ]

    text = format_table(rows)
    markdown = format_table(rows, markdown=True)

    lines = text.splitlines()
    assert lines[0].startswith("Figure")
    assert lines[0].split()[-3:] == ["baseline", "Target", "Result"]
    assert set(lines[1]) == {"-", " "}
    assert [line.split()[-1] for line in lines[2:]] == ["pass", "MISS", "info", "ERROR"]
    assert "| Slow thing | 9 ms | 2 ms bare | 4.5× | ≤ 1× | MISS |" in markdown
    assert "| Memory | 80 MB | 50 MB bare | +30 MB | — | info |" in markdown
