"""Deterministic generator of the demo transaction base for CX Journey Studio.

The story: a Russian household-goods & electronics chain, 2023-06-01 .. 2025-11-30.
Looking at the head count, everything is fine: over the last 12 months
(2024-12 .. 2025-11) the number of monthly active customers is flat, with a mild
December bump.  Underneath, the customer base is rotting: a large part of the
loyal, high-frequency, high-spend core of the first ~18 months buys less and less
from late 2024 on, and many of them make their last purchase somewhere in 2025.
The chain keeps the head count up with a growing stream of new, low-value
customers (one or two small orders each), so the customers who were the top 20 %
by spend in the first year bring roughly a quarter less revenue year over year.
An RFM / base-quality analysis should surface exactly this.

The base also holds what a real one does: a loyal core, regulars, many one-off
buyers, ~2 % return rows (negative amounts, own order id, referring to an earlier
purchase of the same customer) and a few customers who only ever returned.

Usage:  python data/make_demo.py [--out PATH]      (default: data/demo_base.parquet)
"""
import argparse
import pathlib
import time

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

SEED = 20261126
START, END = np.datetime64("2023-06-01"), np.datetime64("2025-11-30")
MONTHS = np.arange("2023-06", "2025-12", dtype="datetime64[M]")  # 30 months
M_START = MONTHS.astype("datetime64[D]")
M_LEN = ((MONTHS + 1).astype("datetime64[D]") - M_START).astype(int)
CAL_MONTH = MONTHS.astype(int) % 12 + 1
# purchase-rate seasonality of existing customers (Black Friday, New Year, January dip)
SEASON = np.select([CAL_MONTH == 11, CAL_MONTH == 12, CAL_MONTH == 1], [1.05, 1.10, 0.92], 1.0)
# head-count target the chain "keeps" by buying acquisition: flat with a mild December bump
TARGET_ACTIVE = 6350
TARGET_SEASON = np.select([CAL_MONTH == 11, CAL_MONTH == 12, CAL_MONTH == 1], [1.02, 1.03, 0.985], 1.0)

CHANNELS = np.array(["Сайт", "Приложение", "Магазин", "Колл-центр"])
CH_MIX_START = np.array([0.38, 0.14, 0.40, 0.08])  # the app share grows over time ...
CH_MIX_END = np.array([0.30, 0.36, 0.28, 0.06])    # ... at the expense of stores
REGIONS = np.array(["Москва", "Санкт-Петербург", "Екатеринбург", "Новосибирск", "Казань",
                    "Нижний Новгород", "Краснодар", "Самара", "Ростов-на-Дону", "Пермь"])
REGION_W = [0.32, 0.15, 0.08, 0.07, 0.07, 0.06, 0.07, 0.06, 0.06, 0.06]
CATEGORIES = np.array(["Бытовая химия и хозтовары", "Посуда и кухня", "Товары для дома",
                       "Мелкая бытовая техника", "Смартфоны и аксессуары",
                       "Компьютеры и периферия", "ТВ и аудио", "Крупная бытовая техника"])
CAT_W = np.array([0.17, 0.15, 0.15, 0.16, 0.12, 0.08, 0.08, 0.09])
CAT_PRICE = np.array([420, 850, 1100, 2600, 3800, 4200, 5200, 9500])  # median shelf price, ₽
QTY_CHEAP = [0.55, 0.22, 0.12, 0.06, 0.05]  # consumables are bought by the piece
QTY_DEAR = [0.88, 0.08, 0.025, 0.01, 0.005]

# segment: customers, orders per month, spend level, share acquired before 2023-06,
#          mean lifetime in months (background churn), share whose rate fades from
#          late 2024, probabilities of 1/2/3 lines per order
SEGMENTS = {
    "core": (6000, 0.80, 1.35, 0.85, 150, 0.33, (0.45, 0.35, 0.20)),
    "regular": (11500, 0.28, 1.00, 0.65, 80, 0.12, (0.55, 0.30, 0.15)),
    "occasional": (16000, 0.07, 0.90, 0.55, 48, 0.00, (0.65, 0.25, 0.10)),
}
NEW_LEVEL, NEW_LINES, NEW_P_SECOND, MIN_NEW = 0.5, (0.80, 0.16, 0.04), 0.30, 200
RETURN_SHARE, RETURN_ONLY = 0.02, 30


def month_of(dates):
    """Index of the month (0 = 2023-06) for each date."""
    return (dates.astype("datetime64[M]") - MONTHS[0]).astype(int)


