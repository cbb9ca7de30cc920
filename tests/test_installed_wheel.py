"""A plain (non-editable) install must carry its resources and import the core without Qt.

Builds the wheel, installs it without dependencies into a new virtual environment, and imports
the core from an unrelated folder, so nothing from the source checkout can help.
"""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), "."],
        cwd=REPO_ROOT,
        check=True,
        timeout=300,
    )
    (built,) = out.glob("kombo_desktop-*.whl")
    return built


def test_wheel_contains_the_resources(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "kombo_desktop/resources/tools.tsv" in names
    assert not any(name.startswith("tests/") for name in names)


@pytest.mark.slow
def test_core_imports_from_a_plain_install_without_qt(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)],
        check=True,
        timeout=300,
    )
    script = (
        "import sys, kombo_desktop.core\n"
        "from kombo_desktop.core.catalog import ToolCatalog\n"
        "assert len(ToolCatalog.bundled()) == 203\n"
        "assert not any(m.startswith(('PySide6', 'shiboken6')) for m in sys.modules)\n"
        "print('ok')"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [str(python), "-c", script],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
