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
import zipfile
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


# --- installing without the package index ------------------------------------------------------

# An in-tree build backend standing in for hatchling: it imports a build helper that pip must
# fetch into the build environment, as hatchling is fetched from the package index.
BACKEND = """
import base64, hashlib, os, zipfile
import fake_build_helper  # noqa: F401  (fetched by pip, like hatchling)

NAME = "fakeprogram-1.0"


def _wheel(directory):
    files = {
        "fakeprogram.pth": os.getcwd() + "\\n",
        NAME + ".dist-info/METADATA": "Metadata-Version: 2.1\\nName: fakeprogram\\nVersion: 1.0\\n",
        NAME + ".dist-info/WHEEL": "Wheel-Version: 1.0\\nGenerator: fake\\nRoot-Is-Purelib: true\\n"
        "Tag: py3-none-any\\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    record.append(NAME + ".dist-info/RECORD,,")
    files[NAME + ".dist-info/RECORD"] = "\\n".join(record) + "\\n"
    name = NAME + "-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(directory, name), "w") as wheel:
        for path, text in files.items():
            wheel.writestr(path, text)
    return name


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory)
"""

PYPROJECT = """[build-system]
requires = ["fake-build-helper"]
build-backend = "backend"
backend-path = ["."]
"""


def helper_wheel(folder: Path) -> None:
    """The build helper's wheel, where only an online install finds it (``--find-links``)."""
    folder.mkdir()
    info = "fake_build_helper-1.0.dist-info"
    files = {
        "fake_build_helper.py": "",
        f"{info}/METADATA": "Metadata-Version: 2.1\nName: fake-build-helper\nVersion: 1.0\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: fake\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
        f"{info}/RECORD": "",
    }
    with zipfile.ZipFile(folder / "fake_build_helper-1.0-py3-none-any.whl", "w") as wheel:
        for path, text in files.items():
            wheel.writestr(path, text)


@pytest.fixture
def project(tmp_path: Path, pip_home: Path) -> Path:
    """A tiny project with its venv (``.venv``) and the build helper's wheel (``wheels``)."""
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (folder / "backend.py").write_text(BACKEND, encoding="utf-8")
    (folder / "fakeprogram.py").write_text("", encoding="utf-8")
    helper_wheel(tmp_path / "wheels")
    make_venv(folder / ".venv", pip_home)
    return folder


def pip_environment(project: Path, *, online: bool) -> tuple[dict[str, str], Path]:
    """The environment pip runs in (a package index that answers or not), and the log file
    pip writes when it runs at all."""
    pip_log = project.parent / "pip.log"
    pip_log.unlink(missing_ok=True)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    environment.update(
        PIP_CONFIG_FILE=os.devnull,  # not this machine's index or wheel folders
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_LOG=str(pip_log),
        PIP_RETRIES="0",
        PIP_TIMEOUT="3",
    )
    if online:  # the build helper comes from "the index"
        environment.update(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(project.parent / "wheels"))
    else:  # nothing answers there
        environment.update(PIP_INDEX_URL="http://127.0.0.1:9/simple")
    return environment, pip_log


def install(
    project: Path, *, online: bool, extras: str = ".", constraints: str = ""
) -> tuple[int, str, bool]:
    """``install_project`` as ``_venv.sh`` runs it (and, with ``constraints``, as
    ``run-release-qt-tests`` does): its exit code, the last line it wrote on stderr, and
    whether it ran pip."""
    environment, pip_log = pip_environment(project, online=online)
    done = subprocess.run(
        [
            "bash",
            "-c",
            'set -euo pipefail; source "$0"; install_project .venv "$1" fakeprogram "$2"',
            str(STEPS),
            extras,
            constraints,
        ],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )
    said = done.stderr.splitlines()[-1:]  # pip's own lines come before the script's
    return done.returncode, "".join(said), pip_log.exists()


STALE = (
    "Could not bring the installation up to date (is the internet reachable?); going on with"
    " the one installed before."
)
# Said before pip runs, which is silent (--quiet) while it downloads Qt for minutes: without
# it a first scripts/run-demo showed nothing at all for that long.
SETTING_UP = (
    "Setting up .venv (first run, or the dependencies changed): this downloads Qt and can take"
    " a few minutes."
)


