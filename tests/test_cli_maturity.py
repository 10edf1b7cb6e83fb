"""`python -m cxcore maturity score|import`: ratings files through the command line (exact JSON, one-line errors,
nothing on stdout then), the effect of an import checked through the library."""
from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from cxcore import maturity_ratings as mr, workshop
from cxcore.maturity import Rating
from cxcore.store import PROJECT_DIR, open_store
from tests.conftest import run_cli

DEMO_RATINGS = PROJECT_DIR / "data" / "maturity_demo.csv"
LEVEL = {"lead": 3, "realize": 2, "activate": 3, "enlighten": 2, "respond": 3, "disrupt": 2}  # total 15
COMPETENCY = {n: c for c, ns in {"lead": (1, 2, 3), "realize": (4, 5, 6), "activate": (7, 8, 9),
                                 "enlighten": (10, 11, 12, 13), "respond": (14, 15, 16, 17),
                                 "disrupt": (18, 19, 20)}.items() for n in ns}


def rows(name: str, **override: int | str) -> list[str]:
    """A respondent's 20 rows at LEVEL, `p7=5` or `p7=""` (not rated) overriding."""
    values = {n: LEVEL[COMPETENCY[n]] for n in range(1, 21)} | {int(k[1:]): v for k, v in override.items()}
    return [f"{name},{n},{values[n]}" for n in range(1, 21)]


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def test_score_prints_practices_competencies_total_stage_and_respondents_unrounded(tmp_path) -> None:
    csv = write(tmp_path / "r.csv", ["respondent,practice,score", *rows("Анна", p4=1, p11=5),
                                     *rows("Борис", p4=2, p11="", p12=3), *rows("Вера", p4=4, p11=1)])
    done = run_cli("maturity", "score", str(csv))
    assert (done.returncode, done.stderr) == (0, "")
    doc = json.loads(done.stdout)
    practices = {str(n): float(LEVEL[COMPETENCY[n]]) for n in range(1, 21)}
    practices |= {"4": 7 / 3, "11": 3.0, "12": 7 / 3}
    assert doc == {"practices": practices,
                   "competencies": {"lead": 3.0, "realize": (7 / 3 + 4) / 3, "activate": 3.0,
                                    "enlighten": (2 + 3 + 7 / 3 + 2) / 4, "respond": 3.0, "disrupt": 2.0},
                   "total": pytest.approx(15 + 1 / 9 + 1 / 3, abs=1e-12), "stage": "initiate", "respondents": 3}
    assert doc["competencies"]["realize"] == 2.111111111111111  # unrounded
    assert doc["total"] == 15.444444444444445


def test_score_of_a_total_just_below_15_is_investigate_and_exactly_15_initiate(tmp_path) -> None:
    lines = ["respondent,practice,score"] + [row for i in range(25) for row in rows(f"R{i}")]
    done = run_cli("maturity", "score", str(write(tmp_path / "at.csv", lines)))
    assert json.loads(done.stdout)["total"] == 15.0 and json.loads(done.stdout)["stage"] == "initiate"
    lines[-20 + 9] = "R24,10,1"  # practice 10 of the last respondent: 2 → 1; total 15 − 1/100
    done = run_cli("maturity", "score", str(write(tmp_path / "below.csv", lines)))
    doc = json.loads(done.stdout)
    assert (doc["total"], doc["stage"], doc["practices"]["10"], doc["respondents"]) == (14.99, "investigate", 1.96, 25)


def test_score_reads_bom_semicolons_spaces_header_case_and_cp1251(tmp_path) -> None:
    lines = [" Respondent ; PRACTICE ; Score ; comment"] + [
        f" {r.replace(',', ' ; ')} ; с бумаги" for r in rows("Ёлкина Анна", p3=5)] + [""] + [
        r.replace(",", ";") for r in rows("Борис", p3="")]
    expected = run_cli("maturity", "score", str(write(tmp_path / "plain.csv", ["respondent,practice,score",
                                                                               *rows("Ёлкина Анна", p3=5),
                                                                               *rows("Борис", p3="")])))
    for encoding in ("utf-8-sig", "cp1251"):
        done = run_cli("maturity", "score", str(write(tmp_path / f"{encoding}.csv", lines, encoding)))
        assert (done.returncode, done.stderr) == (0, ""), done.stderr
        assert done.stdout == expected.stdout
    doc = json.loads(expected.stdout)
    assert (doc["practices"]["3"], doc["competencies"]["lead"], doc["respondents"]) == (5.0, 11 / 3, 2)


