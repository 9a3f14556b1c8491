"""The ``Store`` contract: every engine gives the same answers through the interface alone.

Each test takes ``open_engine``, a factory of fresh, empty stores of one engine, and talks to
them only through ``storyweave.store.base.Store``: no SQL, no connection.  The fixture is
parametrised by engine; today that is SQLite, and another engine joins by adding its name to
``ENGINES`` and a branch to ``_factory``.  Hypothesis round-trips articles, entities and events:
what goes in through one operation comes back, unchanged, through its reading twin.
"""

from __future__ import annotations

import io
import itertools
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pgserver import Databases, find_program

from storyweave.errors import StoreError
from storyweave.models import Article, DateMention, Entity, Mention, Reject, Removal
from storyweave.store import Store, open_store
from storyweave.store.base import CheckReport, Reported, WatchRow
from storyweave.store.events import from_blob

ENGINES = ["sqlite", "postgresql"]
OpenStore = Callable[[], Store]
HYPOTHESIS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _factory(request: pytest.FixtureRequest, folder: Path) -> OpenStore:
    numbers = itertools.count()
    if request.param == "sqlite":
        return lambda: open_store(folder / f"contract-{next(numbers)}.db")
    if request.param == "postgresql":
        databases: Databases = request.getfixturevalue("pg_databases")
        return lambda: open_store(databases.fresh())
    raise ValueError(request.param)


@pytest.fixture(params=ENGINES)
def open_engine(request: pytest.FixtureRequest) -> Iterator[OpenStore]:
    opened: list[Store] = []
    with tempfile.TemporaryDirectory(prefix="storyweave-contract-") as tmp:
        factory = _factory(request, Path(tmp))

        def fresh() -> Store:
            opened.append(factory())
            return opened[-1]

        yield fresh
        for store in opened:
            store.close()


@pytest.fixture
def open_backup(request: pytest.FixtureRequest) -> Callable[[Path], Store]:
    """Opens what ``Store.backup`` wrote, as a store of the same engine."""
    if request.node.callspec.params["open_engine"] == "sqlite":
        return open_store
    databases: Databases = request.getfixturevalue("pg_databases")

    def restore(path: Path) -> Store:
        url = databases.fresh(migrated=False)
        subprocess.run([str(find_program("pg_restore")), "--no-owner", f"--dbname={url}", str(path)], check=True,
                       capture_output=True)
        return open_store(url)

    return restore


# -- strategies -----------------------------------------------------------------------------------------

# Any Unicode a text can hold, except surrogates (not encodable) and NUL (cut by C string APIs).
_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=80)
_WORD = st.text(st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=20)
_DAY = st.dates().map(lambda d: d.isoformat())
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_WORD, inner, max_size=3),
    max_leaves=8,
)


@st.composite
def articles(draw: st.DrawFn, article_id: str | None = None) -> Article:
    return Article(
        id=article_id or draw(_WORD),
        title=draw(_TEXT),
        text=draw(_TEXT),
        origin=draw(_TEXT),
        url=draw(st.none() | _TEXT),
        canonical_url=draw(st.none() | _TEXT),
        source=draw(st.none() | _TEXT),
        lang=draw(st.sampled_from(["en", "de", "ar", "zh", "ja", "und"])),
        lang_confidence=draw(st.floats(0, 1)),
        lang_hint=draw(st.none() | st.sampled_from(["en", "fr"])),
        publish_date=draw(st.none() | _DAY),
        content_hash=draw(st.text("0123456789abcdef", min_size=16, max_size=16)),
        removed=draw(st.lists(st.builds(Removal, st.sampled_from(["caption", "byline", "teaser"]), _TEXT),
                              max_size=3)),
        metadata=draw(st.dictionaries(_WORD, _JSON, max_size=4)),
    )


_DATES = st.lists(
    st.builds(DateMention, _DAY, _TEXT, _TEXT, st.sampled_from(["publication", "event"])), max_size=4
)
_VECTORS = st.dictionaries(
    st.sampled_from(["usem3", "e5"]),
    st.lists(st.floats(-1, 1, width=32), min_size=4, max_size=4).map(lambda v: np.asarray(v, dtype=np.float32)),
    max_size=2,
)


def _stored(store: Store, article: Article) -> None:
    with store.transaction():
        store.insert_article(article)


# -- articles -------------------------------------------------------------------------------------------


