"""32 clients on the API and the pages while another process ingests: no 5xx, no locked database.

Real processes throughout: ``storyweave serve`` on loopback, ``storyweave ingest`` writing to the
same store, and 32 keep-alive HTTP clients in threads, four of which also POST articles (so the
server's own writer competes with the ingest process for the write lock).  Timings are printed by
``python benchmarks/concurrency.py``, never asserted here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from test_reliability_support import CRASH_ENV, count_articles, store_invariants, write_corpus
from test_reliability_support_load import LOCK_WORDS, ids_in, run_clients, serve_process

ARTICLES = 300
FIRST = 60
CLIENTS = 32
SECONDS = 20


def test_readers_and_two_writers_under_load(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    ids = write_corpus(corpus, ARTICLES)
    head = tmp_path / "head.jsonl"
    head.write_text("".join(corpus.read_text(encoding="utf-8").splitlines(keepends=True)[:FIRST]), encoding="utf-8")
    db = tmp_path / "load.db"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", **CRASH_ENV}
    command = [sys.executable, "-m", "storyweave", "--db", str(db), "ingest"]
    subprocess.run([*command, str(head)], env=env, check=True, capture_output=True, timeout=300)

    with serve_process(db, CRASH_ENV, tmp_path / "server.log") as (base, _pid):
        article_ids = ids_in(db, "SELECT id FROM articles")
        event_ids = ids_in(db, "SELECT id FROM events")
        ingest_log = tmp_path / "ingest.log"
        with ingest_log.open("wb") as sink:
            ingest = subprocess.Popen([*command, str(corpus)], env=env, stdout=subprocess.DEVNULL, stderr=sink)
        while count_articles(db) <= FIRST and ingest.poll() is None:  # the writer is writing
            time.sleep(0.05)
        before = count_articles(db)
        result = run_clients(base, CLIENTS, SECONDS, article_ids, event_ids, writers=4)
        during = count_articles(db) - before
        assert ingest.wait(600) == 0, ingest_log.read_text(errors="replace")[-2000:]

    log = (tmp_path / "server.log").read_text(errors="replace")
    assert len(result.samples) >= CLIENTS * 3, "too few requests to mean anything"
    assert not result.server_errors, [(s.path, s.status) for s in result.server_errors[:10]]
    assert not result.failed, [(s.path, s.error) for s in result.failed[:10]]
    assert not result.locked, [s.path for s in result.locked[:10]]
    assert not any(word in log for word in LOCK_WORDS), log[-3000:]
    assert "Traceback" not in log, log[-3000:]
    assert during > 0, "the ingest wrote nothing while the clients ran: no concurrency was tested"
    assert set(result.statuses()) <= {200, 404}, result.statuses()  # 404: an id filter that matched nothing
    posted = ids_in(db, "SELECT id FROM articles WHERE id LIKE 'posted-%'")
    assert posted, "no POST /api/ingest succeeded"
    assert store_invariants(db, ids + posted) == []
