"""Two workshops of one client, six months apart (cxcore/compare.py): every figure worked out by hand on small bases
and maps built through the public APIs; follow-up links written straight into record_origins."""
from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

import pytest

from cxcore import base, compare, ingest, journey, maturity_ratings, rfm, rfm_settings, roadmap, workshop
from cxcore.errors import CompareError, NotFound
from cxcore.maturity import Rating
from cxcore.store import Store

EARLIER_AS_OF, LATER_AS_OF = date(2025, 2, 1), date(2025, 8, 1)
# customer: (R days, F orders, M revenue) at the as-of date of each base.
EARLIER_BASE = {
    "c01": (1, 5, 500), "c02": (2, 4, 400), "c03": (5, 4, 350), "c04": (10, 3, 300), "c05": (20, 3, 250),
    "c06": (30, 2, 200), "c07": (60, 2, 150), "c08": (90, 1, 100), "c09": (120, 1, 50), "c10": (200, 1, 20),
}
LATER_BASE = {
    "d01": (1, 3, 260), "d02": (3, 3, 240), "d03": (8, 2, 220), "d04": (12, 2, 200), "d05": (25, 2, 180),
    "d06": (40, 1, 160), "d07": (70, 1, 140), "d08": (100, 1, 120), "d09": (150, 1, 100), "d10": (250, 1, 80),
}


def held(store: Store, name: str, client: str, day: date, follows: str | None = None) -> str:
    w = workshop.create(store, name, client=client, held_on=day)
    if follows:
        with store.write("test") as tx:
            tx.execute("UPDATE workshops SET follows_id = ? WHERE id = ?", [follows, w.id])
    return w.id


def load_base(store: Store, tmp_path: Path, workshop_id: str, customers: dict, as_of: date) -> None:
    """F orders a week apart, the last R days before `as_of`; the last order holds M minus 10 per earlier one."""
    lines = ["customer;date;amount"]
    for customer, (r, f, m) in customers.items():
        for j in range(f):
            amount = m - 10 * (f - 1) if j == 0 else 10
            lines.append(f"{customer};{as_of - timedelta(days=r + 7 * j)};{amount}")
    path = tmp_path / f"{workshop_id}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert ingest.load(store, path, workshop_id=workshop_id).rows_rejected == 0


def link(store: Store, later_id: str, entity: str, pairs: list[tuple[str, str]]) -> None:
    """What a follow-up copy records: (copy id, origin id)."""
    with store.write("test") as tx:
        for copy_id, origin_id in pairs:
            tx.execute("INSERT INTO record_origins (workshop_id, entity, id, origin_id) VALUES (?, ?, ?, ?)",
                       [later_id, entity, copy_id, origin_id])


@pytest.fixture
def pair(store: Store) -> tuple[str, str]:
    """Spring and autumn of one client (the name typed differently); autumn is a follow-up of spring."""
    spring = held(store, "Весна", "ООО Ромашка", date(2025, 2, 10))
    autumn = held(store, "Осень", "  ооо   РОМАШКА ", date(2025, 8, 10), follows=spring)
    return spring, autumn


# -- which workshops ------------------------------------------------------------------------------------------
def test_comparable_are_the_same_clients_and_follow_ups_earliest_first(store: Store) -> None:
    spring = held(store, "Весна", "Ромашка", date(2025, 3, 1))
    autumn = held(store, "Осень", " ромашка ", date(2025, 9, 1))
    winter = held(store, "Зима", "Ромашка", date(2024, 12, 1))
    follow = held(store, "Без клиента", "", date(2026, 3, 1), follows=autumn)
    other = held(store, "Чужой", "Лютик", date(2025, 6, 1))
    gone = held(store, "Удалённый", "Ромашка", date(2025, 5, 1))
    workshop.delete(store, workshop.get(store, gone), "test")
    assert [w.id for w in compare.comparable(store, spring)] == [winter, autumn, follow]
    assert [w.id for w in compare.comparable(store, follow)] == [winter, spring, autumn]
    assert compare.comparable(store, other) == []


