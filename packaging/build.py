"""Build the installable program for the operating system this runs on: one command for all three.

    python packaging/build.py            # from the repository root, in the project's venv

Steps: PyInstaller one-folder build from ``packaging/kombo_desktop.spec``, a check of the folder
(every library it needs is bundled or declared), a self-test of the built program, then the
system's own packaging:

- Linux: ``kombo-desktop_<debian version>_<arch>.deb`` (dpkg-deb; ``0.2.0rc1`` is ``0.2.0~rc1``
  there, so that dpkg orders it before ``0.2.0``) and a portable
  ``kombo-desktop-<version>-linux-<arch>.tar.gz``.
- Windows: ``kombo-desktop-<version>-setup.exe`` (Inno Setup's ISCC); the program and the
  installer are signed with signtool when the certificate is provided (see ``sign_windows``).
- macOS: ``Kombo Desktop.app`` and ``kombo-desktop-<version>-macos-<chip>.dmg`` (hdiutil); code
  signing with the hardened runtime, notarization and stapling when the credentials are provided.

Everything lands in ``packaging/out/``. Signing credentials come from environment variables (CI
secrets); when they are absent the step says so and is skipped, so the same command works on a
developer's machine. ``--skip-pyinstaller`` reuses the last folder (quick installer iterations),
``--skip-self-test`` leaves out the smoke test (cross-checking only).
"""

from __future__ import annotations

import argparse
import base64
import importlib.util
import json
import os
import platform
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import binaries
import bundle_rules as rules
import notices

ROOT = rules.ROOT
PACKAGING = ROOT / "packaging"
OUT = PACKAGING / "out"
DIST = OUT / "dist"
WORK = OUT / "work"
SPEC = PACKAGING / "kombo_desktop.spec"


def log(message: str) -> None:
    print(f"[build] {message}", flush=True)


def run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    log("$ " + " ".join(str(part) for part in command))
    return subprocess.run(command, check=True, text=True, **kwargs)  # type: ignore[call-overload]  # noqa: S603


def platform_key() -> str:
    return "linux" if sys.platform.startswith("linux") else sys.platform


def pyinstaller(extra: list[str] | None = None, dist: Path = DIST, work: Path = WORK) -> None:
    """Run PyInstaller on the shared spec (``extra`` goes to the spec after ``--``)."""
    # -X no_debug_ranges: the archive without the columns a packaged traceback never shows
    # (bundle_rules.BUILD_PYTHON_OPTIONS).
    command = [sys.executable, *rules.BUILD_PYTHON_OPTIONS, "-m", "PyInstaller", str(SPEC)]
    command += ["--noconfirm", "--clean"]
    command += ["--distpath", str(dist), "--workpath", str(work)]
    if extra:
        command += ["--", *extra]
    run(command, cwd=ROOT)


def app_folder(dist: Path = DIST) -> Path:
    """The one-folder program (inside the .app on macOS)."""
    if platform_key() == "darwin":
        return dist / f"{rules.DISPLAY_NAME}.app" / "Contents" / "MacOS"
    return dist / rules.APP_NAME


def executable(dist: Path = DIST) -> Path:
    suffix = ".exe" if platform_key() == "win32" else ""
    return app_folder(dist) / f"{rules.APP_NAME}{suffix}"


# --- checks on the built folder ----------------------------------------------------------------


def linux_external_libraries(folder: Path) -> dict[str, list[str]]:
    """Libraries the bundle links against but does not contain: soname -> files needing it."""
    bundled = {path.name for path in folder.rglob("*") if path.is_file() or path.is_symlink()}
    needed: dict[str, list[str]] = {}
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        try:
            names = binaries.elf_needed(path)
        except (OSError, ValueError, IndexError):
            continue
        for name in names:
            if name not in bundled:
                needed.setdefault(name, []).append(str(path.relative_to(folder)))
    return needed


