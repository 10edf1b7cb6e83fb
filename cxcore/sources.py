"""Where the rows of a customer-base file come from: SQL that yields (row_no, f, raw) for DuckDB to judge.

f is the row's cells as a list of text, raw the row as read. A text file is read as whole lines, which the
loader splits itself: it then knows blank lines, title lines and broken lines for what they are. Text that
DuckDB cannot read as it is (cp1251, UTF-16, mixed line endings or encodings) is read from a UTF-8 copy.
"""
from __future__ import annotations

import codecs
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from cxcore import layout as layouts
from cxcore import limits
from cxcore.layout import Layout
from cxcore.store import Tx, literal, quote_ident

if TYPE_CHECKING:  # pandas costs ~0.7 s to import: only where a frame is really made
    import pandas as pd

Progress = Callable[[float, str], None]
MAX_LINE_BYTES = 8 << 20
_NO_DELIMITER = "\x01"  # read whole lines: the loader splits them itself, so it knows each line's number
_FIELD_PATTERN = {  # one field after a separator: a quoted field ("" inside) or anything up to the next one
    ";": r';("(?:[^"]|"")*"|[^;]*)',
    ",": r',("(?:[^"]|"")*"|[^,]*)',
    "\t": '\t("(?:[^"]|"")*"|[^\t]*)',
    "|": r'\|("(?:[^"]|"")*"|[^|]*)',
}


def report(progress: Progress | None, share: float, key: str) -> None:
    """Tell the caller how far a load is (0–1) and what it does (a translation key)."""
    if progress is not None:
        progress(min(max(share, 0.0), 1.0), key)


# A text file is read as whole lines, which the loader splits itself. The load pass runs in parallel and
# does not number the lines; the few rejected ones get their line numbers afterwards (ingest._settle).
LINES = """read_csv($path, columns = {'line': 'VARCHAR'}, header = false, delim = $no_delimiter,
                     quote = '', escape = '', comment = '', max_line_size = $max_line)"""
_TEXT_ROWS = f"""
    SELECT NULL::BIGINT AS row_no, <fields> AS f, line AS raw
    FROM {LINES}
    WHERE regexp_matches(line, <content>)
"""
# A line is blank (not a row) unless it holds something besides spaces, quotes and separators: the
# ";;;" lines of 1C and Excel exports are as empty as an empty line.
CONTENT = {";": r'[^\s";]', ",": r'[^\s",]', "\t": r'[^\s"]', "|": r'[^\s"|]', layouts.SPACES: r"\S"}


def rows_sql(tx: Tx, layout: Layout, path: Path, text_path: Path | None, progress: Progress | None,
             max_rows: int) -> tuple[str, dict[str, Any]]:
    """SQL yielding (row_no, f = list of cell texts, raw) for the rows of the file.

    Sheets and Parquet files give only the rows under the header, numbered; a text file gives every
    line that is not blank, unnumbered (the title and header lines are judged too, and dropped once
    numbered with the rejects). Patterns are code's constants written as literals: DuckDB compiles a
    constant regex once, a bound one for every row.
    """
    width = len(layout.columns)
    if layout.format == "text":
        fields = fields_sql(layout.separator, "line")
        sql = _TEXT_ROWS.replace("<fields>", fields).replace("<content>", literal(CONTENT[layout.separator]))
        return sql, lines_params(text_path)
    if layout.format == "parquet":
        cells = ", ".join(f"CAST({quote_ident(c)} AS VARCHAR)" for c in layout.columns)
        return (f"SELECT file_row_number + 1 AS row_no, list_value({cells}) AS f, NULL AS raw "
                "FROM read_parquet($path, file_row_number = true)", {"path": str(path)})
    tx.register("cx_sheet_rows", _sheet_frame(layout, path, width, progress, max_rows))
    cells = ", ".join(f"c{i}" for i in range(width))
    return (f"SELECT row_no, list_value({cells}) AS f, array_to_string(list_value({cells}), ' | ') AS raw "
            "FROM cx_sheet_rows", {})


def fields_sql(separator: str, column: str) -> str:
    """SQL splitting the text column `column` into its fields (the macros of ingest_parse.sql)."""
    if separator == layouts.SPACES:
        return f"string_split_regex(trim({column}), '\\s{{2,}}')"
    return f"cx_split({column}, {literal(separator)}, {literal(_FIELD_PATTERN[separator])})"


def lines_params(text_path: Path | None) -> dict[str, Any]:
    return {"path": str(text_path), "no_delimiter": _NO_DELIMITER, "max_line": MAX_LINE_BYTES}


