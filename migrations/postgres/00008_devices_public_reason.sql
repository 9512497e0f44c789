-- PostgreSQL twin of ../00008_devices_public_reason.sql: same tables and columns, PostgreSQL types
-- (TIMESTAMPTZ, BIGINT, DOUBLE PRECISION, BYTEA; flags stay 0/1 integers).
-- Sign-in device cookies (lockout resistance) and the public revocation
-- reason, kept apart from the admins' internal note.

-- +goose Up
-- A browser that signed in successfully gets a device cookie; only a
-- SHA-256 of it is stored. A sign-in presenting a device cookie valid for
-- that account has its own failure budget, so guesses from elsewhere cannot
-- lock the owner out.
CREATE TABLE sign_in_devices (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sign_in_devices_user ON sign_in_devices(user_id);
CREATE INDEX sign_in_devices_expires ON sign_in_devices(expires_at);

-- revoked_reason stays as the internal note (admins only); the public
-- reason is a code from a short list, worded by the web layer. Reasons
-- written before this split were free text meant for admins as much as the
-- public: they become notes, and their public reason 'other'.
ALTER TABLE credentials ADD COLUMN revoked_public_reason TEXT NOT NULL DEFAULT '';
UPDATE credentials SET revoked_public_reason = 'other' WHERE revoked_at IS NOT NULL;

-- +goose Down
ALTER TABLE credentials DROP COLUMN revoked_public_reason;
DROP TABLE sign_in_devices;
