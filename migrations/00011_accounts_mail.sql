-- Self-service accounts (verification, password reset, name correction),
-- the mail outbox, the admins' audit trail of actions on a person, and the
-- link from a reissued certificate to the one that replaced it.

-- +goose Up
-- Accounts that existed before verification did are taken as verified: they
-- registered under the old rules and may already hold certificates.
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMP;
UPDATE users SET email_verified_at = created_at;
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE users ADD COLUMN anonymized_at TIMESTAMP;

-- Single-use links. Only a SHA-256 of the token is stored (256 random bits,
-- so a fast hash is enough); email is the address a verify_email link
-- confirms, which for a change of address is the new one.
CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('password_reset', 'verify_email')),
    email      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE INDEX account_tokens_user ON account_tokens(user_id, purpose, created_at);
CREATE INDEX account_tokens_expires ON account_tokens(expires_at);

-- The outbox: a row is written in the same transaction as the change that
-- causes it and sent by the mail worker. kind and args say what to tell;
-- the renderer decides the wording, in language. A worker owns a row while
-- lease_until is in the future; dedupe_key makes a notice (e.g. "expires in
-- 30 days" for one certificate) at most one row.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         TEXT REFERENCES users(id) ON DELETE SET NULL,
    to_address      TEXT NOT NULL,
    kind            TEXT NOT NULL,
    args            TEXT NOT NULL DEFAULT '{}', -- JSON object
    language        TEXT NOT NULL DEFAULT 'en',
    dedupe_key      TEXT UNIQUE,
    created_at      TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    lease_until     TIMESTAMP,
    sent_at         TIMESTAMP,
    failed_at       TIMESTAMP,
    last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX mail_outbox_user ON mail_outbox(user_id, id);

-- What an admin did to a person's account or attempts, why, and when.
CREATE TABLE admin_actions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    actor          TEXT NOT NULL, -- the admin's e-mail address, as elsewhere (granted_by, revoked_by)
    target_user_id TEXT NOT NULL,
    action         TEXT NOT NULL,
    reason         TEXT NOT NULL,
    detail         TEXT NOT NULL DEFAULT '{}', -- JSON
    at             TIMESTAMP NOT NULL
);
CREATE INDEX admin_actions_target ON admin_actions(target_user_id, id);

-- A retake wait an admin has waived: the eligibility check ignores attempts
-- that closed before waived_at for this tier.
CREATE TABLE retake_waivers (
    user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    tier_code TEXT NOT NULL,
    waived_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, tier_code)
);

-- An attempt an admin closed without grading (status 'expired', no outcome):
-- it does not count for retake waits or attempt caps, and has no result.
-- Kept apart so the attempts table (and its CHECK) need not be rebuilt.
CREATE TABLE attempt_cancellations (
    attempt_id TEXT PRIMARY KEY REFERENCES attempts(id) ON DELETE CASCADE,
    actor      TEXT NOT NULL,
    reason     TEXT NOT NULL,
    at         TIMESTAMP NOT NULL
);

-- A candidate asks for the name on certificates to be corrected; an admin
-- decides. Certificates reissued under the new name point back here.
CREATE TABLE name_change_requests (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    old_name   TEXT NOT NULL,
    new_name   TEXT NOT NULL,
    reason     TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by TEXT NOT NULL DEFAULT '',
    decided_at TIMESTAMP,
    response   TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX name_change_one_pending ON name_change_requests(user_id) WHERE status = 'pending';

-- A reissued certificate names its successor in credentials.superseded_by
-- (added by 00010 for renewals); verification answers "superseded".

-- +goose Down
DROP TABLE name_change_requests;
DROP TABLE attempt_cancellations;
DROP TABLE retake_waivers;
DROP TABLE admin_actions;
DROP TABLE mail_outbox;
DROP TABLE account_tokens;
ALTER TABLE users DROP COLUMN anonymized_at;
ALTER TABLE users DROP COLUMN language;
ALTER TABLE users DROP COLUMN email_verified_at;
