"""What the server's modules share: its state (trackers, search engine, caches), the ASGI types, and
the error envelope's body.  The application (``app.py``) and its routers import this, never each
other, so the package has no import cycle.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from fastapi import Request

from ..search import SearchEngine
from ..settings import Settings
from ..store import STORE_ERRORS, Store, open_store
from ..tracker import Tracker

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    500: "internal_error",
    502: "fetch_failed",
    503: "store_unavailable",
}

_SUMMARY_CACHE_SIZE = 256
_CARDS = 50_000  # event cards kept: every event of a 100k-article store's recent months
# How long an event card (its gist's entity names) may be reused while its event is unchanged: names
# an entity gains from articles of other events, or an entity merge, show on the card by then.
CARD_MAX_AGE_S = 300.0


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class StoreVersion:
    """The store's version as seen through one private store handle; it moves on every commit."""

    # It is read on the event loop: a store busy for longer (a crashed writer's log being
    # recovered) makes the answer uncached for that request, never the loop wait.
    BUSY_TIMEOUT_MS = 100

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = db_path
        self._db: Store | None = None
        self._lock = threading.Lock()

    def current(self) -> int | None:
        """The version, or None when the store cannot say right now."""
        with self._lock:
            try:
                if self._db is None:
                    self._db = open_store(self.db_path, busy_timeout_ms=self.BUSY_TIMEOUT_MS)
                return self._db.data_version()
            except STORE_ERRORS as exc:
                log.warning("store version unavailable, answering without the cache: %s", exc)
                return None

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


class EventCards:
    """What an event's card adds to the event's summary (outlets, the gist's entities), per event.

    Kept while the event's coverage (articles, languages, outlets: the key) is the same and for
    at most ``CARD_MAX_AGE_S``, not per store version: a commit then recomputes only the cards of
    the events it changed, where an entity's page (hundreds of events) would otherwise be computed
    anew after each article an ingest stores."""

    def __init__(self, size: int = _CARDS, max_age_s: float = CARD_MAX_AGE_S) -> None:
        self.size = size
        self.max_age_s = max_age_s
        self._cards: OrderedDict[tuple[Any, ...], tuple[float, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], dict[str, Any]]:
        """The fresh cards among ``keys``."""
        oldest = time.monotonic() - self.max_age_s
        found = {}
        with self._lock:
            for key in keys:
                held = self._cards.get(key)
                if held is not None and held[0] >= oldest:
                    self._cards.move_to_end(key)
                    found[key] = held[1]
        return found

    def put(self, cards: dict[tuple[Any, ...], dict[str, Any]]) -> None:
        now = time.monotonic()
        with self._lock:
            for key, card in cards.items():
                self._cards[key] = (now, card)
                self._cards.move_to_end(key)
            while len(self._cards) > self.size:
                self._cards.popitem(last=False)

    def __len__(self) -> int:
        return len(self._cards)


class ServerState:
    """What every request shares: settings, per-thread readers, the writer, search and caches."""

    def __init__(self, settings: Settings, host: str, writer: Tracker | None = None) -> None:
        self.settings = settings
        self.host = host
        self.write_lock = threading.Lock()
        self._writer = writer
        self._writer_guard = threading.Lock()
        self._local = threading.local()
        self._readers: list[Tracker] = []
        self._readers_lock = threading.Lock()
        # The search engine borrows the writer's embedder so the models load once per process.
        self.search_engine = SearchEngine(settings, embedder=lambda: self.writer.enricher.embedder)
        self.summaries: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self.summaries_lock = threading.Lock()
        self.cards = EventCards()
        self._delivery: Tracker | None = None
        self._delivery_lock = threading.Lock()
        self.version = StoreVersion(settings.db_path)
        # Set once the models a first search needs are loaded (``/api/ready`` answers 200 from then).
        self.ready = threading.Event()
        self.warmed: list[str] = []
        self.follow_stop = threading.Event()
        self._follower: threading.Thread | None = None

    def start_following(self) -> None:
        """Poll the followed sources in a background thread, storing through the writer under the
        write lock (the store has one writer); ``close`` stops it after the article in hand."""

        def follow() -> None:
            try:
                self.writer.follow(stop=self.follow_stop, lock=self.write_lock)
            except Exception:  # the server stays up without its follower; the log says why
                log.exception("the follow loop stopped")

        self._follower = threading.Thread(target=follow, name="follow", daemon=True)
        self._follower.start()

    @property
    def writer(self) -> Tracker:
        with self._writer_guard:
            if self._writer is None:
                self._writer = Tracker(settings=self.settings)
            return self._writer

    def reader(self) -> Tracker:
        """This thread's tracker (one SQLite connection per worker thread)."""
        tracker: Tracker | None = getattr(self._local, "tracker", None)
        if tracker is None:
            tracker = Tracker(settings=self.settings)
            tracker.search_engine = self.search_engine
            self._local.tracker = tracker
            with self._readers_lock:
                self._readers.append(tracker)
        return tracker

    def private_store(self) -> Store:
        """A private store handle for a long-lived reader (the live stream)."""
        return open_store(self.settings.db_path, busy_timeout_ms=self.settings.busy_timeout_ms,
                          pool_size=self.settings.db_pool_size)

    def cached_summary(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        with self.summaries_lock:
            if key in self.summaries:
                self.summaries.move_to_end(key)
                return self.summaries[key]
        value = compute()
        with self.summaries_lock:
            self.summaries[key] = value
            while len(self.summaries) > _SUMMARY_CACHE_SIZE:
                self.summaries.popitem(last=False)
        return value

    def deliver_alerts(self) -> dict[str, list[int]]:
        """Deliver the due webhook alerts once, one delivery round at a time, over a connection of
        its own: a slow receiver then holds up neither readers nor the writer."""
        with self._delivery_lock:
            if self._delivery is None:
                self._delivery = Tracker(settings=self.settings)
            return self._delivery.deliver_alerts()

    def deliver_until(self, stop: threading.Event) -> None:
        """The background delivery of ``storyweave serve``: a round every ``alert_deliver_every_s``."""
        pause = float(self.settings.alert_deliver_every_s)
        while not stop.wait(pause):
            try:
                self.deliver_alerts()
            except Exception:  # a store briefly locked or unreadable: the next round tries again
                log.exception("alert delivery round failed")

    def close(self) -> None:
        self.follow_stop.set()
        if self._follower is not None:
            self._follower.join(timeout=float(self.settings.fetch_total_timeout_s) + 5)
        with self._delivery_lock:
            if self._delivery is not None:
                self._delivery.close()
                self._delivery = None
        with self._readers_lock:
            for tracker in self._readers:
                tracker.close()
            self._readers.clear()
        self.search_engine.close()
        self.version.close()


def server_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.storyweave
    return state


def error_body(status: int, message: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"code": code or _CODES.get(status, "error"), "message": message, "status": status}}
