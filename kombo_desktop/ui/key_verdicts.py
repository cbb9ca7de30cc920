"""What Kombo last said of a profile's stored key, remembered from one run to the next.

A key Kombo refused (revoked, or rotated in the dashboard) was said to be refused in the
window, and in Settings, until the program closed; the next start said a key was stored, as
if it were fine, and the first link failed again in front of the customer. So a refusal of the
key the password store holds is written to the settings file (``Settings.refused_keys``):
only *that* it was refused, and when, never the key nor anything made from it. At the next
start the status line says so, with the way to Settings.

The mark goes once the profile has another key (saved in Settings) or once a request with the
stored key succeeds: a link made, the tool lists fetched, an integration looked up, a check in
Settings. A key replaced outside the program (an administrator's ``keyring set kombo-desktop
default``) is such a case: the start's own request, the tool lists fetched in the background,
finds Kombo accepting it, and the note at the start gives way to saying so; were Kombo
unreachable then, the note stays until the first request that gets through. Nothing is
remembered of the key given at start (``KOMBO_API_KEY``), nor of a key kept for this session
only: neither is the key the store holds, which the next start uses.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kombo_desktop.core.errors import MalformedKeyError, is_key_refused

if TYPE_CHECKING:
    from kombo_desktop.core.settings import Settings
    from kombo_desktop.ui.account_feature import AccountFeature
    from kombo_desktop.ui.connection import Connection, KeyStatus
    from kombo_desktop.ui.main_window import MainWindow

_log = logging.getLogger(__name__)


def refused_last_time_text(profile: str) -> str:
    """The note at start for a profile whose stored key Kombo refused when it was last used.
    Its way forward is Settings' (``KEY_REFUSED_BEFORE_TEXT``), in the words of the note's
    button: a link made to find out would fail in front of the customer."""
    return (
        f"Kombo refused the API key of the profile “{profile}” when it was last used: it may "
        "have been revoked. Open settings to paste the current key or, if it was replaced "
        "since, to check the stored key."
    )


def accepted_this_time_text(profile: str) -> str:
    """What takes the place of that note once Kombo accepted the stored key after all."""
    return (
        f"Kombo accepted the API key of the profile “{profile}” this time, so the refusal "
        "from last time no longer applies."
    )


def refused_by_kombo(error: BaseException) -> bool:
    """Whether Kombo itself refused the key sent: not a key so malformed that it was never
    sent, which every use says again at once, with no need to remember it."""
    return is_key_refused(error) and not isinstance(error, MalformedKeyError)


class KeyVerdicts:
    """Remembers, for the window of ``account``, what Kombo says of the stored key."""

    def __init__(self, window: MainWindow, account: AccountFeature) -> None:
        self._window = window
        self._account = account

    def note_at_start(self, connection: Connection, status: KeyStatus) -> None:
        """Say on the status line that Kombo refused the stored key of the connection's
        profile when it was last used, with the way to Settings (see the module's text)."""
        if not status.stored or connection.target.demo:
            return
        profile = connection.target.profile
        if self._window.setup.settings.key_refused_at(profile) is None:
            return
        self._window.show_note(
            refused_last_time_text(profile), action=self._account.settings_action()
        )

    def refused(self, connection: Connection, error: BaseException) -> None:
        """A request with ``connection`` came back with its key refused (``error``), which
        the caller says next: the note at start saying the same of the last run goes."""
        if not refused_by_kombo(error) or not connection.holds_refused_key:
            return
        profile = connection.target.profile
        if connection is self._account.connection:
            self._window.statusPanel.replace_note(refused_last_time_text(profile), None)
        self._remember(connection, refused=True)

    def accepted(self, connection: Connection) -> None:
        """A request with ``connection`` was answered by Kombo, its key accepted."""
        if connection.holds_key:
            self._remember(connection, refused=False)

    def _remember(self, connection: Connection, *, refused: bool) -> None:
        """Write the verdict on the key the password store holds for the connection's profile
        to the settings file, when it changes what is remembered; only for the connection
        links go with now (another's key may have been replaced since)."""
        window = self._window
        if connection is not self._account.connection or window.closed:
            return
        if not connection.sends_stored_key:
            return
        profile = connection.target.profile
        setup = window.setup
        if (setup.settings.key_refused_at(profile) is not None) == refused:
            return
        store = setup.settings_store
        when = datetime.now(UTC)

        def change(settings: Settings) -> None:  # on a worker
            if refused:
                settings.remember_key_refused(profile, when)
            else:
                settings.forget_key_refused(profile)

        def written(settings: Settings) -> None:
            setup.settings = settings
            if not refused:
                window.statusPanel.replace_note(
                    refused_last_time_text(profile), accepted_this_time_text(profile)
                )

        def failed(error: BaseException) -> None:
            if isinstance(error, OSError):
                _log.warning("Could not remember what Kombo said of the stored key: %s", error)
            else:  # a mistake in the program: reported as one
                sys.excepthook(type(error), error, error.__traceback__)

        window.settings_writes.write(lambda: store.update(change), written=written, failed=failed)
