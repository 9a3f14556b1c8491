"""Russian case endings that a name lookup must see through.

Russian declines place and organisation names: the knowledge base lists "Москва", "Каир",
"Россия", the text says "в Москве", "в Каире", "России".  Each ending below names the
nominative endings it may stand for; a lookup tries them in turn and keeps the first the
knowledge base knows, so a reading that matches nothing costs nothing.
"""

from __future__ import annotations

from .declension import Endings, name_readings, word_readings

# Case ending of the last word → nominative endings it may come from, longest endings first.
_ENDINGS: Endings = (
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
# Endings of an adjectival family name in a case other than the nominative (Зеленского, Зеленскому,
# Зеленским, Политковскую; not -ской, a nominative too: Трубецкой): a given name before it
# declines too ("Владимира").
OBLIQUE_SURNAME_ENDINGS = ("ского", "скому", "ским", "цкого", "цкому", "цким", "скую")
# Case endings of a family name, longest first: what "Зеленского", "Эрдогана", "Путиным" lose to read
# as the name written alone elsewhere (Зеленский, Эрдоган, Путин).
SURNAME_ENDINGS = ("ого", "его", "ому", "ему", "ым", "им", "ий", "ый", "ой", "ом", "ем", "а", "я", "у", "ю", "е", "ы")
# Case endings of a man's name that no nominative has → the nominative's ending: Путиным, Лавровым,
# Зеленским, Зеленского, Эрдоганом, Владимиром.  Not the genitive -а: "Путина" is also a woman's name.
PERSON_ENDINGS: tuple[tuple[str, str], ...] = (
    ("ского", "ский"),
    ("скому", "ский"),
    ("ским", "ский"),
    ("цкого", "цкий"),
    ("цкому", "цкий"),
    ("цким", "цкий"),
    ("ым", ""),
    ("ом", ""),
)
# A feminine adjective before the noun declines with it: "Северной Ирландии", "Южную Корею".
_ADJECTIVE_ENDINGS: tuple[tuple[str, str], ...] = (("ой", "ая"), ("ую", "ая"), ("ей", "яя"))


def nominatives(text: str) -> list[str]:
    """Readings of ``text`` put back in the nominative, most likely first (``declension.name_readings``)."""
    return name_readings(text, _word_nominatives, _ADJECTIVE_ENDINGS)


def _word_nominatives(word: str) -> list[str]:
    return word_readings(word, _ENDINGS)
