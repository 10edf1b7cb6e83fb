"""RFM: the definitions of METHOD.md on hand-made bases, cut-point modes, segment rules, migration, the alert,
export and settings; checked against a plain-Python reading of the definitions and on the demo base.

Every base is a small CSV written into tmp_path and loaded through the real loader.
"""
from __future__ import annotations

import io
import json
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cxcore import base, ingest, quality, rfm, rfm_export, rfm_settings, segments
from cxcore.errors import ConflictError, RfmError
from cxcore.quality import QualityAlert
from cxcore.rfm import CutPoints, CutSpec
from cxcore.segments import DEFAULT_RULES, SEGMENTS, SegmentRules
from cxcore.store import Store, open_store

D = date


def load(store: Store, tmp_path: Path, rows: list[tuple], name: str = "w", orders: bool = False) -> tuple[str, int]:
    """Load (customer, date, amount[, order id]) rows as a workshop's base; the id of the workshop and base."""
    header = "customer;date;amount" + (";order" if orders else "")
    lines = [header] + [";".join("" if v is None else str(v) for v in row[:4 if orders else 3]) for row in rows]
    path = tmp_path / f"{name}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ingest.load(store, path, workshop_name=name)
    assert report.rows_rejected == 0
    return report.workshop_id, base.current_base_id(store, report.workshop_id)


def by_customer(result: rfm.RfmResult) -> dict[str, tuple]:
    """customer → (R, F, M, R score, F score, M score, segment)."""
    frame = result.customers
    return {r.customer_id: (None if pd.isna(r.recency_days) else int(r.recency_days), int(r.frequency),
                            float(r.monetary), int(r.r_score), int(r.f_score), int(r.m_score), str(r.segment))
            for r in frame.itertuples()}


# -- a plain reading of METHOD.md, to check the SQL against --------------------------------------------
def reference_rfm(rows: list[tuple], as_of: date) -> dict[str, tuple]:
    """customer → (R, F, M) straight from the definitions."""
    orders: dict[tuple, list] = {}
    for customer, day, amount, *order in rows:
        day = date.fromisoformat(day)
        if day >= as_of:
            continue
        key = (customer, "order", order[0]) if order and order[0] else (customer, "day", day)
        first, net = orders.get(key, (day, 0.0))
        orders[key] = (min(first, day), net + amount)
    found: dict[str, list] = {}
    for (customer, *_), (day, net) in orders.items():
        last, count, total = found.get(customer, (None, 0, 0.0))
        if net > 0:
            last, count = max(last, day) if last else day, count + 1
        found[customer] = (last, count, total + net)
    return {c: ((as_of - last).days if last else None, count, round(total, 2))
            for c, (last, count, total) in found.items()}


