"""Loading a customer base: any messy export in, one workshop's base replaced atomically, a load report out.

The layout (encoding, separator, header, roles) is read from the head of the file in Python; the rows
are read, split, parsed and judged by DuckDB in one pass (`ingest_parse.sql` holds the value rules), so
a file of tens of millions of rows never sits in pandas.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from cxcore import layout as layouts
from cxcore import access, limits, roles, sources, workshop
from cxcore.errors import IngestError, StoreError
from cxcore.i18n import t
from cxcore.layout import Layout
from cxcore.store import Store, Tx, literal

MAX_REJECTS_REPORTED = 100
# An order as RFM counts it (cxcore/rfm.sql, `orders`): the customer's order id, else the customer's day.
# Without a mapped order id the column is empty on every row, and the key reads as the customer's day.
ORDER_KEY = "customer_id, order_id, CASE WHEN order_id IS NULL THEN order_date END"
ORDERS_PROBE_ROWS = 100_000  # the first rows whose order keys are counted before all of them (_orders_are_rows)
MAX_CELL_CHARS = 1000  # a longer customer id, order id, channel, product or region is no value but a broken row
Progress = sources.Progress


@dataclass
class Reject:
    row: int
    reason: str
    value: str | None = None
    raw: str | None = None

    def text(self, lang: str = "en") -> str:
        return t(f"reject.{self.reason}", lang, value=self.value or "")


@dataclass
class LoadReport:
    workshop_id: str
    source_name: str
    layout: Layout
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    customers: int
    revenue: float
    date_min: date | None
    date_max: date | None
    rejects: list[Reject] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "workshop": self.workshop_id,
            "source": self.source_name,
            "format": self.layout.format,
            "sheet": self.layout.sheet,
            "mapping": self.layout.mapping,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
            "customers": self.customers,
            "revenue": self.revenue,
            "date_min": self.date_min.isoformat() if self.date_min else None,
            "date_max": self.date_max.isoformat() if self.date_max else None,
            "reject_reasons": self.reasons,
            "rejects": [{"row": r.row, "reason": r.text(lang), "code": r.reason} for r in self.rejects],
        }


def inspect(path: Path | str, *, sheet: str | None = None, mapping: dict[str, str] | None = None) -> Layout:
    """The layout of a file with the user's column roles applied; refuses a file the loader cannot use."""
    found = layouts.with_mapping(layouts.detect(Path(path), sheet), mapping)
    missing = found.missing_roles()
    if missing:
        raise IngestError("ingest.missing_roles", roles=", ".join(missing), columns=layouts.listed(found.columns))
    return found


def load(store: Store, path: Path | str, *, workshop_id: str | None = None, workshop_name: str | None = None,
         layout: Layout | None = None, sheet: str | None = None, mapping: dict[str, str] | None = None,
         actor: str = "cli", source_name: str | None = None, progress: Progress | None = None) -> LoadReport:
    """Replace a workshop's base with the file at `path`; on any failure the previous base stays as it was.

    The workshop is named by id, or by name (created in the same transaction when missing).
    """
    path = Path(path)
    source_name = source_name or path.name
    if path.is_file():
        limits.check_file(path)  # also when the layout was read earlier: the file may have changed since
    layout = layout or inspect(path, sheet=sheet, mapping=mapping)
    if workshop_id is None:
        found = workshop.find(store, workshop_name) if workshop_name else None
        workshop_id = found.id if found else None
    else:
        workshop.get(store, workshop_id)
    if workshop_id is not None:
        access.require_facilitator(actor, workshop_id, store)
    sources.report(progress, 0.0, "progress.reading")
    with sources.utf8_copy(layout, path) as text_path:
        try:
            return _load(store, path, text_path, layout, workshop_id, workshop_name, actor, source_name, progress)
        except StoreError as error:
            if layout.format != "text":
                raise _read_error(error) from None
            _refuse_long_line(text_path or path)
    # DuckDB refuses a text file whose lines end in different ways (CRLF and LF, a stray CR) or a UTF-8
    # file with lines in another encoding; read it again from a copy made plain line by line.
    with sources.normalised_copy(path, layout.encoding) as plain:
        try:
            return _load(store, path, plain, layout, workshop_id, workshop_name, actor, source_name, progress)
        except StoreError as error:
            raise _read_error(error) from None


