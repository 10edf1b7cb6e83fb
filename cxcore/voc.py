"""The voice of the customer in a workshop: what the loaded comments say per stage and expectation, the comments
themselves, the facilitator's corrections of their placement, and barrier suggestions grounded in them.

Every figure is one DuckDB statement over the workshop's comments with the placement in force
(`feedback.PLACED`: a correction where there is one, else the dictionary's), joined with every customer's
segment (`customer_segments`). A comment concerning two expectations counts under each.

A **suggestion** is a cluster of negative comments on one stage and one expectation, with at least
`MIN_COMMENTS` comments. Its evidence: the comments, the distinct customers of the base who wrote them, their
segments, and those customers' net revenue (each counted once). Accepting it makes a barrier "reported by
customers" on the journey of a segment, and keeps the evidence beside it (table barrier_voc).

A barrier **is supported** by the negative comments on its stage that concern one of its expectations.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from cxcore import access, checks, customer_segments, journey
from cxcore.errors import ConflictError, VocError
from cxcore.feedback import PLACED, SENTIMENTS, UNPLACED
from cxcore.i18n import fmt_money, fmt_number, t
from cxcore.method import EXPECTATIONS, STAGES, name as method_name
from cxcore.store import Store

MIN_COMMENTS = 5  # the fewest negative comments on a stage and expectation that make a suggestion
QUOTES = 3  # quotes kept with a suggestion
TEXT_MAX = 500  # a barrier's text


@dataclass(frozen=True)
class Filters:
    """Which comments a view counts: of customers of these segments (empty: all, linked or not), from these
    sources (channels), said within [start, end] (either open)."""

    segments: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None

    def sql(self) -> str:
        """The WHERE conditions on a row of `_COMMENTS` (values bound by `params`)."""
        parts = ["TRUE"]
        if self.segments:
            parts.append("list_contains($segments, segment)")
        if self.sources:
            parts.append("list_contains($sources, coalesce(channel, ''))")
        if self.start:
            parts.append("said_on >= $start")
        if self.end:
            parts.append("said_on <= $end")
        return " AND ".join(parts)

    def params(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.segments:
            found["segments"] = list(self.segments)
        if self.sources:
            found["sources"] = list(self.sources)
        if self.start:
            found["start"] = self.start
        if self.end:
            found["end"] = self.end
        return found


@dataclass(frozen=True)
class Comment:
    text: str
    text_key: str
    said_on: date | None
    channel: str | None
    rating: float | None
    rating_scale: int | None
    sentiment: str
    customer_id: str | None
    segment: str | None
    stage: str | None  # in force (corrected or placed)
    expectations: tuple[str, ...]
    corrected: bool
    row_no: int


@dataclass(frozen=True)
class Evidence:
    """What the customers said about one stage and expectation."""

    stage: str
    expectation: str
    comments: int
    customers: int  # distinct customers of the base who wrote
    segments: dict[str, int]  # segment → comments
    revenue: float  # the net revenue of those customers, each counted once
    quotes: tuple[str, ...] = ()

    def text(self, lang: str) -> str:
        """"Reported by customers: 37 comments, 29 customers (at risk 20, loyal 9), their revenue 2.1 M ₽"."""
        parts = ", ".join(f"{t(f'rfm.segment.{s}', lang)} {fmt_number(n, lang)}"
                          for s, n in sorted(self.segments.items(), key=lambda kv: -kv[1]) if n)
        return t("voc.evidence.text", lang, comments=fmt_number(self.comments, lang),
                 customers=fmt_number(self.customers, lang), segments=parts or "—",
                 revenue=fmt_money(self.revenue, lang))


@dataclass(frozen=True)
class Suggestion:
    evidence: Evidence
    covered_by: tuple[str, ...] = ()  # ids of barriers of the journey already on this stage and expectation

    @property
    def key(self) -> str:
        return f"{self.evidence.stage}/{self.evidence.expectation}"

    def default_text(self, lang: str) -> str:
        return t("voc.suggestion.text", lang, expectation=method_name("expectation", self.evidence.expectation, lang),
                 stage=method_name("stage", self.evidence.stage, lang))


@dataclass(frozen=True)
class Support:
    comments: int  # negative comments on the barrier's stage about one of its expectations
    segment_comments: int  # of them, by customers of the journey's segment


@dataclass(frozen=True)
class Correction:
    text_key: str
    stage: str | None
    expectations: tuple[str, ...]
    version: int


# -- reading -----------------------------------------------------------------------------------------------------
# The workshop's comments with the placement in force and the writer's segment (NULL: not linked to the base).
_COMMENTS = f"""
    SELECT p.*, s.segment, s.monetary
    FROM ({PLACED}) p LEFT JOIN cx_segments s ON s.customer_id = p.customer_id
