"""What the Linux package declares about itself: the glibc it needs.

apt installs a package on any system whose packages satisfy its ``Depends``. A ``.deb`` that
claims less than its files need installs fine and then dies at start with "GLIBC_2.34 not
found", which leaves the person with a broken program and no way forward; one that claims the
truth is refused by apt with a message naming the missing version.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

import binaries  # noqa: E402
import build  # noqa: E402
import bundle_rules as rules  # noqa: E402

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF files")


def readelf_version_needs(path: Path) -> dict[str, set[str]]:
    """The "Version needs" of ``readelf --version-info``: binutils' reading, to check ours."""
    output = subprocess.run(
        ["readelf", "--version-info", "--wide", str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
    ).stdout
    needs: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in output.partition("Version needs section")[2].splitlines()[1:]:
        if not line.startswith(" "):
            break  # the next section's heading
        if file_match := re.search(r"File: (\S+)", line):
            current = needs.setdefault(file_match[1], set())
        elif (name_match := re.search(r"Name: (\S+)", line)) and current is not None:
            current.add(name_match[1])
    return needs


def real_elf_files() -> list[Path]:
    """Binaries of this machine's Python and Qt, as the bundle carries them."""
    import _posixsubprocess

    import PySide6

    return [
        Path(_posixsubprocess.__file__),
        Path(sys.executable).resolve(),
        Path(PySide6.__file__).parent / "Qt" / "lib" / "libQt6Core.so.6",
    ]


@linux_only
@pytest.mark.skipif(shutil.which("readelf") is None, reason="needs binutils' readelf to compare")
@pytest.mark.parametrize("path", real_elf_files(), ids=lambda path: path.name)
def test_version_needs_are_read_as_binutils_reads_them(path: Path) -> None:
    needs = binaries.elf_version_needs(path)
    assert needs == readelf_version_needs(path)
    assert any(version.startswith("GLIBC_2.") for version in needs["libc.so.6"])


def test_files_that_are_not_elf_need_no_versions() -> None:
    assert binaries.elf_version_needs(Path(__file__)) == {}


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ({"GLIBC_2.2.5", "GLIBC_2.34", "GLIBC_2.17", "GLIBC_PRIVATE"}, (2, 34)),
        ({"GLIBC_2.9", "GLIBC_2.10"}, (2, 10)),  # compared as numbers, not as text
        ({"GLIBC_2.14", "GLIBC_ABI_DT_RELR"}, (2, 36)),  # packed relocations need glibc 2.36
        ({"GCC_3.0", "OPENSSL_3.0.0", "GLIBCXX_3.4.30", "CXXABI_1.3"}, None),
        (set(), None),
    ],
)
def test_the_newest_glibc_among_version_names(
    names: set[str], expected: tuple[int, int] | None
) -> None:
    assert binaries.glibc_version_needed(names) == expected


@linux_only
def test_the_deb_declares_the_glibc_its_files_need(tmp_path: Path) -> None:
    # A small bundle: one of Python's extension modules of this machine (it links against
    # glibc only), where the real bundle carries it.
    import _posixsubprocess

    source = Path(_posixsubprocess.__file__)
    dynload = tmp_path / "_internal" / "python3.11" / "lib-dynload"
    dynload.mkdir(parents=True)
    shutil.copy2(source, dynload / source.name)

    needed = binaries.glibc_version_needed(binaries.elf_version_needs(source)["libc.so.6"])
    assert needed is not None
    expected = max(needed, rules.GLIBC_FLOOR)
    depends = build.linux_depends(tmp_path)
    assert depends[0] == "libc6 (>= {}.{})".format(*expected)
    if needed > rules.GLIBC_FLOOR:  # this machine's Python is newer than the release base
        assert depends[0] != "libc6 (>= 2.28)"
        assert build.declared_glibc(depends) == "{}.{}".format(*needed)


def test_the_glibc_floor_holds_when_nothing_needs_more(tmp_path: Path) -> None:
    (tmp_path / "README.txt").write_text("no binaries here", encoding="utf-8")
    assert build.glibc_minimum(tmp_path) == "2.28"
    assert rules.linux_depends()[0] == "libc6 (>= 2.28)"


# --- the package's version ---------------------------------------------------------------------

needs_dpkg = pytest.mark.skipif(shutil.which("dpkg") is None, reason="needs dpkg to compare")

