-- Entities: one row per real-world person, place or organisation (Wikidata QID or sw: id),
-- every surface form seen for it, and every mention with its offsets in article_body().
CREATE TABLE entities (
    id          TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    name        TEXT NOT NULL,            -- display name: English if known, else the first seen
    names       TEXT NOT NULL DEFAULT '{}', -- JSON {lang: display name}
    first_seen  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX entities_type ON entities(type);

CREATE TABLE entity_aliases (
    entity_id TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    surface   TEXT NOT NULL,
    lang      TEXT NOT NULL,
    count     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (entity_id, surface, lang)
);
CREATE INDEX entity_aliases_surface ON entity_aliases(surface);

CREATE TABLE mentions (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    entity_id  TEXT REFERENCES entities(id),
    surface    TEXT NOT NULL,
    lang       TEXT NOT NULL,
    start_pos  INTEGER NOT NULL,
    end_pos    INTEGER NOT NULL,
    type       TEXT NOT NULL,
    confidence REAL NOT NULL DEFAULT 1,
    PRIMARY KEY (article_id, position)
);
CREATE INDEX mentions_entity ON mentions(entity_id, article_id);
