"""The business case of a workshop (METHOD step 6): what the target segment's bad experiences cost, from the
customer base and the public survey figures of METHOD.md, and how much of it the roadmap keeps.

Every number is a `CaseLine` that says how it was computed, with the numbers filled in, and where it comes from.

From the data (the target segment in the RFM summary at the base's default as-of date, workshop's settings):
    C  customers of the segment;  R  their net revenue over the base's period;  M  months the base spans
    A  annual revenue = R ÷ M × 12                   (the survey's shares are shares of a year's revenue)
Assumptions (editable per workshop; defaults and sources from METHOD.md):
    b 18 % had a bad experience · l 9.5 % of revenue lost (l_max up to 14.7 %) · p_broken 24 % buy again after
    broken trust · p_good 85 % after a very good experience · 7× acquisition vs retention · 10–25 % premium ·
    personalisation +5–10 % / 25 % · c ≤ 10 % of hurt customers complain
Estimates:
    hurt customers      H = C × b;  of them complain  H × c;  leave silently  H × (1 − c)
    revenue at risk     V = A × l  (up to A × l_max) per year
    coverage            K = Σ severity of the segment's barriers that an active item fixes ÷ Σ severity of all
                            the segment's barriers (a dropped item fixes nothing; a maturity or manual item
                            without barriers adds none: its effect is not in this estimate)
    revenue kept        V × K  (up to A × l_max × K) per year
    repurchase gap      p_good − p_broken
    customers kept      H × K × (p_good − p_broken): hurt customers whose barrier is fixed, who buy again as after
                            a very good experience instead of as after broken trust
    budget              Σ budget of the active items;  revenue kept per rouble  V × K ÷ budget
A number whose inputs are unknown (no base, no target segment, no barrier) is None, and its formula says why.
"""
from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cxcore import access, journey, rfm_settings
from cxcore.errors import ConflictError, RoadmapError
from cxcore.i18n import fmt_date, fmt_money, fmt_number, t
from cxcore.roadmap_items import items
from cxcore.roadmap_model import is_number
from cxcore.roadmap_reach import segment_figures
from cxcore.store import Store

TABLE = "business_case_assumptions"
DEFAULTS: dict[str, float] = {
    "bad_experience": 0.18, "revenue_lost": 0.095, "revenue_lost_max": 0.147,
    "repurchase_broken": 0.24, "repurchase_good": 0.85, "acquisition_multiple": 7.0,
    "premium_low": 0.10, "premium_high": 0.25,
    "personalisation_low": 0.05, "personalisation_high": 0.10, "personalisation_digital": 0.25,
    "complain": 0.10,
}
KEYS = tuple(DEFAULTS)
# Which citation of METHOD.md each assumption comes from (`case.source.<name>`).
CITATIONS = {"bad_experience": "qualtrics", "revenue_lost": "qualtrics", "revenue_lost_max": "qualtrics",
             "repurchase_broken": "qualtrics", "repurchase_good": "qualtrics", "acquisition_multiple": "acquisition",
             "premium_low": "premium", "premium_high": "premium", "personalisation_low": "personalisation",
             "personalisation_high": "personalisation", "personalisation_digital": "personalisation",
             "complain": "complaints"}
UNITS = ("customers", "money", "share", "times", "months", "ratio")


@dataclass(frozen=True)
class Assumptions:
    """The survey figures a workshop's business case uses; version 0: never saved (METHOD.md's defaults)."""
    workshop_id: str
    bad_experience: float = DEFAULTS["bad_experience"]
    revenue_lost: float = DEFAULTS["revenue_lost"]
    revenue_lost_max: float = DEFAULTS["revenue_lost_max"]
    repurchase_broken: float = DEFAULTS["repurchase_broken"]
    repurchase_good: float = DEFAULTS["repurchase_good"]
    acquisition_multiple: float = DEFAULTS["acquisition_multiple"]
    premium_low: float = DEFAULTS["premium_low"]
    premium_high: float = DEFAULTS["premium_high"]
    personalisation_low: float = DEFAULTS["personalisation_low"]
    personalisation_high: float = DEFAULTS["personalisation_high"]
    personalisation_digital: float = DEFAULTS["personalisation_digital"]
    complain: float = DEFAULTS["complain"]
    sources: dict[str, str] = field(default_factory=dict)  # the room's own citation, where it changed a figure
    version: int = 0

    def values(self) -> dict[str, float]:
        return {key: getattr(self, key) for key in KEYS}

    def source(self, key: str, lang: str) -> str:
        return self.sources.get(key) or t(f"case.source.{CITATIONS[key]}", lang)

    def is_default(self, key: str) -> bool:
        return getattr(self, key) == DEFAULTS[key] and key not in self.sources


def assumptions(store: Store, workshop_id: str) -> Assumptions:
    """The workshop's assumptions (METHOD.md's figures, version 0, if it never saved any)."""
    rows = store.query_dicts(f"SELECT * FROM {TABLE} WHERE id = ? AND deleted_at IS NULL", [workshop_id])
    return _from_record(rows[0]) if rows else Assumptions(workshop_id)


