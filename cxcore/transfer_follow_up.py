"""The follow-up workshop: the same client six months later starts from the earlier workshop's journeys, RFM
settings and roadmap. Every copied row gets a new id and a row in record_origins naming its original, so the
comparison knows which barrier is the same barrier. The base, votes, ratings, participants, agenda and parking
lot start empty."""
from __future__ import annotations

from typing import Any

from cxcore import workshop
from cxcore.journey_model import new_id
from cxcore.store import Store, quote_ident
from cxcore.workshop import Workshop

# What a follow-up copies, parents first: the table, and the column naming its parent row (a row is copied
# only when its parent was: a live barrier under a deleted touchpoint stays behind). Soft-deleted rows are not
# copied. rfm_settings has the workshop's id as its own.
FOLLOW_UP: tuple[tuple[str, str | None], ...] = (
    ("journeys", None),
    ("journey_stages", "journey_id"),
    ("touchpoints", "stage_id"),
    ("barriers", "touchpoint_id"),
    ("ideas", "barrier_id"),
    ("rfm_settings", None),
    ("roadmap_items", None),
    ("roadmap_kpi_actuals", "item_id"),
)
# A copy is a new record: version 1, its own workshop, live; created_at (when the room first wrote it) is kept.
_FRESH = {"workshop_id": "$wid", "version": "1", "updated_at": "current_localtimestamp()", "deleted_at": "NULL"}


def follow_up(store: Store, origin_id: str, name: str, actor: str, **details: Any) -> Workshop:
    """A new workshop of the same client (client, industry and language copied; `details` as for
    `workshop.insert`, e.g. held_on, facilitator) following `origin_id`, with copies of its journeys (stages,
    touchpoints, barriers, ideas), RFM settings and roadmap (items, KPI actuals); references point to the copies
    (an item's idea or barrier that was not copied is dropped). One transaction, logged as "follow_up"."""
    from cxcore.transfer import columns, copy_rows

    origin = workshop.get(store, origin_id)
    copied_from = {"client": origin.client, "industry": origin.industry, "language": origin.language}
    with store.write(str(actor)) as tx:
        created = workshop.insert(tx, name, **{**copied_from, **details})
        tx.execute("UPDATE workshops SET follows_id = ? WHERE id = ?", [origin.id, created.id])
        remap = {origin.id: created.id}
        counts = {}
        for table, parent in FOLLOW_UP:
            rows = tx.execute(f"SELECT id, {quote_ident(parent) if parent else 'NULL'} FROM {quote_ident(table)} "
                              "WHERE workshop_id = ? AND deleted_at IS NULL ORDER BY id", [origin.id])
            ids = [old for old, up in rows if parent is None or up in remap]
            remap.update({old: remap.get(old) or new_id() for old in ids})
            chosen = f"(SELECT * FROM {quote_ident(table)} WHERE id IN (SELECT unnest($ids::VARCHAR[]))) AS src"
            counts[table] = copy_rows(tx, table, columns(tx, table), chosen, {"ids": ids, "wid": created.id}, remap,
                                      _FRESH, keep_unmapped=False)
            tx.execute("""
                INSERT INTO record_origins (workshop_id, entity, id, origin_id)
                SELECT ?, ?, unnest(?::VARCHAR[]), unnest(?::VARCHAR[])""",
                       [created.id, table, [remap[old] for old in ids], ids])
        tx.log("workshops", created.id, "follow_up", workshop_id=created.id,
               new={"follows_id": origin.id, "copied": counts})
    return workshop.get(store, created.id)
