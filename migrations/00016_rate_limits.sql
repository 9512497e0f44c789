-- Rate-limit budgets shared by every app server on the database: one row per
-- budget and key (a sign-in account or device, a registering address). The
-- key is a SHA-256, so no address or e-mail is kept here. tat is the
-- "theoretical arrival time" of the generic cell rate algorithm in Unix
-- nanoseconds: an integer, so one portable UPDATE can take a token without
-- date arithmetic (which SQLite and PostgreSQL spell differently). A row
-- whose tat has passed is a full budget, the same as no row, and is pruned.

-- +goose Up
CREATE TABLE rate_limits (
    scope TEXT NOT NULL,
    key   TEXT NOT NULL,
    tat   INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX rate_limits_tat ON rate_limits (tat);

-- +goose Down
DROP TABLE rate_limits;