def draw(rng, probs):
    """Draw one index per row of an (n, k) probability matrix."""
    cum = np.cumsum(probs, axis=1) / probs.sum(axis=1, keepdims=True)
    return np.minimum((rng.random(len(probs))[:, None] > cum).sum(axis=1), probs.shape[1] - 1)


def channel_mix(dates):
    """Channel probabilities (n, 4) at the given dates: the app share grows linearly."""
    f = np.clip((dates - START).astype(int) / (END - START).astype(int), 0, 1)[:, None]
    return CH_MIX_START * (1 - f) + CH_MIX_END * f


def base_customers(rng):
    """Core, regular and occasional customers with acquisition date, rate, level and fading."""
    parts = []
    for seg, (n, rate, level, pre, life, fade, _) in enumerate(SEGMENTS.values()):
        before = rng.random(n) < pre
        first_days = (END - START).astype(int) // (2 if seg == 0 else 1)
        acq = np.where(before, START - rng.integers(30, 3000, n), START + rng.integers(0, first_days, n))
        fades = rng.random(n) < fade
        fade_start = np.where(fades, rng.integers(17, 23, n), 999)  # 2024-11 .. 2025-04
        end = np.maximum(month_of(acq), 0) + rng.exponential(life, n).astype(int)  # background churn
        end = np.where(fades, np.minimum(end, fade_start + rng.integers(5, 15, n)), end)
        parts.append(dict(seg=np.full(n, seg), acq=acq, rate=rate * rng.gamma(4, 0.25, n),
                          level=level * rng.lognormal(0, 0.3, n), fade_start=fade_start,
                          tau=rng.uniform(4, 10, n), end=end))
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def base_orders(rng, c):
    """Order dates of base customers: first order at acquisition + monthly Poisson repeats."""
    m = np.arange(len(MONTHS))[None, :]
    lo = np.maximum(M_START[None, :], c["acq"][:, None] + 1)  # first eligible day per month
    avail = np.clip((M_START + M_LEN)[None, :] - lo, 0, None).astype(int)
    since = m - c["fade_start"][:, None]
    fade = np.where(since >= 0, np.exp(-np.clip(since, 0, None) / c["tau"][:, None]), 1.0)
    lam = c["rate"][:, None] * SEASON * fade * (m <= c["end"][:, None]) * avail / M_LEN
    k = rng.poisson(lam)
    ci, mi = np.nonzero(k)
    ci, mi = np.repeat(ci, k[ci, mi]), np.repeat(mi, k[ci, mi])
    dates = lo[ci, mi] + (rng.random(len(ci)) * avail[ci, mi]).astype(int)
    new = np.flatnonzero(c["acq"] >= START)
    return np.concatenate([new, ci]), np.concatenate([c["acq"][new], dates])


def newcomers(rng, order_cust, order_dates, n_base):
    """Acquire low-value newcomers month by month so that monthly actives hit the target."""
    pairs = np.unique(order_cust.astype(np.int64) * 100 + month_of(order_dates))
    active = np.bincount(pairs % 100, minlength=len(MONTHS)).astype(float)
    target = TARGET_ACTIVE * TARGET_SEASON * (1 + rng.normal(0, 0.005, len(MONTHS)))
    acq_all, cust, dates, next_id = [], [], [], n_base
    for m in range(len(MONTHS)):
        k = max(MIN_NEW, int(round(target[m] - active[m])))
        acq = M_START[m] + rng.integers(0, M_LEN[m], k)
        ids, next_id = next_id + np.arange(k), next_id + k
        second = acq + rng.integers(14, 150, k)
        keep = (rng.random(k) < NEW_P_SECOND) & (second <= END)
        later = month_of(second[keep])
        np.add.at(active, later[later > m], 1)  # their repeat order makes them active again
        acq_all.append(acq)
        cust += [ids, ids[keep]]
        dates += [acq, second[keep]]
    return np.concatenate(acq_all), np.concatenate(cust), np.concatenate(dates)


