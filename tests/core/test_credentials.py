"""API keys in the credential store, in memory when there is none, and never in a file."""

from __future__ import annotations

import logging
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import null
from keyring.errors import KeyringLocked

from kombo_desktop.core.credentials import (
    API_KEY_VARIABLE,
    MAX_KEY_LENGTH,
    MIN_KEY_LENGTH,
    SERVICE_NAME,
    STORE_LOCKED,
    STORE_NOT_CLEARED,
    STORE_READ_LOCKED,
    STORE_UNAVAILABLE,
    STORE_UNREADABLE,
    CredentialStore,
    InvalidApiKeyError,
    KeyLocation,
    clean_api_key,
)
from kombo_desktop.core.errors import KeyUnreadableError
from kombo_desktop.core.logs import configure_logging, stop_logging
from kombo_desktop.core.paths import AppPaths
from tests.support.keyrings import (
    BrokenKeyring,
    InMemoryKeyring,
    LockableKeyring,
    LockedKeyring,
    NoCredentialServiceKeyring,
    PromptDismissedKeyring,
    WindowsNoLogonSessionKeyring,
)


def new_key() -> str:
    return "kmb_" + secrets.token_urlsafe(30)


class DBusBrokenKeyring(KeyringBackend):
    """A backend whose platform layer fails with a plain RuntimeError, as D-Bus errors do."""

    priority = 0

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")

    def delete_password(self, service: str, username: str) -> None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")


class OsErrorKeyring(KeyringBackend):
    """A backend whose operating-system call fails (Windows API errors are OSErrors)."""

    priority = 0

    def get_password(self, service: str, username: str) -> str | None:
        raise OSError(1312, "A specified logon session does not exist.")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise OSError(1312, "A specified logon session does not exist.")

    def delete_password(self, service: str, username: str) -> None:
        raise OSError(1312, "A specified logon session does not exist.")


@pytest.fixture
def no_store() -> None:
    keyring.set_keyring(NoCredentialServiceKeyring())


def files_containing(root: Path, text: str) -> list[Path]:
    needle = text.encode("utf-8")
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


# --- a working credential store -------------------------------------------------------------


def test_saved_key_goes_to_the_store_under_the_contract_names(
    memory_keyring: InMemoryKeyring,
) -> None:
    store = CredentialStore({})
    key = new_key()

    assert store.save("default", key) is KeyLocation.CREDENTIAL_STORE

    assert memory_keyring.secrets == {(SERVICE_NAME, "default"): key}
    assert keyring.get_password("kombo-desktop", "default") == key
    assert store.get("default") == key
    assert store.location("default") is KeyLocation.CREDENTIAL_STORE
    assert store.problem is None


def test_key_is_found_by_a_later_run() -> None:
    key = new_key()
    CredentialStore({}).save("us-team", key)

    later = CredentialStore({})
    assert later.get("us-team") == key
    assert later.get("default") is None


def test_key_provisioned_by_an_administrator_is_used() -> None:
    key = new_key()
    keyring.set_password("kombo-desktop", "default", key)  # what `keyring set` does

    assert CredentialStore({}).get("default") == key


def test_profiles_have_separate_keys(memory_keyring: InMemoryKeyring) -> None:
    store = CredentialStore({})
    eu, us = new_key(), new_key()
    store.save("default", eu)
    store.save("us", us)

    assert store.get("default") == eu
    assert store.get("us") == us
    assert len(memory_keyring.secrets) == 2


def test_no_key_means_none() -> None:
    store = CredentialStore({})

    assert store.get("default") is None
    assert store.location("default") is None
    assert store.problem is None


def test_pasted_whitespace_and_line_breaks_are_trimmed(memory_keyring: InMemoryKeyring) -> None:
    key = new_key()
    store = CredentialStore({})
    store.save("default", f"  \t{key}\r\n")

    assert memory_keyring.secrets[(SERVICE_NAME, "default")] == key
    assert store.get("default") == key


