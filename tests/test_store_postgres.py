"""The PostgreSQL engine beyond the shared contract: one writer at a time, the change counter other
handles see, full text per language and by substring, a SQLite store moved over by export and
import, ``check`` and ``backup`` from the command line, and the dialect layer's translations.

Every test but the dialect's runs against a real server (``tests/pgserver.py``)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pgserver import Databases, find_program
from typer.testing import CliRunner

from storyweave.cli import app
from storyweave.errors import StoreError
from storyweave.models import Article
from storyweave.store import describe, open_store
from storyweave.store.db import latest_version as sqlite_latest_version
from storyweave.store.pg_dialect import arguments, translate

pytest.importorskip("psycopg", reason="psycopg is the postgresql extra: pip install storyweave[postgresql]")
from storyweave.store.pg_connection import latest_version as pg_latest_version

REPO = Path(__file__).resolve().parents[1]


def _article(n: int, lang: str = "en", title: str = "", text: str = "x") -> Article:
    return Article(id=f"a{n}", title=title or f"title {n}", text=text, origin=f"o{n}", content_hash=f"h{n}",
                   lang=lang)


# -- the dialect layer (no server needed) -------------------------------------------------------------


def test_parameters_become_numbered_outside_literals_only() -> None:
    query, names = translate("SELECT '?', \"a?\", x FROM t WHERE a = ? AND b = ? AND c LIKE 'x:y'")
    assert query == "SELECT '?', \"a?\", x FROM t WHERE a = $1 AND b = $2 AND c LIKE 'x:y'" and names is None
    query, names = translate("UPDATE t SET a = :at, b = :at, c = :id::text WHERE d = :id")
    assert query == "UPDATE t SET a = $1, b = $1, c = $2::text WHERE d = $2" and names == ("at", "id")
    assert arguments(names, {"id": 7, "at": "now", "unused": 1}) == ["now", 7]


def test_sqlite_spellings_become_postgresql_ones() -> None:
    assert translate("INSERT OR IGNORE INTO k (a) VALUES (?)")[0] == (
        "INSERT INTO k (a) VALUES ($1) ON CONFLICT DO NOTHING")
    assert translate("SELECT instr(a, ?), GROUP_CONCAT(DISTINCT m.lang), json_group_array(DISTINCT m.s), "
                     "json_extract(e.names, '$.en') FROM t")[0] == (
        "SELECT strpos(a, $1), string_agg(DISTINCT m.lang, ','), json_agg(DISTINCT m.s)::text, "
        "(e.names::jsonb ->> 'en') FROM t")


@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00'")))
def test_a_literal_passes_through_unchanged(text: str) -> None:
    literal = "'" + text + "'"
    assert translate(f"SELECT {literal}, ?")[0] == f"SELECT {literal}, $1"


def test_both_engines_are_at_the_same_schema_version() -> None:
    # An export names its schema version; a store moves between engines only when they agree.
    assert pg_latest_version() == sqlite_latest_version()


def test_a_printed_url_hides_its_password() -> None:
    assert describe("postgresql://team:s3cret@db.example:5432/news") == "postgresql://team:***@db.example:5432/news"
    assert describe("postgresql://team@db.example/news") == "postgresql://team@db.example/news"


def test_a_url_of_another_kind_is_refused_in_one_line() -> None:
    with pytest.raises(StoreError, match="not a store"):
        open_store("mysql://team@db.example/news")


# -- one writer ----------------------------------------------------------------------------------------


def test_a_second_writer_waits_for_the_first_then_goes_on(pg_databases: Databases) -> None:
    url = pg_databases.fresh()
    first, second = open_store(url), open_store(url, busy_timeout_ms=20000)
    try:
        done: list[float] = []

        def write_second() -> None:
            with second.transaction():
                second.insert_article(_article(2))
            done.append(time.monotonic())

        with first.transaction():
            first.insert_article(_article(1))
            waiting = threading.Thread(target=write_second)
            waiting.start()
            time.sleep(0.5)
            assert not done, "the second writer went ahead while the first held the lock"
            released = time.monotonic()
        waiting.join(20)
        assert done and done[0] >= released
        assert second.count("articles") == 2 and first.check().ok
    finally:
        first.close()
        second.close()


_HOLD_LOCK = """
import sys, time
from storyweave.store import open_store
store = open_store(sys.argv[1])
with store.transaction():
    print("holding", flush=True)
    sys.stdin.readline()
