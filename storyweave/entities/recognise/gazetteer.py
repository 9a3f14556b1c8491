"""Find knowledge-base names in running text: the mention finder for languages without a model.

Longest match over folded tokens, script-aware: Arabic tokens are tried without the article and
joined prepositions (لفيتنام → فيتنام); Chinese and Japanese runs, which have no spaces, are
scanned character by character; in scripts with letter case a match must start with a capital.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from dataclasses import dataclass
from typing import NamedTuple

import regex

from ...lang.ar import AR_STOP_WORDS
from ...lang.lexicon import runtime_stopwords
from ...lang.patterns import heads_state_body
from ...lang.text import arabic_clitic_variants, fold, fold_token
from ..kb.base import KnowledgeBase
from ..names import is_cjk
from .cjk import CJK_PART_OF_PLACE_WORDS

# A word's combining marks are part of it: Arabic vowel signs ("وُفقنا", we succeeded, is one
# word, not و + فقنا) and decomposed accents.
_WORD = regex.compile(r"[^\W\d_][\p{L}\p{M}]*")
_JOINERS = re.compile(r"^[\s\-‐‑'’]*$")  # what may separate the tokens of one name
# An abbreviation's dot may too, after a short word in capitals: "EE. UU.", "U.S.", "U.K.".
_ABBREVIATION_JOINER = re.compile(r"^\.\s?$")
_ABBREVIATION_MAX = 3
_ARABIC = re.compile("[\u0600-\u06ff]")


@dataclass(frozen=True)
class GazetteerHit:
    start: int
    end: int
    entity_ids: frozenset[str]


class _Token(NamedTuple):  # a tuple: built for every word of every article, it costs less
    start: int
    end: int
    text: str
    folded: str
    variants: tuple[str, ...]
    cjk: bool  # holds a Chinese or Japanese character: scanned character by character
    opens: bool  # may open a name: capitalised, in a script without case, or CJK


# Built straight from a tuple: the named tuple's own constructor is one more Python call for
# each word of each article.
_new_token = tuple.__new__
_OPENS = operator.attrgetter("opens")


def _tokenise(text: str) -> list[_Token]:
    return [
        _new_token(_Token, (match.start(), match.end(), *_word(match.group()))) for match in _WORD.finditer(text)
    ]


# Words recur (within an article and across a worker's articles): folding each (Unicode
# normalisations three times over) was a third of the scan's time.
@functools.lru_cache(maxsize=1 << 15)
def _word(raw: str) -> tuple[str, str, tuple[str, ...], bool, bool]:
    """What a token's fields after its offsets hold, for the word ``raw``: itself, its folded form
    and, for an Arabic word, its forms without joined clitics; whether it is CJK, and may open a name."""
    folded = fold_token(raw)
    variants: tuple[str, ...] = ()
    if _ARABIC.match(folded):
        variants = tuple(v for v in arabic_clitic_variants(fold(raw)) if v != folded)
    cjk = is_cjk(raw)
    return raw, folded, variants, cjk, cjk or _capitalised(raw)


def _capitalised(token: str) -> bool:
    first = token[0]
    return first.upper() == first.lower() or first.isupper()


class Gazetteer:
    def __init__(self, kb: KnowledgeBase, max_tokens: int = 6) -> None:
        self.kb = kb
        self.max_tokens = min(max_tokens, kb.max_tokens)
        self.stop = runtime_stopwords()
        # Words after which a city is the place, not a given name: the stop words, and the Arabic
        # verbs and nouns that open a clause ("سيزور موسكو الأسبوع المقبل": will visit Moscow).
        self.before_place = self.stop | {fold(w) for w in AR_STOP_WORDS}

    def scan(self, text: str, lang: str | None = None) -> list[GazetteerHit]:
        """Knowledge-base names in ``text``; ``lang`` adds that language's own short forms ("Mỹ")."""
        tokens = _tokenise(text)
        hits: list[GazetteerHit] = []
        i = 0
        # Only the words that may open a name are tried, picked out in C: most of a text's words
        # are in small letters, and two Python calls for each only to skip it cost more than the
        # look-ups for the others.
        for n in itertools.compress(range(len(tokens)), map(_OPENS, tokens)):
            if n < i:
                continue  # inside the name found last
            i = n
            token = tokens[i]
            if token.cjk:
                hits.extend(self._scan_cjk(token, lang))
                i += 1
                continue
            found = self._longest_at(text, tokens, i, lang)
            if found is None:
                i += 1
                continue
            length, ids = found
            hit = GazetteerHit(token.start, tokens[i + length - 1].end, frozenset(ids))
            if not (length == 1 and self._looks_like_given_name(text, tokens, i, ids)):
                hits.append(hit)
            i += length
        return hits

    def _longest_at(self, text: str, tokens: list[_Token], i: int, lang: str | None) -> tuple[int, set[str]] | None:
        first = tokens[i]
        if first.folded in self.stop:  # ``first`` opens a name (``scan`` tried no other)
            return None
        # Each reading of the first word, with how many more words a key opening as it does can have:
        # most capitalised words open no key, or only short ones, and need few look-ups or none.
        heads = []
        for head in (first.folded, *first.variants):
            spare = self.kb.words_opened(head.split(" ", 1)[0]) - head.count(" ") - 1
            if spare >= 0:
                heads.append((head, spare))
        if not heads:
            return None
        top = min(self.max_tokens, len(tokens) - i, 1 + max(spare for _, spare in heads))
        joined = 1  # how many tokens from ``i`` are joined as one name's may be
        while joined < top and self._joined(text, tokens[i + joined - 1], tokens[i + joined]):
            joined += 1
        for length in range(joined, 0, -1):
            rest = [t.folded for t in tokens[i + 1 : i + length]]
            words = len(rest) + sum(t.count(" ") for t in rest)
            written = text[first.start : tokens[i + length - 1].end]
            for head, spare in heads:
                if words > spare:
                    continue
                ids = self.kb.lookup(" ".join([head, *rest]), lang, written)
                if ids:
                    return length, set(ids)
        return None

    @staticmethod
    def _joined(text: str, left: _Token, right: _Token) -> bool:
        between = text[left.end : right.start]
        if _JOINERS.match(between):
            return True
        return bool(_ABBREVIATION_JOINER.match(between) and left.text.isupper() and len(left.text) <= _ABBREVIATION_MAX)

    def _looks_like_given_name(self, text: str, tokens: list[_Token], i: int, ids: set[str]) -> bool:
        """ "Vladimir Poutine", "فلاديمير بوتن": a city's name followed by another name is a person's."""
        entities = [self.kb.entities[e] for e in ids]
        if any(e.priority >= 10**10 or e.type != "place" for e in entities) or i + 1 >= len(tokens):
            return False
        nxt = tokens[i + 1]
        if not re.fullmatch(r"\s+", text[tokens[i].end : nxt.start]) or nxt.folded in self.stop:
            return False
        if heads_state_body(nxt.text):  # "Paris Police", "İstanbul Valiliği": the town's own body
            return False
        if nxt.text[0].upper() != nxt.text[0].lower():  # a cased script: the capital says it
            return nxt.text[0].isupper() and not self.kb.lookup(nxt.folded)
        previous = tokens[i - 1].folded if i > 0 else ""
        opens = any(w in self.before_place for w in (previous, *arabic_clitic_variants(previous)))  # "وزار"
        return not opens and not self.kb.lookup(nxt.folded)

    def _scan_cjk(self, token: _Token, lang: str | None) -> list[GazetteerHit]:
        run, hits, j = token.folded, [], 0
        while j < len(run):
            for size in range(min(self.kb.cjk_max_chars, len(run) - j), 1, -1):
                piece = run[j : j + size]
                if _inside_katakana_word(run, j, j + size):
                    continue
                ids = self.kb.lookup(piece, lang) if piece not in CJK_PART_OF_PLACE_WORDS else None
                if ids:
                    hits.append(GazetteerHit(token.start + j, token.start + j + size, frozenset(ids)))
                    j += size
                    break
            else:
                j += 1
        return hits


_KATAKANA_WORD = regex.compile(r"[\p{Katakana}ー]")


def _inside_katakana_word(run: str, start: int, end: int) -> bool:
    """Japanese writes a foreign word in katakana from end to end: a name the knowledge base lists
    in katakana is not found inside a longer one (トラン, Trang, in トランプ, Trump)."""
    edges = (run[start - 1 : start], run[start : start + 1], run[end - 1 : end], run[end : end + 1])
    before, first, last, after = (bool(c) and bool(_KATAKANA_WORD.match(c)) for c in edges)
    return (first and before) or (last and after)

