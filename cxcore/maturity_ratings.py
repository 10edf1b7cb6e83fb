"""The CX maturity ratings of a workshop: many respondents rate the 20 practices at once, each from their own
browser under their own name; every answer is saved as it changes.

A respondent is a name within the workshop, compared with spaces collapsed and case ignored. An answer is a
score 1–5 or "don't know" (None); a practice without an answer is not answered yet. A re-vote is a versioned
update (the change log keeps the old score); `clear` takes an answer back (a soft delete). Pages poll `stamp`
and re-read `ratings`, `progress` and `result` when it moves. `replace_ratings` (the CSV import, the demo) sets
the whole answer sheets of the respondents it names in one transaction, logged row by row like the rest.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Sequence

from cxcore import access, maturity_model, workshop
from cxcore.errors import ConflictError, MaturityError, NotFound
from cxcore.maturity import (CompetencyDelta, MaturityResult, Rating, clean_name, respondent_key, score,
                             side_by_side)
from cxcore.store import Store, Tx
from cxcore.workshop import Workshop

RESPONDENTS, RATINGS = "maturity_respondents", "maturity_ratings"
ENTITIES = (RESPONDENTS, RATINGS)
PRACTICE_COUNT = len(maturity_model.PRACTICES)
_RETRIES = 3  # a re-vote racing the same respondent's other tab: read again and save again

_RATINGS_SQL = """
    SELECT p.name, r.practice, r.score
    FROM maturity_ratings r JOIN maturity_respondents p ON p.id = r.respondent_id
    WHERE r.workshop_id = ? AND r.deleted_at IS NULL AND p.deleted_at IS NULL
    ORDER BY p.position, p.id, r.practice"""

_PROGRESS_SQL = """
    SELECT p.name, count(r.score) AS rated, count(r.id) - count(r.score) AS unknown
    FROM maturity_respondents p
    LEFT JOIN maturity_ratings r ON r.respondent_id = p.id AND r.deleted_at IS NULL
    WHERE p.workshop_id = ? AND p.deleted_at IS NULL
    GROUP BY p.id, p.name, p.position
    ORDER BY p.position, p.id"""

_HISTORY_SQL = """
    SELECT c.id, c.changed_at, c.actor, p.name, r.practice, c.action, c.version, c.old_value, c.new_value
    FROM change_log c
    JOIN maturity_ratings r ON r.id = c.entity_id
    JOIN maturity_respondents p ON p.id = r.respondent_id
    WHERE c.workshop_id = ? AND c.entity = 'maturity_ratings'
    ORDER BY c.id DESC"""


@dataclass(frozen=True)
class Progress:
    """How far one respondent is: answers given (scores and "don't know") of the 20."""
    respondent: str
    rated: int
    unknown: int

    @property
    def answered(self) -> int:
        return self.rated + self.unknown

    @property
    def unanswered(self) -> int:
        return PRACTICE_COUNT - self.answered

    @property
    def finished(self) -> bool:
        return self.answered == PRACTICE_COUNT


@dataclass(frozen=True)
class RatingChange:
    """One logged change of an answer: create, update (a re-vote), delete (cleared) or import-time changes."""
    id: int
    changed_at: datetime
    actor: str
    respondent: str
    practice: int
    action: str
    version: int | None
    old_score: int | None  # None: no answer before (create), or "don't know"
    new_score: int | None


@dataclass(frozen=True)
class ReplaceSummary:
    respondents: int
    answers: int
    created: int
    updated: int
    unchanged: int
    cleared: int  # answers of those respondents that the new sheet no longer holds

    def to_json(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Comparison:
    """This workshop's result beside the client's previous one, competency by competency."""
    current_workshop: Workshop
    previous_workshop: Workshop
    current: MaturityResult
    previous: MaturityResult
    competencies: tuple[CompetencyDelta, ...]

    @property
    def total_change(self) -> float | None:
        if self.current.total is None:
            return None
        return float(self.current.exact_total - self.previous.exact_total)


# -- checks ---------------------------------------------------------------------------------------------------
def check_practice(practice: Any) -> int:
    if isinstance(practice, bool) or not isinstance(practice, int) or practice not in maturity_model.BY_NUMBER:
        raise MaturityError("maturity.bad_practice", value=repr(practice))
    return practice


def check_score(value: Any) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                              or value not in maturity_model.SCORES):
        raise MaturityError("maturity.bad_score", value=repr(value))
    return value


def check_name(name: Any) -> str:
    text = clean_name(name) if isinstance(name, str) else ""
    if not text:
        raise MaturityError("maturity.no_respondent")
    return text


# -- reading ------------------------------------------------------------------------------------------------
def stamp(store: Store, workshop_id: str) -> int:
    """A number that grows with every maturity change of the workshop: re-read only when it moved."""
    return store.query_one("SELECT coalesce(max(id), 0) FROM change_log WHERE workshop_id = ? AND entity IN (?, ?)",
                           [workshop_id, *ENTITIES])[0]


def ratings(store: Store, workshop_id: str) -> list[Rating]:
    """Every answer of the workshop (respondents in the order they joined, practices by number)."""
    return [Rating(*row) for row in store.query(_RATINGS_SQL, [workshop_id])]


def respondents(store: Store, workshop_id: str) -> list[str]:
    """The names of everyone who joined, in the order they joined."""
    return [p.respondent for p in progress(store, workshop_id)]


def progress(store: Store, workshop_id: str) -> list[Progress]:
    """Per respondent (in the order they joined): scores given, "don't know" answers, finished or not."""
    return [Progress(*row) for row in store.query(_PROGRESS_SQL, [workshop_id])]


def result(store: Store, workshop_id: str) -> MaturityResult:
    """The workshop's maturity, scored as METHOD.md says (see cxcore/maturity.py)."""
    return score(ratings(store, workshop_id))


