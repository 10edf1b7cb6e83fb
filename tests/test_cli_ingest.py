"""`python -m cxcore ingest`: the load report contract, checked through the core."""
from __future__ import annotations

import json

from cxcore import base, workshop
from cxcore.store import open_store
from tests.conftest import run_cli


def test_ingest_prints_the_load_report_and_stores_the_base(tmp_path, shared_samples, expected):
    db = tmp_path / "cli.duckdb"
    for name, want in expected.items():
        done = run_cli("ingest", str(shared_samples / name), "--db", str(db), "--workshop", "cli")
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        for key in ("rows_read", "rows_loaded", "rows_rejected", "customers", "revenue", "date_min", "date_max"):
            assert report[key] == want[key], (name, key)
        assert [r["row"] for r in report["rejects"]] == want["rejected_rows"]
        assert all(r["reason"] for r in report["rejects"])
        if "sheet" in want:
            assert report["sheet"] == want["sheet"]
        store = open_store(db)
        stored = base.summary(store, workshop.by_name(store, "cli").id)
        assert (stored.customers, stored.revenue) == (want["customers"], want["revenue"])
        store.close()


def test_ingest_with_a_role_set_by_hand(tmp_path):
    path = tmp_path / "two_amounts.csv"
    path.write_text("Клиент;Дата;Сумма;Сумма без НДС\nA;01.01.2024;120;100\nB;02.01.2024;240;200\n", "utf-8")
    done = run_cli("ingest", str(path), "--db", str(tmp_path / "x.duckdb"), "--map", "amount=Сумма без НДС")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["revenue"] == 300.0


def test_an_unusable_file_exits_2_with_one_line_and_keeps_the_previous_base(tmp_path, shared_samples):
    db = tmp_path / "cli.duckdb"
    loaded = run_cli("ingest", str(shared_samples / "tab_cp1251.txt"), "--db", str(db), "--workshop", "w")
    assert loaded.returncode == 0, loaded.stderr
    for content in (b"\x00\x01\x02garbage" * 100, b"", b"just one line of prose\n", b"PK\x03\x04broken zip"):
        bad = tmp_path / "bad.csv"
        bad.write_bytes(content)
        done = run_cli("ingest", str(bad), "--db", str(db), "--workshop", "w")
        assert done.returncode == 2
        assert done.stdout == ""
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in done.stderr
    summary = json.loads(run_cli("summary", "--db", str(db), "--workshop", "w").stdout)
    assert (summary["rows_loaded"], summary["customers"], summary["revenue"]) == (300, 60, 527107.25)


def test_missing_required_column_names_the_columns(tmp_path):
    path = tmp_path / "no_amount.csv"
    path.write_text("Клиент;Дата;Комментарий\nA;01.01.2024;привет\nB;02.01.2024;пока\n", "utf-8")
    done = run_cli("ingest", str(path), "--db", str(tmp_path / "x.duckdb"))
    assert done.returncode == 2
    assert "amount" in done.stderr and "Комментарий" in done.stderr
