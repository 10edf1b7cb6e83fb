"""The loaded customer base of a workshop: its summary, monthly series and rejected rows."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any


from cxcore.errors import NotFound
from cxcore.store import Store

if TYPE_CHECKING:  # pandas costs ~0.7 s to import: only where a frame is really made
    import pandas as pd

# An order is a distinct order id when one is mapped, else all rows of one customer on one day (METHOD.md).
ORDER_KEY = "customer_id || chr(31) || coalesce(order_id, CAST(order_date AS VARCHAR))"


@dataclass(frozen=True)
class BaseSummary:
    workshop_id: str
    base_id: int
    source_name: str
    source_format: str
    loaded_at: datetime
    loaded_by: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    customers: int
    orders: int
    revenue: float
    date_min: date | None
    date_max: date | None

    @property
    def months(self) -> int:
        """Calendar months the base spans, first and last included."""
        if self.date_min is None or self.date_max is None:
            return 0
        return (self.date_max.year - self.date_min.year) * 12 + self.date_max.month - self.date_min.month + 1

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("loaded_at", "date_min", "date_max"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def current_base_id(store: Store, workshop_id: str) -> int | None:
    row = store.query_one("SELECT id FROM bases WHERE workshop_id = ?", [workshop_id])
    return row[0] if row else None


def summary(store: Store, workshop_id: str) -> BaseSummary:
    """What the workshop's current base holds, counted from its rows."""
    rows = store.query_dicts(
        f"""
        SELECT b.workshop_id, b.id AS base_id, b.source_name, b.source_format, b.loaded_at, b.loaded_by,
               b.rows_read, b.rows_rejected,
               count(r.base_id) AS rows_loaded,
               count(DISTINCT r.customer_id) AS customers,
               count(DISTINCT {ORDER_KEY}) AS orders,
               coalesce(round(sum(r.amount), 2), 0) AS revenue,
               min(r.order_date) AS date_min, max(r.order_date) AS date_max
        FROM bases b LEFT JOIN base_rows r ON r.base_id = b.id
        WHERE b.workshop_id = ?
        GROUP BY ALL
        """,
        [workshop_id],
    )
    if not rows:
        raise NotFound("error.no_base", name=workshop_id)
    record = rows[0]
    record["revenue"] = float(record["revenue"])
    return BaseSummary(**record)


def monthly(store: Store, workshop_id: str) -> pd.DataFrame:
    """Revenue, orders and active customers (with a positive order) per calendar month."""
    return store.query_df(
        f"""
        WITH orders AS (
            SELECT date_trunc('month', min(order_date)) AS month, customer_id, sum(amount) AS amount
            FROM base_rows
            WHERE base_id = (SELECT id FROM bases WHERE workshop_id = ?)
            GROUP BY customer_id, {ORDER_KEY}
        )
        SELECT CAST(month AS DATE) AS month,
               round(sum(amount), 2) AS revenue,
               count(*) FILTER (WHERE amount > 0) AS orders,
               count(DISTINCT customer_id) FILTER (WHERE amount > 0) AS active_customers
        FROM orders
        GROUP BY month
        ORDER BY month
        """,
        [workshop_id],
    )


def rejects(store: Store, workshop_id: str, limit: int | None = None) -> pd.DataFrame:
    """The rows the last load rejected: row number, reason code, offending value, the row as read."""
    return store.query_df(
        """
        SELECT row_no AS row, reason, value, raw
        FROM base_rejects
        WHERE base_id = (SELECT id FROM bases WHERE workshop_id = ?)
        ORDER BY row_no
        LIMIT ?
        """,
        [workshop_id, limit if limit is not None else 2**62],
    )
