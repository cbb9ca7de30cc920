"""Starting the program: command line, environment, the Qt application, and the main window.

``main()`` is the console script ``kombo-desktop`` and ``python -m kombo_desktop``;
``build_main_window()`` does everything up to showing the window, so tests and the self-test can
build and drive it in an application they created themselves (see contract.md).

Start-up must be quick, so nothing slow is imported here or by the window's modules: httpx,
keyring, qrcode and truststore load later on a worker thread or on first use, and the demo
service starts only with ``--demo``.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from typing import TYPE_CHECKING, NamedTuple

from kombo_desktop import __version__
from kombo_desktop.ui.source_scan import skip_source_scan_of_known_modules  # no Qt in it

if TYPE_CHECKING:
    from collections.abc import Mapping

    from PySide6.QtWidgets import QApplication

    from kombo_desktop.core.paths import AppPaths
    from kombo_desktop.core.policy import Policy
    from kombo_desktop.core.settings import Settings
    from kombo_desktop.ui.main_window import MainWindow

PROGRAM = "kombo-desktop"
API_BASE_VARIABLE = "KOMBO_API_BASE"
USAGE_ERROR_EXIT = 2
START_FAILURE_EXIT = 1
# How long closing waits for PySide6's compiled code to be written (``pyside_code_cache``);
# it takes some 50 ms, and a folder that does not answer must not keep the program running.
_SAVING_WAIT_SECONDS = 1.0
FATAL_ERRORS_FILE = "fatal-errors.log"  # beside the log: stacks of crashes no hook can see
# How long a thread running Python keeps the interpreter once the window's thread asks for it
# (``_hand_the_interpreter_over_sooner``).
WINDOW_THREAD_WAIT_SECONDS = 0.0005
# Flags whose answer is printed: whoever gives them reads the console, not a window.
_ANSWERED_ON_THE_CONSOLE = frozenset({"--version", "--self-test", "--help", "-h"})

_log = logging.getLogger(__name__)


class UsageError(Exception):
    """A flag or environment variable that cannot be used; the message says why, plainly."""


class NoDesktopError(RuntimeError):
    """Raised by ``build_main_window`` where Qt would need a display there is none of (see
    ``_lacks_the_display_qt_needs``); the message says how to run the program instead."""


class Options(NamedTuple):
    """What the command line and the environment ask of this run (``parse_arguments``).

    A named tuple, as are ``AppPaths``, ``Target``, ``Tool`` and ``FileAsRead``: a frozen
    dataclass compiles its generated methods from source as its module loads, before the
    window's first frame (see benchmarks/README.md, "tenth look")."""

    demo: bool = False
    api_base: str | None = None  # from --api-base or KOMBO_API_BASE; checked by parse_arguments
    api_base_source: str | None = None  # "--api-base" or "KOMBO_API_BASE" when one was given
    profile: str | None = None
    self_test: bool = False
    version: bool = False
    qt_arguments: tuple[str, ...] = ()  # anything else, left for Qt (e.g. -platform)


def _parser() -> argparse.ArgumentParser:
    from kombo_desktop.core.settings import REGION_BASES, Region

    parser = argparse.ArgumentParser(
        prog=PROGRAM,
        description="Make Kombo connection links for customers, without an engineer.",
        allow_abbrev=False,  # "--self" is a mistake to report, not --self-test
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="use the built-in demo service on this computer (no API key needed; links are fake)",
    )
    parser.add_argument(
        "--api-base",
        metavar="URL",
        help="Kombo API address (default: the profile's region in Settings: "
        f"{REGION_BASES[Region.EU]} in Europe, {REGION_BASES[Region.US]} in the United States, "
        "or its own address); must start with https://, except for this computer (127.0.0.1, "
        "::1, localhost)",
    )
    parser.add_argument("--profile", metavar="NAME", help="start with this connection profile")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check that this installation is complete, print one JSON line, and exit",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    return parser


