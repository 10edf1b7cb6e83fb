"""The workshop's Excel workbook: every sheet with its headers in RU and EN, values read back (order, fills,
dates, money, filters, frozen panes), native charts, no formula from participant text anywhere, and the round
trip (export -> owners edit -> diff -> apply) with every kind of refused row."""
from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from cxcore import (contact_policy, journey, maturity_ratings, rfm_settings, roadmap, safe_text, votes, workbook,
                    workshop)
from cxcore import workbook_import as wi
from cxcore.ingest import load
from cxcore.roadmap import RoadmapItem
from cxcore.store import Store, open_store
from cxcore.workbook_data import snapshot

D = date
RU_SHEETS = ["Обложка", "Дорожная карта", "Влияние и усилия", "Барьеры", "Карта пути", "Сегменты", "Зрелость CX",
             "Бизнес-кейс", "Контактная политика", "Отслеживание KPI", "_cx"]
EN_SHEETS = ["Cover", "Roadmap", "Impact vs effort", "Barriers", "Journey", "Segments", "CX maturity",
             "Business case", "Contact policy", "KPI tracking", "_cx"]
ROADMAP_HEADERS = {
    "ru": ["№", "Мероприятие", "Источник", "Этап", "Квадрант", "Влияние", "Усилия", "Голоса", "Владелец", "Отдел",
           "Горизонт", "KPI", "KPI сейчас", "Цель KPI", "Бюджет, ₽", "Следующий пересмотр", "Статус", "Не заполнено",
           "id", "Версия"],
    "en": ["No.", "Item", "Source", "Stage", "Quadrant", "Impact", "Effort", "Votes", "Owner", "Department",
           "Horizon", "KPI", "KPI now", "KPI target", "Budget, ₽", "Next review", "Status", "Missing", "id",
           "Version"],
}
FIRST_HEADERS = {  # sheet index -> the first headers, (ru, en)
    2: (["Идея", "Барьер («НО…»)", "Этап", "Влияние", "Усилия", "Квадрант", "Голоса"],
        ["Idea", "Barrier (“BUT…”)", "Stage", "Impact", "Effort", "Quadrant", "Votes"]),
    3: (["Сегмент", "Этап", "Точка контакта", "Канал", "Барьер («НО…»)", "Нарушенные ожидания", "Отделы"],
        ["Segment", "Stage", "Touchpoint", "Channel", "Barrier (“BUT…”)", "Expectations broken", "Departments"]),
    7: (["Показатель", "Значение", "Как считается", "Источник цифры"],
        ["Figure", "Value", "How it is computed", "Source of the figure"]),
    8: (["Сегмент", "Каналы", "Контактов в месяц", "Доля полезного контента", "Замечания"],
        ["Segment", "Channels", "Contacts per month", "Share of useful content", "Warnings"]),
    9: (["№", "Мероприятие", "KPI", "Дата замера", "Значение KPI", "Цель KPI", "KPI сейчас"],
        ["No.", "Item", "KPI", "Measured on", "KPI value", "KPI target", "KPI now"]),
}


# -- the room -----------------------------------------------------------------------------------------------------
@dataclass
class Room:
    workshop_id: str
    quick: RoadmapItem  # quick win from an idea, complete, one KPI value
    bet: RoadmapItem  # big bet from an idea, no KPI and no review date: incomplete
    manual: RoadmapItem  # fill-in typed by hand, complete
    later: RoadmapItem  # time sink from an idea, complete


