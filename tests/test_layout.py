"""How a customer-base file is read before loading: encoding, separator, header row, sheet, column roles.

These tests call `ingest.inspect` (which needs no database) and `cxcore.roles` directly; what the rows
become once loaded is in test_ingest.py.
"""
from __future__ import annotations

import io
import random
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from cxcore import ingest, layout, roles
from cxcore.errors import IngestError

ROWS = [("0000021", "01.02.2024", "1 234,50"), ("A-7", "03.02.2024", "100"), ("Сидоров", "05.03.2024", "-50,25")]


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def table(separator: str, header: tuple[str, ...] = ("Клиент", "Дата", "Сумма"), rows=ROWS) -> str:
    return "\n".join(separator.join(cells) for cells in [header, *rows]) + "\n"


def xlsx(path: Path, *sheets: tuple[str, list[list]], merged: dict[str, list[str]] | None = None) -> Path:
    """An .xlsx with the given sheets (name, rows); `merged` = sheet name → ranges like "A1:D1"."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cells in (merged or {}).get(name, []):
            sheet.merge_cells(cells)
    book.save(path)
    return path


# -- column roles from header names -----------------------------------------------------------------------
@pytest.mark.parametrize("headers, expected", [
    (["Код клиента", "Дата", "Сумма"], {"customer_id": "Код клиента", "date": "Дата", "amount": "Сумма"}),
    (["Клиент", "Дата продажи", "Выручка"], {"customer_id": "Клиент", "date": "Дата продажи", "amount": "Выручка"}),
    (["Покупатель", "Дата документа", "Номер документа", "Сумма заказа, ₽"],
     {"customer_id": "Покупатель", "date": "Дата документа", "order_id": "Номер документа",
      "amount": "Сумма заказа, ₽"}),
    (["customer", "order_date", "revenue"], {"customer_id": "customer", "date": "order_date", "amount": "revenue"}),
    (["Client", "Order Date", "Revenue (RUB)", "Channel", "Qty"],
     {"customer_id": "Client", "date": "Order Date", "amount": "Revenue (RUB)", "channel": "Channel",
      "quantity": "Qty"}),
    (["Номер карты", "Дата операции", "Сумма операции", "Город"],
     {"customer_id": "Номер карты", "date": "Дата операции", "amount": "Сумма операции", "region": "Город"}),
    (["Комментарий", "Примечание"], {}),
])
def test_roles_are_guessed_from_russian_and_english_header_names(headers, expected):
    assert roles.guess(headers) == expected


@pytest.mark.parametrize("headers, customer", [
    (["Клиент", "Код клиента", "Дата", "Сумма"], "Код клиента"),
    (["Контрагент", "Код контрагента", "Дата", "Сумма"], "Код контрагента"),
    (["Customer", "Customer ID", "Date", "Amount"], "Customer ID"),
])
def test_a_customer_code_wins_over_a_customer_name(headers, customer):
    # Names repeat ("Иванов И.И."), codes do not: the code column is the customer id.
    assert roles.guess(headers)["customer_id"] == customer


def test_header_names_are_normalised_before_matching():
    assert roles.normalise("  Сумма заказа, ₽ ") == "сумма заказа"
    assert roles.normalise("Order_Date") == "order date"
    assert roles.normalise("Выручка (руб.)") == "выручка"
    assert roles.normalise("Счёт") == "счет"


# -- encodings and separators -----------------------------------------------------------------------------
@pytest.mark.parametrize("encoding, detected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1251", "cp1251"), ("utf-16", "utf-16"),
    ("utf-16-be", "utf-16"),
])
def test_encoding_is_detected(tmp_path, encoding, detected):
    text = ("\ufeff" if encoding == "utf-16-be" else "") + table(";")  # UTF-16 big-endian, with its BOM
    found = ingest.inspect(write(tmp_path, "base.csv", text, encoding))
    assert (found.format, found.encoding, found.separator) == ("text", detected, ";")
    assert found.columns == ["Клиент", "Дата", "Сумма"]  # no BOM glued to the first name, no mojibake
    assert found.sample[2] == ["Сидоров", "05.03.2024", "-50,25"]


def test_mostly_utf8_head_with_one_cp1251_line_stays_utf8(tmp_path):
    data = table(";").encode("utf-8") + "Петров;06.03.2024;7\n".encode("cp1251")
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    found = ingest.inspect(path)
    assert found.encoding == "utf-8"
    assert found.sample[0][0] == "0000021" and found.sample[2][0] == "Сидоров"
    assert found.sample[3][0] == "Петров"  # the cp1251 line decoded on its own


@pytest.mark.parametrize("separator", [",", ";", "\t", "|"])
def test_separator_is_detected(tmp_path, separator):
    rows = [("0000021", "01.02.2024", "1234.50"), ("A-7", "03.02.2024", "100"), ("B", "05.03.2024", "-50.25")]
    found = ingest.inspect(write(tmp_path, "base.txt", table(separator, rows=rows)))
    assert found.separator == separator
    assert found.columns == ["Клиент", "Дата", "Сумма"]
    assert found.mapping == {"customer_id": "Клиент", "date": "Дата", "amount": "Сумма"}


def test_whitespace_aligned_columns(tmp_path):
    text = ("Клиент          Дата продажи          Сумма\n"
            "Иванов Иван     01.02.2024 10:00   1 234,50\n"
            "Петрова Анна    03.02.2024 11:30     100,00\n"
            "Орлов Илья      05.03.2024 09:15     -50,25\n")
    found = ingest.inspect(write(tmp_path, "report.txt", text))
    # Decimal commas give every row exactly one ",", yet the columns are the space-aligned ones.
    assert found.separator == layout.SPACES
    assert found.columns == ["Клиент", "Дата продажи", "Сумма"]
    assert found.sample[0] == ["Иванов Иван", "01.02.2024 10:00", "1 234,50"]


def test_quoted_header_and_quoted_separator_inside_a_field(tmp_path):
    text = '"Покупатель";"Дата";"Сумма"\n"Иванов; Иван";01.02.2024;"1 000,00"\n"Петров ""П""";02.02.2024;5\n'
    found = ingest.inspect(write(tmp_path, "q.csv", text))
    assert found.separator == ";"
    assert found.columns == ["Покупатель", "Дата", "Сумма"]
    assert found.sample[0] == ["Иванов; Иван", "01.02.2024", "1 000,00"]


