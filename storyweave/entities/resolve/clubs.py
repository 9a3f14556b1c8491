"""Sports clubs named after their city: an organisation, never the city.

"Leicester City", "Sheffield United", "Real Valladolid", "Sevilla FC" name a club by a listed place
and a club's word; whatever a recogniser read, the name is the club's.  In a report that names two
such clubs or more (a match report), a bare name of a city of their country ("Liverpool are on
course to go unbeaten") is a club too: the club the article names after that city when it names
one, else a club of that name.  A city the text puts where a place goes ("in Liverpool") stays the
city, and so does a metropolis the article names no club after.
"""

from __future__ import annotations

from ...lang.patterns import CLUB_FORMS, CLUB_HEADS, CLUB_TAILS
from ...models import Mention
from ..kb.base import COUNTRY_PRIORITY, FAMOUS_PRIORITY, KBEntity, KnowledgeBase
from .readings import after_locative
from .resolver import KBResolver

MIN_CLUBS = 2  # clubs by name an article must hold before its bare city names are read as clubs


def club_home(resolver: KBResolver, surface: str, lang: str) -> KBEntity | None:
    """The city a club's name is formed from ("Leicester" of "Leicester City"), if ``surface`` is
    such a name: a club's word before or after the name of a listed place below a country, the
    whole no listed place itself ("Mexico City", "Quezon City" are)."""
    words = surface.split()
    if len(words) < 2:
        return None
    if words[-1].casefold() in CLUB_TAILS | CLUB_FORMS:
        rest = words[:-1]
    elif words[0].casefold() in CLUB_HEADS:
        rest = words[1:]
    else:
        return None
    whole = resolver.exact(surface, lang=lang)
    if whole is not None and whole.type == "place":
        return None
    home = resolver.exact(" ".join(rest), lang=lang)
    if home is None or home.type != "place":
        return None
    entity = resolver.kb.entities[home.entity_id]
    return entity if entity.priority < COUNTRY_PRIORITY else None


def bare_clubs(
    kb: KnowledgeBase,
    mentions: list[Mention],
    ids: list[str | None],
    homes: dict[int, KBEntity],
    body: str,
) -> dict[int, int | None]:
    """The mentions resolved to a city that are its club in a match report: each with the mention
    of the club the article names after that city (None: it names none)."""
    if len({home.id for home in homes.values()}) < MIN_CLUBS:
        return {}
    countries = {home.country for home in homes.values()}
    named_after = {home.id: i for i, home in sorted(homes.items(), reverse=True)}
    found: dict[int, int | None] = {}
    for i, mention in enumerate(mentions):
        entity = kb.entities.get(ids[i] or "")
        if i in homes or entity is None or entity.type != "place" or entity.priority >= COUNTRY_PRIORITY:
            continue
        if entity.country not in countries or len(mention.surface.split()) != 1 or after_locative(body, mention.start):
            continue
        # A metropolis is talked of for itself in any report ("London has been chosen to host"): it
        # is a club only as the home of one the article names ("Manchester" beside "Manchester City").
        if entity.priority >= FAMOUS_PRIORITY and entity.id not in named_after:
            continue
        found[i] = named_after.get(entity.id)
    return found
