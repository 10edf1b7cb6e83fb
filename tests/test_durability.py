"""Crash durability: a process writing through cxcore is killed with SIGKILL again and again, and every change it
acknowledged is still there when the database is opened again; a base load killed midway leaves the old base or
the new one, never a mix. The process that is killed is tests/durability_child.py."""
from __future__ import annotations

import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb
import pytest

from cxcore import base, ingest, journey, workshop
from cxcore.store import Store, open_store

PROJECT = Path(__file__).resolve().parent.parent
CHILD = Path(__file__).resolve().parent / "durability_child.py"
SEED = 9_2025

KILLS = 20                  # the 20 kills in a row, on one database
THREADS = 8                 # writer threads in the killed process
KILL_DELAY = (0.3, 1.5)     # seconds after the child says it is ready
HOT_CARDS = 3               # touchpoints every thread edits (so conflicts happen too)
SEGMENT = "at_risk"
CARD_FIELDS = {"touchpoints": ("name", "channel"), "barriers": ("text", "severity")}

BASE_B_ROWS = 2_000_000     # the big base whose load is killed
BASE_A_ROWS = 1_000
START_TIMEOUT = 60          # a child that does not start within this is a failure, not a hang


# -- the child process ------------------------------------------------------------------------------------------------
class Child:
    """tests/durability_child.py running; its stdout lines are read as they come."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, str(CHILD), *args], cwd=PROJECT, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.strip())
        self.lines.put(None)

    def wait_for(self, wanted: Callable[[str], bool], timeout: float = START_TIMEOUT) -> str:
        """The first line that is `wanted` (or `done`, after which nothing more comes)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.kill()
                pytest.fail(f"the child said nothing wanted in {timeout} s; it said {self.seen[-5:]}")
            if line is None:
                self.proc.wait()
                pytest.fail(f"the child ended ({self.proc.returncode}): {self.proc.stderr.read()[-3000:]}")
            self.seen.append(line)
            if wanted(line) or line == "done":
                return line

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        stderr = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        assert self.proc.returncode == -signal.SIGKILL, f"the child was not killed but ended: {stderr[-3000:]}"


# -- edits --------------------------------------------------------------------------------------------------------
@dataclass
class Figures:
    kills: int = 0
    acknowledged: int = 0
    checked: int = 0
    committed_not_acknowledged: int = 0
    tiny_checkpoint_rounds: int = 0
    per_round: list[int] = field(default_factory=list)


def read_journal(folder: Path, round_no: int) -> list[dict]:
    """What the round's child acknowledged; a line the kill cut short was never acknowledged."""
    acks = []
    for path in sorted(folder.glob(f"journal-r{round_no:02d}-w*.jsonl")):
        text = path.read_text(encoding="utf-8")
        acks += [json.loads(line) for line in text.splitlines(keepends=True) if line.endswith("\n")]
    return acks


def check_edits(store: Store, workshop_id: str, acks: list[dict]) -> tuple[int, int]:
    """Every acknowledged change is in the database, and the database is whole. Returns (acknowledged changes
    checked, committed changes that were never acknowledged)."""
    log: dict[str, list[dict]] = defaultdict(list)
    for entry in store.query_dicts("""
            SELECT entity, entity_id, action, version, actor, new_value FROM change_log
            WHERE workshop_id = ? AND entity IN ('touchpoints', 'barriers') ORDER BY id""", [workshop_id]):
        entry["new"] = json.loads(entry["new_value"]) if entry["new_value"] else None
        log[entry["entity_id"]].append(entry)
    rows = {}
    for table, fields in CARD_FIELDS.items():
        for row in store.query_dicts(f"SELECT id, version, deleted_at, {', '.join(fields)} FROM {table} "
                                     "WHERE workshop_id = ?", [workshop_id]):
            rows[row["id"]] = (table, row)

    # Nothing half-written: each card's log is its whole life, version 1..n, and replaying it gives the row.
    assert set(log) == set(rows), "a logged change without its card, or a card without its log"
    for card_id, (table, row) in rows.items():
        entries = log[card_id]
        assert [e["version"] for e in entries] == list(range(1, len(entries) + 1)), (card_id, entries)
        assert entries[0]["action"] == "create" and {e["entity"] for e in entries} == {table}
        assert row["version"] == len(entries), (card_id, row, entries)
        state, deleted = {f: entries[0]["new"][f] for f in CARD_FIELDS[table]}, False
        for e in entries[1:]:
            if e["action"] == "update":
                state.update(e["new"])
            else:
                assert e["action"] == "delete", e
                deleted = True
        assert {f: row[f] for f in CARD_FIELDS[table]} == state, (card_id, entries)
        assert (row["deleted_at"] is not None) == deleted

    # Every acknowledged change is there, at the version it was acknowledged with, holding the value acknowledged
    # (the row holds it too unless a later logged change replaced it: checked by the replay above).
    at = {(e["entity_id"], e["version"]): e for entries in log.values() for e in entries}
    lost = [ack for ack in acks if not logged_as_acknowledged(ack, at.get((ack["card"], ack["version"])))]
    assert lost == [], f"LOST {len(lost)} of {len(acks)} acknowledged changes, first: {lost[:3]}"
    assert all(rows[ack["card"]][1]["version"] >= ack["version"] for ack in acks)
    by_children = sum(1 for entries in log.values() for e in entries if e["actor"].startswith("w"))
    return len(acks), by_children - len(acks)


