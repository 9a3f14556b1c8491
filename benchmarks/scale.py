"""How far storyweave goes past one machine: the single writer's ceiling, and enrichment on Ray.

    python benchmarks/scale.py                                  # 10k on Ray, then the writer at
                                                                # 10k on SQLite and PostgreSQL
    python benchmarks/scale.py --writer-sizes 10000,100000 --db postgresql://user@host/db
    python benchmarks/scale.py --skip-ray                       # the writer only
    python benchmarks/scale.py --skip-ray --engines sqlite --writer-sizes 100000 --memory-every 10000
                                                                # its PSS as the store grows
    python benchmarks/scale.py --skip-writer --ray-articles 2000

1. **The single writer alone**: store + assign + storylines (``pipeline.run`` with the real
   ``Writer``, assigner and alert watcher), fed with articles enriched in advance.  semeval-dev is
   enriched once and cached in a temporary folder (``--cache``); the writer is then fed replays of
   it with new ids, dates a week apart per replay and thinned text (``throughput.replayed``), so no
   replay is a copy of another.  The replays are written to a spool file before any timing and read
   back one at a time; each run is a process of its own, whose peak RSS and PSS (the writer's
   memory: its caches, the event index, SQLite's page cache) are printed with its rate.  On SQLite
   (a temporary file) and on PostgreSQL (``--db``, else a temporary server started like the tests'
   one when the programs are here).  When the writer is
   below ``--target`` articles/s, a run of ``--profile-size`` articles under cProfile shows where
   its time goes.
2. **Enrichment on Ray**: ``--ray-articles`` replayed articles enriched on a Ray cluster of two
   node processes on this machine (``ray.cluster_utils.Cluster``: a head node and a second node,
   one CPU each), through the Ray executor; articles/s after start-up, and how many batches each
   node ran.  Its first pass over semeval-dev becomes the writer's cache when there is none yet.

Run it under the shared lock and quote the load averages it prints.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import hashlib
import importlib.util
import io
import json
import multiprocessing
import os
import pickle
import pstats
import signal
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import replace
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any, BinaryIO

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, eval_file
from throughput import build_corpus, replayed

os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Ray's worker processes import storyweave from the same tree as this script.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))

from storyweave import Settings, pipeline
from storyweave.alerts.watcher import AlertWatcher
from storyweave.cluster import Assigner
from storyweave.cluster.digest import text_digest
from storyweave.extract import canonical_url, content_hash, normalise_date
from storyweave.ingest import iter_inputs
from storyweave.models import EnrichedArticle, RawDoc, Reject
from storyweave.store import open_store


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def read_inputs(path: Path, settings: Settings) -> list[RawDoc | Reject]:
    return list(iter_inputs(str(path), settings))


# -- the writer -------------------------------------------------------------------------------------


class Replay:
    """An executor that hands back articles enriched in advance, read one by one from a spool file
    (``spool_replays``): the writer alone is timed, and its process holds one input at a time."""

    def __init__(self, spool: BinaryIO, handed: Synchronized[int] | None = None) -> None:
        self.spool = spool
        self.handed = handed  # how many were handed to the writer, for a watcher in another process

    def enriched(self, docs: Iterable[RawDoc | Reject]) -> Iterator[EnrichedArticle | Reject]:
        for doc in docs:
            if isinstance(doc, Reject):
                yield doc
                continue
            enriched = pickle.load(self.spool)
            assert enriched.article.id == doc.id, (enriched.article.id, doc.id)
            if self.handed is not None:
                self.handed.value += 1
            yield enriched

    def close(self) -> None:
        """Nothing to stop."""


def replay_enriched(cache: list[EnrichedArticle], size: int) -> Iterator[EnrichedArticle]:
    """``size`` articles: replays of the cached ones, each with its own id, date, URL and text."""
    for n in range(size):
        replay, index = divmod(n, len(cache))
        base = cache[index]
        # An article without a URL gets its own: replays would all share the placeholder one.
        url = base.article.url or f"https://replay.invalid/{base.article.id}"
        record = replayed({"id": base.article.id, "text": base.article.text, "url": url}, replay, index, len(cache))
        article = replace(
            base.article,
            id=record["id"],
            text=record["text"],
            url=record["url"],
            canonical_url=canonical_url(record["url"]),
            publish_date=normalise_date(record["publish_date"]),
            content_hash=content_hash(base.article.title, record["text"], base.article.source),
        )
        # The writer resolves mentions' entity ids in place: each replay gets its own.  The text
        # digest is the enrichment workers' work, of the replay's own text.
        yield replace(
            base, article=article, mentions=copy.deepcopy(base.mentions), entities=copy.deepcopy(base.entities),
            digest=text_digest(article),
        )


def spool_replays(cache: list[EnrichedArticle], size: int, spool: Path) -> None:
    """Write ``size`` replays to ``spool`` (one pickle after another) and their ids to ``spool.ids``:
    made before any timing, read back one at a time, so 100,000 inputs never sit in memory at once."""
    with spool.open("wb") as out, spool.with_suffix(".ids").open("w", encoding="utf-8") as ids:
        for enriched in replay_enriched(cache, size):
            pickle.dump(enriched, out, protocol=pickle.HIGHEST_PROTOCOL)
            ids.write(enriched.article.id + "\n")


def replay_docs(spool: Path, size: int) -> Iterator[RawDoc | Reject]:
    with spool.with_suffix(".ids").open(encoding="utf-8") as ids:
        for _, line in zip(range(size), ids, strict=False):
            article_id = line.rstrip("\n")
            yield RawDoc(origin=f"replay:{article_id}", id=article_id)


def run_writer(location: str, spool: Path, size: int, settings: Settings,
               profile: cProfile.Profile | None = None, handed: Synchronized[int] | None = None) -> tuple[float, int]:
    """Seconds the writer took to store and assign the first ``size`` spooled replays, and how many it added."""
    db = open_store(location, busy_timeout_ms=settings.busy_timeout_ms)
    try:
        with spool.open("rb") as replays:
            writer = pipeline.Writer(db, Assigner(db, settings), AlertWatcher(db), settings)
            started = time.perf_counter()
            if profile is not None:
                profile.enable()
            docs = replay_docs(spool, size)
            report = pipeline.run(docs, pipeline.Enricher(settings), writer, executor=Replay(replays, handed))
            if profile is not None:
                profile.disable()
            elapsed = time.perf_counter() - started
    finally:
        db.close()
    return elapsed, len(report.added)


def _writer_process(
    location: str, spool: Path, size: int, values: dict[str, Any], out: Connection, handed: Synchronized[int]
) -> None:
    out.send(run_writer(location, spool, size, Settings(values), handed=handed))


def memory_mib(pid: int) -> tuple[float, float]:
    """Resident and proportional memory (RSS, PSS) of one process, in MiB (``/proc/<pid>/smaps_rollup``)."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0]) / 1024
    return fields.get("Rss", 0.0), fields.get("Pss", 0.0)


