"""The journey board live in two real browsers: one participant adds a touchpoint in its dialog, the other sees
it appear without touching anything; a refresh keeps the name and the card."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_card_added_by_one_participant_appears_for_the_other_within_seconds(server, page):
    other = page.context.browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    other.set_default_timeout(60_000)
    other.goto(f"{server}/journey?w=demo&me=Игорь")
    expect(other.get_by_role("heading", name="Карта пути клиента")).to_be_visible()

    page.goto(f"{server}/journey?w=demo&me=Ольга")
    expect(page.get_by_role("heading", name="Карта пути клиента")).to_be_visible()
    page.get_by_role("button", name="Точка контакта").first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    page.wait_for_timeout(5000)  # the board under the dialog re-reads twice meanwhile: the dialog stays open
    expect(dialog).to_be_visible()
    dialog.get_by_label("Название").fill("Чат-бот на сайте")
    dialog.get_by_role("button", name="Сохранить").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Чат-бот на сайте")).to_be_visible()

    # the other browser did nothing: its board shows the new card by itself (2 s polling)
    expect(other.get_by_role("button", name="Чат-бот на сайте")).to_be_visible(timeout=8_000)

    page.reload()
    expect(page.get_by_role("button", name="Чат-бот на сайте")).to_be_visible()
    expect(page.get_by_text("Как вас зовут?")).to_have_count(0)  # the name rides in the link
    other.context.close()
