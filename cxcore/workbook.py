"""The workshop's Excel workbook (issue 7): one file a manager opens and forwards.

Sheets, in the workshop's language: Cover, Roadmap, Impact vs effort, Barriers, Journey, Segments, CX maturity,
Business case, Contact policy, KPI tracking, and a hidden sheet naming the workshop and the format (so an
uploaded file is known to be ours, and whose). Charts are native Excel charts (segment shares, the maturity
competencies, the impact/effort quadrant). Text typed in the room never becomes a formula (`workbook_style`).

The owners update the Roadmap and KPI tracking sheets after the meeting and the facilitator uploads the file back:
see `workbook_import` (`diff`, then `apply`).
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Callable

from openpyxl import Workbook

from cxcore import workbook_roadmap as roadmap_sheets
from cxcore import workbook_sheets as sheets
from cxcore.i18n import LANGUAGES, t
from cxcore.store import Store
from cxcore.workbook_data import Snapshot, snapshot
from cxcore.workbook_style import Kit, sheet_title

FORMAT = "cx-journey-studio/workbook"
FORMAT_VERSION = 1
META = "_cx"  # the hidden sheet: format, workshop, language, export time, sheet names

# key -> the function laying the sheet out, in the workbook's order
SHEETS: dict[str, Callable] = {
    "cover": sheets.cover,
    "roadmap": roadmap_sheets.roadmap,
    "priorities": roadmap_sheets.priorities,
    "barriers": sheets.barriers,
    "journey": sheets.journey_board,
    "segments": sheets.segments,
    "maturity": sheets.maturity,
    "business_case": roadmap_sheets.business_case,
    "contact_policy": roadmap_sheets.contact_policy,
    "kpi": roadmap_sheets.kpi_tracking,
}
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_names(lang: str) -> dict[str, str]:
    """Sheet key -> its title in `lang`."""
    return {key: sheet_title(t(f"workbook.sheet.{key}", lang)) for key in SHEETS}


def build(snap: Snapshot) -> Workbook:
    """The workbook of a snapshot, in memory."""
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = "CX Journey Studio"
    book.properties.title = t("workbook.cover.title", snap.lang, name=snap.workshop.name)
    kit = Kit(book, snap.lang)
    titles = sheet_names(snap.lang)
    for key, lay_out in SHEETS.items():
        ws = book.create_sheet(titles[key])
        lay_out(kit, ws, snap)
        kit.fit_rows(ws)
        _print_setup(ws)
    _meta(kit, book, snap, titles)
    book.active = 0
    return book


def _print_setup(ws) -> None:
    """Printed (or saved as PDF) landscape, every column on one page wide."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0


def _meta(kit: Kit, book: Workbook, snap: Snapshot, titles: dict[str, str]) -> None:
    ws = book.create_sheet(META)
    rows = [("format", FORMAT), ("version", FORMAT_VERSION), ("workshop_id", snap.workshop.id),
            ("workshop", snap.workshop.name), ("language", snap.lang), ("exported_at", snap.exported_at),
            *((f"sheet.{key}", title) for key, title in titles.items())]
    for row, (key, value) in enumerate(rows, start=1):
        kit.put(ws, row, 1, key)
        kit.put(ws, row, 2, value, "datetime" if key == "exported_at" else "text")
    ws.sheet_state = "hidden"


def export_bytes(store: Store, workshop_id: str, lang: str | None = None) -> bytes:
    """The workshop's workbook as .xlsx bytes (for a download button), in `lang` (default: the workshop's)."""
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}")
    buffer = io.BytesIO()
    build(snapshot(store, workshop_id, lang)).save(buffer)
    return buffer.getvalue()


def write(store: Store, workshop_id: str, path: Path | str, lang: str | None = None) -> Path:
    """Write the workshop's workbook to `path` (created or replaced whole: written aside, then renamed)."""
    path = Path(path)
    data = export_bytes(store, workshop_id, lang)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    partial.replace(path)
    return path


def file_name(workshop_name: str) -> str:
    """A file name for the download: the workshop's name made safe for a file system."""
    safe = "".join(ch if ch.isalnum() or ch in " -_." else "_" for ch in workshop_name).strip(" .") or "workshop"
    return f"{safe}.xlsx"
