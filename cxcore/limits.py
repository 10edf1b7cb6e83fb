"""How much one load may take: the file's size, its rows and columns, and how far an XLSX may unpack.

Each limit has a default and an environment variable, read when a load asks (a changed variable needs no
restart). A file over a limit is refused with a message that names the limit and its variable, before
it is read whole.
"""
from __future__ import annotations

import math
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from cxcore.errors import IngestError

MB = 1 << 20


@dataclass(frozen=True)
class Limit:
    env: str
    default: int

    def value(self) -> int:
        """The limit in force: the environment variable's whole number, else the default."""
        text = os.environ.get(self.env, "").strip()
        if not text:
            return self.default
        try:
            number = int(text.replace("_", ""))
        except ValueError:
            number = 0
        if number <= 0:
            raise IngestError("ingest.bad_limit", name=self.env, value=text[:40], default=self.default)
        return number


# ~36M rows of a 1C export (~110 bytes a row, benchmarks/ingest_bench.py); Parquet holds several times more.
MAX_FILE_MB = Limit("CXSTUDIO_MAX_FILE_MB", 4096)
# "Tens of millions of rows": five times the 10M rows the benchmarks load within their memory goal.
MAX_ROWS = Limit("CXSTUDIO_MAX_ROWS", 50_000_000)
# Real exports have tens of columns; thousands are a transposed table or a broken separator.
MAX_COLUMNS = Limit("CXSTUDIO_MAX_COLUMNS", 1000)
# A full sheet (1,048,576 rows × ~20 columns) unpacks to about 1 GB of XML.
MAX_XLSX_MB = Limit("CXSTUDIO_MAX_XLSX_MB", 2048)
# Sheet XML packs 5–30 times, zeros or repeated rows ~1000 times: a part packed tighter than this is a bomb.
MAX_ZIP_RATIO = 100
RATIO_FROM_BYTES = 8 * MB  # small parts (styles, shared strings of a tiny sheet) may pack as they like


def _mb(size: int) -> int:
    """Whole megabytes, rounded up (a file just over a limit never shows as equal to it)."""
    return math.ceil(size / MB)


def check_file(path: Path) -> None:
    """Refuse a file larger than CXSTUDIO_MAX_FILE_MB, by its size on disk (nothing of it is read)."""
    size, limit = path.stat().st_size, MAX_FILE_MB.value()
    if size > limit * MB:
        raise IngestError("ingest.file_too_big", size=_mb(size), limit=limit, name=MAX_FILE_MB.env)


def check_rows(rows: int, limit: int) -> None:
    """Refuse a load that read more rows than `limit` (CXSTUDIO_MAX_ROWS, read once per load): never load
    only the first ones."""
    if rows > limit:
        raise IngestError("ingest.too_many_rows", limit=limit, name=MAX_ROWS.env)


def check_columns(columns: int) -> None:
    limit = MAX_COLUMNS.value()
    if columns > limit:
        raise IngestError("ingest.too_many_columns", columns=columns, limit=limit, name=MAX_COLUMNS.env)


def check_zip(path: Path) -> None:
    """Refuse an XLSX whose parts would unpack too far, from the sizes its zip directory declares, before
    anything is unpacked (Python's zipfile never unpacks a part past its declared size)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise IngestError("ingest.bad_xlsx", detail=str(error).splitlines()[0][:200] if str(error) else
                          type(error).__name__) from None
    for part in parts:
        if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_ZIP_RATIO * max(part.compress_size, 1):
            raise IngestError("ingest.zip_bomb", part=part.filename[:100], size=_mb(part.file_size),
                              packed=_mb(part.compress_size), limit=MAX_ZIP_RATIO)
    total, limit = sum(part.file_size for part in parts), MAX_XLSX_MB.value()
    if total > limit * MB:
        raise IngestError("ingest.xlsx_too_big", size=_mb(total), limit=limit, name=MAX_XLSX_MB.env)
