"""``scripts/_venv.sh`` (behind ``scripts/run-demo`` and ``scripts/run-tests``): its steps, run
from ``scripts/_venv_lib.sh`` on throw-away virtual environments.

The environments here are made without pip (fast) and borrow a copy of this interpreter's pip
through a ``.pth`` file, so no test waits for ``ensurepip`` or needs the network.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STEPS = REPO / "scripts" / "_venv_lib.sh"

pytestmark = pytest.mark.skipif(os.name == "nt", reason="the scripts are for bash")


def run_step(command: str, *arguments: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``command`` (bash, seeing ``arguments`` as "$1", "$2", ...) after sourcing the steps
    as ``_venv.sh`` does."""
    return subprocess.run(
        ["bash", "-c", f'set -euo pipefail; source "$0"; {command}', STEPS, *map(str, arguments)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def pip_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of this interpreter's pip (with its metadata, so pip counts as installed)."""
    home = tmp_path_factory.mktemp("pip-home")
    pip = importlib.metadata.distribution("pip")
    package = Path(str(pip.locate_file("pip")))
    metadata = package.parent / f"pip-{pip.version}.dist-info"
    shutil.copytree(package, home / "pip", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(metadata, home / metadata.name)
    return home


def give_pip(venv: Path, pip_home: Path) -> None:
    for site_packages in venv.glob("lib/python*/site-packages"):
        (site_packages / "pip-home.pth").write_text(f"{pip_home}\n", encoding="utf-8")


def make_venv(venv: Path, pip_home: Path | None) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=60)
    if pip_home is not None:
        give_pip(venv, pip_home)
    return venv


def recording_python(tmp_path: Path, pip_home: Path) -> tuple[Path, Path]:
    """A stand-in for the Python that makes venvs: writes down how it was called, then makes
    the venv with this interpreter (without ensurepip, with the borrowed pip)."""
    calls = tmp_path / "calls.log"
    stand_in = tmp_path / "python-stand-in"
    stand_in.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> "{calls}"\n'
        f'"{sys.executable}" "$@" --without-pip || exit 1\n'
        'eval venv="\\${$#}"\n'
        'for site in "$venv"/lib/python*/site-packages; do\n'
        f'  echo "{pip_home}" > "$site/pip-home.pth"\n'
        "done\n",
        encoding="utf-8",
    )
    stand_in.chmod(0o755)
    return stand_in, calls


def break_venv(venv: Path, how: str) -> tuple[str, str]:
    """Break ``venv`` as machines do: the reason the script should give, and what to run
    before the step (in the same shell)."""
    if how == "older Python":
        # A venv made by Python 3.10 (the README's manual "python3 -m venv" on a Mac). The
        # oldest Python every machine running these tests has is this one: the minimum is
        # raised above it instead.
        version = ".".join(map(str, sys.version_info[:3]))
        return f"it was made with Python {version}, and 99.0 or newer is needed", (
            "minimum_python=99.0; "
        )
    if how == "without pip":  # Debian or Ubuntu before python3.X-venv was installed
        for pth in venv.glob("lib/python*/site-packages/pip-home.pth"):
            pth.unlink()
        return "it has no pip", ""
    python = venv / "bin" / "python"
    python.unlink()
    python.symlink_to("/nonexistent/python3.12")  # pyenv uninstall, brew cleanup
    return "its Python is missing or does not start", ""


def test_a_usable_venv_is_kept(tmp_path: Path, pip_home: Path) -> None:
    venv = make_venv(tmp_path / ".venv", pip_home)
    (venv / "kept").write_text("", encoding="utf-8")
    stand_in, calls = recording_python(tmp_path, pip_home)

    done = run_step('prepare_venv "$1" "$2"', venv, stand_in, cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert not calls.exists()
    assert (venv / "kept").exists()


@pytest.mark.parametrize("how", ["older Python", "without pip", "python removed"])
def test_an_unusable_venv_is_made_again(tmp_path: Path, pip_home: Path, how: str) -> None:
    # Kept as it was, every later run failed the same way ("requires a different Python",
    # "No module named pip", ".venv/bin/python: No such file or directory").
    venv = make_venv(tmp_path / ".venv", pip_home)
    reason, before = break_venv(venv, how)
    (venv / "left-over").write_text("", encoding="utf-8")
    stand_in, calls = recording_python(tmp_path, pip_home)

    done = run_step(before + 'prepare_venv "$1" "$2"', venv, stand_in, cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        f"The {venv} folder cannot be used ({reason}); making it again with {stand_in}."
    ]
    assert calls.read_text(encoding="utf-8").splitlines() == [f"-m venv --clear {venv}"]
    assert not (venv / "left-over").exists()
    usable = run_step('venv_problem "$1"', venv, cwd=tmp_path)
    assert (usable.returncode, usable.stdout) == (1, "")
    again = run_step('prepare_venv "$1" "$2"', venv, stand_in, cwd=tmp_path)
    assert (again.returncode, again.stderr) == (0, "")
    assert len(calls.read_text(encoding="utf-8").splitlines()) == 1


def test_a_missing_venv_is_made_without_a_word(tmp_path: Path, pip_home: Path) -> None:
    stand_in, calls = recording_python(tmp_path, pip_home)
    done = run_step('prepare_venv "$1" "$2"', tmp_path / ".venv", stand_in, cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert calls.read_text(encoding="utf-8").splitlines() == [f"-m venv {tmp_path / '.venv'}"]
