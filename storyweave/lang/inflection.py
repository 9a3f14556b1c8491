"""The nominative readings of a declined name, for the languages whose module knows its endings.

Lists (the knowledge base, CLDR) hold names in the nominative; Russian and Polish texts decline
them ("в Москве", "w Warszawie", "prezydent Rosji").  A look-up tries these readings after the text
as written.
"""

from __future__ import annotations

from collections.abc import Callable

from . import pl, ru

_BY_LANGUAGE: dict[str, Callable[[str], list[str]]] = {"ru": ru.nominatives, "pl": pl.nominatives}


def nominatives(text: str, lang: str | None) -> list[str]:
    """Readings of ``text`` put back in the nominative, most likely first; none for a language
    without a module of endings."""
    reader = _BY_LANGUAGE.get(lang or "")
    return reader(text) if reader is not None else []