def base_csv(tmp_path: Path) -> Path:
    """20 customers buying from January 2024 to June 2025: 18 months, so a year's migration exists."""
    lines = ["customer;date;amount"]
    for n in range(20):
        months = [(n * 3 + k * 5) % 18 for k in range(1 + n % 4)]
        for m in sorted(set(months)):
            lines.append(f"K{n:02d};{2024 + m // 12}-{m % 12 + 1:02d}-{10 + n % 15:02d};{1000 + 250 * n}")
    lines.append("K99;2024-01-05;500")
    lines.append("K98;2025-06-30;700")
    path = tmp_path / "base.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def build(store: Store, tmp_path: Path, lang: str = "ru", name: str = "Весна") -> Room:
    w = workshop.create(store, name, client="Дом и Сад", industry="Розница", held_on=D(2025, 12, 8), language=lang,
                        facilitator="Анна Смирнова")
    load(store, base_csv(tmp_path), workshop_id=w.id, actor="Анна")
    rfm_settings.save(store, rfm_settings.get(store, w.id), "Анна", target_segment="at_risk")
    j = journey.ensure(store, w.id, "at_risk", "Анна")
    journey.update(store, j.stage("search"), "Анна", goal="Найти товар рядом")
    site = journey.add_touchpoint(store, j.stage("search"), "Анна", "Сайт", "site")
    till = journey.add_touchpoint(store, j.stage("purchase"), "Борис", "Касса", "store")
    stock = journey.add_barrier(store, site, "Анна", "На сайте «в наличии», НО в магазине нет", ["promises"],
                                severity=5, share=0.25, departments=["sales", "marketing"])
    queue = journey.add_barrier(store, till, "Борис", "Очередь на кассе", ["speed"], severity=3)
    hours = journey.add_barrier(store, site, "Вера", "Часы работы неверные", ["transparency"], severity=2)
    reserve = journey.add_idea(store, stock, "Борис", "Резерв товара на 2 часа", impact=4, effort=2)
    refresh = journey.add_idea(store, stock, "Анна", "Обновлять остатки каждые 15 минут", impact=5, effort=3)
    journey.add_idea(store, queue, "Борис", "Вторая касса при очереди", impact=3, effort=1)
    maps = journey.add_idea(store, hours, "Вера", "Сверять часы на картах", impact=2, effort=4)
    complete = dict(kpi_current=0, review_on=D(2026, 3, 2))
    quick = roadmap.update_item(store, roadmap.from_idea(store, reserve.id, "Анна"), "Анна", owner="Ольга",
                                kpi_name="Резервы в неделю", kpi_target=400, budget=900_000, **complete)
    bet = roadmap.update_item(store, roadmap.from_idea(store, refresh.id, "Анна"), "Анна", owner="Игорь")
    manual = roadmap.add_item(store, w.id, "Анна", "Вторая касса в час пик", impact=3, effort=1, owner="Пётр",
                              department="Операции", kpi_name="Очередь, минут", kpi_target=5, budget=150_000.5,
                              **complete)
    later = roadmap.update_item(store, roadmap.from_idea(store, maps.id, "Анна"), "Анна", owner="Вера",
                                kpi_name="Жалобы на часы", kpi_target=0, **complete)
    roadmap.add_actual(store, quick.id, D(2026, 1, 15), 120, "Ольга")
    votes.open_vote(store, w.id, 3, "Анна")
    votes.cast(store, w.id, "Вера", "idea", reserve.id)
    votes.cast(store, w.id, "Дина", "barrier", stock.id)
    for practice in range(1, 21):
        maturity_ratings.rate(store, w.id, "Ольга", practice, 3)
        maturity_ratings.rate(store, w.id, "Пётр", practice, 2 if practice % 2 else 4)
    policy = contact_policy.policy(store, w.id, "at_risk")
    contact_policy.save_policy(store, policy, "Анна", channels=["email", "sms"], per_month=4, content_share=0.4)
    get = roadmap.get_item
    return Room(w.id, get(store, quick.id), get(store, bet.id), get(store, manual.id), get(store, later.id))


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> tuple[Store, Room]:
    """One room for the tests that only read it."""
    folder = tmp_path_factory.mktemp("workbook")
    s = open_store(folder / "studio.duckdb")
    yield s, build(s, folder)
    s.close()


@pytest.fixture
def room(store: Store, tmp_path: Path) -> Room:
    return build(store, tmp_path)


def export(store: Store, workshop_id: str, lang: str | None = None) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(workbook.export_bytes(store, workshop_id, lang)))


def column(ws, title: str) -> int:
    return next(cell.column for cell in ws[1] if cell.value == title)


