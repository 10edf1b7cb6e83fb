"""The rules of journey values, shared by the editing API and the document import.

`value(name, raw, field)` returns the value as stored (text trimmed, expectations in METHOD order, whole
numbers as int, times as ISO text to the second) or raises JourneyError naming `field`.
"""
from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Callable

from cxcore import method
from cxcore.errors import JourneyError
from cxcore.segments import SEGMENTS


def _text(raw: Any, field: str) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise JourneyError("journey.not_text", field=field)
    return raw.strip()


def _required_text(raw: Any, field: str) -> str:
    text = _text(raw, field)
    if not text:
        raise JourneyError("journey.empty_text", field=field)
    return text


def _is_int(raw: Any) -> bool:
    return isinstance(raw, int) and not isinstance(raw, bool)


def _is_number(raw: Any) -> bool:
    return (_is_int(raw) or isinstance(raw, float)) and math.isfinite(raw)


def number(raw: Any) -> int | float | None:
    """A number as the document writes it: whole numbers without a fraction (2.0 → 2)."""
    if raw is None:
        return None
    return int(raw) if float(raw).is_integer() else float(raw)


def _score(raw: Any, field: str) -> int:
    if not _is_int(raw) or raw not in method.SCORES:
        raise JourneyError("journey.bad_score", field=field)
    return raw


def _emotion(raw: Any, field: str) -> int | None:
    if raw is not None and (not _is_int(raw) or raw not in method.EMOTIONS):
        raise JourneyError("journey.bad_emotion", field=field)
    return raw


def _share(raw: Any, field: str) -> int | float | None:
    if raw is not None and (not _is_number(raw) or not 0 <= raw <= 1):
        raise JourneyError("journey.bad_share", field=field)
    return number(raw)


def _number(raw: Any, field: str) -> int | float | None:
    if raw is not None and not _is_number(raw):
        raise JourneyError("journey.bad_number", field=field)
    return number(raw)


def _position(raw: Any, field: str) -> int:
    if not _is_int(raw) or raw < 0:
        raise JourneyError("journey.bad_position", field=field)
    return raw


def _choice(options: tuple[str, ...]) -> Callable[[Any, str], str]:
    def check(raw: Any, field: str) -> str:
        if raw not in options:
            raise JourneyError("journey.bad_choice", field=field, value=str(raw), allowed=", ".join(options))
        return raw
    return check


def _text_list(raw: Any, field: str) -> list[str]:
    if not isinstance(raw, (list, tuple)):
        raise JourneyError("journey.not_list", field=field)
    items = [_text(item, f"{field}[{i}]") for i, item in enumerate(raw)]
    return list(dict.fromkeys(item for item in items if item))


def _expectations(raw: Any, field: str) -> list[str]:
    keys = _text_list(raw, field)
    if not keys:
        raise JourneyError("journey.no_expectations", field=field)
    for i, key in enumerate(keys):
        _choice(method.EXPECTATIONS)(key, f"{field}[{i}]")
    return sorted(keys, key=method.EXPECTATIONS.index)


def _time(raw: Any, field: str) -> str:
    if isinstance(raw, datetime):
        return raw.isoformat(timespec="seconds")
    try:
        parsed = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is not None:
        raise JourneyError("journey.bad_time", field=field)
    return parsed.isoformat(timespec="seconds")


CHECKS: dict[str, Callable[[Any, str], Any]] = {
    "text": _required_text, "name": _required_text,
    "channel": _text, "owner_department": _text, "author": _text,
    "goal": _text, "actions": _text, "thoughts": _text, "kpi_name": _text,
    "severity": _score, "impact": _score, "effort": _score,
    "emotion": _emotion, "share": _share, "kpi_current": _number, "kpi_target": _number,
    "position": _position, "created_at": _time,
    "evidence": _choice(method.EVIDENCE), "status": _choice(method.STATUSES), "segment": _choice(SEGMENTS),
    "stage": _choice(method.STAGES), "expectations": _expectations, "departments": _text_list,
}


def value(name: str, raw: Any, field: str | None = None) -> Any:
    """`raw` checked and normalised as the column `name` stores it; `field` names it in the error."""
    return CHECKS[name](raw, field or name)


def values(changes: dict[str, Any]) -> dict[str, Any]:
    return {name: value(name, raw) for name, raw in changes.items()}
