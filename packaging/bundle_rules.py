"""What goes into the packaged program and what stays out: one list for all three systems.

Plain data, imported by the spec file (``kombo_desktop.spec``), by ``build.py`` (Linux package
dependencies) and by the tests that guard these lists (``tests/packaging``), so the rules cannot
drift apart. Nothing here imports PyInstaller or Qt.

Why exclude at all: the PySide6 wheel carries QML, Quick, Designer and dozens of plugins this
program never loads. Every one of them costs disk space, start-up time (the loader maps them) and
a longer list of third-party code to keep patched. The window is plain Qt Widgets.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "kombo-desktop"  # executable, folder, package and menu entry name
DISPLAY_NAME = "Kombo Desktop"
BUNDLE_ID = "dev.kombo.desktop"
PUBLISHER = "Kombo Desktop team"


def read_version() -> str:
    """``__version__`` from ``kombo_desktop/__init__.py``: the one place the version lives."""
    text = (ROOT / "kombo_desktop" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.MULTILINE)
    if match is None:
        raise RuntimeError("kombo_desktop/__init__.py has no __version__ line")
    return match.group(1)


def debian_version(version: str) -> str:
    """A PEP 440 version in the form dpkg orders the same way: ``0.2.0rc1`` -> ``0.2.0~rc1``.

    dpkg compares ``0.2.0rc1`` as newer than ``0.2.0`` (letters after a number sort above the
    end of the string), so a release candidate's package would count as newer than the final
    release, and apt would call installing the release a downgrade. A tilde sorts before
    everything, even the end, so pre-releases take ``~a1``, ``~b2``, ``~rc1`` and development
    releases ``~~dev1``: two tildes, because PEP 440 puts ``0.2.0.dev1`` before ``0.2.0a1`` and
    dpkg would put ``~dev1`` after ``~a1`` and ``~b1`` (letters compare as text). Post-releases
    sort after the release: ``0.2.0.post1`` -> ``0.2.0+post1``. An epoch (``1!2.0``) becomes
    dpkg's (``1:2.0``). Local versions (``+local``) are refused: they are not for packages that
    are handed out, and dpkg could not order them against post-releases.
    """
    from packaging.version import InvalidVersion, Version  # only when a .deb is made

    try:
        parsed = Version(version)
    except InvalidVersion as error:
        raise ValueError(f"{version!r} is not a PEP 440 version") from error
    if parsed.local is not None:
        raise ValueError(f"{version!r} has a local part (+{parsed.local}); give a public version")
    text = ".".join(str(part) for part in parsed.release)
    if parsed.epoch:
        text = f"{parsed.epoch}:{text}"
    if parsed.pre is not None:
        text += f"~{parsed.pre[0]}{parsed.pre[1]}"
    if parsed.post is not None:
        text += f"+post{parsed.post}"
    if parsed.dev is not None:
        after_release = parsed.pre is not None or parsed.post is not None
        text += f"~dev{parsed.dev}" if after_release else f"~~dev{parsed.dev}"
    return text


def deb_file_name(version: str, architecture: str) -> str:
    """``kombo-desktop_0.2.0~rc1_amd64.deb``: Debian's naming, with the version without its
    epoch (as dpkg-deb names packages)."""
    return f"{APP_NAME}_{debian_version(version).split(':', 1)[-1]}_{architecture}.deb"


# --- Python modules ----------------------------------------------------------------------------

# Qt bindings the program never imports. The exclusion test imports the whole program and fails
# if any of these is loaded, so adding a Qt module to the window means removing it here.
EXCLUDED_QT_MODULES = [
    f"PySide6.{name}"
    for name in (
        "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender",
        "QtAxContainer", "QtBluetooth", "QtCharts", "QtConcurrent", "QtDataVisualization",
        "QtDBus", "QtDesigner", "QtExampleIcons", "QtGraphs", "QtGraphsWidgets", "QtHelp",
        "QtHttpServer",
        "QtLabsStyleKit", "QtLocation", "QtMultimedia", "QtMultimediaWidgets", "QtNetwork",
        "QtNetworkAuth", "QtNfc", "QtOpenGL", "QtOpenGLWidgets", "QtPdf", "QtPdfWidgets",
        "QtPositioning", "QtPrintSupport", "QtQml", "QtQmlFeatures", "QtQuick", "QtQuick3D",
        "QtQuickControls2", "QtQuickTest", "QtQuickWidgets", "QtRemoteObjects", "QtScxml",
        "QtSensors", "QtSerialBus", "QtSerialPort", "QtSpatialAudio", "QtSql", "QtStateMachine",
        "QtSvg", "QtSvgWidgets", "QtTest", "QtTextToSpeech", "QtUiTools", "QtWebChannel",
        "QtWebEngineCore", "QtWebEngineQuick", "QtWebEngineWidgets", "QtWebSockets",
        "QtWebView", "QtXml",
    )
]  # fmt: skip

# Other Python packages that may be installed next to the program (tests, tools) or that a
# library imports only optionally. Pillow in particular: qrcode reaches for it only in
# make_image(), which this program never calls (QR codes are painted with Qt).
# httpx's command-line client (httpx._main, with click, rich, pygments and markdown_it) is
# imported by httpx only if those happen to be installed; the program uses httpx's synchronous
# client, so httpcore's optional async backends (anyio, trio) and asyncio stay out too.
# multiprocessing and concurrent come in only through asyncio and concurrent.futures' process
# pool, smtplib and ftplib only through logging.handlers and urllib.request: none of which the
# program uses (the window's background work runs on Qt's thread pool).
# netrc (and shlex, which only it needs) is imported by httpx's NetRCAuth alone, getpass (and
# the termios extension it loads) by urllib.request's password prompt for FTP: neither is ever
# used. qrcode's Pillow image factories go with Pillow.
# httpcore's HTTP/2 connections need h2, which is not installed (the program never asks httpx
# for HTTP/2), so httpcore's import of them always fails and it goes on without; its anyio and
# trio backends import the excluded anyio and trio. typing_extensions is imported only for type
# checkers (under ``if TYPE_CHECKING``: jaraco, truststore) and by h11 on Pythons before 3.8.
# _queue is the C half of ``queue`` (its SimpleQueue), for which queue falls back to Python;
# its one user, concurrent.futures' thread pool, is excluded. platformdirs' Android and iOS
# modules are imported only on those systems. sqlite3.dump is imported by Connection.iterdump
# alone, which writes a database out as SQL: the history is never dumped.
# html (with its table of 2,000 named entities, 38 KB of byte code): the program escapes the
# text it puts into markup with core/markup.py, and no bundled library imports it; listed so
# that a new ``from html import escape`` fails the exclusion test instead of growing the package.
# logging.handlers (20 KB, with the mail, syslog and HTTP handlers): the log file rotates with
# core/logs.py's own RotatingLogFile, and no bundled library imports it.
EXCLUDED_PACKAGES = [
    "tkinter", "_tkinter", "turtle", "turtledemo", "idlelib", "lib2to3", "pydoc_data",
    "unittest", "doctest", "pdb", "multiprocessing", "concurrent", "asyncio", "smtplib", "ftplib",
    "netrc", "shlex", "getpass", "_queue", "sqlite3.dump", "html", "logging.handlers",
    "httpx._main", "click", "rich", "pygments", "markdown_it", "mdurl", "attr", "attrs",
    "anyio", "sniffio", "trio", "httpcore._backends.anyio", "httpcore._backends.trio",
    "h2", "httpcore._async.http2", "httpcore._sync.http2", "typing_extensions",
    "platformdirs.android", "platformdirs.ios",
    "PIL", "qrcode.image.pil", "qrcode.image.styledpil", "qrcode.image.styles.colormasks",
    "qrcode.image.styles.moduledrawers.pil",
    "numpy", "zxingcpp", "pytest", "_pytest", "pytestqt", "hypothesis", "jsonschema",
    "mypy", "setuptools", "pkg_resources", "pip", "IPython",
    "gi", "dbus", "PyQt5", "PyQt6", "shiboken2", "PySide2",
]  # fmt: skip

# Modules the interpreter carries frozen inside itself and has loaded before the program's
# first line: zipimport reads the bundle's base_library.zip. PyInstaller would also put a copy
# into the archive (pkgutil imports it), which nothing could ever read.
IN_THE_INTERPRETER = ["zipimport"]

EXCLUDES = EXCLUDED_QT_MODULES + EXCLUDED_PACKAGES + IN_THE_INTERPRETER

# Imported by name at run time (entry points, try/except imports), invisible to the analysis.
# socksio: httpcore imports it inside try/except ImportError, and without it every call through a
# SOCKS proxy (ALL_PROXY=socks5://...) fails; listed so its absence fails the packaging tests.
HIDDEN_IMPORTS_COMMON = [
    "socksio",
    "keyring.backends.chainer",
    "keyring.backends.fail",
    "keyring.backends.null",
    "jaraco.classes",
    "jaraco.context",
    "jaraco.functools",
]
HIDDEN_IMPORTS = {
    "linux": [
        "keyring.backends.SecretService",
        "secretstorage",
        "secretstorage.dhcrypto",
        "jeepney",
        "jeepney.io.blocking",
        "cryptography.hazmat.primitives.ciphers",
    ],
    "win32": [
        "keyring.backends.Windows",
        "win32ctypes.pywin32.win32cred",
        "win32ctypes.pywin32.pywintypes",
        "win32ctypes.core",
    ],
    "darwin": ["keyring.backends.macOS", "keyring.backends.macOS.api"],
}
# keyring discovers its backends through entry points: its package metadata must be bundled.
COPY_METADATA = ["keyring"]

# ...but only with the entry points of backends that can work on the system the build is for.
# keyring imports every listed backend at the first credential lookup; on Linux the macOS one
# alone costs about 30 ms (ctypes.util.find_library runs ldconfig), and the KWallet and libsecret
# ones need dbus-python and PyGObject, which are not bundled. The other systems' backend modules
# are excluded from the bundle below for the same reason.
KEYRING_BACKENDS = {
    "linux": {"SecretService", "chainer"},
    "win32": {"Windows", "chainer"},
    "darwin": {"macOS", "chainer"},
}
# truststore and platformdirs carry one module per system, imported only on that system; on
# Linux nothing else uses ctypes (the other systems' modules are its only importers), so it and
# its _ctypes extension stay out there too. urllib.request imports nturl2path on Windows only.
EXCLUDES_BY_PLATFORM = {
    "linux": ["keyring.backends.macOS", "keyring.backends.Windows", "keyring.backends.kwallet",
              "keyring.backends.libsecret", "win32ctypes",
              "truststore._macos", "truststore._windows", "platformdirs.macos",
              "platformdirs.windows", "ctypes", "nturl2path"],
    "win32": ["keyring.backends.macOS", "keyring.backends.SecretService",
              "keyring.backends.kwallet", "keyring.backends.libsecret", "secretstorage", "jeepney",
              "truststore._macos", "platformdirs.macos"],
    "darwin": ["keyring.backends.Windows", "keyring.backends.SecretService",
               "keyring.backends.kwallet", "keyring.backends.libsecret", "secretstorage",
               "jeepney", "win32ctypes", "truststore._windows", "platformdirs.windows",
               "nturl2path"],
}  # fmt: skip

# Byte code is compiled as by ``python -OO``: without docstrings (this code base documents
# every "why" in them; they are for readers of the source, not for the running program) and
# asserts (used only for invariants and type narrowing). That makes the archive about 15 %
# smaller. tests/packaging/test_exclusions.py runs the program's paths under -OO to prove
# nothing depends on either.
OPTIMIZE = 2

# PyInstaller compiles the archive in its own process, and Python 3.11 gives every compiled
# instruction its columns in the source (PEP 657), about a quarter of the byte code, which
# serve one purpose: the ``^^^^`` under the failing part of a line in a traceback. The
# packaged program carries no source (PyInstaller's loader finds no .py file to show), so its
# tracebacks and crash reports have file, line and function, never the line's text, and the
# columns were never used. The build's Python runs with ``-X no_debug_ranges``, which leaves
# them out (build.py passes these options; the spec refuses to build without them). Line
# numbers stay. tests/packaging/test_exclusions.py runs the program's paths the same way.
BUILD_PYTHON_OPTIONS = ["-X", "no_debug_ranges"]


def compiles_without_columns() -> bool:
    """Whether this interpreter compiles code without the columns of its instructions, as
    ``-X no_debug_ranges`` (or ``PYTHONNODEBUGRANGES``) makes it do."""
    _line, _end_line, column, _end_column = next(compile("0", "<check>", "eval").co_positions())
    return column is None


# Package metadata the program never reads: the list of installed files with their hashes
# (meaningless once bundled) and software bills of materials. Licences stay.
_UNREAD_METADATA = re.compile(r"\.dist-info/(?:RECORD|sboms/.*)$")


def keep_metadata_file(dest: str) -> bool:
    """Whether a file bound for ``dest`` inside the bundle is metadata worth shipping."""
    return not _UNREAD_METADATA.search(dest.replace("\\", "/"))


def is_package_metadata(dest: str) -> bool:
    """Whether ``dest`` is a bundled package's ``METADATA`` (``metadata_headers`` trims it)."""
    return dest.replace("\\", "/").endswith(".dist-info/METADATA")


