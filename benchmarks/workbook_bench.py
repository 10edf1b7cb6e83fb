"""Workbook export speed: `cxcore.workbook` against plain openpyxl writing the same rows.

Goal (issue 7): exporting a workshop with 500 barriers, 300 ideas and 100 roadmap items takes at most 1 s (read
from the store, lay out every sheet with styles, charts and validations, save), measured beside the floor:
the same cell values appended row by row to a bare openpyxl workbook and saved (no styles, no charts).
    python benchmarks/workbook_bench.py [--barriers 500] [--ideas 300] [--items 100] [--workdir var/bench] [--repeat 5]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from harness import measure_on_copy  # benchmarks/ is the script's folder, so on sys.path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # cxcore, when run as `python benchmarks/workbook_bench.py`
GOAL_SECONDS = 1.0
WORKSHOP = "bench"
KINDS = ("plain", "product")
PEOPLE = ("Ольга Кузнецова", "Игорь Лебедев", "Марина Соколова", "Дмитрий Волков", "Елена Морозова",
          "Сергей Новиков", "Анна Смирнова", "Пётр Орлов")

# (1) The product: what the page's download button and `python -m cxcore export` do, in a process whose modules are
# loaded (as the app's server has them): reading the snapshot from the store, then laying out and saving the
# workbook. Timed twice: the first export (DuckDB and the caches cold) and the next one (as the server repeats it).
_PRODUCT = """
import io, json, sys, time
started = time.perf_counter()
from cxcore import business_case, contact_policy, rfm, roadmap, votes, workbook, workshop  # what the app has loaded
from cxcore.store import open_store
from cxcore.workbook_data import snapshot
import openpyxl.writer.excel
store = open_store(sys.argv[1])
found = workshop.by_name(store, sys.argv[2])
runs = []
for _ in range(2):
    begin, cpu = time.perf_counter(), time.process_time()
    snap = snapshot(store, found.id)
    read = time.perf_counter()
    buffer = io.BytesIO()
    book = workbook.build(snap)
    book.save(buffer)
    done = time.perf_counter()
    runs.append({"read": read - begin, "write": done - read, "export": done - begin, "cpu": time.process_time() - cpu})
cells = sum(len(ws._cells) for ws in book.worksheets)
print(json.dumps({**runs[0], "again": runs[1]["export"], "inside": time.perf_counter() - started, "cells": cells,
                  "bytes": len(buffer.getvalue())}))
"""

# (2) The floor: the product's own cell values (taken from its workbook, untimed) appended row by row to a bare
# openpyxl workbook, one sheet per sheet, and saved: no styles, widths, charts, validations or safe-text checks.
_PLAIN = """
import io, json, sys, time
from cxcore import workbook, workshop
from cxcore.store import open_store
from cxcore.workbook_data import snapshot
import openpyxl.writer.excel
store = open_store(sys.argv[1])
found = workshop.by_name(store, sys.argv[2])
source = workbook.build(snapshot(store, found.id))
sheets = [(ws.title, [list(row) for row in ws.iter_rows(values_only=True)]) for ws in source.worksheets]
del source
from openpyxl import Workbook
begin, cpu = time.perf_counter(), time.process_time()
book = Workbook()
book.remove(book.active)
for title, rows in sheets:
    ws = book.create_sheet(title)
    for row in rows:
        ws.append(row)
buffer = io.BytesIO()
book.save(buffer)
done = time.perf_counter()
print(json.dumps({"write": done - begin, "cpu": time.process_time() - cpu,
                  "cells": sum(len(ws._cells) for ws in book.worksheets), "bytes": len(buffer.getvalue())}))
