"""Every customer's RFM segment at the default as-of date, with the workshop's settings: what the voice of the
customer and the personas join on.

The scoring is the RFM page's own (`rfm.compute`); its per-customer table is kept per (workshop, base, settings
version), so the VoC view, the persona cards and the command line do not score the base again on every call.
Statements read it as a view: `reading` gives a cursor on which it is registered (an empty table without a base).
The persona figures take the RFM result itself from here, so a base is scored once for all of them.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Iterator

from cxcore import base
from cxcore.errors import NotFound, RfmError
from cxcore.store import Store

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from cxcore.rfm import RfmResult

_KEEP = 8  # scored bases kept in memory (a per-customer frame of the demo is ~2 MB)
_cache: dict[tuple, "CustomerSegments"] = {}
_lock = threading.Lock()


@dataclass(frozen=True, eq=False)
class CustomerSegments:
    """`customers`: customer_id, segment (text), frequency, monetary — one row per customer of the base."""

    workshop_id: str
    base_id: int
    as_of: date
    customers: "pd.DataFrame"
    rfm: "RfmResult"  # the scoring the table comes from (its summary: the RFM page's figures)

    def register(self, cursor: "duckdb.DuckDBPyConnection", name: str = "customer_segments") -> None:
        """Make the table readable by the cursor's statements as `name`."""
        cursor.register(name, self.customers)

    def segment_of(self) -> dict[str, str]:
        """customer id → segment (for small lookups; joins go through `register`)."""
        return dict(zip(self.customers["customer_id"], self.customers["segment"]))


def current(store: Store, workshop_id: str) -> CustomerSegments | None:
    """The segments of the workshop's current base at its default as-of date; None without a base."""
    from cxcore import rfm, rfm_settings

    base_id = base.current_base_id(store, workshop_id)
    if base_id is None:
        return None
    settings = rfm_settings.get(store, workshop_id)
    key = (store, workshop_id, base_id, settings.version)  # the store itself: its id() is never reused meanwhile
    with _lock:
        found = _cache.get(key)
    if found is not None:
        return found
    try:
        result = rfm.compute(store, workshop_id, base_id, spec=settings.spec, rules=settings.rules)
    except (NotFound, RfmError):  # a base without a row: nobody to score
        return None
    frame = result.customers[["customer_id", "segment", "frequency", "monetary"]].copy()
    frame["segment"] = frame["segment"].astype(str)
    made = CustomerSegments(workshop_id, base_id, result.as_of, frame.reset_index(drop=True), result)
    with _lock:
        if len(_cache) >= _KEEP:
            _cache.pop(next(iter(_cache)))
        _cache[key] = made
    return made


@contextmanager
def reading(store: Store, workshop_id: str, name: str = "customer_segments") -> Iterator["duckdb.DuckDBPyConnection"]:
    """A cursor on which `name` is the workshop's customer → segment table (customer_id, segment, frequency,
    monetary), empty without a base, so a statement joining it needs no second form."""
    segments = current(store, workshop_id)
    with store.cursor() as cursor:
        if segments is not None:
            segments.register(cursor, name)
        else:
            cursor.execute(f"CREATE OR REPLACE TEMP TABLE {name} "
                           "(customer_id VARCHAR, segment VARCHAR, frequency BIGINT, monetary DOUBLE)")
        yield cursor