store.close()
"""


def test_a_writer_in_another_process_makes_a_second_fail_clearly(pg_databases: Databases) -> None:
    url = pg_databases.fresh()
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, cwd=REPO)
    store = open_store(url, busy_timeout_ms=300)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with pytest.raises(StoreError) as failure, store.transaction():
            store.insert_article(_article(1))
        message = str(failure.value)
        assert "another storyweave process is writing to" in message and "\n" not in message
        assert store.count("articles") == 0  # nothing half-written
        reader = open_store(url)  # readers go on meanwhile
        assert reader.list_articles() == [] and reader.check().ok
        reader.close()
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(30)
    with store.transaction():  # the lock went with the other process's transaction
        store.insert_article(_article(1))
    assert store.count("articles") == 1
    store.close()


def test_the_version_moves_when_another_handle_commits(pg_databases: Databases) -> None:
    url = pg_databases.fresh()
    reader, writer = open_store(url), open_store(url)
    try:
        before = reader.data_version()
        assert reader.data_version() == before
        with writer.transaction():
            writer.insert_article(_article(1))
        assert reader.data_version() != before
        moved = reader.data_version()
        with pytest.raises(RuntimeError), writer.transaction():
            writer.insert_article(_article(2))
            raise RuntimeError("rolled back")
        assert reader.data_version() == moved
    finally:
        reader.close()
        writer.close()


def test_the_writers_pipelined_statements_read_their_own_writes_and_fail_whole(pg_databases: Databases) -> None:
    """A write transaction sends its statements in pipeline mode: a read still sees the writes sent
    before it, and a write that fails (unread) rolls the whole transaction back, at the latest when
    it commits, leaving the store and the handle as they were."""
    url = pg_databases.fresh()
    db, reader = open_store(url), open_store(url)
    try:
        with db.transaction():
            db.insert_article(_article(1))
            assert db.has_article_id("a1")
            db.insert_article(_article(2))
        before = reader.data_version()
        with pytest.raises(Exception, match=r"(?i)duplicate|unique"), db.transaction():
            db.insert_article(_article(3))
            db.insert_article(_article(1))  # the same id again: refused by the server
        assert not reader.has_article_id("a3") and not db.has_article_id("a3")
        assert reader.data_version() == before
        with db.transaction():  # the handle goes on writing
            db.insert_article(_article(3))
        assert reader.has_article_id("a3") and reader.count("articles") == 3
    finally:
        db.close()
        reader.close()


# -- full text --------------------------------------------------------------------------------------------


def test_words_are_found_by_their_languages_stems_and_unspaced_scripts_by_substring(
    pg_databases: Databases,
) -> None:
    store = open_store(pg_databases.fresh())
    try:
        with store.transaction():
            store.insert_article(_article(1, "en", "Elections in Hanoi", "Voters elected a new assembly."))
            store.insert_article(_article(2, "de", "Wahlen in Berlin", "Die Wähler wählten einen neuen Landtag."))
            store.insert_article(_article(3, "zh", "普京访问越南", "俄罗斯总统普京抵达河内进行国事访问。"))
            store.insert_article(_article(4, "fr", "Le match", "Un but à la dernière minute."))
        assert [h.article_id for h in store.text_matches(["election"], 10)] == ["a1"]
        assert [h.article_id for h in store.text_matches(["Wahl"], 10)] == ["a2"]
        hits = store.text_matches(["hanoi", "landtag"], 10)
        assert {h.article_id for h in hits} == {"a1", "a2"}
        title_hit = next(h for h in hits if h.article_id == "a1")
        assert title_hit.in_title and "\ue000" in store.text_matches(["assembly"], 10)[0].snippet
        assert store.text_matches(["minute", "Stunde"], 10)[0].article_id == "a4"
        assert [h.article_id for h in store.substring_matches(["普京"], 10)] == ["a3"]  # two characters: a scan
        long_run = store.substring_matches(["国事访问"], -1)
        assert [h.article_id for h in long_run] == ["a3"] and "\ue000国事访问\ue001" in long_run[0].snippet
        assert store.substring_matches(["访问越南"], 10)[0].in_title
        assert store.text_matches(['"; DROP TABLE articles; --'], 10) == [] and store.count("articles") == 4
    finally:
        store.close()


# -- moving a store, check and backup from the command line ----------------------------------------------------


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _lines_by_table(export: str) -> tuple[str, Counter[str]]:
    header, *rows = export.splitlines()
    return header, Counter(rows)


def test_a_sqlite_store_moves_to_postgresql_losslessly(pg_databases: Databases, tmp_path: Path) -> None:
    from test_reliability_support import sound_store_copy

    sqlite_store = sound_store_copy(tmp_path)
    exported = tmp_path / "store.jsonl"
    _run("--db", str(sqlite_store), "export", "--output", str(exported))
    url = pg_databases.fresh()
    counts = json.loads(_run("--db", url, "import", str(exported), "--json"))
    assert counts["articles"] > 0 and counts["events"] > 0
    again = tmp_path / "again.jsonl"
    _run("--db", url, "export", "--output", str(again))
    # The same header and the same rows; PostgreSQL lists a table's rows by primary key.
    assert _lines_by_table(again.read_text(encoding="utf-8")) == _lines_by_table(exported.read_text(encoding="utf-8"))
    back = tmp_path / "back.db"
    _run("--db", str(back), "import", str(again))
    assert _lines_by_table(_run("--db", str(back), "export")) == _lines_by_table(again.read_text(encoding="utf-8"))


def test_check_and_backup_work_on_postgresql(pg_databases: Databases, tmp_path: Path) -> None:
    url = pg_databases.fresh()
    store = open_store(url)
    with store.transaction():
        store.insert_article(_article(1, "en", "Harbour strike ends"))
    store.close()
    report = json.loads(_run("--db", url, "check", "--json"))
    assert report["ok"] and {f["check"] for f in report["findings"]} >= {"schema", "integrity", "full_text"}
    target = tmp_path / "store.dump"
    _run("--db", url, "backup", str(target))
    assert target.stat().st_size > 0
    restored = pg_databases.fresh(migrated=False)
    subprocess.run([str(find_program("pg_restore")), "--no-owner", f"--dbname={restored}", str(target)], check=True)
    copy = open_store(restored)
    try:
        article = copy.get_article("a1")
        assert article is not None and article.title == "Harbour strike ends"
        assert [h.article_id for h in copy.text_matches(["strike"], 5)] == ["a1"]
    finally:
        copy.close()


# -- end to end: the seeds through the pipeline into each engine -------------------------------------------


def _without_snippets(hits: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{k: v for k, v in hit.items() if k != "snippet"} for hit in hits]


def test_the_seed_articles_read_back_from_postgresql_as_from_sqlite(pg_databases: Databases, tmp_path: Path) -> None:
    """Ingest the example articles (the two seed reports of one phone call, and the state visit that
    continues it) through the CLI into a SQLite and a PostgreSQL store: the same events, storylines,
    entities and search hits come back.  Snippets differ (FTS5's snippet, PostgreSQL's ts_headline)."""
    from conftest import EXAMPLES
    from test_reliability_support import LIGHT_SETTINGS

    config = tmp_path / "light.toml"
    config.write_text("".join(f"{name} = {json.dumps(value)}\n" for name, value in LIGHT_SETTINGS.items()),
                      encoding="utf-8")
    stores = {"sqlite": str(tmp_path / "seeds.db"), "postgresql": pg_databases.fresh()}
    answers: dict[str, dict[str, object]] = {}
    for engine, db in stores.items():
        _run("--config", str(config), "--db", db, "ingest", str(EXAMPLES))

        def read(*args: str, db: str = db) -> object:
            return json.loads(_run("--config", str(config), "--db", db, *args, "--json"))

        events = read("events")
        assert isinstance(events, list)
        answers[engine] = {
            "events": events,
            "event": [read("event", str(e["id"])) for e in events],
            "storylines": read("storylines"),
            "entities": read("entities"),
            "search": {q: _without_snippets(read("search", q)) for q in ("Putin", "Poutine", "بوتين")},
        }
        answers[engine]["stemmed"] = [hit["id"] for hit in read("search", "visits", "--no-semantic")]
        assert json.loads(_run("--db", db, "check", "--json"))["ok"]
    sqlite, postgresql = answers["sqlite"], answers["postgresql"]
    assert len(sqlite["events"]) == 2 and sqlite["search"]["Putin"]  # type: ignore[arg-type]
    # PostgreSQL stems words in each article's language: "visits" finds "visit" (English) and "visite"
    # (French), which SQLite's exact words do not.
    assert sqlite.pop("stemmed") == [] and "sw-fixture-putin-hanoi-2024-06-20" in postgresql.pop("stemmed")  # type: ignore[operator]
    for part in sqlite:
        assert postgresql[part] == sqlite[part], part


def test_the_writer_decides_alike_on_both_engines(pg_databases: Databases, tmp_path: Path) -> None:
    """The same enriched articles (the seeds and a corpus of happenings in seven languages and three
    scripts), stored by the writer on SQLite and on PostgreSQL, give the same decisions row by row:
    events and every member's score, storylines, merges, every mention's entity id, entities with
    their names, keys and redirects (``decisions_support``; time stamps and sequence numbers apart).
    Consolidation runs every ten articles, so merges and storyline links are compared too."""
    from conftest import EXAMPLES
    from decisions_support import decisions
    from test_reliability_support import LIGHT_SETTINGS

    from storyweave import Settings, pipeline
    from storyweave.alerts.watcher import AlertWatcher
    from storyweave.cluster import Assigner
    from storyweave.ingest import iter_inputs
    from storyweave.models import EnrichedArticle

    settings = Settings({**LIGHT_SETTINGS, "consolidate_every": 10})
    corpus = REPO / "tests" / "fixtures" / "corpus" / "articles.jsonl"
    docs = [*iter_inputs(str(EXAMPLES), settings), *iter_inputs(str(corpus), settings)]
    enricher = pipeline.Enricher(settings)
    enriched = [o for o in (pipeline.enrich_one(enricher, d) for d in docs) if isinstance(o, EnrichedArticle)]
    assert len(enriched) > 50
    stores = {"sqlite": str(tmp_path / "writer.db"), "postgresql": pg_databases.fresh()}
    for location in stores.values():
        db = open_store(location)
        try:
            writer = pipeline.Writer(db, Assigner(db, settings), AlertWatcher(db), settings)
            # The writer rewrites mentions' entity ids in place: each engine gets its own copy.
            for start in range(0, len(enriched), 8):
                writer.store_batch(copy.deepcopy(enriched[start : start + 8]))
        finally:
            db.close()
    sqlite, postgresql = decisions(stores["sqlite"]), decisions(stores["postgresql"])
    assert len(sqlite["events"]) > 5 and sqlite["event_merges"] and sqlite["entity_aliases"]
    for table in sqlite.keys() | postgresql.keys():
        assert postgresql.get(table) == sqlite.get(table), table