def test_one_workshop_twice_two_clients_or_the_later_first_are_refused(store: Store, pair) -> None:
    spring, autumn = pair
    other = held(store, "Чужой", "Лютик", date(2025, 6, 1))
    with pytest.raises(CompareError) as same:
        compare.between(store, spring, spring)
    assert same.value.key == "compare.same_workshop"
    with pytest.raises(CompareError) as clients:
        compare.segments(store, spring, other)
    assert clients.value.key == "compare.other_client"
    assert "Чужой" in clients.value.message("ru") and "Весна" in clients.value.message("en")
    with pytest.raises(CompareError) as order:
        compare.barriers(store, autumn, spring)
    assert order.value.key == "compare.wrong_order"
    with pytest.raises(NotFound):
        compare.maturity(store, spring, "no-such-workshop")


# -- segments -------------------------------------------------------------------------------------------------
def test_both_bases_are_measured_with_the_earlier_workshops_cut_points(store: Store, tmp_path: Path, pair) -> None:
    spring, autumn = pair
    load_base(store, tmp_path, spring, EARLIER_BASE, EARLIER_AS_OF)
    load_base(store, tmp_path, autumn, LATER_BASE, LATER_AS_OF)
    found = compare.segments(store, spring, autumn)
    assert found.available and found.missing == ()
    assert (found.earlier_as_of, found.later_as_of) == (EARLIER_AS_OF, LATER_AS_OF)
    # Spring's quintiles (quantile_disc: the 2nd, 4th, 6th and 8th of the ten sorted values).
    cuts = found.cut_points
    assert (cuts.recency, cuts.frequency, cuts.monetary) == ((2, 10, 30, 90), (1, 2, 3, 4), (50, 150, 250, 350))
    assert (cuts.mode, cuts.as_of) == ("quantile", EARLIER_AS_OF)
    # Spring: c01 c02 cell 55; c03 c04 44, c05 c06 33; c07 c08 22; c09 c10 11.
    # Autumn on spring's ruler: d01 54; d02 d03 43, d04 d05 33; d06 d07 22; d08 d09 d10 12.
    expected = {"champions": (2, 1, 900, 260), "loyal": (4, 4, 1100, 840), "promising": (0, 0, 0, 0),
                "at_risk": (2, 2, 250, 300), "lost": (2, 3, 70, 300)}
    assert {r.segment: (r.customers_before, r.customers_after, r.revenue_before, r.revenue_after)
            for r in found.rows} == expected
    champions, lost, promising = found.row("champions"), found.row("lost"), found.row("promising")
    assert (champions.customers_change, champions.customers_change_pct) == (-1, -50.0)
    assert champions.revenue_change == -640
    assert champions.revenue_change_pct == pytest.approx(-640 / 900 * 100)
    assert (champions.customer_share_before, champions.customer_share_after) == (0.2, 0.1)
    assert champions.revenue_share_before == pytest.approx(900 / 2320)
    assert champions.revenue_share_after == pytest.approx(260 / 1700)
    assert (lost.customers_change_pct, lost.revenue_change) == (50.0, 230)
    assert promising.customers_change_pct is None and promising.revenue_change_pct is None
    core = found.total(("champions", "loyal"))
    assert (core.customers_before, core.customers_after, core.revenue_before, core.revenue_after) == (6, 5, 2000, 1100)
    assert core.revenue_change_pct == -45.0
    assert found.headline.key == "compare.headline.segments"
    assert found.headline.text("en") == ("True loyalty and Loyal: 6 → 5 customers (-16.7 %), revenue ₽2,000.00 → "
                                         "₽1,100.00 (-45.0 %), measured with the first workshop's cut points.")
    assert found.headline.text("ru").startswith("«Истинная лояльность» и «Лояльные»: 6 → 5 клиентов (-16,7 %)")

    # Autumn's own quintiles hide the decline: two champions again, as in spring (own cut points R 3/12/40/100,
    # F 1/1/2/2, M 100/140/180/220: d01 d02 cell 55).
    own = rfm.compute(store, autumn, base.current_base_id(store, autumn)).summary.set_index("segment")
    assert own.loc["champions", "customers"] == 2 and own.loc["loyal", "customers"] == 3
    assert own.loc["champions", "revenue"] == 500


