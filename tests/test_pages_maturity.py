"""The maturity pages through AppTest: a participant rates from their browser (saved on every change, "don't
know", re-vote with history), and the room's result on the demo with a previous workshop beside it."""
from __future__ import annotations

from datetime import date

from cxcore import maturity_ratings, workshop
from cxcore.maturity import Rating
from cxcore.store import open_store
from tests.test_pages import app, chart_data, charts, db, fresh_caches, served_mode  # noqa: F401  (fixtures)


def mine(db, name: str) -> dict[int, int | None]:
    return {r.practice: r.score for r in maturity_ratings.ratings(open_store(db), "demo") if r.respondent == name}


def test_a_participant_rates_and_every_answer_is_saved_at_once(db):
    at = app("pages/maturity_rate.py", me="Пётр Иванов")
    assert at.title[0].value == "Оцените 20 практик клиентского опыта"
    at.segmented_control(key="maturity.rate.1").set_value(4).run()
    assert mine(db, "Пётр Иванов") == {1: 4}
    at.segmented_control(key="maturity.rate.19").set_value(0).run()  # don't know
    assert mine(db, "Пётр Иванов") == {1: 4, 19: None}
    assert at.get("progress")[0].proto.text == "Вы ответили на 2 из 20"
    at.segmented_control(key="maturity.rate.1").set_value(2).run()  # a re-vote after the discussion
    assert mine(db, "Пётр Иванов")[1] == 2
    changes = maturity_ratings.history(open_store(db), "demo", "Пётр Иванов", 1)
    assert [(c.old_score, c.new_score) for c in changes] == [(4, 2), (None, 4)]


def test_without_a_name_nothing_can_be_rated(db):
    at = app("pages/maturity_rate.py")
    assert at.text_input[0].label.startswith("Как вас зовут?")
    assert not [w for w in at.segmented_control if str(w.key).startswith("maturity.rate.")]


def test_the_room_result_on_the_demo(db):
    at = app("pages/maturity.py")
    assert at.metric[0].value == "15,82 из 30" and at.metric[0].delta == "Инициирование"
    spread = at.dataframe[1].value  # [0] who finished, [1] where the room disagrees
    assert spread.iloc[0, 0].startswith("19. ") and spread.iloc[0, 1] == "1–5"
    finished = at.dataframe[0].value
    assert len(finished) == 8 and finished.iloc[:, 2].all()
    bars, answers = chart_data(charts(at)[1], "score"), chart_data(charts(at)[2], "answer")
    assert [round(v, 2) for v in bars["score"]] == [2.76, 2.42, 2.71, 2.91, 2.65, 2.38]
    assert len(answers) == 160 and (answers["answer"] == "?").sum() == 6
    candidates = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert candidates[0] == "- Усилить компетенцию «Инновации»: сейчас 2,38 из 5"
    assert "У этого клиента нет более раннего воркшопа" in " ".join(c.value for c in at.caption)


def test_the_clients_previous_workshop_is_shown_side_by_side(db):
    store = open_store(db)
    with store.write("t") as tx:
        earlier = workshop.insert(tx, "весна", client="Дом и Техника", held_on=date(2025, 6, 1))
    maturity_ratings.replace_ratings(store, earlier.id, [Rating("Анна", n, 2) for n in range(1, 21)], "t")
    at = app("pages/maturity.py")
    sides = chart_data(charts(at)[3], "when")
    assert set(sides["when"]) == {"Сейчас (08.12.2025)", "Прошлый раз (01.06.2025)"}
    assert sides[sides["when"].str.startswith("Прошлый")]["score"].tolist() == [2.0] * 6
    assert "Итог изменился на 3,82 по шкале 6–30." in [c.value for c in at.caption]
