"""Speed of mention extraction and date finding, per language, on the seeds and on semeval-dev.

    python benchmarks/ner.py              # 40 eval articles per language
    python benchmarks/ner.py --per-lang 100

Model loading is timed apart (first article of each language).  Prints articles/s and mentions/s
for NER, articles/s and dates per article for find_dates.  The eval part is skipped when the eval
data is absent; its articles carry no publication date, so only absolute dates are found there.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import EVAL_DIR, REPO, peak_rss_mb

from storyweave.dates import find_dates
from storyweave.entities.ner import MentionExtractor
from storyweave.models import Article
from storyweave.settings import Settings


def _seeds() -> list[Article]:
    langs = {"000": "ar", "004": "fr"}
    return [
        Article(
            id=p.stem,
            title="",
            text=p.read_text(encoding="utf-8"),
            origin=str(p),
            lang=langs[p.name[:3]],
            publish_date="2024-03-29",
        )
        for p in sorted((REPO / "examples").glob("0*.txt"))
    ]


def _eval_sample(per_lang: int) -> list[Article]:
    path = EVAL_DIR / "articles.jsonl"
    if not path.is_file():
        print(f"eval part skipped: {path} is not present", file=sys.stderr)
        return []
    counts: dict[str, int] = defaultdict(int)
    out = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            lang = row.get("lang") or "und"
            if counts[lang] >= per_lang:
                continue
            counts[lang] += 1
            out.append(
                Article(
                    id=row["id"],
                    title=row.get("title") or "",
                    text=row.get("text") or "",
                    origin="eval",
                    lang=lang,
                    publish_date=row.get("publish_date"),
                )
            )
    return out


def _report(name: str, articles: list[Article], extractor: MentionExtractor) -> None:
    by_lang: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        by_lang[article.lang].append(article)
    print(f"\n{name}")
    print(
        f"{'lang':5} {'n':>4} {'chars/art':>9} {'load s':>7} {'NER art/s':>9} {'mentions/s':>10} "
        f"{'ment/art':>8} {'dates art/s':>11} {'dates/art':>9}"
    )
    for lang, group in sorted(by_lang.items()):
        started = time.perf_counter()
        extractor.extract(group[0])  # loads the model for this language, if any
        load = time.perf_counter() - started
        started = time.perf_counter()
        mentions = sum(len(extractor.extract(a)) for a in group)
        ner_s = time.perf_counter() - started
        started = time.perf_counter()
        dates = sum(len(find_dates(a)) for a in group)
        dates_s = time.perf_counter() - started
        chars = sum(len(a.title) + len(a.text) for a in group) / len(group)
        print(
            f"{lang:5} {len(group):4d} {chars:9.0f} {load:7.2f} {len(group) / ner_s:9.1f} {mentions / ner_s:10.0f} "
            f"{mentions / len(group):8.1f} {len(group) / dates_s:11.0f} {dates / len(group):9.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-lang", type=int, default=40, help="Eval articles per language.")
    args = parser.parse_args()
    settings = Settings()
    print(f"ner_models={settings.ner_models} ner_max_chars={settings.ner_max_chars}")
    extractor = MentionExtractor(settings)
    _report("seeds (load time = first seed of the language, includes the model)", _seeds(), extractor)
    sample = _eval_sample(args.per_lang)
    if sample:
        _report("semeval-dev sample (models already loaded)", sample, extractor)
    print(f"\npeak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
