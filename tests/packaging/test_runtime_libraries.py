"""The scripts name the system libraries Qt lacks on Debian or Ubuntu, instead of Qt's own
"no Qt platform plugin could be initialized", which names no way forward."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def missing_with(tmp_path: Path, absent: str) -> str:
    """What ``ci_linux.sh --missing-runtime-libraries`` prints when ``absent`` is the one
    package not installed (a stand-in ``dpkg`` on the PATH says so)."""
    fake = tmp_path / "dpkg"
    fake.write_text(f'#!/bin/sh\n[ "$2" = "{absent}" ] && exit 1\nexit 0\n')
    fake.chmod(0o755)
    environment = {
        **os.environ,
        "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}",
        "PYTHON": sys.executable,
    }
    done = subprocess.run(
        ["bash", "packaging/ci_linux.sh", "--missing-runtime-libraries"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip()


def test_a_missing_library_is_named(tmp_path: Path) -> None:
    assert missing_with(tmp_path, "libxcb-cursor0") == "libxcb-cursor0"


def test_nothing_is_named_when_all_are_there(tmp_path: Path) -> None:
    assert missing_with(tmp_path, "no-such-package") == ""
