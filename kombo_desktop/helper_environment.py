"""The environment that programs started by the packaged program inherit from it.

PyInstaller's Linux launcher puts the bundle's own folder first on ``LD_LIBRARY_PATH``, so that
the program finds the libraries it ships. Every program started from it inherits that: the
browser for "Open", the mail program for "E-mail…", the file manager for "Open folder" (all
through the system's ``xdg-open``) would load the bundle's Qt, OpenSSL and ICU instead of their
own. A KDE browser or file manager built with a newer Qt than the bundle's then does not start at
all, and nothing tells the person why the link did not open. The launcher keeps the value it
found in ``LD_LIBRARY_PATH_ORIG``; :func:`restore_library_path` puts it back before anything is
started. The program itself keeps its libraries: the system's loader read the variable once,
when the process started.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, MutableMapping

LIBRARY_PATH = "LD_LIBRARY_PATH"
ORIGINAL_LIBRARY_PATH = "LD_LIBRARY_PATH_ORIG"  # where PyInstaller keeps the value it found


def is_packaged_for_linux(platform: str = sys.platform) -> bool:
    return bool(getattr(sys, "frozen", False)) and platform.startswith("linux")


def restore_library_path(environ: MutableMapping[str, str]) -> None:
    """Give ``LD_LIBRARY_PATH`` back the value it had before the launcher changed it (none at
    all when it had none)."""
    original = environ.pop(ORIGINAL_LIBRARY_PATH, None)
    if original is None:
        environ.pop(LIBRARY_PATH, None)
    else:
        environ[LIBRARY_PATH] = original


def bundle_folders_handed_on(environ: Mapping[str, str], bundle: str) -> list[str]:
    """The folders of ``LD_LIBRARY_PATH`` that lie in the bundle: what a started program would
    wrongly load libraries from (none, once :func:`restore_library_path` ran)."""
    folders = environ.get(LIBRARY_PATH, "").split(":")
    return [folder for folder in folders if folder and folder.startswith(bundle)]
