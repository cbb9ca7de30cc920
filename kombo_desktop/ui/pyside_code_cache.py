"""Keep what PySide6 compiles at every start, so that later starts load it instead.

Importing PySide6 sets up its signature support from Python source that its core library
(shiboken) carries inside itself, and compiles it at every start: 14 files, some 130 KB of
source, with no ``.pyc`` file as ordinary modules have, and in them three large regular
expressions (for writing ``.pyi`` files and reading signatures), which Python's ``re`` compiles
afresh in each process. On the benchmark machine the code took 30-35 ms and the expressions
about 30 ms of the 150-190 ms PySide6's import takes, all before the first window can show
(benchmarks/README.md, "sixteenth look").

``PySideCodeCache.import_pyside`` imports PySide6 with both served from a file in the program's
cache folder, as Python serves modules from ``.pyc`` files; what had to be compiled because the
file did not have it is written once the window is shown (``save``).

- Code is found by the embedded file's name, a hash of its source and the compiler flags it was
  compiled with; a new PySide6 compiles afresh and the file is replaced.
- An expression is kept as what ``re`` hands to its C engine (``_sre.compile``), found by its
  text and flags, and only when remaking it from that gives the very pattern ``re`` made
  (patterns compare equal only when their compiled programs do).
- The whole file belongs to one Python version (its magic number) and is checked by a hash
  before anything in it is loaded. A missing, damaged or foreign file counts as empty: the
  cache is for speed only and never stops the program.

Like ``source_scan``, this relies on private parts of PySide6 (the names of the files it
compiles) and of Python's ``re`` (the same in 3.11 to 3.13), and does nothing where they look
different: PySide6 then compiles as before. No Qt in it: it runs before PySide6 is imported.
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
_CodeKey = tuple[str, bytes, int]
# A regular expression's text and flags; what ``re._compiler.compile`` passes to ``_sre.compile``
# after the text: final flags, program, group count, group names both ways.
_PatternKey = tuple[str, int]
_PatternParts = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]


class PySideCodeCache:
    """What PySide6's import compiles, read from and saved to ``file``."""

    def __init__(self, file: Path) -> None:
        self.file = file
        saved = _read(file)
        self._saved_code: dict[_CodeKey, CodeType] = saved.get("code", {})
        self._saved_patterns: dict[_PatternKey, _PatternParts] = saved.get("patterns", {})
        self._used_code: dict[_CodeKey, CodeType] = {}
        self._used_patterns: dict[_PatternKey, _PatternParts] = {}
        self._compiled_now = False

    @property
    def compiled_now(self) -> bool:
        """Whether this start compiled what the file did not have (so ``save`` has work)."""
        return self._compiled_now

    def import_pyside(self) -> None:
        """Import PySide6's widgets, compiling only what the file does not have.

        ``builtins.compile`` and ``re``'s compiler are replaced for as long as the import runs
        (the program has no other thread yet); only PySide6's embedded files and the
        expressions compiled meanwhile are served, every other call goes to the real function
        unchanged. Nothing happens when PySide6 is already imported."""
        original_compile = builtins.compile
        patterns = _PatternCompiler.found()

        def compile_or_reuse(
            source: Any, filename: Any, mode: str, *args: Any, **kwargs: Any
        ) -> Any:
            if args or kwargs or mode != "exec" or not _is_embedded(filename, source):
                return original_compile(source, filename, mode, *args, **kwargs)
            flags = sys._getframe(1).f_code.co_flags & _FUTURE_FLAGS  # what compile would inherit
            return self._code_for(original_compile, source, filename, flags)

        builtins.compile = compile_or_reuse
        if patterns is not None:
            patterns.serve(self._pattern_for)
        try:
            import PySide6.QtWidgets  # noqa: F401
        finally:
            builtins.compile = original_compile
            if patterns is not None:
                patterns.stop_serving()

    def _code_for(self, original: Any, source: str | bytes, filename: str, flags: int) -> CodeType:
        data = source.encode() if isinstance(source, str) else source
        key = (filename, source_hash(data), flags)
        code = self._saved_code.get(key)
        if code is None:
            code = original(source, filename, "exec", flags, True)
            self._compiled_now = True
        self._used_code[key] = code
        return code

    def _pattern_for(self, compiler: _PatternCompiler, pattern: str, flags: int) -> Any:
        key = (pattern, flags)
        parts = self._saved_patterns.get(key)
        if parts is not None:
            remade = compiler.remake(pattern, parts)
            if remade is not None:
                self._used_patterns[key] = parts
                return remade
        made = compiler.original(pattern, flags)
        parts = compiler.parts(pattern, flags, made)
        if parts is not None:
            self._used_patterns[key] = parts
            self._compiled_now = True
        return made

    def save(self) -> None:
        """Write what this start used, if it had to compile any of it; a failure is only
        logged (the next start compiles again)."""
        if not self._compiled_now:
            return
        from kombo_desktop.core.files import atomic_write
        from kombo_desktop.core.paths import ensure_private_dir

        payload = marshal.dumps({"code": self._used_code, "patterns": self._used_patterns})
        try:
            ensure_private_dir(self.file.parent)
            atomic_write(self.file, MAGIC_NUMBER + source_hash(payload) + payload)
        except OSError as error:
            _log.info(
                "PySide6's compiled code was not kept (%s); it is compiled at each start", error
            )
            return
        self._compiled_now = False


