"""One type per entity, settled by the evidence of its mentions across articles and languages.

A recogniser that misreads a name misreads it alike in every article of its language: the French
model reads the chemical maker "Rhodalis" as a place in each French report, while the English and
German recognisers read it as the company it is.  Other languages are the independent evidence, so
the type read in the most languages wins.  And one article's reading is no evidence against several
articles that could not type the name at all: a chimpanzee called Limbo is no place.

A known place followed by one capitalised plural is a team or a paper named for its city ("Los
Angeles Lakers", "Phoenix Suns"), and the plural alone in the same text is that team ("the Lakers").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from entities_support import store_names, typed_names

from storyweave.entities.recognise.recognizer import EntityRecognizer
from storyweave.entities.resolve.reconcile import majority_type
from storyweave.settings import Settings
from storyweave.tracker import Tracker


def test_the_type_read_in_more_languages_wins_over_one_models_repeated_reading(tmp_path: Path) -> None:
    with Tracker(db=tmp_path / "s.db") as tracker:
        ids = store_names(tracker, "fr-1", "fr", [("Rhodalis", "place")])
        ids += store_names(tracker, "fr-2", "fr", [("Rhodalis", "place"), ("Rhodalis", "place")])
        ids += store_names(tracker, "en-1", "en", [("Rhodalis", "organisation")])
        ids += store_names(tracker, "de-1", "de", [("Rhodalis", "organisation")])
        ids += store_names(tracker, "es-1", "es", [("Rhodalis", "other")])
        assert len(set(ids)) == 1 and ids[0] is not None
        assert tracker.entity(ids[0])["type"] == "organisation"


def test_one_articles_reading_does_not_type_a_name_several_articles_could_not(tmp_path: Path) -> None:
    with Tracker(db=tmp_path / "s.db") as tracker:
        ids = store_names(tracker, "en-1", "en", [("Limbo", "place")])
        for n in range(3):
            ids += store_names(tracker, f"es-{n}", "es", [("Limbo", "other")])
        assert len(set(ids)) == 1 and ids[0] is not None
        assert tracker.entity(ids[0])["type"] == "other"


def test_a_specific_type_still_outvotes_other_on_more_than_one_reading() -> None:
    # Two articles read a place; the rules of a language without a model could not tell.
    assert majority_type({"place": (1, 2, 2), "other": (1, 3, 5)}) == "place"
    # One language's many articles against another's one: articles decide between equals.
    assert majority_type({"person": (1, 5, 9), "organisation": (1, 1, 1)}) == "person"
    assert majority_type({"other": (2, 2, 2)}) == "other"
    assert majority_type({}) is None


# -- a team named for its city is an organisation ------------------------------------------------------
@pytest.fixture(scope="module")
def rules_only() -> EntityRecognizer:
    # The rules read what lies past a model's share of a long article, and languages without one.
    return EntityRecognizer(Settings({"ner_models": []}))


@pytest.mark.parametrize("lang", ["en", "de", "tr"])
def test_a_team_named_for_its_city_is_an_organisation_and_so_is_its_short_name(
    rules_only: EntityRecognizer, lang: str
) -> None:
    text = (
        "Yesterday the club warmed up. The Lakers are 17-0 this season, said Frank Vogel.\n"
        "Los Angeles Lakers (@Lakers) January 1, 2020. Then came Phoenix Suns fans: the Suns lost."
    )
    found = typed_names(rules_only, text, lang)
    assert found.get("Los Angeles Lakers") == "organisation", found
    assert found.get("Lakers") == "organisation", found
    assert found.get("Phoenix Suns") == "organisation", found


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_family_name_in_s_after_a_given_name_that_is_a_place_stays_a_person(
    rules_only: EntityRecognizer, lang: str
) -> None:
    # Paola is a town in Malta, and Spanish family names end in s: no team without "the Rojas".
    text = "Según dijo Paola Rojas, la cifra sube. También habló Victoria Salas en Madrid."
    found = typed_names(rules_only, text, lang)
    assert found.get("Paola Rojas") == "person", found
    assert found.get("Victoria Salas") == "person", found


def test_a_place_or_a_happening_in_the_plural_after_a_place_is_no_team(rules_only: EntityRecognizer) -> None:
    found = typed_names(rules_only, "They met in Colorado Springs before the Tokyo Olympics began.", "en")
    assert found.get("Colorado Springs") == "place", found
    assert found.get("Tokyo Olympics") != "organisation", found


# -- a club named after its place: one entity, an organisation -------------------------------------------
@pytest.fixture(scope="module")
def recognizer() -> EntityRecognizer:
    return EntityRecognizer(Settings())


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Manchester United beat Liverpool 2-0, and Real Madrid lost to Bayern München.", "en"),
        ("Bayern München gewann gegen Borussia Dortmund; Manchester United verlor gegen Real Madrid.", "de"),
    ],
)
def test_a_club_named_after_its_place_is_one_organisation(recognizer: EntityRecognizer, text: str, lang: str) -> None:
    """Every mention of a listed club has the club's type, whatever a recogniser read ("Manchester
    United" before a verb reads like a person); "Bayern München" (the club's name without "FC") is
    the club, not Bavaria and Munich."""
    found = typed_names(recognizer, text, lang)
    for club in ("Manchester United", "Real Madrid", "Bayern München"):
        assert found.get(club) == "organisation", found
    assert "Bayern" not in found and "München" not in found, found
