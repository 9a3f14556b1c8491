"""``check_store``: verify that a store keeps every promise it makes, and say what is broken.

Each check reads the store and returns findings; nothing is repaired.  A finding is ``ok``,
``warning`` (suspicious but legitimate, such as articles ingested without the embed stage) or
``error`` (a broken promise: corruption, a dangling reference, an index out of step with its table,
counts that disagree with the rows they count).  ``storyweave check`` prints them and exits non-zero
when any is an error.

The checks run inside one read transaction, so checking a store that is being written to sees one
consistent snapshot (WAL readers never block the writer).  Called inside a transaction that is
already open (an import, before it commits), they check what that transaction holds and leave it
open and unchanged.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any

import regex

from .articles import iter_metadata
from .base import CheckReport, Finding
from .connection import Connection
from .db import latest_version, schema_version
from .search import CJK_LANGS, quote_term

# How many articles the full-text sample looks up, spread evenly over the store.
_FTS_SAMPLE = 50
_EXAMPLES = 5
# One token as FTS5's unicode61 tokenizer (categories L* N* Co Mn Mc) cuts it.
_TOKEN = regex.compile(r"[\p{L}\p{N}\p{Co}\p{Mn}\p{Mc}]+")
_TOKENIZE = re.compile(r"tokenize\s*=\s*(\"[^\"]*\"|'[^']*'|\w+)", re.IGNORECASE)


def check_store(conn: sqlite3.Connection, *, quick: bool = False) -> CheckReport:
    """Run every check; ``quick`` skips the two that read every page (integrity and FTS content)."""
    report = CheckReport()
    own_transaction = not conn.in_transaction
    if own_transaction:
        conn.execute("BEGIN")  # one snapshot for every check
    try:
        report.findings.extend(run_checks(conn, _CHECKS, quick, sqlite3.DatabaseError))
    finally:
        if own_transaction:
            _end_read(conn)
    if not quick:
        report.findings.extend(_guarded(_full_text_content(conn), "full_text", sqlite3.DatabaseError))
    return report


def _end_read(conn: sqlite3.Connection) -> None:
    try:
        conn.execute("COMMIT")
    except sqlite3.DatabaseError:  # a damaged store can fail even this; nothing was written
        if conn.in_transaction:
            conn.execute("ROLLBACK")


Check = Callable[[Any, bool], Iterator[Finding]]


def run_checks(
    conn: Connection, checks: tuple[Check, ...], quick: bool, driver_error: type[Exception]
) -> list[Finding]:
    """The findings of ``checks`` in order; one that cannot read the store (``driver_error``) becomes an
    error finding of its own."""
    findings: list[Finding] = []
    for run_check in checks:
        findings.extend(_guarded(run_check(conn, quick), run_check.__name__.strip("_"), driver_error))
    return findings


def schema_finding(version: int, latest: int) -> Finding:
    if version != latest:
        return Finding("schema", "error", f"schema version {version}, this storyweave expects {latest}; open it "
                       "with a writer to migrate", 1)
    return Finding("schema", "ok", f"schema version {version}")


def _guarded(findings: Iterator[Finding], name: str, driver_error: type[Exception]) -> list[Finding]:
    """The findings of one check; a store too damaged to read becomes an error finding, not a crash."""
    collected: list[Finding] = []
    try:
        collected.extend(findings)
    except driver_error as exc:
        collected.append(Finding(name, "error", f"the {name} check could not read the store: {exc}", 1))
    except (TypeError, ValueError, OverflowError) as exc:  # a value of the wrong type (a tampered store)
        collected.append(Finding(name, "error", f"the {name} check found a value it cannot read: {exc}", 1))
    return collected


# -- helpers ------------------------------------------------------------------------------------------


def _table_exists(conn: Connection, name: str) -> bool:
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
    return found is not None


def _ids(conn: Connection, sql: str, params: tuple[Any, ...] = ()) -> tuple[int, tuple[str, ...]]:
    """How many rows ``sql`` (selecting one column) returns, and the first few as examples."""
    rows = conn.execute(sql, params).fetchall()
    return len(rows), tuple(str(r[0]) for r in rows[:_EXAMPLES])


def _expect_none(check: str, what: str, conn: Connection, sql: str) -> Finding:
    """An error finding when ``sql`` returns rows, else ok."""
    count, examples = _ids(conn, sql)
    if count:
        return Finding(check, "error", f"{count} {what}", count, examples)
    return Finding(check, "ok", f"no {what}")


# -- checks -------------------------------------------------------------------------------------------


def _integrity(conn: sqlite3.Connection, quick: bool) -> Iterator[Finding]:
    pragma = "quick_check" if quick else "integrity_check"
    try:
        lines = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}(100)")]
    except sqlite3.DatabaseError as exc:
        yield Finding("integrity", "error", f"PRAGMA {pragma} failed: {exc}", 1)
        return
    if lines == ["ok"]:
        yield Finding("integrity", "ok", f"PRAGMA {pragma}: ok")
    else:
        yield Finding("integrity", "error", f"PRAGMA {pragma} found {len(lines)} problems", len(lines),
                      tuple(lines[:_EXAMPLES]))
    yield schema_finding(schema_version(conn), latest_version())


def _foreign_keys(conn: sqlite3.Connection, quick: bool) -> Iterator[Finding]:
    rows = conn.execute("PRAGMA foreign_key_check").fetchall()
    if not rows:
        yield Finding("foreign_keys", "ok", "every reference points at an existing row")
        return
    by_link: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        by_link.setdefault((row[0], row[2]), []).append(str(row[1]))
    for (table, parent), rowids in sorted(by_link.items()):
        yield Finding("foreign_keys", "error", f"{len(rowids)} rows of {table} point at missing {parent} rows",
                      len(rowids), tuple(f"{table} rowid {r}" for r in rowids[:_EXAMPLES]))


def _full_text(conn: sqlite3.Connection, quick: bool) -> Iterator[Finding]:
    """Each full-text index holds exactly its articles, with their current words."""
    indexes = [("articles_fts", "1 = 1", ()), ("articles_cjk", f"lang IN ({','.join('?' * len(CJK_LANGS))})",
                                                  CJK_LANGS)]
    for index, where, params in indexes:
        if not _table_exists(conn, index):
            continue
        missing, missing_ex = _ids(
            conn, f"SELECT id FROM articles WHERE {where} AND seq NOT IN (SELECT id FROM {index}_docsize)", params
        )
        stale, stale_ex = _ids(
            conn, f"SELECT id FROM {index}_docsize WHERE id NOT IN (SELECT seq FROM articles WHERE {where})", params
        )
        indexed = conn.execute(f"SELECT count(*) FROM {index}_docsize").fetchone()[0]
        if missing:
            yield Finding("full_text", "error", f"{missing} articles are missing from {index}", missing, missing_ex)
        if stale:
            yield Finding("full_text", "error", f"{index} holds {stale} rows of no (or another) article", stale,
                          tuple(f"rowid {r}" for r in stale_ex))
        if not missing and not stale:
            yield Finding("full_text", "ok", f"{index} holds all {indexed} of its articles")
    yield from _full_text_sample(conn)


def _full_text_content(conn: sqlite3.Connection) -> Iterator[Finding]:
    """FTS5's own integrity check: the index holds exactly the words of the current text.

    FTS5 runs it as a write command, so it waits for the write lock (a running ingest pauses for
    its duration) and nothing is written: the transaction is rolled back.
    """
    # articles_cjk indexes only the articles in unspaced scripts, so it cannot be compared with the
    # whole content table (rank 1); its internal structure is checked and the sample covers it.
    nested = conn.in_transaction  # inside an import's transaction: a savepoint, rolled back the same way
    for index, rank in (("articles_fts", 1), ("articles_cjk", 0)):
        if not _table_exists(conn, index):
            continue
        try:
            conn.execute("SAVEPOINT sw_check_fts" if nested else "BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            yield Finding("full_text", "warning", f"{index} content not compared: {exc}")
            continue
        try:
            conn.execute(f"INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', ?)", (rank,))
            checked = "words match the articles' current text" if rank else "structure is sound"
            yield Finding("full_text", "ok", f"{index} {checked}")
        except sqlite3.DatabaseError as exc:
            yield Finding("full_text", "error", f"{index} does not match the articles' text ({exc}); rebuild "
                          f"it: INSERT INTO {index}({index}) VALUES('rebuild')", 1)
        finally:
            if nested:
                conn.execute("ROLLBACK TO sw_check_fts")
                conn.execute("RELEASE sw_check_fts")
            elif conn.in_transaction:
                conn.execute("ROLLBACK")


def _sample_rows(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    step = max(1, total // _FTS_SAMPLE)
    return conn.execute(
        "SELECT seq, id, title, text, lang FROM articles WHERE (seq % ?) = 0 ORDER BY seq LIMIT ?",
        (step, _FTS_SAMPLE),
    ).fetchall()


def _tokenizer(conn: sqlite3.Connection, index: str) -> str:
    """The ``tokenize = …`` clause ``index`` was created with (empty for FTS5's default)."""
    row = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (index,)).fetchone()
    found = _TOKENIZE.search(row[0] if row else "")
    return found.group(0) if found else ""


