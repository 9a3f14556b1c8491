"""Ingest semeval-dev's articles.jsonl into a fresh store and print articles/s and peak RSS.

python benchmarks/ingest.py                 # every stage, events included
python benchmarks/ingest.py --stages core   # extract, clean, language and store only
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import eval_file, peak_rss_mb

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stages", choices=["core", "full"], default="full")
    parser.add_argument("--limit", type=int, default=0, help="Only the first N articles (0: all).")
    args = parser.parse_args()
    source = eval_file("articles.jsonl")

    from storyweave import Tracker
    from storyweave.ingest import iter_inputs

    overrides = {"enrich_stages": [], "assign_events": False} if args.stages == "core" else {}
    with tempfile.TemporaryDirectory() as tmp:
        tracker = Tracker(db=Path(tmp) / "bench.db", **overrides)
        docs = list(iter_inputs(str(source), tracker.settings))
        if args.limit:
            docs = docs[: args.limit]
        # Load the models outside the timed part: start-up cost is reported separately.
        started = time.perf_counter()
        tracker.ingest_docs(docs[:1])
        startup = time.perf_counter() - started
        started = time.perf_counter()
        report = tracker.ingest_docs(docs[1:])
        elapsed = time.perf_counter() - started
        tracker.close()
    processed = len(report.added) + len(report.duplicates) + len(report.rejected)
    print(f"stages            {args.stages}")
    print(f"articles          {processed} (added {len(report.added)}, rejected {len(report.rejected)})")
    print(f"model start-up    {startup:.1f} s")
    print(f"elapsed           {elapsed:.1f} s")
    print(f"articles/s        {processed / elapsed:.1f}")
    print(f"peak RSS          {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
