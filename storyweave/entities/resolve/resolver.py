"""From a name to an entity id: knowledge base first, then names seen alongside, then ``sw:`` ids.

``KBResolver.resolve`` handles one name against the knowledge base (exact alias, Arabic clitic
variants, then a guarded skeleton match).  ``group_names`` links the names of one article (or one
batch) that denote the same entity: full names across scripts, and bare surnames to the one full
name they belong to.  Ids of entities no knowledge base has are ``names.sw_id`` of the group's
fullest name, so they are the same in every process.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from ...lang import de as german
from ...lang import inflection
from ...lang.ar import AR_NAMING_COUNTRIES
from ...lang.patterns import (
    CLUB_TAILS,
    DIRECTIONS,
    FACILITY_SUFFIXES,
    FACILITY_TAILS,
    ORG_HEADS,
    ORG_SUFFIXES,
    ORG_TAILS,
    reads_as_place,
)
from ...lang.text import arabic_clitic_variants
from ...models import EntityType
from ..kb.base import COUNTRY_PRIORITY, FAMOUS_PRIORITY, KBEntity, KnowledgeBase, a_letter_off
from ..names import (
    ORG_WORDS,
    NameForm,
    is_acronym_like,
    is_cjk,
    name_form,
    regnal_name,
    script_of,
    sw_id,
)
from .matching import contains_name, part_of_name, same_name, strong_match, surname_letter_for_letter
from .readings import Reading

_SUFFIX_APOSTROPHE = re.compile(r"['’]\w{1,5}$")
SKELETON_MIN_SIMILARITY = 85.0  # romanised similarity for a KB match found only through the skeleton
FUZZY_MIN_LETTERS = 6  # romanised letters a name needs before a KB match may be found by sound
SKELETON_MARGIN = 8.0  # the best KB candidate must beat a different entity by this much


@dataclass
class KBMatch:
    entity_id: str
    type: EntityType
    exact: bool


class KBResolver:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def exact(
        self,
        text: str,
        countries: set[str] | None = None,
        lang: str | None = None,
        reading: Reading | None = None,
        placed: bool = False,
        regions: set[str] | None = None,
        located: bool = False,
    ) -> KBMatch | None:
        """The entity ``text`` names in the knowledge base, with the text's ``countries`` as context;
        ``reading``: what the article says of a name listed for a place and for an organisation;
        ``placed``, ``regions``, ``located``: the text writes the name where a place goes, the
        countries of the other places it names, a preposition of place before the name
        (``KnowledgeBase.usable``)."""
        for key, written in self._keys(text, lang):
            ids = self.kb.lookup(key, lang, written)
            usable = self.kb.usable(key, ids, countries, placed, regions, located)
            usable = {e for e in usable if not _another_arabic_word(written, self.kb.entities[e])}
            if reading is not None:
                usable = reading.choose(usable, self.kb, written)
            best = self.kb.best(usable, countries, regions)
            if best is not None:
                return KBMatch(best, self.kb.entities[best].type, True)
        abroad = self.kb.abroad(name_form(text, drop_titles=False).key, text, countries or set())
        if len(abroad) == 1:
            [found] = abroad
            return KBMatch(found, self.kb.entities[found].type, True)
        return None

    def listed(self, text: str, lang: str | None = None) -> tuple[str, set[str]] | None:
        """The first key of ``text`` the knowledge base lists, with every entity it lists under it,
        context or none: the names ``exact`` chooses among."""
        for key, written in self._keys(text, lang):
            ids = self.kb.lookup(key, lang, written)
            if ids:
                return key, ids
        return None

    @staticmethod
    def _keys(text: str, lang: str | None) -> Iterator[tuple[str, str]]:
        """(alias key, the text it was read from) to look up, in order: as written, without a Turkish
        case ending, a German, Russian, Ukrainian or Polish case form, an Arabic joined preposition or conjunction."""
        candidates = [text]
        if _SUFFIX_APOSTROPHE.search(text):  # Turkish case endings: "Almanya'da", "Rusya'nın"
            candidates.append(_SUFFIX_APOSTROPHE.sub("", text))
        if lang == "de" and (nominative := german.uninflected(text)):
            candidates.append(nominative)
        candidates.extend(inflection.nominatives(text, lang))  # "в Москве", "w Warszawie": lists list nominatives
        for written, form in [(c, f) for c in candidates for f in (name_form(c, drop_titles=False), name_form(c))]:
            yield form.key, written
            if form.tokens and form.script == "arabic":
                for variant in arabic_clitic_variants(form.tokens[0]):
                    yield " ".join((variant, *form.tokens[1:])), written

    def fuzzy(self, form: NameForm, unsupported: set[str] | frozenset[str] = frozenset()) -> KBMatch | None:
        """A KB entity whose alias spells the same long name in another script, if exactly one does.

        Only across scripts ("Макрон"-like spellings of a listed name), only for names of at least
        ``FUZZY_MIN_LETTERS`` letters that are no acronyms, and only at high romanised similarity:
        within one script a different spelling is a different name (Putin is not Patna, COVID is not
        Kuwait), and a short name has too few letters to tell.
        """
        if is_acronym_like(form) or form.roman_len < FUZZY_MIN_LETTERS or form.script in ("cjk", "kana", "none"):
            return None
        scored: dict[str, tuple[float, str]] = {}  # entity -> (similarity, the alias key it matched)
        for entity_id, aliases in self.kb.skeleton_candidates(form).items():
            if entity_id in unsupported or (len(form.tokens) == 1 and self._spelled_otherwise(entity_id, form)):
                continue
            for alias in aliases:
                alias_script = script_of(alias.key)
                # Arabic spells long vowels, so بوتن is not بوتان (Bhutan): same-script names must
                # match an alias exactly, which ``exact`` has already tried.
                if alias_script == form.script or any(
                    self.kb.is_contextual(key, entity_id) for key in (alias.key, form.key)
                ):  # as the name is written here, too: "San Pedro" is a saint's name in any script
                    continue
                if same_name(form, alias):
                    score = fuzz.ratio(form.roman_key, alias.roman_key)
                    if score > scored.get(entity_id, (0.0, ""))[0]:
                        scored[entity_id] = (score, alias.key)
        if not scored:
            return None
        ranked = sorted(scored.items(), key=lambda item: -item[1][0])
        best_id, (best_score, best_key) = ranked[0]
        if best_score < SKELETON_MIN_SIMILARITY:
            return None
        close = {e for e, (score, _) in ranked if best_score - score < SKELETON_MARGIN}
        if any(scored[e][1] != best_key for e in close):
            return None  # Niger / Nigeria: too close to call from the letters alone
        # Entities of one name (Washington the city and the state): the name's usual reading wins,
        # as it does for the name written in their own script.
        chosen = self.kb.best(close) or best_id
        return KBMatch(chosen, self.kb.entities[chosen].type, False)

    def _spelled_otherwise(self, entity_id: str, form: NameForm) -> bool:
        """A small place whose own names in the form's script are other words: Turkish "Merkezi"
        ("central") sounds like Iran's Markazi province in Cyrillic, but its Latin name is Markazi."""
        entity = self.kb.entities[entity_id]
        own = [name for name in entity.names.values() if script_of(name) == form.script]
        if entity.priority < FAMOUS_PRIORITY:
            return bool(own)
        # A famous entity is spelled otherwise in Latin letters only when none of its own names there
        # holds the name as a word: "Vaticano" is in "Ciudad del Vaticano"; "Amberg" is in no name of
        # Hamburg, "Amazonia" in none of Amazon's (both found by sound through other scripts).
        # Cyrillic names inflect ("Египта", of Египет), so there the sound still decides.
        if form.script != "latin":
            return False
        return bool(own) and not any(form.key in name_form(name).tokens for name in own)

    def resolve(
        self,
        text: str,
        type_hint: EntityType | None = None,
        countries: set[str] | None = None,
        lang: str | None = None,
        reading: Reading | None = None,
        placed: bool = False,
        regions: set[str] | None = None,
        located: bool = False,
    ) -> KBMatch | None:
        match = self.exact(text, countries, lang, reading, placed, regions, located)
        # Chinese and Japanese renderings keep too few consonants for a letters-only match.  Entries
        # that list the name but that the context did not support ("San Pedro" with no country
        # named) are not found again through their spellings in other scripts, and neither is a
        # country a letter off the name a listed place spells exactly ("Granada" with no Spain named
        # is not غرينادا, Grenada: see ``kb.base.a_letter_off``).
        if match is None and type_hint != "person" and not is_cjk(text):
            form = name_form(text)
            listed = self.kb.lookup(form.key, lang, text)
            match = self.fuzzy(form, unsupported=listed)
            if match is not None and listed and a_letter_off(self.kb.entities[match.entity_id], form.key):
                match = None
        # "Sofia", "Vladimir": a person's name that is also a city stays a person.
        person = match is not None and type_hint == "person" and match.type != "person" and not _initials(text)
        if person and not (match is not None and match.type == "organisation" and self._named_after_a_place(text)):
            return None
        return match

    def _named_after_a_place(self, text: str) -> bool:
        """A listed organisation's name that opens with a place's name or closes with a club's word
        ("Manchester United", "Bayern München"): a club or a company, though it reads like a person's."""
        words = text.split()
        if len(words) < 2:
            return False
        if words[-1].casefold() in CLUB_TAILS:
            return True
        return any(self.kb.entities[e].type == "place" for e in self.kb.lookup(name_form(words[0]).key))


