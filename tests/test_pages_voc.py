"""The voice-of-the-customer page through AppTest, on the demo workshop (about 2,000 comments linked to its
customers): the figures, the filters, a cell's comments, a correction, accepting a suggestion, the dictionary, a
load with rejects, and the support shown on the journey board."""
from __future__ import annotations

from cxcore import demo, feedback, journey, voc
from cxcore.store import open_store
from tests.test_pages import app, db, fresh_caches, metrics, served_mode  # noqa: F401 - fixtures

PAGE = "pages/voc.py"


def plain_number(text: str) -> int:
    return int("".join(ch for ch in text if ch.isdigit()))


def demo_figures(db_path):
    store = open_store(db_path)  # the app's own store (one per file per process): never closed here
    return voc.totals(store, demo.DEMO_ID), voc.by_stage(store, demo.DEMO_ID)


def test_the_page_shows_the_demo_feedback_in_figures_and_charts(db):
    totals, stages = demo_figures(db)
    assert totals["comments"] > 1500
    at = app(PAGE, "en")
    shown = metrics(at)
    assert plain_number(shown["Comments"]) == totals["comments"]
    assert shown["Share negative"].endswith("%")
    assert len(at.get("vega_lite_chart")) >= 2  # the heat map and the chart of the chosen stage
    worst = max((s for s in stages if s["stage"] != "unplaced"), key=lambda s: (s["negative"], s["comments"]))
    assert at.segmented_control(key="voc.stage").value == worst["stage"]
    assert at.dataframe[0].value.shape[0] == min(300, worst["comments"])


def test_filters_narrow_the_figures(db):
    at = app(PAGE, "en")
    at.multiselect(key="voc.segments").set_value(["champions"]).run()
    store = open_store(db)
    expected = voc.totals(store, demo.DEMO_ID, voc.Filters(segments=("champions",)))["comments"]
    assert plain_number(metrics(at)["Comments"]) == expected
    at.segmented_control(key="voc.stage").set_value("use").run()
    assert not at.exception
    assert at.dataframe[0].value.shape[0] == min(300, len(at.dataframe[0].value))


def test_a_selected_comment_is_explained_and_corrected(db):
    at = app(PAGE)  # in Russian: a select box set in the test formats its options in the default language
    at.segmented_control(key="voc.stage").set_value("receipt").run()
    at.session_state["voc.table.receipt.None.None"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception
    assert any(c.value.startswith("Найденные слова словаря:") for c in at.caption)
    first = at.dataframe[0].value.iloc[0]
    listed = voc.comments(open_store(db), demo.DEMO_ID, stage="receipt", limit=1)
    at.session_state[f"voc.fix.{listed[0].text_key}.stage"] = "service"
    next(b for b in at.button if b.label == "Поправить").click().run()
    assert not at.exception, at.exception
    store = open_store(db)
    corrected = store.query("SELECT stage FROM feedback_corrections WHERE deleted_at IS NULL")
    assert corrected == [("service",)]
    assert first.iloc[0]  # the comment's text was listed


def test_accepting_a_suggestion_puts_a_barrier_with_evidence_on_the_journey(db):
    store = open_store(db)
    wanted = next(s for s in voc.suggestions(store, demo.DEMO_ID, "at_risk") if not s.covered_by)
    before = len(journey.load(store, demo.DEMO_ID, "at_risk").barriers)
    at = app(PAGE, "ru", me="Ольга")
    assert any(m.value.startswith("**") for m in at.markdown)
    at.button(key=f"voc.accept.at_risk.{wanted.key}").click().run()
    assert not at.exception, at.exception
    store = open_store(db)
    tree = journey.load(store, demo.DEMO_ID, "at_risk")
    kept = voc.kept_evidence(store, demo.DEMO_ID)
    assert len(tree.barriers) == before + 1
    made = next(b for b in tree.barriers if b.id in kept and kept[b.id].expectation == wanted.evidence.expectation
                and kept[b.id].stage == wanted.evidence.stage)
    assert made.evidence == "customers"
    assert kept[made.id].comments == wanted.evidence.comments

    board = app("pages/journey.py", "ru", me="Ольга")
    assert any(c.value.startswith(":material/forum: отзывов: ") for c in board.caption)


def test_a_participant_sees_the_figures_but_no_upload_and_no_correction(db):
    from cxcore import access

    store = open_store(db)
    access.set_pin(store, demo.DEMO_ID, "2468", access.trusted(demo.DEMO_ID))
    at = app(PAGE, "en", me="Игорь")
    assert not at.get("file_uploader")
    assert any(t.label == "PIN" or "PIN" in t.label for t in at.text_input)
    assert metrics(at)["Comments"]


def test_the_facilitator_adds_a_dictionary_word_and_comments_move(db):
    at = app(PAGE)
    before = demo_figures(db)[0]["unplaced"]
    store = open_store(db)
    unplaced = voc.comments(store, demo.DEMO_ID, stage="unplaced", limit=5000)
    assert unplaced, "the demo has comments no stage word catches"
    word = next(w for w in unplaced[0].text.lower().replace("ё", "е").split() if len(w) >= 5 and w.isalpha())
    at.text_input(key="voc.word.stem").input(word[:5])
    at.session_state["voc.word.stage"] = "use"  # a select box's formatted options are not for the test to map
    next(b for b in at.button if b.label == "Сохранить слово").click().run()
    assert not at.exception, at.exception
    assert demo_figures(db)[0]["unplaced"] < before


def test_a_feedback_upload_reports_rejects_by_row(db, tmp_path):
    store = open_store(db)
    path = tmp_path / "survey.csv"
    path.write_text("Отзыв;Оценка\nДоставка опоздала;1\n;3\nВсё хорошо;ура\n", "utf-8")
    report = feedback.load(store, path, workshop_id=demo.DEMO_ID, actor="demo")
    assert [(r.row, r.reason) for r in report.rejects] == [(3, "no_text"), (4, "bad_rating")]
    at = app(PAGE, "en")
    assert any("survey\\.csv" in m.value for m in at.markdown)
