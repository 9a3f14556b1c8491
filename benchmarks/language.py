"""Speed and accuracy of the language stage (clean + detect).

python benchmarks/language.py               # seeds repeated, then semeval-dev articles if present
python benchmarks/language.py --repeat 500

Accuracy is measured without the declared language (the JSONL ``lang`` field is the truth here, so
passing it as a hint would be cheating); "und" answers count as wrong and are also shown apart.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import EVAL_DIR, REPO, peak_rss_mb

from storyweave.clean import clean
from storyweave.language import LanguageDetector
from storyweave.models import Article
from storyweave.settings import Settings


def seed_articles() -> list[Article]:
    articles = []
    for path in sorted((REPO / "examples").glob("*.txt")):
        title, _, text = path.read_text(encoding="utf-8").partition("\n")
        articles.append(Article(id=path.stem, title=title.strip(), text=text.strip(), origin=str(path)))
    return articles


def timed(detector: LanguageDetector, articles: list[Article]) -> tuple[list[Article], float]:
    started = time.perf_counter()
    results = [detector.detect(clean(article)) for article in articles]
    return results, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200, help="How many times each seed is detected.")
    args = parser.parse_args()

    started = time.perf_counter()
    detector = LanguageDetector(Settings())
    seeds = seed_articles()
    for seed in seeds:
        detector.detect(seed)  # the first calls load lingua's models: reported apart from the speed
    print(f"detector ready in {time.perf_counter() - started:.2f}s")

    results, seconds = timed(detector, seeds * args.repeat)
    print(f"seeds x{args.repeat}: {len(results) / seconds:.0f} articles/s, answers {Counter(a.lang for a in results)}")

    path = EVAL_DIR / "articles.jsonl"
    if not path.is_file():
        print(f"skipped semeval-dev: {path} is not present")
        return
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    articles = [
        Article(id=str(row["id"]), title=row.get("title") or "", text=row.get("text") or "", origin=str(path))
        for row in rows
    ]
    results, seconds = timed(detector, articles)
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    undetermined: Counter[str] = Counter()
    confusions: Counter[tuple[str, str]] = Counter()
    for row, article in zip(rows, results, strict=True):
        truth = row["lang"]
        total[truth] += 1
        right[truth] += article.lang == truth
        undetermined[truth] += article.lang == "und"
        if article.lang not in (truth, "und"):
            confusions[(truth, article.lang)] += 1
    print(f"semeval-dev: {len(results)} articles, {len(results) / seconds:.0f} articles/s (clean + detect)")
    print(f"accuracy {sum(right.values()) / len(results):.4f}, und {sum(undetermined.values())}")
    for lang in sorted(total):
        print(f"  {lang}: {right[lang]}/{total[lang]} right, {undetermined[lang]} und")
    if confusions:
        print("  confusions:", ", ".join(f"{a}->{b} x{n}" for (a, b), n in confusions.most_common(10)))
    print(f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
