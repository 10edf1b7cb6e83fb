"""The workshops at a glance (the home page): how far each got through the method, how many people took part;
making a new workshop (or a follow-up of an earlier one) ready for the room, and archiving an old one.

How far a workshop got (`STAGES`) is the furthest step with something in it, whatever came before: created →
base (a customer base loaded) → segments (a target segment chosen) → journey (a live barrier on a live
touchpoint of a live journey) → maturity (a maturity answer) → vote (a dot of the current round) → roadmap (a live
roadmap item). Names: `home.stage.<key>`.

Participants are counted honestly rather than from one table: the distinct names (spaces collapsed, case
ignored) of the people who joined by the link, rated the maturity practices, or put a dot — many rate or vote
without ever having "joined", e.g. a demo or an imported workshop.

Everything is one set-based query for all workshops, so the home page costs the same with 3 workshops or 300.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cxcore import access, agenda, journey_io, rfm_settings, workshop
from cxcore.errors import NotFound, RoomError
from cxcore.store import Store, Tx
from cxcore.workshop import Workshop

STAGES = ("created", "base", "segments", "journey", "maturity", "vote", "roadmap")
NAME_MAX = 200
TARGET_SEGMENT = "at_risk"  # the journey a template starts: the segment METHOD.md fixes first

_NAME_KEY = r"lower(regexp_replace(trim({}), '\s+', ' ', 'g'))"
OVERVIEW_SQL = f"""
WITH people AS (
    SELECT workshop_id, {_NAME_KEY.format('name')} AS who FROM participants WHERE deleted_at IS NULL
    UNION
    SELECT workshop_id, {_NAME_KEY.format('name')} FROM maturity_respondents WHERE deleted_at IS NULL
    UNION
    SELECT d.workshop_id, d.voter_key FROM roadmap_dots d WHERE d.deleted_at IS NULL
),
headcount AS (SELECT workshop_id, count(DISTINCT who) AS n FROM people GROUP BY workshop_id)
SELECT
    w.id, w.name, w.client, w.industry, w.held_on, w.language, w.archived_at, w.follows_id,
    w.pin_hash IS NOT NULL AS has_pin, coalesce(h.n, 0) AS participants,
    w.id IN (SELECT workshop_id FROM bases) AS base,
    w.id IN (SELECT workshop_id FROM rfm_settings
             WHERE target_segment IS NOT NULL AND deleted_at IS NULL) AS segments,
    w.id IN (SELECT b.workshop_id FROM barriers b
             JOIN touchpoints t ON t.id = b.touchpoint_id AND t.deleted_at IS NULL
             JOIN journeys j ON j.id = b.journey_id AND j.deleted_at IS NULL
             WHERE b.deleted_at IS NULL) AS journey,
    w.id IN (SELECT workshop_id FROM maturity_ratings WHERE deleted_at IS NULL) AS maturity,
    w.id IN (SELECT d.workshop_id FROM roadmap_dots d
             JOIN roadmap_votes v ON v.id = d.workshop_id AND v.round = d.round AND v.deleted_at IS NULL
             WHERE d.deleted_at IS NULL) AS vote,
    w.id IN (SELECT workshop_id FROM roadmap_items WHERE deleted_at IS NULL) AS roadmap
FROM workshops w
LEFT JOIN headcount h ON h.workshop_id = w.id
WHERE w.deleted_at IS NULL AND ($include_archived OR w.archived_at IS NULL)
ORDER BY w.held_on DESC NULLS LAST, w.name, w.id
"""


@dataclass(frozen=True)
class WorkshopRow:
    id: str
    name: str
    client: str
    industry: str
    held_on: date | None
    language: str
    archived_at: datetime | None
    follows_id: str | None
    has_pin: bool  # a workshop with a PIN is listed only to a browser that entered it
    participants: int
    stage: str  # the furthest of STAGES reached

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    @property
    def stage_index(self) -> int:
        """The stage's place in STAGES: 0 (created) to 6 (roadmap)."""
        return STAGES.index(self.stage)


def overview(store: Store, include_archived: bool = False) -> list[WorkshopRow]:
    """Every live workshop (archived ones too if asked), latest date first, with its stage and headcount."""
    rows = store.query_dicts(OVERVIEW_SQL, {"include_archived": bool(include_archived)})
    return [_row(r) for r in rows]


def _row(r: dict[str, Any]) -> WorkshopRow:
    reached = [key for key in STAGES[1:] if r[key]]
    return WorkshopRow(r["id"], r["name"], r["client"], r["industry"], r["held_on"], r["language"],
                       r["archived_at"], r["follows_id"], bool(r["has_pin"]), int(r["participants"]),
                       reached[-1] if reached else "created")


def unlock_by_name(store: Store, name: str, pin: str, who: str = "facilitator") -> access.Facilitator:
    """The facilitator's proof for the live workshop of this name (or id), if `pin` is its PIN. A name that does
    not exist is refused exactly like a wrong PIN, after the same hashing work: the answer never tells which
    workshops exist (the home page lists a workshop with a PIN only to a browser that entered it)."""
    found = workshop.find(store, _name(name)) if _name(name) else None
    if found is None or not access.has_pin(store, found.id):
        access.hashed(access.PIN_MIN * "0")  # the same time as a real check
        raise access.Forbidden("error.pin_wrong")
    return access.unlock(store, found.id, pin, who)


# -- archiving ------------------------------------------------------------------------------------------------
def archive(store: Store, workshop: Workshop | str, actor: object) -> None:
    """Take a workshop off the home list; it stays whole and can be opened by its link and unarchived."""
    _set_archived(store, workshop, actor, True)


def unarchive(store: Store, workshop: Workshop | str, actor: object) -> None:
    _set_archived(store, workshop, actor, False)


