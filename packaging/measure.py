"""How much bigger and slower to start is the packaged program than a bare PySide6 window?

    python packaging/measure.py [--runs 9] [--reuse] [--explain] [--write-readme]

In one run this builds (or with ``--reuse`` takes the existing) packaged program from
``packaging/kombo_desktop.spec``, and a bare PySide6 window (``packaging/bare_window.py``: a
QApplication and a QWidget that shows and quits) packaged by the *same* spec with the same
options, exclusions and pruning (``-- --bare``). Then it compares:

- folder size: every regular file in the one-folder build (symlinks not followed);
- start-up, as issue 5 asks: wall-clock time of ``kombo-desktop --self-test`` (builds the
  window, renders a QR code, loads keyring, httpx, truststore) against the bare window's
  start-show-quit;
- start-up to the first frame, which is what a person waits for: the packaged program started
  as a person starts it, against the packaged bare window, both ending at their first painted
  frame in the same way (``first_frame_stop.py``). The program side is a third build of the
  same spec (``-- --first-frame``: the same contents, an entry script that ends at the first
  frame), so the shipped program carries no measuring code.

Each timing is taken ``--runs`` times, the four kinds alternating, and the median kept; one
unmeasured run of each comes first. Off screen on Linux without a display.

Targets (issue 5): folder at most 1.15 times the bare one, start-up at most 1.3 times.
``--explain`` adds where the difference comes from: the largest extra files, and the slowest
imports of the program's start-up (``python -X importtime`` on the source tree).
``--write-readme`` puts the result, with date and machine, into packaging/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build
import bundle_rules as rules

MEASURE_OUT = build.OUT / "measure"
SIZE_TARGET = 1.15
START_TARGET = 1.30
README = build.PACKAGING / "README.md"
BEGIN, END = "<!-- measurement:begin -->", "<!-- measurement:end -->"


def folder_files(folder: Path) -> dict[str, int]:
    sizes = {}
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            sizes[str(path.relative_to(folder))] = path.stat().st_size
    return sizes


def bare_executable() -> Path:
    suffix = ".exe" if build.platform_key() == "win32" else ""
    return MEASURE_OUT / "dist" / "bare-window" / f"bare-window{suffix}"


def program_folder() -> Path:
    return build.app_folder()


FIRST_FRAME_OUT = MEASURE_OUT / "first-frame"
FIRST_FRAME_NAME = f"{rules.APP_NAME}-first-frame"


def first_frame_executable() -> Path:
    suffix = ".exe" if build.platform_key() == "win32" else ""
    return FIRST_FRAME_OUT / "dist" / FIRST_FRAME_NAME / f"{FIRST_FRAME_NAME}{suffix}"


def run_environment() -> dict[str, str]:
    env = dict(os.environ)
    env["KOMBO_DESKTOP_HOME"] = str(MEASURE_OUT / "home")
    if build.platform_key() == "linux" and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def time_once(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - our own freshly built programs
        command, capture_output=True, text=True, env=env, timeout=120
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(
            f"{command[0]} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
        )
    return elapsed


def measure_start(runs: int) -> dict[str, list[float]]:
    """Wall times in seconds: ``self_test``/``bare`` and ``first_frame``/``bare_first_frame``."""
    env = run_environment()
    commands = {
        "self_test": [str(build.executable()), "--self-test"],
        "bare": [str(bare_executable())],
        "first_frame": [str(first_frame_executable())],
        "bare_first_frame": [str(bare_executable()), "--first-frame"],
    }
    warm_ups = dict(commands, first_frame=[*commands["first_frame"], "--warm-up"])
    for command in warm_ups.values():
        # Warms the file cache, so no side pays for the disk; for the program also its
        # folders, settings and history file, which exist on every start but the first, and
        # PySide6's code it keeps between starts, which a run ended at the first frame never
        # saves (``first_frame.py``).
        time_once(command, env)
    times: dict[str, list[float]] = {kind: [] for kind in commands}
    for _ in range(runs):
        for kind, command in commands.items():
            times[kind].append(time_once(command, env))
    return times


def machine_description() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        if match:
            cpu = match.group(1).strip()
    os_name = platform.platform()
    os_release = Path("/etc/os-release")
    if os_release.exists():
        match = re.search(r'^PRETTY_NAME="?([^"\n]+)', os_release.read_text(), re.MULTILINE)
        if match:
            os_name = f"{match.group(1)} ({platform.release()})"
    import PyInstaller
    import PySide6

    return (
        f"{os_name}, {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, "
        f"PySide6 {PySide6.__version__}, PyInstaller {PyInstaller.__version__}"
    )


def explain_size(program: dict[str, int], bare: dict[str, int], top: int = 12) -> list[str]:
    groups: dict[str, int] = {}
    for name, size in program.items():
        other = bare.get(name.replace(rules.APP_NAME, "bare-window", 1), bare.get(name, 0))
        extra = size - other
        if extra <= 0:
            continue
        parts = Path(name).parts
        key = "/".join(parts[:2]) if parts[0] == "_internal" and len(parts) > 2 else name
        groups[key] = groups.get(key, 0) + extra
    lines = ["Largest additions over the bare window:"]
    for key, extra in sorted(groups.items(), key=lambda item: -item[1])[:top]:
        lines.append(f"  {extra / 1e6:7.2f} MB  {key}")
    return lines


# Runs --self-test from the source tree with the packaged build's exclusions in force, so the
# import times resemble the packaged program's (no httpx CLI, no other systems' keyrings).
_IMPORTTIME_SCRIPT = """
import importlib.abc, json, sys
excluded = json.loads(sys.argv[1])
class Excluded(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if any(name == e or name.startswith(e + ".") for e in excluded):
            raise ModuleNotFoundError(name, name=name)
sys.meta_path.insert(0, Excluded())
from kombo_desktop.app import main
sys.exit(main(["--self-test"]))
"""


def explain_imports(top: int = 15) -> list[str]:
    """The slowest imports of ``--self-test`` (cumulative), measured with ``-X importtime``."""
    env = run_environment()
    env["PYTHONPATH"] = str(rules.ROOT)
    excluded = rules.EXCLUDES + rules.EXCLUDES_BY_PLATFORM[build.platform_key()]
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-X", "importtime", "-c", _IMPORTTIME_SCRIPT, json.dumps(excluded)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    rows = []
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if match and len(match.group(3)) <= 3:  # top-level imports only (indent of 1-2)
            rows.append((int(match.group(2)), match.group(4)))
    lines = ["Slowest top-level imports of --self-test (source tree, same exclusions, cumulative):"]
    for micros, name in sorted(rows, reverse=True)[:top]:
        lines.append(f"  {micros / 1000:7.1f} ms  {name}")
    return lines


def self_test_breakdown() -> list[str]:
    """The packaged program's own timing of each self-test check (from its JSON line)."""
    result = subprocess.run(  # noqa: S603
        [str(build.executable()), "--self-test"],
        capture_output=True,
        text=True,
        env=run_environment(),
        timeout=120,
        check=False,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    lines = [f"Inside the packaged --self-test ({report['total_ms']:.0f} ms of checks):"]
    for name, check in sorted(report["checks"].items(), key=lambda item: -item[1]["ms"]):
        lines.append(f"  {check['ms']:7.1f} ms  {name}")
    return lines


def report(runs: int, explain: bool) -> str:
    program_files = folder_files(program_folder())
    bare_files = folder_files(bare_executable().parent)
    program_size, bare_size = sum(program_files.values()), sum(bare_files.values())
    times = measure_start(runs)
    median = {kind: statistics.median(values) for kind, values in times.items()}
    size_ratio = program_size / bare_size

    def verdict(ratio: float, target: float) -> str:
        return "meets" if ratio <= target else "MISSES"

    def start_rows(title: str, program: str, bare: str) -> list[str]:
        ratio = median[program] / median[bare]
        return [
            f"{title:24}{median[program] * 1000:16.0f}{median[bare] * 1000:14.0f}"
            f"{ratio:8.3f}  <= {START_TARGET} ({verdict(ratio, START_TARGET)})",
            f"{'  runs (ms)':24}  program {' '.join(f'{t * 1000:.0f}' for t in times[program])}",
            f"{'':24}  bare    {' '.join(f'{t * 1000:.0f}' for t in times[bare])}",
        ]

    lines = [
        f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC "
        f"on {machine_description()}",
        "",
        f"{'':24}{'Kombo Desktop':>16}{'bare window':>14}{'ratio':>8}  target",
        f"{'folder size (MB)':24}{program_size / 1e6:16.1f}{bare_size / 1e6:14.1f}"
        f"{size_ratio:8.3f}  <= {SIZE_TARGET} ({verdict(size_ratio, SIZE_TARGET)})",
        f"{'files':24}{len(program_files):16d}{len(bare_files):14d}",
        *start_rows("--self-test, median (ms)", "self_test", "bare"),
        *start_rows("first frame, median (ms)", "first_frame", "bare_first_frame"),
        "",
        "--self-test: `kombo-desktop --self-test` (window built, QR code rendered, keyring,",
        "httpx, truststore and the CA bundle loaded, history opened) against the bare window's",
        "start-show-quit, as issue 5 asks. First frame: the program started as a person starts",
        "it, until its window's first frame is painted, against the bare window ended the same",
        "way (first_frame_stop.py); this is the wait a person sees.",
    ]
    if explain:
        lines += ["", *explain_size(program_files, bare_files), "", *self_test_breakdown()]
        lines += ["", *explain_imports()]
    return "\n".join(lines)


def write_readme(text: str) -> None:
    block = f"{BEGIN}\n```text\n{text}\n```\n{END}"
    content = README.read_text(encoding="utf-8")
    if BEGIN in content and END in content:
        content = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), block, content, flags=re.S)
    else:
        content = content.rstrip() + "\n\n" + block + "\n"
    README.write_text(content, encoding="utf-8")
    print(f"[measure] wrote the result into {README.relative_to(rules.ROOT)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="start-up repetitions (median)")
    parser.add_argument("--reuse", action="store_true", help="use existing builds if present")
    parser.add_argument("--explain", action="store_true", help="show where the difference is")
    parser.add_argument("--write-readme", action="store_true", help="update packaging/README.md")
    args = parser.parse_args(argv)

    if not (args.reuse and build.executable().is_file()):
        build.pyinstaller()
    if not (args.reuse and bare_executable().is_file()):
        build.pyinstaller(["--bare"], dist=MEASURE_OUT / "dist", work=MEASURE_OUT / "work")
    if not (args.reuse and first_frame_executable().is_file()):
        build.pyinstaller(
            ["--first-frame"], dist=FIRST_FRAME_OUT / "dist", work=FIRST_FRAME_OUT / "work"
        )
    text = report(args.runs, args.explain)
    print(text)
    if args.write_readme:
        write_readme(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