def test_saving_again_replaces_the_key() -> None:
    store = CredentialStore({})
    store.save("default", new_key())
    second = new_key()
    store.save("default", second)

    assert CredentialStore({}).get("default") == second


def test_delete_removes_the_key(memory_keyring: InMemoryKeyring) -> None:
    store = CredentialStore({})
    store.save("default", new_key())

    store.delete("default")

    assert memory_keyring.secrets == {}
    assert store.get("default") is None
    assert store.location("default") is None
    assert store.problem is None


def test_deleting_a_key_that_was_never_saved_is_fine() -> None:
    store = CredentialStore({})
    store.delete("nobody")

    assert store.problem is None


# --- what is rejected -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t\r\n"])
def test_empty_key_is_rejected(text: str, memory_keyring: InMemoryKeyring) -> None:
    with pytest.raises(InvalidApiKeyError, match="empty"):
        CredentialStore({}).save("default", text)
    assert memory_keyring.secrets == {}


def test_key_too_long_for_windows_credential_manager_is_rejected(
    memory_keyring: InMemoryKeyring,
) -> None:
    with pytest.raises(InvalidApiKeyError, match="too long") as caught:
        CredentialStore({}).save("default", "k" * (MAX_KEY_LENGTH + 1))
    assert "k" * 20 not in str(caught.value)  # the message never repeats the key
    assert memory_keyring.secrets == {}


def test_key_of_the_maximum_length_is_accepted() -> None:
    key = "k" * MAX_KEY_LENGTH
    assert CredentialStore({}).save("default", key) is KeyLocation.CREDENTIAL_STORE
    assert CredentialStore({}).get("default") == key


# One character short of the shortest key the program takes.
SHORT_KEY = "Qz7xYw3"


@pytest.mark.parametrize("pasted", [SHORT_KEY, f"“{SHORT_KEY}”", f"Bearer {SHORT_KEY}", "k"])
def test_a_key_too_short_to_be_hidden_in_the_log_is_rejected(
    pasted: str, memory_keyring: InMemoryKeyring
) -> None:
    """The log masks no text shorter than 8 characters (it would hide ordinary words all over
    it), so a key that short could be written anywhere: a link carrying one was shown, copied
    and kept in the history. Real Kombo keys are far longer; no shorter one is taken."""
    assert len(SHORT_KEY) == MIN_KEY_LENGTH - 1
    with pytest.raises(InvalidApiKeyError, match="too short to be a Kombo API key") as caught:
        CredentialStore({}).save("default", pasted)
    assert SHORT_KEY not in str(caught.value)  # the message never repeats the key
    assert memory_keyring.secrets == {}


def test_a_key_of_the_shortest_length_is_accepted() -> None:
    key = "Qz7xYwP4"
    assert len(key) == MIN_KEY_LENGTH
    assert clean_api_key(f" “{key}” ") == key
    assert CredentialStore({}).save("default", key) is KeyLocation.CREDENTIAL_STORE


def test_a_short_key_stored_outside_the_program_still_moves_with_its_profile(
    memory_keyring: InMemoryKeyring,
) -> None:
    # Set with ``keyring set`` (or by an older version): it is refused when it would be used,
    # and a rename must not fail on it.
    keyring.set_password(SERVICE_NAME, "old", SHORT_KEY)
    assert CredentialStore({}).move("old", "new") is KeyLocation.CREDENTIAL_STORE
    assert memory_keyring.secrets == {(SERVICE_NAME, "new"): SHORT_KEY}


@pytest.mark.parametrize("inside", [" ", "\n", "\t", "\x00", "\u2028"])
def test_key_with_breaks_inside_is_rejected(inside: str) -> None:
    with pytest.raises(InvalidApiKeyError, match="in one piece"):
        clean_api_key(f"kmb_first_half{inside}second_half")


