"""How a customer-base file is laid out: format, encoding, separator, sheet, header row, columns, roles.

Everything here looks at a small head of the file in Python; the rows themselves are read by DuckDB
(see `ingest`).
"""
from __future__ import annotations

import codecs
import csv
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Iterator

from cxcore import limits, roles
from cxcore.errors import CxError, IngestError, StoreError

SAMPLE_BYTES = 1 << 20
SAMPLE_ROWS = 300
HEADER_SEARCH_ROWS = 50
SEPARATORS = (";", "\t", ",", "|")
SPACES = "spaces"  # columns aligned with runs of two or more spaces
DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%Y%m%d", "%d.%m.%y", "%d-%m-%Y", "%Y/%m/%d",
                "%Y.%m.%d", "%m/%d/%Y")
_HAS_DIGIT = re.compile(r"[0-9]")
# What every DATE_FORMATS spelling looks like (date_part leaves no spaces): strptime is slow, and a wide
# file's header search asks about hundreds of thousands of cells that are no dates at all.
_DATE_SHAPE = re.compile(r"\d[\d./-]*\d")
_ERROR_PREFIX = re.compile(r"^(\w+ )*\w*Error: ")
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
    kind: str = "base"  # the roles looked for (cxcore/roles.py KINDS): a customer base or feedback

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("sample")
        data.pop("head")
        return data

    @property
    def role_set(self) -> roles.RoleSet:
        return roles.KINDS[self.kind]

    def missing_roles(self) -> list[str]:
        return [role for role in self.role_set.required if role not in self.mapping]

    def index(self, role: str) -> int | None:
        """1-based position of the column that plays `role`, or None."""
        column = self.mapping.get(role)
        return self.columns.index(column) + 1 if column in self.columns else None


COLUMNS_NAMED = 30  # at most this many of a file's columns are listed in a message


def with_mapping(found: Layout, mapping: dict[str, str] | None) -> Layout:
    """The layout with the user's column roles applied over the guessed ones (a column "" or None: the role
    unset); refuses a role the file's kind does not have and a column the file does not have."""
    for role, column in (mapping or {}).items():
        if role not in found.role_set.roles:
            raise IngestError("ingest.unknown_role", role=role, roles=", ".join(found.role_set.roles))
        if column in ("", None):
            found.mapping.pop(role, None)
            continue
        if column not in found.columns:
            raise IngestError("ingest.no_column", column=column[:100], columns=listed(found.columns))
        found.mapping = {r: c for r, c in found.mapping.items() if c != column}
        found.mapping[role] = column
    return found