def _load(store: Store, path: Path, text_path: Path | None, layout: Layout, workshop_id: str | None,
          workshop_name: str | None, actor: str, source_name: str, progress: Progress | None) -> LoadReport:
    """Two transactions: the rows go in under a new base id that nothing points to yet, then a short one
    settles the rejects and makes the base the workshop's. A load that fails, or a process killed midway,
    leaves rows that no base points to: they are discarded here, or when the store next opens.

    (One transaction would do the same, but DuckDB makes a commit that deleted from rows inserted in the
    same transaction rewrite them all: 10 s and a gigabyte more for 10M rows.)
    """
    lock_key = f"base:{workshop_id or workshop_name}"
    max_rows = limits.MAX_ROWS.value()
    with store.exclusive(lock_key):
        base_id = store.query_one("SELECT nextval('base_seq')")[0]
        try:
            with store.bulk_write(lock_key, actor) as tx:
                tx.script(resources.files("cxcore").joinpath("ingest_parse.sql").read_text(encoding="utf-8"))
                source_sql, params = sources.rows_sql(tx, layout, path, text_path, progress, max_rows)
                sql, more = _insert_sql(layout, source_sql, max_rows)
                _run_watched(tx, sql, {**params, **more, "base_id": base_id}, progress)
                read = tx.one("SELECT count(*) FROM base_rows WHERE base_id = ?", [base_id])[0]
                limits.check_rows(read - len(_head_lines(layout)), max_rows)
            sources.report(progress, 0.95, "progress.checking")
            with store.bulk_write(lock_key, actor) as tx:
                if workshop_id is None:
                    workshop_id = workshop.insert(tx, workshop_name or source_name).id
                report = _settle(tx, base_id, workshop_id, layout, source_name, text_path)
        except BaseException:
            store.discard_orphan_rows(base_id)
            raise
    sources.report(progress, 1.0, "progress.done")
    return report