def test_the_earlier_workshops_rules_and_thresholds_are_the_ruler(store: Store, tmp_path: Path, pair) -> None:
    spring, autumn = pair
    load_base(store, tmp_path, spring, EARLIER_BASE, EARLIER_AS_OF)
    load_base(store, tmp_path, autumn, LATER_BASE, LATER_AS_OF)
    rules = rfm_settings.get(store, spring).rules.to_mapping()
    rules["at_risk"].remove("22")
    rules["lost"].append("22")
    settings = rfm_settings.save(store, rfm_settings.get(store, spring), "test", rules=rules, cut_mode="thresholds",
                                 thresholds={"recency": [5, 15, 45, 100], "frequency": [1, 2, 3, 4],
                                             "monetary": [100, 200, 300, 400]})
    # The later's own settings do not count.
    rfm_settings.save(store, rfm_settings.get(store, autumn), "test", cut_mode="quantile")
    found = compare.segments(store, spring, autumn)
    assert found.cut_points == settings.thresholds and found.rules == settings.rules
    after = rfm.compute(store, autumn, base.current_base_id(store, autumn), spec=settings.spec,
                        rules=settings.rules).summary.set_index("segment")
    assert [r.customers_after for r in found.rows] == [int(after.loc[s, "customers"]) for s in after.index]
    # By hand on the thresholds: d01 d02 cell 53, d03 43, d04 42 (loyal); d05 d06 32 (at_risk); d07 d08 22, now
    # lost by spring's rules, and d09 d10 11.
    assert [r.customers_after for r in found.rows] == [0, 4, 0, 2, 4]


def test_a_ruler_of_quantiles_with_repeated_values_is_applied_as_it_is(store: Store, tmp_path: Path, pair) -> None:
    spring, autumn = pair
    winter = held(store, "Зима", "ООО Ромашка", date(2026, 2, 10))
    load_base(store, tmp_path, autumn, LATER_BASE, LATER_AS_OF)
    load_base(store, tmp_path, winter, EARLIER_BASE, date(2026, 2, 1))
    found = compare.segments(store, autumn, winter)
    # Autumn's own quintiles repeat F (typed thresholds could not): R 3/12/40/100, F 1/1/2/2, M 100/140/180/220.
    cuts = found.cut_points
    assert (cuts.recency, cuts.frequency, cuts.monetary) == ((3, 12, 40, 100), (1, 1, 2, 2), (100, 140, 180, 220))
    assert [r.customers_before for r in found.rows] == [2, 3, 0, 3, 2]
    # Winter on it: c01 c02 55, c03 c04 45; c05 35, c06 34; c07 23, c08 21; c09 c10 11.
    assert [r.customers_after for r in found.rows] == [4, 2, 0, 2, 2]
    assert found.row("champions").revenue_after == 500 + 400 + 350 + 300


def test_a_frozen_ruler_in_the_earlier_settings_is_used(store: Store, tmp_path: Path, pair) -> None:
    spring, autumn = pair
    load_base(store, tmp_path, spring, EARLIER_BASE, EARLIER_AS_OF)
    load_base(store, tmp_path, autumn, LATER_BASE, LATER_AS_OF)
    settings = rfm_settings.save(store, rfm_settings.get(store, spring), "test", cut_mode="frozen",
                                 baseline_as_of=date(2024, 12, 1))
    found = compare.segments(store, spring, autumn)
    spring_base = base.current_base_id(store, spring)
    assert found.cut_points == rfm.cut_points(store, spring, spring_base, EARLIER_AS_OF, settings.spec)
    assert (found.cut_points.mode, found.cut_points.as_of) == ("frozen", date(2024, 12, 1))
    assert found.cut_points.recency != (2, 10, 30, 90)  # not the quintiles at spring's as-of date


def test_a_workshop_without_a_base_gives_a_result_saying_which(store: Store, tmp_path: Path, pair) -> None:
    spring, autumn = pair
    load_base(store, tmp_path, spring, EARLIER_BASE, EARLIER_AS_OF)
    found = compare.segments(store, spring, autumn)
    assert not found.available and found.missing == ("later",) and found.rows == ()
    assert found.cut_points is None
    assert found.headline.text("en") == "Segments cannot be compared: no customer base loaded in Осень."
    assert found.headline.text("ru") == "Сегменты не сравнить: не загружена база клиентов — Осень."