def history(store: Store, workshop_id: str, respondent: str | None = None,
            practice: int | None = None) -> list[RatingChange]:
    """What happened to the answers, newest first; optionally of one respondent and/or practice."""
    found = []
    for row in store.query(_HISTORY_SQL, [workshop_id]):
        *head, old, new = row
        if respondent is not None and respondent_key(head[3]) != respondent_key(respondent):
            continue
        if practice is not None and head[4] != practice:
            continue
        old, new = (json.loads(v) if v else None for v in (old, new))
        found.append(RatingChange(*head, (old or {}).get("score"), (new or {}).get("score")))
    return found


# -- answering ----------------------------------------------------------------------------------------------
def join(store: Store, workshop_id: str, name: str, actor: str | None = None) -> str:
    """Register a respondent (nothing happens if the name is already there); returns the name as stored."""
    name = check_name(name)
    with store.write(actor or name) as tx:
        return _respondent(tx, workshop_id, name, create=True)[1]


def rate(store: Store, workshop_id: str, respondent: str, practice: int, value: int | None,
         actor: str | None = None) -> Rating:
    """Save one answer (a score 1–5, or None for "don't know"); the respondent joins if new. A changed answer is a
    versioned update, so the change log keeps the old one. Returns the answer as saved."""
    name, practice, value = check_name(respondent), check_practice(practice), check_score(value)
    actor = actor or _known_name(store, workshop_id, name)
    access.require_writer(store, actor, workshop_id)
    for attempt in range(_RETRIES):
        with store.write(actor) as tx:
            respondent_id, name = _respondent(tx, workshop_id, name, create=True)
            row = tx.one(f"SELECT id, version, score FROM {RATINGS} WHERE respondent_id = ? AND practice = ? "
                         "AND deleted_at IS NULL", [respondent_id, practice])
            if row is None:
                _insert(tx, workshop_id, respondent_id, practice, value)
                return Rating(name, practice, value)
        rating_id, version, old = row
        if old == value:
            return Rating(name, practice, value)
        try:
            store.update_record(RATINGS, rating_id, version, {"score": value}, actor, workshop_id)
            return Rating(name, practice, value)
        except ConflictError:
            if attempt == _RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def clear(store: Store, workshop_id: str, respondent: str, practice: int, actor: str | None = None) -> None:
    """Take an answer back: the practice is unanswered again (the answer stays in the history)."""
    name, practice = check_name(respondent), check_practice(practice)
    access.require_writer(store, actor or name, workshop_id)
    with store.write(actor or name) as tx:
        found = _respondent(tx, workshop_id, name, create=False)
        row = found and tx.one(f"SELECT id, version FROM {RATINGS} WHERE respondent_id = ? AND practice = ? "
                               "AND deleted_at IS NULL", [found[0], practice])
    if row:
        store.delete_record(RATINGS, row[0], row[1], actor or name, workshop_id)


