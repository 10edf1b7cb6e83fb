"""The parking lot: questions and ideas that do not fit the block at hand, reviewed at the end of each day.

Anyone who may write in the room (`access.require_writer`: everyone, unless the facilitator made the room
read-only) adds an item and edits its text; the facilitator alone sets its status (open, answered, to the
roadmap, dropped) and answer (in a workshop without a PIN, such as the demo, anyone may, as everywhere). An
item goes to the trash (restorable) by its author or the facilitator. Items are
versioned records: a save from a stale read is refused with ConflictError carrying the item as it is now.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Callable

from cxcore import access, checks
from cxcore.errors import NotFound, ParkingError
from cxcore.journey_model import new_id
from cxcore.participants import name_key
from cxcore.store import Store

TABLE = "parking_items"
KINDS = ("question", "idea")
STATUSES = ("open", "answered", "to_roadmap", "dropped")
DAYS = (1, 2)
TEXT_MAX, ANSWER_MAX = 500, 2000
WRITER_FIELDS = ("text", "kind", "day")      # anyone who may write
FACILITATOR_FIELDS = ("status", "answer")    # the facilitator only


@dataclass(frozen=True)
class ParkingItem:
    id: str
    workshop_id: str
    kind: str
    text: str
    author: str
    day: int
    status: str
    answer: str
    version: int
    created_at: datetime


_COLUMNS = ", ".join(f.name for f in fields(ParkingItem))


def _from(record: dict[str, Any]) -> ParkingItem:
    return ParkingItem(**{f.name: record[f.name] for f in fields(ParkingItem)})


# -- checks ---------------------------------------------------------------------------------------------------
def _text(raw: Any, field: str) -> str:
    text = checks.text(raw, TEXT_MAX, required=True)
    if text is None:
        raise ParkingError("parking.error.bad_text", field=field, most=TEXT_MAX)
    return text


def _answer(raw: Any, field: str) -> str:
    text = checks.text(raw, ANSWER_MAX, required=False)
    if text is None:
        raise ParkingError("parking.error.bad_answer", field=field, most=ANSWER_MAX)
    return text


def _choice(options: tuple) -> Callable[[Any, str], Any]:
    def check(raw: Any, field: str) -> Any:
        if isinstance(raw, bool) or raw not in options:
            raise ParkingError("parking.error.bad_choice", field=field, value=str(raw),
                               allowed=", ".join(map(str, options)))
        return raw
    return check


CHECKS: dict[str, Callable[[Any, str], Any]] = {"text": _text, "answer": _answer, "kind": _choice(KINDS),
                                                "status": _choice(STATUSES), "day": _choice(DAYS)}


def check(name: str, raw: Any) -> Any:
    """One field's value as an item stores it (ParkingError naming the field if it breaks a rule): for forms."""
    return CHECKS[name](raw, name)


# -- reading --------------------------------------------------------------------------------------------------
def items(store: Store, workshop_id: str) -> list[ParkingItem]:
    """The live items: open ones first, then by day and the time they were parked."""
    rows = store.query_dicts(f"SELECT {_COLUMNS} FROM {TABLE} WHERE workshop_id = ? AND deleted_at IS NULL "
                             "ORDER BY status <> 'open', day, created_at, id", [workshop_id])
    return [_from(row) for row in rows]


def get(store: Store, item_id: str) -> ParkingItem | None:
    rows = store.query_dicts(f"SELECT {_COLUMNS} FROM {TABLE} WHERE id = ? AND deleted_at IS NULL", [item_id])
    return _from(rows[0]) if rows else None


def deleted(store: Store, workshop_id: str) -> list[ParkingItem]:
    """The items in the trash, latest deleted first."""
    rows = store.query_dicts(f"SELECT {_COLUMNS} FROM {TABLE} WHERE workshop_id = ? AND deleted_at IS NOT NULL "
                             "ORDER BY deleted_at DESC, id", [workshop_id])
    return [_from(row) for row in rows]


