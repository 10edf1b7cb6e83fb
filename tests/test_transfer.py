"""Backup, restore and the follow-up workshop: a workshop restored into another database gives the same journey
document, RFM and workbook; restored beside its original it gets new ids everywhere; a damaged or foreign file
changes nothing; the follow-up copies journeys, RFM settings and roadmap with references to the copies."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from cxcore import access, base, journey, journey_io, rfm, rfm_export, rfm_settings, transfer, workbook, workshop
from cxcore.errors import BackupError, StoreError
from cxcore.i18n import t
from cxcore.store import Store, open_store
from tests.test_workbook import build

PIN = "2468"
ROOM_TABLES = ("participants", "rooms", "agenda_blocks", "parking_items", "record_origins")


@dataclass
class Source:
    store: Store
    workshop_id: str
    backup: Path
    summary: transfer.BackupSummary


def enrich(store: Store, wid: str) -> None:
    """What the workbook's room lacks: a deleted touchpoint (a live barrier under it), a deleted idea, an edit in
    the history, the room, its agenda, parking lot and participants, a record origin, PIN attempts and the PIN."""
    j = journey.journeys(store, wid)[0]
    app = journey.add_touchpoint(store, j.stage("use"), "Анна", "Приложение", "app")
    journey.add_barrier(store, app, "Анна", "Приложение падает", ["simplicity"], severity=4)
    journey.delete(store, journey.get(store, app.id), "Анна")
    queue_idea = next(i for i in j.ideas if i.text == "Вторая касса при очереди")
    journey.delete(store, queue_idea, "Борис")
    journey.update(store, j.stage("need"), "Вера", goal="Обустроить дом")
    block = f"{wid}-block"
    with store.write("Анна") as tx:
        tx.execute("INSERT INTO participants (id, workshop_id, name) VALUES (?, ?, 'Анна'), (?, ?, 'Борис')",
                   [f"{wid}/анна", wid, f"{wid}/борис", wid])
        tx.execute("INSERT INTO agenda_blocks (id, workshop_id, day, starts_at, minutes, title, page) "
                   "VALUES (?, ?, 1, '10:00', 90, 'RFM-сегменты', 'rfm')", [block, wid])
        tx.execute("INSERT INTO rooms (id, workshop_id, focus_page, current_block_id, timer_label) "
                   "VALUES (?, ?, 'rfm', ?, 'Перерыв')", [wid, wid, block])
        tx.execute("INSERT INTO parking_items (id, workshop_id, text, author) VALUES (?, ?, 'Кто владелец CRM?', "
                   "'Борис')", [f"{wid}-parking", wid])
        tx.execute("INSERT INTO record_origins VALUES (?, 'barriers', ?, 'an-earlier-barrier')",
                   [wid, j.barriers[0].id])
    access.set_pin(store, wid, PIN, "Анна")
    with pytest.raises(access.Forbidden):
        access.unlock(store, wid, "0000")  # one failed attempt, which a backup leaves behind


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Source:
    folder = tmp_path_factory.mktemp("transfer")
    store = open_store(folder / "source.duckdb")
    room = build(store, folder)
    enrich(store, room.workshop_id)
    summary = transfer.backup(store, room.workshop_id, folder / "spring.cxbackup")
    yield Source(store, room.workshop_id, folder / "spring.cxbackup", summary)
    store.close()


# -- what the views show ---------------------------------------------------------------------------------------
def journey_doc(store: Store, wid: str) -> str:
    return journey_io.dumps(journey_io.export(store, wid))


def rfm_csv(store: Store, wid: str) -> bytes:
    settings = rfm_settings.get(store, wid)
    result = rfm.compute(store, wid, base.current_base_id(store, wid), spec=settings.spec, rules=settings.rules)
    return rfm_export.csv_bytes(result)


def workbook_cells(store: Store, wid: str) -> dict[str, list[list]]:
    """Every sheet's cell values; the export time (on the cover and the hidden sheet) left out."""
    book = openpyxl.load_workbook(io.BytesIO(workbook.export_bytes(store, wid)))
    when = ("exported_at", t("workbook.cover.exported", workshop.get(store, wid).language))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows() if row[0].value not in when]
            for ws in book.worksheets}


