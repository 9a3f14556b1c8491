"""Rule-based person recogniser for Korean: a name right before a role, a country between them or not.

"블라디미르 푸틴 러시아 대통령과", "에르도안 대통령은": up to three words before the role (and before a
country the knowledge base knows, when one stands there) are the person's name, provided none of
them carries a particle or is a word that qualifies a role (``lang.ko``).  Places and organisations
are left to the gazetteer, which reads Korean names with their particles.
"""

from __future__ import annotations

import regex

from ...lang.ko import KO_NOT_NAMES, KO_PARTICLES, KO_PERSON_TITLES
from .spans import KnownLookup, Span

_WORD = regex.compile(r"[\p{Hangul}]+")
_MAX_NAME_WORDS = 3
_MIN_NAME_SYLLABLES = 2
_TITLE_CONFIDENCE = 0.85  # a person's name before a title holds the place names inside it (Vladimir)


def korean_spans(text: str, known: KnownLookup | None = None) -> list[Span]:
    words = list(_WORD.finditer(text))
    spans: list[Span] = []
    for k, word in enumerate(words):
        if not word.group().startswith(KO_PERSON_TITLES):
            continue
        j = k - 1
        # A country between the name and its role: "푸틴 러시아 대통령".
        if j >= 0 and _adjacent(text, words[j], word) and _is_place(words[j].group(), known):
            j -= 1
        name: list[regex.Match[str]] = []
        while j >= 0 and len(name) < _MAX_NAME_WORDS and _adjacent(text, words[j], (name or [words[j + 1]])[-1]):
            candidate = words[j].group()
            if not _name_word(candidate) or (_is_place(candidate, known) and not name):
                break
            name.append(words[j])
            j -= 1
        if name:
            spans.append(Span(name[-1].start(), name[0].end(), "person", _TITLE_CONFIDENCE))
    return spans


def _adjacent(text: str, before: regex.Match[str], after: regex.Match[str]) -> bool:
    """Only spaces between two words: a comma or a full stop ends the name."""
    gap = text[before.end() : after.start()]
    return not gap.strip() and "\n" not in gap


def _name_word(word: str) -> bool:
    return len(word) >= _MIN_NAME_SYLLABLES and word not in KO_NOT_NAMES and not word.endswith(KO_PARTICLES)


def _is_place(word: str, known: KnownLookup | None) -> bool:
    found = known(word, "ko") if known is not None else None
    return found is not None and found.type == "place"
