"""How a declined name's words are put back in the nominative, for languages that decline names
(``ru``, ``uk``): each language's module gives its endings, this module the way they combine."""

from __future__ import annotations

from collections.abc import Callable

import regex

Endings = tuple[tuple[str, tuple[str, ...]], ...]  # case ending → the nominative endings it may stand for
CYRILLIC_WORD = regex.compile(r"^\p{Cyrillic}[\p{Cyrillic}'’]{2,}$")
STEM_MIN = 3  # letters a word keeps once its ending is off: shorter words are too short to tell
CONSONANTS = frozenset("бвгґджзклмнпрстфхцчшщ")  # Russian and Ukrainian, lower case


def name_readings(
    text: str, word_readings: Callable[[str], list[str]], adjective_endings: tuple[tuple[str, str], ...]
) -> list[str]:
    """Readings of ``text`` with its last word (and a feminine adjective before it: "Північної
    Кореї", "Северной Ирландии"), or else its first, put back in the nominative, most likely first."""
    words = text.split()
    if not words:
        return []
    heads = [words[:-1]]
    if len(words) == 2:
        heads += [[adjective] for adjective in _adjective_readings(words[0], adjective_endings)]
    out = [" ".join([*head, word]) for word in word_readings(words[-1]) for head in heads]
    if len(words) > 1:
        # A noun heading a genitive ("Лиги арабских государств", "Ліги арабських держав") declines alone.
        out += [" ".join([word, *words[1:]]) for word in word_readings(words[0])]
    return list(dict.fromkeys(o for o in out if o != text))


def word_readings(word: str, endings: Endings, alternate: Callable[[str], list[str]] | None = None) -> list[str]:
    """``word`` with each ending it ends in replaced by the nominative endings it may stand for;
    ``alternate`` gives other spellings of a stem whose nominative ends in a consonant (Києв-: Київ)."""
    if not CYRILLIC_WORD.match(word):
        return []
    out: list[str] = []
    low = word.lower()
    for ending, bases in endings:
        if low.endswith(ending) and len(word) - len(ending) >= STEM_MIN:
            stem = word[: len(word) - len(ending)]
            for base in bases:
                out.append(stem + base)
                if alternate is not None and base in ("", "ь"):
                    out.extend(other + base for other in alternate(stem))
    return out


def _adjective_readings(word: str, endings: tuple[tuple[str, str], ...]) -> list[str]:
    if not CYRILLIC_WORD.match(word):
        return []
    low = word.lower()
    found = [(e, base) for e, base in endings if low.endswith(e) and len(word) - len(e) >= STEM_MIN]
    return [word[: len(word) - len(e)] + base for e, base in found]
