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
    """Readings of ``text`` with its last word, or else its first, put back in the nominative, most
    likely first; none for a word too short to tell or not in Cyrillic."""
    words = text.split()
    if not words:
        return []
    out = [" ".join([*words[:-1], word]) for word in _word_nominatives(words[-1])]
    if len(words) > 1:
        # A noun heading a genitive ("Лиги арабских государств", "Министерства иностранных дел")
        # declines alone: the words after it stay as they are.
        out += [" ".join([word, *words[1:]]) for word in _word_nominatives(words[0])]
    return list(dict.fromkeys(o for o in out if o != text))


def _word_nominatives(word: str) -> list[str]:
    if not _CYRILLIC_WORD.match(word):
        return []
    out: list[str] = []
    for ending, bases in _ENDINGS:
        if word.lower().endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: len(word) - len(ending)]
            out.extend(stem + base for base in bases)
    return out