def _sheet_frame(layout: Layout, path: Path, width: int, progress: Progress | None,
                 max_rows: int) -> pd.DataFrame:
    """The rows under the header of a sheet, as text (sheets hold at most ~1M rows, so this fits); a sheet
    with more rows than `max_rows` is refused as soon as the row after the last allowed is met."""
    with layouts.workbook(path) as book:
        sheet = book[layout.sheet]
        total = max(sheet.max_row or 1, 1)
        numbers: list[int] = []
        columns: list[list[str]] = [[] for _ in range(width)]
        for number, cells in layouts.sheet_rows(sheet):
            if number <= layout.header_row or not any(cells):
                continue
            numbers.append(number)
            if len(numbers) > max_rows:
                limits.check_rows(len(numbers), max_rows)
            for i in range(width):
                columns[i].append(cells[i] if i < len(cells) else "")
            if number % 20000 == 0:
                report(progress, 0.5 * number / total, "progress.reading")
    import pandas as pd

    frame = pd.DataFrame({f"c{i}": pd.Series(col, dtype="object") for i, col in enumerate(columns)})
    frame.insert(0, "row_no", pd.Series(numbers, dtype="int64"))
    return frame


def long_line(path: Path, limit: int = MAX_LINE_BYTES) -> int | None:
    """The number (from 1) of the first line of a file longer than `limit` bytes, or None; read in chunks.

    Only a line that starts before a chunk's first line end, or runs on past its last, can be longer than a
    chunk, so each chunk costs a few byte searches, whatever its number of lines.
    """
    chunk_size = min(limit, 1 << 22)
    lines, run = 0, 0  # lines ended so far; bytes of the line that is still open
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            first = chunk.find(b"\n")
            if first < 0:
                run += len(chunk)
                if run > limit:
                    return lines + 1
                continue
            if run + first > limit:
                return lines + 1
            lines += chunk.count(b"\n")
            run = len(chunk) - chunk.rfind(b"\n") - 1
    return lines + 1 if run > limit else None


@contextmanager
def utf8_copy(layout: Layout, path: Path) -> Iterator[Path | None]:
    """The file as UTF-8 for DuckDB: itself when it already is, else a transcoded temporary copy."""
    if layout.format != "text" or layout.encoding in ("utf-8", "utf-8-sig"):
        yield path
        return
    with _transcoded(path, layout.encoding) as copy:
        yield copy


@contextmanager
def _transcoded(path: Path, encoding: str) -> Iterator[Path]:
    """A UTF-8 copy of `path`, decoded in large chunks."""
    folder = Path(tempfile.mkdtemp(prefix="cx-ingest-"))
    copy = folder / "utf8.txt"
    try:
        with open(path, "rb") as raw, open(copy, "wb") as out:
            decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
            while chunk := raw.read(1 << 22):
                out.write(decoder.decode(chunk).encode("utf-8"))
            out.write(decoder.decode(b"", final=True).encode("utf-8"))
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def normalised_copy(path: Path, encoding: str | None) -> Iterator[Path]:
    """A UTF-8 copy of `path` with every line ending in LF; a stray CR inside a line becomes a space, so
    lines stay where the layout counted them. A UTF-8 file is read line by line, a line that is not
    UTF-8 as cp1251."""
    folder = Path(tempfile.mkdtemp(prefix="cx-ingest-"))
    copy = folder / "plain.txt"
    try:
        with open(copy, "w", encoding="utf-8", newline="\n") as out:
            for line in _lines(path, encoding):
                out.write(line.rstrip("\r\n").replace("\r", " ") + "\n")
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _lines(path: Path, encoding: str | None) -> Iterator[str]:
    """The lines of a text file, split at LF only (as the layout splits them)."""
    if encoding in (None, "utf-8", "utf-8-sig"):
        with open(path, "rb") as raw:
            for number, line in enumerate(raw):
                yield layouts.decode_mixed(line.removeprefix(b"\xef\xbb\xbf") if number == 0 else line)
    else:
        with open(path, encoding=encoding, errors="replace", newline="\n") as text:
            yield from text


RECORD_MARK = "\x02"  # between a record's line number and the record in a numbered copy


@contextmanager
def numbered_records(layout: Layout, path: Path) -> Iterator[Path | None]:
    """For a text file, a UTF-8 copy holding one line per record under the header, each written as
    "<number of its first line>\x02<record>"; None for a sheet or Parquet file (their rows come numbered).

    A record is a line, or several when a quoted field holds line breaks (a comment written in paragraphs): they
    are joined with a space while the count of quotes is odd (`layout.quoted_records`). Blank lines
    are left out, as the base loader leaves them. Feedback files are small enough to pass through Python once.
    """
    if layout.format != "text":
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="cx-feedback-"))
    copy = folder / "records.txt"
    content = re.compile(CONTENT[layout.separator])
    try:
        with open(copy, "w", encoding="utf-8", newline="\n") as out:
            for number, record in _records(path, layout.encoding, layout.header_row):
                if content.search(record):
                    out.write(f"{number}{RECORD_MARK}{record.replace(_NO_DELIMITER, ' ')}\n")
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _records(path: Path, encoding: str | None, header_row: int) -> Iterator[tuple[int, str]]:
    """(first line number, record) for the records after line `header_row`."""
    lines = (line.rstrip("\r\n").replace("\r", " ") for line in _lines(path, encoding))
    for _ in range(header_row):
        next(lines, None)
    yield from layouts.quoted_records(lines, first=header_row + 1)
