"""The roadmap and business-case pages through AppTest on the demo: the quadrant chart and reach, an idea and a
maturity gap into the roadmap, an item's versioned form, a KPI value, the case's lines, the 50/50 warning."""
from __future__ import annotations

from datetime import date

from cxcore import maturity, maturity_ratings, roadmap
from cxcore.store import open_store
from tests.test_pages import app, chart_data, charts, db, fresh_caches, served_mode  # noqa: F401  (fixtures)


def test_ideas_on_the_quadrant_and_one_into_the_roadmap(db):
    store = open_store(db)
    at = app("pages/roadmap.py", me="Ольга")
    ranked = roadmap.ranked_ideas(store, "demo")
    points = chart_data(charts(at)[0], "idea")
    assert len(points) == len(ranked) == 39
    assert set(points["quadrant"]) == {"Быстрая победа", "Крупная ставка", "Мелкое улучшение", "Пожиратель времени"}
    ideas = at.dataframe[0].value
    assert list(ideas.iloc[:, 3]) == [r.reach.text("ru") for r in ranked]  # reach in money from the data
    assert "₽" in ideas.iloc[0, 3]
    before = len(roadmap.items(store, "demo"))
    waiting = at.selectbox(key="roadmap.pick_idea").options
    at.button(key="roadmap.from_idea").click().run()
    after = roadmap.items(open_store(db), "demo")
    assert len(after) == before + 1
    made = next(i for i in after if i.title == waiting[0])
    assert made.source == "idea" and made.quadrant is not None and made.author == "Ольга"


def test_a_maturity_gap_into_the_roadmap(db):
    at = app("pages/roadmap.py", me="Ольга")
    result = maturity_ratings.result(open_store(db), "demo")
    taken = {i.candidate for i in roadmap.items(open_store(db), "demo")}
    first = next(c for c in maturity.roadmap_candidates(result, "ru") if f"{c.kind}:{c.key}" not in taken)
    at.button(key=f"roadmap.candidate.{first.kind}.{first.key}").click().run()
    assert any(i.candidate == f"{first.kind}:{first.key}" and i.source == "maturity"
               for i in roadmap.items(open_store(db), "demo"))


def test_an_item_is_completed_in_its_form_and_a_kpi_value_added(db):
    at = app("pages/roadmap.py", me="Ольга")
    incomplete = next(i for i in roadmap.items(open_store(db), "demo") if i.incomplete)
    at.selectbox(key="roadmap.open_item").set_value(incomplete).run()
    form = f"roadmap.item.{incomplete.id}"
    at.text_input(key=f"{form}.owner").set_value("Игорь Лебедев")
    at.selectbox(key=f"{form}.department").set_value("sales")
    at.text_input(key=f"{form}.kpi_name").set_value("Жалобы в месяц")
    at.number_input(key=f"{form}.kpi_target").set_value(10.0)
    at.date_input(key=f"{form}.review_on").set_value(date(2026, 2, 1))
    at.button(key=f"FormSubmitter:{form}-Сохранить").click().run()
    assert not at.error
    saved = roadmap.get_item(open_store(db), incomplete.id)
    assert (saved.owner, saved.department, saved.review_on) == ("Игорь Лебедев", "sales", date(2026, 2, 1))
    assert not saved.incomplete and saved.version == incomplete.version + 1


def test_business_case_lines_and_the_golden_rule_warning(db):
    at = app("pages/business.py")
    case = roadmap.business_case(open_store(db), "demo", "ru")
    table = at.dataframe[0].value
    assert list(table["Показатель"]) == [line.label for line in case.lines]
    assert all(table["Как посчитано"].str.len() > 0)
    assert at.metric[0].value == case.line("revenue_at_risk").shown
    breaking = [p for p in roadmap.policies(open_store(db), "demo") if p.breaks_golden_rule]
    assert breaking and any("50" in w.value for w in at.warning)