def logged_as_acknowledged(ack: dict, entry: dict | None) -> bool:
    if entry is None or (entry["entity"], entry["action"]) != (ack["table"], ack["op"]):
        return False
    return ack["op"] == "delete" or entry["new"][ack["field"]] == ack["value"]


@pytest.mark.slow
def test_acknowledged_edits_survive_sigkill_20_times(tmp_path: Path) -> None:
    db, journals = tmp_path / "crash.duckdb", tmp_path / "journals"
    journals.mkdir()
    store = open_store(db)
    room = workshop.create(store, "Crash")
    tree = journey.ensure(store, room.id, SEGMENT, "setup")
    for n in range(HOT_CARDS):
        journey.add_touchpoint(store, tree.stages[n], "setup", f"hot {n}")
    store.close()

    rng, figures, acks = random.Random(SEED), Figures(), []
    started = time.monotonic()
    for round_no in range(KILLS):
        tiny = round_no % 2 == 1
        child = Child("edits", str(db), str(journals), room.id, SEGMENT, str(round_no), str(SEED + round_no),
                      str(THREADS), *(["tiny-checkpoints"] if tiny else []))
        child.wait_for(lambda line: line == "ready")
        time.sleep(rng.uniform(*KILL_DELAY))
        child.kill()
        figures.kills += 1
        figures.tiny_checkpoint_rounds += tiny
        new = read_journal(journals, round_no)
        figures.per_round.append(len(new))
        acks += new

        store = open_store(db)  # replays the WAL the kill left
        try:
            checked, unacknowledged = check_edits(store, room.id, acks)
        finally:
            store.close()
        # A thread is killed inside at most one call: at most one committed change of each is unacknowledged.
        assert 0 <= unacknowledged <= THREADS * (round_no + 1)
        figures.checked += checked
        figures.committed_not_acknowledged = unacknowledged

    figures.acknowledged = len(acks)
    assert figures.kills == KILLS
    assert sum(1 for n in figures.per_round if n > 0) >= KILLS - 2, figures.per_round  # the kills hit working writers
    print(f"\nedits: {figures.kills} kills survived ({figures.tiny_checkpoint_rounds} with tiny checkpoints), "
          f"{figures.acknowledged} acknowledged changes, {figures.checked} checks of them, lost 0, "
          f"{figures.committed_not_acknowledged} committed but cut off before their ack, "
          f"acks per round {figures.per_round}, {time.monotonic() - started:.1f} s")


# -- a base load --------------------------------------------------------------------------------------------------
BASE_COLUMNS = ("source_name", "rows_read", "rows_loaded", "rows_rejected", "customers", "orders", "revenue",
                "date_min", "date_max")
# (what the parent waits for, the shortest and longest random delay after it): while the rows are read and
# parsed, around the rows' commit, in the short transaction that makes the new base the workshop's, and right
# after the load returned (an acknowledged load must survive).
LOAD_KILLS = [
    ("progress.reading", 0.5, 3.0),
    ("progress.parsing 0.9", 0.0, 0.6),
    ("progress.checking", 0.0, 0.8),
    ("done", 0.0, 0.0),
]