def history(store: Store, wid: str) -> list[tuple]:
    return store.query("SELECT changed_at, actor, entity, entity_id, action, version, old_value, new_value "
                       "FROM change_log WHERE workshop_id = ? ORDER BY id", [wid])


def rows_of(store: Store, wid: str) -> dict[str, list[tuple]]:
    """Every row the workshop owns, table by table."""
    rows = {}
    for table in transfer.REFERENCES:
        where = {"workshops": "id = ?"}.get(table, "workshop_id = ?")
        if table in ("base_rows", "base_rejects"):
            where = "base_id IN (SELECT id FROM bases WHERE workshop_id = ?)"
        rows[table] = store.query(f"SELECT * FROM {table} WHERE {where} ORDER BY ALL", [wid])
    return rows


def counts(store: Store) -> dict[str, int]:
    tables = [r[0] for r in store.query("SELECT table_name FROM information_schema.tables "
                                        "WHERE table_schema = 'main' ORDER BY 1")]
    return {t: store.query_one(f"SELECT count(*) FROM {t}")[0] for t in tables}


# -- the file --------------------------------------------------------------------------------------------------
def test_the_backup_is_one_zip_with_a_manifest_and_a_parquet_file_per_table(source):
    original = rows_of(source.store, source.workshop_id)
    with zipfile.ZipFile(source.backup) as package:
        manifest = json.loads(package.read("manifest.json"))
        assert package.namelist() == ["manifest.json", *(f"{t}.parquet" for t in transfer.REFERENCES)]
        for name, meta in manifest["members"].items():
            assert hashlib.sha256(package.read(name)).hexdigest() == meta["sha256"]
    assert manifest["format"] == "cx-journey-studio/backup" and manifest["version"] == 1
    assert manifest["schema_version"] == source.store.schema_version() >= 7
    assert manifest["workshop"] == {"id": source.workshop_id, "name": "Весна", "client": "Дом и Сад"}
    assert {m["table"]: m["rows"] for m in manifest["members"].values()} == {t: len(r) for t, r in original.items()}
    assert source.summary.tables == {t: len(r) for t, r in original.items()}
    assert source.summary.tables["base_rows"] == 52 and source.summary.tables["participants"] == 2
    assert source.summary.bytes == source.backup.stat().st_size
    assert "pin_attempts.parquet" not in manifest["members"]
    assert source.summary.to_json()["rows"] == sum(len(r) for r in original.values())


def test_every_table_with_a_workshop_id_is_backed_up_or_deliberately_left_out(source):
    owned = {r[0] for r in source.store.query(
        "SELECT table_name FROM information_schema.columns "
        "WHERE table_schema = 'main' AND column_name = 'workshop_id'")}
    covered = set(transfer.REFERENCES) | set(transfer.NOT_BACKED_UP)
    assert sorted(owned - covered) == [], "add the new table to transfer.REFERENCES with its id columns"
    assert owned | {"workshops", "base_rows", "base_rejects"} == covered
    for table, refs in transfer.REFERENCES.items():
        known = {r[0] for r in source.store.query(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table])}
        assert set(refs) <= known, table


# -- restore into another database -------------------------------------------------------------------------------
def test_restore_into_another_database_gives_the_same_workshop(source, tmp_path):
    other = open_store(tmp_path / "other.duckdb")
    try:
        restored, restored_rows = transfer.restore_counted(other, source.backup, actor="Анна")
        wid = source.workshop_id
        assert (restored.id, restored.name, restored.client) == (wid, "Весна", "Дом и Сад")
        assert restored_rows == source.summary.tables
        assert journey_doc(other, wid) == journey_doc(source.store, wid)
        assert rfm_csv(other, wid) == rfm_csv(source.store, wid)
        assert workbook_cells(other, wid) == workbook_cells(source.store, wid)  # the Roadmap's hidden ids too
        before, after = rows_of(source.store, wid), rows_of(other, wid)
        for table in ("journeys", "barriers", "ideas", "roadmap_items", "maturity_ratings", "contact_policies",
                      "rfm_settings", "business_case_assumptions", "roadmap_dots", *ROOM_TABLES):
            assert after[table] == before[table], table
        # the history: every change, same order and times; the base load names the base's new id
        new_base = base.current_base_id(other, wid)
        expected = [(*row[:3], str(new_base) if row[2] == "bases" else row[3], *row[4:])
                    for row in history(source.store, wid)]
        got = history(other, wid)
        assert got[:-1] == expected and got[-1][2:5] == ("workshops", wid, "restore")
        assert other.query("SELECT count(*) FROM pin_attempts")[0][0] == 0
        assert access.has_pin(other, wid)
        with pytest.raises(access.Forbidden):
            access.unlock(other, wid, "1111")
        assert access.is_facilitator(access.unlock(other, wid, PIN, "Анна"), wid)
    finally:
        other.close()


