"""A state body named by generic words alone ("the Foreign Ministry", "Sağlık Bakanlığı", "وزارة
الخارجية") is every country's: never one entity across different countries' articles (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest
from entities_support import mentions_in, store_names

from storyweave.entities.api import resolve_names
from storyweave.entities.recognise.recognizer import EntityRecognizer
from storyweave.entities.resolve.bodies import bare_body
from storyweave.settings import Settings
from storyweave.tracker import Tracker


@pytest.fixture(scope="module")
def recognizer() -> EntityRecognizer:
    return EntityRecognizer(Settings())


@pytest.mark.parametrize(
    "name",
    [
        "Foreign Ministry",
        "the Foreign Ministry",
        "Ministry of Health",
        "Dışişleri Bakanlığı",
        "Sağlık Bakanlığı",
        "Ministerio de Sanidad",
        "Ministère des Affaires étrangères",
        "وزارة الخارجية",
        "وزارة الصحة",
        "Gesundheitsministerium",
        "Bundesregierung",
        "Police",
        "مجلس النواب",
        "Asamblea Nacional",
    ],
)
def test_a_body_named_by_generic_words_is_bare(name: str) -> None:
    assert bare_body(name)


@pytest.mark.parametrize(
    "name",
    [
        "Türkiye Dışişleri Bakanlığı",
        "Gwent Police",
        "NSW Police",
        "US Foreign Ministry",
        "Polizeipräsidium Heilbronn",
        "Gobierno de México",
        "وزارة الخارجية المصرية",
        "Guardia Civil",
        "Kremlin",
    ],
)
def test_a_body_whose_name_says_whose_it_is_is_not_bare(name: str) -> None:
    assert not bare_body(name)


def test_one_bare_body_name_is_one_entity_per_country(tmp_path: Path) -> None:
    with Tracker(db=tmp_path / "s.db") as tracker:
        [turkey, _] = store_names(tracker, "a", "tr", [("Sağlık Bakanlığı", "organisation"), ("Türkiye", "place")])
        [france, _, _] = store_names(
            tracker, "b", "tr", [("Sağlık Bakanlığı", "organisation"), ("Fransa", "place"), ("Paris", "place")]
        )
        [again, _] = store_names(tracker, "c", "tr", [("Sağlık Bakanlığı", "organisation"), ("Ankara", "place")])
        [unclear] = store_names(tracker, "d", "tr", [("Sağlık Bakanlığı", "organisation")])
        [other, _] = store_names(tracker, "e", "tr", [("Sağlık Bakanlığı", "organisation"), ("Ahmet Yıldız", "person")])
        assert turkey is not None and turkey == again  # the Turkish ministry in two articles on Turkey
        assert france not in (turkey, None)
        # No country clear: the name holds for its own article only, never joined to another's.
        assert unclear not in (turkey, france, None) and other not in (turkey, france, unclear, None)
        types = {
            r[0] for r in tracker.db.conn.execute("SELECT type FROM entities WHERE id IN (?, ?)", (turkey, france))
        }
        assert types == {"organisation"}


def test_a_text_about_two_countries_qualifies_by_the_one_most_named(recognizer: EntityRecognizer) -> None:
    egypt = "قالت وزارة الخارجية في القاهرة إن مصر ترفض القرار. وأكدت مصر موقفها."
    japan = "قالت وزارة الخارجية في طوكيو إن اليابان ترفض القرار. وأكدت اليابان موقفها."
    ids = [
        {m.entity_id for m in mentions_in(recognizer, text, "ar") if m.surface == "وزارة الخارجية"}
        for text in (egypt, japan)
    ]
    assert all(len(found) == 1 and None not in found for found in ids), ids
    assert ids[0] != ids[1]


def test_resolve_gives_a_bare_body_name_no_id(tmp_path: Path) -> None:
    with Tracker(db=tmp_path / "s.db") as tracker:
        store_names(tracker, "a", "tr", [("Sağlık Bakanlığı", "organisation"), ("Türkiye", "place")])
        rows = [
            ("1", "Sağlık Bakanlığı", "tr"),
            ("2", "Ministerio de Sanidad", "es"),
            ("3", "Türkiye Dışişleri Bakanlığı", "tr"),
        ]
        answers = resolve_names(rows, tracker.db)
    found = {key: entity_id for key, entity_id, _ in answers}
    assert found["1"] is None and found["2"] is None  # whose ministry? a bare name does not say
    assert found["3"] is not None
    assert {kind for _, _, kind in answers} == {"organisation"}  # what it is, though, it does say
