"""The log file: rotation, format, and above all that no API key ever reaches it."""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kombo_desktop.core.logs import (
    LOG_BACKUP_COUNT,
    LOG_FORMAT,
    LOG_MAX_BYTES,
    MASK,
    RedactingFilter,
    RedactingFormatter,
    RotatingLogFile,
    configure_logging,
    holds_registered_secret,
    on_secret_registered,
    redact,
    register_secret,
    stop_logging,
)
from kombo_desktop.core.paths import AppPaths
from tests.support.time_zones import BERLIN, ONE_HOUR_EAST, computer_time_zone

log = logging.getLogger("kombo_desktop.tests.logs")


@pytest.fixture
def paths() -> Iterator[AppPaths]:
    root = logging.getLogger()
    level = root.level
    paths = AppPaths.from_environment()
    configure_logging(paths)
    yield paths
    stop_logging()
    root.setLevel(level)


@pytest.fixture
def key() -> str:
    value = "kmb_live_" + secrets.token_urlsafe(24)
    register_secret(value)
    return value


def log_text(paths: AppPaths) -> str:
    """Everything in the log file and its rotated copies."""
    for handler in logging.getLogger().handlers:
        handler.flush()
    return "".join(
        p.read_text(encoding="utf-8") for p in sorted(paths.log_dir.glob("kombo-desktop.log*"))
    )


def rotating_handlers() -> list[RotatingLogFile]:
    return [h for h in logging.getLogger().handlers if isinstance(h, RotatingLogFile)]


class Holder:
    """An object whose repr shows a key, like a careless dataclass would."""

    def __init__(self, secret: str) -> None:
        self.secret = secret

    def __repr__(self) -> str:
        return f"Holder(secret={self.secret!r})"


def test_lines_have_timestamp_level_and_logger(paths: AppPaths) -> None:
    log.info("hello %s", "world")

    line = log_text(paths).strip()
    assert re.match(
        r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d INFO \[MainThread\] "
        r"kombo_desktop\.tests\.logs: hello world$",
        line,
    )


def record_made_at(moment: datetime) -> logging.LogRecord:
    record = logging.LogRecord("kombo_desktop.tests", logging.INFO, __file__, 1, "hi", None, None)
    record.created = moment.timestamp()
    record.msecs = moment.microsecond // 1000
    return record


@pytest.mark.parametrize(
    ("rules", "moment", "shown"),
    [
        (
            ONE_HOUR_EAST,
            datetime(2026, 11, 29, 20, 1, 22, 355000, UTC),
            "2026-11-29 21:01:22.355+01:00",
        ),
        (BERLIN, datetime(2026, 7, 1, 8, 0, 0, 7000, UTC), "2026-07-01 10:00:00.007+02:00"),
        ("UTC0", datetime(2026, 11, 29, 20, 1, 22, tzinfo=UTC), "2026-11-29 20:01:22.000+00:00"),
    ],
    ids=["east", "summer-time", "utc"],
)
def test_times_in_the_log_carry_their_offset_from_utc(
    monkeypatch: pytest.MonkeyPatch, rules: str, moment: datetime, shown: str
) -> None:
    # Local time without a zone could not be matched with the UTC time of "Copy details" or
    # the offset times of the crash report.
    with computer_time_zone(monkeypatch, rules):
        line = RedactingFormatter(LOG_FORMAT).format(record_made_at(moment))
    assert line.startswith(f"{shown} INFO ")
    assert datetime.fromisoformat(shown) == moment


def test_info_is_written_and_debug_is_not(paths: AppPaths) -> None:
    log.debug("too detailed")
    log.info("worth keeping")

    text = log_text(paths)
    assert "worth keeping" in text
    assert "too detailed" not in text


def test_key_in_message_arguments_and_reprs_is_masked(paths: AppPaths, key: str) -> None:
    log.info(f"key is {key}")
    log.info("key is %s", key)
    log.info("key is %r", key)
    log.info("key is %(key)s", {"key": key})
    log.info("holder %s", Holder(key))
    log.warning(Holder(key))  # a non-string message
    log.info("headers %s", {"Authorization": f"Bearer {key}"})
    log.info("body %s", json.dumps({"api_key": key}))

    text = log_text(paths)
    assert key not in text
    assert text.count(MASK) >= 8
    assert "key is [hidden]" in text


def test_key_in_exception_and_traceback_is_masked(paths: AppPaths, key: str) -> None:
    def inner() -> None:
        raise ValueError(f"rejected key {key}")

    try:
        try:
            inner()
        except ValueError as error:
            raise RuntimeError(f"could not use {key!r}") from error
    except RuntimeError:
        log.exception("request failed for %s", key)

    text = log_text(paths)
    assert key not in text
    assert "Traceback (most recent call last)" in text
    assert "ValueError: rejected key [hidden]" in text
    assert "RuntimeError: could not use '[hidden]'" in text
    assert "in inner" in text


def test_exc_info_tuple_and_stack_info_are_masked(paths: AppPaths, key: str) -> None:
    try:
        raise KeyError(key)
    except KeyError as error:
        log.error("lookup failed", exc_info=(type(error), error, error.__traceback__))
    log.info("where am I, %s", key, stack_info=True)

    text = log_text(paths)
    assert key not in text
    assert "KeyError: '[hidden]'" in text
    assert "Stack (most recent call last)" in text


