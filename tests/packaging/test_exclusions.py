"""The packaging rules: nothing the program imports is excluded, and the pruning logic holds.

The spec leaves out Qt modules and Python packages the program does not use (bundle_rules). If
someone later uses one of them (say QtSvg for an icon), the packaged program would crash with an
ImportError that the source checkout never shows. This test runs the program's real paths in a
fresh interpreter in which every excluded module is unimportable, exactly as in the packaged
build (every module imported, the self-test with window and QR code, a link made through the
HTTP client against the demo service, QR files saved), and fails if any of it breaks or if an
excluded module got loaded anyway. Optional imports that libraries guard with try/except (httpx's
command-line client, httpcore's async backends) are allowed to be refused.
"""

from __future__ import annotations

import json
import os
import plistlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

import binaries  # noqa: E402
import bundle_rules as rules  # noqa: E402

RUNTIME_SCRIPT = textwrap.dedent(
    """
    import importlib, importlib.abc, json, os, pkgutil, sys
    from pathlib import Path

    out = Path(sys.argv[1])
    excluded = json.loads(sys.argv[2])
    refused = []

    class Excluded(importlib.abc.MetaPathFinder):
        \"\"\"Refuses what the packaged build leaves out, as the frozen importer would.\"\"\"

        def find_spec(self, name, path=None, target=None):
            if any(name == e or name.startswith(e + ".") for e in excluded):
                refused.append(name)
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, Excluded())
    import kombo_desktop

    for module in pkgutil.walk_packages(kombo_desktop.__path__, "kombo_desktop."):
        if module.name != "kombo_desktop.__main__":  # that one starts the program
            importlib.import_module(module.name)

    from kombo_desktop import selftest

    self_test_code = selftest.run_self_test(["--self-test"])

    from kombo_desktop.core.client import KomboClient
    from kombo_desktop.core.demo_server import DemoKomboServer
    from kombo_desktop.core.link_request import LinkRequest
    from kombo_desktop.ui.qr_image import save_qr

    with DemoKomboServer() as server:
        with KomboClient(server.base_url, None) as client:
            link = client.create_link(
                LinkRequest.from_form(email="anna@example.com", organization_name="Example")
            )
    save_qr(link.url, out.parent / "qr.png")
    save_qr(link.url, out.parent / "qr.svg")
    out.write_text(json.dumps({
        # Loaded ones: None marks a module as absent (``core/http_library``), not loaded.
        "modules": sorted(name for name, module in sys.modules.items() if module is not None),
        "refused": sorted(set(refused)),
        "optimize": sys.flags.optimize,
        "columns": next(compile("0", "", "eval").co_positions())[2] is not None,
    }))
    """
)


PLATFORM = "linux" if sys.platform.startswith("linux") else sys.platform
EXCLUDES = rules.EXCLUDES + rules.EXCLUDES_BY_PLATFORM[PLATFORM]


def _excluded(module: str) -> str | None:
    for excluded in EXCLUDES:
        if module == excluded or module.startswith(excluded + "."):
            return excluded
    return None


