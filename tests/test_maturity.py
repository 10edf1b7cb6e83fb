"""CX maturity: the model, scoring as METHOD.md says (every stage bound, exactly), unrated practices, spread, many
respondents rating at once, re-votes with history, progress, the previous workshop, roadmap candidates, the
views' data, and the demo's ratings."""
from __future__ import annotations

import threading
from datetime import date
from fractions import Fraction

import pytest

from cxcore import maturity, maturity_model, maturity_ratings as mr, workshop
from cxcore.errors import MaturityError, NotFound
from cxcore.i18n import STRINGS
from cxcore.maturity import Rating, roadmap_candidates, score, widest_spread
from cxcore.maturity_model import COMPETENCIES, PRACTICES, STAGES, practices_of, stage_of
from cxcore.store import Store, open_store

PROFILE_15 = {"lead": 3, "realize": 2, "activate": 3, "enlighten": 2, "respond": 3, "disrupt": 2}


def sheet(name: str, by_competency: dict[str, int], **by_practice: int | None) -> list[Rating]:
    """One respondent's 20 answers: every practice of a competency at its value, `p7=None` etc. overriding."""
    overrides = {int(k[1:]): v for k, v in by_practice.items()}
    return [Rating(name, p.number, overrides.get(p.number, by_competency[p.competency])) for p in PRACTICES]


def everyone(n: int, profile: dict[str, int]) -> list[Rating]:
    return [r for i in range(n) for r in sheet(f"R{i}", profile)]


# -- the model ------------------------------------------------------------------------------------------------
def test_the_model_has_20_practices_in_the_six_competencies_of_method_md() -> None:
    assert [p.number for p in PRACTICES] == list(range(1, 21))
    assert {c: [p.number for p in practices_of(c)] for c in COMPETENCIES} == {
        "lead": [1, 2, 3], "realize": [4, 5, 6], "activate": [7, 8, 9], "enlighten": [10, 11, 12, 13],
        "respond": [14, 15, 16, 17], "disrupt": [18, 19, 20]}
    for p in PRACTICES:
        for lang in ("ru", "en"):
            assert p.name(lang) and p.never(lang) and p.always(lang)
    assert PRACTICES[10].name("en") == "Get timely signals from customers"
    assert PRACTICES[10].looks_like("en").startswith("1 never: a problem is found out after the customer has left. "
                                                     "5 always: signals arrive within days")
    assert PRACTICES[0].name("ru") == "Единое понятное видение клиентского опыта"


def test_names_meanings_and_next_steps_exist_in_both_languages() -> None:
    keys = [f"maturity.competency.{c}" for c in COMPETENCIES] + [
        f"maturity.stage.{s}{part}" for s in STAGES for part in ("", ".meaning", ".next")] + [
        f"maturity.scale.{s}" for s in maturity_model.SCALE]
    assert all(k in STRINGS for k in keys)
    assert maturity_model.competency_name("enlighten", "ru") == "Реагирование"
    assert maturity_model.stage_name("embed", "ru") == "Интеграция"
    assert maturity_model.stage_meaning("mobilize", "en").startswith("CX is a strategic priority; there are full-time")
    assert "top management" in maturity_model.stage_next_steps("investigate", "en")
    assert [maturity_model.scale_name(s, "ru") for s in (1, 5)] == ["Никогда", "Всегда"]


# -- the stage bounds -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("total, stage", [
    (6, "investigate"), (Fraction("14.99"), "investigate"), (Fraction(15) - Fraction(1, 10**12), "investigate"),
    (15, "initiate"), (Fraction("18.99"), "initiate"), (19, "mobilize"), (Fraction("22.99"), "mobilize"),
    (23, "scale"), (Fraction("26.99"), "scale"), (27, "embed"), (30, "embed"),
    (14.99, "investigate"), (15.0, "initiate"), (26.999999999999996, "scale"), (27.0, "embed"),
])
def test_a_stage_is_reached_only_at_its_lower_bound(total, stage) -> None:
    assert stage_of(total) == stage


