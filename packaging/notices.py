"""THIRD-PARTY-NOTICES.txt: the software from others inside the packaged program, with licences.

The packaged program carries Qt, Python, OpenSSL and some thirty Python packages. Their licences
ask that whoever passes them on also passes on their copyright notices and licence texts, and
Qt's LGPL 3.0 also asks that people can get Qt's source code and put their own build of Qt in
its place. Only three of the bundled packages kept their licence files in the bundle (those
whose metadata the program reads); Qt's wheels carry none at all. So the spec writes this file
at build time, from what actually went into the bundle:

- every Python package (distribution) a bundled file belongs to, plus every distribution the
  program's requirements resolve to on this system (``runtime_distributions``) unless the spec
  leaves out all of its modules: name, version, licence (the ``License-Expression``, ``License``
  and licence classifiers of its metadata), home page and the full text of each licence file
  in its ``.dist-info``;
- Qt and Qt for Python, under the LGPL 3.0: where their source code is, how to replace the Qt
  libraries in the installed program, and the texts of the LGPL 3.0 and the GPL 3.0 it builds on
  (``packaging/licenses/``, copied from ``/usr/share/common-licenses``);
- the other libraries found in the bundle (Python itself, OpenSSL, ICU, bzip2, liblzma...),
  with the licence texts the build machine has for them: Python's own licence file, the
  licence files of the system package a library came from (Debian's ``copyright``, an RPM's
  ``/usr/share/licenses``), or a copy kept in ``packaging/licenses/``.

Nothing here imports PyInstaller or Qt, so the tests can check the result on small inputs.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath

NOTICES_NAME = "THIRD-PARTY-NOTICES.txt"
LICENCE_TEXTS = Path(__file__).resolve().parent / "licenses"
PROJECT = "kombo-desktop"
# Covered by the Qt section (their wheels carry no licence file; the LGPL text is added there).
QT_DISTRIBUTIONS = {"pyside6", "pyside6-essentials", "pyside6-addons", "shiboken6"}
# Where a distribution keeps its licence texts: anything under licenses/ (metadata 2.4) and
# files named like a licence directly in the .dist-info folder (older wheels).
_LICENCE_FILE = re.compile(r"licen[cs]e|copying|notice|copyright|authors", re.IGNORECASE)
RULE = "=" * 78
THIN_RULE = "-" * 78

# (DEST inside the bundle, SOURCE file, PyInstaller type code), as in binaries.Entry
Entry = tuple[str, str, str]


def normalized(name: str) -> str:
    """A distribution name as PEP 503 compares them: ``jaraco.classes`` == ``jaraco-classes``."""
    return re.sub(r"[-_.]+", "-", name).lower()


# --- which Python packages --------------------------------------------------------------------


def installed_distributions() -> dict[str, metadata.Distribution]:
    """Every distribution importable here, by normalized name (the first one found wins, as
    for imports)."""
    found: dict[str, metadata.Distribution] = {}
    for distribution in metadata.distributions():
        name = distribution.metadata["Name"]
        if name:
            found.setdefault(normalized(name), distribution)
    return found


def runtime_distributions(
    installed: dict[str, metadata.Distribution], project: str = PROJECT
) -> list[metadata.Distribution]:
    """What the project's requirements resolve to on this system, the project left out.

    Requirements are followed with their extras (``httpx[socks]`` brings ``socksio``), and
    environment markers are evaluated for this interpreter and system (``secretstorage`` on
    Linux only, ``importlib_metadata`` below Python 3.12 only), as pip evaluated them.
    """
    from packaging.requirements import Requirement  # installed with PyInstaller and pytest

    followed: dict[str, set[str]] = {}
    pending: list[tuple[str, frozenset[str]]] = [(normalized(project), frozenset())]
    while pending:
        name, extras = pending.pop()
        distribution = installed.get(name)
        if distribution is None:
            continue
        known = followed.get(name)
        if known is not None and extras <= known:
            continue
        followed[name] = (known or set()) | extras
        for line in distribution.requires or []:
            requirement = Requirement(line)
            marker = requirement.marker
            if marker is not None and not any(
                marker.evaluate({"extra": extra}) for extra in {"", *extras}
            ):
                continue
            pending.append((normalized(requirement.name), frozenset(requirement.extras)))
    followed.pop(normalized(project), None)
    return [installed[name] for name in sorted(followed)]


def import_names() -> dict[str, set[str]]:
    """The top-level modules of each distribution, by normalized distribution name."""
    names: dict[str, set[str]] = {}
    for module, distributions in metadata.packages_distributions().items():
        for name in distributions:
            names.setdefault(normalized(name), set()).add(module)
    return names


def entirely_excluded(
    distribution: metadata.Distribution, excludes: Iterable[str], names: dict[str, set[str]]
) -> bool:
    """Whether the spec leaves out every module of ``distribution`` (httpx's ``anyio``)."""
    modules = names.get(normalized(distribution.metadata["Name"]), set())
    return bool(modules) and modules <= set(excludes)


def file_owners(installed: dict[str, metadata.Distribution]) -> dict[str, metadata.Distribution]:
    """The installed distribution each file belongs to (from the RECORD of each), by real path."""
    owners: dict[str, metadata.Distribution] = {}
    for distribution in installed.values():
        files = distribution.files or []
        if not files:
            continue
        base = os.path.realpath(distribution.locate_file(""))
        for file in files:
            owners.setdefault(os.path.normpath(os.path.join(base, str(file))), distribution)
    return owners


def owner_of(
    source: str | None, owners: dict[str, metadata.Distribution]
) -> metadata.Distribution | None:
    if not source or not os.path.isabs(source):
        return None
    return owners.get(os.path.realpath(source))


# --- licence facts of one distribution --------------------------------------------------------


def licence_of(distribution: metadata.Distribution) -> str:
    """The licence as the distribution declares it: expression, licence field, classifiers."""
    meta = distribution.metadata
    classifiers = [
        value.split(" :: ")[-1]
        for value in meta.get_all("Classifier") or []
        if value.startswith("License ::")
    ]
    expression = (meta.get("License-Expression") or "").strip()
    field_text = (meta.get("License") or "").strip()
    if field_text.upper() == "UNKNOWN" or "\n" in field_text or len(field_text) > 100:
        field_text = ""  # a whole licence text in the field: it is quoted below instead
    declared = expression or field_text
    if declared and classifiers:
        return f"{declared} (classifiers: {', '.join(classifiers)})"
    return declared or ", ".join(classifiers) or "not declared in its metadata"


def home_page_of(distribution: metadata.Distribution) -> str:
    meta = distribution.metadata
    if meta.get("Home-page"):
        return str(meta["Home-page"])
    urls: dict[str, str] = {}
    for value in meta.get_all("Project-URL") or []:
        label, _, url = value.partition(",")
        urls.setdefault(normalized(label.strip()).replace("-", ""), url.strip())
    for label in ("homepage", "source", "sourcecode", "repository", "code", "github"):
        if label in urls:
            return urls[label]
    return next(iter(urls.values()), "not given in its metadata")


def licence_texts_of(distribution: metadata.Distribution) -> list[tuple[str, str]]:
    """(file name, full text) of each licence file the distribution's metadata folder holds."""
    texts: list[tuple[str, str]] = []
    for file in sorted(distribution.files or [], key=str):
        parts = PurePosixPath(str(file)).parts
        if len(parts) < 2 or not parts[0].endswith(".dist-info"):
            continue
        if "licenses" in parts[1:-1] or _LICENCE_FILE.search(parts[-1]):
            path = Path(distribution.locate_file(file))
            if path.is_file():
                texts.append(
                    ("/".join(parts[1:]), path.read_text(encoding="utf-8", errors="replace"))
                )
    if not texts:  # no RECORD: the License-File entries of the metadata name them
        for name in distribution.metadata.get_all("License-File") or []:
            for candidate in (f"licenses/{name}", name):
                text = distribution.read_text(candidate)
                if text:
                    texts.append((candidate, text))
                    break
    field_text = (distribution.metadata.get("License") or "").strip()
    if not texts and ("\n" in field_text or len(field_text) > 100):
        texts.append(("License field of its metadata", field_text))
    return texts


# --- libraries that are not Python packages ---------------------------------------------------


@dataclass(frozen=True)
class Component:
    """A library the bundle may carry outside any Python package, recognised by file name."""

    name: str
    files: str  # regular expression on the file name
    licence: str
    home_page: str
    stored_texts: tuple[str, ...] = ()  # file names in packaging/licenses/
    compiled_into: tuple[str, ...] = ()  # distributions whose wheels carry a copy built in

    def matches(self, file_name: str) -> bool:
        return re.search(self.files, file_name) is not None


PYTHON = Component(
    "Python",
    r"^(lib)?python3[\d.]*\.(so[\d.]*|dll|dylib)$|^Python$",
    "Python Software Foundation License (PSF-2.0)",
    "https://www.python.org/downloads/source/",
)
COMPONENTS = (
    PYTHON,
    Component(
        "OpenSSL 3",
        r"^lib(ssl|crypto)(\.so\.3|-3(-x64|-arm64)?\.dll|\.3\.dylib)$",
        "Apache-2.0",
        "https://www.openssl.org/source/",
        stored_texts=("Apache-2.0.txt",),
        compiled_into=("cryptography",),
    ),
    Component(
        "OpenSSL 1.1",
        r"^lib(ssl|crypto)(\.so\.1\.1|-1_1(-x64)?\.dll|\.1\.1\.dylib)$",
        "OpenSSL License AND SSLeay License",
        "https://www.openssl.org/source/",
    ),
    Component(
        "ICU (International Components for Unicode), bundled with Qt",
        r"^(lib)?icu(data|uc|i18n|io|tu)",
        "Unicode, Inc. licence agreement (ICU)",
        "https://icu.unicode.org",
        stored_texts=("ICU.txt",),
    ),
    Component("bzip2 (libbz2)", r"^libbz2", "bzip2-1.0.6", "https://sourceware.org/bzip2/"),
    Component(
        "XZ Utils (liblzma)",
        r"^liblzma",
        "public domain (liblzma up to 5.4) / 0BSD (from 5.6)",
        "https://tukaani.org/xz/",
    ),
    Component("libffi", r"^libffi", "MIT", "https://sourceware.org/libffi/"),
    Component(
        "Microsoft Visual C++ runtime",
        r"^(vcruntime|msvcp|concrt)\d+.*\.dll$",
        "Microsoft Visual C++ Redistributable licence terms (Visual Studio)",
        "https://learn.microsoft.com/cpp/windows/latest-supported-vc-redist",
    ),
)


def component_of(file_name: str) -> Component | None:
    return next((c for c in COMPONENTS if c.matches(file_name)), None)


def _path_spellings(source: str) -> list[str]:
    """The names a package manager may know a library by: with merged /usr, /lib/x.so and
    /usr/lib/x.so are one file, and dpkg knows only the name its package installed."""
    spellings: list[str] = []
    for path in (source, os.path.realpath(source)):
        other = path[4:] if path.startswith("/usr/") else "/usr" + path
        for spelling in (path, other):
            if spelling not in spellings:
                spellings.append(spelling)
    return spellings


def _run(command: list[str]) -> str | None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)  # noqa: S603
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def system_package_licence_files(source: str) -> list[Path]:
    """The licence files of the system package that installed ``source`` on the build machine
    (Debian: ``/usr/share/doc/<package>/copyright``; RPM: ``/usr/share/licenses/<package>/``)."""
    if not sys.platform.startswith("linux") or not os.path.isabs(source):
        return []
    found: list[Path] = []
    if shutil.which("dpkg-query"):
        for spelling in _path_spellings(source):
            output = _run(["dpkg-query", "-S", spelling])
            if output is None:
                continue
            for line in output.splitlines():
                for package in line.split(": ", 1)[0].split(", "):
                    copyright_file = Path("/usr/share/doc") / package.split(":")[0] / "copyright"
                    if copyright_file.is_file() and copyright_file not in found:
                        found.append(copyright_file)
            break
    if not found and shutil.which("rpm"):
        for spelling in _path_spellings(source):
            output = _run(["rpm", "-qf", "--queryformat", "%{NAME}\n", spelling])
            if output is None:
                continue
            for package in output.split():
                folder = Path("/usr/share/licenses") / package
                if folder.is_dir():
                    found.extend(sorted(p for p in folder.rglob("*") if p.is_file()))
            break
    return found


