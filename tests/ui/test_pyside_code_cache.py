"""PySide6's embedded start-up code is compiled once, kept, and loaded by later starts unchanged.

Every case runs in a fresh interpreter: the cache acts only where PySide6 is not imported yet,
which in the test process it always is.
"""

from __future__ import annotations

import builtins
import json
import marshal
import os
import re
import sys
from importlib.util import source_hash
from pathlib import Path
from typing import Any

import pytest

from kombo_desktop.core.paths import AppPaths
from kombo_desktop.ui.pyside_code_cache import CACHE_FILE_NAME, PySideCodeCache
from tests.support.python_run import last_line_printed, run_python

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


def _run(code: str, home: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = run_python(code, env={"KOMBO_DESKTOP_HOME": str(home), **(env or {})})
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr}"
    found = json.loads(result.stdout.strip().splitlines()[-1])
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
    assert len(first["compiled"]) >= 10
    assert "shibokensupport/signature/parser.py" in first["compiled"]
    assert first["expressions_compiled"] >= 3
    assert second["compiled"] == []
    assert second["expressions_compiled"] == 0
    # What PySide6 runs is the same code, function for function, whether compiled by itself,
    # by the cache, or loaded from it (annotations included: one of the files is compiled
    # with the ``from __future__`` flags of the file that compiles it).
    assert len(plain["fingerprint"]) > 100
    assert first["fingerprint"] == plain["fingerprint"]
    assert second["fingerprint"] == plain["fingerprint"]
    # The same expressions, each the very pattern ``re`` makes itself, the large ones included.
    assert first["expressions"] == second["expressions"] == plain["expressions"]
    assert all(same for _text, _flags, same in second["expressions"])
    assert any("brace" in text or len(text) > 5000 for text, *_ in second["expressions"])
    # Nothing new was compiled, so the file was left as it was.
    assert cache_file.stat().st_mtime_ns == saved.st_mtime_ns
    assert cache_file.stat().st_ino == saved.st_ino


def _another_pythons(content: bytes) -> bytes:
    """The same payload, with a correct hash, stamped for another Python or optimisation."""
    from kombo_desktop.ui import pyside_code_cache

    payload = content[pyside_code_cache._HEADER_SIZE :]
    other_stamp = source_hash(b"another Python's version and optimisation")
    assert other_stamp != pyside_code_cache._STAMP
    return other_stamp + source_hash(payload) + payload


