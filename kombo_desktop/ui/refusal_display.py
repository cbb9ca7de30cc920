"""Why no link was made, on the status line and on the fields: Kombo's refusals and the errors.

A request that comes back without a link (``LinkMaking``) ends here: the sentence for it, with
the way forward (Settings for a key, "press again" for a key replaced since, a new link for an
integration removed in Kombo), and Kombo's reasons as marks on the fields it named. Some of
this keeps the shared screen clean: a refusal that quotes a customer's details goes, words and
marks, once other details are typed over them (``customer_typed``). The form's own check before
sending says here too what needs fixing, and when the marks are gone (``show_invalid``).

It is apart from ``link_making`` so that a fix to how a refusal or an error is said is made
here, without reading the life of a request (the sending, the waiting, the link on show), and
that one can be read without the many kinds of "no". ``LinkMaking`` owns one and hands it
every failure; other parts reach it there (``window.link_making.refusals``), for a key refused
while the tool lists were fetched and for the reconnection tab's lookup.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QObject, QTimer

from kombo_desktop.core.errors import (
    InputRejectedError,
    KeyUnreadableError,
    KomboError,
    MalformedKeyError,
    MissingApiKeyError,
    RefusedAddressError,
    ShortKeyError,
    is_key_refused,
    is_unknown_integration,
)
from kombo_desktop.core.link_request import InvalidRequest, LinkRequest, RelinkRequest
from kombo_desktop.core.logs import redact
from kombo_desktop.core.safe_text import with_single_quote_marks
from kombo_desktop.core.vocabulary import NEW_LINK_TAB_TEXT
from kombo_desktop.ui.link_form import CREATE_TEXT
from kombo_desktop.ui.relink_form import RELINK_TEXT

if TYPE_CHECKING:
    from kombo_desktop.ui.connection import Connection
    from kombo_desktop.ui.link_form import LinkForm
    from kombo_desktop.ui.main_window import MainWindow
    from kombo_desktop.ui.relink_form import RelinkForm
    from kombo_desktop.ui.request_form import RequestForm

_log = logging.getLogger(__name__)

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


class _Refusal(NamedTuple):
    """Kombo's last refusal of the details sent, and the customer details it quotes: typing
    over those details takes it off the screen (``RefusalDisplay.customer_typed``). Its words go
    when typed over in screen-sharing mode, its marks on the fields when links go elsewhere.

    A named tuple rather than a frozen dataclass, which compiles its methods as this module
    loads, before the window's first frame (``app.Options`` says more)."""

    words: str | None = None  # the status line that said it; None once taken off
    words_quote: tuple[str, ...] = ()  # the details its words, or its details for support, quote
    marks_quote: tuple[str, ...] = ()  # the details its marks on the fields quote