# What comes along when a key is copied from a chat, an e-mail, a document or a curl command.
# The quotes were sent as part of the key; "Bearer " and the invisible characters were said to
# be "spaces or line breaks in the middle".
@pytest.mark.parametrize(
    "pasted",
    [
        '"{key}"',
        "'{key}'",
        "“{key}”",
        "‘{key}’",
        "„{key}“",
        "«{key}»",  # French quotes
        "« {key} »",
        "`{key}`",  # as a chat program marks code
        "Bearer {key}",
        "bearer  {key}\n",
        "Authorization: Bearer {key}",
        '"Bearer {key}"',
        "{key}\u200b",
        "\ufeff{key}",
        "\u200c\u200d{key}\u2060",
        " “{key}\u200b” ",
    ],
)
def test_what_comes_along_with_a_copied_key_is_left_out(pasted: str) -> None:
    key = new_key()
    assert clean_api_key(pasted.format(key=key)) == key


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff", "\u2060"])
def test_an_invisible_character_inside_the_key_is_named_plainly(invisible: str) -> None:
    key = new_key()
    with pytest.raises(InvalidApiKeyError) as caught:
        clean_api_key(f"{key[:10]}{invisible}{key[10:]}")
    message = str(caught.value)
    assert "invisible character" in message and "in one piece" in message
    assert "spaces" not in message
    assert key[:10] not in message and key[10:] not in message  # never the key


@pytest.mark.parametrize(
    "text", ['"kombo-key', "kombo-key'", "“kombo-key“", "'kombo-key\"", "Bearerkombo-key"]
)
def test_quotes_that_do_not_match_and_bearer_without_a_space_are_kept(text: str) -> None:
    assert clean_api_key(text) == text


# --- KOMBO_API_KEY ----------------------------------------------------------------------------


def test_environment_key_wins_for_this_run(memory_keyring: InMemoryKeyring) -> None:
    stored, override = new_key(), new_key()
    CredentialStore({}).save("default", stored)

    store = CredentialStore({API_KEY_VARIABLE: f"{override}\n"})

    assert store.get("default") == override
    assert store.get("any-profile") == override
    assert store.location("default") is KeyLocation.RUN_KEY
    assert memory_keyring.secrets == {(SERVICE_NAME, "default"): stored}


def test_environment_key_is_read_from_the_process_environment(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: InMemoryKeyring, isolated_home: Path
) -> None:
    override = new_key()
    monkeypatch.setenv("KOMBO_API_KEY", override)
    store = CredentialStore()

    assert store.get("default") == override
    assert memory_keyring.secrets == {}
    assert not isolated_home.exists() or files_containing(isolated_home, override) == []


def test_blank_environment_key_is_ignored() -> None:
    stored = new_key()
    CredentialStore({}).save("default", stored)

    store = CredentialStore({API_KEY_VARIABLE: "  "})
    assert store.get("default") == stored
    assert store.location("default") is KeyLocation.CREDENTIAL_STORE


def test_saving_while_overridden_keeps_the_override_in_use(
    memory_keyring: InMemoryKeyring,
) -> None:
    override, typed = new_key(), new_key()
    store = CredentialStore({API_KEY_VARIABLE: override})

    assert store.save("default", typed) is KeyLocation.CREDENTIAL_STORE
    assert store.get("default") == override
    assert memory_keyring.secrets == {(SERVICE_NAME, "default"): typed}


# --- no credential store, or a locked or broken one -----------------------------------------


@pytest.mark.usefixtures("no_store")
def test_without_a_store_the_key_is_kept_for_the_session_only() -> None:
    store = CredentialStore({})
    key = new_key()

    assert store.save("default", key) is KeyLocation.SESSION_ONLY

    assert store.get("default") == key
    assert store.location("default") is KeyLocation.SESSION_ONLY
    assert store.problem == STORE_UNAVAILABLE
    assert "only until you close the program" in STORE_UNAVAILABLE
    assert CredentialStore({}).get("default") is None  # the next run does not have it


