"""How a customer-base file is laid out: format, encoding, separator, sheet, header row, columns, roles.

Everything here looks at a small head of the file in Python; the rows themselves are read by DuckDB
(see `ingest`).
"""
from __future__ import annotations

import codecs
import csv
import re
import zipfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cxcore import roles
from cxcore.errors import IngestError

SAMPLE_BYTES = 1 << 20
SAMPLE_ROWS = 300
HEADER_SEARCH_ROWS = 50
SEPARATORS = (";", "\t", ",", "|")
SPACES = "spaces"  # columns aligned with runs of two or more spaces
DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%Y%m%d", "%d.%m.%y", "%d-%m-%Y", "%Y/%m/%d",
                "%Y.%m.%d", "%m/%d/%Y")
_NUMBER_JUNK = re.compile(r"[\s\u00a0\u202f']|₽|руб\.?|р\.|rub|usd|eur|\$|€", re.IGNORECASE)


@dataclass
class Layout:
    """What the loader needs to know about a file; shown to the user, stored with the base."""

    format: str  # text | xlsx | parquet
    columns: list[str]
    header_row: int  # line (text) or row (sheet) number of the header; 0 when the file has none
    mapping: dict[str, str]  # role → column
    date_formats: list[str]
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    sample: list[list[str]] = field(default_factory=list)  # first rows under the header, as text
    head: list[str] = field(default_factory=list)  # a text file's lines down to the header, as read

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("sample")
        data.pop("head")
        return data

    def missing_roles(self) -> list[str]:
        return [role for role in roles.REQUIRED if role not in self.mapping]

    def index(self, role: str) -> int | None:
        """1-based position of the column that plays `role`, or None."""
        column = self.mapping.get(role)
        return self.columns.index(column) + 1 if column in self.columns else None


# -- value recognisers (the SQL in ingest_parse.sql is the authority; these only guide guessing) ----------
def cell_text(value: Any) -> str:
    """A cell of a sheet or Parquet file as the text the loader parses."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_number(text: str) -> float | None:
    cleaned = _NUMBER_JUNK.sub("", text.replace("−", "-"))
    if not cleaned or not re.fullmatch(r"[-+]?[0-9][0-9.,]*", cleaned):
        return None
    if "," in cleaned and "." in cleaned:
        decimal_comma = cleaned.rfind(",") > cleaned.rfind(".")
        cleaned = cleaned.replace(".", "").replace(",", ".") if decimal_comma else cleaned.replace(",", "")
    elif cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    try:
        return float(cleaned)
    except ValueError:
        return None


def date_part(text: str) -> str:
    return text.strip().split(" ")[0].split("T")[0]


def _parses(text: str, fmt: str) -> bool:
    try:
        datetime.strptime(date_part(text), fmt)
        return True
    except ValueError:
        return False


def is_date(text: str) -> bool:
    return any(_parses(text, fmt) for fmt in DATE_FORMATS)


def _is_serial(text: str) -> bool:
    return bool(re.fullmatch(r"[0-9]{5}(\.[0-9]+)?", text.strip())) and 20000 <= float(text) <= 80000


def _is_code(text: str) -> bool:
    return bool(re.fullmatch(r"0[0-9]+", text.strip()))


def date_formats(values: list[str]) -> list[str]:
    """Candidate formats, best fit to the sample first; never both day-first and month-first slashes."""
    counts = {fmt: sum(_parses(v, fmt) for v in values if v) for fmt in DATE_FORMATS}
    ranked = sorted(DATE_FORMATS, key=lambda fmt: -counts[fmt])
    loser = "%d/%m/%Y" if counts["%m/%d/%Y"] > counts["%d/%m/%Y"] else "%m/%d/%Y"
    chosen = [fmt for fmt in ranked if fmt != loser]
    # DuckDB reads "01.02.24" with %Y as the year 24: a two-digit-year format goes just before its
    # four-digit twin, which loses nothing by it ("01.02.2024" does not fit %y).
    for short in [fmt for fmt in chosen if "%y" in fmt]:
        chosen.remove(short)
        chosen.insert(chosen.index(short.replace("%y", "%Y")), short)
    return chosen


# -- text files -------------------------------------------------------------------------------------------
def detect_encoding(head: bytes) -> str:
    """The encoding of a text file from its head; mostly-UTF-8 with a few cp1251 lines counts as UTF-8
    (the loader reads such lines one by one)."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    cut = head.rfind(b"\n") if len(head) >= SAMPLE_BYTES else len(head)
    body = head[: cut if cut > 0 else len(head)]
    try:
        codecs.getincrementaldecoder("utf-8")().decode(body)  # a character cut by the sample is no error
        return "utf-8"
    except UnicodeDecodeError:
        pass
    utf8 = other = 0
    for line in body.split(b"\n"):
        if not line.isascii():
            try:
                line.decode("utf-8")
                utf8 += 1
            except UnicodeDecodeError:
                other += 1
    return "utf-8" if utf8 > other else "cp1251"