def glibc_minimum(folder: Path) -> str:
    """The oldest glibc the bundle starts on, e.g. ``2.35``: the newest ``GLIBC_x.y`` symbol
    version any of its files needs, never below ``bundle_rules.GLIBC_FLOOR``.

    The bundle carries the build machine's Python, OpenSSL and Qt, each linked against the
    build machine's glibc: built on Debian 12 they need 2.34 or 2.35, and a fixed ``>= 2.28``
    let apt install the package on Ubuntu 20.04 or Debian 11, where it died at start with
    "GLIBC_2.34 not found". With the real minimum apt refuses the install and says why.
    """
    newest = rules.GLIBC_FLOOR
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        try:
            needs = binaries.elf_version_needs(path)
        except (OSError, ValueError, IndexError, struct.error):
            continue
        found = binaries.glibc_version_needed(v for versions in needs.values() for v in versions)
        if found is not None and found > newest:
            newest = found
    return "{}.{}".format(*newest)


def linux_depends(folder: Path) -> list[str]:
    """The .deb's Depends, from what the bundle really links against; fails on unknown ones."""
    external = linux_external_libraries(folder)
    unknown = {
        name: users for name, users in external.items() if not rules.is_linux_system_library(name)
    }
    if unknown:
        lines = [f"  {name} (needed by {', '.join(users[:3])})" for name, users in unknown.items()]
        raise SystemExit(
            "The bundle needs libraries that are neither bundled nor declared in "
            "bundle_rules.LINUX_SYSTEM_LIBRARIES:\n" + "\n".join(lines)
        )
    packages = [f"libc6 (>= {glibc_minimum(folder)})"]
    for name in sorted(external):
        package = rules.LINUX_SYSTEM_LIBRARIES.get(name)
        if package and package not in packages:
            packages.append(package)
    return packages


def check_keyring_entry_points(dist: Path = DIST) -> None:
    """The bundled keyring metadata lists exactly this system's backends (see bundle_rules)."""
    found = sorted(dist.rglob("keyring-*.dist-info/entry_points.txt"))
    if len(found) != 1:
        raise SystemExit(f"expected one bundled keyring entry_points.txt, found {found}")
    names = {
        line.split("=", 1)[0].strip()
        for line in found[0].read_text(encoding="utf-8").splitlines()
        if "=" in line
    }
    expected = rules.KEYRING_BACKENDS[platform_key()]
    if names != expected:
        raise SystemExit(
            f"bundled keyring backends are {sorted(names)}, expected {sorted(expected)}"
        )


def notices_file(dist: Path = DIST) -> Path:
    """THIRD-PARTY-NOTICES.txt: at the top of the program folder, in the .app's Resources."""
    if platform_key() == "darwin":
        resources = dist / f"{rules.DISPLAY_NAME}.app" / "Contents" / "Resources"
        return resources / notices.NOTICES_NAME
    return app_folder(dist) / notices.NOTICES_NAME


def check_notices(dist: Path = DIST) -> Path:
    """The notices file is in the build, gives Qt's licence, and names every package whose
    metadata folder was bundled (a cross-check of notices.py against the folder itself)."""
    path = notices_file(dist)
    if not path.is_file():
        raise SystemExit(f"{path} is missing: the spec writes it (packaging/notices.py)")
    text = path.read_text(encoding="utf-8")
    listed = notices.listed_packages(text)
    unlisted = sorted(
        folder.name
        for folder in dist.rglob("*.dist-info")
        if notices.normalized(folder.name.removesuffix(".dist-info").rsplit("-", 1)[0])
        not in listed
    )
    if unlisted or "GNU LESSER GENERAL PUBLIC LICENSE" not in text:
        raise SystemExit(
            f"{path} lacks the LGPL text or these bundled packages: {', '.join(unlisted)}"
        )
    log(f"third-party notices: {len(listed)} Python packages, Qt, Python ({path.name})")
    return path


