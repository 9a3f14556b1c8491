"""The follow loop: poll the sources that are due, store their new entries, keep each source's health.

Feeds are fetched by ``follow_concurrency`` threads, each request in its host's turn (``polite``);
everything that touches the store runs in the calling thread under ``lock``, so the store keeps one
writer (``storyweave serve --follow`` passes the server's write lock).

Crash safety rests on one rule: a source's validators (ETag, Last-Modified, the body's hash) and
its next poll time are saved only after every entry of that feed version is handled.  Entries go
into the store through the ordinary ingest, which is idempotent; a poll cut short by ``kill -9``
is simply done again, and the entries it stored are then skipped (by guid, link or content hash)
without fetching their pages a second time.  A stop request (SIGTERM, Ctrl-C) lets the entry in
hand finish and leaves the rest for the next run the same way.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from .. import extract as extract_stage
from ..ingest import FeedReader
from ..ingest.feeds import NO_ENTRIES
from ..models import Article, RawDoc, Reject
from ..pipeline import IngestReport
from ..settings import Settings
from ..store import STORE_ERRORS, Store
from .polite import HostGate, PoliteFetcher, host_of
from .poller import FeedAnswer, fetch_feed
from .schedule import backoff_s

log = logging.getLogger(__name__)

# How often an idle loop looks for sources added or resumed meanwhile (by another process).
IDLE_CHECK_S = 5.0


class FollowTarget(Protocol):
    """What the loop needs of a ``Tracker``: its settings and store, ingest, and the after-poll hook."""

    settings: Settings
    db: Store

    def ingest_docs(self, docs: Iterable[RawDoc | Reject],
                    on_progress: Callable[[str], None] | None = None) -> IngestReport: ...

    def after_poll(self, result: PollResult) -> None: ...


@dataclass
class PollResult:
    """One poll of one source: ``status`` is ok, not_modified, error, deferred or interrupted."""

    source_id: int
    name: str
    status: str
    added: list[str] = field(default_factory=list)
    known: int = 0
    duplicates: int = 0
    rejected: list[Reject] = field(default_factory=list)
    error: str | None = None
    paused: str | None = None
    latency_ms: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"source_id": self.source_id, "name": self.name, "status": self.status, "added": len(self.added),
                "added_ids": self.added, "known": self.known, "duplicates": self.duplicates,
                "rejected": [{"origin": r.origin, "reason": r.reason} for r in self.rejected],
                "error": self.error, "paused": self.paused,
                "latency_ms": None if self.latency_ms is None else round(self.latency_ms, 1)}


def display_name(source: dict[str, Any]) -> str:
    return str(source.get("name") or source.get("feed_title") or host_of(source["url"]) or source["url"])


class _RoundPlan:
    """Hands the fetch threads a source whose host is free and past its delay, so one slow or
    crowded host never holds a thread that another host could use."""

    def __init__(self, sources: list[dict[str, Any]], gate: HostGate, stop: threading.Event) -> None:
        self.gate = gate
        self.stop = stop
        self.queues: dict[str, deque[dict[str, Any]]] = {}
        for source in sources:
            self.queues.setdefault(host_of(source.get("feed_url") or source["url"]), deque()).append(source)
        self.busy: set[str] = set()
        self.cond = threading.Condition()

    def take(self) -> tuple[str, dict[str, Any]] | None:
        with self.cond:
            while self.queues and not self.stop.is_set():
                now, soonest = time.monotonic(), float("inf")
                for host, waiting in self.queues.items():
                    if host in self.busy:
                        continue
                    ready = self.gate.ready_at(host)
                    if ready <= now or self.gate.blocked_for(host) > 0:  # a blocked host's sources are deferred at once
                        self.busy.add(host)
                        source = waiting.popleft()
                        if not waiting:
                            del self.queues[host]
                        return host, source
                    soonest = min(soonest, ready)
                self.cond.wait(timeout=min(1.0, max(0.001, soonest - now)))
            return None

    def done(self, host: str) -> None:
        with self.cond:
            self.busy.discard(host)
            self.cond.notify_all()


class Follower:
    """Polls due sources into ``target``'s store; ``stop`` ends the loop after the entry in hand."""

    def __init__(self, target: FollowTarget, *, lock: Any = None, stop: threading.Event | None = None) -> None:
        self.target = target
        self.settings = target.settings
        self.lock = lock if lock is not None else threading.Lock()
        self.stop = stop if stop is not None else threading.Event()
        self.gate = HostGate(float(self.settings.follow_host_delay_s))
        self.fetcher = PoliteFetcher(self.settings, self.gate)
        self.reader = FeedReader(self.settings, lambda: self.fetcher)
        self.rng = random.Random()

    def close(self) -> None:
        self.fetcher.close()

    # -- the loop ------------------------------------------------------------------------------------
    def due(self, every_one: bool = False) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(row) for row in self.target.db.due_sources(time.time(), every_one)]

    def run(self, on_poll: Callable[[PollResult], None] | None = None) -> None:
        """Poll due sources until ``stop`` is set, sleeping while none is due."""
        while not self.stop.is_set():
            polled = self.poll_round(on_poll=on_poll)
            with self.lock:
                next_due = self.target.db.next_source_due_at()
            wait = IDLE_CHECK_S if next_due is None else min(IDLE_CHECK_S, next_due - time.time())
            if wait > 0 or not polled:
                self.stop.wait(max(wait, 0.2))

    def poll_round(self, every_one: bool = False, on_poll: Callable[[PollResult], None] | None = None,
                   sources: list[dict[str, Any]] | None = None) -> list[PollResult]:
        """Poll each due source (each active one with ``every_one``) once; the results in the order handled."""
        sources = self.due(every_one) if sources is None else sources
        if not sources:
            return []
        plan = _RoundPlan(sources, self.gate, self.stop)
        answers: queue.Queue[FeedAnswer | None] = queue.Queue(maxsize=2 * int(self.settings.follow_concurrency))
        count = max(1, min(int(self.settings.follow_concurrency), len(plan.queues)))
        threads = [threading.Thread(target=self._fetch_loop, args=(plan, answers), name=f"follow-fetch-{n}",
                                    daemon=True) for n in range(count)]
        for thread in threads:
            thread.start()
        results: list[PollResult] = []
        running = len(threads)
        while running:
            answer = answers.get()
            if answer is None:
                running -= 1
            elif not self.stop.is_set():  # after a stop, answers in hand are left for the next run
                result = self._handle(answer)
                results.append(result)
                if on_poll is not None:
                    on_poll(result)
        for thread in threads:
            thread.join()
        return results

    def _fetch_loop(self, plan: _RoundPlan, answers: queue.Queue[FeedAnswer | None]) -> None:
        try:
            while (taken := plan.take()) is not None:
                host, source = taken
                try:
                    answer = fetch_feed(self.fetcher, source)
                finally:
                    plan.done(host)
                answers.put(answer)
        finally:
            answers.put(None)

    # -- one answer ----------------------------------------------------------------------------------
    def _handle(self, answer: FeedAnswer) -> PollResult:
        source = answer.source
        result = PollResult(source["id"], display_name(source), answer.kind, error=answer.error,
                            latency_ms=answer.latency_ms)
        page = answer.page
        if page is not None and answer.kind == "fetched" and answer.feed_url == source.get("feed_url") and (
                hashlib.sha256(page.body).hexdigest() == source.get("content_sha")):
            result.status = "not_modified"  # a server without validators sent the same feed again
        try:
            if result.status == "fetched":
                self._store_entries(answer, result)
            self._save(answer, result)
        except STORE_ERRORS:
            raise  # the store itself failing is no problem of this feed: stop, nothing is half written
        except Exception as exc:  # a bug on one feed must not end the loop for every other source
            log.warning("unexpected error polling %s", source["url"], exc_info=True)
            result.status, result.error = "error", f"unexpected error: {type(exc).__name__}: {exc}"
            self._save(FeedAnswer(source, "error", error=result.error), result)
        if result.status != "interrupted":
            self.target.after_poll(result)
        return result

    def _followed(self, doc: RawDoc, source: dict[str, Any], feed_url: str) -> RawDoc:
        """The source's name, language and country go into every article it brings."""
        doc.source = source.get("name") or doc.source or display_name(source)
        doc.lang_hint = source.get("lang") or doc.lang_hint
        if source.get("country"):
            doc.metadata["country"] = source["country"]
        doc.metadata["followed_source"] = source["id"]
        doc.metadata["feed"] = feed_url
        doc.origin = doc.url or doc.origin  # an entry's place in the feed changes from poll to poll
        return doc

    def _entry_keys(self, doc: RawDoc) -> tuple[list[str], Article | Reject]:
        probe = extract_stage.extract(doc, self.settings)  # no page yet: only normalises the entry's fields
        keys = [f"guid:{doc.id.strip()}"] if doc.id and doc.id.strip() else []
        canonical = extract_stage.canonical_url(doc.url)
        if canonical:
            keys.append(f"link:{canonical}")
        if isinstance(probe, Article):
            keys.append(f"hash:{probe.content_hash}")
        return keys, probe

    def _store_entries(self, answer: FeedAnswer, result: PollResult) -> None:
        assert answer.page is not None and answer.feed_url is not None
        source, page = answer.source, answer.page
        items = list(self.reader.entries(page.body, answer.feed_url, page.content_type or None))
        if len(items) == 1 and isinstance(items[0], Reject):
            empty = items[0].reason == NO_ENTRIES  # a feed may be empty for a while; a broken one is a failure
            result.status, result.error = ("ok", None) if empty else ("error", items[0].reason)
            return
        answer.source["feed_title"] = next((d.source for d in items if isinstance(d, RawDoc) and d.source), None)
        pending: list[tuple[RawDoc, list[str], str | None]] = []
        for item in items:
            if not isinstance(item, RawDoc):
                continue
            doc = self._followed(item, source, answer.feed_url)
            keys, probe = self._entry_keys(doc)
            article = probe if isinstance(probe, Article) else None
            with self.lock:
                handled = self.target.db.handled_entry(
                    keys, article.id if article else doc.id,
                    article.canonical_url if article else None, article.content_hash if article else None)
            if handled:
                result.known += 1
            else:
                pending.append((doc, keys, article.id if article else None))
        chunk_size = max(1, int(self.settings.enrich_batch))
        for start in range(0, len(pending), chunk_size):
            if not self._store_chunk(pending[start:start + chunk_size], source["id"], result):
                result.status = "interrupted"
                return
        result.status = "ok"

    def _store_chunk(self, chunk: list[tuple[RawDoc, list[str], str | None]], source_id: int,
                     result: PollResult) -> bool:
        """Fetch the pages a chunk of entries lacks, then store it; False when stopped part way."""
        docs: list[RawDoc | Reject] = []
        remembered: list[tuple[str, str | None]] = []
        for doc, keys, article_id in chunk:
            if self.stop.is_set():
                break
            completed = self.reader.complete(doc)
            docs.append(completed)
            # An entry refused because its page could not be fetched is tried again next time.
            if not (isinstance(completed, Reject) and not doc.text):
                remembered.extend((key, article_id) for key in keys)
        with self.lock:
            report = self.target.ingest_docs(docs)
            with self.target.db.transaction():
                self.target.db.remember_source_entries(source_id, remembered, _now_iso())
        result.added.extend(report.added)
        result.duplicates += len(report.duplicates)
        result.rejected.extend(report.rejected)
        return len(docs) == len(chunk)

    def _save(self, answer: FeedAnswer, result: PollResult) -> None:
        if result.status == "interrupted":
            return
        source, now = answer.source, time.time()
        at, day = _now_iso(), datetime.now(UTC).date().isoformat()
        db = self.target.db
        with self.lock, db.transaction():
            if result.status == "deferred":
                db.defer_source(source["id"], now + (answer.retry_after_s or 0.0), "deferred")
            elif result.status == "error":
                failures = int(source.get("consecutive_failures") or 0) + 1
                wait = backoff_s(failures, float(self.settings.follow_retry_s),
                                 float(self.settings.follow_max_backoff_s), self.rng)
                if answer.retry_after_s is not None:
                    wait = min(float(self.settings.follow_max_backoff_s), max(wait, answer.retry_after_s))
                poll = {"at": at, "day": day, "next_poll_at": now + wait, "error": result.error,
                        "latency_ms": answer.latency_ms}
                result.paused = db.save_poll_failure(source["id"], poll, int(self.settings.follow_pause_after))
            else:
                page = answer.page
                kept = page.headers if page is not None else {}
                unchanged = result.status == "not_modified"
                poll = {
                    "at": at, "day": day, "next_poll_at": now + int(source["every_s"]), "status": result.status,
                    "latency_ms": answer.latency_ms, "added": len(result.added),
                    "etag": kept.get("etag") or (source.get("etag") if unchanged else None),
                    "last_modified": kept.get("last-modified") or (source.get("last_modified") if unchanged else None),
                    "content_sha": source.get("content_sha") if unchanged or page is None
                    else hashlib.sha256(page.body).hexdigest(),
                    "feed_url": answer.feed_url, "feed_title": source.get("feed_title"),
                }
                db.save_poll_success(source["id"], poll)
                memory = timedelta(days=int(self.settings.follow_entry_memory_days))
                db.forget_source_entries_before(source["id"], (datetime.now(UTC) - memory).isoformat())


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


__all__ = ["FollowTarget", "Follower", "PollResult", "display_name"]
