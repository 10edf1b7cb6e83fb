"""RFM per customer, scores from cut points with ties kept together, the five segments, and migration.

The heavy work is SQL (`rfm.sql`) in DuckDB: one statement per as-of date reads the base's rows once
(a GROUP BY order, then customer; the customer only, when the load found every order to be one row) and
hands R, F and M per customer over as an Arrow table; the quintiles, the scores and the per R × FM cell
sums are taken from that table, and pandas receives the scored customers.
"""
from __future__ import annotations

import collections
import dataclasses
import math
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Iterator

import pandas as pd

from cxcore.errors import NotFound, RfmError
from cxcore.segments import DEFAULT_RULES, SEGMENTS, SegmentRules
from cxcore.store import Store

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

MODES = ("quantile", "frozen", "thresholds")
METRICS = ("recency", "frequency", "monetary")
DEFAULT_THRESHOLDS = {"recency": (30, 90, 180, 365), "frequency": (1, 2, 3, 5),
                      "monetary": (2000, 5000, 15000, 50000)}
NEW = "new"  # the migration row of customers with no transaction before the earlier date
_ORDER_KEYS = {True: "order_id, CASE WHEN order_id IS NULL THEN order_date END", False: "order_date"}


# -- cut points ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CutPoints:
    """Four cut points per measure: score = 1 + the number of cut points a value exceeds (R: 5 minus it).

    Quantile cut points are DuckDB's `quantile_disc` at 20/40/60/80 % of the customers: the smallest value
    that at least that share of customers does not exceed, so each is a value some customer has (R and F
    stay whole numbers: "F ≤ 2" reads as it is; `quantile_cont` would interpolate to F 1.6). `recency` is
    None when no customer had a positive order (nobody has an R; every R scores 5 against it).
    """

    mode: str
    recency: tuple[float, ...] | None
    frequency: tuple[float, ...]
    monetary: tuple[float, ...]
    as_of: date | None = None  # the as-of date whose customers gave the quantiles (None: thresholds)

    @classmethod
    def thresholds(cls, recency: Any, frequency: Any, monetary: Any) -> "CutPoints":
        """Business thresholds typed in: four increasing numbers per measure (R and F not negative)."""
        checked = {}
        for metric, values in zip(METRICS, (recency, frequency, monetary)):
            try:
                numbers = tuple(_number(float(v)) for v in values)
            except (TypeError, ValueError):
                numbers = ()
            if (len(numbers) != 4 or not all(math.isfinite(n) for n in numbers)
                    or any(a >= b for a, b in zip(numbers, numbers[1:]))
                    or (metric != "monetary" and numbers[0] < 0)):
                raise RfmError("rfm.bad_thresholds", metric=metric[0].upper(), values=_listed(values))
            checked[metric] = numbers
        return cls("thresholds", **checked)

    @classmethod
    def from_text(cls, recency: str, frequency: str, monetary: str) -> "CutPoints":
        """Thresholds as typed in the page: "30; 90; 180; 365" (also "/" or commas between them)."""
        return cls.thresholds(*(numbers_in(text) for text in (recency, frequency, monetary)))

    def texts(self) -> dict[str, str]:
        """{metric: "30; 90; 180; 365"}: the cut points as the page shows them for editing."""
        values = (self.recency, self.frequency, self.monetary)
        return {metric: "; ".join(str(_number(v)) for v in numbers or ()) for metric, numbers in zip(METRICS, values)}

    def params(self) -> dict[str, float]:
        """The twelve cut points bound into the scoring statement."""
        found = {}
        for letter, values in zip("rfm", (self.recency or (math.inf,) * 4, self.frequency, self.monetary)):
            found.update({f"{letter}{i}": float(v) for i, v in enumerate(values, 1)})
        return found

    def to_json(self) -> dict[str, Any]:
        return {"mode": self.mode, "as_of": self.as_of.isoformat() if self.as_of else None,
                "recency": list(self.recency) if self.recency else None,
                "frequency": list(self.frequency), "monetary": list(self.monetary)}


