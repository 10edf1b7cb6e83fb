"""The formula-injection guard: every dangerous first character, safe text left alone, and the RFM export."""
from __future__ import annotations

import io
from datetime import date

import openpyxl
import pandas as pd
import pytest

from cxcore import base, ingest, rfm, rfm_export
from cxcore.safe_text import cell_text, guard_cell, is_dangerous, neutralise, safe_frame


@pytest.mark.parametrize("text", ["=1+1", "+7 999 123-45-67", "-5", "@SUM(A1:A2)", "\t=cmd", "\r=cmd",
                                  "=HYPERLINK(\"http://x\",\"y\")", "="])
def test_text_starting_with_a_formula_character_gets_a_quote(text):
    assert is_dangerous(text)
    assert neutralise(text) == "'" + text
    assert cell_text(text) == "'" + text


@pytest.mark.parametrize("text", ["−5", "Привет", "5-3", "a=b", " =1+1", "", "'=1+1", "007", "e-mail"])
def test_safe_text_is_left_alone(text):
    assert not is_dangerous(text)
    assert neutralise(text) == text


@pytest.mark.parametrize("value", [-5, -2.5, 0, None, date(2026, 1, 1), True])
def test_values_that_are_not_text_pass_through(value):
    assert not is_dangerous(value)
    assert cell_text(value) is value


def test_a_frame_for_csv_and_an_openpyxl_cell():
    frame = pd.DataFrame({"id": ["=1+1", "A", None], "amount": [-5.0, 1.0, 2.0]})
    safe = safe_frame(frame)
    assert safe["id"].tolist()[:2] == ["'=1+1", "A"] and safe["id"].isna().tolist() == [False, False, True]
    assert safe["amount"].tolist() == [-5.0, 1.0, 2.0]
    assert frame["id"][0] == "=1+1"  # the original is untouched
    sheet = openpyxl.Workbook().active
    sheet["A1"] = "=1+1"
    assert sheet["A1"].data_type == "f"  # what openpyxl does by itself
    assert guard_cell(sheet["A1"]).data_type == "s" and sheet["A1"].value == "=1+1"
    sheet["A2"] = "Привет"
    assert guard_cell(sheet["A2"]).data_type == "s"
    sheet["A3"] = 5
    assert guard_cell(sheet["A3"]).data_type == "n"


def test_rfm_export_guards_customer_ids(store, tmp_path):
    path = tmp_path / "base.csv"
    path.write_text("customer;date;amount\n=1+1;2024-05-01;10\n@evil;2024-05-02;20\n007;2024-05-03;30\n",
                    encoding="utf-8")
    report = ingest.load(store, path, workshop_name="w")
    result = rfm.compute(store, report.workshop_id, base.current_base_id(store, report.workshop_id))
    lines = rfm_export.csv_bytes(result).decode("utf-8").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["007", "'=1+1", "'@evil"]
    sheet = openpyxl.load_workbook(io.BytesIO(rfm_export.xlsx_bytes(result, "en")))["Customers"]
    cells = [sheet.cell(row, 1) for row in (2, 3, 4)]
    assert [(c.value, c.data_type) for c in cells] == [("007", "s"), ("=1+1", "s"), ("@evil", "s")]
