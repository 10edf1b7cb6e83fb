"""Deterministic generator of the small messy customer-base files in data/samples (used by the tests).

Each file is written line by line together with what the loader must make of every line, so the load
report in `expected.json` (and the table in README.md) comes from the generator's own bookkeeping,
never from the loader under test.

Usage:  python data/samples/make_samples.py [--out DIR]      (default: this folder)
"""
from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
NBSP = "\u00a0"
FIRST_DAY = date(2024, 1, 1)


class Sample:
    """Lines of one file, and for each row whether it loads (customer, day, amount) or why not."""

    def __init__(self, name: str, about: str, encoding: str, newline: str) -> None:
        self.name, self.about, self.encoding, self.newline = name, about, encoding, newline
        self.lines: list[str] = []
        self.loaded: list[tuple[str, date, float]] = []
        self.rejects: list[tuple[int, str]] = []

    def line(self, text: str) -> None:
        """A title, header or blank line: not a row."""
        self.lines.append(text)

    def good(self, text: str, customer: str, day: date, amount: float) -> None:
        self.lines.append(text)
        self.loaded.append((customer, day, amount))

    def bad(self, text: str, reason: str) -> None:
        self.lines.append(text)
        self.rejects.append((len(self.lines), reason))

    def data(self) -> bytes:
        return (self.newline.join(self.lines) + self.newline).encode(self.encoding)

    def report(self) -> dict:
        days = [day for _, day, _ in self.loaded]
        return {
            "rows_read": len(self.loaded) + len(self.rejects),
            "rows_loaded": len(self.loaded),
            "rows_rejected": len(self.rejects),
            "customers": len({customer for customer, _, _ in self.loaded}),
            "revenue": round(sum(amount for _, _, amount in self.loaded), 2),
            "date_min": min(days).isoformat(),
            "date_max": max(days).isoformat(),
            "rejected_rows": [row for row, _ in self.rejects],
            "reject_reasons": {str(row): reason for row, reason in self.rejects},
        }


def ru_money(amount: float, thousands: str = " ") -> str:
    """1234.5 → '1 234,50' (the thousands mark given)."""
    text = f"{abs(amount):,.2f}".replace(",", thousands).replace(".", ",")
    return ("-" if amount < 0 else "") + text


def random_amount(rng: random.Random) -> float:
    amount = round(rng.uniform(150, 48000), 2)
    return -round(amount / 3, 2) if rng.random() < 0.08 else amount  # a few returns


def random_day(rng: random.Random) -> date:
    return FIRST_DAY + timedelta(days=rng.randrange(366))


def one_c() -> Sample:
    """1C report: cp1251, ';', CRLF, title rows, code and name columns, NBSP thousands, a totals row."""
    s = Sample("1c_semicolon_title_rows.csv", "1C sales report saved as CSV: cp1251, `;`, CRLF, three title "
               "rows and a separators-only line above the header, both `Код клиента` and `Клиент` columns "
               "(the code is the id), customer codes with leading zeros (one with outer spaces), names in "
               "quotes with `;` and `\"\"` inside, decimal commas with non-breaking-space thousands, some "
               "`руб.` marks, returns, `;;;;` and blank lines among the rows, an impossible date, a missing "
               "amount, a missing code and a totals row labelled in the second column.", "cp1251", "\r\n")
    rng = random.Random(1)
    names = ["Иванов И.И.", "Петрова А.С.", '"ООО ""Вектор"""', '"ИП Сидоров; розница"', "Кузнецов П.П.",
             "Смирнова Е.В.", '"АО ""Север"""', "Волков Д.А."]
    s.line("Отчёт по продажам за 2024 год;;;;")
    s.line("Организация:;ООО «Ромашка»;;;")
    s.line("Период:;01.01.2024 - 31.12.2024;;;")
    s.line(";;;;")
    s.line("Код клиента;Клиент;Дата продажи;Сумма, руб.;Склад")
    s.good("0000021;Иванов И.И.;05.01.2024;1\u00a0234,50;Москва", "0000021", date(2024, 1, 5), 1234.50)
    s.good(" 0000123 ;Петрова А.С.;06.01.2024;12\u00a0000,00 руб.;Тверь", "0000123", date(2024, 1, 6), 12000.0)
    s.good("0000021;Иванов И.И.;07.02.2024;-234,50;Москва", "0000021", date(2024, 2, 7), -234.50)
    for i in range(52):
        code = f"{rng.randrange(1, 40):07d}"
        day, amount = random_day(rng), random_amount(rng)
        mark = " руб." if i % 5 == 0 else ""
        name, store = rng.choice(names), rng.choice(["Москва", "Тверь"])
        s.good(f"{code};{name};{day:%d.%m.%Y};{ru_money(amount, NBSP)}{mark};{store}", code, day, amount)
        if i == 20:
            s.line(";;;;")
        if i == 35:
            s.line("")
        if i == 10:
            s.bad("0000031;Волков Д.А.;31.02.2024;5\u00a0000,00;Москва", "bad_date")
        if i == 30:
            s.bad("0000032;Смирнова Е.В.;12.03.2024;;Тверь", "no_amount")
        if i == 40:
            s.bad(";Кузнецов П.П.;14.03.2024;700,00;Тверь", "no_customer")
    total = sum(amount for _, _, amount in s.loaded)
    s.bad(f";Итого;;{ru_money(total, NBSP)};", "totals")
    return s


