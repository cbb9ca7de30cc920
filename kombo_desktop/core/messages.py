"""The sentences a person reads when a call to Kombo goes wrong, kept in one place.

The people using the program are not technical and often share their screen with a customer, so
every sentence says in plain words what happened and what to do next, without status codes or
library names. Keeping them together lets the wording be reviewed as a whole. The general
sentence for each kind of failure is the ``default_message`` of its error class in
``kombo_desktop.core.errors``; these are the more specific ones. How a refusal of what was
sent is read (which fields it names, what it says about each) is ``refusals``; the sentences
that say it are here.
"""

from __future__ import annotations

import math
from datetime import datetime

from kombo_desktop.core.errors import TASK_TIMED_OUT, KomboError, RateLimitedError, ServerError
from kombo_desktop.core.refusals import (
    FORM_NAMES,
    Point,
    as_a_sentence,
    in_form_words,
    is_quotable_refusal,
    names_only_a_status,
    names_only_parts_not_on_the_form,
    point_reason,
    points,
    reason_about,
    refusal_in_words,
    run_on,
    says_no_reason,
)
from kombo_desktop.core.retry_policy import UNSAID_RATE_LIMIT_PAUSE
from kombo_desktop.core.safe_text import with_single_quote_marks
from kombo_desktop.core.vocabulary import day_text

_SERVER_NOT_FOUND = (
    "Could not find Kombo's server on the network. Check that you are online (and on the VPN if "
    "your company uses one)"
)
DNS_MESSAGE = f"{_SERVER_NOT_FOUND}, and that the region or API address in Settings is right."
DROPPED_MESSAGE = (
    "The connection to Kombo broke before its answer arrived. Check your connection and try again."
)
# The connection to Kombo was made and no answer came in time (a read timeout, or an answer
# that never finished): the person's internet connection worked, so it is not blamed, as the
# general sentence for a timeout does (``errors.RequestTimeoutError``, for failing to connect).
# Also what the wait before such a request is repeated says ("Kombo is slow to answer right
# now, so the program waits…", ``retry_wait_message``).
SLOW_TO_ANSWER = "is slow to answer right now"
SLOW_ANSWER_MESSAGE = (
    f"Kombo {SLOW_TO_ANSWER}: the connection worked, but its answer took too long. "
    "Try again in a moment; if it keeps happening, copy the details for support."
)
# Kombo's answer began and was cut short (JSON that stops halfway, a connection dropped in the
# middle of the answer): a glitch on the way, unlike a page that is not JSON at all, which a
# network filter or login page sends (``errors.UnexpectedResponseError``).
INCOMPLETE_ANSWER_MESSAGE = (
    "The answer from Kombo arrived incomplete, as can happen now and then on the way. Try "
    "again; if it keeps happening, copy the details for support."
)
PROXY_MESSAGE = (
    "Your network's proxy server did not let the connection to Kombo through. Ask your IT team "
    "to check this computer's proxy settings."
)
PROXY_SETTINGS_MESSAGE = (
    "This computer's proxy settings could not be used, so Kombo could not be reached. Ask your IT "
    "team to check them."
)
PROXY_LOGIN_MESSAGE = (
    "Your network's proxy server asks for a login before it lets the connection to Kombo "
    "through. Ask your IT team."
)
UNTRUSTED_CERTIFICATE_MESSAGE = (
    "The connection to Kombo could not be verified as secure, so nothing was sent. On hotel or "
    "guest Wi-Fi, open any web page in your browser to sign in to the network first, then try "
    "again; otherwise ask your IT team (a network filter may be in the way)."
)
REFUSED_ON_THE_WAY_MESSAGE = (
    "Something between this computer and Kombo refused the request, most likely a network "
    "filter rather than Kombo. Ask your IT team, and copy the details for them."
)
ERROR_PAGE_MESSAGE = (
    "An error page came back instead of Kombo's answer: Kombo, or a network device between you "
    "and Kombo, has a problem. Try again in a few minutes; if it keeps happening, ask your IT team."
)
REDIRECT_MESSAGE = (
    "The request was sent somewhere other than Kombo (a network login page or filter may be in "
    "the way). Open any web page in your browser to check the connection, or ask your IT team."
)
TOO_LARGE_MESSAGE = (
    "The answer was far larger than one from Kombo, so it was not read. Try again; if it keeps "
    "happening, ask your IT team (a network filter may be in the way)."
)
NO_LINK_MESSAGE = (
    "Kombo's answer did not contain a link. Try again; if it keeps happening, copy the details "
    "for support."
)
LINK_TOO_LONG_MESSAGE = (
    "The link in Kombo's answer was far too long to be a real Kombo link, so it was not shown. "
    "Try again; if it keeps happening, tell support."
)
LINK_WITH_KEY_MESSAGE = (
    "The link in Kombo's answer contained an API key, so it was not shown: a key must never "
    "reach a customer. Try again; if it keeps happening, tell support."
)
_ADDRESS_NOT_RECOGNISED = "Kombo did not recognise the request's address."
WRONG_ADDRESS_MESSAGE = (
    f"{_ADDRESS_NOT_RECOGNISED} Check the region or the custom API address in Settings."
)
# Who set an address that Settings cannot change (``address_set_by_message``), when it was
# not the flag or environment variable that gave it (those are named as they are typed).
SET_BY_ADMINISTRATOR = "administrator"
# Asking for the demo (``--demo``, or its button) when ``policy.hide_demo`` turned it off.
DEMO_TURNED_OFF_MESSAGE = "The demo is turned off by your administrator."
_RESTART_AFTER_MENDING = "(or ask whoever set up this computer), then start Kombo Desktop again"


