"""Why different stories share a storyline: semeval-dev's different-story pairs in one storyline.

    python benchmarks/storyline_pairs.py [--keep DB]

Streams semeval-dev through the real writer and assigner with the committed scorer and settings
(as ``cluster_folds.py --folds 0 --in-sample``) while recording every storyline link: the event
that linked, the storyline it joined, its ``StorylineFit`` (cosine to the recent centroid, best
cosine, rarity-weighted shared entities, distinctive actors, overlap) and the entities it shared
with the storyline's recent events at that moment, each with its rarity.

Each different-story pair (overall >= 3.0) whose articles end in one storyline is then listed as
``same event`` (an event error: the pair scorer's business) or ``same storyline`` (two events the
storyline step joined), with the links that put each of the two events into that storyline.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import eval_file
from cluster_folds import CACHE
from train_scorer import build

from storyweave.cluster import Assigner, storylines
from storyweave.cluster.assigner import effective_day, stable_id
from storyweave.models import RawDoc
from storyweave.pairs import enrich_documents, read_raw_docs
from storyweave.pipeline import Writer
from storyweave.settings import Settings
from storyweave.store import SQLiteStore
from storyweave.store import events as event_store

RECENT = 8  # as many recent events as a storyline fit reads
NEAR_COSINE, NEAR_OVERLAP = 0.6, 0.45


class LinkLog:
    """Wraps ``storylines.continued_storyline`` and ``StorylineFit.links`` to record each link."""

    def __init__(self, db: SQLiteStore) -> None:
        self.db = db
        self.article = ""  # the article being stored, whose event may be founded
        self.links: dict[str, dict[str, Any]] = {}  # event id -> how it joined a storyline
        self.deciding = ""  # the event whose storyline is being decided
        self.day: int | None = None  # its day (``assigner.effective_day``)
        self.fits: list[Any] = []
        # Fits that did not link but would under a looser cosine for a large overlap: what such a
        # follow-up rule would add, judged by the labelled pairs across the two events.
        self.near: list[dict[str, Any]] = []
        original_links = storylines.StorylineFit.links
        original_continued = storylines.continued_storyline
        log = self

        def links(fit: storylines.StorylineFit, assigner: Any) -> bool:
            result = original_links(fit, assigner)
            if result:
                log.fits.append(fit)
            elif fit.cosine >= NEAR_COSINE and fit.actors >= 1 and fit.overlap >= NEAR_OVERLAP and fit.weight >= 12:
                log.near.append({"fit": fit, "gap": log.gap(assigner, fit.nearest), "event": log.deciding})
            return result

        def continued(assigner: Any, entities: dict[str, str], *args: Any, **kwargs: Any) -> str | None:
            log.fits = []
            exclude = kwargs.get("exclude")
            if exclude is not None and assigner.index is not None:
                log.deciding = assigner.index.spans[exclude].event_id
                log.day = assigner.index.spans[exclude].first_day
            else:
                log.deciding = stable_id("ev_", log.article)
            chosen = original_continued(assigner, entities, *args, **kwargs)
            if chosen is None:
                return None
            event_id = log.deciding
            how = "lone event" if kwargs.get("exclude") is not None else "founding article"
            fit = next(f for f in log.fits if f.storyline_id == chosen)
            log.links[event_id] = {
                "how": how, "fit": fit, "shared": log.shared(entities, chosen), "gap": log.gap(assigner, fit.nearest)
            }
            return chosen

        self.originals = (original_links, original_continued)
        storylines.StorylineFit.links = links  # type: ignore[method-assign]
        storylines.continued_storyline = continued  # type: ignore[assignment]

    def gap(self, assigner: Any, event_id: str) -> int | None:
        """Days from the nearest event's last day to the deciding article's or event's day."""
        span = next((s for s in assigner.index.spans.values() if s.event_id == event_id), None)
        if span is None or span.last_day is None or self.day is None:
            return None
        return int(self.day - span.last_day)

    def restore(self) -> None:
        storylines.StorylineFit.links, storylines.continued_storyline = self.originals  # type: ignore[method-assign]

    def shared(self, entities: dict[str, str], storyline_id: str) -> list[tuple[str, str, float]]:
        recent = self.db.recent_storyline_events([storyline_id], RECENT).get(storyline_id, [])
        theirs: dict[str, str] = {}
        for event_id in recent:
            theirs.update(self.db.event_entity_ids(event_id))
        common = sorted(entities.keys() & theirs.keys())
        total = max(200, self.db.event_total())
        counts = self.db.entity_event_counts(common)
        names = self.db.entity_names(common)
        out = [(names.get(e, e), entities[e], math.log((total + 1) / (counts.get(e, 0) + 1))) for e in common]
        return sorted(out, key=lambda t: -t[2])


