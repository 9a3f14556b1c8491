"""``EntityRecognizer``: mentions with canonical entity ids, a pure function of one article.

Mentions come from the language models (``ner.MentionExtractor``) and from the knowledge-base
gazetteer; overlapping spans keep the model's.  Each mention is then resolved: knowledge base,
else the fuller name it shortens in the same article, else a deterministic ``sw:`` id.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from ...lang.patterns import (
    DE_ARTICLE_PARTICLES,
    DEFINITE_ARTICLES,
    NOUNS_CAPITALISED,
    PARTICLES,
    PLACE_DESIGNATORS,
    TITLE_ARTICLES,
    heads_ministry,
    heads_state_body,
    reads_as_place,
)
from ...models import Article, Entity, EntityType, Mention, article_body
from ...settings import Settings
from ..kb.base import LISTED_CONFIDENCE, KnowledgeBase, get_kb
from ..names import is_regnal_name, is_regnal_title, name_form
from ..resolve.mentions import MentionResolver
from .gazetteer import Gazetteer

log = logging.getLogger(__name__)


class MentionSource(Protocol):
    def extract(self, article: Article) -> list[Mention]: ...

    def prime(self, articles: Sequence[Article]) -> None: ...


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
        self.mention_resolver = MentionResolver(self.kb)

    def prime(self, articles: Sequence[Article]) -> None:
        """Prepare what ``analyse`` will ask of these articles in one go (the models read them
        together); ``analyse`` gives the same answers with or without it."""
        if self.extractor is not None:
            self.extractor.prime(articles)

    def analyse(self, article: Article) -> tuple[list[Mention], list[Entity]]:
        body = article_body(article)
        lang = article.lang
        found = self.extractor.extract(article) if self.extractor is not None else []
        mentions = _family_names_are_people(_merge(found, self._gazetteer_mentions(body, lang)))
        if lang in NOUNS_CAPITALISED:
            mentions = _names_end_where_written_alone(body, mentions)
        resolved, entities = self.mention_resolver.resolve(_regnal_titles_kept(body, mentions), lang, body)
        return _owners_kept_places(resolved, entities)

    def _gazetteer_mentions(self, body: str, lang: str) -> list[Mention]:
        out = []
        for hit in self.gazetteer.scan(body, lang):
            kinds = {self.kb.entities[e].type for e in hit.entity_ids}
            kind: EntityType = "place" if "place" in kinds else next(iter(kinds))
            out.append(Mention(body[hit.start : hit.end], hit.start, hit.end, kind, lang, confidence=LISTED_CONFIDENCE))
        return out


def _family_names_are_people(mentions: list[Mention]) -> list[Mention]:
    """A lone word that is the family name of a person the same article names in full is that
    person, whatever else it may be: "Claire Jordan … Jordan said" is not the country Jordan."""
    tokens = [name_form(m.surface).tokens for m in mentions]
    family = {t[-1] for m, t in zip(mentions, tokens, strict=True) if m.type == "person" and len(t) >= 2}
    out = []
    for mention, words in zip(mentions, tokens, strict=True):
        if mention.type != "person" and len(words) == 1 and words[0] in family:
            mention = replace(mention, type="person")
        out.append(mention)
    return out


def _names_end_where_written_alone(body: str, mentions: list[Mention]) -> list[Mention]:
    """A person's name the article writes alone ends there when a capitalised word follows it: in
    German every noun is capitalised, so "beschreibt Susanne Klatt Einsätze" is Susanne Klatt and
    a noun ("Einsätze"), as the article's "sagt Susanne Klatt." shows."""
    alone = {m.surface for m in mentions if m.type == "person" and len(m.surface.split()) >= 2}
    out = []
    for mention in mentions:
        words = mention.surface.split()
        if mention.type == "person" and len(words) >= 3:
            for size in range(len(words) - 1, 1, -1):
                name = " ".join(words[:size])
                if name in alone and body[mention.start : mention.start + len(name)] == name:
                    mention = replace(mention, surface=name, end=mention.start + len(name))
                    break
        out.append(mention)
    return out


_SURE_PERSON_CONFIDENCE = 0.7  # the rules' confidence in a name that opens with a known given name

_WORD_BEFORE = re.compile(r"(\w+)[\s\u00a0]+$")
_LOOK_BACK = 24  # characters: longer than any title word


def _regnal_titles_kept(body: str, mentions: list[Mention]) -> list[Mention]:
    """A pope's or monarch's title stays in the mention of the regnal name it precedes ("el papa
    Francisco", "Papst Franziskus", "البابا فرنسيس"): the recognisers cut titles off names, but
    "Francisco" alone is anybody, while "papa Francisco" is one man in every language."""
    out = []
    for mention in mentions:
        before = _WORD_BEFORE.search(body, max(0, mention.start - _LOOK_BACK), mention.start)
        if before is not None and is_regnal_title(before.group(1)) and is_regnal_name(mention.surface):
            start = before.start(1)
            mention = replace(mention, surface=body[start : mention.end], start=start, type="person")
        out.append(mention)
    return out


