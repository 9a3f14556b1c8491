"""What the assigner and consolidation share: the event index, member profiles, and event rows.

``EventState`` holds the in-memory side of the store's events (the centroid index and a cache of
member profiles) and the operations both online assignment and consolidation need: which members
represent an event, which indexed events are candidates for a comparison, and how an event's
stored row (title, dates, centroid, span) is kept in step.

The index holds the ``event_index_kept`` events most recently changed (joined, created, merged
into); the rest stay in the store.  Before a decision reads the index, the events out of memory
that the decision's event window may reach are read back (``recall``); after it, the index is
trimmed back to the same events a rebuild from the store would hold (``trim``), so decisions do not
depend on whether the writer restarted.  Storyline windows (``storyline_window_days``) read back
nothing: a storyline is continued from the events the index holds.  ``Assigner`` extends it with the
per-article decisions; ``consolidate`` works on it directly, so neither imports the other.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import numpy as np

from ..pairs.features import ArticleProfile
from ..settings import Settings
from ..store import Store
from ..store.base import Row
from ..store.events import from_blob, to_blob
from ..summarize import headline
from .index import CentroidIndex, EventSpan, Evicted, day_number, happening_range, unit
from .members import MemberCache
from .scoring import PairScoring, load_scorer

T = TypeVar("T")

_FIT_INPUTS_KEPT = 4096  # events whose storyline-fit inputs stay in memory (about 2 kB each)
# Events whose stored row and centroids stay in memory between reads (about 3 kB each): a decision
# reads the same few events' rows several times (join, reindex, storyline fits, consolidation), and
# on PostgreSQL each read is a round trip.
_EVENTS_KEPT = 4096
# Storyline fits' pooled inputs kept (``storylines._pool``: up to 8 centroids each, about 16 kB).
_POOLS_KEPT = 512

log = logging.getLogger(__name__)


class RecallWatch:
    """Tells, once, when the index's bound is too small for the event windows.

    A well-sized bound reads events back rarely (a late article, a backfill).  When most decisions
    read events back, the windows reach more events than the index keeps: every article then pays
    store reads for the same events, and the writer slows many times over while its memory stays
    flat, so nothing else would show it.
    """

    def __init__(self, kept: int, decisions: int = 1000, share: float = 0.5) -> None:
        self.kept = kept
        self.recent: deque[bool] = deque(maxlen=decisions)
        self.share = share
        self.warned = False

    def record(self, read_back: int) -> None:
        self.recent.append(read_back > 0)
        if self.warned or len(self.recent) < (self.recent.maxlen or 0):
            return
        reading = sum(self.recent)
        if reading >= self.share * len(self.recent):
            self.warned = True
            log.warning(
                "event_index_kept = %d is too small for the event windows: %d of the last %d decisions read "
                "events back from the store, which slows the writer; raise event_index_kept (about 3 kB an event)",
                self.kept, reading, len(self.recent),
            )


class EventState:
    def __init__(self, conn: Store, settings: Settings, scorer: PairScoring | None = None) -> None:
        self.conn = conn
        self.settings = settings
        self._scorer = scorer
        self._scorer_lock = threading.Lock()  # the writer may load it ahead, from another thread
        self.model: str = settings.event_index_model
        self.members = MemberCache(conn)
        self.index: CentroidIndex | None = None
        self.kept = max(1, int(settings.event_index_kept))
        # (touched, seq) of the oldest event the index holds when others are out of memory: those
        # are exactly the events below it (``None``: the index holds every event).
        self._boundary: tuple[int, int] | None = None
        self._evicted = Evicted()
        self.recall_watch = RecallWatch(self.kept)
        self._fit_inputs: dict[str, tuple[np.ndarray | None, int]] = {}
        # Storyline fits' pooled inputs by the recent events they pool (``storylines._pool``), each
        # with the ``fit_inputs`` it was computed from: valid while those are still the ones given.
        self.storyline_pools: dict[tuple[str, ...], tuple[tuple[Any, ...], Any]] = {}
        self._rows: dict[str, Row] = {}
        self._centroids: dict[str, dict[str, np.ndarray]] = {}

    @property
    def scorer(self) -> PairScoring:
        with self._scorer_lock:
            if self._scorer is None:
                self._scorer = load_scorer()
            return self._scorer

    def warm_up(self) -> None:
        """Load what the first assignment needs (the pair scorer), so it need not wait for it."""
        _ = self.scorer

    def ensure_index(self, vector: np.ndarray) -> CentroidIndex:
        if self.index is None:
            self.index = CentroidIndex(len(vector))
        return self.index

    def candidates(
        self,
        neighbours: list[tuple[int, float]],
        accept: Callable[[EventSpan], bool],
        *,
        min_cosine: float,
        exclude: int | None = None,
    ) -> list[tuple[int, float, EventSpan]]:
        """The indexed events worth scoring: up to ``event_candidates`` of ``neighbours`` (most
        similar first) with a centroid cosine of at least ``min_cosine`` whose span ``accept``s."""
        if self.index is None:
            return []
        chosen: list[tuple[int, float, EventSpan]] = []
        for key, cosine in neighbours:
            if len(chosen) >= self.settings.event_candidates or cosine < min_cosine:
                break
            span = self.index.spans.get(key)
            if key != exclude and span is not None and accept(span):
                chosen.append((key, cosine, span))
        return chosen

    # -- stored events, as this writer last read or wrote them -------------------------------------------
    def event_row(self, event_id: str) -> Row:
        """The stored row of an event that exists, read once until the event changes (``changed``)
        or the store does (``forget_events``)."""
        found = self._rows.get(event_id)
        if found is None:
            found = _keep(self._rows, event_id, self.conn.event_row(event_id))
        return found

    def centroids(self, event_id: str) -> dict[str, np.ndarray]:
        """An event's stored centroids per model (a fresh dict: callers update it), kept as ``event_row``."""
        found = self._centroids.get(event_id)
        if found is None:
            found = _keep(self._centroids, event_id, self.conn.get_centroids(event_id))
        return dict(found)

    def set_centroids(self, event_id: str, centroids: dict[str, np.ndarray]) -> None:
        """Store an event's centroids and keep them as a read would give them back (float32 bits)."""
        self.conn.set_centroids(event_id, centroids)
        self._centroids.pop(event_id, None)
        _keep(self._centroids, event_id, {model: from_blob(to_blob(v)) for model, v in centroids.items()})

    def changed(self, *event_ids: str) -> None:
        """The rows of ``event_ids`` were written (or deleted): read them again when next asked."""
        for event_id in event_ids:
            self._rows.pop(event_id, None)
            self._fit_inputs.pop(event_id, None)

    def removed(self, event_id: str) -> None:
        """The event was merged away: nothing of it is stored any more."""
        self.changed(event_id)
        self._centroids.pop(event_id, None)

    def storylines_moved(self) -> None:
        """Events changed storyline (a storyline moved into another): every kept row may be stale."""
        self._rows.clear()

    def representatives(self, event_id: str) -> list[ArticleProfile]:
        row = self.event_row(event_id)
        ids = [row["rep_article_id"]]
        if row["last_article_id"] != row["rep_article_id"]:
            ids.append(row["last_article_id"])
        return [self.members.get(i) for i in ids]

    def text_told(self, event_id: str) -> bool:
        """Does the event's text tell its headline (``pairs.terms.title_grounding`` of its
        representative or latest member at least ``wrapper_title_grounding``)?  Not when the
        text is a site's wrapper (``scoring.SharedWrapper``)."""
        least = self.settings.wrapper_title_grounding
        return any(p.title_grounding >= least for p in self.representatives(event_id))

    def comparison_members(self, event_ids: list[str]) -> list[list[ArticleProfile]]:
        """Per event, the members a new article is scored against: the representative first
        (``EventFit`` reads its score), then the latest ones (bounded, so a large event costs no
        more than a small one).  Read for all the candidate events in one statement."""
        found = self.conn.comparison_member_ids(event_ids, self.settings.event_compare_members)
        groups = []
        for event_id in event_ids:
            rep, latest = found[event_id]
            groups.append([self.members.get(i) for i in [rep, *(i for i in latest if i != rep)]])
        return groups

    def nearer_to_centroid(self, current: str, candidate: str, centroids: dict[str, np.ndarray]) -> str:
        centroid = centroids.get(self.model)
        if centroid is None:
            return current
        target = unit(centroid)
        mine = self.members.get(current).vectors.get(self.model)
        theirs = self.members.get(candidate).vectors.get(self.model)
        if theirs is None:
            return current
        if mine is None or float(unit(theirs) @ target) > float(unit(mine) @ target) + 1e-9:
            return candidate
        return current

    def fit_inputs(self, event_id: str) -> tuple[np.ndarray | None, int]:
        """An event's unit centroid (of the index model) and article count, as storyline fits read
        them: each decision reads those of dozens of events, mostly the same from one article to
        the next.  Kept until the event changes (``reindex``) or the store does (``forget_events``),
        bounded to the most recently read."""
        found = self._fit_inputs.get(event_id)
        if found is None:
            vector = self.centroids(event_id).get(self.model)
            count = self.event_row(event_id)["article_count"] if vector is not None else 0
            found = (unit(vector) if vector is not None else None, count)
            if len(self._fit_inputs) >= _FIT_INPUTS_KEPT:
                del self._fit_inputs[next(iter(self._fit_inputs))]
            self._fit_inputs[event_id] = found
        return found

    def keep_storyline_pool(self, recent: tuple[str, ...], pool: tuple[tuple[Any, ...], Any]) -> None:
        if len(self.storyline_pools) >= _POOLS_KEPT:
            del self.storyline_pools[next(iter(self.storyline_pools))]
        self.storyline_pools[recent] = pool

    def forget_events(self) -> None:
        self.storyline_pools.clear()
        self._fit_inputs.clear()
        self._rows.clear()
        self._centroids.clear()

    def reindex(self, event_id: str) -> None:
        """Mirror an event's stored centroid and span into the in-memory index."""
        self.changed(event_id)
        row = self.event_row(event_id)
        centroid = self.centroids(event_id).get(self.model)
        if centroid is not None:
            self.ensure_index(centroid).put(row["seq"], centroid, span_of(self.conn, row), row["touched"])
        elif self.index is not None and row["seq"] in self.index.spans:
            self.index.set_span(row["seq"], span_of(self.conn, row), row["touched"])

    # -- the index's bound ---------------------------------------------------------------------------
    def load_index(self, *, everything: bool = False) -> None:
        """Read the index from the store: the ``event_index_kept`` most recently changed events, or
        every event (a full consolidation compares every event with all of its neighbours)."""
        self.index = None
        self._boundary = None if everything else self.conn.index_boundary(self.model, self.kept)
        for row in self.conn.iter_event_index_rows(self.model, self._boundary):
            self._hold(row)
        self._evicted = Evicted()
        if self._boundary is not None:
            first, last, last_seq = self.conn.evicted_extent(self.model, self._boundary)
            # Which of them have no days is not asked: counting them all as undated only reads more.
            self._evicted = Evicted(day_number(first), day_number(last), last_seq, last_seq)

    def _hold(self, row: Row) -> None:
        vector = from_blob(row["vector"])
        self.ensure_index(vector).put(row["seq"], vector, span_of(self.conn, row), row["touched"])

    def recall(self, first_day: int | None, last_day: int | None, since_seq: int, *, firm: bool) -> None:
        """Read back into the index the events out of memory that an event window may reach: days
        within ``event_window_days`` of ``first_day``..``last_day``, or changed by an article at or
        after ``since_seq`` (ingest order, the clock of undated text and of estimated days; with
        ``firm`` days, only events without days go by it).  They stay until ``trim``."""
        index = self.index
        days = self.settings.event_window_days
        if self._boundary is None or index is None:
            return
        if not self._evicted.may_reach(first_day, last_day, days, since_seq, firm=firm):
            self.recall_watch.record(0)
            return
        first_date = last_date = None
        if first_day is not None and last_day is not None:
            first_date = iso_day(max(1, first_day - days))
            last_date = iso_day(min(date.max.toordinal(), last_day + days))
        rows = self.conn.evicted_index_rows(
            self.model,
            self._boundary,
            since_seq=since_seq,
            first_date=first_date,
            last_date=last_date,
            undated_by_order=firm and first_date is not None,
        )
        read_back = 0
        for row in rows:
            if row["seq"] not in index.spans:
                self._hold(row)
                read_back += 1
        self.recall_watch.record(read_back)

    def trim(self) -> None:
        """Evict the least recently changed events past ``event_index_kept``, and those read back
        and left unchanged; then fill up from the newest events out of memory when merges made
        room.  The index then holds what a rebuild from the store would."""
        index = self.index
        if index is None:
            return
        out = self._boundary is not None  # some event is out of memory
        while (oldest := index.oldest()) is not None and (
            len(index) > self.kept or (self._boundary is not None and oldest < self._boundary)
        ):
            self._evicted.add(index.spans[oldest[1]])
            index.remove(oldest[1])
            out = True
        if not out:
            return
        self._boundary = index.oldest()
        if len(index) < self.kept and self._boundary is not None:
            missing = self.kept - len(index)
            rows = self.conn.newest_index_rows_below(self.model, self._boundary, missing)
            for row in rows:
                self._hold(row)
            if len(rows) < missing:  # nothing is left out of memory
                self._boundary, self._evicted = None, Evicted()
            else:
                self._boundary = index.oldest()



