"""Features of a pair of enriched articles, nearly all independent of language and script.

Nearly every feature compares things that do not depend on the script the articles are written
in: embedding cosines from two multilingual encoders, canonical entity ids (one id per real-world
thing across scripts), normalised dates, numbers, and lengths.  The one exception,
``cos_lexical`` (the cosine of the articles' word bags, ``terms.py``), is defined for two articles
in the same language only; the scorer reads it through a model of its own
(``SAME_LANGUAGE_FEATURES``), because a model trained on monolingual pairs would otherwise learn
to call every cross-lingual pair unrelated.

``ArticleProfile`` is the compact view of one article the features need; it can also describe a
group of articles (an event: centroid vectors, union of entity ids), which is how the event
assigner reuses the same features.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from ..embed import usem3_reads
from ..models import Article, EnrichedArticle, TextDigest
from .terms import TermBag, title_grounding

ENTITY_TYPES = ("person", "place", "organisation")

# The cosines the features take, by name: (vector of one article, vector of the other).  The
# headline-to-body cosine (the higher of the two directions) helps where one outlet's headline is
# what the other's lead reports under another headline: in semeval-dev it lifts the grouped-CV
# Pearson of the scorer by about 0.01 at no cost, since both vectors are computed anyway.
COSINES: dict[str, tuple[str, str]] = {
    "usem3": ("usem3", "usem3"),
    "e5": ("e5", "e5"),
    "usem3_title": ("usem3_title", "usem3_title"),
    "usem3_title_body": ("usem3_title", "usem3"),
}

FEATURE_NAMES: tuple[str, ...] = (
    "cos_usem3",
    "cos_e5",
    "cos_usem3_title",
    "cos_usem3_title_body",
    "entity_overlap",
    "person_overlap",
    "place_overlap",
    "organisation_overlap",
    "entity_min_count",
    "shared_entity_idf",
    "event_date_overlap",
    "has_event_dates",
    "number_overlap",
    "cos_lexical",
    "log_length_ratio",
    "pub_gap_days",
    "pub_gap_known",
    "same_language",
)

# The publication gap and same_language are constant in monolingual, undated SemEval training data,
# so no weight can be learned for them: the committed models use the other features.  Pairs in one
# language are scored by a model that also reads the word-bag cosine; every other pair by one that
# does not.
SAME_LANGUAGE_FEATURES: tuple[str, ...] = tuple(
    name for name in FEATURE_NAMES if name not in ("pub_gap_days", "pub_gap_known", "same_language")
)
ANY_LANGUAGE_FEATURES: tuple[str, ...] = tuple(name for name in SAME_LANGUAGE_FEATURES if name != "cos_lexical")

# Numbers of two or more digits (years, tolls, scores, amounts) are written the same way in most
# scripts, which makes them one of the few lexical signals that survives translation.
_NUMBER = re.compile(r"\d[\d.,]*\d")
_DIGIT_TABLE = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Where the lead for numbers stops: numbers deep in long texts are mostly unrelated detail.
_NUMBER_SPAN_CHARS = 3000


@dataclass
class ArticleProfile:
    """What the pair features read of one article (or of a group of articles)."""

    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    # entity id -> (type, number of mentions)
    entities: dict[str, tuple[str, int]] = field(default_factory=dict)
    event_dates: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()
    terms: TermBag = field(default_factory=TermBag)
    publish_date: date | None = None
    lang: str = "und"
    length: int = 0
    # terms.title_grounding: how much of its title the text tells; low on a site's wrapper.
    title_grounding: float = 1.0
    # Each vector's norm, taken when first needed: a member profile is scored against every
    # article that comes near its event.
    norms: dict[str, np.floating[Any]] = field(default_factory=dict, repr=False, compare=False)

    def norm(self, name: str) -> np.floating[Any]:
        found = self.norms.get(name)
        if found is None:
            found = self.norms[name] = np.linalg.norm(self.vectors[name])
        return found


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _numbers(text: str) -> frozenset[str]:
    found = set()
    for match in _NUMBER.findall(text[:_NUMBER_SPAN_CHARS].translate(_DIGIT_TABLE)):
        digits = re.sub(r"\D", "", match)
        if len(digits) >= 2:
            found.add(digits.lstrip("0") or "0")
    return frozenset(found)


def text_features(article: Article) -> tuple[frozenset[str], TermBag, float]:
    """The numbers, the word bag and the title's grounding of an article: the costly part of its
    profile, read from its title and text alone (so the enrichment workers compute them:
    ``cluster.digest``)."""
    title, text = article.title or "", article.text or ""
    return _numbers(f"{title}\n{text}"), TermBag.of(title, text), title_grounding(title, text)


def profile(enriched: EnrichedArticle, digest: TextDigest | None = None) -> ArticleProfile:
    """The profile of one enriched article; ``digest``: its text's digest, when the caller has one
    of this very title and text."""
    article = enriched.article
    if digest is None or digest.title_grounding is None:
        numbers, terms, grounding = text_features(article)
    else:
        numbers, terms, grounding = digest.numbers, digest.terms, digest.title_grounding
    counts: Counter[str] = Counter(m.entity_id for m in enriched.mentions if m.entity_id)
    types: dict[str, str] = {e.id: e.type for e in enriched.entities}
    for mention in enriched.mentions:
        if mention.entity_id and mention.entity_id not in types:
            types[mention.entity_id] = mention.type
    entities: dict[str, tuple[str, int]] = {eid: (t, max(counts.get(eid, 0), 1)) for eid, t in types.items()}
    event_dates = frozenset(d.date[:10] for d in enriched.dates if d.kind == "event" and len(d.date) >= 10)
    publish = _day(article.publish_date)
    if publish is None:
        publish = next((_day(d.date) for d in enriched.dates if d.kind == "publication"), None)
    return ArticleProfile(
        vectors={k: np.asarray(v, dtype=np.float32) for k, v in enriched.vectors.items()},
        entities=entities,
        event_dates=event_dates,
        numbers=numbers,
        terms=terms,
        publish_date=publish,
        lang=article.lang,
        length=len(article.text or "") + len(article.title or ""),
        title_grounding=grounding,
    )


IdfFunction = Callable[[str], float]
_IDF_KEPT = 100_000  # remembered idf values per function (about 10 MB at most)


def make_idf(doc_freq: Mapping[str, int], n_docs: int) -> IdfFunction:
    """Smoothed inverse document frequency; an id never seen counts as seen once (rare = telling)."""
    n = max(n_docs, 1)

    # Remembered per id: the features ask for each entity of both sides of every pair, four times.
    known: dict[str, float] = {}

    def idf(entity_id: str) -> float:
        found = known.get(entity_id)
        if found is None:
            if len(known) >= _IDF_KEPT:
                known.clear()
            found = known[entity_id] = math.log((n + 1) / (doc_freq.get(entity_id, 1) + 0.5))
        return found

    return idf


def _weighted_jaccard(a: Mapping[str, tuple[str, int]], b: Mapping[str, tuple[str, int]], idf: IdfFunction) -> float:
    union = a.keys() | b.keys()
    if not union:
        return 0.0
    total = sum(idf(e) for e in union)
    shared = sum(idf(e) for e in a.keys() & b.keys())
    return shared / total if total > 0 else 0.0


def _of_type(entities: Mapping[str, tuple[str, int]], etype: str) -> dict[str, tuple[str, int]]:
    return {e: v for e, v in entities.items() if v[0] == etype}


# The cosines of usem3's vectors: no evidence when either text is in a language usem3 never learned.
USEM3_COSINES: tuple[str, ...] = tuple(f"cos_{name}" for name, pair in COSINES.items() if "usem3" in pair[0])


def _cosine(a: ArticleProfile, b: ArticleProfile, name: str, shift: tuple[float, float] | None) -> float:
    first, second = COSINES[name]
    if first.startswith("usem3") and not (usem3_reads(a.lang) and usem3_reads(b.lang)):
        return math.nan  # missing, as without the vectors: the scorer's ``without_usem3`` models decide
    va, vb = a.vectors.get(first), b.vectors.get(second)
    if va is None or vb is None:
        return math.nan
    denom = float(a.norm(first) * b.norm(second))
    if denom <= 0:
        return math.nan
    cos = float(va @ vb) / denom
    return min(shift[0] + shift[1] * cos, 1.0) if shift else cos


def _higher(x: float, y: float) -> float:
    """The larger of two cosines, ignoring a missing (NaN) one."""
    present = [v for v in (x, y) if not math.isnan(v)]
    return max(present) if present else math.nan


def cross_lingual(a: ArticleProfile, b: ArticleProfile) -> bool:
    return a.lang != b.lang and "und" not in (a.lang, b.lang)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def pair_features(
    a: ArticleProfile,
    b: ArticleProfile,
    idf: IdfFunction,
    cross_shift: Mapping[str, tuple[float, float]] | None = None,
) -> np.ndarray:
    """The features of one pair, in ``FEATURE_NAMES`` order; NaN marks a missing embedding.

    ``cross_shift`` (``COSINES`` name -> (offset, scale)) maps the cosines of a cross-lingual pair to
    ``offset + scale * cos``.  Every encoder scores two texts in different languages lower than two
    in the same language, even when both are unrelated (e5 notably), and the scorer learned its
    cut-offs on same-language pairs; the map, fitted on unrelated article pairs, puts cross-lingual
    cosines on the same footing.
    """
    shifts = cross_shift if cross_shift and cross_lingual(a, b) else {}
    shared = a.entities.keys() & b.entities.keys()
    same_language = a.lang == b.lang and a.lang != "und"
    gap = abs((a.publish_date - b.publish_date).days) if a.publish_date and b.publish_date else None
    values = {
        "cos_usem3": _cosine(a, b, "usem3", shifts.get("usem3")),
        "cos_e5": _cosine(a, b, "e5", shifts.get("e5")),
        "cos_usem3_title": _cosine(a, b, "usem3_title", shifts.get("usem3_title")),
        "cos_usem3_title_body": _higher(
            _cosine(a, b, "usem3_title_body", shifts.get("usem3_title_body")),
            _cosine(b, a, "usem3_title_body", shifts.get("usem3_title_body")),
        ),
        "entity_overlap": _weighted_jaccard(a.entities, b.entities, idf),
        "person_overlap": _weighted_jaccard(_of_type(a.entities, "person"), _of_type(b.entities, "person"), idf),
        "place_overlap": _weighted_jaccard(_of_type(a.entities, "place"), _of_type(b.entities, "place"), idf),
        "organisation_overlap": _weighted_jaccard(
            _of_type(a.entities, "organisation"), _of_type(b.entities, "organisation"), idf
        ),
        "entity_min_count": math.log1p(min(len(a.entities), len(b.entities))),
        "shared_entity_idf": math.log1p(sum(idf(e) for e in shared)),
        "event_date_overlap": _jaccard(a.event_dates, b.event_dates),
        "has_event_dates": float(bool(a.event_dates) and bool(b.event_dates)),
        "number_overlap": _jaccard(a.numbers, b.numbers),
        "cos_lexical": a.terms.cosine(b.terms) if same_language else math.nan,
        "log_length_ratio": abs(math.log((a.length + 100) / (b.length + 100))),
        # Capped: beyond a month the exact gap says nothing more.
        "pub_gap_days": min(float(gap), 30.0) if gap is not None else 0.0,
        "pub_gap_known": float(gap is not None),
        "same_language": float(same_language),
    }
    return np.array([values[name] for name in FEATURE_NAMES], dtype=np.float64)
