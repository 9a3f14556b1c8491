"""A pair in a language the pair scorer never saw is scored halfway to the raw cosine's line; pairs in
its training languages are untouched (``cluster.scoring.UnseenLanguage``)."""

from __future__ import annotations

import numpy as np
import pytest

from storyweave import Settings
from storyweave.cluster.scoring import UnseenLanguage, member_scores, score_adjustments
from storyweave.pairs import FEATURE_NAMES, PairScorer
from storyweave.pairs.features import ArticleProfile

COSINE = FEATURE_NAMES.index("cos_usem3")


class FlatScorer:
    """Scores every pair 3.0 whatever it reads; its cosine line maps a cosine c to 4 - 3c."""

    languages = frozenset({"en", "fr"})
    cosine_line = (-3.0, 4.0)

    def features(self, a: ArticleProfile, b: ArticleProfile) -> np.ndarray:
        row = np.zeros(len(FEATURE_NAMES))
        row[COSINE] = 0.9
        return row

    def score(self, a: ArticleProfile, b: ArticleProfile) -> float:
        return 3.0

    def score_many(self, rows: np.ndarray) -> np.ndarray:
        return np.full(len(rows), 3.0)


def _scores(weight: float, article: str, members: list[str]) -> list[float]:
    settings = Settings.load(environ={}, event_unseen_language_cosine_weight=weight)
    scorer = FlatScorer()
    groups = [[ArticleProfile(lang=lang) for lang in members]]
    adjustments = [a for a in score_adjustments(settings, scorer) if isinstance(a, UnseenLanguage)]
    return [float(s) for s in member_scores(scorer, ArticleProfile(lang=article), groups, *adjustments)[0]]


def test_a_pair_in_an_unseen_language_moves_towards_the_cosine_line() -> None:
    # The line gives 4 - 3 * 0.9 = 1.3; halfway from 3.0 is 2.15.
    assert _scores(0.5, "ru", ["en", "ru", "fr"]) == pytest.approx([2.15, 2.15, 2.15])
    assert _scores(0.5, "en", ["fr", "ru", "zh"]) == pytest.approx([3.0, 2.15, 2.15])
    assert _scores(1.0, "en", ["ar"]) == pytest.approx([1.3])


def test_pairs_in_the_scorers_languages_or_a_weight_of_zero_are_untouched() -> None:
    assert _scores(0.5, "en", ["fr", "en"]) == pytest.approx([3.0, 3.0])
    assert _scores(0.0, "ru", ["zh"]) == pytest.approx([3.0])


def test_the_committed_scorer_knows_its_languages_and_its_cosine_line() -> None:
    scorer = PairScorer.load()
    assert scorer.languages == {"ar", "de", "en", "es", "fr", "tr"}
    assert scorer.cosine_line is not None
    slope, intercept = scorer.cosine_line
    # Unrelated texts (a cosine of 0.3) read as different stories, one text twice as the same one.
    assert intercept + slope * 0.3 >= 3.0 and intercept + slope * 1.0 <= 1.5
    assert Settings.load(environ={}).event_unseen_language_cosine_weight == 0.75
