"""What staff ask Kombo for: a new connection link, or a link to reconnect an integration.

Kombo rejects a bad request with a terse technical message after a network round trip; checking
here first means the person at the form sees, next to the right field and in plain words, what to
change. Every rule lives in one small function so the form's as-you-type hints
(``validate_field``) and the final check (``LinkRequest.from_form``) can never disagree. The
e-mail address and the integration id have modules of their own (``email_address``,
``integration_id``); what all fields share is in ``field_text``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from enum import Enum, StrEnum
from typing import NamedTuple, TypeVar

from kombo_desktop.core.catalog import Tool, ToolCatalog, is_tool_id
from kombo_desktop.core.email_address import email_problem
from kombo_desktop.core.field_text import (
    KEY_IN_FIELD_PROBLEM,
    has_control_characters,
    holds_known_key,
    refuses_keys,
    sent_text,
    visible,
)
from kombo_desktop.core.integration_id import integration_id_as_sent, integration_id_problem
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
MAX_ORGANIZATION_NAME = 200
MAX_ORIGIN_ID = 200
MAX_REMOTE_ENVIRONMENT = 100
MAX_SCOPE_CONFIG_ID = 200


class FieldError(NamedTuple):
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


@refuses_keys
def _organization_problem(name: str) -> str | None:
    if not name:
        return "Enter the name of the customer's organisation, like Acme GmbH."
    if len(name) > MAX_ORGANIZATION_NAME:
        return (
            f"The organisation name is too long (at most {MAX_ORGANIZATION_NAME} characters). "
            "Shorten it."
        )
    if has_control_characters(name):
        return "The organisation name can't contain line breaks or tabs. Keep it on one line."
    return None


@refuses_keys
def _origin_id_problem(origin_id: str | None) -> str | None:
    if origin_id is None:
        return None
    if len(origin_id) > MAX_ORIGIN_ID:
        return (
            f"The customer's id in your system is too long (at most {MAX_ORIGIN_ID} "
            "characters). Check that only the id was pasted."
        )
    if has_control_characters(origin_id):
        return "The customer's id in your system can't contain line breaks or tabs."
    return None


@refuses_keys
def _scope_config_problem(scope_config_id: str | None) -> str | None:
    if scope_config_id is None:
        return None
    if len(scope_config_id) > MAX_SCOPE_CONFIG_ID:
        return (
            f"The scope config id is too long (at most {MAX_SCOPE_CONFIG_ID} characters). "
            "Copy it again from the Kombo dashboard."
        )
    if any(ch.isspace() or has_control_characters(ch) for ch in scope_config_id):
        return (
            "The scope config id can't contain spaces. Copy it again from the Kombo dashboard, "
            "or leave the field empty."
        )
    return None


@refuses_keys
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
    if has_control_characters(environment):
        return "The tool environment can't contain line breaks or tabs."
    return None


def _filtering_problem(enabled: bool, category: Category | None) -> str | None:
    if enabled and category is not None and category != Category.HRIS:
        return (  # the kind of system named as its list does: "HR system" is in none
            "Employee filtering is only for HR systems. Turn it off, or choose "
            f"“{CATEGORY_NAMES[Category.HRIS]}” as the kind of system."
        )
    return None


@refuses_keys
def _tool_problem(
    tool: str | None, category: Category | None, catalog: ToolCatalog | None
) -> str | None:
    """Whether the chosen tool exists (in ``catalog``) and serves the chosen category.

    Without a catalog only the id's shape is checked: the catalog decides membership, and the
    caller may hold a refreshed one that knows tools the bundle does not. The tool box takes
    typing too, and the messages below quote what was typed: a key pasted there would stand in
    full under the field, and one with the shape of a tool id would be sent as the tool; so a
    key is refused first, as in every other field.
    """
    if tool is None:
        return None
    # A name typed for another kind of system is found too: saying it is no tool at all hid
    # the way forward, changing the kind of system.
    known = (catalog.get(tool) or catalog.named(tool)) if catalog is not None else None
    if known is None and catalog is not None:
        return _unknown_tool(tool, category, catalog)
    if known is None and not is_tool_id(tool):
        return f"{_not_a_tool(tool)} Choose a tool from the list, or let the customer choose."
    if known is None or category is None or category in known.categories:
        return None
    return _tool_of_other_kinds(known, category)


def _not_a_tool(tool: str) -> str:
    """The first sentence for a text that names no tool: one that cannot be a tool id (spaces,
    quotes) is no tool name at all; one that could be is no tool Kombo offers (yet)."""
    if is_tool_id(tool):
        return f"{_quoted(tool)} is not a tool Kombo offers."
    return f"{_quoted(tool)} is not a tool name Kombo uses."


def _quoted(tool: str) -> str:
    """The typed text as a message quotes it: visible, and not at length."""
    shown = visible(tool)[:40].strip()
    return f"“{shown}”" if shown else "This"


def _unknown_tool(tool: str, category: Category | None, catalog: ToolCatalog) -> str:
    """Why ``tool`` (the typed text) names no tool, with the way forward: the tool it stands
    for (see ``suggested_tool``), the tools it is part of, or the kind of system whose tools
    it fits. "bamboo" was said to be no tool Kombo offers, though the list had just shown
    BambooHR for it, and a newcomer could have told the customer so."""
    fitting = catalog.search(tool, category)
    meant = suggested_tool(tool, category, catalog)
    if meant is not None and fitting:
        return f"{_quoted(tool)} is only part of a tool's name. Did you mean {meant.label}?"
    if meant is not None:
        return f"{_not_a_tool(tool)} Did you mean {meant.label}?"
    if fitting:
        return (
            f"{_quoted(tool)} fits several tools: {_some_names(fitting)}. Choose one from the list."
        )
    if category is not None:
        # The closest only: a slip that is near several names meant the nearest.
        elsewhere = catalog.search(tool) or catalog.closest(tool)[:1]
        if len(elsewhere) == 1:
            return _tool_of_other_kinds(elsewhere[0], category)
        if elsewhere:
            return (
                f"Only tools for other kinds of system fit {_quoted(tool)}, none for "
                f"“{CATEGORY_NAMES[category]}”. Choose a tool from the list, or change the "
                "kind of system."
            )
    return f"{_not_a_tool(tool)} Choose a tool from the list, or let the customer choose."


def suggested_tool(text: str, category: Category | None, catalog: ToolCatalog) -> Tool | None:
    """The tool of ``category`` that ``text`` stands for when it names none: the only one
    whose name holds it ("bamboo" for BambooHR), or the one spelt most nearly like it
    ("grenhouse" for Greenhouse, see ``ToolCatalog.closest``). None when it names a tool,
    when several hold it or when none is close. The form offers it as a one-click fix; the
    message names it."""
    if not text.strip() or catalog.named(text) is not None:
        return None
    fitting = catalog.search(text, category)
    if fitting:
        return fitting[0] if len(fitting) == 1 else None
    closest = catalog.closest(text, category)
    return closest[0] if closest else None


def _some_names(tools: list[Tool], shown: int = 3) -> str:
    """The first ``shown`` names of ``tools`` as a sentence lists them: "A, B and C", or
    "A, B, C and 4 more"; a name two tools share is said once."""
    names = list(dict.fromkeys(tool.label for tool in tools))
    if len(names) <= shown:
        return " and ".join(filter(None, (", ".join(names[:-1]), names[-1])))
    return f"{', '.join(names[:shown])} and {len(names) - shown} more"


def _tool_of_other_kinds(tool: Tool, category: Category) -> str:
    """Why ``tool`` cannot be chosen for ``category``: Kombo does not connect it as that kind
    of system, or the account's own list (``ToolCatalog.with_lists``) leaves it out,
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
            (EMAIL, email_problem(self.end_user_email)),
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
        # Without the invisible characters copying brought along (see integration_id_as_sent).
        set_(self, INTEGRATION_ID, integration_id_as_sent(str(self.integration_id)))
        set_(self, SCOPE_CONFIG_ID, _optional(self.scope_config_id))
        errors: list[FieldError] = []
        problem = integration_id_problem(self.integration_id)
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


