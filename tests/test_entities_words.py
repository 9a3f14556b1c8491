"""Words and phrases are no entities: what a reader would see listed as people, places and
organisations when the recogniser takes a capitalised word of the sentence for a name."""

from __future__ import annotations

import pytest
from entities_support import typed_names

from storyweave.entities.recognise.recognizer import EntityRecognizer
from storyweave.lang.common import LANGUAGES, common_words
from storyweave.models import Article
from storyweave.settings import Settings


@pytest.fixture(scope="module")
def recognizer() -> EntityRecognizer:
    return EntityRecognizer(Settings())



@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # A head word alone names nothing; with its name it types it: an institution, a competition
        # (an event), a facility (a place), whoever the name's other words are.
        (
            "es",
            "El director del Hospital, Juan Pérez, habló. La Copa y la Liga siguen. El Instituto informó.",
            {"Juan Pérez": "person"},
        ),
        ("es", "El equipo ganó la Copa Libertadores el sábado.", {"Copa Libertadores": "other"}),
        ("tr", "Süper Lig'in 18. haftası bugün başlıyor.", {"Süper Lig": "other"}),
        ("tr", "Dünya Kadınlar Günü kutlandı.", {"Dünya Kadınlar Günü": "other"}),
        (
            "es",
            "La riña ocurrió en el Centro Regional de Reinserción Social de Villanueva, informaron.",
            {"Centro Regional de Reinserción Social de Villanueva": "organisation"},
        ),
        ("de", "Das Kind kam im St. Anna Hospital Herne zur Welt.", {"Anna Hospital Herne": "place"}),
        ("es", "Una riña en el Cerereso de Cieneguillas dejó 16 muertos.", {"Cerereso de Cieneguillas": "place"}),
        # The field a minister's title names ("Gençlik ve Spor Bakanı") is no organisation, and
        # "Spor" alone is "sport", though clubs end in it (Trabzonspor).
        (
            "tr",
            "Gençlik ve Spor Bakanı Mehmet Kasapoğlu konuştu. Spor herkes için.",
            {"Mehmet Kasapoğlu": "person"},
        ),
        # Ministries' fields, courts, presidencies and a company's board, written alone for the body.
        ("en", "Defense Secretary Mark Esper said Industry leaders met the Court.", {"Mark Esper": "person"}),
        ("es", "La Presidencia y la Cancillería respondieron a Juan Pérez.", {"Juan Pérez": "person"}),
        ("tr", "Yönetim Kurulu toplandı, Ahmet Yılmaz konuştu.", {"Ahmet Yılmaz": "person"}),
        # Capitalised common nouns, religions' and parties' adjectives, nationality words.
        ("en", "Jewish groups and Republican senators met on Monday. The House voted.", {}),
        ("es", "En la Tierra vivimos. Dios nos ayude, dijo Internet.", {}),
        ("tr", "Türk ve Suriyeli işçiler çalıştı. Dünya genelinde vaka arttı.", {}),
        # A party named by its members is still the party.
        ("en", "The Greens won seats in the election.", {"Greens": "organisation"}),
        # A sentence's opening noun with its endings (a dative), and the word after it, make no name.
        ("tr", "Yaralılarımıza Allah acil şifalar versin.", {}),
        # A name cut to an initial is nobody in particular.
        ("tr", "Şüpheli Osman K. gözaltına alındı.", {}),
        # A Roman numeral before a common noun: the Second Republic, no person.
        ("es", "Durante la II República hubo reformas.", {}),
        # A common word of the language after an article is a noun; a rare one (a river) is a name.
        ("es", "La Provincia y la Embajada respondieron; el caudal del Ebro creció.", {"Ebro": "other"}),
        # Words of the language, with no given name or title, are no person's name.
        ("es", "Según Comercio Interior, los precios subieron.", {"Comercio Interior": "other"}),
        # A school named after its state is the school; the state after it is no family name.
        (
            "es",
            "Estudió en la Escuela Normal Superior de Quenzalpa. La historia de Quenzalpa del siglo XIX.",
            {"Escuela Normal Superior de Quenzalpa": "organisation", "Quenzalpa": "other"},
        ),
        # Letters glued to digits are part of a name ("Youm7"), and a common abbreviation names nothing.
        ("ar", "(MENAFN- Youm7) أعلنت السلطات الايطالية", {"MENAFN": "organisation"}),
        ("tr", "Salgın nedeniyle AVM'ler kapandı.", {}),
        ("de", "„OK“, sagte er. Die SP will das Gesetz.", {"SP": "organisation"}),
        # Arabic: a director general (مدير عام) and a year (عام 2019) are no one's name.
        ("ar", "التقى مدير عام الشرطة بالوفد في عام 2019.", {}),
    ],
)
def test_words_are_no_entities(recognizer: EntityRecognizer, lang: str, text: str, expected: dict[str, str]) -> None:
    assert typed_names(recognizer, text, lang) == expected


def test_turkish_case_endings_fold_to_the_institution(recognizer: EntityRecognizer) -> None:
    text = "Bu karar İçişleri Bakanlığınca açıklandı. Sonra İçişleri Bakanlığının açıklaması okundu."
    mentions, _ = recognizer.analyse(Article(id="w2", title="", text=text, origin="test", lang="tr"))
    assert [m.surface for m in mentions] == ["İçişleri Bakanlığı", "İçişleri Bakanlığı"]
    assert len({m.entity_id for m in mentions}) == 1


def test_a_word_written_small_elsewhere_is_shouted_not_an_acronym(recognizer: EntityRecognizer) -> None:
    text = "Juan Pérez dijo que el VIRUS llegó. El virus se extiende."
    assert typed_names(recognizer, text, "es") == {"Juan Pérez": "person"}
    assert typed_names(recognizer, "Juan Pérez habló con la OTAN.", "es")["OTAN"] == "organisation"


def test_common_word_lists_hold_words_and_leave_names_off() -> None:
    for lang in LANGUAGES:
        words = common_words(lang)
        assert len(words) > 3000 and all(w == w.lower() for w in words)
    spanish = common_words("es")
    assert {"provincia", "embajada", "comercio"} <= spanish
    # Rare words that are names, and given or family names that are also words, are left off.
    assert not {"ebro", "inegi", "guerra", "rosa"} & spanish
    assert common_words("xx") == frozenset()


def test_turkish_possessive_and_short_genitive_fold_too(recognizer: EntityRecognizer) -> None:
    text = "Bu konuda Sağlık Bakanlığımız açıklama yaptı. Sonra Sağlık Bakanlığın sözcüsü konuştu."
    assert typed_names(recognizer, text, "tr") == {"Sağlık Bakanlığı": "organisation"}


def test_a_dateline_in_capitals_is_a_place(recognizer: EntityRecognizer) -> None:
    text = "ROMA (AP) — El gobierno italiano reportó más muertes."
    assert typed_names(recognizer, text, "es") == {"ROMA": "place", "AP": "organisation"}
