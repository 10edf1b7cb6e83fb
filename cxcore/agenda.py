"""The agenda of the two workshop days: blocks with a day, start time, length, title, goal and the page they use.

`create_default` writes METHOD.md's steps as blocks (09:30–17:30, lunch and coffee breaks), with titles and goals
as text in the workshop's language, so the facilitator then edits them freely. Blocks are versioned records
(a save from a stale read is refused with ConflictError), deleted softly and restorable; only the facilitator
changes the agenda (anyone, in a workshop without a PIN). `current` tells which block is on now: the one the
facilitator started (`room.start_block`) wins, else the clock decides (day 1 is the workshop's date, day 2 the
day after).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, time, timedelta
from typing import TYPE_CHECKING, Any, Callable

from cxcore import access, checks
from cxcore.errors import AgendaError, NotFound
from cxcore.i18n import t
from cxcore.journey_model import new_id
from cxcore.store import Store, Tx

if TYPE_CHECKING:
    from cxcore.room import Room

TABLE = "agenda_blocks"
DAYS = (1, 2)
TITLE_MAX, GOAL_MAX = 200, 1000
MINUTES_MIN, MINUTES_MAX = 1, 600
# The pages a block can work on (the keys of the app's pages; None: a break, the opening).
PAGES = ("workshop", "base", "rfm", "quality", "journey", "journey_views", "maturity_rate", "maturity", "vote",
         "roadmap", "business", "workbook", "parking", "agenda")
EDITABLE = ("day", "starts_at", "minutes", "title", "goal", "page")

# METHOD.md's workshop, end to end, on two days: (day, start, minutes, key, page). The key names the block's
# title `agenda.block.<key>` and goal `agenda.goal.<key>` in the translation table.
DEFAULT_AGENDA: tuple[tuple[int, str, int, str, str | None], ...] = (
    (1, "09:30", 30, "opening", None),
    (1, "10:00", 60, "base", "rfm"),
    (1, "11:00", 15, "break", None),
    (1, "11:15", 45, "quality", "quality"),
    (1, "12:00", 30, "target", "rfm"),
    (1, "12:30", 60, "lunch", None),
    (1, "13:30", 90, "journey_1_4", "journey"),
    (1, "15:00", 15, "break", None),
    (1, "15:15", 75, "journey_5_8", "journey"),
    (1, "16:30", 40, "barriers", "journey_views"),
    (1, "17:10", 20, "parking", "parking"),
    (2, "09:30", 45, "maturity_rate", "maturity_rate"),
    (2, "10:15", 45, "maturity", "maturity"),
    (2, "11:00", 15, "break", None),
    (2, "11:15", 30, "vote", "vote"),
    (2, "11:45", 75, "roadmap", "roadmap"),
    (2, "13:00", 60, "lunch", None),
    (2, "14:00", 60, "business", "business"),
    (2, "15:00", 15, "break", None),
    (2, "15:15", 60, "policy", "business"),
    (2, "16:15", 30, "parking", "parking"),
    (2, "16:45", 45, "closing", "workbook"),
)
NO_GOAL = ("break", "lunch")


@dataclass(frozen=True)
class Block:
    id: str
    workshop_id: str
    day: int
    starts_at: str  # HH:MM, the room's local time
    minutes: int
    title: str
    goal: str
    page: str | None
    version: int

    @property
    def start(self) -> int:
        """Minutes from midnight."""
        hours, minutes = self.starts_at.split(":")
        return int(hours) * 60 + int(minutes)

    @property
    def ends_at(self) -> str:
        """HH:MM when the block ends (past midnight it reads on, e.g. 24:30)."""
        end = self.start + self.minutes
        return f"{end // 60:02d}:{end % 60:02d}"


_COLUMNS = ", ".join(f.name for f in fields(Block))


# -- checks ---------------------------------------------------------------------------------------------------
def _day(raw: Any, field: str) -> int:
    if isinstance(raw, bool) or raw not in DAYS:
        raise AgendaError("agenda.error.bad_day", field=field, value=str(raw))
    return int(raw)


_HHMM = re.compile(r"^(\d{1,2})[:.](\d{2})$")


def _time(raw: Any, field: str) -> str:
    if isinstance(raw, time):
        return f"{raw.hour:02d}:{raw.minute:02d}"
    match = _HHMM.match(raw.strip()) if isinstance(raw, str) else None
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise AgendaError("agenda.error.bad_time", field=field, value=str(raw))
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _minutes(raw: Any, field: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not MINUTES_MIN <= raw <= MINUTES_MAX:
        raise AgendaError("agenda.error.bad_minutes", field=field, value=str(raw), low=MINUTES_MIN,
                          high=MINUTES_MAX)
    return raw


def _title(raw: Any, field: str) -> str:
    text = checks.text(raw, TITLE_MAX, required=True)
    if text is None:
        raise AgendaError("agenda.error.bad_title", field=field, most=TITLE_MAX)
    return text


def _goal(raw: Any, field: str) -> str:
    text = checks.text(raw, GOAL_MAX, required=False)
    if text is None:
        raise AgendaError("agenda.error.bad_goal", field=field, most=GOAL_MAX)
    return text


def _page(raw: Any, field: str) -> str | None:
    if raw in (None, ""):
        return None
    if raw not in PAGES:
        raise AgendaError("agenda.error.bad_page", field=field, value=str(raw), allowed=", ".join(PAGES))
    return raw


CHECKS: dict[str, Callable[[Any, str], Any]] = {"day": _day, "starts_at": _time, "minutes": _minutes,
                                                "title": _title, "goal": _goal, "page": _page}


def check(name: str, raw: Any) -> Any:
    """One field's value as a block stores it (AgendaError naming the field if it breaks a rule): for forms."""
    return CHECKS[name](raw, name)