def _tokens(conn: sqlite3.Connection, text: str) -> list[str]:
    """``text`` cut into terms by the index's own tokenizer (a scratch FTS5 table in the temp schema)."""
    conn.execute("DELETE FROM temp.sw_check_tokens")
    conn.execute("INSERT INTO temp.sw_check_tokens (body) VALUES (?)", (text,))
    return [r[0] for r in conn.execute("SELECT term FROM temp.sw_check_tokens_vocab")]


def _full_text_sample(conn: sqlite3.Connection) -> Iterator[Finding]:
    """Search, as a user would, for a word of sampled articles: each must find its own article.

    The word is cut by the index's own tokenizer, so exotic scripts or newer Unicode letters can
    never make a sound index look broken.
    """
    if not _table_exists(conn, "articles_fts"):
        return
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.sw_check_tokens USING fts5(body, "
                 f"{_tokenizer(conn, 'articles_fts') or 'tokenize = unicode61'})")
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.sw_check_tokens_vocab "
                 "USING fts5vocab(temp, sw_check_tokens, row)")
    cjk = _table_exists(conn, "articles_cjk")
    sampled, lost = 0, []
    try:
        for row in _sample_rows(conn):
            tokens = _tokens(conn, row["title"]) or _tokens(conn, row["text"][:2000])
            if not tokens:
                continue
            sampled += 1
            term, index = max(tokens, key=len), "articles_fts"
            runs = _TOKEN.findall(row["title"])
            if cjk and row["lang"] in CJK_LANGS and runs and len(max(runs, key=len)) >= 3:
                index, term = "articles_cjk", max(runs, key=len)[:3]  # trigrams: any three characters
            found = conn.execute(
                f"SELECT 1 FROM {index} WHERE {index} MATCH ? AND rowid = ?", (quote_term(term), row["seq"])
            ).fetchone()
            if found is None:
                lost.append(f"{row['id']} ({term!r} in {index})")
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.sw_check_tokens_vocab")
        conn.execute("DROP TABLE IF EXISTS temp.sw_check_tokens")
    if lost:
        yield Finding("full_text", "error", f"searching a word of {len(lost)} of {sampled} sampled articles "
                      "does not find them", len(lost), tuple(lost[:_EXAMPLES]))
    elif sampled:
        yield Finding("full_text", "ok", f"a word of each of {sampled} sampled articles finds it")


