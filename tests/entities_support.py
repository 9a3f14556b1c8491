"""Helpers of the entity tests: what a recogniser finds in a text (its mentions, their types),
storing an article's names the way the single writer does, and a store made to look written by an
older release."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storyweave.entities.kb.base import get_kb
from storyweave.entities.recognise.recognizer import EntityRecognizer
from storyweave.entities.resolve.mentions import MentionResolver
from storyweave.entities.resolve.reconcile import store_article_entities
from storyweave.models import Article, Mention
from storyweave.store import articles as article_store
from storyweave.store.db import transaction
from storyweave.tracker import Tracker


def store_names(tracker: Tracker, article_id: str, lang: str, names: list[tuple[str, str]]) -> list[str | None]:
    """Store an article naming ``names`` ((surface, recogniser type)) the way the writer does; the
    stored id of each name (``None``: no mention, as for a nationality adjective)."""
    text = " . ".join(n for n, _ in names)
    with transaction(tracker.db.conn):
        article_store.insert_article(
            tracker.db.conn,
            Article(id=article_id, title="t", text=text, origin="test", lang=lang, content_hash=article_id),
        )
    mentions, start = [], len("t\n\n")
    for surface, kind in names:
        mentions.append(Mention(surface, start, start + len(surface), kind, lang, confidence=0.9))  # type: ignore[arg-type]
        start += len(surface) + 3
    resolved, entities = MentionResolver(get_kb()).resolve(mentions, lang)
    with transaction(tracker.db.conn):
        store_article_entities(tracker.db, article_id, resolved, entities)
    by_surface = {m.surface: m.entity_id for m in resolved}
    return [by_surface.get(s) for s, _ in names]


def mentions_in(recognizer: EntityRecognizer, text: str, lang: str) -> list[Mention]:
    """The mentions ``recognizer`` finds in ``text``, read as an article body in ``lang``."""
    mentions, _ = recognizer.analyse(Article(id="a1", title="", text=text, origin="test", lang=lang))
    return mentions


def typed_names(recognizer: EntityRecognizer, text: str, lang: str) -> dict[str, str]:
    """surface -> type of each name ``recognizer`` finds in ``text``."""
    return {m.surface: m.type for m in mentions_in(recognizer, text, lang)}


def as_previous_release_stored(db: Path, new_id: str, old_id: str, name: str, version: int) -> None:
    """Make the store at ``db`` look written by a release whose knowledge base gave ``name`` the id
    ``old_id`` where the current one gives ``new_id``, at schema ``version``: what a migration then
    finds to re-resolve."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "INSERT INTO entities (id, type, name, first_seen, updated_at) "
            "VALUES (?, 'place', ?, '2026-01-01', '2026-01-01')",
            (old_id, name),
        )
        conn.execute("UPDATE mentions SET entity_id = ? WHERE entity_id = ?", (old_id, new_id))
        conn.execute("UPDATE entity_aliases SET entity_id = ? WHERE entity_id = ?", (old_id, new_id))
        conn.execute("DELETE FROM entities WHERE id = ?", (new_id,))
        conn.execute(f"PRAGMA user_version = {int(version)}")
    conn.close()
