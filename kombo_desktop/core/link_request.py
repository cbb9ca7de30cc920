"""What staff ask Kombo for: a new connection link, or a link to reconnect an integration.

Kombo rejects a bad request with a terse technical message after a network round trip; checking
here first means the person at the form sees, next to the right field and in plain words, what to
change. Every rule lives in one small function so the form's as-you-type hints
(``validate_field``) and the final check (``LinkRequest.from_form``) can never disagree.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar
from urllib.parse import unquote

from kombo_desktop.core.catalog import Tool, ToolCatalog, is_tool_id
from kombo_desktop.core.letters import without_invisible_formatting
from kombo_desktop.core.logs import holds_registered_secret
from kombo_desktop.core.vocabulary import (
    CATEGORY_NAMES,
    DEFAULT_CATEGORY,
    DEFAULT_LANGUAGE,
    DEFAULT_LINK_TYPE,
    Category,
    Language,
    LinkType,
)

# Wire names of the fields, used as ``FieldError.field`` so the window can put each message
# next to its input.
EMAIL = "end_user_email"
ORGANIZATION_NAME = "end_user_organization_name"
ORIGIN_ID = "end_user_origin_id"
CATEGORY = "integration_category"
TOOL = "integration_tool"
REMOTE_ENVIRONMENT = "remote_environment"
LANGUAGE = "language"
SCOPE_CONFIG_ID = "scope_config_id"
ENABLE_FILTERING = "enable_filtering"
ENABLE_FIELD_MAPPING = "enable_field_mapping"
LINK_TYPE = "link_type"
INTEGRATION_ID = "integration_id"

# Lengths no real value comes near; a longer one is almost always a paste of the wrong thing.
MAX_EMAIL = 254  # RFC 5321's limit for a whole address
MAX_EMAIL_LOCAL = 64
MAX_ORGANIZATION_NAME = 200
MAX_ORIGIN_ID = 200
MAX_REMOTE_ENVIRONMENT = 100
MAX_SCOPE_CONFIG_ID = 200
MAX_INTEGRATION_ID = 200

_EXAMPLE_EMAIL = "anna@example.com"
_EXAMPLE_INTEGRATION_ID = "personio:93fCvorjZ2jas7ZekX1V1n5d"
# Characters RFC 5322 allows unquoted before the @ besides letters and digits.
# Kombo checks addresses with the rule it publishes for ``end_user.creator_email`` (the common
# TypeScript e-mail rule): before the @ only plain letters, digits and these; an ASCII domain.
# Checking the same here tells the person before sending, not after a refusal from Kombo.
_LOCAL_SYMBOLS = frozenset("_'+-")
_ALLOWED_IN_ADDRESS = "plain letters (a to z), digits and . _ ' + -"
_ID_SYMBOLS = frozenset("_.~-")


@dataclass(frozen=True)
class FieldError:
    """One problem with one field: ``field`` is the wire name, ``message`` is for the user."""

    field: str
    message: str


class InvalidRequest(ValueError):  # noqa: N818 (name fixed by the team's interface spec)
    """A request that must not be sent, with every problem found (not just the first).

    Listing all problems at once spares the user a fix-one-retry-find-the-next loop.
    """

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        super().__init__("\n".join(error.message for error in self.errors))

    def message_for(self, field: str) -> str | None:
        """The message for ``field`` (wire name), or ``None`` if that field is fine."""
        for error in self.errors:
            if error.field == field:
                return error.message
        return None

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(error.field for error in self.errors)


# --- single-field rules ---------------------------------------------------------------------


def _has_control_characters(text: str) -> bool:
    """Line breaks, tabs and other control characters, and lone surrogates: the latter come
    only from broken pasted text, and a body holding one cannot be encoded as UTF-8 to send."""
    return any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text)


# Characters that show as nothing (or reorder the sentence around them): control and format
# characters, surrogates, private-use, unassigned code points, line and paragraph separators.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _visible(text: str) -> str:
    """``text`` fit to quote back in a message: quoting an invisible character would show the
    person empty quotes, and a direction override would scramble the sentence."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE_CATEGORIES)


def _quoted_character(ch: str) -> str:
    return f"“{ch}”" if _visible(ch) and not ch.isspace() else "an invisible character"


