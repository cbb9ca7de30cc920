"""How texts and times are cleaned before the history stores or compares them.

Shared by the writing side (every stored value goes through here), the SQL functions that fill
the derived columns (:mod:`.schema`) and the duplicate check, so a value is cleaned the same way
whichever path it takes: a name searched for must fold exactly like the name that was stored.
The fold and the organisation key themselves live in :mod:`kombo_desktop.core.letters`, because
the reconnection check compares names by the same rule without opening the history.

How a typed search text is read is here too (its folded needles, the kinds of system it
names, the link pasted into it); :mod:`.searching` turns that into the store's query and the
match of one entry.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from kombo_desktop.core.letters import (
    base_letters,
    fold,
    umlauts_spelt_out,
    without_lone_surrogates,
)
from kombo_desktop.core.vocabulary import CATEGORY_NAMES, Category

# Separates the fields inside ``search_text``. It is whitespace to ``str.split``, so folding a
# field or a query turns it into a plain space: a folded query can therefore never contain it and
# never match across two fields.
FIELD_SEPARATOR: Final = "\x1f"


def search_text(*fields: str | None) -> str:
    """The one text a search looks in: the non-empty fields, each folded without accents
    (:func:`search_needles`) and kept apart; a field with German umlauts also spelt out, so that
    "Mueller" finds "Müller"."""
    forms: list[str] = []
    for field in fields:
        if field:
            folded = fold(field)
            if folded.isascii():
                forms.append(folded)  # no accents, no umlauts: all three forms are one
                continue
            plain = base_letters(folded)
            forms.append(plain)
            spelt_out = base_letters(umlauts_spelt_out(folded))
            if spelt_out != plain:
                forms.append(spelt_out)
    return FIELD_SEPARATOR.join(forms)


def search_needles(text: str) -> tuple[str, str]:
    """What a search for ``text`` looks for in :func:`search_text`, either of two: folded and
    without accents, which people often leave out when they type a name ("muller",
    "societe"), and the same with German umlauts spelt out, as e-mail addresses and many
    names write them ("Müller" finds "j.mueller@..."). The two are equal without umlauts."""
    folded = fold(text)
    return base_letters(folded), base_letters(umlauts_spelt_out(folded))


def categories_named(text: str) -> tuple[Category, ...]:
    """The kinds of system a search for ``text`` finds the links of: those whose name as the
    form's "Kind of system" shows it ("Recruiting system (ATS)") or whose code in Kombo ("ATS")
    has every word of ``text`` as a word, or as the start of one when at least
    three letters are typed ("recruit"), folded as any searched field is. So "recruiting", "ATS"
    and "learning" find the links made for recruiting and learning systems.

    Whole words and their starts only, because a customer's short name is often a piece of
    these words: "ING" is inside "Recruiting" and "Learning", and a search for ING Bank must
    not bring up every recruiting and learning link. The words every kind shares ("system",
    "tool") name no kind on their own. Nothing for a blank text (which finds every link anyway).

    Matched against the code each link stores, not stored words: the form's names may be
    worded better one day, and a search must then find what the form says, in old links too.
    """
    typed_forms = [_words(needle) for needle in search_needles(text)]
    return tuple(
        category
        for category, words in _CATEGORY_WORDS.items()
        if any(_names_kind(typed, words) for typed in typed_forms)
    )


def _words(folded: str) -> list[str]:
    """The words of a folded text, without the brackets and other marks between them."""
    return _WORD.findall(folded)


def _names_kind(typed: list[str], words: frozenset[str]) -> bool:
    """Whether the ``typed`` words name the kind of system with these ``words``: each one is
    one of them or the start of one, and at least one is a word of that kind's own."""

    def found(typed_word: str, among: frozenset[str]) -> bool:
        return any(
            typed_word == word
            or (len(typed_word) >= _SHORTEST_WORD_START and word.startswith(typed_word))
            for word in among
        )

    own_words = words - _SHARED_CATEGORY_WORDS
    return (
        bool(typed)
        and all(found(typed_word, words) for typed_word in typed)
        and any(found(typed_word, own_words) for typed_word in typed)
    )