"""


def _run(store: Store, workshop_id: str, sql: str, filters: Filters = Filters(), **params: Any) -> list[tuple]:
    with customer_segments.reading(store, workshop_id, "cx_segments") as cursor:
        return cursor.execute(sql.replace("<filters>", filters.sql()),
                              {"workshop_id": workshop_id, **filters.params(), **params}).fetchall()


def sources(store: Store, workshop_id: str) -> list[str]:
    """The sources (channels) of the workshop's comments, most comments first ('' for rows without one)."""
    return [r[0] for r in store.query("""
        SELECT coalesce(channel, '') FROM feedback WHERE workshop_id = ? GROUP BY ALL ORDER BY count(*) DESC, 1""",
                                      [workshop_id])]


def period(store: Store, workshop_id: str) -> tuple[date | None, date | None]:
    return store.query_one("SELECT min(said_on), max(said_on) FROM feedback WHERE workshop_id = ?", [workshop_id])


def totals(store: Store, workshop_id: str, filters: Filters = Filters()) -> dict[str, Any]:
    """Comments, negative ones, linked ones, distinct writers of the base, and sentiments, under the filters."""
    row = _run(store, workshop_id, f"""
        SELECT count(*), count(*) FILTER (WHERE sentiment = 'negative'), count(segment),
               count(DISTINCT customer_id) FILTER (WHERE segment IS NOT NULL),
               count(*) FILTER (WHERE placed_stage IS NULL),
               {", ".join(f"count(*) FILTER (WHERE sentiment = '{s}')" for s in SENTIMENTS)}
        FROM ({_COMMENTS}) WHERE <filters>""", filters)[0]
    comments, negative, linked, writers, unplaced, *by_sentiment = row
    return {"comments": comments, "negative": negative, "linked": linked, "writers": writers,
            "unplaced": unplaced, "sentiments": dict(zip(SENTIMENTS, by_sentiment))}


def matrix(store: Store, workshop_id: str, filters: Filters = Filters()) -> list[dict[str, Any]]:
    """Stage × expectation: comments, negative ones and their share, for every cell that holds a comment (a
    comment without an expectation under "unplaced"; one without a stage under stage "unplaced")."""
    rows = _run(store, workshop_id, f"""
        SELECT coalesce(placed_stage, '{UNPLACED}') AS stage, coalesce(e, '{UNPLACED}') AS expectation,
               count(*) AS comments, count(*) FILTER (WHERE sentiment = 'negative') AS negative
        FROM (SELECT *, unnest(CASE WHEN len(placed_expectations) = 0 THEN [NULL]
                                    ELSE placed_expectations END) AS e
              FROM ({_COMMENTS}) WHERE <filters>)
        GROUP BY ALL""", filters)
    order_s, order_e = {k: i for i, k in enumerate((*STAGES, UNPLACED))}, {k: i for i, k in enumerate((*EXPECTATIONS, UNPLACED))}
    cells = [{"stage": s, "expectation": e, "comments": n, "negative": neg, "negative_share": neg / n if n else 0.0}
             for s, e, n, neg in rows]
    return sorted(cells, key=lambda c: (order_s[c["stage"]], order_e[c["expectation"]]))


def by_stage(store: Store, workshop_id: str, filters: Filters = Filters()) -> list[dict[str, Any]]:
    """Per stage (METHOD order, then "unplaced"): comments, negative, positive, and the share negative."""
    rows = {r[0]: r[1:] for r in _run(store, workshop_id, f"""
        SELECT coalesce(placed_stage, '{UNPLACED}'), count(*), count(*) FILTER (WHERE sentiment = 'negative'),
               count(*) FILTER (WHERE sentiment = 'positive')
        FROM ({_COMMENTS}) WHERE <filters> GROUP BY ALL""", filters)}
    found = []
    for stage in (*STAGES, UNPLACED):
        n, neg, pos = rows.get(stage, (0, 0, 0))
        found.append({"stage": stage, "comments": n, "negative": neg, "positive": pos,
                      "negative_share": neg / n if n else 0.0})
    return found


