-- The roadmap (cxcore/roadmap.py and the modules it gathers): items with owner, KPI and review date, the
-- KPI's dated actuals, the room's dot vote, the business-case assumptions and the contact policy per segment.
-- Every editable row carries its workshop (found, purged and polled without joins), a version and a soft
-- delete. One-per-workshop records (the vote, the assumptions) use the workshop's id as their own id, and a
-- segment's contact policy `<workshop id>/<segment>`, so two first saves at once conflict instead of doubling.
CREATE TABLE IF NOT EXISTS roadmap_items (
    id          VARCHAR PRIMARY KEY,
    workshop_id VARCHAR NOT NULL,
    title       VARCHAR NOT NULL,
    source      VARCHAR NOT NULL DEFAULT 'manual',   -- idea | maturity | manual
    idea_id     VARCHAR,                             -- the journey idea it came from
    candidate   VARCHAR,                             -- the maturity candidate it came from: competency:lead, practice:7
    barrier_ids VARCHAR[] NOT NULL DEFAULT [],       -- the barriers it fixes
    stage       VARCHAR,                             -- cxcore/method.py STAGES
    owner       VARCHAR NOT NULL DEFAULT '',         -- a person
    department  VARCHAR NOT NULL DEFAULT '',         -- a DEPARTMENTS key or free text
    horizon     VARCHAR NOT NULL DEFAULT 'quarter',  -- month | quarter | half_year | later
    kpi_name    VARCHAR NOT NULL DEFAULT '',
    kpi_current DOUBLE,
    kpi_target  DOUBLE,
    budget      DOUBLE,                              -- roubles
    review_on   DATE,                                -- the next review
    status      VARCHAR NOT NULL DEFAULT 'planned',  -- planned | in_progress | done | dropped
    impact      INTEGER,                             -- 1 .. 5; the quadrant is computed from these two
    effort      INTEGER,                             -- 1 .. 5
    author      VARCHAR NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at  TIMESTAMP
);

-- A KPI's measured value on a date; one live row per item and date (entering a date again updates it).
CREATE TABLE IF NOT EXISTS roadmap_kpi_actuals (
    id          VARCHAR PRIMARY KEY,
    workshop_id VARCHAR NOT NULL,
    item_id     VARCHAR NOT NULL,
    measured_on DATE NOT NULL,
    value       DOUBLE NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at  TIMESTAMP
);

-- The dot vote of a workshop (id = the workshop's id): `round` grows each time a new vote is opened; the dots
-- of earlier rounds stay stored but no longer count. Closing and reopening keep the round and its dots.
CREATE TABLE IF NOT EXISTS roadmap_votes (
    id          VARCHAR PRIMARY KEY,
    workshop_id VARCHAR NOT NULL,
    round       INTEGER NOT NULL DEFAULT 1,
    dots        INTEGER NOT NULL,                    -- per participant
    is_open     BOOLEAN NOT NULL DEFAULT true,
    opened_at   TIMESTAMP,
    closed_at   TIMESTAMP,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at  TIMESTAMP
);

-- One row per dot spent; taking a dot back soft-deletes its row.
CREATE TABLE IF NOT EXISTS roadmap_dots (
    id          VARCHAR PRIMARY KEY,
    workshop_id VARCHAR NOT NULL,
    round       INTEGER NOT NULL,
    voter       VARCHAR NOT NULL,                    -- the name as typed (spaces collapsed)
    voter_key   VARCHAR NOT NULL,                    -- the name compared: case ignored
    target_kind VARCHAR NOT NULL,                    -- barrier | idea
    target_id   VARCHAR NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at  TIMESTAMP
);

-- The business case's assumptions (id = the workshop's id); a workshop that never saved reads METHOD.md's
-- survey figures. Shares are 0 .. 1. `sources`: {assumption: text} where the room cites its own figure.
CREATE TABLE IF NOT EXISTS business_case_assumptions (
    id                      VARCHAR PRIMARY KEY,
    workshop_id             VARCHAR NOT NULL,
    bad_experience          DOUBLE NOT NULL,
    revenue_lost            DOUBLE NOT NULL,
    revenue_lost_max        DOUBLE NOT NULL,
    repurchase_broken       DOUBLE NOT NULL,
    repurchase_good         DOUBLE NOT NULL,
    acquisition_multiple    DOUBLE NOT NULL,
    premium_low             DOUBLE NOT NULL,
    premium_high            DOUBLE NOT NULL,
    personalisation_low     DOUBLE NOT NULL,
    personalisation_high    DOUBLE NOT NULL,
    personalisation_digital DOUBLE NOT NULL,
    complain                DOUBLE NOT NULL,
    sources                 JSON,
    version                 INTEGER NOT NULL DEFAULT 1,
    created_at              TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at              TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at              TIMESTAMP
);

-- The contact and content policy of a segment (METHOD step 5): with whom, through which channels, how often,
-- and the message mix (content_share of useful content; the rest is offer; the golden rule is 50/50).
CREATE TABLE IF NOT EXISTS contact_policies (
    id            VARCHAR PRIMARY KEY,               -- <workshop id>/<segment>
    workshop_id   VARCHAR NOT NULL,
    segment       VARCHAR NOT NULL,
    channels      VARCHAR[] NOT NULL DEFAULT [],     -- CHANNELS keys or free text
    per_month     DOUBLE,                            -- messages per customer per month
    content_share DOUBLE NOT NULL DEFAULT 0.5,       -- 0 .. 1
    note          VARCHAR NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at    TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at    TIMESTAMP
);
