"""`python -m cxcore voc import`: the JSON contract, the placed-comments file, replacing a file, exit 2."""
from __future__ import annotations

import csv
import json

from cxcore import customer_segments, workshop
from cxcore.method import EXPECTATIONS, STAGES
from cxcore.store import open_store
from tests.conftest import run_cli

BASE = "Клиент;Дата;Сумма\nC1;01.06.2024;900\nC1;02.06.2024;100\nC2;01.01.2024;50\nC3;15.05.2024;300\n"
FEEDBACK = ("Отчёт по отзывам;;;;\n"
            "Дата;Канал;Оценка;Код клиента;Отзыв\n"
            "01.06.2024;Сайт;1;C1;Курьер опоздал, доставка заняла неделю\n"
            "02.06.2024;Сайт;5;C2;Спасибо, всё понравилось\n"
            "03.06.2024;Колл-центр;;C404;Долго ждал ответа оператора поддержки\n"
            "04.06.2024;Сайт;2;;Какой-то текст без ключевых слов\n"
            "05.06.2024;Сайт;9;C3;\n"
            "Итого;;;;4\n")


def loaded(tmp_path):
    db = tmp_path / "voc.duckdb"
    (tmp_path / "base.csv").write_text(BASE, "utf-8")
    done = run_cli("ingest", str(tmp_path / "base.csv"), "--db", str(db), "--workshop", "w")
    assert done.returncode == 0, done.stderr
    (tmp_path / "reviews.csv").write_text(FEEDBACK, "utf-8")
    return db


def test_voc_import_prints_the_contract_and_writes_the_placed_file(tmp_path):
    db = loaded(tmp_path)
    out = tmp_path / "placed.csv"
    done = run_cli("voc", "import", "--db", str(db), "--workshop", "w", str(tmp_path / "reviews.csv"),
                   "--out", str(out))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["rows_read"], report["rows_loaded"], report["rows_rejected"]) == (6, 4, 2)
    assert report["linked_customers"] == 2  # C1 and C2; C404 is no customer of the base, one row has no id
    assert [(r["row"], r["code"]) for r in report["rejects"]] == [(7, "no_text"), (8, "totals")]
    assert all(r["reason"] for r in report["rejects"])
    assert list(report["by_stage"]) == [*STAGES, "unplaced"]
    assert list(report["by_expectation"]) == [*EXPECTATIONS, "unplaced"]
    assert sum(report["by_stage"].values()) == 4
    assert report["by_stage"]["receipt"] == 1 and report["by_stage"]["service"] == 1
    assert report["by_expectation"]["speed"] >= 2  # "опоздал", "неделю", "долго ждал"

    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["row", "stage", "expectations", "customer_id", "segment"]
    assert [r["row"] for r in rows] == ["3", "4", "5", "6"]
    assert [r["customer_id"] for r in rows] == ["C1", "C2", "C404", ""]
    store = open_store(db)
    segment_of = customer_segments.current(store, workshop.by_name(store, "w").id).segment_of()
    store.close()
    assert [r["segment"] for r in rows] == [segment_of["C1"], segment_of["C2"], "", ""]
    assert rows[0]["stage"] == "receipt" and "speed" in rows[0]["expectations"].split(";")
    assert rows[2]["stage"] == "service" and "support" in rows[2]["expectations"].split(";")
    by_stage = {s: sum(r["stage"] == s for r in rows) for s in report["by_stage"]}
    assert by_stage == report["by_stage"]
    by_expectation = {e: sum(e in r["expectations"].split(";") for r in rows) for e in EXPECTATIONS}
    by_expectation["unplaced"] = sum(r["expectations"] == "" for r in rows)
    assert by_expectation == report["by_expectation"]


def test_a_second_import_of_the_same_file_name_replaces_the_first(tmp_path):
    db = loaded(tmp_path)
    args = ("voc", "import", "--db", str(db), "--workshop", "w", str(tmp_path / "reviews.csv"))
    assert run_cli(*args).returncode == 0
    (tmp_path / "reviews.csv").write_text("Отзыв;Клиент\nОдин отзыв;C1\n", "utf-8")
    again = json.loads(run_cli(*args).stdout)
    assert again["rows_loaded"] == 1
    store = open_store(db)
    assert store.query_one("SELECT count(*) FROM feedback")[0] == 1
    store.close()


def test_map_sets_the_text_column(tmp_path):
    db = loaded(tmp_path)
    path = tmp_path / "two_texts.csv"
    path.write_text("Тема;Сообщение клиента\nслужебно;Оператор поддержки не ответил\n", "utf-8")
    done = run_cli("voc", "import", "--db", str(db), "--workshop", "w", str(path), "--map", "text=Сообщение клиента")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["by_stage"]["service"] == 1


def test_an_unusable_file_exits_2_with_one_line_and_changes_nothing(tmp_path):
    db = loaded(tmp_path)
    assert run_cli("voc", "import", "--db", str(db), "--workshop", "w", str(tmp_path / "reviews.csv")).returncode == 0
    for name, content in (("empty.csv", ""), ("no_text.csv", "Дата;Оценка\n01.06.2024;5\n"),
                          ("blank.csv", "Отзыв;Клиент\n;C1\n")):
        (tmp_path / name).write_text(content, "utf-8")
        done = run_cli("voc", "import", "--db", str(db), "--workshop", "w", str(tmp_path / name))
        assert done.returncode == 2, name
        assert done.stdout == ""
        assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("error: "), done.stderr
    missing = run_cli("voc", "import", "--db", str(db), "--workshop", "w", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "nope.csv" in missing.stderr
    bad_role = run_cli("voc", "import", "--db", str(db), "--workshop", "w", str(tmp_path / "reviews.csv"),
                       "--map", "amount=Отзыв")
    assert bad_role.returncode == 2 and "amount" in bad_role.stderr
    store = open_store(db)
    assert store.query_one("SELECT count(*) FROM feedback")[0] == 4
    assert store.query_one("SELECT count(*) FROM feedback_loads")[0] == 1
    store.close()


def test_a_new_workshop_is_created_for_feedback_without_a_base(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_text("Отзыв;Клиент\nКурьер опоздал;C1\nВсё хорошо;C2\n", "utf-8")
    done = run_cli("voc", "import", "--db", str(tmp_path / "fresh.duckdb"), "--workshop", "Новый", str(path),
                   "--out", str(tmp_path / "placed.csv"))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["rows_loaded"], report["linked_customers"], report["linked_share"]) == (2, 0, 0)
    rows = (tmp_path / "placed.csv").read_text("utf-8").splitlines()
    assert [r.split(",")[3:] for r in rows[1:]] == [["C1", ""], ["C2", ""]]  # no base: no segment
    store = open_store(tmp_path / "fresh.duckdb")
    assert workshop.find(store, "Новый") is not None
    store.close()