@HYPOTHESIS
@given(article=articles(), dates=_DATES, vectors=_VECTORS)
def test_an_article_comes_back_as_it_went_in(
    open_engine: OpenStore, article: Article, dates: list[DateMention], vectors: dict[str, np.ndarray]
) -> None:
    store = open_engine()
    with store.transaction():
        store.insert_article(article)
        store.insert_dates(article.id, dates)
        store.insert_vectors(article.id, vectors)
    assert store.get_article(article.id) == article
    assert store.get_dates(article.id) == dates
    loaded = store.load_vectors(article.id)
    assert loaded.keys() == vectors.keys()
    for model, vector in vectors.items():
        np.testing.assert_array_equal(loaded[model], vector)
    assert store.has_article_id(article.id)
    assert store.article_origin(article.id) == article.origin
    assert store.article_lang(article.id) == article.lang
    assert store.count("articles") == 1


@HYPOTHESIS
@given(article=articles(), other=_TEXT)
def test_the_same_input_is_found_by_id_content_or_canonical_url(
    open_engine: OpenStore, article: Article, other: str
) -> None:
    store = open_engine()
    _stored(store, article)
    assert store.find_existing(article) == article.id
    assert store.copy_of(article.content_hash, None) == article.id
    if article.canonical_url is not None:
        assert store.copy_of("no such content", article.canonical_url) == article.id
    assert store.copy_of("no such content", None) is None
    different = Article(id=article.id, title=other, text=other, origin="elsewhere", content_hash="another hash")
    assert store.id_taken_by_other_content(different) == article.origin
    assert store.id_taken_by_other_content(article) is None


def test_a_missing_article_is_none(open_engine: OpenStore) -> None:
    store = open_engine()
    assert store.get_article("nope") is None
    assert not store.has_article_id("nope")
    assert store.article_origin("nope") is None
    assert store.article_lang("nope") is None


def test_articles_page_in_insertion_order_with_filters(open_engine: OpenStore) -> None:
    store = open_engine()
    with store.transaction():
        for n in range(7):
            store.insert_article(Article(id=f"a{n}", title=f"t{n}", text="x", origin=f"o{n}", content_hash=f"h{n}",
                                         lang="en" if n % 2 else "de", publish_date=f"2024-05-0{n + 1}"))
    pages, cursor = [], None
    while True:
        page = store.list_articles(limit=3, after_seq=cursor)
        pages.append([r["id"] for r in page])
        if len(page) < 3:
            break
        cursor = page[-1]["seq"]
    assert pages == [["a0", "a1", "a2"], ["a3", "a4", "a5"], ["a6"]]
    assert [r["id"] for r in store.list_articles(lang="en")] == ["a1", "a3", "a5"]
    assert [r["id"] for r in store.list_articles(since="2024-05-03", until="2024-05-04")] == ["a2", "a3"]


def test_a_reject_seen_twice_is_one_row(open_engine: OpenStore) -> None:
    store = open_engine()
    for _ in range(2):
        with store.transaction():
            store.record_reject(Reject("input.jsonl:3", "no text"))
    rows = store.list_rejects()
    assert [(r["origin"], r["reason"], r["times"]) for r in rows] == [("input.jsonl:3", "no text", 2)]
    assert store.count("rejects") == 1


def test_a_failed_transaction_leaves_nothing(open_engine: OpenStore) -> None:
    store = open_engine()
    with pytest.raises(RuntimeError), store.transaction():
        store.insert_article(Article(id="gone", title="t", text="x", origin="o", content_hash="h"))
        raise RuntimeError("the writer died half-way")
    assert store.get_article("gone") is None
    assert store.count("articles") == 0


# -- entities -------------------------------------------------------------------------------------------

_KIND = st.sampled_from(["person", "place", "organisation", "other"])


@st.composite
def article_entities(draw: st.DrawFn) -> tuple[list[Mention], list[Entity]]:
    ids = draw(st.lists(st.text("abcdefgh", min_size=3, max_size=6).map(lambda s: f"sw:{s}"), unique=True,
                        max_size=4))
    entities = [Entity(i, draw(_KIND), draw(st.dictionaries(st.sampled_from(["en", "fr", "ar"]), _WORD, min_size=1)))
                for i in ids]
    mentions = []
    position = 0
    for entity in draw(st.lists(st.sampled_from(entities), max_size=6)) if entities else []:
        surface = draw(_WORD)
        mentions.append(Mention(surface, position, position + len(surface), entity.type, "en", entity.id,
                                draw(st.floats(0, 1))))
        entity.aliases.add(surface)
        position += len(surface) + 1
    # Only entities that are mentioned are stored as the article's.
    named = {m.entity_id for m in mentions}
    return mentions, [e for e in entities if e.id in named]


