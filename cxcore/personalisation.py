"""The personalisation plan of a segment: preventive actions (reach the customer before the need: content answering
the usage questions service keeps receiving) and reactive ones (respond to a signal: no order in 60 days → a
call), each with its channel, trigger and the KPI to watch.

Actions are versioned records anyone may add, edit and move to the trash (restorable) unless the room is read-only.
`suggested` offers a few starting actions derived from the data, to accept one by one. The plan feeds the segment's
contact and content policy (METHOD step 5): `apply_to_policy` adds the plan's channels to the policy's and lists
the plan's triggers in its note; `plan_mix` sets the share of preventive (useful content) actions beside the 50/50
golden rule.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Callable

from cxcore import access, checks, contact_policy, method, persona
from cxcore.errors import NotFound, PersonaError
from cxcore.i18n import LANGUAGES, fmt_number, t
from cxcore.journey_model import new_id
from cxcore.segments import SEGMENTS
from cxcore.store import Store

TABLE = "personalisation_actions"
KINDS = ("preventive", "reactive")
ACTION_MAX, CHANNEL_MAX, TRIGGER_MAX, KPI_MAX = 500, 80, 300, 200
EDITABLE = ("kind", "action", "channel", "trigger", "kpi", "position")
DEFAULT_CHANNEL = {"preventive": "email", "reactive": "call_centre"}  # when the base names no channel
ACTIVE = ("champions", "loyal", "promising")  # silent longer than usual: reach them before they slip
SILENCE_MIN = 30  # days: the least "no order in N days" suggested


@dataclass(frozen=True)
class Action:
    id: str
    workshop_id: str
    segment: str
    kind: str  # preventive | reactive
    action: str
    channel: str  # a CHANNELS key or free text
    trigger: str
    kpi: str
    author: str
    position: int
    version: int
    created_at: datetime


_COLUMNS = ", ".join(f.name for f in fields(Action))
_ORDER = "list_position(?, segment), kind <> 'preventive', position, created_at, id"


def _from(record: dict[str, Any]) -> Action:
    return Action(**{f.name: record[f.name] for f in fields(Action)})


# -- checks ---------------------------------------------------------------------------------------------------------
def _text(most: int, required: bool = False) -> Callable[[Any, str], str]:
    def check(raw: Any, field: str) -> str:
        text = checks.text(raw, most, required)
        if text is None:
            raise PersonaError("personalisation.error.bad_text" if required else "persona.error.too_long",
                               field=field, most=most)
        return text
    return check


def _choice(options: tuple) -> Callable[[Any, str], Any]:
    def check(raw: Any, field: str) -> Any:
        if raw not in options:
            raise PersonaError("persona.error.bad_choice", field=field, value=str(raw), allowed=", ".join(options))
        return raw
    return check


def _position(raw: Any, field: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise PersonaError("personalisation.error.bad_position", field=field)
    return raw


CHECKS: dict[str, Callable[[Any, str], Any]] = {
    "segment": _choice(SEGMENTS), "kind": _choice(KINDS), "action": _text(ACTION_MAX, required=True),
    "channel": _text(CHANNEL_MAX), "trigger": _text(TRIGGER_MAX), "kpi": _text(KPI_MAX), "position": _position}


def check(name: str, raw: Any) -> Any:
    """One field's value as an action stores it (PersonaError naming the field if it breaks a rule): for forms."""
    return CHECKS[name](raw, name)


# -- reading --------------------------------------------------------------------------------------------------------
def actions(store: Store, workshop_id: str, segment: str | None = None) -> list[Action]:
    """The live actions (of one segment, or all in SEGMENTS order): preventive first, then in their order."""
    where, params = ("AND segment = ?", [check("segment", segment)]) if segment is not None else ("", [])
    rows = store.query_dicts(f"SELECT {_COLUMNS} FROM {TABLE} WHERE workshop_id = ? AND deleted_at IS NULL {where} "
                             f"ORDER BY {_ORDER}", [workshop_id, *params, list(SEGMENTS)])
    return [_from(row) for row in rows]


def by_segment(store: Store, workshop_id: str) -> dict[str, list[Action]]:
    """Every segment's plan (an empty list where there is none), in SEGMENTS order."""
    found: dict[str, list[Action]] = {segment: [] for segment in SEGMENTS}
    for action in actions(store, workshop_id):
        found[action.segment].append(action)
    return found


def get(store: Store, action_id: str) -> Action | None:
    rows = store.query_dicts(f"SELECT {_COLUMNS} FROM {TABLE} WHERE id = ? AND deleted_at IS NULL", [action_id])
    return _from(rows[0]) if rows else None


