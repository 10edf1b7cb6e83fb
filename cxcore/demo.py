"""The demo workshop: what the first start of the app opens, with the demo customer base loaded, the target
segment chosen and its journey mapped (data/demo_journey.json)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from cxcore import ingest, journey_io, workshop
from cxcore.store import PROJECT_DIR, Store
from cxcore.workshop import Workshop

DEMO_ID = "demo"
DEMO_NAME = "demo"
DEMO_BASE = PROJECT_DIR / "data" / "demo_base.parquet"
DEMO_JOURNEY = PROJECT_DIR / "data" / "demo_journey.json"
TARGET_SEGMENT = "at_risk"
ACTOR = "demo"


def create(store: Store, base_path: Path = DEMO_BASE) -> Workshop:
    """Create the demo workshop, or recreate it from scratch if it exists."""
    with store.write(ACTOR) as tx:
        store.purge_workshop(tx, DEMO_ID)
        workshop.insert(
            tx, DEMO_NAME, workshop_id=DEMO_ID, client="Дом и Техника", held_on=date(2025, 12, 8),
            industry="Розница: товары для дома и электроника", language="ru", facilitator="Анна Смирнова",
        )
    ingest.load(store, base_path, workshop_id=DEMO_ID, actor=ACTOR, source_name="Продажи 2023–2025.parquet")
    _map_journey(store)
    return workshop.get(store, DEMO_ID)


def _map_journey(store: Store) -> None:
    """The room's work of the first day: the target segment chosen and its journey mapped."""
    from cxcore import rfm_settings  # loads pandas; the base load above already did

    rfm_settings.save(store, rfm_settings.get(store, DEMO_ID), ACTOR, target_segment=TARGET_SEGMENT)
    journey_io.import_document(store, DEMO_ID, journey_io.read_file(DEMO_JOURNEY), ACTOR)


def ensure(store: Store) -> Workshop:
    """The demo workshop, created first if the database has no workshop at all."""
    if not workshop.all_workshops(store):
        return create(store)
    return workshop.find(store, DEMO_ID) or workshop.all_workshops(store)[0]