def test_no_total_no_stage_and_the_bands() -> None:
    assert stage_of(None) is None
    assert [maturity_model.stage_range(s) for s in STAGES] == [(6, 15), (15, 19), (19, 23), (23, 27), (27, 30)]


PROFILES = {  # competency averages whose sum is exactly a stage's lower bound
    15: PROFILE_15,
    19: {"lead": 4, "realize": 3, "activate": 3, "enlighten": 3, "respond": 3, "disrupt": 3},
    23: {"lead": 4, "realize": 4, "activate": 4, "enlighten": 4, "respond": 4, "disrupt": 3},
    27: {"lead": 5, "realize": 5, "activate": 5, "enlighten": 4, "respond": 4, "disrupt": 4},
}


@pytest.mark.parametrize("bound, below, at", [(15, "investigate", "initiate"), (19, "initiate", "mobilize"),
                                              (23, "mobilize", "scale"), (27, "scale", "embed")])
def test_end_to_end_a_total_just_below_a_bound_stays_in_the_stage_before(bound, below, at) -> None:
    """25 respondents: one of them rating one enlighten practice a point lower takes the practice's mean down by
    1/25 and the competency's (4 practices) by 1/100, so the total is bound − 0.01, exactly."""
    profile = PROFILES[bound]
    exact = score(everyone(25, profile))
    assert (exact.total, exact.stage) == (float(bound), at)
    lower = everyone(24, profile) + sheet("R24", profile, p10=profile["enlighten"] - 1)
    result = score(lower)
    assert result.exact_total == bound - Fraction(1, 100)
    assert result.total == bound - 0.01 and result.stage == below
    assert result.practice(10).score == profile["enlighten"] - 0.04
    assert result.competency("enlighten").score == profile["enlighten"] - 0.01


def test_the_stage_is_chosen_from_the_exact_total_not_a_float_sum() -> None:
    """Adding these six averages as floats gives 14.999999999999998; the total is 15: Initiate."""
    answers = sheet("Анна", {"lead": 4, "realize": 3, "activate": 2, "enlighten": 2, "respond": 2, "disrupt": 3},
                    p6=2, p9=1, p10=3, p17=1, p20=2)
    naive = 0.0
    for c in COMPETENCIES:
        naive += sum(a.score for a in answers if maturity_model.BY_NUMBER[a.practice].competency == c) / len(
            practices_of(c))
    assert naive < 15
    result = score(answers)
    assert (result.exact_total, result.total, result.stage) == (15, 15.0, "initiate")


# -- scoring ----------------------------------------------------------------------------------------------------
def test_one_respondent_scores_are_their_ratings() -> None:
    result = score(sheet("Анна", PROFILE_15, p1=5, p2=1))
    assert result.practice(1).score == 5.0 and result.practice(2).score == 1.0
    assert result.competency("lead").score == 3.0  # (5 + 1 + 3) / 3
    assert result.total == 15.0 and result.stage == "initiate" and result.respondents == ("Анна",)
    assert {(p.std, p.range) for p in result.practices} == {(0.0, 0)}
    assert widest_spread(result) == []


def test_many_respondents_practice_mean_competency_mean_total_sum() -> None:
    answers = (sheet("Анна", PROFILE_15, p4=1, p11=5) + sheet("Борис", PROFILE_15, p4=2, p11=1)
               + sheet("Вера", PROFILE_15, p4=4, p11=None))
    result = score(answers)
    assert result.practice(4).score == 7 / 3 and result.practice(4).rated == 3
    assert result.practice(11).score == 3.0 and (result.practice(11).rated, result.practice(11).unknown) == (2, 1)
    assert result.competency("realize").exact == Fraction(7, 3 * 3) + Fraction(4, 3)  # (7/3 + 2 + 2) / 3
    assert result.competency("enlighten").score == 2.25  # (2 + 3 + 2 + 2) / 4
    assert result.exact_total == 3 + Fraction(7, 9) + Fraction(4, 3) + 3 + Fraction(9, 4) + 3 + 2
    assert result.respondents == ("Анна", "Борис", "Вера")