def deleted(store: Store, workshop_id: str, segment: str | None = None) -> list[Action]:
    """The actions in the trash, latest deleted first."""
    where, params = ("AND segment = ?", [check("segment", segment)]) if segment is not None else ("", [])
    rows = store.query_dicts(f"SELECT {_COLUMNS} FROM {TABLE} WHERE workshop_id = ? AND deleted_at IS NOT NULL "
                             f"{where} ORDER BY deleted_at DESC, id", [workshop_id, *params])
    return [_from(row) for row in rows]


# -- writing --------------------------------------------------------------------------------------------------------
def add(store: Store, workshop_id: str, segment: str, actor: object, kind: str, action: str, channel: str = "",
        trigger: str = "", kpi: str = "") -> Action:
    """Add an action at the end of the segment's plan; the author is the actor's name."""
    values = {"segment": check("segment", segment), "kind": check("kind", kind), "action": check("action", action),
              "channel": check("channel", channel), "trigger": check("trigger", trigger), "kpi": check("kpi", kpi)}
    access.require_writer(store, actor, workshop_id)
    action_id = new_id()
    with store.write(str(actor)) as tx:
        if tx.one("SELECT 1 FROM workshops WHERE id = ? AND deleted_at IS NULL", [workshop_id]) is None:
            raise NotFound("error.no_workshop", name=workshop_id)
        position = tx.one(f"SELECT coalesce(max(position) + 1, 0) FROM {TABLE} WHERE workshop_id = ? AND segment = ?",
                          [workshop_id, values["segment"]])[0]
        row = {"id": action_id, "workshop_id": workshop_id, "author": " ".join(str(actor or "").split()),
               "position": position, **values}
        tx.execute(f"INSERT INTO {TABLE} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
        record = tx.record(TABLE, action_id)
        tx.log(TABLE, action_id, "create", workshop_id=workshop_id, version=1, new=record)
    return _from(record)


def update(store: Store, action: Action, actor: object, /, **changes: Any) -> Action:
    """Change fields (names of EDITABLE, the action's text `action=` among them) of an action read as `action`;
    ConflictError (with the action as it is now) if someone saved it since."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable on a personalisation action: {sorted(unknown)}")
    values = {k: v for k, v in ((k, check(k, raw)) for k, raw in changes.items()) if getattr(action, k) != v}
    access.require_writer(store, actor, action.workshop_id)
    if not values:
        return action
    return _from(store.update_record(TABLE, action.id, action.version, values, str(actor), action.workshop_id))


def delete(store: Store, action: Action, actor: object) -> None:
    """Move an action to the trash (restorable); ConflictError if it changed since it was read."""
    access.require_writer(store, actor, action.workshop_id)
    store.delete_record(TABLE, action.id, action.version, str(actor), action.workshop_id)


def restore(store: Store, action_id: str, actor: object) -> Action:
    """Bring an action back from the trash."""
    row = store.query_one(f"SELECT workshop_id FROM {TABLE} WHERE id = ?", [action_id])
    if row is None:
        raise NotFound("error.record_missing", what=action_id)
    access.require_writer(store, actor, row[0])
    store.restore_record(TABLE, action_id, str(actor), row[0])
    return get(store, action_id)


# -- suggestions from the data --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Suggestion:
    """A starting action the data suggests; `accept` adds it to the plan."""

    kind: str
    action: str
    channel: str
    trigger: str
    kpi: str


def suggested(store: Store, workshop_id: str, segment: str, lang: str,
              figures: "persona.PersonaFigures | None" = None) -> list[Suggestion]:
    """A few starting actions for the segment, from its figures and what its customers said (those already in the
    plan left out):
    - reactive, "no order in N days": for champions, loyal and promising N is the segment's average recency (a
      customer silent longer than usual), for at_risk and lost the fewest days of silence in the segment (the day a
      customer enters it); rounded to 10 days, at least 30;
    - preventive, content answering the usage questions: when the segment's customers left comments on the "use"
      stage, about the expectations those comments concern most;
    - preventive, useful content on the segment's best-selling products, when the base names products.
    Channels are the segment's own top channels (else e-mail for content, the call centre for a reaction)."""
    check("segment", segment)
    if figures is None:
        figures = persona.figures(store, workshop_id).get(segment)
    channels = [channel_key(name) for name, _ in figures.channels] if figures else []
    found = []
    silence = _silence(segment, figures)
    if silence is not None:
        found.append(Suggestion(
            "reactive", t(f"personalisation.suggest.silence.{segment}", lang),
            channels[0] if channels else DEFAULT_CHANNEL["reactive"],
            t("personalisation.suggest.silence_trigger", lang, days=silence),
            t("personalisation.suggest.silence_kpi", lang)))
    use = persona.expectation_signal(store, workshop_id, segment, stage="use")
    if use.comments:
        topics = ", ".join(t(f"expectation.{e.expectation}", lang) for e in use.top(2))
        found.append(Suggestion(
            "preventive", t("personalisation.suggest.faq_topics" if topics else "personalisation.suggest.faq", lang,
                            topics=topics, comments=use.comments),
            channels[0] if channels else DEFAULT_CHANNEL["preventive"],
            t("personalisation.suggest.faq_trigger", lang), t("personalisation.suggest.faq_kpi", lang)))
    if figures is not None and figures.products:
        products = ", ".join(name for name, _ in figures.products[:2])
        found.append(Suggestion(
            "preventive", t("personalisation.suggest.content", lang, products=products),
            channels[1] if len(channels) > 1 else channels[0] if channels else DEFAULT_CHANNEL["preventive"],
            t("personalisation.suggest.content_trigger", lang), t("personalisation.suggest.content_kpi", lang)))
    planned = {a.action.casefold() for a in actions(store, workshop_id, segment)}
    return [s for s in found if s.action.casefold() not in planned]


