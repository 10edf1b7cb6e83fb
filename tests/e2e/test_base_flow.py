"""Day 1 in a real browser: open the demo workshop's base, load a client export, refresh, switch language."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def metric(page, label: str):
    return page.locator("[data-testid='stMetric']", has_text=label).locator("[data-testid='stMetricValue']")


def test_load_a_client_export_and_keep_it_after_a_refresh(server, page, shared_samples):
    page.goto(f"{server}/base?w=demo")
    expect(page.get_by_role("heading", name="Клиентская база")).to_be_visible()
    expect(metric(page, "Клиенты")).to_have_text("50\u202f802")

    page.locator("input[type=file]").set_input_files(str(shared_samples / "tab_cp1251.txt"))
    expect(page.get_by_text("Первые строки и роли колонок")).to_be_visible()
    page.get_by_role("button", name="Загрузить базу").click()
    expect(page.get_by_text("Загружено строк: 300 из 301; отклонено: 1.")).to_be_visible()
    expect(metric(page, "Клиенты")).to_have_text("60")
    expect(metric(page, "Выручка")).to_have_text("527\u202f107,25 ₽")

    page.reload()
    expect(page.get_by_role("heading", name="Клиентская база")).to_be_visible()
    expect(metric(page, "Клиенты")).to_have_text("60")
    expect(page.get_by_text(re.compile(r"Отклонённые строки: 1"))).to_be_visible()


def test_switch_to_english_at_one_click(server, page):
    page.goto(f"{server}/workshop?w=demo")
    expect(page.get_by_role("heading", name="Дом и Техника")).to_be_visible()
    page.get_by_text("EN", exact=True).click()
    expect(page.get_by_text("1. Customer base: load the export and check the load report.")).to_be_visible()
    page.get_by_role("link", name="Customer base").first.click()
    expect(page.get_by_role("heading", name="Customer base")).to_be_visible()
    expect(metric(page, "Customers")).to_have_text("50,802")
