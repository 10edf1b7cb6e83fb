"""The VoC view (cxcore/voc.py): stage × expectation counts under filters, the comments, corrections that are kept,
suggested barriers with their evidence figures (hand-computed), accepting one, and a barrier's support."""
from __future__ import annotations

from datetime import date

import pytest

from cxcore import access, customer_segments, feedback, ingest, journey, voc, voc_dictionary, workshop
from cxcore.access import Forbidden
from cxcore.errors import ConflictError, VocError
from tests.test_feedback import BASE, write

# text; date; source; rating; customer — placed below by hand: (stage, expectations)
ROWS = [
    ("Курьер опоздал на три часа", "01.06.2024", "Сайт", "1", "C1", "receipt", ["promises", "speed"]),
    ("Доставка шла неделю", "02.06.2024", "Сайт", "2", "C1", "receipt", ["speed"]),
    ("Посылку везли очень долго", "03.06.2024", "Сайт", "1", "C2", "receipt", ["speed"]),
    ("Ждал заказ десять дней", "04.06.2024", "Опрос", "1", "C5", "receipt", ["speed"]),
    ("Медленная доставка, больше не закажу", "05.06.2024", "Опрос", "1", "C9", "receipt", ["speed"]),
    ("Долго везли", "06.06.2024", "Сайт", "2", "", "receipt", ["speed"]),
    ("Привезли быстро, спасибо", "07.06.2024", "Сайт", "5", "C3", "receipt", ["speed"]),
    ("Не дозвониться в поддержку", "08.06.2024", "Сайт", "1", "C4", "service", ["support"]),
    ("Просто отзыв", "09.07.2024", "Опрос", "", "C1", None, []),
]
REVENUE = {"C1": 3000.0, "C2": 1000.0, "C3": 300.0, "C4": 200.0, "C5": 100.0}


@pytest.fixture
def shop(store, tmp_path):
    """A workshop with the tiny base and the comments above, placed as the ROWS say."""
    found = workshop.create(store, "Магазин")
    ingest.load(store, write(tmp_path / "base.csv", BASE), workshop_id=found.id)
    lines = ["Отзыв;Дата;Источник;Оценка;Клиент"] + [";".join(r[:5]) for r in ROWS]
    feedback.load(store, write(tmp_path / "reviews.csv", "\n".join(lines) + "\n"), workshop_id=found.id)
    place_by_hand(store, found.id)
    return found


def place_by_hand(store, workshop_id) -> None:
    with store.write("test") as tx:
        for text, *_, stage, expectations in ROWS:
            tx.execute("UPDATE feedback SET stage = ?, expectations = ? WHERE workshop_id = ? AND text = ?",
                       [stage, expectations, workshop_id, text])


def segment_of(store, workshop_id) -> dict[str, str]:
    return customer_segments.current(store, workshop_id).segment_of()


def test_the_matrix_and_the_stage_totals(store, shop):
    cells = {(c["stage"], c["expectation"]): (c["comments"], c["negative"]) for c in voc.matrix(store, shop.id)}
    assert cells == {("receipt", "promises"): (1, 1), ("receipt", "speed"): (7, 6), ("service", "support"): (1, 1),
                     ("unplaced", "unplaced"): (1, 0)}
    stages = {s["stage"]: (s["comments"], s["negative"], s["positive"]) for s in voc.by_stage(store, shop.id)}
    assert stages["receipt"] == (7, 6, 1) and stages["service"] == (1, 1, 0) and stages["unplaced"] == (1, 0, 0)
    assert stages["need"] == (0, 0, 0)
    assert voc.most_complained(voc.by_stage(store, shop.id))["stage"] == "receipt"
    assert voc.most_complained(voc.by_stage(store, shop.id, voc.Filters(sources=("Нет такого",))))["stage"] == "need"
    totals = voc.totals(store, shop.id)
    assert (totals["comments"], totals["negative"], totals["linked"], totals["writers"], totals["unplaced"]) == (
        9, 7, 7, 5, 1)
    assert totals["sentiments"] == {"negative": 7, "neutral": 0, "positive": 1, "unknown": 1}


def test_filters_by_segment_source_and_period(store, shop):
    seg = segment_of(store, shop.id)
    only_c1 = voc.Filters(segments=(seg["C1"],))
    expected = sum(1 for r in ROWS if r[4] in seg and seg[r[4]] == seg["C1"])
    assert voc.totals(store, shop.id, only_c1)["comments"] == expected
    assert voc.totals(store, shop.id, voc.Filters(sources=("Опрос",)))["comments"] == 3
    june = voc.Filters(start=date(2024, 6, 3), end=date(2024, 6, 30))
    assert voc.totals(store, shop.id, june)["comments"] == 6
    assert voc.sources(store, shop.id) == ["Сайт", "Опрос"]
    assert voc.period(store, shop.id) == (date(2024, 6, 1), date(2024, 7, 9))


def test_the_comments_of_a_cell_newest_first(store, shop):
    listed = voc.comments(store, shop.id, stage="receipt", expectation="speed", sentiment="negative")
    assert [c.text for c in listed] == [r[0] for r in reversed(ROWS[:6])]
    first = listed[-1]
    assert (first.customer_id, first.rating, first.rating_scale, first.segment) == (
        "C1", 1.0, 5, segment_of(store, shop.id)["C1"])
    assert [c.text for c in voc.comments(store, shop.id, stage="unplaced")] == ["Просто отзыв"]


