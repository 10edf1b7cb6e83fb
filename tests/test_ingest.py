"""Loading customer bases: what lands in base_rows, the load report, rejects, and the atomic replace.

Every test writes the bytes it needs into tmp_path (or uses the committed samples) and loads them into a
fresh store; layout detection alone (encodings, separators, header rows, roles) is in test_layout.py.
"""
from __future__ import annotations

import importlib.util
import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cxcore import base, ingest, workshop
from cxcore.errors import IngestError, NotFound
from cxcore.store import Store, Tx

REPO_SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
REPO_EXPECTED = json.loads((REPO_SAMPLES / "expected.json").read_text(encoding="utf-8"))
D = date  # short for the long lists of expected rows below


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def stored(store: Store, report: ingest.LoadReport) -> list[tuple]:
    """(customer id, date, amount) of the workshop's loaded rows, in file order (loaded rows of a text file
    carry no line number: only rejects do); checks on the way that the report's counts add up and agree
    with the store."""
    rows = store.query("""
        SELECT customer_id, order_date, amount FROM base_rows
        WHERE base_id = (SELECT id FROM bases WHERE workshop_id = ?) ORDER BY rowid""", [report.workshop_id])
    assert report.rows_read == report.rows_loaded + report.rows_rejected
    assert len(rows) == report.rows_loaded and len(report.rejects) == min(report.rows_rejected, 100)
    return rows


def rejected(report: ingest.LoadReport) -> list[tuple[int, str]]:
    return [(r.row, r.reason) for r in report.rejects]


def facts(report: ingest.LoadReport) -> dict:
    """The load report as the samples' expected.json writes it."""
    return {
        "rows_read": report.rows_read, "rows_loaded": report.rows_loaded, "rows_rejected": report.rows_rejected,
        "customers": report.customers, "revenue": report.revenue,
        "date_min": report.date_min.isoformat() if report.date_min else None,
        "date_max": report.date_max.isoformat() if report.date_max else None,
        "rejected_rows": [r.row for r in report.rejects],
    }


def snapshot(store: Store, workshop_id: str) -> dict:
    """Everything a workshop's base consists of, to compare before and after a failed load."""
    where = "base_id IN (SELECT id FROM bases WHERE workshop_id = ?)"
    return {
        "summary": base.summary(store, workshop_id).to_json(),
        "rows": store.query(f"SELECT * FROM base_rows WHERE {where} ORDER BY row_no", [workshop_id]),
        "rejects": store.query(f"SELECT * FROM base_rejects WHERE {where} ORDER BY row_no", [workshop_id]),
        "bases": store.query("SELECT * FROM bases ORDER BY id"),
        "all_rows": store.query("SELECT count(*) FROM base_rows")[0][0],
        "workshops": store.query("SELECT id, name, version FROM workshops ORDER BY id"),
    }