def _unwrapped_address(email: str) -> tuple[str, str] | None:
    """The one usable address in what a mail program copies around it ("Anna Berg
    <anna@example.com>", "mailto:anna@example.com", "anna@example.com;"), with a description
    of what is around it; None when there is not exactly one good address in it.

    Mail programs put a name, angle brackets, "mailto:" or a separator around an address when
    it is copied; the plain refusal ("can't contain spaces") would leave the person to work out
    which part to keep.
    """
    address, extra = None, ""
    if email.endswith(">"):
        name, bracket, inside = email[:-1].rpartition("<")
        if bracket and "@" not in name:  # an @ before it: more than one address
            address = inside.strip()
            extra = "the name and the angle brackets" if name.strip() else "the angle brackets"
    elif email[:7].lower() == "mailto:":
        address, extra = email[7:], f"“{email[:7]}”"
    elif email.endswith((";", ",")):
        address = email.rstrip(";, ")
        extra = f"the “{email[len(address) :].strip()}” after it"
    if address is None or _email_problem(address) is not None:
        return None
    return address, extra


def suggested_email(email: str) -> str | None:
    """The address Kombo accepts that ``email`` stands for, when ``email`` is refused but names
    exactly one: copied with an invisible character in it, with a name, "mailto:" or a
    separator around it, or at an international domain (then written as e-mail systems write
    it). None otherwise; the form offers it as a one-click fix, the message names it."""
    typed = email.strip()
    if not typed or _email_problem(typed) is None:
        return None
    email = sent_text(typed)
    if email != typed and _email_problem(email) is None:
        return email
    if not email or len(email) > MAX_EMAIL:
        return None
    unwrapped = _unwrapped_address(email)
    if unwrapped is not None:
        return unwrapped[0]
    local, at, domain = email.partition("@")
    # _dns_form checks the whole address so written: a bad name before the @ or a second @
    # gives nothing.
    return _dns_form(local, domain) if at and not domain.isascii() else None


KEY_IN_FIELD_PROBLEM = (
    "This is an API key. It must never be sent as customer data: remove it from this field."
)


_Check = TypeVar("_Check", bound=Callable[..., str | None])


def _refuses_keys(check: _Check) -> _Check:
    """``check`` of a text field, refusing first a key the program knows, also when written
    as a web address writes it (``kombo-eu-key%2F7f3a...``, copied out of an address): pasted
    into the field by mistake it would go to Kombo as customer data, into the history and into
    a QR code's file name, and the log would not mask the key so written.

    Only registered keys are looked for (``logs.holds_registered_secret``), not the patterns
    the log also masks (``safe_text.unsafe_to_show``): those are words a customer's name can
    hold, and the form would refuse a real company called "Bearer Brothers GmbH" or
    "API-Key=Solutions AG" with no way to send it."""

    @functools.wraps(check)
    def checked(text: str | None, *args: object) -> str | None:
        if text and (holds_registered_secret(text) or holds_registered_secret(unquote(text))):
            return KEY_IN_FIELD_PROBLEM
        return check(text, *args)

    return checked  # type: ignore[return-value]


@_refuses_keys
def _email_problem(email: str) -> str | None:
    """Why ``email`` is not a usable address, or ``None``.

    Checks the shape people get wrong when typing or pasting (missing or doubled @, no domain
    ending, stray dots, spaces, two addresses at once, a name or "mailto:" around the address),
    and the characters Kombo accepts.
    """
    if not email:
        return f"Enter the customer's e-mail address, like {_EXAMPLE_EMAIL}."
    visible = sent_text(email)
    if visible != email:
        # A zero-width space or a direction mark copied along shows as nothing: named plainly,
        # with the address without it, once that address is one Kombo takes; until then what
        # else is wrong with it is the thing to fix.
        return _email_problem(visible) or (
            "The e-mail address contains an invisible character, often copied along from a "
            f"web page or a chat. Remove it: enter the address as {visible} (the same address, "
            "without it)."
        )
    if len(email) > MAX_EMAIL:
        return (
            f"The e-mail address is too long (at most {MAX_EMAIL} characters). "
            "Check that only one address was pasted."
        )
    unwrapped = _unwrapped_address(email)
    if unwrapped is not None:
        # The address mid-sentence, so that selecting it does not take the full stop along.
        return f"Enter only the e-mail address, {unwrapped[0]}, without {unwrapped[1]}."
    if any(ch.isspace() for ch in email):
        return (
            "The e-mail address can't contain spaces. Remove them, and check that only one "
            "address was entered."
        )
    if _has_control_characters(email):
        return "The e-mail address contains an invisible character. Type the address again."
    at_signs = email.count("@")
    if at_signs == 0:
        return (
            f"The e-mail address needs an @ between the name and the domain, like {_EXAMPLE_EMAIL}."
        )
    if at_signs > 1:
        return f"The e-mail address has more than one @. Enter one address, like {_EXAMPLE_EMAIL}."
    local, domain = email.split("@")
    if not local:
        return f"Add the name before the @ in the e-mail address, like anna in {_EXAMPLE_EMAIL}."
    if not domain:
        return (
            f"Add the domain after the @ in the e-mail address, like example.com in "
            f"{_EXAMPLE_EMAIL}."
        )
    return _local_part_problem(local) or _domain_problem(domain, local)


