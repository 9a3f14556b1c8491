"""Article embeddings: one L2-normalised float32 vector per model (``usem3``, ``e5``)."""

from .embedder import MODEL_NAMES, MODEL_REVISIONS, TITLE_VECTOR, Embedder, article_span, loaded_models

__all__ = ["MODEL_NAMES", "MODEL_REVISIONS", "TITLE_VECTOR", "Embedder", "article_span", "loaded_models"]
