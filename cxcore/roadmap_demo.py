"""The demo workshop's roadmap (called by `demo.create` after the maturity ratings): the room's closed dot vote,
12 items (10 from the journey's best ideas, quick wins first, and 2 from maturity gaps; 2 of them deliberately
incomplete), KPI actuals of 4 items over January–February 2026, the contact policy of the five segments (the
"lost" one breaks the 50/50 rule) and the business-case assumptions at METHOD.md's defaults."""
from __future__ import annotations

from datetime import date

from cxcore import business_case, contact_policy, journey, maturity, maturity_ratings, votes
from cxcore.journey_model import Idea
from cxcore.roadmap_items import from_idea, from_maturity, update_item
from cxcore.roadmap_kpi import add_actuals
from cxcore.store import Store

D = date
DOTS = 5
# (participant, "idea" | "barrier", the card's text begins with, dots)
VOTE = [
    ("Ольга Кузнецова", "idea", "Предупреждать о сгорании бонусов", 2),
    ("Ольга Кузнецова", "idea", "Писать исключения промокода", 1),
    ("Ольга Кузнецова", "barrier", "Копил бонусы", 1),
    ("Ольга Кузнецова", "idea", "Исключать из рассылки купленные", 1),
    ("Игорь Лебедев", "idea", "Обновлять остатки на сайте", 2),
    ("Игорь Лебедев", "idea", "Исключать из рекламных фидов", 1),
    ("Игорь Лебедев", "barrier", "Ищу «пылесос", 1),
    ("Игорь Лебедев", "idea", "Предупреждать о сгорании бонусов", 1),
    ("Марина Соколова", "idea", "Обновлять остатки на сайте", 2),
    ("Марина Соколова", "barrier", "Курьер должен был приехать", 2),
    ("Марина Соколова", "idea", "Единая карточка обращения", 1),
    ("Дмитрий Волков", "idea", "Резерв товара в магазине", 2),
    ("Дмитрий Волков", "idea", "Писать исключения промокода", 1),
    ("Дмитрий Волков", "barrier", "В магазине дороже", 2),
    ("Елена Морозова", "idea", "Единая карточка обращения", 3),
    ("Елена Морозова", "idea", "SMS-статусы ремонта", 1),
    ("Елена Морозова", "idea", "Предупреждать о сгорании бонусов", 1),
    ("Сергей Новиков", "idea", "Предупреждать о сгорании бонусов", 1),  # 3 of his 5 dots spent
    ("Сергей Новиков", "idea", "Единая карточка обращения", 1),
    ("Сергей Новиков", "barrier", "Курьер должен был приехать", 1),
]
# The idea's text begins with -> what the room set on its item.
FROM_IDEAS = {
    "Предупреждать о сгорании бонусов": dict(
        owner="Ольга Кузнецова", kpi_name="Доля сгоревших бонусов, %", kpi_current=34, kpi_target=15,
        budget=120_000, review_on=D(2026, 1, 20), status="in_progress"),
    "Писать исключения промокода": dict(
        owner="Ольга Кузнецова", kpi_name="Брошенные корзины с промокодом, %", kpi_current=18, kpi_target=10,
        budget=60_000, review_on=D(2026, 1, 15), status="done"),
    "Исключать из рекламных фидов": dict(
        owner="Игорь Лебедев", kpi_name="Рекламный бюджет на товары без остатка, %", kpi_current=20, kpi_target=3,
        budget=80_000, review_on=D(2026, 1, 22), status="in_progress"),
    "Показывать цену подъёма": dict(
        owner="Игорь Лебедев", kpi_name="Отказы при доставке из-за платного подъёма, в месяц", kpi_current=140,
        kpi_target=30, budget=250_000, review_on=D(2026, 2, 5)),
    "Исключать из рассылки купленные": dict(
        owner="Ольга Кузнецова", kpi_name="Открываемость персональных рассылок, %", kpi_current=11.5,
        kpi_target=20, budget=350_000, review_on=D(2026, 2, 10), status="in_progress"),
    "Резерв товара в магазине": dict(
        owner="Дмитрий Волков", kpi_name="Заказы с резервом в магазине, в неделю", kpi_current=0, kpi_target=400,
        budget=900_000, review_on=D(2026, 3, 2)),
    "SMS-статусы ремонта": dict(
        owner="Елена Морозова", kpi_name="Звонки «где мой ремонт», в неделю", kpi_current=620, kpi_target=250,
        budget=400_000, review_on=D(2026, 2, 16)),
    "Автоматическое SMS при опоздании": dict(  # incomplete: nobody took it, no review date
        kpi_name="NPS доставки", kpi_current=12, kpi_target=30, budget=300_000),
    "Обновлять остатки на сайте": dict(
        owner="Марина Соколова", department="ИТ", kpi_name="Жалобы «товара нет в наличии», в месяц",
        kpi_current=310, kpi_target=60, budget=2_400_000, review_on=D(2026, 3, 16)),
    "Единая карточка обращения": dict(
        owner="Елена Морозова", kpi_name="Решено с первого обращения, %", kpi_current=54, kpi_target=75,
        budget=3_800_000, review_on=D(2026, 3, 23)),
}
FROM_MATURITY = {
    ("practice", "4"): dict(
        owner="Сергей Новиков", department="Финансы", kpi_name="Инициативы CX с прогнозом эффекта, %",
        kpi_current=10, kpi_target=80, budget=150_000, review_on=D(2026, 2, 27), impact=4, effort=2),
    ("competency", "disrupt"): dict(  # incomplete: no department, no KPI yet
        owner="Татьяна Павлова", review_on=D(2026, 3, 31), impact=3, effort=4),
}
ACTUALS = {
    "Предупреждать о сгорании бонусов": [(D(2026, 1, 12), 31), (D(2026, 1, 26), 26), (D(2026, 2, 9), 22),
                                          (D(2026, 2, 23), 19)],
    "Писать исключения промокода": [(D(2026, 1, 15), 14.5), (D(2026, 2, 15), 11.2)],
    "Исключать из рекламных фидов": [(D(2026, 1, 20), 9), (D(2026, 2, 17), 4.1)],
    "Исключать из рассылки купленные": [(D(2026, 1, 31), 13.2), (D(2026, 2, 28), 15.8)],
}
POLICIES = {
    "champions": dict(channels=["email", "app", "manager"], per_month=4, content_share=0.6,
                      note="Персональные подборки и ранний доступ к новинкам, без скидок «для всех»"),
    "loyal": dict(channels=["email", "app", "sms"], per_month=6, content_share=0.5,
                  note="Советы по уходу за техникой и подборки к прошлым покупкам; бонусы — в каждом втором"),
    "promising": dict(channels=["email", "messenger"], per_month=4, content_share=0.6,
                      note="Серия знакомства: сервис, доставка, установка; второй заказ — с бонусом"),
    "at_risk": dict(channels=["email", "sms"], per_month=4, content_share=0.5,
                    note="Не чаще раза в неделю; без товаров, которые клиент уже купил"),
    "lost": dict(channels=["sms", "email"], per_month=8, content_share=0.2,
                 note="Реактивация: промокод −15 % каждую неделю"),
}


