-- Events (one happening, many articles), storylines (events that continue one another) and the
-- state the online assigner rebuilds itself from.  The database is the source of truth; the
-- assigner's in-memory indexes are caches of these tables.
CREATE TABLE storylines (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,  -- creation order; pagination cursor
    id            TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL DEFAULT '',
    first_date    TEXT,
    last_date     TEXT,
    event_count   INTEGER NOT NULL DEFAULT 0,
    article_count INTEGER NOT NULL DEFAULT 0,
    updated_at    TEXT NOT NULL
);
CREATE INDEX storylines_last_date ON storylines(last_date);

CREATE TABLE events (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,  -- creation order; ANN key and pagination cursor
    id              TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL DEFAULT '',
    lang            TEXT NOT NULL DEFAULT 'und',
    first_date      TEXT,             -- earliest member publication date (YYYY-MM-DD)
    last_date       TEXT,
    first_seq       INTEGER NOT NULL, -- ingest order (articles.seq) of the first and latest member:
    last_seq        INTEGER NOT NULL, -- the time window of undated articles
    article_count   INTEGER NOT NULL DEFAULT 0,
    rep_article_id  TEXT NOT NULL REFERENCES articles(id),   -- member nearest the centroid; gives the title
    last_article_id TEXT NOT NULL REFERENCES articles(id),   -- most recent non-duplicate member
    storyline_id    TEXT NOT NULL REFERENCES storylines(id),
    touched         INTEGER NOT NULL DEFAULT 0,  -- cluster_state.assigned when last changed
    updated_at      TEXT NOT NULL
);
CREATE INDEX events_storyline ON events(storyline_id);
CREATE INDEX events_last_date ON events(last_date);
CREATE INDEX events_touched ON events(touched);

-- Running mean of the members' (unit) vectors, one row per embedding model.
CREATE TABLE event_vectors (
    event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    model    TEXT NOT NULL,
    vector   BLOB NOT NULL,  -- float32, little endian
    PRIMARY KEY (event_id, model)
);

CREATE TABLE event_articles (
    article_id   TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    event_id     TEXT NOT NULL REFERENCES events(id),
    score        REAL,  -- pair score (1 same … 4 unrelated) that admitted it; NULL for the founder
    duplicate_of TEXT REFERENCES articles(id),  -- the original of a near-identical syndicated copy
    assigned     INTEGER NOT NULL  -- cluster_state.assigned after this article: assignment order
);
CREATE INDEX event_articles_event ON event_articles(event_id, assigned);
CREATE INDEX event_articles_duplicate ON event_articles(duplicate_of);

-- Canonical entities per event with the number of member articles naming them: storyline
-- linking and the events(entity=…) filter read this instead of re-joining every mention.
CREATE TABLE event_entities (
    event_id  TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    entity_id TEXT NOT NULL,
    type      TEXT NOT NULL,
    articles  INTEGER NOT NULL,
    PRIMARY KEY (event_id, entity_id)
);
CREATE INDEX event_entities_entity ON event_entities(entity_id);

-- MinHash signature of each article's word shingles, for near-duplicate detection.
CREATE TABLE article_minhash (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    signature  BLOB NOT NULL  -- uint32 hash values (datasketch affine32 scheme), little endian
);

-- Ids absorbed by consolidation, so links to a merged event or storyline still resolve.
CREATE TABLE event_merges (
    old_id    TEXT PRIMARY KEY,
    new_id    TEXT NOT NULL,
    kind      TEXT NOT NULL,  -- 'event' or 'storyline'
    merged_at TEXT NOT NULL
);

-- One row: how many articles were assigned, when consolidation last ran, and a token every
-- writer changes, so an assigner notices that another process (or a rollback) changed the tables.
CREATE TABLE cluster_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    assigned        INTEGER NOT NULL DEFAULT 0,
    consolidated_at INTEGER NOT NULL DEFAULT 0,
    token           TEXT NOT NULL DEFAULT ''
);
INSERT INTO cluster_state (id) VALUES (1);