def _another_arabic_word(written: str, entity: KBEntity) -> bool:
    """One Arabic word written with the article, for a place whose Arabic name is one word without
    it: another word that folds alike, not the place ("المالي", financial, is not مالي, Mali;
    "المليشيا", the militia, is not ماليزيا; "البورصة", the stock exchange, is not بورصة, Bursa).
    Arabic writes a place's name with the article only when the name holds it: "الأردن", "الهند"."""
    if not written.startswith("ال") or len(written.split()) != 1:
        return False
    if entity.type != "place":
        return False
    own = entity.names.get("ar", "")
    if not own:  # no Arabic name listed: only places of Arabic-speaking lands take the article
        return entity.priority < COUNTRY_PRIORITY and entity.country not in AR_NAMING_COUNTRIES
    return len(own.split()) == 1 and not own.startswith("ال")


def _initials(text: str) -> bool:
    """Capitals only ("UN", "ONU", "WHO"): no person's name, whatever a recogniser read."""
    letters = [c for c in text if c.isalpha()]
    return 2 <= len(letters) <= 4 and all(c.isupper() for c in letters)


_ORG_ENDINGS = tuple(ending for endings in ORG_SUFFIXES.values() for ending in endings)
_FACILITY_ENDINGS = tuple(ending for endings in FACILITY_SUFFIXES.values() for ending in endings)
_POSSESSIVE = re.compile(r"\w['’]s\s+\w")