@HYPOTHESIS
@given(found=article_entities())
def test_an_articles_entities_come_back_as_they_went_in(
    open_engine: OpenStore, found: tuple[list[Mention], list[Entity]]
) -> None:
    mentions, entities = found
    store = open_engine()
    with store.transaction():
        store.insert_article(Article(id="a1", title="t", text="x", origin="o", content_hash="h"))
        store.save_article_entities("a1", mentions, entities)
    got_mentions, got_entities = store.load_article_entities("a1")
    assert got_mentions == mentions
    assert sorted(got_entities, key=lambda e: e.id) == sorted(entities, key=lambda e: e.id)
    for entity in entities:
        assert store.entity_exists(entity.id)
        assert store.current_id(entity.id) == entity.id
    assert store.has_mentions() == bool(mentions)


@HYPOTHESIS
@given(article=articles(), dates=_DATES, vectors=_VECTORS, found=article_entities())
def test_an_article_read_at_once_is_what_the_reads_one_by_one_give(
    open_engine: OpenStore,
    article: Article,
    dates: list[DateMention],
    vectors: dict[str, np.ndarray],
    found: tuple[list[Mention], list[Entity]],
) -> None:
    """``load_enriched`` sends its five statements before reading any (in PostgreSQL's pipeline, one
    round trip): inside the writer's transaction, where the pipeline is, and outside it."""
    mentions, entities = found
    store = open_engine()
    with store.transaction():
        store.insert_article(article)
        store.insert_dates(article.id, dates)
        store.insert_vectors(article.id, vectors)
        store.save_article_entities(article.id, mentions, entities)
        in_transaction = store.load_enriched(article.id)
        missing = store.load_enriched(article.id + "-not-stored")
    for enriched in (in_transaction, store.load_enriched(article.id)):
        assert enriched is not None
        assert enriched.article == store.get_article(article.id) == article
        assert enriched.dates == store.get_dates(article.id)
        one_by_one = store.load_vectors(article.id)
        assert enriched.vectors.keys() == one_by_one.keys() == vectors.keys()
        for model, vector in one_by_one.items():
            np.testing.assert_array_equal(enriched.vectors[model], vector)
        assert (enriched.mentions, enriched.entities) == store.load_article_entities(article.id)
    assert missing is None


def test_a_merged_entity_resolves_to_the_one_it_joined(open_engine: OpenStore) -> None:
    store = open_engine()
    putin = Entity("sw:putin", "person", {"en": "Vladimir Putin"})
    bare = Entity("sw:poutine", "person", {"fr": "Poutine"})
    with store.transaction():
        store.insert_article(Article(id="a1", title="t", text="x", origin="o", content_hash="h"))
        store.save_article_entities(
            "a1",
            [
                Mention("Vladimir Putin", 0, 14, "person", "en", putin.id),
                Mention("Poutine", 20, 27, "person", "fr", bare.id),
            ],
            [putin, bare],
        )
        store.merge_entities(bare.id, putin.id, "surname")
    assert not store.entity_exists(bare.id)
    assert store.current_id(bare.id) == putin.id
    assert store.redirect_targets([bare.id, putin.id]) == {bare.id: putin.id}
    assert store.entity_names([bare.id]) == {bare.id: "Vladimir Putin"}
    mentions, _ = store.load_article_entities("a1")
    assert {m.entity_id for m in mentions} == {putin.id}


# -- events and storylines ------------------------------------------------------------------------------


def _event(store: Store, event_id: str, article_id: str, storyline_id: str, order: int, day: str | None) -> None:
    store.insert_article(Article(id=article_id, title=f"title {article_id}", text="x", origin=article_id,
                                 content_hash=article_id, lang="en", publish_date=day))
    store.insert_storyline(storyline_id)
    store.insert_event(event_id=event_id, article_id=article_id, title=f"title {article_id}", lang="en", date=day,
                       seq=store.article_seq(article_id), storyline_id=storyline_id, touched=order)
    store.add_member(article_id, event_id, None, None, order)
    store.refresh_storyline(storyline_id)


@HYPOTHESIS
@given(
    title=_TEXT,
    day=st.none() | _DAY,
    centroids=_VECTORS,
    entities=st.dictionaries(st.text("abcdef", min_size=1, max_size=5).map(lambda s: f"sw:{s}"), _KIND, max_size=4),
)
def test_an_event_comes_back_as_it_went_in(
    open_engine: OpenStore, title: str, day: str | None, centroids: dict[str, np.ndarray], entities: dict[str, str]
) -> None:
    store = open_engine()
    with store.transaction():
        _event(store, "ev1", "a1", "sl1", 1, day)
        store.update_event("ev1", title=title)
        store.set_centroids("ev1", centroids)
        store.add_event_entities("ev1", entities)
        store.bump_state(assigned=1)
    row = store.event_row("ev1")
    assert (row["title"], row["first_date"], row["last_date"], row["article_count"]) == (title, day, day, 1)
    assert row["storyline_id"] == "sl1" and row["rep_article_id"] == "a1"
    stored = store.get_centroids("ev1")
    assert stored.keys() == centroids.keys()
    for model, vector in centroids.items():
        np.testing.assert_array_equal(stored[model], vector)
    assert store.event_entity_ids("ev1") == entities
    assigned = store.event_of_article("a1")
    assert assigned is not None and assigned["event_id"] == "ev1"
    assert store.event_has_publication_date("ev1") == (day is not None)
    assert store.get_state().assigned == 1
    assert store.cluster_totals() == (1, 1)
    assert store.storyline_event_ids("sl1") == ["ev1"]