def wait_phrase(seconds: float) -> str:
    """How long to wait, as a person would say it ("in about 2 minutes"). Always rounded up,
    and "a few seconds" only for a few: advice to come back sooner than Kombo asked sends the
    person straight into the same refusal ("in a few seconds" was said for nine, "in about 60
    minutes" for a wait just under an hour)."""
    if seconds <= FEW_SECONDS:
        return "in a few seconds"
    whole_seconds = math.ceil(seconds)
    if whole_seconds < 60:
        return f"in about {whole_seconds} seconds"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"in about {_counted(minutes, 'minute')}"
    hours = math.ceil(seconds / 3600)
    if hours <= 48:
        return f"in about {_counted(hours, 'hour')}"
    return "later"


# The longest wait said as "a few seconds" (``wait_phrase``).
FEW_SECONDS = 5


def _counted(count: int, unit: str) -> str:
    return f"{count} {unit}{'s' if count != 1 else ''}"


def time_left_phrase(seconds: float) -> str:
    """How long is left of a wait the program counts itself ("in 12 seconds"): to the second
    under a minute, as ``wait_phrase`` says it beyond."""
    whole_seconds = max(1, math.ceil(seconds))
    if whole_seconds < 60:
        return f"in {_counted(whole_seconds, 'second')}"
    return wait_phrase(seconds)


# Why a press sends nothing while the window holds link requests back (``paused_press_message``):
# what the last answer said, and only that, since nobody asks again during the wait ("Kombo is
# still receiving too many requests" claimed what nobody had checked).
PAUSE_ASKED = "Kombo asked for a pause"  # its "too many requests", with a Retry-After
# Its "too many requests" without a Retry-After: the length of the pause is the program's own
# (``UNSAID_RATE_LIMIT_PAUSE``), and "Kombo asked for a pause" put a wait in Kombo's mouth.
BUSY_WITH_REQUESTS = "Kombo was busy with too many requests"
UNAVAILABLE_FOR_A_MOMENT = "Kombo said it is unavailable for a moment"  # as unavailable_message
TOOK_TOO_LONG = "Kombo said it took too long on its side"  # as task_timed_out_message
# An error page that named a wait: "Kombo, or a network device between you and Kombo" sent it
# (``ERROR_PAGE_MESSAGE``), so it is not put in Kombo's mouth.
WAIT_ASKED = "the last answer asked for a wait"


def held_back_reason(error: KomboError) -> str:
    """What the refusal that holds link requests back said (``KomboError.pause``), in the
    words of the sentence shown with it."""
    if isinstance(error, RateLimitedError):
        return PAUSE_ASKED if error.retry_after is not None else BUSY_WITH_REQUESTS
    if error.detail.code == TASK_TIMED_OUT:
        return TOOK_TOO_LONG
    if isinstance(error, ServerError):
        return UNAVAILABLE_FOR_A_MOMENT
    return WAIT_ASKED


