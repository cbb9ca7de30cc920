"""What the free-text fields of a request share: the text as sent, the characters a message
can quote back, and the refusal of an API key pasted into a field.

The link request (``link_request``), its e-mail address (``email_address``) and the integration id
(``integration_id``) each have rules of their own; these parts are common to all of them, so that
the same text is judged the same way in every field.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import unquote

from kombo_desktop.core.letters import without_invisible_formatting
from kombo_desktop.core.logs import holds_registered_secret
from kombo_desktop.core.safe_text import with_single_quote_marks

# Longer typing is named in a sentence without its text (a tool environment may be 100
# characters long).
QUOTED_IN_SENTENCE_CHARS = 40

KEY_IN_FIELD_PROBLEM = (
    "This is an API key. It must never be sent as customer data: remove it from this field."
)


_Check = TypeVar("_Check", bound=Callable[..., str | None])


def refuses_keys(check: _Check) -> _Check:
    """``check`` of a text field, refusing first a key the program knows, also when written
    in another letter case or as a web address writes it (``kombo-eu-key%2F7f3a...``, copied
    out of an address): pasted into the field by mistake it would go to Kombo as customer
    data, into the history and into a QR code's file name.

    Only registered keys are looked for (``logs.holds_registered_secret``), not the patterns
    the log also masks (``safe_text.unsafe_to_show``): those are words a customer's name can
    hold, and the form would refuse a real company called "Bearer Brothers GmbH" or
    "API-Key=Solutions AG" with no way to send it."""

    @functools.wraps(check)
    def checked(text: str | None, *args: object) -> str | None:
        if text and holds_known_key(text):
            return KEY_IN_FIELD_PROBLEM
        return check(text, *args)

    return checked  # type: ignore[return-value]


def holds_known_key(text: str) -> bool:
    """Whether ``text`` holds a key the program knows now, as written or as a web address
    writes it: what ``refuses_keys`` refuses, and the client looks for again right before
    sending (a key read at the click itself was not known when the form was checked)."""
    return holds_registered_secret(text) or holds_registered_secret(unquote(text))


def has_control_characters(text: str) -> bool:
    """Line breaks, tabs and other control characters, and lone surrogates: the latter come
    only from broken pasted text, and a body holding one cannot be encoded as UTF-8 to send."""
    return any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text)


# Characters that show as nothing (or reorder the sentence around them): control and format
# characters, surrogates, private-use, unassigned code points, line and paragraph separators.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def visible(text: str) -> str:
    """``text`` fit to quote back in a message: quoting an invisible character would show the
    person empty quotes, and a direction override would scramble the sentence."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE_CATEGORIES)


def quoted_character(ch: str) -> str:
    """``ch`` as a message names it: in quotes, or as "an invisible character" where quotes
    around it would show nothing."""
    return f"“{ch}”" if visible(ch) and not ch.isspace() else "an invisible character"


def quoted_in_sentence(typed: str) -> str:
    """`` “DEMO”`` to follow "The tool environment" in a sentence; "" for text not fit to show
    on a shared screen (a pasted key) or that would show as nothing."""
    shown = with_single_quote_marks(visible(typed)).strip()
    if not shown or holds_known_key(typed) or len(shown) > QUOTED_IN_SENTENCE_CHARS:
        return ""
    return f" “{shown}”"


def sent_text(value: str) -> str:
    """A free-text field's ``value`` as it is sent and compared: without the invisible
    characters copying brings along, then trimmed.

    A zero-width space, a left-to-right mark or a soft hyphen copied with a name or an id from
    a web page, a CRM or a chat shows as nothing, yet sent it would make Kombo store another
    customer id than the one in the earlier link, and the duplicate check miss that link; a
    name of only such characters looks empty. Direction overrides would turn the name around
    wherever Kombo shows it. The joiners Persian and Indic names and emoji need stay (see
    ``without_invisible_formatting``). The field itself keeps what was typed. An e-mail
    address is not cleaned on its way: it is refused, with the address without them offered
    (``email_address.suggested_email``), so the person sees the address the link is made for.
    """
    return without_invisible_formatting(value, keep_joiners=True).strip()
