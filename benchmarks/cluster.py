"""Same-event precision, recall and F1 of ``storyweave cluster`` on semeval-dev's labelled pairs.

A pair is labelled same-event when its ``overall`` score is at most 2.0 and different when it is at
least 3.0 (pairs in between are left out); it is predicted same-event when both articles land in
one event.  A TF-IDF + agglomerative clustering baseline (scikit-learn) is scored side by side.

python benchmarks/cluster.py                        # storyweave cluster (the real CLI) + baseline
python benchmarks/cluster.py --sweep 2.0,2.3,2.6    # replay cached enrichments at several event
                                                    # thresholds (how event_threshold was chosen)
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, eval_file

os.environ.setdefault("HF_HUB_OFFLINE", "1")
CACHE_DIR = Path("/tmp/sw-cache")


def clear_label(overall: float) -> bool | None:
    """Same event at an ``overall`` of at most 2.0, different at 3.0 or more, else no clear label."""
    if overall <= 2.0:
        return True
    return False if overall >= 3.0 else None


def labelled_pairs(path: Path) -> list[tuple[str, str, bool, str]]:
    """(id1, id2, same event?, language pair) of the pairs with a clear label."""
    out = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            same = clear_label(float(row["overall"]))
            if same is not None:
                out.append((row["id1"], row["id2"], same, f"{row['lang1']}-{row['lang2']}"))
    return out


def pair_counts(pairs: Sequence[tuple[str, str, bool, str]], cluster_of: dict[str, str]) -> Counter[str]:
    """tp, fp, fn and tn of 'both in one cluster' against the labels."""
    counts: Counter[str] = Counter(tp=0, fp=0, fn=0, tn=0)
    for id1, id2, same, _ in pairs:
        a, b = cluster_of.get(id1), cluster_of.get(id2)
        predicted = a is not None and a != "" and a == b
        counts["tp"] += predicted and same
        counts["fp"] += predicted and not same
        counts["fn"] += same and not predicted
        counts["tn"] += not same and not predicted
    return counts


def rates(counts: Counter[str]) -> dict[str, float]:
    """Precision, recall and F1 of summed ``pair_counts``, beside the counts."""
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, **counts}


def scores(pairs: list[tuple[str, str, bool, str]], cluster_of: dict[str, str]) -> dict[str, float]:
    return rates(pair_counts(pairs, cluster_of))


def per_language(pairs: list[tuple[str, str, bool, str]], cluster_of: dict[str, str]) -> dict[str, dict[str, float]]:
    langs = sorted({p[3] for p in pairs})
    return {lang: scores([p for p in pairs if p[3] == lang], cluster_of) for lang in langs}


def run_cli(articles: Path, workdir: Path, extra_env: dict[str, str]) -> tuple[dict[str, str], float]:
    output = workdir / "clusters.csv"
    env = {
        **os.environ,
        **extra_env,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "storyweave", "cluster", "--articles", str(articles), "--output", str(output)],
        check=True,
        env=env,
    )
    elapsed = time.perf_counter() - started
    with output.open(encoding="utf-8") as handle:
        return {r["article_id"]: r["event_id"] for r in csv.DictReader(handle)}, elapsed


def baseline(articles: Path, threshold: float) -> dict[str, str]:
    """TF-IDF (word 1-2 grams, sublinear tf) + average-link agglomerative clustering on cosine."""
    import json

    import numpy as np
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    ids, texts = [], []
    with articles.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            ids.append(str(record["id"]))
            texts.append(f"{record.get('title') or ''}\n{record.get('text') or ''}")
    matrix = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1, max_features=200_000).fit_transform(texts)
    # Rows are L2-normalised, so 1 - X·Xᵀ is the cosine distance; a dense n×n matrix is small here.
    distances = np.clip(1.0 - (matrix @ matrix.T).toarray(), 0.0, 2.0)
    labels = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
    ).fit_predict(distances)
    return {i: f"c{label}" for i, label in zip(ids, labels, strict=True)}


def sweep(articles: Path, pairs: list[tuple[str, str, bool, str]], thresholds: list[float]) -> None:
    """Replay the articles (enriched once, cached) through the real writer and assigner."""
    from storyweave import Settings
    from storyweave.cluster import Assigner
    from storyweave.models import RawDoc
    from storyweave.pairs import enrich_documents, read_raw_docs
    from storyweave.pipeline import Writer
    from storyweave.store import SQLiteStore

    base = Settings.load()
    raws = [d for d in read_raw_docs(articles, base) if isinstance(d, RawDoc)]
    enriched, _ = enrich_documents(raws, base, cache_dir=CACHE_DIR)
    order = [enriched[r.id] for r in raws if r.id in enriched]
    print(f"{'threshold':>9} {'events':>7} {'precision':>9} {'recall':>7} {'f1':>6} {'s':>6}")
    for threshold in thresholds:
        settings = Settings.load(event_threshold=threshold)
        with tempfile.TemporaryDirectory() as tmp:
            db = SQLiteStore(Path(tmp) / "sweep.db")
            writer = Writer(db, Assigner(db, settings))
            started = time.perf_counter()
            for item in order:
                writer.store(item)
            elapsed = time.perf_counter() - started
            cluster_of = {r["article_id"]: r["event_id"] for r in db.conn.execute("SELECT * FROM event_articles")}
            n_events = db.event_total()
            db.close()
        s = scores(pairs, cluster_of)
        quality = f"{s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f}"
        print(f"{threshold:>9.2f} {n_events:>7} {quality} {elapsed:>6.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline-thresholds", default="0.6,0.7,0.8,0.9", help="Agglomerative distance cuts.")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-cli", action="store_true", help="Skip the storyweave cluster run.")
    parser.add_argument("--sweep", default="", help="Comma-separated event_threshold values to replay.")
    args = parser.parse_args()
    articles = eval_file("articles.jsonl")
    pairs = labelled_pairs(eval_file("pairs.csv"))
    counts = Counter(p[2] for p in pairs)
    print(f"labelled pairs: {len(pairs)} ({counts[True]} same event, {counts[False]} different)")

    if args.sweep:
        sweep(articles, pairs, [float(x) for x in args.sweep.split(",")])
    rows: list[tuple[str, dict[str, float], str]] = []
    if not args.no_cli:
        with tempfile.TemporaryDirectory() as tmp:
            cluster_of, elapsed = run_cli(articles, Path(tmp), {})
        n_events = len({e for e in cluster_of.values() if e})
        rows.append(("storyweave cluster", scores(pairs, cluster_of), f"{n_events} events, {elapsed:.0f} s"))
        for lang, s in per_language(pairs, cluster_of).items():
            rows.append((f"  {lang}", s, ""))
    if not args.no_baseline:
        best: tuple[float, dict[str, float]] | None = None
        for threshold in (float(x) for x in args.baseline_thresholds.split(",")):
            cluster_of = baseline(articles, threshold)
            s = scores(pairs, cluster_of)
            n_clusters = len(set(cluster_of.values()))
            rows.append((f"tf-idf + agglomerative @{threshold:.2f}", s, f"{n_clusters} clusters"))
            if best is None or s["f1"] > best[1]["f1"]:
                best = (threshold, s)
        if best is not None:
            rows.append((f"baseline best (cut {best[0]:.2f}, chosen on these pairs)", best[1], ""))
    if rows:
        print(f"{'system':<52} {'precision':>9} {'recall':>7} {'f1':>6}  notes")
        for name, s, note in rows:
            print(f"{name:<52} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f}  {note}")


if __name__ == "__main__":
    main()
