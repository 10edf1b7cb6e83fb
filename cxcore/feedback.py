"""Loading feedback (survey answers, reviews, service requests): any messy export in, the workshop's comments of
that file replaced in one transaction, each comment linked to its customer and placed on a stage and on the
expectations it concerns, a load report out.

The file is read as a customer base is (`layout` finds the encoding, separator, title rows, header and the roles
text, date, channel, rating, customer id; `ingest_parse.sql` parses dates and numbers), and DuckDB judges every
row in one statement. Unlike a base, a comment may hold line breaks inside quotes and the separator unquoted at
the end of the line: a text file is first copied record by record with each record's first line number (see
`sources.numbered_records`), and a text in the last column takes the fields that overflow it.

Sentiment comes from the rating alone, never from the words: a source (channel) whose ratings reach above 5 or
down to 0, or whose name or the rating column's says NPS, is on the 0–10 scale (0–6 negative, 7–8 neutral, 9–10 positive); any
other on 1–5 (1–2 negative, 3 neutral, 4–5 positive); no rating: unknown.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from cxcore import access, base, layout as layouts, limits, roles, sources, voc_dictionary, workshop
from cxcore.errors import IngestError, StoreError
from cxcore.ingest import Reject  # a rejected row and its reason, as a base load reports it
from cxcore.journey_model import new_id
from cxcore.layout import Layout
from cxcore.method import EXPECTATIONS, STAGES
from cxcore.store import Store, Tx, literal

MAX_REJECTS_REPORTED = 100
MAX_TEXT_CHARS = 10_000  # a longer "comment" is a broken export, not something a customer wrote
MAX_CELL_CHARS = 1000  # a customer id or a source
UNPLACED = "unplaced"
SENTIMENTS = ("negative", "neutral", "positive", "unknown")
OUT_COLUMNS = ("row", "stage", "expectations", "customer_id", "segment")

# A comment with the placement in force: the facilitator's correction where there is one, else the dictionary's.
PLACED = """
    SELECT f.*, c.id IS NOT NULL AS corrected,
           CASE WHEN c.id IS NULL THEN f.stage ELSE c.stage END AS placed_stage,
           CASE WHEN c.id IS NULL THEN f.expectations ELSE c.expectations END AS placed_expectations
    FROM feedback f
    LEFT JOIN feedback_corrections c
           ON c.workshop_id = f.workshop_id AND c.text_key = f.text_key AND c.deleted_at IS NULL
    WHERE f.workshop_id = $workshop_id
"""


@dataclass
class FeedbackReport:
    workshop_id: str
    load_id: str
    source_name: str
    layout: Layout
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    linked_customers: int  # distinct customers of the base who wrote
    linked_rows: int  # comments whose customer is in the base
    by_stage: dict[str, int]
    by_expectation: dict[str, int]
    by_sentiment: dict[str, int]
    rejects: list[Reject] = field(default_factory=list)
    replaced: bool = False  # an earlier load of the same file name was replaced

    @property
    def linked_share(self) -> float:
        return self.linked_rows / self.rows_loaded if self.rows_loaded else 0.0

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "rows_read": self.rows_read, "rows_loaded": self.rows_loaded, "rows_rejected": self.rows_rejected,
            "linked_customers": self.linked_customers, "by_stage": self.by_stage,
            "by_expectation": self.by_expectation,
            "rejects": [{"row": r.row, "reason": r.text(lang), "code": r.reason} for r in self.rejects],
            "linked_rows": self.linked_rows, "linked_share": round(self.linked_share, 4),
            "by_sentiment": self.by_sentiment, "workshop": self.workshop_id, "source": self.source_name,
            "format": self.layout.format, "mapping": self.layout.mapping, "replaced": self.replaced,
        }


@dataclass(frozen=True)
class Load:
    id: str
    source_name: str
    rows_loaded: int
    rows_rejected: int
    linked_customers: int
    loaded_by: str
    loaded_at: Any


# -- reading ----------------------------------------------------------------------------------------------------
def inspect(path: Path | str, *, sheet: str | None = None, mapping: dict[str, str] | None = None) -> Layout:
    """The layout of a feedback file with the user's column roles applied; refuses a file that holds no text."""
    found = layouts.with_mapping(layouts.detect(Path(path), sheet, kind="feedback"), mapping)
    if found.missing_roles():
        raise IngestError("voc.error.no_text_column", columns=layouts.listed(found.columns))
    return found


