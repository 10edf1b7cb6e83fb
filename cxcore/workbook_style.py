"""The workbook's look and its one way of writing a cell.

Styles are openpyxl NamedStyles registered once per workbook, so a cell gets its style by name (a lookup, no
new Font/Fill objects per cell). Every value goes through `Kit.put`: text is cleaned of characters a workbook
cannot hold, neutralised against formula injection (`safe_text`) and written as a string cell, so no text
typed in the room ever becomes a formula.
"""
from __future__ import annotations

import re
from copy import copy
from typing import Any, Iterable, Sequence

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from cxcore import safe_text

CELL_LIMIT = 32_767  # the most characters an Excel cell holds
DATE_FORMATS = {"ru": "DD.MM.YYYY", "en": "YYYY-MM-DD"}
DATETIME_FORMATS = {"ru": "DD.MM.YYYY HH:MM", "en": "YYYY-MM-DD HH:MM"}
MONEY_FORMAT = '#,##0 "₽"'
FORMATS = {"int": "#,##0", "dec": "0.00", "num": "#,##0.##", "pct": "0.0%", "money": MONEY_FORMAT}

WARN_FILL = PatternFill("solid", start_color="FFFCE4D6")  # an incomplete roadmap item: light orange
HEADER_FILL = PatternFill("solid", start_color="FFD9E1F2")
EDITABLE_FILL = PatternFill("solid", start_color="FFFFF2CC")  # a column the owners may edit and upload back
_THIN = Side(style="thin", color="FF8EA9DB")
_TOP = Alignment(vertical="top")
_WRAP = Alignment(vertical="top", wrap_text=True)

LINE_HEIGHT, MAX_ROW_HEIGHT = 15, 409  # points: one line of 11 pt text; the most a row may be
CHAR_WIDTH = 1.15  # an average character of text in column-width units (the width of "0")
_WRAPPING = {"wrap", "cx_header", "cx_header_edit", "cx_note"}
_PLAIN_EMPTY = {"text", "wrap", "int", "dec", "num", "pct", "money", "date", "datetime"}

# base style -> (number format or None, wrap)
_BASES = {"text": (None, False), "wrap": (None, True), "int": ("int", False), "dec": ("dec", False),
          "num": ("num", False), "pct": ("pct", False), "money": ("money", False), "date": ("date", False),
          "datetime": ("datetime", False)}


def _named(name: str, number_format: str | None, wrap: bool, fill: PatternFill | None = None,
           font: Font | None = None, border: Border | None = None) -> NamedStyle:
    style = NamedStyle(name=name)
    style.alignment = _WRAP if wrap else _TOP
    if number_format:
        style.number_format = number_format
    if fill is not None:
        style.fill = fill
    if font is not None:
        style.font = font
    if border is not None:
        style.border = border
    return style