"""


def journey_document(barriers: int, ideas: int) -> dict:
    """One at_risk journey: five touchpoints per stage, the barriers spread over them, an idea on each of the first
    `ideas` barriers (impact and effort cycling through every quadrant)."""
    from cxcore import method

    stages = {}
    touchpoints = {key: [] for key in method.STAGES}
    slots = [(key, n) for key in method.STAGES for n in range(5)]
    for key, n in slots:
        touchpoints[key].append({"name": f"Точка {key} {n + 1}", "channel": method.CHANNELS[n],
                                 "owner_department": method.DEFAULT_OWNERS[key], "author": PEOPLE[n],
                                 "barriers": []})
    for i in range(barriers):
        key, n = slots[i % len(slots)]
        idea = [{"text": f"Идея {i + 1}: исправить процесс и обучить сотрудников", "impact": 1 + i % 5,
                 "effort": 1 + (i * 3) % 5, "author": PEOPLE[(i + 3) % len(PEOPLE)]}] if i < ideas else []
        touchpoints[key][n]["barriers"].append({
            "text": f"Барьер {i + 1}: клиент хочет купить, НО на шаге {n + 1} этапа «{key}» всё медленно и непонятно",
            "expectations": [method.EXPECTATIONS[i % 9], method.EXPECTATIONS[(i + 4) % 9]], "severity": 1 + i % 5,
            "evidence": method.EVIDENCE[i % 3], "share": round((i % 10) / 10, 1),
            "departments": ["marketing", "sales"] if i % 7 == 0 else [method.DEFAULT_OWNERS[key]],
            "author": PEOPLE[i % len(PEOPLE)], "ideas": idea})
    for key in method.STAGES:
        stages[key] = {"goal": f"Цель этапа {key}", "actions": "Действия клиента", "thoughts": "«Мысли клиента»",
                       "emotion": 0, "kpi": {"name": f"KPI {key}", "current": 10, "target": 20},
                       "touchpoints": touchpoints[key]}
    return {"format": "cx-journey-studio/journeys", "version": 1, "journeys": [{"segment": "at_risk",
                                                                                "stages": stages}]}


def base_file(workdir: Path) -> Path:
    """A small customer base (2,000 customers over two years), so the Segments sheet and its charts are drawn."""
    path = workdir / "workbook_base.csv"
    lines = ["customer;date;amount"]
    start = date(2023, 12, 1)
    for n in range(6000):
        lines.append(f"C{n % 2000:05d};{start + timedelta(days=(n * 37) % 720)};{500 + (n * 91) % 20000}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def bench_db(workdir: Path, barriers: int, ideas: int, items: int) -> Path:
    """A database with the bench workshop; built once and reused."""
    db = workdir / f"workbook_{barriers}_{ideas}_{items}.duckdb"
    if db.exists():
        return db
    from cxcore import ingest, journey, journey_io, maturity_ratings, rfm_settings, roadmap, votes, workshop
    from cxcore.contact_policy import policies, save_policy
    from cxcore.store import Store

    started = time.perf_counter()
    partial = db.with_suffix(".partial")
    for stale in (partial, partial.with_suffix(".partial.wal")):
        stale.unlink(missing_ok=True)
    store = Store(partial)
    try:
        w = workshop.create(store, WORKSHOP, client="Бенчмарк", held_on=date(2025, 12, 8), facilitator=PEOPLE[6])
        ingest.load(store, base_file(workdir), workshop_id=w.id, actor="bench")
        rfm_settings.save(store, rfm_settings.get(store, w.id), "bench", target_segment="at_risk")
        journey_io.import_document(store, w.id, journey_document(barriers, ideas), "bench")
        all_ideas = journey.journeys(store, w.id)[0].ideas
        for i, idea in enumerate(all_ideas[:items]):
            item = roadmap.from_idea(store, idea.id, "bench")
            if i % 5:  # every fifth item is left incomplete
                item = roadmap.update_item(store, item, "bench", owner=PEOPLE[i % 8], kpi_name=f"KPI {i + 1}",
                                           kpi_current=10 + i, kpi_target=20 + i, budget=50_000 * (1 + i % 9),
                                           review_on=date(2026, 1, 1) + timedelta(days=i), status="in_progress")
                roadmap.add_actual(store, item.id, date(2026, 1, 15), 12 + i, "bench")
        votes.open_vote(store, w.id, 5, "bench")
        for n, person in enumerate(PEOPLE):
            for k in range(5):
                votes.cast(store, w.id, person, "idea", all_ideas[(n * 11 + k * 7) % len(all_ideas)].id)
            for practice in range(1, 21):
                maturity_ratings.rate(store, w.id, person, practice, 1 + (n + practice) % 5)
        for policy in policies(store, w.id):
            save_policy(store, policy, "bench", channels=["email", "sms"], per_month=4, content_share=0.5)
        with store.cursor() as cur:
            cur.execute("CHECKPOINT")
    finally:
        store.close()
    partial.replace(db)
    print(f"built {db} in {time.perf_counter() - started:.1f} s")
    return db


def run_once(kind: str, db: Path, workdir: Path) -> tuple[float, float, dict, float]:
    seconds, peak_mb, cpu, out = measure_on_copy({"product": _PRODUCT, "plain": _PLAIN}[kind], db, "workbook_" + kind, workdir, WORKSHOP)
    return seconds, peak_mb, out, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--barriers", type=int, default=500)
    parser.add_argument("--ideas", type=int, default=300)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    db = bench_db(args.workdir, args.barriers, args.ideas, args.items)

    runs: dict[str, list[tuple[float, float, dict, float]]] = {kind: [] for kind in KINDS}
    for n in range(args.repeat):  # interleaved, so a change in machine load hits both sides alike
        for kind in KINDS:
            runs[kind].append(run_once(kind, db, args.workdir))
            seconds, peak, report, _ = runs[kind][-1]
            print(f"  run {n + 1}/{args.repeat} {kind:<8} write {report['write']:6.3f} s   process {seconds:5.2f} s "
                  f"{peak:6.0f} MB", flush=True)

    def median(kind: str, key: str) -> float:
        return statistics.median(run[2][key] for run in runs[kind])

    product = {key: median("product", key) for key in ("read", "write", "export", "cpu", "again")}
    plain, plain_cpu = median("plain", "write"), median("plain", "cpu")
    cells = runs["product"][-1][2]["cells"]
    print()
    print(f"workshop: {args.barriers} barriers, {args.ideas} ideas, {args.items} roadmap items; "
          f"{cells:,} cells, {runs['product'][-1][2]['bytes'] / 1024:,.0f} KB; median of {args.repeat}")
    print(f"{'':36} {'wall s':>7} {'cpu s':>7}")
    print(f"{'product: read the snapshot':36} {product['read']:7.3f}")
    print(f"{'product: lay out and save':36} {product['write']:7.3f}")
    print(f"{'product: export (read + write)':36} {product['export']:7.3f} {product['cpu']:7.3f}   "
          f"goal <= {GOAL_SECONDS} s   {'MET' if product['export'] <= GOAL_SECONDS else 'NOT MET'}")
    print(f"{'product: the same export again':36} {product['again']:7.3f}")
    print(f"{'plain openpyxl: same rows, save':36} {plain:7.3f} {plain_cpu:7.3f}")
    print(f"{'product write / plain write':36} {product['write'] / plain:7.2f}x")
    print(f"{'product export / plain write':36} {product['export'] / plain:7.2f}x")
    print(f"{'product process (imports included)':36} {statistics.median(r[0] for r in runs['product']):7.3f}")


if __name__ == "__main__":
    main()
