"""Word lists and rules per language, in one place (one module per language, spaCy style).

``lexicon`` holds the lists that span languages (titles, qualifiers, organisation words, stop
words), ``patterns`` the recogniser's lists keyed by language, ``ar`` and ``fa`` the Arabic-script
ones, ``calendar`` the date words, ``text`` the script-level folding every list is matched after.
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """Whitespace-separated entries."""
    return frozenset(text.split())


def phrases(text: str) -> frozenset[str]:
    """Multi-word entries separated by ``|``."""
    return frozenset(p.strip() for p in text.split("|") if p.strip())
