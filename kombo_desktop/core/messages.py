"""The sentences a person reads when a call to Kombo goes wrong, kept in one place.

The people using the program are not technical and often share their screen with a customer, so
every sentence says in plain words what happened and what to do next, without status codes or
library names. Keeping them together lets the wording be reviewed as a whole. The general
sentence for each kind of failure is the ``default_message`` of its error class in
``kombo_desktop.core.errors``; these are the more specific ones.
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime
from http import HTTPStatus

from kombo_desktop.core.safe_text import holds_secret, is_plain_sentence
from kombo_desktop.core.vocabulary import day_text

_SERVER_NOT_FOUND = (
    "Could not find Kombo's server on the network. Check that you are online (and on the VPN if "
    "your company uses one)"
)
DNS_MESSAGE = f"{_SERVER_NOT_FOUND}, and that the region or API address in Settings is right."
DROPPED_MESSAGE = (
    "The connection to Kombo broke before its answer arrived. Check your connection and try again."
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
_RESTART_AFTER_MENDING = "(or ask whoever set up this computer), then start Kombo Desktop again"


def wait_phrase(seconds: float) -> str:
    """How long to wait, as a person would say it ("in about 2 minutes")."""
    if seconds < 10:
        return "in a few seconds"
    if seconds < 60:
        return f"in about {math.ceil(seconds)} seconds"
    if seconds < 3600:
        minutes = math.ceil(seconds / 60)
        return f"in about {minutes} minute{'s' if minutes != 1 else ''}"
    if seconds < 48 * 3600:
        hours = math.ceil(seconds / 3600)
        return f"in about {hours} hour{'s' if hours != 1 else ''}"
    return "later"


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


def environment_key_refused_message(*, malformed: bool, host: str | None = None) -> str:
    """A key from ``KOMBO_API_KEY`` that cannot work. Settings cannot mend it (the variable
    wins over every saved key for the whole run), so the way forward is the variable itself.
    ``host`` names an address that is not one of Kombo's regions (``key_refused_at_message``)."""
    if malformed:
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


def rate_limited_message(retry_after: float) -> str:
    return f"Kombo is receiving too many requests right now. Try again {wait_phrase(retry_after)}."


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


# A JSON escape other than \" in a list of issues: decoded, it could put back together a key
# that was masked in Kombo's words as they came (a "\u0073" for an "s").
_ESCAPE_OTHER_THAN_A_QUOTE = re.compile(r'\\[^"]')


def refusal_in_words(kombo_message: str) -> str:
    """``kombo_message`` as a refusal in sentences. Kombo's message may be a schema checker's
    issues as JSON (zod's ``[{"path": ["end_user_email"], "message": "Invalid email"}]``, or
    the same under ``"issues"``), which is no sentence to quote and was answered with the
    general one, though it named the field: it is said the way the rest of this module reads
    refusals, "end_user_email: Invalid email; ...". Anything else, or a list with an issue
    whose shape is unknown, comes back as it was (and is then not quoted)."""
    text = kombo_message.strip()
    if not text.startswith(("[", "{")) or _ESCAPE_OTHER_THAN_A_QUOTE.search(text):
        return kombo_message
    try:
        parsed: object = json.loads(text)
    except (ValueError, RecursionError):
        return kombo_message
    if isinstance(parsed, dict):  # a whole error object, as zod's ZodError serialises
        parsed = parsed.get("issues", parsed.get("errors"))
    if not isinstance(parsed, list) or not parsed:
        return kombo_message
    points = [_issue_in_words(issue) for issue in parsed]
    said = "; ".join(point for point in points if point is not None)
    if None in points or holds_secret(said, None):
        return kombo_message
    return said


def _issue_in_words(issue: object) -> str | None:
    """One issue of a list as "path: reason" (just the reason when it is about the whole
    request), or None when it is not an issue in a shape this module knows."""
    if isinstance(issue, str):
        return " ".join(issue.split()) or None
    if not isinstance(issue, dict):
        return None
    reason = issue.get("message", issue.get("msg"))  # zod and ajv; pydantic
    if not isinstance(reason, str) or not reason.strip():
        return None
    path = _issue_path(issue)
    if path is None:
        return None
    reason = " ".join(reason.split())
    return f"{path}: {reason}" if path else reason


def _issue_path(issue: dict[str, object]) -> str | None:
    """The path of what ``issue`` is about, written as refusals in words write it
    ("end_user.email", "integration_tool.0"); "" for the request as a whole; None when the
    path has a shape this module does not know."""
    if "path" in issue or "loc" in issue:  # zod; pydantic (a list), or a dotted string
        path = issue.get("path", issue.get("loc"))
        if isinstance(path, str):
            return path
        if isinstance(path, list) and all(
            isinstance(part, str | int) and not isinstance(part, bool) for part in path
        ):
            return ".".join(str(part) for part in path)
        return None
    if "instancePath" in issue:  # ajv: a JSON pointer, "/end_user/email"
        pointer = issue["instancePath"]
        return pointer.strip("/").replace("/", ".") if isinstance(pointer, str) else None
    if "dataPath" in issue:  # older ajv: ".end_user.email"
        data_path = issue["dataPath"]
        return data_path.lstrip(".") if isinstance(data_path, str) else None
    return ""