def self_test(program: Path) -> dict[str, object]:
    """Run ``--self-test`` on the built program off screen; fail the build if it fails."""
    env = dict(os.environ)
    if platform_key() == "linux":
        env["QT_QPA_PLATFORM"] = "offscreen"
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - our own freshly built program
        [str(program), "--self-test"], capture_output=True, text=True, env=env, timeout=120
    )
    elapsed = time.perf_counter() - started
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    report = json.loads(lines[-1]) if lines else {}
    if result.returncode != 0 or not report.get("ok"):
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"The built program's self-test failed (exit {result.returncode}).")
    log(f"self-test passed in {elapsed:.2f} s: {', '.join(report['checks'])}")  # type: ignore[arg-type]
    return report


# --- Linux -------------------------------------------------------------------------------------


def debian_architecture() -> str:
    machine = platform.machine().lower()
    return {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(
        machine, machine
    )


def desktop_entry() -> str:
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={rules.DISPLAY_NAME}\n"
        "GenericName=Kombo connection links\n"
        "Comment=Make Kombo connection links for customers\n"
        f"Exec={rules.APP_NAME} %U\n"
        f"Icon={rules.APP_NAME}\n"
        "Terminal=false\n"
        "Categories=Office;Network;\n"
        "Keywords=Kombo;link;integration;HRIS;ATS;\n"
        f"StartupWMClass={rules.APP_NAME}\n"
    )


def installed_size_kib(stage: Path) -> int:
    """The Installed-Size apt shows: real files only. PyInstaller links Qt's libraries under
    a second name, and following those links counted them twice (about 60 % too much)."""
    files = (p for p in stage.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) // 1024


def administrator_notes() -> str:
    """Where the policy file goes and how a key is stored, for the READMEs in the Linux
    packages: neither carries the project's packaging/README.md, which says more. The names
    are the program's own (core/policy.py, core/credentials.py)."""
    return (
        "Administrator settings (profiles, region, locked options) go in a JSON file that the\n"
        f"program reads at start and never writes: /etc/xdg/{rules.APP_NAME}/policy.json (a\n"
        f"{rules.APP_NAME}/policy.json in a folder of $XDG_CONFIG_DIRS comes first;\n"
        "KOMBO_DESKTOP_POLICY=/path/to/file names another file). Its keys, all optional:\n"
        'profiles (a list of {"name": ..., "region": "EU", "US" or "CUSTOM"}, CUSTOM with a\n'
        '"custom_base" https address), default_profile, hide_demo (true: no demo mode),\n'
        "fixed_api_base, default_language (en, de, fr, it, es), default_link_type\n"
        "(MAGIC_LINK or EMBEDDED).\n\n"
        "API keys never go in a file. Each user's password store keeps them, under the\n"
        f'service "{rules.APP_NAME}" and the profile\'s name ("default" for the first profile).\n'
        "As that user (not as root), either of these asks for the key and stores it:\n"
        f'  secret-tool store --label="{rules.DISPLAY_NAME}" service {rules.APP_NAME} '
        "username default\n"
        f"  keyring set {rules.APP_NAME} default\n"
        "(secret-tool: package libsecret-tools on Debian or Ubuntu, libsecret on RHEL;\n"
        "keyring: the Python package, e.g. pipx run keyring set ...)\n"
    )