class Kit:
    """The styles of one workbook in one language, and the helpers that write cells and tables with them."""

    def __init__(self, book: Workbook, lang: str) -> None:
        self.book, self.lang = book, lang
        self.formats = formats = {**FORMATS, "date": DATE_FORMATS.get(lang, DATE_FORMATS["ru"]),
                                  "datetime": DATETIME_FORMATS.get(lang, DATETIME_FORMATS["ru"])}
        styles = []
        for base, (fmt, wrap) in _BASES.items():
            number_format = formats[fmt] if fmt else None
            styles.append(_named(f"cx_{base}", number_format, wrap))
            styles.append(_named(f"cx_{base}_warn", number_format, wrap, fill=WARN_FILL))
        border = Border(bottom=_THIN)
        styles += [
            _named("cx_header", None, True, HEADER_FILL, Font(bold=True), border),
            _named("cx_header_edit", None, True, EDITABLE_FILL, Font(bold=True), border),
            _named("cx_title", None, False, font=Font(bold=True, size=14)),
            _named("cx_subtitle", None, False, font=Font(bold=True, size=12)),
            _named("cx_label", None, False, font=Font(bold=True)),
            _named("cx_note", None, True, font=Font(italic=True, color="FF595959")),
        ]
        for style in styles:
            book.add_named_style(style)
        self._wrapped: dict[int, list[tuple[int, int, str]]] = {}  # id(sheet) -> wrapped text cells
        self._arrays: dict[str, Any] = {}  # style name -> the style array of a cell styled so


    # -- cells ----------------------------------------------------------------------------------------------
    def put(self, ws: Worksheet, row: int, col: int, value: Any, style: str = "text", warn: bool = False) -> Any:
        """Write one value: text made safe (never a formula), numbers and dates as they are. Empty text is an
        empty cell (it reads back as nothing, as it was stored); an empty cell is written only where it shows
        something (a fill, a header)."""
        if value == "":
            value = None
        if value is None and not warn and style in _PLAIN_EMPTY:
            return None  # an empty cell of a plain column is not written at all (the column's style covers it)
        name = f"cx_{style}_warn" if warn else (style if style.startswith("cx_") else f"cx_{style}")
        array = self._arrays.get(name)
        if array is None:  # the first cell of a style looks the named style up; the rest copy its style array
            cell = ws.cell(row=row, column=col)
            cell.style = name
            self._arrays[name] = copy(cell._style)
        else:  # a cell made directly: ws.cell() and the style setter cost more than the rest of the export
            cell = ws._cells[(row, col)] = Cell(ws, row=row, column=col, style_array=self._arrays[name])
        if isinstance(value, str):
            cell._value = clean(value)  # cleaned here, so openpyxl's own check (and its formula guess) is skipped
            cell.data_type = "s"
            if style in _WRAPPING:
                self._wrapped.setdefault(id(ws), []).append((row, col, cell._value))
        elif value is not None:
            cell.value = value
        return cell

    def row(self, ws: Worksheet, row: int, values: Sequence[Any], styles: Sequence[str], col: int = 1,
            warn: bool = False) -> None:
        for i, (value, style) in enumerate(zip(values, styles)):
            self.put(ws, row, col + i, value, style, warn)

    def headers(self, ws: Worksheet, row: int, titles: Sequence[str], col: int = 1,
                editable: Iterable[int] = ()) -> None:
        """A header row; the columns at the (0-based) positions `editable` are marked as the ones to edit."""
        editable = set(editable)
        for i, title in enumerate(titles):
            self.put(ws, row, col + i, title, "cx_header_edit" if i in editable else "cx_header")

    def fit_rows(self, ws: Worksheet) -> None:
        """Give rows with wrapped text the height their longest cell needs: neither Excel nor LibreOffice
        measures rows on opening a file, and a row of default height shows one line of a long barrier."""
        merged = {cell for r in ws.merged_cells.ranges for cell in r.cells}
        per_line: dict[int, int] = {}
        lines: dict[int, int] = {}
        for row, col, text in self._wrapped.pop(id(ws), ()):
            if (row, col) in merged:
                continue
            if col not in per_line:
                width = ws.column_dimensions[get_column_letter(col)].width or 13
                per_line[col] = max(1, int(width / CHAR_WIDTH))
            count = sum(max(1, -(-len(part) // per_line[col])) for part in text.split("\n"))
            if count > lines.get(row, 1):
                lines[row] = count
        for row, count in lines.items():
            ws.row_dimensions[row].height = min(MAX_ROW_HEIGHT, LINE_HEIGHT * count + 3)

    def title(self, ws: Worksheet, row: int, text: str, style: str = "cx_title") -> None:
        self.put(ws, row, 1, text, style)

    def note(self, ws: Worksheet, row: int, text: str, col: int = 1) -> None:
        self.put(ws, row, col, text, "cx_note")


def clean(text: str) -> str:
    """Text a cell can hold and no spreadsheet reads as a formula: control characters a workbook cannot store
    are dropped, the length is capped at a cell's limit, and dangerous text is neutralised."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > CELL_LIMIT - 1:
        text = text[:CELL_LIMIT - 2] + "…"
    return safe_text.neutralise(text)


def widths(ws: Worksheet, sizes: Sequence[float], col: int = 1) -> None:
    for i, size in enumerate(sizes):
        ws.column_dimensions[get_column_letter(col + i)].width = size


def column_format(ws: Worksheet, col: int, number_format: str) -> None:
    """The number format a column's empty cells get when someone types into them (a date, a number)."""
    ws.column_dimensions[get_column_letter(col)].number_format = number_format


def hide(ws: Worksheet, *cols: int) -> None:
    for col in cols:
        ws.column_dimensions[get_column_letter(col)].hidden = True


def table_ref(first_row: int, last_row: int, last_col: int, first_col: int = 1) -> str:
    return f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{max(last_row, first_row)}"


_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_title(text: str) -> str:
    """A sheet name Excel accepts: no []:*?/\\, at most 31 characters."""
    return _SHEET_CHARS.sub(" ", text).strip()[:31] or "Sheet"