def test_a_huge_field_does_not_break_the_layout(tmp_path):
    # Python's csv module refuses fields over 128 KB; the layout splits such a line plainly.
    text = table(";") + "A;01.02.2024;" + "x" * 200_000 + "\n"
    found = ingest.inspect(write(tmp_path, "huge.csv", text))
    assert (found.separator, found.columns) == (";", ["Клиент", "Дата", "Сумма"])
    assert len(found.sample[3][2]) == 200_000


# -- the header row ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("titles", [
    ["Отчёт о продажах", "за 2024 год", ""],
    ["Отчёт по продажам;;", "Организация:;ООО Ромашка;", "Период:;01.01.2024 - 31.03.2024;", ";;"],
    ["Отчёт по продажам;;", "Сформирован;12.05.2024;", ""],
])
def test_header_is_found_below_title_rows(tmp_path, titles):
    text = "\n".join(titles) + "\n" + table(";")
    found = ingest.inspect(write(tmp_path, "titled.csv", text, "cp1251"))
    assert found.header_row == len(titles) + 1  # a line number: the title lines count
    assert found.columns == ["Клиент", "Дата", "Сумма"]
    assert found.mapping == {"customer_id": "Клиент", "date": "Дата", "amount": "Сумма"}


def test_file_without_header_gets_numbered_columns_and_roles_from_values(tmp_path):
    text = "0000021;01.02.2024;1234\n0000022;02.02.2024;10\n0000023;03.02.2024;77\n"
    found = ingest.inspect(write(tmp_path, "plain.csv", text, "utf-8-sig"))
    assert found.header_row == 0
    assert found.columns == ["#1", "#2", "#3"]
    # Codes with leading zeros are numbers too, but they are ids, never the amount.
    assert found.mapping == {"customer_id": "#1", "date": "#2", "amount": "#3"}


