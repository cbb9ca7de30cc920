"""The reconnection tab says whose integration an id is, and whether it works, as it is typed.

A reconnection link lets whoever opens it sign in to that integration again, so it must go to
the customer the integration belongs to. Once the id in the field is complete and typing has
paused, Kombo is asked (``GET /integrations/{id}``, on a worker thread) and the answer replaces
the field's hint: "This is the Personio connection of Acme GmbH. It has stopped working ...".
In screen-sharing mode the organisation is left out, like everything about customers.

The lookup only helps: it never holds up or replaces the reconnection itself. Its answer comes
after the typing, so a status line that said the id was fine once its red mark was gone ("The
marked fields are fine now ... press to send") is replaced by a sentence pointing to the answer
when that warns about the id or says Kombo does not know it. An id Kombo says
it does not know is said so at once (the link would be refused anyway), as removed in Kombo
when this profile made links for it before. A key Kombo does not know (401) counts as a link's
refusal does: the window says so in the same words, with "Open settings", and the next request
reads the key from the password store again (``Connection.key_refused``). Any other failure
(no key, no network, a 403, a 404 from a wrong address) leaves the usual hint, and making the
link explains the problem in full.
Answers are remembered per connection; one older than a minute is asked again when the tab is
shown (so coming back to it after a reconnection link went out shows whether the customer has
used it), and an answer for an id no longer in the field is dropped.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from kombo_desktop.core import link_request as lr
from kombo_desktop.core.errors import KomboError, is_key_unknown, is_unknown_integration
from kombo_desktop.core.integrations import (
    DEMO_NOT_FOUND_TEXT,
    REMOVED_TEXT,
    integration_text,
    mismatch_text,
    not_found_for_removed_profile_text,
    not_found_text,
)
from kombo_desktop.core.link_request import InvalidRequest, validate_field
from kombo_desktop.ui.tasks import quiet_failure

if TYPE_CHECKING:
    from collections.abc import Callable

    from kombo_desktop.core.cancel import CancelToken
    from kombo_desktop.core.integrations import IntegrationInfo
    from kombo_desktop.ui.connection import Connection
    from kombo_desktop.ui.main_window import MainWindow
    from kombo_desktop.ui.tasks import TaskHandle

PAUSE_MS = 600  # typing has paused: look the id up
# An answer older than this is asked again when the tab is shown: after a reconnection link
# went out, coming back to the tab shows whether the customer has used it.
FRESH_SECONDS = 60.0
# On the status line, when the answer under the field takes back its "fine now" (see above).
ANOTHER_ORGANIZATION_STATUS = (
    "Check the id before sending: in Kombo this connection belongs to another organisation "
    "than the customer you started from (see under “Integration id”)."
)
UNKNOWN_ID_STATUS = (
    "Check the id before sending: Kombo has no integration with this id (see under "
    "“Integration id”)."
)


class IntegrationLookup(QObject):
    """Looks up the id in ``window.relinkForm`` and shows the answer there."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._form = window.relinkForm
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(PAUSE_MS)
        self._pause.timeout.connect(self.look_up)
        # The lookups running, by the id they ask about: the field's, and one a reconnection
        # link made waits for (``when_answered``), left running when the field changes.
        self._asking: dict[str, TaskHandle] = {}
        # What waits for Kombo's answer about an id (``when_answered``).
        self._waiting: dict[str, list[Callable[[IntegrationInfo], None]]] = {}
        # Integration id -> its details (None: Kombo knows no such id) and when they came,
        # from the connection (profile, key, region) the window used when it asked.
        self._known: dict[str, tuple[IntegrationInfo | None, float]] = {}
        self._known_from: Connection | None = None
        self._form.relinkIntegrationEdit.textChanged.connect(self._typed)
        window.screen_sharing.changed.connect(lambda _on: self._show_known())
        # Another profile, region or key may see other integrations: ask again.
        window.target_changed.connect(lambda _target: self._typed())
        window.tabs.currentChanged.connect(self._tab_shown)

    @property
    def busy(self) -> bool:
        """True while the id in the field is being looked up, or about to be (typing has just
        paused)."""
        return self._form.integration_id in self._asking or self._pause.isActive()

    def ask_now(self, integration_id: str) -> None:
        """A reconnection link for ``integration_id`` is asked for: ask Kombo whose it is now
        if the pause in typing was still to ask it (pressed at once after pasting the id, the
        link came before the answer, and its history entry named no customer: see
        ``when_answered``), or it is no longer in the field. Not again after a failed lookup:
        it would fail again, and making the link explains the problem in full."""
        if integration_id in self._asking or integration_id in self._known_here():
            return
        if integration_id != self._form.integration_id:
            self._ask(integration_id)
        elif self._pause.isActive():
            self.look_up()

    def when_answered(self, integration_id: str, then: Callable[[IntegrationInfo], None]) -> None:
        """Call ``then`` with what Kombo says about ``integration_id`` where links go now: at
        once if known, else once it answers, even if the field is changed meanwhile (asked
        now if it is not being asked). Not called when Kombo does not know the id, or the
        lookup fails: there is nothing to tell then."""
        known = self._known_here()
        if integration_id in known:
            info = known[integration_id][0]
            if info is not None:
                then(info)
            return
        self._waiting.setdefault(integration_id, []).append(then)
        self.ask_now(integration_id)

    def known(self, integration_id: str) -> IntegrationInfo | None:
        """What Kombo said about ``integration_id`` where links go now, if it was asked."""
        answer = self._known_here().get(integration_id)
        return answer[0] if answer is not None else None

    def not_found_by_reconnection(self, connection: Connection, integration_id: str) -> None:
        """Kombo, asked for a reconnection link with ``connection``, said it has no integration
        with ``integration_id``: it was removed since the lookup, whose older answer ("It
        stopped working ... a reconnection link fixes this") stayed under the field while the
        status line said Kombo no longer has it. The newer answer replaces it there too. Not
        for a place the window has left: the answers kept are the new place's."""
        if connection is not self._window.connection:
            return
        self._known_here()[integration_id] = (None, time.monotonic())
        self._show_known()
        if integration_id == self._form.integration_id:
            self._keep_hint_in_view()

    def _keep_hint_in_view(self) -> None:
        """The status line points to the words under the id ("what to do is written under
        “Integration id”"): with larger text in a small window they were below the form's
        visible part. They are scrolled into view, with the id above them where both fit."""
        form = self._form
        hint = form.boxes[lr.INTEGRATION_ID].hint
        form.scrollArea.keep_in_view(hint, above=form.relinkIntegrationEdit)

    def _tab_shown(self, _index: int) -> None:
        if self._window.tabs.currentWidget() is self._form and not self.busy:
            self.look_up()

    def _typed(self) -> None:
        self._stop()
        self._form.show_integration(None)
        self._pause.start()

    def look_up(self) -> None:
        """Ask Kombo about the id in the field now (if it is a complete id)."""
        self._pause.stop()
        self._stop()
        integration_id = self._form.integration_id
        if integration_id in self._asking:  # a reconnection link made waits for it
            return
        known = self._known_here()
        if integration_id in known and time.monotonic() - known[integration_id][1] < FRESH_SECONDS:
            self._show_known()
            return
        self._ask(integration_id)

    def _ask(self, integration_id: str) -> None:
        """Ask Kombo about ``integration_id`` on a worker thread (if it is a complete id);
        the answer is shown if the field still holds it, and handed to what waits for it."""
        connection = self._window.connection
        if connection is None or validate_field(lr.INTEGRATION_ID, integration_id) is not None:
            self._waiting.pop(integration_id, None)
            return
        known = self._known_here()
        handle: TaskHandle | None = None

        def ended() -> list[Callable[[IntegrationInfo], None]]:
            """This lookup is over: what waited for it."""
            if self._asking.get(integration_id) is handle:
                del self._asking[integration_id]
                return self._waiting.pop(integration_id, [])
            return []

        # Whether Kombo refused the key the window still sends (see ``Connection.key_refused``).
        refused_key_in_use = False

        def work(token: CancelToken) -> IntegrationInfo:
            nonlocal refused_key_in_use
            client = connection.client()
            try:
                return client.get_integration(integration_id, token)
            except KomboError as error:
                if is_key_unknown(error):
                    # As for a link: the next request reads the store again (a key replaced
                    # there is used), and the refusal is said while it is the key in use.
                    refused_key_in_use = connection.key_refused(client)
                raise

        def done(info: IntegrationInfo) -> None:
            self._window.account.key_verdicts.accepted(connection)  # a refusal no longer holds
            waiting = ended()
            known[integration_id] = (info, time.monotonic())
            self._show_known()
            for then in waiting:
                then(info)

        def failed(error: BaseException) -> None:
            ended()
            if isinstance(error, InvalidRequest):
                return  # the id holds a key, not asked about: the field says so (known_keys)
            if is_unknown_integration(error):
                known[integration_id] = (None, time.monotonic())
                self._show_known()
            elif refused_key_in_use:
                self._window.account.key_verdicts.refused(connection, error)
                self._say_key_refused(connection, error)
            else:
                quiet_failure("Looking up an integration")(error)

        try:
            handle = self._window.runner.run(
                work,
                on_done=done,
                on_error=failed,
                on_cancelled=lambda: None,
                owner=self,
                name="integration-lookup",
            )
        except RuntimeError:  # the window is closing
            self._waiting.pop(integration_id, None)
            return
        self._asking[integration_id] = handle

    def _say_key_refused(self, connection: Connection, error: BaseException) -> None:
        """Kombo does not know the key links go with: every link would be refused too, so it
        is said now as a refused link says it, with the way to Settings; not over a link
        being made (its own outcome follows), nor for a place the window has left."""
        window = self._window
        if connection is not window.connection or window.link_making.busy:
            return
        window.link_making.refusals.show_error(error, after_notes=True)

    def _show_known(self) -> None:
        """What is known about the id in the field, in the words screen-sharing mode allows."""
        known = self._known_here()
        integration_id = self._form.integration_id
        if integration_id not in known:
            return
        info = known[integration_id][0]
        if info is None:  # a problem with the id, which the status line may point to
            self._form.show_integration(self._not_found_text(integration_id), warning=True)
            self._window.link_making.refusals.check_before_sending(self._form, UNKNOWN_ID_STATUS)
            return
        started_for = self._window.history.relink_started_for(integration_id)
        private = self._window.screen_sharing.on
        warning = mismatch_text(info, private=private, started_for=started_for)
        if warning is not None:
            self._form.show_integration(warning, warning=True)
            self._window.link_making.refusals.check_before_sending(
                self._form, ANOTHER_ORGANIZATION_STATUS
            )
        else:
            self._form.show_integration(integration_text(info, private=private))

    def _not_found_text(self, integration_id: str) -> str:
        """Why Kombo may not know the id: an id this profile made links for was removed in
        Kombo (copying it again cannot help); one filled in from a reconnection made with a
        profile removed since needs that Kombo account's key again (as the status line said
        on filling it in); any other may be mistyped or elsewhere (in the place another
        profile reaches, if there is one)."""
        if self._window.is_demo:
            return DEMO_NOT_FOUND_TEXT
        if self._window.history.integration_removed(integration_id):
            return REMOVED_TEXT
        removed_profile = self._window.history.from_history.removed_profile_of(integration_id)
        if removed_profile is not None:
            return not_found_for_removed_profile_text(removed_profile)
        return not_found_text(several_profiles=len(self._window.setup.settings.profiles) > 1)

    def _known_here(self) -> dict[str, tuple[IntegrationInfo | None, float]]:
        """The answers from the window's connection now; another profile, region or key
        (a new connection) may see other integrations, so they start afresh."""
        if self._window.connection is not self._known_from:
            self._known = {}
            self._known_from = self._window.connection
        return self._known

    def _stop(self) -> None:
        """Stop asking about ids no longer in the field; not about one a reconnection link
        made waits for (``when_answered``)."""
        for integration_id, running in list(self._asking.items()):
            if integration_id not in self._waiting:
                del self._asking[integration_id]
                running.cancel()