def _local_part_problem(local: str) -> str | None:
    if len(local) > MAX_EMAIL_LOCAL:
        return (
            f"The part of the e-mail address before the @ is too long "
            f"(at most {MAX_EMAIL_LOCAL} characters). Check the address."
        )
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return (
            "The part of the e-mail address before the @ can't start or end with a dot or "
            "have two dots in a row. Check the address."
        )
    for ch in local:
        if ch.isascii() and (ch.isalnum() or ch in _LOCAL_SYMBOLS or ch == "."):
            continue
        return (
            f"The e-mail address can't contain {_quoted_character(ch)} before the @: Kombo "
            f"accepts only {_ALLOWED_IN_ADDRESS}. Check the address, like {_EXAMPLE_EMAIL}."
        )
    if local.endswith("'"):
        return (
            "The part of the e-mail address before the @ can't end with an apostrophe ('). "
            "Check the address."
        )
    return None


def _ascii_label_length(label: str) -> int:
    """Length of a domain label as sent over DNS (punycode for international names)."""
    if label.isascii():
        return len(label)
    return len("xn--") + len(label.casefold().encode("punycode"))


def _dns_form(local: str, domain: str) -> str | None:
    """The address with ``domain`` as e-mail systems write international names (müller.de
    becomes xn--mller-kva.de), when Kombo accepts the address so written; else None.

    Kombo accepts only plain letters in a domain, so a customer at müller.de could not be sent a
    link at all; the same domain written this way is one it accepts, and mail still arrives.
    """
    import idna  # IDNA 2008 (the standard library's codec is the older one: straße -> strasse)

    try:
        written = f"{local}@{idna.encode(domain, uts46=True).decode('ascii')}"
    except UnicodeError:  # idna.IDNAError included: not a name that can be written so
        return None
    return written if _email_problem(written) is None else None


def _domain_problem(domain: str, local: str) -> str | None:
    where = "The e-mail address's domain (after the @)"
    written = None if domain.isascii() else _dns_form(local, domain)
    if written is not None:
        # Before the checks of dots and endings: a look-alike dot ("example．com") is one in
        # the address so written, which is the address the form offers.
        first_other = next(ch for ch in domain if not ch.isascii())
        return (
            f"Kombo takes {_quoted_character(first_other)} after the @ only the way e-mail "
            f"systems write it: enter the address as {written} (the same address; "
            "mail to it still arrives)."
        )
    if domain.startswith(".") or domain.endswith(".") or ".." in domain:
        return (
            f"{where} can't start or end with a dot or have two dots in a row. "
            f"Check the address, like {_EXAMPLE_EMAIL}."
        )
    labels = domain.split(".")
    if len(labels) < 2:
        return (
            f"{where} is incomplete: it needs an ending like .com or .de "
            f"(for example {_EXAMPLE_EMAIL})."
        )
    for label in labels:
        bad = next((ch for ch in label if not (ch.isascii() and (ch.isalnum() or ch == "-"))), None)
        if bad is not None:
            return (
                f"{where} can't contain {_quoted_character(bad)}: Kombo accepts only plain "
                f"letters (a to z), digits, dots and hyphens there. Check the address, like "
                f"{_EXAMPLE_EMAIL}."
            )
        if label.startswith("-") or label.endswith("-"):
            return f"{where} can't start or end a part with a hyphen (-). Check the address."
        if _ascii_label_length(label) > 63:
            return f"{where} has a part that is too long. Check the address."
    if sum(_ascii_label_length(label) for label in labels) + len(labels) - 1 > 253:
        return f"{where} is too long. Check the address."
    ending = labels[-1]
    if len(ending) < 2 or not ending.isalpha():
        return (
            f"The e-mail address must end with a real ending like .com or .de, not “.{ending}”. "
            "Check the address."
        )
    return None


