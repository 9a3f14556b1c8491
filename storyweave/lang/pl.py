"""Polish case endings that a name lookup must see through.

Polish declines names in seven cases: the knowledge base lists "Rosja", "Warszawa", "Kreml",
"Kijów", the text says "prezydent Rosji", "w Warszawie", "według Kremla", "z Kijowa".  Each ending
below names the nominative endings it may stand for; a lookup tries them in turn and keeps the
first the knowledge base knows, so a reading that matches nothing costs nothing.
"""

from __future__ import annotations

import regex

# Case ending of the last word → nominative endings it may come from, longest endings first.
_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("owi", ("",)),  # Iranowi
    ("ach", ("y", "")),  # Chinach
    ("dze", ("ga",)),  # Pradze
    ("ji", ("ja",)),  # Rosji, Turcji, Francji
    ("ii", ("ia",)),  # Syrii, Hiszpanii
    ("ję", ("ja",)),  # Rosję
    ("ię", ("ia",)),  # Syrię
    ("ją", ("ja",)),  # Rosją
    ("ią", ("ia",)),  # Syrią
    ("ce", ("ka",)),  # Polsce, Ameryce, Afryce
    ("ie", ("a", "")),  # Warszawie, Ukrainie; Berlinie, Iranie
    ("em", ("",)),  # Kremlem, Iranem
    ("y", ("a", "")),  # Ukrainy, Warszawy, Moskwy
    ("i", ("a",)),  # Polski, Afryki
    ("ę", ("a",)),  # Ukrainę
    ("ą", ("a",)),  # Ukrainą
    ("u", ("",)),  # Kremlu, Izraelu, Londynu
    ("a", ("",)),  # Kremla, Berlina, Izraela
)
_CYRILLIC_OR_OTHER = regex.compile(r"[^\p{Latin}]")
# A stem ending -ow- closes to -ów- in the nominative: Kijowa, Krakowie → Kijów, Kraków.
_CLOSED_O = regex.compile(r"ow$")


def word_nominatives(word: str) -> list[str]:
    """The nominatives one declined word may stand for, most likely first."""
    if len(word) < 4 or _CYRILLIC_OR_OTHER.search(word):
        return []
    out: list[str] = []
    low = word.lower()
    for ending, bases in _ENDINGS:
        if low.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: len(word) - len(ending)]
            for base in bases:
                out.append(stem + base)
                if not base and _CLOSED_O.search(stem):
                    out.append(_CLOSED_O.sub("ów", stem))
    return out