class _PatternCompiler:
    """The private parts of Python's ``re`` that compile an expression, where they are as in
    Python 3.11 to 3.13: ``re._compiler.compile`` parses the text (``re._parser.parse``), makes
    the engine's program (``re._compiler._code``) and hands both to ``_sre.compile``."""

    def __init__(self, compiler: Any, parser: Any, engine: Any) -> None:
        self._compiler = compiler
        self._parser = parser
        self._engine = engine
        self.original: Any = compiler.compile

    @classmethod
    def found(cls) -> _PatternCompiler | None:
        compiler = sys.modules.get("re._compiler")
        parser = sys.modules.get("re._parser")
        engine = sys.modules.get("_sre")
        needed = (
            callable(getattr(compiler, "compile", None))
            and callable(getattr(compiler, "_code", None))
            and callable(getattr(parser, "parse", None))
            and callable(getattr(engine, "compile", None))
        )
        return cls(compiler, parser, engine) if needed else None

    def serve(self, pattern_for: Any) -> None:
        original = self.original

        def compile_or_reuse(pattern: Any, flags: Any = 0) -> Any:
            if not isinstance(pattern, str) or type(flags) is not int:
                return original(pattern, flags)
            return pattern_for(self, pattern, flags)

        self._compiler.compile = compile_or_reuse

    def stop_serving(self) -> None:
        self._compiler.compile = self.original

    def parts(self, pattern: str, flags: int, made: Any) -> _PatternParts | None:
        """What remakes ``made``, or None when remaking it would not give the same pattern."""
        try:
            parsed = self._parser.parse(pattern, flags)
            names = dict(parsed.state.groupdict)
            by_index: list[str | None] = [None] * parsed.state.groups
            for name, index in names.items():
                by_index[index] = name
            parts = (
                flags | parsed.state.flags,
                [int(word) for word in self._compiler._code(parsed, flags)],  # no int subclasses
                parsed.state.groups - 1,
                names,
                tuple(by_index),
            )
        except Exception:  # ``re`` changed: compile as before
            return None
        return parts if self.remake(pattern, parts) == made else None

    def remake(self, pattern: str, parts: _PatternParts) -> Any:
        """The pattern made from ``parts``; None if the engine refuses them."""
        try:
            return self._engine.compile(pattern, *parts)
        except Exception:  # a program the engine does not accept
            return None


def _is_embedded(filename: object, source: object) -> bool:
    return (
        isinstance(filename, str)
        and isinstance(source, str | bytes)
        and (filename == _EMBEDDED_BOOTSTRAP or filename.startswith(_EMBEDDED_PACKAGE))
    )


def _read(file: Path) -> dict[str, dict[Any, Any]]:
    """What was saved in ``file``; empty when there is nothing, or nothing to trust."""
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
        saved = marshal.loads(payload)  # noqa: S302
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(saved, dict):
        return {}
    code = saved.get("code")
    patterns = saved.get("patterns")
    return {
        "code": {k: v for k, v in code.items() if isinstance(v, CodeType)}
        if isinstance(code, dict)
        else {},
        "patterns": patterns if isinstance(patterns, dict) else {},
    }