def most_complained(stages: list[dict[str, Any]]) -> dict[str, Any]:
    """Of `by_stage`'s rows, the stage with the most negative comments (then the most comments, then the earliest)."""
    placed = [s for s in stages if s["stage"] != UNPLACED]
    return max(placed, key=lambda s: (s["negative"], s["comments"], -STAGES.index(s["stage"])))


def comments(store: Store, workshop_id: str, filters: Filters = Filters(), *, stage: str | None = None,
             expectation: str | None = None, sentiment: str | None = None, limit: int = 200) -> list[Comment]:
    """The comments under the filters, on one stage ("unplaced": none) and about one expectation when given,
    newest first."""
    conditions = ["<filters>"]
    params: dict[str, Any] = {"limit": limit}
    if stage == UNPLACED:
        conditions.append("placed_stage IS NULL")
    elif stage:
        conditions.append("placed_stage = $stage")
        params["stage"] = stage
    if expectation == UNPLACED:
        conditions.append("len(placed_expectations) = 0")
    elif expectation:
        conditions.append("list_contains(placed_expectations, $expectation)")
        params["expectation"] = expectation
    if sentiment:
        conditions.append("sentiment = $sentiment")
        params["sentiment"] = sentiment
    rows = _run(store, workshop_id, f"""
        SELECT text, text_key, said_on, channel, rating, rating_scale, sentiment, customer_id, segment, placed_stage,
               placed_expectations, corrected, row_no
        FROM ({_COMMENTS}) WHERE {" AND ".join(conditions)}
        ORDER BY said_on DESC NULLS LAST, row_no
        LIMIT $limit""", filters, **params)
    return [Comment(*row[:10], tuple(row[10]), *row[11:]) for row in rows]


# -- corrections -------------------------------------------------------------------------------------------------
def correction(store: Store, workshop_id: str, text_key: str) -> Correction | None:
    row = store.query_one("""
        SELECT text_key, stage, expectations, version FROM feedback_corrections
        WHERE id = ? AND deleted_at IS NULL""", [f"{workshop_id}/{text_key}"])
    return Correction(row[0], row[1], tuple(row[2]), row[3]) if row else None


def correct(store: Store, actor: str, workshop_id: str, text_key: str, stage: str | None,
            expectations: list[str] | tuple[str, ...], expected_version: int | None = None) -> Correction:
    """Place every comment with this text on `stage` (None: no stage) and `expectations`, whatever the dictionary
    says, now and after later loads. The facilitator only; a stale `expected_version` raises ConflictError."""
    access.require_facilitator(actor, workshop_id, store)
    if stage is not None and stage not in STAGES:
        raise VocError("voc.error.bad_stage", value=str(stage)[:40])
    bad = [e for e in expectations if e not in EXPECTATIONS]
    if bad:
        raise VocError("voc.error.bad_expectation", value=str(bad[0])[:40])
    ordered = [e for e in EXPECTATIONS if e in expectations]
    record_id = f"{workshop_id}/{text_key}"
    if store.query_one("SELECT 1 FROM feedback WHERE workshop_id = ? AND text_key = ? LIMIT 1",
                       [workshop_id, text_key]) is None:
        raise VocError("voc.error.no_comment")
    with store.write(actor) as tx:
        old = tx.record("feedback_corrections", record_id)
        if old is not None and old["deleted_at"] is None:
            if expected_version is not None and old["version"] != expected_version:
                raise ConflictError("error.stale_version", current=old, version=expected_version,
                                    current_version=old["version"])
            tx.execute("""
                UPDATE feedback_corrections SET stage = ?, expectations = ?, author = ?, version = version + 1,
                       updated_at = current_localtimestamp() WHERE id = ?""", [stage, ordered, actor, record_id])
        elif old is not None:
            tx.execute("""
                UPDATE feedback_corrections SET stage = ?, expectations = ?, author = ?, version = version + 1,
                       deleted_at = NULL, updated_at = current_localtimestamp() WHERE id = ?""",
                       [stage, ordered, actor, record_id])
        else:
            tx.execute("""
                INSERT INTO feedback_corrections (id, workshop_id, text_key, stage, expectations, author)
                VALUES (?, ?, ?, ?, ?, ?)""", [record_id, workshop_id, text_key, stage, ordered, actor])
        new = tx.record("feedback_corrections", record_id)
        tx.log("feedback_corrections", record_id, "correct", workshop_id=workshop_id, version=new["version"],
               old={"stage": old["stage"], "expectations": old["expectations"]} if old else None,
               new={"stage": stage, "expectations": ordered})
    return Correction(text_key, stage, tuple(ordered), new["version"])


