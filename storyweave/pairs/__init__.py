"""Pair scoring: do two articles report the same story?  (SemEval scale: 1 same … 4 unrelated.)"""

from .data import Pair, read_pairs, read_raw_docs
from .enrich import embed_batch, enrich_documents
from .features import FEATURE_NAMES, ArticleProfile, pair_features, profile
from .scorer import PairScorer, ScorerModel

__all__ = [
    "FEATURE_NAMES",
    "ArticleProfile",
    "Pair",
    "PairScorer",
    "ScorerModel",
    "embed_batch",
    "enrich_documents",
    "pair_features",
    "profile",
    "read_pairs",
    "read_raw_docs",
]
