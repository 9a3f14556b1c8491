"""Storylines: link an event to the storyline it continues, by its fit to the whole storyline.

An event continues a storyline when it is close in time to the storyline's recent events and fits
the storyline as a whole, not just one of its events:

* its centroid is related to the centroid of the storyline's recent events
  (``storyline_min_cosine``), and
* it shares *distinctive* actors with them: shared entities count by their rarity across events
  (an inverse document frequency), a shared person or organisation is required, the weights must
  add up to ``storyline_min_weight`` and to ``storyline_min_overlap`` of the smaller side's whole
  weight.  One shared common entity (a country, a head of state named in a tenth of the news) is
  never enough on its own.

A very high cosine to one of the storyline's recent events (``storyline_strong_cosine``) also links,
for stores run without the entity stage, unless both sides name entities and share none: reports
written in one template about other places (two districts' police reports) read alike.

Linking event to event instead, as before, let storylines chain: each link looked plausible, and
one storyline ended up holding 46% of a corpus spanning a century, held together by Trump, Germany
and a few wrong entity merges.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .index import EventSpan, unit
from .state import EventState

_ACTOR_TYPES = frozenset({"person", "organisation"})
# Recent events of a storyline that a candidate is compared with: bounded, so a long storyline
# costs no more than a short one, and it is what the story is about *now* that must fit.
_RECENT_EVENTS = 8


@dataclass
class StorylineFit:
    storyline_id: str
    cosine: float  # to the centroid of the storyline's recent events
    best_cosine: float  # to the nearest of them
    weight: float  # rarity-weighted shared entities
    actors: int  # shared people and organisations that are not common
    overlap: float  # the shared weight over the smaller side's whole weight
    nearest: str = ""  # the recent event of the best cosine
    disjoint: bool = False  # both sides name entities and share none

    def links(self, assigner: EventState) -> bool:
        settings = assigner.settings
        # Without entities (a store run without the entity stage, a text naming none) only the
        # words can tell.  Two texts that both name their people and places and share none are
        # the same kind of news about other things: two districts' police reports, read alike.
        if self.best_cosine >= settings.storyline_strong_cosine and not self.disjoint:
            return True
        return (
            self.cosine >= settings.storyline_min_cosine
            and self.actors >= 1
            and self.weight >= settings.storyline_min_weight
            and self.overlap >= settings.storyline_min_overlap
        )

    def strength(self) -> tuple[float, float]:
        return (self.weight * self.cosine, self.best_cosine)


# A store with few events yet cannot tell a common entity from a rare one; until it has this many,
# it counts as if it had them (an entity named by two of its first ten events is not common).
_MIN_EVENTS_FOR_RARITY = 200


class _Rarity:
    """Inverse event frequency of entities: log(events / events naming it), each read once for
    one decision (the candidate storylines of one event share most of their entities)."""

    def __init__(self, assigner: EventState) -> None:
        self.conn = assigner.conn
        self.total: int | None = None
        self.known: dict[str, float] = {}

    def of(self, entity_ids: set[str]) -> dict[str, float]:
        missing = entity_ids - self.known.keys()
        if missing:
            if self.total is None:
                self.total = max(_MIN_EVENTS_FOR_RARITY, self.conn.event_total())
            counts = self.conn.entity_event_counts(missing)
            for e in missing:
                self.known[e] = math.log((self.total + 1) / (counts.get(e, 0) + 1))
        return {e: self.known[e] for e in entity_ids}


def _pool(assigner: EventState, recent: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, list[str]] | None:
    """The unit centroids of the ``recent`` events that have one (stacked), their pooled unit centroid
    and their ids; ``None`` when none has a centroid.  A pure function of the events' fit inputs,
    kept while each of them is the one ``fit_inputs`` gives (the next events weigh the same
    storylines again): only their cosines to each new event are computed anew."""
    inputs = tuple(assigner.fit_inputs(event_id) for event_id in recent)
    kept = assigner.storyline_pools.get(recent)
    if kept is not None and all(a is b for a, b in zip(kept[0], inputs, strict=True)):
        return kept[1]
    used = [(event_id, vector, count) for event_id, (vector, count) in zip(recent, inputs, strict=True)
            if vector is not None]
    pool = None
    if used:
        stacked = np.stack([vector for _, vector, _ in used])
        # np.average's own arithmetic (float64 products summed over rows, over the weights' sum),
        # without its checks: this runs for every candidate storyline of every new event.
        scale = np.asarray([count for _, _, count in used], dtype=np.float64)
        pooled = unit(np.multiply(stacked, scale[:, None], dtype=np.float64).sum(axis=0) / scale.sum())
        pool = (stacked, pooled, [event_id for event_id, _, _ in used])
    assigner.keep_storyline_pool(recent, (inputs, pool))
    return pool


def _fit(
    assigner: EventState,
    storyline_id: str,
    entities: dict[str, str],
    mine: np.ndarray,
    latest: list[str],
    exclude: str | None,
    rarities: _Rarity,
) -> StorylineFit | None:
    """How the event (``mine``: its unit centroid) fits the storyline whose ``latest`` events (most
    recent first, one more than ``_RECENT_EVENTS``, ``exclude`` among them maybe) it is compared with."""
    conn = assigner.conn
    recent = tuple(e for e in latest if e != exclude)[:_RECENT_EVENTS]
    pool = _pool(assigner, recent)
    if pool is None:
        return None
    stacked, pooled, compared = pool
    cosines = stacked @ mine
    cosine, best = float(pooled @ mine), float(cosines.max())
    nearest = compared[int(cosines.argmax())]
    settings = assigner.settings
    if cosine < settings.storyline_min_cosine and best < settings.storyline_strong_cosine:
        # Too far to link whatever the entities say: most candidates end here, unread.
        return StorylineFit(storyline_id, cosine, best, 0.0, 0, 0.0, nearest)
    theirs: dict[str, str] = {}
    for event_id in recent:
        for entity_id, kind in conn.event_entity_ids(event_id).items():
            theirs.setdefault(entity_id, kind)
    shared = entities.keys() & theirs.keys()
    if not shared:  # nothing shared weighs nothing, however rare
        disjoint = bool(entities) and bool(theirs)
        return StorylineFit(storyline_id, cosine, best, 0.0, 0, 0.0, nearest, disjoint)
    rarity = rarities.of(entities.keys() | theirs.keys())
    common = settings.storyline_common_rarity
    actors = len(
        [e for e in shared if (entities[e] in _ACTOR_TYPES or theirs[e] in _ACTOR_TYPES) and rarity[e] >= common]
    )
    weight = sum(rarity[e] for e in shared)
    # Two police reports from one district share its police station and little else: what they
    # share must be a fair part of what either is about.  Two stories about one subject (a footballer
    # and his clubs, OPEC and the Brent price) share that subject's names, about a third of what
    # either names; a continuation shares its circumstances too (``storyline_min_overlap``).
    smaller = min(sum(rarity[e] for e in entities), sum(rarity[e] for e in theirs))
    overlap = weight / smaller if smaller > 0 else 0.0
    return StorylineFit(storyline_id, cosine, best, weight, actors, overlap, nearest)


def continued_storyline(
    assigner: EventState,
    entities: dict[str, str],
    centroid: np.ndarray | None,
    neighbours: list[tuple[int, float]],
    in_window: Callable[[EventSpan], bool],
    exclude: int | None,
    text_told: bool = True,
) -> str | None:
    """The storyline the event (its entities and centroid) continues best, or ``None``.

    ``neighbours`` are (index key, centroid cosine) pairs, most similar first: the storylines of
    those inside the time window are the candidates.
    """
    if assigner.index is None or centroid is None:
        return None
    excluded_event = assigner.index.spans[exclude].event_id if exclude in assigner.index.spans else None
    own = assigner.event_row(excluded_event)["storyline_id"] if excluded_event else None
    near = []
    for key, _ in neighbours:
        span = assigner.index.spans.get(key)
        if key != exclude and span is not None and in_window(span):
            near.append(span.event_id)
    storyline_of, recent = assigner.conn.storylines_and_recent_events(near, _RECENT_EVENTS + 1)
    candidates: list[str] = []
    for event_id in near:
        storyline_id = str(storyline_of[event_id])
        if storyline_id != own and storyline_id not in candidates:
            candidates.append(storyline_id)
    rarities = _Rarity(assigner)
    mine = unit(centroid)
    fits = [_fit(assigner, s, entities, mine, recent[s], excluded_event, rarities) for s in candidates]
    linked = [f for f in fits if f is not None and f.links(assigner) and not _wrapper_twins(assigner, f, text_told)]
    if not linked:
        return None
    return max(linked, key=lambda f: (*f.strength(), f.storyline_id)).storyline_id


def _wrapper_twins(assigner: EventState, fit: StorylineFit, text_told: bool) -> bool:
    """Is the storyline's nearest event the near-twin text of the event under a headline one of
    the two texts does not tell?  That text is a site's wrapper (``scoring.SharedWrapper``), and
    the twins share the site, not a story.  ``text_told``: the event's text tells its headline."""
    if fit.best_cosine < assigner.settings.storyline_strong_cosine:
        return False
    return not text_told or not assigner.text_told(fit.nearest)


# Unlike events, storylines let estimated days decide too: a storyline spans weeks, so an estimate
# a few days off does no harm, while ingest order alone would put a whole backfill in one window.


def article_window(assigner: EventState, day: int | None, seq: int) -> Callable[[EventSpan], bool]:
    settings = assigner.settings

    def in_window(span: EventSpan) -> bool:
        return span.within(day, seq, settings.storyline_window_days, settings.storyline_window_articles, firm=True)

    return in_window


def event_window(assigner: EventState, span: EventSpan) -> Callable[[EventSpan], bool]:
    settings = assigner.settings

    def in_window(other: EventSpan) -> bool:
        days, articles = settings.storyline_window_days, settings.storyline_window_articles
        return span.near(other, days, articles, days_decide=True)

    return in_window
