"""Keyring backends for tests, used through keyring's real module API (``keyring.set_keyring``)."""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, NoKeyringError, PasswordDeleteError


class InMemoryKeyring(KeyringBackend):
    """A working credential store that lives in memory."""

    priority = 1  # type: ignore[assignment]

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


class _FailingKeyring(KeyringBackend):
    """A credential store whose every call raises ``make_error()``."""

    priority = 0  # type: ignore[assignment]

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
