-- Running the room (cxcore/access.py, room.py, agenda.py, parking.py, transfer.py): the facilitator's PIN, the
-- people who joined, the room's shared state (read-only, projector, focus, timer), the 2-day agenda, the parking
-- lot, and where a follow-up workshop's records came from.

-- The PIN is stored as a salted hash (hashlib.scrypt, a salt of its own per workshop); NULL = no PIN (the demo).
ALTER TABLE workshops ADD COLUMN pin_hash VARCHAR;
ALTER TABLE workshops ADD COLUMN pin_salt VARCHAR;
ALTER TABLE workshops ADD COLUMN archived_at TIMESTAMP;     -- archived: off the home list, still whole
ALTER TABLE workshops ADD COLUMN follows_id VARCHAR;        -- the earlier workshop this one follows up

-- Every PIN attempt, kept to slow brute force down across sessions and restarts (cxcore/access.py).
CREATE TABLE IF NOT EXISTS pin_attempts (
    workshop_id  VARCHAR NOT NULL,
    attempted_at TIMESTAMP NOT NULL,                        -- UTC
    ok           BOOLEAN NOT NULL
);

-- The people who joined a workshop by its link (id = <workshop id>/<name compared: case ignored>).
CREATE TABLE IF NOT EXISTS participants (
    id          VARCHAR PRIMARY KEY,
    workshop_id VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at  TIMESTAMP
);

-- The room's state, one row per workshop (id = the workshop's id), switched by the facilitator only.
CREATE TABLE IF NOT EXISTS rooms (
    id               VARCHAR PRIMARY KEY,
    workshop_id      VARCHAR NOT NULL,
    read_only        BOOLEAN NOT NULL DEFAULT false,        -- participants see, cannot edit
    projector        BOOLEAN NOT NULL DEFAULT false,        -- every screen shows the presentation view
    focus_page       VARCHAR,                               -- "follow me": a page key of ui.PAGES, or NULL
    focus_stage      VARCHAR,                               -- and a journey stage (cxcore/method.py STAGES)
    focus_seq        INTEGER NOT NULL DEFAULT 0,            -- grows with every pull, so each pull moves people once
    timer_ends_at    TIMESTAMP,                             -- UTC; NULL = no timer
    timer_minutes    DOUBLE,
    timer_label      VARCHAR NOT NULL DEFAULT '',
    current_block_id VARCHAR,                               -- the agenda block the facilitator started
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at       TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at       TIMESTAMP
);

-- The agenda of the two days: blocks with a start time, length, goal and the page they work on.
CREATE TABLE IF NOT EXISTS agenda_blocks (
    id          VARCHAR PRIMARY KEY,
    workshop_id VARCHAR NOT NULL,
    day         INTEGER NOT NULL CHECK (day BETWEEN 1 AND 2),
    starts_at   VARCHAR NOT NULL,                       -- HH:MM, local time of the room
    minutes     INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 600),
    title       VARCHAR NOT NULL,
    goal        VARCHAR NOT NULL DEFAULT '',
    page        VARCHAR,                                -- a page key of ui.PAGES (rfm, journey, …) or NULL
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at  TIMESTAMP
);

-- The parking lot: questions and ideas that do not fit now, reviewed at the end of each day.
CREATE TABLE IF NOT EXISTS parking_items (
    id          VARCHAR PRIMARY KEY,
    workshop_id VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL DEFAULT 'question',    -- question | idea
    text        VARCHAR NOT NULL,
    author      VARCHAR NOT NULL DEFAULT '',
    day         INTEGER NOT NULL DEFAULT 1,
    status      VARCHAR NOT NULL DEFAULT 'open',        -- open | answered | to_roadmap | dropped
    answer      VARCHAR NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at  TIMESTAMP
);

-- Where a follow-up workshop's copied records came from (barriers, ideas, roadmap items…), so the comparison
-- six months later knows which barrier is the same barrier.
CREATE TABLE IF NOT EXISTS record_origins (
    workshop_id VARCHAR NOT NULL,
    entity      VARCHAR NOT NULL,                       -- the table
    id          VARCHAR NOT NULL,                       -- the copy's id
    origin_id   VARCHAR NOT NULL                        -- the original's id (in the earlier workshop)
);