def paused_press_message(seconds_left: float, button: str, reason: str = PAUSE_ASKED) -> str:
    """Said when ``button`` (its words as shown) is pressed while the window holds link
    requests back after an answer that asked for a wait (``reason``: ``held_back_reason``):
    nothing was sent, how long is left, and that the form is as it was. Said once per press,
    never as a ticking countdown, which a screen reader would read out every second."""
    return (
        f"Nothing was sent: {reason}. Press “{button}” again "
        f"{time_left_phrase(seconds_left)}. What you typed is kept."
    )


def paused_check_message(seconds_left: float, button: str, reason: str, *, typed: bool) -> str:
    """Said in Settings when ``button`` (its words as shown) would check the key Kombo asked
    to pause for (``reason``: ``held_back_reason``): the check counts against the same limit,
    and only earned another "too many requests". A ``typed`` key stays in the field, unsaved."""
    unsaved = " The key was not saved yet." if typed else ""
    return (
        f"Nothing was sent: {reason}. Press “{button}” again "
        f"{time_left_phrase(seconds_left)}.{unsaved}"
    )


# Said once the wait an answer asked for is over, where the status line still spoke of it:
# the buttons send again.
PAUSE_OVER_MESSAGE = "The wait is over: you can try again now."


def retry_wait_message(reason: str, seconds: float, next_try: int, tries: int) -> str:
    """Said while the client waits to repeat a turned-away request by itself: the window said
    only "Asking Kombo…" through half a minute of waits. ``reason`` completes "Kombo …"."""
    if seconds < 1:
        wait = "a moment"
    elif seconds < 60:
        whole = math.ceil(seconds)
        wait = f"{whole} second{'s' if whole != 1 else ''}"
    else:
        wait = "about " + wait_phrase(seconds).removeprefix("in about ")
    return (
        f"Kombo {reason}, so the program waits {wait} and tries again by itself (try "
        f"{next_try} of at most {tries}). To stop waiting, press Cancel or Esc."
    )


def retrying_message(next_try: int, tries: int) -> str:
    """Said when a repeat announced by ``retry_wait_message`` starts. "At most": a wait Kombo
    asks for beyond the client's time budget ends the tries early."""
    return (
        f"Asking Kombo again (try {next_try} of at most {tries})… To stop waiting, press "
        "Cancel or Esc."
    )


def proxy_unreachable_message(proxy: str) -> str:
    """The proxy the request had to go through (``host:port``) could not be reached: off the
    company's VPN its name has no address, so blaming Kombo or its address would mislead."""
    return (
        f"Could not reach your network's proxy server ({proxy}). Connect to the VPN if your "
        "company uses one, then try again; otherwise ask your IT team to check this computer's "
        "proxy settings."
    )


def proxy_silent_message(proxy: str) -> str:
    """The proxy took the request to open a tunnel to Kombo and never answered it."""
    return (
        f"Your network's proxy server ({proxy}) did not answer, so Kombo could not be reached. "
        "Try again in a moment; if it keeps happening, ask your IT team."
    )


def wrong_clock_message(now: datetime) -> str:
    """A certificate outside its dates: this computer's clock is the likely cause, and showing
    what it says lets the person see at once whether it is wrong."""
    shown = f"{day_text(now)}, {now:%H:%M}"
    return (
        "The connection to Kombo could not be verified as secure, so nothing was sent. Check "
        f"this computer's date and time (it shows {shown}), correct them, then try again."
    )


def run_key_refused_message(
    *, malformed: bool, too_short: bool = False, host: str | None = None
) -> str:
    """A key from ``KOMBO_API_KEY`` that cannot work. Settings cannot mend it (the variable
    wins over every saved key for the whole run), so the way forward is the variable itself.
    ``too_short``: shorter than any Kombo key (``errors.ShortKeyError``), so never sent.
    ``host`` names an address that is not one of Kombo's regions (``key_refused_at_message``)."""
    if too_short:
        problem = "The API key set in KOMBO_API_KEY is too short to be a Kombo API key."
    elif malformed:
        problem = (
            "The API key set in KOMBO_API_KEY contains spaces or characters a Kombo key never has."
        )
    elif host is not None:
        problem = (
            f"Kombo did not accept the API key set in KOMBO_API_KEY at {host}. It may be "
            "mistyped or revoked."
        )
    else:
        problem = (
            "Kombo did not accept the API key set in KOMBO_API_KEY. It may be mistyped, revoked, "
            "or meant for another region."
        )
    return (
        f"{problem} It is used instead of the key in Settings: correct or remove KOMBO_API_KEY "
        f"{_RESTART_AFTER_MENDING}."
    )