def test_events_moved_into_one_storyline_and_merged(open_engine: OpenStore) -> None:
    store = open_engine()
    with store.transaction():
        _event(store, "ev1", "a1", "sl1", 1, "2024-05-01")
        _event(store, "ev2", "a2", "sl2", 2, "2024-05-02")
        store.bump_state(assigned=2)
    assert [event_id for _, event_id in store.touched_events(-1)] == ["ev1", "ev2"]
    assert [event_id for _, event_id in store.touched_events(1)] == ["ev2"]
    with store.transaction():
        store.move_storyline("sl2", "sl1")
        store.refresh_storyline("sl1")
    assert sorted(store.storyline_event_ids("sl1")) == ["ev1", "ev2"]
    assert store.resolve_storyline_id("sl2") == "sl1"
    with store.transaction():
        store.move_event("ev2", "ev1")
        store.update_event("ev1", article_count=2)
        store.refresh_storyline("sl1")
    assert store.get_event_row("ev2") is None
    assert store.resolve_event_id("ev2") == "ev1"
    assert [r["id"] for r in store.event_members("ev1")] == ["a1", "a2"]
    assert store.cluster_totals() == (1, 1)
    assert [r["id"] for r in store.list_events(limit=10)] == ["ev1"]
    assert store.check(quick=True).ok


def test_the_event_index_reads_the_newest_events_and_reads_back_the_others(open_engine: OpenStore) -> None:
    store = open_engine()
    days = ["2024-05-01", "2024-05-03", None, "2024-06-20", "2024-06-21"]
    with store.transaction():
        for n, day in enumerate(days, 1):
            _event(store, f"ev{n}", f"a{n}", f"sl{n}", n, day)
            store.set_centroids(f"ev{n}", {"usem3": np.full(4, n, dtype=np.float32)})
        _event(store, "ev6", "a6", "sl6", 6, "2024-06-22")  # no centroid of the index's model: never indexed
        store.set_centroids("ev6", {"e5": np.ones(4, dtype=np.float32)})
        store.update_event("ev1", touched=7)  # changed last
    seq = {f"ev{n}": store.event_row(f"ev{n}")["seq"] for n in range(1, 7)}
    assert store.index_boundary("usem3", 5) is None
    boundary = store.index_boundary("usem3", 3)  # ev4, ev5, ev1 kept
    assert boundary == (4, seq["ev4"])
    kept = list(store.iter_event_index_rows("usem3", boundary))
    assert [r["id"] for r in kept] == ["ev1", "ev4", "ev5"]
    assert [r["id"] for r in store.iter_event_index_rows("usem3")] == ["ev1", "ev2", "ev3", "ev4", "ev5"]
    assert (kept[0]["touched"], bool(kept[0]["firm"]), kept[0]["first_date"]) == (7, True, "2024-05-01")
    np.testing.assert_array_equal(from_blob(kept[0]["vector"]), np.full(4, 1, dtype=np.float32))
    # Below the boundary: ev2 (3 May) and ev3 (undated, the third article).
    a3 = store.article_seq("a3")
    near = store.evicted_index_rows(
        "usem3", boundary, since_seq=a3 + 10, first_date="2024-05-02", last_date="2024-05-04"
    )
    assert [r["id"] for r in near] == ["ev2"]
    assert [r["id"] for r in store.evicted_index_rows("usem3", boundary, since_seq=a3)] == ["ev3"]
    assert [r["id"] for r in store.evicted_index_rows("usem3", boundary, since_seq=0)] == ["ev2", "ev3"]
    assert [r["id"] for r in store.newest_index_rows_below("usem3", boundary, 1)] == ["ev3"]
    assert [r["id"] for r in store.newest_index_rows_below("usem3", boundary, 5)] == ["ev3", "ev2"]
    assert store.evicted_extent("usem3", boundary) == ("2024-05-03", "2024-05-03", a3)