def sheet_file(path: Path, rows: list[list], *, title: str = "Лист1", merged: tuple[str, ...] = (),
               before: list[tuple[str, list[list]]] = ()) -> Path:
    """An .xlsx whose sheet `title` holds `rows`; `before` = sheets placed in front of it."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, content in [*before, (title, rows)]:
        sheet = book.create_sheet(name)
        for row in content:
            sheet.append(row)
    for cells in merged:
        book[title].merge_cells(cells)
    book.save(path)
    return path


# -- formats and encodings --------------------------------------------------------------------------------
BASIC = "Клиент;Дата;Сумма\n0000021;01.02.2024;1 234,50\nСидоров;03.02.2024;100\n0000021;05.03.2024;-50,25\n"
BASIC_ROWS = [("0000021", D(2024, 2, 1), 1234.5), ("Сидоров", D(2024, 2, 3), 100.0),
              ("0000021", D(2024, 3, 5), -50.25)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "utf-16"])
def test_every_encoding_loads_the_same_rows(store, tmp_path, encoding):
    report = ingest.load(store, write(tmp_path, "base.csv", BASIC, encoding), workshop_name="W")
    assert stored(store, report) == BASIC_ROWS
    assert facts(report) == {"rows_read": 3, "rows_loaded": 3, "rows_rejected": 0, "customers": 2,
                             "revenue": 1284.25, "date_min": "2024-02-01", "date_max": "2024-03-05",
                             "rejected_rows": []}


@pytest.mark.parametrize("separator", [",", ";", "\t", "|", "  "])
def test_every_separator_loads_the_same_rows(store, tmp_path, separator):
    lines = [("Клиент", "Дата", "Сумма"), ("0000021", "01.02.2024", "1234.50"), ("Сидоров", "03.02.2024", "100"),
             ("0000021", "05.03.2024", "-50.25")]
    if separator == "  ":  # whitespace-aligned columns: padded, two or more spaces between them
        text = "".join(f"{a:<12}{b:<14}{c:>10}\n" for a, b, c in lines)
    else:
        text = "".join(separator.join(cells) + "\n" for cells in lines)
    report = ingest.load(store, write(tmp_path, "base.txt", text), workshop_name="W")
    assert stored(store, report) == BASIC_ROWS
    assert report.revenue == 1284.25


@pytest.mark.parametrize("text, rows", [
    ('Покупатель;Дата продажи;Выручка\n"Иванов; Иван";01.02.2024;"1 000,00"\n'
     '"ООО ""Вектор""";02.02.2024;5\nПетров;03.02.2024;"7,5"\n',
     [("Иванов; Иван", D(2024, 2, 1), 1000.0), ('ООО "Вектор"', D(2024, 2, 2), 5.0),
      ("Петров", D(2024, 2, 3), 7.5)]),
    ('customer,order_date,revenue\n"Smith, John",2024-02-01,"1,234.50"\n"O""Neil, Kate",2024-02-02,"2,000.00"\n'
     'Lee,2024-02-03,3.25\n',
     [("Smith, John", D(2024, 2, 1), 1234.5), ('O"Neil, Kate', D(2024, 2, 2), 2000.0),
      ("Lee", D(2024, 2, 3), 3.25)]),
])
def test_quoted_fields_keep_the_separator_inside(store, tmp_path, text, rows):
    report = ingest.load(store, write(tmp_path, "quoted.csv", text), workshop_name="W")
    assert stored(store, report) == rows
    assert report.rows_rejected == 0


def test_xlsx_below_merged_titles_with_date_cells_and_serials(store, tmp_path):
    path = sheet_file(tmp_path / "crm.xlsx", [
        ["Выгрузка продаж из CRM", None, None, None],                      # 1, merged A1:D1
        ["Период: 2024", None, None, "Сформирован 12.05.2024"],           # 2, merged A2:C2
        [],                                                               # 3
        ["Номер заказа", "Код клиента", "Дата заказа", "Сумма заказа, ₽"],  # 4: the header
        ["Z1", "0000021", date(2024, 1, 5), 1234.5],                      # 5: a date cell
        ["Z2", "0000022", datetime(2024, 2, 1, 15, 30), "1 000,50"],      # 6: a date-time cell, text amount
        ["Z3", " 0000021 ", 45300, 100],                                  # 7: an Excel serial, 2024-01-09
        ["Z4", "ID-15", 45323.75, -34.5],                                 # 8: a serial with a time of day
        ["Z5", "0000023", "31.02.2024", 10],                              # 9: impossible date
        [None, None, None, None],                                         # 10: empty, not a row
        ["Z6", "0000024", 20240305, 7],                                   # 11: YYYYMMDD as a number
        ["Z7", "0000025", "05.03.2024", None],                            # 12: no amount
        [None, "Итого", None, 2307.5],                                    # 13: totals
    ], title="Продажи", merged=("A1:D1", "A2:C2"))
    report = ingest.load(store, path, workshop_name="W")
    assert (report.layout.sheet, report.layout.header_row) == ("Продажи", 4)
    assert stored(store, report) == [
        ("0000021", D(2024, 1, 5), 1234.5), ("0000022", D(2024, 2, 1), 1000.5),
        ("0000021", D(2024, 1, 9), 100.0), ("ID-15", D(2024, 2, 1), -34.5),
        ("0000024", D(2024, 3, 5), 7.0)]
    assert rejected(report) == [(9, "bad_date"), (12, "no_amount"), (13, "totals")]
    assert (report.rows_read, report.customers, report.revenue) == (8, 4, 2307.5)
    orders = base.summary(store, report.workshop_id).orders
    assert orders == 5  # order ids are mapped: one order per id


