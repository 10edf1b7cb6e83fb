"""A persona per RFM segment: the figures the base gives (size, revenue share, average order value, frequency, the
channels, regions and products the segment's revenue comes through) and what the room says of it (a name, goals,
needs, the expectations that matter most, quotes chosen from the customers' own comments).

The figures are the RFM page's own: size, shares, AOV and frequency come from `rfm.compute(...).summary` with the
workshop's settings, so the card and the RFM page never disagree; the top channels, regions and products are summed
in one DuckDB statement over the base's rows joined with the scored customers. What the room writes is one versioned
record per workshop and segment (id `<workshop id>/<segment>`): a segment never described reads an empty persona at
version 0, and its first save creates the record (as `contact_policy` does).
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from cxcore import access, checks, customer_segments, method
from cxcore.errors import PersonaError
from cxcore.feedback import PLACED
from cxcore.segments import SEGMENTS
from cxcore.store import Store

if TYPE_CHECKING:
    from cxcore.rfm import RfmResult

TABLE = "personas"
EDITABLE = ("name", "goals", "needs", "quotes", "expectations")
NAME_MAX, TEXT_MAX, QUOTES_MAX, QUOTE_MAX = 80, 1000, 8, 1000
TOP = 3  # channels, regions and products shown per segment
DIMENSIONS = ("channel", "region", "product")
# The entities whose changes a live persona page watches (the plan and the contact policy it feeds included).
ENTITIES = ("personas", "personalisation_actions", "contact_policies")

# The segment's revenue per channel, region and product: one pass over the rows, the best TOP of each.
_TOPS_SQL = """
WITH facts AS (
    SELECT s.segment, r.channel, r.region, r.product, r.amount
    FROM base_rows r
    JOIN persona_segments s ON s.customer_id = r.customer_id
    WHERE r.base_id = $base_id AND r.order_date < $as_of
), sums AS (
    SELECT segment,
           CASE WHEN GROUPING(channel) = 0 THEN 'channel' WHEN GROUPING(region) = 0 THEN 'region' ELSE 'product' END
               AS dimension,
           coalesce(channel, region, product) AS name,
           sum(amount) AS revenue
    FROM facts
    GROUP BY GROUPING SETS ((segment, channel), (segment, region), (segment, product))
)
SELECT segment, dimension, name, revenue
FROM sums
WHERE name IS NOT NULL AND revenue > 0
QUALIFY row_number() OVER (PARTITION BY segment, dimension ORDER BY revenue DESC, name) <= $top
ORDER BY segment, dimension, revenue DESC, name
"""

# The comments of one segment's customers with the placement in force (`feedback.PLACED`: the facilitator's
# correction where there is one, else the dictionary's).
_PLACED_SQL = f"""
SELECT p.text, p.text_key, p.sentiment, p.said_on, p.channel, p.row_no, p.placed_stage AS stage,
       p.placed_expectations AS expectations