# -- maturity -------------------------------------------------------------------------------------------------
def sheet(name: str, lead: tuple[int, int, int], rest: int) -> list[Rating]:
    return [Rating(name, p, lead[p - 1] if p <= 3 else rest) for p in range(1, 21)]


def test_maturity_per_competency_total_and_stage_from_exact_means(store: Store, pair) -> None:
    spring, autumn = pair
    maturity_ratings.replace_ratings(store, spring, sheet("Анна", (1, 2, 2), 2), "test")
    maturity_ratings.replace_ratings(store, autumn, sheet("Анна", (2, 2, 2), 3) + sheet("Борис", (2, 2, 2), 4),
                                     "test")
    found = compare.maturity(store, spring, autumn)
    lead, realize = found.competencies[0], found.competencies[1]
    assert (lead.key, lead.earlier, lead.later) == ("lead", 5 / 3, 2.0)
    assert lead.change == float(Fraction(1, 3))  # exact: not 2 - 1.6666666666666667
    assert (realize.key, realize.earlier, realize.later, realize.change) == ("realize", 2.0, 3.5, 1.5)
    assert [c.key for c in found.competencies] == ["lead", "realize", "activate", "enlighten", "respond", "disrupt"]
    # Spring: 5/3 + 5 × 2 = 35/3 (Investigate); autumn: 2 + 5 × 3.5 = 19.5 (Mobilize).
    assert (found.total_before, found.stage_before) == (35 / 3, "investigate")
    assert (found.total_after, found.stage_after) == (19.5, "mobilize")
    assert found.total_change == float(Fraction(39, 2) - Fraction(35, 3))
    assert found.headline.text("en") == ("CX maturity: 11.67 (Investigate) → 19.50 (Mobilize), a change of +7.83.")
    assert found.headline.text("ru").startswith("Зрелость CX: 11,67 (Исследование) → 19,50 (Мобилизация)")


def test_missing_ratings_give_none_not_errors(store: Store, pair) -> None:
    spring, autumn = pair
    maturity_ratings.replace_ratings(store, spring, sheet("Анна", (1, 2, 2), 2), "test")
    maturity_ratings.replace_ratings(store, autumn, [Rating("Анна", 1, 4)], "test")
    found = compare.maturity(store, spring, autumn)
    assert found.competencies[0].later == 4.0 and found.competencies[0].change == float(4 - Fraction(5, 3))
    assert found.competencies[1].later is None and found.competencies[1].change is None
    assert found.total_after is None and found.stage_after is None and found.total_change is None
    assert found.headline.key == "compare.headline.maturity_missing"
    assert found.headline.text("en") == "CX maturity cannot be compared: the practices are not fully rated in Осень."
    nobody = compare.maturity(store, autumn, held(store, "Зима", "ооо ромашка", date(2026, 2, 1)))
    assert nobody.competencies[0].earlier == 4.0 and nobody.total_before is None
    assert all(c.later is None and c.change is None for c in nobody.competencies)


# -- barriers -------------------------------------------------------------------------------------------------
def board(store: Store, workshop_id: str) -> dict[str, journey.Touchpoint]:
    j = journey.ensure(store, workshop_id, "at_risk", "test")
    return {key: journey.add_touchpoint(store, j.stage(key), "test", name) for key, name in
            (("search", "Сайт"), ("purchase", "Касса"), ("receipt", "Доставка"), ("service", "Колл-центр"))}


def barrier(store: Store, tp: journey.Touchpoint, text: str, severity: int = 3, status: str = "open"):
    return journey.add_barrier(store, tp, "test", text, ["speed"], severity=severity, status=status)