def decode_mixed(data: bytes) -> str:
    """UTF-8 line by line; a line that is not UTF-8 is read as cp1251."""
    lines = []
    for line in data.split(b"\n"):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(line.decode("cp1251", errors="replace"))
    return "\n".join(lines)


def split_line(line: str, separator: str) -> list[str]:
    if separator == SPACES:
        return re.split(r"\s{2,}", line.strip())
    try:
        return next(csv.reader([line], delimiter=separator), [])
    except csv.Error:  # a field over the csv module's size limit: split plainly, it is no header anyway
        return line.split(separator)


def _looks_like_header(cells: list[str], width: int) -> bool:
    filled = [c.strip() for c in cells if c.strip()]
    if len(filled) < max(2, (width + 1) // 2):
        return False
    return not any(parse_number(c) is not None or is_date(c) for c in filled)


def _choose_separator(lines: list[str]) -> tuple[str, int]:
    best: tuple[int, str] | None = None
    for separator in (*SEPARATORS, SPACES):
        counts = [len(split_line(line, separator)) for line in lines]
        width = Counter(counts).most_common(1)[0][0]
        if width < 2:
            continue
        first = counts.index(width)
        tail = counts[first:]
        if sum(c == width for c in tail) / len(tail) >= 0.8 and (best is None or width > best[0]):
            best = (width, separator)
        if best and separator == SEPARATORS[-1]:
            break  # aligned spaces only when no real separator was found
    if best is None:
        raise IngestError("ingest.not_a_table")
    return best[1], best[0]


def _text_lines(path: Path) -> tuple[str, list[str]]:
    with open(path, "rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    if not head.strip():
        raise IngestError("ingest.empty_file")
    encoding = detect_encoding(head)
    text = decode_mixed(head) if encoding == "utf-8" else head.decode(encoding, errors="replace")
    if encoding != "utf-16" and "\x00" in text:
        raise IngestError("ingest.binary")
    lines = [line.rstrip("\r").replace("\r", " ") for line in text.split("\n")]  # as the loader reads them
    if len(head) >= SAMPLE_BYTES and len(lines) > 1:
        lines.pop()  # the last line of the sample may be cut
    return encoding, lines


def _find_header(rows: list[list[str]], n_cols: int) -> int | None:
    """Index of the header row: of the rows that look like one, the first that names the most roles.

    Title rows above a header ("Организация:;ООО Ромашка", "Период:;01.01.2024 - 31.03.2024", merged
    title cells) can look like a header or like data too; the header is the row whose names reveal roles.
    With no row naming a role, the first header-like row before any data row is the header.
    """
    best: tuple[int, int] | None = None  # (roles named, index)
    first: int | None = None
    seen_data = False
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if _looks_like_header(row, n_cols):
            named = len(roles.guess(row))
            if best is None or named > best[0]:
                best = (named, i)
            if first is None and not seen_data:
                first = i
        elif len(row) == n_cols and sum(1 for c in row if c.strip()) >= 2:
            seen_data = True
            if best is not None and best[0] > 0:
                break  # the header is above the data
    if best is not None and best[0] > 0:
        return best[1]
    return first


def _grid_layout(rows: list[list[str]], first_row_no: int, **extra: Any) -> Layout:
    """Find the header among the first rows of a grid (title rows above it are skipped)."""
    lengths = Counter(len(r) for r in rows if sum(1 for c in r if c.strip()) >= 2)
    if not lengths:
        raise IngestError("ingest.not_a_table")
    n_cols = lengths.most_common(1)[0][0]
    header_at = _find_header(rows, n_cols)
    if header_at is None:
        start = next(i for i, r in enumerate(rows) if len(r) == n_cols and sum(1 for c in r if c.strip()) >= 2)
        columns = [f"#{i + 1}" for i in range(n_cols)]
        header_row, body = first_row_no + start - 1, rows[start:]
    else:
        header = rows[header_at]
        n_cols = max(n_cols, len(header))
        columns = _unique_names(header + [""] * (n_cols - len(header)))
        header_row, body = first_row_no + header_at, rows[header_at + 1:]
    body = [r for r in body if any(c.strip() for c in r)][:SAMPLE_ROWS]
    return _with_roles(Layout(columns=columns, header_row=header_row, mapping={}, date_formats=[],
                              sample=body, **extra))


def _unique_names(header: list[str]) -> list[str]:
    names: list[str] = []
    for i, name in enumerate(header):
        name = name.strip() or f"#{i + 1}"
        while name in names:
            name = f"{name} ({i + 1})"
        names.append(name)
    return names


def _with_roles(layout: Layout) -> Layout:
    """Roles from header names, then the missing required ones from the values under the header."""
    layout.mapping = roles.guess(layout.columns)
    column_values = {col: [r[i].strip() for r in layout.sample if i < len(r) and r[i].strip()]
                     for i, col in enumerate(layout.columns)}

    def share(col: str, test) -> float:
        values = column_values[col]
        return sum(1 for v in values if test(v)) / len(values) if values else 0.0

    free = [c for c in layout.columns if c not in layout.mapping.values()]
    if "date" not in layout.mapping:
        found = [c for c in free if share(c, lambda v: is_date(v) or _is_serial(v)) >= 0.8]
        if found:
            layout.mapping["date"] = found[0]
            free.remove(found[0])
    if "amount" not in layout.mapping:
        numeric = [c for c in free if share(c, lambda v: parse_number(v) is not None) >= 0.8]
        # Codes with leading zeros ("0000021") are ids, not money; then prefer a column with kopecks.
        numeric.sort(key=lambda c: (share(c, _is_code), -share(c, lambda v: (parse_number(v) or 0) % 1 != 0)))
        if numeric:
            layout.mapping["amount"] = numeric[0]
            free.remove(numeric[0])
    if "customer_id" not in layout.mapping:
        ids = [c for c in free if share(c, lambda v: True) and len(column_values[c]) >= 0.8 * len(layout.sample)]
        if ids:
            layout.mapping["customer_id"] = ids[0]
    date_col = layout.mapping.get("date")
    layout.date_formats = date_formats(column_values.get(date_col, []) if date_col else [])
    return layout


def text_layout(path: Path) -> Layout:
    encoding, lines = _text_lines(path)
    content = [line for line in lines if line.strip()]
    if not content:
        raise IngestError("ingest.empty_file")
    separator, _ = _choose_separator(content[: HEADER_SEARCH_ROWS + SAMPLE_ROWS])
    # Keep blank lines in place so that positions stay line numbers (1-based).
    rows = [split_line(line, separator) if line.strip() else [] for line in lines]
    layout = _grid_layout(rows, 1, format="text", encoding=encoding, separator=separator)
    layout.head = lines[: layout.header_row]
    return layout


# -- sheets -----------------------------------------------------------------------------------------------
def open_workbook(path: Path):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise IngestError("ingest.bad_xlsx", detail=str(error)[:200]) from None


def sheet_rows(sheet, limit: int | None = None):
    """Rows of a sheet as lists of text, numbered from 1."""
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if limit is not None and number > limit:
            return
        yield number, [cell_text(v) for v in row]


def xlsx_layout(path: Path, sheet: str | None = None) -> Layout:
    book = open_workbook(path)
    try:
        names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise IngestError("ingest.no_sheet", sheet=sheet, sheets=", ".join(names))
        found: Layout | None = None
        for name in [sheet] if sheet else names:
            rows = [cells for _, cells in sheet_rows(book[name], HEADER_SEARCH_ROWS + SAMPLE_ROWS)]
            try:
                layout = _grid_layout(rows, 1, format="xlsx", sheet=name, sheets=names)
            except IngestError:
                continue
            if not layout.missing_roles():
                return layout
            found = found or layout
        if found is None:
            raise IngestError("ingest.not_a_table")
        return found
    finally:
        book.close()


def parquet_layout(path: Path) -> Layout:
    from cxcore.store import inspect_file

    names, rows = inspect_file("SELECT * FROM read_parquet(?) LIMIT ?", [str(path), SAMPLE_ROWS])
    sample = [[cell_text(v) for v in row] for row in rows]
    return _with_roles(Layout(format="parquet", columns=names, header_row=0, mapping={}, date_formats=[],
                              sample=sample))


def detect(path: Path, sheet: str | None = None) -> Layout:
    """The layout of the file at `path` (format from its first bytes, not its name)."""
    path = Path(path)
    if not path.is_file():
        raise IngestError("ingest.no_file", path=str(path))
    with open(path, "rb") as handle:
        magic = handle.read(8)
    if magic.startswith(b"PK\x03\x04"):
        return xlsx_layout(path, sheet)
    if magic.startswith(b"PAR1"):
        return parquet_layout(path)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise IngestError("ingest.old_xls")
    return text_layout(path)