# -- sheets and headers ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_sheet_is_there_with_its_headers_in_the_language(shared, lang):
    store, room = shared
    book = export(store, room.workshop_id, lang)
    assert book.sheetnames == (RU_SHEETS if lang == "ru" else EN_SHEETS)
    assert [ws.sheet_state for ws in book.worksheets] == ["visible"] * 10 + ["hidden"]
    assert [c.value for c in book.worksheets[1][1]] == ROADMAP_HEADERS[lang]
    for index, (ru, en) in FIRST_HEADERS.items():
        expected = ru if lang == "ru" else en
        assert [c.value for c in book.worksheets[index][1]][:len(expected)] == expected
    cover = book.worksheets[0]
    assert cover["A1"].value == ("CX-воркшоп «Весна»" if lang == "ru" else "CX workshop “Весна”")
    journey_sheet = book.worksheets[4]
    stages = ["Потребность", "Поиск", "Выбор", "Покупка", "Получение", "Использование", "Обслуживание", "Рекомендации"]
    if lang == "en":
        stages = ["Need", "Search", "Choice", "Purchase", "Receipt", "Use", "Service", "Recommendation"]
    assert [c.value.split("\n")[0] for c in journey_sheet[2][1:9]] == stages
    lanes = [journey_sheet.cell(row, 1).value for row in range(3, 11)]
    assert lanes == (["Цель клиента", "Действия", "Мысли и цитаты", "Эмоция", "Точки контакта", "Барьеры («НО…»)",
                      "Идеи", "KPI этапа"] if lang == "ru" else
                     ["Customer goal", "Actions", "Thoughts and quotes", "Emotion", "Touchpoints",
                      "Barriers (“BUT…”)", "Ideas", "Stage KPI"])


def test_every_sheet_has_content_and_every_part_is_well_formed_xml(shared):
    store, room = shared
    data = workbook.export_bytes(store, room.workshop_id)
    book = openpyxl.load_workbook(io.BytesIO(data))
    for ws in book.worksheets:
        assert ws.max_row > 2, ws.title
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = [n for n in package.namelist() if n.endswith((".xml", ".rels"))]
        assert len(parts) > 20
        for name in parts:
            ElementTree.fromstring(package.read(name))  # raises on a part Excel would "repair"


# -- the roadmap sheet ----------------------------------------------------------------------------------------------
def test_the_roadmap_sheet_lists_items_quick_wins_first_with_typed_cells(shared):
    store, room = shared
    ws = export(store, room.workshop_id).worksheets[1]
    assert ws.max_row == 5
    rows = {r: [c.value for c in ws[r]] for r in range(2, 6)}
    assert [rows[r][1] for r in range(2, 6)] == [room.quick.title, room.bet.title, room.manual.title,
                                                 room.later.title]
    assert [rows[r][4] for r in range(2, 6)] == ["Быстрая победа", "Крупная ставка", "Мелкое улучшение",
                                                 "Пожиратель времени"]
    assert [rows[r][18] for r in range(2, 6)] == [room.quick.id, room.bet.id, room.manual.id, room.later.id]
    assert [rows[r][19] for r in range(2, 6)] == [room.quick.version, room.bet.version, room.manual.version,
                                                  room.later.version]
    assert rows[2][7] == 2 and rows[3][7] == 1  # dots: the idea's plus its barrier's
    assert rows[2][9] == "Продажи" and rows[4][9] == "Операции"  # a department key by name, free text as typed
    # the incomplete item: filled across the row and its gaps named; a complete one is not filled
    assert rows[3][17] == "KPI с целевым значением, дата следующего пересмотра"
    assert rows[2][17] is None
    assert {ws.cell(3, c).fill.fgColor.rgb for c in range(1, 19)} == {"FFFCE4D6"}
    assert ws.cell(2, 2).fill.fill_type is None
    # dates are dates, money is a number with a money format
    review = ws.cell(2, column(ws, "Следующий пересмотр"))
    assert review.value == datetime(2026, 3, 2) and review.is_date and review.number_format == "DD.MM.YYYY"
    budget = ws.cell(4, column(ws, "Бюджет, ₽"))
    assert budget.value == 150_000.5 and budget.data_type == "n" and budget.number_format == '#,##0 "₽"'
    assert ws.cell(2, column(ws, "Статус")).value == "Запланировано"
    assert ws.cell(2, column(ws, "Горизонт")).value == "До 1 месяца"
    # filters, frozen header and title, widths, hidden id and version
    assert ws.auto_filter.ref == "A1:R5"
    assert ws.freeze_panes == "C2"
    assert ws.column_dimensions["B"].width == 44
    assert ws.column_dimensions["S"].hidden and ws.column_dimensions["T"].hidden
    lists = {str(rule.sqref): rule.formula1 for rule in ws.data_validations.dataValidation
             if rule.type == "list"}
    assert lists == {"Q2:Q5": '"Запланировано,В работе,Сделано,Отменено"',
                     "K2:K5": '"До 1 месяца,3 месяца,6 месяцев,Позже"'}