@pytest.mark.usefixtures("no_store")
def test_without_a_store_reading_reports_the_problem() -> None:
    store = CredentialStore({})

    assert store.get("default") is None
    assert store.location("default") is KeyLocation.UNREADABLE
    assert store.problem == STORE_UNREADABLE


def test_a_key_to_send_from_a_store_that_cannot_be_read_is_an_error_not_none() -> None:
    # None meant "no key": a request then went out without the key, or "No API key is set".
    keyring.set_keyring(LockedKeyring())
    store = CredentialStore({})
    with pytest.raises(KeyUnreadableError) as raised:
        store.key_to_send("default")
    assert raised.value.user_message == STORE_READ_LOCKED
    # The key given for this run, or kept for this session, is sent as before.
    assert CredentialStore({API_KEY_VARIABLE: "env-key-123456"}).key_to_send("x") == (
        "env-key-123456"
    )


def test_a_key_renamed_while_the_store_is_locked_follows_its_profile_once_unlocked() -> None:
    # Nothing was moved: the renamed profile had no key after unlocking, and the old name kept
    # it for any later profile of that name to inherit.
    locked = LockableKeyring(locked=True)
    locked.secrets[(SERVICE_NAME, "default")] = "sk_live_saved_yesterday_123456"
    keyring.set_keyring(locked)
    store = CredentialStore({})
    assert store.move("default", "Sales") is KeyLocation.UNREADABLE
    assert store.move("Sales", "Sales EU") is KeyLocation.UNREADABLE  # renamed twice

    locked.locked = False
    assert store.location("Sales EU") is KeyLocation.CREDENTIAL_STORE
    assert store.key_to_send("Sales EU") == "sk_live_saved_yesterday_123456"
    assert locked.secrets == {(SERVICE_NAME, "Sales EU"): "sk_live_saved_yesterday_123456"}
    assert store.get("default") is None and store.get("Sales") is None


@pytest.mark.parametrize("then", ["save a new key", "delete"])
def test_a_waiting_move_is_settled_by_a_new_key_or_a_delete_under_the_new_name(
    then: str,
) -> None:
    # The move waited on: a later Forget key brought the old key back under the new name, and
    # a removed profile left the old key for a new profile of the old name to inherit.
    lockable = LockableKeyring(locked=True)
    lockable.secrets[(SERVICE_NAME, "default")] = "sk_live_old_key_1234567890"
    keyring.set_keyring(lockable)
    store = CredentialStore({})
    store.move("default", "Main")
    lockable.locked = False
    if then == "save a new key":
        store.save("Main", "sk_live_new_key_0987654321")
        assert lockable.secrets == {(SERVICE_NAME, "Main"): "sk_live_new_key_0987654321"}
        store.delete("Main")
    else:
        store.delete("Main")
    assert lockable.secrets == {}
    assert store.get("Main") is None and store.get("default") is None


