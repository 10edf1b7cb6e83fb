"""`python -m cxcore rfm`: the per-customer CSV and the JSON summary, checked through the core."""
from __future__ import annotations

import csv
import json
from datetime import date

import pytest

from cxcore import base, rfm, rfm_settings, workshop
from cxcore.store import open_store
from tests.conftest import run_cli

COLUMNS = ["customer_id", "recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "segment"]
ROWS = """customer;date;amount;order
007;2024-01-10;100;A1
007;2024-01-10;50;A1
007;2024-02-20;80;A2
B;2024-01-05;200;B1
B;2024-01-20;-200;B2
C;2024-01-15;-40;C1
D;2024-02-29;10.5;D1
E;2023-11-30;1000;E1
E;2023-12-30;1000;E2
E;2024-01-30;1000;E3
F;2024-03-01;999;F1
"""


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "cli.duckdb"
    source = tmp_path / "sales.csv"
    source.write_text(ROWS, encoding="utf-8")
    done = run_cli("ingest", str(source), "--db", str(path), "--workshop", "shop")
    assert done.returncode == 0, done.stderr
    return path


def read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], {row[0]: row for row in rows[1:]}


def test_rfm_writes_every_customer_and_prints_the_summary(db, tmp_path):
    out = tmp_path / "rfm.csv"
    done = run_cli("rfm", "--db", str(db), "--workshop", "shop", "--as-of", "2024-03-01", "--out", str(out))
    assert done.returncode == 0, done.stderr
    header, rows = read(out)
    assert header == COLUMNS
    assert set(rows) == {"007", "B", "C", "D", "E"}  # F bought on the as-of date
    assert rows["007"][1:4] == ["10", "2", "230.00"]
    assert rows["B"][1:4] == ["56", "1", "0.00"]
    assert rows["C"][1:5] == ["", "0", "-40.00", "1"]  # no positive order: R empty, R score 1
    assert rows["D"][1:4] == ["1", "1", "10.50"]  # the day before the as-of date: R = 1
    assert all(row[7] in ("champions", "loyal", "promising", "at_risk", "lost") for row in rows.values())
    summary = json.loads(done.stdout)
    assert summary["as_of"] == "2024-03-01" and summary["customers"] == 5
    assert summary["cut_points"]["mode"] == "quantile" and summary["cut_points"]["as_of"] == "2024-03-01"
    assert summary["revenue"] == 230 + 0 - 40 + 10.5 + 3000
    assert sum(s["customers"] for s in summary["segments"].values()) == 5
    # the same through the core
    store = open_store(db)
    found = workshop.by_name(store, "shop")
    result = rfm.compute(store, found.id, base.current_base_id(store, found.id), date(2024, 3, 1))
    store.close()
    assert summary == json.loads(json.dumps(result.summary_json()))
    for row in result.customers.itertuples():
        assert rows[row.customer_id][4:] == [str(row.r_score), str(row.f_score), str(row.m_score), row.segment]
    assert summary["cut_points"]["recency"] == list(result.cut_points.recency)


def test_rfm_defaults_to_the_day_after_the_last_transaction(db, tmp_path):
    out = tmp_path / "rfm.csv"
    done = run_cli("rfm", "--db", str(db), "--workshop", "shop", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["as_of"] == "2024-03-02"
    _, rows = read(out)
    assert rows["F"][1:4] == ["1", "1", "999.00"] and rows["D"][1] == "2"


def test_rfm_with_frozen_cut_points_and_with_the_workshops_thresholds(db, tmp_path):
    out = tmp_path / "rfm.csv"
    done = run_cli("rfm", "--db", str(db), "--workshop", "shop", "--cutpoints", "frozen:2024-02-01", "--out", str(out))
    assert done.returncode == 0, done.stderr
    cuts = json.loads(done.stdout)["cut_points"]
    store = open_store(db)
    found = workshop.by_name(store, "shop")
    base_id = base.current_base_id(store, found.id)
    assert cuts == rfm.cut_points(store, found.id, base_id, date(2024, 2, 1)).to_json() | {"mode": "frozen"}
    # without --cutpoints the workshop's stored mode applies
    rfm_settings.save(store, rfm_settings.get(store, found.id), "test", cut_mode="thresholds",
                      thresholds={"recency": [1, 10, 30, 60], "frequency": [1, 2, 3, 4], "monetary": [0, 100, 200, 300]})
    store.close()
    done = run_cli("rfm", "--db", str(db), "--workshop", "shop", "--as-of", "2024-03-01", "--out", str(out))
    assert json.loads(done.stdout)["cut_points"]["recency"] == [1, 10, 30, 60]
    _, rows = read(out)
    assert rows["D"][4:7] == ["5", "1", "2"]  # R 1 ≤ 1; F 1 ≤ 1; M 10.5 > 0
    assert rows["E"][4:7] == ["2", "3", "5"]  # R 31 > 30; F 3 > 2; M 3000 > 300


@pytest.mark.parametrize("args, message", [
    (["--cutpoints", "deciles"], "Unknown cut-point mode"),
    (["--as-of", "2020-01-01"], "no transaction before 2020-01-01"),
    (["--workshop", "nobody"], "nobody"),
])
def test_rfm_errors_are_one_line_and_exit_2(db, tmp_path, args, message):
    done = run_cli("rfm", "--db", str(db), "--workshop", "shop", "--out", str(tmp_path / "x.csv"), *args)
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    assert not (tmp_path / "x.csv").exists()


def test_rfm_on_a_workshop_without_a_base(tmp_path):
    db = tmp_path / "empty.duckdb"
    store = open_store(db)
    workshop.create(store, "empty")
    store.close()
    done = run_cli("rfm", "--db", str(db), "--workshop", "empty", "--out", str(tmp_path / "x.csv"))
    assert done.returncode == 2 and "no customer base" in done.stderr
