"""Acronyms an article defines itself: "Christian Democratic Union (CDU)" makes the two one entity.

That writing is the evidence, never the sound of the letters: CDU, COVID and Kyodo share a
skeleton, and only an article (or a knowledge base) that pairs an expansion with its acronym may
join them.  Brackets after a name hold other things too ("Friedrich Merz (CDU)" is his party,
"MADRID (AP)" a dateline, "Comité de Apelación de la Federación Española de Fútbol (RFEF)" the body
the committee belongs to), so the acronym must spell the name's initials, or be one the knowledge
base lists for an organisation whose name this one translates ("Hristiyan Demokrat Birlik (CDU)").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ...lang import words
from ...lang.ar import AR_ORG_HEADS
from ...lang.lexicon import org_type_words
from ...lang.patterns import GIVEN_NAMES, ORG_HEADS, PARTICLES
from ...lang.text import fold, fold_token
from ...models import EntityType, Mention
from ..kb.base import KBEntity
from ..names import name_form
from .resolver import evident_type

_ARABIC_ORG_HEADS = frozenset(fold_token(w) for w in AR_ORG_HEADS)
ACRONYM_LETTERS = (2, 8)  # an acronym in brackets has this many capitals, no more, no fewer
_OPENING = ("(", " (", "\u00a0(")
_CLOSING = (")", ",", ";")  # "Parti populaire (PP, droite)"
# Words an acronym leaves out: particles, conjunctions, articles and short prepositions.
_SMALL_WORDS = PARTICLES | words(
    """and und et y e ve the for on in pour para für les sur à au aux die das dem zur zum ile için"""
)


def _is_acronym(surface: str) -> bool:
    low, high = ACRONYM_LETTERS
    return low <= len(surface) <= high and surface.isalpha() and (surface.isupper() or _caseless(surface))


def _caseless(surface: str) -> bool:
    """Written in a script without capitals (Arabic أوبك, قنا): an acronym there is a word like any
    other, so only the knowledge base can say that one is (``join_defined``)."""
    return not any(c.isupper() or c.islower() for c in surface)


def initials_fit(full: str, acronym: str) -> bool:
    """The acronym spells the initials of the name's words, its small words left out or kept, a
    hyphenated word read as one or two ("Co-operation" in OECD, "Christlich-Demokratische" in CDU);
    of a one-word compound, letters of it in order from the first ("Umweltbundesamt": UBA)."""
    letters = fold(acronym)
    if len(full.split()) == 1:
        rest = iter(fold(full))
        return fold(full[:1]) == letters[:1] and all(c in rest for c in letters)
    spellings = set()
    for text in (full, full.replace("-", " ")):
        words = [w for part in text.split() if (w := part.strip("'’.,"))]
        spellings.add("".join(w[0] for w in words))
        spellings.add("".join(w[0] for w in words if w.casefold() not in _SMALL_WORDS))
    return letters in {fold(s) for s in spellings}  # "économiques" gives the E of OCDE


def defined_acronyms(mentions: Sequence[Mention], body: str) -> list[tuple[int, int]]:
    """(name, acronym) index pairs of the mentions the text writes as "Name (ACR)"."""
    pairs = []
    for i in range(len(mentions) - 1):
        full, short = mentions[i], mentions[i + 1]
        if body[full.end : short.start] not in _OPENING or body[short.end : short.end + 1] not in _CLOSING:
            continue
        if len(full.surface.split()) < 2 and len(full.surface) < 2 * len(short.surface):
            continue  # "Weltgesundheitsorganisation (WHO)" holds, a short word before brackets does not
        if _is_acronym(short.surface):
            pairs.append((i, i + 1))
    return pairs


def defined_type(full: str, recognised: EntityType) -> EntityType:
    """The type of a name and the acronym it defines: what the name's words say, else the
    recogniser's, but an organisation for a "person" whose first word is no given name ("Unidad
    Médica de Alta Especialidad (UMAE)"): a person is seldom introduced by initials, and when one
    is, a given name opens the name ("Andrés Manuel López Obrador (AMLO)")."""
    kind = evident_type(full) or recognised
    if kind == "person" and full.split()[0].casefold() not in GIVEN_NAMES:
        return "organisation"
    return kind


def _named_otherwise(entity: KBEntity, full: str, short: str, fits: bool, lang: str) -> bool:
    """The knowledge base names the entity otherwise in this language, so ``full`` is some other
    body: by another name ("Deutsche Stiftung Organtransplantation (DSO)" is not the WHO, German
    Weltgesundheitsorganisation, however the Turkish DSÖ folds), or by the acronym ``short`` itself,
    whose expansion in this language would spell it (``fits``: "Junge Union (CDU)" is the party's
    youth) unless the language borrowed the acronym and ``full`` translates its expansion
    (``_translated_expansion``: Turkish "Petrol İhraç Eden Ülkeler Örgütü (OPEC)", Arabic
    "منظمة البلدان المصدرة للبترول (أوبك)")."""
    own = entity.names.get(lang)
    if not own:
        return False
    if own.isupper() or name_form(own).key == name_form(short).key:
        return not (fits or _translated_expansion(entity, full))
    return name_form(own).key != name_form(full).key


def _translated_expansion(entity: KBEntity, full: str) -> bool:
    """``full`` can be a translation of what the entity's Latin acronym stands for (or its English
    name's words): a word for each of its letters at least, and a single organisation word among
    them.  "Junge Union" has two words for CDU's three letters; "Comité de Apelación de la
    Federación Española de Fútbol" names a body of a body."""
    letters = [len(n) for n in entity.names.values() if n.isupper() and n.isalpha() and n.isascii()]
    english = entity.names.get("en", "").split()
    if not letters and len(english) > 1:  # "Qatar News Agency" stands for قنا
        letters = [len([w for w in english if w.casefold() not in _SMALL_WORDS])]
    if not letters:
        return False
    content = [w for w in full.split() if w.casefold() not in _SMALL_WORDS]
    heads = [w for w in content if _organisation_word(w)]
    return len(content) >= min(letters) and len(heads) <= 1


