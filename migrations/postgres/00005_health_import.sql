-- PostgreSQL twin of ../00005_health_import.sql: same tables and columns, PostgreSQL types
-- (TIMESTAMPTZ, BIGINT, DOUBLE PRECISION, BYTEA; flags stay 0/1 integers).
-- health_probe is the one row /readyz writes, so readiness proves the
-- database takes writes (a full disk or a read-only file fails it).

-- +goose Up
CREATE TABLE health_probe (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE health_probe;
