-- As SQLite's 0011: England, Scotland, Wales, Northern Ireland, East Germany and the Caribbean are
-- one knowledge-base entry each; stored mentions are resolved again once
-- (storyweave.entities.resolve.rebuild), the old curated ids redirecting to the Wikidata ones.
INSERT INTO pending_steps (name, added_at)
SELECT 'reresolve_entities', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
WHERE EXISTS (SELECT 1 FROM mentions)
ON CONFLICT (name) DO NOTHING;
