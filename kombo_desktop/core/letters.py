"""Letters without their accents, to match what people type with what was written before.

A name heard on a call, or typed on a keyboard without the letter, comes without its accents
("Muller" for "Müller", "societe" for "Société"); German names are also often written with the
umlaut spelt out ("Mueller"). Searching the history, searching tools and naming files all use
these, so that a name is found and reads the same wherever it appears.
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


def umlauts_spelt_out(text: str) -> str:
    """``text`` with German umlauts written as two letters: "Müller" gives "Mueller"."""
    return text.translate(_UMLAUTS_SPELT_OUT)
