"""Starting the program: flags, environment, a light start-up path, and the profile on show."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QListWidget
from pytestqt.qtbot import QtBot

import kombo_desktop.app
import kombo_desktop.selftest
from kombo_desktop import __version__
from kombo_desktop.app import (
    FATAL_ERRORS_FILE,
    WINDOW_THREAD_WAIT_SECONDS,
    Options,
    UsageError,
    build_main_window,
    main,
    parse_arguments,
)
from kombo_desktop.core.paths import AppPaths
from kombo_desktop.core.settings import Profile, Region, Settings, SettingsStore
from kombo_desktop.ui import theme
from tests.support.found import named
from tests.support.python_run import REPO, last_line_printed, run_python
from tests.support.x_display import private_x_display
from tests.ui.conftest import WindowFactory

SLOW_MODULES = ("httpx", "keyring", "qrcode", "truststore", "hashlib")


def test_version_prints_and_exits_without_qt() -> None:
    result = run_python(
        "import sys\n"
        "from kombo_desktop.app import main\n"
        "code = main(['--version'])\n"
        "print('qt-loaded' if 'PySide6.QtWidgets' in sys.modules else 'no-qt')\n"
        "raise SystemExit(code)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"kombo-desktop {__version__}", "no-qt"]


def test_the_api_base_help_names_both_regions_addresses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # It named only Europe's as the default, and a US team's default is not that.
    with pytest.raises(SystemExit):
        parse_arguments(["--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert (
        "default: the profile's region in Settings: https://api.kombo.dev/v1 in Europe, "
        "https://api.us.kombo.dev/v1 in the United States, or its own address"
    ) in help_text


def test_python_dash_m_runs_the_same_main(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kombo_desktop", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"kombo-desktop {__version__}"


def test_start_up_imports_none_of_the_slow_libraries(isolated_home: Path) -> None:
    """Building the window must not pull in httpx, keyring, qrcode, truststore or hashlib."""
    printed = last_line_printed(
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from kombo_desktop.app import build_main_window\n"
        "window = build_main_window([])\n"
        "window.show()\n"
        f"print(sorted(m for m in {SLOW_MODULES!r} if m in sys.modules))\n"
        "window.close()\n",
        isolated_home,
    )
    assert printed == "[]"


@pytest.fixture
def windowed_messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What ``main()`` says in a message box instead of showing one (see the subprocess test
    below for the real box)."""
    told: list[str] = []
    monkeypatch.setattr(kombo_desktop.app, "_tell_in_a_window", told.append)
    return told


