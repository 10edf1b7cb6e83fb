"""The roadmap: quadrants from impact and effort on every boundary of METHOD's rule, incomplete items, the order,
versions, conflicts, trash, items from ideas and maturity gaps, KPI actuals and their trend, reach from the data,
the ranked ideas, the contact policy's 50/50 warning, and the demo workshop's roadmap."""
from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest

from cxcore import journey, maturity, roadmap, votes
from cxcore.errors import ConflictError, NotFound, RoadmapError
from cxcore.i18n import STRINGS
from cxcore.maturity import RoadmapCandidate
from cxcore.store import Store, open_store
from tests.roadmap_helpers import Room, mapped, with_base

D = date


@pytest.fixture
def room(store: Store) -> Room:
    return mapped(store)


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> tuple[Store, Room]:
    """One mapped workshop for the tests that only read it or are refused."""
    s = open_store(tmp_path_factory.mktemp("roadmap") / "studio.duckdb")
    yield s, mapped(s)
    s.close()


def complete(**extra) -> dict:
    return dict(owner="Ольга", department="marketing", kpi_name="Открываемость, %", kpi_current=11.5,
                kpi_target=20, review_on=D(2026, 1, 20), **extra)


# -- quadrants ------------------------------------------------------------------------------------------------
def expected_quadrant(impact: int, effort: int) -> str:
    """METHOD.md, word for word."""
    if impact >= 4 and effort <= 2:
        return "quick_win"
    if impact >= 4 and effort >= 3:
        return "big_bet"
    if impact <= 3 and effort <= 2:
        return "fill_in"
    return "time_sink"


