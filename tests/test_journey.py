"""The journey map: the tree and its order, validation, versions and conflicts, trash, history, undo, polling,
many people editing at once, and the demo workshop's journey."""
from __future__ import annotations

import dataclasses
import json
import threading
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from cxcore import journey, method, workshop
from cxcore.errors import ConflictError, JourneyError, NotFound
from cxcore.i18n import STRINGS
from cxcore.journey import Barrier, Idea, Journey, Stage, Touchpoint
from cxcore.store import Store, open_store


@pytest.fixture
def mapped(store: Store) -> tuple[Store, str, Journey]:
    """A workshop with an at_risk journey: two touchpoints at `choice`, a barrier with two ideas."""
    w = workshop.create(store, "CJM", held_on=date(2025, 12, 8))
    j = journey.ensure(store, w.id, "at_risk", "anna")
    site = journey.add_touchpoint(store, j.stage("choice"), "anna", "Карточка товара", "site")
    journey.add_touchpoint(store, j.stage("choice"), "boris", "Консультант в зале", "store", "sales")
    bar = journey.add_barrier(store, site, "boris", "Цена хорошая, НО сравнить модели нельзя", ["simplicity", "need"],
                              severity=4, evidence="customers", share=0.3, departments=["marketing", "sales"])
    journey.add_idea(store, bar, "anna", "Вернуть сравнение товаров", impact=4, effort=2)
    journey.add_idea(store, bar, "vera", "Новый каталог", impact=5, effort=5)
    return store, w.id, journey.load(store, w.id, "at_risk")


def log_rows(store: Store, workshop_id: str) -> list[dict]:
    return store.query_dicts("SELECT * FROM change_log WHERE workshop_id = ? AND entity <> 'workshops' ORDER BY id",
                             [workshop_id])


# -- the tree -------------------------------------------------------------------------------------------------
def test_ensure_makes_the_eight_stages_once_with_the_default_owners(store: Store) -> None:
    w = workshop.create(store, "W")
    made = journey.ensure(store, w.id, "at_risk", "anna")
    assert [s.key for s in made.stages] == list(method.STAGES)
    assert [s.owner_department for s in made.stages] == ["marketing"] * 3 + ["sales"] * 2 + ["service"] * 3
    assert (made.segment, made.version, made.touchpoints) == ("at_risk", 1, ())
    assert journey.ensure(store, w.id, "at_risk", "boris") == made  # already there: nothing new
    assert [(r["entity"], r["action"], r["actor"]) for r in log_rows(store, w.id)] == [("journeys", "create", "anna")]
    assert journey.load(store, w.id, "loyal") is None
    with pytest.raises(JourneyError) as bad:
        journey.ensure(store, w.id, "vip", "anna")
    assert bad.value.message("en").startswith("segment: “vip” is not one of: champions, loyal")


def test_load_returns_the_whole_tree_in_order_with_the_values_written(mapped) -> None:
    store, workshop_id, j = mapped
    choice = j.stage("choice")
    assert [tp.name for tp in choice.touchpoints] == ["Карточка товара", "Консультант в зале"]
    site, hall = choice.touchpoints
    assert (site.channel, site.owner_department, site.author, site.position) == ("site", "marketing", "anna", 0)
    assert (hall.owner_department, hall.author, hall.position, hall.barriers) == ("sales", "boris", 1, ())
    [bar] = site.barriers
    assert isinstance(bar, Barrier) and bar.expectations == ("need", "simplicity")  # METHOD order
    assert (bar.severity, bar.evidence, bar.share, bar.departments, bar.status, bar.author) == (
        4, "customers", 0.3, ("marketing", "sales"), "open", "boris")
    assert bar.cross_team
    assert [(i.text, i.quadrant, i.author) for i in bar.ideas] == [
        ("Вернуть сравнение товаров", "quick_win", "anna"), ("Новый каталог", "big_bet", "vera")]
    assert (len(j.touchpoints), len(j.barriers), len(j.ideas)) == (2, 1, 2)
    assert all(isinstance(c, (Stage, Touchpoint, Barrier, Idea)) for c in (choice, site, bar, bar.ideas[0]))


