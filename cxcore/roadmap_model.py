"""The roadmap's records as plain dataclasses, its vocabulary, and the rules of its values.

`check(name, raw)` returns a value as stored (text trimmed, whole numbers as int, dates as `date`) or raises
RoadmapError naming the field.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, Callable, ClassVar

from cxcore import method
from cxcore.errors import RoadmapError
from cxcore.i18n import t

SOURCES = ("idea", "maturity", "manual")
HORIZONS = ("month", "quarter", "half_year", "later")  # quick win ≤ 1 month / 3 months / 6 months / later
STATUSES = ("planned", "in_progress", "done", "dropped")
ACTIVE = ("planned", "in_progress", "done")  # what the roadmap delivers; a dropped item counts nowhere
REQUIRED = ("owner", "department", "kpi", "review_on")  # METHOD: maps that nobody owns die after the workshop
QUADRANT_ORDER = {key: i for i, key in enumerate(method.QUADRANTS)}  # quick wins first, then big bets, …
# The horizon an item gets when none is given: a quick win is done within a month, a big bet takes half a year.
DEFAULT_HORIZON = {"quick_win": "month", "fill_in": "quarter", "big_bet": "half_year", "time_sink": "later",
                   None: "quarter"}
ITEMS, ACTUALS = "roadmap_items", "roadmap_kpi_actuals"


@dataclass(frozen=True)
class RoadmapItem:
    """One line of the roadmap: what is done, for which barriers, by whom, by when, and how it is measured."""
    id: str
    workshop_id: str
    title: str
    source: str  # idea | maturity | manual
    idea_id: str | None
    barrier_ids: tuple[str, ...]
    stage: str | None
    owner: str  # "" while nobody owns it
    department: str
    horizon: str
    kpi_name: str
    kpi_current: float | None
    kpi_target: float | None
    budget: float | None  # roubles
    review_on: date | None
    status: str
    impact: int | None
    effort: int | None
    version: int
    created_at: datetime
    candidate: str | None = None  # the maturity candidate it came from ("competency:lead", "practice:7")
    author: str = ""

    table: ClassVar[str] = ITEMS
    editable: ClassVar[tuple[str, ...]] = (
        "title", "barrier_ids", "stage", "owner", "department", "horizon", "kpi_name", "kpi_current",
        "kpi_target", "budget", "review_on", "status", "impact", "effort")

    @property
    def quadrant(self) -> str | None:
        """METHOD's quadrant from impact and effort (computed, never typed); None while either is unset."""
        return quadrant_of(self.impact, self.effort)

    @property
    def missing(self) -> tuple[str, ...]:
        """What the item still needs (of owner, department, kpi, review_on). The KPI counts as given once it has
        a name and a target; its current value may still be measured after the workshop."""
        found = {"owner": not self.owner, "department": not self.department,
                 "kpi": not self.kpi_name or self.kpi_target is None, "review_on": self.review_on is None}
        return tuple(key for key in REQUIRED if found[key])

    @property
    def incomplete(self) -> bool:
        return bool(self.missing)

    def missing_text(self, lang: str) -> str:
        """"Missing: owner, next review date" ("" when complete)."""
        if not self.missing:
            return ""
        return t("roadmap.incomplete", lang, missing=", ".join(t(f"roadmap.missing.{k}", lang) for k in self.missing))

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


@dataclass(frozen=True)
class KpiActual:
    """A KPI's measured value on a date."""
    item_id: str
    measured_on: date
    value: float
    version: int
    id: str = ""


def quadrant_of(impact: int | None, effort: int | None) -> str | None:
    return None if impact is None or effort is None else method.quadrant(impact, effort)


def columns(cls: type) -> list[str]:
    return [f.name for f in fields(cls)]


def from_record(cls: type, record: dict[str, Any]) -> Any:
    data = {name: record[name] for name in columns(cls)}
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


# -- the rules of values ----------------------------------------------------------------------------------------
def _text(raw: Any, field: str) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise RoadmapError("roadmap.not_text", field=field)
    return raw.strip()


def _required_text(raw: Any, field: str) -> str:
    text = _text(raw, field)
    if not text:
        raise RoadmapError("roadmap.empty_text", field=field)
    return text


def is_number(raw: Any) -> bool:
    """A finite real number (numpy's too), not a bool."""
    return isinstance(raw, numbers.Real) and not isinstance(raw, bool) and math.isfinite(raw)


def _plain_number(raw: Any) -> int | float:
    return int(raw) if float(raw).is_integer() else float(raw)


def _number(raw: Any, field: str) -> int | float | None:
    if raw is None:
        return None
    if not is_number(raw):
        raise RoadmapError("roadmap.bad_number", field=field)
    return _plain_number(raw)


def _money(raw: Any, field: str) -> int | float | None:
    value = _number(raw, field)
    if value is not None and value < 0:
        raise RoadmapError("roadmap.bad_money", field=field)
    return value


def _score(raw: Any, field: str) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, numbers.Integral) or raw not in method.SCORES:
        raise RoadmapError("roadmap.bad_score", field=field)
    return int(raw)


def day(raw: Any, field: str) -> date | None:
    """A date, or an ISO text of one (a re-imported sheet); None stays None."""
    if raw is None:
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise RoadmapError("roadmap.bad_date", field=field)


def _choice(options: tuple[str, ...], optional: bool = False) -> Callable[[Any, str], Any]:
    def check(raw: Any, field: str) -> Any:
        if optional and raw is None:
            return None
        if raw not in options:
            raise RoadmapError("roadmap.bad_choice", field=field, value=str(raw), allowed=", ".join(options))
        return raw
    return check


def _ids(raw: Any, field: str) -> list[str]:
    if isinstance(raw, str) or not isinstance(raw, (list, tuple)):
        raise RoadmapError("roadmap.not_list", field=field)
    return list(dict.fromkeys(_required_text(item, f"{field}[{i}]") for i, item in enumerate(raw)))


CHECKS: dict[str, Callable[[Any, str], Any]] = {
    "title": _required_text, "owner": _text, "department": _text, "kpi_name": _text, "author": _text,
    "kpi_current": _number, "kpi_target": _number, "budget": _money, "review_on": day,
    "impact": _score, "effort": _score, "barrier_ids": _ids,
    "source": _choice(SOURCES), "horizon": _choice(HORIZONS), "status": _choice(STATUSES),
    "stage": _choice(method.STAGES, optional=True),
}


def check(name: str, raw: Any, field: str | None = None) -> Any:
    return CHECKS[name](raw, field or name)


def checked(changes: dict[str, Any]) -> dict[str, Any]:
    return {name: check(name, raw) for name, raw in changes.items()}