def test_the_members_an_article_is_compared_with_come_for_several_events_at_once(open_engine: OpenStore) -> None:
    store = open_engine()
    with store.transaction():
        _event(store, "ev1", "a1", "sl1", 1, "2024-05-01")
        _event(store, "ev2", "a2", "sl2", 2, "2024-05-02")
        for n, (event_id, copy_of) in enumerate([("ev1", None), ("ev1", "a3"), ("ev1", None), ("ev2", None)], 3):
            store.insert_article(Article(id=f"a{n}", title=f"t{n}", text="x", origin=f"a{n}", content_hash=f"a{n}",
                                         lang="en"))
            store.add_member(f"a{n}", event_id, 0.5, copy_of, n)
    # The representative, then the latest members (not copies), latest first, at most ``limit``.
    assert store.comparison_member_ids(["ev2", "ev1", "ev9", "ev1"], 2) == {
        "ev1": ("a1", ["a5", "a3"]), "ev2": ("a2", ["a6", "a2"])}
    assert store.comparison_member_ids(["ev1"], 10) == {"ev1": ("a1", ["a5", "a3", "a1"])}
    assert store.comparison_member_ids([], 2) == {}


def test_storylines_and_their_recent_events_come_in_one_read(open_engine: OpenStore) -> None:
    """``storylines_and_recent_events`` gives what ``storylines_of`` and ``recent_storyline_events``
    give one after the other, inside the writer's transaction and outside it."""
    store = open_engine()
    with store.transaction():
        for storyline_id in ("sl1", "sl2", "sl3"):
            store.insert_storyline(storyline_id)
        for n, storyline_id in enumerate(["sl1", "sl2", "sl1", "sl1", "sl3", "sl1"], 1):
            store.insert_article(Article(id=f"a{n}", title="t", text="x", origin=f"a{n}", content_hash=f"a{n}"))
            store.insert_event(event_id=f"ev{n}", article_id=f"a{n}", title="t", lang="en", date=None,
                               seq=store.article_seq(f"a{n}"), storyline_id=storyline_id, touched=n)
        store.update_event("ev1", last_seq=store.article_seq("a6") + 1)  # the latest member comes first
        in_transaction = store.storylines_and_recent_events(["ev3", "ev2", "ev9", "ev3"], 3)
    wanted = ["ev3", "ev2", "ev9", "ev3"]
    storyline_of = store.storylines_of(wanted)
    one_by_one = (storyline_of, store.recent_storyline_events(storyline_of.values(), 3))
    assert one_by_one == ({"ev3": "sl1", "ev2": "sl2"}, {"sl1": ["ev1", "ev6", "ev4"], "sl2": ["ev2"]})
    assert in_transaction == store.storylines_and_recent_events(wanted, 3) == one_by_one
    assert store.storylines_and_recent_events([], 3) == ({}, {})


def test_an_events_title_in_a_language_is_its_longest_report_in_it(open_engine: OpenStore) -> None:
    store = open_engine()
    with store.transaction():
        _event(store, "ev1", "a1", "sl1", 1, "2024-05-01")
        _event(store, "ev2", "a2", "sl2", 2, "2024-05-02")
        reports = [("ev1", "fr", "court", "x", None), ("ev1", "fr", "long", "x" * 40, None),
                   ("ev1", "fr", "copie", "x" * 90, "a4"), ("ev1", "ar", "عربي", "x" * 5, None),
                   ("ev2", "de", "deutsch", "x", None)]
        for n, (event_id, lang, title, text, copy_of) in enumerate(reports, 3):
            store.insert_article(Article(id=f"a{n}", title=title, text=text, origin=f"a{n}", content_hash=f"a{n}",
                                         lang=lang))
            store.add_member(f"a{n}", event_id, 0.5, copy_of, n)
    # A copy is no report of its own, however long.
    assert store.event_titles_in(["ev1", "ev2", "ev9"], "fr") == {"ev1": "long"}
    assert store.event_titles_in(["ev1", "ev2"], "ar") == {"ev1": "عربي"}
    assert store.event_titles_in(["ev1"], "de") == {}
    assert store.event_titles_in([], "fr") == {}


# -- watches and alerts ---------------------------------------------------------------------------------

_LANG = st.sampled_from(["en", "fr", "ar", "zh"])


@st.composite
def watches(draw: st.DrawFn, watch_id: str = "w1") -> WatchRow:
    entity = draw(st.none() | _WORD)
    return WatchRow(
        id=watch_id, name=draw(_TEXT), words=draw(_TEXT), entity_query=entity or "",
        entity_id=None if entity is None else f"sw:{entity}", entity_type=draw(st.none() | _KIND),
        langs=tuple(sorted(draw(st.sets(_LANG, max_size=3)))), min_outlets=draw(st.integers(0, 1000)),
        min_langs=draw(st.integers(0, 1000)), webhook_url=draw(st.none() | _TEXT),
        secret=draw(st.text("0123456789abcdef", min_size=64, max_size=64)), created_at=draw(_DAY),
    )