def parse_arguments(
    argv: list[str] | None = None, environ: dict[str, str] | None = None
) -> Options:
    """Flags and environment as ``Options``; raises ``UsageError`` for values that cannot work."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    env = os.environ if environ is None else environ
    # Started from the desktop there are no arguments, and nothing for argparse to do: building
    # its parser looks its help texts up in the system's translations (gettext and ``locale``,
    # about 2.5 ms of the start-up), which only ``--help`` shows.
    options = _parse_flags(arguments) if arguments else Options()
    if options.version:
        return options  # nothing else is used: a stale KOMBO_API_BASE must not stop it
    api_base = options.api_base
    source = None if api_base is None else "--api-base"
    if api_base is None and env.get(API_BASE_VARIABLE, "").strip():
        api_base, source = env[API_BASE_VARIABLE], API_BASE_VARIABLE
    if api_base is not None:
        from kombo_desktop.core.api_address import normalize_api_base

        try:
            api_base = normalize_api_base(api_base)
        except ValueError as error:
            from kombo_desktop.core.policy import load_policy

            # Under the administrator's fixed address it is ignored anyway (and the window
            # says so): a stale KOMBO_API_BASE must not keep the program from starting.
            if not load_policy(env).api_base_locked:
                raise UsageError(f"{source}: {error}") from None
            api_base = None
    profile = options.profile
    if profile is not None:
        from kombo_desktop.core.settings import validate_profile_name

        try:
            profile = validate_profile_name(profile)
        except ValueError as error:
            raise UsageError(f"--profile: {error}") from None
    return options._replace(api_base=api_base, api_base_source=source, profile=profile)


def _parse_flags(arguments: list[str]) -> Options:
    """The command line as given, not yet checked; Qt's own options kept in ``qt_arguments``."""
    parser = _parser()
    parser.exit_on_error = False
    try:
        known, rest = parser.parse_known_args(arguments)
    except argparse.ArgumentError as error:
        raise UsageError(str(error)) from None
    # Qt's own options (``-platform``, ``-style``...) take one dash; a mistyped flag of ours
    # (``--dmo``) must not be passed on and silently ignored.
    unknown = [argument for argument in rest if argument.startswith("--")]
    if unknown:
        raise UsageError(f"unknown option {unknown[0]}")
    return Options(
        demo=known.demo,
        api_base=known.api_base,
        profile=known.profile,
        self_test=known.self_test,
        version=known.version,
        qt_arguments=tuple(rest),
    )


def _application(qt_arguments: tuple[str, ...]) -> QApplication:
    """The running QApplication, or a new one; either way with the program's name and look."""
    from PySide6.QtWidgets import QApplication

    skip_source_scan_of_known_modules()  # before the window's modules are imported
    from kombo_desktop.core.resources import resource_path
    from kombo_desktop.ui import theme

    app = QApplication.instance()
    if app is None:
        # The style goes in as Qt's own ``-style`` option (last, so it wins over one on the
        # command line, as it always has) rather than through ``setStyle()``: that call hands
        # the style object to Python, and wrapping it costs the start about 4 ms for PySide6 to
        # build every QStyle enum, none of which the program uses. The window icon goes in the
        # same way (``-qwindowicon``: Qt gives it to every window as it is shown), so that the
        # first frame has it without PySide6 setting up ``QIcon``, about 1.7 ms (the main window
        # takes it as its own right after that frame, see ``MainWindow._take_window_icon``).
        icon = str(resource_path(theme.WINDOW_ICON))
        app = QApplication(
            [
                sys.argv[0] if sys.argv else PROGRAM,
                *qt_arguments,
                *("-style", theme.STYLE, "-qwindowicon", icon),
            ]
        )
        app.setApplicationName("Kombo Desktop")
        app.setApplicationVersion(__version__)
        app.setDesktopFileName(PROGRAM)
        theme.apply_to_application(app)
    if not isinstance(app, QApplication):  # e.g. a QCoreApplication made by a host program
        raise RuntimeError("Kombo Desktop needs a QApplication; another kind already exists.")
    return app


def build_main_window(argv: list[str] | None = None) -> MainWindow:
    """Everything ``main()`` does up to showing the window, in an existing QApplication if any.

    ``argv`` None means the process's own command line, as for ``main()``: a test runner's
    flags there would be refused, so tests pass a list (``[]`` for none). Raises
    ``UsageError`` for unusable flags, and ``NoDesktopError`` when it would have to create the
    QApplication where there is no display (one that exists already is used whatever its
    platform). Whatever the window starts (demo service, worker threads) stops when it is closed.
    """
    arguments = sys.argv[1:] if argv is None else list(argv)
    options = parse_arguments(arguments)
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None and _lacks_the_display_qt_needs(options.qt_arguments):
        raise NoDesktopError(_no_desktop_text(arguments))
    skip_source_scan_of_known_modules()  # PySide6 is imported: spare it reading the next one
    from kombo_desktop.core.paths import AppPaths

    return _build_window(options, AppPaths.from_environment())