def loads(store: Store, workshop_id: str) -> list[Load]:
    rows = store.query("""
        SELECT id, source_name, rows_loaded, rows_rejected, linked_customers, loaded_by, loaded_at
        FROM feedback_loads WHERE workshop_id = ? ORDER BY loaded_at, source_name""", [workshop_id])
    return [Load(*row) for row in rows]


def count(store: Store, workshop_id: str) -> int:
    return store.query_one("SELECT count(*) FROM feedback WHERE workshop_id = ?", [workshop_id])[0]


def stamp(store: Store, workshop_id: str) -> int:
    """Grows with every load, removal, correction and dictionary edit of the workshop (for live pages)."""
    row = store.query_one("""
        SELECT coalesce(max(id), 0) FROM change_log
        WHERE workshop_id = ? AND entity IN ('feedback_loads', 'feedback_corrections', 'voc_words', 'barrier_voc')""",
                          [workshop_id])
    return row[0]


# -- loading ----------------------------------------------------------------------------------------------------
def load(store: Store, path: Path | str, *, workshop_id: str, layout: Layout | None = None,
         sheet: str | None = None, mapping: dict[str, str] | None = None, actor: str = "cli",
         source_name: str | None = None) -> FeedbackReport:
    """Load the file at `path` as the workshop's feedback, replacing an earlier load of the same file name; on
    any failure nothing changes. Only the facilitator loads (anyone, in a workshop without a PIN)."""
    path = Path(path)
    source_name = source_name or path.name
    workshop.get(store, workshop_id)
    access.require_facilitator(actor, workshop_id, store)
    if path.is_file():
        limits.check_file(path)
    layout = layout or inspect(path, sheet=sheet, mapping=mapping)
    words = voc_dictionary.words(store, workshop_id)
    with sources.numbered_records(layout, path) as text_path:
        try:
            with store.bulk_write(f"feedback:{workshop_id}", actor) as tx:
                return _load(tx, store, path, text_path, layout, workshop_id, source_name, words)
        except StoreError as error:
            raise IngestError("ingest.read_failed", detail=layouts.detail(error)) from None