def reference_cuts(values: list[float]) -> tuple:
    """quantile_disc at 20/40/60/80 %: the value at sorted position ceil(n·k/5)."""
    ordered = sorted(v for v in values if v is not None)
    return tuple(ordered[-(-len(ordered) * k // 5) - 1] for k in (1, 2, 3, 4))


def reference_score(value, cuts, reverse=False) -> int:
    if value is None:
        return 1
    exceeded = sum(value > c for c in cuts)
    return 5 - exceeded if reverse else 1 + exceeded


# -- the definitions ----------------------------------------------------------------------------------
def test_returns_same_day_rows_and_the_as_of_boundary(store, tmp_path):
    rows = [
        ("A", "2024-01-10", 100, None), ("A", "2024-01-10", 50, None), ("A", "2024-02-01", 80, None),  # same day: 1 order
        ("B", "2024-01-05", 200, None), ("B", "2024-01-20", -200, None),  # a return on its own day is no order
        ("C", "2024-01-15", 100, None), ("C", "2024-01-15", -100, None),  # bought and returned the same day: net 0
        ("D", "2024-01-25", -50, None),  # returns only
        ("E", "2024-02-29", 10.5, None),  # the day before the as-of date: R = 1
        ("F", "2024-03-01", 999, None),  # on the as-of date: not counted
        ("0070", "2024-02-10", 30, None),
    ]
    workshop_id, base_id = load(store, tmp_path, rows)
    result = rfm.compute(store, workshop_id, base_id, D(2024, 3, 1))
    got = {c: v[:3] for c, v in by_customer(result).items()}
    assert got == {
        "A": (29, 2, 230.0), "B": (56, 1, 0.0), "C": (None, 0, 0.0), "D": (None, 0, -50.0), "E": (1, 1, 10.5),
        "0070": (20, 1, 30.0),
    }
    assert got == reference_rfm(rows, D(2024, 3, 1))
    assert result.as_of == D(2024, 3, 1)
    # the default as-of date is the day after the last transaction: F's day counts then
    later = rfm.compute(store, workshop_id, base_id)
    assert later.as_of == D(2024, 3, 2) == rfm.default_as_of(store, base_id)
    assert by_customer(later)["F"][:3] == (1, 1, 999.0)
    assert by_customer(later)["E"][:3] == (2, 1, 10.5)


def test_order_ids_define_orders_and_rows_without_one_fall_back_to_the_day(store, tmp_path):
    rows = [
        ("A", "2024-01-10", 100, "1"), ("A", "2024-01-10", 50, "2"),  # one day, two orders
        ("B", "2024-01-10", 100, "3"), ("B", "2024-01-12", 20, "3"),  # one order over two days: dated by its first
        ("C", "2024-01-05", 100, "4"), ("C", "2024-01-07", -100, "4"),  # returned within the order: net 0
        ("D", "2024-01-05", 100, "5"), ("D", "2024-01-09", -30, "6"),  # a return with its own order id
        ("E", "2024-01-10", 40, None), ("E", "2024-01-10", 60, None), ("E", "2024-01-11", 5, None),
    ]
    workshop_id, base_id = load(store, tmp_path, rows, orders=True)
    result = rfm.compute(store, workshop_id, base_id, D(2024, 2, 1))
    got = {c: v[:3] for c, v in by_customer(result).items()}
    assert got == {"A": (22, 2, 150.0), "B": (22, 1, 120.0), "C": (None, 0, 0.0), "D": (27, 1, 70.0),
                   "E": (21, 2, 105.0)}
    assert got == reference_rfm(rows, D(2024, 2, 1))


def test_customers_with_no_positive_order_are_kept_and_scored(store, tmp_path):
    rows = [(f"P{i}", f"2024-01-{i + 1:02d}", 100 * (i + 1), None) for i in range(8)]
    rows += [("R1", "2024-01-03", -40, None), ("R2", "2024-01-03", 25, None), ("R2", "2024-01-03", -25, None)]
    workshop_id, base_id = load(store, tmp_path, rows)
    result = rfm.compute(store, workshop_id, base_id, D(2024, 2, 1))
    got = by_customer(result)
    assert len(got) == 10
    for customer in ("R1", "R2"):
        recency, frequency, _, r_score, f_score, m_score, segment = got[customer]
        assert (recency, frequency, r_score, f_score) == (None, 0, 1, 1)
        assert segment == DEFAULT_RULES.segment(1, segments.fm_score(f_score, m_score))
    assert result.summary["customers"].sum() == 10
    assert result.cut_points.recency == reference_cuts([v[0] for v in got.values()])  # R of 8, not 10


def test_equal_values_get_equal_scores_and_scores_follow_the_cut_points(store, tmp_path):
    frequencies = [1, 1, 1, 1, 1, 1, 2, 2, 3, 4]
    rows = [(f"C{i}", f"2024-01-{day + 1:02d}", 10, None) for i, f in enumerate(frequencies) for day in range(f)]
    workshop_id, base_id = load(store, tmp_path, rows)
    result = rfm.compute(store, workshop_id, base_id, D(2024, 2, 1))
    assert result.cut_points.frequency == (1, 1, 1, 2)
    got = by_customer(result)
    assert {got[f"C{i}"][4] for i in range(6)} == {1}  # six customers with F = 1: one score
    assert [got[f"C{i}"][4] for i in range(6, 10)] == [4, 4, 5, 5]
    assert {got[f"C{i}"][5] for i in range(6)} == {1}  # and equal M (10 each) too


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_bases_match_the_plain_definitions(store, tmp_path, seed):
    rng = random.Random(seed)
    rows = []
    for n in range(rng.randint(40, 160)):
        customer = f"{n:05d}"
        for _ in range(rng.randint(1, 6)):
            day = (D(2023, 1, 1) + timedelta(days=rng.randint(0, 500))).isoformat()
            order = rng.choice([None, f"Z{rng.randint(1, 400)}"])
            amount = rng.choice([rng.randint(1, 50) * 100, round(rng.uniform(-500, 3000), 2), 0, -100])
            rows.append((customer, day, amount, order))
            if rng.random() < 0.2:  # a second line of the same order or day
                rows.append((customer, day, round(rng.uniform(-50, 300), 2), order))
    workshop_id, base_id = load(store, tmp_path, rows, orders=True)
    as_of = D(2024, 3, 15)
    result = rfm.compute(store, workshop_id, base_id, as_of)
    want = reference_rfm(rows, as_of)
    got = by_customer(result)
    assert {c: v[:3] for c, v in got.items()} == want
    cuts = [reference_cuts([v[i] for v in want.values()]) for i in range(3)]
    assert (result.cut_points.recency, result.cut_points.frequency, result.cut_points.monetary) == tuple(cuts)
    for customer, (recency, frequency, monetary) in want.items():
        scores = (reference_score(recency, cuts[0], reverse=True), reference_score(frequency, cuts[1]),
                  reference_score(monetary, cuts[2]))
        assert got[customer][3:6] == scores
        assert got[customer][6] == DEFAULT_RULES.segment(scores[0], segments.fm_score(*scores[1:]))


@pytest.mark.parametrize("orders", [False, True])
def test_a_base_of_one_row_per_order_gives_the_same_rfm_without_the_group_by_order(store, tmp_path, orders):
    """Its load found every order (an order id, or a customer's day) to be one row: RFM reads the rows as the
    orders, and customers, cut points, summary, grid, migration and quality series are what the GROUP BY
    order gives."""
    rng = random.Random(11)
    rows = []
    for n in range(150):
        for k, day in enumerate(rng.sample(range(500), rng.randint(1, 6))):
            amount = rng.choice([rng.randint(1, 50) * 100, round(rng.uniform(-500, 3000), 2), 0, -100])
            rows.append((f"{n:05d}", (D(2023, 1, 1) + timedelta(days=day)).isoformat(), amount,
                         f"Z{n}-{k}" if orders and k % 3 else None))
    workshop_id, base_id = load(store, tmp_path, rows, orders=orders)
    first, as_of = D(2023, 9, 1), D(2024, 3, 15)

    def everything(one_row: bool) -> list:
        with rfm.scoring(store, workshop_id, base_id) as work:
            assert work.orders_are_rows is one_row
        result = rfm.compute(store, workshop_id, base_id, as_of)
        return [result.customers.sort_values("customer_id", ignore_index=True), result.summary, result.grid,
                result.cut_points, rfm.migration(store, workshop_id, base_id, first, as_of).cells,
                quality.quality_series(store, workshop_id, base_id, [first, as_of], period_months=3).segments]

    by_rows = everything(True)
    assert {c: v[:3] for c, v in by_customer(rfm.compute(store, workshop_id, base_id, as_of)).items()} == \
        reference_rfm(rows, as_of)
    with store.write("test") as tx:
        tx.execute("UPDATE bases SET orders_are_rows = NULL WHERE id = ?", [base_id])  # as a base loaded before
    by_orders = everything(False)
    for got, want in zip(by_rows, by_orders):
        if isinstance(got, pd.DataFrame):
            pd.testing.assert_frame_equal(got, want)
        else:
            assert got == want


def test_a_single_customer_base(store, tmp_path):
    workshop_id, base_id = load(store, tmp_path, [("ONLY", "2024-05-01", 500, None), ("ONLY", "2024-05-03", 250, None)])
    result = rfm.compute(store, workshop_id, base_id)
    assert by_customer(result) == {"ONLY": (1, 2, 750.0, 5, 1, 1, "promising")}
    cuts = result.cut_points
    assert (cuts.recency, cuts.frequency, cuts.monetary) == ((1,) * 4, (2,) * 4, (750,) * 4)
    assert result.summary.set_index("segment").at["promising", "customer_share"] == 1.0


def test_all_customers_equal(store, tmp_path):
    rows = [(f"C{i}", "2024-05-01", 99.9, None) for i in range(7)]
    workshop_id, base_id = load(store, tmp_path, rows)
    got = by_customer(rfm.compute(store, workshop_id, base_id))
    assert set(got.values()) == {(1, 1, 99.9, 5, 1, 1, "promising")}


def test_fm_is_the_mean_of_f_and_m_rounded_half_up():
    assert [segments.fm_score(f, m) for f, m in [(1, 1), (1, 2), (2, 3), (3, 3), (4, 5), (5, 5), (1, 5)]] == [
        1, 2, 3, 3, 5, 5, 3]


# -- summary and grid ---------------------------------------------------------------------------------
def test_segment_summary_and_grid(store, tmp_path):
    rows = [(f"C{i}", f"2024-0{1 + i % 5}-{1 + i:02d}", 100 * (i + 1), None) for i in range(20)]
    rows += [(f"C{i}", "2024-06-01", 50, None) for i in range(0, 20, 3)]
    workshop_id, base_id = load(store, tmp_path, rows)
    result = rfm.compute(store, workshop_id, base_id)
    frame, summary = result.customers, result.summary.set_index("segment")
    assert list(result.summary["segment"]) == list(SEGMENTS)
    assert summary["customers"].sum() == 20 and summary["customer_share"].sum() == pytest.approx(1.0)
    assert summary["revenue"].sum() == pytest.approx(frame["monetary"].sum())
    assert summary["revenue_share"].sum() == pytest.approx(1.0)
    for segment, group in frame.groupby("segment", observed=True):
        row = summary.loc[segment]
        assert row["customers"] == len(group)
        assert row["revenue"] == pytest.approx(group["monetary"].sum())
        assert row["avg_recency"] == pytest.approx(group["recency_days"].astype(float).mean())
        assert row["avg_frequency"] == pytest.approx(group["frequency"].mean())
        assert row["avg_order_value"] == pytest.approx(group["monetary"].sum() / group["frequency"].sum())
        assert row["revenue_per_customer"] == pytest.approx(group["monetary"].mean())
    grid = result.grid
    assert len(grid) == 25 and grid["customers"].sum() == 20
    counted = frame.groupby(["r_score", "fm_score"]).size()
    for cell in grid.itertuples():
        assert cell.customers == counted.get((cell.r_score, cell.fm_score), 0)
        assert cell.segment == DEFAULT_RULES.segment(cell.r_score, cell.fm_score)


# -- cut-point modes ----------------------------------------------------------------------------------
def growing_base() -> list[tuple]:
    """40 customers buying over 2023–2024; half of the best stop in 2024."""
    rows = []
    for i in range(40):
        for month in range(1, 25):
            if month % (1 + i % 6) == 0 and not (i < 12 and month > 14):
                day = D(2023, 1, 1) + timedelta(days=30 * (month - 1) + i % 20)
                rows.append((f"K{i:02d}", day.isoformat(), 100 + 37 * i, None))
    return rows


def test_frozen_cut_points_are_those_of_the_baseline(store, tmp_path):
    workshop_id, base_id = load(store, tmp_path, growing_base())
    baseline, later = D(2024, 1, 1), D(2025, 1, 1)
    at_baseline = rfm.compute(store, workshop_id, base_id, baseline)
    frozen = rfm.compute(store, workshop_id, base_id, later, CutSpec("frozen", baseline))
    requantiled = rfm.compute(store, workshop_id, base_id, later)
    assert frozen.cut_points == CutPoints("frozen", at_baseline.cut_points.recency, at_baseline.cut_points.frequency,
                                          at_baseline.cut_points.monetary, baseline)
    assert requantiled.cut_points.as_of == later and requantiled.cut_points != at_baseline.cut_points
    assert rfm.cut_points(store, workshop_id, base_id, later, CutSpec("frozen", baseline)) == frozen.cut_points
    cuts = frozen.cut_points
    for customer, (recency, frequency, monetary, *scores, _) in by_customer(frozen).items():
        assert scores == [reference_score(recency, cuts.recency, True), reference_score(frequency, cuts.frequency),
                          reference_score(monetary, cuts.monetary)]
    assert CutSpec.parse("frozen:2024-01-01") == CutSpec("frozen", baseline)
    assert CutSpec.parse("quantile") == CutSpec()


def test_business_thresholds(store, tmp_path):
    as_of = D(2024, 12, 31)
    rows = [(name, (as_of - timedelta(days=days)).isoformat(), 1000, None)
            for name, days in [("d30", 30), ("d31", 31), ("d90", 90), ("d365", 365), ("d366", 366)]]
    workshop_id, base_id = load(store, tmp_path, rows)
    spec = CutSpec("thresholds", thresholds=CutPoints.thresholds([30, 90, 180, 365], [1, 2, 3, 5], [500, 1000, 2000, 5000]))
    result = rfm.compute(store, workshop_id, base_id, as_of, spec)
    assert {c: v[3:6] for c, v in by_customer(result).items()} == {
        "d30": (5, 1, 2), "d31": (4, 1, 2), "d90": (4, 1, 2), "d365": (2, 1, 2), "d366": (1, 1, 2)}
    assert result.cut_points.to_json() == {"mode": "thresholds", "as_of": None, "recency": [30, 90, 180, 365],
                                           "frequency": [1, 2, 3, 5], "monetary": [500, 1000, 2000, 5000]}
    assert CutSpec("thresholds").thresholds.recency == (30, 90, 180, 365)  # the defaults


@pytest.mark.parametrize("recency", [[30, 90, 90, 365], [30, 90, 180], [-1, 90, 180, 365], ["a", 1, 2, 3],
                                     [30, 90, 180, float("nan")]])
def test_thresholds_must_be_four_increasing_numbers(recency):
    with pytest.raises(RfmError) as refused:
        CutPoints.thresholds(recency, [1, 2, 3, 5], [1, 2, 3, 4])
    assert refused.value.message("en").startswith("R thresholds: four increasing numbers")
    assert refused.value.message("ru").startswith("Границы R: нужны четыре возрастающих числа")


@pytest.mark.parametrize("text", ["quantiles", "frozen", "frozen:2024-02-30", "frozen:01.02.2024", "thresholds:1"])
def test_unknown_cut_point_modes_are_refused(text):
    with pytest.raises(RfmError, match="Unknown cut-point mode"):
        CutSpec.parse(text)


def test_frozen_needs_a_baseline_with_customers(store, tmp_path):
    workshop_id, base_id = load(store, tmp_path, [("A", "2024-05-01", 10, None)])
    with pytest.raises(RfmError, match="baseline date"):
        CutSpec("frozen")
    with pytest.raises(RfmError) as refused:
        rfm.compute(store, workshop_id, base_id, None, CutSpec("frozen", D(2024, 5, 1)))
    assert refused.value.message("en") == "The base has no transaction before 2024-05-01: choose a later date."
    assert "До 2024-05-01 в базе нет ни одной транзакции" in refused.value.message("ru")


# -- segment rules ------------------------------------------------------------------------------------
def test_the_default_rules_are_the_method_table():
    mapping = DEFAULT_RULES.to_mapping()
    assert sorted(c for cells in mapping.values() for c in cells) == sorted(segments.CELLS)
    assert set(mapping["champions"]) == {"55", "54", "45"}
    assert set(mapping["loyal"]) == {"53", "44", "35", "34", "52", "42", "33", "43"}
    assert set(mapping["promising"]) == {"51", "41", "31"}
    assert set(mapping["at_risk"]) == {"32", "23", "22", "21", "25", "24", "13", "15", "14"}
    assert set(mapping["lost"]) == {"12", "11"}
    assert DEFAULT_RULES.cant_lose == ("15", "14")
    assert SegmentRules.from_json(DEFAULT_RULES.to_json()) == DEFAULT_RULES


def rules_without(cell: str) -> dict[str, list[str]]:
    return {s: [c for c in cells if c != cell] for s, cells in segments.DEFAULT_CELLS.items()}


@pytest.mark.parametrize("change, key, en, ru", [
    (lambda m: rules_without("33"), "rfm.rules_unassigned", "Cells without a segment: 33.", "Ячейки без сегмента: 33."),
    (lambda m: {**m, "lost": [*m["lost"], "55", "44"]}, "rfm.rules_twice",
     "Cells assigned to more than one segment: 44, 55.", "Ячейки отнесены к нескольким сегментам: 44, 55."),
    (lambda m: {**m, "lost": [*m["lost"], "56"]}, "rfm.rules_bad_cell", "Unknown cell “56”", "Неизвестная ячейка «56»"),
    (lambda m: {**m, "vip": ["55"]}, "rfm.rules_bad_segment", "Unknown segment “vip”", "Неизвестный сегмент «vip»"),
])
def test_a_rule_set_with_a_gap_or_an_overlap_is_refused_in_both_languages(change, key, en, ru):
    mapping = {s: list(c) for s, c in segments.DEFAULT_CELLS.items()}
    with pytest.raises(RfmError) as refused:
        SegmentRules.from_mapping(change(mapping))
    assert refused.value.key == key
    assert refused.value.message("en").startswith(en) and refused.value.message("ru").startswith(ru)


def test_cant_lose_flags_only_at_risk_cells_and_marks_their_customers(store, tmp_path):
    with pytest.raises(RfmError, match="At risk of churn"):
        SegmentRules.from_mapping(segments.DEFAULT_CELLS, cant_lose=["15", "55"])
    # one high-value customer long gone (R 1, FM 5), the others recent and small
    rows = [("BIG", "2022-01-05", 90000, None), ("BIG", "2022-02-05", 90000, None), ("BIG", "2022-03-05", 90000, None)]
    rows += [(f"S{i}", f"2024-0{1 + i % 9}-10", 100 + i, None) for i in range(12)]
    workshop_id, base_id = load(store, tmp_path, rows)
    result = rfm.compute(store, workshop_id, base_id)
    big = result.customers.set_index("customer_id").loc["BIG"]
    assert (big["r_score"], big["fm_score"], big["segment"], big["cant_lose"]) == (1, 5, "at_risk", True)
    assert result.customers["cant_lose"].sum() == 1
    assert result.summary.set_index("segment").at["at_risk", "cant_lose"] == 1


def test_edited_rules_are_applied(store, tmp_path):
    rows = [(f"C{i}", f"2024-0{1 + i % 9}-1{i % 10}", 100 * (i + 1), None) for i in range(30)]
    workshop_id, base_id = load(store, tmp_path, rows)
    everyone_lost = SegmentRules.from_mapping({"lost": segments.CELLS}, cant_lose=())
    result = rfm.compute(store, workshop_id, base_id, None, CutSpec(), everyone_lost)
    assert set(result.customers["segment"]) == {"lost"}
    assert result.summary.set_index("segment").loc["lost", "customers"] == 30
    assert result.summary.set_index("segment").loc["champions", "customers"] == 0


# -- migration ----------------------------------------------------------------------------------------
def test_migration_rows_add_up_to_the_from_segments_and_new_customers_have_their_row(store, tmp_path):
    rows = growing_base() + [("NEW1", "2024-06-01", 500, None), ("NEW2", "2024-07-01", 50, None),
                             ("NEW2", "2024-08-01", -10, None), ("ONLYLATE", "2025-03-01", 70, None)]
    workshop_id, base_id = load(store, tmp_path, rows)
    first, last = D(2024, 1, 1), D(2025, 1, 1)
    moves = rfm.migration(store, workshop_id, base_id, first, last)
    cells = moves.cells
    before = rfm.compute(store, workshop_id, base_id, first)
    after = rfm.compute(store, workshop_id, base_id, last, CutSpec("frozen", first))
    assert moves.cut_points == before.cut_points
    sizes = before.summary.set_index("segment")["customers"]
    rows_sums = cells.groupby("from_segment")["customers"].sum()
    for segment in SEGMENTS:
        assert rows_sums.get(segment, 0) == sizes[segment]
    assert rows_sums["new"] == 2  # NEW1, NEW2; ONLYLATE bought after the later date
    assert cells["customers"].sum() == len(after.customers)
    columns = after.summary.set_index("segment")["customers"]
    for segment, n in cells.groupby("to_segment")["customers"].sum().items():
        assert n == columns[segment]
    # each customer's move, and the net revenue between the two dates
    was = before.customers.set_index("customer_id")["segment"].astype(str)
    now = after.customers.set_index("customer_id")["segment"].astype(str)
    between = {}
    for customer, day, amount, _ in rows:
        if first <= D.fromisoformat(day) < last:
            between[customer] = between.get(customer, 0) + amount
    want = {}
    for customer, segment in now.items():
        key = (was.get(customer, "new"), segment)
        n, revenue = want.get(key, (0, 0.0))
        want[key] = (n + 1, revenue + between.get(customer, 0))
    got = {(r.from_segment, r.to_segment): (r.customers, r.revenue) for r in cells.itertuples()}
    assert got.keys() == want.keys()
    for key, (n, revenue) in want.items():
        assert got[key][0] == n and got[key][1] == pytest.approx(revenue, abs=0.01)
    assert moves.to_json()["cells"][0].keys() == {"from_segment", "to_segment", "customers", "revenue"}
    matrix = moves.matrix()
    assert len(matrix) == 6 * 5 and matrix["customers"].sum() == cells["customers"].sum()
    assert list(matrix["from_segment"].unique()) == [*SEGMENTS, "new"]
    for segment, share in matrix.groupby("from_segment")["row_share"].sum().items():
        assert share == pytest.approx(1.0 if rows_sums.get(segment, 0) else 0.0)
    size, stayed, slid = moves.kept("champions")
    champions = cells[cells["from_segment"] == "champions"].set_index("to_segment")["customers"]
    assert size == sizes["champions"]
    assert stayed == pytest.approx(champions.get("champions", 0) / size)
    assert slid == pytest.approx((champions.get("at_risk", 0) + champions.get("lost", 0)) / size)


def test_migration_needs_the_from_date_first(store, tmp_path):
    workshop_id, base_id = load(store, tmp_path, [("A", "2024-05-01", 10, None)])
    with pytest.raises(RfmError) as refused:
        rfm.migration(store, workshop_id, base_id, D(2024, 6, 1), D(2024, 6, 1))
    assert refused.value.message("en") == "The “from” date (2024-06-01) must be before the “to” date (2024-06-01)."


# -- base quality over time ---------------------------------------------------------------------------
def fading_base(drop: float) -> list[tuple]:
    """Each month 10 loyal big spenders (a `drop` share of them replaced by small newcomers in the last year)."""
    rows = []
    for month in range(24):
        day = D(2023, 1, 1) + timedelta(days=31 * month)
        stay = 10 if month < 12 else round(10 * (1 - drop))
        for i in range(10):
            if i < stay:
                rows.append((f"BIG{i}", day.isoformat(), 1000, None))
            else:
                rows.append((f"NEW{month}-{i}", day.isoformat(), 100, None))
        for i in range(5):
            rows.append((f"SMALL{i}-{month % 3}", day.isoformat(), 60, None))
    return rows


def test_the_alert_fires_when_the_count_holds_and_the_best_customers_bring_less(store, tmp_path):
    workshop_id, base_id = load(store, tmp_path, fading_base(0.3))
    first, last = D(2024, 1, 1), D(2025, 1, 1)
    series = quality.quality_series(store, workshop_id, base_id, quality.series_dates(first, last, "quarter"),
                                    period_months=1)
    assert list(series.totals["as_of"]) == [D(2024, 1, 1), D(2024, 4, 1), D(2024, 7, 1), D(2024, 10, 1), D(2025, 1, 1)]
    assert series.cut_points.mode == "frozen" and series.cut_points.as_of == first
    alert = series.alert()
    assert (alert.active_first, alert.active_last) == (15, 15)
    assert alert.core_revenue_last < alert.core_revenue_first * 0.95
    assert alert.fired
    assert alert.message("en").startswith("From 2024-01-01 to 2025-01-01 the number of active customers barely moved "
                                          "(15 → 15, 0.0 %)")
    assert "База ухудшается" in alert.message("ru")
    assert quality.quality_alert(store, workshop_id, base_id, first, last) == alert
    # thresholds are editable: a 40 % drop is needed now
    assert not series.alert(revenue_drop_pct=40).fired
    # each date's segments add up to that date's customers (frozen ruler)
    for as_of, group in series.segments.groupby("as_of"):
        assert group["customers"].sum() == len(rfm.compute(store, workshop_id, base_id, as_of).customers)


def test_no_alert_when_the_best_customers_hold(store, tmp_path):
    workshop_id, base_id = load(store, tmp_path, fading_base(0.0))
    alert = quality.quality_alert(store, workshop_id, base_id, D(2024, 1, 1), D(2025, 1, 1))
    assert not alert.fired
    assert alert.message("en").endswith("No sign of the base getting worse.")


def test_alert_arithmetic():
    def alert(active_last, revenue_last):
        return QualityAlert(D(2024, 1, 1), D(2025, 1, 1), 1000, active_last, 100.0, revenue_last)

    assert alert(1049, 94.9).fired and alert(951, 94.9).fired
    assert not alert(1050, 94.9).fired and not alert(950, 50).fired  # the count moved 5 %: not "flat"
    assert not alert(1000, 95.0).fired  # fell by exactly 5 %: not "more than"
    assert alert(1000, 80).core_revenue_change_pct == pytest.approx(-20)
    assert QualityAlert(D(2024, 1, 1), D(2025, 1, 1), 0, 10, 0.0, 5.0).fired is False


def test_series_dates():
    assert quality.series_dates(D(2024, 1, 31), D(2024, 5, 1)) == [D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 31),
                                                                   D(2024, 4, 30)]
    assert quality.series_dates(D(2024, 1, 1), D(2024, 12, 31), "quarter")[-1] == D(2024, 10, 1)
    with pytest.raises(RfmError):
        quality.series_dates(D(2024, 1, 1), D(2024, 12, 31), "week")


# -- export -------------------------------------------------------------------------------------------
def test_csv_and_xlsx_export(store, tmp_path):
    rows = [("007", "2024-05-01", 10.005, None), ("B", "2024-05-02", -5, None), ("A", "2024-04-01", 1234.5, None)]
    workshop_id, base_id = load(store, tmp_path, rows)
    result = rfm.compute(store, workshop_id, base_id)
    text = rfm_export.csv_bytes(result).decode("utf-8")
    assert text.splitlines()[0] == "customer_id,recency_days,frequency,monetary,r_score,f_score,m_score,segment"
    assert text.splitlines()[1:] == ["007,2,1,10.01,5,2,2,loyal", "A,32,1,1234.50,3,2,4,loyal", "B,,0,-5.00,1,1,1,lost"]
    book = openpyxl.load_workbook(io.BytesIO(rfm_export.xlsx_bytes(result, "en")))
    sheet = book["Customers"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == ["Customer ID", "R, days", "F, orders", "M, ₽", "R score", "F score",
                                           "M score", "Segment"]
    assert [c.value for c in sheet[2]] == ["007", 2, 1, 10.01, 5, 2, 2, "Loyal"]
    assert [c.value for c in sheet[4]] == ["B", None, 0, -5, 1, 1, 1, "Lost"]
    assert sheet.column_dimensions["A"].width >= 12 and sheet.column_dimensions["H"].width >= 20
    about = {row[0].value: row[1].value for row in book["Settings"].iter_rows()}
    assert about["Score cut points"] == "Quintiles of this period"
    ru = openpyxl.load_workbook(io.BytesIO(rfm_export.xlsx_bytes(result, "ru")))
    assert ru["Клиенты"]["H2"].value == "Лояльные"


# -- settings -----------------------------------------------------------------------------------------
def test_settings_default_then_saved_versioned_and_logged(store, tmp_path):
    workshop_id, _ = load(store, tmp_path, [("A", "2024-05-01", 10, None)])
    fresh = rfm_settings.get(store, workshop_id)
    assert (fresh.version, fresh.spec, fresh.rules, fresh.target_segment) == (0, CutSpec(), DEFAULT_RULES, None)
    saved = rfm_settings.save(store, fresh, "anna", cut_mode="frozen", baseline_as_of=D(2024, 1, 1),
                              target_segment="at_risk")
    assert saved.version == 1 and saved.spec == CutSpec("frozen", D(2024, 1, 1))
    assert rfm_settings.get(store, workshop_id) == saved
    assert rfm_settings.target_segment(store, workshop_id) == "at_risk"
    thresholds = rfm_settings.save(store, saved, "boris", cut_mode="thresholds",
                                   thresholds={"recency": [7, 30, 60, 90], "frequency": [1, 2, 3, 4],
                                               "monetary": [10, 20, 30, 40]}, alert_revenue_pct=10)
    assert thresholds.version == 2 and thresholds.spec.thresholds.recency == (7, 30, 60, 90)
    assert thresholds.alert_revenue_pct == 10
    recency_only = rfm_settings.save(store, thresholds, "boris", thresholds={"recency": [14, 30, 60, 90]})
    assert recency_only.thresholds.recency == (14, 30, 60, 90) and recency_only.thresholds.monetary == (10, 20, 30, 40)
    log = store.query("""SELECT actor, action, version, new_value FROM change_log WHERE entity = 'rfm_settings'
                         ORDER BY id""")
    assert [row[:3] for row in log] == [("anna", "create", 1), ("boris", "update", 2), ("boris", "update", 3)]
    assert json.loads(log[1][3])["recency_thresholds"] == [7, 30, 60, 90]
    with pytest.raises(ConflictError):  # saved from a stale read
        rfm_settings.save(store, saved, "carla", target_segment="lost")
    assert rfm_settings.get(store, workshop_id) == recency_only
    with pytest.raises(ConflictError):  # a second "first save"
        rfm_settings.save(store, fresh, "carla", target_segment="lost")


@pytest.mark.parametrize("changes, key", [
    ({"target_segment": "vip"}, "rfm.bad_segment"),
    ({"cut_mode": "frozen"}, "rfm.no_baseline"),
    ({"cut_mode": "deciles"}, "rfm.bad_mode"),
    ({"rules": rules_without("11")}, "rfm.rules_unassigned"),
    ({"alert_count_pct": -1}, "rfm.bad_alert_pct"),
])
def test_invalid_settings_are_refused_and_nothing_is_written(store, tmp_path, changes, key):
    workshop_id, _ = load(store, tmp_path, [("A", "2024-05-01", 10, None)])
    current = rfm_settings.save(store, rfm_settings.get(store, workshop_id), "anna", target_segment="loyal")
    with pytest.raises(RfmError) as refused:
        rfm_settings.save(store, current, "anna", **changes)
    assert refused.value.key == key
    assert rfm_settings.get(store, workshop_id) == current


# -- the demo base ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(demo_db: Path, tmp_path_factory) -> tuple[Store, int]:
    path = tmp_path_factory.mktemp("rfm_demo") / "demo.duckdb"
    shutil.copy(demo_db, path)
    store = open_store(path)
    yield store, base.current_base_id(store, "demo")
    store.close()


def test_the_demo_base_falls_into_the_five_segments(demo):
    store, base_id = demo
    result = rfm.compute(store, "demo", base_id)
    assert result.as_of == D(2025, 12, 1)
    assert len(result.customers) == result.customers["customer_id"].nunique() == 50802
    assert set(result.customers["segment"]) == set(SEGMENTS)
    assert result.summary["customers"].sum() == 50802
    assert result.summary["revenue"].sum() == pytest.approx(base.summary(store, "demo").revenue, abs=0.05)
    assert (result.customers["frequency"] == 0).sum() == 30  # the return-only customers, kept
    assert dict(zip(result.summary["segment"], result.summary["customers"])) == {
        "champions": 9551, "loyal": 13905, "promising": 4528, "at_risk": 16086, "lost": 6732}


def test_the_demo_tells_its_story(demo):
    """Active customers flat a year apart while champions + loyal bring a fifth less (frozen ruler)."""
    store, base_id = demo
    first, last = D(2024, 12, 1), D(2025, 12, 1)
    alert = quality.quality_alert(store, "demo", base_id, first, last)
    assert alert.fired
    assert (alert.active_first, alert.active_last) == (6511, 6452)
    assert abs(alert.active_change_pct) < 1
    assert alert.core_revenue_change_pct == pytest.approx(-20.6, abs=0.1)
    # measured with the ruler of the first date, the true loyalty segment shrinks; re-computed quintiles hide it
    frozen = rfm.compute(store, "demo", base_id, last, CutSpec("frozen", first)).summary.set_index("segment")
    before = rfm.compute(store, "demo", base_id, first).summary.set_index("segment")
    requantiled = rfm.compute(store, "demo", base_id, last).summary.set_index("segment")
    assert frozen.at["champions", "customers"] < before.at["champions", "customers"] < requantiled.at["champions", "customers"]
    moves = rfm.migration(store, "demo", base_id, first, last).cells
    assert moves.groupby("from_segment")["customers"].sum()["champions"] == before.at["champions", "customers"]


@pytest.mark.parametrize("typed, numbers", [
    ("30; 90; 180; 365", ["30", "90", "180", "365"]), ("30,90,180,365", ["30", "90", "180", "365"]),
    ("30, 90, 180, 365", ["30", "90", "180", "365"]), ("30 90 180 365", ["30", "90", "180", "365"]),
    ("1,5; 2; 3; 5", ["1.5", "2", "3", "5"]), ("2 000 / 5 000 / 15\u202f000 / 50 000", ["2000", "5000", "15000", "50000"]),
    ("", [])])
def test_typed_thresholds_are_read_as_people_type_them(typed, numbers):
    assert rfm.numbers_in(typed) == numbers


def test_typed_thresholds_round_trip_and_bad_ones_name_the_measure():
    cuts = CutPoints.from_text("30; 90; 180; 365", "1,5; 2; 3; 5", "2 000; 5 000; 15 000; 50 000")
    assert cuts.frequency == (1.5, 2, 3, 5) and cuts.monetary == (2000, 5000, 15000, 50000)
    assert CutPoints.from_text(**cuts.texts()) == cuts
    with pytest.raises(RfmError) as refused:
        CutPoints.from_text("30; 90; 180; 365", "1; 2; 3", "1; 2; 3; 4")
    assert refused.value.message("ru").startswith("Границы F: нужны четыре возрастающих числа")
    changes = rfm_settings.ruler("frozen", D(2024, 1, 1), {"recency": "", "frequency": "", "monetary": ""})
    assert changes == {"cut_mode": "frozen", "baseline_as_of": D(2024, 1, 1)}  # thresholds not read then


def test_segment_rules_from_the_typed_table():
    typed = DEFAULT_RULES.to_text()
    assert typed["champions"] == "55, 54, 45"
    assert SegmentRules.from_text(typed, "15 14") == DEFAULT_RULES
    with pytest.raises(RfmError) as refused:
        SegmentRules.from_text({**typed, "lost": "12"}, "15, 14")
    assert refused.value.key == "rfm.rules_unassigned"
    with pytest.raises(RfmError) as refused:
        SegmentRules.from_text({**typed, "lost": "12; 11; 5 5"}, "")
    assert refused.value.message("en").startswith("Unknown cell “5”")


def test_quality_window_starts_after_the_first_transaction():
    assert quality.window(D(2025, 12, 1), 12, "quarter", None) == [
        D(2024, 12, 1), D(2025, 3, 1), D(2025, 6, 1), D(2025, 9, 1), D(2025, 12, 1)]
    assert quality.window(D(2025, 12, 1), 12, "month", D(2025, 6, 15))[0] == D(2025, 7, 1)


def test_histograms_of_r_f_and_m(store, tmp_path):
    from cxcore import histogram

    rows = [(f"C{i:03d}", "2024-01-01", 100.0 * (i + 1), None) for i in range(100)]
    rows += [("C000", "2024-02-01", 50.0, None), ("C001", "2024-03-01", 50.0, None), ("NEG", "2024-03-01", -30, None)]
    workshop_id, base_id = load(store, tmp_path, rows)
    result = rfm.compute(store, workshop_id, base_id, D(2024, 4, 1))
    frequency = histogram.histogram(result, "frequency")
    assert list(frequency["start"]) == [0, 1, 2] and list(frequency["customers"]) == [1, 98, 2]
    assert histogram.labels(frequency, "frequency", "en") == ["0", "1", "2+"]
    recency = histogram.histogram(result, "recency")
    assert recency["customers"].sum() == 100  # NEG has no positive order, so no R
    monetary = histogram.histogram(result, "monetary")
    assert monetary["customers"].sum() == 101
    assert monetary["start"].iloc[0] == -float("inf")  # the "< x" bin holds the bottom 5 % and the return
    labels = histogram.labels(monetary, "monetary", "ru")
    assert labels[0].startswith("< ") and labels[-1].endswith("+") and "тыс." in labels[-1]
    assert histogram.round_width(900, 20) == 50 and histogram.round_width(3, 20) == 1