def test_an_insecure_api_base_is_refused_with_a_plain_message(
    capsys: pytest.CaptureFixture[str], windowed_messages: list[str]
) -> None:
    assert main(["--api-base", "http://api.example.com/v1"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("kombo-desktop: error: --api-base: ")
    assert "https://" in error
    assert len(windowed_messages) == 1 and "--api-base" in windowed_messages[0]


@pytest.mark.parametrize("address", ["https://xn--zz.example/v1", "https://a\u2488b.example/v1"])
def test_an_api_base_requests_cannot_go_to_is_refused_at_start(address: str) -> None:
    # It started, said "Ready" and showed the host; "Create link" then said "Something
    # unexpected went wrong ... try again", as the client alone refused the address.
    with pytest.raises(UsageError) as caught:
        parse_arguments(["--api-base", address], environ={})
    assert str(caught.value) == (
        "--api-base: The API address is not a valid web address. Use one like "
        "https://api.kombo.dev/v1."
    )


def test_a_mistyped_flag_is_reported_not_ignored(
    capsys: pytest.CaptureFixture[str], windowed_messages: list[str]
) -> None:
    assert main(["--dmo"]) == 2
    assert "unknown option --dmo" in capsys.readouterr().err
    assert "unknown option --dmo" in windowed_messages[0]
    # Qt's own one-dash options are handed to Qt.
    assert parse_arguments(["-platform", "offscreen"]).qt_arguments == ("-platform", "offscreen")


def test_a_setting_the_program_cannot_use_is_said_in_a_window(isolated_home: Path) -> None:
    # Started from a menu (no console), a stale KOMBO_API_BASE made the program vanish with a
    # line on a console nobody sees.
    code = (
        "from PySide6.QtWidgets import QMessageBox\n"
        "shown = []\n"
        "QMessageBox.critical = staticmethod(lambda *args: shown.append(args[1:]))\n"
        "import kombo_desktop.app as app\n"
        "app._has_a_screen = lambda: True  # as on a desktop: off screen no box is tried\n"
        "app._NO_SCREEN_PLATFORMS = ()\n"
        "print(app.main([]), shown)\n"
    )
    bad_base = {"KOMBO_DESKTOP_HOME": str(isolated_home), "KOMBO_API_BASE": "http://proxy.example"}
    result = run_python(code, env=bad_base)
    assert result.returncode == 0, result.stderr[-2000:]
    exit_code, _, shown = last_line(result.stdout).partition(" ")
    assert exit_code == "2"
    assert "Kombo Desktop could not start" in shown
    assert "KOMBO_API_BASE" in shown and "ask whoever set up this computer" in shown


def test_flags_answered_on_the_console_show_no_window(
    capsys: pytest.CaptureFixture[str],
    windowed_messages: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KOMBO_API_BASE", "http://proxy.example")
    assert main(["--version"]) == 0  # the address is not used, so not checked
    assert capsys.readouterr().out.strip() == f"kombo-desktop {__version__}"
    assert main(["--self-test"]) == 2
    assert "KOMBO_API_BASE" in capsys.readouterr().err
    assert windowed_messages == []


def test_a_message_box_is_tried_only_where_qt_can_open_a_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    assert not kombo_desktop.app._has_a_screen({})  # Qt would abort the process
    assert kombo_desktop.app._has_a_screen({"DISPLAY": ":0"})
    assert kombo_desktop.app._has_a_screen({"WAYLAND_DISPLAY": "wayland-0"})
    # Drawn for no one: a box there would wait for a click for ever.
    assert not kombo_desktop.app._has_a_screen({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"})
    assert not kombo_desktop.app._has_a_screen({"QT_QPA_PLATFORM": "minimal"})
    monkeypatch.setattr(sys, "platform", "win32")
    assert kombo_desktop.app._has_a_screen({})
    assert not kombo_desktop.app._has_a_screen({"QT_QPA_PLATFORM": "offscreen"})


@pytest.mark.parametrize("arguments", [["--bogus"], ["--self"]])
def test_a_usage_error_off_screen_ends_at_once(arguments: list[str]) -> None:
    # The message box of a usage error waited for a click no one could make.
    result = run_python(
        f"import kombo_desktop.app as app\nraise SystemExit(app.main({arguments!r}))\n",
        env={"KOMBO_API_BASE": "http://proxy.example"},
    )
    assert result.returncode == 2, result.stderr[-2000:]
    assert "error:" in result.stderr


# A console, an SSH session or a container: no display, and no platform chosen for Qt.
NO_DISPLAY = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE")
ONLY_LINUX = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="only Linux starts without a display"
)


@ONLY_LINUX
@pytest.mark.parametrize("platform", [{}, {"QT_QPA_PLATFORM": ""}, {"QT_QPA_PLATFORM": "xcb"}])
def test_a_start_without_a_display_says_how_to_run_it_instead_of_aborting(
    platform: dict[str, str],
) -> None:
    # Qt aborted the process (exit 134, a core dump) with its own lines about a missing
    # xcb-cursor library and "Reinstalling the application may fix this problem", which sent
    # people looking for a library that was not missing.
    result = run_python(
        "import sys\n"
        "sys.argv = ['/opt/kombo-desktop/kombo-desktop', '--demo']\n"
        "from kombo_desktop.app import main\n"
        "raise SystemExit(main())\n",
        env=platform,
        leave_out=NO_DISPLAY,
    )
    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "kombo-desktop: error: Kombo Desktop needs a desktop to show its window, and none was "
        "found (neither DISPLAY nor WAYLAND_DISPLAY is set). Start it from a desktop session, "
        "or on a machine without one run it as: "
        "xvfb-run -a /opt/kombo-desktop/kombo-desktop --demo"
    )


@ONLY_LINUX
def test_build_main_window_without_a_display_raises_what_main_prints() -> None:
    result = run_python(
        "from kombo_desktop.app import NoDesktopError, build_main_window\n"
        "try:\n"
        "    build_main_window(['--profile', 'sales'])\n"
        "except NoDesktopError as error:\n"
        "    print(error)\n",
        leave_out=NO_DISPLAY,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("run it as: xvfb-run -a kombo-desktop --profile sales")


def test_build_main_window_in_a_running_application_needs_no_display(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A test's own (off-screen) application is all the window needs.
    for name in NO_DISPLAY:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    window = build_main_window([])
    qtbot.addWidget(window)
    window.close()


@pytest.mark.parametrize(
    ("qt_arguments", "environ", "refused"),
    [
        ((), {}, True),
        ((), {"QT_QPA_PLATFORM": "xcb"}, True),
        ((), {"XDG_SESSION_TYPE": "tty"}, True),  # an SSH session
        (("-platform", "xcb"), {"QT_QPA_PLATFORM": "offscreen"}, True),  # the option wins
        ((), {"DISPLAY": ":0"}, False),
        ((), {"WAYLAND_DISPLAY": "wayland-0"}, False),
        # A platform chosen other than X11 is left to Qt, which knows best what it needs.
        ((), {"QT_QPA_PLATFORM": "offscreen"}, False),
        ((), {"QT_QPA_PLATFORM": "minimal"}, False),
        ((), {"QT_QPA_PLATFORM": "wayland"}, False),
        ((), {"QT_QPA_PLATFORM": "vnc:size=800x600"}, False),
        ((), {"QT_QPA_PLATFORM": "wayland;xcb"}, False),
        (("-platform", "offscreen"), {}, False),
        (("-display", ":1"), {}, False),  # Qt's own way to name the X display
        # In a Wayland session Qt tries Wayland first, which finds its default socket itself.
        ((), {"XDG_SESSION_TYPE": "wayland"}, False),
    ],
)
def test_which_starts_qt_would_abort_for_want_of_a_display(
    monkeypatch: pytest.MonkeyPatch,
    qt_arguments: tuple[str, ...],
    environ: dict[str, str],
    refused: bool,
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    assert kombo_desktop.app._lacks_the_display_qt_needs(qt_arguments, environ) is refused
    monkeypatch.setattr(sys, "platform", "win32")  # Windows and macOS always have one
    assert not kombo_desktop.app._lacks_the_display_qt_needs(qt_arguments, environ)


@ONLY_LINUX
@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_flags_answered_on_the_console_need_no_display(flag: str) -> None:
    result = run_python(
        f"from kombo_desktop.app import main\nraise SystemExit(main([{flag!r}]))\n",
        leave_out=NO_DISPLAY,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr == ""


@ONLY_LINUX
@pytest.mark.slow
def test_self_test_needs_no_display() -> None:
    # It builds the window off screen by itself (see selftest._choose_offscreen_platform).
    result = run_python(
        "from kombo_desktop.app import main\nraise SystemExit(main(['--self-test']))\n",
        leave_out=NO_DISPLAY,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["checks"]["window"]["ok"], report["checks"]["window"]
    assert "running on offscreen" in report["checks"]["qt_platform"]["detail"]
    assert result.returncode == (0 if report["ok"] else 1), result.stderr[-2000:]


def test_no_arguments_and_only_qt_arguments_give_the_same_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A start without arguments skips argparse; the options must be what it would give."""
    monkeypatch.delenv("KOMBO_API_BASE", raising=False)
    assert parse_arguments([]) == Options()
    assert parse_arguments(["-platform", "offscreen"]) == Options(
        qt_arguments=("-platform", "offscreen")
    )


def test_the_environment_api_base_is_checked_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOMBO_API_BASE", "ftp://example.com")
    with pytest.raises(UsageError, match="KOMBO_API_BASE"):
        parse_arguments([])


def test_a_profile_named_like_a_key_may_be_given_at_start() -> None:
    # Words run together with a number read like a key to the rule for names typed in
    # Settings; a shortcut with such a --profile stopped the program.
    assert parse_arguments(["--profile", "AcmeCorpProduction2025"]).profile == (
        "AcmeCorpProduction2025"
    )


def test_loopback_may_use_http_and_the_flag_beats_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KOMBO_API_BASE", "https://api.us.kombo.dev/v1")
    assert parse_arguments([]).api_base == "https://api.us.kombo.dev/v1"
    options = parse_arguments(["--api-base", "http://127.0.0.1:8123/v1/"])
    assert options.api_base == "http://127.0.0.1:8123/v1"
    assert parse_arguments(["--api-base", "http://[::1]:9/v1"]).api_base == "http://[::1]:9/v1"


def test_the_window_uses_the_api_base_and_shows_the_profile(
    open_window: WindowFactory,
) -> None:
    window = open_window("--api-base", "https://kombo.proxy.example/v1")
    assert window.target is not None
    assert window.target.api_base == "https://kombo.proxy.example/v1"
    assert window.profileLabel.text() == "Profile: default · kombo.proxy.example"
    assert window.profileLabel.accessibleName() == (
        "Active profile: default, address kombo.proxy.example"
    )
    assert window.profileLabel.isVisible()
    assert not window.demoBanner.isVisible()


def test_an_api_base_that_is_a_region_address_is_named_as_an_address(
    open_window: WindowFactory,
) -> None:
    # The header said "EU" here while Settings named the address: the region chosen in
    # Settings changes nothing while --api-base is given, so a refused key must not send the
    # person to choose "the other region".
    window = open_window("--api-base", "https://api.kombo.dev/v1")
    assert window.target is not None
    assert window.profileLabel.text() == "Profile: default · api.kombo.dev"
    assert not window.target.at_kombo_region


def test_the_default_profile_is_shown_with_its_region(open_window: WindowFactory) -> None:
    window = open_window()
    assert window.target is not None
    assert window.target.api_base == "https://api.kombo.dev/v1"
    assert window.profileLabel.text() == "Profile: default · EU"


def test_profile_chooses_a_saved_profile(open_window: WindowFactory) -> None:
    store = SettingsStore(AppPaths.from_environment())
    store.save(Settings(profiles=[Profile("default"), Profile("us-team", Region.US)]))
    window = open_window("--profile", "us-team")
    assert window.target is not None
    assert window.target.api_base == "https://api.us.kombo.dev/v1"
    assert window.profileLabel.text() == "Profile: us-team · US"


def test_an_unknown_profile_is_used_and_explained(open_window: WindowFactory) -> None:
    window = open_window("--profile", "sales")
    assert window.profileLabel.text() == "Profile: sales · EU"
    assert "no saved profile called “sales”" in window.statusLabel.text()
    # Settings shows it as the profile in use (it showed "default (in use)", and a key pasted
    # there went to "default" and switched the window away from "sales").
    window.open_settings()
    dialog = window.settings_dialog
    assert dialog is not None
    profiles = named(dialog, QListWidget, "profileList")
    assert "sales (in use)" in [profiles.item(row).text() for row in range(profiles.count())]
    assert profiles.currentItem().text() == "sales (in use)"
    dialog.reject()


def test_an_unknown_profile_in_the_demo_is_said_to_be_for_after_it(
    open_window: WindowFactory,
) -> None:
    # The demo's first screen said "this run uses it with the Europe region" under a header
    # saying the demo service is used: the profile is used only once the demo is left.
    window = open_window("--demo", "--profile", "sales")
    assert (
        "There is no saved profile called “sales”; once you leave the demo, this run uses it "
        "with the Europe region."
    ) in window.statusLabel.text()
    window.leave_demo()
    assert window.profileLabel.text() == "Profile: sales · EU"


def test_profile_finds_a_saved_profile_in_any_letter_case(open_window: WindowFactory) -> None:
    # "--profile US-Team" ran a new EU profile beside the saved US one "us-team", while the
    # Windows store would give it that profile's key: refused by the wrong region.
    store = SettingsStore(AppPaths.from_environment())
    store.save(Settings(profiles=[Profile("default"), Profile("us-team", Region.US)]))
    window = open_window("--profile", "US-Team")
    assert window.profileLabel.text() == "Profile: us-team · US"
    assert "no saved profile" not in window.statusLabel.text()


def test_a_bad_api_address_is_ignored_where_the_administrator_fixed_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A stale KOMBO_API_BASE stopped the program, though the address it names is not used.
    monkeypatch.setenv("KOMBO_API_BASE", "http://old-proxy.corp.example/v1")
    with pytest.raises(UsageError, match="KOMBO_API_BASE"):
        parse_arguments([])
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"fixed_api_base": "https://gw.corp.example/v1"}), "utf-8")
    monkeypatch.setenv("KOMBO_DESKTOP_POLICY", str(policy))
    options = parse_arguments([])
    assert options.api_base is None and options.api_base_source == "KOMBO_API_BASE"
    options = parse_arguments(["--api-base", "http://x.example/v1"])
    assert options.api_base is None and options.api_base_source == "--api-base"


def test_the_window_says_which_address_setting_the_administrator_overrides(
    open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"fixed_api_base": "https://gw.corp.example/v1"}), "utf-8")
    monkeypatch.setenv("KOMBO_DESKTOP_POLICY", str(policy))
    monkeypatch.setenv("KOMBO_API_BASE", "http://old-proxy.corp.example/v1")
    window = open_window("--profile", "sales")
    assert window.target is not None and window.target.api_base == "https://gw.corp.example/v1"
    text = window.statusLabel.text()
    assert "so KOMBO_API_BASE is not used" in text
    assert "this run uses it with the API address your administrator set" in text


def test_mistakes_in_the_administrators_file_are_one_sentence_with_details_for_it(
    open_window: WindowFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Every mistake was a line of raw configuration in the status line on every start, with
    # the file's path, on a screen that may be shared; nothing to copy, no "Ask your IT team".
    policy = tmp_path / "policy.json"
    policy.write_text(
        json.dumps({"fixed_api_base": "http://api.corp.local/v1", "default_language": "german"}),
        "utf-8",
    )
    monkeypatch.setenv("KOMBO_DESKTOP_POLICY", str(policy))
    window = open_window()
    status = window.statusPanel
    assert status.text.splitlines()[0] == (
        "Your IT team's settings for Kombo Desktop contain mistakes, so some of them were not "
        "used. Press “Copy details” and send them to your IT team."
    )
    for raw in (str(policy), "fixed_api_base", "api.corp.local", "german"):
        assert raw not in status.text
    copy = status.copyDetailsButton
    assert copy.isVisible() and f"“{copy.text()}”" in status.text  # named as it reads
    assert '"fixed_api_base" must be an https:// address' in status.support_text
    assert '"default_language" must be one of' in status.support_text
    assert str(policy) in status.support_text
    # A note start-up adds after it keeps the details.
    window.show_note("Another note.")
    assert status.text.endswith("Another note.") and str(policy) in status.support_text
    # An error shown below the notes (a key refused at start) carries them too.
    status.show_message("Refused.", "error", "HTTP status: 401", after_notes=True)
    assert str(policy) in status.support_text and "HTTP status: 401" in status.support_text


def test_main_pauses_garbage_collection_until_the_first_frame_then_collects_on_the_ui_thread(
    isolated_home: Path,
) -> None:
    code = (
        "import gc, json\n"
        "import kombo_desktop.app as app\n"
        "real = app._build_window\n"
        "seen = {}\n"
        "def build(options, paths):\n"
        "    from PySide6.QtCore import QTimer\n"
        "    window = real(options, paths)\n"
        "    seen['while_building'] = gc.isenabled()\n"
        "    def look():\n"
        "        seen['after_first_frame'] = gc.isenabled()\n"
        "        seen['start_up_frozen'] = gc.get_freeze_count() > 0\n"
        "        timer = window.findChild(QTimer, 'garbageCollectionTimer')\n"
        "        seen['collected_on_the_ui_thread'] = timer is not None and timer.isActive()\n"
        "        window.close()\n"
        "    window.start_up.add(lambda: QTimer.singleShot(50, look))\n"
        "    return window\n"
        "app._build_window = build\n"
        "code = app.main([])\n"
        "seen['unfrozen_at_exit'] = gc.get_freeze_count() == 0\n"
        "print(json.dumps(seen))\n"
        "raise SystemExit(code)\n"
    )
    assert json.loads(last_line_printed(code, isolated_home)) == {
        "while_building": False,
        "after_first_frame": False,  # by a timer on the UI thread instead, never on a worker
        "start_up_frozen": True,
        "collected_on_the_ui_thread": True,
        "unfrozen_at_exit": True,
    }


def test_building_the_window_lets_its_thread_wait_less_for_python(qtbot: QtBot) -> None:
    earlier = sys.getswitchinterval()  # the whole process's setting: put back afterwards
    python_default = 0.005
    sys.setswitchinterval(python_default)
    try:
        window = build_main_window(["--demo"])
        qtbot.addWidget(window)
        assert sys.getswitchinterval() == pytest.approx(WINDOW_THREAD_WAIT_SECONDS)
        window.close()
    finally:
        sys.setswitchinterval(earlier)


def test_self_test_is_handed_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []

    def fake_self_test(argv: list[str]) -> int:
        calls.append(argv)
        return 3

    monkeypatch.setattr(kombo_desktop.selftest, "run_self_test", fake_self_test)
    assert main(["--self-test"]) == 3
    assert calls == [["--self-test"]]


@pytest.mark.slow
def test_self_test_builds_the_real_window(isolated_home: Path) -> None:
    result = run_python(
        "from kombo_desktop.app import main\nraise SystemExit(main(['--self-test']))\n",
        env={"KOMBO_DESKTOP_HOME": str(isolated_home)},
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    # Other checks depend on the machine (e.g. X11 libraries for the native plugin); the
    # window check is this program's own, and the exit code must agree with the report.
    assert report["checks"]["window"]["ok"], report["checks"]["window"]
    assert result.returncode == (0 if report["ok"] else 1)


@pytest.mark.slow
def test_self_test_leaves_no_log_file_open_in_its_removed_folder(isolated_home: Path) -> None:
    # On Windows an open log file cannot be deleted, so its throw-away folder would stay
    # behind in the temporary folder after every run.
    printed = last_line_printed(
        "import logging\n"
        "from kombo_desktop.selftest import run_self_test\n"
        "run_self_test([])\n"
        "files = [getattr(h, 'baseFilename', '') for h in logging.getLogger().handlers]\n"
        "print(sorted(f for f in files if 'kombo-self-test-' in f))\n",
        isolated_home,
    )
    assert printed == "[]"


def test_build_main_window_reuses_the_running_application(qtbot: QtBot) -> None:
    app = QApplication.instance()
    window = build_main_window(["--demo"])
    qtbot.addWidget(window)
    assert QApplication.instance() is app
    assert window.objectName() == "mainWindow"
    assert window.windowTitle() == "Kombo Desktop — DEMO"
    window.close()


@pytest.fixture
def x_display() -> Iterator[str]:
    """A private Xvfb display, so the real X11 platform plugin runs (skipped without Xvfb)."""
    with private_x_display() as display:
        yield display


@pytest.mark.slow
@pytest.mark.parametrize("argv", [[], ["--demo"]])
def test_the_program_quits_cleanly_on_a_real_display(
    x_display: str, isolated_home: Path, argv: list[str]
) -> None:
    """Closing the window ends the process with 0; Qt teardown order once crashed it here."""
    result = run_python(
        main_closing_after(600, argv),
        env={
            "DISPLAY": x_display,
            "QT_QPA_PLATFORM": "xcb",
            "KOMBO_DESKTOP_HOME": str(isolated_home),
        },
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_the_program_asks_the_system_for_its_light_look(
    qapp: QApplication, isolated_home: Path
) -> None:
    """``theme.apply_to_application`` asks by property name, to keep the ``Qt`` namespace out
    of the start. Offscreen the system's answer cannot be seen, so the request itself is
    recorded in a fresh program; and this Qt must know the name and the key, or the request
    would only show as a dark title bar beside a light window."""
    asked = last_line_printed(
        "from PySide6.QtGui import QStyleHints\n"
        "asked = []\n"
        "set_property = QStyleHints.setProperty\n"
        "def record(hints, name, value):\n"
        "    asked.append([name, value])\n"
        "    return set_property(hints, name, value)\n"
        "QStyleHints.setProperty = record\n"
        "from kombo_desktop.app import _application\n"
        "_application(())\n"
        "print(asked)\n",
        isolated_home,
    )
    assert asked == str([["colorScheme", theme.LIGHT_COLOR_SCHEME]])

    meta = QGuiApplication.styleHints().metaObject()  # the test's own application, unchanged
    scheme = meta.property(meta.indexOfProperty("colorScheme"))
    assert scheme.isValid() and scheme.isWritable() and scheme.isEnumType()
    light = theme.LIGHT_COLOR_SCHEME  # PySide6's hints say bytes; it takes the key only as str
    assert scheme.enumerator().keyToValue(light) == (1, True)  # type: ignore[arg-type]  # Qt::Light


def test_a_start_that_fails_says_so_and_leaves_the_story_in_the_log(isolated_home: Path) -> None:
    # A packaged program started from a menu has no console: it vanished without a word, and
    # the records kept until the log file opens were lost with it.
    code = (
        "import kombo_desktop.core.catalog as catalog\n"
        "from PySide6.QtWidgets import QMessageBox\n"
        "def broken(*args, **kwargs):\n"
        "    raise RuntimeError('the tool list is damaged')\n"
        "catalog.ToolCatalog.bundled = staticmethod(broken)\n"
        "shown = []\n"
        "QMessageBox.critical = staticmethod(lambda *args: shown.append(args[2]))\n"
        "import kombo_desktop.app as app\n"
        "app._NO_SCREEN_PLATFORMS = ()  # as on a desktop: off screen no box is tried\n"
        "code = app.main([])\n"
        "print(code, shown[0] if shown else 'no message')\n"
    )
    result = run_python(code, env={"KOMBO_DESKTOP_HOME": str(isolated_home)})
    assert result.returncode == 0, result.stderr[-2000:]
    exit_code, _, message = last_line(result.stdout).partition(" ")
    assert exit_code == "1"
    log_file = AppPaths.from_environment().log_file
    assert "could not start" in message and str(log_file) in message
    log = log_file.read_text("utf-8")
    assert "could not start" in log and "the tool list is damaged" in log
    assert "Traceback" in log


def test_the_stack_of_a_crash_no_hook_sees_has_a_file_to_go_to(isolated_home: Path) -> None:
    # The crash handler could record such stacks, but the program never gave it the file
    # (given in the work after the first frame: closed once that is done, even on a slow day).
    code = (
        "import kombo_desktop.app as app\n"
        "real = app._build_window\n"
        "def build(options, paths):\n"
        "    from PySide6.QtCore import QTimer\n"
        "    window = real(options, paths)\n"
        "    def close_when_started():\n"
        "        if window.start_up.done:\n"
        "            window.close()\n"
        "        else:\n"
        "            QTimer.singleShot(50, close_when_started)\n"
        "    QTimer.singleShot(50, close_when_started)\n"
        "    return window\n"
        "app._build_window = build\n"
        "raise SystemExit(app.main([]))\n"
    )
    result = run_python(code, env={"KOMBO_DESKTOP_HOME": str(isolated_home)})
    assert result.returncode == 0, result.stderr[-2000:]
    fatal = AppPaths.from_environment().log_dir / FATAL_ERRORS_FILE
    assert f"Kombo Desktop {__version__} started" in fatal.read_text("utf-8")


def main_closing_after(milliseconds: int, argv: list[str] | None = None) -> str:
    """Python code that runs ``kombo_desktop.app.main(argv)`` and closes its window after
    ``milliseconds``; the process exits with main's code."""
    return (
        "import kombo_desktop.app as app\n"
        "real = app._build_window\n"
        "def build(options, paths):\n"
        "    from PySide6.QtCore import QTimer\n"
        "    window = real(options, paths)\n"
        f"    QTimer.singleShot({milliseconds}, window.close)\n"
        "    return window\n"
        "app._build_window = build\n"
        f"raise SystemExit(app.main({argv or []!r}))\n"
    )


def last_line(text: str) -> str:
    return [line for line in text.splitlines() if line.strip()][-1]


def test_an_error_escaping_the_event_loop_is_printed_and_logged(isolated_home: Path) -> None:
    # Errors inside the event loop get the friendly dialog; one escaping the loop itself ends
    # the program, where no dialog can show any more. The crash handler was still installed
    # then: it queued a dialog that never came, and the program ended with status 1 and not a
    # word on the console.
    code = (
        "import kombo_desktop.app as app\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "real_exec = QApplication.exec\n"
        "def failing_exec(*args):\n"
        "    QTimer.singleShot(400, QApplication.quit)\n"
        "    real_exec()\n"
        "    raise RuntimeError('the event loop broke')\n"
        "QApplication.exec = failing_exec\n"
        "app.main([])\n"
    )
    result = run_python(code, env={"KOMBO_DESKTOP_HOME": str(isolated_home)})
    assert result.returncode == 1
    assert "RuntimeError: the event loop broke" in result.stderr
    log = AppPaths.from_environment().log_file.read_text("utf-8")
    assert "the event loop broke" in log and "Traceback" in log


def test_an_error_before_the_first_frame_still_reaches_the_log_file(isolated_home: Path) -> None:
    # The log file opens after the first frame; what is logged before waits in memory. The
    # event loop failing before any frame (or a close that quick) lost it all, the error too.
    code = (
        "import kombo_desktop.app as app\n"
        "from PySide6.QtWidgets import QApplication\n"
        "def failing_exec(*args):\n"
        "    raise RuntimeError('no frame was ever shown')\n"
        "QApplication.exec = failing_exec\n"
        "app.main([])\n"
    )
    result = run_python(code, env={"KOMBO_DESKTOP_HOME": str(isolated_home)})
    assert result.returncode == 1
    log = AppPaths.from_environment().log_file.read_text("utf-8")
    assert "Kombo Desktop" in log and "starting" in log
    assert "no frame was ever shown" in log and "Traceback" in log


def test_the_program_itself_explains_errors_from_slots_and_threads_and_carries_on(
    isolated_home: Path,
) -> None:
    # The crash handler's own tests install it on a stand-in window; this one proves the
    # program installs it: an error in a slot and one in a thread, then the dialog, its
    # details, the log, and a window still there.
    code = (
        "import json, threading\n"
        "import kombo_desktop.app as app\n"
        "real = app._build_window\n"
        "seen = {}\n"
        "def build(options, paths):\n"
        "    from PySide6.QtCore import QTimer\n"
        "    from PySide6.QtGui import QGuiApplication\n"
        "    from PySide6.QtWidgets import QApplication, QDialog\n"
        "    window = real(options, paths)\n"
        "    def fail_in_a_slot():\n"
        "        raise RuntimeError('a slot broke')\n"
        "    def fail_in_a_thread():\n"
        "        thread = threading.Thread(target=lambda: 1 / 0, name='a-worker')\n"
        "        thread.start()\n"
        "    def look():\n"
        "        dialogs = [w for w in QApplication.topLevelWidgets()\n"
        "                   if isinstance(w, QDialog) and w.objectName() == 'crashDialog'\n"
        "                   and w.isVisible()]\n"
        "        seen['dialogs'] = len(dialogs)\n"
        "        if dialogs:\n"
        "            dialogs[0].copy_details()\n"
        "            seen['details'] = QGuiApplication.clipboard().text()\n"
        "            dialogs[0].close()\n"
        "        seen['window_visible'] = window.isVisible()\n"
        "        window.close()\n"
        "    window.start_up.add(lambda: QTimer.singleShot(100, fail_in_a_slot))\n"
        "    window.start_up.add(lambda: QTimer.singleShot(150, fail_in_a_thread))\n"
        "    window.start_up.add(lambda: QTimer.singleShot(1200, look))\n"
        "    return window\n"
        "app._build_window = build\n"
        "code = app.main([])\n"
        "print(json.dumps(seen))\n"
        "raise SystemExit(code)\n"
    )
    seen = json.loads(last_line_printed(code, isolated_home))
    assert seen["dialogs"] == 1 and seen["window_visible"]
    assert "RuntimeError: a slot broke" in seen["details"]
    assert "ZeroDivisionError" in seen["details"]
    log = AppPaths.from_environment().log_file.read_text("utf-8")
    assert "Uncaught error in thread MainThread" in log and "a slot broke" in log
    assert "Uncaught error in thread a-worker" in log