@_refuses_keys
def _organization_problem(name: str) -> str | None:
    if not name:
        return "Enter the name of the customer's organisation, like Acme GmbH."
    if len(name) > MAX_ORGANIZATION_NAME:
        return (
            f"The organisation name is too long (at most {MAX_ORGANIZATION_NAME} characters). "
            "Shorten it."
        )
    if _has_control_characters(name):
        return "The organisation name can't contain line breaks or tabs. Keep it on one line."
    return None


@_refuses_keys
def _origin_id_problem(origin_id: str | None) -> str | None:
    if origin_id is None:
        return None
    if len(origin_id) > MAX_ORIGIN_ID:
        return (
            f"The customer's id in your system is too long (at most {MAX_ORIGIN_ID} "
            "characters). Check that only the id was pasted."
        )
    if _has_control_characters(origin_id):
        return "The customer's id in your system can't contain line breaks or tabs."
    return None


@_refuses_keys
def _scope_config_problem(scope_config_id: str | None) -> str | None:
    if scope_config_id is None:
        return None
    if len(scope_config_id) > MAX_SCOPE_CONFIG_ID:
        return (
            f"The scope config id is too long (at most {MAX_SCOPE_CONFIG_ID} characters). "
            "Copy it again from the Kombo dashboard."
        )
    if any(ch.isspace() or _has_control_characters(ch) for ch in scope_config_id):
        return (
            "The scope config id can't contain spaces. Copy it again from the Kombo dashboard, "
            "or leave the field empty."
        )
    return None


@_refuses_keys
def _remote_environment_problem(environment: str | None, tool: str | None) -> str | None:
    if environment is None:
        return None
    if tool is None:
        return (
            "A tool environment only works with a specific tool. Choose a tool, or clear the "
            "environment field."
        )
    if len(environment) > MAX_REMOTE_ENVIRONMENT:
        return (
            f"The tool environment is too long (at most {MAX_REMOTE_ENVIRONMENT} characters). "
            "Most tools need none: leave it empty unless told otherwise."
        )
    if _has_control_characters(environment):
        return "The tool environment can't contain line breaks or tabs."
    return None


def _filtering_problem(enabled: bool, category: Category | None) -> str | None:
    if enabled and category is not None and category != Category.HRIS:
        return (  # the kind of system named as its list does: "HR system" is in none
            "Employee filtering is only for HR systems. Turn it off, or choose "
            f"“{CATEGORY_NAMES[Category.HRIS]}” as the kind of system."
        )
    return None


def _tool_problem(
    tool: str | None, category: Category | None, catalog: ToolCatalog | None
) -> str | None:
    """Whether the chosen tool exists (in ``catalog``) and serves the chosen category.

    Without a catalog only the id's shape is checked: the catalog decides membership, and the
    caller may hold a refreshed one that knows tools the bundle does not.
    """
    if tool is None:
        return None
    # A name typed for another kind of system is found too: saying it is no tool at all hid
    # the way forward, changing the kind of system.
    known = (catalog.get(tool) or catalog.named(tool)) if catalog is not None else None
    if known is None and not is_tool_id(tool):
        shown = _visible(tool)[:40].strip()
        return (
            f"{f'“{shown}”' if shown else 'This'} is not a tool name Kombo uses. Choose a tool "
            "from the list, or let the customer choose."
        )
    if catalog is None:
        return None
    if known is None:
        return (
            f"“{tool}” is not a tool Kombo offers. Choose a tool from the list, or let the "
            "customer choose."
        )
    if category is not None and category not in known.categories:
        return _tool_of_other_kinds(known, category)
    return None


