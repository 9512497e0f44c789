-- PostgreSQL twin of ../00004_cert.sql: same tables and columns, PostgreSQL types
-- (TIMESTAMPTZ, BIGINT, DOUBLE PRECISION, BYTEA; flags stay 0/1 integers).
-- Credentials and the Ed25519 keys that sign them. Owned by exam/cert, which
-- treats user and attempt ids as opaque references.

-- +goose Up
-- Keys are never updated or deleted: an old key must still verify the
-- certificates it signed. seq orders them (the highest signs) without relying
-- on created_at, which two rotations in one clock tick would share.
CREATE TABLE signing_keys (
    kid         TEXT PRIMARY KEY,        -- RFC 7638 JWK thumbprint
    seq         BIGINT NOT NULL UNIQUE, -- 1, 2, 3… in order of creation
    private_key BYTEA NOT NULL,           -- Ed25519 seed (32 bytes)
    public_key  BYTEA NOT NULL,           -- 32 bytes
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE credentials (
    id             TEXT PRIMARY KEY, -- MOPS-XXXX-XXXX-XXXX
    attempt_id     TEXT UNIQUE,
    user_id        TEXT NOT NULL,
    holder_name    TEXT NOT NULL,
    tier_code      TEXT NOT NULL,
    tier_name      TEXT NOT NULL,
    issued_at      TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    kid            TEXT NOT NULL REFERENCES signing_keys(kid),
    token          TEXT NOT NULL,
    revoked_at     TIMESTAMPTZ,
    revoked_reason TEXT NOT NULL DEFAULT '',
    revoked_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX credentials_user ON credentials(user_id);
CREATE INDEX credentials_kid ON credentials(kid, expires_at);
CREATE INDEX credentials_issued ON credentials(issued_at);

-- +goose Down
DROP TABLE credentials;
DROP TABLE signing_keys;
