"""A state body named only by what it does ("the Foreign Ministry", "Sağlık Bakanlığı", "وزارة
الخارجية", "Ministerio de Sanidad", "Bundesregierung"): every country has one, so its name is no
identity.  Its id is the name *and* the country the article is about, when the article's places
make one clear (more of them in that country than in all others together); else the id holds for
that article alone.  Either way the writer joins it to no other stored name (``reconcile``), and a
bare name asked of ``storyweave resolve``, with no article around it, gets no id.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

import regex

from ...lang.ar import AR_STATE_BODY_HEADS
from ...lang.lexicon import BODY_HEADS, BODY_NAME_WORDS
from ...lang.patterns import heads_state_body
from ...lang.text import fold_token
from ..names import name_form, normalised_name

_WORDS = regex.compile(r"[\p{L}\p{M}’'.]+")
_HEADS = frozenset(fold_token(w) for w in AR_STATE_BODY_HEADS) | BODY_HEADS


@lru_cache(maxsize=20_000)  # asked of every stored candidate's names, article after article
def bare_body(surface: str) -> bool:
    """``surface`` names a state body by its head and generic words only: no place, person, party or
    acronym in it ("Türkiye Dışişleri Bakanlığı", "Gwent Police" and "NSW Police" say whose they are)."""
    words = _WORDS.findall(surface)
    if not words:
        return False
    heads = 0
    for word in words:
        folded = fold_token(word.strip("’'."))
        if heads_state_body(word) or folded in _HEADS:
            heads += 1
        elif folded not in BODY_NAME_WORDS or (len(word) > 1 and word.isupper()):
            return False  # a name ("Gwent") or capitals ("US", "NSW"): the body's owner is named
    return heads > 0


def clear_country(countries: Iterable[str]) -> str | None:
    """The country an article's places (one code per place mention) are mostly in: more mentions
    than all the others together, else none."""
    counts = Counter(c for c in countries if c)
    if not counts:
        return None
    [(top, n)] = counts.most_common(1)
    return top if 2 * n > sum(counts.values()) else None


def body_id(surface: str, country: str | None, article: str) -> str | None:
    """The id of a bare body's mention: its name within ``country``, else within ``article`` (a
    digest of the article: the same text gives the same id in every process)."""
    key = normalised_name(name_form(surface))
    if not key:
        return None
    scope = f"country:{country}" if country else f"article:{article}"
    return "sw:" + hashlib.blake2b(f"{key}@{scope}".encode(), digest_size=6).hexdigest()


def article_digest(body: str, surfaces: Iterable[str]) -> str:
    """What makes one article's scope: its text, else (no text given) its names in order."""
    text = body or "\n".join(surfaces)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