def test_roles_missing_from_names_are_taken_from_values(tmp_path):
    text = "ИНН;Когда;Деньги\n7701;01.02.2024;1 234,50\n7702;02.02.2024;10,00\n"
    found = ingest.inspect(write(tmp_path, "odd.csv", text))
    assert found.mapping == {"date": "Когда", "amount": "Деньги", "customer_id": "ИНН"}
    assert found.date_formats[:2] == ["%d.%m.%y", "%d.%m.%Y"]


def test_month_first_slashes_are_chosen_only_when_the_values_say_so():
    assert "%d/%m/%Y" not in layout.date_formats(["12/31/2024", "03/15/2024"])
    assert "%m/%d/%Y" not in layout.date_formats(["31/12/2024", "15/03/2024"])


def test_two_digit_years_are_tried_before_four_digit_ones():
    # DuckDB's %Y takes "24" as the year 24; %y cannot take "2024", so this order reads both right.
    for values in (["2024-02-01"], ["01.02.2024"], ["01.02.24"]):
        formats = layout.date_formats(values)
        assert formats.index("%d.%m.%y") == formats.index("%d.%m.%Y") - 1


# -- sheets -----------------------------------------------------------------------------------------------
def test_xlsx_header_below_merged_title_cells(tmp_path):
    path = xlsx(tmp_path / "crm.xlsx", ("Продажи", [
        ["Выгрузка продаж из CRM", None, None, None],
        ["Период: 2024", None, None, "Сформирован 12.05.2024"],
        [],
        ["Код клиента", "Дата продажи", "Выручка, руб.", "Канал"],
        ["0000021", date(2024, 1, 5), 1234.5, "web"],
        ["0000022", 45300, 100, "shop"],
    ]), merged={"Продажи": ["A1:D1", "A2:C2"]})
    found = ingest.inspect(path)
    assert (found.format, found.sheet, found.header_row) == ("xlsx", "Продажи", 4)
    assert found.columns == ["Код клиента", "Дата продажи", "Выручка, руб.", "Канал"]
    assert found.mapping == {"customer_id": "Код клиента", "date": "Дата продажи", "amount": "Выручка, руб.",
                             "channel": "Канал"}
    assert found.sample == [["0000021", "2024-01-05 00:00:00", "1234.5", "web"], ["0000022", "45300", "100", "shop"]]


def _three_sheets(tmp_path: Path) -> Path:
    return xlsx(tmp_path / "book.xlsx",
                ("Описание", [["Выгрузка из CRM, данные на втором листе"]]),
                ("Параметры", [["Параметр", "Значение"], ["Регион", "Москва"]]),
                ("Данные", [["customer", "order_date", "revenue"], ["c1", datetime(2024, 1, 1, 10, 30), 5]]),
                ("Старые", [["customer", "order_date", "revenue"], ["c9", date(2023, 1, 1), 9]]))


def test_xlsx_first_sheet_that_holds_a_base_is_taken(tmp_path):
    found = ingest.inspect(_three_sheets(tmp_path))
    assert found.sheet == "Данные"
    assert found.sheets == ["Описание", "Параметры", "Данные", "Старые"]
    assert found.sample == [["c1", "2024-01-01 10:30:00", "5"]]


def test_xlsx_sheet_chosen_by_name(tmp_path):
    path = _three_sheets(tmp_path)
    assert ingest.inspect(path, sheet="Старые").sample == [["c9", "2023-01-01 00:00:00", "9"]]
    with pytest.raises(IngestError) as caught:
        ingest.inspect(path, sheet="Нет такого")
    assert caught.value.key == "ingest.no_sheet"
    assert "Данные" in caught.value.message("ru") and "Данные" in caught.value.message("en")
    with pytest.raises(IngestError) as caught:
        ingest.inspect(path, sheet="Параметры")  # a table, but not a customer base
    assert caught.value.key == "ingest.missing_roles"


def test_parquet_columns_and_roles(tmp_path):
    import pandas as pd

    path = tmp_path / "base.parquet"
    pd.DataFrame({"Клиент": ["0000021"], "Дата": [pd.Timestamp("2024-01-05")], "Сумма": [100.5]}).to_parquet(
        path, engine="pyarrow", index=False)
    found = ingest.inspect(path)
    assert (found.format, found.header_row, found.columns) == ("parquet", 0, ["Клиент", "Дата", "Сумма"])
    assert found.mapping == {"customer_id": "Клиент", "date": "Дата", "amount": "Сумма"}


