"""Tracker methods for search (mixed into storyweave.Tracker); the engine lives in ``search.py``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .dates import date_filter
from .entities.api import resolve_names
from .search import SearchEngine
from .settings import Settings
from .store import Store


class SearchQueries:
    db: Store
    settings: Settings
    _search_engine: SearchEngine | None = None
    _owns_search_engine = False

    @property
    def search_engine(self) -> SearchEngine:
        """The engine (models, vector cache); the web server shares one between its trackers."""
        if self._search_engine is None:
            self._search_engine = SearchEngine(self.settings)
            self._owns_search_engine = True
        return self._search_engine

    @search_engine.setter
    def search_engine(self, engine: SearchEngine) -> None:
        self._search_engine = engine
        self._owns_search_engine = False

    def close_search_engine(self) -> None:
        """Close the engine's vector files, unless the engine was handed in (its owner closes it)."""
        if self._search_engine is not None and self._owns_search_engine:
            self._search_engine.close()

    def search(
        self,
        query: str,
        lang: str | None = None,
        limit: int = 20,
        cursor: int | None = None,
        *,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        semantic: bool = True,
    ) -> list[dict[str, Any]]:
        """Articles matching ``query`` by words, by meaning (across languages) or by the entities it names.

        Each hit: ``{article_id, title, lang, source, url, publish_date, score, event_id, snippet,
        why, cursor}``; ``why`` lists each kind of match (``text``, ``semantic``, ``entity``) with
        its detail.  Pass a hit's ``cursor`` to get the hits after it.
        """
        return self.search_engine.search(
            self.db, query, lang=lang, source=source, since=date_filter(since), until=date_filter(until), limit=limit,
            offset=int(cursor or 0), semantic=semantic, candidates=int(self.settings.search_candidates),
            resolver=self._query_names_to_entities,
        )

    def iter_search(
        self,
        query: str,
        lang: str | None = None,
        *,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        semantic: bool = True,
    ) -> Iterator[dict[str, Any]]:
        """Every hit for ``query``, uncapped, best first (exports stream this)."""
        yield from self.search_engine.search(
            self.db, query, lang=lang, source=source, since=date_filter(since), until=date_filter(until), limit=None,
            semantic=semantic, candidates=None, resolver=self._query_names_to_entities,
        )

    def _query_names_to_entities(self, phrases: list[str]) -> list[str | None]:
        """Entity ids for phrases of a query, through the entities area's resolver.

        Not clustered with every name the store holds (``store_aliases``): that cost grows with the
        store and made a first search take seconds at 10k articles.  Names written as some article
        wrote them are found by ``SearchEngine`` directly; the resolver adds the knowledge base's
        names in every script and the store's own reconciliation of unknown names.
        """
        # The query's language is unknown: "und" lets the resolver try every script's rules.
        rows = [(str(i), p, "und") for i, p in enumerate(phrases)]
        return [entity_id for _, entity_id, _ in resolve_names(rows, self.db, store_aliases=False)]
