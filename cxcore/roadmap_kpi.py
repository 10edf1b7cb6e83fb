"""KPI tracking for the 3–6 months after the workshop (METHOD step 6): dated actual values of each item's KPI.

One live value per item and date: entering a date again (by hand, or a re-imported sheet) updates that value as
a new version, so the change log keeps the old one. `kpi_trend` is the frame a trend chart draws.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Iterable

from cxcore import access
from cxcore.errors import NotFound, RoadmapError
from cxcore.journey_model import new_id
from cxcore.roadmap_items import get_item
from cxcore.roadmap_model import ACTUALS, ITEMS, KpiActual, day, is_number
from cxcore.store import Store, Tx

if TYPE_CHECKING:
    import pandas as pd

_SELECT = f"SELECT item_id, measured_on, value, version, id FROM {ACTUALS}"


def actuals(store: Store, workshop_id: str) -> list[KpiActual]:
    """Every live value of the workshop's live items, by item then date."""
    rows = store.query(f"""{_SELECT} WHERE workshop_id = ? AND deleted_at IS NULL
                           AND item_id IN (SELECT id FROM {ITEMS} WHERE deleted_at IS NULL)
                           ORDER BY item_id, measured_on""", [workshop_id])
    return [KpiActual(*row) for row in rows]


def item_actuals(store: Store, item_id: str) -> list[KpiActual]:
    """One item's values, oldest first."""
    rows = store.query(f"{_SELECT} WHERE item_id = ? AND deleted_at IS NULL ORDER BY measured_on", [item_id])
    return [KpiActual(*row) for row in rows]


def add_actual(store: Store, item_id: str, measured_on: date | str, value: float, actor: str) -> KpiActual:
    """Record the KPI's value on a date (an ISO text is read too); the same date again updates it."""
    measured_on, value = _day(measured_on), _value(value)
    with store.write(actor) as tx:
        record = tx.record(ITEMS, item_id)
        if record is None or record["deleted_at"] is not None:
            raise NotFound("error.record_missing", what=item_id)
        access.require_writer(store, actor, record["workshop_id"])
        return _put(tx, record["workshop_id"], item_id, measured_on, value)[0]


def add_actuals(store: Store, workshop_id: str, rows: Iterable[tuple[str, Any, Any]], actor: str) -> dict[str, int]:
    """Record many values at once, (item id, date, value) each, in one transaction: all or nothing (a re-imported
    sheet). Returns how many were created, updated and unchanged."""
    checked = [(item_id, _day(measured_on, f"measured_on[{i}]"), _value(value, f"value[{i}]"))
               for i, (item_id, measured_on, value) in enumerate(rows)]
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with store.write(actor) as tx:
        live = {row[0] for row in tx.execute(f"SELECT id FROM {ITEMS} WHERE workshop_id = ? AND deleted_at IS NULL",
                                             [workshop_id])}
        for item_id, measured_on, value in checked:
            if item_id not in live:
                raise NotFound("error.record_missing", what=item_id)
            counts[_put(tx, workshop_id, item_id, measured_on, value)[1]] += 1
    return counts


def delete_actual(store: Store, actual: KpiActual, actor: str) -> None:
    """Take a value back (a soft delete); ConflictError if it changed since it was read."""
    row = store.query_one(f"SELECT workshop_id FROM {ACTUALS} WHERE id = ?", [actual.id])
    if row is None:
        raise NotFound("error.record_missing", what=actual.id)
    store.delete_record(ACTUALS, actual.id, actual.version, actor, row[0])


def kpi_trend(store: Store, item_id: str) -> "pd.DataFrame":
    """The item's values for a trend chart, oldest first: date, value, target (the item's, on every row),
    progress (the share of the way from the value at the workshop to the target: 1 = reached; empty when the
    item has no current value or target), reached."""
    import pandas as pd

    item = get_item(store, item_id)
    if item is None:
        raise NotFound("error.record_missing", what=item_id)
    start, target = item.kpi_current, item.kpi_target
    rows = []
    for actual in item_actuals(store, item_id):
        progress = None
        if start is not None and target is not None and target != start:
            progress = (actual.value - start) / (target - start)
        rows.append({"date": actual.measured_on, "value": actual.value, "target": target, "progress": progress,
                     "reached": None if progress is None else progress >= 1})
    frame = pd.DataFrame(rows, columns=["date", "value", "target", "progress", "reached"])
    return frame.astype({"value": float, "target": float, "progress": float})


def _put(tx: Tx, workshop_id: str, item_id: str, measured_on: date, value: float) -> tuple[KpiActual, str]:
    row = tx.one(f"SELECT id, value FROM {ACTUALS} WHERE item_id = ? AND measured_on = ? AND deleted_at IS NULL",
                 [item_id, measured_on])
    if row is None:
        actual_id, outcome = new_id(), "created"
        tx.execute(f"INSERT INTO {ACTUALS} (id, workshop_id, item_id, measured_on, value) VALUES (?, ?, ?, ?, ?)",
                   [actual_id, workshop_id, item_id, measured_on, value])
        tx.log(ACTUALS, actual_id, "create", workshop_id=workshop_id, version=1, new=tx.record(ACTUALS, actual_id))
    elif row[1] == value:
        actual_id, outcome = row[0], "unchanged"
    else:
        actual_id, outcome = row[0], "updated"
        tx.execute(f"UPDATE {ACTUALS} SET value = ?, version = version + 1, updated_at = current_localtimestamp() "
                   "WHERE id = ?", [value, actual_id])
        new = tx.record(ACTUALS, actual_id)
        tx.log(ACTUALS, actual_id, "update", workshop_id=workshop_id, version=new["version"],
               old={"value": row[1]}, new={"value": value})
    return KpiActual(*tx.one(f"{_SELECT} WHERE id = ?", [actual_id])), outcome


def _day(raw: Any, field: str = "measured_on") -> date:
    found = day(raw, field)
    if found is None:
        raise RoadmapError("roadmap.bad_date", field=field)
    return found


def _value(raw: Any, field: str = "value") -> float:
    if not is_number(raw):
        raise RoadmapError("roadmap.bad_number", field=field)
    return float(raw)