@HYPOTHESIS
@given(watch=watches(), other=watches("w2"))
def test_a_watch_comes_back_as_it_went_in(open_engine: OpenStore, watch: WatchRow, other: WatchRow) -> None:
    store = open_engine()
    with store.transaction():
        store.insert_watch(watch)
        store.insert_watch(other)
    assert store.get_watch(watch.id) == watch
    assert store.list_watches() == [watch, other]
    with store.transaction():
        store.set_watch_entity(watch.id, "sw:found")
    found = store.get_watch(watch.id)
    assert found is not None and found.entity_id == "sw:found"
    with store.transaction():
        assert store.delete_watch(watch.id)
        assert not store.delete_watch(watch.id)
    assert store.get_watch(watch.id) is None and store.list_watches() == [other]


def _watch(watch_id: str, webhook: str | None = "http://hooks.example/in") -> WatchRow:
    return WatchRow(id=watch_id, name=watch_id, words="harbour", entity_query="", entity_id=None, entity_type=None,
                    langs=(), min_outlets=1, min_langs=1, webhook_url=webhook, secret="s" * 64,
                    created_at="2024-05-01T00:00:00Z")


@HYPOTHESIS
@given(first=st.builds(Reported, st.booleans(), st.sets(_LANG), st.sets(_WORD, max_size=3)),
       merged=st.builds(Reported, st.booleans(), st.sets(_LANG), st.sets(_WORD, max_size=3)))
def test_what_a_watch_reported_follows_event_merges(open_engine: OpenStore, first: Reported, merged: Reported) -> None:
    store = open_engine()
    with store.transaction():
        _event(store, "ev1", "a1", "sl1", 1, None)
        _event(store, "ev2", "a2", "sl2", 2, None)
        store.insert_watch(_watch("w1"))
        store.save_watch_report("w1", "ev1", first)
        store.save_watch_report("w1", "ev2", merged)
    assert store.watch_reports("ev1") == {"w1": first}
    assert store.watch_reports("ev3") == {}
    with store.transaction():
        store.move_event("ev2", "ev1")
    assert store.watch_reports("ev1") == {"w1": Reported(first.fired or merged.fired, first.langs | merged.langs,
                                                         first.outlets | merged.outlets)}


def test_an_event_as_the_watches_read_it(open_engine: OpenStore) -> None:
    store = open_engine()
    with store.transaction():
        _event(store, "ev1", "a1", "sl1", 1, "2024-05-01")
        store.insert_article(Article(id="a2", title="t", text="x", origin="o2", content_hash="h2", lang="fr",
                                     source="wire.example"))
        store.add_member("a2", "ev1", 0.9, None, 2)
        store.update_event("ev1", article_count=2)
        store.save_article_entities(
            "a2",
            [Mention("Haiphong", 0, 8, "place", "fr", "sw:hp"), Mention("Hải Phòng", 10, 18, "place", "fr", None)],
            [Entity("sw:hp", "place", {"fr": "Haiphong"})],
        )
    assert sorted(store.event_coverage("ev1")) == [("en", ""), ("fr", "wire.example")]
    assert store.event_brief("ev1") == {"id": "ev1", "title": "title a1", "first_date": "2024-05-01",
                                        "last_date": "2024-05-01", "articles": 2}
    assert store.article_mentioned("a2") == {("sw:hp", "Haiphong")}
    assert store.article_mentioned("a1") == set()


