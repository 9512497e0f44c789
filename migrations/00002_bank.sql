-- The question bank: an item row carries the workflow status and the newest
-- version's searchable fields; item_versions are immutable snapshots that
-- attempts point at.

-- +goose Up
CREATE TABLE items (
    id         TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('draft', 'review', 'active', 'retired', 'void')),
    domain     TEXT NOT NULL CHECK (domain IN ('concepts', 'tools', 'soft_skills')),
    topic      TEXT NOT NULL DEFAULT '',
    type       TEXT NOT NULL CHECK (type IN ('single', 'multiple', 'true_false')),
    stem       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX items_filter ON items(status, domain);
CREATE INDEX items_topic ON items(topic);

CREATE TABLE item_versions (
    item_id    TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    domain     TEXT NOT NULL,
    tiers      TEXT NOT NULL, -- JSON array of tier codes
    topic      TEXT NOT NULL DEFAULT '',
    type       TEXT NOT NULL,
    stem       TEXT NOT NULL,
    options    TEXT NOT NULL, -- JSON array of {text, correct, feedback}
    rationale  TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL DEFAULT '',
    author     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (item_id, version)
);

-- The tiers of the newest version, as rows, so filtering and drawing by tier
-- use an index instead of parsing JSON.
CREATE TABLE item_tiers (
    item_id   TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    tier_code TEXT NOT NULL,
    PRIMARY KEY (item_id, tier_code)
);
CREATE INDEX item_tiers_tier ON item_tiers(tier_code, item_id);

-- Who changed what and when: status transitions and edits.
CREATE TABLE item_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id    TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    action     TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status  TEXT NOT NULL DEFAULT '',
    actor      TEXT NOT NULL DEFAULT '',
    at         TIMESTAMP NOT NULL
);
CREATE INDEX item_events_item ON item_events(item_id, id);

-- +goose Down
DROP TABLE item_events;
DROP TABLE item_tiers;
DROP TABLE item_versions;
DROP TABLE items;
