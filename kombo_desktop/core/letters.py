"""Letters without their accents, to match what people type with what was written before.

A name heard on a call, or typed on a keyboard without the letter, comes without its accents
("Muller" for "Müller", "societe" for "Société"); German names are also often written with the
umlaut spelt out ("Mueller"). Searching the history, searching tools and naming files all use
these, so that a name is found and reads the same wherever it appears. A name copied from a web
page, a CRM or a chat often brings invisible characters along; they are taken out the same way
wherever a name is compared or sent.

The fold and the organisation key built from these are here too, not in the history that stores
them: the reconnection check compares two names by the duplicate check's rule without opening
the history.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

# Letters that are not an accent on a base letter (so Unicode does not decompose them), given
# the base letters a person without them would type.
_OWN_LETTERS: Final = str.maketrans(
    {
        "ß": "ss", "ẞ": "SS", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
        "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH",
        "ı": "i", "ħ": "h", "Ħ": "H",
    }
)  # fmt: skip
# Found before translating: ``str.translate`` looks up every character of a text beyond ASCII
# in its table, which took as long as the rest of a name's fold.
_HAS_OWN_LETTER: Final = re.compile("[{}]".format("".join(map(chr, _OWN_LETTERS))))
_UMLAUTS_SPELT_OUT: Final = (
    ("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue"),
)  # fmt: skip


# The accents of Unicode's "Combining Diacritical Marks" block (all but the grapheme joiner,
# which is no accent), as they follow their letter once a text is decomposed.
_COMMON_ACCENTS: Final = re.compile(
    "[{}]".format(
        "".join(chr(code) for code in range(0x300, 0x370) if unicodedata.combining(chr(code)))
    )
)


def base_letters(text: str, *, latin_only: bool = False) -> str:
    """``text`` with every accented letter as its base letter: "Müller & Søn" gives
    "Muller & Son". Other characters, and case, stay as they are.

    With ``latin_only``, only accents on Latin letters go ("Société" gives "Societe"): a mark
    on another script's letter is part of that letter (a Devanagari vowel sign or virama, the
    breve that makes Cyrillic "й" another letter than "и"), and taking it away would make two
    names one. The organisation key compares names this way.
    """
    if text.isascii():
        return text
    if _HAS_OWN_LETTER.search(text):
        text = text.translate(_OWN_LETTERS)
    decomposed = unicodedata.normalize("NFKD", text)
    plain = _COMMON_ACCENTS.sub("", decomposed)
    if plain.isascii():
        # Plain letters with common accents ("Müller", "Société"), most names: each accent
        # followed a plain letter, so it goes with or without ``latin_only``, and the loop
        # below, one character at a time, would give the same.
        return plain
    kept: list[str] = []
    base = ""
    for char in decomposed:
        if not unicodedata.combining(char):
            base = char
        elif not latin_only or base.isascii():
            continue
        kept.append(char)
    return "".join(kept)


def umlauts_spelt_out(text: str) -> str:
    """``text`` with German umlauts written as two letters: "Müller" gives "Mueller"."""
    for umlaut, letters in _UMLAUTS_SPELT_OUT:
        if umlaut in text:
            text = text.replace(umlaut, letters)  # plain letters, which no later one changes
    return text


# The zero-width non-joiner and joiner are part of how some names are written: the non-joiner
# keeps Persian and Indic letters apart where the spelling wants it, the joiner picks a
# letter's form in Indic scripts and makes one emoji of several (a family, a coloured heart).
# Between two such characters they change what is seen; next to a plain (ASCII) character, a
# space or the start or end of the text they change nothing.
_JOINERS: Final = frozenset("\u200c\u200d")
# A subdivision flag is the black flag followed by invisible tag characters naming the region
# (England, Scotland, Wales); without them it is a plain black flag.
_FLAG_BASE: Final = "\U0001f3f4"
_TAGS: Final = range(0xE0020, 0xE0080)


def _is_format_character(char: str) -> bool:
    return unicodedata.category(char) == "Cf"


def without_invisible_formatting(text: str, *, keep_joiners: bool = False) -> str:
    """``text`` without Unicode's invisible formatting characters (category Cf: a zero-width
    space, word joiner, soft hyphen or byte order mark; left-to-right and right-to-left marks;
    the overrides and isolates that turn the text around them): copied along with a name from
    a web page, a CRM or a chat, they make two names that look the same differ.

    With ``keep_joiners``, those that are part of how the text is written stay: a zero-width
    joiner or non-joiner between two characters that are not plain ASCII, spaces or format
    characters (Persian and Indic names, emoji sequences), and the tags after a black flag
    (England's flag). Compare without, send with: two spellings of one name are still one name.
    """
    if text.isascii() or text.isprintable():
        return text  # printable text has no formatting characters (nor lone surrogates)
    kept: list[str] = []
    for index, char in enumerate(text):
        if not _is_format_character(char) or (
            keep_joiners and _part_of_the_writing(char, kept[-1] if kept else "", text[index + 1 :])
        ):
            kept.append(char)
    return "".join(kept)


def _part_of_the_writing(char: str, before: str, after: str) -> bool:
    """Whether the format character ``char``, after the kept character ``before`` and followed by
    ``after``, changes how the text looks (see :func:`without_invisible_formatting`)."""
    if char in _JOINERS:
        return _joinable(before) and _joinable(after[:1])
    if ord(char) in _TAGS:
        return before == _FLAG_BASE or (bool(before) and ord(before) in _TAGS)
    return False


def _joinable(char: str) -> bool:
    return bool(char) and not (char.isascii() or char.isspace() or _is_format_character(char))


def without_lone_surrogates(text: str) -> str:
    """``text`` with lone surrogates (never valid UTF-8) replaced, so any Python string can be
    stored and compared."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def fold(text: str | None) -> str:
    """The form of a text used for searching and comparing: case and spacing do not matter.

    Unicode-normalised (NFKC, so a name typed on a Mac matches one typed on Windows), case-folded
    (so ``Straße`` matches ``STRASSE``), without invisible formatting characters (a
    left-to-right mark, a zero-width space or a soft hyphen come along when a name is copied
    from a web page, a CRM or a chat), and with every run of whitespace turned into one space.
    """
    if not text:
        return ""
    if text.isascii():  # as below: plain ASCII is its own normal form, and folds as it lowers
        return " ".join(text.lower().split())
    return _fold_beyond_ascii(text)


@lru_cache(maxsize=256)
def _fold_beyond_ascii(text: str) -> str:
    """:func:`fold` for a text with other than ASCII characters. Kept for the texts folded
    last: a row's organisation and e-mail address are folded for its keys and again for its
    searched text."""
    text = without_invisible_formatting(without_lone_surrogates(text))
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.split())


def organization_key(name: str | None) -> str:
    """An organisation's name as the duplicate check and the reconnection check compare it:
    without case, spacing, punctuation or accents, German umlauts spelt out ("Acme GmbH." is
    "Acme GmbH", "Müller" is "Mueller", "Société" is "Societe"). "Acme GmbH." missed the link
    made for "Acme GmbH", and Kombo, which does not deduplicate, set up a second integration.

    Nothing more is merged: the key also decides whether an earlier link is "this customer's"
    (offered at once with Enter), so "Bauer" must stay apart from "Baur", and "Muller" from
    "Müller". Marks of other scripts stay (Indic vowel signs and viramas are not letters to
    ``isalnum``, yet कमल and कोमल are two names): only accents on Latin letters go.

    The history file stores this key for every row: a change to it needs a schema version that
    makes the stored keys again.
    """
    plain = base_letters(umlauts_spelt_out(fold(name)), latin_only=True)
    if plain.isascii():
        return "".join(filter(str.isalnum, plain))  # no ASCII character is a mark
    return "".join(char for char in plain if char.isalnum() or unicodedata.category(char)[0] == "M")