def test_a_barrier_defaults_to_its_touchpoints_department(mapped) -> None:
    store, workshop_id, j = mapped
    hall = j.stage("choice").touchpoints[1]
    made = journey.add_barrier(store, hall, "vera", "Консультант есть, НО его не найти", ["support"])
    assert (made.departments, made.severity, made.evidence, made.share, made.cross_team) == (
        ("sales",), 3, "assumed", None, False)


def test_load_reads_the_whole_workshop_in_five_queries_whatever_its_size(mapped, monkeypatch) -> None:
    store, workshop_id, j = mapped
    for n in range(6):
        tp = journey.add_touchpoint(store, j.stage(method.STAGES[n]), "anna", f"Точка {n}")
        journey.add_idea(store, journey.add_barrier(store, tp, "anna", f"НО {n}", ["speed"]), "anna", f"Идея {n}")
    calls = []
    real = store.query
    monkeypatch.setattr(store, "query", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    loaded = journey.load(store, workshop_id, "at_risk")
    assert (len(loaded.touchpoints), len(loaded.barriers), len(loaded.ideas)) == (8, 7, 8)
    assert len(calls) == 5


def test_stamp_moves_with_journey_changes_of_this_workshop_only(mapped) -> None:
    store, workshop_id, j = mapped
    first = journey.stamp(store, workshop_id)
    assert first > 0 and journey.stamp(store, workshop_id) == first
    other = workshop.create(store, "Другой")
    journey.ensure(store, other.id, "loyal", "anna")
    workshop.update(store, workshop.get(store, workshop_id), "anna", client="Клиент")
    assert journey.stamp(store, workshop_id) == first
    journey.update(store, j.stage("need"), "anna", goal="Вспомнить о магазине")
    assert journey.stamp(store, workshop_id) > first
    assert journey.stamp(store, "nobody") == 0


# -- validation ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("changes, message", [
    ({"severity": 0}, "severity: must be an integer 1–5"),
    ({"severity": 6}, "severity: must be an integer 1–5"),
    ({"severity": 3.5}, "severity: must be an integer 1–5"),
    ({"severity": True}, "severity: must be an integer 1–5"),
    ({"severity": "4"}, "severity: must be an integer 1–5"),
    ({"share": 1.5}, "share: must be a number from 0 to 1"),
    ({"share": -0.1}, "share: must be a number from 0 to 1"),
    ({"share": float("nan")}, "share: must be a number from 0 to 1"),
    ({"expectations": []}, "expectations: name at least one of the 9 expectations"),
    ({"expectations": ["speed", "price"]}, "expectations[1]: “price” is not one of: need, promises, material"),
    ({"expectations": "speed"}, "expectations: must be a list"),
    ({"text": "   "}, "text: must not be empty"),
    ({"text": 5}, "text: must be text"),
    ({"evidence": "rumour"}, "evidence: “rumour” is not one of: data, customers, assumed"),
    ({"status": "done"}, "status: “done” is not one of: open, in_progress, solved"),
    ({"departments": ["sales", 3]}, "departments[1]: must be text"),
])
def test_a_wrong_barrier_value_is_refused_in_both_languages_and_nothing_changes(mapped, changes, message) -> None:
    store, workshop_id, j = mapped
    bar = j.barriers[0]
    before = log_rows(store, workshop_id)
    with pytest.raises(JourneyError) as refused:
        journey.update(store, bar, "anna", **changes)
    assert refused.value.message("en").startswith(message)
    assert refused.value.message("ru").split(":")[0] == message.split(":")[0]
    assert refused.value.message("ru") != refused.value.message("en")
    assert log_rows(store, workshop_id) == before
    assert journey.get(store, bar.id) == dataclasses.replace(bar, ideas=())


@pytest.mark.parametrize("kind, values, message", [
    ("stage", {"emotion": 3}, "emotion: must be an integer from −2 to 2"),
    ("stage", {"emotion": -3}, "emotion: must be an integer from −2 to 2"),
    ("stage", {"kpi_target": "high"}, "kpi_target: must be a number"),
    ("idea", {"impact": 0}, "impact: must be an integer 1–5"),
    ("idea", {"effort": 9}, "effort: must be an integer 1–5"),
    ("touchpoint", {"name": ""}, "name: must not be empty"),
    ("touchpoint", {"position": -1}, "position: must be a whole number ≥ 0"),
])
def test_wrong_values_of_other_cards_are_refused(mapped, kind, values, message) -> None:
    store, workshop_id, j = mapped
    card = {"stage": j.stage("use"), "idea": j.ideas[0], "touchpoint": j.touchpoints[0]}[kind]
    with pytest.raises(JourneyError) as refused:
        journey.update(store, card, "anna", **values)
    assert refused.value.message("en") == message


