-- PostgreSQL twin of ../00010_open_badges.sql: same tables and columns, PostgreSQL types
-- (TIMESTAMPTZ, BIGINT, DOUBLE PRECISION, BYTEA; flags stay 0/1 integers).
-- Open Badges 3.0 credentials, Bitstring status lists and renewal.
-- Owned by exam/cert (credential columns, status entries, signed badges) and
-- exam (tier renewal rules, renewal attempts).

-- +goose Up
-- awarded_at: the first award of this tier to this holder (a renewal keeps
-- it); superseded_by: the renewal that replaced this credential;
-- renewal_opens_at / grace_until: the renewal window and the grace after
-- expiry, fixed at issue from the tier's rules then in force.
ALTER TABLE credentials ADD COLUMN awarded_at TIMESTAMPTZ;
ALTER TABLE credentials ADD COLUMN superseded_by TEXT REFERENCES credentials(id);
ALTER TABLE credentials ADD COLUMN renewal_opens_at TIMESTAMPTZ;
ALTER TABLE credentials ADD COLUMN grace_until TIMESTAMPTZ;
UPDATE credentials SET awarded_at = issued_at;

-- One random position per credential, the same in the revocation and the
-- suspension list of that number. Random positions keep a list from telling
-- the order (or the count) of issue.
CREATE TABLE credential_status (
    credential_id TEXT PRIMARY KEY REFERENCES credentials(id),
    list          BIGINT NOT NULL CHECK (list >= 1),
    idx           BIGINT NOT NULL CHECK (idx >= 0),
    UNIQUE (list, idx)
);

-- The signed OpenBadgeCredential, made once (on first download) and then
-- served as stored: a credential never changes after it is signed.
CREATE TABLE open_badges (
    credential_id TEXT PRIMARY KEY REFERENCES credentials(id),
    document      TEXT NOT NULL, -- JSON-LD with its Data Integrity proof
    created_at    TIMESTAMPTZ NOT NULL
);

ALTER TABLE tiers ADD COLUMN renewal_window_days BIGINT NOT NULL DEFAULT 60 CHECK (renewal_window_days >= 0);
ALTER TABLE tiers ADD COLUMN renewal_mode TEXT NOT NULL DEFAULT 'short' CHECK (renewal_mode IN ('short', 'full'));
ALTER TABLE tiers ADD COLUMN grace_days BIGINT NOT NULL DEFAULT 30 CHECK (grace_days >= 0);

-- The credential a renewal attempt renews (NULL for a first attempt).
ALTER TABLE attempts ADD COLUMN renews TEXT REFERENCES credentials(id);

-- +goose Down
ALTER TABLE attempts DROP COLUMN renews;
ALTER TABLE tiers DROP COLUMN grace_days;
ALTER TABLE tiers DROP COLUMN renewal_mode;
ALTER TABLE tiers DROP COLUMN renewal_window_days;
DROP TABLE open_badges;
DROP TABLE credential_status;
ALTER TABLE credentials DROP COLUMN grace_until;
ALTER TABLE credentials DROP COLUMN renewal_opens_at;
ALTER TABLE credentials DROP COLUMN superseded_by;
ALTER TABLE credentials DROP COLUMN awarded_at;
