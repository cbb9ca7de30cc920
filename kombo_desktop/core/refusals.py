"""Reading Kombo's refusals of what a request sent (``PLATFORM.INPUT_INVALID``, 400 or 422).

Kombo's ``error.message`` is free text written for developers: "end_user_email: Invalid email",
"end_user.organization_name: Required; integration_tool: not enabled", "Unrecognized key(s) in
object: 'foo_bar'", or a schema checker's list of issues in JSON. The people using the program
are not technical: ``messages`` says a refusal in the form's words and the window marks the
fields it names, each with its own reason. This module does the reading that takes:

* a list of issues in JSON is read as the sentences it stands for (``refusal_in_words``), and
  a schema checker's common verdicts leading what Kombo says of a field are said in plain words
  (``_verdict_in_plain_words``, ``_in_plain_words``): those are the program's words, told apart
  from Kombo's (``reason_about``, ``point_reason``) so that they are not quoted as Kombo's, and
  what is quoted is Kombo's words as written;
* which of the form's fields a refusal names (``fields_named``), said in the form's words
  (``in_form_words``);
* a refusal is a run of *points*, one per subject (a form field, or a part of the request the
  form does not have), cut where it goes on to the next one (``points``); what it says about
  one field is that field's points (``what_it_says_about``);
* whether it refuses only parts of the request the form does not have, which no one at the
  form can mend (``names_only_parts_not_on_the_form``), or gives no reason at all
  (``says_no_reason``, ``names_only_a_status``).

Each kind of text looked for has one regular expression below, with a comment saying what it
matches and why.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from http import HTTPStatus

from kombo_desktop.core.safe_text import is_plain_sentence, unsafe_to_show

# --- The form's fields, as a refusal names them ------------------------------------------------

# Kombo's messages name fields the way the API spells them; the person knows them by the
# names on the form. (The original wording stays in the details for support.)
FORM_NAMES: dict[str, str] = {
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
    "language": "language",
}


def _spellings() -> dict[str, str]:
    """Each name a refusal may give a form field, with the field: its own name, and its last
    words from two on ("origin_id", "organization_name"), as a nested path's last part names
    it. One word alone ("email", "tool") is too common in prose to be taken for a field."""
    spellings: dict[str, str] = {}
    for field in FORM_NAMES:
        words = field.split("_")
        for start in range(len(words) - 1):
            spellings.setdefault("_".join(words[start:]), field)
    return spellings


_SPELLINGS = _spellings()


def _spelled_as_a_path(name: str) -> str:
    """The pattern of ``name`` as a path may spell it: its words joined by "_" or "."
    ("end_user.email")."""
    return r"[._]".join(re.escape(word) for word in name.split("_"))


# One name in a path, with any indexes into it: "end_user", "items[0]".
_PATH_NAME = r"[A-Za-z_]\w*(?:\[\d+\])*"
# Every spelling of a form field, longest first: "end_user_organization_name" is found whole,
# not as "organization_name" after "end_user_".
_ANY_FIELD_SPELLING = "|".join(
    _spelled_as_a_path(name) for name in sorted(_SPELLINGS, key=len, reverse=True)
)
# A form field as a refusal names it, the way schema checkers write a value's path: flat
# ("end_user_email"), nested ("end_user.organization_name"), under what holds it
# ("body.end_user_email"), or with an index into a list ("integration_tool.0",
# "integration_tool[0]"). The whole path stands for the field; a longer name or a path that goes
# on into the field ("end_user_emails", "end_user_email.domain") is not the field.
_FIELD_PATH_PATTERN = rf"""
    (?<![\w.\[\]])                      # not the end of a longer name or path
    (?:{_PATH_NAME}\.)*                 # what holds the field: "body.", "end_user."
    (?P<spelling>{_ANY_FIELD_SPELLING})
    (?:\.\d+|\[\d+\])*                  # indexes into the field: ".0", "[0]"
    (?![\w\[]|\.\w)                     # not a longer name, nor a path going on into it
"""
_FIELD_PATH = re.compile(_FIELD_PATH_PATTERN, re.VERBOSE)
# A field's path at the start of what a refusal says about it, with the colon after it
# ("end_user_email: Invalid email"): the field's label says that much already.
_FIELD_PATH_AND_COLON = re.compile(_FIELD_PATH_PATTERN + r"\s*:\s*", re.VERBOSE)
# An index right after a name ("integration_tool[0]"): part of a path, not JSON.
_INDEX_AFTER_A_NAME = re.compile(r"(?<=\w)\[\d+\]")


def _field_of(match: re.Match[str]) -> str:
    """The field (the API's flat spelling) that a ``_FIELD_PATH`` match names."""
    return _SPELLINGS[match.group("spelling").replace(".", "_")]


# A field whose name is one word ("language"), which is too common in prose to be taken for
# the field anywhere (``_spellings``): only as the path a refusal starts a point with, before
# its colon ("language: Invalid enum value", "body.language: Required").
_ONE_WORD_FIELDS = [field for field in FORM_NAMES if "_" not in field]
_ONE_WORD_FIELD_PATH = re.compile(
    rf"""
    (?:^|(?<=[;:.!?])\s)\s*             # at the start of a point, or after a heading
    (?:{_PATH_NAME}\.)*                  # what holds the field: "body."
    (?P<field>{"|".join(_ONE_WORD_FIELDS)})
    \s*:
    """,
    re.VERBOSE,
)


def _fields_in(words: str) -> tuple[str, ...]:
    """The form's fields ``words`` name, in the API's spelling, each once, in order."""
    found = [(match.start(), _field_of(match)) for match in _FIELD_PATH.finditer(words)]
    found += [
        (match.start("field"), match.group("field"))
        for match in _ONE_WORD_FIELD_PATH.finditer(words)
    ]
    return tuple(dict.fromkeys(field for _, field in sorted(found)))


def fields_named(kombo_message: str) -> tuple[str, ...]:
    """The request fields Kombo's refusal names (by name or path, or in a list of issues,
    see ``refusal_in_words``), in the API's spelling, each once, in order: the window marks
    them. Not a field it refuses only for the kind of value the program sent
    (``Point.off_the_form``), which nothing typed into the field can mend."""
    on_the_form = (
        point for point in points(refusal_in_words(kombo_message)) if not point.off_the_form
    )
    return tuple(dict.fromkeys(field for point in on_the_form for field in point.fields))


def in_form_words(words: str) -> str:
    """``words`` (a refusal in words) with the API's field names or paths replaced by the
    form's: "end_user_email: Invalid email" -> "E-mail address: Invalid email". A name that
    starts a sentence takes a capital letter ("…: Already in use. Organisation name: …"), as
    the API's name, written in lower case, could not; Kombo's other words stay as written."""

    def form_name(match: re.Match[str]) -> str:
        name = FORM_NAMES[_field_of(match)]
        if _starts_a_sentence(words, match.start()):
            return name[:1].upper() + name[1:]
        return name

    return _FIELD_PATH.sub(form_name, words)


def _starts_a_sentence(words: str, at: int) -> bool:
    """Whether what starts at ``at`` in ``words`` is a sentence's first word: nothing before
    it, or a sentence's end and a space."""
    before = words[:at]
    if not before.strip():
        return True
    return before[-1].isspace() and before.rstrip().endswith((".", "!", "?"))


def is_quotable_refusal(kombo_message: str) -> bool:
    """Whether Kombo's refusal may be quoted to the person: a plain sentence once in words
    (``refusal_in_words``; see ``safe_text.is_plain_sentence``), where an index in a path
    ("integration_tool[0]") is not taken for JSON: the path itself is said in the form's words
    (``in_form_words``). Its length is judged on what will be shown (``_as_shown``): zod's
    longer wording, where the program says a verdict in its own shorter words, made a refusal
    too long to say; where Kombo carries a verdict on, it is quoted as written, and measured
    so: a quote past the limit ran on across the status line."""
    words = _as_shown(refusal_in_words(kombo_message))
    return is_plain_sentence(_INDEX_AFTER_A_NAME.sub("", words))


def _as_shown(words: str) -> str:
    """``words`` (a refusal in words) with a one-field point's leading verdict in the
    program's words where its reason has one told apart (``_reason_of``), every other point
    as Kombo wrote it: as long as what the person is shown, near enough to judge by."""
    return run_on([_point_as_shown(point) for point in points(words)]) if words.strip() else ""


def _point_as_shown(point: Point) -> str:
    """``point``'s words with its leading verdict in the program's words where ``_reason_of``
    says it so (``_verdict_in_plain_words``), else as Kombo wrote them."""
    named = _field_name_and_what_follows(point.words, point.fields)
    if named is None:
        return point.words
    field_name, said = named
    plain = _verdict_in_plain_words(said)
    return point.words if plain is None else field_name + plain


# --- Parts of the request the form does not have -----------------------------------------------

# A schema checker's words for a part the request should not have had, whatever its name
# (zod's "Unrecognized key(s) in object", where "key" matches "key(s)"; Joi's "Unknown field";
# ajv's "must NOT have additional properties"): the problem is in what the program sent.
_UNKNOWN_PART_WORDS = re.compile(
    r"""
    \b(?:unrecogni[sz]ed|unknown|unexpected)\s+
    (?:keys?|fields?|propert(?:y|ies)|parameters?|arguments?|attributes?)\b
    | \badditional[ ]propert(?:y|ies)\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
# A part of the request quoted by its API name ("Unrecognized key(s) in object: 'foo_bar'",
# '"extra_options" is not allowed'): lower case with "_" between its words, as no one writes in
# prose. (A value the person typed may look like that, "acme_gmbh": see ``sent``.)
_QUOTED_API_NAME = re.compile(
    r"""
    ['"‘“]\s*
    (?P<name>[a-z][a-z0-9]*(?:[._][a-z0-9]+)*_[a-z0-9]+(?:[._][a-z0-9]+)*)
    \s*['"’”]
    """,
    re.VERBOSE,
)
# A path before a colon, where a refusal says what it refuses: at its start ("foo_bar: Expected
# string"), or after another part ("...; end_user.name: Required", "Invalid input: body.extra:
# Unrecognized key"). Only a name no one writes in prose counts (``_looks_like_an_api_name``).
_REFUSED_PATH = re.compile(
    rf"""
    (?:^|(?<=[;:.!?])\s+)\s*            # at the start, or after another part
    (?P<path>{_PATH_NAME}(?:\.{_PATH_NAME})*)
    \s*:
    """,
    re.VERBOSE,
)


def _looks_like_an_api_name(path: str) -> bool:
    """Whether ``path`` has a "_", "." or index in it, as API names do and prose does not
    ("Error: ..." is no part of a request)."""
    return any(mark in path for mark in "_.[")


def _names_a_part_not_on_the_form(words: str, sent: tuple[str, ...]) -> bool:
    """Whether ``words`` refuse a part of the request by its API name (``foo_bar: ...``,
    ``end_user.name: ...``, ``... 'foo_bar'``) or as a part the request should not have had
    ("Unrecognized key(s) in object"). ``sent`` are the values the request sent, which a
    refusal may quote too: they are what the person typed, not parts of the request."""
    if _UNKNOWN_PART_WORDS.search(words):
        return True
    quoted = (match.group("name") for match in _QUOTED_API_NAME.finditer(words))
    paths = (match.group("path") for match in _REFUSED_PATH.finditer(words))
    return any(name not in sent for name in quoted) or any(
        _looks_like_an_api_name(path) for path in paths if path not in sent
    )


def names_only_parts_not_on_the_form(words: str, sent: tuple[str, ...] = ()) -> bool:
    """Whether ``words`` (a refusal in words) refuse parts of the request (see
    ``_names_a_part_not_on_the_form``), none of them a field the person fills in: what was
    typed is not the problem, and nothing on the form can be marked."""
    return not _fields_in(words) and _names_a_part_not_on_the_form(words, sent)


# --- Points: what a refusal says about each subject --------------------------------------------

# Where a refusal may go on to its next point: after a semicolon or a sentence's end
# ("integration_tool: not enabled; enable_field_mapping: not available", or with full stops).
_NEXT_POINT = re.compile(r"(?:;|(?<=[.!?]))\s+")


@dataclass(frozen=True)
class Point:
    """What a refusal says about one subject, as written ("end_user_email: Invalid email. It
    must have an @.")."""

    words: str
    fields: tuple[str, ...]  # the form's fields it names
    # It refuses only parts of the request the form does not have, or its one field only for
    # the kind of value the program sent (``_sent_in_a_wrong_form``): nothing typed mends it.
    off_the_form: bool


def points(words: str, sent: tuple[str, ...] = ()) -> list[Point]:
    """``words`` (a refusal in words) cut into its points: a new point starts after a
    semicolon or a sentence's end when what follows is about a form field or a part of the
    request; anything else goes on about the subject before it ("It must have an @.").
    ``sent``: the values the request sent."""
    pieces: list[str] = []
    start = 0
    for separator in _NEXT_POINT.finditer(words):
        following = _NEXT_POINT.split(words[separator.end() :], maxsplit=1)[0]
        if _fields_in(following) or _names_a_part_not_on_the_form(following, sent):
            pieces.append(words[start : separator.start()])
            start = separator.end()
    pieces.append(words[start:])
    return [_point(piece, sent) for piece in pieces if piece.strip()]


def _point(words: str, sent: tuple[str, ...]) -> Point:
    fields = _fields_in(words)
    if fields:
        return Point(words, fields, _sent_in_a_wrong_form(words, fields))
    return Point(
        words,
        fields,
        _names_a_part_not_on_the_form(words, sent) or _is_a_bare_verdict(words),
    )


def _is_a_bare_verdict(words: str) -> bool:
    """Whether ``words``, a point naming no field, are a schema checker's bare verdicts
    (``_BARE_VERDICT``: "Required", "Expected object, received string") or zod's length
    verdicts, here about the request as a whole: quoted next to a field's point ("Kombo also
    said: “Required”"), they were jargon, and nothing on the form mends what the program sent.
    Each of its pieces is judged on its own: several such issues, listed together, are one
    point ("Required; Expected object, received string")."""
    pieces = [_without_closing_marks(piece) for piece in _NEXT_POINT.split(words)]
    pieces = [piece for piece in pieces if piece]
    return bool(pieces) and all(_is_a_verdict_about_no_field(piece) for piece in pieces)


def _is_a_verdict_about_no_field(piece: str) -> bool:
    """Whether ``piece`` is a bare verdict (``_BARE_VERDICT``) or zod's length verdict, which
    about no field points at nothing on the form to shorten or fill in ("At most 5
    characters")."""
    return (
        _BARE_VERDICT.fullmatch(piece) is not None
        or _LENGTH_VERDICT_ALONE.fullmatch(piece) is not None
    )


def _sent_in_a_wrong_form(words: str, fields: tuple[str, ...]) -> bool:
    """Whether ``words`` refuse their one field only for the kind of value it was sent as (a
    type verdict, "Expected string, received number": ``NOT_IN_THE_EXPECTED_FORM``). The
    program chose that kind, not the person: "Check the fields" sent them to a field they
    could not mend."""
    reason = _reason_of(words, fields)
    return reason is not None and not reason.kombo and set(reason.own) == {_IN_A_WRONG_FORM}


def run_on(texts: list[str]) -> str:
    """``texts`` said one after the other, as a refusal runs its points on: after a
    sentence's end with a space, otherwise with "; "."""
    said = texts[0]
    for more in texts[1:]:
        said += f" {more}" if said.endswith((".", "!", "?")) else f"; {more}"
    return said


def what_it_says_about(words: str, field: str, sent: tuple[str, ...] = ()) -> str:
    """What ``words`` (a refusal in words) say about ``field``, in the form's words: the
    field's own points, without the field's name, which its label says, and starting with a
    capital letter, as the mark under the field starts a sentence. A point about
    several fields together has the refusal said whole, but for its points about parts of the
    request the form does not have, which no one at the form can mend."""
    about = _points_about(words, field, sent)
    if about is None:
        on_the_form = [point for point in points(words, sent) if not point.off_the_form]
        said = run_on([point.words for point in on_the_form]) if on_the_form else words
        return in_form_words(said)
    return as_a_sentence(run_on([_without_the_field_name(point.words) for point in about]))


def _points_about(words: str, field: str, sent: tuple[str, ...]) -> list[Point] | None:
    """The points of ``words`` (a refusal in words) about ``field``, or None when the refusal
    is to be said whole about it (``what_it_says_about``): it has none, or one of them is
    about other fields too."""
    on_the_form = [point for point in points(words, sent) if not point.off_the_form]
    about = [point for point in on_the_form if field in point.fields]
    if not about or any(point.fields != (field,) for point in about):
        return None
    return about


# An ordinary word at the start of Kombo's words ("please use …"), which may take a capital
# letter as a sentence's first word: not an abbreviation, address or name ("e.g.", "http://",
# "iPhone", "foo:"), which a capital would change inside the quotes that say they are Kombo's.
_ORDINARY_FIRST_WORD = re.compile(r"[a-z]+(?=[\s,;!?]|$)")


def as_a_sentence(words: str) -> str:
    """``words`` starting with a capital letter, as a sentence of their own does, when they
    start with an ordinary word (``_ORDINARY_FIRST_WORD``); else as they are."""
    if _ORDINARY_FIRST_WORD.match(words) is None:
        return words
    return words[:1].upper() + words[1:]


def _without_the_field_name(words: str) -> str:
    """``words`` about one field without its path and colon at their start
    ("end_user_email: Invalid email" -> "Invalid email", "body.language: not offered" -> "not
    offered"); in the form's words, whole, when they do not start with them. A one-word
    field's name ("language") counts only there, before its colon (``_ONE_WORD_FIELD_PATH``)."""
    return _after_the_field_name(words) or in_form_words(words)


def _after_the_field_name(words: str) -> str | None:
    """What ``words`` say after the field's path and colon they start with, stripped; None
    when they do not start with them, or say nothing after them."""
    leading = _leading_field_name(words)
    return (words[leading.end() :].strip() or None) if leading is not None else None


def _leading_field_name(words: str) -> re.Match[str] | None:
    """The field's path and colon at the start of ``words``, if they start with them."""
    return _FIELD_PATH_AND_COLON.match(words) or _ONE_WORD_FIELD_PATH.match(words)


# --- A schema checker's wording, in plain words -----------------------------------------------

# zod's length verdicts ("String must contain at most 100 character(s)"): "character(s)" is
# developer shorthand, and the number is what the person needs to mend the field. Said in the
# program's words only where it leads what a point says of its field (``_LEADING_VERDICT``) or
# is a sentence of its own (``_own_predicate``): swapped within Kombo's words, it put the
# program's words inside Kombo's quotes ("At most 100 characters, unless you use an embedded
# link").
_ZODS_LENGTH_WORDS = (
    r"string[ ]must[ ]contain[ ](?:at[ ]most|at[ ]least|exactly)[ ]\d+[ ]character\(s\)"
)
_LENGTH_VERDICT_ALONE = re.compile(_ZODS_LENGTH_WORDS, re.IGNORECASE)
_LENGTH_VERDICT = re.compile(
    r"\bstring must contain (?P<bound>at most|at least|exactly) (?P<count>\d+) character\(s\)",
    re.IGNORECASE,
)
# zod's "Invalid email" (v4: "Invalid email address"), and pydantic's "value is not a valid
# email address" and Symfony's "This value is not a valid email address.": said in the program's
# words only when it is all a point says of its field or Kombo goes on with a sentence of its
# own (``_LEADING_VERDICT``). Swapped wherever it stood, it garbled Kombo's sentence ("This Not a
# valid e-mail address.") or put the program's words inside Kombo's quotes ("Not a valid e-mail
# address, unless it is a test account").
_VALIDATORS_INVALID_EMAIL = r"""
    (?:invalid[ ]email(?:[ ]address)?
      |(?:(?:this|the)[ ])?value[ ]is[ ]not[ ]a[ ]valid[ ]email(?:[ ]address)?)
"""
# zod's type verdict ("Expected string, received number"): the program sent the wrong kind of
# value, nothing the person typed; the types' names are jargon to them. Said in the program's
# words where the length verdict is, for the same reason.
_VALUE_TYPES = (
    r"(?:string|number|integer|float|bigint|boolean|date|symbol|undefined|null|void|nan"
    r"|object|array|function|map|set|promise|unknown|never)"
)
_ZODS_TYPE_WORDS = rf"expected[ ]{_VALUE_TYPES},?[ ]received[ ]{_VALUE_TYPES}"
_TYPE_VERDICT = re.compile(rf"\b{_ZODS_TYPE_WORDS}\b", re.IGNORECASE | re.VERBOSE)
# What the type verdict is said as.
NOT_IN_THE_EXPECTED_FORM = "Not in the form Kombo expects"


# What a verdict that a field is empty is said as: zod's "at least 1 character(s)" and its
# "Required" (``_verdict_in_plain_words``).
_CANNOT_BE_EMPTY = "It cannot be empty"
# A schema checker's verdict on a field left out or empty: zod's "Required", pydantic's "Field
# required" (older: "field required"), Django's "This field is required".
_REQUIRED_WORDS = r"(?:(?:this[ ])?field[ ](?:is[ ])?)?required"


def _length_in_words(match: re.Match[str]) -> str:
    """A length verdict with its number kept: "At most 100 characters", "It cannot be empty"."""
    bound, count = match.group("bound").lower(), int(match.group("count"))
    if bound == "at least" and count == 1:
        return _CANNOT_BE_EMPTY
    characters = "character" if count == 1 else "characters"
    return f"{bound[:1].upper()}{bound[1:]} {count} {characters}"


def _in_plain_words(words: str) -> str:
    """``words`` with zod's length and type verdicts said plainly: "String must contain at most
    100 character(s)" -> "At most 100 characters", "Expected string, received number" -> "Not
    in the form Kombo expects". They were shown under the field as they came, on a screen the
    customer watches. Used only on a verdict that leads what Kombo said of a field
    (``_said_for``, which ``is_quotable_refusal`` measures through) or is a sentence of its own
    (``_own_predicate``), never on words to be quoted: swapped within Kombo's words, the
    program's words stood inside Kombo's quotes ("At most 100 characters, unless you use an
    embedded link"). Kombo's own words stay in the details for support."""
    words = _LENGTH_VERDICT.sub(_length_in_words, words)
    return _TYPE_VERDICT.sub(NOT_IN_THE_EXPECTED_FORM, words)


# --- The program's own words, said as its own sentence -----------------------------------------

# A verdict as the program says it (``_in_plain_words``, ``_said_for``).
_OWN_VERDICT_WORDS = r"""
    (?:(?P<bound>at[ ]most|at[ ]least|exactly)[ ](?P<count>\d+)[ ]characters?
      |(?P<empty>it[ ]cannot[ ]be[ ]empty)
      |(?P<email>not[ ]a[ ]valid[ ]e-mail[ ]address)
      |(?P<form>not[ ]in[ ]the[ ]form[ ]kombo[ ]expects))   # NOT_IN_THE_EXPECTED_FORM
"""
# That verdict being the whole of a sentence: the program wrote those words, and quoting them
# after "Kombo did not accept this:" put them in Kombo's mouth.
_OWN_VERDICT = re.compile(_OWN_VERDICT_WORDS + r"\s*[.!]?\s*", re.IGNORECASE | re.VERBOSE)
# What a field is for each verdict but a length, said after the field's name or "it".
_IN_A_WRONG_FORM = "is not in the form Kombo expects"
_OWN_PREDICATES = {
    "empty": "cannot be empty",
    "email": "is not a valid e-mail address",
    "form": _IN_A_WRONG_FORM,
}
# What a field is for a length verdict, with the bound it missed: "is too long (at most 100
# characters)".
_LENGTH_PREDICATES = {"at most": "is too long", "at least": "is too short"}


def _own_predicate(sentence: str) -> str | None:
    """What ``sentence``, when it is a verdict in the program's words, or zod's length or type
    verdict and nothing else (``_in_plain_words``), says of the field, to follow "it" or the
    field's name: "At most 100 characters" -> "is too long (at most 100 characters)", "Not a
    valid e-mail address" -> "is not a valid e-mail address"."""
    match = _OWN_VERDICT.fullmatch(_in_plain_words(sentence))
    if match is None:
        return None
    for group, predicate in _OWN_PREDICATES.items():
        if match.group(group):
            return predicate
    bound, count = match.group("bound").lower(), match.group("count")
    characters = "character" if count == "1" else "characters"
    if bound not in _LENGTH_PREDICATES:
        return f"must have exactly {count} {characters}"
    return f"{_LENGTH_PREDICATES[bound]} ({bound} {count} {characters})"


# --- A verdict Kombo goes on from -------------------------------------------------------------

# A verdict starting what a point says about its field: one the program says in its own words
# (``_OWN_VERDICT_WORDS``), a schema checker's "Required" (``_REQUIRED_WORDS``), a validator's
# sentence that the value is no e-mail address (``_VALIDATORS_INVALID_EMAIL``) or zod's length
# or type verdict (``_ZODS_LENGTH_WORDS``, ``_ZODS_TYPE_WORDS``), then how
# Kombo goes on: not at all, with a new sentence, or after a comma or colon ("Not a valid
# e-mail address, please use a company address"). Within a longer sentence ("Required for HRIS
# links") the verdict is part of a sentence of Kombo's.
_LEADING_VERDICT = re.compile(
    rf"""
    (?:(?P<required>{_REQUIRED_WORDS})
      |(?P<invalid_email>{_VALIDATORS_INVALID_EMAIL})
      |(?P<zods_length>{_ZODS_LENGTH_WORDS})
      |(?P<zods_type>{_ZODS_TYPE_WORDS})
      |(?P<own>{_OWN_VERDICT_WORDS}))
    (?:(?P<whole>\s*[.!]?\s*$)|(?P<sentence_end>[.!]\s+)|(?P<colon>\s*:\s*)|\s*,\s*)
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Words a sentence of advice starts with ("please use a company address", "ask your customer
# for it"): after a verdict's comma they start a sentence of their own, not a condition on it.
# Not "use", which starts many a phrase ("use case dependent").
_ADVICE_OPENER = re.compile(r"(?:please|ask|enter|try|check|contact|choose|fill)\b", re.IGNORECASE)
# How a sentence explaining a verdict starts after its colon ("An email address must have an
# @-sign.", pydantic's words after its verdict): an article with a capital, no name ("Acme
# already has a link"), abbreviation ("Inc.", "HRIS") nor pronoun ("It may also be left
# empty"), which may carry the verdict on.
_EXPLANATION_OPENER = re.compile(r"(?:An?|The|There)[ ]")
# How few words a sentence explaining a verdict has at least: fewer are a scrap ("The address").
_EXPLANATION_WORDS = 3
# Words that put a condition on a verdict wherever they stand in Kombo's words after it
# ("Required. Only for HRIS links", "Required, please fill it in unless …"): the verdict said
# alone in the program's words would leave the condition out.
_CONDITION_WORD = re.compile(r"\b(?:unless|only|except|but|or|if|when|provided)\b", re.IGNORECASE)


def _verdict_in_plain_words(verdict: str) -> str | None:
    """``verdict``, what a point says about its one field after the field's name, with a
    verdict starting it (``_LEADING_VERDICT``) said as a sentence of its own in the program's
    words when it is the whole of it, or when Kombo goes on from it with a sentence of its own
    (``_goes_on_with_a_sentence_of_its_own``): then only Kombo's words after it are quoted
    (``_parted``). Quoted whole, the verdict was said twice, once in the program's words and
    once inside Kombo's quotes, and a schema checker's "Required" was quoted where "at least 1
    character(s)" for the same field was the program's "cannot be empty". None where Kombo
    carries the verdict on ("Required, unless …", "String must contain at most 100
    character(s), unless …", "Invalid email. Expected string, received number"): it is
    Kombo's whole, to be quoted as written. Said alone, the verdict would leave out what Kombo
    attached to it; said in the program's words inside Kombo's quotes, it would put words in
    Kombo's mouth; and parted sentence by sentence, a bare verdict after it was said as the
    program's verdict and the one before it quoted alone ("Kombo also said: “Required.”").
    ``verdict`` as written where no verdict starts it. Only here, not on the whole refusal:
    about no field, "Required" is no verdict on a field the person can fill in, and a verdict
    swapped within Kombo's sentence is quoted as Kombo's."""
    verdict = verdict.strip()
    leading = _LEADING_VERDICT.match(verdict)
    if leading is None:
        return verdict
    said = _said_for(leading)
    if leading.group("whole") is not None:
        return said
    rest = verdict[leading.end() :]
    if not _goes_on_with_a_sentence_of_its_own(rest, leading):
        return None
    again = _whole_verdict_said_plainly(rest)
    return f"{said}. {rest if again is None else _said_for(again)}"


def _said_for(leading: re.Match[str]) -> str:
    """The program's words for the verdict ``leading`` (``_LEADING_VERDICT``) found."""
    if leading.group("required"):
        return _CANNOT_BE_EMPTY
    if leading.group("invalid_email"):
        return "Not a valid e-mail address"
    zods = leading.group("zods_length") or leading.group("zods_type")
    if zods:
        return _in_plain_words(zods)
    return leading.group("own")


def _goes_on_with_a_sentence_of_its_own(rest: str, leading: re.Match[str]) -> bool:
    """Whether ``rest``, Kombo's words after the verdict ``leading`` (``_LEADING_VERDICT``), can be
    quoted on their own: the same verdict again, even a bare one
    (``_is_the_same_verdict_again``; said once by ``_parted``), another verdict that is not a
    bare one, such as a validator's e-mail verdict or zod's length verdict
    (``_whole_verdict_said_plainly``), or a sentence of Kombo's with no condition on the
    verdict in it (``_CONDITION_WORD``): advice ("please use …",
    ``_ADVICE_OPENER``), any sentence after a sentence's end, or after a colon a whole sentence
    explaining it (``_explains``). Anything else may carry the verdict on ("Required, unless …",
    "Required. Only for HRIS links", "Exactly 5 characters: It may also be left empty", "Required,
    Inc. already has a link"), and is left in Kombo's sentence; so are punctuation or a word of
    advice alone ("Required, ...", "Required, please."), another part of the request ("Required,
    foo_bar: bad") and a schema checker's bare verdict ("Invalid email, Required", "Invalid
    email, Expected string, received number"), jargon when quoted alone."""
    if not re.search(r"\w", rest) or _starts_with_a_path(rest):
        return False
    if _is_the_same_verdict_again(rest, leading):
        return True
    if _BARE_VERDICT.fullmatch(_without_closing_marks(rest)):
        return False
    if _OWN_VERDICT.fullmatch(rest) or _whole_verdict_said_plainly(rest) is not None:
        return True
    if _CONDITION_WORD.search(rest):
        return False
    advice = _ADVICE_OPENER.match(rest)
    if advice is not None:
        return re.search(r"\w", rest[advice.end() :]) is not None
    if leading.group("sentence_end") is not None:
        return True
    return leading.group("colon") is not None and _explains(rest)


def _is_the_same_verdict_again(rest: str, leading: re.Match[str]) -> bool:
    """Whether ``rest``, Kombo's words after the verdict ``leading``, are that verdict again,
    whole ("Expected string, received number. Expected string, received number"): said once
    in the program's words (``_parted``), it adds nothing to quote, bare or not. Quoted, the
    type verdict said twice was jargon, and its field marked for the person to mend, though
    the program chose the kind of value it sent."""
    again = _whole_verdict_said_plainly(rest)
    return again is not None and _said_for(again) == _said_for(leading)


def _whole_verdict_said_plainly(words: str) -> re.Match[str] | None:
    """``words`` as a verdict ``_LEADING_VERDICT`` knows, when they are nothing else ("Invalid
    email", zod's length verdict): after a verdict, it is said in the program's words too
    (once, when it is the same: ``_parted``), not quoted as Kombo's. A bare verdict ("Required",
    zod's type verdict) comes here only as the verdict before it again
    (``_is_the_same_verdict_again``): else ``_goes_on_with_a_sentence_of_its_own`` looks for
    ``_BARE_VERDICT`` first and keeps it quoted in Kombo's sentence, jargon when said alone."""
    leading = _LEADING_VERDICT.match(words)
    return leading if leading is not None and leading.group("whole") is not None else None


def _explains(rest: str) -> bool:
    """Whether ``rest``, Kombo's words after a verdict's colon, start with a whole sentence
    explaining it (``_EXPLANATION_OPENER``, ``_EXPLANATION_WORDS``), not a scrap of one."""
    if _EXPLANATION_OPENER.match(rest) is None:
        return False
    first_sentence = re.split(r"[.!?](?:\s|$)", rest, maxsplit=1)[0]
    return len(first_sentence.split()) >= _EXPLANATION_WORDS


def _starts_with_a_path(words: str) -> bool:
    """Whether ``words`` start with a form field's path and its colon, or with a path no one
    writes in prose (``_looks_like_an_api_name``) and its colon: another subject."""
    if _leading_field_name(words) is not None:
        return True
    leading = _REFUSED_PATH.match(words)
    return leading is not None and _looks_like_an_api_name(leading.group("path"))


@dataclass(frozen=True)
class Reason:
    """What a refusal says about one field, parted: the verdicts said in the program's own
    words (``_in_plain_words``), as what the field is or can ("cannot be empty"), to be said as
    the program's sentence; and Kombo's other words, to be quoted ("" when there are none)."""

    own: tuple[str, ...]
    kombo: str


def _parted(reason: str) -> Reason:
    """``reason`` parted, sentence by sentence, into the program's words and Kombo's; all
    Kombo's when a sentence of Kombo's puts a condition on the verdicts (``_CONDITION_WORD``:
    "Exactly 5 characters. Unless you make an embedded link."). Kombo's words as written."""
    own: list[str] = []
    kombo: list[str] = []
    for sentence in _NEXT_POINT.split(reason):
        if not sentence.strip():
            continue
        predicate = _own_predicate(sentence)
        if predicate is None:
            kombo.append(sentence.strip())
        else:
            own.append(predicate)
    if own and any(_CONDITION_WORD.search(sentence) for sentence in kombo):
        return Reason((), reason.strip())
    # A verdict Kombo says twice ("Invalid email, Invalid email") is said once.
    return Reason(tuple(dict.fromkeys(own)), run_on(kombo) if kombo else "")


def reason_about(words: str, field: str, sent: tuple[str, ...] = ()) -> Reason:
    """What ``words`` (a refusal in words) say about ``field`` (``what_it_says_about``),
    parted into the program's words and Kombo's. Said whole, it is all Kombo's. Each point is
    parted on its own, as the status line parts them: parted together, a condition in one
    point ("…, unless embedded") had the others quoted with it, the program's words inside
    Kombo's quotes ("…, unless embedded; It cannot be empty"), while the status line said
    them as the program's sentence. A field Kombo names again in its words is named as the
    form names it, as on the status line: under the field, "end_user_email is already in use"
    gave the API's name where the status line said "e-mail address"."""
    about = _points_about(words, field, sent)
    if about is None:
        return Reason((), what_it_says_about(words, field, sent))
    reasons = [_parts_said_of_its_field(point) for point in about]
    own = tuple(dict.fromkeys(verdict for reason in reasons for verdict in reason.own))
    kombo = [reason.kombo for reason in reasons if reason.kombo]
    return Reason(own, in_form_words(as_a_sentence(run_on(kombo))) if kombo else "")


def _parts_said_of_its_field(point: Point) -> Reason:
    """What ``point``, about one field, says of it (``_reason_of``), Kombo's words as written;
    all Kombo's, whole, in the form's words, when it does not start with the field's name
    (``_without_the_field_name``): then what follows a verdict is not known to be said of the
    field."""
    reason = _reason_of(point.words, point.fields)
    return reason if reason is not None else Reason((), in_form_words(point.words))


def point_reason(point: Point) -> Reason | None:
    """What ``point`` says about its one field, parted as ``reason_about`` does, Kombo's words
    as written: the callers start them as a sentence (``as_a_sentence``) where they start a
    quote. None when it is about several fields, or does not start with its field's name, and
    is Kombo's whole."""
    return _reason_of(point.words, point.fields)


def _reason_of(words: str, fields: tuple[str, ...]) -> Reason | None:
    """What ``words``, a point naming ``fields``, say about their one field (``point_reason``),
    parted (``_parted``), or all Kombo's where Kombo carries its leading verdict on
    (``_verdict_in_plain_words``). Kombo's words as written: a point after another one goes on
    from it, and a capital on its first word changed Kombo's words inside the quotes ("…; Must
    belong to …"); the callers start them as a sentence where they start a quote."""
    named = _field_name_and_what_follows(words, fields)
    if named is None:
        return None
    said = named[1]
    plain = _verdict_in_plain_words(said)
    return Reason((), said) if plain is None else _parted(plain)


def _field_name_and_what_follows(words: str, fields: tuple[str, ...]) -> tuple[str, str] | None:
    """``words``, a point naming ``fields``, as their one field's path and colon as written
    and what they say after them, stripped; None when they name several fields, do not start
    with the field's name, or say nothing after it."""
    leading = _leading_field_name(words) if len(fields) == 1 else None
    if leading is None:
        return None
    said = words[leading.end() :].strip()
    return (words[: leading.end()], said) if said else None


# --- Refusals that give no reason ------------------------------------------------------------

# A schema checker's verdict that names no part of the request ("Expected string, received
# null", "Required", "Invalid input"): quoted, it reads as jargon and says nothing the general
# sentence does not. Kombo's words are read as written (``refusal_in_words``), so "not in the
# form Kombo expects" is found only should Kombo itself use the program's words for it.
_BARE_VERDICT = re.compile(
    rf"""
    (?:invalid[ ]input\s*[:,.;-]?\s*)?          # zod's heading: "Invalid input: "
    (?:expected[ ][\w ]+?,?[ ]received[ ][\w ]+
      |not[ ]in[ ]the[ ]form[ ]kombo[ ]expects      # the same, in the program's words
      |{_REQUIRED_WORDS}|invalid[ ]input|invalid[ ]value|invalid[ ]type)
    """,
    re.IGNORECASE | re.VERBOSE,
)
# "Conflict", "405 Method Not Allowed": an answer's status phrase, which a person would take
# for an explanation.
_STATUS_PHRASES = frozenset(status.phrase.lower() for status in HTTPStatus)
# "400", "HTTP 409", "Request failed with status code 409": an answer's status number.
_STATUS_NUMBER = re.compile(
    r"(?:request failed with status code|status code|status|http error|http|error)?\s*\d{3}\s*",
    re.IGNORECASE,
)
# The status number before a status phrase: "400 Bad Request".
_LEADING_STATUS_NUMBER = re.compile(r"^\d{3}\s+")


def _without_closing_marks(message: str) -> str:
    return message.strip().rstrip(".!").strip()


def names_only_a_status(message: str) -> bool:
    """Whether ``message`` says nothing but the answer's HTTP status, as a number or phrase."""
    words = _without_closing_marks(message)
    if _STATUS_NUMBER.fullmatch(words):
        return True
    return _LEADING_STATUS_NUMBER.sub("", words).lower() in _STATUS_PHRASES


def says_no_reason(words: str) -> bool:
    """Whether ``words`` (a refusal in words) give no reason the person could act on: they
    only name the answer's status ("Bad Request", "400 Bad Request") or are schema checkers'
    verdicts about no field (``_is_a_bare_verdict``: "Expected string, received null",
    "Required; Invalid input", "String must contain at most 5 character(s)")."""
    words = _without_closing_marks(words)
    return names_only_a_status(words) or (not _fields_in(words) and _is_a_bare_verdict(words))


# --- Lists of issues in JSON -------------------------------------------------------------------

# A JSON escape other than \" in a list of issues: decoded, it could put back together a key
# that was masked in Kombo's words as they came (a "\u0073" for an "s").
_ESCAPE_OTHER_THAN_A_QUOTE = re.compile(r'\\[^"]')


def refusal_in_words(kombo_message: str) -> str:
    """``kombo_message`` as a refusal in sentences. Kombo's message may be a schema checker's
    issues as JSON (zod's ``[{"path": ["end_user_email"], "message": "Invalid email"}]``, or
    the same under ``"issues"``), which is no sentence to quote and was answered with the
    general one, though it named the field: it is said the way the rest of this module reads
    refusals, "end_user_email: Invalid email; ...", the issues about the request as a whole
    first, so that none is read as said of a field. A list with an issue whose shape is
    unknown comes back as it was (and is then not quoted). Kombo's words are kept as written:
    what is quoted of them is Kombo's, and a verdict is said in the program's words only where
    it leads what is said of a field (``_verdict_in_plain_words``)."""
    text = kombo_message.strip()
    if not text.startswith(("[", "{")):
        return kombo_message
    if _ESCAPE_OTHER_THAN_A_QUOTE.search(text):
        return kombo_message
    try:
        parsed: object = json.loads(text)
    except (ValueError, RecursionError):
        return kombo_message
    if isinstance(parsed, dict):  # a whole error object, as zod's ZodError serialises
        parsed = parsed.get("issues", parsed.get("errors"))
    if not isinstance(parsed, list) or not parsed:
        return kombo_message
    # The issues about the request as a whole come first: after a field's issue, such an issue
    # read as going on about that field (``points``), "the organisation name is too long (at
    # most 100 characters) and is too long (at most 5 characters)".
    ordered = sorted(parsed, key=lambda issue: not _about_the_whole_request(issue))
    issues = [_issue_in_words(issue) for issue in ordered]
    said = "; ".join(issue for issue in issues if issue is not None)
    if None in issues or unsafe_to_show(said, None):
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


def _about_the_whole_request(issue: object) -> bool:
    """Whether ``issue``, one of a list, is about the request as a whole: its path is empty
    or names only what holds the request's fields (``_issue_path``)."""
    return isinstance(issue, dict) and _issue_path(issue) == ""


# What a path names when it names only what holds the request's fields: pydantic's (FastAPI's)
# "body" (its fields' paths are "body.end_user_email"). Said as "body: …", it was read as
# going on about the field listed before it, and "body" is no word of the person's.
_WHOLE_REQUEST_PATHS = frozenset({"body"})


def _issue_path(issue: dict[str, object]) -> str | None:
    """The path of what ``issue`` is about, written as refusals in words write it
    ("end_user.email", "integration_tool.0"); "" for the request as a whole (no path, or
    ``_WHOLE_REQUEST_PATHS``); None when the path has a shape this module does not know."""
    path = _written_path(issue)
    return "" if path in _WHOLE_REQUEST_PATHS else path


def _written_path(issue: dict[str, object]) -> str | None:
    """The path ``issue`` gives, as refusals in words write it (``_issue_path``)."""
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
