"""Loading a feedback file: `cxcore.feedback.load` (read, judge every row, link to the base's customers, place by the
dictionary, count) beside DuckDB's plain `CREATE TABLE AS SELECT * FROM read_csv(file)` of the same file. Prints
figures and the ratio, never asserts on time.

    python benchmarks/feedback_bench.py [--rows 200000] [--repeat 3] [--workdir var/bench]

The file is a survey export (UTF-8, `;`, a title line, `Дата;Источник;Оценка;Код клиента;Текст отзыва`), with
comments of 1–3 fragments of `voc_place_bench`, made deterministically. The product loads it into a workshop
whose base has 50,000 customers, so linking does real work.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.voc_place_bench import _FRAGMENTS  # noqa: E402
from cxcore import feedback, ingest, workshop  # noqa: E402
from cxcore.store import Store  # noqa: E402

SOURCES = ("Опрос NPS", "Отзывы на сайте", "Колл-центр", "Приложение")


def make_files(folder: Path, rows: int) -> tuple[Path, Path]:
    """The feedback file and a small base of 50,000 customers (one order each)."""
    base = folder / "base.csv"
    if not base.exists():
        with open(base, "w", encoding="utf-8") as out:
            out.write("Код клиента;Дата;Сумма\n")
            for i in range(50_000):
                out.write(f"{i:07d};{1 + i % 28:02d}.{1 + i % 12:02d}.2025;{100 + i % 900},50\n")
    path = folder / f"feedback_{rows}.csv"
    if not path.exists():
        n = len(_FRAGMENTS)
        with open(path, "w", encoding="utf-8") as out:
            out.write("Выгрузка обратной связи;;;;\nДата;Источник;Оценка;Код клиента;Текст отзыва\n")
            for i in range(rows):
                text = ", ".join(_FRAGMENTS[(i * k + k * k) % n] for k in range(1, 2 + i % 3))
                customer = f"{(i * 7919) % 60_000:07d}" if i % 7 else ""
                rating = "" if i % 5 == 0 else str(1 + i % 5)
                out.write(f"{1 + i % 28:02d}.{1 + i % 12:02d}.2025;{SOURCES[i % 4]};{rating};{customer};\"{text}\"\n")
    return path, base


def baseline(path: Path, db: Path) -> float:
    store = Store(db)
    started = time.perf_counter()
    with store.write("bench") as tx:
        tx.execute("CREATE TABLE plain AS SELECT * FROM read_csv(?, delim = ';', skip = 1, header = true)", [str(path)])
    took = time.perf_counter() - started
    store.close()
    return took


def product(path: Path, base: Path, db: Path) -> tuple[float, feedback.FeedbackReport]:
    store = Store(db)
    shop = workshop.create(store, "bench")
    ingest.load(store, base, workshop_id=shop.id)
    started = time.perf_counter()
    report = feedback.load(store, path, workshop_id=shop.id)
    took = time.perf_counter() - started
    store.close()
    return took, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    path, base = make_files(args.workdir, args.rows)
    plain, ours, report = [], [], None
    with tempfile.TemporaryDirectory(dir=args.workdir) as folder:
        for run in range(args.repeat):
            plain.append(baseline(path, Path(folder) / f"plain{run}.duckdb"))
            took, report = product(path, base, Path(folder) / f"product{run}.duckdb")
            ours.append(took)
    a, b = statistics.median(plain), statistics.median(ours)
    print(f"rows {args.rows:,}, file {path.stat().st_size / 2**20:.1f} MB, median of {args.repeat}")
    print(f"baseline read_csv into a table: {a:.2f} s")
    print(f"feedback.load:                  {b:.2f} s  ({b / a:.1f}× the baseline)")
    print(f"loaded {report.rows_loaded:,}, rejected {report.rows_rejected:,}, linked customers "
          f"{report.linked_customers:,} ({report.linked_share:.0%} of the comments), unplaced "
          f"{report.by_stage['unplaced']:,}")


if __name__ == "__main__":
    main()
