"""Dot voting: the facilitator opens a vote with N dots per participant; participants spend them from their own
browsers on barriers or ideas (several dots on one item allowed, as on a paper wall, up to N in all); the results
are live; the vote can be closed and reopened.

- `open_vote` starts a round (the first, or a new one after a closed vote: the earlier round's dots stay
  stored but no longer count); `close_vote` and `reopen_vote` keep the round and its dots. Opening a vote that
  is open is refused (its dots per participant cannot change under the voters' feet); closing a closed vote or
  reopening an open one changes nothing.
- A participant is a name, compared with spaces collapsed and case ignored (as the maturity ratings do).
- A dot is a row; casting and taking back run under the store's one write lock, so a participant who clicks in
  several tabs at once never spends more than N.
- Pages poll `stamp` and re-read `tally` when it moves.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cxcore import access
from cxcore.errors import NotFound, VoteError
from cxcore.journey_model import new_id
from cxcore.maturity import clean_name, respondent_key
from cxcore.store import Store, Tx

VOTES, DOTS = "roadmap_votes", "roadmap_dots"
ENTITIES = (VOTES, DOTS)
TARGETS = {"barrier": "barriers", "idea": "ideas"}  # target kind -> its journey table
MAX_DOTS = 20


@dataclass(frozen=True)
class VoteState:
    """The workshop's vote now: open or not, dots per participant, which round (0: never opened)."""
    open: bool
    dots: int
    round: int = 0
    version: int = 0
    opened_at: datetime | None = None
    closed_at: datetime | None = None

    @property
    def started(self) -> bool:
        return self.round > 0


_STATE_SQL = f"""
    SELECT is_open, dots, round, version, opened_at, closed_at FROM {VOTES} WHERE id = ? AND deleted_at IS NULL"""
_LIVE_DOTS = f"""
    FROM {DOTS} d JOIN {VOTES} v ON v.id = d.workshop_id AND v.round = d.round AND v.deleted_at IS NULL
    WHERE d.workshop_id = ? AND d.deleted_at IS NULL"""


# -- reading --------------------------------------------------------------------------------------------------
def stamp(store: Store, workshop_id: str) -> int:
    """A number that grows with every dot and every open/close: re-read the tally only when it moved."""
    return store.query_one("SELECT coalesce(max(id), 0) FROM change_log WHERE workshop_id = ? AND entity IN (?, ?)",
                           [workshop_id, *ENTITIES])[0]


def vote_state(store: Store, workshop_id: str) -> VoteState:
    row = store.query_one(_STATE_SQL, [workshop_id])
    return VoteState(*row) if row else VoteState(False, 0)


def tally(store: Store, workshop_id: str) -> dict[str, int]:
    """Dots per barrier or idea id in the current round, most dots first (closed or open)."""
    rows = store.query(f"SELECT d.target_id, count(*) AS n {_LIVE_DOTS} GROUP BY d.target_id ORDER BY n DESC, "
                       "d.target_id", [workshop_id])
    return dict(rows)


def my_dots(store: Store, workshop_id: str, voter: str) -> dict[str, int]:
    """Where one participant's dots of the current round are: target id -> dots."""
    rows = store.query(f"SELECT d.target_id, count(*) {_LIVE_DOTS} AND d.voter_key = ? GROUP BY d.target_id "
                       "ORDER BY d.target_id", [workshop_id, respondent_key(voter)])
    return dict(rows)


def dots_left(store: Store, workshop_id: str, voter: str) -> int:
    """The participant's unspent dots in the current round (0 before any vote was opened)."""
    state = vote_state(store, workshop_id)
    return state.dots - sum(my_dots(store, workshop_id, voter).values()) if state.started else 0


def turnout(store: Store, workshop_id: str) -> dict[str, int]:
    """Dots spent per participant in the current round (the name as first typed), most first."""
    rows = store.query(f"SELECT arg_min(d.voter, d.created_at) AS voter, count(*) AS n {_LIVE_DOTS} "
                       "GROUP BY d.voter_key ORDER BY n DESC, voter", [workshop_id])
    return dict(rows)


# -- the facilitator ------------------------------------------------------------------------------------------
def open_vote(store: Store, workshop_id: str, dots: int, actor: str) -> VoteState:
    """Open a vote with `dots` per participant: the first round, or a new round after a closed one."""
    access.require_facilitator(actor, workshop_id, store)
    if isinstance(dots, bool) or not isinstance(dots, int) or not 1 <= dots <= MAX_DOTS:
        raise VoteError("vote.error.bad_dots", value=repr(dots), most=MAX_DOTS)
    now = datetime.now()
    with store.write(actor) as tx:
        old = tx.record(VOTES, workshop_id)
        if old is None or old["deleted_at"] is not None:
            if tx.one("SELECT 1 FROM workshops WHERE id = ? AND deleted_at IS NULL", [workshop_id]) is None:
                raise NotFound("error.no_workshop", name=workshop_id)
            tx.execute(f"INSERT INTO {VOTES} (id, workshop_id, round, dots, is_open, opened_at) "
                       "VALUES (?, ?, 1, ?, true, ?)", [workshop_id, workshop_id, dots, now])
            tx.log(VOTES, workshop_id, "open", workshop_id=workshop_id, version=1, new=tx.record(VOTES, workshop_id))
        elif old["is_open"]:
            raise VoteError("vote.error.already_open", dots=old["dots"])
        else:
            _change(tx, old, "open", round=old["round"] + 1, dots=dots, is_open=True, opened_at=now, closed_at=None)
    return vote_state(store, workshop_id)