def _tool_of_other_kinds(tool: Tool, category: Category) -> str:
    """Why ``tool`` cannot be chosen for ``category``: Kombo does not connect it as that kind
    of system, or the account's own list (``ToolCatalog.with_category_tools``) leaves it out,
    which is no fact about the tool; the kinds it is offered for, if any, are named."""
    asked = f"“{CATEGORY_NAMES[category]}”"
    kinds = " or ".join(f"“{CATEGORY_NAMES[kind]}”" for kind in tool.categories)
    if not ToolCatalog.bundled().belongs(tool.id, category) and kinds:
        return (
            f"{tool.label} can't be connected as {asked}, only as {kinds}. Choose a tool from "
            "the list for that kind of system, or change the kind of system."
        )
    unavailable = not_in_the_account(tool.label, category)
    if kinds:
        return (
            f"{unavailable}, only for {kinds}. Choose another tool, let the customer choose, "
            "or change the kind of system."
        )
    return f"{unavailable}. Choose another tool, or let the customer choose."


def not_in_the_account(tool_label: str, category: Category) -> str:
    """The words for a tool the account does not offer for a kind of system: "Personio is not
    available in your Kombo account for “HR system (HRIS)”", without the full stop. The form's
    check, a refreshed tool list that drops the chosen tool and a form filled again from the
    history each go on in their own way; this part reads the same in all of them."""
    return f"{tool_label} is not available in your Kombo account for “{CATEGORY_NAMES[category]}”"


def integration_tool(integration_id: str) -> str | None:
    """The tool an integration id names: Kombo's ids are ``<tool>:<identifier>``
    (``personio:93f...`` -> ``personio``). None when the id has no tool part."""
    tool, colon, _identifier = integration_id.strip().partition(":")
    return (tool.strip() or None) if colon else None


_QUOTES = "\"'`“”‘’„«»"


def _id_in_pasted_form(text: str) -> str | None:
    """The one integration id in a web address copied from a browser (its path or query,
    percent-encoded or not), or between quotes; None when there is not exactly one good id."""
    if "://" in text:
        from urllib.parse import unquote, urlsplit

        address = urlsplit(text)
        pieces = address.path.split("/") + [
            value for pair in address.query.split("&") for value in pair.split("=")[1:]
        ]
        found = {unquote(piece) for piece in pieces if piece}
        ids = {piece for piece in found if _integration_id_problem(piece) is None}
        return ids.pop() if len(ids) == 1 else None
    inner = text.strip(_QUOTES)
    if inner != text and inner and _integration_id_problem(inner) is None:
        return inner
    return None


def suggested_integration_id(text: str) -> str | None:
    """The integration id Kombo accepts that ``text`` stands for, when ``text`` is refused but
    holds exactly one (a copied web address, quotes around the id); else None. The form offers
    it as a one-click fix, the message names it."""
    text = text.strip()
    if not text or len(text) > MAX_INTEGRATION_ID or _integration_id_problem(text) is None:
        return None
    return _id_in_pasted_form(text)


@_refuses_keys
def _integration_id_problem(integration_id: str) -> str | None:
    example = f"like {_EXAMPLE_INTEGRATION_ID}"
    if not integration_id:
        return f"Enter the integration id from the Kombo dashboard, {example}."
    if len(integration_id) > MAX_INTEGRATION_ID:
        return (
            f"The integration id is too long (at most {MAX_INTEGRATION_ID} characters). "
            f"Copy only the id from the Kombo dashboard, {example}."
        )
    found = _id_in_pasted_form(integration_id)
    if "://" in integration_id:
        if found is not None:
            return (
                f"This is a web address. Enter only the integration id in it, {found}, without "
                "the rest."
            )
        return f"This is a web address. Paste only the integration id, {example}."
    if found is not None:
        return f"Enter only the integration id, {found}, without the quotes around it."
    if any(ch.isspace() for ch in integration_id):
        return f"The integration id can't contain spaces. Copy it again, {example}."
    tool, colon, identifier = integration_id.partition(":")
    if not colon or not tool or not identifier:
        return (
            f"The integration id starts with the tool's name and a colon, {example}. Copy the "
            "whole id from the Kombo dashboard."
        )
    # The id becomes part of the request's web address, so only address-safe characters pass.
    if not is_tool_id(tool) or not all(
        (ch.isascii() and ch.isalnum()) or ch in _ID_SYMBOLS for ch in identifier
    ):
        return (
            f"The integration id contains characters an id can't have. Copy it again from the "
            f"Kombo dashboard, {example}."
        )
    return None


_E = TypeVar("_E", bound=StrEnum)


