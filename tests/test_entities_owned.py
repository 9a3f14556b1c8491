"""Whose name is it (issue 13, as a semeval-dev store showed it): a listed organisation's name a
recogniser read as a person's is the organisation, unless a person of the article is called so; a
family name that some listed place also has is the person's in an article naming the person."""

from __future__ import annotations

from storyweave.entities.kb.base import LISTED_CONFIDENCE, get_kb
from storyweave.entities.resolve.mentions import MentionResolver
from storyweave.models import Mention


def _resolve(text: str, names: list[tuple[str, str, float]], lang: str = "en") -> dict[str, set[str | None]]:
    """surface -> the ids its mentions in ``text`` got; each name is found at its first free place."""
    mentions, taken = [], 0
    for surface, kind, confidence in names:
        start = text.index(surface, taken)
        taken = start + len(surface)
        mentions.append(Mention(surface, start, taken, kind, lang, confidence=confidence))  # type: ignore[arg-type]
    resolved, _ = MentionResolver(get_kb()).resolve(mentions, lang, text)
    out: dict[str, set[str | None]] = {}
    for m in resolved:
        out.setdefault(m.surface, set()).add(m.entity_id)
    return out


def _kb_type(entity_id: str | None) -> str | None:
    entity = get_kb().entities.get(entity_id or "")
    return entity.type if entity is not None else None


def test_a_listed_organisation_read_as_a_person_is_the_organisation_and_its_short_form_another() -> None:
    text = "Officials blamed Kataib Hezbollah. Hezbollah denied any role, Kataib Hezbollah said nothing."
    found = _resolve(
        text, [("Kataib Hezbollah", "person", 0.9), ("Hezbollah", "person", 0.9), ("Kataib Hezbollah", "person", 0.9)]
    )
    [brigades], [party] = found["Kataib Hezbollah"], found["Hezbollah"]
    assert _kb_type(brigades) == "organisation" and _kb_type(party) == "organisation"
    assert brigades != party


def test_a_person_called_like_a_listed_organisation_stays_the_person() -> None:
    text = "Michael Bloomberg spoke in Ohio. Bloomberg said he would run."
    found = _resolve(text, [("Michael Bloomberg", "person", 0.9), ("Ohio", "place", 0.9), ("Bloomberg", "person", 0.9)])
    assert found["Bloomberg"] == found["Michael Bloomberg"]
    assert _kb_type(next(iter(found["Bloomberg"]))) is None


def test_a_family_name_a_listed_place_has_is_the_person_s_beside_the_full_name() -> None:
    """The gazetteer typed the bare name a place; the article's full name says whose it is."""
    text = "La senadora Lucía Córdoba Paz votó en contra. Córdoba explicó su voto."
    found = _resolve(
        text, [("Lucía Córdoba Paz", "person", 0.9), ("Córdoba", "place", LISTED_CONFIDENCE)], lang="es"
    )
    assert _kb_type(next(iter(found["Córdoba"]))) is None  # not the city
    city = "La senadora Lucía Córdoba Paz votó en Córdoba."
    found = _resolve(
        city, [("Lucía Córdoba Paz", "person", 0.9), ("Córdoba", "place", LISTED_CONFIDENCE)], lang="es"
    )
    assert _kb_type(next(iter(found["Córdoba"]))) == "place"  # after "en": the city
    # A span a recogniser misread as a person's, opening with the place's name, owns no family name.
    misread = "Córdoba Norte ganó el derbi. Córdoba celebra."
    found = _resolve(misread, [("Córdoba Norte", "person", 0.7), ("Córdoba", "place", LISTED_CONFIDENCE)], lang="es")
    assert _kb_type(next(iter(found["Córdoba"]))) == "place"


def test_a_club_is_one_with_or_without_its_legal_form() -> None:
    """"Liverpool FC" in one report and a bare "Liverpool" in a match report: one club, not the city."""
    report = "Liverpool FC signed a forward from Leicester City on Monday."
    one = _resolve(report, [("Liverpool FC", "organisation", 0.9), ("Leicester City", "organisation", 0.9)])
    match = "Liverpool beat Leicester City 2-0 and Sheffield United drew."
    clubs = [("Leicester City", "organisation", 0.9), ("Sheffield United", "organisation", 0.9)]
    other = _resolve(match, [("Liverpool", "place", 0.9), *clubs])
    assert one["Liverpool FC"] == other["Liverpool"]
    assert _kb_type(next(iter(other["Liverpool"]))) != "place"


def test_a_name_in_an_enumeration_is_a_thing_of_the_enumeration_s_kind() -> None:
    """Among states, Washington is the state; among capitals, the capital."""
    states = "Wages rose in Ohio, Texas, Florida and Washington this year."
    names = [("Ohio", "place", 0.9), ("Texas", "place", 0.9), ("Florida", "place", 0.9), ("Washington", "place", 0.9)]
    found = _resolve(states, names)
    [state] = found["Washington"]
    [ohio] = found["Ohio"]
    kb = get_kb()
    assert kb.entities[state].priority == kb.entities[ohio].priority  # the state, ranked like Ohio
    capitals = "Envoys from Washington, Moscow and Beijing met in Geneva."
    names = [(name, "place", 0.9) for name in ("Washington", "Moscow", "Beijing", "Geneva")]
    [capital] = _resolve(capitals, names)["Washington"]
    assert capital != state and _kb_type(capital) == "place"
    alone = "Wages rose in Washington this year."
    assert _resolve(alone, [("Washington", "place", 0.9)])["Washington"] == {capital}