def python_licence_files() -> list[Path]:
    """The licence file of the Python the build runs on (python.org, pyenv and Windows builds
    keep ``LICENSE.txt`` in the standard library folder or the installation folder)."""
    candidates = [
        Path(sysconfig.get_path("stdlib")) / "LICENSE.txt",
        Path(sys.base_prefix) / "LICENSE.txt",
    ]
    return [path for path in candidates if path.is_file()][:1]


# --- the file ---------------------------------------------------------------------------------


@dataclass
class _Writer:
    """Collects the text; a licence text already given in full is referred to, not repeated."""

    lines: list[str] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def heading(self, title: str) -> None:
        self.lines += ["", "", RULE, title, RULE, ""]

    def text(self, title: str, body: str, owner: str) -> None:
        key = hashlib.sha256(body.strip().encode()).hexdigest()
        if key in self.seen:
            self.lines += ["", f"--- {title}: the same text as under {self.seen[key]} above ---"]
            return
        self.seen[key] = f"{owner}, {title}"
        self.lines += ["", f"--- {title} ---", "", body.rstrip(), ""]


@dataclass
class Bundle:
    """What went into a build, sorted by kind (see :func:`describe_bundle`)."""

    distributions: list[metadata.Distribution]
    components: dict[Component, list[tuple[str, str]]]  # component -> [(dest, source)]
    qt_files: list[str]  # dest of Qt's libraries, plugins and the bindings' own libraries
    unidentified: list[tuple[str, str]]  # (dest, source) of libraries nothing above covers