def crm() -> Sample:
    """CRM export: UTF-8 with BOM, ',', quoted fields, ISO date-times, order ids, one broken line."""
    s = Sample("crm_export_comma_quoted.csv", "CRM export: UTF-8 with BOM, `,`, LF, English headers with an "
               "order id, names quoted with commas and `\"\"` inside, ISO date-times (`2024-03-05 14:22:10`, "
               "`2024-03-05T14:22:10Z`), point decimals with quoted `1,234.50` thousands, refunds, a broken "
               "line (an unquoted comma in a name gives an extra field), a missing customer id, a date "
               "`n/a`, an amount `—` and a `Total` line.", "utf-8-sig", "\n")
    rng = random.Random(2)
    people = ['"Smith, John"', '"O""Neil, Kate"', "Anna Lee", '"Brown, Bob"', "Ivan Petrov", '"Ng, Tom"']
    s.line("Order ID,Customer ID,Customer,Order Date,Revenue,Channel")
    s.good('SO-10001,C-0042,"Smith, John",2024-03-05 14:22:10,"1,234.50",web', "C-0042", date(2024, 3, 5), 1234.5)
    s.good('SO-10002,C-0042,"Smith, John",2024-03-09T09:00:00Z,-99.90,store', "C-0042", date(2024, 3, 9), -99.9)
    for i in range(48):
        customer = f"C-{rng.randrange(1, 30):04d}"
        day, amount = random_day(rng), random_amount(rng)
        when = f"{day.isoformat()} {rng.randrange(24):02d}:{rng.randrange(60):02d}:00"
        if i % 4 == 0:
            when = when.replace(" ", "T") + "Z"
        money = f'"{amount:,.2f}"' if abs(amount) >= 1000 else f"{amount:.2f}"
        s.good(f"SO-{10003 + i},{customer},{rng.choice(people)},{when},{money},{rng.choice(['web', 'app', 'store'])}",
               customer, day, amount)
        if i == 12:
            s.bad("SO-20001,C-0007,Doe, Jane,2024-04-02 10:00:00,10.00,web", "broken_line")
        if i == 24:
            s.bad('SO-20002,,"Guest, Walk-in",2024-04-03 11:00:00,55.00,store', "no_customer")
        if i == 30:
            s.bad("SO-20003,C-0008,Anna Lee,n/a,70.00,web", "bad_date")
        if i == 40:
            s.bad("SO-20004,C-0009,Ivan Petrov,2024-05-01 12:00:00,—,app", "bad_amount")
    s.bad(f'Total,,,,"{sum(a for _, _, a in s.loaded):,.2f}",', "totals")
    return s


def aligned() -> Sample:
    """A report printed to text: UTF-16 with BOM, columns aligned with runs of spaces."""
    s = Sample("aligned_columns.txt", "A report printed to a text file: UTF-16 LE with BOM, CRLF, columns "
               "aligned with runs of spaces (single spaces inside names, dates with times and amounts with "
               "space thousands), a title and a date line above the header, a blank line, an amount `н/д`, "
               "and a `Всего` line with fewer columns than the rows.", "utf-16", "\r\n")
    rng = random.Random(3)
    names = ["Иванов Иван", "Петрова Анна", "Сидоров Пётр", "Кузнецова Ольга", "Орлов Илья", "Зайцева Мария",
             "Морозов Олег"]

    def row(name: str, when: str, money: str) -> str:
        return f"{name:<20}{when:<20}{money:>14}"

    s.line("Продажи по клиентам")
    s.line("Сформировано 01.07.2024 09:00")
    s.line("")
    s.line(row("Клиент", "Дата операции", "Сумма"))
    for i in range(40):
        name = rng.choice(names)
        day, amount = random_day(rng), random_amount(rng)
        s.good(row(name, f"{day:%d.%m.%Y} {rng.randrange(9, 21):02d}:{rng.randrange(60):02d}", ru_money(amount)),
               name, day, amount)
        if i == 15:
            s.bad(row("Орлов Илья", "03.04.2024 12:00", "н/д"), "bad_amount")
    s.line("")
    s.bad(f"{'Всего':<40}{ru_money(sum(a for _, _, a in s.loaded)):>14}", "totals")
    return s


