"""Consolidation: merge events that turn out to be one, keep storylines consistent.

Online assignment sees each article once, in arrival order, so a story can split in two when its
first articles happen to differ more from each other than from what arrives later.  Consolidation
revisits the events changed since its last run: it compares each with its nearest events in the
time window (representatives against representatives, with the pair scorer) and merges pairs
under ``consolidate_threshold`` into the older event.  Merged events' storylines become one, and
an event still alone in its storyline is offered to the storylines it may continue.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import storylines
from .index import EventSpan
from .scoring import representative_scores, score_adjustments
from .state import EventState, event_dates, title_fields

_SEARCH_DEPTH = 16


def consolidate(assigner: EventState, *, full: bool) -> dict[str, Any]:
    conn = assigner.conn
    since = -1 if full else conn.get_state().consolidated_at
    touched = conn.touched_events(since)
    for key, event_id in touched:
        if assigner.index is None or key not in assigner.index.spans:  # out of memory: read it back
            assigner.reindex(event_id)
    merged: list[dict[str, Any]] = []
    survivors: list[int] = []
    for key, _ in touched:
        while assigner.index is not None and key in assigner.index.spans:
            partner = _merge_partner(assigner, key)
            if partner is None:
                survivors.append(key)
                break
            other, score = partner
            keep, drop = min(key, other), max(key, other)
            keep_id, drop_id = assigner.index.spans[keep].event_id, assigner.index.spans[drop].event_id
            merge_events(assigner, keep_id, drop_id)
            merged.append({"event": drop_id, "into": keep_id, "score": round(score, 4)})
            key = keep
    linked = []
    for key in sorted(set(survivors)):
        if assigner.index is None or key not in assigner.index.spans:  # absorbed by a later merge
            continue
        moved = _link_lone_event(assigner, key)
        if moved is not None:
            linked.append(moved)
    return {"checked": len(touched), "merged": merged, "storylines_linked": linked}


def _centroid(assigner: EventState, event_id: str) -> np.ndarray | None:
    return assigner.centroids(event_id).get(assigner.model)


def _merge_partner(assigner: EventState, key: int) -> tuple[int, float] | None:
    """The index key and mean score of the best event to merge with, if any passes."""
    assert assigner.index is not None
    settings = assigner.settings
    span = assigner.index.spans[key]
    centroid = _centroid(assigner, span.event_id)
    if centroid is None:
        return None
    mine = assigner.representatives(span.event_id)
    days, articles = settings.event_window_days, settings.event_window_articles
    assigner.recall(span.first_day, span.last_day, span.first_seq - articles, firm=span.firm)
    chosen = [
        other
        for other, _, other_span in assigner.candidates(
            assigner.index.search(centroid, _SEARCH_DEPTH),
            lambda other_span: span.near(other_span, days, articles),
            min_cosine=settings.consolidate_min_cosine,
            exclude=key,
        )
    ]
    if not chosen:
        return None
    groups = [assigner.representatives(assigner.index.spans[other].event_id) for other in chosen]
    adjustments = score_adjustments(settings, assigner.scorer)
    # The mean decides; no representative pair may be far apart either, or two events each with
    # one odd member would merge on the strength of the others.
    passing = [
        (float(np.mean(s)), other)
        for other, s in zip(chosen, representative_scores(assigner.scorer, mine, groups, *adjustments), strict=True)
        if float(np.mean(s)) <= settings.consolidate_threshold and float(np.max(s)) <= settings.event_fit_threshold
    ]
    if not passing:
        return None
    score, other = min(passing)
    return other, score


def merge_events(assigner: EventState, keep_id: str, drop_id: str) -> None:
    """Fold event ``drop_id`` into ``keep_id`` (members, centroid, dates, storyline)."""
    conn = assigner.conn
    keep, drop = assigner.event_row(keep_id), assigner.event_row(drop_id)
    n_keep, n_drop = keep["article_count"], drop["article_count"]
    kept, dropped = assigner.centroids(keep_id), assigner.centroids(drop_id)
    centroids = {}
    for model in sorted(kept.keys() | dropped.keys()):
        if model in kept and model in dropped:
            centroids[model] = (kept[model] * n_keep + dropped[model] * n_drop) / (n_keep + n_drop)
        else:
            centroids[model] = kept.get(model, dropped.get(model))
    rep = assigner.nearer_to_centroid(keep["rep_article_id"], drop["rep_article_id"], centroids)
    latest = max((keep["last_article_id"], drop["last_article_id"]), key=lambda a: conn.article_seq(a))
    fields = {
        "article_count": n_keep + n_drop,
        "first_seq": min(keep["first_seq"], drop["first_seq"]),
        "last_seq": max(keep["last_seq"], drop["last_seq"]),
        "rep_article_id": rep,
        "last_article_id": latest,
        **title_fields(conn, rep),
        "touched": conn.get_state().assigned,
    }
    conn.move_event(drop_id, keep_id)
    assigner.removed(drop_id)
    assigner.set_centroids(keep_id, centroids)
    conn.update_event(keep_id, **fields, **event_dates(conn, keep_id, assigner.settings))
    assigner.changed(keep_id)
    # Only the absorbed event changes storyline: moving its whole storyline would join two
    # storylines on the strength of one merge, which is how storylines chain.
    if drop["storyline_id"] != keep["storyline_id"]:
        if not conn.storyline_event_ids(drop["storyline_id"]):  # it held the absorbed event alone
            conn.move_storyline(drop["storyline_id"], keep["storyline_id"])
            assigner.storylines_moved()
        else:
            conn.refresh_storyline(drop["storyline_id"])
    conn.refresh_storyline(keep["storyline_id"])
    if assigner.index is not None:
        assigner.index.remove(drop["seq"])
    assigner.reindex(keep_id)


def _link_lone_event(assigner: EventState, key: int) -> dict[str, str] | None:
    """Offer an event that is alone in its storyline to a storyline it continues."""
    assert assigner.index is not None
    conn = assigner.conn
    span: EventSpan = assigner.index.spans[key]
    row = assigner.event_row(span.event_id)
    own = row["storyline_id"]
    if len(conn.storyline_event_ids(own)) != 1:
        return None
    centroid = _centroid(assigner, span.event_id)
    if centroid is None:
        return None
    target = storylines.continued_storyline(
        assigner,
        conn.event_entity_ids(span.event_id),
        centroid,
        assigner.index.search(centroid, _SEARCH_DEPTH * 2),
        storylines.event_window(assigner, span),
        exclude=key,
        text_told=assigner.text_told(span.event_id),
    )
    if target is None or target == own:
        return None
    conn.move_storyline(own, target)
    assigner.storylines_moved()
    conn.refresh_storyline(target)
    return {"storyline": own, "into": target}
