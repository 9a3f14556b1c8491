"""Storylines: link an event to an earlier event it continues.

Two events continue one another when they are close enough in time (``storyline_window_*``),
their centroids are related (``storyline_min_cosine``) and they name the same real-world actors:
at least ``storyline_min_shared`` canonical entities, one of them a person or organisation
(sharing only places, e.g. two countries, links a football match to a summit).  A very high
centroid cosine alone also links, for stores run without the entity stage.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..store import events as store
from .index import EventSpan

if TYPE_CHECKING:
    from .assigner import Assigner

_ACTOR_TYPES = frozenset({"person", "organisation"})


def _continues(entities: dict[str, str], other: dict[str, str], cosine: float, assigner: Assigner) -> int:
    """How strongly two events are linked: shared entities, -1 when they are not linked."""
    settings = assigner.settings
    shared = entities.keys() & other.keys()
    actors = sum(1 for e in shared if entities[e] in _ACTOR_TYPES or other[e] in _ACTOR_TYPES)
    if cosine >= settings.storyline_min_cosine and len(shared) >= settings.storyline_min_shared and actors >= 1:
        return len(shared)
    if cosine >= settings.storyline_strong_cosine:
        return 0
    return -1


def continued_storyline(
    assigner: Assigner,
    entities: dict[str, str],
    neighbours: list[tuple[int, float]],
    in_window: Callable[[EventSpan], bool],
    exclude: int | None,
) -> str | None:
    """The storyline of the best-linked neighbouring event, or ``None`` to start a new one.

    ``neighbours`` are (index key, centroid cosine) pairs, most similar first.
    """
    if assigner.index is None:
        return None
    best: tuple[int, float, int, str] | None = None
    for key, cosine in neighbours:
        span = assigner.index.spans.get(key)
        if key == exclude or span is None or not in_window(span):
            continue
        strength = _continues(entities, store.event_entity_ids(assigner.conn, span.event_id), cosine, assigner)
        if strength < 0:
            continue
        candidate = (strength, cosine, key, span.event_id)
        if best is None or (candidate[0], candidate[1], -candidate[2]) > (best[0], best[1], -best[2]):
            best = candidate
    if best is None:
        return None
    row = store.event_row(assigner.conn, best[3])
    return str(row["storyline_id"])


def article_window(assigner: Assigner, day: int | None, seq: int, firm: bool) -> Callable[[EventSpan], bool]:
    settings = assigner.settings

    def in_window(span: EventSpan) -> bool:
        return span.within(day, seq, settings.storyline_window_days, settings.storyline_window_articles, firm=firm)

    return in_window


def event_window(assigner: Assigner, span: EventSpan) -> Callable[[EventSpan], bool]:
    settings = assigner.settings

    def in_window(other: EventSpan) -> bool:
        return span.near(other, settings.storyline_window_days, settings.storyline_window_articles)

    return in_window