@pytest.mark.packaging
def test_no_excluded_module_is_imported_by_the_program(tmp_path: Path) -> None:
    out = tmp_path / "modules.json"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        KOMBO_DESKTOP_HOME=str(tmp_path / "home"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    # Compiled as the bundle is (-OO: no docstrings, no asserts; -X no_debug_ranges: no source
    # columns), so nothing may rely on them.
    optimize = ["-" + "O" * rules.OPTIMIZE] if rules.OPTIMIZE else []
    python = [sys.executable, *optimize, *rules.BUILD_PYTHON_OPTIONS]
    result = subprocess.run(
        [*python, "-c", RUNTIME_SCRIPT, str(out), json.dumps(EXCLUDES)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads(out.read_text())
    assert data["optimize"] == rules.OPTIMIZE
    assert data["columns"] is False
    modules: list[str] = data["modules"]
    # Those the interpreter itself carries are loaded before the program's first line: only
    # the archive's copy is left out (test_modules_left_out_as_the_interpreters_own_...).
    offending = {
        m: _excluded(m) for m in modules if _excluded(m) and m not in rules.IN_THE_INTERPRETER
    }
    assert not offending, f"excluded modules were loaded: {offending}"
    # Every check of the self-test held without the excluded modules, except the one that
    # depends on this machine's system libraries (tested in test_selftest.py).
    report = json.loads(result.stdout.strip().splitlines()[-1])
    failed = {n: c for n, c in report["checks"].items() if not c["ok"] and n != "qt_platform"}
    assert not failed, failed
    # Only optional imports were refused: none of the program's own or Qt's.
    assert not [name for name in data["refused"] if name.startswith(("kombo_desktop", "PySide6"))]
    # The run really exercised the program (and not an empty shell).
    for expected in (
        "kombo_desktop.app",
        "kombo_desktop.ui.main_window",
        "PySide6.QtWidgets",
        "httpx",
        "keyring.backends.SecretService" if sys.platform.startswith("linux") else "keyring",
        "qrcode",
        "sqlite3",
    ):
        assert expected in modules, expected
    assert (tmp_path / "qr.png").stat().st_size > 0
    assert (tmp_path / "qr.svg").read_text().startswith(("<?xml", "<svg"))


def test_the_build_compiles_without_source_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    # How build.py starts PyInstaller, whose process compiles the archive; the spec refuses to
    # build in an interpreter that would keep the columns.
    code = "import bundle_rules; print(bundle_rules.compiles_without_columns())"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONNODEBUGRANGES"}

    def answer(*options: str) -> str:
        result = subprocess.run(
            [sys.executable, *options, "-c", code],
            capture_output=True, text=True, check=True, env=env, cwd=ROOT / "packaging",
        )  # fmt: skip
        return result.stdout.strip()

    assert answer(*rules.BUILD_PYTHON_OPTIONS) == "True"
    assert answer() == "False"

    import build

    commands: list[list[str]] = []
    monkeypatch.setattr(build, "run", lambda command, **_kwargs: commands.append(command))
    build.pyinstaller(["--bare"])
    (command,) = commands
    assert command[: 2 + len(rules.BUILD_PYTHON_OPTIONS)] == [
        sys.executable, *rules.BUILD_PYTHON_OPTIONS, "-m"
    ]  # fmt: skip
    assert "rules.compiles_without_columns()" in (ROOT / "packaging/kombo_desktop.spec").read_text()


def test_modules_left_out_as_the_interpreters_own_are_loaded_before_anything_else() -> None:
    # -I -S: nothing but the interpreter's own start-up has run when the program's first
    # line does, in the packaged program as here (it runs this interpreter's libpython).
    code = (
        "import sys; print({m: getattr(sys.modules.get(m), '__spec__', None) and "
        "sys.modules[m].__spec__.origin for m in sys.argv[1:]})"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code, *rules.IN_THE_INTERPRETER],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == str(dict.fromkeys(rules.IN_THE_INTERPRETER, "frozen"))


@pytest.mark.parametrize("distribution", ["keyring", "cryptography", "importlib_metadata", "httpx"])
def test_bundled_metadata_keeps_every_header_and_drops_only_the_description(
    distribution: str,
) -> None:
    import email
    from importlib import metadata

    text = metadata.distribution(distribution).read_text("METADATA") or ""
    original = email.message_from_string(text)
    trimmed = email.message_from_string(rules.metadata_headers(text))
    assert original.get_payload() or original.get("Description")  # it had a description
    assert not trimmed.get_payload()
    assert trimmed.items() == [(k, v) for k, v in original.items() if k != "Description"]
    assert trimmed["Name"] and trimmed["Version"]
    assert trimmed.get_all("License-File") == original.get_all("License-File")


def test_an_old_style_description_header_goes_with_its_continuation_lines() -> None:
    text = "Name: x\nDescription: line one\n        |line two\nVersion: 1\nSummary: s\n"
    assert rules.metadata_headers(text) == "Name: x\nVersion: 1\nSummary: s\n"


def test_keyring_finds_its_backend_through_the_trimmed_metadata(tmp_path: Path) -> None:
    from importlib import metadata

    from keyring.compat.py312 import metadata as keyrings_metadata  # what keyring reads with

    installed = metadata.distribution("keyring")
    source = next(Path(str(installed.locate_file(""))).glob("keyring-*.dist-info"))
    bundled = tmp_path / source.name
    bundled.mkdir()
    (bundled / "METADATA").write_text(
        rules.metadata_headers((source / "METADATA").read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    (bundled / "entry_points.txt").write_text(
        rules.keyring_entry_points((source / "entry_points.txt").read_text(), PLATFORM),
        encoding="utf-8",
    )
    (found,) = keyrings_metadata.distributions(path=[str(tmp_path)])
    assert found.metadata["Name"] == "keyring"
    assert found.version == installed.version
    backends = {ep.name for ep in found.entry_points.select(group="keyring.backends")}
    assert "chainer" in backends

    used = {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets"}
    assert not used & set(rules.EXCLUDED_QT_MODULES)
    pyside = __import__("PySide6").__file__
    assert pyside is not None  # an installed package, with its __init__.py
    wheel_modules = {
        f"PySide6.{path.name.split('.')[0]}"
        for path in (Path(pyside).parent).glob("Qt*.*")
        if path.suffix in (".so", ".pyd") or ".abi3." in path.name
    }
    # Every binding the installed wheel offers is either used or excluded: a new PySide6 release
    # that adds a module fails here until someone decides.
    assert wheel_modules <= used | set(rules.EXCLUDED_QT_MODULES), (
        wheel_modules - used - set(rules.EXCLUDED_QT_MODULES)
    )


@pytest.mark.parametrize(
    ("dest", "platform", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "linux", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", "linux", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", "linux", False),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", "linux", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "linux", False),
        ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", "linux", True),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", "linux", False),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", "linux", False),
        ("PySide6/Qt/translations/qtbase_de.qm", "linux", False),
        ("PySide6/Qt/lib/libQt6Core.so.6", "linux", True),
        ("kombo_desktop/resources/tools.tsv", "linux", True),
        # On Windows, PySide6 keeps Qt directly under PySide6\\ (no Qt\\ folder).
        ("PySide6\\plugins\\platforms\\qwindows.dll", "win32", True),
        ("PySide6\\plugins\\platforms\\qdirect2d.dll", "win32", False),
        ("PySide6\\plugins\\styles\\qmodernwindowsstyle.dll", "win32", True),
        ("PySide6\\plugins\\imageformats\\qjpeg.dll", "win32", False),
        ("PySide6\\plugins\\generic\\qtuiotouchplugin.dll", "win32", False),
        ("PySide6\\translations\\qt_fr.qm", "win32", False),
        ("PySide6\\Qt6Core.dll", "win32", True),
        ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", "darwin", True),
        ("PySide6/Qt/plugins/styles/libqmacstyle.dylib", "darwin", True),
        ("PySide6/Qt/plugins/platforms/libqminimal.dylib", "darwin", False),
    ],
)
def test_qt_plugin_and_translation_rules(dest: str, platform: str, kept: bool) -> None:
    assert rules.keep_qt_file(dest, platform) is kept


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("cryptography-50.0.2.dist-info/RECORD", False),
        ("cryptography-50.0.2.dist-info/sboms/cryptography-rust.cyclonedx.json", False),
        ("keyring-25.7.0.dist-info\\RECORD", False),
        ("cryptography-50.0.2.dist-info/licenses/LICENSE.APACHE", True),
        ("keyring-25.7.0.dist-info/entry_points.txt", True),
        ("keyring-25.7.0.dist-info/METADATA", True),
        ("kombo_desktop/resources/RECORD", True),
    ],
)
def test_unread_package_metadata_is_left_out_licences_stay(dest: str, kept: bool) -> None:
    assert rules.keep_metadata_file(dest) is kept


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("kombo_desktop/resources/icons/kombo-desktop-256.png", False),
        ("kombo_desktop\\resources\\icons\\kombo-desktop-256.png", False),
        ("kombo_desktop/resources/icons/kombo-desktop.png", True),
        ("kombo_desktop/resources/tools.tsv", True),
        ("kombo_desktop/resources/invitations/de.json", True),
    ],
)
def test_resources_only_installers_use_stay_out_of_the_bundle(dest: str, kept: bool) -> None:
    assert rules.keep_resource_file(dest) is kept