def run_writer_measured(
    location: str, spool: Path, size: int, settings: Settings, memory_every: int = 0
) -> tuple[float, int, float, float]:
    """``run_writer`` in a fresh process, so its memory is the writer's alone: seconds, articles added,
    and the process's peak RSS and PSS in MiB (sampled every half second).  With ``memory_every``,
    the peak PSS so far is printed every that many articles handed to the writer."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    handed = context.Value("q", 0)
    # A daemon: stopping the benchmark (Ctrl-C, TERM) stops the writer with it instead of waiting for it.
    child = context.Process(
        target=_writer_process, args=(location, spool, size, settings.as_dict(), send, handed), daemon=True
    )
    child.start()
    send.close()
    peak_rss = peak_pss = 0.0
    next_report = memory_every
    started = time.perf_counter()
    while not receive.poll(0.5):
        if not child.is_alive():
            raise SystemExit(f"the writer process failed (exit code {child.exitcode})")
        try:
            rss, pss = memory_mib(child.pid or 0)
        except (OSError, ValueError):  # ending meanwhile
            continue
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        if memory_every and handed.value >= next_report:
            print(f"  {handed.value:>9} articles handed to the writer after {time.perf_counter() - started:.0f} s: "
                  f"PSS {pss:.0f} MiB (peak so far {peak_pss:.0f}); {load()}", flush=True)
            next_report += memory_every
    elapsed, added = receive.recv()
    child.join()
    return elapsed, added, peak_rss, peak_pss


def postgres_location(given: str | None, stack: ExitStack) -> str | None:
    """The PostgreSQL URL to measure on, or None (saying why) when there is none."""
    if importlib.util.find_spec("storyweave.store.postgres") is None:
        print("postgresql: engine not available (storyweave.store.postgres is missing)", flush=True)
        return None
    if given:
        return given
    sys.path.insert(0, str(REPO / "tests"))
    import pgserver

    reason = pgserver.unavailable()
    if reason is not None:
        print(f"postgresql: no server: {reason}; pass --db postgresql://…", flush=True)
        return None
    url = stack.enter_context(pgserver.postgres_server())
    print("postgresql: a temporary server (fsync off, as in the tests)", flush=True)
    return str(url)


def writer_benchmark(args: argparse.Namespace, cache: list[EnrichedArticle], settings: Settings) -> None:
    print(f"\n1. the single writer alone (store + assign + storylines), fed {len(cache)} cached enriched articles "
          "replayed with new ids", flush=True)
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="storyweave-scale-") as tmp:
        spool = Path(tmp) / "replays.pickle"
        started = time.perf_counter()
        spool_replays(cache, max([*args.writer_sizes, args.profile_size]), spool)
        print(f"replays spooled to disk in {time.perf_counter() - started:.0f} s (not timed)", flush=True)
        engines = args.engines.split(",")
        runs = [("sqlite", size, str(Path(tmp) / f"writer-{size}.db")) for size in args.writer_sizes]
        runs = runs if "sqlite" in engines else []
        pg = postgres_location(args.db, stack) if "postgresql" in engines else None
        if pg:
            runs += [("postgresql", size, fresh_postgres_database(pg, size)) for size in args.writer_sizes]
        rates = []
        print("the writer runs in a process of its own: its peak memory is the writer's (PostgreSQL's server apart)")
        print(f"{'engine':<11} {'articles':>9} {'seconds':>9} {'articles/s':>11} {'peak RSS':>9} {'peak PSS':>9}  "
              "load (before → after)", flush=True)
        for engine, size, location in runs:
            before = load()
            elapsed, added, rss, pss = run_writer_measured(location, spool, size, settings, args.memory_every)
            rates.append(added / elapsed)
            print(f"{engine:<11} {added:>9} {elapsed:>9.1f} {added / elapsed:>11.1f} {rss:>5.0f} MiB {pss:>5.0f} MiB  "
                  f"{before} → {load()}", flush=True)
        if rates and min(rates) < args.target and args.profile_size:
            profile_writer(Path(tmp) / "profile.db", spool, args.profile_size, settings)


def fresh_postgres_database(url: str, size: int) -> str:
    """A new, empty database on the server of ``url`` for one run (each size starts empty)."""
    import psycopg

    name = f"scale_{size}_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + "/" + name


def profile_writer(db: Path, spool: Path, size: int, settings: Settings) -> None:
    profile = cProfile.Profile()
    elapsed, added = run_writer(str(db), spool, size, settings, profile)
    print(f"\nwhere the writer's time goes (cProfile, {added} articles on SQLite, {elapsed:.1f} s under the "
          f"profiler; {load()}): top entries by own time", flush=True)
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(20)
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[-4000:])
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(r"storyweave", 25)
    print("by cumulative time, storyweave's own functions:")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[-5000:], flush=True)


# -- enrichment -------------------------------------------------------------------------------------


def enrich_locally(inputs: list[RawDoc | Reject], settings: Settings) -> list[EnrichedArticle]:
    enricher = pipeline.Enricher(settings)
    executor = pipeline.executor_for(enricher)
    try:
        return [o for o in executor.enriched(inputs) if isinstance(o, EnrichedArticle)]
    finally:
        executor.close()


def ray_benchmark(inputs: list[RawDoc | Reject], settings: Settings, keep: int) -> list[EnrichedArticle]:
    """Enrich ``inputs`` on a two-node Ray cluster on this machine; return the first ``keep`` enriched."""
    try:
        import ray
        from ray.cluster_utils import Cluster
    except ImportError:
        print("ray: not installed (pip install storyweave[ray])", flush=True)
        return []
    print(f"\n2. enrichment on Ray: {len(inputs)} articles, a head node and a second node process on this machine "
          "(one CPU each)", flush=True)
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
    cluster.add_node(num_cpus=1)
    cluster.wait_for_nodes()
    ray.init(address=cluster.address, configure_logging=False, log_to_driver=False)
    ray_settings = Settings({**settings.as_dict(), "executor": "ray"})
    executor = pipeline.executor_for(pipeline.Enricher(ray_settings))
    kept: list[EnrichedArticle] = []
    try:
        before = load()
        started = time.perf_counter()
        first = None
        done = 0
        for outcome in executor.enriched(inputs):
            done += 1
            if first is None:
                first = time.perf_counter()
            if isinstance(outcome, EnrichedArticle) and len(kept) < keep:
                kept.append(outcome)
            if done % 1000 == 0:
                print(f"  {done} enriched, {done / (time.perf_counter() - started):.1f}/s so far", flush=True)
        ended = time.perf_counter()
        steady = (done - settings.enrich_batch) / max(ended - (first or ended), 1e-9)
        print(f"ray: {done} articles in {ended - started:.1f} s: {done / (ended - started):.1f} articles/s overall, "
              f"{steady:.1f}/s after the first batch (start-up {(first or ended) - started:.1f} s); "
              f"{before} → {load()}", flush=True)
        nodes = {n["NodeID"]: n["NodeManagerAddress"] for n in ray.nodes() if n["Alive"]}
        head = ray.get_runtime_context().get_node_id()
        for node, batches in sorted(getattr(executor, "tasks_by_node", {}).items()):
            role = "head" if node == head else "second node"
            print(f"  node {node[:12]} ({role}, {nodes.get(node, '?')}): {batches} batches", flush=True)
    finally:
        executor.close()
        ray.shutdown()
        cluster.shutdown()
    return kept


def cache_path(args: argparse.Namespace, source: Path, settings: Settings) -> Path:
    if args.cache:
        return Path(args.cache)
    key = hashlib.sha256(source.read_bytes() + json.dumps(settings.as_dict(), sort_keys=True).encode())
    return Path(tempfile.gettempdir()) / "storyweave-scale" / f"enriched-{key.hexdigest()[:16]}.pkl"


def _stop(signum: int, _frame: object) -> None:
    """A kill (TERM, HUP) unwinds like Ctrl-C: the temporary PostgreSQL server and the Ray cluster
    are stopped by their ``finally`` blocks instead of being left running (only KILL can skip them)."""
    raise SystemExit(128 + signum)


def main() -> None:
    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, _stop)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writer-sizes", default="10000", help="Comma-separated article counts for the writer.")
    parser.add_argument("--db", help="PostgreSQL URL to measure the writer on (else a temporary server).")
    parser.add_argument("--engines", default="sqlite,postgresql", help="Engines to measure the writer on.")
    parser.add_argument("--skip-writer", action="store_true", help="Only the Ray part.")
    parser.add_argument("--skip-ray", action="store_true", help="Only the writer part.")
    parser.add_argument("--ray-articles", type=int, default=10000, help="Articles enriched on Ray.")
    parser.add_argument("--target", type=float, default=200.0, help="Writer articles/s aimed at.")
    parser.add_argument("--profile-size", type=int, default=2000, help="Articles in the profiled writer run (0: none).")
    parser.add_argument("--sample", type=int, default=0, help="Only the first N semeval-dev articles (a check).")
    parser.add_argument("--memory-every", type=int, default=0,
                        help="Print the writer's PSS every this many articles (0: only its peak).")
    parser.add_argument("--cache", help="Pickle of the enriched articles (default: in the temporary folder).")
    args = parser.parse_args()
    args.writer_sizes = [int(s) for s in args.writer_sizes.split(",")]
    source = eval_file("articles.jsonl")
    if args.sample:
        sample = Path(tempfile.mkdtemp(prefix="storyweave-scale-")) / "sample.jsonl"
        sample.write_text("".join(source.read_text(encoding="utf-8").splitlines(True)[: args.sample]), encoding="utf-8")
        source = sample
    settings = Settings.load()
    count = sum(1 for line in source.read_text(encoding="utf-8").splitlines() if line.strip())
    cache_file = cache_path(args, source, settings)
    cache: list[EnrichedArticle] = []
    if cache_file.is_file():
        cache = pickle.loads(cache_file.read_bytes())
        print(f"enriched articles from {cache_file} ({len(cache)})", flush=True)
    with tempfile.TemporaryDirectory(prefix="storyweave-scale-") as tmp:
        if not args.skip_ray:
            corpus = Path(tmp) / "ray.jsonl"
            build_corpus(source, args.ray_articles, corpus)
            kept = ray_benchmark(read_inputs(corpus, settings), settings, count if not cache else 0)
            # The first pass over semeval-dev is its replay 0: the writer's articles, if not cached yet.
            cache = cache or (kept if args.ray_articles >= count else [])
        if not args.skip_writer and not cache:
            corpus = Path(tmp) / "originals.jsonl"
            build_corpus(source, count, corpus)
            started = time.perf_counter()
            cache = enrich_locally(read_inputs(corpus, settings), settings)
            print(f"enriched {len(cache)} articles locally in {time.perf_counter() - started:.0f} s", flush=True)
        if cache and not cache_file.is_file():
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            cache_file.write_bytes(pickle.dumps(cache))
    if not args.skip_writer:
        writer_benchmark(args, cache, settings)


if __name__ == "__main__":
    main()
