"""The store: migrations, one Store per file, versioned updates, the change log, serialised and durable writes."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import cxcore.migrations
from cxcore import ingest, store as store_module, workshop
from cxcore.errors import ConflictError, NotFound, StoreError
from cxcore.store import DEFAULT_PATH, Store, default_path, open_store

PROJECT = Path(__file__).resolve().parent.parent
COUNTERS = """
    CREATE TABLE counters (
        id         VARCHAR PRIMARY KEY,
        value      INTEGER NOT NULL,
        version    INTEGER NOT NULL DEFAULT 1,
        updated_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
        deleted_at TIMESTAMP
    )"""


@pytest.fixture
def counter(store: Store) -> str:
    """A test-only editable table (id, value, version, updated_at, deleted_at) holding one counter at 0."""
    with store.write("test") as tx:
        tx.execute(COUNTERS)
        tx.execute("INSERT INTO counters (id, value) VALUES ('c', 0)")
    return "c"


def counter_row(store: Store, counter_id: str = "c") -> tuple[int, int]:
    return store.query_one("SELECT value, version FROM counters WHERE id = ?", [counter_id])


def log_rows(store: Store, entity: str, action: str | None = None) -> list[dict]:
    rows = store.query_dicts("SELECT * FROM change_log WHERE entity = ? ORDER BY id", [entity])
    return [r for r in rows if action is None or r["action"] == action]


# -- migrations and opening ------------------------------------------------------------------------------------
def shipped_migrations() -> list[tuple[int, str]]:
    """The numbered .sql files in cxcore/migrations, read from the folder itself."""
    folder = Path(cxcore.migrations.__file__).parent
    found = [re.match(r"^(\d+)_(.+)\.sql$", p.name) for p in folder.iterdir()]
    return sorted((int(m.group(1)), m.group(2)) for m in found if m)


def test_new_database_records_every_migration(store: Store) -> None:
    shipped = shipped_migrations()
    assert shipped and shipped[0] == (1, "workshops_and_bases")
    assert store.query("SELECT version, name FROM schema_migrations ORDER BY version") == shipped
    assert store.schema_version() == shipped[-1][0]
    tables = {r[0] for r in store.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")}
    assert {"schema_migrations", "workshops", "change_log", "bases", "base_rows", "base_rejects"} <= tables


def test_reopening_does_not_reapply_migrations(tmp_path: Path) -> None:
    path = tmp_path / "reopen.duckdb"
    first = open_store(path)
    applied = first.query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
    version = first.schema_version()
    made = workshop.create(first, "Kept", facilitator="Anna")
    first.close()

    again = open_store(path)
    try:
        assert again is not first
        assert again.query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version") == applied
        assert again.schema_version() == version
        assert workshop.get(again, made.id).facilitator == "Anna"
    finally:
        again.close()


def test_a_new_migration_is_applied_once(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "grow.duckdb"
    open_store(path).close()
    probe = (900, "probe", "CREATE TABLE probe (n INTEGER);\nINSERT INTO probe VALUES (1);\n")
    shipped = store_module.migrations
    monkeypatch.setattr(store_module, "migrations", lambda: [*shipped(), probe])
    for _ in range(2):  # the second open would fail on CREATE TABLE (or add a row) if it re-ran the probe
        s = open_store(path)
        try:
            assert s.schema_version() == 900
            assert s.query("SELECT count(*), sum(n) FROM probe") == [(1, 1)]
            assert [v for v, _ in s.query("SELECT version, name FROM schema_migrations ORDER BY version")] == [
                v for v, _ in shipped_migrations()] + [900]
        finally:
            s.close()


def test_default_path_follows_cxstudio_db(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CXSTUDIO_DB", str(tmp_path / "chosen.duckdb"))
    assert default_path() == tmp_path / "chosen.duckdb"
    s = open_store()
    try:
        assert s.path == tmp_path / "chosen.duckdb" and s.path.exists()
        assert s.schema_version() == shipped_migrations()[-1][0]
    finally:
        s.close()
    monkeypatch.setenv("CXSTUDIO_DB", "")
    assert default_path() == DEFAULT_PATH == PROJECT / "var" / "studio.duckdb"
    monkeypatch.delenv("CXSTUDIO_DB")
    assert default_path() == DEFAULT_PATH


def test_open_store_gives_one_store_per_file(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    one = open_store(tmp_path / "same.duckdb")
    other = open_store(tmp_path / "other.duckdb")
    try:
        assert open_store(str(tmp_path / "same.duckdb")) is one
        assert open_store("same.duckdb") is one
        assert open_store(tmp_path / "sub" / ".." / "same.duckdb") is one
        assert other is not one
    finally:
        one.close()
        other.close()
    fresh = open_store(tmp_path / "same.duckdb")
    try:
        assert fresh is not one and fresh.query("SELECT 1") == [(1,)]
    finally:
        fresh.close()


def test_close_forgets_a_store_opened_by_relative_path(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path)
    relative = open_store("rel.duckdb")
    monkeypatch.chdir(tmp_path / "elsewhere")
    relative.close()  # "rel.duckdb" now resolves to another file; the closed store must still be forgotten
    reopened = open_store(tmp_path / "rel.duckdb")
    try:
        assert reopened is not relative
        assert reopened.query("SELECT 1") == [(1,)]
    finally:
        reopened.close()


# -- versioned updates and the change log -----------------------------------------------------------------------
def test_update_with_current_version_bumps_it(store: Store, counter: str) -> None:
    new = store.update_record("counters", counter, 1, {"value": 7}, "alice")
    assert (new["value"], new["version"]) == (7, 2)
    assert counter_row(store) == (7, 2)
    assert store.update_record("counters", counter, 2, {"value": 8}, "bob")["version"] == 3
    [first, second] = log_rows(store, "counters")
    assert (first["actor"], first["entity_id"], first["action"], first["version"]) == ("alice", "c", "update", 2)
    assert (json.loads(first["old_value"]), json.loads(first["new_value"])) == ({"value": 0}, {"value": 7})
    assert (second["actor"], second["version"]) == ("bob", 3)
    assert (json.loads(second["old_value"]), json.loads(second["new_value"])) == ({"value": 7}, {"value": 8})


def test_stale_version_is_refused_with_the_current_record(store: Store, counter: str) -> None:
    store.update_record("counters", counter, 1, {"value": 5}, "alice")
    with pytest.raises(ConflictError) as refused:
        store.update_record("counters", counter, 1, {"value": 99}, "bob")
    assert refused.value.current["value"] == 5 and refused.value.current["version"] == 2
    assert refused.value.params == {"version": 1, "current_version": 2}
    assert counter_row(store) == (5, 2)
    assert [r["actor"] for r in log_rows(store, "counters")] == ["alice"]


def test_missing_or_deleted_record_cannot_be_updated(store: Store, counter: str) -> None:
    with pytest.raises(NotFound):
        store.update_record("counters", "nope", 1, {"value": 1}, "alice")
    store.delete_record("counters", counter, 1, "alice")
    with pytest.raises(NotFound):
        store.update_record("counters", counter, 2, {"value": 1}, "alice")
    with pytest.raises(NotFound):
        store.delete_record("counters", counter, 2, "alice")
    assert counter_row(store) == (0, 2)


def test_delete_and_restore_are_logged_with_both_values(store: Store, counter: str) -> None:
    store.delete_record("counters", counter, 1, "alice")
    store.restore_record("counters", counter, "bob")
    deleted, restored = log_rows(store, "counters")
    assert (deleted["actor"], deleted["action"], deleted["version"]) == ("alice", "delete", 2)
    old, new = json.loads(deleted["old_value"]), json.loads(deleted["new_value"])
    assert (old["deleted_at"], old["version"], old["value"]) == (None, 1, 0)
    assert new["deleted_at"] is not None and new["version"] == 2
    assert (restored["actor"], restored["action"], restored["version"]) == ("bob", "restore", 3)
    old, new = json.loads(restored["old_value"]), json.loads(restored["new_value"])
    assert old["deleted_at"] is not None and old["version"] == 2
    assert (new["deleted_at"], new["version"]) == (None, 3)
    with pytest.raises(NotFound):  # a live record has nothing to restore
        store.restore_record("counters", counter, "bob")


def test_a_failed_write_leaves_nothing_behind(store: Store, counter: str) -> None:
    with pytest.raises(RuntimeError, match="changed my mind"):
        with store.write("alice") as tx:
            tx.execute("UPDATE counters SET value = 42 WHERE id = 'c'")
            tx.log("counters", "c", "update", new={"value": 42})
            raise RuntimeError("changed my mind")
    with pytest.raises(StoreError):
        with store.write("alice") as tx:
            tx.execute("UPDATE counters SET value = 43 WHERE id = 'c'")
            tx.execute("INSERT INTO counters (id, value) VALUES ('c', 1)")  # duplicate key
    assert counter_row(store) == (0, 1)
    assert log_rows(store, "counters") == []


# -- serialised writes ---------------------------------------------------------------------------------------------
def test_concurrent_increments_lose_nothing(store: Store, counter: str) -> None:
    threads, per_thread = 8, 50
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def increment(n: int) -> None:
        start.wait()
        try:
            for _ in range(per_thread):
                while True:
                    value, version = counter_row(store)
                    try:
                        store.update_record("counters", counter, version, {"value": value + 1}, f"t{n}")
                        break
                    except ConflictError as conflict:
                        if conflict.key != "error.stale_version":  # DuckDB's own conflict: writes not serialised
                            raise
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    workers = [threading.Thread(target=increment, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    assert counter_row(store) == (threads * per_thread, threads * per_thread + 1)
    updates = log_rows(store, "counters", "update")
    assert len(updates) == threads * per_thread
    assert [json.loads(r["new_value"])["value"] for r in updates] == list(range(1, threads * per_thread + 1))
    assert all(json.loads(r["new_value"])["value"] == json.loads(r["old_value"])["value"] + 1 for r in updates)
    assert {r["actor"] for r in updates} == {f"t{n}" for n in range(threads)}


# -- durability ------------------------------------------------------------------------------------------------------
CHILD = r"""
import sys
from cxcore import workshop
from cxcore.store import open_store

