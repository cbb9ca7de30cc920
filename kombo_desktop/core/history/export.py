"""The history as a CSV file, for the spreadsheets staff keep of who was sent what.

Written for people, not for re-import: plain column titles, display names, times in UTC without
a timezone suffix (spreadsheets read them as dates), and every cell safe to open.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from kombo_desktop.core.history.entries import EntryKind, HistoryEntry, HistoryError, LinkStatus
from kombo_desktop.core.vocabulary import CATEGORY_NAMES, LANGUAGE_NAMES, LINK_TYPE_NAMES

CSV_HEADER: Final = (
    "Made at (UTC)",
    "Kind",
    "Profile",
    "Environment",
    "Organisation",
    "E-mail",
    "Customer id",
    "Category",
    "Tool",
    "Language",
    "Link type",
    "Link",
    "Valid until (UTC)",
    "Status",
    "Integration id",
    "Tool environment",
    "Scope config id",
    "Employee filtering",
    "Field mapping",
)

_KIND_NAMES: Final = {EntryKind.LINK: "New link", EntryKind.RELINK: "Reconnection link"}
_STATUS_NAMES: Final = {LinkStatus.VALID: "Valid", LinkStatus.EXPIRED: "Expired"}

# Spreadsheet programs run a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def export_csv(entries: Iterable[HistoryEntry], path: Path, *, now: datetime | None = None) -> int:
    """Write ``entries`` to ``path`` as CSV for spreadsheets; returns the number of rows.

    UTF-8 with a byte-order mark (Excel otherwise garbles umlauts), comma-separated with RFC 4180
    quoting, and any cell that a spreadsheet would run as a formula is prefixed with ``'``. The
    file is written to a temporary name first and then renamed, so a failure never leaves half a
    file. Raises :class:`HistoryError` with a plain message if the file cannot be written.
    """
    checked_at = now or datetime.now(UTC)
    partial = path.with_name(f".{path.name}.partial")
    rows = 0
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, dialect="excel")
            writer.writerow(CSV_HEADER)
            for entry in entries:
                writer.writerow([_cell(value) for value in _csv_row(entry, checked_at)])
                rows += 1
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise HistoryError(
            f"The file {path.name} could not be saved. It may be open in another program, or "
            "the folder may not allow writing. Close it or choose another place and try again."
        ) from error
    return rows


def _csv_row(entry: HistoryEntry, now: datetime) -> list[str]:
    return [
        _spreadsheet_time(entry.created_at),
        _KIND_NAMES[entry.kind] + (" (demo)" if entry.is_demo else ""),
        entry.profile,
        entry.environment_id or "",
        entry.organization or "",
        entry.email or "",
        entry.origin_id or "",
        CATEGORY_NAMES[entry.category] if entry.category else "",
        entry.tool_label or entry.tool or "",
        LANGUAGE_NAMES[entry.language],
        LINK_TYPE_NAMES[entry.link_type],
        entry.url,
        _spreadsheet_time(entry.expires_at),
        _STATUS_NAMES[entry.status(now)],
        entry.integration_id or "",
        entry.remote_environment or "",
        entry.scope_config_id or "",
        "Yes" if entry.enable_filtering else "",
        "Yes" if entry.enable_field_mapping else "",
    ]


def _spreadsheet_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value
