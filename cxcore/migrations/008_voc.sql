-- The voice of the customer and personas (cxcore/feedback.py, voc_dictionary.py, voc.py, persona.py): feedback
-- files loaded per workshop, each comment placed on a stage and on the expectations it concerns by a keyword
-- dictionary, the facilitator's corrections of that placement, the evidence kept with a barrier made from
-- comments, a persona per segment and its personalisation plan.

-- One row per feedback file loaded into a workshop; a load of a file with the same name replaces it.
CREATE TABLE IF NOT EXISTS feedback_loads (
    id               VARCHAR PRIMARY KEY,
    workshop_id      VARCHAR NOT NULL,
    source_name      VARCHAR NOT NULL,
    source_format    VARCHAR NOT NULL,
    layout           JSON,
    rows_read        BIGINT NOT NULL,
    rows_loaded      BIGINT NOT NULL,
    rows_rejected    BIGINT NOT NULL,
    linked_customers BIGINT NOT NULL,                      -- distinct customer ids found in the base
    loaded_by        VARCHAR NOT NULL DEFAULT '',
    loaded_at        TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);

-- The comments. `row_no` is the file's line (text) or row (sheet) number, as in the load's rejects.
CREATE TABLE IF NOT EXISTS feedback (
    load_id      VARCHAR NOT NULL,
    workshop_id  VARCHAR NOT NULL,
    row_no       BIGINT NOT NULL,
    text         VARCHAR NOT NULL,
    text_key     VARCHAR NOT NULL,                         -- md5 of the text, lower case, spaces folded
    said_on      DATE,
    channel      VARCHAR,
    rating       DOUBLE,
    rating_scale INTEGER,                                  -- 5 (1–5) or 10 (0–10); NULL without a rating
    sentiment    VARCHAR NOT NULL,                         -- negative | neutral | positive | unknown
    customer_id  VARCHAR,                                  -- as written in the file, trimmed
    stage        VARCHAR,                                  -- placed by the dictionary; NULL: unplaced
    expectations VARCHAR[] NOT NULL DEFAULT []
);

CREATE TABLE IF NOT EXISTS feedback_rejects (
    load_id     VARCHAR NOT NULL,
    workshop_id VARCHAR NOT NULL,
    row_no      BIGINT NOT NULL,
    reason      VARCHAR NOT NULL,
    value       VARCHAR,
    raw         VARCHAR
);

-- The facilitator's placement of a comment, kept across reloads and dictionary edits: it applies to every
-- comment of the workshop with the same text (id = <workshop id>/<text_key>).
CREATE TABLE IF NOT EXISTS feedback_corrections (
    id           VARCHAR PRIMARY KEY,
    workshop_id  VARCHAR NOT NULL,
    text_key     VARCHAR NOT NULL,
    stage        VARCHAR,                                  -- NULL: unplaced on purpose
    expectations VARCHAR[] NOT NULL DEFAULT [],
    author       VARCHAR NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at   TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at   TIMESTAMP
);

-- A workshop's own entries of the keyword dictionary (data/voc_dictionary.csv is the default): a new stem, a
-- default stem given another stage or expectations, or a default stem switched off (active = false).
-- id = <workshop id>/<stem>.
CREATE TABLE IF NOT EXISTS voc_words (
    id           VARCHAR PRIMARY KEY,
    workshop_id  VARCHAR NOT NULL,
    stem         VARCHAR NOT NULL,
    stage        VARCHAR,
    expectations VARCHAR[] NOT NULL DEFAULT [],
    active       BOOLEAN NOT NULL DEFAULT true,
    author       VARCHAR NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at   TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at   TIMESTAMP
);

-- What the customers said, kept with a barrier accepted from a suggestion: the figures as they were when it was
-- accepted.
CREATE TABLE IF NOT EXISTS barrier_voc (
    barrier_id  VARCHAR PRIMARY KEY,
    workshop_id VARCHAR NOT NULL,
    stage       VARCHAR NOT NULL,
    expectation VARCHAR NOT NULL,
    comments    BIGINT NOT NULL,
    customers   BIGINT NOT NULL,                           -- distinct linked customers who wrote
    segments    JSON NOT NULL,                             -- {segment: comments}
    revenue     DOUBLE NOT NULL,                           -- the net revenue of those customers
    quotes      VARCHAR[] NOT NULL DEFAULT [],
    created_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);

-- A persona per segment: what the room says of it (the figures come from the base). id = <workshop id>/<segment>.
CREATE TABLE IF NOT EXISTS personas (
    id           VARCHAR PRIMARY KEY,
    workshop_id  VARCHAR NOT NULL,
    segment      VARCHAR NOT NULL,
    name         VARCHAR NOT NULL DEFAULT '',
    goals        VARCHAR NOT NULL DEFAULT '',
    needs        VARCHAR NOT NULL DEFAULT '',
    quotes       VARCHAR[] NOT NULL DEFAULT [],            -- comments chosen from the feedback, as written
    expectations VARCHAR[] NOT NULL DEFAULT [],            -- the expectations that matter most, in order
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at   TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at   TIMESTAMP
);

-- The personalisation plan of a segment: preventive actions (reach the customer before the need) and reactive
-- ones (respond to a signal), each with its channel, trigger and the KPI to watch.
CREATE TABLE IF NOT EXISTS personalisation_actions (
    id          VARCHAR PRIMARY KEY,
    workshop_id VARCHAR NOT NULL,
    segment     VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,                          -- preventive | reactive
    action      VARCHAR NOT NULL,
    channel     VARCHAR NOT NULL DEFAULT '',               -- a CHANNELS key or free text
    trigger     VARCHAR NOT NULL DEFAULT '',
    kpi         VARCHAR NOT NULL DEFAULT '',
    author      VARCHAR NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at  TIMESTAMP
);