def test_restore_beside_the_original_takes_new_ids_everywhere(source):
    wid, store = source.workshop_id, source.store
    before = rows_of(store, wid)
    copy = transfer.restore(store, source.backup, as_name="Весна (копия)")
    assert copy.name == "Весна (копия)" and copy.id != wid and len(copy.id) >= 22
    assert rows_of(store, wid) == before  # the original untouched
    assert journey_doc(store, copy.id) == journey_doc(store, wid)
    assert rfm_csv(store, copy.id) == rfm_csv(store, wid)
    rows = rows_of(store, copy.id)
    assert {t: len(r) for t, r in rows.items() if t != "change_log"} == \
        {t: len(r) for t, r in before.items() if t != "change_log"}
    old_ids = {r[0] for t in transfer.KEYED for r in before[t]}
    new_ids = {t: {r[0] for r in rows[t]} for t in transfer.KEYED}
    assert not old_ids & set().union(*new_ids.values())
    assert new_ids["rfm_settings"] == new_ids["rooms"] == {copy.id}
    assert new_ids["participants"] == {f"{copy.id}/анна", f"{copy.id}/борис"}
    assert {i.split("/")[0] for i in new_ids["contact_policies"]} == {copy.id}
    assert base.current_base_id(store, copy.id) != base.current_base_id(store, wid)

    def column(table: str, name: str) -> list:
        return [r[0] for r in store.query(f"SELECT {name} FROM {table} WHERE workshop_id = ?", [copy.id])]

    assert set(column("touchpoints", "stage_id")) <= new_ids["journey_stages"]
    assert set(column("barriers", "touchpoint_id")) <= new_ids["touchpoints"]
    assert set(column("ideas", "barrier_id")) <= new_ids["barriers"]
    assert set(column("maturity_ratings", "respondent_id")) <= new_ids["maturity_respondents"]
    assert set(column("roadmap_dots", "target_id")) <= new_ids["barriers"] | new_ids["ideas"]
    assert set(column("roadmap_kpi_actuals", "item_id")) <= new_ids["roadmap_items"]
    assert {i for i in column("roadmap_items", "idea_id") if i} <= new_ids["ideas"]
    assert {b for ids in column("roadmap_items", "barrier_ids") for b in ids} <= new_ids["barriers"]
    assert column("rooms", "current_block_id") == list(new_ids["agenda_blocks"])
    assert column("record_origins", "origin_id") == ["an-earlier-barrier"]
    assert set(column("record_origins", "id")) <= new_ids["barriers"]
    logged = set(column("change_log", "entity_id"))
    assert not logged & old_ids and {copy.id, *new_ids["barriers"]} <= logged
    assert access.is_facilitator(access.unlock(store, copy.id, PIN), copy.id)


def test_a_name_in_use_is_refused_and_nothing_written(source):
    before = counts(source.store)
    with pytest.raises(BackupError) as refused:
        transfer.restore(source.store, source.backup)
    assert refused.value.key == "backup.name_taken" and "--as" in str(refused.value)
    assert counts(source.store) == before


def test_a_failure_while_writing_writes_nothing(source, tmp_path, monkeypatch):
    other = open_store(tmp_path / "other.duckdb")
    try:
        before = counts(other)

        def broken(*args, **kwargs):
            raise StoreError("error.store", detail="disk full")

        monkeypatch.setattr(transfer, "_restore_log", broken)
        with pytest.raises(BackupError, match="disk full"):
            transfer.restore(other, source.backup)
        assert counts(other) == before and before["base_rows"] == 0
    finally:
        other.close()