def test_a_waiting_move_the_store_still_refuses_waits_on_without_end() -> None:
    class ReadsOnlyTheNewName(LockableKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            if username == "default":
                raise KeyringLocked("still locked for the old name")
            return super().get_password(service, username)

    flaky = ReadsOnlyTheNewName()
    flaky.secrets[(SERVICE_NAME, "default")] = "sk_live_saved_yesterday_123456"
    keyring.set_keyring(flaky)
    store = CredentialStore({})
    assert store.move("default", "Sales") is KeyLocation.UNREADABLE
    assert store.get("Sales") is None  # not found yet, and no endless retrying
    assert store.location("Sales") is None


@pytest.mark.usefixtures("no_store")
def test_without_a_store_delete_forgets_the_session_key_and_says_so() -> None:
    store = CredentialStore({})
    store.save("default", new_key())

    store.delete("default")

    assert store.problem == STORE_NOT_CLEARED
    assert store.get("default") is None


class ForgetfulKeyring(InMemoryKeyring):
    """A store that says yes and keeps only the start of a secret (or, with 0, nothing)."""

    def __init__(self, keeps: int) -> None:
        super().__init__()
        self.keeps = keeps

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.keeps:
            super().set_password(service, username, password[: self.keeps])


@pytest.mark.parametrize(
    "backend",
    [null.Keyring, lambda: ForgetfulKeyring(keeps=0), lambda: ForgetfulKeyring(keeps=12)],
    ids=["null", "keeps-nothing", "cuts-short"],
)
def test_a_store_that_does_not_keep_the_key_is_not_trusted(
    backend: Callable[[], KeyringBackend],
) -> None:
    keyring.set_keyring(backend())
    store = CredentialStore({})
    key = new_key()

    assert store.save("default", key) is KeyLocation.SESSION_ONLY
    assert store.get("default") == key  # the whole key, for this session
    assert store.location("default") is KeyLocation.SESSION_ONLY
    assert store.problem == STORE_UNAVAILABLE


def test_locked_store_keeps_the_key_for_the_session() -> None:
    keyring.set_keyring(LockedKeyring())
    store = CredentialStore({})
    key = new_key()

    assert store.save("default", key) is KeyLocation.SESSION_ONLY
    assert store.get("default") == key
    assert store.problem == STORE_LOCKED


def test_locked_store_on_reading_says_it_is_locked_and_not_that_there_is_no_key() -> None:
    # It said "locked, so the key is kept only until you close the program ... save the key
    # again", the words for a key that could not be saved, about a key saved yesterday.
    keyring.set_keyring(LockedKeyring())
    store = CredentialStore({})

    assert store.get("default") is None
    assert store.location("default") is KeyLocation.UNREADABLE
    assert store.problem == STORE_READ_LOCKED
    assert "Unlock it, then try again" in STORE_READ_LOCKED
    assert "save the key again" not in STORE_READ_LOCKED


# Not only keyring's own errors: Windows API errors (1312 when saving credentials is turned
# off), secretstorage's PromptDismissedException and a backend's plain bug all reach us as they
# are, and each was once "an unexpected problem" that lost a key Kombo had just accepted.
@pytest.mark.parametrize(
    "backend",
    [
        DBusBrokenKeyring,
        OsErrorKeyring,
        WindowsNoLogonSessionKeyring,
        PromptDismissedKeyring,
        BrokenKeyring,
    ],
)
def test_backends_failing_with_plain_errors_fall_back_to_the_session(
    backend: type[KeyringBackend],
) -> None:
    keyring.set_keyring(backend())
    store = CredentialStore({})
    key = new_key()

    assert store.get("default") is None
    assert store.save("default", key) is KeyLocation.SESSION_ONLY
    assert store.get("default") == key
    assert store.problem == STORE_UNAVAILABLE
    store.delete("default")
    assert store.problem == STORE_NOT_CLEARED


def test_missing_keyring_package_falls_back_to_the_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)  # `import keyring` now fails
    store = CredentialStore({})
    key = new_key()

    assert store.save("default", key) is KeyLocation.SESSION_ONLY
    assert store.get("default") == key
    assert store.problem == STORE_UNAVAILABLE


def test_store_that_recovers_takes_the_key_and_clears_the_problem(
    memory_keyring: InMemoryKeyring,
) -> None:
    keyring.set_keyring(LockedKeyring())
    store = CredentialStore({})
    key = new_key()
    store.save("default", key)
    assert store.problem == STORE_LOCKED

    keyring.set_keyring(memory_keyring)  # the user unlocked it
    assert store.save("default", key) is KeyLocation.CREDENTIAL_STORE

    assert store.problem is None
    assert store.location("default") is KeyLocation.CREDENTIAL_STORE
    assert memory_keyring.secrets == {(SERVICE_NAME, "default"): key}


