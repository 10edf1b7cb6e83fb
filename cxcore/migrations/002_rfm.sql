-- RFM settings of a workshop: one editable record per workshop (id = the workshop's id), versioned like
-- every editable record. NULL thresholds or rules mean the defaults of cxcore/rfm.py and cxcore/segments.py.
CREATE TABLE IF NOT EXISTS rfm_settings (
    id                   VARCHAR PRIMARY KEY,
    workshop_id          VARCHAR NOT NULL,
    cut_mode             VARCHAR NOT NULL DEFAULT 'quantile',  -- quantile | frozen | thresholds
    baseline_as_of       DATE,                                 -- frozen: the as-of date whose quantiles are reused
    recency_thresholds   DOUBLE[],                             -- thresholds: four increasing numbers each
    frequency_thresholds DOUBLE[],
    monetary_thresholds  DOUBLE[],
    segment_rules        JSON,                                 -- {"segments": {segment: [cells]}, "cant_lose": [cells]}
    target_segment       VARCHAR,                              -- the segment whose journey the workshop maps
    alert_count_pct      DOUBLE NOT NULL DEFAULT 5,            -- "flat": active customers moved less than this
    alert_revenue_pct    DOUBLE NOT NULL DEFAULT 5,            -- "worse": champions + loyal revenue fell more
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at           TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at           TIMESTAMP
);