def describe_bundle(
    entries: Iterable[Entry],
    excludes: Iterable[str],
    installed: dict[str, metadata.Distribution] | None = None,
    project: str | None = PROJECT,
) -> Bundle:
    """Sort the spec's entries (``a.pure + a.binaries + a.datas``) into distributions, Qt,
    known libraries and libraries nothing covers. Python's own extension modules belong to
    Python, whose section is always written. ``project``'s requirements are added unless the
    spec leaves out all of a requirement's modules (None: only what the entries show)."""
    installed = installed if installed is not None else installed_distributions()
    owners = file_owners(installed)
    names = import_names()
    chosen: dict[str, metadata.Distribution] = {}
    components: dict[Component, list[tuple[str, str]]] = {}
    qt_files: list[str] = []
    unidentified: list[tuple[str, str]] = []
    # Python's own extension modules: lib-dynload in the standard library, DLLs on Windows.
    stdlib = {os.path.realpath(sysconfig.get_path(key)) for key in ("stdlib", "platstdlib")}
    stdlib.add(os.path.realpath(os.path.join(sys.base_prefix, "DLLs")))
    for dest, source, kind in entries:
        owner = owner_of(source, owners)
        owner_name = normalized(owner.metadata["Name"]) if owner is not None else ""
        if owner is not None and owner_name != normalized(project or PROJECT):
            chosen.setdefault(owner_name, owner)
        if kind not in ("BINARY", "EXTENSION"):
            continue
        file_name = PurePosixPath(dest.replace("\\", "/")).name
        component = component_of(file_name)
        if component is not None:
            components.setdefault(component, []).append((dest, source))
        elif owner_name in QT_DISTRIBUTIONS:
            qt_files.append(dest.replace("\\", "/"))
        elif owner is None and not any(
            os.path.realpath(source).startswith(folder + os.sep) for folder in stdlib
        ):
            unidentified.append((dest, source))
    for distribution in runtime_distributions(installed, project) if project else []:
        name = normalized(distribution.metadata["Name"])
        if name not in chosen and not entirely_excluded(distribution, excludes, names):
            chosen[name] = distribution
    for component in COMPONENTS:
        if any(name in chosen for name in component.compiled_into):
            components.setdefault(component, [])
    return Bundle(
        distributions=[chosen[name] for name in sorted(chosen)],
        components=components,
        qt_files=sorted(qt_files),
        unidentified=sorted(unidentified),
    )


