"""The settings dialog's key checks, run on a worker thread, and what it says about them.

Nothing here touches a widget, so each function can run off the UI thread and the words can be
read in one place. Why the key is handled this way:

* On save the key is first checked with Kombo (``GET /check-api-key``) and stored only when
  Kombo accepts it, so a typo is caught here and not in front of a customer. The check can be
  cancelled; storing the key after it cannot (a call into the password store cannot be taken
  back), so the two run one after the other as separate work. The environment id
  Kombo returns is shown, to tell keys of different environments apart.
* A key Kombo refuses is not stored. Only when Kombo could not be reached at all (offline, VPN)
  is "Save anyway" offered (:data:`UNREACHABLE`).
* While the window holds link requests back because Kombo asked for a pause (``kombo_pause``),
  a check of the same key at the same place counts against the same limit and only earns
  another "too many requests": it is not sent (:class:`KeyCheckPausedError`). Another key may be
  another Kombo account, with limits of its own, and is checked.
* The client (and httpx with it) is imported inside the worker functions: opening the dialog
  must not load the HTTP library on the UI thread.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kombo_desktop.core.credentials import CredentialStore, InvalidApiKeyError, KeyLocation
from kombo_desktop.core.errors import (
    WHO_MANAGES_KOMBO,
    ConnectionFailedError,
    KomboError,
    MalformedKeyError,
    MissingApiKeyError,
    RequestTimeoutError,
    ServerError,
    ShortKeyError,
    is_key_refused,
)

if TYPE_CHECKING:
    from kombo_desktop.core.cancel import CancelToken

_log = logging.getLogger(__name__)

KEY_REFUSED = (
    "Kombo did not accept this key. Check that you pasted the whole key from the Kombo "
    "dashboard, and that the region above is the one the key was made for (Europe or United "
    "States)."
)
# ``{kept}``: "the stored key", or "the key" where it is not stored (see ``failure_text``).
STORED_KEY_REFUSED = (
    "Kombo did not accept {kept}. It may have been revoked, or made for the other "
    "region. Paste the current key from the Kombo dashboard above and save it."
)
# Where keys are checked at an address the region list does not decide (another address,
# --api-base, the administrator's), "the region above" would send the person to the wrong field.
KEY_REFUSED_AT = (
    "Kombo did not accept this key. Check that you pasted the whole key from the Kombo "
    "dashboard (it was checked at {address})."
)
STORED_KEY_REFUSED_AT = (
    "Kombo did not accept {kept} at {address}. It may have been revoked. Paste the "
    "current key from the Kombo dashboard above and save it."
)

# The person is waiting in front of the dialog: one retry covers a network blip, more would only
# make "you are offline" arrive later.
CHECK_ATTEMPTS = 2
# Kombo could not be reached at all: the key may be fine, so storing it unchecked is offered.
UNREACHABLE = (ConnectionFailedError, RequestTimeoutError)
# Kombo answered, but with a problem of its own: the key may be fine too.
SAVE_UNCHECKED_OFFERED = (*UNREACHABLE, ServerError)
KOMBO_TROUBLE = "Kombo had a problem on its side, so the key could not be checked."


@dataclass(frozen=True)
class KeySaved:
    """What the worker reports after saving: where the key went, and Kombo's answer if checked."""

    location: KeyLocation
    environment_id: str | None


@dataclass(frozen=True)
class KeyPause:
    """The wait Kombo asked for, as a key check needs it: a fingerprint of the key it holds
    back (``Connection.key_sent``), when the wait is over (``time.monotonic()``), and what the
    answer said (``messages.held_back_reason``)."""

    key: bytes | None
    until: float
    reason: str

    def holds(self, key: str | None) -> bool:
        """Whether checking ``key`` now would count against the limit Kombo paused."""
        from kombo_desktop.ui.connection import key_fingerprint

        return self.seconds_left() > 0 and key_fingerprint(key) == self.key

    def seconds_left(self) -> float:
        return self.until - time.monotonic()


# The window's wait, as a key check of a profile at an address must heed it (None: none).
PausedKeyCheck = Callable[[str, str], KeyPause | None]