def metadata_headers(text: str) -> str:
    """A ``METADATA`` file without the package's description: its headers only.

    The description is the package's README (keyring's alone is 20 KB), after the headers or
    in a ``Description`` header; nothing in the program reads it. The headers stay: name,
    version, licence expression and licence files, requirements (``importlib.metadata`` reads
    the name and version, and keyring finds its backends through the entry points, which are
    a file of their own).
    """
    kept: list[str] = []
    in_description = False
    for line in text.splitlines():
        if not line.strip():
            break  # the body: the description
        if line[0] in " \t":  # a continuation of the header above
            if not in_description:
                kept.append(line)
            continue
        in_description = line.lower().startswith("description:")
        if not in_description:
            kept.append(line)
    return "\n".join(kept) + "\n"


# Files of resources/ that only the installers use, never the running program: the 256-pixel
# icon is for Linux menus, and build.py copies it from the source tree into the .deb and the
# .tar.gz (the window's icon is kombo-desktop.png).
RESOURCES_FOR_INSTALLERS_ONLY = ("icons/kombo-desktop-256.png",)


def keep_resource_file(dest: str) -> bool:
    """Whether a file bound for ``dest`` inside the bundle is one the program may open."""
    dest = dest.replace("\\", "/")
    return not any(
        dest == f"kombo_desktop/resources/{name}" for name in RESOURCES_FOR_INSTALLERS_ONLY
    )


