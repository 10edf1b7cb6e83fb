"""The room's shared state: read-only, projector view, "follow me" focus, the countdown timer, the started block.

One row per workshop in `rooms` (id = the workshop's id), made on the first change; a workshop whose room was
never touched reads the defaults with version 0. Only the facilitator switches anything (`access`; in a workshop
without a PIN, such as the demo, anyone may, as everywhere in the product). Every change reads the row, changes
some columns and writes it back inside one `store.write` transaction (the store's one write lock), so two quick
switches never undo each other; each bumps `version` and is logged with its old and new values. Browsers poll
`stamp` (the version) and re-read the room only when it moved.

Times are UTC without a time zone (as `access` keeps them): `timer_ends_at` is when the countdown reaches zero.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields
from datetime import datetime, timedelta, timezone
from typing import Any

from cxcore import access
from cxcore.errors import NotFound, RoomError
from cxcore.method import STAGES
from cxcore.store import Store, Tx

TABLE = "rooms"
TIMER_MIN, TIMER_MAX = 0.5, 180.0  # minutes
LABEL_MAX = 100
_PAGE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class Room:
    workshop_id: str
    read_only: bool = False
    projector: bool = False
    focus_page: str | None = None
    focus_stage: str | None = None
    focus_seq: int = 0
    timer_ends_at: datetime | None = None  # UTC, naive
    timer_minutes: float | None = None
    timer_label: str = ""
    current_block_id: str | None = None
    version: int = 0  # 0: never changed

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "Room":
        return cls(**{f.name: record[f.name] for f in fields(cls)})


_COLUMNS = ", ".join(f.name for f in fields(Room))


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


# -- reading --------------------------------------------------------------------------------------------------
def get(store: Store, workshop_id: str) -> Room:
    """The room as it is now (the defaults, version 0, if nobody ever switched anything)."""
    rows = store.query_dicts(f"SELECT {_COLUMNS} FROM {TABLE} WHERE id = ? AND deleted_at IS NULL", [workshop_id])
    return Room.from_record(rows[0]) if rows else Room(workshop_id)


def stamp(store: Store, workshop_id: str) -> int:
    """The room's version (0 when it has no row): cheap enough to poll every 2 seconds."""
    row = store.query_one(f"SELECT version FROM {TABLE} WHERE id = ? AND deleted_at IS NULL", [workshop_id])
    return row[0] if row else 0


def seconds_left(room: Room, now: datetime | None = None) -> int | None:
    """Whole seconds until the timer ends, rounded up (None: no timer; 0: it has ended)."""
    if room.timer_ends_at is None:
        return None
    left = (room.timer_ends_at - (now or utc_now())).total_seconds()
    return max(0, math.ceil(left))


# -- the facilitator's switches -------------------------------------------------------------------------------
def set_read_only(store: Store, workshop_id: str, on: bool, actor: object) -> Room:
    """Participants see everything and can change nothing (the facilitator still can)."""
    return _change(store, workshop_id, actor, "read_only", read_only=bool(on))


def set_projector(store: Store, workshop_id: str, on: bool, actor: object) -> Room:
    """Every screen shows the presentation view (big type, no editing controls)."""
    return _change(store, workshop_id, actor, "projector", projector=bool(on))


def focus(store: Store, workshop_id: str, page: str, stage: str | None, actor: object,
          pages: tuple[str, ...] | list[str] | None = None) -> Room:
    """"Follow me": pull every browser to `page` (one of `pages` when given, else any short key such as `journey`)
    and, optionally, a journey stage. Each call moves people once: `focus_seq` grows every time."""
    access.require_facilitator(actor, workshop_id, store)
    page = check_page(page, pages)
    if stage is not None and stage not in STAGES:
        raise RoomError("room.error.bad_stage", field="stage", value=str(stage), allowed=", ".join(STAGES))
    return _change(store, workshop_id, actor, "focus", focus_page=page, focus_stage=stage,
                   focus_seq=lambda old: old["focus_seq"] + 1)


def release(store: Store, workshop_id: str, actor: object) -> Room:
    """Let people go where they like again (the focus is cleared; `focus_seq` grows, so pages notice)."""
    return _change(store, workshop_id, actor, "release", focus_page=None, focus_stage=None,
                   focus_seq=lambda old: old["focus_seq"] + 1)


def start_timer(store: Store, workshop_id: str, minutes: float, label: str, actor: object,
                now: datetime | None = None) -> Room:
    """A countdown of `minutes` (0.5–180) from `now`, shown on every screen with its label."""
    access.require_facilitator(actor, workshop_id, store)
    minutes, label = check_minutes(minutes), check_label(label)
    ends = (now or utc_now()) + timedelta(minutes=minutes)
    return _change(store, workshop_id, actor, "timer", timer_ends_at=ends, timer_minutes=minutes, timer_label=label)


