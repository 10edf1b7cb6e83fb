"""Loading feedback files (cxcore/feedback.py): the messy exports, the rejects with their rows, linking to the
base's customers and segments, the rating's scale and sentiment, replacing a file, and nothing changed on failure."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from cxcore import access, customer_segments, feedback, ingest, workshop
from cxcore.access import Forbidden
from cxcore.errors import IngestError

# A tiny base: C1 bought recently and often (champions at quantile cut points), C5 long ago once.
BASE = """Код клиента;Дата;Сумма
C1;01.06.2024;1000
C1;10.06.2024;1000
C1;20.06.2024;1000
C2;15.06.2024;500
C2;01.03.2024;500
C3;01.02.2024;300
C4;01.05.2024;200
C5;01.01.2023;100
"""


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def shop(store, tmp_path):
    """A workshop with the tiny base loaded."""
    found = workshop.create(store, "Магазин")
    ingest.load(store, write(tmp_path / "base.csv", BASE), workshop_id=found.id)
    return found


def comments(store, workshop_id) -> list[tuple]:
    return store.query("""
        SELECT row_no, text, said_on::VARCHAR, channel, rating, rating_scale, sentiment, customer_id
        FROM feedback WHERE workshop_id = ? ORDER BY row_no""", [workshop_id])


def test_a_cp1251_export_with_a_title_row_a_totals_row_and_broken_lines(store, shop, tmp_path):
    text = ("Выгрузка отзывов за 2024 год;;;;\n"
            "\n"
            "Дата;Источник;Оценка;Код клиента;Текст отзыва\n"
            "05.06.2024;Опрос NPS;3;C1;Курьер опоздал на два часа\n"
            "06.06.2024;Сайт;5;C2;Всё отлично, спасибо\n"
            "07.06.2024;Колл-центр;;C9;Не дозвонился до поддержки\n"
            "08.06.2024;Сайт;отлично;C3;Оценка словом\n"
            "32.13.2024;Сайт;4;C3;Дата неверная\n"
            "09.06.2024;Сайт;4;C4;\n"
            "10.06.2024;Сайт;11;C4;Оценка вне шкалы\n"
            ";;;;\n"
            "Итого;;;;7 отзывов\n")
    path = write(tmp_path / "отзывы.csv", text, "cp1251")
    report = feedback.load(store, path, workshop_id=shop.id)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (8, 3, 5)
    assert [(r.row, r.reason) for r in report.rejects] == [
        (7, "bad_rating"), (8, "bad_date"), (9, "no_text"), (10, "bad_rating"), (12, "totals")]
    assert report.rejects[0].text("ru") == "неверная оценка «отлично» (нужно число от 0 до 10)"
    assert comments(store, shop.id) == [
        (4, "Курьер опоздал на два часа", "2024-06-05", "Опрос NPS", 3.0, 10, "negative", "C1"),
        (5, "Всё отлично, спасибо", "2024-06-06", "Сайт", 5.0, 5, "positive", "C2"),
        (6, "Не дозвонился до поддержки", "2024-06-07", "Колл-центр", None, None, "unknown", "C9"),
    ]
    # C1 and C2 are customers of the base, C9 is not.
    assert (report.linked_customers, report.linked_rows) == (2, 2)
    assert report.linked_share == pytest.approx(2 / 3)


def test_quoted_text_with_line_breaks_and_an_unquoted_separator_in_the_last_column(store, shop, tmp_path):
    text = ('Клиент,Дата,Отзыв\n'
            'C1,2024-06-01,"Первая строка\nвторая строка, с запятой"\n'
            'C2,2024-06-02,Без кавычек, но с запятой, и ещё одной\n'
            'C3,2024-06-03,"Кавычки ""внутри"" текста"\n')
    report = feedback.load(store, write(tmp_path / "f.csv", text), workshop_id=shop.id)
    assert report.rows_rejected == 0
    assert [(r[0], r[1]) for r in comments(store, shop.id)] == [
        (2, "Первая строка вторая строка, с запятой"),
        (4, "Без кавычек, но с запятой, и ещё одной"),
        (5, 'Кавычки "внутри" текста'),
    ]


def test_a_row_with_too_few_fields_is_a_broken_line_when_the_text_is_not_last(store, shop, tmp_path):
    text = "Отзыв;Дата;Оценка\nХорошо;01.06.2024;5\nПлохо;01.06.2024;2;лишнее\nКоротко\n"
    report = feedback.load(store, write(tmp_path / "f.csv", text), workshop_id=shop.id)
    assert [(r.row, r.reason, r.value) for r in report.rejects] == [(3, "broken_line", "4"), (4, "broken_line", "1")]
    assert report.rows_loaded == 1


def test_an_xlsx_with_a_title_row(store, shop, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Обратная связь клиентов"])
    sheet.append([])
    sheet.append(["Дата обращения", "Канал", "Клиент", "Комментарий", "NPS"])
    sheet.append(["2024-06-01", "Опрос", "C1", "Доставили быстро", 10])
    sheet.append(["2024-06-02", "Опрос", "C5", "Доставка опоздала", 4])
    sheet.append(["2024-06-03", "Опрос", None, "Нормально", 7])
    book.save(tmp_path / "f.xlsx")
    report = feedback.load(store, tmp_path / "f.xlsx", workshop_id=shop.id)
    assert report.layout.mapping == {"date": "Дата обращения", "channel": "Канал", "customer_id": "Клиент",
                                     "text": "Комментарий", "rating": "NPS"}
    rows = comments(store, shop.id)
    assert [(r[0], r[5], r[6]) for r in rows] == [(4, 10, "positive"), (5, 10, "negative"), (6, 10, "neutral")]
    assert report.linked_customers == 2


def test_scales_are_found_per_source(store, shop, tmp_path):
    """A 1–5 source and a 0–10 source in one file: 4 is positive on the first, negative on the second."""
    text = ("Текст;Источник;Оценка\n"
            "а хорошо;Отзывы;4\nб плохо;Отзывы;2\nв средне;Отзывы;3\n"
            "г так себе;NPS;4\nд отлично;NPS;9\nе нормально;NPS;7\nж ноль;NPS;0\n")
    feedback.load(store, write(tmp_path / "f.csv", text), workshop_id=shop.id)
    got = {r[1]: (r[5], r[6]) for r in comments(store, shop.id)}
    assert got == {"а хорошо": (5, "positive"), "б плохо": (5, "negative"), "в средне": (5, "neutral"),
                   "г так себе": (10, "negative"), "д отлично": (10, "positive"), "е нормально": (10, "neutral"),
                   "ж ноль": (10, "negative")}


def test_a_second_load_of_the_same_file_name_replaces_it_and_another_name_adds(store, shop, tmp_path):
    (tmp_path / "a").mkdir()
    one = write(tmp_path / "a" / "reviews.csv", "Текст;Клиент\nпервый;C1\nвторой;C2\n")
    feedback.load(store, one, workshop_id=shop.id)
    again = write(tmp_path / "reviews.csv", "Текст;Клиент\nтретий;C3\n")
    report = feedback.load(store, again, workshop_id=shop.id)
    assert report.replaced
    assert [r[1] for r in comments(store, shop.id)] == ["третий"]
    feedback.load(store, write(tmp_path / "survey.csv", "Текст;Клиент\nчетвёртый;C4\n"), workshop_id=shop.id)
    assert sorted(r[1] for r in comments(store, shop.id)) == ["третий", "четвёртый"]
    assert [load.source_name for load in feedback.loads(store, shop.id)] == ["reviews.csv", "survey.csv"]


@pytest.mark.parametrize("text, key", [
    ("", "ingest.empty_file"),
    ("Дата;Оценка\n01.06.2024;5\n02.06.2024;4\n", "voc.error.no_text_column"),
    ("Текст;Клиент\n;C1\n;C2\n", "ingest.nothing_loaded"),
])
def test_an_unusable_file_changes_nothing(store, shop, tmp_path, text, key):
    feedback.load(store, write(tmp_path / "reviews.csv", "Текст;Клиент\nбыло;C1\n"), workshop_id=shop.id)
    with pytest.raises(IngestError) as caught:
        feedback.load(store, write(tmp_path / "reviews.csv", text), workshop_id=shop.id)
    assert caught.value.key == key
    assert [r[1] for r in comments(store, shop.id)] == ["было"]
    assert len(feedback.loads(store, shop.id)) == 1


def test_a_role_set_by_hand_and_an_unknown_role(store, shop, tmp_path):
    path = write(tmp_path / "f.csv", "Заметка;Ответ клиента\nслужебное;Курьер был вежлив\n")
    report = feedback.load(store, path, workshop_id=shop.id, mapping={"text": "Ответ клиента"})
    assert [r[1] for r in comments(store, shop.id)] == ["Курьер был вежлив"]
    assert report.layout.mapping["text"] == "Ответ клиента"
    with pytest.raises(IngestError) as caught:
        feedback.inspect(path, mapping={"amount": "Заметка"})
    assert caught.value.key == "ingest.unknown_role"


def test_only_the_facilitator_loads_into_a_workshop_with_a_pin(store, shop, tmp_path):
    access.set_pin(store, shop.id, "4321", access.trusted(shop.id))
    path = write(tmp_path / "f.csv", "Текст\nодин\nдва\n")
    with pytest.raises(Forbidden):
        feedback.load(store, path, workshop_id=shop.id, actor="Ольга")
    assert feedback.count(store, shop.id) == 0
    feedback.load(store, path, workshop_id=shop.id, actor=access.trusted(shop.id, "Анна"))
    assert feedback.count(store, shop.id) == 2


def test_the_placed_file_has_the_contract_columns_and_the_segments(store, shop, tmp_path):
    path = write(tmp_path / "f.csv", "Текст;Клиент\nКурьер опоздал с доставкой;C1\nКакой-то текст;\n"
                                     "Долго ждал ответа поддержки;C5\nНет такого;C99\n")
    report = feedback.load(store, path, workshop_id=shop.id)
    out = tmp_path / "placed.csv"
    assert feedback.write_placed(store, shop.id, report.load_id, out) == 4
    lines = out.read_text("utf-8").splitlines()
    assert lines[0] == "row,stage,expectations,customer_id,segment"
    segment_of = customer_segments.current(store, shop.id).segment_of()
    rows = [line.split(",") for line in lines[1:]]
    assert [r[0] for r in rows] == ["2", "3", "4", "5"]
    assert [r[3] for r in rows] == ["C1", "", "C5", "C99"]
    assert [r[4] for r in rows] == [segment_of["C1"], "", segment_of["C5"], ""]
    assert rows[0][1] == "receipt"
    assert rows[1][1:3] == ["unplaced", ""]
    assert sum(report.by_stage.values()) == 4
