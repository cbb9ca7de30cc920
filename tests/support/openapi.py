"""Kombo's published schemas (a snapshot in tests/data), for checking what goes over the wire."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any, cast

from jsonschema import Draft202012Validator, FormatChecker

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "data" / "openapi-subset.json"


@cache
def _document() -> dict[str, Any]:
    return cast(dict[str, Any], json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def document() -> dict[str, Any]:
    """The whole OpenAPI document; a copy, so a test may change it freely."""
    return copy.deepcopy(_document())


def schema(name: str) -> dict[str, Any]:
    """One schema of ``components.schemas``; a copy, so a test may change it freely."""
    return copy.deepcopy(cast(dict[str, Any], _document()["components"]["schemas"][name]))


def validator(name_or_schema: str | dict[str, Any]) -> Draft202012Validator:
    """A validator that also checks formats (e-mail, URI), as Kombo's own validation does."""
    chosen = schema(name_or_schema) if isinstance(name_or_schema, str) else name_or_schema
    return Draft202012Validator(chosen, format_checker=FormatChecker())


def schema_errors(name_or_schema: str | dict[str, Any], instance: object) -> list[str]:
    """Every way ``instance`` breaks the schema, as messages (empty when it is valid)."""
    return [error.message for error in validator(name_or_schema).iter_errors(instance)]
