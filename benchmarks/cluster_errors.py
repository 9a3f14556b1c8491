"""Why clustering puts different stories in one event: semeval-dev's wrong joins, out of sample.

    python benchmarks/cluster_errors.py [--folds 5] [--limit 60]

As ``cluster_folds.py``: per grouped fold, the pair scorer is refitted on the other folds' pairs,
the whole corpus is streamed through the real writer and assigner, and that fold's labelled pairs
are judged.  Then every different-story pair (overall >= 3.0) that ended in one event is listed
with what decided it:

- ``direct``: the pair's own score (the fold's scorer, with the assigner's adjustments: language
  hedging, cross-lingual allowance, place conflict, wrapper) passes ``event_threshold``, so the
  scorer itself took the two for one happening and no clustering rule was at fault;
- ``chained``: the pair's own score does not pass; the two met through other members or merges.

Beside each: the two titles, the event's size, the pair's main features, the happening's days
each text names (``dates.find_dates``) and each article's main localities (``PlaceConflict``), the
signals a "same kind, different happening" rule would read.  A last table counts the labelled
pairs such rules would veto among those the scorer joins: how many same-event pairs each would
cost for each different-story pair it would keep apart.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import eval_file
from cluster_folds import CACHE, fold_scorer, replay
from train_scorer import build

from storyweave.cluster.assigner import happening_days
from storyweave.cluster.scoring import PlaceConflict, score_adjustments
from storyweave.entities.kb.base import get_kb
from storyweave.models import RawDoc
from storyweave.pairs import FEATURE_NAMES, enrich_documents, read_raw_docs
from storyweave.pairs.features import profile
from storyweave.pairs.training import grouped_folds
from storyweave.settings import Settings

_SHOWN = ("cos_usem3", "cos_usem3_title", "cos_lexical", "entity_overlap", "number_overlap")


Days = tuple[int, int, bool] | None


def days(known: Days) -> str:
    if known is None:
        return "-"
    first, last = (date.fromordinal(d).isoformat() for d in known[:2])
    return first if first == last else f"{first}..{last}"


def gap(a: Days, b: Days) -> int | None:
    """Days between the two happenings' day ranges (0 when they touch), None when either is unknown."""
    if a is None or b is None:
        return None
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=60, help="Wrong joins listed (all are counted).")
    args = parser.parse_args()
    settings = Settings.load()
    articles, pairs_csv = eval_file("articles.jsonl"), eval_file("pairs.csv")
    data = build(pairs_csv.parent, CACHE, settings)
    raws = [d for d in read_raw_docs(articles, settings) if isinstance(d, RawDoc)]
    enriched, _ = enrich_documents(raws, settings, cache_dir=CACHE)
    order = [enriched[r.id] for r in raws if r.id in enriched]
    profiles = {k: profile(v) for k, v in enriched.items()}
    happening = {k: happening_days(v) for k, v in enriched.items()}
    places = PlaceConflict.from_settings(settings)
    scores = np.zeros(len(data.pairs))
    wrong: list[tuple[int, int]] = []  # (pair index, size of the event holding both)
    for test in grouped_folds(data.pairs, args.folds):
        train = np.setdiff1d(np.arange(len(data.pairs)), test)
        scorer = fold_scorer(data, train)
        adjustments = score_adjustments(settings, scorer)
        for i in test:
            pair = data.pairs[i]
            a, b = profiles[pair.id1], profiles[pair.id2]
            row = scorer.features(a, b)[None, :]
            scores[i] = float(scorer.score_many(row)[0]) - sum(float(x.granted([(a, b)], row)[0]) for x in adjustments)
        event_of = replay(order, settings, scorer)["event_of"]
        sizes = Counter(event_of.values())
        for i in test:
            pair = data.pairs[i]
            event = event_of.get(pair.id1)
            if data.y[i] >= 3.0 and event is not None and event == event_of.get(pair.id2):
                wrong.append((int(i), sizes[event]))
    threshold = settings.event_threshold
    direct = sum(1 for i, _ in wrong if scores[i] <= threshold)
    print(
        f"different-story pairs sharing an event, out of sample: {len(wrong)}; direct (the pair's own score "
        f"<= {threshold}): {direct}; chained: {len(wrong) - direct}"
    )
    columns = [FEATURE_NAMES.index(n) for n in _SHOWN]
    kb = get_kb()
    for i, size in sorted(wrong, key=lambda w: scores[w[0]])[: args.limit]:
        pair = data.pairs[i]
        a, b = profiles[pair.id1], profiles[pair.id2]
        kind = "direct" if scores[i] <= threshold else "chained"
        values = " ".join(f"{n}={v:.2f}" for n, v in zip(_SHOWN, data.rows[i, columns], strict=True))
        print(f"\n{kind} {pair.lang_pair} overall {data.y[i]:.1f} score {scores[i]:.2f} event of {size}")
        for p, article_id in ((a, pair.id1), (b, pair.id2)):
            title = enriched[article_id].article.title
            where = sorted(kb.entities[e].name if e in kb.entities else e for e in places.main_localities(p))[:4]
            print(f"  {title[:90]!r}  days {days(happening[article_id])}  places {where}")
        print(f"  {values}")
    print("\nvetoes among the labelled pairs the scorer joins (out of fold, score <= threshold):")
    print(f"{'rule':<44} {'same-event pairs':>17} {'different-story pairs':>22}")
    joined = [i for i in range(len(data.pairs)) if scores[i] <= threshold]
    gaps = {i: gap(happening[data.pairs[i].id1], happening[data.pairs[i].id2]) for i in joined}
    for limit in (0, 3, 7, 30):
        hit = [i for i, g in gaps.items() if g is not None and g > limit]
        same, different = sum(1 for i in hit if data.y[i] <= 2.0), sum(1 for i in hit if data.y[i] >= 3.0)
        print(f"{f'happening days more than {limit} apart':<44} {same:>17} {different:>22}")


if __name__ == "__main__":
    main()
