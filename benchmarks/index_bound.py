"""What a small event index costs: the same replays stored by the writer alone with the default
``event_index_kept`` and with a small one; rates, peak memory, and the decisions compared table by
table.

    python benchmarks/index_bound.py --cache /tmp/storyweave-scale/enriched-….pkl --articles 10000 --kept 3000

``--cache`` is the pickle of enriched semeval-dev articles that ``scale.py`` writes (it prints its
path).  The writer is fed replays of it as ``scale.py`` feeds it: new ids, publication dates a week
apart per replay, thinned text.  Past the bound, events the index evicted are read back when an
article's event window (``event_window_days``) reaches them, so what may differ is what the index is
searched for beyond that window: the storylines an event continues (``storyline_window_days``) and
which 32 nearest events a search returns.  Run it under the shared lock and quote the load averages.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from decisions_support import decisions
from scale import load, run_writer_measured, spool_replays

from storyweave import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", required=True, help="scale.py's pickle of enriched semeval-dev articles.")
    parser.add_argument("--articles", type=int, default=10000, help="Replayed articles stored by each run.")
    parser.add_argument("--kept", type=int, default=3000, help="The small bound (event_index_kept) to compare.")
    args = parser.parse_args()
    cache = pickle.loads(Path(args.cache).read_bytes())
    default = Settings.load()
    with tempfile.TemporaryDirectory(prefix="storyweave-bound-") as tmp:
        spool = Path(tmp) / "replays.pickle"
        spool_replays(cache, args.articles, spool)
        stores = {}
        print(f"{'event_index_kept':>16} {'stored':>7} {'seconds':>8} {'articles/s':>10} {'peak PSS':>9}  load")
        for kept in (default.event_index_kept, args.kept):
            location = str(Path(tmp) / f"kept-{kept}.db")
            before = load()
            settings = Settings.load(event_index_kept=kept)
            elapsed, added, _, pss = run_writer_measured(location, spool, args.articles, settings)
            rate = added / elapsed
            after = load()
            print(f"{kept:>16} {added:>7} {elapsed:>8.1f} {rate:>10.1f} {pss:>5.0f} MiB  {before} → {after}")
            stores[kept] = decisions(location)
    first, second = stores[default.event_index_kept], stores[args.kept]
    for table in sorted(first.keys() | second.keys()):
        a, b = first.get(table, []), second.get(table, [])
        differ = len(set(a) ^ set(b))
        verdict = f"{differ} rows in one only" if differ else "identical"
        print(f"{table:<22} {len(a):>8} rows vs {len(b):>8}: {verdict}")


if __name__ == "__main__":
    main()
