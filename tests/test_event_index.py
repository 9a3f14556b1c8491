"""The writer's event index keeps ``event_index_kept`` events: the bound evicts, loses nothing, and an
evicted event is read back when an article's event window reaches it."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from decisions_support import decisions
from hypothesis import given
from hypothesis import strategies as st
from test_cluster import MATCH_A, MATCH_A_COPY, MATCH_B, PUTIN_VISIT, STREAM
from test_cluster import enriched as enriched  # a fixture
from test_cluster import enricher as enricher  # a fixture

from storyweave import Settings, Tracker
from storyweave.cluster import Assigner
from storyweave.cluster.index import EventSpan, Evicted
from storyweave.cluster.state import RecallWatch
from storyweave.models import EnrichedArticle

# Every article founds its own event and nothing merges while streaming: many events, few articles.
APART = {"event_threshold": 0.5, "duplicate_jaccard": 1.01, "consolidate_every": 0}


def _stored(db: Path, items: list[EnrichedArticle], **overrides: object) -> Tracker:
    """A tracker on ``db`` whose writer has stored copies of ``items``, in order."""
    tracker = Tracker(db=db, settings=Settings.load(environ={}, **overrides))
    for item in items:
        tracker.writer.store(copy.deepcopy(item))
    return tracker


def _event_of(tracker: Tracker, article_id: str) -> str:
    found = tracker.db.event_of_article(article_id)
    assert found is not None, article_id
    return str(found["event_id"])


def _assigner(tracker: Tracker) -> Assigner:
    assigner = tracker.writer.assigner
    assert isinstance(assigner, Assigner)
    return assigner


def _held(assigner: Assigner) -> set[str]:
    return {span.event_id for span in assigner.index.spans.values()} if assigner.index is not None else set()


def _newest(tracker: Tracker, count: int) -> set[str]:
    rows = tracker.db.conn.execute("SELECT id FROM events ORDER BY touched DESC, seq DESC LIMIT ?", (count,))
    return {r["id"] for r in rows}


def test_a_small_index_evicts_the_least_recently_changed_and_loses_nothing(
    enriched: dict[str, EnrichedArticle], tmp_path: Path
) -> None:
    with _stored(tmp_path / "small.db", [], event_index_kept=2, **APART) as tracker:
        assigner = _assigner(tracker)
        for article_id in STREAM:
            tracker.writer.store(copy.deepcopy(enriched[article_id]))
            assert _held(assigner) == _newest(tracker, 2)
        events = tracker.db.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        assert events == len(STREAM) > 2  # every article its own event, every one still stored
        assert len({_event_of(tracker, i) for i in STREAM}) == len(STREAM)
        # A writer starting on this store (after a restart) holds the same events, with the same spans.
        rebuilt = Assigner(tracker.db, tracker.settings)
        rebuilt.refresh()
        assert rebuilt.index is not None and assigner.index is not None
        assert rebuilt.index.spans == assigner.index.spans


def test_at_the_bound_decisions_are_those_of_an_unbounded_index(
    enriched: dict[str, EnrichedArticle], tmp_path: Path
) -> None:
    stream = [enriched[i] for i in STREAM]
    with _stored(tmp_path / "free.db", stream, event_index_kept=10**9, **APART) as free:
        events = len(_held(_assigner(free)))
    with _stored(tmp_path / "bound.db", stream, event_index_kept=events, **APART) as bound:
        assert len(_held(_assigner(bound))) == events
    assert decisions(str(tmp_path / "bound.db")) == decisions(str(tmp_path / "free.db"))


@pytest.mark.parametrize("window_articles", [1, 5000], ids=["by-days", "by-ingest-order"])
def test_an_evicted_event_is_read_back_when_an_article_falls_in_its_window(
    enriched: dict[str, EnrichedArticle], tmp_path: Path, window_articles: int
) -> None:
    # The first report of the match, then the seeds (March) and the Hanoi visit (20 June): with one
    # event held, the match's event is out of memory when the second report (15 June) arrives.
    first = [MATCH_A, "seed-000", "seed-004", PUTIN_VISIT]
    settings = {"event_index_kept": 1, "duplicate_jaccard": 1.01, "event_window_articles": window_articles}
    with _stored(tmp_path / "back.db", [enriched[i] for i in first], **settings) as tracker:
        assigner = _assigner(tracker)
        match = _event_of(tracker, MATCH_A)
        assert match not in _held(assigner)
        tracker.writer.store(copy.deepcopy(enriched[MATCH_B]))
        assert _event_of(tracker, MATCH_B) == match
        assert _held(assigner) == {match}  # what was read back and left unchanged is evicted again


def test_a_full_consolidation_compares_every_event_then_trims(
    enriched: dict[str, EnrichedArticle], tmp_path: Path
) -> None:
    stream = [enriched[i] for i in STREAM]
    for name in ("free.db", "bound.db"):
        _stored(tmp_path / name, stream, **APART).close()
    with _stored(tmp_path / "free.db", [], **APART) as free:
        expected = free.consolidate()["merged"]
    assert expected  # the match's reports merge
    with _stored(tmp_path / "bound.db", [], event_index_kept=1, **APART) as bound:
        assert bound.consolidate()["merged"] == expected
        assert _event_of(bound, MATCH_A) == _event_of(bound, MATCH_B) == _event_of(bound, MATCH_A_COPY)
        assert len(_held(_assigner(bound))) == 1
    assert decisions(str(tmp_path / "bound.db")) == decisions(str(tmp_path / "free.db"))


def test_the_bound_is_a_setting_with_a_default() -> None:
    assert Settings.load(environ={}).event_index_kept == 20000
    assert Settings.load(environ={"STORYWEAVE_EVENT_INDEX_KEPT": "500"}).event_index_kept == 500


_DAY = st.none() | st.integers(738_000, 738_040)


@st.composite
def spans(draw: st.DrawFn) -> EventSpan:
    first = draw(_DAY)
    last = None if first is None else first + draw(st.integers(0, 6))
    first_seq = draw(st.integers(0, 300))
    return EventSpan("ev", first, last, first_seq, first_seq + draw(st.integers(0, 50)), draw(st.booleans()))


@given(evicted=st.lists(spans(), min_size=1, max_size=6), day=_DAY, seq=st.integers(0, 400), firm=st.booleans())
def test_what_is_out_of_memory_is_read_back_whenever_an_article_window_may_reach_it(
    evicted: list[EventSpan], day: int | None, seq: int, firm: bool
) -> None:
    days, articles = 4, 100
    firm = firm and day is not None
    summary = Evicted()
    for span in evicted:
        summary.add(span)
    if any(span.within(day, seq, days, articles, firm=firm) for span in evicted):
        assert summary.may_reach(day, day, days, seq - articles, firm=firm)


@given(evicted=st.lists(spans(), min_size=1, max_size=6), event=spans())
def test_what_is_out_of_memory_is_read_back_whenever_a_merge_window_may_reach_it(
    evicted: list[EventSpan], event: EventSpan
) -> None:
    days, articles = 4, 100
    summary = Evicted()
    for span in evicted:
        summary.add(span)
    if any(event.near(span, days, articles) for span in evicted):
        assert summary.may_reach(event.first_day, event.last_day, days, event.first_seq - articles, firm=event.firm)


def test_a_bound_too_small_for_the_event_windows_is_told_once(
    enriched: dict[str, EnrichedArticle], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Windows of a year hold every article of the stream: with one event held, every decision reads
    # the others back from the store.
    with _stored(tmp_path / "small.db", [], event_index_kept=1, event_window_days=400, **APART) as tracker:
        assigner = _assigner(tracker)
        assigner.recall_watch = RecallWatch(1, decisions=3)
        with caplog.at_level("WARNING", logger="storyweave.cluster.state"):
            for article_id in STREAM:
                tracker.writer.store(copy.deepcopy(enriched[article_id]))
    told = [r.getMessage() for r in caplog.records if "event_index_kept" in r.getMessage()]
    assert len(told) == 1, told
    assert told[0].startswith("event_index_kept = 1 is too small for the event windows: 3 of the last 3 decisions")


def test_a_bound_the_windows_fit_in_is_never_told() -> None:
    watch = RecallWatch(20000, decisions=10)
    for read_back in [0] * 30 + [2, 0, 0, 1, 0]:  # a late article now and then reads a few back
        watch.record(read_back)
    assert not watch.warned
    for _ in range(10):
        watch.record(1)
    assert watch.warned