def join_defined(
    ids: list[str | None],
    kinds: list[EntityType],
    pairs: Sequence[tuple[int, int]],
    known: Mapping[str, KBEntity],
    mentions: Sequence[Mention],
) -> None:
    """Give each defined pair one id and one type, in place: the knowledge base's id when it lists
    either as an entity of that type, else the acronym's, which articles that only write the
    acronym share.  The text outweighs a listed acronym of another type ("Umweltbundesamt (UBA)" is
    no town called Ubá); a listed name of another type, or both listed apart, are left alone."""
    for name, acronym in pairs:
        first, second = ids[name], ids[acronym]
        if first is None or second is None or first == second or (first in known and second in known):
            continue
        full, lang = mentions[name].surface, mentions[name].lang
        kind = defined_type(full, kinds[name])
        listed = known.get(second) if second in known and known[second].type == kind else None
        short = mentions[acronym].surface
        fits = not _caseless(short) and initials_fit(full, short)
        if not fits and not (listed and _says_organisation(full, kind)):
            continue
        if first in known:
            if known[first].type != kind:
                continue
            target, other = first, second
        elif listed is not None:
            if _named_otherwise(listed, full, short, fits, lang):
                continue
            target, other = second, first
        else:
            target, other = (first, second) if second in known else (second, first)
        for k, entity_id in enumerate(ids):
            if entity_id in (target, other):
                ids[k], kinds[k] = target, kind


def _says_organisation(full: str, kind: EntityType) -> bool:
    """The name's own words give it ``kind``: "Gwent Police", or an organisation word opening an
    Arabic name ("منظمة البلدان المصدرة للبترول")."""
    if evident_type(full) == kind:
        return True
    words = full.split()
    return kind == "organisation" and bool(words) and _caseless(full) and _organisation_word(words[0])


def _organisation_word(word: str) -> bool:
    """A word saying what kind of organisation a name is, in any language storyweave reads."""
    folded = fold_token(word)
    return word.casefold() in ORG_HEADS or folded in org_type_words() or folded in _ARABIC_ORG_HEADS