FROM ({PLACED}) p
JOIN persona_segments s ON s.customer_id = p.customer_id
WHERE s.segment = $segment
"""
_NEWEST_NEGATIVE_FIRST = "sentiment = 'negative' DESC, said_on DESC NULLS LAST"
_QUOTES_SQL = f"""
WITH placed AS ({_PLACED_SQL})
SELECT text, sentiment, said_on, stage, channel
FROM placed
QUALIFY row_number() OVER (PARTITION BY text_key ORDER BY {_NEWEST_NEGATIVE_FIRST}, row_no) = 1
ORDER BY {_NEWEST_NEGATIVE_FIRST}, text
LIMIT $limit
"""
_SIGNAL_SQL = f"""
WITH placed AS ({_PLACED_SQL})
SELECT e.expectation, count(*) AS comments, count(*) FILTER (WHERE sentiment = 'negative') AS negative
FROM placed, unnest(expectations) AS e(expectation)
WHERE $stage IS NULL OR stage = $stage
GROUP BY ALL
"""
_COUNT_SQL = f"""
WITH placed AS ({_PLACED_SQL})
SELECT count(*), count(*) FILTER (WHERE sentiment = 'negative') FROM placed WHERE $stage IS NULL OR stage = $stage
"""


# -- the figures ---------------------------------------------------------------------------------------------------
Top = tuple[tuple[str, float], ...]  # (name, share of the segment's revenue), best first


@dataclass(frozen=True)
class PersonaFigures:
    """What the base says of a segment. Shares are 0–1; averages None where the segment has nobody to average.
    `channels`, `regions`, `products`: up to three names with their share of the segment's net revenue (empty when
    the base has no such column)."""

    segment: str
    customers: int
    customer_share: float
    revenue: float
    revenue_share: float | None
    avg_order_value: float | None  # revenue / orders with a positive net amount
    avg_frequency: float | None  # orders per customer
    avg_recency: float | None  # days since the last order, over the customers who have one
    recency_from: int | None  # the fewest days since the last order in the segment: where it begins
    channels: Top = ()
    regions: Top = ()
    products: Top = ()


def figures(store: Store, workshop_id: str, result: "RfmResult | None" = None) -> dict[str, PersonaFigures]:
    """The five segments' figures at the default as-of date with the workshop's RFM settings (the RFM page's);
    `result`: that RFM when the caller has it already. An empty dict without a base (or without a row)."""
    if result is None:
        result = _rfm(store, workshop_id)
        if result is None:
            return {}
    summary = {row["segment"]: row for row in result.summary.to_dict("records")}
    customers = result.customers[["customer_id", "segment"]].astype({"segment": str})
    with store.cursor() as cursor:
        cursor.register("persona_segments", customers)
        rows = cursor.execute(_TOPS_SQL, {"base_id": result.base_id, "as_of": result.as_of, "top": TOP}).fetchall()
    least = result.customers.groupby("segment", observed=False)["recency_days"].min().astype(float).to_dict()
    tops: dict[tuple[str, str], list[tuple[str, float]]] = {}
    for segment, dimension, name, revenue in rows:
        tops.setdefault((segment, dimension), []).append((name, float(revenue)))
    found = {}
    for segment in SEGMENTS:
        row = summary[segment]
        revenue = float(row["revenue"])
        found[segment] = PersonaFigures(
            segment, int(row["customers"]), float(row["customer_share"]), revenue, _number(row["revenue_share"]),
            _number(row["avg_order_value"]), _number(row["avg_frequency"]), _number(row["avg_recency"]),
            _whole(least.get(segment)), *(_shares(tops.get((segment, d), []), revenue) for d in DIMENSIONS))
    return found


def _rfm(store: Store, workshop_id: str) -> "RfmResult | None":
    """The RFM the segments of the VoC view come from too (scored once per base and settings)."""
    segments = customer_segments.current(store, workshop_id)
    return segments.rfm if segments is not None else None


def _shares(sums: list[tuple[str, float]], revenue: float) -> Top:
    """Revenue per name as shares of the segment's revenue (none when the segment brought no revenue)."""
    return tuple((name, amount / revenue) for name, amount in sums) if revenue > 0 else ()


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, float) and math.isnan(value):
        return None
    return float(value)


