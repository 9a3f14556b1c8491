-- The knowledge base held England, Scotland, Wales, Northern Ireland, East Germany and the
-- Caribbean twice: a curated entry beside the Wikidata one, each with some of the names ("Scotland"
-- went to one, "Шотландія" to the other).  Each is now one entry, under its Wikidata id.  Mentions
-- stored under the old knowledge base are resolved again once (the data step of migration 0006,
-- storyweave.entities.resolve.rebuild); the curated ids redirect to the Wikidata ones.
INSERT OR IGNORE INTO pending_steps (name, added_at)
SELECT 'reresolve_entities', strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE EXISTS (SELECT 1 FROM mentions);
