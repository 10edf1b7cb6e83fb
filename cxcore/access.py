"""Who may do what in a workshop: the facilitator's PIN and the proof of it, participants, read-only rooms.

The facilitator unlocks a workshop with its PIN and gets a `Facilitator`: a name (it is a `str`, so it is
the actor everywhere an actor is written) that carries a token this process issued. Facilitator-only
actions call `require_facilitator(actor, workshop_id)`; a plain name, a forged object, or a facilitator of
another workshop is refused with `Forbidden`. The PIN is stored as a scrypt hash with a salt of its own per
workshop; wrong PINs are counted in the database, so brute force stays slow across sessions and restarts.
A workshop without a PIN (the demo) lets anyone unlock it with an empty PIN.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from datetime import datetime, timedelta, timezone

from cxcore.errors import CxError, NotFound
from cxcore.store import Store

PIN_MIN, PIN_MAX = 4, 32
FREE_ATTEMPTS = 5                 # wrong PINs in a row before the waits start
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=15)
_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1, "dklen": 32}


class Forbidden(CxError):
    """An action this person may not take: facilitator-only, a read-only room, a wrong PIN, too many tries."""

    def __init__(self, key: str, wait_seconds: int = 0, **params) -> None:
        self.wait_seconds = wait_seconds
        super().__init__(key, seconds=wait_seconds, **params)


class Facilitator(str):
    """The facilitator's name with the proof of the PIN of one workshop (issued by `unlock` or `trusted`)."""

    workshop_id: str
    _token: str

    def __new__(cls, name: str, workshop_id: str, token: str) -> "Facilitator":
        self = super().__new__(cls, name)
        self.workshop_id = workshop_id
        self._token = token
        return self

    def __reduce__(self):  # a copy (session state, pickling) is the same proof
        return (Facilitator, (str(self), self.workshop_id, self._token))


_issued: dict[str, tuple[str, str]] = {}  # token → (workshop id, name), for this process's lifetime
_issued_lock = threading.Lock()


def _issue(name: str, workshop_id: str) -> Facilitator:
    token, name = secrets.token_urlsafe(24), name.strip() or "facilitator"
    with _issued_lock:
        _issued[token] = (workshop_id, name)
    return Facilitator(name, workshop_id, token)


def token_of(proof: Facilitator) -> str:
    """The proof's token, for the facilitator's own browser to keep (a cookie) across page reloads."""
    return proof._token


def resume(workshop_id: str, token: str | None) -> Facilitator | None:
    """The proof a token stands for, if this process issued it for this workshop and it was not revoked."""
    with _issued_lock:
        found = _issued.get(token or "")
    if found is None or found[0] != workshop_id:
        return None
    return Facilitator(found[1], workshop_id, token)


def trusted(workshop_id: str, name: str = "cli") -> Facilitator:
    """The local command line: it holds the database file itself, so it acts as the facilitator."""
    return _issue(name, workshop_id)


def revoke(workshop_id: str) -> None:
    """End every facilitator proof of a workshop (its PIN changed, or it was deleted)."""
    with _issued_lock:
        for token in [tok for tok, (wid, _) in _issued.items() if wid == workshop_id]:
            del _issued[token]


def is_facilitator(actor: object, workshop_id: str) -> bool:
    if not isinstance(actor, Facilitator) or actor.workshop_id != workshop_id:
        return False
    with _issued_lock:
        return _issued.get(actor._token, ("",))[0] == workshop_id


def require_facilitator(actor: object, workshop_id: str, store: Store | None = None) -> None:
    """Refuse anyone but the workshop's facilitator. Given the store, a workshop that has no PIN (the demo, one
    made on the command line) lets anyone act as its facilitator, as `unlock` does with an empty PIN."""
    if is_facilitator(actor, workshop_id):
        return
    if store is not None and not has_pin(store, workshop_id):
        return
    raise Forbidden("error.facilitator_only")


def require_writer(store: Store, actor: object, workshop_id: str) -> None:
    """Participants may edit unless the facilitator made the room read-only; the facilitator always may."""
    if is_facilitator(actor, workshop_id):
        return
    row = store.query_one("SELECT read_only FROM rooms WHERE id = ? AND deleted_at IS NULL", [workshop_id])
    if row is not None and row[0]:
        raise Forbidden("error.read_only")


