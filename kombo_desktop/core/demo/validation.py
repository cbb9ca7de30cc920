"""Kombo's input rules, as the demo service applies them to what a client sends.

Written from Kombo's published schema, deliberately without using the program's own request model
(``link_request``): the demo service stands in for Kombo in tests, so it has to catch a client that
builds a wrong body, which it could not do if both shared the same checks. Each rule yields one
sentence naming the wire field; all problems of a body are reported together.

Two choices go beyond what Kombo documents, both taken from the schema's letter because they
catch client mistakes: unknown fields are rejected (a typo in a field name would otherwise be
ignored and the link made with a default), and ``null`` is refused for ``language`` and
``integration_tool``, whose schema says "string or null" but whose enums do not list null.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from urllib.parse import unquote

from kombo_desktop.core.catalog import Tool, ToolCatalog
from kombo_desktop.core.vocabulary import Category, Language, LinkType

CREATE_LINK_FIELDS = (
    "end_user_email",
    "end_user_organization_name",
    "end_user_origin_id",
    "remote_environment",
    "integration_category",
    "integration_tool",
    "language",
    "scope_config_id",
    "enable_filtering",
    "enable_field_mapping",
    "link_type",
)
RELINK_FIELDS = ("language", "scope_config_id", "link_type")

_CATEGORIES = tuple(c.value for c in Category)
_LANGUAGES = tuple(lang.value for lang in Language)
_LINK_TYPES = tuple(t.value for t in LinkType)

# The address check common in TypeScript services (zod's), which is what a Kombo-like API would
# apply for ``format: email``: a dotted domain with a letters-only top level, no spaces, no "..".
_EMAIL = re.compile(
    r"(?!\.)(?!.*\.\.)[A-Za-z0-9_'+\-.]*[A-Za-z0-9_+\-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}",
    re.ASCII,
)
_MAX_EMAIL = 254
# "personio:93fCvorjZ2jas7ZekX1V1n5d": a tool id, a colon, an identifier without spaces.
_INTEGRATION_ID = re.compile(r"([A-Za-z0-9][A-Za-z0-9_.-]*):([A-Za-z0-9_-]+)", re.ASCII)


def _kind(value: object) -> str:
    """JSON's name for a value's type, for messages like "must be a string, not a number"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _shown(value: object) -> str:
    """A short JSON rendering of a value sent, so a typo is visible in the message."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def is_email(text: str) -> bool:
    return len(text) <= _MAX_EMAIL and _EMAIL.fullmatch(text) is not None


def _unknown_fields(body: Mapping[str, object], allowed: tuple[str, ...]) -> list[str]:
    """The fields of ``body`` not in ``allowed``, named alone: Kombo's refusals name only what
    they refuse, and a client marks every field a refusal names (a list of the allowed fields
    after them had every field of the form marked for one unknown field)."""
    unknown = [key for key in body if key not in allowed]
    if not unknown:
        return []
    names = ", ".join(_shown(key) for key in unknown)
    plural = "s" if len(unknown) > 1 else ""
    return [f"Unknown field{plural} {names}."]


def _string(body: Mapping[str, object], name: str, *, nullable: bool) -> tuple[bool, list[str]]:
    """Whether the field is a usable string (False when absent/null), and its type problem."""
    if name not in body:
        return False, []
    value = body[name]
    if value is None:
        return False, ([] if nullable else [f"{name} must not be null."])
    if not isinstance(value, str):
        wanted = "a string or null" if nullable else "a string"
        return False, [f"{name} must be {wanted}, not {_kind(value)}."]
    return True, []


def _enum(body: Mapping[str, object], name: str, allowed: tuple[str, ...]) -> list[str]:
    present, problems = _string(body, name, nullable=False)
    if present and body[name] not in allowed:
        return [f"{name} must be one of {', '.join(allowed)} (got {_shown(body[name])})."]
    if problems:
        hint = " (leave it out to use the default)" if body[name] is None else ""
        return [f"{name} must be one of {', '.join(allowed)}, not {_kind(body[name])}{hint}."]
    return []


def _boolean(body: Mapping[str, object], name: str) -> list[str]:
    if name in body and not isinstance(body[name], bool):
        return [f"{name} must be true or false, not {_kind(body[name])}."]
    return []


def _not_an_object(body: object) -> list[str]:
    if isinstance(body, dict):
        return []
    return [f"The request body must be a JSON object, not {_kind(body)}."]


def create_link_problems(body: object, catalog: ToolCatalog) -> list[str]:
    """Every rule a ``POST /connect/create-link`` body breaks; empty when Kombo would accept it."""
    if not isinstance(body, dict):
        return _not_an_object(body)
    problems = _unknown_fields(body, CREATE_LINK_FIELDS)

    if "end_user_email" not in body:
        problems.append("end_user_email is required.")
    else:
        present, type_problems = _string(body, "end_user_email", nullable=False)
        problems += type_problems
        if present and not is_email(str(body["end_user_email"])):
            problems.append(
                "end_user_email must be an e-mail address like anna@example.com "
                f"(got {_shown(body['end_user_email'])})."
            )

    if "end_user_organization_name" not in body:
        problems.append("end_user_organization_name is required.")
    else:
        present, type_problems = _string(body, "end_user_organization_name", nullable=False)
        problems += type_problems
        if present and body["end_user_organization_name"] == "":
            problems.append("end_user_organization_name must not be empty.")

    present, type_problems = _string(body, "end_user_origin_id", nullable=True)
    problems += type_problems
    if present and body["end_user_origin_id"] == "":
        problems.append(
            "end_user_origin_id must not be an empty string; leave it out or send null."
        )

    problems += _enum(body, "integration_category", _CATEGORIES)
    problems += _enum(body, "language", _LANGUAGES)
    problems += _enum(body, "link_type", _LINK_TYPES)
    problems += _string(body, "scope_config_id", nullable=True)[1]
    problems += _boolean(body, "enable_filtering")
    problems += _boolean(body, "enable_field_mapping")
    problems += _tool_problems(body, catalog)
    return problems


def _category_of(body: Mapping[str, object]) -> Category | None:
    """The category the body asks for (HRIS when left out), or None when it is not valid."""
    value = body.get("integration_category", Category.HRIS.value)
    return Category(value) if isinstance(value, str) and value in _CATEGORIES else None


def _tool_problems(body: Mapping[str, object], catalog: ToolCatalog) -> list[str]:
    problems: list[str] = []
    category = _category_of(body)
    has_tool, type_problems = _string(body, "integration_tool", nullable=False)
    if type_problems and body["integration_tool"] is None:
        type_problems = [
            "integration_tool must not be null; leave it out to let the customer choose the tool."
        ]
    problems += type_problems
    if has_tool:
        tool_id = str(body["integration_tool"])
        tool = catalog.get(tool_id)
        if tool is None:
            problems.append(f"integration_tool {_shown(tool_id)} is not a tool Kombo knows.")
        elif category is not None and category not in tool.categories:
            belongs = ", ".join(c.value for c in tool.categories)
            problems.append(
                f"integration_tool {_shown(tool_id)} cannot be used with integration_category "
                f"{category.value} (it belongs to {belongs})."
            )

    has_environment, type_problems = _string(body, "remote_environment", nullable=True)
    problems += type_problems
    if has_environment and body.get("integration_tool") is None:
        problems.append("remote_environment can only be used together with integration_tool.")

    # With an invalid category the enum message already says what to fix.
    if body.get("enable_filtering") is True and category not in (None, Category.HRIS):
        problems.append(
            "enable_filtering is only available for integration_category HRIS, "
            f"not {body.get('integration_category')}."
        )
    return problems


def relink_problems(body: object) -> list[str]:
    """Every rule a ``POST /integrations/{id}/relink`` body breaks (all its fields are optional)."""
    if not isinstance(body, dict):
        return _not_an_object(body)
    problems = _unknown_fields(body, RELINK_FIELDS)
    problems += _enum(body, "language", _LANGUAGES)
    problems += _enum(body, "link_type", _LINK_TYPES)
    problems += _string(body, "scope_config_id", nullable=True)[1]
    return problems


def integration_tool(raw_segment: str, catalog: ToolCatalog) -> Tool | None:
    """The tool of an integration id taken from a URL path, or None when no such integration
    could exist (wrong shape or unknown tool): Kombo answers those with "not found"."""
    match = _INTEGRATION_ID.fullmatch(unquote(raw_segment))
    return catalog.get(match.group(1)) if match else None


def tools_category(raw_segment: str) -> Category | None:
    """The category of ``GET /tools/{category}``, which Kombo expects in lower case."""
    for category in Category:
        if raw_segment == category.value.lower():
            return category
    return None
