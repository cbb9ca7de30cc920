"""``--self-test``: one JSON line, exit 0 only when all checks hold, and it notices gaps."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kombo_desktop import __version__, helper_environment, selftest

EXPECTED_CHECKS = {
    "tool_catalog",
    "resources",
    "app_folders",
    "ca_bundle",
    "truststore",
    "httpx",
    "keyring",
    "qt_platform",
    "qr",
    "window",
    "helper_environment",
}
ROOT = Path(__file__).resolve().parents[2]


def parse_single_json_line(stdout: str) -> dict[str, object]:
    lines = [line for line in stdout.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected exactly one line on stdout, got {lines!r}"
    report = json.loads(lines[0])
    assert isinstance(report, dict)
    return report


def run_self_test(
    tmp_path: Path, leave_out: tuple[str, ...], **settings: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """``kombo-desktop --self-test`` from the source tree, without the ``leave_out`` variables
    and with ``settings``; the process and its JSON report."""
    env = {k: v for k, v in os.environ.items() if k not in leave_out}
    env.update(
        KOMBO_DESKTOP_HOME=str(tmp_path / "home"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        **settings,
    )
    result = subprocess.run(
        [sys.executable, "-m", "kombo_desktop", "--self-test"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=90,
    )
    return result, parse_single_json_line(result.stdout)


@pytest.mark.packaging
def test_self_test_passes_off_screen_without_a_credential_service(tmp_path: Path) -> None:
    result, report = run_self_test(
        tmp_path,
        ("DISPLAY", "WAYLAND_DISPLAY"),
        QT_QPA_PLATFORM="offscreen",
        # No D-Bus session: keyring finds no credential service, as on a CI machine.
        DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent",
    )
    failed = {n: c for n, c in report["checks"].items() if not c["ok"]}
    assert result.returncode == 0, f"failed checks: {failed}\nstderr: {result.stderr[-2000:]}"
    assert report["ok"] is True
    assert report["version"] == __version__
    assert set(report["checks"]) == EXPECTED_CHECKS
    for name, check in report["checks"].items():
        assert check["ok"] is True, name
        assert isinstance(check["detail"], str) and check["detail"], name
        assert isinstance(check["ms"], float | int) and check["ms"] >= 0, name
    assert isinstance(report["total_ms"], float | int)
    assert "203 tools" in report["checks"]["tool_catalog"]["detail"]
    assert "decoded back to the link" in report["checks"]["qr"]["detail"]
    # The self-test ran in a temporary home: nothing was written to the one we gave it.
    assert not (tmp_path / "home").exists()


def test_missing_resources_make_it_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty-resources"
    empty.mkdir()
    monkeypatch.setattr(selftest, "resources_dir", lambda: empty)
    home_before = os.environ["KOMBO_DESKTOP_HOME"]

    code = selftest.run_self_test(["--self-test"])

    report = parse_single_json_line(capsys.readouterr().out)
    assert code == 1
    assert report["ok"] is False
    checks = report["checks"]
    assert isinstance(checks, dict)
    assert checks["tool_catalog"]["ok"] is False
    assert "tools.tsv is missing" in checks["tool_catalog"]["detail"]
    assert checks["resources"]["ok"] is False
    assert "icon" in checks["resources"]["detail"]
    # The rest still ran and reported, each on its own.
    assert checks["window"]["ok"] is True, checks["window"]
    assert checks["ca_bundle"]["ok"] is True
    assert os.environ["KOMBO_DESKTOP_HOME"] == home_before


def test_wrong_tool_count_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = (ROOT / "resources" / "tools.tsv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "tools.tsv").write_text("\n".join(source[:-5]) + "\n", encoding="utf-8")
    monkeypatch.setattr(selftest, "resources_dir", lambda: tmp_path)
    with pytest.raises(selftest.CheckError, match="holds 198 tools, expected 203"):
        selftest.check_tool_catalog()


def test_empty_invitation_folder_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "icons").mkdir()
    (tmp_path / "icons" / "kombo-desktop.png").write_bytes(b"\x89PNG-not-empty")
    (tmp_path / "invitations").mkdir()
    monkeypatch.setattr(selftest, "resources_dir", lambda: tmp_path)
    with pytest.raises(selftest.CheckError, match="not a readable picture"):
        selftest.check_resources()
    icon = ROOT / "resources" / "icons" / "kombo-desktop.png"
    (tmp_path / "icons" / "kombo-desktop.png").write_bytes(icon.read_bytes())
    with pytest.raises(selftest.CheckError, match=r"invitation folder .* is empty"):
        selftest.check_resources()


def break_invitations(resources: Path) -> None:
    shutil.rmtree(resources / "invitations")


def break_two_languages(resources: Path) -> None:
    (resources / "invitations" / "de.json").write_text('{"subject": ', encoding="utf-8")
    (resources / "invitations" / "fr.json").unlink()


@pytest.mark.parametrize(
    ("breakage", "check", "finding"),
    [
        # "Copy invitation" then failed with "invitation texts en.json are broken".
        (break_invitations, "resources", r"invitation folder \S+invitations is missing"),
        (
            break_two_languages,
            "resources",
            r"invitation texts de\.json are broken: .*; invitation texts fr\.json are missing",
        ),
        # A normal start then stopped with ModuleNotFoundError: the self-test ran only with a
        # KOMBO_DESKTOP_HOME of its own, so the platform's folders were never worked out.
        ("platformdirs", "app_folders", "folders for settings, history and logs cannot be"),
        # Every call through ALL_PROXY=socks5://... then failed.
        ("socksio", "httpx", "socksio is not bundled, so SOCKS proxies fail"),
    ],
)
def test_an_installation_missing_what_the_program_needs_fails(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    breakage: Callable[[Path], None] | str,
    check: str,
    finding: str,
) -> None:
    if isinstance(breakage, str):
        monkeypatch.setitem(sys.modules, breakage, None)  # as in a package that lacks it
    else:
        resources = tmp_path / "resources"
        shutil.copytree(ROOT / "resources", resources)
        breakage(resources)
        monkeypatch.setattr(selftest, "resources_dir", lambda: resources)

    code = selftest.run_self_test(["--self-test"])

    report = parse_single_json_line(capsys.readouterr().out)
    assert (code, report["ok"]) == (1, False)
    checks = report["checks"]
    assert isinstance(checks, dict)
    failed = {name for name, result in checks.items() if not result["ok"]}
    assert failed == {check}, checks
    assert re.search(finding, checks[check]["detail"]), checks[check]["detail"]


def test_the_bundled_invitations_are_checked_in_every_language() -> None:
    assert "invitations in en, de, fr, it, es" in selftest.check_resources()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG folders are Linux's")
def test_the_platform_folders_are_worked_out_without_creating_any(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(variable, raising=False)

    detail = selftest.check_app_folders({"HOME": str(tmp_path)})

    assert f"settings in {tmp_path}/.config/kombo-desktop" in detail
    assert list(tmp_path.iterdir()) == []


def test_a_portable_install_is_told_the_folders_it_really_uses(tmp_path: Path) -> None:
    # With KOMBO_DESKTOP_HOME=./data (README's portable install) the report named the
    # platform's folders, where this copy of the program never writes.
    _, report = run_self_test(tmp_path, ("DISPLAY", "WAYLAND_DISPLAY"), QT_QPA_PLATFORM="offscreen")

    home = tmp_path / "home"
    checks = report["checks"]
    assert isinstance(checks, dict)
    assert checks["app_folders"] == {
        "ok": True,
        "detail": f"settings in {home / 'config'}, history in {home / 'data'}, "
        f"logs in {home / 'logs'} (set by KOMBO_DESKTOP_HOME)",
        "ms": checks["app_folders"]["ms"],
    }


def test_keyring_without_its_package_metadata_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    # What a frozen build without keyring's dist-info looks like: no backend entry points.
    monkeypatch.setattr(selftest.metadata, "entry_points", lambda group: [])
    with pytest.raises(selftest.CheckError, match="cannot discover"):
        selftest.check_keyring()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux backend helpers")
def test_keyring_without_secretstorage_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "secretstorage", None)  # import now raises ImportError
    with pytest.raises(selftest.CheckError, match="secretstorage is not bundled"):
        selftest.check_keyring()


def test_keyring_check_passes_without_a_running_service() -> None:
    detail = selftest.check_keyring()
    assert "bundled" in detail


def test_platform_plugin_is_looked_up_in_qt_library_paths(tmp_path: Path) -> None:
    assert selftest._find_platform_plugin("xcb", [str(tmp_path)]) is None
    plugin_name = {"linux": "libqxcb.so", "darwin": "libqxcb.dylib", "win32": "qxcb.dll"}
    (tmp_path / "platforms").mkdir()
    expected = tmp_path / "platforms" / plugin_name[selftest._platform_key()]
    expected.write_bytes(b"")
    assert selftest._find_platform_plugin("xcb", ["/nonexistent", str(tmp_path)]) == expected


def test_qr_check_without_a_decoder_compares_every_module(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "zxingcpp", None)  # as in the packaged program
    assert "every module painted" in selftest.check_qr()


def test_qr_comparison_catches_a_wrong_picture() -> None:
    from kombo_desktop.core.qr import qr_matrix
    from kombo_desktop.ui.qr_image import qr_qimage

    selftest._application()
    image = qr_qimage(selftest.SAMPLE_LINK, module_pixels=4)
    image.invertPixels()
    with pytest.raises(selftest.CheckError, match="QR modules are painted wrong"):
        selftest._compare_with_matrix(image, qr_matrix(selftest.SAMPLE_LINK), 4)


def test_qr_check_decodes_with_zxing_when_available() -> None:
    pytest.importorskip("zxingcpp")
    assert "decoded back to the link" in selftest.check_qr()


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "offscreen"),
        ({"DISPLAY": ":0"}, "xcb;offscreen"),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "wayland;xcb;offscreen"),
        ({"QT_QPA_PLATFORM": "minimal"}, "minimal"),
    ],
)
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="only Linux can lack a display")
def test_off_screen_without_a_usable_display(environ: dict[str, str], expected: str | None) -> None:
    selftest._choose_offscreen_platform(environ)
    assert environ.get("QT_QPA_PLATFORM") == expected


def test_a_crashing_check_is_a_finding_not_a_crash() -> None:
    def boom() -> str:
        raise RuntimeError("exploded")

    result = selftest._timed(boom)
    assert result["ok"] is False
    assert result["detail"] == "RuntimeError: exploded"
    assert result["ms"] >= 0


@pytest.mark.packaging
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="only Linux names displays so")
def test_a_named_display_that_cannot_be_used_falls_back_to_off_screen(tmp_path: Path) -> None:
    # An IT script run as "sudo -u someone" keeps DISPLAY without the right to use it: Qt
    # aborted before the self-test printed a single line.
    free = next(n for n in range(90, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    result, report = run_self_test(
        tmp_path, ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM"), DISPLAY=f":{free}"
    )
    assert report["ok"] is True, result.stderr[-2000:]
    assert "running on offscreen" in report["checks"]["qt_platform"]["detail"]


def test_a_thread_of_the_program_left_running_is_found() -> None:
    # The program's threads are daemons, which the check left out: it could not fail.
    before = set(threading.enumerate())
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, name="kombo-task-stuck-1", daemon=True)
    thread.start()
    try:
        assert selftest._threads_still_running(before, timeout=0.1) == ["kombo-task-stuck-1"]
    finally:
        stop.set()
        thread.join()
    assert selftest._threads_still_running(before, timeout=0.1) == []


BUNDLE = "/opt/kombo-desktop/_internal"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # What PyInstaller's launcher leaves: its folder first, the value it found kept aside.
        (
            {"LD_LIBRARY_PATH": f"{BUNDLE}:/opt/cuda/lib", "LD_LIBRARY_PATH_ORIG": "/opt/cuda/lib"},
            {"LD_LIBRARY_PATH": "/opt/cuda/lib"},
        ),
        ({"LD_LIBRARY_PATH": BUNDLE}, {}),  # there was none before
    ],
)
def test_programs_started_from_the_package_get_the_library_path_they_had(
    before: dict[str, str], after: dict[str, str]
) -> None:
    environ = {"HOME": "/home/anna", **before}
    helper_environment.restore_library_path(environ)
    assert environ == {"HOME": "/home/anna", **after}
    assert helper_environment.bundle_folders_handed_on(environ, BUNDLE) == []


def test_the_self_test_fails_when_the_bundle_is_handed_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", BUNDLE, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("LD_LIBRARY_PATH", f"{BUNDLE}:/usr/local/lib")
    with pytest.raises(selftest.CheckError, match="bundle's libraries"):
        selftest.check_helper_environment()
    helper_environment.restore_library_path(os.environ)  # as the launcher does
    assert "system's own libraries" in selftest.check_helper_environment()


@pytest.mark.packaging
def test_the_packaged_entry_runs_the_self_test_without_any_console(tmp_path: Path) -> None:
    """The Windows program started without a redirect has no stdout or stderr at all: the
    self-test's exit code must still say all is well (its flush raised, ending in a crash
    dialog and exit code 1)."""
    entry = (
        "import runpy, sys; sys.stdout = sys.stderr = None;"
        " sys.argv = ['kombo-desktop', '--self-test'];"
        f" runpy.run_path({str(ROOT / 'packaging' / 'launcher.py')!r}, run_name='__main__')"
    )
    env = {
        **os.environ,
        "KOMBO_DESKTOP_HOME": str(tmp_path / "home"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        [sys.executable, "-c", entry], capture_output=True, text=True, env=env, timeout=90
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # nowhere to print: nothing printed, nothing crashed
