"""``SQLiteStore``: the ``Store`` on one SQLite file in WAL mode.

Each area module (``articles``, ``events``, ``entities``, ``search``) holds its statements as
functions of a connection; this class owns the connection and offers them as the ``Store``'s
operations.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Any

import numpy as np

from ..models import Article, DateMention, Entity, Mention, Reject
from . import articles as article_sql
from . import entities as entity_sql
from . import events as event_sql
from . import search as search_sql
from .backup import backup_store, export_store, import_rows
from .base import CheckReport, ClusterState, Row, TextHit
from .check import check_store
from .db import connect, schema_version, transaction


class SQLiteStore:
    """The store in the SQLite file ``path`` (created and migrated unless ``readonly``).

    ``conn`` is the SQLite connection itself: for this package, and for tests that inspect SQLite's
    own tables; never for the rest of storyweave.
    """

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = 30000, readonly: bool = False) -> None:
        self.path = Path(path)
        self.conn = connect(self.path, busy_timeout_ms=busy_timeout_ms, readonly=readonly)

    # -- lifecycle and whole-store operations -------------------------------------------------------
    def transaction(self) -> AbstractContextManager[Any]:
        return transaction(self.conn)

    def close(self) -> None:
        self.conn.close()

    def schema_version(self) -> int:
        return schema_version(self.conn)

    def check(self, *, quick: bool = False) -> CheckReport:
        return check_store(self.conn, quick=quick)

    def export(self, out: IO[str]) -> dict[str, int]:
        return export_store(self.conn, out)

    def import_export(self, source: IO[str]) -> dict[str, int]:
        return import_rows(self.conn, source, str(self.path))

    def backup(self, target: str | Path, *, overwrite: bool = False) -> int:
        return backup_store(self.conn, target, overwrite=overwrite)

    # -- articles ---------------------------------------------------------------------------------------
    def find_existing(self, article: Article) -> str | None:
        return article_sql.find_existing(self.conn, article)

    def id_taken_by_other_content(self, article: Article) -> str | None:
        return article_sql.id_taken_by_other_content(self.conn, article)

    def has_article_id(self, article_id: str) -> bool:
        return article_sql.has_article_id(self.conn, article_id)

    def article_origin(self, article_id: str) -> str | None:
        return article_sql.article_origin(self.conn, article_id)

    def article_lang(self, article_id: str) -> str | None:
        return article_sql.article_lang(self.conn, article_id)

    def copy_of(self, content_hash: str, canonical_url: str | None) -> str | None:
        return article_sql.copy_of(self.conn, content_hash, canonical_url)

    def insert_article(self, article: Article) -> None:
        return article_sql.insert_article(self.conn, article)

    def insert_dates(self, article_id: str, dates: list[DateMention]) -> None:
        return article_sql.insert_dates(self.conn, article_id, dates)

    def insert_vectors(self, article_id: str, vectors: dict[str, Any]) -> None:
        return article_sql.insert_vectors(self.conn, article_id, vectors)

    def load_vectors(self, article_id: str) -> dict[str, np.ndarray]:
        return article_sql.load_vectors(self.conn, article_id)

    def record_reject(self, reject: Reject) -> None:
        return article_sql.record_reject(self.conn, reject)

    def get_article(self, article_id: str) -> Article | None:
        return article_sql.get_article(self.conn, article_id)

    def get_dates(self, article_id: str) -> list[DateMention]:
        return article_sql.get_dates(self.conn, article_id)

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
        return article_sql.list_articles(
            self.conn,
            lang=lang,
            source=source,
            since=since,
            until=until,
            after_seq=after_seq,
            limit=limit,
        )

    def list_rejects(self, limit: int = 100) -> Sequence[Row]:
        return article_sql.list_rejects(self.conn, limit)

    def count(self, table: str) -> int:
        return article_sql.count(self.conn, table)

    # -- events and storylines --------------------------------------------------------------------------
    def get_state(self) -> ClusterState:
        return event_sql.get_state(self.conn)

    def bump_state(self, *, assigned: int | None = None, consolidated_at: int | None = None) -> str:
        return event_sql.bump_state(self.conn, assigned=assigned, consolidated_at=consolidated_at)

    def get_centroids(self, event_id: str) -> dict[str, np.ndarray]:
        return event_sql.get_centroids(self.conn, event_id)

    def set_centroids(self, event_id: str, centroids: dict[str, np.ndarray]) -> None:
        return event_sql.set_centroids(self.conn, event_id, centroids)

    def iter_event_index_rows(self, model: str) -> Iterable[Row]:
        return event_sql.iter_event_index_rows(self.conn, model)

    def merged_entity_count(self) -> int:
        return event_sql.merged_entity_count(self.conn)

    def merged_entity_ids(self) -> set[str]:
        return event_sql.merged_entity_ids(self.conn)

    def event_has_publication_date(self, event_id: str) -> bool:
        return event_sql.event_has_publication_date(self.conn, event_id)

    def touched_events(self, since: int) -> list[tuple[int, str]]:
        return event_sql.touched_events(self.conn, since)

    def cluster_totals(self) -> tuple[int, int]:
        return event_sql.cluster_totals(self.conn)

    def article_seq(self, article_id: str) -> int:
        return event_sql.article_seq(self.conn, article_id)

    def get_event_row(self, event_id: str) -> Row | None:
        return event_sql.get_event_row(self.conn, event_id)

    def event_row(self, event_id: str) -> Row:
        return event_sql.event_row(self.conn, event_id)

    def title_and_opening(self, article_id: str) -> tuple[str, str, str]:
        return event_sql.title_and_opening(self.conn, article_id)

    def event_of_article(self, article_id: str) -> Row | None:
        return event_sql.event_of_article(self.conn, article_id)

    def insert_storyline(self, storyline_id: str) -> None:
        return event_sql.insert_storyline(self.conn, storyline_id)

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
        return event_sql.insert_event(
            self.conn,
            event_id=event_id,
            article_id=article_id,
            title=title,
            lang=lang,
            date=date,
            seq=seq,
            storyline_id=storyline_id,
            touched=touched,
        )

    def update_event(self, event_id: str, **fields: Any) -> None:
        return event_sql.update_event(self.conn, event_id, **fields)

    def add_member(
        self,
        article_id: str,
        event_id: str,
        score: float | None,
        duplicate_of: str | None,
        order: int,
        days: tuple[int, int, bool] | None = None,
    ) -> None:
        return event_sql.add_member(self.conn, article_id, event_id, score, duplicate_of, order, days)

    def member_days(self, event_id: str) -> list[tuple[int, bool]]:
        return event_sql.member_days(self.conn, event_id)

    def latest_members(self, event_id: str, limit: int) -> list[str]:
        return event_sql.latest_members(self.conn, event_id, limit)

    def add_event_entities(self, event_id: str, entities: dict[str, str]) -> None:
        return event_sql.add_event_entities(self.conn, event_id, entities)

    def event_entity_ids(self, event_id: str) -> dict[str, str]:
        return event_sql.event_entity_ids(self.conn, event_id)

    def move_event(self, absorbed: str, into: str) -> None:
        return event_sql.move_event(self.conn, absorbed, into)

    def storyline_event_ids(self, storyline_id: str) -> list[str]:
        return event_sql.storyline_event_ids(self.conn, storyline_id)

    def storyline_recent_events(self, storyline_id: str, limit: int) -> list[str]:
        return event_sql.storyline_recent_events(self.conn, storyline_id, limit)

    def event_total(self) -> int:
        return event_sql.event_total(self.conn)

    def entity_event_counts(self, entity_ids: Iterable[str]) -> dict[str, int]:
        return event_sql.entity_event_counts(self.conn, entity_ids)

    def move_storyline(self, absorbed: str, into: str) -> None:
        return event_sql.move_storyline(self.conn, absorbed, into)

    def refresh_storyline(self, storyline_id: str) -> None:
        return event_sql.refresh_storyline(self.conn, storyline_id)

    def save_signature(self, article_id: str, signature: np.ndarray) -> None:
        return event_sql.save_signature(self.conn, article_id, signature)

    def recent_signatures(self, limit: int) -> list[tuple[str, int, np.ndarray]]:
        return event_sql.recent_signatures(self.conn, limit)

    def resolve_event_id(self, event_id: str) -> str | None:
        return event_sql.resolve_event_id(self.conn, event_id)

    def resolve_storyline_id(self, storyline_id: str) -> str | None:
        return event_sql.resolve_storyline_id(self.conn, storyline_id)

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
        return event_sql.list_events(
            self.conn,
            limit=limit,
            before_seq=before_seq,
            lang=lang,
            since=since,
            until=until,
            entity=entity,
            source=source,
            by_coverage=by_coverage,
        )

    def languages_and_sources(self, event_ids: list[str]) -> dict[str, tuple[dict[str, int], int]]:
        return event_sql.languages_and_sources(self.conn, event_ids)

    def event_members(self, event_id: str) -> Sequence[Row]:
        return event_sql.event_members(self.conn, event_id)

    def event_entities(self, event_id: str) -> Sequence[Row]:
        return event_sql.event_entities(self.conn, event_id)

    def event_dates(self, event_id: str) -> Sequence[Row]:
        return event_sql.event_dates(self.conn, event_id)

    def get_storyline_row(self, storyline_id: str) -> Row | None:
        return event_sql.get_storyline_row(self.conn, storyline_id)

    def storyline_events(self, storyline_id: str) -> Sequence[Row]:
        return event_sql.storyline_events(self.conn, storyline_id)

    def list_storylines(self, *, limit: int, before_seq: int | None = None) -> Sequence[Row]:
        return event_sql.list_storylines(self.conn, limit=limit, before_seq=before_seq)

    def article_assignment(self, article_id: str) -> Row | None:
        return event_sql.article_assignment(self.conn, article_id)

    def event_entity_salience(self, event_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        return event_sql.event_entity_salience(self.conn, event_ids)

    def event_outlet_rows(self, event_ids: list[str]) -> Sequence[Row]:
        return event_sql.event_outlet_rows(self.conn, event_ids)

    # -- entities ---------------------------------------------------------------------------------------
    def save_article_entities(
        self,
        article_id: str,
        mentions: list[Mention],
        entities: list[Entity],
        name_keys: Iterable[tuple[str, str]] = (),
    ) -> None:
        return entity_sql.save_article_entities(self.conn, article_id, mentions, entities, name_keys)

    def ensure_name_keys(self, keys_of: Callable[[str], set[str]]) -> None:
        return entity_sql.ensure_name_keys(self.conn, keys_of)

    def entities_with_keys(self, keys: set[str], kind: str) -> set[str]:
        return entity_sql.entities_with_keys(self.conn, keys, kind)

    def mention_types(self, entity_id: str) -> Counter[str]:
        return entity_sql.mention_types(self.conn, entity_id)

    def set_entity_type(self, entity_id: str, kind: str) -> None:
        return entity_sql.set_entity_type(self.conn, entity_id, kind)

    def entity_surfaces(self, entity_id: str) -> list[str]:
        return entity_sql.entity_surfaces(self.conn, entity_id)

    def entity_exists(self, entity_id: str) -> bool:
        return entity_sql.exists(self.conn, entity_id)

    def cooccurrences(self, entity_id: str, others: set[str]) -> int:
        return entity_sql.cooccurrences(self.conn, entity_id, others)

    def article_total(self) -> int:
        return entity_sql.article_total(self.conn)

    def article_counts(self, ids: Iterable[str]) -> dict[str, int]:
        return entity_sql.article_counts(self.conn, ids)

    def redirect_targets(self, ids: Iterable[str]) -> dict[str, str]:
        return entity_sql.redirect_targets(self.conn, ids)

    def current_id(self, entity_id: str) -> str:
        return entity_sql.current_id(self.conn, entity_id)

    def merge_entities(self, old: str, new: str, reason: str) -> None:
        return entity_sql.merge_entities(self.conn, old, new, reason)

    def load_article_entities(self, article_id: str) -> tuple[list[Mention], list[Entity]]:
        return entity_sql.load_article_entities(self.conn, article_id)

    def entity_names(self, ids: list[str]) -> dict[str, str]:
        return entity_sql.entity_names(self.conn, ids)

    def entity_surface_counts(self, ids: Iterable[str]) -> dict[str, list[tuple[str, str, int]]]:
        return entity_sql.entity_surface_counts(self.conn, ids)

    def list_entities(
        self, *, limit: int = 50, type: str | None = None, lang: str | None = None, name_lang: str | None = None
    ) -> list[dict[str, Any]]:
        return entity_sql.list_entities(self.conn, limit=limit, type=type, lang=lang, name_lang=name_lang)

    def get_entity(self, entity_id: str, lang: str | None = None) -> dict[str, Any] | None:
        return entity_sql.get_entity(self.conn, entity_id, lang)

    def article_mentions(self, article_id: str) -> Sequence[Row]:
        return entity_sql.article_mentions(self.conn, article_id)

    def all_aliases(self) -> list[tuple[str, str, str, str, int]]:
        return entity_sql.all_aliases(self.conn)

    def step_pending(self, name: str) -> bool:
        return entity_sql.step_pending(self.conn, name)

    def has_mentions(self) -> bool:
        return entity_sql.has_mentions(self.conn)

    def finish_step(self, name: str) -> None:
        return entity_sql.finish_step(self.conn, name)

    def mention_ids(self) -> dict[tuple[str, int, int], str]:
        return entity_sql.mention_ids(self.conn)

    def stored_mentions(self) -> Iterator[tuple[str, str, list[Mention]]]:
        return entity_sql.stored_mentions(self.conn)

    def clear_entities(self) -> None:
        return entity_sql.clear_entities(self.conn)

    def delete_article_mentions(self, article_id: str) -> None:
        return entity_sql.delete_article_mentions(self.conn, article_id)

    def redirect_moved(self, moves: dict[str, str], reason: str) -> None:
        return entity_sql.redirect_moved(self.conn, moves, reason)

    def rebuild_event_entities(self) -> None:
        return entity_sql.rebuild_event_entities(self.conn)

    # -- search -----------------------------------------------------------------------------------------
    def text_matches(self, terms: Sequence[str], limit: int) -> list[TextHit]:
        return search_sql.text_matches(self.conn, terms, limit)

    def substring_matches(self, runs: Sequence[str], limit: int) -> list[TextHit]:
        return search_sql.substring_matches(self.conn, runs, limit)

    def vector_rows(self, model: str, after_rowid: int) -> Iterator[tuple[int, bytes]]:
        return search_sql.vector_rows(self.conn, model, after_rowid)

    def vector_state(self, model: str) -> tuple[int, int]:
        return search_sql.vector_state(self.conn, model)

    def vector_article_ids(self, model: str, rowids: Sequence[int]) -> dict[int, str]:
        return search_sql.vector_article_ids(self.conn, model, rowids)

    def article_rows(self, article_ids: Sequence[str]) -> Mapping[str, Row]:
        return search_sql.article_rows(self.conn, article_ids)

    def max_article_seq(self) -> int:
        return search_sql.max_article_seq(self.conn)

    def articles_after(self, after_seq: int, limit: int = 200) -> Sequence[Row]:
        return search_sql.articles_after(self.conn, after_seq, limit)

    def event_ids_for(self, article_ids: Sequence[str]) -> dict[str, str]:
        return search_sql.event_ids_for(self.conn, article_ids)

    def entities_with_alias(self, surfaces: Sequence[str]) -> list[str]:
        return search_sql.entities_with_alias(self.conn, surfaces)

    def known_entities(self, entity_ids: Sequence[str]) -> list[str]:
        return search_sql.known_entities(self.conn, entity_ids)

    def entity_article_hits(self, entity_ids: Sequence[str], limit: int) -> list[dict[str, object]]:
        return search_sql.entity_article_hits(self.conn, entity_ids, limit)

    def store_generation(self) -> tuple[int, str]:
        return search_sql.store_generation(self.conn)