def test_the_alerts_outbox_leases_retries_and_records_deliveries(open_engine: OpenStore) -> None:
    store = open_engine()
    with store.transaction():
        store.insert_watch(_watch("w1"))
        store.insert_watch(_watch("w2", webhook=None))
        ids = [store.insert_alert("w1", "ev1", "new_event", {"n": 1, "text": "Hải Phòng"}, webhook=True),
               store.insert_alert("w2", "ev1", "new_event", {"n": 2}, webhook=False),
               store.insert_alert("w1", "ev1", "coverage", {"n": 3}, webhook=True)]
    assert ids == sorted(ids) and len(set(ids)) == 3 and store.max_alert_seq() == ids[-1]
    assert [a["id"] for a in store.list_alerts()] == ids[::-1]
    assert [a["id"] for a in store.list_alerts(after=ids[0], oldest_first=True)] == ids[1:]
    assert [a["payload"] for a in store.list_alerts(watch_id="w1", limit=1)] == [{"n": 3}]
    assert [a["id"] for a in store.list_alerts(delivery="none")] == [ids[1]]
    assert store.delivery_counts("w1") == {"pending": 2}

    due = store.claim_due_alerts(1000.0, 60.0, 10)
    assert [(d.seq, d.url, d.payload, d.attempts) for d in due] == [
        (ids[0], "http://hooks.example/in", {"n": 1, "text": "Hải Phòng"}, 0), (ids[2], "http://hooks.example/in",
                                                                              {"n": 3}, 0)]
    assert store.claim_due_alerts(1000.0, 60.0, 10) == []  # leased to the first claim
    assert [d.seq for d in store.claim_due_alerts(1061.0, 60.0, 10, after=ids[0])] == [ids[2]]
    store.record_delivery_attempt(ids[0], delivered=True, error=None, next_attempt=None)
    store.record_delivery_attempt(ids[2], delivered=False, error="HTTP 500", next_attempt=2000.0)
    assert store.claim_due_alerts(1999.0, 60.0, 10) == []
    store.record_delivery_attempt(ids[2], delivered=False, error="HTTP 503", next_attempt=None)
    assert store.delivery_counts("w1") == {"delivered": 1, "failed": 1}
    failed = store.list_alerts(delivery="failed")
    assert [(a["id"], a["attempts"], a["last_error"]) for a in failed] == [(ids[2], 2, "HTTP 503")]
    assert store.list_alerts(delivery="delivered")[0]["delivered_at"] is not None

    assert store.retry_failed_alerts("w1") == 1 and store.retry_failed_alerts("w1") == 0
    assert [d.seq for d in store.claim_due_alerts(0.0, 60.0, 10)] == [ids[2]]
    with store.transaction():
        store.delete_watch("w1")
    assert [a["id"] for a in store.list_alerts()] == [ids[1]]
    assert store.delivery_counts("w1") == {}


# -- followed sources -----------------------------------------------------------------------------------


def _poll(day: str, next_poll_at: float, **extra: object) -> dict[str, object]:
    return {"at": f"{day}T08:00:00+00:00", "day": day, "next_poll_at": next_poll_at, "latency_ms": 12.5, **extra}


def test_a_followed_source_keeps_its_poll_state_and_health(open_engine: OpenStore) -> None:
    store = open_engine()
    values = {"url": "https://news.example/", "name": "Nachrichten", "lang": "de", "country": "DE", "every_s": 900}
    with store.transaction():
        first = store.add_source(values, "2024-05-01T00:00:00+00:00")
        again = store.add_source(values, "2024-05-02T00:00:00+00:00")
        other = store.add_source({**values, "url": "https://other.example/feed"}, "2024-05-01T00:00:00+00:00")
    assert first is not None and other is not None and again is None
    row = store.get_source(first)
    assert row is not None and (row["name"], row["lang"], row["country"], row["every_s"]) == ("Nachrichten", "de",
                                                                                             "DE", 900)
    assert [r["id"] for r in store.list_sources()] == [first, other]
    assert [r["id"] for r in store.due_sources(0.0)] == [first, other] and store.next_source_due_at() == 0.0

    with store.transaction():
        store.save_poll_success(first, _poll("2024-05-03", 5000.0, status="ok", added=2, etag='"v1"',
                                              last_modified=None, content_sha="ab" * 32,
                                              feed_url="https://news.example/rss", feed_title="News"))
        store.defer_source(other, 4000.0, "deferred")
    polled = store.source_by_url("https://news.example/rss")  # found by the feed it led to
    assert polled is not None and polled["id"] == first
    assert (polled["etag"], polled["articles_added"], polled["last_status"], polled["feed_title"]) == (
        '"v1"', 2, "ok", "News")
    assert [r["id"] for r in store.due_sources(4500.0)] == [other]
    assert [r["id"] for r in store.due_sources(0.0, every_one=True)] == [other, first]
    assert store.next_source_due_at() == 4000.0
    assert store.source_added_since("2024-05-03") == {first: 2} and store.source_added_since("2024-05-04") == {}

    reasons = []
    for n in range(3):
        with store.transaction():
            reasons.append(store.save_poll_failure(other, _poll("2024-05-03", 6000.0 + n, error="HTTP 500"), 3))
    assert reasons[:2] == [None, None] and "3 consecutive failures" in str(reasons[2]) and "HTTP 500" in str(
        reasons[2])
    paused = store.get_source(other)
    assert paused is not None and paused["paused"] and paused["consecutive_failures"] == 3
    assert [r["id"] for r in store.due_sources(0.0, every_one=True)] == [first]
    assert [(r["day"], r["polls"], r["failures"], r["added"]) for r in store.source_days(other, 30)] == [
        ("2024-05-03", 3, 3, 0)]  # the three failures; the deferral was no poll
    with store.transaction():
        store.set_source_paused(other, None, 7000.0)
    resumed = store.get_source(other)
    assert resumed is not None and not resumed["paused"] and resumed["consecutive_failures"] == 0
    assert resumed["next_poll_at"] == 7000.0

    with store.transaction():
        store.remember_source_entries(first, [("guid:1", "a1"), ("link:https://news.example/1", None)],
                                      "2024-05-01T00:00:00+00:00")
        store.remember_source_entries(first, [("guid:2", None)], "2024-05-09T00:00:00+00:00")
    assert store.handled_entry(["guid:9", "link:https://news.example/1"], None, None, None)
    assert not store.handled_entry(["guid:9"], "a9", None, "no hash")
    with store.transaction():
        store.forget_source_entries_before(first, "2024-05-05")
    assert not store.handled_entry(["guid:1"], None, None, None) and store.handled_entry(["guid:2"], None, None, None)
    _stored(store, Article(id="a7", title="t", text="x", origin="o", content_hash="h7",
                           canonical_url="https://news.example/7"))
    # An article stored by other means counts as handled, by id, content or canonical URL.
    assert store.handled_entry([], "a7", None, None) and store.handled_entry([], None, None, "h7")
    assert store.handled_entry([], None, "https://news.example/7", None)

    with store.transaction():
        assert store.remove_source(first) and not store.remove_source(first)
    assert store.get_source(first) is None and store.source_by_url(values["url"]) is None
    assert not store.handled_entry(["guid:2"], None, None, None)


