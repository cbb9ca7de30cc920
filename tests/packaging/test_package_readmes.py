"""The READMEs inside the Linux packages: what an administrator who has only the package needs.

Neither the ``.deb`` nor the ``.tar.gz`` carries the project's own documentation, so their
READMEs must say themselves where the policy file goes and how a key is put into the password
store, with the names the program really uses; and the ``.tar.gz``, the package for systems
without apt, must name the system libraries for dnf as well.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from kombo_desktop.core import credentials, policy, settings

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

import build  # noqa: E402
import bundle_rules as rules  # noqa: E402

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux packages")


def small_program_folder(tmp_path: Path) -> Path:
    """A folder standing in for the built program: the launcher and the notices."""
    folder = tmp_path / "kombo-desktop"
    folder.mkdir()
    (folder / "kombo-desktop").write_text("#!/bin/sh\n", encoding="utf-8")
    (folder / "kombo-desktop").chmod(0o755)
    (folder / "THIRD-PARTY-NOTICES.txt").write_text("notices\n", encoding="utf-8")
    return folder


def assert_tells_an_administrator_what_to_do(readme: str) -> None:
    """The policy file's place and the command that stores a key, as the program reads them."""
    system_file = Path("/etc/xdg") / policy.APP_NAME / policy.POLICY_FILE_NAME
    assert str(system_file) in readme
    assert policy.POLICY_ENV in readme
    profile = settings.DEFAULT_PROFILE_NAME
    assert f"service {credentials.SERVICE_NAME} username {profile}" in readme  # secret-tool
    assert f"keyring set {credentials.SERVICE_NAME} {profile}" in readme
    assert "packaging/README.md" not in readme  # not in the package


@linux_only
@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg-deb")
def test_the_deb_readme_says_where_the_policy_file_goes_and_how_to_store_a_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build, "OUT", tmp_path / "out")
    package = build.build_deb(small_program_folder(tmp_path), "0.1.0", rules.linux_depends())

    unpacked = tmp_path / "unpacked"
    subprocess.run(["dpkg-deb", "-x", str(package), str(unpacked)], check=True)
    readme = (unpacked / "usr" / "share" / "doc" / rules.APP_NAME / "README").read_text("utf-8")
    assert_tells_an_administrator_what_to_do(readme)


def test_the_tarball_readme_names_the_libraries_for_apt_and_dnf_and_the_policy_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build, "OUT", tmp_path / "out")
    (tmp_path / "out").mkdir()
    tarball = build.build_tarball(small_program_folder(tmp_path), "0.1.0", rules.linux_depends())

    with tarfile.open(tarball) as archive:
        member = archive.extractfile(f"{rules.APP_NAME}-0.1.0/README.txt")
        assert member is not None
        readme = member.read().decode()
    assert "glibc 2.28 or newer" in readme
    apt_line = next(line for line in readme.splitlines() if "apt install" in line)
    debian_names = [name.split(" ")[0] for name in rules.linux_depends()[1:]]
    assert apt_line.split() == ["sudo", "apt", "install", *debian_names]
    dnf_line = next(line for line in readme.splitlines() if "dnf install" in line)
    assert dnf_line.split() == ["sudo", "dnf", "install", *rules.RPM_RUNTIME_PACKAGES]
    assert_tells_an_administrator_what_to_do(readme)


def test_the_dnf_names_are_those_the_release_build_installs_before_its_self_test() -> None:
    # The release workflow's AlmaLinux 8 job installs them and then runs the built program's
    # self-test, the one place where the names are checked against a real RPM system.
    workflow = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    linux_job = workflow.split("\n  linux:\n", 1)[1].split("\n  linux-install:\n", 1)[0]
    installed = set(linux_job.replace("\\\n", " ").split())
    missing = [name for name in rules.RPM_RUNTIME_PACKAGES if name not in installed]
    assert not missing, missing
