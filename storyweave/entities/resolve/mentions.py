"""Ids for the mentions of one article (``MentionResolver``), a pure function of the article.

The recogniser calls it on the mentions it found; the store rebuild (``resolve.rebuild``) calls it
on stored mentions, with no model loaded.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from ...models import Entity, EntityType, Mention
from ..kb.base import LISTED_CONFIDENCE, KnowledgeBase
from ..kb.demonyms import demonym_country
from ..names import name_form
from .reconcile import majority_type
from .resolver import GroupIndex, KBResolver, evident_type, group_id, group_names


class MentionResolver:
    """Ids for the mentions of one article: knowledge base (with the article's countries as
    context), else the fuller name the mention shortens in the same article, else its own ``sw:``
    id.  Needs no model, so a store's stored mentions can be re-resolved (``resolve.rebuild``)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.resolver = KBResolver(kb)

    def resolve(self, mentions: list[Mention], lang: str) -> tuple[list[Mention], list[Entity]]:
        ids: list[str | None] = [None] * len(mentions)
        countries: set[str] = set()
        # Countries first: they disambiguate same-name cities (Moscow, Russia vs Moscow, Idaho).
        for mention in mentions:
            match = self.resolver.exact(mention.surface, lang=mention.lang or lang)
            if match and self.kb.entities[match.entity_id].priority >= 10**10:
                countries.add(self.kb.entities[match.entity_id].country or "")
        pending: list[int] = []
        for i, mention in enumerate(mentions):
            if mention.type != "person":
                # "Russian", "الروسية": a nationality adjective gives context, never the place itself.
                country = demonym_country(self.kb, mention.surface, mention.lang or lang)
                if country is not None:
                    countries.add(self.kb.entities[country].country or "")
                    continue
            match = self.resolver.resolve(mention.surface, mention.type, countries, mention.lang or lang)
            if match is not None:
                ids[i] = match.entity_id
            elif not _listed_place(mention):
                pending.append(i)
        # Names the knowledge base lacks: link short forms to the full names of the same article.
        index = GroupIndex()
        assignment = group_names(
            [name_form(mentions[i].surface) for i in pending], index, [mentions[i].type for i in pending]
        )
        for i, target in zip(pending, assignment, strict=True):
            if target >= 0:
                ids[i] = group_id(index.groups[target])
        unknown = set(pending)
        resolved = [
            Mention(m.surface, m.start, m.end, _type_of(m, i in unknown), m.lang, ids[i], m.confidence)
            for i, m in enumerate(mentions)
            if ids[i] is not None
        ]
        return resolved, self.entities(resolved, lang)

    def entities(self, mentions: list[Mention], lang: str) -> list[Entity]:
        by_id: dict[str, list[Mention]] = defaultdict(list)
        for mention in mentions:
            by_id[mention.entity_id or ""].append(mention)
        entities = []
        for entity_id, group in by_id.items():
            known = self.kb.entities.get(entity_id)
            if known is not None:
                names = dict(known.names)
                names.setdefault(lang, max((m.surface for m in group), key=len))
                kind = known.type
            else:
                names = {lang: max((m.surface for m in group), key=lambda s: (len(name_form(s).tokens), len(s)))}
                chosen = majority_type(Counter(m.type for m in group))
                kind = next((m.type for m in group if m.type == chosen), group[0].type)
            entities.append(Entity(entity_id, kind, names, {m.surface for m in group}))
        return entities


def _type_of(mention: Mention, unknown: bool) -> EntityType:
    """A name no knowledge base knows keeps the recogniser's type unless its own words say otherwise."""
    return (evident_type(mention.surface) or mention.type) if unknown else mention.type


def _listed_place(mention: Mention) -> bool:
    """A place only because the knowledge base lists its name: when that entry does not hold here
    (it needs context the text lacks: "Corona" without California), the span is a word, not an
    unknown name."""
    return mention.type == "place" and mention.confidence == LISTED_CONFIDENCE
