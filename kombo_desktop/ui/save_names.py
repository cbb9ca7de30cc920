"""The file a name typed in a save dialog stands for, and asking before replacing one.

The system's save dialog asks before replacing the file as typed. When the program adds the
extension itself ("customers" becomes "customers.csv"), that file was never asked about, so
the question is asked here. A name like "Acme Inc. links" has no extension, although
``Path.suffix`` reads ". links" as one: it was saved without ".csv", or refused as "not a PNG".
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QWidget

# What counts as an extension a person typed: a dot and up to five letters or digits.
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}")


def typed_extension(path: Path) -> str:
    """The extension ``path`` was given ("" for none), lower case."""
    return path.suffix.lower() if _EXTENSION.fullmatch(path.suffix) else ""


def name_to_save(typed: Path, default_extension: str) -> Path:
    """``typed`` if it has an extension, else ``typed`` with ``default_extension`` added."""
    if typed_extension(typed):
        return typed
    return typed.with_name(typed.name + default_extension)


def may_replace(parent: QWidget, title: str, typed: Path, target: Path) -> bool:
    """True to go on writing ``target``: the dialog already asked about ``typed``; a file the
    program named itself is asked about here, if it exists."""
    if target == typed or not target.exists():
        return True
    from kombo_desktop.ui.confirm import confirm

    question = f"“{target.name}” already exists in that folder. Replace it?"
    return confirm(parent, title, question, "Replace")