def build_deb(folder: Path, version: str, depends: list[str]) -> Path:
    """Stage /opt, /usr/bin, /usr/share and DEBIAN/control, then ``dpkg-deb --build``.

    ``version`` is the program's (PEP 440); the package carries it in the form dpkg orders
    the same way (``bundle_rules.debian_version``: ``0.2.0rc1`` -> ``0.2.0~rc1``).
    """
    arch = debian_architecture()
    package_file = rules.deb_file_name(version, arch)
    stage = OUT / "deb" / package_file.removesuffix(".deb")
    shutil.rmtree(stage, ignore_errors=True)
    install_dir = stage / "opt" / rules.APP_NAME
    shutil.copytree(folder, install_dir, symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    # A symlink, not a wrapper script: the PyInstaller launcher finds its folder through
    # /proc/self/exe, which resolves the link.
    (stage / "usr" / "bin" / rules.APP_NAME).symlink_to(f"/opt/{rules.APP_NAME}/{rules.APP_NAME}")
    applications = stage / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    (applications / f"{rules.APP_NAME}.desktop").write_text(desktop_entry(), encoding="utf-8")
    for size, source in (("256x256", "kombo-desktop-256.png"), ("512x512", "kombo-desktop.png")):
        icon_dir = stage / "usr" / "share" / "icons" / "hicolor" / size / "apps"
        icon_dir.mkdir(parents=True)
        shutil.copy2(ROOT / "resources" / "icons" / source, icon_dir / f"{rules.APP_NAME}.png")
    doc = stage / "usr" / "share" / "doc" / rules.APP_NAME
    doc.mkdir(parents=True)
    # Debian's place for the licences of what a package contains (a copy, not a link: policy).
    shutil.copy2(folder / notices.NOTICES_NAME, doc / "copyright")
    (doc / "README").write_text(
        f"{rules.DISPLAY_NAME} {version}\nInstalled in /opt/{rules.APP_NAME}. "
        f"Check the installation: {rules.APP_NAME} --self-test\n\n{administrator_notes()}",
        encoding="utf-8",
    )
    for path in stage.rglob("*"):  # dpkg wants sane permissions regardless of the umask
        if path.is_symlink():
            continue
        path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
    installed_kib = installed_size_kib(stage)
    control = stage / "DEBIAN" / "control"
    control.parent.mkdir()
    control.write_text(
        f"Package: {rules.APP_NAME}\n"
        f"Version: {rules.debian_version(version)}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {rules.PUBLISHER} <desktop@kombo.dev>\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {', '.join(depends)}\n"
        "Section: utils\n"
        "Priority: optional\n"
        "Homepage: https://kombo.dev\n"
        "Description: Make Kombo connection links without an engineer\n"
        " A desktop program for customer-facing staff: fill in who a link is for, pick the\n"
        " customer's tool, and copy, open or hand over the link as a QR code.\n",
        encoding="utf-8",
    )
    control.parent.chmod(0o755)
    output = OUT / package_file
    run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(stage), str(output)])
    run(["dpkg-deb", "--info", str(output)], stdout=subprocess.DEVNULL)
    return output


def build_tarball(folder: Path, version: str, depends: list[str]) -> Path:
    """A portable folder: unpack anywhere, run ``./kombo-desktop``; no root needed."""
    arch = platform.machine().lower()
    top = f"{rules.APP_NAME}-{version}"
    output = OUT / f"{rules.APP_NAME}-{version}-linux-{arch}.tar.gz"
    packages = " ".join(d.split(" ")[0] for d in depends if not d.startswith("libc6"))
    glibc = declared_glibc(depends)
    readme = (
        f"{rules.DISPLAY_NAME} {version}, portable build\n\n"
        f"Runs on Linux with glibc {glibc} or newer (see: ldd --version).\n"
        f"Start: ./{rules.APP_NAME}   (check: ./{rules.APP_NAME} --self-test)\n"
        f"Menu entry: copy {rules.APP_NAME}.desktop to ~/.local/share/applications/ and set its\n"
        f"Exec= and Icon= lines to this folder's {rules.APP_NAME} and {rules.APP_NAME}.png.\n\n"
        "Needs these system libraries. On Debian or Ubuntu:\n"
        f"  sudo apt install {packages}\n"
        "On RHEL, AlmaLinux or Rocky Linux 8 or newer (xcb-util-cursor is in EPEL):\n"
        f"  sudo dnf install {' '.join(rules.RPM_RUNTIME_PACKAGES)}\n"
        "For all of the program's own files in this folder (a portable install), set\n"
        "KOMBO_DESKTOP_HOME to a folder, e.g. KOMBO_DESKTOP_HOME=./data ./kombo-desktop\n\n"
        f"{administrator_notes()}"
    ).encode()
    with tarfile.open(output, "w:gz", compresslevel=9) as archive:
        archive.add(folder, arcname=top, filter=_normalize_tar_member)
        _add_bytes(archive, f"{top}/README.txt", readme, 0o644)
        _add_bytes(archive, f"{top}/{rules.APP_NAME}.desktop", desktop_entry().encode(), 0o644)
        icon = (ROOT / "resources" / "icons" / "kombo-desktop-256.png").read_bytes()
        _add_bytes(archive, f"{top}/{rules.APP_NAME}.png", icon, 0o644)
    return output


