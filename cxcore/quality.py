"""The quality of the customer base over time: segment sizes and revenue at a series of as-of dates measured
with one ruler (frozen cut points), and the alert when the head count holds while the best customers fade.

At each as-of date the segments are those of the RFM table then; `revenue` and `active_customers` look at
the period just before that date (`period_months`: a month for a monthly series, a quarter for a quarterly
one): the net revenue of the segment's customers in that period, and how many of them made a positive
order in it. The head count the room watches is the active customers: the lifetime count of a base only
grows.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import pandas as pd

from cxcore.errors import RfmError
from cxcore.i18n import fmt_date, fmt_money, fmt_number, t
from cxcore.rfm import CutPoints, CutSpec, scoring
from cxcore.segments import CORE, DEFAULT_RULES, SEGMENTS, SegmentRules
from cxcore.store import Store

STEPS = {"month": 1, "quarter": 3}


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (negative: later), or the month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def series_dates(first: date, last: date, step: str = "month") -> list[date]:
    """`first`, then every month (or quarter) after it, up to `last` included."""
    if step not in STEPS:
        raise RfmError("rfm.bad_step", step=step)
    dates, n = [], 0
    while (day := months_before(first, -n * STEPS[step])) <= last:
        dates.append(day)
        n += 1
    return dates


def window(last: date, months: int, step: str, earliest: date | None) -> list[date]:
    """The as-of dates of the last `months` up to `last`, every `step`, each after `earliest` (the base's first
    transaction: a date before it has no customers to score)."""
    dates = series_dates(months_before(last, months), last, step)
    return [day for day in dates if earliest is None or day > earliest]


@dataclass(frozen=True)
class QualityAlert:
    """Active customers and champions + loyal revenue at two dates; `fired` when the count held (moved
    less than ± count_tolerance_pct) while that revenue fell by more than revenue_drop_pct."""

    first: date
    last: date
    active_first: int
    active_last: int
    core_revenue_first: float
    core_revenue_last: float
    count_tolerance_pct: float = 5.0
    revenue_drop_pct: float = 5.0

    @property
    def active_change_pct(self) -> float | None:
        return _change(self.active_first, self.active_last)

    @property
    def core_revenue_change_pct(self) -> float | None:
        return _change(self.core_revenue_first, self.core_revenue_last)

    @property
    def fired(self) -> bool:
        count, revenue = self.active_change_pct, self.core_revenue_change_pct
        return (count is not None and revenue is not None and abs(count) < self.count_tolerance_pct
                and revenue < -self.revenue_drop_pct)

    def message(self, lang: str = "ru") -> str:
        """The sentence the page shows: the alert when it fired, else what was compared."""
        params = {
            "first": fmt_date(self.first, lang), "last": fmt_date(self.last, lang),
            "active_first": fmt_number(self.active_first, lang), "active_last": fmt_number(self.active_last, lang),
            "active_change": _pct(self.active_change_pct, lang),
            "revenue_first": fmt_money(self.core_revenue_first, lang),
            "revenue_last": fmt_money(self.core_revenue_last, lang),
            "revenue_change": _pct(self.core_revenue_change_pct, lang),
        }
        return t("rfm.alert" if self.fired else "rfm.alert_none", lang, **params)


@dataclass(frozen=True, eq=False)
class QualitySeries:
    """`segments`: as_of, segment, customers, revenue, active_customers (five rows per date, SEGMENTS order).
    `totals`: as_of, customers, active_customers, revenue, core_revenue (champions + loyal).
    `cut_points`: the ruler, or None when the quantiles were computed again at every date."""

    cut_points: CutPoints | None
    period_months: int
    segments: pd.DataFrame
    totals: pd.DataFrame

    def alert(self, count_tolerance_pct: float = 5.0, revenue_drop_pct: float = 5.0) -> QualityAlert:
        """The first date of the series against the last."""
        first, last = self.totals.iloc[0], self.totals.iloc[-1]
        return QualityAlert(first["as_of"], last["as_of"], int(first["active_customers"]),
                            int(last["active_customers"]), float(first["core_revenue"]),
                            float(last["core_revenue"]), count_tolerance_pct, revenue_drop_pct)


def quality_series(store: Store, workshop_id: str, base_id: int, dates: list[date], spec: CutSpec | None = None,
                   rules: SegmentRules = DEFAULT_RULES, period_months: int = 1) -> QualitySeries:
    """Segment sizes and period revenue at each date. The ruler: `spec` (frozen or thresholds), or by default
    the quantile cut points of the first date; a quantile `spec` computes them again at every date (the
    comparison that hides a declining base)."""
    dates = sorted(set(dates))
    if not dates:
        raise RfmError("rfm.no_dates")
    recompute = spec is not None and spec.mode == "quantile"
    rows = []
    with scoring(store, workshop_id, base_id) as work:
        ruler = None if recompute else work.cut_points(spec or CutSpec("frozen", dates[0]), dates[0])
        for as_of in dates:
            cells = work.series_cells(as_of, months_before(as_of, period_months), ruler, rules)
            cells["segment"] = [rules.segment(int(r), int(fm)) for r, fm in zip(cells["r_score"], cells["fm_score"])]
            sums = cells.groupby("segment")[["customers", "period_revenue", "active"]].sum()
            sums = sums.reindex(list(SEGMENTS), fill_value=0)
            rows += [(as_of, segment, int(n), float(revenue), int(active))
                     for segment, (n, revenue, active) in zip(SEGMENTS, sums.itertuples(index=False))]
    segments = pd.DataFrame(rows, columns=["as_of", "segment", "customers", "revenue", "active_customers"])
    core = segments[segments["segment"].isin(CORE)].groupby("as_of")["revenue"].sum().rename("core_revenue")
    totals = segments.groupby("as_of")[["customers", "active_customers", "revenue"]].sum().join(core).reset_index()
    return QualitySeries(ruler, period_months, segments, totals)


def quality_alert(store: Store, workshop_id: str, base_id: int, first: date, last: date,
                  spec: CutSpec | None = None, rules: SegmentRules = DEFAULT_RULES, period_months: int = 1,
                  count_tolerance_pct: float = 5.0, revenue_drop_pct: float = 5.0) -> QualityAlert:
    """The alert between two as-of dates, measured with the ruler of the first (or `spec`)."""
    series = quality_series(store, workshop_id, base_id, [first, last], spec, rules, period_months)
    return series.alert(count_tolerance_pct, revenue_drop_pct)


def _change(before: float, after: float) -> float | None:
    return None if not before else (after - before) / abs(before) * 100


def _pct(value: float | None, lang: str) -> str:
    return "—" if value is None else ("+" if value > 0 else "") + fmt_number(value, lang, 1) + " %"