class KeyCheckPausedError(Exception):
    """A key check not sent: Kombo asked for a pause for this very key (``pause``)."""

    def __init__(self, pause: KeyPause) -> None:
        super().__init__(pause.reason)
        self.pause = pause


# -- on the worker thread: each gets the credentials, the profile's name and a cancel token ------


def check_typed(
    credentials: CredentialStore,
    profile: str,
    cancel: CancelToken,
    *,
    api_base: str,
    key: str,
    pause: KeyPause | None = None,
) -> str:
    """Ask Kombo whether the key works; returns its environment id. Storing it is separate
    work (:func:`save_typed`), which cannot be cancelled: a call into the store cannot be
    taken back.

    Only a key Kombo accepts is registered here (``logs.register_secret``): the field may
    hold an e-mail address or a company name typed into it by mistake, and once registered
    the form refused that text as a key for the rest of the session. Text shaped like a key
    was registered before the check (``KeySection``), and a key saved unchecked is
    registered by the store."""
    from kombo_desktop.core.client import KomboClient
    from kombo_desktop.core.logs import register_secret

    _not_while_paused(key, pause)
    with KomboClient(api_base, key, max_attempts=CHECK_ATTEMPTS, register_key=False) as client:
        environment_id = client.check_api_key(cancel)
    register_secret(key)
    return environment_id


def save_typed(
    credentials: CredentialStore,
    profile: str,
    _cancel: CancelToken,
    *,
    key: str,
    environment_id: str | None = None,
) -> KeySaved:
    """Store the key, which Kombo accepted (in ``environment_id``) or which was not checked
    (None); the password store may wait for the user to unlock it."""
    return KeySaved(credentials.save(profile, key), environment_id)


def check_stored(
    credentials: CredentialStore,
    profile: str,
    cancel: CancelToken,
    *,
    api_base: str,
    pause: KeyPause | None = None,
) -> str:
    """Check the key already kept for ``profile``; it never leaves this thread."""
    from kombo_desktop.core.client import KomboClient

    key = credentials.key_to_send(profile)  # a locked store says so, not "no key"
    if key is None:
        raise MissingApiKeyError()
    _not_while_paused(key, pause)
    with KomboClient(api_base, key, max_attempts=CHECK_ATTEMPTS) as client:
        return client.check_api_key(cancel)


def _not_while_paused(key: str, pause: KeyPause | None) -> None:
    """Raise :class:`KeyCheckPausedError` if ``pause`` holds ``key`` back (compared here, on the
    worker thread: the stored key is read from the password store, which is slow at times)."""
    if pause is not None and pause.holds(key):
        raise KeyCheckPausedError(pause)


# -- what the dialog says ------------------------------------------------------------------------


def credential_store_name() -> str:
    """The user's name for this computer's password store, for "A key is stored in ..."."""
    if sys.platform == "win32":
        return "Windows Credential Manager"
    if sys.platform == "darwin":
        return "the macOS keychain"
    return "this computer's password store"


def location_text(location: KeyLocation | None) -> str:
    """Where a profile's key is kept, never the key itself."""
    if location is KeyLocation.CREDENTIAL_STORE:
        return f"A key is stored in {credential_store_name()}."
    if location is KeyLocation.SESSION_ONLY:
        return "A key is kept for this session only: it is forgotten when the program closes."
    if location is KeyLocation.RUN_KEY:
        return (
            "The key set in KOMBO_API_KEY is used for this run, for every profile; it is not "
            "stored anywhere."
        )
    if location is KeyLocation.UNREADABLE:
        return (
            "Whether a key is stored for this profile is not known: the password store could "
            "not be read."
        )
    return (
        "No key is stored for this profile yet. Paste it above and save it, or ask "
        f"{WHO_MANAGES_KOMBO} to set one up."
    )


def environment_id_text(environment_id: str | None) -> str:
    if environment_id:
        return f"Kombo environment: {environment_id}"
    return "Kombo environment: not known yet (it is shown once a key is checked)."