def _load(tx: Tx, store: Store, path: Path, text_path: Path | None, layout: Layout, workshop_id: str,
          source_name: str, words) -> FeedbackReport:
    tx.script(resources.files("cxcore").joinpath("ingest_parse.sql").read_text(encoding="utf-8"))
    if text_path is not None:
        source_sql, params = _NUMBERED_LINES, sources.lines_params(text_path)
    else:
        source_sql, params = sources.rows_sql(tx, layout, path, None, None, limits.MAX_ROWS.value())
    sql, more = _judge_sql(layout, source_sql)
    tx.execute("DROP TABLE IF EXISTS fb_judged")
    tx.execute(f"CREATE TEMP TABLE fb_judged AS {sql}", {**params, **more})
    read = tx.one("SELECT count(*) FROM fb_judged")[0]
    limits.check_rows(read, limits.MAX_ROWS.value())
    loaded = tx.one("SELECT count(*) FROM fb_judged WHERE reject_reason IS NULL")[0]
    if loaded == 0:
        first = tx.one("SELECT reject_reason, reject_value FROM fb_judged ORDER BY row_no LIMIT 1")
        reason = Reject(0, first[0], first[1]).text("en") if first else "-"
        raise IngestError("ingest.nothing_loaded", rows=read, first=reason)
    old = tx.one("SELECT id FROM feedback_loads WHERE workshop_id = ? AND source_name = ?",
                 [workshop_id, source_name])
    if old:
        for table, key in (("feedback", "load_id"), ("feedback_rejects", "load_id"), ("feedback_loads", "id")):
            tx.execute(f"DELETE FROM {table} WHERE {key} = ?", [old[0]])
    load_id = new_id()
    tx.execute(_INSERT_COMMENTS, {"load_id": load_id, "workshop_id": workshop_id, "nps": _says_nps(layout)})
    tx.execute("""
        INSERT INTO feedback_rejects (load_id, workshop_id, row_no, reason, value, raw)
        SELECT ?, ?, row_no, reject_reason, reject_value, left(raw, 500)
        FROM fb_judged WHERE reject_reason IS NOT NULL""", [load_id, workshop_id])
    tx.execute("DROP TABLE fb_judged")
    voc_dictionary.place(tx, workshop_id, words, load_id=load_id)
    linked_customers, linked_rows = _linked(tx, workshop_id, load_id, base.current_base_id(store, workshop_id))
    rejected = read - loaded
    tx.execute("""
        INSERT INTO feedback_loads (id, workshop_id, source_name, source_format, layout, rows_read, rows_loaded,
                                    rows_rejected, linked_customers, loaded_by)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
               [load_id, workshop_id, source_name, layout.format, layout.to_dict(), read, loaded, rejected,
                linked_customers, tx.actor])
    report = FeedbackReport(
        workshop_id, load_id, source_name, layout, read, loaded, rejected, linked_customers, linked_rows,
        *_counts(tx, workshop_id, load_id),
        rejects=[Reject(*row) for row in tx.execute("""
            SELECT row_no, reason, value FROM feedback_rejects WHERE load_id = ? ORDER BY row_no LIMIT ?""",
                                                     [load_id, MAX_REJECTS_REPORTED])],
        replaced=bool(old))
    summary = {k: v for k, v in report.to_json().items() if k not in ("rejects", "mapping")}
    tx.log("feedback_loads", load_id, "load", workshop_id=workshop_id,
           old={"id": old[0]} if old else None, new=summary)
    return report


def _says_nps(layout: Layout) -> bool:
    column = layout.mapping.get("rating") or ""
    return bool(re.search(r"\bnps\b|0\s*[-–]\s*10", roles.normalise(column)))


def _linked(tx: Tx, workshop_id: str, load_id: str, base_id: int | None) -> tuple[int, int]:
    """Distinct customers of the base who wrote, and the comments they wrote."""
    if base_id is None:
        return 0, 0
    return tx.one("""
        SELECT count(DISTINCT customer_id), count(*)
        FROM feedback
        WHERE load_id = $load_id
          AND customer_id IN (SELECT DISTINCT customer_id FROM base_rows WHERE base_id = $base_id)""",
                  {"load_id": load_id, "base_id": base_id})


def _counts(tx: Tx, workshop_id: str, load_id: str) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """The load's comments by stage, by expectation (a comment counts under each of its own) and by sentiment,
    with the placement in force (corrections kept from earlier loads apply)."""
    params = {"workshop_id": workshop_id, "load_id": load_id}
    stages = dict(tx.execute(f"""
        SELECT coalesce(placed_stage, '{UNPLACED}'), count(*) FROM ({PLACED}) WHERE load_id = $load_id
        GROUP BY ALL""", params))
    expectations = dict(tx.execute(f"""
        SELECT coalesce(e, '{UNPLACED}'), count(*)
        FROM (SELECT unnest(CASE WHEN len(placed_expectations) = 0 THEN [NULL] ELSE placed_expectations END) AS e
              FROM ({PLACED}) WHERE load_id = $load_id)
        GROUP BY ALL""", params))
    sentiments = dict(tx.execute("SELECT sentiment, count(*) FROM feedback WHERE load_id = ? GROUP BY ALL",
                                 [load_id]))
    return ({k: stages.get(k, 0) for k in (*STAGES, UNPLACED)},
            {k: expectations.get(k, 0) for k in (*EXPECTATIONS, UNPLACED)},
            {k: sentiments.get(k, 0) for k in SENTIMENTS})


def remove(store: Store, workshop_id: str, load_id: str, actor: str) -> None:
    """Remove one loaded file's comments (the facilitator only); corrections stay for a later load."""
    access.require_facilitator(actor, workshop_id, store)
    with store.write(actor) as tx:
        row = tx.one("SELECT source_name, rows_loaded FROM feedback_loads WHERE id = ? AND workshop_id = ?",
                     [load_id, workshop_id])
        if row is None:
            return
        for table, key in (("feedback", "load_id"), ("feedback_rejects", "load_id"), ("feedback_loads", "id")):
            tx.execute(f"DELETE FROM {table} WHERE {key} = ?", [load_id])
        tx.log("feedback_loads", load_id, "remove", workshop_id=workshop_id,
               old={"source_name": row[0], "rows_loaded": row[1]})


def rejects(store: Store, load_id: str, limit: int = MAX_REJECTS_REPORTED) -> list[Reject]:
    return [Reject(*row) for row in store.query(
        "SELECT row_no, reason, value FROM feedback_rejects WHERE load_id = ? ORDER BY row_no LIMIT ?",
        [load_id, limit])]


# -- the placed comments as a file -------------------------------------------------------------------------------
def write_placed(store: Store, workshop_id: str, load_id: str, out: Path | str) -> int:
    """One line per comment of the load: row, stage (or "unplaced"), expectations joined by ";", customer id,
    and the customer's segment at the default as-of date (empty when the customer is not in the base)."""
    from cxcore import customer_segments

    with customer_segments.reading(store, workshop_id, "cx_segments") as cursor:
        rows = cursor.execute(f"""
            SELECT p.row_no, coalesce(p.placed_stage, '{UNPLACED}'), array_to_string(p.placed_expectations, ';'),
                   coalesce(p.customer_id, ''), coalesce(s.segment, '')
            FROM ({PLACED}) p LEFT JOIN cx_segments s ON s.customer_id = p.customer_id
            WHERE p.load_id = $load_id
            ORDER BY p.row_no""", {"workshop_id": workshop_id, "load_id": load_id}).fetchall()
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(OUT_COLUMNS)
        writer.writerows(rows)
    return len(rows)


# -- the one statement that judges every row ---------------------------------------------------------------------
# A text file's records, numbered by the Python copy ("<first line number>\x02<record>").
_NUMBERED_LINES = f"""
    SELECT CAST(split_part(line, chr(2), 1) AS BIGINT) AS row_no, NULL::VARCHAR[] AS f,
           substr(line, strpos(line, chr(2)) + 1) AS raw
    FROM {sources.LINES}
"""

_JUDGE = """
WITH src AS (SELECT row_no, {fields} AS f, raw FROM ({source})),
cells AS (
    SELECT row_no, raw, f, len(f) AS n_fields,
           CASE WHEN len(f) > $width THEN len(list_filter(f[$width + 1:], lambda x: trim(x) <> '')) ELSE 0 END
               AS n_extra,
           -- a text in the last column takes what an unquoted separator in it split off
           CASE WHEN $text_last AND len(f) > $width THEN array_to_string(f[$i_text:], $sep) ELSE {text} END
               AS text_cell,
           nullif(trim({date}), '') AS date_text,
           nullif(trim({channel}), '') AS channel,
           nullif(trim({rating}), '') AS rating_text,
           nullif(trim({customer_id}), '') AS customer_id
    FROM src
),
parsed AS (
    SELECT *, nullif(trim(regexp_replace(coalesce(text_cell, ''), '\\s+', ' ', 'g')), '') AS text,
           cx_date(date_text, {date_formats}) AS said_on,
           coalesce(cx_money(rating_text),
                    TRY_CAST(replace(regexp_extract(rating_text, '^([0-9]+([.,][0-9]+)?)\\s*(/|из|of|зв|star|балл|pt|\\*|★)', 1),
                                     ',', '.') AS DOUBLE)) AS rating
    FROM cells
),
failed AS (
    SELECT *, CASE
        WHEN n_fields < $needed OR (n_extra > 0 AND NOT $text_last) THEN 'broken_line'
        WHEN contains(coalesce(raw, ''), chr(0)) OR contains(coalesce(text, ''), chr(0)) THEN 'binary'
        WHEN length(text) > $max_text THEN 'too_long'
        WHEN greatest(length(customer_id), length(channel)) > $max_cell THEN 'too_long'
        WHEN text IS NULL THEN 'no_text'
        WHEN date_text IS NOT NULL AND said_on IS NULL THEN 'bad_date'
        WHEN year(said_on) NOT BETWEEN 1970 AND 2100 THEN 'implausible_date'
        WHEN rating_text IS NOT NULL AND (rating IS NULL OR NOT isfinite(rating) OR rating < 0 OR rating > 10)
            THEN 'bad_rating'
    END AS failure
    FROM parsed
),
-- A totals line ("Итого;;;;2 000") is any failing line that starts with a totals label, whatever failed.
judged AS (
    SELECT *, CASE WHEN failure IS NOT NULL AND cx_is_total(cx_first_filled(f)) THEN 'totals' ELSE failure END
        AS reject_reason
    FROM failed
)
SELECT row_no, text, said_on, channel, rating, customer_id, reject_reason,
       left(CASE reject_reason
           WHEN 'broken_line' THEN CAST(n_fields AS VARCHAR)
           WHEN 'bad_date' THEN date_text
           WHEN 'implausible_date' THEN date_text
           WHEN 'bad_rating' THEN rating_text
           WHEN 'too_long' THEN CAST(CASE WHEN length(text) > $max_text THEN $max_text ELSE $max_cell END AS VARCHAR)
       END, 100) AS reject_value,
       CASE WHEN reject_reason IS NOT NULL THEN coalesce(raw, array_to_string(f, ' | ')) END AS raw
FROM judged
"""

# The loaded comments, with the rating's scale per source and the sentiment it gives.
_INSERT_COMMENTS = """
INSERT INTO feedback (load_id, workshop_id, row_no, text, text_key, said_on, channel, rating, rating_scale,
                      sentiment, customer_id)
WITH kept AS (SELECT * FROM fb_judged WHERE reject_reason IS NULL),
scales AS (
    SELECT coalesce(channel, '') AS source,
           CASE WHEN $nps OR bool_or(regexp_matches(lower(coalesce(channel, '')), '\\bnps\\b')) OR max(rating) > 5
                     OR min(rating) = 0 THEN 10 ELSE 5 END AS scale
    FROM kept WHERE rating IS NOT NULL GROUP BY 1
)
SELECT $load_id, $workshop_id, k.row_no, k.text,
       md5(lower(replace(k.text, 'ё', 'е'))),
       k.said_on, k.channel, k.rating, CASE WHEN k.rating IS NOT NULL THEN s.scale END,
       CASE
           WHEN k.rating IS NULL THEN 'unknown'
           WHEN s.scale = 10 THEN CASE WHEN k.rating <= 6 THEN 'negative' WHEN k.rating <= 8 THEN 'neutral'
                                       ELSE 'positive' END
           ELSE CASE WHEN k.rating <= 2 THEN 'negative' WHEN k.rating < 4 THEN 'neutral' ELSE 'positive' END
       END,
       k.customer_id
FROM kept k LEFT JOIN scales s ON s.source = coalesce(k.channel, '')
ORDER BY k.row_no
"""


def _judge_sql(layout: Layout, source_sql: str) -> tuple[str, dict[str, Any]]:
    """The judging statement for the file's layout: the role columns as list positions, bound; the fields of a
    text line split by the separator (patterns are code constants, written as literals: DuckDB compiles a
    constant regex once)."""
    cells: dict[str, str] = {"date_formats": literal(layout.date_formats or list(layouts.DATE_FORMATS))}
    params: dict[str, Any] = {"width": len(layout.columns), "max_cell": MAX_CELL_CHARS, "max_text": MAX_TEXT_CHARS,
                              "sep": layout.separator if layout.separator not in (None, layouts.SPACES) else " "}
    for role in roles.FEEDBACK.roles:
        index = layout.index(role)
        cells[role] = "NULL" if index is None else f"f[$i_{role}]"
        if index is not None:
            params[f"i_{role}"] = index
    params["needed"] = max(layout.index(role) for role in layout.mapping)
    params["text_last"] = layout.index("text") == len(layout.columns)
    fields = sources.fields_sql(layout.separator, "raw") if layout.format == "text" else "f"
    sql = _JUDGE.format(fields=fields, source=source_sql, **cells)
    return sql, params
