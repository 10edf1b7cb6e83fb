"""Two workshops of one client side by side, "six months later": the segments measured with the earlier's ruler,
CX maturity, what became of the earlier's barriers, and how far its roadmap got.

The rules this module follows:
- Segments: both bases are scored with the cut points the earlier workshop's own settings give at its default
  as-of date (its ruler, frozen) and with its segment rules; each base at its own default as-of date. A workshop
  without a base is not an error: the result's `missing` names which ("earlier", "later") and it has no rows.
- Counterparts: a later record's counterpart in the earlier is its origin (`record_origins`, followed through
  intermediate follow-ups). Records left without one are then matched by text: a barrier by stage and
  normalised text (case, ё/е, punctuation and spaces ignored), a roadmap item by normalised title.
- Barriers: an earlier live barrier is **fixed** when its counterpart is solved or it has no live counterpart
  (the copy was deleted, it was never carried over, no text matches: the later map of its segment no longer
  holds it); **still open** when its live counterpart is open or in progress (the later word wins: solved in
  the earlier but reopened in the later is still open). Where the later has no journey of the barrier's
  segment, nothing was removed: the earlier's own status stands (reason "unmapped"). **New**: the later's live
  barriers that are nobody's counterpart.
- Roadmap: every earlier item with its counterpart (if any), then the later's items without one. An item's
  status now is its counterpart's, else the earlier's. Done share = done / the earlier's items not dropped now.
  KPI values: the earlier item's and its counterpart's, by date; a date in both keeps the later value.
- Refused with CompareError: one workshop twice, two clients (neither the same client name nor a follow-up
  link), the later given first (held earlier, or the "earlier" follows the "later").

The result records are in cxcore/compare_model.py.
"""
from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from datetime import date
from fractions import Fraction
from typing import Any, Callable, NamedTuple, Sequence

from cxcore import base, journey, maturity_ratings, rfm, rfm_settings, workshop
from cxcore import roadmap as roadmap_api
from cxcore.compare_model import (BarrierChange, BarrierComparison, Comparison, CompetencyChange, Headline,
                                  KpiPoint, KpiTrend, MaturityComparison, RoadmapChange, RoadmapComparison,
                                  SegmentComparison, SegmentRow, _share)
from cxcore.errors import CompareError
from cxcore.journey_model import Barrier
from cxcore.maturity import respondent_key
from cxcore.maturity_model import COMPETENCIES
from cxcore.rfm import CutSpec
from cxcore.roadmap_model import KpiActual, RoadmapItem
from cxcore.segments import CORE, SEGMENTS
from cxcore.store import Store
from cxcore.workshop import Workshop


# -- which workshops ------------------------------------------------------------------------------------------
def comparable(store: Store, workshop_id: str) -> list[Workshop]:
    """The other live workshops of the same client, earliest first: the same client name (case and spaces
    ignored; archived workshops too) or a follow-up link either way, and so on through those."""
    me = workshop.get(store, workshop_id)
    everyone = {w.id: w for w in workshop.all_workshops(store)}
    near: dict[str, set[str]] = defaultdict(set)
    for wid, follows in store.query("SELECT id, follows_id FROM workshops WHERE deleted_at IS NULL"):
        if follows in everyone:
            near[wid].add(follows)
            near[follows].add(wid)
    by_client: dict[str, set[str]] = defaultdict(set)
    for w in everyone.values():
        if respondent_key(w.client):
            by_client[respondent_key(w.client)].add(w.id)
    group, todo = {me.id}, [me.id]
    while todo:
        at = everyone[todo.pop()]
        for other in (near[at.id] | by_client.get(respondent_key(at.client), set())) - group:
            group.add(other)
            todo.append(other)
    return sorted((everyone[wid] for wid in group - {me.id}), key=_when)


def _when(w: Workshop) -> tuple:
    return (w.held_on or w.created_at.date(), w.created_at, w.id)


