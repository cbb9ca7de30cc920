"""How texts and times are cleaned before the history stores or compares them.

Shared by the writing side (every stored value goes through here), the SQL functions that fill
the derived columns (:mod:`.schema`) and the duplicate check, so a value is cleaned the same way
whichever path it takes: a name searched for must fold exactly like the name that was stored.
The fold and the organisation key themselves live in :mod:`kombo_desktop.core.letters`, because
the reconnection check compares names by the same rule without opening the history.
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
