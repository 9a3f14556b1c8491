"""Ids for the mentions of one article (``MentionResolver``), a pure function of the article.

The recogniser calls it on the mentions it found; the store rebuild (``resolve.rebuild``) calls it
on stored mentions, with no model loaded.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from itertools import pairwise

import regex

from ...lang.lexicon import org_type_words
from ...lang.patterns import without_club_form
from ...models import Entity, EntityType, Mention
from ..kb.base import COUNTRY_PRIORITY, LISTED_CONFIDENCE, KnowledgeBase
from ..kb.demonyms import demonym_country
from ..names import name_form
from .acronyms import defined_acronyms, join_defined
from .bodies import article_digest, bare_body, body_id, clear_country
from .clubs import bare_clubs, club_home
from .enumerations import enumerated_places
from .readings import Reading, after_locative, cue_type, locative_clitic
from .reconcile import majority_type
from .resolver import GroupIndex, KBMatch, KBResolver, group_id, group_names, unknown_name_type


class MentionResolver:
    """Ids for the mentions of one article: knowledge base (with the article's countries as
    context), else the fuller name the mention shortens in the same article, else its own ``sw:``
    id.  Needs no model, so a store's stored mentions can be re-resolved (``resolve.rebuild``)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.resolver = KBResolver(kb)

    def resolve(
        self, mentions: list[Mention], lang: str, body: str | None = None
    ) -> tuple[list[Mention], list[Entity]]:
        """``body``: the article's text the mentions index into, which may define acronyms."""
        ids: list[str | None] = [None] * len(mentions)
        kinds = [m.type for m in mentions]
        # Countries first: they disambiguate same-name cities (Moscow, Russia vs Moscow, Idaho).
        # "Russian", "الروسية": a nationality adjective gives context, never the place itself.
        named_by: dict[str, set[str]] = defaultdict(set)  # country code -> the surfaces naming it
        demonyms: set[int] = set()
        # Countries of the places the text names by names that need no context ("Sevilla", "Málaga"):
        # a small place named by a word ("Granada") is that place beside them (``KnowledgeBase.usable``).
        regions: set[str] = set()
        for i, mention in enumerate(mentions):
            mention_lang = mention.lang or lang
            country = demonym_country(self.kb, mention.surface, mention_lang) if mention.type != "person" else None
            if country is not None:
                demonyms.add(i)
            elif (match := self.resolver.exact(mention.surface, lang=mention_lang)) is not None:
                entity = self.kb.entities[match.entity_id]
                country = match.entity_id if entity.priority >= COUNTRY_PRIORITY else None
                # Only a name of one country's places says where the text is: "Antioquia" is a
                # Colombian department and Spanish for Antakya, so it is what ``regions`` decide.
                if (
                    country is None
                    and entity.type == "place"
                    and entity.country
                    and mention.type != "person"
                    and self._one_country(mention.surface, mention_lang)
                ):
                    regions.add(entity.country)
            if country is not None:
                named_by[self.kb.entities[country].country or ""].add(mention.surface)
        countries = set(named_by)
        owned = {t for m in mentions if m.type == "person" for t in _full_name_tokens(m.surface)}
        # The tokens after the first of the people's full names the article writes: family names.  A
        # recogniser's "person" that is a listed organisation's whole name ("Kataib Hezbollah") or
        # whose own words say it is no person's ("İskoçya Yasası", the Scotland Act) owns none.
        family = {
            t
            for m in mentions
            if m.type == "person"
            and unknown_name_type(m.surface, "person") == "person"
            and not self._listed_body(m.surface, countries, m.lang or lang)
            for t in _full_name_tokens(m.surface)[1:]
        }
        pending: list[int] = []
        readings = self._readings(mentions, body or "", lang)
        placed = self._placed(mentions, body or "", lang)
        homes = {
            i: home
            for i, m in enumerate(mentions)
            if (home := club_home(self.resolver, m.surface, m.lang or lang)) is not None
        }
        surnames: set[int] = set()
        for i, mention in enumerate(mentions):
            if i in demonyms:
                continue
            if self._surname_not_place(mention, family, body or "", mention.lang or lang):
                # "Monreal" beside "Ricardo Monreal Ávila": a person's family name, though some
                # listed place (Montréal, under another spelling) has it among its names.
                kinds[i] = "person"
                surnames.add(i)
                pending.append(i)
                continue
            if i in homes:  # a club named after its city: a listed club, else an unknown one
                kinds[i] = "organisation"
                match = self.resolver.exact(mention.surface, countries, mention.lang or lang)
                if match is not None and match.type == "organisation":
                    ids[i] = match.entity_id
                else:
                    pending.append(i)
                continue
            reading = readings.get(i)
            # The words around a name outweigh a recogniser's guess: "محافظ قنا" is the governor of
            # Qena, though the Arabic rules read a name after a title as a person's.
            hint = reading.kind if reading is not None and reading.worded else mention.type
            around = countries | placed[i] if i in placed else countries
            located = after_locative(body or "", mention.start)
            match = self.resolver.resolve(
                mention.surface,
                hint,
                around,
                mention.lang or lang,
                reading,
                placed=i in placed,
                regions=regions,
                located=located,
            )
            if match is not None:
                # One type per entity: the entry's, whatever a recogniser read ("Manchester United"
                # after a verb reads like a person; the gazetteer types a name "place" for any place
                # among its entries).
                kinds[i] = match.type
            if match is None and mention.type != "person":
                match = self._known_core(mention.surface, countries, mention.lang or lang)
            if match is None and hint == "person" and not _owned(mention.surface, family):
                # A listed organisation's exact name that no person of the article is called by
                # is the organisation, whatever a recogniser read: "Hezbollah" said after a verb.
                match = self._listed_body(mention.surface, countries, mention.lang or lang)
                if match is not None:
                    kinds[i] = match.type
            if match is None and mention.type == "person":
                match = self._bare_place(mention, named_by, owned, mention.lang or lang, body or "")
                if match is not None:
                    kinds[i] = match.type
            if match is not None:
                ids[i] = match.entity_id
            elif not _listed_place(mention) and not self._unsettled(mention.surface, mention.lang or lang):
                pending.append(i)
        for i, place in enumerated_places(self.resolver, mentions, ids, body or "", lang).items():
            ids[i], kinds[i] = place, "place"
        clubs = set(homes)
        for i, club in bare_clubs(self.kb, mentions, ids, homes, body or "").items():
            # "Liverpool" in a match report: the club the article names after the city, else a club
            # of the city's name (an unknown name, kept apart from the city).
            kinds[i], ids[i] = "organisation", ids[club] if club is not None else None
            clubs.add(i)
            if ids[i] is None:
                pending.append(i)
        pending = self._bare_bodies(mentions, pending, ids, kinds, demonyms, lang, body or "")
        # Names the knowledge base lacks: link short forms to the full names of the same article,
        # typed first by their own words ("Austria's Conservatives" owns no surname "Conservatives").
        for i in pending:
            if i not in clubs and i not in surnames:
                kinds[i] = unknown_name_type(mentions[i].surface, mentions[i].type)
        index = GroupIndex()
        # A club is one whether the text gives its legal form or not: "Liverpool FC" and, in a match
        # report, a bare "Liverpool" are one unknown club, as "FC Bayern München" is "Bayern München".
        named = []
        for i in pending:
            surface = mentions[i].surface
            named.append(name_form((without_club_form(surface) or surface) if i in homes else surface))
        assignment = group_names(named, index, [kinds[i] for i in pending])
        for i, target in zip(pending, assignment, strict=True):
            if target >= 0:
                ids[i] = group_id(index.groups[target])
        pairs = defined_acronyms(mentions, body) if body is not None else []
        if pairs:
            join_defined(ids, kinds, pairs, self.kb.entities, [replace(m, lang=m.lang or lang) for m in mentions])
        resolved = [
            Mention(m.surface, m.start, m.end, kinds[i], m.lang, ids[i], m.confidence)
            for i, m in enumerate(mentions)
            if ids[i] is not None
        ]
        return resolved, self.entities(resolved, lang)

    def _unsettled(self, surface: str, lang: str) -> bool:
        """A name the knowledge base gives to bodies of two countries or more, each only where the
        text names its country ("Grünen": Germany's party and Austria's), in a text that named
        neither: left unlinked, since a name of its own would join the two."""
        listed = self.resolver.listed(surface, lang)
        if listed is None:
            return False
        key, ids = listed
        bodies = [self.kb.entities[e] for e in ids if (key, e) in self.kb.contextual]
        return (
            len(bodies) == len(ids)
            and all(e.type == "organisation" for e in bodies)
            and len({e.country for e in bodies}) >= 2
        )

    def _one_country(self, surface: str, lang: str) -> bool:
        """Every place ``surface`` names without context lies in one country ("Madrid": the
        Colombian town of that name needs Colombia named)."""
        listed = self.resolver.listed(surface, lang)
        if listed is None:
            return True
        key, ids = listed
        places = [e for e in ids if self.kb.entities[e].type == "place"]
        alone = [e for e in places if not self.kb.is_contextual(key, e)] or places
        return len({self.kb.entities[e].country for e in alone}) <= 1

    def _bare_bodies(
        self,
        mentions: list[Mention],
        pending: list[int],
        ids: list[str | None],
        kinds: list[EntityType],
        demonyms: set[int],
        lang: str,
        body: str,
    ) -> list[int]:
        """Give the pending mentions that name a state body by generic words only ("Sağlık
        Bakanlığı") the id of that body in the country the article's places are mostly in, else
        of this article alone (``bodies``); the other pending mentions, returned, are names."""
        bodies = [i for i in pending if bare_body(mentions[i].surface)]
        if not bodies:
            return pending
        places = [
            self.kb.entities[entity_id].country or ""
            for entity_id in ids
            if entity_id in self.kb.entities and self.kb.entities[entity_id].type == "place"
        ]
        for i in demonyms:
            country = demonym_country(self.kb, mentions[i].surface, mentions[i].lang or lang)
            places.append(self.kb.entities[country].country or "" if country is not None else "")
        country = clear_country(places)
        article = article_digest(body, (m.surface for m in mentions))
        for i in bodies:
            ids[i] = body_id(mentions[i].surface, country, article)
            kinds[i] = "organisation"
        taken = set(bodies)
        return [i for i in pending if i not in taken]

    def _placed(self, mentions: list[Mention], body: str, lang: str) -> dict[int, set[str]]:
        """The mentions the text writes where a place goes, with the countries that says: before a
        comma or a bracket and a listed place ("Corona, California": the state's country), or
        after a word that says a place follows ("the city of Corona")."""
        if not body:
            return {}
        found: dict[int, set[str]] = {}
        order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
        for here, after in pairwise(order):
            gap = body[mentions[here].end : mentions[after].start]
            if not _APPOSITION.fullmatch(gap):
                continue
            match = self.resolver.exact(mentions[after].surface, lang=mentions[after].lang or lang)
            if match is not None and match.type == "place" and self.kb.entities[match.entity_id].country:
                found[here] = {self.kb.entities[match.entity_id].country or ""}
        for i, mention in enumerate(mentions):
            # "the city of Corona", "la ciudad de Corona": the cue word before the particle.
            particle = _PARTICLE_BEFORE.search(body, max(0, mention.start - 8), mention.start)
            start = particle.start() if particle is not None else mention.start
            if i not in found and cue_type(body, start, mention.end) == "place":
                found[i] = set()
        # What one mention's words say holds for the article's other mentions of the name: "police
        # in Corona, California, said ... lived in Corona".
        by_key: dict[str, set[str]] = {}
        for i, countries in found.items():
            by_key.setdefault(name_form(mentions[i].surface).key, set()).update(countries)
        for i, mention in enumerate(mentions):
            key = name_form(mention.surface).key
            if key in by_key:
                found[i] = found.get(i, set()) | by_key[key]
        return found

    def _readings(self, mentions: list[Mention], body: str, lang: str) -> dict[int, Reading]:
        """For the mentions of names the knowledge base gives to a place and to an organisation, the
        type the article gives them (``readings``): each mention's own words or recogniser, else
        what the words around the name's other mentions say."""
        by_key: dict[str, list[int]] = defaultdict(list)
        found_as: dict[int, str] = {}
        for i, mention in enumerate(mentions):
            listed = self.resolver.listed(mention.surface, mention.lang or lang)
            if listed is not None and {"place", "organisation"} <= {self.kb.entities[e].type for e in listed[1]}:
                by_key[listed[0]].append(i)
                found_as[i] = listed[0]
        out: dict[int, Reading] = {}
        for indices in by_key.values():
            worded: dict[int, EntityType | None] = {}
            for i in indices:
                mention = mentions[i]
                kind = cue_type(body, mention.start, mention.end) if body else None
                if kind is None and locative_clitic(mention.surface, found_as[i] != name_form(mention.surface).key):
                    kind = "place"
                worded[i] = kind
            said = Counter(kind for kind in worded.values() if kind is not None).most_common(1)
            for i in indices:
                kind = worded[i] or (said[0][0] if said else None)
                if kind is not None:
                    out[i] = Reading(kind, worded=True)
                else:  # a recogniser that read the name itself, not only its listing, says what it is
                    read = mentions[i].type if mentions[i].confidence != LISTED_CONFIDENCE else None
                    out[i] = Reading(read, worded=False)
        return out

    def _listed_body(self, surface: str, countries: set[str], lang: str) -> KBMatch | None:
        """The listed organisation ``surface`` spells exactly, if it names one here."""
        match = self.resolver.exact(surface, countries, lang)
        return match if match is not None and match.type == "organisation" else None

    def _surname_not_place(self, mention: Mention, family: set[str], body: str, lang: str) -> bool:
        """A one-word name typed a place only because the knowledge base lists it, that is a family
        name of a person's full name in the same article and follows no preposition of place: the
        person's name.  Never a country's name: "Jordan" beside "Michael Jordan" may be either."""
        if not _listed_place(mention) or not _owned(mention.surface, family):
            return False
        if after_locative(body, mention.start):
            return False
        listed = self.resolver.listed(mention.surface, lang)
        return listed is None or all(self.kb.entities[e].priority < COUNTRY_PRIORITY for e in listed[1])

    def _bare_place(
        self, mention: Mention, named_by: dict[str, set[str]], owned: set[str], lang: str, body: str
    ) -> KBMatch | None:
        """A one-word name read as a person's, which no full name of the article owns, is the place
        of that name when other words of the article name the place's country: "Agadir" in a
        headline about Morocco is the city, "Sofia" next to "Sofia Müller" stays a person, and a
        country does not vouch for itself ("Jordan" alone).  A nationality adjective the recognisers
        dropped ("the Moroccan city") names the country too."""
        tokens = name_form(mention.surface).tokens
        if len(tokens) != 1 or tokens[0] in owned:
            return None
        supported = {country for country, surfaces in named_by.items() if surfaces - {mention.surface}}
        match = self.resolver.exact(mention.surface, supported, lang)
        if match is None or match.type != "place":
            return None
        country = self.kb.entities[match.entity_id].country
        if country not in supported and country not in self._adjective_countries(body, lang):
            return None
        return match

    def _adjective_countries(self, body: str, lang: str) -> set[str]:
        """Countries the text's capitalised nationality adjectives name ("Moroccan")."""
        found = set()
        for word in set(_CAPITALISED.findall(body)):
            country = demonym_country(self.kb, word, lang)
            if country is not None:
                found.add(self.kb.entities[country].country or "")
        return found

    def _known_core(self, surface: str, countries: set[str], lang: str) -> KBMatch | None:
        """A listed organisation or place inside a span a recogniser grew by words that say what it
        is: a generic head before it and a nationality adjective after it ("شركة روساتوم الروسية", the
        Russian company Rosatom), or its own acronym after it ("Volkspartei PP", when both name one
        entry).  Any other word left over makes another name ("Rosatom Energy")."""
        words = surface.split()
        types = org_type_words()
        core = list(words)
        while len(core) > 1 and (first := name_form(core[0]).tokens) and first[0] in types:
            core = core[1:]
        while len(core) > 1 and demonym_country(self.kb, core[-1], lang) is not None:
            core = core[:-1]
        if len(core) < len(words):
            match = self.resolver.resolve(" ".join(core), "organisation", countries, lang)
            if match is not None and match.type == "organisation":
                return match
        if len(words) > 1 and words[-1].isupper() and words[-1].isalpha():
            acronym = self.resolver.exact(words[-1], countries, lang)
            named = self.resolver.exact(" ".join(words[:-1]), countries, lang)
            if acronym is not None and named is not None and acronym.entity_id == named.entity_id:
                return acronym
        return None

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
                chosen = majority_type({t: (1, 1, n) for t, n in Counter(m.type for m in group).items()})
                kind = next((m.type for m in group if m.type == chosen), group[0].type)
            entities.append(Entity(entity_id, kind, names, {m.surface for m in group}))
        return entities


_CAPITALISED = regex.compile(r"\b\p{Lu}\p{Ll}{3,}")
_PARTICLE_BEFORE = regex.compile(r"(?<=\s)(?:of|de|del|di|du|von)\s+$", regex.IGNORECASE)
_APPOSITION = regex.compile(r"\s*[,(]\s*")  # "Corona, California", "Corona (Kalifornien)"


def _listed_place(mention: Mention) -> bool:
    """A place only because the knowledge base lists its name: when that entry does not hold here
    (it needs context the text lacks: "Corona" without California), the span is a word, not an
    unknown name."""
    return mention.type == "place" and mention.confidence == LISTED_CONFIDENCE


def _owned(surface: str, owned: set[str]) -> bool:
    """``surface`` is one word, a token of a full name in ``owned``."""
    tokens = name_form(surface).tokens
    return len(tokens) == 1 and tokens[0] in owned


def _full_name_tokens(surface: str) -> tuple[str, ...]:
    tokens = name_form(surface).tokens
    return tokens if len(tokens) > 1 else ()