@pytest.mark.parametrize("change, message", [
    (lambda ls: ls.__setitem__(4, "Анна,4,7"), "row 5: score 7 is outside 1–5 (row 1 is the header)"),
    (lambda ls: ls.__setitem__(3, "Анна,21,3"), "row 4: practice 21 is outside 1–20 (row 1 is the header)"),
    (lambda ls: ls.__setitem__(3, "Анна,три,3"), "row 4: practice “три” is not a number 1–20 (row 1 is the header)"),
    (lambda ls: ls.__setitem__(6, "Анна,6,3.5"), "row 7: score “3.5” is not a whole number 1–5 (row 1 is the header)"),
    (lambda ls: ls.__setitem__(2, ",2,3"), "row 3: the respondent is empty (row 1 is the header)"),
    (lambda ls: ls.__setitem__(9, "анна ,1,4"), "row 10: Анна already rated practice 1 in row 2"),
    (lambda ls: ls.__setitem__(0, "respondent,practice,rating"),
     "row 1 (the header): no column “score”; the header must be respondent,practice,score"),
    (lambda ls: ls.__setitem__(7, "Анна,7,"), "nobody rated practice 7: every practice needs at least one score"),
    (lambda ls: (ls.__setitem__(7, "Анна,7,"), ls.__setitem__(12, "Анна,12, ")),
     "nobody rated practices 7, 12: every practice needs at least one score"),
    (lambda ls: ls.__delitem__(slice(None)), "The file is empty: no header respondent,practice,score."),
])
def test_a_wrong_file_exits_2_with_one_line_naming_the_row_and_nothing_on_stdout(tmp_path, change, message) -> None:
    lines = ["respondent,practice,score", *rows("Анна")]
    change(lines)
    csv = write(tmp_path / "bad.csv", lines)
    for args in (("maturity", "score", str(csv)),
                 ("maturity", "import", "--db", str(tmp_path / "s.duckdb"), "--workshop", "W", str(csv))):
        done = run_cli(*args)
        assert (done.returncode, done.stdout, done.stderr) == (2, "", f"error: {message}\n")
    store = open_store(tmp_path / "s.duckdb")
    try:
        assert workshop.find(store, "W") is None  # a wrong file changes nothing, not even the workshop list
    finally:
        store.close()


def test_a_missing_file_is_one_line(tmp_path) -> None:
    done = run_cli("maturity", "score", str(tmp_path / "none.csv"))
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"error: File not found: {tmp_path / 'none.csv'}\n")


def test_score_needs_no_database(tmp_path) -> None:
    done = run_cli("maturity", "score", str(DEMO_RATINGS))
    assert done.returncode == 0 and json.loads(done.stdout)["stage"] == "initiate"
    assert not (tmp_path / "ambient.duckdb").exists()  # $CXSTUDIO_DB of the test run, never created


def test_import_loads_the_file_and_a_second_import_replaces_those_respondents_ratings(tmp_path) -> None:
    db = tmp_path / "studio.duckdb"
    store = open_store(db)
    try:
        wid = workshop.create(store, "Зима 2025").id
        mr.rate(store, wid, "Вера", 1, 5)  # rated in the browser; not in the paper files
    finally:
        store.close()
    first = write(tmp_path / "first.csv", ["respondent,practice,score", *rows("Анна"), *rows("Борис", p11="")])
    done = run_cli("maturity", "import", "--db", str(db), "--workshop", "Зима 2025", str(first))
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout) == {"workshop": "Зима 2025", "respondents": 2, "answers": 40, "created": 40,
                                       "updated": 0, "unchanged": 0, "cleared": 0,
                                       "total": float(15 + Fraction(2, 9)), "stage": "initiate"}  # Вера's 5 counts
    # a re-vote on paper: Анна changes practice 4 and leaves out practice 20 (Борис still rates it)
    second = write(tmp_path / "second.csv", ["respondent,practice,score", *rows("анна", p4=4)[:19],
                                             *rows("Борис", p11="")])
    done = run_cli("maturity", "import", "--db", str(db), "--workshop", "Зима 2025", str(second))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"workshop": "Зима 2025", "respondents": 2, "answers": 39, "created": 0,
                                       "updated": 1, "unchanged": 38, "cleared": 1,
                                       "total": float(15 + Fraction(2, 9) + Fraction(1, 3)),
                                       "stage": "initiate"}
    store = open_store(db)
    try:
        answers = mr.ratings(store, wid)
        assert answers[0] == Rating("Вера", 1, 5) and len(answers) == 1 + 19 + 20
        assert Rating("Анна", 4, 4) in answers and not any(a.respondent == "Анна" and a.practice == 20 for a in answers)
        assert [(c.action, c.old_score, c.new_score, c.actor) for c in mr.history(store, wid, "Анна", 4)] == [
            ("update", 2, 4, "cli"), ("create", None, 2, "cli")]
        assert [(p.respondent, p.rated, p.unknown, p.finished) for p in mr.progress(store, wid)] == [
            ("Вера", 1, 0, False), ("Анна", 19, 0, False), ("Борис", 19, 1, True)]
    finally:
        store.close()


def test_import_creates_a_missing_workshop_and_the_demo_file_gives_the_demo_result(tmp_path) -> None:
    db = tmp_path / "studio.duckdb"
    done = run_cli("maturity", "import", "--db", str(db), "--workshop", "Бумага", str(DEMO_RATINGS))
    doc = json.loads(done.stdout)
    assert (doc["workshop"], doc["respondents"], doc["answers"], doc["created"]) == ("Бумага", 8, 160, 160)
    assert (doc["total"], doc["stage"]) == (2657 / 168, "initiate")
    score = json.loads(run_cli("maturity", "score", str(DEMO_RATINGS)).stdout)
    store = open_store(db)
    try:
        assert mr.result(store, workshop.by_name(store, "Бумага").id).to_json() == score
    finally:
        store.close()
