"""A workshop as one backup file, its restore as a new workshop, and the follow-up workshop six months later.

The backup is a ZIP: `manifest.json` (format, versions, the workshop, rows and sha256 of every member) and one
Parquet file per table, written by DuckDB itself (a base of tens of millions of rows never passes through
Python). A restore checks the whole file before it writes anything, then writes in one transaction. The
follow-up (`cxcore/transfer_follow_up.py`) copies an earlier workshop's journeys, RFM settings and roadmap.
"""
from __future__ import annotations

import hashlib
import json
import re
import secrets
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cxcore import workshop
from cxcore.errors import BackupError, StoreError
from cxcore.journey_model import new_id
from cxcore.store import Store, Tx, quote_ident
from cxcore.workshop import Workshop

FORMAT = "cx-journey-studio/backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1 << 20

# Every table a backup holds -> its columns that hold ids of the workshop's own records. When a restore must
# take new ids (restoring a copy into the database it came from), one map renames them all: a list column
# (barrier_ids) element by element; a value the map does not know stays (follows_id, record_origins.origin_id:
# ids of another workshop). Besides: `workshop_id` is set on every table that has it, bases always get new ids
# from base_seq (base_rows and base_rejects follow), change_log rows new ids. A table with a workshop_id column
# must be here or in NOT_BACKED_UP (tests/test_transfer.py checks it).
REFERENCES: dict[str, tuple[str, ...]] = {
    "workshops": ("id",),
    "bases": (),
    "base_rows": (),
    "base_rejects": (),
    "rfm_settings": ("id",),
    "journeys": ("id",),
    "journey_stages": ("id", "journey_id"),
    "touchpoints": ("id", "journey_id", "stage_id"),
    "barriers": ("id", "journey_id", "touchpoint_id"),
    "ideas": ("id", "journey_id", "barrier_id"),
    "maturity_respondents": ("id",),
    "maturity_ratings": ("id", "respondent_id"),
    "roadmap_items": ("id", "idea_id", "barrier_ids"),
    "roadmap_kpi_actuals": ("id", "item_id"),
    "roadmap_votes": ("id",),
    "roadmap_dots": ("id", "target_id"),
    "business_case_assumptions": ("id",),
    "contact_policies": ("id",),
    "participants": ("id",),
    "rooms": ("id", "current_block_id"),
    "agenda_blocks": ("id",),
    "parking_items": ("id",),
    "record_origins": ("id",),
    "feedback_loads": ("id",),
    "feedback": ("load_id",),
    "feedback_rejects": ("load_id",),
    "feedback_corrections": ("id",),
    "voc_words": ("id",),
    "barrier_voc": ("barrier_id",),
    "personas": ("id",),
    "personalisation_actions": ("id",),
    "change_log": ("entity_id",),
}
NOT_BACKED_UP = ("pin_attempts",)  # a restored workshop starts without failed PIN attempts
# The tables whose `id` names their own rows (record_origins.id names a copied row of another table).
KEYED = tuple(t for t, refs in REFERENCES.items() if "id" in refs and t != "record_origins")
_BASE_ROWS = "base_id IN (SELECT id FROM bases WHERE workshop_id = $w)"
_ROWS_OF = {"workshops": "id = $w", "base_rows": _BASE_ROWS, "base_rejects": _BASE_ROWS}
_SPECIAL = ("workshops", "bases", "base_rows", "base_rejects", "change_log")  # written by their own steps
_PARAM = re.compile(r"\$(\w+)")
SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_LOG_COLUMNS = ("changed_at", "actor", "entity", "entity_id", "action", "version", "old_value", "new_value")
_JSON_REFS = {"workshop_id", *(c for t, refs in REFERENCES.items() if t != "change_log" for c in refs)}


@dataclass(frozen=True)
class BackupSummary:
    workshop_id: str
    workshop: str
    path: Path
    tables: dict[str, int]  # rows per table
    bytes: int

    def to_json(self) -> dict[str, Any]:
        return {"workshop": self.workshop, "out": str(self.path), "tables": self.tables,
                "rows": sum(self.tables.values()), "bytes": self.bytes}


