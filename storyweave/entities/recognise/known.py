"""What the knowledge base, and CLDR's country names, say about the words of one text.

The capitalised-run recogniser (``rules.py``) asks these questions while it collects and types runs;
they depend only on the text, its language and the lookup, never on the run being built, so they
live apart: how a name is looked up (a German genitive or a Turkish case ending tried without it)
changes here, how a run is cut and typed there.
"""

from __future__ import annotations

import functools

from ...lang import inflection
from ...lang import patterns as P
from ..kb.base import LISTED_CONFIDENCE
from .spans import Known, KnownLookup, Span
from .tokens import Tok, lower

# Turkish case endings written without the apostrophe they should have ("Ankarada"): tried only to
# find a known place, never to cut a name.
# Short endings are left out: "Maliye" is not "Mali" + "ye".
_TR_CASE_ENDINGS = ("ndan", "nden", "dan", "den", "tan", "ten", "nın", "nin")
_TR_STEM_MIN = 5
_COUNTRY_STEM_MIN = 4  # letters of a word that must match a country name's stem ("Russ" of "Russlands")
_PART_MAX = 4  # tokens of the longest known name looked for inside a run


class KnownNames:
    """The knowledge base's answers for runs of tokens of one text (``lookup`` None: no answers)."""

    def __init__(self, text: str, lang: str, lookup: KnownLookup | None) -> None:
        self.text = text
        self.lang = lang
        self.lookup = lookup

    def known(self, words: list[Tok]) -> tuple[Known, int] | None:
        """What the knowledge base calls these words, and where the name ends (a German genitive
        "Russlands" or a Turkish case ending without apostrophe is tried without it)."""
        if self.lookup is None or not words:
            return None
        start, end = words[0].start, words[-1].end
        surface = self.text[start:end]
        found = self.lookup(surface, self.lang)
        if found is not None:
            return found, end
        if self.lang == "de" and surface.endswith("s") and len(surface) >= 5:
            found = self.lookup(surface[:-1], self.lang)
            if found is not None and found.type == "place":
                return found, end
        if len(words) <= 2:  # "Rosji", "Японии": the lists hold the nominative
            for nominative in inflection.nominatives(surface, self.lang):
                found = self.lookup(nominative, self.lang)
                if found is not None and found.type in ("place", "organisation"):
                    return found, end
        if self.lang == "tr" and len(words) == 1 and not words[0].suffixed:
            for ending in _TR_CASE_ENDINGS:
                if surface.endswith(ending) and len(surface) - len(ending) >= _TR_STEM_MIN:
                    found = self.lookup(surface[: -len(ending)], self.lang)
                    if found is not None and found.type == "place":
                        return found, end - len(ending)
        return None

    def parts(self, words: list[Tok]) -> list[Span]:
        """Known places and organisations inside a run none of whose cues apply, longest first."""
        out: list[Span] = []
        k = 0
        while k < len(words):
            for size in range(min(_PART_MAX, len(words) - k), 0, -1):
                hit = self.known(words[k : k + size])
                if hit is not None and hit[0].type in ("place", "organisation"):
                    out.append(Span(words[k].start, hit[1], hit[0].type, LISTED_CONFIDENCE))
                    k += size
                    break
            else:
                k += 1
        return out

    def is_country(self, words: list[Tok]) -> bool:
        if self.lang == "vi" and " ".join(w.low for w in words) in P.VI_COUNTRIES:
            return True
        hit = self.known(words)
        return hit is not None and hit[0].type == "place" and hit[0].country and hit[1] == words[-1].end

    def declined_country(self, words: list[Tok]) -> bool:
        """The words are a country's name in a case other than the nominative ("Туреччини", "России",
        "Північної Кореї"): no one's given name."""
        if self.lang not in inflection.DECLINING or self.lookup is None or not words:
            return False
        surface = self.text[words[0].start : words[-1].end]
        readings = (self.lookup(reading, self.lang) for reading in inflection.nominatives(surface, self.lang))
        return any(found is not None and found.type == "place" and found.country for found in readings)

    def declined_country_opening(self, run: list[Tok]) -> int:
        """How many words (two, one, else 0) opening ``run``, and not all of it, are a declined
        country's name: the run is the country, then a name ("Туреччини Реджепа Тайїпа Ердогана")."""
        return next((n for n in (2, 1) if len(run) > n and self.declined_country(run[:n])), 0)

    def region_of_known_place(self, words: list[Tok]) -> bool:
        """A compass word before a known place: "Kuzey Irak", "Northern Syria"."""
        if len(words) < 2 or words[0].low not in P.DIRECTIONS:
            return False
        rest = self.known(words[1:])
        return rest is not None and rest[0].type == "place" and rest[1] == words[-1].end

    def opens_with_country(self, tok: Tok) -> bool:
        """The word is an inflected one-word country name of the language ("Russlands", "України")."""
        stems = _country_stems(self.lang)
        return any(tok.low[:k] in stems for k in range(_COUNTRY_STEM_MIN, len(tok.low) + 1))


@functools.cache
def _country_stems(lang: str) -> frozenset[str]:
    """One-word CLDR country names of ``lang`` without their last letter, which inflection changes."""
    try:
        from babel import Locale, UnknownLocaleError

        names = Locale(lang).territories.values()
    except (ImportError, ValueError, UnknownLocaleError):
        return frozenset()
    return frozenset(lower(n, lang)[:-1] for n in names if " " not in n and len(n) >= 5)