def remove_respondent(store: Store, workshop_id: str, name: str, actor: str) -> None:
    """Take a respondent out (a mistyped name, someone who left): their answers no longer count. Restorable from the
    change log's records (soft deletes)."""
    name = check_name(name)
    with store.write(actor) as tx:
        found = _respondent(tx, workshop_id, name, create=False)
        if found is None:
            raise MaturityError("maturity.unknown_respondent", name=name)
        for (rating_id,) in tx.execute(f"SELECT id FROM {RATINGS} WHERE respondent_id = ? AND deleted_at IS NULL "
                                       "ORDER BY practice", [found[0]]):
            _soft_delete(tx, workshop_id, RATINGS, rating_id)
        _soft_delete(tx, workshop_id, RESPONDENTS, found[0])


def replace_ratings(store: Store, workshop_id: str, answers: Sequence[Rating], actor: str) -> ReplaceSummary:
    """Make the answer sheets of the respondents named in `answers` exactly those answers, in one transaction:
    new answers are created, changed ones updated (versioned, the old score logged), unchanged ones left alone,
    and answers of those respondents missing from `answers` cleared. Other respondents keep theirs."""
    checked = [Rating(check_name(a.respondent), check_practice(a.practice), check_score(a.score)) for a in answers]
    sheets: dict[str, dict[int, int | None]] = {}
    shown: dict[str, str] = {}
    for answer in checked:
        key = respondent_key(answer.respondent)
        shown.setdefault(key, answer.respondent)
        sheets.setdefault(key, {})[answer.practice] = answer.score
    counts = dict(created=0, updated=0, unchanged=0, cleared=0)
    with store.write(actor) as tx:
        for key, sheet in sheets.items():
            respondent_id, _ = _respondent(tx, workshop_id, shown[key], create=True)
            live = {practice: (rating_id, old) for rating_id, practice, old in tx.execute(
                f"SELECT id, practice, score FROM {RATINGS} WHERE respondent_id = ? AND deleted_at IS NULL",
                [respondent_id])}
            for practice, value in sheet.items():
                if practice not in live:
                    _insert(tx, workshop_id, respondent_id, practice, value)
                    counts["created"] += 1
                elif live[practice][1] == value:
                    counts["unchanged"] += 1
                else:
                    _update_score(tx, workshop_id, live[practice][0], value)
                    counts["updated"] += 1
            for practice in sorted(set(live) - set(sheet)):
                _soft_delete(tx, workshop_id, RATINGS, live[practice][0])
                counts["cleared"] += 1
    return ReplaceSummary(len(sheets), len({(respondent_key(a.respondent), a.practice) for a in checked}), **counts)


# -- against the last workshop ----------------------------------------------------------------------------------
def previous_workshop(store: Store, workshop_id: str) -> Workshop | None:
    """The same client's latest workshop held before this one that has a maturity result (a total); None if this
    workshop has no client or date, or there is none."""
    current = workshop.get(store, workshop_id)
    if not current.client.strip() or current.held_on is None:
        return None
    client = respondent_key(current.client)
    earlier = [w for w in workshop.all_workshops(store)
               if w.id != current.id and w.held_on is not None and w.held_on < current.held_on
               and respondent_key(w.client) == client]
    earlier.sort(key=lambda w: (w.held_on, w.created_at), reverse=True)
    return next((w for w in earlier if result(store, w.id).complete), None)