def evident_type(surface: str) -> EntityType | None:
    """The type a name says itself, whatever a recogniser read.

    An organisation by a head noun closing it ("Gwent Police", "Türkiye Futbol Federasyonu") or
    opening it ("Banco Santander"), or by a broadcaster's or a party's last word ("Catholic Sat",
    "Austria's Conservatives"); a place by a facility's last word ("St Peter's Square", "Union
    Station", German "Petersplatz")."""
    words = surface.casefold().split()
    if not words:
        return None
    first, last = words[0], words[-1]
    if len(words) == 1:
        return "place" if any(last.endswith(e) and len(last) > len(e) for e in _FACILITY_ENDINGS) else None
    if last in ORG_HEADS:
        return "organisation"
    if last in FACILITY_TAILS or any(last.endswith(e) for e in _FACILITY_ENDINGS):
        return "place"
    if last in ORG_TAILS or first in ORG_HEADS:
        return "organisation"
    # A compound's head ("Dışişleri Bakanlığı", "Robert Koch Enstitüsü"); short endings only as whole words.
    if any(last == ending or (len(ending) >= 5 and last.endswith(ending)) for ending in _ORG_ENDINGS):
        return "organisation"
    return None


def unknown_name_type(surface: str, recognised: EntityType) -> EntityType:
    """The type of a name no knowledge base knows: what its own words say, else the recogniser's,
    but never a person for a possessive ("Austria's Conservatives", "Trump's Twitter")."""
    evident = evident_type(surface)
    if evident is not None:
        return evident
    return "other" if recognised == "person" and _POSSESSIVE.search(surface) else recognised


def guess_type(form: NameForm, is_place: Callable[[str], bool] | None = None) -> EntityType:
    """The type of a name no knowledge base knows, read from its own words.

    ``is_place`` says whether a text names a known place; with it a compass word before a place
    ("Kuzey Irak", "Northern Syria") is read as a region."""
    evident = evident_type(form.text)
    if evident is not None:
        return evident
    if any(t in ORG_WORDS for t in form.tokens) or (len(form.tokens) == 1 and form.text.isupper()):
        return "organisation"
    words = form.text.casefold().split()
    rest = " ".join(form.text.split()[1:])
    if reads_as_place(words) or (rest and words[0] in DIRECTIONS and is_place is not None and is_place(rest)):
        return "place"
    if 2 <= len(form.tokens) <= 5 and _could_be_person(form) and not _POSSESSIVE.search(form.text):
        return "person"
    if regnal_name(form) is not None:  # a pope's or monarch's name alone ("Franziskus") is a person's
        return "person"
    return "other"


def _could_be_person(form: NameForm) -> bool:
    """Whether a name of a few words can be a person's: not with digits or lone letters in it
    ("PlayStation 5" and "Xbox Series X" are products)."""
    return not any(any(c.isdigit() for c in w) or (len(w) == 1 and w.isalpha()) for w in form.text.split())


@dataclass
class NameGroup:
    """Names denoting one entity; ``canonical`` is the fullest form seen."""

    canonical: NameForm
    forms: list[NameForm] = field(default_factory=list)
    entity_id: str | None = None
    type: EntityType | None = None