def order_lines(rng, cust_level, cust_lines, o_cust):
    """Expand orders into 1-3 lines of distinct categories with quantity and amount."""
    n_lines = 1 + draw(rng, cust_lines[o_cust])
    keys = np.log(CAT_W) - np.log(-np.log(rng.random((len(o_cust), len(CAT_W)))))  # Gumbel top-k
    top = np.argsort(-keys, axis=1)
    order = np.repeat(np.arange(len(o_cust)), n_lines)
    line = np.arange(len(order)) - np.repeat(np.cumsum(n_lines) - n_lines, n_lines)
    cat = top[order, line]
    qty = 1 + draw(rng, np.where((cat < 3)[:, None], QTY_CHEAP, QTY_DEAR))
    price = CAT_PRICE[cat] * cust_level[o_cust[order]] * rng.lognormal(0, 0.55, len(order))
    price = np.where(price < 1000, np.ceil(price / 10) * 10 - 1, np.ceil(price / 100) * 100 - 10)
    discount = np.where(rng.random(len(order)) < 0.35, rng.choice([0.05, 0.10, 0.15, 0.20], len(order)), 0)
    amount = np.round(np.maximum(price, 49) * qty * (1 - discount), 2)
    return order, line, cat, qty, amount


def build(rng):
    """Generate all customers, orders, lines and returns; return a pyarrow Table."""
    c = base_customers(rng)
    n_base = len(c["acq"])
    o_cust, o_date = base_orders(rng, c)
    new_acq, new_cust, new_date = newcomers(rng, o_cust, o_date, n_base)
    n_cust = n_base + len(new_acq) + RETURN_ONLY
    acq = np.concatenate([c["acq"], new_acq, START - rng.integers(30, 3000, RETURN_ONLY)])
    level = np.concatenate([c["level"], NEW_LEVEL * rng.lognormal(0, 0.3, len(new_acq)),
                            rng.lognormal(0, 0.3, RETURN_ONLY)])
    seg_lines = np.array([s[6] for s in SEGMENTS.values()] + [NEW_LINES])
    lines = seg_lines[np.concatenate([c["seg"], np.full(n_cust - n_base, 3)])]
    region = draw(rng, np.tile(REGION_W, (n_cust, 1)))
    preferred = draw(rng, channel_mix(np.maximum(acq, START)))
    o_cust, o_date = np.concatenate([o_cust, new_cust]), np.concatenate([o_date, new_date])
    o_chan = np.where(rng.random(len(o_cust)) < 0.78, preferred[o_cust], draw(rng, channel_mix(o_date)))
    order, line, cat, qty, amount = order_lines(rng, level, lines, o_cust)

    # returns: a line of an earlier purchase comes back 1-30 days later as its own order
    # (only from customers with 2+ orders, so that nobody but the return-only few nets <= 0)
    cand = np.flatnonzero((o_date[order] < END) & (np.bincount(o_cust, minlength=n_cust) >= 2)[o_cust[order]])
    src = np.sort(rng.choice(cand, int(len(order) * RETURN_SHARE / (1 - RETURN_SHARE)), replace=False))
    partial = (qty[src] > 1) & (rng.random(len(src)) < 0.5)
    r_qty = np.where(partial, 1, qty[src])
    r_amount = -np.where(partial, np.round(amount[src] / qty[src], 2), amount[src])
    r_date = np.minimum(o_date[order[src]] + rng.integers(1, 31, len(src)), END)
    # return-only customers: they bought before 2023-06 and only bring things back
    ro = np.arange(n_cust - RETURN_ONLY, n_cust)
    ro_cat = draw(rng, np.tile(CAT_W, (RETURN_ONLY, 1)))
    ro_amount = -np.round(CAT_PRICE[ro_cat] * rng.lognormal(0, 0.5, RETURN_ONLY), 2)

    # order ids are sequential in date order (ties broken at random)
    all_cust = np.concatenate([o_cust, o_cust[order[src]], ro])
    all_date = np.concatenate([o_date, r_date, START + rng.integers(0, 45, RETURN_ONLY)])
    all_chan = np.concatenate([o_chan, o_chan[order[src]], np.full(RETURN_ONLY, 2)])
    rank = np.empty(len(all_cust), dtype=np.int64)
    rank[np.lexsort((rng.random(len(all_cust)), all_date))] = np.arange(len(all_cust))
    n_ord = len(o_cust)
    row_order = np.concatenate([order, n_ord + np.arange(len(src)), n_ord + len(src) + np.arange(RETURN_ONLY)])
    row_line = np.concatenate([line, np.zeros(len(src) + RETURN_ONLY, dtype=int)])
    sort = np.lexsort((row_line, rank[row_order]))
    row_order = row_order[sort]

    # customer codes: 7-digit CRM ids with gaps, increasing with acquisition date
    ids = np.sort(rng.choice(1_600_000, n_cust, replace=False) + 1)
    code_rank = np.empty(n_cust, dtype=np.int64)
    code_rank[np.lexsort((rng.random(n_cust), acq))] = np.arange(n_cust)
    codes = np.char.zfill(ids[code_rank].astype(str), 7)
    cust = all_cust[row_order]
    return pa.table({
        "Код клиента": pa.array(codes[cust]),
        "Номер заказа": pa.array(np.char.add("Z-", np.char.zfill((rank[row_order] + 1).astype(str), 7))),
        "Дата заказа": pa.array(all_date[row_order], type=pa.date32()),
        "Сумма": pa.array(np.concatenate([amount, r_amount, ro_amount])[sort], type=pa.float64()),
        "Канал": pa.array(CHANNELS[all_chan[row_order]]),
        "Регион": pa.array(REGIONS[region[cust]]),
        "Категория": pa.array(CATEGORIES[np.concatenate([cat, cat[src], ro_cat])[sort]]),
        "Количество": pa.array(np.concatenate([qty, r_qty, np.ones(RETURN_ONLY, int)])[sort], type=pa.int32()),
    })