# Kombo's messages name fields the way the API spells them; the person knows them by the
# names on the form. (The original wording stays in the details for support.)
_FORM_NAMES: dict[str, str] = {
    "end_user_email": "e-mail address",
    "end_user_organization_name": "organisation name",
    "end_user_origin_id": "customer id",
    "integration_category": "kind of system",
    "integration_tool": "tool",
    "remote_environment": "tool environment",
    "scope_config_id": "scope config id",
    "enable_filtering": "employee filtering",
    "enable_field_mapping": "field mapping",
    "link_type": "link type",
    "integration_id": "integration id",
}


def _spellings() -> dict[str, str]:
    """Each name a refusal may give a form field, with the field: its own name, and its last
    words from two on ("origin_id", "organization_name"), as a nested path's last part names
    it. One word alone ("email", "tool") is too common in prose to be taken for a field."""
    spellings: dict[str, str] = {}
    for field in _FORM_NAMES:
        words = field.split("_")
        for start in range(len(words) - 1):
            spellings.setdefault("_".join(words[start:]), field)
    return spellings


_SPELLINGS = _spellings()


def _spelled_as_a_path(name: str) -> str:
    """``name`` as a path may spell it: its words joined by "_" or "." ("end_user.email")."""
    return r"[._]".join(re.escape(word) for word in name.split("_"))


# A request field as a refusal may name it, the way schema checkers write a value's path: flat
# ("end_user_email"), nested ("end_user.organization_name"), under what holds it
# ("body.end_user_email"), or with an index into a list ("integration_tool.0",
# "integration_tool[0]"). The whole path stands for the field; a longer name or a path that goes
# on into the field ("end_user_emails", "end_user_email.domain") is not the field.
_SEGMENT = r"[A-Za-z_]\w*(?:\[\d+\])*"
_INDEXES = r"(?:\.\d+|\[\d+\])*"
_FIELDS = "|".join(_spelled_as_a_path(name) for name in sorted(_SPELLINGS, key=len, reverse=True))


def _path_of_a_field(group: str) -> str:
    """The pattern of any field's path, the field's own part in ``group`` ("(" to capture it,
    "(?:" not to)."""
    around = r"(?<![\w.\[\]])(?:" + _SEGMENT + r"\.)*"
    return around + group + _FIELDS + ")" + _INDEXES + r"(?![\w\[]|\.\w)"


_FIELD_NAME = re.compile(_path_of_a_field("("))
# A path before a colon, where a refusal says what it refuses: at its start ("foo_bar: Expected
# string"), or after another part ("...; end_user.name: Required", "Invalid input: body.extra:
# Unrecognized key"). Only a name no one writes in prose (with "_", "." or an index) counts.
_REFUSED_PATH = re.compile(
    r"(?:^|(?<=[;:.!?])\s+)\s*(" + _SEGMENT + r"(?:\." + _SEGMENT + r")*)\s*:"
)
_INDEX_IN_PATH = re.compile(r"(?<=\w)\[\d+\]")


def _field_of(match: re.Match[str]) -> str:
    """The field (the API's flat spelling) that ``_FIELD_NAME``'s ``match`` names."""
    return _SPELLINGS[match.group(1).replace(".", "_")]


def fields_named(message: str) -> tuple[str, ...]:
    """The request fields ``message`` names (by name or path, or as a list of issues, see
    ``refusal_in_words``), in the API's spelling, each once, in order."""
    words = refusal_in_words(message)
    return tuple(dict.fromkeys(_field_of(match) for match in _FIELD_NAME.finditer(words)))


# A part of the request quoted by its API name ("Unrecognized key(s) in object: 'foo_bar'",
# '"extra_options" is not allowed'): lower case with "_" between its words, as no one writes in
# prose. A value the person typed may look like that ("acme_gmbh"), so what was sent is not one.
_QUOTED_PART = re.compile(
    r"""['"‘“]\s*([a-z][a-z0-9]*(?:[._][a-z0-9]+)*_[a-z0-9]+(?:[._][a-z0-9]+)*)\s*['"’”]"""
)
# A schema checker's words for a part the request should not have had, whatever its name: the
# problem is in what the program sent. (Zod's "Unrecognized key(s) in object", quoted, also
# read like the API key to a person.)
_UNKNOWN_PART_WORDS = re.compile(
    r"\b(?:unrecogni[sz]ed|unknown|unexpected)\s+"
    r"(?:keys?|(?:key\(s\))|fields?|propert(?:y|ies)|parameters?|arguments?|attributes?)\b"
    r"|\badditional propert(?:y|ies)\b",
    re.IGNORECASE,
)