def write_base(path: Path, rows: int, customers: int, first_day: str) -> tuple:
    """A generated CSV base (one order a row) and its totals as `base.summary` reports them."""
    con = duckdb.connect()
    try:
        con.execute(f"""
            COPY (SELECT 'C' || (i % {customers}) AS customer, 'O' || i AS order_no,
                         DATE '{first_day}' + CAST(i % 700 AS INTEGER) AS date,
                         round((i % 9973) / 10.0 + 1, 2) AS amount
                  FROM range({rows}) t(i))
            TO '{path}' (HEADER, DELIMITER ';')""")
        totals = con.execute(f"""
            SELECT count(*), count(*), 0, count(DISTINCT customer), count(*), round(sum(amount), 2), min(date),
                   max(date) FROM read_csv('{path}', delim = ';', header = true)""").fetchone()
    finally:
        con.close()
    return (path.name, *totals[:5], float(totals[5]), *totals[6:])


def left_behind(db: Path) -> int:
    """Rows of no base that the kill left in the file (looked at read-only, before the store opens it)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM base_rows WHERE base_id NOT IN (SELECT id FROM bases)").fetchone()[0]
    finally:
        con.close()


def base_now(store: Store, workshop_id: str) -> tuple:
    summary = base.summary(store, workshop_id)
    return tuple(getattr(summary, name) for name in BASE_COLUMNS)


def matches(trigger: str) -> Callable[[str], bool]:
    """A line `started`/`done`, a progress report (`progress.checking`), or one that reached a share."""
    key, _, share = trigger.partition(" ")

    def wanted(line: str) -> bool:
        if not key.startswith("progress."):
            return line == key
        said = line.split()
        return len(said) == 3 and said[2] == key and float(said[1]) >= float(share or 0)
    return wanted


@pytest.mark.slow
def test_a_load_killed_midway_leaves_the_old_base_or_the_new_one(tmp_path: Path) -> None:
    db = tmp_path / "load.duckdb"
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    started = time.monotonic()
    a_expected = write_base(small, BASE_A_ROWS, 100, "2024-01-01")
    b_expected = write_base(big, BASE_B_ROWS, 150_000, "2023-01-01")
    store = open_store(db)
    room = workshop.create(store, "Load")
    ingest.load(store, small, workshop_id=room.id, actor="setup")
    assert base_now(store, room.id) == a_expected
    store.close()

    rng, outcomes = random.Random(SEED), []
    for trigger, shortest, longest in LOAD_KILLS:
        child = Child("ingest", str(db), str(big), room.id)
        child.wait_for(matches(trigger))
        time.sleep(rng.uniform(shortest, longest))
        while not child.lines.empty():  # what it said before the kill
            child.seen.append(child.lines.get_nowait() or "")
        child.kill()
        acknowledged = "done" in child.seen
        orphans = left_behind(db)

        store = open_store(db)  # discards the rows of a load that never became the base
        try:
            now = base_now(store, room.id)
            assert now in (a_expected, b_expected), f"a mix after a kill at {trigger!r}: {now}"
            if acknowledged:
                assert now == b_expected, "a load that returned was lost"
            assert store.query_one("""
                SELECT (SELECT count(*) FROM base_rows WHERE base_id NOT IN (SELECT id FROM bases)),
                       (SELECT count(*) FROM base_rejects WHERE base_id NOT IN (SELECT id FROM bases)),
                       (SELECT count(*) FROM base_rows), (SELECT count(*) FROM bases)""") == (0, 0, now[2], 1)
            last_load = store.query_one("SELECT entity_id FROM change_log WHERE entity = 'bases' AND action = 'load' "
                                        "ORDER BY id DESC LIMIT 1")[0]
            assert last_load == str(base.current_base_id(store, room.id))
            outcomes.append((trigger, child.seen[-1], orphans, "B" if now == b_expected else "A"))
            if now == b_expected:  # start the next kill from base A again
                ingest.load(store, small, workshop_id=room.id, actor="setup")
                assert base_now(store, room.id) == a_expected
        finally:
            store.close()
    assert len(outcomes) == len(LOAD_KILLS) and outcomes[-1][-1] == "B"
    print(f"\nload of {BASE_B_ROWS:,} rows killed {len(outcomes)} times, {time.monotonic() - started:.1f} s:")
    for trigger, last_said, orphans, got in outcomes:
        print(f"  killed after {trigger!r} (last said {last_said!r}): {orphans:,} rows of no base left by the kill, "
              f"none after reopening -> base {got}")
