"""API keys: kept in the operating system's password store, and nowhere else on disk.

The key of each connection profile lives in the credential store through ``keyring``'s module
functions under service ``kombo-desktop`` and the profile's name as user name, so an administrator
can provision it with ``keyring set kombo-desktop default``.

Not every computer has a working store: headless Linux has none, a locked keychain refuses, a
broken D-Bus session raises odd errors. Then the key is kept in this process's memory until the
program closes and ``problem`` says so in plain words. It is never written to a file instead: a
plain-text key on a laptop is worse than typing it again tomorrow.

``KOMBO_API_KEY`` overrides the stored key for one run and is never saved.

Every key this module sees is registered with the log filter, so it cannot reach the log file
even if some message carries it by mistake.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Mapping
from enum import Enum

from kombo_desktop.core.errors import KeyUnreadableError
from kombo_desktop.core.logs import MIN_SECRET_LENGTH, register_secret

SERVICE_NAME = "kombo-desktop"
API_KEY_VARIABLE = "KOMBO_API_KEY"
# Windows Credential Manager stores at most about 1280 characters per secret (2560 bytes).
MAX_KEY_LENGTH = 1280
# The log filter masks no shorter text (it would hide ordinary words all over the log), so a
# shorter key could reach the log, a link shown or copied, the history. Real Kombo keys are far
# longer: no shorter key is saved (``clean_api_key``) or sent (``KomboClient``).
MIN_KEY_LENGTH = MIN_SECRET_LENGTH
TOO_SHORT_TEXT = (
    "This is too short to be a Kombo API key. Copy the whole key from the Kombo dashboard "
    "(Secrets page) and paste it again."
)

# The way out of pasting the key at every start, where only IT can mend the store: said both
# when a key could not be saved there and when one could not be read from it at start.
ASK_IT_FOR_THE_STORE = (
    "To keep it from one session to the next, ask your IT team to get the password store "
    "working on this computer."
)
STORE_UNAVAILABLE = (
    "Your computer's password store is not available, so the key is kept only until you "
    f"close the program. {ASK_IT_FOR_THE_STORE}"
)
# The key field is emptied once a key is saved, so "save the key again" left nothing to save:
# the way forward is pasting it again. Said in the window as it is, and in Settings as "here".
STORE_LOCKED = (
    "Your computer's password store is locked, so the key is kept only until you close the "
    "program. To keep it, unlock the store, then paste the key in Settings again and save it."
)
STORE_READ_LOCKED = (
    "Your computer's password store is locked, so the API key cannot be read from it. Unlock "
    "it, then try again."
)
STORE_UNREADABLE = (
    "Your computer's password store could not be read, so a saved key cannot be used. Enter "
    f"the key in Settings; it is kept until you close the program. {ASK_IT_FOR_THE_STORE}"
)
STORE_NOT_CLEARED = (
    "The key could not be removed from your computer's password store because the store is "
    "not available. It is no longer used in this session."
)

_log = logging.getLogger(__name__)

# Why every ``Exception`` from a store call counts as "the store cannot be used now": besides
# keyring's own errors, backends let their platform's errors through as they are (D-Bus errors
# as RuntimeError, Windows API errors as win32ctypes' ``pywintypes.error``, e.g. 1312 when
# saving credentials is turned off; secretstorage's PromptDismissedException), and a frozen
# build missing the package raises ImportError. To the person they all mean the same, and a
# key Kombo just accepted must then be kept for this session rather than lost. Only the error's
# type is logged: its text could carry the secret.


class KeyLocation(Enum):
    """Where the key in use comes from; the settings screen tells the user."""

    CREDENTIAL_STORE = "credential_store"
    SESSION_ONLY = "session_only"
    # The run key: the one given at start in ``KOMBO_API_KEY``, for every profile of the run
    # (called so throughout, as "environment" means a Kombo environment elsewhere).
    RUN_KEY = "run_key"
    # The store could not be read (``problem`` says why): whether it holds a key is not known,
    # so nobody may be told there is none and sent to paste a key saved long ago.
    UNREADABLE = "unreadable"


class _StoreReadError(Exception):
    """The store could not be read; ``problem`` says why."""


class InvalidApiKeyError(ValueError):
    """The pasted text cannot be a key; ``str(error)`` says what to do, in plain words."""


# Quotes a copied key may come wrapped in: typed ones, and the ones word processors and chat
# programs turn them into (English and German).
_QUOTE_PAIRS = (
    ('"', '"'),
    ("'", "'"),
    ("“", "”"),
    ("‘", "’"),
    ("„", "“"),
    ("«", "»"),  # French
    ("`", "`"),  # a chat program's code marks
)
# What precedes the key where it was copied from a request (curl, an HTTP client's headers).
_HEADER_PREFIXES = ("authorization:", "bearer ")


def _is_invisible(char: str) -> bool:
    """Zero-width spaces and joiners, word joiners, byte order marks (Unicode "format"
    characters): invisible in the field, and easily copied along with a key."""
    import unicodedata  # here: only a key being saved needs it, not the program's start

    return unicodedata.category(char) == "Cf"


def _strip_ends(text: str) -> str:
    """``text`` without spaces, line breaks and invisible characters at either end."""
    start, end = 0, len(text)
    while start < end and (text[start].isspace() or _is_invisible(text[start])):
        start += 1
    while end > start and (text[end - 1].isspace() or _is_invisible(text[end - 1])):
        end -= 1
    return text[start:end]


def _unwrap(text: str) -> str:
    """``text`` without one layer of what a copied key comes with: the ends' spaces and
    invisible characters, matching quotes around it, or a leading ``Bearer``."""
    text = _strip_ends(text)
    for opening, closing in _QUOTE_PAIRS:
        if len(text) >= 2 and text.startswith(opening) and text.endswith(closing):
            return text[1:-1]
    for prefix in _HEADER_PREFIXES:
        if text[: len(prefix)].casefold() == prefix:
            return text[len(prefix) :]
    return text


def clean_api_key(raw: str) -> str:
    """The key without what comes along when it is copied: spaces, line breaks and invisible
    characters at its ends, quotes around it, a ``Bearer`` (or ``Authorization: Bearer``)
    before it.

    Raises ``InvalidApiKeyError`` when nothing is left, when the key is shorter than any key
    the program takes (``MIN_KEY_LENGTH``) or longer than the credential store can hold, or
    when it has spaces, control or invisible characters inside (which would also break the
    ``Authorization`` header). No message repeats the key.
    """
    key = _unwrap(raw)
    while (unwrapped := _unwrap(key)) != key:
        key = unwrapped
    if not key:
        raise InvalidApiKeyError(
            "Paste the API key from the Kombo dashboard (Secrets page); the field is empty."
        )
    if len(key) < MIN_KEY_LENGTH:
        raise InvalidApiKeyError(TOO_SHORT_TEXT)
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidApiKeyError(
            f"This is too long to be a Kombo API key ({len(key)} characters; at most "
            f"{MAX_KEY_LENGTH} fit). Copy only the key from the Kombo dashboard."
        )
    if any(_is_invisible(char) for char in key):
        raise InvalidApiKeyError(
            "The key has an invisible character in the middle, which can come along when it is "
            "copied from a chat or a document. Copy it again from the Kombo dashboard in one "
            "piece."
        )
    if any(char.isspace() or not char.isprintable() for char in key):
        raise InvalidApiKeyError(
            "The key has spaces or line breaks in the middle. Copy it again from the Kombo "
            "dashboard in one piece."
        )
    return key


class CredentialStore:
    """API keys per profile: environment override, then this session's memory, then the store.

    Safe to use from the UI thread and a worker thread at once.
    """

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ
        self._session: dict[str, str] = {}
        # Renames whose key could not be moved (the store was locked): new name -> stored
        # name. The move is made the first time the new name's key is looked for and the
        # store can be read (see _move_waiting_key); kept for this session only.
        self._waiting_moves: dict[str, str] = {}
        self._problem: str | None = None
        self._lock = threading.Lock()

    @property
    def problem(self) -> str | None:
        """A plain sentence when the password store let us down, else None.

        It stays while any key is held for this session only, and clears once the store works
        again for every profile.
        """
        with self._lock:
            return self._problem

    @property
    def run_key_in_use(self) -> bool:
        """True while ``KOMBO_API_KEY`` is set: it is then the key of every profile.

        Only whether it is there: the window asks at start, for its header, and the key
        itself is read (and handed to the log filter) only where it is used, off the way to
        the first frame."""
        return bool(self._environ.get(API_KEY_VARIABLE, "").strip())

    def held_for_session(self, profile: str) -> bool:
        """Whether ``profile``'s own key is one kept in memory for this session (the store
        would not take it), not the store's: what Kombo says of it says nothing of the key
        the store holds, which the next start uses."""
        with self._lock:
            return profile in self._session

    def get(self, profile: str) -> str | None:
        """The key to use for ``profile``, or None when there is none."""
        override = self._run_key()
        if override is not None:
            return override
        return self.own_key(profile)

    def key_to_send(self, profile: str) -> str | None:
        """The key to send requests with for ``profile``, as :meth:`get`; None when there is
        none. Raises ``KeyUnreadableError`` (with the store's problem as its message) when
        the store could not be read: a key saved there must not be taken for no key at all."""
        override = self._run_key()
        if override is not None:
            return override
        try:
            return self._own_key_or_raise(profile)
        except _StoreReadError:
            raise KeyUnreadableError(self.problem) from None

    def own_key(self, profile: str) -> str | None:
        """The key kept for ``profile`` itself (this session's, else the store's), whatever
        ``KOMBO_API_KEY`` says: what a renamed profile takes along, or a removed one leaves."""
        try:
            return self._own_key_or_raise(profile)
        except _StoreReadError:
            return None

    def _own_key_or_raise(self, profile: str) -> str | None:
        """:meth:`own_key`, raising ``_StoreReadError`` when the store could not be read."""
        with self._lock:
            kept = self._session.get(profile)
        if kept is not None:
            return kept
        stored = self._read_store(profile)
        if stored is None:
            return self._move_waiting_key(profile)
        register_secret(stored)
        key = stored.strip()
        return key or None

    def _move_waiting_key(self, profile: str) -> str | None:
        """The key of a profile renamed to ``profile`` while the store was locked, moved to
        its new name now that the store can be read; None when no move waits for it."""
        with self._lock:
            old = self._waiting_moves.pop(profile, None)
        if old is None:
            return None
        self.move(old, profile)
        with self._lock:
            if profile in self._waiting_moves:  # the old name could not be read: later
                return None
        return self.own_key(profile)

    def save(self, profile: str, key: str) -> KeyLocation:
        """Keep ``key`` for ``profile``; returns where it went.

        Raises ``InvalidApiKeyError`` for text that cannot be a key. While ``KOMBO_API_KEY`` is
        set that key is still the one in use; the saved one takes over on a run without it.
        """
        register_secret(key)
        return self._keep(profile, clean_api_key(key))

    def _keep(self, profile: str, cleaned: str) -> KeyLocation:
        """Store ``cleaned`` for ``profile`` as :meth:`save` does, without judging it again:
        a key moves with its renamed profile as it is, and one stored outside the program
        (``keyring set``) that this version would not save must not make the rename fail. It
        is refused where it would be sent (``KomboClient``)."""
        try:
            import keyring

            keyring.set_password(SERVICE_NAME, profile, cleaned)
            # Read back: a store can accept a key and keep nothing (keyring's "null" backend,
            # chosen with PYTHON_KEYRING_BACKEND) or keep it cut short, and the person must not
            # be told the key is stored when the next start will not find it.
            kept = keyring.get_password(SERVICE_NAME, profile) == cleaned
        except Exception as error:  # any failure of the store: see the note by _log
            _log.warning(
                "Credential store refused to save the key for profile %r (%s); keeping it "
                "for this session only.",
                profile,
                type(error).__name__,
            )
            return self._keep_for_session(profile, cleaned, locked=_is_locked(error))
        if not kept:
            _log.warning(
                "Credential store did not keep the key for profile %r; keeping it for this "
                "session only.",
                profile,
            )
            return self._keep_for_session(profile, cleaned, locked=False)
        with self._lock:
            self._session.pop(profile, None)
            self._clear_problem_if_resolved()
        _log.info("Saved the key for profile %r in the credential store.", profile)
        self._settle_waiting_move(profile)
        return KeyLocation.CREDENTIAL_STORE

    def _settle_waiting_move(self, profile: str) -> None:
        """``profile`` has a key of its own now, or none: a key still waiting under the name
        it had before a rename is not wanted any more (see ``_waiting_moves``), and must not
        be left for a later profile of that name to inherit."""
        with self._lock:
            old = self._waiting_moves.pop(profile, None)
        if old is not None:
            self.delete(old)

    def _keep_for_session(self, profile: str, key: str, *, locked: bool) -> KeyLocation:
        with self._lock:
            self._session[profile] = key
            self._problem = STORE_LOCKED if locked else STORE_UNAVAILABLE
        return KeyLocation.SESSION_ONLY

    def delete(self, profile: str) -> bool:
        """Forget the key of ``profile`` in this session and in the store (if it was there).

        Returns False when the store could not be cleared (``problem`` is then
        ``STORE_NOT_CLEARED``): a key may still be stored under that name.
        """
        with self._lock:
            self._session.pop(profile, None)
        self._settle_waiting_move(profile)
        try:
            import keyring
            from keyring.errors import PasswordDeleteError

            # Nothing stored is already the state the user asked for.
            with contextlib.suppress(PasswordDeleteError):
                keyring.delete_password(SERVICE_NAME, profile)
        except Exception as error:  # any failure of the store: see the note by _log
            _log.warning(
                "Credential store refused to delete the key for profile %r (%s).",
                profile,
                type(error).__name__,
            )
            with self._lock:
                self._problem = STORE_NOT_CLEARED
            return False
        with self._lock:
            self._clear_problem_if_resolved()
        _log.info("Deleted the key for profile %r from the credential store.", profile)
        return True

    def move(self, old: str, new: str) -> KeyLocation | None:
        """Keep ``old``'s own key under ``new`` instead (a profile was renamed; keys are kept
        under the profile's name); returns where ``new``'s key is kept now.

        A key from ``KOMBO_API_KEY`` is not the profile's own and is left alone. Names that
        differ only in case are one entry in the Windows store, so there the old entry goes
        first. When the store takes no key, the moved one is kept for this session and that is
        what ``problem`` says (not that the old entry could not be removed from it).
        """
        try:
            key = self._own_key_or_raise(old)
        except _StoreReadError:
            with self._lock:  # moved once the store can be read (a rename of a rename too)
                self._waiting_moves[new] = self._waiting_moves.pop(old, old)
            return KeyLocation.UNREADABLE
        if key is not None:
            if old.casefold() == new.casefold():
                self.delete(old)
                self._keep(new, key)
            else:
                kept = self._keep(new, key)
                problem = self.problem
                self.delete(old)
                if kept is KeyLocation.SESSION_ONLY:
                    with self._lock:
                        self._problem = problem
        return self.location(new)

    def location(self, profile: str) -> KeyLocation | None:
        """Where the key ``get(profile)`` returns comes from; None when there is no key,
        ``UNREADABLE`` when the store could not be read."""
        if self._run_key() is not None:
            return KeyLocation.RUN_KEY
        return self.own_location(profile)

    def own_location(self, profile: str) -> KeyLocation | None:
        """Where the key :meth:`own_key` returns is kept; None when ``profile`` has none,
        ``UNREADABLE`` when the store could not be read."""
        with self._lock:
            if profile in self._session:
                return KeyLocation.SESSION_ONLY
        try:
            stored = self._read_store(profile)
            if stored is None and self._move_waiting_key(profile) is not None:
                return self.own_location(profile)
        except _StoreReadError:
            return KeyLocation.UNREADABLE
        if stored is not None and stored.strip():
            register_secret(stored)
            return KeyLocation.CREDENTIAL_STORE
        return None

    def _run_key(self) -> str | None:
        value = self._environ.get(API_KEY_VARIABLE)
        if value is None:
            return None
        register_secret(value)
        return value.strip() or None

    def _read_store(self, profile: str) -> str | None:
        """The stored text (None: nothing stored); raises ``_StoreReadError`` when the store
        could not be read."""
        try:
            import keyring

            value = keyring.get_password(SERVICE_NAME, profile)
        except Exception as error:  # any failure of the store: see the note by _log
            _log.warning(
                "Credential store could not be read for profile %r (%s).",
                profile,
                type(error).__name__,
            )
            with self._lock:
                self._problem = STORE_READ_LOCKED if _is_locked(error) else STORE_UNREADABLE
            raise _StoreReadError() from None
        with self._lock:
            self._clear_problem_if_resolved()
        return value

    def _clear_problem_if_resolved(self) -> None:
        # The store works again; only keys still held for this session keep the warning alive.
        if not self._session:
            self._problem = None


def _is_locked(error: Exception) -> bool:
    try:
        from keyring.errors import KeyringLocked
    except ImportError:
        return False
    return isinstance(error, KeyringLocked)
