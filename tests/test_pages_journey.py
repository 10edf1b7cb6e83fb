"""The journey pages through AppTest on the demo workshop: the board, adding and editing cards in their dialog,
conflicts, undo and trash, starting a map from a template, and the four views."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

import ui
from cxcore import journey, journey_views
from cxcore.store import open_store
from tests.test_pages import app, chart_data, charts, db, fresh_caches, served_mode  # noqa: F401  (fixtures)


def button(at: AppTest, key: str):
    return at.button(key=key)


def counts(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Точек контакта"))


def demo_journey(db):
    return journey.load(open_store(db), "demo", "at_risk")


def test_the_board_shows_the_demo_journey_and_asks_a_newcomer_for_a_name(db):
    at = app("pages/journey.py")
    assert at.title[0].value == "Карта пути клиента"
    assert counts(at).startswith("Точек контакта: 25 · барьеров: 27 · идей: 39 · межкомандных НО-ситуаций: 16")
    tree = demo_journey(db)
    first = tree.stage("need").touchpoints[0]
    assert button(at, f"tp.{first.id}").disabled  # no name yet: the board can be read, not edited
    assert at.text_input[0].label.startswith("Как вас зовут?")
    at.text_input[0].set_value("Ольга")
    at.button(key="FormSubmitter:participant_name-Войти").click().run()
    assert not button(at, f"tp.{first.id}").disabled
    assert at.query_params["me"] == "Ольга"  # in the link: a refresh does not ask again


def test_a_participant_adds_a_touchpoint_in_the_dialog_signed_with_their_name(db):
    at = app("pages/journey.py", me="Ольга")
    need = demo_journey(db).stage("need")
    button(at, f"add-tp.{need.id}").click().run()
    form = f"journey.dialog.new-{need.id}"
    at.text_input(key=f"{form}.name").set_value("Чат-бот на сайте")
    at.selectbox(key=f"{form}.channel").set_value("site")
    at.button(key=f"FormSubmitter:{form}-Сохранить").click().run()
    assert not at.exception and not at.error
    added = demo_journey(db).stage("need").touchpoints[-1]
    assert (added.name, added.channel, added.owner_department, added.author) == (
        "Чат-бот на сайте", "site", "marketing", "Ольга")
    assert f"tp.{added.id}" in [b.key for b in at.button]  # on the board at once


def test_an_empty_barrier_is_refused_with_the_reason(db):
    at = app("pages/journey.py", me="Ольга")
    tp = demo_journey(db).stage("need").touchpoints[0]
    button(at, f"add-barrier.{tp.id}").click().run()
    at.button(key=f"FormSubmitter:journey.dialog.new-{tp.id}-Сохранить").click().run()
    assert at.error[0].value.startswith("text: не может быть пустым") or "пуст" in at.error[0].value
    assert len(demo_journey(db).stage("need").touchpoints[0].barriers) == len(tp.barriers)


def test_two_people_editing_one_barrier_the_second_sees_the_first_ones_text(db):
    at = app("pages/journey.py", me="Ольга")
    barrier = demo_journey(db).barriers[0]
    button(at, f"barrier.{barrier.id}").click().run()
    form = f"journey.dialog.{barrier.id}"
    at.text_area(key=f"{form}.text").set_value("Ольга: письма не про меня")
    journey.update(open_store(db), barrier, "Игорь", text="Игорь: рассылка слишком частая")  # saved meanwhile
    at.button(key=f"FormSubmitter:{form}-Сохранить").click().run()
    assert ui.plain("Игорь: рассылка слишком частая") in at.error[0].value  # shown as typed (escaped Markdown)
    assert journey.get(open_store(db), barrier.id).text == "Игорь: рассылка слишком частая"  # nothing overwritten
    at.button(key=f"FormSubmitter:{form}-Сохранить").click().run()  # seen it: now a deliberate overwrite
    assert journey.get(open_store(db), barrier.id).text == "Ольга: письма не про меня"
    history = journey.history(open_store(db), barrier.id)
    assert [(c.actor, c.action) for c in history[:2]] == [("Ольга", "update"), ("Игорь", "update")]


def test_delete_goes_to_the_trash_undo_brings_it_back(db):
    at = app("pages/journey.py", me="Ольга")
    idea = demo_journey(db).ideas[0]
    button(at, f"idea.{idea.id}").click().run()
    at.button(key=f"journey.dialog.{idea.id}.delete").click().run()
    assert journey.get(open_store(db), idea.id) is None
    assert [item.id for item in journey.trash(open_store(db), "demo")] == [idea.id]
    assert f"idea.{idea.id}" not in [b.key for b in at.button]
    button(at, "journey.undo").click().run()
    assert journey.get(open_store(db), idea.id) is not None
    assert f"idea.{idea.id}" in [b.key for b in at.button]


def test_a_stage_is_edited_in_its_dialog(db):
    at = app("pages/journey.py", me="Ольга")
    stage = demo_journey(db).stage("receipt")
    button(at, f"stage.{stage.id}").click().run()
    form = f"journey.dialog.{stage.id}"
    at.select_slider(key=f"{form}.emotion").set_value(1)
    at.text_input(key=f"{form}.kpi").set_value("Доставка в интервал, %")
    at.button(key=f"FormSubmitter:{form}-Сохранить").click().run()
    saved = demo_journey(db).stage("receipt")
    assert (saved.emotion, saved.kpi_name) == (1, "Доставка в интервал, %")


def test_a_new_segment_starts_from_an_industry_template(db):
    at = app("pages/journey.py", me="Ольга")
    at.segmented_control(key="journey.segment").set_value("loyal").run()
    assert at.info[0].value == "Путь сегмента «Лояльные» ещё не начат."
    at.selectbox[0].set_value(next(t for t in journey.templates() if t.key == "bank"))
    next(b for b in at.button if b.label == "Начать с шаблона").click().run()
    started = journey.load(open_store(db), "demo", "loyal")
    assert started is not None and len(started.touchpoints) > 0
    assert counts(at).startswith(f"Точек контакта: {len(started.touchpoints)} ")


def test_the_views_show_the_demo_journey(db):
    at = app("pages/journey_views.py", me="Ольга")
    assert at.title[0].value.startswith("Путь клиента")
    tree = demo_journey(db)
    at.segmented_control(key="journey_views.view").set_value("emotion").run()
    curve = chart_data(charts(at)[0])
    assert list(curve["emotion"]) == [s.emotion for s in tree.stages if s.emotion is not None]
    at.segmented_control(key="journey_views.view").set_value("expectations").run()
    met = journey_views.expectations_met(tree)
    assert [m.value for m in at.metric] == [f"{n} из 9" for n in met["met"]]
    matrix = chart_data(charts(at)[0])
    assert matrix["open_barriers"].sum() == journey_views.expectations_matrix(tree)["open_barriers"].sum()
    at.segmented_control(key="journey_views.view").set_value("departments").run()
    cross = at.dataframe[0].value
    assert len(cross) == 16 and cross["Серьёзность"].is_monotonic_decreasing
    assert at.subheader[0].value == "Межкомандные НО-ситуации"