def _build_window(options: Options, paths: AppPaths) -> MainWindow:
    _application(options.qt_arguments)
    _hand_the_interpreter_over_sooner()

    from kombo_desktop.core.credentials import CredentialStore
    from kombo_desktop.core.logs import hold_early_records
    from kombo_desktop.core.policy import load_policy
    from kombo_desktop.core.settings import SettingsStore, refused_addresses_text
    from kombo_desktop.ui.main_window import MainWindow, WindowSetup

    notes: list[str] = []
    # The log file is opened right after the window's first frame (see _open_log_file); what
    # is logged until then is kept and written into it.
    hold_early_records(paths)
    policy = load_policy()  # the window says what was wrong with it (``Policy.notice``)
    store = SettingsStore(
        paths,
        managed=policy.managed_profiles,
        first_profile=policy.default_profile,
        first_language=policy.default_language,
        first_link_type=policy.default_link_type,
    )
    settings = store.load()
    if store.load_problem:
        notes.append(store.load_problem)
    demo_runs = options.demo and not policy.hide_demo
    # Not said while the demo runs, whose links are made on this computer ("no links are made
    # with it" under the demo's header read as a contradiction); leaving it says so then.
    if policy.fixed_api_base is None and options.api_base is None and not demo_runs:
        to_correct = refused_addresses_text(settings.profiles)
        if to_correct is not None:
            notes.append(to_correct)
    if options.profile is not None:
        profile_name = _saved_spelling(settings, options.profile)
        if settings.profile(profile_name) is None:  # the administrator's are in the settings
            notes.append(_unknown_profile_note(profile_name, policy, options.api_base, demo_runs))
    else:
        profile_name = settings.active.name  # on a fresh installation, the administrator's
    if options.api_base_source is not None and policy.api_base_locked:
        notes.append(
            f"Your administrator fixed the API address, so {options.api_base_source} is not used."
        )
    if options.demo and policy.hide_demo:
        # Only here: ``messages`` (and ``refusals`` with it) is for requests that went wrong,
        # and importing it took the start-up, which never needs it otherwise, some 10 ms.
        from kombo_desktop.core.messages import DEMO_TURNED_OFF_MESSAGE

        notes.append(DEMO_TURNED_OFF_MESSAGE)
    _log.info("Kombo Desktop %s starting (demo: %s)", __version__, options.demo)
    setup = WindowSetup(
        paths=paths,
        settings_store=store,
        settings=settings,
        policy=policy,
        credentials=CredentialStore(),
        profile_name=profile_name,
        api_base_override=options.api_base,
        api_base_source=options.api_base_source,
        demo=options.demo,
        notes=notes,
    )
    window = MainWindow(setup)
    window.start_up.add(lambda: _open_log_file(window, paths))
    return window


def _hand_the_interpreter_over_sooner() -> None:
    """Let the window's thread wait about half a millisecond for Python, not five.

    Only one thread runs Python at a time. The window's thread lets go of the interpreter in
    its calls into Qt, and a worker running Python meanwhile (opening the history, importing
    the client, computing a QR code) keeps it until the window's thread has waited Python's
    switch interval, 5 ms by default. Handling a click and painting what it changed goes back
    and forth dozens of times (event filters, size hints), so the window froze for 40-55 ms
    when a worker was busy, and a worker running nothing but Python kept a 10 ms timer from
    firing for 150 ms (45-56 ms now). With 0.5 ms, the largest heartbeat gap of a first
    request fell from 38-51 ms to 26-45 ms (benchmarks/README.md, "The window's thread waits
    less for Python"). A thread running alone is not interrupted: the interval counts only
    while another thread waits."""
    sys.setswitchinterval(WINDOW_THREAD_WAIT_SECONDS)


def _saved_spelling(settings: Settings, name: str) -> str:
    """``name`` as a saved profile spells it (``--profile us-team`` for "US-Team"): elsewhere
    names that differ only in letter case are one profile, and the Windows store keeps their
    keys as one."""
    if settings.profile(name) is not None:
        return name
    return settings.spelling_of(name) or name


def _unknown_profile_note(name: str, policy: Policy, api_base: str | None, demo_runs: bool) -> str:
    """Said at the start for ``--profile`` with a name no profile has. With the demo running
    (``scripts/run-demo --profile sales``) the profile is only used once the demo is left, and
    the sentence says so: under the demo's header, "this run uses it" read as a contradiction."""
    if policy.api_base_locked:
        where = "the API address your administrator set"
    elif api_base is not None:
        where = "the API address given at start"
    else:
        where = "the Europe region"
    when = "once you leave the demo, " if demo_runs else ""
    return f"There is no saved profile called “{name}”; {when}this run uses it with {where}."