def test_spread_is_min_max_and_population_std_and_the_widest_come_first() -> None:
    answers = (sheet("Анна", PROFILE_15, p4=1, p11=5, p19=2) + sheet("Борис", PROFILE_15, p4=2, p11=1, p19=4)
               + sheet("Вера", PROFILE_15, p4=3, p11=None, p19=3))
    result = score(answers)
    p11 = result.practice(11)
    assert (p11.min, p11.max, p11.range, p11.std) == (1, 5, 4, 2.0)  # population: √((2² + 2²) / 2); sample: 2.83
    p4 = result.practice(4)
    assert (p4.min, p4.max) == (1, 3) and p4.std == pytest.approx((2 / 3) ** 0.5, abs=1e-15)
    assert [p.practice for p in widest_spread(result)] == [11, 4, 19]  # 19: same std as 4, same range: by number
    assert [p.practice for p in widest_spread(result, limit=1)] == [11]


def test_dont_know_and_unrated_practices_and_a_competency_nobody_rated() -> None:
    answers = [Rating("Анна", 1, 4), Rating("Анна", 2, None), Rating("Борис", 2, None), Rating("Борис", 1, 2)]
    result = score(answers)
    assert result.practice(1).score == 3.0 and result.practice(2).score is None
    assert (result.practice(2).rated, result.practice(2).unknown, result.practice(2).std) == (0, 2, None)
    assert result.competency("lead").score == 3.0 and result.competency("lead").rated_practices == 1
    assert result.missing == ("realize", "activate", "enlighten", "respond", "disrupt")
    assert (result.total, result.stage, result.complete) == (None, None, False)
    assert result.unrated == tuple(range(2, 21))
    empty = score([])
    assert (empty.total, empty.stage, empty.respondents, len(empty.practices)) == (None, None, (), 20)


def test_names_mean_the_same_respondent_across_case_and_spaces_and_a_later_answer_wins() -> None:
    result = score([Rating("Анна  Петрова", 1, 2), Rating(" анна петрова ", 1, 5)])
    assert result.respondents == ("Анна Петрова",) and result.practice(1).score == 5.0


def test_bad_ratings_are_refused() -> None:
    with pytest.raises(ValueError):
        score([Rating("Анна", 21, 3)])
    with pytest.raises(ValueError):
        score([Rating("Анна", 1, 6)])


def test_to_json_is_the_cli_shape() -> None:
    doc = score(everyone(2, PROFILE_15)).to_json()
    assert doc == {"practices": {str(n): float(PROFILE_15[maturity_model.BY_NUMBER[n].competency]) for n in
                                 range(1, 21)},
                   "competencies": {k: float(v) for k, v in PROFILE_15.items()}, "total": 15.0,
                   "stage": "initiate", "respondents": 2}


def test_scores_are_shown_with_two_decimals_half_up() -> None:
    assert maturity.fmt_score(2.125, "ru") == "2,13" and maturity.fmt_score(2.125, "en") == "2.13"
    assert maturity.fmt_score(7 / 3, "en") == "2.33" and maturity.fmt_score(Fraction(107, 40), "en") == "2.68"
    assert maturity.fmt_score(14.99, "en") == "14.99" and maturity.fmt_score(None, "ru") == "—"


# -- roadmap candidates -----------------------------------------------------------------------------------------
def test_the_two_weakest_competencies_and_every_practice_below_2_5_are_candidates() -> None:
    profile = {"lead": 3, "realize": 2, "activate": 4, "enlighten": 3, "respond": 3, "disrupt": 2}
    answers = sheet("Анна", profile, p6=3, p7=2, p11=3) + sheet("Борис", profile, p6=3, p7=3, p11=2)
    result = score(answers)  # realize 7/3, disrupt 2; p7 2.5 (not below), p11 2.5, p4 p5 p18 p19 p20 at 2
    found = roadmap_candidates(result, "ru")
    assert [(c.kind, c.key, c.score) for c in found] == [
        ("competency", "disrupt", 2.0), ("competency", "realize", 7 / 3),
        ("practice", "4", 2.0), ("practice", "5", 2.0), ("practice", "18", 2.0), ("practice", "19", 2.0),
        ("practice", "20", 2.0)]
    assert found[1].text == "Усилить компетенцию «Планирование»: сейчас 2,33 из 5"
    assert found[2].text == ("Практика 4 «Прогноз бизнес-эффекта инициатив CX»: сейчас 2,00 из 5 — "
                             "сделать её регулярной")
    assert roadmap_candidates(result, "en")[0].text == "Strengthen the competency “Disrupt”: now 2.00 of 5"
    assert {c.owner for c in found} == {""}