def _parse_enum(enum: type[_E], value: object) -> _E | None:
    """The member whose value matches ``value`` ignoring case and surrounding spaces."""
    if isinstance(value, enum):
        return value
    if not isinstance(value, str):
        return None
    wanted = value.strip().casefold()
    for member in enum:
        if member.value.casefold() == wanted:
            return member
    return None


_CATEGORY_PROBLEM = (
    "Choose the kind of system the customer connects: HR system, recruiting system, "
    "assessment tool or learning system."
)
_LANGUAGE_PROBLEM = (
    "Choose the language of the customer's connection page: English, Deutsch, Français, "
    "Italiano or Español."
)
_LINK_TYPE_PROBLEM = (
    "Choose how the link will be used: sent to the customer (valid 1 year) or embedded in your "
    "app (valid 1 hour)."
)


def sent_text(value: str) -> str:
    """A free-text field's ``value`` as it is sent and compared: without the invisible
    characters copying brings along, then trimmed.

    A zero-width space, a left-to-right mark or a soft hyphen copied with a name or an id from
    a web page, a CRM or a chat shows as nothing, yet sent it would make Kombo store another
    customer id than the one in the earlier link, and the duplicate check miss that link; a
    name of only such characters looks empty. Direction overrides would turn the name around
    wherever Kombo shows it. The joiners Persian and Indic names and emoji need stay (see
    ``without_invisible_formatting``). The field itself keeps what was typed. An e-mail
    address is not cleaned on its way: it is refused, with the address without them offered
    (``suggested_email``), so the person sees the address the link is made for.
    """
    return without_invisible_formatting(value, keep_joiners=True).strip()


def _optional(value: str | None) -> str | None:
    """The text as sent (``sent_text``), with empty meaning "not given" (Kombo rejects ``""``
    for some fields)."""
    if value is None:
        return None
    return sent_text(value) or None