def test_the_kpi_sheet_has_the_recorded_values_and_empty_rows_to_fill(shared):
    store, room = shared
    ws = export(store, room.workshop_id).worksheets[9]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert len(rows) == 6 * 4  # six rows per item: the recorded value and five empty ones for the quick win
    assert rows[0] == [1, room.quick.title, "Резервы в неделю", datetime(2026, 1, 15), 120, 400, 0, room.quick.id,
                       datetime(2026, 1, 15), 1]
    assert rows[1] == [1, room.quick.title, "Резервы в неделю", None, None, 400, 0, room.quick.id, None, None]
    assert [r[0] for r in rows] == [1] * 6 + [2] * 6 + [3] * 6 + [4] * 6
    assert ws.cell(2, 4).number_format == "DD.MM.YYYY"
    assert ws.freeze_panes == "D2" and ws.auto_filter.ref == "A1:G25"
    assert all(ws.column_dimensions[letter].hidden for letter in "HIJ")


# -- the other sheets -----------------------------------------------------------------------------------------------
def test_the_other_sheets_read_back_their_values(shared):
    store, room = shared
    book = export(store, room.workshop_id)
    cover = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row[0]}
    assert cover["Дата"] == datetime(2025, 12, 8) and cover["Фасилитатор"] == "Анна Смирнова"
    assert cover["Стадия зрелости CX"] == "Инициирование (сумма 18.00 из 30)"
    assert cover["Барьеров"] == 3 and cover["Идей"] == 4 and cover["Пунктов дорожной карты"] == 4
    assert cover["Из них быстрых побед"] == 1 and cover["Не заполнены (владелец, отдел, KPI, дата)"] == 1
    assert cover["Клиентов в базе"] == 22 and cover["Целевой сегмент"] == "Под угрозой оттока"
    names = [row[0] for row in book.worksheets[0].iter_rows(values_only=True)]
    start = names.index("Участники (6)")
    assert names[start + 1:start + 7] == ["Анна", "Борис", "Вера", "Дина", "Ольга", "Пётр"]

    barriers = [row for row in book.worksheets[3].iter_rows(min_row=2, values_only=True)]
    assert [(b[1], b[2], b[4], b[8], b[12]) for b in barriers] == [
        ("Поиск", "Сайт", "На сайте «в наличии», НО в магазине нет", 5, 1),
        ("Поиск", "Сайт", "Часы работы неверные", 2, 0), ("Покупка", "Касса", "Очередь на кассе", 3, 0)]
    assert barriers[0][6] == "Продажи, Маркетинг" and barriers[0][7] == "да" and barriers[0][10] == 0.25
    assert book.worksheets[3].cell(2, 11).number_format == "0.0%"

    board = book.worksheets[4]
    assert board.cell(3, 3).value == "Найти товар рядом"
    assert board.cell(8, 3).value == "• На сайте «в наличии», НО в магазине нет\n• Часы работы неверные"

    segments = book.worksheets[5]
    assert segments["A1"].value == "RFM-сегменты на 01.07.2025"
    totals = next(row for row in segments.iter_rows(values_only=True) if row[0] == "Итого")
    assert totals[1] == 22
    titles = [row[0] for row in segments.iter_rows(values_only=True) if row[0]]
    assert "Миграция сегментов 01.07.2024 → 01.07.2025: клиенты" in titles

    result = maturity_ratings.result(store, room.workshop_id)
    maturity = book.worksheets[6]
    assert maturity["B3"].value == pytest.approx(result.total) and maturity["B4"].value == "Инициирование"
    assert [maturity.cell(r, 2).value for r in range(8, 14)] == [pytest.approx(c.score) for c in result.competencies]

    case = book.worksheets[7]
    assert case["A2"].value == "Клиентов в целевом сегменте" and isinstance(case["B2"].value, int)

    policy = [row for row in book.worksheets[8].iter_rows(min_row=2, values_only=True)]
    at_risk = next(row for row in policy if row[0] == "Под угрозой оттока")
    assert at_risk[1:4] == ("E-mail, SMS", 4, 0.4) and "50/50" in at_risk[4]
    assert book.worksheets[8].cell(5, 4).number_format == "0.0%"


