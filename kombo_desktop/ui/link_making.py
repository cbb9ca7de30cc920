"""Making a link: from the pressed button to the link on screen, or the reason there is none.

A checked request goes to Kombo on a worker thread (``TaskRunner``), with the window busy and
Esc or Cancel able to stop waiting (first for the link history, if it is still being opened:
the duplicate check reads it, and so does a reconnection link's customer); what comes back is
shown on the UI thread: the link in the result panel, or why there is none, which
``refusal_display`` says (Kombo's refusal in plain words with the way forward, the fields it
refused marked). Much of this is about who may be watching the shared screen: a link or a
refusal that quotes the details of a customer typed over since stays off the screen.

It is apart from ``main_window`` so that the window's module stays about building the window
and wiring its parts, and the life of one request can be read in one place. The window keeps
the names other parts and tests use (``window.submit_create``, ``window.busy``,
``window.show_link`` ...) and hands them to this part; where links go, and with which key,
is ``account_feature``'s.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject

from kombo_desktop.core.errors import (
    KomboError,
    RequestCancelled,
    is_key_refused,
    is_unknown_integration,
)
from kombo_desktop.core.link_request import InvalidRequest, LinkRequest, RelinkRequest
from kombo_desktop.core.vocabulary import (
    LANGUAGE_NAMES_IN_ENGLISH,
    LINK_TYPE_NAMES,
    Category,
)
from kombo_desktop.ui.duplicate_flow import GONE_BY_EDITING
from kombo_desktop.ui.link_form import CREATE_TEXT
from kombo_desktop.ui.refusal_display import RefusalDisplay
from kombo_desktop.ui.relink_form import RELINK_TEXT
from kombo_desktop.ui.start_up import after_next_paint
from kombo_desktop.ui.tasks import TaskHandle, Tell
from kombo_desktop.ui.widgets import spoken_name

if TYPE_CHECKING:
    from kombo_desktop.core.cancel import CancelToken
    from kombo_desktop.core.integrations import IntegrationInfo
    from kombo_desktop.core.link_check import CreatedLink
    from kombo_desktop.core.settings import Settings
    from kombo_desktop.ui.connection import Connection, Target
    from kombo_desktop.ui.kombo_pause import KomboPause
    from kombo_desktop.ui.main_window import MainWindow
    from kombo_desktop.ui.request_form import RequestForm
    from kombo_desktop.ui.settings_key_checks import KeyPause
    from kombo_desktop.ui.shown_link import ShownLink

_log = logging.getLogger(__name__)
_Request = TypeVar("_Request", LinkRequest, RelinkRequest)
_CustomerText = tuple[tuple[str, str, str], str]

# While Kombo works: what is happening, and that waiting can be stopped.
WAITING_TEXT = "Asking Kombo for the {what}… To stop waiting, press Cancel or Esc."
# Before that, while the link history is still being opened (see ``_after_history``).
CHECKING_EARLIER_LINKS_TEXT = (
    "Checking earlier links for this customer… To stop waiting, press Cancel or Esc."
)
OPENING_HISTORY_TEXT = "Opening the link history… To stop waiting, press Cancel or Esc."
# Said when the form was changed during that wait: the request of the click is not sent.
RELINK_GONE_BY_EDITING = (
    f"The form was changed, so nothing was sent. Press “{spoken_name(RELINK_TEXT)}” when ready."
)
# Said while the window, closing, waits for the form's choices to be saved for next time.
CLOSING_SAVING_CHOICES_TEXT = "Closing once your settings are saved…"
# A new link's QR code is computed once the link is painted, or after this long if it is not
# (the window is minimised, say).
QR_AFTER_LINK_AT_THE_LATEST_MS = 100
LINK_PAINT_AT_THE_LATEST_MS = 100  # a hidden window paints nothing: the buttons come anyway


class LinkMaking(QObject):
    """Sends one main window's requests to Kombo and shows what comes back."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._request: TaskHandle | None = None
        # A request waiting for the history being opened: what calls the wait off.
        self._history_wait: Callable[[], None] | None = None
        self._link_on_its_way = False  # made, not painted yet: the buttons wait for it
        # How many links were asked for so far, counted as the button is pressed (a link
        # waiting for the history is asked for too): the start-up key check keeps its notes
        # to itself once one was (``AccountFeature._key_checked``).
        self.links_asked = 0
        self._customer_when_shown: _CustomerText = (("", "", ""), "")  # see customer_typed
        self._customer_at_request: _CustomerText = (("", "", ""), "")  # see _show_created
        # What the running request makes ("link", "reconnection link"), for the status line
        # of a link shown meanwhile (``making_words``).
        self._making = "link"
        self._making_relink = False
        # Kombo had said whose the integration is when the reconnection button was pressed.
        self._named_when_pressed = False
        # A link the person chose to show (from the history) since pressing the button: the
        # link made stays off the screen then (``_chosen_link_on_show``).
        self._link_chosen_meanwhile = False
        self._made_link_shown = False  # the link just made is on screen: it takes the focus
        # The request of a link made, whose choices are remembered once it is painted (see
        # ``remember_choices_after_paint``).
        self._choices_to_remember: LinkRequest | RelinkRequest | None = None
        # Why no link was made, said on the status line and on the fields; also used by other
        # parts (``window.link_making.refusals.show_error``).
        self.refusals = RefusalDisplay(self, window)
        # After Kombo's "too many requests", a press sends nothing until the wait is over;
        # made with the first such answer (its module names Qt's enums, built after the first
        # frame).
        self._pause: KomboPause | None = None
        # The records of a link made load in the idle time after the first frame: neither the
        # first frame nor the first link waits for them.
        window.start_up.add_in_idle_turns([_load_link_records])

    @property
    def request_running(self) -> bool:
        """Kombo is being asked for a link, or the history first (``_after_history``): Esc or
        a change of place cancels it."""
        return self._request is not None or self._history_wait is not None

    @property
    def busy(self) -> bool:
        """A request runs (or waits for the history), or its link is on its way to the screen
        (``_ready_after_link``)."""
        return self.request_running or self._link_on_its_way

    def submit_create(self) -> None:
        """Check the form; if it is fine (and no guard holds it), send it. The duplicate check
        reads the history: one still being opened is waited for first."""
        form = self._window.linkForm
        request = self._checked(form.build_request, form)
        if request is not None and not self._held_back(form.submit_text):
            self._after_history(
                CHECKING_EARLIER_LINKS_TEXT,
                lambda: self._guard_then_send(request),
                still_asked=lambda: form.asks_for(request),
                changed_text=GONE_BY_EDITING,
            )

    def _guard_then_send(self, request: LinkRequest) -> None:
        for guard in self._window.create_guards:
            if not guard(request):
                return
        self._send(request)

    def submit_relink(self) -> None:
        """Check the reconnection form and send it, after the history if it is still being
        opened: whom the link is for is looked up there once it comes (``of_made``)."""
        form = self._window.relinkForm
        request = self._checked(form.build_request, form)
        if request is not None and not self._held_back(form.submit_text):
            # Whom the link is for, if the pause in typing has not asked Kombo yet: its
            # history entry names the organisation once it answers (``HistoryFeature.record``).
            # Only an answer the tab showed before the press may take the link to another
            # organisation than the customer it was started for (``of_made``).
            lookup = self._window.integration_lookup
            self._named_when_pressed = (
                lookup is not None and lookup.known(request.integration_id) is not None
            )
            if lookup is not None:
                lookup.ask_now(request.integration_id)
            self._after_history(
                OPENING_HISTORY_TEXT,
                lambda: self._send(request),
                still_asked=lambda: form.asks_for(request),
                changed_text=RELINK_GONE_BY_EDITING,
            )

    def _after_history(
        self,
        waiting_text: str,
        then: Callable[[], None],
        *,
        still_asked: Callable[[], bool],
        changed_text: str,
    ) -> None:
        """Go on with a request (``then``) once the link history can be read: at once, unless
        it is still being opened (a slow disk, a large history being upgraded, a file another
        program holds). The window is busy then as for a request, says ``waiting_text`` and
        stays usable; Cancel or Esc stop the wait, else ``then`` follows once the history is
        open, or a second later at most, without it (``HistoryFeature.when_ready``: the
        opening's worker tells the UI thread, which never waits for it).

        The form stays editable meanwhile: if it no longer ``still_asked`` for the request of
        the click (a typo fixed while waiting), nothing is sent and ``changed_text`` says so;
        the request of the click would otherwise go to Kombo and the history with the details
        the person had just corrected."""
        self.links_asked += 1
        history = self._window.history
        if not history.worth_waiting_for:
            then()
            return
        self._set_busy(True)
        self._window.show_status(waiting_text, "busy")

        def ready() -> None:
            self._history_wait = None
            # Ready first: sending makes the window busy again, a request held (the duplicate
            # warning) or refused leaves it ready.
            self._set_busy(False)
            if not still_asked():
                self._window.show_status(changed_text, "info")
                return
            then()

        # The history is opened on a worker thread, and may be open by now: ``when_ready``
        # then calls ``ready`` at once, before it returns. The wait is marked first, so that
        # it is not left marked after the request went on (every later click was ignored, the
        # window taking a request for still waiting).
        def waiting() -> None:
            """Stands for the wait until ``when_ready`` returns what calls it off."""

        self._history_wait = waiting
        call_off = history.when_ready(ready)
        if self._history_wait is waiting:  # still waiting: ``ready`` comes later
            self._history_wait = call_off

    def _checked(
        self, build: Callable[[], _Request | InvalidRequest], form: RequestForm
    ) -> _Request | None:
        """The ``form``'s checked request; None (the problems shown) if it has any, or while
        another request runs."""
        if self.busy:
            return None
        result = build()
        if isinstance(result, InvalidRequest):
            self.refusals.show_invalid(result, form)
            return None
        # Whom the forms name as the button is pressed: other details typed while the request
        # waits for the history or Kombo keep its link or refusal off the screen (_show_created).
        self._customer_at_request = self._customer_text()
        self._making_relink = isinstance(result, RelinkRequest)
        self._making = "reconnection link" if self._making_relink else "link"
        self._link_chosen_meanwhile = False
        return result

    def _send(self, request: LinkRequest | RelinkRequest) -> None:
        connection = self._usable_connection()
        if connection is None or self.busy:
            return

        def work(token: CancelToken, tell: Tell) -> CreatedLink:
            client = connection.client()
            try:
                if isinstance(request, RelinkRequest):
                    return client.create_relink(request, token, tell)
                return client.create_link(request, token, tell)
            except KomboError as error:
                if is_key_refused(error):
                    # The next request reads the store again: a key replaced there is used.
                    connection.key_refused(client)
                raise

        if isinstance(request, RelinkRequest):
            what, name = "reconnection link", "relink"
        else:
            what, name = "link", "create-link"
        self._start_request(connection, work, request, WAITING_TEXT.format(what=what), name)

    def _usable_connection(self) -> Connection | None:
        """The connection links go with now; None without one, or once the window is closed
        (a request is then not sent, and nothing more is said)."""
        connection = self._window.account.connection
        if connection is None or self._window.closed:
            return None
        return connection

    def _start_request(
        self,
        connection: Connection,
        work: Callable[[CancelToken, Tell], CreatedLink],
        request: LinkRequest | RelinkRequest,
        progress: str,
        name: str,
    ) -> None:
        # The previous link belongs to the previous request (often another customer): it must
        # not stay on show, copyable, under this request's progress or error. Not one the
        # person chose to show since pressing the button, while the history was being opened.
        if not self._link_chosen_meanwhile:
            self._window.resultPanel.clear()
        # Known now: a key saved while Kombo works is another environment's
        # (``AccountFeature.use_new_key``).
        environment_id = self._window.account.environment_id(connection.target)
        self._set_busy(True)
        self._window.show_status(progress, "busy")
        handle: TaskHandle | None = None

        def finished() -> bool:
            # Only the request still current may change the window.
            if self._request is not handle:
                return False
            self._set_busy(False)
            return True

        def done(created: CreatedLink) -> None:
            self._window.account.key_verdicts.accepted(connection)  # a refusal no longer holds
            if self._request is not handle:
                return
            self._request = None  # made: Esc no longer cancels it
            self._link_on_its_way = True
            try:
                # The connection's target now: a profile renamed meanwhile keeps the link.
                self._show_created(created, request, connection.target, environment_id)
            finally:  # even after a bug there: the window must not stay busy for good
                # The link first, then the buttons: Create coming back and the focus moving
                # from Cancel to the link cost the link's paint about 2 ms on its way.
                after_next_paint(
                    self._window.resultPanel.linkField,
                    self._ready_after_link,
                    LINK_PAINT_AT_THE_LATEST_MS,
                )

        def failed(error: BaseException) -> None:
            if is_key_refused(error):  # remembered for the next start (``key_verdicts``)
                self._window.account.key_verdicts.refused(connection, error)
            if finished():
                typed_over = self._customer_text() != self._customer_at_request
                self.refusals.show_failure(error, request, connection, typed_over=typed_over)
                self._tell_lookup_if_not_found(error, request, connection)
                self._pause_if_asked(error, connection)

        def cancelled() -> None:
            if finished():
                self._window.show_status(RequestCancelled.default_message, "info")

        def progressed(words: str) -> None:
            # What the client says while it waits to repeat a request Kombo turned away: the
            # status said only "Asking Kombo…" through half a minute of waits. The runner
            # drops the words of a cancelled request. Shown, not said: a screen reader was
            # told each try and each wait, some seven sentences in five seconds; the waiting
            # said at the start, and the outcome, are what the person needs to hear.
            if self._request is handle:
                self._window.show_status(words, "busy", quiet=True)

        handle = self._window.runner.run(
            work,
            on_done=done,
            on_error=failed,
            on_cancelled=cancelled,
            on_progress=progressed,
            name=name,
        )
        self._request = handle

    def _tell_lookup_if_not_found(
        self, error: BaseException, request: LinkRequest | RelinkRequest, connection: Connection
    ) -> None:
        """A reconnection Kombo refused as it has no such integration: the tab's lookup hears
        of it, so that the hint under the id no longer says what an older answer said."""
        lookup = self._window.integration_lookup
        if (
            isinstance(request, RelinkRequest)
            and is_unknown_integration(error)
            and lookup is not None
        ):
            lookup.not_found_by_reconnection(connection, request.integration_id)

    @property
    def pause(self) -> KomboPause:
        """The window's pause after Kombo's rate limit (``KomboPause``), made when first needed."""
        if self._pause is None:
            from kombo_desktop.ui.kombo_pause import KomboPause

            self._pause = KomboPause(self._window)
        return self._pause

    def end_pause(self) -> None:
        """Links go where they were set anew (``AccountFeature.use_target``): no wait holds
        them back, whatever the place's last answer asked for."""
        if self._pause is not None:
            self._pause.end()

    def pause_for_key_check(self, profile: str, api_base: str) -> KeyPause | None:
        """The wait a key check in Settings must heed (``KomboPause.for_key_check``), if any."""
        return None if self._pause is None else self._pause.for_key_check(profile, api_base)

    def _held_back(self, button: str) -> bool:
        """Whether a press of ``button`` must send nothing yet, Kombo having asked for a pause."""
        return self._pause is not None and self._pause.holds_back(button)

    def _pause_if_asked(self, error: BaseException, connection: Connection) -> None:
        """After Kombo's rate limit, or an answer that named how long it is unavailable, hold
        the next request back for that wait (``KomboPause``). Not when links go elsewhere by
        now: another account's limits are its own."""
        from kombo_desktop.core.messages import held_back_reason

        if (
            isinstance(error, KomboError)
            and error.pause is not None
            and connection is self._window.account.connection
        ):
            self.pause.start(error.pause, held_back_reason(error), connection)

    def cancel_request(self) -> None:
        """Stop waiting for Kombo, or for the history before it (Esc / Cancel). The window is
        ready again at once."""
        handle, self._request = self._request, None
        call_off, self._history_wait = self._history_wait, None
        if handle is None and call_off is None:
            return
        if handle is not None:
            handle.cancel()
        if call_off is not None:
            call_off()
        self._set_busy(False)
        self._window.show_status(RequestCancelled.default_message, "info")

    def _ready_after_link(self) -> None:
        """After a link is painted: its choices remembered, Create again, and the focus on the
        link, where the copy keys at once copy it (see LinkField) and Tab goes on to its Copy
        button."""
        self.remember_choices_after_paint()
        self._link_on_its_way = False
        if self._window.closed:
            return
        self._set_busy(False)
        # A link made for details typed over meanwhile is not shown: the focus stays where
        # the person types on (their keys would go to the empty, read-only link field).
        if self._made_link_shown:
            self._window.resultPanel.focus_link()

    def _set_busy(self, busy: bool) -> None:
        if not busy:
            self._request = None
            self._window.account.close_retired()
        self._window.linkForm.set_busy(busy)
        self._window.relinkForm.set_busy(busy)

    def _show_created(
        self,
        created: CreatedLink,
        request: LinkRequest | RelinkRequest,
        target: Target,
        environment_id: str | None,
    ) -> None:
        # Imported here: made once a link is, neither is loaded for the first frame.
        from kombo_desktop.ui.made_link import MadeLink
        from kombo_desktop.ui.shown_link import ShownLink

        now = datetime.now().astimezone()
        history = self._window.history
        customer = history.relink_customer.of_made(
            request, named_when_asked=self._named_when_pressed
        )
        what = "Reconnection link" if isinstance(request, RelinkRequest) else "Link"
        # Another customer's details typed while Kombo worked keep the link off the screen,
        # and so does a link the person chose to show meanwhile.
        typed_over = self._customer_text() != self._customer_at_request
        other_on_show = self._chosen_link_on_show()
        shown = not typed_over and not other_on_show
        self._made_link_shown = shown
        if typed_over:
            # Another customer's details were typed while Kombo worked (in either form), often
            # the next customer's, who may be watching: the link is kept in the history, not
            # shown beside them. Other choices changed meanwhile (language, tool) do not count,
            # as for a link on show (see customer_typed).
            self._window.show_status(
                _made_for_earlier_details(
                    request, self._window.screen_sharing.on, kept=self._kept_in_history_text()
                ),
                "info",
            )
        elif other_on_show:
            # Often another customer's link, shown (its QR code large, maybe) for them while
            # this one was made: replaced without a word, they could scan this one instead.
            self._window.show_status(
                _made_beside_a_chosen_link(
                    request, self._window.screen_sharing.on, kept=self._kept_in_history_text()
                ),
                "info",
            )
        else:
            self.show_link(
                ShownLink(
                    url=created.url,
                    link_type=request.link_type,
                    is_demo=created.is_demo,
                    created=now,
                    organization=customer.organization,
                    integration_id=(
                        request.integration_id if isinstance(request, RelinkRequest) else None
                    ),
                    reconnection=isinstance(request, RelinkRequest),
                    tool_label=(
                        self._window.linkForm.catalog.label_for(customer.tool)
                        if customer.tool
                        else None
                    ),
                )
            )
            changed = self._choices_changed_since(request)
            if changed:
                self._window.show_status(
                    f"{what} ready, {changed}, as the form said when you pressed the button; it "
                    "was changed since. For the new choice, make the link again.",
                    "info",
                )
            elif created.is_demo:
                self._window.show_status(
                    f"Demo {what.lower()} ready. It connects nothing.", "success"
                )
            elif self._switched_off(request):
                from kombo_desktop.core.integrations import SWITCHED_OFF_LINK_TEXT

                self._window.show_status(SWITCHED_OFF_LINK_TEXT, "info")
            else:
                ready = f"{what} ready. Copy it, or let the customer scan the QR code."
                self._window.show_status(ready, "success")
                if isinstance(request, RelinkRequest):
                    self._unless_switched_off(request, created.url, ready)
        self._choices_to_remember = request  # see remember_choices_after_paint
        if isinstance(request, LinkRequest):
            self._window.linkForm.mark_used(request)
            # The last customer's reconnection goes once the next customer's link is made.
            self._window.relinkForm.link_given_to(request.end_user_organization_name)
        else:
            # Whose it is: the organisation Kombo or the history names, and the customer the
            # new-link form holds, whom the person was working with (the demo names one
            # organisation for every integration).
            _email, form_organization, _origin_id = self._window.linkForm.customer_text()
            organizations = (customer.organization or "", form_organization)
            self._window.relinkForm.mark_used(request, organizations)
        self._window.link_made.emit(
            MadeLink(
                request=request,
                url=created.url,
                is_demo=created.is_demo,
                link_type=request.link_type,
                created=now,
                target=target,
                customer=customer,
                shown=shown,
                environment_id=environment_id,
            )
        )

    def _switched_off(self, request: LinkRequest | RelinkRequest) -> bool:
        """Whether ``request`` reconnects an integration the tab's lookup said is switched off
        in Kombo: the link made is not "ready" for the customer then, as the hint under the
        id says. Imported here: not needed for the window's first frame."""
        from kombo_desktop.core.integrations import switched_off

        lookup = self._window.integration_lookup
        if not isinstance(request, RelinkRequest) or lookup is None:
            return False
        return switched_off(lookup.known(request.integration_id))

    def _unless_switched_off(self, request: RelinkRequest, url: str, ready: str) -> None:
        """Kombo had not said yet whether the integration works when its reconnection link
        came: if it says it is switched off, ``ready`` is taken back while it is still said
        of ``url`` on show, as the hint under the id then says the link will not help."""
        from kombo_desktop.core.integrations import SWITCHED_OFF_LINK_TEXT, switched_off

        lookup = self._window.integration_lookup
        if lookup is None or lookup.known(request.integration_id) is not None:
            return
        window = self._window

        def answered(info: IntegrationInfo) -> None:
            still_said = window.statusPanel.text == ready and window.linkField.text() == url
            if switched_off(info) and still_said:
                window.show_status(SWITCHED_OFF_LINK_TEXT, "info")

        lookup.when_answered(request.integration_id, answered)

    def _choices_changed_since(self, request: LinkRequest | RelinkRequest) -> str:
        """How the link made for ``request`` differs from the language and link type its form
        shows now ("in English"), changed while Kombo worked; "" when they are the same."""
        if isinstance(request, RelinkRequest):
            form = self._window.relinkForm
            language, link_type = form.relinkLanguageCombo, form.relinkLinkTypeCombo
        else:
            link_form = self._window.linkForm
            language, link_type = link_form.languageCombo, link_form.linkTypeCombo
        parts = []
        if language.currentData() != request.language:
            parts.append(f"in {LANGUAGE_NAMES_IN_ENGLISH[request.language]}")
        if link_type.currentData() != request.link_type:
            parts.append(f"of the type “{LINK_TYPE_NAMES[request.link_type]}”")
        return " and ".join(parts)

    def show_link(self, link: ShownLink) -> None:
        """Show a link in the result panel (also for "use the existing link" from history).
        One shown while a request runs (from the history) was chosen by the person: it stays
        when the link made arrives (``_show_created``)."""
        if self.request_running:
            self._link_chosen_meanwhile = True
        self._window.resultPanel.show_link(link)
        self._customer_when_shown = self._customer_text()

    def still_being_made(self, lost: list[str], *, typed: str, then: str) -> tuple[list[str], str]:
        """Of ``lost`` (what an action would lose, named for ``confirm.may_lose``), the typing
        a link is still being made for: it is in use, not unused, and the question says so
        and what the action does to that link (``then``: "Closing stops it"). ``typed`` is
        how ``lost`` names the new-link form's typing; the reconnection form's integration id
        is named as ``MainWindow.unused_relink_id`` names it. Returns the rest of ``lost`` and
        what to say first ("" while no link is being made for what the forms hold now)."""
        if not self.request_running or self._customer_text() != self._customer_at_request:
            return lost, ""
        in_use = self._window.unused_relink_id() if self._making_relink else typed
        if in_use not in lost:
            return lost, ""
        rest = [words for words in lost if words != in_use]
        return rest, f"A {self._making} is still being made for {in_use}. {then}"

    def being_made(self, then: str) -> str:
        """That a link is still being made, whatever the forms hold now, and what an action
        does to it (``then``: "Closing stops it."); "" while none is. For an action that
        stops it though no typing is lost with it (``still_being_made`` says nothing then):
        the form's details already used for another link (the same customer, another tool),
        or typed over since."""
        if not self.request_running:
            return ""
        return f"A {self._making} is still being made. {then}"

    def _chosen_link_on_show(self) -> bool:
        """Whether the result panel shows a link the person chose to show (from the history)
        since pressing the button: the link made then goes to the history only."""
        return self._link_chosen_meanwhile and self._window.resultPanel.shown is not None

    def making_words(self) -> str:
        """For the status line of what the person does from the history while a request runs
        (a link shown, the form filled): that the link asked for is still being made, where
        it will go (as ``_show_created`` will decide), and how to stop waiting; "" when none
        runs. Said only that a link was shown or the form filled, the status line left the
        person to guess at the "Creating link…" button, and at where its link went."""
        if not self.request_running:
            return ""
        if self._chosen_link_on_show():
            goes = "it will be kept in the history, and the link shown here stays"
        elif self._customer_text() != self._customer_at_request:
            goes = "it will be kept in the history, not shown, as the form now holds other details"
        else:
            goes = "it will be shown here when it is ready"
        return (
            f"The {self._making} you asked for is still being made: {goes}. To stop waiting, "
            "press Cancel or Esc."
        )

    def _customer_text(self) -> _CustomerText:
        """Whom the forms name: the new link's customer, and the integration id."""
        return self._window.linkForm.customer_text(), self._window.relinkForm.integration_id

    def customer_typed(self) -> None:
        """Other customer details typed over the form take the link on show off the screen:
        it is the earlier customer's, and its QR code could be scanned by the next one,
        who may be watching (the form is often typed over rather than cleared). Kombo's
        refusal of the earlier details, and its marks on the fields, are
        ``RefusalDisplay.customer_typed``'s: while the status line says it, the link stays."""
        if self.refusals.customer_typed():
            return
        if self._window.resultPanel.shown is None or self.busy:
            return
        if self._customer_text() == self._customer_when_shown:
            return
        self._window.resultPanel.clear()
        self._window.show_status(
            "The form now holds other details, so the link made for the earlier ones was taken "
            f"off the screen ({self._kept_in_history_text()}).",
            "info",
        )

    def _kept_in_history_text(self) -> str:
        """Where a link taken off the screen is kept: in the history, only until the program
        closes while the history lives in memory (the one place that link is then)."""
        if self._window.history.forgets_at_exit:
            return "it is in the history until the program closes"
        return "it is in the history"

    def prepare_qr(self, url: str, draw: Callable[[], None]) -> None:
        """Once the link is painted, compute its QR code on a worker thread, then ``draw`` it;
        then the code for files and the copied picture, the same way.

        For a Kombo-length link a code takes a few milliseconds to compute (``core.qr``). On
        the UI thread that would hold back the painting of the link itself; on a worker
        started at once it would too, because the computation holds Python's interpreter lock
        and the paint needs it in between. So the link is painted first, and the code follows
        a few milliseconds later. ``core.qr`` remembers both
        codes (their error correction differs, see there): ``draw`` only turns the first into
        a picture, and saving or copying costs nothing more. If computing fails on the
        worker, ``draw`` tries again and shows why.
        """

        def compute() -> None:
            if self._window.closed:
                return

            def on_screen(_token: object) -> None:
                from kombo_desktop.core.qr import ON_SCREEN, qr_matrix

                qr_matrix(url, correction=ON_SCREEN)

            def on_paper(_token: object) -> None:
                from kombo_desktop.core.qr import ON_PAPER, qr_matrix

                qr_matrix(url, correction=ON_PAPER)

            def drawn(_none: None) -> None:
                draw()
                if not self._window.closed:  # after the code, as nobody waits for this one
                    self._window.runner.run(on_paper, name="qr-code-for-files")

            self._window.runner.run(
                on_screen, on_done=drawn, on_error=lambda _error: draw(), name="qr-code"
            )

        after_next_paint(
            self._window.resultPanel.linkField, compute, QR_AFTER_LINK_AT_THE_LATEST_MS
        )

    def remember_choices_after_paint(self) -> None:
        """Remember the choices of the link just made (``_remember_choices``), once it is
        painted, or as the window closes before that (``MainWindow.shutdown`` asks first, so
        that the write goes on while the window waits for other things). Their write
        starts a worker thread, and starting one holds the window's thread until the new one
        runs: asked for before the paint, it made the link come later to the screen (a median
        0.7 ms, more on a busy machine; timed in the program, clicks alternating with and
        without). Create comes back after this, so the choices of one link are asked to be
        written before the next link's."""
        request, self._choices_to_remember = self._choices_to_remember, None
        if request is not None:
            self._remember_choices(request)

    def _remember_choices(self, request: LinkRequest | RelinkRequest) -> None:
        """Keep the language and category for next time (best effort). Not the link type:
        every start offers the usual one (or the administrator's), since a link to embed,
        valid an hour, chosen once would otherwise be preselected for every later link, and
        the links staff send by e-mail would stop working an hour after they were made.

        Written on a worker, after the window's other changes to the settings file
        (``SettingsWrites``: Settings' changes, the choices of the link before), and only
        when they changed. The file is written safely, flushed to the disk first, which a
        slow disk makes take a while (0.3 s on some laptops, seconds for a home folder on a
        network share): written on the window's thread, it froze the window that long. The
        change is read and written again under the store's lock (``SettingsStore.update``):
        a QR code's folder may be remembered on another worker at the same moment, and a
        copy read before that write and saved after it would undo it. A window closed before
        it was written writes it as it closes (``wait_before_closing``)."""
        window = self._window
        store = window.setup.settings_store

        def category_of(settings: Settings) -> Category:
            if isinstance(request, LinkRequest):
                return request.integration_category
            return settings.category

        def keep(settings: Settings) -> None:
            settings.language, settings.category = request.language, category_of(settings)

        def remember() -> Settings:  # on a worker, or as the window closes
            settings = store.load()
            if (settings.language, settings.category) != (request.language, category_of(settings)):
                settings = store.update(keep)
            return settings

        def written(settings: Settings) -> None:
            window.setup.settings = settings

        def failed(error: BaseException) -> None:
            if isinstance(error, OSError):
                _log.warning("Could not remember the form's choices: %s", error)
            else:  # a mistake in the program: reported as one
                sys.excepthook(type(error), error, error.__traceback__)

        window.settings_writes.write(remember, written=written, failed=failed)

    def wait_before_closing(self) -> None:
        """The window is closing: the form's choices still being written, or waiting for
        their turn, are written first (``SETTINGS_CLOSE_WAIT_SECONDS`` at most for a write
        under way), the status line saying why. The program ended before they were, and the
        next start offered the language of the link before."""
        self.remember_choices_after_paint()  # a link made, not painted yet
        writes = self._window.settings_writes
        if not writes.worth_waiting_for:
            return
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QGuiApplication

        from kombo_desktop.ui.history_closing import paint_now

        self._window.show_status(CLOSING_SAVING_CHOICES_TEXT, "busy")
        paint_now(self._window)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            writes.wait_before_closing()
        finally:
            QGuiApplication.restoreOverrideCursor()


