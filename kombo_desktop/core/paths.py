"""Where the program keeps its own files: settings, history, logs and caches.

By default each kind of file goes to the folder the operating system expects for it (found with
``platformdirs``), so backups, roaming profiles and clean-up tools treat them correctly. When
``KOMBO_DESKTOP_HOME`` is set, everything goes below that one folder instead: tests, portable
installs and support sessions use it to keep the program's files together and away from the
user's real ones.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

# The same folder name as the administrator policy folder and the credential service name.
APP_NAME = "kombo-desktop"
HOME_VARIABLE = "KOMBO_DESKTOP_HOME"

_log = logging.getLogger(__name__)

# Folders only the signed-in user may enter: the history holds customers' e-mail addresses.
_PRIVATE_DIR_MODE = 0o700


class AppPaths(NamedTuple):
    """The four folders the program writes to, and the files inside them.

    A named tuple rather than a frozen dataclass, which compiles its methods as this module
    loads, before the window's first frame (``app.Options`` says more)."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> AppPaths:
        """Folders for this run: below ``KOMBO_DESKTOP_HOME`` when set, else the platform's."""
        env = os.environ if environ is None else environ
        home = env.get(HOME_VARIABLE, "").strip()
        if home:
            return cls.under(Path(home))
        return cls._platform_defaults()

    @classmethod
    def under(cls, home: Path) -> AppPaths:
        """All folders below one home folder (what ``KOMBO_DESKTOP_HOME`` selects).

        The path is made absolute now so that a later change of the working folder cannot move
        the program's files.
        """
        root = home.expanduser().absolute()
        return cls(
            config_dir=root / "config",
            data_dir=root / "data",
            cache_dir=root / "cache",
            log_dir=root / "logs",
        )

    @classmethod
    def _platform_defaults(cls) -> AppPaths:
        # Imported here: only the default case needs it, and tests never reach it by accident.
        import platformdirs

        # appauthor=False: without it Windows nests the folder twice (kombo-desktop\kombo-desktop).
        return cls(
            config_dir=platformdirs.user_config_path(APP_NAME, appauthor=False),
            data_dir=platformdirs.user_data_path(APP_NAME, appauthor=False),
            cache_dir=platformdirs.user_cache_path(APP_NAME, appauthor=False),
            log_dir=platformdirs.user_log_path(APP_NAME, appauthor=False),
        )

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def window_file(self) -> Path:
        return self.config_dir / "window.json"

    @property
    def history_file(self) -> Path:
        return self.data_dir / "history.sqlite3"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "kombo-desktop.log"

    @property
    def catalog_cache_dir(self) -> Path:
        return self.cache_dir / "catalog"

    def all_dirs(self) -> tuple[Path, ...]:
        """Every folder the program writes to (some platforms use one folder for two roles)."""
        return tuple(dict.fromkeys((self.config_dir, self.data_dir, self.cache_dir, self.log_dir)))

    def ensure(self) -> None:
        """Create all four folders with ``ensure_private_dir`` (tests and tools that want them
        all). The program itself ensures only the folder it is about to write to, so that a
        log folder it may not change cannot stop the settings from being saved, nor a settings
        folder the log from being opened."""
        for directory in self.all_dirs():
            ensure_private_dir(directory)


def ensure_private_dir(directory: Path) -> None:
    """Create ``directory`` (and its missing parents), readable only by the current user.

    On Windows and macOS the per-user folders are already private, and Windows ignores POSIX
    modes, so only the folder's existence is ensured there. Elsewhere every folder this call
    creates, and ``directory`` even when it already exists, gets mode 0700. Folders that existed
    before and are not the program's own (``~/.config``, or the folder ``KOMBO_DESKTOP_HOME``
    names) are left as they are.

    Raises ``OSError`` when the folder cannot be created. An existing folder whose mode cannot
    be changed (another account's, or on a read-only disk) is used as it is, with a warning in
    the log: whether its files can be written is for the writing to find out.
    """
    missing: list[Path] = []
    current = directory
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    directory.mkdir(mode=_PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    if os.name == "nt":
        return
    # mkdir() applies the umask and ignores the mode for parents it creates; set it explicitly.
    for path in missing:
        os.chmod(path, _PRIVATE_DIR_MODE)
    if directory not in missing:
        try:
            os.chmod(directory, _PRIVATE_DIR_MODE)
        except OSError as error:
            _log.warning("The folder %s could not be made private: %s", directory, error)
