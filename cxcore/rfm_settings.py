"""The RFM settings of a workshop: cut-point mode, thresholds, segment rules, target segment, alert thresholds.

One versioned record per workshop (table rfm_settings, id = the workshop id). A workshop that never saved
any reads the defaults with version 0; the first save creates the record.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from cxcore import access
from cxcore.errors import RfmError
from cxcore.rfm import DEFAULT_THRESHOLDS, METRICS, CutPoints, CutSpec
from cxcore.segments import DEFAULT_RULES, SEGMENTS, SegmentRules
from cxcore.store import Store

TABLE = "rfm_settings"
DEFAULT_CUTS = CutPoints.thresholds(*DEFAULT_THRESHOLDS.values())
EDITABLE = ("cut_mode", "baseline_as_of", "thresholds", "rules", "target_segment", "alert_count_pct",
            "alert_revenue_pct")


@dataclass(frozen=True)
class RfmSettings:
    workshop_id: str
    cut_mode: str = "quantile"
    baseline_as_of: date | None = None  # frozen mode: the as-of date whose quantiles are the ruler
    thresholds: CutPoints = DEFAULT_CUTS  # thresholds mode (kept while another mode is chosen)
    rules: SegmentRules = DEFAULT_RULES
    target_segment: str | None = None
    alert_count_pct: float = 5.0  # active customers moved less than ± this % ...
    alert_revenue_pct: float = 5.0  # ... while champions + loyal revenue fell by more than this %
    version: int = 0  # 0: never saved

    @property
    def spec(self) -> CutSpec:
        """The cut points in use, as the computations take them."""
        return CutSpec(self.cut_mode, self.baseline_as_of if self.cut_mode == "frozen" else None,
                       self.thresholds if self.cut_mode == "thresholds" else None)

    def columns(self) -> dict[str, Any]:
        """The record's editable columns as stored."""
        return {
            "cut_mode": self.cut_mode, "baseline_as_of": self.baseline_as_of,
            "recency_thresholds": [float(v) for v in self.thresholds.recency],
            "frequency_thresholds": [float(v) for v in self.thresholds.frequency],
            "monetary_thresholds": [float(v) for v in self.thresholds.monetary],
            "segment_rules": self.rules.to_json(), "target_segment": self.target_segment,
            "alert_count_pct": float(self.alert_count_pct), "alert_revenue_pct": float(self.alert_revenue_pct),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "RfmSettings":
        stored = [record[f"{m}_thresholds"] for m in ("recency", "frequency", "monetary")]
        return cls(
            workshop_id=record["workshop_id"], cut_mode=record["cut_mode"], baseline_as_of=record["baseline_as_of"],
            thresholds=CutPoints.thresholds(*stored) if all(stored) else DEFAULT_CUTS,
            rules=SegmentRules.from_json(record["segment_rules"]), target_segment=record["target_segment"],
            alert_count_pct=record["alert_count_pct"], alert_revenue_pct=record["alert_revenue_pct"],
            version=record["version"],
        )


def get(store: Store, workshop_id: str) -> RfmSettings:
    """The workshop's RFM settings (the defaults, version 0, if it never saved any)."""
    rows = store.query_dicts(f"SELECT * FROM {TABLE} WHERE id = ? AND deleted_at IS NULL", [workshop_id])
    return RfmSettings.from_record(rows[0]) if rows else RfmSettings(workshop_id)


def target_segment(store: Store, workshop_id: str) -> str | None:
    """The segment whose journey the workshop maps (None until one is chosen)."""
    return get(store, workshop_id).target_segment


def save(store: Store, current: RfmSettings, actor: str, **changes: Any) -> RfmSettings:
    """Apply `changes` (names of EDITABLE) to the settings read as `current`; ConflictError if someone saved
    them since. `thresholds` takes a CutPoints or {metric: 4 numbers}; `rules` a SegmentRules or
    {segment: [cells]}; everything is checked before anything is written."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    access.require_facilitator(actor, current.workshop_id, store)
    if isinstance(changes.get("thresholds"), dict):  # the measures not given keep their thresholds
        kept = {metric: getattr(current.thresholds, metric) for metric in METRICS}
        changes["thresholds"] = CutPoints.thresholds(**{**kept, **changes["thresholds"]})
    if isinstance(changes.get("rules"), dict):
        changes["rules"] = SegmentRules.from_mapping(changes["rules"])
    wanted = dataclasses.replace(current, **changes)
    _check(wanted)
    columns = {k: v for k, v in wanted.columns().items() if v != current.columns()[k]}
    if current.version == 0:
        return _create(store, wanted, actor)
    if not columns:
        return current
    record = store.update_record(TABLE, current.workshop_id, current.version, columns, actor, current.workshop_id)
    return RfmSettings.from_record(record)


def ruler(mode: str, baseline: date | None, thresholds: dict[str, str]) -> dict[str, Any]:
    """The changes that put a ruler in use, from the page's inputs: `thresholds` as typed ({metric: text}) are
    read only in that mode, the baseline date only in frozen mode (the other mode's values are kept)."""
    changes: dict[str, Any] = {"cut_mode": mode}
    if mode == "frozen":
        changes["baseline_as_of"] = baseline
    if mode == "thresholds":
        changes["thresholds"] = CutPoints.from_text(**thresholds)
    return changes


def _check(settings: RfmSettings) -> None:
    settings.spec  # noqa: B018  (a mode that does not exist, or frozen without a date, raises here)
    if settings.target_segment is not None and settings.target_segment not in SEGMENTS:
        raise RfmError("rfm.bad_segment", segment=settings.target_segment, segments=", ".join(SEGMENTS))
    for pct in (settings.alert_count_pct, settings.alert_revenue_pct):
        if not isinstance(pct, (int, float)) or not math.isfinite(pct) or not 0 <= pct <= 100:
            raise RfmError("rfm.bad_alert_pct", value=str(pct))


def _create(store: Store, settings: RfmSettings, actor: str) -> RfmSettings:
    """The first save: insert the record at version 1, unless someone else created it meanwhile."""
    row = {"id": settings.workshop_id, "workshop_id": settings.workshop_id, **settings.columns()}
    return RfmSettings.from_record(store.create_record(TABLE, row, actor))
