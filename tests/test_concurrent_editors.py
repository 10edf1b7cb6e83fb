"""A room of participants editing one journey at once, through the calls the board's card dialogs make: no save is
ever lost, every refusal is a real conflict that shows the other person's text, and the change log is the cards'
whole history."""
from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cxcore import journey, workshop
from cxcore.errors import ConflictError, NotFound
from cxcore.store import Store, open_store

SEED = 9_2025
EDITORS = 40                # the 40 participants, threads of one process
SECONDS = 60                # the 60 s of editing
HOT = 5                     # cards everyone edits: 3 touchpoints, a barrier, an idea
COLD = 24                   # other cards there at the start
THINK = (0.0, 0.02)         # seconds between opening a card's dialog and saving it
RETRY = 0.5                 # chance that someone who saw a conflict opens the card again and saves
REREAD = 2.0                # seconds between re-reads of the board, as the page polls
SEGMENT = "at_risk"
TEXT_FIELDS = {"touchpoints": ("name", "channel"), "barriers": ("text",), "ideas": ("text",)}


@dataclass
class Attempt:
    """One save a participant tried, and what came of it."""
    actor: str
    op: str                      # create | update | delete
    table: str
    card: str
    outcome: str                 # applied | conflict | gone (deleted by someone else meanwhile)
    read_version: int | None = None
    version: int | None = None   # applied: the version saved; conflict: the version the dialog then showed
    field: str | None = None
    read_value: Any = None       # what the dialog showed when opened
    value: Any = None            # applied: what was saved; conflict: the other person's text shown
    retry: bool = False


class Participant:
    def __init__(self, store: Store, workshop_id: str, hot: list[str], n: int, deadline: float) -> None:
        self.store, self.workshop_id, self.hot, self.deadline = store, workshop_id, hot, deadline
        self.actor = f"p{n:02d}"
        self.rng = random.Random(SEED * 100 + n)
        self.attempts: list[Attempt] = []
        self.errors: list[BaseException] = []
        self.board: dict[str, list[str]] = {}
        self.read_at = 0.0
        self.step = 0

    def run(self) -> None:
        try:
            while time.monotonic() < self.deadline:
                if time.monotonic() - self.read_at > REREAD:
                    self.reread()
                roll = self.rng.random()
                if roll < 0.55:
                    self.edit(self.rng.choice(self.hot))
                elif roll < 0.80:
                    self.edit(self.rng.choice(self.cold()))
                elif roll < 0.93:
                    self.add()
                else:
                    self.delete(self.rng.choice(self.cold()))
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.errors.append(error)

    def reread(self) -> None:
        tree = journey.load(self.store, self.workshop_id, SEGMENT)
        self.board = {"stages": [s.id for s in tree.stages], "touchpoints": [c.id for c in tree.touchpoints],
                      "barriers": [c.id for c in tree.barriers], "ideas": [c.id for c in tree.ideas]}
        self.read_at = time.monotonic()

    def cold(self) -> list[str]:
        cards = [c for kind in ("touchpoints", "barriers", "ideas") for c in self.board[kind] if c not in self.hot]
        return cards or self.hot

    def value(self) -> str:
        self.step += 1
        return f"{self.actor}#{self.step}"  # every text saved is unique: a lost save cannot hide behind another

    def think(self) -> None:
        time.sleep(self.rng.uniform(*THINK))

    def edit(self, card_id: str, retry: bool = False) -> None:
        card = journey.get(self.store, card_id)  # the dialog opens on the card as it is now
        if card is None:
            return  # deleted: the board no longer shows it
        field = self.rng.choice(TEXT_FIELDS[card.table])
        attempt = Attempt(self.actor, "update", card.table, card.id, "applied", card.version, field=field,
                          read_value=getattr(card, field), retry=retry)
        value = self.value()
        self.think()
        try:
            saved = journey.update(self.store, card, self.actor, **{field: value})
            attempt.version, attempt.value = saved.version, getattr(saved, field)
        except ConflictError as conflict:  # the dialog shows the other person's text
            if conflict.key != "error.stale_version":  # DuckDB's own conflict: the writes were not serialised
                raise
            attempt.outcome, attempt.version = "conflict", conflict.current["version"]
            attempt.value = conflict.current[field]
        except NotFound:
            attempt.outcome = "gone"
        self.attempts.append(attempt)
        if attempt.outcome == "conflict" and self.rng.random() < RETRY:
            self.edit(card_id, retry=True)

    def add(self) -> None:
        kind = self.rng.choice(("touchpoints", "barriers", "ideas"))
        parents = {"touchpoints": "stages", "barriers": "touchpoints", "ideas": "barriers"}[kind]
        parent_id = self.rng.choice(self.board[parents])
        value = self.value()
        try:
            parent = journey.get(self.store, parent_id)
            if parent is None:
                return
            self.think()
            if kind == "touchpoints":
                card = journey.add_touchpoint(self.store, parent, self.actor, value)
            elif kind == "barriers":
                card = journey.add_barrier(self.store, parent, self.actor, value, ["speed"])
            else:
                card = journey.add_idea(self.store, parent, self.actor, value)
        except NotFound:  # the parent went to the trash meanwhile
            self.attempts.append(Attempt(self.actor, "create", kind, parent_id, "gone"))
            return
        field = "name" if kind == "touchpoints" else "text"
        self.attempts.append(Attempt(self.actor, "create", kind, card.id, "applied", None, card.version, field,
                                     value=getattr(card, field)))

    def delete(self, card_id: str) -> None:
        if card_id in self.hot:
            return
        card = journey.get(self.store, card_id)
        if card is None:
            return
        attempt = Attempt(self.actor, "delete", card.table, card.id, "applied", card.version)
        self.think()
        try:
            journey.delete(self.store, card, self.actor)
            attempt.version = card.version + 1
        except ConflictError as conflict:
            if conflict.key != "error.stale_version":
                raise
            attempt.outcome, attempt.version = "conflict", conflict.current["version"]
        except NotFound:
            attempt.outcome = "gone"
        self.attempts.append(attempt)


