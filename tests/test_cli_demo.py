"""`python -m cxcore demo`: the same demo workshop the first start of the app creates."""
from __future__ import annotations

import json

from cxcore import workshop
from cxcore.store import open_store
from tests.conftest import run_cli


def test_demo_creates_and_recreates_the_demo_workshop(tmp_path):
    db = tmp_path / "demo.duckdb"
    for _ in range(2):
        done = run_cli("demo", "--db", str(db))
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "demo"
    summary = json.loads(run_cli("summary", "--db", str(db)).stdout)
    assert summary["customers"] == 50802
    assert summary["rows_loaded"] == 405425
    assert (summary["date_min"], summary["date_max"]) == ("2023-06-01", "2025-11-30")
    store = open_store(db)
    assert [w.id for w in workshop.all_workshops(store)] == ["demo"]
    store.close()
