-- PostgreSQL twin of ../00006_item_types.sql: same tables and columns.
-- Second-round item types (numeric, ordering, matching), exhibits, enemy
-- groups, competencies and exposure control. PostgreSQL alters a CHECK
-- constraint in place, so nothing is rebuilt (column order differs from
-- SQLite's; every statement names its columns).

-- +goose Up
ALTER TABLE items ADD COLUMN grp TEXT NOT NULL DEFAULT '';
ALTER TABLE items DROP CONSTRAINT items_type_check;
ALTER TABLE items ADD CONSTRAINT items_type_check
    CHECK (type IN ('single', 'multiple', 'true_false', 'numeric', 'ordering', 'matching'));

ALTER TABLE item_versions ADD COLUMN competency TEXT NOT NULL DEFAULT '';
ALTER TABLE item_versions ADD COLUMN grp TEXT NOT NULL DEFAULT '';
ALTER TABLE item_versions ADD COLUMN exhibit TEXT NOT NULL DEFAULT '';
ALTER TABLE item_versions ADD COLUMN numeric TEXT NOT NULL DEFAULT ''; -- JSON {value, tolerance, unit} or ''

ALTER TABLE attempt_questions DROP CONSTRAINT attempt_questions_type_check;
ALTER TABLE attempt_questions ADD CONSTRAINT attempt_questions_type_check
    CHECK (type IN ('single', 'multiple', 'true_false', 'numeric', 'ordering', 'matching'));
-- Matching only: the answer list's own frozen order; [] otherwise.
ALTER TABLE attempt_questions ADD COLUMN match_order TEXT NOT NULL DEFAULT '[]';

ALTER TABLE answers ADD COLUMN value TEXT NOT NULL DEFAULT '';

CREATE TABLE item_exposure (
    item_id       TEXT PRIMARY KEY,
    draws         BIGINT NOT NULL DEFAULT 0,
    last_drawn    BIGINT NOT NULL -- Unix milliseconds of the start that drew it
);

-- +goose Down
DROP TABLE item_exposure;
ALTER TABLE answers DROP COLUMN value;
ALTER TABLE attempt_questions DROP COLUMN match_order;
ALTER TABLE attempt_questions DROP CONSTRAINT attempt_questions_type_check;
ALTER TABLE attempt_questions ADD CONSTRAINT attempt_questions_type_check CHECK (type IN ('single', 'multiple', 'true_false'));
ALTER TABLE item_versions DROP COLUMN numeric;
ALTER TABLE item_versions DROP COLUMN exhibit;
ALTER TABLE item_versions DROP COLUMN grp;
ALTER TABLE item_versions DROP COLUMN competency;
ALTER TABLE items DROP CONSTRAINT items_type_check;
ALTER TABLE items ADD CONSTRAINT items_type_check CHECK (type IN ('single', 'multiple', 'true_false'));
ALTER TABLE items DROP COLUMN grp;