def listed(columns: list[str]) -> str:
    """The columns for a message: the first few, each cut short, and how many more."""
    names = [name if len(name) <= 60 else name[:59] + "…" for name in columns[:COLUMNS_NAMED]]
    more = len(columns) - COLUMNS_NAMED
    return ", ".join(names) + (f", … (+{more})" if more > 0 else "")


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
    if not _HAS_DIGIT.search(text):
        return None
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
    part = date_part(text)
    if not _DATE_SHAPE.fullmatch(part):
        return False
    try:
        datetime.strptime(part, fmt)
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
    without_bom = _utf16_without_bom(head)
    if without_bom:
        return without_bom
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


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 saved without a BOM: text in Latin or Cyrillic letters then has a zero byte in (nearly) every
    other place, always on the same side."""
    sample = head[:4096]
    pairs = len(sample) // 2
    if pairs < 4:
        return None
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    if odd >= 0.3 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even >= 0.3 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


def _binary(text: str) -> bool:
    """Whether decoded text is binary data: control characters (other than tab, line ends and form feed)
    are more than 2 % of it. A stray NUL in a line is no reason to refuse the file: the loader rejects that
    row."""
    controls = sum(text.count(chr(c)) for c in range(32) if chr(c) not in "\t\n\r\f")
    return controls > 0.02 * len(text)


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
    if _binary(text):
        raise IngestError("ingest.binary")
    if "\n" not in text:
        if "\r" in text:  # lines that end in CR alone (Excel for Mac's "CSV (Macintosh)"), read so by DuckDB too
            text = text.replace("\r", "\n")
        elif len(head) >= SAMPLE_BYTES:
            raise IngestError("ingest.line_too_long_at", row=1, limit=SAMPLE_BYTES // limits.MB)
    lines = [line.rstrip("\r").replace("\r", " ") for line in text.split("\n")]  # as the loader reads them
    if len(head) >= SAMPLE_BYTES and len(lines) > 1:
        lines.pop()  # the last line of the sample may be cut
    return encoding, lines


def _find_header(rows: list[list[str]], n_cols: int, kind: roles.RoleSet) -> int | None:
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
            named = len(roles.guess(row, kind))
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
    if not lengths and extra.get("kind") == "feedback":
        return _one_column(rows, first_row_no, **extra)
    if not lengths:
        raise IngestError("ingest.not_a_table")
    limits.check_columns(max(lengths))  # before any row is searched for names: that costs per column
    n_cols = lengths.most_common(1)[0][0]
    header_at = _find_header(rows, n_cols, roles.KINDS[extra.get("kind", "base")])
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


def _one_column(rows: list[list[str]], first_row_no: int, **extra: Any) -> Layout:
    """A feedback file of one column, the comments: under a header when the first filled row names the text."""
    filled = [i for i, r in enumerate(rows) if r and r[0].strip()]
    if not filled:
        raise IngestError("ingest.not_a_table")
    first = filled[0]
    name = rows[first][0].strip()
    if roles.guess([name], roles.FEEDBACK):
        columns, header_row, body = [name], first_row_no + first, rows[first + 1:]
    else:
        columns, header_row, body = ["#1"], first_row_no + first - 1, rows[first:]
    sample = [r[:1] for r in body if r and r[0].strip()][:SAMPLE_ROWS]
    return Layout(columns=columns, header_row=header_row, mapping={"text": columns[0]}, date_formats=[],
                  sample=sample, **extra)


def _unique_names(header: list[str]) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(header):
        name = name.strip() or f"#{i + 1}"
        while name in seen:
            name = f"{name} ({i + 1})"
        names.append(name)
        seen.add(name)
    return names


def _with_roles(layout: Layout) -> Layout:
    """Roles from header names, then the missing ones from the values under the header."""
    layout.mapping = roles.guess(layout.columns, layout.role_set)
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
    if layout.kind == "feedback":
        _feedback_by_values(layout, free, column_values, share)
    else:
        _base_by_values(layout, free, column_values, share)
    date_col = layout.mapping.get("date")
    layout.date_formats = date_formats(column_values.get(date_col, []) if date_col else [])
    return layout


def _base_by_values(layout: Layout, free: list[str], column_values: dict[str, list[str]], share) -> None:
    """A customer base: the amount is the numeric column (money rather than codes), the customer the first
    column filled on (almost) every row."""
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


def _feedback_by_values(layout: Layout, free: list[str], column_values: dict[str, list[str]], share) -> None:
    """A feedback file: the rating is a column of small numbers (0–10), the text the column of the longest
    words-with-spaces values. A customer column is taken only by its name: any code column could look like one."""
    if "rating" not in layout.mapping:
        small = [c for c in free if share(c, lambda v: (n := parse_number(v)) is not None and 0 <= n <= 10) >= 0.8]
        if small:
            layout.mapping["rating"] = small[0]
            free.remove(small[0])
    if "text" not in layout.mapping:
        def mean_length(col: str) -> float:
            values = column_values[col]
            return sum(len(v) for v in values) / len(values) if values else 0.0

        texts = [c for c in free if share(c, lambda v: " " in v and parse_number(v) is None) >= 0.5
                 and mean_length(c) >= 12]
        if texts:
            layout.mapping["text"] = max(texts, key=mean_length)


MAX_RECORD_LINES = 50  # a quote left open longer than this is a stray quote, not a text with line breaks


def quoted_records(lines: Iterable[str], first: int = 1) -> Iterator[tuple[int, str]]:
    """(number of its first line, record) for the records of `lines` numbered from `first`: a record is a line, or
    several joined with a space while the count of double quotes is odd (a quoted field with line breaks), for at
    most MAX_RECORD_LINES lines; past that, the lines go out one by one (their quote was a stray one)."""
    pending: list[str] = []
    start = first
    for number, line in enumerate(lines, start=first):
        if not pending:
            start = number
        pending.append(line)
        joined = " ".join(pending)
        if joined.count('"') % 2 == 0:
            yield start, joined
            pending = []
        elif len(pending) >= MAX_RECORD_LINES:
            yield from ((start + i, text) for i, text in enumerate(pending))
            pending = []
    yield from ((start + i, text) for i, text in enumerate(pending))


def _comments_separator(lines: list[str]) -> str | None:
    """The separator of a feedback file whose header names the text column: comments hold the separator unquoted
    and span lines in quotes, so its rows are counted as records and need at least the header's fields (most of
    them: a few broken lines are the loader's to reject). None when no header names the text."""
    records = [record for _, record in quoted_records(lines)]
    best: tuple[int, str] | None = None
    for separator in SEPARATORS:
        for at, record in enumerate(records[:HEADER_SEARCH_ROWS]):
            header = split_line(record, separator)
            limits.check_columns(len(header))  # before any name is read: that costs per column
            if len(header) >= 2 and "text" in roles.guess(header, roles.FEEDBACK):
                body = records[at + 1:]
                fitting = sum(len(split_line(r, separator)) >= len(header) for r in body)
                if body and fitting / len(body) >= 0.6 and (best is None or len(header) > best[0]):
                    best = (len(header), separator)
                break
    return best[1] if best else None