def bank() -> Sample:
    """An acquiring register: UTF-8, '|', YYYYMMDD dates, masked card numbers, a trailing separator."""
    s = Sample("bank_pipe_yyyymmdd.txt", "Bank acquiring register: UTF-8 without BOM, `|`, LF, a trailing `|` "
               "on every line, masked card numbers as customer ids (`Номер карты`), dates `YYYYMMDD` with the "
               "time in its own column, point decimals, refunds, impossible (`20240230`), empty and "
               "implausible (`19000101`) dates, a line without a card and a totals line.", "utf-8", "\n")
    rng = random.Random(4)
    cards = [f"427655******{rng.randrange(10000):04d}" for _ in range(12)]
    s.line("Номер карты|Дата операции|Время|Сумма операции|Валюта|Торговая точка|")
    for i in range(45):
        card = rng.choice(cards)
        day, amount = random_day(rng), random_amount(rng)
        s.good(f"{card}|{day:%Y%m%d}|{rng.randrange(24):02d}:{rng.randrange(60):02d}:00|{amount:.2f}|RUB|"
               f"Магазин №{rng.randrange(1, 4)}|", card, day, amount)
        if i == 5:
            s.bad(f"{cards[0]}|20240230|10:00:00|100.00|RUB|Магазин №1|", "bad_date")
        if i == 15:
            s.bad(f"{cards[1]}||10:00:00|100.00|RUB|Магазин №1|", "no_date")
        if i == 25:
            s.bad(f"{cards[2]}|19000101|10:00:00|100.00|RUB|Магазин №2|", "implausible_date")
        if i == 35:
            s.bad("|20240612|10:00:00|100.00|RUB|Магазин №3|", "no_customer")
    s.bad(f"Итого операций: {len(s.loaded)}||||RUB||", "totals")
    return s


SAMPLES = (one_c, crm, aligned, bank)


def readme(samples: list[Sample]) -> str:
    lines = [
        "# Messy customer-base samples (generated)",
        "",
        "Small files like the ones clients bring, each with the load report `cxcore.ingest.load` must give.",
        "`tests/test_ingest.py` loads every one and compares with `expected.json`; a test also checks that",
        "these files are exactly what `make_samples.py` writes, so regenerate rather than edit:",
        "",
        "    .venv/bin/python data/samples/make_samples.py",
        "",
        "Row numbers are line numbers, counting title lines and the header (line 1 is the first line of",
        "the file); blank lines and lines of separators only are not rows.",
        "",
    ]
    for sample in samples:
        r = sample.report()
        rejected = ", ".join(f"{row} ({reason})" for row, reason in sample.rejects)
        lines += [
            f"## `{sample.name}`",
            "",
            sample.about,
            "",
            "| rows_read | rows_loaded | rows_rejected | customers | revenue | date_min | date_max |",
            "|---|---|---|---|---|---|---|",
            f"| {r['rows_read']} | {r['rows_loaded']} | {r['rows_rejected']} | {r['customers']} | "
            f"{r['revenue']:.2f} | {r['date_min']} | {r['date_max']} |",
            "",
            f"Rejected rows: {rejected}.",
            "",
        ]
    return "\n".join(lines)


def write(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    samples = [make() for make in SAMPLES]
    written = []
    for sample in samples:
        (out / sample.name).write_bytes(sample.data())
        written.append(out / sample.name)
    expected = {sample.name: sample.report() for sample in samples}
    (out / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / "README.md").write_text(readme(samples), encoding="utf-8")
    return written + [out / "expected.json", out / "README.md"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write to (default: %(default)s)")
    for path in write(parser.parse_args().out):
        print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