@dataclass(frozen=True)
class CutSpec:
    """How the cut points are set: quantiles of each period, frozen at a baseline as-of date, or thresholds."""

    mode: str = "quantile"
    baseline: date | None = None
    thresholds: CutPoints | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise RfmError("rfm.bad_mode", mode=self.mode)
        if self.mode == "frozen" and self.baseline is None:
            raise RfmError("rfm.no_baseline")
        if self.mode == "thresholds" and self.thresholds is None:
            object.__setattr__(self, "thresholds", CutPoints.thresholds(*DEFAULT_THRESHOLDS.values()))

    @classmethod
    def parse(cls, text: str) -> "CutSpec":
        """`quantile` or `frozen:YYYY-MM-DD` (the command line's --cutpoints)."""
        mode, _, day = text.strip().partition(":")
        if mode == "quantile" and not day:
            return cls()
        if mode == "frozen" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            try:
                return cls("frozen", date.fromisoformat(day))
            except ValueError:
                pass
        raise RfmError("rfm.bad_mode", mode=text)


# -- results ------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class RfmResult:
    """The RFM of one base at one as-of date under one set of cut points and rules.

    `customers`: customer_id, recency_days (empty when F = 0), frequency, monetary, r_score, f_score,
    m_score, fm_score, segment (categorical, SEGMENTS order), cant_lose — one row per customer, no order.
    `summary`: the five segments in order: customers, customer_share, revenue, revenue_share, avg_recency,
    avg_frequency, avg_monetary, avg_order_value (revenue / positive orders), revenue_per_customer, cant_lose.
    `grid`: the 25 cells: r_score, fm_score, segment, customers, revenue.
    """

    workshop_id: str
    base_id: int
    as_of: date
    cut_points: CutPoints
    rules: SegmentRules
    customers: pd.DataFrame
    summary: pd.DataFrame
    grid: pd.DataFrame

    def summary_json(self) -> dict[str, Any]:
        """What the command line prints: as-of, cut points, and customers and revenue per segment."""
        rows = self.summary.set_index("segment")
        return {
            "as_of": self.as_of.isoformat(), "cut_points": self.cut_points.to_json(),
            "customers": int(rows["customers"].sum()), "revenue": round(float(rows["revenue"].sum()), 2),
            "segments": {s: {"customers": int(rows.at[s, "customers"]), "revenue": round(float(rows.at[s, "revenue"]), 2)}
                         for s in SEGMENTS},
        }


@dataclass(frozen=True, eq=False)
class Migration:
    """From-segment × to-segment between two as-of dates, both scored with the cut points of the first.

    `cells`: from_segment (a segment or "new"), to_segment, customers, revenue (net, between the dates).
    """

    from_date: date
    to_date: date
    cut_points: CutPoints
    cells: pd.DataFrame

    def matrix(self) -> pd.DataFrame:
        """Every from-segment (the five, then "new") × every to-segment, zeros included: from_segment,
        to_segment, customers, revenue, row_share (the share of the from-segment's customers)."""
        rows = pd.MultiIndex.from_product([(*SEGMENTS, NEW), SEGMENTS], names=["from_segment", "to_segment"])
        full = self.cells.set_index(["from_segment", "to_segment"]).reindex(rows, fill_value=0).reset_index()
        sizes = full.groupby("from_segment")["customers"].transform("sum")
        return full.assign(row_share=(full["customers"] / sizes.where(sizes > 0)).fillna(0.0))

    def kept(self, segment: str) -> tuple[int, float, float]:
        """The from-segment's customers, the share still in it at the later date, and the share that slid
        to at_risk or lost."""
        row = self.cells[self.cells["from_segment"] == segment].groupby("to_segment")["customers"].sum()
        size = int(row.sum())
        if not size:
            return 0, 0.0, 0.0
        return size, float(row.get(segment, 0)) / size, float(row.reindex(["at_risk", "lost"], fill_value=0).sum()) / size

    def to_json(self) -> dict[str, Any]:
        return {"from": self.from_date.isoformat(), "to": self.to_date.isoformat(),
                "cells": [{"from_segment": r.from_segment, "to_segment": r.to_segment,
                           "customers": int(r.customers), "revenue": round(float(r.revenue), 2)}
                          for r in self.cells.itertuples()]}


