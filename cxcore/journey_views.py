"""What the journey's views show, computed from one journey tree: the emotion curve, the expectations matrix
and the METHOD.md check "at least 6 of 9 met", barriers by department and the cross-team BUT-situations, and
the stage → touchpoint → barrier graph. Plain rows (lists of dicts / frames): the pages only draw them.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxcore import method
from cxcore.journey_model import Barrier, Journey, Touchpoint

LOYALTY_MINIMUM = 6  # the True loyalty segment needs at least 6 of the 9 expectations met at a stage
OPEN = ("open", "in_progress")  # a barrier not solved yet still breaks its expectations


def is_open(barrier: Barrier) -> bool:
    return barrier.status in OPEN


def worst_stage(journey: Journey) -> str | None:
    """The key of the stage with the most open barriers (the first of equals), or None when none is open."""
    counts = [(sum(is_open(b) for tp in s.touchpoints for b in tp.barriers), s.key) for s in journey.stages]
    most = max((n for n, _ in counts), default=0)
    return next((key for n, key in counts if n == most), None) if most else None


def emotion_curve(journey: Journey) -> pd.DataFrame:
    """Per stage in order: stage, emotion (None where not set), barriers, open_barriers."""
    return pd.DataFrame([{
        "stage": stage.key, "emotion": stage.emotion,
        "barriers": sum(len(tp.barriers) for tp in stage.touchpoints),
        "open_barriers": sum(is_open(b) for tp in stage.touchpoints for b in tp.barriers),
    } for stage in journey.stages], columns=["stage", "emotion", "barriers", "open_barriers"])


def expectations_matrix(journey: Journey) -> pd.DataFrame:
    """9 expectations × 8 stages: stage, expectation, barriers (every barrier tagged with it), open_barriers."""
    rows = []
    for stage in journey.stages:
        barriers = [b for tp in stage.touchpoints for b in tp.barriers]
        for key in method.EXPECTATIONS:
            tagged = [b for b in barriers if key in b.expectations]
            rows.append({"stage": stage.key, "expectation": key, "barriers": len(tagged),
                         "open_barriers": sum(is_open(b) for b in tagged)})
    return pd.DataFrame(rows, columns=["stage", "expectation", "barriers", "open_barriers"])


def expectations_met(journey: Journey) -> pd.DataFrame:
    """Per stage: met (of the 9, those no open barrier breaks), broken (the keys), loyalty_ok (met ≥ 6)."""
    matrix = expectations_matrix(journey)
    rows = []
    for stage in (s.key for s in journey.stages):
        broken = matrix[(matrix["stage"] == stage) & (matrix["open_barriers"] > 0)]["expectation"].tolist()
        met = len(method.EXPECTATIONS) - len(broken)
        rows.append({"stage": stage, "met": met, "broken": broken, "loyalty_ok": met >= LOYALTY_MINIMUM})
    return pd.DataFrame(rows, columns=["stage", "met", "broken", "loyalty_ok"])


@dataclass(frozen=True)
class Placed:
    """A barrier with where it sits on the map."""
    barrier: Barrier
    stage: str
    touchpoint: Touchpoint


def placed(journey: Journey) -> list[Placed]:
    return [Placed(b, stage.key, tp) for stage in journey.stages for tp in stage.touchpoints for b in tp.barriers]


def by_department(journey: Journey) -> pd.DataFrame:
    """Barriers per department involved (a barrier of two departments counts for both): department,
    barriers, open_barriers, cross_team (of them, shared with another department), severity (mean)."""
    rows = [{"department": department, "open": is_open(p.barrier), "cross": p.barrier.cross_team,
             "severity": p.barrier.severity}
            for p in placed(journey) for department in (p.barrier.departments or ("",))]
    frame = pd.DataFrame(rows, columns=["department", "open", "cross", "severity"])
    summary = frame.groupby("department", sort=False).agg(
        barriers=("open", "size"), open_barriers=("open", "sum"), cross_team=("cross", "sum"),
        severity=("severity", "mean")).reset_index()
    known = {d: i for i, d in enumerate(method.DEPARTMENTS)}
    order = summary["department"].map(lambda d: known.get(d, len(known)))
    return summary.assign(order=order).sort_values(["order", "barriers"], ascending=[True, False]) \
        .drop(columns="order").reset_index(drop=True)


def cross_team(journey: Journey) -> list[Placed]:
    """The BUT-situations between teams: barriers with more than one department, most severe first."""
    found = [p for p in placed(journey) if p.barrier.cross_team]
    return sorted(found, key=lambda p: (-p.barrier.severity, method.STAGES.index(p.stage)))


@dataclass(frozen=True)
class Node:
    id: str
    kind: str  # stage | touchpoint | barrier
    label: str
    group: str  # the colour: a department (touchpoints, barriers) or "stage"
    size: int


def graph(journey: Journey, stage_names: dict[str, str]) -> tuple[list[Node], list[tuple[str, str]]]:
    """Stages in order (linked one to the next) → touchpoints → barriers; touchpoints and barriers coloured by
    their (first) department, barriers sized by severity. Labels are the cards' own text, shortened."""
    nodes, edges = [], []
    for i, stage in enumerate(journey.stages):
        nodes.append(Node(stage.id, "stage", stage_names[stage.key], "stage", 30))
        if i:
            edges.append((journey.stages[i - 1].id, stage.id))
        for tp in stage.touchpoints:
            nodes.append(Node(tp.id, "touchpoint", shorten(tp.name), tp.owner_department or "", 10))
            edges.append((stage.id, tp.id))
            for barrier in tp.barriers:
                group = barrier.departments[0] if len(barrier.departments) == 1 else (
                    "cross_team" if barrier.departments else "")
                nodes.append(Node(barrier.id, "barrier", shorten(barrier.text), group, 4 + 2 * barrier.severity))
                edges.append((tp.id, barrier.id))
    return nodes, edges


def shorten(text: str, limit: int = 40) -> str:
    """A card's text on one line, cut at `limit` characters with an ellipsis (labels, chart axes)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
