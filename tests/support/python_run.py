"""Running a piece of Python in a fresh interpreter, as a person's start of the program would.

For what only a new process shows: which modules a start loads, which Qt set-up it triggers,
what happens before a ``QApplication`` exists. The repository is on the path, the platform is
``offscreen`` unless the caller says otherwise, and no ``KOMBO_API_KEY`` is passed on. Variables
named in ``leave_out`` (``QT_QPA_PLATFORM`` too) are not passed on unless ``env`` sets them: a
console without a display, say.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_python(
    code: str, env: dict[str, str] | None = None, leave_out: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for name in leave_out:
        environment.pop(name, None)
    environment.update(env or {})
    environment.pop("KOMBO_API_KEY", None)
    environment["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        cwd=REPO,
        check=False,
    )


def last_line_printed(code: str, home: Path) -> str:
    """Run ``code`` with ``KOMBO_DESKTOP_HOME`` set to ``home``; it must succeed. Returns the
    last line it printed: what the code reports, after anything the libraries printed first."""
    result = run_python(code, env={"KOMBO_DESKTOP_HOME": str(home)})
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr}"
    return result.stdout.strip().splitlines()[-1]
