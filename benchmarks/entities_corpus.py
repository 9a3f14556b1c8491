"""Entity identity on a real corpus: stream semeval-dev into a store, then resolve a gold set there.

    python benchmarks/entities_corpus.py [--store PATH] [--reuse] [--limit N]

1. Streams ``../shared/eval/semeval-dev/articles.jsonl`` into a store (``storyweave ingest``; exits 0
   quietly when the file is absent).  ``--reuse`` keeps a store already built; ``--limit N`` takes
   the first N articles only (a quick look; the targets are for the whole corpus).
2. Runs ``storyweave --db STORE resolve`` over ``benchmarks/data/entities_corpus_gold.csv``
   (surface, lang, identity, type, article_id: names as the corpus writes them, labelled by reading
   the articles) and prints pairwise merge precision and recall (rows of one identity should get one
   id, rows of different identities must not), type accuracy, and the worst confusions.
3. Prints the 20 biggest entities of the store with their surface forms, for a person to read.

Targets: precision >= 0.97, recall >= 0.90, type accuracy >= 0.95.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from _common import EVAL_DIR  # noqa: E402

GOLD = REPO / "benchmarks" / "data" / "entities_corpus_gold.csv"
GOLD_TYPES = {"PER": "person", "LOC": "place", "GPE": "place", "ORG": "organisation", "MISC": "other"}
TARGETS = {"precision": 0.97, "recall": 0.90, "type accuracy": 0.95}


def build_store(store: Path, limit: int | None) -> None:
    source = EVAL_DIR / "articles.jsonl"
    with tempfile.TemporaryDirectory() as tmp:
        if limit is not None:  # a subset, written outside the repository
            subset = Path(tmp) / "subset.jsonl"
            with source.open(encoding="utf-8") as handle, subset.open("w", encoding="utf-8") as out:
                for i, line in enumerate(handle):
                    if i >= limit:
                        break
                    out.write(line)
            source = subset
        started = time.perf_counter()
        cli = [sys.executable, "-m", "storyweave", "--db", str(store), "ingest", str(source)]
        subprocess.run(cli, check=True, stdout=subprocess.DEVNULL)
        print(f"ingested {source.name} into {store} in {time.perf_counter() - started:.0f}s")


def read_gold() -> list[dict[str, str]]:
    with GOLD.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row.get("surface") and row.get("identity")]


def resolve(store: Path, gold: list[dict[str, str]]) -> list[tuple[str | None, str | None]]:
    """(entity id, type) per gold row, from ``storyweave resolve --db`` itself."""
    with tempfile.TemporaryDirectory() as tmp:
        names, answers = Path(tmp) / "names.csv", Path(tmp) / "resolved.csv"
        with names.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["key", "name", "lang"])
            writer.writerows((str(i), row["surface"], row["lang"]) for i, row in enumerate(gold))
        cli = [sys.executable, "-m", "storyweave", "--db", str(store), "resolve", "-i", str(names), "-o", str(answers)]
        subprocess.run(cli, check=True, stderr=subprocess.DEVNULL)
        with answers.open(encoding="utf-8", newline="") as handle:
            found = {r["key"]: (r["entity_id"] or None, r["type"] or None) for r in csv.DictReader(handle)}
    return [found.get(str(i), (None, None)) for i in range(len(gold))]


def _label(row: dict[str, str]) -> str:
    return f"{row['surface']} ({row['identity']})"


def score(gold: list[dict[str, str]], predicted: list[tuple[str | None, str | None]]) -> dict[str, float]:
    tp = fp = fn = 0
    wrong_merges: Counter[tuple[str, str]] = Counter()
    missed: Counter[tuple[str, str]] = Counter()
    for i, j in combinations(range(len(gold)), 2):
        same_truth = gold[i]["identity"] == gold[j]["identity"]
        same_pred = predicted[i][0] is not None and predicted[i][0] == predicted[j][0]
        if same_truth and same_pred:
            tp += 1
        elif same_pred:
            fp += 1
            first, second = sorted((_label(gold[i]), _label(gold[j])))
            wrong_merges[(first, second)] += 1
        elif same_truth:
            fn += 1
            missed[(gold[i]["surface"], gold[j]["surface"])] += 1
    typed = [
        GOLD_TYPES.get(row["type"].upper(), row["type"].lower()) == kind
        for row, (_, kind) in zip(gold, predicted, strict=True)
    ]
    resolved = sum(1 for entity_id, _ in predicted if entity_id)
    figures = {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "type accuracy": sum(typed) / len(typed) if typed else 1.0,
        "resolved": resolved / len(gold) if gold else 1.0,
    }
    identities = len({r["identity"] for r in gold})
    print(f"gold: {len(gold)} rows, {identities} identities; pairs: {tp} right, {fp} wrong merges, {fn} missed")
    for name, value in figures.items():
        target = TARGETS.get(name)
        verdict = "" if target is None else f"  (target >= {target:.2f}: {'met' if value >= target else 'NOT met'})"
        print(f"  {name:14} {value:.3f}{verdict}")
    if wrong_merges:
        print("wrong merges (pairs):")
        for (a, b), n in wrong_merges.most_common(15):
            print(f"  {n:4}  {a}  =  {b}")
    if missed:
        print("missed merges (pairs, most frequent surface pairs):")
        for (a, b), n in missed.most_common(15):
            print(f"  {n:4}  {a}  /  {b}")
    return figures


def biggest(store: Path, n: int = 20) -> None:
    from storyweave.tracker import Tracker

    with Tracker(db=store) as tracker:
        rows = tracker.entities(limit=n)
        print(f"the {n} biggest entities of the store:")
        for row in rows:
            forms = tracker.entity(row["id"])["surface_forms"]
            by_surface: dict[str, int] = defaultdict(int)
            for form in forms:
                by_surface[form["surface"]] += form["count"]
            shown = ", ".join(s for s, _ in sorted(by_surface.items(), key=lambda item: -item[1])[:12])
            print(f"  {row['articles']:4} art  {row['id']:16} {row['type']:12} {row['name']}: {shown}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, default=Path(tempfile.gettempdir()) / "storyweave-entities-corpus.db")
    parser.add_argument("--reuse", action="store_true", help="keep the store if it exists")
    parser.add_argument("--limit", type=int, help="only the first N articles")
    args = parser.parse_args()
    if not (EVAL_DIR / "articles.jsonl").is_file():
        return
    if not GOLD.is_file():
        print(f"skipped: {GOLD} is not present", file=sys.stderr)
        return
    if not (args.reuse and args.store.is_file()):
        for suffix in ("", "-wal", "-shm"):
            Path(str(args.store) + suffix).unlink(missing_ok=True)
        build_store(args.store, args.limit)
    gold = read_gold()
    score(gold, resolve(args.store, gold))
    biggest(args.store)


if __name__ == "__main__":
    main()