def _version_of(installed: dict[str, metadata.Distribution], *names: str) -> str:
    for name in names:
        if name in installed:
            return installed[name].version
    return "(not installed)"


def _inside(platform: str) -> str:
    """Where the bundle's entries are in the installed program (PyInstaller's contents folder)."""
    return "Kombo Desktop.app/Contents/Frameworks/" if platform == "darwin" else "_internal/"


def _stored(name: str) -> str:
    return (LICENCE_TEXTS / name).read_text(encoding="utf-8")


def render(
    bundle: Bundle,
    app_version: str,
    platform: str,
    installed: dict[str, metadata.Distribution] | None = None,
) -> tuple[str, list[str]]:
    """The notices text and the problems found (parts without any licence text)."""
    installed = installed if installed is not None else installed_distributions()
    out = _Writer()
    packages = [
        d for d in bundle.distributions if normalized(d.metadata["Name"]) not in QT_DISTRIBUTIONS
    ]
    has_qt = bool(bundle.qt_files) or any(
        normalized(d.metadata["Name"]) in QT_DISTRIBUTIONS for d in bundle.distributions
    )
    python_version = ".".join(str(n) for n in sys.version_info[:3])
    out.lines += [
        f"Kombo Desktop {app_version}: software by others that it contains",
        "",
        "Kombo Desktop is built from its own code and from the software listed below, each",
        "part under its own licence. For each part this file gives its version, its licence,",
        "where to find it, and the full licence texts.",
        "",
        "Contents:",
    ]
    qt_version = _version_of(installed, "pyside6-essentials", "pyside6")
    shiboken_version = _version_of(installed, "shiboken6")
    if has_qt:
        out.lines.append(f"  Qt {qt_version} and Qt for Python (PySide6, shiboken6): LGPL-3.0-only")
    out.lines.append(f"  Python {python_version}: {PYTHON.licence}")
    for component in COMPONENTS:
        if component is not PYTHON and component in bundle.components:
            out.lines.append(f"  {component.name}: {component.licence}")
    for dest, _source in bundle.unidentified:
        out.lines.append(f"  {PurePosixPath(dest).name}: licence not identified by the build")
    out.lines.append("  Python packages:")
    for distribution in packages:
        name, version = distribution.metadata["Name"], distribution.version
        out.lines.append(f"    {name} {version}: {licence_of(distribution)}")

    if has_qt:
        _qt_section(out, bundle, qt_version, shiboken_version, platform)
    _python_section(out, bundle, python_version)
    for component, files in bundle.components.items():
        if component is not PYTHON:
            _component_section(out, component, files, _inside(platform))
    for dest, source in bundle.unidentified:
        _unidentified_section(out, dest, source, _inside(platform))
    for distribution in packages:
        _distribution_section(out, distribution)
    return "\n".join(out.lines).rstrip() + "\n", out.problems


