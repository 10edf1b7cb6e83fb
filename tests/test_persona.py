"""Personas: the figures of each segment against a small base computed by hand (size, revenue share, average order
value, frequency, the top channels, regions and products with their shares), a base without those columns, the
versioned persona with its rules and a read-only room, the quotes offered from the segment's comments and the
expectations they concern, and the persona block of the workbook's Journey sheet."""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from cxcore import access, journey, persona, personalisation, rfm_settings, room, workbook, workshop
from cxcore.access import Forbidden
from cxcore.errors import ConflictError, PersonaError
from cxcore.ingest import load
from cxcore.store import Store

# Thresholds (R 30/90/180/365 days, F 1/2/3/5 orders, M 2 000/5 000/15 000/50 000) place each customer by hand; the
# as-of date is the day after the last row: 2025-07-01.
#   A: 6 orders, 60 000, last 2025-06-25 (R 6 days)  → R5 F5 M5 → champions
#   B: 4 orders, 20 000, last 2025-06-30 (R 1)       → R5 F4 M4, FM 4 → champions
#   C: 2 orders,  3 000, last 2025-01-01 (R 181)     → R2 F2 M2 → at_risk
#   D: 3 orders and a return: 7 500, last positive order 2024-10-01 (R 273) → R2 F3 M3 → at_risk
#   E: 1 order,     500, 2024-03-01 (R 487)          → R1 F1 M1 → lost
ROWS = """customer;date;amount;channel;region;product
A;2025-01-10;12000;site;Москва;Телевизор
A;2025-02-10;12000;site;Москва;Телевизор
A;2025-03-10;12000;site;Москва;Ноутбук
A;2025-04-10;12000;site;Москва;Ноутбук
A;2025-05-10;8000;app;Москва;Чайник
A;2025-06-25;4000;messenger;Москва;Чайник
B;2025-03-01;5000;store;Казань;Пылесос
B;2025-04-01;5000;store;Казань;Пылесос
B;2025-05-01;5000;store;Казань;Чайник
B;2025-06-30;5000;store;Казань;Чайник
C;2024-12-01;1000;site;Москва;Чайник
C;2025-01-01;2000;store;Москва;Пылесос
D;2024-06-01;2000;site;Пермь;Пылесос
D;2024-08-01;3000;site;Пермь;Телевизор
D;2024-10-01;3000;app;Пермь;Чайник
D;2024-10-05;-500;site;Пермь;Пылесос
E;2024-03-01;500;site;Москва;Чайник
"""
TOTAL = 60000 + 20000 + 3000 + 7500 + 500


def hand_base(store: Store, tmp_path: Path, rows: str = ROWS, name: str = "Персоны") -> str:
    """A workshop with the base above, scored with the default thresholds."""
    w = workshop.create(store, name)
    path = tmp_path / f"{name}.csv"
    path.write_text(rows, encoding="utf-8")
    load(store, path, workshop_id=w.id, actor="Анна")
    rfm_settings.save(store, rfm_settings.get(store, w.id), "Анна", cut_mode="thresholds")
    return w.id


def comment(store: Store, workshop_id: str, customer: str, text: str, sentiment: str, said_on: str | None,
            stage: str | None = None, expectations: tuple[str, ...] = (), row_no: int = 2) -> None:
    """One loaded comment, as the feedback loader leaves it."""
    with store.write("test") as tx:
        tx.execute("""
            INSERT INTO feedback (load_id, workshop_id, row_no, text, text_key, said_on, sentiment, customer_id,
                                  stage, expectations)
            VALUES ('load', ?, ?, ?, md5(lower(regexp_replace(trim(?), '\\s+', ' ', 'g'))), ?, ?, ?, ?, ?)""",
                   [workshop_id, row_no, text, text, said_on, sentiment, customer, stage, list(expectations)])


@pytest.fixture
def wid(store: Store, tmp_path: Path) -> str:
    return hand_base(store, tmp_path)