def stamp(store: Store, workshop_id: str) -> int:
    """A number that grows with every change to the workshop's parking lot: re-read `items` when it moved."""
    return store.query_one("SELECT coalesce(max(id), 0) FROM change_log WHERE workshop_id = ? AND entity = ?",
                           [workshop_id, TABLE])[0]


# -- writing --------------------------------------------------------------------------------------------------
def add(store: Store, workshop_id: str, actor: object, text: str, kind: str = "question", day: int = 1) -> ParkingItem:
    """Park a question or an idea; the author is the actor's name."""
    author = " ".join(str(actor or "").split())
    if not author:
        raise ParkingError("parking.error.no_author", field="author")
    values = {"text": check("text", text), "kind": check("kind", kind), "day": check("day", day)}
    access.require_writer(store, actor, workshop_id)
    item_id = new_id()
    row = {"id": item_id, "workshop_id": workshop_id, "author": author, **values}
    with store.write(str(actor)) as tx:
        if tx.one("SELECT 1 FROM workshops WHERE id = ? AND deleted_at IS NULL", [workshop_id]) is None:
            raise NotFound("error.no_workshop", name=workshop_id)
        tx.execute(f"INSERT INTO {TABLE} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                   list(row.values()))
        record = tx.record(TABLE, item_id)
        tx.log(TABLE, item_id, "create", workshop_id=workshop_id, version=1, new=record)
    return _from(record)


def update(store: Store, item: ParkingItem, actor: object, **changes: Any) -> ParkingItem:
    """Change an item read as `item`: text, kind, day by anyone who may write; status and answer by the
    facilitator only. ConflictError (with the item as it is now) if someone saved it since. Moving it
    `to_roadmap` adds a roadmap item of its text (owner, KPI and dates to fill in on the roadmap page)."""
    unknown = set(changes) - set(WRITER_FIELDS) - set(FACILITATOR_FIELDS)
    if unknown:
        raise ValueError(f"not editable on a parking item: {sorted(unknown)}")
    if set(changes) & set(FACILITATOR_FIELDS):
        access.require_facilitator(actor, item.workshop_id, store)
    access.require_writer(store, actor, item.workshop_id)
    values = {k: v for k, v in ((k, check(k, raw)) for k, raw in changes.items()) if getattr(item, k) != v}
    if not values:
        return item
    record = store.update_record(TABLE, item.id, item.version, values, str(actor), item.workshop_id)
    if values.get("status") == "to_roadmap":  # the parked idea becomes a roadmap item the room can complete
        from cxcore.roadmap_items import add_item

        add_item(store, item.workshop_id, str(actor), record["text"][:200])
    return _from(record)


def delete(store: Store, item: ParkingItem, actor: object) -> None:
    """Move an item to the trash: its author (while the room is not read-only) or the facilitator."""
    _require_owner(store, actor, item.workshop_id, item.author)
    store.delete_record(TABLE, item.id, item.version, str(actor), item.workshop_id)


def restore(store: Store, item_id: str, actor: object) -> ParkingItem:
    """Bring an item back from the trash: its author or the facilitator."""
    row = store.query_one(f"SELECT workshop_id, author FROM {TABLE} WHERE id = ?", [item_id])
    if row is None:
        raise NotFound("error.record_missing", what=item_id)
    _require_owner(store, actor, row[0], row[1])
    store.restore_record(TABLE, item_id, str(actor), row[0])
    return get(store, item_id)


def _require_owner(store: Store, actor: object, workshop_id: str, author: str) -> None:
    if access.is_facilitator(actor, workshop_id) or not access.has_pin(store, workshop_id):
        return  # the facilitator (anyone, in a workshop without a PIN, as access.require_facilitator has it)
    if name_key(str(actor or "")) != name_key(author) or not name_key(author):
        raise access.Forbidden("parking.error.not_author")
    access.require_writer(store, actor, workshop_id)
