"""The integration id a reconnection link is made for: its rules, said in plain words, the
id to offer when a web address, quotes, words or a sentence's punctuation were copied around
it, and the tool it names.

Kombo's ids are ``<tool>:<identifier>`` (``personio:93fCvorjZ2jas7ZekX1V1n5d``), copied from the
Kombo dashboard; the id becomes part of the request's web address, so only characters safe
there pass. The invisible characters copying brings along are dropped (``integration_id_as_sent``).
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from kombo_desktop.core.catalog import is_tool_id
from kombo_desktop.core.errors import WHO_MANAGES_KOMBO
from kombo_desktop.core.field_text import refuses_keys
from kombo_desktop.core.letters import without_invisible_formatting

# Longer than any real id; a longer one is almost always a paste of the wrong thing.
MAX_INTEGRATION_ID = 200

_EXAMPLE_INTEGRATION_ID = "personio:93fCvorjZ2jas7ZekX1V1n5d"

# Besides plain letters and digits, what the part after the colon holds (all safe in an address).
_ID_SYMBOLS = frozenset("_.~-")

# Quotes copied around an id from a chat or a document.
_QUOTES = "\"'`“”‘’„«»"

# What may stand right before or after an id among words: quotes, brackets, a comma.
_AROUND_A_WORD = _QUOTES + "()[]{}<>,;"

# The punctuation that ends a sentence or a clause, copied along when the id was its last word
# ("The id is personio:93fC...."). None of it ends a Kombo id: the part after the colon is a
# token of letters and digits (every id in Kombo's reference: personio:93fCvorjZ2jas7ZekX1V1n5d,
# factorial:8d1hpPsbjxUkoCoa1veLZGe5). A full stop may stand inside an id (``_ID_SYMBOLS``),
# so only at the end is it taken for the sentence's; sent with it, Kombo knows no such id.
_SENTENCE_END = ".:!?…"

# What may stand right after an id: the above, and the sentence's own punctuation after them.
_AFTER_A_WORD = _AROUND_A_WORD + _SENTENCE_END


def integration_id_as_sent(text: str) -> str:
    """``text`` as the id is checked, looked up and sent: trimmed, and without the invisible
    format characters (Unicode's category Cf: a zero-width space, word joiner, byte order
    mark, soft hyphen, direction marks) that copying from a web page, a wiki, a chat or an
    e-mail brings along. An id never holds one, and they show as nothing: refused, the
    person could only copy the id again, and with it the same character. The field keeps
    what was pasted, as the other fields do (``field_text.sent_text``)."""
    return without_invisible_formatting(text).strip()


def integration_tool(integration_id: str) -> str | None:
    """The tool an integration id names: Kombo's ids are ``<tool>:<identifier>``
    (``personio:93f...`` -> ``personio``). None when the id has no tool part."""
    tool, colon, _identifier = integration_id_as_sent(integration_id).partition(":")
    return (tool.strip() or None) if colon else None


def _id_in_pasted_form(text: str) -> str | None:
    """The one integration id in a web address copied from a browser (its path or query,
    percent-encoded or not), between quotes or brackets, followed by a sentence's punctuation
    ("personio:...."), or among words (a label, "Integration ID: personio:...", a sentence, or
    a table row copied with it); None when there is not exactly one good id."""
    if any(ch.isspace() for ch in text):
        return _id_among_words(text)
    inner = _without_marks_around(text)
    if "://" in inner:
        address = urlsplit(inner)
        pieces = address.path.split("/") + [
            value for pair in address.query.split("&") for value in pair.split("=")[1:]
        ]
        found = {unquote(piece) for piece in pieces if piece}
        ids = {piece for piece in found if integration_id_problem(piece) is None}
        return ids.pop() if len(ids) == 1 else None
    if inner != text and inner and integration_id_problem(inner) is None:
        return inner
    return None


def _without_marks_around(word: str) -> str:
    """``word`` without the quotes and brackets around it and the punctuation after it, none of
    which an integration id begins or ends with."""
    return word.lstrip(_AROUND_A_WORD).rstrip(_AFTER_A_WORD)


def _id_among_words(text: str) -> str | None:
    """The one integration id among the words of ``text`` (split at spaces, tabs and line
    breaks), each word perhaps in quotes or brackets or followed by punctuation, or a web
    address holding it."""
    found: set[str] = set()
    for word in text.split():
        word = _without_marks_around(word)
        if not word:
            continue
        if integration_id_problem(word) is None:
            found.add(word)
        elif (inside := _id_in_pasted_form(word)) is not None:
            found.add(inside)
    return found.pop() if len(found) == 1 else None


def suggested_integration_id(text: str) -> str | None:
    """The integration id Kombo accepts that ``text`` stands for, when ``text`` is refused but
    holds exactly one (a copied web address, quotes or words around the id); else None. The
    form offers it as a one-click fix, the message names it."""
    text = integration_id_as_sent(text)
    if not text or len(text) > MAX_INTEGRATION_ID or integration_id_problem(text) is None:
        return None
    return _id_in_pasted_form(text)


@refuses_keys
def integration_id_problem(integration_id: str) -> str | None:
    """Why ``integration_id`` is not an id Kombo takes, or ``None``; when a web address,
    quotes or words were copied around one, the message names it. Checked as it is sent
    (``integration_id_as_sent``)."""
    integration_id = integration_id_as_sent(integration_id)
    example = f"like {_EXAMPLE_INTEGRATION_ID}"
    if not integration_id:
        return (
            f"Enter the integration id from the Kombo dashboard, {example}, or ask "
            f"{WHO_MANAGES_KOMBO} for it."
        )
    if len(integration_id) > MAX_INTEGRATION_ID:
        return (
            f"The integration id is too long (at most {MAX_INTEGRATION_ID} characters). "
            f"Copy only the id from the Kombo dashboard, {example}."
        )
    found = _id_in_pasted_form(integration_id)
    if found is not None and _words_besides(integration_id, found):
        return f"Enter only the integration id, {found}, without the words around it."
    if "://" in integration_id:
        if found is not None:
            return (
                f"This is a web address. Enter only the integration id in it, {found}, without "
                "the rest."
            )
        return f"This is a web address. Paste only the integration id, {example}."
    if found is not None:
        marks = _marks_besides(integration_id, found)
        return f"Enter only the integration id, {found}, without {marks}."
    if any(ch.isspace() for ch in integration_id):
        return f"The integration id can't contain spaces. Copy it again, {example}."
    tool, colon, identifier = integration_id.partition(":")
    if not colon or not tool or not identifier:
        return (
            f"The integration id starts with the tool's name and a colon, {example}. Copy the "
            "whole id from the Kombo dashboard."
        )
    # The id becomes part of the request's web address, so only address-safe characters pass.
    if not is_tool_id(tool) or not all(
        (ch.isascii() and ch.isalnum()) or ch in _ID_SYMBOLS for ch in identifier
    ):
        return (
            f"The integration id contains characters an id can't have. Copy it again from the "
            f"Kombo dashboard, {example}."
        )
    return None


def _words_besides(text: str, found: str) -> bool:
    """Whether ``text`` holds words besides ``found`` (a label, a table row's other cells),
    not only quotes and spaces around it."""
    if not any(ch.isspace() for ch in text):
        return False  # a web address, or the id in quotes
    return any(not ch.isspace() and ch not in _AFTER_A_WORD for ch in text.replace(found, ""))


def _marks_besides(text: str, found: str) -> str:
    """What ``text`` holds besides the id ``found`` and spaces (quotes, brackets, a sentence's
    punctuation), named for the message: "the full stop after it" says what to take away where
    "the quotes around it" would leave the person looking for quotes."""
    before, _found, after = text.partition(found)
    marks = "".join((before + after).split())
    if all(ch in _QUOTES for ch in marks):
        return "the quotes around it"
    if before.strip():
        return "the punctuation around it"
    return "the full stop after it" if marks == "." else "the punctuation after it"