def keyring_entry_points(text: str, platform: str) -> str:
    """keyring's ``entry_points.txt`` with only this system's ``keyring.backends`` entries.

    Other sections (keyring's own command line, devpi) are dropped: nothing in the program
    reads them.
    """
    kept: list[str] = ["[keyring.backends]"]
    section = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1].strip()
            continue
        if section != "keyring.backends" or "=" not in stripped:
            continue
        name = stripped.split("=", 1)[0].strip()
        if name in KEYRING_BACKENDS[platform]:
            kept.append(stripped)
    return "\n".join(kept) + "\n"


# --- Qt plugins and translations ---------------------------------------------------------------

# Plugin folder -> file names kept (by stem, without "lib" prefix and extension). A folder not
# listed is dropped entirely: iconengines (no SVG icons), imageformats (PNG is built into QtGui;
# QR codes are written as PNG by Qt and as SVG by our own text writer), generic (evdev/tuio
# touch input on kiosks), egldeviceintegrations and xcbglintegrations (OpenGL; Widgets do not
# need it), networkinformation and tls (QtNetwork is not used: httpx does the networking),
# sqldrivers (Python's sqlite3 holds the history), printsupport, qmltooling, wayland-*.
QT_PLUGINS_KEPT = {
    "linux": {
        # xcb for X11 and XWayland (every Wayland desktop runs XWayland), offscreen for the
        # self-test on machines without a display. The native Wayland plugin would add
        # QtWaylandClient and five plugin folders for no visible gain in a form-based window.
        "platforms": {"qxcb", "qoffscreen"},
        # Compose key and dead keys (typing é, ß, ñ in names) and IBus input methods.
        "platforminputcontexts": {
            "composeplatforminputcontextplugin",
            "ibusplatforminputcontextplugin",
        },
        # Desktop portal: native file dialogs on GNOME/KDE and in sandboxes. The GTK 3 theme is
        # left out: it would drag GTK's whole library stack into the bundle.
        "platformthemes": {"qxdgdesktopportal"},
    },
    "win32": {
        "platforms": {"qwindows", "qoffscreen"},
        "styles": None,  # None = every file: the native Windows 10/11 look lives here
    },
    "darwin": {
        "platforms": {"qcocoa", "qoffscreen"},
        "styles": None,  # the native macOS look
    },
}  # fmt: skip

