"""What watches cost the single writer: the same synthetic ingest with 0 and with N watches.

python benchmarks/watches.py                      # 2,000 articles; 0, 10 and 100 watches
python benchmarks/watches.py --articles 5000 --watches 0 200

Enrichment is off (no models), so the figures are the writer's alone: storing, event assignment
(near-duplicate copies join their original's event) and the watcher.  Half the watches are words
(people's names, most of which match many reports), a quarter entities none of these articles name
(unresolved: the costlier look-up), a quarter words in a language filter.  Run it under the shared
lock and quote the load average.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_reliability_support import PEOPLE, write_corpus

from storyweave import Tracker


def _add_watches(tracker: Tracker, count: int) -> None:
    for number in range(count):
        person = PEOPLE[number % len(PEOPLE)]
        if number % 4 == 1:
            tracker.add_watch(entity=f"Nobody Inparticular{number}", name=f"unknown {number}")
        elif number % 4 == 3:
            tracker.add_watch(words=person.split()[-1], langs=["fr"], name=f"fr {number}")
        else:
            tracker.add_watch(words=person, name=f"words {number}")


def run(corpus: Path, watches: int, directory: Path, name: str) -> tuple[float, int]:
    db = directory / f"{name}.db"
    with Tracker(db=db, enrich_stages=[], workers=1) as tracker:
        _add_watches(tracker, watches)
        started = time.perf_counter()
        report = tracker.ingest(corpus)
        elapsed = time.perf_counter() - started
        assert not report.rejected, report.rejected[:3]
        return elapsed, len(tracker.alerts(limit=1_000_000))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--watches", type=int, nargs="+", default=[0, 10, 100])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        corpus = directory / "corpus.jsonl"
        write_corpus(corpus, args.articles, seed=5)
        run(corpus, 0, directory, "warm-up")  # first use of every module and query is not the writer's cost
        baseline = None
        print(f"{'watches':>8} {'seconds':>8} {'articles/s':>11} {'ms/article':>11} {'alerts':>7} {'vs 0':>6}")
        for count in args.watches:
            elapsed, alerts = run(corpus, count, directory, f"watches-{count}")
            baseline = baseline if baseline is not None else elapsed
            print(f"{count:>8} {elapsed:>8.2f} {args.articles / elapsed:>11.0f} {1000 * elapsed / args.articles:>11.2f}"
                  f" {alerts:>7} {elapsed / baseline:>5.2f}x")


if __name__ == "__main__":
    main()
