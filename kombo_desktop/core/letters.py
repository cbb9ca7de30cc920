"""Letters without their accents, to match what people type with what was written before.

A name heard on a call, or typed on a keyboard without the letter, comes without its accents
("Muller" for "Müller", "societe" for "Société"); German names are also often written with the
umlaut spelt out ("Mueller"). Searching the history, searching tools and naming files all use
these, so that a name is found and reads the same wherever it appears. A name copied from a web
page, a CRM or a chat often brings invisible characters along; they are taken out the same way
wherever a name is compared or sent.
"""

from __future__ import annotations

import unicodedata
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
_UMLAUTS_SPELT_OUT: Final = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def base_letters(text: str) -> str:
    """``text`` with every accented letter as its base letter: "Müller & Søn" gives
    "Muller & Son". Other characters, and case, stay as they are."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_OWN_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def base_latin_letters(text: str) -> str:
    """``base_letters`` for accents on Latin letters only ("Société" gives "Societe"). A mark
    on another script's letter is part of that letter: a Devanagari vowel sign or virama, the
    breve that makes Cyrillic "й" another letter than "и"; taking them away would make two
    names one."""
    if text.isascii():
        return text
    kept: list[str] = []
    base = ""
    for char in unicodedata.normalize("NFKD", text.translate(_OWN_LETTERS)):
        if not unicodedata.combining(char):
            base = char
        elif base.isascii():
            continue
        kept.append(char)
    return "".join(kept)


def umlauts_spelt_out(text: str) -> str:
    """``text`` with German umlauts written as two letters: "Müller" gives "Mueller"."""
    return text.translate(_UMLAUTS_SPELT_OUT)


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
    if text.isascii():
        return text
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
