-- PostgreSQL twin of ../00007_stats.sql: same tables and columns, PostgreSQL types
-- (TIMESTAMPTZ, BIGINT, DOUBLE PRECISION, BYTEA; flags stay 0/1 integers).
-- Item and test statistics: responses stored so they can be analysed
-- without re-grading, a per-question score from the grading pass, and the
-- figures behind an automatic item event.

-- +goose Up
-- The authored option indexes (JSON array, sorted) of an answer, whatever
-- order the candidate saw: statistics per option need them.
ALTER TABLE answers ADD COLUMN authored TEXT;
-- (SQLite backfills it from the stored choices; no PostgreSQL database
-- predates this migration, and migrate-data copies the column as it is.)

-- When the question was first answered: the time spent on it is estimated
-- from the gap to the attempt's previous first save (saved_at moves on every
-- change of mind).
ALTER TABLE answers ADD COLUMN first_saved_at TIMESTAMPTZ;
UPDATE answers SET first_saved_at = saved_at;

-- The credit (0 to 1) this question earned, written by the grading pass
-- that scored the attempt; null for a void item or an ungraded attempt.
ALTER TABLE attempt_questions ADD COLUMN score DOUBLE PRECISION;

-- Why an automatic change happened (JSON: the flag and its figures).
ALTER TABLE item_events ADD COLUMN detail TEXT NOT NULL DEFAULT '';

-- Statistics read graded attempts of a tier in submit order; with the
-- score the index also covers the cache's change stamp.
CREATE INDEX attempts_tier_submitted ON attempts(tier_code, submitted_at, score_percent) WHERE outcome IS NOT NULL;

-- +goose Down
DROP INDEX attempts_tier_submitted;
ALTER TABLE item_events DROP COLUMN detail;
ALTER TABLE attempt_questions DROP COLUMN score;
ALTER TABLE answers DROP COLUMN first_saved_at;
ALTER TABLE answers DROP COLUMN authored;