def _open_log_file(window: MainWindow, paths: AppPaths) -> None:
    from kombo_desktop.core.logs import configure_logging

    try:
        configure_logging(paths)
    except OSError as error:
        reason = error.strerror or str(error)
        window.show_note(
            f"The log file could not be opened in {paths.log_dir} ({reason}), so nothing is "
            "logged. Check that you may write to that folder (or ask your IT team), then start "
            "Kombo Desktop again."
        )


def main(argv: list[str] | None = None) -> int:
    """Run the program; returns the exit code (0 on a normal close)."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        options = parse_arguments(arguments)
    except UsageError as error:
        print(f"{PROGRAM}: error: {error} (see {PROGRAM} --help)", file=sys.stderr)
        if _ANSWERED_ON_THE_CONSOLE.isdisjoint(arguments):
            # Started from a shortcut or a menu there is no console to read the line above.
            _tell_in_a_window(
                "Kombo Desktop was started with a setting it cannot use: "
                f"{str(error).rstrip('.')}.\n\n"
                "Correct the shortcut or the setting (or ask whoever set up this computer), "
                "then start Kombo Desktop again."
            )
        return USAGE_ERROR_EXIT
    if options.version:
        print(f"{PROGRAM} {__version__}")
        return 0
    if options.self_test:
        from kombo_desktop.selftest import run_self_test

        return run_self_test(arguments)
    if _lacks_the_display_qt_needs(options.qt_arguments):
        print(f"{PROGRAM}: error: {_no_desktop_text(arguments)}", file=sys.stderr)
        return START_FAILURE_EXIT
    # Start-up creates some 30,000 objects that live as long as the program; the cycle
    # collector walking them again and again while they are made costs a few milliseconds of
    # the start. It resumes right after the first frame (see _resume_garbage_collection).
    gc.disable()
    from kombo_desktop.core.paths import AppPaths
    from kombo_desktop.ui.pyside_code_cache import CACHE_FILE_NAME, PySideCodeCache

    try:
        paths = AppPaths.from_environment()
        # PySide6 compiles part of itself at every start; its code is kept from the last one.
        pyside_code = PySideCodeCache.for_file(paths.cache_dir / CACHE_FILE_NAME)
        pyside_code.import_pyside()
        window = _build_window(options, paths)
    except Exception as error:  # a broken installation or settings folder: say so, not vanish
        return _could_not_start(error)
    window.start_up.add(lambda: _resume_garbage_collection(window))
    window.start_up.add(pyside_code.save_in_background)
    from PySide6.QtWidgets import QApplication

    from kombo_desktop.ui.crash_handler import install_crash_handler

    app = QApplication.instance()
    assert app is not None
    # An error that escapes anywhere is logged and explained calmly; the program carries on.
    crash_handler = install_crash_handler(app, lambda: window)
    # A crash no exception hook sees (one inside Qt or Python itself) leaves its stack in a
    # file beside the log; opened after the first frame, like the log file.
    fatal_errors = window.setup.paths.log_dir / FATAL_ERRORS_FILE
    window.start_up.add(lambda: crash_handler.record_fatal_errors(fatal_errors))
    window.show()
    try:
        code = app.exec()
    except Exception:
        # Errors inside the event loop get the dialog; one escaping the loop itself ends the
        # program, where no dialog can show any more: it goes to the log and, through
        # Python's own hook once the handler is gone, to the console.
        _log.critical("Kombo Desktop stopped on an error", exc_info=True)
        raise
    finally:
        crash_handler.uninstall()
        # Closed (or broken) before the log file was opened after the first frame: what was
        # logged until now, the error above too, is held in memory and would be lost.
        _write_held_log_records(window.setup.paths)
    _destroy_before_exit(window)
    if pyside_code.saving is not None:  # a start that just compiled PySide6's code: keep it
        pyside_code.saving.join(timeout=_SAVING_WAIT_SECONDS)
    return code


def _write_held_log_records(paths: AppPaths) -> None:
    import contextlib

    from kombo_desktop.core.logs import configure_logging

    # No file to write to: at the start the window says so; here no one would see it.
    with contextlib.suppress(OSError):
        configure_logging(paths)


def _could_not_start(error: Exception) -> int:
    """The window could not be built: the error goes to the log file (and the console), and
    a message box says so, since a packaged program started from a menu has no console."""
    gc.enable()
    _log.critical("Kombo Desktop could not start", exc_info=error)
    import traceback

    traceback.print_exception(error, file=sys.stderr)
    from kombo_desktop.core.logs import configure_logging
    from kombo_desktop.core.paths import AppPaths

    paths = AppPaths.from_environment()
    try:
        configure_logging(paths)  # writes the records held since the start, this one too
        where = f"The details are in the log file {paths.log_file}."
    except OSError:
        where = "The log file could not be written either."
    _tell_in_a_window(
        f"Kombo Desktop could not start because of an unexpected problem. {where} "
        "Reinstalling the program may help; if it does not, send that file to support."
    )
    return START_FAILURE_EXIT


def _tell_in_a_window(text: str) -> None:
    """Say why the program is not starting in a message box, the only place a packaged
    program started from a menu can say it (it has no console)."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    if sys.stderr is not None and sys.stderr.isatty():
        return  # started from a terminal: the line printed there says it
    app = QApplication.instance()
    if app is None and _has_a_screen():
        app = QApplication([sys.argv[0] if sys.argv else PROGRAM])
    if isinstance(app, QApplication) and app.platformName() not in _NO_SCREEN_PLATFORMS:
        QMessageBox.critical(None, "Kombo Desktop could not start", text)


