"""The scripts name the system libraries Qt lacks on Debian or Ubuntu, instead of Qt's own
"no Qt platform plugin could be initialized", which names no way forward."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def missing_with(tmp_path: Path, absent: str, provided: str = "") -> str:
    """What ``ci_linux.sh --missing-runtime-libraries`` prints when ``absent`` is the one
    package not installed under its own name, and ``provided`` what installed packages
    provide (stand-ins for ``dpkg`` and ``dpkg-query`` on the PATH say so)."""
    dpkg = tmp_path / "dpkg"
    dpkg.write_text(f'#!/bin/sh\n[ "$2" = "{absent}" ] && exit 1\nexit 0\n')
    query = tmp_path / "dpkg-query"
    query.write_text(f"#!/bin/sh\nprintf 'ii  {provided}\\n'\n")
    for stand_in in (dpkg, query):
        stand_in.chmod(0o755)
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


def test_a_library_another_package_provides_is_not_missing(tmp_path: Path) -> None:
    # Ubuntu 24.04 installs libglib2.0-0t64, which provides libglib2.0-0: reported missing,
    # the scripts ran sudo apt-get at every start.
    provided = "libglib2.0-0 (= 2.80.0-6ubuntu3)"
    assert missing_with(tmp_path, "libglib2.0-0", provided) == ""
    assert missing_with(tmp_path, "libglib2.0-0", "libglib2.0-0x (= 1)") == "libglib2.0-0"
