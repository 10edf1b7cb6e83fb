"""A whole small workshop in real browsers: the facilitator creates it from a template with a PIN, two participants
join by the link, add a barrier and an idea, vote, rate maturity; the facilitator exports the workbook and the
test reads it back. Every page visited is saved as a screenshot under var/screenshots/ (CI keeps them)."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PROJECT

pytestmark = pytest.mark.e2e
SHOTS = PROJECT / "var" / "screenshots"
BARRIER = "Хочу открыть вклад онлайн, НО приложение требует визит в отделение"
IDEA = "Онлайн-идентификация через Госуслуги"


def shot(tab: Page, name: str) -> None:
    """A screenshot once the page's run has finished and nothing is a placeholder any more."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    expect(tab.locator('[data-test-script-state="running"]')).to_have_count(0)
    expect(tab.locator('[data-testid="stSkeleton"]')).to_have_count(0)
    tab.wait_for_timeout(800)  # charts and the QR code finish drawing
    tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def heading(tab: Page, text: str) -> None:
    expect(tab.get_by_role("heading", name=text).first).to_be_visible()


def participant(browser, link: str, name: str) -> Page:
    tab = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    tab.set_default_timeout(60_000)
    tab.goto(link)
    heading(tab, "Воркшоп: Банк Север")
    tab.get_by_label("Как вас зовут?").fill(name)
    tab.get_by_role("button", name="Войти").click()
    heading(tab, "Программа двух дней")  # joined: the agenda opens
    return tab


