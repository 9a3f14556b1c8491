"""The store interface: every operation storyweave runs on its data, named once, engine-neutral.

Nothing outside ``storyweave.store`` sees a connection, a cursor or a statement: callers hold a
``Store`` and call its operations, so an engine is one implementation of this protocol (SQLite in
``sqlite.py``) and callers do not change when another is added.  Rows come back as ``Row``: a
read-only record indexed by column name or position, which every DB-API driver's rows can offer
(``values.py`` holds it and the interface's other values; they are importable from here too).

Writes happen inside ``with store.transaction():`` (the write lock is taken at the start, so two
writers queue instead of failing half-way); reads outside one see committed data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Any, Protocol

import numpy as np

from ..models import Article, DateMention, EnrichedArticle, Entity, Mention, Reject
from .base_feeds import SourceOperations, WatchOperations
from .values import CheckReport, ClusterState, Due, Finding, Reported, Row, Severity, TextHit, WatchRow

__all__ = [
    "CheckReport", "ClusterState", "Due", "Finding", "Reported", "Row", "Severity", "Store", "TextHit", "WatchRow",
]


class Store(WatchOperations, SourceOperations, Protocol):
    """What a store engine offers.  Operations that write run inside the caller's open
    ``transaction()`` unless they say otherwise.  Those of watches and sources are in
    ``base_feeds.py``."""

    # -- lifecycle and whole-store operations -------------------------------------------------------
    def transaction(self) -> AbstractContextManager[Any]:
        """A write transaction (waiting for any other writer): committed when the block ends, rolled
        back when it raises."""
        ...

    def close(self) -> None:
        ...

    def schema_version(self) -> int:
        ...

    def data_version(self) -> int:
        """A number that moves whenever another handle, in any process, commits to the store: what a
        cache of answers checks on every request, so it must cost next to nothing."""
        ...

    def check(self, *, quick: bool = False) -> CheckReport:
        """Verify every promise the store makes (``storyweave check``); ``quick`` skips full scans."""
        ...

    def export(self, out: IO[str]) -> dict[str, int]:
        """Write the whole store as export lines (JSONL, one consistent snapshot); rows per table."""
        ...

    def import_export(self, source: IO[str]) -> dict[str, int]:
        """Load an export into this empty store in one transaction, checked before it commits."""
        ...

    def backup(self, target: str | Path, *, overwrite: bool = False) -> int:
        """Copy the live store to ``target`` without stopping writers; the copy's size in bytes."""
        ...

    # -- articles ---------------------------------------------------------------------------------------
    def find_existing(self, article: Article) -> str | None:
        """The id of a stored article that is the same input (same id, canonical URL or content)."""
        ...

    def id_taken_by_other_content(self, article: Article) -> str | None:
        """The origin of a stored article that has this id but other content and another URL."""
        ...

    def has_article_id(self, article_id: str) -> bool:
        ...

    def article_origin(self, article_id: str) -> str | None:
        """Where the stored article ``article_id`` was read from, if it is stored."""
        ...

    def article_lang(self, article_id: str) -> str | None:
        ...

    def copy_of(self, content_hash: str, canonical_url: str | None) -> str | None:
        """The id of a stored article with this content or canonical URL, whatever its id."""
        ...

    def insert_article(self, article: Article) -> None:
        ...

    def insert_dates(self, article_id: str, dates: list[DateMention]) -> None:
        ...

    def insert_vectors(self, article_id: str, vectors: dict[str, Any]) -> None:
        ...

    def load_vectors(self, article_id: str) -> dict[str, np.ndarray]:
        ...

    def record_reject(self, reject: Reject) -> None:
        ...

    def get_article(self, article_id: str) -> Article | None:
        ...

    def get_dates(self, article_id: str) -> list[DateMention]:
        ...

    def list_articles(
        self,
        *,
        lang: str | None = None,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        after_seq: int | None = None,
        limit: int = 50,
    ) -> Sequence[Row]:
        """Articles in insertion order; ``after_seq`` is the cursor for stable pagination."""
        ...

    def list_rejects(self, limit: int = 100) -> Sequence[Row]:
        ...

    def count(self, table: str) -> int:
        ...

    # -- events and storylines --------------------------------------------------------------------------
    def get_state(self) -> ClusterState:
        ...

    def bump_state(self, *, assigned: int | None = None, consolidated_at: int | None = None) -> str:
        """Record a change; the fresh random token lets every assigner see that the tables moved."""
        ...

    def get_centroids(self, event_id: str) -> dict[str, np.ndarray]:
        ...

    def set_centroids(self, event_id: str, centroids: dict[str, np.ndarray]) -> None:
        ...

    def index_boundary(self, model: str, kept: int) -> tuple[int, int] | None:
        """``(touched, seq)`` of the oldest of the ``kept`` newest events with a centroid of ``model``;
        ``None`` when there are no more than ``kept`` of them (all are kept)."""
        ...

    def iter_event_index_rows(self, model: str, boundary: tuple[int, int] | None = None) -> Iterable[Row]:
        """The index's rows (span, ``touched``, centroid, ``firm``) of the events with a centroid of
        ``model`` at or above ``boundary`` (all when ``None``), in creation order."""
        ...

    def evicted_index_rows(
        self,
        model: str,
        boundary: tuple[int, int],
        *,
        since_seq: int,
        first_date: str | None = None,
        last_date: str | None = None,
        undated_by_order: bool = False,
    ) -> list[Row]:
        """The index's rows of the events below ``boundary`` that may lie in a window: last changed by
        an article at or after ``since_seq`` (only those without dates when ``undated_by_order``), or
        (with dates) with days overlapping ``first_date``..``last_date``, in creation order."""
        ...

    def newest_index_rows_below(self, model: str, boundary: tuple[int, int], count: int) -> list[Row]:
        """The index's rows of the ``count`` newest events below ``boundary``, newest first."""
        ...

    def evicted_extent(self, model: str, boundary: tuple[int, int]) -> tuple[str | None, str | None, int | None]:
        """The earliest first date, latest last date and latest ``last_seq`` of the events below
        ``boundary``."""
        ...

    def merged_entity_count(self) -> int:
        ...

    def merged_entity_ids(self) -> set[str]:
        """Entity ids merged into others (none on stores without entity redirects)."""
        ...

    def event_has_publication_date(self, event_id: str) -> bool:
        ...

    def touched_events(self, since: int) -> list[tuple[int, str]]:
        """``(seq, id)`` of the events changed after the state counter ``since``, oldest first."""
        ...

    def cluster_totals(self) -> tuple[int, int]:
        """How many events and storylines the store holds, read in one statement."""
        ...

    def article_seq(self, article_id: str) -> int:
        ...

    def get_event_row(self, event_id: str) -> Row | None:
        ...

    def event_row(self, event_id: str) -> Row:
        """The row of an event the caller knows exists (an internal inconsistency raises KeyError)."""
        ...

    def title_and_opening(self, article_id: str) -> tuple[str, str, str]:
        """An article's title, the first 400 characters of its text, and its language."""
        ...

    def event_of_article(self, article_id: str) -> Row | None:
        ...

    def insert_storyline(self, storyline_id: str) -> None:
        ...

    def insert_event(
        self,
        *,
        event_id: str,
        article_id: str,
        title: str,
        lang: str,
        date: str | None,
        seq: int,
        storyline_id: str,
        touched: int,
    ) -> int:
        ...

    def update_event(self, event_id: str, **fields: Any) -> None:
        ...

    def add_member(
        self,
        article_id: str,
        event_id: str,
        score: float | None,
        duplicate_of: str | None,
        order: int,
        days: tuple[int, int, bool] | None = None,
    ) -> None:
        """``days``: the first and last day of the happening the member reports, and whether that is its
        publication date.
        """
        ...

    def member_days(self, event_id: str) -> list[tuple[int, bool]]:
        """Every member's first and last day of the happening, with whether it is a publication date."""
        ...

    def add_event_entities(self, event_id: str, entities: dict[str, str]) -> None:
        """Count one more member article naming each of ``entities`` (id -> type)."""
        ...

    def event_entity_ids(self, event_id: str) -> dict[str, str]:
        ...

    def move_event(self, absorbed: str, into: str) -> None:
        """Re-home every member and entity count of ``absorbed`` under ``into``, then drop it."""
        ...

    def storyline_event_ids(self, storyline_id: str) -> list[str]:
        ...

    def recent_storyline_events(self, storyline_ids: Iterable[str], limit: int) -> dict[str, list[str]]:
        """Each storyline's ``limit`` most recently active events (by their latest member's ingest
        order), most recent first."""
        ...

    def comparison_member_ids(self, event_ids: Iterable[str], limit: int) -> dict[str, tuple[str, list[str]]]:
        """event id -> (its representative, the ids of its latest ``limit`` members that are not copies
        of another member, latest first), for several events at once."""
        ...

    def storylines_of(self, event_ids: Iterable[str]) -> dict[str, str]:
        """event id -> its storyline, for those of ``event_ids`` that exist."""
        ...

    def storylines_and_recent_events(
        self, event_ids: Iterable[str], limit: int
    ) -> tuple[dict[str, str], dict[str, list[str]]]:
        """``storylines_of(event_ids)``, and the ``recent_storyline_events(…, limit)`` of those
        storylines, in one statement."""
        ...

    def event_total(self) -> int:
        ...

    def entity_event_counts(self, entity_ids: Iterable[str]) -> dict[str, int]:
        """How many events name each entity."""
        ...

    def move_storyline(self, absorbed: str, into: str) -> None:
        ...

    def refresh_storyline(self, storyline_id: str) -> None:
        """Recompute a storyline's summary from its events; drop it when none is left."""
        ...

    def save_signature(self, article_id: str, signature: np.ndarray) -> None:
        ...

    def recent_signatures(self, limit: int) -> list[tuple[str, int, np.ndarray]]:
        """(article id, ingest seq, signature) of the ``limit`` latest articles, oldest first."""
        ...

    def resolve_event_id(self, event_id: str) -> str | None:
        """The current id of an event, following a merge; ``None`` when unknown."""
        ...

    def resolve_storyline_id(self, storyline_id: str) -> str | None:
        ...

    def list_events(
        self,
        *,
        limit: int,
        before_seq: int | None = None,
        lang: str | None = None,
        since: str | None = None,
        until: str | None = None,
        entity: str | None = None,
        source: str | None = None,
        by_coverage: bool = False,
    ) -> Sequence[Row]:
        """Events, newest first (or, ``by_coverage``, most articles first); ``before_seq`` is the cursor of the
        previous page's last row (newest first only).
        """
        ...

    def languages_and_sources(self, event_ids: list[str]) -> dict[str, tuple[dict[str, int], int]]:
        """Per event: articles per language and the number of distinct outlets."""
        ...

    def event_members(self, event_id: str) -> Sequence[Row]:
        ...

    def event_entities(self, event_id: str) -> Sequence[Row]:
        """An event's canonical entities, most widely named first, with display names."""
        ...

    def event_dates(self, event_id: str) -> Sequence[Row]:
        ...

    def get_storyline_row(self, storyline_id: str) -> Row | None:
        ...

    def storyline_events(self, storyline_id: str) -> Sequence[Row]:
        """A storyline's events in time order (undated ones by ingest order, after the dated)."""
        ...

    def list_storylines(self, *, limit: int, before_seq: int | None = None) -> Sequence[Row]:
        ...

    def article_assignment(self, article_id: str) -> Row | None:
        ...

    def event_entity_salience(self, event_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        """Per event, its entities with how many member articles name them and how often in all, plus their
        stored names (``names`` as JSON): what ranks the entities worth showing first.
        """
        ...

    def event_outlet_rows(self, event_ids: list[str]) -> Sequence[Row]:
        """(event_id, source, url, title_opening, text_opening) per member article; the openings (the first 120
        characters of title and text, where a dateline would be) only where no source is stored.
        """
        ...

    def event_titles_in(self, event_ids: list[str], lang: str) -> dict[str, str]:
        """Per event with a report in ``lang`` (copies aside), the title of its longest such report."""
        ...

    # -- entities ---------------------------------------------------------------------------------------
    def save_article_entities(
        self,
        article_id: str,
        mentions: list[Mention],
        entities: list[Entity],
        name_keys: Iterable[tuple[str, str]] = (),
    ) -> None:
        """Upsert the article's entities and store its mentions, with the ids they already carry."""
        ...

    def ensure_name_keys(self, keys_of: Callable[[str], set[str]]) -> bool:
        """Index the people and organisations of a store written before the key index existed;
        whether the index holds any row now (once it does, this has nothing left to do)."""
        ...

    def entity_ids_by_key(self, keys: Iterable[str]) -> dict[str, set[str]]:
        """name key -> the ids indexed under it (whatever their type, existing or merged away)."""
        ...

    def entity_types(self, ids: Iterable[str]) -> dict[str, str]:
        """entity id -> its type, for those of ``ids`` that exist."""
        ...

    def mention_type_votes(self, ids: Iterable[str]) -> dict[str, dict[str, tuple[int, int, int]]]:
        """entity id -> type -> (languages, articles, mentions) of its stored mentions typed so."""
        ...

    def set_entity_types(self, types: dict[str, str]) -> None:
        """Give each entity id of ``types`` its type."""
        ...

    def entity_surfaces(self, entity_id: str) -> list[str]:
        ...

    def entity_exists(self, entity_id: str) -> bool:
        ...

    def cooccurrences(self, entity_id: str, others: set[str]) -> int:
        """Stored articles that name ``entity_id`` together with any of ``others``."""
        ...

    def article_total(self) -> int:
        ...

    def article_counts(self, ids: Iterable[str]) -> dict[str, int]:
        """entity id -> stored articles that name it."""
        ...

    def redirect_targets(self, ids: Iterable[str]) -> dict[str, str]:
        """old id -> current id for those of ``ids`` that were merged away."""
        ...

    def current_id(self, entity_id: str) -> str:
        ...

    def merge_entities(self, old: str, new: str, reason: str) -> None:
        """Fold the stored entity ``old`` into ``new``: mentions, surface forms, names, event counts; ``old``
        keeps resolving through ``entity_redirects``.
        """
        ...

    def load_article_entities(self, article_id: str) -> tuple[list[Mention], list[Entity]]:
        """An article's stored mentions and entities (what ``EntityRecognizer.analyse`` gave, reconciled)."""
        ...

    def load_enriched(self, article_id: str) -> EnrichedArticle | None:
        """An article as stored, with its dates, vectors, mentions and entities (``get_article``,
        ``get_dates``, ``load_vectors``, ``load_article_entities`` at once: one round trip where
        the engine can send statements ahead)."""
        ...

    def entity_names(self, ids: list[str]) -> dict[str, str]:
        """Display names of ``ids``; ids merged away answer with the name of the entity they joined."""
        ...

    def entity_surface_counts(self, ids: Iterable[str]) -> dict[str, list[tuple[str, str, int]]]:
        """entity id -> its (surface, lang, count) rows."""
        ...

    def list_entities(
        self, *, limit: int = 50, type: str | None = None, lang: str | None = None, name_lang: str | None = None
    ) -> list[dict[str, Any]]:
        """Top entities; ``lang`` keeps those mentioned in that language and names them in it, unless
        ``name_lang`` asks for another display language.
        """
        ...

    def get_entity(self, entity_id: str, lang: str | None = None) -> dict[str, Any] | None:
        """One entity with its surface forms and articles; an id merged away answers with its successor."""
        ...

    def article_mentions(self, article_id: str) -> Sequence[Row]:
        ...

    def all_aliases(self) -> list[tuple[str, str, str, str, int]]:
        """(surface, lang, entity_id, type, mentions) for every surface form in the store: resolve's extra
        knowledge.
        """
        ...

    def step_pending(self, name: str) -> bool:
        ...

    def has_mentions(self) -> bool:
        ...

    def finish_step(self, name: str) -> None:
        ...

    def mention_ids(self) -> dict[tuple[str, int, int], str]:
        """(article id, start, end) -> entity id of every resolved mention."""
        ...

    def stored_mentions(self) -> Iterator[tuple[str, str, list[Mention]]]:
        """(article id, article language, its mentions without ids), in ingest order."""
        ...

    def clear_entities(self) -> None:
        """Forget every entity, surface form and mention id (mentions stay, without ids); redirects stay."""
        ...

    def delete_article_mentions(self, article_id: str) -> None:
        ...

    def redirect_moved(self, moves: dict[str, str], reason: str) -> None:
        """Old id -> new id for ids that no longer exist; redirects that pointed at them follow, and an id that
        exists again is nobody's old id.
        """
        ...

    def rebuild_event_entities(self) -> None:
        """Recount which entities each event's articles name, after the mentions' ids changed."""
        ...

    # -- search -----------------------------------------------------------------------------------------
    def text_matches(self, terms: Sequence[str], limit: int) -> list[TextHit]:
        """Articles whose title or text holds any of ``terms`` (word tokens), best bm25 first."""
        ...

    def substring_matches(self, runs: Sequence[str], limit: int) -> list[TextHit]:
        """Articles in unspaced scripts holding any of ``runs`` as a substring, most occurrences first."""
        ...

    def vector_rows(self, model: str, after_rowid: int) -> Iterator[tuple[int, bytes]]:
        """``(rowid, float32 blob)`` of one model's article vectors stored after ``after_rowid``; the article
        ids are looked up for the few rows a search keeps (``vector_article_ids``).
        """
        ...

    def vector_state(self, model: str) -> tuple[int, int]:
        """``(max rowid, count)`` of one model's vectors: tells a cache whether rows were added or deleted."""
        ...

    def vector_article_ids(self, model: str, rowids: Sequence[int]) -> dict[int, str]:
        """The article of each given ``article_vectors`` rowid of ``model``, by rowid (gone rows left out)."""
        ...

    def article_rows(self, article_ids: Sequence[str]) -> Mapping[str, Row]:
        """Listing fields of the given articles, by id (unknown ids are left out)."""
        ...

    def max_article_seq(self) -> int:
        ...

    def articles_after(self, after_seq: int, limit: int = 200) -> Sequence[Row]:
        """Articles stored after ``after_seq``, oldest first: what the live stream sends."""
        ...

    def event_ids_for(self, article_ids: Sequence[str]) -> dict[str, str]:
        """The event of each given article that has one, by article id."""
        ...

    def entities_with_alias(self, surfaces: Sequence[str]) -> list[str]:
        """Ids of the entities written as any of ``surfaces`` in some article (exact surface match)."""
        ...

    def known_entities(self, entity_ids: Sequence[str]) -> list[str]:
        """The subset of ``entity_ids`` that the store has, in the given order."""
        ...

    def entity_article_hits(self, entity_ids: Sequence[str], limit: int) -> list[dict[str, object]]:
        """Articles mentioning any of the entities, most mentions first, with the surfaces they used."""
        ...

    def store_generation(self) -> tuple[int, str]:
        """Changes whenever an article is stored or the event tables change (any writer, any process)."""
        ...
