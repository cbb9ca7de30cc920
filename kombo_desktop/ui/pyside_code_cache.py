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
file did not have it is written once the window is shown, on a thread of its own
(``save_in_background``).

- Code is found by the embedded file's name, a hash of its source and the compiler flags it was
  compiled with; a new PySide6 compiles afresh and the file is replaced.
- An expression is kept as what ``re`` hands to its C engine (``_sre.compile``), found by its
  text and flags, and only when remaking it from that gives the very pattern ``re`` made
  (patterns compare equal only when their compiled programs do). What a start uses is always
  ``re``'s own pattern or one remade from the file, never one made here for the first time.
- The file belongs to one Python (its version, bytecode and regular-expression engine
  numbers) and one optimisation level (``-O``, ``-OO``: docstrings and asserts), named after
  them so that two installations do not replace each other's (two with the same Python and
  different PySide6 versions still do, each start compiling afresh). It is checked by a hash
  before anything in it is loaded. A missing, damaged or foreign file counts as empty: the
  cache is for speed only and never stops the program. Should PySide6's import fail with
  anything served from the file, the file is deleted, so the next start compiles afresh.
- It is code the program runs, so a file is loaded only where no one else can have written it:
  on Linux and macOS a file and folder owned by the person and writable by no one else; on
  Windows only below the person's own ``%LOCALAPPDATA%``, where the program keeps it unless
  ``KOMBO_DESKTOP_HOME`` names another folder (which may be shared: there it is not used).

In the packaged program, PyInstaller's own start-up step for PySide6 imports it before the
program's first line runs; a start-up step of the program's, run before PyInstaller's
(``packaging/pyside_code_rthook.py``), imports it first with ``import_pyside_early``, and
``main`` takes that cache over (``PySideCodeCache.for_file``) to save it.