def test_the_workbook_has_native_charts_for_segments_maturity_and_the_quadrant(shared):
    store, room = shared
    book = workbook.build(snapshot(store, room.workshop_id))
    charts = {ws.title: ws._charts for ws in book.worksheets if ws._charts}
    assert set(charts) == {"Влияние и усилия", "Сегменты", "Зрелость CX"}
    assert [type(c).__name__ for c in charts["Сегменты"]] == ["BarChart"]
    assert len(charts["Сегменты"][0].series) == 2  # share of customers, share of revenue
    assert [type(c).__name__ for c in charts["Зрелость CX"]] == ["BarChart"]
    scatter = charts["Влияние и усилия"][0]
    assert type(scatter).__name__ == "ScatterChart" and len(scatter.series) == 4  # one per quadrant
    with zipfile.ZipFile(io.BytesIO(workbook.export_bytes(store, room.workshop_id))) as package:
        assert sorted(n for n in package.namelist() if n.startswith("xl/charts/chart")) == [
            "xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/charts/chart3.xml"]


# -- formula injection --------------------------------------------------------------------------------------------
def dangerous_room(store: Store) -> str:
    """A workshop whose every text typed by people starts with a character a spreadsheet reads as a formula."""
    w = workshop.create(store, "=HYPERLINK(\"http://x\",\"y\")", client="+7 999", industry="\tРозница",
                        facilitator="-Анна")
    j = journey.ensure(store, w.id, "at_risk", "=Автор")
    journey.update(store, j.stage("need"), "=Автор", goal="=1+1", actions="+действие", thoughts="-мысль",
                   kpi_name="@kpi")
    tp = journey.add_touchpoint(store, j.stage("search"), "=Автор", "@Сайт", "=канал")
    barrier = journey.add_barrier(store, tp, "\rАвтор", "\rНО на сайте", ["speed"], departments=["@отдел"])
    idea = journey.add_idea(store, barrier, "@Автор", "=2+2", impact=4, effort=1)
    item = roadmap.from_idea(store, idea.id, "=Автор")
    roadmap.update_item(store, item, "x", owner="-Владелец", kpi_name="=SUM(A1:A9)", department="+отдел",
                        review_on=D(2026, 1, 1), kpi_target=1)
    roadmap.add_item(store, w.id, "x", "+пункт")
    votes.open_vote(store, w.id, 2, "x")
    votes.cast(store, w.id, "@Голос", "idea", idea.id)
    maturity_ratings.rate(store, w.id, "=Респондент", 1, 3)
    policy = contact_policy.policy(store, w.id, "lost")
    contact_policy.save_policy(store, policy, "x", channels=["=chan", "+sms"], per_month=1)
    return w.id