# The window's texts are our own; Qt's translations only change the labels of Qt's stock dialogs
# and cost several MB. Dropped: Qt's dialogs stay in English like the rest of the program.
DROP_QT_TRANSLATIONS = True

# PySide6 keeps Qt under PySide6/Qt/ on Linux and macOS, directly under PySide6/ on Windows.
_PLUGIN_PATH = re.compile(r"(?:^|/)PySide6/(?:Qt/)?plugins/(?P<folder>[^/]+)/(?P<file>[^/]+)$")
_TRANSLATION_PATH = re.compile(r"(?:^|/)PySide6/(?:Qt/)?translations/")


def plugin_stem(file_name: str) -> str:
    """``libqxcb.so`` / ``qwindows.dll`` / ``libqcocoa.dylib`` -> ``qxcb`` / ``qwindows``..."""
    stem = file_name.split(".", 1)[0]
    return stem[3:] if stem.startswith("lib") else stem


def keep_qt_file(dest: str, platform: str) -> bool:
    """Whether a file bound for ``dest`` inside the bundle stays (Qt plugins and translations)."""
    dest = dest.replace("\\", "/")
    if DROP_QT_TRANSLATIONS and _TRANSLATION_PATH.search(dest):
        return False
    match = _PLUGIN_PATH.search(dest)
    if match is None:
        return True
    kept = QT_PLUGINS_KEPT[platform].get(match.group("folder"), set())
    return kept is None or plugin_stem(match.group("file")) in kept


