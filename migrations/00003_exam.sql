-- Tiers, attempts, their frozen forms and answers.

-- +goose Up
CREATE TABLE tiers (
    code                TEXT PRIMARY KEY,
    name                TEXT NOT NULL,
    level               INTEGER NOT NULL UNIQUE,
    description         TEXT NOT NULL DEFAULT '',
    prerequisite        TEXT REFERENCES tiers(code),
    time_limit_seconds  INTEGER NOT NULL CHECK (time_limit_seconds > 0),
    pass_percent        INTEGER NOT NULL CHECK (pass_percent BETWEEN 1 AND 100),
    validity_days       INTEGER NOT NULL CHECK (validity_days > 0),
    blueprint           TEXT NOT NULL, -- JSON {"concepts": n, "tools": n, "soft_skills": n}
    partial_credit      INTEGER NOT NULL DEFAULT 0,
    retake_wait_seconds INTEGER NOT NULL DEFAULT 86400,
    max_attempts        INTEGER NOT NULL DEFAULT 3,
    attempt_window_days INTEGER NOT NULL DEFAULT 90,
    updated_at          TIMESTAMP NOT NULL
);

-- Extra time granted to a candidate (1.25 = +25 %).
CREATE TABLE accommodations (
    user_id    TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    multiplier REAL NOT NULL CHECK (multiplier >= 1 AND multiplier <= 4),
    note       TEXT NOT NULL DEFAULT '',
    granted_by TEXT NOT NULL DEFAULT '',
    granted_at TIMESTAMP NOT NULL
);

CREATE TABLE attempts (
    id                 TEXT PRIMARY KEY,
    user_id            TEXT NOT NULL REFERENCES users(id),
    tier_code          TEXT NOT NULL REFERENCES tiers(code),
    -- The candidate's name when the attempt started: the certificate carries
    -- it even when the sweeper submits, long after the request that started it.
    holder_name        TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL CHECK (status IN ('in_progress', 'submitted', 'expired')),
    seed               INTEGER NOT NULL,
    started_at         TIMESTAMP NOT NULL,
    deadline           TIMESTAMP NOT NULL,
    time_limit_seconds INTEGER NOT NULL,
    accommodation      REAL NOT NULL DEFAULT 1,
    pass_percent       INTEGER NOT NULL,
    partial_credit     INTEGER NOT NULL DEFAULT 0,
    submitted_at       TIMESTAMP,
    auto_submitted     INTEGER NOT NULL DEFAULT 0,
    outcome            TEXT CHECK (outcome IN ('passed', 'failed')),
    correct            REAL,
    total              REAL,
    score_percent      REAL,
    domains            TEXT, -- JSON [{domain, correct, total, percent}]
    -- The credential issued on a pass; the credentials table (exam/cert)
    -- holds it, with its live status.
    credential_id      TEXT
);
-- At most one open attempt per candidate, enforced by the database itself.
CREATE UNIQUE INDEX attempts_one_open ON attempts(user_id) WHERE status = 'in_progress';
CREATE INDEX attempts_user ON attempts(user_id, started_at);
CREATE INDEX attempts_open_deadline ON attempts(deadline) WHERE status = 'in_progress';
CREATE INDEX attempts_started ON attempts(started_at);
CREATE INDEX attempts_tier ON attempts(tier_code, started_at);

-- The form, frozen at start: which item version sits at which position and in
-- which option order. Option ids shown to the candidate are letters of the
-- displayed order, so they never leak the authored order.
CREATE TABLE attempt_questions (
    attempt_id   TEXT NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    question_id  TEXT NOT NULL,
    position     INTEGER NOT NULL,
    item_id      TEXT NOT NULL,
    item_version INTEGER NOT NULL,
    -- Copied from the item version so an autosave validates its choices and
    -- a result is broken down by domain without loading item content.
    domain       TEXT NOT NULL,
    type         TEXT NOT NULL CHECK (type IN ('single', 'multiple', 'true_false')),
    option_order TEXT NOT NULL, -- JSON array: displayed position -> authored index
    PRIMARY KEY (attempt_id, question_id),
    UNIQUE (attempt_id, position),
    FOREIGN KEY (item_id, item_version) REFERENCES item_versions(item_id, version)
);
CREATE INDEX attempt_questions_item ON attempt_questions(item_id);

CREATE TABLE answers (
    attempt_id  TEXT NOT NULL,
    question_id TEXT NOT NULL,
    choices     TEXT NOT NULL, -- JSON array of displayed option ids, sorted
    flagged     INTEGER NOT NULL DEFAULT 0,
    saved_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (attempt_id, question_id),
    FOREIGN KEY (attempt_id, question_id) REFERENCES attempt_questions(attempt_id, question_id) ON DELETE CASCADE
);

-- Every regrade, who asked and what changed.
CREATE TABLE regrades (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    actor       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    at          TIMESTAMP NOT NULL,
    attempts    INTEGER NOT NULL,
    changed     INTEGER NOT NULL,
    detail      TEXT NOT NULL DEFAULT '' -- JSON
);

-- +goose Down
DROP TABLE regrades;
DROP TABLE answers;
DROP TABLE attempt_questions;
DROP TABLE attempts;
DROP TABLE accommodations;
DROP TABLE tiers;
