"""Ukrainian and Russian names in their case forms (issue 13): "у Києві", "Росії", "президента
Туреччини Реджепа Тайїпа Ердогана" reach the entities their nominatives name, a declined country
before a name is a place and a person, and a man's name in any case is one person."""

from __future__ import annotations

from pathlib import Path

import pytest
from entities_support import as_previous_release_stored, store_names, typed_names

from storyweave import Settings, Tracker
from storyweave.entities.api import resolve_names
from storyweave.entities.kb.base import KBEntity
from storyweave.entities.kb.build import checks
from storyweave.entities.kb.build.sources import add_curated
from storyweave.entities.kb.build.staging import KBBuilder
from storyweave.entities.recognise.recognizer import EntityRecognizer
from storyweave.lang import uk
from storyweave.lang.inflection import person_nominative, surname_key
from storyweave.store.db import latest_version, schema_version

FIXTURE = Path(__file__).parent / "fixtures" / "languages" / "declined_uk_ru.jsonl"
KYIV, RUSSIA, TURKEY, MOSCOW = "Q1899", "Q159", "Q43", "Q649"


@pytest.mark.parametrize(
    ("declined", "nominative"),
    [
        ("Києві", "Київ"),
        ("Києва", "Київ"),
        ("Києвом", "Київ"),
        ("Львова", "Львів"),
        ("Харкові", "Харків"),
        ("Миколаєва", "Миколаїв"),
        ("Росії", "Росія"),
        ("Росією", "Росія"),
        ("Туреччини", "Туреччина"),
        ("Москвою", "Москва"),
        ("Китаєм", "Китай"),
        ("Америці", "Америка"),
        ("Північної Кореї", "Північна Корея"),
    ],
)
def test_a_ukrainian_case_form_reads_back_in_the_nominative(declined: str, nominative: str) -> None:
    assert nominative in uk.nominatives(declined)


def test_a_mans_name_in_any_case_has_one_key_and_one_nominative() -> None:
    assert len({surname_key(w, "uk") for w in ("Зеленський", "Зеленського", "Зеленським", "Зеленському")}) == 1
    assert surname_key("Ердогана", "uk") == surname_key("Ердоган", "uk")
    assert surname_key("Erdoğan", "en") == "Erdoğan"
    assert person_nominative("Владимиром Путиным", "ru") == "Владимир Путин"
    assert person_nominative("Зеленського", "uk") == "Зеленський"
    assert person_nominative("Путина", "ru") == "Путина"  # a woman's name too: left as it is


@pytest.fixture(scope="module")
def rules_only() -> EntityRecognizer:
    return EntityRecognizer(Settings({"ner_models": []}))


@pytest.mark.parametrize(
    ("lang", "text", "country", "person"),
    [
        ("uk", "Він зустрів президента Туреччини Реджепа Тайїпа Ердогана.", "Туреччини", "Реджепа Тайїпа Ердогана"),
        ("uk", "Міністр закордонних справ України Дмитро Кулеба відвідав Анкару.", "України", "Дмитро Кулеба"),
        ("ru", "Он встретил президента Турции Реджепа Тайипа Эрдогана в Москве.", "Турции", "Реджепа Тайипа Эрдогана"),
        ("ru", "Вчера президент России Владимир Путин прилетел в Анкару.", "России", "Владимир Путин"),
        ("uk", "Вчора лідер Північної Кореї Кім Чен Ин провів парад.", "Північної Кореї", "Кім Чен Ин"),
        ("ru", "Вчера лидер Северной Кореи Ким Чен Ын провел парад.", "Северной Кореи", "Ким Чен Ын"),
    ],
)
def test_a_declined_country_before_a_name_is_a_place_and_a_person(
    rules_only: EntityRecognizer, lang: str, text: str, country: str, person: str
) -> None:
    found = typed_names(rules_only, text, lang)
    assert found.get(country) == "place" and found.get(person) == "person", found


def test_a_sentence_word_before_a_name_or_a_country_is_no_part_of_it(rules_only: EntityRecognizer) -> None:
    text = "Війська Росії обстріляли Харків. Візит Зеленського до Анкари відбувся. Концерт Софії Ротару."
    found = typed_names(rules_only, text, "uk")
    assert found.get("Росії") == "place" and "Війська Росії" not in found
    assert "Візит Зеленського" not in found
    assert found.get("Софії Ротару") == "person"  # a woman named Sofia, not Bulgaria's capital


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], set[str]]:
    """(article, surface) → the entity ids stored for it, after ingesting the fixture."""
    tracker = Tracker(db=tmp_path_factory.mktemp("declined") / "store.db", settings=Settings.load(environ={}))
    assert len(tracker.ingest(FIXTURE).added) == 4
    found: dict[tuple[str, str], set[str]] = {}
    for row in tracker.db.conn.execute("SELECT article_id, surface, entity_id FROM mentions"):
        found.setdefault((row["article_id"].removeprefix("sw-fixture-declined-"), row["surface"]), set()).add(
            row["entity_id"]
        )
    tracker.close()
    return found