def _whole(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


# -- the persona the room describes --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Persona:
    workshop_id: str
    segment: str
    name: str = ""
    goals: str = ""
    needs: str = ""
    quotes: tuple[str, ...] = ()  # comments chosen from the feedback, as written
    expectations: tuple[str, ...] = ()  # EXPECTATIONS keys, the one that matters most first
    version: int = 0  # 0: never saved

    @property
    def id(self) -> str:
        return f"{self.workshop_id}/{self.segment}"

    @property
    def described(self) -> bool:
        return bool(self.name or self.goals or self.needs or self.quotes or self.expectations)


def personas(store: Store, workshop_id: str) -> dict[str, Persona]:
    """The five segments' personas in SEGMENTS order (an empty one, version 0, where none was saved)."""
    rows = store.query_dicts(f"SELECT * FROM {TABLE} WHERE workshop_id = ? AND deleted_at IS NULL", [workshop_id])
    saved = {row["segment"]: _from_record(row) for row in rows}
    return {segment: saved.get(segment) or Persona(workshop_id, segment) for segment in SEGMENTS}


def get(store: Store, workshop_id: str, segment: str) -> Persona:
    return personas(store, workshop_id)[_segment(segment)]


def save(store: Store, current: Persona, actor: object, **changes: Any) -> Persona:
    """Change fields (names of EDITABLE) of the persona read as `current`; ConflictError (with the record as it is
    now) if someone saved it since. Anyone may, unless the room is read-only."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable on a persona: {sorted(unknown)}")
    _segment(current.segment)
    wanted = dataclasses.replace(current, **{k: _CHECKS[k](v, k) for k, v in changes.items()})
    access.require_writer(store, actor, current.workshop_id)
    if current.version == 0:
        return _create(store, wanted, str(actor))
    changed = {k: v for k, v in _columns(wanted).items() if _columns(current)[k] != v}
    if not changed:
        return current
    record = store.update_record(TABLE, current.id, current.version, changed, str(actor), current.workshop_id)
    return _from_record(record)


def _create(store: Store, wanted: Persona, actor: str) -> Persona:
    row = {"id": wanted.id, "workshop_id": wanted.workshop_id, "segment": wanted.segment, **_columns(wanted)}
    return _from_record(store.create_record(TABLE, row, actor))


def _columns(p: Persona) -> dict[str, Any]:
    return {"name": p.name, "goals": p.goals, "needs": p.needs, "quotes": list(p.quotes),
            "expectations": list(p.expectations)}


def _from_record(record: dict[str, Any]) -> Persona:
    return Persona(record["workshop_id"], record["segment"], record["name"], record["goals"], record["needs"],
                   tuple(record["quotes"]), tuple(record["expectations"]), record["version"])


def stamp(store: Store, workshop_id: str) -> int:
    """A number that grows with every change of the workshop's personas, plans or contact policies."""
    marks = ", ".join("?" * len(ENTITIES))
    return store.query_one(f"SELECT coalesce(max(id), 0) FROM change_log WHERE workshop_id = ? AND entity IN ({marks})",
                           [workshop_id, *ENTITIES])[0]


# -- the rules of values -------------------------------------------------------------------------------------------
def _segment(raw: Any) -> str:
    if raw not in SEGMENTS:
        raise PersonaError("persona.error.bad_choice", field="segment", value=str(raw), allowed=", ".join(SEGMENTS))
    return raw


def _text(most: int):
    def check(raw: Any, field: str) -> str:
        text = checks.text(raw, most, required=False)
        if text is None:
            raise PersonaError("persona.error.too_long", field=field, most=most)
        return text
    return check


def _texts(raw: Any, field: str) -> list:
    if isinstance(raw, str) or not isinstance(raw, (list, tuple)):
        raise PersonaError("persona.error.not_list", field=field)
    return list(raw)


def _quotes(raw: Any, field: str) -> tuple[str, ...]:
    found = []
    for i, item in enumerate(_texts(raw, field)):
        text = checks.text(item, QUOTE_MAX, required=False)
        if text is None:
            raise PersonaError("persona.error.too_long", field=f"{field}[{i}]", most=QUOTE_MAX)
        found.append(text)
    quotes = tuple(dict.fromkeys(q for q in found if q))
    if len(quotes) > QUOTES_MAX:
        raise PersonaError("persona.error.too_many_quotes", field=field, most=QUOTES_MAX, count=len(quotes))
    return quotes


def _expectations(raw: Any, field: str) -> tuple[str, ...]:
    keys = _texts(raw, field)
    for key in keys:
        if key not in method.EXPECTATIONS:
            raise PersonaError("persona.error.bad_choice", field=field, value=str(key),
                               allowed=", ".join(method.EXPECTATIONS))
    return tuple(dict.fromkeys(keys))  # at most the nine, each once


_CHECKS = {"name": _text(NAME_MAX), "goals": _text(TEXT_MAX), "needs": _text(TEXT_MAX), "quotes": _quotes,
           "expectations": _expectations}


def check(name: str, raw: Any) -> Any:
    """One field's value as a persona stores it (PersonaError naming the field if it breaks a rule): for forms."""
    return _CHECKS[name](raw, name)


# -- what the segment's customers said -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Quote:
    text: str
    sentiment: str  # negative | neutral | positive | unknown
    said_on: date | None
    stage: str | None
    channel: str | None


@dataclass(frozen=True)
class ExpectationCount:
    expectation: str
    comments: int
    negative: int


@dataclass(frozen=True)
class Signal:
    """The segment's comments (at one stage, or all), and per expectation how many concern it."""

    comments: int
    negative: int
    expectations: tuple[ExpectationCount, ...]  # the nine, in METHOD order, zeros included

    def top(self, most: int = 9) -> list[ExpectationCount]:
        """The expectations the comments concern, most comments first (then most negative, then METHOD order)."""
        found = [e for e in self.expectations if e.comments]
        return sorted(found, key=lambda e: (-e.comments, -e.negative))[:most]

    def of(self, expectation: str) -> ExpectationCount:
        return next(e for e in self.expectations if e.expectation == expectation)


def quote_candidates(store: Store, workshop_id: str, segment: str, limit: int = 30) -> list[Quote]:
    """Comments written by the segment's customers, for the room to pick quotes from: negative ones first, then the
    rest, newest first within each; each text once (spaces and case aside)."""
    rows = _feedback(store, workshop_id, segment, _QUOTES_SQL, {"limit": int(limit)})
    return [Quote(*row) for row in rows]


def expectation_signal(store: Store, workshop_id: str, segment: str, stage: str | None = None) -> Signal:
    """How many of the segment's comments (and negative ones) concern each expectation; `stage`: only the comments
    placed on that stage. A hint for which expectations matter most to the segment."""
    counted = {row[0]: row for row in _feedback(store, workshop_id, segment, _SIGNAL_SQL, {"stage": stage})}
    totals = _feedback(store, workshop_id, segment, _COUNT_SQL, {"stage": stage})
    comments, negative = totals[0] if totals else (0, 0)
    return Signal(int(comments), int(negative), tuple(
        ExpectationCount(key, int(counted[key][1]) if key in counted else 0,
                         int(counted[key][2]) if key in counted else 0) for key in method.EXPECTATIONS))


def _feedback(store: Store, workshop_id: str, segment: str, sql: str, params: dict[str, Any]) -> list[tuple]:
    with customer_segments.reading(store, workshop_id, "persona_segments") as cursor:
        return cursor.execute(sql, {"workshop_id": workshop_id, "segment": _segment(segment), **params}).fetchall()
