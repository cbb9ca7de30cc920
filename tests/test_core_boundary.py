"""The core stays Qt-free and cheap to import; the window relies on both.

import-linter checks the same contract in ``scripts/run-tests``; this test keeps it inside the
suite so it cannot be skipped, and also checks what actually gets loaded at run time.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import kombo_desktop.core

CORE_DIR = Path(kombo_desktop.core.__file__).parent
QT_PACKAGES = ("PySide6", "shiboken6")
# Heavy libraries the window must not pay for at start-up (they load lazily where used).
LAZY_PACKAGES = ("httpx", "keyring", "qrcode", "truststore", "PySide6")


def _core_modules() -> list[str]:
    return sorted(
        f"kombo_desktop.core.{info.name}" for info in pkgutil.walk_packages([str(CORE_DIR)])
    )


def test_no_core_source_file_imports_qt() -> None:
    offenders = []
    for path in CORE_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in QT_PACKAGES]
    assert offenders == []


def test_importing_every_core_module_loads_no_qt() -> None:
    modules = _core_modules()
    assert len(modules) >= 5
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {QT_PACKAGES!r})))"
    )
    loaded = json.loads(_run_python(script))
    assert loaded == []


def test_importing_the_core_package_loads_no_heavy_library() -> None:
    script = (
        "import json, sys\n"
        "import kombo_desktop.core, kombo_desktop.core.vocabulary, kombo_desktop.core.errors\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {LAZY_PACKAGES!r})))"
    )
    assert json.loads(_run_python(script)) == []


def _run_python(script: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert result.returncode == 0, result.stderr
    return result.stdout