def _vectors(conn: Connection, quick: bool) -> Iterator[Finding]:
    """Per model: every article has its vector once any has, and all vectors have one length."""
    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    models = [r[0] for r in conn.execute("SELECT DISTINCT model FROM article_vectors ORDER BY model")]
    if not models:
        if articles:
            yield Finding("vectors", "warning", f"none of {articles} articles has a vector (embed stage off?); "
                          "events and search by meaning need them", articles)
        return
    for model in models:
        lacking, examples = _ids(
            conn,
            "SELECT id FROM articles a WHERE NOT EXISTS "
            "(SELECT 1 FROM article_vectors v WHERE v.article_id = a.id AND v.model = ?)",
            (model,),
        )
        if lacking:
            yield Finding("vectors", "warning", f"{lacking} of {articles} articles have no {model} vector "
                          "(ingested without that model?)", lacking, examples)
        else:
            yield Finding("vectors", "ok", f"all {articles} articles have a {model} vector")
        sizes = conn.execute(
            "SELECT length(vector) AS bytes, count(*) AS n FROM article_vectors WHERE model = ? GROUP BY bytes "
            "ORDER BY n DESC",
            (model,),
        ).fetchall()
        if len(sizes) > 1:
            odd = sum(r["n"] for r in sizes[1:])
            yield Finding("vectors", "error", f"{model} vectors have {len(sizes)} different lengths "
                          f"({', '.join(str(r['bytes']) for r in sizes)} bytes)", odd)
        elif sizes[0]["bytes"] % 4:
            yield Finding("vectors", "error", f"{model} vectors are {sizes[0]['bytes']} bytes long, not a whole "
                          "number of float32 values", sizes[0]["n"])