def test_adding_checks_values_and_the_parent(mapped) -> None:
    store, workshop_id, j = mapped
    tp = j.touchpoints[0]
    with pytest.raises(JourneyError, match="severity: must be an integer 1–5"):
        journey.add_barrier(store, tp, "anna", "НО", ["speed"], severity=7)
    with pytest.raises(JourneyError, match="expectations: name at least one"):
        journey.add_barrier(store, tp, "anna", "НО", [])
    with pytest.raises(JourneyError, match="impact: must be an integer 1–5"):
        journey.add_idea(store, j.barriers[0], "anna", "Идея", impact=0)
    journey.delete(store, tp, "anna")
    with pytest.raises(NotFound):
        journey.add_barrier(store, tp, "anna", "НО", ["speed"])
    assert len(journey.load(store, workshop_id, "at_risk").barriers) == 0


def test_every_vocabulary_key_has_a_name_in_both_languages() -> None:
    for kind, keys in method.PREFIXES.items():
        for key in keys:
            assert f"{kind}.{key}" in STRINGS
    assert [method.principle(s, "en") for s in method.STAGES[:3]] == ["Engage", "Recognise", "Offer what is needed"]
    assert method.name("channel", "call_centre", "ru") == "Колл-центр"
    assert method.name("department", "Логистика", "en") == "Логистика"  # typed in: shown as typed


@pytest.mark.parametrize("impact, effort, quadrant", [
    (4, 2, "quick_win"), (5, 1, "quick_win"), (4, 3, "big_bet"), (5, 5, "big_bet"),
    (3, 2, "fill_in"), (1, 1, "fill_in"), (3, 3, "time_sink"), (1, 5, "time_sink")])
def test_quadrants_follow_the_method(impact, effort, quadrant) -> None:
    assert method.quadrant(impact, effort) == quadrant


# -- versions, conflicts, trash, history ------------------------------------------------------------------------
def test_update_writes_a_new_version_and_logs_old_and_new(mapped) -> None:
    store, workshop_id, j = mapped
    bar = j.barriers[0]
    saved = journey.update(store, bar, "vera", severity=5, expectations=["speed", "need"], status="in_progress")
    assert (saved.version, saved.severity, saved.expectations, saved.status) == (
        2, 5, ("need", "speed"), "in_progress")
    assert journey.update(store, saved, "vera", severity=5) == saved  # nothing changed: no new version
    last = log_rows(store, workshop_id)[-1]
    assert (last["entity"], last["entity_id"], last["action"], last["actor"], last["version"]) == (
        "barriers", bar.id, "update", "vera", 2)
    assert json.loads(last["old_value"]) == {"severity": 4, "expectations": ["need", "simplicity"], "status": "open"}
    assert json.loads(last["new_value"]) == {"severity": 5, "expectations": ["need", "speed"],
                                             "status": "in_progress"}
    with pytest.raises(ValueError):
        journey.update(store, saved, "vera", author="someone else")
    with pytest.raises(ValueError):
        journey.delete(store, j.stage("need"), "vera")


def test_a_stale_save_is_refused_with_the_other_persons_text(mapped) -> None:
    store, workshop_id, j = mapped
    mine = theirs = j.barriers[0]
    journey.update(store, theirs, "boris", text="Цена хорошая, НО сравнение спрятано")
    with pytest.raises(ConflictError) as refused:
        journey.update(store, mine, "anna", text="Моя версия")
    assert refused.value.current["text"] == "Цена хорошая, НО сравнение спрятано"
    assert refused.value.current["version"] == 2
    assert journey.get(store, mine.id).text == "Цена хорошая, НО сравнение спрятано"


