"""The invitation e-mail that goes with a link: short, friendly, in the customer's language.

Staff copy it to the clipboard or open it in their mail program (:func:`mailto_url`). The words
live in ``resources/invitations/<language>.json`` so that a translator can improve them without
touching code; this module only fills them in. Each file has:

``subject_with_tool`` / ``subject_without_tool``
    the subject, naming the tool ``{tool}``, or the kind of system ``{system}`` when the customer
    chooses the tool in the flow;
``body``
    the message as a list of lines, with ``{intro}``, ``{link}`` (exactly once),
    ``{tool_sentence}`` and ``{validity_sentence}`` (and ``{organization}`` if wanted);
``intro``
    the line before the link, asking to connect ``{organization}``;
``tool_sentence`` / ``choose_tool_sentence``
    the sentence naming ``{tool}``, or asking the customer to choose their ``{system}``.
    The link opens Kombo's connection page for the tool, never the tool itself, and the
    sentences say so: a customer told they would land in their HR system, then asked for its
    password on another company's page, would rightly suspect phishing;
``relink_subject_with_tool`` / ``relink_subject_without_tool`` / ``relink_intro`` /
``relink_tool_sentence`` / ``relink_system_sentence``
    the same for a reconnection link: the customer's connection exists and they only enter
    their access details again, naming ``{tool}`` or, when its name is not known, their
    ``{system}``;
``your_organization``
    what to say instead of the organisation name when it is not known (reconnection links);
``validity_sentence``
    the sentence saying how long the link stays valid, with ``{validity}``;
``validity``
    how long each link type stays valid, worded to fit that sentence;
``validity_until``
    the same sentence's words for a link sent again later (from the history, or instead of a
    second one), which is not valid for its whole lifetime any more: ``{date}``, its last day;
``validity_until_time``
    the same for a link valid an hour, sent again later: the time it stops working as
    ``{hour}`` ("9") or ``{hour2}`` ("09"), ``{minute}`` ("05") and ``{offset}``, its offset from
    UTC ("UTC+01:00"), as the customer may live elsewhere;
``validity_until_time_hour_one``
    the same for a time between 1:00 and 1:59, for languages whose words change there (Spanish
    says "hasta la 1:20", not "hasta las");
``may_have_expired_sentence``
    said instead of the validity sentence for a link valid an hour that may have expired
    already, as it was made while this computer's clock was ahead (its time is later than
    now, see ``core.clock_ahead``): the history says "May have expired" of it, and "valid
    until" a time that may have passed would mislead the customer. It says so plainly, and
    that a new link is on its way if this one does not open;
``day_format`` / ``months`` / ``first_day``
    how that day is written: ``{day}``, ``{month}`` (one of the twelve ``months``) and
    ``{year}``, with ``first_day`` for the day number 1 (French says "1er");
``systems``
    the kind of system per category, plus ``ANY`` when no category is known, each worded to fit
    both sentences it appears in (one grammatical gender per language keeps that simple).

Every file is checked when first used, so a broken translation fails loudly in the tests instead
of sending a customer a message with ``{link}`` in it.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Final
from urllib.parse import quote

from kombo_desktop.core.clock_ahead import may_have_expired
from kombo_desktop.core.resources import resource_path
from kombo_desktop.core.vocabulary import LINK_LIFETIMES, Category, Language, LinkType

_ANY_SYSTEM: Final = "ANY"
_LINE_BREAK: Final = re.compile(r"\r\n|\r|\n")

# Some mail programs on Windows cut a ``mailto:`` address after about 2,000 characters, and a
# link cut off there would reach the customer broken. Usual invitations take 800-1,000; only an
# organisation name near its 200-character limit, in accented letters, goes past this.
MAILTO_SAFE_LENGTH: Final = 2000

_CLOCK_FIELDS: Final = frozenset({"hour", "hour2", "minute", "offset"})

# Placeholders each text may use; the ones in _REQUIRED must appear.
_ALLOWED: Final = MappingProxyType(
    {
        "subject_with_tool": frozenset({"tool", "organization"}),
        "subject_without_tool": frozenset({"system", "organization"}),
        "body": frozenset({"intro", "organization", "link", "tool_sentence", "validity_sentence"}),
        "validity_sentence": frozenset({"validity"}),
        "may_have_expired_sentence": frozenset(),
        "intro": frozenset({"organization"}),
        "tool_sentence": frozenset({"tool"}),
        "choose_tool_sentence": frozenset({"system"}),
        "relink_subject_with_tool": frozenset({"tool", "organization"}),
        "relink_subject_without_tool": frozenset({"system", "organization"}),
        "relink_intro": frozenset({"organization"}),
        "relink_tool_sentence": frozenset({"tool"}),
        "relink_system_sentence": frozenset({"system"}),
        "your_organization": frozenset(),
        "validity_until": frozenset({"date"}),
        "validity_until_time": _CLOCK_FIELDS,
        "validity_until_time_hour_one": _CLOCK_FIELDS,
        "day_format": frozenset({"day", "month", "year"}),
    }
)
_REQUIRED: Final = MappingProxyType(
    {
        "subject_with_tool": frozenset({"tool"}),
        "body": frozenset({"intro", "link", "tool_sentence", "validity_sentence"}),
        "validity_sentence": frozenset({"validity"}),
        "tool_sentence": frozenset({"tool"}),
        "choose_tool_sentence": frozenset({"system"}),
        "relink_subject_with_tool": frozenset({"tool"}),
        "relink_tool_sentence": frozenset({"tool"}),
        "relink_system_sentence": frozenset({"system"}),
        "validity_until": frozenset({"date"}),
        "validity_until_time": frozenset({"minute", "offset"}),
        "validity_until_time_hour_one": frozenset({"minute", "offset"}),
        "day_format": frozenset({"day", "month", "year"}),
    }
)


@dataclass(frozen=True)
class Invitation:
    """A filled-in invitation. ``body`` uses ``\\n`` line breaks, ready for the clipboard."""

    language: Language
    subject: str
    body: str


# The texts read from the file as they are (``body``, ``validity``, ``systems`` and ``months``
# are built from lists and tables).
_ONE_LINE_TEXTS: Final = (
    "subject_with_tool",
    "subject_without_tool",
    "intro",
    "tool_sentence",
    "choose_tool_sentence",
    "relink_subject_with_tool",
    "relink_subject_without_tool",
    "relink_intro",
    "relink_tool_sentence",
    "relink_system_sentence",
    "your_organization",
    "validity_sentence",
    "may_have_expired_sentence",
    "validity_until",
    "validity_until_time",
    "validity_until_time_hour_one",
    "day_format",
    "first_day",
)


@dataclass(frozen=True)
class InvitationTexts:
    """The words of one language, as read from its resource file."""

    subject_with_tool: str
    subject_without_tool: str
    body: str
    intro: str
    tool_sentence: str
    choose_tool_sentence: str
    relink_subject_with_tool: str
    relink_subject_without_tool: str
    relink_intro: str
    relink_tool_sentence: str
    relink_system_sentence: str
    your_organization: str
    validity_sentence: str
    may_have_expired_sentence: str
    validity: MappingProxyType[LinkType, str]
    systems: MappingProxyType[str, str]
    validity_until: str
    validity_until_time: str
    validity_until_time_hour_one: str
    day_format: str
    months: tuple[str, ...]
    first_day: str

    @classmethod
    def from_file(cls, path: Path) -> InvitationTexts:
        """Read and check one language file; raises ValueError naming what is wrong."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            body_lines = data["body"]
            if not isinstance(body_lines, list) or not all(
                isinstance(line, str) for line in body_lines
            ):
                raise TypeError("body must be a list of lines")
            texts = cls(
                body="\n".join(body_lines),
                validity=MappingProxyType(
                    {kind: str(data["validity"][kind.value]) for kind in LinkType}
                ),
                systems=MappingProxyType(
                    {
                        key: str(data["systems"][key])
                        for key in (_ANY_SYSTEM, *(category.value for category in Category))
                    }
                ),
                months=tuple(str(month) for month in data["months"]),
                **{key: str(data[key]) for key in _ONE_LINE_TEXTS},
            )
            texts._check()
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ValueError(f"invitation texts {path.name} are broken: {error}") from error
        return texts

    def _check(self) -> None:
        for key, allowed in _ALLOWED.items():
            template = getattr(self, key)
            fields = _placeholders(template)
            unknown = set(fields) - allowed
            missing = _REQUIRED.get(key, frozenset()) - set(fields)
            if unknown or missing:
                raise ValueError(
                    f"{key} has unknown placeholders {sorted(unknown)} or lacks {sorted(missing)}"
                )
        if _placeholders(self.body).count("link") != 1:
            raise ValueError("the body must hold {link} exactly once")
        for key in ("validity_until_time", "validity_until_time_hour_one"):
            if not {"hour", "hour2"} & set(_placeholders(getattr(self, key))):
                raise ValueError(f"{key} lacks {{hour}} or {{hour2}}")
        if len(self.months) != 12:
            raise ValueError("months must name the twelve months")
        for value in (
            *self.validity.values(),
            *self.systems.values(),
            *self.months,
            self.first_day,
            self.may_have_expired_sentence,
        ):
            if _placeholders(value) or not value.strip():
                raise ValueError(f"{value!r} is empty or has a placeholder")

    def day_text(self, day: date) -> str:
        """``day`` as the language writes it in a sentence ("1er décembre 2027")."""
        number = self.first_day if day.day == 1 else str(day.day)
        month = self.months[day.month - 1]
        return self.day_format.format(day=number, month=month, year=day.year)


