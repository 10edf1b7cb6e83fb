"""The fixed vocabulary of the method (METHOD.md) as ordered keys; names live in i18n (`stage.need`, ...)."""
from __future__ import annotations

from cxcore.i18n import t

STAGES = ("need", "search", "choice", "purchase", "receipt", "use", "service", "recommend")
EXPECTATIONS = ("need", "promises", "material", "emotional", "speed", "simplicity", "transparency", "support",
                "comfort")
DEPARTMENTS = ("marketing", "sales", "service")  # any other department is typed in as free text
CHANNELS = ("site", "app", "store", "call_centre", "email", "sms", "messenger", "social", "ads", "courier",
            "pickup_point", "marketplace", "manager")  # free text allowed too
EVIDENCE = ("data", "customers", "assumed")  # observed in data / reported by customers / assumed
STATUSES = ("open", "in_progress", "solved")
QUADRANTS = ("quick_win", "big_bet", "fill_in", "time_sink")
EMOTIONS = (-2, -1, 0, 1, 2)
SCORES = (1, 2, 3, 4, 5)

# Marketing owns "find", sales owns "buy", service owns "use" (editable per journey).
DEFAULT_OWNERS = {
    "need": "marketing", "search": "marketing", "choice": "marketing",
    "purchase": "sales", "receipt": "sales",
    "use": "service", "service": "service", "recommend": "service",
}

# The translation-key prefix of each vocabulary; a stage's principle is `stage.<key>.principle`.
PREFIXES = {"stage": STAGES, "expectation": EXPECTATIONS, "department": DEPARTMENTS, "channel": CHANNELS,
            "evidence": EVIDENCE, "status": STATUSES, "quadrant": QUADRANTS}


def quadrant(impact: int, effort: int) -> str:
    """Quick win: impact ≥ 4 and effort ≤ 2; big bet: impact ≥ 4; fill-in: effort ≤ 2; else time sink."""
    if impact >= 4:
        return "quick_win" if effort <= 2 else "big_bet"
    return "fill_in" if effort <= 2 else "time_sink"


def name(kind: str, key: str, lang: str) -> str:
    """The name of a vocabulary key (`name("channel", "site", "en")`); free text (not a key) shows itself."""
    return t(f"{kind}.{key}", lang) if key in PREFIXES[kind] else key


def principle(stage: str, lang: str) -> str:
    return t(f"stage.{stage}.principle", lang)