def test_a_small_workshop_from_creation_to_the_workbook(server, page, tmp_path):
    boss = page
    # -- the facilitator creates the workshop from the bank template, with a PIN ----------------------------------
    boss.goto(server)
    heading(boss, "Воркшопы")
    form = boss.locator('[data-testid="stForm"]').last
    form.get_by_label("Название").fill("CJM весна")
    form.get_by_label("Клиент").fill("Банк Север")
    form.get_by_label("Шаблон пути по отрасли").click()
    boss.get_by_role("option", name="Банк (розничный)").click()
    form.get_by_label("Фасилитатор", exact=True).fill("Анна")
    form.get_by_label("PIN фасилитатора").fill("5791")
    form.get_by_label("PIN ещё раз").fill("5791")
    shot(boss, "01-home-new-workshop")
    form.get_by_role("button", name="Создать").click()
    heading(boss, "Банк Север")
    workshop_id = parse_qs(urlsplit(boss.url).query)["w"][0]
    assert len(workshop_id) >= 16
    shot(boss, "02-workshop")

    # -- the join link and its QR code on the projector -----------------------------------------------------------
    boss.goto(f"{server}/room?w={workshop_id}")
    heading(boss, "Фасилитатор и участники")
    link = boss.locator('[data-testid="stCode"]').first.inner_text().strip()
    assert link.endswith(f"/join?w={workshop_id}")
    expect(boss.locator('[data-testid="stImage"] img').first).to_be_visible()
    link = server + link[link.index("/join"):]  # the address the test server listens on

    # -- two participants join by the link ----------------------------------------------------------------------
    olga = participant(boss.context.browser, link, "Ольга")
    shot(olga, "03-agenda-participant")
    igor = participant(boss.context.browser, link, "Игорь")
    boss.reload()
    expect(boss.get_by_text("Участники: 2")).to_be_visible(timeout=15_000)
    expect(boss.locator('[data-testid="stImage"] img').first).to_be_visible()
    shot(boss, "04-room-join-link-qr")

    # -- Ольга adds a barrier on the board, Игорь an idea to it -------------------------------------------------
    olga.goto(f"{server}/journey?w={workshop_id}&me=Ольга")
    heading(olga, "Карта пути клиента")
    olga.get_by_role("button", name="Барьер").first.click()
    dialog = olga.get_by_role("dialog")
    dialog.get_by_label("Что мешает клиенту").fill(BARRIER)
    dialog.locator('[data-testid="stMultiSelect"]').first.click()
    olga.keyboard.type("Скорость")
    olga.keyboard.press("Enter")
    olga.keyboard.press("Escape")
    dialog.get_by_role("button", name="Сохранить").click()
    expect(dialog).to_be_hidden()
    expect(olga.get_by_role("button", name=BARRIER)).to_be_visible()
    shot(olga, "05-journey-board")

    igor.goto(f"{server}/journey?w={workshop_id}&me=Игорь")
    expect(igor.get_by_role("button", name=BARRIER)).to_be_visible()
    igor.get_by_role("button", name=BARRIER).locator(
        "xpath=following::button[contains(normalize-space(.), 'Идея')][1]").click()
    dialog = igor.get_by_role("dialog")
    dialog.get_by_label("Идея решения").fill(IDEA)
    dialog.get_by_role("button", name="Сохранить").click()
    expect(dialog).to_be_hidden()
    expect(olga.get_by_role("button", name=IDEA)).to_be_visible(timeout=10_000)  # live on the other board

    # -- the facilitator opens the vote; both participants spend dots ----------------------------------------------
    boss.goto(f"{server}/vote?w={workshop_id}")
    heading(boss, "Голосование точками: какие барьеры и идеи важнее")
    expect(boss.locator('[data-test-script-state="running"]')).to_have_count(0)
    boss.get_by_text("Управление голосованием (фасилитатор)").click()
    boss.get_by_label("Точек у каждого участника").fill("3")
    boss.get_by_role("button", name="Открыть голосование").click()
    expect(boss.get_by_role("button", name="Закрыть", exact=True)).to_be_visible()
    for tab, name in ((olga, "Ольга"), (igor, "Игорь")):
        tab.goto(f"{server}/vote?w={workshop_id}&me={name}")
        expect(tab.get_by_text(re.compile(r"осталось 3 из 3"))).to_be_visible()  # drawn whole: nothing moves now
        expect(tab.locator('[data-test-script-state="running"]')).to_have_count(0)
        text = tab.locator('[data-testid="stMarkdownContainer"]', has_text=BARRIER)
        row = tab.locator('[data-testid="stHorizontalBlock"]').filter(has=text).last  # the barrier's own row
        row.locator('[class*="st-key-vote-plus-"] button').first.click()
        expect(tab.get_by_text(re.compile(r"осталось 2 из 3"))).to_be_visible()
    shot(igor, "06-vote")

    # -- both rate CX maturity (a few practices each) ----------------------------------------------------------
    for tab, name, score in ((olga, "Ольга", "4"), (igor, "Игорь", "2")):
        tab.goto(f"{server}/maturity_rate?w={workshop_id}&me={name}")
        for answered in range(3):
            tab.get_by_role("radio", name=score, exact=True).nth(answered).click()
            expect(tab.get_by_text(f"Вы ответили на {answered + 1} из 20")).to_be_visible()
    shot(olga, "07-maturity-rate")
    boss.goto(f"{server}/maturity?w={workshop_id}")
    heading(boss, "Зрелость клиентского опыта")
    shot(boss, "08-maturity")

    # -- the agenda with a started block, then the workbook -------------------------------------------------------
    boss.goto(f"{server}/agenda?w={workshop_id}")
    heading(boss, "Программа двух дней")
    boss.get_by_role("button", name="play_arrow").first.click()
    expect(boss.locator('iframe').first).to_be_visible()
    shot(boss, "09-agenda-timer")

    boss.goto(f"{server}/workbook?w={workshop_id}")
    boss.get_by_role("button", name="Собрать книгу").click()
    with boss.expect_download() as download:
        boss.get_by_role("button", name="Скачать книгу").click()
    path = tmp_path / "workbook.xlsx"
    download.value.save_as(path)
    shot(boss, "10-workbook")

    book = openpyxl.load_workbook(path, read_only=True)
    rows = {title: [[v for v in row] for row in book[title].iter_rows(values_only=True)] for title in book.sheetnames}
    cover = [str(v) for row in rows["Обложка"] for v in row if v is not None]
    assert "Банк Север" in " ".join(cover) and "Ольга" in cover and "Игорь" in cover
    header, *barrier_rows = rows["Барьеры"]
    ours = dict(zip(header, next(r for r in barrier_rows if BARRIER in r)))
    assert ours["Точка контакта"] == "Реклама продукта" and ours["Автор"] == "Ольга"
    assert (ours["Голоса"], ours["Идей"]) == (2, 1)  # one dot from each participant; Игорь's idea
    assert "Скорость операций" in ours["Нарушенные ожидания"]
    ideas = [str(v) for row in rows["Влияние и усилия"] for v in row if v is not None]
    assert IDEA in ideas
    maturity = {row[0]: row[1] for row in rows["Зрелость CX"] if row and row[0] is not None and len(row) > 1}
    assert maturity["Участников оценки"] == 2
    olga.context.close()
    igor.context.close()
