"""What a name means in its article: a knowledge-base place needs the context to hold, and a name's
own words (a facility's, a broadcaster's, a party's, a possessive) type it whatever a recogniser read.

Each case is a short text of our own, analysed by the real recogniser and knowledge base."""

from __future__ import annotations

import pytest
from entities_support import mentions_in

from storyweave.entities import EntityRecognizer
from storyweave.entities.kb.base import get_kb
from storyweave.entities.resolve.acronyms import initials_fit
from storyweave.entities.resolve.mentions import MentionResolver
from storyweave.entities.resolve.resolver import evident_type, unknown_name_type
from storyweave.models import Mention
from storyweave.settings import Settings


@pytest.fixture(scope="module")
def recognizer() -> EntityRecognizer:
    return EntityRecognizer(Settings())


def _countries(mentions: list[Mention]) -> dict[str, str | None]:
    """surface -> the country of the knowledge-base entity it resolved to (None: no such entity)."""
    kb = get_kb().entities
    return {m.surface: kb[m.entity_id].country if m.entity_id in kb else None for m in mentions}


# -- a knowledge-base place needs the context to hold ------------------------------------------------------
def test_a_saint_named_place_is_that_city_only_where_its_country_is_named(recognizer: EntityRecognizer) -> None:
    vatican = "Los peregrinos llenaron la plaza de San Pedro para escuchar al papa."
    assert not [m for m in mentions_in(recognizer, vatican, "es") if _countries([m]).get(m.surface) == "HN"]
    # Nor any other listed San Pedro, through its spelling in another script (Côte d'Ivoire's has one).
    text = "El papa saludó en la plaza de San Pedro, en el Vaticano, a fieles de Italia."
    spans = [("San Pedro", "place"), ("Vaticano", "place"), ("Italia", "place")]
    resolved, _ = MentionResolver(get_kb()).resolve(_as_read(text, *spans, lang="es"), "es", text)
    assert _countries([m for m in resolved if m.surface == "San Pedro"]) == {"San Pedro": None}, resolved
    honduras = "La policía de Honduras detuvo a tres hombres en San Pedro Sula y en San Pedro, cerca de la costa."
    found = _countries(mentions_in(recognizer, honduras, "es"))
    assert found.get("San Pedro") == "HN" or found.get("San Pedro Sula") == "HN", found


def test_a_saint_name_several_listed_places_share_needs_the_country() -> None:
    resolver = MentionResolver(get_kb())
    text = "Llovió en San José y en San Juan. Viajé a San Francisco y a San Salvador."
    spans = [(name, "place") for name in ("San José", "San Juan", "San Francisco", "San Salvador")]
    resolved, _ = resolver.resolve(_as_read(text, *spans), "es")
    # Shared by places of several countries: none of them.  A saint's name one listed place owns: that one.
    listed = {surface: country for surface, country in _countries(resolved).items() if country}
    assert listed == {"San Francisco": "US", "San Salvador": "SV"}


def test_a_place_designator_before_a_known_place_keeps_it(recognizer: EntityRecognizer) -> None:
    text = "Deutschland trauert: Die Stadt Krefeld hat Hilfe angeboten. Auch die Region Hannover half."
    found = _countries(mentions_in(recognizer, text, "de"))
    assert found.get("Krefeld") == "DE" and found.get("Hannover") == "DE", found


def test_a_longer_place_name_is_another_place(recognizer: EntityRecognizer) -> None:
    text = (
        "Un incendio destruyó el mercado de la comunidad Nueva Palestina, en el municipio de Ocosingo. "
        "Una vecina nacida en San Pedro de Lloc contó lo ocurrido."
    )
    mentions = mentions_in(recognizer, text, "es")
    by_surface = {m.surface: m for m in mentions}
    assert "Palestina" not in by_surface and "San Pedro" not in by_surface, by_surface
    longer = [m for m in mentions if m.surface.startswith(("Nueva Palestina", "San Pedro de Lloc"))]
    assert len(longer) == 2 and all(m.type == "place" and m.entity_id not in get_kb().entities for m in longer)