class RefusalDisplay(QObject):
    """Says on one main window why no link was made, and marks the fields Kombo refused."""

    def __init__(self, parent: QObject, window: MainWindow) -> None:
        super().__init__(parent)
        self._window = window
        # The form whose problems the status line points at, and what it says (see
        # show_invalid); None until a form is first refused.
        self._awaiting_fixes: tuple[RequestForm, str] | None = None
        # The form the status line last said was fine now, and those words (see
        # ``_field_mark_changed``): a check that answers later may take them back.
        self._fine_now: tuple[RequestForm, str] | None = None
        self._refusal = _Refusal()  # set by _remember_refusal
        # Another profile or key may be another Kombo account, which may accept what this one
        # refused: the marks of its refusal are taken away.
        window.target_changed.connect(lambda _target: self._unmark_refused())

    def show_failure(
        self,
        error: BaseException,
        request: LinkRequest | RelinkRequest,
        connection: Connection,
        *,
        typed_over: bool,
    ) -> None:
        """Say why no link was made for ``request``, sent with ``connection``; ``typed_over``
        when the forms hold other customer details than as the button was pressed. The first that
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
            if not self._sends_to_the_notice(error):  # which is scrolled to instead
                # The way to try again, as the status line grows and the part above it
                # scrolls in a short window.
                self._window.middleArea.keep_in_view(self._form_of(request).footer)
        elif typed_over:
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
            self.show_invalid(checked, form)
            return
        # The key was taken out of the form while the request was on its way.
        self._window.show_status(
            f"Nothing was sent: a field held an API key. Check the form and press "
            f"“{form.submit_text}” again.",
            "error",
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
            and not window.credentials.run_key_in_use
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
        after the status line had said it was removed (``FillFromHistory.removed_profile_of``)."""
        if not isinstance(request, RelinkRequest) or not is_unknown_integration(error):
            return None
        return self._window.history.from_history.removed_profile_of(request.integration_id)

    def _said_under_the_id(
        self, error: BaseException, request: LinkRequest | RelinkRequest
    ) -> bool:
        """Whether Kombo refused a reconnection as it has no integration with the id, which
        the tab's lookup then says under the field with what to do (copy it again, or the
        profile it was connected with is gone: ``IntegrationLookup.not_found_by_reconnection``):
        the status line only points there, instead of saying it a second time."""
        return (
            isinstance(request, RelinkRequest)
            and is_unknown_integration(error)
            and self._window.integration_lookup is not None
        )

    def _show_integration_removed(self, error: KomboError, integration_id: str) -> None:
        """A reconnection link cannot bring back an integration removed in Kombo: the way on
        is a new link for its customer, one click away. What happened is said under the id
        (``IntegrationLookup.not_found_by_reconnection``): the status line points there."""
        from kombo_desktop.core.integrations import REMOVED_STATUS, REMOVED_TEXT

        under_the_id = self._window.integration_lookup is not None
        self._window.statusPanel.show_message(
            REMOVED_STATUS if under_the_id else REMOVED_TEXT,
            "error",
            error.detail.as_support_text() or None,
            (
                NEW_LINK_TAB_TEXT,
                lambda: self._window.history.from_history.new_link_instead(integration_id),
            ),
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
        elif self._said_under_the_id(error, request):
            from kombo_desktop.core.integrations import NOT_FOUND_STATUS

            self._window.show_status(
                NOT_FOUND_STATUS, "error", error.detail.as_support_text() or None
            )
        elif removed_profile is not None:
            from kombo_desktop.core.integrations import not_found_for_removed_profile_text

            text = not_found_for_removed_profile_text(removed_profile)
            self._window.show_status(text, "error", error.detail.as_support_text() or None)
        elif isinstance(error, InputRejectedError) and self._none_on_the_form(error, request):
            self._show_refusal_of_what_was_sent(error)
        else:
            self.show_error(error)
        self._remember_refusal(error, request)

    def _show_refusal_of_what_was_sent(self, error: InputRejectedError) -> None:
        """Kombo refused parts of the request the person cannot see or change: "Check the
        fields" sent them back to a form where nothing was marked, with Kombo's names for the
        fields quoted at them, and sending the same form again was all they could do. They
        are told the details they typed look fine; Kombo's words stay in the details."""
        from kombo_desktop.core.messages import PROGRAM_INPUT_REJECTED_MESSAGE

        self._window.show_status(
            PROGRAM_INPUT_REJECTED_MESSAGE, "error", error.detail.as_support_text() or None
        )

    def _remember_refusal(self, error: KomboError, request: LinkRequest | RelinkRequest) -> None:
        """Keep which details the refusal now shown quotes, in its words and in its marks on
        the fields (made here), for ``customer_typed``. A refusal that marks no field leaves
        the marks of an earlier one as they are."""
        status = self._window.statusPanel
        words = status.text
        words_quote = _quoted_details(request, f"{status.text}\n{status.support_text}")
        self._refusal = self._refusal._replace(words=words, words_quote=words_quote)
        if isinstance(error, InputRejectedError):
            self._refusal = self._refusal._replace(marks_quote=self._mark_rejected(error, request))

    def _mark_rejected(
        self, error: InputRejectedError, request: LinkRequest | RelinkRequest
    ) -> tuple[str, ...]:
        """Mark the fields Kombo's refusal named, each with its reason: Kombo's words about that
        field when they are fit to quote (without the field's own name, which its label says),
        else the program's own (``messages.rejected_field_message``). The status line that
        says it too gives way to the next message, and the mark must still say why. Returns
        the customer details the marks quote."""
        from kombo_desktop.core.messages import rejected_field_message

        said = error.detail.message  # Kombo's words, quoted on the marks only if fit to quote
        if not error.fields or said is None:
            return ()
        form = self._form_of(request)
        on_form = [field for field in error.fields if field in form.boxes]
        # The values sent, which Kombo may quote: not parts of the request the form lacks.
        sent = tuple(value for value in request.to_json().values() if isinstance(value, str))
        reasons = {field: rejected_field_message(said, field, sent) for field in on_form}
        form.mark_rejected(reasons)
        return _quoted_details(request, " ".join(reasons.values()))

    def _form_of(self, request: LinkRequest | RelinkRequest) -> LinkForm | RelinkForm:
        relink = isinstance(request, RelinkRequest)
        return self._window.relinkForm if relink else self._window.linkForm

    def _none_on_the_form(
        self, error: InputRejectedError, request: LinkRequest | RelinkRequest
    ) -> bool:
        """Whether Kombo's refusal names fields, none of which the form that sent it has (an
        e-mail address refused in a reconnection, which has none): there is nothing to mark."""
        boxes = self._form_of(request).boxes
        return bool(error.fields) and not any(field in boxes for field in error.fields)

    def _unmark_refused(self) -> None:
        for form in (self._window.linkForm, self._window.relinkForm):
            form.unmark_rejected()
        self._refusal = self._refusal._replace(marks_quote=())

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

    def customer_typed(self) -> bool:
        """Other customer details typed over the form: a field's mark that quotes details no
        longer in it goes, in either mode (``_unmark_typed_over``). In screen-sharing mode
        Kombo's refusal of the earlier details goes too: its words quote them (outside it they
        stay, to be read while the details are corrected). True while the status line says
        the refusal (or said it, until something else is said): a link on show is then not
        the one being typed over, and ``LinkMaking.customer_typed`` leaves it."""
        self._unmark_typed_over()
        refusal = self._refusal
        if refusal.words is None or refusal.words != self._window.statusPanel.text:
            return False
        # Only words that quote details no longer in the form go: correcting the field
        # Kombo refused keeps the reason on screen.
        if self._window.screen_sharing.on and self._no_longer_in_the_form(refusal.words_quote):
            self._refusal = refusal._replace(words=None)
            self._window.show_status(REFUSAL_TYPED_OVER_TEXT, "info")
        return True

    def _no_longer_in_the_form(self, quoted: tuple[str, ...]) -> list[str]:
        """The details among ``quoted`` (by Kombo's words or its marks on the fields) that
        neither form holds any more. Ignoring case, as the quotes were found
        (``_quoted_details``): the refusal's words and the marks go for the same details."""
        window = self._window
        typed = (*window.linkForm.customer_text(), window.relinkForm.integration_id)
        in_form = {detail.casefold() for detail in typed}
        return [detail for detail in quoted if detail.casefold() not in in_form]

    def _sends_to_the_notice(self, error: BaseException) -> bool:
        """Whether ``error`` is a missing key, said by pointing at the first-start notice."""
        return (
            isinstance(error, MissingApiKeyError)
            and error.detail.http_status is None  # a service that answered is named as it is
            and not self._window.account.is_demo
        )

    def show_error(self, error: BaseException, *, after_notes: bool = False) -> None:
        """Say why no link was made, with the way forward; also for a key Kombo refused while
        the tool lists were fetched (``after_notes``: see ``StatusPanel.show_message``)."""
        window = self._window
        if self._sends_to_the_notice(error):
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
                and not window.credentials.run_key_in_use  # Settings cannot change it
            ) or isinstance(error, RefusedAddressError):  # a saved address, corrected there
                action = window.account.settings_action()  # none beside the notice's own
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
        # On a short screen the middle of the window scrolls, and Create at its bottom kept
        # the note (at its top) out of sight while the sentence points at it. Scrolled to once
        # the focus has come back to Create, which scrolls to Create (``FitScrollArea``).
        middle = self._window.middleArea
        QTimer.singleShot(0, middle, lambda: middle.ensureWidgetVisible(notice, 0, 0))
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
            and window.credentials.run_key_in_use
            and not window.account.is_demo
        ):
            malformed = isinstance(error, MalformedKeyError)
            too_short = isinstance(error, ShortKeyError)
            elsewhere = target is not None and not target.at_kombo_region
            host = target.region if target is not None and elsewhere else None
            return messages.run_key_refused_message(
                malformed=malformed, too_short=too_short, host=host
            )
        refused = is_key_refused(error) and not isinstance(error, MalformedKeyError)
        if refused and target is not None and not target.at_kombo_region:
            return messages.key_refused_at_message(target.region)
        set_by = None if window.account.is_demo else window.setup.address_set_by
        return messages.address_set_by_message(error.user_message, set_by)

    def show_invalid(self, invalid: InvalidRequest, form: RequestForm) -> None:
        """Say that nothing was sent as fields of ``form`` need fixing (they are marked), and
        from then on follow the marks (``_field_mark_changed``)."""
        text = _fields_marked_text(len(invalid.errors))
        self._window.show_status(text, "error")
        if self._awaiting_fixes is None:  # the first time: follow the marks from now on
            for watched in (self._window.linkForm, self._window.relinkForm):
                for box in watched.boxes.values():
                    box.error_changed.connect(self._field_mark_changed)
        self._awaiting_fixes = (form, text)

    def _field_mark_changed(self, _message: str) -> None:
        """While the status line says what ``show_invalid`` or this said about a form's
        marks, it follows the fields still marked: how many need attention, or, once none is
        left, that they are fine now. "Needs your attention (marked in red)" stayed on with
        nothing marked any more; "2 fields need" stayed with one left; and "The marked fields
        are fine now" stayed on while a field checked again as it changed was marked anew.
        Anything else said since (a refusal, a link made) is left alone."""
        form, said = self._awaiting_fixes or (None, "")
        if form is None or self._window.statusPanel.text != said:
            return
        marked = len(form.field_errors())
        if marked:
            text, kind = _fields_marked_text(marked), "error"
        else:
            text, kind = _fine_now_text(form), "info"
        if text == said:
            return
        self._window.show_status(text, kind)
        self._awaiting_fixes = (form, text)
        self._fine_now = None if marked else (form, text)

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