def test_no_text_typed_by_people_becomes_a_formula_in_any_sheet(store):
    workshop_id = dangerous_room(store)
    data = workbook.export_bytes(store, workshop_id)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 11
        for name in sheets:
            assert "<f>" not in package.read(name).decode("utf-8"), name
    book = openpyxl.load_workbook(io.BytesIO(data))
    texts = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(safe_text.DANGEROUS), (ws.title, cell.coordinate, cell.value)
                    texts.append(cell.value)
    for typed in ("=1+1", "+действие", "-мысль", "@Сайт", "=канал", "@отдел", "=2+2", "-Владелец", "=SUM(A1:A9)",
                  "+отдел", "+пункт", "-Анна", "+7 999", "\tРозница", "=chan, +sms"):
        assert "'" + typed in texts, typed
    assert any(text.startswith("'=HYPERLINK") for text in texts)
    assert any(text.startswith(("'\r", "'\n")) for text in texts)  # the barrier's author (XML may fold \r)
    for name in ("'=Автор", "'@Автор", "'@Голос", "'=Респондент"):  # authors, voters, respondents
        assert name in texts, name
    # the guard comes off again on the way back: the untouched workbook changes nothing
    found = wi.diff(store, workshop_id, data)
    assert (found.changes, found.rejected, found.unchanged) == ((), (), 2)


# -- the round trip -------------------------------------------------------------------------------------------------
def reverse_rows(ws) -> None:
    """Sort the sheet upside down, as an owner might: the hidden columns travel with their rows."""
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    for r, values in enumerate(reversed(rows), start=2):
        for c, value in enumerate(values, start=1):
            ws.cell(r, c).value = value


def test_the_round_trip_applies_edits_and_reports_every_row_it_cannot_use(room, store, tmp_path):
    book = export(store, room.workshop_id)
    ws, kpi = book["Дорожная карта"], book["Отслеживание KPI"]
    status, review, owner = (column(ws, h) for h in ("Статус", "Следующий пересмотр", "Владелец"))
    ws.cell(2, status).value = "Сделано"  # quick: a status
    ws.cell(3, review).value = datetime(2026, 4, 1)  # bet: a date
    ws.cell(4, review).value = "завтра"  # manual: not a date
    ws.cell(5, owner).value = "Вера Павлова"  # later: changed in the app meanwhile (below)
    ws.cell(6, status).value = "Сделано"
    ws.cell(6, column(ws, "id")).value = "no-such-id"  # an unknown id
    ws.cell(7, owner).value = "Кто-то"  # a row added by hand without the hidden id
    kpi.cell(3, 4).value = datetime(2026, 2, 15)  # quick: a new value on an empty row
    kpi.cell(3, 5).value = 180
    kpi.cell(8, 4).value = "15/02/2026"  # bet: not a date
    kpi.cell(8, 5).value = 3
    reverse_rows(ws)
    path = tmp_path / "edited.xlsx"
    book.save(path)
    roadmap.update_item(store, room.later, "Анна", owner="Вера Кузнецова")  # after the export

    found = wi.diff(store, room.workshop_id, path)
    changes = sorted((c.item_id, c.field, c.old, c.new) for c in found.changes)
    assert changes == sorted([(room.quick.id, "status", "planned", "done"),
                              (room.bet.id, "review_on", None, D(2026, 4, 1)),
                              (room.quick.id, "actual", None, 180)])
    actual = next(c for c in found.changes if c.field == "actual")
    assert (actual.sheet, actual.row, actual.measured_on, actual.version) == ("Отслеживание KPI", 3, D(2026, 2, 15),
                                                                              None)
    status_change = next(c for c in found.changes if c.field == "status")
    assert (status_change.sheet, status_change.row, status_change.version) == ("Дорожная карта", 7, 2)
    assert status_change.texts("ru") == ("Статус", "Запланировано", "Сделано")
    assert actual.texts("en") == ("KPI value", "—", "180")
    assert next(c for c in found.changes if c.field == "review_on").texts("ru") == ("Следующий пересмотр", "—",
                                                                                    "01.04.2026")
    reasons = {(r.sheet, r.row): r.reason("ru") for r in found.rejected}
    assert reasons == {
        ("Дорожная карта", 2): "нет id пункта в скрытой колонке: строку не сопоставить с пунктом",
        ("Дорожная карта", 3): "пункта с id «no-such-id» нет в дорожной карте",
        ("Дорожная карта", 4): "пункт изменён в приложении после выгрузки (версия 2, сейчас 3): строка не "
                               "применена, выгрузите книгу заново",
        ("Дорожная карта", 5): "«Следующий пересмотр»: «завтра» — не дата",
        ("Отслеживание KPI", 8): "«Дата замера»: «15/02/2026» — не дата",
    }
    assert next(r for r in found.rejected if r.row == 5).reason("en") == "“Следующий пересмотр”: “завтра” is not a date"
    assert found.unchanged == 1 and found.changed_rows == 3  # the quick win's recorded KPI value is unchanged

    applied = wi.apply(store, found, "Анна")
    assert (applied.changed, applied.unchanged, len(applied.rejected)) == (3, 1, 5)
    assert roadmap.get_item(store, room.quick.id).status == "done"
    assert roadmap.get_item(store, room.bet.id).review_on == D(2026, 4, 1)
    assert roadmap.get_item(store, room.manual.id).review_on == D(2026, 3, 2)
    assert roadmap.get_item(store, room.later.id).owner == "Вера Кузнецова"  # the app's change stands
    values = [(a.measured_on, a.value) for a in roadmap.item_actuals(store, room.quick.id)]
    assert values == [(D(2026, 1, 15), 120), (D(2026, 2, 15), 180)]
    assert applied.to_json()["rejected"][0] == {"sheet": "Дорожная карта", "row": 2,
                                                "reason": "нет id пункта в скрытой колонке: строку не сопоставить с "
                                                          "пунктом"}


