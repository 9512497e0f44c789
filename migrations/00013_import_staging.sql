-- Imports stage their rows here in short chunks, outside the bank's tables,
-- so a large import never holds the single writer for long and a crash
-- half-way leaves nothing of it visible: no reader of the bank ever looks at
-- these tables. One short final transaction copies an import's rows into
-- items, item_versions, item_tiers and item_events and deletes its imports
-- row; the staged rows are then deleted in chunks.

-- +goose Up
-- A running import. touched_at moves with every chunk; a row left untouched
-- for long belongs to an import that died, and is cleaned up.
CREATE TABLE imports (
    id         TEXT PRIMARY KEY,
    actor      TEXT NOT NULL DEFAULT '',
    started_at TIMESTAMP NOT NULL,
    touched_at TIMESTAMP NOT NULL
);

-- One staged item version, fully formed as it will be stored. base says what
-- it was planned against: 0 a new item, n > 0 an edit of stored version n
-- (checked again when publishing), -1 a later version of an item this same
-- import already stages. last marks the version the item row will point at.
-- No foreign key to imports: staging is deleted in chunks, not by cascade.
CREATE TABLE import_staging (
    import_id  TEXT NOT NULL,
    seq        INTEGER NOT NULL, -- order in the file, for the events
    item_id    TEXT NOT NULL,
    version    INTEGER NOT NULL,
    base       INTEGER NOT NULL,
    last       INTEGER NOT NULL,
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
    created_at TIMESTAMP NOT NULL, -- the item's
    updated_at TIMESTAMP NOT NULL, -- this version's
    PRIMARY KEY (import_id, seq)
);

-- +goose Down
DROP TABLE import_staging;
DROP TABLE imports;
