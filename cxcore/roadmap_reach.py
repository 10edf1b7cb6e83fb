"""Reach from the data, and the ideas and barriers ranked for the roadmap.

A barrier belongs to its journey's segment, so it reaches that segment's customers and revenue (the RFM summary
at the base's default as-of date, under the workshop's RFM settings) times the share of the segment it affects
(`barrier.share`). A barrier without a share, or a workshop without a base, has an unknown reach: None, never
a guess. The segment's revenue is its customers' M: their net revenue over the base's whole period.

Ranking: ideas by quadrant (quick wins first), then dots (on the idea plus on its barrier), then revenue at risk
(unknown last), then the barrier's severity; barriers by dots, then revenue at risk, then severity.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from cxcore import base, journey, method, votes
from cxcore.errors import RfmError
from cxcore.i18n import fmt_money, fmt_number, t
from cxcore.journey_model import Barrier, Idea
from cxcore.roadmap_model import ITEMS, QUADRANT_ORDER
from cxcore.store import Store


@dataclass(frozen=True)
class SegmentFigures:
    """A segment's customers and revenue in the RFM summary of the workshop's base."""
    segment: str
    customers: int
    revenue: float
    as_of: date


@dataclass(frozen=True)
class Reach:
    """Whom a barrier reaches: its segment's customers and revenue times the share affected; None when unknown."""
    customers: float | None
    revenue: float | None  # revenue at risk, roubles
    segment: str | None
    share: float | None
    segment_customers: int | None = None
    segment_revenue: float | None = None

    @property
    def known(self) -> bool:
        return self.revenue is not None

    @property
    def reason(self) -> str | None:
        """Why the reach is unknown: "no_base" (no customer base or segment figures), "no_share", else None."""
        if self.segment_revenue is None:
            return "no_base"
        return "no_share" if self.share is None else None

    def text(self, lang: str) -> str:
        """"≈ 9 652 customers · 137.6 M ₽ at risk", or why the reach is unknown."""
        if not self.known:
            return t(f"reach.unknown.{self.reason}", lang)
        return t("reach.text", lang, customers=fmt_number(self.customers, lang), money=fmt_money(self.revenue, lang))


@dataclass(frozen=True)
class RankedIdea:
    idea: Idea
    barrier: Barrier
    stage: str
    quadrant: str
    votes: int  # dots on the idea plus on its barrier
    reach: Reach
    idea_votes: int = 0
    barrier_votes: int = 0
    item_id: str | None = None  # the live roadmap item made from it


@dataclass(frozen=True)
class RankedBarrier:
    barrier: Barrier
    stage: str
    votes: int  # dots on the barrier itself
    reach: Reach
    ideas: int


# -- segment figures ------------------------------------------------------------------------------------------
_CACHE: dict[tuple, dict[str, SegmentFigures]] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 16


def segment_figures(store: Store, workshop_id: str) -> dict[str, SegmentFigures]:
    """Customers and revenue of each segment at the base's default as-of date under the workshop's RFM settings;
    {} without a base (or when no customer can be scored). Kept for the same base, load and settings."""
    from cxcore import rfm, rfm_settings  # pandas: only when figures are really asked for

    base_id = base.current_base_id(store, workshop_id)
    if base_id is None:
        return {}
    settings = rfm_settings.get(store, workshop_id)
    loaded_at = store.query_one("SELECT loaded_at FROM bases WHERE id = ?", [base_id])[0]
    key = (id(store), str(store.path), workshop_id, base_id, loaded_at, settings)
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
    try:
        result = rfm.compute(store, workshop_id, base_id, None, settings.spec, settings.rules)
    except RfmError:
        return {}
    found = {row.segment: SegmentFigures(row.segment, int(row.customers), float(row.revenue), result.as_of)
             for row in result.summary.itertuples()}
    with _CACHE_LOCK:
        while len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = found
    return found


# -- reach ----------------------------------------------------------------------------------------------------
def reach(store: Store, workshop_id: str, barrier: Barrier,
          figures: dict[str, SegmentFigures] | None = None) -> Reach:
    """The barrier's reach (see the module's docstring); `figures` from `segment_figures` when asking for many."""
    row = store.query_one("SELECT segment FROM journeys WHERE id = ?", [barrier.journey_id])
    segment = row[0] if row else None
    figures = segment_figures(store, workshop_id) if figures is None else figures
    return reach_of(barrier.share, segment, figures.get(segment))


def reach_of(share: float | None, segment: str | None, figures: SegmentFigures | None) -> Reach:
    if figures is None:
        return Reach(None, None, segment, share)
    if share is None:
        return Reach(None, None, segment, None, figures.customers, figures.revenue)
    return Reach(figures.customers * share, figures.revenue * share, segment, share, figures.customers,
                 figures.revenue)


def ranked_ideas(store: Store, workshop_id: str, tally: dict[str, int] | None = None) -> list[RankedIdea]:
    """Every live idea of the workshop's journeys, ranked for the roadmap (see the module's docstring)."""
    tally = votes.tally(store, workshop_id) if tally is None else tally
    figures = segment_figures(store, workshop_id)
    made = dict(store.query(f"SELECT idea_id, min(id) FROM {ITEMS} WHERE workshop_id = ? AND idea_id IS NOT NULL "
                            "AND deleted_at IS NULL GROUP BY idea_id", [workshop_id]))
    found = []
    for j in journey.journeys(store, workshop_id):
        for stage in j.stages:
            for tp in stage.touchpoints:
                for barrier in tp.barriers:
                    barrier_reach = reach_of(barrier.share, j.segment, figures.get(j.segment))
                    for idea in barrier.ideas:
                        own, backed = tally.get(idea.id, 0), tally.get(barrier.id, 0)
                        found.append(RankedIdea(idea, barrier, stage.key, idea.quadrant, own + backed,
                                                barrier_reach, own, backed, made.get(idea.id)))
    return sorted(found, key=lambda r: (QUADRANT_ORDER[r.quadrant], -r.votes, *_weight(r.reach, r.barrier, r.stage),
                                        r.idea.text))


def ranked_barriers(store: Store, workshop_id: str, tally: dict[str, int] | None = None) -> list[RankedBarrier]:
    """Every live barrier of the workshop's journeys with its dots and reach, ranked (see the module's docstring)."""
    tally = votes.tally(store, workshop_id) if tally is None else tally
    figures = segment_figures(store, workshop_id)
    found = [RankedBarrier(b, stage.key, tally.get(b.id, 0), reach_of(b.share, j.segment, figures.get(j.segment)),
                           len(b.ideas))
             for j in journey.journeys(store, workshop_id) for stage in j.stages for tp in stage.touchpoints
             for b in tp.barriers]
    return sorted(found, key=lambda r: (-r.votes, *_weight(r.reach, r.barrier, r.stage), r.barrier.text))


def _weight(found: Reach, barrier: Barrier, stage: str) -> tuple:
    """Revenue at risk (unknown last), severity, then the stage's place on the journey."""
    return (found.revenue is None, -(found.revenue or 0), -barrier.severity, method.STAGES.index(stage))