@pytest.mark.parametrize("impact", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("effort", [1, 2, 3, 4, 5])
def test_quadrant_of_every_impact_and_effort(impact, effort):
    assert roadmap.quadrant_of(impact, effort) == expected_quadrant(impact, effort)


QUADRANT_CASES = [
    (4, 2, "quick_win"), (4, 3, "big_bet"), (3, 2, "fill_in"), (3, 3, "time_sink"),  # the corners of the rule
    (5, 1, "quick_win"), (5, 5, "big_bet"), (1, 1, "fill_in"), (1, 5, "time_sink"),
    (None, 3, None), (4, None, None), (None, None, None)]


def test_item_quadrant_is_computed_never_typed(store, room):
    horizons = {"quick_win": "month", "big_bet": "half_year", "fill_in": "quarter", "time_sink": "later",
                None: "quarter"}
    for impact, effort, quadrant in QUADRANT_CASES:
        item = roadmap.add_item(store, room.workshop_id, "anna", "Пункт", impact=impact, effort=effort)
        assert (item.quadrant, item.horizon) == (quadrant, horizons[quadrant]), (impact, effort)
        assert roadmap.get_item(store, item.id).quadrant == quadrant
    moved = roadmap.update_item(store, item, "anna", impact=5, effort=1)
    assert (moved.quadrant, moved.horizon) == ("quick_win", "quarter")  # the horizon is the room's to change
    with pytest.raises(ValueError):
        roadmap.update_item(store, moved, "anna", quadrant="big_bet")


# -- complete or not ------------------------------------------------------------------------------------------
def test_what_an_item_still_misses(store, room):
    w = room.workshop_id
    bare = roadmap.add_item(store, w, "anna", "Пункт без ничего")
    assert bare.missing == ("owner", "department", "kpi", "review_on") and bare.incomplete
    assert bare.missing_text("en") == "Missing: owner, department, KPI with a target, next review date"
    assert bare.missing_text("ru") == "Не заполнено: владелец, отдел, KPI с целевым значением, дата следующего пересмотра"
    full = roadmap.add_item(store, w, "anna", "Полный пункт", **complete())
    assert full.missing == () and not full.incomplete and full.missing_text("ru") == ""
    no_target = roadmap.update_item(store, full, "anna", kpi_target=None)
    assert no_target.missing == ("kpi",)  # a KPI needs a target
    no_current = roadmap.update_item(store, no_target, "anna", kpi_target=20, kpi_current=None)
    assert no_current.missing == ()  # the current value may be measured after the workshop
    blank_owner = roadmap.update_item(store, no_current, "anna", owner="   ", review_on=None)
    assert blank_owner.owner == "" and blank_owner.missing == ("owner", "review_on")


@pytest.mark.parametrize("field, value, key", [
    ("horizon", "week", "roadmap.bad_choice"), ("status", "open", "roadmap.bad_choice"),
    ("stage", "checkout", "roadmap.bad_choice"), ("impact", 6, "roadmap.bad_score"),
    ("effort", 2.0, "roadmap.bad_score"), ("impact", True, "roadmap.bad_score"),
    ("budget", -1, "roadmap.bad_money"), ("kpi_target", float("nan"), "roadmap.bad_number"),
    ("kpi_current", "12", "roadmap.bad_number"), ("review_on", "31.01.2026", "roadmap.bad_date"),
    ("owner", 5, "roadmap.not_text"), ("barrier_ids", "abc", "roadmap.not_list"),
    ("barrier_ids", ["nope"], "roadmap.unknown_barrier"), ("source", "wall", "roadmap.bad_choice")])
def test_values_that_break_a_rule_are_refused_naming_the_field(shared, field, value, key):
    store, room = shared
    with pytest.raises(RoadmapError) as refused:
        roadmap.add_item(store, room.workshop_id, "anna", "Пункт", **{field: value})
    assert refused.value.key == key and refused.value.params["field"].startswith(field)
    assert key in STRINGS
    assert roadmap.items(store, room.workshop_id) == []


def test_values_are_stored_as_given_and_dates_read_from_text(store, room):
    item = roadmap.add_item(store, room.workshop_id, "anna", "  Пункт  ", review_on="2026-02-01", budget=150000,
                            kpi_current=11.5, barrier_ids=[room.stock.id, room.stock.id, room.queue.id],
                            stage="search", status="in_progress")
    assert (item.title, item.review_on, item.budget, item.kpi_current) == ("Пункт", D(2026, 2, 1), 150000, 11.5)
    assert item.barrier_ids == (room.stock.id, room.queue.id) and item.source == "manual" and item.author == "anna"
    from_sheet = roadmap.add_item(store, room.workshop_id, "anna", "Из таблицы", impact=np.int64(4),
                                  effort=np.int64(2), kpi_target=np.float64(7.5))  # numbers as pandas gives them
    assert (from_sheet.impact, from_sheet.effort, from_sheet.kpi_target, from_sheet.quadrant) == (4, 2, 7.5,
                                                                                                   "quick_win")
    with pytest.raises(RoadmapError):
        roadmap.add_item(store, room.workshop_id, "anna", "   ")
    with pytest.raises(ValueError):
        roadmap.add_item(store, room.workshop_id, "anna", "Пункт", colour="red")
    with pytest.raises(NotFound):
        roadmap.add_item(store, "no-such-workshop", "anna", "Пункт")


# -- order ----------------------------------------------------------------------------------------------------
def test_items_in_roadmap_order_quadrant_then_dots_then_title(store, room):
    w = room.workshop_id
    add = lambda title, i, e, **f: roadmap.add_item(store, w, "anna", title, impact=i, effort=e, **f)  # noqa: E731
    sink = add("Я пожиратель", 1, 5)
    bet = add("Б крупная ставка", 5, 5)
    quick_b = add("Б быстрая", 4, 1)
    quick_a = add("А быстрая", 5, 2)
    fill = add("В мелочь", 2, 1)
    loose = roadmap.add_item(store, w, "anna", "А без оценки")
    voted = add("Я быстрая с точками", 4, 2, barrier_ids=[room.queue.id])
    idea_item = roadmap.from_idea(store, room.till.id, "anna")  # fill-in, with the idea's dots
    assert [i.id for i in roadmap.items(store, w)] == [quick_a.id, quick_b.id, voted.id, bet.id, fill.id,
                                                       idea_item.id, sink.id, loose.id]
    votes.open_vote(store, w, 5, "facilitator")
    votes.cast(store, w, "Вера", "barrier", room.queue.id)  # backs both items fixing the queue
    votes.cast(store, w, "Вера", "idea", room.till.id)
    votes.cast(store, w, "Вера", "idea", room.till.id)
    ordered = roadmap.items(store, w)
    assert [i.id for i in ordered] == [voted.id, quick_a.id, quick_b.id, bet.id, idea_item.id, fill.id, sink.id,
                                       loose.id]
    assert roadmap.item_votes(ordered, votes.tally(store, w)) == {
        voted.id: 1, quick_a.id: 0, quick_b.id: 0, bet.id: 0, idea_item.id: 3, fill.id: 0, sink.id: 0, loose.id: 0}


# -- versions, conflicts, trash -------------------------------------------------------------------------------
def test_update_is_versioned_logged_and_refused_on_a_stale_read(store, room):
    w = room.workshop_id
    item = roadmap.add_item(store, w, "anna", "Пункт", impact=4, effort=2)
    assert item.version == 1
    saved = roadmap.update_item(store, item, "boris", owner="Борис", budget=250000, review_on=D(2026, 2, 5))
    assert (saved.version, saved.owner, saved.budget, saved.review_on) == (2, "Борис", 250000, D(2026, 2, 5))
    assert roadmap.update_item(store, saved, "boris", owner="Борис") is saved  # nothing changed, nothing saved
    with pytest.raises(ConflictError) as stale:
        roadmap.update_item(store, item, "vera", owner="Вера")
    assert stale.value.current["owner"] == "Борис" and stale.value.current["version"] == 2
    assert roadmap.get_item(store, item.id) == saved
    log = store.query_dicts("SELECT actor, action, version, old_value, new_value FROM change_log "
                            "WHERE entity = 'roadmap_items' AND entity_id = ? ORDER BY id", [item.id])
    assert [(r["actor"], r["action"], r["version"]) for r in log] == [("anna", "create", 1), ("boris", "update", 2)]
    assert json.loads(log[1]["old_value"]) == {"owner": "", "budget": None, "review_on": None}
    assert json.loads(log[1]["new_value"]) == {"owner": "Борис", "budget": 250000, "review_on": "2026-02-05"}


def test_delete_to_the_trash_and_restore(store, room):
    w = room.workshop_id
    item = roadmap.add_item(store, w, "anna", "Пункт")
    roadmap.delete_item(store, item, "boris")
    assert roadmap.items(store, w) == [] and roadmap.get_item(store, item.id) is None
    assert [i.id for i in roadmap.deleted_items(store, w)] == [item.id]
    back = roadmap.restore_item(store, item.id, "boris")
    assert back.version == 3 and [i.id for i in roadmap.items(store, w)] == [item.id]
    with pytest.raises(ConflictError):
        roadmap.delete_item(store, item, "vera")  # read before the delete and restore
    with pytest.raises(NotFound):
        roadmap.restore_item(store, item.id, "vera")  # not in the trash
    with pytest.raises(NotFound):
        roadmap.restore_item(store, "nope", "vera")


def test_stamp_moves_with_any_roadmap_change_only(store, room):
    w = room.workshop_id
    first = roadmap.stamp(store, w)
    item = roadmap.add_item(store, w, "anna", "Пункт")
    second = roadmap.stamp(store, w)
    journey.add_idea(store, room.queue, "anna", "Ещё идея")
    assert roadmap.stamp(store, w) == second > first
    roadmap.add_actual(store, item.id, D(2026, 1, 31), 5, "anna")
    third = roadmap.stamp(store, w)
    roadmap.save_policy(store, roadmap.policy(store, w, "lost"), "anna", content_share=0.4)
    roadmap.save_assumptions(store, roadmap.assumptions(store, w), "anna")
    assert second < third < roadmap.stamp(store, w)


# -- from ideas and maturity gaps -----------------------------------------------------------------------------
def test_from_idea_takes_the_idea_its_barrier_and_stage(store, room):
    item = roadmap.from_idea(store, room.reserve.id, "boris")
    assert (item.title, item.source, item.idea_id, item.barrier_ids, item.stage) == (
        "Резерв товара на 2 часа", "idea", room.reserve.id, (room.stock.id,), "search")
    assert (item.impact, item.effort, item.quadrant, item.horizon) == (4, 2, "quick_win", "month")
    assert (item.department, item.owner, item.author, item.status) == ("sales", "", "boris", "planned")
    assert roadmap.from_idea(store, room.reserve.id, "vera") == item  # already on the roadmap: the same item
    hours = roadmap.from_idea(store, room.maps.id, "anna")
    assert hours.department == "marketing"  # the barrier names none: its touchpoint's owner
    assert (hours.quadrant, hours.horizon) == ("time_sink", "later")
    roadmap.delete_item(store, item, "anna")
    assert roadmap.from_idea(store, room.reserve.id, "anna").id != item.id  # deleted: a new item
    with pytest.raises(NotFound):
        roadmap.from_idea(store, "nope", "anna")


def test_from_a_maturity_gap(store, room):
    candidate = RoadmapCandidate("practice", "4", 2.14, "Практика 4 «Прогноз бизнес-эффекта»: сейчас 2,14 из 5",
                                 owner="Сергей")
    item = roadmap.from_maturity(store, room.workshop_id, candidate, "anna")
    assert (item.title, item.source, item.candidate, item.owner, item.quadrant) == (
        candidate.text, "maturity", "practice:4", "Сергей", None)
    assert (item.idea_id, item.barrier_ids, item.stage, item.horizon) == (None, (), None, "quarter")
    assert roadmap.from_maturity(store, room.workshop_id, candidate, "boris") == item
    results = maturity.score([maturity.Rating("Анна", p, 2) for p in range(1, 21)])
    offered = maturity.roadmap_candidates(results, "en")
    other = roadmap.from_maturity(store, room.workshop_id, offered[0], "anna")
    assert other.title == "Strengthen the competency “Lead”: now 2.00 of 5" and other.candidate == "competency:lead"


# -- KPI actuals ----------------------------------------------------------------------------------------------
def test_kpi_actuals_by_date_and_the_trend(store, room):
    w = room.workshop_id
    item = roadmap.add_item(store, w, "anna", "Бонусы", kpi_name="Сгоревшие бонусы, %", kpi_current=34,
                            kpi_target=15)
    first = roadmap.add_actual(store, item.id, D(2026, 1, 26), 26, "anna")
    roadmap.add_actual(store, item.id, "2026-01-12", 31, "anna")
    assert (first.item_id, first.measured_on, first.value, first.version) == (item.id, D(2026, 1, 26), 26.0, 1)
    again = roadmap.add_actual(store, item.id, D(2026, 1, 26), 24.5, "boris")  # the same date: updated
    assert (again.id, again.value, again.version) == (first.id, 24.5, 2)
    assert [(a.measured_on, a.value) for a in roadmap.actuals(store, w)] == [(D(2026, 1, 12), 31), (D(2026, 1, 26), 24.5)]
    log = store.query("SELECT actor, action, old_value, new_value FROM change_log WHERE entity_id = ? ORDER BY id",
                      [first.id])
    assert [row[:2] for row in log] == [("anna", "create"), ("boris", "update")]
    assert (json.loads(log[1][2]), json.loads(log[1][3])) == ({"value": 26.0}, {"value": 24.5})
    trend = roadmap.kpi_trend(store, item.id)
    assert list(trend.columns) == ["date", "value", "target", "progress", "reached"]
    assert trend["date"].tolist() == [D(2026, 1, 12), D(2026, 1, 26)]
    assert trend["value"].tolist() == [31, 24.5] and trend["target"].tolist() == [15, 15]
    assert trend["progress"].round(4).tolist() == [round(3 / 19, 4), 0.5]  # (34 − value) ÷ (34 − 15)
    roadmap.add_actual(store, item.id, D(2026, 2, 23), 14, "anna")
    assert roadmap.kpi_trend(store, item.id)["reached"].tolist() == [False, False, True]
    empty = roadmap.add_item(store, w, "anna", "Без KPI")
    assert roadmap.kpi_trend(store, empty.id).empty
    roadmap.delete_actual(store, roadmap.item_actuals(store, item.id)[0], "anna")
    assert [a.measured_on for a in roadmap.item_actuals(store, item.id)] == [D(2026, 1, 26), D(2026, 2, 23)]
    roadmap.delete_item(store, item, "anna")
    assert roadmap.actuals(store, w) == []
    with pytest.raises(NotFound):
        roadmap.add_actual(store, item.id, D(2026, 3, 1), 10, "anna")


def test_kpi_actuals_reimported_at_once_all_or_nothing(store, room):
    w = room.workshop_id
    item = roadmap.add_item(store, w, "anna", "Бонусы", kpi_target=15)
    rows = [(item.id, "2026-01-12", 31), (item.id, D(2026, 2, 9), 22)]
    assert roadmap.add_actuals(store, w, rows, "anna") == {"created": 2, "updated": 0, "unchanged": 0}
    assert roadmap.add_actuals(store, w, [*rows[:1], (item.id, D(2026, 2, 9), 21)], "anna") == {
        "created": 0, "updated": 1, "unchanged": 1}
    for bad in ([(item.id, "9 Feb", 1)], [(item.id, D(2026, 3, 1), "x")], [(item.id, None, 1)]):
        with pytest.raises(RoadmapError):
            roadmap.add_actuals(store, w, bad, "anna")
    with pytest.raises(NotFound):  # one unknown item: nothing is written
        roadmap.add_actuals(store, w, [(item.id, D(2026, 3, 1), 20), ("nope", D(2026, 3, 1), 1)], "anna")
    assert [a.value for a in roadmap.actuals(store, w)] == [31, 21]


# -- reach ----------------------------------------------------------------------------------------------------
def test_reach_is_the_segment_times_the_share_and_unknown_without_one(store, room, tmp_path):
    w = room.workshop_id
    nothing = roadmap.reach(store, w, room.stock)
    assert (nothing.customers, nothing.revenue, nothing.segment, nothing.reason) == (None, None, "at_risk", "no_base")
    assert nothing.text("en") == "Reach unknown: no customer base loaded"
    with_base(store, tmp_path, room)
    stock = roadmap.reach(store, w, room.stock)  # 10 customers, 30 000 ₽ in at_risk; share 0.25
    assert (stock.customers, stock.revenue, stock.share, stock.segment) == (2.5, 7500, 0.25, "at_risk")
    assert (stock.segment_customers, stock.segment_revenue, stock.known, stock.reason) == (10, 30000, True, None)
    assert stock.text("en") == "≈ 2 customers · ₽7,500.00 at risk"
    queue = roadmap.reach(store, w, room.queue)  # share not set: unknown, not invented
    assert (queue.customers, queue.revenue, queue.known, queue.reason) == (None, None, False, "no_share")
    assert queue.text("ru") == "Охват неизвестен: не указана доля сегмента, которую задевает барьер"
    hours = roadmap.reach(store, w, room.hours)
    assert (hours.customers, hours.revenue) == (pytest.approx(1.0), pytest.approx(3000))


def test_ranked_ideas_and_barriers(store, room, tmp_path):
    w = room.workshop_id
    with_base(store, tmp_path, room)
    item = roadmap.from_idea(store, room.refresh.id, "anna")
    ranked = roadmap.ranked_ideas(store, w)
    assert [r.idea.id for r in ranked] == [room.reserve.id, room.refresh.id, room.till.id, room.maps.id]
    assert [r.quadrant for r in ranked] == ["quick_win", "big_bet", "fill_in", "time_sink"]
    assert [r.item_id for r in ranked] == [None, item.id, None, None]
    assert ranked[0].stage == "search" and ranked[0].barrier.id == room.stock.id and ranked[0].reach.revenue == 7500
    votes.open_vote(store, w, 5, "facilitator")
    votes.cast(store, w, "Вера", "barrier", room.queue.id)
    votes.cast(store, w, "Вера", "idea", room.maps.id)
    votes.cast(store, w, "Вера", "idea", room.maps.id)
    again = roadmap.ranked_ideas(store, w)
    assert [(r.idea.id, r.votes, r.idea_votes, r.barrier_votes) for r in again][2:] == [
        (room.till.id, 1, 0, 1), (room.maps.id, 2, 2, 0)]  # dots rank within a quadrant, never across
    barriers = roadmap.ranked_barriers(store, w)
    assert [(b.barrier.id, b.votes, b.ideas) for b in barriers] == [
        (room.queue.id, 1, 1), (room.stock.id, 0, 2), (room.hours.id, 0, 1)]  # then revenue at risk
    assert barriers[0].reach.known is False


# -- contact policy -------------------------------------------------------------------------------------------
def test_contact_policy_per_segment_and_the_50_50_warning(store, room):
    w = room.workshop_id
    policies = roadmap.policies(store, w)
    assert [p.segment for p in policies] == ["champions", "loyal", "promising", "at_risk", "lost"]
    assert all((p.version, p.content_share, p.channels, p.warnings("en")) == (0, 0.5, (), []) for p in policies)
    lost = roadmap.save_policy(store, roadmap.policy(store, w, "lost"), "anna", channels=["sms", "email", "sms"],
                               per_month=8, content_share=0.2, note="Промокод каждую неделю")
    assert (lost.version, lost.channels, lost.per_month, lost.offer_share) == (1, ("sms", "email"), 8, 0.8)
    assert lost.breaks_golden_rule and lost.channel_names("en") == ["SMS", "E-mail"]
    assert lost.warnings("en") == ["The 50/50 golden rule is broken: useful content 20 %, offers 80 %. Every message "
                                   "should be half useful content, half offer."]
    assert lost.warnings("ru")[0].startswith("Нарушено золотое правило 50/50: полезного контента 20 %")
    fixed = roadmap.save_policy(store, lost, "boris", content_share=0.5)
    assert (fixed.version, fixed.warnings("ru")) == (2, [])
    assert roadmap.save_policy(store, fixed, "boris", content_share=0.499).warnings("en")[0].startswith(
        "The 50/50 golden rule is broken: useful content 49.9 %, offers 50.1 %")
    with pytest.raises(ConflictError):
        roadmap.save_policy(store, lost, "vera", per_month=2)
    with pytest.raises(ConflictError):  # a second first save
        roadmap.save_policy(store, policies[4], "vera", per_month=2)
    silent = roadmap.save_policy(store, roadmap.policy(store, w, "loyal"), "anna", per_month=4)
    assert silent.warnings("en") == ["A frequency is set but no channel is chosen."]
    for changes in ({"content_share": 1.5}, {"per_month": -1}, {"channels": "sms"}, {"content_share": None}):
        with pytest.raises(RoadmapError):
            roadmap.save_policy(store, silent, "anna", **changes)
    log = store.query("SELECT entity_id, action, version FROM change_log WHERE entity = 'contact_policies' "
                      "ORDER BY id")
    assert log == [(f"{w}/lost", "create", 1), (f"{w}/lost", "update", 2), (f"{w}/lost", "update", 3),
                   (f"{w}/loyal", "create", 1)]


# -- the demo -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(demo_db):
    s = open_store(demo_db)
    yield s
    s.close()


def test_the_demo_roadmap(demo):
    found = roadmap.items(demo, "demo")
    assert len(found) == 12
    assert sum(i.source == "idea" for i in found) == 10 and sum(i.source == "maturity" for i in found) == 2
    assert [i.quadrant for i in found] == ["quick_win"] * 9 + ["big_bet"] * 2 + ["time_sink"]
    assert found[0].title.startswith("Предупреждать о сгорании бонусов")
    assert sorted(i.missing for i in found if i.incomplete) == [("department", "kpi"), ("owner", "review_on")]
    assert all(D(2026, 1, 1) <= i.review_on <= D(2026, 3, 31) for i in found if i.review_on)
    assert {i.owner for i in found} == {"", "Ольга Кузнецова", "Игорь Лебедев", "Дмитрий Волков", "Елена Морозова",
                                        "Марина Соколова", "Сергей Новиков", "Татьяна Павлова"}
    assert sum(i.budget or 0 for i in found) == 8_810_000
    assert sorted(i.status for i in found).count("in_progress") == 3
    state = roadmap.vote_state(demo, "demo")
    assert (state.open, state.dots, state.round) == (False, 5, 1)
    turnout = roadmap.turnout(demo, "demo")
    assert len(turnout) == 6 and sum(turnout.values()) == 28 and turnout["Сергей Новиков"] == 3
    ranked = roadmap.ranked_ideas(demo, "demo")
    assert ranked[0].idea.text.startswith("Предупреждать о сгорании бонусов") and ranked[0].votes == 6
    assert ranked[0].reach.customers == pytest.approx(16086 * 0.32)
    measured = roadmap.actuals(demo, "demo")
    assert len(measured) == 10 and len({a.item_id for a in measured}) == 4
    assert all(D(2026, 1, 1) <= a.measured_on <= D(2026, 2, 28) for a in measured)
    policies = roadmap.policies(demo, "demo")
    assert all(p.version == 1 for p in policies)
    assert [p.segment for p in policies if p.warnings("ru")] == ["lost"]
    assert roadmap.assumptions(demo, "demo").version == 1


def test_the_demo_business_case(demo):
    case = roadmap.business_case(demo, "demo", "en")
    assert case.segment == "at_risk" and case.as_of == D(2025, 12, 1)
    customers, revenue = case.value("customers"), case.value("revenue")
    assert customers == 16086 and revenue == pytest.approx(229_380_622, abs=1)
    assert case.value("months") == 30
    annual = revenue / 30 * 12
    assert case.value("annual_revenue") == pytest.approx(annual)
    assert case.value("revenue_at_risk") == pytest.approx(annual * 0.095)
    # 26 barriers of the room, and the one accepted from the customers' comments (severity 5)
    assert case.value("coverage") == pytest.approx(39 / 97)
    assert case.line("coverage").formula == ("Severity of the barriers fixed 39 ÷ severity of all barriers 97 "
                                             "(9 of 27 barriers)")
    assert case.value("revenue_kept") == pytest.approx(annual * 0.095 * 39 / 97)
    assert case.value("budget") == 8_810_000
    assert case.line("revenue_kept").shown == "₽3.5 M"
