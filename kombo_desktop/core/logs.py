"""The program's log file, and the filter that keeps API keys out of it.

Support asks users to send the log file, and users share their screen while looking at it, so a
key must never reach it in any form: not in a message, not in its arguments, not in a traceback,
not in ``extra`` fields. Two layers make sure of that. ``RedactingFilter`` rewrites each record
before any handler formats it (so other handlers added later see only masked text), and
``RedactingFormatter`` masks the finished line once more, covering whatever a format string pulls
in from the record.

What is masked: every key registered with ``register_secret`` (``CredentialStore`` registers each
key it sees) in every form a server may echo it in (``secret_forms``), anything after
``Bearer``, the value of an ``Authorization`` header, and values written as ``api_key=...`` or
``"api_key": "..."``.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from functools import cache, cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from kombo_desktop.core.paths import AppPaths, ensure_private_dir

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

MASK = "[hidden]"
# Registering shorter strings would mask ordinary words all over the log; so no shorter key is
# saved or sent either (``credentials.MIN_KEY_LENGTH``).
MIN_SECRET_LENGTH = 8
LOG_MAX_BYTES = 1_000_000
LOG_BACKUP_COUNT = 5
LOG_FORMAT = "%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s"
# Marks the program's own handler, told apart from handlers others installed.
HANDLER_NAME = "kombo-desktop-log-file"

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
# Every registered secret; replaced whole on each registration, never changed in place.
_registered: tuple[str, ...] = ()
_listeners: list[Callable[[], None]] = []  # see on_secret_registered

# A value already masked is left alone, so masking twice gives the same text. The possessive
# quantifiers (``*+``) stop the regex from backing off a space or quote to dodge that check.
_NOT_MASKED = r"(?![\"']?" + re.escape(MASK) + r")"
# An Authorization value runs to its closing quote, or to the end of the line when unquoted.
_AUTHORIZATION = (
    r"""(?P<name>authorization["']?\s*+[:=]\s*+)"""
    + _NOT_MASKED
    + r"""(?:(?P<quote>["'])(?:(?!(?P=quote))[^\r\n])*(?P=quote)|[^\r\n]+)"""
)
_BEARER = r"(?P<name>bearer\s++)" + _NOT_MASKED + r"""[^\s"',;)}\]]+"""
_API_KEY = (
    r"""(?P<name>api[_-]?key["']?\s*+[:=]\s*+["']?+)""" + _NOT_MASKED + r"""[^\s"',;&)}\]]+"""
)


@cache
def _credential_patterns() -> tuple[re.Pattern[str], ...]:
    """The patterns ``redact`` masks, compiled when first needed: nothing is redacted before
    the window's first frame (the log file opens after it), and compiling them took the
    start-up about 0.5 ms."""
    return tuple(
        re.compile(pattern, re.IGNORECASE) for pattern in (_AUTHORIZATION, _BEARER, _API_KEY)
    )


def secret_forms(secret: str) -> str:
    """A regular expression, for ``SECRET_FLAGS``, that matches ``secret`` in every form a
    server or proxy may echo it back in: in any mix of letter case, and with any of its
    characters but letters and digits percent-encoded, in upper- or lower-case hex digits.
    That is every ``urllib.parse.quote`` of it, whatever its safe characters, and what
    encoders that escape every sign write ("Tangerine%2DLighthouse"). None of them escapes a
    letter or a digit, and ``SecretForms`` relies on that to pass over text quickly.

    Only text that reads as ``secret``, once decoded and letter case aside, is matched: masking
    finds no more ordinary words than the secret as written did. A secret escaped twice
    ("%252D") is not matched; nothing has been seen to echo one so."""
    return "".join(char if _is_plain(char) else _written_or_escaped(char) for char in secret)


# Letter case is ASCII's alone (keys are printable ASCII, or they are never sent): no other
# script's letter passes for one of a key's.
SECRET_FLAGS = re.IGNORECASE | re.ASCII
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _is_plain(char: str) -> bool:
    """Whether ``char`` is an ASCII letter or digit: never percent-encoded."""
    return char in _PLAIN


def _written_or_escaped(char: str) -> str:
    escape = "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))
    return f"(?:{re.escape(char)}|{escape})"


class SecretForms:
    """Finds and masks some secrets in every form (``secret_forms``), and passes over text
    that holds none of them quickly.

    A pattern that allows any letter case gives the regex engine no fixed start to skip ahead
    to: tried at every character, it made masking a megabyte about four times slower, and
    checking the history's 100,000 links about nine times slower. But every form holds each of
    a secret's runs of letters and digits as written, letter case aside, so text whose
    lower-case copy lacks the longest run of each is passed over without the pattern, which
    is compiled only once some text holds one."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        # Longest first, so a key that contains another is masked whole.
        ordered = sorted(set(secrets), key=len, reverse=True)
        self._source = "|".join(secret_forms(secret) for secret in ordered)
        self._runs = tuple(_longest_plain_run(secret).lower() for secret in ordered)
        # A secret without a letter or digit: only the pattern can tell.
        self._pattern_always = "" in self._runs

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        return re.compile(self._source, SECRET_FLAGS)

    def _may_be_in(self, text: str) -> bool:
        if self._pattern_always:
            return True
        lowered = text.lower()
        return any(run in lowered for run in self._runs)

    def found_in(self, text: str) -> bool:
        """Whether ``text`` holds one of the secrets, in any form."""
        return self._may_be_in(text) and self._pattern.search(text) is not None

    def masked(self, text: str) -> str:
        """``text`` with each of the secrets, in any form, replaced by ``[hidden]``."""
        return self._pattern.sub(MASK, text) if self._may_be_in(text) else text


def _longest_plain_run(secret: str) -> str:
    run = longest = ""
    for char in secret:
        run = run + char if _is_plain(char) else ""
        longest = max(longest, run, key=len)
    return longest


@lru_cache(maxsize=16)
def secret_finder(secrets: tuple[str, ...]) -> SecretForms | None:
    """What finds and masks every form of each of ``secrets``; None when none is left once
    empty ones are set aside.

    Kept for the next time: the registered keys change rarely, and a client asks for its own
    key's each time it cleans what a server sent. Nothing is compiled when a key is learned,
    nor when text is first looked at: only once some text holds a run of a key's letters and
    digits (``SecretForms``)."""
    usable = tuple(secret for secret in secrets if secret)
    return SecretForms(usable) if usable else None


# Attributes every LogRecord has; anything else on a record came from ``extra``.
_STANDARD_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}


def register_secret(secret: str | None) -> None:
    """Mask this text, in every form a server may echo it in (``secret_forms``), in every log
    line from now on. Empty or very short values are ignored."""
    global _registered
    if not secret:
        return
    candidates = {secret, secret.strip()}
    with _secrets_lock:
        added = False
        for candidate in candidates:
            if len(candidate) >= MIN_SECRET_LENGTH and candidate not in _secrets:
                _secrets.add(candidate)
                added = True
        if added:
            _registered = tuple(sorted(_secrets))
        listeners = list(_listeners) if added else []
    for listener in listeners:
        try:
            listener()
        except Exception:  # the key is registered all the same; reading it must go on
            logging.getLogger(__name__).exception("A listener to newly known keys failed")


def on_secret_registered(listener: Callable[[], None]) -> Callable[[], None]:
    """Call ``listener`` each time ``register_secret`` learns a new secret, once
    ``holds_registered_secret`` finds it; returns what stops the calls.

    A key is learned when the program reads it (from the password store, on a worker thread,
    a moment after the start or a change of profile; from ``KOMBO_API_KEY``) or is given it:
    text typed before then was checked without it, and the window checks its fields again.
    ``listener`` runs on the thread that registered the key and must hand its work over to
    where it belongs; it is called outside the lock, so it may itself look for secrets."""
    with _secrets_lock:
        _listeners.append(listener)

    def stop() -> None:
        with _secrets_lock:
            if listener in _listeners:
                _listeners.remove(listener)

    return stop


def holds_registered_secret(text: str) -> bool:
    """True when ``text`` contains a registered secret (a key the program has read or been
    given): such text must not leave the program, as customer data or anything else.

    Only the registered keys, in every form (``secret_forms``): none of the patterns
    ``redact`` also masks (``Bearer ...``, ``api_key=...``). Text that came over the network
    is judged more widely, by ``safe_text.unsafe_to_show``; what people type, by this alone
    (see ``field_text.refuses_keys``)."""
    finder = secret_finder(_registered)
    return finder is not None and finder.found_in(text)


def mask_registered_secrets(text: str) -> str:
    """``text`` with every registered secret, in every form (``secret_forms``), replaced by
    ``[hidden]``: only those, none of the patterns ``redact`` also masks."""
    finder = secret_finder(_registered)
    return finder.masked(text) if finder is not None else text


def redact(text: str) -> str:
    """``text`` with every secret and credential-looking value replaced by ``[hidden]``."""
    text = mask_registered_secrets(text)
    for pattern in _credential_patterns():
        text = pattern.sub(_keep_name, text)
    return text


def redact_would_change(text: str) -> bool:
    """Whether ``redact`` would mask anything in ``text``, told without rewriting it.

    The same answer as ``redact(text) != text``, sooner: the history checks every link it
    exports (about 0.02 ms a link for the three patterns, two seconds for 100,000). ASCII text
    in which none of the words the patterns match by appears, in any case, holds nothing they
    would mask, and only the registered secrets are looked for. Any other text is redacted
    and compared: the patterns read some other letters as ASCII ones (a dotless "ı" as "i")
    that ``lower()`` leaves as they are, and a value masked already is left as it is."""
    if text.isascii() and MASK not in text and not _may_hold_credential_words(text.lower()):
        return holds_registered_secret(text)
    return redact(text) != text


def _may_hold_credential_words(lowered: str) -> bool:
    """Whether ASCII ``lowered`` holds a word every match of a credential pattern holds:
    "bearer" (``_BEARER``), "authorization" (``_AUTHORIZATION``), or "api" and "key" with "_",
    "-" or nothing between them (``_API_KEY``); "api" alone first, as it is rarely there."""
    return (
        "bearer" in lowered
        or "authorization" in lowered
        or (
            "api" in lowered
            and ("apikey" in lowered or "api_key" in lowered or "api-key" in lowered)
        )
    )


def _keep_name(match: re.Match[str]) -> str:
    quote = match.groupdict().get("quote") or ""
    return f"{match.group('name')}{quote}{MASK}{quote}"


class RedactingFilter(logging.Filter):
    """Rewrites a record so that nothing secret is left in it; never drops a record.

    The message is formatted with its arguments first and the result masked, because a key can
    hide inside any argument's ``repr``. The traceback is rendered and masked the same way, and
    ``exc_info`` is cleared so no later formatter renders the unmasked one again.
    """

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(_message_of(record))
        record.args = None
        if record.exc_info:
            if not record.exc_text:
                record.exc_text = self._formatter.formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for name, value in list(vars(record).items()):
            if name not in _STANDARD_RECORD_ATTRIBUTES:
                setattr(record, name, _redact_value(value))
        return True


class RedactingFormatter(logging.Formatter):
    """Masks the finished line: the last guard, whatever the format string includes.

    Its times are local, with their offset from UTC (``2026-11-29 15:01:22.355-05:00``), so
    support can match a line with the UTC time of "Copy details" and the crash report's times.
    """

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))

    def formatTime(  # noqa: N802 - logging's name
        self, record: logging.LogRecord, datefmt: str | None = None
    ) -> str:
        if datefmt is not None:
            return super().formatTime(record, datefmt)
        local = self.converter(record.created)
        sign = "-" if local.tm_gmtoff < 0 else "+"
        hours, minutes = divmod(abs(local.tm_gmtoff) // 60, 60)
        seconds = time.strftime("%Y-%m-%d %H:%M:%S", local)
        return f"{seconds}.{int(record.msecs):03d}{sign}{hours:02d}:{minutes:02d}"


def _is_ours(handler: logging.Handler) -> bool:
    return handler.get_name() == HANDLER_NAME


class _EarlyRecords(logging.Handler):
    """Keeps what is logged before the log file is open, for ``configure_logging`` to write.

    The window opens its log file right after its first frame rather than before it: opening
    the folder and the file need not delay it. Records from the moments before are kept here,
    in memory only, and written through the file handler, with its masking, once it exists;
    nothing is lost and nothing unmasked reaches a file.

    They are kept for one file (``log_file``), whatever other file of ours is open meanwhile
    (an earlier window's in the same process, perhaps in another folder): that one writes each
    record too, and only a record it did not write to this very file is written there again.
    Kept for whichever file opened next, they went to an earlier window's file, and this
    window's never had them.
    """

    LIMIT = 1000  # a start-up logs a handful; a flood is cut rather than kept in memory

    def __init__(self, log_file: str) -> None:
        super().__init__(logging.INFO)
        self.set_name(f"{HANDLER_NAME}-early")
        self.log_file = log_file
        # Each record with the file of ours that was open when it was logged (None: none).
        self.records: list[tuple[logging.LogRecord, str | None]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.records) < self.LIMIT:
            self.records.append((record, _log_file_open_now()))

    def not_written_to(self, log_file: str) -> list[logging.LogRecord]:
        """The records kept, oldest first, but for those ``log_file`` was open to write."""
        return [record for record, written_to in self.records if written_to != log_file]


def _log_file_open_now() -> str | None:
    """The path of the log file of ours that is open now, if one is."""
    for handler in logging.getLogger().handlers:
        if _is_ours(handler) and isinstance(handler, logging.FileHandler):
            return handler.baseFilename
    return None


def hold_early_records(paths: AppPaths) -> None:
    """Keep INFO and above in memory until ``configure_logging`` opens the file of ``paths``.

    Does nothing when records are already being kept for that file. A log file of ours open
    elsewhere goes on writing meanwhile; the file of ``paths`` gets every record all the same.
    """
    log_file = str(paths.log_file.absolute())
    root = logging.getLogger()
    if any(isinstance(h, _EarlyRecords) and h.log_file == log_file for h in root.handlers):
        return
    root.addHandler(_EarlyRecords(log_file))
    if root.getEffectiveLevel() > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)


def _stop_keeping(log_file: str | None = None) -> list[_EarlyRecords]:
    """Stop keeping records for ``log_file`` (None: for any file); what kept them."""
    root = logging.getLogger()
    keepers: list[_EarlyRecords] = []
    for handler in list(root.handlers):
        if isinstance(handler, _EarlyRecords) and log_file in (None, handler.log_file):
            root.removeHandler(handler)
            keepers.append(handler)
            handler.close()
    return keepers


def configure_logging(paths: AppPaths) -> None:
    """Write INFO and above to a rotating log file (1 MB, 5 old files kept), keys masked.

    Calling it again with the same paths changes nothing; with other paths the file moves there.
    Raises ``OSError`` when the log folder cannot be created or the file cannot be opened; the
    program can carry on without a log file. Records kept for this file by
    ``hold_early_records`` are written first, but for those it was open to write already (or,
    when the file cannot be opened, dropped); those kept for another file stay kept for it.
    """
    root = logging.getLogger()
    log_file = paths.log_file.absolute()
    for handler in list(root.handlers):
        if _is_ours(handler):
            if isinstance(handler, logging.FileHandler) and handler.baseFilename == str(log_file):
                _write_early_records(handler, str(log_file))
                return
            root.removeHandler(handler)
            handler.close()
    try:
        ensure_private_dir(paths.log_dir)
        handler = _patient_handler(log_file)
    except OSError:
        _stop_keeping(str(log_file))  # no file to write them to; stop keeping them
        raise
    handler.set_name(HANDLER_NAME)
    handler.setLevel(logging.INFO)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(RedactingFormatter(LOG_FORMAT))
    root.addHandler(handler)
    if root.getEffectiveLevel() > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    # After the file handler is attached, so nothing logged in between is lost.
    _write_early_records(handler, str(log_file))


def _patient_handler(log_file: Path) -> logging.Handler:
    """A rotating handler for ``log_file`` (1 MB, 5 old files kept) that keeps logging when a
    rotation fails."""
    return RotatingLogFile(log_file, max_bytes=LOG_MAX_BYTES, backup_count=LOG_BACKUP_COUNT)


class RotatingLogFile(logging.FileHandler):
    """The log file, renamed to ``.1`` (``.1`` to ``.2``, and so on) before a record would take
    it to ``max_bytes``; at most ``backup_count`` old files are kept.

    It does what ``logging.handlers.RotatingFileHandler`` did for this program, in a few lines
    of its own: that module brings socket, pickle, queue and the handlers for mail, syslog and
    HTTP, which the packaged program carried (20 KB of byte code) for this one class.

    A failed rotation does not stop the logging. On Windows a file another program has open
    cannot be renamed: with two copies of the program running, the first to reach the size limit
    failed to rotate, and as the handler had closed its file by then, every later record tried
    again, failed and was lost. This one reopens the file, says so in it, and tries again after
    another tenth of the limit.
    """

    def __init__(self, path: Path, *, max_bytes: int, backup_count: int) -> None:
        super().__init__(path, mode="a", encoding="utf-8")
        self.max_bytes = max_bytes
        self.backup_count = backup_count
        self._retry_at: int | None = None  # after a failed rotation: where to try again

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._is_full_with(record):
                self._rotate()
            super().emit(record)
        except Exception:
            self.handleError(record)

    def _is_full_with(self, record: logging.LogRecord) -> bool:
        if os.path.exists(self.baseFilename) and not os.path.isfile(self.baseFilename):
            return False  # never rename a device or a pipe someone pointed the log at
        if self.stream is None:
            self.stream = self._open()
        self.stream.seek(0, os.SEEK_END)  # Windows does not always report the end otherwise
        line = f"{self.format(record)}{self.terminator}"
        limit = self.max_bytes if self._retry_at is None else self._retry_at
        return self.stream.tell() + len(line) >= limit

    def _rotate(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None  # logging's own way of saying closed
        try:
            self._shift_old_files()
        except OSError as error:
            self.stream = self._open()
            self._retry_at = self.stream.tell() + max(1, self.max_bytes // 10)
            self.stream.write(f"(The log file could not be rotated: {error}; it goes on.)\n")
            return
        self._retry_at = None  # the next file is held to the limit again
        self.stream = self._open()

    def _shift_old_files(self) -> None:
        name = self.baseFilename
        for number in range(self.backup_count - 1, 0, -1):
            older, oldest = f"{name}.{number}", f"{name}.{number + 1}"
            if os.path.exists(older):
                if os.path.exists(oldest):
                    os.remove(oldest)
                os.rename(older, oldest)
        if self.backup_count > 0:
            first = f"{name}.1"
            if os.path.exists(first):
                os.remove(first)
            if os.path.exists(name):
                os.rename(name, first)


def _write_early_records(handler: logging.Handler, log_file: str) -> None:
    """Write what was kept for ``log_file`` through ``handler``, which writes that file; not
    what it wrote already, being open then."""
    for keeper in _stop_keeping(log_file):
        for record in keeper.not_written_to(log_file):
            handler.handle(record)  # through the masking filter, like every record


def stop_logging() -> None:
    """Close the log file and detach it (at exit, or before its folder is removed)."""
    root = logging.getLogger()
    _stop_keeping()
    for handler in list(root.handlers):
        if _is_ours(handler):
            root.removeHandler(handler)
            handler.close()


def _message_of(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except Exception:
        # A bad format string must not stop the log line, nor leak the raw arguments.
        return f"{_safe_str(record.msg)} (arguments: {_safe_repr(record.args)})"


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    text = _safe_str(value)
    masked = redact(text)
    return value if masked == text else masked


def _safe_str(value: object) -> str:
    try:
        return str(value)
    except Exception:
        return f"<unprintable {type(value).__name__}>"


def _safe_repr(value: object) -> str:
    try:
        return repr(value)
    except Exception:
        return f"<unprintable {type(value).__name__}>"