def show_link(db: SQLiteStore, log: LinkLog, event_id: str, titles: dict[str, str]) -> str:
    link = log.links.get(event_id)
    if link is None:
        return f"    {event_id} {titles.get(event_id, '')[:70]!r}: founded the storyline (or came by a merge)"
    f = link["fit"]
    near = titles.get(f.nearest, f.nearest)[:60]
    shared = ", ".join(f"{n} ({k[:3]} {r:.1f})" for n, k, r in link["shared"][:12])
    return (
        f"    {event_id} {titles.get(event_id, '')[:70]!r} by {link['how']}: cos {f.cosine:.3f} best "
        f"{f.best_cosine:.3f} weight {f.weight:.1f} actors {f.actors} overlap {f.overlap:.2f}; nearest {near!r}\n"
        f"      shared: {shared}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", default="", help="Keep the replayed store at this path.")
    args = parser.parse_args()
    articles, pairs_csv = eval_file("articles.jsonl"), eval_file("pairs.csv")
    base = Settings.load()
    data = build(pairs_csv.parent, CACHE, base)
    raws = [d for d in read_raw_docs(articles, base) if isinstance(d, RawDoc)]
    enriched, _ = enrich_documents(raws, base, cache_dir=CACHE)
    order = [enriched[r.id] for r in raws if r.id in enriched]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "replay.db"
        db = SQLiteStore(path)
        log = LinkLog(db)
        try:
            assigner = Assigner(db, base, scorer=None)
            writer = Writer(db, assigner)
            for item in order:
                log.article, log.day = item.article.id, effective_day(item)
                writer.store(item)
            with db.transaction():
                assigner.consolidate(full=False)
        finally:
            log.restore()
        snap = event_store.clustering_snapshot(db.conn)
        event_of, line_of, titles = snap["event_of"], snap["storyline_of"], snap["titles"]
        labels = [(p.id1, p.id2, float(y)) for p, y in zip(data.pairs, data.y, strict=True)]
        different = [(a, b) for a, b, y in labels if y >= 3.0]
        joined = [(a, b) for a, b in different if line_of.get(a) is not None and line_of.get(a) == line_of.get(b)]
        kinds = Counter("same event" if event_of[a] == event_of[b] else "same storyline" for a, b in joined)
        sizes = Counter(line_of.values())
        print(f"different-story pairs sharing a storyline: {len(joined)}/{len(different)} = "
              f"{len(joined) / max(1, len(different)):.1%}; {dict(kinds)}; largest storyline "
              f"{sizes.most_common(1)[0][1]} articles = {sizes.most_common(1)[0][1] / len(order):.1%} of {len(order)}")
        apart = [(a, b, y) for a, b, y in labels if y <= 2.0 and event_of.get(a) != event_of.get(b)]
        linked = [(a, b) for a, b, _ in apart if line_of.get(a) is not None and line_of.get(a) == line_of.get(b)]
        print(f"same-story pairs (overall <= 2.0) in different events sharing a storyline: {len(linked)}/{len(apart)}")
        members: dict[str, set[str]] = {}
        for a, e in event_of.items():
            members.setdefault(e, set()).add(a)

        def across(first: str, second: str) -> list[float]:
            one, two = members.get(first, set()), members.get(second, set())
            return [y for a, b, y in labels if (a in one and b in two) or (a in two and b in one)]

        print(f"\nfits that would link at cosine >= {NEAR_COSINE} with overlap >= {NEAR_OVERLAP}, with labelled "
              "pairs across the event and the nearest:")
        for near in sorted(log.near, key=lambda n: n["fit"].cosine):
            f, found = near["fit"], across(near["event"], near["fit"].nearest)
            if found:
                print(f"  {min(found):.1f}-{max(found):.1f} n={len(found)} cos {f.cosine:.3f} best {f.best_cosine:.3f} "
                      f"w {f.weight:.1f} actors {f.actors} overlap {f.overlap:.2f} gap {near['gap']}: "
                      f"{titles.get(near['event'], '')[:50]!r}")
        print("\nlinks with labelled pairs across them (the lowest and highest overall):")
        for event_id, link in sorted(log.links.items(), key=lambda kv: kv[1]["fit"].cosine):
            mine = {a for a, e in event_of.items() if e == event_id}
            if not mine:
                continue
            line = line_of[next(iter(mine))]
            found = [y for a, b, y in labels if (a in mine) != (b in mine) and line_of.get(a) == line_of.get(b) == line
                     and (a in mine or b in mine)]
            if found:
                f = link["fit"]
                print(f"  {min(found):.1f}-{max(found):.1f} n={len(found)} cos {f.cosine:.3f} best {f.best_cosine:.3f} "
                      f"w {f.weight:.1f} actors {f.actors} overlap {f.overlap:.2f} gap {link['gap']} {link['how']}: "
                      f"{titles.get(event_id, '')[:50]!r}")
        for a, b in joined:
            if event_of[a] == event_of[b]:
                continue
            print(f"\n  {a} / {b}: storyline {line_of[a]} ({sizes[line_of[a]]} articles)")
            for event_id in (event_of[a], event_of[b]):
                print(show_link(db, log, event_id, titles))
        db.close()
        if args.keep:
            shutil.copy(path, args.keep)


if __name__ == "__main__":
    main()
