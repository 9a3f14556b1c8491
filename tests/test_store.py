"""The SQLite store: migrations, WAL, idempotent inserts and a hypothesis round trip."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyweave.errors import StoreError
from storyweave.models import Article, DateMention, Reject, Removal
from storyweave.store import articles as store
from storyweave.store.db import connect, latest_version, schema_version, transaction


def test_new_store_is_migrated_and_in_wal_mode(db_path: Path) -> None:
    conn = connect(db_path)
    assert schema_version(conn) == latest_version() >= 1
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    # reopening applies nothing twice
    again = connect(db_path)
    assert schema_version(again) == latest_version()


def test_store_from_a_newer_storyweave_is_refused(db_path: Path) -> None:
    conn = connect(db_path)
    conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this storyweave"):
        connect(db_path)


def test_a_file_that_is_not_sqlite_gives_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-db.db"
    bogus.write_bytes(b"this is certainly not a database" * 100)
    with pytest.raises(StoreError, match="cannot open store"):
        connect(bogus)


def _article(**fields: object) -> Article:
    base: dict[str, object] = {
        "id": "a1",
        "title": "Title",
        "text": "Body text.",
        "origin": "test",
        "content_hash": "h1",
    }
    base.update(fields)
    return Article(**base)  # type: ignore[arg-type]


def test_duplicates_are_found_by_id_url_or_content(db_path: Path) -> None:
    conn = connect(db_path)
    with transaction(conn):
        store.insert_article(conn, _article(canonical_url="https://example.org/a"))
    assert store.find_existing(conn, _article(id="other", content_hash="h2")) is None
    assert store.find_existing(conn, _article(content_hash="h2")) == "a1"
    assert store.find_existing(conn, _article(id="b", content_hash="h1")) == "a1"
    assert store.find_existing(conn, _article(id="b", content_hash="h3", canonical_url="https://example.org/a")) == "a1"
    with pytest.raises(sqlite3.IntegrityError), transaction(conn):
        store.insert_article(conn, _article(id="c"))  # same content hash
    assert store.count(conn, "articles") == 1


def test_the_same_reject_twice_is_one_row_seen_twice(db_path: Path) -> None:
    conn = connect(db_path)
    for _ in range(2):
        with transaction(conn):
            store.record_reject(conn, Reject("bad.html", "empty file"))
    rows = store.list_rejects(conn)
    assert len(rows) == 1 and rows[0]["times"] == 2


text_values = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    title=text_values,
    text=text_values,
    lang=st.sampled_from(["ar", "fr", "und", "zh"]),
    confidence=st.floats(min_value=0, max_value=1),
    removed=st.lists(st.builds(Removal, st.sampled_from(["caption", "teaser", "repeated"]), text_values), max_size=4),
    metadata=st.dictionaries(st.text(max_size=10), st.one_of(st.integers(), text_values, st.booleans()), max_size=4),
    dates=st.lists(
        st.builds(
            DateMention, st.dates().map(str), text_values, text_values, st.sampled_from(["event", "publication"])
        ),
        max_size=3,
    ),
)
def test_store_round_trip_is_lossless(
    tmp_path: Path,
    title: str,
    text: str,
    lang: str,
    confidence: float,
    removed: list[Removal],
    metadata: dict[str, object],
    dates: list[DateMention],
) -> None:
    conn = connect(tmp_path / "roundtrip.db")
    with transaction(conn):
        conn.execute("DELETE FROM articles")
    article = _article(
        title=title,
        text=text,
        lang=lang,
        lang_confidence=confidence,
        removed=removed,
        metadata=metadata,
        publish_date="2024-03-28",
        url="https://example.org/x",
        source="example.org",
    )
    with transaction(conn):
        store.insert_article(conn, article)
        store.insert_dates(conn, article.id, dates)
    assert store.get_article(conn, article.id) == article
    assert store.get_dates(conn, article.id) == dates
    conn.close()