def test_a_known_place_after_de_is_the_one_a_longer_name_belongs_to(recognizer: EntityRecognizer) -> None:
    mentions = mentions_in(recognizer, "El pontífice rezó en la plaza de San Pedro del Vaticano.", "es")
    assert [m.surface for m in mentions if m.entity_id == "Q237"] == ["Vaticano"], mentions


def _as_read(text: str, *spans: tuple[str, str], lang: str = "en") -> list[Mention]:
    """Mentions as a recogniser might type them: (surface, type), in the order they occur in ``text``."""
    mentions, start = [], 0
    for name, kind in spans:
        start = text.index(name, start)
        mentions.append(Mention(name, start, start + len(name), kind, lang))  # type: ignore[arg-type]
        start += len(name)
    return mentions


def test_a_bare_name_read_as_a_person_is_the_place_its_country_vouches_for() -> None:
    resolver = MentionResolver(get_kb())
    text = "Quake hits Agadir. The Moroccan interior ministry said Morocco would rebuild."
    resolved, _ = resolver.resolve(
        _as_read(text, ("Agadir", "person"), ("Moroccan", "other"), ("Morocco", "place")), "en"
    )
    agadir = [m for m in resolved if m.surface == "Agadir"]
    assert [(m.type, _countries(agadir)["Agadir"]) for m in agadir] == [("place", "MA")], resolved
    # Without a word for its country the reading stands; a full name owns its words ("Sofia Ivanova
    # ... Sofia" in Bulgaria); a country does not vouch for itself (a lone "Jordan").
    for text, spans in [
        ("Quake hits Agadir.", [("Agadir", "person")]),
        (
            "Sofia Ivanova left Bulgaria. Sofia said so.",
            [("Sofia Ivanova", "person"), ("Bulgaria", "place"), ("Sofia", "person")],
        ),
        ("Jordan scored 30 points.", [("Jordan", "person")]),
    ]:
        found, _ = resolver.resolve(_as_read(text, *spans), "en")
        assert not [
            m
            for m in found
            if m.type == "place"
            and len(m.surface.split()) == 1
            and m.surface in dict(spans)
            and dict(spans)[m.surface] == "person"
        ], found


# -- a name's own words type it ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("surface", "recognised", "expected"),
    [
        ("St Mark's Square", "person", "place"),
        ("Union Station", "organisation", "place"),
        ("Marienplatz", "other", "place"),
        ("Heathrow Airport", "person", "place"),
        ("Catholic Sat", "person", "organisation"),
        ("Iguana TV", "person", "organisation"),
        ("Norway's Conservatives", "person", "organisation"),
        ("Gwent Police", "person", "organisation"),
        ("Merkel's Legacy", "person", "other"),  # a possessive names no person
        ("Angela Merkel", "person", "person"),
        ("Platz", "other", "other"),  # the head word alone names nothing in particular
    ],
)
def test_a_name_is_typed_by_its_own_words(surface: str, recognised: str, expected: str) -> None:
    assert unknown_name_type(surface, recognised) == expected  # type: ignore[arg-type]


def test_evident_types_leave_plain_names_alone() -> None:
    assert evident_type("Sebastian Kurz") is None
    assert evident_type("Jordan") is None


def test_facility_and_broadcaster_names_in_running_text(recognizer: EntityRecognizer) -> None:
    text = (
        "Crowds packed St Peter's Square in Rome on Sunday, and the broadcaster Catholic Sat showed the mass. "
        "Norway's Conservatives led by Erna Solberg welcomed the plan."
    )
    typed = {m.surface: m.type for m in mentions_in(recognizer, text, "en")}
    assert typed.get("St Peter's Square") == "place", typed
    assert typed.get("Catholic Sat") == "organisation", typed
    assert typed.get("Norway's Conservatives", "organisation") == "organisation", typed
    assert "Conservatives" not in typed or typed["Conservatives"] != "person", typed


def test_a_feast_is_no_organisation(recognizer: EntityRecognizer) -> None:
    text = "The pope prayed before the Nativity scene on Christmas Eve, then greeted pilgrims in Rome."
    typed = {m.surface: m.type for m in mentions_in(recognizer, text, "en")}
    assert typed.get("Nativity", "other") == "other", typed