# -- roles set by hand ------------------------------------------------------------------------------------
def test_mapping_sets_a_role_and_moves_a_column(tmp_path):
    path = write(tmp_path, "m.csv", table(";", ("Код клиента", "Клиент", "Дата", "Сумма"),
                                          [("001", "Иванов", "01.02.2024", "5")]))
    assert ingest.inspect(path).mapping["customer_id"] == "Код клиента"
    found = ingest.inspect(path, mapping={"customer_id": "Клиент", "order_id": "Код клиента"})
    assert found.mapping == {"customer_id": "Клиент", "date": "Дата", "amount": "Сумма", "order_id": "Код клиента"}
    # The same column given a second role leaves its first one.
    found = ingest.inspect(path, mapping={"region": "Клиент"})
    assert found.mapping == {"customer_id": "Код клиента", "date": "Дата", "amount": "Сумма", "region": "Клиент"}


def test_mapping_can_name_a_column_the_names_do_not_reveal(tmp_path):
    path = write(tmp_path, "m.csv", table(";", ("Кто", "Когда", "Сколько", "Комментарий"),
                                          [("Иванов", "01.02.2024", "5", "звонил")]))
    found = ingest.inspect(path, mapping={"customer_id": "Кто", "date": "Когда", "amount": "Сколько"})
    assert found.mapping == {"customer_id": "Кто", "date": "Когда", "amount": "Сколько"}


@pytest.mark.parametrize("mapping, key, shown", [
    ({"customer_id": "Колонка"}, "ingest.no_column", "Колонка"),
    ({"client": "Клиент"}, "ingest.unknown_role", "client"),
    ({"customer_id": ""}, "ingest.missing_roles", "customer_id"),
])
def test_mapping_errors(tmp_path, mapping, key, shown):
    path = write(tmp_path, "m.csv", table(";"))
    with pytest.raises(IngestError) as caught:
        ingest.inspect(path, mapping=mapping)
    assert caught.value.key == key
    for lang in ("en", "ru"):
        assert shown in caught.value.message(lang)


def test_missing_required_column_is_named(tmp_path):
    path = write(tmp_path, "no_date.csv", table(";", ("Клиент", "Комментарий", "Сумма"),
                                                [("A", "звонил", "1"), ("B", "писал", "2")]))
    with pytest.raises(IngestError) as caught:
        ingest.inspect(path)
    assert caught.value.key == "ingest.missing_roles"
    assert caught.value.params["roles"] == "date"
    assert "Комментарий" in caught.value.message("ru")


# -- files that are not a table ---------------------------------------------------------------------------
def _zip_that_is_not_xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


NOT_A_TABLE = {
    "empty.csv": (b"", "ingest.empty_file"),
    "blank.csv": (b"  \r\n\n \n", "ingest.empty_file"),
    "random.csv": (random.Random(7).randbytes(4000), "ingest.binary"),
    "picture.csv": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06" + bytes(64),
                    "ingest.binary"),
    "old.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "ingest.old_xls"),
    "archive.xlsx": (_zip_that_is_not_xlsx(), "ingest.bad_xlsx"),
    "letter.txt": ("Добрый день!\nВысылаю выгрузку завтра\n".encode(), "ingest.not_a_table"),
}


def assert_clear_message(error: IngestError) -> None:
    """A sentence a user can act on, in both languages: no traceback, no Python names."""
    en, ru = error.message("en"), error.message("ru")
    for text in (en, ru):
        assert len(text) >= 10 and text.endswith(".")
        assert "Traceback" not in text and "\n" not in text and "Error:" not in text
    assert en != ru and any("а" <= ch <= "я" for ch in ru.lower())


@pytest.mark.parametrize("name", sorted(NOT_A_TABLE))
def test_not_a_table_gives_a_clear_ingest_error(tmp_path, name):
    data, key = NOT_A_TABLE[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IngestError) as caught:
        ingest.inspect(path)
    assert caught.value.key == key
    assert_clear_message(caught.value)


def test_missing_file(tmp_path):
    with pytest.raises(IngestError) as caught:
        ingest.inspect(tmp_path / "nowhere.csv")
    assert caught.value.key == "ingest.no_file"
    assert "nowhere.csv" in caught.value.message("ru")