def new_workshop_id() -> str:
    """A workshop id nobody can guess from another: 128 random bits (it is the workshop's link)."""
    return secrets.token_urlsafe(16).replace("-", "x").replace("_", "y")


# -- copying rows with their ids remapped (the restore and the follow-up) --------------------------------------
def columns(tx: Tx, table: str) -> dict[str, str]:
    """The table's columns and their types, in order."""
    return dict(tx.execute("""
        SELECT column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position""", [table]))


def copy_rows(tx: Tx, table: str, cols: dict[str, str], source: str, params: dict[str, Any],
              remap: dict[str, str], fixed: dict[str, str], keep_unmapped: bool = True) -> int:
    """INSERT the rows of `source` (aliased src) into `table`: `fixed` columns take their SQL expression, the
    REFERENCES columns go through `remap` (an id it lacks is kept, or with `keep_unmapped=False` becomes NULL and
    leaves a list), the rest is copied. Returns the rows inserted."""
    refs = REFERENCES[table]

    def value(col: str, kind: str) -> str:
        if col in fixed:
            return fixed[col]
        src = f"src.{quote_ident(col)}"
        if col not in refs:
            return src
        if kind.endswith("[]"):
            listed = f"list_transform({src}, lambda x: {'coalesce(r.m[x], x)' if keep_unmapped else 'r.m[x]'})"
            return listed if keep_unmapped else f"list_filter({listed}, lambda x: x IS NOT NULL)"
        return f"coalesce(r.m[{src}], {src})" if keep_unmapped else f"r.m[{src}]"

    names = ", ".join(quote_ident(c) for c in cols)
    values = ", ".join(value(c, kind) for c, kind in cols.items())
    sql = (f"INSERT INTO {quote_ident(table)} ({names}) SELECT {values} "
           f"FROM {source}, (SELECT map($old::VARCHAR[], $new::VARCHAR[]) AS m) AS r")
    given = {**params, "old": list(remap), "new": list(remap.values())}
    return tx.execute(sql, {k: v for k, v in given.items() if k in set(_PARAM.findall(sql))})[0][0]