def _keep(kept: dict[str, T], event_id: str, value: T) -> T:
    """Keep ``value`` for ``event_id``, dropping the longest kept past ``_EVENTS_KEPT``."""
    if len(kept) >= _EVENTS_KEPT:
        del kept[next(iter(kept))]
    kept[event_id] = value
    return value


def iso_day(day: int | None) -> str | None:
    return date.fromordinal(day).isoformat() if day is not None else None


def event_dates(conn: Store, event_id: str, settings: Settings) -> dict[str, str | None]:
    """An event's ``first_date`` and ``last_date`` from its members' days (``happening_range``)."""
    first, last = happening_range(conn.member_days(event_id), settings.event_window_days)
    return {"first_date": iso_day(first), "last_date": iso_day(last)}


def span_of(conn: Store, row: Row) -> EventSpan:
    try:
        firm = row["firm"]
    except IndexError:  # a plain events row: ask the store
        firm = conn.event_has_publication_date(row["id"])
    return EventSpan(
        event_id=row["id"],
        first_day=day_number(row["first_date"]),
        last_day=day_number(row["last_date"]),
        first_seq=row["first_seq"],
        last_seq=row["last_seq"],
        firm=bool(firm),
    )


def title_fields(conn: Store, article_id: str) -> dict[str, str]:
    """An event's title and language: its representative article's title (else the opening of its
    text), cut to a headline."""
    title, opening, lang = conn.title_and_opening(article_id)
    return {"title": headline(title.strip() or opening), "lang": lang}
