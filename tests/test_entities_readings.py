"""Names a user met read wrongly in a real corpus, each in a short text of our own, analysed by the
real recogniser and knowledge base: an organisation's acronym defined by a translated expansion, a
short name that is both an agency and a city, and mid-sized cities named in their own country's news."""

from __future__ import annotations

import pytest
from entities_support import mentions_in

from storyweave.entities import EntityRecognizer
from storyweave.entities.kb.base import get_kb
from storyweave.entities.names import name_form
from storyweave.models import Mention
from storyweave.settings import Settings

QATAR_NEWS_AGENCY = "sw:905efbacff7e"


@pytest.fixture(scope="module")
def recognizer() -> EntityRecognizer:
    return EntityRecognizer(Settings())


def _ids(mentions: list[Mention], surface: str) -> set[str | None]:
    return {m.entity_id for m in mentions if m.surface == surface}


def _place_countries(mentions: list[Mention], surface: str) -> set[str | None]:
    kb = get_kb().entities
    return {kb[m.entity_id].country if m.entity_id in kb and kb[m.entity_id].type == "place" else None
            for m in mentions if m.surface == surface}


# -- one organisation, one id -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "lang", "acronym"),
    [
        (
            "Piyasalar, Petrol İhraç Eden Ülkeler Örgütü (OPEC) ve diğer üreticilerin toplantısını bekliyor. "
            "OPEC üyeleri kotaları görüşecek.",
            "tr",
            "OPEC",
        ),
        (
            "ونزلت أسعار النفط بعد أن أخفقت منظمة البلدان المصدرة للبترول (أوبك) ومنتجون آخرون في الاتفاق.",
            "ar",
            "أوبك",
        ),
        ("وذكرت وكالة الأنباء القطرية (قنا) أن الأمير استقبل الوزير في الدوحة.", "ar", "قنا"),
    ],
)
def test_a_translated_expansion_of_a_listed_acronym_is_its_organisation(
    recognizer: EntityRecognizer, text: str, lang: str, acronym: str
) -> None:
    """The language writes the organisation by the borrowed acronym (Turkish OPEC, Arabic أوبك), and the
    text spells out what it stands for in its own words: one organisation, one id."""
    mentions = mentions_in(recognizer, text, lang)
    listed = _ids(mentions, acronym)
    assert len(listed) == 1 and next(iter(listed)) in get_kb().entities, mentions
    expansion = [m for m in mentions if m.end <= text.index(f"({acronym})") and m.type == "organisation"]
    assert expansion and {m.entity_id for m in expansion[-1:]} == listed, mentions


def test_a_body_named_before_a_parties_acronym_stays_apart(recognizer: EntityRecognizer) -> None:
    mentions = mentions_in(recognizer, "Die Junge Union (CDU) und die Grüne Jugend schließen sich an.", "de")
    assert _ids(mentions, "Junge Union") != _ids(mentions, "CDU"), mentions


# -- an agency's acronym that is also a city's name -------------------------------------------------------
def test_the_knowledge_base_gives_qena_its_arabic_name_beside_the_agency() -> None:
    kb = get_kb()
    listed = kb.lookup(name_form("قنا").key)
    assert QATAR_NEWS_AGENCY in listed
    assert any(kb.entities[e].type == "place" and kb.entities[e].country == "EG" for e in listed), listed


@pytest.mark.parametrize(
    "text",
    [
        "عثر على جثة متحللة في أحد المدقات الجبلية بمحافظة قنا، وكانت قرب طريق قنا الأقصر الصحراوي.",
        "لقي مسجل مصرعه في تبادل لإطلاق النار مع الشرطة في قنا.",
        "توجهت فرقة الهلال الأحمر في محافظ قنا إلى المحطة.",
    ],
)
def test_qena_with_a_place_word_is_the_egyptian_city(recognizer: EntityRecognizer, text: str) -> None:
    mentions = mentions_in(recognizer, text, "ar")
    assert _place_countries(mentions, "قنا") == {"EG"}, mentions  # every mention, the road's too


def test_qena_with_a_joined_in_is_the_city(recognizer: EntityRecognizer) -> None:
    mentions = mentions_in(recognizer, "مقتل مسجل خطر بقنا بعد تبادل لإطلاق النار", "ar")
    assert _place_countries(mentions, "بقنا") == {"EG"}, mentions


@pytest.mark.parametrize(
    "text",
    ["وقالت قنا إن الأمير وصل إلى الدوحة مساء أمس.", "ذكرت وكالة قنا أن الوزير وصل إلى الدوحة."],
)
def test_the_agency_stays_the_agency(recognizer: EntityRecognizer, text: str) -> None:
    assert _ids(mentions_in(recognizer, text, "ar"), "قنا") == {QATAR_NEWS_AGENCY}


def test_a_word_with_vowel_signs_is_one_word(recognizer: EntityRecognizer) -> None:
    """"وُفقنا" (we succeeded) with its damma is one word, not و + فقنا read as the agency."""
    mentions = mentions_in(recognizer, "ورغم شح الأموال وُفقنا في تكوين فريق حقق نتائج إيجابية.", "ar")
    assert not [m for m in mentions if m.entity_id == QATAR_NEWS_AGENCY], mentions