# -- the PIN ----------------------------------------------------------------------------------
def check_pin_format(pin: str) -> str:
    pin = str(pin or "").strip()
    if not (PIN_MIN <= len(pin) <= PIN_MAX):
        raise Forbidden("error.pin_format", low=PIN_MIN, high=PIN_MAX)
    return pin


def _hash(pin: str, salt: str) -> str:
    return hashlib.scrypt(pin.encode("utf-8"), salt=bytes.fromhex(salt), **_SCRYPT).hex()


def hashed(pin: str) -> tuple[str, str]:
    """(hash, salt) of a new PIN, both hex: the salt is fresh for every PIN set."""
    salt = secrets.token_hex(16)
    return _hash(check_pin_format(pin), salt), salt


def has_pin(store: Store, workshop_id: str) -> bool:
    row = store.query_one("SELECT pin_hash FROM workshops WHERE id = ? AND deleted_at IS NULL", [workshop_id])
    if row is None:
        raise NotFound("error.no_workshop", name=workshop_id)
    return row[0] is not None


def set_pin(store: Store, workshop_id: str, pin: str, actor: object) -> None:
    """Set or change the PIN: the facilitator only (or anyone while the workshop has none). Earlier proofs end."""
    require_facilitator(actor, workshop_id, store)
    pin_hash, salt = hashed(pin)
    with store.write(str(actor)) as tx:
        tx.execute("UPDATE workshops SET pin_hash = ?, pin_salt = ? WHERE id = ?", [pin_hash, salt, workshop_id])
        tx.log("workshops", workshop_id, "set_pin", workshop_id=workshop_id)  # the hash never enters the log
    revoke(workshop_id)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def wait_left(store: Store, workshop_id: str, now: datetime | None = None) -> int:
    """Seconds until the next PIN attempt is accepted (0 = now). After FREE_ATTEMPTS wrong PINs in a row the
    wait starts at 30 s and doubles with every further wrong PIN, up to 15 minutes."""
    now = now or _now()
    row = store.query_one(
        """
        SELECT count(*), max(attempted_at) FROM pin_attempts
        WHERE workshop_id = ? AND NOT ok
          AND attempted_at > coalesce((SELECT max(attempted_at) FROM pin_attempts
                                       WHERE workshop_id = ? AND ok), TIMESTAMP '1970-01-01')
        """, [workshop_id, workshop_id])
    failures, last = row
    if failures < FREE_ATTEMPTS:
        return 0
    wait = min(FIRST_WAIT * 2 ** (failures - FREE_ATTEMPTS), LONGEST_WAIT)
    return max(0, int((last + wait - now).total_seconds() + 0.999))


def unlock(store: Store, workshop_id: str, pin: str, name: str = "facilitator",
           now: datetime | None = None) -> Facilitator:
    """The facilitator's proof for this workshop, if `pin` is its PIN. A wrong PIN raises Forbidden
    ("error.pin_wrong"); while the rate limit holds, every attempt (even the right PIN) raises Forbidden
    ("error.pin_wait") with `wait_seconds`, and is not counted."""
    row = store.query_one("SELECT pin_hash, pin_salt FROM workshops WHERE id = ? AND deleted_at IS NULL",
                          [workshop_id])
    if row is None:
        raise NotFound("error.no_workshop", name=workshop_id)
    pin_hash, salt = row
    if pin_hash is None:
        return _issue(name, workshop_id)
    now = now or _now()
    wait = wait_left(store, workshop_id, now)
    if wait:
        raise Forbidden("error.pin_wait", wait_seconds=wait)
    ok = hmac.compare_digest(_hash(str(pin or "").strip(), salt), pin_hash)
    with store.write(name or "facilitator") as tx:
        tx.execute("INSERT INTO pin_attempts (workshop_id, attempted_at, ok) VALUES (?, ?, ?)",
                   [workshop_id, now, ok])
    if not ok:
        raise Forbidden("error.pin_wrong", wait_seconds=wait_left(store, workshop_id, now))
    return _issue(name, workshop_id)
