"""A name in an enumeration is a thing of the same kind as the others.

"Arizona, California, Florida, Nueva Jersey y Washington" names states: the Washington of that list
is the state, though the name alone is the capital.  The knowledge base ranks the places it takes
from one list alike (the first-level regions of a country share one rank, the countries another),
so the kind of a listed place is its rank: an entry that shares it, and the country, with two of
the enumeration's other items is the one the text means.  Cities rank by their population, so no
enumeration of cities ever chooses among them: that stays with the article's countries and regions.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

from ...lang.patterns import LIST_CONJUNCTIONS
from ...models import Mention
from ..kb.base import COUNTRY_PRIORITY, KBEntity, KnowledgeBase
from .resolver import KBResolver

MIN_PEERS = 2  # other items of the enumeration that must be of the entry's kind
_GAP = regex.compile(r"\s*,\s*(?:(?P<word>\p{L}+)\s+)?|\s+(?P<alone>\p{L}+)\s+")


def _joins(gap: str) -> bool:
    """``gap`` separates two items of an enumeration: a comma, a conjunction, or both."""
    found = _GAP.fullmatch(gap)
    if found is None:
        return False
    word = found.group("word") or found.group("alone")
    return word is None or word.casefold() in LIST_CONJUNCTIONS


def _runs(mentions: Sequence[Mention], body: str) -> list[list[int]]:
    """The enumerations of the text: runs of three mentions or more, each after the last but a
    comma or a conjunction."""
    order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
    runs: list[list[int]] = []
    current: list[int] = []
    for i in order:
        if current and _joins(body[mentions[current[-1]].end : mentions[i].start]):
            current.append(i)
            continue
        if len(current) >= MIN_PEERS + 1:
            runs.append(current)
        current = [i]
    if len(current) >= MIN_PEERS + 1:
        runs.append(current)
    return runs


def _alike(a: KBEntity, b: KBEntity) -> bool:
    """Two places of one kind: the same rank, and for those below a country the same country.  A
    curated region of no country ranks as every curated row does, which says nothing of its kind."""
    return (
        a.type == b.type == "place"
        and a.priority == b.priority
        and (a.priority >= COUNTRY_PRIORITY or (a.country is not None and a.country == b.country))
    )


def enumerated_places(
    resolver: KBResolver, mentions: Sequence[Mention], ids: Sequence[str | None], body: str, lang: str
) -> dict[int, str]:
    """The mentions whose name lists, besides the entity chosen for it, a place of the kind of the
    enumeration it stands in: each with that place."""
    kb: KnowledgeBase = resolver.kb
    chosen: dict[int, str] = {}
    for run in _runs(mentions, body):
        for i in run:
            current = kb.entities.get(ids[i] or "")
            if current is None or current.type != "place":
                continue
            listed = resolver.listed(mentions[i].surface, mentions[i].lang or lang)
            if listed is None:
                continue
            others = [kb.entities[e] for j in run if j != i and (e := ids[j] or "") in kb.entities]
            kinds = [
                kb.entities[e]
                for e in sorted(listed[1])
                if e != current.id and sum(_alike(kb.entities[e], other) for other in others) >= MIN_PEERS
            ]
            if len(kinds) == 1 and not sum(_alike(current, other) for other in others) >= MIN_PEERS:
                chosen[i] = kinds[0].id
    return chosen