def _qt_section(
    out: _Writer, bundle: Bundle, qt_version: str, shiboken_version: str, platform: str
) -> None:
    major_minor = ".".join(qt_version.split(".")[:2])
    inside = _inside(platform)
    out.heading(
        f"Qt {qt_version} and Qt for Python (PySide6 {qt_version}, shiboken6 {shiboken_version})"
    )
    out.lines += [
        "Licence: GNU Lesser General Public License v3.0 (LGPL-3.0-only). The Qt Company",
        "offers Qt and Qt for Python under LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only;",
        "Kombo Desktop uses them under the LGPL 3.0.",
        "Copyright (C) The Qt Company Ltd. and other contributors.",
        "Home page: https://www.qt.io/ and https://pyside.org/",
        "",
        "Source code of exactly these versions:",
        f"  Qt {qt_version}: source archives at",
        f"    https://download.qt.io/official_releases/qt/{major_minor}/{qt_version}/",
        f"    or tag v{qt_version} of the git repositories at https://code.qt.io/cgit/qt/",
        "    (qtbase.git holds QtCore, QtGui, QtWidgets and the platform plugins).",
        f"  PySide6 and shiboken6 {qt_version}: tag v{qt_version} of",
        "    https://code.qt.io/cgit/pyside/pyside-setup.git/ (source archives at",
        "    https://download.qt.io/official_releases/QtForPython/).",
        "Qt contains code by others under other licences (HarfBuzz, PCRE2, libpng, zlib,",
        "double-conversion and more); Qt lists them with their licence texts at",
        f"https://doc.qt.io/qt-{qt_version.split('.')[0]}/licenses-used-in-qt.html",
        "",
        "Using your own build of Qt (LGPL 3.0, section 4): Kombo Desktop is not linked into",
        "one file with Qt. The installed program is a folder of shared libraries, and Qt's",
        "libraries, its plugins and the PySide6 and shiboken6 libraries are separate files in",
        "it, loaded when the program starts (paths inside the program folder):",
    ]
    out.lines += [f"  {inside}{dest}" for dest in bundle.qt_files]
    out.lines += [
        "To use a modified Qt, build it from the source above (the same version, so that the",
        "bindings fit) and replace these files with your builds; PySide6 and shiboken6 can",
        "be rebuilt from their source and replaced the same way. Nothing else in the program",
        "has to change.",
    ]
    if platform == "darwin":
        out.lines += [
            "The app is signed: after replacing files, sign it again so that macOS opens it,",
            '  for example: codesign --force --deep --sign - "Kombo Desktop.app"',
        ]
    out.lines += [
        "",
        "The full texts of the GNU LGPL 3.0 and of the GNU GPL 3.0, whose terms the LGPL 3.0",
        "incorporates, follow.",
    ]
    out.text("GNU Lesser General Public License, version 3", _stored("LGPL-3.0.txt"), "Qt")
    out.text("GNU General Public License, version 3", _stored("GPL-3.0.txt"), "Qt")