def test_candidates_of_a_strong_room_are_just_the_two_weakest_competencies() -> None:
    result = score(everyone(1, PROFILES[27]))
    assert [(c.kind, c.key) for c in roadmap_candidates(result, "en")] == [("competency", "enlighten"),
                                                                         ("competency", "respond")]
    assert roadmap_candidates(score([]), "en") == []


# -- the views' data --------------------------------------------------------------------------------------------
def test_frames_and_bands_for_the_page() -> None:
    answers = sheet("Анна", PROFILE_15, p2=None) + [Rating("Борис", 1, 5)]
    result = score(answers)
    bars = maturity.competency_frame(result, "en")
    assert bars.to_dict("list") == {"key": list(COMPETENCIES), "name": ["Lead", "Realize", "Activate", "Enlighten",
                                                                        "Respond", "Disrupt"],
                                    "score": [3.5, 2.0, 3.0, 2.0, 3.0, 2.0], "rated_practices": [2, 3, 3, 4, 4, 3]}
    grid = maturity.matrix(answers, ["Вера", "Анна"])
    assert list(grid.columns) == ["Вера", "Анна", "Борис"] and list(grid.index) == list(range(1, 21))
    assert grid.loc[1].tolist()[1:] == [3, 5] and grid["Вера"].isna().all() and grid["Анна"].isna().sum() == 1
    assert str(grid.dtypes.iloc[0]) == "Int64"
    assert maturity.matrix(answers, unknown="?").loc[2, "Анна"] == "?"
    table = maturity.practice_frame(result, "ru")
    assert table.loc[0, ["practice", "competency", "score", "rated", "min", "max"]].tolist() == [1, "lead", 4.0, 2, 3,
                                                                                                   5]
    total_bands = maturity.stage_bands("en")
    assert [(b.stage, b.name, b.low, b.high) for b in total_bands][:2] == [("investigate", "Investigate", 6, 15),
                                                                           ("initiate", "Initiate", 15, 19)]
    assert [b.low for b in maturity.stage_bands("ru", per_competency=True)] == [1.0, 2.5, 19 / 6, 23 / 6, 4.5]


# -- ratings in a workshop --------------------------------------------------------------------------------------
@pytest.fixture
def room(store: Store) -> tuple[Store, str]:
    return store, workshop.create(store, "CJM", client="Дом и Техника", held_on=date(2025, 12, 8)).id


def test_answers_are_saved_as_given_and_progress_shows_who_has_finished(room) -> None:
    store, wid = room
    assert mr.join(store, wid, "  Вера   Иванова ") == "Вера Иванова"
    for p in range(1, 21):
        mr.rate(store, wid, "Анна Петрова", p, None if p in (3, 4) else 3)
    mr.rate(store, wid, "Борис", 1, 2)
    mr.rate(store, wid, "борис", 2, None)  # the same Борис
    assert [(p.respondent, p.rated, p.unknown, p.unanswered, p.finished) for p in mr.progress(store, wid)] == [
        ("Вера Иванова", 0, 0, 20, False), ("Анна Петрова", 18, 2, 0, True), ("Борис", 1, 1, 18, False)]
    assert mr.respondents(store, wid) == ["Вера Иванова", "Анна Петрова", "Борис"]
    assert mr.ratings(store, wid)[-2:] == [Rating("Борис", 1, 2), Rating("Борис", 2, None)]
    result = mr.result(store, wid)
    assert result.practice(1).score == 2.5 and result.practice(3).score is None and result.practice(3).unknown == 1
    assert result.total == 3 + 3 + 3 + 3 + 3 + 3 - 0.5 / 2 and result.respondents == ("Анна Петрова", "Борис")
    # the same answer again changes nothing; clearing makes the practice unanswered again
    before = mr.stamp(store, wid)
    mr.rate(store, wid, "Борис", 1, 2)
    assert mr.stamp(store, wid) == before
    mr.clear(store, wid, "Борис", 2)
    assert mr.stamp(store, wid) > before
    assert [(p.rated, p.unknown) for p in mr.progress(store, wid)][2] == (1, 0)