def test_a_status_not_in_the_list_names_the_allowed_ones_and_formulas_are_refused(room, store):
    book = export(store, room.workshop_id, "en")
    ws = book["Roadmap"]
    ws.cell(2, column(ws, "Status")).value = "Finished"
    ws.cell(3, column(ws, "KPI target")).value = "=100*2"
    ws.cell(4, column(ws, "Budget, ₽")).value = "a lot"
    ws.cell(5, column(ws, "Horizon")).value = "6 месяцев"  # the other language's name is the same choice
    buffer = io.BytesIO()
    book.save(buffer)
    found = wi.diff(store, room.workshop_id, buffer.getvalue())
    assert {r.row: r.reason("en") for r in found.rejected} == {
        2: "“Status”: “Finished” is not in the list; allowed: Planned, In progress, Done, Dropped",
        3: "“KPI target”: a formula instead of a value; type the value",
        4: "“Budget, ₽”: “a lot” is not a number",
    }
    assert [(c.item_id, c.field, c.old, c.new) for c in found.changes] == [(room.later.id, "horizon", "later",
                                                                            "half_year")]


def test_kpi_rows_that_erase_move_or_repeat_a_value_are_refused(room, store):
    book = export(store, room.workshop_id)
    kpi = book["Отслеживание KPI"]
    kpi.cell(2, 4).value = None  # the recorded value erased
    kpi.cell(2, 5).value = None
    kpi.cell(3, 4).value = datetime(2026, 2, 1)  # a date without a value
    kpi.cell(4, 4).value, kpi.cell(4, 5).value = datetime(2026, 3, 1), 200
    kpi.cell(5, 4).value, kpi.cell(5, 5).value = datetime(2026, 3, 1), 210  # the same date again
    kpi.cell(9, 4).value, kpi.cell(9, 5).value = "2026-03-01", "12,5"  # ISO text and a decimal comma: the bet
    buffer = io.BytesIO()
    book.save(buffer)
    found = wi.diff(store, room.workshop_id, buffer.getvalue())
    assert {r.row: r.reason("en") for r in found.rejected} == {
        2: "a recorded value cannot be erased in the workbook: delete it in the app",
        3: "both the date and the value are needed",
        5: "a value for this date is already in row 4",
    }
    assert sorted((c.item_id, c.measured_on, c.new) for c in found.changes) == sorted(
        [(room.quick.id, D(2026, 3, 1), 200), (room.bet.id, D(2026, 3, 1), 12.5)])


