"""One name, several real things (issue 13, as a semeval-dev store showed them): the article's places
choose among same-name places, a common Arabic word is no foreign city, a club named after its city
is no city, and a person's name stops before the next noun."""

from __future__ import annotations

import pytest
from entities_support import mentions_in

from storyweave.entities import EntityRecognizer
from storyweave.entities.kb.base import get_kb
from storyweave.models import Mention
from storyweave.settings import Settings


@pytest.fixture(scope="module")
def recognizer() -> EntityRecognizer:
    return EntityRecognizer(Settings())


def _named(mentions: list[Mention], surface: str) -> list[Mention]:
    return [m for m in mentions if m.surface == surface]


def _country(entity_id: str | None) -> str | None:
    entity = get_kb().entities.get(entity_id or "")
    return entity.country if entity is not None else None


# -- the article's places choose among same-name places ----------------------------------------------
def test_a_name_two_countries_share_is_the_one_of_the_country_the_article_is_in(
    recognizer: EntityRecognizer,
) -> None:
    """Spanish calls Antakya "Antioquia" too; beside Medellín and Bello it is the Colombian department."""
    colombia = "El alcalde de Medellín habló en Bello, Antioquia, sobre la pandemia. En Antioquia hay 300 casos."
    found = _named(mentions_in(recognizer, colombia, "es"), "Antioquia")
    assert found and {_country(m.entity_id) for m in found} == {"CO"}
    turkey = "El terremoto destruyó Antioquia, la antigua ciudad de Turquía."
    assert {_country(m.entity_id) for m in _named(mentions_in(recognizer, turkey, "es"), "Antioquia")} == {"TR"}


# -- an Arabic word with the article is no foreign city ----------------------------------------------
def test_the_arabic_stock_exchange_is_not_the_turkish_city_of_bursa(recognizer: EntityRecognizer) -> None:
    """البورصة (the stock exchange) folds like بورصة (Bursa); a Turkish city's Arabic name has no
    article, while Arab cities keep theirs (الموصل)."""
    text = "ضرب الزلزال والموصل. وفي الموصل قتل عشرة. ارتفع مؤشر البورصة في القاهرة."
    mentions = mentions_in(recognizer, text, "ar")
    assert not any(m.entity_id == "sw:gn750269" for m in mentions)
    assert [_country(m.entity_id) for m in _named(mentions, "الموصل")] == ["IQ"]


# -- clubs named after their city ----------------------------------------------------------------------
LIVERPOOL = "sw:gn2644210"


def test_a_club_named_after_its_city_is_an_organisation_not_a_place(recognizer: EntityRecognizer) -> None:
    english = mentions_in(recognizer, "Leicester City beat Watford. Mexico City hosted the draw.", "en")
    spanish = mentions_in(recognizer, "El Real Valladolid ganó al Sevilla FC en el estadio.", "es")
    for mentions, club in ((english, "Leicester City"), (spanish, "Real Valladolid"), (spanish, "Sevilla FC")):
        found = _named(mentions, club)
        assert found and all(m.type == "organisation" for m in found), club
        assert all(get_kb().entities.get(m.entity_id or "", None) is None or m.type != "place" for m in found)
    assert [m.type for m in _named(english, "Mexico City")] == ["place"]


def test_a_bare_city_in_a_match_report_is_its_club_and_stays_the_city_where_a_place_goes(
    recognizer: EntityRecognizer,
) -> None:
    report = (
        "Liverpool wrapped up their 17th win with a 4-0 win over Leicester City on Boxing Day. "
        "Liverpool will face Sheffield United on Thursday. Fans celebrated in Liverpool all night."
    )
    mentions = _named(mentions_in(recognizer, report, "en"), "Liverpool")
    assert len(mentions) == 3
    clubs, city = mentions[:2], mentions[2]
    assert all(m.type == "organisation" and m.entity_id != LIVERPOOL for m in clubs)
    assert clubs[0].entity_id == clubs[1].entity_id
    assert city.entity_id == LIVERPOOL
    # One club named is no match report: the city is the city; and a metropolis stays itself.
    news = "The Beatles came from Liverpool. Manchester United fans sang their songs."
    assert [m.entity_id for m in _named(mentions_in(recognizer, news, "en"), "Liverpool")] == [LIVERPOOL]
    final = "Manchester United and Leeds United agreed terms. London has been chosen to host the final."
    london = _named(mentions_in(recognizer, final, "en"), "London")
    assert london and all(m.type == "place" and _country(m.entity_id) == "GB" for m in london)


# -- a German name ends before the next noun ---------------------------------------------------------
def test_a_german_name_the_article_writes_alone_does_not_swallow_the_noun_after_it(
    recognizer: EntityRecognizer,
) -> None:
    text = (
        "„Das ist schon in voller Absicht erfolgt“, sagt Susanne Klatt. Die Feuerwehr musste oft warten. "
        "„Eine große Gruppe hatte sich auf die Straße gestellt“, beschreibt Susanne Klatt Einsätze, bei "
        "denen weder Blaulicht noch Sirene halfen."
    )
    people = [m for m in mentions_in(recognizer, text, "de") if m.type == "person"]
    assert [m.surface for m in people] == ["Susanne Klatt", "Susanne Klatt"]
    assert len({m.entity_id for m in people}) == 1
    assert all(text[m.start : m.end] == m.surface for m in people)


# -- a place named by a common word, after a preposition of place --------------------------------------
def test_a_city_named_by_a_common_word_is_the_city_after_a_preposition_of_place(
    recognizer: EntityRecognizer,
) -> None:
    """"granada" is a word (a pomegranate, a grenade), so the city needs context; "en Granada" is it,
    with no other Spanish place named.  A name something else owns needs more: "in Corona" is still
    the virus's name, not the Californian town."""
    text = "Herido de bala un hombre de 45 años en la puerta de una discoteca en Granada."
    found = _named(mentions_in(recognizer, text, "es"), "Granada")
    assert [_country(m.entity_id) for m in found] == ["ES"]
    corona = _named(mentions_in(recognizer, "Schools stayed closed in Corona for weeks.", "en"), "Corona")
    assert all(_country(m.entity_id) != "US" for m in corona)

