"""`python -m cxcore summary`."""
from __future__ import annotations

import json

from cxcore import workshop
from cxcore.store import open_store
from tests.conftest import run_cli


def test_summary_describes_the_current_base(tmp_path, shared_samples):
    db = tmp_path / "s.duckdb"
    assert run_cli("ingest", str(shared_samples / "crm_second_sheet.xlsx"), "--db", str(db),
                   "--workshop", "crm").returncode == 0
    summary = json.loads(run_cli("summary", "--db", str(db), "--workshop", "crm").stdout)
    assert summary["rows_loaded"] == 150
    assert summary["customers"] == 39
    assert summary["orders"] == 150
    assert summary["revenue"] == 320723.14
    assert (summary["date_min"], summary["date_max"]) == ("2023-01-14", "2024-05-12")
    assert summary["source_name"] == "crm_second_sheet.xlsx"


def test_summary_of_a_missing_workshop_or_base(tmp_path):
    db = tmp_path / "s.duckdb"
    done = run_cli("summary", "--db", str(db), "--workshop", "nobody")
    assert done.returncode == 2 and "nobody" in done.stderr
    store = open_store(db)
    workshop.create(store, "empty")
    store.close()
    done = run_cli("summary", "--db", str(db), "--workshop", "empty")
    assert done.returncode == 2 and "no customer base" in done.stderr
