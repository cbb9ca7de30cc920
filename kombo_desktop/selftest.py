"""``kombo-desktop --self-test``: proves an installed copy has all it needs, without a screen.

Packaged builds fail in ways the source tree never shows: a Qt plugin or system library left
out, a data file not bundled, keyring's backends missing because their package metadata was not
copied (keyring finds its backends through entry points), the CA bundle absent. Each of those
only surfaces when a user clicks something. This runs every such path once, off screen, and
prints one JSON line::

    {"ok": true, "version": "0.1.0", "checks": {"window": {"ok": true, "detail": "...",
     "ms": 412.3}, ...}, "total_ms": 655.0}

The exit code is 0 only when every check holds, so CI, installers and IT scripts can rely on it.

It deliberately does *not* require a running credential service (CI machines and fresh
headless servers have none): it checks that the platform's keyring backend is bundled and
importable, not that it can store a secret. It never reads or writes a real API key, and it runs
with a temporary ``KOMBO_DESKTOP_HOME`` so the user's settings, history and logs are not touched
(the folders a normal start uses for them are only worked out, see ``check_app_folders``).

Called by ``kombo_desktop.app.main`` for ``--self-test`` before any ``QApplication`` exists.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from kombo_desktop import __version__
from kombo_desktop.core.resources import resources_dir

EXPECTED_TOOL_COUNT = 203
APP_ICON = "icons/kombo-desktop.png"
# A realistic link: long enough to need a mid-size QR version, with query characters.
SAMPLE_LINK = (
    "https://connect.kombo.dev/v1/link?token=SELFTEST-0123456789abcdefghijklmnopqrstuvwxyz"
)

# Widgets the contract promises; if the window is built without them, automation breaks.
_REQUIRED_WIDGETS = ("emailEdit", "organizationEdit", "createButton", "linkField", "qrView")

# The keyring backend (entry point name, module) each platform must ship, plus the modules that
# backend needs but imports inside try/except, so a missing one would fail silently.
_KEYRING_BACKENDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "linux": (
        "SecretService",
        "keyring.backends.SecretService",
        ("secretstorage", "secretstorage.dhcrypto", "jeepney", "jeepney.io.blocking"),
    ),
    "win32": (
        "Windows",
        "keyring.backends.Windows",
        ("win32ctypes.pywin32.win32cred", "win32ctypes.pywin32.pywintypes"),
    ),
    "darwin": ("macOS", "keyring.backends.macOS", ("keyring.backends.macOS.api",)),
}

# The native Qt platform plugin per system; the packaged build must be able to load it.
_NATIVE_PLATFORM_PLUGINS = {"linux": "xcb", "win32": "windows", "darwin": "cocoa"}


class CheckError(Exception):
    """A check found a real problem; the message says which."""


def _platform_key() -> str:
    return "linux" if sys.platform.startswith("linux") else sys.platform


def run_self_test(argv: list[str]) -> int:
    """Run every check, print one JSON line on stdout, return the process exit code.

    ``argv`` is the program's command line (unused today; accepted so the flag parser can hand
    everything over unchanged).
    """
    del argv
    started = time.perf_counter()
    _choose_offscreen_platform(os.environ)
    # One after the other: running the checks that need no Qt on a second thread was tried
    # and saved nothing, as both halves are Python work that takes turns on the interpreter.
    checks: dict[str, dict[str, Any]] = {}
    own_environment = dict(os.environ)  # the person's, before the temporary home replaces it
    with _temporary_home():
        for name, check in _checks(own_environment):
            checks[name] = _timed(check)
    ok = all(result["ok"] for result in checks.values())
    report = {
        "ok": ok,
        "version": __version__,
        "checks": checks,
        "total_ms": round((time.perf_counter() - started) * 1000, 1),
    }
    print(json.dumps(report), flush=True)
    return 0 if ok else 1


def _choose_offscreen_platform(environ: os._Environ[str] | dict[str, str]) -> None:
    """Build off screen when there is no display (CI, SSH), unless the caller chose a platform.

    Only Linux can lack a display; Windows and macOS sessions always have one, and the window is
    never shown anyway. A display that is named but cannot be used (``sudo -u`` without its
    XAUTHORITY, ``ssh -X`` without an X server) made Qt abort before a single line was printed:
    Qt's list of platforms falls back to off screen then. Must happen before the QApplication
    is created.
    """
    if not sys.platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return
    if environ.get("WAYLAND_DISPLAY"):
        environ["QT_QPA_PLATFORM"] = "wayland;xcb;offscreen"
    elif environ.get("DISPLAY"):
        environ["QT_QPA_PLATFORM"] = "xcb;offscreen"
    else:
        environ["QT_QPA_PLATFORM"] = "offscreen"


@contextmanager
def _temporary_home() -> Iterator[None]:
    """Point KOMBO_DESKTOP_HOME at a throw-away folder so the test leaves no trace."""
    previous = os.environ.get("KOMBO_DESKTOP_HOME")
    folder = tempfile.mkdtemp(prefix="kombo-self-test-")
    os.environ["KOMBO_DESKTOP_HOME"] = folder
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("KOMBO_DESKTOP_HOME", None)
        else:
            os.environ["KOMBO_DESKTOP_HOME"] = previous
        # The window check opened the log file in this folder; an open file cannot be
        # deleted on Windows, and the folder would be left behind.
        from kombo_desktop.core.logs import stop_logging

        stop_logging()
        shutil.rmtree(folder, ignore_errors=True)


def _timed(check: Callable[[], str]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail, ok = check(), True
    except CheckError as failure:
        detail, ok = str(failure), False
    except Exception as error:  # a crash in a check is a finding, not a reason to stop
        detail, ok = f"{type(error).__name__}: {error}", False
    return {"ok": ok, "detail": detail, "ms": round((time.perf_counter() - started) * 1000, 1)}


# --- bundled files ---------------------------------------------------------------------------


def check_tool_catalog() -> str:
    """The tool list the form offers: all of Kombo's tools, parsed the way the program does."""
    from kombo_desktop.core.catalog import parse_tools_tsv

    path = resources_dir() / "tools.tsv"
    if not path.is_file():
        raise CheckError(f"{path} is missing")
    tools = parse_tools_tsv(path.read_text(encoding="utf-8"))
    if len(tools) != EXPECTED_TOOL_COUNT:
        raise CheckError(f"{path} holds {len(tools)} tools, expected {EXPECTED_TOOL_COUNT}")
    return f"{len(tools)} tools from {path}"


