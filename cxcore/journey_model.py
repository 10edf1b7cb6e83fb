"""The journey tree as plain dataclasses, and reading all journeys of a workshop in five queries."""
from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Callable, ClassVar, Iterator

from cxcore import method
from cxcore.segments import SEGMENTS
from cxcore.store import Tx

Run = Callable[..., list[tuple]]  # Store.query or Tx.execute: (sql, params) -> rows


@dataclass(frozen=True)
class Idea:
    id: str
    workshop_id: str
    journey_id: str
    barrier_id: str
    text: str
    impact: int
    effort: int
    author: str
    position: int
    created_at: datetime
    version: int

    table: ClassVar[str] = "ideas"
    parent: ClassVar[str] = "barrier_id"
    editable: ClassVar[tuple[str, ...]] = ("text", "impact", "effort", "position")

    @property
    def quadrant(self) -> str:
        return method.quadrant(self.impact, self.effort)


@dataclass(frozen=True)
class Barrier:
    id: str
    workshop_id: str
    journey_id: str
    touchpoint_id: str
    text: str
    expectations: tuple[str, ...]
    severity: int
    evidence: str
    share: float | None
    departments: tuple[str, ...]
    status: str
    author: str
    position: int
    created_at: datetime
    version: int
    ideas: tuple[Idea, ...] = ()

    table: ClassVar[str] = "barriers"
    parent: ClassVar[str] = "touchpoint_id"
    editable: ClassVar[tuple[str, ...]] = ("text", "expectations", "severity", "evidence", "share", "departments",
                                           "status", "position")

    @property
    def cross_team(self) -> bool:
        """A BUT-situation between departments: more than one is involved."""
        return len(self.departments) > 1


@dataclass(frozen=True)
class Touchpoint:
    id: str
    workshop_id: str
    journey_id: str
    stage_id: str
    name: str
    channel: str
    owner_department: str
    author: str
    position: int
    created_at: datetime
    version: int
    barriers: tuple[Barrier, ...] = ()

    table: ClassVar[str] = "touchpoints"
    parent: ClassVar[str] = "stage_id"
    editable: ClassVar[tuple[str, ...]] = ("name", "channel", "owner_department", "position")


@dataclass(frozen=True)
class Stage:
    id: str
    workshop_id: str
    journey_id: str
    key: str
    owner_department: str
    goal: str
    actions: str
    thoughts: str
    emotion: int | None
    kpi_name: str
    kpi_current: float | None
    kpi_target: float | None
    version: int
    touchpoints: tuple[Touchpoint, ...] = ()

    table: ClassVar[str] = "journey_stages"
    parent: ClassVar[str] = "journey_id"
    editable: ClassVar[tuple[str, ...]] = ("owner_department", "goal", "actions", "thoughts", "emotion", "kpi_name",
                                           "kpi_current", "kpi_target")


@dataclass(frozen=True)
class Journey:
    id: str
    workshop_id: str
    segment: str
    version: int
    created_at: datetime
    stages: tuple[Stage, ...] = ()

    table: ClassVar[str] = "journeys"

    def stage(self, key: str) -> Stage:
        return next(stage for stage in self.stages if stage.key == key)

    @property
    def touchpoints(self) -> tuple[Touchpoint, ...]:
        return tuple(tp for stage in self.stages for tp in stage.touchpoints)

    @property
    def barriers(self) -> tuple[Barrier, ...]:
        return tuple(b for tp in self.touchpoints for b in tp.barriers)

    @property
    def ideas(self) -> tuple[Idea, ...]:
        return tuple(i for b in self.barriers for i in b.ideas)


Card = Stage | Touchpoint | Barrier | Idea
CARDS: tuple[type, ...] = (Stage, Touchpoint, Barrier, Idea)  # parent before child
KIND = {Stage: "stage", Touchpoint: "touchpoint", Barrier: "barrier", Idea: "idea"}
BY_TABLE: dict[str, type] = {cls.table: cls for cls in (Journey, *CARDS)}
TABLES = tuple(BY_TABLE)
_CHILDREN = {Journey: "stages", Stage: "touchpoints", Touchpoint: "barriers", Barrier: "ideas"}


def columns(cls: type) -> list[str]:
    return [f.name for f in fields(cls) if f.name != _CHILDREN.get(cls)]


def from_row(cls: type, row: tuple | dict[str, Any], children: tuple = ()) -> Any:
    """A dataclass from a row of `columns(cls)` (or a record dict); lists become tuples."""
    names = columns(cls)
    data = dict(zip(names, row)) if isinstance(row, tuple) else {name: row[name] for name in names}
    data = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
    if cls in _CHILDREN:
        data[_CHILDREN[cls]] = children
    return cls(**data)


def new_id() -> str:
    return secrets.token_urlsafe(9).replace("-", "x").replace("_", "y")


def insert(tx: Tx, table: str, row: dict[str, Any]) -> None:
    """Insert one row; `table` and the keys of `row` come from code, the values are bound."""
    if table not in BY_TABLE or not set(row) <= {*columns(BY_TABLE[table]), "created_at"}:
        raise ValueError(f"not a journey table or column: {table} {sorted(row)}")
    tx.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))


def insert_journey(tx: Tx, workshop_id: str, segment: str, stages: dict[str, dict[str, Any]] | None = None
                   ) -> tuple[str, dict[str, str]]:
    """Insert a journey with its eight stages (`stages`: key -> column values; owners default per METHOD);
    returns the journey's id and the id of each stage."""
    journey_id, stage_ids = new_id(), {key: new_id() for key in method.STAGES}
    insert(tx, "journeys", {"id": journey_id, "workshop_id": workshop_id, "segment": segment})
    for key, stage_id in stage_ids.items():
        values = {"owner_department": method.DEFAULT_OWNERS[key], **(stages or {}).get(key, {})}
        insert(tx, "journey_stages", {"id": stage_id, "workshop_id": workshop_id, "journey_id": journey_id,
                                      "key": key, **values})
    return journey_id, stage_ids


def read_tree(run: Run, workshop_id: str) -> tuple[Journey, ...]:
    """The live journeys of a workshop, whole: segments in SEGMENTS order, stages in METHOD order, cards by
    position (then created time); cards under a deleted card are left out with it."""
    rows = {}
    for cls in (Journey, *CARDS):
        order = "position, created_at, id" if "position" in columns(cls) else "id"
        rows[cls] = run(f"SELECT {', '.join(columns(cls))} FROM {cls.table} "
                        f"WHERE workshop_id = ? AND deleted_at IS NULL ORDER BY {order}", [workshop_id])
    children: dict[str, list] = defaultdict(list)  # parent id -> its children (ids are unique across tables)
    for cls in reversed(CARDS):  # children first, so each parent is built with its finished children
        parent_at = columns(cls).index(cls.parent)
        for row in rows[cls]:
            children[row[parent_at]].append(from_row(cls, row, tuple(children.pop(row[0], ()))))
    journeys = [from_row(Journey, row, tuple(sorted(children[row[0]], key=lambda s: method.STAGES.index(s.key))))
                for row in rows[Journey]]
    return tuple(sorted(journeys, key=lambda j: SEGMENTS.index(j.segment)))


def walk(journey: Journey) -> Iterator[Card]:
    """Every card of a journey, parents before their children."""
    for stage in journey.stages:
        yield stage
        for tp in stage.touchpoints:
            yield tp
            for barrier in tp.barriers:
                yield barrier
                yield from barrier.ideas
