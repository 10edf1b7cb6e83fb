"""Workshops: the unit every other record belongs to."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from cxcore import access
from cxcore.errors import NotFound
from cxcore.store import Store, Tx

LANGUAGES = ("ru", "en")
EDITABLE = ("name", "client", "industry", "held_on", "language", "facilitator")


@dataclass(frozen=True)
class Workshop:
    id: str
    name: str
    client: str
    industry: str
    held_on: date | None
    language: str
    facilitator: str
    version: int
    created_at: datetime
    follows_id: str | None = None  # the earlier workshop this one follows up

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "Workshop":
        return cls(**{f.name: record[f.name] for f in fields(cls)})


_COLUMNS = ", ".join(f.name for f in fields(Workshop))


def insert(tx: Tx, name: str, *, workshop_id: str | None = None, client: str = "", industry: str = "",
           held_on: date | None = None, language: str = "ru", facilitator: str = "") -> Workshop:
    """Create a workshop inside an open transaction (so a load can create its workshop atomically)."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}")
    workshop_id = workshop_id or secrets.token_urlsafe(16).replace("-", "x").replace("_", "y")
    tx.execute(
        """
        INSERT INTO workshops (id, name, client, industry, held_on, language, facilitator)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
        [workshop_id, name, client, industry, held_on, language, facilitator],
    )
    record = tx.record("workshops", workshop_id)
    tx.log("workshops", workshop_id, "create", workshop_id=workshop_id, version=1, new=record)
    return Workshop.from_record(record)


def create(store: Store, name: str, actor: str = "system", **details: Any) -> Workshop:
    with store.write(actor) as tx:
        return insert(tx, name, **details)


def get(store: Store, workshop_id: str) -> Workshop:
    rows = store.query_dicts(f"SELECT {_COLUMNS} FROM workshops WHERE id = ? AND deleted_at IS NULL",
                             [workshop_id])
    if not rows:
        raise NotFound("error.no_workshop", name=workshop_id)
    return Workshop.from_record(rows[0])


def find(store: Store, name: str) -> Workshop | None:
    """The live workshop with this name (or id), if there is one."""
    rows = store.query_dicts(
        f"""
        SELECT {_COLUMNS} FROM workshops
        WHERE (name = ? OR id = ?) AND deleted_at IS NULL
        ORDER BY name = ? DESC, created_at
        LIMIT 1
        """,
        [name, name, name],
    )
    return Workshop.from_record(rows[0]) if rows else None


def by_name(store: Store, name: str) -> Workshop:
    found = find(store, name)
    if found is None:
        raise NotFound("error.no_workshop", name=name)
    return found


def all_workshops(store: Store) -> list[Workshop]:
    rows = store.query_dicts(
        f"SELECT {_COLUMNS} FROM workshops WHERE deleted_at IS NULL ORDER BY held_on DESC NULLS LAST, name")
    return [Workshop.from_record(r) for r in rows]


def update(store: Store, workshop: Workshop, actor: str, **changes: Any) -> Workshop:
    """Change a workshop's details; refused with ConflictError if someone changed it since `workshop` was read."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    access.require_facilitator(actor, workshop.id, store)
    record = store.update_record("workshops", workshop.id, workshop.version, changes, actor, workshop.id)
    return Workshop.from_record(record)


def delete(store: Store, workshop: Workshop, actor: str) -> None:
    access.require_facilitator(actor, workshop.id, store)
    store.delete_record("workshops", workshop.id, workshop.version, actor, workshop.id)


def restore(store: Store, workshop_id: str, actor: str) -> None:
    """Undelete a workshop: its facilitator only (a proof issued before the delete, or the command line)."""
    row = store.query_one("SELECT pin_hash FROM workshops WHERE id = ?", [workshop_id])
    if row is not None and row[0] is not None and not access.is_facilitator(actor, workshop_id):
        raise access.Forbidden("error.facilitator_only")
    store.restore_record("workshops", workshop_id, actor, workshop_id)