def summary(path):
    """Print a verification summary of the written file computed with DuckDB."""
    con = duckdb.connect()
    con.execute(f"""CREATE VIEW t AS SELECT "Код клиента" AS c, "Дата заказа" AS d, "Сумма" AS s,
                    "Канал" AS ch FROM read_parquet('{str(path).replace("'", "''")}')""")
    rows, custs, d0, d1, rev, ret = con.execute(
        "SELECT count(*), count(DISTINCT c), min(d), max(d), sum(s), avg((s < 0)::INT) FROM t").fetchone()
    print(f"rows {rows:,}  customers {custs:,}  dates {d0} .. {d1}  revenue {rev:,.0f} ₽  returns {ret:.1%}")
    net = con.execute("""SELECT count(*) FILTER (WHERE n = 1), count(*) FILTER (WHERE net <= 0), count(*)
        FROM (SELECT c, sum(s) net, count(DISTINCT d) FILTER (WHERE s > 0) n FROM t GROUP BY c)""").fetchone()
    print(f"one-off buyers (one purchase date) {net[0] / net[2]:.0%}, customers with net amount <= 0: {net[1]}")
    act = con.execute("""SELECT strftime(d, '%Y-%m') m, count(DISTINCT c), sum(s) FROM t
        WHERE s > 0 AND d >= DATE '2024-12-01' GROUP BY m ORDER BY m""").fetchall()
    mean = np.mean([a[1] for a in act])
    print("monthly active customers (>=1 purchase), last 12 months:")
    for m, n, r in act:
        print(f"  {m}  {n:6,}  ({n / mean - 1:+.1%} vs mean)  revenue {r / 1e6:6.1f} M ₽")
    prev, last, n_top, lapsed = con.execute("""
        WITH y1 AS (SELECT c, sum(s) v FROM t WHERE d < DATE '2024-06-01' GROUP BY c HAVING v > 0),
             top AS (SELECT c FROM y1 WHERE v >= (SELECT quantile_cont(v, 0.8) FROM y1)),
             per AS (SELECT c, max(d) FILTER (WHERE s > 0) l,
                            sum(s) FILTER (WHERE d BETWEEN DATE '2023-12-01' AND DATE '2024-11-30') p,
                            sum(s) FILTER (WHERE d >= DATE '2024-12-01') q FROM t SEMI JOIN top USING (c) GROUP BY c)
        SELECT sum(p), sum(q), count(*), count(*) FILTER (WHERE l BETWEEN DATE '2025-01-01' AND DATE '2025-08-31')
        FROM per""").fetchone()
    print(f"top-20% customers of 2023-06..2024-05 ({n_top:,}): revenue 2023-12..2024-11 {prev / 1e6:.1f} M ₽ -> "
          f"2024-12..2025-11 {last / 1e6:.1f} M ₽ ({last / prev - 1:+.1%}); "
          f"{lapsed:,} made their last purchase in 2025-01..2025-08")
    app = con.execute("""SELECT avg((ch = 'Приложение')::INT) FILTER (WHERE d < DATE '2024-06-01'),
        avg((ch = 'Приложение')::INT) FILTER (WHERE d >= DATE '2024-12-01') FROM t""").fetchone()
    print(f"app share of rows: first 12 months {app[0]:.0%}, last 12 months {app[1]:.0%}")


def main():
    """Parse arguments, generate the base, write Parquet and print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path(__file__).parent / "demo_base.parquet")
    args = parser.parse_args()
    t0 = time.perf_counter()
    table = build(np.random.default_rng(SEED))
    pq.write_table(table, args.out, compression="zstd", compression_level=9)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")
    summary(args.out)


if __name__ == "__main__":
    main()
