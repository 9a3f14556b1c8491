"""Wire the stages together: no stage logic lives here.

``Enricher`` runs the pure, per-document stages (extract → clean → language → entities → dates →
embed); it can run in any process.  ``Writer`` is the single stateful consumer: it stores each
enriched article and assigns it to an event inside one transaction, so a crash loses at most the
articles of the open transaction, which a re-run then adds exactly once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from . import clean as clean_stage
from . import extract as extract_stage
from .language import LanguageDetector
from .models import Article, DateMention, EnrichedArticle, Entity, Mention, RawDoc, Reject
from .settings import Settings
from .store import articles as article_store
from .store.db import transaction


class MentionFinder(Protocol):
    def analyse(self, article: Article) -> tuple[list[Mention], list[Entity]]: ...


class ArticleEmbedder(Protocol):
    def embed(self, article: Article) -> dict[str, Any]: ...


class EventAssigner(Protocol):
    def assign(self, enriched: EnrichedArticle) -> None: ...


class Enricher:
    """Runs the per-document stages; models load on first use so start-up stays fast."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._language: LanguageDetector | None = None
        self._entities: MentionFinder | None = None
        self._embedder: ArticleEmbedder | None = None

    @property
    def language(self) -> LanguageDetector:
        if self._language is None:
            self._language = LanguageDetector(self.settings)
        return self._language

    @property
    def entities(self) -> MentionFinder:
        if self._entities is None:
            from .entities import EntityRecognizer

            self._entities = EntityRecognizer(self.settings)
        return self._entities

    @property
    def embedder(self) -> ArticleEmbedder:
        if self._embedder is None:
            from .embed import Embedder

            self._embedder = Embedder(self.settings)
        return self._embedder

    def prepare(self, raw: RawDoc) -> Article | Reject:
        """Extract, clean and detect the language: enough to decide whether the article is new."""
        extracted = extract_stage.extract(raw, self.settings)
        if isinstance(extracted, Reject):
            return extracted
        return self.language.detect(clean_stage.clean(extracted))

    def enrich(self, article: Article) -> EnrichedArticle:
        stages = set(self.settings.enrich_stages)
        enriched = EnrichedArticle(article=article)
        if "entities" in stages:
            enriched.mentions, enriched.entities = self.entities.analyse(article)
        if "dates" in stages:
            from .dates import find_dates

            enriched.dates = find_dates(article)
        if "embed" in stages:
            enriched.vectors = self.embedder.embed(article)
        return enriched


@dataclass
class IngestReport:
    """What one ingest call did; ``rejected`` keeps each (origin, reason) for the user."""

    added: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    rejected: list[Reject] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": len(self.added),
            "duplicates": len(self.duplicates),
            "rejected": len(self.rejected),
            "added_ids": self.added,
            "rejects": [{"origin": r.origin, "reason": r.reason} for r in self.rejected],
        }


class Writer:
    """The single writer: stores enriched articles and hands them to the event assigner."""

    def __init__(self, conn: sqlite3.Connection, assigner: EventAssigner | None) -> None:
        self.conn = conn
        self.assigner = assigner

    def store(self, enriched: EnrichedArticle) -> bool:
        """Store one article in its own transaction; False when it was already there."""
        with transaction(self.conn):
            return self._store_in_transaction(enriched)

    def _store_in_transaction(self, enriched: EnrichedArticle) -> bool:
        article = enriched.article
        if article_store.find_existing(self.conn, article) is not None:
            return False
        article_store.insert_article(self.conn, article)
        article_store.insert_dates(self.conn, article.id, enriched.dates)
        article_store.insert_vectors(self.conn, article.id, enriched.vectors)
        if enriched.mentions or enriched.entities:
            from .store import entities as entity_store

            entity_store.save_article_entities(self.conn, article.id, enriched.mentions, enriched.entities)
        if self.assigner is not None:
            self.assigner.assign(enriched)
        return True

    def reject(self, reject: Reject) -> None:
        with transaction(self.conn):
            article_store.record_reject(self.conn, reject)


def run(
    docs: Iterable[RawDoc | Reject],
    enricher: Enricher,
    writer: Writer,
    on_progress: Callable[[str], None] | None = None,
) -> IngestReport:
    """Push documents through the stages into the store, one durable article at a time."""
    report = IngestReport()
    for outcome in _enriched(docs, enricher, writer.conn, report):
        if isinstance(outcome, Reject):
            writer.reject(outcome)
            report.rejected.append(outcome)
            if on_progress:
                on_progress(outcome.origin)
            continue
        if writer.store(outcome):
            report.added.append(outcome.article.id)
        else:
            report.duplicates.append(outcome.article.id)
        if on_progress:
            on_progress(outcome.article.origin)
    return report


def _enriched(
    docs: Iterable[RawDoc | Reject], enricher: Enricher, conn: sqlite3.Connection, report: IngestReport
) -> Iterator[EnrichedArticle | Reject]:
    for doc in docs:
        if isinstance(doc, Reject):
            yield doc
            continue
        try:
            prepared = enricher.prepare(doc)
        except Exception as exc:
            yield Reject(doc.origin, f"could not process: {type(exc).__name__}: {_one_line(str(exc))}")
            continue
        if isinstance(prepared, Reject):
            yield prepared
            continue
        taken_by = article_store.id_taken_by_other_content(conn, prepared)
        if taken_by is not None:
            yield Reject(
                doc.origin,
                f"id {prepared.id!r} is already used by a different article (from {taken_by}); give it another id",
            )
            continue
        # Skip the costly stages for inputs the store already holds: re-runs after a crash are cheap.
        existing = article_store.find_existing(conn, prepared)
        if existing is not None:
            report.duplicates.append(existing)
            continue
        try:
            yield enricher.enrich(prepared)
        except Exception as exc:
            yield Reject(doc.origin, f"could not enrich: {type(exc).__name__}: {_one_line(str(exc))}")


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


__all__ = ["DateMention", "Enricher", "IngestReport", "Writer", "run"]
