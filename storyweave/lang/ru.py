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


def nominatives(text: str) -> list[str]:
    """Readings of ``text`` with its last word put back in the nominative, most likely first; none
    for a word too short to tell or not in Cyrillic."""
    words = text.split()
    if not words or not _CYRILLIC_WORD.match(words[-1]):
        return []
    last, head = words[-1], words[:-1]
    out: list[str] = []
    for ending, bases in _ENDINGS:
        if last.lower().endswith(ending) and len(last) - len(ending) >= 3:
            stem = last[: len(last) - len(ending)]
            out.extend(" ".join([*head, stem + base]) for base in bases)
    return list(dict.fromkeys(o for o in out if o != text))
