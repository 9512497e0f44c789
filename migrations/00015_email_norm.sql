-- E-mail addresses are unique and looked up without regard to case. SQLite
-- did that with COLLATE NOCASE on users.email, which PostgreSQL lacks; the
-- code now writes the folded address beside the one the person typed and
-- both stores look up and enforce uniqueness on it.

-- +goose Up
ALTER TABLE users ADD COLUMN email_norm TEXT NOT NULL DEFAULT '';
-- lower() folds ASCII only, as NOCASE did, so no two existing rows collide.
UPDATE users SET email_norm = lower(email);
CREATE UNIQUE INDEX users_email_norm ON users(email_norm);

-- +goose Down
DROP INDEX users_email_norm;
ALTER TABLE users DROP COLUMN email_norm;
