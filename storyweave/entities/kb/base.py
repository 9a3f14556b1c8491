"""The knowledge base at run time: entities with one id each, and their alias indexes.

Loaded once per process from the packaged ``data/kb.json.gz`` (about two seconds); the build that
writes that file lives apart, in ``kb.build`` (``python -m storyweave.entities.kb.build``), with the
sources and the hygiene rules, and is never imported at run time.
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

from rapidfuzz.distance import Levenshtein

from ...lang.patterns import SAINT_PREFIXES
from ...lang.text import note_opening
from ...memory import collector_paused, release_free_memory
from ...models import EntityType
from ..names import NameForm, is_cjk, name_form

log = logging.getLogger(__name__)

COUNTRY_PRIORITY = 10**10  # a country beats any city of the same name ("Mexico", "Kuwait")
# A place this large (people, or a state's or a country's rank) is talked about enough that every
# spelling of its name is worth matching, and frequent because of the place, not as a word.
FAMOUS_PRIORITY = 1_000_000
# A place named after a saint stands alone only when this populous (San Francisco, San Salvador).
SAINT_CITY_PRIORITY = 500_000
# A place this many times smaller than a same-name place abroad is not chosen by the region alone.
DWARFED = 20
KB_FILE = "data/kb.json.gz"
# The confidence of a mention found or typed only because the knowledge base lists its name (the
# gazetteer, the rules' known places): if the name then resolves to no entry, it was a word.
LISTED_CONFIDENCE = 0.8


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


class KnowledgeBase:
    """Alias indexes over the entities; see ``lookup`` and ``skeleton_candidates``."""

    def __init__(self) -> None:
        self.entities: dict[str, KBEntity] = {}
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.by_lang_key: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.by_skeleton: dict[str, dict[str, list[NameForm]]] = defaultdict(dict)
        self.max_tokens = 1
        self.cjk_max_chars = 1
        # (alias key, entity id) pairs that only hold in context: a small place whose name is also a
        # common word or a person's name ("Corona", "Rodriguez", "Baker"), see ``usable``.
        self.contextual: set[tuple[str, str]] = set()
        # Language-bound short forms by key alone, whatever their language (see ``abroad``).
        self.bound: dict[str, set[str]] = defaultdict(set)
        # The most words of any alias key (of any language) that opens with a given word: a text's
        # word that opens none needs no look-up of the names that would start with it.
        self.opening_words: dict[str, int] = {}

    def words_opened(self, word: str) -> int:
        """The most words of an alias key that opens with ``word`` (0: none opens with it)."""
        return self.opening_words.get(word, 0)

    def index(self, entity_id: str, form: NameForm, *, cjk: bool, lang: str = "", contextual: bool = False) -> None:
        if contextual:
            self.contextual.add((form.key, entity_id))
        note_opening(self.opening_words, form.key)
        if lang:
            self.by_lang_key[(lang, form.key)].add(entity_id)
            self.bound[form.key].add(entity_id)
            return  # language-bound short forms stay out of the skeleton index: too short to match loosely
        self.by_key[form.key].add(entity_id)
        self.max_tokens = max(self.max_tokens, len(form.tokens))
        if cjk:
            self.cjk_max_chars = max(self.cjk_max_chars, len(form.key.replace(" ", "")))
        if len(form.skeleton_key) >= 3:
            self.by_skeleton[form.skeleton_key].setdefault(entity_id, []).append(form)

    # -- reading -----------------------------------------------------------------------------------
    def lookup(self, key: str, lang: str | None = None, written: str | None = None) -> set[str]:
        """Entities with alias ``key``; with ``lang``, also that language's own short forms.

        ``written``: the text as the article writes it.  A short form of four plain letters or fewer
        is an acronym ("WHO", "UN", "IS"), so written otherwise it is a word ("Who knows", "Kim Jong
        Un") unless it is the entity's own name ("Uber"); a short name with letters of its own ("Mỹ",
        "Đức") is written as it is."""
        found = self.by_key.get(key, set())
        if lang:
            scoped = self.by_lang_key.get((lang, key))
            if scoped and written is not None and _a_word(written, key):
                scoped = {e for e in scoped if written in self.entities[e].names.values()}  # "Uber"
            if scoped:
                return found | scoped
        return found

    def abroad(self, key: str, written: str, countries: set[str]) -> set[str]:
        """Organisations of one country whose short form, listed for that country's language,
        ``written`` spells in capitals in another language's text that names the country: "PP" in a
        French or English report on Spain is Spain's Partido Popular, as "PP" in Spanish is anywhere.
        Not places: Turkish "BAE" (the Emirates) in English is BAE Systems as often."""
        if not countries or not written.isupper():
            return set()
        return {
            e
            for e in self.bound.get(key, ())
            if self.entities[e].type == "organisation" and self.entities[e].country in countries
        }

    def usable(
        self,
        key: str,
        ids: set[str],
        countries: set[str] | None = None,
        placed: bool = False,
        regions: set[str] | None = None,
        located: bool = False,
    ) -> set[str]:
        """Those of ``ids`` that alias ``key`` names here: a contextual alias only when the text also
        names the entity's country (Corona, California is a city; "Corona" alone is the virus).
        A small place named by a word or a surname ("Granada") holds as well beside another place
        of its country that needs no context (``regions``: "Sevilla", "Málaga"); a saint's name
        that several places share still needs the country itself.

        When ``key`` is also the own name of something that is no place and needs no context (the
        virus), the country named somewhere in the text is not enough: a Turkish report on "Corona
        virüsü" in the US names the US.  The place then needs ``placed``: the text puts the name
        where a place goes ("Corona, California", "the city of Corona").

        ``located``: the text writes the name after a preposition of place ("en Granada"), which no
        word nor surname follows there; then a place named by a word needs no country, when nothing
        else of that name needs no context."""
        countries = countries or set()
        # A saint's name that several listed places share ("San José": the US, Costa Rica and the
        # Philippines have one) is each of them only where its country is named.
        shared = key.split(" ", 1)[0] in SAINT_PREFIXES and len(ids) > 1
        free = {
            e
            for e in ids
            if not (self.is_contextual(key, e) or (shared and self.entities[e].priority < FAMOUS_PRIORITY))
        }
        rival = any(self.entities[e].type != "place" for e in free)
        regions = regions or set()
        held = {
            e
            for e in ids - free
            if (placed or not rival)
            and (
                self.entities[e].country in countries
                or ((key, e) in self.contextual and (self.entities[e].country in regions or (located and not rival)))
            )
        }
        return free | held

    def is_contextual(self, key: str, entity_id: str) -> bool:
        """Whether alias ``key`` names ``entity_id`` only in a text that names its country: a word or
        a surname that some small place is also called, or a saint's name, which hundreds of towns
        share while the knowledge base lists only the largest: it stands alone only as a large
        city's own name (San Francisco), never as a shortening (San Pedro Sula's "San Pedro") nor as
        a smaller town's ("Saint-Denis" is Réunion's capital and a suburb of Paris)."""
        if (key, entity_id) in self.contextual:
            return True
        entity = self.entities[entity_id]
        if entity.type != "place" or entity.priority >= FAMOUS_PRIORITY or key.split(" ", 1)[0] not in SAINT_PREFIXES:
            return False
        own = any(name_form(name).key == key for name in entity.names.values())
        return not own or entity.priority < SAINT_CITY_PRIORITY

    def skeleton_candidates(self, form: NameForm) -> dict[str, list[NameForm]]:
        return self.by_skeleton.get(form.skeleton_key, {})

    def best(
        self, ids: set[str], context_countries: set[str] | None = None, regions: set[str] | None = None
    ) -> str | None:
        """The most plausible of several same-name entities: one in a country the text names, else
        in the country of the other places it names (``regions``: "Antioquia" beside Medellín is the
        Colombian department, not Antakya, which Spanish also calls so), else the most populous."""
        if not ids:
            return None
        countries = context_countries or set()
        regions = regions or set()
        abroad = [
            self.entities[e].priority
            for e in ids
            if self.entities[e].country not in regions and self.entities[e].priority < COUNTRY_PRIORITY
        ]

        def rank(entity_id: str) -> tuple[int, int, int, str]:
            entity = self.entities[entity_id]
            # A far larger namesake abroad keeps its name (Moscow, not a Texan town some list calls so).
            near = entity.country in regions and not any(p >= DWARFED * entity.priority for p in abroad)
            return (int(entity.country in countries), int(near), entity.priority, entity_id)

        return max(ids, key=rank)


def a_letter_off(country: KBEntity, key: str) -> bool:
    """``key`` is ``country``'s English name but for one letter ("granada", Spanish for Grenada):
    where a city of that exact name exists, the name is the city's (the build leaves it to the city,
    and no other spelling of the country's finds it); the country keeps its English name itself
    ("Lebanon", "Jamaica"), whatever town shares it."""
    if country.priority < COUNTRY_PRIORITY or country.type != "place":
        return False
    english = name_form(country.names.get("en", ""), drop_titles=False).key
    return bool(english) and english != key and Levenshtein.distance(english, key) == 1


ACRONYM_MAX_LETTERS = 4  # a language's short form this short is an acronym, written in capitals


def _a_word(written: str, key: str) -> bool:
    """``written`` spells the short form ``key`` letter for letter, not in capitals: a word."""
    return len(key) <= ACRONYM_MAX_LETTERS and not written.isupper() and written.casefold() == key


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
        lang = rest[0] if rest else ""
        kb.index(ids[entity_index], form, cjk=is_cjk(key), lang=lang, contextual=len(rest) > 1 and bool(rest[1]))
    return kb


def kb_path() -> Path:
    """Where the packaged knowledge base lives (written by the build, read at run time)."""
    return Path(str(resources.files(__package__).joinpath(KB_FILE)))


_CACHE: dict[str, KnowledgeBase] = {}
_LOCK = threading.Lock()


def get_kb() -> KnowledgeBase:
    """The process-wide knowledge base, loaded on first use from the packaged compact file."""
    # Asked tens of times per stored article: once loaded, no lock is needed to read it.
    found = _CACHE.get("kb")
    if found is not None:
        return found
    with _LOCK:
        if "kb" not in _CACHE:
            path = Path(str(kb_path()))
            if not path.is_file():
                raise OSError(f"{path} is missing; build it with 'python -m storyweave.entities.kb.build'")
            with collector_paused():  # half the load's time was the collector, rerun as objects pile up
                _CACHE["kb"] = load(path)
            release_free_memory()  # the parsed JSON (tens of MB) is garbage now
        return _CACHE["kb"]
