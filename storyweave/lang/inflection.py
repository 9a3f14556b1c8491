"""The nominative readings of a declined name, for the languages whose module knows its endings.

Lists (the knowledge base, CLDR) hold names in the nominative; Russian and Polish texts decline
them ("в Москве", "w Warszawie", "prezydent Rosji").  A look-up tries these readings after the text
as written.
"""

from __future__ import annotations

from collections.abc import Callable

from . import pl, ru

_WORD_NOMINATIVES: dict[str, Callable[[str], list[str]]] = {"ru": ru.word_nominatives, "pl": pl.word_nominatives}


def nominatives(text: str, lang: str | None) -> list[str]:
    """Readings of ``text`` with its last word, or else its first, put back in the nominative, most
    likely first; none for a language without a module of endings."""
    word_nominatives = _WORD_NOMINATIVES.get(lang or "")
    words = text.split()
    if word_nominatives is None or not words:
        return []
    out = [" ".join([*words[:-1], word]) for word in word_nominatives(words[-1])]
    if len(words) > 1:
        # A noun heading a genitive ("Лиги арабских государств", "Ministerstwa Spraw Zagranicznych")
        # declines alone: the words after it stay as they are.
        out += [" ".join([word, *words[1:]]) for word in word_nominatives(words[0])]
    return list(dict.fromkeys(o for o in out if o != text))