def saved_text(outcome: KeySaved, store_problem: str | None, *, run_key: bool = False) -> str:
    """The status line after a key was saved: whether Kombo checked it, where it went, and
    (``run_key``) that KOMBO_API_KEY is still the key this run uses."""
    if outcome.environment_id is not None:
        checked = f"Kombo accepted the key (environment {outcome.environment_id}). "
    else:
        checked = "The key was saved without a check; it is checked when you next make a link. "
    if outcome.location is KeyLocation.SESSION_ONLY:
        where = here_in_settings(store_problem or "It is kept for this session only.")
    else:
        where = f"It is stored in {credential_store_name()}."
    if run_key:
        where += (
            " This run still uses the key set in KOMBO_API_KEY; the saved one is used when the "
            "program starts without it."
        )
    return checked + where


def failure_text(
    error: BaseException,
    *,
    typed: bool,
    address: str | None = None,
    address_set_by: str | None = None,
    run_key: bool = False,
    kept: str = "the stored key",
) -> str:
    """The status line when checking a key failed: the ``typed`` one (it stays in the field,
    unsaved) or the stored one (left as it is). ``address`` is where it was checked when the
    region list did not decide that (None when it did); ``address_set_by`` who set it when
    nothing here can change it (see ``messages.address_set_by_message``). ``run_key``:
    KOMBO_API_KEY is set, so "the stored key" checked was that one, which no key saved here
    replaces. ``kept`` names the key checked when it was not typed: "the key" for one kept for
    this session only, which is not stored."""
    if not typed and run_key and is_key_refused(error):
        from kombo_desktop.core.messages import run_key_refused_message

        malformed = isinstance(error, MalformedKeyError)
        too_short = isinstance(error, ShortKeyError)
        return run_key_refused_message(malformed=malformed, too_short=too_short, host=address)
    if not typed and isinstance(error, MalformedKeyError):
        # Never sent (too short, or characters no key has): Kombo refused nothing.
        return here_in_settings(error.user_message)
    if typed and isinstance(error, UNREACHABLE):
        words = _settings_words(error, address_set_by)
        if "try again" in words.casefold():  # said once: "… then try again. … Try again, or"
            return f"{words} The key was not saved yet; you can also save it without checking."
        return f"{words} The key was not saved yet. Try again, or save it without checking."
    if isinstance(error, ServerError):  # its own words are about making a link
        if typed:
            return (
                f"{KOMBO_TROUBLE} The key was not saved yet. Try again in a few minutes, or "
                "save it without checking."
            )
        return f"{KOMBO_TROUBLE} Try again in a few minutes."
    if isinstance(error, KomboError):
        if typed:
            refused = KEY_REFUSED if address is None else KEY_REFUSED_AT.format(address=address)
            return f"{_in_settings_words(error, refused, address_set_by)} The key was not saved."
        if address is None:
            return _in_settings_words(error, STORED_KEY_REFUSED.format(kept=kept), address_set_by)
        refused = STORED_KEY_REFUSED_AT.format(kept=kept, address=address)
        return _in_settings_words(error, refused, address_set_by)
    if typed and isinstance(error, InvalidApiKeyError):
        return str(error)
    _log.error("The key check failed unexpectedly", exc_info=error)
    outcome = "so it was not saved" if typed else "but it was not changed"
    return (
        f"The key could not be checked because of an unexpected problem, {outcome}. "
        "Please try again; if it keeps happening, tell support."
    )


def _in_settings_words(error: KomboError, refused: str, address_set_by: str | None) -> str:
    """The error for this dialog: a refused key is explained in terms of the fields right
    here, instead of the window's "check the key and region in Settings"."""
    if is_key_refused(error):
        return refused
    return _settings_words(error, address_set_by)


def _settings_words(error: KomboError, address_set_by: str | None) -> str:
    """The window's sentence for ``error`` as this dialog says it. An address someone else
    set (``address_set_by``) is not changed here, so the sentence names who can change it,
    as the window's does; otherwise the region and address are right here."""
    from kombo_desktop.core.messages import address_set_by_message

    return here_in_settings(address_set_by_message(error.user_message, address_set_by))


def here_in_settings(text: str) -> str:
    """``text``, written for the main window, as the settings dialog says it: the window sends
    the person "to Settings" (the region, the address, the key), and here they are in it; and
    to "copy the details for support", which the dialog has none of."""
    return text.replace(" in Settings", " here").replace(
        "copy the details for support", "tell support"
    )