# -- the figures -----------------------------------------------------------------------------------------------------
def test_each_segments_figures_are_the_hand_computed_ones(store, wid):
    found = persona.figures(store, wid)
    assert list(found) == ["champions", "loyal", "promising", "at_risk", "lost"]

    champions = found["champions"]
    assert champions.customers == 2 and champions.customer_share == pytest.approx(2 / 5)
    assert champions.revenue == 80000 and champions.revenue_share == pytest.approx(80000 / TOTAL)
    assert champions.avg_order_value == pytest.approx(80000 / 10)  # 6 + 4 orders
    assert champions.avg_frequency == pytest.approx(10 / 2)
    assert champions.avg_recency == pytest.approx((6 + 1) / 2) and champions.recency_from == 1
    # site 48 000, store 20 000, app 8 000, messenger 4 000: the best three
    assert champions.channels == (("site", pytest.approx(48000 / 80000)), ("store", pytest.approx(20000 / 80000)),
                                  ("app", pytest.approx(8000 / 80000)))
    assert champions.regions == (("Москва", pytest.approx(60000 / 80000)), ("Казань", pytest.approx(20000 / 80000)))
    # Ноутбук and Телевизор 24 000 each (a tie goes by name), Чайник 12 000 + 10 000, Пылесос 10 000 left out
    assert champions.products == (("Ноутбук", pytest.approx(0.3)), ("Телевизор", pytest.approx(0.3)),
                                  ("Чайник", pytest.approx(22000 / 80000)))

    at_risk = found["at_risk"]
    revenue = 3000 + 7500  # D's return counts in the revenue, not as an order
    assert (at_risk.customers, at_risk.revenue) == (2, revenue)
    assert at_risk.customer_share == pytest.approx(0.4) and at_risk.revenue_share == pytest.approx(revenue / TOTAL)
    assert at_risk.avg_order_value == pytest.approx(revenue / 5) and at_risk.avg_frequency == pytest.approx(2.5)
    assert at_risk.avg_recency == pytest.approx((181 + 273) / 2) and at_risk.recency_from == 181
    # site 1 000 + 2 000 + 3 000 − 500, app 3 000, store 2 000
    assert at_risk.channels == (("site", pytest.approx(5500 / revenue)), ("app", pytest.approx(3000 / revenue)),
                                ("store", pytest.approx(2000 / revenue)))
    assert at_risk.regions == (("Пермь", pytest.approx(7500 / revenue)), ("Москва", pytest.approx(3000 / revenue)))
    assert at_risk.products == (("Чайник", pytest.approx(4000 / revenue)), ("Пылесос", pytest.approx(3500 / revenue)),
                                ("Телевизор", pytest.approx(3000 / revenue)))

    lost = found["lost"]
    assert (lost.customers, lost.revenue, lost.avg_order_value, lost.avg_frequency) == (1, 500, 500, 1)
    assert lost.channels == (("site", 1.0),) and lost.products == (("Чайник", 1.0),)

    empty = found["loyal"]
    assert (empty.customers, empty.revenue, empty.avg_order_value, empty.avg_frequency, empty.avg_recency) == (
        0, 0, None, None, None)
    assert empty.channels == empty.regions == empty.products == ()


def test_the_figures_are_the_rfm_pages_own_summary(store, wid):
    from cxcore import base, rfm

    settings = rfm_settings.get(store, wid)
    result = rfm.compute(store, wid, base.current_base_id(store, wid), spec=settings.spec, rules=settings.rules)
    found = persona.figures(store, wid, result)
    for row in result.summary.itertuples():
        assert found[row.segment].customers == row.customers
        assert found[row.segment].revenue == pytest.approx(row.revenue)
    assert found == persona.figures(store, wid)


def test_a_base_without_channel_or_product_has_no_such_lists(store, tmp_path):
    rows = "customer;date;amount;region\n" + "\n".join(
        ";".join(line.split(";")[:3] + [line.split(";")[4]]) for line in ROWS.strip().splitlines()[1:]) + "\n"
    wid = hand_base(store, tmp_path, rows, "Без каналов")
    at_risk = persona.figures(store, wid)["at_risk"]
    assert at_risk.channels == () and at_risk.products == ()
    assert at_risk.regions == (("Пермь", pytest.approx(7500 / 10500)), ("Москва", pytest.approx(3000 / 10500)))
    assert at_risk.avg_order_value == pytest.approx(2100)


def test_no_base_no_figures(store):
    wid = workshop.create(store, "Пусто").id
    assert persona.figures(store, wid) == {}
    assert persona.quote_candidates(store, wid, "at_risk") == []
    assert persona.expectation_signal(store, wid, "at_risk").comments == 0


# -- the persona the room writes -------------------------------------------------------------------------------------
def test_a_persona_reads_empty_until_its_first_save_then_versions(store, wid):
    empty = persona.get(store, wid, "at_risk")
    assert (empty.name, empty.quotes, empty.expectations, empty.version, empty.described) == ("", (), (), 0, False)
    saved = persona.save(store, empty, "Анна", name="  Ирина, 38 ", goals="Обустроить кухню",
                         expectations=["speed", "support", "speed"], quotes=[" Долго ждал ", "", "Долго ждал"])
    assert (saved.name, saved.goals, saved.expectations, saved.quotes, saved.version) == (
        "Ирина, 38", "Обустроить кухню", ("speed", "support"), ("Долго ждал",), 1)
    assert persona.get(store, wid, "at_risk") == saved and saved.id == f"{wid}/at_risk"
    again = persona.save(store, saved, "Борис", needs="Понятная инструкция")
    assert (again.version, again.name, again.needs) == (2, "Ирина, 38", "Понятная инструкция")
    assert persona.save(store, again, "Борис", needs="Понятная инструкция") == again  # nothing changed, no version
    assert persona.personas(store, wid)["champions"].version == 0


