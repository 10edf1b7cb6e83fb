"""Bad input never crashes the loader, never damages what was loaded, and the size limits hold.

Every case ends either in an IngestError whose message is one line in both languages (naming the row when a
row is the problem) or in a load with its rejects: never another exception, never a hang, and a failed load
leaves the workshop's previous base exactly as it was. A few cases run through the command line too.
"""
from __future__ import annotations

import io
import json
import math
import random
import re
import struct
import time
import tomllib
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from datetime import time as time_of_day
from pathlib import Path
from typing import Callable

import openpyxl
import pandas as pd
import pytest

from cxcore import ingest, limits
from cxcore.errors import IngestError
from tests.conftest import PROJECT, run_cli
from tests.test_ingest import snapshot

HANG_GUARD_S = 30  # a bound against hangs only, not a claim about speed
FIRST = "Клиент;Дата;Сумма\nA;01.01.2024;100\nB;02.01.2024;200\n"
TABLE = "Клиент;Дата;Сумма\n" + "".join(f"К{i};0{i % 9 + 1}.01.2024;{i},50\n" for i in range(1, 21))
MB = 1 << 20
ANY = "any"  # a case that may end either way (a clear refusal or a load), as long as it ends well


@dataclass
class Case:
    make: Callable[[Path], Path]
    key: str | None = None  # the IngestError expected (or ANY); None: the file loads
    loaded: int | None = None  # rows the load keeps, when it loads
    says: tuple[str, ...] = ()  # what the English message must say (a row number, a limit…)


def put(name: str, data: bytes | Callable[[], bytes]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data() if callable(data) else data)
        return path
    return make


def noise(seed: int, size: int, prefix: bytes = b"") -> bytes:
    return prefix + random.Random(seed).randbytes(size)


def table_noise(seed: int, lines: int = 400) -> bytes:
    """Text made of a table's own characters (separators, quotes, digits, dates, CR/LF) in random order."""
    rng = random.Random(seed)
    atoms = [";", ";", ",", "\t", '"', '""', "\n", "\r\n", "\r", " ", "Клиент", "Дата", "Сумма", "01.02.2024",
             "2024-13-45", "1 234,50", "-7", "(12,00)", "Итого", "NaN", "inf", "0000021", "x" * 300, "\u00a0"]
    return "".join(rng.choice(atoms) for _ in range(lines * 6)).encode("utf-8")


def random_rows(seed: int, rows: int = 300) -> bytes:
    """A good header over rows of random cells: every value rule of the loader meets junk."""
    rng = random.Random(seed)
    atoms = ["", " ", "A", "0000021", "Итого:", "Total", "01.02.2024", "31.02.2024", "1900-01-01", "45000",
             "99999", "2024-02-30T10:00", "1 234,50", "(12,00)", "5-", "1e308", "1e309", "-inf", "NaN", "₽",
             "12,34,56", '"', '""', '"a;b"', "\x00", "\u202f", "z" * 2000, "\r", "💥", "\ufeff"]
    widths = (3,) * 18 + (2, 4)  # mostly rows as wide as the header, or the file is no table at all
    lines = ["Клиент;Дата;Сумма"] + [";".join(rng.choice(atoms) for _ in range(rng.choice(widths)))
                                     for _ in range(rows)]
    return "\n".join(lines).encode("utf-8")


