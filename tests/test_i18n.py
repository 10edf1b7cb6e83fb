"""The translation table: both languages for every key, the same placeholders, every key used exists."""
from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path

import pytest

from cxcore.i18n import STRINGS, fmt_date, fmt_money, fmt_number, t

PROJECT = Path(__file__).resolve().parent.parent


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_key_has_both_languages_with_the_same_placeholders(key):
    ru, en = STRINGS[key]
    assert ru.strip() and en.strip()
    assert placeholders(ru) == placeholders(en)


def test_every_key_used_in_the_code_is_in_the_table():
    sources = [*PROJECT.joinpath("cxcore").rglob("*.py"), *PROJECT.joinpath("pages").glob("*.py"),
               PROJECT / "app.py", PROJECT / "ui.py"]
    used = set()
    pattern = re.compile(r"""(?:\btr|\bt|Error|Found)\(\s*f?["']([a-z_]+\.[a-z_.]+)["']""")
    for path in sources:
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert used, "the scan found no keys at all"
    assert sorted(used - set(STRINGS)) == []


def test_reject_reasons_of_the_loader_are_all_translated():
    sql = (PROJECT / "cxcore" / "ingest.py").read_text(encoding="utf-8")
    codes = set(re.findall(r"THEN '([a-z_]+)'", sql))
    assert codes and {f"reject.{c}" for c in codes} <= set(STRINGS)


def test_t_fills_placeholders_and_shows_unknown_keys():
    assert t("reject.bad_date", "ru", value="31.02.2024") == "неверная дата «31.02.2024»"
    assert t("reject.bad_date", "en", value="31.02.2024") == "invalid date '31.02.2024'"
    assert t("no.such.key", "en") == "no.such.key"


def test_numbers_money_and_dates_in_each_language():
    assert fmt_number(1234567.891, "ru", 2) == "1\u202f234\u202f567,89"
    assert fmt_number(1234567.891, "en", 2) == "1,234,567.89"
    assert fmt_money(1892365245.76, "ru") == "1,89 млрд ₽"
    assert fmt_money(1892365245.76, "en") == "₽1.89 bn"
    assert fmt_money(12345678, "ru") == "12,3 млн ₽"
    assert fmt_money(527107.25, "ru") == "527\u202f107,25 ₽"
    assert fmt_date(date(2025, 11, 30), "ru") == "30.11.2025"
    assert fmt_date(None, "en") == "—"