def close_vote(store: Store, workshop_id: str, actor: str) -> VoteState:
    """Stop the voting; the dots stay and the results stand."""
    return _switch(store, workshop_id, actor, False)


def reopen_vote(store: Store, workshop_id: str, actor: str) -> VoteState:
    """Let the room vote again in the same round, with the dots already spent."""
    return _switch(store, workshop_id, actor, True)


def _switch(store: Store, workshop_id: str, actor: str, is_open: bool) -> VoteState:
    access.require_facilitator(actor, workshop_id, store)
    with store.write(actor) as tx:
        old = tx.record(VOTES, workshop_id)
        if old is None or old["deleted_at"] is not None:
            raise VoteError("vote.error.not_opened")
        if old["is_open"] != is_open:
            stamp_at = {"opened_at": datetime.now()} if is_open else {"closed_at": datetime.now()}
            _change(tx, old, "reopen" if is_open else "close", is_open=is_open, **stamp_at)
    return vote_state(store, workshop_id)


def _change(tx: Tx, old: dict[str, Any], action: str, **values: Any) -> None:
    sets = ", ".join(f"{name} = ?" for name in values)  # names come from this module
    tx.execute(f"UPDATE {VOTES} SET {sets}, version = version + 1, updated_at = current_localtimestamp() "
               "WHERE id = ?", [*values.values(), old["id"]])
    new = tx.record(VOTES, old["id"])
    tx.log(VOTES, old["id"], action, workshop_id=old["workshop_id"], version=new["version"],
           old={k: old[k] for k in values}, new={k: new[k] for k in values})


# -- the participants -----------------------------------------------------------------------------------------
def cast(store: Store, workshop_id: str, voter: str, target_kind: str, target_id: str,
         actor: str | None = None) -> int:
    """Put one of the voter's dots on a barrier or an idea; returns the dots they have left. Refused (VoteError)
    when the vote is closed or not opened, or the voter has no dot left."""
    name, table = _voter(voter), _table(target_kind)
    access.require_writer(store, actor or name, workshop_id)
    with store.write(actor or name) as tx:
        is_open, dots, round_ = _open_round(tx, workshop_id)
        if tx.one(f"SELECT 1 FROM {table} WHERE id = ? AND workshop_id = ? AND deleted_at IS NULL",
                  [target_id, workshop_id]) is None:
            raise VoteError("vote.error.bad_target", kind=target_kind, id=str(target_id))
        used = _used(tx, workshop_id, round_, name)
        if used >= dots:
            raise VoteError("vote.error.no_dots_left", dots=dots)
        dot_id = new_id()
        tx.execute(f"INSERT INTO {DOTS} (id, workshop_id, round, voter, voter_key, target_kind, target_id) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [dot_id, workshop_id, round_, name, respondent_key(name), target_kind, target_id])
        tx.log(DOTS, dot_id, "create", workshop_id=workshop_id, version=1, new=tx.record(DOTS, dot_id))
        return dots - used - 1


def retract(store: Store, workshop_id: str, voter: str, target_kind: str, target_id: str,
            actor: str | None = None) -> int:
    """Take back one of the voter's dots from a barrier or an idea (the latest put there); returns the dots they
    have left. Refused while the vote is closed, and where the voter has no dot."""
    name, _ = _voter(voter), _table(target_kind)
    access.require_writer(store, actor or name, workshop_id)
    with store.write(actor or name) as tx:
        _, dots, round_ = _open_round(tx, workshop_id)
        row = tx.one(f"""SELECT id FROM {DOTS} WHERE workshop_id = ? AND round = ? AND voter_key = ?
                         AND target_kind = ? AND target_id = ? AND deleted_at IS NULL
                         ORDER BY created_at DESC, id DESC LIMIT 1""",
                     [workshop_id, round_, respondent_key(name), target_kind, target_id])
        if row is None:
            raise VoteError("vote.error.no_dot_here")
        old = tx.record(DOTS, row[0])
        tx.execute(f"UPDATE {DOTS} SET deleted_at = current_localtimestamp(), version = version + 1, "
                   "updated_at = current_localtimestamp() WHERE id = ?", [row[0]])
        new = tx.record(DOTS, row[0])
        tx.log(DOTS, row[0], "delete", workshop_id=workshop_id, version=new["version"], old=old, new=new)
        return dots - _used(tx, workshop_id, round_, name)


def _voter(voter: Any) -> str:
    name = clean_name(voter) if isinstance(voter, str) else ""
    if not name:
        raise VoteError("vote.error.no_voter")
    return name


def _table(target_kind: str) -> str:
    if target_kind not in TARGETS:
        raise VoteError("vote.error.bad_kind", kind=str(target_kind), allowed=", ".join(TARGETS))
    return TARGETS[target_kind]


def _open_round(tx: Tx, workshop_id: str) -> tuple[bool, int, int]:
    row = tx.one(f"SELECT is_open, dots, round FROM {VOTES} WHERE id = ? AND deleted_at IS NULL", [workshop_id])
    if row is None:
        raise VoteError("vote.error.not_opened")
    if not row[0]:
        raise VoteError("vote.error.closed")
    return row


def _used(tx: Tx, workshop_id: str, round_: int, name: str) -> int:
    return tx.one(f"SELECT count(*) FROM {DOTS} WHERE workshop_id = ? AND round = ? AND voter_key = ? "
                  "AND deleted_at IS NULL", [workshop_id, round_, respondent_key(name)])[0]