def test_a_kpi_value_changed_in_the_app_since_the_export_is_a_conflict(room, store):
    data = workbook.export_bytes(store, room.workshop_id)
    book = openpyxl.load_workbook(io.BytesIO(data))
    book["Отслеживание KPI"].cell(2, 5).value = 130
    buffer = io.BytesIO()
    book.save(buffer)
    roadmap.add_actual(store, room.quick.id, D(2026, 1, 15), 125, "Ольга")
    found = wi.diff(store, room.workshop_id, buffer.getvalue())
    assert [r.reason("en") for r in found.rejected] == [
        "the KPI value of 2026-01-15 was changed in the app since the export: the row is not applied"]
    assert found.changes == ()


def test_a_row_that_loses_a_race_after_the_diff_is_a_conflict_at_apply(room, store):
    book = export(store, room.workshop_id)
    book["Дорожная карта"].cell(2, 17).value = "В работе"
    buffer = io.BytesIO()
    book.save(buffer)
    found = wi.diff(store, room.workshop_id, buffer.getvalue())
    assert len(found.changes) == 1
    roadmap.update_item(store, room.quick, "Ольга", budget=1_000_000)  # meanwhile, in the app
    applied = wi.apply(store, found, "Анна")
    assert applied.changed == 0 and [r.row for r in applied.rejected] == [2]
    assert "version 2, now 3" in applied.rejected[0].reason("en")
    assert roadmap.get_item(store, room.quick.id).status == "planned"


def test_an_untouched_workbook_changes_nothing(shared):
    store, room = shared
    found = wi.diff(store, room.workshop_id, workbook.export_bytes(store, room.workshop_id, "en"))
    assert (found.changes, found.rejected, found.unchanged) == ((), (), 5)  # 4 items, 1 recorded KPI value


def test_a_file_that_is_not_this_workshops_workbook_is_refused_whole(shared, store, tmp_path):
    shop, room = shared
    other = workshop.create(store, "Другой")
    with pytest.raises(wi.WorkbookError) as error:
        wi.diff(store, other.id, workbook.export_bytes(shop, room.workshop_id))
    assert error.value.message("en") == "The workbook was exported from another workshop (“Весна”)."
    with pytest.raises(wi.WorkbookError) as error:
        wi.diff(store, other.id, b"not a zip at all")
    assert error.value.message("ru").startswith("Это не книга воркшопа из CX Journey Studio")
    plain = openpyxl.Workbook()
    buffer = io.BytesIO()
    plain.save(buffer)
    with pytest.raises(wi.WorkbookError, match="no sheet _cx"):
        wi.diff(store, other.id, buffer.getvalue())


# -- LibreOffice ----------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_demo_workbook_opens_in_libreoffice_calc(demo_db, tmp_path):
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install -y libreoffice-calc-nogui): no soffice on PATH")
    shutil.copy(demo_db, tmp_path / "demo.duckdb")
    demo = open_store(tmp_path / "demo.duckdb")
    try:
        data = workbook.export_bytes(demo, "demo")
        source = tmp_path / "export" / "demo.xlsx"
        source.parent.mkdir()
        source.write_bytes(data)
        profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
        for target in ("pdf", "xlsx"):
            out = tmp_path / target
            done = subprocess.run([soffice, profile, "--headless", "--convert-to", target, "--outdir", str(out),
                                   str(source)], capture_output=True, text=True, timeout=180)
            assert done.returncode == 0, done.stderr
        pdf = tmp_path / "pdf" / "demo.pdf"
        assert pdf.exists() and pdf.stat().st_size > 50_000 and pdf.read_bytes().startswith(b"%PDF")
        # LibreOffice's own xlsx of it reads back with every sheet, and as an upload changes nothing
        again = tmp_path / "xlsx" / "demo.xlsx"
        book = openpyxl.load_workbook(again)
        assert book.sheetnames == RU_SHEETS
        found = wi.diff(demo, "demo", again)
        assert found.changes == () and found.rejected == () and found.unchanged > 10
    finally:
        demo.close()