def xlsx_bytes(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD_SHEET = [["Клиент", "Дата", "Сумма"]] + [[f"К{i}", f"0{i % 9 + 1}.01.2024", i * 10.5] for i in range(1, 200)]


def flipped(data: bytes, member: str, seed: int) -> bytes:
    """`data` (a zip) with bytes flipped inside the compressed body of `member`."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    body = bytearray(data)
    rng = random.Random(seed)
    for at in rng.sample(range(start + 2, start + info.compress_size - 2), 8):
        body[at] ^= 0xFF
    return bytes(body)


def declared_huge(data: bytes) -> bytes:
    """A zip whose central directory claims 4 GB for a member (the bytes inside are small)."""
    body = bytearray(data)
    at = body.find(b"PK\x01\x02")
    body[at + 24:at + 28] = struct.pack("<L", 0xFFFF0000)
    return bytes(body)


def zip_bomb(gigabytes: int = 2) -> bytes:
    """A real XLSX whose sheet unpacks to `gigabytes` GB of empty rows, from ~1 MB of zip per GB.

    Deflate blocks ended with a full flush do not refer back, so one compressed block of 16 MB of rows is
    repeated instead of compressing gigabytes (which takes seconds per GB).
    """
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(GOOD_SHEET))) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    head, tail = sheet.split(b"</sheetData>")
    block = b"<row/>" * ((16 * MB) // 6)
    repeats = gigabytes * 1024 // 16

    def deflated(data: bytes, final: bool) -> bytes:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        return packer.compress(data) + packer.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)

    packed_block = deflated(block, False)
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(b"</sheetData>" + tail, crc)
    bomb = deflated(head, False) + packed_block * repeats + deflated(b"</sheetData>" + tail, True)
    size = len(head) + len(block) * repeats + len(tail) + 12
    out, directory = io.BytesIO(), io.BytesIO()
    for name, data in members.items():
        if name == "xl/worksheets/sheet1.xml":
            packed, member_crc, member_size = bomb, crc, size
        else:
            packed, member_crc, member_size = deflated(data, True), zlib.crc32(data), len(data)
        encoded, offset = name.encode(), out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 45, 0, 8, 0, 0, member_crc, len(packed),
                              member_size & 0xFFFFFFFF, len(encoded), 0) + encoded + packed)
        directory.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 45, 45, 0, 8, 0, 0, member_crc, len(packed),
                                    member_size & 0xFFFFFFFF, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    out.write(directory.getvalue())
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members),
                          len(directory.getvalue()), start, 0))
    return out.getvalue()


def odd_cells() -> bytes:
    """A sheet whose cells hold what Excel allows besides text, numbers and dates."""
    return xlsx_bytes([["Клиент", "Дата", "Сумма"], ["A", datetime(2024, 1, 5), 10], ["B", "01.02.2024", "=1/0"],
                       [True, datetime(9999, 12, 31), 5], [None, None, None], ["C", 45_300, "1 234,50 ₽"],
                       ["D", datetime(2024, 2, 1, 13, 30), -1e308], ["E", time_of_day(12, 0), 1]])


def declared_wide(data: bytes) -> bytes:
    """A workbook whose sheet declares itself 16,384 columns wide (openpyxl then pads every row so)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    members["xl/worksheets/sheet1.xml"] = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD200"',
                                                 sheet).encode()
    return _zip(members)


def odd_parquet(folder: Path) -> Path:
    path = folder / "odd.parquet"
    pd.DataFrame({"Клиент": [["a", "b"], ["c"]], "Дата": [b"\x00\x01", b"2024-01-01"],
                  "Сумма": [{"x": 1}, {"x": 2}]}).to_parquet(path, engine="pyarrow", index=False)
    return path


def empty_parquet(folder: Path) -> Path:
    path = folder / "empty.parquet"
    pd.DataFrame({"Клиент": pd.Series([], dtype="object"), "Дата": pd.Series([], dtype="datetime64[ns]"),
                  "Сумма": pd.Series([], dtype="float64")}).to_parquet(path, engine="pyarrow", index=False)
    return path


def parquet_bytes(folder: Path) -> bytes:
    path = folder / "good.parquet.tmp"
    pd.DataFrame({"Клиент": ["a", "b", "c"], "Дата": ["01.02.2024"] * 3, "Сумма": [1.0, 2.0, 3.0]}).to_parquet(
        path, engine="pyarrow", index=False)
    data = path.read_bytes()
    path.unlink()
    return data


