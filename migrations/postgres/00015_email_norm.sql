-- PostgreSQL twin of ../00015_email_norm.sql: the folded e-mail address the
-- code writes and looks up, unique.

-- +goose Up
ALTER TABLE users ADD COLUMN email_norm TEXT NOT NULL DEFAULT '';
UPDATE users SET email_norm = lower(email);
CREATE UNIQUE INDEX users_email_norm ON users(email_norm);

-- +goose Down
DROP INDEX users_email_norm;
ALTER TABLE users DROP COLUMN email_norm;