# -- computing ----------------------------------------------------------------------------------------
@dataclass
class Scoring:
    """The RFM statements on one base, run on one cursor: each reads the base's rows once for each as-of date
    it needs."""

    cursor: duckdb.DuckDBPyConnection
    base_id: int
    order_key: str
    orders_are_rows: bool = False  # every order is one row of the base (found at load): no GROUP BY order

    def quantiles(self, as_of: date) -> CutPoints:
        """The quintile cut points of the customers at `as_of`."""
        sql = _sql("cut_points", customers=self._customers(), quantile_cuts=_sql("quantile_cuts", source="customers"))
        return self._cuts(self.cursor.execute(sql, {"base_id": self.base_id, "as_of": as_of}).fetchall()[0], as_of)

    def cut_points(self, spec: CutSpec, as_of: date) -> CutPoints:
        """The cut points `spec` puts in use at `as_of`."""
        if spec.mode == "thresholds":
            return spec.thresholds
        cuts = self.quantiles(spec.baseline if spec.mode == "frozen" else as_of)
        return dataclasses.replace(cuts, mode=spec.mode)

    def scored(self, as_of: date, spec: CutSpec, rules: SegmentRules) -> tuple[pa.Table, CutPoints]:
        """Every customer at `as_of`, scored (the columns of RfmResult.customers, segment_code for segment), and
        the cut points used. The one pass over the base's rows hands R, F and M per customer over as an Arrow
        table (not a Python string per customer id, as pandas' own fetch); quantiles and scores are read off it."""
        customers = self.cursor.sql(self._customers(), params={"base_id": self.base_id, "as_of": as_of})
        self.cursor.register("rfm_customers", customers.to_arrow_table())
        if spec.mode == "quantile":
            cuts = self._cuts(self.cursor.execute(_sql("quantile_cuts", source="rfm_customers")).fetchall()[0], as_of)
        else:
            cuts = self.cut_points(spec, as_of)
        sql = _sql("rfm", given_cuts=_sql("given_cuts"), scores=_sql("scores", source="rfm_customers"))
        return self.cursor.sql(sql, params={**cuts.params(), **_rule_params(rules)}).to_arrow_table(), cuts

    def cells(self, scored: pa.Table) -> pd.DataFrame:
        """The scored customers summed per R × FM cell."""
        self.cursor.register("rfm_result", scored)
        return self.cursor.execute(_sql("cells", source="rfm_result")).df()

    def series_cells(self, as_of: date, period_start: date, cuts: CutPoints | None,
                     rules: SegmentRules) -> pd.DataFrame:
        """The cells at `as_of` with the period columns; `cuts` None: the quantiles of that date."""
        sql = _sql("series_cells", customers=self._customers(period=True), scores=_sql("scores", source="customers"),
                   cuts=_sql("quantile_cuts", source="customers") if cuts is None else _sql("given_cuts"),
                   cells=_sql("cells", source="scored", period_sums=_sql("period_sums")))
        params = {"base_id": self.base_id, "as_of": as_of, "period_start": period_start, **_rule_params(rules),
                  **({} if cuts is None else cuts.params())}
        return self.cursor.execute(sql, params).df()

    def migration(self, from_date: date, to_date: date, cuts: CutPoints, rules: SegmentRules) -> pd.DataFrame:
        sql = _sql("migration", earlier=self._customers("$from_date"), later=self._customers("$to_date", period=True),
                   given_cuts=_sql("given_cuts"), scores_earlier=_sql("scores", source="earlier"),
                   scores_later=_sql("scores", source="later"))
        params = {"base_id": self.base_id, "from_date": from_date, "to_date": to_date, "period_start": from_date,
                  **cuts.params(), **_rule_params(rules)}
        return self.cursor.execute(sql, params).df()

    def _customers(self, as_of: str = "$as_of", period: bool = False) -> str:
        block, period_block = ("order_rows", "period_rows") if self.orders_are_rows else ("orders", "period_orders")
        orders = _sql(block, as_of=as_of, order_key=self.order_key, period_orders=_sql(period_block) if period else "")
        return _sql("customers", as_of=as_of, orders=orders, period=_sql("period") if period else "")

    @staticmethod
    def _cuts(row: tuple, as_of: date) -> CutPoints:
        recency, frequency, monetary, count = row
        if not count:
            raise RfmError("rfm.no_customers", as_of=as_of.isoformat())
        return CutPoints("quantile", _numbers(recency), _numbers(frequency), _numbers(monetary), as_of)


