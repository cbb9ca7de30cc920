"""Finds the files bundled with the program, wherever it was installed from.

In a wheel or a packaged build the top-level ``resources/`` folder sits inside the package as
``kombo_desktop/resources``; in a source checkout (editable install, tests) it is next to the
package. Both are looked up so the same code works in all three.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


@cache
def resources_dir() -> Path:
    """The folder holding the bundled resources; raises if the installation is broken."""
    for candidate in (_PACKAGE_DIR / "resources", _PACKAGE_DIR.parent / "resources"):
        if (candidate / "tools.tsv").is_file():
            return candidate
    raise FileNotFoundError(
        "The program's bundled files are missing; please reinstall Kombo Desktop."
    )


def resource_path(name: str) -> Path:
    """Path of one bundled file, e.g. ``resource_path("tools.tsv")``."""
    return resources_dir() / name