def test_delete_moves_a_card_and_its_children_to_the_trash_and_restore_brings_them_back(mapped) -> None:
    store, workshop_id, j = mapped
    site = j.touchpoints[0]
    journey.delete(store, j.ideas[1], "vera")
    journey.delete(store, site, "boris")
    after = journey.load(store, workshop_id, "at_risk")
    assert [tp.name for tp in after.touchpoints] == ["Консультант в зале"] and after.barriers == ()
    [item] = journey.trash(store, workshop_id)  # the idea is under a deleted card: not listed on its own
    assert (item.id, item.kind, item.segment, item.stage, item.label, item.deleted_by, item.version) == (
        site.id, "touchpoint", "at_risk", "choice", "Карточка товара", "boris", 2)
    assert journey.get(store, site.id) is None
    journey.restore(store, site.id, "anna")
    back = journey.load(store, workshop_id, "at_risk")
    assert [tp.name for tp in back.touchpoints] == ["Карточка товара", "Консультант в зале"]
    assert [i.text for i in back.ideas] == ["Вернуть сравнение товаров"]
    assert [(t.kind, t.label, t.deleted_by) for t in journey.trash(store, workshop_id)] == [
        ("idea", "Новый каталог", "vera")]
    with pytest.raises(NotFound):
        journey.restore(store, site.id, "anna")
    with pytest.raises(NotFound):
        journey.restore(store, "no-such-card", "anna")


def test_history_of_a_card_newest_first(mapped) -> None:
    store, workshop_id, j = mapped
    bar = j.barriers[0]
    saved = journey.update(store, bar, "vera", severity=2)
    journey.delete(store, saved, "anna")
    journey.restore(store, bar.id, "boris")
    changes = journey.history(store, bar.id)
    assert [(c.action, c.actor, c.version) for c in changes] == [
        ("restore", "boris", 4), ("delete", "anna", 3), ("update", "vera", 2), ("create", "boris", 1)]
    assert (changes[2].old, changes[2].new) == ({"severity": 4}, {"severity": 2})
    assert changes[3].old is None and changes[3].new["text"] == bar.text
    assert changes[0].changed_at >= changes[-1].changed_at
    assert journey.history(store, "no-such-card") == []


# -- undo -----------------------------------------------------------------------------------------------------
def test_undo_walks_back_through_the_actors_own_changes_only(mapped) -> None:
    store, workshop_id, j = mapped
    bar = j.barriers[0]
    tp = journey.add_touchpoint(store, j.stage("need"), "anna", "Рассылка", "email")  # anna 1: create
    edited = journey.update(store, bar, "anna", severity=1, text="Текст Анны")  # anna 2: update
    journey.update(store, j.stage("use"), "boris", goal="Цель Бориса")  # someone else's change stays
    journey.delete(store, j.ideas[1], "anna")  # anna 3: delete

    undone = journey.undo_last(store, workshop_id, "anna")
    assert (undone.action, undone.entity) == ("delete", "ideas")
    assert [i.text for i in journey.load(store, workshop_id, "at_risk").ideas] == [
        "Вернуть сравнение товаров", "Новый каталог"]
    assert journey.undo_last(store, workshop_id, "anna").action == "update"
    restored = journey.get(store, bar.id)
    assert (restored.severity, restored.text, restored.version) == (4, bar.text, edited.version + 1)
    assert journey.undo_last(store, workshop_id, "anna").action == "create"
    assert journey.get(store, tp.id) is None
    assert journey.undo_last(store, workshop_id, "anna").entity == "ideas"  # the fixture's idea
    assert journey.load(store, workshop_id, "at_risk").stage("use").goal == "Цель Бориса"
    assert [c.action for c in journey.history(store, bar.id)][:2] == ["undo", "update"]


def test_two_own_edits_of_one_card_undo_one_after_the_other(mapped) -> None:
    store, workshop_id, j = mapped
    first = journey.update(store, j.stage("need"), "anna", goal="Один")
    journey.update(store, first, "anna", goal="Два")
    journey.undo_last(store, workshop_id, "anna")
    assert journey.get(store, first.id).goal == "Один"
    journey.undo_last(store, workshop_id, "anna")
    assert (journey.get(store, first.id).goal, journey.get(store, first.id).version) == ("", 5)