def test_a_revote_replaces_the_rating_and_the_change_log_keeps_the_old_one(room) -> None:
    store, wid = room
    mr.rate(store, wid, "Анна", 11, 5)
    mr.rate(store, wid, "Борис", 11, 1)
    assert mr.result(store, wid).practice(11).std == 2.0
    mr.rate(store, wid, "анна", 11, 3)  # after the discussion
    mr.rate(store, wid, "Анна", 11, None)
    assert mr.ratings(store, wid) == [Rating("Анна", 11, None), Rating("Борис", 11, 1)]
    assert [(c.action, c.old_score, c.new_score, c.version, c.actor) for c in mr.history(store, wid, "АННА", 11)] == [
        ("update", 3, None, 3, "Анна"), ("update", 5, 3, 2, "Анна"), ("create", None, 5, 1, "Анна")]
    logged = store.query("SELECT old_value->>'score', new_value->>'score' FROM change_log "
                         "WHERE entity = 'maturity_ratings' AND action = 'update' ORDER BY id")
    assert logged == [("5", "3"), ("3", None)]
    assert store.query_one("SELECT count(*) FROM maturity_ratings") == (2,)  # one row per answer, versioned
    assert [c.practice for c in mr.history(store, wid, practice=11)] == [11] * 4


def test_wrong_answers_are_refused_with_a_message(room) -> None:
    store, wid = room
    for args, key in [(("Анна", 21, 3), "maturity.bad_practice"), (("Анна", 1, 6), "maturity.bad_score"),
                      (("Анна", 1, True), "maturity.bad_score"), (("Анна", 1, 2.5), "maturity.bad_score"),
                      ((" ", 1, 3), "maturity.no_respondent")]:
        with pytest.raises(MaturityError) as error:
            mr.rate(store, wid, *args)
        assert error.value.key == key
    assert str(MaturityError("maturity.bad_score", value="6")) == \
        "Score 6: must be 1–5, or empty (don't know)."
    with pytest.raises(NotFound):
        mr.rate(store, "nowhere", "Анна", 1, 3)
    assert mr.ratings(store, wid) == [] and mr.progress(store, wid) == []