class GroupIndex:
    """Groups of names plus a skeleton index, so finding a name's group never scans them all."""

    def __init__(self, strict: bool = False) -> None:
        """``strict``: names from unrelated texts (``storyweave resolve``), so only strong evidence
        joins a group (``matching.strong_match``, a surname letter for letter); within one article
        the article itself is the context that lets a weaker match stand."""
        self.groups: list[NameGroup] = []
        self.strict = strict
        self._by_skeleton: dict[str, set[int]] = defaultdict(set)

    def add(self, form: NameForm, target: int | None = None, *, findable: bool = True, **attrs: Any) -> int:
        """Add ``form`` to group ``target`` (a new group when None); ``findable`` False keeps the form
        out of the index, so no other name can join through it."""
        if target is None:
            self.groups.append(NameGroup(form, [form], **attrs))
            target = len(self.groups) - 1
        else:
            self.groups[target].forms.append(form)
        if not findable:
            return target
        for key in _index_keys(form):
            self._by_skeleton[key].add(target)
        return target

    def candidates(self, form: NameForm) -> list[int]:
        found: set[int] = set()
        for key in _index_keys(form):
            found |= self._by_skeleton.get(key, set())
        return sorted(found)

    def _fullest(self, index: int) -> list[NameForm]:
        """The names a bare one-token name may be part of: the canonical one, and in strict mode
        every multi-token form of the group (its canonical may carry a case ending: Путиным)."""
        group = self.groups[index]
        if not self.strict:
            return [group.canonical]
        return [f for f in group.forms if len(f.tokens) > 1] or [group.canonical]

    def find(self, form: NameForm, part_of_allowed: bool = True) -> int | None:
        candidates = [i for i in self.candidates(form) if not _other_cjk_rendering(self.groups[i], form)]
        same = strong_match if self.strict else same_name
        for index in candidates:
            if any(same(form, known) for known in self.groups[index].forms):
                return index
        for index in candidates:
            # Strictly, a shorter form of an organisation's name may be another organisation
            # ("بنك مصر" is not "البنك المركزي المصري"): only people's names shorten safely.
            canonical = self.groups[index].canonical
            if self.strict and guess_type(canonical) == "organisation":
                continue
            if contains_name(canonical, form):
                return index
        if len(form.tokens) == 1 and part_of_allowed:
            # "Francisco" after "papa Francisco": a regnal name is spelt per language, so no key of
            # the titled name finds it.
            regnal = regnal_name(form)
            if regnal is not None:
                titled = [
                    i
                    for i, group in enumerate(self.groups)
                    if len(group.canonical.tokens) > 1 and regnal_name(group.canonical) == regnal
                ]
                if len(titled) == 1:
                    return titled[0]
            part_of = surname_letter_for_letter if self.strict else part_of_name
            owners = [
                i
                for i in candidates
                if self.groups[i].type in (None, "person")
                and guess_type(self.groups[i].canonical) != "organisation"
                and any(part_of(full, form) for full in self._fullest(i))
            ]
            if len(owners) == 1:  # a bare "Nguyen" next to two Nguyens stays unresolved to either
                return owners[0]
        return None


def _index_keys(form: NameForm) -> set[str]:
    keys = {v for options in form.variants for v in options} | set(form.key_variants)
    keys.discard("")
    if form.short and form.vowel_key:
        keys.add("v:" + form.vowel_key)
    return keys


def _other_cjk_rendering(group: NameGroup, form: NameForm) -> bool:
    """A Chinese or Japanese name keeps few consonants (马斯克 Musk, 莫斯科 Moscow): a group that
    already has a different rendering in the same script is some other entity."""
    if not is_cjk(form.text):
        return False
    joined = form.key.replace(" ", "")
    return any(is_cjk(f.text) and f.key.replace(" ", "") != joined for f in group.forms)


def group_names(
    forms: Sequence[NameForm], index: GroupIndex | None = None, kinds: Sequence[EntityType] | None = None
) -> list[int]:
    """Assign each form to a group of ``index`` (which grows); fullest names go first.

    ``kinds`` are the recogniser's types: a bare name joins a full name as its family name only
    when both were read as people ("Google" next to "Google Stadia" stays Google)."""
    index = index if index is not None else GroupIndex()
    assignment = [-1] * len(forms)
    order = sorted(range(len(forms)), key=lambda i: (-len(forms[i].tokens), -forms[i].roman_len, i))
    for i in order:
        form = forms[i]
        if not form.tokens:
            continue
        kind = kinds[i] if kinds is not None else None
        target = index.find(form, part_of_allowed=kind in (None, "person"))
        assignment[i] = index.add(form, target) if target is not None else index.add(form, None, type=kind)
    return assignment


def group_id(group: NameGroup) -> str | None:
    if group.entity_id:
        return group.entity_id
    return sw_id(group.canonical)
