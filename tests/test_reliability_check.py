"""``storyweave check`` on a sound store, then on stores broken in many ways: each break is found."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from test_reliability_support import sound_store_copy
from typer.testing import CliRunner

from storyweave.cli import app
from storyweave.store.base import CheckReport
from storyweave.store.check import check_store
from storyweave.store.db import connect


@pytest.fixture(scope="module")
def sound_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sound_store_copy(tmp_path_factory.mktemp("check"))


@pytest.fixture
def store(sound_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store.db"
    shutil.copyfile(sound_store, copy)
    return copy


def _check(db: Path) -> CheckReport:
    conn = connect(db)
    try:
        return check_store(conn)
    finally:
        conn.close()


def _raw(db: Path) -> sqlite3.Connection:
    """A plain connection with foreign keys off: the way a buggy tool or a hand edit breaks a store."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    return conn


def test_a_sound_store_passes(sound_store: Path) -> None:
    report = _check(sound_store)
    assert report.ok, [f for f in report.errors]
    assert not report.warnings, report.warnings
    checked = {f.check for f in report.findings}
    assert checked >= {"integrity", "schema", "foreign_keys", "full_text", "vectors", "events", "event_index",
                       "storylines", "entities"}
    with sqlite3.connect(sound_store) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] >= 5
        assert conn.execute("SELECT count(*) FROM entities").fetchone()[0] >= 5
    result = CliRunner().invoke(app, ["--db", str(sound_store), "check", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ok"] is True


def _delete_fts_rows(db: Path) -> None:
    with _raw(db) as conn:
        conn.execute(
            """INSERT INTO articles_fts (articles_fts, rowid, title, text)
               SELECT 'delete', seq, title, text FROM articles WHERE id IN ('syn-00003', 'syn-00004', 'syn-00005')"""
        )


def _stale_fts_words(db: Path) -> None:
    # An edit that bypasses the triggers: the index still holds the old words.
    with _raw(db) as conn:
        conn.execute("DROP TRIGGER articles_fts_update")
        conn.execute("UPDATE articles SET title = 'Zanzibar quokka' WHERE id = 'syn-00007'")


def _orphan_event(db: Path) -> None:
    with _raw(db) as conn:
        event = conn.execute("SELECT event_id FROM event_articles WHERE article_id = 'syn-00001'").fetchone()[0]
        conn.execute("DELETE FROM event_articles WHERE event_id = ?", (event,))


def _dangling_member(db: Path) -> None:
    with _raw(db) as conn:
        conn.execute("UPDATE event_articles SET event_id = 'ev_missing' WHERE article_id = 'syn-00002'")


def _wrong_event_count(db: Path) -> None:
    with _raw(db) as conn:
        conn.execute("UPDATE events SET article_count = article_count + 1 WHERE rowid = 1")


def _orphan_storyline(db: Path) -> None:
    with _raw(db) as conn:
        conn.execute("INSERT INTO storylines (id, updated_at) VALUES ('sl_orphan', '2024-01-01')")


def _event_in_missing_storyline(db: Path) -> None:
    with _raw(db) as conn:
        conn.execute("UPDATE events SET storyline_id = 'sl_gone' WHERE rowid = 2")


def _orphan_entity(db: Path) -> None:
    with _raw(db) as conn:
        conn.execute("INSERT INTO entities (id, type, name, first_seen, updated_at) "
                     "VALUES ('sw:nobody', 'person', 'Nobody', '2024', '2024')")


def _dangling_mention(db: Path) -> None:
    with _raw(db) as conn:
        conn.execute("UPDATE mentions SET entity_id = 'Q-missing' WHERE rowid = (SELECT min(rowid) FROM mentions "
                     "WHERE entity_id IS NOT NULL)")


def _dangling_alias(db: Path) -> None:
    with _raw(db) as conn:
        conn.execute("INSERT INTO entity_aliases (entity_id, surface, lang, count) VALUES ('Q-gone', 'Gone', 'en', 1)")


def _lost_centroid(db: Path) -> None:
    with _raw(db) as conn:
        conn.execute("DELETE FROM event_vectors WHERE rowid = (SELECT min(rowid) FROM event_vectors)")


def _odd_vector(db: Path) -> None:
    with _raw(db) as conn:
        conn.execute("UPDATE article_vectors SET vector = x'00000000' WHERE rowid = 1")


def _assigner_counter(db: Path) -> None:
    with _raw(db) as conn:
        conn.execute("UPDATE cluster_state SET assigned = assigned + 3")


BREAKS: dict[str, tuple[Callable[[Path], None], str, str]] = {
    # name: (how to break the store, the check that must say so, a phrase of its message)
    "fts rows deleted": (_delete_fts_rows, "full_text", "missing from articles_fts"),
    "fts words stale": (_stale_fts_words, "full_text", "does not match the articles' text"),
    "event without articles": (_orphan_event, "events", "events without articles"),
    "member of a missing event": (_dangling_member, "foreign_keys", "of event_articles point at missing events"),
    "event count wrong": (_wrong_event_count, "events", "article_count differs"),
    "storyline without events": (_orphan_storyline, "storylines", "storylines without events"),
    "event in a missing storyline": (_event_in_missing_storyline, "storylines", "storyline that does not exist"),
    "entity without mentions": (_orphan_entity, "entities", "entities without mentions"),
    "mention of a missing entity": (_dangling_mention, "foreign_keys", "of mentions point at missing entities"),
    "alias of a missing entity": (_dangling_alias, "entities", "aliases of entities that do not exist"),
    "event centroid lost": (_lost_centroid, "event_index", "have no usem3 centroid"),
    "vector of another length": (_odd_vector, "vectors", "different lengths"),
    "assignment counter off": (_assigner_counter, "events", "the assigner counted"),
}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_each_break_is_found(store: Path, name: str) -> None:
    breaker, check, phrase = BREAKS[name]
    breaker(store)
    report = _check(store)
    assert not report.ok
    hits = [f for f in report.errors if f.check == check and phrase in f.message]
    assert hits, f"{name}: expected a {check} error saying {phrase!r}, got {report.errors}"
    assert hits[0].count >= 1


def test_deleted_fts_rows_are_named(store: Path) -> None:
    _delete_fts_rows(store)
    finding = next(f for f in _check(store).errors if "missing from articles_fts" in f.message)
    assert finding.count == 3
    assert set(finding.examples) == {"syn-00003", "syn-00004", "syn-00005"}


def test_cli_exits_non_zero_and_prints_the_problem(store: Path) -> None:
    _orphan_storyline(store)
    _delete_fts_rows(store)
    result = CliRunner().invoke(app, ["--db", str(store), "check"], env={"COLUMNS": "300"})
    assert result.exit_code == 1
    assert "storylines without events" in result.stdout and "sl_orphan" in result.stdout
    as_json = CliRunner().invoke(app, ["--db", str(store), "check", "--json"])
    assert as_json.exit_code == 1
    report = json.loads(as_json.stdout)
    assert report["ok"] is False and report["errors"] >= 2


def test_missing_vectors_are_a_warning_not_an_error(store: Path) -> None:
    with _raw(store) as conn:
        conn.execute("DELETE FROM article_vectors WHERE article_id = 'syn-00009'")
    report = _check(store)
    assert report.ok
    assert any(f.check == "vectors" and "syn-00009" in f.examples for f in report.warnings)


def test_damaged_pages_are_found(store: Path) -> None:
    """Bytes overwritten in the middle of the file: integrity_check (or opening) reports it."""
    size = store.stat().st_size
    with store.open("r+b") as raw:
        raw.seek(size // 2)
        raw.write(b"\xde\xad\xbe\xef" * 1024)
    result = CliRunner().invoke(app, ["--db", str(store), "check", "--json"])
    assert result.exit_code != 0
    if result.exit_code == 1:  # the store opened; the check names the damage
        report = json.loads(result.stdout)
        assert any(f["check"] == "integrity" and f["severity"] == "error" for f in report["findings"])
    else:  # could not even be opened: a one-line error from the CLI
        assert "store" in result.output


def test_quick_check_skips_the_full_scans(sound_store: Path) -> None:
    conn = connect(sound_store)
    try:
        report = check_store(conn, quick=True)
    finally:
        conn.close()
    assert report.ok
    assert any("quick_check" in f.message for f in report.findings)
    assert not any("current text" in f.message for f in report.findings)