def text_layout(path: Path, kind: str = "base") -> Layout:
    encoding, lines = _text_lines(path)
    content = [line for line in lines if line.strip()]
    if not content:
        raise IngestError("ingest.empty_file")
    separator = _comments_separator(content[: HEADER_SEARCH_ROWS + SAMPLE_ROWS]) if kind == "feedback" else None
    try:
        separator = separator or _choose_separator(content[: HEADER_SEARCH_ROWS + SAMPLE_ROWS])[0]
    except IngestError:
        if kind != "feedback":
            raise
        separator = "\t"  # one column of comments: a tab in a comment is joined back (the text is the last column)
    # Keep blank lines in place so that positions stay line numbers (1-based).
    rows = [split_line(line, separator) if line.strip() else [] for line in lines]
    layout = _grid_layout(rows, 1, format="text", encoding=encoding, separator=separator, kind=kind)
    layout.head = lines[: layout.header_row]
    return layout


# -- sheets -----------------------------------------------------------------------------------------------
@contextmanager
def reading_xlsx() -> Iterator[None]:
    """openpyxl on a damaged or hostile file raises whatever its unzipping and XML parsing meet (zlib.error,
    BadZipFile for a bad CRC, ParseError, KeyError, IndexError…): each becomes one "damaged XLSX" error."""
    try:
        yield
    except CxError:
        raise
    except Exception as error:  # noqa: BLE001 - the parser's exceptions are not a closed set
        raise IngestError("ingest.bad_xlsx", detail=detail(error)) from None


def detail(error: BaseException) -> str:
    """What a reader's error says, for a user: its first line, without "Invalid Input Error:" and the like."""
    text = str(error.params.get("detail", "")) if isinstance(error, CxError) else str(error)
    first = (text.strip().splitlines() or [""])[0].strip(" '\"")
    return _ERROR_PREFIX.sub("", first)[:200] or type(error).__name__


@contextmanager
def workbook(path: Path):
    """The workbook, read-only, once its zip directory has passed the unpacking limits; whatever openpyxl
    raises inside the block is a damaged XLSX. It is opened from a file object, so openpyxl does not judge
    the file by its name (an XLSX saved as .csv still opens)."""
    import openpyxl

    limits.check_zip(path)
    with open(path, "rb") as handle, reading_xlsx():
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        try:
            yield book
        finally:
            book.close()


def sheet_rows(sheet, limit: int | None = None):
    """Rows of a sheet as lists of text, numbered from 1."""
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if limit is not None and number > limit:
            return
        yield number, [cell_text(v) for v in row]


def _trimmed(rows: list[list[str]]) -> list[list[str]]:
    """Rows cut after the last column that holds anything: openpyxl pads every row to the sheet's declared
    dimension, which a writer may declare as wide as XFD."""
    width = max((max((i + 1 for i, c in enumerate(r) if c), default=0) for r in rows), default=0)
    return [r[:width] for r in rows]


def xlsx_layout(path: Path, sheet: str | None = None, kind: str = "base") -> Layout:
    with workbook(path) as book:
        names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise IngestError("ingest.no_sheet", sheet=sheet, sheets=", ".join(names))
        found: Layout | None = None
        refused: IngestError | None = None  # why a sheet was no table, when it is more than "no table"
        for name in [sheet] if sheet else names:
            rows = _trimmed([cells for _, cells in sheet_rows(book[name], HEADER_SEARCH_ROWS + SAMPLE_ROWS)])
            try:
                layout = _grid_layout(rows, 1, format="xlsx", sheet=name, sheets=names, kind=kind)
            except IngestError as error:
                refused = refused or (error if error.key != "ingest.not_a_table" else None)
                continue
            if not layout.missing_roles():
                return layout
            found = found or layout
        if found is None:
            raise refused or IngestError("ingest.not_a_table")
        return found


def parquet_layout(path: Path, kind: str = "base") -> Layout:
    from cxcore.store import inspect_file

    try:
        names, rows = inspect_file("SELECT * FROM read_parquet(?) LIMIT ?", [str(path), SAMPLE_ROWS])
    except StoreError as error:
        raise IngestError("ingest.bad_parquet", detail=detail(error)) from None
    limits.check_columns(len(names))
    sample = [[cell_text(v) for v in row] for row in rows]
    return _with_roles(Layout(format="parquet", columns=names, header_row=0, mapping={}, date_formats=[], kind=kind,
                              sample=sample))


def detect(path: Path, sheet: str | None = None, kind: str = "base") -> Layout:
    """The layout of the file at `path` (format from its first bytes, not its name), with the roles of `kind`
    (cxcore/roles.py KINDS) guessed."""
    path = Path(path)
    if not path.is_file():
        raise IngestError("ingest.no_file", path=str(path))
    limits.check_file(path)
    with open(path, "rb") as handle:
        magic = handle.read(8)
    if magic.startswith(b"PK\x03\x04"):
        return xlsx_layout(path, sheet, kind)
    if magic.startswith(b"PAR1"):
        return parquet_layout(path, kind)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise IngestError("ingest.old_xls")
    return text_layout(path, kind)
