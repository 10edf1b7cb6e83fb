"""The per-customer RFM table for the CRM team: CSV (also what `python -m cxcore rfm` writes) and XLSX."""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from cxcore.i18n import t
from cxcore.rfm import METRICS, RfmResult
from cxcore.safe_text import guard_cell, is_dangerous, safe_frame
from cxcore.segments import SEGMENTS

CSV_COLUMNS = ("customer_id", "recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "segment")
_SHEET_ROWS = 1_048_575  # an Excel sheet holds 1,048,576 rows, one of them the header


def export_frame(result: RfmResult) -> pd.DataFrame:
    """The per-customer table the CRM team gets: CSV_COLUMNS, sorted by customer id."""
    frame = result.customers.loc[:, list(CSV_COLUMNS)].sort_values("customer_id", ignore_index=True)
    frame["monetary"] = frame["monetary"].round(2)
    return frame


def write_csv(result: RfmResult, target: Path | str | io.IOBase) -> None:
    """UTF-8 CSV with a header row; recency_days is empty for customers with F = 0. A customer id a spreadsheet
    would read as a formula (starting with =, +, -, @, tab, CR) gets a single quote in front (cxcore/safe_text)."""
    frame = safe_frame(export_frame(result), ["customer_id"])
    frame.to_csv(target, index=False, float_format="%.2f", lineterminator="\n")


def csv_bytes(result: RfmResult) -> bytes:
    buffer = io.StringIO()
    write_csv(result, buffer)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(result: RfmResult, lang: str = "ru") -> bytes:
    """The per-customer table as a workbook for Excel: a bold header row frozen above the data, columns
    wide enough to read, ids kept as text, segment names in `lang`; a second sheet names the as-of date
    and the cut points. A base larger than a sheet (1,048,575 rows) continues on further sheets. An id a
    spreadsheet would read as a formula is written as a string cell, exactly as in the base (cxcore/safe_text)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    frame = export_frame(result)
    names = {s: t(f"rfm.segment.{s}", lang) for s in SEGMENTS}
    frame["segment"] = frame["segment"].map(names).astype(object)
    frame["recency_days"] = frame["recency_days"].astype(object).where(frame["recency_days"].notna(), None)
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    title = t("rfm.xlsx.customers", lang)
    for part, start in enumerate(range(0, max(len(frame), 1), _SHEET_ROWS)):
        sheet = book.create_sheet(title if part == 0 else f"{title} {part + 1}")
        sheet.freeze_panes = "A2"
        for letter, width in zip("ABCDEFGH", (16, 12, 12, 16, 10, 10, 10, 26)):
            sheet.column_dimensions[letter].width = width
        header = [WriteOnlyCell(sheet, t(f"rfm.col.{c}", lang)) for c in CSV_COLUMNS]
        for cell in header:
            cell.font = bold
        sheet.append(header)
        for row in frame.iloc[start:start + _SHEET_ROWS].itertuples(index=False, name=None):
            if is_dangerous(row[0]):
                row = (guard_cell(WriteOnlyCell(sheet, row[0])), *row[1:])
            sheet.append(row)
    about = book.create_sheet(t("rfm.xlsx.about", lang))
    about.column_dimensions["A"].width, about.column_dimensions["B"].width = 28, 40
    cuts = result.cut_points
    about.append([t("rfm.as_of", lang), result.as_of])
    about.append([t("rfm.cut_mode", lang), t(f"rfm.mode.{cuts.mode}", lang)])
    for metric in METRICS:
        values = getattr(cuts, metric)
        about.append([t(f"rfm.cuts.{metric}", lang), " / ".join(str(v) for v in values) if values else "—"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
