"""The history as a CSV file, for the spreadsheets staff keep of who was sent what.

Written for people, not for re-import: plain column titles, display names, times in UTC without
a timezone suffix (spreadsheets read them as dates), every cell safe to open, and laid out so that
a double click opens it in columns, with ids exactly as they were typed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from kombo_desktop.core.cancel import CancelToken
from kombo_desktop.core.clock_ahead import MAY_HAVE_EXPIRED
from kombo_desktop.core.files import atomic_write, disk_refusal
from kombo_desktop.core.history.entries import (
    ENDED_DEMO_STATUS,
    ROWS_BETWEEN_LOOKS,
    EntryKind,
    ExportStopped,
    HistoryEntry,
    HistoryError,
    LinkStatus,
)
from kombo_desktop.core.link_check import UNSAFE_LINK_STATUS, link_problem
from kombo_desktop.core.vocabulary import CATEGORY_NAMES, LANGUAGE_NAMES, LINK_TYPE_NAMES

# The screen's names, so that a column is found by what the person knows it as: "Type" as in
# the history table, "Kind of system" as on the form, "Kombo environment" (the id of the key's
# environment) as in Settings.
CSV_HEADER: Final = (
    "Made at (UTC)",
    "Type",
    "Profile",
    "Kombo environment",
    "Organisation",
    "E-mail",
    "Customer id",
    "Kind of system",
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
# Text a spreadsheet turns into a number or a date as it opens the file: the customer id 00123
# becomes 123, a 20-digit id is rounded to 15 digits, 3/4 becomes the 3rd of April.
_READ_AS_NUMBER: Final = re.compile(r"[0-9][0-9 .,:/%eE+-]*")
# The first characters of the cells either of the two rules above changes: any other cell is
# written as it is, told by its first character alone (1.7 million cells for 100,000 links).
_FIRST_OF_CHANGED_CELLS: Final = frozenset("".join(_FORMULA_STARTS) + "0123456789")
# The times are meant to be read as dates, so they are left as they are.
_TIME_COLUMNS: Final = frozenset(
    {CSV_HEADER.index("Made at (UTC)"), CSV_HEADER.index("Valid until (UTC)")}
)
SEPARATORS: Final = (",", ";", "\t")
_SEMICOLON_TERRITORIES: Final = frozenset({"CH", "LI"})


def csv_separator(path: Path, decimal_point: str, locale_name: str = "") -> str:
    """The separator with which a double-clicked file opens in columns on this computer.

    Excel (Windows and macOS) splits a CSV file by the system's list separator, which is ``;``
    wherever the decimal point is a comma (German, French, Italian and Spanish settings), and
    in Switzerland and Liechtenstein, whose decimal point is a full stop; a comma-separated
    file opens there with each row squeezed into one cell. A file named ``.tsv`` says it is
    tab-separated, so it gets tabs. ``decimal_point`` and ``locale_name`` ("de_CH") are the
    computer's, as the window's locale gives them.
    """
    if path.suffix.lower() == ".tsv":
        return "\t"
    territory = locale_name.rpartition("_")[2]
    return ";" if decimal_point == "," or territory in _SEMICOLON_TERRITORIES else ","


def export_csv(
    entries: Iterable[HistoryEntry],
    path: Path,
    *,
    now: datetime | None = None,
    separator: str = ",",
    stop: CancelToken | None = None,
    demo_origin: str | None = None,
) -> int:
    """Write ``entries`` to ``path`` as CSV for spreadsheets; returns the number of rows.

    UTF-8 with a byte-order mark (Excel otherwise garbles umlauts), separated by ``separator``
    (see :func:`csv_separator`) with RFC 4180 quoting; any cell that a spreadsheet would run as
    a formula is prefixed with ``'``, and one it would turn into a number or a date is written
    as a formula giving the text itself (``="00123"``). The file is written whole or not at all
    (:func:`~kombo_desktop.core.files.atomic_write`), so a failure, a full disk included,
    leaves an older export as it was. Raises :class:`HistoryError` with a plain message if
    the file cannot be written.

    A link the window refuses to show, copy or open (the rule of Kombo's answers,
    ``link_check.link_problem``; one kept by an older version, such as ``https://127.1/``) is
    not written either: its cell says it was left out as unsafe, and why, and its status is
    "Unsafe link". A colleague opening the file would click it otherwise. The rest of its row
    stays, as the record of who was sent what.

    A link valid less than a day that was made while this computer's clock was ahead, and put
    right since (``HistoryEntry.may_have_expired``), is "May have expired", as the history and
    its invitation say: its own times say valid for hours more, which the customer may already
    have found untrue. Its "Valid until" stays the time reckoned from the clock then, the record
    of what the program computed; the status says not to rely on it.

    A demo link of a demo service no longer running is "No longer works", as the history's
    table says: ``demo_origin`` is the address of the one running now (the window's, see
    ``HistoryEntry.from_an_ended_demo``), None when none runs. Each start of the demo gets a
    port of its own, and an earlier one's links open nowhere, whatever their times say.

    Once ``stop`` is cancelled (the window is closing) it raises :class:`ExportStopped` at its
    next look (every ``ROWS_BETWEEN_LOOKS`` rows, and last just before writing): nothing is
    written then. Writing itself, a moment, is never stopped halfway.
    """
    if separator not in SEPARATORS:
        raise ValueError(f"A CSV separator must be one of {SEPARATORS!r}, not {separator!r}.")
    checked_at = now or datetime.now(UTC)
    text = io.StringIO(newline="")
    writer = csv.writer(text, dialect="excel", delimiter=separator)
    writer.writerow(CSV_HEADER)
    rows = 0
    for entry in entries:
        if stop is not None and rows % ROWS_BETWEEN_LOOKS == 0 and stop.cancelled:
            raise ExportStopped
        cells = _csv_row(entry, checked_at, demo_origin)
        writer.writerow(
            [
                value if column in _TIME_COLUMNS else _cell(value)
                for column, value in enumerate(cells)
            ]
        )
        rows += 1
    if stop is not None and stop.cancelled:
        raise ExportStopped
    try:
        # A list to share: readable by others as any file the person saves, not owner-only.
        atomic_write(path, text.getvalue().encode("utf-8-sig"), owner_only=False)
    except OSError as error:
        why = disk_refusal(error) or (
            "It may be open in another program, or the folder may not allow writing. Close it "
            "or choose another place and try again."
        )
        raise HistoryError(f"The file {path.name} could not be saved. {why}") from error
    return rows


def _csv_row(entry: HistoryEntry, now: datetime, demo_origin: str | None) -> list[str]:
    # A demo link points at this computer, where the demo service runs (as the window judges).
    problem = link_problem(entry.url, loopback_api=entry.is_demo, key=None)
    return [
        _spreadsheet_time(entry.created_at),
        _KIND_NAMES[entry.kind] + (" (demo)" if entry.is_demo else ""),
        entry.profile,
        entry.environment_id or "",
        entry.organization or "",
        entry.email or "",
        entry.origin_id or "",
        CATEGORY_NAMES[entry.category] if entry.category else "",
        entry.tool_name(),
        LANGUAGE_NAMES[entry.language],
        LINK_TYPE_NAMES[entry.link_type],
        entry.url if problem is None else f"Left out as unsafe: {problem.reason}",
        _spreadsheet_time(entry.expires_at),
        _status_name(entry, problem is not None, now, demo_origin),
        entry.integration_id or "",
        entry.remote_environment or "",
        entry.scope_config_id or "",
        "Yes" if entry.enable_filtering else "",
        "Yes" if entry.enable_field_mapping else "",
    ]


def _status_name(entry: HistoryEntry, unsafe: bool, now: datetime, demo_origin: str | None) -> str:
    """The history table's status, in the same order of reasons, without its dates."""
    if unsafe:
        return UNSAFE_LINK_STATUS
    if entry.from_an_ended_demo(demo_origin):
        return ENDED_DEMO_STATUS
    if entry.may_have_expired(now):
        return MAY_HAVE_EXPIRED
    return _STATUS_NAMES[entry.status(now)]


def _spreadsheet_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _cell(value: str) -> str:
    """The text as a spreadsheet should show it: never run as a formula, never converted."""
    if not value or value[0] not in _FIRST_OF_CHANGED_CELLS:
        return value
    if value.startswith(_FORMULA_STARTS):
        return f"'{value}"
    if _READ_AS_NUMBER.fullmatch(value):
        return f'="{value}"'
    return value
