"""Keyring backends for tests, used through keyring's real module API (``keyring.set_keyring``)."""

from __future__ import annotations

import threading

from keyring.backend import KeyringBackend
from keyring.credentials import Credential
from keyring.errors import KeyringLocked, NoKeyringError, PasswordDeleteError


class InMemoryKeyring(KeyringBackend):
    """A working credential store that lives in memory."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.secrets:
            raise PasswordDeleteError("not found")
        del self.secrets[(service, username)]


class WatchedKeyring(InMemoryKeyring):
    """A working store that notes every call made to it, in ``calls`` (the call's name and the
    profile): on some computers each one asks the person to unlock the store."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, str]] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.calls.append(("get_password", username))
        return super().get_password(service, username)

    def get_credential(self, service: str, username: str | None) -> Credential | None:
        self.calls.append(("get_credential", username or ""))
        return super().get_credential(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls.append(("set_password", username))
        super().set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        self.calls.append(("delete_password", username))
        super().delete_password(service, username)


class _FailingKeyring(KeyringBackend):
    """A credential store whose every call raises ``make_error()``."""

    priority = 0

    def make_error(self) -> Exception:
        raise NotImplementedError

    def get_password(self, service: str, username: str) -> str | None:
        raise self.make_error()

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.make_error()

    def delete_password(self, service: str, username: str) -> None:
        raise self.make_error()


class NoCredentialServiceKeyring(_FailingKeyring):
    """What keyring's ``fail`` backend does on a headless Linux machine: raises NoKeyringError."""

    def make_error(self) -> Exception:
        return NoKeyringError("No recommended backend was available.")


class LockedKeyring(_FailingKeyring):
    """A credential store the user refused to unlock."""

    def make_error(self) -> Exception:
        return KeyringLocked("The keyring is locked.")


class LockableKeyring(InMemoryKeyring):
    """A working store the person can lock and unlock: while ``locked`` every call refuses."""

    def __init__(self, *, locked: bool = False) -> None:
        super().__init__()
        self.locked = locked

    def _refuse_while_locked(self) -> None:
        if self.locked:
            raise KeyringLocked("The keyring is locked.")

    def get_password(self, service: str, username: str) -> str | None:
        self._refuse_while_locked()
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self._refuse_while_locked()
        super().set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        self._refuse_while_locked()
        super().delete_password(service, username)


class PromptingKeyring(InMemoryKeyring):
    """A working store whose every call waits until ``answer_prompt()``: like a keychain asking
    "allow access?" or a keyring waiting to be unlocked, for as long as nobody answers."""

    def __init__(self) -> None:
        super().__init__()
        self.answered = threading.Event()
        self.waiting = threading.Event()  # set once a call is held at the prompt

    def answer_prompt(self) -> None:
        self.answered.set()

    def _prompt(self) -> None:
        self.waiting.set()
        if not self.answered.wait(timeout=30):
            raise KeyringLocked("nobody answered the prompt")

    def get_password(self, service: str, username: str) -> str | None:
        self._prompt()
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self._prompt()
        super().set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        self._prompt()
        super().delete_password(service, username)


class WindowsApiError(Exception):
    """As ``win32ctypes.pywin32.pywintypes.error``: what keyring's Windows backend lets through
    (error 1312, "A specified logon session does not exist", when saving credentials is turned
    off by policy). It is neither a ``KeyringError`` nor an ``OSError``."""

    def __init__(self, winerror: int, funcname: str, strerror: str) -> None:
        super().__init__(winerror, funcname, strerror)
        self.winerror, self.funcname, self.strerror = winerror, funcname, strerror


class WindowsNoLogonSessionKeyring(_FailingKeyring):
    """Windows Credential Manager where saving credentials is turned off."""

    def make_error(self) -> Exception:
        return WindowsApiError(
            1312,
            "CredWrite",
            "A specified logon session does not exist. It may already have been terminated.",
        )


class PromptDismissedKeyring(_FailingKeyring):
    """The Secret Service whose unlock prompt was dismissed: secretstorage raises its own
    exception (``PromptDismissedException``), derived from ``Exception`` only."""

    class PromptDismissedException(Exception):  # noqa: N818 (secretstorage's name)
        pass

    def make_error(self) -> Exception:
        return self.PromptDismissedException("Prompt dismissed.")


class BrokenKeyring(_FailingKeyring):
    """A backend with a bug: it raises what no credential store is documented to raise."""

    def make_error(self) -> Exception:
        return ValueError("a backend bug")