# -- damaged and foreign files ---------------------------------------------------------------------------------------
def rewrite(good: Path, bad: Path, change=lambda name, data: data, manifest=lambda m: m, drop=()) -> None:
    """A copy of the backup with members changed, the manifest edited or members left out."""
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        found = json.loads(src.read("manifest.json"))
        for name in src.namelist():
            if name in drop or name == "manifest.json":
                continue
            dst.writestr(name, change(name, src.read(name)))
        if "manifest.json" not in drop:
            dst.writestr("manifest.json", json.dumps(manifest(found)))


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]


def raw_flip(good: Path, bad: Path) -> None:
    """One byte flipped inside the stored barriers.parquet (the ZIP's CRC no longer matches)."""
    data = good.read_bytes()
    info = zipfile.ZipFile(good).getinfo("barriers.parquet")
    header = info.header_offset
    start = header + 30 + int.from_bytes(data[header + 26:header + 28], "little") + \
        int.from_bytes(data[header + 28:header + 30], "little")
    bad.write_bytes(flip(data, start + info.compress_size // 2))


def extra_column(store: Store, folder: Path):
    def change(name: str, data: bytes) -> bytes:
        if name != "ideas.parquet":
            return data
        (folder / "in.parquet").write_bytes(data)
        store.query("COPY (SELECT *, 1 AS surprise FROM read_parquet(?)) TO ? (FORMAT parquet)",
                    [str(folder / "in.parquet"), str(folder / "out.parquet")])
        return (folder / "out.parquet").read_bytes()
    return change


def resign(manifest: dict, folder: Path) -> dict:
    manifest["members"]["ideas.parquet"]["sha256"] = hashlib.sha256((folder / "out.parquet").read_bytes()).hexdigest()
    return manifest


def newer(manifest: dict) -> dict:
    return {**manifest, "schema_version": manifest["schema_version"] + 1}


DAMAGES = {
    "truncated": ("backup.unreadable", lambda good, bad, s, f: bad.write_bytes(good.read_bytes()[:5000])),
    "flipped byte": ("backup.unreadable", lambda good, bad, s, f: raw_flip(good, bad)),
    "sha mismatch": ("backup.damaged", lambda good, bad, s, f: rewrite(
        good, bad, change=lambda n, d: flip(d, len(d) // 2) if n == "barriers.parquet" else d)),
    "member missing": ("backup.damaged", lambda good, bad, s, f: rewrite(good, bad, drop=("ideas.parquet",))),
    "no manifest": ("backup.unreadable", lambda good, bad, s, f: rewrite(good, bad, drop=("manifest.json",))),
    "foreign zip": ("backup.unreadable", lambda good, bad, s, f: bad.write_bytes(
        workbook.export_bytes(s, workshop.by_name(s, "Весна").id))),
    "text file": ("backup.unreadable", lambda good, bad, s, f: bad.write_text("customer;amount\nK1;5\n")),
    "newer schema": ("backup.newer", lambda good, bad, s, f: rewrite(good, bad, manifest=newer)),
    "other format version": ("backup.version", lambda good, bad, s, f: rewrite(
        good, bad, manifest=lambda m: {**m, "version": 2})),
    "unknown column": ("backup.columns", lambda good, bad, s, f: rewrite(
        good, bad, change=extra_column(s, f), manifest=lambda m: resign(m, f))),
    "missing file": ("ingest.no_file", lambda good, bad, s, f: None),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_or_foreign_file_is_refused_and_nothing_written(source, tmp_path, damage):
    key, make = DAMAGES[damage]
    bad = tmp_path / "bad.cxbackup"
    make(source.backup, bad, source.store, tmp_path)
    other = open_store(tmp_path / "other.duckdb")
    try:
        workshop.create(other, "Осень")
        before = counts(other)
        with pytest.raises(BackupError) as refused:
            transfer.restore(other, bad, as_name="Весна")
        assert refused.value.key == key, str(refused.value)
        assert "bad.cxbackup" in str(refused.value) and "\n" not in str(refused.value)
        assert counts(other) == before
    finally:
        other.close()


# -- the follow-up workshop ------------------------------------------------------------------------------------------
def live(store: Store, table: str, wid: str) -> list[dict]:
    return store.query_dicts(f"SELECT * FROM {table} WHERE workshop_id = ? AND deleted_at IS NULL ORDER BY id", [wid])


def test_a_follow_up_copies_journeys_rfm_settings_and_roadmap_with_new_ids(source):
    store, wid = source.store, source.workshop_id
    later = transfer.follow_up(store, wid, "Весна, полгода спустя", "Анна", facilitator="Игорь")
    earlier = workshop.get(store, wid)
    assert (later.client, later.industry, later.language, later.facilitator) == (
        earlier.client, earlier.industry, earlier.language, "Игорь")
    assert len(later.id) >= 22 and later.id != wid
    assert store.query_one("SELECT follows_id FROM workshops WHERE id = ?", [later.id])[0] == wid
    copied = {t: live(store, t, later.id) for t, _ in transfer.FOLLOW_UP}
    assert {t: len(r) for t, r in copied.items()} == {
        "journeys": 1, "journey_stages": 8, "touchpoints": 2, "barriers": 3, "ideas": 3, "rfm_settings": 1,
        "roadmap_items": 4, "roadmap_kpi_actuals": 1}  # not the deleted touchpoint, its barrier, the deleted idea
    origins = {(e, i): o for e, i, o in store.query(
        "SELECT entity, id, origin_id FROM record_origins WHERE workshop_id = ?", [later.id])}
    assert len(origins) == sum(len(r) for r in copied.values())
    originals = {t: {r["id"]: r for r in live(store, t, wid)} for t, _ in transfer.FOLLOW_UP}
    for table, rows in copied.items():
        assert {r["version"] for r in rows} == {1}, table
        for row in rows:
            origin = originals[table][origins[(table, row["id"])]]
            assert row["id"] not in originals[table] or table == "rfm_settings"
            keep = {k: v for k, v in origin.items() if k not in ("id", "workshop_id", "version", "updated_at",
                                                                   *transfer.REFERENCES[table])}
            assert {k: row[k] for k in keep} == keep, table
    assert copied["rfm_settings"][0]["id"] == later.id
    assert copied["rfm_settings"][0]["target_segment"] == "at_risk"
    for idea in copied["ideas"]:  # an idea hangs from the copy of its original's barrier
        original = originals["ideas"][origins[("ideas", idea["id"])]]
        assert origins[("barriers", idea["barrier_id"])] == original["barrier_id"]
    for item in copied["roadmap_items"]:
        original = originals["roadmap_items"][origins[("roadmap_items", item["id"])]]
        assert [origins[("barriers", b)] for b in item["barrier_ids"]] == original["barrier_ids"]
        assert (origins[("ideas", item["idea_id"])] if item["idea_id"] else None) == original["idea_id"]
    actual = copied["roadmap_kpi_actuals"][0]
    assert origins[("roadmap_items", actual["item_id"])] == originals["roadmap_kpi_actuals"][
        origins[("roadmap_kpi_actuals", actual["id"])]]["item_id"]
    assert journey_doc(store, later.id) == journey_doc(store, wid)  # authors and creation times kept
    assert base.current_base_id(store, later.id) is None
    for table in ("bases", "roadmap_votes", "roadmap_dots", "maturity_respondents", "maturity_ratings",
                  "participants", "agenda_blocks", "parking_items", "rooms", "contact_policies"):
        assert store.query_one(f"SELECT count(*) FROM {table} WHERE workshop_id = ?", [later.id])[0] == 0, table
    logged = store.query("SELECT action, new_value FROM change_log WHERE workshop_id = ? ORDER BY id", [later.id])
    assert [a for a, _ in logged] == ["create", "follow_up"]
    assert json.loads(logged[1][1]) == {"follows_id": wid, "copied": {t: len(r) for t, r in copied.items()}}


def test_a_follow_up_of_a_missing_workshop_writes_nothing(source):
    before = counts(source.store)
    with pytest.raises(Exception) as missing:
        transfer.follow_up(source.store, "no-such-workshop", "X", "Анна")
    assert missing.value.key == "error.no_workshop"
    assert counts(source.store) == before