def names_only_unknown_parts(message: str, sent: tuple[str, ...] = ()) -> bool:
    """Whether ``message`` refuses parts of the request by their API names (``foo_bar: ...``,
    ``end_user.name: ...``, ``... 'foo_bar'``) or as parts the request should not have had
    ("Unrecognized key(s) in object"), and none of them is a field the person fills in: what
    was typed is not the problem, and nothing on the form can be marked. ``sent`` are the
    values the request sent, which a refusal may quote too."""
    if fields_named(message):
        return False
    if _UNKNOWN_PART_WORDS.search(message):
        return True
    quoted = [part for part in _QUOTED_PART.findall(message) if part not in sent]
    paths = [path for path in _REFUSED_PATH.findall(message) if path not in sent]
    return bool(quoted) or any(any(mark in path for mark in "_.[") for path in paths)


def is_quotable_refusal(kombo_message: str) -> bool:
    """Whether Kombo's refusal may be quoted to the person: a plain sentence (see
    ``safe_text.is_plain_sentence``), where an index in a path ("integration_tool[0]") is not
    taken for JSON; the path itself is said in the form's words (``in_form_words``). A list
    of issues in JSON is judged as the sentences it is said in (``refusal_in_words``)."""
    return is_plain_sentence(_INDEX_IN_PATH.sub("", refusal_in_words(kombo_message)))


def in_form_words(message: str) -> str:
    """``message`` with the API's field names (or paths) replaced by the form's, e.g.
    "end_user_email: Invalid email" -> "E-mail address: Invalid email"."""
    worded = _FIELD_NAME.sub(lambda match: _FORM_NAMES[_field_of(match)], message)
    if worded != message and worded[:1].islower() and _FIELD_NAME.match(message):
        worded = worded[:1].upper() + worded[1:]
    return worded


# Kombo refused parts of the request the person cannot see or change (``names_only_unknown_
# parts``, or fields of the other form): the API's names for them would mean nothing to the
# person, and "check the fields" would send them back to a form that is fine. The window's
# status line has a "Copy details" button beside it, named here as it reads; the details hold
# Kombo's own words for support.
PROGRAM_INPUT_REJECTED_MESSAGE = (
    "Kombo did not accept the request. The details you typed look fine: the problem is in what "
    "the program sent, which cannot be changed here. No link was made. Press “Copy details” and "
    "send them to support."
)


# A schema checker's verdict that names no part of the request ("Expected string, received
# null", "Required", "Invalid input"): quoted, it reads as jargon and says nothing the general
# sentence does not.
_BARE_VERDICT = re.compile(
    r"(?:invalid input\s*[:,.;-]?\s*)?"
    r"(?:expected [\w ]+?,? received [\w ]+|required|invalid input|invalid value|invalid type)",
    re.IGNORECASE,
)


def says_no_reason(message: str) -> bool:
    """Whether ``message`` gives no reason for the refusal that the person could act on: it
    only names the answer's status ("Bad Request", "400 Bad Request") or is a schema checker's
    verdict about no field ("Expected string, received null")."""
    words = message.strip().rstrip(".!").strip()
    return names_only_a_status(words) or (
        not fields_named(words) and _BARE_VERDICT.fullmatch(words) is not None
    )


def input_rejected_message(kombo_message: str, sent: tuple[str, ...] = ()) -> str | None:
    """Kombo's refusal ``kombo_message`` (a plain sentence) in the form's words; or, when it
    names only parts of the request the person does not fill in, that the typed details look
    fine (``PROGRAM_INPUT_REJECTED_MESSAGE``); or ``None`` when it gives no reason to quote
    (``says_no_reason``): the error's general sentence is said then, since "Kombo did not
    accept these details: “Bad Request”" read as the reason and was none. A refusal of both
    fields and such parts quotes only what it says about the fields, and sends the rest to
    support: the parts' API names were quoted at the person as if typing could mend them.
    Kombo's own words stay in the details for support either way. ``sent``: the values the
    request sent."""
    kombo_message = refusal_in_words(kombo_message)
    if names_only_unknown_parts(kombo_message, sent):
        return PROGRAM_INPUT_REJECTED_MESSAGE
    if says_no_reason(kombo_message):
        return None
    points = _points(kombo_message, sent)
    said = [point for point in points if not _about_a_part_not_on_the_form(point, sent)]
    if not said:
        return PROGRAM_INPUT_REJECTED_MESSAGE
    quoted = _quoted_sentence(in_form_words(_joined(said)))
    if len(said) < len(points):
        return f"Kombo did not accept these details: {quoted} Check the fields. {_ALSO_SENT}"
    return f"Kombo did not accept these details: {quoted} Check the fields and try again."


