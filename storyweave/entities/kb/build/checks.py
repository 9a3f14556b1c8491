"""Integrity checks on the staged knowledge base: the build fails rather than ship an entry that
joins two real entities.

* a city is never its country: an alias shared by a country and a city must be the country's own
  (primary) name, as "Singapore" or "Kuwait" are; "München" as a name of Germany is an error;
* two distinct Wikidata entities never share an own (primary) name without a rank between them: when
  "Georgia" names the country and the US state, their priorities differ and ``best`` decides;
  two equal ones would be a coin toss;
* one curated row is one entity (``sources.add_curated`` refuses two rows with one id);
* a curated row is no second entry of an entity another source has: its English name is no Wikidata
  entry's English name, for the same type and, where both say, the same country (a curated
  "Scotland" beside rigour's Q22 was two Scotlands, each with half the names); such a row names
  the entry's id instead ("id=Q22").
"""

from __future__ import annotations

from ...names import name_form
from ..base import COUNTRY_PRIORITY, KBEntity
from .staging import PRIMARY, KBBuilder, bare_alias

MAX_REPORTED = 20


class KBIntegrityError(ValueError):
    """The knowledge base would join two real entities; the message lists the offending aliases."""


def _is_country(builder: KBBuilder, entity_id: str) -> bool:
    entity = builder.entities[entity_id]
    return entity.type == "place" and entity.priority >= COUNTRY_PRIORITY


def problems(builder: KBBuilder) -> list[str]:
    """Every violation among the staged aliases (after the hygiene pass), one line each."""
    found: list[str] = []
    for key, entries in sorted(builder.staged.items()):
        shared = [e for e, s in entries.items() if not s.lang]
        if len(shared) < 2:
            continue
        countries = [e for e in shared if _is_country(builder, e)]
        places = [e for e in shared if e not in countries and builder.entities[e].type == "place"]
        for country in countries:
            if places and entries[country].rank != PRIMARY:
                names = ", ".join(builder.entities[p].name for p in places[:3])
                found.append(f"{key!r}: an alias of {builder.entities[country].name} ({country}) and of {names}")
        primary = [e for e in shared if entries[e].rank == PRIMARY and e.startswith("Q")]
        by_priority: dict[int, list[str]] = {}
        for entity_id in primary:
            by_priority.setdefault(builder.entities[entity_id].priority, []).append(entity_id)
        for tied in by_priority.values():
            if len(tied) > 1:
                found.append(f"{key!r}: the own name of {', '.join(sorted(tied))} with no rank between them")
    return found + _curated_twins(builder)


def _english_key(entity: KBEntity) -> str:
    return name_form(bare_alias(entity.names.get("en", "")), drop_titles=False).key


def _curated_twins(builder: KBBuilder) -> list[str]:
    """Curated rows of their own whose entity a Wikidata entry already is (see the module's notes)."""
    wikidata: dict[tuple[str, str], list[KBEntity]] = {}
    for entity in builder.entities.values():
        if entity.id.startswith("Q") and _english_key(entity):
            wikidata.setdefault((entity.type, _english_key(entity)), []).append(entity)
    found = []
    for entity_id, named in sorted(builder.curated.items()):
        entity = builder.entities[entity_id]
        for twin in [] if named else wikidata.get((entity.type, _english_key(entity)), []):
            if entity.country is None or twin.country is None or entity.country == twin.country:
                found.append(f"{entity.name!r}: the curated {entity_id} is {twin.id} again (give its row id={twin.id})")
    return found


def verify(builder: KBBuilder) -> None:
    """Raise ``KBIntegrityError`` when ``problems`` finds any."""
    found = problems(builder)
    if found:
        shown = "\n  ".join(found[:MAX_REPORTED])
        raise KBIntegrityError(f"{len(found)} knowledge-base aliases join two entities:\n  {shown}")
