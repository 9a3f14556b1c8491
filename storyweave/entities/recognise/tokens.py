"""Tokens of a cased-script text as the capitalised-run recogniser (``rules.py``) reads them: words
with their case and position, person titles before names, and organisation head words (with the
Vietnamese multi-syllable heads and descriptors)."""

from __future__ import annotations

import functools
from typing import NamedTuple

import regex

from ...lang import patterns as P
from .words import tr_case_ending

_TOKEN = regex.compile(r"[\p{L}\p{M}]+(?:['’\-][\p{L}\p{M}]+)*")
_SENTENCE_BREAK = regex.compile(r"[.!?\n:;«»\"“”„|–—•()\[\]]")
_APOSTROPHE = regex.compile(r"['’]")
# A title's first word: most tokens open none, and need not be joined with the next three to see it.
_TITLE_FIRST_WORDS = frozenset(title.split(" ")[0] for title in P.PERSON_TITLES)
_ARTICLE_PARTICLE = regex.compile(r"^(?:al|el|ul|an|ad|as|ash|ar|at|az)-\p{Lu}")


def lower(token: str, lang: str) -> str:
    """Lower-case with Turkish dotted and dotless i handled (İ→i, I→ı)."""
    if lang in ("tr", "az"):
        token = token.replace("İ", "i").replace("I", "ı")
    return token.lower()


class Tok(NamedTuple):
    start: int
    end: int
    text: str
    low: str
    cap: bool
    initial: bool  # first token of a sentence, line or quotation
    suffixed: bool  # an apostrophe suffix was cut off ("Ankara'da")




# Built straight from a tuple: the named tuple's own constructor is one more Python call for each
# word of each article.
_new_tok = tuple.__new__


def trim_apostrophes(text: str, start: int, end: int) -> tuple[int, int]:
    """Cut "l'Ukraine" to "Ukraine" and "Erdoğan'ın" / "Putin's" to the name."""
    word = text[start:end]
    if "'" not in word and "’" not in word:  # most words: no split to make (the tokens' hottest path)
        return start, end
    parts = _APOSTROPHE.split(word)
    if parts[0] and parts[0].islower() and parts[1][:1].isupper():
        start += len(parts[0]) + 1
        word = text[start:end]
        parts = parts[1:]
    if len(parts) > 1 and parts[-1].islower():
        end = start + len(parts[0])
    return start, end


def tokenize(text: str, lang: str) -> list[Tok]:
    out: list[Tok] = []
    previous_end = 0
    dotted = lang in ("tr", "az")
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        word = match.group()
        if "'" in word or "’" in word:
            start, end = trim_apostrophes(text, start, end)
            word = text[start:end]
        # Most words follow one space, hold no hyphen and need no Turkish i: no regex for them.
        gap = text[previous_end:start]
        initial = not out or (gap != " " and bool(_SENTENCE_BREAK.search(gap)))
        cap = word[:1].isupper() or ("-" in word and bool(_ARTICLE_PARTICLE.match(word)))
        low = lower(word, lang) if dotted else word.lower()
        out.append(_new_tok(Tok, (start, end, word, low, cap, initial, end < match.end())))
        previous_end = match.end()
    return out


def adjacent(text: str, left: Tok, right: Tok) -> bool:
    gap = text[left.end : right.start]
    return len(gap) <= 2 and gap.strip() == "" and "\n" not in gap


def title_length(tokens: list[Tok], i: int, lang: str) -> int:
    """How many tokens from ``i`` form a person title ("prime minister", "Tổng Bí thư"), 0 if none."""
    if tokens[i].low in _TITLE_FIRST_WORDS:
        for size in (4, 3, 2, 1):
            words = tokens[i : i + size]
            if len(words) == size and " ".join(w.low for w in words) in P.PERSON_TITLES:
                return size
    if tokens[i].low.endswith(P.PERSON_TITLE_SUFFIXES.get(lang, ())):
        return 1
    return 0


def mark_titles(text: str, tokens: list[Tok], lang: str) -> tuple[list[bool], set[int]]:
    """Which tokens belong to a title, and which token indices directly follow one."""
    is_title = [False] * len(tokens)
    titled: set[int] = set()
    i = 0
    while i < len(tokens):
        size = title_length(tokens, i, lang)
        if not size:
            i += 1
            continue
        if lang == "vi":
            size += vi_title_field(tokens, i + size)
        for k in range(i, i + size):
            is_title[k] = True
        if i + size < len(tokens) and adjacent(text, tokens[i + size - 1], tokens[i + size]):
            titled.add(i + size)
        i += size
    return is_title, titled


def vi_title_field(tokens: list[Tok], k: int) -> int:
    """Syllables after a Vietnamese title that name its field, capitalised but no name: "Bộ trưởng
    Ngoại giao Bùi Thanh Sơn" (a capital, a lower-case syllable, then the name's capital)."""
    if k + 2 < len(tokens) and tokens[k].cap and not tokens[k + 1].cap and tokens[k + 2].cap:
        field = tokens[k + 1].low not in P.STOP_WORDS["vi"] and tokens[k].low not in P.VI_SURNAMES
        if field and not vi_head_size(tokens, k):  # "Chủ tịch Quốc hội Vương Đình Huệ": an institution
            return 2
    return 0


def is_org_head(tok: Tok, lang: str) -> bool:
    return _org_head_word(tok.low, lang)


@functools.lru_cache(maxsize=1 << 14)  # asked of the same words run after run; a Turkish one tries dozens of endings
def _org_head_word(low: str, lang: str) -> bool:
    suffixes = P.ORG_SUFFIXES.get(lang, ())
    if low in P.ORG_HEADS:
        return True
    if suffixes and low.endswith(suffixes) and low not in P.ORG_COMPOUND_ONLY_SUFFIXES:
        return True
    return tr_case_ending(low, lang) > 0


def vi_head_size(tokens: list[Tok], i: int) -> int:
    """Syllables of a Vietnamese organisation head word at ``i`` ("Bộ", "Ngân hàng"), 0 if none."""
    for size in (3, 2, 1):
        if i + size <= len(tokens) and " ".join(t.low for t in tokens[i : i + size]) in P.VI_ORG_HEADS:
            return size
    return 0


def vi_descriptor_size(tokens: list[Tok], i: int) -> int:
    """Syllables of a descriptor before a company's name ("Hãng hàng không"), 0 if none."""
    for size in (3, 2, 1):
        if i + size <= len(tokens) and " ".join(t.low for t in tokens[i : i + size]) in P.VI_ORG_DESCRIPTORS:
            return size
    return 0
