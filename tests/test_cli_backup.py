"""`python -m cxcore backup` and `restore`: a workshop through one file into another database and beside its
original, checked through the core; a damaged file or a name in use is one line, exit 2, nothing written."""
from __future__ import annotations

import json
import zipfile

import pytest

from cxcore import journey_io, workbook, workshop
from cxcore.store import open_store
from tests import test_workbook as built
from tests.conftest import run_cli


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "studio.duckdb"
    store = open_store(path)
    try:
        built.build(store, tmp_path)
    finally:
        store.close()
    return path


def read(db, check):
    store = open_store(db)
    try:
        return check(store)
    finally:
        store.close()


def document(store, name):
    return journey_io.dumps(journey_io.export(store, workshop.by_name(store, name).id))


def counts(store):
    tables = [r[0] for r in store.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")]
    return {t: store.query_one(f"SELECT count(*) FROM {t}")[0] for t in tables}


def test_backup_then_restore_into_another_database_and_beside_the_original(db, tmp_path):
    out, other = tmp_path / "spring.cxbackup", tmp_path / "other.duckdb"
    done = run_cli("backup", "--db", str(db), "--workshop", "Весна", "--out", str(out))
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert (printed["workshop"], printed["out"], printed["bytes"]) == ("Весна", str(out), out.stat().st_size)
    assert printed["tables"]["base_rows"] == 52 and printed["tables"]["journeys"] == 1
    assert printed["rows"] == sum(printed["tables"].values())
    with zipfile.ZipFile(out) as package:
        assert json.loads(package.read("manifest.json"))["members"]["journeys.parquet"]["rows"] == 1
    original_id, original_doc = read(db, lambda s: (workshop.by_name(s, "Весна").id, document(s, "Весна")))

    done = run_cli("restore", "--db", str(other), str(out))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"workshop": "Весна", "id": original_id, "rows": printed["rows"],
                                       "tables": printed["tables"]}
    assert read(other, lambda s: document(s, "Весна")) == original_doc
    assert read(other, lambda s: workbook.snapshot(s, original_id).items) == \
        read(db, lambda s: workbook.snapshot(s, original_id).items)

    done = run_cli("restore", "--db", str(db), str(out), "--as", "Весна (копия)")
    assert done.returncode == 0, done.stderr
    copy = json.loads(done.stdout)
    assert copy["workshop"] == "Весна (копия)" and copy["id"] != original_id and copy["rows"] == printed["rows"]
    assert read(db, lambda s: (document(s, "Весна (копия)"), document(s, "Весна"))) == (original_doc, original_doc)


def test_a_damaged_file_or_a_name_in_use_is_one_line_exit_2_and_nothing_written(db, tmp_path):
    out = tmp_path / "spring.cxbackup"
    assert run_cli("backup", "--db", str(db), "--workshop", "Весна", "--out", str(out)).returncode == 0
    before = read(db, counts)
    truncated = tmp_path / "truncated.cxbackup"
    truncated.write_bytes(out.read_bytes()[:-100])
    done = run_cli("restore", "--db", str(db), str(truncated), "--as", "Другая")
    assert (done.returncode, done.stdout, done.stderr.count("\n")) == (2, "", 1)
    assert done.stderr.startswith("error: truncated.cxbackup is not a CX Journey Studio backup, or it is damaged")
    done = run_cli("restore", "--db", str(db), str(out))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == ("error: A workshop named “Весна” already exists in this database: restore it under "
                           "another name (--as NAME). Nothing was written.\n")
    assert read(db, counts) == before
    done = run_cli("backup", "--db", str(db), "--workshop", "nobody", "--out", str(tmp_path / "x.cxbackup"))
    assert (done.returncode, done.stderr) == (2, "error: Workshop “nobody” not found.\n")
    assert not (tmp_path / "x.cxbackup").exists()
