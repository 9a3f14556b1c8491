"""Online event assignment: each new article joins the best-scoring event or starts one.

Per article, in the writer's open transaction:
1. a near-identical copy of a recent article (MinHash LSH) joins the original's event, marked
   ``duplicate_of`` it;
2. otherwise the nearest event centroids inside the article's time window (ANN) are verified
   with the learned pair scorer against members of each event (the member nearest the centroid
   and the ``event_compare_members`` latest ones); the event whose best score is lowest wins,
   if that score is under ``event_threshold``;
3. otherwise the article founds a new event, which is linked into the storyline of an earlier
   event it continues (see ``storylines.py``) or starts its own storyline.
Every ``consolidate_every`` articles, recently changed events are re-checked for merges.

Time windows use each article's effective date (``effective_day``): its publication date, else
the median of the dated events its text names, else none, when ingest order is its only clock.
Days decide where either side has a publication date; two estimated dates never rule each other
out, and ingest order decides between them (``EventSpan.within``).  An article with no date
evidence joins only events without publication dates, and never widens an event's date span.

The cost per article is bounded by the window and the number of candidates, not by the corpus.
The database is the source of truth: the in-memory index, LSH and caches are rebuilt from it
whenever the store was changed by anyone else (another process, or a rolled-back transaction).
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..models import EnrichedArticle
from ..pairs.features import ArticleProfile, profile
from ..settings import Settings
from ..store import events as store
from . import storylines
from .dedup import NearDuplicates
from .index import CentroidIndex, EventSpan, day_number, unit
from .members import MemberCache, article_entity_types
from .scoring import CrossLingualAllowance, PairScoring, best_scores, load_scorer

log = logging.getLogger(__name__)

# Neighbours fetched per search: enough that the window filter and the storyline step (which
# looks further back in time) still find their candidates among them.
_SEARCH_DEPTH = 32
_SHINGLE_WORDS = 4
_MINHASH_PERMUTATIONS = 64


def stable_id(prefix: str, seed: str) -> str:
    return prefix + hashlib.sha1(seed.encode("utf-8")).hexdigest()[:12]


def publication_day(enriched: EnrichedArticle) -> int | None:
    day = day_number(enriched.article.publish_date)
    if day is None:
        day = next((day_number(d.date) for d in enriched.dates if d.kind == "publication"), None)
    return day


def effective_day(enriched: EnrichedArticle) -> int | None:
    """The day an article is placed at for windowing and event date spans.

    Its publication date; else the median of the event dates its text names (for undated text the
    date stage keeps only dates with an explicit year, so these are real evidence: news reports
    follow what they report closely); else ``None``, and ingest order is its only clock.
    """
    day = publication_day(enriched)
    if day is not None:
        return day
    named = sorted(d for d in (day_number(m.date) for m in enriched.dates if m.kind == "event") if d is not None)
    return named[(len(named) - 1) // 2] if named else None


def _iso(day: int | None) -> str | None:
    from datetime import date

    return date.fromordinal(day).isoformat() if day is not None else None


@dataclass
class Candidate:
    key: int
    event_id: str
    cosine: float
    score: float


class Assigner:
    """Assigns articles to events and storylines; ``consolidate()`` merges events that are one."""

    def __init__(self, conn: sqlite3.Connection, settings: Settings, scorer: PairScoring | None = None) -> None:
        self.conn = conn
        self.settings = settings
        self._scorer = scorer
        self.model: str = settings.event_index_model
        self.members = MemberCache(conn)
        self.index: CentroidIndex | None = None
        self.duplicates = self._new_duplicates()
        self._token: str | None = None
        self._built = False  # the in-memory state was read from the store at least once
        self._merged_entities: set[str] = set()

    # -- state ---------------------------------------------------------------------------------------
    @property
    def scorer(self) -> PairScoring:
        if self._scorer is None:
            self._scorer = load_scorer()
        return self._scorer

    def _new_duplicates(self) -> NearDuplicates:
        return NearDuplicates(
            self.settings.duplicate_jaccard, _MINHASH_PERMUTATIONS, _SHINGLE_WORDS, self.settings.duplicate_window
        )

    def refresh(self) -> None:
        """Rebuild the in-memory state from the store unless this assigner made its latest change."""
        token = store.get_state(self.conn).token
        if token == self._token and self._built:
            return
        self.index = None
        for row in store.iter_event_index_rows(self.conn, self.model):
            if row["vector"] is None:
                continue
            vector = store.from_blob(row["vector"])
            if self.index is None:
                self.index = CentroidIndex(len(vector))
            self.index.put(row["seq"], vector, _span(self.conn, row))
        self.duplicates = self._new_duplicates()
        for article_id, seq, signature in store.recent_signatures(self.conn, self.settings.duplicate_window):
            self.duplicates.add(article_id, seq, signature)
        self.members.clear()
        self._merged_entities = store.merged_entity_ids(self.conn)
        self._token = token
        self._built = True
        log.info("event index rebuilt: %d events, %d signatures", len(self.index or ()), len(self.duplicates))

    def entities_reconciled(self, mapping: dict[str, str]) -> None:
        """The writer reconciled an article's entity ids (``mapping``: its id -> stored id): cached
        member profiles naming a renamed id are read again, as are those naming ids that stored
        entities were merged away from (each merge leaves a redirect row)."""
        renamed = {old for old, new in mapping.items() if old != new}
        if renamed:
            self.members.forget_entities(renamed)
        self._check_entity_merges()

    def _check_entity_merges(self) -> None:
        # Redirect rows are only ever added (old ids are unique), so an equal count means no news.
        if store.merged_entity_count(self.conn) == len(self._merged_entities):
            return
        merged = store.merged_entity_ids(self.conn)
        if merged != self._merged_entities:
            self.members.forget_entities(merged - self._merged_entities)
            self._merged_entities = merged

    def _commit_state(self, **fields: int) -> None:
        self._token = store.bump_state(self.conn, **fields)

    def _ensure_index(self, vector: np.ndarray) -> CentroidIndex:
        if self.index is None:
            self.index = CentroidIndex(len(vector))
        return self.index

    # -- assignment ----------------------------------------------------------------------------------
    def assign(self, enriched: EnrichedArticle) -> None:
        """Put one just-stored article into an event (inside the caller's transaction)."""
        self.refresh()
        self._check_entity_merges()
        article = enriched.article
        if store.event_of_article(self.conn, article.id) is not None:
            return
        order = store.get_state(self.conn).assigned + 1
        seq = store.article_seq(self.conn, article.id)
        day = effective_day(enriched)
        firm = publication_day(enriched) is not None
        signature = self.duplicates.signature(article)
        copy_of = self.duplicates.find(signature) if signature is not None else None
        joined = False
        if copy_of is not None:
            joined = self._join_as_copy(enriched, copy_of[0], seq, day, order)
        if not joined:
            neighbours = self._neighbours(enriched)
            best = self._best_candidate(profile(enriched), neighbours, day, seq, firm)
            if best is not None:
                self._join(best.event_id, enriched, seq, day, order, score=best.score, duplicate_of=None)
            else:
                self._found_event(enriched, neighbours, seq, day, firm, order)
        if signature is not None:
            store.save_signature(self.conn, article.id, signature)
            self.duplicates.add(article.id, seq, signature)
        self._commit_state(assigned=order)
        every = self.settings.consolidate_every
        if every > 0 and order % every == 0:
            self.consolidate()

    def _neighbours(self, enriched: EnrichedArticle) -> list[tuple[int, float]]:
        vector = enriched.vectors.get(self.model)
        if vector is None or self.index is None:
            return []
        return self.index.search(vector, _SEARCH_DEPTH)

    def _best_candidate(
        self, mine: ArticleProfile, neighbours: list[tuple[int, float]], day: int | None, seq: int, firm: bool
    ) -> Candidate | None:
        assert self.index is not None or not neighbours
        chosen: list[tuple[int, float, str]] = []
        for key, cosine in neighbours:
            if len(chosen) >= self.settings.event_candidates or cosine < self.settings.event_min_cosine:
                break
            span = self.index.spans[key] if self.index is not None else None
            if span is None or not span.within(
                day, seq, self.settings.event_window_days, self.settings.event_window_articles, firm=firm
            ):
                continue
            if day is None and not span.admits_undated():
                continue
            chosen.append((key, cosine, span.event_id))
        groups = [self._comparison_members(event_id) for _, _, event_id in chosen]
        allowance = CrossLingualAllowance.from_settings(self.settings)
        scores = best_scores(self.scorer, mine, groups, allowance) if chosen else []
        checked = [Candidate(k, e, c, s) for (k, c, e), s in zip(chosen, scores, strict=True)]
        accepted = [c for c in checked if c.score <= self.settings.event_threshold]
        if not accepted:
            return None
        return min(accepted, key=lambda c: (round(c.score, 6), -round(c.cosine, 6), c.key))

    def _representatives(self, event_id: str) -> list[ArticleProfile]:
        row = store.event_row(self.conn, event_id)
        ids = [row["rep_article_id"]]
        if row["last_article_id"] != row["rep_article_id"]:
            ids.append(row["last_article_id"])
        return [self.members.get(i) for i in ids]

    def _comparison_members(self, event_id: str) -> list[ArticleProfile]:
        """The members a new article is scored against: the representative and the latest ones
        (bounded, so a large event costs no more than a small one)."""
        ids = store.latest_members(self.conn, event_id, self.settings.event_compare_members)
        rep = store.event_row(self.conn, event_id)["rep_article_id"]
        if rep not in ids:
            ids.append(rep)
        return [self.members.get(i) for i in ids]

    def _join_as_copy(self, enriched: EnrichedArticle, original: str, seq: int, day: int | None, order: int) -> bool:
        found = store.event_of_article(self.conn, original)
        if found is None:
            return False
        root = found["duplicate_of"] or original
        self._join(found["event_id"], enriched, seq, day, order, score=1.0, duplicate_of=root)
        return True

    def _join(
        self,
        event_id: str,
        enriched: EnrichedArticle,
        seq: int,
        day: int | None,
        order: int,
        *,
        score: float | None,
        duplicate_of: str | None,
    ) -> None:
        article = enriched.article
        row = store.event_row(self.conn, event_id)
        store.add_member(self.conn, article.id, event_id, score, duplicate_of, order)
        store.add_event_entities(self.conn, event_id, article_entity_types(enriched))
        count = row["article_count"] + 1
        days = [d for d in (day_number(row["first_date"]), day_number(row["last_date"]), day) if d is not None]
        fields: dict[str, Any] = {
            "article_count": count,
            "first_date": _iso(min(days)) if days else None,
            "last_date": _iso(max(days)) if days else None,
            "last_seq": max(row["last_seq"], seq),
            "touched": order,
        }
        if duplicate_of is None:
            fields["last_article_id"] = article.id
        centroids = store.get_centroids(self.conn, event_id)
        for model, vector in enriched.vectors.items():
            old = centroids.get(model)
            vector = np.asarray(vector, dtype=np.float32)
            centroids[model] = vector if old is None else (old * (count - 1) + vector) / count
        store.set_centroids(self.conn, event_id, centroids)
        if duplicate_of is None:
            rep = self._nearer_to_centroid(row["rep_article_id"], article.id, centroids)
            if rep != row["rep_article_id"]:
                fields.update(title_fields(self.conn, rep))
                fields["rep_article_id"] = rep
        store.update_event(self.conn, event_id, **fields)
        store.refresh_storyline(self.conn, row["storyline_id"])
        self._reindex(event_id)

    def _nearer_to_centroid(self, current: str, candidate: str, centroids: dict[str, np.ndarray]) -> str:
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

    def _reindex(self, event_id: str) -> None:
        """Mirror an event's stored centroid and span into the in-memory index."""
        row = store.event_row(self.conn, event_id)
        centroid = store.get_centroids(self.conn, event_id).get(self.model)
        if centroid is not None:
            self._ensure_index(centroid).put(row["seq"], centroid, _span(self.conn, row))
        elif self.index is not None and row["seq"] in self.index.spans:
            self.index.set_span(row["seq"], _span(self.conn, row))

    def _found_event(
        self,
        enriched: EnrichedArticle,
        neighbours: list[tuple[int, float]],
        seq: int,
        day: int | None,
        firm: bool,
        order: int,
    ) -> None:
        article = enriched.article
        event_id = stable_id("ev_", article.id)
        while store.get_event_row(self.conn, event_id) is not None:  # an id hash collision: vanishingly rare
            event_id = stable_id("ev_", event_id)
        entities = article_entity_types(enriched)
        storyline_id = storylines.continued_storyline(
            self, entities, neighbours, storylines.article_window(self, day, seq, firm), exclude=None
        )
        if storyline_id is None:
            storyline_id = stable_id("sl_", event_id)
            store.insert_storyline(self.conn, storyline_id)
        title = title_fields(self.conn, article.id)
        store.insert_event(
            self.conn,
            event_id=event_id,
            article_id=article.id,
            title=title["title"],
            lang=title["lang"],
            date=_iso(day),
            seq=seq,
            storyline_id=storyline_id,
            touched=order,
        )
        store.add_member(self.conn, article.id, event_id, None, None, order)
        store.add_event_entities(self.conn, event_id, entities)
        store.set_centroids(
            self.conn, event_id, {m: np.asarray(v, dtype=np.float32) for m, v in enriched.vectors.items()}
        )
        store.refresh_storyline(self.conn, storyline_id)
        self._reindex(event_id)

    # -- consolidation -------------------------------------------------------------------------------
    def consolidate(self, *, full: bool = False) -> dict[str, Any]:
        """Merge events that turned out to be one; link lone events into storylines they continue.

        Only events changed since the last run are re-checked, unless ``full``.  Call inside a
        transaction.
        """
        from .consolidate import consolidate

        self.refresh()
        result = consolidate(self, full=full)
        self._commit_state(consolidated_at=store.get_state(self.conn).assigned)
        return result


def _span(conn: sqlite3.Connection, row: sqlite3.Row) -> EventSpan:
    try:
        firm = row["firm"]
    except IndexError:  # a plain events row: ask the store
        firm = store.event_has_publication_date(conn, row["id"])
    return EventSpan(
        event_id=row["id"],
        first_day=day_number(row["first_date"]),
        last_day=day_number(row["last_date"]),
        first_seq=row["first_seq"],
        last_seq=row["last_seq"],
        firm=bool(firm),
    )


def title_fields(conn: sqlite3.Connection, article_id: str) -> dict[str, str]:
    """An event's title and language: those of its representative article."""
    row = conn.execute("SELECT title, substr(text, 1, 400) AS lead, lang FROM articles WHERE id = ?", (article_id,))
    found = row.fetchone()
    title = found["title"].strip() or " ".join(found["lead"].split())[:120]
    return {"title": title, "lang": found["lang"]}