def check_resources() -> str:
    """Every other bundled file: the icon, and the invitation texts of every language."""
    folder = resources_dir()
    if not folder.is_dir():
        raise CheckError(f"resource folder {folder} is missing")
    icon = folder / APP_ICON
    if not icon.is_file() or icon.stat().st_size == 0:
        raise CheckError(f"icon {icon} is missing")
    from PySide6.QtGui import QImage  # PNG decoding is built into QtGui: no plugin needed

    picture = QImage(str(icon))
    if picture.isNull() or picture.width() < 256:
        raise CheckError(f"icon {icon} is not a readable picture of at least 256 pixels")
    languages = _check_invitations(folder / "invitations")
    return f"{folder}: {APP_ICON} ({picture.width()} px), invitations in {languages}"


def _check_invitations(invitations: Path) -> str:
    """Each language's invitation texts, read and checked as "Copy invitation" reads them: a
    missing or broken file only failed when staff pressed it, with a customer watching."""
    from kombo_desktop.core.invitation import InvitationTexts
    from kombo_desktop.core.vocabulary import Language

    if not invitations.is_dir():
        raise CheckError(f"invitation folder {invitations} is missing")
    if not any(invitations.iterdir()):
        raise CheckError(f"invitation folder {invitations} is empty")
    problems = []
    for language in Language:
        path = invitations / f"{language.value}.json"
        if not path.is_file():
            problems.append(f"invitation texts {path.name} are missing")
            continue
        try:
            InvitationTexts.from_file(path)
        except ValueError as error:
            problems.append(str(error))
    if problems:
        raise CheckError(f"in {invitations}: " + "; ".join(problems))
    return ", ".join(language.value for language in Language)


def check_app_folders(own_environment: Mapping[str, str]) -> str:
    """The folders this person's normal start uses for settings, history and logs, worked out
    from ``own_environment``, their environment as it was before the self-test set its
    temporary ``KOMBO_DESKTOP_HOME``: below their own ``KOMBO_DESKTOP_HOME`` for a portable
    install, else the platform's. The platform's are worked out either way, so that a missing
    platformdirs (or its module for this system) fails here and not at a start without
    ``KOMBO_DESKTOP_HOME``. Works them out only: nothing is created or written."""
    from kombo_desktop.core.paths import HOME_VARIABLE, AppPaths

    try:
        platform_paths = AppPaths.from_environment({})
    except ImportError as error:
        raise CheckError(
            f"the folders for settings, history and logs cannot be worked out: {error}"
        ) from error
    paths = AppPaths.from_environment(own_environment)
    where = f"settings in {paths.config_dir}, history in {paths.data_dir}, logs in {paths.log_dir}"
    return where if paths == platform_paths else f"{where} (set by {HOME_VARIABLE})"


# --- security and network stack --------------------------------------------------------------


