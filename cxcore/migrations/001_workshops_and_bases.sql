-- Workshops, the change log, and the customer base of each workshop.
CREATE SEQUENCE IF NOT EXISTS change_log_seq;
CREATE SEQUENCE IF NOT EXISTS base_seq;

CREATE TABLE IF NOT EXISTS workshops (
    id          VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    client      VARCHAR NOT NULL DEFAULT '',
    industry    VARCHAR NOT NULL DEFAULT '',
    held_on     DATE,
    language    VARCHAR NOT NULL DEFAULT 'ru',
    facilitator VARCHAR NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    updated_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    deleted_at  TIMESTAMP
);

-- Every committed change: what, who, when, old and new value (undo and history read it).
CREATE TABLE IF NOT EXISTS change_log (
    id          BIGINT PRIMARY KEY DEFAULT nextval('change_log_seq'),
    changed_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    actor       VARCHAR NOT NULL,
    workshop_id VARCHAR,
    entity      VARCHAR NOT NULL,
    entity_id   VARCHAR NOT NULL,
    action      VARCHAR NOT NULL,
    version     INTEGER,
    old_value   JSON,
    new_value   JSON
);

-- One customer base per workshop: a load replaces the previous one in one transaction.
CREATE TABLE IF NOT EXISTS bases (
    id            BIGINT PRIMARY KEY,
    workshop_id   VARCHAR NOT NULL,
    source_name   VARCHAR NOT NULL,
    source_format VARCHAR NOT NULL,
    layout        JSON NOT NULL,
    rows_read     BIGINT NOT NULL,
    rows_loaded   BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    customers     BIGINT NOT NULL,
    revenue       DOUBLE NOT NULL,
    date_min      DATE,
    date_max      DATE,
    loaded_at     TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    loaded_by     VARCHAR NOT NULL
);

-- The transactions of a base. A load writes every row of the file here in one pass, then moves the
-- rows it rejected (reject_reason set) to base_rejects in the same transaction, so at rest base_rows
-- holds loaded rows only and the reject columns are empty. row_no (the row in a sheet or Parquet file)
-- is empty for text files: their lines are numbered only where a row is rejected.
CREATE TABLE IF NOT EXISTS base_rows (
    base_id       BIGINT NOT NULL,
    row_no        BIGINT,
    customer_id   VARCHAR,
    order_id      VARCHAR,
    order_date    DATE,
    amount        DOUBLE,
    channel       VARCHAR,
    product       VARCHAR,
    region        VARCHAR,
    quantity      DOUBLE,
    reject_reason VARCHAR,
    reject_value  VARCHAR,
    raw           VARCHAR
);

CREATE TABLE IF NOT EXISTS base_rejects (
    base_id BIGINT NOT NULL,
    row_no  BIGINT NOT NULL,
    reason  VARCHAR NOT NULL,
    value   VARCHAR,
    raw     VARCHAR
);