def test_a_save_from_a_stale_read_is_a_conflict_with_the_current_record(store, wid):
    first = persona.get(store, wid, "lost")
    mine = persona.save(store, first, "Анна", name="Пётр")
    with pytest.raises(ConflictError) as created:  # a second "first save" from the same empty read
        persona.save(store, first, "Борис", name="Павел")
    assert created.value.current["name"] == "Пётр" and created.value.current["version"] == 1
    persona.save(store, mine, "Анна", goals="Вернуться")
    with pytest.raises(ConflictError) as stale:
        persona.save(store, mine, "Борис", name="Павел")
    assert stale.value.current["goals"] == "Вернуться" and stale.value.current["version"] == 2
    assert persona.get(store, wid, "lost").name == "Пётр"


@pytest.mark.parametrize("changes, field", [
    ({"name": "я" * 81}, "name"), ({"goals": "я" * 1001}, "goals"), ({"needs": 5}, "needs"),
    ({"quotes": [f"Цитата {i}" for i in range(9)]}, "quotes"), ({"quotes": ["я" * 1001]}, "quotes[0]"),
    ({"quotes": "одна строка"}, "quotes"), ({"expectations": ["speed", "price"]}, "expectations"),
])
def test_what_breaks_a_rule_is_refused_naming_the_field(store, wid, changes, field):
    with pytest.raises(PersonaError) as refused:
        persona.save(store, persona.get(store, wid, "at_risk"), "Анна", **changes)
    assert refused.value.params["field"] == field
    assert persona.get(store, wid, "at_risk").version == 0


def test_the_limits_themselves_are_fine_and_unknown_fields_or_segments_are_not(store, wid):
    saved = persona.save(store, persona.get(store, wid, "at_risk"), "Анна", name="я" * 80, goals="я" * 1000,
                         quotes=[f"Цитата {i}" for i in range(8)], expectations=list(reversed(
                             ["need", "promises", "material", "emotional", "speed", "simplicity", "transparency",
                              "support", "comfort"])))
    assert len(saved.quotes) == 8 and saved.expectations[0] == "comfort" and len(saved.expectations) == 9
    with pytest.raises(ValueError):
        persona.save(store, saved, "Анна", segment="lost")
    with pytest.raises(PersonaError):
        persona.get(store, wid, "vip")
    assert "80" in PersonaError("persona.error.too_long", field="name", most=80).message("ru")


def test_a_read_only_room_refuses_participants_not_the_facilitator(store, wid):
    boss = access.trusted(wid, "Ольга")
    room.set_read_only(store, wid, True, boss)
    with pytest.raises(Forbidden) as refused:
        persona.save(store, persona.get(store, wid, "at_risk"), "Анна", name="Ирина")
    assert refused.value.key == "error.read_only"
    assert persona.get(store, wid, "at_risk").version == 0
    assert persona.save(store, persona.get(store, wid, "at_risk"), boss, name="Ирина").name == "Ирина"


# -- what the segment's customers said -------------------------------------------------------------------------------
def test_quotes_are_the_segments_comments_negative_first_newest_first_each_once(store, wid):
    comment(store, wid, "C", "Долго ждал доставку", "negative", "2025-03-01", "receipt", ("speed",))
    comment(store, wid, "D", "Не понял, как включить", "negative", "2025-04-01", "use", ("simplicity", "support"))
    comment(store, wid, "D", "долго  ждал   доставку", "negative", "2025-05-01", "receipt", ("speed",))
    comment(store, wid, "C", "Всё хорошо", "positive", "2025-06-01")
    comment(store, wid, "D", "Нормально", "neutral", "2025-06-10")
    comment(store, wid, "C", "Без даты", "unknown", None)
    comment(store, wid, "A", "Отлично, как всегда", "negative", "2025-06-20")  # a champion: another segment
    comment(store, wid, None, "Аноним", "negative", "2025-06-20")  # not linked to a customer
    quotes = persona.quote_candidates(store, wid, "at_risk")
    assert [q.text for q in quotes] == ["долго  ждал   доставку", "Не понял, как включить", "Нормально",
                                        "Всё хорошо", "Без даты"]
    assert [q.sentiment for q in quotes] == ["negative", "negative", "neutral", "positive", "unknown"]
    assert quotes[0].said_on == date(2025, 5, 1) and quotes[1].stage == "use"
    assert [q.text for q in persona.quote_candidates(store, wid, "at_risk", limit=2)] == [
        "долго  ждал   доставку", "Не понял, как включить"]
    assert [q.text for q in persona.quote_candidates(store, wid, "champions")] == ["Отлично, как всегда"]