Like ``source_scan``, this relies on private parts of PySide6 (the names of the files it
compiles) and of Python's ``re`` (the same in 3.11 to 3.13), and does nothing where they look
different: PySide6 then compiles as before. No Qt in it: it runs before PySide6 is imported.
"""

from __future__ import annotations
import __future__

import _sre  # type: ignore[import-not-found]  # the engine under Python's re
import builtins
import functools
import importlib
import logging
import marshal
import operator
import os
import sys
import threading
from collections.abc import Mapping
from importlib.util import MAGIC_NUMBER, source_hash
from pathlib import Path
from types import CodeType
from typing import Any

CACHE_FILE_NAME = f"pyside-start-code-{sys.implementation.cache_tag}-O{sys.flags.optimize}.bin"
# The names under which PySide6's core library compiles its embedded files.
_EMBEDDED_BOOTSTRAP = "signature_bootstrap.py"
_EMBEDDED_PACKAGE = "shibokensupport/"
# ``compile()`` takes these flags (``from __future__`` imports) from the code that calls it,
# unless told not to. Compiling on the caller's behalf, the flags its caller had are passed on,
# so that the code is the same the caller would have had.
# (Not ``nested_scopes``: its flag marks nested code, which ``compile`` does not inherit.)
_FUTURE_FLAGS: int = functools.reduce(
    operator.or_,
    (
        getattr(__future__, name).compiler_flag
        for name in __future__.all_feature_names
        if name != "nested_scopes"
    ),
    0,
)
# The file starts with a hash of what its contents depend on, then a hash of the rest; both are
# checked before anything is loaded, so that neither another Python's code nor a damaged file
# is handed to ``marshal``.
_STAMP = source_hash(
    repr((MAGIC_NUMBER, sys.version, getattr(_sre, "MAGIC", None), sys.flags.optimize)).encode()
)
_HEADER_SIZE = 2 * len(_STAMP)
_LARGEST_FILE = 4 * 1024 * 1024  # about 0.25 MB in use; one far larger is not the program's
_WRITABLE_BY_OTHERS = 0o022
SAVING_THREAD_NAME = "kombo-pyside-code-cache"

_log = logging.getLogger(__name__)

# The embedded file's name, the hash of its source, the ``__future__`` flags it was compiled with.
_CodeKey = tuple[str, bytes, int]
# A regular expression's text and flags; what ``re._compiler.compile`` passes to ``_sre.compile``
# after the text: final flags, program, group count, group names both ways.
_PatternKey = tuple[str, int]
_PatternParts = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]


class PySideCodeCache:
    """What PySide6's import compiles, read from and saved to ``file``."""

    @classmethod
    def for_file(cls, file: Path) -> PySideCodeCache:
        """The cache that imported PySide6 early (``import_pyside_early``), if it was for
        ``file``; else a new one."""
        early = _early_cache
        return early if early is not None and early.file == file else cls(file)

    def __init__(self, file: Path) -> None:
        self.file = file
        # Where someone else may have written the file, it is neither read nor written.
        self._place_trusted = _trusted_place(file.parent)
        if not self._place_trusted:
            _log.info("PySide6's compiled code is not kept in %s: others may write there", file)
        usable = self._place_trusted and "PySide6.QtWidgets" not in sys.modules
        saved = _read(file) if usable else {}
        self._saved_code: dict[_CodeKey, CodeType] = saved.get("code", {})
        self._saved_patterns: dict[_PatternKey, _PatternParts] = saved.get("patterns", {})
        self._used_code: dict[_CodeKey, CodeType] = {}
        self._used_patterns: dict[_PatternKey, _PatternParts] = {}
        self._new_patterns: list[tuple[str, int, Any]] = []  # made by ``re`` this start
        self._compiled_now = False
        self._served_from_file = False
        self._patterns: _PatternCompiler | None = None
        self.saving: threading.Thread | None = None  # see ``save_in_background``

    @property
    def compiled_now(self) -> bool:
        """Whether this start compiled what the file did not have (so ``save`` has work)."""
        return self._compiled_now

    def import_pyside(self, module: str = "PySide6.QtWidgets") -> None:
        """Import PySide6's widgets (or ``module`` of it), compiling only what the file does not
        have. PySide6 compiles its code as its package is first imported.

        ``builtins.compile`` and ``re``'s compiler are replaced for as long as the import runs
        (the program has no other thread yet). Only PySide6's embedded files and the
        expressions compiled meanwhile are served; every other call is passed on to the real
        function as its caller made it. Nothing happens when PySide6 is already imported."""
        if not self._place_trusted:
            importlib.import_module(module)
            return
        original_compile = builtins.compile
        self._patterns = _PatternCompiler.found()

        def compile_or_reuse(
            source: Any,
            filename: Any,
            mode: str,
            flags: int = 0,
            dont_inherit: bool = False,
            optimize: int = -1,
            **kwargs: Any,
        ) -> Any:
            if not dont_inherit:  # what compile() would take from the code calling it
                flags |= sys._getframe(1).f_code.co_flags & _FUTURE_FLAGS
            if (
                mode == "exec"
                and not flags & ~_FUTURE_FLAGS
                and optimize == -1
                and not kwargs
                and _is_embedded(filename, source)
            ):
                return self._code_for(original_compile, source, filename, flags)
            return original_compile(source, filename, mode, flags, True, optimize, **kwargs)

        builtins.compile = compile_or_reuse
        if self._patterns is not None:
            self._patterns.serve(self._pattern_for)
        try:
            importlib.import_module(module)
        except Exception:  # not for an interruption (Ctrl+C): that says nothing of the file
            self._forget_file_if_served()
            raise
        finally:
            builtins.compile = original_compile
            if self._patterns is not None:
                self._patterns.stop_serving()

    def _code_for(self, original: Any, source: str | bytes, filename: str, flags: int) -> CodeType:
        data = source.encode() if isinstance(source, str) else source
        key = (filename, source_hash(data), flags)
        code = self._saved_code.get(key)
        if code is None:
            code = original(source, filename, "exec", flags, True)
            self._compiled_now = True
        else:
            self._served_from_file = True
        self._used_code[key] = code
        return code

    def _pattern_for(self, compiler: _PatternCompiler, pattern: str, flags: int) -> Any:
        key = (pattern, flags)
        parts = self._saved_patterns.get(key)
        if parts is not None:
            remade = compiler.remake(pattern, parts)
            if remade is not None:
                self._served_from_file = True
                self._used_patterns[key] = parts
                return remade
        made = compiler.original(pattern, flags)
        self._new_patterns.append((pattern, flags, made))  # taken apart when saved
        self._compiled_now = True
        return made

    def _forget_file_if_served(self) -> None:
        """PySide6 could not be imported, with code or expressions from the file: delete it,
        in case it is the cause, so that the next start compiles afresh."""
        if not self._served_from_file:
            return
        _log.warning("PySide6 could not be imported with its code kept from the last start")
        try:
            self.file.unlink(missing_ok=True)
        except OSError as error:
            _log.warning("The kept code could not be deleted: %s", error)

    def save_in_background(self) -> None:
        """``save`` on a thread of its own (``saving``), when there is anything to save: taking
        the new expressions apart and writing takes some 50 ms, which the window need not wait
        for. A daemon, like the program's other threads: a folder on a network share that no
        longer answers cannot keep the program from ending (``main`` waits a moment for it)."""
        if not self._compiled_now:
            self._forget_contents()
            return
        self.saving = threading.Thread(target=self.save, name=SAVING_THREAD_NAME, daemon=True)
        self.saving.start()

    def save(self) -> None:
        """Write what this start used, if it had to compile any of it; a failure is only
        logged (the next start compiles again). Then let go of it all: it is not needed again
        this session."""
        try:
            if self._compiled_now:
                self._write()
        finally:
            self._forget_contents()

    def _write(self) -> None:
        from kombo_desktop.core.files import atomic_write
        from kombo_desktop.core.paths import ensure_private_dir

        patterns = dict(self._used_patterns)
        for pattern, flags, made in self._new_patterns:
            parts = self._patterns.parts(pattern, flags, made) if self._patterns else None
            if parts is not None:
                patterns[pattern, flags] = parts
        payload = marshal.dumps({"code": self._used_code, "patterns": patterns})
        try:
            ensure_private_dir(self.file.parent)
            atomic_write(self.file, _STAMP + source_hash(payload) + payload)
        except OSError as error:
            _log.info(
                "PySide6's compiled code was not kept (%s); it is compiled at each start", error
            )
            return
        self._compiled_now = False

    def _forget_contents(self) -> None:
        self._saved_code, self._saved_patterns = {}, {}
        self._used_code, self._used_patterns, self._new_patterns = {}, {}, []


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


