"""The contact and content policy per segment (METHOD step 5): with whom (the segment), through which channels,
how often (messages per customer per month), and the message mix: the share of useful content, the rest offer.

The golden rule is 50/50: every message half useful content, half offer. A plan with less than half content
breaks it, and `Policy.warnings` says so in words. One versioned record per workshop and segment (id
`<workshop id>/<segment>`); a segment that never saved one reads the default (no channels, frequency not set,
50/50) at version 0, and its first save creates the record.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from cxcore import access, method
from cxcore.errors import RoadmapError
from cxcore.i18n import fmt_number, t
from cxcore.roadmap_model import is_number
from cxcore.segments import SEGMENTS
from cxcore.store import Store

TABLE = "contact_policies"
GOLDEN_RULE = 0.5  # the least share of useful content in the mix
EDITABLE = ("channels", "per_month", "content_share", "note")


@dataclass(frozen=True)
class Policy:
    workshop_id: str
    segment: str
    channels: tuple[str, ...] = ()  # CHANNELS keys or free text
    per_month: float | None = None  # messages per customer per month
    content_share: float = GOLDEN_RULE  # useful content; the rest (offer_share) is offer
    note: str = ""
    version: int = 0  # 0: never saved

    @property
    def id(self) -> str:
        return f"{self.workshop_id}/{self.segment}"

    @property
    def offer_share(self) -> float:
        return 1 - self.content_share

    @property
    def breaks_golden_rule(self) -> bool:
        return self.content_share < GOLDEN_RULE

    def warnings(self, lang: str) -> list[str]:
        """What is wrong with the plan, in words (empty when nothing is)."""
        found = []
        if self.breaks_golden_rule:
            found.append(t("policy.warning.golden_rule", lang, content=_pct(self.content_share, lang),
                           offer=_pct(self.offer_share, lang)))
        if self.per_month and not self.channels:
            found.append(t("policy.warning.no_channel", lang))
        return found

    def channel_names(self, lang: str) -> list[str]:
        return [method.name("channel", c, lang) for c in self.channels]


def _pct(share: float, lang: str) -> str:
    number = round(share * 100, 1)
    return f"{fmt_number(number, lang, 0 if float(number).is_integer() else 1)} %"


def policies(store: Store, workshop_id: str) -> list[Policy]:
    """The five segments' policies in SEGMENTS order (the default, version 0, where none was saved)."""
    rows = store.query_dicts(f"SELECT * FROM {TABLE} WHERE workshop_id = ? AND deleted_at IS NULL", [workshop_id])
    saved = {row["segment"]: _from_record(row) for row in rows}
    return [saved.get(segment) or Policy(workshop_id, segment) for segment in SEGMENTS]


def policy(store: Store, workshop_id: str, segment: str) -> Policy:
    return next(p for p in policies(store, workshop_id) if p.segment == _segment(segment))


def save_policy(store: Store, current: Policy, actor: str, **changes: Any) -> Policy:
    """Change fields (names of EDITABLE) of the policy read as `current`; ConflictError if someone saved it since.
    `content_share` is 0–1 (0.5: half content, half offer); `per_month` a number ≥ 0 or None."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable on a contact policy: {sorted(unknown)}")
    access.require_writer(store, actor, current.workshop_id)
    _segment(current.segment)
    wanted = dataclasses.replace(current, **{k: _CHECKS[k](v, k) for k, v in changes.items()})
    columns = _columns(wanted)
    if current.version == 0:
        return _create(store, wanted, actor)
    changed = {k: v for k, v in columns.items() if _columns(current)[k] != v}
    if not changed:
        return current
    record = store.update_record(TABLE, current.id, current.version, changed, actor, current.workshop_id)
    return _from_record(record)


def _create(store: Store, wanted: Policy, actor: str) -> Policy:
    row = {"id": wanted.id, "workshop_id": wanted.workshop_id, "segment": wanted.segment, **_columns(wanted)}
    return _from_record(store.create_record(TABLE, row, actor))


def _columns(p: Policy) -> dict[str, Any]:
    return {"channels": list(p.channels), "per_month": p.per_month, "content_share": p.content_share,
            "note": p.note}


def _from_record(record: dict[str, Any]) -> Policy:
    return Policy(record["workshop_id"], record["segment"], tuple(record["channels"]), record["per_month"],
                  record["content_share"], record["note"], record["version"])


# -- the rules of values ----------------------------------------------------------------------------------------
def _segment(raw: Any) -> str:
    if raw not in SEGMENTS:
        raise RoadmapError("roadmap.bad_choice", field="segment", value=str(raw), allowed=", ".join(SEGMENTS))
    return raw


def _channels(raw: Any, field: str) -> tuple[str, ...]:
    if isinstance(raw, str) or not isinstance(raw, (list, tuple)):
        raise RoadmapError("roadmap.not_list", field=field)
    if not all(isinstance(c, str) for c in raw):
        raise RoadmapError("roadmap.not_text", field=field)
    return tuple(dict.fromkeys(c.strip() for c in raw if c.strip()))


def _per_month(raw: Any, field: str) -> float | None:
    if raw is None:
        return None
    if not is_number(raw) or raw < 0:
        raise RoadmapError("roadmap.bad_frequency", field=field)
    return float(raw)


def _content_share(raw: Any, field: str) -> float:
    if not is_number(raw) or not 0 <= raw <= 1:
        raise RoadmapError("roadmap.bad_share", field=field)
    return float(raw)


def _note(raw: Any, field: str) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise RoadmapError("roadmap.not_text", field=field)
    return raw.strip()


_CHECKS = {"channels": _channels, "per_month": _per_month, "content_share": _content_share, "note": _note}