def address_set_by_message(text: str, set_by: str | None) -> str:
    """``text``, unless it sends the person to the region or address in Settings while the
    address was ``set_by`` someone else (``SET_BY_ADMINISTRATOR``, or the flag or environment
    variable that gave it: ``--api-base``, ``KOMBO_API_BASE``): Settings then greys them out or
    says they are not used, so the sentence names whoever can change the address instead."""
    if set_by is None:
        return text
    if text == DNS_MESSAGE:
        return (
            f"{_SERVER_NOT_FOUND}; if you are, the API address may be wrong. "
            f"{_who_changes_the_address(set_by)}"
        )
    if text == WRONG_ADDRESS_MESSAGE:
        return f"{_ADDRESS_NOT_RECOGNISED} {_who_changes_the_address(set_by)}"
    return text


def _who_changes_the_address(set_by: str) -> str:
    if set_by == SET_BY_ADMINISTRATOR:
        return (
            "Your administrator set this address, so it cannot be changed in the program: ask "
            "your IT team to check it, and copy the details for them."
        )
    if set_by.startswith("--"):
        return (
            f"The address was given with {set_by} when the program was started: correct it or "
            f"leave {set_by} out {_RESTART_AFTER_MENDING}."
        )
    return f"The address is set in {set_by}: correct or remove {set_by} {_RESTART_AFTER_MENDING}."


def key_refused_at_message(host: str) -> str:
    """A refused key when the profile's region does not decide where it goes (another address,
    ``--api-base``, the administrator's address): the usual sentence would send the person to
    a region that is not used."""
    return (
        f"Kombo did not accept the API key at {host}. It may be mistyped or revoked. Check the "
        "key in Settings."
    )


def no_key_saved_message(host: str) -> str:
    """The service at ``host``, an address on this computer, asked for an API key, and none
    is saved for this profile, so none was sent: not "the key was refused", there is none."""
    return (
        f"The service at {host} asks for an API key, and no key is saved for this profile. "
        "Open Settings, paste the key for this profile in the API key field and save it, "
        "then try again."
    )


def rate_limited_message(retry_after: float | None) -> str:
    """Kombo's rate limit: try again after the wait it asked for, or, when it named none,
    after the pause the window then holds link requests back for (``UNSAID_RATE_LIMIT_PAUSE``),
    so that the advice and the buttons agree."""
    wait = UNSAID_RATE_LIMIT_PAUSE if retry_after is None else retry_after
    return f"Kombo is receiving too many requests right now. Try again {wait_phrase(wait)}."


def concurrency_message(retry_after: float | None) -> str:
    when = "in a moment" if retry_after is None else wait_phrase(retry_after)
    return (
        f"Too many requests are running at the same time for this Kombo account. Try again {when}."
    )


def task_timed_out_message(retry_after: float | None) -> str:
    when = "in a minute" if retry_after is None else wait_phrase(retry_after)
    return (
        f"Kombo took too long on its side and gave up. Try again {when}; if it keeps happening, "
        "copy the details for support."
    )


def unavailable_message(retry_after: float) -> str:
    return (
        "Kombo is unavailable for a moment and could not make the link. Try again "
        f"{wait_phrase(retry_after)}."
    )


# Kombo refused parts of the request the person cannot see or change (``refusals.
# names_only_parts_not_on_the_form``, or fields of the other form): the API's names for them
# would mean nothing to the person, and "check the fields" would send them back to a form that
# is fine. The window's status line has a "Copy details" button beside it, named here as it
# reads; the details hold Kombo's own words for support.
PROGRAM_INPUT_REJECTED_MESSAGE = (
    "Kombo did not accept the request. The details you typed look fine: the problem is in what "
    "the program sent, which cannot be changed here. No link was made. Press “Copy details” and "
    "send them to support."
)
# Said after the fields' part of a refusal that also refused parts of the request the person
# cannot see or change (``input_rejected_message``).
_ALSO_SENT = (
    "Kombo also refused something the program sent, which cannot be changed here: press "
    "“Copy details” and send them to support."
)


