"""The journey map of a workshop: one journey per target segment, eight fixed stages, and the cards the room
writes on them (touchpoints -> barriers -> ideas). Every card is versioned and change-logged by the store.

Pages poll `stamp` and re-read with `load` when it moves; edits go through `add_*`, `update`, `delete`,
`restore` and `undo_last`; `trash` and `history` read what was deleted and what changed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any, Callable

from cxcore import access
from cxcore import journey_check as check
from cxcore import journey_io
from cxcore.errors import ConflictError, NotFound
from cxcore.journey_io import Template, from_template, templates
from cxcore.journey_model import (BY_TABLE, KIND, TABLES, Barrier, Card, Idea, Journey, Stage, Touchpoint,
                                  columns, from_row, insert, insert_journey, new_id, read_tree)
from cxcore.store import Store, Tx, to_json

__all__ = ["Journey", "Stage", "Touchpoint", "Barrier", "Idea", "Change", "TrashItem", "Template", "stamp",
           "journeys", "load", "default_segment", "get", "ensure", "add_touchpoint", "add_barrier", "add_idea",
           "update", "delete", "restore", "trash", "history", "undo_last", "templates", "from_template"]

ENTITIES = (*TABLES, journey_io.ENTITY)  # what the change log calls journey changes
CARD_TABLES = tuple(cls.table for cls in KIND)
_UNDO_MARKS = ("undo", "undo_refused")  # log rows an undo writes; each one consumes one older change
_IN = ", ".join("?" * len(ENTITIES))
_TRASH_SQL = resources.files("cxcore").joinpath("journey_trash.sql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Change:
    """One row of the change log about a journey card (or a whole document)."""
    id: int
    changed_at: datetime
    actor: str
    entity: str
    entity_id: str
    action: str
    version: int | None
    old: dict[str, Any] | None
    new: dict[str, Any] | None

    @classmethod
    def from_row(cls, row: tuple) -> "Change":
        *head, old, new = row
        return cls(*head, json.loads(old) if old else None, json.loads(new) if new else None)


_CHANGE_SQL = f"""
    SELECT id, changed_at, actor, entity, entity_id, action, version, old_value, new_value
    FROM change_log WHERE entity IN ({_IN})"""


@dataclass(frozen=True)
class TrashItem:
    """A deleted card whose parents are live: restoring it brings it (and what hangs from it) back."""
    id: str
    kind: str  # touchpoint | barrier | idea
    segment: str
    stage: str
    label: str  # the touchpoint's name, the barrier's or idea's text
    deleted_at: datetime
    deleted_by: str | None
    version: int


# -- reading ------------------------------------------------------------------------------------------------
def stamp(store: Store, workshop_id: str) -> int:
    """A number that grows with every journey change of the workshop: re-read only when it moved."""
    return store.query_one(f"SELECT coalesce(max(id), 0) FROM change_log WHERE workshop_id = ? AND entity IN ({_IN})",
                           [workshop_id, *ENTITIES])[0]


def journeys(store: Store, workshop_id: str) -> tuple[Journey, ...]:
    """Every live journey of the workshop, whole (in segment order)."""
    return read_tree(store.query, workshop_id)


def load(store: Store, workshop_id: str, segment: str) -> Journey | None:
    """The segment's journey: stages in METHOD order, each with touchpoints -> barriers -> ideas."""
    return next((j for j in journeys(store, workshop_id) if j.segment == segment), None)


def default_segment(store: Store, workshop_id: str) -> str | None:
    """The segment chosen on the RFM page (None until one is)."""
    from cxcore import rfm_settings  # loads pandas: only when asked

    return rfm_settings.target_segment(store, workshop_id)


def get(store: Store, card_id: str) -> Card | None:
    """One card as stored now (without its children), or None if it does not exist or is deleted."""
    table = _table_of(store, card_id)
    if table is None:
        return None
    cls = BY_TABLE[table]
    row = store.query_one(f"SELECT {', '.join(columns(cls))} FROM {table} WHERE id = ? AND deleted_at IS NULL",
                          [card_id])
    return from_row(cls, row) if row else None


def _table_of(store: Store, card_id: str) -> str | None:
    union = " UNION ALL ".join(f"SELECT '{table}' FROM {table} WHERE id = $id" for table in CARD_TABLES)
    found = store.query_one(union, {"id": card_id})
    return found[0] if found else None