def test_xlsx_takes_the_first_sheet_holding_a_base_or_the_sheet_named(store, tmp_path):
    rows = [["Клиент", "Дата", "Сумма"], ["a", date(2024, 1, 1), 5], ["b", date(2024, 1, 2), 7]]
    before = [("Описание", [["Данные на листе «База»"]]), ("Справочник", [["Код", "Название"], ["1", "Москва"]]),
              ("Старая", [["Клиент", "Дата", "Сумма"], ["z", date(2020, 1, 1), 1]])]
    path = sheet_file(tmp_path / "book.xlsx", rows, title="База", before=before[:2])
    report = ingest.load(store, path, workshop_name="W")
    assert (report.layout.sheet, report.rows_loaded, report.revenue) == ("База", 2, 12.0)

    path = sheet_file(tmp_path / "book2.xlsx", rows, title="База", before=before)
    assert ingest.inspect(path).sheet == "Старая"  # by default the first sheet holding a base
    report = ingest.load(store, path, workshop_name="W", sheet="База")
    assert stored(store, report) == [("a", D(2024, 1, 1), 5.0), ("b", D(2024, 1, 2), 7.0)]


def test_parquet(store, tmp_path):
    path = tmp_path / "base.parquet"
    pd.DataFrame({
        "Клиент": ["0000021", "0000021", "B", None, "C"],
        "Дата": pd.to_datetime(["2024-01-05", "2024-02-05 10:00", "2024-03-01", "2024-03-02", None],
                               format="mixed"),
        "Сумма": [100.5, -20.25, 1e3, 5.0, 6.0],
    }).to_parquet(path, engine="pyarrow", index=False)
    report = ingest.load(store, path, workshop_name="W")
    assert stored(store, report) == [("0000021", D(2024, 1, 5), 100.5), ("0000021", D(2024, 2, 5), -20.25),
                                     ("B", D(2024, 3, 1), 1000.0)]
    assert rejected(report) == [(4, "no_customer"), (5, "no_date")]  # row = record number, from 1

    texts = tmp_path / "texts.parquet"
    pd.DataFrame({"customer": ["a", "b"], "order_date": ["01.02.2024", "20240203"],
                  "revenue": ["1 234,50 ₽", "7"]}).to_parquet(texts, engine="pyarrow", index=False)
    report = ingest.load(store, texts, workshop_name="W")
    assert stored(store, report) == [("a", D(2024, 2, 1), 1234.5), ("b", D(2024, 2, 3), 7.0)]


# -- values -----------------------------------------------------------------------------------------------
def test_amounts_in_every_local_spelling(store, tmp_path):
    amounts = {
        "1234,50": 1234.5, "1234.50": 1234.5, "1 234,50": 1234.5, "1\u00a0234,50": 1234.5,
        "1\u202f234,50": 1234.5, "1 234 567,89 ₽": 1234567.89, "12 000 руб.": 12000.0, "12000 руб": 12000.0,
        "1.234.567,89": 1234567.89, "1,234,567.89": 1234567.89, "$1,234.50": 1234.5, "1'234.5": 1234.5,
        "-50,25": -50.25, "(50,25)": -50.25, "50,25-": -50.25, "−10": -10.0, "0": 0.0,
    }
    text = "Клиент;Дата;Сумма\n" + "".join(f"A;01.02.2024;{a}\n" for a in amounts)
    report = ingest.load(store, write(tmp_path, "money.csv", text), workshop_name="W")
    assert [row[2] for row in stored(store, report)] == pytest.approx(list(amounts.values()))
    assert report.revenue == round(sum(amounts.values()), 2)