def _names_another_place(longer: str, before_known: str) -> bool:
    """A longer place name with its own head word is another place than the known one inside it:
    "Nueva Palestina" is a village in Chiapas, "San Pedro de Lloc" a town in Peru.  Not when its head
    only says what kind of place follows ("Stadt Krefeld"), when the known place follows "de" (the
    one the name belongs to: "San Pedro del Vaticano"), nor in a line of capitals, where a rule's
    run glues on other words ("NEW YORK'TA YAKLAŞIK")."""
    words = longer.casefold().split()
    if longer.isupper() or not reads_as_place(words) or words[0] in PLACE_DESIGNATORS:
        return False
    before = before_known.casefold().split()
    return not (before and before[-1] in PARTICLES)


def _merge(model: list[Mention], gazetteer: list[Mention]) -> list[Mention]:
    """Overlapping spans keep the more confident mention: a model's over a gazetteer's, a gazetteer's
    over a low-confidence rule guess ("Görüşmeler Almanya" as a person)."""

    def overlaps(a: Mention, b: Mention) -> bool:
        return a.start < b.end and b.start < a.end

    def outranks(m: Mention, g: Mention) -> bool:
        # A person's name read on a given name or title holds the place names inside it, though less
        # sure than a listed name ("Isabel Rodríguez" is no town called Rodríguez); a bare guess
        # ("Görüşmeler Almanya") does not.
        if m.confidence >= g.confidence:
            return True
        within = m.start <= g.start and g.end <= m.end and (m.end - m.start) > (g.end - g.start)
        if within and m.type == "place" and _names_another_place(m.surface, m.surface[: g.start - m.start]):
            return True
        return within and m.type == "person" and m.confidence >= _SURE_PERSON_CONFIDENCE

    kept_gazetteer = [g for g in gazetteer if not any(overlaps(g, m) and outranks(m, g) for m in model)]
    kept_model = [m for m in model if not any(overlaps(m, g) for g in kept_gazetteer)]
    owners = [g for g in gazetteer if g not in kept_gazetteer and any(_owns_body(m, g) for m in kept_model)]
    return sorted(kept_model + kept_gazetteer + owners, key=lambda m: (m.start, m.end))


_OPENING_ARTICLES = frozenset().union(*DEFINITE_ARTICLES.values()) | DE_ARTICLE_PARTICLES


def _owns_body(body: Mention, place: Mention) -> bool:
    """``place``, a listed place's name inside the organisation ``body``, names the place that body
    belongs to: it opens the name, after "the" at most, before a state body's head ("Türkiye
    Dışişleri Bakanlığı", "the Paris Police Prefecture"; not the field right before a ministry's head:
    "Adalet Bakanlığı", the Ministry of Justice), or closes it after a particle, the head
    opening it ("Ministerio de Asuntos Exteriores de Turquía").  The place is then a mention of its
    own beside the body's whole name, which stays one organisation: cutting the place off would
    leave a bare "Dışişleri Bakanlığı" that every country's ministry shares."""
    if body.type != "organisation" or place.type != "place":
        return False
    if not (body.start <= place.start and place.end <= body.end and (place.start, place.end) != (body.start, body.end)):
        return False
    before = body.surface[: place.start - body.start].casefold().split()
    after = body.surface[place.end - body.start :].casefold().split()
    if after and len(before) <= 1 and all(w in TITLE_ARTICLES for w in before):  # not "Los" of "Los Angeles"
        return any(heads_state_body(w) for w in after) and not (len(after) == 1 and heads_ministry(after[0]))
    opening = before[1:] if before and before[0] in _OPENING_ARTICLES else before
    if after or not opening:
        return False
    if len(opening) == 1:  # "Polizei Köln"
        return heads_state_body(opening[0])
    return opening[-1] in PARTICLES and heads_state_body(opening[0])


def _owners_kept_places(mentions: list[Mention], entities: list[Entity]) -> tuple[list[Mention], list[Entity]]:
    """The places kept inside a body's name (``_owns_body``) stay only when resolved as places: a
    name listed for a place and read otherwise here is part of the body's name, nothing more."""

    def inside(m: Mention, o: Mention) -> bool:
        return o.start <= m.start and m.end <= o.end and o.end - o.start > m.end - m.start

    dropped = {i for i, m in enumerate(mentions) if m.type != "place" and any(inside(m, o) for o in mentions)}
    if not dropped:
        return mentions, entities
    kept = [m for i, m in enumerate(mentions) if i not in dropped]
    used = {m.entity_id for m in kept}
    return kept, [e for e in entities if e.id in used]
