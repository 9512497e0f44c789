-- PostgreSQL twin of ../00012_challenges_regrades_standards.sql: same tables and columns, PostgreSQL types
-- (TIMESTAMPTZ, BIGINT, DOUBLE PRECISION, BYTEA; flags stay 0/1 integers).
-- Item challenges (candidates' comments and the admins' decisions), the
-- audit trail of certificate-aware regrades, and modified-Angoff
-- standard-setting studies that set a tier's pass mark.

-- +goose Up
-- One comment per question of an attempt; the candidate may edit it until
-- it is decided. item_id/item_version are copied from the form so the
-- review queue groups by item without joining every attempt.
CREATE TABLE challenges (
    id           TEXT PRIMARY KEY,
    attempt_id   TEXT NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    question_id  TEXT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    item_id      TEXT NOT NULL,
    item_version BIGINT NOT NULL,
    text         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided')),
    decision     TEXT NOT NULL DEFAULT '' CHECK (decision IN ('', 'upheld', 'rejected')),
    response     TEXT NOT NULL DEFAULT '',
    decided_by   TEXT NOT NULL DEFAULT '',
    decided_at   TIMESTAMPTZ,
    UNIQUE (attempt_id, question_id),
    FOREIGN KEY (attempt_id, question_id) REFERENCES attempt_questions(attempt_id, question_id) ON DELETE CASCADE
);
CREATE INDEX challenges_item ON challenges(item_id, status, created_at);
CREATE INDEX challenges_status ON challenges(status, created_at);

-- A regrade is now tied to one item and one action, and is idempotent: the
-- request hash is unique, so a repeated apply finds the stored result
-- instead of applying twice.
ALTER TABLE regrades ADD COLUMN item_id TEXT NOT NULL DEFAULT '';
ALTER TABLE regrades ADD COLUMN action TEXT NOT NULL DEFAULT '';
ALTER TABLE regrades ADD COLUMN correct TEXT NOT NULL DEFAULT '[]'; -- JSON authored indexes (rekey)
ALTER TABLE regrades ADD COLUMN allow_adverse BIGINT NOT NULL DEFAULT 0;
ALTER TABLE regrades ADD COLUMN request_hash TEXT;
ALTER TABLE regrades ADD COLUMN new_version BIGINT; -- the item version a rekey wrote
ALTER TABLE regrades ADD COLUMN options TEXT NOT NULL DEFAULT '[]'; -- JSON option texts a rekey applies to
CREATE UNIQUE INDEX regrades_request ON regrades(request_hash) WHERE request_hash IS NOT NULL;
CREATE INDEX regrades_item ON regrades(item_id, id);

-- Per attempt: what a regrade did, kept for the audit and shown to the
-- candidate as a note on the result.
CREATE TABLE regrade_attempts (
    regrade_id  BIGINT NOT NULL REFERENCES regrades(id),
    attempt_id  TEXT NOT NULL REFERENCES attempts(id),
    old_percent DOUBLE PRECISION NOT NULL,
    new_percent DOUBLE PRECISION NOT NULL,
    old_outcome TEXT NOT NULL,
    new_outcome TEXT NOT NULL,
    -- passed before, would fail now, allow_adverse off: the pass stands.
    kept_pass   BIGINT NOT NULL DEFAULT 0,
    certificate_issued  TEXT NOT NULL DEFAULT '',
    certificate_revoked TEXT NOT NULL DEFAULT '',
    -- a pass whose certificate a regrade revoked earlier: not reissued.
    certificate_refused TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (regrade_id, attempt_id)
);
CREATE INDEX regrade_attempts_attempt ON regrade_attempts(attempt_id, regrade_id);

-- Modified-Angoff studies. The panel are admins (no new role: adding one
-- would mean rebuilding users, which sessions and attempts reference).
CREATE TABLE standard_studies (
    id             TEXT PRIMARY KEY,
    tier_code      TEXT NOT NULL REFERENCES tiers(code),
    title          TEXT NOT NULL,
    mcc_definition TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved')),
    round          BIGINT NOT NULL DEFAULT 1 CHECK (round >= 1),
    created_by     TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    approved_by    TEXT NOT NULL DEFAULT '',
    approved_at    TIMESTAMPTZ,
    cut            DOUBLE PRECISION,
    se             DOUBLE PRECISION,
    pass_percent   BIGINT
);
CREATE INDEX standard_studies_tier ON standard_studies(tier_code, created_at);

CREATE TABLE standard_items (
    study_id     TEXT NOT NULL REFERENCES standard_studies(id) ON DELETE CASCADE,
    item_id      TEXT NOT NULL,
    item_version BIGINT NOT NULL,
    position     BIGINT NOT NULL,
    PRIMARY KEY (study_id, item_id),
    FOREIGN KEY (item_id, item_version) REFERENCES item_versions(item_id, version)
);

CREATE TABLE standard_panelists (
    study_id TEXT NOT NULL REFERENCES standard_studies(id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (study_id, user_id)
);

CREATE TABLE standard_ratings (
    study_id   TEXT NOT NULL,
    round      BIGINT NOT NULL,
    user_id    TEXT NOT NULL,
    item_id    TEXT NOT NULL,
    rating     DOUBLE PRECISION NOT NULL CHECK (rating BETWEEN 0 AND 100),
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (study_id, round, user_id, item_id),
    FOREIGN KEY (study_id, user_id) REFERENCES standard_panelists(study_id, user_id) ON DELETE CASCADE,
    FOREIGN KEY (study_id, item_id) REFERENCES standard_items(study_id, item_id) ON DELETE CASCADE
);

-- Where a tier's pass mark came from: the approved study, if any. An
-- admin's later manual edit of pass_percent clears it.
ALTER TABLE tiers ADD COLUMN pass_mark_study TEXT REFERENCES standard_studies(id);

-- +goose Down
ALTER TABLE tiers DROP COLUMN pass_mark_study;
DROP TABLE standard_ratings;
DROP TABLE standard_panelists;
DROP TABLE standard_items;
DROP TABLE standard_studies;
DROP TABLE regrade_attempts;
DROP INDEX regrades_item;
DROP INDEX regrades_request;
ALTER TABLE regrades DROP COLUMN options;
ALTER TABLE regrades DROP COLUMN new_version;
ALTER TABLE regrades DROP COLUMN request_hash;
ALTER TABLE regrades DROP COLUMN allow_adverse;
ALTER TABLE regrades DROP COLUMN correct;
ALTER TABLE regrades DROP COLUMN action;
ALTER TABLE regrades DROP COLUMN item_id;
DROP TABLE challenges;
