"""The pages a browser shows for the demo service's links, logs and tool pictures.

"Open in browser" on a demo link must show something sensible, and must never look like a real
connection flow: every page says DEMO and that no real system will be connected. Pages are
self-contained (no external fonts, scripts or images), and every value that came from a request
is escaped, because the organisation name is typed by people and the page is opened in a browser.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from kombo_desktop.core.catalog import Tool, ToolCatalog
from kombo_desktop.core.demo.records import DemoLink, LogEntry
from kombo_desktop.core.markup import escape
from kombo_desktop.core.vocabulary import (
    CATEGORY_NAMES,
    LANGUAGE_NAMES,
    LINK_TYPE_NAMES,
    Category,
    Language,
    LinkType,
)

E = TypeVar("E", bound=StrEnum)

# Sent with every page: nothing may be loaded from elsewhere, nothing may frame the page.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; background: #f4f4f7;
       color: #1f2330; margin: 0; padding: 2rem 1rem; line-height: 1.5; }
main { max-width: 40rem; margin: 0 auto; background: #fff; border-radius: 12px;
       padding: 2rem; box-shadow: 0 2px 12px rgba(0, 0, 0, 0.08); }
.badge { display: inline-block; background: #b45309; color: #fff; font-weight: 700;
         letter-spacing: 0.15em; padding: 0.25rem 0.75rem; border-radius: 6px; }
h1 { font-size: 1.5rem; margin: 1rem 0 0.5rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.4rem 1.25rem; }
dt { color: #5b6070; } dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.note { background: #fff7ed; border-left: 4px solid #b45309; padding: 0.75rem 1rem; }
footer { color: #5b6070; font-size: 0.875rem; margin-top: 1.5rem; }
"""


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n"
        '<span class="badge">DEMO</span>\n'
        f"{body}\n"
        "<footer>Kombo Desktop demo mode. Nothing on this page came from Kombo.</footer>\n"
        "</main>\n</body>\n</html>\n"
    )


def _details(rows: list[tuple[str, str]]) -> str:
    items = "".join(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in rows)
    return f"<dl>{items}</dl>"


def _named(value: object, names: Mapping[E, str], enum: type[E], default: E) -> str:
    """The plain name of an enum value from a request body (``default`` when left out)."""
    if not isinstance(value, str):
        return names[default]
    try:
        return names[enum(value)]
    except ValueError:
        return value


def _tool_name(tool_id: object, catalog: ToolCatalog) -> str:
    if not isinstance(tool_id, str):
        return "The customer chooses"
    return catalog.label_for(tool_id)


def link_page(link: DemoLink, catalog: ToolCatalog) -> str:
    """What opening a demo link shows: that it is a demo, and what the link was made for."""
    body = link.body
    language = _named(body.get("language"), LANGUAGE_NAMES, Language, Language.EN)
    link_type = _named(body.get("link_type"), LINK_TYPE_NAMES, LinkType, LinkType.EMBEDDED)
    made = link.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
    if link.operation == "relink":
        integration = link.integration_id or ""
        heading = "This is a demo reconnection link"
        rows = [
            ("Integration", integration),
            ("Tool", catalog.label_for(integration.partition(":")[0])),
            ("Language", language),
            ("Link type", link_type),
            ("Made", made),
        ]
    else:
        heading = "This is a demo connection link"
        category = _named(body.get("integration_category"), CATEGORY_NAMES, Category, Category.HRIS)
        organisation = body.get("end_user_organization_name")
        rows = [
            ("Organisation", organisation if isinstance(organisation, str) else ""),
            ("Kind of system", category),
            ("Tool", _tool_name(body.get("integration_tool"), catalog)),
            ("Language", language),
            ("Link type", link_type),
            ("Made", made),
        ]
    content = (
        f"<h1>{escape(heading)}</h1>\n"
        "<p>It was made by Kombo Desktop's demo mode, to show how links work.</p>\n"
        f"{_details(rows)}\n"
        '<p class="note"><strong>No real system will be connected.</strong> A real link opens '
        "Kombo's connection page, where the customer signs in to their system. This one only "
        "shows this page, and nothing was sent to Kombo.</p>"
    )
    return _page("Demo link - Kombo Desktop", content)


def unknown_link_page() -> str:
    content = (
        "<h1>This demo link is not known</h1>\n"
        "<p>The demo service forgets its links when the program closes, so a demo link from "
        "an earlier session no longer opens. Make a new one in Kombo Desktop's demo mode.</p>\n"
        '<p class="note">Demo links never connect a real system.</p>'
    )
    return _page("Unknown demo link - Kombo Desktop", content)


def log_page(entry: LogEntry) -> str:
    """The demo stand-in for the request log Kombo's dashboard shows behind ``log_url``."""
    rows = [
        ("Request", f"{entry.method} {entry.path}"),
        ("HTTP status", str(entry.status)),
        ("Error code", entry.code or "(none)"),
        ("Title", entry.title or "(none)"),
        ("Message", entry.message),
        ("Time", entry.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")),
    ]
    content = (
        "<h1>Demo request log</h1>\n"
        "<p>The demo service answered this request with an error. With a real Kombo account, "
        "this address would open the request's log in the Kombo dashboard.</p>\n"
        f"{_details(rows)}"
    )
    return _page("Demo request log - Kombo Desktop", content)


def not_found_page() -> str:
    content = (
        "<h1>Nothing here</h1>\n"
        "<p>The demo service has no page at this address. It forgets everything when the "
        "program closes.</p>"
    )
    return _page("Not found - Kombo Desktop demo", content)


_PICTURES = {
    "logo.svg": (160, "#4338ca", "#ffffff"),
    "icon.svg": (64, "#4338ca", "#ffffff"),
    "icon-black.svg": (64, "#000000", "#ffffff"),
}


def tool_picture(tool: Tool, name: str) -> str | None:
    """A plain stand-in for a tool's logo or icon (its initial, or its name for the logo)."""
    if name not in _PICTURES:
        return None
    width, background, foreground = _PICTURES[name]
    text = tool.label if name == "logo.svg" else tool.label[:1].upper()
    size = 18 if name == "logo.svg" else 32
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="64" '
        f'viewBox="0 0 {width} 64"><rect width="{width}" height="64" rx="12" '
        f'fill="{background}"/><text x="{width // 2}" y="38" text-anchor="middle" '
        f'font-family="sans-serif" font-size="{size}" fill="{foreground}">'
        f"{escape(text)}</text></svg>"
    )