def _checked(store: Store, earlier_id: str, later_id: str) -> tuple[Workshop, Workshop]:
    if earlier_id == later_id:
        raise CompareError("compare.same_workshop")
    earlier, later = workshop.get(store, earlier_id), workshop.get(store, later_id)
    if later.id not in {w.id for w in comparable(store, earlier.id)}:
        raise CompareError("compare.other_client", earlier=earlier.name, later=later.name)
    follows = store.query_one("SELECT follows_id FROM workshops WHERE id = ?", [earlier.id])[0]
    if follows == later.id or (earlier.held_on and later.held_on and earlier.held_on > later.held_on):
        raise CompareError("compare.wrong_order", earlier=earlier.name, later=later.name)
    return earlier, later


# -- the sections ---------------------------------------------------------------------------------------------
def between(store: Store, earlier_id: str, later_id: str) -> Comparison:
    """All four sections of the comparison, with both workshops."""
    earlier, later = _checked(store, earlier_id, later_id)
    return Comparison(earlier, later, _segments(store, earlier, later), _maturity(store, earlier, later),
                      _barriers(store, earlier, later), _roadmap(store, earlier, later))


def segments(store: Store, earlier_id: str, later_id: str) -> SegmentComparison:
    """Customers and revenue per segment in both bases, measured with the earlier's ruler and rules."""
    return _segments(store, *_checked(store, earlier_id, later_id))


def maturity(store: Store, earlier_id: str, later_id: str) -> MaturityComparison:
    """Both maturity results, competency by competency; what one side lacks is None, not an error."""
    return _maturity(store, *_checked(store, earlier_id, later_id))


def barriers(store: Store, earlier_id: str, later_id: str) -> BarrierComparison:
    """The earlier's barriers fixed and still open in the later, and the later's new ones."""
    return _barriers(store, *_checked(store, earlier_id, later_id))


def roadmap(store: Store, earlier_id: str, later_id: str) -> RoadmapComparison:
    """The earlier's roadmap items then and now, the later's new ones, and each KPI's trend over both."""
    return _roadmap(store, *_checked(store, earlier_id, later_id))


def _segments(store: Store, earlier: Workshop, later: Workshop) -> SegmentComparison:
    ids = {"earlier": base.current_base_id(store, earlier.id), "later": base.current_base_id(store, later.id)}
    missing = tuple(side for side, base_id in ids.items() if base_id is None)
    if missing:
        names = ", ".join({"earlier": earlier, "later": later}[side].name for side in missing)
        return SegmentComparison(missing, None, None, None, None, (),
                                 Headline("compare.headline.segments_no_base", {"names": names}))
    settings = rfm_settings.get(store, earlier.id)
    # The earlier scored as its settings say, at its default as-of date: the cut points in use there are the ruler
    # (what `rfm.cut_points` gives), then applied to the later as given cut points (quantiles may repeat a value,
    # which typed thresholds may not).
    first = rfm.compute(store, earlier.id, ids["earlier"], None, settings.spec, settings.rules)
    ruler = CutSpec("thresholds", thresholds=first.cut_points)
    second = rfm.compute(store, later.id, ids["later"], None, ruler, settings.rules)
    before, after = first.summary, second.summary
    totals = [(before["customers"].sum(), before["revenue"].sum()), (after["customers"].sum(), after["revenue"].sum())]
    rows = tuple(SegmentRow(segment, int(b.customers), int(a.customers), float(b.revenue), float(a.revenue),
                            _share(b.customers, totals[0][0]), _share(a.customers, totals[1][0]),
                            _share(b.revenue, totals[0][1]), _share(a.revenue, totals[1][1]))
                 for segment, b, a in zip(SEGMENTS, before.itertuples(), after.itertuples()))
    found = SegmentComparison((), first.cut_points, settings.rules, first.as_of, second.as_of, rows, Headline(""))
    core = found.total(CORE)
    headline = Headline("compare.headline.segments", {
        "customers_before": core.customers_before, "customers_after": core.customers_after,
        "customers_change_pct": core.customers_change_pct, "revenue_before": core.revenue_before,
        "revenue_after": core.revenue_after, "revenue_change_pct": core.revenue_change_pct})
    return dataclasses.replace(found, headline=headline)


