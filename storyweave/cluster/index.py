"""Approximate nearest-neighbour search over event centroids, restricted to a time window.

Events live in one usearch index keyed by ``events.seq``; next to it a small record per event
(its date range and ingest-order range) lets a search keep only the events inside an article's
window.  Small indexes are searched exactly, which keeps results independent of the order in
which the graph was built: a store reopened after a crash then answers exactly as before.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date

import numpy as np
from usearch.index import Index

# Below this many events an exact scan is cheap (well under a millisecond per query) and
# reproducible whatever the history of the index; above it the HNSW graph keeps queries sub-linear.
_EXACT_BELOW = 20_000


def day_number(value: str | None) -> int | None:
    """Days since 0001-01-01 of an ISO date or datetime; ``None`` when absent or unreadable."""
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


@dataclass(slots=True)
class EventSpan:
    """Where an event sits in time: publication days (when known) and ingest order."""

    event_id: str
    first_day: int | None
    last_day: int | None
    first_seq: int
    last_seq: int
    # A member carries a publication date (not merely one estimated from the dates its text names).
    firm: bool = False

    def within(self, day: int | None, seq: int, window_days: int, window_articles: int, *, firm: bool) -> bool:
        """Is this event close enough in time to an article placed at ``day``, ingested ``seq``?

        ``firm`` says the article's day is its publication date rather than one estimated from the
        dates its text names.  Days decide when at least one side has a publication date.  Two
        estimates never rule each other out, and ingest order (the only clock undated text has)
        decides between them: news texts name background dates (last year's vote, an
        anniversary), so two reports of one event often get estimates far apart.  In semeval-dev,
        where no article has a publication date, ruling events out by estimates kept true
        partners that the scorer matches easily in separate events (cluster F1 0.841 -> 0.856).
        """
        if day is not None and self.first_day is not None and self.last_day is not None:
            if self.last_day >= day - window_days and self.first_day <= day + window_days:
                return True
            if firm or self.firm:
                return False
        return self.last_seq >= seq - window_articles

    def admits_undated(self) -> bool:
        """May an article with no date evidence at all join this event?

        Only when no member has a publication date: such an article could be from any time, and
        putting it into an event whose time is known would be a guess that ingest order alone
        (a folder of undated files, a backfill) cannot support.
        """
        return not self.firm or self.first_day is None

    def near(self, other: EventSpan, window_days: int, window_articles: int, *, days_decide: bool = False) -> bool:
        """Do two events lie within the window of each other?  As ``within``: days decide when
        either event has a publication date (or ``days_decide``); two estimates never rule each
        other out otherwise.

        An event without any date is not near an event with publication dates (``admits_undated``).
        """
        if (self.first_day is None and not other.admits_undated()) or (
            other.first_day is None and not self.admits_undated()
        ):
            return False
        if None not in (self.first_day, self.last_day, other.first_day, other.last_day):
            assert self.first_day is not None and self.last_day is not None
            assert other.first_day is not None and other.last_day is not None
            if other.last_day >= self.first_day - window_days and other.first_day <= self.last_day + window_days:
                return True
            if self.firm or other.firm or days_decide:
                return False
        return other.last_seq >= self.first_seq - window_articles and other.first_seq <= self.last_seq + window_articles


_RECALLED_DAYS = 366  # an estimated day this long before an event's latest one is a recalled past


def happening_range(days: list[tuple[int, bool]], window_days: int) -> tuple[int | None, int | None]:
    """An event's first and last day from its members' (day, is-publication-date) pairs.

    Publication dates, when any member has one, else the days estimated from the texts; days more
    than ``window_days`` from their median are left out, so one report dated by a date it recalls
    (a birth, last year's vote) does not stretch the event over years.  Estimated days more than a
    year before the latest are left out first: news reports the present, and a text that names
    only the past it recalls ("the revolution of 1 January 1959") must not outvote the reports
    dated by what happened this week.
    """
    firm = [d for d, is_firm in days if is_firm]
    pool = sorted(firm or [d for d, _ in days])
    if not pool:
        return None, None
    if not firm:
        pool = [d for d in pool if pool[-1] - d <= _RECALLED_DAYS]
    # The upper median: every member gives two days (its first and last), so one of two members is
    # half the pool, and when two members disagree by more than the window the later one is the
    # happening (a report dated by a day the other recalls, or an earlier happening's report that
    # joined it: a suspected case on 27 January beside the first confirmed case on 29 February).
    median = pool[len(pool) // 2]
    kept = [d for d in pool if abs(d - median) <= window_days]
    return kept[0], kept[-1]


def unit(vector: np.ndarray) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


class CentroidIndex:
    """Event centroids (unit vectors) plus the span of each event, and when each was last changed
    (``touched``), so the least recently changed can be evicted first."""

    def __init__(self, ndim: int) -> None:
        self.ndim = ndim
        self._index = Index(ndim=ndim, metric="cos", dtype="f32")
        self.spans: dict[int, EventSpan] = {}
        self._touched: dict[int, int] = {}
        # (touched, key), one pushed per change: entries whose touched is no longer the key's are
        # skipped when met, and the heap is rebuilt when they outnumber the live ones.
        self._order: list[tuple[int, int]] = []

    def __len__(self) -> int:
        return len(self.spans)

    def put(self, key: int, vector: np.ndarray, span: EventSpan, touched: int) -> None:
        if key in self.spans and self._index.contains(key):
            self._index.remove(key)
        self._index.add(key, unit(vector), threads=1)
        self.set_span(key, span, touched)

    def set_span(self, key: int, span: EventSpan, touched: int) -> None:
        self.spans[key] = span
        if self._touched.get(key) != touched:
            self._touched[key] = touched
            heapq.heappush(self._order, (touched, key))
            if len(self._order) > 2 * len(self._touched) + 1024:
                self._order = [(t, k) for k, t in self._touched.items()]
                heapq.heapify(self._order)

    def remove(self, key: int) -> None:
        if key in self.spans:
            del self.spans[key]
            del self._touched[key]
            if self._index.contains(key):
                self._index.remove(key)

    def oldest(self) -> tuple[int, int] | None:
        """``(touched, key)`` of the least recently changed event held, or ``None`` when empty."""
        while self._order:
            touched, key = self._order[0]
            if self._touched.get(key) == touched:
                return touched, key
            heapq.heappop(self._order)
        return None

    def search(self, vector: np.ndarray, count: int) -> list[tuple[int, float]]:
        """Up to ``count`` (key, cosine) pairs, most similar first, ties by creation order."""
        if not self.spans:
            return []
        exact = len(self.spans) < _EXACT_BELOW
        matches = self._index.search(unit(vector), min(count, len(self.spans)), exact=exact, threads=1)
        found = [(int(k), 1.0 - float(d)) for k, d in zip(matches.keys, matches.distances, strict=True)]
        found = [(k, cos) for k, cos in found if k in self.spans]
        return sorted(found, key=lambda kc: (-round(kc[1], 6), kc[0]))


@dataclass
class Evicted:
    """Where in time the events out of memory lie, bounded loosely (earliest day, latest day, latest
    ``last_seq`` over all of them and over those without days): a window outside these needs
    nothing read back from the store."""

    first_day: int | None = None
    last_day: int | None = None
    last_seq: int | None = None
    undated_last_seq: int | None = None

    def add(self, span: EventSpan) -> None:
        self.last_seq = _later(self.last_seq, span.last_seq)
        if span.first_day is None or span.last_day is None:
            self.undated_last_seq = _later(self.undated_last_seq, span.last_seq)
            return
        self.first_day = span.first_day if self.first_day is None else min(self.first_day, span.first_day)
        self.last_day = span.last_day if self.last_day is None else max(self.last_day, span.last_day)

    def may_reach(
        self, first_day: int | None, last_day: int | None, window_days: int, since_seq: int, *, firm: bool
    ) -> bool:
        """May an evicted event lie within ``window_days`` of ``first_day``..``last_day``, or have been
        changed by an article at or after ``since_seq``?  With ``firm`` days (publication dates),
        ingest order matters only for events without days (``EventSpan.within``)."""
        by_order = self.undated_last_seq if firm and first_day is not None else self.last_seq
        if by_order is not None and by_order >= since_seq:
            return True
        if first_day is None or last_day is None or self.first_day is None or self.last_day is None:
            return False
        return self.last_day >= first_day - window_days and self.first_day <= last_day + window_days


def _later(known: int | None, seq: int) -> int:
    return seq if known is None else max(known, seq)
