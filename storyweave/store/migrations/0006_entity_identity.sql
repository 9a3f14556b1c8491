-- Entity identity (issue 13): ids of names no knowledge base knows are no longer consonant
-- skeletons (which joined COVID, CDU and OECD) but hashes of the normalised name, and cross-script
-- merges need evidence.  The stored mentions must be re-resolved under those rules; that needs the
-- knowledge base and the resolver, so this migration only records the step, and the first Tracker
-- to open the store runs it (storyweave.entities.resolve.rebuild) in one transaction.  Old ids keep
-- resolving through entity_redirects.
CREATE TABLE pending_steps (
    name     TEXT PRIMARY KEY,  -- a data step a schema migration left for code outside the store
    added_at TEXT NOT NULL
);
-- Only a store that holds mentions has anything to re-resolve; a new store starts with no step.
INSERT INTO pending_steps (name, added_at)
SELECT 'reresolve_entities', strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE EXISTS (SELECT 1 FROM mentions);
