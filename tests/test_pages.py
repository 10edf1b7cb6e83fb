"""Every page through Streamlit's AppTest, on the demo workshop and on uploads, asserting what is shown."""
from __future__ import annotations

import ast
from datetime import date
import re
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import ui
from streamlit.runtime.pages_manager import PagesManager
from cxcore import base, workshop
from cxcore.store import open_store

PROJECT = Path(__file__).resolve().parent.parent
PAGE_FILES = [path for entries in ui.PAGES.values() for path, _, _ in entries]


@pytest.fixture(autouse=True)
def fresh_caches():
    """st.cache_* outlive an AppTest inside one pytest process: start each test clean."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(autouse=True)
def served_mode(request, monkeypatch):
    """Run pages as a running server does after its first request: through app.py's st.navigation.

    AppTest re-creates Streamlit's page registry on every run, which puts each run back into the legacy
    `pages/` mode that a real server is in only for its very first request (that case has its own test).
    """
    if "legacy_first_request" in request.keywords:
        return
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def db(demo_db: Path, tmp_path: Path, monkeypatch) -> Path:
    """A private copy of the demo database, used by the app through CXSTUDIO_DB."""
    path = tmp_path / "app.duckdb"
    shutil.copy(demo_db, path)
    monkeypatch.setenv("CXSTUDIO_DB", str(path))
    return path


def app(page: str | None = None, lang: str | None = None, me: str | None = None, w: str | None = None) -> AppTest:
    """The app from app.py, switched to `page`; `me`: a participant's name in the link; `w`: the workshop in the
    link (the demo without it)."""
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60)
    if w:
        at.query_params["w"] = w
    if lang:
        at.query_params["lang"] = lang
    if me:
        at.query_params["me"] = me
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("page", PAGE_FILES)
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_page_renders_in_both_languages(db, page, lang):
    at = app(page, lang)
    assert at.title and at.title[0].value
    assert not at.error


@pytest.mark.legacy_first_request
def test_a_new_server_opened_at_a_page_url_still_runs_through_the_app(db):
    """A fresh server's first request for /base runs pages/base.py alone; the page reroutes via app.py."""
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60)
    at.switch_page("pages/base.py").run()
    assert not at.exception
    assert at.title[0].value == "Клиентская база"
    assert at.segmented_control(key="lang_choice").options == ["RU", "EN"]


def test_first_start_creates_the_database_with_the_demo_workshop(tmp_path, monkeypatch):
    path = tmp_path / "new" / "studio.duckdb"
    monkeypatch.setenv("CXSTUDIO_DB", str(path))
    at = app("pages/base.py")
    assert path.exists()
    shown = metrics(at)
    assert shown["Клиенты"] == "50\u202f802"
    assert shown["Период"] == "30 мес."
    assert "405\u202f425 строк с 01.06.2023 по 30.11.2025" in at.caption[-1].value


def test_base_page_shows_the_demo_summary_in_english(db):
    at = app("pages/base.py", "en")
    summary = base.summary(open_store(db), "demo")
    assert at.title[0].value == "Customer base"
    shown = metrics(at)
    assert shown["Customers"] == f"{summary.customers:,}"
    assert shown["Orders"] == f"{summary.orders:,}"
    assert shown["Period"] == "30 months"
    assert shown["Revenue"] == "₽1.89 bn"
    assert "Rejected rows: 0" in [e.label for e in at.expander]


def test_language_switch_in_the_sidebar(db):
    at = app()
    assert at.title[0].value == "Воркшопы"  # the home page: the workshops
    at.switch_page("pages/workshop.py").run()
    assert at.title[0].value == "Дом и Техника"
    assert at.page_link[0].label.startswith("1. Клиентская база")
    at.segmented_control(key="lang_choice").set_value("EN").run()
    assert at.page_link[0].label.startswith("1. Customer base")
    at.switch_page("pages/base.py").run()
    assert at.title[0].value == "Customer base"


