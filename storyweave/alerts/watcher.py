"""Fire watches as articles are stored: the writer's hook, run inside its transaction.

Each stored article changes one event.  For every watch, the article either makes that event match
(its words, entity and language fit the watch) or the event matched before; then the event's
coverage, counted over its articles in the watch's languages, is compared with what the watch
already reported about it (``watch_events``):

- the first time coverage reaches the watch's minimum (outlets, languages), a ``new_event`` alert;
- afterwards, each article that brings a language or outlet not reported yet, a ``coverage`` alert.

The alert and the record of what was reported go into the article's own transaction, so a crash
either keeps the article with its alert or neither, and re-ingesting the same article (a
duplicate, never stored twice) fires nothing.  The cost per article is a handful of indexed
queries, whatever the number of articles: each watch's words are matched against the new article
only, never searched for across the store.
"""

from __future__ import annotations

from typing import Any

from ..entities.api import stored_entity_named
from ..entities.names import name_form
from ..models import Article, EnrichedArticle
from ..store import Store
from ..store.articles import utc_now
from ..store.base import Reported, WatchRow
from .query import normalise, parse_words

NEW_EVENT = "new_event"
COVERAGE = "coverage"
# Articles whose outlet nobody named (a bare file, no dateline) count together as one outlet.
UNKNOWN_OUTLET = "(unknown)"


class StoredArticle:
    """What the watches read of one stored article: its language, the entities it names and, worked
    out once for all watches, its normalised words."""

    def __init__(self, article: Article, mentioned: set[tuple[str, str]]) -> None:
        self.article = article
        self.mentioned = mentioned
        self.entity_ids = {entity_id for entity_id, _ in mentioned}
        self._words: str | None = None

    @property
    def words(self) -> str:
        if self._words is None:
            self._words = normalise(f"{self.article.title}\n\n{self.article.text}")
        return self._words


def article_matches(watch: WatchRow, stored: StoredArticle, entity: str | None) -> bool:
    """Whether the article fits the watch; ``entity`` is the watch's entity as the store knows it
    now (None: not yet, or a watch of words only)."""
    if watch.langs and stored.article.lang not in watch.langs:
        return False
    if watch.entity_query and (entity is None or entity not in stored.entity_ids):
        return False
    words = parse_words(watch.words)
    return not words.terms or words.matches_normalised(stored.words)


def counted(coverage: list[tuple[str, str]], langs: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """The languages and outlets of an event's articles that a watch on ``langs`` counts."""
    kept = [(lang, outlet) for lang, outlet in coverage if not langs or lang in langs]
    return {lang for lang, _ in kept if lang != "und"}, {outlet or UNKNOWN_OUTLET for _, outlet in kept}


class AlertWatcher:
    """Evaluates every watch against each article the single writer stores."""

    def __init__(self, db: Store) -> None:
        self.db = db

    def article_stored(self, enriched: EnrichedArticle) -> list[int]:
        """Fire what ``enriched`` (just stored, in the open transaction) triggers; the new alerts' ids."""
        watches = self.db.list_watches()
        article = enriched.article
        membership = self.db.event_of_article(article.id) if watches else None
        if membership is None:
            return []
        event_id: str = membership["event_id"]
        before = self.db.watch_reports(event_id)
        mentioned = self.db.article_mentioned(article.id) if any(w.entity_query for w in watches) else set()
        stored = StoredArticle(article, mentioned)
        coverage: list[tuple[str, str]] | None = None
        fired = []
        for watch in watches:
            seen = before.get(watch.id)
            if seen is None:
                entity = self._watched_entity(watch, mentioned) if watch.entity_query and mentioned else None
                if not article_matches(watch, stored, entity):
                    continue
                seen = Reported(False, set(), set())
            elif seen.fired and not _may_add(watch, article, seen):
                continue
            if coverage is None:
                coverage = self.db.event_coverage(event_id)
            alert = self._update(watch, event_id, article, seen, *counted(coverage, watch.langs))
            if alert is not None:
                fired.append(alert)
        return fired

    def _watched_entity(self, watch: WatchRow, mentioned: set[tuple[str, str]]) -> str | None:
        """The stored entity a watch names, once the store holds it: through the store's name index,
        else a mention of this article written exactly as the watch's query (in any script).  The
        first answer is kept on the watch, so later articles find it in one look-up."""
        found = None
        if watch.entity_id:
            found = stored_entity_named(self.db, watch.entity_id, watch.entity_type, watch.entity_query)
        if found is None:
            key = name_form(watch.entity_query).key
            found = next((e for e, surface in sorted(mentioned) if name_form(surface).key == key), None)
        if found is not None and found != watch.entity_id:
            self.db.set_watch_entity(watch.id, found)
        return found

    def _update(
        self, watch: WatchRow, event_id: str, article: Article, seen: Reported, langs: set[str],
        outlets: set[str],
    ) -> int | None:
        """Record what the watch now knows of the event, and fire when that is news."""
        if not seen.fired:
            if len(outlets) < watch.min_outlets or len(langs) < watch.min_langs:
                self.db.save_watch_report(watch.id, event_id, seen)  # matched; waits for coverage
                return None
            kind, new_langs, new_outlets = NEW_EVENT, langs, outlets
        else:
            kind, new_langs, new_outlets = COVERAGE, langs - seen.langs, outlets - seen.outlets
            if not new_langs and not new_outlets:
                return None
        now = Reported(True, seen.langs | langs, seen.outlets | outlets)
        self.db.save_watch_report(watch.id, event_id, now)
        payload = self._payload(watch, event_id, article, kind, now, new_langs, new_outlets)
        return self.db.insert_alert(watch.id, event_id, kind, payload, webhook=bool(watch.webhook_url))

    def _payload(
        self, watch: WatchRow, event_id: str, article: Article, kind: str, now: Reported,
        new_langs: set[str], new_outlets: set[str],
    ) -> dict[str, Any]:
        event = self.db.event_brief(event_id)
        event.update(langs=sorted(now.langs), outlets=sorted(now.outlets))
        return {
            "type": "storyweave.alert",
            "kind": kind,
            "fired_at": utc_now(),
            "watch": {"id": watch.id, "name": watch.name},
            "event": event,
            "new_langs": sorted(new_langs),
            "new_outlets": sorted(new_outlets),
            "article": {"id": article.id, "title": article.title, "lang": article.lang, "source": article.source,
                        "url": article.url},
        }


def _may_add(watch: WatchRow, article: Article, seen: Reported) -> bool:
    """Whether an article joining an event the watch already reported can bring it anything new: a
    language or outlet not reported yet (else the event's coverage need not be read at all)."""
    if watch.langs and article.lang not in watch.langs:
        return False
    return (article.lang != "und" and article.lang not in seen.langs) or (
        (article.source or UNKNOWN_OUTLET) not in seen.outlets
    )
