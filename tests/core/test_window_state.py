"""The window's place between runs: kept apart from the settings, never a reason to fail."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kombo_desktop.core.paths import AppPaths
from kombo_desktop.core.window_state import load_window_geometry, save_window_geometry

# The shape of what QWidget.saveGeometry() gives (66 bytes); this module never looks inside.
GEOMETRY = bytes.fromhex("01d9d0cb0003") + bytes(range(60))


@pytest.fixture
def paths() -> AppPaths:
    return AppPaths.from_environment()


def test_what_was_saved_is_given_back(paths: AppPaths) -> None:
    assert load_window_geometry(paths) is None  # nothing saved yet: the usual size
    save_window_geometry(paths, GEOMETRY)
    assert load_window_geometry(paths) == GEOMETRY
    save_window_geometry(paths, GEOMETRY[::-1])
    assert load_window_geometry(paths) == GEOMETRY[::-1]


def test_saving_the_place_does_not_make_a_settings_file(paths: AppPaths) -> None:
    # settings.json appearing would end the administrator's defaults for a fresh installation.
    save_window_geometry(paths, GEOMETRY)
    assert paths.window_file.exists()
    assert not paths.settings_file.exists()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"[1, 2]",
        b'{"geometry": 42}',
        b'{"geometry": ""}',
        b'{"geometry": "not hex"}',
        b'{"geometry": "' + b"00" * 5000 + b'"}',
        b"\xff\xfe\x00garbage",
        b"[" * 10_000,
    ],
    ids=["empty", "broken", "list", "number", "blank", "not-hex", "huge", "binary", "deep"],
)
def test_a_damaged_file_means_the_usual_size(
    paths: AppPaths, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    paths.ensure()
    paths.window_file.write_bytes(content)
    with caplog.at_level(logging.WARNING):
        assert load_window_geometry(paths) is None
    assert "saved place" in caplog.text


def test_an_unwritable_folder_raises_os_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    paths = AppPaths.under(blocker / "home")
    with pytest.raises(OSError):
        save_window_geometry(paths, GEOMETRY)
    assert load_window_geometry(paths) is None


def test_the_place_is_saved_when_the_log_folder_cannot_be_made(paths: AppPaths) -> None:
    paths.log_dir.parent.mkdir(parents=True)
    paths.log_dir.write_text("a file where the log folder should be", encoding="utf-8")

    save_window_geometry(paths, GEOMETRY)

    assert load_window_geometry(paths) == GEOMETRY


@pytest.mark.parametrize("geometry", [b"", bytes(5000)], ids=["empty", "huge"])
def test_what_is_not_a_window_geometry_is_refused(paths: AppPaths, geometry: bytes) -> None:
    with pytest.raises(ValueError):
        save_window_geometry(paths, geometry)
    assert not paths.window_file.exists()