def _maturity(store: Store, earlier: Workshop, later: Workshop) -> MaturityComparison:
    before, after = maturity_ratings.result(store, earlier.id), maturity_ratings.result(store, later.id)
    competencies = tuple(CompetencyChange(key, b.score, a.score, _exact_change(b.exact, a.exact))
                         for key, b, a in zip(COMPETENCIES, before.competencies, after.competencies))
    totals = {"total_before": before.total, "total_after": after.total,
              "total_change": _exact_change(before.exact_total, after.exact_total),
              "stage_before": before.stage, "stage_after": after.stage}
    lacking = [w.name for w, r in ((earlier, before), (later, after)) if not r.complete]
    headline = (Headline("compare.headline.maturity_missing", {"names": ", ".join(lacking)}) if lacking
                else Headline("compare.headline.maturity", totals))
    return MaturityComparison(before, after, competencies, **totals, headline=headline)


class _Card(NamedTuple):
    """A barrier where it hangs: the journey's segment, the stage, the touchpoint's name."""
    id: str
    barrier: Barrier
    segment: str
    stage: str
    touchpoint: str


def _cards(store: Store, workshop_id: str) -> list[_Card]:
    return [_Card(b.id, b, j.segment, stage.key, tp.name) for j in journey.journeys(store, workshop_id)
            for stage in j.stages for tp in stage.touchpoints for b in tp.barriers]


def _barriers(store: Store, earlier: Workshop, later: Workshop) -> BarrierComparison:
    before, after = _cards(store, earlier.id), _cards(store, later.id)
    mapped = {j.segment for j in journey.journeys(store, later.id)}
    origins = _origins(store, "barriers", earlier.id, later.id)
    pairs = _match(before, after, origins, lambda c: (c.stage, _norm(c.barrier.text)))
    fixed, still_open = [], []
    for card in before:
        was = card.barrier.status
        twin, how = pairs.get(card.id, (None, None))
        shown = twin or card
        status = twin.barrier.status if twin else was
        row = BarrierChange(card.id, twin.id if twin else None, shown.segment, shown.stage, shown.touchpoint,
                            shown.barrier.text, shown.barrier.severity, status, was, how)
        if twin is None and was != "solved" and card.segment not in mapped:
            still_open.append(dataclasses.replace(row, reason="unmapped"))
        elif twin is None:
            fixed.append(dataclasses.replace(row, reason="solved_before" if was == "solved" else "removed"))
        elif status == "solved":
            fixed.append(dataclasses.replace(row, reason="solved"))
        else:
            still_open.append(row)
    paired = {twin.id for twin, _ in pairs.values()}
    new = [BarrierChange(c.id, None, c.segment, c.stage, c.touchpoint, c.barrier.text, c.barrier.severity,
                         c.barrier.status, None, None) for c in after if c.id not in paired]
    total = len(fixed) + len(still_open)
    counts = {"fixed": len(fixed), "total": total, "still_open": len(still_open), "new": len(new)}
    headline = (Headline("compare.headline.barriers", counts) if mapped else
                Headline("compare.headline.barriers_unmapped", {"name": later.name, **counts}))
    return BarrierComparison(tuple(fixed), tuple(still_open), tuple(new), bool(origins), total,
                             _share(len(fixed), total), headline)


def _roadmap(store: Store, earlier: Workshop, later: Workshop) -> RoadmapComparison:
    before, after = roadmap_api.items(store, earlier.id), roadmap_api.items(store, later.id)
    values: dict[str, list[KpiActual]] = defaultdict(list)
    for actual in (*roadmap_api.actuals(store, earlier.id), *roadmap_api.actuals(store, later.id)):
        values[actual.item_id].append(actual)
    origins = _origins(store, "roadmap_items", earlier.id, later.id)
    pairs = _match(before, after, origins, lambda i: _norm(i.title))
    old = tuple(_item(item, *pairs.get(item.id, (None, None)), values) for item in before)
    paired = {twin.id for twin, _ in pairs.values()}
    new = tuple(_item(None, item, None, values) for item in after if item.id not in paired)
    counts = {"counted": sum(i.status != "dropped" for i in old), "done": sum(i.status == "done" for i in old),
              "tracked": sum(i.kpi.toward_target is not None for i in old),
              "toward": sum(bool(i.kpi.toward_target) for i in old), "reached": sum(bool(i.kpi.reached) for i in old)}
    share = _share(counts["done"], counts["counted"])
    return RoadmapComparison(old, new, bool(origins), counts["counted"], counts["done"], share, counts["tracked"],
                             counts["toward"], counts["reached"],
                             Headline("compare.headline.roadmap", {**counts, "done_share": share}))