def input_rejected_message(kombo_message: str, sent: tuple[str, ...] = ()) -> str | None:
    """Kombo's refusal ``kombo_message`` (a plain sentence once in words, see
    ``refusals.is_quotable_refusal``) in the form's words; or, when it names only parts of
    the request the person does not fill in, that the typed details look fine
    (``PROGRAM_INPUT_REJECTED_MESSAGE``); or ``None`` when it gives no reason to quote
    (``refusals.says_no_reason``): the error's general sentence is said then, since "Kombo
    did not accept these details: “Bad Request”" read as the reason and was none. A refusal
    of both fields and such parts quotes only its points about the fields, and sends the rest
    to support: the parts' API names were quoted at the person as if typing could mend them.
    Kombo's own words stay in the details for support either way; only they are quoted, not
    the verdicts the program put in its own words (``_refused_points_said``). ``sent``: the
    values the request sent."""
    words = refusal_in_words(kombo_message)
    if names_only_parts_not_on_the_form(words, sent):
        return PROGRAM_INPUT_REJECTED_MESSAGE
    if says_no_reason(words):
        return None
    every_point = points(words, sent)
    on_the_form = [point for point in every_point if not point.off_the_form]
    if not on_the_form:
        return PROGRAM_INPUT_REJECTED_MESSAGE
    said = f"Kombo did not accept these details: {_refused_points_said(on_the_form)}"
    if len(on_the_form) < len(every_point):
        return f"{said} Check the fields. {_ALSO_SENT}"
    return f"{said} Check the fields and try again."


def _refused_points_said(on_the_form: list[Point]) -> str:
    """What the refusal's points about the form's fields say, as a sentence or two: the
    verdicts the program put in its own words (``refusals._verdict_in_plain_words``) as its own
    sentence, each field named once ("the e-mail address is not valid and is too long (at most
    100 characters)."), then Kombo's other words, quoted ("“Scope config id: Unknown scope
    config”."). Quoted as one, the program's words read as Kombo's. Kombo's further words about
    a field the program's sentence names are quoted without the field's name
    (``_further_words_said``): put before them, it stood inside Kombo's quotes, and named the
    field a second time."""
    verdicts: dict[str, list[str]] = {}
    for point in on_the_form:
        reason = point_reason(point)
        if reason is not None and reason.own:
            verdicts.setdefault(point.fields[0], []).extend(reason.own)
    further: dict[str, list[str]] = {field: [] for field in verdicts}
    kombo: list[str] = []
    for point in on_the_form:
        reason = point_reason(point)
        if reason is None or point.fields[0] not in verdicts:
            kombo.append(point.words)
        elif reason.kombo:
            further[point.fields[0]].append(reason.kombo)
    quoted = _quoted_sentence(in_form_words(run_on(kombo))) if kombo else ""
    if not verdicts:
        return quoted
    said = ["; ".join(_verdicts_said(field, own) for field, own in verdicts.items()) + "."]
    # Which field Kombo's further words are about goes without saying only when the program's
    # sentence names that one field and nothing else is quoted.
    named_alone = len(verdicts) == 1 and not quoted
    about = {field: words for field, words in further.items() if words}
    if about:
        said.append(_further_words_said(about, named_alone=named_alone))
    if quoted:
        said.append(f"{'It also said' if about else 'Kombo also said'}: {quoted}")
    return " ".join(said)


def _verdicts_said(field: str, own: list[str]) -> str:
    """The program's verdicts about ``field`` (the API's spelling), the field named once: "the
    e-mail address is not valid and is too long (at most 100 characters)"; a verdict two of
    Kombo's points give is said once."""
    predicates = (_naming_the_field_once(field, predicate) for predicate in dict.fromkeys(own))
    return f"the {FORM_NAMES[field]} {' and '.join(predicates)}"


def _further_words_said(about: dict[str, list[str]], *, named_alone: bool) -> str:
    """Kombo's further words about each field (the API's spelling) the program's sentence
    names, in Kombo's order, quoted as one sentence: "Kombo also said: “…”" when the sentence
    names that one field alone, else with each field's name before its words: "Kombo also
    said about the e-mail address: “…”; about the organisation name: “…”"."""
    if named_alone:
        (words,) = about.values()
        return f"Kombo also said: {_quoted_sentence(_words_said(words))}"
    quotes = [
        f"about the {FORM_NAMES[field]}: {_quoted(_words_said(words))}"
        for field, words in about.items()
    ]
    said = f"Kombo also said {'; '.join(quotes)}"
    return said if said.endswith((".”", "!”", "?”")) else f"{said}."


