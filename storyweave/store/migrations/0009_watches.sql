-- Watches (saved queries) and the alerts they fire.  ``alerts`` is an outbox: a firing is written
-- in the transaction that stores the article causing it, so a crash can neither lose nor repeat
-- one; deliveries then work through it.
CREATE TABLE watches (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL DEFAULT '',
    words        TEXT NOT NULL DEFAULT '',   -- the words query as given (see storyweave/alerts/query.py)
    entity_query TEXT NOT NULL DEFAULT '',   -- the entity as given: a name in any script or an id
    entity_id    TEXT,                       -- what it resolves to: a stored entity, or until the store
    entity_type  TEXT,                       -- holds one, the id (and type) an article naming it would get
    langs        TEXT NOT NULL DEFAULT '[]', -- JSON list of ISO 639-1 codes; empty: every language
    min_outlets  INTEGER NOT NULL DEFAULT 1,
    min_langs    INTEGER NOT NULL DEFAULT 1,
    webhook_url  TEXT,
    secret       TEXT NOT NULL,              -- HMAC-SHA256 key of its webhook signatures
    created_at   TEXT NOT NULL
);

-- What each watch has already reported about each event, so a change fires once and only once.
CREATE TABLE watch_events (
    watch_id TEXT NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    fired    INTEGER NOT NULL DEFAULT 0,     -- 0: matched, but below the watch's minimum coverage so far
    langs    TEXT NOT NULL DEFAULT '[]',     -- JSON: languages and outlets already reported
    outlets  TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (watch_id, event_id)
);
CREATE INDEX watch_events_event ON watch_events(event_id);

CREATE TABLE alerts (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,  -- the alert's id; live stream and feed cursor
    watch_id     TEXT NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
    event_id     TEXT NOT NULL,
    kind         TEXT NOT NULL,               -- 'new_event' or 'coverage'
    payload      TEXT NOT NULL,               -- JSON body delivered (without its id)
    created_at   TEXT NOT NULL,
    delivery     TEXT NOT NULL,               -- webhook: 'none' (no webhook), 'pending', 'delivered', 'failed'
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt REAL NOT NULL DEFAULT 0,     -- unix time of the next try; a claimed delivery's lease
    last_error   TEXT,
    delivered_at TEXT
);
CREATE INDEX alerts_watch ON alerts(watch_id, seq);
CREATE INDEX alerts_due ON alerts(delivery, next_attempt);