def test_barriers_fixed_still_open_and_new_through_the_follow_up_links(store: Store, pair) -> None:
    spring, autumn = pair
    a, b = board(store, spring), board(store, autumn)
    stock = barrier(store, a["search"], "Нет товара в наличии", 5)
    hours = barrier(store, a["search"], "Часы работы неверные", 2, "in_progress")
    delivery = barrier(store, a["search"], "Нет доставки", 4, "solved")
    queue = barrier(store, a["purchase"], "Очередь на кассе", 3)
    form = barrier(store, a["purchase"], "Сложная форма заказа", 4)
    phone = barrier(store, a["service"], "Не дозвониться в поддержку", 4)
    dropped = barrier(store, a["service"], "Удалён в первом воркшопе", 1)
    journey.delete(store, dropped, "test")
    # Autumn: the copies (delivery was already solved and not carried over), then what the room did.
    stock_c = barrier(store, b["search"], "Нет товара в наличии", 5, "solved")
    hours_c = barrier(store, b["search"], "Часы работы неверные", 2, "in_progress")
    queue_c = barrier(store, b["purchase"], "Очередь на кассе в выходные", 4)
    form_c = barrier(store, b["purchase"], "Сложная форма заказа", 4, "in_progress")
    phone_c = barrier(store, b["service"], "Не дозвониться в поддержку", 4)
    link(store, autumn, "barriers", [(stock_c.id, stock.id), (hours_c.id, hours.id), (queue_c.id, queue.id),
                                     (form_c.id, form.id), (phone_c.id, phone.id)])
    journey.delete(store, hours_c, "test")  # the room took it off the map: fixed
    journey.delete(store, phone_c, "test")  # ... and typed it again by hand: still open, matched by text
    phone_again = barrier(store, b["service"], "не дозвониться  в поддержку!", 5)
    late = barrier(store, b["receipt"], "Долгая доставка", 3)

    found = compare.barriers(store, spring, autumn)
    assert found.linked
    assert [(r.id, r.reason, r.status, r.earlier_status, r.later_id, r.matched_by) for r in found.fixed] == [
        (stock.id, "solved", "solved", "open", stock_c.id, "origin"),
        (hours.id, "removed", "in_progress", "in_progress", None, None),
        (delivery.id, "solved_before", "solved", "solved", None, None)]
    assert [(r.id, r.status, r.later_id, r.matched_by) for r in found.still_open] == [
        (queue.id, "open", queue_c.id, "origin"), (form.id, "in_progress", form_c.id, "origin"),
        (phone.id, "open", phone_again.id, "text")]
    shown = found.still_open[0]  # the later's wording, touchpoint and severity
    assert (shown.text, shown.stage, shown.touchpoint, shown.severity, shown.segment) == (
        "Очередь на кассе в выходные", "purchase", "Касса", 4, "at_risk")
    assert [(r.id, r.text, r.stage, r.touchpoint, r.severity, r.status, r.earlier_status) for r in found.new] == [
        (late.id, "Долгая доставка", "receipt", "Доставка", 3, "open", None)]
    assert (len(found.fixed), len(found.still_open), len(found.new), found.earlier_count) == (3, 3, 1, 6)
    assert found.fixed_share == 0.5
    assert found.headline.text("ru") == "Барьеры: устранено 3 из 6, остаются 3, новых — 1."
    assert found.headline.text("en") == "3 of 6 barriers fixed, 3 still open, 1 new."


def test_unlinked_workshops_match_barriers_by_stage_and_normalised_text(store: Store) -> None:
    spring = held(store, "Весна", "Ромашка", date(2025, 3, 1))
    autumn = held(store, "Осень", "ромашка", date(2025, 9, 1))  # made by hand: no follow-up link, no origins
    a, b = board(store, spring), board(store, autumn)
    stock = barrier(store, a["search"], "Нет товара в «наличии»", 5)
    queue = barrier(store, a["purchase"], "Очередь на кассе")
    hours = barrier(store, a["search"], "Часы работы неверные", 2)
    stock_b = barrier(store, b["search"], "нет товара в  наличии!", 5)
    moved = barrier(store, b["receipt"], "Очередь на кассе")  # the same words at another stage: a new barrier
    hours_b = barrier(store, b["search"], "Часы работы НЕВЕРНЫЕ", 2, "solved")
    found = compare.barriers(store, spring, autumn)
    assert not found.linked
    assert [(r.id, r.later_id, r.matched_by, r.reason) for r in found.fixed] == [
        (hours.id, hours_b.id, "text", "solved"), (queue.id, None, None, "removed")]
    assert [(r.id, r.later_id, r.matched_by) for r in found.still_open] == [(stock.id, stock_b.id, "text")]
    assert [r.id for r in found.new] == [moved.id]


