"""`python -m cxcore export`: the demo workshop's workbook with every sheet and its charts, checked through the
core."""
from __future__ import annotations

import json
import re
import shutil
import zipfile

import openpyxl
import pytest

from cxcore import roadmap
from cxcore.store import open_store
from tests.conftest import run_cli

RU_SHEETS = ["Обложка", "Дорожная карта", "Влияние и усилия", "Барьеры", "Карта пути", "Сегменты", "Зрелость CX",
             "Бизнес-кейс", "Контактная политика", "Отслеживание KPI"]


@pytest.fixture
def db(demo_db, tmp_path):
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    return path


def test_export_writes_the_demo_workbook_with_every_sheet_and_its_charts(db, tmp_path):
    out = tmp_path / "workshop.xlsx"
    done = run_cli("export", "--db", str(db), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"workshop": "demo", "out": str(out), "sheets": RU_SHEETS}
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [*RU_SHEETS, "_cx"]
    for ws in book.worksheets:
        assert ws.max_row > 2, ws.title  # every sheet has content
    with zipfile.ZipFile(out) as package:
        names = package.namelist()
        assert sorted(n for n in names if re.fullmatch(r"xl/charts/chart\d+\.xml", n)) == [
            "xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/charts/chart3.xml"]
        with_drawing = sorted(int(re.search(r"sheet(\d+)", n).group(1)) for n in names
                              if n.startswith("xl/worksheets/_rels/") and b"drawing" in package.read(n))
    assert [RU_SHEETS[i - 1] for i in with_drawing] == ["Влияние и усилия", "Сегменты", "Зрелость CX"]
    store = open_store(db)
    try:
        items = roadmap.items(store, "demo")
    finally:
        store.close()
    rows = list(book["Дорожная карта"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == [i.title for i in items] and len(items) == 12
    assert [r[18] for r in rows] == [i.id for i in items]
    incomplete = [r[1] for r in rows if r[17]]
    assert incomplete == [i.title for i in items if i.incomplete] and len(incomplete) == 2


def test_export_in_english_and_errors_on_one_line(db, tmp_path):
    out = tmp_path / "en.xlsx"
    done = run_cli("export", "--db", str(db), "--workshop", "demo", "--out", str(out), "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(out).sheetnames[:3] == ["Cover", "Roadmap", "Impact vs effort"]
    done = run_cli("export", "--db", str(db), "--workshop", "nope", "--out", str(tmp_path / "x.xlsx"))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "error: Workshop “nope” not found.\n"
    assert not (tmp_path / "x.xlsx").exists()