def save_assumptions(store: Store, current: Assumptions, actor: str, **changes: Any) -> Assumptions:
    """Change figures (names of KEYS; shares 0–1, the multiple above 0) and/or `sources` ({key: text}; empty text
    goes back to METHOD.md's citation) of the assumptions read as `current`; ConflictError if someone saved them
    since. The first save creates the record (also with no change: the defaults are then stored)."""
    unknown = set(changes) - {*KEYS, "sources"}
    if unknown:
        raise ValueError(f"not an assumption: {sorted(unknown)}")
    access.require_writer(store, actor, current.workshop_id)
    values = {key: _checked(key, raw) for key, raw in changes.items() if key != "sources"}
    sources = dict(current.sources)
    for key, text in (changes.get("sources") or {}).items():
        if key not in KEYS:
            raise ValueError(f"not an assumption: {key}")
        text = str(text or "").strip()
        if text:
            sources[key] = text
        else:
            sources.pop(key, None)
    wanted = dataclasses.replace(current, **values, sources=sources)
    columns = {**wanted.values(), "sources": json.dumps(wanted.sources, ensure_ascii=False, sort_keys=True)}
    if current.version == 0:
        with store.write(actor) as tx:
            existing = tx.record(TABLE, current.workshop_id)
            if existing is not None:
                raise ConflictError("error.stale_version", current=existing, version=0,
                                    current_version=existing["version"])
            row = {"id": current.workshop_id, "workshop_id": current.workshop_id, **columns}
            tx.execute(f"INSERT INTO {TABLE} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                       list(row.values()))
            record = tx.record(TABLE, current.workshop_id)
            tx.log(TABLE, current.workshop_id, "create", workshop_id=current.workshop_id, version=1, new=record)
        return _from_record(record)
    before = {**current.values(), "sources": json.dumps(current.sources, ensure_ascii=False, sort_keys=True)}
    changed = {k: v for k, v in columns.items() if before[k] != v}
    if not changed:
        return current
    record = store.update_record(TABLE, current.workshop_id, current.version, changed, actor, current.workshop_id)
    return _from_record(record)


def _checked(key: str, raw: Any) -> float:
    if not is_number(raw):
        raise RoadmapError("roadmap.bad_number", field=key)
    if key == "acquisition_multiple":
        if raw <= 0:
            raise RoadmapError("roadmap.bad_multiple", field=key)
    elif not 0 <= raw <= 1:
        raise RoadmapError("roadmap.bad_share", field=key)
    return float(raw)


def _from_record(record: dict[str, Any]) -> Assumptions:
    return Assumptions(record["workshop_id"], **{key: record[key] for key in KEYS},
                       sources=json.loads(record["sources"]) if record["sources"] else {}, version=record["version"])


# -- the case -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CaseLine:
    key: str
    label: str
    value: float | None
    unit: str  # customers | money | share | times | months | ratio
    formula: str  # how it was computed, the numbers filled in (or why it is unknown)
    source: str
    section: str = "estimate"  # data | assumption | estimate
    shown: str = ""  # the value as the language writes it


@dataclass(frozen=True)
class BusinessCase:
    workshop_id: str
    segment: str | None
    as_of: date | None
    lines: list[CaseLine]

    def line(self, key: str) -> CaseLine:
        return next(line for line in self.lines if line.key == key)

    def value(self, key: str) -> float | None:
        return self.line(key).value


def shown(value: float | None, unit: str, lang: str) -> str:
    """A case value as the language writes it: customers whole, money in roubles, shares in %."""
    if value is None:
        return "—"
    if unit == "money":
        return fmt_money(value, lang)
    if unit == "share":
        return _pct(value, lang)
    if unit == "times":
        return f"{fmt_number(value, lang, 0 if float(value).is_integer() else 1)}×"
    if unit == "ratio":
        return fmt_number(value, lang, 2)
    return fmt_number(value, lang, 0)


def _pct(value: float, lang: str) -> str:
    number = round(value * 100, 1)
    return f"{fmt_number(number, lang, 0 if float(number).is_integer() else 1)} %"


def _rub(value: float, lang: str) -> str:
    """Money in a formula: whole roubles, every digit."""
    number = fmt_number(round(value), lang, 0)
    return f"{number} ₽" if lang == "ru" else f"₽{number}"


def _times(*values: float | None) -> float | None:
    return None if any(v is None for v in values) else math.prod(values)


def business_case(store: Store, workshop_id: str, lang: str) -> BusinessCase:
    """The workshop's business case, line by line (see the module's docstring for the formulas)."""
    a = assumptions(store, workshop_id)
    segment = rfm_settings.target_segment(store, workshop_id)
    journeys = journey.journeys(store, workshop_id)
    if segment is None and journeys:  # no target chosen on the RFM page: the journey the room mapped
        segment = journeys[0].segment
    figures = segment_figures(store, workshop_id).get(segment) if segment else None
    base_row = store.query_one("SELECT source_name, date_min, date_max FROM bases WHERE workshop_id = ?",
                               [workshop_id])
    name = t(f"rfm.segment.{segment}", lang) if segment else "—"
    no_data = t("case.formula.no_segment", lang) if segment is None else (
        None if figures else t("case.formula.no_base", lang))
    lines: list[CaseLine] = []

    def add(key: str, value: float | None, unit: str, section: str, formula: str, source: str) -> float | None:
        lines.append(CaseLine(key, t(f"case.line.{key}", lang), value, unit, formula, source, section,
                              shown(value, unit, lang)))
        return value

    def fill(key: str, value: float | None, unit: str, why: str | None, **numbers: str) -> float | None:
        """An estimate: its formula with the numbers, or why it is unknown."""
        formula = t(f"case.formula.{key}", lang, **numbers) if value is not None else why or "—"
        return add(key, value, unit, "estimate", formula, t("case.source.estimate", lang))

    # -- from the data
    customers = revenue = months = None
    data_source, first, last = no_data, "—", "—"
    if figures and base_row:
        customers, revenue = figures.customers, figures.revenue
        months = _months(base_row[1], base_row[2])
        data_source = t("case.source.data", lang, base=base_row[0], as_of=fmt_date(figures.as_of, lang))
        first, last = fmt_date(base_row[1], lang), fmt_date(base_row[2], lang)
    add("customers", customers, "customers", "data",
        t("case.formula.customers", lang, segment=name) if customers is not None else no_data, data_source)
    add("revenue", revenue, "money", "data",
        t("case.formula.revenue", lang, segment=name, first=first, last=last) if months else no_data, data_source)
    add("months", months, "months", "data",
        t("case.formula.months", lang, first=first, last=last) if months else no_data, data_source)
    annual = fill("annual_revenue", revenue / months * 12 if months else None, "money", no_data,
                  revenue=_rub(revenue or 0, lang), months=str(months))

    # -- the assumptions
    for key in KEYS:
        unit = "times" if key == "acquisition_multiple" else "share"
        add(key, getattr(a, key), unit, "assumption",
            t("case.formula.assumption" if a.is_default(key) else "case.formula.assumption_changed", lang,
              default=shown(DEFAULTS[key], unit, lang)), a.source(key, lang))

    # -- the estimates
    def p(value: float | None) -> str:
        return _pct(value or 0, lang)

    def n(value: float | None) -> str:
        return fmt_number(value or 0, lang)

    hurt = fill("customers_hurt", _times(customers, a.bad_experience), "customers", no_data,
                customers=n(customers), share=p(a.bad_experience))
    fill("complaints", _times(hurt, a.complain), "customers", no_data, hurt=n(hurt), share=p(a.complain))
    fill("silent", _times(hurt, 1 - a.complain), "customers", no_data, hurt=n(hurt), share=p(1 - a.complain))
    at_risk = fill("revenue_at_risk", _times(annual, a.revenue_lost), "money", no_data,
                   annual=_rub(annual or 0, lang), share=p(a.revenue_lost))
    at_risk_max = fill("revenue_at_risk_max", _times(annual, a.revenue_lost_max), "money", no_data,
                       annual=_rub(annual or 0, lang), share=p(a.revenue_lost_max))

    active = [i for i in items(store, workshop_id) if i.active]
    barriers = [b for j in journeys if j.segment == segment for b in j.barriers]
    fixed = {b for i in active for b in i.barrier_ids}
    total = sum(b.severity for b in barriers)
    addressed = sum(b.severity for b in barriers if b.id in fixed)
    no_barriers = t("case.formula.no_segment", lang) if segment is None else (
        None if total else t("case.formula.no_barriers", lang, segment=name))
    coverage = fill("coverage", addressed / total if total else None, "share", no_barriers,
                    addressed=str(addressed), total=str(total), fixed=str(sum(b.id in fixed for b in barriers)),
                    barriers=str(len(barriers)))
    kept = fill("revenue_kept", _times(at_risk, coverage), "money", no_data or no_barriers,
                at_risk=_rub(at_risk or 0, lang), coverage=p(coverage))
    fill("revenue_kept_max", _times(at_risk_max, coverage), "money", no_data or no_barriers,
         at_risk=_rub(at_risk_max or 0, lang), coverage=p(coverage))
    gap = fill("repurchase_gap", a.repurchase_good - a.repurchase_broken, "share", None,
               good=p(a.repurchase_good), broken=p(a.repurchase_broken))
    fill("customers_kept", _times(hurt, coverage, gap), "customers", no_data or no_barriers,
         hurt=n(hurt), coverage=p(coverage), gap=p(gap))

    budgets = [i.budget for i in active if i.budget is not None]
    budget = float(sum(budgets))
    add("budget", budget, "money", "estimate",
        t("case.formula.budget", lang, priced=str(len(budgets)), unpriced=str(len(active) - len(budgets))),
        t("case.source.roadmap", lang))
    fill("return_ratio", kept / budget if kept is not None and budget else None, "ratio",
         no_data or no_barriers or t("case.formula.no_budget", lang), kept=_rub(kept or 0, lang),
         budget=_rub(budget, lang))
    return BusinessCase(workshop_id, segment, figures.as_of if figures else None, lines)


def _months(first: date, last: date) -> int:
    """Calendar months from the first to the last transaction, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1