# -- reading --------------------------------------------------------------------------------------------------
def blocks(store: Store, workshop_id: str) -> list[Block]:
    """The live blocks, by day and start time."""
    rows = store.query_dicts(f"SELECT {_COLUMNS} FROM {TABLE} WHERE workshop_id = ? AND deleted_at IS NULL "
                             "ORDER BY day, starts_at, created_at, id", [workshop_id])
    return [Block(**row) for row in rows]


def deleted(store: Store, workshop_id: str) -> list[Block]:
    """The blocks in the trash, latest deleted first."""
    rows = store.query_dicts(f"SELECT {_COLUMNS} FROM {TABLE} WHERE workshop_id = ? AND deleted_at IS NOT NULL "
                             "ORDER BY deleted_at DESC, id", [workshop_id])
    return [Block(**row) for row in rows]


def get(store: Store, block_id: str) -> Block | None:
    rows = store.query_dicts(f"SELECT {_COLUMNS} FROM {TABLE} WHERE id = ? AND deleted_at IS NULL", [block_id])
    return Block(**rows[0]) if rows else None


def current(blocks: list[Block], room: Room, today: date, now_time: time, held_on: date | None) -> Block | None:
    """The block on now: the one the facilitator started, else the one whose [start, start + minutes) holds the
    clock on its day (day 1 = `held_on`, day 2 = the day after), else None."""
    started = next((b for b in blocks if b.id == room.current_block_id), None)
    if started is not None:
        return started
    day = _day_of(today, held_on)
    now = now_time.hour * 60 + now_time.minute
    running = [b for b in blocks if b.day == day and b.start <= now < b.start + b.minutes]
    return max(running, key=lambda b: b.start) if running else None


def next_block(blocks: list[Block], room: Room, today: date, now_time: time, held_on: date | None) -> Block | None:
    """The block after the one on now (the started one, or by the clock); between blocks, the next to start;
    before the workshop, its first block; None after its last."""
    ordered = sorted(blocks, key=lambda b: (b.day, b.start))
    on_now = current(blocks, room, today, now_time, held_on)
    if on_now is not None:
        after = [b for b in ordered if (b.day, b.start) > (on_now.day, on_now.start)]
        return after[0] if after else None
    if held_on is None:
        return None
    if today < held_on:
        return ordered[0] if ordered else None
    day = _day_of(today, held_on)
    if day is None:
        return None
    now = now_time.hour * 60 + now_time.minute
    after = [b for b in ordered if (b.day, b.start) > (day, now)]
    return after[0] if after else None