def typed_text(request: LinkRequest | RelinkRequest) -> tuple[tuple[str, str], ...]:
    """The text of ``request`` the person typed or pasted, as sent (wire name, text): what a
    key pasted by mistake can be in. The choices from lists (kind of system, language, link
    type) are the program's own words."""
    values = ((field.name, getattr(request, field.name)) for field in fields(request))
    return tuple(
        (name, value)
        for name, value in values
        if isinstance(value, str) and not isinstance(value, Enum)
    )


def refuse_known_keys(typed: Iterable[tuple[str, str]]) -> None:
    """Raise ``InvalidRequest`` naming each field of ``typed`` (see ``typed_text``) that holds
    a key the program knows now, with the problem its field shows for one.

    The form was checked when its button was pressed; a key the program read only then (from
    the password store, on the worker thread sending the request) or while the request waited
    to be repeated was not known at that moment. The client calls this again right before
    every attempt, so such a key is not sent to Kombo as customer data, and no link made with
    it reaches the history or a QR code's file name."""
    errors = [
        FieldError(name, KEY_IN_FIELD_PROBLEM) for name, text in typed if holds_known_key(text)
    ]
    if errors:
        raise InvalidRequest(_in_form_order(errors))


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
        EMAIL: lambda: email_problem(text),
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
        INTEGRATION_ID: lambda: integration_id_problem(text),
    }
    check = checks.get(field)
    if check is None:
        raise ValueError(f"validate_field does not know the field {field!r}")
    return check()