@pytest.mark.slow
def test_a_set_up_program_starts_without_the_package_index(project: Path) -> None:
    # Every start ran pip, which fetched the build backend: offline (a train, a customer's
    # Wi-Fi) the program never started ("Failed to build ... installing build dependencies").
    assert install(project, online=True) == (0, SETTING_UP, True)
    assert install(project, online=False) == (0, "", False)
    # Other extras (scripts/run-tests' ".[test]") are another install: pip is tried, fails
    # offline, and the program installed before is used, with a word.
    assert install(project, online=False, extras=".[more]") == (0, STALE, True)
    assert install(project, online=False) == (0, "", False)  # "." still needs nothing


@pytest.mark.slow
def test_a_changed_pyproject_installs_again(project: Path) -> None:
    assert install(project, online=True) == (0, SETTING_UP, True)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(PYPROJECT + "# a new dependency\n", encoding="utf-8")

    assert install(project, online=False) == (0, STALE, True)
    assert not list((project / ".venv").glob(".installed-for-*"))  # tried again next time


@pytest.mark.slow
def test_without_an_installed_program_a_failed_install_stops(project: Path) -> None:
    # fakeprogram.py is in the working folder, but an install is what counts.
    code, said, ran_pip = install(project, online=False)
    assert (code, ran_pip) == (1, True)
    assert said == (
        "Installing the program and what it needs failed (see above); the first set-up needs"
        " the internet."
    )
    assert not list((project / ".venv").glob(".installed-for-*"))


# --- scripts/run-release-qt-tests: the same stamp, with the release builds' constraints --------


@pytest.mark.slow
# Four installs of up to 180 s each (``install``): the suite's 120 s per test cut it short on a
# machine busy with other work, where it takes well over a minute.
@pytest.mark.timeout(4 * 180)
def test_a_constrained_install_runs_pip_again_only_when_the_constraints_change(
    project: Path,
) -> None:
    constraints = project / "constraints.txt"
    constraints.write_text("fake-build-helper==1.0\n", encoding="utf-8")
    assert install(project, online=True, constraints="constraints.txt") == (0, SETTING_UP, True)
    assert install(project, online=False, constraints="constraints.txt") == (0, "", False)
    # Without the constraints it is another install, as is one after they changed.
    assert install(project, online=False) == (0, STALE, True)
    constraints.write_text("fake-build-helper==1.0\nsomething-else==2\n", encoding="utf-8")
    assert install(project, online=False, constraints="constraints.txt") == (0, STALE, True)


@pytest.mark.slow
def test_pip_follows_the_constraints(project: Path) -> None:
    (project / "constraints.txt").write_text("fakeprogram==2.0\n", encoding="utf-8")
    code, _, ran_pip = install(project, online=True, constraints="constraints.txt")
    assert (code, ran_pip) == (1, True)  # version 1.0 is all there is: pip refused it
    assert not list((project / ".venv").glob(".installed-for-*"))


@pytest.mark.slow
def test_the_release_qt_tests_start_without_the_package_index_once_set_up(
    project: Path, pip_home: Path
) -> None:
    # scripts/run-release-qt-tests ran pip at every start: offline it stopped at once, and
    # online it spent seconds asking the index about nothing that had changed.
    (project / "scripts").mkdir()
    for name in ("run-release-qt-tests", "_venv_lib.sh"):
        shutil.copy2(REPO / "scripts" / name, project / "scripts" / name)
    (project / "packaging").mkdir()
    (project / "packaging" / "constraints-release.txt").write_text(
        "fake-build-helper==1.0\n", encoding="utf-8"
    )
    # pytest, as the script runs it: says what it was asked to run.
    (project / "pytest.py").write_text(
        "import sys\nprint('pytest ran with', sys.argv[1:])\n", encoding="utf-8"
    )
    make_venv(project / ".venv-release-qt", pip_home)

    def run_script(*, online: bool) -> tuple[subprocess.CompletedProcess[str], bool]:
        environment, pip_log = pip_environment(project, online=online)
        done = subprocess.run(
            [str(project / "scripts" / "run-release-qt-tests"), "-k", "x"],
            cwd=project,
            env=environment,
            capture_output=True,
            text=True,
            timeout=180,
        )
        return done, pip_log.exists()

    first, ran_pip = run_script(online=True)
    assert (first.returncode, ran_pip) == (0, True), first.stderr
    assert first.stderr.count("Setting up .venv-release-qt (first run") == 1, first.stderr
    again, ran_pip = run_script(online=False)
    assert (again.returncode, ran_pip) == (0, False), again.stderr
    assert "Setting up" not in again.stderr
    assert "pytest ran with ['tests/ui', 'tests/packaging', '-k', 'x']" in again.stdout