def _bool_value(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().casefold() in {"1", "true", "yes", "on"}
    return bool(value)


# --- the requests ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkRequest:
    """Everything ``POST /connect/create-link`` accepts, already checked.

    The constructor trims text, turns empty optional text into ``None`` and enforces every rule
    that needs no tool list; ``from_form`` also checks the tool against a catalog. So a
    ``LinkRequest`` that exists is one Kombo should accept.
    """

    end_user_email: str
    end_user_organization_name: str
    end_user_origin_id: str | None = None
    integration_category: Category = DEFAULT_CATEGORY
    integration_tool: str | None = None
    remote_environment: str | None = None
    language: Language = DEFAULT_LANGUAGE
    scope_config_id: str | None = None
    enable_filtering: bool = False
    enable_field_mapping: bool = False
    link_type: LinkType = DEFAULT_LINK_TYPE

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "end_user_email", str(self.end_user_email).strip())
        set_(self, ORGANIZATION_NAME, sent_text(str(self.end_user_organization_name)))
        for name in (ORIGIN_ID, TOOL, REMOTE_ENVIRONMENT, SCOPE_CONFIG_ID):
            set_(self, name, _optional(getattr(self, name)))
        set_(self, ENABLE_FILTERING, _bool_value(self.enable_filtering))
        set_(self, ENABLE_FIELD_MAPPING, _bool_value(self.enable_field_mapping))
        errors: list[FieldError] = []
        for name, enum, problem in (
            (CATEGORY, Category, _CATEGORY_PROBLEM),
            (LANGUAGE, Language, _LANGUAGE_PROBLEM),
            (LINK_TYPE, LinkType, _LINK_TYPE_PROBLEM),
        ):
            member = _parse_enum(enum, getattr(self, name))
            if member is None:
                errors.append(FieldError(name, problem))
            else:
                set_(self, name, member)
        errors.extend(self._problems(catalog=None))
        if errors:
            raise InvalidRequest(_in_form_order(errors))

    def _problems(self, catalog: ToolCatalog | None) -> list[FieldError]:
        category = _parse_enum(Category, self.integration_category)
        checks: list[tuple[str, str | None]] = [
            (EMAIL, _email_problem(self.end_user_email)),
            (ORGANIZATION_NAME, _organization_problem(self.end_user_organization_name)),
            (ORIGIN_ID, _origin_id_problem(self.end_user_origin_id)),
            (TOOL, _tool_problem(self.integration_tool, category, catalog)),
            (
                REMOTE_ENVIRONMENT,
                _remote_environment_problem(self.remote_environment, self.integration_tool),
            ),
            (SCOPE_CONFIG_ID, _scope_config_problem(self.scope_config_id)),
            (ENABLE_FILTERING, _filtering_problem(self.enable_filtering, category)),
        ]
        return [FieldError(field, message) for field, message in checks if message]

    @classmethod
    def from_form(
        cls,
        *,
        email: str,
        organization_name: str,
        origin_id: str = "",
        category: str = DEFAULT_CATEGORY,
        tool: str | None = None,
        remote_environment: str = "",
        language: str = DEFAULT_LANGUAGE,
        link_type: str = DEFAULT_LINK_TYPE,
        scope_config_id: str = "",
        enable_filtering: bool = False,
        enable_field_mapping: bool = False,
        catalog: ToolCatalog | None = None,
    ) -> LinkRequest:
        """A checked request from the form's raw text; raises ``InvalidRequest`` listing every
        problem. The tool is checked against ``catalog`` (the bundled one if not given); the
        constructor checks everything else, unknown kinds of system, languages and link types
        included."""
        tools = catalog if catalog is not None else ToolCatalog.bundled()
        parsed_category = _parse_enum(Category, category)
        tool_id = _optional(tool)
        if tool_id and not tools.get(tool_id):
            named = tools.named(tool_id, parsed_category)
            if named is not None:
                tool_id = named.id  # a tool's name as typed ("Bamboo HR"): Kombo takes its id
        tool_problem = _tool_problem(tool_id, parsed_category, tools)
        errors = [FieldError(TOOL, tool_problem)] if tool_problem else []
        try:
            request = cls(
                end_user_email=email,
                end_user_organization_name=organization_name,
                end_user_origin_id=origin_id,
                # Unknown strings are reported by the constructor with the other problems.
                integration_category=category,  # type: ignore[arg-type]
                integration_tool=tool_id,
                remote_environment=remote_environment,
                language=language,  # type: ignore[arg-type]
                scope_config_id=scope_config_id,
                enable_filtering=enable_filtering,
                enable_field_mapping=enable_field_mapping,
                link_type=link_type,  # type: ignore[arg-type]
            )
        except InvalidRequest as invalid:
            # The constructor checks the tool's shape only; the catalog's word above is fuller.
            errors.extend(error for error in invalid.errors if error.field != TOOL)
            raise InvalidRequest(_in_form_order(errors)) from None
        if errors:
            raise InvalidRequest(_in_form_order(errors))
        return request

    def to_json(self) -> dict[str, object]:
        """The request body. Fields left empty are omitted, not sent as ``null``: Kombo's schema
        lists no ``null`` in its enums. Link type and language are always sent because this
        program's defaults differ from Kombo's."""
        body: dict[str, object] = {
            EMAIL: self.end_user_email,
            ORGANIZATION_NAME: self.end_user_organization_name,
            ORIGIN_ID: self.end_user_origin_id,
            CATEGORY: self.integration_category.value,
            TOOL: self.integration_tool,
            REMOTE_ENVIRONMENT: self.remote_environment,
            LANGUAGE: self.language.value,
            SCOPE_CONFIG_ID: self.scope_config_id,
            ENABLE_FILTERING: self.enable_filtering,
            ENABLE_FIELD_MAPPING: self.enable_field_mapping,
            LINK_TYPE: self.link_type.value,
        }
        return {key: value for key, value in body.items() if value is not None}