def create(store: Store, workshop_id: str, actor: str) -> None:
    ideas, barriers = _cards(store, workshop_id)
    _vote(store, workshop_id, ideas, barriers, actor)
    made = {}
    for start, fields in FROM_IDEAS.items():
        item = from_idea(store, ideas[start], actor)
        made[start] = update_item(store, item, actor, **fields)
    candidates = maturity.roadmap_candidates(maturity_ratings.result(store, workshop_id), "ru")
    for (kind, key), fields in FROM_MATURITY.items():
        candidate = next(c for c in candidates if (c.kind, c.key) == (kind, key))
        update_item(store, from_maturity(store, workshop_id, candidate, actor), actor, **fields)
    add_actuals(store, workshop_id, [(made[start].id, day, value) for start, rows in ACTUALS.items()
                                     for day, value in rows], actor)
    for current in contact_policy.policies(store, workshop_id):
        contact_policy.save_policy(store, current, actor, **POLICIES[current.segment])
    business_case.save_assumptions(store, business_case.assumptions(store, workshop_id), actor)


def _cards(store: Store, workshop_id: str) -> tuple[dict[str, str], dict[str, str]]:
    """The ids of the ideas and barriers named in this module (by how their text begins)."""
    cards = [card for j in journey.journeys(store, workshop_id) for card in (*j.barriers, *j.ideas)]
    named = {*FROM_IDEAS, *ACTUALS, *(start for _, kind, start, _ in VOTE)}
    found: dict[str, dict[str, str]] = {"idea": {}, "barrier": {}}
    for card in cards:
        kind = "idea" if isinstance(card, Idea) else "barrier"
        for start in named:
            if card.text.startswith(start):
                found[kind][start] = card.id
    return found["idea"], found["barrier"]


def _vote(store: Store, workshop_id: str, ideas: dict[str, str], barriers: dict[str, str], actor: str) -> None:
    votes.open_vote(store, workshop_id, DOTS, actor)
    for voter, kind, start, dots in VOTE:
        target = (ideas if kind == "idea" else barriers)[start]
        for _ in range(dots):
            votes.cast(store, workshop_id, voter, kind, target)
    votes.close_vote(store, workshop_id, actor)
