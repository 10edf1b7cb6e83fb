"""The results of comparing two workshops (cxcore/compare.py): plain frozen records, numbers unrounded, and each
section's headline as a translation key with raw values that `Headline.text` formats."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Sequence

from cxcore.i18n import fmt_date, fmt_money, fmt_number, t
from cxcore.maturity import MaturityResult, fmt_score
from cxcore.maturity_model import stage_name
from cxcore.rfm import CutPoints
from cxcore.segments import SEGMENTS, SegmentRules
from cxcore.workshop import Workshop


@dataclass(frozen=True)
class Headline:
    """A section's sentence as a translation key and raw values; `text` formats them (money, %, stages…)."""
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "ru") -> str:
        return t(self.key, lang, **{name: _fmt(name, value, lang) for name, value in self.params.items()})


# -- results --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SegmentRow:
    segment: str
    customers_before: int
    customers_after: int
    revenue_before: float
    revenue_after: float
    customer_share_before: float | None  # of all customers of that base; None for an empty base
    customer_share_after: float | None
    revenue_share_before: float | None
    revenue_share_after: float | None

    @property
    def customers_change(self) -> int:
        return self.customers_after - self.customers_before

    @property
    def customers_change_pct(self) -> float | None:
        return _pct_change(self.customers_before, self.customers_after)

    @property
    def revenue_change(self) -> float:
        return self.revenue_after - self.revenue_before

    @property
    def revenue_change_pct(self) -> float | None:
        return _pct_change(self.revenue_before, self.revenue_after)


@dataclass(frozen=True)
class SegmentComparison:
    missing: tuple[str, ...]  # "earlier" and/or "later": the workshops without a base (then no rows)
    cut_points: CutPoints | None  # the earlier's ruler, used on both bases
    rules: SegmentRules | None  # the earlier's segment rules
    earlier_as_of: date | None
    later_as_of: date | None
    rows: tuple[SegmentRow, ...]  # the five segments, SEGMENTS order
    headline: Headline

    @property
    def available(self) -> bool:
        return not self.missing

    def row(self, segment: str) -> SegmentRow:
        return next(r for r in self.rows if r.segment == segment)

    def total(self, segments: Sequence[str] = SEGMENTS) -> SegmentRow:
        """Some segments summed as one row (all five by default; `CORE` for champions + loyal)."""
        picked = [self.row(s) for s in segments]

        def part(name: str) -> Any:
            return sum(getattr(r, name) for r in picked)

        def share(name: str) -> float | None:
            return _share(part(name), sum(getattr(r, name) for r in self.rows))

        names = ("customers_before", "customers_after", "revenue_before", "revenue_after")
        return SegmentRow("+".join(segments), *(part(n) for n in names), *(share(n) for n in names))


@dataclass(frozen=True)
class CompetencyChange:
    key: str
    earlier: float | None  # None: the competency has no rated practice there
    later: float | None
    change: float | None  # later - earlier, from the exact means


@dataclass(frozen=True)
class MaturityComparison:
    earlier: MaturityResult  # maturity_ratings.result of each workshop
    later: MaturityResult
    competencies: tuple[CompetencyChange, ...]  # the six, METHOD order
    total_before: float | None  # None while a competency is unrated (no total, no stage)
    total_after: float | None
    total_change: float | None  # from the exact totals
    stage_before: str | None
    stage_after: str | None
    headline: Headline


@dataclass(frozen=True)
class BarrierChange:
    id: str  # the earlier barrier's id (fixed, still open), the later's (new)
    later_id: str | None  # its live counterpart in the later
    segment: str  # the journey's; text, stage, touchpoint and severity are the counterpart's when there is one
    stage: str
    touchpoint: str
    text: str
    severity: int
    status: str  # the status the class rests on: the counterpart's, else the earlier's (new: the later's)
    earlier_status: str | None  # None for a new barrier
    matched_by: str | None  # origin | text | None
    # fixed: solved (the counterpart is) | solved_before (no live counterpart; solved in the earlier) | removed (no
    # live counterpart); still open: None, or unmapped (the later has no journey of its segment: its status stands)
    reason: str | None = None