def test_the_program_never_opens_a_resource_left_out_of_the_bundle() -> None:
    for name in rules.RESOURCES_FOR_INSTALLERS_ONLY:
        assert (ROOT / "resources" / name).is_file(), name  # build.py takes it from here
        file_name = Path(name).name
        for source in (ROOT / "kombo_desktop").rglob("*.py"):
            assert file_name not in source.read_text(encoding="utf-8"), (name, source)


def test_hidden_imports_exist_for_this_platform() -> None:
    import importlib.util

    platform = "linux" if sys.platform.startswith("linux") else sys.platform
    for module in rules.HIDDEN_IMPORTS_COMMON + rules.HIDDEN_IMPORTS[platform]:
        assert importlib.util.find_spec(module) is not None, module


def test_version_comes_from_the_package() -> None:
    from kombo_desktop import __version__

    assert rules.read_version() == __version__


def test_linux_depends_lists_what_qt_needs() -> None:
    depends = rules.linux_depends()
    assert depends[0].startswith("libc6")
    for package in ("libxcb-cursor0", "libxkbcommon-x11-0", "libxcb-icccm4", "libegl1"):
        assert package in depends
    assert len(depends) == len(set(depends))
    assert rules.is_linux_system_library("libc.so.6")
    assert rules.is_linux_system_library("ld-linux-x86-64.so.2")
    assert not rules.is_linux_system_library("libicuuc.so.73")  # bundled with Qt


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF files")
def test_elf_needed_reads_direct_dependencies_only() -> None:
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    needed = binaries.elf_needed(plugin)
    assert "libQt6XcbQpa.so.6" in needed
    assert "libxcb-cursor.so.0" in needed
    # ICU is a dependency of QtCore, not of the plugin itself.
    assert not any(name.startswith("libicu") for name in needed)
    assert binaries.elf_needed(Path(__file__)) == []