# -- a city named in its own country's news --------------------------------------------------------------
def test_a_german_police_report_names_heilbronn(recognizer: EntityRecognizer) -> None:
    """A city of 120,000 whose name is frequent in German only, because of the city (and a rare family
    name): German news that writes it means the city, without naming Germany."""
    text = (
        "Heilbronn (ots) - Ein Fußgänger ist am Mittwochabend in Heilbronn tödlich verunglückt. "
        "Rückfragen bitte an: Polizeipräsidium Heilbronn"
    )
    mentions = mentions_in(recognizer, text, "de")
    assert _place_countries(mentions, "Heilbronn") == {"DE"}, mentions


@pytest.mark.parametrize(("name", "country"), [("Heilbronn", "DE"), ("Krefeld", "DE"), ("Kiel", "DE")])
def test_a_city_frequent_only_in_its_own_language_needs_no_context(name: str, country: str) -> None:
    kb = get_kb()
    key = name_form(name).key
    places = [e for e in kb.lookup(key) if kb.entities[e].country == country]
    assert places and not any(kb.is_contextual(key, e) for e in places), places


@pytest.mark.parametrize("name", ["Corona", "Baker", "Rodriguez", "Richardson", "Manta", "Savannah"])
def test_a_word_or_surname_frequent_abroad_still_needs_the_country(name: str) -> None:
    kb = get_kb()
    key = name_form(name).key
    small = [e for e in kb.lookup(key) if kb.entities[e].type == "place"]
    assert small and all(kb.is_contextual(key, e) for e in small), small


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Der Konzern meldet Rekordabsatz. Toyota verkaufte in Japan mehr Autos als je zuvor.", "de"),
        ("Toyota sold more cars in Japan than ever before, the company said in Tokyo.", "en"),
    ],
)
def test_a_company_named_like_a_city_of_its_country_stays_the_company(
    recognizer: EntityRecognizer, text: str, lang: str
) -> None:
    """Naming the country is no evidence for the city: a report on Toyota names Japan."""
    kb = get_kb().entities
    mentions = mentions_in(recognizer, text, lang)
    assert {kb[m.entity_id].type for m in mentions if m.surface == "Toyota"} == {"organisation"}, mentions


def test_a_name_written_letter_for_letter_is_that_entitys(recognizer: EntityRecognizer) -> None:
    """Folded, the city of Nha Trang and Nhà Trắng (the White House) are one key; the accents tell."""
    kb = get_kb().entities
    city = mentions_in(recognizer, "Du khách đổ về Nha Trang, thành phố biển của Việt Nam, trong dịp Tết.", "vi")
    assert {kb[m.entity_id].type for m in city if m.surface == "Nha Trang"} == {"place"}, city
    house = mentions_in(recognizer, "Nhà Trắng cho biết Tổng thống Mỹ sẽ thăm Việt Nam.", "vi")
    assert {kb[m.entity_id].type for m in house if m.surface == "Nhà Trắng"} == {"organisation"}, house


# -- a town named like the virus ----------------------------------------------------------------------
def _types(mentions: list[Mention], surface: str) -> set[str | None]:
    kb = get_kb().entities
    return {kb[m.entity_id].type if m.entity_id in kb else None for m in mentions if m.surface == surface}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Corona virüsü ile baş etmeye çalışan ABD'de, New York ve Los Angeles gibi şehirlerde karantina var.", "tr"),
        ("Die Linke fordert angesichts der Corona-Pandemie in den USA und in Deutschland mehr Hilfen.", "de"),
        ("The Corona outbreak hit the United States hard, with New York the worst affected.", "en"),
    ],
)
def test_corona_in_a_report_naming_the_us_is_the_virus(recognizer: EntityRecognizer, text: str, lang: str) -> None:
    """The US named somewhere in the text is no evidence for the Californian town when the name is
    also the virus's, which needs no context."""
    mentions = mentions_in(recognizer, text, lang)
    assert _types(mentions, "Corona") == {"other"}, mentions


def test_corona_california_is_the_town(recognizer: EntityRecognizer) -> None:
    """Written where a place goes (before its state, after "the city of"), it is the town, and so are
    the article's other mentions of the name."""
    text = "Police in Corona, California, arrested a man on Tuesday. The suspect lived in Corona for years."
    mentions = mentions_in(recognizer, text, "en")
    assert _place_countries(mentions, "Corona") == {"US"}, mentions
    text = "The city of Corona approved a new budget, officials in the United States said."
    city_of = mentions_in(recognizer, text, "en")
    assert _place_countries(city_of, "Corona") == {"US"}, city_of


# -- Granada, the city, beside the places of its country ------------------------------------------------
@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("La Policía detuvo a un hombre en Granada. El detenido fue trasladado a Sevilla.", "es"),
        ("In Granada und Málaga wurde ein Mann festgenommen, teilte die Polizei mit.", "de"),
        ("Granada, in southern Spain, drew record crowds to the Alhambra.", "en"),
    ],
)
def test_granada_beside_spanish_places_is_the_spanish_city(recognizer: EntityRecognizer, text: str, lang: str) -> None:
    """Never Grenada (whose Spanish name it is too): the city, where Spain or another Spanish place
    that needs no context is named."""
    mentions = mentions_in(recognizer, text, lang)
    assert _place_countries(mentions, "Granada") == {"ES"}, mentions
