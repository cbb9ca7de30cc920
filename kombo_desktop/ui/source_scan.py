"""Spare PySide6 from reading the source of every module the program imports.

Once PySide6 is loaded it checks each newly imported module for use of its opt-in
``from __feature__ import ...`` switches (PYSIDE-2029). It answers that question by reading the
module's whole source file (``inspect.getsource``) and looking for the word "PySide6". For the
40-odd program and standard-library modules the window imports at start, that reading cost
about 12 ms of the start-up, more than any single part of building the window.

For two kinds of module the answer is known without reading anything: the standard library never
uses PySide6, and the program's own modules never use the ``__feature__`` switches
(``tests/ui/test_source_scan.py`` checks that), so they are recorded as ordinary PySide6 users,
which is what the scan would find for the modules under ``ui``. Every other module (third-party
packages) still goes through PySide6's own check.

This touches a private part of PySide6, so it is written to do nothing at all when that part is
missing or looks different: PySide6 then simply keeps scanning, as before.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

_PACKAGE = __name__.partition(".")[0]
_FEATURE_MODULE = "shibokensupport.feature"
_SCAN_FUNCTION = "_mod_uses_pyside"


def _known_answer(module: ModuleType) -> bool | None:
    """True/False when the module's use of PySide6 is known without reading it; else None."""
    name = getattr(module, "__name__", None)
    if not isinstance(name, str):
        return None
    top_level = name.partition(".")[0]
    if top_level == _PACKAGE:
        return True
    if top_level in sys.stdlib_module_names:
        return False
    return None


class _ScanWithKnownAnswers:
    """PySide6's check, asked only about modules whose answer is not known already."""

    def __init__(self, original: Callable[[ModuleType], bool]) -> None:
        self.original = original

    def __call__(self, module: ModuleType) -> bool:
        known = _known_answer(module)
        return self.original(module) if known is None else known


def skip_source_scan_of_known_modules() -> bool:
    """Install the shortcut once PySide6 is imported; True when it is in place.

    Safe to call repeatedly and before PySide6 is loaded (then it does nothing and says so).
    """
    feature = sys.modules.get(_FEATURE_MODULE)
    original = getattr(feature, _SCAN_FUNCTION, None)
    if feature is None or not callable(original):
        return False
    if not isinstance(original, _ScanWithKnownAnswers):
        setattr(feature, _SCAN_FUNCTION, _ScanWithKnownAnswers(original))
    return True