# Said after the fields' part of a refusal that also refused parts of the request the person
# cannot see or change (``input_rejected_message``).
_ALSO_SENT = (
    "Kombo also refused something the program sent, which cannot be changed here: press "
    "“Copy details” and send them to support."
)


# Where a refusal goes on to its next point: after a semicolon or a sentence's end
# ("integration_tool: not enabled; enable_field_mapping: not available", or with full stops).
_NEXT_POINT = re.compile(r"(?:;|(?<=[.!?]))\s+")
_LEADING_FIELD = re.compile(_path_of_a_field("(?:") + r"\s*:\s*")


def _starts_a_point(piece: str, sent: tuple[str, ...]) -> bool:
    """Whether ``piece`` of a refusal is about a subject of its own: a form field, or a part
    of the request the form does not have. Other pieces go on about the one before."""
    return bool(fields_named(piece)) or names_only_unknown_parts(piece, sent)


def _points(kombo_message: str, sent: tuple[str, ...] = ()) -> list[str]:
    """``kombo_message`` cut into what it says about each subject, each point as written
    ("end_user_email: Invalid email. It must have an @."; "foo_bar: Unrecognized key")."""
    points: list[str] = []
    start = 0
    for separator in _NEXT_POINT.finditer(kombo_message):
        following = kombo_message[separator.end() :]
        if _starts_a_point(_NEXT_POINT.split(following, maxsplit=1)[0], sent):
            points.append(kombo_message[start : separator.start()])
            start = separator.end()
    points.append(kombo_message[start:])
    return [point for point in points if point.strip()]


def _about_a_part_not_on_the_form(point: str, sent: tuple[str, ...]) -> bool:
    return not fields_named(point) and names_only_unknown_parts(point, sent)


def _joined(points: list[str]) -> str:
    """``points`` said one after the other, as a refusal would have run them on."""
    said = points[0]
    for more in points[1:]:
        said += f" {more}" if said.endswith((".", "!", "?")) else f"; {more}"
    return said


def rejected_field_message(kombo_message: str, field: str, sent: tuple[str, ...] = ()) -> str:
    """The line under ``field`` (the API's spelling) when Kombo's refusal ``kombo_message``
    (a plain sentence, see ``input_rejected_message``) names it: Kombo's own reason, so the
    mark says why for as long as it is there. The status line that also says it is replaced by
    the next thing that happens (screen-sharing mode switched, another profile), and "see the
    message below" then pointed at nothing. ``sent``: the values the request sent."""
    words = _words_about(refusal_in_words(kombo_message), field, sent)
    return f"Kombo did not accept this: {_quoted_sentence(words)}"


def _words_about(kombo_message: str, field: str, sent: tuple[str, ...]) -> str:
    """What ``kombo_message`` says about ``field``, in the form's words. A refusal naming
    several fields one after the other ("integration_tool: ...; enable_field_mapping: ...")
    gives each field its own part, without the field's name, which its label says; a sentence
    about several fields together is said whole, but for parts of the request the form does
    not have, which no one at the form can mend."""
    points = [
        point
        for point in _points(kombo_message, sent)
        if not _about_a_part_not_on_the_form(point, sent)
    ]
    about = [point for point in points if field in fields_named(point)]
    if not about or any(fields_named(point) != (field,) for point in about):
        return in_form_words(_joined(points) if points else kombo_message)
    words: list[str] = []
    for point in about:
        leading = _LEADING_FIELD.match(point)
        rest = point[leading.end() :].strip() if leading is not None else ""
        words.append(rest or in_form_words(point))
    return _joined(words)


def _quoted_sentence(text: str) -> str:
    """``text`` in quotes, ended as a sentence (Kombo's messages come with or without a full
    stop), so the next sentence does not run on from it."""
    return f"“{text}”" if text.rstrip().endswith((".", "!", "?")) else f"“{text}”."


# "Conflict", "405 Method Not Allowed", "HTTP 409", "Request failed with status code 409": words
# that only name the answer's status, which a person would take for an explanation.
_STATUS_PHRASES = frozenset(status.phrase.lower() for status in HTTPStatus)
_STATUS_NUMBER = re.compile(
    r"(?:request failed with status code|status code|status|http error|http|error)?\s*\d{3}\s*",
    re.IGNORECASE,
)


def names_only_a_status(message: str) -> bool:
    """Whether ``message`` says nothing but the answer's HTTP status, as a number or phrase."""
    words = message.strip().rstrip(".!").strip()
    if _STATUS_NUMBER.fullmatch(words):
        return True
    return re.sub(r"^\d{3}\s+", "", words).lower() in _STATUS_PHRASES


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