def test_a_later_workshop_without_that_journey_leaves_the_earlier_statuses_standing(store: Store, pair) -> None:
    spring, autumn = pair
    a = board(store, spring)
    open_one = barrier(store, a["search"], "Нет товара в наличии")
    solved = barrier(store, a["purchase"], "Очередь на кассе", status="solved")
    found = compare.barriers(store, spring, autumn)  # autumn has not mapped anything yet: nothing was removed
    assert [(r.id, r.reason, r.status) for r in found.still_open] == [(open_one.id, "unmapped", "open")]
    assert [(r.id, r.reason) for r in found.fixed] == [(solved.id, "solved_before")]
    assert found.headline.text("en") == ("Barriers: “Осень” has no journey map yet. By the first workshop's "
                                         "statuses 1 of 2 are solved, 1 still open, 0 new.")
    journey.ensure(store, autumn, "champions", "test")  # another segment's journey: at_risk is still not mapped
    again = compare.barriers(store, spring, autumn)
    assert [r.reason for r in again.still_open] == ["unmapped"] and again.headline.key == "compare.headline.barriers"
    journey.ensure(store, autumn, "at_risk", "test")  # mapped now, and the barrier is not on it: fixed
    mapped = compare.barriers(store, spring, autumn)
    assert [(r.id, r.reason) for r in mapped.fixed] == [(open_one.id, "removed"), (solved.id, "solved_before")]


def test_origins_are_followed_through_an_intermediate_follow_up(store: Store, pair) -> None:
    spring, autumn = pair
    winter = held(store, "Зима", "", date(2026, 2, 10), follows=autumn)  # no client typed: the link counts
    a, b, c = board(store, spring), board(store, autumn), board(store, winter)
    first = barrier(store, a["search"], "Нет товара в наличии")
    copy = barrier(store, b["search"], "Нет товара в наличии")
    again = barrier(store, c["search"], "Товара нет на складе", status="solved")  # reworded in winter
    link(store, autumn, "barriers", [(copy.id, first.id)])
    link(store, winter, "barriers", [(again.id, copy.id)])
    found = compare.barriers(store, spring, winter)
    assert found.linked and found.new == ()
    assert [(r.id, r.later_id, r.matched_by, r.reason, r.text) for r in found.fixed] == [
        (first.id, again.id, "origin", "solved", "Товара нет на складе")]


# -- roadmap --------------------------------------------------------------------------------------------------
def item(store: Store, workshop_id: str, title: str, status: str, kpi: tuple | None = None, *values: tuple):
    fields = {"kpi_name": kpi[0], "kpi_current": kpi[1], "kpi_target": kpi[2]} if kpi else {}
    found = roadmap.add_item(store, workshop_id, "test", title, status=status, **fields)
    for day, value in values:
        roadmap.add_actual(store, found.id, day, value, "test")
    return found


