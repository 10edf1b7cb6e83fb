"""Checks of typed values shared by the editable records (agenda blocks, parking items…): each returns the clean
value or None, and the record's module raises its own error naming the field."""
from __future__ import annotations

from typing import Any


def text(raw: Any, most: int, required: bool) -> str | None:
    """The text stripped, if it has at most `most` characters (and at least one when `required`); an absent
    optional text is ""; anything else (a number, a list, too long) is None."""
    if raw is None and not required:
        return ""
    value = raw.strip() if isinstance(raw, str) else None
    if value is None or len(value) > most or (required and not value):
        return None
    return value
