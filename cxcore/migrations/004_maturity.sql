-- CX maturity (cxcore/maturity_ratings.py): the people who rate in a workshop, and each one's answer on each of
-- the 20 practices of METHOD.md. A respondent is one name per workshop (compared with spaces collapsed and case
-- ignored, by the code). A rating row is an answer: a score 1..5, or NULL for "don't know"; a practice without a
-- live row is not answered yet. A re-vote is a versioned update of the row, so the change log keeps the old score.
CREATE TABLE IF NOT EXISTS maturity_respondents (
    id          VARCHAR PRIMARY KEY,
    workshop_id VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0,  -- the order they joined in (the matrix's columns)
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at  TIMESTAMP
);

CREATE TABLE IF NOT EXISTS maturity_ratings (
    id            VARCHAR PRIMARY KEY,
    workshop_id   VARCHAR NOT NULL,
    respondent_id VARCHAR NOT NULL,
    practice      INTEGER NOT NULL CHECK (practice BETWEEN 1 AND 20),
    score         INTEGER CHECK (score BETWEEN 1 AND 5),  -- NULL: "don't know"
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at    TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at    TIMESTAMP
);
