"""Common words of a language, for telling a capitalised common noun from a name (run time).

The lists in ``data/`` hold the words a language uses at least once in 10,000 (wordfreq's Zipf
frequency ≥ ``build_common.MIN_ZIPF``), lower-cased, without the words that are also people's given
or family names.  A capitalised word that is on its language's list and that no knowledge base
knows is a noun of the sentence ("la Tierra", "la Provincia"), while names that take an article
are rare words there ("el Ebro", "el Inegi", "la Xunta").  Built by ``python -m
storyweave.lang.build_common`` (the ``kb`` extra).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

LANGUAGES = ("en", "es", "fr", "it", "pt")


@cache
def common_words(lang: str) -> frozenset[str]:
    """``lang``'s common words, lower-cased; empty for a language without a list."""
    if lang not in LANGUAGES:
        return frozenset()
    text = resources.files(__package__).joinpath("data", f"common_{lang}.txt").read_text(encoding="utf-8")
    return frozenset(text.split())


@cache
def common_in_any_language() -> frozenset[str]:
    """Every listed language's common words: for a word shared across languages ("virus") in a text
    whose language has no list of its own."""
    return frozenset().union(*(common_words(lang) for lang in LANGUAGES))
