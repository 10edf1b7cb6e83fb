"""The people in the room: who joined a workshop by its link (stored), and who is online now (in memory only).

A participant is a name, compared with spaces collapsed and case ignored (as the maturity ratings and the dots
compare them): the row's id is `<workshop id>/<name key>`, so joining twice, or from two tabs at once, makes one
row. Presence is not written anywhere: forty browsers polling every two seconds must not write to the database,
so `seen` only notes the time in a dict of this process (the app is one process), and `online` reads it.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from cxcore.errors import NotFound, RoomError
from cxcore.store import Store

TABLE = "participants"
NAME_MAX = 60
ONLINE_SECONDS = 30
_FORGET_AFTER = timedelta(hours=1)  # presence older than this is dropped, so the dict stays small


@dataclass(frozen=True)
class Participant:
    id: str
    workshop_id: str
    name: str  # as first typed (spaces collapsed)
    joined_at: datetime


def name_key(name: str) -> str:
    """Who a name means: spaces collapsed, case ignored ("анна  петрова" is "Анна Петрова")."""
    return " ".join(str(name).split()).casefold()


def check_name(name: object) -> str:
    """The name as kept (spaces collapsed); RoomError unless it has 1–60 characters."""
    clean = " ".join(name.split()) if isinstance(name, str) else ""
    if not 1 <= len(clean) <= NAME_MAX:
        raise RoomError("room.error.bad_name", field="name", most=NAME_MAX)
    return clean


def join(store: Store, workshop_id: str, name: str) -> Participant:
    """Register `name` in the workshop; the same person joining again gets their first row back."""
    name = check_name(name)
    participant_id = f"{workshop_id}/{name_key(name)}"
    with store.write(name) as tx:
        record = tx.record(TABLE, participant_id)
        if record is not None and record["deleted_at"] is None:
            return _from(record)
        if tx.one("SELECT 1 FROM workshops WHERE id = ? AND deleted_at IS NULL", [workshop_id]) is None:
            raise NotFound("error.no_workshop", name=workshop_id)
        if record is None:
            tx.execute(f"INSERT INTO {TABLE} (id, workshop_id, name) VALUES (?, ?, ?)",
                       [participant_id, workshop_id, name])
            action = "create"
        else:
            tx.execute(f"UPDATE {TABLE} SET deleted_at = NULL, version = version + 1, "
                       "updated_at = current_localtimestamp() WHERE id = ?", [participant_id])
            action = "restore"
        new = tx.record(TABLE, participant_id)
        tx.log(TABLE, participant_id, action, workshop_id=workshop_id, version=new["version"], new=new)
        return _from(new)


def all(store: Store, workshop_id: str) -> list[Participant]:  # noqa: A001 (participants.all reads well)
    """Everyone who joined, in the order they joined."""
    rows = store.query_dicts(f"SELECT id, workshop_id, name, created_at FROM {TABLE} "
                             "WHERE workshop_id = ? AND deleted_at IS NULL ORDER BY created_at, id", [workshop_id])
    return [_from(row) for row in rows]


def _from(record: dict) -> Participant:
    return Participant(record["id"], record["workshop_id"], record["name"], record["created_at"])


# -- presence (memory only) -----------------------------------------------------------------------------------
_seen: dict[str, dict[str, tuple[str, datetime]]] = {}  # workshop id → name key → (name, last seen)
_seen_lock = threading.Lock()


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def seen(workshop_id: str, name: str, now: datetime | None = None) -> None:
    """Note that `name` has the workshop open now (called by every poll; writes nothing to the database)."""
    clean = " ".join(str(name or "").split())
    if not clean:
        return
    now = now or _now()
    with _seen_lock:
        people = _seen.setdefault(workshop_id, {})
        people[name_key(clean)] = (clean, now)
        for key in [k for k, (_, at) in people.items() if now - at > _FORGET_AFTER]:
            del people[key]


def online(workshop_id: str, within_seconds: float = ONLINE_SECONDS, now: datetime | None = None) -> list[str]:
    """The names seen in the last `within_seconds`, alphabetically (case ignored)."""
    now = now or _now()
    window = timedelta(seconds=within_seconds)
    with _seen_lock:
        names = [name for name, at in _seen.get(workshop_id, {}).values() if now - at <= window]
    return sorted(names, key=str.casefold)


def forget(workshop_id: str) -> None:
    """Drop the workshop's presence (it was deleted, or a test starts afresh)."""
    with _seen_lock:
        _seen.pop(workshop_id, None)
