"""Where the program's files go, with and without KOMBO_DESKTOP_HOME."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import platformdirs
import pytest

from kombo_desktop.core.catalog import CatalogCache, ToolListOwner
from kombo_desktop.core.history import HistoryStore
from kombo_desktop.core.paths import APP_NAME, HOME_VARIABLE, AppPaths, ensure_private_dir
from kombo_desktop.core.vocabulary import Category
from tests.support.locked_files import unchangeable_folder

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")


def test_everything_lives_below_kombo_desktop_home(isolated_home: Path) -> None:
    paths = AppPaths.from_environment()

    assert paths.config_dir == isolated_home / "config"
    assert paths.data_dir == isolated_home / "data"
    assert paths.cache_dir == isolated_home / "cache"
    assert paths.log_dir == isolated_home / "logs"
    assert paths.settings_file == isolated_home / "config" / "settings.json"
    assert paths.history_file == isolated_home / "data" / "history.sqlite3"
    assert paths.log_file.parent == isolated_home / "logs"
    assert paths.catalog_cache_dir.parent == isolated_home / "cache"


def test_explicit_environment_mapping_wins_over_process_environment(tmp_path: Path) -> None:
    paths = AppPaths.from_environment({HOME_VARIABLE: str(tmp_path / "portable")})

    assert paths.config_dir == tmp_path / "portable" / "config"


def test_relative_home_is_fixed_to_an_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    paths = AppPaths.from_environment({HOME_VARIABLE: "portable"})

    assert paths.config_dir.is_absolute()
    assert paths.config_dir == tmp_path / "portable" / "config"


def test_home_with_tilde_is_expanded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    paths = AppPaths.from_environment({HOME_VARIABLE: "~/kombo"})

    assert paths.data_dir == tmp_path / "kombo" / "data"


@pytest.mark.parametrize("value", ["", "   "])
def test_blank_home_means_platform_folders(value: str) -> None:
    paths = AppPaths.from_environment({HOME_VARIABLE: value})

    assert paths.config_dir == platformdirs.user_config_path(APP_NAME, appauthor=False)
    assert paths.data_dir == platformdirs.user_data_path(APP_NAME, appauthor=False)
    assert paths.cache_dir == platformdirs.user_cache_path(APP_NAME, appauthor=False)
    assert paths.log_dir == platformdirs.user_log_path(APP_NAME, appauthor=False)
    for directory in paths.all_dirs():
        assert APP_NAME in directory.parts


def test_platform_folders_are_only_computed_not_created() -> None:
    paths = AppPaths.from_environment({})

    assert paths.settings_file.name == "settings.json"
    assert paths.history_file.name == "history.sqlite3"


def test_ensure_creates_every_folder(isolated_home: Path) -> None:
    paths = AppPaths.from_environment()
    assert not isolated_home.exists()

    paths.ensure()
    paths.ensure()  # a second call is harmless

    for directory in (paths.config_dir, paths.data_dir, paths.cache_dir, paths.log_dir):
        assert directory.is_dir()


@posix_only
def test_ensure_makes_new_folders_private(isolated_home: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        AppPaths.from_environment().ensure()
    finally:
        os.umask(old_umask)

    for directory in (isolated_home, *isolated_home.iterdir()):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory


@posix_only
def test_the_history_and_tool_lists_are_written_to_private_folders(isolated_home: Path) -> None:
    # Once only the log's writer made the folders, the history's (customers' e-mail addresses)
    # was made with the usual mode 0755, readable by every account of the computer.
    paths = AppPaths.from_environment()
    old_umask = os.umask(0o022)
    try:
        with HistoryStore(paths.history_file):
            pass
        CatalogCache(paths.cache_dir).save(
            ToolListOwner("default", "https://api.kombo.dev/v1"), Category.HRIS, []
        )
    finally:
        os.umask(old_umask)
    for directory in (paths.data_dir, paths.cache_dir):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory


@posix_only
def test_ensure_tightens_the_programs_own_folders_but_not_the_home(tmp_path: Path) -> None:
    home = tmp_path / "shared"
    (home / "config").mkdir(parents=True)
    os.chmod(home, 0o755)  # noqa: S103 - a folder others may read, on purpose
    os.chmod(home / "config", 0o777)  # noqa: S103 - too open, to be tightened

    AppPaths.under(home).ensure()

    assert stat.S_IMODE(home.stat().st_mode) == 0o755
    assert stat.S_IMODE((home / "config").stat().st_mode) == 0o700


@posix_only
def test_a_folder_whose_mode_cannot_be_changed_is_used_as_it_is_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A log folder another account owns, or on a read-only disk: whether its files can be
    # written is for the writing to find out; the mode alone is no reason to stop.
    folder = tmp_path / "logs"
    folder.mkdir()
    os.chmod(folder, 0o755)  # noqa: S103 - others may read it: the program would tighten it
    with unchangeable_folder(folder), caplog.at_level(logging.WARNING):
        ensure_private_dir(folder)

    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    assert f"{folder} could not be made private" in caplog.text


def test_a_folder_that_cannot_be_made_raises(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("no folder can be made below a file, not even by root", encoding="utf-8")
    with pytest.raises(OSError):
        ensure_private_dir(blocker / "logs")


def test_all_dirs_lists_shared_folders_once(tmp_path: Path) -> None:
    shared = tmp_path / "one"
    paths = AppPaths(config_dir=shared, data_dir=shared, cache_dir=tmp_path / "c", log_dir=shared)

    assert paths.all_dirs() == (shared, tmp_path / "c")
