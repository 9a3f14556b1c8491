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
import sqlite3
from collections import Counter, defaultdict

from ...store import entities as entity_store
from ...store.db import transaction
from ..kb.base import get_kb
from .mentions import MentionResolver
from .reconcile import store_article_entities

log = logging.getLogger(__name__)

STEP = "reresolve_entities"


def run_pending(conn: sqlite3.Connection) -> bool:
    """Run the rebuild if a migration asked for it; True when it ran."""
    if not entity_store.step_pending(conn, STEP):
        return False
    with transaction(conn):
        if entity_store.step_pending(conn, STEP):  # another process may have run it meanwhile
            # A new store has nothing to re-resolve: no need to load the knowledge base for it.
            moved = rebuild(conn) if entity_store.has_mentions(conn) else 0
            entity_store.finish_step(conn, STEP)
            log.info("re-resolved the stored entities: %d old ids redirect to new ones", moved)
    return True


def rebuild(conn: sqlite3.Connection) -> int:
    """Re-resolve all stored mentions inside the caller's transaction; returns the redirects written."""
    before = entity_store.mention_ids(conn)
    entity_store.clear_entities(conn)
    resolver = MentionResolver(get_kb())
    for article_id, lang, mentions in entity_store.stored_mentions(conn):
        resolved, entities = resolver.resolve(mentions, lang)
        entity_store.delete_article_mentions(conn, article_id)
        store_article_entities(conn, article_id, resolved, entities)
    after = entity_store.mention_ids(conn)
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for span, old in before.items():
        new = after.get(span)
        if new is not None:
            votes[old][new] += 1
    moves = {old: max(counts, key=lambda e: (counts[e], e)) for old, counts in votes.items()}
    entity_store.redirect_moved(conn, moves, "re-resolved")
    entity_store.rebuild_event_entities(conn)
    return sum(1 for old, new in moves.items() if old != new and not entity_store.exists(conn, old))