# -- backup ---------------------------------------------------------------------------------------------------------
def backup(store: Store, workshop_id: str, path: Path | str) -> BackupSummary:
    """Write the whole workshop (base, settings, journeys, votes, ratings, roadmap, room, history) to one file;
    every table is read from one snapshot. The file is written aside, then renamed."""
    found = workshop.get(store, workshop_id)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    members: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".backup-") as folder:
        with store.cursor() as cur:
            cur.execute("BEGIN TRANSACTION").fetchall()
            for table in REFERENCES:
                file = Path(folder) / f"{table}.parquet"
                order = " ORDER BY id" if table == "change_log" else ""
                rows = cur.execute(
                    f"COPY (SELECT * FROM {quote_ident(table)} WHERE {_ROWS_OF.get(table, 'workshop_id = $w')}"
                    f"{order}) TO $file (FORMAT parquet, COMPRESSION zstd)",
                    {"w": workshop_id, "file": str(file)}).fetchall()[0][0]
                members[file.name] = {"table": table, "rows": rows, "sha256": _sha256(file)}
            cur.execute("COMMIT").fetchall()
        manifest = {
            "format": FORMAT, "version": FORMAT_VERSION, "schema_version": store.schema_version(),
            "created_at": datetime.now().replace(microsecond=0).isoformat(),
            "workshop": {"id": found.id, "name": found.name, "client": found.client}, "members": members,
        }
        partial = path.with_name(path.name + ".partial")
        try:
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as package:  # Parquet is compressed already
                package.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1),
                                 compress_type=zipfile.ZIP_DEFLATED)
                for name in members:
                    package.write(Path(folder) / name, name)
            partial.replace(path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupSummary(found.id, found.name, path, {m["table"]: m["rows"] for m in members.values()},
                         path.stat().st_size)


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


# -- restore: every check first ---------------------------------------------------------------------------------
def restore(store: Store, path: Path | str, as_name: str | None = None, actor: str = "restore") -> Workshop:
    """Restore a backup as a new workshop of this database, named `as_name` or as the original."""
    return restore_counted(store, path, as_name, actor)[0]


def restore_counted(store: Store, path: Path | str, as_name: str | None = None,
                    actor: str = "restore") -> tuple[Workshop, dict[str, int]]:
    """`restore`, with the rows restored per table. Original ids are kept unless one of them exists in this
    database already; then every id is new (a copy beside its original). Any failure writes nothing."""
    path = Path(path)
    if not path.is_file():
        raise BackupError("ingest.no_file", path=str(path))
    with tempfile.TemporaryDirectory(prefix="cx-restore-") as folder:
        manifest = _unpack(store, path, Path(folder))
        wanted = _check_columns(store, path, manifest, Path(folder))
        name = (as_name or "").strip() or manifest["workshop"]["name"]
        try:
            with store.bulk_write("restore", str(actor)) as tx:
                restored_id, counts = _write(tx, Path(folder), manifest, wanted, name, path.name)
        except StoreError as error:
            raise BackupError("backup.failed", path=path.name, detail=error.params.get("detail", str(error))) \
                from None
    return workshop.get(store, restored_id), counts


def _unpack(store: Store, path: Path, folder: Path) -> dict[str, Any]:
    """Read and check the manifest, extract every member into `folder` checking its sha256."""
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            if MANIFEST not in names:
                raise BackupError("backup.unreadable", path=path.name, detail=f"no {MANIFEST} in the ZIP file")
            manifest = _check_manifest(store, path, package.read(MANIFEST))
            for member, meta in manifest["members"].items():
                if member not in names:
                    raise BackupError("backup.damaged", path=path.name, detail=f"{member} is missing")
                digest = hashlib.sha256()
                with package.open(member) as src, (folder / member).open("wb") as dst:
                    for chunk in iter(lambda: src.read(CHUNK), b""):
                        digest.update(chunk)
                        dst.write(chunk)
                if digest.hexdigest() != meta["sha256"]:
                    raise BackupError("backup.damaged", path=path.name, detail=f"{member} does not match its sha256")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError) as error:
        raise BackupError("backup.unreadable", path=path.name, detail=f"not a readable ZIP file ({error})") from None
    except OSError as error:
        raise BackupError("backup.unreadable", path=path.name, detail=error.strerror or str(error)) from None
    return manifest