def _settle(tx: Tx, base_id: int, workshop_id: str, layout: Layout, source_name: str,
            text_path: Path | None) -> LoadReport:
    """Move the rejected rows aside, check that something loaded, and make the new base the workshop's (with
    what RFM needs to know of its orders)."""
    if layout.format != "text":
        tx.execute("""
            INSERT INTO base_rejects (base_id, row_no, reason, value, raw)
            SELECT base_id, row_no, reject_reason, reject_value, left(raw, 500)
            FROM base_rows WHERE base_id = ? AND reject_reason IS NOT NULL""", [base_id])
    elif _stray_lines(tx, base_id, layout):
        # Number the rejected lines in one more (cheap, ordered) pass; the title and header lines, which
        # the load pass judged too, fall away here as line numbers up to the header's.
        tx.execute(_NUMBER_REJECTS, {**sources.lines_params(text_path), "base_id": base_id,
                                     "header_row": layout.header_row})
    tx.execute("DELETE FROM base_rows WHERE base_id = ? AND reject_reason IS NOT NULL", [base_id])
    loaded, customers, revenue, date_min, date_max = tx.one("""
        SELECT count(*), count(DISTINCT customer_id), coalesce(round(sum(amount), 2), 0),
               min(order_date), max(order_date)
        FROM base_rows WHERE base_id = ?""", [base_id])
    reasons = dict(tx.execute("""
        SELECT reason, count(*) FROM base_rejects WHERE base_id = ? GROUP BY reason ORDER BY 2 DESC""",
                              [base_id]))
    rejected = sum(reasons.values())
    rejects = [Reject(*row) for row in tx.execute("""
        SELECT row_no, reason, value, raw FROM base_rejects WHERE base_id = ? ORDER BY row_no LIMIT ?""",
                                                  [base_id, MAX_REJECTS_REPORTED])]
    if loaded == 0:
        first = rejects[0].text("en") if rejects else "-"
        raise IngestError("ingest.nothing_loaded", rows=rejected, first=first)
    for table, key in (("base_rows", "base_id"), ("base_rejects", "base_id")):
        tx.execute(f"DELETE FROM {table} WHERE {key} IN "
                   "(SELECT id FROM bases WHERE workshop_id = ?)", [workshop_id])
    old = tx.one("SELECT id, source_name, rows_loaded FROM bases WHERE workshop_id = ?", [workshop_id])
    tx.execute("DELETE FROM bases WHERE workshop_id = ?", [workshop_id])
    report = LoadReport(workshop_id, source_name, layout, loaded + rejected, loaded, rejected, customers,
                        float(revenue), date_min, date_max, rejects, reasons)
    tx.execute("""
        INSERT INTO bases (id, workshop_id, source_name, source_format, layout, rows_read, rows_loaded,
                           rows_rejected, customers, revenue, date_min, date_max, loaded_by, orders_are_rows)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
               [base_id, workshop_id, source_name, layout.format, layout.to_dict(), report.rows_read, loaded,
                rejected, customers, report.revenue, date_min, date_max, tx.actor, _orders_are_rows(tx, base_id)])
    summary = {k: v for k, v in report.to_json().items() if k not in ("rejects", "mapping")}
    tx.log("bases", base_id, "load", workshop_id=workshop_id,
           old=dict(zip(("id", "source_name", "rows_loaded"), old)) if old else None, new=summary)
    return report


def _orders_are_rows(tx: Tx, base_id: int) -> bool:
    """Whether every order of the base is one row (RFM then skips its GROUP BY order): whether the rows' order
    keys hash to as many values as there are rows (equal keys hash alike; two keys that collide can only make
    it a "no", which costs RFM time, never a wrong result). The first rows are counted first: the lines of an
    order mostly stand together, so a base whose orders have several lines is told apart by them at once."""
    first = f"""
        SELECT count(DISTINCT key) = count(*)
        FROM (SELECT hash({ORDER_KEY}) AS key FROM base_rows WHERE base_id = ? LIMIT ?)"""
    every = f"SELECT count(DISTINCT hash({ORDER_KEY})) = count(*) FROM base_rows WHERE base_id = ?"
    return tx.one(first, [base_id, ORDERS_PROBE_ROWS])[0] and tx.one(every, [base_id])[0]


_NUMBER_REJECTS = f"""
INSERT INTO base_rejects (base_id, row_no, reason, value, raw)
WITH rejected AS (
    SELECT DISTINCT raw, reject_reason, reject_value
    FROM base_rows WHERE base_id = $base_id AND reject_reason IS NOT NULL
),
numbered AS (SELECT row_number() OVER () AS ln, line FROM {sources.LINES})
SELECT $base_id, n.ln, r.reject_reason, r.reject_value, left(r.raw, 500)
FROM numbered n JOIN rejected r ON n.line = r.raw
WHERE n.ln > $header_row
"""


def _head_lines(layout: Layout) -> list[str]:
    """The title and header lines of a text file that the load pass reads as rows (those not blank)."""
    if layout.format != "text":
        return []
    pattern = re.compile(sources.CONTENT[layout.separator], re.ASCII)  # as RE2 reads \s
    return [line for line in layout.head if pattern.search(line)]


def _stray_lines(tx: Tx, base_id: int, layout: Layout) -> bool:
    """Whether the load pass rejected anything besides the title and header lines, each seen once."""
    head = _head_lines(layout)
    others, in_head = tx.one("""
        SELECT count(*) FILTER (WHERE NOT list_contains($head, raw)), count(*) FILTER (WHERE list_contains($head, raw))
        FROM base_rows WHERE base_id = $base_id AND reject_reason IS NOT NULL""", {"head": head, "base_id": base_id})
    return others > 0 or in_head != len(head)


# -- the one pass: split, parse, judge, insert -------------------------------------------------------------
# The source stops one row past the row limit (and the title and header lines): a file over the limit is
# refused after reading that far, not after reading all of it.
_INSERT = """
INSERT INTO base_rows BY NAME
WITH src AS (SELECT * FROM ({source}) LIMIT $row_cap),
cells AS (
    SELECT row_no, raw, f, len(f) AS n_fields,
           CASE WHEN len(f) > $width THEN len(list_filter(f[$width + 1:], lambda x: trim(x) <> '')) ELSE 0 END
               AS n_extra,
           cx_is_total({customer_id}) AS is_total,
           nullif(trim({customer_id}), '') AS customer_id,
           nullif(trim({date}), '') AS date_text,
           nullif(trim({amount}), '') AS amount_text,
           nullif(trim({order_id}), '') AS order_id,
           nullif(trim({channel}), '') AS channel,
           nullif(trim({product}), '') AS product,
           nullif(trim({region}), '') AS region,
           nullif(trim({quantity}), '') AS quantity_text
    FROM src
),
parsed AS (
    SELECT *, cx_date(date_text, {date_formats}) AS order_date, cx_money(amount_text) AS amount_value
    FROM cells
),
judged AS (
    SELECT *, CASE
        -- A totals line may have fewer fields than the rows, and its label may stand in any column
        -- (";Итого:;1 500,00"); the first thing on the line is checked only where the row fails anyway.
        WHEN is_total THEN 'totals'
        WHEN (n_fields < $needed OR n_extra > 0 OR customer_id IS NULL OR order_date IS NULL
              OR NOT isfinite(amount_value) OR amount_value IS NULL)
             AND cx_is_total(cx_first_filled(f)) THEN 'totals'
        WHEN n_fields < $needed OR n_extra > 0 THEN 'broken_line'
        WHEN contains(raw, chr(0)) THEN 'binary'
        WHEN greatest(strlen(customer_id), strlen(order_id), strlen(channel), strlen(product), strlen(region))
                 > $max_cell
             AND greatest(length(customer_id), length(order_id), length(channel), length(product), length(region))
                 > $max_cell THEN 'too_long'
        WHEN customer_id IS NULL THEN 'no_customer'
        WHEN date_text IS NULL THEN 'no_date'
        WHEN order_date IS NULL THEN 'bad_date'
        WHEN year(order_date) NOT BETWEEN 1970 AND 2100 THEN 'implausible_date'
        WHEN amount_text IS NULL THEN 'no_amount'
        WHEN amount_value IS NULL OR NOT isfinite(amount_value) THEN 'bad_amount'
    END AS reject_reason
    FROM parsed
)
SELECT $base_id AS base_id, row_no, customer_id, order_id, order_date, amount_value AS amount,
       channel, product, region, cx_money(quantity_text) AS quantity, reject_reason,
       left(CASE reject_reason
           WHEN 'broken_line' THEN CAST(n_fields AS VARCHAR)
           WHEN 'bad_date' THEN date_text
           WHEN 'implausible_date' THEN date_text
           WHEN 'bad_amount' THEN amount_text
           WHEN 'too_long' THEN CAST($max_cell AS VARCHAR)
       END, 100) AS reject_value,
       CASE WHEN reject_reason IS NOT NULL THEN raw END AS raw
FROM judged
"""


def _insert_sql(layout: Layout, source_sql: str, max_rows: int) -> tuple[str, dict[str, Any]]:
    cells = {}
    cells["date_formats"] = literal(layout.date_formats)
    params: dict[str, Any] = {"width": len(layout.columns), "max_cell": MAX_CELL_CHARS,
                              "row_cap": max_rows + layout.header_row + 1}
    for role in roles.ROLES:
        index = layout.index(role)
        if index is None:
            cells[role] = "NULL"
        else:
            cells[role] = f"f[$i_{role}]"
            params[f"i_{role}"] = index
    params["needed"] = max(layout.index(role) for role in layout.mapping)
    return _INSERT.format(source=source_sql, **cells), params


def _run_watched(tx: Tx, sql: str, params: dict[str, Any], progress: Progress | None) -> None:
    """Run the load statement; report DuckDB's own progress meanwhile."""
    if progress is None:
        tx.execute(sql, params)
        return
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.25):
            percent = tx.progress()
            if percent >= 0:
                sources.report(progress, 0.5 + 0.45 * percent / 100, "progress.parsing")

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        tx.execute(sql, params)
    finally:
        done.set()
        watcher.join()


def _refuse_long_line(text_path: Path) -> None:
    """DuckDB's error for a line over its line size names neither the line nor the limit: find them."""
    row = sources.long_line(text_path)
    if row is not None:
        raise IngestError("ingest.line_too_long_at", row=row, limit=sources.MAX_LINE_BYTES // limits.MB)


def _read_error(error: StoreError) -> IngestError:
    detail = str(error.params.get("detail", ""))
    if "line size" in detail.lower():
        return IngestError("ingest.line_too_long", limit=sources.MAX_LINE_BYTES // (1 << 20))
    return IngestError("ingest.read_failed", detail=layouts.detail(error))