def test_prune_keeps_what_roots_reach_and_drops_the_rest() -> None:
    links = {
        "/src/QtWidgets.abi3.so": ["libQt6Widgets.so.6"],
        "/src/libQt6Widgets.so.6": ["libQt6Gui.so.6"],
        "/src/libQt6Gui.so.6": ["libQt6Core.so.6", "libGL.so.1"],
        "/src/libQt6Core.so.6": [],
        "/src/libqgtk3.so": ["libgtk-3.so.0"],
        "/src/libgtk-3.so.0": ["libcairo.so.2"],
        "/src/libcairo.so.2": [],
        "/src/libQt6Network.so.6": ["libQt6Core.so.6"],
    }
    entries = [
        ("PySide6/QtWidgets.abi3.so", "/src/QtWidgets.abi3.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", "/src/libQt6Widgets.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/src/libQt6Gui.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Core.so.6", "/src/libQt6Core.so.6", "BINARY"),
        ("libgtk-3.so.0", "/src/libgtk-3.so.0", "BINARY"),
        ("libcairo.so.2", "/src/libcairo.so.2", "BINARY"),
        ("PySide6/Qt/lib/libQt6Network.so.6", "/src/libQt6Network.so.6", "BINARY"),
    ]
    kept, dropped = binaries.prune_unreachable(entries, lambda source: links[source])
    assert [e[0] for e in kept] == [
        "PySide6/QtWidgets.abi3.so",
        "PySide6/Qt/lib/libQt6Widgets.so.6",
        "PySide6/Qt/lib/libQt6Gui.so.6",
        "PySide6/Qt/lib/libQt6Core.so.6",
    ]
    assert {e[0] for e in dropped} == {
        "libgtk-3.so.0",
        "libcairo.so.2",
        "PySide6/Qt/lib/libQt6Network.so.6",
    }


def test_windows_imports_match_case_insensitively() -> None:
    entries = [
        ("PySide6\\QtCore.pyd", "C:\\src\\QtCore.pyd", "EXTENSION"),
        ("PySide6\\Qt6Core.dll", "C:\\src\\Qt6Core.dll", "BINARY"),
    ]
    kept, dropped = binaries.prune_unreachable(
        entries, lambda source: ["QT6CORE.DLL"] if source.endswith(".pyd") else []
    )
    assert len(kept) == 2 and not dropped