def _check_manifest(store: Store, path: Path, raw: bytes) -> dict[str, Any]:
    def bad(detail: str) -> BackupError:
        return BackupError("backup.unreadable", path=path.name, detail=detail)

    try:
        manifest = json.loads(raw.decode("utf-8"))
    except ValueError:
        raise bad(f"{MANIFEST} is not JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise bad(f"{MANIFEST} is not of the format {FORMAT}")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError("backup.version", path=path.name, found=manifest.get("version"), ours=FORMAT_VERSION)
    schema, ours = manifest.get("schema_version"), store.schema_version()
    if not isinstance(schema, int) or schema > ours:
        raise BackupError("backup.newer", path=path.name, found=schema, ours=ours)
    about, members = manifest.get("workshop"), manifest.get("members")
    if not (isinstance(about, dict) and isinstance(about.get("id"), str) and isinstance(about.get("name"), str)):
        raise bad(f"{MANIFEST} does not name the workshop")
    if not isinstance(members, dict):
        raise bad(f"{MANIFEST} lists no tables")
    for member, meta in members.items():
        if not (isinstance(meta, dict) and meta.get("table") in REFERENCES and member == f"{meta['table']}.parquet"
                and isinstance(meta.get("rows"), int) and isinstance(meta.get("sha256"), str)):
            raise bad(f"{MANIFEST}: unknown member {member}")
    tables = {meta["table"] for meta in members.values()}
    missing = (set(REFERENCES) if schema == ours else {"workshops"}) - tables
    if missing:
        raise BackupError("backup.damaged", path=path.name, detail=f"no table {', '.join(sorted(missing))}")
    return manifest


def _check_columns(store: Store, path: Path, manifest: dict[str, Any], folder: Path) -> dict[str, list[str]]:
    """Each member's rows and columns: every column is one of the table's (all of them when the backup is of
    this schema). Returns table -> the columns to restore."""
    same_schema = manifest["schema_version"] == store.schema_version()
    wanted = {}
    for member, meta in manifest["members"].items():
        table, file = meta["table"], str(folder / member)
        try:
            found = [row[0] for row in store.query("DESCRIBE SELECT * FROM read_parquet($f)", {"f": file})]
            rows = store.query_one("SELECT count(*) FROM read_parquet($f)", {"f": file})[0]
        except StoreError as error:
            raise BackupError("backup.damaged", path=path.name, detail=f"{member}: {error.params.get('detail')}") \
                from None
        ours = [row[0] for row in store.query("""
            SELECT column_name FROM information_schema.columns
            WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position""", [table])]
        unknown = [c for c in found if c not in ours] + ([c for c in ours if c not in found] if same_schema else [])
        if unknown:
            raise BackupError("backup.columns", path=path.name, table=table, columns=", ".join(unknown))
        if rows != meta["rows"]:
            raise BackupError("backup.damaged", path=path.name,
                              detail=f"{member} holds {rows} rows, not {meta['rows']}")
        wanted[table] = found
    if manifest["members"]["workshops.parquet"]["rows"] != 1:
        raise BackupError("backup.damaged", path=path.name, detail="workshops.parquet does not hold one workshop")
    return wanted


# -- restore: the writing ---------------------------------------------------------------------------------------
def _write(tx: Tx, folder: Path, manifest: dict[str, Any], wanted: dict[str, list[str]], name: str,
           file_name: str) -> tuple[str, dict[str, int]]:
    """Everything in the open transaction; returns the new workshop's id and the rows per table."""
    if tx.one("SELECT 1 FROM workshops WHERE name = ? AND deleted_at IS NULL", [name]):
        raise BackupError("backup.name_taken", name=name)
    source = {table: {"path": str(folder / f"{table}.parquet")} for table in wanted}
    old_wid = manifest["workshop"]["id"]
    stored = [row[0] for row in tx.execute("SELECT id FROM read_parquet($path)", source["workshops"])]
    if stored != [old_wid] or not SAFE_ID.fullmatch(str(old_wid)):  # ids end up in links and cookies: plain only
        raise BackupError("backup.damaged", path=file_name, detail=f"workshop id {str(old_wid)[:40]!r}")
    taken = any(tx.one(f"SELECT count(*) FROM {quote_ident(t)} WHERE id IN (SELECT id FROM read_parquet($path))",
                       source[t])[0] for t in KEYED if t in wanted)
    wid = new_workshop_id() if taken else old_wid
    remap: dict[str, str] = {}
    if taken:
        for table in (t for t in KEYED if t in wanted):
            for (old,) in tx.execute("SELECT id FROM read_parquet($path)", source[table]):
                remap[old] = _new_key(old, old_wid, wid)
    bound = {"wid": wid}
    counts = {"workshops": copy_rows(tx, "workshops", _cols(tx, "workshops", wanted), "read_parquet($path) AS src",
                                     {**source["workshops"], **bound, "name": name}, remap,
                                     {"id": "$wid", "name": "$name"})}
    bases = _restore_bases(tx, wanted, source, bound, counts)
    for table in (t for t in REFERENCES if t in wanted and t not in _SPECIAL):
        counts[table] = copy_rows(tx, table, _cols(tx, table, wanted), "read_parquet($path) AS src",
                                  {**source[table], **bound}, remap, {"workshop_id": "$wid"})
    if "change_log" in wanted:
        counts["change_log"] = _restore_log(tx, source["change_log"], wid, remap, bases)
    tx.log("workshops", wid, "restore", workshop_id=wid, version=None,
           new={"file": file_name, "origin_id": old_wid, "rows": sum(counts.values())})
    return wid, counts


def _cols(tx: Tx, table: str, wanted: dict[str, list[str]]) -> dict[str, str]:
    return {c: kind for c, kind in columns(tx, table).items() if c in wanted[table]}


def _new_key(old: str, old_wid: str, wid: str) -> str:
    """The new id of a record: the workshop's own id where it is the workshop's (rfm_settings, rooms…), the
    derived ones (`<workshop id>/<segment>`) follow it, every other id is new."""
    if old == old_wid:
        return wid
    if old.startswith(old_wid + "/"):
        return wid + old[len(old_wid):]
    return new_id()


def _restore_bases(tx: Tx, wanted: dict[str, list[str]], source: dict[str, dict[str, str]],
                   bound: dict[str, str], counts: dict[str, int]) -> dict[int, int]:
    """Every base under a new id from base_seq, its rows and rejects with it (SQL only, whatever its size)."""
    if "bases" not in wanted:
        return {}
    olds = [row[0] for row in tx.execute("SELECT id FROM read_parquet($path) ORDER BY id", source["bases"])]
    bases = {old: tx.one("SELECT nextval('base_seq')")[0] for old in olds}
    for table, key in (("bases", "id"), ("base_rows", "base_id"), ("base_rejects", "base_id")):
        counts[table] = 0
        if table not in wanted:
            continue
        cols = _cols(tx, table, wanted)
        for old, new in bases.items():
            counts[table] += copy_rows(
                tx, table, cols, f"(SELECT * FROM read_parquet($path) WHERE {key} = $base_old) AS src",
                {**source[table], **bound, "base_old": old, "base": new}, {}, {"workshop_id": "$wid", key: "$base"})
    return bases


def _restore_log(tx: Tx, source: dict[str, str], wid: str, remap: dict[str, str], bases: dict[int, int]) -> int:
    """The workshop's history under new change_log ids, in its order; ids in it (entity_id, and the id columns
    of the logged old and new values) renamed like the rows."""
    rows = tx.execute(f"SELECT {', '.join(_LOG_COLUMNS)} FROM read_parquet($path) ORDER BY id", source)
    if not rows:
        return 0
    based = {str(old): str(new) for old, new in bases.items()}
    values = {c: [row[i] for row in rows] for i, c in enumerate(_LOG_COLUMNS)}
    values["entity_id"] = [based.get(v, v) if entity == "bases" else remap.get(v, v)
                           for entity, v in zip(values["entity"], values["entity_id"])]
    if remap:
        for c in ("old_value", "new_value"):
            values[c] = [_remap_json(v, remap) for v in values[c]]
    ids = sorted(row[0] for row in tx.execute("SELECT nextval('change_log_seq') FROM range($n)", {"n": len(rows)}))
    tx.execute("""
        INSERT INTO change_log (id, changed_at, actor, workshop_id, entity, entity_id, action, version, old_value,
                                new_value)
        SELECT unnest($id::BIGINT[]), unnest($changed_at::TIMESTAMP[]), unnest($actor::VARCHAR[]), $wid,
               unnest($entity::VARCHAR[]), unnest($entity_id::VARCHAR[]), unnest($action::VARCHAR[]),
               unnest($version::INTEGER[]), unnest($old_value::VARCHAR[])::JSON, unnest($new_value::VARCHAR[])::JSON
        """, {**values, "id": ids, "wid": wid})
    return len(rows)


def _remap_json(text: str | None, remap: dict[str, str]) -> str | None:
    """A logged record with its id columns renamed (other values, typed by people, are left alone)."""
    value = json.loads(text) if text else None
    if not isinstance(value, dict):
        return text

    def renamed(item: Any) -> Any:
        if isinstance(item, list):
            return [renamed(x) for x in item]
        return remap.get(item, item) if isinstance(item, str) else item

    return json.dumps({k: renamed(v) if k in _JSON_REFS else v for k, v in value.items()}, ensure_ascii=False)


from cxcore.transfer_follow_up import FOLLOW_UP, follow_up  # noqa: E402  (it builds on copy_rows above)

__all__ = ["FORMAT", "FORMAT_VERSION", "REFERENCES", "NOT_BACKED_UP", "FOLLOW_UP", "BackupSummary", "backup",
           "restore", "restore_counted", "follow_up", "copy_rows", "columns", "new_workshop_id"]
