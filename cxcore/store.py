"""The one seam to DuckDB: the database file, cursors, the serialised write path, versions, the change log."""
from __future__ import annotations

import json
import os
import re
import threading
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

import duckdb

from cxcore.errors import ConflictError, NotFound, StoreError

if TYPE_CHECKING:  # pandas costs ~0.7 s to import: only where a frame is really made
    import pandas as pd

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_PATH = PROJECT_DIR / "var" / "studio.duckdb"
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")

Params = Sequence[Any] | dict[str, Any] | None


def default_path() -> Path:
    """`CXSTUDIO_DB` if set, else `var/studio.duckdb` under the project."""
    return Path(os.environ.get("CXSTUDIO_DB") or DEFAULT_PATH)


def quote_ident(name: str) -> str:
    """Quote an identifier for SQL; the one place where a name is spliced into a statement."""
    return '"' + str(name).replace('"', '""') + '"'


def literal(value: str | list[str]) -> str:
    """A constant chosen by code (a regex, a date format; never user input) written as an SQL literal.

    DuckDB plans a constant pattern once; a bound one is compiled again for every row.
    """
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    return "'" + str(value).replace("'", "''") + "'"


def _code_ident(name: str) -> str:
    """An identifier that comes from code (table or column of ours), checked and quoted."""
    if not _IDENT.match(name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return quote_ident(name)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def to_json(record: dict[str, Any] | None) -> str | None:
    if record is None:
        return None
    return json.dumps({k: _jsonable(v) for k, v in record.items()}, ensure_ascii=False)


def _wrap(error: duckdb.Error) -> StoreError | ConflictError:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    if isinstance(error, duckdb.TransactionException) and "onflict" in text:
        return ConflictError("error.write_conflict", detail=text)
    return StoreError("error.store", detail=text)


class Tx:
    """One open transaction on its own cursor; statements are consumed at once (DuckDB 2 streams results)."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, actor: str) -> None:
        self.cursor = cursor
        self.actor = actor

    def execute(self, sql: str, params: Params = None) -> list[tuple]:
        try:
            cur = self.cursor.execute(sql, params) if params is not None else self.cursor.execute(sql)
            return cur.fetchall() if cur.description else []
        except duckdb.Error as error:
            raise _wrap(error) from None

    def script(self, sql: str) -> None:
        """Run the statements of a .sql text one by one (no values: schema and macros only)."""
        for statement in sql.split(";\n"):
            if any(line.strip() and not line.strip().startswith("--") for line in statement.splitlines()):
                self.execute(statement)

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """Make a DataFrame readable as a view by this transaction's statements."""
        self.cursor.register(name, frame)

    def progress(self) -> float:
        """Percent done of the statement running on this transaction's cursor (-1 when unknown)."""
        return self.cursor.query_progress()

    def one(self, sql: str, params: Params = None) -> tuple | None:
        rows = self.execute(sql, params)
        return rows[0] if rows else None

    def record(self, table: str, record_id: str) -> dict[str, Any] | None:
        cur = self.cursor.execute(f"SELECT * FROM {_code_ident(table)} WHERE id = ?", [record_id])
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row))

    def log(self, entity: str, entity_id: Any, action: str, *, workshop_id: str | None = None,
            version: int | None = None, old: dict | None = None, new: dict | None = None) -> None:
        self.execute(
            """
            INSERT INTO change_log (actor, workshop_id, entity, entity_id, action, version, old_value, new_value)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [self.actor, workshop_id, entity, str(entity_id), action, version, to_json(old), to_json(new)],
        )


class Store:
    """The database of every workshop. One per file per process; use `open_store`."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(path))
        except duckdb.Error as error:
            raise StoreError("error.store_open", path=str(path), detail=str(error).splitlines()[0]) from None
        self._write_lock = threading.Lock()
        self._key_locks: dict[str, threading.RLock] = {}
        self._migrate()
        self.discard_orphan_rows()

    # -- reading ---------------------------------------------------------------------------
    def _new_cursor(self, progress: bool = False) -> duckdb.DuckDBPyConnection:
        try:
            cur = self._con.cursor()
            if progress:  # a write may be a long load that reports its progress; never drawn (CLI stdout is JSON)
                cur.execute("SET enable_progress_bar = true")
                cur.execute("SET enable_progress_bar_print = false")
            return cur
        except duckdb.Error as error:  # e.g. the store was closed
            raise _wrap(error) from None

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A fresh cursor for one thread's work, closed afterwards."""
        cur = self._new_cursor()
        try:
            yield cur
        except duckdb.Error as error:
            raise _wrap(error) from None
        finally:
            cur.close()

    def query(self, sql: str, params: Params = None) -> list[tuple]:
        with self.cursor() as cur:
            return cur.execute(sql, params).fetchall() if params is not None else cur.execute(sql).fetchall()

    def query_one(self, sql: str, params: Params = None) -> tuple | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def query_df(self, sql: str, params: Params = None) -> pd.DataFrame:
        with self.cursor() as cur:
            return cur.execute(sql, params).df() if params is not None else cur.execute(sql).df()

    def query_dicts(self, sql: str, params: Params = None) -> list[dict[str, Any]]:
        with self.cursor() as cur:
            res = cur.execute(sql, params) if params is not None else cur.execute(sql)
            names = [d[0] for d in res.description]
            return [dict(zip(names, row)) for row in res.fetchall()]

    # -- writing ---------------------------------------------------------------------------
    @contextmanager
    def write(self, actor: str) -> Iterator[Tx]:
        """The write path: a process-wide lock around one short transaction; durable on return."""
        with self._write_lock, self._transaction(actor) as tx:
            yield tx

    @contextmanager
    def bulk_write(self, key: str, actor: str) -> Iterator[Tx]:
        """A long transaction (a base load) on rows no other writer touches; serialised per key only."""
        with self.exclusive(key), self._transaction(actor) as tx:
            yield tx

    def exclusive(self, key: str) -> threading.RLock:
        """The lock that serialises the bulk writes of one key (held across several transactions)."""
        with _registry_lock:
            return self._key_locks.setdefault(key, threading.RLock())

    def discard_orphan_rows(self, base_id: int | None = None) -> None:
        """Drop base rows that no base points to: those of a failed load (`base_id`), or, when the store
        opens and no load can be running, all that a killed process left behind."""
        which = "base_id = ?" if base_id is not None else "TRUE"
        with self.write("store") as tx:
            for table in ("base_rows", "base_rejects"):
                tx.execute(f"DELETE FROM {table} WHERE {which} AND base_id NOT IN (SELECT id FROM bases)",
                           [base_id] if base_id is not None else None)

    @contextmanager
    def _transaction(self, actor: str) -> Iterator[Tx]:
        cur = self._new_cursor(progress=True)
        try:
            cur.execute("BEGIN TRANSACTION")
            yield Tx(cur, actor)
            cur.execute("COMMIT")
        except BaseException as error:
            try:
                cur.execute("ROLLBACK")
            except duckdb.Error:
                pass
            if isinstance(error, duckdb.Error):
                raise _wrap(error) from None
            raise
        finally:
            cur.close()

    def create_record(self, table: str, row: dict[str, Any], actor: str) -> dict[str, Any]:
        """The first save of a record whose id is known in advance (a workshop's settings, a segment's policy or
        persona): inserted at version 1 and logged, unless someone created it meanwhile — then ConflictError with
        the record as it is, as a save of a stale version gets."""
        with self.write(actor) as tx:
            existing = tx.record(table, row["id"])
            if existing is not None:
                raise ConflictError("error.stale_version", current=existing, version=0,
                                    current_version=existing["version"])
            tx.execute(f"INSERT INTO {_code_ident(table)} ({', '.join(_code_ident(c) for c in row)}) "
                       f"VALUES ({', '.join('?' * len(row))})", list(row.values()))
            record = tx.record(table, row["id"])
            tx.log(table, row["id"], "create", workshop_id=row.get("workshop_id"), version=1, new=record)
        return record

    def update_record(self, table: str, record_id: str, expected_version: int, changes: dict[str, Any],
                      actor: str, workshop_id: str | None = None, action: str = "update") -> dict[str, Any]:
        """Apply `changes` if the record is still at `expected_version`; else ConflictError with the current record.

        `action` names the change in the log (an undo logs "undo")."""
        sets = ", ".join(f"{_code_ident(col)} = ?" for col in changes)
        with self.write(actor) as tx:
            old = self._live_record(tx, table, record_id)
            if old["version"] != expected_version:
                raise ConflictError("error.stale_version", current=old,
                                    version=expected_version, current_version=old["version"])
            tx.execute(
                f"UPDATE {_code_ident(table)} SET {sets}, version = version + 1, "
                f"updated_at = current_localtimestamp() WHERE id = ?",
                [*changes.values(), record_id],
            )
            new = tx.record(table, record_id)
            tx.log(table, record_id, action, workshop_id=workshop_id, version=new["version"],
                   old={k: old[k] for k in changes}, new={k: new[k] for k in changes})
            return new

    def delete_record(self, table: str, record_id: str, expected_version: int, actor: str,
                      workshop_id: str | None = None, action: str = "delete") -> None:
        """Soft delete: the record is marked deleted (restorable), never removed."""
        with self.write(actor) as tx:
            old = self._live_record(tx, table, record_id)
            if old["version"] != expected_version:
                raise ConflictError("error.stale_version", current=old,
                                    version=expected_version, current_version=old["version"])
            tx.execute(f"UPDATE {_code_ident(table)} SET deleted_at = current_localtimestamp(), "
                       "version = version + 1, updated_at = current_localtimestamp() WHERE id = ?", [record_id])
            new = tx.record(table, record_id)
            tx.log(table, record_id, action, workshop_id=workshop_id, version=new["version"], old=old, new=new)

    def restore_record(self, table: str, record_id: str, actor: str, workshop_id: str | None = None,
                       action: str = "restore") -> None:
        with self.write(actor) as tx:
            old = tx.record(table, record_id)
            if old is None or old["deleted_at"] is None:
                raise NotFound("error.not_deleted", what=record_id)
            tx.execute(f"UPDATE {_code_ident(table)} SET deleted_at = NULL, version = version + 1, "
                       "updated_at = current_localtimestamp() WHERE id = ?", [record_id])
            new = tx.record(table, record_id)
            tx.log(table, record_id, action, workshop_id=workshop_id, version=new["version"], old=old, new=new)

    def purge_workshop(self, tx: Tx, workshop_id: str) -> None:
        """Remove a workshop and everything it owns for good (used only to recreate the demo)."""
        base_ids = "SELECT id FROM bases WHERE workshop_id = ?"
        tx.execute(f"DELETE FROM base_rows WHERE base_id IN ({base_ids})", [workshop_id])
        tx.execute(f"DELETE FROM base_rejects WHERE base_id IN ({base_ids})", [workshop_id])
        owned = tx.execute("""
            SELECT table_name FROM information_schema.columns
            WHERE column_name = 'workshop_id' AND table_schema = 'main' AND table_name <> 'change_log'
            ORDER BY table_name""")
        for (table,) in owned:
            tx.execute(f"DELETE FROM {_code_ident(table)} WHERE workshop_id = ?", [workshop_id])
        tx.execute("DELETE FROM workshops WHERE id = ?", [workshop_id])
        tx.log("workshops", workshop_id, "purge", workshop_id=workshop_id)

    @staticmethod
    def _live_record(tx: Tx, table: str, record_id: str) -> dict[str, Any]:
        record = tx.record(table, record_id)
        if record is None or record.get("deleted_at") is not None:
            raise NotFound("error.record_missing", what=record_id)
        return record

    # -- schema ----------------------------------------------------------------------------
    def _migrate(self) -> None:
        with self.write("migrations") as tx:
            tx.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    INTEGER PRIMARY KEY,
                    name       VARCHAR NOT NULL,
                    applied_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
                )""")
            done = {row[0] for row in tx.execute("SELECT version FROM schema_migrations")}
            for version, name, sql in migrations():
                if version not in done:
                    tx.script(sql)
                    tx.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])

    def schema_version(self) -> int:
        return self.query_one("SELECT max(version) FROM schema_migrations")[0] or 0

    def close(self) -> None:
        with _registry_lock:  # by identity: the path may resolve elsewhere now if it was relative
            for key in [k for k, store in _registry.items() if store is self]:
                del _registry[key]
        self._con.close()


def migrations() -> list[tuple[int, str, str]]:
    """The numbered migrations shipped in cxcore/migrations, in order."""
    found = []
    for entry in resources.files("cxcore.migrations").iterdir():
        match = re.match(r"^(\d+)_(.+)\.sql$", entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)


_registry: dict[str, Store] = {}
_registry_lock = threading.Lock()


def _key(path: Path) -> str:
    return str(path.resolve())


def open_store(path: Path | str | None = None) -> Store:
    """The process's one Store for a database file (created and migrated on first use)."""
    path = Path(path) if path is not None else default_path()
    key = _key(path)
    with _registry_lock:
        store = _registry.get(key)
        if store is None:
            store = _registry[key] = Store(path)
        return store


def inspect_file(sql: str, params: Params = None) -> tuple[list[str], list[tuple]]:
    """Run a read-only query over a file (not the database) in a throwaway DuckDB: column names and rows."""
    con = duckdb.connect(":memory:")
    try:
        res = con.execute(sql, params)
        return [d[0] for d in res.description], res.fetchall()
    except duckdb.Error as error:
        raise StoreError("error.store", detail=str(error).splitlines()[0]) from None
    finally:
        con.close()
