"""Every executor stores the same thing: the seeds and a small multilingual corpus, ingested in
process, through the local worker pool and on Ray actors (a local Ray instance with 2 CPUs), give
the same articles, events, storylines, entity ids and vectors.  Plus the one-line errors of the Ray
executor when Ray is missing or its cluster cannot be reached."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from storyweave import Settings, Tracker
from storyweave.executors.base import batches
from storyweave.ingest import iter_inputs
from storyweave.models import RawDoc, Reject

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
CORPUS = REPO / "tests" / "fixtures" / "corpus" / "articles.jsonl"
# Four happenings (two about one city, two about one minister) in seven languages and three scripts.
HAPPENINGS = ("c01-", "c02-", "c03-", "c04-")


@pytest.fixture(scope="session")
def local_ray() -> Iterator[Any]:
    try:
        import ray
    except ImportError:
        pytest.skip("ray is not installed (pip install storyweave[ray])")
    ray.init(num_cpus=2, include_dashboard=False, configure_logging=False, log_to_driver=False)
    try:
        yield ray
    finally:
        ray.shutdown()


def _inputs(settings: Settings) -> list[RawDoc | Reject]:
    seeds = list(iter_inputs(str(EXAMPLES), settings))
    corpus = [d for d in iter_inputs(str(CORPUS), settings) if isinstance(d, RawDoc) and d.id.startswith(HAPPENINGS)]
    return [*seeds, *corpus]


def _stored(tracker: Tracker) -> tuple[dict[str, Any], dict[str, dict[str, np.ndarray]]]:
    """What a user sees of the store (ids, titles, events, storylines, entities), and the vectors."""
    articles = tracker.articles(limit=1000)
    ids = [a["id"] for a in articles]
    listing = {
        "articles": [(a["id"], a["title"], a["lang"], a["publish_date"]) for a in articles],
        "events": sorted((e["id"], e["title"], e["articles"]) for e in tracker.events(limit=1000)),
        "storylines": sorted(json.dumps(s, sort_keys=True, default=str) for s in tracker.storylines(limit=1000)),
        "event of": {i: json.dumps(tracker.article_event(i), sort_keys=True, default=str) for i in ids},
        "entities of": {i: json.dumps(tracker.article_entities(i), sort_keys=True, default=str) for i in ids},
    }
    return listing, {i: tracker.db.load_vectors(i) for i in ids}


def _ingest(db: Path, executor: str) -> tuple[dict[str, Any], dict[str, dict[str, np.ndarray]], Any]:
    # Batches of 4 over 2 workers: results come back from both, and must still be stored in order.
    settings = Settings({"executor": executor, "workers": 2, "parallel_after": 1, "enrich_batch": 4})
    with Tracker(db=db, settings=settings) as tracker:
        report = tracker.ingest_docs(_inputs(settings))
        assert not report.rejected, report.as_dict()
        listing, vectors = _stored(tracker)
        return listing, vectors, tracker.executor


def test_in_process_pool_and_ray_store_the_same(tmp_path: Path, local_ray: Any) -> None:
    expected, expected_vectors, _ = _ingest(tmp_path / "inprocess.db", "inprocess")
    assert len(expected["articles"]) == 3 + 27
    # The corpus's happenings are reported in several languages: events hold more than one article.
    assert max(count for _, _, count in expected["events"]) >= 3
    for executor in ("pool", "ray"):
        listing, vectors, used = _ingest(tmp_path / f"{executor}.db", executor)
        assert type(used).__name__ == {"pool": "PoolExecutor", "ray": "RayExecutor"}[executor]
        for part, value in expected.items():
            assert listing[part] == value, f"{executor}: {part} differ"
        assert vectors.keys() == expected_vectors.keys()
        for article_id, by_model in vectors.items():
            assert by_model.keys() == expected_vectors[article_id].keys()
            for model, vector in by_model.items():
                assert np.array_equal(vector, expected_vectors[article_id][model]), (executor, article_id, model)
    tasks = used.tasks_by_node
    node = local_ray.get_runtime_context().get_node_id()
    expected_batches = len(list(batches(range(30), 4)))  # 1, 2, 4, 4 …: the first ones small
    assert set(tasks) == {node} and sum(tasks.values()) == expected_batches  # every batch ran on an actor


def test_a_pool_started_before_the_writer_stores_what_an_in_process_run_does(tmp_path: Path) -> None:
    """``storyweave ingest`` starts the workers' models loading before it builds its writer."""
    expected, expected_vectors, _ = _ingest(tmp_path / "inprocess.db", "inprocess")
    settings = Settings({"executor": "pool", "workers": 2, "parallel_after": 1, "enrich_batch": 4})
    with Tracker(db=tmp_path / "early.db", settings=settings) as tracker:
        docs = _inputs(settings)
        assert tracker.start_workers(len(docs)) is True
        report = tracker.ingest_docs(docs)
        assert not report.rejected, report.as_dict()
        assert type(tracker.executor).__name__ == "PoolExecutor"
        listing, vectors = _stored(tracker)
    for part, value in expected.items():
        assert listing[part] == value, f"{part} differ"
    for article_id, by_model in vectors.items():
        for model, vector in by_model.items():
            assert np.array_equal(vector, expected_vectors[article_id][model]), (article_id, model)
    assert vectors.keys() == expected_vectors.keys()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cli(tmp_path: Path, *args: str, python: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, *python] if python else [sys.executable, "-m", "storyweave"]
    return subprocess.run(
        [*command, "--db", str(tmp_path / "s.db"), *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_an_unreachable_ray_cluster_is_one_line_and_nothing_is_stored(tmp_path: Path) -> None:
    address = f"127.0.0.1:{_closed_port()}"
    result = _cli(tmp_path, "ingest", "--executor", "ray", "--ray-address", address, str(EXAMPLES))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(f"error: cannot reach the Ray cluster at {address}: "), result.stderr
    assert "Traceback" not in result.stderr
    with Tracker(db=tmp_path / "s.db") as tracker:
        assert tracker.articles() == []


def test_without_ray_installed_the_error_says_how_to_install_it(tmp_path: Path) -> None:
    # ``None`` in sys.modules makes ``import ray`` fail as if the package were not installed.
    hide_ray = "import sys; sys.modules['ray'] = None; from storyweave.cli import main; main()"
    result = _cli(tmp_path, "ingest", "--executor", "ray", str(EXAMPLES), python=("-c", hide_ray))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == "error: executor 'ray' needs Ray: pip install storyweave[ray]"


@pytest.mark.parametrize("value", ["rayy", "Ray", ""])
def test_an_unknown_executor_is_refused_when_read(value: str) -> None:
    with pytest.raises(Exception, match="not one of inprocess, pool, ray"):
        Settings({"executor": value})


def test_a_tracker_keeps_its_executor_for_every_ingest(tmp_path: Path) -> None:
    settings = Settings({"executor": "inprocess", "enrich_stages": ["dates"], "assign_events": False})
    docs = [RawDoc(origin=f"t:{n}", id=f"d{n}", title=f"Title {n}", text=f"Text number {n} on 3 March 2025.")
            for n in range(4)]
    with Tracker(db=tmp_path / "s.db", settings=settings) as tracker:
        first = tracker.executor
        tracker.ingest_docs(docs[:2])
        tracker.ingest_docs(docs[2:])
        assert tracker.executor is first
        assert sorted(a["id"] for a in tracker.articles()) == ["d0", "d1", "d2", "d3"]


def no_enricher(settings: Settings) -> None:
    return None


def report_priority(enricher: None, docs: list[RawDoc | Reject]) -> list[RawDoc | Reject]:
    """Each input back as a reject whose reason is the enriching process's id and niceness."""
    return [Reject(doc.origin, f"{os.getpid()} {os.nice(0)}") for doc in docs]


@pytest.mark.parametrize("nice", [0, 7])
def test_pool_workers_run_at_the_niceness_the_setting_adds(nice: int) -> None:
    from storyweave.executors.base import Enrichment
    from storyweave.executors.pool import PoolExecutor

    settings = Settings({"workers": 2, "parallel_after": 1, "enrich_batch": 2, "enrich_nice": nice})
    docs = [Reject(f"doc {n}", "") for n in range(12)]
    executor = PoolExecutor(Enrichment(settings, no_enricher, report_priority), None)
    outcomes = list(executor.enriched(docs))
    assert [o.origin for o in outcomes] == [d.origin for d in docs]  # every input, in order
    seen = {tuple(map(int, o.reason.split())) for o in outcomes if isinstance(o, Reject)}
    assert all(pid != os.getpid() for pid, _ in seen)  # enriched by workers, not here
    assert {niceness for _, niceness in seen} == {os.nice(0) + nice}


def report_worker(enricher: None, docs: list[RawDoc | Reject]) -> list[RawDoc | Reject]:
    """Each input back as a reject whose reason is the enriching process's id."""
    return [Reject(doc.origin, str(os.getpid())) for doc in docs]


def test_pool_workers_are_replaced_after_the_articles_the_setting_allows() -> None:
    from storyweave.executors.base import Enrichment
    from storyweave.executors.pool import PoolExecutor

    settings = Settings({"workers": 2, "parallel_after": 1, "enrich_batch": 2, "worker_recycle_articles": 5})
    docs = [Reject(f"doc {n}", "") for n in range(41)]
    executor = PoolExecutor(Enrichment(settings, no_enricher, report_worker), None)
    outcomes = list(executor.enriched(docs))
    assert [o.origin for o in outcomes] == [d.origin for d in docs]  # every input once, in order
    by_worker: dict[str, list[int]] = {}
    for n, outcome in enumerate(outcomes):
        assert isinstance(outcome, Reject)
        by_worker.setdefault(outcome.reason, []).append(n)
    # A pool of two takes whole batches until it holds ten inputs, and stops before the next starts:
    # every worker's inputs lie within one pool's, and each pool had workers of its own.
    pools: list[range] = []
    start = taken = 0
    for batch in batches(docs, 2):
        taken += len(batch)
        if taken - start >= 10 or taken == len(docs):
            pools.append(range(start, taken))
            start = taken
    assert len(pools) == 4
    pool_of = {}
    for worker, ns in by_worker.items():
        (pool_of[worker],) = [p for p, span in enumerate(pools) if ns[0] in span and ns[-1] in span]
    assert set(pool_of.values()) == set(range(len(pools)))


def test_pool_workers_are_kept_for_the_whole_run_at_zero() -> None:
    from storyweave.executors.base import Enrichment
    from storyweave.executors.pool import PoolExecutor

    settings = Settings({"workers": 2, "parallel_after": 1, "enrich_batch": 2, "worker_recycle_articles": 0})
    docs = [Reject(f"doc {n}", "") for n in range(40)]
    outcomes = list(PoolExecutor(Enrichment(settings, no_enricher, report_worker), None).enriched(docs))
    assert [o.origin for o in outcomes] == [d.origin for d in docs]
    assert len({o.reason for o in outcomes if isinstance(o, Reject)}) <= 2