def test_roadmap_status_then_and_now_done_share_and_kpi_trends(store: Store, pair) -> None:
    spring, autumn = pair
    reserve = item(store, spring, "Резерв товара", "in_progress", ("Доступность, %", 80, 95),
                   ("2025-03-01", 82), ("2025-04-01", 85))
    till = item(store, spring, "Вторая касса", "planned", ("Очередь, мин", 12, 5),
                ("2025-03-01", 12), ("2025-04-01", 11))
    hours = item(store, spring, "Сверять часы", "planned")
    train = item(store, spring, "Обучить кассиров", "done", ("Жалобы в месяц", 60, 40), ("2025-03-01", 50))
    # Autumn's copies carry the actuals over; the room moved on from there.
    reserve_c = item(store, autumn, "Резерв товара", "done", ("Доступность, %", 80, 95),
                     ("2025-03-01", 82), ("2025-04-01", 85), ("2025-06-01", 96))
    till_c = item(store, autumn, "Вторая касса", "in_progress", ("Очередь, мин", 12, 5),
                  ("2025-03-01", 12), ("2025-04-01", 10), ("2025-05-01", 14))
    hours_c = item(store, autumn, "Сверять часы", "dropped")
    bot = item(store, autumn, "Чат-бот", "planned")
    link(store, autumn, "roadmap_items", [(reserve_c.id, reserve.id), (till_c.id, till.id), (hours_c.id, hours.id)])

    found = compare.roadmap(store, spring, autumn)
    by = {i.earlier_id or i.later_id: i for i in found.items}
    assert [i.earlier_id for i in found.items[:4]] == [i.id for i in roadmap.items(store, spring)]
    assert [i.later_id for i in found.new] == [bot.id]
    assert [(by[i.id].earlier_status, by[i.id].later_status, by[i.id].status, by[i.id].later_id)
            for i in (reserve, till, hours, train)] == [
        ("in_progress", "done", "done", reserve_c.id), ("planned", "in_progress", "in_progress", till_c.id),
        ("planned", "dropped", "dropped", hours_c.id), ("done", None, "done", None)]
    # Done: reserve and train of the three not dropped.
    assert (found.done, found.counted, found.done_share) == (2, 3, 2 / 3)

    up = by[reserve.id].kpi
    assert [(p.measured_on, p.value, p.source) for p in up.points] == [
        (date(2025, 3, 1), 82, "both"), (date(2025, 4, 1), 85, "both"), (date(2025, 6, 1), 96, "later")]
    assert (up.name, up.first, up.last, up.target, up.direction, up.toward_target, up.reached) == (
        "Доступность, %", 82, 96, 95, "up", True, True)
    down = by[till.id].kpi  # a date in both with another value keeps the later's
    assert [(p.value, p.source) for p in down.points] == [(12, "both"), (10, "later"), (14, "later")]
    assert (down.first, down.last, down.direction, down.toward_target, down.reached) == (12, 14, "down", False, False)
    one = by[train.id].kpi  # one value: no trend yet, the target not reached
    assert (one.first, one.last, one.direction, one.toward_target, one.reached) == (50, 50, "down", None, False)
    none = by[hours.id].kpi
    assert (none.points, none.direction, none.toward_target, none.reached) == ((), None, None, None)
    assert (found.kpi_tracked, found.kpi_toward, found.kpi_reached) == (2, 1, 1)
    assert found.headline.text("en") == ("Roadmap: 2 of 3 items done (67 %); KPIs moving toward the target: 1 of 2, "
                                         "target reached: 1.")
    assert found.headline.text("ru").startswith("Дорожная карта: выполнено 2 из 3 пунктов (67 %)")


def test_unlinked_roadmap_items_match_by_title(store: Store) -> None:
    spring = held(store, "Весна", "Ромашка", date(2025, 3, 1))
    autumn = held(store, "Осень", "Ромашка", date(2025, 9, 1))
    first = item(store, spring, "Резерв товара", "planned")
    again = item(store, autumn, "резерв  товара.", "done")
    found = compare.roadmap(store, spring, autumn)
    assert not found.linked
    assert [(i.earlier_id, i.later_id, i.matched_by, i.status) for i in found.items] == [
        (first.id, again.id, "text", "done")]
    assert (found.done, found.counted, found.done_share) == (1, 1, 1.0)


# -- all at once ----------------------------------------------------------------------------------------------
def test_between_gathers_the_four_sections_and_their_headlines(store: Store, tmp_path: Path, pair) -> None:
    spring, autumn = pair
    load_base(store, tmp_path, spring, EARLIER_BASE, EARLIER_AS_OF)
    load_base(store, tmp_path, autumn, LATER_BASE, LATER_AS_OF)
    a, b = board(store, spring), board(store, autumn)
    barrier(store, a["search"], "Нет товара в наличии")
    barrier(store, b["search"], "Нет товара в наличии", status="solved")
    found = compare.between(store, spring, autumn)
    assert (found.earlier.id, found.later.id) == (spring, autumn)
    assert found.segments.row("champions").customers_after == 1
    assert [len(found.barriers.fixed), len(found.barriers.new)] == [1, 0]
    assert found.maturity.total_change is None and found.roadmap.items == ()
    assert {k: h.key for k, h in found.headlines.items()} == {
        "segments": "compare.headline.segments", "maturity": "compare.headline.maturity_missing",
        "barriers": "compare.headline.barriers", "roadmap": "compare.headline.roadmap"}
    assert found.headlines["roadmap"].text("en") == ("Roadmap: 0 of 0 items done (—); KPIs moving toward the target: "
                                                    "0 of 0, target reached: 0.")
    assert found.headlines["maturity"].text("ru") == ("Зрелость CX не сравнить: практики оценены не полностью — "
                                                      "Весна, Осень.")
