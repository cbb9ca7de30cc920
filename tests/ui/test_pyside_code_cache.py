"""PySide6's embedded start-up code is compiled once, kept, and loaded by later starts unchanged.

Every case runs in a fresh interpreter: the cache acts only where PySide6 is not imported yet,
which in the test process it always is.
"""

from __future__ import annotations

import builtins
import json
import re
import sys
from pathlib import Path

import pytest

from kombo_desktop.core.paths import AppPaths
from kombo_desktop.ui.pyside_code_cache import CACHE_FILE_NAME, PySideCodeCache
from tests.support.python_run import last_line_printed

# Prints what PySide6's embedded files became (each function's code and annotations, hashed),
# the regular expressions compiled meanwhile (each checked against a fresh compile), and which
# files and expressions were compiled in this interpreter.
_FINGERPRINT = """
import builtins, hashlib, json, re, sys

embedded_compiled = []
real_compile = builtins.compile
patterns_compiled = []
real_pattern_compile = re._compiler.compile

def counting_pattern_compile(pattern, flags=0):
    patterns_compiled.append(pattern)
    return real_pattern_compile(pattern, flags)

def counting_compile(source, filename, mode, *args, **kwargs):
    if isinstance(filename, str) and (
        filename == "signature_bootstrap.py" or filename.startswith("shibokensupport/")
    ):
        embedded_compiled.append(filename)
    return real_compile(source, filename, mode, *args, **kwargs)

def described(code):
    # Not marshal.dumps: its bytes depend on how often each constant is referenced.
    return (
        code.co_code, code.co_flags, code.co_names, code.co_varnames, code.co_filename,
        code.co_name, code.co_firstlineno, code.co_linetable,
        tuple(constant(c) for c in code.co_consts),
    )

def constant(value):
    if hasattr(value, "co_code"):
        return described(value)
    if isinstance(value, frozenset):  # its order follows the hashes of this process
        return sorted(map(repr, value))
    return repr(value)

def digest(function):
    annotations = repr(getattr(function, "__annotations__", {}))
    text = repr((described(function.__code__), annotations))
    return hashlib.sha256(text.encode()).hexdigest()

def fingerprint():
    found = {}
    for name, module in sorted(sys.modules.items()):
        if not (name == "signature_bootstrap" or name.startswith("shibokensupport")):
            continue
        for attribute, value in sorted(vars(module).items()):
            if getattr(value, "__module__", None) != name:
                continue
            if hasattr(value, "__code__"):
                found[f"{name}.{attribute}"] = digest(value)
            elif isinstance(value, type):
                for member, inner in sorted(vars(value).items()):
                    inner = getattr(inner, "__func__", inner)
                    if hasattr(inner, "__code__"):
                        found[f"{name}.{attribute}.{member}"] = digest(inner)
    return found

def expressions():
    # Every expression compiled so far, as text, flags and whether it is the very pattern a
    # fresh compile makes (patterns are equal only when their compiled programs are).
    return sorted(
        [text, flags, pattern == real_pattern_compile(text, flags)]
        for (kind, text, flags), pattern in re._cache.items()
        if kind is str
    )

def report(compiled, expressions_compiled):
    print(json.dumps({
        "fingerprint": fingerprint(),
        "expressions": expressions(),
        "compiled": compiled,
        "expressions_compiled": len(expressions_compiled),
    }))
"""

_PLAIN_IMPORT = (
    _FINGERPRINT
    + """
import PySide6.QtWidgets
report([], [])
"""
)


def _import_with_cache(cache_file: Path) -> str:
    return _FINGERPRINT + (
        "from pathlib import Path\n"
        "from kombo_desktop.ui.pyside_code_cache import PySideCodeCache\n"
        f"cache = PySideCodeCache(Path({str(cache_file)!r}))\n"
        # What the cache calls when it must compile:
        "builtins.compile = counting_compile\n"
        "re._compiler.compile = counting_pattern_compile\n"
        "cache.import_pyside()\n"
        "assert builtins.compile is counting_compile, 'compile() put back'\n"
        "assert re._compiler.compile is counting_pattern_compile, 're compiler put back'\n"
        "builtins.compile = real_compile\n"
        "re._compiler.compile = real_pattern_compile\n"
        "cache.save()\n"
        "report(embedded_compiled, patterns_compiled)\n"
    )


def _run(code: str, home: Path) -> dict[str, object]:
    found = json.loads(last_line_printed(code, home))
    assert isinstance(found, dict)
    return found


