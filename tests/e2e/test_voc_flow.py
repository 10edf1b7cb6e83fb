"""The voice of the customer in two real browsers: one participant accepts a barrier suggested by the customers'
comments on the VoC page, and the other, who sits on the journey board, sees it appear with its support count."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_workshop_flow import shot

pytestmark = pytest.mark.e2e
TEXT = "Курьер приезжает не в обещанное окно"


def test_a_suggested_barrier_accepted_on_the_voc_page_appears_on_the_board(server, page):
    board = page.context.browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    board.set_default_timeout(60_000)
    board.goto(f"{server}/journey?w=demo&me=Игорь")
    expect(board.get_by_role("heading", name="Карта пути клиента")).to_be_visible()

    page.goto(f"{server}/voc?w=demo&me=Ольга")
    expect(page.get_by_role("heading", name="Голос клиента")).to_be_visible()
    expect(page.get_by_text("Этапы × ожидания")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Сообщили клиенты: отзывов \d+"))).not_to_have_count(0)
    shot(page, "11_voc")
    page.get_by_label("Текст барьера").first.fill(TEXT)
    page.get_by_label("Текст барьера").first.press("Enter")
    page.get_by_role("button", name="Принять").first.click()

    # the board did nothing: the barrier appears by itself, with the comments that support it
    barrier = board.get_by_role("button", name=TEXT)
    expect(barrier).to_be_visible(timeout=10_000)
    expect(board.get_by_text(re.compile(r"отзывов: \d+ \(сегмент: \d+\)"))).not_to_have_count(0)
    barrier.scroll_into_view_if_needed()
    shot(board, "12_board_with_the_customers_barrier")
    board.context.close()
