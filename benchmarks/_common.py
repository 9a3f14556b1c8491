"""Helpers shared by the benchmark scripts: where the evaluation data is, subsets of it, and memory readings."""

from __future__ import annotations

import itertools
import json
import resource
import sys
from collections import defaultdict
from pathlib import Path

from storyweave.models import Article

REPO = Path(__file__).resolve().parents[1]
EVAL_DIR = REPO.parent / "shared" / "eval" / "semeval-dev"


def eval_file(name: str) -> Path:
    """The evaluation file, or exit 0 with a note when the evaluation data is not here."""
    path = EVAL_DIR / name
    if not path.is_file():
        print(f"skipped: {path} is not present", file=sys.stderr)
        raise SystemExit(0)
    return path


def first_lines(source: Path, limit: int, directory: Path) -> Path:
    """``source`` itself, or its first ``limit`` lines (JSONL: one article a line) in ``directory``."""
    if not limit:
        return source
    subset = directory / f"first-{limit}.jsonl"
    with source.open(encoding="utf-8") as lines, subset.open("w", encoding="utf-8") as out:
        out.writelines(itertools.islice(lines, limit))
    return subset


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def eval_articles_per_language(per_lang: int) -> list[Article]:
    """The first ``per_lang`` evaluation articles of each language, as articles (empty when absent)."""
    path = EVAL_DIR / "articles.jsonl"
    if not path.is_file():
        print(f"skipped: {path} is not present", file=sys.stderr)
        return []
    taken: dict[str, int] = defaultdict(int)
    sample = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            lang = row.get("lang") or "und"
            if taken[lang] >= per_lang:
                continue
            taken[lang] += 1
            sample.append(
                Article(
                    id=row["id"],
                    title=row.get("title") or "",
                    text=row.get("text") or "",
                    origin="eval",
                    lang=lang,
                    publish_date=row.get("publish_date"),
                )
            )
    return sample
