"""The words of a watch: parsed once, matched against each new article's title and text.

Grammar: terms separated by white space; ``"a quoted phrase"`` is one term; a leading ``-``
excludes a term (``-football``, ``-"Champions League"``).  An article matches when it contains every
included term and none of the excluded ones.  An unclosed quote runs to the end of the query.

Matching ignores case and accents (Unicode case folding, combining marks removed, so Arabic short
vowels do not matter either; Turkish dotless ı is i) and goes by whole words: ``Putin`` does not match ``Putinism``.  In
scripts written without spaces (Chinese, Japanese, Thai), a term matches anywhere in the text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
# Scripts written without spaces between words: a term in them is looked for as a substring.
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def normalise(text: str) -> str:
    """Case-folded words without accents, joined by single spaces, with a space at each end."""
    # Dotless ı folds to i: upper case has one I for both, so "ILIK" must find "ılık".
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ı", "i"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " " + " ".join(_WORD.findall(bare)) + " "


@dataclass(frozen=True)
class Term:
    text: str
    excluded: bool = False

    @property
    def key(self) -> str:
        return normalise(self.text)

    def found_in(self, normalised_text: str) -> bool:
        key = self.key
        if _UNSPACED.search(key):
            return key.strip().replace(" ", "") in normalised_text.replace(" ", "")
        return key in normalised_text

    def __str__(self) -> str:
        words = self.text.split()
        shown = self.text if len(words) == 1 and not self.text.startswith("-") else f'"{" ".join(words)}"'
        return ("-" if self.excluded else "") + shown


@dataclass(frozen=True)
class WordsQuery:
    terms: tuple[Term, ...]

    def matches(self, text: str) -> bool:
        return self.matches_normalised(normalise(text))

    def matches_normalised(self, normalised: str) -> bool:
        """``matches`` for a text already through ``normalise`` (once for many queries)."""
        return all(term.found_in(normalised) != term.excluded for term in self.terms)

    def __str__(self) -> str:
        return " ".join(str(t) for t in self.terms)


@functools.lru_cache(maxsize=1024)
def parse_words(query: str) -> WordsQuery:
    """``query`` as terms; never raises.  Terms with no letter or digit (``"--"``, ``"…"``) are dropped:
    they would match everything or nothing."""
    terms: list[Term] = []
    position = 0
    while position < len(query):
        if query[position].isspace():
            position += 1
            continue
        excluded = query[position] == "-" and position + 1 < len(query) and not query[position + 1].isspace()
        if excluded:
            position += 1
        if query[position] == '"':
            close = query.find('"', position + 1)
            end = len(query) if close < 0 else close
            text, position = query[position + 1 : end], end + 1
        else:
            end = position
            while end < len(query) and not query[end].isspace():
                end += 1
            text, position = query[position:end], end
        text = " ".join(text.split())
        if normalise(text).strip():
            terms.append(Term(text, excluded))
    return WordsQuery(tuple(terms))