@dataclass(frozen=True)
class BarrierComparison:
    fixed: tuple[BarrierChange, ...]  # each list in its journey's order (stage, touchpoint, position)
    still_open: tuple[BarrierChange, ...]
    new: tuple[BarrierChange, ...]
    linked: bool  # record_origins tie some later barrier to the earlier (else text matching alone)
    earlier_count: int  # fixed + still open: the earlier's live barriers
    fixed_share: float | None
    headline: Headline


@dataclass(frozen=True)
class KpiPoint:
    measured_on: date
    value: float
    source: str  # earlier | later | both (the copied value, the same date and value)


@dataclass(frozen=True)
class KpiTrend:
    name: str
    points: tuple[KpiPoint, ...]  # by date
    target: float | None
    first: float | None
    last: float | None
    direction: str | None  # up (target above the first value) | down; None without a target or values
    toward_target: bool | None  # the last value moved from the first toward the target; None below two values
    reached: bool | None  # the last value is at the target or beyond it


@dataclass(frozen=True)
class RoadmapChange:
    title: str  # the counterpart's, else the earlier's
    earlier_id: str | None  # None: an item the later added
    later_id: str | None  # None: not carried over (or its copy deleted)
    earlier_status: str | None
    later_status: str | None
    matched_by: str | None  # origin | text | None
    kpi: KpiTrend

    @property
    def status(self) -> str:
        """The latest word: the later's status, else the earlier's."""
        return self.later_status or self.earlier_status


@dataclass(frozen=True)
class RoadmapComparison:
    """The counts are over the earlier's items (`from_earlier`); the later's own new items are in `new`."""
    from_earlier: tuple[RoadmapChange, ...]  # the earlier's items, its roadmap order
    new: tuple[RoadmapChange, ...]  # the later's items without a counterpart, its roadmap order
    linked: bool  # record_origins tie some later item to the earlier
    counted: int  # not dropped now (a dropped item counts nowhere)
    done: int
    done_share: float | None  # done / counted
    kpi_tracked: int  # a target and at least two values: the trend can be judged
    kpi_toward: int
    kpi_reached: int
    headline: Headline

    @property
    def items(self) -> tuple[RoadmapChange, ...]:
        return self.from_earlier + self.new


@dataclass(frozen=True)
class Comparison:
    earlier: Workshop
    later: Workshop
    segments: SegmentComparison
    maturity: MaturityComparison
    barriers: BarrierComparison
    roadmap: RoadmapComparison

    @property
    def headlines(self) -> dict[str, Headline]:
        return {name: getattr(self, name).headline for name in ("segments", "maturity", "barriers", "roadmap")}


def _share(part: float, whole: float) -> float | None:
    return float(part) / float(whole) if whole else None


def _pct_change(before: float, after: float) -> float | None:
    """The change in % of the earlier value (None from 0)."""
    return (after - before) / abs(before) * 100 if before else None


def _fmt(name: str, value: Any, lang: str) -> str:
    """A headline value as the page shows it, by the parameter's name."""
    if value is None:
        return "—"
    if name.endswith("_pct"):
        return ("+" if value > 0 else "") + fmt_number(value, lang, 1) + " %"
    if name.endswith("_share"):
        return fmt_number(value * 100, lang, 0) + " %"
    if name.startswith("revenue"):
        return fmt_money(value, lang)
    if isinstance(value, int) and not isinstance(value, bool):
        return fmt_number(value, lang)
    if name.startswith("stage"):
        return stage_name(value, lang)
    if name.startswith("total"):
        return ("+" if name.endswith("change") and value > 0 else "") + fmt_score(value, lang)
    if isinstance(value, date):
        return fmt_date(value, lang)
    return str(value)
