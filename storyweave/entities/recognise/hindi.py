"""Rule-based person recogniser for Hindi: the name right after a role ("राष्ट्रपति व्लादिमीर पुतिन ने").

Up to three words after the title, up to the first postposition, conjunction or punctuation
(``lang.hi``).  Places and organisations are left to the gazetteer.
"""

from __future__ import annotations

import regex

from ...lang.hi import HI_NAME_ENDERS, HI_PERSON_TITLES
from .spans import Span

_WORD = regex.compile(r"[\p{Devanagari}]+")
_MAX_NAME_WORDS = 3
_TITLE_CONFIDENCE = 0.85
_LONGEST_TITLE = max(len(t.split()) for t in HI_PERSON_TITLES)


def hindi_spans(text: str) -> list[Span]:
    words = list(_WORD.finditer(text))
    spans: list[Span] = []
    k = 0
    while k < len(words):
        size = _title_at(text, words, k)
        if not size:
            k += 1
            continue
        j = k + size
        name: list[regex.Match[str]] = []
        while (
            j < len(words)
            and len(name) < _MAX_NAME_WORDS
            and words[j].group() not in HI_NAME_ENDERS
            and not _title_at(text, words, j)
            and not text[words[j - 1].end() : words[j].start()].strip()
        ):
            name.append(words[j])
            j += 1
        if name:
            spans.append(Span(name[0].start(), name[-1].end(), "person", _TITLE_CONFIDENCE))
        k = j
    return spans


def _title_at(text: str, words: list[regex.Match[str]], k: int) -> int:
    """How many words of a title start at word ``k`` (0: none), longest title first."""
    for size in range(min(_LONGEST_TITLE, len(words) - k), 0, -1):
        phrase = " ".join(w.group() for w in words[k : k + size])
        if phrase in HI_PERSON_TITLES and not text[words[k].end() : words[k + size - 1].start()].strip(" "):
            return size
    return 0
