-- Followed sources: a feed, or a page whose feed is found through <link rel="alternate">.
-- The poll state (etag, last_modified, content_sha) always describes a feed version whose every
-- entry is handled, so a poll cut short (kill -9, SIGTERM) is simply done again.
CREATE TABLE sources (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    url                  TEXT NOT NULL UNIQUE,
    feed_url             TEXT,             -- the feed itself; NULL until the first poll finds it
    name                 TEXT,             -- given by the user; else the feed's title names articles
    feed_title           TEXT,
    lang                 TEXT,
    country              TEXT,
    every_s              INTEGER NOT NULL,
    added_at             TEXT NOT NULL,
    paused               INTEGER NOT NULL DEFAULT 0,
    pause_reason         TEXT,
    etag                 TEXT,
    last_modified        TEXT,
    content_sha          TEXT,             -- sha256 of the last handled body, for servers without validators
    next_poll_at         REAL NOT NULL DEFAULT 0,  -- unix time
    last_poll_at         TEXT,
    last_status          TEXT,             -- new, unchanged, error, deferred
    last_success_at      TEXT,
    last_error_at        TEXT,
    last_error           TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    latencies_ms         TEXT NOT NULL DEFAULT '[]',  -- the latest polls' latencies, for the median
    articles_added       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sources_due ON sources (paused, next_poll_at);
-- Per source and UTC day: polls, failures, articles added (articles per day in the health view).
CREATE TABLE source_days (
    source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    day       TEXT NOT NULL,
    polls     INTEGER NOT NULL DEFAULT 0,
    failures  INTEGER NOT NULL DEFAULT 0,
    added     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (source_id, day)
);
-- Entries already handled (stored, already stored, or refused), by guid, link and content: a
-- later poll skips them without fetching their pages again.
CREATE TABLE source_entries (
    key        TEXT PRIMARY KEY,   -- 'guid:…', 'link:…' (canonical URL) or 'hash:…'
    source_id  INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    article_id TEXT,
    seen_at    TEXT NOT NULL
);
CREATE INDEX source_entries_by_source ON source_entries (source_id, seen_at);