def test_upload_guess_roles_and_load_a_cp1251_export(db, shared_samples):
    at = app("pages/base.py")
    data = (shared_samples / "tab_cp1251.txt").read_bytes()
    at.file_uploader[0].upload("tab_cp1251.txt", data).run()
    roles = {s.label: s.value for s in at.selectbox}
    assert roles["Колонка для роли «Клиент (ID)»"] == "Покупатель"
    assert roles["Колонка для роли «Дата»"] == "Дата документа"
    assert roles["Колонка для роли «Сумма»"] == "Сумма"
    assert roles["Колонка для роли «Номер заказа»"] == "— нет —"
    at.button[0].click().run()
    assert not at.exception
    assert at.success[0].value == "Загружено строк: 300 из 301; отклонено: 1."
    shown = metrics(at)
    assert shown["Клиенты"] == "60"
    assert shown["Выручка"] == "527\u202f107,25 ₽"
    rejects = at.dataframe[-1].value
    assert list(rejects["Строка"]) == [52]
    assert "31.02.2024" in rejects["Причина"][0]
    assert base.summary(open_store(db), "demo").customers == 60


def test_a_file_that_is_not_a_table_says_so_and_keeps_the_base(db):
    at = app("pages/base.py")
    before = metrics(at)
    at.file_uploader[0].upload("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40).run()
    assert not at.exception
    assert at.error and at.error[0].value.startswith("Файл не загружен:")
    assert metrics(at) == before


def test_a_role_set_by_hand_is_used(db, tmp_path):
    text = "Клиент;Дата;Сумма;Сумма со скидкой\n001;01.02.2024;100;90\n002;02.02.2024;200;150\n"
    at = app("pages/base.py", "en")
    at.file_uploader[0].upload("discounts.csv", text.encode("utf-8")).run()
    amount = next(s for s in at.selectbox if s.label == "Column for the role “Amount”")
    amount.set_value("Сумма со скидкой").run()
    at.button[0].click().run()
    assert at.success[0].value == "Rows loaded: 2 of 2; rejected: 0."
    assert metrics(at)["Revenue"] == "₽240.00"


def test_workshop_page_saves_details_and_shows_a_conflict(db):
    store = open_store(db)
    at = app("pages/workshop.py")
    assert at.title[0].value == "Дом и Техника"
    at.text_input(key="workshop-demo.client").set_value("Дом и Техника — Север")
    # Someone else saves the workshop between our read and our save.
    workshop.update(store, workshop.get(store, "demo"), "someone", name="Другое имя")
    at.button(key="FormSubmitter:workshop-demo-Сохранить").click().run()
    assert at.error and "Другое имя" in at.error[0].value
    assert workshop.get(store, "demo").client == "Дом и Техника"
    at = app("pages/workshop.py")
    at.text_input(key="workshop-demo.client").set_value("Дом и Техника — Север")
    at.button(key="FormSubmitter:workshop-demo-Сохранить").click().run()
    assert workshop.get(store, "demo").client == "Дом и Техника — Север"


def test_unknown_workshop_link_falls_back_to_the_demo(db):
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60)
    at.query_params["w"] = "no-such-workshop"
    at.run()
    assert not at.exception
    assert at.query_params["w"] == ["demo"] or at.query_params["w"] == "demo"


USER_FACING = {"title", "header", "subheader", "write", "caption", "info", "error", "success", "warning",
               "button", "metric", "markdown", "text_input", "selectbox", "expander", "toast",
               "download_button", "file_uploader", "form_submit_button", "date_input", "text"}


@pytest.mark.parametrize("path", ["app.py", "ui.py", "journey_ui.py", *PAGE_FILES])
def test_pages_take_every_string_from_the_translation_table(path):
    source = (PROJECT / path).read_text(encoding="utf-8")
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#"))
    docstring_free = ast.parse(code)
    for node in ast.walk(docstring_free):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                node.func.attr in USER_FACING or node.func.attr == "page_link"):
            if node.func.attr == "page_link":
                node.args = []
            for arg in [*node.args[:1], *(k.value for k in node.keywords if k.arg in ("label", "help"))]:
                literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                assert not (literal and re.search(r"[A-Za-zА-Яа-я]{2}", arg.value)), \
                    f"{path}:{node.lineno} shows a literal string: {arg.value!r}"
    assert not re.search(r"[А-Яа-яЁё]", code.split('"""', 2)[-1]), f"{path} has Cyrillic text outside the table"