def extend_timer(store: Store, workshop_id: str, minutes: float, actor: object, now: datetime | None = None) -> Room:
    """Give the running countdown `minutes` more (an ended one restarts from `now`); no timer: a new one."""
    access.require_facilitator(actor, workshop_id, store)
    minutes, now = check_minutes(minutes), now or utc_now()

    def ends(old: dict[str, Any]) -> datetime:
        return max(old["timer_ends_at"] or now, now) + timedelta(minutes=minutes)

    return _change(store, workshop_id, actor, "timer", timer_ends_at=ends,
                   timer_minutes=lambda old: (old["timer_minutes"] or 0) + minutes)


def stop_timer(store: Store, workshop_id: str, actor: object) -> Room:
    return _change(store, workshop_id, actor, "timer_stop", timer_ends_at=None, timer_minutes=None, timer_label="")


def start_block(store: Store, workshop_id: str, block_id: str, actor: object, now: datetime | None = None,
                timer: bool = True, pull: bool = False) -> Room:
    """Mark an agenda block as running now. With `timer` (the default) this also starts a countdown of the block's
    length (at most 180 minutes) labelled with its title; with `pull`, everyone is taken to the block's page."""
    access.require_facilitator(actor, workshop_id, store)
    now = now or utc_now()
    with store.write(str(actor)) as tx:
        block = tx.record("agenda_blocks", block_id)
        if block is None or block["deleted_at"] is not None or block["workshop_id"] != workshop_id:
            raise NotFound("error.record_missing", what=str(block_id))
        values: dict[str, Any] = {"current_block_id": block_id}
        if timer:
            minutes = float(min(block["minutes"], TIMER_MAX))
            values.update(timer_ends_at=now + timedelta(minutes=minutes), timer_minutes=minutes,
                          timer_label=block["title"][:LABEL_MAX])
        if pull and block["page"]:
            values.update(focus_page=block["page"], focus_stage=None, focus_seq=lambda old: old["focus_seq"] + 1)
        return _apply(tx, workshop_id, "start_block", values)


def end_block(store: Store, workshop_id: str, actor: object) -> Room:
    """No block is running any more (the clock decides again); its timer stops too."""
    return _change(store, workshop_id, actor, "end_block", current_block_id=None, timer_ends_at=None,
                   timer_minutes=None, timer_label="")


# -- checks (for forms too) -----------------------------------------------------------------------------------
def check_minutes(minutes: Any) -> float:
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or not math.isfinite(minutes) \
            or not TIMER_MIN <= minutes <= TIMER_MAX:
        raise RoomError("room.error.bad_minutes", field="minutes", value=str(minutes), low=TIMER_MIN, high=TIMER_MAX)
    return float(minutes)


def check_label(label: Any) -> str:
    label = " ".join(str(label or "").split())
    if len(label) > LABEL_MAX:
        raise RoomError("room.error.long_label", field="label", most=LABEL_MAX)
    return label


def check_page(page: Any, pages: tuple[str, ...] | list[str] | None = None) -> str:
    if not isinstance(page, str) or not _PAGE_KEY.match(page) or (pages is not None and page not in pages):
        allowed = ", ".join(pages) if pages is not None else "a–z, 0–9, _"
        raise RoomError("room.error.bad_page", field="page", value=str(page), allowed=allowed)
    return page


# -- the one write path of this module ------------------------------------------------------------------------
Value = Any  # or a function of the old row giving the new value


def _change(store: Store, workshop_id: str, actor: object, action: str, **values: Value) -> Room:
    access.require_facilitator(actor, workshop_id, store)
    with store.write(str(actor)) as tx:
        return _apply(tx, workshop_id, action, values)


def _apply(tx: Tx, workshop_id: str, action: str, values: dict[str, Value]) -> Room:
    """Read the row (made if missing), apply `values` (a callable gets the old row), write, log what changed."""
    old = tx.record(TABLE, workshop_id)
    if old is None or old["deleted_at"] is not None:
        if tx.one("SELECT 1 FROM workshops WHERE id = ? AND deleted_at IS NULL", [workshop_id]) is None:
            raise NotFound("error.no_workshop", name=workshop_id)
        if old is None:
            tx.execute(f"INSERT INTO {TABLE} (id, workshop_id) VALUES (?, ?)", [workshop_id, workshop_id])
        else:
            tx.execute(f"UPDATE {TABLE} SET deleted_at = NULL WHERE id = ?", [workshop_id])
        old = tx.record(TABLE, workshop_id)
    new = {name: value(old) if callable(value) else value for name, value in values.items()}
    changed = {name: value for name, value in new.items() if old[name] != value}
    if not changed:
        return Room.from_record(old)
    sets = ", ".join(f"{name} = ?" for name in changed)  # names come from this module
    tx.execute(f"UPDATE {TABLE} SET {sets}, version = version + 1, updated_at = current_localtimestamp() "
               "WHERE id = ?", [*changed.values(), workshop_id])
    record = tx.record(TABLE, workshop_id)
    tx.log(TABLE, workshop_id, action, workshop_id=workshop_id, version=record["version"],
           old={k: old[k] for k in changed}, new={k: record[k] for k in changed})
    return Room.from_record(record)
