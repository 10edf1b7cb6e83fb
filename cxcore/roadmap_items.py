"""Roadmap items: made from a journey idea, a maturity gap, or typed by hand; versioned and change-logged like the
journey's cards (an update from a stale read is refused with ConflictError; a delete goes to the trash and can
be restored).

Order (`items`): quick wins, big bets, fill-ins, time sinks, then items without impact and effort; within each,
most dots first, then by title. An item's dots are those on its idea plus those on the barriers it fixes: a dot
on a barrier says "fix this", so it backs every item that fixes it.
"""
from __future__ import annotations

from typing import Any, Callable

from cxcore import access, votes
from cxcore.errors import NotFound, RoadmapError
from cxcore.journey_model import new_id
from cxcore.maturity import RoadmapCandidate
from cxcore.roadmap_model import (DEFAULT_HORIZON, ITEMS, QUADRANT_ORDER, RoadmapItem, check, checked, columns,
                                  from_record, quadrant_of)
from cxcore.store import Store, Tx

_COLUMNS = ", ".join(columns(RoadmapItem))
_CREATABLE = (*RoadmapItem.editable, "source", "idea_id", "candidate")

_IDEA_SQL = """
    SELECT i.workshop_id, i.text, i.impact, i.effort, b.id, b.departments, s.key, t.owner_department,
           s.owner_department
    FROM ideas i
    JOIN barriers b ON b.id = i.barrier_id
    JOIN touchpoints t ON t.id = b.touchpoint_id
    JOIN journey_stages s ON s.id = t.stage_id
    WHERE i.id = ? AND i.deleted_at IS NULL AND b.deleted_at IS NULL AND t.deleted_at IS NULL"""


# -- reading --------------------------------------------------------------------------------------------------
def items(store: Store, workshop_id: str, tally: dict[str, int] | None = None) -> list[RoadmapItem]:
    """The workshop's live items in roadmap order (see the module's docstring)."""
    rows = store.query_dicts(f"SELECT {_COLUMNS} FROM {ITEMS} WHERE workshop_id = ? AND deleted_at IS NULL",
                             [workshop_id])
    found = [from_record(RoadmapItem, row) for row in rows]
    dots = item_votes(found, votes.tally(store, workshop_id) if tally is None else tally)
    return sorted(found, key=lambda i: (QUADRANT_ORDER.get(i.quadrant, len(QUADRANT_ORDER)), -dots[i.id],
                                        i.title.casefold(), i.id))


def item_votes(found: list[RoadmapItem], tally: dict[str, int]) -> dict[str, int]:
    """Dots per item: on its idea plus on the barriers it fixes."""
    return {i.id: tally.get(i.idea_id, 0) + sum(tally.get(b, 0) for b in i.barrier_ids) for i in found}


def get_item(store: Store, item_id: str) -> RoadmapItem | None:
    """The item as stored now, or None if it does not exist or is deleted."""
    rows = store.query_dicts(f"SELECT {_COLUMNS} FROM {ITEMS} WHERE id = ? AND deleted_at IS NULL", [item_id])
    return from_record(RoadmapItem, rows[0]) if rows else None


def deleted_items(store: Store, workshop_id: str) -> list[RoadmapItem]:
    """The items in the trash, latest deleted first."""
    rows = store.query_dicts(f"SELECT {_COLUMNS} FROM {ITEMS} WHERE workshop_id = ? AND deleted_at IS NOT NULL "
                             "ORDER BY deleted_at DESC, id", [workshop_id])
    return [from_record(RoadmapItem, row) for row in rows]


# -- creating -------------------------------------------------------------------------------------------------
def add_item(store: Store, workshop_id: str, actor: str, title: str, **fields: Any) -> RoadmapItem:
    """A new item (source "manual" unless given). Fields: those of `RoadmapItem.editable`, and `source`, `idea_id`,
    `candidate`. Without a horizon it gets the one of its quadrant: a quick win a month, a fill-in a quarter,
    a big bet half a year, a time sink later (a quarter while impact or effort is unset)."""
    unknown = set(fields) - set(_CREATABLE)
    if unknown:
        raise ValueError(f"not a roadmap item field: {sorted(unknown)}")
    access.require_writer(store, actor, workshop_id)
    with store.write(actor) as tx:
        return _insert(tx, workshop_id, {"title": title, **fields})


def from_idea(store: Store, idea_id: str, actor: str) -> RoadmapItem:
    """The item made from a journey idea: its text as the title, its barrier and stage, its impact and effort,
    the barrier's (first) department. An idea already on the roadmap gives its live item back, so two people
    clicking at once make one item."""
    with store.write(actor) as tx:
        row = tx.one(_IDEA_SQL, [idea_id])
        if row is None:
            raise NotFound("error.record_missing", what=idea_id)
        workshop_id, text, impact, effort, barrier_id, departments, stage, tp_owner, stage_owner = row
        access.require_writer(store, actor, workshop_id)
        existing = tx.one(f"SELECT id FROM {ITEMS} WHERE idea_id = ? AND deleted_at IS NULL ORDER BY created_at "
                          "LIMIT 1", [idea_id])
        if existing:
            return from_record(RoadmapItem, tx.record(ITEMS, existing[0]))
        department = (departments or [None])[0] or tp_owner or stage_owner or ""
        return _insert(tx, workshop_id, {"title": text, "source": "idea", "idea_id": idea_id,
                                         "barrier_ids": [barrier_id], "stage": stage, "department": department,
                                         "impact": impact, "effort": effort})


