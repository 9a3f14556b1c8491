"""Ukrainian case endings that a name lookup must see through.

Ukrainian declines place names as Russian does ("до Києва", "у Львові", "Росії", "з Туреччиною"),
and a masculine name whose last syllable has і writes е, є or о there once an ending follows:
Київ / Києва, Львів / Львова, Харків / Харкова, Миколаїв / Миколаєва.  The knowledge base lists
the nominative; each ending below names the nominative endings it may stand for, a lookup tries
the readings in turn and keeps the first the knowledge base knows, so a reading that names nothing
costs nothing.
"""

from __future__ import annotations

from .declension import CONSONANTS, Endings, name_readings, word_readings

# Case ending of the last word → nominative endings it may come from, longest endings first.
_ENDINGS: Endings = (
    ("ією", ("ія",)),  # Росією, Францією
    ("ою", ("а",)),  # Москвою, Туреччиною, Україною
    ("єю", ("я",)),  # Гвінеєю
    ("ею", ("я", "ь")),  # Вінницею (Вінниця)
    ("єм", ("й",)),  # Китаєм
    ("ом", ("",)),  # Києвом, Берліном, Львовом
    ("ем", ("ь", "")),  # Кремлем, Парижем, Ізраїлем
    ("ці", ("ка", "ця")),  # Америці, Африці (к → ц before -і); Вінниці
    ("зі", ("га",)),  # Празі, Ризі (г → з before -і)
    ("ії", ("ія",)),  # Росії, Франції, Італії
    ("ї", ("я", "й")),  # Китаї, Гаваї
    ("и", ("а",)),  # Туреччини, Москви, України
    ("і", ("а", "", "ь", "я")),  # Туреччині, Києві, Львові, Кремлі
    ("ію", ("ія",)),  # Росію
    ("ю", ("я", "ь", "й")),  # Ізраїлю, Китаю
    ("у", ("а", "")),  # Україну, Москву, Криму
    ("а", ("",)),  # Києва, Берліна, Харкова
    ("я", ("ь", "й")),  # Кремля
)
# A feminine adjective before the noun declines with it: "Північної Кореї", "Саудівській Аравії".
_ADJECTIVE_ENDINGS: tuple[tuple[str, str], ...] = (("ої", "а"), ("ій", "а"), ("ою", "а"), ("у", "а"))
# The vowel of a masculine name's last syllable, as written once an ending follows → as in the
# nominative: Києв- → Київ, Львов- → Львів, Миколаєв- → Миколаїв.
_ALTERNATING = {"е": "і", "о": "і", "є": "ї"}
# Endings of an adjectival family name in a case other than the nominative (Зеленського, Зеленському,
# Зеленським; Політковської, Політковською): a given name before it declines too ("Володимира").
OBLIQUE_SURNAME_ENDINGS = ("ського", "ському", "ським", "цького", "цькому", "цьким", "ської", "ською")
# Case endings of a family name, longest first: what "Зеленського", "Ердогана", "Путіним" and
# "Порошенка" lose to read as the name written alone elsewhere (Зеленський, Ердоган, Путін, Порошенко).
SURNAME_ENDINGS = ("ого", "ому", "ові", "ою", "ої", "им", "ий", "ій", "ом", "ем", "а", "я", "у", "ю", "і", "и", "о")
# Case endings of a man's name that no nominative has → the nominative's ending: Зеленського,
# Зеленським, Путіним, Лавровим, Ердоганом, Володимиром.  Not the genitive -а: "Путіна" may be a woman.
PERSON_ENDINGS: tuple[tuple[str, str], ...] = (
    ("ського", "ський"),
    ("ському", "ський"),
    ("ським", "ський"),
    ("цького", "цький"),
    ("цькому", "цький"),
    ("цьким", "цький"),
    ("іним", "ін"),
    ("иним", "ин"),
    ("овим", "ов"),
    ("евим", "ев"),
    ("ом", ""),
)


def nominatives(text: str) -> list[str]:
    """Readings of ``text`` put back in the nominative, most likely first (``declension.name_readings``)."""
    return name_readings(text, _word_nominatives, _ADJECTIVE_ENDINGS)


def _word_nominatives(word: str) -> list[str]:
    return word_readings(word, _ENDINGS, _last_syllable_i)


def _last_syllable_i(stem: str) -> list[str]:
    """The stem with the vowel before its last consonant written і (ї), as the nominative has it."""
    vowel = stem[-2:-1].lower()
    if vowel not in _ALTERNATING or stem[-1:].lower() not in CONSONANTS:
        return []
    replaced = _ALTERNATING[vowel]
    return [stem[:-2] + (replaced.upper() if stem[-2].isupper() else replaced) + stem[-1]]