def check_ca_bundle() -> str:
    """certifi's CA file: the fallback trust store when the system's cannot be used."""
    import certifi

    path = Path(certifi.where())
    if not path.is_file():
        raise CheckError(f"CA bundle {path} is missing")
    count = path.read_text(encoding="ascii", errors="replace").count("BEGIN CERTIFICATE")
    if count < 50:
        raise CheckError(f"CA bundle {path} holds only {count} certificates")
    return f"{count} certificates in {path}"


@functools.cache
def _tls_context() -> Any:
    """One truststore context for both checks that need one (making it reads the system's
    certificates)."""
    import ssl

    import truststore

    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def check_truststore() -> str:
    """truststore: verifies TLS with the system's trust store (corporate proxies' roots)."""
    import ssl

    import truststore

    context = _tls_context()
    if context.verify_mode != ssl.CERT_REQUIRED:
        raise CheckError("truststore made a context that does not verify certificates")
    return f"truststore {truststore.__version__}, {ssl.OPENSSL_VERSION}"


def check_httpx() -> str:
    """httpx and its transport stack import and build a client, also one through a SOCKS
    proxy (``ALL_PROXY=socks5://...``, from a VPN client or an SSH tunnel), which needs socksio
    (no request is sent)."""
    from kombo_desktop.core.http_library import httpx

    client = httpx.Client(verify=_tls_context(), timeout=5.0)
    client.close()
    try:
        importlib.import_module("socksio")
        client = httpx.Client(verify=_tls_context(), proxy="socks5://127.0.0.1:1080")
    except ImportError as error:
        raise CheckError(f"socksio is not bundled, so SOCKS proxies fail: {error}") from error
    client.close()
    return f"httpx {httpx.__version__}, SOCKS proxies supported"


def check_keyring() -> str:
    """keyring's backend for this system is bundled and discoverable; no service is needed."""
    import keyring
    import keyring.backend

    platform = _platform_key()
    if platform not in _KEYRING_BACKENDS:
        raise CheckError(f"no known credential store for platform {sys.platform}")
    entry_name, module_name, helpers = _KEYRING_BACKENDS[platform]
    names = {ep.name for ep in metadata.entry_points(group="keyring.backends")}
    if entry_name not in names:
        raise CheckError(
            f"keyring cannot discover its {entry_name} backend (package metadata missing; "
            f"found: {', '.join(sorted(names)) or 'none'})"
        )
    for module in (module_name, *helpers):
        try:
            importlib.import_module(module)
        except ImportError as error:
            raise CheckError(f"{module} is not bundled: {error}") from error
    backends = keyring.backend.get_all_keyring()
    viable = ", ".join(sorted(type(b).__module__ + "." + type(b).__name__ for b in backends))
    return f"{module_name} bundled; usable here: {viable or 'none (no credential service running)'}"


# --- Qt ----------------------------------------------------------------------------------------


# The QApplication made here must outlive every widget: if its Python wrapper were the last
# reference and went away with a check's local variables, Qt would tear the application down
# under the window and the process would crash at exit.
_app: Any = None


def _application() -> Any:
    global _app
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "kombo-desktop"])
    _app = app
    return app


def check_qt_platform() -> str:
    """The native platform plugin is bundled and its system libraries are installed.

    An off-screen run never uses the native plugin, so it is loaded (not started) by hand: the
    load fails when a system library it links against (e.g. libxcb-cursor0) is missing.
    """
    from PySide6.QtCore import QCoreApplication, QPluginLoader

    app = _application()
    native = _NATIVE_PLATFORM_PLUGINS.get(_platform_key())
    if native is None:
        return f"running on {app.platformName()}"
    plugin = _find_platform_plugin(native, QCoreApplication.libraryPaths())
    if plugin is None:
        raise CheckError(
            f"Qt platform plugin '{native}' is not bundled "
            f"(searched {', '.join(QCoreApplication.libraryPaths())})"
        )
    loader = QPluginLoader(str(plugin))
    if not loader.load():
        raise CheckError(f"Qt platform plugin {plugin} cannot be loaded: {loader.errorString()}")
    return f"running on {app.platformName()}; {plugin.name} loads"


def _find_platform_plugin(name: str, library_paths: list[str]) -> Path | None:
    prefixes = {"linux": "libq", "darwin": "libq", "win32": "q"}
    suffixes = {"linux": ".so", "darwin": ".dylib", "win32": ".dll"}
    platform = _platform_key()
    file_name = f"{prefixes[platform]}{name}{suffixes[platform]}"
    for folder in library_paths:
        candidate = Path(folder) / "platforms" / file_name
        if candidate.is_file():
            return candidate
    return None