_WORD: Final = re.compile(r"\w+")
# How many letters of a word must be typed before they stand for it ("rec" for "recruiting").
_SHORTEST_WORD_START: Final = 3
# Words in more than one kind's name: typed alone they would find nearly every link.
_SHARED_CATEGORY_WORDS: Final = frozenset({"system", "tool"})
# The words a kind of system is found by: its name's and its code's, folded as searched texts.
_CATEGORY_WORDS: Final = {
    category: frozenset(_words(search_text(CATEGORY_NAMES[category], category.value)))
    for category in Category
}


@dataclass(frozen=True)
class PastedLink:
    """A link, or a piece of one, pasted into the search, as :func:`pasted_link` read it."""

    text: str
    """The piece itself, exactly as the link writes it (a link's token is not the same in
    other letter case)."""
    is_start: bool
    """The piece begins with the link's ``https://``: it finds the links that begin with it
    (every stored link begins so, and the history finds those through an index at once)."""

    def found_in(self, url: str) -> bool:
        """Whether the stored link ``url`` is this link, or has this piece of it."""
        return url.startswith(self.text) if self.is_start else self.text in url


# Where a link begins in a pasted text ("this link does not work: https://...").
_LINK_BEGINS: Final = re.compile(r"https?://", re.IGNORECASE)
# What only a link has, in a piece without its beginning ("connect.kombo.dev/v1?token=...").
_PIECES_OF_A_LINK: Final = ("://", "kombo.dev", "token=")
# What a sentence or an e-mail program puts around a link: the customer's full stop, the
# brackets and quotes around it.
_AROUND_A_LINK: Final = "\"'<>()[]{}.,;:!?“”‘’„«»"
# A link's token (a JWT: base64url parts joined by dots), and how long a run of its letters
# must be to be taken for a piece of one rather than a word or an id someone typed.
_TOKEN_LETTERS: Final = frozenset(string.ascii_letters + string.digits + "-_.")
_SHORTEST_TOKEN_PIECE: Final = 16


def pasted_link(text: str) -> PastedLink | None:
    """The link, or the piece of one, in a search for ``text``, or None when the text is not
    one: a customer writes back that "this link does not work: https://connect.kombo.dev/v1?
    token=..." and the person pastes it into the history to find whose it was.

    The spaces around it, the customer's full stop, brackets and quotes do not count, nor the
    words before its ``https://`` or after it ("... Can you help?", "Thanks, Anna" on the next
    line): a link has no spaces, so it ends at the first one. A link broken over two lines in
    an e-mail is therefore read up to the break, and found by that beginning. Without an
    ``https://``, the line breaks in a piece do not count. A piece without the beginning counts
    when only a link has it (``://``, ``kombo.dev``, ``token=``), or when it is a run of at least
    16 of a token's letters without spaces (the token alone, or its end): "kombo" or "token"
    alone is a word, and finds only what every other word finds.
    """
    text = without_lone_surrogates(text)
    begins = _LINK_BEGINS.search(text)
    if begins is not None:
        # The link is the unbroken run it begins; what follows a space is the customer's words.
        text = text[begins.start() :].split(maxsplit=1)[0]
    piece = "".join(text.split()).strip(_AROUND_A_LINK)
    if not piece:
        return None
    if begins is not None or any(part in piece.casefold() for part in _PIECES_OF_A_LINK):
        return PastedLink(piece, is_start=begins is not None)
    if (
        len(text.split()) == 1
        and len(piece) >= _SHORTEST_TOKEN_PIECE
        and _TOKEN_LETTERS.issuperset(piece)
    ):
        return PastedLink(piece, is_start=False)
    return None


def optional_text(text: str | None) -> str | None:
    """A cleaned, trimmed text, or None when nothing is left: blank is stored as "not given"."""
    if text is None:
        return None
    stripped = without_lone_surrogates(text).strip()
    return stripped or None


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a time without a timezone is refused rather than guessed."""
    if moment.tzinfo is None:
        raise ValueError("times given to the history must carry a timezone")
    return moment.astimezone(UTC)


def stored_time(moment: datetime) -> str:
    """Fixed-width UTC ISO text, so comparing and sorting the strings sorts the times."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