def _events(conn: Connection, quick: bool) -> Iterator[Finding]:
    if not _table_exists(conn, "events"):
        return
    events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    assigned = conn.execute("SELECT count(*) FROM event_articles").fetchone()[0]
    if events or assigned:
        unassigned, examples = _ids(
            conn,
            "SELECT id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM event_articles m WHERE m.article_id = a.id)",
        )
        if unassigned:
            yield Finding("events", "warning", f"{unassigned} articles belong to no event (ingested with "
                          "assign_events off?)", unassigned, examples)
        else:
            yield Finding("events", "ok", f"every article belongs to one of {events} events")
    yield _expect_none("events", "event members that are not stored articles", conn,
                       "SELECT article_id FROM event_articles m WHERE NOT EXISTS "
                       "(SELECT 1 FROM articles a WHERE a.id = m.article_id)")
    yield _expect_none("events", "event members of events that do not exist", conn,
                       "SELECT article_id FROM event_articles m WHERE NOT EXISTS "
                       "(SELECT 1 FROM events e WHERE e.id = m.event_id)")
    yield _expect_none("events", "events without articles (orphans)", conn,
                       "SELECT id FROM events e WHERE NOT EXISTS "
                       "(SELECT 1 FROM event_articles m WHERE m.event_id = e.id)")
    yield _expect_none("events", "events whose article_count differs from their members", conn,
                       "SELECT id FROM events e WHERE article_count != "
                       "(SELECT count(*) FROM event_articles m WHERE m.event_id = e.id)")
    yield _expect_none("events", "events whose representative or latest article is not a member", conn,
                       "SELECT id FROM events e WHERE NOT EXISTS (SELECT 1 FROM event_articles m "
                       "WHERE m.event_id = e.id AND m.article_id = e.rep_article_id) OR NOT EXISTS "
                       "(SELECT 1 FROM event_articles m WHERE m.event_id = e.id AND m.article_id = e.last_article_id)")
    state = conn.execute("SELECT assigned FROM cluster_state WHERE id = 1").fetchone()
    if state is not None and state[0] != assigned:
        yield Finding("events", "error", f"the assigner counted {state[0]} assignments but {assigned} are stored",
                      abs(state[0] - assigned))
    yield from _event_index(conn)
    yield from _storylines(conn)


def _event_index(conn: Connection) -> Iterator[Finding]:
    """Every event whose members have vectors of a model has a centroid of that model (the ANN index)."""
    models = [r[0] for r in conn.execute("SELECT DISTINCT model FROM article_vectors ORDER BY model")]
    for model in models:
        lacking, examples = _ids(
            conn,
            """SELECT e.id FROM events e
               WHERE EXISTS (SELECT 1 FROM event_articles m JOIN article_vectors v ON v.article_id = m.article_id
                             WHERE m.event_id = e.id AND v.model = ?)
                 AND NOT EXISTS (SELECT 1 FROM event_vectors c WHERE c.event_id = e.id AND c.model = ?)""",
            (model, model),
        )
        indexed = conn.execute("SELECT count(*) FROM event_vectors WHERE model = ?", (model,)).fetchone()[0]
        if lacking:
            yield Finding("event_index", "error", f"{lacking} events have no {model} centroid although their "
                          "articles have vectors", lacking, examples)
        else:
            yield Finding("event_index", "ok", f"{indexed} events carry a {model} centroid")
    yield _expect_none("event_index", "centroids of events that do not exist", conn,
                       "SELECT event_id FROM event_vectors c WHERE NOT EXISTS "
                       "(SELECT 1 FROM events e WHERE e.id = c.event_id)")