# In the order PEP 440 gives them (checked below), from oldest to newest.
PEP440_IN_ORDER = [
    "0.1.0",
    "0.1.1.post1",
    "0.2.0.dev1",
    "0.2.0.dev2",
    "0.2.0a1.dev1",
    "0.2.0a1",
    "0.2.0a1.post1",
    "0.2.0a2",
    "0.2.0b1",
    "0.2.0b2",
    "0.2.0rc1.dev1",
    "0.2.0rc1",
    "0.2.0rc2",
    "0.2.0",
    "0.2.0.post1.dev1",
    "0.2.0.post1",
    "0.2.0.post2",
    "0.2.1.dev1",
    "0.2.1",
    "0.10.0",
    "1!0.0.1",
]


def dpkg_says(left: str, relation: str, right: str) -> bool:
    done = subprocess.run(["dpkg", "--compare-versions", left, relation, right], check=False)
    return done.returncode == 0


@pytest.mark.parametrize(
    ("pep440", "debian"),
    [
        ("0.1.0", "0.1.0"),
        ("0.2.0rc1", "0.2.0~rc1"),
        ("0.2.0a1", "0.2.0~a1"),
        ("0.2.0b2", "0.2.0~b2"),
        ("0.2.0.dev1", "0.2.0~~dev1"),
        ("0.2.0a1.dev3", "0.2.0~a1~dev3"),
        ("0.2.0.post1", "0.2.0+post1"),
        ("0.2.0.post1.dev1", "0.2.0+post1~dev1"),
        # Spellings PEP 440 normalises: the package always carries the normal form.
        ("0.2.0-RC1", "0.2.0~rc1"),
        ("0.2.0alpha1", "0.2.0~a1"),
        ("0.2.0-1", "0.2.0+post1"),
        ("1!2.0", "1:2.0"),
    ],
)
def test_debian_form_of_a_version(pep440: str, debian: str) -> None:
    assert rules.debian_version(pep440) == debian


@pytest.mark.parametrize("bad", ["0.2.0+local.1", "latest", "0.2.0~rc1"])
def test_a_version_dpkg_could_not_order_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(bad))):
        rules.debian_version(bad)


def test_the_package_file_is_named_with_the_debian_form() -> None:
    assert rules.deb_file_name("0.2.0rc1", "amd64") == "kombo-desktop_0.2.0~rc1_amd64.deb"
    assert rules.deb_file_name("1!2.0", "arm64") == "kombo-desktop_2.0_arm64.deb"


@needs_dpkg
def test_dpkg_orders_the_packages_as_pep_440_orders_the_versions() -> None:
    from packaging.version import Version

    assert sorted(PEP440_IN_ORDER, key=Version) == PEP440_IN_ORDER
    # What went wrong before: unchanged, a release candidate outranks its release.
    assert dpkg_says("0.2.0rc1", "gt", "0.2.0")
    debian = [rules.debian_version(version) for version in PEP440_IN_ORDER]
    for older, newer in itertools.pairwise(debian):
        assert dpkg_says(older, "lt", newer), f"dpkg orders {older} after {newer}"
    # Every pair, not only neighbours: a release is an upgrade from each of its pre-releases.
    release = rules.debian_version("0.2.0")
    for version in PEP440_IN_ORDER[: PEP440_IN_ORDER.index("0.2.0")]:
        assert dpkg_says(rules.debian_version(version), "lt", release), version


@linux_only
@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg-deb")
def test_the_control_file_and_package_name_carry_the_debian_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "kombo-desktop"
    folder.mkdir()
    (folder / "kombo-desktop").write_text("#!/bin/sh\n", encoding="utf-8")
    (folder / "kombo-desktop").chmod(0o755)
    (folder / "THIRD-PARTY-NOTICES.txt").write_text("notices\n", encoding="utf-8")
    monkeypatch.setattr(build, "OUT", tmp_path / "out")

    package = build.build_deb(folder, "0.2.0rc1", ["libc6 (>= 2.28)"])

    assert package.name == f"kombo-desktop_0.2.0~rc1_{build.debian_architecture()}.deb"
    field = subprocess.run(
        ["dpkg-deb", "--field", str(package), "Version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert field.stdout.strip() == "0.2.0~rc1"
