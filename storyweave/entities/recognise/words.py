"""Words that belong to names but are none on their own, and endings written onto a name.

Used by the capitalised-run recogniser (``rules.py``) on lower-cased tokens (``tokens.lower``).
"""

from __future__ import annotations

from ...lang import patterns as P
from ...lang.common import common_in_any_language, common_words
from ...lang.lexicon import ROMAN_NUMERALS
from .spans import KnownLookup

_TR_ORG_CASE_ENDINGS_LONGEST_FIRST = sorted(P.TR_ORG_CASE_ENDINGS, key=len, reverse=True)
ROMAN_NUMERALS_UPPER = frozenset(n.upper() for n in ROMAN_NUMERALS if len(n) > 1)


def tr_case_ending(low: str, lang: str) -> int:
    """Letters of the case ending Turkish writes onto an organisation's head ("İçişleri Bakanlığınca",
    "... Bakanlığına"), 0 if none: the name is the head without it."""
    if lang != "tr":
        return 0
    suffixes = P.ORG_SUFFIXES["tr"]
    for ending in _TR_ORG_CASE_ENDINGS_LONGEST_FIRST:
        stem = low[: -len(ending)]
        if low.endswith(ending) and (stem.endswith(suffixes) or stem in P.ORG_HEADS):
            return len(ending)
    return 0


def is_head_alone(low: str, lang: str) -> bool:
    """An organisation's, competition's or facility's head word written alone ("el Instituto",
    "Bakanlığı", "la Copa", "del Hospital"): part of a name, none by itself."""
    low = low[: len(low) - tr_case_ending(low, lang)]
    if low in P.HEADS_NAMING_ALONE:
        return False
    return (
        low in P.ORG_HEADS
        or low in P.ORG_SUFFIXES.get(lang, ())
        or low in P.COMPETITION_HEADS
        or low in P.FACILITY_WORDS
    )


def is_nationality(word: str, low: str, lang: str, known: KnownLookup | None) -> bool:
    """A Turkish nationality word: listed ("Türk", "İspanyol"), or a known place with the ending
    that makes its adjective ("Suriyeli", of Suriye)."""
    if lang != "tr":
        return False
    if low in P.TR_NATIONALITIES:
        return True
    if not low.endswith(P.TR_PLACE_ADJECTIVE_ENDINGS) or len(word) < 6 or known is None:
        return False
    place = known(word[:-2], lang)
    return place is not None and place.type == "place"


def is_common_noun_after(low: str, before: str, lang: str) -> bool:
    """A common word of the language right after a definite article ("la Tierra", "la Provincia",
    "the Internet"): a noun of the sentence, where the names written with an article are rare words
    ("el Ebro", "el Inegi") or known ones.  ``before``: the word before, lower-cased."""
    articles = P.DEFINITE_ARTICLES.get(lang)
    if not articles or before not in articles or low in P.HEADS_NAMING_ALONE:
        return False
    return low in common_words(lang)


SHOUTED_WORD_LETTERS = 5  # a word in capitals this long that the language uses is no acronym


def is_shouted_word(low: str, lang: str) -> bool:
    """A common word written in capitals ("VIRUS:" opening a wire's headline, "BREAKING"): no
    acronym, so no organisation.  Its language's list decides, else any language's (German has
    none, and "virus" is the same word there); shorter words may be acronyms ("WHO", "NASA")."""
    if len(low) < SHOUTED_WORD_LETTERS:
        return False
    listed = common_words(lang)
    return low in (listed if listed else common_in_any_language())


def town_after_particle(before: str, word: str) -> bool:
    """``word`` names a town by a saint's name joined with a hyphen ("Saint-Fons") after the particle
    ``before`` (lower-cased: "de")."""
    return before in P.PARTICLES and bool(P.SAINT_NAMED.match(word))
