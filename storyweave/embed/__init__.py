"""Article embeddings: one L2-normalised float32 vector per model (``usem3``, ``e5``)."""

from .embedder import (
    MODEL_NAMES,
    MODEL_REVISIONS,
    TITLE_VECTOR,
    USEM3_LANGUAGES,
    Embedder,
    article_span,
    loaded_models,
    stand_in_usem3,
    usem3_reads,
)

__all__ = [
    "MODEL_NAMES",
    "MODEL_REVISIONS",
    "TITLE_VECTOR",
    "USEM3_LANGUAGES",
    "Embedder",
    "article_span",
    "loaded_models",
    "stand_in_usem3",
    "usem3_reads",
]