def _load_link_records() -> None:
    """Load the records a link made becomes (see ``_show_created``), and whom it is for."""
    from kombo_desktop.ui import customer, made_link, shown_link  # noqa: F401 - the point


def _made_beside_a_chosen_link(
    request: LinkRequest | RelinkRequest, private: bool, *, kept: str
) -> str:
    """The status for a link that arrived while a link the person chose to show meanwhile
    (from the history) was on screen: it stays, and the link made is not shown. Whose the
    link made is, without the customer's name in screen-sharing mode, as for a link made for
    details typed over (``_made_for_earlier_details``)."""
    if isinstance(request, RelinkRequest):
        what = "reconnection link"
        whose = "the integration id in the form" if private else request.integration_id
    else:
        what = "link"
        whose = (
            "the details in the form"
            if private
            else f"{request.end_user_organization_name} ({request.end_user_email})"
        )
    return (
        f"The {what} for {whose} is made. You chose to show another link while it was being "
        f"made, so that one stays on screen and the new one is not shown: {kept}."
    )


def _made_for_earlier_details(
    request: LinkRequest | RelinkRequest, private: bool, *, kept: str
) -> str:
    """The status for a link that arrived after its form was changed (it is not shown): whose
    link it is and where it is (``kept``: "it is in the history", and for how long). In
    screen-sharing mode without the earlier customer's name: the next customer, whose
    details were typed meanwhile, may be watching."""
    if isinstance(request, RelinkRequest):
        whose = "the id" if private else f"{request.integration_id}, the id"
        return (
            f"A reconnection link was made for {whose} the form had when you pressed "
            f"“{RELINK_TEXT}”. Other details were typed since, so the link is not shown here: "
            f"{kept}."
        )
    if private:
        whose = "the details the form had"
    else:
        customer = f"{request.end_user_organization_name} ({request.end_user_email})"
        whose = f"{customer}, the details the form had"
    return (
        f"A link was made for {whose} when you pressed “{CREATE_TEXT}”. Other details were "
        f"typed since, so the link is not shown here: {kept}. For the details the form holds "
        f"now, press “{CREATE_TEXT}” again."
    )
