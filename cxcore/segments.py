"""The five main segments and the editable rule table that maps each R × FM cell to one of them (METHOD.md)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Mapping

from cxcore.errors import RfmError

SEGMENTS = ("champions", "loyal", "promising", "at_risk", "lost")
SCORES = (1, 2, 3, 4, 5)
# A cell is named by its R score then its FM score: "15" = R 1, FM 5 (long gone, high value).
CELLS = tuple(f"{r}{fm}" for r in SCORES for fm in SCORES)
CORE = ("champions", "loyal")  # the customers whose revenue the base-quality alert watches

DEFAULT_CELLS: dict[str, tuple[str, ...]] = {
    "champions": ("55", "54", "45"),
    "loyal": ("53", "44", "35", "34", "52", "42", "33", "43"),
    "promising": ("51", "41", "31"),
    "at_risk": ("32", "23", "22", "21", "25", "24", "13", "15", "14"),
    "lost": ("12", "11"),
}
DEFAULT_CANT_LOSE = ("15", "14")  # inside at_risk: high value slipping away


def fm_score(f_score: int, m_score: int) -> int:
    """FM = (F + M) / 2 rounded half up."""
    return (f_score + m_score + 1) // 2


@dataclass(frozen=True)
class SegmentRules:
    """Which segment each of the 25 cells belongs to, and which at_risk cells are "can't lose them".

    `segments[i]` is the segment of `CELLS[i]`; build one with `SegmentRules.from_mapping` (validated).
    Hashable, so a cached computation can be keyed by it.
    """

    segments: tuple[str, ...]
    cant_lose: tuple[str, ...] = DEFAULT_CANT_LOSE

    @classmethod
    def from_mapping(cls, cells: Mapping[str, Any], cant_lose: Any = DEFAULT_CANT_LOSE) -> "SegmentRules":
        """From {segment: [cells]} as the METHOD table writes it; refuses a cell left out or given twice."""
        owner: dict[str, list[str]] = {}
        for segment, listed in cells.items():
            if segment not in SEGMENTS:
                raise RfmError("rfm.rules_bad_segment", segment=segment, segments=", ".join(SEGMENTS))
            for cell in listed:
                owner.setdefault(_cell(cell), []).append(segment)
        twice = [c for c in CELLS if len(owner.get(c, [])) > 1]
        if twice:
            raise RfmError("rfm.rules_twice", cells=", ".join(twice))
        missing = [c for c in CELLS if c not in owner]
        if missing:
            raise RfmError("rfm.rules_unassigned", cells=", ".join(missing))
        flagged = tuple(dict.fromkeys(_cell(c) for c in cant_lose))
        outside = [c for c in flagged if owner[c][0] != "at_risk"]
        if outside:
            raise RfmError("rfm.cant_lose_outside", cells=", ".join(outside))
        return cls(tuple(owner[c][0] for c in CELLS), flagged)

    @classmethod
    def from_text(cls, cells: Mapping[str, str], cant_lose: str = "") -> "SegmentRules":
        """From the rule table as typed: {segment: "55, 54, 45"} (any separator between the cells)."""
        return cls.from_mapping({segment: cells_in(text) for segment, text in cells.items()}, cells_in(cant_lose))

    def to_text(self) -> dict[str, str]:
        """{segment: "55, 54, 45"}: the rule table as the editor shows it."""
        return {segment: ", ".join(cells) for segment, cells in self.to_mapping().items()}

    def to_mapping(self) -> dict[str, list[str]]:
        """{segment: [cells]} in METHOD order, cells from the best (55) down."""
        found: dict[str, list[str]] = {s: [] for s in SEGMENTS}
        for cell, segment in sorted(zip(CELLS, self.segments), reverse=True):
            found[segment].append(cell)
        return found

    def segment(self, r_score: int, fm: int) -> str:
        return self.segments[(r_score - 1) * 5 + fm - 1]

    def segment_codes(self) -> list[int]:
        """The segment of each cell as its index in SEGMENTS: the list the scoring SQL indexes."""
        return [SEGMENTS.index(s) for s in self.segments]

    def cant_lose_flags(self) -> list[bool]:
        return [cell in self.cant_lose for cell in CELLS]

    def to_json(self) -> str:
        return json.dumps({"segments": self.to_mapping(), "cant_lose": list(self.cant_lose)})

    @classmethod
    def from_json(cls, text: str | None) -> "SegmentRules":
        if not text:
            return DEFAULT_RULES
        data = json.loads(text)
        return cls.from_mapping(data["segments"], data.get("cant_lose", ()))


def cells_in(text: str | None) -> list[str]:
    """The cells named in a typed list: "55, 54 45;35" → ["55", "54", "45", "35"]."""
    return [cell for cell in re.split(r"[^0-9]+", text or "") if cell]


def _cell(value: Any) -> str:
    cell = str(value).strip()
    if cell not in CELLS:
        raise RfmError("rfm.rules_bad_cell", cell=cell)
    return cell


DEFAULT_RULES = SegmentRules.from_mapping(DEFAULT_CELLS, DEFAULT_CANT_LOSE)