def test_declined_places_are_the_knowledge_base_entries(stored: dict[tuple[str, str], set[str]]) -> None:
    for surface in ("Києва", "Києві", "Києвом"):
        assert stored[("uk-visit", surface)] == {KYIV}, surface
    assert stored[("uk-envoy", "Києві")] == {KYIV}
    assert stored[("uk-visit", "Росією")] == stored[("uk-visit", "Росію")] == stored[("uk-envoy", "Росії")] == {RUSSIA}
    assert stored[("uk-visit", "Туреччині")] == stored[("uk-envoy", "Туреччини")] == {TURKEY}
    assert stored[("uk-visit", "Москвою")] == {MOSCOW}
    assert stored[("ru-visit", "Турции")] == {TURKEY} and stored[("ru-visit", "России")] == {RUSSIA}


def test_the_president_of_turkey_is_turkey_and_erdogan(stored: dict[tuple[str, str], set[str]]) -> None:
    assert not any("Туреччини" in s and "Ердоган" in s for _, s in stored)
    assert stored[("uk-visit", "Туреччини")] == {TURKEY}
    [erdogan] = stored[("en-visit", "Recep Tayyip Erdoğan")]
    for key in [
        ("uk-visit", "Реджеп Тайїп Ердоган"),
        ("uk-visit", "Ердоган"),
        ("uk-envoy", "Реджепа Тайїпа Ердогана"),
        ("ru-visit", "Реджепа Тайипа Эрдогана"),
        ("ru-visit", "Эрдоган"),
    ]:
        assert stored[key] == {erdogan}, key


def test_a_mans_name_in_every_case_is_one_person(stored: dict[tuple[str, str], set[str]]) -> None:
    [zelensky] = stored[("en-visit", "Volodymyr Zelensky")]
    for key in [
        ("uk-visit", "Володимиром Зеленським"),
        ("uk-visit", "Зеленський"),
        ("uk-envoy", "Володимиру Зеленському"),
        ("uk-envoy", "Зеленського"),
    ]:
        assert stored[key] == {zelensky}, key
    [putin] = stored[("ru-visit", "Владимир Путин")]
    assert stored[("ru-visit", "Путиным")] == stored[("ru-visit", "Путина")] == {putin}


def test_resolve_joins_a_bare_name_in_the_instrumental_to_its_nominative() -> None:
    rows = [("a", "Путин", "ru"), ("b", "Путиным", "ru"), ("c", "Путіним", "uk"), ("d", "Газпром", "ru")]
    ids = {key: entity_id for key, entity_id, _ in resolve_names(rows)}
    assert ids["a"] == ids["b"] == ids["c"]
    assert ids["d"] != ids["a"]


# -- one knowledge-base entry per entity ------------------------------------------------------------------
def test_england_scotland_wales_and_northern_ireland_are_one_entry_each() -> None:
    names = [
        ("Scotland", "en"), ("Écosse", "fr"), ("İskoçya", "tr"), ("Шотландия", "ru"), ("Шотландії", "uk"),
        ("England", "en"), ("Inglaterra", "es"), ("Англії", "uk"),
        ("Wales", "en"), ("Galler", "tr"), ("Уельсі", "uk"),
        ("Northern Ireland", "en"), ("Nordirland", "de"), ("Северной Ирландии", "ru"),
    ]  # fmt: skip
    ids = [entity_id for _, entity_id, _ in resolve_names([(str(i), n, lang) for i, (n, lang) in enumerate(names)])]
    assert ids == ["Q22"] * 5 + ["Q21"] * 3 + ["Q25"] * 3 + ["Q26"] * 3


def test_the_build_refuses_a_curated_row_beside_the_wikidata_entry_it_repeats() -> None:
    builder = KBBuilder()
    builder.add_entity(KBEntity("Q22", "place", {"en": "Scotland"}, 1_000_000, "GB"))
    add_curated(builder, {})
    assert not [p for p in checks.problems(builder) if "curated" in p]  # the shipped rows name their ids
    twin = KBEntity("sw:scotland", "place", {"en": "Scotland"}, 10_000_000)
    builder.add_entity(twin)
    builder.curated[twin.id] = False
    assert any("sw:scotland is Q22 again" in p for p in checks.problems(builder))
    builder.entities["sw:scotland"].type = "organisation"  # another kind of thing is another entity
    assert not any("sw:scotland" in p for p in checks.problems(builder))


def test_a_store_of_the_previous_knowledge_base_moves_to_the_one_entry(tmp_path: Path) -> None:
    # The previous knowledge base gave "Scotland" the curated sw:7a629e3ed854: migration 0011
    # resolves the stored mentions again, and the old id redirects to Q22.
    db = tmp_path / "previous.db"
    with Tracker(db=db) as tracker:
        assert store_names(tracker, "a", "en", [("Scotland", "place")]) == ["Q22"]
    as_previous_release_stored(db, "Q22", "sw:7a629e3ed854", "Scotland", 10)
    with Tracker(db=db) as tracker:
        assert schema_version(tracker.db.conn) == latest_version()
        assert tracker.db.conn.execute("SELECT COUNT(*) FROM pending_steps").fetchone()[0] == 0
        rows = tracker.db.conn.execute("SELECT DISTINCT entity_id FROM mentions WHERE surface = 'Scotland'")
        assert {r[0] for r in rows} == {"Q22"}
        assert tracker.entity("sw:7a629e3ed854")["id"] == "Q22"