def test_pysides_code_is_compiled_at_the_first_start_only_and_is_the_same_code(
    tmp_path: Path, isolated_home: Path
) -> None:
    cache_file = tmp_path / "cache" / CACHE_FILE_NAME
    plain = _run(_PLAIN_IMPORT, isolated_home)
    first = _run(_import_with_cache(cache_file), isolated_home)
    assert cache_file.is_file()
    saved = cache_file.stat()
    second = _run(_import_with_cache(cache_file), isolated_home)

    # The first start compiles PySide6's embedded files and expressions; later ones nothing.
    assert len(first["compiled"]) >= 10  # type: ignore[arg-type]
    assert "shibokensupport/signature/parser.py" in first["compiled"]  # type: ignore[operator]
    assert first["expressions_compiled"] >= 3  # type: ignore[operator]
    assert second["compiled"] == []
    assert second["expressions_compiled"] == 0
    # What PySide6 runs is the same code, function for function, whether compiled by itself,
    # by the cache, or loaded from it (annotations included: one of the files is compiled
    # with the ``from __future__`` flags of the file that compiles it).
    assert len(plain["fingerprint"]) > 100  # type: ignore[arg-type]
    assert first["fingerprint"] == plain["fingerprint"]
    assert second["fingerprint"] == plain["fingerprint"]
    # The same expressions, each the very pattern ``re`` makes itself, the large ones included.
    assert first["expressions"] == second["expressions"] == plain["expressions"]
    assert all(same for _text, _flags, same in second["expressions"])  # type: ignore[attr-defined]
    assert any("brace" in text or len(text) > 5000 for text, *_ in second["expressions"])  # type: ignore[attr-defined]
    # Nothing new was compiled, so the file was left as it was.
    assert cache_file.stat().st_mtime_ns == saved.st_mtime_ns
    assert cache_file.stat().st_ino == saved.st_ino


def _damaged(content: bytes) -> dict[str, bytes]:
    return {
        "empty": b"",
        "not a cache file": b"%PDF-1.7 something else entirely" * 100,
        "cut short": content[:-1],
        "one byte changed": content[:-100] + bytes([content[-100] ^ 0xFF]) + content[-99:],
        "another Python's": b"\x00\x00\r\n" + content[4:],
    }


@pytest.mark.parametrize(
    "damage", ["empty", "not a cache file", "cut short", "one byte changed", "another Python's"]
)
def test_a_damaged_or_foreign_cache_is_not_loaded_and_is_replaced(
    damage: str, tmp_path: Path, isolated_home: Path
) -> None:
    cache_file = tmp_path / CACHE_FILE_NAME
    first = _run(_import_with_cache(cache_file), isolated_home)
    cache_file.write_bytes(_damaged(cache_file.read_bytes())[damage])

    again = _run(_import_with_cache(cache_file), isolated_home)
    # All of it compiled again, nothing loaded.
    assert again["compiled"] == first["compiled"]
    assert again["expressions_compiled"] == first["expressions_compiled"]
    assert again["fingerprint"] == first["fingerprint"]
    # ... and a good file written in its place, which the next start uses.
    next_start = _run(_import_with_cache(cache_file), isolated_home)
    assert (next_start["compiled"], next_start["expressions_compiled"]) == ([], 0)


def test_a_cache_that_cannot_be_written_leaves_the_start_as_it_was(
    tmp_path: Path, isolated_home: Path
) -> None:
    in_the_way = tmp_path / "cache"
    in_the_way.write_text("a file where the cache folder would be", "utf-8")
    found = _run(_import_with_cache(in_the_way / CACHE_FILE_NAME), isolated_home)
    assert found["compiled"]  # compiled as without a cache, and the save only logged
    assert in_the_way.read_text("utf-8") == "a file where the cache folder would be"


def test_the_program_keeps_pysides_code_in_its_cache_folder_and_uses_it_next_time(
    isolated_home: Path,
) -> None:
    start_and_close_once_ready = (
        "import kombo_desktop.app as app\n"
        "real = app._build_window\n"
        "def build(options, paths):\n"
        "    from PySide6.QtCore import QTimer\n"
        "    window = real(options, paths)\n"
        "    def close_once_ready():\n"
        "        if window.start_up.done:\n"
        "            window.close()\n"
        "        else:\n"
        "            QTimer.singleShot(20, close_once_ready)\n"
        "    QTimer.singleShot(0, close_once_ready)\n"
        "    return window\n"
        "app._build_window = build\n"
        "print(app.main(['--demo']))\n"
    )
    cache_file = AppPaths.from_environment().cache_dir / CACHE_FILE_NAME
    assert last_line_printed(start_and_close_once_ready, isolated_home) == "0"
    assert cache_file.is_file()
    saved = cache_file.stat()
    assert last_line_printed(start_and_close_once_ready, isolated_home) == "0"
    # The second start found all it needed: it wrote nothing.
    assert (cache_file.stat().st_ino, cache_file.stat().st_mtime_ns) == (
        saved.st_ino,
        saved.st_mtime_ns,
    )


def test_the_real_compilers_are_put_back_when_pyside_cannot_be_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_compile, real_pattern_compile = builtins.compile, re._compiler.compile  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "PySide6.QtWidgets", None)  # "import" now fails
    with pytest.raises(ImportError):
        PySideCodeCache(tmp_path / CACHE_FILE_NAME).import_pyside()
    assert builtins.compile is real_compile
    assert re._compiler.compile is real_pattern_compile  # type: ignore[attr-defined]


def test_with_pyside_already_imported_nothing_is_compiled_or_written(tmp_path: Path) -> None:
    cache = PySideCodeCache(tmp_path / CACHE_FILE_NAME)
    cache.import_pyside()
    cache.save()
    assert not cache.compiled_now
    assert not (tmp_path / CACHE_FILE_NAME).exists()