@dataclass(frozen=True)
class RelinkRequest:
    """A reconnection link for an existing integration (``POST /integrations/{id}/relink``),
    used when a customer's credentials changed: a new link would create a second integration."""

    integration_id: str
    language: Language = DEFAULT_LANGUAGE
    scope_config_id: str | None = None
    link_type: LinkType = DEFAULT_LINK_TYPE

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, INTEGRATION_ID, str(self.integration_id).strip())
        set_(self, SCOPE_CONFIG_ID, _optional(self.scope_config_id))
        errors: list[FieldError] = []
        problem = _integration_id_problem(self.integration_id)
        if problem:
            errors.append(FieldError(INTEGRATION_ID, problem))
        for name, enum, message in (
            (LANGUAGE, Language, _LANGUAGE_PROBLEM),
            (LINK_TYPE, LinkType, _LINK_TYPE_PROBLEM),
        ):
            member = _parse_enum(enum, getattr(self, name))
            if member is None:
                errors.append(FieldError(name, message))
            else:
                set_(self, name, member)
        problem = _scope_config_problem(self.scope_config_id)
        if problem:
            errors.append(FieldError(SCOPE_CONFIG_ID, problem))
        if errors:
            raise InvalidRequest(_in_form_order(errors))

    @classmethod
    def from_form(
        cls,
        *,
        integration_id: str,
        language: str = DEFAULT_LANGUAGE,
        link_type: str = DEFAULT_LINK_TYPE,
        scope_config_id: str = "",
    ) -> RelinkRequest:
        """A checked relink request from the form's raw text; raises ``InvalidRequest``."""
        return cls(
            integration_id=integration_id,
            # Unknown strings are reported by the constructor with the other problems.
            language=language,  # type: ignore[arg-type]
            scope_config_id=scope_config_id,
            link_type=link_type,  # type: ignore[arg-type]
        )

    def to_json(self) -> dict[str, object]:
        """The request body; the integration id goes into the address, not the body."""
        body: dict[str, object] = {LANGUAGE: self.language.value, LINK_TYPE: self.link_type.value}
        if self.scope_config_id is not None:
            body[SCOPE_CONFIG_ID] = self.scope_config_id
        return body


_FORM_ORDER = (
    EMAIL,
    ORGANIZATION_NAME,
    ORIGIN_ID,
    INTEGRATION_ID,
    CATEGORY,
    TOOL,
    REMOTE_ENVIRONMENT,
    LANGUAGE,
    LINK_TYPE,
    SCOPE_CONFIG_ID,
    ENABLE_FILTERING,
    ENABLE_FIELD_MAPPING,
)


def _in_form_order(errors: Iterable[FieldError]) -> list[FieldError]:
    """Errors in the order of the form, one per field, so messages read top to bottom."""
    first: dict[str, FieldError] = {}
    for error in errors:
        first.setdefault(error.field, error)
    rank = {name: index for index, name in enumerate(_FORM_ORDER)}
    return sorted(first.values(), key=lambda e: rank.get(e.field, len(rank)))


# --- as-you-type checks ----------------------------------------------------------------------


def validate_field(
    field: str,
    value: str | bool | None,
    *,
    category: str | Category | None = None,
    tool: str | None = None,
    catalog: ToolCatalog | None = None,
) -> str | None:
    """The message for one field as the user types, or ``None`` if it is fine.

    ``field`` is the wire name (e.g. ``"end_user_email"``). Rules that depend on another field
    take it as ``category`` (for the tool and filtering) or ``tool`` (for the environment);
    the tool is checked against ``catalog``, the bundled one if not given. Raises ``ValueError``
    for a field name this module does not know (a programming mistake, not a user's).
    """
    text = value.strip() if isinstance(value, str) else ""
    sent = sent_text(value) if isinstance(value, str) else ""
    parsed_category = _parse_enum(Category, category) if category is not None else None
    checks: dict[str, Callable[[], str | None]] = {
        EMAIL: lambda: _email_problem(text),
        ORGANIZATION_NAME: lambda: _organization_problem(sent),
        ORIGIN_ID: lambda: _origin_id_problem(sent or None),
        CATEGORY: lambda: None if _parse_enum(Category, text) else _CATEGORY_PROBLEM,
        TOOL: lambda: _tool_problem(
            sent or None,
            parsed_category,
            catalog if catalog is not None else ToolCatalog.bundled(),
        ),
        REMOTE_ENVIRONMENT: lambda: _remote_environment_problem(sent or None, _optional(tool)),
        LANGUAGE: lambda: None if _parse_enum(Language, text) else _LANGUAGE_PROBLEM,
        LINK_TYPE: lambda: None if _parse_enum(LinkType, text) else _LINK_TYPE_PROBLEM,
        SCOPE_CONFIG_ID: lambda: _scope_config_problem(sent or None),
        ENABLE_FILTERING: lambda: _filtering_problem(_bool_value(value), parsed_category),
        ENABLE_FIELD_MAPPING: lambda: None,
        INTEGRATION_ID: lambda: _integration_id_problem(text),
    }
    check = checks.get(field)
    if check is None:
        raise ValueError(f"validate_field does not know the field {field!r}")
    return check()