def _placeholders(template: str) -> list[str]:
    """Names of the ``{fields}`` in a template (raises ValueError on a stray brace)."""
    return [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]


@cache
def texts_for(language: Language) -> InvitationTexts:
    """The checked texts of ``language``, read once from the bundled resources."""
    return InvitationTexts.from_file(resource_path(f"invitations/{Language(language).value}.json"))


def invitation(
    language: Language,
    *,
    link: str,
    link_type: LinkType,
    organization: str | None,
    tool_label: str | None = None,
    category: Category | None = None,
    made: datetime | None = None,
    now: datetime | None = None,
    reconnection: bool = False,
) -> Invitation:
    """The invitation for one link, in the language of its connection flow.

    ``tool_label`` is the tool's display name (e.g. "SAP SuccessFactors") when a tool was chosen;
    without it the text asks the customer to choose their system, named after ``category`` when
    given ("HR system"). ``link_type`` decides the validity stated (one year or one hour).
    ``organization`` may be None for reconnection links ("your company" is said instead).
    ``made`` is when the link was made: a link sent again a day or more later (from the
    history, or instead of a second link) says the day it stops working, since it no longer
    has its whole year; one valid an hour, made while this computer's clock was ahead (dated
    later than ``now``), says it may have expired already, as the history does. The values
    are inserted as they are: braces in them are never read as placeholders. A
    ``reconnection`` link's invitation asks to reconnect: the customer's connection exists,
    and they only enter their access details again on the connection page.
    """
    texts = texts_for(Language(language))
    tool = (tool_label or "").strip()
    system = texts.systems[_ANY_SYSTEM if category is None else Category(category).value]
    who = (organization or "").strip() or texts.your_organization
    if tool:
        subject = (
            texts.relink_subject_with_tool if reconnection else texts.subject_with_tool
        ).format(tool=tool, organization=who)
        tool_sentence = (
            texts.relink_tool_sentence if reconnection else texts.tool_sentence
        ).format(tool=tool)
    else:
        subject = (
            texts.relink_subject_without_tool if reconnection else texts.subject_without_tool
        ).format(system=system, organization=who)
        tool_sentence = (
            texts.relink_system_sentence if reconnection else texts.choose_tool_sentence
        ).format(system=system)
    intro = texts.relink_intro if reconnection else texts.intro
    body = texts.body.format(
        intro=intro.format(organization=who),
        organization=who,
        link=link,
        tool_sentence=tool_sentence,
        validity_sentence=_validity_sentence(texts, LinkType(link_type), made, now),
    )
    # A subject is one line in every mail program; a pasted line break must not split it.
    return Invitation(language=Language(language), subject=" ".join(subject.split()), body=body)


