"""Letters without their accents, and the organisation key the history stores.

The history file keeps ``organization_key`` and ``search_text`` for every row, made when the row
was written or the file last upgraded; the duplicate check compares a name typed today with those
stored values. If the rules gave another value for some name, an old row would silently stop
matching it, so these tests hold them to frozen copies of the rules as the files were written.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kombo_desktop.core.history.normalise import search_text
from kombo_desktop.core.letters import (
    base_letters,
    fold,
    organization_key,
    without_invisible_formatting,
)

# -- The rules as history files were written with them (schema version 6), frozen here. --------

_FROZEN_OWN_LETTERS = str.maketrans(
    {
        "ß": "ss", "ẞ": "SS", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
        "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH",
        "ı": "i", "ħ": "h", "Ħ": "H",
    }
)  # fmt: skip
_FROZEN_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def frozen_base_letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_FROZEN_OWN_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def frozen_base_latin_letters(text: str) -> str:
    kept: list[str] = []
    base = ""
    for char in unicodedata.normalize("NFKD", text.translate(_FROZEN_OWN_LETTERS)):
        if not unicodedata.combining(char):
            base = char
        elif base.isascii():
            continue
        kept.append(char)
    return "".join(kept)


def frozen_fold(name: str | None) -> str:
    if not name:
        return ""
    text = name.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.split())


def frozen_search_text(*fields: str | None) -> str:
    forms: list[str] = []
    for field in fields:
        if field:
            folded = frozen_fold(field)
            plain = frozen_base_letters(folded)
            forms.append(plain)
            spelt_out = frozen_base_letters(folded.translate(_FROZEN_UMLAUTS))
            if spelt_out != plain:
                forms.append(spelt_out)
    return "\x1f".join(forms)


def frozen_organization_key(name: str | None) -> str:
    folded = frozen_fold(name)
    plain = frozen_base_latin_letters(folded.translate(_FROZEN_UMLAUTS))
    return "".join(char for char in plain if char.isalnum() or unicodedata.category(char)[0] == "M")


# -----------------------------------------------------------------------------------------------

# Names with what the key is in history files already written.
STORED_KEYS = [
    ("Müller GmbH", "muellergmbh"),
    ("Mueller GmbH", "muellergmbh"),
    ("Muller GmbH", "mullergmbh"),  # another name than Müller: not merged
    ("MÜLLER gmbh.", "muellergmbh"),
    ("Baur GmbH", "baurgmbh"),
    ("Bauer GmbH", "bauergmbh"),  # another name than Baur
    ("Øresund Ltd", "oresundltd"),
    ("Straße & Co.", "strasseco"),
    ("STRASSE", "strasse"),
    ("Işık Yazılım A.Ş.", "isikyazilimas"),  # Turkish dotless i
    ("İstanbul Bilişim", "istanbulbilisim"),  # Turkish dotted capital I
    ("कमल ट्रेडर्स", "कमलट्रेडर्स"),  # Devanagari vowel signs and viramas stay
    ("कोमल ट्रेडर्स", "कोमलट्रेडर्स"),
    ("北京科技有限公司", "北京科技有限公司"),
    ("Café ☕ 🚀 Rocket", "caferocket"),
    ("👨\u200d👩\u200d👧 Family", "family"),
    ("Ac\u200bme\u200d GmbH\ufeff", "acmegmbh"),  # zero-width space, joiner, byte order mark
    ("\u200eAcme\u00adGmbH", "acmegmbh"),  # left-to-right mark, soft hyphen
    ("فارسی\u200cزبان", "فارسیزبان"),  # zero-width non-joiner
    ("Йога Студия", "и\u0306огастудия"),  # й (и with its breve) stays apart from и
    ("Иога Студия", "иогастудия"),
    ("Ελληνική Εταιρεία", "ελληνικη\u0301εταιρει\u0301α"),  # Greek accents stay
    ("Société Générale", "societegenerale"),
    ("Łódź Æble Þor Ðan Ħal œuvre", "lodzaeblethordanhaloeuvre"),
    ("ﬁne ﬂowers Ⅳ", "fineflowersiv"),
    ("Ｆｕｌｌ ｗｉｄｔｈ", "fullwidth"),
    ("\ud800broken", "broken"),  # a lone surrogate
    ("!!!", ""),
    ("   ", ""),
    ("", ""),
    (None, ""),
]


@pytest.mark.parametrize(("name", "key"), STORED_KEYS)
def test_the_organisation_key_is_what_history_files_hold(name: str | None, key: str) -> None:
    assert organization_key(name) == key
    assert frozen_organization_key(name) == key


# Letters the rules treat specially, mixed into any text so that examples hit them often.
_SPECIAL = st.sampled_from(
    [
        *"äöüÄÖÜßẞøØæœłđðþıİħ .&",
        *("\u0301", "\u0308", "\u0306", "\u093e", "\u094d"),  # accents, breve, Indic signs
        *("\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u200e"),  # invisible ones
        *("\U0001f3f4", "\U000e0067", "\ud800"),  # black flag, a tag, a lone surrogate
    ]
)
NAMES = st.text(st.one_of(st.characters(), _SPECIAL), max_size=40)


@given(NAMES)
@example("Müller & Søn")
def test_the_organisation_key_is_unchanged_for_any_name(name: str) -> None:
    assert organization_key(name) == frozen_organization_key(name)


@given(NAMES)
@example("Müller & Søn")
@example("कोमल Société й")
def test_letters_lose_their_accents_as_before(text: str) -> None:
    # ``search_text``, stored for every row, is made with ``base_letters``.
    assert base_letters(text) == frozen_base_letters(text)
    assert base_letters(text, latin_only=True) == frozen_base_latin_letters(text)


@given(NAMES)
@example("Müller & Søn")
@example("  ACME\tGmbH \x1f ")
@example("Ac\u200bme\u00a0GmbH")
def test_names_fold_as_before(text: str) -> None:
    # ``organization_key``'s first step, and every stored ``email_key``.
    assert fold(text) == frozen_fold(text)
    assert without_invisible_formatting(text) == "".join(
        char for char in text if unicodedata.category(char) != "Cf"
    )


@given(st.lists(st.one_of(st.none(), NAMES), min_size=6, max_size=6))
@example(["Müller & Søn", "j.müller@x.example", "C-1", "personio", None, "personio:Ü1"])
@example(["ACME  gmbh", "", None, "Straße", "\u200e", "x\x1fy"])
def test_the_searched_text_is_made_as_before(fields: list[str | None]) -> None:
    # ``search_text``, stored for every row, from the organisation, e-mail and the rest.
    assert search_text(*fields) == frozen_search_text(*fields)