def _python_section(out: _Writer, bundle: Bundle, python_version: str) -> None:
    out.heading(f"Python {python_version}")
    out.lines += [
        f"Licence: {PYTHON.licence}",
        "Copyright (c) 2001 Python Software Foundation; All Rights Reserved.",
        f"Home page: {PYTHON.home_page}",
        "The program runs on this Python: its interpreter library, standard library and the",
        "standard library's extension modules.",
    ]
    texts = [(f"Python's {path.name}", _read(path)) for path in python_licence_files()]
    paths: list[Path] = []  # a distribution's Python: its package's licence files too
    for _dest, source in bundle.components.get(PYTHON, []):
        paths += [path for path in system_package_licence_files(source) if path not in paths]
    texts += [(f"{path.name} ({path})", _read(path)) for path in paths]
    if not texts:
        out.lines.append("(The build's Python has no licence file; this is Python 3.11.7's.)")
        texts.append(("Python's LICENSE.txt", _stored("Python-3.11.txt")))
    for title, body in texts:
        out.text(title, body, "Python")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _component_section(
    out: _Writer, component: Component, files: list[tuple[str, str]], inside: str
) -> None:
    out.heading(component.name)
    out.lines += [
        f"Licence: {component.licence}",
        f"Home page and source code: {component.home_page}",
    ]
    for dest, _source in files:
        out.lines.append(f"In this program: {inside}{dest}")
    for name in component.compiled_into:
        out.lines.append(f"Also compiled into the Python package {name} (its wheel builds it in).")
    texts: list[tuple[str, str]] = [(name, _stored(name)) for name in component.stored_texts]
    paths: list[Path] = []
    for _dest, source in files:  # libssl and libcrypto come from one system package
        paths += [path for path in system_package_licence_files(source) if path not in paths]
    texts += [(f"{path.name} ({path})", _read(path)) for path in paths]
    if not texts and _in_pythons_licence(component, files):
        out.lines.append(
            "Its licence is part of Python's licence file, above (it came with Python)."
        )
    elif not texts:
        out.problems.append(f"{component.name}: no licence text found on this machine")
        out.lines.append("(No licence text was found on the build machine; see the home page.)")
    for title, body in texts:
        out.text(title, body, component.name)


def _in_pythons_licence(component: Component, files: list[tuple[str, str]]) -> bool:
    """Whether a library came with the Python installation and Python's licence file covers
    it (Python's Windows build ships OpenSSL, libffi, bzip2... and lists their licences)."""
    base = os.path.realpath(sys.base_prefix) + os.sep
    word = component.name.split()[0].lower()
    return (
        bool(files)
        and all(os.path.realpath(s).startswith(base) for _d, s in files)
        and any(word in _read(path).lower() for path in python_licence_files())
    )


def _unidentified_section(out: _Writer, dest: str, source: str, inside: str) -> None:
    out.heading(f"Library: {PurePosixPath(dest).name}")
    out.lines.append(f"In this program: {inside}{dest} (from {source} on the build machine)")
    texts = system_package_licence_files(source)
    if not texts:
        out.problems.append(f"{dest}: not identified, and no licence text found")
        out.lines.append("(Its licence was not identified by the build.)")
    for path in texts:
        out.text(f"{path.name} ({path})", _read(path), dest)


def _distribution_section(out: _Writer, distribution: metadata.Distribution) -> None:
    name, version = distribution.metadata["Name"], distribution.version
    out.heading(f"Python package: {name} {version}")
    out.lines += [
        f"Licence: {licence_of(distribution)}",
        f"Home page: {home_page_of(distribution)}",
    ]
    texts = licence_texts_of(distribution)
    if not texts:
        out.problems.append(f"{name} {version}: its package carries no licence text")
        out.lines.append("(Its package carries no licence text; see its home page.)")
    for title, body in texts:
        out.text(title, body, f"{name} {version}")


def listed_packages(text: str) -> dict[str, str]:
    """The Python packages a notices text has a section for: normalized name -> version."""
    found = re.findall(r"^Python package: (\S+) (\S+)$", text, re.MULTILINE)
    return {normalized(name): version for name, version in found}


def write_notices(
    entries: Iterable[Entry],
    excludes: Iterable[str],
    app_version: str,
    platform: str,
    target: Path,
    project: str | None = PROJECT,
) -> list[str]:
    """Write the notices for a build's entries to ``target``; the problems found."""
    installed = installed_distributions()
    bundle = describe_bundle(entries, excludes, installed, project)
    text, problems = render(bundle, app_version, platform, installed)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return problems
