"""Acronyms an article defines itself: "Christian Democratic Union (CDU)" makes the two one entity.

That writing is the evidence, never the sound of the letters: CDU, COVID and Kyodo share a
skeleton, and only an article (or a knowledge base) that pairs an expansion with its acronym may
join them.  A person or a place before an acronym in brackets is usually something else ("Friedrich
Merz (CDU)" is his party, "MADRID (AP)" a dateline), so for those the acronym must spell the
name's initials too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ...lang.patterns import GIVEN_NAMES, PARTICLES
from ...models import EntityType, Mention
from ..kb.base import KBEntity
from .resolver import evident_type

ACRONYM_LETTERS = (2, 8)  # an acronym in brackets has this many capitals, no more, no fewer
_OPENING = ("(", " (", "\u00a0(")
_CLOSING = (")", ",", ";")  # "Parti populaire (PP, droite)"
_SMALL_WORDS = PARTICLES | {"and", "und", "et", "y", "e", "ve", "the", "for", "on", "pour", "para", "für"}


def _is_acronym(surface: str) -> bool:
    low, high = ACRONYM_LETTERS
    return low <= len(surface) <= high and surface.isalpha() and surface.isupper()


def _initials_fit(full: str, acronym: str) -> bool:
    """The acronym spells the initials of the name's words, its small words left out or kept, a
    hyphenated word read as one or two ("Co-operation" in OECD, "Christlich-Demokratische" in CDU)."""
    spellings = set()
    for text in (full, full.replace("-", " ")):
        words = [w for part in text.split() if (w := part.strip("'’.,"))]
        spellings.add("".join(w[0] for w in words))
        spellings.add("".join(w[0] for w in words if w.casefold() not in _SMALL_WORDS))
    return acronym.upper() in {s.upper() for s in spellings}


def defined_acronyms(mentions: Sequence[Mention], kinds: Sequence[EntityType], body: str) -> list[tuple[int, int]]:
    """(name, acronym) index pairs of the mentions the text writes as "Name (ACR)"."""
    pairs = []
    for i in range(len(mentions) - 1):
        full, short = mentions[i], mentions[i + 1]
        if body[full.end : short.start] not in _OPENING or body[short.end : short.end + 1] not in _CLOSING:
            continue
        if len(full.surface.split()) < 2 and len(full.surface) < 2 * len(short.surface):
            continue  # "Weltgesundheitsorganisation (WHO)" holds, a short word before brackets does not
        if not _is_acronym(short.surface):
            continue
        if kinds[i] in ("person", "place") and not _initials_fit(full.surface, short.surface):
            continue
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


def join_defined(
    ids: list[str | None],
    kinds: list[EntityType],
    pairs: Sequence[tuple[int, int]],
    known: Mapping[str, KBEntity],
    surfaces: Sequence[str],
) -> None:
    """Give each defined pair one id and one type, in place: the knowledge base's id when it lists
    either as an entity of that type, else the acronym's, which articles that only write the
    acronym share.  The text outweighs a listed acronym of another type ("Umweltbundesamt (UBA)" is
    no town called Ubá); a listed name of another type, or both listed apart, are left alone."""
    for name, acronym in pairs:
        first, second = ids[name], ids[acronym]
        if first is None or second is None or first == second or (first in known and second in known):
            continue
        kind = defined_type(surfaces[name], kinds[name])
        if first in known:
            if known[first].type != kind:
                continue
            target, other = first, second
        elif second in known and known[second].type == kind:
            target, other = second, first
        else:
            target, other = (first, second) if second in known else (second, first)
        for k, entity_id in enumerate(ids):
            if entity_id in (target, other):
                ids[k], kinds[k] = target, kind
