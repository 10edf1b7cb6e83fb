"""The roadmap of a workshop (METHOD step 4 and 6): barriers and ideas prioritised by impact and effort (the
quadrant), the room's dots and the reach in the data; items with an owner, a department, a horizon, a KPI and a
next review; KPI actuals for the months after; the business case; the contact policy per segment.

This module gathers the API; the work is done in
    roadmap_model   the records (RoadmapItem, KpiActual), the vocabulary and the rules of values
    roadmap_items   items: add, from an idea or a maturity gap, update, delete, restore, order
    roadmap_kpi     the KPI's dated actual values and the trend frame
    roadmap_reach   reach from the data and the ranked ideas and barriers
    votes           dot voting
    business_case   the assumptions and the case, line by line
    contact_policy  the contact and content policy per segment
Pages poll `stamp` (any roadmap change) or `votes.stamp` (dots only) and re-read when it moves; the ranked
ideas also move with the journey (`journey.stamp`).
"""
from __future__ import annotations

from cxcore import votes
from cxcore.business_case import (DEFAULTS, KEYS, Assumptions, BusinessCase, CaseLine, assumptions,
                                  business_case, save_assumptions)
from cxcore.contact_policy import GOLDEN_RULE, Policy, policies, policy, save_policy
from cxcore.roadmap_items import (add_item, check_value, deleted_items, delete_item, from_idea, from_maturity,
                                  get_item, item_votes, items, restore_item, update_item)
from cxcore.roadmap_kpi import actuals, add_actual, add_actuals, delete_actual, item_actuals, kpi_trend
from cxcore.roadmap_model import (ACTIVE, HORIZONS, REQUIRED, SOURCES, STATUSES, KpiActual, RoadmapItem,
                                  quadrant_of)
from cxcore.roadmap_reach import (RankedBarrier, RankedIdea, Reach, SegmentFigures, ranked_barriers, ranked_ideas,
                                  reach, segment_figures)
from cxcore.store import Store
from cxcore.votes import (VoteState, cast, close_vote, dots_left, my_dots, open_vote, reopen_vote, retract, tally,
                          turnout, vote_state)

__all__ = [
    "RoadmapItem", "KpiActual", "Reach", "RankedIdea", "RankedBarrier", "SegmentFigures", "VoteState",
    "Assumptions", "BusinessCase", "CaseLine", "Policy",
    "SOURCES", "HORIZONS", "STATUSES", "ACTIVE", "REQUIRED", "DEFAULTS", "KEYS", "GOLDEN_RULE", "ENTITIES",
    "stamp", "items", "get_item", "add_item", "from_idea", "from_maturity", "update_item", "delete_item",
    "restore_item", "deleted_items", "item_votes", "check_value", "quadrant_of",
    "add_actual", "add_actuals", "actuals", "item_actuals", "delete_actual", "kpi_trend",
    "open_vote", "close_vote", "reopen_vote", "vote_state", "cast", "retract", "tally", "dots_left", "my_dots",
    "turnout", "reach", "ranked_ideas", "ranked_barriers", "segment_figures",
    "assumptions", "save_assumptions", "business_case", "policies", "policy", "save_policy",
]

# What the change log calls roadmap changes.
ENTITIES = ("roadmap_items", "roadmap_kpi_actuals", *votes.ENTITIES, "business_case_assumptions",
            "contact_policies")


def stamp(store: Store, workshop_id: str) -> int:
    """A number that grows with every roadmap change of the workshop (items, KPI values, dots, the vote, the
    assumptions, the policies): re-read only when it moved."""
    marks = ", ".join("?" * len(ENTITIES))
    return store.query_one(f"SELECT coalesce(max(id), 0) FROM change_log WHERE workshop_id = ? AND entity IN ({marks})",
                           [workshop_id, *ENTITIES])[0]