def test_many_respondents_rate_at_once_from_their_own_browsers(room) -> None:
    store, wid = room
    names = [f"Участник {i}" for i in range(8)]

    def rate_all(name: str) -> None:
        for p in range(1, 21):
            mr.rate(store, wid, name, p, 1 + (p + len(name)) % 5)

    threads = [threading.Thread(target=rate_all, args=(n,)) for n in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(p.respondent for p in mr.progress(store, wid) if p.finished) == sorted(names)
    assert len(mr.ratings(store, wid)) == 160


def test_a_removed_respondent_no_longer_counts(room) -> None:
    store, wid = room
    mr.rate(store, wid, "Анна", 1, 4)
    mr.rate(store, wid, "Опечатка", 1, 1)
    mr.remove_respondent(store, wid, "опечатка", "фасилитатор")
    assert mr.respondents(store, wid) == ["Анна"] and mr.result(store, wid).practice(1).score == 4.0
    with pytest.raises(MaturityError):
        mr.remove_respondent(store, wid, "Опечатка", "фасилитатор")


def test_replace_ratings_sets_the_sheets_of_the_respondents_named_only(room) -> None:
    store, wid = room
    mr.rate(store, wid, "Вера", 1, 5)
    mr.rate(store, wid, "Анна", 1, 2)
    mr.rate(store, wid, "Анна", 2, 2)
    summary = mr.replace_ratings(store, wid, [Rating("анна", 1, 4), Rating("Анна", 3, None), Rating("Борис", 1, 3)],
                                 "cli")
    assert summary.to_json() == {"respondents": 2, "answers": 3, "created": 2, "updated": 1, "unchanged": 0,
                                 "cleared": 1}
    assert mr.ratings(store, wid) == [Rating("Вера", 1, 5), Rating("Анна", 1, 4), Rating("Анна", 3, None),
                                      Rating("Борис", 1, 3)]
    assert [(c.action, c.old_score, c.new_score) for c in mr.history(store, wid, "Анна", 1)] == [
        ("update", 2, 4), ("create", None, 2)]
    again = mr.replace_ratings(store, wid, [Rating("Анна", 1, 4), Rating("Анна", 3, None)], "cli")
    assert (again.unchanged, again.created, again.updated, again.cleared) == (2, 0, 0, 0)


# -- against the last workshop ----------------------------------------------------------------------------------
def test_the_previous_workshop_is_the_same_clients_latest_earlier_one_with_a_result(store: Store) -> None:
    def held(name: str, client: str, day: date, profile: dict[str, int] | None) -> str:
        wid = workshop.create(store, name, client=client, held_on=day).id
        if profile:
            mr.replace_ratings(store, wid, everyone(2, profile), "test")
        return wid

    older = held("Весна 2024", "Дом и Техника", date(2024, 5, 20), PROFILES[27])
    spring = held("Весна 2025", "дом и техника ", date(2025, 5, 20), PROFILES[19])
    held("Лето 2025 (без оценки)", "Дом и Техника", date(2025, 7, 1), None)
    held("Партнёр", "Другой клиент", date(2025, 10, 1), PROFILES[23])
    held("Весна 2026", "Дом и Техника", date(2026, 5, 20), PROFILES[23])
    now = held("Зима 2025", "Дом и Техника", date(2025, 12, 8), PROFILE_15)
    assert mr.previous_workshop(store, now).id == spring
    assert mr.previous_workshop(store, spring).id == older
    assert mr.previous_workshop(store, older) is None
    both = mr.compare(store, now)
    assert (both.previous_workshop.name, both.current.total, both.previous.total) == ("Весна 2025", 15.0, 19.0)
    assert [(d.key, d.current, d.previous, d.change) for d in both.competencies] == [
        ("lead", 3, 4, -1), ("realize", 2, 3, -1), ("activate", 3, 3, 0), ("enlighten", 2, 3, -1),
        ("respond", 3, 3, 0), ("disrupt", 2, 3, -1)]
    assert both.total_change == -4.0
    assert mr.compare(store, older) is None


def test_no_previous_workshop_without_a_client_or_a_date(store: Store) -> None:
    early = workshop.create(store, "A", client="", held_on=date(2024, 1, 1)).id
    mr.replace_ratings(store, early, everyone(1, PROFILE_15), "test")
    assert mr.previous_workshop(store, workshop.create(store, "B", client="", held_on=date(2025, 1, 1)).id) is None
    undated = workshop.create(store, "C", client="X").id
    assert mr.previous_workshop(store, undated) is None


# -- the demo ---------------------------------------------------------------------------------------------------
def test_the_demo_room_rated_every_practice_and_lands_in_initiate(demo_db) -> None:
    store = open_store(demo_db)
    try:
        result = mr.result(store, "demo")
        progress = mr.progress(store, "demo")
        candidates = roadmap_candidates(result, "ru")
    finally:
        store.close()
    assert len(progress) == 8 and all(p.finished for p in progress)
    assert progress[0].respondent == "Ольга Кузнецова" and sum(p.unknown for p in progress) == 6
    assert {c.key: round(c.score, 4) for c in result.competencies} == {
        "lead": 2.756, "realize": 2.4226, "activate": 2.7083, "enlighten": 2.9062, "respond": 2.6473,
        "disrupt": 2.375}
    assert result.exact_total == Fraction(2657, 168) and result.stage == "initiate"
    assert [(p.practice, p.min, p.max) for p in widest_spread(result, 3)] == [(19, 1, 5), (11, 1, 5), (14, 1, 4)]
    assert [c.key for c in candidates] == ["disrupt", "realize", "5", "20", "4", "8", "17", "18"]
