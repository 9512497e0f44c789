-- PostgreSQL twin of ../00013_import_staging.sql: same tables and columns, PostgreSQL types
-- (TIMESTAMPTZ, BIGINT, DOUBLE PRECISION, BYTEA; flags stay 0/1 integers).
-- Imports write in short chunks, so a large import never holds the single
-- writer for long, and become visible all at once, so a crash half-way
-- leaves nothing of them:
--
-- * a new item is written straight into items (with its versions, tiers and
--   events) carrying its import's id; readers skip an item whose import_id
--   names a row of imports, so it is hidden until the publish deletes that
--   one row: a publish whose cost does not grow with the import;
-- * a new version of an existing item cannot hide that way (the item row is
--   visible), so it waits in import_staging and the publish copies it over.

-- +goose Up
-- A running import. touched_at moves with every chunk; a row left untouched
-- for long belongs to an import that died: cleanup marks it dropping (so it
-- can no longer publish), deletes its rows in chunks, then this row.
CREATE TABLE imports (
    id         TEXT PRIMARY KEY,
    actor      TEXT NOT NULL DEFAULT '',
    state      TEXT NOT NULL DEFAULT 'staging' CHECK (state IN ('staging', 'dropping')),
    started_at TIMESTAMPTZ NOT NULL,
    touched_at TIMESTAMPTZ NOT NULL
);

-- The import that wrote an item; NULL once published and settled. Only
-- unsettled rows are indexed.
ALTER TABLE items ADD COLUMN import_id TEXT;
CREATE INDEX items_import ON items(import_id) WHERE import_id IS NOT NULL;

-- One staged new version of an existing item, fully formed as it will be
-- stored. base says what it was planned against: n > 0 stored version n
-- (checked again when publishing), -1 a later version of an item this same
-- import already stages. last marks the version the item row will point at.
-- No foreign key to imports: staging is deleted in chunks, not by cascade.
CREATE TABLE import_staging (
    import_id  TEXT NOT NULL,
    seq        BIGINT NOT NULL, -- order in the file, for the events
    item_id    TEXT NOT NULL,
    version    BIGINT NOT NULL,
    base       BIGINT NOT NULL,
    last       BIGINT NOT NULL,
    status     TEXT NOT NULL,
    domain     TEXT NOT NULL,
    tiers      TEXT NOT NULL,
    topic      TEXT NOT NULL,
    type       TEXT NOT NULL,
    stem       TEXT NOT NULL,
    options    TEXT NOT NULL,
    rationale  TEXT NOT NULL,
    source     TEXT NOT NULL,
    author     TEXT NOT NULL,
    competency TEXT NOT NULL,
    grp        TEXT NOT NULL,
    exhibit    TEXT NOT NULL,
    numeric    TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL, -- the item's
    updated_at TIMESTAMPTZ NOT NULL, -- this version's
    PRIMARY KEY (import_id, seq)
);

-- +goose Down
DROP TABLE import_staging;
DROP INDEX items_import;
ALTER TABLE items DROP COLUMN import_id;
DROP TABLE imports;