def _damaged(content: bytes) -> dict[str, bytes]:
    return {
        "empty": b"",
        "not a cache file": b"%PDF-1.7 something else entirely" * 100,
        "cut short": content[:-1],
        "one byte changed": content[:-100] + bytes([content[-100] ^ 0xFF]) + content[-99:],
        "another Python's": _another_pythons(content),
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
    # The child reports only after ``save()`` returned: the failure was only logged.
    found = _run(_import_with_cache(in_the_way / CACHE_FILE_NAME), isolated_home)
    assert found["compiled"]
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


def test_a_cache_written_at_another_optimisation_level_is_not_loaded(
    tmp_path: Path, isolated_home: Path
) -> None:
    # Under ``-OO`` docstrings and asserts are left out of the code; PySide6 has asserts that
    # do real work, and the packaged program runs optimised while a pip install does not.
    cache_file = tmp_path / "shared-by-mistake.bin"
    plain = _run(_PLAIN_IMPORT, isolated_home)
    optimised = _run(_import_with_cache(cache_file), isolated_home, {"PYTHONOPTIMIZE": "2"})
    assert cache_file.is_file()
    normal = _run(_import_with_cache(cache_file), isolated_home)
    assert normal["compiled"] == optimised["compiled"]  # nothing loaded from the -OO file
    assert normal["fingerprint"] == plain["fingerprint"]
    assert normal["fingerprint"] != optimised["fingerprint"]
    # Each level has a file of its own, so the two do not replace each other at every start.
    assert f"-O{sys.flags.optimize}." in CACHE_FILE_NAME
    other_name = run_python(
        "from kombo_desktop.ui.pyside_code_cache import CACHE_FILE_NAME\nprint(CACHE_FILE_NAME)",
        env={"PYTHONOPTIMIZE": "2"},
    ).stdout.strip()
    assert other_name.endswith("-O2.bin")
    assert other_name != CACHE_FILE_NAME


# A stand-in for PySide6, found first on the path: its import compiles a file under the name
# of one of PySide6's embedded files, and another piece of code the way any library might.
_STAND_IN_WIDGETS = """
import os
namespace = {}
exec(compile("def embedded(x: int): pass", "shibokensupport/stand_in.py", "exec"), namespace)
exec(compile("def other(x: int): pass", "some_other_file.py", "exec"), namespace)
OTHER_ANNOTATIONS = repr(namespace["other"].__annotations__)
if os.environ.get("STAND_IN_FAILS"):
    raise ImportError("a stand-in PySide6 that cannot be imported")
"""


def _stand_in_pyside(folder: Path) -> Path:
    package = folder / "PySide6"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", "utf-8")
    (package / "QtWidgets.py").write_text(_STAND_IN_WIDGETS, "utf-8")
    return folder


def _import_stand_in(stand_in: Path, cache_file: Path) -> str:
    return (
        "import json, sys\n"
        f"sys.path.insert(0, {str(stand_in)!r})\n"
        "from pathlib import Path\n"
        "from kombo_desktop.ui.pyside_code_cache import PySideCodeCache\n"
        f"cache = PySideCodeCache(Path({str(cache_file)!r}))\n"
        "try:\n"
        "    cache.import_pyside()\n"
        "except ImportError as error:\n"
        "    print(json.dumps({'failed': str(error)}))\n"
        "else:\n"
        "    cache.save()\n"
        "    import PySide6.QtWidgets as widgets\n"
        "    print(json.dumps({'other': widgets.OTHER_ANNOTATIONS}))\n"
    )


def test_other_code_compiled_during_the_import_is_compiled_as_its_caller_asked(
    tmp_path: Path, isolated_home: Path
) -> None:
    stand_in = _stand_in_pyside(tmp_path / "stand-in")
    found = _run(_import_stand_in(stand_in, tmp_path / CACHE_FILE_NAME), isolated_home)
    # The stand-in has no ``from __future__ import annotations``, so neither has its code;
    # passed on from the cache's own module (which has it), it would get string annotations.
    assert found == {"other": "{'x': <class 'int'>}"}


def test_a_failed_import_with_code_from_the_file_deletes_the_file(
    tmp_path: Path, isolated_home: Path
) -> None:
    stand_in = _stand_in_pyside(tmp_path / "stand-in")
    cache_file = tmp_path / CACHE_FILE_NAME
    _run(_import_stand_in(stand_in, cache_file), isolated_home)
    assert cache_file.is_file()  # the stand-in's "embedded" file was kept

    failed = _run(_import_stand_in(stand_in, cache_file), isolated_home, {"STAND_IN_FAILS": "1"})
    assert failed == {"failed": "a stand-in PySide6 that cannot be imported"}
    # It may be the kept code that failed: the next start compiles afresh.
    assert not cache_file.exists()


def test_expressions_whose_kept_parts_do_not_work_are_compiled_afresh(
    tmp_path: Path, isolated_home: Path
) -> None:
    from kombo_desktop.ui import pyside_code_cache

    cache_file = tmp_path / CACHE_FILE_NAME
    first = _run(_import_with_cache(cache_file), isolated_home)
    kept = pyside_code_cache._read(cache_file)
    assert kept["patterns"]
    # A file that passes every check, but whose programs the engine does not accept.
    broken = {key: (parts[0], [0], *parts[2:]) for key, parts in kept["patterns"].items()}
    payload = marshal.dumps({"code": kept["code"], "patterns": broken})
    header = pyside_code_cache._STAMP + source_hash(payload)
    cache_file.write_bytes(header + payload)

    again = _run(_import_with_cache(cache_file), isolated_home)
    assert again["expressions_compiled"] == first["expressions_compiled"]
    assert again["compiled"] == []  # the code was still good
    assert all(same for _text, _flags, same in again["expressions"])
    next_start = _run(_import_with_cache(cache_file), isolated_home)
    assert next_start["expressions_compiled"] == 0


@pytest.mark.skipif(os.name == "nt", reason="Windows trusts only %LOCALAPPDATA%, not modes")
@pytest.mark.parametrize("writable_by_others", ["the file", "its folder"])
def test_a_cache_others_may_have_written_is_neither_loaded_nor_written(
    writable_by_others: str, tmp_path: Path, isolated_home: Path
) -> None:
    # A folder named by KOMBO_DESKTOP_HOME may be shared; code planted there would run in the
    # person's program, with their keys at hand.
    folder = tmp_path / "shared"
    cache_file = folder / CACHE_FILE_NAME
    first = _run(_import_with_cache(cache_file), isolated_home)
    target = cache_file if writable_by_others == "the file" else folder
    target.chmod(target.stat().st_mode | 0o022)
    written = cache_file.stat()

    again = _run(_import_with_cache(cache_file), isolated_home)
    assert again["compiled"] == first["compiled"]
    assert again["expressions_compiled"] == first["expressions_compiled"]
    if writable_by_others == "its folder":  # nothing written there either
        assert (cache_file.stat().st_ino, cache_file.stat().st_mtime_ns) == (
            written.st_ino,
            written.st_mtime_ns,
        )


def test_only_folders_no_one_else_may_write_in_are_trusted(tmp_path: Path) -> None:
    from kombo_desktop.ui.pyside_code_cache import _trusted_place

    own = tmp_path / "own"
    own.mkdir(mode=0o700)
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    not_a_folder = tmp_path / "a file"
    not_a_folder.write_text("", "utf-8")
    assert _trusted_place(own, "posix", {})
    assert _trusted_place(tmp_path / "not made yet" / "cache", "posix", {})
    assert not _trusted_place(shared, "posix", {})
    assert not _trusted_place(not_a_folder / "cache", "posix", {})
    # Windows: below the person's own %LOCALAPPDATA% only, whatever the folder's rights.
    local = tmp_path / "AppData" / "Local"
    windows = {"LOCALAPPDATA": str(local)}
    assert _trusted_place(local / "kombo-desktop" / "Cache", "nt", windows)
    assert not _trusted_place(own, "nt", windows)
    assert not _trusted_place(local / "kombo-desktop", "nt", {})
    assert not _trusted_place(Path("bad\0name"), "nt", {"LOCALAPPDATA": "bad\0name"})


def test_the_save_after_the_first_frame_runs_on_a_daemon_thread_and_fails_quietly(
    tmp_path: Path, isolated_home: Path
) -> None:
    in_the_way = tmp_path / "in the way"
    in_the_way.write_text("a file where a folder would be", "utf-8")
    found = _run(
        "import json, threading\n"
        "from pathlib import Path\n"
        "from kombo_desktop.ui.pyside_code_cache import PySideCodeCache\n"
        "errors = []\n"
        "threading.excepthook = lambda hook: errors.append(str(hook.exc_value))\n"
        "saved = []\n"
        f"for file in (Path({str(tmp_path / 'cache' / CACHE_FILE_NAME)!r}),\n"
        f"             Path({str(in_the_way / CACHE_FILE_NAME)!r})):\n"
        "    cache = PySideCodeCache(file)\n"
        "    if not saved:\n"
        "        cache.import_pyside()\n"
        "    else:  # PySide6 is imported: compile what it would, as a first start does\n"
        "        cache._compiled_now = True\n"
        "    cache.save_in_background()\n"
        "    cache.saving.join(10)\n"
        "    saved.append([cache.saving.name, cache.saving.daemon, file.is_file()])\n"
        "print(json.dumps({'saved': saved, 'errors': errors}))\n",
        isolated_home,
    )
    assert found == {
        "saved": [
            ["kombo-pyside-code-cache", True, True],
            ["kombo-pyside-code-cache", True, False],  # only logged
        ],
        "errors": [],
    }


def test_the_packaged_programs_early_import_is_the_cache_main_saves(
    tmp_path: Path, isolated_home: Path
) -> None:
    # The packaged program imports PySide6's package in a start-up step of its own, before
    # PyInstaller's step for PySide6 would import it as it comes (packaging/pyside_code_rthook.py).
    cache_file = tmp_path / CACHE_FILE_NAME
    early_then_main = _FINGERPRINT + (
        "from pathlib import Path\n"
        "from kombo_desktop.ui import pyside_code_cache as kept\n"
        f"file = Path({str(cache_file)!r})\n"
        "builtins.compile = counting_compile\n"
        "re._compiler.compile = counting_pattern_compile\n"
        "kept.import_pyside_early(file)\n"
        "builtins.compile = real_compile\n"
        "re._compiler.compile = real_pattern_compile\n"
        "import importlib\n"
        "importlib.import_module('PySide6.QtCore')  # PyInstaller's step\n"
        "cache = kept.PySideCodeCache.for_file(file)\n"
        "assert cache is kept._early_cache, 'main takes the early cache over'\n"
        "assert kept.PySideCodeCache.for_file(file.with_name('other.bin')) is not cache\n"
        "cache.import_pyside()\n"
        "cache.save()\n"
        "report(embedded_compiled, patterns_compiled)\n"
    )
    first = _run(early_then_main, isolated_home)
    assert len(first["compiled"]) >= 10
    assert cache_file.is_file()
    second = _run(early_then_main, isolated_home)
    assert (second["compiled"], second["expressions_compiled"]) == ([], 0)
    assert second["fingerprint"] == first["fingerprint"]
