"""Text that came over the network, made fit to show to a person and to write to the log.

Nothing in an answer is trusted: a proxy, a captive portal or a broken server can send control
characters, bidi overrides, kilobytes of HTML, or the API key itself echoed back. Every piece of
an answer that reaches a message, the support details or the log passes through ``clean_text``
first; ``unsafe_to_show`` decides what must not be shown at all (a link, a tool name).
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise
from urllib.parse import unquote

from kombo_desktop.core.logs import (
    MASK,
    MIN_SECRET_LENGTH,
    holds_registered_secret,
    mask_registered_secrets,
    redact,
    redact_would_change,
    secret_finder,
)

__all__ = [
    "MAX_DETAIL_CHARS",
    "MAX_SHORT_CHARS",
    "clean_or_none",
    "clean_text",
    "is_plain_sentence",
    "looks_like_api_key",
    "unsafe_to_show",
    "with_single_quote_marks",
]

# Limits on text taken from answers before it is shown or logged.
MAX_DETAIL_CHARS = 500
MAX_SHORT_CHARS = 200

_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# What sets a pasted key apart from a name (see ``looks_like_api_key``).
_KEY_MIN_LENGTH = 20
_KEY_MIXED_RUN = 16
_KEY_SWITCHES = 8
_LETTERS_OR_DIGITS = re.compile(r"[A-Za-z0-9]+")
# Longer than any registered key (the credential store holds at most 1,280 characters), so a
# key the filter puts back together across the cut is complete when it is masked.
_SECRET_MARGIN = 2048
# What is left out of the copy of a text searched for a broken-up key: every byte but the
# printable ASCII ones (a key is made of those alone, or it is never sent).
_NOT_IN_KEYS = bytes(range(33)) + b"\x7f"


def clean_text(text: str, limit: int = MAX_DETAIL_CHARS, secrets: tuple[str, ...] = ()) -> str:
    """``text`` made safe to show and log: secrets masked, one line, no control or format characters
    (no bidi overrides, zero-width tricks or lone surrogates), at most ``limit`` characters.

    Secrets, ``secrets`` and the registered ones, are masked in every form a server may echo
    them in: in any letter case and percent-encoded (``logs.secret_forms``).

    Secrets are masked in the whole text *before* it is shortened, so no cut can leave a piece of
    a key behind; the character filter then stops as soon as it has enough. They are masked
    again once the invisible characters are gone: what zero-width characters (or any other
    dropped ones) split up is whole again after the filter.

    A key broken up cannot be masked in place: across lines or by spaces, the filter keeps a
    space where the line broke, so neither half matches the key, and each half was shown (a
    page wrapping an echoed "Authorization: Bearer ..." header at 32 columns). So when a key
    turns up in the text once every space, line break, invisible or other character no key
    holds is gone, the whole text is hidden: no piece of it can be told apart as safe.
    """
    if _holds_broken_secret(text, secrets):
        return MASK
    text = _masked(text, secrets)
    # Kept beyond ``limit`` so that a key reassembled across the cut is still masked whole.
    stop = limit + max((len(secret) for secret in secrets), default=0) + _SECRET_MARGIN
    kept: list[str] = []
    space_pending = False
    for ch in text:
        if ch.isspace():
            space_pending = bool(kept)
            continue
        if unicodedata.category(ch) in _DROPPED_CATEGORIES:
            continue
        if space_pending:
            kept.append(" ")
            space_pending = False
        kept.append(ch)
        if len(kept) > stop:
            break
    cleaned = _masked("".join(kept), secrets)
    if len(cleaned) > limit:
        cleaned = cleaned[: max(0, limit - 1)].rstrip() + "…"
    return cleaned


def _holds_broken_secret(text: str, secrets: tuple[str, ...]) -> bool:
    """Whether a key (one of ``secrets`` or a registered one) turns up in ``text`` only once
    everything but printable ASCII is left out: spaces, line breaks, control and invisible
    characters, and any other character no key holds (a key is ASCII, or it is never sent).

    Keys written whole are masked first, so a text that merely quotes one keeps its other words,
    with the key masked in place as before. Byte operations, so a body of a megabyte takes
    milliseconds."""
    own = secret_finder(tuple(secret for secret in secrets if len(secret) >= MIN_SECRET_LENGTH))
    if own is not None:
        text = own.masked(text)
    text = mask_registered_secrets(text)
    squeezed = text.encode("ascii", "ignore").translate(None, _NOT_IN_KEYS).decode("ascii")
    return (own is not None and own.found_in(squeezed)) or holds_registered_secret(squeezed)


def _masked(text: str, secrets: tuple[str, ...]) -> str:
    own = secret_finder(secrets)
    return redact(own.masked(text) if own is not None else text)


def clean_or_none(value: str | None, limit: int, secrets: tuple[str, ...]) -> str | None:
    """``clean_text`` for an optional part of an answer; nothing left reads as unknown."""
    if value is None:
        return None
    return clean_text(value, limit, secrets) or None


# Every mark that opens or closes a double quotation, as the program's own “...” around a
# server's words does, or could pass for its end on screen: straight, curly and low quotes,
# guillemets, and their look-alikes (primes, ditto marks, full-width and ornamental quotes).
# Each becomes its single counterpart, which can only nest inside “...”, never end it.
_SINGLE_FOR_DOUBLE = str.maketrans(
    {
        '"': "'",
        "\uff02": "'",  # ＂ full-width
        "\u02ba": "'",  # ʺ modifier letter double prime
        "\u02dd": "'",  # ˝ double acute accent
        "\u02ee": "'",  # ˮ modifier letter double apostrophe
        "\u05f4": "'",  # ״ Hebrew gershayim
        "\u2033": "\u2032",  # ″ double prime -> ′
        "\u2036": "\u2035",  # ‶ reversed double prime -> ‵
        "\u3003": "'",  # 〃 ditto mark
        "\u201c": "\u2018",  # “ -> ‘
        "\u201d": "\u2019",  # ” -> ’
        "\u201e": "\u201a",  # „ -> ‚
        "\u201f": "\u201b",  # ‟ -> ‛
        "\u2e42": "\u201a",  # ⹂ double low reversed-9 -> ‚
        "\u301d": "\u2018",  # 〝 -> ‘
        "\u301e": "\u2019",  # 〞 -> ’
        "\u301f": "\u201a",  # 〟 -> ‚
        "\u275d": "\u2018",  # ❝ -> ‘
        "\u275e": "\u2019",  # ❞ -> ’
        "\u2760": "\u201a",  # ❠ -> ‚
        "\U0001f676": "\u2018",  # 🙶 -> ‘
        "\U0001f677": "\u2019",  # 🙷 -> ’
        "\U0001f678": "\u201a",  # 🙸 -> ‚
        "\u00ab": "\u2039",  # « -> ‹
        "\u00bb": "\u203a",  # » -> ›
        "\u276e": "\u2039",  # ❮ -> ‹
        "\u276f": "\u203a",  # ❯ -> ›
    }
)


def with_single_quote_marks(text: str) -> str:
    """``text`` with every double quotation mark (" “ ” „ « » and their look-alikes) turned
    into its single counterpart (' ‘ ’ ‚ ‹ ›). A server's words are quoted in the program's
    own “...”: a mark of theirs ended the quotation early ('“too long.” Your link was e-mailed
    to the customer already.'), and the rest read as the program's own words. Single marks
    can only nest inside. Text compared with what was quoted (a customer's name Kombo may
    repeat) goes through it too."""
    return text.translate(_SINGLE_FOR_DOUBLE)


def is_plain_sentence(text: str) -> bool:
    """Short text without markup or JSON, fit to quote to a non-technical person."""
    return 0 < len(text) <= MAX_SHORT_CHARS and not any(ch in text for ch in "<>{}[]`\\|")


def unsafe_to_show(text: str, key: str | None) -> bool:
    """Whether ``text``, as sent or once percent-decoded, carries ``key`` (in any form a server
    may echo it in, ``logs.secret_forms``) or anything the log filter would mask (every
    registered key, ``Bearer ...``, an ``api_key=...`` value): what must never be logged must
    never be shown either.

    For text from the network (a link, a tool's name), where a false alarm only leaves
    something out. What people type is judged by ``logs.holds_registered_secret`` instead:
    these patterns would refuse a real name ("Bearer Brothers GmbH").

    ``key`` (the client's own) is looked for when it is at least ``MIN_SECRET_LENGTH``
    characters long, the shortest key the program takes (``credentials.MIN_KEY_LENGTH`` is the
    same number). The client refuses a shorter key before sending anything (``ShortKeyError``),
    so no answer to one ever reaches here; and a key of a character or two would be found in
    almost any text, so that every link would be refused."""
    own = secret_finder((key,)) if key is not None and len(key) >= MIN_SECRET_LENGTH else None
    decoded = unquote(text)
    # Most text has nothing to decode: its one form is looked at once.
    for form in (text,) if decoded == text else (text, decoded):
        if (own is not None and own.found_in(form)) or redact_would_change(form):
            return True
    return False


def looks_like_api_key(text: str) -> bool:
    """Whether ``text`` looks like an API key rather than a name someone made up.

    A key is one long word of random letters and digits, usually hexadecimal or base64, often
    after a prefix ("kombo-eu-key-7f3a9c2e...", a UUID). A name has spaces ("US team"), or is
    short, or keeps its digits together ("customer-success-emea-2024"). So: at least 20
    characters without a space, and either 16 letters and digits in a row mixing both, or
    letters and digits taking turns at least 8 times. Keys the program has seen are caught
    whatever their shape by ``unsafe_to_show``; this is for one pasted before it saw it.
    """
    text = text.strip()
    if len(text) < _KEY_MIN_LENGTH or any(char.isspace() for char in text):
        return False
    runs = _LETTERS_OR_DIGITS.findall(text)
    if any(len(run) >= _KEY_MIXED_RUN and _mixes_letters_and_digits(run) for run in runs):
        return True
    joined = "".join(runs)
    switches = sum(a.isdigit() != b.isdigit() for a, b in pairwise(joined))
    return switches >= _KEY_SWITCHES


def _mixes_letters_and_digits(run: str) -> bool:
    return any(char.isdigit() for char in run) and any(char.isalpha() for char in run)