def test_the_evidence_of_a_cluster_is_counted_by_hand(store, shop):
    seg = segment_of(store, shop.id)
    found = {(e.stage, e.expectation): e for e in voc.evidence(store, shop.id)}
    speed = found[("receipt", "speed")]
    # six negative comments; writers of the base: C1 (twice), C2, C5 — C9 is not in the base, one has no id
    assert speed.comments == 6
    assert speed.customers == 3
    assert speed.revenue == REVENUE["C1"] + REVENUE["C2"] + REVENUE["C5"]
    by_segment: dict[str, int] = {}
    for customer in ("C1", "C1", "C2", "C5"):
        by_segment[seg[customer]] = by_segment.get(seg[customer], 0) + 1
    assert speed.segments == by_segment
    assert len(speed.quotes) == 3 and set(speed.quotes) <= {r[0] for r in ROWS[:6]}
    assert (found[("receipt", "promises")].comments, found[("receipt", "promises")].revenue) == (1, 3000.0)
    assert "6" in speed.text("ru") and "3" in speed.text("en")


def test_suggestions_accept_and_support(store, shop):
    suggestions = voc.suggestions(store, shop.id, "at_risk")
    assert [s.key for s in suggestions] == ["receipt/speed"]
    assert suggestions[0].covered_by == ()
    assert voc.suggestions(store, shop.id, "at_risk", min_comments=1)[-1].key in ("receipt/promises", "service/support")

    barrier_id = voc.accept(store, "Ольга", shop.id, suggestions[0], "at_risk", lang="ru")
    tree = journey.load(store, shop.id, "at_risk")
    barrier = next(b for b in tree.barriers if b.id == barrier_id)
    assert (barrier.evidence, barrier.expectations, barrier.author) == ("customers", ("speed",), "Ольга")
    assert barrier.text == "Клиенты недовольны: Скорость операций — этап «Получение»"
    stage = next(s for s in tree.stages if any(b.id == barrier_id for tp in s.touchpoints for b in tp.barriers))
    assert stage.key == "receipt"
    kept = voc.kept_evidence(store, shop.id)[barrier_id]
    assert (kept.comments, kept.customers, kept.revenue) == (6, 3, 4100.0)

    again = voc.suggestions(store, shop.id, "at_risk")
    assert again[0].covered_by == (barrier_id,)
    seg = segment_of(store, shop.id)
    in_segment = sum(1 for r in ROWS[:6] if seg.get(r[4]) == "at_risk")
    assert voc.support(store, shop.id)[barrier_id] == voc.Support(6, in_segment)


def test_accepting_into_a_read_only_room_is_refused(store, shop):
    from cxcore import room

    access.set_pin(store, shop.id, "1234", access.trusted(shop.id))
    boss = access.trusted(shop.id, "Анна")  # a PIN change ends earlier proofs
    room.set_read_only(store, shop.id, True, boss)
    with pytest.raises(Forbidden):
        voc.accept(store, "Ольга", shop.id, voc.suggestions(store, shop.id, "at_risk")[0], "at_risk")
    assert journey.load(store, shop.id, "at_risk") is None


def test_a_correction_is_kept_across_a_reload_and_a_dictionary_edit(store, shop, tmp_path):
    key = store.query_one("SELECT text_key FROM feedback WHERE text = 'Просто отзыв'")[0]
    made = voc.correct(store, "Анна", shop.id, key, "use", ["simplicity", "need"])
    assert (made.stage, made.expectations, made.version) == ("use", ("need", "simplicity"), 1)
    with pytest.raises(ConflictError):
        voc.correct(store, "Анна", shop.id, key, "use", ["need"], expected_version=0)

    lines = ["Отзыв;Дата;Источник;Оценка;Клиент"] + [";".join(r[:5]) for r in ROWS]
    feedback.load(store, write(tmp_path / "reviews.csv", "\n".join(lines) + "\n"), workshop_id=shop.id)
    voc_dictionary.save_word(store, "Анна", shop.id, "отзыв", "recommend", [])
    [comment] = [c for c in voc.comments(store, shop.id) if c.text == "Просто отзыв"]
    assert (comment.stage, comment.expectations, comment.corrected) == ("use", ("need", "simplicity"), True)

    voc.uncorrect(store, "Анна", shop.id, key)
    [comment] = [c for c in voc.comments(store, shop.id) if c.text == "Просто отзыв"]
    assert (comment.stage, comment.corrected) == ("recommend", False)


def test_corrections_are_the_facilitators_and_checked(store, shop):
    key = store.query_one("SELECT text_key FROM feedback WHERE text = 'Просто отзыв'")[0]
    access.set_pin(store, shop.id, "1234", access.trusted(shop.id))
    with pytest.raises(Forbidden):
        voc.correct(store, "Ольга", shop.id, key, "use", [])
    boss = access.trusted(shop.id, "Анна")
    with pytest.raises(VocError):
        voc.correct(store, boss, shop.id, key, "nowhere", [])
    with pytest.raises(VocError):
        voc.correct(store, boss, shop.id, key, "use", ["joy"])
    with pytest.raises(VocError):
        voc.correct(store, boss, shop.id, "no-such-key", "use", [])
