"""Reading what people typed into the uploaded workbook's cells: numbers, dates, list choices, departments and text,
each refused (`Bad`, a translation key with its values) rather than guessed when it is not plainly what the
column holds. Formulas are refused too; our own guard against formulas (a quote before dangerous text) comes off.
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

from cxcore import method, safe_text
from cxcore.i18n import LANGUAGES, t
from cxcore.workbook_roadmap import CHOICE_KINDS, choice_name

NUMBER_FIELDS = ("kpi_current", "kpi_target", "budget")


class Bad(Exception):
    """A cell that cannot be used: `key` and `params` say why (the caller adds the column)."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key, self.params = key, params


def typed(cell) -> Any:
    """A cell's value as typed (None for empty or blank text); Bad for a formula."""
    if cell is None or cell.value is None:
        return None
    if cell.data_type == "f":
        raise Bad("workbook.import.formula")
    value = cell.value
    if isinstance(value, str):
        if value.startswith(safe_text.QUOTE) and safe_text.is_dangerous(value[1:]):
            value = value[1:]  # our own guard against formulas, taken off again
        if not value.strip():
            return None
    return value


def field_value(name: str, raw: Any, lang: str) -> Any:
    if name in NUMBER_FIELDS:
        return number(raw)
    if name == "review_on":
        return date_value(raw)
    if name in CHOICE_KINDS:
        return choice(name, raw, lang)
    if name == "department":
        return department(raw)
    if raw is None:
        return None
    if isinstance(raw, (datetime, date)) or isinstance(raw, bool):
        raise Bad("workbook.import.bad_value", detail=t("roadmap.not_text", lang, field=name), value=str(raw))
    return number_text(raw) if isinstance(raw, (int, float)) else raw.strip()


def choice(kind: str, raw: Any, lang: str) -> str:
    names = {key: key for key in CHOICE_KINDS[kind]}
    for code in LANGUAGES:
        names.update({choice_name(kind, key, code).casefold(): key for key in CHOICE_KINDS[kind]})
    found = names.get(str(raw).strip().casefold()) if raw is not None else None
    if found is None:
        allowed = ", ".join(choice_name(kind, key, lang) for key in CHOICE_KINDS[kind])
        raise Bad("workbook.import.bad_choice", value="" if raw is None else str(raw), allowed=allowed)
    return found


def department(raw: Any) -> str | None:
    if raw is None:
        return None
    text = number_text(raw) if isinstance(raw, (int, float)) else str(raw).strip()
    for key in method.DEPARTMENTS:
        if text.casefold() in {key, *(method.name("department", key, lang).casefold() for lang in LANGUAGES)}:
            return key
    return text


_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def number(raw: Any) -> float | int | None:
    """A number cell; a text cell only if it is plainly a number ("12,5", "1 000"): anything else is refused."""
    if raw is None or isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if isinstance(raw, float) and not math.isfinite(raw):
            raise Bad("workbook.import.bad_number", value=str(raw))
        return raw
    if isinstance(raw, str):
        text = re.sub(r"[\s\u00a0\u202f]", "", raw)
        if _NUMBER.match(text):
            return float(text.replace(",", "."))
    raise Bad("workbook.import.bad_number", value=str(raw))


def date_value(raw: Any) -> date | None:
    """A date cell; a text cell only as 2026-01-31 or 31.01.2026. A bare number is refused (not a date cell)."""
    if raw is None:
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                return datetime.strptime(raw.strip(), pattern).date()
            except ValueError:
                pass
    raise Bad("workbook.import.bad_date", value=str(raw))


def exported_date(cell) -> date | None:
    """The hidden date a recorded KPI value was exported with (None for an empty slot)."""
    try:
        return date_value(typed(cell))
    except Bad:
        return None


def plain_id(cell) -> str | None:
    value = None if cell is None else cell.value
    if value is None or cell.data_type == "f":
        return None
    text = str(value).strip()
    return text or None


def plain_int(cell) -> int | None:
    value = None if cell is None else cell.value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer():
        return None
    return int(value)


def number_text(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def same(old: Any, new: Any) -> bool:
    """Equal as stored: numbers to rounding (a spreadsheet may write 15 digits), empty text as no text."""
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (old, new))
    if numbers:
        return math.isclose(old, new, rel_tol=1e-12, abs_tol=1e-9)
    if isinstance(old, str) or isinstance(new, str):
        return (old or "") == (new or "")
    return old == new


def header(ws, col: int) -> str:
    return str(ws.cell(row=1, column=col).value or "")


def jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value