def _item(earlier: RoadmapItem | None, later: RoadmapItem | None, how: str | None,
          values: dict[str, list[KpiActual]]) -> RoadmapChange:
    latest = later or earlier
    trend = _trend(latest.kpi_name, latest.kpi_target, values.get(earlier.id, []) if earlier else [],
                   values.get(later.id, []) if later else [])
    return RoadmapChange(latest.title, earlier.id if earlier else None, later.id if later else None,
                         earlier.status if earlier else None, later.status if later else None, how, trend)


def _trend(name: str, target: float | None, earlier: list[KpiActual], later: list[KpiActual]) -> KpiTrend:
    by_day: dict[date, tuple[float, str]] = {a.measured_on: (a.value, "earlier") for a in earlier}
    for a in later:
        old = by_day.get(a.measured_on)
        by_day[a.measured_on] = (a.value, "both" if old is not None and old[0] == a.value else "later")
    points = tuple(KpiPoint(day, value, source) for day, (value, source) in sorted(by_day.items()))
    first, last = (points[0].value, points[-1].value) if points else (None, None)
    if target is None or first is None:
        return KpiTrend(name, points, target, first, last, None, None, None)
    direction = "up" if target > first else "down"
    toward = None if len(points) < 2 else (last > first if direction == "up" else last < first)
    reached = last >= target if direction == "up" else last <= target
    return KpiTrend(name, points, target, first, last, direction, toward, reached)


# -- matching -------------------------------------------------------------------------------------------------
def _origins(store: Store, table: str, earlier_id: str, later_id: str) -> dict[str, str]:
    """{later record id: earlier record id} for the later's records whose origin, followed back through any
    intermediate follow-ups, is a record of the earlier (live or deleted). `table` comes from code."""
    ids = {row[0] for row in store.query(f"SELECT id FROM {table} WHERE workshop_id = ?", [earlier_id])}
    rows = store.query("SELECT id, origin_id, workshop_id = ? FROM record_origins WHERE entity = ?", [later_id, table])
    back = {rid: origin for rid, origin, _ in rows}
    found = {}
    for rid in (rid for rid, _, is_later in rows if is_later):
        seen, at = {rid}, back[rid]
        while at not in ids and at in back and at not in seen:
            seen.add(at)
            at = back[at]
        if at in ids:
            found[rid] = at
    return found


def _match(before: Sequence[Any], after: Sequence[Any], origins: dict[str, str],
           key: Callable[[Any], Any]) -> dict[str, tuple[Any, str]]:
    """{earlier id: (its live counterpart in the later, "origin" | "text")}: copies first, then the records left
    on both sides (the later's only if they have no origin in the earlier) by equal `key`, in order."""
    live = {x.id for x in before}
    pairs: dict[str, tuple[Any, str]] = {}
    for item in after:
        origin = origins.get(item.id)
        if origin in live and origin not in pairs:
            pairs[origin] = (item, "origin")
    waiting: dict[Any, list[Any]] = defaultdict(list)
    for item in after:
        if item.id not in origins:
            waiting[key(item)].append(item)
    for item in before:
        if item.id not in pairs and waiting.get(key(item)):
            pairs[item.id] = (waiting[key(item)].pop(0), "text")
    return pairs


def _norm(text: str) -> str:
    """Text as compared: case and ё/е ignored, punctuation and runs of spaces read as one space."""
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold().replace("ё", "е")).split())


# -- numbers --------------------------------------------------------------------------------------------------
def _exact_change(before: Fraction | None, after: Fraction | None) -> float | None:
    return None if before is None or after is None else float(after - before)