_early_cache: PySideCodeCache | None = None


def import_pyside_early(file: Path) -> None:
    """Import PySide6's package with the code kept in ``file``, before anything else imports
    it (the packaged program's first step); ``PySideCodeCache.for_file`` hands the cache to
    ``main`` later, which saves it after the first frame."""
    global _early_cache
    cache = PySideCodeCache(file)
    cache.import_pyside("PySide6")
    _early_cache = cache


def _is_embedded(filename: object, source: object) -> bool:
    return (
        isinstance(filename, str)
        and isinstance(source, str | bytes)
        and (filename == _EMBEDDED_BOOTSTRAP or filename.startswith(_EMBEDDED_PACKAGE))
    )


def _read(file: Path) -> dict[str, dict[Any, Any]]:
    """What was saved in ``file``; empty when there is nothing, or nothing to trust."""
    content = _content_if_trusted(file)
    if content is None:
        return {}
    header, payload = content[:_HEADER_SIZE], content[_HEADER_SIZE:]
    if header != _STAMP + source_hash(payload):
        return {}
    try:
        # Checked above, and written by this person alone (``_content_if_trusted``): the same
        # trust Python gives the ``.pyc`` files in a ``__pycache__`` folder.
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


def _trusted_place(
    folder: Path, system: str = os.name, environ: Mapping[str, str] = os.environ
) -> bool:
    """Whether no one but this person can write in ``folder`` (see the module's docstring):
    on Windows, below their ``%LOCALAPPDATA%``; elsewhere a folder of theirs, writable by no
    one else, or one not made yet (the program makes it so)."""
    if system == "nt":
        local = environ.get("LOCALAPPDATA", "").strip()
        try:
            return bool(local) and folder.resolve().is_relative_to(Path(local).resolve())
        except (OSError, ValueError):  # a share that does not answer, a name Windows refuses
            return False
    try:
        return _owned_alone(folder.stat())
    except FileNotFoundError:
        return True
    except (OSError, ValueError):
        return False


def _content_if_trusted(file: Path) -> bytes | None:
    """The file's bytes, where it is this person's alone and of a size the program writes;
    None otherwise, or where it cannot be read."""
    try:
        with file.open("rb") as opened:
            status = os.fstat(opened.fileno())
            if status.st_size > _LARGEST_FILE or (os.name != "nt" and not _owned_alone(status)):
                return None
            return opened.read()
    except OSError:
        return None


def _owned_alone(status: os.stat_result) -> bool:
    return status.st_uid == os.getuid() and not status.st_mode & _WRITABLE_BY_OTHERS
