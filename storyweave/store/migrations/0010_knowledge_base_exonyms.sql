-- The knowledge base learned names it lacked (Kiew, Prag, Roma for Rome in Spanish, Venice) and
-- dropped one it held wrongly (New Delhi as Delhi's): mentions stored under the old knowledge base
-- keep the ids it gave them ("Kiew" its own, apart from "Kyiv") until they are resolved again.  The
-- same data step as migration 0006 (storyweave.entities.resolve.rebuild); old ids keep resolving
-- through entity_redirects.
INSERT OR IGNORE INTO pending_steps (name, added_at)
SELECT 'reresolve_entities', strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE EXISTS (SELECT 1 FROM mentions);
