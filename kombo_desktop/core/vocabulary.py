"""Kombo's enumerations and the plain words this program shows for them.

The wire values come from Kombo's published schema; the display names are ours, written for
people who do not know what an HRIS is.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum


class Category(StrEnum):
    """The kind of system a customer connects (``integration_category``)."""

    HRIS = "HRIS"
    ATS = "ATS"
    ASSESSMENT = "ASSESSMENT"
    LMS = "LMS"


class Language(StrEnum):
    """Languages the connection flow is offered in (``language``)."""

    EN = "en"
    DE = "de"
    FR = "fr"
    IT = "it"
    ES = "es"


class LinkType(StrEnum):
    """How the link is meant to be used (``link_type``); decides how long it stays valid."""

    MAGIC_LINK = "MAGIC_LINK"
    EMBEDDED = "EMBEDDED"


# The form's choice of no tool (the customer picks it in the flow), named so everywhere.
CUSTOMER_CHOOSES = "The customer chooses"

CATEGORY_NAMES: dict[Category, str] = {
    Category.HRIS: "HR system (HRIS)",
    Category.ATS: "Recruiting system (ATS)",
    Category.ASSESSMENT: "Assessment tool",
    Category.LMS: "Learning system (LMS)",
}

# Each language in its own words, so a customer can find theirs.
LANGUAGE_NAMES: dict[Language, str] = {
    Language.EN: "English",
    Language.DE: "Deutsch",
    Language.FR: "Français",
    Language.IT: "Italiano",
    Language.ES: "Español",
}

# Each language as the window's English sentences name it ("Invitation in German"): "in
# Deutsch" mixed two languages in one sentence.
LANGUAGE_NAMES_IN_ENGLISH: dict[Language, str] = {
    Language.EN: "English",
    Language.DE: "German",
    Language.FR: "French",
    Language.IT: "Italian",
    Language.ES: "Spanish",
}

LINK_TYPE_NAMES: dict[LinkType, str] = {
    LinkType.MAGIC_LINK: "Send to the customer (valid 1 year)",
    LinkType.EMBEDDED: "Embed in our app (valid 1 hour)",
}

# Lifetimes Kombo documents for each link type.
LINK_LIFETIMES: dict[LinkType, timedelta] = {
    LinkType.MAGIC_LINK: timedelta(days=365),
    LinkType.EMBEDDED: timedelta(hours=1),
}

# Staff send links by hand, so the product default differs from the API default (EMBEDDED).
DEFAULT_LINK_TYPE = LinkType.MAGIC_LINK
DEFAULT_LANGUAGE = Language.EN
DEFAULT_CATEGORY = Category.HRIS


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(moment: datetime) -> str:
    """ "29 Nov 2027": the day of ``moment`` in its own time zone, the month spelled out, so
    that "03/04" can never be read two ways."""
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


# The window's tab for a new connection link; core texts that send people there name it.
NEW_LINK_TAB_TEXT = "New link"