# -- an acronym the text defines -------------------------------------------------------------------------
def test_an_acronym_defined_in_the_text_is_the_name_it_follows(recognizer: EntityRecognizer) -> None:
    first = mentions_in(
        recognizer, "Le Centre national de recherche sur les dunes (CNRD) a publié une étude à Lyon.", "fr"
    )
    ids = {m.surface: m.entity_id for m in first}
    assert ids["Centre national de recherche sur les dunes"] == ids["CNRD"], ids
    # An article that writes only the acronym names the same entity.
    later = {m.surface: m.entity_id for m in mentions_in(recognizer, "Le CNRD a confirmé ses chiffres.", "fr")}
    assert later.get("CNRD") == ids["CNRD"], later
    # A translation the knowledge base lacks joins the acronym it lists.
    turkish = mentions_in(recognizer, "Hristiyan Demokrat Birlik (CDU) kurultayı Hannover'de toplandı.", "tr")
    by_surface = {m.surface: m.entity_id for m in turkish}
    assert by_surface["Hristiyan Demokrat Birlik"] == by_surface["CDU"] in get_kb().entities, by_surface


def test_a_person_or_a_dateline_before_brackets_keeps_its_own_id(recognizer: EntityRecognizer) -> None:
    text = "MADRID (AP) - Spain's parliament voted on Tuesday. Friedrich Merz (CDU) criticised the law in Berlin."
    ids = {m.surface: m.entity_id for m in mentions_in(recognizer, text, "en")}
    assert ids.get("Friedrich Merz") and ids["Friedrich Merz"] != ids.get("CDU"), ids
    assert ids.get("AP") != ids.get("MADRID"), ids


@pytest.mark.parametrize(
    ("full", "acronym", "fits"),
    [
        ("Organisation for Economic Co-operation and Development", "OECD", True),
        ("Christian Democratic Union", "CDU", True),
        ("Partido Popular", "PP", True),
        ("Friedrich Merz", "CDU", False),
        ("Madrid", "AP", False),
        ("Umweltbundesamt", "UBA", True),
        ("Organisation de coopération et de développement économiques", "OCDE", True),
        ("Centre national de recherche sur les dunes", "CNRD", True),
    ],
)
def test_initials(full: str, acronym: str, fits: bool) -> None:
    assert initials_fit(full, acronym) is fits


def test_a_family_name_of_few_consonants_joins_its_full_name_letter_for_letter() -> None:
    resolver = MentionResolver(get_kb())
    text = "Feijóo recurrirá la ley. El líder Alberto Núñez Feijóo lo anunció. Feijoo habló con Fijo."
    spans = [("Feijóo", "person"), ("Alberto Núñez Feijóo", "person"), ("Feijoo", "person"), ("Fijo", "person")]
    resolved, _ = resolver.resolve(_as_read(text, *spans), "es")
    ids = {m.surface: m.entity_id for m in resolved}
    assert ids["Feijóo"] == ids["Alberto Núñez Feijóo"] == ids["Feijoo"], ids
    assert ids["Fijo"] != ids["Feijóo"], ids  # the same consonants, other letters: no family name


def test_a_defined_acronym_takes_the_type_of_what_it_names(recognizer: EntityRecognizer) -> None:
    resolver = MentionResolver(get_kb())
    text = "La Unidad Médica de Alta Especialidad (UMAE) atendió a Andrés Manuel López Obrador (AMLO)."
    spans = [
        ("Unidad Médica de Alta Especialidad", "person"),  # as the Spanish rules read it
        ("UMAE", "person"),
        ("Andrés Manuel López Obrador", "person"),
        ("AMLO", "organisation"),
    ]
    _, entities = resolver.resolve(_as_read(text, *spans), "es", text)
    typed = {e.names["es"]: e.type for e in entities}
    assert typed == {"Unidad Médica de Alta Especialidad": "organisation", "Andrés Manuel López Obrador": "person"}
    # The text outweighs the knowledge base's reading of a bare acronym (UBA is also a town in Brazil).
    text = "Das Umweltbundesamt (UBA) warnte vor Feinstaub."
    ids = {m.surface: (m.entity_id, m.type) for m in mentions_in(recognizer, text, "de")}
    assert ids["UBA"] == ids["Umweltbundesamt"] and ids["UBA"][1] == "organisation", ids


