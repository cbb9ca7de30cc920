"""Kombo's JSON bodies, as the demo service sends them.

Shapes follow Kombo's published schema (``tests/data/openapi-subset.json``; the tests check every
body against it): success is ``{"status": "success", "data": ...}``, errors are
``{"status": "error", "error": {"code", "title", "message", "log_url"}}`` with all four keys.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from kombo_desktop.core.catalog import Tool

# Error codes from Kombo's ErrorResponseGeneral schema that the demo service answers with.
INPUT_INVALID = "PLATFORM.INPUT_INVALID"
AUTHENTICATION_INVALID = "PLATFORM.AUTHENTICATION_INVALID"
INTEGRATION_NOT_FOUND = "PLATFORM.INTEGRATION_NOT_FOUND"

# Static titles, as Kombo's ``title`` is "a static, human-readable label" per code.
TITLES: dict[str | None, str] = {
    INPUT_INVALID: "Invalid input",
    AUTHENTICATION_INVALID: "Authentication invalid",
    INTEGRATION_NOT_FOUND: "Integration not found",
    None: "Not found",
}

DEMO_ENVIRONMENT_ID = "demo-environment"


def encode(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def success(data: object) -> bytes:
    return encode({"status": "success", "data": data})


def error(code: str | None, message: str, log_url: str | None) -> bytes:
    return encode(
        {
            "status": "error",
            "error": {
                "code": code,
                "title": TITLES.get(code),
                "message": message,
                "log_url": log_url,
            },
        }
    )


def tool_item(tool: Tool, origin: str) -> dict[str, object]:
    """One entry of ``GET /tools/{category}``'s ``data.tools``.

    The pictures are served by the demo service itself (``/demo/assets/...``) so that showing a
    logo in demo mode never reaches out to the internet.
    """
    assets = f"{origin}/demo/assets/{tool.id}"
    return {
        "id": tool.id,
        "label": tool.label,
        "internal_label": None,
        "assets": {
            "logo_url": f"{assets}/logo.svg",
            "icon_url": f"{assets}/icon.svg",
            "icon_black_url": f"{assets}/icon-black.svg",
        },
        "paid_api_details_markdown": None,
        "fast_track_details_markdown": None,
        "partner_only_details_markdown": None,
        "connection_guide_url": None,
        "coverage": {"read_models": [], "write_actions": [], "features": []},
    }


DEMO_ORGANIZATION = "Demo organisation"


def integration_details(
    tool: Tool, integration_id: str, origin: str, created_at: datetime
) -> dict[str, object]:
    """``GET /integrations/{integration_id}``'s ``data`` for a demo integration: every demo
    integration has stopped working (``INVALID``), the case a reconnection link is for."""
    assets = f"{origin}/demo/assets/{tool.id}"
    return {
        "id": integration_id,
        "tool": {
            "id": tool.id,
            "label": tool.label,
            "internal_label": None,
            "logo_url": f"{assets}/logo.svg",
            "icon_url": f"{assets}/icon.svg",
        },
        "category": tool.categories[0].value if tool.categories else "HRIS",
        "status": "INVALID",
        "setup_status": "COMPLETED",
        "end_user": {
            "organization_name": DEMO_ORGANIZATION,
            "creator_email": None,
            "origin_id": None,
        },
        "scope_config": {"id": "DEMO", "name": None},
        "data_expired_at": None,
        "created_at": created_at.astimezone(UTC).isoformat(timespec="milliseconds")[:-6] + "Z",
        "beta": False,
        "read_models": [],
        "write_actions": [],
    }