@contextmanager
def scoring(store: Store, workshop_id: str, base_id: int) -> Iterator[Scoring]:
    """The statements on the base `base_id` of the workshop (NotFound if it is not the workshop's)."""
    row = store.query_one("""
        SELECT layout->>'$.mapping.order_id' IS NOT NULL, coalesce(orders_are_rows, false)
        FROM bases WHERE id = ? AND workshop_id = ?""", [base_id, workshop_id])
    if row is None:
        raise NotFound("error.no_base", name=workshop_id)
    with store.cursor() as cursor:
        yield Scoring(cursor, base_id, _ORDER_KEYS[bool(row[0])], bool(row[1]))


def default_as_of(store: Store, base_id: int) -> date:
    """The day after the last transaction of the base."""
    row = store.query_one("SELECT date_max FROM bases WHERE id = ?", [base_id])
    if row is None or row[0] is None:
        raise NotFound("error.no_base", name=str(base_id))
    return row[0] + timedelta(days=1)


def compute(store: Store, workshop_id: str, base_id: int, as_of: date | None = None,
            spec: CutSpec = CutSpec(), rules: SegmentRules = DEFAULT_RULES) -> RfmResult:
    """R, F, M, scores and segment of every customer with a transaction before `as_of` (default: the day
    after the base's last transaction), with the segment summary and the R × FM grid."""
    as_of = as_of or default_as_of(store, base_id)
    with scoring(store, workshop_id, base_id) as work:
        scored, cuts = work.scored(as_of, spec, rules)
        cells = work.cells(scored)
    return RfmResult(workshop_id, base_id, as_of, cuts, rules, _tidy(scored.to_pandas()), summary_of(cells, rules),
                     grid_of(cells, rules))


def cut_points(store: Store, workshop_id: str, base_id: int, as_of: date, spec: CutSpec = CutSpec()) -> CutPoints:
    """The cut points `spec` puts in use at `as_of` (quantile: those of that period)."""
    with scoring(store, workshop_id, base_id) as work:
        return work.cut_points(spec, as_of)


def migration(store: Store, workshop_id: str, base_id: int, from_date: date, to_date: date,
              spec: CutSpec = CutSpec(), rules: SegmentRules = DEFAULT_RULES) -> Migration:
    """Where the customers of `from_date` stand at `to_date`, both scored with the cut points in use at
    `from_date`; customers with no transaction before `from_date` come from "new"."""
    if from_date >= to_date:
        raise RfmError("rfm.bad_dates", from_date=from_date.isoformat(), to_date=to_date.isoformat())
    with scoring(store, workshop_id, base_id) as work:
        cuts = work.cut_points(spec, from_date)
        cells = work.migration(from_date, to_date, cuts, rules)
    names = {-1: NEW, **dict(enumerate(SEGMENTS))}
    cells = pd.DataFrame({"from_segment": [names[c] for c in cells["from_code"]],
                          "to_segment": [names[c] for c in cells["to_code"]],
                          "customers": cells["customers"].astype("int64"), "revenue": cells["revenue"].astype(float)})
    order = {name: i for i, name in enumerate((*SEGMENTS, NEW))}
    cells = cells.sort_values(["from_segment", "to_segment"], key=lambda s: s.map(order), ignore_index=True)
    return Migration(from_date, to_date, cuts, cells)


