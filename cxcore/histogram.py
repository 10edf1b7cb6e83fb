"""Histograms of R, F and M over the customers of an RFM result, binned for a chart the room can read.

Binning is the last small step to a chart (the per-customer table is already in memory). The bins are
ones a manager reads at a glance: R in days of a round width, F one bar per order count, M on a 1–2–5
money ladder (revenue per customer spans four orders of magnitude). The tail above the 95th percentile
goes into one last bin ("40+"), and M's bottom 5 % into a first one ("< 200") so a few very large customers do not squeeze everyone into one bar.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from cxcore.i18n import fmt_number, fmt_short
from cxcore.rfm import METRICS, RfmResult

COLUMNS = {"recency": "recency_days", "frequency": "frequency", "monetary": "monetary"}
TAIL_QUANTILE = 0.95
_LADDER = (1, 2, 5)


def round_width(span: float, bins: int) -> int:
    """The smallest whole 1, 2, 5 × 10^k that covers `span` in `bins` bins."""
    raw = max(span / bins, 1)
    power = 10 ** math.floor(math.log10(raw))
    return int(next(step * power for step in (*_LADDER, 10) if step * power >= raw))


def edges(metric: str, values: np.ndarray, bins: int = 20) -> list[float]:
    """The bin edges of one measure: the first bin starts at the smallest value (M: an open "< x" bin below
    the 5th percentile), the last one is open ("x+")."""
    low, top = float(values.min()), float(np.quantile(values, TAIL_QUANTILE))
    if metric == "frequency":
        return [float(v) for v in range(int(low), int(max(top, low)) + 2)]
    if metric == "recency":
        width = round_width(top - low, bins)
        start = math.floor(low / width) * width
        return [float(start + width * i) for i in range(int((top - start) // width) + 2)]
    floor = float(np.quantile(values, 1 - TAIL_QUANTILE))  # below it: one "< x" bin
    ladder = [step * 10.0 ** power for power in range(0, 13) for step in _LADDER]
    first = max([edge for edge in ladder if edge <= floor], default=ladder[0])
    found = [edge for edge in ladder if first <= edge]
    found = found[:next(i for i, edge in enumerate(found) if edge > top) + 1]
    return ([-math.inf] if low < found[0] else []) + found


def histogram(result: RfmResult, metric: str, bins: int = 20) -> pd.DataFrame:
    """Customers per bin of one measure, in order: start, end (None for the open last bin), customers.
    Bin i holds start ≤ value < end; the last holds every value from its start up. R leaves out the
    customers without a positive order (they have no recency)."""
    if metric not in METRICS:
        raise ValueError(f"unknown measure: {metric!r}")
    values = result.customers[COLUMNS[metric]].dropna().to_numpy(dtype=float)
    if values.size == 0:
        return pd.DataFrame({"start": pd.Series(dtype=float), "end": pd.Series(dtype=float),
                             "customers": pd.Series(dtype="int64")})
    cuts = edges(metric, values, bins)
    counts = np.bincount(np.searchsorted(cuts, values, side="right") - 1, minlength=len(cuts))[:len(cuts)]
    ends = [*cuts[1:], None]
    return pd.DataFrame({"start": cuts, "end": ends, "customers": counts.astype("int64")})


def labels(frame: pd.DataFrame, metric: str, lang: str) -> list[str]:
    """The bars' names: "3" (F), "50–99" (R), "2 тыс.–5 тыс." (M), and "40+" for the open last bin."""
    def show(value: float) -> str:
        return fmt_short(value, lang) if metric == "monetary" else fmt_number(value, lang)

    found = []
    for start, end in zip(frame["start"], frame["end"]):
        if end is None or pd.isna(end):
            found.append(f"{show(start)}+")
        elif start == -math.inf:
            found.append(f"< {show(end)}")
        elif metric == "frequency":
            found.append(show(start))
        elif metric == "recency":
            found.append(f"{show(start)}–{show(end - 1)}")
        else:
            found.append(f"{show(start)}–{show(end)}")
    return found

