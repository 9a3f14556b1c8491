"""Rule-based name recognisers for languages without a statistical model.

Three recognisers, chosen by script rather than by language so that a Latin-script name inside an
Arabic article is still found:

* cased scripts (Latin, Cyrillic, Greek): runs of capitalised tokens, typed by a title before them
  or a head word inside them;
* Arabic: a person name after a title, an organisation after a head word (وزارة, حزب…), a place only
  after an explicit place word (مدينة…), never after a bare preposition;
* Chinese: a name after a title (总统普京), a short list of organisations, places by suffix.

Each returns ``Span`` tuples; ``ner.py`` merges them, removes overlaps and builds ``Mention``s.
Precision comes first: an unclear run is left to the gazetteer rather than guessed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import NamedTuple

import regex

from ..models import EntityType
from . import patterns as P


class Span(NamedTuple):
    start: int
    end: int
    type: EntityType
    confidence: float


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
        if lang == "vi" and run[0] in titled:
            run = _split_vi_country(tokens, run, found)
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


# --- Arabic ---------------------------------------------------------------------------------------

_AR_TOKEN = regex.compile(r"[\u0621-\u065F\u066E-\u06D3\u06FA-\u06FF\u0750-\u077F]+")
_AR_COMPOUND_FIRST = frozenset({"عبد", "ابو", "بن", "ابن", "بنت"})
_AR_MAX_NAME_TOKENS = 4


def ar_norm(word: str) -> str:
    """Fold alef variants and final yeh so that lists match common spellings."""
    return word.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا").replace("ى", "ي").replace("ـ", "")


def _norm_set(words: Iterable[str]) -> frozenset[str]:
    return frozenset(ar_norm(w) for w in words)


_AR_TITLES = _norm_set(P.AR_PERSON_TITLES)
_AR_ORG_HEADS = _norm_set(P.AR_ORG_HEADS)
_AR_FIXED_ORGS = _norm_set(P.AR_FIXED_ORGS)
_AR_PLACE_HEADS = _norm_set(P.AR_PLACE_HEADS)
# Stop words are matched as written: folding alef would make the name part آنه collide with أنه.
_AR_STOP = P.AR_STOP_WORDS
_AR_MODIFIERS = _norm_set(P.AR_TITLE_MODIFIERS)
_AR_MAX_PHRASE = max(len(p.split()) for p in _AR_TITLES | _AR_FIXED_ORGS)


class _ArTok(NamedTuple):
    start: int
    end: int
    norm: str
    raw: str


def _clitic_forms(word: str) -> list[tuple[int, str]]:
    """(prefix length, remaining word) for the word as written and without و ف ب ل ك clitics."""
    forms = [(0, word)]
    rest, cut = word, 0
    if len(rest) > 3 and rest[0] in "وف":
        rest, cut = rest[1:], 1
        forms.append((cut, rest))
    if len(rest) > 3 and rest.startswith("لل"):
        forms.append((cut + 1, "ال" + rest[2:]))
    elif len(rest) > 3 and rest[0] in "بلك":
        forms.append((cut + 1, rest[1:]))
    return forms


def _ar_is_stop(word: str) -> bool:
    return any(form in _AR_STOP for _, form in _clitic_forms(word))


def _ar_has_article(word: str) -> bool:
    """True for ال-words, also behind a clitic: والرئيس, للقيام, بالوكالة."""
    return any(form.startswith("ال") for _, form in _clitic_forms(word))


def _ar_phrase_at(tokens: list[_ArTok], i: int, text: str, phrases: frozenset[str]) -> tuple[int, int]:
    """(number of tokens, clitic length) of the longest phrase from ``phrases`` starting at token i."""
    for size in range(_AR_MAX_PHRASE, 0, -1):
        window = tokens[i : i + size]
        if len(window) < size or not all(_ar_adjacent(text, a, b) for a, b in itertools.pairwise(window)):
            continue
        tail = " ".join(t.norm for t in window[1:])
        for cut, first in _clitic_forms(window[0].norm):
            if (f"{first} {tail}" if tail else first) in phrases:
                return size, cut
    return 0, 0


def _ar_adjacent(text: str, left: _ArTok, right: _ArTok) -> bool:
    gap = text[left.end : right.start]
    return len(gap) <= 2 and gap.strip() == "" and "\n" not in gap


def _ar_name_token_ok(tok: _ArTok, position: int, previous: _ArTok | None, standalone: frozenset[str]) -> bool:
    word = tok.norm
    if len(word) < 2 or _ar_is_stop(tok.raw) or word in _AR_MODIFIERS or word in _AR_ORG_HEADS:
        return False
    if _ar_has_article(word) and (previous is None or previous.norm not in _AR_COMPOUND_FIRST):
        return False
    if position > 0 and any(cut and form in standalone for cut, form in _clitic_forms(word)):
        return False  # لفيتنام after a name: a preposition plus a word the text also uses bare
    return not (word.endswith("ة") and position > 0)


def arabic_spans(text: str) -> list[Span]:
    tokens = [_ArTok(m.start(), m.end(), ar_norm(m.group()), m.group()) for m in _AR_TOKEN.finditer(text)]
    standalone = frozenset(t.norm for t in tokens)
    spans: list[Span] = []
    names: set[str] = set()
    i = 0
    while i < len(tokens):
        size, cut = _ar_phrase_at(tokens, i, text, _AR_FIXED_ORGS)
        if size:
            spans.append(Span(tokens[i].start + cut, tokens[i + size - 1].end, "organisation", 0.85))
            i += size
            continue
        size, _ = _ar_phrase_at(tokens, i, text, _AR_TITLES)
        if size:
            j = _ar_skip_after_title(tokens, i + size, text, tokens[i + size - 1].norm == "باسم")
            name = _ar_take_name(tokens, j, text, standalone)
            if name:
                spans.append(Span(tokens[name[0]].start, tokens[name[-1]].end, "person", 0.85))
                names.add(" ".join(tokens[k].norm for k in name))
                if len(name) > 1:
                    names.add(tokens[name[-1]].norm)
                i = name[-1] + 1
            else:
                i += size
            continue
        forms = _clitic_forms(tokens[i].norm)
        org_cut = next((cut for cut, form in forms if form in _AR_ORG_HEADS), None)
        if org_cut is not None:
            end = _ar_org_tail(tokens, i, text, standalone)
            if end > i:
                spans.append(Span(tokens[i].start + org_cut, tokens[end].end, "organisation", 0.75))
                i = end + 1
                continue
        place_cut = next((cut for cut, form in forms if form in _AR_PLACE_HEADS), None)
        if place_cut is not None and i + 1 < len(tokens) and _ar_adjacent(text, tokens[i], tokens[i + 1]):
            j = i + 1
            while j < len(tokens) and tokens[j].norm in _AR_MODIFIERS and j - i <= 2:
                j += 1
            place = tokens[j] if j < len(tokens) else None
            if (
                place is not None
                and _ar_adjacent(text, tokens[j - 1], place)
                and not _ar_is_stop(place.raw)
                and (place.norm not in _AR_MODIFIERS and len(place.norm) >= 3 and not place.norm.endswith("ة"))
            ):
                spans.append(Span(place.start, place.end, "place", 0.75))
                i = j + 1
                continue
        i += 1
    spans.extend(_ar_repeat_names(tokens, names, spans))
    return spans


def _ar_skip_after_title(tokens: list[_ArTok], j: int, text: str, spokesman: bool) -> int:
    """Skip what sits between a title and the name: adjectives, and the body a spokesman speaks for."""
    if spokesman and j < len(tokens):
        if tokens[j].norm in _AR_ORG_HEADS:
            j += 1
        while j < len(tokens) and tokens[j].norm.startswith("ال") and _ar_adjacent(text, tokens[j - 1], tokens[j]):
            j += 1
    skipped = 0
    while j < len(tokens) and tokens[j].norm in _AR_MODIFIERS and skipped < 3:
        j += 1
        skipped += 1
    return j


def _ar_take_name(tokens: list[_ArTok], j: int, text: str, standalone: frozenset[str]) -> list[int]:
    name: list[int] = []
    while j < len(tokens) and len(name) < _AR_MAX_NAME_TOKENS:
        if name and not _ar_adjacent(text, tokens[name[-1]], tokens[j]):
            break
        if not name and j > 0 and not _ar_adjacent(text, tokens[j - 1], tokens[j]):
            break
        previous = tokens[name[-1]] if name else None
        if not _ar_name_token_ok(tokens[j], len(name), previous, standalone):
            break
        name.append(j)
        j += 1
    # A name never ends on a connector such as بن or عبد.
    while name and tokens[name[-1]].norm in _AR_COMPOUND_FIRST:
        name.pop()
    return name


def _ar_org_tail(tokens: list[_ArTok], i: int, text: str, standalone: frozenset[str]) -> int:
    """Index of the last token of an organisation starting with a head word at i (i when none)."""
    end = i
    for j in range(i + 1, min(i + 4, len(tokens))):
        if not _ar_adjacent(text, tokens[j - 1], tokens[j]):
            break
        word = tokens[j].norm
        if word.startswith("ال") or (j > i + 1 and word.startswith("وال")):
            end = j
            continue
        if j == i + 1 and _ar_name_token_ok(tokens[j], 0, None, standalone) and tokens[i].norm not in ("وزارة", "مجلس"):
            end = j  # a foreign name after the head: شركة آبل, حركة حماس
            continue
        break
    return end


def _ar_repeat_names(tokens: list[_ArTok], names: set[str], found: list[Span]) -> list[Span]:
    """Find again, without a title, names already seen after one (also with a clitic: لبوتين)."""
    if not names:
        return []
    taken = {(s.start, s.end) for s in found}
    covered = [(s.start, s.end) for s in found]
    out: list[Span] = []
    for tok in tokens:
        if any(a <= tok.start < b for a, b in covered):
            continue
        for cut, form in _clitic_forms(tok.norm):
            if form in names and len(form) >= 3 and (tok.start + cut, tok.end) not in taken:
                out.append(Span(tok.start + cut, tok.end, "person", 0.7))
                break
    return out


# --- Chinese --------------------------------------------------------------------------------------

_HAN = regex.compile(r"\p{Han}")
_ZH_TITLE = regex.compile("|".join(sorted(map(regex.escape, P.ZH_PERSON_TITLES), key=len, reverse=True)))
_ZH_TRANSLIT = regex.compile(r"\p{Han}{1,6}(?:[·・•]\p{Han}{1,6})+")
_ZH_ORG = regex.compile("|".join(sorted(map(regex.escape, P.ZH_FIXED_ORGS), key=len, reverse=True)))
_ZH_COUNTRY = regex.compile("|".join(sorted(map(regex.escape, P.ZH_COUNTRIES_GUO), key=len, reverse=True)))
_ZH_PLACE = regex.compile(
    rf"(?:(?<=[{regex.escape(P.ZH_BOUNDARY_CHARS)}])|^)(\p{{Han}}{{2,3}}?)[{P.ZH_PLACE_SUFFIXES}]"
)
_ZH_NOT_PLACE = frozenset("这那该本各全城都每此个")
_ZH_MAX_NAME = 4


def _zh_name_end(text: str, start: int) -> int:
    """End of a name after a title: the shortest 2–4 character stretch followed by a verb or particle."""
    translit = _ZH_TRANSLIT.match(text, start)
    if translit:
        return translit.end()
    for size in range(2, _ZH_MAX_NAME + 1):
        end = start + size
        if end > len(text) or not all(_HAN.match(c) for c in text[start:end]):
            return -1
        after = text[end : end + 3]
        if end == len(text) or not _HAN.match(after[:1]) or any(after.startswith(w) for w in P.ZH_NAME_ENDERS):
            return end
    return -1


def chinese_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for match in _ZH_TITLE.finditer(text):
        end = _zh_name_end(text, match.end())
        if end > 0:
            spans.append(Span(match.end(), end, "person", 0.8))
    spans.extend(Span(m.start(), m.end(), "organisation", 0.85) for m in _ZH_ORG.finditer(text))
    spans.extend(Span(m.start(), m.end(), "place", 0.8) for m in _ZH_COUNTRY.finditer(text))
    for match in _ZH_PLACE.finditer(text):
        if not set(match.group(1)) & _ZH_NOT_PLACE:
            spans.append(Span(match.start(), match.end(), "place", 0.6))
    return spans
