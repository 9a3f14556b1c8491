"""Rule-based name recognisers for languages without a statistical model.

Recognisers chosen by script rather than by language so that a Latin-script name inside an
Arabic article is still found:

* cased scripts (Latin, Cyrillic, Greek): runs of capitalised tokens, typed by a title before them
  or a head word inside them;
* Arabic script (Arabic, Persian): see ``arabic.py``;
* Chinese and Japanese: see ``cjk.py``.

Each returns ``Span`` tuples; ``ner.py`` merges them, removes overlaps and builds ``Mention``s.
Precision comes first: an unclear run is left to the gazetteer rather than guessed.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import regex

from ..models import EntityType
from . import patterns as P
from .spans import Span

_TOKEN = regex.compile(r"[\p{L}\p{M}]+(?:['’\-][\p{L}\p{M}]+)*")
_SENTENCE_BREAK = regex.compile(r"[.!?\n:;«»\"“”„|–—•()\[\]]")
_ARTICLE_PARTICLE = regex.compile(r"^(?:al|el|ul|an|ad|as|ash|ar|at|az)-\p{Lu}")
_ALL_STOP_WORDS = frozenset().union(*P.STOP_WORDS.values())
_NAME_PARTICLES_DE = frozenset({"von", "van", "zu", "der", "de"})
_DETERMINERS_DE = frozenset(
    ["der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "einem", "einen", "eines"]
)
_NAME_LINKS_VI_MAX_LOWER = 2


def lower(token: str, lang: str) -> str:
    """Lower-case with Turkish dotted and dotless i handled (İ→i, I→ı)."""
    if lang in ("tr", "az"):
        token = token.replace("İ", "i").replace("I", "ı")
    return token.lower()


class _Tok(NamedTuple):
    start: int
    end: int
    text: str
    low: str
    cap: bool
    initial: bool  # first token of a sentence, line or quotation


def _trim_apostrophes(text: str, start: int, end: int) -> tuple[int, int]:
    """Cut "l'Ukraine" to "Ukraine" and "Erdoğan'ın" / "Putin's" to the name."""
    word = text[start:end]
    parts = regex.split(r"['’]", word)
    if len(parts) < 2:
        return start, end
    if parts[0] and parts[0].islower() and parts[1][:1].isupper():
        start += len(parts[0]) + 1
        word = text[start:end]
        parts = parts[1:]
    if len(parts) > 1 and parts[-1].islower():
        end = start + len(parts[0])
    return start, end


def _tokens(text: str, lang: str) -> list[_Tok]:
    out: list[_Tok] = []
    previous_end = 0
    for match in _TOKEN.finditer(text):
        start, end = _trim_apostrophes(text, match.start(), match.end())
        word = text[start:end]
        gap = text[previous_end:start]
        initial = not out or bool(_SENTENCE_BREAK.search(gap))
        cap = word[:1].isupper() or bool(_ARTICLE_PARTICLE.match(word))
        out.append(_Tok(start, end, word, lower(word, lang), cap, initial))
        previous_end = match.end()
    return out


def _adjacent(text: str, left: _Tok, right: _Tok) -> bool:
    gap = text[left.end : right.start]
    return len(gap) <= 2 and gap.strip() == "" and "\n" not in gap


def _title_length(tokens: list[_Tok], i: int, lang: str) -> int:
    """How many tokens from ``i`` form a person title ("prime minister", "Tổng Bí thư"), 0 if none."""
    for size in (4, 3, 2, 1):
        words = tokens[i : i + size]
        if len(words) < size:
            continue
        if " ".join(w.low for w in words) in P.PERSON_TITLES:
            return size
    if tokens[i].low.endswith(P.PERSON_TITLE_SUFFIXES.get(lang, ())):
        return 1
    return 0


def _mark_titles(text: str, tokens: list[_Tok], lang: str) -> tuple[list[bool], set[int]]:
    """Which tokens belong to a title, and which token indices directly follow one."""
    is_title = [False] * len(tokens)
    titled: set[int] = set()
    i = 0
    while i < len(tokens):
        size = _title_length(tokens, i, lang)
        if not size:
            i += 1
            continue
        for k in range(i, i + size):
            is_title[k] = True
        if i + size < len(tokens) and _adjacent(text, tokens[i + size - 1], tokens[i + size]):
            titled.add(i + size)
        i += size
    return is_title, titled


def _collect_run(
    text: str, tokens: list[_Tok], i: int, is_title: list[bool], vi_org: bool, stop: frozenset[str]
) -> list[int]:
    """Token indices of the capitalised run starting at i (particles joining two capitals included)."""
    run = [i]
    j = i + 1
    while j < len(tokens) and _adjacent(text, tokens[j - 1], tokens[j]):
        nxt = tokens[j]
        if nxt.cap and not is_title[j]:
            run.append(j)
            j += 1
        elif (
            nxt.low in P.PARTICLES and j + 1 < len(tokens) and tokens[j + 1].cap and _adjacent(text, nxt, tokens[j + 1])
        ):
            run.extend((j, j + 1))  # "Ciudad de México", "Bank of America"
            j += 2
        else:
            break
    if vi_org:
        # Vietnamese organisations capitalise the first syllable only: "Bộ Ngoại giao Việt Nam".
        lowers = 0
        while j < len(tokens) and _adjacent(text, tokens[j - 1], tokens[j]):
            nxt = tokens[j]
            if nxt.cap and not is_title[j]:
                run.append(j)
            elif lowers < _NAME_LINKS_VI_MAX_LOWER and nxt.low not in stop:
                run.append(j)
                lowers += 1
            else:
                break
            j += 1
    return run


def cased_spans(text: str, lang: str) -> list[Span]:
    """Capitalised-run recogniser for Latin, Cyrillic and other cased scripts."""
    tokens = _tokens(text, lang)
    if not tokens:
        return []
    stop = P.STOP_WORDS.get(lang, _ALL_STOP_WORDS)
    lowered_in_text = {t.low for t in tokens if not t.cap}
    capitalised_mid_sentence = {t.text for t in tokens if t.cap and not t.initial}
    nouns_capitalised = lang in ("de", "lb")
    is_title, titled = _mark_titles(text, tokens, lang)

    # (span, the token when the span is a lone untyped word to decide on at the end)
    found: list[tuple[Span, _Tok | None]] = []
    person_last_words: set[str] = set()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if not tok.cap or is_title[i]:
            i += 1
            continue
        vi_org = lang == "vi" and (
            tok.low in P.VI_ORG_HEADS or (i + 1 < len(tokens) and f"{tok.low} {tokens[i + 1].low}" in P.VI_ORG_HEADS)
        )
        run = _collect_run(text, tokens, i, is_title, vi_org, stop)
        i = run[-1] + 1
        followed_by_title = i < len(tokens) and is_title[i] and _adjacent(text, tokens[i - 1], tokens[i])
        if run[0] in titled and (lang == "vi" or len(run) >= 3):
            # "Tổng thống Nga Vladimir Putin", "Президент України Володимир Зеленський"
            run = _split_vi_country(tokens, run, found) if lang == "vi" else _split_country(tokens, run, found, lang)
            if run:
                titled.add(run[0])
        # Strip sentence-initial common words and function words at the edges.
        while run and (
            tokens[run[0]].low in stop
            or tokens[run[0]].low in P.PARTICLES
            or (tokens[run[0]].initial and tokens[run[0]].low in lowered_in_text)
        ):
            run.pop(0)
        while run and (tokens[run[-1]].low in P.PARTICLES or (len(run) > 1 and tokens[run[-1]].low in stop)):
            run.pop()
        if not run:
            continue
        words = [tokens[k] for k in run]
        span_type, confidence = _type_run(words, lang, titled, run, tokens, vi_org)
        if span_type != "organisation" and followed_by_title:
            continue  # "Rusya Devlet" in "Rusya Devlet Başkanı": part of a title, not a name
        span = Span(words[0].start, words[-1].end, span_type, confidence)
        if span_type == "organisation" and found and run[0] >= 2:
            # "Adalet ve Kalkınma Partisi": the run before the conjunction belongs to the name.
            conj, before = tokens[run[0] - 1], tokens[run[0] - 2]
            if conj.low in P.ORG_CONJUNCTIONS and before.end == found[-1][0].end and _adjacent(text, before, conj):
                span = Span(found.pop()[0].start, span.end, span_type, confidence)
        head_words = [w for w in words if w.low not in P.PARTICLES]
        if len(head_words) == 1 and span_type == "other":
            found.append((span, words[0]))
            continue
        if nouns_capitalised and span_type == "person" and confidence < 0.6:
            before_word = tokens[run[0] - 1].low if run[0] > 0 else ""
            if before_word in _DETERMINERS_DE or len(head_words) < 2:
                continue
            if any(w.low in P.PARTICLES and w.low not in _NAME_PARTICLES_DE for w in words):
                continue  # "Lösung für Familien": two nouns and a preposition
        if span_type == "person":
            person_last_words.add(words[-1].text)
        found.append((span, None))

    spans: list[Span] = []
    for span, single in found:
        if single is None:
            spans.append(span)
        elif single.text in person_last_words:
            spans.append(Span(span.start, span.end, "person", 0.7))
        elif nouns_capitalised or (single.initial and single.text not in capitalised_mid_sentence):
            continue  # a lone capitalised sentence start is more often a common word than a name
        else:
            spans.append(span)
    return spans


@functools.cache
def _country_stems(lang: str) -> frozenset[str]:
    """One-word CLDR country names of ``lang`` without their last letter, which inflection changes."""
    try:
        from babel import Locale, UnknownLocaleError

        names = Locale(lang).territories.values()
    except (ImportError, ValueError, UnknownLocaleError):
        return frozenset()
    return frozenset(lower(n, lang)[:-1] for n in names if " " not in n and len(n) >= 5)


def _split_country(tokens: list[_Tok], run: list[int], found: list[tuple[Span, _Tok | None]], lang: str) -> list[int]:
    """Cut a country (in any case form) off the front of a titled run and keep it as a place."""
    first = tokens[run[0]]
    stems = _country_stems(lang)
    if any(first.low[:k] in stems for k in range(4, len(first.low) + 1)):
        found.append((Span(first.start, first.end, "place", 0.7), None))
        return run[1:]
    return run


def _split_vi_country(tokens: list[_Tok], run: list[int], found: list[tuple[Span, _Tok | None]]) -> list[int]:
    """Cut a country off the front of a titled Vietnamese run and keep it as a place."""
    for size in (2, 1):
        if len(run) > size and " ".join(tokens[k].low for k in run[:size]) in P.VI_COUNTRIES:
            found.append((Span(tokens[run[0]].start, tokens[run[size - 1]].end, "place", 0.75), None))
            return run[size:]
    return run


def _type_run(
    words: list[_Tok],
    lang: str,
    titled: set[int],
    run: list[int],
    tokens: list[_Tok],
    vi_org: bool,
) -> tuple[EntityType, float]:
    org_suffixes = P.ORG_SUFFIXES.get(lang, ())
    if vi_org or any(w.low in P.ORG_HEADS or (org_suffixes and w.low.endswith(org_suffixes)) for w in words):
        return "organisation", 0.75
    first = words[0]
    if run[0] in titled:
        return "person", 0.85
    if lang == "vi":
        before = " ".join(t.low for t in tokens[max(0, run[0] - 2) : run[0]])
        if any(before.endswith(trigger) for trigger in P.VI_PLACE_TRIGGERS):
            return "place", 0.75
        if first.low in P.VI_SURNAMES and len(words) >= 2:
            return "person", 0.8
        # Vietnamese names nearly always start with a common family name; other runs are
        # mostly places ("Hà Nội") that the gazetteer types better.
        return "other", 0.45
    if first.low in P.PLACE_HEADS and len(words) >= 2:
        return "place", 0.6
    if len(words) == 1 and first.text.isupper() and 2 <= len(first.text) <= 6:
        return "organisation", 0.5
    if len(words) >= 2:
        return "person", 0.55
    return "other", 0.45
