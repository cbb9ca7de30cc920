"""Making a link: from the pressed button to the link on screen, or the reason there is none.

A checked request goes to Kombo on a worker thread (``TaskRunner``), with the window busy and
Esc or Cancel able to stop waiting (first for the link history, if it is still being opened:
the duplicate check reads it, and so does a reconnection link's customer); what comes back is
shown on the UI thread: the link in the result panel, or Kombo's refusal in plain words with
the way forward (Settings for a key, the marked fields for refused details, a new link for an
integration removed in Kombo). Much of this is about who may be watching the shared screen: a
link or a refusal that quotes the details of a customer typed over since stays off the screen.

It is apart from ``main_window`` so that the window's module stays about building the window
and wiring its parts, and the life of one request can be read in one place. The window keeps
the names other parts and tests use (``window.submit_create``, ``window.busy``,
``window.show_link`` ...) and hands them to this part; where links go, and with which key,
is ``account_feature``'s.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject

from kombo_desktop.core.errors import (
    InputRejectedError,
    KeyUnreadableError,
    KomboError,
    MalformedKeyError,
    MissingApiKeyError,
    RequestCancelled,
    is_key_refused,
    is_unknown_integration,
)
from kombo_desktop.core.link_request import InvalidRequest, LinkRequest, RelinkRequest
from kombo_desktop.core.logs import redact
from kombo_desktop.core.vocabulary import (
    LANGUAGE_NAMES_IN_ENGLISH,
    LINK_TYPE_NAMES,
    NEW_LINK_TAB_TEXT,
    LinkType,
)
from kombo_desktop.ui.duplicate_flow import GONE_BY_EDITING
from kombo_desktop.ui.link_form import CREATE_TEXT
from kombo_desktop.ui.relink_form import RELINK_TEXT
from kombo_desktop.ui.result_panel import ShownLink
from kombo_desktop.ui.start_up import after_next_paint
from kombo_desktop.ui.tasks import TaskHandle, Tell
from kombo_desktop.ui.widgets import spoken_name

if TYPE_CHECKING:
    from kombo_desktop.core.cancel import CancelToken
    from kombo_desktop.core.link_check import CreatedLink
    from kombo_desktop.ui.connection import Connection, Target
    from kombo_desktop.ui.link_customer import Customer
    from kombo_desktop.ui.main_window import MainWindow
    from kombo_desktop.ui.request_form import RequestForm

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
# Said in screen-sharing mode when Kombo's refusal quotes details typed over since.
REFUSAL_TYPED_OVER_TEXT = (
    "The form holds other details now than those Kombo did not accept. Check them and make "
    "the link."
)
# A link asked for without a key: the first-start notice at the top of the window, shown with
# it, says how to add one, with its buttons; the status line points there, not repeating it.
NO_KEY_SEE_NOTICE_TEXT = (
    "No API key is set for this profile yet, so no link was made. The note at the top of the "
    "window says how to add one."
)
# A new link's QR code is computed once the link is painted, or after this long if it is not
# (the window is minimised, say).
QR_AFTER_LINK_AT_THE_LATEST_MS = 100
LINK_PAINT_AT_THE_LATEST_MS = 100  # a hidden window paints nothing: the buttons come anyway


@dataclass(frozen=True)
class MadeLink:
    """A link just made, for listeners such as the history."""

    request: LinkRequest | RelinkRequest
    url: str
    is_demo: bool
    link_type: LinkType
    created: datetime
    target: Target
    # Whom it is for: the form's customer, or the one a reconnection was made for
    # (``RelinkCustomer.of_made``), worked out once for the QR code's name and the history.
    customer: Customer
    # Shown in the result panel; False when kept off the screen for details typed meanwhile
    # (``LinkMaking._show_created``), when it gets no invitation either.
    shown: bool
    # The Kombo environment of the key the request was sent with, when known (see
    # ``AccountFeature.environment_id``); the key may have been replaced while Kombo worked.
    environment_id: str | None = None


@dataclass(frozen=True)
class _Refusal:
    """Kombo's last refusal of the details sent, and the customer details it quotes: typing
    over those details takes it off the screen (``LinkMaking.customer_typed``). Its words go
    when typed over in screen-sharing mode, its marks on the fields when links go elsewhere."""

    words: str | None = None  # the status line that said it; None once taken off
    words_quote: tuple[str, ...] = ()  # the details its words, or its details for support, quote
    marks_quote: tuple[str, ...] = ()  # the details its marks on the fields quote


class LinkMaking(QObject):
    """Sends one main window's requests to Kombo and shows what comes back."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._request: TaskHandle | None = None
        # A request waiting for the history being opened: what calls the wait off.
        self._history_wait: Callable[[], None] | None = None
        # The form whose problems the status line points at, and what it says (see
        # _show_invalid); None until a form is first refused.
        self._awaiting_fixes: tuple[RequestForm, str] | None = None
        # The form the status line last said was fine now, and those words (see
        # ``_field_mark_changed``): a check that answers later may take them back.
        self._fine_now: tuple[RequestForm, str] | None = None
        self._link_on_its_way = False  # made, not painted yet: the buttons wait for it
        # How many links were asked for so far: the start-up key check keeps its notes to
        # itself once one was (``AccountFeature._key_checked``).
        self.requests_sent = 0
        self._customer_when_shown: _CustomerText = (("", "", ""), "")  # see customer_typed
        self._customer_at_request: _CustomerText = (("", "", ""), "")  # see _show_created
        self._refusal = _Refusal()  # set by _remember_refusal
        # Another profile or key may be another Kombo account, which may accept what this one
        # refused: the marks of its refusal are taken away.
        window.target_changed.connect(lambda _target: self._unmark_refused())

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
        if request is not None:
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
        if request is not None:
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

        self._history_wait = history.when_ready(ready)

    def _checked(
        self, build: Callable[[], _Request | InvalidRequest], form: RequestForm
    ) -> _Request | None:
        """The ``form``'s checked request; None (the problems shown) if it has any, or while
        another request runs."""
        if self.busy:
            return None
        result = build()
        if isinstance(result, InvalidRequest):
            self._show_invalid(result, form)
            return None
        # Whom the forms name as the button is pressed: other details typed while the request
        # waits for the history or Kombo keep its link or refusal off the screen (_show_created).
        self._customer_at_request = self._customer_text()
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
        # not stay on show, copyable, under this request's progress or error.
        self._window.resultPanel.clear()
        # Known now: a key saved while Kombo works is another environment's
        # (``AccountFeature.use_new_key``).
        environment_id = self._window.account.environment_id(connection.target)
        self.requests_sent += 1
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
                    self._window.linkField, self._ready_after_link, LINK_PAINT_AT_THE_LATEST_MS
                )

        def failed(error: BaseException) -> None:
            if finished():
                self._show_failure(error, request, connection)

        def cancelled() -> None:
            if finished():
                self._window.show_status(RequestCancelled.default_message, "info")

        def progressed(words: str) -> None:
            # What the client says while it waits to repeat a request Kombo turned away: the
            # status said only "Asking Kombo…" through half a minute of waits. The runner
            # drops the words of a cancelled request.
            if self._request is handle:
                self._window.show_status(words, "busy")

        handle = self._window.runner.run(
            work,
            on_done=done,
            on_error=failed,
            on_cancelled=cancelled,
            on_progress=progressed,
            name=name,
        )
        self._request = handle

    def _show_failure(
        self,
        error: BaseException,
        request: LinkRequest | RelinkRequest,
        connection: Connection,
    ) -> None:
        """Say why no link was made for ``request``, sent with ``connection``. The first that
        applies: a key replaced since, an error other than a refusal of the details, a refusal
        of details typed over since, else a refusal of the details still in the form; before
        all of them, a request the client did not send as a field held a key."""
        if isinstance(error, InvalidRequest):
            self._show_key_held_back(request)
        elif self._key_replaced_since(connection, error):
            assert isinstance(error, KomboError)
            self._show_refusal_of_replaced_key(error, request)
        elif not _refuses_the_details(error):
            self.show_error(error)
        elif self._customer_text() != self._customer_at_request:
            assert isinstance(error, KomboError)
            self._show_refusal_of_earlier_details(error, request)
        else:
            assert isinstance(error, KomboError)
            self._show_refusal_of_the_details(error, request)

    def _show_key_held_back(self, request: LinkRequest | RelinkRequest) -> None:
        """The client did not send ``request``: a field held an API key the program read only
        as the request went out (from the password store, at the first click after the start
        or a switch of profile), after the form had been checked. The form is checked again as
        it is now, as its button does: the fields still holding the key are marked, and the
        status says nothing was sent."""
        form = self._form_of(request)
        checked = form.build_request()
        if isinstance(checked, InvalidRequest):
            self._show_invalid(checked, form)
            return
        # The key was taken out of the form while the request was on its way.
        self._window.show_status(
            f"Nothing was sent: a field held an API key. Check the form and press "
            f"“{form.submit_text}” again.",
            "error",
        )

    def _show_refusal_of_the_details(
        self, error: KomboError, request: LinkRequest | RelinkRequest
    ) -> None:
        """Kombo refused the details the form still holds: an integration removed in Kombo,
        parts of the request the person cannot change, or else what Kombo said, with the
        fields it named marked."""
        removed = self._removed_integration(error, request)
        removed_profile = self._removed_profile(error, request)
        if removed is not None:
            self._show_integration_removed(error, removed)
        elif removed_profile is not None:
            from kombo_desktop.core.integrations import not_found_for_removed_profile_text

            text = not_found_for_removed_profile_text(removed_profile)
            self._window.show_status(text, "error", error.detail.as_support_text() or None)
        elif isinstance(error, InputRejectedError) and self._none_on_the_form(error, request):
            self._show_refusal_of_what_was_sent(error)
        else:
            self.show_error(error)
        self._remember_refusal(error, request)

    def _remember_refusal(self, error: KomboError, request: LinkRequest | RelinkRequest) -> None:
        """Keep which details the refusal now shown quotes, in its words and in its marks on
        the fields (made here), for ``customer_typed``. A refusal that marks no field leaves
        the marks of an earlier one as they are."""
        status = self._window.statusPanel
        words = status.text
        words_quote = _quoted_details(request, f"{status.text}\n{status.support_text}")
        self._refusal = replace(self._refusal, words=words, words_quote=words_quote)
        if isinstance(error, InputRejectedError):
            self._refusal = replace(self._refusal, marks_quote=self._mark_rejected(error, request))

    def _mark_rejected(
        self, error: InputRejectedError, request: LinkRequest | RelinkRequest
    ) -> tuple[str, ...]:
        """Mark the fields Kombo's refusal named, each with Kombo's reason: the status line
        that says it too gives way to the next message, and the mark must still say why.
        Returns the customer details the marks quote."""
        from kombo_desktop.core.messages import rejected_field_message

        said = error.detail.message  # Kombo's words (fields are named only when quoted)
        if not error.fields or said is None:
            return ()
        form = self._form_of(request)
        on_form = [field for field in error.fields if field in form.boxes]
        # The values sent, which Kombo may quote: not parts of the request the form lacks.
        sent = tuple(value for value in request.to_json().values() if isinstance(value, str))
        reasons = {field: rejected_field_message(said, field, sent) for field in on_form}
        form.mark_rejected(reasons)
        return _quoted_details(request, " ".join(reasons.values()))

    def _form_of(self, request: LinkRequest | RelinkRequest) -> RequestForm:
        relink = isinstance(request, RelinkRequest)
        return self._window.relinkForm if relink else self._window.linkForm

    def _none_on_the_form(
        self, error: InputRejectedError, request: LinkRequest | RelinkRequest
    ) -> bool:
        """Whether Kombo's refusal names fields, none of which the form that sent it has (an
        e-mail address refused in a reconnection, which has none): there is nothing to mark."""
        boxes = self._form_of(request).boxes
        return bool(error.fields) and not any(field in boxes for field in error.fields)

    def _show_refusal_of_what_was_sent(self, error: InputRejectedError) -> None:
        """Kombo refused parts of the request the person cannot see or change: "Check the
        fields" sent them back to a form where nothing was marked, with Kombo's names for the
        fields quoted at them, and sending the same form again was all they could do. They
        are told the details they typed look fine; Kombo's words stay in the details."""
        from kombo_desktop.core.messages import PROGRAM_INPUT_REJECTED_MESSAGE

        self._window.show_status(
            PROGRAM_INPUT_REJECTED_MESSAGE, "error", error.detail.as_support_text() or None
        )

    def _unmark_refused(self) -> None:
        for form in (self._window.linkForm, self._window.relinkForm):
            form.unmark_rejected()
        self._refusal = replace(self._refusal, marks_quote=())

    def _unmark_typed_over(self) -> None:
        """Marks quoting a customer's details no longer in the form go, in either mode and
        whatever the status line says by then: beside the next customer's details they would
        show the earlier customer's, and are about a form that is not there any more."""
        marks_quote = self._refusal.marks_quote
        if not marks_quote:
            return
        gone = self._no_longer_in_the_form(marks_quote)
        if gone:
            for form in (self._window.linkForm, self._window.relinkForm):
                form.unmark_rejected(quoting=gone)

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
        """After a link is painted: Create again, and the focus on the link, where the copy
        keys at once copy it (see LinkField) and Tab goes on to its Copy button."""
        self._link_on_its_way = False
        if self._window.closed:
            return
        self._set_busy(False)
        # A link made for details typed over meanwhile is not shown: the focus stays where
        # the person types on (their keys would go to the empty, read-only link field).
        if self._window.resultPanel.shown is not None:
            self._window.linkField.setFocus()

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
        now = datetime.now().astimezone()
        history = self._window.history
        customer = history.relink_customer.of_made(request)
        what = "Reconnection link" if isinstance(request, RelinkRequest) else "Link"
        # Another customer's details typed while Kombo worked keep the link off the screen.
        shown = self._customer_text() == self._customer_at_request
        if not shown:
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
            else:
                self._window.show_status(
                    f"{what} ready. Copy it, or let the customer scan the QR code.", "success"
                )
        self._remember_choices(request)
        if isinstance(request, LinkRequest):
            self._window.linkForm.mark_used(request)
        else:
            self._window.relinkForm.mark_used(request)
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
        """Show a link in the result panel (also for "use the existing link" from history)."""
        self._window.resultPanel.show_link(link)
        self._customer_when_shown = self._customer_text()

    def _customer_text(self) -> _CustomerText:
        """Whom the forms name: the new link's customer, and the integration id."""
        return self._window.linkForm.customer_text(), self._window.relinkForm.integration_id

    def _no_longer_in_the_form(self, quoted: tuple[str, ...]) -> list[str]:
        """The details among ``quoted`` (by Kombo's words or its marks on the fields) that
        neither form holds any more. Ignoring case, as the quotes were found
        (``_quoted_details``): the refusal's words and the marks go for the same details."""
        typed = self._customer_text()
        in_form = {detail.casefold() for detail in (*typed[0], typed[1])}
        return [detail for detail in quoted if detail.casefold() not in in_form]

    def customer_typed(self) -> None:
        """Other customer details typed over the form take the link on show off the screen:
        it is the earlier customer's, and its QR code could be scanned by the next one,
        who may be watching (the form is often typed over rather than cleared). In
        screen-sharing mode Kombo's refusal of the earlier details goes too: its words quote
        them (outside it they stay, to be read while the details are corrected). A field's mark
        that quotes them goes in either mode (``_unmark_typed_over``)."""
        self._unmark_typed_over()
        refusal = self._refusal
        if refusal.words is not None and refusal.words == self._window.statusPanel.text:
            # Only words that quote details no longer in the form go: correcting the field
            # Kombo refused keeps the reason on screen.
            if self._window.screen_sharing.on and self._no_longer_in_the_form(refusal.words_quote):
                self._refusal = replace(refusal, words=None)
                self._window.show_status(REFUSAL_TYPED_OVER_TEXT, "info")
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

        For a Kombo-length link a code takes 15-20 ms to compute, most of it choosing the
        mask pattern that scans best. On the UI thread that would hold back the painting of
        the link itself; on a worker started at once it would too, because the computation
        holds Python's interpreter lock and the paint needs it in between. So the link is
        painted first, and the code follows about 20 ms later. ``core.qr`` remembers both
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

    def _key_replaced_since(self, connection: Connection, error: BaseException) -> bool:
        """Whether ``error`` refused the key of ``connection`` after a new key took its place
        (``AccountFeature.use_new_key``: the request went on with the key it was sent with),
        and the profile has a key now: sending again is the way forward, not Settings. Not
        while KOMBO_API_KEY is set, which both connections send."""
        window = self._window
        return (
            is_key_refused(error)
            and connection is not window.account.connection
            and not window.credentials.environment_key_in_use
            and window.firstRunNotice.isHidden()  # shown by the new key's check if none is left
        )

    def _show_refusal_of_replaced_key(
        self, error: KomboError, request: LinkRequest | RelinkRequest
    ) -> None:
        """The link was refused for the key it was sent with, which was replaced since: the
        usual sentence sent the person to check the key in Settings, where the new one, perhaps
        accepted already, is stored."""
        relink = isinstance(request, RelinkRequest)
        what, button = ("reconnection link", RELINK_TEXT) if relink else ("link", CREATE_TEXT)
        self._window.show_status(
            f"This {what} was sent with the previous API key, which Kombo did not accept. The "
            f"key was changed since: press “{button}” again to send it with the new key.",
            "error",
            error.detail.as_support_text() or None,
        )

    def _show_refusal_of_earlier_details(
        self, error: KomboError, request: LinkRequest | RelinkRequest
    ) -> None:
        """Kombo refused what the form held when the button was pressed, and other details
        were typed since: its words, which may quote the earlier customer's details, stay off
        the screen (in the details for support only outside screen-sharing mode), and no field
        of the new details is marked as refused."""
        button = RELINK_TEXT if isinstance(request, RelinkRequest) else CREATE_TEXT
        self._window.show_status(
            f"Kombo did not accept the details the form had when you pressed “{button}”, so no "
            f"link was made. Other details were typed since: check them and press “{button}” "
            "again.",
            "error",
            None if self._window.screen_sharing.on else error.detail.as_support_text() or None,
        )

    def _removed_integration(
        self, error: BaseException, request: LinkRequest | RelinkRequest
    ) -> str | None:
        """The reconnection's integration id when Kombo no longer has that integration
        although this profile made links for it (``HistoryFeature.integration_removed``)."""
        if not isinstance(request, RelinkRequest) or not is_unknown_integration(error):
            return None
        integration_id = request.integration_id
        return integration_id if self._window.history.integration_removed(integration_id) else None

    def _removed_profile(
        self, error: BaseException, request: LinkRequest | RelinkRequest
    ) -> str | None:
        """The profile, removed since, that the reconnection filled in from the history was
        made with, when Kombo does not know its id with the key in use: "choose the matching
        profile in Settings" sent the person to a profile Settings no longer lists, right
        after the status line had said it was removed (``HistoryFeature.removed_profile_of``)."""
        if not isinstance(request, RelinkRequest) or not is_unknown_integration(error):
            return None
        return self._window.history.removed_profile_of(request.integration_id)

    def _show_integration_removed(self, error: KomboError, integration_id: str) -> None:
        """A reconnection link cannot bring back an integration removed in Kombo: the way on
        is a new link for its customer, one click away."""
        from kombo_desktop.core.integrations import REMOVED_TEXT

        self._window.statusPanel.show_message(
            REMOVED_TEXT,
            "error",
            error.detail.as_support_text() or None,
            (NEW_LINK_TAB_TEXT, lambda: self._window.history.new_link_instead(integration_id)),
        )

    def show_error(self, error: BaseException, *, after_notes: bool = False) -> None:
        """Say why no link was made, with the way forward; also for a key Kombo refused while
        the tool lists were fetched (``after_notes``: see ``StatusPanel.show_message``)."""
        window = self._window
        if (
            isinstance(error, MissingApiKeyError)
            and error.detail.http_status is None  # a service that answered is named as it is
            and not window.account.is_demo
        ):
            self._show_no_key(after_notes=after_notes)
            return
        if isinstance(error, KomboError):
            details = error.detail.as_support_text()
            # A missing or refused key is fixed in Settings: offer the way there right here.
            key_problem = isinstance(error, MissingApiKeyError | KeyUnreadableError) or (
                is_key_refused(error)
            )
            action = None
            if (
                key_problem
                and not window.account.is_demo
                and not window.credentials.environment_key_in_use  # Settings cannot change it
            ):
                action = ("Open settings", window.open_settings)
            window.statusPanel.show_message(
                self._words_for(error), "error", details or None, action, after_notes=after_notes
            )
            return
        _log.error("Unexpected failure while making a link", exc_info=error)
        window.show_status(
            "Something unexpected went wrong, and no link was made. Please try again; if it "
            "happens again, copy the details for support.",
            "error",
            redact(f"Internal error: {type(error).__name__}: {error}"),
        )

    def _show_no_key(self, *, after_notes: bool) -> None:
        """No key is set: the first-start notice says what to do, with "Open settings" and
        "Try the demo", and is made to stand out; the status line says in short that no link
        was made and points there. It repeated the notice's advice in red below it, with a
        second "Open settings", and offered details for support, who have nothing to see in
        a key that was never set. Only for a request never sent: a service on this computer
        that asked for the key answered, and its own sentence names it (with its details)."""
        notice = self._window.firstRunNotice
        notice.show()
        notice.draw_attention()
        self._window.statusPanel.show_message(
            NO_KEY_SEE_NOTICE_TEXT, "error", after_notes=after_notes
        )

    def _words_for(self, error: KomboError) -> str:
        """The error's sentence, unless it sends the person somewhere that cannot help: a key
        from ``KOMBO_API_KEY`` is not changed in Settings, a key refused at another address
        than Kombo's regions is not a matter of choosing the other region, and an address set
        by the administrator, ``--api-base`` or ``KOMBO_API_BASE`` is not changed in Settings."""
        from kombo_desktop.core import messages

        window = self._window
        target = window.account.target
        if (
            is_key_refused(error)
            and window.credentials.environment_key_in_use
            and not window.account.is_demo
        ):
            malformed = isinstance(error, MalformedKeyError)
            elsewhere = target is not None and not target.at_kombo_region
            host = target.region if target is not None and elsewhere else None
            return messages.environment_key_refused_message(malformed=malformed, host=host)
        refused = is_key_refused(error) and not isinstance(error, MalformedKeyError)
        if refused and target is not None and not target.at_kombo_region:
            return messages.key_refused_at_message(target.region)
        set_by = None if window.account.is_demo else window.setup.address_set_by
        return messages.address_set_by_message(error.user_message, set_by)

    def _show_invalid(self, invalid: InvalidRequest, form: RequestForm) -> None:
        count = len(invalid.errors)
        fields = "1 field needs" if count == 1 else f"{count} fields need"
        text = f"Nothing was sent: {fields} your attention (marked in red)."
        self._window.show_status(text, "error")
        if self._awaiting_fixes is None:  # the first time: follow the marks from now on
            for watched in (self._window.linkForm, self._window.relinkForm):
                for box in watched.boxes.values():
                    box.error_changed.connect(self._field_mark_changed)
        self._awaiting_fixes = (form, text)

    def _field_mark_changed(self, _message: str) -> None:
        """Once the last red mark of a refused form is gone, the status line says so: "needs
        your attention (marked in red)" stayed on with nothing marked any more."""
        form, text = self._awaiting_fixes or (None, "")
        if form is None or self._window.statusPanel.text != text or form.field_errors():
            return
        self._awaiting_fixes = (form, "")  # said once; a new refusal says it again
        fine = (
            f"The marked fields are fine now. Nothing was sent yet: press “{form.submit_text}” "
            "to send."
        )
        self._window.show_status(fine, "info")
        self._fine_now = (form, fine)

    def check_before_sending(self, form: RequestForm, sentence: str) -> None:
        """A check of ``form`` that answers after the typing (the reconnection tab's lookup)
        found something to look at before sending: the id may be another customer's, or Kombo
        does not know it. "The marked fields are fine now ... press to send" on the status line
        then contradicted the warning under the field; ``sentence``, which points to it, takes
        its place. Any other status stays: it is about something else."""
        fine_form, fine = self._fine_now or (None, "")
        if fine_form is not form or self._window.statusPanel.text != fine:
            return
        self._fine_now = None
        self._window.show_status(sentence, "info")

    def _remember_choices(self, request: LinkRequest | RelinkRequest) -> None:
        """Keep the language and category for next time (best effort). Not the link type:
        every start offers the usual one (or the administrator's), since a link to embed,
        valid an hour, chosen once would otherwise be preselected for every later link, and
        the links staff send by e-mail would stop working an hour after they were made."""
        store = self._window.setup.settings_store
        try:
            settings = store.load()
            settings.language = request.language
            if isinstance(request, LinkRequest):
                settings.category = request.integration_category
            store.save(settings)
            self._window.setup.settings = settings
        except OSError as error:
            _log.warning("Could not remember the form's choices: %s", error)


def _refuses_the_details(error: BaseException) -> bool:
    """Whether ``error`` is Kombo's refusal of the details sent, whose words may quote them:
    invalid input, or an integration id it does not know (not a 404 for a wrong address)."""
    if isinstance(error, InputRejectedError):
        return True
    return is_unknown_integration(error)


def _quoted_details(request: LinkRequest | RelinkRequest, words: str) -> tuple[str, ...]:
    """The customer details of ``request`` that ``words`` (the status and its details for
    support) quote, ignoring case."""
    if isinstance(request, RelinkRequest):
        details: tuple[str | None, ...] = (request.integration_id,)
    else:
        details = (
            request.end_user_email,
            request.end_user_organization_name,
            request.end_user_origin_id,
        )
    folded = words.casefold()
    return tuple(detail for detail in details if detail and detail.casefold() in folded)


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
