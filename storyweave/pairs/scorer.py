"""The learned pair scorer: how likely two articles report the same story, on the SemEval scale.

``PairScorer.load()`` reads the committed model (``scorer_model.json``, fitted by
``scripts/train_scorer.py``) and the entity document frequencies (``entity_df.json``: counts per
canonical entity id, no text).  The model is hand-evaluable JSON, so scoring needs numpy only:

* ``linear``: standardised features times weights plus an intercept;
* ``trees``: a small gradient-boosted ensemble, each tree stored as flat node arrays.

Scores run from 1.0 (same story) to 4.0 (unrelated) and are clipped to that range.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConfigError
from ..models import EnrichedArticle
from .features import FEATURE_NAMES, ArticleProfile, IdfFunction, make_idf, pair_features, profile

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
    # vector name -> (offset, scale) applied to the cosine of a cross-lingual pair (see pair_features)
    cross_lingual_shift: dict[str, tuple[float, float]] = field(default_factory=dict)

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
            raw = np.full(len(x), float(self.params["init"]))
            rate = float(self.params["learning_rate"])
            for tree in self.params["trees"]:
                raw += rate * _tree_values(tree, x)
        return np.clip(raw, SCORE_MIN, SCORE_MAX)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "features": self.features,
            "impute": self.impute,
            "cross_lingual_shift": self.cross_lingual_shift,
            "params": self.params,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ScorerModel:
        return cls(
            data["kind"],
            list(data["features"]),
            list(data["impute"]),
            dict(data.get("params", {})),
            {k: (float(v[0]), float(v[1])) for k, v in data.get("cross_lingual_shift", {}).items()},
        )


def _tree_values(tree: Mapping[str, list[Any]], x: np.ndarray) -> np.ndarray:
    """Leaf values of one regression tree (flat arrays: feature, threshold, left, right, value)."""
    feature, threshold = tree["feature"], tree["threshold"]
    left, right, value = tree["left"], tree["right"], tree["value"]
    out = np.empty(len(x))
    for row in range(len(x)):
        node = 0
        while left[node] >= 0:
            node = left[node] if x[row, feature[node]] <= threshold[node] else right[node]
        out[row] = value[node]
    return out


class PairScorer:
    """Scores pairs of enriched articles: 1.0 same story … 4.0 unrelated."""

    def __init__(self, model: ScorerModel, doc_freq: Mapping[str, int], n_docs: int) -> None:
        self.model = model
        self.idf: IdfFunction = make_idf(doc_freq, n_docs)

    @classmethod
    def load(cls, model_path: Path | None = None, doc_freq_path: Path | None = None) -> PairScorer:
        model_path = model_path or MODEL_PATH
        doc_freq_path = doc_freq_path or DOC_FREQ_PATH
        try:
            model = ScorerModel.from_json(json.loads(model_path.read_text(encoding="utf-8")))
            freq = json.loads(doc_freq_path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"pair scorer file {exc.filename} is missing; run scripts/train_scorer.py") from None
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ConfigError(f"pair scorer files are unreadable ({exc}); run scripts/train_scorer.py") from None
        return cls(model, freq["doc_freq"], int(freq["n_docs"]))

    @staticmethod
    def feature_names() -> tuple[str, ...]:
        return FEATURE_NAMES

    def features(self, a: EnrichedArticle | ArticleProfile, b: EnrichedArticle | ArticleProfile) -> np.ndarray:
        """All named features of a pair (``feature_names()`` order); NaN where an embedding is missing."""
        return pair_features(_as_profile(a), _as_profile(b), self.idf, self.model.cross_lingual_shift)

    def score(self, a: EnrichedArticle | ArticleProfile, b: EnrichedArticle | ArticleProfile) -> float:
        return float(self.model.predict(self.features(a, b))[0])

    def score_many(self, rows: np.ndarray) -> np.ndarray:
        """Scores for precomputed feature rows (``features`` output stacked)."""
        return self.model.predict(rows)

    def explain(self, a: EnrichedArticle | ArticleProfile, b: EnrichedArticle | ArticleProfile) -> dict[str, float]:
        """Feature values by name, plus the score: what a user sees when asking why two articles match."""
        values = self.features(a, b)
        out = {name: float(v) for name, v in zip(FEATURE_NAMES, values, strict=True) if not math.isnan(v)}
        out["score"] = float(self.model.predict(values)[0])
        return out


def _as_profile(item: EnrichedArticle | ArticleProfile) -> ArticleProfile:
    return item if isinstance(item, ArticleProfile) else profile(item)
