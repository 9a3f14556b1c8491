"""Mention extraction: models for en/fr/ru, rules for every other language, on texts written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyweave.entities.recognise.ner import MentionExtractor
from storyweave.errors import ConfigError
from storyweave.models import Article, Mention, article_body
from storyweave.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ARABIC_SEED = EXAMPLES / "000_f35a44fb5feb97ee.txt"
FRENCH_SEED = EXAMPLES / "004_c0189183aaa892e8.txt"


@pytest.fixture(scope="module")
def extractor() -> MentionExtractor:
    return MentionExtractor(Settings())


def _extract(extractor: MentionExtractor, lang: str, text: str, title: str = "") -> list[Mention]:
    return extractor.extract(Article(id="t", title=title, text=text, origin="test", lang=lang))


def _by_type(mentions: list[Mention]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for m in mentions:
        out.setdefault(m.type, set()).add(m.surface)
    return out


def _check_invariants(article_text: str, mentions: list[Mention], title: str = "") -> None:
    body = article_body(Article(id="t", title=title, text=article_text, origin="test"))
    previous_end = -1
    for m in mentions:
        assert body[m.start : m.end] == m.surface
        assert m.start >= previous_end, "mentions overlap or are out of order"
        assert m.surface == m.surface.strip(" .,;:!?»«\"'()،")
        previous_end = m.end


CASES = {
    "en": (
        "Russian President Vladimir Putin spoke with Joe Biden in Geneva. The Kremlin and NATO said nothing.",
        {"person": {"Vladimir Putin", "Joe Biden"}, "place": {"Geneva"}, "organisation": {"NATO"}},
    ),
    "fr": (
        "Le président Emmanuel Macron s'est rendu à Marseille avec Gabriel Attal. L'ONU a salué cette visite.",
        {"person": {"Emmanuel Macron", "Gabriel Attal"}, "place": {"Marseille"}, "organisation": {"ONU"}},
    ),
    "ru": (
        "Президент России Владимир Путин провёл переговоры в Москве. Об этом сообщил пресс-секретарь Дмитрий Песков. "
        "Компания Газпром не комментирует.",
        {"person": {"Владимир Путин", "Дмитрий Песков"}, "place": {"Москве"}, "organisation": {"Газпром"}},
    ),
    "de": (
        "Bundeskanzler Olaf Scholz hat am Montag mit dem Präsidenten Emmanuel Macron telefoniert. "
        "Die Deutsche Bank und die SPD begrüßten das Gespräch.",
        {"person": {"Olaf Scholz", "Emmanuel Macron"}, "organisation": {"Deutsche Bank", "SPD"}},
    ),
    "es": (
        "El presidente Pedro Sánchez viajó a Ciudad de México el lunes. Según el Ministerio de Defensa, la reunión "
        "fue positiva.",
        {"person": {"Pedro Sánchez"}, "place": {"Ciudad de México"}, "organisation": {"Ministerio de Defensa"}},
    ),
    "tr": (
        "Cumhurbaşkanı Recep Tayyip Erdoğan, Dışişleri Bakanı Hakan Fidan ile görüştü. Adalet ve Kalkınma Partisi "
        "toplandı. Erdoğan'ın açıklaması geldi.",
        {"person": {"Recep Tayyip Erdoğan", "Hakan Fidan", "Erdoğan"}, "organisation": {"Adalet ve Kalkınma Partisi"}},
    ),
    "vi": (
        "Chiều 28/3, Tổng Bí thư Nguyễn Phú Trọng đã điện đàm với Tổng thống Nga Vladimir Putin. "
        "Bộ Ngoại giao Việt Nam cho biết ông Putin sẽ thăm Hà Nội.",
        {
            "person": {"Nguyễn Phú Trọng", "Vladimir Putin", "Putin"},
            "place": {"Nga"},
            "organisation": {"Bộ Ngoại giao Việt Nam"},
        },
    ),
    "zh": (
        "3月26日，越共中央总书记阮富仲同俄罗斯总统普京通电话。外交部发言人汪文斌表示，双方将在河内市举行会谈。",
        {"person": {"阮富仲", "普京", "汪文斌"}, "place": {"俄罗斯", "河内市"}, "organisation": {"外交部"}},
    ),
    "ar": (
        "وقال وزير الخارجية سيرغي لافروف إن روسيا مستعدة. وأعلنت شركة آبل عن منتج جديد في مدينة دبي. "
        "وأصدرت لوزارة الخارجية بيانا.",
        {"person": {"سيرغي لافروف"}, "place": {"دبي"}, "organisation": {"شركة آبل", "وزارة الخارجية"}},
    ),
}


@pytest.mark.parametrize("lang", sorted(CASES))
def test_each_language_finds_people_places_organisations(extractor: MentionExtractor, lang: str) -> None:
    text, expected = CASES[lang]
    mentions = _extract(extractor, lang, text)
    _check_invariants(text, mentions)
    found = _by_type(mentions)
    for kind, names in expected.items():
        missing = names - found.get(kind, set())
        assert not missing, f"{lang}: {kind} {missing} not found in {found}"
    assert all(m.lang == lang for m in mentions)


def test_arabic_prepositions_and_bare_first_names_are_never_places(extractor: MentionExtractor) -> None:
    text = "التقى محمد في أمام المبنى مع أحمد، ثم ذهب علي إلى السوق في الصباح. وجلس خالد أمام البيت."
    mentions = _extract(extractor, "ar", text)
    assert not [m for m in mentions if m.type == "place"], mentions
    surfaces = {m.surface for m in mentions}
    assert not surfaces & {"في", "أمام", "إلى", "محمد", "أحمد", "علي", "خالد"}


def test_an_arabic_place_opened_by_a_saints_name_keeps_its_second_word(extractor: MentionExtractor) -> None:
    # "بلدة سان فون" is the town of Saint-Fons: "سان" (Saint) alone names no place.
    text = "اندلع حريق في مصنع في بلدة سان فون جنوب مدينة ليون. وتظاهر السكان في بلدة سان دوني قرب باريس."
    places = [m.surface for m in _extract(extractor, "ar", text) if m.type == "place"]
    assert "سان فون" in places and "سان دوني" in places, places
    assert "سان" not in places, places


def test_arabic_name_stops_before_a_preposition_or_clitic_word(extractor: MentionExtractor) -> None:
    text = "زيارة الرئيس الروسي فلاديمير بوتين لفيتنام. ودعا الرئيس بوتين للقيام بزيارة إلى فيتنام."
    surfaces = [m.surface for m in _extract(extractor, "ar", text) if m.type == "person"]
    assert surfaces == ["فلاديمير بوتين", "بوتين"]


def test_sentence_initial_common_words_are_not_names(extractor: MentionExtractor) -> None:
    text = "Según fuentes oficiales, la reunión terminó. Además, nadie habló. Durante la tarde llovió."
    assert _extract(extractor, "es", text) == []
    text = "Bu açıklama dün yapıldı. Ancak kimse konuşmadı."
    assert _extract(extractor, "tr", text) == []


def test_german_common_nouns_are_not_names(extractor: MentionExtractor) -> None:
    text = (
        "Die Regierung hat am Montag neue Regeln beschlossen. Der Minister sprach von einer guten Lösung für Familien."
    )
    assert [m for m in _extract(extractor, "de", text) if m.type == "person"] == []


def test_arabic_seed_finds_the_people(extractor: MentionExtractor) -> None:
    text = ARABIC_SEED.read_text(encoding="utf-8")
    mentions = _extract(extractor, "ar", text)
    _check_invariants(text, mentions)
    people = _by_type(mentions)["person"]
    for name in ("بوتين", "بوتن", "فلاديمير بوتن", "نجوين فو ترونج", "دميتري بيسكوف", "نجوين دوك ثانج"):
        assert name in people, f"{name} not in {people}"
    assert "وزارة الخارجية" in _by_type(mentions)["organisation"]
    assert not [m for m in mentions if m.type == "place" and m.surface in ("في", "أمام")]


def test_french_seed(extractor: MentionExtractor) -> None:
    text = FRENCH_SEED.read_text(encoding="utf-8")
    mentions = _extract(extractor, "fr", text)
    _check_invariants(text, mentions)
    found = _by_type(mentions)
    assert {"Vladimir Poutine", "Nguyên Phu Trong"} <= found["person"]
    assert {"Hanoi", "Russie", "Vietnam"} <= found["place"]
    assert "Vietnam pacifique" not in found["place"]


def test_offsets_count_the_title(extractor: MentionExtractor) -> None:
    title = "Visite de Vladimir Poutine"
    text = "Emmanuel Macron a reçu Olaf Scholz à Paris."
    mentions = _extract(extractor, "fr", text, title=title)
    _check_invariants(text, mentions, title=title)
    assert mentions[0].surface == "Vladimir Poutine" and mentions[0].start == title.index("Vladimir")


def test_text_past_the_model_limit_goes_to_the_rules() -> None:
    settings = Settings({"ner_max_chars": 60})
    extractor = MentionExtractor(settings)
    text = "Le président Emmanuel Macron est à Paris. " * 3 + "Plus tard, le président Olaf Scholz est arrivé."
    mentions = _extract(extractor, "fr", text)
    _check_invariants(text, mentions)
    assert mentions[-1].surface == "Olaf Scholz" and mentions[-1].type == "person"


def test_unknown_language_and_script_fall_back_to_rules(extractor: MentionExtractor) -> None:
    mentions = _extract(extractor, "it", "Il presidente Sergio Mattarella ha incontrato il ministro a Roma.")
    assert "Sergio Mattarella" in _by_type(mentions)["person"]
    assert _extract(extractor, "ja", "東京で会議が開かれた。") == []


def test_bad_model_language_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        MentionExtractor(Settings({"ner_models": ["en", "xx"]}))


ARABIC_PERSONS = [
    ("التقى الرئيس السوري بشار الأسد وفدا روسيا في دمشق.", "بشار الأسد"),
    ("وقال الرئيس عبد الفتاح السيسي إن الحوار مستمر.", "عبد الفتاح السيسي"),
    ("استقبل ولي العهد السعودي الأمير محمد بن سلمان وزير الخارجية الأمريكي.", "محمد بن سلمان"),
    ("وصل الرئيس التركي رجب طيب أردوغان إلى الدوحة.", "رجب طيب أردوغان"),
    ("أكد الرئيس الفرنسي إيمانويل ماكرون دعم فرنسا للمبادرة.", "إيمانويل ماكرون"),
    ("دعا الأمين العام للأمم المتحدة أنطونيو غوتيريش إلى التهدئة.", "أنطونيو غوتيريش"),
    ("وقال الرئيس الأسد إن الحرب انتهت.", "الأسد"),
    ("أشاد الرئيس السيسي بجهود الوسطاء.", "السيسي"),
    ("وقال المتحدث باسم وزارة الخارجية الروسية ماريا زاخاروفا إن موسكو سترد.", "ماريا زاخاروفا"),
    ("والتقى محمد بن زايد بنظيره في أبوظبي.", "محمد بن زايد"),  # no title: a known given name
    ("وأجرى جو بايدن اتصالا هاتفيا مع نظيره.", "جو بايدن"),
]


@pytest.mark.parametrize(("text", "name"), ARABIC_PERSONS)
def test_arabic_full_names_after_titles_and_known_given_names(
    extractor: MentionExtractor, text: str, name: str
) -> None:
    people = [m.surface for m in _extract(extractor, "ar", text) if m.type == "person"]
    assert people == [name]


def test_arabic_common_article_words_are_not_names(extractor: MentionExtractor) -> None:
    text = (
        "وقال الرئيس الروسي فلاديمير بوتين إن الحكومة الروسية ستواصل العمل. وأعلنت الخارجية الروسية ذلك. "
        "وقال الرئيس التنفيذي لشركة آبل إن المبيعات ارتفعت. وأشاد الرئيس الروسي بالاتفاق."
    )
    surfaces = {m.surface for m in _extract(extractor, "ar", text)}
    assert "فلاديمير بوتين" in surfaces
    assert not surfaces & {"الروسي", "الروسية", "الحكومة", "الخارجية", "التنفيذي", "الرئيس"}
    assert {m.surface for m in _extract(extractor, "ar", "قال محمد إن أحمد وصل.") if m.type == "person"} == set()


def test_persian_titles(extractor: MentionExtractor) -> None:
    text = "رئیس جمهور روسیه ولادیمیر پوتین گفت که وزیر امور خارجه ایران عباس عراقچی به مسکو سفر کرد."
    people = [m.surface for m in _extract(extractor, "fa", text) if m.type == "person"]
    assert people == ["ولادیمیر پوتین", "عباس عراقچی"]


def test_chinese_organisations_and_dotted_names(extractor: MentionExtractor) -> None:
    text = (
        "俄罗斯总统弗拉基米尔·普京宣布赢得选举。华为公司发布了新款手机。中国人民银行宣布降准。"
        "清华大学的研究团队取得突破。中国共产党中央委员会召开全体会议。美国国务卿布林肯抵达以色列。"
        "他说部分地区发生了洪水，全部人员已撤离。"
    )
    found = _by_type(_extract(extractor, "zh", text))
    assert found["person"] == {"弗拉基米尔·普京", "布林肯"}
    assert found["organisation"] == {"华为公司", "中国人民银行", "清华大学", "中国共产党中央委员会"}


def test_chinese_names_stop_at_a_weekday_and_a_part_of_a_country_is_no_organisation(
    extractor: MentionExtractor,
) -> None:
    text = "俄罗斯总统普京周一在索契会见土耳其总统埃尔多安。智利北部周二发生地震，巴西南部下雨。"
    found = _by_type(_extract(extractor, "zh", text))
    assert found["person"] == {"普京", "埃尔多安"}
    assert not {"智利北部", "巴西南部"} & found.get("organisation", set())
    assert not {"北部", "南部"} & found.get("place", set())


def test_two_dotted_chinese_names_in_one_run_stay_two(extractor: MentionExtractor) -> None:
    # Han characters run unbroken from the first dotted name to the second: "Putin on Tuesday with
    # French President Macron" must not come out as one person.
    text = "俄罗斯总统弗拉基米尔·普京周二与法国总统埃马纽埃尔·马克龙通电话。土耳其总统雷杰普·塔伊普·埃尔多安抵达。"
    found = _by_type(_extract(extractor, "zh", text))
    assert found["person"] == {"弗拉基米尔·普京", "埃马纽埃尔·马克龙", "雷杰普·塔伊普·埃尔多安"}


def test_japanese_names_before_titles(extractor: MentionExtractor) -> None:
    text = "プーチン大統領は24日、日本の岸田首相と電話で会談した。同首相は記者団に語った。"
    assert [m.surface for m in _extract(extractor, "ja", text) if m.type == "person"] == ["プーチン", "岸田"]


def test_ukrainian_country_is_cut_off_a_titled_name(extractor: MentionExtractor) -> None:
    text = "Президент України Володимир Зеленський зустрівся з прем'єр-міністром Денисом Шмигалем."
    found = _by_type(_extract(extractor, "uk", text))
    assert {"Володимир Зеленський", "Денисом Шмигалем"} <= found["person"]
    assert "України" in found["place"]


def test_annotated_set_is_well_formed() -> None:
    path = Path(__file__).resolve().parent / "fixtures" / "ner" / "annotated.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert {r["lang"] for r in rows} == {"ar", "fr", "en", "de", "es", "ru", "tr", "vi", "zh"}
    for row in rows:
        for start, end, kind, surface in row["spans"]:
            assert row["text"][start:end] == surface and kind in ("person", "place", "organisation")


RULE_CASES = [
    # (lang, text, expected (surface, type) pairs, surfaces that must not be mentions)
    (
        "tr",
        "Cumhurbaşkanı Recep Tayyip Erdoğan Ankara'da konuştu. Türk Hava Yolları ve Cumhuriyet Halk Partisi "
        "Genel Başkanı Özgür Özel de oradaydı.",
        {
            ("Recep Tayyip Erdoğan", "person"),
            ("Ankara", "place"),
            ("Türk Hava Yolları", "organisation"),
            ("Cumhuriyet Halk Partisi", "organisation"),
            ("Özgür Özel", "person"),
        },
        {"Recep Tayyip Erdoğan Ankara", "Cumhuriyet Halk Partisi Genel"},
    ),
    (
        "vi",
        "Bộ Y tế ghi nhận thêm ca mắc. Chủ tịch Quốc hội Vương Đình Huệ tiếp Đại sứ Hàn Quốc. "
        "Hãng hàng không Vietnam Airlines mở đường bay. Bộ trưởng Ngoại giao Bùi Thanh Sơn thăm Lào.",
        {
            ("Bộ Y tế", "organisation"),
            ("Quốc hội", "organisation"),
            ("Vương Đình Huệ", "person"),
            ("Hàn Quốc", "place"),
            ("Vietnam Airlines", "organisation"),
            ("Bùi Thanh Sơn", "person"),
            ("Lào", "place"),
        },
        {"Bộ Y tế ghi", "Ngoại", "Hãng hàng"},
    ),
    (
        "es",
        "La Guardia Civil detuvo a dos hombres. El Real Madrid ganó al Atlético de Madrid. Hubo lluvias en "
        "Valencia y Murcia, según el Partido Popular y Estados Unidos.",
        {
            ("Guardia Civil", "organisation"),
            ("Real Madrid", "organisation"),
            ("Atlético de Madrid", "organisation"),
            ("Valencia", "place"),
            ("Murcia", "place"),
            ("Partido Popular", "organisation"),
            ("Estados Unidos", "place"),
        },
        {"Valencia y Murcia"},
    ),
    (
        "de",
        "Friedrich Merz kritisierte die Bundesregierung. Der Autobauer Volkswagen will in Wolfsburg Stellen "
        "abbauen. Russlands Präsident Wladimir Putin drohte. Hunderte Menschen demonstrierten.",
        {
            ("Friedrich Merz", "person"),
            ("Bundesregierung", "organisation"),
            ("Volkswagen", "organisation"),
            ("Wolfsburg", "place"),
            ("Russlands", "place"),
            ("Wladimir Putin", "person"),
        },
        {"Hunderte Menschen", "Wolfsburg Stellen", "Autobauer Volkswagen"},
    ),
]


@pytest.mark.parametrize(("lang", "text", "expected", "wrong"), RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_rules_type_organisations_and_cut_names_at_their_edges(
    extractor: MentionExtractor, lang: str, text: str, expected: set[tuple[str, str]], wrong: set[str]
) -> None:
    mentions = _extract(extractor, lang, text)
    _check_invariants(text, mentions)
    found = {(m.surface, m.type) for m in mentions}
    assert expected <= found, f"missing {expected - found}; found {found}"
    assert not {m.surface for m in mentions} & wrong


def test_rules_without_knowledge_base_keep_titled_names() -> None:
    """With nothing known, a place glued to a name stays glued, but titles and heads still work."""
    extractor = MentionExtractor(Settings(), known=lambda surface, lang: None)
    text = "Cumhurbaşkanı Recep Tayyip Erdoğan Ankara'da konuştu. Milli Eğitim Bakanlığı açıkladı."
    found = {(m.surface, m.type) for m in _extract(extractor, "tr", text)}
    assert ("Milli Eğitim Bakanlığı", "organisation") in found
    assert ("Ankara", "place") not in found


@pytest.mark.parametrize(
    ("lang", "text", "person", "not_place"),
    [
        ("de", "Sofia Müller sprach mit Reportern.", "Sofia Müller", "Sofia"),
        ("it", "Ha detto Georgia Meloni ai giornalisti.", "Georgia Meloni", "Georgia"),
        ("es", "Florence Nightingale cambió la enfermería.", "Florence Nightingale", "Florence"),
    ],
)
def test_a_known_place_opening_a_name_is_a_given_name(
    extractor: MentionExtractor, lang: str, text: str, person: str, not_place: str
) -> None:
    found = {(m.surface, m.type) for m in _extract(extractor, lang, text)}
    assert (person, "person") in found, found
    assert (not_place, "place") not in found, found


def test_a_place_after_a_preposition_is_still_a_place(extractor: MentionExtractor) -> None:
    found = {(m.surface, m.type) for m in _extract(extractor, "es", "La reunión en Madrid con Pedro Sánchez.")}
    assert {("Madrid", "place"), ("Pedro Sánchez", "person")} <= found, found


@pytest.mark.parametrize(
    ("lang", "text", "place", "person"),
    [
        ("vi", "Tổng thống Mỹ Joe Biden đã gặp phóng viên.", "Mỹ", "Joe Biden"),
        ("vi", "Tổng thống Mỹ nói rằng cuộc họp đã kết thúc.", "Mỹ", None),
        ("tr", "ABD Başkanı Joe Biden açıklama yaptı.", "ABD", "Joe Biden"),
    ],
)
def test_a_country_after_or_before_a_title_is_the_titles_country(
    extractor: MentionExtractor, lang: str, text: str, place: str, person: str | None
) -> None:
    mentions = _extract(extractor, lang, text)
    found = {(m.surface, m.type) for m in mentions}
    assert (place, "place") in found, found
    assert not [m for m in mentions if m.type == "person" and place in m.surface], found
    if person:
        assert (person, "person") in found, found


@pytest.mark.parametrize(
    ("lang", "text", "people"),
    [
        # A Chinese family name alone after the full name is the person; a company named after him is not.
        (
            "zh",
            "俄罗斯总统弗拉基米尔·普京周二发表讲话。克里姆林宫表示，普京告诉记者，马克龙敦促普京停止袭击。"
            "特朗普集团发表声明。",
            ["弗拉基米尔·普京", "普京", "普京"],
        ),
        # Korean names a person right before the role, a country between them or not.
        (
            "ko",
            "블라디미르 푸틴 러시아 대통령과 레제프 타이이프 에르도안 튀르키예 대통령이 월요일 소치에서 만났다. "
            "푸틴 대통령은 회담이 건설적이었다고 말했다. 현직 대통령이 아닌 전 대통령도 참석했다.",
            ["블라디미르 푸틴", "레제프 타이이프 에르도안", "푸틴"],
        ),
        # Hindi names a person right after the role, up to a postposition.
        (
            "hi",
            "रूस के राष्ट्रपति व्लादिमीर पुतिन ने सोमवार को सोची में तुर्की के राष्ट्रपति रेचेप तैयप एर्दोगन से मुलाकात की। "
            "प्रवक्ता ने कहा कि बातचीत अच्छी रही।",
            ["व्लादिमीर पुतिन", "रेचेप तैयप एर्दोगन"],
        ),
    ],
)
def test_people_in_scripts_without_capitals(
    extractor: MentionExtractor, lang: str, text: str, people: list[str]
) -> None:
    assert [m.surface for m in _extract(extractor, lang, text) if m.type == "person"] == people
