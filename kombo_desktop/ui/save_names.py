"""The file a name typed in a save dialog stands for, and asking before replacing one.

The system's save dialog asks before replacing the file as typed. When the program adds the
extension itself ("customers" becomes "customers.csv"), that file was never asked about, so
the question is asked here. A name like "Acme Inc. links" or "Acme S.A" has no extension,
although ``Path.suffix`` reads ". links" or ".A" as one: it was saved without ".csv", or
refused as "not a PNG". So each save says which extensions it keeps.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from PySide6.QtWidgets import QWidget


def name_to_save(typed: Path, default_extension: str, kept: Collection[str]) -> Path:
    """``typed`` if it ends in one of the extensions ``kept`` (in any letter case), else
    ``typed`` with ``default_extension`` added: "Acme S.A" or "History 12.05.2024" end in
    no extension anyone meant."""
    if typed.suffix.lower() in kept:
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
