"""``Tracker``: the Python API.  The CLI, the REST API and the web UI are thin layers over it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from . import pipeline
from .alerts.api import WatchQueries
from .alerts.watcher import AlertWatcher
from .cluster.api import EventQueries
from .dates import date_filter
from .entities.api import EntityQueries
from .entities.resolve import rebuild
from .errors import NotFoundError
from .executors import Executor
from .follow.api import SourceCommands
from .follow.follower import Follower, PollResult
from .ingest import count_inputs, iter_inputs
from .models import Article, RawDoc, Reject
from .search_api import SearchQueries
from .settings import Settings
from .store import STORE_ERRORS, Store, open_store

log = logging.getLogger(__name__)


class Tracker(EntityQueries, EventQueries, SearchQueries, WatchQueries, SourceCommands):
    """Open (or create) a store and work with it.

    >>> with Tracker(db="news.db") as tracker:
    ...     report = tracker.ingest("examples/")
    ...     tracker.articles(lang="ar")
    """

    def __init__(
        self,
        db: str | Path | None = None,
        *,
        settings: Settings | None = None,
        config: str | Path | None = None,
        **overrides: Any,
    ) -> None:
        self.settings = settings if settings is not None else Settings.load(config, **overrides)
        if db is not None:
            self.settings.set("db", str(db))
        self.db_path = self.settings.db_path
        self.db: Store = open_store(self.db_path, busy_timeout_ms=self.settings.busy_timeout_ms,
                                    pool_size=self.settings.db_pool_size)
        # Data steps a schema migration left pending (0006: re-resolve entities under the new rules).
        rebuild.run_pending(self.db)
        self._enricher: pipeline.Enricher | None = None
        self._writer: pipeline.Writer | None = None
        self._executor: Executor | None = None
        self._poll_deliverer: Tracker | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    def close(self) -> None:
        if self._poll_deliverer is not None:
            self._poll_deliverer.close()
            self._poll_deliverer = None
        if self._executor is not None:
            self._executor.close()
            self._executor = None
        self.close_search_engine()
        self.db.close()

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def enricher(self) -> pipeline.Enricher:
        if self._enricher is None:
            self._enricher = pipeline.Enricher(self.settings)
        return self._enricher

    @property
    def executor(self) -> Executor:
        """Where enrichment runs (the ``executor`` setting); kept while the tracker is open, so Ray
        actors load their models once for every ingest and poll."""
        if self._executor is None:
            self._executor = pipeline.executor_for(self.enricher)
        return self._executor

    @property
    def writer(self) -> pipeline.Writer:
        if self._writer is None:
            assigner = None
            if self.settings.assign_events:
                from .cluster import Assigner

                assigner = Assigner(self.db, self.settings)
            self._writer = pipeline.Writer(self.db, assigner, AlertWatcher(self.db), self.settings)
        return self._writer

    # -- ingest ------------------------------------------------------------------------------------
    def ingest(self, *targets: str | Path, on_progress: Callable[[str], None] | None = None) -> pipeline.IngestReport:
        """Ingest files, directories, feeds, URLs or ``-`` (stdin); bad inputs become rejects."""
        return self.ingest_docs(self._iter_targets(targets), on_progress=on_progress)

    def ingest_docs(
        self, docs: Iterable[RawDoc | Reject], on_progress: Callable[[str], None] | None = None
    ) -> pipeline.IngestReport:
        """Ingest documents already in memory (the REST API posts these)."""
        return pipeline.run(docs, self.enricher, self.writer, on_progress=on_progress, executor=self.executor)

    def start_workers(self, inputs: int | None) -> bool:
        """Start loading the enrichment workers' models now, when ``inputs`` inputs (a count, see
        ``count_inputs``) will go to the worker pool, so that the loading overlaps the set-up before
        the first input is read; a later ``ingest`` uses them.  Whether loading started."""
        from .executors.pool import start_early

        return start_early(self.settings, inputs)

    def count_inputs(self, *targets: str | Path) -> int | None:
        """Roughly how many inputs ``ingest(*targets)`` will report progress for; ``None`` when a
        target (stdin, a URL, a feed) can only be counted by reading it."""
        counts = [count_inputs(str(target)) for target in targets]
        return None if any(c is None for c in counts) else sum(c or 0 for c in counts)

    def _iter_targets(self, targets: Iterable[str | Path]) -> Iterator[RawDoc | Reject]:
        for target in targets:
            yield from iter_inputs(str(target), self.settings)

    # -- following sources -------------------------------------------------------------------------
    def follow(
        self,
        *,
        once: bool = False,
        every_one: bool = False,
        stop: threading.Event | None = None,
        lock: Any = None,
        on_poll: Callable[[PollResult], None] | None = None,
    ) -> list[PollResult]:
        """Poll the followed sources that are due (all active ones with ``every_one``) and store their
        new entries.  ``once`` polls each once and returns the results; otherwise polls until
        ``stop`` is set, finishing the entry in hand.  ``lock`` guards the store when others write
        through this tracker too (the server's write lock)."""
        follower = Follower(self, lock=lock, stop=stop)
        try:
            if once:
                return follower.poll_round(every_one=every_one, on_poll=on_poll)
            follower.run(on_poll=on_poll)
            return []
        finally:
            follower.close()

    def after_poll(self, result: PollResult) -> None:
        """Called by the follow loop after each poll's articles and state are committed: the one
        place that reacts to what a poll brought.  It delivers the webhook alerts that are due, the
        poll's new ones and earlier ones whose retry time has come; a poll that fired none costs one
        read of the outbox."""
        if result.added or result.error:
            log.info("source %s (%s): %s, %d new, %s", result.source_id, result.name, result.status,
                     len(result.added), result.error or "no error")
        # Over a connection of its own: under 'serve --follow' this tracker's connection is the
        # server's writer, shared under a lock the loop does not hold here, and a slow receiver must
        # not hold that lock either.  The server's own delivery thread may claim the same alerts:
        # each is leased in a write transaction before its POST (alerts/delivery.py), so only one
        # deliverer sends it.
        if self._poll_deliverer is None:
            self._poll_deliverer = Tracker(settings=self.settings)
        try:
            report = self._poll_deliverer.deliver_alerts()
        except STORE_ERRORS as exc:  # the poll itself is stored; the next poll delivers these alerts
            log.warning("alert delivery after polling source %s failed: %s", result.source_id, exc)
            return
        if any(report.values()):
            log.info("alerts: %d delivered, %d to retry, %d failed", len(report["delivered"]),
                     len(report["retrying"]), len(report["failed"]))

    # -- reading -----------------------------------------------------------------------------------
    def articles(
        self,
        *,
        lang: str | None = None,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        cursor: int | None = None,
        limit: int = 50,
    ) -> list[dict[str, Any]]:
        """One page of at most ``limit`` articles in ingest order, after ``cursor`` (a row's ``seq``),
        published between ``since`` and ``until`` (YYYY-MM-DD; anything else raises ``InputError``).

        More may exist: pass the last row's ``seq`` as ``cursor`` for the next page, or use
        ``iter_articles`` to go through all of them.
        """
        rows = self.db.list_articles(
            lang=lang, source=source, since=date_filter(since), until=date_filter(until), after_seq=cursor, limit=limit,
        )
        return [dict(row) for row in rows]

    def iter_articles(
        self,
        *,
        lang: str | None = None,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        page_size: int = 500,
    ) -> Iterator[dict[str, Any]]:
        """Every matching article in ingest order, read a page at a time."""
        cursor: int | None = None
        while True:
            page = self.articles(lang=lang, source=source, since=since, until=until, cursor=cursor, limit=page_size)
            yield from page
            if len(page) < page_size:
                return
            cursor = int(page[-1]["seq"])

    def article(self, article_id: str) -> Article:
        found = self.db.get_article(article_id)
        if found is None:
            raise NotFoundError(f"no article with id {article_id!r}; list them with 'storyweave articles'")
        return found

    def article_details(self, article_id: str) -> dict[str, Any]:
        """Everything known about one article, ready for JSON."""
        article = self.article(article_id)
        details: dict[str, Any] = {
            "id": article.id,
            "title": article.title,
            "text": article.text,
            "lang": article.lang,
            "lang_confidence": round(article.lang_confidence, 4),
            "lang_hint": article.lang_hint,
            "publish_date": article.publish_date,
            "url": article.url,
            "canonical_url": article.canonical_url,
            "source": article.source,
            "origin": article.origin,
            "content_hash": article.content_hash,
            "metadata": article.metadata,
            "removed": [{"kind": r.kind, "text": r.text} for r in article.removed],
            "dates": [
                {"date": d.date, "expression": d.expression, "sentence": d.sentence, "kind": d.kind}
                for d in self.db.get_dates(article_id)
            ],
        }
        details.update(self.article_entities(article_id))
        details.update(self.article_event(article_id))
        return details

    def rejects(self, limit: int = 100) -> list[dict[str, Any]]:
        return [dict(row) for row in self.db.list_rejects(limit=limit)]

    def stats(self) -> dict[str, int]:
        return {t: self.db.count(t) for t in ("articles", "rejects")}
