-- As SQLite's 0010: mentions stored under the previous knowledge base are resolved again once
-- (storyweave.entities.resolve.rebuild), old ids redirecting to the entities that took them.
INSERT INTO pending_steps (name, added_at)
SELECT 'reresolve_entities', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
WHERE EXISTS (SELECT 1 FROM mentions)
ON CONFLICT (name) DO NOTHING;