def test_problem_stays_while_another_profile_is_session_only(
    memory_keyring: InMemoryKeyring,
) -> None:
    store = CredentialStore({})
    keyring.set_keyring(NoCredentialServiceKeyring())
    store.save("us", new_key())

    keyring.set_keyring(memory_keyring)
    store.save("default", new_key())

    assert store.problem == STORE_UNAVAILABLE
    assert store.location("us") is KeyLocation.SESSION_ONLY


# --- never on disk, never in the log ---------------------------------------------------------


@pytest.fixture
def logging_to_home() -> Iterator[AppPaths]:
    root = logging.getLogger()
    level = root.level
    paths = AppPaths.from_environment()
    configure_logging(paths)
    yield paths
    stop_logging()
    root.setLevel(level)


@pytest.mark.parametrize("backend", [InMemoryKeyring, NoCredentialServiceKeyring, LockedKeyring])
def test_key_never_reaches_a_file_or_the_log(
    backend: type[KeyringBackend], logging_to_home: AppPaths, isolated_home: Path
) -> None:
    keyring.set_keyring(backend())
    key, override = new_key(), new_key()
    store = CredentialStore({})
    store.save("default", f" {key}\n")
    store.get("default")
    store.location("default")
    CredentialStore({API_KEY_VARIABLE: override}).get("default")

    log = logging.getLogger("kombo_desktop.tests.credentials")
    log.info("a careless message with %s and %s", key, override)
    log.error("Authorization: Bearer %s", key)
    store.delete("default")
    for handler in logging.getLogger().handlers:
        handler.flush()

    assert logging_to_home.log_file.is_file()
    assert "profile 'default'" in logging_to_home.log_file.read_text(encoding="utf-8")
    for secret in (key, override):
        assert files_containing(isolated_home, secret) == []


def test_administrator_key_read_from_the_store_is_masked_in_the_log(
    logging_to_home: AppPaths,
) -> None:
    key = new_key()
    keyring.set_password(SERVICE_NAME, "default", key)
    CredentialStore({}).get("default")

    logging.getLogger("kombo_desktop.tests.credentials").warning("key was %s", key)
    for handler in logging.getLogger().handlers:
        handler.flush()

    text = logging_to_home.log_file.read_text(encoding="utf-8")
    assert key not in text
    assert "key was [hidden]" in text


def test_importing_the_module_does_not_import_keyring() -> None:
    code = (
        "import sys, kombo_desktop.core.credentials; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'keyring'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_profile_keeps_its_own_key_through_a_rename_while_kombo_api_key_is_set(
    memory_keyring: InMemoryKeyring,
) -> None:
    # With KOMBO_API_KEY set every profile seemed to have that key, so a rename left the
    # profile's own key under the old name and a removal left it in the store.
    own = new_key()
    store = CredentialStore({API_KEY_VARIABLE: new_key()})
    store.save("us", own)
    assert store.own_key("us") == own and store.location("us") is KeyLocation.RUN_KEY

    assert store.move("us", "us-team") is KeyLocation.RUN_KEY
    assert memory_keyring.secrets == {(SERVICE_NAME, "us-team"): own}
    assert store.own_location("us-team") is KeyLocation.CREDENTIAL_STORE
    store.delete("us-team")
    assert memory_keyring.secrets == {}


@pytest.mark.usefixtures("no_store")
def test_without_a_store_a_renamed_profiles_key_is_said_to_be_kept_for_the_session() -> None:
    # The rename's attempt to remove the old name from the missing store put "the key could not
    # be removed … no longer used" in place of the truth: it is kept until the program closes.
    key = new_key()
    store = CredentialStore({})
    store.save("old", key)
    assert store.move("old", "new") is KeyLocation.SESSION_ONLY
    assert store.problem == STORE_UNAVAILABLE
    assert store.get("new") == key and store.get("old") is None
