"""`python -m cxcore roadmap import`: an edited workbook applied through the versioned store; the JSON summary
and the refused rows, checked through the core."""
from __future__ import annotations

import json
from datetime import date, datetime

import openpyxl
import pytest

from cxcore import roadmap
from cxcore.store import open_store
from tests import test_workbook as built
from tests.conftest import run_cli


@pytest.fixture
def room(tmp_path):
    db = tmp_path / "studio.duckdb"
    store = open_store(db)
    try:
        room = built.build(store, tmp_path)
    finally:
        store.close()
    return db, room


def edited(db, tmp_path, lang="ru"):
    """The workshop's workbook from `export`, edited as an owner would."""
    path = tmp_path / "workshop.xlsx"
    done = run_cli("export", "--db", str(db), "--workshop", "Весна", "--out", str(path), "--lang", lang)
    assert done.returncode == 0, done.stderr
    return path, openpyxl.load_workbook(path)


def test_roadmap_import_applies_the_edits_and_prints_the_summary(room, tmp_path):
    db, r = room
    path, book = edited(db, tmp_path)
    ws, kpi = book["Дорожная карта"], book["Отслеживание KPI"]
    ws["Q2"] = "Сделано"  # quick win: status
    ws["P3"] = datetime(2026, 5, 1)  # big bet: the review date
    ws["P4"] = "31.02.2026"  # not a date
    ws["Q6"], ws["S6"] = "Сделано", "no-such-id"
    kpi["D3"], kpi["E3"] = datetime(2026, 2, 15), 180
    book.save(path)

    done = run_cli("roadmap", "import", "--db", str(db), "--workshop", "Весна", str(path))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"changed": 3, "unchanged": 2, "rejected": [
        {"sheet": "Дорожная карта", "row": 4, "reason": "«Следующий пересмотр»: «31.02.2026» — не дата"},
        {"sheet": "Дорожная карта", "row": 6, "reason": "пункта с id «no-such-id» нет в дорожной карте"}]}
    store = open_store(db)
    try:
        assert roadmap.get_item(store, r.quick.id).status == "done"
        assert roadmap.get_item(store, r.bet.id).review_on == date(2026, 5, 1)
        assert roadmap.get_item(store, r.manual.id).review_on == date(2026, 3, 2)
        assert [(a.measured_on, a.value) for a in roadmap.item_actuals(store, r.quick.id)] == [
            (date(2026, 1, 15), 120), (date(2026, 2, 15), 180)]
    finally:
        store.close()

    # the same file again: its rows are stale now, but they ask for what is stored, so nothing is overwritten
    done = run_cli("roadmap", "import", "--db", str(db), "--workshop", "Весна", "--lang", "en", str(path))
    summary = json.loads(done.stdout)
    assert (summary["changed"], summary["unchanged"]) == (0, 5)
    assert [x["reason"] for x in summary["rejected"]] == ["“Следующий пересмотр”: “31.02.2026” is not a date",
                                                          "no roadmap item has the id “no-such-id”"]


def test_roadmap_import_reports_a_conflict_instead_of_overwriting(room, tmp_path):
    db, r = room
    path, book = edited(db, tmp_path, "en")
    book["Roadmap"]["I2"] = "Someone else"  # the quick win's owner
    book.save(path)
    store = open_store(db)
    try:
        roadmap.update_item(store, roadmap.get_item(store, r.quick.id), "app", owner="Ольга Петрова")
    finally:
        store.close()
    done = run_cli("roadmap", "import", "--db", str(db), "--workshop", "Весна", str(path))
    assert json.loads(done.stdout) == {"changed": 0, "unchanged": 4, "rejected": [  # 3 items, 1 KPI value
        {"sheet": "Roadmap", "row": 2, "reason": "the item was changed in the app since the export (version 2, now 3):"
                                                 " the row is not applied; export the workbook again"}]}
    store = open_store(db)
    try:
        assert roadmap.get_item(store, r.quick.id).owner == "Ольга Петрова"
    finally:
        store.close()


def test_roadmap_import_refuses_a_file_that_is_not_the_workbook(room, tmp_path):
    db, _ = room
    junk = tmp_path / "notes.xlsx"
    junk.write_bytes(b"not a workbook")
    done = run_cli("roadmap", "import", "--db", str(db), "--workshop", "Весна", str(junk))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("error: This is not a workshop workbook from CX Journey Studio (")
    assert done.stderr.count("\n") == 1