def parquet_case(name: str, change: Callable[[bytes], bytes]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(change(parquet_bytes(folder)))
        return path
    return make


def one_long_line() -> bytes:
    return b"A;01.01.2024;100;" * (50 * MB // 17)


CASES: dict[str, Case] = {
    # bytes with no meaning at all, alone and behind every magic number the loader sniffs
    **{f"random bytes seed {seed} size {size}": Case(put("random.csv", noise(seed, size)), "ingest.binary")
       for seed in (1, 2, 3) for size in (64, 4096, 65_536)},
    "random bytes 3 MB": Case(put("random.csv", lambda: noise(4, 3 * MB)), "ingest.binary"),
    "one random byte": Case(put("byte.csv", bytes([0x8C])), "ingest.not_a_table"),
    "random bytes behind a zip header": Case(put("r.xlsx", noise(5, 5000, b"PK\x03\x04")), "ingest.bad_xlsx"),
    "random bytes behind a parquet header": Case(put("r.parquet", noise(6, 5000, b"PAR1")),
                                                 "ingest.bad_parquet"),
    "random bytes behind an old-excel header": Case(put("r.xls", noise(7, 5000, b"\xd0\xcf\x11\xe0")),
                                                    "ingest.old_xls"),
    "random bytes behind a UTF-16 BOM": Case(put("r.csv", noise(8, 5000, b"\xff\xfe")), "ingest.not_a_table"),
    **{f"table-like noise seed {seed}": Case(put("noise.csv", table_noise(seed)), ANY) for seed in (1, 2, 3, 4)},
    **{f"random cells under a good header, seed {seed}": Case(put("cells.csv", random_rows(seed)), ANY)
       for seed in (1, 2, 3, 4)},
    # damaged and hostile workbooks
    "truncated xlsx (half)": Case(put("cut.xlsx", lambda: xlsx_bytes(GOOD_SHEET)[: len(xlsx_bytes(GOOD_SHEET)) // 2]),
                                  "ingest.bad_xlsx"),
    "truncated xlsx (first 100 bytes)": Case(put("cut.xlsx", lambda: xlsx_bytes(GOOD_SHEET)[:100]),
                                             "ingest.bad_xlsx"),
    **{f"corrupted xlsx (sheet bytes flipped, seed {seed})":
       Case(put("flip.xlsx", lambda seed=seed: flipped(xlsx_bytes(GOOD_SHEET), "xl/worksheets/sheet1.xml", seed)),
            "ingest.bad_xlsx") for seed in (1, 2)},
    "corrupted xlsx (workbook bytes flipped)":
        Case(put("flip.xlsx", lambda: flipped(xlsx_bytes(GOOD_SHEET), "xl/workbook.xml", 3)), "ingest.bad_xlsx"),
    "zip bomb renamed .xlsx": Case(put("bomb.xlsx", zip_bomb), "ingest.zip_bomb", says=("100",)),
    "zip claiming a 4 GB member": Case(put("huge.xlsx", lambda: declared_huge(xlsx_bytes(GOOD_SHEET))),
                                       "ingest.zip_bomb"),
    "zip that is no workbook": Case(put("x.xlsx", lambda: _zip({"readme.txt": b"hello"})), "ingest.bad_xlsx"),
    "xlsx named .csv": Case(put("sheet.csv", lambda: xlsx_bytes(GOOD_SHEET)), loaded=199),
    "xlsx with odd cells (booleans, formulas, times, year 9999)": Case(put("odd.xlsx", odd_cells), loaded=3,
                                                                       says=("row 3", "row 4", "row 8")),
    "xlsx with a header of 16,384 columns": Case(put("wide.xlsx", lambda: xlsx_bytes(
        [[f"c{i}" for i in range(16_384)], ["A", "01.01.2024", 1]])), "ingest.too_many_columns", says=("16384",)),
    "xlsx declaring 16,384 columns": Case(put("wide.xlsx", lambda: declared_wide(xlsx_bytes(GOOD_SHEET))),
                                          loaded=199),
    # encodings
    "utf-16 LE with BOM": Case(put("u16le.csv", ("\ufeff" + TABLE).encode("utf-16-le")), loaded=20),
    "utf-16 BE with BOM": Case(put("u16be.csv", ("\ufeff" + TABLE).encode("utf-16-be")), loaded=20),
    "utf-16 LE without BOM": Case(put("u16.csv", TABLE.encode("utf-16-le")), loaded=20),
    "utf-16 cut in the middle of a character": Case(put("u16.csv", TABLE.encode("utf-16")[:-1]), loaded=19,
                                                    says=("row 21",)),  # its amount lost its last character
    "cp1251 lines inside a UTF-8 file": Case(put("mixed.csv", b"".join(
        line.encode("cp1251" if i % 3 == 0 else "utf-8") for i, line in enumerate(TABLE.splitlines(True)))),
        loaded=20),
    "cp1251 lines beyond the first megabyte of a UTF-8 file": Case(put("mixed.csv", lambda: (
        TABLE * 6000).encode("utf-8") + "Ёлкин;03.02.2024;1\n".encode("cp1251")), loaded=120_001),
    # shapes
    "a header of 100,000 columns": Case(put("wide.csv", (";".join(f"c{i}" for i in range(100_000)) + "\n"
                                                         + "A;01.01.2024;1\n" * 3).encode()),
                                        "ingest.too_many_columns", says=("100000", "CXSTUDIO_MAX_COLUMNS")),
    "a single 50 MB line, no newline": Case(put("line.csv", one_long_line), "ingest.line_too_long_at",
                                            says=("line 1 ",)),
    "a single 50 MB line of one letter": Case(put("line.csv", lambda: b"x" * (50 * MB)), "ingest.line_too_long_at",
                                              says=("line 1 ",)),
    "a 50 MB line among good rows": Case(put("line.csv", lambda: TABLE.encode() + b"C;" + b"9" * (50 * MB) + b"\n"
                                             + b"D;01.01.2024;1\n"), "ingest.line_too_long_at", says=("line 22 ",)),
    "an empty file": Case(put("empty.csv", b""), "ingest.empty_file"),
    "only spaces and newlines": Case(put("blank.csv", b" \n\r\n\t\n" * 100), "ingest.empty_file"),
    "header only": Case(put("header.csv", "Клиент;Дата;Сумма\n".encode()), "ingest.nothing_loaded"),
    "header and blank lines": Case(put("header.csv", "Клиент;Дата;Сумма\n\n;;\n\n".encode()),
                                   "ingest.nothing_loaded"),
    "NUL bytes in a row": Case(put("nul.csv", (TABLE + "C\x00\x00;01.01.2024;5\n").encode()), loaded=20,
                               says=("row 22",)),
    "NUL bytes beyond the first megabyte": Case(put("nul.csv", lambda: (TABLE * 6000 + "C\x00;01.01.2024;5\n"
                                                                        ).encode()), loaded=120_000),
    "a parquet of lists, bytes and structs": Case(odd_parquet, ANY),
    "a parquet with no rows": Case(empty_parquet, "ingest.nothing_loaded"),
    "a path that does not exist": Case(lambda folder: folder / "missing.csv", "ingest.no_file"),
    "a folder instead of a file": Case(lambda folder: folder, "ingest.no_file"),
    "a .parquet that is not parquet": Case(put("base.parquet", TABLE.encode()), loaded=20),
    "a .parquet of random bytes": Case(put("base.parquet", noise(9, 4000)), "ingest.binary"),
    "a truncated parquet": Case(parquet_case("cut.parquet", lambda data: data[: len(data) // 2]),
                                "ingest.bad_parquet"),
    "a parquet with its middle flipped": Case(parquet_case("flip.parquet", lambda data: data[:8] + bytes(
        b ^ 0xFF for b in data[8:-8]) + data[-8:]), "ingest.bad_parquet"),
    "only separators": Case(put("seps.csv", b";;;;;;\n" * 1000), "ingest.not_a_table"),
    "only commas and tabs": Case(put("seps.csv", b",,,\t\t\n" * 1000), "ingest.not_a_table"),
    "CR line endings only (old Mac)": Case(put("mac.csv", TABLE.replace("\n", "\r").encode()), loaded=20),
    "a 5 MB field": Case(put("field.csv", lambda: (TABLE + "Z" * (5 * MB) + ";01.01.2024;1\n").encode()),
                         loaded=20, says=("row 22",)),
    "a 5 MB quoted field": Case(put("field.csv", lambda: (TABLE + '"' + "Z;" * (5 * MB // 2) + '";01.01.2024;1\n'
                                                          ).encode()), loaded=20, says=("row 22",)),
    "an unclosed quote": Case(put("quote.csv", (TABLE + '"A;01.01.2024;1\n' + TABLE.split("\n", 1)[1]).encode()),
                              loaded=41),  # the quote stays part of the customer id, as Excel reads it
}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def assert_one_line(error: IngestError) -> None:
    for lang in ("en", "ru"):
        text = error.message(lang)
        assert text.strip() and "\n" not in text and len(text) < 1000, text
        assert "Traceback" not in text and "Error:" not in text, text  # no Python or DuckDB names
        assert error.key not in text, text  # a translated sentence, not the bare key


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_ends_in_a_clear_error_or_a_load_and_the_base_stays(store, tmp_path, name):
    case = CASES[name]
    first = tmp_path / "first.csv"
    first.write_text(FIRST, encoding="utf-8")
    good = ingest.load(store, first, workshop_name="W")
    before = snapshot(store, good.workshop_id)
    path = case.make(tmp_path)
    started = time.monotonic()
    try:
        report = ingest.load(store, path, workshop_name="W")
    except IngestError as error:
        took = time.monotonic() - started
        assert case.key is not None, f"{name}: refused ({error.message('en')}) but should load"
        assert case.key in (ANY, error.key), error.message("en")
        assert_one_line(error)
        for part in case.says:
            assert part.lower() in error.message("en").lower(), error.message("en")
        assert snapshot(store, good.workshop_id) == before
    else:
        took = time.monotonic() - started
        assert case.key in (None, ANY), f"{name}: loaded, expected {case.key}"
        assert report.rows_read == report.rows_loaded + report.rows_rejected
        if case.loaded is not None:
            assert report.rows_loaded == case.loaded
        for part in case.says:
            assert any(part == f"row {r.row}" for r in report.rejects), report.rejects[:5]
        for reject in report.rejects:  # each reason a translated phrase on one line
            for lang in ("en", "ru"):
                assert "\n" not in reject.text(lang) and not reject.text(lang).startswith("reject."), reject
    assert took < HANG_GUARD_S, f"{name} took {took:.1f} s"


# -- the same through the command line ----------------------------------------------------------------------
CLI_CASES = ["random bytes 3 MB", "truncated xlsx (half)", "corrupted xlsx (sheet bytes flipped, seed 1)",
             "zip bomb renamed .xlsx", "a header of 100,000 columns", "a 50 MB line among good rows",
             "a truncated parquet", "header only"]


def test_the_command_line_refuses_each_bad_file_in_one_line_and_keeps_the_database(tmp_path):
    db = tmp_path / "cli.duckdb"
    first = tmp_path / "first.csv"
    first.write_text(FIRST, encoding="utf-8")
    assert run_cli("ingest", str(first), "--db", str(db), "--workshop", "w").returncode == 0
    before = run_cli("summary", "--db", str(db), "--workshop", "w").stdout
    for name in CLI_CASES:
        path = CASES[name].make(tmp_path)
        done = run_cli("ingest", str(path), "--db", str(db), "--workshop", "w")
        assert (done.returncode, done.stdout) == (2, ""), (name, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (name, done.stderr[:500])
        assert "Traceback" not in done.stderr and "Error:" not in done.stderr, (name, done.stderr[:500])
        path.unlink()
    assert run_cli("summary", "--db", str(db), "--workshop", "w").stdout == before
    assert json.loads(before)["rows_loaded"] == 2


def test_the_command_line_names_the_size_limit(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_bytes(TABLE.encode() * (3 * MB // len(TABLE.encode()) + 1))
    monkeypatch.setenv("CXSTUDIO_MAX_FILE_MB", "2")  # the child process inherits it
    done = run_cli("ingest", str(path), "--db", str(tmp_path / "x.duckdb"))
    assert done.returncode == 2
    assert done.stderr.strip() == ("error: The file is 4 MB; the limit is 2 MB (CXSTUDIO_MAX_FILE_MB). Export a "
                                   "smaller file (a shorter period, or Parquet) or raise the limit. The current base "
                                   "is unchanged.")


# -- limits -------------------------------------------------------------------------------------------------
def loaded_first(store, tmp_path: Path) -> tuple[str, dict]:
    first = tmp_path / "first.csv"
    first.write_text(FIRST, encoding="utf-8")
    good = ingest.load(store, first, workshop_name="W")
    return good.workshop_id, snapshot(store, good.workshop_id)


def refused(store, path: Path, key: str) -> IngestError:
    with pytest.raises(IngestError) as caught:
        ingest.load(store, path, workshop_name="W")
    assert caught.value.key == key, caught.value.message("en")
    assert_one_line(caught.value)
    return caught.value


def test_a_file_over_the_size_limit_is_refused_by_its_size_before_it_is_read(store, tmp_path, monkeypatch):
    workshop_id, before = loaded_first(store, tmp_path)
    path = tmp_path / "export.csv"
    with open(path, "wb") as handle:
        handle.truncate(3_250_000_000)  # 3.1 GB, sparse: reading it would take long and say "binary"
    monkeypatch.setenv("CXSTUDIO_MAX_FILE_MB", "2048")
    started = time.monotonic()
    error = refused(store, path, "ingest.file_too_big")
    assert time.monotonic() - started < HANG_GUARD_S
    assert error.message("en").startswith("The file is 3100 MB; the limit is 2048 MB (CXSTUDIO_MAX_FILE_MB).")
    assert error.message("ru").startswith("Файл — 3100 МБ, предел — 2048 МБ (CXSTUDIO_MAX_FILE_MB).")
    with pytest.raises(IngestError, match="CXSTUDIO_MAX_FILE_MB"):
        ingest.inspect(path)
    assert snapshot(store, workshop_id) == before
    monkeypatch.delenv("CXSTUDIO_MAX_FILE_MB")  # the default, 4096 MB, lets it through to the next check
    refused(store, path, "ingest.binary")


def rows_file(folder: Path, kind: str, rows: int) -> Path:
    data = [[f"К{i}", f"{i % 28 + 1:02d}.01.2024", i] for i in range(rows)]
    if kind == "text":  # title lines above the header are no rows
        path = folder / "rows.csv"
        path.write_text("Отчёт о продажах\nПериод: январь 2024\n\nКлиент;Дата;Сумма\n"
                        + "".join(f"{a};{b};{c}\n" for a, b, c in data) + ";;\n\n", encoding="utf-8")
    elif kind == "xlsx":
        path = folder / "rows.xlsx"
        path.write_bytes(xlsx_bytes([["Выгрузка"], [], ["Клиент", "Дата", "Сумма"], *data]))
    else:
        path = folder / "rows.parquet"
        pd.DataFrame(data, columns=["Клиент", "Дата", "Сумма"]).to_parquet(path, engine="pyarrow", index=False)
    return path


@pytest.mark.parametrize("kind", ["text", "xlsx", "parquet"])
def test_rows_over_the_limit_are_refused_not_cut_short(store, tmp_path, monkeypatch, kind):
    workshop_id, before = loaded_first(store, tmp_path)
    monkeypatch.setenv("CXSTUDIO_MAX_ROWS", "10")
    error = refused(store, rows_file(tmp_path, kind, 11), "ingest.too_many_rows")
    assert error.message("en").startswith("The file has more than 10 rows, the limit (CXSTUDIO_MAX_ROWS).")
    assert snapshot(store, workshop_id) == before
    assert store.query("SELECT count(*) FROM base_rows") == [(2,)]  # nothing of the refused file stays
    report = ingest.load(store, rows_file(tmp_path, kind, 10), workshop_name="W")
    assert (report.rows_read, report.rows_loaded) == (10, 10)


def test_the_limits_are_read_at_every_load(store, tmp_path, monkeypatch):
    loaded_first(store, tmp_path)
    path = rows_file(tmp_path, "text", 3)
    monkeypatch.setenv("CXSTUDIO_MAX_ROWS", "2")
    refused(store, path, "ingest.too_many_rows")
    monkeypatch.setenv("CXSTUDIO_MAX_ROWS", "1_000")
    assert ingest.load(store, path, workshop_name="W").rows_loaded == 3


def test_columns_over_the_limit_are_refused(store, tmp_path, monkeypatch):
    workshop_id, before = loaded_first(store, tmp_path)
    monkeypatch.setenv("CXSTUDIO_MAX_COLUMNS", "5")
    wide = tmp_path / "wide.csv"
    wide.write_text("Клиент;Дата;Сумма;a;b;c\nA;01.01.2024;1;;;\n", encoding="utf-8")
    error = refused(store, wide, "ingest.too_many_columns")
    assert "6 columns; the limit is 5 (CXSTUDIO_MAX_COLUMNS)" in error.message("en")
    parquet = tmp_path / "wide.parquet"
    pd.DataFrame({name: ["x"] for name in "abcdef"}).to_parquet(parquet, engine="pyarrow", index=False)
    refused(store, parquet, "ingest.too_many_columns")
    assert snapshot(store, workshop_id) == before
    wide.write_text("Клиент;Дата;Сумма;a;b\nA;01.01.2024;1;;\n", encoding="utf-8")
    assert ingest.load(store, wide, workshop_name="W").rows_loaded == 1


def test_a_workbook_that_unpacks_past_the_limit_is_refused_unopened(store, tmp_path, monkeypatch):
    workshop_id, before = loaded_first(store, tmp_path)
    path = tmp_path / "big.xlsx"
    path.write_bytes(xlsx_bytes([["Клиент", "Дата", "Сумма"]]
                                + [[f"К{i}", f"{i % 28 + 1:02d}.01.2024", i] for i in range(30_000)]))
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        assert 1 * MB < unpacked and all(i.file_size < 100 * max(i.compress_size, 1) for i in archive.infolist())
    monkeypatch.setenv("CXSTUDIO_MAX_XLSX_MB", "1")
    error = refused(store, path, "ingest.xlsx_too_big")
    assert f"unpacks to {math.ceil(unpacked / MB)} MB; the limit is 1 MB (CXSTUDIO_MAX_XLSX_MB)" in error.message("en")
    assert snapshot(store, workshop_id) == before


@pytest.mark.parametrize("value", ["lots", "0", "-5", "1.5"])
def test_a_limit_set_to_nonsense_is_named(store, tmp_path, monkeypatch, value):
    loaded_first(store, tmp_path)
    monkeypatch.setenv("CXSTUDIO_MAX_ROWS", value)
    error = refused(store, rows_file(tmp_path, "text", 3), "ingest.bad_limit")
    assert f"CXSTUDIO_MAX_ROWS={value} is not a whole number above zero (default 50000000)" in error.message("en")


def test_the_limits_are_documented_and_the_upload_limit_is_within_the_file_limit():
    readme = " ".join((PROJECT / "README.md").read_text(encoding="utf-8").split())
    for limit in (limits.MAX_FILE_MB, limits.MAX_ROWS, limits.MAX_COLUMNS, limits.MAX_XLSX_MB):
        assert any(f"`{limit.env}` ({words}{number}" in readme
                   for words in ("", "default ") for number in (limit.default, f"{limit.default:,}")), limit.env
    upload_mb = tomllib.loads((PROJECT / ".streamlit" / "config.toml").read_text("utf-8"))["server"]["maxUploadSize"]
    assert f"({upload_mb} MB" in readme
    assert 0 < upload_mb <= limits.MAX_FILE_MB.default