def _validity_sentence(
    texts: InvitationTexts, link_type: LinkType, made: datetime | None, now: datetime | None
) -> str:
    """The sentence saying how long the link stays valid; for a link valid an hour made while
    this computer's clock was ahead, that it may have expired already (see
    ``core.clock_ahead``, whose decision the history's "May have expired" follows too): "valid
    until" the latest time it can work promised the customer a time that may have passed."""
    if made is not None and may_have_expired(
        made, LINK_LIFETIMES[link_type], now or datetime.now(made.tzinfo)
    ):
        return texts.may_have_expired_sentence
    return texts.validity_sentence.format(validity=_validity(texts, link_type, made, now))


def _validity(
    texts: InvitationTexts, link_type: LinkType, made: datetime | None, now: datetime | None
) -> str:
    """How long the link stays valid: its lifetime when just made, else until its last day
    (or, for a link valid an hour, the time it stops working: "valid for one hour" of a link
    made 55 minutes earlier promised the customer 55 minutes that were not there).

    ``made`` later than now was told by this computer's clock while it was ahead. By more than
    a minute, a link valid an hour may have expired, which ``_validity_sentence`` says instead;
    by less, it was made by now, a moment ago, so it works until an hour from now at the
    latest, never the whole hour from its time (see ``core.clock_ahead``)."""
    lifetime = LINK_LIFETIMES[link_type]
    if made is None:
        return texts.validity[link_type]
    moment = now or datetime.now(made.tzinfo)
    until = made + lifetime
    if lifetime < timedelta(days=1):
        if made > moment:
            until = moment + lifetime
        elif moment - made < timedelta(minutes=1):
            return texts.validity[link_type]
        local = until.astimezone()  # the computer's time zone, with its offset for elsewhere
        words = texts.validity_until_time_hour_one if local.hour == 1 else texts.validity_until_time
        return words.format(**_clock_fields(local))
    if moment - made < timedelta(days=1):
        return texts.validity[link_type]
    # The day in the computer's time zone, as the window shows it: a year on, its offset may be
    # another (summer time), and 23:30 in winter is 00:30 the next day in summer.
    return texts.validity_until.format(date=texts.day_text(until.astimezone().date()))