def test_dangling_symlinks_are_dropped() -> None:
    datas = [
        ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
        ("libQt6Network.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "SYMLINK"),
        ("PySide6/Qt/lib/libalias.so", "../../../libQt6Core.so.6", "SYMLINK"),
        ("kombo_desktop/resources/tools.tsv", "/src/tools.tsv", "DATA"),
    ]
    kept_binaries = [("PySide6/Qt/lib/libQt6Core.so.6", "/src/x", "BINARY")]
    kept = binaries.drop_dangling_symlinks(datas, kept_binaries)
    assert [e[0] for e in kept] == ["libQt6Core.so.6", "kombo_desktop/resources/tools.tsv"]


def test_keyring_entry_points_keep_only_this_systems_backends() -> None:
    from importlib import metadata

    text = metadata.distribution("keyring").read_text("entry_points.txt") or ""
    assert "macOS" in text and "SecretService" in text
    linux = rules.keyring_entry_points(text, "linux")
    assert linux.splitlines() == [
        "[keyring.backends]",
        "SecretService = keyring.backends.SecretService",
        "chainer = keyring.backends.chainer",
    ]
    assert "Windows = keyring.backends.Windows" in rules.keyring_entry_points(text, "win32")
    assert "macOS = keyring.backends.macOS" in rules.keyring_entry_points(text, "darwin")
    for platform in ("linux", "win32", "darwin"):
        kept_backends = rules.keyring_entry_points(text, platform)
        for module in rules.EXCLUDES_BY_PLATFORM[platform]:
            assert f"= {module}\n" not in kept_backends, (platform, module)


def test_windows_version_resource_text_is_what_pyinstaller_evaluates() -> None:
    # PyInstaller reads this text with eval() against its versioninfo classes (which need the
    # Windows-only pefile); the same eval against recording stand-ins checks names and values.
    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct",
             "VarFileInfo", "VarStruct")  # fmt: skip
    namespace = {name: (lambda n: lambda *a, **k: (n, a, k))(name) for name in names}
    text = rules.windows_version_info("1.2.3rc1", "kombo-desktop")
    kind, _args, fields = eval(text, {"__builtins__": {}}, namespace)  # noqa: S307
    assert kind == "VSVersionInfo"
    assert fields["ffi"][2]["filevers"] == (1, 2, 3, 0)
    assert fields["ffi"][2]["prodvers"] == (1, 2, 3, 0)
    strings = dict(item[1] for item in fields["kids"][0][1][0][0][1][1])
    assert strings["FileVersion"] == "1.2.3rc1"
    assert strings["OriginalFilename"] == "kombo-desktop.exe"
    assert strings["ProductName"] == "Kombo Desktop"


def test_the_macos_bundle_stays_light_and_sharp_and_says_its_version() -> None:
    plist = rules.macos_info_plist("1.2.3")
    # Written out as a real Info.plist, as PyInstaller's BUNDLE does, and read back.
    assert plistlib.loads(plistlib.dumps(plist)) == plist
    assert plist["NSRequiresAquaSystemAppearance"] is True  # light, like the window
    assert plist["NSHighResolutionCapable"] is True
    assert plist["CFBundleShortVersionString"] == plist["CFBundleVersion"] == "1.2.3"
    assert plist["CFBundleDisplayName"] == "Kombo Desktop"
    # The release builds' Qt 6.9 has no wheels for macOS 11: an older Mac must be told in the
    # Finder rather than have the program fail at launch.
    assert "PySide6-Essentials==6.9." in (ROOT / "packaging/constraints-release.txt").read_text()
    assert plist["LSMinimumSystemVersion"] == "12.0"


@pytest.mark.parametrize("machine", ["arm64", "x86_64"])
def test_the_dmg_says_which_macs_it_is_for(machine: str) -> None:
    assert rules.macos_dmg_name("1.2.3", machine) == f"kombo-desktop-1.2.3-macos-{machine}.dmg"


def test_the_installed_size_counts_linked_files_once(tmp_path: Path) -> None:
    import build

    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "libQt6Core.so.6").write_bytes(b"x" * 40 * 1024)
    (tmp_path / "libQt6Core.so.6").symlink_to(tmp_path / "lib" / "libQt6Core.so.6")
    assert build.installed_size_kib(tmp_path) == 40
