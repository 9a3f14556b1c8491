-- Cross-article reconciliation of entities no knowledge base knows ("Poutine" in one article,
-- "Vladimir Putin" in another): ids merged away keep resolving through entity_redirects, and
-- entity_name_keys indexes each person's and organisation's token skeletons so the single writer
-- finds the stored entity a short form belongs to without scanning them all.
CREATE TABLE entity_redirects (
    old_id    TEXT PRIMARY KEY,
    new_id    TEXT NOT NULL,
    reason    TEXT NOT NULL,  -- 'short form' (mapped onto a stored entity) or 'full name' (merged into a new one)
    merged_at TEXT NOT NULL
);
CREATE INDEX entity_redirects_new ON entity_redirects(new_id);

CREATE TABLE entity_name_keys (
    key       TEXT NOT NULL,  -- one token skeleton (any reading) of one of the entity's surface forms
    entity_id TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    PRIMARY KEY (key, entity_id)
);
CREATE INDEX entity_name_keys_entity ON entity_name_keys(entity_id);
