"""THIRD-PARTY-NOTICES.txt names everything from others that the packaged program carries.

Before, the program shipped licence texts for three of its some thirty packages, and none for
Qt, whose LGPL 3.0 asks for its text, for where its source is and for a way to put another
build of Qt in its place. These tests build the notices from small, real inputs (this
machine's installed packages and libraries) and check them against what the program's
requirements resolve to, independently of how notices.py resolves them.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

import build  # noqa: E402
import bundle_rules as rules  # noqa: E402
import notices  # noqa: E402

PLATFORM = "linux" if sys.platform.startswith("linux") else sys.platform
EXCLUDES = rules.EXCLUDES + rules.EXCLUDES_BY_PLATFORM[PLATFORM]


def requirement_closure() -> dict[str, str]:
    """What ``kombo-desktop``'s requirements resolve to here: normalized name -> version.

    Walked here with ``packaging`` directly (extras and markers as pip evaluates them), not
    through notices.py, so a mistake there cannot hide itself.
    """
    found: dict[str, str] = {}
    pending = [("kombo-desktop", frozenset[str]())]
    visited: set[tuple[str, frozenset[str]]] = set()
    while pending:
        name, extras = pending.pop()
        if (name, extras) in visited:
            continue
        visited.add((name, extras))
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        found[notices.normalized(name)] = distribution.version
        for line in distribution.requires or []:
            requirement = Requirement(line)
            environments = [{"extra": extra} for extra in ("", *extras)]
            if requirement.marker is None or any(
                requirement.marker.evaluate(environment) for environment in environments
            ):
                pending.append((requirement.name, frozenset(requirement.extras)))
    del found["kombo-desktop"]
    return found


@functools.cache
def module_owners() -> Mapping[str, list[str]]:
    return metadata.packages_distributions()


def left_out_by_the_spec(name: str) -> bool:
    """A distribution none of whose modules is bundled (httpx's ``anyio``, for instance)."""
    modules = {
        module
        for module, owners in module_owners().items()
        if name in {notices.normalized(owner) for owner in owners}
    }
    return bool(modules) and all(module in EXCLUDES for module in modules)


def qt_entries() -> list[notices.Entry]:
    import PySide6
    import shiboken6

    package = Path(PySide6.__file__).parent
    shiboken = Path(shiboken6.__file__).parent
    if PLATFORM == "win32":
        core, extension = package / "Qt6Core.dll", package / "QtCore.pyd"
    elif PLATFORM == "darwin":
        core = package / "Qt" / "lib" / "QtCore.framework" / "Versions" / "A" / "QtCore"
        extension = next(package.glob("QtCore.*.so"))
    else:
        core, extension = package / "Qt" / "lib" / "libQt6Core.so.6", package / "QtCore.abi3.so"
    entries = [
        (str(path.relative_to(package.parent)), str(path), "BINARY") for path in (core, extension)
    ]
    shiboken_module = next(shiboken.glob("Shiboken.*"))
    entries.append((f"shiboken6/{shiboken_module.name}", str(shiboken_module), "EXTENSION"))
    return entries


@pytest.fixture(scope="module")
def installed() -> dict[str, metadata.Distribution]:
    return notices.installed_distributions()


@pytest.fixture(scope="module")
def program_notices(installed: dict[str, metadata.Distribution]) -> tuple[str, list[str]]:
    """The notices for a small bundle: Qt's core library and bindings, certifi's CA file,
    and the program's requirements."""
    import certifi

    entries = [*qt_entries(), ("certifi/cacert.pem", certifi.where(), "DATA")]
    bundle = notices.describe_bundle(entries, EXCLUDES, installed)
    return notices.render(bundle, "0.1.0", PLATFORM, installed)


def test_every_distribution_the_requirements_resolve_to_is_listed(
    program_notices: tuple[str, list[str]],
) -> None:
    text, _problems = program_notices
    listed = notices.listed_packages(text)
    expected = {
        name: version
        for name, version in requirement_closure().items()
        if name not in notices.QT_DISTRIBUTIONS and not left_out_by_the_spec(name)
    }
    # The packages the review named, so that the closure above cannot silently shrink.
    for name in ("httpx", "httpcore", "h11", "idna", "certifi", "qrcode", "keyring",
                 "jaraco-classes", "jaraco-functools", "jaraco-context", "truststore",
                 "platformdirs", "socksio"):  # fmt: skip
        assert name in expected, name
    if PLATFORM == "linux":
        for name in ("secretstorage", "jeepney", "cryptography"):
            assert name in expected, name
    missing = {name: version for name, version in expected.items() if listed.get(name) != version}
    assert not missing, f"not in the notices (or another version): {missing}"
    # Qt's packages are there too, in their own section with their version.
    qt_version = metadata.version("PySide6-Essentials")
    assert f"Qt {qt_version} and Qt for Python (PySide6 {qt_version}, shiboken6" in text


def test_a_package_the_spec_leaves_out_entirely_is_not_listed(
    program_notices: tuple[str, list[str]],
) -> None:
    # httpx requires anyio, whose modules the spec excludes: it is not shipped.
    assert "anyio" in requirement_closure()
    assert left_out_by_the_spec("anyio")
    assert "anyio" not in notices.listed_packages(program_notices[0])


def test_a_bundled_file_brings_in_its_package_even_when_nothing_requires_it(
    installed: dict[str, metadata.Distribution],
) -> None:
    import packaging.version

    assert "packaging" not in requirement_closure()  # only a build and test tool here
    entries = [("packaging/version.pyc", packaging.version.__file__, "PYMODULE")]
    bundle = notices.describe_bundle(entries, EXCLUDES, installed, project=None)
    text, _problems = notices.render(bundle, "0.1.0", PLATFORM, installed)
    assert notices.listed_packages(text) == {"packaging": metadata.version("packaging")}


def test_each_package_brings_its_licence_name_home_page_and_full_texts(
    program_notices: tuple[str, list[str]],
) -> None:
    text, problems = program_notices
    assert problems == []
    for name in ("certifi", "httpx", "keyring", "idna"):
        distribution = metadata.distribution(name)
        section = text.split(f"Python package: {distribution.metadata['Name']} ")[1]
        section = section.split("\nPython package: ")[0]
        licence_files = [file for file in distribution.files or [] if "licen" in str(file).lower()]
        assert licence_files, name
        for file in licence_files:
            body = Path(str(distribution.locate_file(file))).read_text(encoding="utf-8").strip()
            assert body in text, (name, file)
    certifi = text.split("Python package: certifi ")[1].split("\nPython package: ")[0]
    assert "Licence: MPL-2.0" in certifi
    assert "Home page: https://github.com/certifi/python-certifi" in certifi


def test_qt_comes_with_the_lgpl_the_gpl_its_source_and_how_to_replace_it(
    program_notices: tuple[str, list[str]],
) -> None:
    text, _problems = program_notices
    lgpl = (ROOT / "packaging" / "licenses" / "LGPL-3.0.txt").read_text(encoding="utf-8")
    gpl = (ROOT / "packaging" / "licenses" / "GPL-3.0.txt").read_text(encoding="utf-8")
    assert lgpl.startswith(" " * 19 + "GNU LESSER GENERAL PUBLIC LICENSE\n")
    assert gpl.lstrip().startswith("GNU GENERAL PUBLIC LICENSE\n")
    assert lgpl.strip() in text
    assert gpl.strip() in text
    qt_version = metadata.version("PySide6-Essentials")
    assert f"https://download.qt.io/official_releases/qt/{qt_version.rsplit('.', 1)[0]}/" in text
    assert f"tag v{qt_version} of\n    https://code.qt.io/cgit/pyside/pyside-setup.git/" in text
    assert "folder of shared libraries" in text
    for dest, _source, _kind in qt_entries():
        assert f"  _internal/{dest}" in text or PLATFORM == "darwin", dest


def test_python_is_always_there_with_its_licence(
    installed: dict[str, metadata.Distribution], monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = notices.describe_bundle([], EXCLUDES, installed, project=None)
    text, _problems = notices.render(bundle, "0.1.0", PLATFORM, installed)
    assert "PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2" in text
    # A Python without a licence file of its own (Fedora's, for one) gets the stored copy.
    monkeypatch.setattr(notices, "python_licence_files", list)
    text, _problems = notices.render(bundle, "0.1.0", PLATFORM, installed)
    assert "PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2" in text
    assert "this is Python 3.11.7's" in text


def system_library(*names: str) -> Path:
    for folder in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64"):
        for name in names:
            if (Path(folder) / name).is_file():
                return Path(folder) / name
    pytest.skip(f"none of {names} on this machine")


@pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="needs a Debian-like system")
def test_system_libraries_bring_the_licence_of_the_package_they_came_from(
    installed: dict[str, metadata.Distribution],
) -> None:
    bzip2 = system_library("libbz2.so.1.0")
    crypto = system_library("libcrypto.so.3")
    entries = [
        ("libbz2.so.1.0", str(bzip2), "BINARY"),
        ("libcrypto.so.3", str(crypto), "BINARY"),
    ]
    bundle = notices.describe_bundle(entries, EXCLUDES, installed, project=None)
    text, problems = notices.render(bundle, "0.1.0", PLATFORM, installed)
    assert problems == []
    # /lib is /usr/lib on merged systems, and dpkg knows only one of the two names.
    debian_copyright = Path("/usr/share/doc/libbz2-1.0/copyright").read_text(encoding="utf-8")
    assert debian_copyright.strip() in text
    openssl = text.split("\nOpenSSL 3\n")[1]
    assert "In this program: _internal/libcrypto.so.3" in openssl
    apache = (ROOT / "packaging" / "licenses" / "Apache-2.0.txt").read_text(encoding="utf-8")
    assert apache.strip() in openssl


def test_a_library_nothing_covers_is_named_as_a_problem(
    tmp_path: Path, installed: dict[str, metadata.Distribution]
) -> None:
    stray = tmp_path / "libstray.so.1"
    stray.write_bytes(b"\x7fELF")
    bundle = notices.describe_bundle(
        [("libstray.so.1", str(stray), "BINARY")], EXCLUDES, installed, project=None
    )
    text, problems = notices.render(bundle, "0.1.0", PLATFORM, installed)
    assert problems == ["libstray.so.1: not identified, and no licence text found"]
    assert "libstray.so.1: licence not identified by the build" in text


# --- the notices in the built program and its packages -----------------------------------------


def fake_build(tmp_path: Path, listed: list[str]) -> Path:
    """A build folder as PyInstaller leaves it: keyring's metadata bundled, notices on top."""
    folder = tmp_path / "dist" / "kombo-desktop"
    (folder / "_internal" / "keyring-25.7.0.dist-info").mkdir(parents=True, exist_ok=True)
    (folder / "kombo-desktop").write_text("#!/bin/sh\n", encoding="utf-8")
    (folder / "kombo-desktop").chmod(0o755)
    sections = "".join(f"\nPython package: {name}\n" for name in listed)
    (folder / notices.NOTICES_NAME).write_text(
        "GNU LESSER GENERAL PUBLIC LICENSE\n" + sections, encoding="utf-8"
    )
    return folder


@pytest.mark.skipif(PLATFORM == "darwin", reason="the .app keeps them in Resources")
def test_the_build_check_finds_a_bundled_package_missing_from_the_notices(tmp_path: Path) -> None:
    fake_build(tmp_path, ["keyring 25.7.0"])
    assert build.check_notices(tmp_path / "dist") == build.notices_file(tmp_path / "dist")
    fake_build(tmp_path, ["httpx 0.28.1"])
    with pytest.raises(SystemExit, match=r"keyring-25\.7\.0\.dist-info"):
        build.check_notices(tmp_path / "dist")
    (build.notices_file(tmp_path / "dist")).unlink()
    with pytest.raises(SystemExit, match="is missing"):
        build.check_notices(tmp_path / "dist")


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg-deb")
def test_the_deb_carries_the_notices_as_its_copyright_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = fake_build(tmp_path, ["keyring 25.7.0"])
    monkeypatch.setattr(build, "OUT", tmp_path / "out")

    package = build.build_deb(folder, "0.1.0", ["libc6 (>= 2.28)"])

    unpacked = tmp_path / "unpacked"
    subprocess.run(["dpkg-deb", "-x", str(package), str(unpacked)], check=True)
    expected = (folder / notices.NOTICES_NAME).read_text(encoding="utf-8")
    copyright_file = unpacked / "usr" / "share" / "doc" / "kombo-desktop" / "copyright"
    assert copyright_file.read_text(encoding="utf-8") == expected
    assert not copyright_file.is_symlink()
    in_program = unpacked / "opt" / "kombo-desktop" / notices.NOTICES_NAME
    assert in_program.read_text(encoding="utf-8") == expected
    assert oct(os.stat(copyright_file).st_mode & 0o777) == "0o644"


def test_a_library_that_came_with_python_is_covered_by_pythons_licence(
    tmp_path: Path, installed: dict[str, metadata.Distribution], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Python's Windows build ships libffi-8.dll next to its extension modules and lists
    # libffi's licence in its own LICENSE.txt.
    licence = tmp_path / "LICENSE.txt"
    licence.write_text("PSF licence ... libffi - Copyright (c) 1996-2022 ...\n", encoding="utf-8")
    monkeypatch.setattr(notices, "python_licence_files", lambda: [licence])
    # As on Windows: no system package manager knows the file (a Debian Python's would).
    monkeypatch.setattr(notices, "system_package_licence_files", lambda source: [])
    from_python = Path(sys.executable).resolve()  # any file of the Python installation
    assert from_python.is_relative_to(Path(sys.base_prefix).resolve())
    stray = tmp_path / "libffi-8.dll"
    stray.write_bytes(b"MZ")

    for source, problems in ((from_python, []), (stray, ["libffi: no licence text found"])):
        entries = [("libffi-8.dll", str(source), "BINARY")]
        bundle = notices.describe_bundle(entries, EXCLUDES, installed, project=None)
        text, found = notices.render(bundle, "0.1.0", "win32", installed)
        assert [problem.split(" on ")[0] for problem in found] == problems
        assert ("Its licence is part of Python's licence file" in text) is (not problems)