def _day_of(today: date, held_on: date | None) -> int | None:
    if held_on is None:
        return None
    return {held_on: 1, held_on + timedelta(days=1): 2}.get(today)


# -- the facilitator's edits ----------------------------------------------------------------------------------
def create_default(store: Store, workshop_id: str, lang: str, actor: object) -> list[Block]:
    """Write the default agenda (titles and goals in `lang`) if the workshop has no live block yet; returns the
    agenda either way, so two clicks at once make one agenda."""
    access.require_facilitator(actor, workshop_id, store)
    with store.write(str(actor)) as tx:
        insert_default(tx, workshop_id, lang)
    return blocks(store, workshop_id)


def insert_default(tx: Tx, workshop_id: str, lang: str) -> int:
    """The default agenda inside an open transaction (a new workshop is made whole in one); the blocks written
    (0 if the workshop has some already)."""
    if tx.one(f"SELECT 1 FROM {TABLE} WHERE workshop_id = ? AND deleted_at IS NULL LIMIT 1", [workshop_id]):
        return 0
    for day, starts_at, minutes, key, page in DEFAULT_AGENDA:
        goal = "" if key in NO_GOAL else t(f"agenda.goal.{key}", lang)
        _insert(tx, workshop_id, {"day": day, "starts_at": starts_at, "minutes": minutes,
                                  "title": t(f"agenda.block.{key}", lang), "goal": goal, "page": page})
    return len(DEFAULT_AGENDA)


def add(store: Store, workshop_id: str, actor: object, *, day: int, starts_at: str | time, minutes: int,
        title: str, goal: str = "", page: str | None = None) -> Block:
    access.require_facilitator(actor, workshop_id, store)
    values = {name: check(name, raw) for name, raw in
              {"day": day, "starts_at": starts_at, "minutes": minutes, "title": title, "goal": goal,
               "page": page}.items()}
    with store.write(str(actor)) as tx:
        if tx.one("SELECT 1 FROM workshops WHERE id = ? AND deleted_at IS NULL", [workshop_id]) is None:
            raise NotFound("error.no_workshop", name=workshop_id)
        return _insert(tx, workshop_id, values)


def _insert(tx: Tx, workshop_id: str, values: dict[str, Any]) -> Block:
    block_id = new_id()
    row = {"id": block_id, "workshop_id": workshop_id, **values}
    tx.execute(f"INSERT INTO {TABLE} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
    record = tx.record(TABLE, block_id)
    tx.log(TABLE, block_id, "create", workshop_id=workshop_id, version=1, new=record)
    return Block(**{f.name: record[f.name] for f in fields(Block)})


def update(store: Store, block: Block, actor: object, **changes: Any) -> Block:
    """Change fields of a block read as `block`; ConflictError (with the block as it is now) if someone saved it
    since. Returns the block as saved."""
    access.require_facilitator(actor, block.workshop_id, store)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable on an agenda block: {sorted(unknown)}")
    values = {k: v for k, v in ((k, check(k, raw)) for k, raw in changes.items()) if getattr(block, k) != v}
    if not values:
        return block
    record = store.update_record(TABLE, block.id, block.version, values, str(actor), block.workshop_id)
    return Block(**{f.name: record[f.name] for f in fields(Block)})


def delete(store: Store, block: Block, actor: object) -> None:
    """Move a block to the trash; ConflictError if it changed since it was read."""
    access.require_facilitator(actor, block.workshop_id, store)
    store.delete_record(TABLE, block.id, block.version, str(actor), block.workshop_id)


def restore(store: Store, block_id: str, actor: object) -> Block:
    """Bring a block back from the trash."""
    row = store.query_one(f"SELECT workshop_id FROM {TABLE} WHERE id = ?", [block_id])
    if row is None:
        raise NotFound("error.record_missing", what=block_id)
    access.require_facilitator(actor, row[0], store)
    store.restore_record(TABLE, block_id, str(actor), row[0])
    return get(store, block_id)
