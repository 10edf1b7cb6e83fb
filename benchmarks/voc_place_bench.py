"""Placing comments by the keyword dictionary: `cxcore.voc_dictionary.place` over many stored comments, beside
two floors over the same rows. Prints figures only, never asserts on time.

    python benchmarks/voc_place_bench.py [--rows 200000] [--repeat 3] [--workdir var/bench]

1. count: `SELECT count(*)` of the workshop's comments: reading nothing but the rows;
2. tokenise: lower-case, ё→е and cut every comment into words (`regexp_extract_all`): the least any placement by
   words must do;
3. place (all): the product's one UPDATE with every comment unplaced first (all rows written);
4. place (again): the same UPDATE when nothing changed (rows that keep their placement are not written), as after
   a dictionary edit that touches few comments.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # cxcore, when run as `python benchmarks/voc_place_bench.py`

from cxcore import voc_dictionary, workshop  # noqa: E402
from cxcore.store import Store  # noqa: E402

# Comments of 1–4 fragments drawn by hash(row, salt): the same --rows always give the same texts, ~15 words each.
_FRAGMENTS = [
    "Доставили через неделю, курьер не позвонил", "пункт выдачи был закрыт", "оплата картой не прошла",
    "в корзине пропали товары", "нашёл вас через рекламу в интернете", "выбор огромный, глаза разбегаются",
    "консультант помог выбрать подарок", "приложение зависает при входе", "инструкция совершенно непонятная",
    "в поддержку не дозвониться, час висел на линии", "оператор был вежлив и всё объяснил",
    "всем советую этот магазин", "скидку на кассе не дали", "кэшбэк так и не начислили", "скрытые комиссии",
    "обещали перезвонить и пропали", "нужного размера не было в наличии", "продавцы хамят", "Ну в целом нормально",
    "The courier was rude and late", "delivery took forever", "great prices and friendly staff",
    "hidden fees everywhere", "would recommend to friends", "support never called back", "checkout was confusing",
    "спасибо большое", "магазин рядом с домом", "покупаю тут уже лет пять", "телефон сломался через месяц",
]
_COMMENTS = """
INSERT INTO feedback (load_id, workshop_id, row_no, text, text_key, sentiment)
SELECT 'bench', $workshop_id, i,
       array_to_string(list_transform(range(1 + CAST(hash(i, 0) % 4 AS INTEGER)),
                                      lambda j: $fragments[1 + CAST(hash(i, j + 1) % len($fragments) AS INTEGER)]),
                       ', '),
       '', 'unknown'
FROM range($rows) r(i)
"""


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        run(args, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="voc_bench_") as folder:
            run(args, Path(folder))


def run(args: argparse.Namespace, folder: Path) -> None:
    path = folder / f"voc_{args.rows}.duckdb"
    path.unlink(missing_ok=True)
    store = Store(path)
    wid = workshop.create(store, "bench").id
    with store.write("bench") as tx:
        tx.execute(_COMMENTS, {"workshop_id": wid, "fragments": _FRAGMENTS, "rows": args.rows})
    words = voc_dictionary.words(store, wid)
    words_per_comment = store.query_one(
        "SELECT avg(len(regexp_extract_all(lower(text), '[a-zа-я0-9]+'))) FROM feedback")[0]
    print(f"{args.rows:,} comments (~{words_per_comment:.1f} words each), {len(words)} stems, {folder}")

    def count() -> None:
        store.query("SELECT count(*) FROM feedback WHERE workshop_id = ?", [wid])

    def tokenise() -> None:
        store.query("SELECT sum(len(regexp_extract_all(replace(lower(text), 'ё', 'е'), '[a-zа-я0-9]+'))) "
                    "FROM feedback WHERE workshop_id = ?", [wid])

    def place() -> None:
        with store.write("bench") as tx:
            voc_dictionary.place(tx, wid, words)

    def unplace() -> None:
        with store.write("bench") as tx:
            tx.execute("UPDATE feedback SET stage = NULL, expectations = []")

    runs: dict[str, list[float]] = {"count": [], "tokenise": [], "place (all)": [], "place (again)": []}
    for _ in range(args.repeat):
        runs["count"].append(timed(count))
        runs["tokenise"].append(timed(tokenise))
        unplace()
        runs["place (all)"].append(timed(place))
        runs["place (again)"].append(timed(place))
    floor = statistics.median(runs["count"])
    tokenise_floor = statistics.median(runs["tokenise"])
    print(f"{'':16}{'median s':>10}{'× count':>10}{'× tokenise':>12}")
    for name, seconds in runs.items():
        median = statistics.median(seconds)
        print(f"{name:16}{median:10.3f}{median / floor:10.1f}{median / tokenise_floor:12.2f}")
    placed = store.query_one("SELECT count(*) FILTER (WHERE stage IS NOT NULL), count(*) FILTER "
                             "(WHERE len(expectations) > 0) FROM feedback")
    print(f"placed on a stage: {placed[0]:,} of {args.rows:,}; with an expectation: {placed[1]:,}")
    store.close()
    path.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
