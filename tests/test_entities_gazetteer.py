"""The gazetteer on a small knowledge base: longest listed name first, whatever words open none."""

from __future__ import annotations

from storyweave.entities.kb.base import KBEntity, KnowledgeBase
from storyweave.entities.names import name_form
from storyweave.entities.recognise.gazetteer import Gazetteer


def _kb() -> KnowledgeBase:
    kb = KnowledgeBase()
    listed = [
        ("Q60", "place", "New York", ["New York"], ""),
        ("Q11299", "organisation", "New York City Council", ["New York City Council"], ""),
        ("Q30", "place", "United States", ["United States", "U.S."], ""),
        ("Q30b", "place", "Mỹ", ["Mỹ"], "vi"),
        ("Q881", "place", "Vietnam", ["فيتنام"], ""),
    ]
    for entity_id, kind, name, aliases, lang in listed:
        kb.entities[entity_id] = KBEntity(entity_id, kind, {"en": name}, 10**10, None)  # type: ignore[arg-type]
        for alias in aliases:
            kb.index(entity_id, name_form(alias, drop_titles=False), cjk=False, lang=lang)
    kb.entities["Q1490"] = KBEntity("Q1490", "place", {"en": "Tokyo"}, 10**10, None)
    kb.index("Q1490", name_form("東京", drop_titles=False), cjk=True)
    kb.entities["TH-92"] = KBEntity("TH-92", "place", {"en": "Trang"}, 10**5, None)
    kb.index("TH-92", name_form("トラン", drop_titles=False), cjk=True)
    kb.entities["Q1899"] = KBEntity("Q1899", "place", {"en": "Kyiv"}, 10**6, None)
    kb.index("Q1899", name_form("基辅", drop_titles=False), cjk=True, lang="zh")
    return kb


def _found(text: str, lang: str | None = None) -> list[tuple[str, set[str]]]:
    return [(text[h.start : h.end], set(h.entity_ids)) for h in Gazetteer(_kb()).scan(text, lang)]


def test_the_longest_listed_name_is_found_and_a_shorter_one_elsewhere() -> None:
    text = "The New York City Council met in New York on Monday."
    assert _found(text) == [("New York City Council", {"Q11299"}), ("New York", {"Q60"})]


def test_a_name_longer_than_any_listed_one_that_opens_as_it_does_is_cut_to_the_listed_one() -> None:
    assert _found("New York City Hall Station") == [("New York", {"Q60"})]


def test_words_that_open_no_listed_name_are_no_hits() -> None:
    assert _found("York Minster and Old York Road") == []
    assert _found("New Delhi") == []


def test_an_abbreviation_with_dots_is_one_name() -> None:
    assert _found("U.S. officials said") == [("U.S", {"Q30"})]


def test_a_language_own_short_form_is_found_in_that_language_only() -> None:
    assert _found("Tổng thống Mỹ nói", "vi") == [("Mỹ", {"Q30b"})]
    assert _found("Tổng thống Mỹ nói", "en") == []


def test_an_arabic_word_is_found_without_its_joined_preposition() -> None:
    assert _found("زيارة لفيتنام الأسبوع المقبل", "ar") == [("لفيتنام", {"Q881"})]


def test_the_knowledge_base_knows_how_many_words_a_name_opening_with_a_word_may_have() -> None:
    kb = _kb()
    assert kb.words_opened("new") == 4
    assert kb.words_opened(name_form("Mỹ").key) == 1  # a language's own short form counts too
    assert kb.words_opened("york") == 0


def test_names_are_found_wherever_a_word_may_open_one() -> None:
    # The scan tries only capitalised words, words of scripts without case, and words holding a
    # Chinese or Japanese character, even one opening in small letters ("x東京").
    text = "officials of the United States and New York, then فيتنام, met in x東京 and 東京 today"
    assert _found(text, "en") == [
        ("United States", {"Q30"}),
        ("New York", {"Q60"}),
        ("فيتنام", {"Q881"}),
        ("東京", {"Q1490"}),
        ("東京", {"Q1490"}),
    ]
    assert _found("New York New York United States") == [
        ("New York", {"Q60"}),
        ("New York", {"Q60"}),
        ("United States", {"Q30"}),
    ]


def test_a_katakana_name_is_not_found_inside_a_longer_katakana_word() -> None:
    # トラン (Trang, a Thai province) opens トランプ (Trump): Japanese writes a foreign word whole.
    assert _found("トランプ大統領は東京を訪れた。", "ja") == [("東京", {"Q1490"})]
    assert _found("タイのトラン県で", "ja") == [("トラン", {"TH-92"})]


def test_a_chinese_name_bound_to_chinese_is_found_in_chinese_text() -> None:
    assert _found("美国总统拜登突访基辅。", "zh") == [("基辅", {"Q1899"})]
