"""Stored articles as the scorer sees them, read back from the store with a bounded cache.

The pair scorer always compares an incoming article with stored members read from the database
(never with the in-memory objects the pipeline handed over), so an assigner that has just been
rebuilt from the store scores exactly like the one that ran before a restart.  What is cached is
the scorer's compact ``ArticleProfile`` (vectors, entity ids, dates, numbers), computed once per
member rather than once per comparison.
"""

from __future__ import annotations

from collections import OrderedDict

from ..models import EnrichedArticle
from ..pairs.features import ArticleProfile, profile
from ..store import Store
from .digest import RecentDigests


def article_entity_types(enriched: EnrichedArticle) -> dict[str, str]:
    """Canonical entity ids named by an article, with their types."""
    types: dict[str, str] = {e.id: e.type for e in enriched.entities}
    for mention in enriched.mentions:
        if mention.entity_id and mention.entity_id not in types:
            types[mention.entity_id] = mention.type
    return types


class MemberCache:
    """Least-recently-used cache of stored articles' profiles."""

    def __init__(self, conn: Store, size: int = 4096) -> None:
        self.conn = conn
        self.size = size
        self._items: OrderedDict[str, ArticleProfile] = OrderedDict()
        # Entity id -> the cached profiles naming it: a merge drops the few naming the ids merged
        # away without reading every profile (the writer asks after most articles).
        self._naming: dict[str, set[str]] = {}
        # Keyed by the text itself, never by article id: a stale entry is simply never found.
        self.digests = RecentDigests(size)

    def clear(self) -> None:
        self._items.clear()
        self._naming.clear()

    def forget_entities(self, entity_ids: set[str]) -> None:
        """Drop the profiles naming any of ``entity_ids`` (ids merged away): they are read again."""
        stale = set().union(*(self._naming.get(e, ()) for e in entity_ids))
        for key in stale:
            self._drop(key, self._items.pop(key))

    def _drop(self, article_id: str, found: ArticleProfile) -> None:
        for entity_id in found.entities:
            naming = self._naming[entity_id]
            naming.discard(article_id)
            if not naming:
                del self._naming[entity_id]

    def get(self, article_id: str) -> ArticleProfile:
        found = self._items.get(article_id)
        if found is not None:
            self._items.move_to_end(article_id)
            return found
        enriched = self.conn.load_enriched(article_id)
        if enriched is None:
            raise KeyError(article_id)
        found = self._items[article_id] = profile(enriched, self.digests.of(enriched.article))
        for entity_id in found.entities:
            self._naming.setdefault(entity_id, set()).add(article_id)
        if len(self._items) > self.size:
            self._drop(*self._items.popitem(last=False))
        return found
