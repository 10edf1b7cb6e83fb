"""What the journey views show, on a small hand-made journey: emotion curve, expectations matrix and the
"6 of 9" check, departments and cross-team BUT-situations, and the graph."""
from __future__ import annotations

import pytest

from cxcore import journey, journey_views, method, workshop


@pytest.fixture
def tree(store):
    with store.write("t") as tx:
        wid = workshop.insert(tx, "views").id
    j = journey.ensure(store, wid, "at_risk", "t")
    need, choice = j.stage("need"), j.stage("choice")
    journey.update(store, need, "t", emotion=-1)
    mail = journey.add_touchpoint(store, need, "t", "Рассылка", "email")
    site = journey.add_touchpoint(store, choice, "t", "Сайт", "site", "sales")
    b1 = journey.add_barrier(store, mail, "t", "Письма не про меня", ["need", "comfort"], severity=3)
    journey.add_barrier(store, site, "t", "Нет сравнения", ["simplicity", "need", "speed", "transparency"],
                        severity=5, departments=["sales", "marketing", "ИТ"])
    journey.add_barrier(store, site, "t", "Цена другая", ["promises"], severity=4, departments=["sales"],
                        status="solved")
    journey.add_idea(store, b1, "t", "Сегментировать рассылку", impact=4, effort=2)
    return journey.load(store, wid, "at_risk")


def test_emotion_curve_has_every_stage_in_order(tree):
    curve = journey_views.emotion_curve(tree)
    assert list(curve["stage"]) == list(method.STAGES)
    row = curve.set_index("stage")
    assert row.at["need", "emotion"] == -1 and row.at["choice", "barriers"] == 2
    assert row.at["choice", "open_barriers"] == 1  # the solved one no longer counts


def test_expectations_matrix_and_the_six_of_nine_check(tree):
    matrix = journey_views.expectations_matrix(tree)
    assert len(matrix) == 8 * 9
    cell = matrix.set_index(["stage", "expectation"])
    assert cell.at[("choice", "need"), "barriers"] == 1
    assert cell.at[("choice", "promises"), "barriers"] == 1 and cell.at[("choice", "promises"), "open_barriers"] == 0
    met = journey_views.expectations_met(tree).set_index("stage")
    assert met.at["need", "met"] == 7 and met.at["need", "loyalty_ok"]
    assert met.at["choice", "met"] == 5 and not met.at["choice", "loyalty_ok"]  # 4 broken by an open barrier
    assert met.at["choice", "broken"] == ["need", "speed", "simplicity", "transparency"]
    assert met.at["use", "met"] == 9


def test_departments_count_every_department_a_barrier_involves(tree):
    summary = journey_views.by_department(tree).set_index("department")
    assert list(summary.index) == ["marketing", "sales", "ИТ"]  # the method's first, typed-in ones after
    assert summary.at["sales", "barriers"] == 2 and summary.at["sales", "open_barriers"] == 1
    assert summary.at["marketing", "barriers"] == 2 and summary.at["marketing", "cross_team"] == 1
    assert summary.at["ИТ", "barriers"] == 1
    cross = journey_views.cross_team(tree)
    assert [p.barrier.text for p in cross] == ["Нет сравнения"] and cross[0].stage == "choice"


def test_graph_links_stages_in_order_then_touchpoints_then_barriers(tree):
    names = {key: key.upper() for key in method.STAGES}
    nodes, edges = journey_views.graph(tree, names)
    kinds = [n.kind for n in nodes]
    assert kinds.count("stage") == 8 and kinds.count("touchpoint") == 2 and kinds.count("barrier") == 3
    stage_ids = [n.id for n in nodes if n.kind == "stage"]
    assert list(zip(stage_ids, stage_ids[1:])) == [e for e in edges if e[0] in stage_ids and e[1] in stage_ids]
    barrier = next(n for n in nodes if n.label == "Нет сравнения")
    assert barrier.group == "cross_team" and barrier.size == 4 + 2 * 5
    assert next(n for n in nodes if n.label == "Письма не про меня").group == "marketing"
    long = journey_views.shorten("слово " * 20)
    assert len(long) == 40 and long.endswith("…")


def test_the_worst_stage_has_the_most_open_barriers_and_none_when_all_are_solved(store):
    from tests.roadmap_helpers import mapped

    room = mapped(store)
    tree = journey.load(store, room.workshop_id, "at_risk")
    assert journey_views.worst_stage(tree) == "search"  # two open barriers there, one at purchase
    for barrier in tree.barriers:
        journey.update(store, barrier, "anna", status="solved")
    assert journey_views.worst_stage(journey.load(store, room.workshop_id, "at_risk")) is None