# --- Linux system libraries --------------------------------------------------------------------

# Libraries taken from the user's system instead of the bundle, with the Debian package that
# provides each (the .deb declares them in Depends; the .tar.gz README lists them). These are the
# graphics, font and desktop-bus stack: they must match the running X server, GPU driver and
# font configuration, and a bundled copy from the build machine is the classic cause of crashes
# such as "GLIBCXX_3.4.30 not found" when the system's Mesa loads next to an older libstdc++.
# Found with `readelf -d` on Qt's libraries and the xcb platform plugin; build.py fails if the
# bundle needs any library that is neither bundled nor listed here (or part of glibc).
LINUX_SYSTEM_LIBRARIES = {
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1 | libgcc1",
    "libz.so.1": "zlib1g",
    "libzstd.so.1": "libzstd1",
    # Python's sqlite3 (the link history) against the system's SQLite, as distributions build
    # Python themselves: its ABI has been stable for two decades and the build's base (glibc 2.28
    # era, SQLite 3.26) is older than any target, so every symbol the module uses is there.
    "libsqlite3.so.0": "libsqlite3-0",
}

# The same libraries under the package names of RHEL 8 and its rebuilds (AlmaLinux, Rocky),
# for the .tar.gz's README.txt (a .deb does not install there). The release workflow's linux
# job installs exactly these in its AlmaLinux 8 container before the built program's
# self-test (tests/packaging/test_package_readmes.py keeps the two lists together);
# xcb-util-cursor comes from EPEL. The C++ runtime, zlib and SQLite are on every such system.
RPM_RUNTIME_PACKAGES = (
    "mesa-libGL",
    "mesa-libEGL",
    "fontconfig",
    "freetype",
    "dbus-libs",
    "glib2",
    "libX11",
    "libX11-xcb",
    "libxcb",
    "libxkbcommon",
    "libxkbcommon-x11",
    "xcb-util",
    "xcb-util-cursor",
    "xcb-util-image",
    "xcb-util-keysyms",
    "xcb-util-renderutil",
    "xcb-util-wm",
    "zstd",
)