def seed_board(store: Store) -> tuple[str, list[str]]:
    """A workshop whose journey holds the hot cards and COLD others; returns its id and the hot cards' ids."""
    room = workshop.create(store, "Room")
    tree = journey.ensure(store, room.id, SEGMENT, "facilitator")
    touchpoints = [journey.add_touchpoint(store, tree.stages[n % 8], "facilitator", f"tp {n}") for n in range(3)]
    barrier = journey.add_barrier(store, touchpoints[0], "facilitator", "hot barrier", ["speed"])
    idea = journey.add_idea(store, barrier, "facilitator", "hot idea")
    hot = [c.id for c in (*touchpoints, barrier, idea)]
    for n in range(COLD // 3):
        tp = journey.add_touchpoint(store, tree.stages[n % 8], "facilitator", f"cold tp {n}")
        b = journey.add_barrier(store, tp, "facilitator", f"cold barrier {n}", ["promises"])
        journey.add_idea(store, b, "facilitator", f"cold idea {n}")
    assert len(hot) == HOT
    return room.id, hot


def card_histories(store: Store, workshop_id: str) -> tuple[dict[str, list[dict]], dict[str, dict]]:
    """The change log of every card, oldest first, and every card's row as stored."""
    log: dict[str, list[dict]] = defaultdict(list)
    for entry in store.query_dicts(f"""
            SELECT entity, entity_id, action, version, actor, old_value, new_value FROM change_log
            WHERE workshop_id = ? AND entity IN ({', '.join('?' * len(TEXT_FIELDS))}) ORDER BY id""",
                                   [workshop_id, *TEXT_FIELDS]):
        entry["old"] = json.loads(entry["old_value"]) if entry["old_value"] else None
        entry["new"] = json.loads(entry["new_value"]) if entry["new_value"] else None
        log[entry["entity_id"]].append(entry)
    rows = {}
    for table, fields in TEXT_FIELDS.items():
        for row in store.query_dicts(f"SELECT id, version, deleted_at, {', '.join(fields)} FROM {table} "
                                     "WHERE workshop_id = ?", [workshop_id]):
            rows[row["id"]] = {"table": table, **row}
    return log, rows


def logged_as_saved(a: Attempt, entry: dict | None) -> bool:
    """The log holds the save as made: by whom, what, and based on the text the person saw when opening the card
    (a save that silently overwrote someone else's is a lost update)."""
    if entry is None or (entry["action"], entry["actor"], entry["entity"]) != (a.op, a.actor, a.table):
        return False
    if a.op == "create":
        return entry["new"][a.field] == a.value
    if a.op == "update":
        return (entry["new"] == {a.field: a.value} and entry["old"] == {a.field: a.read_value}
                and a.version == a.read_version + 1)
    return True


@pytest.mark.slow
def test_forty_editors_for_a_minute_lose_nothing(tmp_path: Path) -> None:
    store = open_store(tmp_path / "room.duckdb")
    try:
        workshop_id, hot = seed_board(store)
        started = time.monotonic()
        people = [Participant(store, workshop_id, hot, n, started + SECONDS) for n in range(EDITORS)]
        threads = [threading.Thread(target=p.run) for p in people]
        for t in threads:
            t.start()
        for t in threads:
            t.join(SECONDS + 60)
        wall = time.monotonic() - started
        assert not any(t.is_alive() for t in threads), "an editor hung"
        log, rows = card_histories(store, workshop_id)
        final = {card_id: journey.get(store, card_id) for card_id in hot}
    finally:
        store.close()

    assert [e for p in people for e in p.errors] == []  # nothing but conflicts and vanished cards was raised
    attempts = [a for p in people for a in p.attempts]
    applied = [a for a in attempts if a.outcome == "applied"]

    # 0 lost updates: each applied save has a version of its own, and the log holds it as saved, based on the text
    # the person saw when opening the card (nobody else's save was overwritten unseen).
    assert len({(a.card, a.version) for a in applied}) == len(applied)
    at = {(e["entity_id"], e["version"]): e for entries in log.values() for e in entries}
    lost = [a for a in applied if not logged_as_saved(a, at.get((a.card, a.version)))]
    assert lost == [], f"LOST {len(lost)} of {len(applied)} applied saves, first: {lost[:3]}"
    # ...and the log holds nothing the participants did not do.
    by_people = [(e["entity_id"], e["version"]) for entries in log.values() for e in entries
                 if e["actor"].startswith("p")]
    assert sorted(by_people) == sorted((a.card, a.version) for a in applied)

    # Every card: versions 1..n in the log, the row at version n, holding what its last logged change says.
    assert set(log) == set(rows)
    for card_id, row in rows.items():
        entries = log[card_id]
        assert [e["version"] for e in entries] == list(range(1, len(entries) + 1)), card_id
        assert entries[0]["action"] == "create" and row["version"] == len(entries)
        state, deleted = {f: entries[0]["new"][f] for f in TEXT_FIELDS[row["table"]]}, False
        for e in entries[1:]:
            assert e["action"] in ("update", "delete"), e
            if e["action"] == "update":
                state.update(e["new"])
            deleted = deleted or e["action"] == "delete"
        assert {f: row[f] for f in TEXT_FIELDS[row["table"]]} == state, card_id
        assert (row["deleted_at"] is not None) == deleted
        mine = Counter(a.op for a in applied if a.card == card_id)
        assert mine["update"] + mine["delete"] == row["version"] - 1

    # Every refusal was real: the card had moved on, and the dialog showed that version's text.
    conflicts = [a for a in attempts if a.outcome == "conflict"]
    for a in conflicts:
        assert a.version > a.read_version
        if a.op == "update":
            shown = next(e["new"][a.field] for e in reversed(log[a.card][:a.version])
                         if e["new"] and a.field in e["new"])
            assert a.value == shown, a
    for a in attempts:
        if a.outcome == "gone":  # only a card (for an add: its parent) someone had deleted
            assert rows[a.card]["deleted_at"] is not None, a

    hot_saves = Counter(a.card for a in applied if a.op == "update" and a.card in hot)
    for card_id in hot:
        assert final[card_id].version == hot_saves[card_id] + 1
    ops = Counter((a.op, a.outcome) for a in attempts)
    print(f"\n{EDITORS} editors, {wall:.1f} s: {len(attempts)} attempts, {len(applied)} applied "
          f"({ops['update', 'applied']} updates, {ops['create', 'applied']} adds, {ops['delete', 'applied']} deletes), "
          f"{len(conflicts)} conflicts shown ({sum(a.retry for a in attempts)} saves retried after one), "
          f"{sum(a.outcome == 'gone' for a in attempts)} on cards deleted meanwhile, lost 0; "
          f"hot card versions {[final[c].version for c in hot]}")