# -- the whole store ------------------------------------------------------------------------------------


def _filled(store: Store) -> None:
    with store.transaction():
        _event(store, "ev1", "a1", "sl1", 1, "2024-05-01")
        store.insert_vectors("a1", {"usem3": np.ones(4, dtype=np.float32)})
        store.set_centroids("ev1", {"usem3": np.ones(4, dtype=np.float32)})
        store.save_article_entities(
            "a1", [Mention("Haiphong", 0, 8, "place", "en", "sw:hp")], [Entity("sw:hp", "place", {"en": "Haiphong"})]
        )
        store.add_event_entities("ev1", {"sw:hp": "place"})
        store.record_reject(Reject("bad.json", "not JSON"))
        store.bump_state(assigned=1)
        store.insert_watch(_watch("w1"))
        store.save_watch_report("w1", "ev1", Reported(True, {"en"}, {"(unknown)"}))
        store.insert_alert("w1", "ev1", "new_event", {"event": {"id": "ev1"}}, webhook=True)
        source = store.add_source({"url": "https://news.example/", "every_s": 900}, "2024-05-01T00:00:00+00:00")
        assert source is not None
        store.remember_source_entries(source, [("guid:1", "a1")], "2024-05-01T00:00:00+00:00")


def test_a_fresh_and_a_filled_store_pass_every_check(open_engine: OpenStore) -> None:
    store = open_engine()
    assert isinstance(store.check(), CheckReport) and store.check().ok
    _filled(store)
    report = store.check()
    assert report.ok, report.errors
    assert store.schema_version() > 0


def test_an_export_imported_into_a_new_store_exports_the_same(open_engine: OpenStore) -> None:
    source = open_engine()
    _filled(source)
    first = io.StringIO()
    counts = source.export(first)
    assert counts["articles"] == 1 and counts["events"] == 1 and counts["watches"] == counts["alerts"] == 1
    assert counts["sources"] == counts["source_entries"] == 1
    target = open_engine()
    imported = target.import_export(io.StringIO(first.getvalue()))
    assert imported == counts
    second = io.StringIO()
    target.export(second)
    assert second.getvalue() == first.getvalue()
    assert target.get_article("a1") == source.get_article("a1")
    with pytest.raises(StoreError, match="already holds data"):
        target.import_export(io.StringIO(first.getvalue()))


def test_a_backup_is_a_store_holding_the_same(
    open_engine: OpenStore, open_backup: Callable[[Path], Store], tmp_path: Path
) -> None:
    store = open_engine()
    _filled(store)
    size = store.backup(tmp_path / "copy")
    assert size > 0
    with pytest.raises(StoreError, match="exists"):
        store.backup(tmp_path / "copy")
    copy = open_backup(tmp_path / "copy")
    try:
        assert copy.get_article("a1") == store.get_article("a1")
        assert copy.list_watches() == store.list_watches() and copy.list_alerts() == store.list_alerts()
        assert [dict(r) for r in copy.list_sources()] == [dict(r) for r in store.list_sources()]
        assert copy.check().ok
    finally:
        copy.close()