def test_brackets_that_hold_something_else_join_nothing(recognizer: EntityRecognizer) -> None:
    resolver = MentionResolver(get_kb())
    # The body the committee belongs to, not its acronym; a foundation the knowledge base names
    # otherwise in German than the acronym's entity (the Turkish DSÖ, the WHO, folds to DSO).
    for text, spans, lang in [
        (
            "El Comité de Apelación de la Federación Española de Fútbol (RFEF) confirmó la sanción.",
            [("Comité de Apelación de la Federación Española de Fútbol", "organisation"), ("RFEF", "organisation")],
            "es",
        ),
        (
            "Axel Rahmel von der Deutschen Stiftung Organtransplantation (DSO) sprach.",
            [
                ("Axel Rahmel", "person"),
                ("Deutschen Stiftung Organtransplantation", "organisation"),
                ("DSO", "organisation"),
            ],
            "de",
        ),
        (
            "Die Junge Union (CDU) und die Grüne Jugend schließen sich an.",
            [("Junge Union", "organisation"), ("CDU", "organisation")],
            "de",
        ),
        ("ROMA (AP) - Il papa ha parlato.", [("ROMA", "place"), ("AP", "organisation")], "it"),
    ]:
        resolved, _ = resolver.resolve(_as_read(text, *spans, lang=lang), lang, text)
        ids = {m.surface: m.entity_id for m in resolved}
        assert ids[spans[-2][0]] != ids[spans[-1][0]], ids


def test_a_short_form_written_as_a_word_is_no_acronym(recognizer: EntityRecognizer) -> None:
    text = "Who knows what comes next? Who else would go? The WHO and the UN met in Geneva."
    english = mentions_in(recognizer, text, "en")
    assert [m.surface for m in english if m.entity_id in ("sw:967415e1ea90", "Q1065")] == ["WHO", "UN"], english
    # A company's own short name is written as it is ("Uber"), and so is a language's own short
    # name of a country.
    assert get_kb().lookup("uber", "en", "Uber"), "Uber"
    vietnamese = {m.surface: m.entity_id for m in mentions_in(recognizer, "Đức và Pháp ký thỏa thuận.", "vi")}
    assert vietnamese.get("Đức") == "Q183", vietnamese
    turkish = {m.surface: m.entity_id for m in mentions_in(recognizer, "AB'nin kararı açıklandı.", "tr")}
    assert turkish.get("AB") == "Q458", turkish


# -- names the recognisers used to miss --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("وقال الأمين العام للمنظمة يوهانس كرامر إن الوضع صعب.", "يوهانس كرامر"),
        ("وقالت كبيرة الاقتصاديين في الصندوق مارتا لوبيز إن النمو تباطأ.", "مارتا لوبيز"),
        ("التقى وزيرا الخارجية المصري سامح شكري والأردني أيمن الصفدي.", "سامح شكري"),
    ],
)
def test_an_arabic_title_may_name_the_body_it_serves(recognizer: EntityRecognizer, text: str, name: str) -> None:
    people = [m.surface for m in mentions_in(recognizer, text, "ar") if m.type == "person"]
    assert name in people, people


def test_a_city_after_an_arabic_verb_is_the_place(recognizer: EntityRecognizer) -> None:
    for text in ("وأعلن أنه سيزور موسكو الأسبوع المقبل.", "وزار موسكو الأسبوع الماضي."):
        found = {m.surface: m.entity_id for m in mentions_in(recognizer, text, "ar")}
        assert found.get("موسكو") == "Q649", found


def test_german_rules_find_saint_named_towns_and_described_companies(recognizer: EntityRecognizer) -> None:
    text = "In einem Werk in Saint-Priest bei Lyon brannte es. Das Werk des Herstellers Valtoria liegt am Fluss."
    typed = {m.surface: m.type for m in mentions_in(recognizer, text, "de")}
    assert typed.get("Saint-Priest") == "place" and typed.get("Valtoria") == "organisation", typed


def test_a_smaller_saint_named_town_needs_its_country(recognizer: EntityRecognizer) -> None:
    found = _countries(mentions_in(recognizer, "Un incendie a touché un entrepôt à Saint-Denis, près de Paris.", "fr"))
    assert found.get("Saint-Denis") != "RE", found
