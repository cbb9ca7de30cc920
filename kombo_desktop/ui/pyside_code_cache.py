"""Keep the code PySide6 compiles at every start, so that later starts load it instead.

Importing PySide6 sets up its signature support from Python source that its core library
(shiboken) carries inside itself and compiles with ``compile()`` at every start: 14 files, some
130 KB of source, with no ``.pyc`` file as ordinary modules have. On the benchmark machine that
compiling took 30-35 ms of the 150-190 ms PySide6's import takes, all before the first window
can show (benchmarks/README.md, "sixteenth look").

``PySideCodeCache.import_pyside`` imports PySide6 with that code served from a file in the
program's cache folder, as Python serves modules from ``.pyc`` files; what had to be compiled
because the file did not have it is written once the window is shown (``save``). Each piece of
code is found by the embedded file's name, a hash of its source and the compiler flags it was
compiled with, and the whole file belongs to one bytecode version (Python's magic number), so a
new PySide6 or Python compiles afresh and the file is replaced. A missing, damaged or foreign file
counts as empty: the cache is for speed only and never stops the program.

Like ``source_scan``, this relies on a private part of PySide6 (the names of the files it
compiles) and does nothing when that part looks different: PySide6 then compiles as before.
No Qt in it: it runs before PySide6 is imported.
"""

from __future__ import annotations
import __future__

import builtins
import functools
import logging
import marshal
import operator
import sys
from importlib.util import MAGIC_NUMBER, source_hash
from types import CodeType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

CACHE_FILE_NAME = "pyside-start-code.bin"
# The names under which PySide6's core library compiles its embedded files.
_EMBEDDED_BOOTSTRAP = "signature_bootstrap.py"
_EMBEDDED_PACKAGE = "shibokensupport/"
# ``compile()`` takes these flags (``from __future__`` imports) from the code that calls it,
# unless told not to: a file is compiled here with the flags its caller had, so that the code is
# the same PySide6 would have made itself.
_FUTURE_FLAGS: int = functools.reduce(
    operator.or_,
    (getattr(__future__, name).compiler_flag for name in __future__.all_feature_names),
    0,
)
# The file: Python's magic number, then ``source_hash`` of the rest, then the marshalled code.
# Both are checked before anything is loaded: code of another Python version, or a damaged
# file, is never handed to ``marshal``.
_HEADER_SIZE = len(MAGIC_NUMBER) + 8

_log = logging.getLogger(__name__)

# The embedded file's name, the hash of its source, the ``__future__`` flags it was compiled with.
_Key = tuple[str, bytes, int]


class PySideCodeCache:
    """The compiled code of PySide6's embedded files, read from and saved to ``file``."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self._saved = _read(file)
        self._used: dict[_Key, CodeType] = {}
        self._compiled_now = False

    @property
    def compiled_now(self) -> bool:
        """Whether this start compiled code the file did not have (so ``save`` has work)."""
        return self._compiled_now

    def import_pyside(self) -> None:
        """Import PySide6's widgets, compiling only what the file does not have.

        ``builtins.compile`` is replaced for as long as the import runs (the program has no
        other thread yet), and only PySide6's embedded files are served; every other call goes
        to the real function unchanged. Nothing happens when PySide6 is already imported."""
        original = builtins.compile

        def compile_or_reuse(
            source: Any, filename: Any, mode: str, *args: Any, **kwargs: Any
        ) -> Any:
            if args or kwargs or mode != "exec" or not _is_embedded(filename, source):
                return original(source, filename, mode, *args, **kwargs)
            flags = sys._getframe(1).f_code.co_flags & _FUTURE_FLAGS  # what compile would inherit
            return self._code_for(original, source, filename, flags)

        builtins.compile = compile_or_reuse
        try:
            import PySide6.QtWidgets  # noqa: F401
        finally:
            builtins.compile = original

    def _code_for(self, original: Any, source: str | bytes, filename: str, flags: int) -> CodeType:
        data = source.encode() if isinstance(source, str) else source
        key = (filename, source_hash(data), flags)
        code = self._saved.get(key)
        if code is None:
            code = original(source, filename, "exec", flags, True)
            self._compiled_now = True
        self._used[key] = code
        return code

    def save(self) -> None:
        """Write the code this start used, if it had to compile any; a failure is only logged
        (the next start compiles again)."""
        if not self._compiled_now:
            return
        from kombo_desktop.core.files import atomic_write
        from kombo_desktop.core.paths import ensure_private_dir

        payload = marshal.dumps(self._used)
        try:
            ensure_private_dir(self.file.parent)
            atomic_write(self.file, MAGIC_NUMBER + source_hash(payload) + payload)
        except OSError as error:
            _log.info(
                "PySide6's compiled code was not kept (%s); it is compiled at each start", error
            )
            return
        self._compiled_now = False


def _is_embedded(filename: object, source: object) -> bool:
    return (
        isinstance(filename, str)
        and isinstance(source, str | bytes)
        and (filename == _EMBEDDED_BOOTSTRAP or filename.startswith(_EMBEDDED_PACKAGE))
    )


def _read(file: Path) -> dict[_Key, CodeType]:
    """The code saved in ``file``; empty when there is none, or none that can be trusted."""
    try:
        content = file.read_bytes()
    except OSError:
        return {}
    header, payload = content[:_HEADER_SIZE], content[_HEADER_SIZE:]
    if header != MAGIC_NUMBER + source_hash(payload):
        return {}
    try:
        # The program's own file in its private cache folder, checked above: the same trust
        # Python gives the ``.pyc`` files in a ``__pycache__`` folder.
        codes = marshal.loads(payload)  # noqa: S302
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(codes, dict):
        return {}
    return {key: code for key, code in codes.items() if isinstance(code, CodeType)}