def _clock_fields(local: datetime) -> dict[str, str]:
    """The parts of a time of day as the language files write it: hour "9" and "09", minute
    "05", offset "UTC+01:00"."""
    offset = local.strftime("%z")
    return {
        "hour": str(local.hour),
        "hour2": f"{local.hour:02d}",
        "minute": f"{local.minute:02d}",
        "offset": f"UTC{offset[:3]}:{offset[3:]}",
    }


# A demo link's invitation says what it is in itself, in the staff's language: copied or
# e-mailed, it may be pasted anywhere, away from the window's warning.
DEMO_SUBJECT_MARK: Final = "[DEMO, do not send] "
DEMO_MARK: Final = "DEMO: this link connects nothing. Do not send it to a customer."


def marked_as_demo(invitation: Invitation) -> Invitation:
    """``invitation`` for a demo link: its subject and its first line say it is a demo."""
    return replace(
        invitation,
        subject=f"{DEMO_SUBJECT_MARK}{invitation.subject}",
        body=f"{DEMO_MARK}\n\n{invitation.body}",
    )


def mailto_url(email: str, invitation: Invitation, *, with_body: bool = True) -> str:
    """A ``mailto:`` address that opens a new e-mail to ``email`` with the invitation filled in.

    Encoded as RFC 6068 asks: every character outside the unreserved set is percent-encoded as
    UTF-8 (so spaces are ``%20``, never ``+``; ``&``, ``+``, ``#`` and ``?`` in names cannot end
    or split a field; umlauts survive), and line breaks are sent as ``%0D%0A``. Callers check the
    length against :data:`MAILTO_SAFE_LENGTH` before handing it to a mail program.
    """
    address = quote(email.strip(), safe="@")
    subject = quote(invitation.subject, safe="")
    if not with_body:  # the body goes by the clipboard (too long for an address)
        return f"mailto:{address}?subject={subject}"
    body = quote(_crlf(invitation.body), safe="")
    return f"mailto:{address}?subject={subject}&body={body}"


def _crlf(text: str) -> str:
    return _LINE_BREAK.sub("\r\n", text)
