"""Russian case endings that a name lookup must see through.

Russian declines place and organisation names: the knowledge base lists "Москва", "Каир",
"Россия", the text says "в Москве", "в Каире", "России".  Each ending below names the
nominative endings it may stand for; a lookup tries them in turn and keeps the first the
knowledge base knows, so a reading that matches nothing costs nothing.
"""

from __future__ import annotations

import regex

# Case ending of the last word → nominative endings it may come from, longest endings first.
_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ией", ("ия",)),  # Сирией
    ("ом", ("",)),  # Каиром, Берлином
    ("ем", ("ь", "й")),  # Кремлем
    ("ой", ("а",)),  # Москвой
    ("ей", ("я", "ь")),  # Землей
    ("ии", ("ия",)),  # России, Японии, Германии
    ("е", ("а", "", "й", "я", "ь")),  # Москве, Каире, Китае, Женеве
    ("у", ("а", "")),  # Москву, Каиру
    ("ю", ("я", "ь")),  # Россию
    ("ы", ("а",)),  # Москвы
    ("и", ("я", "ь", "а")),  # Твери
    ("а", ("",)),  # Каира, Берлина
    ("я", ("й", "ь")),  # Китая, Кремля
)
_CYRILLIC_WORD = regex.compile(r"^\p{Cyrillic}{3,}$")


def word_nominatives(word: str) -> list[str]:
    """The nominatives one declined word may stand for, most likely first."""
    if not _CYRILLIC_WORD.match(word):
        return []
    out: list[str] = []
    for ending, bases in _ENDINGS:
        if word.lower().endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: len(word) - len(ending)]
            out.extend(stem + base for base in bases)
    return out