def _storylines(conn: Connection) -> Iterator[Finding]:
    yield _expect_none("storylines", "events in a storyline that does not exist", conn,
                       "SELECT id FROM events e WHERE NOT EXISTS "
                       "(SELECT 1 FROM storylines s WHERE s.id = e.storyline_id)")
    yield _expect_none("storylines", "storylines without events (orphans)", conn,
                       "SELECT id FROM storylines s WHERE NOT EXISTS "
                       "(SELECT 1 FROM events e WHERE e.storyline_id = s.id)")
    yield _expect_none("storylines", "storylines whose event or article counts differ from their events", conn,
                       """SELECT id FROM storylines s
                          WHERE event_count != (SELECT count(*) FROM events e WHERE e.storyline_id = s.id)
                             OR article_count != (SELECT coalesce(sum(article_count), 0) FROM events e
                                                  WHERE e.storyline_id = s.id)""")
    yield _expect_none("storylines", "merge records pointing at nothing", conn,
                       """SELECT old_id FROM event_merges m
                          WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = m.new_id)
                          AND NOT EXISTS (SELECT 1 FROM storylines s WHERE s.id = m.new_id)""")


def _entities(conn: Connection, quick: bool) -> Iterator[Finding]:
    if not _table_exists(conn, "entities"):
        return
    yield _expect_none("entities", "entities without mentions (orphans)", conn,
                       "SELECT id FROM entities e WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE m.entity_id = e.id)")
    yield _expect_none("entities", "mentions of entities that do not exist", conn,
                       "SELECT article_id || '#' || position FROM mentions m "
                       "WHERE entity_id IS NOT NULL AND NOT EXISTS "
                       "(SELECT 1 FROM entities e WHERE e.id = m.entity_id)")
    yield _expect_none("entities", "mentions in articles that do not exist", conn,
                       "SELECT article_id || '#' || position FROM mentions m WHERE NOT EXISTS "
                       "(SELECT 1 FROM articles a WHERE a.id = m.article_id)")
    yield _expect_none("entities", "aliases of entities that do not exist", conn,
                       "SELECT entity_id || ':' || surface FROM entity_aliases x WHERE NOT EXISTS "
                       "(SELECT 1 FROM entities e WHERE e.id = x.entity_id)")
    if _table_exists(conn, "event_entities"):
        yield _expect_none("entities", "event entity counts naming unknown entities", conn,
                           "SELECT event_id || ':' || entity_id FROM event_entities x WHERE NOT EXISTS "
                           "(SELECT 1 FROM entities e WHERE e.id = x.entity_id)")


def _articles(conn: Connection, quick: bool) -> Iterator[Finding]:
    """Every article's extra fields are a JSON object a reader can decode (every read of it does)."""
    unreadable = [str(article_id) for article_id, text in iter_metadata(conn) if not _json_object(text)]
    if unreadable:
        yield Finding("articles", "error", f"{len(unreadable)} articles have extra fields (metadata) that are not "
                      "a readable JSON object", len(unreadable), tuple(unreadable[:_EXAMPLES]))
    else:
        yield Finding("articles", "ok", "every article's extra fields are a readable JSON object")


def _json_object(text: Any) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except (TypeError, ValueError, RecursionError):
        return False


# The checks of the data model itself: the same tables and promises on every engine.
SHARED_CHECKS: tuple[Check, ...] = (_articles, _vectors, _events, _entities)
_CHECKS: tuple[Check, ...] = (_integrity, _foreign_keys, _articles, _full_text, _vectors, _events, _entities)

__all__ = ["SHARED_CHECKS", "check_store", "run_checks", "schema_finding"]
