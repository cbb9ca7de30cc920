"""How texts and times are cleaned before the history stores or compares them.

Shared by the writing side (every stored value goes through here), the SQL functions that fill
the derived columns (:mod:`.schema`) and the duplicate check, so a value is cleaned the same way
whichever path it takes: a name searched for must fold exactly like the name that was stored.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from typing import Final

from kombo_desktop.core.letters import (
    base_latin_letters,
    base_letters,
    umlauts_spelt_out,
    without_invisible_formatting,
)

# Separates the fields inside ``search_text``. It is whitespace to ``str.split``, so folding a
# field or a query turns it into a plain space: a folded query can therefore never contain it and
# never match across two fields.
FIELD_SEPARATOR: Final = "\x1f"


def fold(text: str | None) -> str:
    """The form of a text used for searching and comparing: case and spacing do not matter.

    Unicode-normalised (NFKC, so a name typed on a Mac matches one typed on Windows), case-folded
    (so ``Straße`` matches ``STRASSE``), without invisible formatting characters (a
    left-to-right mark, a zero-width space or a soft hyphen come along when a name is copied
    from a web page, a CRM or a chat), and with every run of whitespace turned into one space.
    """
    if not text:
        return ""
    text = without_invisible_formatting(clean(text))
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
    """
    plain = base_latin_letters(umlauts_spelt_out(fold(name)))
    return "".join(char for char in plain if char.isalnum() or unicodedata.category(char)[0] == "M")


def search_text(*fields: str | None) -> str:
    """The one text a search looks in: the non-empty fields, each folded without accents
    (:func:`search_needles`) and kept apart; a field with German umlauts also spelt out, so that
    "Mueller" finds "Müller"."""
    forms: list[str] = []
    for field in fields:
        if field:
            folded = fold(field)
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


def clean(text: str) -> str:
    """Replace lone surrogates (never valid UTF-8) so any Python string can be stored."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def optional_text(text: str | None) -> str | None:
    """A cleaned, trimmed text, or None when nothing is left: blank is stored as "not given"."""
    if text is None:
        return None
    stripped = clean(text).strip()
    return stripped or None


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a time without a timezone is refused rather than guessed."""
    if moment.tzinfo is None:
        raise ValueError("times given to the history must carry a timezone")
    return moment.astimezone(UTC)


def stored_time(moment: datetime) -> str:
    """Fixed-width UTC ISO text, so comparing and sorting the strings sorts the times."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