def uncorrect(store: Store, actor: str, workshop_id: str, text_key: str) -> None:
    """Give the comments with this text back to the dictionary (the correction kept in the trash)."""
    access.require_facilitator(actor, workshop_id, store)
    found = correction(store, workshop_id, text_key)
    if found is not None:
        store.delete_record("feedback_corrections", f"{workshop_id}/{text_key}", found.version, actor, workshop_id)


# -- evidence, suggestions, support ------------------------------------------------------------------------------
_CLUSTERS = f"""
    WITH said AS (
        SELECT placed_stage AS stage, unnest(placed_expectations) AS expectation, customer_id, segment, monetary,
               text, said_on, row_no
        FROM ({_COMMENTS})
        WHERE sentiment = 'negative' AND placed_stage IS NOT NULL AND <filters>
    ),
    writers AS (
        SELECT stage, expectation, count(*) AS customers, sum(monetary) AS revenue
        FROM (SELECT DISTINCT stage, expectation, customer_id, monetary FROM said WHERE segment IS NOT NULL)
        GROUP BY ALL
    ),
    by_segment AS (
        SELECT stage, expectation, map(list(segment), list(n)) AS segments
        FROM (SELECT stage, expectation, segment, count(*) AS n FROM said WHERE segment IS NOT NULL GROUP BY ALL)
        GROUP BY ALL
    ),
    quotes AS (
        SELECT stage, expectation,
               list(text ORDER BY (length(text) BETWEEN 25 AND 300) DESC, said_on DESC NULLS LAST, row_no)
                   [1:{QUOTES}] AS quotes
        FROM (SELECT DISTINCT ON (stage, expectation, text) * FROM said)
        GROUP BY ALL
    )
    SELECT s.stage, s.expectation, count(*) AS comments, coalesce(any_value(w.customers), 0),
           any_value(b.segments), coalesce(any_value(w.revenue), 0), any_value(q.quotes)
    FROM said s
    LEFT JOIN writers w USING (stage, expectation)
    LEFT JOIN by_segment b USING (stage, expectation)
    LEFT JOIN quotes q USING (stage, expectation)
    GROUP BY s.stage, s.expectation
"""


def evidence(store: Store, workshop_id: str, filters: Filters = Filters()) -> list[Evidence]:
    """The negative comments per stage and expectation, most comments first (then the most revenue)."""
    found = [Evidence(stage, expectation, n, customers, {s: int(v) for s, v in (segments or {}).items()},
                      round(float(revenue), 2), tuple(quotes or ()))
             for stage, expectation, n, customers, segments, revenue, quotes
             in _run(store, workshop_id, _CLUSTERS, filters)]
    return sorted(found, key=lambda e: (-e.comments, -e.revenue, STAGES.index(e.stage),
                                        EXPECTATIONS.index(e.expectation)))


def suggestions(store: Store, workshop_id: str, segment: str, filters: Filters = Filters(),
                min_comments: int = MIN_COMMENTS) -> list[Suggestion]:
    """The clusters of at least `min_comments` negative comments, as barrier suggestions for the journey of
    `segment`: those the journey does not cover yet first (a barrier on that stage breaking that expectation
    covers it), each group by the most comments."""
    covered = _covering(store, workshop_id, segment)
    found = [Suggestion(e, tuple(covered.get((e.stage, e.expectation), ())))
             for e in evidence(store, workshop_id, filters) if e.comments >= min_comments]
    return sorted(found, key=lambda s: bool(s.covered_by))  # stable: keeps the evidence order within each group