# -- editing ------------------------------------------------------------------------------------------------
def ensure(store: Store, workshop_id: str, segment: str, actor: str) -> Journey:
    """The segment's journey, created (eight empty stages, default owners) if the workshop has none yet."""
    segment = check.value("segment", segment)
    access.require_writer(store, actor, workshop_id)
    with store.write(actor) as tx:
        found = tx.one("SELECT id FROM journeys WHERE workshop_id = ? AND segment = ? AND deleted_at IS NULL",
                       [workshop_id, segment])
        if found is None:
            journey_id, _ = insert_journey(tx, workshop_id, segment)
            tx.log("journeys", journey_id, "create", workshop_id=workshop_id, version=1,
                   new=tx.record("journeys", journey_id))
    return load(store, workshop_id, segment)


def add_touchpoint(store: Store, stage: Stage, actor: str, name: str, channel: str = "",
                   owner_department: str | None = None) -> Touchpoint:
    """A touchpoint at the end of the stage; its owner defaults to the stage's."""
    owner = stage.owner_department if owner_department is None else owner_department
    return _add(store, Touchpoint, stage.id, actor, name=name, channel=channel, owner_department=owner)


def add_barrier(store: Store, touchpoint: Touchpoint, actor: str, text: str, expectations: list[str],
                severity: int = 3, evidence: str = "assumed", share: float | None = None,
                departments: list[str] | None = None, status: str = "open",
                then: Callable[[Tx, str], None] | None = None) -> Barrier:
    """A barrier (the customer's "BUT…") on the touchpoint; departments default to the touchpoint's owner.
    `then(tx, barrier id)` writes what belongs with it in the same transaction (the evidence of cxcore/voc.py)."""
    if departments is None:
        departments = [touchpoint.owner_department] if touchpoint.owner_department else []
    return _add(store, Barrier, touchpoint.id, actor, then, text=text, expectations=expectations,
                severity=severity, evidence=evidence, share=share, departments=departments, status=status)


def add_idea(store: Store, barrier: Barrier, actor: str, text: str, impact: int = 3, effort: int = 3) -> Idea:
    return _add(store, Idea, barrier.id, actor, text=text, impact=impact, effort=effort)


def _add(store: Store, cls: type, parent_id: str, actor: str, then: Callable[[Tx, str], None] | None = None,
         **raw: Any) -> Any:
    """Insert a card last among its siblings, under a live parent; logged as `create` at version 1."""
    values = check.values(raw)
    parent_table = _PARENT_OF[cls].table
    with store.write(actor) as tx:
        parent = tx.record(parent_table, parent_id)
        if parent is None or parent["deleted_at"] is not None:
            raise NotFound("error.record_missing", what=parent_id)
        access.require_writer(store, actor, parent["workshop_id"])
        position = tx.one(f"SELECT coalesce(max(position) + 1, 0) FROM {cls.table} WHERE {cls.parent} = ?",
                          [parent_id])[0]
        card_id = new_id()
        insert(tx, cls.table, {"id": card_id, "workshop_id": parent["workshop_id"], "journey_id": parent["journey_id"],
                               cls.parent: parent_id, "author": actor, "position": position, **values})
        record = tx.record(cls.table, card_id)
        tx.log(cls.table, card_id, "create", workshop_id=parent["workshop_id"], version=1, new=record)
        if then is not None:
            then(tx, card_id)
    return from_row(cls, record)


_PARENT_OF = {Touchpoint: Stage, Barrier: Touchpoint, Idea: Barrier}


def update(store: Store, card: Card, actor: str, **changes: Any) -> Card:
    """Change fields of a card read as `card` (names of its `editable`); ConflictError, carrying the record as it
    is now, if someone saved it since. Returns the card as saved (without its children)."""
    unknown = set(changes) - set(card.editable)
    if unknown:
        raise ValueError(f"not editable on a {KIND[type(card)]}: {sorted(unknown)}")
    values = {k: v for k, v in check.values(changes).items() if _plain(getattr(card, k)) != v}
    if not values:
        return card
    access.require_writer(store, actor, card.workshop_id)
    record = store.update_record(card.table, card.id, card.version, values, actor, card.workshop_id)
    return from_row(type(card), record)


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def delete(store: Store, card: Touchpoint | Barrier | Idea, actor: str) -> None:
    """Move a card (and what hangs from it) to the trash; ConflictError if it changed since it was read."""
    if isinstance(card, Stage):
        raise ValueError("the eight stages are fixed: a stage cannot be deleted")
    access.require_writer(store, actor, card.workshop_id)
    store.delete_record(card.table, card.id, card.version, actor, card.workshop_id)


