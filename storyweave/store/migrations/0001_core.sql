-- Core: articles, what cleaning removed, dates, vectors and every rejected input.
CREATE TABLE articles (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,  -- insertion order; stable cursor for pagination
    id              TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL DEFAULT '',
    text            TEXT NOT NULL DEFAULT '',
    origin          TEXT NOT NULL,
    url             TEXT,
    canonical_url   TEXT UNIQUE,
    source          TEXT,
    lang            TEXT NOT NULL DEFAULT 'und',
    lang_confidence REAL NOT NULL DEFAULT 0,
    publish_date    TEXT,
    lang_hint       TEXT,
    content_hash    TEXT NOT NULL UNIQUE,
    metadata        TEXT NOT NULL DEFAULT '{}',
    ingested_at     TEXT NOT NULL
);
CREATE INDEX articles_lang ON articles(lang);
CREATE INDEX articles_publish_date ON articles(publish_date);
CREATE INDEX articles_source ON articles(source);

CREATE TABLE removals (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    text       TEXT NOT NULL,
    PRIMARY KEY (article_id, position)
);

CREATE TABLE article_dates (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    date       TEXT NOT NULL,
    expression TEXT NOT NULL,
    sentence   TEXT NOT NULL,
    kind       TEXT NOT NULL,
    PRIMARY KEY (article_id, position)
);
CREATE INDEX article_dates_date ON article_dates(date);

CREATE TABLE article_vectors (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    model      TEXT NOT NULL,
    vector     BLOB NOT NULL,  -- float32, little endian
    PRIMARY KEY (article_id, model)
);

-- One row per distinct (origin, reason): re-ingesting the same bad input adds nothing.
CREATE TABLE rejects (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    origin     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    times      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (origin, reason)
);
