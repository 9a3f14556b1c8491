"""The nominative readings of a declined name, for the languages whose module knows its endings.

Lists (the knowledge base, CLDR) hold names in the nominative; Russian, Ukrainian and Polish texts
decline them ("в Москве", "у Києві", "w Warszawie", "prezydent Rosji").  A look-up tries these
readings after the text as written.  Russian and Ukrainian men's names decline too ("Зеленського",
"Путиным"): ``surname_key``, ``person_nominative`` and ``not_one_name`` see through that.
"""

from __future__ import annotations

from collections.abc import Callable

from . import pl, ru, uk
from .declension import CONSONANTS, name_readings


def _polish(text: str) -> list[str]:
    return name_readings(text, pl.word_nominatives, ())


_BY_LANGUAGE: dict[str, Callable[[str], list[str]]] = {"ru": ru.nominatives, "pl": _polish, "uk": uk.nominatives}
DECLINING = frozenset(_BY_LANGUAGE)


def nominatives(text: str, lang: str | None) -> list[str]:
    """Readings of ``text`` put back in the nominative, most likely first; none for a language
    without a module of endings."""
    reader = _BY_LANGUAGE.get(lang or "")
    return reader(text) if reader is not None else []


_OBLIQUE_SURNAME_ENDINGS = {"ru": ru.OBLIQUE_SURNAME_ENDINGS, "uk": uk.OBLIQUE_SURNAME_ENDINGS}


def not_one_name(first: str, last: str, lang: str | None) -> bool:
    """``first`` (a word ending in a consonant: a masculine noun's nominative) cannot open the name
    whose family name ``last`` is declined ("Візит Зеленського" is a visit of Zelensky's): the words
    of a name share its case."""
    endings = _OBLIQUE_SURNAME_ENDINGS.get(lang or "")
    return endings is not None and last.lower().endswith(endings) and first[-1:].lower() in CONSONANTS


_SURNAME_ENDINGS = {"ru": ru.SURNAME_ENDINGS, "uk": uk.SURNAME_ENDINGS}
_SURNAME_STEM_MIN = 4


def surname_key(word: str, lang: str | None) -> str:
    """``word`` as a family name seen in any case: without its case ending in a declining language
    ("Зеленського" and "Зеленський" give one key), as written in any other."""
    endings = _SURNAME_ENDINGS.get(lang or "")
    if endings is None:
        return word
    low = word.lower()
    ending = next((e for e in endings if low.endswith(e) and len(low) - len(e) >= _SURNAME_STEM_MIN), "")
    return low[: len(low) - len(ending)]


_PERSON_ENDINGS = {"ru": ru.PERSON_ENDINGS, "uk": uk.PERSON_ENDINGS}
_PERSON_STEM_MIN = 3


def person_nominative(name: str, lang: str | None) -> str:
    """A man's name with each word's case ending that no nominative has put back ("Владимиром
    Путиным" → "Владимир Путин"); ``name`` itself in a language not declined here."""
    endings = _PERSON_ENDINGS.get(lang or "")
    if endings is None:
        return name
    words = []
    for word in name.split():
        low = word.lower()
        found = next((e for e in endings if low.endswith(e[0]) and len(low) - len(e[0]) >= _PERSON_STEM_MIN), None)
        words.append(word[: len(word) - len(found[0])] + found[1] if found else word)
    return " ".join(words)
