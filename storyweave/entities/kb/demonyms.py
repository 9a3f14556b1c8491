"""Demonyms and nationality adjectives ("Russian", "russe", "russische", "الروسية", "российский").

Name databases list some of them as aliases of the country, and language models tag them as
nationalities; either way a lone adjective is not a mention of the place.  They are recognised by
morphology, not by a list: a country's name (any configured language, from the knowledge base's
display names) cut by up to four letters, plus a nationality suffix of that script.  The
country's own names never count ("Russia", "Rusia"), and neither does any multi-word name, so
"الاتحاد الروسي" (the Russian Federation) stays the place.
"""

from __future__ import annotations

from functools import cache

from ...lang import inflection
from ...lang.text import fold
from ...memory import collector_paused
from ..names import name_form, tokens
from .base import COUNTRY_PRIORITY, KnowledgeBase

_MIN_STEM = 4
_MIN_ARABIC_STEM = 3  # no short vowels: روسيا → روس + ي / ية
_LATIN_SUFFIXES = (
    "n ian ians ean eans an ans ien iens ienne iennes ese eses ais aise aises ois oise oises ish isch ische "
    "ischen ischer isches i is e es er ers ic ics ique iques ano anos ana anas ense eno ena ino ina o a isk iske "
    # Spanish "español", Turkish "İspanyol"; Turkish "-lı/-li/-lu/-lü" ("Amerikalı", "Suriyeli"), plural "-lar/-ler".
    "ol ola oles olas li lu lilar liler lular luler"
)
_CYRILLIC_SUFFIXES = (
    "ский ская ское ские ского ской ском скую ских ским ийский ийская ийское ийские ийского ийской ийском "
    "ийскую ийских ийским ец цы янин яне ане анин"
)
_ARABIC_SUFFIXES = "ي يه يون يين"


def _suffixes() -> tuple[str, ...]:
    words = f"{_LATIN_SUFFIXES} {_CYRILLIC_SUFFIXES} {_ARABIC_SUFFIXES}".split()
    return tuple(sorted({fold(w) for w in words}, key=len, reverse=True))


def _min_stem(word: str) -> int:
    return _MIN_ARABIC_STEM if "\u0600" <= word[:1] <= "\u06ff" else _MIN_STEM


class DemonymIndex:
    """``country_of(token)``: the country id a one-token nationality adjective derives from."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.names: dict[str, set[str]] = {}  # a place's own one-word name -> its languages
        self.stems: dict[str, str] = {}
        for entity in sorted(kb.entities.values(), key=lambda e: e.id):
            country = entity.priority >= COUNTRY_PRIORITY and entity.type == "place"
            for lang, name in entity.names.items():
                # The tokens alone, as ``name_form(name, drop_titles=False)`` has them: its
                # romanisation and skeletons, unused here, took most of this index's build.
                words = tokens(name)
                if len(words) != 1:
                    continue
                word = words[0]
                self.names.setdefault(word, set()).add(lang)  # "Indiana" is never an adjective
                if not country:
                    continue
                for cut in range(0, 5):
                    stem = word[: len(word) - cut]
                    if len(stem) >= _min_stem(stem):
                        self.stems.setdefault(stem, entity.id)
        self.suffixes = _suffixes()

    def country_of(self, token: str, lang: str = "", min_suffix: int = 1) -> str | None:
        """``min_suffix`` 2 ignores the one-vowel endings ("Russo", "Rossi"), which are also how
        many languages end the country's own name (Meksiko, Austri)."""
        langs = self.names.get(token, set())
        if not langs and any(n in self.names for n in inflection.nominatives(token, lang)):
            return None  # "rosji" is Rosja declined ("prezydent Rosji"), not the adjective "rosyjski"
        # Arabic-script languages disagree: Persian روسیه (Russia) is Arabic روسية (Russian).
        if langs and (lang in langs or not lang or _min_stem(token) == _MIN_STEM):
            return None
        arabic = _min_stem(token) == _MIN_ARABIC_STEM
        for suffix in self.suffixes:
            if len(suffix) < min_suffix and not arabic:
                continue
            if token.endswith(suffix) and len(token) - len(suffix) >= _min_stem(token):
                found = self.stems.get(token[: -len(suffix)])
                if found is not None:
                    return found
        return None


@cache
def demonym_index(kb: KnowledgeBase) -> DemonymIndex:
    with collector_paused():  # a bulk build of long-lived strings and sets (see kb.base.get_kb)
        return DemonymIndex(kb)


def demonym_country(kb: KnowledgeBase, surface: str, lang: str = "") -> str | None:
    """The country a lone nationality adjective names, else None (names, phrases, the country itself)."""
    form = name_form(surface, drop_titles=False)
    if len(form.tokens) != 1:
        return None
    return demonym_index(kb).country_of(form.tokens[0], lang)