def channel_key(name: str) -> str:
    """A channel named in the base as its CHANNELS key when it is one's name in either language ("Сайт", "Website"
    → "site"), so the plan and the policy do not list one channel twice; other names stay as written."""
    wanted = name.strip().casefold()
    for key in method.CHANNELS:
        if wanted == key or wanted in (t(f"channel.{key}", code).casefold() for code in LANGUAGES):
            return key
    return name


def _silence(segment: str, figures: "persona.PersonaFigures | None") -> int | None:
    if figures is None or not figures.customers:
        return None
    days = figures.avg_recency if segment in ACTIVE else figures.recency_from
    if days is None:
        return None
    return max(SILENCE_MIN, int(math.ceil(days / 10) * 10 if segment in ACTIVE else days // 10 * 10))


def accept(store: Store, workshop_id: str, segment: str, actor: object, suggestion: Suggestion) -> Action:
    """Add a suggested action to the segment's plan."""
    return add(store, workshop_id, segment, actor, suggestion.kind, suggestion.action, suggestion.channel,
               suggestion.trigger, suggestion.kpi)


# -- the contact and content policy ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanMix:
    """How many of the plan's actions are preventive (useful content) and how many reactive."""

    preventive: int
    reactive: int

    @property
    def total(self) -> int:
        return self.preventive + self.reactive

    @property
    def preventive_share(self) -> float | None:
        return self.preventive / self.total if self.total else None

    @property
    def reactive_share(self) -> float | None:
        return self.reactive / self.total if self.total else None

    @property
    def meets_golden_rule(self) -> bool | None:
        """At least half the plan is useful content (None for an empty plan)."""
        share = self.preventive_share
        return None if share is None else share >= contact_policy.GOLDEN_RULE

    def text(self, lang: str) -> str:
        """The mix in words, beside the 50/50 rule."""
        if not self.total:
            return t("personalisation.mix.empty", lang)
        key = "personalisation.mix.ok" if self.meets_golden_rule else "personalisation.mix.low"
        return t(key, lang, preventive=self.preventive, reactive=self.reactive,
                 preventive_pct=_pct(self.preventive_share, lang), reactive_pct=_pct(self.reactive_share, lang),
                 rule=_pct(contact_policy.GOLDEN_RULE, lang))


def plan_mix(plan: list[Action]) -> PlanMix:
    return PlanMix(sum(a.kind == "preventive" for a in plan), sum(a.kind == "reactive" for a in plan))


def _pct(share: float, lang: str) -> str:
    return f"{fmt_number(round(share * 100), lang)} %"


def policy_note(note: str, plan: list[Action], lang: str) -> str:
    """The policy's note with one line listing the plan's triggers (a line written by an earlier apply, in either
    language, is replaced; the rest of the note is kept as typed)."""
    prefixes = tuple(t("personalisation.policy_note", code, triggers="").strip() for code in LANGUAGES)
    kept = [line for line in (note or "").splitlines() if not line.strip().startswith(prefixes)]
    triggers = list(dict.fromkeys(a.trigger for a in plan if a.trigger))
    if triggers:
        kept.append(t("personalisation.policy_note", lang, triggers="; ".join(triggers)))
    return "\n".join(kept).strip()


def apply_to_policy(store: Store, workshop_id: str, segment: str, actor: object, lang: str) -> contact_policy.Policy:
    """Feed the segment's plan into its contact policy: the plan's channels join the policy's, and the note lists the
    plan's triggers. A versioned save of the policy (ConflictError if it changed meanwhile)."""
    plan = actions(store, workshop_id, segment)
    current = contact_policy.policy(store, workshop_id, segment)
    channels = [*current.channels, *(a.channel for a in plan if a.channel)]
    return contact_policy.save_policy(store, current, actor, channels=channels,
                                      note=policy_note(current.note, plan, lang))