def test_extra_fields_are_masked_for_every_handler(paths: AppPaths, key: str) -> None:
    seen: list[logging.LogRecord] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    capture = Capture()
    root = logging.getLogger()
    root.addHandler(capture)  # after the file handler, so it sees what the filter left
    try:
        log.info(
            "with extra",
            extra={"api_key": key, "request": {"headers": {"authorization": key}}, "n": 3},
        )
    finally:
        root.removeHandler(capture)

    [record] = seen
    assert vars(record)["api_key"] == MASK
    assert key not in str(vars(record)["request"])
    assert vars(record)["n"] == 3
    assert key not in log_text(paths)


def test_extra_included_by_a_format_string_is_masked(tmp_path: Path, key: str) -> None:
    handler = logging.FileHandler(tmp_path / "custom.log", encoding="utf-8")
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(message)s %(api_key)s %(request)s"))
    logger = logging.getLogger("kombo_desktop.tests.custom")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        logger.info("extra", extra={"api_key": key, "request": {"auth": f"Bearer {key}"}})
    finally:
        logger.removeHandler(handler)
        handler.close()

    text = (tmp_path / "custom.log").read_text(encoding="utf-8")
    assert key not in text
    assert MASK in text


def test_formatter_masks_the_finished_line_even_without_the_filter(key: str) -> None:
    formatter = RedactingFormatter("%(message)s | %(api_key)s")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "got %s", (key,), None)
    record.api_key = f"Bearer {key}"

    assert formatter.format(record) == f"got {MASK} | Bearer {MASK}"


def test_unregistered_credentials_are_masked_by_their_shape(paths: AppPaths) -> None:
    token = "unregistered_" + secrets.token_hex(12)
    log.info("sending Authorization: Bearer %s", token)
    log.info("raw header: authorization: Basic %s", token)
    log.info("query ?api_key=%s&x=1", token)
    log.info('json {"api_key": "%s"}', token)
    log.info("env KOMBO_API_KEY=%s", token)
    log.info("%s", {"Authorization": token})

    text = log_text(paths)
    assert token not in text
    assert "&x=1" in text  # only the value goes, the rest of the line stays readable


def test_badly_formatted_call_is_logged_without_leaking(paths: AppPaths, key: str) -> None:
    log.info("two values %s %s", key)  # one argument short

    text = log_text(paths)
    assert key not in text
    assert "two values" in text


def test_messages_from_other_threads_and_libraries_are_masked(paths: AppPaths, key: str) -> None:
    def work() -> None:
        logging.getLogger("httpx").info("HTTP Request with Bearer %s", key)

    thread = threading.Thread(target=work, name="worker")
    thread.start()
    thread.join()

    text = log_text(paths)
    assert key not in text
    assert "[worker] httpx: HTTP Request with Bearer [hidden]" in text


def test_short_or_empty_secrets_are_not_registered(paths: AppPaths) -> None:
    register_secret("")
    register_secret(None)
    register_secret("abc")
    log.info("abc and abcdef stay readable")

    assert "abc and abcdef stay readable" in log_text(paths)


def test_key_pasted_with_whitespace_is_masked_without_it(paths: AppPaths) -> None:
    value = "kmb_" + secrets.token_hex(10)
    register_secret(f"  {value}\n")
    log.info("trimmed %s.", value)

    text = log_text(paths)
    assert value not in text
    assert "trimmed [hidden]." in text


def test_key_containing_another_registered_key_is_masked_whole() -> None:
    short = "kmb_" + secrets.token_hex(6)
    long = short + "_extension_" + secrets.token_hex(6)
    register_secret(short)
    register_secret(long)

    assert redact(f"<{long}>") == f"<{MASK}>"


def test_listeners_hear_of_each_new_key_on_the_thread_that_registered_it() -> None:
    # The window checks its fields again when a key is learned: a key pasted before the
    # program read it from the password store (on a worker thread) passed their checks.
    heard: list[tuple[str, bool]] = []
    value = "kmb_" + secrets.token_hex(10)

    def failing() -> None:
        raise RuntimeError("a listener that fails")

    stop_failing = on_secret_registered(failing)
    stop = on_secret_registered(
        lambda: heard.append((threading.current_thread().name, holds_registered_secret(value)))
    )
    try:
        reader = threading.Thread(target=register_secret, args=(value,), name="store-reader")
        reader.start()
        reader.join()
        register_secret(value)  # known already: no news
        register_secret("short")  # too short to be registered
    finally:
        stop()
        stop_failing()
    register_secret("kmb_" + secrets.token_hex(10))  # after stop(): not heard

    # Heard once, on the reader's thread, with the key findable already; a failing listener
    # neither kept the key from being registered nor the others from hearing of it.
    assert heard == [("store-reader", True)]


def test_redact_is_idempotent() -> None:
    once = redact("Authorization: 'Bearer abc' and api_key=xyz and Bearer qrs")
    assert redact(once) == once


