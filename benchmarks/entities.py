"""Entity benchmarks: recognizer speed per language, and cross-script merge precision/recall.

    python benchmarks/entities.py [--per-lang 40] [--skip-speed] [--kb-noise 300]

(a) Speed: the full ``EntityRecognizer`` (models + gazetteer + resolution) over a sample of
    ``../shared/eval/semeval-dev/articles.jsonl`` per language (skipped when absent).
(b) Merge quality: ``benchmarks/data/entity_names.csv`` (group_id,name,lang,type: real entities
    named in four or more languages/scripts, plus look-alike groups such as Niger/Nigeria) goes
    through the same code path as ``storyweave resolve``; pairwise precision and recall over all
    pairs of names, overall, per type and per script pair.
(c) Knowledge-base noise (``--kb-noise N``): over N eval articles per language, the one-word KB
    aliases that the corpus mostly writes in lower case (common words, in scripts with case), and
    the most frequent alias words of uncased scripts, for review.  Reads the corpus at run time only.
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from storyweave.entities.api import resolve_names  # noqa: E402
from storyweave.entities.names import script_of  # noqa: E402

sys.path.insert(0, str(REPO / "benchmarks"))
from _common import eval_articles_per_language  # noqa: E402

NAMES = REPO / "benchmarks" / "data" / "entity_names.csv"


def speed(per_lang: int) -> None:
    from storyweave.entities import EntityRecognizer
    from storyweave.models import Article
    from storyweave.settings import Settings

    by_lang: dict[str, list[Article]] = defaultdict(list)
    for article in eval_articles_per_language(per_lang):
        by_lang[article.lang].append(article)
    if not by_lang:
        return
    started = time.perf_counter()
    recognizer = EntityRecognizer(Settings())
    print(
        f"speed: recognizer ready in {time.perf_counter() - started:.1f}s; sample of {per_lang} articles per language"
    )
    print(f"{'lang':5} {'articles':>8} {'articles/s':>10} {'mentions/s':>10} {'mentions/article':>16}")
    for lang, articles in sorted(by_lang.items()):
        recognizer.analyse(articles[0])  # load the language's model outside the timing
        started = time.perf_counter()
        mentions = sum(len(recognizer.analyse(a)[0]) for a in articles)
        elapsed = time.perf_counter() - started
        print(
            f"{lang:5} {len(articles):8d} {len(articles) / elapsed:10.1f} {mentions / elapsed:10.1f} "
            f"{mentions / len(articles):16.1f}"
        )


def merge_quality() -> None:
    with NAMES.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    started = time.perf_counter()
    results = resolve_names([(str(i), r["name"], r["lang"]) for i, r in enumerate(rows)])
    elapsed = time.perf_counter() - started
    ids = [entity_id for _, entity_id, _ in results]
    groups = {r["group_id"] for r in rows}
    print(f"\nmerge quality: {len(rows)} names of {len(groups)} entities, resolved in {elapsed:.1f}s")
    print(f"  unresolved (empty id): {sum(1 for i in ids if not i)}")

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn

    def add(key: str, same_truth: bool, same_pred: bool) -> None:
        if same_truth and same_pred:
            counts[key][0] += 1
        elif same_pred:
            counts[key][1] += 1
        elif same_truth:
            counts[key][2] += 1

    for a, b in combinations(range(len(rows)), 2):
        truth = rows[a]["group_id"] == rows[b]["group_id"]
        pred = bool(ids[a]) and ids[a] == ids[b]
        if not truth and not pred:
            continue
        scripts = "-".join(sorted((script_of(rows[a]["name"]), script_of(rows[b]["name"]))))
        add("all", truth, pred)
        add(f"type {rows[a]['type']}" if rows[a]["type"] == rows[b]["type"] else "type mixed", truth, pred)
        add(f"scripts {scripts}", truth, pred)
    print(f"  {'slice':28} {'precision':>9} {'recall':>7} {'pairs':>7}")
    for key, (tp, fp, fn) in sorted(counts.items(), key=lambda item: (item[0] != "all", item[0])):
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        print(f"  {key:28} {precision:9.3f} {recall:7.3f} {tp + fn:7d}")
    split = defaultdict(set)
    for row, entity_id in zip(rows, ids, strict=True):
        split[row["group_id"]].add(entity_id)
    broken = [g for g, found in split.items() if len(found) > 1]
    print(f"  entities split over several ids: {len(broken)} of {len(split)}")
    for group in broken:
        parts: dict[str, list[str]] = defaultdict(list)
        for row, entity_id in zip(rows, ids, strict=True):
            if row["group_id"] == group:
                parts[entity_id or "-"].append(row["name"])
        print(f"    {group}: " + " | ".join(", ".join(names) for names in parts.values()))


def kb_noise(per_lang: int) -> None:
    import re
    from collections import Counter

    from storyweave.entities.kb.base import get_kb
    from storyweave.lang.text import fold_token

    kb = get_kb()
    word = re.compile(r"[^\W\d_]+")
    seen: Counter[str] = Counter()
    lower: dict[str, Counter[str]] = defaultdict(Counter)
    upper: dict[str, Counter[str]] = defaultdict(Counter)
    for article in eval_articles_per_language(per_lang):
        seen[article.lang] += 1
        for raw in word.findall(f"{article.title} {article.text}"):
            key = fold_token(raw)
            if kb.lookup(key, article.lang):
                (lower if raw[0].islower() else upper)[article.lang][key] += 1
    print(f"\nknowledge-base noise over {sum(seen.values())} eval articles ({per_lang} per language)")
    for lang in sorted(seen):
        cased = sum(lower[lang].values()) > 0
        if cased:
            noisy = [
                (k, lower[lang][k], upper[lang][k])
                for k in lower[lang]
                if lower[lang][k] >= 5 and lower[lang][k] >= 4 * upper[lang][k]
            ]
            noisy.sort(key=lambda item: -item[1])
            shown = ", ".join(f"{k} ({lo} lower/{up} upper)" for k, lo, up in noisy[:15]) or "none"
            print(f"  {lang}: aliases mostly written lower case: {shown}")
        else:
            top = ", ".join(f"{k} {n}" for k, n in upper[lang].most_common(15))
            print(f"  {lang}: most frequent alias words (uncased script, review): {top}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-lang", type=int, default=40, help="articles per language for the speed sample")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--kb-noise", type=int, default=0, metavar="N", help="scan N eval articles per language")
    args = parser.parse_args()
    if args.kb_noise:
        kb_noise(args.kb_noise)
    if not args.skip_speed:
        speed(args.per_lang)
    merge_quality()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory (whole process, models included): {peak:.0f} MB")


if __name__ == "__main__":
    main()