def _normalize_tar_member(member: tarfile.TarInfo) -> tarfile.TarInfo:
    member.uid = member.gid = 0
    member.uname = member.gname = "root"
    if member.isfile():
        member.mode = 0o755 if member.mode & 0o111 else 0o644
    elif member.isdir():
        member.mode = 0o755
    return member


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes, mode: int) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, int(time.time())
    archive.addfile(info, io.BytesIO(data))


def declared_glibc(depends: list[str]) -> str:
    """``2.35`` from ``libc6 (>= 2.35)`` in ``depends``."""
    libc = next(d for d in depends if d.startswith("libc6 "))
    return libc.split(">=", 1)[1].strip(" )")


def package_linux(version: str) -> list[Path]:
    folder = app_folder()
    depends = linux_depends(folder)
    log("Depends: " + ", ".join(depends))
    glibc = declared_glibc(depends)
    if tuple(int(n) for n in glibc.split(".")) > rules.GLIBC_FLOOR:
        log(
            f"this build needs glibc {glibc} (from this machine's Python, OpenSSL and Qt): "
            "older systems such as Ubuntu 20.04 or Debian 11 cannot install it. Builds for "
            "them come from the release workflow (AlmaLinux 8, glibc 2.28)."
        )
    return [build_deb(folder, version, depends), build_tarball(folder, version, depends)]


# --- Windows -----------------------------------------------------------------------------------


def find_windows_tool(name: str, patterns: list[str]) -> Path | None:
    found = shutil.which(name)
    if found:
        return Path(found)
    for pattern in patterns:
        drive, _, rest = pattern.partition(":\\")
        matches = sorted(Path(f"{drive}:\\").glob(rest), reverse=True)
        if matches:
            return matches[0]
    return None


def windows_signing(pfx: Path) -> tuple[Path, list[str]] | None:
    """signtool and its arguments when a certificate is provided, else None (signing skipped).

    ``KOMBO_WIN_CERT_PFX_BASE64``: the code-signing certificate (.pfx) as base64 (a CI secret),
    written to ``pfx`` for the duration of the build; ``KOMBO_WIN_CERT_PASSWORD``: its password;
    ``KOMBO_WIN_TIMESTAMP_URL`` (optional): the RFC 3161 time-stamp server, so signatures stay
    valid after the certificate expires.
    """
    encoded = os.environ.get("KOMBO_WIN_CERT_PFX_BASE64", "").strip()
    if not encoded:
        log("signing skipped: KOMBO_WIN_CERT_PFX_BASE64 is not set")
        return None
    signtool = find_windows_tool(
        "signtool", [r"C:\Program Files (x86)\Windows Kits\10\bin\*\x64\signtool.exe"]
    )
    if signtool is None:
        raise SystemExit("A signing certificate was given but signtool.exe was not found.")
    pfx.write_bytes(base64.b64decode(encoded))
    timestamp = os.environ.get("KOMBO_WIN_TIMESTAMP_URL", "http://timestamp.digicert.com")
    arguments = ["sign", "/fd", "SHA256", "/td", "SHA256", "/tr", timestamp, "/f", str(pfx)]
    password = os.environ.get("KOMBO_WIN_CERT_PASSWORD", "")
    if password:
        arguments += ["/p", password]
    return signtool, arguments


def numeric_version(version: str) -> str:
    """``1.2.3rc1`` -> ``1.2.3.0``: Windows version resources take four numbers only."""
    numbers = [int(part) for part in re.findall(r"\d+", version)[:3]]
    return ".".join(str(n) for n in [*numbers, 0, 0, 0, 0][:4])


