-- The journey map (cxcore/journey.py): one journey per target segment of a workshop, its 8 fixed stages,
-- and the cards hanging from them: touchpoints -> barriers -> ideas. Every row carries its workshop and
-- journey (a workshop's rows are found, purged and polled without joins), a version, and a soft delete.
-- Ids are random text made by the code; `position` orders siblings (then created_at, then id).
CREATE TABLE IF NOT EXISTS journeys (
    id          VARCHAR PRIMARY KEY,
    workshop_id VARCHAR NOT NULL,
    segment     VARCHAR NOT NULL,            -- one of cxcore/segments.py SEGMENTS; one live journey each
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at  TIMESTAMP
);

CREATE TABLE IF NOT EXISTS journey_stages (
    id               VARCHAR PRIMARY KEY,
    workshop_id      VARCHAR NOT NULL,
    journey_id       VARCHAR NOT NULL,
    key              VARCHAR NOT NULL,       -- cxcore/method.py STAGES; created with the journey, all eight
    owner_department VARCHAR NOT NULL DEFAULT '',
    goal             VARCHAR NOT NULL DEFAULT '',
    actions          VARCHAR NOT NULL DEFAULT '',
    thoughts         VARCHAR NOT NULL DEFAULT '',
    emotion          INTEGER,                -- -2 .. 2
    kpi_name         VARCHAR NOT NULL DEFAULT '',
    kpi_current      DOUBLE,
    kpi_target       DOUBLE,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at       TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at       TIMESTAMP
);

CREATE TABLE IF NOT EXISTS touchpoints (
    id               VARCHAR PRIMARY KEY,
    workshop_id      VARCHAR NOT NULL,
    journey_id       VARCHAR NOT NULL,
    stage_id         VARCHAR NOT NULL,
    name             VARCHAR NOT NULL,
    channel          VARCHAR NOT NULL DEFAULT '',  -- a CHANNELS key or free text
    owner_department VARCHAR NOT NULL DEFAULT '',  -- a DEPARTMENTS key or free text
    author           VARCHAR NOT NULL DEFAULT '',
    position         INTEGER NOT NULL DEFAULT 0,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at       TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at       TIMESTAMP
);

CREATE TABLE IF NOT EXISTS barriers (
    id            VARCHAR PRIMARY KEY,
    workshop_id   VARCHAR NOT NULL,
    journey_id    VARCHAR NOT NULL,
    touchpoint_id VARCHAR NOT NULL,
    text          VARCHAR NOT NULL,             -- the customer's "BUT..."
    expectations  VARCHAR[] NOT NULL,           -- EXPECTATIONS keys it breaks, at least one
    severity      INTEGER NOT NULL DEFAULT 3,   -- 1 .. 5
    evidence      VARCHAR NOT NULL DEFAULT 'assumed',  -- data | customers | assumed
    share         DOUBLE,                       -- share of the segment affected, 0 .. 1
    departments   VARCHAR[] NOT NULL DEFAULT [],  -- more than one: a cross-team BUT-situation
    status        VARCHAR NOT NULL DEFAULT 'open',  -- open | in_progress | solved
    author        VARCHAR NOT NULL DEFAULT '',
    position      INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at    TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at    TIMESTAMP
);

CREATE TABLE IF NOT EXISTS ideas (
    id          VARCHAR PRIMARY KEY,
    workshop_id VARCHAR NOT NULL,
    journey_id  VARCHAR NOT NULL,
    barrier_id  VARCHAR NOT NULL,
    text        VARCHAR NOT NULL,
    impact      INTEGER NOT NULL DEFAULT 3,     -- 1 .. 5
    effort      INTEGER NOT NULL DEFAULT 3,     -- 1 .. 5
    author      VARCHAR NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at  TIMESTAMP
);