def restore(store: Store, card_id: str, actor: str) -> None:
    """Bring a card back from the trash."""
    table = _table_of(store, card_id)
    if table is None:
        raise NotFound("error.record_missing", what=card_id)
    workshop_id = store.query_one(f"SELECT workshop_id FROM {table} WHERE id = ?", [card_id])[0]
    access.require_writer(store, actor, workshop_id)
    store.restore_record(table, card_id, actor, workshop_id)


# -- trash, history, undo -------------------------------------------------------------------------------------
def trash(store: Store, workshop_id: str) -> list[TrashItem]:
    """The deleted cards that can come back (their parents are live), newest deletion first."""
    rows = store.query(_TRASH_SQL, {"workshop": workshop_id})
    return [TrashItem(*row) for row in rows]


def history(store: Store, card_id: str) -> list[Change]:
    """What happened to a card, newest first: who, when, what (create, update, delete, restore, undo), old/new."""
    rows = store.query(f"{_CHANGE_SQL} AND entity_id = ? ORDER BY id DESC", [*ENTITIES, card_id])
    return [Change.from_row(row) for row in rows if row[3] != journey_io.ENTITY]


def undo_last(store: Store, workshop_id: str, actor: str) -> Change | None:
    """Revert the actor's latest journey change not yet undone (None if there is none): an update gets its old
    values back (a new version), a create is deleted, a delete restored, an import or template replaced by the
    document before it. Changes made before the workshop's latest import cannot be undone. If the card changed
    since (someone else edited it), ConflictError carrying the card as it is now; that change is then passed
    over, so the next undo reaches the one before."""
    access.require_writer(store, actor, workshop_id)
    entry = _last_undoable(store, workshop_id, actor)
    if entry is None:
        return None
    if entry.entity == journey_io.ENTITY:
        if not journey_io.undo_document(store, workshop_id, entry.old, entry.new, actor):
            _refuse(store, workshop_id, entry, actor, {})
        return entry
    current = store.query_dicts(f"SELECT * FROM {entry.entity} WHERE id = ?", [entry.entity_id])
    record = current[0] if current else {}
    live = bool(record) and record["deleted_at"] is None
    if entry.action == "update" and live and _reads(record, entry.new):
        store.update_record(entry.entity, entry.entity_id, record["version"], entry.old, actor, workshop_id, "undo")
    elif entry.action in ("create", "restore") and live:
        store.delete_record(entry.entity, entry.entity_id, record["version"], actor, workshop_id, "undo")
    elif entry.action == "delete" and record and not live:
        store.restore_record(entry.entity, entry.entity_id, actor, workshop_id, "undo")
    else:
        _refuse(store, workshop_id, entry, actor, record)
    return entry


def _reads(record: dict[str, Any], values: dict[str, Any]) -> bool:
    """The record still holds these (logged, JSON) values."""
    return json.loads(to_json({k: record[k] for k in values})) == values


def _refuse(store: Store, workshop_id: str, entry: Change, actor: str, record: dict[str, Any]) -> None:
    with store.write(actor) as tx:
        tx.log(entry.entity, entry.entity_id, "undo_refused", workshop_id=workshop_id,
               version=record.get("version"), new=record or None)
    raise ConflictError("journey.undo_conflict", current=record)


def _last_undoable(store: Store, workshop_id: str, actor: str) -> Change | None:
    """Walk the actor's changes newest first; each undo mark consumes the next older change."""
    rows = store.query(
        f"""{_CHANGE_SQL} AND workshop_id = ? AND actor = ?
              AND id >= (SELECT coalesce(max(id), 0) FROM change_log WHERE workshop_id = ? AND entity = ?)
            ORDER BY id DESC""",
        [*ENTITIES, workshop_id, actor, workshop_id, journey_io.ENTITY])
    pending = 0
    for row in rows:
        if row[5] in _UNDO_MARKS:
            pending += 1
        elif pending:
            pending -= 1
        else:
            return Change.from_row(row)
    return None