def _words_said(words: list[str]) -> str:
    """Kombo's further ``words`` about a field, each as written, run on as one quote starting
    as a sentence: a capital on each one's first word changed Kombo's words inside the quotes
    ("…; Must not be a free mailer")."""
    return in_form_words(as_a_sentence(run_on(words)))


def _naming_the_field_once(field: str, predicate: str) -> str:
    """``predicate`` (``refusals.Reason``) as said after the name of ``field``, which it may
    name too: "the e-mail address is not valid", not "the e-mail address is not a valid
    e-mail address"."""
    return predicate.replace(f"a valid {FORM_NAMES[field]}", "valid")


def fields_not_accepted_message(fields: tuple[str, ...]) -> str:
    """Kombo refused ``fields`` (the API's spelling) in words not fit to quote (a schema
    checker's "body.integration_tool: Invalid enum value. Expected 'personio' | 'bamboohr'"):
    the fields in the form's words, marked too (``field_not_accepted_text``), and the way
    forward. The general "Check the fields" marked none and left the person to guess which;
    Kombo's own words stay in the details for support."""
    names = [FORM_NAMES[field] for field in fields]
    named = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    marked = "marked field" if len(names) == 1 else "marked fields"
    return (
        f"Kombo did not accept the {named}. Check the {marked} and try again; if it keeps "
        "happening, copy the details for support."
    )


def field_not_accepted_text(field: str) -> str:
    """The line under ``field`` (the API's spelling) when Kombo refused it in words not fit
    to quote (``fields_not_accepted_message``): the program's own."""
    return f"Kombo did not accept this {FORM_NAMES[field]}."


def rejected_field_message(kombo_message: str, field: str, sent: tuple[str, ...] = ()) -> str:
    """The line under ``field`` (the API's spelling) when Kombo's refusal ``kombo_message``
    (see ``input_rejected_message``) names it: Kombo's own reason, quoted, and the verdicts the
    program put in its own words as its own sentence (``refusals.reason_about``), so the mark
    says why for as long as it is there. The
    status line that also says it is replaced by the next thing that happens (screen-sharing
    mode switched, another profile), and "see the message below" then pointed at nothing.
    ``sent``: the values the request sent. Words not fit to quote (``refusals.
    is_quotable_refusal``) give way to the program's own (``field_not_accepted_text``)."""
    if not is_quotable_refusal(kombo_message):
        return field_not_accepted_text(field)
    reason = reason_about(refusal_in_words(kombo_message), field, sent)
    quoted = _quoted_sentence(reason.kombo) if reason.kombo else ""
    if not reason.own:
        return f"Kombo did not accept this: {quoted}"
    # The verdicts the program put in its own words are its own sentence, not a quotation.
    said = f"Kombo did not accept this: it {' and '.join(reason.own)}."
    return f"{said} Kombo also said: {quoted}" if quoted else said


def _quoted(text: str) -> str:
    """``text`` (a server's words) in quotes, its own double quotation marks made single ones
    (``with_single_quote_marks``): one of them ended the quotation early, and the words after
    it read as the program's."""
    return f"“{with_single_quote_marks(text)}”"


def _quoted_sentence(text: str) -> str:
    """``text`` (a server's words) in quotes, ended as a sentence (Kombo's messages come with
    or without a full stop), so the next sentence does not run on from it. Its own double
    quotation marks become single ones (``with_single_quote_marks``): one of them ended the
    quotation early, and the words after it read as the program's."""
    return _quoted(text) if text.rstrip().endswith((".", "!", "?")) else f"{_quoted(text)}."


def kombo_refusal_message(kombo_message: str | None, *, making_link: bool) -> str:
    """Kombo refused with no error code this program knows: its words when they explain (none
    when they only name the status), and what to do next. ``making_link``: the refused call
    was to make a link, so the person is told none was made; the window's status line that
    says so has a "Copy details" button beside it, named here as it reads. (Other calls, such
    as a key's check in Settings, are answered where there is no such button.)"""
    if kombo_message is None or names_only_a_status(kombo_message):
        refusal = "Kombo could not do this and did not say why."
    else:
        refusal = f"Kombo could not do this: {_quoted_sentence(kombo_message)}"
    if not making_link:
        return f"{refusal} Try again; if it keeps happening, tell support."
    return (
        f"{refusal} No link was made. Try again; if it keeps happening, press “Copy details” "
        "and send them to support."
    )