# Part of the C library itself (package libc6); never bundled, always present.
LINUX_GLIBC = re.compile(
    r"^(ld-linux.*|linux-vdso.*|libc|libm|libdl|libpthread|librt|libutil|libresolv|libanl|"
    r"libnsl|libcrypt)\.so(\..*)?$"
)


def is_linux_system_library(file_name: str) -> bool:
    """Whether a library is taken from the system (listed above, or glibc)."""
    return file_name in LINUX_SYSTEM_LIBRARIES or bool(LINUX_GLIBC.match(file_name))


# The oldest glibc any build declares: the release builds' base (AlmaLinux 8, see
# packaging/README.md). A build declares more when its files need more: build.py reads the
# newest GLIBC_x.y symbol version the bundle's files need (a bundle built on Debian 12 carries
# that system's Python and OpenSSL, which need glibc 2.34 and 2.35).
GLIBC_FLOOR = (2, 28)


def linux_depends() -> list[str]:
    """The system packages the program needs at run time: libc6 (at the floor; a built .deb
    declares the version its files really need) plus every package above, each once, in a
    stable order. ``ci_linux.sh --runtime-libraries`` installs these before the tests."""
    packages = ["libc6 (>= {}.{})".format(*GLIBC_FLOOR)]
    for package in LINUX_SYSTEM_LIBRARIES.values():
        if package not in packages:
            packages.append(package)
    return packages


# The release builds' PySide6 (packaging/constraints-release.txt: 6.9) publishes macOS wheels
# for macOS 12 and later only (``macosx_12_0_universal2``); 6.7 was the last for macOS 11.
MINIMUM_MACOS = "12.0"


def macos_dmg_name(version: str, machine: str) -> str:
    """The DMG's name, with the kind of Mac it runs on: PyInstaller builds for the chip of the
    Mac that builds it (``arm64`` for Apple silicon, ``x86_64`` for Intel), and a Mac of the
    other kind refuses to open it."""
    return f"{APP_NAME}-{version}-macos-{machine}.dmg"


def macos_info_plist(version: str) -> dict[str, object]:
    """The ``Info.plist`` entries of the macOS app bundle.

    ``NSRequiresAquaSystemAppearance``: the window is designed light only (a fixed palette that
    reads the same in a shared screen), so its title bar and the system's own dialogs (saving a
    QR code) stay light as well when the Mac is in dark mode.

    ``LSMinimumSystemVersion``: the oldest macOS the bundled Qt runs on (``MINIMUM_MACOS``), so
    that an older Mac says so plainly in the Finder instead of the program failing at launch.
    """
    return {
        "CFBundleName": DISPLAY_NAME,
        "CFBundleDisplayName": DISPLAY_NAME,
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "LSMinimumSystemVersion": MINIMUM_MACOS,
        "NSHighResolutionCapable": True,
        "NSPrincipalClass": "NSApplication",
        "NSRequiresAquaSystemAppearance": True,
        "LSApplicationCategoryType": "public.app-category.business",
        "NSHumanReadableCopyright": PUBLISHER,
    }


def windows_version_info(version: str, name: str) -> str:
    """PyInstaller's text form of the Windows version resource of ``<name>.exe``."""
    numbers = [int(part) for part in re.findall(r"\d+", version)[:3]]
    four = tuple([*numbers, 0, 0, 0, 0][:4])
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={four}, prodvers={four}, mask=0x3f, flags=0x0,
                    OS=0x40004, fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('040904B0', [
      StringStruct('CompanyName', {PUBLISHER!r}),
      StringStruct('FileDescription', {DISPLAY_NAME!r}),
      StringStruct('FileVersion', {version!r}),
      StringStruct('InternalName', {name!r}),
      StringStruct('OriginalFilename', {name + ".exe"!r}),
      StringStruct('ProductName', {DISPLAY_NAME!r}),
      StringStruct('ProductVersion', {version!r})])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""