store = open_store(sys.argv[1])
if sys.argv[3] == "tiny-checkpoints":  # checkpoint all the time, so a kill often lands inside one
    store.query("SET checkpoint_threshold = '4kB'")
n = 0
while True:
    made = workshop.create(store, f"{sys.argv[2]}-{n}", actor="child", facilitator="draft")
    done = workshop.update(store, made, "child", facilitator="final")
    print(done.id, flush=True)
    n += 1
"""


def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "killed.duckdb"
    acknowledged: list[str] = []
    rounds = [("tiny-checkpoints", 3), ("plain", 15), ("tiny-checkpoints", 8), ("plain", 5), ("tiny-checkpoints", 12)]
    for round_no, (mode, wanted) in enumerate(rounds):
        with subprocess.Popen([sys.executable, "-c", CHILD, str(path), f"r{round_no}", mode], cwd=PROJECT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child:
            watchdog = threading.Timer(10, child.kill)  # a child that hangs must not hang the test
            watchdog.start()
            got = []
            try:
                while len(got) < wanted and (line := child.stdout.readline()):
                    got.append(line.strip())
                os.kill(child.pid, signal.SIGKILL)
                child.wait()
            finally:
                watchdog.cancel()
            assert len(got) == wanted, child.stderr.read()[-2000:]
            assert child.returncode == -signal.SIGKILL
        acknowledged += got

        s = open_store(path)
        try:
            assert s.schema_version() == shipped_migrations()[-1][0]
            live = {w.id: w for w in workshop.all_workshops(s)}
            for workshop_id in acknowledged:
                assert (live[workshop_id].facilitator, live[workshop_id].version) == ("final", 2)
            logged = {r[0] for r in s.query("SELECT entity_id FROM change_log WHERE action = 'update'")}
            assert set(acknowledged) <= logged
        finally:
            s.close()

    s = open_store(path)  # and the database still takes writes
    try:
        after = workshop.create(s, "after the crashes")
        assert workshop.get(s, after.id).name == "after the crashes"
    finally:
        s.close()


# -- a bulk load beside the write path -----------------------------------------------------------------------------
def test_bulk_load_runs_beside_edits(store: Store, tmp_path: Path) -> None:
    rows, customers = 200_000, 5_000
    frame = pd.DataFrame({
        "customer_id": [f"C{i % customers}" for i in range(rows)],
        "order_id": [f"O{i}" for i in range(rows)],
        "order_date": [f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}" for i in range(rows)],
        "amount": [f"{(i % 997) / 10:.2f}" for i in range(rows)],
    })
    csv = tmp_path / "big.csv"
    frame.to_csv(csv, index=False)
    target = workshop.create(store, "Loaded", facilitator="0")
    side = workshop.create(store, "Side", client="0")

    loading = threading.Event()
    outcome: dict = {}

    def load() -> None:
        try:
            outcome["report"] = ingest.load(store, csv, workshop_id=target.id, actor="loader")
        except BaseException as error:  # noqa: BLE001 - reported below
            outcome["error"] = error
        finally:
            loading.clear()

    loading.set()
    loader = threading.Thread(target=load)
    loader.start()
    edits_during_load = 0
    current_target, current_side = target, side
    while loading.is_set():  # edit the very workshop being loaded, and another one
        current_target = workshop.update(store, current_target, "editor",
                                         facilitator=str(int(current_target.facilitator) + 1))
        current_side = workshop.update(store, current_side, "editor", client=str(int(current_side.client) + 1))
        if loading.is_set():
            edits_during_load += 1
    loader.join()

    assert "error" not in outcome, outcome.get("error")
    assert edits_during_load >= 3  # the edits did not wait for the load's transaction
    edits = int(current_side.client)
    assert workshop.get(store, target.id).facilitator == str(edits)
    assert workshop.get(store, target.id).version == edits + 1
    assert workshop.get(store, side.id).version == edits + 1
    assert len([r for r in log_rows(store, "workshops", "update") if r["entity_id"] == side.id]) == edits

    report = outcome["report"]
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (rows, rows, 0)
    assert report.customers == customers
    assert report.revenue == pytest.approx(sum(i % 997 for i in range(rows)) / 10, abs=0.01)
    base_id, rows_loaded = store.query_one("SELECT id, rows_loaded FROM bases WHERE workshop_id = ?", [target.id])
    assert rows_loaded == rows
    assert store.query_one("SELECT count(*), count(DISTINCT customer_id) FROM base_rows "
                           "WHERE base_id = ?", [base_id]) == (rows, customers)
    assert store.query_one("SELECT count(*) FROM base_rows WHERE base_id <> ?", [base_id]) == (0,)
    assert [r["action"] for r in log_rows(store, "bases")] == ["load"]


# -- errors are ours ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda s: s.query("SELEC 1"),
    lambda s: s.query_one("SELECT * FROM no_such_table"),
    lambda s: s.query_dicts("SELECT ?", [1, 2]),
    lambda s: s.query_df("SELECT CAST('x' AS INTEGER)"),
], ids=["syntax", "no_table", "bad_params", "bad_cast"])
def test_bad_sql_raises_store_error(store: Store, call) -> None:
    with pytest.raises(StoreError) as failed:
        call(store)
    assert not isinstance(failed.value, duckdb.Error)
    assert failed.value.__cause__ is None and failed.value.__suppress_context__
    assert failed.value.key == "error.store"
    assert failed.value.message("en").startswith("Database error: ")
    assert failed.value.message("ru").startswith("Ошибка базы данных: ")


def test_bad_sql_in_a_write_raises_store_error(store: Store) -> None:
    with pytest.raises(StoreError) as failed:
        with store.write("alice") as tx:
            tx.execute("INSERT INTO workshops (id) VALUES ('x')")  # name is NOT NULL
    assert "NOT NULL" in failed.value.params["detail"]
    assert workshop.all_workshops(store) == []


def test_a_closed_store_raises_store_error(tmp_path: Path) -> None:
    s = open_store(tmp_path / "closed.duckdb")
    s.close()
    with pytest.raises(StoreError):
        s.query("SELECT 1")
    with pytest.raises(StoreError):
        workshop.create(s, "too late")


def test_a_file_that_is_not_a_database_raises_store_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_bytes(b"certainly not a database\n" * 1000)
    with pytest.raises(StoreError) as failed:
        open_store(path)
    assert failed.value.key == "error.store_open" and failed.value.params["path"] == str(path)


def test_opening_the_store_discards_rows_a_killed_load_left_behind(tmp_path):
    path = tmp_path / "orphans.duckdb"
    store = open_store(path)
    with store.write("test") as tx:
        tx.execute("INSERT INTO base_rows (base_id, customer_id, order_date, amount) VALUES (999, 'A', DATE '2024-01-01', 1)")
        tx.execute("INSERT INTO base_rejects (base_id, row_no, reason) VALUES (999, 7, 'bad_date')")
    store.close()
    store = open_store(path)
    assert store.query_one("SELECT (SELECT count(*) FROM base_rows), (SELECT count(*) FROM base_rejects)") == (0, 0)
    store.close()