def _covering(store: Store, workshop_id: str, segment: str) -> dict[tuple[str, str], list[str]]:
    rows = store.query("""
        SELECT st.key, unnest(b.expectations), b.id
        FROM barriers b
        JOIN touchpoints tp ON tp.id = b.touchpoint_id AND tp.deleted_at IS NULL
        JOIN journey_stages st ON st.id = tp.stage_id
        JOIN journeys j ON j.id = b.journey_id AND j.deleted_at IS NULL
        WHERE b.workshop_id = ? AND j.segment = ? AND b.deleted_at IS NULL
        ORDER BY b.position, b.created_at""", [workshop_id, segment])
    found: dict[tuple[str, str], list[str]] = {}
    for stage, expectation, barrier_id in rows:
        found.setdefault((stage, expectation), []).append(barrier_id)
    return found


def accept(store: Store, actor: str, workshop_id: str, suggestion: Suggestion, segment: str, *,
           text: str | None = None, touchpoint_id: str | None = None, lang: str = "ru") -> str:
    """Make the suggestion a barrier "reported by customers" on the journey of `segment` (created if missing), on
    the touchpoint given, else the stage's first, else a new touchpoint named after the comments' stage; its
    evidence is kept beside it. Returns the barrier's id."""
    access.require_writer(store, actor, workshop_id)
    text = checks.text(text if text is not None else suggestion.default_text(lang), TEXT_MAX, required=True)
    if text is None:
        raise VocError("voc.error.bad_text", most=TEXT_MAX)
    ev = suggestion.evidence
    found = journey.ensure(store, workshop_id, segment, actor)
    stage = next(s for s in found.stages if s.key == ev.stage)
    point = next((tp for tp in stage.touchpoints if tp.id == touchpoint_id), None)
    if point is None and touchpoint_id is None and stage.touchpoints:
        point = stage.touchpoints[0]
    if point is None:
        point = journey.add_touchpoint(store, stage, actor, t("voc.touchpoint", lang))

    def keep_evidence(tx, barrier_id: str) -> None:
        tx.execute("""
            INSERT INTO barrier_voc (barrier_id, workshop_id, stage, expectation, comments, customers, segments, revenue, quotes)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                   [barrier_id, workshop_id, ev.stage, ev.expectation, ev.comments, ev.customers,
                    json.dumps(ev.segments), ev.revenue, list(ev.quotes)])
        tx.log("barrier_voc", barrier_id, "accept", workshop_id=workshop_id,
               new={"stage": ev.stage, "expectation": ev.expectation, "comments": ev.comments,
                    "customers": ev.customers, "revenue": ev.revenue})

    severity = 5 if ev.comments >= 4 * MIN_COMMENTS else 4 if ev.comments >= 2 * MIN_COMMENTS else 3
    barrier = journey.add_barrier(store, point, actor, text, [ev.expectation], severity=severity,
                                  evidence="customers", then=keep_evidence)
    return barrier.id


def kept_evidence(store: Store, workshop_id: str) -> dict[str, Evidence]:
    """barrier id → the evidence kept when it was accepted from a suggestion."""
    rows = store.query("""
        SELECT barrier_id, stage, expectation, comments, customers, segments, revenue, quotes
        FROM barrier_voc WHERE workshop_id = ?""", [workshop_id])
    return {r[0]: Evidence(r[1], r[2], r[3], r[4], json.loads(r[5]) if isinstance(r[5], str) else dict(r[5]),
                           r[6], tuple(r[7])) for r in rows}


def support(store: Store, workshop_id: str) -> dict[str, Support]:
    """barrier id → the negative comments on its stage about one of its expectations (all, and those by customers
    of its journey's segment); barriers without any are left out."""
    rows = _run(store, workshop_id, f"""
        WITH cards AS (
            SELECT b.id, st.key AS stage, b.expectations, j.segment AS journey_segment
            FROM barriers b
            JOIN touchpoints tp ON tp.id = b.touchpoint_id
            JOIN journey_stages st ON st.id = tp.stage_id
            JOIN journeys j ON j.id = b.journey_id
            WHERE b.workshop_id = $workshop_id AND b.deleted_at IS NULL
        ),
        negative AS (SELECT * FROM ({_COMMENTS}) WHERE sentiment = 'negative' AND placed_stage IS NOT NULL)
        SELECT c.id, count(*), count(*) FILTER (WHERE n.segment = c.journey_segment)
        FROM cards c JOIN negative n ON n.placed_stage = c.stage AND list_has_any(n.placed_expectations, c.expectations)
        GROUP BY c.id""")
    return {barrier_id: Support(n, in_segment) for barrier_id, n, in_segment in rows}
