"""Online event assignment: each new article joins the best-scoring event or starts one.

Per article, in the writer's open transaction:
1. a near-identical copy of a recent article (MinHash LSH) joins the original's event, marked
   ``duplicate_of`` it;
2. otherwise the nearest event centroids inside the article's time window (ANN) are verified
   with the learned pair scorer against members of each event (the member nearest the centroid
   and the ``event_compare_members`` latest ones); among the events the article fits as a whole
   (``scoring.EventFit``), the one whose best score is lowest wins;
3. otherwise the article founds a new event, which is linked into the storyline of an earlier
   event it continues (see ``storylines.py``) or starts its own storyline.
Every ``consolidate_every`` articles, recently changed events are re-checked for merges.

Time windows use each article's effective date (``effective_day``): its publication date, else
the median of the days of the happening its text names (``dates.find_dates``), else none, when
ingest order is its only clock.
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
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..models import Article, EnrichedArticle
from ..pairs.features import ArticleProfile, profile
from ..pairs.terms import title_grounding
from ..settings import Settings
from ..store import Store
from ..store.values import ClusterState
from . import storylines
from .consolidate import consolidate
from .dedup import NearDuplicates
from .digest import digest_of
from .index import EventSpan, day_number
from .members import article_entity_types
from .scoring import EventFit, PairScoring, member_scores, score_adjustments
from .state import EventState, event_dates, iso_day, title_fields

log = logging.getLogger(__name__)

# Neighbours fetched per search: enough that the window filter and the storyline step (which
# looks further back in time) still find their candidates among them.
_SEARCH_DEPTH = 32


def stable_id(prefix: str, seed: str) -> str:
    return prefix + hashlib.sha1(seed.encode("utf-8")).hexdigest()[:12]


def publication_day(enriched: EnrichedArticle) -> int | None:
    day = day_number(enriched.article.publish_date)
    if day is None:
        day = next((day_number(d.date) for d in enriched.dates if d.kind == "publication"), None)
    return day


def _named_happening_days(enriched: EnrichedArticle) -> list[int]:
    """The days of the happening the text names (the lead's, never background dates: see
    ``dates.find_dates``), sorted."""
    named = (day_number(m.date) for m in enriched.dates if m.kind == "event" and m.happening)
    return sorted(d for d in named if d is not None)


def happening_days(enriched: EnrichedArticle) -> tuple[int, int, bool] | None:
    """The first and last day of the happening an article reports, and whether that is its
    publication date: the publication date when known, else the days its text names, else ``None``."""
    day = publication_day(enriched)
    if day is not None:
        return day, day, True
    known = _named_happening_days(enriched)
    return (known[0], known[-1], False) if known else None


def effective_day(enriched: EnrichedArticle) -> int | None:
    """The day an article is placed at for windowing: its publication date, else the median of
    the happening's days its text names, else ``None``, and ingest order is its only clock."""
    day = publication_day(enriched)
    if day is not None:
        return day
    named = _named_happening_days(enriched)
    return named[(len(named) - 1) // 2] if named else None


@dataclass
class Candidate:
    key: int
    event_id: str
    cosine: float
    score: float


class Assigner(EventState):
    """Assigns articles to events and storylines; ``consolidate()`` merges events that are one."""

    def __init__(self, conn: Store, settings: Settings, scorer: PairScoring | None = None) -> None:
        super().__init__(conn, settings, scorer)
        self.duplicates = self._new_duplicates()
        self._token: str | None = None
        self._built = False  # the in-memory state was read from the store at least once
        self._merged_entities: set[str] = set()

    # -- state ---------------------------------------------------------------------------------------
    def _new_duplicates(self) -> NearDuplicates:
        return NearDuplicates(self.settings.duplicate_jaccard, self.settings.duplicate_window)

    def refresh(self) -> ClusterState:
        """Rebuild the in-memory state from the store unless this assigner made its latest change;
        returns the state read."""
        state = self.conn.get_state()
        token = state.token
        if token == self._token and self._built:
            return state
        self.load_index()
        self.duplicates = self._new_duplicates()
        for article_id, seq, signature in self.conn.recent_signatures(self.settings.duplicate_window):
            self.duplicates.add(article_id, seq, signature)
        self.members.clear()
        self.forget_events()
        self._merged_entities = self.conn.merged_entity_ids()
        self._token = token
        self._built = True
        log.info("event index rebuilt: %d events, %d signatures", len(self.index or ()), len(self.duplicates))
        return state

    def entities_reconciled(self, mapping: dict[str, str], retyped: frozenset[str] = frozenset()) -> None:
        """The writer reconciled an article's entity ids (``mapping``: its id -> stored id): cached
        member profiles naming a renamed id are read again, as are those naming ids that stored
        entities were merged away from (each merge leaves a redirect row) and those naming an entity
        whose type the article's mentions changed (``retyped``): a profile read before would score
        with the old type, and an assigner rebuilt from the store would not, so a restart would
        change decisions."""
        stale = {old for old, new in mapping.items() if old != new} | retyped
        if stale:
            self.members.forget_entities(stale)
        self._check_entity_merges()

    def _check_entity_merges(self) -> None:
        # Redirect rows are only ever added (old ids are unique), so an equal count means no news.
        if self.conn.merged_entity_count() == len(self._merged_entities):
            return
        merged = self.conn.merged_entity_ids()
        if merged != self._merged_entities:
            self.members.forget_entities(merged - self._merged_entities)
            self._merged_entities = merged

    def _commit_state(self, **fields: int) -> None:
        self._token = self.conn.bump_state(**fields)

    # -- assignment ----------------------------------------------------------------------------------
    def assign(self, enriched: EnrichedArticle) -> None:
        """Put one just-stored article into an event (inside the caller's transaction)."""
        try:
            self._assign(enriched)
        except BaseException:
            # What this call changed in memory may be rolled back with the transaction while the
            # store's token stays the one this assigner last saw: rebuild from the store next time.
            self._token = None
            raise

    def _assign(self, enriched: EnrichedArticle) -> None:
        state = self.refresh()
        self._check_entity_merges()
        article = enriched.article
        if self.conn.event_of_article(article.id) is not None:
            return
        order = state.assigned + 1
        seq = self.conn.article_seq(article.id)
        day = effective_day(enriched)
        firm = publication_day(enriched) is not None
        digest = digest_of(enriched)
        self.members.digests.add(digest)
        signature = digest.signature if self.duplicates.enabled else None
        copy_of = self.duplicates.find(signature) if signature is not None else None
        mine = profile(enriched, digest)
        joined = False
        if copy_of is not None and self._same_story(article, mine.title_grounding, copy_of[0]):
            joined = self._join_as_copy(enriched, copy_of[0], seq, day, order)
        if not joined:
            self.recall(day, day, seq - self.settings.event_window_articles, firm=firm)
            neighbours = self._neighbours(enriched)
            best = self._best_candidate(mine, neighbours, day, seq, firm)
            if best is not None:
                self._join(best.event_id, enriched, seq, day, order, score=best.score, duplicate_of=None)
            else:
                told = mine.title_grounding >= self.settings.wrapper_title_grounding
                self._found_event(enriched, neighbours, seq, day, firm, order, told)
        if signature is not None:
            self.conn.save_signature(article.id, signature)
            self.duplicates.add(article.id, seq, signature)
        self._commit_state(assigned=order)
        every = self.settings.consolidate_every
        if every > 0 and order % every == 0:
            self.consolidate()
        self.trim()

    def _neighbours(self, enriched: EnrichedArticle) -> list[tuple[int, float]]:
        vector = enriched.vectors.get(self.model)
        if vector is None or self.index is None:
            return []
        return self.index.search(vector, _SEARCH_DEPTH)

    def _best_candidate(
        self, mine: ArticleProfile, neighbours: list[tuple[int, float]], day: int | None, seq: int, firm: bool
    ) -> Candidate | None:
        settings = self.settings

        def in_window(span: EventSpan) -> bool:
            if day is None and not span.admits_undated():
                return False
            return span.within(day, seq, settings.event_window_days, settings.event_window_articles, firm=firm)

        chosen = [
            (key, cosine, span.event_id)
            for key, cosine, span in self.candidates(neighbours, in_window, min_cosine=settings.event_min_cosine)
        ]
        groups = self.comparison_members([event_id for _, _, event_id in chosen])
        adjustments = score_adjustments(self.settings, self.scorer)
        scores = member_scores(self.scorer, mine, groups, *adjustments) if chosen else []
        fit = EventFit.from_settings(self.settings)
        accepted = []
        for (key, cosine, event_id), against in zip(chosen, scores, strict=True):
            score = fit.score(against)
            if score is not None:
                accepted.append(Candidate(key, event_id, cosine, score))
        if not accepted:
            return None
        return min(accepted, key=lambda c: (round(c.score, 6), -round(c.cosine, 6), c.key))

    def _same_story(self, article: Article, grounding: float, original_id: str) -> bool:
        """A copy tells its original's story: under the same title, or under titles that the
        shared text tells both.  One text under unrelated titles is a site's wrapper (a consent
        wall, a paywall, a disclaimer), and the pages carrying it are no copies of each other."""
        original = self.conn.get_article(original_id)
        if original is None or " ".join(article.title.casefold().split()) == " ".join(
            original.title.casefold().split()
        ):
            return True
        least = self.settings.wrapper_title_grounding
        return min(grounding, title_grounding(original.title, original.text)) >= least

    def _join_as_copy(self, enriched: EnrichedArticle, original: str, seq: int, day: int | None, order: int) -> bool:
        found = self.conn.event_of_article(original)
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
        row = self.event_row(event_id)
        self.conn.add_member(article.id, event_id, score, duplicate_of, order, happening_days(enriched))
        self.conn.add_event_entities(event_id, article_entity_types(enriched))
        count = row["article_count"] + 1
        fields: dict[str, Any] = {
            "article_count": count,
            **event_dates(self.conn, event_id, self.settings),
            "last_seq": max(row["last_seq"], seq),
            "touched": order,
        }
        if duplicate_of is None:
            fields["last_article_id"] = article.id
        centroids = self.centroids(event_id)
        for model, vector in enriched.vectors.items():
            old = centroids.get(model)
            vector = np.asarray(vector, dtype=np.float32)
            centroids[model] = vector if old is None else (old * (count - 1) + vector) / count
        self.set_centroids(event_id, centroids)
        if duplicate_of is None:
            rep = self.nearer_to_centroid(row["rep_article_id"], article.id, centroids)
            if rep != row["rep_article_id"]:
                fields.update(title_fields(self.conn, rep))
                fields["rep_article_id"] = rep
        self.conn.update_event(event_id, **fields)
        self.changed(event_id)
        self.conn.refresh_storyline(row["storyline_id"])
        self.reindex(event_id)

    def _found_event(
        self,
        enriched: EnrichedArticle,
        neighbours: list[tuple[int, float]],
        seq: int,
        day: int | None,
        firm: bool,
        order: int,
        text_told: bool,
    ) -> None:
        article = enriched.article
        event_id = stable_id("ev_", article.id)
        while self.conn.get_event_row(event_id) is not None:  # an id hash collision: vanishingly rare
            event_id = stable_id("ev_", event_id)
        entities = article_entity_types(enriched)
        storyline_id = storylines.continued_storyline(
            self,
            entities,
            enriched.vectors.get(self.model),
            neighbours,
            storylines.article_window(self, day, seq),
            exclude=None,
            text_told=text_told,
        )
        if storyline_id is None:
            storyline_id = stable_id("sl_", event_id)
            self.conn.insert_storyline(storyline_id)
        title = title_fields(self.conn, article.id)
        self.conn.insert_event(event_id=event_id,
            article_id=article.id,
            title=title["title"],
            lang=title["lang"],
            date=iso_day(day),
            seq=seq,
            storyline_id=storyline_id,
            touched=order,
        )
        self.conn.add_member(article.id, event_id, None, None, order, happening_days(enriched))
        self.conn.add_event_entities(event_id, entities)
        self.set_centroids(event_id, {m: np.asarray(v, dtype=np.float32) for m, v in enriched.vectors.items()})
        self.conn.refresh_storyline(storyline_id)
        self.reindex(event_id)

    # -- consolidation -------------------------------------------------------------------------------
    def consolidate(self, *, full: bool = False) -> dict[str, Any]:
        """Merge events that turned out to be one; link lone events into storylines they continue.

        Only events changed since the last run are re-checked, unless ``full``.  Call inside a
        transaction.
        """
        self.refresh()
        if full:
            self.load_index(everything=True)
        result = consolidate(self, full=full)
        self._commit_state(consolidated_at=self.conn.get_state().assigned)
        self.trim()
        return result