def test_dates_in_every_spelling(store, tmp_path):
    spellings = ["2024-02-01", "01.02.2024", "20240201", "01.02.2024 13:45", "2024-02-01 13:45:10",
                 "2024-02-01T13:45:10Z", "20240201 134510", "1.2.2024", "01.02.24", "45323", "45323.5"]
    text = "Клиент;Дата;Сумма\n" + "".join(f"A;{d};1\n" for d in spellings)
    report = ingest.load(store, write(tmp_path, "dates.csv", text), workshop_name="W")
    assert [row[1] for row in stored(store, report)] == [D(2024, 2, 1)] * len(spellings)
    assert report.rows_rejected == 0


def test_customer_ids_are_kept_exactly_as_text(store, tmp_path):
    ids = ["0000021", " 0000021 ", "00021", "21", "Иванов И.И.", "ID-15", "1e5", "12.0", "+7 900 123-45-67"]
    text = "Код клиента;Дата;Сумма\n" + "".join(f"{i};01.02.2024;1\n" for i in ids)
    report = ingest.load(store, write(tmp_path, "ids.csv", text), workshop_name="W")
    kept = [row[0] for row in stored(store, report)]
    assert kept == [i.strip() for i in ids]  # only the outer spaces go
    assert report.customers == len(ids) - 1  # "0000021" and " 0000021 " are one customer


def test_returns_are_loaded_and_reduce_revenue(store, tmp_path):
    text = ("Клиент;Дата;Сумма\n"
            "A;01.02.2024;1000\nA;05.02.2024;-300\n"
            "B;03.02.2024;-50\n")  # B only returned: kept and counted, never dropped
    report = ingest.load(store, write(tmp_path, "returns.csv", text), workshop_name="W")
    assert (report.rows_loaded, report.customers, report.revenue) == (3, 2, 650.0)
    summary = base.summary(store, report.workshop_id)
    assert (summary.customers, summary.revenue, summary.rows_loaded) == (2, 650.0, 3)


# -- rejects ----------------------------------------------------------------------------------------------
REJECTS_FILE = "\r\n".join([
    "Отчёт по продажам",                    # 1: title
    "ООО «Ромашка», 2024 год",              # 2: title
    "",                                     # 3
    "Код клиента;Дата;Сумма",               # 4: header
    "A;01.01.2024;10",                      # 5
    ";01.01.2024;10",                       # 6: no customer id
    "B;;10",                                # 7: no date
    "C;31.02.2024;10",                      # 8: impossible date
    "D;вчера;10",                           # 9: not a date
    "E;01.01.1900;10",                      # 10: implausible date
    "",                                     # 11: blank, not a row
    "F;01.01.2024;",                        # 12: no amount
    "G;01.01.2024;много",                   # 13: not an amount
    ";;",                                   # 14: separators only, not a row
    "H;01.01.2024;10;лишнее",               # 15: broken line, an extra field
    "K;01.01.2024",                         # 16: broken line, a field short
    "L;02.01.2024;20;",                     # 17: an empty trailing field is fine
    "Итого;;60",                            # 18: totals
    ";Всего:;60",                           # 19: totals labelled in another column
    "",
])


