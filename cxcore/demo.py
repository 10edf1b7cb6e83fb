"""The demo workshop: what the first start of the app opens, with the demo customer base loaded, the target
segment chosen, its journey mapped (data/demo_journey.json) and the room's CX maturity ratings
(data/maturity_demo.csv: 8 respondents), then the roadmap the room built from them (cxcore/roadmap_demo.py:
a closed dot vote, 12 items, KPI actuals, the contact policy of the five segments, the business case), and about
2,000 customer comments (data/demo_feedback.csv, made by data/make_demo_feedback.py) linked to the demo customers,
of which the room turned the largest complaint into a barrier "reported by customers", and the target segment's
persona with the first actions of its personalisation plan."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from cxcore import ingest, journey_io, workshop
from cxcore.errors import NotFound
from cxcore.store import PROJECT_DIR, Store
from cxcore.workshop import Workshop

DEMO_ID = "demo"
DEMO_NAME = "demo"
DEMO_BASE = PROJECT_DIR / "data" / "demo_base.parquet"
DEMO_JOURNEY = PROJECT_DIR / "data" / "demo_journey.json"
DEMO_MATURITY = PROJECT_DIR / "data" / "maturity_demo.csv"
DEMO_FEEDBACK = PROJECT_DIR / "data" / "demo_feedback.csv"
TARGET_SEGMENT = "at_risk"
VOC_AUTHOR = "Ольга Кузнецова"  # the participant who accepted the demo's barrier "reported by customers"
VOC_ACCEPTED_AT = datetime(2025, 12, 8, 15, 40)
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
    _hear_the_customers(store)
    _describe_persona(store)
    _rate_maturity(store)
    _build_roadmap(store)
    _set_the_room(store)
    return workshop.get(store, DEMO_ID)


def _map_journey(store: Store) -> None:
    """The room's work of the first day: the target segment chosen and its journey mapped."""
    from cxcore import rfm_settings  # loads pandas; the base load above already did

    rfm_settings.save(store, rfm_settings.get(store, DEMO_ID), ACTOR, target_segment=TARGET_SEGMENT)
    journey_io.import_document(store, DEMO_ID, journey_io.read_file(DEMO_JOURNEY), ACTOR)


def _hear_the_customers(store: Store) -> None:
    """The feedback of the last year loaded and linked; the largest complaint of the target segment's customers
    that the journey does not cover yet accepted as a barrier, with its evidence."""
    from cxcore import feedback, voc

    feedback.load(store, DEMO_FEEDBACK, workshop_id=DEMO_ID, actor=ACTOR, source_name="Отзывы клиентов 2025.csv")
    open_ones = [s for s in voc.suggestions(store, DEMO_ID, TARGET_SEGMENT, voc.Filters(segments=(TARGET_SEGMENT,)))
                 if not s.covered_by]
    if open_ones:
        barrier_id = voc.accept(store, VOC_AUTHOR, DEMO_ID, open_ones[0], TARGET_SEGMENT, lang="ru")
        with store.write(ACTOR) as tx:  # accepted in the room on the first day, as the rest of the map was drawn
            tx.execute("UPDATE barriers SET created_at = ? WHERE id = ?", [VOC_ACCEPTED_AT, barrier_id])


PERSONA = {"name": "Ирина, 41 год: покупала у нас годами и перестаёт",
           "goals": "Обставить и оснастить дом без лишних поездок; получать заказ в обещанный день.",
           "needs": "Надёжная доставка с точным окном, живой ответ поддержки с первого раза, бонусы без "
                    "мелкого шрифта."}


def _describe_persona(store: Store) -> None:
    """The room's persona of the target segment: a name, goals and needs, the expectations its customers write
    about most, three of their comments as quotes; and the personalisation plan's first actions from the data."""
    from cxcore import persona, personalisation

    signal = persona.expectation_signal(store, DEMO_ID, TARGET_SEGMENT)
    quotes = [q.text for q in persona.quote_candidates(store, DEMO_ID, TARGET_SEGMENT) if 40 <= len(q.text) <= 200]
    persona.save(store, persona.get(store, DEMO_ID, TARGET_SEGMENT), VOC_AUTHOR, **PERSONA, quotes=quotes[:3],
                 expectations=[e.expectation for e in signal.top(4)])
    for suggestion in personalisation.suggested(store, DEMO_ID, TARGET_SEGMENT, "ru")[:3]:
        personalisation.accept(store, DEMO_ID, TARGET_SEGMENT, VOC_AUTHOR, suggestion)


def _rate_maturity(store: Store) -> None:
    """The room's CX maturity ratings: 8 respondents, a few "don't know", disagreement on practices 19, 11, 14."""
    from cxcore import maturity_io, maturity_ratings

    maturity_ratings.replace_ratings(store, DEMO_ID, maturity_io.read_file(DEMO_MATURITY), ACTOR)


def _build_roadmap(store: Store) -> None:
    """The room's work of the second day: dots, the roadmap, KPI actuals, contact policies, the business case."""
    from cxcore import roadmap_demo

    roadmap_demo.create(store, DEMO_ID, ACTOR)


PARKED = (("Кто в компании отвечает за отзывы на маркетплейсах?", "question", 1),
          ("Проверить, считает ли колл-центр повторные обращения", "idea", 1),
          ("Можно ли дать курьерам доступ к статусу заказа в CRM?", "question", 2))


def _set_the_room(store: Store) -> None:
    """The room of the demo: the default two-day agenda, the people who joined, a few parked questions."""
    from cxcore import access, agenda, maturity_ratings, parking, participants

    agenda.create_default(store, DEMO_ID, "ru", access.trusted(DEMO_ID, ACTOR))
    for name in maturity_ratings.respondents(store, DEMO_ID):
        participants.join(store, DEMO_ID, name)
    for text, kind, day in PARKED:
        parking.add(store, DEMO_ID, "Ольга Кузнецова", text, kind, day)


def ensure(store: Store) -> Workshop:
    """The demo workshop, created if the database has none (a first start, or someone deleted it): the one
    workshop a link that names no workshop may open — never another client's."""
    try:
        return workshop.get(store, DEMO_ID)
    except NotFound:
        return create(store)

