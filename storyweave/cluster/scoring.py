"""How the assigner asks "same event?": the learned pair scorer, on the SemEval scale.

Scores run from 1.0 (same story) to 4.0 (unrelated).  An article is compared with a few
representative members of a candidate event and the mean is what the thresholds apply to, so one
odd member can neither pull an unrelated article in nor keep a matching one out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from ..pairs.features import ArticleProfile


class PairScoring(Protocol):
    def score(self, a: ArticleProfile, b: ArticleProfile) -> float: ...

    def features(self, a: ArticleProfile, b: ArticleProfile) -> np.ndarray: ...

    def score_many(self, rows: np.ndarray) -> np.ndarray: ...


def load_scorer() -> PairScoring:
    from ..pairs import PairScorer

    scorer: PairScoring = PairScorer.load()
    return scorer


def mean_scores(
    scorer: PairScoring, articles: Sequence[ArticleProfile], groups: Sequence[Sequence[ArticleProfile]]
) -> list[float]:
    """Per group of members: the mean score of every (article, member) pair.

    All pairs go to the model in one batch, which costs far less than one call per pair.
    """
    rows = [scorer.features(a, m) for group in groups for a in articles for m in group]
    if not rows:
        return [4.0] * len(groups)
    flat = scorer.score_many(np.vstack(rows))
    out, at = [], 0
    for group in groups:
        n = len(articles) * len(group)
        out.append(float(np.mean(flat[at : at + n])) if n else 4.0)
        at += n
    return out