def test_undo_after_someone_else_edited_the_card_is_refused_then_passed_over(mapped) -> None:
    store, workshop_id, j = mapped
    tp = journey.add_touchpoint(store, j.stage("need"), "anna", "Рассылка", "email")
    mine = journey.update(store, j.barriers[0], "anna", severity=2)
    journey.update(store, mine, "boris", severity=5, text="Текст Бориса")
    with pytest.raises(ConflictError) as refused:
        journey.undo_last(store, workshop_id, "anna")
    assert refused.value.current["text"] == "Текст Бориса"
    assert "changed after your change" in refused.value.message("en")
    assert journey.get(store, mine.id).severity == 5  # Boris's work is kept
    assert journey.undo_last(store, workshop_id, "anna").entity_id == tp.id  # the change before it
    assert journey.get(store, tp.id) is None


def test_undo_with_nothing_to_undo_returns_none(mapped) -> None:
    store, workshop_id, j = mapped
    assert journey.undo_last(store, workshop_id, "nobody") is None
    while journey.undo_last(store, workshop_id, "vera"):
        pass
    assert [i.text for i in journey.load(store, workshop_id, "at_risk").ideas] == ["Вернуть сравнение товаров"]


# -- many people at once -----------------------------------------------------------------------------------------
def test_eight_people_editing_the_same_and_different_cards_lose_nothing(mapped) -> None:
    store, workshop_id, j = mapped
    shared = j.barriers[0]
    own = [journey.add_idea(store, shared, f"p{n}", f"Идея {n}") for n in range(8)]
    threads, rounds = 8, 15
    applied: Counter = Counter()
    conflicts: Counter = Counter()
    failures: list[BaseException] = []
    start = threading.Barrier(threads)

    def person(n: int) -> None:
        try:
            start.wait()
            for r in range(rounds):
                for card_id in (shared.id, own[n].id):
                    card = journey.get(store, card_id)
                    try:
                        journey.update(store, card, f"p{n}", text=f"p{n} r{r} {card_id}")
                        applied[card_id] += 1
                    except ConflictError as error:
                        assert error.current["version"] > card.version
                        conflicts[card_id] += 1
        except BaseException as error:  # noqa: BLE001  (reported below)
            failures.append(error)

    workers = [threading.Thread(target=person, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert failures == []
    assert applied[shared.id] + conflicts[shared.id] == threads * rounds
    for idea in own:  # nobody else touches one's own card: every save applies
        assert (applied[idea.id], conflicts[idea.id]) == (rounds, 0)
    for card_id in (shared.id, *(i.id for i in own)):
        updates = store.query_dicts("SELECT * FROM change_log WHERE entity_id = ? AND action = 'update' ORDER BY id",
                                    [card_id])
        final = journey.get(store, card_id)
        assert len(updates) == applied[card_id] and final.version == 1 + applied[card_id]
        assert [u["version"] for u in updates] == list(range(2, final.version + 1))
        assert json.loads(updates[-1]["new_value"])["text"] == final.text
        olds = [json.loads(u["old_value"])["text"] for u in updates[1:]]
        assert olds == [json.loads(u["new_value"])["text"] for u in updates[:-1]]  # no write lost in between


# -- the demo workshop --------------------------------------------------------------------------------------------
def test_the_demo_workshop_maps_the_journey_of_its_target_segment(demo_db: Path) -> None:
    from cxcore import rfm_settings

    store = open_store(demo_db)
    try:
        assert rfm_settings.target_segment(store, "demo") == "at_risk"
        assert journey.default_segment(store, "demo") == "at_risk"
        j = journey.load(store, "demo", "at_risk")
        assert [s.key for s in j.stages] == list(method.STAGES)
        for stage in j.stages:
            assert stage.touchpoints and stage.goal and stage.actions and stage.thoughts and stage.kpi_name
            assert stage.emotion in method.EMOTIONS and stage.kpi_target is not None
        assert len(j.barriers) >= 15 and all(b.expectations and b.departments for b in j.barriers)
        assert sum(b.cross_team for b in j.barriers) >= 5
        assert any(len(b.departments) == 3 for b in j.barriers)
        assert set(Counter(i.quadrant for i in j.ideas)) == set(method.QUADRANTS)
        assert len({c.author for c in (*j.touchpoints, *j.barriers, *j.ideas)}) == 5
        assert {c.created_at.date() for c in (*j.touchpoints, *j.barriers, *j.ideas)} == {date(2025, 12, 8)}
        assert journey.undo_last(store, "demo", "somebody") is None
    finally:
        store.close()