def test_rejects_carry_line_number_reason_and_value(store, tmp_path):
    report = ingest.load(store, write(tmp_path, "rejects.csv", REJECTS_FILE, "cp1251"), workshop_name="W")
    assert [(r.row, r.reason, r.value) for r in report.rejects] == [
        (6, "no_customer", None), (7, "no_date", None), (8, "bad_date", "31.02.2024"), (9, "bad_date", "вчера"),
        (10, "implausible_date", "01.01.1900"), (12, "no_amount", None), (13, "bad_amount", "много"),
        (15, "broken_line", "4"), (16, "broken_line", "2"), (18, "totals", None), (19, "totals", None)]
    assert report.rejects[6].raw == "G;01.01.2024;много"
    assert report.reasons == {"bad_date": 2, "broken_line": 2, "totals": 2, "no_customer": 1, "no_date": 1,
                              "implausible_date": 1, "no_amount": 1, "bad_amount": 1}
    assert stored(store, report) == [("A", D(2024, 1, 1), 10.0), ("L", D(2024, 1, 2), 20.0)]
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (13, 2, 11)
    assert report.rows_read == report.rows_loaded + report.rows_rejected
    # What the store keeps agrees with the report.
    kept = base.rejects(store, report.workshop_id)
    assert list(kept["row"]) == [r.row for r in report.rejects]
    assert list(kept["reason"]) == [r.reason for r in report.rejects]
    summary = base.summary(store, report.workshop_id)
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected, summary.revenue) == (13, 2, 11, 30.0)
    assert report.rejects[2].text("ru") == "неверная дата «31.02.2024»"
    assert report.to_json("en")["rejects"][0] == {"row": 6, "reason": "no customer id", "code": "no_customer"}


def test_totals_lines_in_all_their_forms(store, tmp_path):
    text = ("Дата;Клиент;Сумма\n"
            "01.01.2024;A;10\n"
            "Итого;;10\n"
            ";ИТОГО:;10\n"
            ";;Всего 10\n"
            "Всего по отчёту;;10\n"
            "Total;;10\n"
            "Grand total:;;10\n")
    report = ingest.load(store, write(tmp_path, "totals.csv", text), workshop_name="W")
    assert rejected(report) == [(n, "totals") for n in range(3, 9)]
    assert report.rows_loaded == 1


def test_blank_and_separator_only_lines_are_not_rows(store, tmp_path):
    text = "Клиент;Дата;Сумма\n\nA;01.01.2024;1\n;;\n  \n ; ;\n\"\";\"\";\"\"\r\nB;02.01.2024;2\n\n\n"
    report = ingest.load(store, write(tmp_path, "blank.csv", text), workshop_name="W")
    assert stored(store, report) == [("A", D(2024, 1, 1), 1.0), ("B", D(2024, 1, 2), 2.0)]
    assert (report.rows_read, report.rows_rejected) == (2, 0)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251"])
def test_mixed_line_endings_and_a_stray_carriage_return(store, tmp_path, encoding):
    # Files glued from several exports: CRLF and LF lines, a lone CR inside a line, no final newline.
    text = ("Клиент;Дата;Сумма\r\n"
            "A;01.01.2024;1\r\n"
            "B;02.01.2024;2\n"
            "\r\n"
            "C;03.01.2024;3\rпримечание\r\n"
            "D;04.01.2024;4")
    report = ingest.load(store, write(tmp_path, "glued.csv", text, encoding), workshop_name="W")
    assert stored(store, report) == [("A", D(2024, 1, 1), 1.0), ("B", D(2024, 1, 2), 2.0),
                                     ("D", D(2024, 1, 4), 4.0)]
    assert [(r.row, r.reason, r.value) for r in report.rejects] == [(5, "bad_amount", "3 примечание")]


def test_a_utf8_file_with_a_cp1251_line_beyond_the_first_megabyte(store, tmp_path):
    lines = ["Клиент;Дата;Сумма"] + [f"Покупатель {i:05d};01.02.2024;{i % 100},50" for i in range(40000)]
    head = ("\n".join(lines) + "\n").encode("utf-8")
    assert len(head) > 1 << 20
    path = tmp_path / "mixed.csv"
    path.write_bytes(head + "Сидоров;02.02.2024;10\n".encode("cp1251") + "Ёлкин;03.02.2024;1\n".encode("utf-8"))
    report = ingest.load(store, path, workshop_name="W")
    assert report.layout.encoding == "utf-8"
    assert (report.rows_read, report.rows_loaded, report.customers) == (40002, 40002, 40002)
    assert stored(store, report)[-2:] == [("Сидоров", D(2024, 2, 2), 10.0),
                                          ("Ёлкин", D(2024, 2, 3), 1.0)]
    assert report.date_max == D(2024, 2, 3)


