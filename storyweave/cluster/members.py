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
        # Keyed by the text itself, never by article id: a stale entry is simply never found.
        self.digests = RecentDigests(size)

    def clear(self) -> None:
        self._items.clear()

    def forget_entities(self, entity_ids: set[str]) -> None:
        """Drop the profiles naming any of ``entity_ids`` (ids merged away): they are read again."""
        stale = [k for k, p in self._items.items() if not entity_ids.isdisjoint(p.entities)]
        for key in stale:
            del self._items[key]

    def get(self, article_id: str) -> ArticleProfile:
        found = self._items.get(article_id)
        if found is not None:
            self._items.move_to_end(article_id)
            return found
        article = self.conn.get_article(article_id)
        if article is None:
            raise KeyError(article_id)
        enriched = EnrichedArticle(
            article=article,
            dates=self.conn.get_dates(article_id),
            vectors=self.conn.load_vectors(article_id),
        )
        enriched.mentions, enriched.entities = self.conn.load_article_entities(article_id)
        found = self._items[article_id] = profile(enriched, self.digests.of(article))
        if len(self._items) > self.size:
            self._items.popitem(last=False)
        return found
