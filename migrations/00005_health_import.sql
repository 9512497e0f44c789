-- health_probe is the one row /readyz writes, so readiness proves the
-- database takes writes (a full disk or a read-only file fails it).

-- +goose Up
CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE health_probe;