def _set_archived(store: Store, target: Workshop | str, actor: object, on: bool) -> None:
    """Archiving is a flag, not an edit of the workshop's details: its version stays, so a details form open
    elsewhere does not conflict. Archiving an archived workshop changes nothing."""
    workshop_id = target.id if isinstance(target, Workshop) else str(target)
    access.require_facilitator(actor, workshop_id, store)
    with store.write(str(actor)) as tx:
        row = tx.one("SELECT archived_at FROM workshops WHERE id = ? AND deleted_at IS NULL", [workshop_id])
        if row is None:
            raise NotFound("error.no_workshop", name=workshop_id)
        if (row[0] is not None) == on:
            return
        tx.execute("UPDATE workshops SET archived_at = CASE WHEN ? THEN current_localtimestamp() END, "
                   "updated_at = current_localtimestamp() WHERE id = ?", [on, workshop_id])
        new = tx.one("SELECT archived_at FROM workshops WHERE id = ?", [workshop_id])[0]
        tx.log("workshops", workshop_id, "archive" if on else "unarchive", workshop_id=workshop_id,
               old={"archived_at": row[0]}, new={"archived_at": new})


# -- a new workshop -------------------------------------------------------------------------------------------
def create(store: Store, name: str, *, pin: str, client: str = "", held_on: date | None = None, industry: str = "",
           facilitator: str = "", language: str = "ru", template: str | None = None,
           actor: str = "facilitator") -> tuple[Workshop, access.Facilitator]:
    """A workshop ready for the room, and its creator's facilitator proof: the PIN (4–32 characters, required),
    the room, the default agenda in `language`; with `template` (a key of `journey_io.templates()`), the target
    segment set to at_risk and its journey started from that template.

    Everything is checked first; the workshop, its PIN, room and agenda are written in one transaction (no
    moment without a PIN); the template's journey and the target segment follow as their own logged changes."""
    name, pin = _check_new(store, name, pin, language)
    if template:
        journey_io.template_stages(template, language)  # an unknown template is refused before anything is written
    who = _name(facilitator) or _name(actor) or "facilitator"
    pin_hash, salt = access.hashed(pin)
    with store.write(who) as tx:
        made = workshop.insert(tx, name, client=client.strip(), industry=industry.strip(), held_on=held_on,
                               language=language, facilitator=facilitator.strip())
        _ready(tx, made.id, pin_hash, salt, language)
    proof = access.unlock(store, made.id, pin, name=who)
    if template:
        rfm_settings.save(store, rfm_settings.get(store, made.id), proof, target_segment=TARGET_SEGMENT)
        journey_io.from_template(store, made.id, TARGET_SEGMENT, template, language, proof)
    return workshop.get(store, made.id), proof


def follow_up(store: Store, origin_id: str, name: str, *, pin: str, actor: object, held_on: date | None = None,
              facilitator: str = "", language: str | None = None) -> tuple[Workshop, access.Facilitator]:
    """The same client six months later: a new workshop following `origin_id` (the facilitator of that workshop
    only), starting from its journeys, RFM settings and roadmap (`transfer.follow_up`), with its own PIN, room and
    default agenda, and its creator's facilitator proof. The copy is one transaction and the PIN, room and agenda
    a second one right after it (the new workshop's id is random and unknown to anyone until this returns)."""
    from cxcore.transfer import follow_up as copy_follow_up  # the backup machinery loads only when needed

    access.require_facilitator(actor, origin_id, store)
    origin = workshop.get(store, origin_id)
    language = language or origin.language
    name, pin = _check_new(store, name, pin, language)
    who = _name(facilitator) or _name(actor) or "facilitator"
    details: dict[str, Any] = {"held_on": held_on, "language": language}
    if facilitator.strip():
        details["facilitator"] = facilitator.strip()
    made = copy_follow_up(store, origin_id, name, str(actor), **details)
    pin_hash, salt = access.hashed(pin)
    with store.write(who) as tx:
        _ready(tx, made.id, pin_hash, salt, language)
    return workshop.get(store, made.id), access.unlock(store, made.id, pin, name=who)


def _name(raw: object) -> str:
    return " ".join(str(raw or "").split())


def _check_new(store: Store, name: str, pin: str, language: str) -> tuple[str, str]:
    """The new workshop's name and PIN as kept; RoomError (or access.Forbidden for the PIN) naming the field."""
    name = _name(name)
    if not 1 <= len(name) <= NAME_MAX:
        raise RoomError("home.error.bad_name", field="name", most=NAME_MAX)
    if workshop.find(store, name) is not None:
        raise RoomError("home.error.name_taken", field="name", name=name)
    if language not in workshop.LANGUAGES:
        raise RoomError("home.error.bad_language", field="language", value=str(language),
                        allowed=", ".join(workshop.LANGUAGES))
    return name, access.check_pin_format(pin)


def _ready(tx: Tx, workshop_id: str, pin_hash: str, salt: str, language: str) -> None:
    """The PIN (its hash: never logged), the room and the default agenda of a workshop just made."""
    tx.execute("UPDATE workshops SET pin_hash = ?, pin_salt = ? WHERE id = ?", [pin_hash, salt, workshop_id])
    tx.log("workshops", workshop_id, "set_pin", workshop_id=workshop_id)
    if tx.record("rooms", workshop_id) is None:
        tx.execute("INSERT INTO rooms (id, workshop_id) VALUES (?, ?)", [workshop_id, workshop_id])
        tx.log("rooms", workshop_id, "create", workshop_id=workshop_id, version=1, new=tx.record("rooms", workshop_id))
    agenda.insert_default(tx, workshop_id, language)
