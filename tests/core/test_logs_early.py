"""What is logged before the log file is open: kept in memory, then written to it, masked."""

from __future__ import annotations

import logging
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kombo_desktop.core.logs import (
    MASK,
    configure_logging,
    hold_early_records,
    register_secret,
    stop_logging,
)
from kombo_desktop.core.paths import AppPaths

log = logging.getLogger("kombo_desktop.tests.early_logs")


@pytest.fixture
def root_level() -> Iterator[None]:
    root = logging.getLogger()
    level = root.level
    yield
    stop_logging()
    root.setLevel(level)


def log_text(paths: AppPaths) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return paths.log_file.read_text(encoding="utf-8") if paths.log_file.exists() else ""


def kept_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if type(h).__name__ == "_EarlyRecords"]


@pytest.mark.usefixtures("root_level")
def test_records_made_before_the_file_opens_are_written_in_order_and_masked() -> None:
    paths = AppPaths.from_environment()
    key = "kmb_live_" + secrets.token_urlsafe(24)
    hold_early_records(paths)
    log.info("first, before the file")
    log.warning("second, with the key %s", key)
    register_secret(key)  # registered after the record was made, before it is written
    assert not paths.log_file.exists()

    configure_logging(paths)
    log.info("third, after the file")

    text = log_text(paths)
    positions = [text.index(word) for word in ("first,", "second,", "third,")]
    assert positions == sorted(positions)
    assert key not in text
    assert f"with the key {MASK}" in text
    assert kept_handlers() == []


@pytest.mark.usefixtures("root_level")
def test_records_are_not_written_twice_when_the_file_is_already_open() -> None:
    paths = AppPaths.from_environment()
    configure_logging(paths)
    hold_early_records(paths)  # the file is open, and writes the records kept meanwhile
    log.info("only once")
    configure_logging(paths)
    assert log_text(paths).count("only once") == 1
    assert kept_handlers() == []


def paths_in(folder: Path) -> AppPaths:
    """Another program home's paths (an earlier window's in the same process)."""
    return AppPaths(
        config_dir=folder / "config", data_dir=folder / "data", cache_dir=folder / "cache",
        log_dir=folder / "logs",
    )  # fmt: skip


@pytest.mark.usefixtures("root_level")
def test_records_kept_while_another_log_file_is_open_reach_the_file_that_opens(
    tmp_path: Path,
) -> None:
    # An earlier window in the same process left its log file open in its own folder: nothing
    # was kept, and what this window logged before its own file opened was not in it.
    earlier = paths_in(tmp_path / "earlier")
    configure_logging(earlier)
    paths = AppPaths.from_environment()
    hold_early_records(paths)
    log.info("logged before this window's file opens")
    configure_logging(paths)
    log.info("logged after it opened")

    text = log_text(paths)
    assert text.count("logged before this window's file opens") == 1
    assert text.index("logged before") < text.index("logged after")
    assert kept_handlers() == []


@pytest.mark.usefixtures("root_level")
def test_records_kept_for_a_file_are_not_taken_by_a_file_opened_elsewhere_meanwhile(
    tmp_path: Path,
) -> None:
    # An earlier window's start-up opened its own file after this window began keeping
    # records: it took them, and what followed went there too, never to this window's file.
    paths = AppPaths.from_environment()
    hold_early_records(paths)
    log.info("first, kept")
    configure_logging(paths_in(tmp_path / "earlier"))
    log.info("second, while the other file is open")
    configure_logging(paths)

    text = log_text(paths)
    assert text.count("first, kept") == 1
    assert text.count("second, while the other file is open") == 1
    assert text.index("first,") < text.index("second,")
    assert kept_handlers() == []


@pytest.mark.usefixtures("root_level")
def test_a_log_folder_that_cannot_be_made_drops_the_kept_records(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file-not-a-folder"
    blocker.write_text("x")  # no folder can be made below a file, not even by root
    paths = AppPaths(
        config_dir=blocker / "c", data_dir=blocker / "d", cache_dir=blocker / "x",
        log_dir=blocker / "logs",
    )  # fmt: skip
    hold_early_records(paths)
    log.info("kept for a file that never opens")
    assert kept_handlers() != []
    with pytest.raises(OSError):
        configure_logging(paths)
    assert kept_handlers() == []


@pytest.mark.usefixtures("root_level")
def test_the_log_opens_whatever_is_wrong_with_the_other_folders(tmp_path: Path) -> None:
    # A settings folder another account owns made the status say the log file could not be
    # opened: opening the log created and tightened every folder of the program.
    blocker = tmp_path / "a-file-not-a-folder"
    blocker.write_text("x")
    paths = AppPaths(
        config_dir=blocker / "c", data_dir=blocker / "d", cache_dir=blocker / "x",
        log_dir=tmp_path / "logs",
    )  # fmt: skip
    configure_logging(paths)
    log.info("written although the settings folder cannot be made")

    assert "written although" in log_text(paths)


def test_importing_the_module_does_not_import_logging_handlers() -> None:
    """``logging.handlers`` costs the window's start about 6 ms; only the log file needs it."""
    code = (
        "import sys, kombo_desktop.core.logs, kombo_desktop.core.credentials; "
        "print('logging.handlers' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