# Qt platforms that draw for no one: a message box there would wait for a click for ever.
_NO_SCREEN_PLATFORMS = ("offscreen", "minimal")


def _has_a_screen(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether Qt can open a window someone sees: on Linux without a display (a server, a
    console session) making a QApplication aborts the process, and the printed line must do."""
    platform = environ.get("QT_QPA_PLATFORM", "")
    if platform.startswith(_NO_SCREEN_PLATFORMS):
        return False
    if not sys.platform.startswith("linux") or platform.startswith(("vnc", "eglfs", "linuxfb")):
        return True
    return _names_a_display(environ)


def _names_a_display(environ: Mapping[str, str]) -> bool:
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def _lacks_the_display_qt_needs(
    qt_arguments: tuple[str, ...], environ: Mapping[str, str] = os.environ
) -> bool:
    """Whether Qt would use X11 (its choice on Linux unless told otherwise) with no display to
    connect to: in an SSH session, a container or a console it then aborts the process with
    lines about a missing xcb-cursor library, sending people after a library that is there.

    Only environment lookups, as this runs on every start. A platform chosen other than X11
    (``wayland``, ``offscreen``, ``vnc``...), a display named with Qt's ``-display`` option,
    and a Wayland session (where Qt tries Wayland first) are left to Qt.
    """
    if not sys.platform.startswith("linux") or _names_a_display(environ):
        return False
    if "-display" in qt_arguments:
        return False
    platform = environ.get("QT_QPA_PLATFORM", "")
    if "-platform" in qt_arguments[:-1]:  # Qt's option wins over the variable
        platform = qt_arguments[qt_arguments.index("-platform") + 1]
    if not platform:
        return environ.get("XDG_SESSION_TYPE") != "wayland"
    return platform.partition(":")[0] == "xcb"  # "xcb:option=value" passes options to it


def _no_desktop_text(arguments: list[str]) -> str:
    """What to do without a display, naming the program as it was started (``./kombo-desktop``
    from the unpacked .tar.gz, ``.venv/bin/kombo-desktop`` from scripts/run-demo, which
    changes folder first, hence the full path) with the same arguments."""
    import shlex

    started_as = sys.argv[0] if sys.argv else ""
    if os.path.basename(started_as) != PROGRAM:  # e.g. "python -m kombo_desktop"
        program = PROGRAM
    elif os.sep in started_as:
        program = os.path.abspath(started_as)
    else:
        program = started_as  # found on the PATH
    return (
        "Kombo Desktop needs a desktop to show its window, and none was found (neither DISPLAY "
        "nor WAYLAND_DISPLAY is set). Start it from a desktop session, or on a machine without "
        f"one run it as: xvfb-run -a {shlex.join([program, *arguments])}"
    )


def _resume_garbage_collection(window: MainWindow) -> None:
    """Collect again, leaving out what start-up made: ``gc.freeze`` moves the objects alive
    now (modules, classes, the window's wrappers, nearly all kept until exit) out of the
    collector's sight, so later collections walk only what the session creates. Collections
    run on the UI thread alone, never on a worker (see ``ui_thread_gc``)."""
    from kombo_desktop.ui.ui_thread_gc import collect_on_the_ui_thread

    gc.freeze()
    collect_on_the_ui_thread(window)


def _destroy_before_exit(window: MainWindow) -> None:
    """Delete the window while the QApplication still exists.

    Signal connections to lambdas form reference cycles, so without this the window would be
    freed by the garbage collector during interpreter shutdown, after Qt has torn the
    application down, and crash there (seen with the X11 platform plugin).
    """
    import shiboken6

    if shiboken6.isValid(window):
        shiboken6.delete(window)
    gc.unfreeze()  # what start-up made (see _resume_garbage_collection) is collectable again
    gc.collect()
