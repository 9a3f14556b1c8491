"""Re-resolve every stored mention under the current identity rules (migration 0006's data step).

Stores written before issue 13 gave unknown names their consonant skeleton as id, so unrelated
names shared one (COVID, CDU, OECD and Kyodo were all ``sw:kt``).  The rebuild forgets the stored
entities, resolves each article's stored mentions again in ingest order, exactly as the writer
would (``MentionResolver`` then ``store_article_entities``), and records where every old id went:
an old id whose mentions now belong to other entities redirects to the one that took most of them,
so links and bookmarks keep working.  Event entity counts are recounted.  One transaction: a crash
leaves the store as it was, with the step still pending.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict

from ...store import Store
from ..kb.base import get_kb
from .mentions import MentionResolver
from .reconcile import store_article_entities

log = logging.getLogger(__name__)

STEP = "reresolve_entities"


def run_pending(conn: Store) -> bool:
    """Run the rebuild if a migration asked for it; True when it ran."""
    if not conn.step_pending(STEP):
        return False
    with conn.transaction():
        if conn.step_pending(STEP):  # another process may have run it meanwhile
            # A new store has nothing to re-resolve: no need to load the knowledge base for it.
            moved = rebuild(conn) if conn.has_mentions() else 0
            conn.finish_step(STEP)
            conn.bump_state()  # a running writer's view of the stored names is out of date
            log.info("re-resolved the stored entities: %d old ids redirect to new ones", moved)
    return True


def rebuild(conn: Store) -> int:
    """Re-resolve all stored mentions inside the caller's transaction; returns the redirects written."""
    before = conn.mention_ids()
    conn.clear_entities()
    resolver = MentionResolver(get_kb())
    for article_id, lang, mentions in conn.stored_mentions():
        resolved, entities = resolver.resolve(mentions, lang)
        conn.delete_article_mentions(article_id)
        store_article_entities(conn, article_id, resolved, entities)
    after = conn.mention_ids()
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for span, old in before.items():
        new = after.get(span)
        if new is not None:
            votes[old][new] += 1
    moves = {old: max(counts, key=lambda e: (counts[e], e)) for old, counts in votes.items()}
    conn.redirect_moved(moves, "re-resolved")
    conn.rebuild_event_entities()
    return sum(1 for old, new in moves.items() if old != new and not conn.entity_exists(old))
