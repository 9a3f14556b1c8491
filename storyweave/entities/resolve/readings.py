"""A name the knowledge base gives both to a place and to an organisation: which one the text means.

قنا is the Qatar News Agency's acronym and the Egyptian city of Qena; Toyota a company and a city.
The words around the mention say which ("محافظة قنا", "في قنا": the place; "وكالة قنا", a short
form in brackets after a name: the organisation), or a recogniser that read the name itself; what
one mention's words say holds for the article's other mentions of the name ("طريق قنا الأقصر" in a
report from "محافظة قنا").  Without either, the entity whose own name the text writes letter for
letter, else the organisation: the place has the name among its alternates (Qena), or is named
after the company (Toyota), and a text naming the country is no evidence (a report on Toyota the
company names Japan).
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from ...lang.ar import AR_LOCATIVE_CLITIC, AR_ORG_HEADS, AR_PLACE_CUES
from ...lang.patterns import LOCATIVE_PREPOSITIONS, ORG_HEADS, PLACE_DESIGNATORS
from ...lang.text import arabic_clitic_variants, fold_token
from ...models import EntityType
from ..kb.base import KnowledgeBase

_WORD_BEFORE = regex.compile(r"([\p{L}\p{M}]+)[\s\u00a0]*$")
_LOOK_BACK = 40  # characters: longer than any cue word with its clitics
_PLACE_CUES = frozenset(fold_token(w) for w in AR_PLACE_CUES | PLACE_DESIGNATORS)
_ORG_CUES = frozenset(fold_token(w) for w in AR_ORG_HEADS | ORG_HEADS) - _PLACE_CUES


def cue_type(body: str, start: int, end: int) -> EntityType | None:
    """The type the words around ``body[start:end]`` give a name, if they give one."""
    if body[start - 1 : start] == "(" and body[end : end + 1] == ")" and _WORD_BEFORE.search(body, 0, start - 1):
        return "organisation"  # "وكالة الأنباء القطرية (قنا)": a short form the text defines
    before = _WORD_BEFORE.search(body, max(0, start - _LOOK_BACK), start)
    if before is None:
        return None
    folded = fold_token(before.group(1))
    for word in (folded, *arabic_clitic_variants(folded)):  # "بمحافظة": ب + محافظة
        if word in _PLACE_CUES:
            return "place"
        if word in _ORG_CUES:
            return "organisation"
    return None


def after_locative(body: str, start: int) -> bool:
    """A preposition of place right before ``body[start:]`` ("en Granada", "in Liverpool")."""
    before = _WORD_BEFORE.search(body, max(0, start - _LOOK_BACK), start)
    return before is not None and before.group(1).casefold() in LOCATIVE_PREPOSITIONS


def locative_clitic(surface: str, found_without: bool) -> bool:
    """``surface`` opens with Arabic "in" joined to a name found only without it (بقنا: in Qena)."""
    return found_without and surface.startswith(AR_LOCATIVE_CLITIC)


@dataclass(frozen=True)
class Reading:
    """The type an article gives one mention (``kind``: by its words or a recogniser; None: no
    evidence), for choosing among same-name entities of different types.  ``worded``: the words
    around the name (its own mention's or another's in the article) say it, not a recogniser."""

    kind: EntityType | None
    worded: bool = False

    def choose(self, ids: set[str], kb: KnowledgeBase, written: str) -> set[str]:
        """Those of ``ids`` this reading allows: all of them unless they are places and organisations.
        Without evidence, the one whose own name the text writes letter for letter (Vietnamese "Nha
        Trang", the city, folds as "Nhà Trắng", the White House, does), else the organisation."""
        kinds = {kb.entities[e].type for e in ids}
        if not {"place", "organisation"} <= kinds:
            return ids
        if self.kind in kinds:
            return {e for e in ids if kb.entities[e].type == self.kind}
        own = {e for e in ids if written in kb.entities[e].names.values()}
        if len({kb.entities[e].type for e in own}) == 1:
            return own
        return {e for e in ids if kb.entities[e].type == "organisation"}
