"""``EntityRecognizer``: mentions with canonical entity ids, a pure function of one article.

Mentions come from the language models (``ner.MentionExtractor``) and from the knowledge-base
gazetteer; overlapping spans keep the model's.  Each mention is then resolved: knowledge base,
else the fuller name it shortens in the same article, else a deterministic ``sw:`` id.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from typing import Protocol

from ...models import Article, Entity, EntityType, Mention, article_body
from ...settings import Settings
from ..kb.base import KnowledgeBase, get_kb
from ..kb.demonyms import demonym_country
from ..names import name_form
from ..resolve.resolver import GroupIndex, KBResolver, group_id, group_names
from .gazetteer import Gazetteer

log = logging.getLogger(__name__)


class MentionSource(Protocol):
    def extract(self, article: Article) -> list[Mention]: ...


def _default_extractor(settings: Settings) -> MentionSource | None:
    try:
        from .ner import MentionExtractor
    except ImportError:
        log.warning("storyweave.entities.ner is unavailable; finding entities with the gazetteer only")
        return None
    return MentionExtractor(settings)


class EntityRecognizer:
    """``EntityRecognizer(settings).analyse(article) -> (mentions, entities)``."""

    def __init__(
        self, settings: Settings, extractor: MentionSource | None = None, kb: KnowledgeBase | None = None
    ) -> None:
        self.settings = settings
        self.kb = kb if kb is not None else get_kb()
        self.extractor = extractor if extractor is not None else _default_extractor(settings)
        self.gazetteer = Gazetteer(self.kb)
        self.resolver = KBResolver(self.kb)

    def analyse(self, article: Article) -> tuple[list[Mention], list[Entity]]:
        body = article_body(article)
        lang = article.lang
        found = self.extractor.extract(article) if self.extractor is not None else []
        mentions = _merge(found, self._gazetteer_mentions(body, lang))
        return self._resolve(mentions, lang)

    def _gazetteer_mentions(self, body: str, lang: str) -> list[Mention]:
        out = []
        for hit in self.gazetteer.scan(body, lang):
            kinds = {self.kb.entities[e].type for e in hit.entity_ids}
            kind: EntityType = "place" if "place" in kinds else next(iter(kinds))
            out.append(Mention(body[hit.start : hit.end], hit.start, hit.end, kind, lang, confidence=0.8))
        return out

    def _resolve(self, mentions: list[Mention], lang: str) -> tuple[list[Mention], list[Entity]]:
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
            else:
                pending.append(i)
        # Names the knowledge base lacks: link short forms to the full names of the same article.
        index = GroupIndex()
        assignment = group_names([name_form(mentions[i].surface) for i in pending], index)
        for i, target in zip(pending, assignment, strict=True):
            if target >= 0:
                ids[i] = group_id(index.groups[target])
        resolved = [
            Mention(m.surface, m.start, m.end, m.type, m.lang, ids[i], m.confidence)
            for i, m in enumerate(mentions)
            if ids[i] is not None
        ]
        return resolved, self._entities(resolved, lang)

    def _entities(self, mentions: list[Mention], lang: str) -> list[Entity]:
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
                kind = Counter(m.type for m in group).most_common(1)[0][0]
            entities.append(Entity(entity_id, kind, names, {m.surface for m in group}))
        return entities


def _merge(model: list[Mention], gazetteer: list[Mention]) -> list[Mention]:
    """Overlapping spans keep the more confident mention: a model's over a gazetteer's, a gazetteer's
    over a low-confidence rule guess ("Görüşmeler Almanya" as a person)."""

    def overlaps(a: Mention, b: Mention) -> bool:
        return a.start < b.end and b.start < a.end

    kept_gazetteer = [g for g in gazetteer if not any(overlaps(g, m) and m.confidence >= g.confidence for m in model)]
    kept_model = [m for m in model if not any(overlaps(m, g) for g in kept_gazetteer)]
    return sorted(kept_model + kept_gazetteer, key=lambda m: (m.start, m.end))