def check_qr() -> str:
    """A QR code is rendered the way the window renders it and reads back as the link."""
    from kombo_desktop.core.qr import qr_matrix
    from kombo_desktop.ui.qr_image import qr_qimage

    _application()
    module_pixels = 4
    image = qr_qimage(SAMPLE_LINK, module_pixels=module_pixels)
    matrix = qr_matrix(SAMPLE_LINK)
    if image.isNull() or image.width() != len(matrix) * module_pixels:
        raise CheckError(f"QR image has the wrong size {image.width()}x{image.height()}")
    try:
        import zxingcpp
    except ImportError:  # packaged builds do not ship a decoder: compare with the matrix
        return _compare_with_matrix(image, matrix, module_pixels)
    results = zxingcpp.read_barcodes(image)
    texts = [result.text for result in results]
    if texts != [SAMPLE_LINK]:
        raise CheckError(f"QR code decodes to {texts!r}, expected the link")
    return f"{len(matrix)}x{len(matrix)} modules, decoded back to the link"


def _compare_with_matrix(image: Any, matrix: list[list[bool]], module_pixels: int) -> str:
    from PySide6.QtGui import qGray

    wrong = 0
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            center = module_pixels // 2
            gray = qGray(image.pixel(column * module_pixels + center, row * module_pixels + center))
            if (gray < 128) != dark:
                wrong += 1
    if wrong:
        raise CheckError(f"{wrong} QR modules are painted wrong")
    return f"{len(matrix)}x{len(matrix)} modules, every module painted as the code says"


def check_window() -> str:
    """The main window is built as ``kombo-desktop --demo`` builds it, then closed cleanly."""
    from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop
    from PySide6.QtWidgets import QWidget

    from kombo_desktop.app import build_main_window

    app = _application()
    threads_before = set(threading.enumerate())
    window = build_main_window(["--demo"])
    try:
        if window.objectName() != "mainWindow":
            raise CheckError(f"main window is named {window.objectName()!r}, not 'mainWindow'")
        missing = [n for n in _REQUIRED_WIDGETS if window.findChild(QWidget, n) is None]
        if missing:
            raise CheckError(f"main window lacks {', '.join(missing)}")
        # What a shown window does right after its first frame (the window is never shown
        # here): among it, opening the link history, which needs Python's sqlite3.
        window.start_up.run_now()
        # Opened on a worker thread, whose word comes as an event: they are handled until it
        # has come, or the second a click would wait for it has passed (``when_ready``).
        opened: list[bool] = []
        window.history.when_ready(lambda: opened.append(True))
        while not opened:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        history = window.history.store
        if history.in_memory:
            raise CheckError(f"the link history could not be opened: {history.problem}")
        title = window.windowTitle()
    finally:
        window.close()
        # Delete it now, while the application exists, rather than at interpreter exit.
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()
        del window
    leftover = _threads_still_running(threads_before, timeout=5.0)
    if leftover:
        raise CheckError(f"closing the window left threads running: {', '.join(leftover)}")
    return f"built {title!r} on {app.platformName()} and closed it"


def _threads_still_running(before: set[threading.Thread], timeout: float) -> list[str]:
    deadline = time.monotonic() + timeout
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    # The program's own threads are daemons (so that a stuck one cannot keep the process
    # alive) and named "kombo-…": those must have ended too.
    return sorted(
        t.name
        for t in set(threading.enumerate()) - before
        if t.is_alive()
        and (not t.daemon or t.name.startswith("kombo-"))
        and not t.name.startswith("Dummy-")
    )


def check_helper_environment() -> str:
    """Programs started from the packaged program (browser, mail program, file manager) get
    the system's libraries, not the bundle's (see ``helper_environment``)."""
    from kombo_desktop.helper_environment import bundle_folders_handed_on, is_packaged_for_linux

    if not is_packaged_for_linux():
        return "nothing to hand back: not a packaged Linux build"
    bundle = str(getattr(sys, "_MEIPASS", ""))
    handed_on = bundle_folders_handed_on(os.environ, bundle) if bundle else []
    if handed_on:
        raise CheckError(
            "programs started from here would load the bundle's libraries: "
            f"LD_LIBRARY_PATH has {':'.join(handed_on)}"
        )
    return "programs started from here load the system's own libraries"


def _checks(own_environment: Mapping[str, str]) -> tuple[tuple[str, Callable[[], str]], ...]:
    """Every check by its name in the report, in the order they run; ``own_environment`` is
    the person's (see ``check_app_folders``)."""
    return (
        ("tool_catalog", check_tool_catalog),
        ("resources", check_resources),
        ("app_folders", functools.partial(check_app_folders, own_environment)),
        ("ca_bundle", check_ca_bundle),
        ("truststore", check_truststore),
        ("httpx", check_httpx),
        ("keyring", check_keyring),
        ("qt_platform", check_qt_platform),
        ("qr", check_qr),
        ("window", check_window),
        ("helper_environment", check_helper_environment),
    )
