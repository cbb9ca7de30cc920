"""How texts and times are cleaned before the history stores or compares them.

Shared by the writing side (every stored value goes through here), the SQL functions that fill
the derived columns (:mod:`.schema`) and the duplicate check, so a value is cleaned the same way
whichever path it takes: a name searched for must fold exactly like the name that was stored.
The fold and the organisation key themselves live in :mod:`kombo_desktop.core.letters`, because
the reconnection check compares names by the same rule without opening the history.

How a typed search text is read is here too (its folded needles, the kinds of system it
names); :mod:`.searching` turns that into the store's query and the match of one entry.
"""

from __future__ import annotations

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
    contains ``text``, folded as any searched field is. So "recruiting", "ATS" and "learning"
    find the links made for recruiting and learning systems. Nothing for a blank text (which
    finds every link anyway).

    Matched against the code each link stores, not stored words: the form's names may be
    worded better one day, and a search must then find what the form says, in old links too.
    """
    needles = [needle for needle in search_needles(text) if needle]
    return tuple(
        category
        for category, named in _CATEGORY_SEARCH_TEXTS.items()
        if any(needle in named for needle in needles)
    )


# The words a kind of system is found by, each kept apart as search_text keeps fields apart:
# "recruiting tool" is neither kind's name.
_CATEGORY_SEARCH_TEXTS: Final = {
    category: search_text(CATEGORY_NAMES[category], category.value) for category in Category
}


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