def test_the_expectation_signal_counts_the_segments_comments_per_expectation(store, wid):
    comment(store, wid, "C", "Долго ждал доставку", "negative", "2025-03-01", "receipt", ("speed",))
    comment(store, wid, "D", "Не понял, как включить", "negative", "2025-04-01", "use", ("simplicity", "support"))
    comment(store, wid, "D", "Доставили быстро", "positive", "2025-05-01", "receipt", ("speed",))
    comment(store, wid, "B", "Медленно", "negative", "2025-05-01", "receipt", ("speed",))  # a champion
    signal = persona.expectation_signal(store, wid, "at_risk")
    assert (signal.comments, signal.negative) == (3, 2)
    assert [(e.expectation, e.comments, e.negative) for e in signal.top()] == [
        ("speed", 2, 1), ("simplicity", 1, 1), ("support", 1, 1)]
    assert len(signal.expectations) == 9 and signal.of("comfort").comments == 0
    use = persona.expectation_signal(store, wid, "at_risk", stage="use")
    assert (use.comments, [e.expectation for e in use.top()]) == (1, ["simplicity", "support"])
    # the facilitator's correction of a comment's placement wins over the dictionary's
    with store.write("test") as tx:
        key = tx.one("SELECT text_key FROM feedback WHERE text = 'Доставили быстро'")[0]
        tx.execute("INSERT INTO feedback_corrections (id, workshop_id, text_key, stage, expectations) "
                   "VALUES (?, ?, ?, 'use', ['comfort'])", [f"{wid}/{key}", wid, key])
    signal = persona.expectation_signal(store, wid, "at_risk")
    assert (signal.of("speed").comments, signal.of("comfort").comments) == (1, 1)
    assert persona.expectation_signal(store, wid, "at_risk", stage="use").comments == 2


# -- the workbook ----------------------------------------------------------------------------------------------------
def test_the_journey_sheet_shows_the_persona_and_its_plan_below_the_board(store, wid):
    journey.ensure(store, wid, "at_risk", "Анна")
    persona.save(store, persona.get(store, wid, "at_risk"), "Анна", name="Ирина", goals="Обустроить кухню",
                 needs="Понятная инструкция", expectations=["speed", "support"], quotes=["=Долго ждал"])
    personalisation.add(store, wid, "at_risk", "Анна", "reactive", "Звонок", "call_centre", "Нет заказа 180 дн.",
                        "Вернувшиеся, %")
    personalisation.add(store, wid, "at_risk", "Анна", "preventive", "Инструкция", "email", "После покупки",
                        "Обращения")
    for lang, title, expected in (
            ("ru", "Персона сегмента «Под угрозой оттока»: Ирина",
             {"Сегмент": "Под угрозой оттока", "Клиентов": 2, "Доля клиентов": 0.4,
              "Доля выручки": pytest.approx(10500 / TOTAL), "Средний чек": 2100, "Заказов на клиента": 2.5,
              "Каналы": "Сайт 52,4 %, Мобильное приложение 28,6 %, Магазин 19,0 %",
              "Регионы": "Пермь 71,4 %, Москва 28,6 %", "Товары": "Чайник 38,1 %, Пылесос 33,3 %, Телевизор 28,6 %",
              "Цели": "Обустроить кухню", "Потребности": "Понятная инструкция",
              "Главные ожидания": "1. Скорость операций\n2. Поддержка", "Цитаты клиентов": "• =Долго ждал"}),
            ("en", "Persona of “At risk of churn”: Ирина",
             {"Segment": "At risk of churn", "Customers": 2, "Average order value": 2100,
              "Channels": "Website 52.4 %, Mobile app 28.6 %, Store 19.0 %"})):
        book = openpyxl.load_workbook(io.BytesIO(workbook.export_bytes(store, wid, lang)))
        rows = [[c.value for c in row] for row in book.worksheets[4].iter_rows()]
        start = next(i for i, row in enumerate(rows) if row[0] == title)
        assert start > 10  # below the board's eight lanes
        shown = {row[0]: row[1] for row in rows[start + 1:start + 15] if row[0]}
        for label, value in expected.items():
            assert shown[label] == value, label
        plan = next(i for i, row in enumerate(rows) if row[0] in ("План персонализации", "Personalisation plan"))
        assert rows[plan + 1][:5] == (["Тип", "Действие", "Канал", "Триггер", "KPI"] if lang == "ru" else
                                      ["Kind", "Action", "Channel", "Trigger", "KPI"])
        if lang == "ru":
            assert rows[plan + 2][:5] == ["Предупреждающее", "Инструкция", "E-mail", "После покупки", "Обращения"]
            assert rows[plan + 3][:5] == ["Реагирующее", "Звонок", "Колл-центр", "Нет заказа 180 дн.",
                                          "Вернувшиеся, %"]