def test_rfm_page_shows_the_segments_of_the_demo_and_saves_the_target(db):
    from cxcore import rfm_settings

    at = app("pages/rfm.py")
    shown = metrics(at)
    assert shown["Истинная лояльность"] == "9\u202f551"
    assert shown["Потерянные"] == "6\u202f732"
    assert "На 01.12.2025" in rfm_caption(at)
    table = at.dataframe[0].value
    assert list(table["Сегмент"]) == ["Истинная лояльность", "Лояльные", "Новые и перспективные",
                                      "Под угрозой оттока", "Потерянные"]
    assert table["Клиенты"].sum() == 50802
    at.selectbox(key="rfm.target").set_value("loyal").run()
    next(b for b in at.button if b.label == "Сделать целевым").click().run()
    assert rfm_settings.target_segment(open_store(db), "demo") == "loyal"
    assert not [b for b in at.button if b.label == "Сделать целевым"]  # saved: nothing left to save
    assert [b.label for b in at.download_button] == ["Скачать клиентов с сегментами (CSV)",
                                                    "Скачать клиентов с сегментами (XLSX)"]


def charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


def chart_data(chart, having: str | None = None) -> "pd.DataFrame":
    """The rows an Altair chart was drawn from (Streamlit ships them as Arrow beside the spec); a layered chart
    has several sets: the first with the column `having`."""
    import pyarrow as pa

    frames = [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in chart.proto.datasets]
    return next(f for f in frames if having is None or having in f.columns)


def rfm_caption(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.startswith(("На ", "As of ")))


def test_rfm_page_shows_histograms_and_the_grid_by_revenue(db):
    at = app("pages/rfm.py")
    shown = charts(at)
    assert len(shown) == 5  # share bars, R × FM grid, R, F and M histograms
    assert at.subheader[2].value == "Распределение R, F и M"
    recency, frequency, monetary = (chart_data(c) for c in shown[2:])
    assert frequency["customers"].sum() == monetary["customers"].sum() == 50802
    assert recency["customers"].sum() == 50802 - 30  # the 30 customers with no positive order have no R
    assert list(frequency["label"][:3]) == ["0", "1", "2"] and frequency["label"].iloc[-1].endswith("+")
    assert monetary["label"].iloc[0] == "< 200"
    grid = chart_data(shown[1])
    assert grid["customers"].sum() == 50802 and grid.loc[0, "shown"] == "1\u202f234"  # R 5, FM 1
    at.segmented_control(key="rfm.grid_measure").set_value("revenue").run()
    assert chart_data(charts(at)[1]).loc[0, "shown"].endswith("тыс.")


def test_rfm_page_business_thresholds_are_saved_and_shown(db):
    from cxcore import rfm_settings

    at = app("pages/rfm.py")
    at.radio(key="rfm.ruler.mode").set_value("thresholds")
    at.text_input(key="rfm.ruler.recency").set_value("30; 90; 180; 365")
    at.text_input(key="rfm.ruler.frequency").set_value("1; 2; 3; 5")
    at.text_input(key="rfm.ruler.monetary").set_value("2 000; 5 000; 15 000; 50 000")
    at.button[0].click().run()
    assert not at.exception and not at.error
    saved = rfm_settings.get(open_store(db), "demo")
    assert saved.cut_mode == "thresholds" and saved.thresholds.monetary == (2000, 5000, 15000, 50000)
    assert "Бизнес-пороги. R, дней: 30 / 90 / 180 / 365; F, заказов: 1 / 2 / 3 / 5; M, ₽: 2\u202f000 / 5\u202f000" \
        in rfm_caption(at)
    assert sum(int(v.replace("\u202f", "")) for v in metrics(at).values()) == 50802


def test_rfm_page_refuses_thresholds_that_do_not_increase(db):
    from cxcore import rfm_settings

    before = rfm_settings.get(open_store(db), "demo").version
    at = app("pages/rfm.py")
    at.radio(key="rfm.ruler.mode").set_value("thresholds")
    at.text_input(key="rfm.ruler.recency").set_value("90; 30; 180; 365")
    at.button[0].click().run()
    assert at.error[0].value.startswith("Границы R: нужны четыре возрастающих числа")
    assert rfm_settings.get(open_store(db), "demo").version == before
    assert "Квинтили этого периода" in rfm_caption(at)