def test_configure_twice_adds_one_handler(paths: AppPaths) -> None:
    configure_logging(paths)
    configure_logging(AppPaths.from_environment())
    log.info("once")

    assert log_text(paths).count("once") == 1
    assert len(rotating_handlers()) == 1


def test_configure_with_other_paths_moves_the_file(paths: AppPaths, tmp_path: Path) -> None:
    other = AppPaths.under(tmp_path / "elsewhere")
    configure_logging(other)
    log.info("moved")

    assert "moved" in log_text(other)
    assert "moved" not in log_text(paths)
    assert len(rotating_handlers()) == 1


def test_log_rotates_at_one_megabyte_keeping_five_files(paths: AppPaths, key: str) -> None:
    line = "x" * 1000
    for _ in range(7 * LOG_MAX_BYTES // 1000):
        log.info("%s %s", line, key)

    files = sorted(paths.log_dir.glob("kombo-desktop.log*"))
    assert len(files) == 1 + LOG_BACKUP_COUNT
    assert all(f.stat().st_size <= LOG_MAX_BYTES for f in files)
    assert key not in log_text(paths)


def test_rotation_keeps_the_newest_records_and_the_files_in_order(paths: AppPaths) -> None:
    (handler,) = rotating_handlers()
    handler.max_bytes = 2000
    for number in range(100):
        log.info("record %03d %s", number, "x" * 100)
    for each in logging.getLogger().handlers:
        each.flush()

    newest_first = [paths.log_file] + [
        paths.log_file.with_name(f"{paths.log_file.name}.{n}")
        for n in range(1, LOG_BACKUP_COUNT + 1)
    ]
    numbers = [
        [int(n) for n in re.findall(r"record (\d{3})", path.read_text(encoding="utf-8"))]
        for path in newest_first
    ]
    assert all(0 < path.stat().st_size < 2000 for path in newest_first)
    assert numbers[0][-1] == 99  # the newest record is in the file itself
    oldest_first = [n for file_numbers in reversed(numbers) for n in file_numbers]
    assert oldest_first == list(range(oldest_first[0], 100))  # nothing lost between files
    assert oldest_first[0] > 0  # the oldest went with the sixth file
    assert not paths.log_file.with_name(f"{paths.log_file.name}.{LOG_BACKUP_COUNT + 1}").exists()


def test_the_log_file_needs_no_logging_handlers(tmp_path: Path) -> None:
    """The packaged program leaves ``logging.handlers`` out (20 KB of byte code, with socket,
    pickle and queue): the log file, and its rotation, must not need it."""
    code = (
        "import logging, sys\n"
        "from kombo_desktop.core.logs import configure_logging\n"
        "from kombo_desktop.core.paths import AppPaths\n"
        "paths = AppPaths.under(__import__('pathlib').Path(sys.argv[1]))\n"
        "configure_logging(paths)\n"
        "logging.getLogger().handlers[-1].max_bytes = 500\n"
        "for n in range(60): logging.getLogger('x').info('line %d %s', n, 'y' * 50)\n"
        "print(len(list(paths.log_dir.glob('*.log*'))), 'logging.handlers' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == [str(1 + LOG_BACKUP_COUNT), "False"]


def test_stop_logging_releases_the_file(paths: AppPaths) -> None:
    stop_logging()
    log.warning("after stop")

    assert rotating_handlers() == []
    assert "after stop" not in log_text(paths)


def test_logging_goes_on_when_the_file_cannot_be_rotated(
    paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On Windows a log file another copy of the program has open cannot be renamed: the
    # handler had closed its file by then, and every later record was lost.
    def in_use(*_args: object) -> None:
        raise PermissionError("the file is used by another process")

    monkeypatch.setattr(os, "rename", in_use)
    monkeypatch.setattr(os, "replace", in_use)
    (handler,) = rotating_handlers()
    handler.max_bytes = 2000
    for number in range(20):
        log.info("record %d %s", number, "x" * 200)
    monkeypatch.undo()

    text = log_text(paths)
    assert "record 19" in text
    assert "could not be rotated" in text


def test_the_size_limit_comes_back_once_a_rotation_succeeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A failed rotation tries again a tenth of the limit later; the raised limit stayed for
    # good, so every later log file grew past its size (10,000 bytes here: 109,996 after).
    handler = RotatingLogFile(tmp_path / "k.log", max_bytes=10_000, backup_count=3)
    handler.setFormatter(logging.Formatter("%(message)s"))

    def record(number: int) -> logging.LogRecord:
        message = f"line {number:05d} {'y' * 90}"
        return logging.LogRecord("x", logging.INFO, "", 0, message, None, None)

    def in_use(*_args: object) -> None:
        raise PermissionError("the file is used by another process")

    try:
        monkeypatch.setattr(os, "rename", in_use)
        for number in range(150):
            handler.emit(record(number))
        assert (tmp_path / "k.log").stat().st_size > 10_000  # it went on past the limit
        monkeypatch.undo()
        for number in range(150, 2000):
            handler.emit(record(number))
    finally:
        handler.close()
    assert all(path.stat().st_size <= 10_000 for path in tmp_path.glob("k.log.*"))
