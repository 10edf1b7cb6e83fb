"""The process tests/test_durability.py kills with SIGKILL: it writes through cxcore's write path and says what
was acknowledged, so the parent can check that nothing acknowledged was lost.

    durability_child.py edits DB JOURNAL_DIR WORKSHOP_ID SEGMENT ROUND SEED THREADS [tiny-checkpoints]
    durability_child.py ingest DB CSV WORKSHOP_ID

`edits`: THREADS participants (actor `w<n>`) add touchpoints and barriers and edit theirs and the shared hot
cards (author `setup`), each exactly as a card dialog does: read the card, change a field, save with the version
read. After each call has *returned*, one JSON line saying what it acknowledged is appended to the thread's
journal and fsynced; nothing is journaled before. Prints `ready` once the threads run, then works until killed.

`ingest`: loads CSV as the workshop's base, printing `started`, each progress report, and `done` after the load
returned.
"""
from __future__ import annotations

import json
import os
import random
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cxcore import journey  # noqa: E402
from cxcore.errors import ConflictError  # noqa: E402
from cxcore.store import Store, open_store  # noqa: E402

HOT_AUTHOR = "setup"  # the parent's cards, which every thread edits
FIELDS = {"touchpoints": ("name", "channel"), "barriers": ("text", "severity")}


class Journal:
    """One thread's acknowledgements: a line is written and fsynced only after the cxcore call returned."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def ack(self, **entry) -> None:
        os.write(self.fd, (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8"))
        os.fsync(self.fd)


def participant(store: Store, workshop_id: str, segment: str, n: int, round_no: int, seed: int,
                journal: Journal) -> None:
    actor = f"w{n}"
    rng = random.Random(seed * 1000 + n)
    tree = journey.load(store, workshop_id, segment)
    stages = tree.stages
    mine = [card.id for card in (*tree.touchpoints, *tree.barriers) if card.author == actor]
    hot = [tp.id for tp in tree.touchpoints if tp.author == HOT_AUTHOR]
    step = 0
    while True:
        step += 1
        tag = f"{actor}-r{round_no}-s{step}"  # every value written is unique: a lost write cannot hide
        roll = rng.random()
        try:
            if roll < 0.12 or not mine:
                card = journey.add_touchpoint(store, rng.choice(stages), actor, tag)
                journal.ack(op="create", table="touchpoints", card=card.id, field="name", value=card.name,
                            version=card.version)
                mine.append(card.id)
            elif roll < 0.22:
                parent = journey.get(store, rng.choice(mine))
                if not isinstance(parent, journey.Touchpoint):
                    continue
                card = journey.add_barrier(store, parent, actor, tag, ["speed"])
                journal.ack(op="create", table="barriers", card=card.id, field="text", value=card.text,
                            version=card.version)
                mine.append(card.id)
            elif roll < 0.25:
                card = journey.get(store, rng.choice(mine))
                if card is None:
                    continue
                journey.delete(store, card, actor)
                journal.ack(op="delete", table=card.table, card=card.id, version=card.version + 1)
                mine.remove(card.id)
            else:
                card_id = rng.choice(hot) if hot and roll > 0.85 else rng.choice(mine)
                card = journey.get(store, card_id)
                if card is None:  # deleted (with its touchpoint) meanwhile
                    mine = [c for c in mine if c != card_id]
                    continue
                field = rng.choice(FIELDS[card.table])
                value = card.severity % 5 + 1 if field == "severity" else tag
                saved = journey.update(store, card, actor, **{field: value})
                journal.ack(op="update", table=card.table, card=card.id, field=field, value=getattr(saved, field),
                            version=saved.version)
        except ConflictError as conflict:  # a hot card another thread saved since it was read
            if conflict.key != "error.stale_version":  # DuckDB's own conflict: the writes were not serialised
                raise


def edits(db: str, journal_dir: str, workshop_id: str, segment: str, round_no: int, seed: int, threads: int,
          tiny_checkpoints: bool) -> None:
    store = open_store(db)
    if tiny_checkpoints:  # checkpoint after almost every commit, so kills often land inside one
        store.query("SET checkpoint_threshold = '4kB'")
    failures: list[BaseException] = []

    def run(n: int) -> None:
        try:
            journal = Journal(Path(journal_dir) / f"journal-r{round_no:02d}-w{n}.jsonl")
            participant(store, workshop_id, segment, n, round_no, seed, journal)
        except BaseException as error:  # noqa: BLE001 - anything but a kill is a failure the parent must see
            failures.append(error)
            print(f"failed: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
            os._exit(3)

    for n in range(threads):
        threading.Thread(target=run, args=(n,), daemon=True).start()
    print("ready", flush=True)
    threading.Event().wait()


def load(db: str, csv: str, workshop_id: str) -> None:
    from cxcore import ingest

    store = open_store(db)
    print("started", flush=True)
    ingest.load(store, csv, workshop_id=workshop_id, actor="loader",
                progress=lambda share, key: print(f"progress {share:.3f} {key}", flush=True))
    print("done", flush=True)
    threading.Event().wait()  # the parent kills it after reading `done`


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "edits":
        db, journal_dir, workshop_id, segment, round_no, seed, threads, *flags = args
        edits(db, journal_dir, workshop_id, segment, int(round_no), int(seed), int(threads),
              "tiny-checkpoints" in flags)
    elif mode == "ingest":
        load(*args)
    else:
        sys.exit(f"unknown mode {mode!r}")
