-- PostgreSQL twin of ../00014_languages.sql: same tables and columns, PostgreSQL types
-- (TIMESTAMPTZ, BIGINT, DOUBLE PRECISION, BYTEA; flags stay 0/1 integers).
-- English and German: the language an attempt was delivered in (statistics
-- split by it) and the translations stored with each immutable item
-- version. A user's own language came with 00011.

-- +goose Up
ALTER TABLE attempts ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'de'));
-- JSON object {"de": {stem, exhibit, options: [{text, feedback, match}], rationale, unit}}.
ALTER TABLE item_versions ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE item_versions DROP COLUMN translations;
ALTER TABLE attempts DROP COLUMN language;