def from_maturity(store: Store, workshop_id: str, candidate: RoadmapCandidate, actor: str) -> RoadmapItem:
    """The item made from a maturity gap (see `maturity.roadmap_candidates`): its text as the title, its owner if
    set. A candidate already on the roadmap gives its live item back."""
    key = f"{candidate.kind}:{candidate.key}"
    access.require_writer(store, actor, workshop_id)
    with store.write(actor) as tx:
        existing = tx.one(f"SELECT id FROM {ITEMS} WHERE workshop_id = ? AND candidate = ? AND deleted_at IS NULL "
                          "ORDER BY created_at LIMIT 1", [workshop_id, key])
        if existing:
            return from_record(RoadmapItem, tx.record(ITEMS, existing[0]))
        return _insert(tx, workshop_id, {"title": candidate.text, "source": "maturity", "candidate": key,
                                         "owner": candidate.owner})


def _insert(tx: Tx, workshop_id: str, raw: dict[str, Any]) -> RoadmapItem:
    links = {k: raw.pop(k) for k in ("idea_id", "candidate") if k in raw}
    values = checked({"source": "manual", **raw})
    if tx.one("SELECT 1 FROM workshops WHERE id = ? AND deleted_at IS NULL", [workshop_id]) is None:
        raise NotFound("error.no_workshop", name=workshop_id)
    _check_barriers(tx.execute, workshop_id, values.get("barrier_ids", []))
    if "horizon" not in values:
        values["horizon"] = DEFAULT_HORIZON[quadrant_of(values.get("impact"), values.get("effort"))]
    item_id = new_id()
    row = {"id": item_id, "workshop_id": workshop_id, "author": tx.actor, **links, **values}
    tx.execute(f"INSERT INTO {ITEMS} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
    record = tx.record(ITEMS, item_id)
    tx.log(ITEMS, item_id, "create", workshop_id=workshop_id, version=1, new=record)
    return from_record(RoadmapItem, record)


def _check_barriers(run: Callable[..., list[tuple]], workshop_id: str, barrier_ids: list[str]) -> None:
    """Every id is a live barrier of the workshop (`run`: Store.query or Tx.execute)."""
    for i, barrier_id in enumerate(barrier_ids):
        if not run("SELECT 1 FROM barriers WHERE id = ? AND workshop_id = ? AND deleted_at IS NULL",
                   [barrier_id, workshop_id]):
            raise RoadmapError("roadmap.unknown_barrier", field=f"barrier_ids[{i}]", id=barrier_id)


# -- editing --------------------------------------------------------------------------------------------------
def update_item(store: Store, item: RoadmapItem, actor: str, **changes: Any) -> RoadmapItem:
    """Change fields of an item read as `item` (names of `RoadmapItem.editable`); ConflictError, carrying the
    record as it is now, if someone saved it since. Returns the item as saved."""
    unknown = set(changes) - set(RoadmapItem.editable)
    if unknown:
        raise ValueError(f"not editable on a roadmap item: {sorted(unknown)}")
    values = {k: v for k, v in checked(changes).items() if _plain(getattr(item, k)) != v}
    if not values:
        return item
    access.require_writer(store, actor, item.workshop_id)
    if "barrier_ids" in values:
        _check_barriers(store.query, item.workshop_id, values["barrier_ids"])
    record = store.update_record(ITEMS, item.id, item.version, values, actor, item.workshop_id)
    return from_record(RoadmapItem, record)


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def delete_item(store: Store, item: RoadmapItem, actor: str) -> None:
    """Move an item to the trash; ConflictError if it changed since it was read."""
    access.require_writer(store, actor, item.workshop_id)
    store.delete_record(ITEMS, item.id, item.version, actor, item.workshop_id)


def restore_item(store: Store, item_id: str, actor: str) -> RoadmapItem:
    """Bring an item back from the trash."""
    row = store.query_one(f"SELECT workshop_id FROM {ITEMS} WHERE id = ?", [item_id])
    if row is None:
        raise NotFound("error.record_missing", what=item_id)
    access.require_writer(store, actor, row[0])
    store.restore_record(ITEMS, item_id, actor, row[0])
    return get_item(store, item_id)


def check_value(name: str, raw: Any) -> Any:
    """One field's value as an item stores it (RoadmapError naming the field if it breaks a rule): for forms."""
    return check(name, raw)