def summary_of(cells: pd.DataFrame, rules: SegmentRules) -> pd.DataFrame:
    """The five segments, in order, from the per-cell sums (see RfmResult.summary)."""
    cells = cells.assign(segment=[rules.segment(int(r), int(fm)) for r, fm in zip(cells["r_score"], cells["fm_score"])],
                         cant_lose=[int(n) if f"{r}{fm}" in rules.cant_lose else 0
                                    for r, fm, n in zip(cells["r_score"], cells["fm_score"], cells["customers"])])
    sums = ["customers", "revenue", "recency_sum", "with_recency", "orders", "cant_lose"]
    rows = cells.groupby("segment")[sums].sum().reindex(list(SEGMENTS), fill_value=0).astype(float)
    customers, revenue = rows["customers"], rows["revenue"]
    total_customers, total_revenue = customers.sum(), revenue.sum()
    return pd.DataFrame({
        "segment": list(SEGMENTS),
        "customers": customers.astype("int64").to_numpy(),
        "customer_share": (customers / total_customers if total_customers else customers * 0).to_numpy(),
        "revenue": revenue.round(2).to_numpy(),
        "revenue_share": (revenue / total_revenue if total_revenue else revenue * math.nan).to_numpy(),
        "avg_recency": (rows["recency_sum"] / rows["with_recency"].where(rows["with_recency"] > 0)).to_numpy(),
        "avg_frequency": (rows["orders"] / customers.where(customers > 0)).to_numpy(),
        "avg_monetary": (revenue / customers.where(customers > 0)).to_numpy(),
        "avg_order_value": (revenue / rows["orders"].where(rows["orders"] > 0)).to_numpy(),
        "revenue_per_customer": (revenue / customers.where(customers > 0)).to_numpy(),
        "cant_lose": rows["cant_lose"].astype("int64").to_numpy(),
    })


def grid_of(cells: pd.DataFrame, rules: SegmentRules) -> pd.DataFrame:
    """The 25 cells, R 5 down to 1, FM 1 to 5: r_score, fm_score, segment, customers, revenue."""
    counted = {(int(r.r_score), int(r.fm_score)): (int(r.customers), float(r.revenue)) for r in cells.itertuples()}
    rows = [(r, fm, rules.segment(r, fm), *counted.get((r, fm), (0, 0.0))) for r in range(5, 0, -1)
            for fm in range(1, 6)]
    return pd.DataFrame(rows, columns=["r_score", "fm_score", "segment", "customers", "revenue"])


# -- helpers ------------------------------------------------------------------------------------------
@cache
def _statements() -> dict[str, str]:
    text = resources.files("cxcore").joinpath("rfm.sql").read_text(encoding="utf-8")
    found = {}
    for block in text.split("-- name: ")[1:]:
        name, _, body = block.partition("\n")
        lines = [line for line in body.splitlines() if not line.lstrip().startswith("--")]
        found[name.strip()] = "\n".join(lines).strip().rstrip(";")
    return found


def _sql(name: str, **slots: str) -> str:
    """A statement of rfm.sql with its {slots} filled (a slot not given stays empty)."""
    return _statements()[name].format_map(collections.defaultdict(str, slots))


def numbers_in(text: str) -> list[str]:
    """The numbers of a typed list: split at ";" or "/" (then a comma is a decimal comma), else at commas,
    else at spaces; spaces inside a number ("50 000") are dropped."""
    text = (text or "").strip()
    if re.search(r"[;/]", text):
        parts = [re.sub(r"\s", "", part).replace(",", ".") for part in re.split(r"[;/]", text)]
    elif "," in text:
        parts = [re.sub(r"\s", "", part) for part in text.split(",")]
    else:
        parts = text.split()
    return [part for part in parts if part]


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def _numbers(values: list | None) -> tuple[float, ...] | None:
    return None if values is None or any(v is None for v in values) else tuple(_number(v) for v in values)


def _rule_params(rules: SegmentRules) -> dict[str, list]:
    return {"segment_codes": rules.segment_codes(), "cant_lose": rules.cant_lose_flags()}


def _listed(values: Any) -> str:
    try:
        return ", ".join(str(v) for v in values)
    except TypeError:
        return str(values)


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    frame["recency_days"] = frame["recency_days"].astype("Int64")
    frame["frequency"] = frame["frequency"].astype("int64")
    frame["monetary"] = frame["monetary"].astype(float)
    frame.insert(frame.columns.get_loc("segment_code"), "segment",
                 pd.Categorical.from_codes(frame["segment_code"].astype("int8"), categories=list(SEGMENTS)))
    frame["cant_lose"] = frame["cant_lose"].astype(bool)
    return frame.drop(columns="segment_code")
