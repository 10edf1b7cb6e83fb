-- The RFM statements of cxcore/rfm.py and cxcore/quality.py, one per `-- name:` block. Values are bound
-- ($name); the {slots} are filled by code only, with the parameter names, the base's order key and the
-- blocks marked "(part)", which other statements are built from. Comment lines are dropped when loaded.

-- name: customers
-- (part) R, F, M of every customer with a transaction before the as-of date {as_of}, from their orders
-- ({orders}: the `orders` or the `order_rows` block below). {period}: empty, or the block below for the
-- base-quality series and the migration.
SELECT customer_id,
       date_diff('day', max(order_date) FILTER (WHERE net > 0), {as_of}) AS recency_days,
       count(*) FILTER (WHERE net > 0) AS frequency,
       round(sum(net), 2) AS monetary{period}
FROM ({orders}) AS orders
GROUP BY customer_id;

-- name: orders
-- (part) the orders before {as_of}: a GROUP BY order, dated by its first row. {order_key}: the order id
-- (the day for rows without one) when the base maps one, else the day. {period_orders}: empty, or the
-- block below.
SELECT customer_id,
       min(order_date) AS order_date,
       sum(amount) AS net{period_orders}
FROM base_rows
WHERE base_id = $base_id AND order_date < {as_of}
GROUP BY customer_id, {order_key};

-- name: order_rows
-- (part) the orders before {as_of} of a base whose every order is one row (its load found so): the rows
-- themselves, the same columns as `orders` with no GROUP BY. {period_orders}: empty, or the block below.
SELECT customer_id,
       order_date,
       amount AS net{period_orders}
FROM base_rows
WHERE base_id = $base_id AND order_date < {as_of};

-- name: period_orders
-- (part) the amount of each order dated in the period [$period_start, as-of)
,
           sum(amount) FILTER (WHERE order_date >= $period_start) AS period_net;

-- name: period_rows
-- (part) period_orders for `order_rows`: the amount of the row when it is dated in the period
,
       CASE WHEN order_date >= $period_start THEN amount END AS period_net;

-- name: period
-- (part) each customer's net revenue in the period, and whether they made a positive order in it
,
       round(coalesce(sum(period_net), 0), 2) AS period_revenue,
       coalesce(bool_or(net > 0 AND order_date >= $period_start), false) AS active;

-- name: quantile_cuts
-- (part) the quintile cut points of the customers in {source}: quantile_disc, so each is a value some
-- customer has; R ignores the customers without one.
SELECT quantile_disc(recency_days, [0.2, 0.4, 0.6, 0.8]) AS r,
       quantile_disc(frequency, [0.2, 0.4, 0.6, 0.8]) AS f,
       quantile_disc(monetary, [0.2, 0.4, 0.6, 0.8]) AS m,
       count(*) AS customers
FROM {source};

-- name: given_cuts
-- (part) cut points set beforehand: frozen at a baseline date, or business thresholds
SELECT [$r1, $r2, $r3, $r4]::DOUBLE[] AS r, [$f1, $f2, $f3, $f4]::DOUBLE[] AS f, [$m1, $m2, $m3, $m4]::DOUBLE[] AS m;

-- name: scores
-- (part) the customers in {source} scored with the cut points of `cuts`: 1 + the number of cut points a
-- value exceeds (R: 5 minus it; no R: 1), so equal values always score alike. The cell
-- (R - 1) * 5 + FM, 1..25, indexes the rule table: the segment (its index in SEGMENTS) and the flag.
SELECT *,
       $segment_codes[(r_score - 1) * 5 + fm_score]::TINYINT AS segment_code,
       $cant_lose[(r_score - 1) * 5 + fm_score] AS cant_lose
FROM (
    SELECT *, ((f_score + m_score + 1) // 2)::TINYINT AS fm_score
    FROM (
        SELECT c.*,
               CASE WHEN c.recency_days IS NULL THEN 1
                    ELSE 5 - (c.recency_days > k.r[1])::TINYINT - (c.recency_days > k.r[2])::TINYINT
                           - (c.recency_days > k.r[3])::TINYINT - (c.recency_days > k.r[4])::TINYINT
               END::TINYINT AS r_score,
               (1 + (c.frequency > k.f[1])::TINYINT + (c.frequency > k.f[2])::TINYINT
                  + (c.frequency > k.f[3])::TINYINT + (c.frequency > k.f[4])::TINYINT)::TINYINT AS f_score,
               (1 + (c.monetary > k.m[1])::TINYINT + (c.monetary > k.m[2])::TINYINT
                  + (c.monetary > k.m[3])::TINYINT + (c.monetary > k.m[4])::TINYINT)::TINYINT AS m_score
        FROM {source} AS c, cuts AS k
    )
);

-- name: rfm
-- The customers at $as_of, as `customers` fetched them (R, F, M, one row each; {scores} reads that table),
-- scored with the cut points bound: the quintiles of the same table (`quantile_cuts`), or set beforehand.
WITH cuts AS ({given_cuts})
SELECT customer_id, recency_days, frequency, monetary, r_score, f_score, m_score, fm_score, segment_code, cant_lose
FROM ({scores});

-- name: cut_points
-- The quintile cut points at $as_of (a frozen ruler's baseline).
WITH customers AS ({customers})
{quantile_cuts};

-- name: cells
-- Over a fetched per-customer table {source}: what the summary, the grid and the series are summed from.
SELECT r_score, fm_score,
       count(*) AS customers,
       sum(monetary) AS revenue,
       sum(recency_days) AS recency_sum,
       count(recency_days) AS with_recency,
       sum(frequency) AS orders{period_sums}
FROM {source}
GROUP BY r_score, fm_score;

-- name: period_sums
-- (part) cells, for the base-quality series
,
       sum(period_revenue) AS period_revenue,
       count(*) FILTER (WHERE active) AS active;

-- name: series_cells
-- The cells at one as-of date of the base-quality series, with the period columns.
WITH customers AS MATERIALIZED ({customers}),
     cuts AS ({cuts}),
     scored AS ({scores})
{cells};

-- name: migration
-- Every customer of $to_date by segment then and at $from_date (-1: no transaction before it), with
-- their net revenue between the two dates, both dates scored with the same given cut points.
WITH earlier AS ({earlier}),
     later AS ({later}),
     cuts AS ({given_cuts})
SELECT coalesce(a.segment_code, -1) AS from_code,
       b.segment_code AS to_code,
       count(*) AS customers,
       round(sum(b.period_revenue), 2) AS revenue
FROM ({scores_later}) AS b LEFT JOIN ({scores_earlier}) AS a USING (customer_id)
GROUP BY ALL
ORDER BY ALL;