def _fields_marked_text(count: int) -> str:
    """That nothing was sent as ``count`` fields need fixing, and where it says what to fix:
    "(marked in red)" said it in a colour alone, which not everyone sees."""
    if count == 1:
        return "Nothing was sent: 1 field needs your attention (what to fix is written under it)."
    return (
        f"Nothing was sent: {count} fields need your attention (what to fix is written under each)."
    )


def _fine_now_text(form: RequestForm) -> str:
    """That the fields marked before are fine now, and ``form``'s button sends."""
    return (
        f"The marked fields are fine now. Nothing was sent yet: press “{form.submit_text}” to send."
    )


def _refuses_the_details(error: BaseException) -> bool:
    """Whether ``error`` is Kombo's refusal of the details sent, whose words may quote them:
    invalid input, or an integration id it does not know (not a 404 for a wrong address)."""
    if isinstance(error, InputRejectedError):
        return True
    return is_unknown_integration(error)


def _quoted_details(request: LinkRequest | RelinkRequest, words: str) -> tuple[str, ...]:
    """The customer details of ``request`` that ``words`` (the status and its details for
    support) quote, ignoring case, and the double quotation marks the words shown turn into
    single ones (``with_single_quote_marks``): Kombo's words quoting „Nord“ GmbH read
    ‚Nord‘ GmbH."""
    if isinstance(request, RelinkRequest):
        details: tuple[str | None, ...] = (request.integration_id,)
    else:
        details = (
            request.end_user_email,
            request.end_user_organization_name,
            request.end_user_origin_id,
        )
    folded = with_single_quote_marks(words).casefold()
    return tuple(
        detail
        for detail in details
        if detail and with_single_quote_marks(detail).casefold() in folded
    )
