-- Second-round item types (numeric, ordering, matching), exhibits, enemy
-- groups, competencies and exposure control.
--
-- SQLite cannot alter a CHECK constraint, so items and attempt_questions are
-- rebuilt (create new, copy, drop, rename, index again). Dropping a parent
-- table with foreign keys on would cascade-delete its children (versions,
-- tiers, events, answers), so this migration runs outside goose's
-- transaction, turns foreign keys off around its own transaction and back on
-- after, as SQLite's "making other kinds of table schema changes" recipe
-- says. The writer pool has one connection, so every statement runs on it.

-- +goose NO TRANSACTION
-- +goose Up
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE items_new (
    id         TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('draft', 'review', 'active', 'retired', 'void')),
    domain     TEXT NOT NULL CHECK (domain IN ('concepts', 'tools', 'soft_skills')),
    -- The newest version's enemy group, beside the domain and before the
    -- stem, so a draw reads it with the pool without stepping over item text.
    grp        TEXT NOT NULL DEFAULT '',
    topic      TEXT NOT NULL DEFAULT '',
    type       TEXT NOT NULL CHECK (type IN ('single', 'multiple', 'true_false', 'numeric', 'ordering', 'matching')),
    stem       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO items_new (id, version, status, domain, grp, topic, type, stem, created_at, updated_at)
    SELECT id, version, status, domain, '', topic, type, stem, created_at, updated_at FROM items;
DROP TABLE items;
ALTER TABLE items_new RENAME TO items;
CREATE INDEX items_filter ON items(status, domain);
CREATE INDEX items_topic ON items(topic);

ALTER TABLE item_versions ADD COLUMN competency TEXT NOT NULL DEFAULT '';
ALTER TABLE item_versions ADD COLUMN grp TEXT NOT NULL DEFAULT '';
ALTER TABLE item_versions ADD COLUMN exhibit TEXT NOT NULL DEFAULT '';
ALTER TABLE item_versions ADD COLUMN numeric TEXT NOT NULL DEFAULT ''; -- JSON {value, tolerance, unit} or ''

CREATE TABLE attempt_questions_new (
    attempt_id   TEXT NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    question_id  TEXT NOT NULL,
    position     INTEGER NOT NULL,
    item_id      TEXT NOT NULL,
    item_version INTEGER NOT NULL,
    domain       TEXT NOT NULL,
    type         TEXT NOT NULL CHECK (type IN ('single', 'multiple', 'true_false', 'numeric', 'ordering', 'matching')),
    option_order TEXT NOT NULL, -- JSON array: displayed position -> authored index
    -- Matching only: the answer list's own frozen order (displayed position
    -- -> authored index of the option whose match it is); [] otherwise.
    match_order  TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (attempt_id, question_id),
    UNIQUE (attempt_id, position),
    FOREIGN KEY (item_id, item_version) REFERENCES item_versions(item_id, version)
);
INSERT INTO attempt_questions_new (attempt_id, question_id, position, item_id, item_version, domain, type, option_order)
    SELECT attempt_id, question_id, position, item_id, item_version, domain, type, option_order FROM attempt_questions;
DROP TABLE attempt_questions;
ALTER TABLE attempt_questions_new RENAME TO attempt_questions;
CREATE INDEX attempt_questions_item ON attempt_questions(item_id);

-- A numeric answer as the candidate typed it ("13,3 %"); graded by parsing.
ALTER TABLE answers ADD COLUMN value TEXT NOT NULL DEFAULT '';

-- Exposure control: how often and when each item was last put on a form.
-- Assembly prefers the least drawn items, so a retake and a neighbour see
-- different forms. Owned by exam; one upsert per drawn item at start.
CREATE TABLE item_exposure (
    item_id       TEXT PRIMARY KEY,
    draws         INTEGER NOT NULL DEFAULT 0,
    last_drawn    INTEGER NOT NULL -- Unix milliseconds of the start that drew it
);

COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
DROP TABLE item_exposure;
ALTER TABLE answers DROP COLUMN value;

CREATE TABLE attempt_questions_old (
    attempt_id   TEXT NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    question_id  TEXT NOT NULL,
    position     INTEGER NOT NULL,
    item_id      TEXT NOT NULL,
    item_version INTEGER NOT NULL,
    domain       TEXT NOT NULL,
    type         TEXT NOT NULL CHECK (type IN ('single', 'multiple', 'true_false')),
    option_order TEXT NOT NULL,
    PRIMARY KEY (attempt_id, question_id),
    UNIQUE (attempt_id, position),
    FOREIGN KEY (item_id, item_version) REFERENCES item_versions(item_id, version)
);
INSERT INTO attempt_questions_old (attempt_id, question_id, position, item_id, item_version, domain, type, option_order)
    SELECT attempt_id, question_id, position, item_id, item_version, domain, type, option_order FROM attempt_questions;
DROP TABLE attempt_questions;
ALTER TABLE attempt_questions_old RENAME TO attempt_questions;
CREATE INDEX attempt_questions_item ON attempt_questions(item_id);

ALTER TABLE item_versions DROP COLUMN numeric;
ALTER TABLE item_versions DROP COLUMN exhibit;
ALTER TABLE item_versions DROP COLUMN grp;
ALTER TABLE item_versions DROP COLUMN competency;

CREATE TABLE items_old (
    id         TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('draft', 'review', 'active', 'retired', 'void')),
    domain     TEXT NOT NULL CHECK (domain IN ('concepts', 'tools', 'soft_skills')),
    topic      TEXT NOT NULL DEFAULT '',
    type       TEXT NOT NULL CHECK (type IN ('single', 'multiple', 'true_false')),
    stem       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO items_old (id, version, status, domain, topic, type, stem, created_at, updated_at)
    SELECT id, version, status, domain, topic, type, stem, created_at, updated_at FROM items;
DROP TABLE items;
ALTER TABLE items_old RENAME TO items;
CREATE INDEX items_filter ON items(status, domain);
CREATE INDEX items_topic ON items(topic);
COMMIT;
PRAGMA foreign_keys = ON;