def compare(store: Store, workshop_id: str) -> Comparison | None:
    """This workshop's result beside the client's previous one (see `previous_workshop`), or None."""
    before = previous_workshop(store, workshop_id)
    if before is None:
        return None
    current, previous = result(store, workshop_id), result(store, before.id)
    return Comparison(workshop.get(store, workshop_id), before, current, previous, side_by_side(current, previous))


# -- writing helpers ------------------------------------------------------------------------------------------
def _new_id() -> str:
    return secrets.token_urlsafe(9).replace("-", "x").replace("_", "y")


def _known_name(store: Store, workshop_id: str, name: str) -> str:
    """The name as the workshop stores it (another spelling of a respondent's name means them), else as given."""
    key = respondent_key(name)
    rows = store.query(f"SELECT name FROM {RESPONDENTS} WHERE workshop_id = ? AND deleted_at IS NULL", [workshop_id])
    return next((stored for (stored,) in rows if respondent_key(stored) == key), name)


def _respondent(tx: Tx, workshop_id: str, name: str, create: bool) -> tuple[str, str] | None:
    """(id, stored name) of the workshop's respondent called `name`; created (last in order) if asked."""
    rows = tx.execute(f"SELECT id, name FROM {RESPONDENTS} WHERE workshop_id = ? AND deleted_at IS NULL "
                      "ORDER BY position, id", [workshop_id])
    key = respondent_key(name)
    found = next(((rid, stored) for rid, stored in rows if respondent_key(stored) == key), None)
    if found or not create:
        return found
    if tx.one("SELECT 1 FROM workshops WHERE id = ? AND deleted_at IS NULL", [workshop_id]) is None:
        raise NotFound("error.no_workshop", name=workshop_id)
    respondent_id = _new_id()
    tx.execute(f"""
        INSERT INTO {RESPONDENTS} (id, workshop_id, name, position)
        SELECT ?, ?, ?, coalesce(max(position) + 1, 0) FROM {RESPONDENTS} WHERE workshop_id = ?""",
               [respondent_id, workshop_id, name, workshop_id])
    tx.log(RESPONDENTS, respondent_id, "create", workshop_id=workshop_id, version=1,
           new=tx.record(RESPONDENTS, respondent_id))
    return respondent_id, name


def _insert(tx: Tx, workshop_id: str, respondent_id: str, practice: int, value: int | None) -> None:
    rating_id = _new_id()
    tx.execute(f"INSERT INTO {RATINGS} (id, workshop_id, respondent_id, practice, score) VALUES (?, ?, ?, ?, ?)",
               [rating_id, workshop_id, respondent_id, practice, value])
    tx.log(RATINGS, rating_id, "create", workshop_id=workshop_id, version=1, new=tx.record(RATINGS, rating_id))


def _update_score(tx: Tx, workshop_id: str, rating_id: str, value: int | None) -> None:
    """A versioned update inside an open transaction, logged as the store's `update_record` logs one."""
    old = tx.record(RATINGS, rating_id)
    tx.execute(f"UPDATE {RATINGS} SET score = ?, version = version + 1, updated_at = current_localtimestamp() "
               "WHERE id = ?", [value, rating_id])
    new = tx.record(RATINGS, rating_id)
    tx.log(RATINGS, rating_id, "update", workshop_id=workshop_id, version=new["version"],
           old={"score": old["score"]}, new={"score": new["score"]})


def _soft_delete(tx: Tx, workshop_id: str, table: str, record_id: str) -> None:
    """A soft delete inside an open transaction, logged as the store's `delete_record` logs one."""
    old = tx.record(table, record_id)
    tx.execute(f"UPDATE {table} SET deleted_at = current_localtimestamp(), version = version + 1, "
               "updated_at = current_localtimestamp() WHERE id = ?", [record_id])
    new = tx.record(table, record_id)
    tx.log(table, record_id, "delete", workshop_id=workshop_id, version=new["version"], old=old, new=new)
