"""The business case against numbers worked out by hand, the assumptions as a versioned record, and what the case
says when the data is missing."""
from __future__ import annotations

import json

import pytest

from cxcore import business_case, roadmap
from cxcore.business_case import DEFAULTS, KEYS
from cxcore.errors import ConflictError, RoadmapError
from cxcore.i18n import STRINGS
from cxcore.store import Store
from tests.roadmap_helpers import Room, mapped, with_base


@pytest.fixture
def room(store: Store, tmp_path) -> Room:
    """The mapped room with its base: at_risk has 10 customers and 30 000 ₽ over 18 months. Its journey has three
    barriers of severity 5 (stock), 3 (queue) and 2 (hours): 10 in all. On the roadmap: the reserve idea (fixes
    stock, budget 1 000), a manual item without barriers (budget 500) and a dropped item on the queue (budget
    9 999: counts nowhere)."""
    r = mapped(store)
    with_base(store, tmp_path, r)
    reserve = roadmap.from_idea(store, r.reserve.id, "anna")
    roadmap.update_item(store, reserve, "anna", budget=1000)
    roadmap.add_item(store, r.workshop_id, "anna", "Обучение", budget=500)
    roadmap.add_item(store, r.workshop_id, "anna", "Отменено", barrier_ids=[r.queue.id], budget=9999,
                     status="dropped")
    return r


def test_the_case_by_hand(store, room):
    case = roadmap.business_case(store, room.workshop_id, "en")
    by_hand = {
        "customers": 10, "revenue": 30000, "months": 18,
        "annual_revenue": 20000,  # 30 000 ÷ 18 × 12
        "customers_hurt": 1.8,  # 10 × 18 %
        "complaints": 0.18, "silent": 1.62,  # 1.8 × 10 %, 1.8 × 90 %
        "revenue_at_risk": 1900,  # 20 000 × 9.5 %
        "revenue_at_risk_max": 2940,  # 20 000 × 14.7 %
        "coverage": 0.5,  # severity 5 of 10
        "revenue_kept": 950, "revenue_kept_max": 1470,  # 1 900 × 50 %, 2 940 × 50 %
        "repurchase_gap": 0.61,  # 85 % − 24 %
        "customers_kept": 0.549,  # 1.8 × 50 % × 61 %
        "budget": 1500,  # 1 000 + 500; the dropped item's 9 999 is not counted
        "return_ratio": 950 / 1500,
        **DEFAULTS,
    }
    assert {line.key: pytest.approx(line.value) for line in case.lines} == by_hand
    assert [line.key for line in case.lines][:4] == ["customers", "revenue", "months", "annual_revenue"]
    assert {line.section for line in case.lines if line.key in KEYS} == {"assumption"}
    assert case.segment == "at_risk" and str(case.as_of) == "2025-01-01"
    formulas = {line.key: line.formula for line in case.lines}
    assert formulas["annual_revenue"] == "₽30,000 ÷ 18 months × 12"
    assert formulas["revenue_at_risk"] == "₽20,000 a year × 9.5 %"
    assert formulas["coverage"] == "Severity of the barriers fixed 5 ÷ severity of all barriers 10 (1 of 3 barriers)"
    assert formulas["revenue_kept"] == "₽1,900 × 50 %"
    assert formulas["customers_kept"] == "2 × 50 % × 61 %"
    assert formulas["budget"] == "Sum of the budgets of 2 active items (without a budget: 0)"
    assert formulas["bad_experience"] == "Assumption (default 18 %), editable"
    assert case.line("revenue").formula == "Net revenue (M) of the customers of “At risk of churn” from 2023-07-01 " \
                                           "to 2024-12-31"
    assert case.line("customers").source == "Base “base.csv”, RFM as of 2025-01-01"
    assert case.line("revenue_lost").source.startswith("Qualtrics XM Institute, 2021")
    assert case.line("complain").source.startswith("Public surveys: at most 10 % of hurt customers complain")
    assert (case.line("revenue_kept").shown, case.line("coverage").shown) == ("₽950.00", "50 %")
    assert case.line("acquisition_multiple").shown == "7×"
    ru = roadmap.business_case(store, room.workshop_id, "ru")
    assert ru.line("revenue_at_risk").formula == "20\u202f000 ₽ в год × 9,5 %"
    assert ru.line("revenue_at_risk").label == "Выручка под риском в год"
    assert all(f"case.line.{line.key}" in STRINGS for line in ru.lines)


def test_changed_assumptions_flow_through_and_are_versioned(store, room):
    w = room.workshop_id
    fresh = roadmap.assumptions(store, w)
    assert (fresh.version, fresh.values()) == (0, DEFAULTS)
    saved = roadmap.save_assumptions(store, fresh, "anna", revenue_lost=0.12,
                                     sources={"revenue_lost": "Опрос клиентов «Дома и Техники», 2025"})
    assert (saved.version, saved.revenue_lost, saved.bad_experience) == (1, 0.12, 0.18)
    case = roadmap.business_case(store, w, "en")
    assert case.value("revenue_at_risk") == pytest.approx(2400)  # 20 000 × 12 %
    assert case.value("revenue_kept") == pytest.approx(1200)
    assert case.line("revenue_lost").formula == "Assumption changed in the workshop (default 9.5 %)"
    assert case.line("revenue_lost").source == "Опрос клиентов «Дома и Техники», 2025"
    again = roadmap.save_assumptions(store, saved, "boris", bad_experience=0.3, sources={"revenue_lost": ""})
    assert again.version == 2 and again.sources == {}
    assert roadmap.business_case(store, w, "en").value("customers_hurt") == pytest.approx(3)
    assert roadmap.save_assumptions(store, again, "boris", bad_experience=0.3) is again
    with pytest.raises(ConflictError):
        roadmap.save_assumptions(store, saved, "vera", complain=0.2)
    with pytest.raises(ConflictError):  # a second first save
        roadmap.save_assumptions(store, fresh, "vera")
    for bad in ({"bad_experience": 1.2}, {"complain": -0.1}, {"acquisition_multiple": 0}, {"revenue_lost": "9,5"}):
        with pytest.raises(RoadmapError):
            roadmap.save_assumptions(store, again, "vera", **bad)
    with pytest.raises(ValueError):
        roadmap.save_assumptions(store, again, "vera", churn=0.1)
    log = store.query("SELECT actor, action, version, old_value, new_value FROM change_log "
                      "WHERE entity = 'business_case_assumptions' ORDER BY id")
    assert [row[:3] for row in log] == [("anna", "create", 1), ("boris", "update", 2)]
    assert json.loads(log[1][3])["bad_experience"] == 0.18 and json.loads(log[1][4])["bad_experience"] == 0.3


def test_what_the_case_says_without_data(store):
    room = mapped(store)  # a journey, but no base loaded and no target segment chosen
    case = business_case.business_case(store, room.workshop_id, "en")
    assert case.segment == "at_risk"  # the journey the room mapped
    assert case.value("customers") is None and case.line("customers").shown == "—"
    assert case.line("revenue_at_risk").formula == "Unknown: no customer base loaded"
    assert case.value("coverage") == 0  # nothing on the roadmap yet
    assert case.value("repurchase_gap") == pytest.approx(0.61) and case.value("budget") == 0
    assert case.line("return_ratio").formula == "Unknown: no customer base loaded"
    empty = business_case.business_case(store, business_case.assumptions(store, "x").workshop_id, "ru")
    assert empty.segment is None
    assert empty.line("revenue_kept").formula == "Неизвестно: целевой сегмент не выбран"
    assert empty.value("bad_experience") == 0.18
