"""The writer keeps what reconciliation read of the stored names between articles
(``entities.resolve.stored.StoredNames``): it must decide exactly as a writer that reads everything
afresh, also when another writer stores articles in between, or one of its transactions fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyweave import Settings, pipeline
from storyweave.entities.names import name_form, sw_id
from storyweave.entities.resolve.stored import Bounded
from storyweave.models import Article, EnrichedArticle, Entity, Mention
from storyweave.store import open_store

# Each article names some people (surface, language); their ids are those of their own names, as the
# recogniser gives names no knowledge base knows.  Bare and full names, several scripts, so that
# reconciliation joins, absorbs and picks by context.
ARTICLES = [
    [("Vladimir Poutine", "fr"), ("Marine Tondelier", "fr")],
    [("Poutine", "fr"), ("Tondelier", "fr")],
    [("Putin", "en"), ("Olaf Scholz", "en")],
    [("Wladimir Putin", "de"), ("Scholz", "de")],
    [("Путин", "ru"), ("Шольц", "ru")],
    [("Scholz", "en"), ("Tondelier", "fr"), ("Putin", "en")],
    [("Ernst Scholz", "de"), ("Poutine", "fr")],
    [("Scholz", "de"), ("Ernst Scholz", "de")],
    [("Marine Tondelier", "fr"), ("Vladimir Putin", "en")],
    [("Olaf Scholz", "de"), ("Scholz", "de"), ("Путин", "ru")],
]


def _enriched(n: int, names: list[tuple[str, str]]) -> EnrichedArticle:
    text = " ; ".join(surface for surface, _ in names)
    mentions, entities = [], {}
    position = 0
    for surface, lang in names:
        entity_id = sw_id(name_form(surface))
        assert entity_id is not None
        mentions.append(Mention(surface, position, position + len(surface), "person", lang, entity_id, 0.9))
        entities.setdefault(entity_id, Entity(entity_id, "person", {lang: surface}, set()))
        entities[entity_id].aliases.add(surface)
        position += len(surface) + 3
    article = Article(id=f"a{n}", title=f"article {n}", text=text, origin=f"test:{n}", lang=names[0][1],
                      content_hash=f"h{n}")
    return EnrichedArticle(article=article, mentions=mentions, entities=list(entities.values()))


def _stored_ids(location: Path) -> list[tuple[str, str, str]]:
    db = open_store(location)
    try:
        return [(a.id, m.surface, str(m.entity_id))
                for a in (db.get_article(f"a{n}") for n in range(len(ARTICLES))) if a is not None
                for m in db.load_article_entities(a.id)[0]]
    finally:
        db.close()


def _one_writer_reading_afresh(location: Path, skip: frozenset[int] = frozenset()) -> list[tuple[str, str, str]]:
    for n, names in enumerate(ARTICLES):
        if n in skip:
            continue
        db = open_store(location)  # a new writer per article: nothing kept between them
        try:
            assert pipeline.Writer(db, None).store(_enriched(n, names))
        finally:
            db.close()
    return _stored_ids(location)


@pytest.mark.parametrize("turns", [[0, 1], [0, 0, 1], [1, 0, 0, 1, 1]])
def test_two_writers_taking_turns_decide_as_one_reading_afresh(tmp_path: Path, turns: list[int]) -> None:
    """Writers A and B store the articles in turn (``turns`` cycles): each must see what the other
    stored, though it keeps what it read of the names between its own articles."""
    expected = _one_writer_reading_afresh(tmp_path / "fresh.db")
    location = tmp_path / "shared.db"
    stores = [open_store(location), open_store(location)]
    try:
        writers = [pipeline.Writer(db, None) for db in stores]
        for n, names in enumerate(ARTICLES):
            assert writers[turns[n % len(turns)]].store(_enriched(n, names))
    finally:
        for db in stores:
            db.close()
    assert _stored_ids(location) == expected


class _WatcherFailingOn:
    """A watcher whose evaluation fails once for some articles: the writer's transaction fails after
    reconciliation stored their names and told the writer's view of them."""

    def __init__(self, article_ids: set[str]) -> None:
        self.failing = set(article_ids)

    def article_stored(self, enriched: EnrichedArticle) -> list[int]:
        if enriched.article.id in self.failing:
            self.failing.discard(enriched.article.id)
            raise RuntimeError("watch evaluation failed")
        return []


def test_a_failed_transaction_leaves_nothing_remembered(tmp_path: Path) -> None:
    """Articles whose transaction fails leave the store as it was, and the writer's next articles
    decide as if they had never been tried."""
    failing = frozenset({1, 3, 6})
    expected = _one_writer_reading_afresh(tmp_path / "fresh.db", skip=failing)
    db = open_store(tmp_path / "s.db")
    try:
        writer = pipeline.Writer(db, None, _WatcherFailingOn({f"a{n}" for n in failing}))
        for n, names in enumerate(ARTICLES):
            if n in failing:
                with pytest.raises(RuntimeError, match="watch evaluation failed"):
                    writer.store(_enriched(n, names))
            else:
                assert writer.store(_enriched(n, names))
    finally:
        db.close()
    assert _stored_ids(tmp_path / "s.db") == expected


@pytest.mark.parametrize("kept", [1, 3])
def test_a_writer_with_tight_bounds_decides_as_one_reading_afresh(tmp_path: Path, kept: int) -> None:
    """Bounds on what the writer keeps (``writer_names_kept``, ``writer_name_pairs_kept``) drop what
    it read, never what it decides: names dropped are read again from the store."""
    expected = _one_writer_reading_afresh(tmp_path / "fresh.db")
    db = open_store(tmp_path / "s.db")
    try:
        settings = Settings({"writer_names_kept": kept, "writer_name_pairs_kept": kept})
        writer = pipeline.Writer(db, None, None, settings)
        for n, names in enumerate(ARTICLES):
            assert writer.store(_enriched(n, names))
    finally:
        db.close()
    assert _stored_ids(tmp_path / "s.db") == expected


def test_bounded_drops_the_oldest_quarter_past_its_limit() -> None:
    kept: Bounded[int, int] = Bounded(8)
    for n in range(8):
        kept.make_room(1)
        kept[n] = n
    assert list(kept) == list(range(8))
    kept.make_room(1)  # full: the two oldest go
    kept[8] = 8
    assert list(kept) == list(range(2, 9))
    kept.make_room(20)  # more coming than the limit holds: everything goes
    assert not kept
