"""`python -m cxcore migration`: the from × to matrix as JSON, checked through the core."""
from __future__ import annotations

import json
from datetime import date

from cxcore import base, rfm, workshop
from cxcore.store import open_store
from tests.conftest import run_cli


def make_db(tmp_path):
    lines = ["customer;date;amount"]
    for i in range(30):  # customers buying every (i % 4 + 1) months in 2023, half of them stopping in 2024
        for month in range(1, 25, i % 4 + 1):
            if month <= 12 or i % 2:
                lines.append(f"C{i:02d};{2023 + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}-{i % 27 + 1:02d};"
                             f"{100 + 10 * i}")
    lines += ["N1;2024-03-05;500", "N2;2024-06-05;70", "N2;2024-06-20;-70", "LATE;2025-02-01;10"]
    source = tmp_path / "sales.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "m.duckdb"
    assert run_cli("ingest", str(source), "--db", str(db), "--workshop", "shop").returncode == 0
    return db, lines


def test_migration_prints_the_matrix(tmp_path):
    db, lines = make_db(tmp_path)
    done = run_cli("migration", "--db", str(db), "--workshop", "shop", "--from", "2024-01-01", "--to", "2025-01-01")
    assert done.returncode == 0, done.stderr
    moves = json.loads(done.stdout)
    assert set(moves) == {"from", "to", "cells"}
    assert (moves["from"], moves["to"]) == ("2024-01-01", "2025-01-01")
    assert all(set(cell) == {"from_segment", "to_segment", "customers", "revenue"} for cell in moves["cells"])
    rows = {}
    for cell in moves["cells"]:
        rows[cell["from_segment"]] = rows.get(cell["from_segment"], 0) + cell["customers"]
    assert rows["new"] == 2  # N1, N2 (LATE bought after the later date)
    # row sums are the segment sizes at the from date; revenue is the net revenue between the dates
    store = open_store(db)
    found = workshop.by_name(store, "shop")
    base_id = base.current_base_id(store, found.id)
    before = rfm.compute(store, found.id, base_id, date(2024, 1, 1)).summary
    core = rfm.migration(store, found.id, base_id, date(2024, 1, 1), date(2025, 1, 1)).to_json()
    store.close()
    assert moves == json.loads(json.dumps(core))
    for segment, n in zip(before["segment"], before["customers"]):
        assert rows.get(segment, 0) == n
    between = sum(float(line.split(";")[2]) for line in lines[1:] if "2024-01-01" <= line.split(";")[1] < "2025-01-01")
    assert round(sum(cell["revenue"] for cell in moves["cells"]), 2) == round(between, 2)
    assert sum(rows.values()) == 32


def test_migration_errors_exit_2(tmp_path):
    db, _ = make_db(tmp_path)
    done = run_cli("migration", "--db", str(db), "--workshop", "shop", "--from", "2025-01-01", "--to", "2024-01-01")
    assert done.returncode == 2 and done.stderr.strip().splitlines() == [
        "error: The “from” date (2025-01-01) must be before the “to” date (2024-01-01)."]
    done = run_cli("migration", "--db", str(db), "--workshop", "shop", "--from", "2021-01-01", "--to", "2024-01-01")
    assert done.returncode == 2 and "no transaction before 2021-01-01" in done.stderr
    done = run_cli("migration", "--db", str(db), "--workshop", "shop", "--from", "01.01.2024", "--to", "2025-01-01")
    assert done.returncode == 2 and "YYYY-MM-DD" in done.stderr