def package_windows(version: str) -> list[Path]:
    iscc = find_windows_tool(
        "iscc",
        [
            r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe",
            r"C:\Program Files\Inno Setup 6\ISCC.exe",
        ],
    )
    if iscc is None:
        raise SystemExit("Inno Setup 6 (ISCC.exe) is needed: choco install innosetup")
    command = [
        str(iscc),
        f"/DAppVersion={version}",
        f"/DAppNumericVersion={numeric_version(version)}",
        f"/DSourceDir={app_folder()}",
        f"/DOutputDir={OUT}",
        f"/DIconFile={PACKAGING / 'icons' / 'kombo-desktop.ico'}",
    ]
    with tempfile.TemporaryDirectory() as secrets:
        signing = windows_signing(Path(secrets) / "signing.pfx")
        if signing is not None:
            signtool, arguments = signing
            # The program itself first; Inno then signs the installer and its uninstaller ($f).
            subprocess.run([str(signtool), *arguments, str(executable())], check=True)  # noqa: S603
            # Inside /S, Inno wants $q for a quote ("$q...$q"), not backslash-escaped quotes.
            quoted = [f"$q{a}$q" if " " in a else a for a in [str(signtool), *arguments]]
            command += ["/DSign", f"/Skombo={' '.join(quoted)} $f"]
        command.append(str(PACKAGING / "windows" / "kombo-desktop.iss"))
        # The command line holds the certificate password when signing: do not echo it.
        log("$ ISCC kombo-desktop.iss" + (" (signed)" if signing else ""))
        subprocess.run(command, check=True)  # noqa: S603
    return [OUT / f"{rules.APP_NAME}-{version}-setup.exe"]


# --- macOS -------------------------------------------------------------------------------------


def package_macos(version: str) -> list[Path]:
    """Check the .app's signature, notarize and staple it, wrap it in a DMG, and the same again.

    The .app is notarized on its own first so a copy dragged out of the DMG carries its own
    ticket; the DMG is notarized too so Gatekeeper accepts the download itself offline.
    """
    app = DIST / f"{rules.DISPLAY_NAME}.app"
    dmg = OUT / rules.macos_dmg_name(version, platform.machine())
    scripts = PACKAGING / "macos"
    run(["bash", str(scripts / "sign.sh"), str(app)])
    run(["bash", str(scripts / "notarize.sh"), str(app)])
    run(["bash", str(scripts / "make_dmg.sh"), str(app), str(dmg), rules.DISPLAY_NAME])
    run(["bash", str(scripts / "sign.sh"), str(dmg)])
    run(["bash", str(scripts / "notarize.sh"), str(dmg)])
    return [dmg]


# --- driver ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build Kombo Desktop for this system.")
    parser.add_argument("--skip-pyinstaller", action="store_true", help="reuse packaging/out/dist")
    parser.add_argument("--skip-self-test", action="store_true", help="do not run --self-test")
    args = parser.parse_args(argv)

    version = rules.read_version()
    if platform_key() == "linux":
        rules.debian_version(version)  # a version dpkg cannot order stops here, not after 2 min
    started = time.perf_counter()
    log(f"{rules.DISPLAY_NAME} {version} for {platform_key()} ({platform.machine()})")
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.skip_pyinstaller:
        if importlib.util.find_spec("PyInstaller") is None:  # else a traceback names no way on
            raise SystemExit(
                "PyInstaller is missing for this Python. Install the packaging tools into the "
                'project\'s venv, then run this with it: .venv/bin/pip install -e ".[package]" '
                "&& .venv/bin/python packaging/build.py"
            )
        shutil.rmtree(DIST, ignore_errors=True)
        if platform_key() == "darwin":  # the signing identity must be ready before PyInstaller
            run(["bash", str(PACKAGING / "macos" / "keychain.sh")])
        pyinstaller()
    if not executable().is_file():
        raise SystemExit(f"{executable()} is missing; run without --skip-pyinstaller")
    check_keyring_entry_points()
    check_notices()
    if not args.skip_self_test:
        self_test(executable())

    packagers = {"linux": package_linux, "win32": package_windows, "darwin": package_macos}
    artefacts = packagers[platform_key()](version)
    for artefact in artefacts:
        size = artefact.stat().st_size / 1e6
        log(f"built {artefact.relative_to(ROOT)} ({size:.1f} MB)")
    log(f"done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