def test_a_utf8_file_with_a_cp1251_line_near_the_top(store, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes("Клиент;Дата;Сумма\nЁлкин;01.02.2024;1\n".encode("utf-8")
                     + "Сидоров;02.02.2024;10\n".encode("cp1251") + "Ёлкин;03.02.2024;5\n".encode("utf-8"))
    report = ingest.load(store, path, workshop_name="W")
    assert report.layout.encoding == "utf-8"  # not the whole file read as cp1251 because of one line
    assert stored(store, report) == [("Ёлкин", D(2024, 2, 1), 1.0), ("Сидоров", D(2024, 2, 2), 10.0),
                                     ("Ёлкин", D(2024, 2, 3), 5.0)]


# -- roles set by hand ------------------------------------------------------------------------------------
def test_mapping_by_hand_decides_what_is_loaded(store, tmp_path):
    text = ("Код клиента;Клиент;Номер заказа;Дата;Сумма\n"
            "001;Иванов;Z1;01.02.2024;10\n002;Иванов;Z1;01.02.2024;5\n003;Петров;Z2;02.02.2024;1\n")
    path = write(tmp_path, "m.csv", text)
    report = ingest.load(store, path, workshop_name="W")
    assert [r[0] for r in stored(store, report)] == ["001", "002", "003"]
    report = ingest.load(store, path, workshop_name="W", mapping={"customer_id": "Клиент"})
    assert [r[0] for r in stored(store, report)] == ["Иванов", "Иванов", "Петров"]
    assert report.layout.mapping["customer_id"] == "Клиент"
    summary = base.summary(store, report.workshop_id)
    assert (summary.customers, summary.orders) == (2, 2)
    with pytest.raises(IngestError) as caught:
        ingest.load(store, path, workshop_name="W", mapping={"customer_id": "Колонка"})
    assert caught.value.key == "ingest.no_column"


# -- the atomic replace -----------------------------------------------------------------------------------
FIRST = "Клиент;Дата;Сумма\nA;01.01.2024;10\nB;02.01.2024;20\nC;xx;30\n"
SECOND = "customer,order_date,revenue\nX,2024-05-01,100\nY,2024-05-02,200\nX,2024-05-03,-50\nZ,2024-05-04,1\n"


def test_a_second_load_replaces_the_base(store, tmp_path):
    first = ingest.load(store, write(tmp_path, "first.csv", FIRST), workshop_name="Воркшоп")
    second = ingest.load(store, write(tmp_path, "second.csv", SECOND), workshop_name="Воркшоп")
    assert second.workshop_id == first.workshop_id
    summary = base.summary(store, second.workshop_id)
    assert (summary.source_name, summary.rows_loaded, summary.rows_rejected, summary.customers) == (
        "second.csv", 4, 0, 3)
    assert (summary.revenue, summary.date_min, summary.date_max) == (251.0, D(2024, 5, 1), D(2024, 5, 4))
    assert store.query("SELECT count(*) FROM bases") == [(1,)]
    assert store.query("SELECT count(*) FROM base_rows") == [(4,)]
    assert store.query("SELECT count(*) FROM base_rejects") == [(0,)]  # the first file's reject went too
    assert store.query("SELECT count(*) FROM workshops") == [(1,)]
    assert [r[0] for r in stored(store, second)] == ["X", "Y", "X", "Z"]


def _all_rejected(tmp_path: Path) -> Path:
    return write(tmp_path, "bad.csv", "Клиент;Дата;Сумма\nA;xx;1\nB;yy;2\n")


FAILING = {
    "random bytes": (lambda p: _bytes(p, "random.csv", bytes(range(256)) * 8), "ingest.binary"),
    "empty file": (lambda p: _bytes(p, "empty.csv", b""), "ingest.empty_file"),
    "png renamed .csv": (lambda p: _bytes(p, "x.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40)),
                         "ingest.binary"),
    "xls (OLE)": (lambda p: _bytes(p, "x.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)), "ingest.old_xls"),
    "not a table": (lambda p: write(p, "letter.txt", "Добрый день!\nБаза будет завтра\n"), "ingest.not_a_table"),
    "missing required column": (lambda p: write(p, "nodate.csv", "Клиент;Сумма\nA;1\nB;2\n"),
                                "ingest.missing_roles"),
    "all rows rejected": (_all_rejected, "ingest.nothing_loaded"),
    "header only": (lambda p: write(p, "header.csv", "Клиент;Дата;Сумма\n"), "ingest.nothing_loaded"),
}


def _bytes(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", list(FAILING))
def test_a_failed_load_leaves_the_previous_base_exactly_as_it_was(store, tmp_path, case):
    make, key = FAILING[case]
    good = ingest.load(store, write(tmp_path, "first.csv", FIRST), workshop_name="W")
    before = snapshot(store, good.workshop_id)
    with pytest.raises(IngestError) as caught:
        ingest.load(store, make(tmp_path), workshop_name="W")
    assert caught.value.key == key
    for lang in ("en", "ru"):
        text = caught.value.message(lang)
        assert text.endswith(".") and "Traceback" not in text and "\n" not in text
    assert snapshot(store, good.workshop_id) == before
    assert before["summary"]["rows_loaded"] == 2 and before["summary"]["source_name"] == "first.csv"


def test_a_failed_first_load_creates_no_workshop(store, tmp_path):
    with pytest.raises(IngestError) as caught:
        ingest.load(store, _all_rejected(tmp_path), workshop_name="Новый")
    assert "invalid date 'xx'" in caught.value.message("en")
    assert workshop.find(store, "Новый") is None
    assert store.query("SELECT count(*) FROM base_rows") == [(0,)]
    with pytest.raises(NotFound):
        base.summary(store, "nope")


# -- the sample files -------------------------------------------------------------------------------------
def test_shared_samples_give_exactly_the_expected_reports(store, shared_samples, expected):
    for name, want in expected.items():
        report = ingest.load(store, shared_samples / name, workshop_name=name)
        got = facts(report)
        if "sheet" in want:
            got["sheet"] = report.layout.sheet
        assert got == want, name
        summary = base.summary(store, report.workshop_id)
        assert (summary.rows_loaded, summary.customers, summary.revenue) == (
            want["rows_loaded"], want["customers"], want["revenue"])


@pytest.mark.parametrize("name", sorted(REPO_EXPECTED))
def test_repo_samples_give_exactly_the_expected_reports(store, name):
    want = REPO_EXPECTED[name]
    report = ingest.load(store, REPO_SAMPLES / name, workshop_name=name)
    assert facts(report) == {k: v for k, v in want.items() if k != "reject_reasons"}
    assert {str(r.row): r.reason for r in report.rejects} == want["reject_reasons"]


def test_1c_sample_keeps_codes_and_takes_the_code_over_the_name(store):
    report = ingest.load(store, REPO_SAMPLES / "1c_semicolon_title_rows.csv", workshop_name="W")
    assert (report.layout.encoding, report.layout.separator, report.layout.header_row) == ("cp1251", ";", 5)
    assert report.layout.mapping["customer_id"] == "Код клиента"
    rows = stored(store, report)
    assert rows[:3] == [("0000021", D(2024, 1, 5), 1234.5), ("0000123", D(2024, 1, 6), 12000.0),
                        ("0000021", D(2024, 2, 7), -234.5)]
    assert all(len(r[0]) == 7 and r[0].isdigit() for r in rows)


def test_crm_sample_counts_orders_by_order_id(store):
    report = ingest.load(store, REPO_SAMPLES / "crm_export_comma_quoted.csv", workshop_name="W")
    assert report.layout.mapping["order_id"] == "Order ID"
    assert base.summary(store, report.workshop_id).orders == report.rows_loaded  # one row per order
    assert report.rejects[0].value == "7"  # the broken line has 7 fields for 6 columns


# -- what the load learns about the orders ---------------------------------------------------------------
def orders_are_rows(store: Store, report: ingest.LoadReport) -> bool | None:
    return store.query_one("SELECT orders_are_rows FROM bases WHERE workshop_id = ?", [report.workshop_id])[0]


@pytest.mark.parametrize("text, one_row", [
    ("customer;date;amount;order\nA;2024-01-01;10;1\nA;2024-01-01;5;2\nB;2024-01-02;7;3\n", True),  # unique ids
    ("customer;date;amount;order\nA;2024-01-01;10;1\nA;2024-01-03;5;1\nB;2024-01-02;7;3\n", False),  # id 1 twice
    ("customer;date;amount;order\nA;2024-01-01;10;1\nB;2024-01-01;5;1\n", True),  # one id, two customers: two orders
    ("customer;date;amount\nA;2024-01-01;10\nA;2024-01-02;5\nB;2024-01-01;7\n", True),  # one row per customer-day
    ("customer;date;amount\nA;2024-01-01;10\nA;2024-01-01;5\nB;2024-01-01;7\n", False),  # two rows on A's day
    ("customer;date;amount;order\nA;2024-01-01;10;\nA;2024-01-01;5;\nA;2024-01-01;7;9\n", False),  # no id: A's day
    ("customer;date;amount;order\nA;2024-01-01;10;\nA;2024-01-02;5;\nA;2024-01-01;7;9\n", True),  # days and an id
])
def test_the_load_finds_whether_every_order_is_one_row(store, tmp_path, text, one_row):
    report = ingest.load(store, write(tmp_path, "orders.csv", text), workshop_name="W")
    assert report.rows_rejected == 0
    assert orders_are_rows(store, report) is one_row


@pytest.mark.parametrize("lines_per_order, one_row", [(1, True), (2, False)])
def test_the_first_rows_tell_orders_of_several_lines_before_all_are_counted(store, tmp_path, monkeypatch,
                                                                           lines_per_order, one_row):
    """Repeated orders among the first rows answer at once; only the rest count all rows."""
    monkeypatch.setattr(ingest, "ORDERS_PROBE_ROWS", 500)
    lines = ["customer;date;amount;order"] + [f"C{i // 2 % 300};2024-01-01;{i % 97 + 1};O{i // lines_per_order}"
                                               for i in range(2000)]
    counted = []  # the rows each count of order keys looked at: the first 500, or all
    one = Tx.one
    monkeypatch.setattr(Tx, "one", lambda tx, sql, params=None: (
        counted.append(params[1] if "LIMIT" in sql else "all") if "count(DISTINCT" in sql and "hash(" in sql
        else None) or one(tx, sql, params))
    report = ingest.load(store, write(tmp_path, "big.csv", "\n".join(lines) + "\n"), workshop_name="W")
    assert report.rows_loaded == 2000
    assert orders_are_rows(store, report) is one_row
    assert counted == ([500, "all"] if one_row else [500])


def test_orders_repeated_only_beyond_the_first_rows_are_found(store, tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "ORDERS_PROBE_ROWS", 500)
    lines = ["customer;date;amount;order"] + [f"C{i % 300};2024-01-01;{i % 97 + 1};O{i}" for i in range(2000)]
    lines.append("C7;2024-01-02;5;O7")  # the last row: a second line of the 8th order
    report = ingest.load(store, write(tmp_path, "late.csv", "\n".join(lines) + "\n"), workshop_name="W")
    assert report.rows_loaded == 2001
    assert orders_are_rows(store, report) is False


def _generator():
    spec = importlib.util.spec_from_file_location("make_samples", REPO_SAMPLES / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_repo_samples_are_exactly_what_the_generator_writes(tmp_path):
    written = _generator().write(tmp_path / "samples")
    names = sorted(p.name for p in written)
    assert names == sorted([*REPO_EXPECTED, "expected.json", "README.md"])
    for name in names:
        assert (tmp_path / "samples" / name).read_bytes() == (REPO_SAMPLES / name).read_bytes(), name
    assert 3 <= len(REPO_EXPECTED) <= 5
    assert all((REPO_SAMPLES / name).stat().st_size < 20_000 for name in REPO_EXPECTED)