def test_rfm_page_frozen_cut_points_measure_today_with_last_years_ruler(db):
    at = app("pages/rfm.py")
    at.radio(key="rfm.ruler.mode").set_value("frozen")
    at.date_input(key="rfm.ruler.baseline").set_value(date(2024, 12, 1))
    at.button[0].click().run()
    assert "Зафиксированные на базовую дату" in rfm_caption(at)
    assert metrics(at)["Истинная лояльность"] == "7\u202f462"


def test_rfm_page_as_of_date_moves_the_whole_page(db):
    at = app("pages/rfm.py")
    at.date_input(key="rfm.as_of").set_value(date(2024, 12, 1)).run()
    assert "На 01.12.2024" in rfm_caption(at)
    assert sum(int(v.replace("\u202f", "")) for v in metrics(at).values()) < 50802


def test_rfm_page_segment_rules_are_validated_before_saving(db):
    from cxcore import rfm_settings

    before = rfm_settings.get(open_store(db), "demo").version
    at = app("pages/rfm.py")
    at.text_input(key="rfm.rules.lost").set_value("12")  # 11 left without a segment
    at.button[1].click().run()
    assert at.error[0].value == ("Ячейки без сегмента: 11. Каждая ячейка R×FM — ровно в одном сегменте.")
    at.text_input(key="rfm.rules.lost").set_value("12, 11, 51")  # 51 is promising's too
    at.button[1].click().run()
    assert at.error[0].value.startswith("Ячейки отнесены к нескольким сегментам: 51.")
    assert rfm_settings.get(open_store(db), "demo").version == before
    at.text_input(key="rfm.rules.promising").set_value("41, 31")
    at.button[1].click().run()
    assert not at.error
    rules = rfm_settings.get(open_store(db), "demo").rules
    assert rules.segment(5, 1) == "lost"
    assert at.text_input(key="rfm.rules.lost").value == "51, 12, 11"


def test_quality_page_says_in_words_that_the_demo_base_is_getting_worse(db):
    at = app("pages/quality.py")
    assert at.warning[0].value.startswith("С 01.12.2024 по 01.12.2025 число активных клиентов почти не изменилось")
    assert "-20,6 %" in at.warning[0].value
    assert "Зафиксированные на базовую дату, на 01.12.2024" in at.caption[0].value
    assert at.info[0].value.startswith("Из 7\u202f884 клиентов сегмента «Истинная лояльность» на 01.12.2024")
    sizes, moves = (chart_data(c) for c in charts(at))
    assert len(sizes) == 13 * 5  # 13 monthly as-of dates × 5 segments
    champions = moves[moves["from_segment"] == "champions"]
    assert champions["customers"].sum() == 7884 and len(moves) == 6 * 5  # zeros included


def test_quality_page_alert_thresholds_are_editable(db):
    from cxcore import rfm_settings

    at = app("pages/quality.py")
    at.number_input(key="quality.alert.revenue").set_value(25.0)
    at.button[0].click().run()
    assert rfm_settings.get(open_store(db), "demo").alert_revenue_pct == 25.0
    assert not at.warning
    assert at.success[0].value.endswith("Сигнала об ухудшении базы нет.")


def test_quality_page_quarterly_series_and_an_earlier_migration(db):
    at = app("pages/quality.py")  # (AppTest formats options outside the session: in the default language)
    at.segmented_control(key="quality.step").set_value("quarter").run()
    at.selectbox(key="quality.span").set_value(24).run()
    assert at.selectbox(key="quality.from").options[:2] == ["01.12.2023", "01.03.2024"]
    assert len(chart_data(charts(at)[0])) == 9 * 5  # 9 quarterly as-of dates × 5 segments
    at.selectbox(key="quality.from").set_value(date(2024, 6, 1)).run()
    assert not at.exception
    assert at.info[0].value.startswith("Из ") and "на 01.06.2024" in at.info[0].value
    at.toggle(key="quality.compare").set_value(True).run()
    assert len(charts(at)) == 3
