"""Spans that recognisers cut or grow, and names in other languages, resolved on evidence (issue 13,
round 6):

* a known name keeps its particle when a recogniser's run goes on past it ("Al Jazeera English" is
  Al Jazeera, no person "Jazeera English"); a common word in capitals is no acronym ("VIRUS:");
* an institution's name runs on over its connectors ("Organización para la Cooperación y el
  Desarrollo Económicos"); a company's name before "de Saint-X" is no family name;
* a Russian name whose head noun is declined ("Лиги арабских государств") is the listed one.
"""

from __future__ import annotations

import pytest
from entities_support import typed_names

from storyweave.entities.kb.base import get_kb
from storyweave.entities.recognise.recognizer import EntityRecognizer
from storyweave.entities.resolve.resolver import KBResolver
from storyweave.settings import Settings


@pytest.fixture(scope="module")
def recognizer() -> EntityRecognizer:
    return EntityRecognizer(Settings())


def test_a_known_name_keeps_its_particle(recognizer: EntityRecognizer) -> None:
    found = typed_names(recognizer, "Analysis follows. Bonus video: Al Jazeera English: a report.", "de")
    assert found == {"Al Jazeera": "organisation"}


def test_a_common_word_in_capitals_is_no_acronym(recognizer: EntityRecognizer) -> None:
    found = typed_names(recognizer, "VIRUS: Außenminister treffen sich. Die NATO berät.", "de")
    assert found == {"NATO": "organisation"}


def test_a_russian_head_noun_declines_alone() -> None:
    resolver = KBResolver(get_kb())
    league = resolver.exact("Лига арабских государств", lang="ru")
    assert league is not None
    declined = resolver.exact("Лиги арабских государств", lang="ru")
    assert declined is not None and declined.entity_id == league.entity_id


def test_an_institutions_name_runs_over_its_connectors(recognizer: EntityRecognizer) -> None:
    found = typed_names(
        recognizer, "La Organización para la Cooperación y el Desarrollo Económicos publicó su informe.", "es"
    )
    assert found == {"Organización para la Cooperación y el Desarrollo Económicos": "organisation"}
    # Two names joined by a conjunction stay two.
    found = typed_names(recognizer, "Ayer Valencia y Murcia votaron.", "es")
    assert found == {"Valencia": "place", "Murcia": "place"}


def test_a_name_before_de_saint_town_is_no_family_name(recognizer: EntityRecognizer) -> None:
    found = typed_names(recognizer, "Un incendio en la planta química Quimelis de Saint-Fons dejó heridos.", "es")
    assert found.get("Saint-Fons") == "place"
    assert "person" not in found.values()
