"""Wire the stages together: no stage logic lives here.

``Enricher`` runs the pure, per-document stages (extract → clean → language → entities → dates →
embed); it can run in any process, and an executor (``storyweave.executors``: in process, a local
process pool, Ray actors) runs it.  ``Writer`` is the single stateful consumer: it stores each
enriched article and assigns it to an event inside one transaction, so a crash loses at most the
articles of the open transaction, which a re-run then adds exactly once.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from . import clean as clean_stage
from . import extract as extract_stage
from .executors import Enrichment, Executor, create_executor
from .ingest.records import metadata_problem
from .language import LanguageDetector
from .limits import checked_item
from .models import Article, DateMention, EnrichedArticle, Entity, Mention, RawDoc, Reject
from .settings import Settings
from .store import Store

if TYPE_CHECKING:
    from .entities.resolve.stored import StoredNames


class MentionFinder(Protocol):
    def analyse(self, article: Article) -> tuple[list[Mention], list[Entity]]: ...

    def prime(self, articles: Sequence[Article]) -> None: ...


class ArticleEmbedder(Protocol):
    def embed_many(self, articles: Sequence[Article]) -> list[dict[str, Any]]: ...


class EventAssigner(Protocol):
    def assign(self, enriched: EnrichedArticle) -> None: ...

    def warm_up(self) -> None: ...

    def entities_reconciled(self, mapping: dict[str, str], retyped: frozenset[str] = frozenset()) -> None: ...


class ArticleWatcher(Protocol):
    def article_stored(self, enriched: EnrichedArticle) -> list[int]: ...


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
        problem = metadata_problem(raw.metadata, int(self.settings.max_metadata_depth))
        if problem is not None:
            return Reject(raw.origin, problem)
        extracted = extract_stage.extract(raw, self.settings)
        if isinstance(extracted, Reject):
            return extracted
        return self.language.detect(clean_stage.clean(extracted))

    def annotate(self, article: Article) -> EnrichedArticle:
        """The per-article stages: entities, dates, and the text digest event assignment reads
        (computed here, in the workers, to spare the single writer)."""
        from .cluster.digest import text_digest

        stages = set(self.settings.enrich_stages)
        enriched = EnrichedArticle(article=article, digest=text_digest(article))
        if "entities" in stages:
            enriched.mentions, enriched.entities = self.entities.analyse(article)
        if "dates" in stages:
            from .dates import find_dates

            enriched.dates = find_dates(article)
        return enriched

    def annotate_many(self, articles: Sequence[Article]) -> list[EnrichedArticle | Exception]:
        """``annotate`` for each article, in order, the language models reading the articles
        together; an article that fails becomes its exception, and the others go on."""
        if articles and "entities" in self.settings.enrich_stages:
            # A failure here is no article's: each is then analysed alone, and fails alone.
            with suppress(Exception):
                self.entities.prime(articles)
        out: list[EnrichedArticle | Exception] = []
        for article in articles:
            try:
                out.append(self.annotate(article))
            except Exception as exc:  # the article's own failure: its reject gives the reason
                out.append(exc)
        return out

    def add_vectors(self, batch: Sequence[EnrichedArticle]) -> None:
        """Embed a batch together: one encoder call per model costs about half of one per article."""
        if batch and "embed" in self.settings.enrich_stages:
            for enriched, vectors in zip(batch, self.embedder.embed_many([e.article for e in batch]), strict=True):
                enriched.vectors = vectors

    def enrich(self, article: Article) -> EnrichedArticle:
        enriched = self.annotate(article)
        self.add_vectors([enriched])
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

    def failed(self, strict: bool = False) -> bool:
        """Whether the ingest failed: an input was rejected and none was usable (neither added nor
        already stored), or, when ``strict``, any input was rejected."""
        if not self.rejected:
            return False
        return strict or not (self.added or self.duplicates)

    def summary(self) -> str:
        return f"added {len(self.added)}, already stored {len(self.duplicates)}, rejected {len(self.rejected)}"


class Writer:
    """The single writer: stores enriched articles, hands them to the event assigner, then to the
    watcher that fires alerts on the event they changed."""

    def __init__(
        self,
        db: Store,
        assigner: EventAssigner | None,
        watcher: ArticleWatcher | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.db = db
        self.assigner = assigner
        self.watcher = watcher
        self.settings = settings if settings is not None else Settings()
        self._names: StoredNames | None = None  # what reconciliation read of the stored names
        self._seen: str | None = None  # the store's change token as this writer's last commit left it
        # While the first articles are enriched (seconds, when worker processes start), this process
        # only waits: it loads what storing them needs meanwhile, off the path to the first article.
        threading.Thread(target=self._warm_up, name="writer-warm-up", daemon=True).start()

    def _warm_up(self) -> None:
        try:
            from .entities.kb.base import get_kb

            get_kb()
            if self.assigner is not None:
                self.assigner.warm_up()
        except Exception:  # the first article loads them again and reports what is wrong
            return

    def store(self, enriched: EnrichedArticle) -> bool:
        """Store one article in its own transaction; False when it was already there."""
        stored = self.store_batch([enriched])[0]
        return stored is True

    def store_batch(self, outcomes: Sequence[EnrichedArticle | Reject]) -> list[bool | Reject]:
        """Store several outcomes in one transaction, in order: per outcome True (stored), False
        (already there) or the reject recorded (an input's own, or an id another article holds).
        Nothing of the batch is durable, and nothing may be acknowledged, before this returns.

        What the writer keeps of the store between transactions is trusted only while the store's
        change token is the one its own last commit left: another writer's commit, or a rolled
        back transaction of this one, empties it.
        """
        try:
            with self.db.transaction():
                token = self.db.get_state().token
                if token != self._seen and self._names is not None:
                    self._names.clear()
                done = [self._one_in_transaction(outcome) for outcome in outcomes]
                stored = any(d is True for d in done)
                after = self.db.get_state().token if stored else token
                # Other writers' caches must see these articles' entities even when no assignment moved it.
                self._seen = self.db.bump_state() if stored and after == token else after
                return done
        except BaseException:
            self._seen = None
            raise

    def _one_in_transaction(self, outcome: EnrichedArticle | Reject) -> bool | Reject:
        if isinstance(outcome, EnrichedArticle):
            taken_by = self.db.id_taken_by_other_content(outcome.article)
            if taken_by is None:
                return self._store_in_transaction(outcome)
            outcome = Reject(
                outcome.article.origin,
                f"id {outcome.article.id!r} is already used by a different article (from {taken_by}); "
                "give it another id",
            )
        self.db.record_reject(outcome)
        return outcome

    def _store_in_transaction(self, enriched: EnrichedArticle) -> bool:
        article = enriched.article
        if self.db.find_existing(article) is not None:
            return False
        self.db.insert_article(article)
        self.db.insert_dates(article.id, enriched.dates)
        self.db.insert_vectors(article.id, enriched.vectors)
        if enriched.mentions or enriched.entities:
            from .entities.resolve.reconcile import store_article_entities
            from .entities.resolve.stored import StoredNames

            if self._names is None:
                settings = self.settings
                self._names = StoredNames(self.db, settings.writer_names_kept, settings.writer_name_pairs_kept)
            stored = store_article_entities(
                self.db, article.id, enriched.mentions, enriched.entities, self._names
            )
            if (stored.mapping or stored.retyped) and self.assigner is not None:
                self.assigner.entities_reconciled(stored.mapping, stored.retyped)
        if self.assigner is not None:
            self.assigner.assign(enriched)
        if self.watcher is not None:  # alerts become durable with the article that fired them
            self.watcher.article_stored(enriched)
        return True


def executor_for(enricher: Enricher) -> Executor:
    """The executor the enricher's settings name, running ``enrich_many`` on enrichers like this one."""
    return create_executor(Enrichment(enricher.settings, type(enricher), enrich_many), enricher)


def run(
    docs: Iterable[RawDoc | Reject],
    enricher: Enricher,
    writer: Writer,
    on_progress: Callable[[str], None] | None = None,
    executor: Executor | None = None,
) -> IngestReport:
    """Push documents through the stages into the store.

    Enrichment runs on ``executor`` (by default a fresh one of the kind the settings name, closed
    at the end), fed from a thread, while the writer stores what is ready: up to ``writer_batch``
    articles per transaction, committed as soon as no further one is ready (within a few ms).  An
    article is counted in the report and passed to ``on_progress`` only once its transaction
    committed.  Every executor yields results in input order, so the same input in the same order
    always gives the same store.  ``docs`` is read in that thread: an iterator over a resource
    bound to its creating thread (a SQLite connection) must allow it.
    """
    if executor is None:
        with closing(executor_for(enricher)) as own:
            return run(docs, enricher, writer, on_progress, own)
    report = IngestReport()
    checked = (checked_item(doc, enricher.settings) for doc in docs)
    size = max(1, int(enricher.settings.writer_batch))
    with _Ahead(executor, checked, writer.db, size) as ahead:
        for batch in ahead.batches():
            outcomes = [item for item in batch if not isinstance(item, _Skipped)]
            with ahead.store_lock:
                done = iter(writer.store_batch(outcomes) if outcomes else [])
            for item in batch:
                if isinstance(item, _Skipped):
                    report.duplicates.append(str(item.doc.id))
                    origin = item.doc.origin
                else:
                    result = next(done)
                    if isinstance(result, Reject):
                        report.rejected.append(result)
                        origin = result.origin
                    else:
                        assert isinstance(item, EnrichedArticle)
                        (report.added if result else report.duplicates).append(item.article.id)
                        origin = item.article.origin
                if on_progress:  # a skipped input is done too: progress counts every input
                    on_progress(origin)
    return report


@dataclass(frozen=True)
class _Skipped:
    """An input whose id the store already holds: no stage ran for it."""

    doc: RawDoc


_END = object()
# A batch ends when the next outcome is not there within this long.  Not 0: the feeding thread
# reads the store between the writer's batches only (``store_lock``), so the writer gives it a
# moment to catch up; enrichment that is really still working takes far longer than this.
_GATHER_S = 0.005


class _Ahead:
    """Runs the executor in a thread, so that the writer can tell what is ready: it gathers a batch
    of the outcomes that keep coming, and waits for them with no transaction open.

    The queue is bounded, so enrichment running ahead of the writer stops there instead of filling
    memory; the thread stops reading inputs when the writer stops (an error, an interrupt).  The
    thread's reads of the store wait for ``store_lock``, which the writer holds while it stores: one
    connection is never used by both threads at once.
    """

    def __init__(self, executor: Executor, docs: Iterable[RawDoc | Reject], db: Store, size: int) -> None:
        self.size = size
        self.store_lock = threading.Lock()
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=2 * size)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._feed, args=(executor, docs, db), name="enrichment-feed", daemon=True
        )

    def __enter__(self) -> _Ahead:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()

    def _put(self, item: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _inputs(self, docs: Iterable[RawDoc | Reject], db: Store) -> Iterator[RawDoc | Reject]:
        """Drop inputs whose id the store already holds before any costly stage: re-runs are cheap."""
        for doc in docs:
            if self._stop.is_set():
                return
            if not isinstance(doc, RawDoc) or not doc.id:
                yield doc
                continue
            with self.store_lock:
                stored = db.has_article_id(doc.id)
            if stored:
                if not self._put(_Skipped(doc)):
                    return
                continue
            yield doc

    def _feed(self, executor: Executor, docs: Iterable[RawDoc | Reject], db: Store) -> None:
        try:
            for outcome in executor.enriched(self._inputs(docs, db)):
                if not self._put(outcome):
                    return
            self._put(_END)
        except BaseException as exc:  # the writer's thread raises it
            self._put(_Failed(exc))

    def batches(self) -> Iterator[list[EnrichedArticle | Reject | _Skipped]]:
        """Lists of what is ready, each started by waiting for one item, then completed while
        items keep coming (gaps under ``_GATHER_S``).  No transaction is open meanwhile.  An
        enrichment failure is raised after the outcomes before it were handed over."""
        batch: list[EnrichedArticle | Reject | _Skipped] = []
        while True:
            try:
                item = self._queue.get(timeout=_GATHER_S if batch else None)
            except queue.Empty:
                item = None
            ready = item is None or item is _END or isinstance(item, _Failed) or len(batch) == self.size
            if ready and batch:
                yield batch
                batch = []
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            if item is not None:
                batch.append(item)


@dataclass(frozen=True)
class _Failed:
    error: BaseException


def enrich_one(enricher: Enricher, doc: RawDoc | Reject) -> EnrichedArticle | Reject:
    """Every per-document stage for one input; never raises, so one bad input cannot stop a batch."""
    return enrich_many(enricher, [doc])[0]


def enrich_many(enricher: Enricher, docs: Sequence[RawDoc | Reject]) -> list[EnrichedArticle | Reject]:
    """Every per-document stage for several inputs, in order, embedding them as one batch.

    Never raises: an input that fails any stage becomes a reject with its reason, and the others go on.
    """
    prepared = [_prepared(enricher, doc) for doc in docs]
    annotated = iter(enricher.annotate_many([p for p in prepared if isinstance(p, Article)]))
    outcomes: list[EnrichedArticle | Reject] = []
    for item in prepared:
        if isinstance(item, Article):
            result = next(annotated)
            outcomes.append(_failure(item.origin, result) if isinstance(result, Exception) else result)
        else:
            outcomes.append(item)
    ready = [o for o in outcomes if isinstance(o, EnrichedArticle)]
    try:
        enricher.add_vectors(ready)
    except Exception:
        # Find the input the batch failed on by embedding each alone; the rest keep their vectors.
        for i, outcome in enumerate(outcomes):
            if isinstance(outcome, EnrichedArticle):
                try:
                    enricher.add_vectors([outcome])
                except Exception as exc:
                    outcomes[i] = _failure(outcome.article.origin, exc)
    return outcomes


def _prepared(enricher: Enricher, doc: RawDoc | Reject) -> Article | Reject:
    if isinstance(doc, Reject):
        return doc
    try:
        return enricher.prepare(doc)
    except Exception as exc:  # any failure becomes a reject with its reason
        return _failure(doc.origin, exc)


def _failure(origin: str, exc: Exception) -> Reject:
    return Reject(origin, f"could not process: {type(exc).__name__}: {_one_line(str(exc))}")


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


__all__ = ["DateMention", "Enricher", "IngestReport", "Writer", "enrich_many", "enrich_one", "executor_for", "run"]
